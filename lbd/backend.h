/*
 * backend.h - from a request to a server connection: server assignment
 * through the LB algorithm, queueing at maxconn, non-blocking connects,
 * retries, and the per-thread pools of idle server connections
 * (http-reuse).
 */
#ifndef LBD_BACKEND_H
#define LBD_BACKEND_H

#include <stddef.h>

struct session;
struct worker;
struct server;
struct proxy;

/*
 * Choose a server for s->be (s->srv set on success). key/keylen feed the
 * hash algorithms (NULL: none). Returns 0 when a server slot was taken,
 * 1 when s was queued (it is woken with s->srv set, or times out), -1 when
 * no server is usable (answer 503).
 */
int backend_assign(struct session *s, const void *key, size_t keylen);

/* Give back s's server slot, if it holds one, and hand it to the next
 * queued session. */
void backend_release(struct session *s);

/* Take s out of the queue it waits in, if any. */
void backend_unqueue(struct session *s);

/*
 * Give s a connection to s->srv: an idle one when the http-reuse policy
 * allows it for this request (s->reused set), else a new non-blocking
 * connect. Returns 0 when usable now, 1 when a connect is in progress,
 * -1 on an immediate failure.
 */
int backend_connect(struct session *s);

/* Called when the connect in progress completed (writable): 0 connected,
 * -1 failed (errno from SO_ERROR). */
int backend_connect_done(struct session *s);

/* Detach s's server connection: into the idle pool when reusable, else
 * closed. */
void backend_conn_release(struct session *s, int reusable);

/* Close idle connections older than their server's pool-purge-delay, or all
 * of this worker's when all != 0. */
void backend_idle_purge(struct worker *w, int all);

/* What a server state change did, for its log line. */
struct backend_change {
	int changed;
	unsigned act, bck;		/* usable servers after the change */
	unsigned active;		/* sessions on the server */
	unsigned requeued;		/* its queued requests moved to the backend */
	unsigned queued;		/* requests still waiting in the backend */
};

/*
 * Set a server's state: balancing tables are rebuilt at once, a server
 * leaving takes its queue to the backend's, and queued requests are served
 * by servers with room. Takes the backend's lock.
 */
enum srv_state;
void backend_server_state(struct server *srv, enum srv_state st,
			  struct backend_change *ch);

/* Change a server's weight (percent of its initial weight; -1 keeps
 * it) and maxconn (-1 keeps it), as an agent asks. Takes the lock. */
void backend_server_tune(struct server *srv, int weight_pct, long maxconn);

/* Close w's idle connections to one server (after its address changed);
 * runs on w's thread (worker_call). */
void backend_idle_purge_server(struct worker *w, void *srv);

/* Set a server's current weight (0..256; "set weight"). Takes the lock. */
void backend_server_weight(struct server *srv, unsigned weight);
/* Set a server's slow-start share (percent, 100: none): its weight in the
 * dynamic algorithms and its maxconn follow. Takes the lock. */
void backend_server_ramp(struct server *srv, unsigned pct);

/* Mark a server connection attempt's failure in the counters. */
void backend_conn_failed(struct session *s);

#endif
