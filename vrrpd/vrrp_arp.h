/*
 * vrrp_arp.h - gratuitous ARP (IPv4) and unsolicited neighbour
 * advertisements (IPv6, RFC 4861 7.2.6) for VIPs, sent through AF_PACKET
 * so they leave with the interface's own MAC, as keepalived's do.
 */
#ifndef VRRPD_VRRP_ARP_H
#define VRRPD_VRRP_ARP_H

#include <stddef.h>
#include <stdint.h>

struct vrrp_conf_addr;

/* Open the AF_PACKET socket (one for the daemon). Returns an fd or -1. */
int vrrp_arp_open(void);

enum { VRRP_ARP_FRAME_MAX = 128 };

/* Build the Ethernet frame that announces addr from mac into frame (len
 * bytes, at least VRRP_ARP_FRAME_MAX): an ARP request with sender and
 * target addr, broadcast (IPv4, padded to 60 bytes); or a neighbour
 * advertisement for target addr with the override flag and a target
 * link-layer address option, from the link-local ll to ff02::1, hop limit
 * 255, checksum included (IPv6). Returns the frame length, 0 when it does
 * not fit or ll is missing for IPv6. Pure: no I/O. */
size_t vrrp_arp_build(uint8_t *frame, size_t len, const uint8_t mac[6],
		      const struct vrrp_conf_addr *addr,
		      const struct vrrp_conf_addr *ll);

/* Announce addr (the VIP) on ifindex from mac: an ARP request with sender
 * and target the VIP, broadcast; or an NA with the override flag to
 * ff02::1 from the link-local address ll. Returns 0 or -1. */
int vrrp_arp_send(int fd, int ifindex, const uint8_t mac[6],
		  const struct vrrp_conf_addr *addr,
		  const struct vrrp_conf_addr *ll);

#endif
