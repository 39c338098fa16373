/*
 * vrrp_rt.h - one virtual router's state, shared by the two files of the
 * state machine only: vrrp.c (transitions, sending, receiving, tracking,
 * life cycle) and vrrp_announce.c (VIPs and their announcements).
 * Everything else reaches a router through vrrp.h's accessors.
 */
#ifndef VRRPD_VRRP_RT_H
#define VRRPD_VRRP_RT_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "vrrp.h"
#include "vrrp_conf.h"
#include "vrrp_packet.h"

struct vrrp_sync;

struct vrrp_rt {
	struct vrrp_env *env;
	const struct vrrp_conf_instance *ci;
	struct vrrp_sync *group;
	enum vrrp_state state;
	int version, family;
	enum vrrp_pkt_cksum cksum;
	uint8_t priority;		/* effective: base + tracking */
	int fault;			/* tracking says down */
	uint32_t master_adver_interval;	/* cs, learned (v3) */
	double preempt_until;		/* preempt_delay: ev_now before which
					 * lower-priority adverts still count */
	int ifindex;
	int fd;
	int vmac_ifindex;		/* use_vmac: the macvlan, else 0 */
	char promote_if[IFNAMSIZ];	/* promote_secondaries held on it */
	int sock_if;			/* the socket's interface: the VMAC
					 * (unless vmac_xmit_base), else ifindex */
	struct vrrp_conf_addr vmac_ll;	/* the link-local given to the VMAC */
	uint8_t mac[6];
	struct vrrp_conf_addr primary;	/* our advert source */
	struct vrrp_conf_addr mcast;	/* multicast destination (at start) */
	int has_primary;
	uint8_t addrs[VRRP_PKT_MAX_ADDRS * 16];	/* VIPs, packed */
	size_t naddr;
	ev_io io;
	ev_timer adver_timer;
	ev_timer master_down_timer;
	ev_timer garp_timer;		/* the delayed second round */
	uint32_t garp_second;		/* its size */
	ev_timer refresh_timer;
	ev_timer xgarp_timer;		/* garp_extra_if all */
	ev_timer garp_tick;		/* paces announcements */
	ev_timer release_timer;		/* graceful stop: VIPs kept until */
	int graceful;			/* stopping: keep VIPs for a moment */
	int releasing;			/* stopped, VIPs still held */
	int deleted;			/* a reload removed it (vrrp_rt_delete) */
	size_t garp_left, garp_pos;	/* queued announcements */
	double adver_due;		/* to detect a late loop */
	uint64_t stats[VRRP_STAT_MAX];
	struct vrrp_conf_addr master;	/* the Master as last heard (or us) */
	int has_master;
	int admin_down;			/* "disable vrrp": FAULT on request */
	int preempting;			/* a lower priority Master is heard */
	double up_since;		/* left Initialize at (ev_now) */
	enum vrrp_master_reason master_reason;
	enum vrrp_proto_err proto_err;
	double unknown_vrid_logged;	/* log_unknown_vrids: ev_now */
};

/* The interface the VIPs go on and are announced from: the VMAC, else
 * the instance's interface. */
static inline int vrrp_rt_vip_if(const struct vrrp_rt *rt)
{
	return rt->vmac_ifindex ? rt->vmac_ifindex : rt->ifindex;
}

#endif
