/*
 * cli_int.h - what the runtime API's files share (cli.c: connections, the
 * command table and the read-only commands; cli_cfg.c: the "stats"
 * keywords; cli_admin.c: the commands that change servers, frontends,
 * limits and counters). Not for use outside them.
 */
#ifndef LBD_CLI_INT_H
#define LBD_CLI_INT_H

#include <stddef.h>
#include <sys/socket.h>

#include "sbuf.h"

#define CLI_MAX_ARGS	64		/* words in one command */

struct cli_conn;
struct proxy;
struct server;

/* The context a command runs in. */
struct cli_ctx {
	struct cli_conn *c;		/* NULL when run from cli_run_line */
	int *level;
	int *interactive;
	struct sbuf *out;
};

#define OUT(x, ...)	sbuf_printf(x->out, __VA_ARGS__)

/* "user", "operator", "admin" -> CLI_LVL_*, 0 for anything else. */
int cli_level(const char *s);

/* "backend/server" -> the server, or NULL after a reply saying what is
 * wrong. */
struct server *cli_find_server(struct cli_ctx *x, const char *arg);

/* A proxy with one of the capabilities cap, by name or "#id" / id. */
struct proxy *cli_find_proxy(const char *arg, unsigned cap);

/* A decimal number without sign up to max: 0, or -1. */
int cli_uint(const char *s, unsigned long max, unsigned long *v);

/* A server address as the state file writes it ("-" when not IP). */
void cli_addr_str(const struct sockaddr_storage *ss, char *ip, size_t len,
		  unsigned *port);

/* cli_admin.c */
void cmd_disable_enable_server(struct cli_ctx *x, int argc, char **argv);
void cmd_set_weight(struct cli_ctx *x, int argc, char **argv);
void cmd_get_weight(struct cli_ctx *x, int argc, char **argv);
void cmd_set_server(struct cli_ctx *x, int argc, char **argv);
void cmd_health_agent(struct cli_ctx *x, int argc, char **argv);
void cmd_frontend(struct cli_ctx *x, int argc, char **argv);
void cmd_set_maxconn(struct cli_ctx *x, int argc, char **argv);
void cmd_clear_counters(struct cli_ctx *x, int argc, char **argv);
void cmd_add_server(struct cli_ctx *x, int argc, char **argv);
void cmd_del_server(struct cli_ctx *x, int argc, char **argv);

#endif
