/*
 * vrrp_static.c - static addresses, routes and rules (see vrrp_static.h).
 */
#include <string.h>

#include "vrrp_conf.h"
#include "vrrp_nl.h"
#include "vrrp_static.h"

/* Whether item (size bytes) is in the array set of n: the parser keeps
 * the padding zeroed, so bytes compare. */
static int has(const void *set, size_t n, size_t size, const void *item)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp((const char *)set + i * size, item, size) == 0)
			return 1;
	return 0;
}

#define IN(c, arr, item) \
	((c) && has((c)->arr, (c)->n##arr, sizeof(*(item)), (item)))

static int vip_dev(struct vrrp_nl *nl, const struct vrrp_conf *c,
		   const struct vrrp_conf_vip *v)
{
	return vrrp_nl_ifindex(nl, v->dev[0] ? v->dev : c->global.default_interface);
}

static int route_dev(struct vrrp_nl *nl, const struct vrrp_conf_route *r)
{
	return r->dev[0] ? vrrp_nl_ifindex(nl, r->dev) : 0;
}

/* Remove what from has and to lacks. */
static void drop(struct vrrp_nl *nl, const struct vrrp_conf *from,
		 const struct vrrp_conf *to)
{
	for (size_t i = 0; from && i < from->nstatic_rules; i++)
		if (!IN(to, static_rules, &from->static_rules[i]))
			vrrp_nl_rule(nl, 0, &from->static_rules[i]);
	for (size_t i = 0; from && i < from->nstatic_routes; i++)
		if (!IN(to, static_routes, &from->static_routes[i]))
			vrrp_nl_route(nl, 0, route_dev(nl, &from->static_routes[i]),
				      &from->static_routes[i]);
	for (size_t i = 0; from && i < from->nstatic_vips; i++)
		if (!IN(to, static_vips, &from->static_vips[i]))
			vrrp_nl_vip(nl, 0, vip_dev(nl, from, &from->static_vips[i]),
				    &from->static_vips[i]);
}

void vrrp_static_apply(struct vrrp_nl *nl, const struct vrrp_conf *oc,
		       const struct vrrp_conf *nc)
{
	drop(nl, oc, nc);
	/* what both have is set again: it may have been removed by hand */
	for (size_t i = 0; nc && i < nc->nstatic_vips; i++)
		vrrp_nl_vip(nl, 1, vip_dev(nl, nc, &nc->static_vips[i]), &nc->static_vips[i]);
	for (size_t i = 0; nc && i < nc->nstatic_routes; i++)
		vrrp_nl_route(nl, 1, route_dev(nl, &nc->static_routes[i]),
			      &nc->static_routes[i]);
	for (size_t i = 0; nc && i < nc->nstatic_rules; i++)
		vrrp_nl_rule(nl, 1, &nc->static_rules[i]);
}
