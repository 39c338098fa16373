/*
 * test_agentx_addr.c - the AgentX master sockets the daemons accept
 * (snmp-agentx-socket, snmp_socket, vrrpd -A): paths and literal
 * addresses, never a name to look up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "agentx.h"

static void test_accepted(void **state)
{
	static const char *const ok[] = {
		"/var/agentx/master", "unix:/run/snmp/agentx", "tcp:127.0.0.1:705",
		"udp:192.0.2.7:705", "tcp:[::1]:705", "tcp:[2001:db8::1]:65535",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!agx_socket_valid(ok[i]))
			fail_msg("refused: %s", ok[i]);
}

static void test_refused(void **state)
{
	char longpath[200];
	static const char *const bad[] = {
		"", "master", "unix:", "unix:relative", "tcp:localhost:705",
		"tcp:snmp.example.org:705", "tcp:127.0.0.1", "tcp:127.0.0.1:",
		"tcp:127.0.0.1:0", "tcp:127.0.0.1:65536", "tcp:127.0.0.1:-1",
		"tcp:127.0.0.1:+5", "tcp:127.0.0.1:70x", "tcp:::1:705",
		"tcp:[::1:705", "tcp:[]:705", "tcp:[127.0.0.1]:705", "ssh:127.0.0.1:705",
		"tcp:1.2.3:705",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (agx_socket_valid(bad[i]))
			fail_msg("accepted: '%s'", bad[i]);
	assert_false(agx_socket_valid(NULL));
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_false(agx_socket_valid(longpath));
	longpath[107] = '\0';
	assert_true(agx_socket_valid(longpath));
	longpath[107] = 'a';
	longpath[108] = '\0';
	assert_false(agx_socket_valid(longpath));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
