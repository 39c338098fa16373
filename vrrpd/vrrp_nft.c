/*
 * vrrp_nft.c - no_accept filtering with libnftables (see vrrp_nft.h).
 * The ruleset is written in nft's own language and loaded in one batch:
 * "add table" then "delete table" then the table's definition, so a table
 * left by a crashed run is replaced rather than merged.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "log.h"
#include "vrrp_conf.h"
#include "vrrp_nft.h"

enum { RULESET_MAX = 1 << 20 };

struct vrrp_nft {
	char table[64];			/* the table we made, "" = none */
};

struct out {
	char *buf;
	size_t len, pos;
	int overflow;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->pos)
		o->overflow = 1;
	else
		o->pos += (size_t)n;
}

static int filtered(const struct vrrp_conf_instance *vi)
{
	return !vi->accept_mode && vi->priority != 255;
}

/* The elements of one family's set: ", "-separated; 1 when any. */
static int put_elements(struct out *o, const struct vrrp_conf *c, int family)
{
	int any = 0;

	for (size_t i = 0; i < c->ninstances; i++) {
		const struct vrrp_conf_instance *vi = &c->instances[i];

		if (!filtered(vi))
			continue;
		for (size_t k = 0; k < vi->nvips + vi->nvips_excluded; k++) {
			const struct vrrp_conf_vip *v = k < vi->nvips ?
				&vi->vips[k] : &vi->vips_excluded[k - vi->nvips];
			char a[INET6_ADDRSTRLEN];

			if (v->addr.family != family)
				continue;
			inet_ntop(family, v->addr.u.b, a, sizeof(a));
			put(o, "%s%s", any ? ", " : "", a);
			any = 1;
		}
	}
	return any;
}

static void put_set(struct out *o, const struct vrrp_conf *c, int family)
{
	const char *name = family == AF_INET ? "vips4" : "vips6";
	size_t mark;

	put(o, "  set %s {\n    type %s_addr\n", name,
	    family == AF_INET ? "ipv4" : "ipv6");
	mark = o->pos;
	put(o, "    elements = { ");
	if (put_elements(o, c, family))
		put(o, " }\n");
	else if (!o->overflow)
		o->pos = mark;		/* an empty set has no elements line */
	put(o, "  }\n");
}

int vrrp_nft_ruleset(const struct vrrp_conf *c, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	const char *t = c->global.nft_table;
	const char *cnt = c->global.nft_counters ? "counter " : "";
	size_t i;

	for (i = 0; i < c->ninstances; i++)
		if (filtered(&c->instances[i]))
			break;
	if (len)
		buf[0] = '\0';
	if (i == c->ninstances)
		return 0;
	put(&o, "add table inet %s\ndelete table inet %s\n", t, t);
	put(&o, "table inet %s {\n", t);
	put_set(&o, c, AF_INET);
	put_set(&o, c, AF_INET6);
	put(&o, "  chain input {\n"
		"    type filter hook input priority %d; policy accept;\n"
		"    ip daddr @vips4 %sdrop\n"
		"    ip6 daddr @vips6 icmpv6 type { nd-neighbor-solicit, "
		"nd-neighbor-advert } %saccept\n"
		"    ip6 daddr @vips6 %sdrop\n"
		"  }\n}\n", (int)c->global.nft_priority, cnt, cnt, cnt);
	return o.overflow ? -1 : (int)o.pos;
}

/* Run one batch of nft commands; 0 or -1 after logging. */
static int run(const char *cmds, const char *what)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	int rc;

	if (!ctx) {
		log_warnx("nftables: cannot create a context");
		return -1;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	rc = nft_run_cmd_from_buffer(ctx, cmds);
	if (rc != 0)
		log_warnx("nftables: cannot %s: %s", what,
			  nft_ctx_get_error_buffer(ctx));
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}

static void table_delete(struct vrrp_nft *n)
{
	char cmd[200];

	if (!n->table[0])
		return;
	snprintf(cmd, sizeof(cmd), "delete table inet %s\n", n->table);
	if (run(cmd, "delete the no_accept table") == 0)
		log_info("nftables: table inet %s deleted", n->table);
	n->table[0] = '\0';
}

int vrrp_nft_apply(struct vrrp_nft *n, const struct vrrp_conf *c)
{
	char *buf = malloc(RULESET_MAX);
	int len, rc = -1;

	if (!buf) {
		log_warnx("nftables: out of memory");
		return -1;
	}
	len = vrrp_nft_ruleset(c, buf, RULESET_MAX);
	if (len < 0)
		log_warnx("nftables: too many VIPs for one ruleset");
	if (len <= 0 || strcmp(n->table, c->global.nft_table) != 0)
		table_delete(n);	/* none needed, or renamed */
	if (len == 0)
		rc = 0;
	else if (len > 0 && run(buf, "load the no_accept rules") == 0) {
		snprintf(n->table, sizeof(n->table), "%s", c->global.nft_table);
		log_info("nftables: table inet %s filters the VIPs of no_accept "
			 "instances", n->table);
		rc = 0;
	}
	free(buf);
	return rc;
}

struct vrrp_nft *vrrp_nft_new(void)
{
	return calloc(1, sizeof(struct vrrp_nft));
}

void vrrp_nft_free(struct vrrp_nft *n)
{
	if (!n)
		return;
	table_delete(n);
	free(n);
}
