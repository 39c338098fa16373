/*
 * proxy.c - lifetime of the configuration model: lookups, defaults
 * inheritance, freeing, and the runtime recount of usable servers.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "check_http.h"
#include "check_tcp.h"
#include "acl.h"
#include "http_rules.h"
#include "logfmt.h"
#include "cli.h"
#include "errsnap.h"
#include "proxy.h"
#include "capture.h"
#include "compress.h"
#include "cookie.h"
#include "service.h"
#include "userlist.h"
#include "stick.h"
#include "stktable.h"
#include "tcp_rules.h"

const char *const pr_mode_names[PR_MODE_COUNT] = { "tcp", "http" };
const char *const pr_reuse_names[PR_REUSE_COUNT] = { "never", "safe",
	"aggressive", "always" };
const char *const srv_state_names[SRV_ST_COUNT] = { "UP", "DOWN", "MAINT",
	"DRAIN" };
const char *const srv_on_error_names[SRV_ONERR_COUNT] = { "fastinter",
	"fail-check", "sudden-death", "mark-down" };

unsigned sockaddr_ip_port(const struct sockaddr *sa, char *ip, size_t len)
{
	if (len)
		ip[0] = '\0';
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)sa;

		inet_ntop(AF_INET, &a->sin_addr, ip, (socklen_t)len);
		return ntohs(a->sin_port);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)(const void *)sa;

		inet_ntop(AF_INET6, &a->sin6_addr, ip, (socklen_t)len);
		return ntohs(a->sin6_port);
	}
	return 0;
}

struct proxy *proxy_find(const struct lbd_conf *conf, const char *name,
			 unsigned cap)
{
	for (struct proxy *px = conf->proxies; px; px = px->next)
		if ((px->cap & cap) && strcmp(px->id, name) == 0)
			return px;
	return NULL;
}

struct server *proxy_find_server(const struct proxy *be, const char *name)
{
	for (struct server *s = be->servers; s; s = s->next)
		if (strcmp(s->id, name) == 0)
			return s;
	return NULL;
}

static int dup_str(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

int proxy_inherit(struct proxy *px, const struct proxy *def)
{
	px->mode = def->mode;
	px->options = def->options;
	px->http_conn = def->http_conn;
	px->reuse = def->reuse;
	px->to = def->to;
	px->maxconn = def->maxconn;
	px->fullconn = def->fullconn;
	px->retries = def->retries;
	px->retry_on = def->retry_on;
	px->redispatch_every = def->redispatch_every;
	px->lb = def->lb;
	px->lb.nodes = NULL;
	px->lb.nnodes = 0;
	px->lb.priv = NULL;
	px->log_global = def->log_global;
	px->nlogs = def->nlogs;
	memcpy(px->logs, def->logs, sizeof(px->logs));
	if (dup_str(&px->lb_arg_store, def->lb_arg_store) < 0 ||
	    dup_str(&px->logfmt_str, def->logfmt_str) < 0 ||
	    dup_str(&px->fwdfor_hdr, def->fwdfor_hdr) < 0 ||
	    dup_str(&px->uid_fmt_str, def->uid_fmt_str) < 0 ||
	    dup_str(&px->uid_hdr, def->uid_hdr) < 0 ||
	    dup_str(&px->defsrv_args, def->defsrv_args) < 0 ||
	    dup_str(&px->state_file_name, def->state_file_name) < 0)
		return -1;
	px->load_state = def->load_state;
	px->lb_arg = px->lb_arg_store;
	px->check_kind = def->check_kind;
	px->chk_proto = def->chk_proto;
	px->chk_mysql_pre41 = def->chk_mysql_pre41;
	px->chk_smtp_ehlo = def->chk_smtp_ehlo;
	if (dup_str(&px->chk_user, def->chk_user) < 0 ||
	    dup_str(&px->chk_domain, def->chk_domain) < 0 ||
	    dup_str(&px->extchk_cmd, def->extchk_cmd) < 0 ||
	    dup_str(&px->extchk_path, def->extchk_path) < 0)
		return -1;
	if (chk_http_dup(&px->httpchk, def->httpchk) < 0 ||
	    tcpchk_dup(&px->tcpchk, def->tcpchk) < 0)
		return -1;
	if ((px->cap & PR_CAP_BE) && def->ck && !(px->ck = ck_conf_dup(def->ck)))
		return -1;
	if (def->comp && !(px->comp = comp_conf_dup(def->comp)))
		return -1;
	if (px->cap & PR_CAP_FE && dup_str(&px->defbe_name, def->defbe_name) < 0)
		return -1;
	for (int i = 0; i < PR_ERR_COUNT; i++) {
		if (!def->errs[i].data)
			continue;
		px->errs[i] = def->errs[i];
		px->errs[i].data = malloc(def->errs[i].len + 1);
		if (!px->errs[i].data)
			return -1;
		memcpy(px->errs[i].data, def->errs[i].data, def->errs[i].len + 1);
	}
	return 0;
}

void proxy_server_free(struct server *s)
{
	free(s->agent_send);
	free(s->cookie);
	free(s->dyn_args);
	tls_conf_free(s->tls);
	cnt_free(s->cnt);
	free(s->id);
	free(s->file);
	free(s);
}

void proxy_free(struct proxy *px)
{
	if (!px)
		return;
	for (struct server *s = px->servers, *n; s; s = n) {
		n = s->next;
		proxy_server_free(s);
	}
	for (struct bind *b = px->binds, *n; b; b = n) {
		n = b->next;
		free(b->text);
		free(b->file);
		free(b->name);
		if (b->tls_owner)
			tls_conf_free(b->tls);
		free(b);
	}
	for (struct use_backend *u = px->use_be, *n; u; u = n) {
		n = u->next;
		acl_cond_free(u->cond);
		logfmt_free(u->dyn);
		free(u->name);
		free(u->file);
		free(u);
	}
	for (int i = 0; i < PR_ERR_COUNT; i++)
		free(px->errs[i].data);
	lb_pool_free(&px->lb);
	free(px->lb.nodes);
	logfmt_free(px->logfmt);
	hrule_free_all(px->http_req);
	hrule_free_all(px->http_res);
	trule_free_all(px->tcp_conn);
	trule_free_all(px->tcp_content);
	trule_free_all(px->tcp_res);
	stick_free_all(px->stick_rules);
	comp_conf_free(px->comp);
	acl_free_all(px->acls);
	stkt_free(px->table);
	cap_conf_free(px->caps);
	ck_conf_free(px->ck);
	free(px->uid_fmt_str);
	logfmt_free(px->uid_fmt);
	free(px->uid_hdr);
	chk_http_free(px->httpchk);
	tcpchk_free(px->tcpchk);
	free(px->chk_user);
	free(px->chk_domain);
	free(px->extchk_cmd);
	free(px->extchk_path);
	free(px->logfmt_str);
	free(px->fwdfor_hdr);
	free(px->fwdfor_except);
	free(px->defbe_name);
	free(px->lb_arg_store);
	free(px->defsrv_args);
	free(px->state_file_name);
	svc_conf_free(px->svc);
	errsnap_free(px);
	cnt_free(px->fe_cnt);
	cnt_free(px->be_cnt);
	free(px->id);
	free(px->file);
	free(px);
}

void lbd_conf_free(struct lbd_conf *conf)
{
	if (!conf)
		return;
	for (struct proxy *px = conf->proxies, *n; px; px = n) {
		n = px->next;
		proxy_free(px);
	}
	for (struct proxy *px = conf->defaults, *n; px; px = n) {
		n = px->next;
		proxy_free(px);
	}
	ul_free_all(conf->userlists);
	free(conf->global.pidfile);
	free(conf->global.vrrpd_socket);
	free(conf->global.snmp_agentx_socket);
	free(conf->global.chroot);
	free(conf->global.log_tag);
	free(conf->global.log_send_hostname);
	free(conf->global.node);
	free(conf->global.server_state_file);
	free(conf->global.server_state_base);
	cli_cfg_free(conf->global.cli);
	tls_conf_free(conf->global.tls_bind_def);
	tls_conf_free(conf->global.tls_srv_def);
	free(conf);
}

int proxy_counters_alloc(struct lbd_conf *conf, unsigned n)
{
	for (struct proxy *px = conf->proxies; px; px = px->next) {
		if (!px->fe_cnt && !(px->fe_cnt = cnt_alloc(n)))
			return -1;
		if (!px->be_cnt && !(px->be_cnt = cnt_alloc(n)))
			return -1;
		for (struct server *s = px->servers; s; s = s->next)
			if (!s->cnt && !(s->cnt = cnt_alloc(n)))
				return -1;
	}
	return 0;
}

/* Weights of the static algorithms are fixed in their tables: HAProxy's
 * slowstart does not ramp them (static-rr, map-based hashing). */
static int proxy_lb_dynamic(const struct proxy *be)
{
	switch (be->lb.algo) {
	case LB_STATIC_RR:
		return 0;
	case LB_SOURCE:
	case LB_URI:
	case LB_URL_PARAM:
	case LB_HDR:
		return be->lb.hash_type == LB_HASH_CONSISTENT;
	default:
		return 1;
	}
}

void proxy_srv_recalc(struct proxy *be)
{
	unsigned act = 0, bck = 0;
	int dynamic = proxy_lb_dynamic(be);

	for (struct server *s = be->servers; s; s = s->next) {
		int usable = s->state == SRV_ST_UP;
		unsigned w = s->uweight;	/* the agent's N% and "set weight" set it */

		/* slow start: a share of the weight, rounded up, never 0 */
		if (dynamic && s->ss_pct < 100 && w)
			w = (w * s->ss_pct + 99) / 100;

		s->lb.weight = usable ? (w > 256 ? 256 : w) : 0;
		if (usable && s->uweight) {
			if (s->flags & SRV_F_BACKUP)
				bck++;
			else
				act++;
		}
	}
	be->srv_act = act;
	be->srv_bck = bck;
	lb_pool_build(&be->lb);
}
