/*
 * vrrp.c - the virtual router state machine (see vrrp.h).
 *
 * Names follow RFC 5798 section 6: Adver_Timer, Master_Down_Timer,
 * Master_Adver_Interval, Skew_Time, Master_Down_Interval. Times are
 * centiseconds. Transitions come from one table indexed by state and
 * event; vrrp_change_state logs them in keepalived's words, counts them,
 * runs the notify programs and moves the sync group. What a Master puts
 * on and announces (VIPs, routes, gratuitous ARPs) is vrrp_announce.c's.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
#include <linux/rtnetlink.h>

#include "log.h"
#include "vrrp.h"
#include "vrrp_announce.h"
#include "vrrp_conf.h"
#include "vrrp_net.h"
#include "vrrp_nl.h"
#include "vrrp_packet.h"
#include "vrrp_lbd.h"
#include "vrrp_proc.h"
#include "vrrp_rt.h"
#include "vrrp_track.h"

const char *const vrrp_state_names[VRRP_STATE_MAX] = {
	[VRRP_STATE_INIT] = "INIT",
	[VRRP_STATE_BACKUP] = "BACKUP",
	[VRRP_STATE_MASTER] = "MASTER",
	[VRRP_STATE_FAULT] = "FAULT",
	[VRRP_STATE_STOP] = "STOP",
};

const char *const vrrp_stat_names[VRRP_STAT_MAX] = {
	[VRRP_STAT_RX] = "adverts_received",
	[VRRP_STAT_TX] = "adverts_sent",
	[VRRP_STAT_MASTER] = "became_master",
	[VRRP_STAT_RX_PRIO0] = "priority_zero_received",
	[VRRP_STAT_TX_PRIO0] = "priority_zero_sent",
	[VRRP_STAT_MALFORMED] = "malformed_ip",
	[VRRP_STAT_TTL] = "ttl_errors",
	[VRRP_STAT_VERSION] = "version_errors",
	[VRRP_STAT_TYPE] = "invalid_type",
	[VRRP_STAT_LENGTH] = "length_errors",
	[VRRP_STAT_CHECKSUM] = "checksum_errors",
	[VRRP_STAT_VRID] = "vrid_errors",
	[VRRP_STAT_ADDRESS] = "address_list_errors",
	[VRRP_STAT_INTERVAL] = "advert_interval_errors",
	[VRRP_STAT_AUTH_TYPE] = "invalid_auth_type",
	[VRRP_STAT_AUTH_MISMATCH] = "auth_type_mismatch",
	[VRRP_STAT_AUTH_FAIL] = "auth_failures",
	[VRRP_STAT_PEER] = "unknown_peer",
	[VRRP_STAT_SEND_ERR] = "send_errors",
};

/* the parser's verdicts as counters */
static const enum vrrp_stat pkt_err_stat[VRRP_PKT_ERR_MAX] = {
	[VRRP_PKT_ERR_TTL] = VRRP_STAT_TTL,
	[VRRP_PKT_ERR_VERSION] = VRRP_STAT_VERSION,
	[VRRP_PKT_ERR_TYPE] = VRRP_STAT_TYPE,
	[VRRP_PKT_ERR_LENGTH] = VRRP_STAT_LENGTH,
	[VRRP_PKT_ERR_CHECKSUM] = VRRP_STAT_CHECKSUM,
	[VRRP_PKT_ERR_VRID] = VRRP_STAT_VRID,
	[VRRP_PKT_ERR_ADDRESS] = VRRP_STAT_ADDRESS,
	[VRRP_PKT_ERR_INTERVAL] = VRRP_STAT_INTERVAL,
	[VRRP_PKT_ERR_AUTH] = VRRP_STAT_AUTH_TYPE,
	[VRRP_PKT_ERR_PARAM] = VRRP_STAT_MALFORMED,
};

enum vrrp_event {
	VRRP_EV_STARTUP,
	VRRP_EV_MASTER_DOWN,		/* Master_Down_Timer fired */
	VRRP_EV_ADVER_TIMER,		/* Adver_Timer fired */
	VRRP_EV_ADVERT,			/* a valid advert for us */
	VRRP_EV_FAULT,			/* tracking says down */
	VRRP_EV_RECOVER,		/* tracking says up again */
	VRRP_EV_SHUTDOWN,
	VRRP_EV_GROUP_MASTER,		/* a sync group member became Master */
	VRRP_EV_GROUP_BACKUP,		/* a sync group member left Master */
	VRRP_EV_MAX
};

struct vrrp_sync {
	char name[VRRP_CONF_NAME_MAX];
	const char *notify, *notify_master, *notify_backup, *notify_fault;
	struct vrrp_rt **m;
	size_t n;
	int busy;			/* moving the members: no re-entry */
	enum vrrp_state state;
};


static void vrrp_change_state(struct vrrp_rt *rt, enum vrrp_state to);
static void vrrp_fsm(struct vrrp_rt *rt, enum vrrp_event ev,
		     const struct vrrp_pkt *pkt,
		     const struct vrrp_conf_addr *src);

static void changed(struct vrrp_rt *rt)
{
	if (rt->env->changed)
		rt->env->changed(rt->env->changed_arg, rt);
}

static void rt_event(struct vrrp_rt *rt, enum vrrp_rt_event ev)
{
	if (rt->env->event)
		rt->env->event(rt->env->event_arg, rt, ev);
}

/* counts a discarded advert; protocol errors are kept for management */
static void count_error(struct vrrp_rt *rt, enum vrrp_stat st)
{
	static const enum vrrp_proto_err proto[VRRP_STAT_MAX] = {
		[VRRP_STAT_TTL] = VRRP_PROTO_TTL,
		[VRRP_STAT_VERSION] = VRRP_PROTO_VERSION,
		[VRRP_STAT_CHECKSUM] = VRRP_PROTO_CHECKSUM,
		[VRRP_STAT_VRID] = VRRP_PROTO_VRID,
	};

	rt->stats[st]++;
	if (proto[st] == VRRP_PROTO_OK)
		return;
	rt->proto_err = proto[st];
	rt_event(rt, VRRP_RT_EV_PROTO_ERROR);
}

/* the Master as we know it: NULL when nobody is (FAULT, a release) */
static void note_master(struct vrrp_rt *rt, const struct vrrp_conf_addr *a)
{
	if (!a) {
		if (!rt->has_master)
			return;
		rt->has_master = 0;
	} else {
		if (rt->has_master && memcmp(&rt->master, a, sizeof(*a)) == 0)
			return;
		rt->master = *a;
		rt->has_master = 1;
	}
	changed(rt);
}

/* ---- timers ---- */

uint32_t vrrp_skew_time(uint8_t priority, uint32_t master_adver_cs)
{
	return ((256u - priority) * master_adver_cs) / 256u;
}

uint32_t vrrp_master_down_interval(uint8_t priority, uint32_t master_adver_cs,
				   uint32_t adverts)
{
	return adverts * master_adver_cs +
	       vrrp_skew_time(priority, master_adver_cs);
}

static void timer_cs(struct vrrp_rt *rt, ev_timer *t, uint32_t cs)
{
	ev_timer_stop(rt->env->loop, t);
	ev_timer_set(t, cs / 100.0, 0.);
	ev_timer_start(rt->env->loop, t);
}

static void start_master_down(struct vrrp_rt *rt)
{
	timer_cs(rt, &rt->master_down_timer,
		 vrrp_master_down_interval(rt->priority,
					   rt->master_adver_interval,
					   rt->ci->down_timer_adverts));
}

/* ---- sending ---- */

/* where VIPs live and announcements leave: the VMAC, else the interface */
static int refresh_primary(struct vrrp_rt *rt)
{
	const struct vrrp_conf_instance *ci = rt->ci;

	if (ci->src.family) {
		rt->primary = ci->src;
		rt->has_primary = 1;
		return 0;
	}
	rt->has_primary = vrrp_nl_primary(rt->env->nl, rt->ifindex, rt->family,
					  ci->vips, ci->nvips,
					  &rt->primary) == 0;
	if (rt->has_primary && rt->vmac_ifindex &&
	    rt->sock_if == rt->vmac_ifindex && rt->family == AF_INET6 &&
	    memcmp(&rt->vmac_ll, &rt->primary, sizeof(rt->primary)) != 0) {
		/* IPv6 adverts through the VMAC leave from the interface's
		 * link-local address, which the VMAC must then hold too */
		struct vrrp_conf_vip ll = { .addr = rt->primary, .prefix = 64,
					    .scope = RT_SCOPE_LINK };

		if (vrrp_nl_vip(rt->env->nl, 1, rt->vmac_ifindex, &ll) == 0)
			rt->vmac_ll = rt->primary;
	}
	return rt->has_primary ? 0 : -1;
}

static void send_one(struct vrrp_rt *rt, uint8_t prio,
		     const struct vrrp_conf_addr *dst)
{
	const struct vrrp_conf_instance *ci = rt->ci;
	uint8_t buf[VRRP_PKT_MAX_LEN];
	struct vrrp_pkt_params pp = {
		.version = (enum vrrp_pkt_version)rt->version,
		.vrid = ci->vrid,
		.priority = prio,
		.adver_int = ci->advert_cs,
		.naddr = rt->naddr,
		.addrs = rt->addrs,
		.auth_type = (enum vrrp_pkt_auth)ci->auth_type,
		.auth_data = ci->auth_pass,
		.auth_len = ci->auth_type ? sizeof(ci->auth_pass) : 0,
		.cksum = rt->cksum,
	};
	struct vrrp_pkt_ip ip = {
		.family = rt->family == AF_INET ? VRRP_PKT_IPV4 : VRRP_PKT_IPV6,
		.src = rt->primary.u.b,
		.dst = dst->u.b,
	};
	ssize_t n = vrrp_pkt_build(buf, sizeof(buf), &pp, &ip);

	if (n < 0 || vrrp_net_send(rt->fd, rt->sock_if, &rt->primary, dst,
				   buf, (size_t)n) != 0) {
		if (rt->stats[VRRP_STAT_SEND_ERR]++ == 0)
			log_warn("(%s) cannot send advert", ci->name);
		return;
	}
	rt->stats[VRRP_STAT_TX]++;
	if (prio == 0)
		rt->stats[VRRP_STAT_TX_PRIO0]++;
}

static void send_advert(struct vrrp_rt *rt, uint8_t prio)
{
	if (!rt->has_primary && refresh_primary(rt) != 0)
		return;
	if (rt->ci->npeers) {
		for (size_t i = 0; i < rt->ci->npeers; i++)
			send_one(rt, prio, &rt->ci->peers[i]);
		return;
	}
	send_one(rt, prio, &rt->mcast);
}

static void start_adver_timer(struct vrrp_rt *rt)
{
	rt->adver_due = ev_now(rt->env->loop) + rt->ci->advert_cs / 100.0;
	timer_cs(rt, &rt->adver_timer, rt->ci->advert_cs);
}

/* ---- transitions (the table's cells) ---- */

static void become_master(struct vrrp_rt *rt, enum vrrp_master_reason why)
{
	rt->master_reason = why;
	ev_timer_stop(rt->env->loop, &rt->master_down_timer);
	vrrp_ann_vips_set(rt, 1);
	/* the first gratuitous ARP before the advert: the old Master drops
	 * the VIPs when it hears the advert, and hosts must already send to
	 * us by then, or their packets go to a node that no longer has them */
	vrrp_ann_master(rt);
	send_advert(rt, rt->priority);
	start_adver_timer(rt);
	if (rt->has_primary)
		note_master(rt, &rt->primary);
	vrrp_change_state(rt, VRRP_STATE_MASTER);
	vrrp_ann_xgarp_arm(rt);
}

static void leave_master(struct vrrp_rt *rt)
{
	ev_timer_stop(rt->env->loop, &rt->adver_timer);
	vrrp_ann_stop(rt);
	vrrp_ann_vips_set(rt, 0);
}

static void become_backup(struct vrrp_rt *rt, uint32_t master_adver)
{
	rt->master_adver_interval = master_adver;
	start_master_down(rt);
	vrrp_change_state(rt, VRRP_STATE_BACKUP);
}

static void init_startup(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
			 const struct vrrp_conf_addr *src)
{
	if (rt->fault) {
		vrrp_change_state(rt, VRRP_STATE_FAULT);
		return;
	}
	if (rt->priority == 255) {
		become_master(rt, VRRP_MASTER_PRIORITY);
		return;
	}
	rt->preempt_until = ev_now(rt->env->loop) +
			    rt->ci->preempt_delay_ms / 1000.0;
	become_backup(rt, rt->ci->advert_cs);
}

static void backup_master_down(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
			       const struct vrrp_conf_addr *src)
{
	become_master(rt, rt->preempting ? VRRP_MASTER_PREEMPTED
					 : VRRP_MASTER_NO_RESPONSE);
}

static void backup_advert(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
			  const struct vrrp_conf_addr *src)
{
	if (pkt->priority == 0) {
		/* fast_takeover (two-node pairs): the only backup need not
		 * wait its skew, there is nobody to make way for */
		rt->preempting = 0;
		if (rt->ci->fast_takeover) {
			ev_timer_stop(rt->env->loop, &rt->master_down_timer);
			become_master(rt, VRRP_MASTER_NO_RESPONSE);
			return;
		}
		timer_cs(rt, &rt->master_down_timer,
			 vrrp_skew_time(rt->priority, rt->master_adver_interval));
		return;
	}
	if (rt->ci->nopreempt || pkt->priority >= rt->priority ||
	    ev_now(rt->env->loop) < rt->preempt_until) {
		if (rt->version == 3)
			rt->master_adver_interval = pkt->adver_int;
		rt->preempting = 0;
		start_master_down(rt);
		return;
	}
	/* a lower priority Master; let the timer run out (preempt) */
	rt->preempting = 1;
}

static int addr_greater(const struct vrrp_conf_addr *a,
			const struct vrrp_conf_addr *b)
{
	return memcmp(a->u.b, b->u.b, a->family == AF_INET ? 4 : 16) > 0;
}

static void master_adver_timer(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
			       const struct vrrp_conf_addr *src)
{
	double late = ev_now(rt->env->loop) - rt->adver_due;

	if (late > rt->ci->advert_cs / 200.0)
		log_warnx("(%s) advert timer ran %.0f ms late", rt->ci->name,
			  late * 1000);
	if (rt->env->late)
		rt->env->late(rt->env->late_arg, late);
	send_advert(rt, rt->priority);
	start_adver_timer(rt);
}

static void master_advert(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
			  const struct vrrp_conf_addr *src)
{
	char txt[INET6_ADDRSTRLEN];

	if (pkt->priority == 0) {
		send_advert(rt, rt->priority);
		start_adver_timer(rt);
		return;
	}
	if (pkt->priority > rt->priority ||
	    (pkt->priority == rt->priority && addr_greater(src, &rt->primary))) {
		inet_ntop(src->family, src->u.b, txt, sizeof(txt));
		log_notice("(%s) Master received advert from %s with higher "
			   "priority %u, ours %u", rt->ci->name, txt,
			   pkt->priority, rt->priority);
		/* higher_prio_send_advert: the other Master hears a lower
		 * one and announces itself again (its garp_lower_prio_*) */
		if (rt->ci->higher_prio_send_advert)
			send_advert(rt, rt->priority);
		leave_master(rt);
		become_backup(rt, rt->version == 3 ? pkt->adver_int
						    : rt->ci->advert_cs);
		return;
	}
	/* a split brain healing: tell the lower Master at once (RFC 9568),
	 * unless lower_prio_no_advert keeps to RFC 5798's regular adverts */
	inet_ntop(src->family, src->u.b, txt, sizeof(txt));
	log_notice("(%s) received lower priority advert (%u) from %s, ours "
		   "%u: sending %sgratuitous ARPs", rt->ci->name, pkt->priority,
		   txt, rt->priority,
		   rt->ci->lower_prio_no_advert ? "" : "advert and ");
	if (!rt->ci->lower_prio_no_advert) {
		send_advert(rt, rt->priority);
		start_adver_timer(rt);
	}
	vrrp_ann_lower(rt);
	if (rt->ci->notify_rx_lower)
		vrrp_track_spawn(rt->env->track, rt->ci->notify_rx_lower, NULL, 0);
}

static void any_fault(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
		      const struct vrrp_conf_addr *src)
{
	ev_timer_stop(rt->env->loop, &rt->master_down_timer);
	if (rt->state == VRRP_STATE_MASTER) {
		send_advert(rt, 0);
		leave_master(rt);
	}
	vrrp_change_state(rt, VRRP_STATE_FAULT);
}

static void fault_recover(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
			  const struct vrrp_conf_addr *src)
{
	rt->preempt_until = ev_now(rt->env->loop) +
			    rt->ci->preempt_delay_ms / 1000.0;
	if (rt->priority == 255)
		become_master(rt, VRRP_MASTER_PRIORITY);
	else
		become_backup(rt, rt->ci->advert_cs);
}

/* the sync group left FAULT: follow unless our own tracking still fails */
static void fault_group_backup(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
			       const struct vrrp_conf_addr *src)
{
	if (!rt->fault)
		fault_recover(rt, pkt, src);
}

static void release_vips(struct vrrp_rt *rt)
{
	ev_timer_stop(rt->env->loop, &rt->release_timer);
	if (!rt->releasing)
		return;
	rt->releasing = 0;
	vrrp_ann_vips_set(rt, 0);
}

/* A Master stopping gracefully sends its priority 0 advert and keeps
 * answering for the VIPs until the new Master announces itself (or one
 * advert interval and a bit has passed): the clients see no gap. */
static void any_shutdown(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
			 const struct vrrp_conf_addr *src)
{
	ev_timer_stop(rt->env->loop, &rt->master_down_timer);
	if (rt->state == VRRP_STATE_MASTER) {
		send_advert(rt, 0);
		if (rt->graceful) {
			ev_timer_stop(rt->env->loop, &rt->adver_timer);
			vrrp_ann_stop(rt);
			rt->releasing = 1;
			ev_timer_set(&rt->release_timer,
				     rt->ci->advert_cs / 100.0 + 0.25, 0.);
			ev_timer_start(rt->env->loop, &rt->release_timer);
		} else {
			leave_master(rt);
		}
	}
	vrrp_change_state(rt, VRRP_STATE_STOP);
}

static void stop_advert(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
			const struct vrrp_conf_addr *src)
{
	if (pkt->priority > 0)
		release_vips(rt);
}

static void vrrp_rt_release_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	release_vips(w->data);
}

static void master_group_backup(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
				const struct vrrp_conf_addr *src)
{
	leave_master(rt);
	become_backup(rt, rt->master_adver_interval ? rt->master_adver_interval
						    : rt->ci->advert_cs);
}

typedef void (*vrrp_action)(struct vrrp_rt *, const struct vrrp_pkt *,
			    const struct vrrp_conf_addr *);

/* What each state does on each event; NULL: nothing. */
static const vrrp_action vrrp_fsm_table[VRRP_STATE_MAX][VRRP_EV_MAX] = {
	[VRRP_STATE_INIT] = {
		[VRRP_EV_STARTUP] = init_startup,
		[VRRP_EV_SHUTDOWN] = any_shutdown,
	},
	[VRRP_STATE_BACKUP] = {
		[VRRP_EV_MASTER_DOWN] = backup_master_down,
		[VRRP_EV_ADVERT] = backup_advert,
		[VRRP_EV_FAULT] = any_fault,
		[VRRP_EV_SHUTDOWN] = any_shutdown,
		[VRRP_EV_GROUP_MASTER] = backup_master_down,
	},
	[VRRP_STATE_MASTER] = {
		[VRRP_EV_ADVER_TIMER] = master_adver_timer,
		[VRRP_EV_ADVERT] = master_advert,
		[VRRP_EV_FAULT] = any_fault,
		[VRRP_EV_SHUTDOWN] = any_shutdown,
		[VRRP_EV_GROUP_BACKUP] = master_group_backup,
	},
	[VRRP_STATE_FAULT] = {
		[VRRP_EV_RECOVER] = fault_recover,
		[VRRP_EV_GROUP_BACKUP] = fault_group_backup,
		[VRRP_EV_SHUTDOWN] = any_shutdown,
	},
	[VRRP_STATE_STOP] = {
		[VRRP_EV_ADVERT] = stop_advert,
	},
};

static void vrrp_fsm(struct vrrp_rt *rt, enum vrrp_event ev,
		     const struct vrrp_pkt *pkt,
		     const struct vrrp_conf_addr *src)
{
	vrrp_action a = vrrp_fsm_table[rt->state][ev];

	if (a)
		a(rt, pkt, src);
}

/* ---- notify and sync groups ---- */

static void notify(struct vrrp_rt *rt, const char *kind, const char *name,
		   const char *generic, const char *specific,
		   const char *state, uint8_t prio)
{
	char p[8], line[160];
	const char *args[4] = { kind, name, state, p };

	snprintf(p, sizeof(p), "%u", prio);
	if (kind[0] == 'G')
		snprintf(line, sizeof(line), "%s \"%s\" %s", kind, name, state);
	else
		snprintf(line, sizeof(line), "%s \"%s\" %s %u", kind, name, state,
			 prio);
	vrrp_track_fifo(rt->env->track, line);
	if (specific && specific[0])
		vrrp_track_spawn(rt->env->track, specific, NULL, 0);
	if (generic)
		vrrp_track_spawn(rt->env->track, generic, args,
				 kind[0] == 'G' ? 3 : 4);
}

/* notify_priority_changes: a Master or Backup whose effective priority
 * moved tells the notify FIFOs, as keepalived does: INSTANCE "VI_1"
 * MASTER_PRIORITY 90 */
static void notify_priority(struct vrrp_rt *rt)
{
	char line[160];

	if (!rt->ci->notify_prio_changes ||
	    (rt->state != VRRP_STATE_MASTER && rt->state != VRRP_STATE_BACKUP))
		return;
	snprintf(line, sizeof(line), "INSTANCE \"%s\" %s_PRIORITY %u",
		 rt->ci->name, vrrp_state_names[rt->state], rt->priority);
	vrrp_track_fifo(rt->env->track, line);
}

void vrrp_rt_fifo_state(const struct vrrp_rt *rt)
{
	char line[160];

	if (rt->state == VRRP_STATE_INIT)
		return;
	snprintf(line, sizeof(line), "INSTANCE \"%s\" %s %u", rt->ci->name,
		 vrrp_state_names[rt->state], rt->priority);
	vrrp_track_fifo(rt->env->track, line);
}

void vrrp_sync_fifo_state(const struct vrrp_sync *g)
{
	char line[160];

	if (g->state == VRRP_STATE_INIT || !g->n)
		return;
	snprintf(line, sizeof(line), "GROUP \"%s\" %s", g->name,
		 vrrp_state_names[g->state]);
	vrrp_track_fifo(g->m[0]->env->track, line);
}

static const char *state_script(enum vrrp_state to, const char *m,
				const char *b, const char *f, const char *s)
{
	switch (to) {
	case VRRP_STATE_MASTER: return m;
	case VRRP_STATE_BACKUP: return b;
	case VRRP_STATE_FAULT: return f;
	case VRRP_STATE_STOP: return s;
	default: return NULL;
	}
}

static void sync_follow(struct vrrp_rt *rt, enum vrrp_state to)
{
	struct vrrp_sync *g = rt->group;

	if (!g || g->busy || to == g->state)
		return;
	g->busy = 1;
	g->state = to;
	log_notice("VRRP_Group(%s) Syncing instances to %s state", g->name,
		   vrrp_state_names[to]);
	for (size_t i = 0; i < g->n; i++) {
		struct vrrp_rt *m = g->m[i];

		if (m == rt)
			continue;
		if (to == VRRP_STATE_MASTER)
			vrrp_fsm(m, VRRP_EV_GROUP_MASTER, NULL, NULL);
		else if (to == VRRP_STATE_BACKUP)
			vrrp_fsm(m, VRRP_EV_GROUP_BACKUP, NULL, NULL);
		else if (to == VRRP_STATE_FAULT)
			vrrp_fsm(m, VRRP_EV_FAULT, NULL, NULL);
	}
	if (to != VRRP_STATE_STOP)
		notify(rt, "GROUP", g->name, g->notify,
		       state_script(to, g->notify_master, g->notify_backup,
				    g->notify_fault, NULL), vrrp_state_names[to], 0);
	g->busy = 0;
}

static void vrrp_change_state(struct vrrp_rt *rt, enum vrrp_state to)
{
	const struct vrrp_conf_instance *ci = rt->ci;

	if (rt->state == to)
		return;
	if (rt->state == VRRP_STATE_INIT || to == VRRP_STATE_STOP)
		rt->up_since = to == VRRP_STATE_STOP ? 0 : ev_now(rt->env->loop);
	rt->state = to;
	if (to == VRRP_STATE_MASTER)
		rt->stats[VRRP_STAT_MASTER]++;
	if (to == VRRP_STATE_STOP || to == VRRP_STATE_INIT)
		rt->has_master = 0;
	changed(rt);
	if (to == VRRP_STATE_MASTER)
		rt_event(rt, VRRP_RT_EV_NEW_MASTER);
	if (to == VRRP_STATE_STOP)
		log_notice("(%s) Stopped", ci->name);
	else
		log_notice("(%s) Entering %s STATE", ci->name,
			   vrrp_state_names[to]);
	if (rt->deleted)
		return;		/* vrrp_rt_delete tells the scripts */
	notify(rt, "INSTANCE", ci->name, ci->notify,
	       state_script(to, ci->notify_master, ci->notify_backup,
			    ci->notify_fault, ci->notify_stop),
	       vrrp_state_names[to], rt->priority);
	sync_follow(rt, to);
}

struct vrrp_sync *vrrp_sync_new(struct vrrp_rt **rts, size_t n,
				const char *name, const char *notify_all,
				const char *notify_master,
				const char *notify_backup,
				const char *notify_fault)
{
	struct vrrp_sync *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->m = calloc(n, sizeof(*g->m));
	if (!g->m) {
		free(g);
		return NULL;
	}
	snprintf(g->name, sizeof(g->name), "%s", name);
	memcpy(g->m, rts, n * sizeof(*rts));
	g->n = n;
	g->notify = notify_all;
	g->notify_master = notify_master;
	g->notify_backup = notify_backup;
	g->notify_fault = notify_fault;
	for (size_t i = 0; i < n; i++)
		rts[i]->group = g;
	return g;
}

void vrrp_sync_free(struct vrrp_sync *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		g->m[i]->group = NULL;
	free(g->m);
	free(g);
}

/* ---- receiving ---- */

static int peer_known(const struct vrrp_rt *rt, const struct vrrp_conf_addr *s)
{
	size_t len = rt->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < rt->ci->npeers; i++)
		if (memcmp(rt->ci->peers[i].u.b, s->u.b, len) == 0)
			return 1;
	return 0;
}

/* The checks of RFC 5798 7.1 / RFC 3768 7.1 that need the configuration;
 * returns the counter to bump, or VRRP_STAT_RX for a good advert. */
static enum vrrp_stat check_advert(struct vrrp_rt *rt,
				   const struct vrrp_pkt *pkt)
{
	const struct vrrp_conf_instance *ci = rt->ci;

	if (pkt->version != rt->version)
		return VRRP_STAT_VERSION;
	if (rt->version == 2) {
		if ((int)pkt->auth_type != ci->auth_type)
			return VRRP_STAT_AUTH_MISMATCH;
		if (ci->auth_type &&
		    memcmp(pkt->auth_data, ci->auth_pass, sizeof(ci->auth_pass)))
			return VRRP_STAT_AUTH_FAIL;
		if (pkt->adver_int != ci->advert_cs)
			return VRRP_STAT_INTERVAL;
	}
	if (!ci->skip_check_adv_addr &&
	    !rt->env->conf->global.skip_check_adv_addr &&
	    pkt->priority != 255 &&
	    !vrrp_pkt_addrs_match(pkt, rt->addrs, rt->naddr))
		return VRRP_STAT_ADDRESS;
	return VRRP_STAT_RX;
}

/* The VRRPv3 checksum form an instance sends. */
static enum vrrp_pkt_cksum cksum_form(const struct vrrp_conf *conf,
				      const struct vrrp_conf_instance *ci)
{
	if (ci->v3_checksum_as_v2 || conf->global.v3_checksum_as_v2)
		return VRRP_PKT_CKSUM_MSG;
	if (ci->old_unicast_checksum == VRRP_OLD_CKSUM_ON && ci->npeers)
		return VRRP_PKT_CKSUM_OLD_UNICAST;
	return VRRP_PKT_CKSUM_PSEUDO;
}

/* a debug line of rt's: written without -D too when its instance has
 * "debug" (1..4; vrrpd has one level of detail) */
static void rt_debug(const struct vrrp_rt *rt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void rt_debug(const struct vrrp_rt *rt, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vdebug(rt->ci->debug > 0, fmt, ap);
	va_end(ap);
}

/* An advert summed the old unicast way: refused with "never"; otherwise
 * accepted, and we answer in the same form, as keepalived does, so a peer
 * that only knows the old form keeps hearing us. 0 to go on, -1 to drop. */
static int old_cksum_seen(struct vrrp_rt *rt, const struct vrrp_conf_addr *src)
{
	char a[INET6_ADDRSTRLEN];

	if (rt->ci->old_unicast_checksum == VRRP_OLD_CKSUM_NEVER) {
		rt->stats[VRRP_STAT_CHECKSUM]++;
		rt_debug(rt, "(%s) advert discarded: old unicast checksum "
			  "(old_unicast_checksum never)", rt->ci->name);
		return -1;
	}
	if (rt->cksum == VRRP_PKT_CKSUM_PSEUDO) {
		inet_ntop(rt->family, src->u.b, a, sizeof(a));
		log_notice("(%s) peer %s sums its adverts the old unicast way "
			   "(keepalived up to 1.3.6): answering in kind", rt->ci->name, a);
		rt->cksum = VRRP_PKT_CKSUM_OLD_UNICAST;
	}
	return 0;
}

/* log_unknown_vrids: an advert for a VRID no instance has on this
 * interface, said once by the first instance there, at most once a
 * second each (the sender could be anybody on the link) */
static void log_unknown_vrid(struct vrrp_rt *rt, const struct vrrp_pkt *pkt,
			     const struct vrrp_conf_addr *src)
{
	const struct vrrp_conf *c = rt->env->conf;
	const struct vrrp_conf_instance *first = NULL;
	double now = ev_now(rt->env->loop);
	char txt[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < c->ninstances; i++) {
		const struct vrrp_conf_instance *o = &c->instances[i];

		if (o->family != rt->ci->family ||
		    strcmp(o->interface, rt->ci->interface) != 0)
			continue;
		if (o->vrid == pkt->vrid)
			return;
		if (!first)
			first = o;
	}
	if (first != rt->ci || now - rt->unknown_vrid_logged < 1.0)
		return;
	rt->unknown_vrid_logged = now;
	inet_ntop(src->family, src->u.b, txt, sizeof(txt));
	log_info("%s: advert for unknown VRID %u from %s", rt->ci->interface,
		 pkt->vrid, txt);
}

/* a multicast destination that is not our group (mcast_dst_ip,
 * vrrp_mcast_group4|6): the advert is another virtual router's */
static int other_group(const struct vrrp_rt *rt, const struct vrrp_conf_addr *dst)
{
	int mc = rt->family == AF_INET ? dst->u.b[0] >> 4 == 0xe
				       : dst->u.b[0] == 0xff;

	return mc && memcmp(dst->u.b, rt->mcast.u.b,
			    rt->family == AF_INET ? 4 : 16) != 0;
}

static void handle_datagram(struct vrrp_rt *rt, const uint8_t *msg, size_t len,
			    const struct vrrp_conf_addr *src,
			    const struct vrrp_conf_addr *dst, uint8_t ttl)
{
	struct vrrp_pkt_ip ip = {
		.family = rt->family == AF_INET ? VRRP_PKT_IPV4 : VRRP_PKT_IPV6,
		.src = src->u.b, .dst = dst->u.b,
		/* unicast_ttl: peers a router apart, whose adverts cannot keep
		 * 255; the source must still be a configured peer */
		.ttl = rt->ci->has_unicast_ttl ? VRRP_PKT_TTL : ttl,
	};
	struct vrrp_pkt pkt;
	char why[128];
	enum vrrp_stat st;

	if (vrrp_pkt_parse(msg, len, &ip, &pkt, why, sizeof(why)) != 0) {
		if (pkt.vrid == 0 || pkt.vrid == rt->ci->vrid) {
			count_error(rt, pkt_err_stat[pkt.err]);
			rt_debug(rt, "(%s) advert discarded: %s", rt->ci->name, why);
		}
		return;
	}
	if (pkt.vrid != rt->ci->vrid) {
		/* another virtual router on this link */
		if (rt->env->conf->global.log_unknown_vrids)
			log_unknown_vrid(rt, &pkt, src);
		return;
	}
	if (rt->has_primary &&
	    memcmp(src->u.b, rt->primary.u.b, rt->family == AF_INET ? 4 : 16) == 0)
		return;		/* our own */
	if (!rt->ci->npeers && other_group(rt, dst)) {
		rt_debug(rt, "(%s) advert to another multicast group", rt->ci->name);
		return;
	}
	if (rt->ci->priority == 255 && rt->env->conf->global.owner_ignore_adverts) {
		rt_debug(rt, "(%s) advert dropped: we are the address owner "
			  "(vrrp_owner_ignore_adverts)", rt->ci->name);
		return;
	}
	if (rt->ci->npeers && !peer_known(rt, src)) {
		rt->stats[VRRP_STAT_PEER]++;
		rt_debug(rt, "(%s) advert from an unknown unicast peer",
			  rt->ci->name);
		return;
	}
	if (pkt.cksum == VRRP_PKT_CKSUM_OLD_UNICAST && old_cksum_seen(rt, src) < 0)
		return;
	st = check_advert(rt, &pkt);
	if (st != VRRP_STAT_RX) {
		count_error(rt, st);
		rt_debug(rt, "(%s) advert discarded: %s", rt->ci->name,
			  vrrp_stat_names[st]);
		return;
	}
	rt->stats[st]++;
	if (pkt.priority == 0)
		rt->stats[VRRP_STAT_RX_PRIO0]++;
	vrrp_fsm(rt, VRRP_EV_ADVERT, &pkt, src);
	if (rt->state == VRRP_STATE_BACKUP || rt->state == VRRP_STATE_FAULT)
		note_master(rt, pkt.priority ? src : NULL);
}

static void vrrp_rt_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_rt *rt = w->data;
	uint8_t buf[VRRP_PKT_MAX_LEN + 128];

	for (int i = 0; i < 64; i++) {
		struct vrrp_conf_addr src, dst;
		const uint8_t *msg = NULL;
		uint8_t ttl = 0;
		ssize_t n = vrrp_net_recv(rt->fd, rt->family, buf, sizeof(buf),
					  &msg, &src, &dst, &ttl);

		if (n < 0)
			return;
		if (n == 0) {
			rt->stats[VRRP_STAT_MALFORMED]++;
			continue;
		}
		handle_datagram(rt, msg, (size_t)n, &src, &dst, ttl);
	}
}

static void vrrp_rt_adver_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	vrrp_fsm(w->data, VRRP_EV_ADVER_TIMER, NULL, NULL);
}

static void vrrp_rt_master_down_cb(struct ev_loop *loop, ev_timer *w,
				   int revents)
{
	vrrp_fsm(w->data, VRRP_EV_MASTER_DOWN, NULL, NULL);
}

/* ---- tracking ---- */

/* a tracked object's share: adds to *prio, or sets *fault */
static void track_apply(int weight, int reverse, int up, int *prio, int *fault)
{
	if (reverse)
		up = !up;
	if (weight == 0) {
		if (!up)
			*fault = 1;
	} else if (weight > 0 && up) {
		*prio += weight;
	} else if (weight < 0 && !up) {
		*prio += weight;
	}
}

static void compute_priority(struct vrrp_rt *rt, int *prio_out, int *fault_out)
{
	const struct vrrp_conf_instance *ci = rt->ci;
	const struct vrrp_conf *c = rt->env->conf;
	int prio = ci->priority, fault = 0;

	if (!ci->dont_track_primary &&
	    !vrrp_nl_link_up(rt->env->nl, rt->ifindex))
		fault = 1;
	for (size_t i = 0; i < ci->ntrack_ifs; i++) {
		const struct vrrp_conf_track *t = &ci->track_ifs[i];
		int idx = vrrp_nl_ifindex(rt->env->nl, t->name);

		track_apply(t->weight, t->reverse,
			    idx > 0 && vrrp_nl_link_up(rt->env->nl, idx),
			    &prio, &fault);
	}
	for (size_t i = 0; i < ci->ntrack_scripts; i++) {
		const struct vrrp_conf_track *t = &ci->track_scripts[i];
		const struct vrrp_conf_script *s = vrrp_conf_script(c, t->name);

		track_apply(t->has_weight ? t->weight : s->weight,
			    t->has_weight ? t->reverse : s->reverse,
			    vrrp_track_script_ok(rt->env->track, t->name) == 1,
			    &prio, &fault);
	}
	for (size_t i = 0; i < ci->ntrack_files; i++) {
		const struct vrrp_conf_track *t = &ci->track_files[i];
		const struct vrrp_conf_file *f = vrrp_conf_file(c, t->name);
		int w = t->has_weight ? t->weight : f->weight;
		int rev = t->has_weight ? t->reverse : f->reverse;
		long v = vrrp_track_file_value(rt->env->track, t->name);
		long share = (rev ? -v : v) * w;

		if ((w == 0 && v != 0) || share <= -254)
			fault = 1;
		else
			prio += (int)share;
	}
	for (size_t i = 0; i < ci->ntrack_lbds; i++) {
		const struct vrrp_conf_track *t = &ci->track_lbds[i];
		const struct vrrp_conf_lbd *l = vrrp_conf_lbd(c, t->name);

		track_apply(t->has_weight ? t->weight : l->weight, t->reverse,
			    vrrp_lbd_ok(vrrp_track_lbd(rt->env->track), t->name) == 1,
			    &prio, &fault);
	}
	for (size_t i = 0; i < ci->ntrack_procs; i++) {
		const struct vrrp_conf_track *t = &ci->track_procs[i];
		const struct vrrp_conf_process *pr = vrrp_conf_process(c, t->name);

		track_apply(t->has_weight ? t->weight : pr->weight,
			    t->has_weight ? t->reverse : pr->reverse,
			    vrrp_proc_ok(vrrp_track_proc(rt->env->track), t->name) == 1,
			    &prio, &fault);
	}
	if (ci->priority == 255)
		prio = 255;
	else if (prio < 1)
		prio = 1;
	else if (prio > 254)
		prio = 254;
	*prio_out = prio;
	*fault_out = fault;
}

void vrrp_rt_track_update(struct vrrp_rt *rt)
{
	int prio, fault;

	if (rt->state == VRRP_STATE_STOP)
		return;
	compute_priority(rt, &prio, &fault);
	if (!fault && refresh_primary(rt) != 0) {
		if (!rt->fault)
			log_warnx("(%s) no %s address on %s", rt->ci->name,
				  rt->family == AF_INET ? "IPv4" : "link-local",
				  rt->ci->interface);
		fault = 1;
	}
	if (rt->admin_down && !fault) {
		if (!rt->fault)
			log_notice("(%s) disabled through the control socket",
				   rt->ci->name);
		fault = 1;
	}
	if (rt->ci->unicast_fault_no_peer && !rt->ci->npeers && !fault) {
		if (!rt->fault)
			log_warnx("(%s) unicast_fault_no_peer and no unicast_peer",
				  rt->ci->name);
		fault = 1;
	}
	if (prio != rt->priority) {
		log_info("(%s) Changing effective priority from %u to %d",
			 rt->ci->name, rt->priority, prio);
		rt->priority = (uint8_t)prio;
		changed(rt);
		notify_priority(rt);
	}
	if (fault == rt->fault)
		return;
	rt->fault = fault;
	if (rt->state == VRRP_STATE_INIT)
		return;
	vrrp_fsm(rt, fault ? VRRP_EV_FAULT : VRRP_EV_RECOVER, NULL, NULL);
}

/* ---- life cycle ---- */

struct vrrp_rt *vrrp_rt_new(struct vrrp_env *env,
			    const struct vrrp_conf_instance *ci)
{
	struct vrrp_rt *rt = calloc(1, sizeof(*rt));
	size_t alen;

	if (!rt)
		return NULL;
	rt->env = env;
	rt->ci = ci;
	rt->fd = -1;
	rt->family = ci->family;
	rt->version = vrrp_conf_version(env->conf, ci);
	rt->cksum = cksum_form(env->conf, ci);
	rt->priority = ci->priority;
	rt->master_adver_interval = ci->advert_cs;
	alen = rt->family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < ci->nvips && rt->naddr < VRRP_PKT_MAX_ADDRS; i++)
		memcpy(rt->addrs + alen * rt->naddr++, ci->vips[i].addr.u.b, alen);
	ev_timer_init(&rt->adver_timer, vrrp_rt_adver_cb, 1., 0.);
	ev_timer_init(&rt->master_down_timer, vrrp_rt_master_down_cb, 1., 0.);
	vrrp_ann_init(rt);
	ev_timer_init(&rt->release_timer, vrrp_rt_release_cb, 1., 0.);
	rt->release_timer.data = rt;
	rt->adver_timer.data = rt->master_down_timer.data = rt;
	return rt;
}

/* promote_secondaries: held on the interface from before the first VIP
 * of generation ci goes until after the last one it drops is gone */
static void promote_hold(struct vrrp_rt *rt, const struct vrrp_conf_instance *ci)
{
	if (ci->promote_secondaries && !rt->promote_if[0] &&
	    vrrp_nl_promote_hold(rt->env->nl, ci->interface) == 0)
		strcpy(rt->promote_if, ci->interface);
}

static void promote_release(struct vrrp_rt *rt)
{
	if (!rt->promote_if[0])
		return;
	vrrp_nl_promote_release(rt->env->nl, rt->promote_if);
	rt->promote_if[0] = '\0';
}

int vrrp_rt_start(struct vrrp_rt *rt)
{
	const struct vrrp_conf_instance *ci = rt->ci;

	rt->ifindex = vrrp_nl_ifindex(rt->env->nl, ci->interface);
	if (rt->ifindex <= 0) {
		log_warnx("(%s) interface %s does not exist", ci->name,
			  ci->interface);
		return -1;
	}
	promote_hold(rt, ci);
	if (ci->use_vmac) {
		/* 00-00-5E-00-01-{VRID}, 00-00-5E-00-02-{VRID} for IPv6 */
		uint8_t vmac[6] = { 0x00, 0x00, 0x5e, 0x00,
				    rt->family == AF_INET ? 0x01 : 0x02, ci->vrid };

		rt->vmac_ifindex = vrrp_nl_vmac_add(rt->env->nl, ci->vmac_name,
						    rt->ifindex, vmac);
		if (rt->vmac_ifindex <= 0) {
			rt->vmac_ifindex = 0;
			return -1;
		}
		/* a router's own VMAC traffic is delivered by the kernel to
		 * the macvlan only, so that is where the socket listens */
		if (!ci->vmac_xmit_base)
			rt->sock_if = rt->vmac_ifindex;
	}
	if (!rt->sock_if)
		rt->sock_if = rt->ifindex;
	rt->mcast = *vrrp_conf_mcast(rt->env->conf, ci);
	rt->fd = vrrp_net_open(rt->family, rt->sock_if,
			       rt->sock_if == rt->ifindex ? ci->interface
							  : ci->vmac_name,
			       ci->npeers > 0 ? NULL : &rt->mcast,
			       ci->has_unicast_ttl ? ci->unicast_ttl
						   : VRRP_PKT_TTL, (int)ci->rx_buf_size);
	if (rt->fd < 0)
		return -1;
	ev_io_init(&rt->io, vrrp_rt_read_cb, rt->fd, EV_READ);
	rt->io.data = rt;
	ev_io_start(rt->env->loop, &rt->io);
	/* VIPs left by a previous run that died must not answer for us */
	vrrp_ann_vips_set(rt, 0);
	vrrp_rt_track_update(rt);
	vrrp_fsm(rt, VRRP_EV_STARTUP, NULL, NULL);
	return 0;
}

void vrrp_rt_stop(struct vrrp_rt *rt, int graceful)
{
	if (!rt)
		return;
	if (rt->state == VRRP_STATE_STOP)
		return;
	rt->graceful = graceful;
	vrrp_fsm(rt, VRRP_EV_SHUTDOWN, NULL, NULL);
	for (int i = VRRP_STAT_MALFORMED; i < VRRP_STAT_MAX; i++)
		if (rt->stats[i])
			log_notice("(%s) %s: %llu", rt->ci->name,
				   vrrp_stat_names[i],
				   (unsigned long long)rt->stats[i]);
}

void vrrp_rt_delete(struct vrrp_rt *rt)
{
	const struct vrrp_conf_instance *ci;
	uint8_t prio;

	if (!rt || rt->state == VRRP_STATE_STOP)
		return;
	ci = rt->ci;
	prio = rt->priority;
	rt->deleted = 1;
	vrrp_rt_stop(rt, 0);
	/* what keepalived 2.2.7 does: the generic script and the FIFO hear
	 * FAULT (no notify_fault, no notify_stop), or DELETED and the
	 * notify_deleted script when the instance has that keyword */
	notify(rt, "INSTANCE", ci->name, ci->notify, ci->notify_deleted,
	       ci->notify_deleted ? "DELETED" : "FAULT", prio);
}

void vrrp_rt_free(struct vrrp_rt *rt)
{
	struct ev_loop *loop;

	if (!rt)
		return;
	loop = rt->env->loop;
	release_vips(rt);
	ev_timer_stop(loop, &rt->adver_timer);
	ev_timer_stop(loop, &rt->master_down_timer);
	vrrp_ann_stop(rt);
	if (rt->fd >= 0) {
		ev_io_stop(loop, &rt->io);
		close(rt->fd);
	}
	if (rt->vmac_ifindex)
		vrrp_nl_link_del(rt->env->nl, rt->vmac_ifindex);
	promote_release(rt);
	free(rt);
}

int vrrp_rt_releasing(const struct vrrp_rt *rt)
{
	return rt->releasing;
}

void vrrp_rt_set_admin_down(struct vrrp_rt *rt, int down)
{
	if (rt->admin_down == !!down)
		return;
	rt->admin_down = !!down;
	if (!down)
		log_notice("(%s) enabled through the control socket",
			   rt->ci->name);
	vrrp_rt_track_update(rt);
	changed(rt);
}

static void addr_text(const struct vrrp_conf_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->u.b, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

size_t vrrp_rt_describe(const struct vrrp_rt *rt, char *buf, size_t len)
{
	const struct vrrp_conf_instance *ci = rt->ci;
	char m[INET6_ADDRSTRLEN] = "-", a[INET6_ADDRSTRLEN];
	size_t n;
	int w;

	if (rt->has_master)
		addr_text(&rt->master, m, sizeof(m));
	w = snprintf(buf, len, "instance %s state %s priority %u base %u "
		     "vrid %u version %d interface %s advert_ms %u master %s "
		     "admin %s vips ", ci->name, vrrp_state_names[rt->state],
		     rt->priority, ci->priority, ci->vrid, rt->version,
		     ci->interface, ci->advert_cs * 10u, m,
		     rt->admin_down ? "down" : "up");
	n = w < 0 ? 0 : (size_t)w >= len ? len - 1 : (size_t)w;
	for (size_t i = 0; i < ci->nvips && n + 1 < len; i++) {
		addr_text(&ci->vips[i].addr, a, sizeof(a));
		w = snprintf(buf + n, len - n, "%s%s/%u", i ? "," : "", a,
			     ci->vips[i].prefix);
		n = w < 0 ? n : n + (size_t)w >= len ? len - 1 : n + (size_t)w;
	}
	return n;
}

enum vrrp_state vrrp_rt_state(const struct vrrp_rt *rt)
{
	return rt->state;
}

const char *vrrp_rt_name(const struct vrrp_rt *rt)
{
	return rt->ci->name;
}

uint8_t vrrp_rt_priority(const struct vrrp_rt *rt)
{
	return rt->priority;
}

uint64_t vrrp_rt_stat(const struct vrrp_rt *rt, enum vrrp_stat s)
{
	return rt->stats[s];
}

const struct vrrp_conf_instance *vrrp_rt_conf(const struct vrrp_rt *rt)
{
	return rt->ci;
}

void vrrp_rt_info(const struct vrrp_rt *rt, struct vrrp_rt_info *out)
{
	const struct vrrp_conf_instance *ci = rt->ci;
	size_t alen = rt->family == AF_INET ? 4 : 16;

	memset(out, 0, sizeof(*out));
	out->ifindex = vrrp_rt_ifindex(rt);	/* 0: not running (no row) */
	out->family = rt->family;
	out->version = rt->version;
	out->vrid = ci->vrid;
	out->state = rt->state;
	out->priority = rt->priority;
	out->advert_cs = ci->advert_cs;
	out->preempt = !ci->nopreempt;
	out->accept = ci->accept_mode;
	out->has_master = rt->has_master;
	if (rt->has_master)
		memcpy(out->master, rt->master.u.b, alen);
	out->has_primary = rt->has_primary;
	if (rt->has_primary)
		memcpy(out->primary, rt->primary.u.b, alen);
	/* the MAC the VIPs answer with: the macvlan's with use_vmac, else the
	 * interface's (what keepalived reports too); the RFC's VRRP MAC
	 * before the interface is known */
	if (rt->ifindex <= 0 || vrrp_nl_mac(rt->env->nl, vrrp_rt_vip_if(rt), out->vmac))
		memcpy(out->vmac, (uint8_t[6]){ 0x00, 0x00, 0x5e, 0x00,
				  rt->family == AF_INET ? 0x01 : 0x02, ci->vrid }, 6);
	out->up_since = rt->up_since;
	out->master_reason = rt->master_reason;
	out->proto_err = rt->proto_err;
}

int vrrp_rt_ifindex(const struct vrrp_rt *rt)
{
	return rt->fd >= 0 ? rt->ifindex : 0;
}

int vrrp_rt_same(const struct vrrp_rt *rt, const struct vrrp_conf_instance *ci)
{
	const struct vrrp_conf_instance *o = rt->ci;

	return strcmp(o->name, ci->name) == 0 &&
	       strcmp(o->interface, ci->interface) == 0 &&
	       o->vrid == ci->vrid && o->family == ci->family &&
	       (o->npeers > 0) == (ci->npeers > 0) &&
	       o->use_vmac == ci->use_vmac &&
	       strcmp(o->vmac_name, ci->vmac_name) == 0 &&
	       o->vmac_xmit_base == ci->vmac_xmit_base &&
	       o->has_unicast_ttl == ci->has_unicast_ttl &&
	       o->unicast_ttl == ci->unicast_ttl &&
	       memcmp(&rt->mcast, vrrp_conf_mcast(rt->env->conf, ci),
		      sizeof(rt->mcast)) == 0 &&
	       vrrp_conf_version(rt->env->conf, o) ==
	       vrrp_conf_version(rt->env->conf, ci);
}

static int vip_in(const struct vrrp_conf_vip *v, const struct vrrp_conf_vip *set,
		  size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(&set[i], v, sizeof(*v)) == 0)
			return 1;
	return 0;
}

/* A Master's routes and rules that the new generation ci drops. */
static void routes_drop_old(struct vrrp_rt *rt,
			    const struct vrrp_conf_instance *ci)
{
	const struct vrrp_conf_instance *old = rt->ci;

	for (size_t i = 0; i < old->nroutes; i++) {
		const struct vrrp_conf_route *r = &old->routes[i];
		size_t j = 0;

		while (j < ci->nroutes && memcmp(r, &ci->routes[j], sizeof(*r)))
			j++;
		if (j == ci->nroutes)
			vrrp_nl_route(rt->env->nl, 0, r->dev[0] ?
				      vrrp_nl_ifindex(rt->env->nl, r->dev) : 0, r);
	}
	for (size_t i = 0; i < old->nrules; i++) {
		size_t j = 0;

		while (j < ci->nrules &&
		       memcmp(&old->rules[i], &ci->rules[j], sizeof(old->rules[i])))
			j++;
		if (j == ci->nrules)
			vrrp_nl_rule(rt->env->nl, 0, &old->rules[i]);
	}
}

void vrrp_rt_reconf(struct vrrp_rt *rt, const struct vrrp_conf_instance *ci)
{
	const struct vrrp_conf_instance *old = rt->ci;
	size_t alen = rt->family == AF_INET ? 4 : 16;

	if (rt->state != VRRP_STATE_INIT && rt->state != VRRP_STATE_STOP)
		promote_hold(rt, ci);
	if (rt->state == VRRP_STATE_MASTER) {
		routes_drop_old(rt, ci);
		for (size_t i = 0; i < old->nvips; i++)
			if (!vip_in(&old->vips[i], ci->vips, ci->nvips))
				vrrp_nl_vip(rt->env->nl, 0,
					    vrrp_ann_vip_ifindex(rt, &old->vips[i]),
					    &old->vips[i]);
		for (size_t i = 0; i < old->nvips_excluded; i++)
			if (!vip_in(&old->vips_excluded[i], ci->vips_excluded,
				    ci->nvips_excluded))
				vrrp_nl_vip(rt->env->nl, 0,
					    vrrp_ann_vip_ifindex(rt, &old->vips_excluded[i]),
					    &old->vips_excluded[i]);
	}
	rt->ci = ci;
	rt->version = vrrp_conf_version(rt->env->conf, ci);
	rt->cksum = cksum_form(rt->env->conf, ci);
	rt->naddr = 0;
	for (size_t i = 0; i < ci->nvips && rt->naddr < VRRP_PKT_MAX_ADDRS; i++)
		memcpy(rt->addrs + alen * rt->naddr++, ci->vips[i].addr.u.b, alen);
	if (rt->state == VRRP_STATE_MASTER)
		vrrp_ann_vips_set(rt, 1);
	if (old->xgarp.secs != ci->xgarp.secs || old->xgarp.all != ci->xgarp.all)
		vrrp_ann_xgarp_arm(rt);
	if (!ci->promote_secondaries)
		promote_release(rt);
	vrrp_rt_track_update(rt);
}
