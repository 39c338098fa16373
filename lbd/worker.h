/*
 * worker.h - threads: one libev loop per thread, its listeners, its run
 * queue of sessions to wake, and the process-wide environment.
 */
#ifndef LBD_WORKER_H
#define LBD_WORKER_H

#include <ev.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "arena.h"
#include "proxy.h"

struct session;
struct listener;
struct worker;

#define WORKER_PIPES	64	/* free pipes a thread keeps */
#define WORKER_ARENA_BUFS 4	/* the rules' scratch, in tune.bufsize units */

/* A function to run on a given worker's thread. */
struct wcall {
	struct wcall *next;
	void (*fn)(struct worker *w, void *arg);
	void *arg;
};

/* Per-thread state. Everything here is touched by its own thread only,
 * except the inbox and calls (inbox_lock) and the async watcher. */
struct worker {
	unsigned id;
	struct ev_loop *loop;
	pthread_t thread;
	ev_async wake;			/* inbox and stop requests */
	ev_prepare prep;		/* run queue, deferred frees */
	ev_check chk;			/* after a poll: start collecting events */
	struct session *evq;		/* sessions with socket events to run */
	int collecting;			/* socket events go to evq (see session.c) */
	ev_timer tick;			/* 100 ms: listener resume, idle purge */
	pthread_mutex_t inbox_lock;
	struct session *inbox;		/* sessions handed over by other threads */
	struct wcall *calls, *calls_tail;	/* functions to run here (inbox_lock) */
	struct session *runq;		/* sessions to process before sleeping */
	struct session *freeq;		/* sessions to free after callbacks */
	struct session *sessions;	/* every live session of this thread */
	ev_timer hard_stop;		/* hard-stop-after */
	struct listener *listeners;
	unsigned nsess;
	int stopping;			/* soft-stop: listeners closed */
	char *scratch;			/* bufsize + maxrewrite, head rewrites */
	struct arena arena;		/* per-request scratch of the rules */
	int pipes[WORKER_PIPES][2];	/* empty pipes kept for splice(2) */
	unsigned npipes;
	struct buf_pool *bufs;
	atomic_llong alive_ms;		/* worker_mono_ms() at the last tick */
};

/* Process-wide environment, set once in main(). */
struct lbd_env {
	struct lbd_conf *conf;
	struct worker *workers;
	unsigned nworkers;
	atomic_uint actconn;		/* all threads */
	atomic_ullong req_counter;
	atomic_int stopping;		/* 1 soft stop, 2 hard stop */
	unsigned pid;
	char hostname[256];
	double start_time;		/* wall clock, seconds */
	atomic_uint max_conn_rate;	/* highest process-wide connection rate */
	unsigned hard_maxconn;		/* maxconn at start: "set maxconn global" bound */
};

extern struct lbd_env lbd;

/* Create every frontend's listening sockets (one per thread). Returns 0,
 * or -1 after printing what failed. Called before privileges are dropped. */
int worker_bind_all(void);

/* Start the listeners of every frontend on every worker thread, run the
 * loops until stopped. Returns the process exit status. */
int worker_run_all(void);

/* Block (1) or unblock (0) the stop signals in the calling thread: main()
 * blocks them before binding, worker_run_all unblocks them once their
 * watchers run. */
void worker_block_signals(int block);

/* Queue a session to be processed on its own thread (any thread may call). */
void worker_wake_session(struct session *s);

/* Ask every worker to stop listening (soft) or to stop at once (hard). */
void worker_stop_all(int hard);

/* Run fn(w, arg) on w's thread, soon (calls keep their order). 0, or -1
 * when memory is short. Any thread may call. */
int worker_call(struct worker *w, void (*fn)(struct worker *w, void *arg), void *arg);

/* CLOCK_MONOTONIC in milliseconds. */
long long worker_mono_ms(void);

/* Wake every worker to re-read shared settings (frontend pauses). */
void worker_kick_all(void);

/* Called when a session ends on this worker: resume paused listeners. */
void worker_session_closed(struct worker *w);

/* A pipe for splice(2): from the pool or new. 0, or -1 (errno set). */
int worker_pipe_get(struct worker *w, int fds[2]);

/* Give back an empty pipe (kept for reuse, or closed when the pool is
 * full). */
void worker_pipe_put(struct worker *w, const int fds[2]);

/* The current worker (thread-local). */
struct worker *worker_self(void);

#endif
