/*
 * tls.c - TLS connections with OpenSSL 3 (contexts from tls_conf.c): the
 * non-blocking handshake and record I/O session.c and check.c use instead
 * of recv/send, what the fetches read from a connection, and handshake
 * counters kept per thread (summed for "show info").
 *
 * The only locks on the way of a handshake are OpenSSL's own (its session
 * cache); resumption towards a server keeps one session per thread, so it
 * takes none.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "session.h"
#include "tls.h"
#include "tls_conf.h"

/* ---- counters: one block per thread, summed when read ---- */

struct tls_stats {
	_Atomic unsigned long long conns, closed, fe_full, fe_resumed, fe_failed;
};

static struct tls_stats tls_stats[TLS_MAX_THREADS + 1];	/* + one shared overflow */
static atomic_uint tls_nstats;
static _Thread_local struct tls_stats *tls_mine;

static struct tls_stats *tls_my_stats(void)
{
	if (!tls_mine) {
		unsigned i = atomic_fetch_add(&tls_nstats, 1);

		tls_mine = &tls_stats[i < TLS_MAX_THREADS ? i : TLS_MAX_THREADS];
	}
	return tls_mine;
}

static void tls_count(_Atomic unsigned long long *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

void tls_totals(struct tls_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i <= TLS_MAX_THREADS; i++) {
		struct tls_stats *s = &tls_stats[i];

		t->conns += atomic_load_explicit(&s->conns, memory_order_relaxed);
		t->cur -= (long long)atomic_load_explicit(&s->closed, memory_order_relaxed);
		t->fe_full += atomic_load_explicit(&s->fe_full, memory_order_relaxed);
		t->fe_resumed += atomic_load_explicit(&s->fe_resumed, memory_order_relaxed);
		t->fe_failed += atomic_load_explicit(&s->fe_failed, memory_order_relaxed);
	}
	t->cur += (long long)t->conns;
}

/* ---- the client side's socket BIO: writes gathered per event pass ----
 *
 * A TLS server writes several small records in a row: the session ticket
 * after the handshake, the response, then close_notify. Sent one by one,
 * each is a segment the client wakes up for. The bind side's BIO keeps
 * small writes in a buffer that session.c flushes once the event pass is
 * done with the session (tls_wflush), so they leave in one send. A write
 * that does not fit goes out at once with what is buffered (one sendmsg,
 * no copy). The buffer exists only while it holds bytes.
 */
#define TLS_WB_SIZE	2048	/* tickets, small responses, alerts */

struct tls_wb {
	int fd;
	unsigned err:1;		/* a send failed: the connection is dead */
	unsigned eof:1;		/* the peer closed */
	unsigned len;		/* bytes buffered */
	char *buf;		/* TLS_WB_SIZE bytes, or NULL when empty */
};

static BIO_METHOD *tls_wb_meth;
static int tls_wb_type;
static pthread_once_t tls_wb_once = PTHREAD_ONCE_INIT;

static void tls_wb_put(struct tls_wb *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = 0;
}

/* Send what is buffered then data (may be NULL): bytes sent or -1 with
 * errno. */
static ssize_t tls_wb_sendv(struct tls_wb *w, const void *data, size_t dlen)
{
	struct iovec iov[2] = { { w->buf, w->len }, { (void *)data, dlen } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	if (!w->len || !dlen)		/* one piece: no iovec to import */
		return send(w->fd, w->len ? w->buf : data, w->len ? w->len : dlen,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
	return sendmsg(w->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* After sending n of the buffered bytes (and maybe more): what of data
 * went (>= 0), the buffer keeping what did not. */
static size_t tls_wb_sent(struct tls_wb *w, size_t n)
{
	if (n < w->len) {
		memmove(w->buf, w->buf + n, w->len - n);
		w->len -= (unsigned)n;
		return 0;
	}
	n -= w->len;
	if (w->buf)
		tls_wb_put(w);
	return n;
}

static int tls_wb_write(BIO *b, const char *data, size_t dlen, size_t *done)
{
	struct tls_wb *w = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	*done = 0;
	if (w->err)
		return 0;
	if (dlen == 0)
		return 1;
	if (w->len + dlen <= TLS_WB_SIZE) {
		if (!w->buf && !(w->buf = malloc(TLS_WB_SIZE)))
			goto direct;
		memcpy(w->buf + w->len, data, dlen);
		w->len += (unsigned)dlen;
		*done = dlen;
		return 1;
	}
direct:
	n = tls_wb_sendv(w, data, dlen);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			BIO_set_retry_write(b);
		else
			w->err = 1;
		return 0;
	}
	*done = tls_wb_sent(w, (size_t)n);
	if (*done == 0) {
		BIO_set_retry_write(b);
		return 0;
	}
	return 1;
}

static int tls_wb_read(BIO *b, char *buf, size_t len, size_t *done)
{
	struct tls_wb *w = BIO_get_data(b);
	ssize_t n = recv(w->fd, buf, len, 0);

	BIO_clear_retry_flags(b);
	*done = 0;
	if (n > 0) {
		*done = (size_t)n;
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_read(b);
	else if (n == 0)
		w->eof = 1;
	return 0;
}

static long tls_wb_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct tls_wb *w = BIO_get_data(b);

	(void)num;
	switch (cmd) {
	case BIO_CTRL_FLUSH:		/* session.c flushes after the pass */
		return 1;
	case BIO_C_GET_FD:
		if (ptr)
			*(int *)ptr = w->fd;
		return w->fd;
	case BIO_CTRL_WPENDING:
		return (long)w->len;
	case BIO_CTRL_EOF:
		return w->eof;
	default:
		return 0;
	}
}

static int tls_wb_destroy(BIO *b)
{
	struct tls_wb *w = BIO_get_data(b);

	if (w) {
		if (w->buf)
			tls_wb_put(w);
		free(w);
		BIO_set_data(b, NULL);
	}
	return 1;
}

static void tls_wb_init(void)
{
	BIO_METHOD *m;

	tls_wb_type = BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR;
	m = BIO_meth_new(tls_wb_type, "lbd socket");

	if (m && BIO_meth_set_write_ex(m, tls_wb_write) == 1 &&
	    BIO_meth_set_read_ex(m, tls_wb_read) == 1 &&
	    BIO_meth_set_ctrl(m, tls_wb_ctrl) == 1 &&
	    BIO_meth_set_destroy(m, tls_wb_destroy) == 1)
		tls_wb_meth = m;
	else
		BIO_meth_free(m);
}

/* The bind side's BIO on fd, or NULL. */
static BIO *tls_wb_new(int fd)
{
	struct tls_wb *w;
	BIO *b;

	pthread_once(&tls_wb_once, tls_wb_init);
	if (!tls_wb_meth || !(w = calloc(1, sizeof(*w))))
		return NULL;
	w->fd = fd;
	if (!(b = BIO_new(tls_wb_meth))) {
		free(w);
		return NULL;
	}
	BIO_set_data(b, w);
	BIO_set_init(b, 1);
	return b;
}

static struct tls_wb *tls_wb_of(const struct sock *sk)
{
	BIO *b = sk->ssl ? SSL_get_wbio(sk->ssl) : NULL;

	return b && tls_wb_type && BIO_method_type(b) == tls_wb_type ? BIO_get_data(b) : NULL;
}

int tls_wflush(struct sock *sk)
{
	struct tls_wb *w = sk->ssl ? tls_wb_of(sk) : NULL;
	ssize_t n;

	if (!w || !w->len)
		return w && w->err ? -1 : 0;
	n = tls_wb_sendv(w, NULL, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 1;
		w->err = 1;
		tls_wb_put(w);
		return -1;
	}
	tls_wb_sent(w, (size_t)n);
	return w->len ? 1 : 0;
}

/* ---- transport ---- */

static int sock_ssl_new(struct sock *sk, SSL_CTX *ctx, int gather)
{
	BIO *b = NULL;

	sk->ssl = SSL_new(ctx);
	if (!sk->ssl)
		return -1;
	if (gather && (b = tls_wb_new(sk->fd)))
		SSL_set_bio(sk->ssl, b, b);
	else if (gather || SSL_set_fd(sk->ssl, sk->fd) != 1) {
		SSL_free(sk->ssl);
		sk->ssl = NULL;
		return -1;
	}
	sk->tls_hs = 1;
	sk->tls_hs_wr = 0;
	sk->tls_rd_wr = 0;
	sk->tls_wr_rd = 0;
	sk->tls_err = 0;
	return 0;
}

int tls_sock_accept(struct sock *sk, struct tls_conf *c)
{
	if (sock_ssl_new(sk, c->ctx, 1) < 0)
		return -1;
	SSL_set_accept_state(sk->ssl);
	return 0;
}

int tls_sock_connect(struct sock *sk, struct tls_conf *c, const char *sni,
		     unsigned tid)
{
	if (sock_ssl_new(sk, c->ctx, 0) < 0)
		return -1;
	SSL_set_connect_state(sk->ssl);
	if (sni && sni[0]) {
		SSL_set_tlsext_host_name(sk->ssl, sni);
		if (c->verify == TLS_VERIFY_REQUIRED)
			SSL_set1_host(sk->ssl, sni);
	}
	if (!c->no_reuse && tid < TLS_MAX_THREADS) {
		SSL_set_app_data(sk->ssl, &c->reuse[tid]);
		if (c->reuse[tid])
			SSL_set_session(sk->ssl, c->reuse[tid]);
	}
	return 0;
}

int tls_handshake(struct sock *sk)
{
	int rc;

	ERR_clear_error();
	rc = SSL_do_handshake(sk->ssl);
	if (rc == 1) {
		struct tls_stats *st = tls_my_stats();

		sk->tls_hs = 0;
		sk->tls_hs_wr = 0;
		tls_count(&st->conns);
		if (SSL_is_server(sk->ssl))
			tls_count(SSL_session_reused(sk->ssl) ? &st->fe_resumed : &st->fe_full);
		return 1;
	}
	switch (SSL_get_error(sk->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		sk->tls_hs_wr = 0;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		sk->tls_hs_wr = 1;
		return 0;
	default:
		sk->tls_err = 1;
		ERR_clear_error();
		if (SSL_is_server(sk->ssl))
			tls_count(&tls_my_stats()->fe_failed);
		return -1;
	}
}

/* What SSL_read or SSL_write (own: the event it waits for by nature)
 * returned as n: bytes, 0 at a close_notify, -1 when the socket must be
 * ready first (*other: for the other event than own), -2 on error. */
static ssize_t tls_outcome(struct sock *sk, int n, int own, unsigned *other)
{
	int e;

	*other = 0;
	if (n > 0)
		return n;
	e = SSL_get_error(sk->ssl, n);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		*other = e != own;
		return -1;
	}
	if (e == SSL_ERROR_ZERO_RETURN)
		return 0;
	sk->tls_err = 1;
	ERR_clear_error();
	return -2;
}

ssize_t tls_recv(struct sock *sk, char *buf, size_t len)
{
	unsigned other;
	ssize_t n;

	ERR_clear_error();
	n = tls_outcome(sk, SSL_read(sk->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len),
			SSL_ERROR_WANT_READ, &other);
	sk->tls_rd_wr = other;
	return n;
}

ssize_t tls_send(struct sock *sk, const char *buf, size_t len)
{
	unsigned other;
	ssize_t n;

	ERR_clear_error();
	n = tls_outcome(sk, SSL_write(sk->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len),
			SSL_ERROR_WANT_WRITE, &other);
	sk->tls_wr_rd = other;
	return n == 0 ? -2 : n;		/* the peer closed: nothing more goes */
}

int tls_pending(const struct sock *sk)
{
	return sk->ssl && SSL_has_pending(sk->ssl);
}

void tls_shutw(struct sock *sk)
{
	if (!sk->ssl || sk->tls_err || sk->tls_hs ||
	    (SSL_get_shutdown(sk->ssl) & SSL_SENT_SHUTDOWN))
		return;
	SSL_shutdown(sk->ssl);
	ERR_clear_error();
}

void tls_sock_free(struct sock *sk)
{
	if (!sk->ssl)
		return;
	if (!sk->tls_hs)		/* counted open when its handshake ended */
		tls_count(&tls_my_stats()->closed);
	tls_shutw(sk);
	tls_wflush(sk);			/* the last records, never waiting */
	SSL_free(sk->ssl);
	sk->ssl = NULL;
}

int tls_idle_check(struct sock *sk)
{
	char c;

	return tls_recv(sk, &c, 1) == -1 && !sk->tls_rd_wr ? 0 : -1;
}

/* ---- fetches ---- */

const char *tls_sni(const struct sock *sk)
{
	return sk->ssl ? SSL_get_servername(sk->ssl, TLSEXT_NAMETYPE_host_name) : NULL;
}

const char *tls_protocol(const struct sock *sk)
{
	return sk->ssl ? SSL_get_version(sk->ssl) : NULL;
}

const char *tls_cipher(const struct sock *sk)
{
	return sk->ssl ? SSL_get_cipher_name(sk->ssl) : NULL;
}

const char *tls_alpn(const struct sock *sk, unsigned *len)
{
	const unsigned char *p = NULL;

	*len = 0;
	if (sk->ssl)
		SSL_get0_alpn_selected(sk->ssl, &p, len);
	return *len ? (const char *)p : NULL;
}

int tls_peer_cert(const struct sock *sk)
{
	X509 *x = sk->ssl ? SSL_get0_peer_certificate(sk->ssl) : NULL;

	return x != NULL;
}

long tls_verify_result(const struct sock *sk)
{
	return sk->ssl ? SSL_get_verify_result(sk->ssl) : 0;
}

int tls_peer_dn(const struct sock *sk, int issuer, char *buf, size_t len)
{
	X509 *x = sk->ssl ? SSL_get0_peer_certificate(sk->ssl) : NULL;

	if (!x || len > INT32_MAX)
		return -1;
	return X509_NAME_oneline(issuer ? X509_get_issuer_name(x) :
				 X509_get_subject_name(x), buf, (int)len) ? 0 : -1;
}

int tls_resumed(const struct sock *sk)
{
	return sk->ssl && SSL_session_reused(sk->ssl);
}
