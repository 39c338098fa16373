/*
 * test_vrrp_arp.c - the announcement frames: gratuitous ARP (RFC 5227
 * "ARP announcement" form) and unsolicited neighbour advertisement (RFC
 * 4861 7.2.6), byte by byte, with the ICMPv6 checksum verified.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "vrrp_arp.h"
#include "vrrp_conf.h"
#include "vrrp_packet.h"

static const uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 };

static struct vrrp_conf_addr addr(const char *s)
{
	struct vrrp_conf_addr a = { 0 };

	a.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(a.family, s, a.u.b), 1);
	return a;
}

static void test_garp(void **state)
{
	uint8_t f[VRRP_ARP_FRAME_MAX];
	struct vrrp_conf_addr vip = addr("192.0.2.50");
	static const uint8_t head[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* broadcast */
		0x00, 0x00, 0x5e, 0x00, 0x01, 0x33,	/* from us */
		0x08, 0x06,				/* ARP */
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,	/* request */
		0x00, 0x00, 0x5e, 0x00, 0x01, 0x33, 192, 0, 2, 50,
		0, 0, 0, 0, 0, 0, 192, 0, 2, 50,
	};

	assert_int_equal(vrrp_arp_build(f, sizeof(f), mac, &vip, NULL), 60);
	assert_memory_equal(f, head, sizeof(head));
	for (size_t i = sizeof(head); i < 60; i++)
		assert_int_equal(f[i], 0);
	assert_int_equal(vrrp_arp_build(f, 10, mac, &vip, NULL), 0);
}

static void test_unsolicited_na(void **state)
{
	uint8_t f[VRRP_ARP_FRAME_MAX];
	struct vrrp_conf_addr vip = addr("2001:db8::50");
	struct vrrp_conf_addr ll = addr("fe80::1");
	struct vrrp_conf_addr all = addr("ff02::1");
	uint8_t plen[4] = { 0, 0, 0, 32 }, nh[4] = { 0, 0, 0, 58 };
	const uint8_t *ip6 = f + 14, *na = f + 54;

	assert_int_equal(vrrp_arp_build(f, sizeof(f), mac, &vip, NULL), 0);
	assert_int_equal(vrrp_arp_build(f, sizeof(f), mac, &vip, &ll), 86);
	/* 33:33:00:00:00:01, ours, IPv6 */
	assert_memory_equal(f, "\x33\x33\x00\x00\x00\x01", 6);
	assert_memory_equal(f + 6, mac, 6);
	assert_int_equal(f[12], 0x86);
	assert_int_equal(f[13], 0xdd);
	assert_int_equal(ip6[0] >> 4, 6);
	assert_int_equal(ip6[5], 32);		/* payload length */
	assert_int_equal(ip6[6], 58);		/* ICMPv6 */
	assert_int_equal(ip6[7], 255);		/* hop limit */
	assert_memory_equal(ip6 + 8, ll.u.b, 16);
	assert_memory_equal(ip6 + 24, all.u.b, 16);
	assert_int_equal(na[0], 136);
	assert_int_equal(na[1], 0);
	assert_int_equal(na[4], 0x20);		/* override, not solicited */
	assert_memory_equal(na + 8, vip.u.b, 16);
	assert_int_equal(na[24], 2);		/* target link-layer address */
	assert_int_equal(na[25], 1);
	assert_memory_equal(na + 26, mac, 6);
	struct vrrp_pkt_chunk ch[] = {
		{ ll.u.b, 16 }, { all.u.b, 16 }, { plen, 4 }, { nh, 4 },
		{ na, 32 },
	};
	assert_int_equal(vrrp_pkt_cksum(ch, 5), 0);	/* checksum right */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garp),
		cmocka_unit_test(test_unsolicited_na),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
