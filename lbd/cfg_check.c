/*
 * cfg_check.c - validation of a whole parsed configuration and the
 * derivation of runtime fields (resolved backends, LB tables, log formats,
 * implicit timeouts), done once before the configuration is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cfg.h"
#include "check.h"
#include "check_http.h"
#include "check_tcp.h"
#include "extcheck.h"
#include "http_rules.h"
#include "stick.h"
#include "tcp_rules.h"
#include "userlist.h"
#include "logfmt.h"
#include "proxy.h"
#include "server.h"

/* descriptors lbd needs beside the two per connection */
#define FD_RESERVE	100

static void check_backend_ref(struct cfg_ctx *ctx, struct proxy *fe,
			      const char *name, struct proxy **out,
			      const char *kw)
{
	struct proxy *be = proxy_find(ctx->conf, name, PR_CAP_BE);

	if (!be) {
		cfg_alert_global(ctx, "Proxy '%s': unable to find required %s: "
				 "'%s'.", fe->id, kw, name);
		return;
	}
	if (be->mode != fe->mode) {
		cfg_alert_global(ctx, "%s '%s' (%s:%d) tries to use incompatible "
				 "backend '%s' (%s:%d) in %s: mode %s vs %s.",
				 (fe->cap & PR_CAP_BE) ? "listen" : "frontend",
				 fe->id, fe->file, fe->line, be->id, be->file,
				 be->line, kw, pr_mode_names[fe->mode],
				 pr_mode_names[be->mode]);
		return;
	}
	*out = be;
}

static void check_timeouts(struct cfg_ctx *ctx, struct proxy *px)
{
	struct pr_timeouts *t = &px->to;
	int miss_fe = (px->cap & PR_CAP_FE) && !t->client;
	int miss_be = (px->cap & PR_CAP_BE) && (!t->connect || !t->server);

	if (miss_fe || miss_be)
		cfg_warn_global(ctx, "missing timeouts for %s '%s'. While not "
				"properly invalid, you will certainly encounter "
				"various problems with such a configuration. To fix "
				"this, please ensure that all following timeouts are "
				"set to a non-zero value: %s.",
				(px->cap == PR_CAP_LISTEN) ? "proxy" :
				(px->cap & PR_CAP_FE) ? "frontend" : "backend", px->id,
				px->cap == PR_CAP_LISTEN ? "'client', 'connect', 'server'" :
				(px->cap & PR_CAP_FE) ? "'client'" : "'connect', 'server'");
	/* derived values, as HAProxy documents them */
	if (!t->queue)
		t->queue = t->connect;
	if (!t->http_request)
		t->http_request = t->client;
	if (!t->http_keep_alive)
		t->http_keep_alive = t->http_request;
}

static void check_logs(struct cfg_ctx *ctx, struct proxy *px)
{
	const char *fmt = px->logfmt_str;
	char err[256];

	if (px->log_global) {
		const struct global *g = &ctx->conf->global;

		for (unsigned i = 0; i < g->nlogs && px->nlogs < LBD_MAX_LOGS; i++)
			px->logs[px->nlogs++] = g->logs[i];
	}
	if (!fmt) {
		if (px->options & PR_O_HTTPLOG) {
			if (px->mode != PR_MODE_HTTP) {
				cfg_warn_global(ctx, "parsing [%s:%d] : 'option httplog' "
						"not usable with %s '%s' (needs 'mode http'). "
						"Falling back to 'option tcplog'.", px->file,
						px->line, (px->cap & PR_CAP_BE) ? "proxy" :
						"frontend", px->id);
				fmt = logfmt_tcplog;
			} else
				fmt = (px->options & PR_O_HTTPLOG_CLF) ?
				      logfmt_httplog_clf : logfmt_httplog;
		} else if (px->options & PR_O_TCPLOG)
			fmt = logfmt_tcplog;
		else
			fmt = px->mode == PR_MODE_HTTP ? logfmt_default :
			      logfmt_default_tcp;
	}
	px->logfmt = hrule_logfmt_compile(fmt, err, sizeof(err));
	if (!px->logfmt)
		cfg_alert_global(ctx, "proxy '%s': log-format: %s", px->id, err);
	else if (hrule_logfmt_resolve(px->logfmt, ctx->conf, err, sizeof(err)) < 0)
		cfg_alert_global(ctx, "proxy '%s': log-format: %s.", px->id, err);
	else if (px->mode != PR_MODE_HTTP && logfmt_uses_http(px->logfmt) &&
		 px->logfmt_str)
		cfg_warn_global(ctx, "proxy '%s': log-format uses HTTP variables "
				"in 'mode tcp'; they will be empty.", px->id);
}

int cfg_server_tls(const struct global *g, struct server *s, char *err, size_t errlen)
{
	if (s->tls && !s->tls->enabled) {
		/* options alone, or "no-ssl": clear text */
		tls_conf_free(s->tls);
		s->tls = NULL;
	}
	if (!s->tls)
		return 0;
	if (tls_conf_inherit(s->tls, g->tls_srv_def) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return tls_conf_build(s->tls, &g->tls_tune, err, errlen);
}

/* TLS contexts of a proxy's bind lines and servers, with the
 * ssl-default-* settings for what they leave unset: certificates and keys
 * are loaded (and checked against each other) here, before privileges drop. */
static int check_tls(struct cfg_ctx *ctx, struct proxy *px)
{
	struct global *g = &ctx->conf->global;
	char err[512];

	for (struct bind *b = px->binds; b; b = b->next) {
		if (!b->tls_owner)
			continue;
		if (tls_conf_inherit(b->tls, g->tls_bind_def) < 0)
			return -1;
		if (tls_conf_build(b->tls, &g->tls_tune, err, sizeof(err)) < 0)
			cfg_alert_global(ctx, "parsing [%s:%d] : 'bind %s' : %s.",
					 b->file, b->line, b->text, err);
	}
	for (struct server *s = px->servers; s; s = s->next)
		if (cfg_server_tls(g, s, err, sizeof(err)) < 0)
			cfg_alert_global(ctx, "parsing [%s:%d] : 'server %s/%s' : %s.",
					 s->file, s->line, px->id, s->id, err);
	return 0;
}

static int check_servers(struct cfg_ctx *ctx, struct proxy *be)
{
	unsigned i = 0;

	be->lb.allbackups = !!(be->options & PR_O_ALLBACKUPS);
	be->lb.rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)be->uuid;
	be->lb.nodes = calloc(be->nservers ? be->nservers : 1, sizeof(*be->lb.nodes));
	if (!be->lb.nodes)
		return -1;
	for (struct server *s = be->servers; s; s = s->next) {
		for (struct server *o = be->servers; o != s; o = o->next)
			if (o->puid == s->puid)
				cfg_alert_global(ctx, "backend '%s': server '%s' has "
						 "the same id %u as server '%s'.",
						 be->id, s->id, s->puid, o->id);
		srv_init(s);
		if (s->agent_check && !s->agent_port)
			cfg_alert_global(ctx, "backend '%s': server '%s' has 'agent-check' "
					 "without 'agent-port'.", be->id, s->id);
		if (!s->inter)
			cfg_alert_global(ctx, "backend '%s': server '%s' has 'inter 0'.",
					 be->id, s->id);
		if (s->observe && !s->do_check)
			cfg_warn_global(ctx, "backend '%s': server '%s': 'observe' is "
					"ignored without 'check'.", be->id, s->id);
		if (s->observe == SRV_OBS_LAYER7 && be->mode != PR_MODE_HTTP)
			cfg_alert_global(ctx, "backend '%s': server '%s': 'observe "
					 "layer7' is only allowed in 'mode http' backends "
					 "(use 'observe layer4').", be->id, s->id);
		if (s->minconn) {
			be->has_minconn = 1;
			if (s->maxconn && s->minconn > s->maxconn)
				cfg_alert_global(ctx, "backend '%s': server '%s' has "
						 "minconn %u above maxconn %u.", be->id,
						 s->id, s->minconn, s->maxconn);
		}
		be->lb.nodes[i++] = &s->lb;
	}
	be->lb.nnodes = i;
	if (chk_cfg_finish(ctx, be) < 0 || tcpchk_finish(ctx, be) < 0 ||
	    extchk_cfg_finish(ctx, be) < 0)
		return 0;
	if (be->tcpchk && be->check_kind != PR_CHK_TCPCHK)
		cfg_warn_global(ctx, "backend '%s': 'tcp-check' rules without 'option "
				"tcp-check' are not used.", be->id);
	if ((be->lb.algo == LB_URL_PARAM || be->lb.algo == LB_HDR ||
	     be->lb.algo == LB_URI) && be->mode != PR_MODE_HTTP)
		cfg_warn_global(ctx, "backend '%s': 'balance %s' needs 'mode http'; "
				"falling back to roundrobin.", be->id,
				lb_algo_names[be->lb.algo]);
	proxy_srv_recalc(be);
	return 0;
}

/* maxconn needs about two descriptors per connection: say so plainly when
 * the system limit cannot hold it, instead of failing later under load */
static void check_fd_limit(struct cfg_ctx *ctx)
{
	struct global *g = &ctx->conf->global;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (!g->maxconn) {
		rlim_t avail = rl.rlim_max == RLIM_INFINITY ? 1048576 : rl.rlim_max;

		g->maxconn = avail > FD_RESERVE * 2 ?
			     (unsigned)((avail - FD_RESERVE) / 2) : 100;
		if (g->maxconn > 100000)
			g->maxconn = 100000;
		return;
	}
	if (rl.rlim_max != RLIM_INFINITY &&
	    (rlim_t)g->maxconn * 2 + FD_RESERVE > rl.rlim_max)
		cfg_alert_global(ctx, "global 'maxconn %u' needs %u file descriptors "
				 "but this system allows at most %llu (hard limit). "
				 "Lower maxconn to %llu or less, or raise the limit "
				 "(ulimit -n / LimitNOFILE=).", g->maxconn,
				 g->maxconn * 2 + FD_RESERVE,
				 (unsigned long long)rl.rlim_max,
				 (unsigned long long)(rl.rlim_max > FD_RESERVE ?
						      (rl.rlim_max - FD_RESERVE) / 2 : 0));
}

/* fullconn defaults to 10% of the maxconn of the frontends that can use
 * the backend, as HAProxy documents */
static void check_fullconn(struct lbd_conf *conf, struct proxy *be)
{
	unsigned long long sum = 0;

	if (be->fullconn)
		return;
	for (struct proxy *fe = conf->proxies; fe; fe = fe->next) {
		int uses = fe->defbe == be;

		for (struct use_backend *u = fe->use_be; u; u = u->next)
			uses |= u->be == be;
		if (uses)
			sum += fe->maxconn;
	}
	if (!sum)
		sum = conf->global.maxconn;
	be->fullconn = sum / 10 ? (unsigned)(sum / 10) : 1;
}

int cfg_postparse(struct cfg_ctx *ctx)
{
	struct lbd_conf *conf = ctx->conf;

	ctx->file = "";
	check_fd_limit(ctx);
	ul_resolve(ctx);
	if (conf->global.bufsize <= conf->global.maxrewrite)
		cfg_alert_global(ctx, "tune.maxrewrite (%u) must be lower than "
				 "tune.bufsize (%u).", conf->global.maxrewrite,
				 conf->global.bufsize);
	for (struct proxy *px = conf->proxies; px; px = px->next) {
		if (pthread_mutex_init(&px->lock, NULL) != 0)
			return -1;
		if (px->cap & PR_CAP_FE) {
			if (!px->binds)
				cfg_warn_global(ctx, "parsing [%s:%d] : %s '%s' has no "
						"'bind' directive. Please declare it as a "
						"backend if this was intended.", px->file,
						px->line, px->cap == PR_CAP_LISTEN ? "listen" :
						"frontend", px->id);
			if (px->defbe_name)
				check_backend_ref(ctx, px, px->defbe_name, &px->defbe,
						  "default_backend");
			for (struct use_backend *u = px->use_be; u; u = u->next)
				if (!u->dyn)
					check_backend_ref(ctx, px, u->name, &u->be,
							  "use_backend");
			if ((px->cap & PR_CAP_BE) && !px->defbe)
				px->defbe = px;
			if (!px->maxconn)
				px->maxconn = conf->global.maxconn;
		}
		hrule_resolve(ctx, px, conf);
		trule_resolve(ctx, px, conf);
		if (px->cap & PR_CAP_BE)
			stick_resolve(ctx, px, conf);
		check_timeouts(ctx, px);
		check_logs(ctx, px);
		if (check_tls(ctx, px) < 0)
			return -1;
		/* an error page is sent from one buffer, as with HAProxy */
		for (int i = 0; i < PR_ERR_COUNT; i++)
			if (px->errs[i].data && px->errs[i].len > conf->global.bufsize)
				cfg_alert_global(ctx, "proxy '%s': errorfile for %d is %zu "
						 "bytes, more than tune.bufsize (%u).", px->id,
						 px->errs[i].status, px->errs[i].len,
						 conf->global.bufsize);
		if ((px->cap & PR_CAP_BE) && check_servers(ctx, px) < 0)
			return -1;
	}
	for (struct proxy *px = conf->proxies; px; px = px->next)
		if (px->cap & PR_CAP_BE)
			check_fullconn(conf, px);
	return 0;
}
