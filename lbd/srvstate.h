/*
 * srvstate.h - HAProxy's server-state file: "server-state-file" (global),
 * "server-state-base", "load-server-state-from-file global|local|none" and
 * "server-state-file-name" (defaults, backends). The file is what "show
 * servers state" prints (lbd's or HAProxy's, format version 1); at start
 * its rows become runtime-API commands (handover.h) run before the first
 * connection: forced maintenance or drain, a weight set at run time (when
 * the configured weight did not change), the address and port, a server
 * its checks found DOWN. A reload in master-worker mode hands the live
 * state over instead (fresher); the file serves a first start or restart.
 */
#ifndef LBD_SRVSTATE_H
#define LBD_SRVSTATE_H

#include <stddef.h>

struct lbd_conf;
struct sbuf;

enum { SRVSTATE_NONE, SRVSTATE_GLOBAL, SRVSTATE_LOCAL };

#define SRVSTATE_LINE_MAX	4096
#define SRVSTATE_NAME_MAX	255

/* One server's row. Strings point into the caller's line. */
struct srvstate_row {
	const char *be_name, *srv_name, *addr;
	unsigned op_state;		/* 0 stopped .. 3 stopping */
	unsigned admin;			/* SRV_ADMF_* bits */
	unsigned uweight, iweight;	/* 0..256 */
	unsigned port;			/* 0..65535 */
};

/* Parse one line (NUL-terminated, no newline; split in place): 1 with row
 * set, 0 for a line to skip (empty, comment, the version line), -1 with
 * err set. No I/O, no allocation. */
int srvstate_parse_line(char *line, struct srvstate_row *row, char *err,
			size_t errlen);

/* Append the commands a row asks of this configuration (nothing for a
 * backend that does not load that file or a server it does not have).
 * which is SRVSTATE_GLOBAL or SRVSTATE_LOCAL (and then only rows of
 * local_be count). Returns the number of commands. */
unsigned srvstate_row_cmds(const struct lbd_conf *conf, const struct srvstate_row *r,
			   int which, const char *local_be, struct sbuf *out);

/* Read the state files the configuration names and keep their commands
 * for handover_apply. Start-up only (blocking reads). Returns the number
 * of rows applied; warnings name file:line. */
unsigned srvstate_load(const struct lbd_conf *conf);

#endif
