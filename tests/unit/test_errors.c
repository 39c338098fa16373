/*
 * test_errors.c - the built-in error pages are well-formed HTTP responses
 * and config/errors/ ships exactly the same pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errors.h"
#include "http1.h"
#include "proxy.h"

static const int codes[] = { 400, 403, 408, 429, 500, 502, 503, 504 };

static void test_builtin_pages_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const struct errorfile *e = errors_get(NULL, NULL, codes[i]);
		struct http1_hdr hdrs[16];
		struct http1_msg m = { .hdrs = hdrs, .max_hdrs = 16 };
		int n = http1_parse_response(e->data, e->len, &m);

		assert_true(n > 0);
		assert_int_equal(m.status, codes[i]);
		assert_true(m.flags & HTTP1_F_HAS_CL);
		assert_int_equal(m.content_length, e->len - (size_t)n);
		assert_true(m.flags & HTTP1_F_CONN_CLOSE);
	}
}

static void test_shipped_files_match(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const struct errorfile *e = errors_get(NULL, NULL, codes[i]);
		char path[64], buf[2048];
		FILE *f;
		size_t n;

		snprintf(path, sizeof(path), "config/errors/%d.http", codes[i]);
		f = fopen(path, "rb");
		assert_non_null(f);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		assert_int_equal(n, e->len);
		assert_memory_equal(buf, e->data, n);
	}
}

static void test_unknown_status_falls_back_to_500(void **state)
{
	(void)state;
	assert_int_equal(errors_get(NULL, NULL, 299)->status, 500);
}

static void test_proxy_errorfile_wins(void **state)
{
	struct proxy be, fe;
	char page[] = "HTTP/1.1 503 Busy\r\ncontent-length: 0\r\n\r\n";

	(void)state;
	memset(&be, 0, sizeof(be));
	memset(&fe, 0, sizeof(fe));
	fe.errs[0].status = 503;
	fe.errs[0].data = page;
	fe.errs[0].len = sizeof(page) - 1;
	assert_ptr_equal(errors_get(&be, &fe, 503)->data, page);
	assert_ptr_not_equal(errors_get(&be, &fe, 502)->data, page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_pages_parse),
		cmocka_unit_test(test_shipped_files_match),
		cmocka_unit_test(test_unknown_status_falls_back_to_500),
		cmocka_unit_test(test_proxy_errorfile_wins),
	};
	return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
