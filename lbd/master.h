/*
 * master.h - master-worker mode (lbd -W, "master-worker" in global): a
 * small process with its own event loop that proxies nothing. It starts
 * a worker (this same binary, with today's configuration), holds the
 * listening sockets and hands them to every new worker (SCM_RIGHTS, see
 * sockpass.h), restarts a worker that crashed (with a bounded backoff),
 * forwards SIGTERM/SIGINT/SIGUSR1, and reloads on SIGUSR2/SIGHUP or the
 * master CLI's "reload": the configuration is checked first (a bad one is
 * refused and the running worker keeps serving), then a new worker starts
 * and, once it is ready, the old one stops softly.
 */
#ifndef LBD_MASTER_H
#define LBD_MASTER_H

struct sbuf;

#define MASTER_MAX_FILES 64	/* -f options passed on to workers */


struct master_opts {
	char **files;			/* -f, as given */
	int nfiles;
	int quiet, debug, verbose;
	const char *cli_path;		/* -S, or NULL */
	int max_reloads;		/* mworker-max-reloads, -1: no limit */
	int ready_fd;			/* -D: told once the first worker serves */
};

/* Run the master until every worker is gone after a stop signal.
 * Returns the exit status (1 when the first worker never got ready). */
int master_run(const struct master_opts *o);

/* Ask for a reload. Returns the number of the attempt that will answer
 * it (mcli_reload_result names it), or 0 when refused at once (msg set). */
unsigned master_reload_request(const char **msg);

/* "show proc": the master and its workers. */
void master_show_proc(struct sbuf *out);

/* Hand fd to the worker that target names ("1": the current one,
 * "!<pid>": any worker) with a command line to run and answer on fd.
 * 0 (the caller still closes its copy of fd), -1 when no such worker,
 * -2 when it cannot take it now. */
int master_route(const char *target, const char *line, int fd);

#endif
