/*
 * test_lifecycle.c - the pure parts of the server lifecycle: the slow-start
 * ramp, and which HTTP statuses "observe layer7" counts as errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "observe.h"
#include "slowstart.h"

static void test_slowstart_ramp_is_linear_from_5_to_100(void **state)
{
	(void)state;
	assert_int_equal(slowstart_pct(0, 10000), SLOWSTART_MIN_PCT);
	assert_int_equal(slowstart_pct(-5, 10000), SLOWSTART_MIN_PCT);
	assert_int_equal(slowstart_pct(5000, 10000), 52);	/* 5 + 47.5 */
	assert_int_equal(slowstart_pct(9999, 10000), 99);
	assert_int_equal(slowstart_pct(10000, 10000), 100);
	assert_int_equal(slowstart_pct(20000, 10000), 100);
	assert_int_equal(slowstart_pct(0, 0), 100);
	for (unsigned t = 0, last = 0; t <= 10000; t += 250) {
		unsigned p = slowstart_pct(t, 10000);

		assert_true(p >= last);
		last = p;
	}
}

static void test_observe_layer7_error_statuses(void **state)
{
	(void)state;
	assert_false(observe_status_is_error(200));
	assert_false(observe_status_is_error(404));
	assert_false(observe_status_is_error(499));
	assert_false(observe_status_is_error(501));
	assert_false(observe_status_is_error(505));
	assert_true(observe_status_is_error(500));
	assert_true(observe_status_is_error(502));
	assert_true(observe_status_is_error(503));
	assert_true(observe_status_is_error(504));
	assert_true(observe_status_is_error(599));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slowstart_ramp_is_linear_from_5_to_100),
		cmocka_unit_test(test_observe_layer7_error_statuses),
	};
	return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
