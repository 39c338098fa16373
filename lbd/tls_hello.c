/*
 * tls_hello.c - the first TLS record of a connection, read in place
 * (RFC 8446 section 4.1.2 and 4.2, RFC 5246 section 7.4.1.2, RFC 6066
 * section 3 for server_name).
 */
#include <string.h>

#include "tls_hello.h"

enum {
	REC_HANDSHAKE = 22,
	REC_HDR = 5,
	REC_MAX = 16384,		/* TLSPlaintext.length */
	HS_HDR = 4,
	HS_CLIENT_HELLO = 1,
	EXT_SERVER_NAME = 0,
	SNI_HOST_NAME = 0,
	SNI_MAX = 255,
};

/* bytes a DNS host name may hold (RFC 1123, and '_' seen in the wild) */
static const uint8_t host_chars[256] = {
	['-'] = 1, ['.'] = 1, ['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
	['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
};

/* A cursor over [p, end): every read is checked against end. */
struct rd {
	const uint8_t *p, *end;
};

static int rd_u8(struct rd *r, unsigned *v)
{
	if (r->end - r->p < 1)
		return -1;
	*v = r->p[0];
	r->p += 1;
	return 0;
}

static int rd_u16(struct rd *r, unsigned *v)
{
	if (r->end - r->p < 2)
		return -1;
	*v = (unsigned)r->p[0] << 8 | r->p[1];
	r->p += 2;
	return 0;
}

/* A sub-cursor over the next n bytes, skipped in r. */
static int rd_sub(struct rd *r, size_t n, struct rd *sub)
{
	if ((size_t)(r->end - r->p) < n)
		return -1;
	sub->p = r->p;
	sub->end = r->p + n;
	r->p += n;
	return 0;
}

/* server_name: a list of which the host_name entry is kept (RFC 6066
 * allows one per type). */
static int parse_sni(struct rd *ext, struct tls_hello *h)
{
	struct rd list, name;
	unsigned llen, type, nlen;

	if (rd_u16(ext, &llen) < 0 || rd_sub(ext, llen, &list) < 0 || ext->p != ext->end ||
	    llen == 0)
		return -1;
	while (list.p < list.end) {
		if (rd_u8(&list, &type) < 0 || rd_u16(&list, &nlen) < 0 ||
		    rd_sub(&list, nlen, &name) < 0)
			return -1;
		if (type != SNI_HOST_NAME)
			continue;
		if (h->sni || nlen == 0 || nlen > SNI_MAX)
			return -1;
		for (unsigned i = 0; i < nlen; i++)
			if (!host_chars[name.p[i]])
				return -1;
		h->sni = (const char *)name.p;
		h->sni_len = nlen;
	}
	return 0;
}

static int parse_client_hello(struct rd *b, struct tls_hello *h)
{
	struct rd skip, exts, ext;
	unsigned v, n;

	if (rd_u16(b, &h->version) < 0 || rd_sub(b, 32, &skip) < 0 ||	/* random */
	    rd_u8(b, &n) < 0 || n > 32 || rd_sub(b, n, &skip) < 0 ||	/* session id */
	    rd_u16(b, &n) < 0 || n < 2 || n % 2 || rd_sub(b, n, &skip) < 0 ||	/* suites */
	    rd_u8(b, &n) < 0 || n < 1 || rd_sub(b, n, &skip) < 0)	/* compression */
		return -1;
	if (b->p == b->end)
		return 0;			/* no extensions (before TLS 1.2) */
	if (rd_u16(b, &n) < 0 || rd_sub(b, n, &exts) < 0 || b->p != b->end)
		return -1;
	while (exts.p < exts.end) {
		if (rd_u16(&exts, &v) < 0 || rd_u16(&exts, &n) < 0 || rd_sub(&exts, n, &ext) < 0)
			return -1;
		if (v == EXT_SERVER_NAME && parse_sni(&ext, h) < 0)
			return -1;
	}
	return 0;
}

int tls_hello_parse(const uint8_t *buf, size_t len, struct tls_hello *h)
{
	struct rd r = { buf, buf + len }, rec, body;
	unsigned type, major, minor, rlen, hlen, hi, lo;

	memset(h, 0, sizeof(*h));
	/* judge what is there before asking for more */
	if (len >= 1 && buf[0] != REC_HANDSHAKE)
		return TLS_HELLO_BAD;
	if (len >= 2 && buf[1] != 3)
		return TLS_HELLO_BAD;
	if (len >= 3 && buf[2] > 4)
		return TLS_HELLO_BAD;
	if (len < REC_HDR)
		return TLS_HELLO_MORE;
	if (rd_u8(&r, &type) < 0 || rd_u8(&r, &major) < 0 || rd_u8(&r, &minor) < 0 ||
	    rd_u16(&r, &rlen) < 0 || rlen < HS_HDR || rlen > REC_MAX)
		return TLS_HELLO_BAD;
	if (len >= REC_HDR + 1 && buf[REC_HDR] != HS_CLIENT_HELLO)
		return TLS_HELLO_BAD;	/* a client speaks first with a hello */
	if (len < REC_HDR + rlen)
		return TLS_HELLO_MORE;
	if (rd_sub(&r, rlen, &rec) < 0 || rd_u8(&rec, &h->type) < 0 ||
	    rd_u8(&rec, &hi) < 0 || rd_u16(&rec, &lo) < 0)
		return TLS_HELLO_BAD;
	hlen = hi << 16 | lo;
	if (hlen > (size_t)(rec.end - rec.p)) {
		h->split = 1;		/* the rest is in the next record */
		return TLS_HELLO_OK;
	}
	if (rd_sub(&rec, hlen, &body) < 0 || rec.p != rec.end)
		return TLS_HELLO_BAD;	/* one handshake message, nothing after */
	if (parse_client_hello(&body, h) < 0) {
		memset(h, 0, sizeof(*h));
		return TLS_HELLO_BAD;
	}
	return TLS_HELLO_OK;
}
