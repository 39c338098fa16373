/*
 * vrrp_arp.c - gratuitous ARP and unsolicited NA frames (see vrrp_arp.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "vrrp_arp.h"
#include "vrrp_conf.h"
#include "vrrp_packet.h"

int vrrp_arp_open(void)
{
	/* protocol 0: send only, nothing is queued for reading */
	return socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
}

static size_t build_arp(uint8_t *f, const uint8_t mac[6], const uint8_t *ip)
{
	memset(f, 0xff, 6);			/* broadcast */
	memcpy(f + 6, mac, 6);
	f[12] = ETH_P_ARP >> 8;
	f[13] = ETH_P_ARP & 0xff;
	f[14] = 0; f[15] = 1;			/* Ethernet */
	f[16] = 0x08; f[17] = 0x00;		/* IPv4 */
	f[18] = 6; f[19] = 4;
	f[20] = 0; f[21] = 1;			/* request */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, ip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, ip, 4);
	memset(f + 42, 0, 18);			/* pad to 60 */
	return 60;
}

static size_t build_na(uint8_t *f, const uint8_t mac[6], const uint8_t *ip,
		       const uint8_t *ll)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	uint8_t *ip6 = f + 14, *na = ip6 + 40;
	const uint16_t plen = 32;
	uint8_t pseudo_len[4] = { 0, 0, 0, plen }, pseudo_nh[4] = { 0, 0, 0, 58 };
	uint16_t ck;

	f[0] = 0x33; f[1] = 0x33; f[2] = 0; f[3] = 0; f[4] = 0; f[5] = 1;
	memcpy(f + 6, mac, 6);
	f[12] = ETH_P_IPV6 >> 8;
	f[13] = ETH_P_IPV6 & 0xff;
	memset(ip6, 0, 40);
	ip6[0] = 0x60;
	ip6[4] = 0;
	ip6[5] = plen;
	ip6[6] = 58;				/* ICMPv6 */
	ip6[7] = 255;
	memcpy(ip6 + 8, ll, 16);
	memcpy(ip6 + 24, all_nodes, 16);
	memset(na, 0, plen);
	na[0] = 136;				/* neighbour advertisement */
	na[4] = 0x20;				/* override */
	memcpy(na + 8, ip, 16);
	na[24] = 2;				/* target link-layer address */
	na[25] = 1;
	memcpy(na + 26, mac, 6);
	struct vrrp_pkt_chunk ch[] = {
		{ ll, 16 }, { all_nodes, 16 }, { pseudo_len, 4 },
		{ pseudo_nh, 4 }, { na, plen },
	};
	ck = vrrp_pkt_cksum(ch, 5);
	na[2] = (uint8_t)(ck >> 8);
	na[3] = (uint8_t)(ck & 0xff);
	return 14 + 40 + plen;
}

size_t vrrp_arp_build(uint8_t *frame, size_t len, const uint8_t mac[6],
		      const struct vrrp_conf_addr *addr,
		      const struct vrrp_conf_addr *ll)
{
	if (len < VRRP_ARP_FRAME_MAX)
		return 0;
	if (addr->family == AF_INET)
		return build_arp(frame, mac, addr->u.b);
	if (addr->family != AF_INET6 || !ll || ll->family != AF_INET6)
		return 0;
	return build_na(frame, mac, addr->u.b, ll->u.b);
}

int vrrp_arp_send(int fd, int ifindex, const uint8_t mac[6],
		  const struct vrrp_conf_addr *addr,
		  const struct vrrp_conf_addr *ll)
{
	uint8_t frame[VRRP_ARP_FRAME_MAX];
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_halen = 6,
		.sll_protocol = htons(addr->family == AF_INET ? ETH_P_ARP
							      : ETH_P_IPV6),
	};
	size_t len = vrrp_arp_build(frame, sizeof(frame), mac, addr, ll);

	if (len == 0)
		return -1;
	memcpy(sll.sll_addr, frame, 6);
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -1;
	return 0;
}
