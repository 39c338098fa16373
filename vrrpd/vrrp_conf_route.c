/*
 * vrrp_conf_route.c - virtual_routes and virtual_rules lines (see
 * vrrp_conf_route.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "vrrp_conf.h"
#include "vrrp_conf_route.h"

struct words {
	int argc, i;
	char **argv;
	char *err;
	size_t errlen;
};

static int fail(struct words *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct words *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err, w->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The value after option argv[i]; NULL after saying it is missing. */
static const char *value(struct words *w)
{
	if (w->i + 1 >= w->argc) {
		fail(w, "'%s' needs a value", w->argv[w->i]);
		return NULL;
	}
	w->i += 2;
	return w->argv[w->i - 1];
}

static int u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int table(struct words *w, uint32_t *t)
{
	static const struct { const char *n; uint32_t v; } names[] = {
		{ "main", RT_TABLE_MAIN }, { "local", RT_TABLE_LOCAL },
		{ "default", RT_TABLE_DEFAULT },
	};
	const char *v = value(w);

	if (!v)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i].n) == 0) {
			*t = names[i].v;
			return 0;
		}
	if (u32(v, t) != 0 || *t == 0)
		return fail(w, "table '%s' is not a number (1..4294967295) or "
			    "main, local, default", v);
	return 0;
}

static int number(struct words *w, uint32_t *n)
{
	const char *opt = w->argv[w->i], *v = value(w);

	if (!v)
		return -1;
	if (u32(v, n) != 0)
		return fail(w, "%s '%s' is not a number", opt, v);
	return 0;
}

static int address(struct words *w, struct vrrp_conf_addr *a)
{
	const char *opt = w->argv[w->i], *v = value(w);
	uint8_t len;
	int has_len;

	if (!v)
		return -1;
	if (vrrp_conf_parse_prefix(v, a, &len, &has_len) != 0 || has_len)
		return fail(w, "%s '%s' is not an IP address", opt, v);
	return 0;
}

static int prefix(struct words *w, const char *v, struct vrrp_conf_addr *a,
		  uint8_t *len)
{
	int has_len;

	if (vrrp_conf_parse_prefix(v, a, len, &has_len) != 0)
		return fail(w, "'%s' is not an address[/prefix]", v);
	return 0;
}

/* ---- routes ---- */

static const struct { const char *n; uint8_t type; } route_types[] = {
	{ "blackhole", RTN_BLACKHOLE }, { "unreachable", RTN_UNREACHABLE },
	{ "prohibit", RTN_PROHIBIT },
};

/* ip-route options keepalived takes that vrrpd refuses, by name */
static const char *const route_refused[] = {
	"or", "nexthop", "onlink", "tos", "dsfield", "protocol", "mtu",
	"hoplimit", "advmss", "rtt", "rttvar", "reordering", "window", "cwnd",
	"ssthresh", "realms", "rto_min", "initcwnd", "initrwnd", "features",
	"quickack", "congctl", "pref", "fastopen_no_cookie", "ttl-propagate",
	"vrf", "append", "encap", "expires", "track_group", "throw", "nat",
	"broadcast", "anycast", "multicast", "local",
};

static int refused(struct words *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w->argv[w->i], list[i]) == 0)
			return fail(w, "option '%s': not supported yet", list[i]);
	return fail(w, "unknown option '%s'", w->argv[w->i]);
}

static int route_option(struct words *w, struct vrrp_conf_route *r)
{
	const char *o = w->argv[w->i], *v;

	if (strcmp(o, "via") == 0 || strcmp(o, "gw") == 0) {
		r->has_via = 1;
		return address(w, &r->via);
	}
	if (strcmp(o, "src") == 0) {
		r->has_src = 1;
		return address(w, &r->src);
	}
	if (strcmp(o, "dev") == 0) {
		if (!(v = value(w)))
			return -1;
		if (strlen(v) >= sizeof(r->dev))
			return fail(w, "dev '%s' is too long", v);
		strcpy(r->dev, v);
		return 0;
	}
	if (strcmp(o, "scope") == 0) {
		if (!(v = value(w)))
			return -1;
		r->has_scope = 1;
		if (vrrp_conf_parse_scope(v, &r->scope) != 0)
			return fail(w, "unknown scope '%s'", v);
		return 0;
	}
	if (strcmp(o, "table") == 0)
		return table(w, &r->table);
	if (strcmp(o, "metric") == 0 || strcmp(o, "priority") == 0 ||
	    strcmp(o, "preference") == 0) {
		r->has_metric = 1;
		return number(w, &r->metric);
	}
	if (strcmp(o, "no_track") == 0) {
		w->i++;
		return 0;
	}
	return refused(w, route_refused,
		       sizeof(route_refused) / sizeof(route_refused[0]));
}

/* The destination: "[TYPE] [to] PREFIX", after any leading "src ADDR". */
static int route_dst(struct words *w, struct vrrp_conf_route *r)
{
	for (size_t i = 0; i < sizeof(route_types) / sizeof(route_types[0]); i++)
		if (strcmp(w->argv[w->i], route_types[i].n) == 0) {
			r->type = route_types[i].type;
			w->i++;
			break;
		}
	if (w->i < w->argc && strcmp(w->argv[w->i], "to") == 0)
		w->i++;
	if (w->i >= w->argc)
		return fail(w, "no destination");
	if (prefix(w, w->argv[w->i], &r->dst, &r->dst_len) != 0)
		return -1;
	w->i++;
	return 0;
}

static int route_check(struct words *w, struct vrrp_conf_route *r)
{
	int fam = r->dst.family;

	if ((r->has_via && r->via.family != fam) ||
	    (r->has_src && r->src.family != fam))
		return fail(w, "via and src must be of the destination's family");
	if (r->type != RTN_UNICAST && (r->has_via || r->dev[0]))
		return fail(w, "a %s route takes no via or dev",
			    r->type == RTN_BLACKHOLE ? "blackhole" :
			    r->type == RTN_UNREACHABLE ? "unreachable" : "prohibit");
	if (r->type == RTN_UNICAST && !r->has_via && !r->dev[0])
		return fail(w, "a route needs via or dev");
	if (!r->has_scope)	/* as ip-route: on-link when no gateway */
		r->scope = r->type == RTN_UNICAST && !r->has_via &&
			   fam == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	return 0;
}

int vrrp_conf_route_parse(int argc, char **argv, struct vrrp_conf_route *r,
			  char *err, size_t errlen)
{
	struct words w = { .argc = argc, .argv = argv, .err = err,
			   .errlen = errlen };

	memset(r, 0, sizeof(*r));
	r->type = RTN_UNICAST;
	r->table = RT_TABLE_MAIN;
	if (argc >= 2 && strcmp(argv[0], "src") == 0) {
		r->has_src = 1;
		if (address(&w, &r->src) != 0)
			return -1;
	}
	if (w.i >= argc)
		return fail(&w, "no destination");
	if (route_dst(&w, r) != 0)
		return -1;
	while (w.i < argc)
		if (route_option(&w, r) != 0)
			return -1;
	return route_check(&w, r);
}

/* ---- rules ---- */

static const char *const rule_refused[] = {
	"iif", "oif", "tos", "dsfield", "fwmark", "realms", "goto", "uidrange",
	"l3mdev", "ip_proto", "ipproto", "sport", "dport", "suppress_prefixlength",
	"suppress_ifgroup", "protocol", "not", "nat", "track_group", "type",
	"blackhole", "unreachable", "prohibit",
};

static int rule_option(struct words *w, struct vrrp_conf_rule *r)
{
	const char *o = w->argv[w->i], *v;
	int from = strcmp(o, "from") == 0;

	if (from || strcmp(o, "to") == 0) {
		if (!(v = value(w)))
			return -1;
		if (from) {
			r->has_from = 1;
			return prefix(w, v, &r->from, &r->from_len);
		}
		r->has_to = 1;
		return prefix(w, v, &r->to, &r->to_len);
	}
	if (strcmp(o, "table") == 0 || strcmp(o, "lookup") == 0)
		return table(w, &r->table);
	if (strcmp(o, "priority") == 0 || strcmp(o, "preference") == 0 ||
	    strcmp(o, "pref") == 0) {
		r->has_prio = 1;
		return number(w, &r->prio);
	}
	if (strcmp(o, "no_track") == 0) {
		w->i++;
		return 0;
	}
	return refused(w, rule_refused,
		       sizeof(rule_refused) / sizeof(rule_refused[0]));
}

int vrrp_conf_rule_parse(int argc, char **argv, struct vrrp_conf_rule *r,
			 char *err, size_t errlen)
{
	struct words w = { .argc = argc, .argv = argv, .err = err,
			   .errlen = errlen };

	memset(r, 0, sizeof(*r));
	while (w.i < argc)
		if (rule_option(&w, r) != 0)
			return -1;
	if (!r->has_from && !r->has_to)
		return fail(&w, "a rule needs from or to (they give its family)");
	if (r->has_from && r->has_to && r->from.family != r->to.family)
		return fail(&w, "from and to must be of one family");
	if (!r->table)
		return fail(&w, "a rule needs a table");
	r->family = r->has_from ? r->from.family : r->to.family;
	return 0;
}
