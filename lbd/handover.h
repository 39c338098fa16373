/*
 * handover.h - the runtime state a worker hands to the one that replaces
 * it at a reload: servers added with "add server", server states, weights
 * and addresses set through the runtime API, the checks' verdicts, and
 * the cumulative statistics counters of frontends, backends and servers.
 *
 * The state is runtime-API text ("# lbd state 1" then one command per
 * line: "add server", "set server", "_counters", "_stkt"), produced by the old
 * worker ("_dumpstate") and run by the new one at admin level before it
 * takes its first connection, through the same command handlers and
 * checks as any operator's command. What the new configuration changed
 * wins: only what was changed at run time is replayed, and commands about
 * a proxy or server that no longer exists fail harmlessly.
 */
#ifndef LBD_HANDOVER_H
#define LBD_HANDOVER_H

#include <stddef.h>

struct sbuf;

#define HANDOVER_MAX	(64u << 20)	/* bytes of state taken over */

/* Append the running state as commands. */
void handover_dump(struct sbuf *out);

/* "_counters <fe|be|sv> <name> <n1> ... <nN>": add the values to the
 * named object's counters. 0, or -1 with err set. */
int handover_counters(int argc, char **argv, char *err, size_t errlen);

/* The words of an "add server" joined back into one CLI argument string
 * (spaces, tabs, ';' and '\' escaped), or NULL on ENOMEM. */
char *handover_join(int argc, char **argv);

/* Fetch the state of the process behind a stats socket (lbd -x), at
 * start-up. 0, or -1 after logging why. */
int handover_fetch(const char *path);

/* Keep text (malloc'd, len bytes; taken) as the state to apply. */
void handover_keep(char *text, size_t len);

/* Keep text (taken) as commands from a server-state file (srvstate.h):
 * run by handover_apply unless a previous worker's state came too (that
 * one is fresher and wins whole). */
void handover_keep_file(char *text, size_t len);

/* Run the kept state (once every worker is set up, before the first
 * connection is taken), then forget it. Returns the number of commands
 * that failed. */
unsigned handover_apply(void);

#endif
