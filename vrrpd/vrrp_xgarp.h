/*
 * vrrp_xgarp.h - garp_extra_if / vrrp_garp_extra_if: a Master's periodic
 * gratuitous ARPs and unsolicited neighbour advertisements for the VIPs
 * and excluded VIPs that live on another interface than the instance's
 * ("dev IF"), sent on that interface with its own MAC, so that switches
 * keep learning where those addresses are (nothing else there sends
 * from that MAC).
 */
#ifndef VRRPD_VRRP_XGARP_H
#define VRRPD_VRRP_XGARP_H

struct vrrp_conf_instance;
struct vrrp_nl;

/* One announcement of each address of ci on another interface, through
 * the AF_PACKET socket arp_fd (IPv6 link-local VIPs are not announced;
 * an interface without a link-local address gets no NA). Returns how
 * many were sent. */
int vrrp_xgarp_send(struct vrrp_nl *nl, int arp_fd,
		    const struct vrrp_conf_instance *ci);

#endif
