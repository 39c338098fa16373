/*
 * vrrp_nl.h - the kernel side through libnl-route: link and address caches
 * kept current by netlink events (no polling), link state changes turned
 * into a plain callback, and VIPs added and removed.
 * The state machine never sees netlink: it asks these functions.
 */
#ifndef VRRPD_VRRP_NL_H
#define VRRPD_VRRP_NL_H

#include <stdint.h>

struct ev_loop;
struct vrrp_nl;
struct vrrp_conf_vip;
struct vrrp_conf_addr;
struct vrrp_conf_route;
struct vrrp_conf_rule;

/* Called when a link appears, changes flags or disappears (up is then 0). */
typedef void (*vrrp_nl_link_fn)(void *arg, int ifindex, int up);

/* Connect, fill the caches and watch for changes on loop. Returns NULL
 * after logging why. */
struct vrrp_nl *vrrp_nl_new(struct ev_loop *loop, vrrp_nl_link_fn link_cb,
			    void *arg);

/* Stop watching and free; NULL is a no-op. */
void vrrp_nl_free(struct vrrp_nl *nl);

/* The index of the interface called name, 0 if there is none. */
int vrrp_nl_ifindex(struct vrrp_nl *nl, const char *name);

/* 1 when the interface is administratively up and has carrier. */
int vrrp_nl_link_up(struct vrrp_nl *nl, int ifindex);

/* The interface's hardware address (6 bytes). Returns 0 or -1. */
int vrrp_nl_mac(struct vrrp_nl *nl, int ifindex, uint8_t mac[6]);

/* The address adverts are sent from: the interface's first primary IPv4
 * address, or its IPv6 link-local address, skipping the nvip addresses in
 * vips (ours). Returns 0 and fills *out, or -1 when there is none. */
int vrrp_nl_primary(struct vrrp_nl *nl, int ifindex, int family,
		    const struct vrrp_conf_vip *vips, size_t nvip,
		    struct vrrp_conf_addr *out);

/* Add (add = 1) or remove a VIP on ifindex, with its prefix, broadcast,
 * label and scope; an address already present (add) or already gone
 * (remove) is success. IPv6 VIPs skip DAD, so they answer at once.
 * Returns 0 or -1 (logged). */
int vrrp_nl_vip(struct vrrp_nl *nl, int add, int ifindex,
		const struct vrrp_conf_vip *vip);

/* Add or remove a virtual_routes entry (through ifindex when > 0) or a
 * virtual_rules entry; a route or rule already there (add) or already
 * gone (remove) is success. Returns 0 or -1 (logged). */
int vrrp_nl_route(struct vrrp_nl *nl, int add, int ifindex,
		  const struct vrrp_conf_route *r);
int vrrp_nl_rule(struct vrrp_nl *nl, int add, const struct vrrp_conf_rule *u);

/* Create (or find) the macvlan interface name on base_ifindex with the
 * virtual router MAC mac, in private mode, up, answering ARP only for its
 * own addresses; the base interface gets arp_ignore 1, arp_filter 1 and
 * arp_announce 2 so that it neither answers for the VIPs nor names them
 * in its own requests (not undone at exit). Returns its ifindex, or -1 (logged). */
int vrrp_nl_vmac_add(struct vrrp_nl *nl, const char *name, int base_ifindex,
		     const uint8_t mac[6]);

/* promote_secondaries: net.ipv4.conf.IFNAME.promote_secondaries is 1
 * while at least one holder has it (removing one address then keeps the
 * others of its subnet); the value found before the first hold is put
 * back after the last release. Hold returns 0, or -1 (logged). */
#define VRRP_NL_PROMOTE_MAX	64
int vrrp_nl_promote_hold(struct vrrp_nl *nl, const char *ifname);
void vrrp_nl_promote_release(struct vrrp_nl *nl, const char *ifname);

/* Delete the interface (a VMAC we created). Returns 0 or -1. */
int vrrp_nl_link_del(struct vrrp_nl *nl, int ifindex);

#endif
