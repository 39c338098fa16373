/*
 * http1.h - HTTP/1.x wire format: request/response head parser and chunked
 * body scanner. Pure functions: no I/O, no allocation. Every pointer returned
 * points into the caller's buffer. Strict per RFC 9110/9112.
 */
#ifndef LBD_HTTP1_H
#define LBD_HTTP1_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Limits of the chunked scanner (RFC 9112 section 7.1 leaves them to us). */
enum {
	HTTP1_CHUNK_LINE_MAX  = 4096,	/* chunk-size + extensions, w/o CRLF */
	HTTP1_CHUNK_DIGITS    = 16,	/* hex digits of a chunk-size */
	HTTP1_TRAILER_MAX     = 16384,	/* trailer section, CRLFs included */
};

struct http1_hdr {
	const char *name;
	size_t name_len;
	const char *value;		/* OWS trimmed on both sides */
	size_t value_len;
};

/* Message flags computed from the head (framing and connection semantics). */
enum {
	HTTP1_F_CHUNKED      = 1u << 0,	/* Transfer-Encoding ends in chunked */
	HTTP1_F_HAS_CL       = 1u << 1,	/* valid Content-Length present */
	HTTP1_F_CONN_CLOSE   = 1u << 2,	/* Connection: close */
	HTTP1_F_CONN_KA      = 1u << 3,	/* Connection: keep-alive */
	HTTP1_F_CONN_UPGRADE = 1u << 4,	/* Connection: upgrade AND an Upgrade
					 * header: set only when both are there */
	HTTP1_F_EXPECT_100   = 1u << 5,	/* Expect: 100-continue (request) */
	HTTP1_F_HAS_TE       = 1u << 6,	/* any Transfer-Encoding present */
	HTTP1_F_HAS_HOST     = 1u << 7,	/* a Host header is present */
};

struct http1_msg {
	/* request line (requests only) */
	const char *method;
	size_t method_len;
	const char *uri;
	size_t uri_len;
	/* status line (responses only) */
	int status;
	const char *reason;		/* as sent, may be empty */
	size_t reason_len;

	int version_major;		/* always 1 on success */
	int version_minor;		/* 0 or 1 */
	struct http1_hdr *hdrs;		/* caller-provided array */
	size_t max_hdrs;		/* in: capacity of hdrs */
	size_t nhdrs;			/* out: headers parsed */
	unsigned flags;			/* HTTP1_F_* */
	uint64_t content_length;	/* valid when HTTP1_F_HAS_CL */
	size_t head_len;		/* bytes of the head, incl. final CRLF */

	/* On error (-1): the status to answer (400, 414, 431, 501, 505; 502
	 * for every response error) and a static description. On need-more
	 * (0): the status to answer if the buffer is already full (414 while
	 * still in the request line, else 431; 502 for responses). */
	int err_status;
	const char *err_msg;
	size_t err_pos;			/* offset of the offending byte */
};

/*
 * Parse an HTTP/1.x request head from buf[0..len). Returns the head length
 * (>0) when the full head is present, 0 when more bytes are needed, -1 when
 * the head is invalid (msg->err_status/err_msg set). Only hdrs and max_hdrs
 * are read from msg; every other field is reset. A lone LF is accepted as
 * a line terminator (RFC 9112 section 2.2 allows it); rejected are: bare CR,
 * obs-fold, invalid token characters in method or header names, control
 * characters in values, non-ASCII or control bytes in the request-target,
 * whitespace before the colon, TE together with CL, differing or invalid
 * Content-Length (digits only, at most 2^63-1; a list of identical values
 * "5, 5" counts as one), TE whose final coding is not chunked or that
 * names chunked twice (400; 501 when a coding is unknown: known are chunked,
 * gzip, deflate, compress, x-gzip, x-compress), TE in an HTTP/1.0 request,
 * more headers than max_hdrs (400, as HAProxy), missing or repeated Host
 * in HTTP/1.1 (repeated Host in 1.0 too), major versions other than 1 (505
 * for 2.x+, 400 for 0.9 and garbage); 1.2 and above are read as 1.1 (RFC
 * 9110 section 2.5). Header semantics
 * are checked only once the head is complete, so a prefix of a valid head
 * always returns 0. Leading empty lines (CRLF) before the request line are
 * skipped as RFC 9112 section 2.2 allows; head_len includes them.
 */
int http1_parse_request(const char *buf, size_t len, struct http1_msg *msg);

/*
 * Parse an HTTP/1.x response head. Same return convention; err_status is
 * always 502. The reason phrase and its SP may be absent ("HTTP/1.1 200").
 * The status is 100..999. No leading empty lines are skipped. TE together
 * with CL is accepted with TE winning (HTTP1_F_HAS_CL cleared): chunked when
 * it is the final coding, else the body runs until close (RFC 9112 section
 * 6.3). Rejected: chunked twice or not last, TE in an HTTP/1.0 response,
 * differing or invalid CL. The caller decides bodiless responses (HEAD,
 * 1xx, 204, 304).
 */
int http1_parse_response(const char *buf, size_t len, struct http1_msg *msg);

/* Incremental scanner of a chunked body that is forwarded verbatim. */
struct http1_chunk {
	int state;			/* private */
	uint64_t remaining;		/* bytes left in the current chunk data */
	uint64_t payload;		/* data bytes seen so far (no framing) */
	size_t line_len;		/* private: bytes of the current size/trailer line */
	size_t trailer_bytes;		/* private: total trailer size */
	const char *err_msg;
};

/* Reset a scanner before a new body. */
void http1_chunk_init(struct http1_chunk *c);

/*
 * Scan buf[0..len) of chunked body. Returns the number of bytes consumed
 * (all may be forwarded as is), or -1 on a malformed body (bad size, size
 * over HTTP1_CHUNK_DIGITS hex digits, extension or line over
 * HTTP1_CHUNK_LINE_MAX, missing CRLF after data, trailers over
 * HTTP1_TRAILER_MAX, bare CR, invalid trailer field). A lone LF ends a line
 * as in heads; BWS is allowed around ';' and '=' of chunk extensions.
 * Every byte is consumed unless the body ends inside buf: *done is set to 1
 * (0 otherwise) once the last-chunk and its trailer section are complete,
 * and bytes after that are not consumed. The result does not depend on how
 * the body is split across calls. After an error every call returns -1.
 */
ssize_t http1_chunk_scan(struct http1_chunk *c, const char *buf, size_t len,
			 int *done);

/* Name of the scanner's current state, for debug logs (static string). */
const char *http1_chunk_state_name(const struct http1_chunk *c);

/* Find a header by case-insensitive name (any case), starting at index *pos
 * (updated to the match index + 1; pos may be NULL to start at 0). Returns
 * the header or NULL. */
const struct http1_hdr *http1_hdr_find(const struct http1_msg *msg,
				       const char *name, size_t *pos);

/* Case-insensitive comparison of a header name against a NUL-terminated
 * lowercase literal. Returns 1 when equal (same length), else 0. */
int http1_name_eq(const char *name, size_t len, const char *lit);

/* 1 if the method is a syntactically valid token, 0 otherwise. */
int http1_is_token(const char *s, size_t len);

/* 1 for methods RFC 9110 calls idempotent (GET HEAD PUT DELETE OPTIONS TRACE),
 * compared case-sensitively as methods are (RFC 9110 section 9.1). */
int http1_method_idempotent(const char *m, size_t len);

#endif
