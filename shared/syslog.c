/*
 * syslog.c - log targets: parse HAProxy's "log" line, open non-blocking
 * datagram sockets, format RFC 3164 / RFC 5424 / short / raw lines the way
 * HAProxy 2.6 does, and send each in one syscall without ever blocking.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "syslog.h"

const char *const slog_format_names[SLOG_FMT_COUNT] = {
	[SLOG_FMT_RFC3164] = "rfc3164",
	[SLOG_FMT_RFC5424] = "rfc5424",
	[SLOG_FMT_RAW] = "raw",
	[SLOG_FMT_SHORT] = "short",
	[SLOG_FMT_LOCAL] = "local",
	[SLOG_FMT_PRIORITY] = "priority",
	[SLOG_FMT_TIMED] = "timed",
	[SLOG_FMT_ISO] = "iso",
};

const char *const slog_level_names[8] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

/* HAProxy's names, indexed by RFC 5424 facility number. */
static const char *const slog_facility_names[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2",
	"local0", "local1", "local2", "local3",
	"local4", "local5", "local6", "local7",
};

static const char *const slog_months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

#define SLOG_HDR_MAX	512	/* PRI + date + hostname + tag + pid */

#define ERR(...)	do { if (err && errlen) \
				snprintf(err, errlen, __VA_ARGS__); } while (0)

static int slog_name_index(const char *const *names, int n, const char *name)
{
	int i;

	for (i = 0; name && i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int slog_facility_by_name(const char *name)
{
	return slog_name_index(slog_facility_names, 24, name);
}

int slog_level_by_name(const char *name)
{
	return slog_name_index(slog_level_names, 8, name);
}

/* ---- target addresses ---- */

enum slog_addr_kind { SA_UNIX, SA_IP, SA_FD, SA_TCP, SA_UNSUPPORTED };

/* Address prefixes a "log" line may carry (manual section 11). */
static const struct slog_prefix {
	const char *prefix;
	enum slog_addr_kind kind;
	int family;		/* SA_IP: AF_UNSPEC, AF_INET or AF_INET6 */
	const char *what;	/* SA_UNSUPPORTED: what is not supported */
} slog_prefixes[] = {
	{ "unix@",	 SA_UNIX, 0, NULL },
	{ "uxdg@",	 SA_UNIX, 0, NULL },
	{ "dgram+unix@", SA_UNIX, 0, NULL },
	{ "fd@",	 SA_FD, 0, NULL },
	{ "ip@",	 SA_IP, AF_UNSPEC, NULL },
	{ "ipv4@",	 SA_IP, AF_INET, NULL },
	{ "ipv6@",	 SA_IP, AF_INET6, NULL },
	{ "udp@",	 SA_IP, AF_UNSPEC, NULL },
	{ "udp4@",	 SA_IP, AF_INET, NULL },
	{ "udp6@",	 SA_IP, AF_INET6, NULL },
	{ "dgram+ip@",	 SA_IP, AF_UNSPEC, NULL },
	{ "dgram+ipv4@", SA_IP, AF_INET, NULL },
	{ "dgram+ipv6@", SA_IP, AF_INET6, NULL },
	{ "tcp@",	 SA_TCP, AF_UNSPEC, "syslog over TCP" },
	{ "tcp4@",	 SA_TCP, AF_INET, "syslog over TCP" },
	{ "tcp6@",	 SA_TCP, AF_INET6, "syslog over TCP" },
	{ "stream+",	 SA_UNSUPPORTED, 0, "stream log targets" },
	{ "uxst@",	 SA_UNSUPPORTED, 0, "stream log targets" },
	{ "ring@",	 SA_UNSUPPORTED, 0, "ring buffer log targets" },
	{ "abns@",	 SA_UNSUPPORTED, 0, "abstract unix sockets" },
	{ "sockpair@",	 SA_UNSUPPORTED, 0, "sockpair log targets" },
	{ "quic4@",	 SA_UNSUPPORTED, 0, "QUIC log targets" },
	{ "quic6@",	 SA_UNSUPPORTED, 0, "QUIC log targets" },
};

static int slog_parse_unix(struct slog_target *t, const char *path,
			   const char *arg, char *err, size_t errlen)
{
	struct sockaddr_un *su = (struct sockaddr_un *)&t->addr;
	size_t n = strlen(path);

	if (n == 0) {
		ERR("missing socket path in log target '%s'", arg);
		return -1;
	}
	if (n >= sizeof(su->sun_path)) {
		ERR("socket path too long in log target '%s' (max %zu bytes)",
		    arg, sizeof(su->sun_path) - 1);
		return -1;
	}
	su->sun_family = AF_UNIX;
	memcpy(su->sun_path, path, n + 1);
	t->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	t->kind = SLOG_UNIX;
	return 0;
}

static int slog_parse_fd(struct slog_target *t, const char *num,
			 const char *arg, char *err, size_t errlen)
{
	long v = 0;
	const char *p;

	for (p = num; *p >= '0' && *p <= '9' && v <= INT_MAX; p++)
		v = v * 10 + (*p - '0');
	if (p == num || *p || v > INT_MAX) {
		ERR("invalid file descriptor '%s' in log target '%s'", num, arg);
		return -1;
	}
	t->kind = SLOG_FD;
	t->fd_num = (int)v;
	return 0;
}

/* "", or 1..65535 in decimal; 514 when empty. */
static int slog_parse_port(const char *s, const char *arg, unsigned *port,
			   char *err, size_t errlen)
{
	unsigned long v = 0;
	const char *p;

	*port = SLOG_DEFAULT_PORT;
	if (!*s)
		return 0;
	for (p = s; *p >= '0' && *p <= '9' && v <= 65535; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (*p == '-' && p > s) {
		ERR("port range not permitted in log target '%s'", arg);
		return -1;
	}
	if (p == s || *p || v == 0 || v > 65535) {
		ERR("invalid port '%s' in log target '%s' (1..65535)", s, arg);
		return -1;
	}
	*port = (unsigned)v;
	return 0;
}

static int slog_looks_like_hostname(const char *s)
{
	int alpha = 0;

	for (; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			alpha = 1;
		else if (!(*s >= '0' && *s <= '9') && *s != '.' && *s != '-')
			return 0;
	}
	return alpha;
}

/* Fill t->addr from a literal "host" of the given family (or either). */
static int slog_set_ip(struct slog_target *t, const char *host, int family,
		       unsigned port, const char *arg, char *err, size_t errlen)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&t->addr;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&t->addr;

	if (family != AF_INET6 && inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		t->addrlen = sizeof(*s4);
	} else if (family != AF_INET &&
		   inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		t->addrlen = sizeof(*s6);
	} else if (slog_looks_like_hostname(host)) {
		ERR("hostname in log target not supported (no DNS at run time): "
		    "use an address ('%s')", arg);
		return -1;
	} else if (family != AF_UNSPEC &&
		   (inet_pton(AF_INET, host, &s6->sin6_addr) == 1 ||
		    inet_pton(AF_INET6, host, &s6->sin6_addr) == 1)) {
		ERR("'%s' is not an IPv%d address in log target '%s'", host,
		    family == AF_INET ? 4 : 6, arg);
		return -1;
	} else {
		ERR("invalid address '%s' in log target '%s'%s", host, arg,
		    strchr(host, ':') || strchr(arg, ':') != strrchr(arg, ':') ?
		    " (an IPv6 port follows the last ':': write '[addr]:port' "
		    "or 'addr:')" : "");
		return -1;
	}
	t->kind = SLOG_UDP;
	return 0;
}

/* "[v6]:port", "[v6]", or "host[:port]" where the last ':' starts the port. */
static int slog_parse_ip(struct slog_target *t, const char *s, int family,
			 const char *arg, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 8];
	const char *end, *port = "";
	unsigned portnum;
	size_t n;

	if (*s == '[') {
		end = strchr(s, ']');
		if (!end || (end[1] && end[1] != ':')) {
			ERR("invalid address in log target '%s': expected "
			    "'[ipv6]' or '[ipv6]:port'", arg);
			return -1;
		}
		s++;
		port = end[1] ? end + 2 : "";
	} else {
		end = strrchr(s, ':');
		if (end)
			port = end + 1;
		else
			end = s + strlen(s);
	}
	n = (size_t)(end - s);
	if (n == 0 || n >= sizeof(host)) {
		ERR("invalid address in log target '%s'", arg);
		return -1;
	}
	memcpy(host, s, n);
	host[n] = '\0';
	if (slog_parse_port(port, arg, &portnum, err, errlen) < 0)
		return -1;
	return slog_set_ip(t, host, family, portnum, arg, err, errlen);
}

static int slog_parse_address(struct slog_target *t, const char *arg,
			      int allow_tcp, char *err, size_t errlen)
{
	const struct slog_prefix *pf;
	size_t i, n;

	if (strcmp(arg, "stdout") == 0 || strcmp(arg, "stderr") == 0)
		return slog_parse_fd(t, arg[3] == 'o' ? "1" : "2", arg, err,
				     errlen);
	if (arg[0] == '/')
		return slog_parse_unix(t, arg, arg, err, errlen);
	for (i = 0; i < sizeof(slog_prefixes) / sizeof(slog_prefixes[0]); i++) {
		pf = &slog_prefixes[i];
		n = strlen(pf->prefix);
		if (strncmp(arg, pf->prefix, n) != 0)
			continue;
		switch (pf->kind) {
		case SA_UNIX:
			return slog_parse_unix(t, arg + n, arg, err, errlen);
		case SA_FD:
			return slog_parse_fd(t, arg + n, arg, err, errlen);
		case SA_IP:
			return slog_parse_ip(t, arg + n, pf->family, arg, err,
					     errlen);
		case SA_TCP:
			if (!allow_tcp)
				break;
			if (slog_parse_ip(t, arg + n, pf->family, arg, err,
					  errlen) < 0)
				return -1;
			t->kind = SLOG_TCP;
			return 0;
		case SA_UNSUPPORTED:
			break;
		}
		ERR("%s are not supported yet ('%s')", pf->what, arg);
		return -1;
	}
	if (strchr(arg, '@')) {
		ERR("unknown address prefix in log target '%s'", arg);
		return -1;
	}
	return slog_parse_ip(t, arg, AF_UNSPEC, arg, err, errlen);
}

/* ---- the "log" line ---- */

static int slog_opt_len(struct slog_target *t, const char *v, char *err,
			size_t errlen)
{
	unsigned long n = 0;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9' && n <= SLOG_MAXLEN_MAX; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (p == v || *p || n < SLOG_MAXLEN_MIN || n > SLOG_MAXLEN_MAX) {
		ERR("invalid log length '%s', must be between %d and %d", v,
		    SLOG_MAXLEN_MIN, SLOG_MAXLEN_MAX);
		return -1;
	}
	t->maxlen = (unsigned)n;
	return 0;
}

static int slog_opt_format(struct slog_target *t, const char *v, char *err,
			   size_t errlen)
{
	int f = slog_name_index(slog_format_names, SLOG_FMT_COUNT, v);

	if (f < 0) {
		ERR("unknown log format '%s' (rfc3164, rfc5424, local, raw, "
		    "short, priority, timed or iso)", v);
		return -1;
	}
	t->format = (enum slog_format)f;
	return 0;
}

static int slog_opt_sample(struct slog_target *t, const char *v, char *err,
			   size_t errlen)
{
	(void)t;
	ERR("log sampling ('sample %s') is not supported yet", v);
	return -1;
}

/* Optional keywords between the target and the facility, in this order. */
static const struct slog_opt {
	const char *kw;
	int (*parse)(struct slog_target *t, const char *v, char *err,
		     size_t errlen);
} slog_opts[] = {
	{ "len", slog_opt_len },
	{ "format", slog_opt_format },
	{ "sample", slog_opt_sample },
};

static int slog_parse(struct slog_target *t, int argc, char **argv,
		      int allow_tcp, char *err, size_t errlen)
{
	int i = 1, lvl;
	size_t k;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->format = SLOG_FMT_LOCAL;
	t->level = 7;
	t->maxlen = SLOG_DEFAULT_MAXLEN;
	if (argc < 2 || !argv || !argv[0]) {
		ERR("expects <address> and <facility> as arguments");
		return -1;
	}
	if (slog_parse_address(t, argv[0], allow_tcp, err, errlen) < 0)
		return -1;
	for (k = 0; k < sizeof(slog_opts) / sizeof(slog_opts[0]); k++) {
		if (i >= argc || strcmp(argv[i], slog_opts[k].kw) != 0)
			continue;
		if (i + 1 >= argc) {
			ERR("'%s' expects a value", slog_opts[k].kw);
			return -1;
		}
		if (slog_opts[k].parse(t, argv[i + 1], err, errlen) < 0)
			return -1;
		i += 2;
	}
	if (i >= argc) {
		ERR("missing <facility> after '%s'", argv[i - 1]);
		return -1;
	}
	t->facility = slog_facility_by_name(argv[i]);
	if (t->facility < 0) {
		ERR("unknown log facility '%s'", argv[i]);
		return -1;
	}
	/* then "[<max level> [<min level>]]" */
	for (i++, k = 0; i < argc; i++, k++) {
		lvl = slog_level_by_name(argv[i]);
		if (k >= 2) {
			ERR("unexpected argument '%s'", argv[i]);
			return -1;
		}
		if (lvl < 0) {
			ERR("unknown log level '%s' (emerg alert crit err warning "
			    "notice info debug)", argv[i]);
			return -1;
		}
		if (k == 0)
			t->level = lvl;
		else
			t->minlevel = lvl;
	}
	return 0;
}

int slog_target_parse(struct slog_target *t, int argc, char **argv,
		      char *err, size_t errlen)
{
	return slog_parse(t, argc, argv, 0, err, errlen);
}

int slog_target_parse_tcp(struct slog_target *t, int argc, char **argv,
			  char *err, size_t errlen)
{
	return slog_parse(t, argc, argv, 1, err, errlen);
}

/* ---- line format ---- */

static size_t slog_clip(int n, size_t size)
{
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}

/* "2026-11-25T04:32:42.913544-05:00" (RFC 5424 TIMESTAMP, local time) */
static size_t slog_iso_date(const struct tm *tm, long usec, char *b,
			    size_t size)
{
	long off = tm->tm_gmtoff / 60;

	return slog_clip(snprintf(b, size,
			 "%04d-%02d-%02dT%02d:%02d:%02d.%06ld%c%02ld:%02ld",
			 tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday,
			 tm->tm_hour, tm->tm_min, tm->tm_sec, usec,
			 off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60),
			 size);
}

/* Everything before the message; returns its length (< size). */
static size_t slog_header(const struct slog_target *t, int level,
			  const struct timeval *now, const char *host,
			  const char *tag, unsigned pid, char *h, size_t size)
{
	int pri = (t->facility & 31) * 8 + (level & 7), n;
	long usec = (long)now->tv_usec;
	time_t sec = now->tv_sec;
	char date[64];
	struct tm tm;

	if (!localtime_r(&sec, &tm) || tm.tm_mon < 0 || tm.tm_mon > 11)
		memset(&tm, 0, sizeof(tm));
	if (usec < 0 || usec > 999999)
		usec = 0;
	if (!tag)
		tag = "-";
	switch (t->format) {
	case SLOG_FMT_RFC3164:
	case SLOG_FMT_LOCAL:
		if (!host && t->format == SLOG_FMT_RFC3164)
			host = "localhost";	/* what HAProxy 2.6 prints */
		/* RFC 3164 4.1.2: the day of the month padded with a space */
		n = snprintf(h, size, "<%d>%s %2d %02d:%02d:%02d %.255s%s%.128s[%u]: ",
			     pri, slog_months[tm.tm_mon], tm.tm_mday, tm.tm_hour,
			     tm.tm_min, tm.tm_sec, host ? host : "",
			     host ? " " : "", tag, pid);
		break;
	case SLOG_FMT_RFC5424:
		slog_iso_date(&tm, usec, date, sizeof(date));
		n = snprintf(h, size, "<%d>1 %s %.255s %.128s %u - - ", pri, date,
			     host ? host : "-", tag, pid);
		break;
	case SLOG_FMT_PRIORITY:
		n = snprintf(h, size, "<%d>", pri);
		break;
	case SLOG_FMT_SHORT:
		n = snprintf(h, size, "<%d>", level & 7);
		break;
	case SLOG_FMT_TIMED:
		slog_iso_date(&tm, usec, date, sizeof(date));
		n = snprintf(h, size, "<%d>%s ", level & 7, date);
		break;
	case SLOG_FMT_ISO:
		slog_iso_date(&tm, usec, date, sizeof(date));
		n = snprintf(h, size, "%s ", date);
		break;
	default:		/* SLOG_FMT_RAW */
		n = 0;
		h[0] = '\0';
		break;
	}
	return slog_clip(n, size);
}

/* Bytes of header + message a line may hold, its newline excluded. */
static size_t slog_limit(const struct slog_target *t)
{
	size_t maxlen = t->maxlen ? t->maxlen : SLOG_DEFAULT_MAXLEN;

	/* HAProxy counts the newline in "len" on fds, not on sockets */
	return t->kind == SLOG_FD ? maxlen - 1 : maxlen;
}

size_t slog_format_line_tv(const struct slog_target *t, int level,
			   const struct timeval *now, const char *hostname,
			   const char *tag, unsigned pid, const char *msg,
			   size_t msglen, char *buf, size_t buflen)
{
	char hdr[SLOG_HDR_MAX];
	size_t limit = slog_limit(t), hl, ml;

	if (!buf || buflen < 2) {
		if (buf && buflen)
			buf[0] = '\0';
		return 0;
	}
	if (limit > buflen - 2)
		limit = buflen - 2;
	hl = slog_header(t, level, now, hostname, tag, pid, hdr, sizeof(hdr));
	if (hl > limit)
		hl = limit;
	ml = msg ? (msglen < limit - hl ? msglen : limit - hl) : 0;
	memcpy(buf, hdr, hl);
	if (ml)
		memcpy(buf + hl, msg, ml);
	buf[hl + ml] = '\n';
	buf[hl + ml + 1] = '\0';
	return hl + ml + 1;
}

size_t slog_format_line(const struct slog_target *t, int level, time_t now,
			const char *hostname, const char *tag, unsigned pid,
			const char *msg, size_t msglen, char *buf, size_t buflen)
{
	struct timeval tv = { .tv_sec = now, .tv_usec = 0 };

	return slog_format_line_tv(t, level, &tv, hostname, tag, pid, msg,
				   msglen, buf, buflen);
}

/* ---- sockets ---- */

#define SLOG_REOPEN_MS	1000	/* at most one reconnect a second */

static long long slog_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int slog_target_open(struct slog_target *t)
{
	struct stat st;
	int fd, e;

	if (t->kind == SLOG_FD) {
		if (fstat(t->fd_num, &st) < 0)
			return -1;
		t->fd = t->fd_num;
		t->fd_is_socket = S_ISSOCK(st.st_mode);
		return 0;
	}
	slog_target_close(t);
	fd = socket(t->addr.ss_family, (t->kind == SLOG_TCP ? SOCK_STREAM
			: SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* connected: each line is one send(), and errors come back to us;
	 * a TCP connection completes in the background (lines sent before
	 * then are dropped) */
	if (connect(fd, (const struct sockaddr *)&t->addr, t->addrlen) < 0 &&
	    !(t->kind == SLOG_TCP && errno == EINPROGRESS)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	t->fd = fd;
	return 0;
}

void slog_target_close(struct slog_target *t)
{
	if (t->fd >= 0 && t->kind != SLOG_FD)
		close(t->fd);
	t->fd = -1;
}

/* Open a closed target, at most once a second for sockets. */
static int slog_reopen(struct slog_target *t)
{
	long long now;

	if (t->kind == SLOG_FD)
		return slog_target_open(t);
	now = slog_mono_ms();
	if (now < t->reopen_at)
		return -1;
	t->reopen_at = now + SLOG_REOPEN_MS;
	return slog_target_open(t);
}

/* several worker threads may send to one target */
static void count(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

uint64_t slog_sent(const struct slog_target *t)
{
	return __atomic_load_n(&t->sent, __ATOMIC_RELAXED);
}

uint64_t slog_dropped(const struct slog_target *t)
{
	return __atomic_load_n(&t->dropped, __ATOMIC_RELAXED);
}

/* RFC 6587 octet counting: "LEN SP" then the message, no newline. A
 * frame goes out whole or not at all: one the socket cannot take now is
 * dropped, and one cut by a partial write ends the connection (the
 * receiver discards the piece), reopened at most once a second. */
static void slog_send_tcp(struct slog_target *t, const char *hdr, size_t hl,
			  const char *msg, size_t ml)
{
	char len[24];
	struct iovec iov[3];
	struct msghdr mh;
	int n = snprintf(len, sizeof(len), "%zu ", hl + ml);
	ssize_t r;

	iov[0] = (struct iovec){ len, (size_t)n };
	iov[1] = (struct iovec){ (void *)(uintptr_t)hdr, hl };
	iov[2] = (struct iovec){ (void *)(uintptr_t)msg, ml };
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 3;
	r = sendmsg(t->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (r == (ssize_t)((size_t)n + hl + ml)) {
		count(&t->sent);
		return;
	}
	count(&t->dropped);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;		/* full, or still connecting: nothing sent */
	slog_target_close(t);
	t->reopen_at = slog_mono_ms() + SLOG_REOPEN_MS;
}

void slog_send(struct slog_target *t, int level, const char *hostname,
	       const char *tag, unsigned pid, const char *msg, size_t msglen)
{
	char hdr[SLOG_HDR_MAX];
	struct timeval now;
	struct iovec iov[3];
	struct msghdr mh;
	size_t limit = slog_limit(t), hl, ml;
	ssize_t r;

	if (level > t->level)
		return;
	if (level < t->minlevel)
		level = t->minlevel;
	if (t->fd < 0 && slog_reopen(t) < 0) {
		count(&t->dropped);
		return;
	}
	gettimeofday(&now, NULL);
	hl = slog_header(t, level, &now, hostname, tag, pid, hdr, sizeof(hdr));
	if (hl > limit)
		hl = limit;
	ml = msg ? (msglen < limit - hl ? msglen : limit - hl) : 0;
	if (t->kind == SLOG_TCP) {
		slog_send_tcp(t, hdr, hl, msg, ml);
		return;
	}
	iov[0] = (struct iovec){ hdr, hl };
	iov[1] = (struct iovec){ (void *)(uintptr_t)msg, ml };
	iov[2] = (struct iovec){ "\n", 1 };
	if (t->kind == SLOG_FD && !t->fd_is_socket) {
		/* a pipe, tty or file: one write, whatever its mode */
		r = writev(t->fd, iov, 3);
	} else {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = 3;
		r = sendmsg(t->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	if (r == (ssize_t)(hl + ml + 1)) {
		count(&t->sent);
		return;
	}
	count(&t->dropped);
	/* the reader of a unix socket restarted: reconnect, but not now */
	if (r < 0 && t->kind == SLOG_UNIX &&
	    (errno == ECONNREFUSED || errno == ENOENT || errno == ENOTCONN ||
	     errno == ECONNRESET)) {
		slog_target_close(t);
		t->reopen_at = slog_mono_ms() + SLOG_REOPEN_MS;
	}
}
