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
#include "http1.h"
#include "http_head.h"
#include "log.h"
#include "proxy.h"
#include "sess_log.h"
#include "session.h"
#include "stream.h"
#include "worker.h"

#define LINGER_TIME	1.0	/* seconds to drain a client after an error */
#define LBD_MAX_HDRS	1024	/* upper bound of tune.http.maxhdr */

static void stream_txn_end(struct session *s);
static void stream_connect_retry(struct session *s, int pause);
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
	const struct errorfile *e = errors_get(s->be ? s->be : s->fe, s->fe, status);

	if (s->freeing)
		return;
	if (s->term[0] == TERM_CAUSE_NONE)
		s->term[0] = cause;
	if (s->term[1] == TERM_ST_NONE)
		s->term[1] = state;
	s->status = status;
	backend_unqueue(s);
	backend_release(s);
	if (s->sc)
		backend_conn_release(s, 0);
	if (!s->http) {
		session_close(s, 0, 0);
		return;
	}
	CNT_ADD(s->fe->fe_cnt.http_rsp[status / 100], 1);
	chn_reset(&s->res);
	s->res.b.data = 0;
	s->res.b.head = 0;
	if (buf_get(s->w->bufs, &s->res.b) < 0) {
		session_close(s, 0, 0);
		return;
	}
	{
		uint32_t n = e->len < s->res.b.size ? (uint32_t)e->len : s->res.b.size;

		memcpy(s->res.b.area, e->data, n);
		s->res.b.data = n;
		s->res.fwd = n;
	}
	s->res.msg_done = 1;
	s->res.head_done = 1;
	/* what the client sent is not needed any more: drop it so reading
	 * can go on until its close (no RST under the error page) */
	s->req.b.data = 0;
	s->req.b.head = 0;
	s->req.fwd = s->req.keep = 0;
	s->bytes_out += s->res.fwd;
	/* HAProxy counts its pages like responses, except those answering a
	 * request it could not parse (0) */
	s->log_bytes = state == TERM_ST_REQ ? 0 : hhead_log_size_page(e->data, e->len);
	s->err_sent = 1;
	s->cli_close = 1;
	s->state = SS_CLOSING;
	s->exp_x = now_of(s) + LINGER_TIME + (s->fe->to.client ? s->fe->to.client / 1000.0 : 5.0);
}

/* ---- TCP mode ---- */

static struct proxy *stream_pick_backend(struct session *s)
{
	struct proxy *fe = s->fe;

	if (fe->use_be)
		return fe->use_be->be;
	return fe->defbe;
}

int stream_start_tcp(struct session *s)
{
	s->be = stream_pick_backend(s);
	if (!s->be) {
		session_close(s, TERM_PROXY, TERM_ST_REQ);
		return -1;
	}
	CNT_ADD(s->be->be_cnt.cum_conn, 1);
	if (s->be->lb.algo == LB_SOURCE) {
		const struct sockaddr_storage *a = &s->cli_addr;

		if (a->ss_family == AF_INET)
			return stream_assign_and_connect(s,
				&((const struct sockaddr_in *)a)->sin_addr, 4);
		return stream_assign_and_connect(s,
			&((const struct sockaddr_in6 *)a)->sin6_addr, 16);
	}
	return stream_assign_and_connect(s, NULL, 0);
}

/* ---- connecting ---- */

static int stream_connect(struct session *s)
{
	int rc;

	if (s->t_conn_start == 0)
		s->t_conn_start = now_of(s);
	rc = backend_connect(s);

	if (rc < 0) {
		stream_connect_failed(s);
		return s->freeing ? -1 : 0;
	}
	if (rc == 1) {
		s->state = SS_CONNECTING;
		s->exp_x = s->be->to.connect ? now_of(s) + s->be->to.connect / 1000.0 : 0;
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
		s->t_queue = now_of(s);
		s->exp_x = s->be->to.queue ? now_of(s) + s->be->to.queue / 1000.0 : 0;
		return 0;
	}
	return stream_connect(s);
}

void stream_wakeup(struct session *s)
{
	if (s->state != SS_QUEUED || !s->srv)
		return;
	s->exp_x = 0;
	stream_connect(s);
}

void stream_connected(struct session *s)
{
	s->srv_connected = 1;
	s->state = SS_FORWARD;
	s->exp_x = 0;
	s->exp_c = s->exp_s = 0;	/* tunnel timeouts may apply from now */
	s->t_connect = now_of(s);
}

void stream_connect_failed(struct session *s)
{
	stream_connect_retry(s, 1);
}

/* A connect failed (refused: pause before the retry) or timed out (retry
 * at once, the time is already spent), as HAProxy does. */
static void stream_connect_retry(struct session *s, int pause)
{
	struct proxy *be = s->be;

	backend_conn_failed(s);
	if (s->sc)
		backend_conn_release(s, 0);
	s->srv_connected = 0;
	if (s->conn_retries < be->retries) {
		s->conn_retries++;
		CNT_ADD(be->be_cnt.retries, 1);
		/* the last retry goes elsewhere with option redispatch */
		if ((be->options & PR_O_REDISPATCH) && s->conn_retries == be->retries &&
		    be->nservers > 1) {
			s->prev_srv = s->srv;
			backend_release(s);
			s->redispatched = 1;
			CNT_ADD(be->be_cnt.redispatches, 1);
			stream_assign_and_connect(s, NULL, 0);
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
	const struct sockaddr_storage *a = &s->cli_addr;
	const struct proxy *be = s->be;

	switch (be->lb.algo) {
	case LB_SOURCE:
		if (a->ss_family == AF_INET) {
			*len = 4;
			return &((const struct sockaddr_in *)a)->sin_addr;
		}
		*len = 16;
		return &((const struct sockaddr_in6 *)a)->sin6_addr;
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
	free(s->reqline);
	s->reqline = malloc(len + 1);
	if (!s->reqline) {
		s->reqline_len = 0;
		return;
	}
	memcpy(s->reqline, buf + off, len);
	s->reqline[len] = '\0';
	s->reqline_len = (unsigned)len;
}

static void stream_addr_str(const struct sockaddr_storage *a, char *out, size_t len)
{
	if (a->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)a)->sin6_addr, out,
			  (socklen_t)len);
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)a)->sin_addr, out,
			  (socklen_t)len);
}

/* Decide the connection semantics of the request. */
static enum hhead_conn stream_req_conn(struct session *s, const struct http1_msg *m)
{
	enum pr_http_conn mode = s->fe->http_conn;

	if (s->be && s->be->http_conn > mode)
		mode = s->be->http_conn;
	if ((m->flags & HTTP1_F_CONN_CLOSE) ||
	    (m->version_minor == 0 && !(m->flags & HTTP1_F_CONN_KA)) ||
	    mode == PR_HTTP_CLO)
		s->cli_close = 1;
	s->srv_close = mode != PR_HTTP_KAL;
	if ((m->flags & HTTP1_F_CONN_UPGRADE) && http1_hdr_find(m, "upgrade", &(size_t){0})) {
		s->conn_upgrade = 1;
		return HHEAD_CONN_UPGRADE;
	}
	if (s->srv_close)
		return HHEAD_CONN_CLOSE;
	return m->version_minor == 0 ? HHEAD_CONN_KEEPALIVE : HHEAD_CONN_NONE;
}

static void stream_http_request(struct session *s, struct http1_msg *m)
{
	struct chn *c = &s->req;
	const char *buf = c->b.area + c->b.head;
	struct hhead_opts o = { 0 };
	char xff[INET6_ADDRSTRLEN], keybuf[256];
	const void *key;
	size_t keylen = 0;
	int len;

	s->t_req = now_of(s);
	gettimeofday(&s->req_tv, NULL);
	CNT_ADD(s->fe->fe_cnt.cum_req, 1);
	stream_save_reqline(s, buf, m);
	s->head_req = m->method_len == 4 && memcmp(m->method, "HEAD", 4) == 0;
	s->cli_ver10 = m->version_minor == 0;
	s->be = stream_pick_backend(s);
	if (!s->be) {
		stream_error(s, 503, TERM_PROXY, TERM_ST_REQ);
		return;
	}
	if (s->first_req)
		CNT_ADD(s->be->be_cnt.cum_conn, 1);
	CNT_ADD(s->be->be_cnt.cum_req, 1);
	o.conn = stream_req_conn(s, m);
	if ((s->fe->options | s->be->options) & PR_O_FORWARDFOR) {
		stream_addr_str(&s->cli_addr, xff, sizeof(xff));
		o.xff_name = s->be->fwdfor_hdr ? s->be->fwdfor_hdr :
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
	s->retryable = c->mode == BODY_NONE &&
		       http1_method_idempotent(m->method, m->method_len);
	if (chn_advance(c) < 0) {
		/* a bad chunk arriving with the head: the request as a whole
		 * is invalid, logged as HAProxy does (no backend, <BADREQ>) */
		s->be = NULL;
		free(s->reqline);
		s->reqline = NULL;
		CNT_ADD(s->fe->fe_cnt.failed_req, 1);
		stream_error(s, 400, TERM_PROXY, TERM_ST_REQ);
		return;
	}
	stream_assign_and_connect(s, key, keylen);
}

static void stream_parse_request(struct session *s)
{
	struct chn *c = &s->req;
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
				s->logged = 1;
			else
				s->status = 400;	/* what HAProxy logs for it */
			session_close(s, s->first_req ? TERM_CLI_ABORT : 0,
				      s->first_req ? TERM_ST_REQ : 0);
		}
		return;
	}
	/* the first request's deadline runs from the accept; a keep-alive
	 * request's from its first byte, replacing http-keep-alive */
	if (!s->first_req && !s->rq_armed) {
		s->rq_armed = 1;
		s->exp_x = s->fe->to.http_request ?
			   s->t_rq_start + s->fe->to.http_request / 1000.0 : 0;
	}
	rc = http1_parse_request(c->b.area + c->b.head, c->b.data, &m);
	if (rc == 0) {
		if (c->eof) {
			stream_error(s, 400, TERM_CLI_ABORT, TERM_ST_REQ);
		} else if (c->b.data + lbd.conf->global.maxrewrite >= c->b.size) {
			CNT_ADD(s->fe->fe_cnt.failed_req, 1);
			stream_error(s, m.err_status ? m.err_status : 400,
				     TERM_PROXY, TERM_ST_REQ);
		}
		return;
	}
	if (rc < 0) {
		CNT_ADD(s->fe->fe_cnt.failed_req, 1);
		log_debug("%s: invalid request from client: %s at offset %zu",
			  s->fe->id, m.err_msg ? m.err_msg : "?", m.err_pos);
		stream_error(s, m.err_status ? m.err_status : 400, TERM_PROXY,
			     TERM_ST_REQ);
		return;
	}
	stream_http_request(s, &m);
}

void stream_req_data(struct session *s)
{
	struct chn *c = &s->req;

	if (s->state == SS_CLOSING) {
		/* draining after an error: discard */
		if (c->b.area) {
			c->b.data = 0;
			c->b.head = 0;
		}
		if (c->eof)
			session_close(s, 0, 0);
		return;
	}
	if (s->http && !c->head_done) {
		if (s->state == SS_REQ_WAIT)
			stream_parse_request(s);
		return;
	}
	if (chn_advance(c) < 0) {
		/* a bad chunk later in the body: "PH" as HAProxy logs it */
		CNT_ADD(s->fe->fe_cnt.failed_req, 1);
		if (s->res.head_done)
			session_close(s, TERM_PROXY, TERM_ST_DATA);
		else
			stream_error(s, 400, TERM_PROXY, TERM_ST_HDR);
		return;
	}
	if (c->eof && !c->msg_done && c->mode != BODY_TUNNEL) {
		/* the client gave up in the middle of its request body */
		CNT_ADD(s->fe->fe_cnt.cli_aborts, 1);
		session_close(s, TERM_CLI_ABORT, TERM_ST_DATA);
	}
}

/* ---- HTTP response ---- */

static enum hhead_conn stream_res_conn(struct session *s, const struct http1_msg *m)
{
	if ((m->flags & HTTP1_F_CONN_CLOSE) ||
	    (m->version_minor == 0 && !(m->flags & HTTP1_F_CONN_KA)))
		s->srv_close = 1;
	if (m->status == 101 && s->conn_upgrade)
		return HHEAD_CONN_UPGRADE;
	if (s->res.mode == BODY_CLOSE || !s->req.msg_done)
		s->cli_close = 1;
	if (s->cli_close)
		return HHEAD_CONN_CLOSE;
	return s->cli_ver10 ? HHEAD_CONN_KEEPALIVE : HHEAD_CONN_NONE;
}

static void stream_http_response(struct session *s, struct http1_msg *m)
{
	struct chn *c = &s->res;
	uint32_t off = c->fwd;
	const char *buf = c->b.area + c->b.head + off;
	struct hhead_opts o = { 0 };
	int len;

	s->log_bytes += hhead_log_size(buf, m);
	if (m->status < 200 && m->status != 101) {
		/* interim response: forward as is, parse what follows */
		c->fwd += (uint32_t)m->head_len;
		return;
	}
	s->status = m->status;
	s->t_res = now_of(s);
	CNT_ADD(s->be->be_cnt.http_rsp[m->status / 100 <= 5 ? m->status / 100 : 0], 1);
	CNT_ADD(s->fe->fe_cnt.http_rsp[m->status / 100 <= 5 ? m->status / 100 : 0], 1);
	if (m->status == 101 && s->conn_upgrade)
		c->mode = BODY_TUNNEL;
	else if (s->head_req || m->status == 204 || m->status == 304)
		c->mode = BODY_NONE;
	else if (m->flags & HTTP1_F_CHUNKED) {
		c->mode = BODY_CHUNKED;
		http1_chunk_init(&c->ck);
	} else if (m->flags & HTTP1_F_HAS_CL) {
		c->mode = m->content_length ? BODY_LENGTH : BODY_NONE;
		c->left = m->content_length;
	} else
		c->mode = BODY_CLOSE;
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
		s->req.mode = BODY_TUNNEL;
		s->req.msg_done = 0;
		chn_advance(&s->req);
	}
}

static void stream_retry_fresh(struct session *s)
{
	/* the reused connection died before answering: send the request
	 * again on a new one, it was kept for that */
	s->req.fwd += s->req.keep;
	s->req.keep = 0;
	s->req.eof = 0;
	backend_conn_release(s, 0);
	s->srv_connected = 0;
	s->reused = 0;
	s->res.eof = 0;
	s->res.b.data = 0;
	s->res.b.head = 0;
	s->retryable = 0;
	s->first_req = 0;
	stream_connect(s);
}

static void stream_parse_response(struct session *s)
{
	struct chn *c = &s->res;
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
				CNT_ADD(s->be->be_cnt.failed_resp, 1);
				stream_error(s, 502, TERM_PROXY, TERM_ST_HDR);
			}
			return;
		}
		if (rc < 0) {
			CNT_ADD(s->be->be_cnt.failed_resp, 1);
			log_debug("%s: invalid response from server: %s", s->be->id,
				  m.err_msg ? m.err_msg : "?");
			stream_error(s, 502, TERM_PROXY, TERM_ST_HDR);
			return;
		}
		stream_http_response(s, &m);
		if (s->freeing || s->state == SS_CLOSING)
			return;
	}
}

void stream_res_data(struct session *s)
{
	struct chn *c = &s->res;

	if (s->http && !c->head_done) {
		stream_parse_response(s);
		if (s->freeing || s->state == SS_CLOSING)
			return;
		if (!c->head_done) {
			if (c->eof) {
				if (c->b.data == 0 && s->reused && s->req.keep) {
					stream_retry_fresh(s);
					return;
				}
				CNT_ADD(s->be->be_cnt.failed_resp, 1);
				stream_error(s, 502, TERM_SRV_ABORT, TERM_ST_HDR);
			}
			return;
		}
	}
	if (chn_advance(c) < 0) {
		CNT_ADD(s->be->be_cnt.failed_resp, 1);
		session_close(s, TERM_SRV_ABORT, TERM_ST_DATA);
		return;
	}
	if (c->eof && !c->msg_done && c->mode != BODY_TUNNEL) {
		/* truncated response: the client sees the connection close */
		CNT_ADD(s->be->be_cnt.srv_aborts, 1);
		s->cli_close = 1;
		s->srv_close = 1;
		s->term[0] = TERM_SRV_ABORT;
		s->term[1] = TERM_ST_DATA;
		if (c->fwd == 0)
			session_close(s, 0, 0);
		else
			c->msg_done = 1;	/* flush what came, then close */
	}
}

/* ---- errors and timeouts ---- */

void stream_cli_error(struct session *s)
{
	CNT_ADD(s->fe->fe_cnt.cli_aborts, 1);
	session_close(s, TERM_CLI_ABORT,
		      s->state == SS_REQ_WAIT ? TERM_ST_REQ :
		      s->state == SS_QUEUED ? TERM_ST_QUEUE :
		      (s->state == SS_CONNECTING || s->state == SS_RETRY_WAIT) ?
		      TERM_ST_CONN : TERM_ST_DATA);
}

void stream_srv_error(struct session *s)
{
	if (!s->res_started && s->reused && s->req.keep) {
		stream_retry_fresh(s);
		return;
	}
	if (s->http && !s->res.head_done) {
		CNT_ADD(s->be->be_cnt.failed_resp, 1);
		stream_error(s, 502, TERM_SRV_ABORT, TERM_ST_HDR);
		return;
	}
	CNT_ADD(s->be->be_cnt.srv_aborts, 1);
	session_close(s, TERM_SRV_ABORT, TERM_ST_DATA);
}

void stream_phase_timeout(struct session *s)
{
	switch (s->state) {
	case SS_REQ_WAIT:
		if (s->req.b.data == 0 && !s->first_req) {
			/* keep-alive timeout: nothing to log */
			s->logged = 1;
			session_close(s, 0, 0);
			return;
		}
		CNT_ADD(s->fe->fe_cnt.failed_req, 1);
		stream_error(s, 408, TERM_CLI_TO, TERM_ST_REQ);
		return;
	case SS_QUEUED:
		stream_error(s, 503, TERM_SRV_TO, TERM_ST_QUEUE);
		return;
	case SS_CONNECTING:
		stream_connect_retry(s, 0);
		if (!s->freeing && s->term[0] == TERM_SRV_ABORT)
			s->term[0] = TERM_SRV_TO;
		return;
	case SS_RETRY_WAIT:
		stream_connect(s);
		return;
	case SS_CLOSING:
		session_close(s, 0, 0);
		return;
	default:
		return;
	}
}

void stream_side_timeout(struct session *s, int is_cli)
{
	if (is_cli) {
		if (s->http && s->state == SS_REQ_WAIT && !s->first_req &&
		    s->req.b.data == 0) {
			/* an idle keep-alive client: close without a word */
			s->logged = 1;
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
	if (s->http && !s->res.head_done) {
		stream_error(s, 504, TERM_SRV_TO, TERM_ST_HDR);
		return;
	}
	session_close(s, TERM_SRV_TO, TERM_ST_DATA);
}

uint32_t stream_cli_timeout(const struct session *s)
{
	const struct pr_timeouts *t = &s->fe->to;

	if ((s->req.shut_sent || s->res.shut_sent) && t->client_fin)
		return t->client_fin;
	if (!s->http && s->srv_connected && s->be && s->be->to.tunnel)
		return s->be->to.tunnel;
	if (s->http && s->res.mode == BODY_TUNNEL && s->be && s->be->to.tunnel)
		return s->be->to.tunnel;
	return t->client;
}

uint32_t stream_srv_timeout(const struct session *s)
{
	const struct pr_timeouts *t = &s->be->to;

	if ((s->req.shut_sent || s->res.shut_sent) && t->server_fin)
		return t->server_fin;
	if ((!s->http || s->res.mode == BODY_TUNNEL) && t->tunnel)
		return t->tunnel;
	return t->server;
}

int stream_want_cli_read(struct session *s)
{
	struct chn *c = &s->req;
	/* a head still to parse (this one or a pipelined next one) needs
	 * room for its rewrite */
	uint32_t reserve = (s->http && (!c->head_done || c->msg_done)) ?
			   lbd.conf->global.maxrewrite : 0;

	if (s->state == SS_CLOSING)	/* drain after the error page: no RST */
		return !c->eof && s->res.fwd == 0 ? STREAM_READ_TIMED : 0;
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
	struct chn *c = &s->res;

	uint32_t reserve = (s->http && !c->head_done) ? lbd.conf->global.maxrewrite : 0;

	if (!s->srv_connected || c->eof || c->msg_done || c->pdata >= CHN_PIPE_CAP)
		return 0;
	return !c->b.area || c->b.size - c->b.data > reserve;
}

int stream_should_log(const struct session *s)
{
	if ((s->fe->options & PR_O_DONTLOGNULL) && s->bytes_in == 0)
		return 0;
	return 1;
}

/* ---- progress: end of transactions, half-close, closing ---- */

static int stream_tunnel_progress(struct session *s)
{
	struct chn *q = &s->req, *r = &s->res;

	if (!s->srv_connected)
		return 0;
	if (q->eof && q->fwd == 0 && q->pdata == 0 && !q->shut_sent) {
		shutdown(s->sc->sk.fd, SHUT_WR);
		q->shut_sent = 1;
		s->exp_c = s->exp_s = 0;	/* restart with the fin timeouts */
	}
	if (r->eof && r->fwd == 0 && r->pdata == 0 && !r->shut_sent) {
		shutdown(s->cli.fd, SHUT_WR);
		r->shut_sent = 1;
		s->exp_c = s->exp_s = 0;
	}
	if (q->shut_sent && r->shut_sent) {
		session_close(s, 0, 0);
		return -1;
	}
	return 0;
}

int stream_progress(struct session *s)
{
	if (s->state == SS_CLOSING) {
		if (s->res.fwd == 0 && !s->res.shut_sent) {
			shutdown(s->cli.fd, SHUT_WR);
			s->res.shut_sent = 1;
		}
		if (s->req.eof) {
			session_close(s, 0, 0);
			return -1;
		}
		return 0;
	}
	if (!s->http || s->res.mode == BODY_TUNNEL)
		return stream_tunnel_progress(s);
	if (s->state == SS_FORWARD && s->req.msg_done && s->res.msg_done &&
	    s->res.fwd == 0 && s->req.fwd == 0) {
		stream_txn_end(s);
		return s->freeing ? -1 : 0;
	}
	return 0;
}

static void stream_txn_reset(struct session *s)
{
	struct chn *q = &s->req;
	uint32_t left = q->b.data;

	chn_reset(q);
	chn_reset(&s->res);
	q->b.data = left;
	s->state = SS_REQ_WAIT;
	s->first_req = 0;
	s->srv = NULL;
	s->be = NULL;
	s->prev_srv = NULL;
	s->conn_retries = 0;
	s->redispatched = 0;
	s->reused = s->retryable = s->res_started = s->head_req = 0;
	s->conn_upgrade = s->logged = s->err_sent = s->rq_armed = 0;
	s->srv_close = 0;
	s->status = 0;
	free(s->reqline);
	s->reqline = NULL;
	s->reqline_len = 0;
	s->term[0] = TERM_CAUSE_NONE;
	s->term[1] = TERM_ST_NONE;
	s->bytes_in = s->bytes_out = s->log_bytes = 0;
	s->t_idle = now_of(s);
	s->t_rq_start = s->t_req = s->t_queue = s->t_conn_start = 0;
	if (left)
		s->t_rq_start = now_of(s);	/* a pipelined request is here */
	s->t_connect = s->t_res = s->t_end = 0;
	gettimeofday(&s->accept_tv, NULL);
	s->exp_x = s->fe->to.http_keep_alive ?
		   now_of(s) + s->fe->to.http_keep_alive / 1000.0 : 0;
	s->exp_s = 0;
}

static void stream_txn_end(struct session *s)
{
	int reuse = !s->srv_close && s->res.mode != BODY_CLOSE && !s->res.eof &&
		    s->res.b.data == 0 && s->req.msg_done;

	s->t_end = now_of(s);
	backend_release(s);
	if (stream_should_log(s))
		sess_log(s);
	s->logged = 1;
	if (s->sc)
		backend_conn_release(s, reuse);
	s->srv_connected = 0;
	if (s->cli_close || (s->req.eof && s->req.b.data == 0)) {
		session_close(s, 0, 0);
		return;
	}
	stream_txn_reset(s);
	if (s->req.b.data)
		stream_parse_request(s);	/* a pipelined request is waiting */
}
