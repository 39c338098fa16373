/*
 * http1.c - HTTP/1.x head parser and chunked body scanner (RFC 9110, 9112).
 *
 * The head parser makes one forward pass over the buffer. Every character
 * class comes from one 256-entry table, so the inner loops are a load and a
 * test per byte. Framing headers (Content-Length, Transfer-Encoding, Host,
 * Connection) are interpreted only once the head is complete, over the
 * parsed header array: "need more" never depends on header semantics, and
 * the framing rules read as one function per message kind.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "ctab.h"
#include "http1.h"

/* Character classes, one bit each (RFC 9110 section 5.6.2, RFC 9112 3.2). */
enum {
	CC_TCHAR  = 1u << 0,	/* token: method, field name, coding */
	CC_FVAL   = 1u << 1,	/* field-vchar, obs-text, SP, HTAB */
	CC_TARGET = 1u << 2,	/* request-target: visible ASCII */
	CC_HEX    = 1u << 3,	/* HEXDIG */
	CC_DIGIT  = 1u << 4,	/* DIGIT */
	CC_OWS    = 1u << 5,	/* SP, HTAB */
};

/* The table is computed by the compiler from the RFC's definitions, so
 * there is no hand-typed hex to audit. */
#define IS_DIGIT(c)	((c) >= '0' && (c) <= '9')
#define IS_ALPHA(c)	(((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define IS_VCHAR(c)	((c) >= 0x21 && (c) <= 0x7e)
#define IS_OWS(c)	((c) == ' ' || (c) == '\t')
#define IS_HEX(c)	(IS_DIGIT(c) || ((c) >= 'a' && (c) <= 'f') || \
			 ((c) >= 'A' && (c) <= 'F'))
#define IS_TSPECIAL(c)	((c) == '!' || (c) == '#' || (c) == '$' || (c) == '%' || \
			 (c) == '&' || (c) == '\'' || (c) == '*' || (c) == '+' || \
			 (c) == '-' || (c) == '.' || (c) == '^' || (c) == '_' || \
			 (c) == '`' || (c) == '|' || (c) == '~')
#define CLASS_OF(c) \
	(((IS_ALPHA(c) || IS_DIGIT(c) || IS_TSPECIAL(c)) ? CC_TCHAR : 0) | \
	 ((IS_VCHAR(c) || (c) >= 0x80 || IS_OWS(c)) ? CC_FVAL : 0) | \
	 (IS_VCHAR(c) ? CC_TARGET : 0) | \
	 (IS_HEX(c) ? CC_HEX : 0) | \
	 (IS_DIGIT(c) ? CC_DIGIT : 0) | \
	 (IS_OWS(c) ? CC_OWS : 0))

static const uint8_t cclass[256] = CTAB_256(CLASS_OF);

static inline int is_class(char c, unsigned mask)
{
	return (cclass[(unsigned char)c] & mask) != 0;
}

/* First byte in [p, end) outside the class (or end). Unrolled because
 * values and targets are the bulk of a head. */
static inline const char *span(const char *p, const char *end, unsigned mask)
{
	while (end - p >= 4) {
		if (!is_class(p[0], mask))
			return p;
		if (!is_class(p[1], mask))
			return p + 1;
		if (!is_class(p[2], mask))
			return p + 2;
		if (!is_class(p[3], mask))
			return p + 3;
		p += 4;
	}
	while (p < end && is_class(*p, mask))
		p++;
	return p;
}

static inline unsigned char lower(unsigned char c)
{
	return (unsigned char)((unsigned)c - 'A' < 26u ? c | 0x20 : c);
}

static inline unsigned hexval(unsigned char c)
{
	return IS_DIGIT(c) ? (unsigned)c - '0' : ((unsigned)c | 0x20) - 'a' + 10;
}

/* ------------------------------------------------------------------ */
/* Head parser                                                        */

enum { P_ERR = -1, P_MORE = 0, P_OK = 1 };

struct pctx {
	const char *buf;
	const char *end;
	struct http1_msg *msg;
	int is_resp;		/* every response error is answered 502 */
};

static int fail(struct pctx *x, const char *at, int status, const char *why)
{
	x->msg->err_status = x->is_resp ? 502 : status;
	x->msg->err_msg = why;
	x->msg->err_pos = (size_t)(at - x->buf);
	return P_ERR;
}

/* The head is incomplete: record what to answer should the buffer be full
 * already, since only the caller knows its size. */
static int need_more(struct pctx *x, int status, const char *why)
{
	x->msg->err_status = x->is_resp ? 502 : status;
	x->msg->err_msg = why;
	x->msg->err_pos = (size_t)(x->end - x->buf);
	return 0;
}

/* p is at a CR or LF that ends a line; on success *next is past it. */
static int eol(struct pctx *x, const char *p, const char **next)
{
	if (*p == '\n') {
		*next = p + 1;
		return P_OK;
	}
	if (p + 1 == x->end)
		return P_MORE;
	if (p[1] != '\n')
		return fail(x, p, 400, "CR not followed by LF");
	*next = p + 2;
	return P_OK;
}

/* Line end after the last element of a start line; anything else there is
 * a syntax error. */
static int line_end(struct pctx *x, const char **pp, const char *why)
{
	const char *p = *pp;

	if (p == x->end)
		return P_MORE;
	if (*p != '\r' && *p != '\n')
		return fail(x, p, 400, why);
	return eol(x, p, pp);
}

static int skip_empty_lines(struct pctx *x, const char **pp)
{
	const char *p = *pp;

	while (p < x->end && (*p == '\r' || *p == '\n')) {
		int rc = eol(x, p, &p);

		if (rc != P_OK)
			return rc;
	}
	*pp = p;
	return P_OK;
}

/* "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 section 2.3). Each byte
 * is checked as soon as it arrives so garbage fails before the buffer fills. */
static int parse_version(struct pctx *x, const char **pp)
{
	static const char name[] = "HTTP/";
	const char *p = *pp;
	size_t avail = (size_t)(x->end - p);
	size_t i;
	int major, minor;

	for (i = 0; i < 8 && i < avail; i++) {
		int ok = i < 5 ? p[i] == name[i]
		       : i == 6 ? p[i] == '.'
		       : is_class(p[i], CC_DIGIT);

		if (!ok)
			return fail(x, p + i, 400, "invalid HTTP version");
	}
	if (avail < 8)
		return P_MORE;
	major = p[5] - '0';
	minor = p[7] - '0';
	if (major >= 2)
		return fail(x, p + 5, 505, "HTTP version not supported");
	if (major != 1)
		return fail(x, p + 5, 400, "invalid HTTP version");
	/* RFC 9110 section 2.5: a higher minor version is handled as the
	 * highest we implement, 1.1 */
	x->msg->version_major = major;
	x->msg->version_minor = minor > 1 ? 1 : minor;
	*pp = p + 8;
	return P_OK;
}

static int parse_request_line(struct pctx *x, const char **pp)
{
	struct http1_msg *msg = x->msg;
	const char *p = *pp, *end = x->end, *start;
	int rc;

	start = p;
	p = span(p, end, CC_TCHAR);
	if (p == end)
		return P_MORE;
	if (*p != ' ' || p == start)
		return fail(x, p, 400, "invalid method");
	msg->method = start;
	msg->method_len = (size_t)(p - start);

	start = ++p;
	p = span(p, end, CC_TARGET);
	if (p == end)
		return P_MORE;
	if (*p != ' ' || p == start)
		return fail(x, p, 400, "invalid request-target");
	msg->uri = start;
	msg->uri_len = (size_t)(p - start);

	p++;
	rc = parse_version(x, &p);
	if (rc != P_OK)
		return rc;
	rc = line_end(x, &p, "invalid HTTP version");
	if (rc == P_OK)
		*pp = p;
	return rc;
}

/* HTTP-version SP 3DIGIT [ SP reason-phrase ] CRLF. The SP before an
 * empty reason is optional because deployed servers omit it. */
static int parse_status_line(struct pctx *x, const char **pp)
{
	struct http1_msg *msg = x->msg;
	const char *p = *pp, *end = x->end;
	int rc, i;

	rc = parse_version(x, &p);
	if (rc != P_OK)
		return rc;
	if (p == end)
		return P_MORE;
	if (*p++ != ' ')
		return fail(x, p - 1, 502, "invalid status line");
	for (i = 0; i < 3; i++, p++) {
		if (p == end)
			return P_MORE;
		if (!is_class(*p, CC_DIGIT))
			return fail(x, p, 502, "invalid status code");
		msg->status = msg->status * 10 + (*p - '0');
	}
	if (msg->status < 100)
		return fail(x, p - 3, 502, "invalid status code");
	msg->reason = p;
	if (p < end && *p != ' ' && *p != '\r' && *p != '\n')
		return fail(x, p, 502, "invalid status code");
	if (p < end && *p == ' ') {
		msg->reason = ++p;
		p = span(p, end, CC_FVAL);
	}
	msg->reason_len = (size_t)(p - msg->reason);
	rc = line_end(x, &p, "invalid reason phrase");
	if (rc == P_OK)
		*pp = p;
	return rc;
}

/* One field line: token ":" OWS field-value OWS, stored with OWS trimmed. */
static int parse_field_line(struct pctx *x, const char **pp)
{
	struct http1_msg *msg = x->msg;
	const char *name = *pp, *end = x->end, *colon, *p, *v, *ve;
	struct http1_hdr *h;
	int rc;

	colon = span(name, end, CC_TCHAR);
	if (colon == end)
		return P_MORE;
	if (*colon != ':') {
		if (colon == name && is_class(*colon, CC_OWS))
			return fail(x, colon, 400, "obs-fold or whitespace before a field");
		if (is_class(*colon, CC_OWS))
			return fail(x, colon, 400, "whitespace before colon");
		return fail(x, colon, 400, "invalid character in field name");
	}
	if (colon == name)
		return fail(x, colon, 400, "empty field name");
	if (msg->nhdrs == msg->max_hdrs)
		return fail(x, name, 400, "too many header fields");	/* as HAProxy */

	v = span(colon + 1, end, CC_OWS);
	p = span(v, end, CC_FVAL);
	if (p == end)
		return P_MORE;
	if (*p != '\r' && *p != '\n')
		return fail(x, p, 400, "invalid character in field value");
	for (ve = p; ve > v && is_class(ve[-1], CC_OWS); ve--)
		;
	rc = eol(x, p, &p);
	if (rc != P_OK)
		return rc;

	h = &msg->hdrs[msg->nhdrs++];
	h->name = name;
	h->name_len = (size_t)(colon - name);
	h->value = v;
	h->value_len = (size_t)(ve - v);
	*pp = p;
	return P_OK;
}

static int parse_fields(struct pctx *x, const char **pp)
{
	const char *p = *pp;
	int rc;

	for (;;) {
		if (p == x->end)
			return P_MORE;
		if (*p == '\r' || *p == '\n')
			break;
		rc = parse_field_line(x, &p);
		if (rc != P_OK)
			return rc;
	}
	rc = eol(x, p, &p);
	if (rc == P_OK)
		*pp = p;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Framing semantics, over the parsed fields                          */

enum hdr_kind {
	HK_OTHER,
	HK_HOST,
	HK_EXPECT,
	HK_UPGRADE,
	HK_CONNECTION,
	HK_CONTENT_LENGTH,
	HK_TRANSFER_ENCODING,
};

static const struct {
	const char *name;
	size_t len;
	enum hdr_kind kind;
} known_fields[] = {
	{ "host",		4,  HK_HOST },
	{ "expect",		6,  HK_EXPECT },
	{ "upgrade",		7,  HK_UPGRADE },
	{ "connection",		10, HK_CONNECTION },
	{ "content-length",	14, HK_CONTENT_LENGTH },
	{ "transfer-encoding",	17, HK_TRANSFER_ENCODING },
};

/* Codings a proxy can forward knowingly (IANA registry minus "identity",
 * which RFC 9112 removed). Anything else in a request is a 501. */
static const char *const known_codings[] = {
	"chunked", "gzip", "deflate", "compress", "x-gzip", "x-compress",
};

static const struct {
	const char *token;
	unsigned flag;
} connection_options[] = {
	{ "close",	HTTP1_F_CONN_CLOSE },
	{ "keep-alive",	HTTP1_F_CONN_KA },
	{ "upgrade",	HTTP1_F_CONN_UPGRADE },
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* What the fields said, gathered before the cross-field rules run. */
struct framing {
	const struct http1_hdr *te;	/* first Transfer-Encoding */
	const struct http1_hdr *host2;	/* second Host, if any */
	unsigned hosts;
	unsigned chunked;		/* times chunked was named */
	int chunked_last;		/* the last coding so far is chunked */
	int unknown_coding;
	int upgrade_field;
	unsigned conn_flags;
};

static enum hdr_kind field_kind(const struct http1_hdr *h)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(known_fields); i++)
		if (h->name_len == known_fields[i].len &&
		    http1_name_eq(h->name, h->name_len, known_fields[i].name))
			return known_fields[i].kind;
	return HK_OTHER;
}

/* Next element of a comma-separated token list (RFC 9110 section 5.6.1),
 * skipping empty elements as recipients must. Returns 1 with the token,
 * 0 at the end, -1 when an element is not a single token. */
static int list_next(const char **pp, const char *end, const char **tok,
		     size_t *tok_len)
{
	const char *p = *pp;

	for (;;) {
		p = span(p, end, CC_OWS);
		if (p == end) {
			*pp = p;
			return 0;
		}
		if (*p != ',')
			break;
		p++;
	}
	*tok = p;
	p = span(p, end, CC_TCHAR);
	if (p == *tok)
		return -1;
	*tok_len = (size_t)(p - *tok);
	p = span(p, end, CC_OWS);
	if (p != end) {
		if (*p != ',')
			return -1;
		p++;
	}
	*pp = p;
	return 1;
}

/* 1*DIGIT, or a list of identical ones (RFC 9110 section 8.6 allows a
 * recipient to fold "42, 42"). Values past INT64_MAX are refused so that
 * callers may hold lengths in off_t. Returns 0, -1 invalid, -2 differing. */
static int parse_content_length(const char *p, size_t len, uint64_t *out)
{
	const char *end = p + len;
	uint64_t first = 0;
	int have = 0;

	for (;;) {
		const char *digits = p;
		uint64_t v = 0;

		for (; p < end && is_class(*p, CC_DIGIT); p++) {
			unsigned d = (unsigned)(*p - '0');

			if (v > ((uint64_t)INT64_MAX - d) / 10)
				return -1;
			v = v * 10 + d;
		}
		if (p == digits)
			return -1;
		if (have && v != first)
			return -2;
		first = v;
		have = 1;
		p = span(p, end, CC_OWS);
		if (p == end)
			break;
		if (*p != ',')
			return -1;
		p = span(p + 1, end, CC_OWS);
	}
	*out = first;
	return 0;
}

static int on_content_length(struct pctx *x, const struct http1_hdr *h)
{
	struct http1_msg *msg = x->msg;
	uint64_t v;
	int rc = parse_content_length(h->value, h->value_len, &v);

	if (rc == -1)
		return fail(x, h->value, 400, "invalid Content-Length");
	if (rc == -2 || ((msg->flags & HTTP1_F_HAS_CL) && v != msg->content_length))
		return fail(x, h->name, 400, "conflicting Content-Length");
	msg->flags |= HTTP1_F_HAS_CL;
	msg->content_length = v;
	return P_OK;
}

/* Several Transfer-Encoding fields read as one list in order, so the
 * state carries across fields. */
static int on_transfer_encoding(struct pctx *x, const struct http1_hdr *h,
				struct framing *f)
{
	const char *p = h->value, *end = h->value + h->value_len, *tok;
	size_t tok_len, i;
	int rc;

	x->msg->flags |= HTTP1_F_HAS_TE;
	if (!f->te)
		f->te = h;
	while ((rc = list_next(&p, end, &tok, &tok_len)) == 1) {
		f->chunked_last = http1_name_eq(tok, tok_len, "chunked");
		f->chunked += (unsigned)f->chunked_last;
		for (i = 0; i < ARRAY_LEN(known_codings); i++)
			if (http1_name_eq(tok, tok_len, known_codings[i]))
				break;
		if (i == ARRAY_LEN(known_codings))
			f->unknown_coding = 1;
	}
	if (rc < 0)
		return fail(x, h->value, 400, "invalid Transfer-Encoding");
	return P_OK;
}

static int on_connection(struct pctx *x, const struct http1_hdr *h,
			 struct framing *f)
{
	const char *p = h->value, *end = h->value + h->value_len, *tok;
	size_t tok_len, i;
	int rc;

	while ((rc = list_next(&p, end, &tok, &tok_len)) == 1)
		for (i = 0; i < ARRAY_LEN(connection_options); i++)
			if (http1_name_eq(tok, tok_len, connection_options[i].token))
				f->conn_flags |= connection_options[i].flag;
	if (rc < 0)
		return fail(x, h->value, 400, "invalid Connection");
	return P_OK;
}

static int gather_fields(struct pctx *x, struct framing *f)
{
	struct http1_msg *msg = x->msg;
	size_t i;
	int rc = P_OK;

	for (i = 0; i < msg->nhdrs && rc == P_OK; i++) {
		const struct http1_hdr *h = &msg->hdrs[i];

		switch (field_kind(h)) {
		case HK_HOST:
			if (++f->hosts == 2)
				f->host2 = h;
			break;
		case HK_EXPECT:
			if (!x->is_resp && http1_name_eq(h->value, h->value_len,
							 "100-continue"))
				msg->flags |= HTTP1_F_EXPECT_100;
			break;
		case HK_UPGRADE:
			f->upgrade_field = 1;
			break;
		case HK_CONNECTION:
			rc = on_connection(x, h, f);
			break;
		case HK_CONTENT_LENGTH:
			rc = on_content_length(x, h);
			break;
		case HK_TRANSFER_ENCODING:
			rc = on_transfer_encoding(x, h, f);
			break;
		case HK_OTHER:
			break;
		}
	}
	if (f->hosts)
		msg->flags |= HTTP1_F_HAS_HOST;
	/* "upgrade" alone names a hop-by-hop field that is not there */
	if (!f->upgrade_field)
		f->conn_flags &= ~(unsigned)HTTP1_F_CONN_UPGRADE;
	msg->flags |= f->conn_flags;
	return rc;
}

/* RFC 9112 sections 3.2 and 6.1-6.3, request side. */
static int check_request_framing(struct pctx *x, const struct framing *f)
{
	struct http1_msg *msg = x->msg;
	const char *te = f->te ? f->te->name : NULL;

	if (f->hosts > 1)
		return fail(x, f->host2->name, 400, "more than one Host");
	if (msg->version_minor == 1 && f->hosts == 0)
		return fail(x, x->buf + msg->head_len - 1, 400, "missing Host");
	if (!(msg->flags & HTTP1_F_HAS_TE))
		return P_OK;
	if (msg->version_minor == 0)
		return fail(x, te, 400, "Transfer-Encoding in HTTP/1.0");
	if (msg->flags & HTTP1_F_HAS_CL)
		return fail(x, te, 400, "Transfer-Encoding with Content-Length");
	if (f->unknown_coding)
		return fail(x, te, 501, "unsupported transfer coding");
	if (f->chunked != 1 || !f->chunked_last)
		return fail(x, te, 400, "chunked is not the final coding");
	msg->flags |= HTTP1_F_CHUNKED;
	return P_OK;
}

/* Response side: TE overrides CL; without a final chunked the body runs
 * until the server closes (RFC 9112 section 6.3, rule 4). */
static int check_response_framing(struct pctx *x, const struct framing *f)
{
	struct http1_msg *msg = x->msg;

	if (!(msg->flags & HTTP1_F_HAS_TE))
		return P_OK;
	/* RFC 9112 section 6.1: such framing is faulty; refusing it is the
	 * only answer that cannot desynchronise the client connection */
	if (msg->version_minor == 0)
		return fail(x, f->te->name, 502, "Transfer-Encoding in HTTP/1.0");
	if (f->chunked > 1 || (f->chunked == 1 && !f->chunked_last))
		return fail(x, f->te->name, 502, "chunked is not the final coding");
	if (f->chunked_last)
		msg->flags |= HTTP1_F_CHUNKED;
	msg->flags &= ~(unsigned)HTTP1_F_HAS_CL;
	msg->content_length = 0;
	return P_OK;
}

static void msg_reset(struct http1_msg *msg)
{
	struct http1_hdr *hdrs = msg->hdrs;
	size_t max_hdrs = msg->max_hdrs;

	memset(msg, 0, sizeof(*msg));
	msg->hdrs = hdrs;
	msg->max_hdrs = hdrs ? max_hdrs : 0;
}

/* Common tail: fields, then framing once the head is whole. */
static int parse_head_rest(struct pctx *x, const char *p)
{
	struct http1_msg *msg = x->msg;
	struct framing f;
	int rc;

	rc = parse_fields(x, &p);
	if (rc == P_MORE)
		return need_more(x, 431, "header section too large");
	if (rc == P_ERR)
		return -1;
	msg->head_len = (size_t)(p - x->buf);
	memset(&f, 0, sizeof(f));
	rc = gather_fields(x, &f);
	if (rc == P_OK)
		rc = x->is_resp ? check_response_framing(x, &f)
				: check_request_framing(x, &f);
	if (rc != P_OK) {
		msg->head_len = 0;
		return -1;
	}
	msg->err_status = 0;
	return (int)msg->head_len;
}

int http1_parse_request(const char *buf, size_t len, struct http1_msg *msg)
{
	/* the head length must fit the int result; a longer head is just
	 * "not complete yet" and the caller's buffer limit answers 431 */
	struct pctx x = { buf, buf + (len > INT_MAX ? INT_MAX : len), msg, 0 };
	const char *p = buf;
	int rc;

	msg_reset(msg);
	rc = skip_empty_lines(&x, &p);
	if (rc == P_OK)
		rc = parse_request_line(&x, &p);
	if (rc == P_MORE)
		return need_more(&x, 414, "request line too long");
	if (rc == P_ERR)
		return -1;
	return parse_head_rest(&x, p);
}

int http1_parse_response(const char *buf, size_t len, struct http1_msg *msg)
{
	struct pctx x = { buf, buf + (len > INT_MAX ? INT_MAX : len), msg, 1 };
	const char *p = buf;
	int rc;

	msg_reset(msg);
	rc = parse_status_line(&x, &p);
	if (rc == P_MORE)
		return need_more(&x, 502, "status line too long");
	if (rc == P_ERR)
		return -1;
	return parse_head_rest(&x, p);
}

/* ------------------------------------------------------------------ */
/* Chunked body scanner (RFC 9112 section 7.1)                        */

enum chunk_state {
	CH_SIZE_START,		/* first HEXDIG of chunk-size */
	CH_SIZE,		/* more HEXDIG, or what follows the size */
	CH_EXT_BWS,		/* BWS that must lead to ';' */
	CH_EXT_NAME_PRE,	/* after ';': BWS, then a name */
	CH_EXT_NAME,
	CH_EXT_NAME_BWS,	/* BWS after a name: '=' or ';' */
	CH_EXT_VAL_PRE,		/* after '=': BWS, then token or quote */
	CH_EXT_VAL_TOKEN,
	CH_EXT_QUOTED,
	CH_EXT_QUOTED_ESC,	/* after a backslash in a quoted-string */
	CH_EXT_VAL_END,		/* after the closing quote */
	CH_SIZE_LF,		/* CR of the size line seen */
	CH_DATA,
	CH_DATA_CR,		/* CRLF after the data */
	CH_DATA_LF,
	CH_TRAILER_START,	/* a trailer field or the final empty line */
	CH_TRAILER_NAME,
	CH_TRAILER_VALUE,
	CH_TRAILER_LF,
	CH_END_LF,		/* CR of the final empty line seen */
	CH_DONE,
	CH_ERROR,
	CH_STATE_COUNT
};

static const char *const chunk_state_names[CH_STATE_COUNT] = {
	[CH_SIZE_START]		= "size-start",
	[CH_SIZE]		= "size",
	[CH_EXT_BWS]		= "ext-bws",
	[CH_EXT_NAME_PRE]	= "ext-name-pre",
	[CH_EXT_NAME]		= "ext-name",
	[CH_EXT_NAME_BWS]	= "ext-name-bws",
	[CH_EXT_VAL_PRE]	= "ext-val-pre",
	[CH_EXT_VAL_TOKEN]	= "ext-val-token",
	[CH_EXT_QUOTED]		= "ext-quoted",
	[CH_EXT_QUOTED_ESC]	= "ext-quoted-esc",
	[CH_EXT_VAL_END]	= "ext-val-end",
	[CH_SIZE_LF]		= "size-lf",
	[CH_DATA]		= "data",
	[CH_DATA_CR]		= "data-cr",
	[CH_DATA_LF]		= "data-lf",
	[CH_TRAILER_START]	= "trailer-start",
	[CH_TRAILER_NAME]	= "trailer-name",
	[CH_TRAILER_VALUE]	= "trailer-value",
	[CH_TRAILER_LF]		= "trailer-lf",
	[CH_END_LF]		= "end-lf",
	[CH_DONE]		= "done",
	[CH_ERROR]		= "error",
};

static int chunk_fail(struct http1_chunk *c, const char *why)
{
	c->state = CH_ERROR;
	c->err_msg = why;
	return -1;
}

static void size_line_done(struct http1_chunk *c)
{
	c->line_len = 0;
	c->state = c->remaining ? CH_DATA : CH_TRAILER_START;
}

/* What may follow a chunk-size or a complete extension. */
static int after_element(struct http1_chunk *c, unsigned char ch)
{
	switch (ch) {
	case ';':
		c->state = CH_EXT_NAME_PRE;
		return 0;
	case ' ':
	case '\t':
		c->state = CH_EXT_BWS;
		return 0;
	case '\r':
		c->state = CH_SIZE_LF;
		return 0;
	case '\n':
		size_line_done(c);
		return 0;
	}
	return chunk_fail(c, "invalid chunk extension");
}

/* One byte of a chunk extension (RFC 9112 section 7.1.1):
 * *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ). */
static int ext_byte(struct http1_chunk *c, unsigned char ch)
{
	int ows = IS_OWS(ch), tchar = is_class((char)ch, CC_TCHAR);

	switch (c->state) {
	case CH_EXT_BWS:
		if (ch == ';')
			c->state = CH_EXT_NAME_PRE;
		else if (!ows)
			break;
		return 0;
	case CH_EXT_NAME_PRE:
		if (tchar)
			c->state = CH_EXT_NAME;
		else if (!ows)
			break;
		return 0;
	case CH_EXT_NAME:
		if (tchar)
			return 0;
		if (ch == '=')
			c->state = CH_EXT_VAL_PRE;
		else if (ows)
			c->state = CH_EXT_NAME_BWS;
		else
			return after_element(c, ch);
		return 0;
	case CH_EXT_NAME_BWS:
		if (ch == '=')
			c->state = CH_EXT_VAL_PRE;
		else if (ch == ';')
			c->state = CH_EXT_NAME_PRE;
		else if (!ows)
			break;
		return 0;
	case CH_EXT_VAL_PRE:
		if (tchar)
			c->state = CH_EXT_VAL_TOKEN;
		else if (ch == '"')
			c->state = CH_EXT_QUOTED;
		else if (!ows)
			break;
		return 0;
	case CH_EXT_VAL_TOKEN:
		return tchar ? 0 : after_element(c, ch);
	case CH_EXT_QUOTED:
		if (ch == '"')
			c->state = CH_EXT_VAL_END;
		else if (ch == '\\')
			c->state = CH_EXT_QUOTED_ESC;
		else if (!is_class((char)ch, CC_FVAL))
			break;
		return 0;
	case CH_EXT_QUOTED_ESC:
		if (!is_class((char)ch, CC_FVAL))
			break;
		c->state = CH_EXT_QUOTED;
		return 0;
	case CH_EXT_VAL_END:
		return after_element(c, ch);
	}
	return chunk_fail(c, "invalid chunk extension");
}

/* One byte of a chunk-size line; the size builds up in c->remaining. */
static int size_line_byte(struct http1_chunk *c, unsigned char ch)
{
	switch (c->state) {
	case CH_SIZE_START:
		if (!is_class((char)ch, CC_HEX))
			return chunk_fail(c, "invalid chunk size");
		c->remaining = hexval(ch);
		c->state = CH_SIZE;
		return 0;
	case CH_SIZE:
		if (!is_class((char)ch, CC_HEX))
			return after_element(c, ch);
		/* line_len counts the digits so far, this one included */
		if (c->line_len > HTTP1_CHUNK_DIGITS)
			return chunk_fail(c, "chunk size too large");
		c->remaining = c->remaining << 4 | hexval(ch);
		return 0;
	case CH_SIZE_LF:
		if (ch != '\n')
			return chunk_fail(c, "CR not followed by LF");
		size_line_done(c);
		return 0;
	}
	return ext_byte(c, ch);
}

static const char *scan_size_line(struct http1_chunk *c, const char *p,
				  const char *end)
{
	for (; p < end; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch != '\r' && ch != '\n' &&
		    ++c->line_len > HTTP1_CHUNK_LINE_MAX) {
			chunk_fail(c, "chunk size line too long");
			return p;
		}
		if (size_line_byte(c, ch) < 0)
			return p;
		if (c->state > CH_SIZE_LF)
			return p + 1;
	}
	return p;
}

static const char *scan_data(struct http1_chunk *c, const char *p,
			     const char *end)
{
	size_t avail = (size_t)(end - p);
	size_t n = c->remaining < avail ? (size_t)c->remaining : avail;

	c->remaining -= n;
	c->payload += n;
	if (c->remaining == 0)
		c->state = CH_DATA_CR;
	return p + n;
}

static const char *scan_data_end(struct http1_chunk *c, const char *p)
{
	if (c->state == CH_DATA_CR && *p == '\r')
		c->state = CH_DATA_LF;
	else if (*p == '\n')
		c->state = CH_SIZE_START;
	else
		chunk_fail(c, c->state == CH_DATA_CR ?
			   "missing CRLF after chunk data" : "CR not followed by LF");
	return p + 1;
}

/* One step in the trailer section: a run of value bytes or one byte. */
static const char *trailer_step(struct http1_chunk *c, const char *p,
				const char *end)
{
	unsigned char ch = (unsigned char)*p;

	switch (c->state) {
	case CH_TRAILER_START:
		if (ch == '\r')
			c->state = CH_END_LF;
		else if (ch == '\n')
			c->state = CH_DONE;
		else if (is_class((char)ch, CC_TCHAR))
			c->state = CH_TRAILER_NAME;
		else
			chunk_fail(c, IS_OWS(ch) ? "obs-fold in trailer"
						 : "invalid trailer field");
		return p + 1;
	case CH_TRAILER_NAME:
		if (is_class((char)ch, CC_TCHAR))
			return span(p, end, CC_TCHAR);
		if (ch == ':')
			c->state = CH_TRAILER_VALUE;
		else
			chunk_fail(c, IS_OWS(ch) ? "whitespace before colon in trailer"
						 : "invalid trailer field name");
		return p + 1;
	case CH_TRAILER_VALUE:
		if (is_class((char)ch, CC_FVAL))
			return span(p, end, CC_FVAL);
		if (ch == '\r')
			c->state = CH_TRAILER_LF;
		else if (ch == '\n')
			c->state = CH_TRAILER_START;
		else
			chunk_fail(c, "invalid trailer field value");
		return p + 1;
	case CH_TRAILER_LF:
	case CH_END_LF:
		if (ch != '\n')
			chunk_fail(c, "CR not followed by LF");
		else
			c->state = c->state == CH_END_LF ? CH_DONE : CH_TRAILER_START;
		return p + 1;
	}
	chunk_fail(c, "internal: bad state");
	return p;
}

static const char *scan_trailers(struct http1_chunk *c, const char *p,
				 const char *end)
{
	while (p < end && c->state != CH_DONE && c->state != CH_ERROR) {
		const char *next = trailer_step(c, p, end);

		c->trailer_bytes += (size_t)(next - p);
		if (c->trailer_bytes > HTTP1_TRAILER_MAX) {
			chunk_fail(c, "trailer section too large");
			return p;
		}
		p = next;
	}
	return p;
}

void http1_chunk_init(struct http1_chunk *c)
{
	memset(c, 0, sizeof(*c));
	c->state = CH_SIZE_START;
}

ssize_t http1_chunk_scan(struct http1_chunk *c, const char *buf, size_t len,
			 int *done)
{
	const char *p = buf, *end = buf + (len > SSIZE_MAX ? SSIZE_MAX : len);

	*done = 0;
	while (p < end && c->state != CH_DONE && c->state != CH_ERROR) {
		if (c->state <= CH_SIZE_LF)
			p = scan_size_line(c, p, end);
		else if (c->state == CH_DATA)
			p = scan_data(c, p, end);
		else if (c->state <= CH_DATA_LF)
			p = scan_data_end(c, p);
		else
			p = scan_trailers(c, p, end);
	}
	if (c->state == CH_ERROR)
		return -1;
	*done = c->state == CH_DONE;
	return p - buf;
}

const char *http1_chunk_state_name(const struct http1_chunk *c)
{
	if (c->state < 0 || c->state >= CH_STATE_COUNT)
		return "invalid";
	return chunk_state_names[c->state];
}

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

const struct http1_hdr *http1_hdr_find(const struct http1_msg *msg,
				       const char *name, size_t *pos)
{
	size_t len = strlen(name), i, j;

	for (i = pos ? *pos : 0; i < msg->nhdrs; i++) {
		const struct http1_hdr *h = &msg->hdrs[i];

		if (h->name_len != len)
			continue;
		for (j = 0; j < len; j++)
			if (lower((unsigned char)h->name[j]) !=
			    lower((unsigned char)name[j]))
				break;
		if (j == len) {
			if (pos)
				*pos = i + 1;
			return h;
		}
	}
	if (pos)
		*pos = msg->nhdrs;
	return NULL;
}

int http1_name_eq(const char *name, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (lit[i] == '\0' || lower((unsigned char)name[i]) != (unsigned char)lit[i])
			return 0;
	return lit[len] == '\0';
}

int http1_is_token(const char *s, size_t len)
{
	return len > 0 && span(s, s + len, CC_TCHAR) == s + len;
}

int http1_method_idempotent(const char *m, size_t len)
{
	static const char *const idempotent[] = {
		"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(idempotent); i++)
		if (strlen(idempotent[i]) == len && memcmp(m, idempotent[i], len) == 0)
			return 1;
	return 0;
}
