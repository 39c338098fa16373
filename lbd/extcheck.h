/*
 * extcheck.h - "option external-check": a command run for each check of
 * each server, HAProxy's way: arguments <proxy_address> <proxy_port>
 * <server_address> <server_port>, HAPROXY_* environment variables, PATH
 * from "external-check path". Exit status 0 passes. Spawning is here;
 * check.c watches the child (ev_child on the first worker's loop, which is
 * libev's default loop) and kills it at the check's deadline.
 */
#ifndef LBD_EXTCHECK_H
#define LBD_EXTCHECK_H

#include <stddef.h>
#include <sys/types.h>

struct cfg_ctx;
struct proxy;
struct server;

/* Parse "external-check command <cmd>" / "external-check path <path>"
 * (argv[0] = "external-check"). 0 or -1 (ENOMEM); errors through ctx. */
int extchk_cfg(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv);

/* Validate a backend using external checks once the configuration is
 * read: the command is set and global "external-check" allows it. 0 or -1
 * (reported through ctx). */
int extchk_cfg_finish(struct cfg_ctx *ctx, struct proxy *be);

/* Start srv's check command, without a shell, in its own process group
 * (its pid is the group id: killing -pid stops what it started too),
 * stdin and stdout on /dev/null, stderr inherited. Returns the pid, or -1
 * with a message in err. Never blocks. */
pid_t extchk_spawn(struct server *srv, char *err, size_t errlen);

#endif
