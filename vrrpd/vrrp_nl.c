/*
 * vrrp_nl.c - libnl-route glue (see vrrp_nl.h).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "vrrp_conf.h"
#include "vrrp_nl.h"

struct vrrp_nl {
	struct ev_loop *loop;
	struct nl_cache_mngr *mngr;
	struct nl_cache *links, *addrs;
	struct nl_sock *req;		/* requests: VIP add/remove */
	ev_io io;
	vrrp_nl_link_fn link_cb;
	void *arg;
	struct promote {		/* promote_secondaries we set */
		char name[IFNAMSIZ];
		int refs;
		char old;		/* the value found, '0' or '1' */
	} promote[VRRP_NL_PROMOTE_MAX];
};

static void vrrp_nl_link_change_cb(struct nl_cache *cache,
				   struct nl_object *obj, int action,
				   void *arg)
{
	struct vrrp_nl *nl = arg;
	struct rtnl_link *l = (struct rtnl_link *)obj;
	unsigned int fl = rtnl_link_get_flags(l);
	int up = action != NL_ACT_DEL && (fl & IFF_UP) && (fl & IFF_RUNNING);

	if (nl->link_cb)
		nl->link_cb(nl->arg, rtnl_link_get_ifindex(l), up);
}

/* an address came or went: the primary address may have changed */
static void vrrp_nl_addr_change_cb(struct nl_cache *cache,
				   struct nl_object *obj, int action,
				   void *arg)
{
	struct vrrp_nl *nl = arg;
	int idx = rtnl_addr_get_ifindex((struct rtnl_addr *)obj);

	if (nl->link_cb)
		nl->link_cb(nl->arg, idx, vrrp_nl_link_up(nl, idx));
}

static void vrrp_nl_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_nl *nl = w->data;
	int err = nl_cache_mngr_data_ready(nl->mngr);

	if (err < 0)
		log_warnx("netlink: %s", nl_geterror(err));
}

struct vrrp_nl *vrrp_nl_new(struct ev_loop *loop, vrrp_nl_link_fn link_cb,
			    void *arg)
{
	struct vrrp_nl *nl = calloc(1, sizeof(*nl));
	int err;

	if (!nl)
		return NULL;
	nl->loop = loop;
	nl->link_cb = link_cb;
	nl->arg = arg;
	err = nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, NL_AUTO_PROVIDE,
				  &nl->mngr);
	if (err < 0)
		goto fail;
	err = nl_cache_mngr_add(nl->mngr, "route/link", vrrp_nl_link_change_cb,
				nl, &nl->links);
	if (err < 0)
		goto fail;
	err = nl_cache_mngr_add(nl->mngr, "route/addr", vrrp_nl_addr_change_cb,
				nl, &nl->addrs);
	if (err < 0)
		goto fail;
	nl->req = nl_socket_alloc();
	if (!nl->req) {
		err = -NLE_NOMEM;
		goto fail;
	}
	err = nl_connect(nl->req, NETLINK_ROUTE);
	if (err < 0)
		goto fail;
	ev_io_init(&nl->io, vrrp_nl_read_cb, nl_cache_mngr_get_fd(nl->mngr),
		   EV_READ);
	nl->io.data = nl;
	ev_io_start(loop, &nl->io);
	return nl;
fail:
	log_warnx("netlink: %s", nl_geterror(err));
	vrrp_nl_free(nl);
	return NULL;
}

void vrrp_nl_free(struct vrrp_nl *nl)
{
	if (!nl)
		return;
	if (nl->io.data)
		ev_io_stop(nl->loop, &nl->io);
	if (nl->mngr)
		nl_cache_mngr_free(nl->mngr);
	if (nl->req)
		nl_socket_free(nl->req);
	free(nl);
}

int vrrp_nl_ifindex(struct vrrp_nl *nl, const char *name)
{
	/* the kernel's answer: libnl's link cache can keep a deleted link's
	 * name after one of the same name was created again */
	(void)nl;
	return (int)if_nametoindex(name);
}

int vrrp_nl_link_up(struct vrrp_nl *nl, int ifindex)
{
	struct rtnl_link *l = rtnl_link_get(nl->links, ifindex);
	unsigned int fl;

	if (!l)
		return 0;
	fl = rtnl_link_get_flags(l);
	rtnl_link_put(l);
	return (fl & IFF_UP) && (fl & IFF_RUNNING);
}

int vrrp_nl_mac(struct vrrp_nl *nl, int ifindex, uint8_t mac[6])
{
	struct rtnl_link *l = rtnl_link_get(nl->links, ifindex);
	struct nl_addr *a;
	int ret = -1;

	if (!l)
		return -1;
	a = rtnl_link_get_addr(l);
	if (a && nl_addr_get_len(a) == 6) {
		memcpy(mac, nl_addr_get_binary_addr(a), 6);
		ret = 0;
	}
	rtnl_link_put(l);
	return ret;
}

static int is_vip(const uint8_t *b, int family, const struct vrrp_conf_vip *v,
		  size_t n)
{
	size_t len = family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < n; i++)
		if (v[i].addr.family == family && memcmp(v[i].addr.u.b, b, len) == 0)
			return 1;
	return 0;
}

int vrrp_nl_primary(struct vrrp_nl *nl, int ifindex, int family,
		    const struct vrrp_conf_vip *vips, size_t nvip,
		    struct vrrp_conf_addr *out)
{
	struct nl_object *o;
	int found = 0;

	for (o = nl_cache_get_first(nl->addrs); o && !found;
	     o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);
		const uint8_t *b;

		if (rtnl_addr_get_ifindex(a) != ifindex ||
		    rtnl_addr_get_family(a) != family || !local)
			continue;
		b = nl_addr_get_binary_addr(local);
		if (family == AF_INET) {
			if (rtnl_addr_get_flags(a) & IFA_F_SECONDARY)
				continue;
		} else if (!(b[0] == 0xfe && (b[1] & 0xc0) == 0x80)) {
			continue;	/* link-local only */
		}
		if (is_vip(b, family, vips, nvip))
			continue;
		memset(out, 0, sizeof(*out));
		out->family = family;
		memcpy(out->u.b, b, family == AF_INET ? 4 : 16);
		found = 1;
	}
	return found ? 0 : -1;
}

int vrrp_nl_vip(struct vrrp_nl *nl, int add, int ifindex,
		const struct vrrp_conf_vip *vip)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	int fam = vip->addr.family;
	struct nl_addr *local = NULL, *brd = NULL;
	char txt[INET6_ADDRSTRLEN];
	int err = -NLE_NOMEM;

	if (!a)
		goto out;
	local = nl_addr_build(fam, vip->addr.u.b, fam == AF_INET ? 4 : 16);
	if (!local)
		goto out;
	nl_addr_set_prefixlen(local, vip->prefix);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, fam);
	err = rtnl_addr_set_local(a, local);
	if (err < 0)
		goto out;
	rtnl_addr_set_prefixlen(a, vip->prefix);
	rtnl_addr_set_scope(a, vip->scope);
	if (vip->label[0] && (err = rtnl_addr_set_label(a, vip->label)) < 0)
		goto out;
	if (vip->has_brd) {
		brd = nl_addr_build(AF_INET, &vip->brd, 4);
		if (!brd) {
			err = -NLE_NOMEM;
			goto out;
		}
		rtnl_addr_set_broadcast(a, brd);
	}
	if (fam == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	if (add) {
		err = rtnl_addr_add(nl->req, a, 0);
		if (err == -NLE_EXIST)
			err = 0;
	} else {
		err = rtnl_addr_delete(nl->req, a, 0);
		if (err == -NLE_NOADDR || err == -NLE_OBJ_NOTFOUND ||
		    err == -NLE_NODEV)
			err = 0;
	}
out:
	if (err < 0) {
		inet_ntop(fam, vip->addr.u.b, txt, sizeof(txt));
		log_warnx("cannot %s VIP %s/%u: %s", add ? "add" : "remove", txt,
			  vip->prefix, nl_geterror(err));
	}
	nl_addr_put(local);
	nl_addr_put(brd);
	rtnl_addr_put(a);
	return err < 0 ? -1 : 0;
}

/* An nl_addr of a, with prefix length len; NULL when memory is short. */
static struct nl_addr *addr_of(const struct vrrp_conf_addr *a, uint8_t len)
{
	struct nl_addr *n = nl_addr_build(a->family, a->u.b,
					  a->family == AF_INET ? 4 : 16);

	if (n)
		nl_addr_set_prefixlen(n, len);
	return n;
}

static int route_fill(struct rtnl_route *rt, int ifindex,
		      const struct vrrp_conf_route *r)
{
	int full = r->dst.family == AF_INET ? 32 : 128;
	struct nl_addr *dst = addr_of(&r->dst, r->dst_len);
	struct nl_addr *src = r->has_src ? addr_of(&r->src, (uint8_t)full) : NULL;
	struct nl_addr *via = r->has_via ? addr_of(&r->via, (uint8_t)full) : NULL;
	struct rtnl_nexthop *nh = NULL;
	int err = -NLE_NOMEM;

	if (!dst || (r->has_src && !src) || (r->has_via && !via))
		goto out;
	rtnl_route_set_family(rt, (uint8_t)r->dst.family);
	rtnl_route_set_table(rt, r->table);
	rtnl_route_set_type(rt, r->type);
	rtnl_route_set_scope(rt, r->scope);
	rtnl_route_set_protocol(rt, RTPROT_STATIC);
	if (r->has_metric)
		rtnl_route_set_priority(rt, r->metric);
	if ((err = rtnl_route_set_dst(rt, dst)) < 0 ||
	    (src && (err = rtnl_route_set_pref_src(rt, src)) < 0))
		goto out;
	if (via || ifindex > 0) {
		nh = rtnl_route_nh_alloc();
		if (!nh) {
			err = -NLE_NOMEM;
			goto out;
		}
		if (ifindex > 0)
			rtnl_route_nh_set_ifindex(nh, ifindex);
		if (via)
			rtnl_route_nh_set_gateway(nh, via);
		rtnl_route_add_nexthop(rt, nh);	/* the route owns it */
	}
	err = 0;
out:
	nl_addr_put(dst);
	nl_addr_put(src);
	nl_addr_put(via);
	return err;
}

static void route_warn(int add, const char *what,
		       const struct vrrp_conf_addr *a, uint8_t len, int err)
{
	char txt[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->u.b, txt, sizeof(txt));
	log_warnx("cannot %s %s %s/%u: %s", add ? "add" : "remove", what, txt,
		  len, nl_geterror(err));
}

int vrrp_nl_route(struct vrrp_nl *nl, int add, int ifindex,
		  const struct vrrp_conf_route *r)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	int err = rt ? route_fill(rt, ifindex, r) : -NLE_NOMEM;

	if (err == 0 && add) {
		err = rtnl_route_add(nl->req, rt, NLM_F_EXCL);
		if (err == -NLE_EXIST)
			err = 0;
	} else if (err == 0) {
		err = rtnl_route_delete(nl->req, rt, 0);
		if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NOADDR ||
		    err == -NLE_NODEV)
			err = 0;
	}
	if (err < 0)
		route_warn(add, "route", &r->dst, r->dst_len, err);
	rtnl_route_put(rt);
	return err < 0 ? -1 : 0;
}

int vrrp_nl_rule(struct vrrp_nl *nl, int add, const struct vrrp_conf_rule *u)
{
	struct rtnl_rule *ru = rtnl_rule_alloc();
	struct nl_addr *from = u->has_from ? addr_of(&u->from, u->from_len) : NULL;
	struct nl_addr *to = u->has_to ? addr_of(&u->to, u->to_len) : NULL;
	int err = -NLE_NOMEM;

	if (!ru || (u->has_from && !from) || (u->has_to && !to))
		goto out;
	rtnl_rule_set_family(ru, u->family);
	rtnl_rule_set_table(ru, u->table);
	rtnl_rule_set_action(ru, FR_ACT_TO_TBL);
	if (u->has_prio)
		rtnl_rule_set_prio(ru, u->prio);
	if ((from && (err = rtnl_rule_set_src(ru, from)) < 0) ||
	    (to && (err = rtnl_rule_set_dst(ru, to)) < 0))
		goto out;
	if (add) {
		err = rtnl_rule_add(nl->req, ru, NLM_F_EXCL);
		if (err == -NLE_EXIST)
			err = 0;
	} else {
		err = rtnl_rule_delete(nl->req, ru, 0);
		if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NOADDR)
			err = 0;
	}
out:
	if (err < 0)
		route_warn(add, "rule", u->has_from ? &u->from : &u->to,
			   u->has_from ? u->from_len : u->to_len, err);
	nl_addr_put(from);
	nl_addr_put(to);
	rtnl_rule_put(ru);
	return err < 0 ? -1 : 0;
}

static void sysctl_set(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		log_warn("%s", path);
	if (fd >= 0)
		close(fd);
}

int vrrp_nl_promote_hold(struct vrrp_nl *nl, const char *ifname)
{
	struct promote *pr = NULL;
	char path[128], old = '0';
	int fd;

	for (int i = 0; i < VRRP_NL_PROMOTE_MAX && !pr; i++)
		if (nl->promote[i].refs && strcmp(nl->promote[i].name, ifname) == 0)
			pr = &nl->promote[i];
	if (pr) {
		pr->refs++;
		return 0;
	}
	for (int i = 0; i < VRRP_NL_PROMOTE_MAX && !pr; i++)
		if (!nl->promote[i].refs)
			pr = &nl->promote[i];
	if (!pr || strlen(ifname) >= sizeof(pr->name)) {
		log_warnx("%s: promote_secondaries: too many interfaces", ifname);
		return -1;
	}
	snprintf(path, sizeof(path),
		 "/proc/sys/net/ipv4/conf/%s/promote_secondaries", ifname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, &old, 1) != 1)
		log_warn("%s", path);
	if (fd >= 0)
		close(fd);
	if (old != '1')
		sysctl_set(path, "1");
	strcpy(pr->name, ifname);
	pr->old = old == '1' ? '1' : '0';
	pr->refs = 1;
	return 0;
}

void vrrp_nl_promote_release(struct vrrp_nl *nl, const char *ifname)
{
	char path[128];

	for (int i = 0; i < VRRP_NL_PROMOTE_MAX; i++) {
		struct promote *pr = &nl->promote[i];

		if (!pr->refs || strcmp(pr->name, ifname) != 0 || --pr->refs)
			continue;
		if (pr->old == '1')
			return;
		snprintf(path, sizeof(path),
			 "/proc/sys/net/ipv4/conf/%s/promote_secondaries",
			 pr->name);
		/* the interface may be gone: nothing to put back then */
		if (access(path, F_OK) == 0)
			sysctl_set(path, "0");
		return;
	}
}

int vrrp_nl_vmac_add(struct vrrp_nl *nl, const char *name, int base_ifindex,
		     const uint8_t mac[6])
{
	struct rtnl_link *l = NULL, *got = NULL;
	struct nl_addr *a = NULL;
	char path[128];
	int err, idx = -1;

	if (rtnl_link_get_kernel(nl->req, 0, name, &got) == 0) {
		idx = rtnl_link_get_ifindex(got);
		goto out;	/* left by an earlier run: take it over */
	}
	l = rtnl_link_macvlan_alloc();
	a = nl_addr_build(AF_LLC, mac, 6);
	if (!l || !a) {
		err = -NLE_NOMEM;
		goto fail;
	}
	rtnl_link_set_name(l, name);
	rtnl_link_set_link(l, base_ifindex);
	rtnl_link_set_addr(l, a);
	rtnl_link_macvlan_set_mode(l, MACVLAN_MODE_PRIVATE);
	err = rtnl_link_add(nl->req, l, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0)
		goto fail;
	err = rtnl_link_get_kernel(nl->req, 0, name, &got);
	if (err < 0)
		goto fail;
	idx = rtnl_link_get_ifindex(got);
out:
	/* answer ARP only for the VIPs on it, never for the base's addresses;
	 * and the base must not answer for the VIPs with its own MAC */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/arp_ignore", name);
	sysctl_set(path, "1");
	{
		char base[IFNAMSIZ];

		if (rtnl_link_i2name(nl->links, base_ifindex, base, sizeof(base))) {
			snprintf(path, sizeof(path),
				 "/proc/sys/net/ipv4/conf/%s/arp_ignore", base);
			sysctl_set(path, "1");
			snprintf(path, sizeof(path),
				 "/proc/sys/net/ipv4/conf/%s/arp_filter", base);
			sysctl_set(path, "1");
			/* its ARP requests must not name a VIP as sender */
			snprintf(path, sizeof(path),
				 "/proc/sys/net/ipv4/conf/%s/arp_announce", base);
			sysctl_set(path, "2");
		}
	}
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_dad", name);
	sysctl_set(path, "0");
	/* no link-local of its own: every router's VMAC would get the same
	 * one; the caller gives it the base interface's */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/addr_gen_mode",
		 name);
	sysctl_set(path, "1");
	{
		struct rtnl_link *chg = rtnl_link_alloc();

		if (chg) {
			rtnl_link_set_flags(chg, IFF_UP);
			err = rtnl_link_change(nl->req, got, chg, 0);
			rtnl_link_put(chg);
			if (err < 0)
				log_warnx("VMAC %s: cannot set it up: %s", name,
					  nl_geterror(err));
		}
	}
	rtnl_link_put(got);
	rtnl_link_put(l);
	nl_addr_put(a);
	return idx;
fail:
	log_warnx("VMAC %s: %s", name, nl_geterror(err));
	rtnl_link_put(l);
	nl_addr_put(a);
	return -1;
}

int vrrp_nl_link_del(struct vrrp_nl *nl, int ifindex)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int err;

	if (!l)
		return -1;
	rtnl_link_set_ifindex(l, ifindex);
	err = rtnl_link_delete(nl->req, l);
	rtnl_link_put(l);
	if (err < 0 && err != -NLE_NODEV && err != -NLE_OBJ_NOTFOUND) {
		log_warnx("cannot delete interface %d: %s", ifindex,
			  nl_geterror(err));
		return -1;
	}
	return 0;
}
