/*
 * stream.h - what flows through a session: the HTTP transaction (request
 * head, backend choice, body framing, response, keep-alive) or the TCP
 * tunnel, and how each phase ends (timeouts, errors, half-close).
 * session.c calls these from its I/O callbacks; they return after changing
 * state and session.c moves the bytes.
 */
#ifndef LBD_STREAM_H
#define LBD_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct session;

/* TCP mode: pick the backend and start connecting. -1 if s was closed. */
int stream_start_tcp(struct session *s);

/* New bytes (or EOF) on the client / server side. */
void stream_req_data(struct session *s);
void stream_res_data(struct session *s);

/* Socket errors on either side. */
void stream_cli_error(struct session *s);
void stream_srv_error(struct session *s);

/* Connection to the server: established, or failed (retry or 503). */
void stream_connected(struct session *s);
void stream_connect_failed(struct session *s);

/* The phase deadline (http-request, keep-alive, queue, connect) expired. */
void stream_phase_timeout(struct session *s);
/* A side's inactivity deadline expired (is_cli: client side). */
void stream_side_timeout(struct session *s, int is_cli);

/* Ends transactions, propagates half-closes, finishes closing sessions.
 * Returns -1 when s was closed. */
int stream_progress(struct session *s);

/* The transaction is answered and both directions handed over (HTTP):
 * what ends it, or closes the connection after it. */
int stream_txn_complete(const struct session *s);

/* Whether each side should be read now: 0 no, STREAM_READ_TIMED yes and
 * the side's inactivity timeout runs, STREAM_READ_AHEAD yes without it. */
enum { STREAM_READ_TIMED = 1, STREAM_READ_AHEAD = 2 };
int stream_want_cli_read(struct session *s);
int stream_want_srv_read(struct session *s);

/* The inactivity timeout (ms) in force for each side. */
uint32_t stream_cli_timeout(const struct session *s);
uint32_t stream_srv_timeout(const struct session *s);

/* A queued session got its server (or must re-run). */
void stream_wakeup(struct session *s);

/* Whether a closing session's last transaction should be logged. */
int stream_should_log(const struct session *s);

/* Count bytes moved for s: read from the client (dir 0: frontend's bin),
 * sent to the client (1: bout of the frontend, backend and server), sent
 * to the server (2: bin of the backend and server). */
void stream_count_bytes(struct session *s, uint64_t n, int dir);

/* The transaction of s is over: account it (statistics) and log it, once. */
void stream_txn_done(struct session *s);

/* Answer the client with an error page and close afterwards. */
void stream_error(struct session *s, int status, char cause, char state);

/* Answer the client with a whole response (data[0..len), copied) and close
 * after it, like stream_error with a response of the caller's. */
void stream_reply(struct session *s, int status, const char *data, size_t len,
		  char cause, char state);

#endif
