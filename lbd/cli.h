/*
 * cli.h - the runtime API: HAProxy's "stats socket" (unix or TCP), its
 * line protocol (";"-separated commands, a blank line after each reply,
 * "prompt" for interactive use) and its commands, with the same levels
 * (user, operator, admin) and the same reply texts, so that existing
 * tools and scripts drive lbd unchanged. It runs in the first worker's
 * event loop; work on sessions owned by other threads is posted to them.
 */
#ifndef LBD_CLI_H
#define LBD_CLI_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct cfg_ctx;
struct worker;
struct lbd_conf;

enum { CLI_LVL_USER = 1, CLI_LVL_OPER = 2, CLI_LVL_ADMIN = 3 };

/* One "stats socket" line. */
struct cli_listener {
	struct cli_listener *next;
	char *file;
	int line;
	char *path;			/* unix socket path, or NULL (TCP) */
	char *text;			/* as written */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int mode;			/* -1: default */
	uid_t uid;
	gid_t gid;
	int uid_set, gid_set;
	int level;
	int expose_fd;
	int fd;
	dev_t dev;			/* the bound path's inode: removed at */
	ino_t ino;			/* exit only while it is still ours */
	void *watcher;			/* ev_io, while running */
};

/* Parse the global "stats ..." keyword (argv[0] = "stats"). 0, or -1 on
 * ENOMEM; errors are reported through ctx. */
int cli_cfg_stats(struct cfg_ctx *ctx, int argc, char **argv);

/* Free the configured listeners (closing their sockets). */
void cli_cfg_free(struct cli_listener *l);

/* Create the sockets (before privileges are dropped). 0, or -1 after
 * printing what failed. */
int cli_bind_all(struct lbd_conf *conf);

/* Create one listener's socket (a unix path is bound under a temporary
 * name and renamed over the old one). 0, or -1 with errno set. */
int cli_listener_bind(struct cli_listener *l);

/* Serve the sockets on w's loop (the first worker) / stop serving. */
int cli_start(struct worker *w);
void cli_stop(void);

/* Serve one command line on an already connected fd (handed over by
 * the master, lbd -W): run line (len bytes, no newline) at level lvl,
 * answer on fd, then close it. Takes fd in every case. */
void cli_adopt(int fd, int level, const char *line, size_t len);

/* Send a line (or several, each ending with a newline) to every
 * connection that subscribed to the event stream. */
void cli_stream_send(const char *line, size_t len);

/* Run one command line as if received at level lvl, append the replies to
 * out (for tests and fuzzing). */
struct sbuf;
void cli_run_line(const char *line, int lvl, struct sbuf *out);

#endif
