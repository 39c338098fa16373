/*
 * vrrp_conf_list.c - the entries of keepalived.conf's list blocks
 * (virtual_ipaddress, track_*, virtual_routes/rules, unicast_peer, a sync
 * group's members, garp_group interfaces, static_*): one line each, read
 * here; the keyword tables and their handlers are vrrp_conf_kw.c's.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "vrrp_conf.h"
#include "vrrp_conf_int.h"
#include "vrrp_conf_route.h"

int vrrp_conf_parse_scope(const char *s, uint8_t *scope)
{
	static const struct { const char *n; uint8_t v; } t[] = {
		{ "global", RT_SCOPE_UNIVERSE }, { "site", RT_SCOPE_SITE },
		{ "link", RT_SCOPE_LINK }, { "host", RT_SCOPE_HOST },
		{ "nowhere", RT_SCOPE_NOWHERE },
	};
	long v;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].n) == 0) {
			*scope = t[i].v;
			return 0;
		}
	if (vrrp_conf_parse_long(s, 0, 255, &v) != 0)
		return -1;
	*scope = (uint8_t)v;
	return 0;
}

static int vip_option(struct parser *p, struct vrrp_conf_vip *v,
		      const char *opt, const char *val)
{
	if (strcmp(opt, "brd") == 0) {
		if (v->addr.family != AF_INET ||
		    inet_pton(AF_INET, val, &v->brd) != 1) {
			vrrp_conf_msg(p, 0, "virtual_ipaddress: brd '%s' is not an IPv4 "
			    "address for an IPv4 VIP", val);
			return -1;
		}
		v->has_brd = 1;
	} else if (strcmp(opt, "dev") == 0 || strcmp(opt, "label") == 0) {
		char *dst = opt[0] == 'd' ? v->dev : v->label;

		if (strlen(val) >= IFNAMSIZ) {
			vrrp_conf_msg(p, 0, "virtual_ipaddress: %s '%s' is longer than "
			    "%d bytes", opt, val, IFNAMSIZ - 1);
			return -1;
		}
		strcpy(dst, val);
	} else if (strcmp(opt, "scope") == 0) {
		if (vrrp_conf_parse_scope(val, &v->scope) != 0) {
			vrrp_conf_msg(p, 0, "virtual_ipaddress: unknown scope '%s'", val);
			return -1;
		}
	} else {
		vrrp_conf_msg(p, 0, "virtual_ipaddress: option '%s': not supported yet",
		    opt);
		return -1;
	}
	return 0;
}

static void list_vip(struct parser *p, struct frame *f, int argc, char **argv)
{
	int stat = f->kind == BLK_STATIC_VIPS, excl = f->kind == BLK_VIPS_EXCL;
	struct vrrp_conf_instance *vi = stat ? NULL : &p->c->instances[f->idx];
	struct vrrp_conf_vip **arr = stat ? &p->c->static_vips :
				     excl ? &vi->vips_excluded : &vi->vips;
	size_t *n = stat ? &p->c->nstatic_vips : excl ? &vi->nvips_excluded : &vi->nvips;
	struct vrrp_conf_vip v = { .scope = RT_SCOPE_UNIVERSE }, *na;
	int has_prefix;

	if (vrrp_conf_parse_prefix(argv[0], &v.addr, &v.prefix, &has_prefix)
	    != 0) {
		vrrp_conf_msg(p, 0, "%s: '%s' is not an address[/prefix]",
		    stat ? "static_ipaddress" : "virtual_ipaddress", argv[0]);
		return;
	}
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc) {
			vrrp_conf_msg(p, 0, "virtual_ipaddress: '%s' needs a value",
			    argv[i]);
			return;
		}
		if (vip_option(p, &v, argv[i], argv[i + 1]) != 0)
			return;
	}
	na = vrrp_conf_grow(p, *arr, n, sizeof(v), VRRP_CONF_LIST_MAX);
	if (!na)
		return;
	*arr = na;
	na[(*n)++] = v;
}

/* The track list a list frame fills: its array and its count. */
static void track_list(struct parser *p, struct frame *f,
		       struct vrrp_conf_track ***arr, size_t **n)
{
	int k = f->kind;

	if (f->owner == BLK_GROUP) {
		struct vrrp_conf_group *g = &p->c->groups[f->idx];

		*arr = k == BLK_TRACK_SCRIPT ? &g->track_scripts :
		       k == BLK_TRACK_IF ? &g->track_ifs :
		       k == BLK_TRACK_LBD ? &g->track_lbds :
		       k == BLK_TRACK_PROCESS ? &g->track_procs : &g->track_files;
		*n = k == BLK_TRACK_SCRIPT ? &g->ntrack_scripts :
		     k == BLK_TRACK_IF ? &g->ntrack_ifs :
		     k == BLK_TRACK_LBD ? &g->ntrack_lbds :
		     k == BLK_TRACK_PROCESS ? &g->ntrack_procs : &g->ntrack_files;
	} else {
		struct vrrp_conf_instance *vi = &p->c->instances[f->idx];

		*arr = k == BLK_TRACK_SCRIPT ? &vi->track_scripts :
		       k == BLK_TRACK_IF ? &vi->track_ifs :
		       k == BLK_TRACK_LBD ? &vi->track_lbds :
		       k == BLK_TRACK_PROCESS ? &vi->track_procs : &vi->track_files;
		*n = k == BLK_TRACK_SCRIPT ? &vi->ntrack_scripts :
		     k == BLK_TRACK_IF ? &vi->ntrack_ifs :
		     k == BLK_TRACK_LBD ? &vi->ntrack_lbds :
		     k == BLK_TRACK_PROCESS ? &vi->ntrack_procs : &vi->ntrack_files;
	}
}

static void list_track(struct parser *p, struct frame *f, int argc,
		       char **argv)
{
	struct vrrp_conf_track t = { 0 }, **arr, *na;
	size_t *n;
	long w;

	track_list(p, f, &arr, &n);
	if (strlen(argv[0]) >= sizeof(t.name)) {
		vrrp_conf_msg(p, 0, "'%s' is too long a name", argv[0]);
		return;
	}
	strcpy(t.name, argv[0]);
	if (argc > 1) {
		if (argc > 4 || strcmp(argv[1], "weight") != 0 || argc < 3 ||
		    vrrp_conf_parse_long(argv[2], -254, 254, &w) != 0 ||
		    (argc == 4 && strcmp(argv[3], "reverse") != 0)) {
			vrrp_conf_msg(p, 0, "%s: expected NAME [weight -254..254 [reverse]]",
			    argv[0]);
			return;
		}
		t.weight = (int)w;
		t.has_weight = 1;
		t.reverse = argc == 4;
	}
	na = vrrp_conf_grow(p, *arr, n, sizeof(t), VRRP_CONF_LIST_MAX);
	if (!na)
		return;
	*arr = na;
	na[(*n)++] = t;
}

static void list_route(struct parser *p, struct frame *f, int argc,
		       char **argv)
{
	int stat = f->kind == BLK_STATIC_ROUTES || f->kind == BLK_STATIC_RULES;
	int rule = f->kind == BLK_RULES || f->kind == BLK_STATIC_RULES;
	struct vrrp_conf_instance *vi = stat ? NULL : &p->c->instances[f->idx];
	struct vrrp_conf_rule **rules = stat ? &p->c->static_rules : &vi->rules;
	struct vrrp_conf_route **routes = stat ? &p->c->static_routes : &vi->routes;
	size_t *nrules = stat ? &p->c->nstatic_rules : &vi->nrules;
	size_t *nroutes = stat ? &p->c->nstatic_routes : &vi->nroutes;
	char err[200];
	struct vrrp_conf_route r;
	struct vrrp_conf_rule u;
	void *na;

	if ((rule ? vrrp_conf_rule_parse(argc, argv, &u, err, sizeof(err)) :
		    vrrp_conf_route_parse(argc, argv, &r, err, sizeof(err))) != 0) {
		vrrp_conf_msg(p, 0, "%s_%s: %s", stat ? "static" : "virtual",
			      rule ? "rules" : "routes", err);
		return;
	}
	if (rule) {
		na = vrrp_conf_grow(p, *rules, nrules, sizeof(u), VRRP_CONF_LIST_MAX);
		if (!na)
			return;
		*rules = na;
		/* memcpy keeps the zeroed padding: reloads compare bytes */
		memcpy(&(*rules)[(*nrules)++], &u, sizeof(u));
		return;
	}
	na = vrrp_conf_grow(p, *routes, nroutes, sizeof(r), VRRP_CONF_LIST_MAX);
	if (!na)
		return;
	*routes = na;
	memcpy(&(*routes)[(*nroutes)++], &r, sizeof(r));
}

static void list_peer(struct parser *p, struct frame *f, int argc,
		      char **argv)
{
	struct vrrp_conf_instance *vi = &p->c->instances[f->idx];
	struct vrrp_conf_addr a, *na;

	if (argc > 1) {
		vrrp_conf_msg(p, 0, "unicast_peer: option '%s': not supported yet",
		    argv[1]);
		return;
	}
	if (vrrp_conf_parse_addr(argv[0], &a) != 0) {
		vrrp_conf_msg(p, 0, "unicast_peer: '%s' is not an IP address", argv[0]);
		return;
	}
	na = vrrp_conf_grow(p, vi->peers, &vi->npeers, sizeof(a), VRRP_CONF_LIST_MAX);
	if (!na)
		return;
	vi->peers = na;
	na[vi->npeers++] = a;
}

static void list_garp_if(struct parser *p, struct frame *f, int argc,
			 char **argv)
{
	struct vrrp_conf_garp *g = &p->c->garps[f->idx];

	if (argc > 1 || strlen(argv[0]) >= IFNAMSIZ) {
		vrrp_conf_msg(p, 0, "interfaces: one interface name (under %d "
			      "characters) per line", IFNAMSIZ);
		return;
	}
	if (g->nifs == VRRP_CONF_GARP_IFS) {
		vrrp_conf_msg(p, 0, "interfaces: at most %d in a garp_group",
			      VRRP_CONF_GARP_IFS);
		return;
	}
	strcpy(g->ifs[g->nifs++], argv[0]);
}

static void list_member(struct parser *p, struct frame *f, int argc,
			char **argv)
{
	struct vrrp_conf_group *g = &p->c->groups[f->idx];

	for (int i = 0; i < argc; i++) {
		char (*na)[VRRP_CONF_NAME_MAX];

		if (strlen(argv[i]) >= VRRP_CONF_NAME_MAX) {
			vrrp_conf_msg(p, 0, "group: '%s' is too long a name", argv[i]);
			continue;
		}
		na = vrrp_conf_grow(p, g->members, &g->nmembers, sizeof(*na),
			  VRRP_CONF_LIST_MAX);
		if (!na)
			return;
		g->members = na;
		strcpy(g->members[g->nmembers++], argv[i]);
	}
}

void vrrp_conf_list(struct parser *p, struct frame *f, int argc, char **argv)
{
	switch (f->kind) {
	case BLK_VIPS:
	case BLK_VIPS_EXCL:
		list_vip(p, f, argc, argv);
		break;
	case BLK_TRACK_SCRIPT:
	case BLK_TRACK_IF:
	case BLK_TRACK_FILE:
	case BLK_TRACK_LBD:
	case BLK_TRACK_PROCESS:
		list_track(p, f, argc, argv);
		break;
	case BLK_ROUTES:
	case BLK_RULES:
		list_route(p, f, argc, argv);
		break;
	case BLK_PEERS:
		list_peer(p, f, argc, argv);
		break;
	case BLK_MEMBERS:
		list_member(p, f, argc, argv);
		break;
	case BLK_GARP_IFS:
		list_garp_if(p, f, argc, argv);
		break;
	case BLK_STATIC_VIPS:
		list_vip(p, f, argc, argv);
		break;
	case BLK_STATIC_ROUTES:
	case BLK_STATIC_RULES:
		list_route(p, f, argc, argv);
		break;
	default:
		break;
	}
}
