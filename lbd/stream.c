/*
 * stream.c - the transaction flow of a session (see stream.h). HTTP: read
 * a request head, rewrite it, choose backend and server, forward the body
 * by its framing, parse and rewrite the response, then keep-alive or close.
 * TCP: connect and tunnel, propagating half-closes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "backend.h"
#include "errors.h"
#include "errsnap.h"
#include "http1.h"
#include "acl.h"
#include "capture.h"
#include "compress.h"
#include "cookie.h"
#include "hmsg.h"
#include "http_head.h"
#include "http_rules.h"
#include "log.h"
#include "logfmt.h"
#include "observe.h"
#include "proxy.h"
#include "sample.h"
#include "service.h"
#include "sess_log.h"
#include "session.h"
#include "stick.h"
#include "stream.h"
#include "tcp_rules.h"
#include "tls.h"
#include "worker.h"

#define LINGER_TIME	1.0	/* seconds to drain a client after an error */
#define LBD_MAX_HDRS	1024	/* upper bound of tune.http.maxhdr */

/* Count an event on the backend and the server of s. */
#define STREAM_BE_SRV_ADD(s, field) do {				\
		if ((s)->t->be)						\
			CNT_ADD((s)->t->be->be_cnt, field, 1);		\
		if ((s)->t->srv)					\
			CNT_ADD((s)->t->srv->cnt, field, 1);		\
	} while (0)

static void stream_txn_end(struct session *s);
static void stream_connect_retry(struct session *s, int pause);
static int stream_l7_retry(struct session *s, unsigned why);
static int stream_assign_and_connect(struct session *s, const void *key,
				     size_t keylen);

static ev_tstamp now_of(const struct session *s)
{
	return ev_now(s->w->loop);
}

/* ---- body framing ---- */

/* Make the bytes of the current message forwardable as far as its framing
 * allows. Returns -1 on a framing error (bad chunk). */
static int chn_advance(struct chn *c)
{
	uint32_t avail = c->b.data - c->keep - c->fwd;

	switch (c->mode) {
	case BODY_NONE:
		c->msg_done = 1;
		break;
	case BODY_LENGTH: {
		uint32_t take = avail;

		if (take > c->left)
			take = (uint32_t)c->left;
		c->fwd += take;
		c->left -= take;
		c->payload += take;
		if (c->left == 0)
			c->msg_done = 1;
		break;
	}
	case BODY_CHUNKED: {
		int done = 0;
		ssize_t n;

		if (!avail || c->msg_done)
			break;
		n = http1_chunk_scan(&c->ck, c->b.area + c->b.head + c->keep + c->fwd,
				     avail, &done);
		if (n < 0)
			return -1;
		c->fwd += (uint32_t)n;
		c->payload = c->ck.payload;
		if (done)
			c->msg_done = 1;
		break;
	}
	case BODY_CLOSE:
	case BODY_TUNNEL:
		c->fwd += avail;
		c->payload += avail;
		if (c->eof && c->mode == BODY_CLOSE)
			c->msg_done = 1;
		break;
	}
	return 0;
}

static void chn_reset(struct chn *c)
{
	c->fwd = 0;
	c->keep = 0;
	c->mode = BODY_NONE;
	c->left = 0;
	c->head_done = 0;
	c->msg_done = 0;
	c->total = 0;
	c->payload = 0;
}

/* Replace the head bytes [off, off+old) of c's buffer with new ones. */
static int chn_replace_head(struct chn *c, uint32_t off, uint32_t old,
			    const char *head, uint32_t len)
{
	char *base = c->b.area + c->b.head;
	uint32_t tail = c->b.data - off - old;

	if (c->b.head + c->b.data - old + len > c->b.size) {
		/* move everything to the start first */
		memmove(c->b.area, base, c->b.data);
		c->b.head = 0;
		base = c->b.area;
		if (c->b.data - old + len > c->b.size)
			return -1;
	}
	memmove(base + off + len, base + off + old, tail);
	memcpy(base + off, head, len);
	c->b.data = c->b.data - old + len;
	return 0;
}

/* ---- errors ---- */

void stream_error(struct session *s, int status, char cause, char state)
{
	const struct errorfile *e = errors_get(s->t->be ? s->t->be : s->fe, s->fe, status);

	stream_reply(s, status, e->data, e->len, cause, state);
}

void stream_reply(struct session *s, int status, const char *data, size_t len,
		  char cause, char state)
{
	if (s->freeing)
		return;
	if (s->t->term[0] == TERM_CAUSE_NONE)
		s->t->term[0] = cause;
	if (s->t->term[1] == TERM_ST_NONE)
		s->t->term[1] = state;
	s->t->status = status;
	backend_unqueue(s);
	backend_release(s);
	if (s->t->sc)
		backend_conn_release(s, 0);
	if (!s->http) {
		session_close(s, 0, 0);
		return;
	}
	chn_reset(&s->t->res);
	s->t->res.b.data = 0;
	s->t->res.b.head = 0;
	if (buf_get(s->w->bufs, &s->t->res.b) < 0) {
		session_close(s, 0, 0);
		return;
	}
	{
		uint32_t n = len < s->t->res.b.size ? (uint32_t)len : s->t->res.b.size;

		memcpy(s->t->res.b.area, data, n);
		s->t->res.b.data = n;
		s->t->res.fwd = n;
	}
	s->t->res.msg_done = 1;
	s->t->res.head_done = 1;
	/* what the client sent is not needed any more: drop it so reading
	 * can go on until its close (no RST under the error page) */
	s->t->req.b.data = 0;
	s->t->req.b.head = 0;
	s->t->req.fwd = s->t->req.keep = 0;
	s->t->bytes_out += s->t->res.fwd;
	/* HAProxy counts its pages like responses, except those answering a
	 * request it could not parse (0) */
	s->t->log_bytes = state == TERM_ST_REQ && cause != TERM_LOCAL ? 0 :
			  hhead_log_size_page(data, len);
	s->t->err_sent = 1;
	s->cli_close = 1;
	s->state = SS_CLOSING;
	s->exp_x = now_of(s) + LINGER_TIME + (s->fe->to.client ? s->fe->to.client / 1000.0 : 5.0);
}

/* ---- statistics ---- */


void stream_count_bytes(struct session *s, uint64_t n, int dir)
{
	struct txn *t = s->t;

	switch (dir) {
	case 0:		/* from the client */
		CNT_ADD(s->fe->fe_cnt, bytes_in, n);
		break;
	case 1:		/* to the client */
		CNT_ADD(s->fe->fe_cnt, bytes_out, n);
		if (t->be)
			CNT_ADD(t->be->be_cnt, bytes_out, n);
		if (t->srv)
			CNT_ADD(t->srv->cnt, bytes_out, n);
		break;
	default:	/* to the server */
		if (t->be)
			CNT_ADD(t->be->be_cnt, bytes_in, n);
		if (t->srv)
			CNT_ADD(t->srv->cnt, bytes_in, n);
	}
}

/* The times of a transaction that reached a server, into the sliding
 * averages of its backend and server (qtime, ctime, rtime, ttime). */
static void stream_count_times(struct session *s)
{
	struct logfmt_vars v;
	long vals[CNT_T_COUNT];

	if (!s->t->be || !s->t->srv || s->t->t_conn_start <= 0)
		return;
	sess_log_timers(s, &v, now_of(s));
	vals[CNT_T_QUEUE] = v.Tw;
	vals[CNT_T_CONNECT] = v.Tc;
	vals[CNT_T_RESPONSE] = v.Tr;
	vals[CNT_T_TOTAL] = v.Ta;
	for (int i = 0; i < CNT_T_COUNT; i++) {
		if (vals[i] < 0)
			continue;
		CNT_TIME(s->t->be->be_cnt, i, (unsigned)vals[i]);
		CNT_TIME(s->t->srv->cnt, i, (unsigned)vals[i]);
	}
}

void stream_txn_done(struct session *s)
{
	struct txn *t = s->t;

	if (t->logged)
		return;
	/* a response that went out: lbd's own page or the server's (not the
	 * status the log gives a client that left without asking anything) */
	if (s->http && t->status > 0 && (t->err_sent || t->t_res > 0))
		CNT_ADD(s->fe->fe_cnt, http_rsp[t->status / 100 <= 5 ? t->status / 100 : 0], 1);
	stream_count_times(s);
	if (stream_should_log(s))
		sess_log(s);
	t->logged = 1;
}

/* ---- TCP mode ---- */

/* The client address bytes "balance source" hashes. */
static const void *stream_src_key(const union sess_addr *a, size_t *len)
{
	if (a->sa.sa_family == AF_INET6) {
		*len = sizeof(a->in6.sin6_addr);
		return &a->in6.sin6_addr;
	}
	*len = sizeof(a->in4.sin_addr);
	return &a->in4.sin_addr;
}

/* The first use_backend whose condition holds (a dynamic name that names
 * no backend is skipped, as HAProxy does), else default_backend. */
static struct proxy *stream_pick_backend(struct session *s, struct smp_ctx *c)
{
	struct proxy *fe = s->fe;

	for (const struct use_backend *u = fe->use_be; u; u = u->next) {
		if (!acl_cond_exec(u->cond, c))
			continue;
		if (u->dyn) {
			size_t n;
			const char *name = hrule_render(u->dyn, c, &n);
			struct proxy *be = name ? proxy_find(lbd.conf, name, PR_CAP_BE) : NULL;

			if (be)
				return be;
			continue;
		}
		return u->be;
	}
	return fe->defbe;
}

int stream_start_tcp(struct session *s)
{
	struct smp_ctx c = { .s = s, .a = &s->w->arena };

	arena_reset(&s->w->arena);
	if (s->fe->tcp_content && !trule_exec(s->fe->tcp_content, &c, 1)) {
		CNT_ADD(s->fe->fe_cnt, denied_req, 1);
		session_close(s, TERM_PROXY, TERM_ST_REQ);
		return -1;
	}
	s->t->be = stream_pick_backend(s, &c);
	if (s->t->be && s->t->be->stick_rules) {
		stick_match(s->t->be, &c);
		stick_prepare(s->t->be, &c);
	}
	if (!s->t->be) {
		session_close(s, TERM_PROXY, TERM_ST_REQ);
		return -1;
	}
	CNT_ADD(s->t->be->be_cnt, cum_conn, 1);
	if (s->t->be->lb.algo == LB_SOURCE) {
		size_t len;
		const void *key = stream_src_key(&s->cli_addr, &len);

		return stream_assign_and_connect(s, key, len);
	}
	return stream_assign_and_connect(s, NULL, 0);
}

/* ---- connecting ---- */

static int stream_connect(struct session *s)
{
	int rc;

	if (s->t->t_conn_start == 0)
		s->t->t_conn_start = now_of(s);
	if (s->t->nstick)
		stick_store(s);		/* the server is known now */
	rc = backend_connect(s);

	if (rc < 0) {
		stream_connect_failed(s);
		return s->freeing ? -1 : 0;
	}
	if (rc == 1) {
		s->state = SS_CONNECTING;
		s->exp_x = s->t->be->to.connect ? now_of(s) + s->t->be->to.connect / 1000.0 : 0;
		return 0;
	}
	stream_connected(s);
	return s->freeing ? -1 : 0;
}

/* Returns -1 if s was closed. */
static int stream_assign_and_connect(struct session *s, const void *key,
				     size_t keylen)
{
	int rc = backend_assign(s, key, keylen);

	if (rc < 0) {
		stream_error(s, 503, TERM_SRV_ABORT, TERM_ST_CONN);
		if (!s->http)
			return -1;
		return s->freeing ? -1 : 0;
	}
	if (rc == 1) {
		s->state = SS_QUEUED;
		s->t->t_queue = now_of(s);
		s->exp_x = s->t->be->to.queue ? now_of(s) + s->t->be->to.queue / 1000.0 : 0;
		return 0;
	}
	return stream_connect(s);
}

void stream_wakeup(struct session *s)
{
	if (s->state != SS_QUEUED || !s->t->srv)
		return;
	s->exp_x = 0;
	stream_connect(s);
}

void stream_connected(struct session *s)
{
	observe_report(s->t->srv, OBS_CONN_OK, 0);
	s->t->srv_connected = 1;
	s->state = SS_FORWARD;
	s->exp_x = 0;
	s->exp_c = s->exp_s = 0;	/* tunnel timeouts may apply from now */
	s->t->t_connect = now_of(s);
	if (!s->http && s->t->be->tcp_res) {
		/* mode tcp: tcp-response rules once the server is there */
		struct smp_ctx c = { .s = s, .a = &s->w->arena };

		arena_reset(&s->w->arena);
		if (trule_exec(s->t->be->tcp_res, &c, 0) == 0) {
			CNT_ADD(s->t->be->be_cnt, denied_resp, 1);
			session_close(s, TERM_PROXY, TERM_ST_DATA);
		}
	}
}

void stream_connect_failed(struct session *s)
{
	stream_connect_retry(s, 1);
}

/* The "retry-on" flag of a response status, 0 if none applies. */
static unsigned stream_status_retry_flag(int status)
{
	switch (status) {
	case 404: return PR_RETRY_404;
	case 408: return PR_RETRY_408;
	case 425: return PR_RETRY_425;
	case 500: return PR_RETRY_500;
	case 501: return PR_RETRY_501;
	case 502: return PR_RETRY_502;
	case 503: return PR_RETRY_503;
	case 504: return PR_RETRY_504;
	default: return 0;
	}
}

/* Whether this retry goes to another server: "option redispatch <n>",
 * every nth retry (n > 0) or the nth before the last (n < 0, default -1). */
static int stream_redispatch_now(const struct session *s)
{
	const struct proxy *be = s->t->be;
	int n = be->redispatch_every, r = (int)s->t->conn_retries;

	if (!(be->options & PR_O_REDISPATCH) || be->nservers < 2)
		return 0;
	if (n > 0)
		return r % n == 0;
	return r == (int)be->retries + n + 1;
}

static void stream_redispatch(struct session *s)
{
	s->t->prev_srv = s->t->srv;
	backend_release(s);
	s->t->srv = NULL;
	s->t->redispatched = 1;
	CNT_ADD(s->t->be->be_cnt, redispatches, 1);
	if (s->t->prev_srv)
		CNT_ADD(s->t->prev_srv->cnt, redispatches, 1);
	stream_assign_and_connect(s, NULL, 0);
}

/* A connect failed (refused: pause before the retry) or timed out (retry
 * at once, the time is already spent), as HAProxy does. */
static void stream_connect_retry(struct session *s, int pause)
{
	struct proxy *be = s->t->be;

	backend_conn_failed(s);
	observe_report(s->t->srv, pause ? OBS_CONN_ERR : OBS_CONN_TIMEOUT, 0);
	if (s->t->sc)
		backend_conn_release(s, 0);
	s->t->srv_connected = 0;
	if ((be->retry_on & PR_RETRY_CONN_FAILURE) && s->t->conn_retries < be->retries) {
		s->t->conn_retries++;
		CNT_ADD(be->be_cnt, retries, 1);
		if (s->t->srv)
			CNT_ADD(s->t->srv->cnt, retries, 1);
		if (stream_redispatch_now(s)) {
			stream_redispatch(s);
			return;
		}
		/* as HAProxy: a turn-around of min(timeout connect, 1s) before
		 * trying the same server again, so a refusing server is not
		 * hammered */
		if (!pause) {
			stream_connect(s);
			return;
		}
		s->state = SS_RETRY_WAIT;
		s->exp_x = now_of(s) + (be->to.connect && be->to.connect < 1000 ?
					be->to.connect / 1000.0 : 1.0);
		return;
	}
	stream_error(s, 503, TERM_SRV_ABORT, TERM_ST_CONN);
}

/* ---- HTTP request ---- */

static const void *stream_hash_key(struct session *s, const char *buf,
				   const struct http1_msg *m, size_t *len)
{
	const struct proxy *be = s->t->be;

	switch (be->lb.algo) {
	case LB_SOURCE:
		return stream_src_key(&s->cli_addr, len);
	case LB_URI:
		*len = m->uri_len;
		return m->uri;
	case LB_HDR: {
		size_t pos = 0;
		const struct http1_hdr *h = http1_hdr_find(m, be->lb_arg, &pos);

		if (!h)
			return NULL;
		*len = h->value_len;
		return h->value;
	}
	case LB_URL_PARAM: {
		const char *q = memchr(m->uri, '?', m->uri_len), *e = m->uri + m->uri_len;
		size_t nl = strlen(be->lb_arg);

		while (q && q < e) {
			const char *p = q + 1, *amp = memchr(p, '&', (size_t)(e - p));
			const char *end = amp ? amp : e;

			if ((size_t)(end - p) > nl && p[nl] == '=' &&
			    memcmp(p, be->lb_arg, nl) == 0) {
				*len = (size_t)(end - p - (ptrdiff_t)nl - 1);
				return p + nl + 1;
			}
			q = amp;
		}
		return NULL;
	}
	default:
		(void)buf;
		return NULL;
	}
}

static void stream_save_reqline(struct session *s, const char *buf,
				const struct http1_msg *m)
{
	size_t off, len;

	hhead_start_line(buf, m, &off, &len);
	free(s->t->reqline);
	s->t->reqline = malloc(len + 1);
	if (!s->t->reqline) {
		s->t->reqline_len = 0;
		return;
	}
	memcpy(s->t->reqline, buf + off, len);
	s->t->reqline[len] = '\0';
	s->t->reqline_len = (unsigned)len;
}

/* Decide the connection semantics of the request. */
static enum hhead_conn stream_req_conn(struct session *s, const struct http1_msg *m)
{
	enum pr_http_conn mode = s->fe->http_conn;

	if (s->t->be && s->t->be->http_conn > mode)
		mode = s->t->be->http_conn;
	if ((m->flags & HTTP1_F_CONN_CLOSE) ||
	    (m->version_minor == 0 && !(m->flags & HTTP1_F_CONN_KA)) ||
	    mode == PR_HTTP_CLO)
		s->cli_close = 1;
	s->t->srv_close = mode != PR_HTTP_KAL;
	if ((m->flags & HTTP1_F_CONN_UPGRADE) && http1_hdr_find(m, "upgrade", &(size_t){0})) {
		s->t->conn_upgrade = 1;
		return HHEAD_CONN_UPGRADE;
	}
	if (s->t->srv_close)
		return HHEAD_CONN_CLOSE;
	return m->version_minor == 0 ? HHEAD_CONN_KEEPALIVE : HHEAD_CONN_NONE;
}

/*
 * Act on a rule list's verdict: 1 when the request was answered (deny,
 * return, redirect, a failed rewrite) and nothing more is to be done.
 */
/*
 * A reply made by the rules (return, redirect) to a request without a
 * body: sent like a server's response, the connection kept for the next
 * request as HAProxy does, or closed right after it when the client asked
 * for that (HTTP/1.0, "Connection: close") and sent nothing more. -1 when
 * it cannot be (a body to skip, bytes after the request to drain, no
 * buffer): the caller answers, then drains until the client closes.
 */
static int stream_reply_keepalive(struct session *s, const struct http1_msg *m,
				  const struct hrule_out *o)
{
	struct chn *req = &s->t->req, *res = &s->t->res;
	int closing;

	if (!m || (m->flags & HTTP1_F_CHUNKED) ||
	    ((m->flags & HTTP1_F_HAS_CL) && m->content_length))
		return -1;
	closing = (m->flags & HTTP1_F_CONN_CLOSE) || m->version_minor == 0 || s->cli_close;
	if (closing && req->b.data > m->head_len)
		return -1;
	if (!res->b.area && buf_get(s->w->bufs, &res->b) < 0)
		return -1;
	if (o->reply_len > res->b.size - res->b.data)
		return -1;
	memcpy(res->b.area + res->b.head + res->b.data, o->reply, o->reply_len);
	res->b.data += (uint32_t)o->reply_len;
	res->fwd = (uint32_t)o->reply_len;
	res->head_done = res->msg_done = 1;
	res->mode = BODY_NONE;
	buf_consume(&req->b, (uint32_t)m->head_len);
	req->head_done = req->msg_done = 1;
	req->fwd = 0;
	req->mode = BODY_NONE;
	s->t->status = o->status;
	s->t->term[0] = TERM_LOCAL;
	s->t->term[1] = TERM_ST_REQ;
	s->t->bytes_out += o->reply_len;
	s->t->log_bytes = hhead_log_size_page(o->reply, o->reply_len);
	s->t->srv_label = NULL;
	s->state = SS_FORWARD;
	if (closing)
		s->cli_close = 1;
	return 0;
}

/* An error page for a connection that stays open: its "connection: close"
 * header left out (copied into the arena); NULL when it cannot be. */
static const char *stream_page_keepalive(struct session *s, const struct errorfile *e,
					 size_t *len)
{
	static const char hdr[] = "connection: close\r\n";
	const char *at = memmem(e->data, e->len, hdr, sizeof(hdr) - 1);
	const char *end = memmem(e->data, e->len, "\r\n\r\n", 4);
	char *p;

	if (!at || !end || at > end) {
		*len = e->len;
		return e->data;
	}
	p = arena_cat(&s->w->arena, e->data, (size_t)(at - e->data),
		      at + sizeof(hdr) - 1, e->len - (size_t)(at - e->data) - (sizeof(hdr) - 1));
	*len = e->len - (sizeof(hdr) - 1);
	return p;
}

static int stream_rules_verdict(struct session *s, enum hrule_verdict v,
				const struct hrule_out *o, int res,
				const struct http1_msg *m)
{
	struct pr_counters *cnt = res ? s->t->be->be_cnt : s->fe->fe_cnt;

	switch (v) {
	case HRULE_DENY:
		if (res) {
			CNT_ADD(cnt, denied_resp, 1);
			stream_error(s, o->status, TERM_PROXY, TERM_ST_HDR);
			return 1;
		}
		CNT_ADD(cnt, denied_req, 1);
		{
			/* the error page, on a connection kept as HAProxy does */
			const struct errorfile *e = errors_get(s->t->be ? s->t->be : s->fe,
							       s->fe, o->status);
			struct hrule_out page = { .status = o->status };

			page.reply = stream_page_keepalive(s, e, &page.reply_len);
			if (page.reply && stream_reply_keepalive(s, m, &page) == 0) {
				s->t->term[0] = TERM_PROXY;
				return 1;
			}
		}
		stream_error(s, o->status, TERM_PROXY, TERM_ST_REQ);
		return 1;
	case HRULE_TARPIT: {
		/* the client waits for nothing until the tarpit timeout */
		const struct proxy *px = s->t->be ? s->t->be : s->fe;
		uint32_t ms = s->fe->to.tarpit ? s->fe->to.tarpit : px->to.tarpit ?
			      px->to.tarpit : px->to.connect;

		CNT_ADD(cnt, denied_req, 1);
		s->t->tarpit_status = o->status;
		s->t->req.b.data = s->t->req.b.head = 0;
		s->state = SS_TARPIT;
		s->exp_x = now_of(s) + ms / 1000.0;
		return 1;
	}
	case HRULE_REPLY:
		CNT_ADD(cnt, intercepted, 1);
		if (res || stream_reply_keepalive(s, m, o) < 0)
			stream_reply(s, o->status, o->reply, o->reply_len, TERM_LOCAL,
				     res ? TERM_ST_HDR : TERM_ST_REQ);
		return 1;
	case HRULE_ERROR:
		CNT_ADD(cnt, failed_rewrites, 1);
		stream_error(s, res ? 502 : 500, TERM_PROXY, res ? TERM_ST_HDR : TERM_ST_REQ);
		return 1;
	default:
		return 0;
	}
}

/* tcp-request content reject: the connection is closed without an
 * answer, counted as a denied request. */
static void stream_tcp_reject(struct session *s)
{
	CNT_ADD(s->fe->fe_cnt, denied_req, 1);
	session_close(s, TERM_PROXY, TERM_ST_REQ);
}

/* unique-id-format: the request's id, kept for %ID and unique-id, and
 * sent in unique-id-header when set. 0 or -1. */
static int stream_unique_id(struct session *s, struct smp_ctx *sc, struct hmsg *h)
{
	size_t n;
	const char *id = hrule_render(s->fe->uid_fmt, sc, &n);

	if (!id || !(s->t->unique_id = strndup(id, n)))
		return -1;
	if (s->fe->uid_hdr &&
	    hmsg_add(h, s->fe->uid_hdr, strlen(s->fe->uid_hdr), id, n) < 0)
		return -1;
	return 0;
}

static void stream_http_request(struct session *s, struct http1_msg *m)
{
	struct chn *c = &s->t->req;
	const char *buf = c->b.area + c->b.head;
	struct hhead_opts o = { 0 };
	char xff[INET6_ADDRSTRLEN], keybuf[256];
	const void *key;
	size_t keylen = 0;
	int len;
	struct hmsg h;
	struct smp_ctx sc = { .s = s, .req = &h, .a = &s->w->arena };
	struct hrule_out ro = { 0 };
	enum hrule_verdict v = HRULE_CONTINUE;

	s->t->t_req = now_of(s);
	gettimeofday(&s->t->req_tv, NULL);
	CNT_ADD(s->fe->fe_cnt, cum_req, 1);
	CNT_RATE(s->fe->fe_cnt, req_rate);
	stream_save_reqline(s, buf, m);
	arena_reset(&s->w->arena);
	hmsg_init(&h, m, LBD_MAX_HDRS, &s->w->arena, 0);
	if (s->fe->caps)
		cap_headers(s, &h, 0);
	if (s->fe->svc && svc_take(s, m, &sc))
		return;
	s->t->head_req = m->method_len == 4 && memcmp(m->method, "HEAD", 4) == 0;
	s->t->cli_ver10 = m->version_minor == 0;
	for (int i = 0; !s->first_req && s->stk && i < STKT_MAX_SC; i++)
		if (s->stk[i].e)	/* tracked by the connection (first: at accept) */
			stkt_count_req(s->stk[i].t, s->stk[i].e);
	if (s->fe->tcp_content && !trule_exec(s->fe->tcp_content, &sc, 0)) {
		stream_tcp_reject(s);
		return;
	}
	if (s->fe->uid_fmt && stream_unique_id(s, &sc, &h) < 0) {
		stream_error(s, 500, TERM_PROXY, TERM_ST_REQ);
		return;
	}
	if (s->fe->http_req)
		v = hrule_exec(s->fe->http_req, &sc, &ro);
	if (stream_rules_verdict(s, v, &ro, 0, m))
		return;
	s->t->be = stream_pick_backend(s, &sc);
	if (!s->t->be) {
		stream_error(s, 503, TERM_PROXY, TERM_ST_REQ);
		return;
	}
	if (s->t->be != s->fe && s->t->be->tcp_content &&
	    !trule_exec(s->t->be->tcp_content, &sc, 0)) {
		stream_tcp_reject(s);
		return;
	}
	if (s->t->be != s->fe && s->t->be->http_req &&
	    stream_rules_verdict(s, hrule_exec(s->t->be->http_req, &sc, &ro), &ro, 0, m))
		return;
	if (s->t->be->ck) {
		s->t->ck_post = m->method_len == 4 && memcmp(m->method, "POST", 4) == 0;
		s->t->ck_get = (m->method_len == 3 && memcmp(m->method, "GET", 3) == 0) ||
			       s->t->head_req;
		if (ck_request(s, &h) < 0) {
			stream_error(s, 500, TERM_PROXY, TERM_ST_REQ);
			return;
		}
	}
	if (s->t->be->stick_rules) {
		stick_match(s->t->be, &sc);
		stick_prepare(s->t->be, &sc);
	}
	if (s->t->be->comp || s->fe->comp)
		comp_request(s, &h);
	if (s->first_req)
		CNT_ADD(s->t->be->be_cnt, cum_conn, 1);
	CNT_ADD(s->t->be->be_cnt, cum_req, 1);
	o.conn = stream_req_conn(s, m);
	o.start = hmsg_start_line(&h, &o.start_len);
	if (h.edited_start && !o.start) {
		stream_error(s, 500, TERM_PROXY, TERM_ST_REQ);
		return;
	}
	if ((s->fe->options | s->t->be->options) & PR_O_FORWARDFOR) {
		sockaddr_ip_port(&s->cli_addr.sa, xff, sizeof(xff));
		o.xff_name = s->t->be->fwdfor_hdr ? s->t->be->fwdfor_hdr :
			     s->fe->fwdfor_hdr ? s->fe->fwdfor_hdr : "X-Forwarded-For";
		o.xff_value = xff;
	}
	/* the key points into the head, which the rewrite moves: copy it */
	key = stream_hash_key(s, buf, m, &keylen);
	if (key) {
		if (keylen > sizeof(keybuf))
			keylen = sizeof(keybuf);
		memcpy(keybuf, key, keylen);
		key = keybuf;
	}
	len = hhead_build(buf, m, &o, s->w->scratch,
			  lbd.conf->global.bufsize + lbd.conf->global.maxrewrite);
	if (len < 0 || chn_replace_head(c, 0, (uint32_t)m->head_len, s->w->scratch,
					(uint32_t)len) < 0) {
		stream_error(s, 500, TERM_PROXY, TERM_ST_REQ);
		return;
	}
	c->fwd = (uint32_t)len;
	c->head_done = 1;
	if (m->flags & HTTP1_F_CHUNKED) {
		c->mode = BODY_CHUNKED;
		http1_chunk_init(&c->ck);
	} else if ((m->flags & HTTP1_F_HAS_CL) && m->content_length) {
		c->mode = BODY_LENGTH;
		c->left = m->content_length;
	} else {
		c->mode = BODY_NONE;
	}
	s->t->retryable = c->mode == BODY_NONE &&
		       http1_method_idempotent(m->method, m->method_len);
	if (chn_advance(c) < 0) {
		/* a bad chunk arriving with the head: the request as a whole
		 * is invalid, logged as HAProxy does (no backend, <BADREQ>) */
		s->t->be = NULL;
		free(s->t->reqline);
		s->t->reqline = NULL;
		CNT_ADD(s->fe->fe_cnt, failed_req, 1);
		stream_error(s, 400, TERM_PROXY, TERM_ST_REQ);
		return;
	}
	stream_assign_and_connect(s, key, keylen);
}

static void stream_parse_request(struct session *s)
{
	struct chn *c = &s->t->req;
	struct http1_hdr hdrs[LBD_MAX_HDRS];
	struct http1_msg m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.hdrs = hdrs;
	m.max_hdrs = lbd.conf->global.http_maxhdr < LBD_MAX_HDRS ?
		     lbd.conf->global.http_maxhdr : LBD_MAX_HDRS;
	if (c->b.data == 0) {
		if (c->eof) {
			/* nothing more will come. A keep-alive connection closed
			 * between requests is normal and not logged. */
			if (!s->first_req)
				s->t->logged = 1;
			else
				s->t->status = 400;	/* what HAProxy logs for it */
			session_close(s, s->first_req ? TERM_CLI_ABORT : 0,
				      s->first_req ? TERM_ST_REQ : 0);
		}
		return;
	}
	/* the first request's deadline runs from the accept; a keep-alive
	 * request's from its first byte, replacing http-keep-alive */
	if (!s->first_req && !s->t->rq_armed) {
		s->t->rq_armed = 1;
		s->exp_x = s->fe->to.http_request ?
			   s->t->t_rq_start + s->fe->to.http_request / 1000.0 : 0;
	}
	rc = http1_parse_request(c->b.area + c->b.head, c->b.data, &m);
	if (rc == 0) {
		if (c->eof) {
			stream_error(s, 400, TERM_CLI_ABORT, TERM_ST_REQ);
		} else if (c->b.data + lbd.conf->global.maxrewrite >= c->b.size) {
			CNT_ADD(s->fe->fe_cnt, failed_req, 1);
			errsnap_capture(s, 0, c->b.area + c->b.head, c->b.data,
					c->b.data, m.err_status == 414 ?
					"request line too long" : "headers too large");
			stream_error(s, m.err_status ? m.err_status : 400,
				     TERM_PROXY, TERM_ST_REQ);
		}
		return;
	}
	if (rc < 0) {
		CNT_ADD(s->fe->fe_cnt, failed_req, 1);
		log_debug("%s: invalid request from client: %s at offset %zu",
			  s->fe->id, m.err_msg ? m.err_msg : "?", m.err_pos);
		errsnap_capture(s, 0, c->b.area + c->b.head, c->b.data, m.err_pos,
				m.err_msg);
		stream_error(s, m.err_status ? m.err_status : 400, TERM_PROXY,
			     TERM_ST_REQ);
		return;
	}
	stream_http_request(s, &m);
}

void stream_req_data(struct session *s)
{
	struct chn *c = &s->t->req;

	if (s->state == SS_CLOSING || s->state == SS_TARPIT) {
		/* draining after an error, or held: discard */
		if (c->b.area) {
			c->b.data = 0;
			c->b.head = 0;
		}
		if (c->eof)
			session_close(s, s->state == SS_TARPIT ? TERM_CLI_ABORT : 0,
				      s->state == SS_TARPIT ? TERM_ST_TARPIT : 0);
		return;
	}
	if (s->http && !c->head_done) {
		if (s->state == SS_REQ_WAIT)
			stream_parse_request(s);
		return;
	}
	if (s->state == SS_SERVICE) {
		svc_req_data(s);
		return;
	}
	if (chn_advance(c) < 0) {
		/* a bad chunk later in the body: "PH" as HAProxy logs it */
		CNT_ADD(s->fe->fe_cnt, failed_req, 1);
		if (s->t->res.head_done)
			session_close(s, TERM_PROXY, TERM_ST_DATA);
		else
			stream_error(s, 400, TERM_PROXY, TERM_ST_HDR);
		return;
	}
	if (c->eof && !c->msg_done && c->mode != BODY_TUNNEL) {
		/* the client gave up in the middle of its request body */
		STREAM_BE_SRV_ADD(s, cli_aborts);
		session_close(s, TERM_CLI_ABORT, TERM_ST_DATA);
	}
}

/* ---- HTTP response ---- */

static enum hhead_conn stream_res_conn(struct session *s, const struct http1_msg *m)
{
	if ((m->flags & HTTP1_F_CONN_CLOSE) ||
	    (m->version_minor == 0 && !(m->flags & HTTP1_F_CONN_KA)))
		s->t->srv_close = 1;
	if (m->status == 101 && s->t->conn_upgrade)
		return HHEAD_CONN_UPGRADE;
	if (s->t->res.mode == BODY_CLOSE || !s->t->req.msg_done)
		s->cli_close = 1;
	if (s->cli_close)
		return HHEAD_CONN_CLOSE;
	return s->t->cli_ver10 ? HHEAD_CONN_KEEPALIVE : HHEAD_CONN_NONE;
}

/*
 * http-response rules, the backend's then the frontend's, on the response
 * head m; a rewritten status line goes to o. -1 when the response was
 * replaced (deny, failed rewrite): nothing more to do with it.
 */
static int stream_http_response_rules(struct session *s, struct http1_msg *m,
				      struct hhead_opts *o)
{
	struct proxy *be = s->t->be, *fe = s->fe;
	struct hmsg h;
	struct smp_ctx sc = { .s = s, .res = &h, .a = &s->w->arena };
	struct hrule_out ro = { 0 };
	enum hrule_verdict v = HRULE_CONTINUE;

	if (!be->http_res && !fe->http_res && !fe->caps && !be->ck && !s->t->comp_algo &&
	    !be->tcp_res)
		return 0;
	arena_reset(&s->w->arena);
	hmsg_init(&h, m, LBD_MAX_HDRS, &s->w->arena, 1);
	if (be->tcp_res) {
		int tr = trule_exec(be->tcp_res, &sc, 0);

		if (tr == 0) {		/* reject: the client gets nothing */
			CNT_ADD(be->be_cnt, denied_resp, 1);
			session_close(s, TERM_PROXY, TERM_ST_HDR);
			return -1;
		}
		if (tr == 2)
			s->t->srv_close = 1;
	}
	if (fe->caps)
		cap_headers(s, &h, 1);
	if (be->ck && ck_response(s, &h) < 0) {
		stream_error(s, 502, TERM_PROXY, TERM_ST_HDR);
		return -1;
	}
	/* "allow" ends its own proxy's list only, as in HAProxy */
	if (be->http_res)
		v = hrule_exec(be->http_res, &sc, &ro);
	if (stream_rules_verdict(s, v, &ro, 1, NULL))
		return -1;
	if (fe != be && fe->http_res &&
	    stream_rules_verdict(s, hrule_exec(fe->http_res, &sc, &ro), &ro, 1, NULL))
		return -1;
	if (s->t->comp_algo && comp_response(s, &h) < 0) {
		stream_error(s, 502, TERM_PROXY, TERM_ST_HDR);
		return -1;
	}
	o->start = hmsg_start_line(&h, &o->start_len);
	if (h.edited_start && !o->start) {
		stream_error(s, 502, TERM_PROXY, TERM_ST_HDR);
		return -1;
	}
	if (h.edited_start)
		s->t->status = h.status;
	return 0;
}

static void stream_http_response(struct session *s, struct http1_msg *m)
{
	struct chn *c = &s->t->res;
	uint32_t off = c->fwd;
	const char *buf = c->b.area + c->b.head + off;
	struct hhead_opts o = { 0 };
	int len;

	s->t->log_bytes += hhead_log_size(buf, m);
	if (m->status < 200 && m->status != 101) {
		/* interim response: forward as is, parse what follows */
		c->fwd += (uint32_t)m->head_len;
		return;
	}
	observe_report(s->t->srv, OBS_HTTP_STATUS, m->status);
	if (stream_l7_retry(s, stream_status_retry_flag(m->status)))
		return;
	session_req_release_kept(s);	/* the answer is final: no retry now */
	s->t->status = m->status;
	s->t->t_res = now_of(s);
	{
		unsigned k = m->status / 100 <= 5 ? (unsigned)m->status / 100 : 0;

		CNT_ADD(s->t->be->be_cnt, http_rsp[k], 1);
		if (s->t->srv)
			CNT_ADD(s->t->srv->cnt, http_rsp[k], 1);
	}
	if (m->status == 101 && s->t->conn_upgrade)
		c->mode = BODY_TUNNEL;
	else if (s->t->head_req || m->status == 204 || m->status == 304)
		c->mode = BODY_NONE;
	else if (m->flags & HTTP1_F_CHUNKED) {
		c->mode = BODY_CHUNKED;
		http1_chunk_init(&c->ck);
	} else if (m->flags & HTTP1_F_HAS_CL) {
		c->mode = m->content_length ? BODY_LENGTH : BODY_NONE;
		c->left = m->content_length;
	} else
		c->mode = BODY_CLOSE;
	if (stream_http_response_rules(s, m, &o) < 0)
		return;
	o.conn = stream_res_conn(s, m);
	len = hhead_build(buf, m, &o, s->w->scratch,
			  lbd.conf->global.bufsize + lbd.conf->global.maxrewrite);
	if (len < 0 || chn_replace_head(c, off, (uint32_t)m->head_len,
					s->w->scratch, (uint32_t)len) < 0) {
		stream_error(s, 502, TERM_PROXY, TERM_ST_HDR);
		return;
	}
	c->fwd += (uint32_t)len;
	c->head_done = 1;
	if (c->mode == BODY_TUNNEL) {
		s->t->req.mode = BODY_TUNNEL;
		s->t->req.msg_done = 0;
		chn_advance(&s->t->req);
	}
}

/*
 * The server failed the request before its response head (why: a
 * PR_RETRY_* condition). When the request can be replayed (idempotent, no
 * body, its bytes kept) it is sent again on a new connection, elsewhere
 * when a redispatch is due: at once and without counting a retry when a
 * reused idle connection turned out closed (lbd's own reuse must never
 * cost a request), else as "retry-on" and "retries" allow. Returns 1 when
 * the request is on its way again.
 */
static int stream_l7_retry(struct session *s, unsigned why)
{
	struct txn *t = s->t;
	struct proxy *be = t->be;
	int free_retry = t->reused && why == PR_RETRY_EMPTY_RESPONSE;

	if (!s->http || !t->retryable || t->res.head_done)
		return 0;
	if (!free_retry) {
		if (!(be->retry_on & why) || t->conn_retries >= be->retries)
			return 0;
		t->conn_retries++;
		CNT_ADD(be->be_cnt, retries, 1);
		if (s->t->srv)
			CNT_ADD(s->t->srv->cnt, retries, 1);
	}
	t->req.fwd += t->req.keep;	/* the whole request, from the start */
	t->req.keep = 0;
	backend_conn_release(s, 0);
	t->srv_connected = 0;
	t->reused = 0;
	t->no_reuse = 1;
	chn_reset(&t->res);
	t->res.eof = 0;
	t->res.b.data = 0;
	t->res.b.head = 0;
	t->res_started = 0;
	t->log_bytes = 0;
	if (!free_retry && stream_redispatch_now(s))
		stream_redispatch(s);
	else
		stream_connect(s);
	return 1;
}

static void stream_parse_response(struct session *s)
{
	struct chn *c = &s->t->res;
	struct http1_hdr hdrs[LBD_MAX_HDRS];
	struct http1_msg m;
	int rc;

	while (!c->head_done && c->b.data > c->fwd) {
		memset(&m, 0, sizeof(m));
		m.hdrs = hdrs;
		m.max_hdrs = LBD_MAX_HDRS;
		rc = http1_parse_response(c->b.area + c->b.head + c->fwd,
					  c->b.data - c->fwd, &m);
		if (rc == 0) {
			if (c->b.data + lbd.conf->global.maxrewrite >= c->b.size) {
				STREAM_BE_SRV_ADD(s, failed_resp);
				stream_error(s, 502, TERM_PROXY, TERM_ST_HDR);
			}
			return;
		}
		if (rc < 0) {
			observe_report(s->t->srv, OBS_HTTP_INVALID, 0);
			if (stream_l7_retry(s, PR_RETRY_JUNK_RESPONSE))
				return;
			STREAM_BE_SRV_ADD(s, failed_resp);
			log_debug("%s: invalid response from server: %s", s->t->be->id,
				  m.err_msg ? m.err_msg : "?");
			errsnap_capture(s, 1, c->b.area + c->b.head + c->fwd,
					c->b.data - c->fwd, m.err_pos, m.err_msg);
			stream_error(s, 502, TERM_PROXY, TERM_ST_HDR);
			return;
		}
		stream_http_response(s, &m);
		if (s->freeing || s->state == SS_CLOSING)
			return;
	}
}

/* The body bytes chn_advance just released, [before, fwd), replaced by
 * their compressed chunks (the last chunk once the message is done). */
static int stream_compress(struct session *s, struct chn *c, uint32_t before, int was_done)
{
	uint32_t off = c->keep + before, len = c->fwd - before;
	long n;

	if (!len && (!c->msg_done || was_done))
		return 0;
	n = comp_body(s->t->comp, c->b.area + c->b.head + off, len, c->mode == BODY_CHUNKED,
		      c->msg_done, s->w->scratch,
		      lbd.conf->global.bufsize + lbd.conf->global.maxrewrite);
	if (n < 0 || chn_replace_head(c, off, len, s->w->scratch, (uint32_t)n) < 0)
		return -1;
	c->fwd = before + (uint32_t)n;
	return 0;
}

void stream_res_data(struct session *s)
{
	struct chn *c = &s->t->res;
	uint32_t before;
	int was_done;

	if (s->http && !c->head_done) {
		stream_parse_response(s);
		if (s->freeing || s->state == SS_CLOSING)
			return;
		if (!c->head_done) {
			if (c->eof) {
				if (!s->t->reused)	/* not the server's fault */
					observe_report(s->t->srv, OBS_HTTP_ABORT, 0);
				if (stream_l7_retry(s, c->b.data ? PR_RETRY_JUNK_RESPONSE :
						    PR_RETRY_EMPTY_RESPONSE))
					return;
				STREAM_BE_SRV_ADD(s, failed_resp);
				stream_error(s, 502, TERM_SRV_ABORT, TERM_ST_HDR);
			}
			return;
		}
	}
	before = c->fwd;
	was_done = c->msg_done;
	if (chn_advance(c) < 0) {
		STREAM_BE_SRV_ADD(s, failed_resp);
		session_close(s, TERM_SRV_ABORT, TERM_ST_DATA);
		return;
	}
	if (s->t->comp && stream_compress(s, c, before, was_done) < 0) {
		session_close(s, TERM_PROXY, TERM_ST_DATA);
		return;
	}
	if (c->eof && !c->msg_done && c->mode != BODY_TUNNEL) {
		/* truncated response: the client sees the connection close */
		STREAM_BE_SRV_ADD(s, srv_aborts);
		s->cli_close = 1;
		s->t->srv_close = 1;
		s->t->term[0] = TERM_SRV_ABORT;
		s->t->term[1] = TERM_ST_DATA;
		if (c->fwd == 0 && c->pdata == 0)
			session_close(s, 0, 0);
		else
			c->msg_done = 1;	/* flush what came, then close */
	}
}

/* ---- errors and timeouts ---- */

void stream_cli_error(struct session *s)
{
	STREAM_BE_SRV_ADD(s, cli_aborts);
	session_close(s, TERM_CLI_ABORT,
		      s->state == SS_REQ_WAIT ? TERM_ST_REQ :
		      s->state == SS_QUEUED ? TERM_ST_QUEUE :
		      (s->state == SS_CONNECTING || s->state == SS_RETRY_WAIT) ?
		      TERM_ST_CONN : TERM_ST_DATA);
}

void stream_srv_error(struct session *s)
{
	if (s->http && !s->t->res.head_done && !s->t->reused)
		observe_report(s->t->srv, OBS_HTTP_ABORT, 0);
	if (stream_l7_retry(s, s->t->res.b.data ? PR_RETRY_JUNK_RESPONSE :
			    PR_RETRY_EMPTY_RESPONSE))
		return;
	if (s->http && !s->t->res.head_done) {
		STREAM_BE_SRV_ADD(s, failed_resp);
		stream_error(s, 502, TERM_SRV_ABORT, TERM_ST_HDR);
		return;
	}
	STREAM_BE_SRV_ADD(s, srv_aborts);
	session_close(s, TERM_SRV_ABORT, TERM_ST_DATA);
}

void stream_phase_timeout(struct session *s)
{
	switch (s->state) {
	case SS_REQ_WAIT:
		if ((!s->t || s->t->req.b.data == 0) && !s->first_req) {
			/* keep-alive timeout: nothing to log */
			if (s->t)
				s->t->logged = 1;
			session_close(s, 0, 0);
			return;
		}
		CNT_ADD(s->fe->fe_cnt, failed_req, 1);
		stream_error(s, 408, TERM_CLI_TO, TERM_ST_REQ);
		return;
	case SS_QUEUED:
		stream_error(s, 503, TERM_SRV_TO, TERM_ST_QUEUE);
		return;
	case SS_CONNECTING:
		stream_connect_retry(s, 0);
		if (!s->freeing && s->t->term[0] == TERM_SRV_ABORT)
			s->t->term[0] = TERM_SRV_TO;
		return;
	case SS_RETRY_WAIT:
		stream_connect(s);
		return;
	case SS_CLOSING:
		session_close(s, 0, 0);
		return;
	case SS_TARPIT:
		stream_error(s, s->t->tarpit_status, TERM_PROXY, TERM_ST_TARPIT);
		return;
	default:
		return;
	}
}

void stream_side_timeout(struct session *s, int is_cli)
{
	if (is_cli) {
		if (s->http && s->state == SS_REQ_WAIT && !s->first_req &&
		    (!s->t || s->t->req.b.data == 0)) {
			/* an idle keep-alive client: close without a word */
			if (s->t)
				s->t->logged = 1;
			session_close(s, 0, 0);
			return;
		}
		if (s->http && s->state == SS_REQ_WAIT) {
			stream_error(s, 408, TERM_CLI_TO, TERM_ST_REQ);
			return;
		}
		session_close(s, TERM_CLI_TO, TERM_ST_DATA);
		return;
	}
	if (s->http && !s->t->res.head_done) {
		observe_report(s->t->srv, OBS_HTTP_TIMEOUT, 0);
		if (stream_l7_retry(s, PR_RETRY_RESP_TIMEOUT))
			return;
		stream_error(s, 504, TERM_SRV_TO, TERM_ST_HDR);
		return;
	}
	session_close(s, TERM_SRV_TO, TERM_ST_DATA);
}

uint32_t stream_cli_timeout(const struct session *s)
{
	const struct pr_timeouts *t = &s->fe->to;

	if (!s->t)
		return t->client;
	if ((s->t->req.shut_sent || s->t->res.shut_sent) && t->client_fin)
		return t->client_fin;
	if (!s->http && s->t->srv_connected && s->t->be && s->t->be->to.tunnel)
		return s->t->be->to.tunnel;
	if (s->http && s->t->res.mode == BODY_TUNNEL && s->t->be && s->t->be->to.tunnel)
		return s->t->be->to.tunnel;
	return t->client;
}

uint32_t stream_srv_timeout(const struct session *s)
{
	const struct pr_timeouts *t = &s->t->be->to;

	if ((s->t->req.shut_sent || s->t->res.shut_sent) && t->server_fin)
		return t->server_fin;
	if ((!s->http || s->t->res.mode == BODY_TUNNEL) && t->tunnel)
		return t->tunnel;
	return t->server;
}

int stream_want_cli_read(struct session *s)
{
	struct chn *c;
	uint32_t reserve;

	if (!s->t)	/* idle keep-alive: wait for the next request */
		return s->cli_eof ? 0 : STREAM_READ_TIMED;
	c = &s->t->req;
	/* a head still to parse (this one or a pipelined next one) needs
	 * room for its rewrite */
	reserve = (s->http && (!c->head_done || c->msg_done)) ?
		  lbd.conf->global.maxrewrite : 0;

	if (s->state == SS_CLOSING)	/* drain after the error page: no RST */
		return !c->eof && s->t->res.fwd == 0 ? STREAM_READ_TIMED : 0;
	if (s->state == SS_TARPIT)	/* read to see the client leave */
		return c->eof ? 0 : STREAM_READ_AHEAD;	/* the tarpit timer rules */
	if (c->eof || c->pdata >= CHN_PIPE_CAP)
		return 0;
	if (c->b.area && c->b.size - c->b.data <= reserve)
		return 0;
	/* the request, its body, or a tunnel: the client must act, so its
	 * timeout runs */
	if (s->state == SS_REQ_WAIT || c->mode == BODY_TUNNEL ||
	    (c->head_done && !c->msg_done))
		return STREAM_READ_TIMED;
	/* otherwise read ahead (pipelined requests, an early EOF) without a
	 * timeout; keeping the watcher on also spares an epoll_ctl per
	 * request */
	return STREAM_READ_AHEAD;
}

int stream_want_srv_read(struct session *s)
{
	struct chn *c = &s->t->res;

	uint32_t reserve = (s->http && !c->head_done) ? lbd.conf->global.maxrewrite : 0;

	if (!s->t->srv_connected || c->eof || c->msg_done || c->pdata >= CHN_PIPE_CAP)
		return 0;
	return !c->b.area || c->b.size - c->b.data > reserve;
}

int stream_should_log(const struct session *s)
{
	if ((s->fe->options & PR_O_DONTLOGNULL) && s->t->bytes_in == 0)
		return 0;
	return 1;
}

/* ---- progress: end of transactions, half-close, closing ---- */

/* Every byte for the client is in the kernel: TLS records gathered in
 * this pass are sent now (tls.c), the socket may still refuse some. */
static int stream_cli_sent(struct session *s)
{
	return tls_wflush(&s->cli) == 0;
}

static int stream_tunnel_progress(struct session *s)
{
	struct chn *q = &s->t->req, *r = &s->t->res;

	if (!s->t->srv_connected)
		return 0;
	if (q->eof && q->fwd == 0 && q->pdata == 0 && !q->shut_sent) {
		sock_shutw(&s->t->sc->sk);
		q->shut_sent = 1;
		s->exp_c = s->exp_s = 0;	/* restart with the fin timeouts */
	}
	if (r->eof && r->fwd == 0 && r->pdata == 0 && !r->shut_sent) {
		sock_shutw(&s->cli);
		r->shut_sent = 1;
		s->exp_c = s->exp_s = 0;
	}
	if (q->shut_sent && r->shut_sent && stream_cli_sent(s)) {
		session_close(s, 0, 0);
		return -1;
	}
	return 0;
}

int stream_txn_complete(const struct session *s)
{
	const struct txn *t = s->t;

	return t && s->state == SS_FORWARD && t->req.msg_done && t->res.msg_done &&
	       t->res.fwd == 0 && t->req.fwd == 0 && t->res.pdata == 0 && t->req.pdata == 0;
}

int stream_progress(struct session *s)
{
	if (!s->t)
		return 0;
	if (s->state == SS_CLOSING) {
		if (s->t->res.fwd == 0 && !s->t->res.shut_sent) {
			sock_shutw(&s->cli);
			s->t->res.shut_sent = 1;
		}
		if (s->t->req.eof && stream_cli_sent(s)) {
			session_close(s, 0, 0);
			return -1;
		}
		return 0;
	}
	if (s->state == SS_SERVICE && svc_progress(s) < 0)
		return -1;
	if (!s->http || s->t->res.mode == BODY_TUNNEL)
		return stream_tunnel_progress(s);
	if (stream_txn_complete(s) && stream_cli_sent(s)) {
		stream_txn_end(s);
		return s->freeing ? -1 : 0;
	}
	return 0;
}

/* Back to waiting for a request; the transaction is gone, so an idle
 * keep-alive connection holds nothing but its session. */
static void stream_txn_reset(struct session *s)
{
	ev_tstamp now = now_of(s);

	session_txn_free(s);
	s->state = SS_REQ_WAIT;
	s->first_req = 0;
	s->t_idle = now;
	s->exp_x = s->fe->to.http_keep_alive ?
		   now + s->fe->to.http_keep_alive / 1000.0 : 0;
	s->exp_s = 0;
	if (!s->pending.data)
		return;
	/* a pipelined request is already here */
	if (session_txn_new(s) < 0) {
		session_close(s, TERM_RESOURCE, TERM_ST_REQ);
		return;
	}
	s->t->t_rq_start = now;
	stream_parse_request(s);
}

static void stream_txn_end(struct session *s)
{
	int reuse = !s->t->srv_close && s->t->res.mode != BODY_CLOSE && !s->t->res.eof &&
		    s->t->res.b.data == 0 && s->t->req.msg_done;

	s->t->t_end = now_of(s);
	backend_release(s);
	stream_txn_done(s);
	if (s->t->sc)
		backend_conn_release(s, reuse);
	s->t->srv_connected = 0;
	if (s->cli_close || (s->t->req.eof && s->t->req.b.data == 0)) {
		session_close(s, 0, 0);
		return;
	}
	stream_txn_reset(s);
}
