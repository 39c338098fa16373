/*
 * cli_admin.c - the runtime API's commands that change the running state:
 * server state, weight and address, health and agent checks, frontends,
 * maxconn limits, counters, and servers added and removed at run time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "cfg.h"
#include "check.h"
#include "cli.h"
#include "cli_int.h"
#include "events.h"
#include "handover.h"
#include "log.h"
#include "proxy.h"
#include "server.h"
#include "worker.h"

void cmd_disable_enable_server(struct cli_ctx *x, int argc, char **argv)
{
	struct server *sv = cli_find_server(x, argc > 2 ? argv[2] : NULL);

	if (!sv)
		return;
	if (argv[0][0] == 'd')
		srv_set_admin(sv, SRV_ADMF_FMAINT, 1, NULL);
	else
		srv_set_admin(sv, SRV_ADMF_MAINT, 0, NULL);
}

/* "N" or "N%" (of the initial weight) -> 0..256; a reply on error. */
static int cli_parse_weight(struct cli_ctx *x, const struct server *sv,
			    const char *s, unsigned *w)
{
	char *end;
	long v;

	if (!s) {
		OUT(x, "Require <weight> or <weight%%>.\n");
		return -1;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || errno || (*end && strcmp(end, "%") != 0)) {
		OUT(x, "Empty weight string empty or preceded by garbage\n");
		return -1;
	}
	if (*end == '%') {
		if (v < 0) {
			OUT(x, "Relative weight must be positive.\n");
			return -1;
		}
		v = (long)((unsigned long long)sv->iweight * (unsigned long)v / 100);
		if (v > 256)
			v = 256;
	} else if (v < 0 || v > 256) {
		OUT(x, "Absolute weight can only be between 0 and 256 inclusive.\n");
		return -1;
	}
	*w = (unsigned)v;
	return 0;
}

void cmd_set_weight(struct cli_ctx *x, int argc, char **argv)
{
	struct server *sv = cli_find_server(x, argc > 2 ? argv[2] : NULL);
	unsigned w;

	if (!sv || cli_parse_weight(x, sv, argc > 3 ? argv[3] : NULL, &w) < 0)
		return;
	backend_server_weight(sv, w);
}

void cmd_get_weight(struct cli_ctx *x, int argc, char **argv)
{
	struct server *sv = cli_find_server(x, argc > 2 ? argv[2] : NULL);

	if (sv)
		OUT(x, "%u (initial %u)\n", sv->uweight, sv->iweight);
}

static void cli_set_addr(struct cli_ctx *x, struct server *sv, int argc, char **argv)
{
	struct sockaddr_storage ss;
	char old[INET6_ADDRSTRLEN + 1], neu[INET6_ADDRSTRLEN + 1];
	unsigned oport, nport;
	unsigned long port = 0;
	int port_set = 0;

	if (argc < 5) {
		OUT(x, "set server <b>/<s> addr requires an address and optionally a port.\n");
		return;
	}
	if (argc > 5) {
		if (strcmp(argv[5], "port") != 0 || argc < 7 ||
		    cli_uint(argv[6], 65535, &port) < 0 || port == 0) {
			OUT(x, "set server <b>/<s> addr requires an address and optionally a port.\n");
			return;
		}
		port_set = 1;
	}
	memset(&ss, 0, sizeof(ss));
	/* literal addresses only: no name resolution at run time */
	if (inet_pton(AF_INET, argv[4], &((struct sockaddr_in *)&ss)->sin_addr) == 1)
		ss.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, argv[4], &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1)
		ss.ss_family = AF_INET6;
	else {
		OUT(x, "Invalid addr '%s' by 'stats socket command'\n", argv[4]);
		return;
	}
	cli_addr_str(&sv->addr, old, sizeof(old), &oport);
	nport = port_set ? (unsigned)port : oport;
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)nport);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)nport);
	cli_addr_str(&ss, neu, sizeof(neu), &nport);
	pthread_mutex_lock(&sv->be->lock);
	sv->flags |= SRV_F_ADDR_SET;
	sv->addr = ss;
	sv->addrlen = ss.ss_family == AF_INET ? sizeof(struct sockaddr_in) :
		      sizeof(struct sockaddr_in6);
	pthread_mutex_unlock(&sv->be->lock);
	/* connections kept idle for reuse go to the old address */
	for (unsigned i = 0; i < lbd.nworkers; i++)
		worker_call(&lbd.workers[i], backend_idle_purge_server, sv);
	if (strcmp(old, neu) == 0)
		OUT(x, "no need to change the addr");
	else
		OUT(x, "IP changed from '%s' to '%s'", old, neu);
	if (!port_set)
		OUT(x, " by 'stats socket command'\n");
	else if (oport == nport)
		OUT(x, ", no need to change the port by 'stats socket command'\n");
	else
		OUT(x, ", port changed from '%u' to '%u' by 'stats socket command'\n",
		    oport, nport);
	srv_log(sv, 5, "%s/%s changed its IP from %s to %s by stats socket command",
		sv->be->id, sv->id, old, neu);
}

void cmd_set_server(struct cli_ctx *x, int argc, char **argv)
{
	struct server *sv = cli_find_server(x, argc > 2 ? argv[2] : NULL);
	const char *what = argc > 3 ? argv[3] : "";
	const char *v = argc > 4 ? argv[4] : NULL;
	unsigned w;

	if (!sv)
		return;
	if (strcmp(what, "state") == 0) {
		if (!v || srv_set_admin_state(sv, v) < 0)
			OUT(x, "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
	} else if (strcmp(what, "weight") == 0) {
		if (cli_parse_weight(x, sv, v, &w) == 0)
			backend_server_weight(sv, w);
	} else if (strcmp(what, "addr") == 0) {
		cli_set_addr(x, sv, argc, argv);
	} else if (strcmp(what, "health") == 0) {
		if (!sv->check)
			OUT(x, "health checks are not enabled on this server.\n");
		else if (v && strcmp(v, "up") == 0)
			srv_set_oper(sv, 1, "changed from CLI");
		else if (v && (strcmp(v, "down") == 0 || strcmp(v, "stopping") == 0))
			srv_set_oper(sv, 0, "changed from CLI");
		else
			OUT(x, "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n");
	} else if (strcmp(what, "agent") == 0) {
		if (!sv->agent)
			OUT(x, "agent checks are not enabled on this server.\n");
		else if (v && strcmp(v, "up") == 0)
			srv_set_oper(sv, 1, "changed from CLI");
		else if (v && strcmp(v, "down") == 0)
			srv_set_oper(sv, 0, "changed from CLI");
		else
			OUT(x, "'set server <srv> agent' expects 'up' or 'down'.\n");
	} else {
		OUT(x, "usage: set server <backend>/<server> addr | agent | health | "
		    "state | weight\n");
	}
}

void cmd_health_agent(struct cli_ctx *x, int argc, char **argv)
{
	struct server *sv = cli_find_server(x, argc > 2 ? argv[2] : NULL);
	int agent = strcmp(argv[1], "agent") == 0, on = argv[0][0] == 'e';

	if (!sv)
		return;
	if (check_set_enabled(sv, agent, on) < 0 && on)
		OUT(x, agent ? "Agent was not configured on this server, cannot enable.\n" :
		    "Health checks are not configured on this server, cannot enable.\n");
}

void cmd_frontend(struct cli_ctx *x, int argc, char **argv)
{
	struct proxy *fe;
	int on = argv[0][0] == 'e';

	if (argc < 3) {
		OUT(x, "A frontend name is expected.\n");
		return;
	}
	fe = cli_find_proxy(argv[2], PR_CAP_FE);
	if (!fe || !(fe->cap & PR_CAP_FE)) {
		OUT(x, "No such frontend.\n");
		return;
	}
	if (fe->disabled) {
		OUT(x, "Frontend was previously shut down, cannot %s it.\n",
		    on ? "enable" : "disable");
		return;
	}
	if (atomic_load(&fe->paused) == !on) {
		OUT(x, "All sockets are already %s.\n", on ? "enabled" : "disabled");
		return;
	}
	atomic_store(&fe->paused, !on);
	worker_kick_all();
	events_frontend(fe);
	log_warnx("%s frontend %s.", on ? "Resumed" : "Paused", fe->id);
}

void cmd_set_maxconn(struct cli_ctx *x, int argc, char **argv)
{
	const char *what = argc > 2 ? argv[2] : "";
	unsigned long v;

	if (strcmp(what, "global") == 0) {
		if (argc < 4 || cli_uint(argv[3], 0xffffffffUL, &v) < 0) {
			OUT(x, "Expects an integer value.\n");
			return;
		}
		if (v == 0 || v > lbd.hard_maxconn) {
			OUT(x, "Value out of range.\n");
			return;
		}
		lbd.conf->global.maxconn = (unsigned)v;
		worker_kick_all();
	} else if (strcmp(what, "frontend") == 0) {
		struct proxy *fe;

		if (argc < 4) {
			OUT(x, "A frontend name is expected.\n");
			return;
		}
		fe = cli_find_proxy(argv[3], PR_CAP_FE);
		if (!fe) {
			OUT(x, "No such frontend.\n");
			return;
		}
		if (argc < 5 || cli_uint(argv[4], 0xffffffffUL, &v) < 0) {
			OUT(x, "Integer value expected.\n");
			return;
		}
		fe->maxconn = (unsigned)v;
		worker_kick_all();
	} else if (strcmp(what, "server") == 0) {
		struct server *sv = cli_find_server(x, argc > 3 ? argv[3] : NULL);

		if (!sv)
			return;
		if (argc < 5) {
			OUT(x, "Require <maxconn>.\n");
			return;
		}
		if (cli_uint(argv[4], 0xffffffffUL, &v) < 0) {
			OUT(x, "maxconn string empty or preceded by garbage\n");
			return;
		}
		backend_server_tune(sv, -1, (long)v);
	} else {
		OUT(x, "'set maxconn' only supports 'frontend', 'server', and 'global'.\n");
	}
}

void cmd_clear_counters(struct cli_ctx *x, int argc, char **argv)
{
	int all = argc > 2 && strcmp(argv[2], "all") == 0;
	unsigned n = lbd.conf->global.nbthread;

	if (all && *x->level < CLI_LVL_ADMIN) {
		OUT(x, "Permission denied\n");
		return;
	}
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		atomic_store(&px->fe_max, 0);
		for (int i = 0; i < 4; i++)
			atomic_store(&px->rate_max[i], 0);
		pthread_mutex_lock(&px->lock);
		px->be_max = px->beconn;
		px->queue.max = px->queue.len;
		for (struct server *sv = px->servers; sv; sv = sv->next) {
			sv->max_sess = sv->cur_sess;
			sv->queue.max = sv->queue.len;
			atomic_store(&sv->rate_max, 0);
			if (all) {
				cnt_clear(sv->cnt, n);
				atomic_store(&sv->chk_fail, 0);
				atomic_store(&sv->chk_down, 0);
			}
		}
		pthread_mutex_unlock(&px->lock);
		if (all) {
			cnt_clear(px->fe_cnt, n);
			cnt_clear(px->be_cnt, n);
			atomic_store(&px->chk_down, 0);
		}
	}
	atomic_store(&lbd.max_conn_rate, 0);
}

/* ---- dynamic servers ---- */

void cmd_add_server(struct cli_ctx *x, int argc, char **argv)
{
	const char *arg = argc > 2 ? argv[2] : NULL;
	const char *slash = arg ? strchr(arg, '/') : NULL;
	char be_name[256], *words[CLI_MAX_ARGS], tlserr[512];
	struct proxy *be, tmp;
	struct server *srv, *o, **tail;
	struct lb_node **nodes;
	struct sbuf errs = { 0 };
	struct cfg_ctx ctx;
	uint32_t id = 0;
	int n = 0, rc, resolve = cfg_resolve_names;

	if (!slash || slash == arg || !slash[1] || (size_t)(slash - arg) >= sizeof(be_name)) {
		OUT(x, "Require 'backend/server'.\n");
		return;
	}
	memcpy(be_name, arg, (size_t)(slash - arg));
	be_name[slash - arg] = '\0';
	be = proxy_find(lbd.conf, be_name, PR_CAP_BE);
	if (!be) {
		OUT(x, "No such backend.\n");
		return;
	}
	if (proxy_find_server(be, slash + 1)) {
		OUT(x, "Already exists a server with the same name in backend.\n");
		return;
	}
	if (argc < 4) {
		OUT(x, "'server' expects <name> and <addr>[:<port>] as arguments.\n");
		return;
	}
	/* parse as a "server" line of its own (default-server does not apply
	 * to dynamic servers, as with HAProxy), names never resolved here */
	memset(&tmp, 0, sizeof(tmp));
	tmp.id = be->id;
	tmp.mode = be->mode;
	tmp.cap = PR_CAP_BE;
	memset(&ctx, 0, sizeof(ctx));
	ctx.file = "CLI";
	ctx.line = 1;
	ctx.conf = lbd.conf;
	ctx.section = PR_CAP_BE;
	ctx.cur = &tmp;
	ctx.quiet = 1;
	ctx.capture = &errs;
	words[n++] = "server";
	words[n++] = (char *)slash + 1;
	for (int i = 3; i < argc && n < CLI_MAX_ARGS; i++)
		words[n++] = argv[i];
	cfg_resolve_names = 0;
	rc = cfg_parse_server(&ctx, n, words, 0);
	cfg_resolve_names = resolve;
	srv = tmp.servers;
	if (rc < 0 || ctx.nerr || !srv) {
		OUT(x, "%s", errs.len ? errs.d : "Out of memory.\n");
		sbuf_free(&errs);
		while (srv) {
			o = srv->next;
			proxy_server_free(srv);
			srv = o;
		}
		return;
	}
	sbuf_free(&errs);
	if (cfg_server_tls(&lbd.conf->global, srv, tlserr, sizeof(tlserr)) < 0) {
		OUT(x, "server '%s': %s.\n", srv->id, tlserr);
		proxy_server_free(srv);
		return;
	}
	srv->be = be;
	srv->flags |= SRV_F_DYNAMIC;
	srv->dyn_args = handover_join(argc - 3, argv + 3);
	for (o = be->servers; o; o = o->next)
		if (o->puid > id)
			id = o->puid;
	srv->puid = id + 1;
	srv_init(srv);
	srv->admin |= SRV_ADMF_FMAINT;	/* enabled by "enable server" */
	srv->state = SRV_ST_MAINT;
	srv->cnt = cnt_alloc(lbd.conf->global.nbthread);
	if (!srv->cnt) {
		proxy_server_free(srv);
		OUT(x, "Out of memory.\n");
		return;
	}
	pthread_mutex_lock(&be->lock);
	nodes = realloc(be->lb.nodes, (be->lb.nnodes + 1) * sizeof(*nodes));
	if (!nodes) {
		pthread_mutex_unlock(&be->lock);
		proxy_server_free(srv);
		OUT(x, "Out of memory.\n");
		return;
	}
	be->lb.nodes = nodes;
	nodes[be->lb.nnodes++] = &srv->lb;
	for (tail = &be->servers; *tail; tail = &(*tail)->next)
		;
	*tail = srv;
	be->nservers++;
	proxy_srv_recalc(be);
	pthread_mutex_unlock(&be->lock);
	if (check_add_server(srv) < 0)
		OUT(x, "Checks could not be started (out of memory).\n");
	srv_log(srv, 5, "CLI : 'server %s/%s' : New server registered.", be->id, srv->id);
	OUT(x, "New server registered.\n");
}

struct cli_del {
	struct server *srv;
	atomic_uint pending;
};

/* On each worker: drop its idle connections to the server; the last one
 * frees the server. */
static void cli_del_run(struct worker *w, void *arg)
{
	struct cli_del *d = arg;

	backend_idle_purge_server(w, d->srv);
	if (atomic_fetch_sub(&d->pending, 1) == 1) {
		proxy_server_free(d->srv);
		free(d);
	}
}

void cmd_del_server(struct cli_ctx *x, int argc, char **argv)
{
	struct server *sv = cli_find_server(x, argc > 2 ? argv[2] : NULL);
	struct proxy *be;
	struct cli_del *d;
	size_t i, j;

	if (!sv)
		return;
	be = sv->be;
	if (!(sv->admin & SRV_ADMF_MAINT)) {
		OUT(x, "Only servers in maintenance mode can be deleted.\n");
		return;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		OUT(x, "Out of memory.\n");
		return;
	}
	pthread_mutex_lock(&be->lock);
	if (sv->cur_sess || sv->queue.len) {
		pthread_mutex_unlock(&be->lock);
		free(d);
		OUT(x, "Server still has connections attached to it, cannot remove it.\n");
		return;
	}
	for (struct server **pp = &be->servers; *pp; pp = &(*pp)->next)
		if (*pp == sv) {
			*pp = sv->next;
			break;
		}
	for (i = j = 0; i < be->lb.nnodes; i++)
		if (be->lb.nodes[i] != &sv->lb)
			be->lb.nodes[j++] = be->lb.nodes[i];
	be->lb.nnodes = j;
	be->nservers--;
	proxy_srv_recalc(be);
	pthread_mutex_unlock(&be->lock);
	check_del_server(sv);
	srv_log(sv, 5, "Server %s/%s deleted.", be->id, sv->id);
	d->srv = sv;
	atomic_store(&d->pending, lbd.nworkers);
	if (!lbd.nworkers) {
		proxy_server_free(sv);
		free(d);
	} else {
		for (unsigned k = 0; k < lbd.nworkers; k++)
			if (worker_call(&lbd.workers[k], cli_del_run, d) < 0)
				/* never freed then: a thread may still hold
				 * idle connections to it */
				log_warnx("del server: out of memory, %s/%s is "
					  "not freed", be->id, sv->id);
	}
	OUT(x, "Server deleted.\n");
}
