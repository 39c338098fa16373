/*
 * srv_sess.h - the sessions connected to each server, per worker thread,
 * and cutting them: "on-marked-down shutdown-sessions" when a server goes
 * DOWN, "on-marked-up shutdown-backup-sessions" when an active server comes
 * back UP. A thread only ever touches its own list; other threads ask the
 * owner through worker_call().
 */
#ifndef LBD_SRV_SESS_H
#define LBD_SRV_SESS_H

struct server;
struct session;

/* Record that s (on its own thread) now holds a connection to srv. */
void srv_sess_link(struct session *s, struct server *srv);

/* Forget s's server connection, if recorded (its own thread). */
void srv_sess_unlink(struct session *s);

/* Ask every worker to close its sessions connected to srv, with the
 * termination cause given (TERM_DOWN 'D', TERM_UP 'U', TERM_KILLED 'K'
 * for the runtime API); they close in
 * each thread's next loop pass. Any thread may call. */
void srv_sess_shutdown(struct server *srv, char cause);

#endif
