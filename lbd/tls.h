/*
 * tls.h - TLS with OpenSSL 3 on both sides of a session: the settings of a
 * "bind ... ssl" line or a "server ... ssl" line (parsed from the same
 * option table, with the ssl-default-bind-* / ssl-default-server-* globals
 * as defaults), the SSL_CTX built from them once per line and shared
 * read-only by every thread, and the transport calls session.c makes
 * instead of recv/send when a side is TLS. Handshakes never block: a call
 * that needs the socket readable or writable says so in the sock's flags
 * and session.c turns that into its watchers.
 */
#ifndef LBD_TLS_H
#define LBD_TLS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct sock;
struct sbuf;
struct smp_expr;
struct ssl_ctx_st;
struct ssl_session_st;
struct tls_cert;
struct tls_sni;

#define TLS_MAX_THREADS	64	/* as LBD_MAX_THREADS */

/* Which line an option belongs to. */
enum { TLS_SIDE_BIND = 1u << 0, TLS_SIDE_SRV = 1u << 1, TLS_SIDE_DEFOPT = 1u << 2 };

enum tls_verify { TLS_VERIFY_UNSET, TLS_VERIFY_NONE, TLS_VERIFY_OPTIONAL,
		  TLS_VERIFY_REQUIRED };

/* The settings of one bind line or server, then what is built from them. */
struct tls_conf {
	unsigned side;			/* TLS_SIDE_BIND or TLS_SIDE_SRV */
	unsigned enabled:1;		/* "ssl" */
	unsigned no_tickets:1;		/* "no-tls-tickets" */
	unsigned prefer_client:1;	/* "prefer-client-ciphers" */
	unsigned strict_sni:1;		/* "strict-sni" */
	unsigned check_ssl:1;		/* server: "check-ssl" */
	unsigned no_reuse:1;		/* server: "no-ssl-reuse" */
	unsigned no_ver;		/* "no-tlsv1x" bits, 1 << (minor + 1) */
	int min_ver, max_ver;		/* TLS1_x_VERSION, 0 = unset */
	enum tls_verify verify;
	char **crt;			/* "crt" files or directories, as written */
	unsigned ncrt;
	char *crt_list;			/* "crt-list" file */
	char *ca_file, *crl_file;
	char *ciphers, *ciphersuites, *curves;
	unsigned char *alpn;		/* wire format: length-prefixed names */
	unsigned alpn_len;
	struct smp_expr *sni;		/* server: "sni <expr>" */

	/* built at the end of configuration loading */
	struct ssl_ctx_st *ctx;		/* the default certificate's, or the client's */
	struct tls_cert *certs;		/* bind: loaded certificates, in order */
	unsigned ncerts;
	struct tls_sni *snis;		/* bind: names -> certificate context */
	unsigned nsnis;
	/* server: the last session per thread, for resumption */
	struct ssl_session_st *reuse[TLS_MAX_THREADS];
};

/* The tune.ssl.* globals. */
struct tls_tune {
	unsigned cachesize;		/* sessions kept per bind line (0: no cache) */
	unsigned lifetime;		/* seconds */
	unsigned dh_param;		/* bits of the DHE group, 0: automatic */
};

/* A new, empty settings object for a side (TLS_SIDE_*). NULL on ENOMEM. */
struct tls_conf *tls_conf_new(unsigned side);

/* Free settings and what was built from them. NULL-safe. */
void tls_conf_free(struct tls_conf *c);

/*
 * The number of arguments of option name on side (TLS_SIDE_*), or -1 when
 * it is not a TLS option there.
 */
int tls_opt_nargs(const char *name, unsigned side);

/*
 * Apply option argv[0] (with its arguments after it) to c. 0; -1 with a
 * message in err (bad value, refused option); warn receives a message for
 * the caller to print as a warning ("" when none).
 */
int tls_opt_apply(struct tls_conf *c, char **argv, char *err, size_t errlen,
		  char *warn, size_t warnlen);

/* Apply a whole "ssl-default-*-options" line (argv words). 0 or -1. */
int tls_opt_line(struct tls_conf *c, int argc, char **argv, char *err,
		 size_t errlen);

/* Print the options of a side for "lbd -K" ("<prefix>\t<name>\tsupported"). */
void tls_opt_dump(FILE *out, const char *prefix, unsigned side);

/* Take what c left unset from the defaults def (NULL-safe). 0 or -1 (ENOMEM). */
int tls_conf_inherit(struct tls_conf *c, const struct tls_conf *def);

/*
 * Build the SSL_CTX(s) of c: certificates and keys loaded and checked
 * against each other, CA and CRL files, ciphers, versions, ALPN, session
 * cache. 0, or -1 with a message in err.
 */
int tls_conf_build(struct tls_conf *c, const struct tls_tune *tune, char *err,
		   size_t errlen);

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

/* ---- the runtime API ---- */

/* Handshakes so far, over all threads (each counts its own). */
struct tls_totals {
	unsigned long long conns;	/* handshakes done, both sides (CumSslConns) */
	long long cur;			/* of which still open (CurrSslConns) */
	unsigned long long fe_full, fe_resumed;	/* client side, by kind */
	unsigned long long fe_failed;	/* client handshakes that failed */
};
void tls_totals(struct tls_totals *t);

/* "show ssl cert [file]": the list of loaded certificates (each once), or
 * the details of one. 0, or -1 when file names no loaded certificate. */
int tls_show_cert(struct tls_conf *const *confs, unsigned n, const char *file,
		  struct sbuf *out);

#endif
