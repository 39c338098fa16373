/*
 * vrrp_announce.h - a Master's VIPs and their announcements, for vrrp.c:
 * the VIPs, excluded VIPs, virtual_routes and virtual_rules added and
 * removed together; gratuitous ARPs / unsolicited NAs on becoming Master
 * (garp_master_repeat, a second round after garp_master_delay, a refresh
 * every garp_master_refresh), after a lower priority advert
 * (garp_lower_prio_*), paced per interface or garp_group
 * (vrrp_garp_interval, vrrp_gna_interval), and garp_extra_if's periodic
 * ones on the VIPs' other interfaces.
 */
#ifndef VRRPD_VRRP_ANNOUNCE_H
#define VRRPD_VRRP_ANNOUNCE_H

struct vrrp_conf_vip;
struct vrrp_rt;

/* Set up rt's announcement timers (once, when rt is made). */
void vrrp_ann_init(struct vrrp_rt *rt);

/* Stop every announcement of rt and drop what is queued. */
void vrrp_ann_stop(struct vrrp_rt *rt);

/* The interface index VIP v goes on: its dev, else rt's VIP interface;
 * 0 or less when that interface does not exist. */
int vrrp_ann_vip_ifindex(struct vrrp_rt *rt, const struct vrrp_conf_vip *v);

/* Add (add 1) or remove rt's VIPs, excluded VIPs, routes and rules: the
 * routes after the addresses they may use, and removed before them. */
void vrrp_ann_vips_set(struct vrrp_rt *rt, int add);

/* On becoming Master: the first round of announcements, the second one
 * and the refresh timer, as the instance and global_defs say. */
void vrrp_ann_master(struct vrrp_rt *rt);

/* A lower priority Master is about: announce again with the
 * garp_lower_prio_* values. */
void vrrp_ann_lower(struct vrrp_rt *rt);

/* (Re)start or stop garp_extra_if's timer for rt's state and settings. */
void vrrp_ann_xgarp_arm(struct vrrp_rt *rt);

#endif
