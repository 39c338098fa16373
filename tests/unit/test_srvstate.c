/*
 * test_srvstate.c - the server-state file's line parser (HAProxy's "show
 * servers state" format 1), each line placed against an unmapped page:
 * HAProxy's and lbd's rows parse, the version and comment lines are
 * skipped, short, oversized or malformed rows are refused with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "guard.h"
#include "srvstate.h"

static int parse(const char *text, struct srvstate_row *r, char *err)
{
	struct guard_buf g;
	char *s = guard_copy(&g, text, strlen(text) + 1);
	int rc;

	assert_non_null(s);
	rc = srvstate_parse_line(s, r, err, 128);
	if (rc == 1) {		/* the row points into the line: copy out */
		static char be[64], sv[64], ad[64];

		strcpy(be, r->be_name);
		strcpy(sv, r->srv_name);
		strcpy(ad, r->addr);
		r->be_name = be;
		r->srv_name = sv;
		r->addr = ad;
	}
	guard_free(&g);
	return rc;
}

static void test_haproxy_row(void **state)
{
	struct srvstate_row r;
	char err[128];

	(void)state;
	/* as HAProxy 2.6 prints it: a server in forced maintenance, weight 5 */
	assert_int_equal(parse("3 be 1 s1 192.0.2.10 0 1 5 10 12 6 3 4 6 0 0 0 - 8080 - 0 0 - - 0",
			       &r, err), 1);
	assert_string_equal(r.be_name, "be");
	assert_string_equal(r.srv_name, "s1");
	assert_string_equal(r.addr, "192.0.2.10");
	assert_int_equal(r.op_state, 0);
	assert_int_equal(r.admin, 1);
	assert_int_equal(r.uweight, 5);
	assert_int_equal(r.iweight, 10);
	assert_int_equal(r.port, 8080);
	/* HAProxy 1.8's shorter rows, tabs */
	assert_int_equal(parse("3\tbe\t2\ts2\t2001:db8::1\t2\t8\t1\t1\t0\t1\t0\t2\t0\t0\t0\t0\t-\t80",
			       &r, err), 1);
	assert_int_equal(r.admin, 8);
	assert_string_equal(r.addr, "2001:db8::1");
}

static void test_skipped_lines(void **state)
{
	struct srvstate_row r;
	char err[128];

	(void)state;
	assert_int_equal(parse("1", &r, err), 0);
	assert_int_equal(parse("# be_id be_name srv_id", &r, err), 0);
	assert_int_equal(parse("", &r, err), 0);
	assert_int_equal(parse("   ", &r, err), 0);
}

static void test_bad_rows(void **state)
{
	struct srvstate_row r;
	char err[128];

	(void)state;
	assert_int_equal(parse("3 be 1 s1 192.0.2.10 0 1", &r, err), -1);
	assert_non_null(strstr(err, "fields"));
	/* a name the runtime API would split */
	assert_int_equal(parse("3 b;e 1 s1 192.0.2.10 0 1 5 10 12 6 3 4 6 0 0 0 - 80", &r, err), -1);
	assert_int_equal(parse("3 be 1 s\\1 192.0.2.10 0 1 5 10 12 6 3 4 6 0 0 0 - 80", &r, err), -1);
	/* out of range: op state, weight, port; not a number */
	assert_int_equal(parse("3 be 1 s1 192.0.2.10 4 1 5 10 12 6 3 4 6 0 0 0 - 80", &r, err), -1);
	assert_int_equal(parse("3 be 1 s1 192.0.2.10 0 1 257 10 12 6 3 4 6 0 0 0 - 80", &r, err), -1);
	assert_int_equal(parse("3 be 1 s1 192.0.2.10 0 1 5 10 12 6 3 4 6 0 0 0 - 65536", &r, err), -1);
	assert_int_equal(parse("3 be 1 s1 192.0.2.10 0 x 5 10 12 6 3 4 6 0 0 0 - 80", &r, err), -1);
	assert_int_equal(parse("3 be 1 s1 192.0.2.10 0 1 99999999999999999999 10 12 6 3 4 6 0 0 0 - 80",
			       &r, err), -1);
	/* more fields than any version has */
	assert_int_equal(parse("3 be 1 s1 a 0 1 5 10 1 1 1 1 1 1 1 1 - 80 - 0 0 - - 0 "
			       "1 2 3 4 5 6 7 8 9", &r, err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_haproxy_row),
		cmocka_unit_test(test_skipped_lines),
		cmocka_unit_test(test_bad_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
