/*
 * mcli.h - the master CLI of master-worker mode (lbd -W -S <socket>): a
 * unix socket served by the master's loop, one command line per
 * connection. Its commands: "show proc", "reload" (answered once the
 * reload succeeded or failed, with the error), "help", and routing: a
 * line that starts with "@1" (the current worker) or "@!<pid>" (any
 * worker) runs the rest of the line on that worker's runtime API at admin
 * level; the worker answers the client directly (the master hands it the
 * connection).
 */
#ifndef LBD_MCLI_H
#define LBD_MCLI_H

struct ev_loop;

#define MCLI_LINE_MAX	4000	/* a command line */

/* Listen on path (mode 0600). 0, or -1 after logging why. */
int mcli_start(struct ev_loop *loop, const char *path);

/* Stop listening; answered or not, close the connections. */
void mcli_stop(void);

/* Reload attempt number attempt ended: answer every "reload" waiting for
 * it or an earlier one ("Success=1", or "Success=0" and msg). */
void mcli_reload_result(unsigned attempt, int ok, const char *msg);

#endif
