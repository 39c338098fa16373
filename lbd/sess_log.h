/*
 * sess_log.h - the traffic log line of a transaction, in the frontend's
 * log-format, sent to the frontend's log targets.
 */
#ifndef LBD_SESS_LOG_H
#define LBD_SESS_LOG_H

struct session;

/* Emit the log line of s's current transaction (or connection). */
void sess_log(struct session *s);

#endif
