/*
 * cfg_kw.c - keyword tables of the global and proxy sections, with generic
 * setters (time, integer, size, flag) and the handlers of the keywords that
 * need more. The tables are also the index of docs/configuration.md.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrwatch.h"
#include "agentx.h"
#include "cfg.h"
#include "cli.h"
#include "service.h"
#include "cfg_lex.h"
#include "acl.h"
#include "http_rules.h"
#include "capture.h"
#include "compress.h"
#include "cookie.h"
#include "sample.h"
#include "stick.h"
#include "stktable.h"
#include "tcp_rules.h"
#include "check.h"
#include "check_http.h"
#include "check_tcp.h"
#include "extcheck.h"
#include "http1.h"
#include "logfmt.h"
#include "proxy.h"
#include "srvstate.h"

#define KW_FIELD(base, kw, type) ((type *)((char *)(base) + (kw)->off))

/* ---- generic setters ---- */

static void *kw_target(struct cfg_ctx *ctx)
{
	if (ctx->section == CFG_SEC_GLOBAL)
		return &ctx->conf->global;
	return ctx->cur;
}

static int kw_need_args(struct cfg_ctx *ctx, int argc, char **argv, int n,
			const char *what)
{
	if (argc > n)
		return 0;
	cfg_err(ctx, "'%s' expects %s.", argv[0], what);
	return -1;
}

static int kw_time(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		   char **argv)
{
	char err[128];
	uint32_t ms;

	if (kw_need_args(ctx, argc, argv, 1, "<time> as an argument") < 0)
		return 0;
	if (cfg_parse_time_ms(argv[1], &ms, err, sizeof(err)) < 0) {
		cfg_err(ctx, "'%s': %s", argv[0], err);
		return 0;
	}
	*KW_FIELD(kw_target(ctx), kw, uint32_t) = ms;
	return 0;
}

static int kw_uint(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		   char **argv)
{
	char err[128];
	uint64_t v;

	if (kw_need_args(ctx, argc, argv, 1, "an integer argument") < 0)
		return 0;
	if (cfg_parse_uint(argv[1], (uint64_t)kw->min, (uint64_t)kw->max, &v,
			   err, sizeof(err)) < 0) {
		cfg_err(ctx, "'%s': %s", argv[0], err);
		return 0;
	}
	*KW_FIELD(kw_target(ctx), kw, unsigned) = (unsigned)v;
	return 0;
}

static int kw_size(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		   char **argv)
{
	char err[128];
	uint64_t v;

	if (kw_need_args(ctx, argc, argv, 1, "a size argument") < 0)
		return 0;
	if (cfg_parse_size(argv[1], &v, err, sizeof(err)) < 0) {
		cfg_err(ctx, "'%s': %s", argv[0], err);
		return 0;
	}
	if (v < (uint64_t)kw->min || v > (uint64_t)kw->max) {
		cfg_err(ctx, "'%s': value %llu is out of range (%lld..%lld).",
			argv[0], (unsigned long long)v, (long long)kw->min,
			(long long)kw->max);
		return 0;
	}
	*KW_FIELD(kw_target(ctx), kw, unsigned) = (unsigned)v;
	return 0;
}

static int kw_flag(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		   char **argv)
{
	if (argc > 1)
		cfg_err(ctx, "'%s' takes no argument.", argv[0]);
	*KW_FIELD(kw_target(ctx), kw, int) = (int)kw->max;
	return 0;
}

static int kw_str(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		  char **argv)
{
	char **dst, *s;

	if (kw_need_args(ctx, argc, argv, 1, "an argument") < 0)
		return 0;
	dst = KW_FIELD(kw_target(ctx), kw, char *);
	s = strdup(argv[1]);
	if (!s)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

static int kw_unsupported(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			  int argc, char **argv)
{
	cfg_err(ctx, "'%s' is not supported yet%s%s.", argv[0],
		kw->note ? ": " : "", kw->note ? kw->note : "");
	return 0;
}

static int kw_ignored_warn(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			   int argc, char **argv)
{
	cfg_warn(ctx, "'%s' %s.", argv[0], kw->note);
	return 0;
}

static int kw_removed(struct cfg_ctx *ctx, const struct cfg_kw *kw,
		      int argc, char **argv)
{
	cfg_err(ctx, "'%s' %s.", argv[0], kw->note);
	return 0;
}

/* ---- global handlers ---- */

static int kw_g_log(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		    char **argv)
{
	struct global *g = &ctx->conf->global;
	char err[256];

	if (kw_need_args(ctx, argc, argv, 1, "<target> and <facility>") < 0)
		return 0;
	if (g->nlogs >= LBD_MAX_LOGS) {
		cfg_err(ctx, "too many 'log' lines (max %d).", LBD_MAX_LOGS);
		return 0;
	}
	if (slog_target_parse(&g->logs[g->nlogs], argc - 1, argv + 1, err,
			      sizeof(err)) < 0) {
		cfg_err(ctx, "'log': %s", err);
		return 0;
	}
	g->nlogs++;
	return 0;
}

static int kw_g_user(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		     char **argv)
{
	struct global *g = &ctx->conf->global;

	if (kw_need_args(ctx, argc, argv, 1, "a name") < 0)
		return 0;
	if (strcmp(argv[0], "user") == 0) {
		struct passwd *pw = getpwnam(argv[1]);

		if (!pw) {
			cfg_err(ctx, "unknown user '%s'.", argv[1]);
			return 0;
		}
		g->uid = pw->pw_uid;
		g->uid_set = 1;
	} else {
		struct group *gr = getgrnam(argv[1]);

		if (!gr) {
			cfg_err(ctx, "unknown group '%s'.", argv[1]);
			return 0;
		}
		g->gid = gr->gr_gid;
		g->gid_set = 1;
	}
	return 0;
}

/* stats socket|timeout|maxconn: the runtime API (cli.c) */
static int kw_g_stats(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		      char **argv)
{
	return cli_cfg_stats(ctx, argc, argv);
}

/* cpu-map [auto:]<thread-set> <cpu-set>: "1/1-4 0-3", "1-4 0-3", "1 0" */
static int kw_g_cpumap(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		       char **argv)
{
	struct global *g = &ctx->conf->global;
	const char *ts = argv[1];
	int auto_map = 0;
	unsigned t0, t1, c0, c1;

	if (kw_need_args(ctx, argc, argv, 2, "<thread-set> <cpu-set>") < 0)
		return 0;
	if (strncmp(ts, "auto:", 5) == 0) {
		auto_map = 1;
		ts += 5;
	}
	if (strncmp(ts, "1/", 2) == 0)
		ts += 2;
	else if (strchr(ts, '/')) {
		cfg_err(ctx, "'cpu-map': only process/group 1 exists (got '%s').", argv[1]);
		return 0;
	}
	if (strcmp(ts, "all") == 0) {
		t0 = 1;
		t1 = LBD_MAX_THREADS;
	} else if (sscanf(ts, "%u-%u", &t0, &t1) != 2) {
		if (sscanf(ts, "%u", &t0) != 1) {
			cfg_err(ctx, "'cpu-map': invalid thread set '%s'.", argv[1]);
			return 0;
		}
		t1 = t0;
	}
	if (sscanf(argv[2], "%u-%u", &c0, &c1) != 2) {
		if (sscanf(argv[2], "%u", &c0) != 1) {
			cfg_err(ctx, "'cpu-map': invalid cpu set '%s'.", argv[2]);
			return 0;
		}
		c1 = c0;
	}
	if (t0 < 1 || t1 < t0 || t1 > LBD_MAX_THREADS || c1 < c0 || c1 > 4095) {
		cfg_err(ctx, "'cpu-map': thread set must be within 1-%d and cpu set "
			"ordered.", LBD_MAX_THREADS);
		return 0;
	}
	for (unsigned t = t0; t <= t1; t++) {
		unsigned span = c1 - c0 + 1;

		/* auto: thread i gets cpu c0+i; plain: every thread gets the
		 * first cpu of the set (a set per thread is not kept) */
		g->cpu_map[t - 1] = (int)(auto_map ? c0 + (t - t0) % span : c0);
	}
	return 0;
}

/* on-address-loss close-idle|none */
static int kw_g_addr_loss(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			  int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "close-idle") != 0 &&
			  strcmp(argv[1], "none") != 0)) {
		cfg_err(ctx, "'on-address-loss' expects 'close-idle' or 'none'.");
		return 0;
	}
	ctx->conf->global.on_addr_loss = argv[1][0] == 'c' ?
					 ADDR_LOSS_CLOSE_IDLE : ADDR_LOSS_NONE;
	return 0;
}

/* vrrpd-socket <absolute unix socket path> */
static int kw_g_vrrpd_socket(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			     int argc, char **argv)
{
	if (argc != 2 || argv[1][0] != '/' || strlen(argv[1]) >= 108) {
		cfg_err(ctx, "'vrrpd-socket' expects the absolute path of vrrpd's "
			"control socket (at most 107 bytes).");
		return 0;
	}
	return kw_str(ctx, kw, argc, argv);
}

/* snmp-agentx-socket </path|unix:/path|tcp:ADDR:PORT>: the AgentX
 * master's socket; the address must be literal (no DNS on the loop) */
static int kw_g_snmp_socket(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			    int argc, char **argv)
{
	if (argc == 2 && agx_socket_valid(argv[1]))
		return kw_str(ctx, kw, argc, argv);
	cfg_err(ctx, "'snmp-agentx-socket' expects the AgentX master's socket: "
		"an absolute unix socket path (at most 107 bytes, optionally "
		"'unix:'-prefixed) or 'tcp:ADDRESS:PORT' with a literal address "
		"([v6] in brackets).");
	return 0;
}

/* external-check [preserve-env] */
static int kw_g_extcheck(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
			 char **argv)
{
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "preserve-env") != 0)) {
		cfg_err(ctx, "'external-check' takes nothing or 'preserve-env'.");
		return 0;
	}
	ctx->conf->global.external_check = argc == 2 ? 2 : 1;
	return 0;
}

/* master-worker [no-exit-on-failure]: a crashed worker is restarted
 * either way (see docs/configuration.md) */
static int kw_g_master_worker(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
			      char **argv)
{
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "no-exit-on-failure") != 0)) {
		cfg_err(ctx, "'master-worker' takes nothing or 'no-exit-on-failure'.");
		return 0;
	}
	ctx->conf->global.master_worker = 1;
	return 0;
}

/* ssl-default-{bind,server}-{options,ciphers,ciphersuites,curves}: the
 * defaults of every bind line / server with "ssl" (kw->max the side,
 * kw->min which setting) */
static int kw_g_ssl_def(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
			char **argv)
{
	static const char *const opt[] = { NULL, "ciphers", "ciphersuites", "curves" };
	struct global *g = &ctx->conf->global;
	struct tls_conf **tc = kw->max == TLS_SIDE_BIND ? &g->tls_bind_def : &g->tls_srv_def;
	char err[256], warn[64], *a[2];

	if (kw_need_args(ctx, argc, argv, 1, "an argument") < 0)
		return 0;
	if (!*tc && !(*tc = tls_conf_new((unsigned)kw->max)))
		return -1;
	if (kw->min == 0) {
		if (tls_opt_line(*tc, argc - 1, argv + 1, err, sizeof(err)) < 0)
			cfg_err(ctx, "'%s': %s.", argv[0], err);
		return 0;
	}
	if (argc > 2) {
		cfg_err(ctx, "'%s' takes one argument.", argv[0]);
		return 0;
	}
	a[0] = (char *)opt[kw->min];
	a[1] = argv[1];
	if (tls_opt_apply(*tc, a, err, sizeof(err), warn, sizeof(warn)) < 0)
		cfg_err(ctx, "'%s': %s.", argv[0], err);
	return 0;
}

/* tune.ssl.lifetime: seconds, or a time with its unit */
static int kw_g_ssl_lifetime(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
			     char **argv)
{
	char err[128];
	uint64_t v;
	uint32_t ms;

	if (kw_need_args(ctx, argc, argv, 1, "<time> as an argument") < 0)
		return 0;
	if (cfg_parse_uint(argv[1], 0, 86400 * 365, &v, err, sizeof(err)) == 0)
		ctx->conf->global.tls_tune.lifetime = (unsigned)v;
	else if (cfg_parse_time_ms(argv[1], &ms, err, sizeof(err)) == 0)
		ctx->conf->global.tls_tune.lifetime = ms / 1000;
	else
		cfg_err(ctx, "'%s': %s", argv[0], err);
	return 0;
}

static const struct cfg_kw cfg_global_kws[] = {
	{ "maxconn", CFG_SEC_GLOBAL, kw_uint, offsetof(struct global, maxconn), 1, 10000000, NULL },
	{ "nbthread", CFG_SEC_GLOBAL, kw_uint, offsetof(struct global, nbthread), 1, LBD_MAX_THREADS, NULL },
	{ "daemon", CFG_SEC_GLOBAL, kw_flag, offsetof(struct global, daemon), 0, 1, NULL },
	{ "pidfile", CFG_SEC_GLOBAL, kw_str, offsetof(struct global, pidfile), 0, 0, NULL },
	{ "chroot", CFG_SEC_GLOBAL, kw_str, offsetof(struct global, chroot), 0, 0, NULL },
	{ "user", CFG_SEC_GLOBAL, kw_g_user, 0, 0, 0, NULL },
	{ "group", CFG_SEC_GLOBAL, kw_g_user, 0, 0, 0, NULL },
	{ "uid", CFG_SEC_GLOBAL, kw_uint, offsetof(struct global, uid), 0, 65535, NULL },
	{ "gid", CFG_SEC_GLOBAL, kw_uint, offsetof(struct global, gid), 0, 65535, NULL },
	{ "log", CFG_SEC_GLOBAL, kw_g_log, 0, 0, 0, NULL },
	{ "log-tag", CFG_SEC_GLOBAL, kw_str, offsetof(struct global, log_tag), 0, 0, NULL },
	{ "log-send-hostname", CFG_SEC_GLOBAL, kw_str, offsetof(struct global, log_send_hostname), 0, 0, NULL },
	{ "node", CFG_SEC_GLOBAL, kw_str, offsetof(struct global, node), 0, 0, NULL },
	{ "cpu-map", CFG_SEC_GLOBAL, kw_g_cpumap, 0, 0, 0, NULL },
	{ "nosplice", CFG_SEC_GLOBAL, kw_flag, offsetof(struct global, nosplice), 0, 1, NULL },
	{ "spread-checks", CFG_SEC_GLOBAL, kw_uint, offsetof(struct global, spread_checks), 0, 50, NULL },
	{ "hard-stop-after", CFG_SEC_GLOBAL, kw_time, offsetof(struct global, hard_stop_after), 0, 0, NULL },
	{ "tune.bufsize", CFG_SEC_GLOBAL, kw_size, offsetof(struct global, bufsize), 1024, 16 << 20, NULL },
	{ "tune.maxrewrite", CFG_SEC_GLOBAL, kw_size, offsetof(struct global, maxrewrite), 0, 1 << 20, NULL },
	{ "tune.maxaccept", CFG_SEC_GLOBAL, kw_uint, offsetof(struct global, maxaccept), 1, 100000, NULL },
	{ "tune.http.maxhdr", CFG_SEC_GLOBAL, kw_uint, offsetof(struct global, http_maxhdr), 1, 1024, NULL },
	{ "tune.sndbuf.client", CFG_SEC_GLOBAL, kw_size, offsetof(struct global, sndbuf_cli), 1024, 1 << 30, NULL },
	{ "tune.rcvbuf.client", CFG_SEC_GLOBAL, kw_size, offsetof(struct global, rcvbuf_cli), 1024, 1 << 30, NULL },
	{ "tune.sndbuf.server", CFG_SEC_GLOBAL, kw_size, offsetof(struct global, sndbuf_srv), 1024, 1 << 30, NULL },
	{ "tune.rcvbuf.server", CFG_SEC_GLOBAL, kw_size, offsetof(struct global, rcvbuf_srv), 1024, 1 << 30, NULL },
	{ "nbproc", CFG_SEC_GLOBAL, kw_removed, 0, 0, 0, "was removed in HAProxy 2.5: use 'nbthread'" },
	{ "thread-groups", CFG_SEC_GLOBAL, kw_unsupported, 0, 0, 0, "lbd runs a single thread group; remove it (nbthread and cpu-map are enough)" },
	{ "thread-group", CFG_SEC_GLOBAL, kw_unsupported, 0, 0, 0, "lbd runs a single thread group; remove it" },
	{ "numa-cpuset", CFG_SEC_GLOBAL, kw_removed, 0, 0, 0, "is not an HAProxy keyword: bind threads to CPUs with 'cpu-map'" },
	{ "stats", CFG_SEC_GLOBAL, kw_g_stats, 0, 0, 0, NULL },
	{ "vrrpd-socket", CFG_SEC_GLOBAL, kw_g_vrrpd_socket, offsetof(struct global, vrrpd_socket), 0, 0, NULL },
	{ "snmp-agentx-socket", CFG_SEC_GLOBAL, kw_g_snmp_socket, offsetof(struct global, snmp_agentx_socket), 0, 0, NULL },
	{ "on-address-loss", CFG_SEC_GLOBAL, kw_g_addr_loss, 0, 0, 0, NULL },
	{ "master-worker", CFG_SEC_GLOBAL, kw_g_master_worker, 0, 0, 0, NULL },
	{ "server-state-file", CFG_SEC_GLOBAL, kw_str, offsetof(struct global, server_state_file), 0, 0, NULL },
	{ "server-state-base", CFG_SEC_GLOBAL, kw_str, offsetof(struct global, server_state_base), 0, 0, NULL },
	{ "mworker-max-reloads", CFG_SEC_GLOBAL, kw_uint, offsetof(struct global, mworker_max_reloads), 0, 1000000, NULL },
	{ "ssl-default-bind-options", CFG_SEC_GLOBAL, kw_g_ssl_def, 0, 0, TLS_SIDE_BIND, NULL },
	{ "ssl-default-bind-ciphers", CFG_SEC_GLOBAL, kw_g_ssl_def, 0, 1, TLS_SIDE_BIND, NULL },
	{ "ssl-default-bind-ciphersuites", CFG_SEC_GLOBAL, kw_g_ssl_def, 0, 2, TLS_SIDE_BIND, NULL },
	{ "ssl-default-bind-curves", CFG_SEC_GLOBAL, kw_g_ssl_def, 0, 3, TLS_SIDE_BIND, NULL },
	{ "ssl-default-server-options", CFG_SEC_GLOBAL, kw_g_ssl_def, 0, 0, TLS_SIDE_SRV, NULL },
	{ "ssl-default-server-ciphers", CFG_SEC_GLOBAL, kw_g_ssl_def, 0, 1, TLS_SIDE_SRV, NULL },
	{ "ssl-default-server-ciphersuites", CFG_SEC_GLOBAL, kw_g_ssl_def, 0, 2, TLS_SIDE_SRV, NULL },
	{ "ssl-default-server-curves", CFG_SEC_GLOBAL, kw_g_ssl_def, 0, 3, TLS_SIDE_SRV, NULL },
	{ "ssl-engine", CFG_SEC_GLOBAL, kw_ignored_warn, 0, 0, 0, "is ignored: OpenSSL 3 has no engines (hardware offload is an OpenSSL provider, set up in openssl.cnf); lbd runs with OpenSSL's default provider" },
	{ "tune.ssl.cachesize", CFG_SEC_GLOBAL, kw_uint, offsetof(struct global, tls_tune.cachesize), 0, 10000000, NULL },
	{ "tune.ssl.lifetime", CFG_SEC_GLOBAL, kw_g_ssl_lifetime, 0, 0, 0, NULL },
	{ "tune.ssl.default-dh-param", CFG_SEC_GLOBAL, kw_uint, offsetof(struct global, tls_tune.dh_param), 1024, 8192, NULL },
	{ "tune.buffers.limit", CFG_SEC_GLOBAL, kw_unsupported, 0, 0, 0, "lbd allocates buffers per session" },
	{ "tune.buffers.reserve", CFG_SEC_GLOBAL, kw_unsupported, 0, 0, 0, "lbd allocates buffers per session" },
	{ "ulimit-n", CFG_SEC_GLOBAL, kw_unsupported, 0, 0, 0, "lbd derives the limit from maxconn" },
	{ "description", CFG_SEC_GLOBAL, kw_str, offsetof(struct global, node), 0, 0, NULL },
	{ "external-check", CFG_SEC_GLOBAL, kw_g_extcheck, 0, 0, 0, NULL },
	{ "insecure-fork-wanted", CFG_SEC_GLOBAL, kw_flag, offsetof(struct global, insecure_fork_wanted), 0, 1, NULL },
	{ NULL, 0, NULL, 0, 0, 0, NULL }
};

static const struct cfg_kw *kw_lookup(const struct cfg_kw *tab, const char *name)
{
	for (; tab->name; tab++)
		if (strcmp(tab->name, name) == 0)
			return tab;
	return NULL;
}

int cfg_kw_global(struct cfg_ctx *ctx, int argc, char **argv)
{
	const struct cfg_kw *kw = kw_lookup(cfg_global_kws, argv[0]);

	if (!kw)
		return -1;
	if (kw->parse(ctx, kw, argc, argv) < 0)
		cfg_err(ctx, "'%s': out of memory.", argv[0]);
	return 0;
}

/* ---- proxy handlers ---- */

static const char *kw_cap_name(unsigned cap)
{
	switch (cap) {
	case PR_CAP_DEF: return "defaults";
	case PR_CAP_FE: return "frontend";
	case PR_CAP_BE: return "backend";
	default: return "listen";
	}
}

static int kw_p_mode(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		     char **argv)
{
	if (kw_need_args(ctx, argc, argv, 1, "one of 'tcp' or 'http'") < 0)
		return 0;
	if (strcmp(argv[1], "tcp") == 0)
		ctx->cur->mode = PR_MODE_TCP;
	else if (strcmp(argv[1], "http") == 0)
		ctx->cur->mode = PR_MODE_HTTP;
	else if (strcmp(argv[1], "health") == 0)
		cfg_err(ctx, "'mode health' was removed in HAProxy 2.4: use "
			"'monitor-uri' in http mode.");
	else
		cfg_err(ctx, "unknown proxy mode '%s' (expected 'tcp' or 'http').",
			argv[1]);
	return 0;
}

static int kw_p_defbe(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		      char **argv)
{
	if (kw_need_args(ctx, argc, argv, 1, "a backend name") < 0)
		return 0;
	if (argc > 2)
		cfg_err(ctx, "'default_backend' takes exactly one argument.");
	free(ctx->cur->defbe_name);
	ctx->cur->defbe_name = strdup(argv[1]);
	return ctx->cur->defbe_name ? 0 : -1;
}

/* use_backend <name|%[expr]> [if|unless <condition>] */
static int kw_p_usebe(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		      char **argv)
{
	struct use_backend *ub, **pp;
	char err[256];

	if (kw_need_args(ctx, argc, argv, 1, "a backend name") < 0)
		return 0;
	if (argc > 2 && strcmp(argv[2], "if") != 0 && strcmp(argv[2], "unless") != 0) {
		cfg_err(ctx, "'use_backend': unexpected '%s' (expected 'if' or "
			"'unless').", argv[2]);
		return 0;
	}
	ub = calloc(1, sizeof(*ub));
	if (!ub || !(ub->name = strdup(argv[1])) || !(ub->file = strdup(ctx->file)))
		goto nomem;
	ub->line = ctx->line;
	if (strchr(argv[1], '%')) {
		ub->dyn = logfmt_compile_smp(argv[1], &hrule_smp_ops, err, sizeof(err));
		if (!ub->dyn) {
			cfg_err(ctx, "'use_backend %s': %s.", argv[1], err);
			goto drop;
		}
	}
	if (argc > 2) {
		ub->cond = acl_cond_parse(ctx->cur, argc - 2, argv + 2, err, sizeof(err));
		if (!ub->cond) {
			cfg_err(ctx, "'use_backend %s': %s.", argv[1], err);
			goto drop;
		}
		if (acl_cond_use(ub->cond) & SMP_USE_RES) {
			cfg_err(ctx, "'use_backend %s': the condition uses response "
				"fetches, which never match here.", argv[1]);
			goto drop;
		}
	}
	for (pp = &ctx->cur->use_be; *pp; pp = &(*pp)->next)
		;
	*pp = ub;
	return 0;
nomem:
	if (ub) {
		free(ub->name);
		free(ub->file);
	}
	free(ub);
	return -1;
drop:
	acl_cond_free(ub->cond);
	logfmt_free(ub->dyn);
	free(ub->name);
	free(ub->file);
	free(ub);
	return 0;
}

static int kw_p_balance(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			int argc, char **argv)
{
	struct proxy *px = ctx->cur;
	const char *arg = NULL;
	char err[256];

	if (kw_need_args(ctx, argc, argv, 1, "an algorithm") < 0)
		return 0;
	if (lb_parse_balance(&px->lb, argc - 1, argv + 1, &arg, err,
			     sizeof(err)) < 0) {
		cfg_err(ctx, "'balance': %s", err);
		return 0;
	}
	free(px->lb_arg_store);
	px->lb_arg_store = arg ? strdup(arg) : NULL;
	px->lb_arg = px->lb_arg_store;
	return 0;
}

static int kw_p_hashtype(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			 int argc, char **argv)
{
	if (kw_need_args(ctx, argc, argv, 1, "'map-based' or 'consistent'") < 0)
		return 0;
	if (strcmp(argv[1], "map-based") == 0)
		ctx->cur->lb.hash_type = LB_HASH_MAP_BASED;
	else if (strcmp(argv[1], "consistent") == 0)
		ctx->cur->lb.hash_type = LB_HASH_CONSISTENT;
	else {
		cfg_err(ctx, "'hash-type': unknown method '%s' (expected "
			"'map-based' or 'consistent').", argv[1]);
		return 0;
	}
	/* the optional hash function and modifier */
	if (argc > 2 && strcmp(argv[2], "sdbm") != 0 && strcmp(argv[2], "djb2") != 0 &&
	    strcmp(argv[2], "wt6") != 0 && strcmp(argv[2], "crc32") != 0 &&
	    strcmp(argv[2], "none") != 0)
		cfg_err(ctx, "'hash-type': unknown hash function '%s'.", argv[2]);
	else if (argc > 2)
		cfg_warn(ctx, "'hash-type %s %s': lbd uses its own hash function; "
			 "the function name is ignored.", argv[1], argv[2]);
	return 0;
}

/* "timeout <name> <time>": a row per timeout, offset into pr_timeouts. */
static const struct cfg_kw cfg_timeout_kws[] = {
	{ "connect", PR_CAP_DEF | PR_CAP_BE, kw_time, offsetof(struct proxy, to.connect), 0, 0, NULL },
	{ "client", PR_CAP_DEF | PR_CAP_FE, kw_time, offsetof(struct proxy, to.client), 0, 0, NULL },
	{ "server", PR_CAP_DEF | PR_CAP_BE, kw_time, offsetof(struct proxy, to.server), 0, 0, NULL },
	{ "tunnel", PR_CAP_DEF | PR_CAP_BE, kw_time, offsetof(struct proxy, to.tunnel), 0, 0, NULL },
	{ "client-fin", PR_CAP_DEF | PR_CAP_FE, kw_time, offsetof(struct proxy, to.client_fin), 0, 0, NULL },
	{ "server-fin", PR_CAP_DEF | PR_CAP_BE, kw_time, offsetof(struct proxy, to.server_fin), 0, 0, NULL },
	{ "http-request", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, kw_time, offsetof(struct proxy, to.http_request), 0, 0, NULL },
	{ "http-keep-alive", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, kw_time, offsetof(struct proxy, to.http_keep_alive), 0, 0, NULL },
	{ "queue", PR_CAP_DEF | PR_CAP_BE, kw_time, offsetof(struct proxy, to.queue), 0, 0, NULL },
	{ "check", PR_CAP_DEF | PR_CAP_BE, kw_time, offsetof(struct proxy, to.check), 0, 0, NULL },
	{ "tarpit", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, kw_time, offsetof(struct proxy, to.tarpit), 0, 0, NULL },
	{ NULL, 0, NULL, 0, 0, 0, NULL }
};

static int kw_p_timeout(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			int argc, char **argv)
{
	const struct cfg_kw *t;

	if (kw_need_args(ctx, argc, argv, 2, "a timeout name and a value") < 0)
		return 0;
	/* HAProxy's old aliases */
	if (strcmp(argv[1], "clitimeout") == 0 || strcmp(argv[1], "srvtimeout") == 0 ||
	    strcmp(argv[1], "contimeout") == 0) {
		cfg_err(ctx, "'timeout %s' is a removed alias.", argv[1]);
		return 0;
	}
	t = kw_lookup(cfg_timeout_kws, argv[1]);
	if (!t) {
		cfg_err(ctx, "'timeout' supports 'client', 'server', 'connect', "
			"'check', 'queue', 'http-keep-alive', 'http-request', "
			"'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got '%s').",
			argv[1]);
		return 0;
	}
	if (!(t->where & ctx->cur->cap)) {
		cfg_warn(ctx, "'timeout %s' ignored because %s '%s' has no %s "
			 "capability.", argv[1], kw_cap_name(ctx->cur->cap),
			 ctx->cur->id, (t->where & PR_CAP_FE) ? "frontend" : "backend");
		return 0;
	}
	{
		/* messages name the whole keyword: 'timeout client' */
		char name[64], *args[3] = { name, argv[2], NULL };

		snprintf(name, sizeof(name), "timeout %s", argv[1]);
		if (argc > 3)
			cfg_err(ctx, "'%s' expects exactly one value.", name);
		return t->parse(ctx, t, 2, args);
	}
}

static int kw_p_log(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		    char **argv)
{
	struct proxy *px = ctx->cur;
	char err[256];

	if (kw_need_args(ctx, argc, argv, 1, "'global' or a target") < 0)
		return 0;
	if (strcmp(argv[1], "global") == 0) {
		px->log_global = 1;
		return 0;
	}
	if (px->nlogs >= LBD_MAX_LOGS) {
		cfg_err(ctx, "too many 'log' lines (max %d).", LBD_MAX_LOGS);
		return 0;
	}
	if (slog_target_parse(&px->logs[px->nlogs], argc - 1, argv + 1, err,
			      sizeof(err)) < 0) {
		cfg_err(ctx, "'log': %s", err);
		return 0;
	}
	px->nlogs++;
	return 0;
}

static int kw_p_no_log(struct cfg_ctx *ctx)
{
	ctx->cur->nlogs = 0;
	ctx->cur->log_global = 0;
	return 0;
}

static int kw_p_logformat(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			  int argc, char **argv)
{
	struct proxy *px = ctx->cur;
	struct logfmt *lf;
	char err[256];

	if (kw_need_args(ctx, argc, argv, 1, "a format string") < 0)
		return 0;
	if (argc > 2) {
		cfg_err(ctx, "'log-format' expects one argument: quote the format "
			"string with double quotes.");
		return 0;
	}
	lf = hrule_logfmt_compile(argv[1], err, sizeof(err));
	if (!lf) {
		cfg_err(ctx, "'log-format': %s", err);
		return 0;
	}
	logfmt_free(lf);	/* compiled again when the proxy is finalized */
	free(px->logfmt_str);
	px->logfmt_str = strdup(argv[1]);
	return px->logfmt_str ? 0 : -1;
}

static int kw_p_errorfile(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			  int argc, char **argv)
{
	char err[512];
	uint64_t code;

	if (kw_need_args(ctx, argc, argv, 2, "<code> and <file>") < 0)
		return 0;
	if (cfg_parse_uint(argv[1], 200, 599, &code, err, sizeof(err)) < 0) {
		cfg_err(ctx, "'errorfile': %s", err);
		return 0;
	}
	if (cfg_errorfile_load(ctx->cur, (int)code, argv[2], err, sizeof(err)) < 0)
		cfg_err(ctx, "'errorfile %s %s': %s", argv[1], argv[2], err);
	return 0;
}

static int kw_p_reuse(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		      char **argv)
{
	if (kw_need_args(ctx, argc, argv, 1, "'never', 'safe', 'aggressive' "
			 "or 'always'") < 0)
		return 0;
	for (int i = 0; i < PR_REUSE_COUNT; i++) {
		if (strcmp(argv[1], pr_reuse_names[i]) == 0) {
			ctx->cur->reuse = (enum pr_reuse)i;
			return 0;
		}
	}
	cfg_err(ctx, "'http-reuse' expects 'never', 'safe', 'aggressive' or "
		"'always' (got '%s').", argv[1]);
	return 0;
}

/* load-server-state-from-file global|local|none (srvstate.c) */
static int kw_p_load_state(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
			   char **argv)
{
	static const char *const names[] = { [SRVSTATE_NONE] = "none",
		[SRVSTATE_GLOBAL] = "global", [SRVSTATE_LOCAL] = "local" };

	for (int i = 0; argc == 2 && i < 3; i++)
		if (strcmp(argv[1], names[i]) == 0) {
			ctx->cur->load_state = i;
			return 0;
		}
	cfg_err(ctx, "'load-server-state-from-file' expects 'global', 'local' or 'none'.");
	return 0;
}

/* server-state-file-name [<file>|use-backend-name] */
static int kw_p_state_file_name(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
				char **argv)
{
	char *v = NULL;

	if (argc > 2) {
		cfg_err(ctx, "'server-state-file-name' takes at most one file name.");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "use-backend-name") != 0 &&
	    !(v = strdup(argv[1])))
		return -1;
	free(ctx->cur->state_file_name);
	ctx->cur->state_file_name = v;
	return 0;
}

/* stats enable|uri|... and http-request use-service (service.c) */
static int kw_p_stats(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		      char **argv)
{
	return svc_cfg_stats(ctx, argc, argv);
}

/* http-request / http-response rules and ACLs (http_rules.c, acl.c) */
static int kw_p_http_request(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			     int argc, char **argv)
{
	return hrule_cfg(ctx, 0, argc, argv);
}

static int kw_p_http_response(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			      int argc, char **argv)
{
	return hrule_cfg(ctx, 1, argc, argv);
}

static int kw_p_stick_table(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
			    char **argv)
{
	return stkt_cfg(ctx, argc, argv);
}

static int kw_p_capture(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
			char **argv)
{
	return cap_cfg(ctx, argc, argv);
}

static int kw_p_cookie(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		       char **argv)
{
	return ck_cfg(ctx, argc, argv);
}

/* unique-id-format <fmt> / unique-id-header <name> */
static int kw_p_unique_id(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
			  char **argv)
{
	char **dst = argv[0][10] == 'f' ? &ctx->cur->uid_fmt_str : &ctx->cur->uid_hdr;
	char err[256];

	if (argc != 2) {
		cfg_err(ctx, "'%s' expects exactly one argument.", argv[0]);
		return 0;
	}
	if (dst == &ctx->cur->uid_hdr && !http1_is_token(argv[1], strlen(argv[1]))) {
		cfg_err(ctx, "'unique-id-header': invalid header name '%s'.", argv[1]);
		return 0;
	}
	if (dst == &ctx->cur->uid_fmt_str) {
		struct logfmt *lf = logfmt_compile_smp(argv[1], &hrule_smp_ops, err,
						       sizeof(err));

		if (!lf) {
			cfg_err(ctx, "'unique-id-format': %s.", err);
			return 0;
		}
		logfmt_free(lf);	/* compiled again when the proxy is finalized */
	}
	free(*dst);
	*dst = strdup(argv[1]);
	return *dst ? 0 : -1;
}

static int kw_p_tcp_request(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
			    char **argv)
{
	return trule_cfg(ctx, argc, argv);
}

static int kw_p_stick(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		      char **argv)
{
	return stick_cfg(ctx, argc, argv);
}

static int kw_p_compression(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
			    char **argv)
{
	return comp_cfg(ctx, argc, argv);
}

static int kw_p_acl(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		    char **argv)
{
	char err[256];

	if (acl_declare(ctx->cur, argc, argv, err, sizeof(err)) < 0)
		cfg_err(ctx, "'acl %s': %s.", argc > 1 ? argv[1] : "", err);
	return 0;
}

static int kw_p_disabled(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			 int argc, char **argv)
{
	ctx->cur->disabled = strcmp(argv[0], "disabled") == 0;
	return 0;
}

static int kw_p_server(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		       char **argv)
{
	return cfg_parse_server(ctx, argc, argv, strcmp(argv[0], "default-server") == 0);
}

static int kw_p_bind(struct cfg_ctx *ctx, const struct cfg_kw *kw, int argc,
		     char **argv)
{
	return cfg_parse_bind(ctx, argc, argv);
}

/* ---- "option" ---- */

struct cfg_opt {
	const char *name;
	unsigned where;
	unsigned bit;			/* PR_O_* or 0 for special */
	int (*parse)(struct cfg_ctx *ctx, int neg, int argc, char **argv);
	const char *note;		/* not supported yet: why */
};

static int opt_http_conn(struct cfg_ctx *ctx, int neg, int argc, char **argv)
{
	enum pr_http_conn m = PR_HTTP_KAL;

	if (strcmp(argv[1], "http-server-close") == 0)
		m = PR_HTTP_SCL;
	else if (strcmp(argv[1], "httpclose") == 0)
		m = PR_HTTP_CLO;
	if (neg) {
		if (ctx->cur->http_conn == m)
			ctx->cur->http_conn = PR_HTTP_KAL;
		return 0;
	}
	ctx->cur->http_conn = m;
	return 0;
}

static int opt_httplog(struct cfg_ctx *ctx, int neg, int argc, char **argv)
{
	struct proxy *px = ctx->cur;

	px->options &= ~(PR_O_HTTPLOG | PR_O_HTTPLOG_CLF | PR_O_TCPLOG);
	if (neg)
		return 0;
	px->options |= PR_O_HTTPLOG;
	if (argc > 2 && strcmp(argv[2], "clf") == 0)
		px->options |= PR_O_HTTPLOG_CLF;
	else if (argc > 2)
		cfg_err(ctx, "'option httplog' accepts only 'clf' (got '%s').", argv[2]);
	/* an explicit option replaces an inherited log-format */
	free(px->logfmt_str);
	px->logfmt_str = NULL;
	return 0;
}

static int opt_tcplog(struct cfg_ctx *ctx, int neg, int argc, char **argv)
{
	struct proxy *px = ctx->cur;

	px->options &= ~(PR_O_HTTPLOG | PR_O_HTTPLOG_CLF | PR_O_TCPLOG);
	if (!neg) {
		px->options |= PR_O_TCPLOG;
		free(px->logfmt_str);
		px->logfmt_str = NULL;
	}
	return 0;
}

static int opt_forwardfor(struct cfg_ctx *ctx, int neg, int argc, char **argv)
{
	struct proxy *px = ctx->cur;

	if (neg) {
		px->options &= ~PR_O_FORWARDFOR;
		return 0;
	}
	px->options |= PR_O_FORWARDFOR;
	for (int i = 2; i < argc; i++) {
		char **dst = NULL;

		if (strcmp(argv[i], "header") == 0)
			dst = &px->fwdfor_hdr;
		else if (strcmp(argv[i], "except") == 0)
			dst = &px->fwdfor_except;
		else if (strcmp(argv[i], "if-none") == 0) {
			cfg_err(ctx, "'option forwardfor if-none' is not supported yet.");
			continue;
		} else {
			cfg_err(ctx, "'option forwardfor' expects 'header <name>', "
				"'except <network>' or 'if-none' (got '%s').", argv[i]);
			continue;
		}
		if (i + 1 >= argc) {
			cfg_err(ctx, "'option forwardfor %s' expects a value.", argv[i]);
			break;
		}
		if (dst == &px->fwdfor_except) {
			cfg_err(ctx, "'option forwardfor except' is not supported yet.");
			i++;
			continue;
		}
		free(*dst);
		*dst = strdup(argv[++i]);
	}
	return 0;
}

static int opt_redispatch(struct cfg_ctx *ctx, int neg, int argc, char **argv)
{
	char *end;
	long v;

	if (neg) {
		ctx->cur->options &= ~PR_O_REDISPATCH;
		return 0;
	}
	ctx->cur->options |= PR_O_REDISPATCH;
	ctx->cur->redispatch_every = -1;
	if (argc < 3)
		return 0;
	v = strtol(argv[2], &end, 10);
	if (*end || end == argv[2] || v == 0 || v < -100 || v > 100)
		cfg_err(ctx, "'option redispatch' expects a non-zero interval between "
			"-100 and 100 (got '%s').", argv[2]);
	else
		ctx->cur->redispatch_every = (int)v;
	return 0;
}

/* option redis-check | ldap-check | ssl-hello-chk | mysql-check [user U
 * [post-41|pre-41]] | pgsql-check user U | smtpchk [HELO|EHLO <domain>] */
static int opt_named_check(struct cfg_ctx *ctx, int neg, int argc, char **argv)
{
	static const struct { const char *name; enum pr_chk_proto p; } names[] = {
		{ "redis-check", PR_PROTO_REDIS }, { "mysql-check", PR_PROTO_MYSQL },
		{ "pgsql-check", PR_PROTO_PGSQL }, { "smtpchk", PR_PROTO_SMTP },
		{ "ldap-check", PR_PROTO_LDAP }, { "ssl-hello-chk", PR_PROTO_SSL_HELLO },
	};
	struct proxy *px = ctx->cur;
	size_t k;

	if (neg) {
		px->check_kind = PR_CHK_TCP;
		return 0;
	}
	for (k = 0; strcmp(names[k].name, argv[1]) != 0; k++)
		;
	px->check_kind = PR_CHK_PROTO;
	px->chk_proto = names[k].p;
	switch (names[k].p) {
	case PR_PROTO_MYSQL:
	case PR_PROTO_PGSQL:
		if (argc >= 4 && strcmp(argv[2], "user") == 0) {
			free(px->chk_user);
			if (!(px->chk_user = strdup(argv[3])))
				return -1;
			if (argc == 5 && names[k].p == PR_PROTO_MYSQL &&
			    (strcmp(argv[4], "post-41") == 0 || strcmp(argv[4], "pre-41") == 0))
				px->chk_mysql_pre41 = argv[4][1] == 'r';
			else if (argc > 4)
				cfg_err(ctx, "'option %s': unexpected '%s'.", argv[1], argv[4]);
		} else if (argc > 2 || names[k].p == PR_PROTO_PGSQL)
			cfg_err(ctx, "'option %s' expects 'user <username>'%s.", argv[1],
				names[k].p == PR_PROTO_MYSQL ? " or nothing" : "");
		return 0;
	case PR_PROTO_SMTP:
		if (argc == 2)
			return 0;
		if (argc != 4) {
			cfg_err(ctx, "'option smtpchk' expects nothing or '<hello> <domain>'.");
			return 0;
		}
		if (strcmp(argv[2], "HELO") != 0 && strcmp(argv[2], "EHLO") != 0)
			cfg_warn(ctx, "'option smtpchk %s': not HELO or EHLO, so HELO is "
				 "sent, as HAProxy does.", argv[2]);
		px->chk_smtp_ehlo = strcmp(argv[2], "EHLO") == 0;
		free(px->chk_domain);
		return (px->chk_domain = strdup(argv[3])) ? 0 : -1;
	default:
		if (argc > 2)
			cfg_err(ctx, "'option %s' takes no argument.", argv[1]);
		return 0;
	}
}

static int opt_tcp_check(struct cfg_ctx *ctx, int neg, int argc, char **argv)
{
	if (argc > 2)
		cfg_err(ctx, "'option tcp-check' takes no argument.");
	ctx->cur->check_kind = neg ? PR_CHK_TCP : PR_CHK_TCPCHK;
	return 0;
}

static int opt_httpchk(struct cfg_ctx *ctx, int neg, int argc, char **argv)
{
	if (neg) {
		ctx->cur->check_kind = PR_CHK_TCP;
		return 0;
	}
	return chk_cfg_httpchk(ctx, ctx->cur, argc, argv);
}

static int opt_external_check(struct cfg_ctx *ctx, int neg, int argc, char **argv)
{
	if (argc > 2)
		cfg_err(ctx, "'option external-check' takes no argument.");
	ctx->cur->check_kind = neg ? PR_CHK_TCP : PR_CHK_EXTERNAL;
	return 0;
}

static const struct cfg_opt cfg_options[] = {
	{ "dontlognull", PR_CAP_DEF | PR_CAP_FE, PR_O_DONTLOGNULL, NULL, NULL },
	{ "dontlog-normal", PR_CAP_DEF | PR_CAP_FE, PR_O_DONTLOG_NORMAL, NULL, NULL },
	{ "log-separate-errors", PR_CAP_DEF | PR_CAP_FE, PR_O_LOG_SEPARATE_ERRORS, NULL, NULL },
	{ "httplog", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, opt_httplog, NULL },
	{ "tcplog", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, opt_tcplog, NULL },
	{ "http-keep-alive", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, opt_http_conn, NULL },
	{ "http-server-close", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, opt_http_conn, NULL },
	{ "httpclose", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, opt_http_conn, NULL },
	{ "forwardfor", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, opt_forwardfor, NULL },
	{ "redispatch", PR_CAP_DEF | PR_CAP_BE, 0, opt_redispatch, NULL },
	{ "allbackups", PR_CAP_DEF | PR_CAP_BE, PR_O_ALLBACKUPS, NULL, NULL },
	{ "splice-auto", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, PR_O_SPLICE_AUTO, NULL, NULL },
	{ "splice-request", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, PR_O_SPLICE_AUTO, NULL, NULL },
	{ "splice-response", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, PR_O_SPLICE_AUTO, NULL, NULL },
	{ "nolinger", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, PR_O_NOLINGER, NULL, NULL },
	{ "clitcpka", PR_CAP_DEF | PR_CAP_FE, PR_O_CLTKA, NULL, NULL },
	{ "srvtcpka", PR_CAP_DEF | PR_CAP_BE, PR_O_SRVKA, NULL, NULL },
	{ "tcpka", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, PR_O_CLTKA | PR_O_SRVKA, NULL, NULL },
	{ "abortonclose", PR_CAP_DEF | PR_CAP_BE, 0, NULL, "lbd does not watch clients while their request waits" },
	{ "prefer-last-server", PR_CAP_DEF | PR_CAP_BE, 0, NULL, NULL },
	{ "httpchk", PR_CAP_DEF | PR_CAP_BE, 0, opt_httpchk, NULL },
	{ "tcp-check", PR_CAP_DEF | PR_CAP_BE, 0, opt_tcp_check, NULL },
	{ "mysql-check", PR_CAP_DEF | PR_CAP_BE, 0, opt_named_check, NULL },
	{ "redis-check", PR_CAP_DEF | PR_CAP_BE, 0, opt_named_check, NULL },
	{ "pgsql-check", PR_CAP_DEF | PR_CAP_BE, 0, opt_named_check, NULL },
	{ "smtpchk", PR_CAP_DEF | PR_CAP_BE, 0, opt_named_check, NULL },
	{ "ldap-check", PR_CAP_DEF | PR_CAP_BE, 0, opt_named_check, NULL },
	{ "ssl-hello-chk", PR_CAP_DEF | PR_CAP_BE, 0, opt_named_check, NULL },
	{ "external-check", PR_CAP_DEF | PR_CAP_BE, 0, opt_external_check, NULL },
	{ "log-health-checks", PR_CAP_DEF | PR_CAP_BE, 0, NULL, "health checks arrive with their own issue" },
	{ "http-buffer-request", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, NULL, NULL },
	{ "http-no-delay", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, NULL, NULL },
	{ "http-pretend-keepalive", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, NULL, NULL },
	{ "persist", PR_CAP_DEF | PR_CAP_BE, PR_O_PERSIST, NULL, NULL },
	{ "accept-invalid-http-request", PR_CAP_DEF | PR_CAP_FE, 0, NULL, "lbd is always strict" },
	{ "accept-invalid-http-response", PR_CAP_DEF | PR_CAP_BE, 0, NULL, "lbd is always strict" },
	{ "http-use-htx", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, NULL, "removed in HAProxy 2.1; remove it" },
	{ "originalto", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, NULL, NULL },
	{ "logasap", PR_CAP_DEF | PR_CAP_FE, 0, NULL, NULL },
	{ "socket-stats", PR_CAP_DEF | PR_CAP_FE, 0, NULL, "arrives with the runtime API" },
	{ "contstats", PR_CAP_DEF | PR_CAP_FE, 0, NULL, NULL },
	{ "independent-streams", PR_CAP_DEF | PR_CAP_FE | PR_CAP_BE, 0, NULL, NULL },
	{ "transparent", PR_CAP_DEF | PR_CAP_BE, 0, NULL, NULL },
	{ NULL, 0, 0, NULL, NULL }
};

static int kw_p_option(struct cfg_ctx *ctx, int neg, int argc, char **argv)
{
	const struct cfg_opt *o;

	if (argc < 2) {
		cfg_err(ctx, "'option' expects an option name.");
		return 0;
	}
	for (o = cfg_options; o->name; o++)
		if (strcmp(o->name, argv[1]) == 0)
			break;
	if (!o->name) {
		cfg_err(ctx, "unknown option '%s'.", argv[1]);
		return 0;
	}
	if (!(o->where & ctx->cur->cap)) {
		cfg_warn(ctx, "'option %s' ignored because %s '%s' has no %s "
			 "capability.", argv[1], kw_cap_name(ctx->cur->cap),
			 ctx->cur->id, (o->where & PR_CAP_FE) ? "frontend" : "backend");
		return 0;
	}
	if (o->parse)
		return o->parse(ctx, neg, argc, argv);
	if (!o->bit) {
		cfg_err(ctx, "'option %s' is not supported yet%s%s.", argv[1],
			o->note ? ": " : "", o->note ? o->note : "");
		return 0;
	}
	if (argc > 2)
		cfg_err(ctx, "'option %s' takes no argument.", argv[1]);
	if (neg)
		ctx->cur->options &= ~o->bit;
	else
		ctx->cur->options |= o->bit;
	return 0;
}

static int kw_p_retry_on(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			 int argc, char **argv)
{
	static const struct { const char *name; unsigned bits; } conds[] = {
		{ "none", 0 }, { "conn-failure", PR_RETRY_CONN_FAILURE },
		{ "empty-response", PR_RETRY_EMPTY_RESPONSE },
		{ "junk-response", PR_RETRY_JUNK_RESPONSE },
		{ "response-timeout", PR_RETRY_RESP_TIMEOUT },
		{ "0rtt-rejected", PR_RETRY_0RTT_REJECTED },
		{ "404", PR_RETRY_404 }, { "408", PR_RETRY_408 }, { "425", PR_RETRY_425 },
		{ "500", PR_RETRY_500 }, { "501", PR_RETRY_501 }, { "502", PR_RETRY_502 },
		{ "503", PR_RETRY_503 }, { "504", PR_RETRY_504 },
		{ "all-retryable-errors", PR_RETRY_CONN_FAILURE | PR_RETRY_EMPTY_RESPONSE |
		  PR_RETRY_JUNK_RESPONSE | PR_RETRY_RESP_TIMEOUT | PR_RETRY_0RTT_REJECTED |
		  PR_RETRY_500 | PR_RETRY_502 | PR_RETRY_503 | PR_RETRY_504 },
	};
	unsigned bits = 0;

	if (kw_need_args(ctx, argc, argv, 1, "at least one condition") < 0)
		return 0;
	for (int i = 1; i < argc; i++) {
		size_t k;

		for (k = 0; k < sizeof(conds) / sizeof(conds[0]); k++)
			if (strcmp(argv[i], conds[k].name) == 0)
				break;
		if (k == sizeof(conds) / sizeof(conds[0])) {
			cfg_err(ctx, "'retry-on': unknown condition '%s'.", argv[i]);
			return 0;
		}
		if (strcmp(argv[i], "none") == 0 && argc > 2)
			cfg_err(ctx, "'retry-on': 'none' cannot be combined.");
		bits |= conds[k].bits;
	}
	ctx->cur->retry_on = bits;
	return 0;
}

static int kw_p_tcp_check(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			  int argc, char **argv)
{
	return tcpchk_cfg_rule(ctx, ctx->cur, argc, argv);
}

static int kw_p_http_check(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			   int argc, char **argv)
{
	return chk_cfg_http_check(ctx, ctx->cur, argc, argv);
}

static int kw_p_extcheck(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			 int argc, char **argv)
{
	return extchk_cfg(ctx, ctx->cur, argc, argv);
}

static int kw_p_fullconn(struct cfg_ctx *ctx, const struct cfg_kw *kw,
			 int argc, char **argv)
{
	return kw_uint(ctx, kw, argc, argv);
}

#define RULES "ACLs and http rules arrive with their own issue"
#define CHECKS "health checks arrive with their own issue"
static const struct cfg_kw cfg_proxy_kws[] = {
	{ "mode", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_mode, 0, 0, 0, NULL },
	{ "bind", PR_CAP_FE, kw_p_bind, 0, 0, 0, NULL },
	{ "default_backend", PR_CAP_DEF | PR_CAP_FE, kw_p_defbe, 0, 0, 0, NULL },
	{ "use_backend", PR_CAP_FE, kw_p_usebe, 0, 0, 0, NULL },
	{ "server", PR_CAP_BE, kw_p_server, 0, 0, 0, NULL },
	{ "default-server", PR_CAP_DEF | PR_CAP_BE, kw_p_server, 0, 0, 0, NULL },
	{ "balance", PR_CAP_DEF | PR_CAP_BE, kw_p_balance, 0, 0, 0, NULL },
	{ "hash-type", PR_CAP_DEF | PR_CAP_BE, kw_p_hashtype, 0, 0, 0, NULL },
	{ "timeout", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_timeout, 0, 0, 0, NULL },
	{ "log", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_log, 0, 0, 0, NULL },
	{ "log-format", PR_CAP_DEF | PR_CAP_FE, kw_p_logformat, 0, 0, 0, NULL },
	{ "maxconn", PR_CAP_DEF | PR_CAP_FE, kw_uint, offsetof(struct proxy, maxconn), 0, 10000000, NULL },
	{ "fullconn", PR_CAP_DEF | PR_CAP_BE, kw_p_fullconn, offsetof(struct proxy, fullconn), 0, 10000000, NULL },
	{ "retries", PR_CAP_DEF | PR_CAP_BE, kw_uint, offsetof(struct proxy, retries), 0, 100, NULL },
	{ "http-reuse", PR_CAP_DEF | PR_CAP_BE, kw_p_reuse, 0, 0, 0, NULL },
	{ "errorfile", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_errorfile, 0, 0, 0, NULL },
	{ "disabled", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_disabled, 0, 0, 0, NULL },
	{ "enabled", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_disabled, 0, 0, 0, NULL },
	{ "id", PR_CAP_LISTEN, kw_uint, offsetof(struct proxy, uuid), 1, 2147483647, NULL },
	{ "description", PR_CAP_DEF | PR_CAP_LISTEN, kw_ignored_warn, 0, 0, 0, "is only shown by the stats page, which arrives with its own issue" },
	{ "acl", PR_CAP_LISTEN, kw_p_acl, 0, 0, 0, NULL },
	{ "http-request", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_http_request, 0, 0, 0, "the actions listed in docs/configuration.md; the others are refused" },
	{ "http-response", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_http_response, 0, 0, 0, "the actions listed in docs/configuration.md; the others are refused" },
	{ "http-after-response", PR_CAP_DEF | PR_CAP_LISTEN, kw_unsupported, 0, 0, 0, RULES },
	{ "tcp-request", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_tcp_request, 0, 0, 0, "connection and content accept, reject and track-sc, inspect-delay; the other actions are refused" },
	{ "tcp-response", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_tcp_request, 0, 0, 0, "content accept, reject and close; inspect-delay is refused" },
	{ "redirect", PR_CAP_LISTEN, kw_unsupported, 0, 0, 0, RULES },
	{ "use-server", PR_CAP_BE, kw_p_stick, 0, 0, 0, NULL },
	{ "stick-table", PR_CAP_LISTEN, kw_p_stick_table, 0, 0, 0, NULL },
	{ "stick", PR_CAP_DEF | PR_CAP_BE, kw_p_stick, 0, 0, 0, "match, on and store-request; store-response is refused" },
	{ "cookie", PR_CAP_DEF | PR_CAP_BE, kw_p_cookie, 0, 0, 0, NULL },
	{ "capture", PR_CAP_FE, kw_p_capture, 0, 0, 0, NULL },
	{ "declare", PR_CAP_FE, kw_p_capture, 0, 0, 0, NULL },
	{ "compression", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_compression, 0, 0, 0, NULL },
	{ "unique-id-format", PR_CAP_DEF | PR_CAP_FE, kw_p_unique_id, 0, 0, 0, NULL },
	{ "unique-id-header", PR_CAP_DEF | PR_CAP_FE, kw_p_unique_id, 0, 0, 0, NULL },
	{ "monitor-uri", PR_CAP_DEF | PR_CAP_FE, kw_unsupported, 0, 0, 0, NULL },
	{ "stats", PR_CAP_DEF | PR_CAP_LISTEN, kw_p_stats, 0, 0, 0, "not in defaults; stats admin takes TRUE, FALSE or LOCALHOST until ACLs arrive" },
	{ "http-check", PR_CAP_DEF | PR_CAP_BE, kw_p_http_check, 0, 0, 0, NULL },
	{ "tcp-check", PR_CAP_DEF | PR_CAP_BE, kw_p_tcp_check, 0, 0, 0, NULL },
	{ "external-check", PR_CAP_DEF | PR_CAP_BE, kw_p_extcheck, 0, 0, 0, NULL },
	{ "load-server-state-from-file", PR_CAP_DEF | PR_CAP_BE, kw_p_load_state, 0, 0, 0, NULL },
	{ "server-state-file-name", PR_CAP_DEF | PR_CAP_BE, kw_p_state_file_name, 0, 0, 0, NULL },
	{ "retry-on", PR_CAP_DEF | PR_CAP_BE, kw_p_retry_on, 0, 0, 0, NULL },
	{ "errorloc", PR_CAP_DEF | PR_CAP_LISTEN, kw_unsupported, 0, 0, 0, NULL },
	{ "errorloc302", PR_CAP_DEF | PR_CAP_LISTEN, kw_unsupported, 0, 0, 0, NULL },
	{ "errorloc303", PR_CAP_DEF | PR_CAP_LISTEN, kw_unsupported, 0, 0, 0, NULL },
	{ "errorfiles", PR_CAP_DEF | PR_CAP_LISTEN, kw_unsupported, 0, 0, 0, "http-errors sections are not supported yet" },
	{ "source", PR_CAP_DEF | PR_CAP_BE, kw_unsupported, 0, 0, 0, NULL },
	{ "dispatch", PR_CAP_BE, kw_unsupported, 0, 0, 0, NULL },
	{ "rate-limit", PR_CAP_FE, kw_unsupported, 0, 0, 0, NULL },
	{ "filter", PR_CAP_DEF | PR_CAP_LISTEN, kw_unsupported, 0, 0, 0, NULL },
	{ "max-keep-alive-queue", PR_CAP_DEF | PR_CAP_BE, kw_unsupported, 0, 0, 0, NULL },
	{ "email-alert", PR_CAP_DEF | PR_CAP_LISTEN, kw_unsupported, 0, 0, 0, NULL },
	{ "server-template", PR_CAP_BE, kw_unsupported, 0, 0, 0, NULL },
	{ "ssl-reuse", PR_CAP_DEF | PR_CAP_LISTEN, kw_ignored_warn, 0, 0, 0, "is not an HAProxy keyword and is ignored: TLS session resumption (session cache and tickets) is on by default; remove it" },
	{ NULL, 0, NULL, 0, 0, 0, NULL }
};

int cfg_kw_proxy(struct cfg_ctx *ctx, int argc, char **argv)
{
	const struct cfg_kw *kw;

	if (strcmp(argv[0], "option") == 0)
		return kw_p_option(ctx, 0, argc, argv);
	if (strcmp(argv[0], "no") == 0 && argc > 1) {
		if (strcmp(argv[1], "option") == 0)
			return kw_p_option(ctx, 1, argc - 1, argv + 1);
		if (strcmp(argv[1], "log") == 0)
			return kw_p_no_log(ctx);
		cfg_err(ctx, "'no' only applies to 'option' and 'log' (got '%s').",
			argv[1]);
		return 0;
	}
	kw = kw_lookup(cfg_proxy_kws, argv[0]);
	if (!kw)
		return -1;
	if (!(kw->where & ctx->cur->cap)) {
		if (ctx->cur->cap == PR_CAP_DEF)
			cfg_err(ctx, "'%s' is not allowed in 'defaults' sections.",
				argv[0]);
		else
			cfg_warn(ctx, "'%s' ignored because %s '%s' has no %s "
				 "capability.", argv[0], kw_cap_name(ctx->cur->cap),
				 ctx->cur->id,
				 (kw->where & PR_CAP_FE) ? "frontend" : "backend");
		return 0;
	}
	if (kw->parse(ctx, kw, argc, argv) < 0)
		cfg_err(ctx, "'%s': out of memory.", argv[0]);
	return 0;
}

/* ---- keyword listing (lbd -K), the index of docs/configuration.md ---- */

static const char *kw_status(const struct cfg_kw *kw)
{
	if (kw->parse == kw_unsupported)
		return "not-supported-yet";
	if (kw->parse == kw_removed)
		return "refused";
	/* a note on a supported keyword says which forms are not there yet */
	return kw->note && kw->parse != kw_ignored_warn ? "partial" : "supported";
}

void cfg_kw_dump(FILE *out)
{
	for (const struct cfg_kw *kw = cfg_global_kws; kw->name; kw++)
		fprintf(out, "global\t%s\t%s\n", kw->name, kw_status(kw));
	for (const struct cfg_kw *kw = cfg_proxy_kws; kw->name; kw++)
		fprintf(out, "proxy\t%s\t%s\n", kw->name, kw_status(kw));
	for (const struct cfg_kw *kw = cfg_timeout_kws; kw->name; kw++)
		fprintf(out, "proxy\ttimeout %s\t%s\n", kw->name, kw_status(kw));
	for (const struct cfg_opt *o = cfg_options; o->name; o++)
		fprintf(out, "proxy\toption %s\t%s\n", o->name,
			(o->bit || o->parse) ? "supported" : "not-supported-yet");
	cfg_srv_kw_dump(out);
}
