/*
 * test_syslog.c - "log" line parsing, line formats (compared with what
 * HAProxy 2.6.12 sent to a UDP listener or wrote to stdout), and real
 * round trips over UDP, a unix datagram socket, a pipe and a socketpair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "syslog.h"

#define T_FIXED		1700000000	/* 2023-11-14 22:13:20 UTC */

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Split a line on blanks into argv (in place) and parse it. */
static int parse_line(struct slog_target *t, char *line, char *err,
		      size_t errlen)
{
	char *argv[16], *save = NULL, *w;
	int argc = 0;

	for (w = strtok_r(line, " ", &save); w && argc < 16;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	return slog_target_parse(t, argc, argv, err, errlen);
}

static void parse_ok(struct slog_target *t, const char *text)
{
	char line[256], err[256] = "";

	snprintf(line, sizeof(line), "%s", text);
	if (parse_line(t, line, err, sizeof(err)) != 0)
		fail_msg("'%s': %s", text, err);
}

static void parse_fails(const char *text, const char *msg)
{
	struct slog_target t;
	char line[256], err[256] = "";

	snprintf(line, sizeof(line), "%s", text);
	if (parse_line(&t, line, err, sizeof(err)) == 0)
		fail_msg("'%s' parsed, expected '%s'", text, msg);
	if (!strstr(err, msg))
		fail_msg("'%s': error '%s' lacks '%s'", text, err, msg);
}

static void assert_udp(const struct slog_target *t, const char *ip,
		       unsigned port)
{
	char buf[INET6_ADDRSTRLEN];
	const void *a;
	unsigned p;

	assert_int_equal(t->kind, SLOG_UDP);
	if (t->addr.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)&t->addr;

		a = &s4->sin_addr;
		p = ntohs(s4->sin_port);
		assert_int_equal(t->addrlen, sizeof(*s4));
	} else {
		const struct sockaddr_in6 *s6 = (const void *)&t->addr;

		assert_int_equal(t->addr.ss_family, AF_INET6);
		a = &s6->sin6_addr;
		p = ntohs(s6->sin6_port);
		assert_int_equal(t->addrlen, sizeof(*s6));
	}
	assert_non_null(inet_ntop(t->addr.ss_family, a, buf, sizeof(buf)));
	assert_string_equal(buf, ip);
	assert_int_equal(p, port);
}

/* ---- parsing ---- */

static void test_parse_defaults(void **state)
{
	struct slog_target t;

	(void)state;
	parse_ok(&t, "/dev/log local0");
	assert_int_equal(t.kind, SLOG_UNIX);
	assert_string_equal(((struct sockaddr_un *)&t.addr)->sun_path,
			    "/dev/log");
	assert_int_equal(t.format, SLOG_FMT_LOCAL);
	assert_int_equal(t.facility, 16);
	assert_int_equal(t.level, 7);
	assert_int_equal(t.minlevel, 0);
	assert_int_equal(t.maxlen, 1024);
	assert_int_equal(t.fd, -1);
	assert_int_equal(t.sent, 0);
	assert_int_equal(t.dropped, 0);
}

static void test_parse_target_forms(void **state)
{
	struct slog_target t;

	(void)state;
	parse_ok(&t, "unix@/tmp/x.sock daemon");
	assert_int_equal(t.kind, SLOG_UNIX);
	assert_string_equal(((struct sockaddr_un *)&t.addr)->sun_path,
			    "/tmp/x.sock");
	parse_ok(&t, "uxdg@rel.sock daemon");
	assert_string_equal(((struct sockaddr_un *)&t.addr)->sun_path,
			    "rel.sock");
	parse_ok(&t, "dgram+unix@/x daemon");
	assert_int_equal(t.kind, SLOG_UNIX);

	parse_ok(&t, "stdout user");
	assert_int_equal(t.kind, SLOG_FD);
	assert_int_equal(t.fd_num, 1);
	assert_int_equal(t.fd, -1);
	parse_ok(&t, "stderr user");
	assert_int_equal(t.fd_num, 2);
	parse_ok(&t, "fd@7 user");
	assert_int_equal(t.fd_num, 7);

	parse_ok(&t, "127.0.0.1 local0");
	assert_udp(&t, "127.0.0.1", 514);
	parse_ok(&t, "127.0.0.1: local0");
	assert_udp(&t, "127.0.0.1", 514);
	parse_ok(&t, "192.0.2.3:20514 local0");
	assert_udp(&t, "192.0.2.3", 20514);
	parse_ok(&t, "0.0.0.0 local0");
	assert_udp(&t, "0.0.0.0", 514);
	parse_ok(&t, "udp@192.0.2.1:1 local0");
	assert_udp(&t, "192.0.2.1", 1);
	parse_ok(&t, "udp4@192.0.2.1:65535 local0");
	assert_udp(&t, "192.0.2.1", 65535);
	parse_ok(&t, "ipv4@192.0.2.1 local0");
	assert_udp(&t, "192.0.2.1", 514);
	parse_ok(&t, "ip@192.0.2.1:9 local0");
	assert_udp(&t, "192.0.2.1", 9);
	parse_ok(&t, "dgram+ipv4@192.0.2.1:9 local0");
	assert_udp(&t, "192.0.2.1", 9);

	/* IPv6: the last ':' starts the port, or brackets */
	parse_ok(&t, "::1:20514 local0");
	assert_udp(&t, "::1", 20514);
	parse_ok(&t, "::1: local0");
	assert_udp(&t, "::1", 514);
	parse_ok(&t, "[::1]:20516 local0");
	assert_udp(&t, "::1", 20516);
	parse_ok(&t, "[2001:db8::5] local0");
	assert_udp(&t, "2001:db8::5", 514);
	parse_ok(&t, "udp6@::1:20517 local0");
	assert_udp(&t, "::1", 20517);
	parse_ok(&t, "udp6@[::1]:20517 local0");
	assert_udp(&t, "::1", 20517);
	parse_ok(&t, "udp@[::1]:20517 local0");
	assert_udp(&t, "::1", 20517);
	parse_ok(&t, "ipv6@[fe80::1] local0");
	assert_udp(&t, "fe80::1", 514);
	parse_ok(&t, "dgram+ipv6@[::1]:7 local0");
	assert_udp(&t, "::1", 7);
	parse_ok(&t, "::ffff:127.0.0.1:20514 local0");
	assert_udp(&t, "::ffff:127.0.0.1", 20514);
}

static void test_parse_options_and_levels(void **state)
{
	struct slog_target t;
	static const struct { const char *name; enum slog_format f; } fmts[] = {
		{ "rfc3164", SLOG_FMT_RFC3164 }, { "rfc5424", SLOG_FMT_RFC5424 },
		{ "raw", SLOG_FMT_RAW }, { "short", SLOG_FMT_SHORT },
		{ "local", SLOG_FMT_LOCAL }, { "priority", SLOG_FMT_PRIORITY },
		{ "timed", SLOG_FMT_TIMED }, { "iso", SLOG_FMT_ISO },
	};
	char line[128];
	size_t i;

	(void)state;
	parse_ok(&t, "stdout len 100 format raw local0");
	assert_int_equal(t.maxlen, 100);
	assert_int_equal(t.format, SLOG_FMT_RAW);
	parse_ok(&t, "stdout len 80 local0");
	assert_int_equal(t.maxlen, 80);
	parse_ok(&t, "stdout len 65535 local0");
	assert_int_equal(t.maxlen, 65535);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		snprintf(line, sizeof(line), "stdout format %s daemon",
			 fmts[i].name);
		parse_ok(&t, line);
		assert_int_equal(t.format, fmts[i].f);
		assert_string_equal(slog_format_names[t.format], fmts[i].name);
	}
	parse_ok(&t, "stdout local5 notice");
	assert_int_equal(t.facility, 21);
	assert_int_equal(t.level, 5);
	assert_int_equal(t.minlevel, 0);
	parse_ok(&t, "stdout local0 info err");
	assert_int_equal(t.level, 6);
	assert_int_equal(t.minlevel, 3);
	parse_ok(&t, "stdout local0 err info");	/* HAProxy accepts it too */
	assert_int_equal(t.level, 3);
	assert_int_equal(t.minlevel, 6);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_fails("localhost:514 local0",
		    "hostname in log target not supported (no DNS at run "
		    "time): use an address");
	parse_fails("syslog.example.com local0", "hostname in log target");
	parse_fails("udp@logs-1.example:514 local0", "hostname in log target");
	parse_fails("::1 local0", "invalid address ':' in log target '::1'");
	parse_fails("::1 local0", "write '[addr]:port' or 'addr:'");
	parse_fails("ipv6@::1 local0", "invalid address ':'");
	parse_fails("1.2.3 local0", "invalid address '1.2.3'");
	parse_fails("udp4@::1:20514 local0", "'::1' is not an IPv4 address");
	parse_fails("udp6@127.0.0.1:20514 local0",
		    "'127.0.0.1' is not an IPv6 address");
	parse_fails("127.0.0.1:70000 local0", "invalid port '70000'");
	parse_fails("127.0.0.1:0 local0", "invalid port '0'");
	parse_fails("127.0.0.1:x local0", "invalid port 'x'");
	parse_fails("127.0.0.1:20514-20515 local0", "port range not permitted");
	parse_fails("[::1 local0", "expected '[ipv6]' or '[ipv6]:port'");
	parse_fails("[::1]x local0", "expected '[ipv6]' or '[ipv6]:port'");
	parse_fails("[] local0", "invalid address");
	parse_fails("fd@x local0", "invalid file descriptor 'x'");
	parse_fails("fd@-1 local0", "invalid file descriptor '-1'");
	parse_fails("fd@ local0", "invalid file descriptor ''");
	parse_fails("fd@99999999999 local0", "invalid file descriptor");
	parse_fails("unix@ local0", "missing socket path");
	parse_fails("tcp@127.0.0.1:514 local0",
		    "syslog over TCP are not supported yet");
	parse_fails("uxst@/dev/log local0", "stream log targets are not "
		    "supported yet");
	parse_fails("stream+ipv4@127.0.0.1:514 local0", "not supported yet");
	parse_fails("ring@buf local0", "ring buffer log targets are not "
		    "supported yet");
	parse_fails("abns@x local0", "abstract unix sockets are not supported");
	parse_fails("foo@bar local0", "unknown address prefix");
	parse_fails("stdout len 79 local0",
		    "invalid log length '79', must be between 80 and 65535");
	parse_fails("stdout len 65536 local0", "invalid log length '65536'");
	parse_fails("stdout len 1x local0", "invalid log length '1x'");
	parse_fails("stdout len", "'len' expects a value");
	parse_fails("stdout format foo local0", "unknown log format 'foo'");
	parse_fails("stdout sample 1:2 local0",
		    "log sampling ('sample 1:2') is not supported yet");
	/* same order as HAProxy: len, then format, then sample */
	parse_fails("stdout format raw len 100 local0",
		    "unknown log facility 'len'");
	parse_fails("stdout len 100 len 200 local0",
		    "unknown log facility 'len'");
	parse_fails("stdout", "expects <address> and <facility>");
	parse_fails("stdout len 100", "missing <facility> after '100'");
	parse_fails("stdout bogus", "unknown log facility 'bogus'");
	parse_fails("stdout authpriv", "unknown log facility 'authpriv'");
	parse_fails("stdout LOCAL0", "unknown log facility 'LOCAL0'");
	parse_fails("stdout local0 INFO", "unknown log level 'INFO'");
	parse_fails("stdout local0 info bogus", "unknown log level 'bogus'");
	parse_fails("stdout local0 info err debug",
		    "unexpected argument 'debug'");
	assert_int_equal(slog_target_parse(&(struct slog_target){ 0 }, 0, NULL,
					   NULL, 0), -1);
}

static void test_parse_long_unix_path(void **state)
{
	struct slog_target t;
	char path[200], line[256], err[256];

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	snprintf(line, sizeof(line), "%s local0", path);
	assert_int_equal(parse_line(&t, line, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "socket path too long"));
}

static void test_facility_and_level_names(void **state)
{
	static const char *const fac[24] = {
		"kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
		"news", "uucp", "cron", "auth2", "ftp", "ntp", "audit",
		"alert", "cron2", "local0", "local1", "local2", "local3",
		"local4", "local5", "local6", "local7",
	};
	int i;

	(void)state;
	for (i = 0; i < 24; i++)
		assert_int_equal(slog_facility_by_name(fac[i]), i);
	for (i = 0; i < 8; i++)
		assert_int_equal(slog_level_by_name(slog_level_names[i]), i);
	assert_string_equal(slog_level_names[3], "err");
	assert_int_equal(slog_facility_by_name("local8"), -1);
	assert_int_equal(slog_facility_by_name(NULL), -1);
	assert_int_equal(slog_level_by_name("error"), -1);
}

/* ---- line formats ---- */

static void check_line(enum slog_format f, enum slog_kind kind, int fac,
		       unsigned maxlen, int level, const struct timeval *tv,
		       const char *host, const char *tag, unsigned pid,
		       const char *msg, const char *want)
{
	struct slog_target t;
	char buf[2048];
	size_t n;

	memset(&t, 0, sizeof(t));
	t.format = f;
	t.kind = kind;
	t.facility = fac;
	t.maxlen = maxlen;
	n = slog_format_line_tv(&t, level, tv, host, tag, pid, msg,
				strlen(msg), buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_formats_fixed_time(void **state)
{
	struct timeval tv = { T_FIXED, 0 };
	struct slog_target t = { .format = SLOG_FMT_RFC5424, .facility = 16,
				 .kind = SLOG_UDP, .maxlen = 1024 };
	char buf[256];
	size_t n;

	(void)state;
	set_tz("UTC");
	check_line(SLOG_FMT_LOCAL, SLOG_UDP, 16, 1024, 6, &tv, NULL, "lbd", 42,
		   "hello", "<134>Nov 14 22:13:20 lbd[42]: hello\n");
	check_line(SLOG_FMT_LOCAL, SLOG_UDP, 16, 1024, 6, &tv, "myhost", "lbd",
		   42, "hello", "<134>Nov 14 22:13:20 myhost lbd[42]: hello\n");
	check_line(SLOG_FMT_RFC3164, SLOG_UDP, 3, 1024, 6, &tv, NULL, "lbd",
		   42, "hello",
		   "<30>Nov 14 22:13:20 localhost lbd[42]: hello\n");
	check_line(SLOG_FMT_RFC3164, SLOG_UDP, 16, 1024, 3, &tv, "h", "lbd",
		   42, "hello", "<131>Nov 14 22:13:20 h lbd[42]: hello\n");
	check_line(SLOG_FMT_RFC5424, SLOG_UDP, 1, 1024, 6, &tv, NULL, "lbd",
		   42, "hello",
		   "<14>1 2023-11-14T22:13:20.000000+00:00 - lbd 42 - - hello\n");
	check_line(SLOG_FMT_RFC5424, SLOG_UDP, 1, 1024, 6, &tv, "h", NULL,
		   42, "hello",
		   "<14>1 2023-11-14T22:13:20.000000+00:00 h - 42 - - hello\n");
	check_line(SLOG_FMT_SHORT, SLOG_UDP, 19, 1024, 6, &tv, "h", "lbd", 42,
		   "hello", "<6>hello\n");
	check_line(SLOG_FMT_PRIORITY, SLOG_UDP, 23, 1024, 6, &tv, "h", "lbd",
		   42, "hello", "<190>hello\n");
	check_line(SLOG_FMT_RAW, SLOG_FD, 16, 1024, 6, &tv, "h", "lbd", 42,
		   "hello", "hello\n");
	check_line(SLOG_FMT_TIMED, SLOG_UDP, 21, 1024, 6, &tv, "h", "lbd", 42,
		   "hello", "<6>2023-11-14T22:13:20.000000+00:00 hello\n");
	check_line(SLOG_FMT_ISO, SLOG_UDP, 22, 1024, 6, &tv, "h", "lbd", 42,
		   "hello", "2023-11-14T22:13:20.000000+00:00 hello\n");

	/* RFC 3164: a day below 10 is padded with a space */
	tv.tv_sec = 1699153445;		/* 2023-11-05 03:04:05 UTC */
	check_line(SLOG_FMT_LOCAL, SLOG_UDP, 16, 1024, 6, &tv, NULL, "lbd", 1,
		   "x", "<134>Nov  5 03:04:05 lbd[1]: x\n");

	/* the time_t entry point prints whole seconds */
	n = slog_format_line(&t, 6, T_FIXED, "h", "lbd", 7, "m", 1, buf,
			     sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf,
		"<134>1 2023-11-14T22:13:20.000000+00:00 h lbd 7 - - m\n");
}

static void test_formats_as_haproxy(void **state)
{
	/* 2026-11-25 09:32:42.913544 UTC, logged by HAProxy in New York */
	struct timeval tv = { 1795599162, 913544 };
	static const char msg[] =
		"127.0.0.1:44076 [25/Nov/2026:04:32:42.912] fe be/s1 0/0/0/0/0 "
		"200 185 - - ---- 1/1/0/0/0 0/0 \"GET /index.html HTTP/1.1\"";

	(void)state;
	set_tz("America/New_York");
	/* log udp6@::1:20517 format rfc5424 local2 (log-send-hostname) */
	check_line(SLOG_FMT_RFC5424, SLOG_UDP, 18, 1024, 6, &tv, "myhost",
		   "mytag", 7324, msg,
		   "<150>1 2026-11-25T04:32:42.913544-05:00 myhost mytag 7324 - - "
		   "127.0.0.1:44076 [25/Nov/2026:04:32:42.912] fe be/s1 "
		   "0/0/0/0/0 200 185 - - ---- 1/1/0/0/0 0/0 "
		   "\"GET /index.html HTTP/1.1\"\n");
	/* log ::1:20515 local0 (default format, log-send-hostname myhost) */
	check_line(SLOG_FMT_LOCAL, SLOG_UDP, 16, 1024, 6, &tv, "myhost",
		   "mytag", 7324, msg,
		   "<134>Nov 25 04:32:42 myhost mytag[7324]: 127.0.0.1:44076 "
		   "[25/Nov/2026:04:32:42.912] fe be/s1 0/0/0/0/0 200 185 - - "
		   "---- 1/1/0/0/0 0/0 \"GET /index.html HTTP/1.1\"\n");
	/* log 127.0.0.1:20514 len 80 local3: 80 bytes, then the newline */
	check_line(SLOG_FMT_LOCAL, SLOG_UDP, 20, 80, 6, &tv, "myhost", "mytag",
		   7324, msg,
		   "<166>Nov 25 04:32:42 myhost mytag[7324]: 127.0.0.1:44076 "
		   "[25/Nov/2026:04:32:42.9\n");

	/* log stderr len 100 local0: 100 bytes, the newline included */
	set_tz("UTC");
	tv.tv_sec = 1795599181;
	check_line(SLOG_FMT_LOCAL, SLOG_FD, 16, 100, 6, &tv, NULL, "haproxy",
		   7518,
		   "127.0.0.1:58094 [25/Nov/2026:09:33:01.989] fe be/s1 "
		   "0/0/0/1/1 404 500 - - ---- 1/1/0/0/0 0/0 \"GET /aaaa\"",
		   "<134>Nov 25 09:33:01 haproxy[7518]: 127.0.0.1:58094 "
		   "[25/Nov/2026:09:33:01.989] fe be/s1 0/0/0/1/1 4\n");
	/* log stdout format rfc5424 user: no hostname prints "-" */
	tv = (struct timeval){ 1795599135, 79368 };
	check_line(SLOG_FMT_RFC5424, SLOG_FD, 1, 1024, 6, &tv, NULL, "haproxy",
		   6880, "m",
		   "<14>1 2026-11-25T09:32:15.079368+00:00 - haproxy 6880 - - "
		   "m\n");
	/* an offset with minutes */
	set_tz("Asia/Kolkata");
	check_line(SLOG_FMT_ISO, SLOG_UDP, 1, 1024, 6, &tv, NULL, "t", 1, "m",
		   "2026-11-25T15:02:15.079368+05:30 m\n");
}

static void test_format_truncation(void **state)
{
	struct timeval tv = { T_FIXED, 0 };
	struct slog_target t;
	char big[70000], buf[70000];
	size_t n;

	(void)state;
	set_tz("UTC");
	memset(big, 'm', sizeof(big));
	memset(&t, 0, sizeof(t));
	t.format = SLOG_FMT_RFC5424;
	t.kind = SLOG_UDP;
	t.maxlen = 65535;
	n = slog_format_line_tv(&t, 6, &tv, "h", "lbd", 1, big, sizeof(big),
				buf, sizeof(buf));
	assert_int_equal(n, 65536);
	assert_int_equal(buf[65535], '\n');
	t.kind = SLOG_FD;
	n = slog_format_line_tv(&t, 6, &tv, "h", "lbd", 1, big, sizeof(big),
				buf, sizeof(buf));
	assert_int_equal(n, 65535);
	/* maxlen 0 (an unparsed target) means the default */
	t.maxlen = 0;
	n = slog_format_line_tv(&t, 6, &tv, "h", "lbd", 1, big, sizeof(big),
				buf, sizeof(buf));
	assert_int_equal(n, 1024);

	/* a small buffer: cut, newline kept, NUL-terminated */
	t.maxlen = 1024;
	memset(buf, 'Z', 32);
	n = slog_format_line_tv(&t, 6, &tv, "h", "lbd", 1, "hello", 5, buf, 10);
	assert_int_equal(n, 9);
	assert_string_equal(buf, "<6>1 202\n");
	assert_int_equal(buf[10], 'Z');
	assert_int_equal(slog_format_line_tv(&t, 6, &tv, "h", "lbd", 1, "x", 1,
					     buf, 1), 0);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(slog_format_line_tv(&t, 6, &tv, "h", "lbd", 1, "x", 1,
					     buf, 0), 0);
	/* a header longer than maxlen is cut too */
	memset(big, 'h', 300);
	big[300] = '\0';
	t.maxlen = 80;
	t.kind = SLOG_UDP;
	n = slog_format_line_tv(&t, 6, &tv, big, "lbd", 1, "x", 1, buf,
				sizeof(buf));
	assert_int_equal(n, 81);
	/* NULL message */
	t.format = SLOG_FMT_SHORT;
	n = slog_format_line_tv(&t, 6, &tv, NULL, NULL, 1, NULL, 0, buf,
				sizeof(buf));
	assert_string_equal(buf, "<6>\n");
}

/* ---- round trips ---- */

static int udp_listener(int family, struct sockaddr_storage *ss,
			socklen_t *len)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		*len = sizeof(*s6);
	}
	if (bind(fd, (struct sockaddr *)ss, *len) < 0) {
		close(fd);
		return -1;
	}
	assert_int_equal(getsockname(fd, (struct sockaddr *)ss, len), 0);
	return fd;
}

static ssize_t recv_line(int fd, char *buf, size_t len)
{
	struct timeval tmo = { 2, 0 };
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	n = recv(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static void test_udp_round_trip(void **state)
{
	struct sockaddr_storage ss;
	struct slog_target t;
	socklen_t len;
	char line[128], buf[2048];
	int lfd;

	(void)state;
	lfd = udp_listener(AF_INET, &ss, &len);
	assert_true(lfd >= 0);
	snprintf(line, sizeof(line), "udp@127.0.0.1:%u format rfc5424 local0 "
		 "info err", ntohs(((struct sockaddr_in *)&ss)->sin_port));
	parse_ok(&t, line);
	assert_int_equal(slog_target_open(&t), 0);
	assert_true(t.fd >= 0);
	assert_true(fcntl(t.fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(t.fd, F_GETFD) & FD_CLOEXEC);

	slog_send(&t, 6, "myhost", "lbd", 4242, "hello world", 11);
	assert_true(recv_line(lfd, buf, sizeof(buf)) > 0);
	assert_true(strncmp(buf, "<134>1 ", 7) == 0);
	assert_non_null(strstr(buf, " myhost lbd 4242 - - hello world\n"));
	assert_int_equal(buf[strlen(buf) - 1], '\n');
	assert_int_equal(t.sent, 1);

	/* debug is above the max level: skipped, not counted */
	slog_send(&t, 7, NULL, "lbd", 1, "debug", 5);
	/* emerg is raised to the min level, err (3): PRI 16*8+3 */
	slog_send(&t, 0, NULL, "lbd", 1, "urgent", 6);
	assert_true(recv_line(lfd, buf, sizeof(buf)) > 0);
	assert_true(strncmp(buf, "<131>1 ", 7) == 0);
	assert_non_null(strstr(buf, " - lbd 1 - - urgent\n"));
	assert_int_equal(t.sent, 2);
	assert_int_equal(t.dropped, 0);

	slog_target_close(&t);
	assert_int_equal(t.fd, -1);
	slog_target_close(&t);		/* twice is fine */
	close(lfd);
}

static void test_udp6_round_trip(void **state)
{
	struct sockaddr_storage ss;
	struct slog_target t;
	socklen_t len;
	char line[128], buf[256];
	int lfd;

	(void)state;
	lfd = udp_listener(AF_INET6, &ss, &len);
	if (lfd < 0)
		skip();		/* no IPv6 loopback here */
	snprintf(line, sizeof(line), "[::1]:%u format short daemon",
		 ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	parse_ok(&t, line);
	assert_int_equal(slog_target_open(&t), 0);
	slog_send(&t, 5, NULL, "lbd", 1, "v6", 2);
	assert_true(recv_line(lfd, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "<5>v6\n");
	slog_target_close(&t);
	close(lfd);
}

static int unix_listener(const char *path)
{
	struct sockaddr_un su = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(su.sun_path, sizeof(su.sun_path), "%s", path);
	unlink(path);
	assert_int_equal(bind(fd, (struct sockaddr *)&su, sizeof(su)), 0);
	return fd;
}

static void test_unix_round_trip_and_reconnect(void **state)
{
	struct slog_target t;
	char path[108], line[160], buf[2048];
	int lfd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_syslog.%d.sock", (int)getpid());
	lfd = unix_listener(path);
	snprintf(line, sizeof(line), "%s len 80 daemon", path);
	parse_ok(&t, line);
	assert_int_equal(slog_target_open(&t), 0);
	slog_send(&t, 6, NULL, "lbd", 9, "over unix", 9);
	assert_true(recv_line(lfd, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, " lbd[9]: over unix\n"));
	assert_true(strncmp(buf, "<30>", 4) == 0);
	assert_int_equal(t.sent, 1);

	/* the reader goes away: a drop, the socket is closed */
	close(lfd);
	unlink(path);
	slog_send(&t, 6, NULL, "lbd", 9, "lost", 4);
	assert_int_equal(t.dropped, 1);
	assert_int_equal(t.fd, -1);
	/* it comes back: no reconnect within the same second */
	lfd = unix_listener(path);
	slog_send(&t, 6, NULL, "lbd", 9, "too soon", 8);
	assert_int_equal(t.dropped, 2);
	assert_int_equal(t.fd, -1);
	/* a second later (pretended: reopen_at is the monotonic deadline) */
	t.reopen_at = 0;
	slog_send(&t, 6, NULL, "lbd", 9, "back", 4);
	assert_int_equal(t.sent, 2);
	assert_true(recv_line(lfd, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, ": back\n"));

	slog_target_close(&t);
	close(lfd);
	unlink(path);
}

static void test_unix_full_buffer_never_blocks(void **state)
{
	struct slog_target t;
	char path[108], line[160], msg[1000];
	int lfd, i, small = 1;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_syslog_full.%d.sock",
		 (int)getpid());
	lfd = unix_listener(path);
	setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	snprintf(line, sizeof(line), "%s daemon", path);
	parse_ok(&t, line);
	assert_int_equal(slog_target_open(&t), 0);
	memset(msg, 'x', sizeof(msg));
	for (i = 0; i < 2000; i++)
		slog_send(&t, 6, NULL, "lbd", 1, msg, sizeof(msg));
	assert_true(t.dropped > 0);
	assert_int_equal(t.sent + t.dropped, 2000);
	assert_true(t.fd >= 0);		/* EAGAIN does not reconnect */
	slog_target_close(&t);
	close(lfd);
	unlink(path);
}

static void test_open_missing_unix_counts_drops(void **state)
{
	struct slog_target t;

	(void)state;
	parse_ok(&t, "/tmp/test_syslog.does.not.exist local0");
	errno = 0;
	assert_int_equal(slog_target_open(&t), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(t.fd, -1);
	slog_send(&t, 6, NULL, "lbd", 1, "x", 1);
	slog_send(&t, 6, NULL, "lbd", 1, "x", 1);
	assert_int_equal(t.dropped, 2);
	assert_int_equal(t.sent, 0);
}

static void test_fd_targets(void **state)
{
	struct slog_target t;
	char line[64], buf[4096], big[200];
	int p[2], sp[2], i;
	ssize_t n;

	(void)state;
	set_tz("UTC");
	/* a pipe, as stdout under a container runtime */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	snprintf(line, sizeof(line), "fd@%d len 80 format raw user", p[1]);
	parse_ok(&t, line);
	assert_int_equal(slog_target_open(&t), 0);
	assert_int_equal(t.fd, p[1]);
	assert_int_equal(t.fd_is_socket, 0);
	slog_send(&t, 6, NULL, "lbd", 1, "to the pipe", 11);
	n = read(p[0], buf, sizeof(buf) - 1);
	assert_int_equal(n, 12);
	buf[n] = '\0';
	assert_string_equal(buf, "to the pipe\n");
	/* cut to 80 bytes, the newline included */
	memset(big, 'b', sizeof(big));
	slog_send(&t, 6, NULL, "lbd", 1, big, sizeof(big));
	assert_int_equal(read(p[0], buf, sizeof(buf)), 80);
	assert_int_equal(buf[79], '\n');
	assert_int_equal(t.sent, 2);

	/* a full non-blocking pipe: drops, and the fd is left as is */
	assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	for (i = 0; i < 2000; i++)
		slog_send(&t, 6, NULL, "lbd", 1, big, sizeof(big));
	assert_true(t.dropped > 0);
	assert_int_equal(t.sent + t.dropped, 2002);
	slog_target_close(&t);
	assert_int_equal(fcntl(p[1], F_GETFD), FD_CLOEXEC);	/* still open */
	close(p[0]);
	close(p[1]);

	/* a socket (journald's stdout): MSG_DONTWAIT, never blocks */
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp),
			 0);
	snprintf(line, sizeof(line), "fd@%d format short user", sp[0]);
	parse_ok(&t, line);
	assert_int_equal(slog_target_open(&t), 0);
	assert_int_equal(t.fd_is_socket, 1);
	assert_int_equal(fcntl(sp[0], F_GETFL) & O_NONBLOCK, 0);
	slog_send(&t, 4, NULL, "lbd", 1, "sock", 4);
	assert_true(recv_line(sp[1], buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "<4>sock\n");
	for (i = 0; i < 5000; i++)
		slog_send(&t, 6, NULL, "lbd", 1, big, sizeof(big));
	assert_true(t.dropped > 0);
	close(sp[0]);
	close(sp[1]);

	/* a closed descriptor cannot be opened */
	parse_ok(&t, "fd@1000 user");
	assert_int_equal(slog_target_open(&t), -1);
	assert_int_equal(errno, EBADF);
	slog_send(&t, 6, NULL, "lbd", 1, "x", 1);
	assert_int_equal(t.dropped, 1);
}

/* tcp@ (vrrpd's syslog_target): octet-counted frames; a listener that is
 * gone costs one dropped line and a reconnection a second later */
static void test_tcp_octet_counting(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	struct slog_target t;
	char line[128], buf[512], err[256];
	char *argv[] = { line, "format", "rfc3164", "daemon" };
	int lfd, c;
	ssize_t n = 0, r;

	(void)state;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	snprintf(line, sizeof(line), "tcp@127.0.0.1:%u", ntohs(sin.sin_port));
	/* HAProxy's log line has no TCP target */
	assert_int_equal(slog_target_parse(&t, 4, argv, err, sizeof(err)), -1);
	assert_int_equal(slog_target_parse_tcp(&t, 4, argv, err, sizeof(err)), 0);
	assert_int_equal(t.kind, SLOG_TCP);
	assert_int_equal(slog_target_open(&t), 0);
	c = accept(lfd, NULL, NULL);
	assert_true(c >= 0);
	slog_send(&t, 5, "h", "vrrpd", 7, "(VI_1) Entering MASTER STATE", 28);
	slog_send(&t, 5, "h", "vrrpd", 7, "two", 3);
	assert_int_equal(t.sent, 2);
	while (n < 40 && (r = recv(c, buf + n, sizeof(buf) - 1 - (size_t)n, 0)) > 0)
		n += r;
	buf[n] = '\0';
	/* "LEN SP <29>Mmm dd hh:mm:ss h vrrpd[7]: msg", no newline */
	assert_true(strncmp(buf, "60 <29>", 7) == 0);
	assert_non_null(strstr(buf, " h vrrpd[7]: (VI_1) Entering MASTER STATE35 <29>"));
	assert_null(strchr(buf, '\n'));
	/* the receiver goes away: the line is lost and counted, no block */
	close(c);
	close(lfd);
	for (int i = 0; i < 3; i++)
		slog_send(&t, 5, "h", "vrrpd", 7, "lost", 4);
	assert_true(t.dropped >= 1);
	assert_int_equal(t.sent + t.dropped, 5);
	slog_target_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_defaults),
		cmocka_unit_test(test_parse_target_forms),
		cmocka_unit_test(test_parse_options_and_levels),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_long_unix_path),
		cmocka_unit_test(test_facility_and_level_names),
		cmocka_unit_test(test_formats_fixed_time),
		cmocka_unit_test(test_formats_as_haproxy),
		cmocka_unit_test(test_format_truncation),
		cmocka_unit_test(test_udp_round_trip),
		cmocka_unit_test(test_udp6_round_trip),
		cmocka_unit_test(test_unix_round_trip_and_reconnect),
		cmocka_unit_test(test_unix_full_buffer_never_blocks),
		cmocka_unit_test(test_open_missing_unix_counts_drops),
		cmocka_unit_test(test_fd_targets),
		cmocka_unit_test(test_tcp_octet_counting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
