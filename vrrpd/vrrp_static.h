/*
 * vrrp_static.h - keepalived's static_ipaddress, static_routes and
 * static_rules: addresses, routes and rules vrrpd sets while it runs,
 * whatever the state of its instances, and removes when it stops.
 */
#ifndef VRRPD_VRRP_STATIC_H
#define VRRPD_VRRP_STATIC_H

struct vrrp_conf;
struct vrrp_nl;

/*
 * Move the system from the static entries of oc to those of nc: remove
 * what oc has and nc lacks (rules, then routes, then addresses), add what
 * nc has and oc lacks (addresses, then routes, then rules). oc NULL at
 * start, nc NULL at stop. Failures are logged by vrrp_nl and do not stop
 * the others.
 */
void vrrp_static_apply(struct vrrp_nl *nl, const struct vrrp_conf *oc,
		       const struct vrrp_conf *nc);

#endif
