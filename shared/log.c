/*
 * log.c - the daemons' own diagnostics (see log.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static const char *log_tag = "lbd";
static int log_level_verbose;
static int log_syslog;
static int log_facility = LOG_DAEMON;
static log_sink_fn log_sink;
static void *log_sink_arg;

void log_init(const char *tag, int verbose)
{
	log_tag = tag;
	log_level_verbose = verbose;
}

void log_to_syslog(void)
{
	openlog(log_tag, LOG_PID | LOG_NDELAY, log_facility);
	log_syslog = 1;
}

void log_set_facility(int facility)
{
	log_facility = facility;
}

int log_get_facility(void)
{
	return log_facility;
}

void log_to_sink(log_sink_fn fn, void *arg)
{
	log_sink = fn;
	log_sink_arg = arg;
	if (fn)
		log_syslog = 0;
}

int log_verbose(void)
{
	return log_level_verbose;
}

static void log_emit(int pri, const char *label, int errnum, const char *fmt,
		     va_list ap)
{
	char msg[1024];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);

	if (n < 0)
		return;
	if (errnum && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(errnum));
	if (log_sink)
		log_sink(log_sink_arg, pri, msg, strlen(msg));
	else if (log_syslog)
		syslog(pri, "%s", msg);
	else
		fprintf(stderr, "[%s] (%d) : %s\n", label, (int)getpid(), msg);
}

#define LOG_BODY(pri, label, errnum) do { \
	va_list ap; \
	va_start(ap, fmt); \
	log_emit(pri, label, errnum, fmt, ap); \
	va_end(ap); \
} while (0)

void log_warn(const char *fmt, ...)
{
	int e = errno;

	LOG_BODY(LOG_WARNING, "WARNING", e);
}

void log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, "WARNING", 0);
}

void log_notice(const char *fmt, ...)
{
	LOG_BODY(LOG_NOTICE, "NOTICE", 0);
}

void log_info(const char *fmt, ...)
{
	if (log_level_verbose < 1)
		return;
	LOG_BODY(LOG_INFO, "INFO", 0);
}

void log_debug(const char *fmt, ...)
{
	if (log_level_verbose < 2)
		return;
	LOG_BODY(LOG_DEBUG, "DEBUG", 0);
}

void log_vdebug(int force, const char *fmt, va_list ap)
{
	if (log_level_verbose < 2 && !force)
		return;
	log_emit(LOG_DEBUG, "DEBUG", 0, fmt, ap);
}

void fatal(const char *fmt, ...)
{
	int e = errno;

	LOG_BODY(LOG_CRIT, "ALERT", e);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, "ALERT", 0);
	exit(1);
}
