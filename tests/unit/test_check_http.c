/*
 * test_check_http.c - judging HTTP check responses (chk_http_expect): the
 * status lists, body matches that wait for the whole body, keep-alive
 * bodies read whole, inverse rules, and invalid or truncated responses.
 * Inputs end at an unmapped page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check_http.h"
#include "check_tcp.h"
#include "guard.h"

static int judge(enum tcpchk_match m, const char *pattern, int inverse,
		 const char *resp, int complete, struct tcpchk_verdict *v)
{
	struct tcpchk_rule r;
	struct guard_buf g;
	size_t len = strlen(resp);
	char *buf;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kind = TCPCHK_EXPECT;
	r.match = m;
	r.inverse = inverse;
	r.data = (char *)pattern;
	r.len = pattern ? strlen(pattern) : 0;
	buf = guard_copy(&g, resp, len);
	assert_non_null(buf);
	rc = chk_http_expect(&r, buf, len, complete, v);
	guard_free(&g);
	return rc;
}

#define OK200 "HTTP/1.1 200 Fine\r\nContent-Length: 5\r\n\r\nhello"

static void test_status_lists_and_ranges(void **state)
{
	struct tcpchk_verdict v;

	(void)state;
	assert_int_equal(judge(TCPCHK_M_HTTP_STATUS, "200", 0, OK200, 0, &v), 1);
	assert_int_equal(v.code, 200);
	assert_string_equal(v.info, "Fine");
	assert_int_equal(judge(TCPCHK_M_HTTP_STATUS, "204,301-302", 0, OK200, 0, &v), -1);
	assert_true(v.wrong_status);
	assert_int_equal(v.code, 200);
	assert_int_equal(judge(TCPCHK_M_HTTP_STATUS, "100-199,200", 0, OK200, 0, &v), 1);
	assert_int_equal(judge(TCPCHK_M_HTTP_STATUS, "200", 1, OK200, 0, &v), -1);
}

static void test_default_passes_2xx_and_3xx(void **state)
{
	struct tcpchk_verdict v;

	(void)state;
	assert_int_equal(judge(TCPCHK_M_HTTP_DEFAULT, NULL, 0, OK200, 0, &v), 1);
	assert_int_equal(judge(TCPCHK_M_HTTP_DEFAULT, NULL, 0,
			       "HTTP/1.0 302 Moved\r\nContent-Length: 0\r\n\r\n", 0, &v), 1);
	assert_int_equal(judge(TCPCHK_M_HTTP_DEFAULT, NULL, 0,
			       "HTTP/1.0 503 Busy\r\nContent-Length: 0\r\n\r\n", 0, &v), -1);
	assert_true(v.wrong_status);
	assert_int_equal(v.code, 503);
}

static void test_body_is_read_whole(void **state)
{
	struct tcpchk_verdict v;
	const char *part = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel";

	(void)state;
	/* a length not yet reached: more, even for a status match */
	assert_int_equal(judge(TCPCHK_M_HTTP_STRING, "hello", 0, part, 0, &v), 0);
	assert_int_equal(judge(TCPCHK_M_HTTP_STATUS, "200", 0, part, 0, &v), 0);
	assert_int_equal(judge(TCPCHK_M_HTTP_STRING, "hello", 0, OK200, 0, &v), 1);
	assert_int_equal(judge(TCPCHK_M_HTTP_STRING, "bye", 0, OK200, 0, &v), -1);
	assert_false(v.wrong_status);
	assert_string_equal(v.info, "content did not match the expected string");
	/* until the close: a status is judged at once, a string at the close */
	assert_int_equal(judge(TCPCHK_M_HTTP_STATUS, "200", 0,
			       "HTTP/1.0 200 OK\r\n\r\nab", 0, &v), 1);
	assert_int_equal(judge(TCPCHK_M_HTTP_STRING, "abc", 0,
			       "HTTP/1.0 200 OK\r\n\r\nab", 0, &v), 0);
	assert_int_equal(judge(TCPCHK_M_HTTP_STRING, "abc", 0,
			       "HTTP/1.0 200 OK\r\n\r\nabc", 1, &v), 1);
	/* chunked: up to the last chunk */
	assert_int_equal(judge(TCPCHK_M_HTTP_STRING, "up", 0,
			       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nup\r\n",
			       0, &v), 0);
	assert_int_equal(judge(TCPCHK_M_HTTP_STRING, "up", 0,
			       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nup"
			       "\r\n0\r\n\r\n", 0, &v), 1);
}

static void test_invalid_and_truncated(void **state)
{
	struct tcpchk_verdict v;

	(void)state;
	assert_int_equal(judge(TCPCHK_M_HTTP_STATUS, "200", 0, "HTTP/1.1 200", 0, &v), 0);
	assert_int_equal(judge(TCPCHK_M_HTTP_STATUS, "200", 0, "HTTP/1.1 200", 1, &v), -1);
	assert_string_equal(v.info, "truncated response");
	assert_int_equal(judge(TCPCHK_M_HTTP_STATUS, "200", 0,
			       "SSH-2.0-OpenSSH\r\n\r\n", 0, &v), -1);
	assert_string_equal(v.info, "invalid response");
	assert_false(v.wrong_status);
}

static int judge_hdr(int full, const char *name, enum chk_hm nm, const char *value,
		     enum chk_hm vm, const char *resp)
{
	struct chk_hdr_match hm = { .name = (char *)name, .value = (char *)value,
				    .name_m = nm, .value_m = vm, .full = full };
	struct tcpchk_rule r;
	struct tcpchk_verdict v;
	struct guard_buf g;
	size_t len = strlen(resp);
	char *buf;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kind = TCPCHK_EXPECT;
	r.match = TCPCHK_M_HTTP_HDR;
	r.hdrm = &hm;
	buf = guard_copy(&g, resp, len);
	assert_non_null(buf);
	rc = chk_http_expect(&r, buf, len, 0, &v);
	guard_free(&g);
	return rc;
}

#define HDRS "HTTP/1.1 200 OK\r\nX-State: ready, warm\r\nContent-Length: 0\r\n\r\n"

static void test_header_matches(void **state)
{
	(void)state;
	/* presence, names without case */
	assert_int_equal(judge_hdr(0, "x-state", CHK_HM_STR, NULL, 0, HDRS), 1);
	assert_int_equal(judge_hdr(0, "X-Other", CHK_HM_STR, NULL, 0, HDRS), -1);
	assert_int_equal(judge_hdr(0, "x-st", CHK_HM_BEG, NULL, 0, HDRS), 1);
	assert_int_equal(judge_hdr(0, "STATE", CHK_HM_END, NULL, 0, HDRS), 1);
	assert_int_equal(judge_hdr(0, "-sta", CHK_HM_SUB, NULL, 0, HDRS), 1);
	/* hdr: each comma-separated value; fhdr: the whole value */
	assert_int_equal(judge_hdr(0, "X-State", CHK_HM_STR, "warm", CHK_HM_STR, HDRS), 1);
	assert_int_equal(judge_hdr(1, "X-State", CHK_HM_STR, "warm", CHK_HM_STR, HDRS), -1);
	assert_int_equal(judge_hdr(1, "X-State", CHK_HM_STR, "ready, warm", CHK_HM_STR,
				   HDRS), 1);
	assert_int_equal(judge_hdr(0, "X-State", CHK_HM_STR, "rea", CHK_HM_BEG, HDRS), 1);
	assert_int_equal(judge_hdr(0, "X-State", CHK_HM_STR, "Ready", CHK_HM_STR, HDRS), -1);
	assert_int_equal(judge_hdr(0, "X-State", CHK_HM_STR, "cold", CHK_HM_SUB, HDRS), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_lists_and_ranges),
		cmocka_unit_test(test_default_passes_2xx_and_3xx),
		cmocka_unit_test(test_body_is_read_whole),
		cmocka_unit_test(test_invalid_and_truncated),
		cmocka_unit_test(test_header_matches),
	};
	return cmocka_run_group_tests_name("check_http", tests, NULL, NULL);
}
