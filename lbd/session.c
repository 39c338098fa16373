/*
 * session.c - a client connection from accept to close: socket I/O on both
 * sides, the channels between them, timeouts, and the one teardown path.
 * What a byte means (framing, transactions) is decided in stream.c; which server
 * gets it in backend.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend.h"
#include "capture.h"
#include "compress.h"
#include "sample.h"
#include "tcp_rules.h"
#include "stream.h"
#include "log.h"
#include "proxy.h"
#include "sess_log.h"
#include "service.h"
#include "session.h"
#include "srv_sess.h"
#include "tls.h"
#include "tls_hello.h"
#include "worker.h"

const char *const sess_state_names[SS_STATE_COUNT] = {
	"req-wait", "queued", "connecting", "retry-wait", "forward", "closing",
	"service", "tarpit"
};

static void sess_io_cb(struct ev_loop *loop, ev_io *w, int revents);
static void sess_cli_read(struct session *s);
static void sess_cli_write(struct session *s);
static void sess_srv_read(struct session *s);
static void sess_srv_write(struct session *s);
static void sess_timer_cb(struct ev_loop *loop, ev_timer *w, int revents);
static void chn_close_pipe(struct worker *w, struct chn *c);

void sock_init(struct sock *sk, int fd, void (*rcb)(struct ev_loop *, ev_io *, int),
	       void (*wcb)(struct ev_loop *, ev_io *, int), void *data)
{
	sk->fd = fd;
	sk->ssl = NULL;
	sk->tls_hs = sk->tls_hs_wr = sk->tls_rd_wr = sk->tls_wr_rd = sk->tls_err = 0;
	sk->tls_fed = sk->tls_shut_pend = 0;
	ev_io_init(&sk->rio, rcb, fd, EV_READ);
	ev_io_init(&sk->wio, wcb, fd, EV_WRITE);
	sk->rio.data = data;
	sk->wio.data = data;
}

void sock_close(struct ev_loop *loop, struct sock *sk)
{
	if (sk->fd < 0)
		return;
	ev_io_stop(loop, &sk->rio);
	ev_io_stop(loop, &sk->wio);
	tls_sock_free(sk);
	close(sk->fd);
	sk->fd = -1;
}

void sock_set_bufs(int fd, unsigned snd, unsigned rcv)
{
	int v;

	if (snd) {
		v = (int)snd;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	}
	if (rcv) {
		v = (int)rcv;
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	}
}

void sock_shutw(struct sock *sk)
{
	tls_shutw(sk);
	if (tls_wflush(sk) > 0)		/* the FIN goes after them */
		sk->tls_shut_pend = 1;
	else
		shutdown(sk->fd, SHUT_WR);
}

static void sock_want(struct ev_loop *loop, ev_io *io, int want)
{
	if (want && !ev_is_active(io))
		ev_io_start(loop, io);
	else if (!want && ev_is_active(io))
		ev_io_stop(loop, io);
}

static void sess_untrack(struct session *s);
static int sess_start_tcp(struct session *s);

/* tcp-request connection: 0 when the connection is rejected. */
static int session_accept_rules(struct session *s)
{
	struct smp_ctx c = { .s = s, .a = &s->w->arena };

	arena_reset(&s->w->arena);
	return trule_exec(s->fe->tcp_conn, &c, 1);
}

struct session *session_new(struct worker *w, struct bind *b, int fd,
			    const struct sockaddr_storage *addr)
{
	struct session *s = calloc(1, sizeof(*s));
	struct proxy *fe = b->fe;
	socklen_t sl = sizeof(s->fe_addr);
	ev_tstamp now = ev_now(w->loop);

	if (!s) {
		close(fd);
		return NULL;
	}
	s->w = w;
	s->fe = fe;
	s->bind = b;
	s->http = fe->mode == PR_MODE_HTTP;
	memcpy(&s->cli_addr, addr, sizeof(s->cli_addr));
	if (getsockname(fd, &s->fe_addr.sa, &sl) < 0)
		memset(&s->fe_addr, 0, sizeof(s->fe_addr));
	sock_init(&s->cli, fd, sess_io_cb, sess_io_cb, s);
	if (b->tls && tls_sock_accept(&s->cli, b->tls) < 0) {
		close(fd);
		free(s);
		return NULL;
	}
	ev_timer_init(&s->timer, sess_timer_cb, 0., 0.);
	s->timer.data = s;
	s->t_accept = now;
	s->t_idle = now;
	s->first_req = 1;
	s->state = SS_REQ_WAIT;
	if (fe->tcp_conn && !session_accept_rules(s)) {
		CNT_ADD(fe->fe_cnt, denied_conn, 1);
		sess_untrack(s);
		sock_close(w->loop, &s->cli);
		free(s);
		return NULL;
	}
	/* HAProxy counts an HTTP request on the connection's counters when
	 * its stream starts: the first one now (even if none comes), the
	 * next ones as they arrive (stream.c) */
	for (int i = 0; s->http && s->stk && i < STKT_MAX_SC; i++)
		if (s->stk[i].e)
			stkt_count_req(s->stk[i].t, s->stk[i].e);
	if (session_txn_new(s) < 0) {
		sess_untrack(s);
		sock_close(w->loop, &s->cli);
		free(s);
		return NULL;
	}
	if (fe->options & PR_O_CLTKA) {
		int one = 1;

		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	}
	w->nsess++;
	atomic_fetch_add(&b->curconn, 1);
	s->next_all = w->sessions;
	if (w->sessions)
		w->sessions->prev_all = s;
	w->sessions = s;
	CNT_ADD(fe->fe_cnt, cum_conn, 1);
	CNT_ADD(fe->fe_cnt, cum_sess, 1);
	CNT_RATE(fe->fe_cnt, conn_rate);
	CNT_RATE(fe->fe_cnt, sess_rate);
	cnt_max(&fe->fe_max, atomic_fetch_add(&fe->feconn, 1) + 1);
	if (s->http) {
		s->exp_x = now + fe->to.http_request / 1000.0 * !!fe->to.http_request;
		s->t->req.mode = BODY_NONE;
	} else {
		s->t->req.mode = s->t->res.mode = BODY_TUNNEL;
		s->t->req.head_done = s->t->res.head_done = 1;
		s->t->t_req = now;
		s->t->req_tv = tv_of(now);
		/* with TLS, the stream starts once the handshake is done (SNI
		 * known to the rules); with an inspect-delay, once the content
		 * rules can judge */
		if (!s->cli.ssl && sess_start_tcp(s) < 0)
			return NULL;
	}
	session_update(s);
	return s;
}

/* mode tcp: the stream starts now, or with an inspect-delay once the
 * client's first bytes are there (sess_inspect). -1 when s was closed. */
static int sess_start_tcp(struct session *s)
{
	if (s->fe->to.inspect && s->fe->tcp_content) {
		s->inspect = 1;
		s->exp_x = ev_now(s->w->loop) + s->fe->to.inspect / 1000.0;
		return 0;
	}
	return stream_start_tcp(s);
}

/* mode tcp with an inspect-delay: the stream starts when the client's
 * bytes can be judged (a whole TLS ClientHello, or something that is not
 * one), when it stops sending or the buffer is full, or when the delay
 * ends. Returns -1 when s was closed. */
static int sess_inspect(struct session *s, int expired)
{
	struct chn *c = &s->t->req;
	struct tls_hello h;

	int more = !c->b.area || (c->b.data < c->b.size &&
		   tls_hello_parse((const uint8_t *)c->b.area + c->b.head, c->b.data, &h) ==
		   TLS_HELLO_MORE);

	if (!expired && !c->eof && more)
		return 0;
	s->inspect = 0;
	s->exp_x = 0;
	if (stream_start_tcp(s) < 0)
		return -1;
	stream_req_data(s);	/* the bytes read so far go on to the server */
	return s->freeing ? -1 : 0;
}

/* ---- transactions ---- */

int session_txn_new(struct session *s)
{
	struct txn *t;

	if (s->t)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->term[0] = TERM_CAUSE_NONE;
	t->term[1] = TERM_ST_NONE;
	t->uniq = atomic_fetch_add(&lbd.req_counter, 1);
	t->req.pfd[0] = t->req.pfd[1] = t->res.pfd[0] = t->res.pfd[1] = -1;
	t->req.b = s->pending;
	t->req.eof = s->cli_eof;
	memset(&s->pending, 0, sizeof(s->pending));
	s->t = t;
	return 0;
}

/* The request's end on its stick counters (its own and the connection's):
 * its error and bytes counted; its own released. */
static void txn_untrack(struct session *s, struct txn *t)
{
	for (int i = 0; i < STKT_MAX_SC; i++) {
		const struct stkt_ref *r = t->stk[i].e ? &t->stk[i] : sess_stk(s, i);

		if (!r->e)
			continue;
		if (s->http && t->status >= 400 && t->status < 500)
			stkt_count_err(r->t, r->e);
		stkt_count_bytes(r->t, r->e, t->bytes_in, t->bytes_out);
		if (r == &t->stk[i]) {
			stkt_release(r->t, r->e);
			t->stk[i].e = NULL;
		}
	}
}

/* The connection's own stick counters, at its end. */
static void sess_untrack(struct session *s)
{
	for (int i = 0; s->stk && i < STKT_MAX_SC; i++)
		if (s->stk[i].e)
			stkt_release(s->stk[i].t, s->stk[i].e);
	free(s->stk);
	s->stk = NULL;
}

const struct stkt_ref sess_stk_none;

struct stkt_ref *sess_stk_get(struct session *s)
{
	if (!s->stk)
		s->stk = calloc(STKT_MAX_SC, sizeof(*s->stk));
	return s->stk;
}

void session_txn_free(struct session *s)
{
	struct txn *t = s->t;

	if (!t)
		return;
	txn_untrack(s, t);
	cap_txn_free(t->caps);
	comp_state_free(t->comp);
	vars_free(&t->vars);
	free(t->unique_id);
	svc_release(s);
	/* pipelined bytes wait for the next transaction, or go back; bytes
	 * still in the TLS layer may be fed again */
	s->cli.tls_fed = 0;
	s->cli_eof = t->req.eof;
	if (t->req.b.data)
		s->pending = t->req.b;
	else
		buf_put(s->w->bufs, &t->req.b);
	buf_put(s->w->bufs, &t->res.b);
	chn_close_pipe(s->w, &t->req);
	chn_close_pipe(s->w, &t->res);
	free(t->reqline);
	free(t);
	s->t = NULL;
}

/* ---- deadlines ---- */

static ev_tstamp tmo(ev_tstamp now, uint32_t ms)
{
	return ms ? now + ms / 1000.0 : 0.;
}

static void sess_arm(struct session *s)
{
	ev_tstamp next = 0;
	ev_tstamp d[3] = { s->exp_c, s->exp_s, s->exp_x };

	for (int i = 0; i < 3; i++)
		if (d[i] > 0 && (next == 0 || d[i] < next))
			next = d[i];
	if (next == 0) {
		ev_timer_stop(s->w->loop, &s->timer);
		s->armed = 0;
		return;
	}
	/* an armed timer earlier than needed just re-arms when it fires */
	if (s->armed && ev_is_active(&s->timer) && s->armed <= next)
		return;
	ev_timer_stop(s->w->loop, &s->timer);
	ev_timer_set(&s->timer, next - ev_now(s->w->loop) + 0.0005, 0.);
	ev_timer_start(s->w->loop, &s->timer);
	s->armed = next;
}

static void sess_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct session *s = w->data;
	ev_tstamp now = ev_now(loop);

	s->armed = 0;
	/* when both sides expire together the client is blamed, as HAProxy */
	if (s->exp_x && now >= s->exp_x && s->inspect) {
		if (sess_inspect(s, 1) < 0)
			return;
	} else if (s->exp_x && now >= s->exp_x) {
		s->exp_x = 0;
		stream_phase_timeout(s);
	} else if (s->exp_c && now >= s->exp_c) {
		s->exp_c = 0;
		stream_side_timeout(s, 1);
	} else if (s->exp_s && now >= s->exp_s) {
		s->exp_s = 0;
		stream_side_timeout(s, 0);
	}
	if (!s->freeing)
		session_update(s);
}

/* ---- socket I/O on channels ---- */

/* Read into c from fd. Returns bytes read, 0 on EOF, -1 when nothing to
 * read now, -2 on error. limit keeps room free at the end (maxrewrite). */
static ssize_t chn_recv(struct session *s, struct chn *c, struct sock *sk, uint32_t reserve)
{
	uint32_t room;
	ssize_t n;

	if (buf_get(s->w->bufs, &c->b) < 0)
		return -1;
	room = buf_room(&c->b);
	if (room <= reserve)
		return -1;
	if (sk->ssl) {
		n = tls_recv(sk, buf_tail(&c->b), room - reserve);
		if (n < 0)
			return n;
		sk->tls_fed = 0;
	} else
		n = recv(sk->fd, buf_tail(&c->b), room - reserve, 0);
	if (n > 0) {
		c->b.data += (uint32_t)n;
		c->total += (uint64_t)n;
		return n;
	}
	if (n == 0) {
		c->eof = 1;
		return 0;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return -1;
	return -2;
}

/* Send c's forwardable bytes to fd. Returns 0 (possibly partial), -1 on a
 * broken connection. With retain, sent bytes stay in the buffer (c->keep)
 * so the request can be sent again on another connection. */
static int chn_send(struct chn *c, struct sock *sk, int retain)
{
	/* more of a known-length body follows: let the kernel fill segments */
	int more = c->mode == BODY_LENGTH && c->left > 0 ? MSG_MORE : 0;

	while (c->fwd) {
		ssize_t n;

		if (sk->ssl) {
			n = tls_send(sk, c->b.area + c->b.head + c->keep, c->fwd);
			if (n == -1)
				return 0;
			if (n < 0)
				return -1;
		} else
			n = send(sk->fd, c->b.area + c->b.head + c->keep, c->fwd,
				 MSG_NOSIGNAL | MSG_DONTWAIT | more);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return -1;
		}
		c->fwd -= (uint32_t)n;
		if (retain)
			c->keep += (uint32_t)n;
		else
			buf_consume(&c->b, (uint32_t)n);
	}
	return 0;
}

/* Tunnels, and bodies of known length larger than a buffer, move kernel
 * to kernel with splice(2) once nothing is buffered (buffered bytes always
 * leave first, so order is kept). */
#define CHN_SPLICE_MIN	16384

static int chn_can_splice(const struct session *s, const struct chn *c)
{
	if (c->no_splice || lbd.conf->global.nosplice || c->b.data ||
	    !s->t->srv_connected || (s->t->comp && c == &s->t->res) ||
	    s->cli.ssl || s->t->sc->sk.ssl)	/* the kernel cannot decrypt */
		return 0;
	return c->mode == BODY_TUNNEL ||
	       (c->mode == BODY_LENGTH && c->head_done && c->left >= CHN_SPLICE_MIN);
}

/* Like chn_recv, into the channel's pipe; never past the message end. */
static ssize_t chn_splice_in(struct worker *w, struct chn *c, int fd)
{
	size_t max = CHN_PIPE_CAP - c->pdata;
	ssize_t n;

	if (c->pfd[0] < 0 && worker_pipe_get(w, c->pfd) < 0) {
		c->no_splice = 1;
		return -1;
	}
	if (c->mode == BODY_LENGTH && c->left < max)
		max = (size_t)c->left;
	if (max == 0)
		return -1;
	n = splice(fd, NULL, c->pfd[1], NULL, max, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n > 0) {
		c->pdata += (uint32_t)n;
		c->total += (uint64_t)n;
		c->payload += (uint64_t)n;
		if (c->mode == BODY_LENGTH) {
			c->left -= (uint64_t)n;
			if (c->left == 0)
				c->msg_done = 1;
		}
		return n;
	}
	if (n == 0) {
		c->eof = 1;
		return 0;
	}
	if (errno == EAGAIN || errno == EINTR)
		return -1;
	if (errno == EINVAL || errno == ENOSYS) {
		c->no_splice = 1;	/* fall back to the buffer */
		return -1;
	}
	return -2;
}

static int chn_splice_out(struct chn *c, int fd)
{
	unsigned more = c->mode == BODY_LENGTH && c->left ? SPLICE_F_MORE : 0;

	while (c->pdata) {
		ssize_t n = splice(c->pfd[0], NULL, fd, NULL, c->pdata,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK | more);

		if (n < 0) {
			if (errno == EAGAIN)
				return 0;
			if (errno == EINTR)
				continue;
			return -1;
		}
		c->pdata -= (uint32_t)n;
	}
	return 0;
}

/* An empty pipe goes back to the worker's pool; one still holding bytes
 * (an aborted transfer) is closed. */
static void chn_close_pipe(struct worker *w, struct chn *c)
{
	if (c->pfd[0] >= 0) {
		if (c->pdata == 0)
			worker_pipe_put(w, c->pfd);
		else {
			close(c->pfd[0]);
			close(c->pfd[1]);
		}
		c->pfd[0] = c->pfd[1] = -1;
	}
	c->pdata = 0;
}

/* Drop the bytes retained for a retry: the server answered. */
void session_req_release_kept(struct session *s)
{
	if (s->t->req.keep) {
		buf_consume(&s->t->req.b, s->t->req.keep);
		s->t->req.keep = 0;
	}
	s->t->retryable = 0;
}

/* The client's TLS handshake made progress; once done, a tcp-mode stream
 * starts (its rules may read the SNI). */
static void sess_cli_handshake(struct session *s)
{
	int rc = tls_handshake(&s->cli);

	if (rc < 0) {
		/* counted (show info), not logged: a scan must not flood the logs */
		s->t->logged = 1;
		session_close(s, TERM_CLI_ABORT, TERM_ST_REQ);
		return;
	}
	if (rc == 1 && !s->http && sess_start_tcp(s) < 0)
		return;
	if (!s->freeing)
		session_update(s);
}

/* ---- socket events ----
 *
 * The session's socket watchers only note the event: after a poll (the
 * worker's check watcher sets w->collecting) the session goes on the
 * worker's evq, which the prepare pass runs before the next poll. libev
 * invokes a poll's events in reverse order, so the connection that became
 * ready first would be served last in every burst; the evq, filled
 * head-first in that reversed order, runs them in the poll's order. Events
 * fed outside that window (a TLS record already decrypted) run at once.
 */
enum { SEV_CLI_R = 1, SEV_CLI_W = 2, SEV_SRV_R = 4, SEV_SRV_W = 8,
       SEV_LINKED = 16 };	/* on the evq (its events may have been dropped) */

static void sess_note(struct session *s, unsigned ev)
{
	struct worker *w = s->w;

	if (!(s->evpend & SEV_LINKED)) {
		s->next_ev = w->evq;
		w->evq = s;
	}
	s->evpend |= ev | SEV_LINKED;
}

/* What the session's events run: the server side first (its bytes are on
 * their way out); a server event whose connection changed meanwhile is
 * dropped (session_drop_srv_events), one for a closing session too. */
static void sess_dispatch(struct session *s, unsigned ev)
{
	if ((ev & SEV_SRV_W) && !s->freeing && s->t && s->t->sc)
		sess_srv_write(s);
	if ((ev & SEV_SRV_R) && !s->freeing && s->t && s->t->sc)
		sess_srv_read(s);
	if ((ev & SEV_CLI_R) && !s->freeing)
		sess_cli_read(s);
	if ((ev & SEV_CLI_W) && !s->freeing)
		sess_cli_write(s);
}

/* The callback of the four socket watchers of a session (client and
 * server, read and write). */
static void sess_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct session *s = w->data;
	int cli = w == &s->cli.rio || w == &s->cli.wio;
	/* the watcher's own direction: an fd error comes with both bits */
	unsigned ev = (w->events & EV_READ) ? (cli ? SEV_CLI_R : SEV_SRV_R) :
					      (cli ? SEV_CLI_W : SEV_SRV_W);

	(void)loop;
	(void)revents;
	if (s->w->collecting)
		sess_note(s, ev);
	else
		sess_dispatch(s, ev);
}

void session_drop_srv_events(struct session *s)
{
	s->evpend &= ~(unsigned)(SEV_SRV_R | SEV_SRV_W);
}

void session_run_events(struct worker *w)
{
	struct session *s;

	w->collecting = 0;
	while ((s = w->evq)) {
		unsigned ev = s->evpend;

		w->evq = s->next_ev;
		s->evpend = 0;
		sess_dispatch(s, ev);
	}
}

static void sess_cli_read(struct session *s)
{
	struct ev_loop *loop = s->w->loop;
	uint32_t reserve = 0;
	ssize_t n;

	if (s->cli.tls_hs) {
		sess_cli_handshake(s);
		return;
	}
	s->cli.tls_wr_rd = 0;	/* a blocked write retries in the update */

	/* a keep-alive connection gets its next transaction with its first
	 * bytes */
	if (session_txn_new(s) < 0) {
		session_close(s, TERM_RESOURCE, TERM_ST_REQ);
		return;
	}
	if (s->http && (!s->t->req.head_done || s->t->req.msg_done))
		reserve = lbd.conf->global.maxrewrite;
	if (chn_can_splice(s, &s->t->req))
		n = chn_splice_in(s->w, &s->t->req, s->cli.fd);
	else
		n = chn_recv(s, &s->t->req, &s->cli, reserve);
	if (n == -2) {
		s->t->req.eof = 1;
		stream_cli_error(s);
		return;
	}
	if (n > 0) {
		s->t->bytes_in += (uint64_t)n;
		stream_count_bytes(s, (uint64_t)n, 0);
		s->exp_c = tmo(ev_now(loop), stream_cli_timeout(s));
		if (s->state == SS_REQ_WAIT && s->t->t_rq_start == 0)
			s->t->t_rq_start = ev_now(loop);
	}
	if (n >= 0 && s->inspect) {
		if (sess_inspect(s, 0) < 0)
			return;
	} else if (n >= 0)
		stream_req_data(s);
	if (!s->freeing)
		session_update(s);
}

static void sess_cli_write(struct session *s)
{
	if (s->cli.tls_hs)
		sess_cli_handshake(s);
	else if (s->cli.tls_rd_wr)
		sess_cli_read(s);
	else
		session_update(s);
}

/* Connecting to the server: the TCP connection, then a TLS handshake when
 * the server line says "ssl"; the connect timeout covers both. */
static void sess_srv_connecting(struct session *s)
{
	struct sock *sk = &s->t->sc->sk;
	int rc = 1;

	if (!s->t->srv_l4) {
		ev_io_stop(s->w->loop, &sk->wio);
		if (backend_connect_done(s) < 0)
			rc = -1;
		else
			s->t->srv_l4 = 1;
	}
	if (rc == 1 && sk->tls_hs)
		rc = tls_handshake(sk);
	if (rc < 0) {
		stream_connect_failed(s);
		if (!s->freeing)
			session_update(s);	/* new deadline to arm */
		return;
	}
	if (rc == 1) {
		stream_connected(s);
		if (s->freeing)
			return;
	}
	session_update(s);
}

static void sess_srv_read(struct session *s)
{
	struct ev_loop *loop = s->w->loop;

	if (s->state == SS_CONNECTING) {
		sess_srv_connecting(s);
		return;
	}
	s->t->sc->sk.tls_wr_rd = 0;	/* a blocked write retries in the update */
	/* room for the head rewrite, as on the request side; compressing:
	 * chunk framing */
	uint32_t reserve = (s->http && (!s->t->res.head_done || s->t->comp)) ?
			   lbd.conf->global.maxrewrite : 0;
	ssize_t n = chn_can_splice(s, &s->t->res) ?
		    chn_splice_in(s->w, &s->t->res, s->t->sc->sk.fd) :
		    chn_recv(s, &s->t->res, &s->t->sc->sk, reserve);

	if (n == -2) {
		s->t->res.eof = 1;
		stream_srv_error(s);	/* may retry elsewhere: update below */
		if (!s->freeing)
			session_update(s);
		return;
	}
	if (n > 0) {
		s->t->bytes_out += (uint64_t)n;
		s->exp_s = tmo(ev_now(loop), stream_srv_timeout(s));
		s->t->res_started = 1;
	}
	if (n >= 0)
		stream_res_data(s);
	if (!s->freeing)
		session_update(s);
}

static void sess_srv_write(struct session *s)
{
	if (s->state == SS_CONNECTING)
		sess_srv_connecting(s);
	else if (s->t->sc->sk.tls_rd_wr)
		sess_srv_read(s);
	else
		session_update(s);
}

/* Attach the server connection's watchers to this session. */
void session_attach_srv(struct session *s)
{
	struct idle_conn *c = s->t->sc;

	ev_io_stop(s->w->loop, &c->sk.rio);
	ev_io_stop(s->w->loop, &c->sk.wio);
	ev_set_cb(&c->sk.rio, sess_io_cb);
	ev_set_cb(&c->sk.wio, sess_io_cb);
	c->sk.rio.data = s;
	c->sk.wio.data = s;
}

/* ---- the update pass ---- */

/* Send what can be sent; progress on a side restarts its inactivity
 * timeout. Returns -1 when s was closed. */
/* The client's TLS records gathered in this pass (tls.c) leave once the
 * response is handed over: with close_notify when the connection closes
 * after it, so the end of an exchange is one segment. Not while a request
 * is awaited and its bytes are already decrypted: the read they make the
 * session do comes first (a session ticket, or the answer to a pipelined
 * request, then leaves with the next answer). */
static int sess_cli_gathered(struct session *s)
{
	if (s->cli.tls_hs || s->t->res.fwd || s->t->res.pdata ||
	    (s->state == SS_REQ_WAIT && tls_pending(&s->cli)))
		return 0;
	if (s->cli_close && stream_txn_complete(s))
		tls_shutw(&s->cli);
	if (tls_wflush(&s->cli) < 0) {
		stream_cli_error(s);
		return -1;
	}
	return 0;
}

static int sess_flush(struct session *s)
{
	ev_tstamp now = ev_now(s->w->loop);
	uint32_t before;

	if (!s->t)
		return 0;
	if ((s->t->res.fwd || s->t->res.pdata) && !s->cli.tls_hs) {
		before = s->t->res.fwd + s->t->res.pdata;
		if (chn_send(&s->t->res, &s->cli, 0) < 0 ||
		    (s->t->res.fwd == 0 && chn_splice_out(&s->t->res, s->cli.fd) < 0)) {
			stream_cli_error(s);
			return -1;
		}
		if (s->t->res.fwd + s->t->res.pdata != before) {
			if (s->t->sc)
				s->t->sc->sk.tls_fed = 0;	/* room for more */
			stream_count_bytes(s, before - s->t->res.fwd - s->t->res.pdata, 1);
			s->exp_c = tmo(now, stream_cli_timeout(s));
		}
	}
	if (s->cli.ssl && sess_cli_gathered(s) < 0)
		return -1;
	if (s->t->sc && s->t->srv_connected && (s->t->req.fwd || s->t->req.pdata)) {
		before = s->t->req.fwd + s->t->req.pdata;
		if (chn_send(&s->t->req, &s->t->sc->sk, s->t->retryable) < 0 ||
		    (s->t->req.fwd == 0 && chn_splice_out(&s->t->req, s->t->sc->sk.fd) < 0)) {
			stream_srv_error(s);	/* may retry on a new connection */
			return s->freeing ? -1 : 0;
		}
		if (s->t->req.fwd + s->t->req.pdata != before) {
			s->cli.tls_fed = 0;
			stream_count_bytes(s, before - s->t->req.fwd - s->t->req.pdata, 2);
			s->exp_s = tmo(now, stream_srv_timeout(s));
		}
	}
	return 0;
}

/* A TLS layer may wait for the other socket event than the stream asks
 * for: during its handshake, or a read (write) that must write (read). */
static void sess_tls_wants(const struct sock *sk, int *rd, int *wr)
{
	if (sk->tls_hs) {
		*rd = sk->tls_hs_wr ? 0 : STREAM_READ_TIMED;
		*wr = sk->tls_hs_wr;
		return;
	}
	if (sk->tls_rd_wr && *rd)
		*wr = 1;
	if (sk->tls_wr_rd && *wr && !*rd)
		*rd = STREAM_READ_AHEAD;
}

/* Bytes decrypted but not read yet leave the socket quiet: feed the read
 * watcher once, again only after the other side took some bytes. */
static void sess_tls_feed(struct ev_loop *loop, struct sock *sk, int rd)
{
	if (rd && !sk->tls_hs && !sk->tls_fed && tls_pending(sk)) {
		sk->tls_fed = 1;
		ev_feed_event(loop, &sk->rio, EV_READ);
	}
}

/* What the pass gathered for the client leaves now, unless a fed read
 * event brings the session back within this pass with a request to answer;
 * what the socket does not take makes the session wait for it to be
 * writable. */
static int sess_cli_wflush(struct session *s, int rd, int *wr)
{
	struct sock *sk = &s->cli;
	int rc;

	if (rd && !sk->tls_hs && !sk->tls_fed && (!s->t || s->state == SS_REQ_WAIT) &&
	    tls_pending(sk))
		return 0;
	rc = tls_wflush(sk);
	if (rc < 0) {
		if (s->t)
			stream_cli_error(s);
		else
			session_close(s, TERM_CLI_ABORT, TERM_ST_REQ);
		return -1;
	}
	if (rc > 0)
		*wr = 1;
	else if (sk->tls_shut_pend) {
		sk->tls_shut_pend = 0;
		shutdown(sk->fd, SHUT_WR);
	}
	return 0;
}

void session_update(struct session *s)
{
	struct ev_loop *loop = s->w->loop;
	ev_tstamp now = ev_now(loop);
	int rd_cli, wr_cli, rd_srv = 0, wr_srv = 0;
	struct idle_conn *sc;
	struct txn *t;

	if (s->freeing)
		return;
	if (sess_flush(s) < 0)
		return;
	if (stream_progress(s) < 0)
		return;
	t = s->t;	/* may have ended (keep-alive) or started (pipelining) */

	rd_cli = stream_want_cli_read(s);
	wr_cli = t && (t->res.fwd > 0 || t->res.pdata > 0);
	if (s->cli.ssl)
		sess_tls_wants(&s->cli, &rd_cli, &wr_cli);
	sc = t ? t->sc : NULL;
	if (sc && s->state != SS_CONNECTING) {
		rd_srv = stream_want_srv_read(s);
		wr_srv = t->srv_connected && (t->req.fwd > 0 || t->req.pdata > 0);
		if (sc->sk.ssl)
			sess_tls_wants(&sc->sk, &rd_srv, &wr_srv);
	} else if (sc && sc->sk.ssl && t->srv_l4) {
		rd_srv = !sc->sk.tls_hs_wr;	/* the handshake */
		wr_srv = sc->sk.tls_hs_wr;
	} else if (sc) {
		wr_srv = 1;
	}
	if (s->cli.ssl && sess_cli_wflush(s, rd_cli, &wr_cli) < 0)
		return;
	sock_want(loop, &s->cli.rio, rd_cli);
	sock_want(loop, &s->cli.wio, wr_cli);
	if (sc) {
		sock_want(loop, &sc->sk.rio, rd_srv);
		sock_want(loop, &sc->sk.wio, wr_srv);
		sess_tls_feed(loop, &sc->sk, rd_srv);
	}
	sess_tls_feed(loop, &s->cli, rd_cli);

	/* inactivity deadlines run only while a side is expected to act */
	if (rd_cli == STREAM_READ_TIMED || wr_cli) {
		if (!s->exp_c)
			s->exp_c = tmo(now, stream_cli_timeout(s));
	} else
		s->exp_c = 0;
	if (sc && s->state != SS_CONNECTING && (rd_srv || wr_srv)) {
		if (!s->exp_s)
			s->exp_s = tmo(now, stream_srv_timeout(s));
	} else
		s->exp_s = 0;

	/* an empty buffer holds no memory */
	if (t && t->req.b.area && t->req.b.data == 0)
		buf_put(s->w->bufs, &t->req.b);
	if (t && t->res.b.area && t->res.b.data == 0)
		buf_put(s->w->bufs, &t->res.b);
	sess_arm(s);
}

void session_process(struct session *s)
{
	if (s->freeing)
		return;
	stream_wakeup(s);
	if (!s->freeing)
		session_update(s);
}

/* ---- teardown ---- */

void session_close(struct session *s, char cause, char state)
{
	struct worker *w = s->w;

	struct txn *t = s->t;

	if (s->freeing)
		return;
	if (t) {
		if (t->term[0] == TERM_CAUSE_NONE && cause)
			t->term[0] = cause;
		if (t->term[1] == TERM_ST_NONE && state)
			t->term[1] = state;
		/* counters in the log line no longer include this session's
		 * slot, as with HAProxy */
		backend_unqueue(s);
		backend_release(s);
		svc_release(s);
		stream_txn_done(s);
		if (t->sc)
			backend_conn_release(s, 0);
		buf_put(w->bufs, &t->req.b);
		buf_put(w->bufs, &t->res.b);
		chn_close_pipe(w, &t->req);
		chn_close_pipe(w, &t->res);
	}
	srv_sess_unlink(s);
	buf_put(w->bufs, &s->pending);
	ev_timer_stop(w->loop, &s->timer);
	if (s->cli.fd >= 0 && (s->fe->options & PR_O_NOLINGER)) {
		struct linger l = { 1, 0 };

		setsockopt(s->cli.fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	sock_close(w->loop, &s->cli);
	atomic_fetch_sub(&s->fe->feconn, 1);
	atomic_fetch_sub(&s->bind->curconn, 1);
	atomic_fetch_sub(&lbd.actconn, 1);
	s->freeing = 1;
	/* callbacks further up the stack may still look at s */
	s->next_free = w->freeq;
	w->freeq = s;
	if (s->prev_all)
		s->prev_all->next_all = s->next_all;
	else
		w->sessions = s->next_all;
	if (s->next_all)
		s->next_all->prev_all = s->prev_all;
	w->nsess--;
	worker_session_closed(w);
}

void session_free(struct session *s)
{
	/* the transaction outlives session_close: callbacks up the stack
	 * may still read it until the end of the loop iteration */
	if (s->t) {
		txn_untrack(s, s->t);
		cap_txn_free(s->t->caps);
		comp_state_free(s->t->comp);
		vars_free(&s->t->vars);
		free(s->t->unique_id);
		free(s->t->reqline);
		free(s->t);
	}
	sess_untrack(s);
	vars_free(&s->vars);
	free(s);
}
