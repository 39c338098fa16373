/*
 * vrrp_net.h - the raw IP protocol 112 sockets of the virtual routers:
 * one per virtual router, bound to its interface, joined to 224.0.0.18 or
 * ff02::12 (vrrp_mcast_group4|6) there (unless unicast), TTL / Hop Limit 255, no loopback of our
 * own multicast. Checksums are ours (vrrp_packet.c), never the kernel's.
 */
#ifndef VRRPD_VRRP_NET_H
#define VRRPD_VRRP_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vrrp_conf_addr;

/* Open the socket on ifname/ifindex, joined to group (NULL: unicast, whose
 * adverts leave with TTL / Hop Limit ttl; multicast ones always with 255),
 * with a receive buffer of rcvbuf bytes (0: the system's default).
 * Returns the fd (non-blocking) or -1 after logging why. */
int vrrp_net_open(int family, int ifindex, const char *ifname,
		  const struct vrrp_conf_addr *group, int ttl, int rcvbuf);

/* Send a VRRP message from src to dst through ifindex. Returns 0 or -1. */
int vrrp_net_send(int fd, int ifindex, const struct vrrp_conf_addr *src,
		  const struct vrrp_conf_addr *dst, const uint8_t *msg,
		  size_t len);

/* Receive one datagram into buf (len bytes): returns the length of the
 * VRRP message, which starts at *msg (the IPv4 header is skipped), with
 * the IP header's addresses and TTL / Hop Limit; 0 when the datagram was
 * malformed below VRRP; -1 when there is nothing to read or on error. */
ssize_t vrrp_net_recv(int fd, int family, uint8_t *buf, size_t len,
		      const uint8_t **msg, struct vrrp_conf_addr *src,
		      struct vrrp_conf_addr *dst, uint8_t *ttl);

#endif
