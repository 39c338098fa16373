/*
 * log.h - the daemons' own diagnostics, shaped like err(3): log_warn adds
 * strerror(errno), log_warnx does not. Goes to stderr until log_to_syslog()
 * is called by a daemonised process, then to syslog(3).
 */
#ifndef SHARED_LOG_H
#define SHARED_LOG_H

#include <stdarg.h>
#include <stddef.h>

#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Set the program tag and verbosity (0 quiet: warnings only, 1 info, 2 debug). */
void log_init(const char *tag, int verbose);
/* Send further messages to syslog(3) (LOG_DAEMON) instead of stderr. */
void log_to_syslog(void);
/* The syslog facility for log_to_syslog (LOG_DAEMON unless set). */
void log_set_facility(int facility);
int log_get_facility(void);

/* Send further messages to fn (priority LOG_*, the message without a
 * newline) instead of stderr or syslog(3): vrrpd's non-blocking syslog
 * targets. fn NULL goes back to stderr. */
typedef void (*log_sink_fn)(void *arg, int pri, const char *msg, size_t len);
void log_to_sink(log_sink_fn fn, void *arg);
int log_verbose(void);

void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_notice(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_info(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_debug(const char *fmt, ...) LOG_PRINTF(1, 2);
/* A debug line, also written below debug verbosity when force is set (an
 * object whose own setting asks for its details). */
void log_vdebug(int force, const char *fmt, va_list ap) LOG_PRINTF(2, 0);
/* Start-up failures and broken invariants only: log and exit(1). */
void fatal(const char *fmt, ...) LOG_PRINTF(1, 2) __attribute__((noreturn));
void fatalx(const char *fmt, ...) LOG_PRINTF(1, 2) __attribute__((noreturn));

#endif
