/*
 * extcheck.c - external check commands (see extcheck.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "extcheck.h"
#include "proxy.h"
#include "worker.h"

extern char **environ;

int extchk_cfg(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv)
{
	char **dst;

	if (argc != 3 || (strcmp(argv[1], "command") != 0 &&
			  strcmp(argv[1], "path") != 0)) {
		cfg_err(ctx, "'external-check' expects 'command <command>' or "
			"'path <path>'.");
		return 0;
	}
	dst = argv[1][0] == 'c' ? &px->extchk_cmd : &px->extchk_path;
	free(*dst);
	*dst = strdup(argv[2]);
	return *dst ? 0 : -1;
}

int extchk_cfg_finish(struct cfg_ctx *ctx, struct proxy *be)
{
	if (be->check_kind != PR_CHK_EXTERNAL)
		return 0;
	if (!ctx->conf->global.external_check) {
		cfg_alert_global(ctx, "backend '%s': 'option external-check' needs "
				 "'external-check' in the global section.", be->id);
		return -1;
	}
	if (!be->extchk_cmd) {
		cfg_alert_global(ctx, "backend '%s': 'option external-check' needs "
				 "'external-check command <command>'.", be->id);
		return -1;
	}
	if (!ctx->conf->global.insecure_fork_wanted)
		cfg_warn_global(ctx, "backend '%s': HAProxy fails external checks "
				"without 'insecure-fork-wanted' in the global section; "
				"lbd runs them.", be->id);
	return 0;
}

/* Address and port of sa as text ("" when not IP). */
static void extchk_addr(const struct sockaddr_storage *sa, char *addr,
			size_t alen, char *port, size_t plen, unsigned port_override)
{
	unsigned p = sockaddr_ip_port((const struct sockaddr *)sa, addr, alen);

	port[0] = '\0';
	if (port_override)
		p = port_override;
	if (addr[0] && p)
		snprintf(port, plen, "%u", p);
}

enum { EXT_NVARS = 11 };

/* The environment: HAProxy's variables, then lbd's own environment with
 * "preserve-env" (ours win). Returns a NULL-terminated array to free with
 * extchk_env_free, or NULL. */
static char **extchk_env(struct server *srv, const char *paddr, const char *pport,
			 const char *saddr, const char *sport)
{
	struct proxy *be = srv->be;
	size_t n = 0, nenv = 0;
	unsigned cur;
	char **env;

	if (lbd.conf->global.external_check > 1)
		while (environ[nenv])
			nenv++;
	env = calloc(EXT_NVARS + nenv + 1, sizeof(*env));
	if (!env)
		return NULL;
	pthread_mutex_lock(&be->lock);
	cur = srv->cur_sess;
	pthread_mutex_unlock(&be->lock);
	if (asprintf(&env[n++], "PATH=%s", be->extchk_path ? be->extchk_path : "") < 0 ||
	    asprintf(&env[n++], "HAPROXY_PROXY_NAME=%s", be->id) < 0 ||
	    asprintf(&env[n++], "HAPROXY_PROXY_ID=%u", be->uuid) < 0 ||
	    asprintf(&env[n++], "HAPROXY_PROXY_ADDR=%s", paddr) < 0 ||
	    asprintf(&env[n++], "HAPROXY_PROXY_PORT=%s", pport) < 0 ||
	    asprintf(&env[n++], "HAPROXY_SERVER_NAME=%s", srv->id) < 0 ||
	    asprintf(&env[n++], "HAPROXY_SERVER_ID=%u", srv->puid) < 0 ||
	    asprintf(&env[n++], "HAPROXY_SERVER_ADDR=%s", saddr) < 0 ||
	    asprintf(&env[n++], "HAPROXY_SERVER_PORT=%s", sport) < 0 ||
	    asprintf(&env[n++], "HAPROXY_SERVER_MAXCONN=%u", srv->maxconn) < 0 ||
	    asprintf(&env[n++], "HAPROXY_SERVER_CURCONN=%u", cur) < 0) {
		env[n - 1] = NULL;	/* asprintf leaves it undefined */
		goto fail;
	}
	for (size_t i = 0; i < nenv; i++) {
		const char *eq = strchr(environ[i], '=');
		int ours = 0;

		for (size_t k = 0; eq && k < EXT_NVARS; k++)
			ours |= strncmp(env[k], environ[i], (size_t)(eq - environ[i]) + 1) == 0;
		if (!ours && !(env[n++] = strdup(environ[i])))
			goto fail;
	}
	return env;
fail:
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
	return NULL;
}

static void extchk_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

/* A command without a '/' is looked up in "external-check path", as
 * execvp would with that PATH. Returns the path to run (cmd itself or
 * buf). */
static const char *extchk_lookup(const char *cmd, const char *path, char *buf,
				 size_t len)
{
	const char *p = path;

	if (strchr(cmd, '/') || !path)
		return cmd;
	while (*p) {
		size_t n = strcspn(p, ":");
		int w = snprintf(buf, len, "%.*s%s%s", (int)n, p, n ? "/" : "", cmd);

		if (w > 0 && (size_t)w < len && access(buf, X_OK) == 0)
			return buf;
		p += n;
		if (*p == ':')
			p++;
	}
	return cmd;
}

pid_t extchk_spawn(struct server *srv, char *err, size_t errlen)
{
	char exe[4096];
	const char *run;
	struct proxy *be = srv->be;
	char paddr[INET6_ADDRSTRLEN] = "", pport[16] = "", saddr[INET6_ADDRSTRLEN], sport[16];
	const char *a1 = "NOT_USED", *a2 = "NOT_USED";
	char *argv[6];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dflt;
	char **env;
	pid_t pid = -1;
	int rc;

	/* a listen section has a first bind: its address and port */
	if ((be->cap & PR_CAP_FE) && be->binds) {
		extchk_addr(&be->binds->addr, paddr, sizeof(paddr), pport, sizeof(pport), 0);
		a1 = paddr;
		a2 = pport;
	}
	extchk_addr(&srv->addr, saddr, sizeof(saddr), sport, sizeof(sport), srv->check_port);
	env = extchk_env(srv, paddr, pport, saddr, sport);
	if (!env) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	argv[0] = be->extchk_cmd;
	argv[1] = (char *)a1;
	argv[2] = (char *)a2;
	argv[3] = saddr;
	argv[4] = sport;
	argv[5] = NULL;
	sigemptyset(&none);
	sigfillset(&dflt);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dflt);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	run = extchk_lookup(be->extchk_cmd, be->extchk_path, exe, sizeof(exe));
	rc = posix_spawn(&pid, run, &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	extchk_env_free(env);
	if (rc != 0) {
		snprintf(err, errlen, "cannot run '%s': %s", be->extchk_cmd, strerror(rc));
		return -1;
	}
	return pid;
}
