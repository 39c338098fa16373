/*
 * addrwatch.c - listeners' addresses arriving and leaving (see
 * addrwatch.h): the node's IPv4/IPv6 addresses from netlink (a libnl-route
 * address cache fed by the kernel's notifications, no polling), matched
 * against every frontend's bind addresses.
 */
#include <arpa/inet.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "addrwatch.h"
#include "log.h"
#include "proxy.h"
#include "session.h"
#include "worker.h"

static struct nl_cache_mngr *aw_mngr;
static struct nl_cache *aw_cache;
static ev_io aw_io;
static struct ev_loop *aw_loop;

/* the IP of a socket address, for comparisons (family, 4 or 16 bytes) */
static int sa_ip(const struct sockaddr *sa, int *family, const void **ip)
{
	*family = AF_UNSPEC;
	*ip = NULL;
	if (sa->sa_family == AF_INET) {
		*family = AF_INET;
		*ip = &((const struct sockaddr_in *)sa)->sin_addr;
		return 4;
	}
	if (sa->sa_family == AF_INET6) {
		*family = AF_INET6;
		*ip = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		return 16;
	}
	return 0;
}

static int bind_is(const struct bind *b, int family, const void *ip, int len)
{
	const void *bip;
	int bf, bl = sa_ip((const struct sockaddr *)&b->addr, &bf, &bip);

	return bl == len && bf == family && memcmp(bip, ip, (size_t)len) == 0;
}

/* ---- closing idle connections on every thread ---- */

/* one per departure, shared by every thread; the last one frees it */
struct aw_lost {
	atomic_uint refs;
	int family, len;
	unsigned char ip[16];
};

static void aw_lost_put(struct aw_lost *l)
{
	if (atomic_fetch_sub(&l->refs, 1) == 1)
		free(l);
}

static void aw_close_idle(struct worker *w, void *arg)
{
	struct aw_lost *l = arg;
	struct session *s, *n;
	unsigned closed = 0;

	for (s = w->sessions; s; s = n) {
		const void *ip;
		int f, len = sa_ip(&s->fe_addr.sa, &f, &ip);

		n = s->next_all;
		if (len != l->len || f != l->family || memcmp(ip, l->ip, (size_t)len))
			continue;
		/* idle keep-alive clients only: nothing in flight */
		if (s->http && s->state == SS_REQ_WAIT && !s->first_req &&
		    (!s->t || s->t->req.b.data == 0)) {
			if (s->t)
				s->t->logged = 1;
			session_close(s, 0, 0);
			closed++;
		}
	}
	if (closed)
		log_notice("thread %u: closed %u idle keep-alive connection%s on "
			 "the address that left", w->id + 1, closed,
			 closed == 1 ? "" : "s");
	aw_lost_put(l);
}

static void aw_lost_address(int family, const void *ip, int len)
{
	struct aw_lost *l = calloc(1, sizeof(*l));

	if (!l)
		return;
	atomic_init(&l->refs, lbd.nworkers);
	l->family = family;
	l->len = len;
	memcpy(l->ip, ip, (size_t)len);
	for (unsigned i = 0; i < lbd.nworkers; i++)
		if (worker_call(&lbd.workers[i], aw_close_idle, l) < 0)
			aw_lost_put(l);
}

/* ---- netlink ---- */

static void aw_change_cb(struct nl_cache *cache, struct nl_object *obj,
			 int action, void *arg)
{
	struct nl_addr *a = rtnl_addr_get_local((struct rtnl_addr *)obj);
	int family, len;
	const void *ip;
	char txt[INET6_ADDRSTRLEN];
	int used = 0;

	if (!a || (action != NL_ACT_NEW && action != NL_ACT_DEL))
		return;
	family = nl_addr_get_family(a);
	len = (int)nl_addr_get_len(a);
	ip = nl_addr_get_binary_addr(a);
	if ((family != AF_INET || len != 4) && (family != AF_INET6 || len != 16))
		return;
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (!(px->cap & PR_CAP_FE) || px->disabled)
			continue;
		for (struct bind *b = px->binds; b; b = b->next)
			if (bind_is(b, family, ip, len)) {
				used = 1;
				log_notice("frontend %s: %s %s", px->id, b->text,
					   action == NL_ACT_NEW ?
					   "is now a local address: taking traffic" :
					   "left this node: no more traffic");
			}
	}
	if (!used || action != NL_ACT_DEL)
		return;
	inet_ntop(family, ip, txt, sizeof(txt));
	if (lbd.conf->global.on_addr_loss == ADDR_LOSS_CLOSE_IDLE) {
		log_notice("%s left: closing idle keep-alive connections on it", txt);
		aw_lost_address(family, ip, len);
	}
}

static void aw_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	int rc = nl_cache_mngr_data_ready(aw_mngr);

	if (rc < 0)
		log_warnx("netlink: %s", nl_geterror(rc));
}

/* only when a frontend binds a specific address: wildcards never leave */
static int aw_needed(void)
{
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (!(px->cap & PR_CAP_FE) || px->disabled)
			continue;
		for (struct bind *b = px->binds; b; b = b->next) {
			const void *ip;
			int f, len = sa_ip((const struct sockaddr *)&b->addr, &f, &ip);
			static const unsigned char zero[16];

			if (len && memcmp(ip, zero, (size_t)len) != 0)
				return 1;
		}
	}
	return 0;
}

int addrwatch_start(struct ev_loop *loop)
{
	int rc;

	if (aw_mngr || !aw_needed())
		return 0;
	rc = nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, NL_AUTO_PROVIDE, &aw_mngr);
	if (rc < 0)
		goto fail;
	rc = nl_cache_mngr_add(aw_mngr, "route/addr", aw_change_cb, NULL,
			       &aw_cache);
	if (rc < 0)
		goto fail;
	aw_loop = loop;
	ev_io_init(&aw_io, aw_read_cb, nl_cache_mngr_get_fd(aw_mngr), EV_READ);
	ev_io_start(loop, &aw_io);
	ev_unref(loop);		/* watching addresses keeps nothing running */
	return 0;
fail:
	log_warnx("netlink: cannot watch addresses (%s): listeners on VIPs "
		  "work, their arrival and departure are not logged",
		  nl_geterror(rc));
	addrwatch_stop();
	return -1;
}

void addrwatch_stop(void)
{
	if (aw_loop) {
		ev_ref(aw_loop);
		ev_io_stop(aw_loop, &aw_io);
		aw_loop = NULL;
	}
	if (aw_mngr)
		nl_cache_mngr_free(aw_mngr);
	aw_mngr = NULL;
	aw_cache = NULL;
}
