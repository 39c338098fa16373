/*
 * cfg_srv.c - "server", "default-server" and "bind" lines, addresses and
 * errorfiles.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "cfg_lex.h"
#include "proxy.h"

int cfg_resolve_names = 1;

/*
 * Address forms: "1.2.3.4:80", "*:80", ":80", "[::1]:80", ":::80",
 * "ipv4@...", "ipv6@...", "name:80" (resolved now, at start-up, never at
 * run time). A missing port leaves port 0 and *has_port = 0.
 */
/* Split "host:port" / "[v6]:port" (after an optional ipv4@/ipv6@) into
 * host and port text. */
static int addr_split(const char *text, char *host, size_t hostlen,
		      const char **port, int *family, char *err, size_t errlen)
{
	const char *p = text;
	size_t hl;

	*family = AF_UNSPEC;
	*port = NULL;
	if (strncmp(p, "ipv4@", 5) == 0 || strncmp(p, "ipv6@", 5) == 0) {
		*family = p[3] == '4' ? AF_INET : AF_INET6;
		p += 5;
	} else if (strchr(p, '@')) {
		snprintf(err, errlen, "address family in '%s' is not supported "
			 "(use ipv4@ or ipv6@)", text);
		return -1;
	}
	if (*p == '[') {
		const char *end = strchr(p, ']');

		if (!end || (end[1] && end[1] != ':')) {
			snprintf(err, errlen, "invalid address '%s'", text);
			return -1;
		}
		hl = (size_t)(end - p - 1);
		p++;
		if (end[1] == ':')
			*port = end + 2;
	} else {
		const char *colon = strrchr(p, ':');

		hl = colon ? (size_t)(colon - p) : strlen(p);
		if (colon)
			*port = colon + 1;
	}
	if (hl >= hostlen) {
		snprintf(err, errlen, "address too long '%s'", text);
		return -1;
	}
	memcpy(host, p, hl);
	host[hl] = '\0';
	return 0;
}

static int addr_port(const char *text, const char *port, int required,
		     unsigned long *pnum, int *has_port, char *err, size_t errlen)
{
	char *end;

	*has_port = 0;
	*pnum = 0;
	if (!port || !*port) {
		if (!required)
			return 0;
		snprintf(err, errlen, "missing port in '%s'", text);
		return -1;
	}
	if (*port == '+' || *port == '-') {
		snprintf(err, errlen, "port offsets in '%s' are not supported yet", text);
		return -1;
	}
	errno = 0;
	*pnum = strtoul(port, &end, 10);
	if (*end == '-') {
		snprintf(err, errlen, "port ranges in '%s' are not supported yet", text);
		return -1;
	}
	if (errno || *end || *pnum > 65535 || end == port) {
		snprintf(err, errlen, "invalid port '%s'", port);
		return -1;
	}
	*has_port = 1;
	return 0;
}

/* A literal address (or a wildcard) into ss: 1 done, 0 not a literal. */
static int addr_literal(const char *host, int family, uint16_t port,
			struct sockaddr_storage *ss, unsigned *sslen)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	int any = host[0] == '\0' || strcmp(host, "*") == 0 || strcmp(host, "::") == 0;

	if (any && (family == AF_INET6 || strcmp(host, "::") == 0)) {
		s6->sin6_addr = in6addr_any;
		goto v6;
	}
	if (any) {
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		goto v4;
	}
	if (family != AF_INET6 && inet_pton(AF_INET, host, &s4->sin_addr) == 1)
		goto v4;
	if (family != AF_INET && inet_pton(AF_INET6, host, &s6->sin6_addr) == 1)
		goto v6;
	return 0;
v4:
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	*sslen = sizeof(*s4);
	return 1;
v6:
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	*sslen = sizeof(*s6);
	return 1;
}

/* A name, resolved once, now, during start-up (never at run time). */
static int addr_resolve(const char *host, int family, uint16_t port,
			struct sockaddr_storage *ss, unsigned *sslen,
			char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int rc;

	if (!cfg_resolve_names) {
		snprintf(err, errlen, "'%s' is not an IP address (name resolution "
			 "is disabled)", host);
		return -1;
	}
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || !res) {
		snprintf(err, errlen, "could not resolve address '%s': %s", host,
			 rc ? gai_strerror(rc) : "no address");
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = (unsigned)res->ai_addrlen;
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	freeaddrinfo(res);
	return 0;
}

int cfg_parse_addr(const char *text, void *ssp, unsigned *sslen,
		   int port_required, int *has_port, char *err, size_t errlen)
{
	struct sockaddr_storage *ss = ssp;
	const char *port;
	unsigned long pnum;
	char host[256];
	int family;

	memset(ss, 0, sizeof(*ss));
	if (addr_split(text, host, sizeof(host), &port, &family, err, errlen) < 0 ||
	    addr_port(text, port, port_required, &pnum, has_port, err, errlen) < 0)
		return -1;
	if (addr_literal(host, family, (uint16_t)pnum, ss, sslen))
		return 0;
	return addr_resolve(host, family, (uint16_t)pnum, ss, sslen, err, errlen);
}

/* ---- server keywords: a row each, applied to a struct server ---- */

struct srv_kw {
	const char *name;
	int nargs;
	int (*parse)(struct cfg_ctx *ctx, struct server *srv,
		     const struct srv_kw *kw, char **args);
	size_t off;
	int64_t min, max;
	const char *note;
};

static int srv_kw_uint(struct cfg_ctx *ctx, struct server *srv,
		       const struct srv_kw *kw, char **args)
{
	char err[128];
	uint64_t v;

	if (cfg_parse_uint(args[1], (uint64_t)kw->min, (uint64_t)kw->max, &v,
			   err, sizeof(err)) < 0) {
		cfg_err(ctx, "'%s' for server '%s': %s", kw->name, srv->id, err);
		return 0;
	}
	*(unsigned *)((char *)srv + kw->off) = (unsigned)v;
	return 0;
}

static int srv_kw_time(struct cfg_ctx *ctx, struct server *srv,
		       const struct srv_kw *kw, char **args)
{
	char err[128];
	uint32_t ms;

	if (cfg_parse_time_ms(args[1], &ms, err, sizeof(err)) < 0) {
		cfg_err(ctx, "'%s' for server '%s': %s", kw->name, srv->id, err);
		return 0;
	}
	*(uint32_t *)((char *)srv + kw->off) = ms;
	return 0;
}

static int srv_kw_flag(struct cfg_ctx *ctx, struct server *srv,
		       const struct srv_kw *kw, char **args)
{
	if (strncmp(args[0], "no-", 3) == 0)
		srv->flags &= ~(unsigned)kw->max;
	else
		srv->flags |= (unsigned)kw->max;
	return 0;
}

static int srv_kw_sendproxy(struct cfg_ctx *ctx, struct server *srv,
			    const struct srv_kw *kw, char **args)
{
	srv->send_proxy = strncmp(args[0], "no-", 3) != 0;
	return 0;
}

static int srv_kw_poolmax(struct cfg_ctx *ctx, struct server *srv,
			  const struct srv_kw *kw, char **args)
{
	char *end;
	long v = strtol(args[1], &end, 10);

	if (*end || end == args[1] || v < -1 || v > 1000000) {
		cfg_err(ctx, "'pool-max-conn' for server '%s' expects -1 or a "
			"count (got '%s').", srv->id, args[1]);
		return 0;
	}
	srv->pool_max_conn = (int)v;
	return 0;
}

static int srv_kw_check(struct cfg_ctx *ctx, struct server *srv,
			const struct srv_kw *kw, char **args)
{
	if (strcmp(args[0], "check-send-proxy") == 0)
		srv->check_send_proxy = 1;
	else
		srv->do_check = strcmp(args[0], "check") == 0;
	return 0;
}

static int srv_kw_agent(struct cfg_ctx *ctx, struct server *srv,
			const struct srv_kw *kw, char **args)
{
	char err[256];
	unsigned len = 0;
	int has_port;

	if (strcmp(args[0], "agent-send") == 0) {
		free(srv->agent_send);
		srv->agent_send = strdup(args[1]);
		return srv->agent_send ? 0 : -1;
	}
	if (strcmp(args[0], "agent-addr") == 0) {
		if (cfg_parse_addr(args[1], &srv->agent_addr, &len, 0, &has_port, err,
				   sizeof(err)) < 0)
			cfg_err(ctx, "'server %s' agent-addr: %s.", srv->id, err);
		srv->agent_addrlen = len;
		return 0;
	}
	srv->agent_check = strcmp(args[0], "agent-check") == 0;
	return 0;
}

static int srv_kw_cookie(struct cfg_ctx *ctx, struct server *srv,
			 const struct srv_kw *kw, char **args)
{
	if (!*args[1] || strpbrk(args[1], ";,= \t~")) {
		cfg_err(ctx, "'server %s' cookie: invalid value '%s'.", srv->id, args[1]);
		return 0;
	}
	free(srv->cookie);
	srv->cookie = strdup(args[1]);
	return srv->cookie ? 0 : -1;
}

static int srv_kw_addr(struct cfg_ctx *ctx, struct server *srv,
		       const struct srv_kw *kw, char **args)
{
	char err[256];
	unsigned len = 0;
	int has_port;

	if (cfg_parse_addr(args[1], &srv->check_addr, &len, 0, &has_port, err,
			   sizeof(err)) < 0) {
		cfg_err(ctx, "'server %s' addr: %s.", srv->id, err);
		return 0;
	}
	srv->check_addrlen = len;
	return 0;
}

static int srv_kw_onmarked(struct cfg_ctx *ctx, struct server *srv,
			   const struct srv_kw *kw, char **args)
{
	int down = strcmp(args[0], "on-marked-down") == 0;
	const char *want = down ? "shutdown-sessions" : "shutdown-backup-sessions";

	if (strcmp(args[1], want) != 0) {
		cfg_err(ctx, "'server %s': '%s' expects '%s' (got '%s').", srv->id,
			args[0], want, args[1]);
		return 0;
	}
	if (down)
		srv->on_marked_down = SRV_ON_SHUTDOWN_SESSIONS;
	else
		srv->on_marked_up = SRV_ON_SHUTDOWN_BACKUP_SESSIONS;
	return 0;
}

static int srv_kw_observe(struct cfg_ctx *ctx, struct server *srv,
			  const struct srv_kw *kw, char **args)
{
	if (strcmp(args[0], "observe") == 0) {
		if (strcmp(args[1], "layer4") == 0)
			srv->observe = SRV_OBS_LAYER4;
		else if (strcmp(args[1], "layer7") == 0)
			srv->observe = SRV_OBS_LAYER7;
		else
			cfg_err(ctx, "'server %s': 'observe' expects 'layer4' or "
				"'layer7' (got '%s').", srv->id, args[1]);
		return 0;
	}
	for (int i = 0; i < SRV_ONERR_COUNT; i++)
		if (strcmp(args[1], srv_on_error_names[i]) == 0) {
			srv->on_error = (enum srv_on_error)i;
			return 0;
		}
	cfg_err(ctx, "'server %s': 'on-error' expects 'fastinter', 'fail-check', "
		"'sudden-death' or 'mark-down' (got '%s').", srv->id, args[1]);
	return 0;
}

static int srv_kw_unsupported(struct cfg_ctx *ctx, struct server *srv,
			      const struct srv_kw *kw, char **args)
{
	cfg_err(ctx, "server '%s': '%s' is not supported yet%s%s.", srv->id,
		args[0], kw->note ? ": " : "", kw->note ? kw->note : "");
	return 0;
}

#define SRV_CHECKS "health checks arrive with their own issue"
static const struct srv_kw srv_kws[] = {
	{ "weight", 1, srv_kw_uint, offsetof(struct server, uweight), 0, 256, NULL },
	{ "maxconn", 1, srv_kw_uint, offsetof(struct server, maxconn), 0, 10000000, NULL },
	{ "minconn", 1, srv_kw_uint, offsetof(struct server, minconn), 0, 10000000, NULL },
	{ "maxqueue", 1, srv_kw_uint, offsetof(struct server, maxqueue), 0, 10000000, NULL },
	{ "id", 1, srv_kw_uint, offsetof(struct server, puid), 1, 2147483647, NULL },
	{ "backup", 0, srv_kw_flag, 0, 0, SRV_F_BACKUP, NULL },
	{ "no-backup", 0, srv_kw_flag, 0, 0, SRV_F_BACKUP, NULL },
	{ "disabled", 0, srv_kw_flag, 0, 0, SRV_F_DISABLED, NULL },
	{ "enabled", 0, srv_kw_flag, 0, 0, 0, NULL },
	{ "send-proxy", 0, srv_kw_sendproxy, 0, 0, 0, NULL },
	{ "no-send-proxy", 0, srv_kw_sendproxy, 0, 0, 0, NULL },
	{ "pool-max-conn", 1, srv_kw_poolmax, 0, 0, 0, NULL },
	{ "pool-purge-delay", 1, srv_kw_time, offsetof(struct server, pool_purge_delay), 0, 0, NULL },
	{ "check", 0, srv_kw_check, 0, 0, 0, NULL },
	{ "no-check", 0, srv_kw_check, 0, 0, 0, NULL },
	{ "inter", 1, srv_kw_time, offsetof(struct server, inter), 0, 0, NULL },
	{ "fastinter", 1, srv_kw_time, offsetof(struct server, fastinter), 0, 0, NULL },
	{ "downinter", 1, srv_kw_time, offsetof(struct server, downinter), 0, 0, NULL },
	{ "rise", 1, srv_kw_uint, offsetof(struct server, rise), 1, 1000, NULL },
	{ "fall", 1, srv_kw_uint, offsetof(struct server, fall), 1, 1000, NULL },
	{ "port", 1, srv_kw_uint, offsetof(struct server, check_port), 1, 65535, NULL },
	{ "addr", 1, srv_kw_addr, 0, 0, 0, NULL },
	{ "slowstart", 1, srv_kw_time, offsetof(struct server, slowstart), 0, 0, NULL },
	{ "observe", 1, srv_kw_observe, 0, 0, 0, NULL },
	{ "error-limit", 1, srv_kw_uint, offsetof(struct server, error_limit), 1, 1000000, NULL },
	{ "on-error", 1, srv_kw_observe, 0, 0, 0, NULL },
	{ "on-marked-down", 1, srv_kw_onmarked, 0, 0, 0, NULL },
	{ "on-marked-up", 1, srv_kw_onmarked, 0, 0, 0, NULL },
	{ "agent-check", 0, srv_kw_agent, 0, 0, 0, NULL },
	{ "no-agent-check", 0, srv_kw_agent, 0, 0, 0, NULL },
	{ "agent-port", 1, srv_kw_uint, offsetof(struct server, agent_port), 1, 65535, NULL },
	{ "agent-inter", 1, srv_kw_time, offsetof(struct server, agent_inter), 0, 0, NULL },
	{ "agent-send", 1, srv_kw_agent, 0, 0, 0, NULL },
	{ "agent-addr", 1, srv_kw_agent, 0, 0, 0, NULL },
	{ "check-send-proxy", 0, srv_kw_check, 0, 0, 0, NULL },
	{ "cookie", 1, srv_kw_cookie, 0, 0, 0, NULL },
	{ "track", 1, srv_kw_unsupported, 0, 0, 0, SRV_CHECKS },
	{ "redir", 1, srv_kw_unsupported, 0, 0, 0, NULL },
	{ "proto", 1, srv_kw_unsupported, 0, 0, 0, "HTTP/2 towards servers is not supported yet" },
	{ "resolvers", 1, srv_kw_unsupported, 0, 0, 0, "run-time DNS resolution is not supported yet" },
	{ "init-addr", 1, srv_kw_unsupported, 0, 0, 0, NULL },
	{ "source", 1, srv_kw_unsupported, 0, 0, 0, NULL },
	{ NULL, 0, NULL, 0, 0, 0, NULL }
};

/* A TLS option of a bind line or server (tls.c's table); 0, -1 on ENOMEM. */
static int cfg_tls_opt(struct cfg_ctx *ctx, struct tls_conf **tc, unsigned side,
		       const char *what, const char *name, char **argv)
{
	char err[256], warn[256];

	if (!*tc && !(*tc = tls_conf_new(side)))
		return -1;
	if (tls_opt_apply(*tc, argv, err, sizeof(err), warn, sizeof(warn)) < 0)
		cfg_err(ctx, "'%s %s': %s.", what, name, err);
	else if (warn[0])
		cfg_warn(ctx, "'%s %s': %s.", what, name, warn);
	return 0;
}

static int srv_apply_args(struct cfg_ctx *ctx, struct server *srv, int argc,
			  char **argv)
{
	for (int i = 0; i < argc; i++) {
		const struct srv_kw *kw;
		int nargs = tls_opt_nargs(argv[i], TLS_SIDE_SRV);

		if (nargs >= 0) {
			if (i + nargs >= argc) {
				cfg_err(ctx, "'server %s': '%s' expects an argument.",
					srv->id, argv[i]);
				return 0;
			}
			if (cfg_tls_opt(ctx, &srv->tls, TLS_SIDE_SRV, "server", srv->id,
					argv + i) < 0)
				return -1;
			i += nargs;
			continue;
		}
		for (kw = srv_kws; kw->name; kw++)
			if (strcmp(kw->name, argv[i]) == 0)
				break;
		if (!kw->name) {
			cfg_err(ctx, "'server %s' unknown keyword '%s'.", srv->id,
				argv[i]);
			continue;
		}
		if (i + kw->nargs >= argc) {
			cfg_err(ctx, "'server %s': '%s' expects an argument.",
				srv->id, argv[i]);
			return 0;
		}
		if (kw->parse(ctx, srv, kw, argv + i) < 0)
			return -1;
		i += kw->nargs;
	}
	return 0;
}

static void srv_defaults(struct server *srv)
{
	srv->uweight = 1;
	srv->inter = 2000;
	srv->rise = 2;
	srv->fall = 3;
	srv->ss_pct = 100;
	srv->error_limit = 10;
	srv->on_error = SRV_ONERR_FAIL_CHECK;
	srv->pool_max_conn = -1;
	srv->pool_purge_delay = 5000;
	srv->state = SRV_ST_UP;
	srv->oper_up = 1;
}

int cfg_parse_server(struct cfg_ctx *ctx, int argc, char **argv, int is_default)
{
	struct proxy *px = ctx->cur;
	struct server *srv;
	char err[256];
	int has_port;
	unsigned alen = 0;

	if (is_default) {
		/* default-server lines accumulate; servers replay them first */
		struct server tmp;

		memset(&tmp, 0, sizeof(tmp));
		srv_defaults(&tmp);
		tmp.id = "default-server";
		if (srv_apply_args(ctx, &tmp, argc - 1, argv + 1) < 0) {
			free(tmp.agent_send);
			free(tmp.cookie);
			tls_conf_free(tmp.tls);
			return -1;
		}
		free(tmp.agent_send);	/* only validated here, replayed per server */
		free(tmp.cookie);
		tls_conf_free(tmp.tls);
		char *joined = NULL;
		size_t len = px->defsrv_args ? strlen(px->defsrv_args) : 0;
		for (int i = 1; i < argc; i++)
			len += strlen(argv[i]) + 1;
		joined = malloc(len + 1);
		if (!joined)
			return -1;
		joined[0] = '\0';
		if (px->defsrv_args)
			strcpy(joined, px->defsrv_args);
		for (int i = 1; i < argc; i++) {
			if (joined[0])
				strcat(joined, "\x1f");
			strcat(joined, argv[i]);
		}
		free(px->defsrv_args);
		px->defsrv_args = joined;
		return 0;
	}
	if (argc < 3) {
		cfg_err(ctx, "'server' expects <name> and <addr>[:<port>] as arguments.");
		return 0;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv || !(srv->id = strdup(argv[1])) || !(srv->file = strdup(ctx->file))) {
		if (srv)
			free(srv->id);
		free(srv);
		return -1;
	}
	srv->line = ctx->line;
	srv->be = px;
	srv_defaults(srv);
	if (cfg_parse_addr(argv[2], &srv->addr, &alen, 0, &has_port, err,
			   sizeof(err)) < 0)
		cfg_err(ctx, "'server %s': %s.", argv[1], err);
	srv->addrlen = alen;
	if (px->defsrv_args) {
		/* replay default-server arguments, split on the unit separator */
		char *copy = strdup(px->defsrv_args), *words[CFG_MAX_WORDS];
		int n = 0;

		if (!copy)
			return -1;
		for (char *t = strtok(copy, "\x1f"); t && n < CFG_MAX_WORDS;
		     t = strtok(NULL, "\x1f"))
			words[n++] = t;
		srv_apply_args(ctx, srv, n, words);
		free(copy);
	}
	if (srv_apply_args(ctx, srv, argc - 3, argv + 3) < 0)
		return -1;
	for (struct server *o = px->servers; o; o = o->next)
		if (strcmp(o->id, srv->id) == 0)
			cfg_err(ctx, "backend '%s': server '%s' already declared at "
				"%s:%d.", px->id, srv->id, o->file, o->line);
	struct server **pp = &px->servers;
	while (*pp)
		pp = &(*pp)->next;
	*pp = srv;
	px->nservers++;
	if (!srv->puid)
		srv->puid = px->nservers;
	return 0;
}

/* ---- bind ---- */

/* bind options: nargs, what they set (by kind), or why they are refused */
enum bind_kind { BK_V6ONLY, BK_FREEBIND, BK_BACKLOG, BK_MAXCONN, BK_NAME,
		 BK_REFUSED };

struct bind_kw {
	const char *name;
	int nargs;
	enum bind_kind kind;
	const char *note;		/* refused: why */
};

static const struct bind_kw bind_kws[] = {
	{ "v6only", 0, BK_V6ONLY, NULL },
	{ "transparent", 0, BK_FREEBIND, NULL },
	{ "freebind", 0, BK_FREEBIND, NULL },
	{ "backlog", 1, BK_BACKLOG, NULL },
	{ "maxconn", 1, BK_MAXCONN, NULL },
	{ "name", 1, BK_NAME, NULL },
	{ "accept-proxy", 0, BK_REFUSED, "the PROXY protocol on binds is not built yet" },
	{ "process", 1, BK_REFUSED, "lbd has one process; use 'thread'" },
	{ "thread", 1, BK_REFUSED, "every thread listens on every bind" },
	{ "interface", 1, BK_REFUSED, "binding to an interface is not built yet" },
	{ "tfo", 0, BK_REFUSED, "TCP fast open is not built yet" },
	{ "defer-accept", 0, BK_REFUSED, "TCP_DEFER_ACCEPT is not built yet" },
	{ "mss", 1, BK_REFUSED, "setting the MSS is not built yet" },
	{ "namespace", 1, BK_REFUSED, "network namespaces on binds are not built yet" },
	{ "proto", 1, BK_REFUSED, "HTTP/2 is not built yet" },
	{ NULL, 0, BK_REFUSED, NULL }
};

static int bind_opt(struct cfg_ctx *ctx, struct bind *b, int argc, char **argv,
		    int *i)
{
	const struct bind_kw *kw;
	const char *o = argv[*i];
	char err[128];
	uint64_t v;
	int nargs = tls_opt_nargs(o, TLS_SIDE_BIND);

	if (nargs >= 0) {
		if (*i + nargs >= argc) {
			cfg_err(ctx, "'bind %s': '%s' expects an argument.", argv[1], o);
			return 0;
		}
		*i += nargs;
		return cfg_tls_opt(ctx, &b->tls, TLS_SIDE_BIND, "bind", argv[1],
				   argv + *i - nargs);
	}
	for (kw = bind_kws; kw->name; kw++)
		if (strcmp(kw->name, o) == 0)
			break;
	if (!kw->name) {
		cfg_err(ctx, "'bind %s': unknown keyword '%s'.", argv[1], o);
		return 0;
	}
	if (*i + kw->nargs >= argc) {
		cfg_err(ctx, "'bind %s': '%s' expects an argument.", argv[1], o);
		return 0;
	}
	*i += kw->nargs;
	switch (kw->kind) {
	case BK_V6ONLY:
		b->v6only = 1;
		return 0;
	case BK_FREEBIND:
		b->transparent = 1;
		return 0;
	case BK_NAME:
		free(b->name);
		b->name = strdup(argv[*i]);
		return b->name ? 0 : -1;
	case BK_BACKLOG:
	case BK_MAXCONN:
		if (cfg_parse_uint(argv[*i], 0, 10000000, &v, err, sizeof(err)) < 0) {
			cfg_err(ctx, "'bind %s': '%s': %s", argv[1], o, err);
			return 0;
		}
		if (kw->kind == BK_BACKLOG)
			b->backlog = (unsigned)v;
		else
			b->maxconn = (unsigned)v;
		return 0;
	case BK_REFUSED:
		cfg_err(ctx, "'bind %s': '%s' is not supported yet: %s.", argv[1],
			o, kw->note);
		return 0;
	}
	return 0;
}

void cfg_srv_kw_dump(FILE *out)
{
	for (const struct srv_kw *kw = srv_kws; kw->name; kw++)
		fprintf(out, "server\t%s\t%s\n", kw->name,
			kw->parse == srv_kw_unsupported ? "not-supported-yet" :
			"supported");
	tls_opt_dump(out, "server", TLS_SIDE_SRV);
	for (const struct bind_kw *kw = bind_kws; kw->name; kw++)
		fprintf(out, "bind\t%s\t%s\n", kw->name,
			kw->note ? "not-supported-yet" : "supported");
	tls_opt_dump(out, "bind", TLS_SIDE_BIND);
}

int cfg_parse_bind(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct proxy *px = ctx->cur;
	char *list, *save = NULL, err[256];
	struct bind *first = NULL;

	if (argc < 2) {
		cfg_err(ctx, "'bind' expects [addr1]:port1[,...] as an argument.");
		return 0;
	}
	list = strdup(argv[1]);
	if (!list)
		return -1;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct bind *b = calloc(1, sizeof(*b));
		int has_port;
		unsigned alen = 0;

		if (!b || !(b->text = strdup(t)) || !(b->file = strdup(ctx->file))) {
			if (b)
				free(b->text);
			free(b);
			free(list);
			return -1;
		}
		b->line = ctx->line;
		b->fe = px;
		if (t[0] == '/' || strncmp(t, "unix@", 5) == 0 ||
		    strncmp(t, "abns@", 5) == 0 || strncmp(t, "fd@", 3) == 0 ||
		    strncmp(t, "sockpair@", 9) == 0)
			cfg_err(ctx, "'bind %s': unix, abstract and inherited sockets "
				"are not supported yet.", t);
		else if (cfg_parse_addr(t, &b->addr, &alen, 1, &has_port, err,
					sizeof(err)) < 0)
			cfg_err(ctx, "'bind %s': %s.", argv[1], err);
		b->addrlen = alen;
		struct bind **pp = &px->binds;
		while (*pp)
			pp = &(*pp)->next;
		*pp = b;
		if (!first)
			first = b;
	}
	free(list);
	/* options apply to every address of the line; TLS settings are
	 * gathered in one object the addresses share */
	struct tls_conf *tc = NULL;

	for (int i = 2; i < argc; i++) {
		struct bind tmp;

		memset(&tmp, 0, sizeof(tmp));
		tmp.tls = tc;
		if (bind_opt(ctx, &tmp, argc, argv, &i) < 0) {
			tls_conf_free(tmp.tls);
			return -1;
		}
		tc = tmp.tls;
		for (struct bind *b = first; b; b = b->next) {
			b->v6only |= tmp.v6only;
			b->transparent |= tmp.transparent;
			if (tmp.backlog)
				b->backlog = tmp.backlog;
			if (tmp.maxconn)
				b->maxconn = tmp.maxconn;
			if (tmp.name && !b->name)
				b->name = strdup(tmp.name);
		}
		free(tmp.name);
	}
	if (tc && !tc->enabled) {
		cfg_warn(ctx, "'bind %s': TLS options without 'ssl' have no effect.",
			 argv[1]);
		tls_conf_free(tc);
		tc = NULL;
	}
	for (struct bind *b = first; b && tc; b = b->next) {
		b->tls = tc;
		b->tls_owner = b == first;
	}
	return 0;
}

/* ---- errorfile ---- */

static int errfile_slot(int status)
{
	static const int codes[PR_ERR_COUNT] = { 400, 403, 408, 500, 502, 503, 504, 429 };

	for (int i = 0; i < PR_ERR_COUNT; i++)
		if (codes[i] == status)
			return i;
	return -1;
}

int cfg_errorfile_load(struct proxy *px, int status, const char *path,
		       char *err, size_t errlen)
{
	int slot = errfile_slot(status);
	struct stat st;
	char *data;
	ssize_t n;
	int fd;

	if (slot < 0) {
		snprintf(err, errlen, "status code %d cannot be overridden (use 400, "
			 "403, 408, 429, 500, 502, 503 or 504)", status);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > 65536) {
		snprintf(err, errlen, "not a regular file of at most 64 KiB");
		close(fd);
		return -1;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n = read(fd, data, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(data);
		snprintf(err, errlen, "short read");
		return -1;
	}
	data[n] = '\0';
	if (n < 12 || strncmp(data, "HTTP/1.", 7) != 0) {
		free(data);
		snprintf(err, errlen, "the file must hold a full HTTP response "
			 "(status line, headers, body)");
		return -1;
	}
	free(px->errs[slot].data);
	px->errs[slot].status = status;
	px->errs[slot].data = data;
	px->errs[slot].len = (size_t)n;
	return 0;
}
