/*
 * tls.h - TLS on the sockets of a session (tls_conf.h builds the
 * contexts): the calls session.c makes instead of recv/send when a side is
 * TLS. Handshakes never block: a call that needs the socket readable or
 * writable says so in the sock's flags and session.c turns that into its
 * watchers.
 */
#ifndef LBD_TLS_H
#define LBD_TLS_H

#include <sys/types.h>

struct sock;
struct tls_conf;

/* ---- transport (a loop thread, on its own sockets) ---- */

/* Make sk a TLS server side (bind) ready to accept. 0 or -1. */
int tls_sock_accept(struct sock *sk, struct tls_conf *c);

/* Make sk a TLS client side towards a server: sni may be NULL; tid picks
 * the thread's resumption slot. 0 or -1. */
int tls_sock_connect(struct sock *sk, struct tls_conf *c, const char *sni,
		     unsigned tid);

/* Drive the handshake: 1 done, 0 in progress (sk's want flags say which
 * event), -1 failed. */
int tls_handshake(struct sock *sk);

/* Like recv(2): bytes read, 0 at the end, -1 when nothing now, -2 error. */
ssize_t tls_recv(struct sock *sk, char *buf, size_t len);

/* Like send(2): bytes written, -1 when the socket is full, -2 on error. */
ssize_t tls_send(struct sock *sk, const char *buf, size_t len);

/* Bytes already decrypted and waiting in sk's TLS layer. */
int tls_pending(const struct sock *sk);

/* The bind side gathers the records of an event pass (tls.c): send them.
 * 0 all sent, 1 some wait for the socket to be writable, -1 error. */
int tls_wflush(struct sock *sk);

/* Send close_notify (once, never waiting). */
void tls_shutw(struct sock *sk);

/* Release sk's TLS state (close_notify first when the connection is sane). */
void tls_sock_free(struct sock *sk);

/* An idle server connection became readable: 0 when it is still usable
 * (a session ticket arrived), -1 when it must be closed. */
int tls_idle_check(struct sock *sk);

/* ---- what the fetches read (NULL / 0 when sk is not TLS) ---- */

const char *tls_sni(const struct sock *sk);
const char *tls_protocol(const struct sock *sk);
const char *tls_cipher(const struct sock *sk);
/* the negotiated ALPN protocol, with its length, or NULL */
const char *tls_alpn(const struct sock *sk, unsigned *len);
int tls_peer_cert(const struct sock *sk);
long tls_verify_result(const struct sock *sk);
/* the peer certificate's subject (issuer when issuer) as /C=../CN=..; 0 or -1 */
int tls_peer_dn(const struct sock *sk, int issuer, char *buf, size_t len);
int tls_resumed(const struct sock *sk);

/* Handshakes so far, over all threads (each counts its own). */
struct tls_totals {
	unsigned long long conns;	/* handshakes done, both sides (CumSslConns) */
	long long cur;			/* of which still open (CurrSslConns) */
	unsigned long long fe_full, fe_resumed;	/* client side, by kind */
	unsigned long long fe_failed;	/* client handshakes that failed */
};
void tls_totals(struct tls_totals *t);

#endif
