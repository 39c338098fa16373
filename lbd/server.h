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

/* The administrative states the runtime API and the stats page name:
 * "ready" (out of maintenance and drain), "drain", "maint". 0, or -1 for
 * another word (nothing changes). */
int srv_set_admin_state(struct server *srv, const char *word);

/* Log a server event in the daemon's log and its backend's log targets
 * (level: syslog severity). */
void srv_log(struct server *srv, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The runtime fields of a parsed server: state from "disabled", initial
 * weight, check intervals' defaults, balancing node. */
void srv_init(struct server *s);

/* Subscribers to state changes (the runtime API's event stream and
 * vrrpd's tracking build on it): fn runs after every change of a server's
 * effective state, on the thread that made it (the first worker for
 * checks and the runtime API), with the backend's usable server counts
 * already updated (srv->be->srv_act, srv_bck). At most SRV_WATCH_MAX. */
#define SRV_WATCH_MAX	8
enum srv_state;
typedef void (*srv_watch_fn)(struct server *srv, enum srv_state old,
			     enum srv_state now, void *arg);

/* 0, or -1 when the table is full. */
int srv_watch_add(srv_watch_fn fn, void *arg);
void srv_watch_del(srv_watch_fn fn, void *arg);

/* Seconds spent DOWN so far (closed periods and the current one). */
unsigned long long srv_downtime(const struct server *srv);

#endif
