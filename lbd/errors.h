/*
 * errors.h - the error responses lbd sends itself: built-in pages, or the
 * "errorfile" a proxy configured for that status.
 */
#ifndef LBD_ERRORS_H
#define LBD_ERRORS_H

struct proxy;
struct errorfile;

/* The response for status: be's errorfile, else fe's, else built-in.
 * Never NULL (an unknown status gets the 500 page). */
const struct errorfile *errors_get(const struct proxy *be,
				   const struct proxy *fe, int status);

#endif
