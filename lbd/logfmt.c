/*
 * logfmt.c - HAProxy log-format: compile once, render per session.
 *
 * A format compiles to a flat list of nodes: literal text, a separator
 * (a run of blanks) or a variable with its flags. Variables are rows of
 * lf_vars[]: the field of struct logfmt_vars they print and the renderer
 * that knows its kind (address, port, date, string, number...).
 *
 * Rendering writes into a bounded buffer. Short tokens (numbers, dates,
 * addresses, "#XX" escapes) go in whole or not at all, and once something
 * does not fit nothing more is written, so a cut line is always a prefix
 * of the full one and never ends inside an escape.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>

#include "logfmt.h"

const char logfmt_httplog[] =
	"%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc "
	"%ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r";
const char logfmt_httplog_clf[] =
	"%{+Q}o %{-Q}ci - - [%trg] %r %ST %B \"\" \"\" %cp %ms %ft %b %s "
	"%TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS "
	"%hrl %hsl";
const char logfmt_tcplog[] =
	"%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";
const char logfmt_default[] = "Connect from %ci:%cp to %fi:%fp (%f/HTTP)";
const char logfmt_default_tcp[] = "Connect from %ci:%cp to %fi:%fp (%f/TCP)";

/* Variable flags, manual 8.2.6. */
enum {
	LF_Q = 1u << 0,		/* quote strings */
	LF_X = 1u << 1,		/* hexadecimal addresses, ports, %Ts... */
	LF_E = 1u << 2,		/* backslash-escape '"', '\' and ']' */
	LF_JSON = 1u << 3,	/* +json: the value as JSON; on %o the line
				 * is an object of the named fields */
};

/* Character classes (one table, indexed by byte). */
enum {
	C_REQ  = 1u << 0,	/* "#XX"-encoded in the request line (8.6) */
	C_HDR  = 1u << 1,	/* "#XX"-encoded in header captures (8.6) */
	C_ESC  = 1u << 2,	/* escaped by the E flag */
	C_NAME = 1u << 3,	/* part of a variable name */
	C_PRE  = 1u << 4,	/* not a class: "text is already #XX-encoded" */
};
#define ENC	(C_REQ | C_HDR)
#define NAM	C_NAME
static const unsigned char lf_cclass[256] = {
	/* 0x00 */ ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
		   ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
	/* 0x10 */ ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
		   ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
	/* 0x20   sp  !  "                  #    $  %  &  '  (  )  *  +  ,  -  .  / */
		   0, 0, ENC | C_ESC, ENC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x30   0-9, : ; < = > ? */
		   NAM, NAM, NAM, NAM, NAM, NAM, NAM, NAM,
		   NAM, NAM, 0, 0, 0, 0, 0, 0,
	/* 0x40   @ A-O */
		   0, NAM, NAM, NAM, NAM, NAM, NAM, NAM,
		   NAM, NAM, NAM, NAM, NAM, NAM, NAM, NAM,
	/* 0x50   P-Z [ \ ] ^ _ */
		   NAM, NAM, NAM, NAM, NAM, NAM, NAM, NAM,
		   NAM, NAM, NAM, 0, C_ESC, C_ESC, 0, 0,
	/* 0x60   ` a-o */
		   0, NAM, NAM, NAM, NAM, NAM, NAM, NAM,
		   NAM, NAM, NAM, NAM, NAM, NAM, NAM, NAM,
	/* 0x70   p-z { | } ~ DEL */
		   NAM, NAM, NAM, NAM, NAM, NAM, NAM, NAM,
		   NAM, NAM, NAM, C_HDR, C_HDR, C_HDR, 0, ENC,
	/* 0x80 - 0xff: not printable */
	[0x80] = ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
		 ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
	[0x90] = ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
		 ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
	[0xa0] = ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
		 ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
	[0xb0] = ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
		 ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
	[0xc0] = ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
		 ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
	[0xd0] = ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
		 ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
	[0xe0] = ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
		 ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
	[0xf0] = ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
		 ENC, ENC, ENC, ENC, ENC, ENC, ENC, ENC,
};
#undef ENC
#undef NAM

static const char lf_hex[] = "0123456789ABCDEF";
static const char *const lf_months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* ---- bounded output ---- */

struct lf_out {
	char *buf;
	size_t room;		/* bytes still writable, NUL excluded */
	size_t len;
	int full;		/* something did not fit: write nothing more */
};

/* Copy as much of s as fits (long strings are cut where the buffer ends). */
static void lf_put(struct lf_out *o, const char *s, size_t n)
{
	if (o->full)
		return;
	if (n > o->room) {
		n = o->room;
		o->full = 1;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->room -= n;
}

/* Copy all of s or nothing: numbers, dates and escapes are never cut. */
static void lf_put_unit(struct lf_out *o, const char *s, size_t n)
{
	if (o->full)
		return;
	if (n > o->room) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->room -= n;
}

static void lf_put_printf(struct lf_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void lf_put_printf(struct lf_out *o, const char *fmt, ...)
{
	char b[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(b))
		lf_put_unit(o, b, (size_t)n);
}

/* Decimal, or upper-case hex zero-padded to width when hexa is set. */
static void lf_put_unsigned(struct lf_out *o, unsigned long long v, int hexa,
			    int width)
{
	if (hexa)
		lf_put_printf(o, "%0*llX", width, v);
	else
		lf_put_printf(o, "%llu", v);
}

/*
 * A string field: optional quotes, bytes of class enc as "#XX", and with
 * E '"', '\' and ']' escaped. Runs of plain bytes are copied at once.
 * With C_PRE in enc the text is already encoded: its "#XX" stay whole.
 */
static void lf_put_text(struct lf_out *o, const char *s, size_t n,
			unsigned flags, unsigned enc)
{
	size_t i, start = 0;

	if (flags & LF_Q)
		lf_put_unit(o, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned cls = lf_cclass[c];
		char e[3];

		if ((enc & C_PRE) && c == '#') {
			lf_put(o, s + start, i - start);
			lf_put_unit(o, s + i, n - i < 3 ? n - i : 3);
			i += n - i < 3 ? n - i - 1 : 2;
			start = i + 1;
			continue;
		}
		if (cls & enc & (C_REQ | C_HDR)) {
			e[0] = '#';
			e[1] = lf_hex[c >> 4];
			e[2] = lf_hex[c & 15];
		} else if ((flags & LF_E) && (cls & C_ESC)) {
			e[0] = '\\';
			e[1] = (char)c;
		} else {
			continue;
		}
		lf_put(o, s + start, i - start);
		lf_put_unit(o, e, e[0] == '#' ? 3 : 2);
		start = i + 1;
	}
	lf_put(o, s + start, n - start);
	if (flags & LF_Q)
		lf_put_unit(o, "\"", 1);
}

/* An absent value: "-", or an empty quoted string under Q (as HAProxy). */
static void lf_put_missing(struct lf_out *o, unsigned flags)
{
	if (flags & LF_Q)
		lf_put_unit(o, "\"\"", 2);
	else
		lf_put_unit(o, "-", 1);
}

/* ---- the variable table ---- */

struct lf_var;
typedef void lf_render_fn(struct lf_out *o, const struct logfmt_vars *v,
			  const struct lf_var *d, unsigned flags);

#define LF_ALWAYS	((size_t)-1)

struct lf_var {
	const char *name;
	lf_render_fn *render;	/* NULL: HAProxy has it, lbd cannot back it yet */
	size_t off;		/* the field of struct logfmt_vars it prints */
	size_t has;		/* int field that must be non-zero, or LF_ALWAYS */
	int arg;		/* renderer-specific, see each renderer */
	int http;		/* HTTP-only in HAProxy ("H" in manual 8.2.6) */
};

#define FIELD(v, d, type)	((const type *)((const char *)(v) + (d)->off))

static int lf_present(const struct logfmt_vars *v, const struct lf_var *d)
{
	return d->has == LF_ALWAYS ||
	       *(const int *)((const char *)v + d->has) != 0;
}

/* %ci %fi %bi %si */
static void lf_r_ip(struct lf_out *o, const struct logfmt_vars *v,
		    const struct lf_var *d, unsigned flags)
{
	const struct sockaddr_storage *ss = FIELD(v, d, struct sockaddr_storage);
	char b[INET6_ADDRSTRLEN + 1];
	const unsigned char *a6;
	int i;

	if (!lf_present(v, d))
		goto missing;
	switch (ss->ss_family) {
	case AF_INET: {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		if (flags & LF_X) {
			lf_put_unsigned(o, ntohl(sin->sin_addr.s_addr), 1, 8);
			return;
		}
		if (!inet_ntop(AF_INET, &sin->sin_addr, b, sizeof(b)))
			goto missing;
		break;
	}
	case AF_INET6:
		a6 = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
		if (flags & LF_X) {
			for (i = 0; i < 16; i++) {
				b[2 * i] = lf_hex[a6[i] >> 4];
				b[2 * i + 1] = lf_hex[a6[i] & 15];
			}
			lf_put_unit(o, b, 32);
			return;
		}
		if (!inet_ntop(AF_INET6, a6, b, sizeof(b)))
			goto missing;
		break;
	case AF_UNIX:
		/* also under X: HAProxy 2.6 cuts the whole line there */
		strcpy(b, "unix");
		break;
	default:
		goto missing;
	}
	/* whole or not at all; an address has nothing for E to escape */
	if (flags & LF_Q)
		lf_put_unit(o, "\"", 1);
	lf_put_unit(o, b, strlen(b));
	if (flags & LF_Q)
		lf_put_unit(o, "\"", 1);
	return;
missing:
	lf_put_missing(o, flags);
}

/* %cp %fp %bp %sp ; arg 1: a unix socket prints the listener's ID */
static void lf_r_port(struct lf_out *o, const struct logfmt_vars *v,
		      const struct lf_var *d, unsigned flags)
{
	const struct sockaddr_storage *ss = FIELD(v, d, struct sockaddr_storage);
	unsigned port;

	if (!lf_present(v, d))
		goto missing;
	switch (ss->ss_family) {
	case AF_INET:
		port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
		break;
	case AF_INET6:
		port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
		break;
	case AF_UNIX:
		port = d->arg ? v->listener_id : 0;
		break;
	default:
		goto missing;
	}
	lf_put_unsigned(o, port, flags & LF_X, 4);
	return;
missing:
	lf_put_missing(o, flags);
}

enum lf_date {
	LF_D_LOCAL_MS,		/* %t %tr : 25/Nov/2026:09:30:30.087 */
	LF_D_GMT,		/* %T %trg: 25/Nov/2026:09:30:30 +0000 */
	LF_D_LOCAL,		/* %Tl %trl: 25/Nov/2026:15:00:30 +0530 */
	LF_D_UNIX,		/* %Ts */
	LF_D_MS,		/* %ms */
};

static unsigned lf_msec(const struct timeval *tv)
{
	long us = (long)(tv->tv_usec % 1000000);

	if (us < 0)
		us += 1000000;
	return (unsigned)(us / 1000);
}

/* %t %tr %T %trg %Tl %trl %Ts %ms ; arg: enum lf_date */
static void lf_r_date(struct lf_out *o, const struct logfmt_vars *v,
		      const struct lf_var *d, unsigned flags)
{
	const struct timeval *tv = FIELD(v, d, struct timeval);
	time_t t = tv->tv_sec;
	struct tm tm;
	char b[96];
	long off;
	int n;

	if (d->arg == LF_D_UNIX) {
		if (flags & LF_X)
			lf_put_unsigned(o, (unsigned long long)(long long)t, 1, 4);
		else
			lf_put_printf(o, "%lld", (long long)t);
		return;
	}
	if (d->arg == LF_D_MS) {
		if (flags & LF_X)
			lf_put_unsigned(o, lf_msec(tv), 1, 2);
		else
			lf_put_printf(o, "%03u", lf_msec(tv));
		return;
	}
	if (!(d->arg == LF_D_GMT ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) ||
	    tm.tm_mon < 0 || tm.tm_mon > 11) {
		lf_put_missing(o, 0);
		return;
	}
	n = snprintf(b, sizeof(b), "%02d/%s/%04d:%02d:%02d:%02d", tm.tm_mday,
		     lf_months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		     tm.tm_min, tm.tm_sec);
	if (n > 0 && d->arg == LF_D_LOCAL_MS)
		n += snprintf(b + n, sizeof(b) - (size_t)n, ".%03u", lf_msec(tv));
	else if (n > 0) {
		off = d->arg == LF_D_GMT ? 0 : tm.tm_gmtoff / 60;
		n += snprintf(b + n, sizeof(b) - (size_t)n, " %c%02ld%02ld",
			      off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	}
	if (n > 0 && (size_t)n < sizeof(b))
		lf_put_unit(o, b, (size_t)n);
}

/* %f %b %s %H %CC %CS %ID */
static void lf_r_str(struct lf_out *o, const struct logfmt_vars *v,
		     const struct lf_var *d, unsigned flags)
{
	const char *s = *FIELD(v, d, char *);

	if (s)
		lf_put_text(o, s, strlen(s), flags, 0);
	else
		lf_put_missing(o, flags);
}

/* %ft: the frontend name, '~' appended when the listener is TLS */
static void lf_r_ft(struct lf_out *o, const struct logfmt_vars *v,
		    const struct lf_var *d, unsigned flags)
{
	(void)d;
	if (!v->frontend) {
		lf_put_missing(o, flags);
		return;
	}
	if (flags & LF_Q)
		lf_put_unit(o, "\"", 1);
	lf_put_text(o, v->frontend, strlen(v->frontend), flags & ~LF_Q, 0);
	if (v->fe_ssl)
		lf_put_unit(o, "~", 1);
	if (flags & LF_Q)
		lf_put_unit(o, "\"", 1);
}

/* timers (long, ms) */
static void lf_r_long(struct lf_out *o, const struct logfmt_vars *v,
		      const struct lf_var *d, unsigned flags)
{
	(void)flags;
	lf_put_printf(o, "%ld", *FIELD(v, d, long));
}

/* %ST */
static void lf_r_int(struct lf_out *o, const struct logfmt_vars *v,
		     const struct lf_var *d, unsigned flags)
{
	(void)flags;
	lf_put_printf(o, "%d", *FIELD(v, d, int));
}

/* %B %U */
static void lf_r_u64(struct lf_out *o, const struct logfmt_vars *v,
		     const struct lf_var *d, unsigned flags)
{
	(void)flags;
	lf_put_printf(o, "%llu", (unsigned long long)*FIELD(v, d, uint64_t));
}

/* counters (unsigned); arg 1: X prints hex (%pid) */
static void lf_r_uint(struct lf_out *o, const struct logfmt_vars *v,
		      const struct lf_var *d, unsigned flags)
{
	lf_put_unsigned(o, *FIELD(v, d, unsigned), d->arg && (flags & LF_X), 4);
}

/* %rt %lc (unsigned long long); X prints hex */
static void lf_r_ull(struct lf_out *o, const struct logfmt_vars *v,
		     const struct lf_var *d, unsigned flags)
{
	lf_put_unsigned(o, *FIELD(v, d, unsigned long long), flags & LF_X, 4);
}

/* %rc: "+N" after a redispatch */
static void lf_r_rc(struct lf_out *o, const struct logfmt_vars *v,
		    const struct lf_var *d, unsigned flags)
{
	(void)d;
	(void)flags;
	lf_put_printf(o, "%s%u", v->redispatched ? "+" : "", v->retries);
}

/* %tsc %ts ; arg: number of characters */
static void lf_r_term(struct lf_out *o, const struct logfmt_vars *v,
		      const struct lf_var *d, unsigned flags)
{
	char b[4];
	int i;

	(void)flags;
	for (i = 0; i < d->arg; i++)
		b[i] = v->term_state[i] ? v->term_state[i] : '-';
	lf_put_unit(o, b, (size_t)d->arg);
}

/* %hr %hs (arg 0) and %hrl %hsl (arg 1: one field per header) */
static void lf_r_hdrs(struct lf_out *o, const struct logfmt_vars *v,
		      const struct lf_var *d, unsigned flags)
{
	const char *s = *FIELD(v, d, char *), *bar;
	size_t n, len;

	if (!s)
		return;		/* no capture configured: nothing at all */
	n = strlen(s);
	if (!d->arg) {
		lf_put_text(o, s, n, flags, C_PRE);
		return;
	}
	if (n && s[0] == '{')
		s++, n--;
	if (n && s[n - 1] == '}')
		n--;
	for (;;) {
		bar = memchr(s, '|', n);
		len = bar ? (size_t)(bar - s) : n;
		if (len)
			lf_put_text(o, s, len, flags, C_PRE);
		else
			lf_put_missing(o, flags);
		if (!bar)
			break;
		lf_put_unit(o, " ", 1);
		s += len + 1;
		n -= len + 1;
	}
}

enum lf_req_part {
	LF_R_LINE,		/* %r */
	LF_R_METHOD,		/* %HM */
	LF_R_URI,		/* %HU */
	LF_R_PATH,		/* %HP : URI without the query string */
	LF_R_PATH_ONLY,		/* %HPO: path without scheme, host, query */
	LF_R_QUERY,		/* %HQ : from '?' on, empty if none */
	LF_R_VERSION,		/* %HV */
};

/* The URI: v->uri, or between the first and the last space of the line. */
static void lf_req_uri(const struct logfmt_vars *v, const char **s,
		       size_t *n)
{
	const char *line = v->request_line, *sp1, *sp2;
	size_t len = v->request_line_len;

	if (v->uri) {
		*s = v->uri;
		*n = v->uri_len;
		return;
	}
	sp1 = memchr(line, ' ', len);
	if (!sp1) {
		*s = line + len;
		*n = 0;
		return;
	}
	sp2 = memrchr(line, ' ', len);
	*s = sp1 + 1;
	*n = (size_t)((sp2 > sp1 ? sp2 : line + len) - *s);
}

/* Fill s/n with the part; returns -1 when the part is absent. */
static int lf_req_get(const struct logfmt_vars *v, int part, const char **s,
		      size_t *n)
{
	const char *line = v->request_line, *p, *q;
	size_t len = v->request_line_len;

	switch (part) {
	case LF_R_LINE:
		*s = line;
		*n = len;
		return 0;
	case LF_R_METHOD:
		if (v->method) {
			*s = v->method;
			*n = v->method_len;
			return 0;
		}
		p = memchr(line, ' ', len);
		*s = line;
		*n = p ? (size_t)(p - line) : len;
		return 0;
	case LF_R_VERSION:
		if (v->version) {
			*s = v->version;
			*n = strlen(v->version);
			return 0;
		}
		p = memchr(line, ' ', len);
		q = memrchr(line, ' ', len);
		if (!p || q == p)
			return -1;
		*s = q + 1;
		*n = len - (size_t)(q + 1 - line);
		return 0;
	}
	lf_req_uri(v, s, n);
	q = memchr(*s, '?', *n);
	if (part == LF_R_QUERY) {
		*n = q ? *n - (size_t)(q - *s) : 0;
		*s = q ? q : *s;
		return 0;
	}
	if (part == LF_R_URI)
		return 0;
	if (q)
		*n = (size_t)(q - *s);
	if (part == LF_R_PATH_ONLY && (*n == 0 || **s != '/')) {
		/* absolute form: skip "scheme://authority"; else no path */
		p = *n >= 3 ? memmem(*s, *n, "://", 3) : NULL;
		q = p ? memchr(p + 3, '/', *n - (size_t)(p + 3 - *s)) : NULL;
		*n = q ? *n - (size_t)(q - *s) : 0;
		*s = q ? q : *s;
	}
	return 0;
}

/* %r %HM %HU %HP %HPO %HQ %HV ; arg: enum lf_req_part */
static void lf_r_req(struct lf_out *o, const struct logfmt_vars *v,
		     const struct lf_var *d, unsigned flags)
{
	const char *s;
	size_t n;

	if (!v->request_line)
		lf_put_text(o, "<BADREQ>", 8, flags, 0);
	else if (lf_req_get(v, d->arg, &s, &n) < 0)
		lf_put_missing(o, flags);
	else
		lf_put_text(o, s, n, flags, C_REQ);
}

#define OFF(f)	offsetof(struct logfmt_vars, f)
#define HAS(f)	offsetof(struct logfmt_vars, f)
#define V(name, fn, field, has, arg, http) \
	{ name, fn, OFF(field), has, arg, http }
#define UNBACKED(name, http)	{ name, NULL, 0, LF_ALWAYS, 0, http }

/* HAProxy 2.6's variables, in the order of its manual's table. */
static const struct lf_var lf_vars[] = {
	V("B",    lf_r_u64,   bytes_out,           LF_ALWAYS, 0, 0),
	V("CC",   lf_r_str,   captured_req_cookie, LF_ALWAYS, 0, 1),
	V("CS",   lf_r_str,   captured_res_cookie, LF_ALWAYS, 0, 1),
	V("H",    lf_r_str,   hostname,            LF_ALWAYS, 0, 0),
	V("HM",   lf_r_req,   request_line,  LF_ALWAYS, LF_R_METHOD, 1),
	V("HP",   lf_r_req,   request_line,  LF_ALWAYS, LF_R_PATH, 1),
	V("HPO",  lf_r_req,   request_line,  LF_ALWAYS, LF_R_PATH_ONLY, 1),
	V("HQ",   lf_r_req,   request_line,  LF_ALWAYS, LF_R_QUERY, 1),
	V("HU",   lf_r_req,   request_line,  LF_ALWAYS, LF_R_URI, 1),
	V("HV",   lf_r_req,   request_line,  LF_ALWAYS, LF_R_VERSION, 1),
	V("ID",   lf_r_str,   unique_id,           LF_ALWAYS, 0, 0),
	V("ST",   lf_r_int,   status,              LF_ALWAYS, 0, 0),
	V("T",    lf_r_date,  accept_date,   LF_ALWAYS, LF_D_GMT, 0),
	V("Ta",   lf_r_long,  Ta,                  LF_ALWAYS, 0, 1),
	V("Tc",   lf_r_long,  Tc,                  LF_ALWAYS, 0, 0),
	V("Td",   lf_r_long,  Td,                  LF_ALWAYS, 0, 0),
	V("Tl",   lf_r_date,  accept_date,   LF_ALWAYS, LF_D_LOCAL, 0),
	V("Th",   lf_r_long,  Th,                  LF_ALWAYS, 0, 0),
	V("Ti",   lf_r_long,  Ti,                  LF_ALWAYS, 0, 1),
	V("Tq",   lf_r_long,  Tq,                  LF_ALWAYS, 0, 1),
	V("TR",   lf_r_long,  TR,                  LF_ALWAYS, 0, 1),
	V("Tr",   lf_r_long,  Tr,                  LF_ALWAYS, 0, 1),
	V("Ts",   lf_r_date,  accept_date,   LF_ALWAYS, LF_D_UNIX, 0),
	V("Tt",   lf_r_long,  Tt,                  LF_ALWAYS, 0, 0),
	UNBACKED("Tu", 0),
	V("Tw",   lf_r_long,  Tw,                  LF_ALWAYS, 0, 0),
	V("U",    lf_r_u64,   bytes_in,            LF_ALWAYS, 0, 0),
	V("ac",   lf_r_uint,  actconn,             LF_ALWAYS, 0, 0),
	V("b",    lf_r_str,   backend,             LF_ALWAYS, 0, 0),
	V("bc",   lf_r_uint,  beconn,              LF_ALWAYS, 0, 0),
	V("bi",   lf_r_ip,    be_src,        HAS(has_be_src), 0, 0),
	V("bp",   lf_r_port,  be_src,        HAS(has_be_src), 0, 0),
	V("bq",   lf_r_uint,  be_queue,            LF_ALWAYS, 0, 0),
	V("ci",   lf_r_ip,    cli,                 LF_ALWAYS, 0, 0),
	V("cp",   lf_r_port,  cli,                 LF_ALWAYS, 1, 0),
	V("f",    lf_r_str,   frontend,            LF_ALWAYS, 0, 0),
	V("fc",   lf_r_uint,  feconn,              LF_ALWAYS, 0, 0),
	V("fi",   lf_r_ip,    fe,                  LF_ALWAYS, 0, 0),
	V("fp",   lf_r_port,  fe,                  LF_ALWAYS, 1, 0),
	V("ft",   lf_r_ft,    frontend,            LF_ALWAYS, 0, 0),
	V("lc",   lf_r_ull,   log_counter,         LF_ALWAYS, 0, 0),
	V("hr",   lf_r_hdrs,  hdrs_req,            LF_ALWAYS, 0, 0),
	V("hrl",  lf_r_hdrs,  hdrs_req,            LF_ALWAYS, 1, 0),
	V("hs",   lf_r_hdrs,  hdrs_res,            LF_ALWAYS, 0, 0),
	V("hsl",  lf_r_hdrs,  hdrs_res,            LF_ALWAYS, 1, 0),
	V("ms",   lf_r_date,  accept_date,   LF_ALWAYS, LF_D_MS, 0),
	V("pid",  lf_r_uint,  pid,                 LF_ALWAYS, 1, 0),
	V("r",    lf_r_req,   request_line,  LF_ALWAYS, LF_R_LINE, 1),
	V("rc",   lf_r_rc,    retries,             LF_ALWAYS, 0, 0),
	V("rt",   lf_r_ull,   req_counter,         LF_ALWAYS, 0, 0),
	V("s",    lf_r_str,   server,              LF_ALWAYS, 0, 0),
	V("sc",   lf_r_uint,  srv_conn,            LF_ALWAYS, 0, 0),
	V("si",   lf_r_ip,    srv,           HAS(has_srv), 0, 0),
	V("sp",   lf_r_port,  srv,           HAS(has_srv), 0, 0),
	V("sq",   lf_r_uint,  srv_queue,           LF_ALWAYS, 0, 0),
	UNBACKED("sslc", 0),
	UNBACKED("sslv", 0),
	V("t",    lf_r_date,  accept_date,   LF_ALWAYS, LF_D_LOCAL_MS, 0),
	V("tr",   lf_r_date,  request_date,  LF_ALWAYS, LF_D_LOCAL_MS, 1),
	V("trg",  lf_r_date,  request_date,  LF_ALWAYS, LF_D_GMT, 1),
	V("trl",  lf_r_date,  request_date,  LF_ALWAYS, LF_D_LOCAL, 1),
	V("ts",   lf_r_term,  term_state,          LF_ALWAYS, 2, 0),
	V("tsc",  lf_r_term,  term_state,          LF_ALWAYS, 4, 1),
};

static const struct lf_var *lf_var_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(lf_vars) / sizeof(lf_vars[0]); i++)
		if (strlen(lf_vars[i].name) == len &&
		    memcmp(lf_vars[i].name, name, len) == 0)
			return &lf_vars[i];
	return NULL;
}

/* ---- compiled format ---- */

enum lf_node_type { LF_N_TEXT, LF_N_SEP, LF_N_VAR, LF_N_SMP };

struct lf_node {
	enum lf_node_type type;
	unsigned flags;			/* LF_Q | LF_X | LF_E | LF_JSON */
	const struct lf_var *var;
	size_t off, len;		/* text: bytes in lf->text; a variable
					 * or sample: its %(name) there */
	void *expr;			/* LF_N_SMP */
};

struct logfmt {
	struct lf_node *nodes;
	size_t n, cap;
	char *text;			/* literal bytes, at most strlen(fmt) */
	size_t textlen;
	int uses_http;
	int json;			/* %{+json}o: one JSON object per line */
	const struct logfmt_smp_ops *ops;
};

static struct lf_node *lf_add(struct logfmt *lf, enum lf_node_type type)
{
	struct lf_node *nn;

	if (lf->n == lf->cap) {
		size_t cap = lf->cap ? lf->cap * 2 : 16;

		nn = realloc(lf->nodes, cap * sizeof(*nn));
		if (!nn)
			return NULL;
		lf->nodes = nn;
		lf->cap = cap;
	}
	nn = &lf->nodes[lf->n++];
	memset(nn, 0, sizeof(*nn));
	nn->type = type;
	return nn;
}

static int lf_add_text(struct logfmt *lf, const char *s, size_t len)
{
	struct lf_node *nd;

	/* extend the previous literal: "%%" then text stays one node */
	if (lf->n && lf->nodes[lf->n - 1].type == LF_N_TEXT) {
		nd = &lf->nodes[lf->n - 1];
	} else {
		nd = lf_add(lf, LF_N_TEXT);
		if (!nd)
			return -1;
		nd->off = lf->textlen;
	}
	memcpy(lf->text + lf->textlen, s, len);
	lf->textlen += len;
	nd->len += len;
	return 0;
}

#define ERR(...)	do { if (err && errlen) \
				snprintf(err, errlen, __VA_ARGS__); } while (0)

/* Apply "+Q,-X,..." (the text between the braces) to *flags. */
static int lf_parse_flags(const char *s, size_t len, unsigned *flags,
			  char *err, size_t errlen)
{
	static const char names[] = "QXE";
	const char *end = s + len, *comma, *c;
	size_t n;

	while (s < end) {
		comma = memchr(s, ',', (size_t)(end - s));
		n = comma ? (size_t)(comma - s) : (size_t)(end - s);
		if (n == 5 && (s[0] == '+' || s[0] == '-') &&
		    memcmp(s + 1, "json", 4) == 0) {
			if (s[0] == '+')
				*flags |= LF_JSON;
			else
				*flags &= ~LF_JSON;
			s += n + (comma ? 1 : 0);
			continue;
		}
		c = n == 2 ? memchr(names, s[1], 3) : NULL;
		if (n && (!c || (s[0] != '+' && s[0] != '-'))) {
			ERR("unknown log-format flag '%.*s' (expected +Q, +X, "
			    "+E, +json, -Q, -X, -E or -json)",
			    (int)(n > 16 ? 16 : n), s);
			return -1;
		}
		if (n && s[0] == '+')
			*flags |= 1u << (c - names);
		else if (n)
			*flags &= ~(1u << (c - names));
		s += n + (comma ? 1 : 0);
	}
	return 0;
}

/* "%(name)": a field name for JSON output (HAProxy 3.0), letters, digits,
 * '_', '-' and '.'; *pp at the '(' is moved past the ')'. The name is kept
 * in lf->text (names and literals together never exceed the format). */
static int lf_parse_name(struct logfmt *lf, const char **pp, size_t *off,
			 size_t *len, char *err, size_t errlen)
{
	const char *p = *pp + 1, *n = p;

	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	       (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.')
		p++;
	if (*p != ')' || p == n || p - n > 64) {
		ERR("'%%(' must be followed by a name of 1 to 64 letters, digits, "
		    "'_', '-' or '.' and ')'");
		return -1;
	}
	*off = lf->textlen;
	*len = (size_t)(p - n);
	memcpy(lf->text + lf->textlen, n, *len);
	lf->textlen += *len;
	*pp = p + 1;
	return 0;
}

/*
 * Parse one '%' item at *pp (pointing at the '%'); advance *pp past it.
 * deflt holds the flags set by "%{..}o" so far.
 */
static int lf_parse_var(struct logfmt *lf, const char **pp, unsigned *deflt,
			char *err, size_t errlen)
{
	const char *start = *pp, *p = start + 1, *close, *name;
	const struct lf_var *var;
	unsigned flags = *deflt;
	struct lf_node *nd;
	size_t len, name_off = 0, name_len = 0;

	if (*p == '%') {
		*pp = p + 1;
		return lf_add_text(lf, "%", 1);
	}
	if (*p == '(') {
		if (lf_parse_name(lf, &p, &name_off, &name_len, err, errlen) < 0)
			return -1;
	}
	if (*p == '{') {
		close = strchr(p, '}');
		if (!close) {
			ERR("missing '}' after '%.40s'", start);
			return -1;
		}
		if (lf_parse_flags(p + 1, (size_t)(close - p - 1), &flags, err,
				   errlen) < 0)
			return -1;
		p = close + 1;
	}
	if (*p == '[') {
		size_t used = 0;
		void *expr;

		if (!strchr(p, ']')) {
			ERR("missing ']' after '%.40s'", start);
			return -1;
		}
		if (!lf->ops) {
			ERR("sample expressions in log-format are not "
			    "supported yet");
			return -1;
		}
		expr = lf->ops->parse(p + 1, &used, err, errlen);
		if (!expr)
			return -1;
		nd = lf_add(lf, LF_N_SMP);
		if (!nd) {
			lf->ops->free(expr);
			return -1;
		}
		nd->expr = expr;
		nd->flags = flags;
		nd->off = name_off;
		nd->len = name_len;
		*pp = p + 1 + used + 1;
		return 0;
	}
	for (name = p; lf_cclass[(unsigned char)*p] & C_NAME; p++)
		;
	len = (size_t)(p - name);
	if (len == 0) {
		if (name == start + 1)
			ERR("'%%' must be followed by a variable name, '{', "
			    "'[' or '%%' (write '%%%%' for a literal '%%')");
		else
			ERR("flags '%.*s' must be followed by a variable name",
			    (int)(name - start > 40 ? 40 : name - start), start);
		return -1;
	}
	*pp = p;
	if (len == 1 && *name == 'o') {
		if (name_len) {
			ERR("%%o takes no name");
			return -1;
		}
		*deflt = flags;		/* %o: flags for every variable after */
		lf->json = !!(flags & LF_JSON);
		return 0;
	}
	var = lf_var_find(name, len);
	if (!var) {
		ERR("unknown log-format variable '%%%.*s' (write '%%%%' for a "
		    "literal '%%')", (int)(len > 32 ? 32 : len), name);
		return -1;
	}
	if (!var->render) {
		ERR("log-format variable %%%s is not supported yet", var->name);
		return -1;
	}
	nd = lf_add(lf, LF_N_VAR);
	if (!nd)
		return -1;
	nd->var = var;
	nd->flags = flags;
	nd->off = name_off;
	nd->len = name_len;
	lf->uses_http |= var->http;
	return 0;
}

static int lf_is_blank(const char *p)
{
	return p[0] == ' ' || (p[0] == '\\' && p[1] == ' ');
}

static int lf_parse(struct logfmt *lf, const char *p, char *err,
		    size_t errlen)
{
	unsigned deflt = 0;
	const char *run;

	while (*p) {
		if (*p == '%') {
			if (lf_parse_var(lf, &p, &deflt, err, errlen) < 0)
				return -1;
		} else if (lf_is_blank(p)) {
			while (lf_is_blank(p))
				p += *p == ' ' ? 1 : 2;
			if (!lf_add(lf, LF_N_SEP))
				return -1;
		} else {
			for (run = p; *p && *p != '%' && !lf_is_blank(p); p++)
				;
			if (lf_add_text(lf, run, (size_t)(p - run)) < 0)
				return -1;
		}
	}
	return 0;
}

struct logfmt *logfmt_compile(const char *fmt, char *err, size_t errlen)
{
	return logfmt_compile_smp(fmt, NULL, err, errlen);
}

struct logfmt *logfmt_compile_smp(const char *fmt, const struct logfmt_smp_ops *ops,
				  char *err, size_t errlen)
{
	struct logfmt *lf;

	if (err && errlen)
		err[0] = '\0';
	if (!fmt) {
		ERR("no log-format string");
		return NULL;
	}
	lf = calloc(1, sizeof(*lf));
	if (!lf)
		goto nomem;
	lf->ops = ops;
	lf->text = malloc(strlen(fmt) + 1);
	if (!lf->text)
		goto nomem;
	if (lf_parse(lf, fmt, err, errlen) < 0) {
		if (err && errlen && !err[0])
			goto nomem;
		goto fail;
	}
	return lf;
nomem:
	ERR("out of memory compiling log-format");
fail:
	logfmt_free(lf);
	return NULL;
}

void logfmt_free(struct logfmt *lf)
{
	if (!lf)
		return;
	for (size_t i = 0; i < lf->n; i++)
		if (lf->nodes[i].type == LF_N_SMP)
			lf->ops->free(lf->nodes[i].expr);
	free(lf->nodes);
	free(lf->text);
	free(lf);
}

int logfmt_smp_each(struct logfmt *lf, int (*fn)(void *expr, void *arg), void *arg)
{
	for (size_t i = 0; lf && i < lf->n; i++) {
		int rc = lf->nodes[i].type == LF_N_SMP ? fn(lf->nodes[i].expr, arg) : 0;

		if (rc)
			return rc;
	}
	return 0;
}

int logfmt_uses_http(const struct logfmt *lf)
{
	return lf ? lf->uses_http : 0;
}

/* ---- JSON (HAProxy 3.0's +json) ---- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t lf_utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 :
		     s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : 0;

	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((len == 3 && s[0] == 0xe0 && s[1] < 0xa0) ||	/* overlong */
	    (len == 3 && s[0] == 0xed && s[1] >= 0xa0) ||	/* surrogates */
	    (len == 4 && s[0] == 0xf0 && s[1] < 0x90) ||
	    (len == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return len;
}

/* s as a JSON string: quotes, '"' and '\' escaped, control characters
 * and bytes that are not UTF-8 as \u00XX, so the line always parses. */
static void lf_put_json_str(struct lf_out *o, const char *s, size_t n)
{
	size_t i = 0, start = 0;

	lf_put_unit(o, "\"", 1);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		char e[6];
		size_t el, u;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80 && (u = lf_utf8_len((const unsigned char *)s + i,
						  n - i)) != 0) {
			i += u;
			continue;
		}
		lf_put(o, s + start, i - start);
		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			el = 2;
		} else {
			e[0] = '\\';
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = lf_hex[c >> 4];
			e[5] = lf_hex[c & 15];
			el = 6;
		}
		lf_put_unit(o, e, el);
		start = ++i;
	}
	lf_put(o, s + start, n - start);
	lf_put_unit(o, "\"", 1);
}

/* a JSON number: optional '-', digits, no leading zero */
static int lf_is_json_int(const char *s, size_t n)
{
	size_t i = n && s[0] == '-' ? 1 : 0;

	if (i == n || (s[i] == '0' && n - i > 1))
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int lf_numeric(const struct lf_node *nd)
{
	lf_render_fn *r = nd->type == LF_N_VAR ? nd->var->render : NULL;

	return r == lf_r_long || r == lf_r_int || r == lf_r_u64 ||
	       r == lf_r_uint || r == lf_r_ull || r == lf_r_port ||
	       (r == lf_r_date && (nd->var->arg == LF_D_UNIX));
}

/* One variable or sample as JSON: numbers bare, the rest as strings. */
static void lf_put_json_value(struct lf_out *o, const struct logfmt *lf,
			      const struct lf_node *nd,
			      const struct logfmt_vars *v)
{
	char tmp[4096];
	struct lf_out t = { tmp, sizeof(tmp), 0, 0 };
	unsigned flags = nd->flags & ~(LF_Q | LF_E | LF_JSON | LF_X);
	const char *s;
	size_t n;

	if (nd->type == LF_N_SMP) {
		if (v->smp_ctx && lf->ops->render(nd->expr, v->smp_ctx, &s, &n))
			lf_put_json_str(o, s, n);
		else
			lf_put_unit(o, "null", 4);
		return;
	}
	nd->var->render(&t, v, nd->var, flags);
	if (lf_numeric(nd) && lf_is_json_int(tmp, t.len))
		lf_put_unit(o, tmp, t.len);
	else
		lf_put_json_str(o, tmp, t.len);
}

/* %{+json}o: {"name": value, ...} of the named fields, nothing else */
static size_t lf_render_json(const struct logfmt *lf,
			     const struct logfmt_vars *v, struct lf_out *o)
{
	int first = 1;

	lf_put_unit(o, "{", 1);
	for (size_t i = 0; i < lf->n && !o->full; i++) {
		const struct lf_node *nd = &lf->nodes[i];

		if ((nd->type != LF_N_VAR && nd->type != LF_N_SMP) || !nd->len)
			continue;
		if (!first)
			lf_put_unit(o, ", ", 2);
		first = 0;
		lf_put_json_str(o, lf->text + nd->off, nd->len);
		lf_put_unit(o, ": ", 2);
		lf_put_json_value(o, lf, nd, v);
	}
	lf_put_unit(o, "}", 1);
	if (o->full) {
		/* never half an object: a line that does not fit is empty */
		o->len = 0;
	}
	return o->len;
}

size_t logfmt_render(const struct logfmt *lf, const struct logfmt_vars *v,
		     char *out, size_t outlen)
{
	struct lf_out o = { out, outlen ? outlen - 1 : 0, 0, 0 };
	int after_blank = 1;	/* no separator at the start of a line */
	size_t i, before;

	if (!out || outlen == 0)
		return 0;
	if (lf && v && lf->json) {
		lf_render_json(lf, v, &o);
		out[o.len] = '\0';
		return o.len;
	}
	for (i = 0; lf && v && i < lf->n && !o.full; i++) {
		const struct lf_node *nd = &lf->nodes[i];

		switch (nd->type) {
		case LF_N_TEXT:
			lf_put(&o, lf->text + nd->off, nd->len);
			after_blank = 0;
			break;
		case LF_N_SEP:
			/* a field that printed nothing takes its blank along */
			if (!after_blank)
				lf_put(&o, " ", 1);
			after_blank = 1;
			break;
		case LF_N_VAR:
			before = o.len;
			if (nd->flags & LF_JSON)
				lf_put_json_value(&o, lf, nd, v);
			else
				nd->var->render(&o, v, nd->var, nd->flags);
			if (o.len != before)
				after_blank = 0;
			break;
		case LF_N_SMP: {
			const char *s;
			size_t n;

			if (nd->flags & LF_JSON) {
				lf_put_json_value(&o, lf, nd, v);
			/* a sample that finds nothing prints nothing in a
			 * header value and "-" in a log line, as in HAProxy */
			} else if (v->smp_ctx &&
				   lf->ops->render(nd->expr, v->smp_ctx, &s, &n))
				lf_put_text(&o, s, n, nd->flags, 0);
			else if (nd->flags & LF_Q)
				lf_put_unit(&o, "\"\"", 2);
			else if (v->smp_dash)
				lf_put_unit(&o, "-", 1);
			after_blank = 0;
			break;
		}
		}
	}
	out[o.len] = '\0';
	return o.len;
}

void logfmt_vars_init(struct logfmt_vars *v)
{
	memset(v, 0, sizeof(*v));
	v->Th = v->Ti = v->TR = v->Tw = v->Tc = -1;
	v->Tr = v->Td = v->Ta = v->Tt = v->Tq = -1;
	v->status = -1;
	memcpy(v->term_state, "----", 5);
}

size_t logfmt_capture_join(const char *const *vals, const size_t *lens,
			   size_t n, char *out, size_t outlen)
{
	struct lf_out o = { out, outlen ? outlen - 1 : 0, 0, 0 };
	size_t i;

	if (!out || outlen == 0)
		return 0;
	lf_put_unit(&o, "{", 1);
	for (i = 0; i < n; i++) {
		if (i)
			lf_put_unit(&o, "|", 1);
		if (vals[i])
			lf_put_text(&o, vals[i], lens[i], 0, C_HDR);
	}
	lf_put_unit(&o, "}", 1);
	out[o.len] = '\0';
	return o.len;
}
