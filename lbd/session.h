/*
 * session.h - one client connection and what it is proxied to: the two
 * sides, a channel per direction, timers, and the transaction in progress.
 *
 * The data path reads as: listener.c (accept) -> session.c (I/O, timers,
 * teardown) -> stream.c (modes, framing, transaction flow) -> backend.c (choose
 * server, queue, connect, reuse) -> session.c (forward) -> sess_log.c.
 */
#ifndef LBD_SESSION_H
#define LBD_SESSION_H

#include <ev.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "buf.h"
#include "http1.h"
#include "sample.h"
#include "stktable.h"
#include "vars.h"

#define LOG_SILENT	9	/* set-log-level silent: no log line */
#define STICK_MAX_STORE	2	/* stick store-request rules applied per request */

struct proxy;
struct server;
struct bind;
struct worker;
struct pendconn;

/* How a channel's message body ends. */
enum body_mode {
	BODY_NONE,		/* no body: message ends with its head */
	BODY_LENGTH,		/* Content-Length bytes */
	BODY_CHUNKED,		/* chunked, scanned */
	BODY_CLOSE,		/* until the sender closes (responses only) */
	BODY_TUNNEL,		/* raw bytes both ways (tcp mode, upgrades) */
};

/* One direction of traffic: bytes read from one side, sent to the other. */
struct chn {
	struct buf b;
	uint32_t fwd;		/* bytes at b.head+keep ready to send */
	uint32_t keep;		/* sent bytes retained for a retry */
	enum body_mode mode;
	uint64_t left;		/* BODY_LENGTH: bytes still to come */
	struct http1_chunk ck;
	unsigned head_done:1;	/* the message head was parsed */
	unsigned msg_done:1;	/* the whole message is in the buffer */
	unsigned eof:1;		/* the reading side sent FIN */
	unsigned shut_sent:1;	/* we shut the writing side */
	unsigned no_splice:1;	/* the kernel refused splice on these fds */
	uint64_t total;		/* bytes read in this transaction */
	uint64_t payload;	/* body bytes forwarded (no chunk framing) */
	int pfd[2];		/* tunnel: kernel pipe for splice(2), -1 if none */
	uint32_t pdata;		/* bytes waiting in the pipe */
};

#define CHN_PIPE_CAP	65536	/* what a pipe holds by default */

struct ssl_st;

/* A socket with its two watchers, and its TLS layer when it has one
 * (tls.c): the flags say which socket event a TLS call waits for. */
struct sock {
	int fd;
	ev_io rio, wio;
	struct ssl_st *ssl;	/* NULL: clear text */
	unsigned tls_hs:1;	/* the handshake is still running */
	unsigned tls_hs_wr:1;	/* ... and waits to write (else to read) */
	unsigned tls_rd_wr:1;	/* a read waits for the socket to be writable */
	unsigned tls_wr_rd:1;	/* a write waits for the socket to be readable */
	unsigned tls_err:1;	/* failed: no close_notify */
	unsigned tls_fed:1;	/* a read event was fed for decrypted bytes */
	unsigned tls_shut_pend:1;	/* FIN after the gathered records (tls_wflush) */
};

/* A server connection: attached to a session, or idle in a server's pool. */
struct idle_conn {
	struct sock sk;
	struct server *srv;
	struct idle_conn *next, *prev;	/* in the pool */
	struct worker *w;
	ev_tstamp since;
	unsigned nreq;			/* requests served on it */
	struct sockaddr_storage local;
};

enum sess_state {
	SS_REQ_WAIT,		/* waiting for (the rest of) a request head */
	SS_QUEUED,		/* waiting for a server slot */
	SS_CONNECTING,		/* connecting to a server */
	SS_RETRY_WAIT,		/* turn-around before retrying a refused connect */
	SS_FORWARD,		/* request and response in flight */
	SS_CLOSING,		/* flushing a final response, then close */
	SS_SERVICE,		/* answered by lbd itself (stats, exporter) */
	SS_TARPIT,		/* held by "tarpit" until its timeout, then an error */
	SS_STATE_COUNT
};
extern const char *const sess_state_names[SS_STATE_COUNT];

/* Termination causes, HAProxy's %ts letters. */
enum {
	TERM_CAUSE_NONE = '-',
	TERM_CLI_ABORT = 'C', TERM_SRV_ABORT = 'S', TERM_PROXY = 'P',
	TERM_RESOURCE = 'R', TERM_INTERNAL = 'I', TERM_CLI_TO = 'c',
	TERM_SRV_TO = 's', TERM_KILLED = 'K', TERM_DOWN = 'D',
	TERM_LOCAL = 'L', TERM_UP = 'U',
};
enum {
	TERM_ST_NONE = '-', TERM_ST_REQ = 'R', TERM_ST_QUEUE = 'Q',
	TERM_ST_CONN = 'C', TERM_ST_HDR = 'H', TERM_ST_DATA = 'D',
	TERM_ST_LAST = 'L', TERM_ST_TARPIT = 'T',
};

/* A client or server address, kept compact (no sockaddr_storage). */
struct svc_req;

union sess_addr {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
};

/*
 * One request and its response (HTTP), or the whole connection (TCP):
 * everything that exists only while something is in flight. An idle
 * keep-alive connection has none, so it costs only its struct session.
 */
struct txn {
	struct chn req, res;
	struct proxy *be;
	struct server *srv;		/* assigned server */
	struct server *prev_srv;	/* for redispatch */
	struct pendconn *pend;		/* when queued */
	struct idle_conn *sc;		/* server connection, NULL if none */
	struct svc_req *svc;		/* a service answers (stats page, exporter) */
	const char *srv_label;		/* the log's server name then: <STATS> ... */
	unsigned conn_retries;
	int redispatched;
	unsigned srv_counted:1;		/* holds a slot on srv / be */
	unsigned srv_close:1;		/* don't reuse the server connection */
	unsigned reused:1;		/* request sent on a reused connection */
	unsigned retryable:1;		/* request can be sent again */
	unsigned res_started:1;		/* response bytes were received */
	unsigned head_req:1;		/* HEAD request */
	unsigned conn_upgrade:1;	/* request asked for an upgrade */
	unsigned logged:1;
	unsigned srv_connected:1;
	unsigned cli_ver10:1;		/* client spoke HTTP/1.0 */
	unsigned err_sent:1;
	unsigned rq_armed:1;		/* http-request deadline set for this request */
	unsigned no_reuse:1;		/* retrying: use a new server connection */
	unsigned srv_l4:1;		/* TCP connected (a TLS handshake may follow) */
	int status;
	char term[2];

	/* kept for the log */
	struct timeval req_tv;
	ev_tstamp t_rq_start;		/* first byte of the request */
	ev_tstamp t_req;		/* request head complete */
	ev_tstamp t_queue, t_conn_start, t_connect, t_res, t_end;
	char *reqline;			/* heap copy of the request line */
	unsigned reqline_len;
	uint64_t bytes_in, bytes_out;
	uint64_t log_bytes;		/* %B in http mode: HAProxy's count */
	unsigned long long uniq;	/* request counter (%rt) */
	struct stkt_ref stk[STKT_MAX_SC];	/* track-sc0..2 of this request */
	char *caps;			/* capture.c: the log captures, or NULL */
	char *unique_id;		/* unique-id-format, or NULL */
	struct server *force_srv;	/* cookie, stick match, use-server (backend.c) */
	struct stick_key {		/* stick store-request keys (stick.c) */
		struct stktable *table;
		struct smp key;
		char buf[128];
	} stick[STICK_MAX_STORE];
	unsigned nstick;
	struct comp_state *comp;	/* compress.c: compressing the response */
	struct var_store vars;		/* vars.c: txn, req and res scopes */
	unsigned comp_algo;		/* compress.c: chosen for it, 0 none */
	struct server *ck_srv;		/* cookie.c: the server the cookie names */
	char ck_req, ck_res;		/* cookie.c: %tsc's 3rd and 4th letters */
	uint32_t ck_last, ck_first;	/* cookie.c: the cookie's dates (maxidle,
					 * maxlife), 4 s units, 0 absent */
	unsigned ck_post:1;		/* a POST request (cookie postonly) */
	unsigned ck_get:1;		/* a GET or HEAD request (cookie nocache) */
	int tarpit_status;		/* SS_TARPIT: the status sent at its end */
	int log_level;			/* set-log-level: level + 1, LOG_SILENT, 0 unset */
	unsigned cap_set[2];		/* slots filled, request / response */
};

struct session {
	struct worker *w;
	struct session *next_q;		/* runq / inbox link */
	struct session *next_free;	/* freeq link */
	struct session *next_ev;	/* worker's evq link */
	struct session *next_all, *prev_all;	/* the worker's sessions */
	struct session *next_srv, *prev_srv;	/* srv_sess.c: on srv_linked */
	struct server *srv_linked;	/* holds a connection to it (srv_sess.c) */
	struct txn *t;			/* NULL between keep-alive requests */
	struct proxy *fe;
	struct bind *bind;
	unsigned queued:1;		/* on a run queue */
	unsigned freeing:1;
	unsigned http:1;		/* frontend in mode http */
	unsigned cli_close:1;		/* close client after this response */
	unsigned first_req:1;		/* first request of the client connection */
	unsigned cli_eof:1;		/* the client shut its side (kept across txns) */
	unsigned inspect:1;		/* mode tcp: waiting for content (inspect-delay) */
	unsigned evpend:5;		/* SEV_* socket events waiting on evq */
	enum sess_state state;

	struct sock cli;
	union sess_addr cli_addr, fe_addr;
	struct buf pending;		/* client bytes kept between transactions */
	struct stkt_ref *stk;		/* tcp-request connection/session track-sc:
					 * STKT_MAX_SC refs, NULL until one is
					 * tracked (read through sess_stk) */
	struct var_store vars;		/* vars.c: the sess scope */

	/* timers: one ev_timer, deadlines checked when it fires */
	ev_timer timer;
	ev_tstamp exp_c, exp_s, exp_x;	/* client, server, phase (0 = off) */
	ev_tstamp armed;
	ev_tstamp t_accept;		/* accept */
	ev_tstamp t_idle;		/* start of the idle time before a request:
					 * the accept, then the end of the previous
					 * request (the log's accept date) */
};

/* An event-loop time (wall clock) as a timeval, for log dates. */
static inline struct timeval tv_of(ev_tstamp t)
{
	struct timeval tv;

	tv.tv_sec = (time_t)t;
	tv.tv_usec = (suseconds_t)((t - (double)tv.tv_sec) * 1e6);
	if (tv.tv_usec >= 1000000)
		tv.tv_usec = 999999;
	return tv;
}

/* The connection's track-sc slot n; an empty one when nothing is tracked
 * on the connection. */
extern const struct stkt_ref sess_stk_none;
static inline const struct stkt_ref *sess_stk(const struct session *s, int n)
{
	return s->stk ? &s->stk[n] : &sess_stk_none;
}

/* The connection's track-sc slots, allocated on first use; NULL when
 * memory is short. */
struct stkt_ref *sess_stk_get(struct session *s);

/* Accept path: create a session for a new client fd. Returns NULL on
 * failure (fd closed). */
struct session *session_new(struct worker *w, struct bind *b, int fd,
			    const struct sockaddr_storage *addr);

/* The single teardown: log if needed, release everything. May defer the
 * free to the end of the loop iteration. */
void session_close(struct session *s, char cause, char state);

/* Re-evaluate the session: move data, update watchers and timers. */
void session_update(struct session *s);

/* Processing after a wake-up from the queue (server assigned) or the run
 * queue. */
void session_process(struct session *s);

/* Free a session for good (called from the deferred free queue). */
void session_free(struct session *s);

/* Give s a transaction if it has none (taking the bytes kept between
 * transactions). 0, or -1 when memory is short. */
int session_txn_new(struct session *s);

/* End s's transaction: keep unread client bytes in s->pending, free it. */
void session_txn_free(struct session *s);

/* Run the socket events collected since the last poll, in the order the
 * poll reported them (libev invokes a poll's events last-first; a busy
 * connection served last under every burst gets the latency tail). */
void session_run_events(struct worker *w);

/* Forget the server socket's collected events (its connection changes). */
void session_drop_srv_events(struct session *s);

/* Point the server connection's watchers at this session's callbacks. */
void session_attach_srv(struct session *s);

/* The server answered: drop request bytes kept for a retry. */
void session_req_release_kept(struct session *s);

/* Socket helpers shared with the listener and backend. */
void sock_init(struct sock *sk, int fd, void (*rcb)(struct ev_loop *, ev_io *, int),
	       void (*wcb)(struct ev_loop *, ev_io *, int), void *data);
void sock_close(struct ev_loop *loop, struct sock *sk);
/* Shut the writing side (close_notify first on TLS). */
void sock_shutw(struct sock *sk);

/* tune.sndbuf / tune.rcvbuf on a new socket: SO_SNDBUF and SO_RCVBUF when
 * non-zero (the kernel doubles them and stops tuning them itself). */
void sock_set_bufs(int fd, unsigned snd, unsigned rcv);

#endif
