/*
 * chk_proto.c - requests and response validators of the named health checks.
 *
 * Every validator looks only at bytes below a fixed bound (a packet, a line,
 * CHK_PROTO_RESP_MAX), so its verdict is a function of those bytes alone: a
 * prefix of a response either needs more or gets the verdict of the whole,
 * whatever the split. Text taken from the server (versions, error messages)
 * is copied into the status message with non-printable bytes replaced, so a
 * log line cannot be forged by a server.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ctab.h"
#include "chk_proto.h"
#include "http1.h"

const char *const chk_proto_status_names[CHK_PROTO_ST_COUNT] = {
	[CHK_PROTO_ST_NONE]  = "",
	[CHK_PROTO_ST_L6OK]  = "L6OK",
	[CHK_PROTO_ST_L6RSP] = "L6RSP",
	[CHK_PROTO_ST_L7OK]  = "L7OK",
	[CHK_PROTO_ST_L7RSP] = "L7RSP",
	[CHK_PROTO_ST_L7STS] = "L7STS",
};

const char *const chk_proto_status_descs[CHK_PROTO_ST_COUNT] = {
	[CHK_PROTO_ST_NONE]  = "",
	[CHK_PROTO_ST_L6OK]  = "Layer6 check passed",
	[CHK_PROTO_ST_L6RSP] = "Layer6 invalid response",
	[CHK_PROTO_ST_L7OK]  = "Layer7 check passed",
	[CHK_PROTO_ST_L7RSP] = "Layer7 invalid response",
	[CHK_PROTO_ST_L7STS] = "Layer7 wrong status",
};

/* Character classes of the text this module writes or quotes. */
enum {
	PC_DIGIT = 1u << 0,
	PC_PRINT = 1u << 1,	/* SP and visible ASCII: quoted as is */
	PC_VCHAR = 1u << 2,	/* visible ASCII: domains, URIs, hosts */
	PC_CTL   = 1u << 3,	/* C0 controls and DEL */
};

#define CLASS_OF(c) \
	((((c) >= '0' && (c) <= '9') ? PC_DIGIT : 0) | \
	 (((c) >= 0x20 && (c) < 0x7f) ? PC_PRINT : 0) | \
	 (((c) > 0x20 && (c) < 0x7f) ? PC_VCHAR : 0) | \
	 (((c) < 0x20 || (c) == 0x7f) ? PC_CTL : 0))

static const uint8_t pclass[256] = CTAB_256(CLASS_OF);

#define QUOTE_MAX	160	/* server bytes quoted in a message */

/* ---- common helpers --------------------------------------------------- */

static int proto_verdict(struct chk_proto_res *res, enum chk_proto_status st,
			 int code, size_t used, char *msg, size_t msglen,
			 const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Record a decision; the message is "<status description>: <detail>". */
static int proto_verdict(struct chk_proto_res *res, enum chk_proto_status st,
			 int code, size_t used, char *msg, size_t msglen,
			 const char *fmt, ...)
{
	va_list ap;
	int n;

	res->status = st;
	res->code = code;
	res->len = used;
	if (msg && msglen) {
		n = snprintf(msg, msglen, "%s: ", chk_proto_status_descs[st]);
		if (n >= 0 && (size_t)n < msglen) {
			va_start(ap, fmt);
			vsnprintf(msg + n, msglen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return (st == CHK_PROTO_ST_L6OK || st == CHK_PROTO_ST_L7OK) ?
	       CHK_PROTO_OK : CHK_PROTO_FAIL;
}

static int proto_need_more(struct chk_proto_res *res, char *msg, size_t msglen)
{
	res->status = CHK_PROTO_ST_NONE;
	res->code = -1;
	res->len = 0;
	if (msg && msglen)
		msg[0] = '\0';
	return CHK_PROTO_NEED_MORE;
}

/* Quote server bytes: printable ASCII kept, others '?', cut when long.
 * dst holds QUOTE_MAX + 4 bytes. */
static const char *proto_quote(char *dst, const uint8_t *s, size_t n)
{
	size_t i, m = n > QUOTE_MAX ? QUOTE_MAX : n;

	for (i = 0; i < m; i++)
		dst[i] = (pclass[s[i]] & PC_PRINT) ? (char)s[i] : '?';
	if (m < n)
		memcpy(dst + m, "...", 4);
	else
		dst[m] = '\0';
	return dst;
}

/* Length of a NUL-terminated argument, or SIZE_MAX past max or on bytes
 * of a class in refuse. */
static size_t proto_arg_len(const char *s, size_t max, unsigned refuse,
			    unsigned require)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		if (i == max)
			return SIZE_MAX;
		if ((pclass[(uint8_t)s[i]] & refuse) ||
		    (require && !(pclass[(uint8_t)s[i]] & require)))
			return SIZE_MAX;
	}
	return i;
}

static int proto_arg_ok(size_t n)
{
	return n != 0 && n != SIZE_MAX;
}

static unsigned proto_le16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned long proto_be32(const uint8_t *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	       (unsigned long)p[2] << 8 | p[3];
}

static ssize_t proto_put(char *out, size_t outlen, const void *req, size_t n)
{
	if (outlen < n)
		return -1;
	memcpy(out, req, n);
	return (ssize_t)n;
}

/* ---- MySQL ---------------------------------------------------------------- */

enum {
	MYSQL_PKT_MAX        = 4096,	/* a greeting, OK or ERR is far smaller */
	MYSQL_PROTOCOL_41    = 0x0200,	/* CLIENT_PROTOCOL_41 */
	MYSQL_SECURE_CONN    = 0x8000,	/* CLIENT_SECURE_CONNECTION */
	MYSQL_LONG_PASSWORD  = 0x0001,	/* CLIENT_LONG_PASSWORD */
	MYSQL_CHARSET_UTF8   = 33,	/* utf8_general_ci */
	MYSQL_COM_QUIT       = 0x01,
};

static size_t mysql_header(uint8_t *p, size_t payload, uint8_t seq)
{
	p[0] = (uint8_t)payload;
	p[1] = (uint8_t)(payload >> 8);
	p[2] = (uint8_t)(payload >> 16);
	p[3] = seq;
	return 4;
}

ssize_t chk_proto_mysql_build(char *out, size_t outlen, const char *user,
			      enum chk_proto_mysql_ver ver)
{
	uint8_t pkt[128], *p = pkt + 4;
	size_t ulen;

	if (!user)
		return 0;
	ulen = proto_arg_len(user, CHK_PROTO_MYSQL_USER_MAX, PC_CTL, 0);
	if (!proto_arg_ok(ulen))
		return -1;
	if (ver == CHK_PROTO_MYSQL_POST41) {
		/* HandshakeResponse41: flags, max packet, charset, filler */
		*p++ = (uint8_t)(MYSQL_PROTOCOL_41 | MYSQL_SECURE_CONN);
		*p++ = (uint8_t)((MYSQL_PROTOCOL_41 | MYSQL_SECURE_CONN) >> 8);
		*p++ = 0;
		*p++ = 0;
		memcpy(p, "\x00\x00\x00\x01", 4);	/* 16 MiB */
		p += 4;
		*p++ = MYSQL_CHARSET_UTF8;
		memset(p, 0, 23);
		p += 23;
	} else {
		/* HandshakeResponse320: flags, 3-byte max packet */
		*p++ = MYSQL_LONG_PASSWORD;
		*p++ = 0;
		memcpy(p, "\xff\xff\xff", 3);
		p += 3;
	}
	memcpy(p, user, ulen + 1);		/* with its NUL */
	p += ulen + 1;
	if (ver == CHK_PROTO_MYSQL_POST41)
		*p++ = 0;			/* auth-response length: none */
	mysql_header(pkt, (size_t)(p - pkt) - 4, 1);
	p += mysql_header(p, 1, 0);		/* COM_QUIT, a new command */
	*p++ = MYSQL_COM_QUIT;
	return proto_put(out, outlen, pkt, (size_t)(p - pkt));
}

/* One packet at off: 1 with its payload, length and sequence id, 0 need
 * more, -1 bad length. */
static int mysql_packet(const uint8_t *p, size_t len, size_t off,
			const uint8_t **pay, size_t *plen, unsigned *seq)
{
	size_t n;

	if (len - off < 4)
		return 0;
	n = p[off] | (size_t)p[off + 1] << 8 | (size_t)p[off + 2] << 16;
	if (n == 0 || n > MYSQL_PKT_MAX)
		return -1;
	if (len - off - 4 < n)
		return 0;
	*pay = p + off + 4;
	*plen = n;
	*seq = p[off + 3];
	return 1;
}

static int mysql_err(const uint8_t *pay, size_t plen, size_t used,
		     struct chk_proto_res *res, char *msg, size_t msglen)
{
	char q[QUOTE_MAX + 4], state[QUOTE_MAX + 4];
	unsigned code;

	if (plen < 3)
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, used, msg, msglen,
				     "truncated MySQL error packet");
	code = proto_le16(pay + 1);
	if (plen >= 9 && pay[3] == '#')		/* 4.1: '#' and SQLSTATE */
		return proto_verdict(res, CHK_PROTO_ST_L7STS, (int)code, used, msg,
				     msglen, "%u (%s) %s", code,
				     proto_quote(state, pay + 4, 5),
				     proto_quote(q, pay + 9, plen - 9));
	return proto_verdict(res, CHK_PROTO_ST_L7STS, (int)code, used, msg, msglen,
			     "%u %s", code, proto_quote(q, pay + 3, plen - 3));
}

/* Initial Handshake v10 or v9: the server version string, NUL-terminated,
 * then (v10) thread id, 8 scramble bytes, filler and capability flags or
 * (v9) thread id. Returns the version length or -1. */
static ssize_t mysql_greeting(const uint8_t *pay, size_t plen)
{
	const uint8_t *nul;
	size_t vlen, after;

	if (plen < 2 || (pay[0] != 10 && pay[0] != 9))
		return -1;
	nul = memchr(pay + 1, '\0', plen - 1);
	if (!nul)
		return -1;
	vlen = (size_t)(nul - pay) - 1;
	after = plen - vlen - 2;
	if (after < (pay[0] == 10 ? 4u + 8 + 1 + 2 : 4u))
		return -1;
	return (ssize_t)vlen;
}

int chk_proto_mysql_check(const char *buf, size_t len, int with_user,
			  struct chk_proto_res *res, char *msg, size_t msglen)
{
	const uint8_t *p = (const uint8_t *)buf, *pay, *ok;
	char v[QUOTE_MAX + 4];
	size_t plen, olen, used;
	unsigned seq;
	ssize_t vlen;
	int rc;

	rc = mysql_packet(p, len, 0, &pay, &plen, &seq);
	if (rc <= 0)
		return rc == 0 ? proto_need_more(res, msg, msglen) :
		       proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, 4, msg, msglen,
				     "MySQL packet length out of range");
	used = 4 + plen;
	if (seq != 0)
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, used, msg, msglen,
				     "MySQL greeting with sequence id %u", seq);
	if (pay[0] == 0xff)
		return mysql_err(pay, plen, used, res, msg, msglen);
	vlen = mysql_greeting(pay, plen);
	if (vlen < 0)
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, used, msg, msglen,
				     "not a MySQL greeting (protocol %u)", pay[0]);
	proto_quote(v, pay + 1, (size_t)vlen);
	if (!with_user)
		return proto_verdict(res, CHK_PROTO_ST_L7OK, -1, used, msg, msglen,
				     "MySQL %s", v);

	rc = mysql_packet(p, len, used, &ok, &olen, &seq);
	if (rc <= 0)
		return rc == 0 ? proto_need_more(res, msg, msglen) :
		       proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, used + 4, msg,
				     msglen, "MySQL packet length out of range");
	used += 4 + olen;
	if (seq != 2)
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, used, msg, msglen,
				     "MySQL reply with sequence id %u", seq);
	switch (ok[0]) {
	case 0x00:
		return proto_verdict(res, CHK_PROTO_ST_L7OK, -1, used, msg, msglen,
				     "MySQL %s", v);
	case 0xff:
		return mysql_err(ok, olen, used, res, msg, msglen);
	case 0xfe:
		return proto_verdict(res, CHK_PROTO_ST_L7STS, -1, used, msg, msglen,
				     "MySQL asks for another authentication method");
	default:
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, used, msg, msglen,
				     "unexpected MySQL packet 0x%02x", ok[0]);
	}
}

/* ---- PostgreSQL ------------------------------------------------------------ */

#define PGSQL_PROTOCOL_30	196608u		/* 3 << 16 | 0 */

ssize_t chk_proto_pgsql_build(char *out, size_t outlen, const char *user)
{
	uint8_t pkt[128];
	size_t ulen, n = 0;

	ulen = proto_arg_len(user, CHK_PROTO_PGSQL_USER_MAX, PC_CTL, 0);
	if (!proto_arg_ok(ulen))
		return -1;
	n = 4 + 4 + sizeof("user") + ulen + 1 + 1;
	pkt[0] = 0;
	pkt[1] = 0;
	pkt[2] = (uint8_t)(n >> 8);
	pkt[3] = (uint8_t)n;
	pkt[4] = (uint8_t)(PGSQL_PROTOCOL_30 >> 24);
	pkt[5] = (uint8_t)(PGSQL_PROTOCOL_30 >> 16);
	pkt[6] = (uint8_t)(PGSQL_PROTOCOL_30 >> 8);
	pkt[7] = (uint8_t)PGSQL_PROTOCOL_30;
	memcpy(pkt + 8, "user", sizeof("user"));
	memcpy(pkt + 8 + sizeof("user"), user, ulen + 1);
	pkt[n - 1] = 0;				/* end of the parameters */
	return proto_put(out, outlen, pkt, n);
}

static const char *pgsql_auth_name(unsigned long code)
{
	static const char *const names[] = {
		[0] = "authentication ok", [2] = "Kerberos V5",
		[3] = "cleartext password", [5] = "MD5 password",
		[6] = "SCM credentials", [7] = "GSSAPI", [9] = "SSPI",
		[10] = "SASL",
	};

	if (code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "authentication request";
}

/* The fields of an ErrorResponse body: S/V severity, C SQLSTATE, M text. */
static int pgsql_error(const uint8_t *f, size_t n, size_t used,
		       struct chk_proto_res *res, char *msg, size_t msglen)
{
	const uint8_t *sev = NULL, *code = NULL, *text = NULL, *end;
	size_t sev_len = 0, code_len = 0, text_len = 0, i = 0;
	char qs[QUOTE_MAX + 4], qc[QUOTE_MAX + 4], qm[QUOTE_MAX + 4];

	while (i < n && f[i] != 0) {
		end = memchr(f + i + 1, '\0', n - i - 1);
		if (!end)
			break;		/* malformed: report what we have */
		if (f[i] == 'S' || (f[i] == 'V' && !sev)) {
			sev = f + i + 1;
			sev_len = (size_t)(end - sev);
		} else if (f[i] == 'C') {
			code = f + i + 1;
			code_len = (size_t)(end - code);
		} else if (f[i] == 'M') {
			text = f + i + 1;
			text_len = (size_t)(end - text);
		}
		i = (size_t)(end - f) + 1;
	}
	return proto_verdict(res, CHK_PROTO_ST_L7STS, -1, used, msg, msglen,
			     "PostgreSQL error%s%s%s%s%s%s",
			     sev ? " " : "", sev ? proto_quote(qs, sev, sev_len) : "",
			     code ? " " : "", code ? proto_quote(qc, code, code_len) : "",
			     text ? " " : "", text ? proto_quote(qm, text, text_len) : "");
}

int chk_proto_pgsql_check(const char *buf, size_t len,
			  struct chk_proto_res *res, char *msg, size_t msglen)
{
	const uint8_t *p = (const uint8_t *)buf;
	unsigned long mlen, code;
	size_t off = 0;

	for (;;) {
		if (len - off < 5)
			return proto_need_more(res, msg, msglen);
		mlen = proto_be32(p + off + 1);
		if (mlen < 4 || off + 1 + mlen > CHK_PROTO_RESP_MAX)
			return proto_verdict(res,
				p[off] == 'E' ? CHK_PROTO_ST_L7STS : CHK_PROTO_ST_L7RSP,
				-1, off + 5, msg, msglen,
				"PostgreSQL message '%c' with length %lu",
				(pclass[p[off]] & PC_VCHAR) ? p[off] : '?', mlen);
		switch (p[off]) {
		case 'R':
			if (mlen < 8)
				return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1,
						     off + 5, msg, msglen,
						     "truncated authentication request");
			if (len - off < 9)
				return proto_need_more(res, msg, msglen);
			code = proto_be32(p + off + 5);
			return proto_verdict(res, CHK_PROTO_ST_L7OK,
					     code > 0xffff ? -1 : (int)code, off + 9,
					     msg, msglen, "PostgreSQL %s (%lu)",
					     pgsql_auth_name(code), code);
		case 'E':
		case 'N':	/* NoticeResponse */
		case 'v':	/* NegotiateProtocolVersion */
			if (len - off - 1 < mlen)
				return proto_need_more(res, msg, msglen);
			if (p[off] == 'E')
				return pgsql_error(p + off + 5, mlen - 4, off + 1 + mlen,
						   res, msg, msglen);
			off += 1 + mlen;
			break;
		default:
			return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, off + 5, msg,
					     msglen, "unexpected PostgreSQL message "
					     "type 0x%02x", p[off]);
		}
	}
}

/* ---- Redis ------------------------------------------------------------------ */

#define REDIS_PING	"*1\r\n$4\r\nPING\r\n"
#define REDIS_LINE_MAX	512

ssize_t chk_proto_redis_build(char *out, size_t outlen)
{
	return proto_put(out, outlen, REDIS_PING, sizeof(REDIS_PING) - 1);
}

int chk_proto_redis_check(const char *buf, size_t len,
			  struct chk_proto_res *res, char *msg, size_t msglen)
{
	const uint8_t *p = (const uint8_t *)buf, *lf;
	size_t n = len < REDIS_LINE_MAX ? len : REDIS_LINE_MAX, line;
	char q[QUOTE_MAX + 4];

	if (len == 0)
		return proto_need_more(res, msg, msglen);
	if (p[0] != '+' && p[0] != '-')
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, 1, msg, msglen,
				     "not a Redis status reply (0x%02x)", p[0]);
	lf = memchr(p, '\n', n);
	if (!lf)
		return n < REDIS_LINE_MAX ? proto_need_more(res, msg, msglen) :
		       proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, n, msg, msglen,
				     "Redis reply over %d bytes", REDIS_LINE_MAX);
	line = (size_t)(lf - p);
	if (line < 2 || p[line - 1] != '\r')
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, line + 1, msg,
				     msglen, "Redis reply not ended by CRLF");
	proto_quote(q, p + 1, line - 2);
	if (p[0] == '+' && line == 6 && memcmp(p, "+PONG", 5) == 0)
		return proto_verdict(res, CHK_PROTO_ST_L7OK, -1, line + 1, msg,
				     msglen, "Redis +PONG");
	return proto_verdict(res, CHK_PROTO_ST_L7STS, -1, line + 1, msg, msglen,
			     "Redis %c%s", p[0], q);
}

/* ---- SMTP ------------------------------------------------------------------- */

#define SMTP_DOMAIN_MAX	255
#define SMTP_LINE_MAX	512	/* RFC 5321 4.5.3.1.5, CRLF included */

ssize_t chk_proto_smtp_build_hello(char *out, size_t outlen,
				   enum chk_proto_smtp_hello hello,
				   const char *domain)
{
	size_t dlen;
	int n;

	if (!domain)
		domain = "localhost";
	dlen = proto_arg_len(domain, SMTP_DOMAIN_MAX, 0, PC_VCHAR);
	if (!proto_arg_ok(dlen))
		return -1;
	n = snprintf(out, outlen, "%s %s\r\n",
		     hello == CHK_PROTO_SMTP_EHLO ? "EHLO" : "HELO", domain);
	return (n > 0 && (size_t)n < outlen) ? n : -1;
}

ssize_t chk_proto_smtp_build_quit(char *out, size_t outlen)
{
	return proto_put(out, outlen, "QUIT\r\n", 6);
}

int chk_proto_smtp_check(const char *buf, size_t len,
			 struct chk_proto_res *res, char *msg, size_t msglen)
{
	const uint8_t *p = (const uint8_t *)buf, *lf, *text = NULL;
	size_t off = 0, avail, lim, i, text_len = 0;
	char q[QUOTE_MAX + 4];
	int code = -1, c, last = 0;

	while (!last) {
		avail = len - off;
		/* the three digits and the separator are judged on arrival */
		for (i = 0; i < 3 && i < avail; i++)
			if (!(pclass[p[off + i]] & PC_DIGIT) ||
			    (i == 0 && (p[off] < '2' || p[off] > '5')))
				return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1,
						     off + i + 1, msg, msglen,
						     "not an SMTP reply code");
		if (avail >= 3) {
			c = (p[off] - '0') * 100 + (p[off + 1] - '0') * 10 +
			    (p[off + 2] - '0');
			if (code >= 0 && c != code)
				return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1,
						     off + 3, msg, msglen,
						     "SMTP reply lines %d and %d", code, c);
			code = c;
		}
		if (avail >= 4 && p[off + 3] != ' ' && p[off + 3] != '-' &&
		    p[off + 3] != '\r' && p[off + 3] != '\n')
			return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, off + 4, msg,
					     msglen, "not an SMTP reply line");
		lim = avail < SMTP_LINE_MAX ? avail : SMTP_LINE_MAX;
		if (lim > CHK_PROTO_RESP_MAX - off)
			lim = CHK_PROTO_RESP_MAX - off;
		lf = memchr(p + off, '\n', lim);
		if (!lf) {
			if (lim == avail && off + lim < CHK_PROTO_RESP_MAX &&
			    lim < SMTP_LINE_MAX)
				return proto_need_more(res, msg, msglen);
			return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, off + lim,
					     msg, msglen, lim == SMTP_LINE_MAX ?
					     "SMTP line over 512 bytes" :
					     "SMTP reply too long");
		}
		last = p[off + 3] != '-';
		if (!text) {
			text = p + off + 3;
			text_len = (size_t)(lf - text);
			if (text_len && text[0] != '\r' && text[0] != '\n') {
				text++;		/* the separator */
				text_len--;
			}
			if (text_len && text[text_len - 1] == '\r')
				text_len--;
		}
		off = (size_t)(lf - p) + 1;
	}
	proto_quote(q, text, text_len);
	return proto_verdict(res, code / 100 == 2 ? CHK_PROTO_ST_L7OK :
			     CHK_PROTO_ST_L7STS, code, off, msg, msglen,
			     "SMTP %d %s", code, q);
}

/* ---- LDAP (RFC 4511, BER definite lengths only, section 5.1) --------------- */

static const uint8_t ldap_bind_req[] = {
	0x30, 0x0c,			/* LDAPMessage */
	0x02, 0x01, 0x01,		/*   messageID 1 */
	0x60, 0x07,			/*   [APPLICATION 0] BindRequest */
	0x02, 0x01, 0x03,		/*     version 3 */
	0x04, 0x00,			/*     name "" */
	0x80, 0x00,			/*     [0] simple "" */
};

enum {
	BER_INTEGER     = 0x02,
	BER_OCTETS      = 0x04,
	BER_ENUMERATED  = 0x0a,
	BER_SEQUENCE    = 0x30,
	LDAP_BIND_RESP  = 0x61,		/* [APPLICATION 1] constructed */
	LDAP_EXT_RESP   = 0x78,		/* [APPLICATION 24] constructed */
};

struct ber_elem {
	unsigned tag;
	const uint8_t *val;
	size_t len;
	size_t size;			/* header + value */
};

ssize_t chk_proto_ldap_build(char *out, size_t outlen)
{
	return proto_put(out, outlen, ldap_bind_req, sizeof(ldap_bind_req));
}

/* The element at p[0..avail): 1 found, 0 incomplete, -1 invalid (high tag
 * numbers, indefinite or over-long lengths are not LDAP). */
static int ber_elem(const uint8_t *p, size_t avail, struct ber_elem *e)
{
	size_t n, i, l;

	if (avail < 2)
		return avail && (p[0] & 0x1f) == 0x1f ? -1 : 0;
	if ((p[0] & 0x1f) == 0x1f || p[1] == 0x80 || p[1] > 0x84)
		return -1;
	if (p[1] < 0x80) {
		n = 0;
		l = p[1];
	} else {
		n = p[1] & 0x7f;
		if (avail < 2 + n)
			return 0;
		for (l = 0, i = 0; i < n; i++)
			l = l << 8 | p[2 + i];
	}
	if (l > CHK_PROTO_RESP_MAX - 2 - n)
		return -1;		/* nothing larger is waited for */
	e->tag = p[0];
	e->val = p + 2 + n;
	e->len = l;
	e->size = 2 + n + l;
	return avail >= e->size ? 1 : 0;
}

/* A non-negative INTEGER or ENUMERATED of 1..4 bytes, or -1. */
static long ber_uint(const struct ber_elem *e, unsigned tag)
{
	unsigned long v = 0;
	size_t i;

	if (e->tag != tag || e->len < 1 || e->len > 4 || (e->val[0] & 0x80))
		return -1;
	for (i = 0; i < e->len; i++)
		v = v << 8 | e->val[i];
	return (long)v;
}

static const char *ldap_result_name(long code)
{
	static const struct { long code; const char *name; } names[] = {
		{ 0, "success" }, { 1, "operationsError" }, { 2, "protocolError" },
		{ 3, "timeLimitExceeded" }, { 7, "authMethodNotSupported" },
		{ 8, "strongerAuthRequired" }, { 11, "adminLimitExceeded" },
		{ 13, "confidentialityRequired" }, { 14, "saslBindInProgress" },
		{ 32, "noSuchObject" }, { 34, "invalidDNSyntax" },
		{ 48, "inappropriateAuthentication" }, { 49, "invalidCredentials" },
		{ 50, "insufficientAccessRights" }, { 51, "busy" },
		{ 52, "unavailable" }, { 53, "unwillingToPerform" }, { 80, "other" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return "unknown";
}

/* LDAPResult inside a response op: resultCode, matchedDN,
 * diagnosticMessage. Returns the resultCode or -1; *diag may stay NULL. */
static long ldap_result(const struct ber_elem *op, struct ber_elem *diag)
{
	const uint8_t *p = op->val, *end = op->val + op->len;
	struct ber_elem e;
	long code;

	diag->val = NULL;
	if (ber_elem(p, (size_t)(end - p), &e) != 1)
		return -1;
	code = ber_uint(&e, BER_ENUMERATED);
	p += e.size;
	if (code < 0 || ber_elem(p, (size_t)(end - p), &e) != 1 || e.tag != BER_OCTETS)
		return code;		/* matchedDN and message are optional here */
	p += e.size;
	if (ber_elem(p, (size_t)(end - p), &e) == 1 && e.tag == BER_OCTETS)
		*diag = e;
	return code;
}

int chk_proto_ldap_check(const char *buf, size_t len,
			 struct chk_proto_res *res, char *msg, size_t msglen)
{
	const uint8_t *p = (const uint8_t *)buf, *q, *end;
	struct ber_elem m, id, op, diag;
	char d[QUOTE_MAX + 4];
	long msgid, code;
	int rc;

	if (len && p[0] != BER_SEQUENCE)
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, 1, msg, msglen,
				     "not an LDAP message (0x%02x)", p[0]);
	rc = ber_elem(p, len, &m);
	if (rc == 0)
		return proto_need_more(res, msg, msglen);
	if (rc < 0)	/* decided from the length octets alone */
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1,
				     (p[1] == 0x80 || p[1] > 0x84) ? 2 :
				     2 + (size_t)(p[1] & 0x7f), msg, msglen,
				     "bad BER length");
	q = m.val;
	end = m.val + m.len;
	if (ber_elem(q, (size_t)(end - q), &id) != 1 ||
	    (msgid = ber_uint(&id, BER_INTEGER)) < 0)
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, m.size, msg, msglen,
				     "bad LDAP messageID");
	q += id.size;
	if (ber_elem(q, (size_t)(end - q), &op) != 1 ||
	    (op.tag != LDAP_BIND_RESP && op.tag != LDAP_EXT_RESP))
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, m.size, msg, msglen,
				     "not an LDAP bind response");
	code = ldap_result(&op, &diag);
	if (code < 0)
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, m.size, msg, msglen,
				     "bad LDAP resultCode");
	if (diag.val)
		proto_quote(d, diag.val, diag.len);
	else
		d[0] = '\0';
	if (op.tag == LDAP_EXT_RESP && msgid == 0)
		return proto_verdict(res, CHK_PROTO_ST_L7STS, (int)code, m.size, msg,
				     msglen, "LDAP notice of disconnection, "
				     "resultCode %ld (%s) %s", code,
				     ldap_result_name(code), d);
	if (op.tag != LDAP_BIND_RESP || msgid != 1)
		return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, m.size, msg, msglen,
				     "LDAP response to messageID %ld", msgid);
	return proto_verdict(res, code == 0 ? CHK_PROTO_ST_L7OK : CHK_PROTO_ST_L7STS,
			     (int)code, m.size, msg, msglen,
			     "LDAP resultCode %ld (%s) %s", code,
			     ldap_result_name(code), d);
}

/* ---- SSL/TLS hello ----------------------------------------------------------- */

enum {
	TLS_HANDSHAKE       = 0x16,
	TLS_ALERT           = 0x15,
	TLS_CLIENT_HELLO    = 0x01,
	TLS_SERVER_HELLO    = 0x02,
	TLS_RECORD_MAX      = 16384 + 2048,	/* TLSCiphertext limit */
	TLS_SERVER_HELLO_MIN = 38,		/* version, random, 3 lengths */
};

/* The hello after the random: empty session id, suites, compression, and
 * extensions. Suites: TLS 1.3, ECDHE AEAD, ECDHE CBC, RSA, 3DES and the
 * renegotiation SCSV, so servers of every age find one. */
static const uint8_t tls_hello_tail[] = {
	0x00,						/* session_id */
	0x00, 0x22,					/* cipher_suites */
	0x13, 0x01, 0x13, 0x02, 0x13, 0x03,
	0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9, 0xcc, 0xa8,
	0xc0, 0x13, 0xc0, 0x14,
	0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f, 0x00, 0x35, 0x00, 0x0a,
	0x00, 0xff,
	0x01, 0x00,					/* compression: null */
	0x00, 0x65,					/* extensions */
	0x00, 0x0a, 0x00, 0x08, 0x00, 0x06,		/* supported_groups */
	0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,		/*   x25519 P-256 P-384 */
	0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,		/* ec_point_formats */
	0x00, 0x0d, 0x00, 0x18, 0x00, 0x16,		/* signature_algorithms */
	0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06,
	0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x02, 0x03, 0x02, 0x01,
	0x00, 0x2b, 0x00, 0x09, 0x08,			/* supported_versions */
	0x03, 0x04, 0x03, 0x03, 0x03, 0x02, 0x03, 0x01,
	0x00, 0x33, 0x00, 0x26, 0x00, 0x24,		/* key_share */
	0x00, 0x1d, 0x00, 0x20,				/*   x25519, the base
							 *   point: a valid key */
	0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

ssize_t chk_proto_ssl_hello_build(char *out, size_t outlen,
				  const unsigned char *random)
{
	uint8_t pkt[256], *p = pkt;
	size_t body = 2 + 32 + sizeof(tls_hello_tail);	/* the hello */
	size_t rec = 4 + body;				/* the record */

	*p++ = TLS_HANDSHAKE;
	*p++ = 0x03;
	*p++ = 0x01;				/* record: TLS 1.0, for old peers */
	*p++ = (uint8_t)(rec >> 8);
	*p++ = (uint8_t)rec;
	*p++ = TLS_CLIENT_HELLO;
	*p++ = 0;
	*p++ = (uint8_t)(body >> 8);
	*p++ = (uint8_t)body;
	*p++ = 0x03;
	*p++ = 0x03;				/* client_version: TLS 1.2 */
	if (random)
		memcpy(p, random, 32);
	else
		memset(p, 0x5a, 32);
	p += 32;
	memcpy(p, tls_hello_tail, sizeof(tls_hello_tail));
	p += sizeof(tls_hello_tail);
	return proto_put(out, outlen, pkt, (size_t)(p - pkt));
}

static const char *tls_alert_name(unsigned desc)
{
	static const struct { unsigned desc; const char *name; } names[] = {
		{ 0, "close_notify" }, { 10, "unexpected_message" },
		{ 40, "handshake_failure" }, { 47, "illegal_parameter" },
		{ 50, "decode_error" }, { 70, "protocol_version" },
		{ 71, "insufficient_security" }, { 80, "internal_error" },
		{ 86, "inappropriate_fallback" }, { 109, "missing_extension" },
		{ 112, "unrecognized_name" }, { 116, "certificate_required" },
		{ 120, "no_application_protocol" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].desc == desc)
			return names[i].name;
	return "unknown";
}

int chk_proto_ssl_hello_check(const char *buf, size_t len,
			      struct chk_proto_res *res, char *msg, size_t msglen)
{
	const uint8_t *p = (const uint8_t *)buf;
	unsigned rlen;
	unsigned long hlen;

	if (len >= 1 && p[0] != TLS_HANDSHAKE && p[0] != TLS_ALERT)
		return proto_verdict(res, CHK_PROTO_ST_L6RSP, -1, 1, msg, msglen,
				     "not a TLS handshake or alert record (0x%02x)",
				     p[0]);
	if (len >= 2 && p[1] != 3)
		return proto_verdict(res, CHK_PROTO_ST_L6RSP, -1, 2, msg, msglen,
				     "TLS record major version %u", p[1]);
	if (len >= 3 && p[2] > 4)
		return proto_verdict(res, CHK_PROTO_ST_L6RSP, -1, 3, msg, msglen,
				     "TLS record version 3.%u", p[2]);
	if (len < 5)
		return proto_need_more(res, msg, msglen);
	rlen = (unsigned)p[3] << 8 | p[4];
	if (rlen < (p[0] == TLS_ALERT ? 2u : 4u) || rlen > TLS_RECORD_MAX)
		return proto_verdict(res, CHK_PROTO_ST_L6RSP, -1, 5, msg, msglen,
				     "TLS record length %u", rlen);
	if (p[0] == TLS_ALERT) {
		if (len < 7)
			return proto_need_more(res, msg, msglen);
		return proto_verdict(res, CHK_PROTO_ST_L6OK, p[6], 7, msg, msglen,
				     "TLS alert %u (%s)", p[6], tls_alert_name(p[6]));
	}
	if (len < 9)
		return proto_need_more(res, msg, msglen);
	hlen = (unsigned long)p[6] << 16 | (unsigned long)p[7] << 8 | p[8];
	if (p[5] != TLS_SERVER_HELLO)
		return proto_verdict(res, CHK_PROTO_ST_L6RSP, -1, 9, msg, msglen,
				     "TLS handshake message %u instead of "
				     "ServerHello", p[5]);
	if (hlen < TLS_SERVER_HELLO_MIN)
		return proto_verdict(res, CHK_PROTO_ST_L6RSP, -1, 9, msg, msglen,
				     "TLS ServerHello of %lu bytes", hlen);
	return proto_verdict(res, CHK_PROTO_ST_L6OK, -1, 9, msg, msglen,
			     "TLS ServerHello");
}

/* ---- HTTP ------------------------------------------------------------------- */

#define HTTP_MAX_HDRS	100

ssize_t chk_proto_http_build(char *out, size_t outlen, const char *method,
			     const char *uri, const char *version,
			     const char *host)
{
	int n, v11;

	method = method ? method : "OPTIONS";
	uri = uri ? uri : "/";
	version = version ? version : "HTTP/1.0";
	v11 = strcmp(version, "HTTP/1.1") == 0;
	if (!http1_is_token(method, strlen(method)) ||
	    !proto_arg_ok(proto_arg_len(uri, SIZE_MAX, 0, PC_VCHAR)) ||
	    (!v11 && strcmp(version, "HTTP/1.0") != 0) ||
	    (host && !proto_arg_ok(proto_arg_len(host, SIZE_MAX, 0, PC_VCHAR))))
		return -1;
	n = snprintf(out, outlen, "%s %s %s\r\n%s%s%s%s\r\n", method, uri, version,
		     host ? "Host: " : "", host ? host : "", host ? "\r\n" : "",
		     v11 ? "Connection: close\r\n" : "");
	return (n > 0 && (size_t)n < outlen) ? n : -1;
}

int chk_proto_http_check(const char *buf, size_t len,
			 struct chk_proto_res *res, char *msg, size_t msglen)
{
	struct http1_hdr hdrs[HTTP_MAX_HDRS];
	struct http1_msg m;
	size_t n = len < CHK_PROTO_RESP_MAX ? len : CHK_PROTO_RESP_MAX, off = 0;
	char q[QUOTE_MAX + 4];
	int rc;

	for (;;) {
		memset(&m, 0, sizeof(m));
		m.hdrs = hdrs;
		m.max_hdrs = HTTP_MAX_HDRS;
		rc = http1_parse_response(buf + off, n - off, &m);
		if (rc == 0 && n < CHK_PROTO_RESP_MAX)
			return proto_need_more(res, msg, msglen);
		if (rc == 0)
			return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1, n, msg, msglen,
					     "HTTP head over %d bytes",
					     CHK_PROTO_RESP_MAX);
		if (rc < 0)
			return proto_verdict(res, CHK_PROTO_ST_L7RSP, -1,
					     off + m.err_pos, msg, msglen, "HTTP %s",
					     m.err_msg);
		off += (size_t)rc;
		if (m.status >= 200 || m.status == 101)
			break;
	}
	proto_quote(q, (const uint8_t *)m.reason, m.reason_len);
	return proto_verdict(res, m.status >= 200 && m.status < 400 ?
			     CHK_PROTO_ST_L7OK : CHK_PROTO_ST_L7STS, m.status, off,
			     msg, msglen, "HTTP status %d %s", m.status, q);
}
