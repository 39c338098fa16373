/*
 * syslog.h - log targets shared by both daemons: /dev/log (unix datagram),
 * UDP, stdout/stderr; formats RFC 3164, RFC 5424 and raw. Sending never
 * blocks: a full socket buffer drops the line and counts it.
 *
 * Lines are byte for byte what HAProxy 2.6 emits (checked against it):
 *   local    <134>Nov 25 09:33:01 haproxy[7518]: msg
 *   rfc3164  <134>Nov 25 04:32:42 myhost mytag[7324]: msg
 *   rfc5424  <150>1 2026-11-25T04:32:42.913544-05:00 myhost mytag 7324 - - msg
 *   priority <190>msg      short <6>msg      raw msg
 *   timed    <6>2026-11-25T09:32:15.079335+00:00 msg
 *   iso      2026-11-25T09:32:15.079335+00:00 msg
 * Every line ends with "\n", datagrams included. A line longer than
 * maxlen is cut to maxlen bytes before the newline on sockets, and to
 * maxlen bytes newline included on fd targets (as HAProxy does).
 */
#ifndef SHARED_SYSLOG_H
#define SHARED_SYSLOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#define SLOG_DEFAULT_PORT	514
#define SLOG_DEFAULT_MAXLEN	1024	/* HAProxy's; "len" takes 80..65535 */
#define SLOG_MAXLEN_MIN		80
#define SLOG_MAXLEN_MAX		65535

enum slog_format {
	SLOG_FMT_RFC3164,	/* hostname NULL prints "localhost" (HAProxy) */
	SLOG_FMT_RFC5424,	/* hostname NULL prints "-" */
	SLOG_FMT_RAW,		/* the message only */
	SLOG_FMT_SHORT,		/* "<level>" + message, as HAProxy's "short" */
	SLOG_FMT_LOCAL,		/* HAProxy's default: rfc3164 without the
				 * hostname unless one is given */
	SLOG_FMT_PRIORITY,	/* "<PRI>" + message */
	SLOG_FMT_TIMED,		/* "<level>" + ISO date + message */
	SLOG_FMT_ISO,		/* ISO date + message */
	SLOG_FMT_COUNT
};
extern const char *const slog_format_names[SLOG_FMT_COUNT];

enum slog_kind {
	SLOG_UNIX,		/* unix datagram socket path, e.g. /dev/log */
	SLOG_UDP,		/* udp@host:port or host[:port] (default 514) */
	SLOG_FD,		/* stdout / stderr (fd@1, fd@2) */
	SLOG_TCP,		/* tcp@host:port, RFC 6587 octet counting
				 * (slog_target_parse_tcp only) */
};

struct slog_target {
	enum slog_kind kind;
	enum slog_format format;
	int facility;		/* 0..23 */
	int level;		/* max level sent, 0..7 (emerg..debug) */
	int minlevel;		/* min level: lines more urgent are raised to it */
	struct sockaddr_storage addr;	/* SLOG_UNIX, SLOG_UDP */
	socklen_t addrlen;
	int fd;			/* -1 until opened */
	unsigned maxlen;	/* truncate lines at this length (default 1024) */
	uint64_t sent, dropped;	/* atomic: slog_sent, slog_dropped */
	/* private to syslog.c */
	int fd_num;		/* SLOG_FD: the descriptor named by the target */
	int fd_is_socket;	/* SLOG_FD: send with MSG_DONTWAIT|MSG_NOSIGNAL */
	long long reopen_at;	/* CLOCK_MONOTONIC ms: next lazy reconnect */
};

/*
 * Facility names are HAProxy's 24 (kern user mail daemon auth syslog lpr
 * news uucp cron auth2 ftp ntp audit alert cron2 local0..local7, RFC 5424
 * numbering); levels emerg alert crit err warning notice info debug.
 * Both return -1 if unknown (names are case-sensitive, as in HAProxy).
 */
int slog_facility_by_name(const char *name);
int slog_level_by_name(const char *name);
extern const char *const slog_level_names[8];

/*
 * Parse HAProxy's "log <target> [len N] [format F] <facility> [level [minlevel]]"
 * arguments (argv[0] is the target; len and format in that order, as
 * HAProxy). Targets: "/path", "unix@path", "uxdg@path" (unix datagram);
 * "stdout", "stderr", "fd@N"; IPv4 "a.b.c.d[:port]", IPv6 "[addr][:port]"
 * or "addr:[port]" (the last ':' starts the port), optionally prefixed by
 * ip@ ipv4@ ipv6@ udp@ udp4@ udp6@ dgram+ip@ dgram+ipv4@ dgram+ipv6@.
 * Addresses must be literal (no DNS). Stream targets, rings and "sample"
 * are reported as not supported yet. Fills *t (fd -1, counters 0).
 * Returns 0 or -1 with a message.
 */
int slog_target_parse(struct slog_target *t, int argc, char **argv,
		      char *err, size_t errlen);

/*
 * The same, also accepting "tcp@addr:port" (tcp4@, tcp6@): lines framed
 * by octet counting (RFC 6587), "LEN SP message" without a newline. For
 * one thread only (vrrpd): HAProxy's "log" has no such target, lbd keeps
 * refusing it. A frame goes out whole or not at all; one the socket
 * cannot take is dropped, one cut by a partial write closes the
 * connection, which is opened again at most once a second.
 */
int slog_target_parse_tcp(struct slog_target *t, int argc, char **argv,
			  char *err, size_t errlen);

/*
 * Open the target's socket: SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC,
 * connected, so a send is one syscall. An fd target is used as is (never
 * closed). Returns 0 or -1 (errno set); slog_send then retries a socket
 * target at most once a second.
 */
int slog_target_open(struct slog_target *t);
void slog_target_close(struct slog_target *t);

/*
 * Format one line into buf (header per the target's format: PRI, timestamp
 * in local time, hostname (may be NULL: omitted or defaulted as HAProxy
 * does, see enum slog_format), tag (NULL prints "-"), pid), cut to the
 * target's maxlen, with its trailing "\n". The line is also cut to fit
 * buflen-1 bytes (the newline kept) and NUL-terminated. Returns its length
 * (no NUL). Pure: used by slog_send and by tests. slog_format_line takes
 * whole seconds (RFC 5424 then prints .000000); the _tv variant keeps µs.
 */
size_t slog_format_line(const struct slog_target *t, int level, time_t now,
			const char *hostname, const char *tag, unsigned pid,
			const char *msg, size_t msglen, char *buf, size_t buflen);
size_t slog_format_line_tv(const struct slog_target *t, int level,
			   const struct timeval *now, const char *hostname,
			   const char *tag, unsigned pid, const char *msg,
			   size_t msglen, char *buf, size_t buflen);

/*
 * Format and send without blocking, in one send/writev. A level above
 * t->level is skipped (not counted); one below t->minlevel is raised to
 * it. Counts t->sent, or t->dropped on any failure (full buffer, no
 * listener, partial write). A unix socket whose reader went away is
 * reconnected lazily, at most once a second. Writing to an fd target that
 * is a closed pipe raises SIGPIPE: the daemon ignores SIGPIPE.
 */
void slog_send(struct slog_target *t, int level, const char *hostname,
	       const char *tag, unsigned pid, const char *msg, size_t msglen);

/* The target's counters; threads sending to one target count atomically,
 * and these read them so. */
uint64_t slog_sent(const struct slog_target *t);
uint64_t slog_dropped(const struct slog_target *t);

#endif
