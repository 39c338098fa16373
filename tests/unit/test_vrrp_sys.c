/*
 * test_vrrp_sys.c - the syntax of global_defs' process settings:
 * vrrp_cpu_affinity's CPU numbers and ranges and umask's numbers and
 * I{R|W|X}{USR|GRP|OTH} names. Every string ends at an unmapped page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "guard.h"
#include "vrrp_sys.h"

static int cpus(const char *s, uint64_t *mask)
{
	struct guard_buf g;
	char *b = guard_copy(&g, s, strlen(s) + 1);
	int rc;

	assert_non_null(b);
	rc = vrrp_sys_parse_cpus(b, mask, 2);
	guard_free(&g);
	return rc;
}

static int um(const char *s, unsigned *m)
{
	struct guard_buf g;
	char *b = guard_copy(&g, s, strlen(s) + 1);
	int rc;

	assert_non_null(b);
	rc = vrrp_sys_parse_umask(b, m);
	guard_free(&g);
	return rc;
}

static void test_cpus(void **state)
{
	uint64_t m[2] = { 0 };

	assert_int_equal(cpus("0", m), 0);
	assert_int_equal(cpus("2-4", m), 0);
	assert_int_equal(cpus("127", m), 0);
	assert_true(m[0] == 0x1d);
	assert_true(m[1] == 1ull << 63);
	assert_int_equal(cpus("128", m), -1);	/* past the mask */
	assert_int_equal(cpus("4-2", m), -1);
	assert_int_equal(cpus("-1", m), -1);
	assert_int_equal(cpus("1-", m), -1);
	assert_int_equal(cpus("1x", m), -1);
	assert_int_equal(cpus("", m), -1);
	assert_int_equal(cpus("99999999999999999999999", m), -1);
}

static void test_umask(void **state)
{
	unsigned m = 1;

	assert_int_equal(um("022", &m), 0);
	assert_int_equal(m, 022);
	assert_int_equal(um("0x12", &m), 0);
	assert_int_equal(m, 022);
	assert_int_equal(um("18", &m), 0);
	assert_int_equal(m, 022);
	assert_int_equal(um("IWGRP|IWOTH", &m), 0);
	assert_int_equal(m, 022);
	assert_int_equal(um("IRWXO", &m), -1);
	assert_int_equal(um(" IXUSR | IRGRP |IROTH ", &m), 0);
	assert_int_equal(m, 0144);
	assert_int_equal(um("0777", &m), 0);
	assert_int_equal(um("01000", &m), -1);
	assert_int_equal(um("0999", &m), -1);
	assert_int_equal(um("IWGRP|", &m), -1);
	assert_int_equal(um("IWGRP||IWOTH", &m), -1);
	assert_int_equal(um("IWGRP IWOTH", &m), -1);
	assert_int_equal(um("IWGR", &m), -1);
	assert_int_equal(um("", &m), -1);
	assert_int_equal(um("-1", &m), -1);
	assert_int_equal(um("99999999999999999999999", &m), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_umask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
