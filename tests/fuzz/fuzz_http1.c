/*
 * fuzz_http1.c - libFuzzer target for the HTTP/1 head parser and chunked
 * scanner. The input is parsed as a request, as a response and as a chunked
 * body; invariants that must hold for any input abort() when broken. Every
 * parse runs on an exact-size heap copy so ASan sees any over-read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http1.h"

#define MAXH		32
#define SMALL_MAXH	2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static char *dup_exact(const void *p, size_t len)
{
	char *d = malloc(len ? len : 1);

	check(d != NULL);
	if (len)
		memcpy(d, p, len);
	return d;
}

static int inside(const char *p, size_t n, const char *buf, size_t len)
{
	return p >= buf && (size_t)(p - buf) <= len && n <= len - (size_t)(p - buf);
}

static int parse(int resp, const char *buf, size_t len, struct http1_msg *m,
		 struct http1_hdr *hdrs, size_t max_hdrs)
{
	m->hdrs = hdrs;
	m->max_hdrs = max_hdrs;
	return resp ? http1_parse_response(buf, len, m)
		    : http1_parse_request(buf, len, m);
}

static void check_fields(const struct http1_msg *m, const char *buf)
{
	size_t i, j;

	for (i = 0; i < m->nhdrs; i++) {
		const struct http1_hdr *h = &m->hdrs[i];

		check(inside(h->name, h->name_len, buf, m->head_len));
		check(inside(h->value, h->value_len, buf, m->head_len));
		check(http1_is_token(h->name, h->name_len));
		for (j = 0; j < h->value_len; j++)
			check(h->value[j] != '\r' && h->value[j] != '\n' &&
			      h->value[j] != '\0');
		if (h->value_len) {
			check(h->value[0] != ' ' && h->value[0] != '\t');
			check(h->value[h->value_len - 1] != ' ' &&
			      h->value[h->value_len - 1] != '\t');
		}
	}
}

/* What a successful parse guarantees about the message. */
static void check_success(int resp, const struct http1_msg *m, const char *buf)
{
	unsigned f = m->flags;

	check(m->version_major == 1);
	check(m->version_minor == 0 || m->version_minor == 1);
	check_fields(m, buf);
	if (f & HTTP1_F_CHUNKED)
		check(f & HTTP1_F_HAS_TE);
	if (f & HTTP1_F_HAS_CL)
		check(m->content_length <= INT64_MAX);
	if (resp) {
		check(m->status >= 100 && m->status <= 999);
		check(inside(m->reason, m->reason_len, buf, m->head_len));
		check(!((f & HTTP1_F_HAS_TE) && (f & HTTP1_F_HAS_CL)));
		return;
	}
	check(http1_is_token(m->method, m->method_len));
	check(inside(m->method, m->method_len, buf, m->head_len));
	check(inside(m->uri, m->uri_len, buf, m->head_len) && m->uri_len > 0);
	check(!(f & HTTP1_F_HAS_TE) || (f & HTTP1_F_CHUNKED));
	check(!((f & HTTP1_F_HAS_TE) && (f & HTTP1_F_HAS_CL)));
	check(m->version_minor == 0 || (f & HTTP1_F_HAS_HOST));
}

static void check_result(int resp, int rc, const struct http1_msg *m,
			 const char *buf, size_t len, size_t max_hdrs)
{
	check(rc >= -1);
	check(m->nhdrs <= max_hdrs);
	if (rc > 0) {
		check((size_t)rc == m->head_len && m->head_len <= len);
		check_success(resp, m, buf);
	} else if (rc == 0) {
		check(resp ? m->err_status == 502
			   : (m->err_status == 414 || m->err_status == 431));
	} else {
		check(m->err_msg != NULL && m->err_pos <= len);
		check(resp ? m->err_status == 502
			   : (m->err_status == 400 || m->err_status == 431 ||
			      m->err_status == 501 || m->err_status == 505));
	}
}

/* Parse one way, then check that a shorter header array and a truncated
 * buffer agree with the full result. Returns the head length or <= 0. */
static int fuzz_head(int resp, const char *data, size_t len)
{
	struct http1_hdr hdrs[MAXH];
	struct http1_msg m, small;
	char *buf = dup_exact(data, len);
	int rc, rc_small;

	memset(&m, 0, sizeof(m));
	rc = parse(resp, buf, len, &m, hdrs, MAXH);
	check_result(resp, rc, &m, buf, len, MAXH);

	memset(&small, 0, sizeof(small));
	rc_small = parse(resp, buf, len, &small, hdrs, SMALL_MAXH);
	check_result(resp, rc_small, &small, buf, len, SMALL_MAXH);
	if (rc > 0 && m.nhdrs <= SMALL_MAXH)
		check(rc_small == rc);
	else if (rc > 0)
		check(rc_small == -1 && small.err_status == (resp ? 502 : 400) &&
		      strcmp(small.err_msg, "too many header fields") == 0);
	else if (rc < 0)
		check(rc_small == -1);
	free(buf);

	/* one byte short of a complete head is always "need more" */
	if (rc > 0) {
		buf = dup_exact(data, (size_t)rc - 1);
		check(parse(resp, buf, (size_t)rc - 1, &small, hdrs, MAXH) == 0);
		free(buf);
	}
	return rc;
}

struct scan {
	ssize_t n;
	int done;
	uint64_t remaining;
};

/* Scan data in pieces cut at cuts[] (ascending, last == len). */
static struct scan scan_cut(const char *data, const size_t *cuts, size_t ncuts)
{
	struct scan r = { 0, 0, 0 };
	struct http1_chunk c;
	size_t i, from = 0;

	http1_chunk_init(&c);
	for (i = 0; i < ncuts; i++) {
		size_t seg = cuts[i] - from;
		char *buf = dup_exact(data + from, seg);
		int fin = -1;
		ssize_t n = http1_chunk_scan(&c, buf, seg, &fin);

		free(buf);
		if (n < 0) {
			check(c.err_msg != NULL);
			r.n = -1;
			return r;
		}
		check(fin == 0 || fin == 1);
		check((size_t)n <= seg);
		check(fin || (size_t)n == seg);		/* all or up to the end */
		check(!r.done || (n == 0 && fin));	/* nothing after the end */
		r.n += n;
		r.done = fin;
		from = cuts[i];
	}
	r.remaining = c.remaining;
	return r;
}

static void check_same(struct scan a, struct scan b)
{
	check((a.n < 0) == (b.n < 0));
	if (a.n >= 0)
		check(a.n == b.n && a.done == b.done && a.remaining == b.remaining);
}

static void fuzz_chunked(const char *data, size_t len, size_t split)
{
	size_t cuts[2] = { split, len };
	struct scan whole = scan_cut(data, &len, 1);
	size_t *bytes, i;

	check_same(whole, scan_cut(data, cuts, 2));
	if (len == 0)
		return;
	bytes = malloc(len * sizeof(*bytes));
	check(bytes != NULL);
	for (i = 0; i < len; i++)
		bytes[i] = i + 1;
	check_same(whole, scan_cut(data, bytes, len));
	free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t split = size ? (size_t)data[0] * size / 255 : 0;
	struct http1_hdr hdrs[MAXH];
	struct http1_msg m;
	int rc;

	rc = fuzz_head(0, s, size);
	fuzz_head(1, s, size);
	fuzz_chunked(s, size, split);

	/* a chunked request: scan its body too, where bodies really start */
	if (rc > 0) {
		memset(&m, 0, sizeof(m));
		if (parse(0, s, size, &m, hdrs, MAXH) > 0 &&
		    (m.flags & HTTP1_F_CHUNKED))
			fuzz_chunked(s + rc, size - (size_t)rc,
				     split > (size_t)rc ? split - (size_t)rc : 0);
	}
	return 0;
}
