/*
 * service.c - the stats page and the Prometheus exporter served by lbd
 * itself (see service.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "buf.h"
#include "cfg.h"
#include "cfg_lex.h"
#include "userlist.h"
#include "http1.h"
#include "log.h"
#include "prom.h"
#include "proxy.h"
#include "sbuf.h"
#include "service.h"
#include "session.h"
#include "stats_page.h"
#include "stream.h"
#include "worker.h"

#define SVC_BODY_MAX	65536	/* admin forms are small */

/* ---- configuration ---- */

static struct svc_conf *svc_conf_get(struct proxy *px)
{
	if (!px->svc)
		px->svc = calloc(1, sizeof(*px->svc));
	return px->svc;
}

static int svc_set(char **dst, const char *v)
{
	char *d = strdup(v);

	if (!d)
		return -1;
	free(*dst);
	*dst = d;
	return 0;
}

int svc_cfg_stats(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct proxy *px = ctx->cur;
	struct svc_conf *c;
	const char *k = argc > 1 ? argv[1] : "";
	char err[128];

	if (px->cap == PR_CAP_DEF) {
		cfg_err(ctx, "'stats' in a 'defaults' section is not supported yet: "
			"put it in the listen, frontend or backend that serves the page.");
		return 0;
	}
	c = svc_conf_get(px);
	if (!c)
		return -1;
	if (strcmp(k, "enable") == 0) {
		c->stats_enabled = 1;
	} else if (strcmp(k, "uri") == 0) {
		if (argc < 3 || argv[2][0] != '/') {
			cfg_err(ctx, "'stats uri' needs a URI prefix starting with '/'.");
			return 0;
		}
		c->stats_enabled = 1;
		return svc_set(&c->stats_uri, argv[2]);
	} else if (strcmp(k, "refresh") == 0) {
		uint32_t ms;

		if (argc < 3 || cfg_parse_time_ms(argv[2], &ms, err, sizeof(err)) < 0) {
			cfg_err(ctx, "'stats refresh' expects a time (e.g. 30s)%s%s.",
				argc < 3 ? "" : ": ", argc < 3 ? "" : err);
			return 0;
		}
		/* a bare number is seconds for this keyword, as in HAProxy */
		c->stats_refresh = strspn(argv[2], "0123456789") == strlen(argv[2]) ?
				   ms : (ms + 999) / 1000;
		c->stats_enabled = 1;
	} else if (strcmp(k, "auth") == 0) {
		struct svc_auth *a, **tail;
		char *colon = argc > 2 ? strchr(argv[2], ':') : NULL;

		if (!colon || colon == argv[2]) {
			cfg_err(ctx, "'stats auth' expects <user>:<password>.");
			return 0;
		}
		a = calloc(1, sizeof(*a));
		if (!a)
			return -1;
		a->user = strndup(argv[2], (size_t)(colon - argv[2]));
		a->pass = strdup(colon + 1);
		if (!a->user || !a->pass) {
			free(a->user);
			free(a->pass);
			free(a);
			return -1;
		}
		for (tail = &c->auth; *tail; tail = &(*tail)->next)
			;
		*tail = a;
		c->stats_enabled = 1;
	} else if (strcmp(k, "realm") == 0) {
		if (argc < 3) {
			cfg_err(ctx, "'stats realm' expects a realm.");
			return 0;
		}
		c->stats_enabled = 1;
		return svc_set(&c->stats_realm, argv[2]);
	} else if (strcmp(k, "admin") == 0) {
		const char *cond = argc > 3 ? argv[3] : "";

		if (argc != 4 || (strcmp(argv[2], "if") && strcmp(argv[2], "unless"))) {
			cfg_err(ctx, "'stats admin' expects 'if' or 'unless' followed by a "
				"condition.");
			return 0;
		}
		if (strcmp(cond, "TRUE") == 0 || strcmp(cond, "always_true") == 0)
			c->stats_admin = strcmp(argv[2], "if") == 0 ? SVC_ADMIN_ALWAYS :
					 SVC_ADMIN_NEVER;
		else if (strcmp(cond, "FALSE") == 0)
			c->stats_admin = strcmp(argv[2], "if") == 0 ? SVC_ADMIN_NEVER :
					 SVC_ADMIN_ALWAYS;
		else if (strcmp(cond, "LOCALHOST") == 0 && strcmp(argv[2], "if") == 0)
			c->stats_admin = SVC_ADMIN_LOCAL;
		else {
			cfg_err(ctx, "'stats admin %s %s': only TRUE, FALSE and LOCALHOST "
				"are supported yet (ACLs arrive with their own issue).",
				argv[2], cond);
			return 0;
		}
	} else if (strcmp(k, "hide-version") == 0) {
		c->hide_version = 1;
	} else if (strcmp(k, "show-legends") == 0) {
		c->show_legends = 1;
	} else if (strcmp(k, "show-node") == 0) {
		c->show_node = 1;
	} else {
		cfg_err(ctx, "'stats %s' is not supported yet (supported: enable, uri, "
			"refresh, auth, realm, admin, hide-version, show-legends, "
			"show-node; show-desc waits for 'description').", k);
	}
	return 0;
}

int svc_cfg_http_request(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct svc_rule *r, **tail;
	struct svc_conf *c;
	char err[256];

	if (argc < 3 || strcmp(argv[2], "prometheus-exporter") != 0) {
		cfg_err(ctx, "'http-request use-service %s' is not supported yet (only "
			"'prometheus-exporter' is).", argc > 2 ? argv[2] : "");
		return 0;
	}
	if (ctx->cur->cap == PR_CAP_DEF) {
		cfg_err(ctx, "'http-request use-service' cannot be used in a "
			"'defaults' section.");
		return 0;
	}
	if (argc > 3 && strcmp(argv[3], "if") != 0 && strcmp(argv[3], "unless") != 0) {
		cfg_err(ctx, "'http-request use-service': unexpected '%s'.", argv[3]);
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	r->kind = SVC_PROM;
	if (argc > 3) {
		r->cond = acl_cond_parse(ctx->cur, argc - 3, argv + 3, err, sizeof(err));
		if (!r->cond) {
			cfg_err(ctx, "'http-request use-service': %s.", err);
			free(r);
			return 0;
		}
	}
	c = svc_conf_get(ctx->cur);
	if (!c) {
		acl_cond_free(r->cond);
		free(r);
		return -1;
	}
	for (tail = &c->rules; *tail; tail = &(*tail)->next)
		;
	*tail = r;
	return 0;
}

void svc_conf_free(struct svc_conf *c)
{
	if (!c)
		return;
	while (c->auth) {
		struct svc_auth *a = c->auth;

		c->auth = a->next;
		free(a->user);
		free(a->pass);
		free(a);
	}
	while (c->rules) {
		struct svc_rule *r = c->rules;

		c->rules = r->next;
		acl_cond_free(r->cond);
		free(r);
	}
	free(c->stats_uri);
	free(c->stats_realm);
	free(c);
}

/* ---- requests ---- */

struct svc_req {
	int kind;
	struct session *s;		/* touched on the session's thread only */
	struct worker *w;		/* the session's thread */
	struct proxy *px;
	struct stats_page_req page;
	char *path;			/* the URI, NUL-terminated */
	uint64_t body_left;
	struct sbuf body;
	int pending;			/* being built on the first worker */
	int cancelled;			/* the session is gone */
	struct sbuf out;		/* the whole HTTP response */
	size_t sent;
};

static const char *svc_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 413: return "Payload Too Large";
	default: return "Error";
	}
}

/* A whole response with its length; body may be NULL. */
static void svc_reply(struct sbuf *o, int status, const char *ctype,
		      const char *extra, const char *body, size_t len, int head_only)
{
	sbuf_printf(o, "HTTP/1.1 %d %s\r\nCache-Control: no-cache\r\n"
		    "Content-Type: %s\r\nContent-Length: %zu\r\n%s\r\n", status,
		    svc_reason(status), ctype, len, extra ? extra : "");
	if (body && !head_only)
		sbuf_add(o, body, len);
}

static void svc_req_free(struct svc_req *r)
{
	sbuf_free(&r->out);
	sbuf_free(&r->body);
	free(r->path);
	free(r);
}

static int svc_authorized(const struct svc_conf *c, const struct http1_msg *m)
{
	const struct http1_hdr *h;
	size_t pos = 0;
	char cred[512];

	if (!c->auth)
		return 1;
	h = http1_hdr_find(m, "authorization", &pos);
	if (!h || ul_basic_decode(h->value, h->value_len, cred, sizeof(cred)) < 0)
		return 0;
	for (const struct svc_auth *a = c->auth; a; a = a->next) {
		size_t ul = strlen(a->user);

		if (strncmp(cred, a->user, ul) == 0 && cred[ul] == ':' &&
		    strcmp(cred + ul + 1, a->pass) == 0)
			return 1;
	}
	return 0;
}

static int svc_is_local(const struct session *s)
{
	if (s->cli_addr.sa.sa_family == AF_INET)
		return (ntohl(s->cli_addr.in4.sin_addr.s_addr) >> 24) == 127;
	if (s->cli_addr.sa.sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&s->cli_addr.in6.sin6_addr);
	return 0;
}

static void svc_run(struct worker *w, void *arg);
static void svc_done(struct worker *w, void *arg);
static int svc_ready(struct session *s, struct svc_req *r);

static void svc_dispatch(struct session *s)
{
	struct svc_req *r = s->t->svc;

	r->pending = 1;
	if (worker_call(&lbd.workers[0], svc_run, r) < 0) {
		r->pending = 0;
		stream_error(s, 500, TERM_RESOURCE, TERM_ST_REQ);
	}
}

int svc_take(struct session *s, const struct http1_msg *m, struct smp_ctx *sc)
{
	struct svc_conf *c = s->fe->svc;
	const char *uri = m->uri;
	size_t ulen;
	int kind = SVC_NONE;
	struct svc_req *r;
	struct chn *ch = &s->t->req;

	if (!c)
		return 0;
	for (const struct svc_rule *rule = c->rules; rule && !kind; rule = rule->next)
		if (acl_cond_exec(rule->cond, sc))
			kind = rule->kind;
	if (!kind && c->stats_enabled) {
		const char *su = c->stats_uri ? c->stats_uri : "/haproxy?stats";

		ulen = strlen(su);
		if (m->uri_len >= ulen && memcmp(uri, su, ulen) == 0)
			kind = SVC_STATS;
	}
	if (!kind)
		return 0;
	r = calloc(1, sizeof(*r));
	if (!r)
		return 0;
	r->kind = kind;
	r->s = s;
	r->w = s->w;
	r->px = s->fe;
	r->path = strndup(uri, m->uri_len);
	if (!r->path) {
		free(r);
		return 0;
	}
	r->page.head_only = m->method_len == 4 && memcmp(m->method, "HEAD", 4) == 0;
	r->page.post = m->method_len == 4 && memcmp(m->method, "POST", 4) == 0;
	r->page.conf = c;
	r->page.px = s->fe;
	r->page.uri = r->path;
	s->t->svc = r;
	s->t->srv_label = kind == SVC_STATS ? "<STATS>" : "<PROMEX>";
	s->t->status = 0;
	if (m->flags & HTTP1_F_CHUNKED) {
		stream_error(s, 400, TERM_PROXY, TERM_ST_REQ);
		return 1;
	}
	/* the head is not forwarded anywhere: drop it; a body is read next */
	buf_consume(&ch->b, (uint32_t)m->head_len);
	ch->head_done = 1;
	ch->fwd = 0;
	ch->mode = (m->flags & HTTP1_F_HAS_CL) && m->content_length ? BODY_LENGTH : BODY_NONE;
	ch->left = m->content_length;
	r->body_left = ch->mode == BODY_LENGTH ? m->content_length : 0;
	if ((m->flags & HTTP1_F_CONN_CLOSE) || (m->version_minor == 0 &&
	    !(m->flags & HTTP1_F_CONN_KA)))
		s->cli_close = 1;
	s->state = SS_SERVICE;
	if (kind == SVC_STATS) {
		if (!svc_authorized(c, m)) {
			char hdr[320];

			snprintf(hdr, sizeof(hdr), "WWW-Authenticate: Basic realm=\"%s\"\r\n",
				 c->stats_realm ? c->stats_realm : "HAProxy Statistics");
			static const char page[] = "<html><body><h1>401 Unauthorized</h1>\n"
				"You need a valid user and password to access this "
				"content.\n</body></html>\n";

			svc_reply(&r->out, 401, "text/html", hdr, page, sizeof(page) - 1,
				  r->page.head_only);
			r->page.status = 401;
			r->body_left = 0;
			ch->mode = BODY_NONE;
			ch->msg_done = 1;
			s->cli_close = 1;	/* a body may follow: do not parse it */
			svc_ready(s, r);
			return 1;
		}
		r->page.admin = c->stats_admin == SVC_ADMIN_ALWAYS ||
				(c->stats_admin == SVC_ADMIN_LOCAL && svc_is_local(s));
	}
	if (r->body_left > SVC_BODY_MAX) {
		svc_reply(&r->out, 413, "text/plain", NULL, "Request body too large.\n",
			  24, 0);
		r->page.status = 413;
		r->body_left = 0;
		ch->mode = BODY_NONE;
		ch->msg_done = 1;
		s->cli_close = 1;
		svc_ready(s, r);
		return 1;
	}
	CNT_ADD(s->fe->fe_cnt, intercepted, 1);
	svc_req_data(s);
	return 1;
}

void svc_req_data(struct session *s)
{
	struct svc_req *r = s->t->svc;
	struct chn *ch = &s->t->req;

	if (!r || r->pending || r->out.len)
		return;
	if (r->body_left && ch->b.data) {
		uint32_t n = ch->b.data < r->body_left ? ch->b.data : (uint32_t)r->body_left;

		sbuf_add(&r->body, ch->b.area + ch->b.head, n);
		buf_consume(&ch->b, n);
		r->body_left -= n;
		ch->left = r->body_left;
	}
	if (r->body_left) {
		if (ch->eof)
			session_close(s, TERM_CLI_ABORT, TERM_ST_DATA);
		return;
	}
	ch->msg_done = 1;
	r->page.body = r->body.d;
	r->page.body_len = r->body.len;
	svc_dispatch(s);
}

/* On the first worker: build the response. */
static void svc_run(struct worker *w, void *arg)
{
	struct svc_req *r = arg;

	if (r->kind == SVC_PROM) {
		struct sbuf body = { 0 };
		unsigned scopes;
		int no_maint;
		const char *q = strchr(r->path, '?');

		if (prom_parse_query(q ? q + 1 : NULL, &scopes, &no_maint) < 0) {
			svc_reply(&r->out, 400, "text/plain", NULL, "Invalid scope.\n", 15, 0);
			r->page.status = 400;
		} else {
			prom_dump(&body, scopes, no_maint);
			svc_reply(&r->out, 200, "text/plain; version=0.0.4", NULL,
				  body.d ? body.d : "", body.len, r->page.head_only);
			r->page.status = 200;
		}
		sbuf_free(&body);
	} else {
		struct sbuf body = { 0 };
		char extra[512] = "";
		const char *ctype = "text/html";

		stats_page_build(&r->page, &body, extra, sizeof(extra), &ctype);
		svc_reply(&r->out, r->page.status, ctype, extra, body.d ? body.d : "",
			  body.len, r->page.head_only);
		sbuf_free(&body);
	}
	if (worker_call(r->w, svc_done, r) < 0)
		log_warnx("cannot hand a stats reply back: dropped");
}

/* The response is complete in r->out: start sending it. 0, or -1 when
 * s was closed. */
static int svc_ready(struct session *s, struct svc_req *r)
{
	s->t->status = r->page.status;
	if (r->out.err) {
		stream_error(s, 500, TERM_RESOURCE, TERM_ST_REQ);
		return 0;
	}
	if (!s->t->res.b.area && buf_get(s->w->bufs, &s->t->res.b) < 0) {
		session_close(s, TERM_RESOURCE, TERM_ST_REQ);
		return -1;
	}
	s->t->res.head_done = 1;
	s->t->t_res = ev_now(s->w->loop);
	return 0;
}

/* Back on the session's thread: send. */
static void svc_done(struct worker *w, void *arg)
{
	struct svc_req *r = arg;
	struct session *s = r->s;

	r->pending = 0;
	if (r->cancelled) {
		svc_req_free(r);
		return;
	}
	if (svc_ready(s, r) == 0 && !s->freeing)
		session_update(s);
}

int svc_progress(struct session *s)
{
	struct svc_req *r = s->t->svc;
	struct chn *c = &s->t->res;
	uint32_t n;

	if (!r || r->pending || !r->out.len || !c->b.area)
		return 0;
	if (c->fwd == 0 && r->sent < r->out.len) {
		c->b.head = 0;
		c->b.data = 0;
		n = (uint32_t)(r->out.len - r->sent < c->b.size ? r->out.len - r->sent :
			       c->b.size);
		memcpy(c->b.area, r->out.d + r->sent, n);
		c->b.data = n;
		c->fwd = n;
		r->sent += n;
		s->t->log_bytes += n;
	}
	if (r->sent == r->out.len) {
		/* everything is queued: finish as a forwarded response */
		c->msg_done = 1;
		s->t->req.msg_done = s->t->req.msg_done || r->body_left == 0;
		s->state = SS_FORWARD;
	}
	return 0;
}

void svc_release(struct session *s)
{
	struct svc_req *r = s->t ? s->t->svc : NULL;

	if (!r)
		return;
	s->t->svc = NULL;
	if (r->pending)
		r->cancelled = 1;	/* svc_done frees it */
	else
		svc_req_free(r);
}
