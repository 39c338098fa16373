/*
 * test_cfg_addr.c - the address forms of "bind" and "server" lines.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "cfg.h"

struct parsed {
	struct sockaddr_storage ss;
	unsigned len;
	int has_port;
	char err[256];
};

static int parse(struct parsed *p, const char *text, int port_required)
{
	memset(p, 0, sizeof(*p));
	return cfg_parse_addr(text, &p->ss, &p->len, port_required, &p->has_port,
			      p->err, sizeof(p->err));
}

static void expect_v4(const char *text, const char *ip, unsigned port)
{
	struct parsed p;
	char buf[INET_ADDRSTRLEN];
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&p.ss;

	assert_int_equal(parse(&p, text, 0), 0);
	assert_int_equal(p.ss.ss_family, AF_INET);
	assert_int_equal(p.len, sizeof(*s4));
	assert_string_equal(inet_ntop(AF_INET, &s4->sin_addr, buf, sizeof(buf)), ip);
	assert_int_equal(ntohs(s4->sin_port), port);
}

static void expect_v6(const char *text, const char *ip, unsigned port)
{
	struct parsed p;
	char buf[INET6_ADDRSTRLEN];
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&p.ss;

	assert_int_equal(parse(&p, text, 0), 0);
	assert_int_equal(p.ss.ss_family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf)), ip);
	assert_int_equal(ntohs(s6->sin6_port), port);
}

static void test_forms(void **state)
{
	(void)state;
	expect_v4("192.0.2.10:80", "192.0.2.10", 80);
	expect_v4("*:8080", "0.0.0.0", 8080);
	expect_v4(":8080", "0.0.0.0", 8080);
	expect_v4("ipv4@127.0.0.1:1", "127.0.0.1", 1);
	expect_v4("198.51.100.1", "198.51.100.1", 0);
	expect_v6("[2001:db8::1]:443", "2001:db8::1", 443);
	expect_v6(":::80", "::", 80);
	expect_v6("ipv6@:8080", "::", 8080);
	expect_v6("[::1]:65535", "::1", 65535);
}

static void test_port_presence(void **state)
{
	struct parsed p;

	(void)state;
	assert_int_equal(parse(&p, "192.0.2.1", 0), 0);
	assert_int_equal(p.has_port, 0);
	assert_int_equal(parse(&p, "192.0.2.1", 1), -1);
	assert_non_null(strstr(p.err, "missing port"));
	assert_int_equal(parse(&p, "192.0.2.1:0", 1), 0);
	assert_int_equal(p.has_port, 1);
}

static void test_errors(void **state)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "192.0.2.1:65536", "invalid port" },
		{ "192.0.2.1:8x", "invalid port" },
		{ "192.0.2.1:80-90", "port ranges" },
		{ "192.0.2.1:+1", "port offsets" },
		{ "[2001:db8::1", "invalid address" },
		{ "[2001:db8::1]x", "invalid address" },
		{ "unix@/tmp/x", "address family" },
		{ "example.invalid:80", "name resolution is disabled" },
	};
	struct parsed p;

	(void)state;
	cfg_resolve_names = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&p, bad[i].text, 0), -1);
		assert_non_null(strstr(p.err, bad[i].msg));
	}
	cfg_resolve_names = 1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_port_presence),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests_name("cfg_addr", tests, NULL, NULL);
}
