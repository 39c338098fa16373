/*
 * backend.c - server assignment, queues, connects and idle connection
 * pools (see backend.h).
 *
 * Reuse policy ("http-reuse", documented in docs/configuration.md):
 *  - never:      a server connection serves one request and is closed.
 *  - safe:       requests after the first of a client connection may use
 *                any idle connection to the chosen server. The first request
 *                may too when it is idempotent and has no body: its bytes
 *                are kept until the server answers, and if the connection
 *                turns out closed it is sent again on a new one. A request
 *                that could not be replayed never goes on a reused one.
 *  - aggressive: the first request may also use connections that already
 *                served a request; always: any idle connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "log.h"
#include "proxy.h"
#include "sample.h"
#include "session.h"
#include "srv_sess.h"
#include "tls.h"
#include "worker.h"

#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

static struct server *node_srv(struct lb_node *n)
{
	return container_of(n, struct server, lb);
}

static void pendq_push(struct pendq *q, struct pendconn *p)
{
	p->next = NULL;
	p->prev = q->tail;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->len++;
	if (q->len > q->max)
		q->max = q->len;
}

static void pendq_unlink(struct pendq *q, struct pendconn *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		q->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		q->tail = p->prev;
	q->len--;
}

/* Queue s on srv (or on the backend when srv is NULL). Caller holds lock. */
static int backend_enqueue(struct session *s, struct server *srv)
{
	struct pendconn *p;

	if (srv && srv->maxqueue && srv->queue.len >= srv->maxqueue)
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -1;
	p->sess = s;
	p->srv = srv;
	p->thread = (int)s->w->id;
	pendq_push(srv ? &srv->queue : &s->t->be->queue, p);
	s->t->pend = p;
	return 1;
}

/* A session (a request in HTTP) goes to srv: HAProxy's stot, lbtot,
 * req_tot, rate and lastsess. */
static void backend_count_session(struct proxy *be, struct server *srv)
{
	unsigned long long now = (unsigned long long)time(NULL);

	CNT_ADD(srv->cnt, cum_sess, 1);
	CNT_ADD(srv->cnt, cum_lbconn, 1);
	CNT_RATE(srv->cnt, sess_rate);
	atomic_store_explicit(&srv->cnt[lbd_tid].last_sess, now, memory_order_relaxed);
	CNT_ADD(be->be_cnt, cum_sess, 1);
	CNT_ADD(be->be_cnt, cum_lbconn, 1);
	CNT_RATE(be->be_cnt, sess_rate);
	atomic_store_explicit(&be->be_cnt[lbd_tid].last_sess, now, memory_order_relaxed);
	if (be->mode == PR_MODE_HTTP)
		CNT_ADD(srv->cnt, cum_req, 1);
}

static void backend_take(struct proxy *be, struct server *srv)
{
	srv->lb.cur++;
	srv->cur_sess = srv->lb.cur;
	if (srv->cur_sess > srv->max_sess)
		srv->max_sess = srv->cur_sess;
	lb_take(&be->lb, &srv->lb);
	be->beconn++;
	if (be->beconn > be->be_max)
		be->be_max = be->beconn;
	backend_count_session(be, srv);
}

/* A server's connection limit during its slow start: its share of v, at
 * least 1, as HAProxy grows it from 1 to 100%. */
static unsigned backend_ss_limit(const struct server *s, unsigned v)
{
	if (!v || s->ss_pct >= 100)
		return v;
	v = (unsigned)((uint64_t)v * s->ss_pct / 100);
	return v ? v : 1;
}

/* With minconn, a server's limit grows from minconn to maxconn as the
 * backend's load approaches fullconn (HAProxy's dynamic maxconn). Caller
 * holds the lock. */
static void backend_dyn_maxconn(struct proxy *be)
{
	for (struct server *s = be->servers; s; s = s->next) {
		unsigned v = s->maxconn;

		if (s->minconn && s->maxconn && be->beconn < be->fullconn) {
			v = (unsigned)((uint64_t)s->maxconn * be->beconn / be->fullconn);
			if (v < s->minconn)
				v = s->minconn;
			if (v > s->maxconn)
				v = s->maxconn;
		}
		s->lb.maxconn = backend_ss_limit(s, v);
	}
}

int backend_assign(struct session *s, const void *key, size_t keylen)
{
	struct proxy *be = s->t->be;
	struct lb_node *n;
	int full = 0, rc;

	pthread_mutex_lock(&be->lock);
	if (be->has_minconn)
		backend_dyn_maxconn(be);
	if (be->disabled || be->srv_act + be->srv_bck == 0) {
		pthread_mutex_unlock(&be->lock);
		return -1;
	}
	if (s->t->force_srv && !s->t->prev_srv) {
		/* persistence names it (a cookie, stick match, use-server): its
		 * slot or its queue, never another server; a retry after a
		 * failure goes through the algorithm like any redispatch */
		n = &s->t->force_srv->lb;
		full = n->maxconn && n->cur >= n->maxconn;
	} else {
		n = lb_pick(&be->lb, key, keylen, s->t->prev_srv ? &s->t->prev_srv->lb : NULL,
			    &full);
	}
	if (n && !full) {
		s->t->srv = node_srv(n);
		s->t->srv_counted = 1;
		backend_take(be, s->t->srv);
		rc = 0;
	} else if (full) {
		rc = backend_enqueue(s, n ? node_srv(n) : NULL);
	} else {
		rc = -1;
	}
	pthread_mutex_unlock(&be->lock);
	return rc;
}

/* The next waiting session that srv can serve now, or NULL. Caller holds
 * the lock. */
static struct pendconn *backend_next_pending(struct proxy *be, struct server *srv)
{
	struct pendconn *p = srv->queue.head;

	if (srv->lb.maxconn && srv->lb.cur >= srv->lb.maxconn)
		return NULL;
	if (p) {
		pendq_unlink(&srv->queue, p);
		return p;
	}
	p = be->queue.head;
	if (!p || !srv->lb.weight)
		return NULL;
	/* a backup only serves the backend queue when no active server can */
	if (srv->lb.backup && be->srv_act)
		return NULL;
	pendq_unlink(&be->queue, p);
	return p;
}

/* Give srv's slot to the queued p and wake its session. Caller holds the
 * lock; the wake-up happens under it, so the session's own thread cannot
 * free it before it is on that thread's inbox (see worker.c). */
static void backend_hand_over(struct proxy *be, struct server *srv,
			      struct pendconn *p)
{
	struct session *next = p->sess;

	next->t->srv = srv;
	next->t->srv_counted = 1;
	next->t->pend = NULL;
	backend_take(be, srv);
	worker_wake_session(next);
	free(p);
}

void backend_release(struct session *s)
{
	struct proxy *be = s->t->be;
	struct server *srv = s->t->srv;
	struct pendconn *p;

	if (!be || !srv)
		return;
	pthread_mutex_lock(&be->lock);
	if (!s->t->srv_counted) {
		pthread_mutex_unlock(&be->lock);
		return;
	}
	s->t->srv_counted = 0;
	srv->lb.cur--;
	srv->cur_sess = srv->lb.cur;
	lb_release(&be->lb, &srv->lb);
	be->beconn--;
	if (be->has_minconn)
		backend_dyn_maxconn(be);
	p = backend_next_pending(be, srv);
	if (p)
		backend_hand_over(be, srv, p);
	pthread_mutex_unlock(&be->lock);
}

/* Serve queued requests with every server that has room. Caller holds the
 * lock. Returns how many were served. */
static unsigned backend_dispatch(struct proxy *be)
{
	unsigned n = 0;

	for (struct server *s = be->servers; s; s = s->next) {
		struct pendconn *p;

		if (!s->lb.weight)
			continue;
		while ((p = backend_next_pending(be, s))) {
			backend_hand_over(be, s, p);
			n++;
		}
	}
	return n;
}

void backend_server_tune(struct server *srv, int weight_pct, long maxconn)
{
	struct proxy *be = srv->be;

	pthread_mutex_lock(&be->lock);
	if (weight_pct >= 0) {
		unsigned long long w = (unsigned long long)srv->iweight * (unsigned)weight_pct / 100;

		srv->uweight = w > 256 ? 256 : (unsigned)w;
	}
	if (maxconn >= 0) {
		srv->maxconn = (unsigned)maxconn;
		srv->lb.maxconn = backend_ss_limit(srv, (unsigned)maxconn);
	}
	proxy_srv_recalc(be);
	backend_dispatch(be);	/* a higher limit may serve queued requests */
	pthread_mutex_unlock(&be->lock);
}

void backend_server_weight(struct server *srv, unsigned weight)
{
	struct proxy *be = srv->be;

	pthread_mutex_lock(&be->lock);
	srv->uweight = weight > 256 ? 256 : weight;
	proxy_srv_recalc(be);
	backend_dispatch(be);
	pthread_mutex_unlock(&be->lock);
}

void backend_server_ramp(struct server *srv, unsigned pct)
{
	struct proxy *be = srv->be;

	pthread_mutex_lock(&be->lock);
	srv->ss_pct = pct;
	if (be->has_minconn)
		backend_dyn_maxconn(be);
	else
		srv->lb.maxconn = backend_ss_limit(srv, srv->maxconn);
	proxy_srv_recalc(be);
	backend_dispatch(be);
	pthread_mutex_unlock(&be->lock);
}

void backend_server_state(struct server *srv, enum srv_state st,
			  struct backend_change *ch)
{
	struct proxy *be = srv->be;
	struct pendconn *p;

	memset(ch, 0, sizeof(*ch));
	pthread_mutex_lock(&be->lock);
	if (srv->state == st) {
		pthread_mutex_unlock(&be->lock);
		return;
	}
	ch->changed = 1;
	srv->state = st;
	proxy_srv_recalc(be);
	ch->active = srv->cur_sess;
	if (st != SRV_ST_UP) {
		/* its queue goes to the backend's, to be served elsewhere */
		while ((p = srv->queue.head)) {
			pendq_unlink(&srv->queue, p);
			p->srv = NULL;
			pendq_push(&be->queue, p);
			ch->requeued++;
		}
	}
	backend_dispatch(be);
	ch->act = be->srv_act;
	ch->bck = be->srv_bck;
	ch->queued = be->queue.len;
	pthread_mutex_unlock(&be->lock);
}

void backend_unqueue(struct session *s)
{
	struct proxy *be = s->t->be;
	struct pendconn *p;

	if (!be)
		return;
	pthread_mutex_lock(&be->lock);
	p = s->t->pend;
	if (p) {
		pendq_unlink(p->srv ? &p->srv->queue : &be->queue, p);
		s->t->pend = NULL;
	}
	pthread_mutex_unlock(&be->lock);
	free(p);
}

/* ---- idle pools ---- */

static void idle_unlink(struct idle_conn *c)
{
	struct server *srv = c->srv;
	unsigned t = c->w->id;

	if (c->prev)
		c->prev->next = c->next;
	else
		srv->idle[t] = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
	atomic_fetch_sub(&srv->idle_count, 1);
}

static void idle_free(struct idle_conn *c)
{
	sock_close(c->w->loop, &c->sk);
	free(c);
}

/* An idle connection became readable: the server closed it (or sent
 * something unsolicited). Either way it is not reusable. */
static void backend_idle_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct idle_conn *c = w->data;

	/* TLS 1.3 servers send session tickets after the handshake */
	if (c->sk.ssl && tls_idle_check(&c->sk) == 0)
		return;
	idle_unlink(c);
	idle_free(c);
}

static struct idle_conn *idle_take(struct session *s)
{
	struct server *srv = s->t->srv;
	struct idle_conn *c = srv->idle[s->w->id];
	int need_proven = s->first_req && s->t->be->reuse == PR_REUSE_AGGR;

	if (s->first_req && s->t->be->reuse == PR_REUSE_SAFE && !s->t->retryable)
		return NULL;
	for (; c; c = c->next)
		if (!need_proven || c->nreq > 1)
			break;
	if (c)
		idle_unlink(c);
	return c;
}

void backend_idle_purge(struct worker *w, int all)
{
	ev_tstamp now = ev_now(w->loop);

	for (struct proxy *be = lbd.conf->proxies; be; be = be->next) {
		if (!(be->cap & PR_CAP_BE))
			continue;
		for (struct server *srv = be->servers; srv; srv = srv->next) {
			struct idle_conn *c = srv->idle[w->id], *n;

			for (; c; c = n) {
				n = c->next;
				if (all || now - c->since >= srv->pool_purge_delay / 1000.0) {
					idle_unlink(c);
					idle_free(c);
				}
			}
		}
	}
}

void backend_idle_purge_server(struct worker *w, void *srv_arg)
{
	struct server *srv = srv_arg;
	struct idle_conn *c, *n;

	for (c = srv->idle[w->id]; c; c = n) {
		n = c->next;
		idle_unlink(c);
		idle_free(c);
	}
}

/* ---- connecting ---- */

static int backend_send_proxy(struct session *s)
{
	char line[160], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	const union sess_addr *src = &s->cli_addr, *dst = &s->fe_addr;
	int n, v6 = src->sa.sa_family == AF_INET6;
	unsigned sp, dp;

	if (v6) {
		inet_ntop(AF_INET6, &src->in6.sin6_addr, a, sizeof(a));
		inet_ntop(AF_INET6, &dst->in6.sin6_addr, b, sizeof(b));
		sp = ntohs(src->in6.sin6_port);
		dp = ntohs(dst->in6.sin6_port);
	} else {
		inet_ntop(AF_INET, &src->in4.sin_addr, a, sizeof(a));
		inet_ntop(AF_INET, &dst->in4.sin_addr, b, sizeof(b));
		sp = ntohs(src->in4.sin_port);
		dp = ntohs(dst->in4.sin_port);
	}
	n = snprintf(line, sizeof(line), "PROXY %s %s %s %u %u\r\n",
		     v6 ? "TCP6" : "TCP4", a, b, sp, dp);
	/* a fresh socket's send buffer always takes ~100 bytes */
	return send(s->t->sc->sk.fd, line, (size_t)n, MSG_NOSIGNAL) == n ? 0 : -1;
}

/* A TLS server connection: its SSL object, the SNI the server line asks
 * for. The socket is first waited on for the TCP connect. */
static int backend_tls_start(struct session *s, struct idle_conn *c)
{
	struct tls_conf *tc = c->srv->tls;
	char sni[256];
	const char *name = NULL;

	if (tc->sni) {
		struct smp_ctx x = { .s = s, .a = &s->w->arena };
		struct smp v = { 0 };

		if (smp_expr_eval(tc->sni, &x, &v) && smp_to_str(&v, x.a) == 0 &&
		    v.len > 0 && v.len < sizeof(sni)) {
			memcpy(sni, v.str, v.len);
			sni[v.len] = '\0';
			name = sni;
		}
	}
	if (tls_sock_connect(&c->sk, tc, name, s->w->id) < 0)
		return -1;
	c->sk.tls_hs_wr = 1;
	return 0;
}

int backend_connect(struct session *s)
{
	struct server *srv = s->t->srv;
	struct idle_conn *c = NULL;
	struct sockaddr_storage addr;
	int fd, one = 1;

	/* a connection made with one SNI is not reused for another */
	if (s->http && s->t->be->reuse != PR_REUSE_NEVER && !s->t->srv->send_proxy &&
	    !s->t->no_reuse && !(srv->tls && srv->tls->sni))
		c = idle_take(s);
	if (c) {
		c->nreq++;
		s->t->sc = c;
		s->t->reused = 1;
		s->t->srv_l4 = 1;
		session_attach_srv(s);
		srv_sess_link(s, srv);
		return 0;
	}
	addr = srv->addr;
	/* a server without a port takes the one the client connected to */
	if (addr.ss_family == AF_INET && ((struct sockaddr_in *)&addr)->sin_port == 0)
		((struct sockaddr_in *)&addr)->sin_port = s->fe_addr.in4.sin_port;
	else if (addr.ss_family == AF_INET6 &&
		 ((struct sockaddr_in6 *)&addr)->sin6_port == 0)
		((struct sockaddr_in6 *)&addr)->sin6_port = s->fe_addr.in6.sin6_port;
	fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	sock_set_bufs(fd, lbd.conf->global.sndbuf_srv, lbd.conf->global.rcvbuf_srv);
	if (s->t->be->options & PR_O_SRVKA)
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -1;
	}
	c->srv = srv;
	c->w = s->w;
	c->nreq = 1;
	sock_init(&c->sk, fd, NULL, NULL, NULL);
	s->t->sc = c;
	s->t->reused = 0;
	s->t->srv_l4 = 0;
	session_attach_srv(s);
	srv_sess_link(s, srv);
	if (srv->tls && backend_tls_start(s, c) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, srv->addrlen) == 0) {
		if (backend_connect_done(s) < 0)
			return -1;
		s->t->srv_l4 = 1;
		return c->sk.ssl ? 1 : 0;	/* the handshake runs from the loop */
	}
	if (errno == EINPROGRESS)
		return 1;
	return -1;
}

int backend_connect_done(struct session *s)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->t->sc->sk.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		errno = err;
		return -1;
	}
	if (s->t->srv->send_proxy && backend_send_proxy(s) < 0)
		return -1;
	return 0;
}

void backend_conn_failed(struct session *s)
{
	if (s->t->srv)
		CNT_ADD(s->t->srv->cnt, failed_conns, 1);
	if (s->t->be)
		CNT_ADD(s->t->be->be_cnt, failed_conns, 1);
}

void backend_conn_release(struct session *s, int reusable)
{
	struct idle_conn *c = s->t->sc;
	struct server *srv = c->srv;
	struct worker *w = s->w;

	s->t->sc = NULL;
	s->t->srv_connected = 0;
	session_drop_srv_events(s);
	srv_sess_unlink(s);
	if (!reusable || s->t->be->reuse == PR_REUSE_NEVER || srv->pool_max_conn == 0 ||
	    (srv->tls && srv->tls->sni) ||
	    (srv->pool_max_conn > 0 &&
	     atomic_load(&srv->idle_count) >= (unsigned)srv->pool_max_conn) ||
	    atomic_load(&lbd.stopping)) {
		idle_free(c);
		return;
	}
	ev_io_stop(w->loop, &c->sk.rio);
	ev_io_stop(w->loop, &c->sk.wio);
	ev_set_cb(&c->sk.rio, backend_idle_read_cb);
	c->sk.rio.data = c;
	ev_io_start(w->loop, &c->sk.rio);
	c->since = ev_now(w->loop);
	c->prev = NULL;
	c->next = srv->idle[w->id];
	if (c->next)
		c->next->prev = c;
	srv->idle[w->id] = c;
	atomic_fetch_add(&srv->idle_count, 1);
}
