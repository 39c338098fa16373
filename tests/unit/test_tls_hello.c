/*
 * test_tls_hello.c - the ClientHello reader behind req.ssl_sni. The hello
 * below is what "openssl s_client -servername www.example.test -alpn
 * http/1.1" (OpenSSL 3.0, Debian 12) sent on loopback; the others are
 * written from RFC 8446 section 4.1.2 and RFC 6066 section 3. Every input
 * ends at an unmapped page, and every prefix of a good hello must ask for
 * more, never be judged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "guard.h"
#include "tls_hello.h"

static const uint8_t s_client_hello[] = {
	0x16, 0x03, 0x01, 0x01, 0x4c, 0x01, 0x00, 0x01, 0x48, 0x03, 0x03, 0x08,
	0x06, 0x9a, 0x35, 0x90, 0x64, 0xb1, 0x6e, 0xe1, 0xcf, 0x48, 0x77, 0xcd,
	0x59, 0x5f, 0xf7, 0x5a, 0x45, 0x5f, 0xb3, 0xb2, 0xb4, 0x46, 0x6e, 0x81,
	0xcb, 0xed, 0xaf, 0xc5, 0xb0, 0x14, 0x90, 0x20, 0x8d, 0x91, 0xf2, 0x47,
	0x49, 0x16, 0xfc, 0x04, 0xa0, 0x6b, 0xd0, 0x19, 0x68, 0x80, 0x40, 0x86,
	0xd9, 0xd3, 0x52, 0x7c, 0x6f, 0x3f, 0x29, 0x55, 0xa1, 0xd0, 0xb8, 0x93,
	0x3c, 0x2f, 0x13, 0x2d, 0x00, 0x3e, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01,
	0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa,
	0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b,
	0xc0, 0x23, 0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39,
	0xc0, 0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d,
	0x00, 0x3c, 0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00, 0xc1,
	0x00, 0x00, 0x00, 0x15, 0x00, 0x13, 0x00, 0x00, 0x10, 0x77, 0x77, 0x77,
	0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x74, 0x65, 0x73,
	0x74, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00,
	0x16, 0x00, 0x14, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00,
	0x18, 0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x01, 0x03, 0x01, 0x04, 0x00,
	0x23, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0b, 0x00, 0x09, 0x08, 0x68, 0x74,
	0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17,
	0x00, 0x00, 0x00, 0x0d, 0x00, 0x2a, 0x00, 0x28, 0x04, 0x03, 0x05, 0x03,
	0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b,
	0x08, 0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01,
	0x03, 0x03, 0x03, 0x01, 0x03, 0x02, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02,
	0x00, 0x2b, 0x00, 0x09, 0x08, 0x03, 0x04, 0x03, 0x03, 0x03, 0x02, 0x03,
	0x01, 0x00, 0x2d, 0x00, 0x02, 0x01, 0x01, 0x00, 0x33, 0x00, 0x26, 0x00,
	0x24, 0x00, 0x1d, 0x00, 0x20, 0xad, 0xd8, 0xeb, 0x3d, 0x53, 0x85, 0x9f,
	0x8d, 0xa7, 0x12, 0x31, 0x4c, 0x05, 0x0a, 0xe0, 0x75, 0x88, 0xe3, 0x86,
	0x93, 0xec, 0x51, 0xea, 0xe0, 0xab, 0x16, 0xdf, 0xf0, 0xbb, 0xc8, 0xa6,
	0x38,
};

static int parse(const void *b, size_t n, struct tls_hello *h)
{
	struct guard_buf g;
	const uint8_t *p = (const uint8_t *)guard_copy(&g, b, n);
	int rc;

	assert_non_null(p);
	rc = tls_hello_parse(p, n, h);
	/* results point into the input: rebase them for the caller */
	if (h->sni)
		h->sni = (const char *)b + ((const uint8_t *)h->sni - p);
	guard_free(&g);
	return rc;
}

/* A record holding one ClientHello whose extensions are ext (n bytes, or
 * none at all when n is (size_t)-1). Returns the length. */
static size_t build(uint8_t *out, const uint8_t *ext, size_t n)
{
	size_t body = 2 + 32 + 1 + 2 + 2 + 2 + (n == (size_t)-1 ? 0 : 2 + n);
	uint8_t *p = out;

	*p++ = 22; *p++ = 3; *p++ = 1;
	*p++ = (uint8_t)((body + 4) >> 8); *p++ = (uint8_t)(body + 4);
	*p++ = 1; *p++ = 0; *p++ = (uint8_t)(body >> 8); *p++ = (uint8_t)body;
	*p++ = 3; *p++ = 3;
	memset(p, 0xab, 32);
	p += 32;
	*p++ = 0;				/* session id */
	*p++ = 0; *p++ = 2; *p++ = 0x13; *p++ = 0x01;	/* one suite */
	*p++ = 1; *p++ = 0;			/* null compression */
	if (n != (size_t)-1) {
		*p++ = (uint8_t)(n >> 8); *p++ = (uint8_t)n;
		if (n)
			memcpy(p, ext, n);
		p += n;
	}
	return (size_t)(p - out);
}

static void test_real_hello(void **state)
{
	struct tls_hello h;

	assert_int_equal(parse(s_client_hello, sizeof(s_client_hello), &h), TLS_HELLO_OK);
	assert_int_equal(h.type, 1);
	assert_int_equal(h.version, 0x0303);
	assert_int_equal(h.sni_len, strlen("www.example.test"));
	assert_memory_equal(h.sni, "www.example.test", h.sni_len);
	assert_false(h.split);
}

static void test_every_prefix_asks_for_more(void **state)
{
	struct tls_hello h;

	for (size_t n = 0; n < sizeof(s_client_hello); n++) {
		assert_int_equal(parse(s_client_hello, n, &h), TLS_HELLO_MORE);
		assert_null(h.sni);
	}
}

static void test_not_tls(void **state)
{
	struct tls_hello h;
	uint8_t b[sizeof(s_client_hello)];

	/* judged from the first bytes, without waiting */
	assert_int_equal(parse("G", 1, &h), TLS_HELLO_BAD);
	assert_int_equal(parse("GET / HTTP/1.1\r\n", 16, &h), TLS_HELLO_BAD);
	assert_int_equal(parse("\x16\x02", 2, &h), TLS_HELLO_BAD);	/* SSLv2-era major */
	assert_int_equal(parse("\x16\x03\x09", 3, &h), TLS_HELLO_BAD);
	assert_int_equal(parse("\x16\x03\x01\xff\xff", 5, &h), TLS_HELLO_BAD);	/* > 16384 */
	assert_int_equal(parse("\x16\x03\x01\x00\x02", 5, &h), TLS_HELLO_BAD);	/* < header */
	memcpy(b, s_client_hello, sizeof(b));
	b[5] = 2;				/* a ServerHello */
	assert_int_equal(parse(b, 6, &h), TLS_HELLO_BAD);
}

static void test_no_extensions_and_no_sni(void **state)
{
	uint8_t b[128];
	static const uint8_t alpn_only[] = { 0, 16, 0, 5, 0, 3, 2, 'h', '2' };
	struct tls_hello h;

	assert_int_equal(parse(b, build(b, NULL, (size_t)-1), &h), TLS_HELLO_OK);
	assert_null(h.sni);
	assert_int_equal(parse(b, build(b, alpn_only, sizeof(alpn_only)), &h), TLS_HELLO_OK);
	assert_null(h.sni);
	assert_int_equal(parse(b, build(b, NULL, 0), &h), TLS_HELLO_OK);
}

static void test_bad_server_names(void **state)
{
	uint8_t b[600], ext[400];
	struct tls_hello h;
	static const uint8_t good[] = { 0, 0, 0, 8, 0, 6, 0, 0, 3, 'a', '.', 'b' };
	static const uint8_t space[] = { 0, 0, 0, 8, 0, 6, 0, 0, 3, 'a', ' ', 'b' };
	static const uint8_t empty[] = { 0, 0, 0, 5, 0, 3, 0, 0, 0 };
	static const uint8_t twice[] = { 0, 0, 0, 10, 0, 8, 0, 0, 1, 'a', 0, 0, 1, 'b' };
	static const uint8_t overrun[] = { 0, 0, 0, 8, 0, 6, 0, 0, 9, 'a', '.', 'b' };
	static const uint8_t listlen[] = { 0, 0, 0, 8, 0, 7, 0, 0, 3, 'a', '.', 'b' };

	assert_int_equal(parse(b, build(b, good, sizeof(good)), &h), TLS_HELLO_OK);
	assert_int_equal(h.sni_len, 3);
	assert_memory_equal(h.sni, "a.b", 3);
	assert_int_equal(parse(b, build(b, space, sizeof(space)), &h), TLS_HELLO_BAD);
	assert_int_equal(parse(b, build(b, empty, sizeof(empty)), &h), TLS_HELLO_BAD);
	assert_int_equal(parse(b, build(b, twice, sizeof(twice)), &h), TLS_HELLO_BAD);
	assert_int_equal(parse(b, build(b, overrun, sizeof(overrun)), &h), TLS_HELLO_BAD);
	assert_int_equal(parse(b, build(b, listlen, sizeof(listlen)), &h), TLS_HELLO_BAD);
	assert_null(h.sni);
	/* 256 bytes: longer than a host name may be */
	memcpy(ext, (const uint8_t[]){ 0, 0, 1, 5, 1, 3, 0, 1, 0 }, 9);
	memset(ext + 9, 'a', 256);
	assert_int_equal(parse(b, build(b, ext, 9 + 256), &h), TLS_HELLO_BAD);
}

static void test_split_hello(void **state)
{
	uint8_t b[sizeof(s_client_hello)];
	struct tls_hello h;

	/* the first record carries only the start of the hello */
	memcpy(b, s_client_hello, sizeof(b));
	b[3] = 0;
	b[4] = 100;
	assert_int_equal(parse(b, 105, &h), TLS_HELLO_OK);
	assert_true(h.split);
	assert_null(h.sni);
	/* bytes after the hello inside the record */
	memcpy(b, s_client_hello, sizeof(b));
	b[8] = (uint8_t)(b[8] - 1);
	assert_int_equal(parse(b, sizeof(b), &h), TLS_HELLO_BAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_hello),
		cmocka_unit_test(test_every_prefix_asks_for_more),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_no_extensions_and_no_sni),
		cmocka_unit_test(test_bad_server_names),
		cmocka_unit_test(test_split_hello),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
