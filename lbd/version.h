/* version.h - lbd's version string. */
#ifndef LBD_VERSION_H
#define LBD_VERSION_H

#define LBD_VERSION	"0.1.0"
#define LBD_RELEASE_DATE "2026/11/25"

#endif
