/*
 * cli_cfg.c - the global "stats socket", "stats timeout" and "stats
 * maxconn" keywords of the runtime API.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cfg.h"
#include "cfg_lex.h"
#include "cli.h"
#include "cli_int.h"
#include "proxy.h"

int cli_level(const char *s)
{
	if (strcmp(s, "user") == 0)
		return CLI_LVL_USER;
	if (strcmp(s, "operator") == 0)
		return CLI_LVL_OPER;
	if (strcmp(s, "admin") == 0)
		return CLI_LVL_ADMIN;
	return 0;
}

static int cli_lookup_id(int user, const char *name, uint32_t *id)
{
	if (user) {
		struct passwd *pw = getpwnam(name);

		if (!pw)
			return -1;
		*id = pw->pw_uid;
	} else {
		struct group *gr = getgrnam(name);

		if (!gr)
			return -1;
		*id = gr->gr_gid;
	}
	return 0;
}

static int cli_cfg_socket(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct global *g = &ctx->conf->global;
	struct cli_listener *l, **tail;
	const char *addr = argv[2];
	char err[160];

	l = calloc(1, sizeof(*l));
	if (!l)
		return -1;
	l->fd = -1;
	l->mode = -1;
	l->level = CLI_LVL_OPER;
	l->line = ctx->line;
	l->file = strdup(ctx->file);
	l->text = strdup(addr);
	if (!l->file || !l->text) {
		cli_cfg_free(l);
		return -1;
	}
	if (strncmp(addr, "unix@", 5) == 0)
		addr += 5;
	if (addr[0] == '/' || addr[0] == '.') {
		struct sockaddr_un *un = (struct sockaddr_un *)&l->addr;

		if (strlen(addr) >= sizeof(un->sun_path)) {
			cfg_err(ctx, "'stats socket' path '%s' too long (max %zu).", addr,
				sizeof(un->sun_path) - 1);
			cli_cfg_free(l);
			return 0;
		}
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, addr);
		l->addrlen = sizeof(*un);
		l->path = strdup(addr);
		if (!l->path) {
			cli_cfg_free(l);
			return -1;
		}
	} else {
		unsigned len = 0;
		int has_port = 0;

		if (strncmp(addr, "ipv4@", 5) == 0 || strncmp(addr, "ipv6@", 5) == 0)
			addr += 5;
		if (cfg_parse_addr(addr, &l->addr, &len, 1, &has_port, err, sizeof(err)) < 0) {
			cfg_err(ctx, "'stats socket' : %s", err);
			cli_cfg_free(l);
			return 0;
		}
		l->addrlen = len;
	}
	for (int i = 3; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(k, "expose-fd") == 0 && v && strcmp(v, "listeners") == 0) {
			/* "_getsocks" hands the listening sockets over (-x) */
			l->expose_fd = 1;
			i++;
			continue;
		}
		if (!v) {
			cfg_err(ctx, "'stats socket' : '%s' %s.", k,
				strcmp(k, "level") && strcmp(k, "mode") && strcmp(k, "uid") &&
				strcmp(k, "gid") && strcmp(k, "user") && strcmp(k, "group") ?
				"is not supported yet (supported: mode, uid, gid, user, "
				"group, level, expose-fd listeners)" : "expects an argument");
			cli_cfg_free(l);
			return 0;
		}
		i++;
		if (strcmp(k, "level") == 0) {
			l->level = cli_level(v);
			if (!l->level) {
				cfg_err(ctx, "'stats socket level' only supports 'user', "
					"'operator', and 'admin'.");
				cli_cfg_free(l);
				return 0;
			}
		} else if (strcmp(k, "mode") == 0) {
			char *end;
			long m = strtol(v, &end, 8);

			if (*end || m < 0 || m > 07777) {
				cfg_err(ctx, "'stats socket mode' expects an octal mode, "
					"not '%s'.", v);
				cli_cfg_free(l);
				return 0;
			}
			l->mode = (int)m;
		} else if (strcmp(k, "uid") == 0 || strcmp(k, "gid") == 0) {
			char *end;
			long n = strtol(v, &end, 10);

			if (*end || n < 0 || n > 0x7fffffffL) {
				cfg_err(ctx, "'stats socket %s' expects a number, not '%s'.", k, v);
				cli_cfg_free(l);
				return 0;
			}
			if (k[0] == 'u') {
				l->uid = (uid_t)n;
				l->uid_set = 1;
			} else {
				l->gid = (gid_t)n;
				l->gid_set = 1;
			}
		} else if (strcmp(k, "user") == 0 || strcmp(k, "group") == 0) {
			uint32_t id;

			if (cli_lookup_id(k[0] == 'u', v, &id) < 0) {
				cfg_err(ctx, "'stats socket %s' : unknown %s '%s'.", k, k, v);
				cli_cfg_free(l);
				return 0;
			}
			if (k[0] == 'u') {
				l->uid = (uid_t)id;
				l->uid_set = 1;
			} else {
				l->gid = (gid_t)id;
				l->gid_set = 1;
			}
		} else {
			cfg_err(ctx, "'stats socket' : '%s' is not supported yet (supported: "
				"mode, uid, gid, user, group, level, expose-fd listeners).", k);
			cli_cfg_free(l);
			return 0;
		}
	}
	for (tail = &g->cli; *tail; tail = &(*tail)->next)
		;
	*tail = l;
	return 0;
}

int cli_cfg_stats(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct global *g = &ctx->conf->global;
	char err[128];

	if (argc < 2) {
		cfg_err(ctx, "'stats' expects 'socket', 'timeout' or 'maxconn'.");
		return 0;
	}
	if (strcmp(argv[1], "socket") == 0) {
		if (argc < 3) {
			cfg_err(ctx, "'stats socket' requires a path or an address.");
			return 0;
		}
		return cli_cfg_socket(ctx, argc, argv);
	}
	if (strcmp(argv[1], "timeout") == 0) {
		uint32_t ms;

		if (argc < 3 || cfg_parse_time_ms(argv[2], &ms, err, sizeof(err)) < 0 || !ms) {
			cfg_err(ctx, "'stats timeout' expects a positive time%s%s.",
				argc < 3 ? "" : ": ", argc < 3 ? "" : err);
			return 0;
		}
		g->cli_timeout = ms;
		return 0;
	}
	if (strcmp(argv[1], "maxconn") == 0) {
		char *end;
		long n = argc < 3 ? 0 : strtol(argv[2], &end, 10);

		if (argc < 3 || *end || n <= 0 || n > 100000) {
			cfg_err(ctx, "'stats maxconn' expects a positive integer.");
			return 0;
		}
		g->cli_maxconn = (unsigned)n;
		return 0;
	}
	if (strcmp(argv[1], "bind-process") == 0) {
		cfg_err(ctx, "'stats bind-process' was removed in HAProxy 2.5 (one "
			"process): remove it.");
		return 0;
	}
	cfg_err(ctx, "'stats %s' is not supported yet in 'global' (supported: "
		"socket, timeout, maxconn).", argv[1]);
	return 0;
}

void cli_cfg_free(struct cli_listener *l)
{
	while (l) {
		struct cli_listener *n = l->next;

		if (l->fd >= 0) {
			struct stat st;

			close(l->fd);
			/* a newer process (reload) may have bound it since */
			if (l->path && stat(l->path, &st) == 0 &&
			    st.st_dev == l->dev && st.st_ino == l->ino)
				unlink(l->path);
		}
		free(l->watcher);
		free(l->path);
		free(l->text);
		free(l->file);
		free(l);
		l = n;
	}
}
