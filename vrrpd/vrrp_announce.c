/*
 * vrrp_announce.c - what a Master puts on and announces (see
 * vrrp_announce.h): its VIPs, routes and rules through netlink, the
 * gratuitous ARPs / unsolicited NAs on becoming Master, their second
 * round, refresh and pacing, and garp_extra_if's periodic ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "log.h"
#include "vrrp.h"
#include "vrrp_announce.h"
#include "vrrp_arp.h"
#include "vrrp_conf.h"
#include "vrrp_nl.h"
#include "vrrp_rt.h"
#include "vrrp_xgarp.h"

int vrrp_ann_vip_ifindex(struct vrrp_rt *rt, const struct vrrp_conf_vip *v)
{
	if (!v->dev[0])
		return vrrp_rt_vip_if(rt);
	return vrrp_nl_ifindex(rt->env->nl, v->dev);
}

/* virtual_routes and virtual_rules: after the VIPs they may depend on,
 * and gone before them */
static void routes_set(struct vrrp_rt *rt, int add)
{
	const struct vrrp_conf_instance *ci = rt->ci;

	for (size_t i = 0; i < ci->nroutes; i++) {
		const struct vrrp_conf_route *r = &ci->routes[i];
		int idx = r->dev[0] ? vrrp_nl_ifindex(rt->env->nl, r->dev) : 0;

		if (r->dev[0] && idx <= 0)
			log_warnx("(%s) virtual_routes: no interface %s",
				  ci->name, r->dev);
		else
			vrrp_nl_route(rt->env->nl, add, idx, r);
	}
	for (size_t i = 0; i < ci->nrules; i++)
		vrrp_nl_rule(rt->env->nl, add, &ci->rules[i]);
}

void vrrp_ann_vips_set(struct vrrp_rt *rt, int add)
{
	const struct vrrp_conf_instance *ci = rt->ci;

	if (!add)
		routes_set(rt, 0);
	for (size_t i = 0; i < ci->nvips; i++)
		vrrp_nl_vip(rt->env->nl, add, vrrp_ann_vip_ifindex(rt, &ci->vips[i]),
			    &ci->vips[i]);
	for (size_t i = 0; i < ci->nvips_excluded; i++)
		vrrp_nl_vip(rt->env->nl, add,
			    vrrp_ann_vip_ifindex(rt, &ci->vips_excluded[i]),
			    &ci->vips_excluded[i]);
	if (add)
		routes_set(rt, 1);
}

/* The i-th address to announce: VIPs then excluded VIPs that live where
 * the instance puts its VIPs, with or without a "dev" naming it (those on
 * other devices go through vrrp_xgarp; IPv6 link-local addresses are not
 * announced). */
static const struct vrrp_conf_vip *garp_item(struct vrrp_rt *rt, size_t i)
{
	const struct vrrp_conf_instance *ci = rt->ci;
	const struct vrrp_conf_vip *v = i < ci->nvips ? &ci->vips[i]
				      : &ci->vips_excluded[i - ci->nvips];

	if (v->dev[0] && vrrp_ann_vip_ifindex(rt, v) != vrrp_rt_vip_if(rt))
		return NULL;
	if (v->addr.family == AF_INET6 && v->addr.u.b[0] == 0xfe &&
	    (v->addr.u.b[1] & 0xc0) == 0x80)
		return NULL;
	return v;
}

/*
 * Announcement pacing (vrrp_garp_interval, vrrp_gna_interval, garp_group):
 * the interval separates every gratuitous ARP / unsolicited NA sent on an
 * interface, whichever instance sends it, and on all the interfaces of a
 * garp_group together. Each such domain remembers when the next one of
 * each family may leave; an instance that finds it in the future waits
 * on its garp_tick until then.
 */
struct vrrp_pace {
	char key[IFNAMSIZ + 2];		/* "i:<interface>" or "g:<group's first>" */
	ev_tstamp next[2];		/* IPv4, IPv6 */
};

void vrrp_env_clear(struct vrrp_env *env)
{
	free(env->paces);
	env->paces = NULL;
	env->npaces = 0;
}

/* The pacing domain of rt's interface; NULL if out of memory (no pacing). */
static struct vrrp_pace *pace_of(struct vrrp_rt *rt)
{
	struct vrrp_env *env = rt->env;
	const struct vrrp_conf_garp *gg = vrrp_conf_garp(env->conf, rt->ci->interface);
	char key[IFNAMSIZ + 2];
	struct vrrp_pace *np;

	if (gg)
		snprintf(key, sizeof(key), "g:%s", gg->interface[0] ? gg->interface
								    : gg->ifs[0]);
	else
		snprintf(key, sizeof(key), "i:%s", rt->ci->interface);
	for (size_t i = 0; i < env->npaces; i++)
		if (strcmp(env->paces[i].key, key) == 0)
			return &env->paces[i];
	/* one per interface or group the configuration names: bounded */
	np = realloc(env->paces, (env->npaces + 1) * sizeof(*np));
	if (!np)
		return NULL;
	env->paces = np;
	np += env->npaces++;
	memset(np, 0, sizeof(*np));
	memcpy(np->key, key, sizeof(key));
	return np;
}

/* The pause after one announcement: the interface's garp_group, else the
 * global vrrp_garp_interval / vrrp_gna_interval. */
static uint32_t announce_interval(const struct vrrp_rt *rt, int family)
{
	const struct vrrp_conf_global *g = &rt->env->conf->global;
	const struct vrrp_conf_garp *gg = vrrp_conf_garp(rt->env->conf,
							 rt->ci->interface);
	uint32_t us = family == AF_INET ? g->garp_interval_us : g->gna_interval_us;
	uint32_t own = !gg ? UINT32_MAX : family == AF_INET ?
		       gg->garp_interval_us : gg->gna_interval_us;

	return own != UINT32_MAX ? own : us;
}

/* Send queued announcements; with an interval set (announce_interval),
 * one per tick of garp_tick. */
static void garp_pump(struct vrrp_rt *rt)
{
	size_t n = rt->ci->nvips + rt->ci->nvips_excluded;
	struct vrrp_conf_addr ll;
	int has_ll = vrrp_nl_primary(rt->env->nl, vrrp_rt_vip_if(rt), AF_INET6,
				     NULL, 0, &ll) == 0;

	if (n == 0 || vrrp_nl_mac(rt->env->nl, vrrp_rt_vip_if(rt), rt->mac) != 0) {
		rt->garp_left = 0;
		return;
	}
	while (rt->garp_left > 0) {
		const struct vrrp_conf_vip *v = garp_item(rt, rt->garp_pos % n);
		uint32_t us;

		if (v && (v->addr.family == AF_INET || has_ll) &&
		    (us = announce_interval(rt, v->addr.family)) != 0) {
			struct vrrp_pace *pc = pace_of(rt);
			ev_tstamp now = ev_now(rt->env->loop);
			int f6 = v->addr.family == AF_INET6;

			if (pc && pc->next[f6] > now) {
				ev_timer_stop(rt->env->loop, &rt->garp_tick);
				ev_timer_set(&rt->garp_tick, pc->next[f6] - now, 0.);
				ev_timer_start(rt->env->loop, &rt->garp_tick);
				return;
			}
			if (pc)
				pc->next[f6] = now + us / 1e6;
		}
		rt->garp_pos++;
		rt->garp_left--;
		if (!v || (v->addr.family == AF_INET6 && !has_ll))
			continue;
		vrrp_arp_send(rt->env->arp_fd, vrrp_rt_vip_if(rt), rt->mac, &v->addr,
			      &ll);
	}
}

static void vrrp_rt_garp_tick_cb(struct ev_loop *loop, ev_timer *w,
				 int revents)
{
	struct vrrp_rt *rt = w->data;

	if (rt->state == VRRP_STATE_MASTER)
		garp_pump(rt);
}

/* Queue repeat announcements of every address, and start sending; the
 * VIPs on other devices are announced there once a round. */
static void garp_round(struct vrrp_rt *rt, uint32_t repeat)
{
	size_t n = rt->ci->nvips + rt->ci->nvips_excluded;

	if (repeat > 0)
		vrrp_xgarp_send(rt->env->nl, rt->env->arp_fd, rt->ci);

	if (rt->garp_left == 0)
		rt->garp_pos = 0;
	rt->garp_left += repeat * n;
	if (rt->garp_left > 4 * 255 * 256)
		rt->garp_left = 4 * 255 * 256;
	if (!ev_is_active(&rt->garp_tick))
		garp_pump(rt);
}

static int32_t pick(int32_t inst, uint32_t global)
{
	return inst >= 0 ? inst : (int32_t)global;
}

void vrrp_ann_master(struct vrrp_rt *rt)
{
	const struct vrrp_conf_global *g = &rt->env->conf->global;
	const struct vrrp_conf_instance *ci = rt->ci;
	int32_t delay = pick(ci->garp_delay_s, g->garp_delay_s);
	int32_t refresh = pick(ci->garp_refresh_s, g->garp_refresh_s);

	rt->garp_second = (uint32_t)pick(ci->garp_repeat, g->garp_repeat);
	garp_round(rt, rt->garp_second);
	ev_timer_stop(rt->env->loop, &rt->garp_timer);
	if (delay > 0) {
		ev_timer_set(&rt->garp_timer, delay, 0.);
		ev_timer_start(rt->env->loop, &rt->garp_timer);
	}
	ev_timer_stop(rt->env->loop, &rt->refresh_timer);
	if (refresh > 0) {
		ev_timer_set(&rt->refresh_timer, refresh, refresh);
		ev_timer_start(rt->env->loop, &rt->refresh_timer);
	}
}

/* a lower priority Master is about: announce as on becoming Master, with
 * the garp_lower_prio_* values (the master ones unless set) */
void vrrp_ann_lower(struct vrrp_rt *rt)
{
	const struct vrrp_conf_global *g = &rt->env->conf->global;
	const struct vrrp_conf_instance *ci = rt->ci;
	int32_t repeat = ci->garp_lower_repeat >= 0 ? ci->garp_lower_repeat :
			 g->garp_lower_repeat >= 0 ? g->garp_lower_repeat :
			 pick(ci->garp_repeat, g->garp_repeat);
	int32_t delay = ci->garp_lower_delay_s >= 0 ? ci->garp_lower_delay_s :
			g->garp_lower_delay_s >= 0 ? g->garp_lower_delay_s :
			pick(ci->garp_delay_s, g->garp_delay_s);

	garp_round(rt, (uint32_t)repeat);
	rt->garp_second = (uint32_t)repeat;
	if (delay > 0 && repeat > 0) {
		ev_timer_stop(rt->env->loop, &rt->garp_timer);
		ev_timer_set(&rt->garp_timer, delay, 0.);
		ev_timer_start(rt->env->loop, &rt->garp_timer);
	}
}

static void vrrp_rt_garp_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_rt *rt = w->data;

	if (rt->state == VRRP_STATE_MASTER)
		garp_round(rt, rt->garp_second);
}

static void vrrp_rt_refresh_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_rt *rt = w->data;
	const struct vrrp_conf_global *g = &rt->env->conf->global;

	if (rt->state == VRRP_STATE_MASTER)
		garp_round(rt, (uint32_t)pick(rt->ci->garp_refresh_repeat,
					       g->garp_refresh_repeat));
}

/* garp_extra_if all N: a Master announces its VIPs on other interfaces
 * every N seconds (the setting of the generation it runs) */
void vrrp_ann_xgarp_arm(struct vrrp_rt *rt)
{
	const struct vrrp_conf_xgarp *x = &rt->ci->xgarp;

	ev_timer_stop(rt->env->loop, &rt->xgarp_timer);
	if (rt->state != VRRP_STATE_MASTER || !x->all || x->secs <= 0)
		return;
	ev_timer_set(&rt->xgarp_timer, x->secs, x->secs);
	ev_timer_start(rt->env->loop, &rt->xgarp_timer);
}

static void vrrp_rt_xgarp_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_rt *rt = w->data;

	if (rt->state == VRRP_STATE_MASTER)
		vrrp_xgarp_send(rt->env->nl, rt->env->arp_fd, rt->ci);
}

void vrrp_ann_init(struct vrrp_rt *rt)
{
	ev_timer_init(&rt->garp_timer, vrrp_rt_garp_cb, 1., 0.);
	ev_timer_init(&rt->refresh_timer, vrrp_rt_refresh_cb, 1., 0.);
	ev_timer_init(&rt->garp_tick, vrrp_rt_garp_tick_cb, 1., 0.);
	ev_timer_init(&rt->xgarp_timer, vrrp_rt_xgarp_cb, 1., 0.);
	rt->garp_timer.data = rt->refresh_timer.data = rt;
	rt->garp_tick.data = rt->xgarp_timer.data = rt;
}

void vrrp_ann_stop(struct vrrp_rt *rt)
{
	ev_timer_stop(rt->env->loop, &rt->garp_timer);
	ev_timer_stop(rt->env->loop, &rt->refresh_timer);
	ev_timer_stop(rt->env->loop, &rt->garp_tick);
	ev_timer_stop(rt->env->loop, &rt->xgarp_timer);
	rt->garp_left = 0;
}
