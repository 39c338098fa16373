/*
 * vrrp_arp.h - gratuitous ARP (IPv4) and unsolicited neighbour
 * advertisements (IPv6, RFC 4861 7.2.6) for VIPs, sent through AF_PACKET
 * so they leave with the interface's own MAC, as keepalived's do.
 */
#ifndef VRRPD_VRRP_ARP_H
#define VRRPD_VRRP_ARP_H

#include <stdint.h>

struct vrrp_conf_addr;

/* Open the AF_PACKET socket (one for the daemon). Returns an fd or -1. */
int vrrp_arp_open(void);

/* Announce addr (the VIP) on ifindex from mac: an ARP request with sender
 * and target the VIP, broadcast; or an NA with the override flag to
 * ff02::1 from the link-local address ll. Returns 0 or -1. */
int vrrp_arp_send(int fd, int ifindex, const uint8_t mac[6],
		  const struct vrrp_conf_addr *addr,
		  const struct vrrp_conf_addr *ll);

#endif
