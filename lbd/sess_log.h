/*
 * sess_log.h - the traffic log line of a transaction, in the frontend's
 * log-format, sent to the frontend's log targets.
 */
#ifndef LBD_SESS_LOG_H
#define LBD_SESS_LOG_H

#include <ev.h>

struct session;
struct logfmt_vars;

/* HAProxy's timers of s's transaction (Ti, TR, Tw, Tc, Tr, Td, Ta, Tt, in
 * ms, -1 when not reached) into v, "now" ending what is still running. */
void sess_log_timers(const struct session *s, struct logfmt_vars *v,
		     ev_tstamp now);

/* Room for what the variables point to (the captures, joined). */
struct sess_log_bufs {
	char cap_req[2048], cap_res[2048];
};

/* Every log-format variable of s's transaction as it stands now (the
 * log line at its end; rule values and unique ids before). */
void sess_log_vars(const struct session *s, struct logfmt_vars *v,
		   struct sess_log_bufs *b);

/* Emit the log line of s's current transaction (or connection). */
void sess_log(struct session *s);

#endif
