/*
 * test_http1.c - HTTP/1.x head parser and chunked scanner. Every parse runs
 * on a copy that ends at an unmapped page, so any over-read faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guard.h"
#include "http1.h"

#define MAXH 32

struct parsed {
	struct guard_buf g;
	const char *buf;
	struct http1_msg m;
	struct http1_hdr h[MAXH];
	int rc;
};

static int parse_n(struct parsed *x, int resp, const char *s, size_t len,
		   size_t max_hdrs)
{
	memset(x, 0, sizeof(*x));
	x->buf = guard_copy(&x->g, s, len);
	assert_non_null(x->buf);
	x->m.hdrs = x->h;
	x->m.max_hdrs = max_hdrs;
	x->rc = resp ? http1_parse_response(x->buf, len, &x->m)
		     : http1_parse_request(x->buf, len, &x->m);
	return x->rc;
}

static int req(struct parsed *x, const char *s)
{
	return parse_n(x, 0, s, strlen(s), MAXH);
}

static int resp(struct parsed *x, const char *s)
{
	return parse_n(x, 1, s, strlen(s), MAXH);
}

static void done(struct parsed *x)
{
	guard_free(&x->g);
}

static void assert_span(const char *p, size_t len, const char *expect)
{
	assert_int_equal(len, strlen(expect));
	assert_memory_equal(p, expect, len);
}

/* A request must fail with exactly this status; one call, one assertion. */
static void expect_req_error(const char *what, const char *s, int status)
{
	struct parsed x;

	req(&x, s);
	if (x.rc != -1 || x.m.err_status != status)
		fail_msg("%s: rc=%d err_status=%d (want -1/%d)", what, x.rc,
			 x.m.err_status, status);
	assert_non_null(x.m.err_msg);
	assert_true(x.m.err_pos <= strlen(s));
	done(&x);
}

static void expect_resp_error(const char *what, const char *s)
{
	struct parsed x;

	resp(&x, s);
	if (x.rc != -1 || x.m.err_status != 502)
		fail_msg("%s: rc=%d err_status=%d (want -1/502)", what, x.rc,
			 x.m.err_status);
	assert_non_null(x.m.err_msg);
	done(&x);
}

/* ---- character classes, through the public parser ---------------- */

static int ref_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void test_token_bytes(void **state)
{
	int c;

	(void)state;
	for (c = 0; c < 256; c++) {
		char m[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
		char n[] = "GET / HTTP/1.1\r\nHost: a\r\nXY: v\r\n\r\n";
		struct parsed x;

		m[1] = (char)c;
		assert_int_equal(http1_is_token(m, 3), ref_tchar(c));
		parse_n(&x, 0, m, sizeof(m) - 1, MAXH);
		if ((x.rc > 0) != ref_tchar(c))
			fail_msg("method byte 0x%02x: rc=%d", c, x.rc);
		done(&x);

		if (c == ':')
			continue;	/* "X:: v" is a valid field named X */
		n[26] = (char)c;
		parse_n(&x, 0, n, sizeof(n) - 1, MAXH);
		if ((x.rc > 0) != ref_tchar(c))
			fail_msg("name byte 0x%02x: rc=%d", c, x.rc);
		done(&x);
	}
}

static void test_value_and_target_bytes(void **state)
{
	int c;

	(void)state;
	for (c = 0; c < 256; c++) {
		char v[] = "GET / HTTP/1.1\r\nHost: a\r\nX: a?b\r\n\r\n";
		char t[] = "GET /a?b HTTP/1.1\r\nHost: a\r\n\r\n";
		int fval = c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7f);
		int target = c >= 0x21 && c <= 0x7e;
		struct parsed x;

		v[29] = (char)c;
		parse_n(&x, 0, v, sizeof(v) - 1, MAXH);
		if ((x.rc > 0) != fval)
			fail_msg("value byte 0x%02x: rc=%d", c, x.rc);
		done(&x);

		t[6] = (char)c;
		parse_n(&x, 0, t, sizeof(t) - 1, MAXH);
		if ((x.rc > 0) != target)
			fail_msg("target byte 0x%02x: rc=%d", c, x.rc);
		done(&x);
	}
}

/* ---- valid requests ---------------------------------------------- */

static void test_get(void **state)
{
	const char *s = "GET /index.html?q=1 HTTP/1.1\r\n"
			"Host: example.com\r\n"
			"User-Agent:  curl/8.0 \t\r\n"
			"Accept: */*\r\n"
			"\r\n";
	struct parsed x;

	(void)state;
	assert_int_equal(req(&x, s), (int)strlen(s));
	assert_int_equal(x.m.head_len, strlen(s));
	assert_span(x.m.method, x.m.method_len, "GET");
	assert_span(x.m.uri, x.m.uri_len, "/index.html?q=1");
	assert_int_equal(x.m.version_major, 1);
	assert_int_equal(x.m.version_minor, 1);
	assert_int_equal(x.m.nhdrs, 3);
	assert_span(x.m.hdrs[0].name, x.m.hdrs[0].name_len, "Host");
	assert_span(x.m.hdrs[0].value, x.m.hdrs[0].value_len, "example.com");
	assert_span(x.m.hdrs[1].value, x.m.hdrs[1].value_len, "curl/8.0");
	assert_span(x.m.hdrs[2].name, x.m.hdrs[2].name_len, "Accept");
	assert_int_equal(x.m.flags, HTTP1_F_HAS_HOST);
	assert_int_equal(x.m.err_status, 0);
	done(&x);
}

static void test_post_with_body_after_head(void **state)
{
	const char *head = "POST /api HTTP/1.1\r\nHost: h\r\n"
			   "Content-Length: 11\r\nContent-Type: text/plain\r\n\r\n";
	char s[256];
	struct parsed x;

	(void)state;
	snprintf(s, sizeof(s), "%shello world", head);
	assert_int_equal(req(&x, s), (int)strlen(head));
	assert_span(x.m.method, x.m.method_len, "POST");
	assert_true(x.m.flags & HTTP1_F_HAS_CL);
	assert_false(x.m.flags & HTTP1_F_CHUNKED);
	assert_int_equal(x.m.content_length, 11);
	done(&x);
}

static void test_head_http10_no_host(void **state)
{
	struct parsed x;

	(void)state;
	assert_true(req(&x, "HEAD / HTTP/1.0\r\n\r\n") > 0);
	assert_span(x.m.method, x.m.method_len, "HEAD");
	assert_int_equal(x.m.version_minor, 0);
	assert_int_equal(x.m.nhdrs, 0);
	assert_int_equal(x.m.flags, 0);
	done(&x);
}

static void test_other_request_forms(void **state)
{
	struct parsed x;

	(void)state;
	assert_true(req(&x, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n") > 0);
	assert_span(x.m.uri, x.m.uri_len, "*");
	done(&x);
	assert_true(req(&x, "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n") > 0);
	assert_span(x.m.uri, x.m.uri_len, "a.example:443");
	done(&x);
	assert_true(req(&x, "GET http://a/b HTTP/1.1\r\nHost: a\r\n\r\n") > 0);
	assert_span(x.m.uri, x.m.uri_len, "http://a/b");
	done(&x);
	/* methods are any token */
	assert_true(req(&x, "M-SEARCH! / HTTP/1.1\r\nHost: a\r\n\r\n") > 0);
	done(&x);
}

static void test_empty_values_and_ows(void **state)
{
	struct parsed x;

	(void)state;
	assert_true(req(&x, "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n"
			"X-Blank: \t \r\nX-In:a  b\r\n\r\n") > 0);
	assert_int_equal(x.m.nhdrs, 4);
	assert_int_equal(x.m.hdrs[1].value_len, 0);
	assert_ptr_equal(x.m.hdrs[1].value, x.buf + 33);
	assert_int_equal(x.m.hdrs[2].value_len, 0);
	assert_span(x.m.hdrs[3].value, x.m.hdrs[3].value_len, "a  b");
	done(&x);
}

static void test_lone_lf(void **state)
{
	const char *s = "GET / HTTP/1.1\nHost: a\nX: 1\r\n\n";
	struct parsed x;

	(void)state;
	assert_int_equal(req(&x, s), (int)strlen(s));
	assert_int_equal(x.m.nhdrs, 2);
	assert_span(x.m.hdrs[1].value, x.m.hdrs[1].value_len, "1");
	done(&x);
}

static void test_leading_empty_lines(void **state)
{
	const char *s = "\r\n\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
	struct parsed x;

	(void)state;
	assert_int_equal(req(&x, s), (int)strlen(s));
	assert_ptr_equal(x.m.method, x.buf + 5);
	done(&x);
	assert_int_equal(req(&x, "\r\n\r\n"), 0);
	assert_int_equal(x.m.err_status, 414);
	done(&x);
	expect_req_error("CR alone before request line", "\r\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
}

static void test_pipelined(void **state)
{
	const char *a = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
	const char *b = "GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
	char s[256];
	struct parsed x;
	int n;

	(void)state;
	snprintf(s, sizeof(s), "%s%sGET /c", a, b);
	n = req(&x, s);
	assert_int_equal(n, (int)strlen(a));
	assert_span(x.m.uri, x.m.uri_len, "/a");
	done(&x);

	assert_int_equal(req(&x, s + n), (int)strlen(b));
	assert_span(x.m.uri, x.m.uri_len, "/b");
	assert_true(x.m.flags & HTTP1_F_CONN_CLOSE);
	done(&x);

	assert_int_equal(req(&x, s + strlen(a) + strlen(b)), 0);
	done(&x);
}

static void test_reparse_resets_msg(void **state)
{
	struct parsed x;
	struct guard_buf g;
	const char *s;

	(void)state;
	req(&x, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n");
	/* same msg, new input: nothing of the first parse may survive */
	s = guard_copy(&g, "GET / HTTP/1.0\r\n\r\n", 18);
	assert_non_null(s);
	assert_int_equal(http1_parse_request(s, 18, &x.m), 18);
	guard_free(&g);
	assert_int_equal(x.m.flags, 0);
	assert_int_equal(x.m.nhdrs, 0);
	assert_int_equal(x.m.content_length, 0);
	assert_ptr_equal(x.m.hdrs, x.h);
	assert_int_equal(x.m.max_hdrs, MAXH);
	done(&x);
}

/* ---- need more ----------------------------------------------------- */

/* Offset just past the request line (after leading empty lines). */
static size_t request_line_end(const char *s)
{
	const char *p = s;

	while (*p == '\r' || *p == '\n')
		p++;
	return (size_t)(strchr(p, '\n') - s) + 1;
}

static void test_every_prefix_needs_more(void **state)
{
	static const char *const valid[] = {
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"\r\n\nPOST /upload?x=1 HTTP/1.1\r\nHost: a.example\r\n"
		"Transfer-Encoding: gzip, chunked\r\nExpect: 100-continue\r\n\r\n",
		"GET /x HTTP/1.0\nContent-Length: 5, 5\nX:\n\n",
		"PUT /r HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n"
		"Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n",
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		size_t len = strlen(valid[i]), rl = request_line_end(valid[i]);
		struct parsed x;

		for (k = 0; k < len; k++) {
			parse_n(&x, 0, valid[i], k, MAXH);
			if (x.rc != 0)
				fail_msg("request %zu prefix %zu: rc=%d", i, k, x.rc);
			assert_int_equal(x.m.err_status, k < rl ? 414 : 431);
			assert_non_null(x.m.err_msg);
			assert_int_equal(x.m.head_len, 0);
			done(&x);
		}
		assert_int_equal(parse_n(&x, 0, valid[i], len, MAXH), (int)len);
		done(&x);
	}
}

static void test_response_every_prefix_needs_more(void **state)
{
	static const char *const valid[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200\r\nTransfer-Encoding: chunked\r\n\r\n",
		"HTTP/1.0 404 Not Found\nServer: x\n\n",
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		size_t len = strlen(valid[i]);
		struct parsed x;

		for (k = 0; k < len; k++) {
			parse_n(&x, 1, valid[i], k, MAXH);
			if (x.rc != 0)
				fail_msg("response %zu prefix %zu: rc=%d", i, k, x.rc);
			assert_int_equal(x.m.err_status, 502);
			done(&x);
		}
		assert_int_equal(parse_n(&x, 1, valid[i], len, MAXH), (int)len);
		done(&x);
	}
}

/* ---- malformed requests -------------------------------------------- */

static const struct {
	const char *what;
	const char *req;
	int status;
} bad_requests[] = {
	/* request line */
	{ "empty method", " / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "method with slash", "GE/T / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "tab after method", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "two spaces after method", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "empty target", "GET  HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "two spaces before version", "GET /  HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "control in target", "GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "DEL in target", "GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "non-ASCII target", "GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "tab in target", "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "HTTP/0.9 request", "GET /\r\n\r\n", 400 },
	{ "no version", "GET / \r\nHost: a\r\n\r\n", 400 },
	{ "lowercase version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400 },
	{ "version 0.9", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 400 },
	{ "version 2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505 },
	{ "version 3.1", "GET / HTTP/3.1\r\nHost: a\r\n\r\n", 505 },
	{ "h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505 },
	{ "two-digit minor", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", 400 },
	{ "two-digit major", "GET / HTTP/11.1\r\nHost: a\r\n\r\n", 400 },
	{ "no dot in version", "GET / HTTP/11\r\nHost: a\r\n\r\n", 400 },
	{ "space after version", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400 },
	{ "bare CR after version", "GET / HTTP/1.1\rHost: a\r\n\r\n", 400 },
	{ "bare CR in target", "GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
	/* field lines */
	{ "obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", 400 },
	{ "obs-fold with tab", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\t2\r\n\r\n", 400 },
	{ "space before first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400 },
	{ "space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400 },
	{ "tab before colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400 },
	{ "empty field name", "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", 400 },
	{ "no colon", "GET / HTTP/1.1\r\nHost: a\r\nJunk\r\n\r\n", 400 },
	{ "non-token in name", "GET / HTTP/1.1\r\nHost: a\r\nX(y): v\r\n\r\n", 400 },
	{ "non-ASCII in name", "GET / HTTP/1.1\r\nHost: a\r\nX\xc3\xa9: v\r\n\r\n", 400 },
	{ "control in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\x1b b\r\n\r\n", 400 },
	{ "DEL in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n", 400 },
	{ "bare CR in value", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400 },
	{ "bare CR ending a field", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\r\n\r\n", 400 },
	{ "bare CR as final line", "GET / HTTP/1.1\r\nHost: a\r\n\rX", 400 },
	/* Content-Length */
	{ "CL not a number", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", 400 },
	{ "CL empty", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400 },
	{ "CL signed", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", 400 },
	{ "CL negative", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n", 400 },
	{ "CL hex", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n", 400 },
	{ "CL two numbers", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 5\r\n\r\n", 400 },
	{ "CL list differs", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n", 400 },
	{ "CL list trailing comma", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,\r\n\r\n", 400 },
	{ "CL list empty element", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,,5\r\n\r\n", 400 },
	{ "CL headers differ", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	  "Content-Length: 6\r\n\r\n", 400 },
	{ "CL over 2^63-1", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Content-Length: 9223372036854775808\r\n\r\n", 400 },
	{ "CL over 2^64", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Content-Length: 99999999999999999999999\r\n\r\n", 400 },
	/* Transfer-Encoding */
	{ "TE and CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
	  "Transfer-Encoding: chunked\r\n\r\n", 400 },
	{ "CL after TE", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	  "Content-Length: 5\r\n\r\n", 400 },
	{ "TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
	{ "chunked not last", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Transfer-Encoding: chunked, gzip\r\n\r\n", 400 },
	{ "chunked not last across fields", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n", 400 },
	{ "chunked twice", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Transfer-Encoding: chunked, chunked\r\n\r\n", 400 },
	{ "chunked twice across fields", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400 },
	{ "no chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400 },
	{ "empty TE", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", 400 },
	{ "unknown coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: foo\r\n\r\n", 501 },
	{ "unknown coding then chunked", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Transfer-Encoding: br, chunked\r\n\r\n", 501 },
	{ "identity is gone", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Transfer-Encoding: identity\r\n\r\n", 501 },
	{ "coding parameter", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Transfer-Encoding: chunked;q=1\r\n\r\n", 400 },
	{ "codings without comma", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Transfer-Encoding: gzip chunked\r\n\r\n", 400 },
	{ "chunked with suffix", "POST / HTTP/1.1\r\nHost: a\r\n"
	  "Transfer-Encoding: chunkedx\r\n\r\n", 501 },
	/* Host and other fields */
	{ "missing Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400 },
	{ "two Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400 },
	{ "two Host in 1.0", "GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400 },
	{ "bad Connection", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close x\r\n\r\n", 400 },
	{ "Connection with slash", "GET / HTTP/1.1\r\nHost: a\r\nConnection: a/b\r\n\r\n", 400 },
	{ "Connection element not a token", "GET / HTTP/1.1\r\nHost: a\r\nConnection: , ;\r\n\r\n", 400 },
};

static void test_bad_requests(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_requests) / sizeof(bad_requests[0]); i++) {
		const char *s = bad_requests[i].req;
		size_t len = strlen(s);
		struct parsed x;

		parse_n(&x, 0, s, len, MAXH);
		if (x.rc != -1 || x.m.err_status != bad_requests[i].status)
			fail_msg("%s: rc=%d err_status=%d (want -1/%d)",
				 bad_requests[i].what, x.rc, x.m.err_status,
				 bad_requests[i].status);
		assert_non_null(x.m.err_msg);
		assert_true(x.m.err_pos < len);
		done(&x);
	}
}

static void test_nul_in_value(void **state)
{
	static const char s[] = "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n";
	struct parsed x;

	(void)state;
	assert_int_equal(parse_n(&x, 0, s, sizeof(s) - 1, MAXH), -1);
	assert_int_equal(x.m.err_status, 400);
	assert_int_equal(x.m.err_pos, 29);
	done(&x);
}

static void test_error_position(void **state)
{
	struct parsed x;

	(void)state;
	req(&x, "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01\r\n\r\n");
	assert_int_equal(x.m.err_pos, 29);
	done(&x);
	req(&x, "GET / HTTP/1.1\r\nHost : a\r\n\r\n");
	assert_int_equal(x.m.err_pos, 20);
	done(&x);
}

/* ---- header count ------------------------------------------------- */

static void test_too_many_headers(void **state)
{
	const char *s = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n";
	struct parsed x;

	(void)state;
	assert_int_equal(parse_n(&x, 0, s, strlen(s), 3), (int)strlen(s));
	assert_int_equal(x.m.nhdrs, 3);
	done(&x);

	assert_int_equal(parse_n(&x, 0, s, strlen(s), 2), -1);
	assert_int_equal(x.m.err_status, 400);
	assert_int_equal(x.m.nhdrs, 2);
	done(&x);

	/* no array at all: headerless requests still parse */
	parse_n(&x, 0, "GET / HTTP/1.0\r\n\r\n", 18, 0);
	assert_int_equal(x.rc, 18);
	done(&x);
	memset(&x.m, 0, sizeof(x.m));
	x.m.max_hdrs = 8;	/* ignored without hdrs */
	assert_non_null(guard_copy(&x.g, s, strlen(s)));
	assert_int_equal(http1_parse_request(x.g.data, strlen(s), &x.m), -1);
	assert_int_equal(x.m.err_status, 400);
	done(&x);

	/* a response over the limit is the server's fault: 502 */
	s = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n";
	parse_n(&x, 1, s, strlen(s), 1);
	assert_int_equal(x.rc, -1);
	assert_int_equal(x.m.err_status, 502);
	done(&x);
}

/* ---- framing fields ----------------------------------------------- */

static void test_content_length(void **state)
{
	struct parsed x;

	(void)state;
	assert_true(req(&x, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n") > 0);
	assert_int_equal(x.m.flags & HTTP1_F_HAS_CL, HTTP1_F_HAS_CL);
	assert_int_equal(x.m.content_length, 0);
	done(&x);

	assert_true(req(&x, "POST / HTTP/1.1\r\nHost: a\r\ncontent-length:  42 \r\n\r\n") > 0);
	assert_int_equal(x.m.content_length, 42);
	done(&x);

	assert_true(req(&x, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5 ,5\r\n\r\n") > 0);
	assert_int_equal(x.m.content_length, 5);
	done(&x);

	assert_true(req(&x, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n"
			"Content-Length: 007\r\n\r\n") > 0);
	assert_int_equal(x.m.content_length, 7);
	done(&x);

	assert_true(req(&x, "POST / HTTP/1.1\r\nHost: a\r\n"
			"Content-Length: 9223372036854775807\r\n\r\n") > 0);
	assert_int_equal(x.m.content_length, INT64_MAX);
	done(&x);
}

static void test_transfer_encoding(void **state)
{
	static const char *const ok[] = {
		"Transfer-Encoding: chunked\r\n",
		"Transfer-Encoding: CHUNKED\r\n",
		"Transfer-Encoding: gzip, chunked\r\n",
		"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
		"Transfer-Encoding: , deflate ,, x-gzip,chunked , \r\n",
		"transfer-encoding: compress, x-compress, chunked\r\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char s[256];
		struct parsed x;

		snprintf(s, sizeof(s), "POST / HTTP/1.1\r\nHost: a\r\n%s\r\n", ok[i]);
		if (req(&x, s) <= 0)
			fail_msg("%s: rc=%d %s", ok[i], x.rc, x.m.err_msg);
		assert_int_equal(x.m.flags & (HTTP1_F_CHUNKED | HTTP1_F_HAS_TE | HTTP1_F_HAS_CL),
				 HTTP1_F_CHUNKED | HTTP1_F_HAS_TE);
		done(&x);
	}
}

static void test_connection_and_expect(void **state)
{
	struct parsed x;

	(void)state;
	req(&x, "GET / HTTP/1.1\r\nHost: a\r\nConnection: CLOSE\r\n\r\n");
	assert_int_equal(x.m.flags, HTTP1_F_HAS_HOST | HTTP1_F_CONN_CLOSE);
	done(&x);

	req(&x, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
	assert_int_equal(x.m.flags, HTTP1_F_CONN_KA);
	done(&x);

	req(&x, "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive,, Upgrade\r\n"
	    "Upgrade: websocket\r\n\r\n");
	assert_int_equal(x.m.flags, HTTP1_F_HAS_HOST | HTTP1_F_CONN_KA | HTTP1_F_CONN_UPGRADE);
	done(&x);

	/* the upgrade option without an Upgrade field upgrades nothing */
	req(&x, "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n");
	assert_true(x.rc > 0);
	assert_int_equal(x.m.flags, HTTP1_F_HAS_HOST);
	done(&x);

	/* options over several fields; unknown ones name other fields */
	req(&x, "GET / HTTP/1.1\r\nHost: a\r\nConnection: x-foo\r\n"
	    "Connection: close\r\nConnection:\r\n\r\n");
	assert_int_equal(x.m.flags, HTTP1_F_HAS_HOST | HTTP1_F_CONN_CLOSE);
	done(&x);

	req(&x, "GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n");
	assert_int_equal(x.m.flags, HTTP1_F_HAS_HOST);
	done(&x);

	req(&x, "PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
	    "Expect: 100-Continue\r\n\r\n");
	assert_true(x.m.flags & HTTP1_F_EXPECT_100);
	done(&x);

	req(&x, "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continuex\r\n\r\n");
	assert_false(x.m.flags & HTTP1_F_EXPECT_100);
	done(&x);
}

static void test_host(void **state)
{
	struct parsed x;

	(void)state;
	/* empty Host is legal when the target has no authority */
	assert_true(req(&x, "GET / HTTP/1.1\r\nHost:\r\n\r\n") > 0);
	assert_true(x.m.flags & HTTP1_F_HAS_HOST);
	done(&x);
	assert_true(req(&x, "GET / HTTP/1.1\r\nhOsT: x\r\n\r\n") > 0);
	assert_true(x.m.flags & HTTP1_F_HAS_HOST);
	done(&x);
	assert_true(req(&x, "GET / HTTP/1.0\r\nHost: x\r\n\r\n") > 0);
	assert_true(x.m.flags & HTTP1_F_HAS_HOST);
	done(&x);
	expect_req_error("Host-ish name is not Host",
			 "GET / HTTP/1.1\r\nHosts: a\r\n\r\n", 400);
}

/* ---- responses ----------------------------------------------------- */

static void test_responses(void **state)
{
	struct parsed x;
	const char *s;

	(void)state;
	s = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nServer: x\r\n\r\nhello";
	assert_int_equal(resp(&x, s), (int)strlen(s) - 5);
	assert_int_equal(x.m.status, 200);
	assert_span(x.m.reason, x.m.reason_len, "OK");
	assert_int_equal(x.m.content_length, 12);
	assert_int_equal(x.m.flags, HTTP1_F_HAS_CL);
	assert_null(x.m.method);
	done(&x);

	s = "HTTP/1.1 200\r\n\r\n";
	assert_int_equal(resp(&x, s), (int)strlen(s));
	assert_int_equal(x.m.status, 200);
	assert_int_equal(x.m.reason_len, 0);
	done(&x);

	assert_true(resp(&x, "HTTP/1.1 204 \r\n\r\n") > 0);
	assert_int_equal(x.m.status, 204);
	assert_int_equal(x.m.reason_len, 0);
	done(&x);

	assert_true(resp(&x, "HTTP/1.0 503 Service  Unavailable \t\nX: y\n\n") > 0);
	assert_span(x.m.reason, x.m.reason_len, "Service  Unavailable \t");
	assert_int_equal(x.m.version_minor, 0);
	done(&x);

	assert_true(resp(&x, "HTTP/1.1 100 Continue\r\n\r\n") > 0);
	assert_int_equal(x.m.status, 100);
	done(&x);

	assert_true(resp(&x, "HTTP/1.1 101 Switching Protocols\r\n"
			 "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n") > 0);
	assert_int_equal(x.m.flags, HTTP1_F_CONN_UPGRADE);
	done(&x);

	assert_true(resp(&x, "HTTP/1.1 999 \xe9t\xe9\r\n\r\n") > 0);
	assert_int_equal(x.m.status, 999);
	done(&x);
}

static void test_response_framing(void **state)
{
	struct parsed x;

	(void)state;
	/* TE overrides CL: chunked wins */
	assert_true(resp(&x, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"
			 "Transfer-Encoding: chunked\r\n\r\n") > 0);
	assert_int_equal(x.m.flags, HTTP1_F_CHUNKED | HTTP1_F_HAS_TE);
	assert_int_equal(x.m.content_length, 0);
	done(&x);

	/* no final chunked: body until close, unknown codings forwarded */
	assert_true(resp(&x, "HTTP/1.1 200 OK\r\nTransfer-Encoding: br\r\n"
			 "Content-Length: 3\r\n\r\n") > 0);
	assert_int_equal(x.m.flags, HTTP1_F_HAS_TE);
	done(&x);

	assert_true(resp(&x, "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n"
			 "Content-Length: 3\r\n\r\n") > 0);
	assert_int_equal(x.m.content_length, 3);
	done(&x);

	/* Expect means nothing in a response */
	assert_true(resp(&x, "HTTP/1.1 200 OK\r\nExpect: 100-continue\r\n\r\n") > 0);
	assert_int_equal(x.m.flags, 0);
	done(&x);
}

static void test_higher_minor_version_is_http11(void **state)
{
	struct parsed x;
	const char *r = "GET / HTTP/1.2\r\nHost: a\r\n\r\n";
	const char *p = "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n";

	(void)state;
	assert_int_equal(parse_n(&x, 0, r, strlen(r), 8), (int)strlen(r));
	assert_int_equal(x.m.version_minor, 1);
	done(&x);
	assert_int_equal(parse_n(&x, 1, p, strlen(p), 8), (int)strlen(p));
	assert_int_equal(x.m.version_minor, 1);
	done(&x);
}

static void test_bad_responses(void **state)
{
	(void)state;
	expect_resp_error("lowercase", "http/1.1 200 OK\r\n\r\n");
	expect_resp_error("HTTP/2", "HTTP/2.0 200 OK\r\n\r\n");
	expect_resp_error("no space", "HTTP/1.1200 OK\r\n\r\n");
	expect_resp_error("two spaces", "HTTP/1.1  200 OK\r\n\r\n");
	expect_resp_error("two digits", "HTTP/1.1 20 OK\r\n\r\n");
	expect_resp_error("four digits", "HTTP/1.1 2000 OK\r\n\r\n");
	expect_resp_error("letters", "HTTP/1.1 2x0 OK\r\n\r\n");
	expect_resp_error("below 100", "HTTP/1.1 099 OK\r\n\r\n");
	expect_resp_error("tab after status", "HTTP/1.1 200\tOK\r\n\r\n");
	expect_resp_error("control in reason", "HTTP/1.1 200 O\x01K\r\n\r\n");
	expect_resp_error("bare CR in reason", "HTTP/1.1 200 O\rK\r\n\r\n");
	expect_resp_error("leading empty line", "\r\nHTTP/1.1 200 OK\r\n\r\n");
	expect_resp_error("obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n");
	expect_resp_error("space before colon", "HTTP/1.1 200 OK\r\nX : a\r\n\r\n");
	expect_resp_error("control in value", "HTTP/1.1 200 OK\r\nX: \x7f\r\n\r\n");
	expect_resp_error("bad CL", "HTTP/1.1 200 OK\r\nContent-Length: 1a\r\n\r\n");
	expect_resp_error("differing CL", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
			  "Content-Length: 2\r\n\r\n");
	expect_resp_error("differing CL list", "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n");
	expect_resp_error("chunked twice", "HTTP/1.1 200 OK\r\n"
			  "Transfer-Encoding: chunked, chunked\r\n\r\n");
	expect_resp_error("chunked not last", "HTTP/1.1 200 OK\r\n"
			  "Transfer-Encoding: chunked, gzip\r\n\r\n");
	expect_resp_error("TE in 1.0", "HTTP/1.0 200 OK\r\n"
			  "Transfer-Encoding: chunked\r\n\r\n");
	expect_resp_error("bad TE syntax", "HTTP/1.1 200 OK\r\n"
			  "Transfer-Encoding: gzip;x=1\r\n\r\n");
}

/* ---- chunked scanner ------------------------------------------------ */

struct scan_result {
	ssize_t consumed;
	int done;
	int err;
	uint64_t remaining;
};

static ssize_t scan_guarded(struct http1_chunk *c, const char *s, size_t len,
			    int *fin)
{
	struct guard_buf g;
	const char *p = guard_copy(&g, s, len);
	ssize_t n;

	assert_non_null(p);
	n = http1_chunk_scan(c, p, len, fin);
	guard_free(&g);
	return n;
}

/* Feed s in pieces cut at the given offsets (sorted, ending with len). */
static struct scan_result scan_cuts(const char *s, const size_t *cuts, size_t ncuts)
{
	struct scan_result r = { 0, 0, 0, 0 };
	struct http1_chunk c;
	size_t i, from = 0;

	http1_chunk_init(&c);
	for (i = 0; i < ncuts; i++) {
		int fin = 0;
		ssize_t n = scan_guarded(&c, s + from, cuts[i] - from, &fin);

		if (n < 0) {
			r.err = 1;
			assert_non_null(c.err_msg);
			return r;
		}
		/* a scanner that is not done consumes all it is given */
		if (!r.done && !fin)
			assert_int_equal((size_t)n, cuts[i] - from);
		if (r.done)
			assert_int_equal(n, 0);
		r.consumed += n;
		r.done = fin;
		from = cuts[i];
	}
	r.remaining = c.remaining;
	return r;
}

static struct scan_result scan_whole(const char *s, size_t len)
{
	return scan_cuts(s, &len, 1);
}

static void assert_same(struct scan_result a, struct scan_result b, const char *what,
			size_t at)
{
	if (a.err != b.err || (!a.err && (a.consumed != b.consumed ||
					   a.done != b.done ||
					   a.remaining != b.remaining)))
		fail_msg("%s: split at %zu differs: err %d/%d consumed %zd/%zd done %d/%d",
			 what, at, a.err, b.err, a.consumed, b.consumed, a.done, b.done);
}

/* The whole-buffer result, checked against every 2-way split and a
 * byte-at-a-time feed. */
static struct scan_result scan_all_splits(const char *s, size_t len)
{
	struct scan_result whole = scan_whole(s, len);
	size_t cuts[2], *bytes, i;

	for (i = 0; i <= len; i++) {
		cuts[0] = i;
		cuts[1] = len;
		assert_same(whole, scan_cuts(s, cuts, 2), s, i);
	}
	bytes = malloc((len + 1) * sizeof(*bytes));
	assert_non_null(bytes);
	for (i = 0; i < len; i++)
		bytes[i] = i + 1;
	if (len)
		assert_same(whole, scan_cuts(s, bytes, len), s, 0);
	free(bytes);
	return whole;
}

static const struct {
	const char *body;
	size_t tail;		/* pipelined bytes after the body */
	int done;
} good_chunks[] = {
	{ "0\r\n\r\n", 0, 1 },
	{ "5\r\nhello\r\n0\r\n\r\n", 0, 1 },
	{ "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nGET / HTTP/1.1\r\n", 16, 1 },
	{ "A\r\n0123456789\r\nf\r\n0123456789abcde\r\n0\r\n\r\n", 0, 1 },
	{ "a\r\n0123456789\r\nF\r\n0123456789abcde\r\n00000\r\n\r\nX", 1, 1 },
	{ "3\nabc\n0\n\n", 0, 1 },
	{ "3\r\nabc\n0\r\n\n", 0, 1 },
	{ "4\r\n\r\n\r\n\r\n0\r\n\r\n", 0, 1 },	/* data may hold CRLF */
	{ "3;ext\r\nabc\r\n0;last\r\n\r\n", 0, 1 },
	{ "3 ;a=b ; c = \"q \\\" \\\\ \xe9\" \t;d\r\nabc\r\n0\r\n\r\n", 0, 1 },
	{ "3;a=\"\"\r\nabc\r\n0\r\n\r\n", 0, 1 },
	{ "3;a\t=\tb\r\nabc\r\n0\r\n\r\n", 0, 1 },
	{ "3;a ;b\t;c=d\r\nabc\r\n0\r\n\r\n", 0, 1 },
	{ "0\r\nExpires: never\r\nX-Sum:  abc \t\r\n\r\n", 0, 1 },
	{ "0\nX:\nY: \xff\n\nZ", 1, 1 },
	{ "0000000000000000\r\n\r\n", 0, 1 },	/* 16 digits */
	{ "5\r\nhel", 0, 0 },
	{ "5\r\nhello\r\n", 0, 0 },
	{ "5\r\nhello\r\n0\r\n", 0, 0 },
	{ "5\r\nhello\r\n0\r\nX: 1\r\n", 0, 0 },
	{ "ffffffffffffffff\r\nabc", 0, 0 },
	{ "", 0, 0 },
};

static void test_chunk_good(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_chunks) / sizeof(good_chunks[0]); i++) {
		const char *s = good_chunks[i].body;
		size_t len = strlen(s);
		struct scan_result r = scan_all_splits(s, len);

		if (r.err || r.done != good_chunks[i].done ||
		    (size_t)r.consumed != len - good_chunks[i].tail)
			fail_msg("chunk body %zu: err=%d done=%d consumed=%zd", i,
				 r.err, r.done, r.consumed);
	}
}

static void test_chunk_remaining(void **state)
{
	struct scan_result r;

	(void)state;
	r = scan_whole("5\r\nhe", 5);
	assert_int_equal(r.remaining, 3);
	r = scan_whole("ffffffffffffffff\r\nabc", 21);
	assert_int_equal(r.remaining, UINT64_MAX - 3);
	r = scan_whole("1F;x=y\r\n", 8);
	assert_int_equal(r.remaining, 31);
}

static const struct {
	const char *what;
	const char *body;
} bad_chunks[] = {
	{ "empty size", "\r\n" },
	{ "bad hex", "g\r\n" },
	{ "hex prefix", "0x5\r\nhello\r\n0\r\n\r\n" },
	{ "sign", "+5\r\nhello\r\n" },
	{ "space before size", " 5\r\nhello\r\n" },
	{ "BWS without extension", "5 \r\nhello\r\n" },
	{ "17 digits", "00000000000000005\r\nhello\r\n" },
	{ "size overflow", "10000000000000000\r\n" },
	{ "bare CR after size", "5\rhello\r\n" },
	{ "CR CR after size", "5\r\r\nhello\r\n" },
	{ "missing CRLF after data", "3\r\nabcX\r\n0\r\n\r\n" },
	{ "data too long", "3\r\nabcd\r\n0\r\n\r\n" },
	{ "bare CR after data", "3\r\nabc\rX0\r\n\r\n" },
	{ "CR CR after data", "3\r\nabc\r\r\n0\r\n\r\n" },
	{ "LF CR after data", "3\r\nabc\n\r0\r\n\r\n" },
	{ "empty extension", "3;\r\nabc\r\n" },
	{ "extension without name", "3;=b\r\nabc\r\n" },
	{ "extension without value", "3;a=\r\nabc\r\n" },
	{ "extension BWS then CRLF", "3;a \r\nabc\r\n" },
	{ "extension name then token", "3;a b\r\nabc\r\n" },
	{ "extension value BWS then token", "3;a=b c\r\nabc\r\n" },
	{ "control in extension", "3;a=b\x01\r\nabc\r\n" },
	{ "unterminated quote", "3;a=\"b\r\nabc\r\n" },
	{ "control in quote", "3;a=\"\x7f\"\r\nabc\r\n" },
	{ "escaped control", "3;a=\"\\\x01\"\r\nabc\r\n" },
	{ "after quote", "3;a=\"b\"c\r\nabc\r\n" },
	{ "bare CR in extension", "3;a\rb\r\nabc\r\n" },
	{ "bare CR in extension BWS", "3;a \r=b\r\nabc\r\n0\r\n\r\n" },
	{ "bare CR after extension value", "3;a=b\r;c\r\nabc\r\n0\r\n\r\n" },
	{ "trailer obs-fold", "0\r\nX: 1\r\n 2\r\n\r\n" },
	{ "trailer space before colon", "0\r\nX : 1\r\n\r\n" },
	{ "trailer empty name", "0\r\n: 1\r\n\r\n" },
	{ "trailer no colon", "0\r\nX\r\n\r\n" },
	{ "trailer control", "0\r\nX: \x01\r\n\r\n" },
	{ "trailer bare CR", "0\r\nX: a\rb\r\n\r\n" },
	{ "final bare CR", "0\r\n\rX" },
	{ "last-chunk with bare CR", "0\r\r\n\r\n" },
};

static void test_chunk_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_chunks) / sizeof(bad_chunks[0]); i++) {
		struct scan_result r = scan_all_splits(bad_chunks[i].body,
						       strlen(bad_chunks[i].body));

		if (!r.err)
			fail_msg("%s: accepted (consumed %zd)", bad_chunks[i].what,
				 r.consumed);
	}
}

static void test_chunk_line_limit(void **state)
{
	size_t max = HTTP1_CHUNK_LINE_MAX;
	char *s = malloc(max + 32);
	struct scan_result r;

	(void)state;
	assert_non_null(s);
	/* "1;" + name fills the line to exactly the limit */
	memcpy(s, "1;", 2);
	memset(s + 2, 'a', max - 2);
	memcpy(s + max, "\r\nx\r\n0\r\n\r\n", 11);
	r = scan_all_splits(s, strlen(s));
	assert_false(r.err);
	assert_true(r.done);

	/* one more byte is over it, wherever the line is cut */
	memset(s + 2, 'a', max - 1);
	memcpy(s + max + 1, "\r\nx\r\n0\r\n\r\n", 11);
	r = scan_all_splits(s, strlen(s));
	assert_true(r.err);
	free(s);
}

static void test_chunk_trailer_limit(void **state)
{
	size_t max = HTTP1_TRAILER_MAX, i;
	char *s = malloc(max + 64);
	struct scan_result r;

	(void)state;
	assert_non_null(s);
	/* "0\r\n" + one field + "\r\n": the trailer section is exactly max */
	memcpy(s, "0\r\nX: ", 6);
	for (i = 6; i < max + 3 - 4; i++)
		s[i] = 'v';
	memcpy(s + max + 3 - 4, "\r\n\r\n", 5);
	r = scan_whole(s, strlen(s));
	assert_false(r.err);
	assert_true(r.done);
	assert_int_equal((size_t)r.consumed, max + 3);

	memcpy(s + max + 3 - 4, "v\r\n\r\n", 6);
	r = scan_whole(s, strlen(s));
	assert_true(r.err);
	free(s);
}

static void test_chunk_after_end(void **state)
{
	struct http1_chunk c;
	int fin = -1;

	(void)state;
	http1_chunk_init(&c);
	assert_string_equal(http1_chunk_state_name(&c), "size-start");
	assert_int_equal(scan_guarded(&c, "0\r\n\r\nNEXT", 9, &fin), 5);
	assert_int_equal(fin, 1);
	assert_string_equal(http1_chunk_state_name(&c), "done");
	assert_int_equal(scan_guarded(&c, "NEXT", 4, &fin), 0);
	assert_int_equal(fin, 1);

	/* after an error the scanner stays failed */
	http1_chunk_init(&c);
	assert_int_equal(scan_guarded(&c, "z", 1, &fin), -1);
	assert_string_equal(http1_chunk_state_name(&c), "error");
	assert_int_equal(scan_guarded(&c, "0\r\n\r\n", 5, &fin), -1);

	/* a reset scanner starts over */
	http1_chunk_init(&c);
	assert_int_equal(scan_guarded(&c, "2\r\nab", 5, &fin), 5);
	assert_int_equal(fin, 0);
	assert_string_equal(http1_chunk_state_name(&c), "data-cr");
	assert_int_equal(scan_guarded(&c, "", 0, &fin), 0);
	assert_int_equal(fin, 0);
}

/* ---- helpers ------------------------------------------------------- */

static void test_hdr_find(void **state)
{
	struct parsed x;
	const struct http1_hdr *h;
	size_t pos = 0;

	(void)state;
	req(&x, "GET / HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nX: y\r\n"
	    "cookie: b=2\r\n\r\n");
	h = http1_hdr_find(&x.m, "COOKIE", &pos);
	assert_non_null(h);
	assert_span(h->value, h->value_len, "a=1");
	assert_int_equal(pos, 2);
	h = http1_hdr_find(&x.m, "Cookie", &pos);
	assert_non_null(h);
	assert_span(h->value, h->value_len, "b=2");
	assert_int_equal(pos, 4);
	assert_null(http1_hdr_find(&x.m, "cookie", &pos));
	assert_null(http1_hdr_find(&x.m, "cooki", NULL));
	assert_null(http1_hdr_find(&x.m, "cookies", NULL));
	assert_null(http1_hdr_find(&x.m, "cookiz", NULL));
	h = http1_hdr_find(&x.m, "x", NULL);
	assert_non_null(h);
	assert_span(h->value, h->value_len, "y");
	done(&x);
}

static void test_name_eq(void **state)
{
	(void)state;
	assert_true(http1_name_eq("Content-Length", 14, "content-length"));
	assert_true(http1_name_eq("HOST", 4, "host"));
	assert_false(http1_name_eq("Hos", 3, "host"));
	assert_false(http1_name_eq("Hosts", 5, "host"));
	assert_false(http1_name_eq("Hosx", 4, "host"));
	assert_true(http1_name_eq("", 0, ""));
	/* case folding is for letters only: '^' is not '~' */
	assert_false(http1_name_eq("^", 1, "~"));
	assert_false(http1_name_eq("@", 1, "`"));
}

static void test_is_token_and_idempotent(void **state)
{
	(void)state;
	assert_true(http1_is_token("GET", 3));
	assert_true(http1_is_token("X-Y_z.1~", 8));
	assert_false(http1_is_token("", 0));
	assert_false(http1_is_token("G T", 3));
	assert_false(http1_is_token("A\x80", 2));

	assert_true(http1_method_idempotent("GET", 3));
	assert_true(http1_method_idempotent("HEAD", 4));
	assert_true(http1_method_idempotent("PUT", 3));
	assert_true(http1_method_idempotent("DELETE", 6));
	assert_true(http1_method_idempotent("OPTIONS", 7));
	assert_true(http1_method_idempotent("TRACE", 5));
	assert_false(http1_method_idempotent("POST", 4));
	assert_false(http1_method_idempotent("PATCH", 5));
	assert_false(http1_method_idempotent("CONNECT", 7));
	assert_false(http1_method_idempotent("get", 3));
	assert_false(http1_method_idempotent("GETX", 4));
	assert_false(http1_method_idempotent("GE", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_bytes),
		cmocka_unit_test(test_value_and_target_bytes),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_post_with_body_after_head),
		cmocka_unit_test(test_head_http10_no_host),
		cmocka_unit_test(test_other_request_forms),
		cmocka_unit_test(test_empty_values_and_ows),
		cmocka_unit_test(test_lone_lf),
		cmocka_unit_test(test_leading_empty_lines),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_reparse_resets_msg),
		cmocka_unit_test(test_every_prefix_needs_more),
		cmocka_unit_test(test_response_every_prefix_needs_more),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_nul_in_value),
		cmocka_unit_test(test_error_position),
		cmocka_unit_test(test_too_many_headers),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_transfer_encoding),
		cmocka_unit_test(test_connection_and_expect),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_response_framing),
		cmocka_unit_test(test_bad_responses),
		cmocka_unit_test(test_higher_minor_version_is_http11),
		cmocka_unit_test(test_chunk_good),
		cmocka_unit_test(test_chunk_remaining),
		cmocka_unit_test(test_chunk_bad),
		cmocka_unit_test(test_chunk_line_limit),
		cmocka_unit_test(test_chunk_trailer_limit),
		cmocka_unit_test(test_chunk_after_end),
		cmocka_unit_test(test_hdr_find),
		cmocka_unit_test(test_name_eq),
		cmocka_unit_test(test_is_token_and_idempotent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
