/*
 * server.h - a server's lifecycle: its effective state follows from its
 * administrative state (maintenance, drain: set by the runtime API, the
 * agent or the configuration) and its operational state (the checks'
 * verdict). Every change rebuilds the backend's balancing at once and is
 * logged in HAProxy's words.
 */
#ifndef LBD_SERVER_H
#define LBD_SERVER_H

struct server;

/* The checks' verdict changed (up 1 / down 0); reason as HAProxy writes
 * it ("Layer4 connection problem, ..."). */
void srv_set_oper(struct server *srv, int up, const char *reason);

/* Set (on) or clear administrative bits (SRV_ADMF_*). reason is NULL for
 * the runtime API, else who asked (the agent's line). */
void srv_set_admin(struct server *srv, unsigned bits, int on, const char *reason);

/* Log a server event in the daemon's log and its backend's log targets
 * (level: syslog severity). */
void srv_log(struct server *srv, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The runtime fields of a parsed server: state from "disabled", initial
 * weight, check intervals' defaults, balancing node. */
void srv_init(struct server *s);

/* Seconds spent DOWN so far (closed periods and the current one). */
unsigned long long srv_downtime(const struct server *srv);

#endif
