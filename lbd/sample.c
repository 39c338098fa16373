/*
 * sample.c - sample fetches and the parsing and running of expressions
 * (see sample.h); the converters are in sample_conv.c. The fetch and
 * converter tables are the index of what is supported; a name HAProxy
 * knows that is missing there is refused at configuration time.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "arena.h"
#include "capture.h"
#include "hmsg.h"
#include "http1.h"
#include "proxy.h"
#include "sample.h"
#include "sample_int.h"
#include "session.h"
#include "stktable.h"
#include "tls.h"
#include "tls_hello.h"
#include "userlist.h"
#include "vars.h"

const char *const smp_type_names[SMP_T_COUNT] = {
	[SMP_T_BOOL] = "boolean", [SMP_T_SINT] = "integer", [SMP_T_STR] = "string",
	[SMP_T_IPV4] = "ipv4", [SMP_T_IPV6] = "ipv6",
};

struct smp_fetch {
	const char *name;
	smp_fetch_fn *fn;
	enum smp_arg_kind arg[SMP_MAX_ARGS];
	unsigned nmandatory;		/* leading arguments that are required */
	enum smp_type out;
	unsigned use;			/* SMP_USE_* */
	unsigned multi:1;		/* iterates in ACLs */
	unsigned sc;			/* stick counters: SC_* below, 0 none */
	enum stkt_data data;		/* what they read */
};

/* Which entry a stick-counter fetch reads. */
enum { SC_NONE, SC_0, SC_1, SC_2, SC_ARG, SC_SRC };

struct smp_call {
	const void *kw;			/* struct smp_fetch or struct smp_conv */
	struct smp_arg args[SMP_MAX_ARGS];
	unsigned nargs;
};

struct smp_expr {
	struct smp_call fetch;
	struct smp_call conv[SMP_MAX_CONVS];
	unsigned nconv;
};

/* ---- helpers ---- */

static int smp_set_addr(struct smp *out, const union sess_addr *a)
{
	if (a->sa.sa_family == AF_INET) {
		out->type = SMP_T_IPV4;
		out->v4 = a->in4.sin_addr;
		return 1;
	}
	if (a->sa.sa_family == AF_INET6) {
		out->type = SMP_T_IPV6;
		out->v6 = a->in6.sin6_addr;
		return 1;
	}
	return 0;
}

static int smp_port(const union sess_addr *a)
{
	if (a->sa.sa_family == AF_INET)
		return ntohs(a->in4.sin_port);
	if (a->sa.sa_family == AF_INET6)
		return ntohs(a->in6.sin6_port);
	return -1;
}

int smp_to_str(struct smp *v, struct arena *a)
{
	char *b;

	switch (v->type) {
	case SMP_T_STR:
		return 0;
	case SMP_T_BOOL:
	case SMP_T_SINT:
		b = arena_alloc(a, 24);
		if (!b)
			return -1;
		snprintf(b, 24, "%lld", (long long)v->sint);
		break;
	case SMP_T_IPV4:
	case SMP_T_IPV6:
		b = arena_alloc(a, INET6_ADDRSTRLEN);
		if (!b)
			return -1;
		inet_ntop(v->type == SMP_T_IPV4 ? AF_INET : AF_INET6,
			  v->type == SMP_T_IPV4 ? (const void *)&v->v4 : (const void *)&v->v6,
			  b, INET6_ADDRSTRLEN);
		break;
	default:
		return -1;
	}
	return smp_set_str(v, b, strlen(b)) ? 0 : -1;
}

int smp_to_ip(struct smp *v)
{
	char b[INET6_ADDRSTRLEN];

	if (v->type == SMP_T_IPV4 || v->type == SMP_T_IPV6)
		return 0;
	if (v->type != SMP_T_STR || v->len >= sizeof(b))
		return -1;
	memcpy(b, v->str, v->len);
	b[v->len] = '\0';
	if (inet_pton(AF_INET, b, &v->v4) == 1)
		v->type = SMP_T_IPV4;
	else if (inet_pton(AF_INET6, b, &v->v6) == 1)
		v->type = SMP_T_IPV6;
	else
		return -1;
	return 0;
}

int smp_to_sint(struct smp *v)
{
	int64_t n = 0;
	size_t i = 0;
	int neg = 0;

	if (v->type == SMP_T_SINT || v->type == SMP_T_BOOL)
		return 0;
	if (v->type != SMP_T_STR || v->len == 0)
		return -1;
	/* HAProxy's cast: an optional sign and the digits that follow,
	 * whatever comes after ("12abc" is 12, "abc" is 0), saturated */
	if (v->str[i] == '-' || v->str[i] == '+')
		neg = v->str[i++] == '-';
	for (; i < v->len && v->str[i] >= '0' && v->str[i] <= '9'; i++) {
		int d = v->str[i] - '0';

		if (n > (INT64_MAX - d) / 10) {
			n = INT64_MAX;
			break;
		}
		n = n * 10 + d;
	}
	return smp_set_int(v, neg ? -n : n, SMP_T_SINT) ? 0 : -1;
}

/* ---- fetches: the connection ---- */
/* (an argument naming a backend, frontend or server that was not resolved
 * reads as "not found": that happens only outside a loaded configuration,
 * in the fuzzer) */

static int f_src(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_set_addr(out, &c->s->cli_addr);
}

static int f_dst(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_set_addr(out, &c->s->fe_addr);
}

static int f_src_port(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	int p = smp_port(&c->s->cli_addr);

	return p < 0 ? 0 : smp_set_int(out, p, SMP_T_SINT);
}

static int f_dst_port(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	int p = smp_port(&c->s->fe_addr);

	return p < 0 ? 0 : smp_set_int(out, p, SMP_T_SINT);
}

static int f_true(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_set_int(out, 1, SMP_T_BOOL);
}

static int f_false(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_set_int(out, 0, SMP_T_BOOL);
}

static int f_int(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_set_int(out, a[0].n, SMP_T_SINT);
}

static int f_str(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_set_str(out, a[0].str, strlen(a[0].str));
}

/* ---- TLS, the client's side (tls.c reads the connection) ---- */

enum { SSL_FC, SSL_FC_SNI, SSL_FC_PROTO, SSL_FC_CIPHER, SSL_FC_ALPN, SSL_FC_RESUMED,
       SSL_C_USED, SSL_C_VERIFY, SSL_C_S_DN, SSL_C_I_DN };

static int f_ssl(const struct smp_arg *a, struct smp_ctx *c, struct smp *out,
		 int what)
{
	const struct sock *sk = &c->s->cli;
	const char *v = NULL;
	unsigned len = 0;
	char *dn;

	if (what == SSL_FC)
		return smp_set_int(out, sk->ssl != NULL, SMP_T_BOOL);
	if (!sk->ssl)
		return 0;
	switch (what) {
	case SSL_FC_SNI: v = tls_sni(sk); break;
	case SSL_FC_PROTO: v = tls_protocol(sk); break;
	case SSL_FC_CIPHER: v = tls_cipher(sk); break;
	case SSL_FC_ALPN:
		v = tls_alpn(sk, &len);
		return v ? smp_set_str(out, v, len) : 0;
	case SSL_FC_RESUMED:
		return smp_set_int(out, tls_resumed(sk), SMP_T_BOOL);
	case SSL_C_USED:
		return smp_set_int(out, tls_peer_cert(sk), SMP_T_BOOL);
	case SSL_C_VERIFY:
		return smp_set_int(out, tls_verify_result(sk), SMP_T_SINT);
	case SSL_C_S_DN:
	case SSL_C_I_DN:
		dn = arena_alloc(c->a, 1024);
		if (!dn || tls_peer_dn(sk, what == SSL_C_I_DN, dn, 1024) < 0)
			return 0;
		return smp_set_str(out, dn, strlen(dn));
	}
	return v ? smp_set_str(out, v, strlen(v)) : 0;
}

/* req.ssl_sni, req.ssl_hello_type: the ClientHello waiting in the request
 * buffer (mode tcp, not terminated) */
static int f_req_hello(struct smp_ctx *c, struct smp *out, int sni)
{
	const struct chn *q = c->s->t ? &c->s->t->req : NULL;
	struct tls_hello h;

	if (!q || !q->b.area ||
	    tls_hello_parse((const uint8_t *)q->b.area + q->b.head, q->b.data, &h) !=
	    TLS_HELLO_OK)
		return 0;
	if (!sni)
		return smp_set_int(out, h.type, SMP_T_SINT);
	return h.sni ? smp_set_str(out, h.sni, h.sni_len) : 0;
}

static int f_req_ssl_sni(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_req_hello(c, out, 1);
}

static int f_req_ssl_hello_type(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_req_hello(c, out, 0);
}

static int f_ssl_fc(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_ssl(a, c, out, SSL_FC);
}

static int f_ssl_fc_sni(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_ssl(a, c, out, SSL_FC_SNI);
}

static int f_ssl_fc_protocol(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_ssl(a, c, out, SSL_FC_PROTO);
}

static int f_ssl_fc_cipher(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_ssl(a, c, out, SSL_FC_CIPHER);
}

static int f_ssl_fc_alpn(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_ssl(a, c, out, SSL_FC_ALPN);
}

static int f_ssl_fc_resumed(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_ssl(a, c, out, SSL_FC_RESUMED);
}

static int f_ssl_c_used(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_ssl(a, c, out, SSL_C_USED);
}

static int f_ssl_c_verify(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_ssl(a, c, out, SSL_C_VERIFY);
}

static int f_ssl_c_s_dn(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_ssl(a, c, out, SSL_C_S_DN);
}

static int f_ssl_c_i_dn(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_ssl(a, c, out, SSL_C_I_DN);
}

static const struct proxy *smp_px_or(const struct smp_arg *a, const struct proxy *dflt)
{
	return a[0].set ? a[0].px : dflt;
}

static int f_nbsrv(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const struct proxy *be = smp_px_or(a, c->s->t && c->s->t->be ? c->s->t->be : c->s->fe);

	if (!be)
		return 0;
	return smp_set_int(out, be->srv_act + be->srv_bck, SMP_T_SINT);
}

static int f_be_conn(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const struct proxy *be = smp_px_or(a, c->s->t && c->s->t->be ? c->s->t->be : NULL);

	if (!be)
		return 0;
	return smp_set_int(out, __atomic_load_n(&be->beconn, __ATOMIC_RELAXED), SMP_T_SINT);
}

static int f_fe_conn(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const struct proxy *fe = smp_px_or(a, c->s->fe);

	if (!fe)
		return 0;
	return smp_set_int(out, atomic_load(&fe->feconn), SMP_T_SINT);
}

/* fe_name, be_name, srv_name and their _id forms: the frontend, the
 * backend and the server of the transaction (once chosen) */
static const struct proxy *smp_be(const struct smp_ctx *c)
{
	/* before use_backend chose, the frontend is the current proxy */
	return c->s->t && c->s->t->be ? c->s->t->be : c->s->fe;
}

static const struct server *smp_srv(const struct smp_ctx *c)
{
	return c->s->t ? c->s->t->srv : NULL;
}

static int f_fe_name(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_set_str(out, c->s->fe->id, strlen(c->s->fe->id));
}

static int f_fe_id(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_set_int(out, c->s->fe->uuid, SMP_T_SINT);
}

static int f_be_name(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const struct proxy *be = smp_be(c);

	return be ? smp_set_str(out, be->id, strlen(be->id)) : 0;
}

static int f_be_id(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const struct proxy *be = smp_be(c);

	return be ? smp_set_int(out, be->uuid, SMP_T_SINT) : 0;
}

static int f_srv_name(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const struct server *s = smp_srv(c);

	return s ? smp_set_str(out, s->id, strlen(s->id)) : 0;
}

static int f_srv_id(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const struct server *s = smp_srv(c);

	return s ? smp_set_int(out, s->puid, SMP_T_SINT) : 0;
}

static int f_srv_is_up(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	enum srv_state st;

	if (!a[0].srv)
		return 0;	/* not resolved: only outside a loaded configuration */
	st = a[0].srv->state;
	return smp_set_int(out, st == SRV_ST_UP || st == SRV_ST_DRAIN, SMP_T_BOOL);
}

static int f_rand(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	uint32_t r;

	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		return 0;
	if (a[0].set)
		return smp_set_int(out, a[0].n > 0 ? (int64_t)(((uint64_t)r * (uint64_t)a[0].n) >> 32) : 0,
				   SMP_T_SINT);
	return smp_set_int(out, r, SMP_T_SINT);
}

static int f_date(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_set_int(out, (int64_t)time(NULL) + (a[0].set ? a[0].n : 0), SMP_T_SINT);
}

static int f_uuid(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	unsigned char r[16];
	char *b = arena_alloc(c->a, 37);

	if (!b || RAND_bytes(r, sizeof(r)) != 1)
		return 0;
	r[6] = (r[6] & 0x0f) | 0x40;	/* version 4 */
	r[8] = (r[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(b, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
		 r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
	return smp_set_str(out, b, 36);
}

/* ---- fetches: the request line ---- */

static int f_method(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const struct txn *t = c->s ? c->s->t : NULL;
	const char *sp;

	if (c->req)
		return smp_set_str(out, c->req->meth, c->req->meth_len);
	/* at log time: the request line the transaction kept */
	if (!t || !t->reqline || !(sp = memchr(t->reqline, ' ', t->reqline_len)))
		return 0;
	return smp_set_str(out, t->reqline, (size_t)(sp - t->reqline));
}

static int f_path(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const char *p;
	size_t n;

	if (!c->req)
		return 0;
	hmsg_path(c->req, &p, &n);
	return smp_set_str(out, p, n);
}

static int f_url(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return c->req ? smp_set_str(out, c->req->uri, c->req->uri_len) : 0;
}

static int f_query(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const char *q;
	size_t n;
	int has;

	if (!c->req)
		return 0;
	hmsg_query(c->req, &q, &n, &has);
	return has ? smp_set_str(out, q, n) : 0;
}

static int f_req_ver(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	if (!c->req)
		return 0;
	return smp_set_str(out, c->req->ver_minor ? "1.1" : "1.0", 3);
}

static int f_proto_http(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_set_int(out, c->req != NULL, SMP_T_BOOL);
}

/* host header (without a port) + path: HAProxy's "base" */
static int f_base(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const struct http1_hdr *h;
	const char *p;
	size_t n;
	char *b;

	if (!c->req)
		return 0;
	h = hmsg_find(c->req, "host", 4, NULL);
	hmsg_path(c->req, &p, &n);
	if (!h)
		return smp_set_str(out, p, n);
	b = arena_cat(c->a, h->value, h->value_len, p, n);
	return b ? smp_set_str(out, b, h->value_len + n) : 0;
}

/* The value of parameter name in a query string (delimiters '&' and the
 * optional second one). */
static int f_url_param(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const char *q, *e;
	size_t n, nl = strlen(a[0].str);
	/* a delimiter given replaces '&', as in HAProxy */
	char d1 = a[1].set && a[1].str[0] ? a[1].str[0] : '&';
	int has;

	if (!c->req)
		return 0;
	hmsg_query(c->req, &q, &n, &has);
	for (e = q + n; q < e;) {
		const char *end = q;

		while (end < e && *end != d1)
			end++;
		if ((size_t)(end - q) > nl && q[nl] == '=' && memcmp(q, a[0].str, nl) == 0)
			return smp_set_str(out, q + nl + 1, (size_t)(end - q) - nl - 1);
		if ((size_t)(end - q) == nl && nl && memcmp(q, a[0].str, nl) == 0)
			return smp_set_str(out, end, 0);
		q = end + 1;
	}
	return 0;
}

/* ---- fetches: headers ---- */

static struct hmsg *smp_msg(struct smp_ctx *c, int res)
{
	return res ? c->res : c->req;
}

/*
 * The comma-separated values of every header named a[0] (hdr(), res.hdr()):
 * with an occurrence a[1] (1 first, -1 last) that one value; in an ACL
 * each value in turn; else the last one, as HAProxy does.
 */
static int smp_hdr_values(const struct smp_arg *a, struct smp_ctx *c, struct smp *out,
			  int res, int full)
{
	struct hmsg *h = smp_msg(c, res);
	const char *name = a[0].str, *last = NULL;
	size_t nl = strlen(name), last_len = 0, count = 0;
	int64_t occ = a[1].set ? a[1].n : (c->all ? 0 : -1);
	size_t i = out->it, off = out->it2;

	if (!h)
		return 0;
	for (; i < h->m->nhdrs; i++, off = 0) {
		const struct http1_hdr *hd = &h->m->hdrs[i];
		const char *v = hd->value, *e = v + hd->value_len;

		if (hd->name_len != nl || strncasecmp(hd->name, name, nl) != 0)
			continue;
		for (v += off; v <= e;) {
			const char *s = v, *t = full ? e : memchr(v, ',', (size_t)(e - v));
			size_t len;

			if (!t)
				t = e;
			while (s < t && (*s == ' ' || *s == '\t'))
				s++;
			len = (size_t)(t - s);
			while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			v = t + 1;
			count++;
			if (occ == 0) {	/* ACL iteration: hand out this one */
				out->it = i;
				out->it2 = (size_t)(v - hd->value);
				out->more = 1;
				return smp_set_str(out, s, len);
			}
			if (occ > 0 && (int64_t)count == occ)
				return smp_set_str(out, s, len);
			last = s;
			last_len = len;
		}
	}
	out->more = 0;
	if (occ == 0 || !last)
		return 0;
	if (occ < -1) {
		/* -n: the nth from the end, counted in a second pass */
		struct smp tmp = { 0 };
		struct smp_arg b[2] = { a[0], { .n = (int64_t)count + occ + 1, .set = 1 } };

		if ((int64_t)count + occ + 1 < 1)
			return 0;
		return smp_hdr_values(b, c, &tmp, res, full) ? (*out = tmp, 1) : 0;
	}
	return smp_set_str(out, last, last_len);
}

static int f_hdr(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_hdr_values(a, c, out, 0, 0);
}

static int f_fhdr(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_hdr_values(a, c, out, 0, 1);
}

static int f_res_hdr(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_hdr_values(a, c, out, 1, 0);
}

static int f_res_fhdr(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_hdr_values(a, c, out, 1, 1);
}

static int smp_hdr_cnt(const struct smp_arg *a, struct smp_ctx *c, struct smp *out, int res)
{
	struct smp v = { 0 };
	struct smp_ctx cc = *c;
	struct smp_arg b[2] = { a[0], { 0 } };
	int64_t n = 0;

	if (!smp_msg(c, res))
		return 0;
	cc.all = 1;
	for (unsigned guard = 0; guard < 65536 && smp_hdr_values(b, &cc, &v, res, 0); guard++) {
		n++;
		if (!v.more)
			break;
	}
	return smp_set_int(out, n, SMP_T_SINT);
}

static int f_hdr_cnt(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_hdr_cnt(a, c, out, 0);
}

static int f_res_hdr_cnt(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_hdr_cnt(a, c, out, 1);
}

static int f_hdr_ip(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_hdr_values(a, c, out, 0, 0) && smp_to_ip(out) == 0;
}

static int f_hdr_val(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return smp_hdr_values(a, c, out, 0, 0) && smp_to_sint(out) == 0;
}

/* A cookie's value from the Cookie headers: "name=value; name2=value2". */
static int f_cook(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	size_t nl = strlen(a[0].str), i = out->it;

	if (!c->req)
		return 0;
	for (; i < c->req->m->nhdrs; i++) {
		const struct http1_hdr *hd = &c->req->m->hdrs[i];
		const char *v = hd->value, *e = v + hd->value_len;

		if (!http1_name_eq(hd->name, hd->name_len, "cookie"))
			continue;
		while (v < e) {
			const char *s = v, *t = memchr(v, ';', (size_t)(e - v)), *eq;

			if (!t)
				t = e;
			while (s < t && (*s == ' ' || *s == '\t'))
				s++;
			v = t + 1;
			eq = memchr(s, '=', (size_t)(t - s));
			if (!eq || (size_t)(eq - s) != nl || memcmp(s, a[0].str, nl) != 0)
				continue;
			eq++;
			while (t > eq && (t[-1] == ' ' || t[-1] == '\t'))
				t--;
			out->it = i + 1;
			out->more = c->all;
			return smp_set_str(out, eq, (size_t)(t - eq));
		}
	}
	out->more = 0;
	return 0;
}

static int f_unique_id(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const char *id = c->s->t ? c->s->t->unique_id : NULL;

	return id ? smp_set_str(out, id, strlen(id)) : 0;
}

/* capture.req.hdr(n) / capture.res.hdr(n): what the frontend captured in
 * slot n; the transaction keeps it until its log line */
static int f_capture(const struct smp_arg *a, struct smp_ctx *c, struct smp *out, int res)
{
	const char *v = a[0].n >= 0 && a[0].n < CAP_MAX_SLOTS ?
			cap_value(c->s, res, (unsigned)a[0].n) : NULL;

	return v ? smp_set_str(out, v, strlen(v)) : 0;
}

static int f_capture_req(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_capture(a, c, out, 0);
}

static int f_capture_res(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return f_capture(a, c, out, 1);
}

static int f_var(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	return vars_get(c->s, a[0].str, out);
}

/* The request's Basic credentials checked against the userlist: the
 * user, or NULL. */
static const struct ul_user *smp_auth_user(const struct smp_arg *a, struct smp_ctx *c)
{
	const struct http1_hdr *h;
	const struct ul_user *u = NULL;
	char cred[512];

	if (!c->req || !a[0].ul || !(h = hmsg_find(c->req, "authorization", 13, NULL)) ||
	    ul_basic_decode(h->value, h->value_len, cred, sizeof(cred)) < 0 ||
	    !ul_check(a[0].ul, cred, &u))
		return NULL;
	return u;
}

static int f_http_auth(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	if (!c->req)
		return 0;
	return smp_set_int(out, smp_auth_user(a, c) != NULL, SMP_T_BOOL);
}

/* As HAProxy: a value is the authenticated user's name, an ACL's
 * patterns are group names matched against each of the user's groups. */
static int f_http_auth_group(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	const struct ul_user *u = smp_auth_user(a, c);
	const char *g;

	if (u && !c->all) {
		const char *name = ul_user_name(u);

		return smp_set_str(out, name, strlen(name));
	}
	g = u ? ul_user_group(a[0].ul, u, (unsigned)out->it) : NULL;

	if (!g) {
		out->more = 0;
		return 0;
	}
	out->it++;
	out->more = 1;
	return smp_set_str(out, g, strlen(g));
}

static int f_status(const struct smp_arg *a, struct smp_ctx *c, struct smp *out)
{
	if (c->res)
		return smp_set_int(out, c->res->status, SMP_T_SINT);
	/* at log time: the status the client got */
	return c->s && c->s->t && c->s->t->status > 0 ?
	       smp_set_int(out, c->s->t->status, SMP_T_SINT) : 0;
}

/*
 * sc<n>_<data>([table]), sc_<data>(<n>[,table]), src_<data>([table]): a
 * counter of the entry the request tracks, or of the client's address in
 * a table (by default the one of the proxy whose rules run).
 */
static int f_stick(const struct smp_fetch *f, const struct smp_arg *a, struct smp_ctx *c,
		   struct smp *out)
{
	struct txn *t = c->s->t;
	int64_t v;

	if (f->sc == SC_SRC) {
		struct stktable *tb = a[0].set ? stkt_of(a[0].px) :
				      stkt_of(t && t->be ? t->be : c->s->fe);
		struct smp key = { 0 };

		if (!tb || !smp_set_addr(&key, &c->s->cli_addr))
			return 0;
		if (!stkt_lookup_get(tb, &key, f->data, &v))
			return smp_set_int(out, 0, SMP_T_SINT);	/* absent: 0 */
		return smp_set_int(out, v, SMP_T_SINT);
	} else {
		int n = f->sc == SC_ARG ? (int)a[0].n : (int)f->sc - SC_0;

		const struct stkt_ref *r;

		if (n < 0 || n >= STKT_MAX_SC)
			return 0;
		/* the request's own counter, else the connection's */
		r = t && t->stk[n].e ? &t->stk[n] : sess_stk(c->s, n);
		if (!r->e || !stkt_get(r->t, r->e, f->data, &v))
			return 0;
		return smp_set_int(out, v, SMP_T_SINT);
	}
}

#define STICK(name, d) \
	{ "sc_" name, NULL, { ARG_INT, ARG_BE }, 1, S(SINT), SMP_USE_L4, 0, SC_ARG, d }, \
	{ "sc0_" name, NULL, { ARG_BE }, 0, S(SINT), SMP_USE_L4, 0, SC_0, d }, \
	{ "sc1_" name, NULL, { ARG_BE }, 0, S(SINT), SMP_USE_L4, 0, SC_1, d }, \
	{ "sc2_" name, NULL, { ARG_BE }, 0, S(SINT), SMP_USE_L4, 0, SC_2, d }, \
	{ "src_" name, NULL, { ARG_BE }, 0, S(SINT), SMP_USE_L4, 0, SC_SRC, d }
static const struct smp_fetch smp_fetches[] = {
	{ "src", f_src, A0, 0, S(IPV4), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "dst", f_dst, A0, 0, S(IPV4), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "src_port", f_src_port, A0, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "dst_port", f_dst_port, A0, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "always_true", f_true, A0, 0, S(BOOL), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "always_false", f_false, A0, 0, S(BOOL), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "int", f_int, { ARG_INT }, 1, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "str", f_str, { ARG_STR }, 1, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "ssl_fc", f_ssl_fc, A0, 0, S(BOOL), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "req.ssl_sni", f_req_ssl_sni, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "req_ssl_sni", f_req_ssl_sni, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "req.ssl_hello_type", f_req_ssl_hello_type, A0, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "req_ssl_hello_type", f_req_ssl_hello_type, A0, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "ssl_fc_sni", f_ssl_fc_sni, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "ssl_fc_protocol", f_ssl_fc_protocol, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "ssl_fc_cipher", f_ssl_fc_cipher, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "ssl_fc_alpn", f_ssl_fc_alpn, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "ssl_fc_is_resumed", f_ssl_fc_resumed, A0, 0, S(BOOL), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "ssl_c_used", f_ssl_c_used, A0, 0, S(BOOL), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "ssl_c_verify", f_ssl_c_verify, A0, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "ssl_c_s_dn", f_ssl_c_s_dn, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "ssl_c_i_dn", f_ssl_c_i_dn, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "nbsrv", f_nbsrv, { ARG_BE }, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "be_conn", f_be_conn, { ARG_BE }, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "fe_conn", f_fe_conn, { ARG_FE }, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "srv_is_up", f_srv_is_up, { ARG_SRV }, 1, S(BOOL), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "rand", f_rand, { ARG_INT }, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "date", f_date, { ARG_INT }, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "uuid", f_uuid, { ARG_INT }, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "http_auth", f_http_auth, { ARG_UL }, 1, S(BOOL), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "http_auth_group", f_http_auth_group, { ARG_UL }, 1, S(STR), SMP_USE_REQ, 1, SC_NONE, 0 },
	{ "var", f_var, { ARG_VAR }, 1, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "fe_name", f_fe_name, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "fe_id", f_fe_id, A0, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "be_name", f_be_name, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "be_id", f_be_id, A0, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "srv_name", f_srv_name, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "srv_id", f_srv_id, A0, 0, S(SINT), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "capture.req.hdr", f_capture_req, { ARG_INT }, 1, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "capture.res.hdr", f_capture_res, { ARG_INT }, 1, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "unique-id", f_unique_id, A0, 0, S(STR), SMP_USE_L4, 0, SC_NONE, 0 },
	{ "method", f_method, A0, 0, S(STR), SMP_USE_REQ | SMP_USE_LOG, 0, SC_NONE, 0 },
	{ "path", f_path, A0, 0, S(STR), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "url", f_url, A0, 0, S(STR), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "query", f_query, A0, 0, S(STR), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "base", f_base, A0, 0, S(STR), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "req.ver", f_req_ver, A0, 0, S(STR), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "req_ver", f_req_ver, A0, 0, S(STR), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "req.proto_http", f_proto_http, A0, 0, S(BOOL), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "url_param", f_url_param, { ARG_STR, ARG_STR }, 1, S(STR), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "urlp", f_url_param, { ARG_STR, ARG_STR }, 1, S(STR), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "hdr", f_hdr, { ARG_STR, ARG_INT }, 1, S(STR), SMP_USE_REQ, 1, SC_NONE, 0 },
	{ "req.hdr", f_hdr, { ARG_STR, ARG_INT }, 1, S(STR), SMP_USE_REQ, 1, SC_NONE, 0 },
	{ "req.fhdr", f_fhdr, { ARG_STR, ARG_INT }, 1, S(STR), SMP_USE_REQ, 1, SC_NONE, 0 },
	{ "hdr_cnt", f_hdr_cnt, { ARG_STR }, 1, S(SINT), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "req.hdr_cnt", f_hdr_cnt, { ARG_STR }, 1, S(SINT), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "hdr_ip", f_hdr_ip, { ARG_STR, ARG_INT }, 1, S(IPV4), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "req.hdr_ip", f_hdr_ip, { ARG_STR, ARG_INT }, 1, S(IPV4), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "hdr_val", f_hdr_val, { ARG_STR, ARG_INT }, 1, S(SINT), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "req.hdr_val", f_hdr_val, { ARG_STR, ARG_INT }, 1, S(SINT), SMP_USE_REQ, 0, SC_NONE, 0 },
	{ "cook", f_cook, { ARG_STR }, 1, S(STR), SMP_USE_REQ, 1, SC_NONE, 0 },
	{ "req.cook", f_cook, { ARG_STR }, 1, S(STR), SMP_USE_REQ, 1, SC_NONE, 0 },
	{ "status", f_status, A0, 0, S(SINT), SMP_USE_RES | SMP_USE_LOG, 0, SC_NONE, 0 },
	{ "res.hdr", f_res_hdr, { ARG_STR, ARG_INT }, 1, S(STR), SMP_USE_RES, 1, SC_NONE, 0 },
	{ "shdr", f_res_hdr, { ARG_STR, ARG_INT }, 1, S(STR), SMP_USE_RES, 1, SC_NONE, 0 },
	{ "res.fhdr", f_res_fhdr, { ARG_STR, ARG_INT }, 1, S(STR), SMP_USE_RES, 1, SC_NONE, 0 },
	{ "res.hdr_cnt", f_res_hdr_cnt, { ARG_STR }, 1, S(SINT), SMP_USE_RES, 0, SC_NONE, 0 },
	{ "shdr_cnt", f_res_hdr_cnt, { ARG_STR }, 1, S(SINT), SMP_USE_RES, 0, SC_NONE, 0 },
	STICK("conn_cnt", STKT_CONN_CNT), STICK("conn_cur", STKT_CONN_CUR),
	STICK("conn_rate", STKT_CONN_RATE), STICK("sess_cnt", STKT_SESS_CNT),
	STICK("sess_rate", STKT_SESS_RATE), STICK("http_req_cnt", STKT_HTTP_REQ_CNT),
	STICK("http_req_rate", STKT_HTTP_REQ_RATE), STICK("http_err_cnt", STKT_HTTP_ERR_CNT),
	STICK("http_err_rate", STKT_HTTP_ERR_RATE), STICK("bytes_in_rate", STKT_BYTES_IN_RATE),
	STICK("bytes_out_rate", STKT_BYTES_OUT_RATE), STICK("get_gpc0", STKT_GPC0),
	STICK("gpc0_rate", STKT_GPC0_RATE), STICK("server_id", STKT_SERVER_ID),
};

/* Names HAProxy has that lbd refuses until they land. */
static const char *const smp_later[] = {
	"map_str_int", "map_beg_int", "map_ip_int", "table_http_req_rate", "table_conn_cur",
	"sc_inc_gpc0", "src_inc_gpc0",
	"req.body", "req.len", "res.cook", "scook",
};

/* ---- parsing ---- */

static void smp_map_free(struct smp_map *m)
{
	for (size_t i = 0; m && i < m->n; i++) {
		free(m->e[i].key);
		if (m->e[i].re)
			pcre2_code_free(m->e[i].re);
	}
	if (m)
		free(m->e);
	free(m);
}

static void smp_args_free(struct smp_call *k)
{
	for (unsigned i = 0; i < SMP_MAX_ARGS; i++) {
		smp_map_free(k->args[i].map);
		free(k->args[i].str);
		if (k->args[i].re)
			pcre2_code_free(k->args[i].re);
	}
}

void smp_expr_free(struct smp_expr *e)
{
	if (!e)
		return;
	smp_args_free(&e->fetch);
	for (unsigned i = 0; i < e->nconv; i++)
		smp_args_free(&e->conv[i]);
	free(e);
}

/* Load a map file for converter kw ("map_ip" ...); NULL + err on error. */
static struct smp_map *smp_map_load(const char *kw, const char *path, char *err,
				    size_t errlen)
{
	static const struct { const char *kw; enum map_kind k; } kinds[] = {
		{ "map", MAP_STR }, { "map_str", MAP_STR }, { "map_beg", MAP_BEG },
		{ "map_sub", MAP_SUB }, { "map_end", MAP_END }, { "map_dom", MAP_DOM },
		{ "map_reg", MAP_REG }, { "map_ip", MAP_IP }, { "map_int", MAP_INT },
	};
	struct smp_map *m = calloc(1, sizeof(*m));
	FILE *f = fopen(path, "r");
	char line[4096];
	unsigned ln = 0;
	size_t cap = 0;

	if (!m || !f) {
		snprintf(err, errlen, "'%s': cannot open map file '%s'", kw, path);
		goto fail;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kw, kinds[i].kw))
			m->kind = kinds[i].k;
	while (fgets(line, sizeof(line), f)) {
		char *k = line, *v, *end;
		struct map_entry *e;

		if (++ln > SMP_MAP_MAX_LINES || (!strchr(line, '\n') && !feof(f))) {
			snprintf(err, errlen, "'%s': %s:%u: line too long or too many lines",
				 kw, path, ln);
			goto fail;
		}
		while (*k == ' ' || *k == '\t')
			k++;
		end = k + strcspn(k, "\r\n");
		*end = '\0';
		if (!*k || *k == '#')
			continue;
		v = k + strcspn(k, " \t");
		if (*v)
			*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		if (m->n == cap) {
			struct map_entry *ne = realloc(m->e, (cap = cap ? cap * 2 : 16) * sizeof(*ne));

			if (!ne)
				goto nomem;
			m->e = ne;
		}
		e = &m->e[m->n];
		memset(e, 0, sizeof(*e));
		/* key and value in one allocation */
		e->key = malloc(strlen(k) + strlen(v) + 2);
		if (!e->key)
			goto nomem;
		strcpy(e->key, k);
		e->value = e->key + strlen(k) + 1;
		strcpy(e->value, v);
		e->klen = strlen(k);
		m->n++;
		if (m->kind == MAP_INT) {
			char *x;

			e->n = strtoll(k, &x, 10);
			if (*x)
				goto bad;
		} else if (m->kind == MAP_IP) {
			char *slash = strchr(k, '/');
			long bits = -1;

			if (slash) {
				*slash = '\0';
				bits = strtol(slash + 1, NULL, 10);
			}
			if (inet_pton(AF_INET, k, e->addr) == 1)
				e->fam = AF_INET;
			else if (inet_pton(AF_INET6, k, e->addr) == 1)
				e->fam = AF_INET6;
			else
				goto bad;
			if (bits < 0)
				bits = e->fam == AF_INET ? 32 : 128;
			if (bits > (e->fam == AF_INET ? 32 : 128))
				goto bad;
			e->bits = (unsigned)bits;
		} else if (m->kind == MAP_REG) {
			int ec;
			PCRE2_SIZE eo;

			e->re = pcre2_compile((PCRE2_SPTR)k, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
			if (!e->re)
				goto bad;
			pcre2_jit_compile(e->re, PCRE2_JIT_COMPLETE);
		}
	}
	fclose(f);
	return m;
bad:
	snprintf(err, errlen, "'%s': %s:%u: invalid key '%.64s'", kw, path, ln, line);
	goto fail;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	if (f)
		fclose(f);
	smp_map_free(m);
	return NULL;
}

/* A netmask of len bytes: a prefix length, or written as an address
 * ("255.255.0.0", "ffff:ffff::"; any bits, as HAProxy takes them). */
static int smp_mask_parse(const char *s, size_t len, uint8_t *mask)
{
	char *end;
	long bits;

	if (inet_pton(len == 4 ? AF_INET : AF_INET6, s, mask) == 1)
		return 0;
	bits = strtol(s, &end, 10);
	if (!*s || *end || bits < 0 || bits > (long)len * 8)
		return -1;
	for (size_t i = 0; i < len; i++, bits -= 8)
		mask[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	return 0;
}

static int smp_arg_set(struct smp_arg *arg, enum smp_arg_kind kind, const char *s,
		       size_t n, const char *kw, char *err, size_t errlen)
{
	arg->str = strndup(s, n);
	if (!arg->str) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	arg->set = 1;
	if (kind == ARG_INT) {
		char *end;

		arg->n = strtoll(arg->str, &end, 10);
		if (!n || *end) {
			snprintf(err, errlen, "'%s': '%s' is not an integer", kw, arg->str);
			return -1;
		}
	} else if (kind == ARG_MSK4 || kind == ARG_MSK6) {
		if (smp_mask_parse(arg->str, kind == ARG_MSK4 ? 4 : 16, arg->mask) < 0) {
			snprintf(err, errlen, "'%s': '%s' is not a netmask (a prefix length "
				 "or an address form)", kw, arg->str);
			return -1;
		}
	} else if (kind == ARG_JSON) {
		static const char *const codes[] = {
			[JSON_ASCII] = "ascii", [JSON_UTF8] = "utf8", [JSON_UTF8S] = "utf8s",
			[JSON_UTF8P] = "utf8p", [JSON_UTF8PS] = "utf8ps",
		};

		for (arg->n = 0; arg->n < 5 && strcmp(codes[arg->n], arg->str); arg->n++)
			;
		if (arg->n == 5) {
			snprintf(err, errlen, "'%s': unknown input code '%s' (ascii, utf8, "
				 "utf8s, utf8p or utf8ps)", kw, arg->str);
			return -1;
		}
	} else if (kind == ARG_REGFLAGS) {
		if (arg->str[strspn(arg->str, "gi")]) {
			snprintf(err, errlen, "'%s': unknown flag in '%s' ('g' and 'i' only)",
				 kw, arg->str);
			return -1;
		}
	} else if (kind == ARG_REG) {
		int ec;
		PCRE2_SIZE eo;

		arg->re = pcre2_compile((PCRE2_SPTR)arg->str, PCRE2_ZERO_TERMINATED, 0,
					&ec, &eo, NULL);
		if (!arg->re) {
			snprintf(err, errlen, "'%s': invalid regex '%s'", kw, arg->str);
			return -1;
		}
	} else if (kind == ARG_MAP) {
		arg->map = smp_map_load(kw, arg->str, err, errlen);
		if (!arg->map)
			return -1;
	} else if (kind == ARG_IVAR) {
		char *end;

		arg->n = strtoll(arg->str, &end, 10);
		if (n && !*end)
			return 0;
		arg->is_var = 1;
		if (!vars_name_ok(arg->str)) {
			snprintf(err, errlen, "'%s': '%s' is neither an integer nor a variable "
				 "name", kw, arg->str);
			return -1;
		}
	} else if (kind == ARG_VAR && !vars_name_ok(arg->str)) {
		snprintf(err, errlen, "'%s': invalid variable name '%s' (proc., sess., "
			 "txn., req. or res. followed by letters, digits, '_' or '.')",
			 kw, arg->str);
		return -1;
	} else if (kind == ARG_SRV && !strchr(arg->str, '/')) {
		snprintf(err, errlen, "'%s': expects '<backend>/<server>', got '%s'",
			 kw, arg->str);
		return -1;
	}
	return 0;
}

/* regsub's 'i' flag: its regex compiled again, caseless. */
static int smp_regflags(struct smp_call *k, const enum smp_arg_kind *kinds, const char *kw,
			char *err, size_t errlen)
{
	PCRE2_SIZE eo;
	int ec;

	for (unsigned i = 1; i < k->nargs; i++) {
		if (kinds[i] != ARG_REGFLAGS || !strchr(k->args[i].str, 'i') ||
		    kinds[0] != ARG_REG)
			continue;
		pcre2_code_free(k->args[0].re);
		k->args[0].re = pcre2_compile((PCRE2_SPTR)k->args[0].str, PCRE2_ZERO_TERMINATED,
					      PCRE2_CASELESS, &ec, &eo, NULL);
		if (!k->args[0].re) {
			snprintf(err, errlen, "'%s': invalid regex '%s'", kw, k->args[0].str);
			return -1;
		}
	}
	return 0;
}

/* Parse "(a,b,c)" at *p into k's arguments per kinds; advances *p. */
static int smp_parse_args(const char **p, const char *kw, const enum smp_arg_kind *kinds,
			  unsigned nmandatory, struct smp_call *k, char *err, size_t errlen)
{
	const char *s = *p;

	k->nargs = 0;
	if (*s == '(') {
		int depth = 0;
		const char *a = ++s;

		for (;; s++) {
			if (!*s) {
				snprintf(err, errlen, "'%s': missing ')'", kw);
				return -1;
			}
			if (*s == '(') {
				depth++;
				continue;
			}
			if (*s == ')' && depth) {
				depth--;
				continue;
			}
			if (*s != ',' && *s != ')')
				continue;
			if (*s == ')' && s == a && k->nargs == 0)
				break;	/* "()" */
			if (k->nargs == SMP_MAX_ARGS || kinds[k->nargs] == ARG_NONE) {
				snprintf(err, errlen, "'%s': too many arguments", kw);
				return -1;
			}
			if (smp_arg_set(&k->args[k->nargs], kinds[k->nargs], a,
					(size_t)(s - a), kw, err, errlen) < 0)
				return -1;
			k->nargs++;
			a = s + 1;
			if (*s == ')')
				break;
		}
		s++;
	}
	if (smp_regflags(k, kinds, kw, err, errlen) < 0)
		return -1;
	if (k->nargs < nmandatory) {
		snprintf(err, errlen, "'%s' expects at least %u argument%s", kw,
			 nmandatory, nmandatory > 1 ? "s" : "");
		return -1;
	}
	*p = s;
	return 0;
}

static int smp_name_len(const char *s)
{
	int n = 0;

	while (s[n] && (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.' ||
			s[n] == '-'))
		n++;
	return n;
}

static int smp_is_later(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(smp_later) / sizeof(smp_later[0]); i++)
		if (strlen(smp_later[i]) == n && memcmp(smp_later[i], name, n) == 0)
			return 1;
	return 0;
}

struct smp_expr *smp_expr_parse(const char *text, int in_brackets, size_t *used,
				char *err, size_t errlen)
{
	const char *p = text;
	const struct smp_fetch *f = NULL;
	struct smp_expr *e = calloc(1, sizeof(*e));
	int n = smp_name_len(p);

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < sizeof(smp_fetches) / sizeof(smp_fetches[0]); i++)
		if ((int)strlen(smp_fetches[i].name) == n &&
		    memcmp(smp_fetches[i].name, p, (size_t)n) == 0)
			f = &smp_fetches[i];
	if (!f) {
		snprintf(err, errlen, "%s fetch method '%.*s'",
			 smp_is_later(p, (size_t)n) ? "not supported yet:" : "unknown",
			 n ? n : (int)strcspn(p, ",(]"), p);
		goto fail;
	}
	e->fetch.kw = f;
	p += n;
	if (smp_parse_args(&p, f->name, f->arg, f->nmandatory, &e->fetch, err, errlen) < 0)
		goto fail;
	while (*p == ',') {
		const struct smp_conv *cv = NULL;

		p++;
		n = smp_name_len(p);
		for (size_t i = 0; i < smp_nconvs; i++)
			if ((int)strlen(smp_convs[i].name) == n &&
			    memcmp(smp_convs[i].name, p, (size_t)n) == 0)
				cv = &smp_convs[i];
		if (!cv) {
			snprintf(err, errlen, "%s converter '%.*s'",
				 smp_is_later(p, (size_t)n) ? "not supported yet:" : "unknown",
				 n ? n : (int)strcspn(p, ",(]"), p);
			goto fail;
		}
		if (e->nconv == SMP_MAX_CONVS) {
			snprintf(err, errlen, "too many converters (at most %d)", SMP_MAX_CONVS);
			goto fail;
		}
		e->conv[e->nconv].kw = cv;
		p += n;
		if (smp_parse_args(&p, cv->name, cv->arg, cv->nmandatory,
				   &e->conv[e->nconv++], err, errlen) < 0)
			goto fail;
	}
	if (in_brackets ? *p != ']' : *p != '\0') {
		snprintf(err, errlen, "unexpected '%.16s' after the sample expression", p);
		goto fail;
	}
	if (used)
		*used = (size_t)(p - text);
	return e;
fail:
	smp_expr_free(e);
	return NULL;
}

static int smp_resolve_arg(struct smp_arg *a, enum smp_arg_kind kind,
			   struct lbd_conf *conf, char *err, size_t errlen)
{
	if (!a->set)
		return 0;
	if (kind == ARG_BE || kind == ARG_FE) {
		a->px = proxy_find(conf, a->str, kind == ARG_BE ? PR_CAP_BE : PR_CAP_FE);
		if (!a->px) {
			snprintf(err, errlen, "no such %s '%s'",
				 kind == ARG_BE ? "backend" : "frontend", a->str);
			return -1;
		}
	} else if (kind == ARG_UL) {
		a->ul = ul_find(conf, a->str);
		if (!a->ul) {
			snprintf(err, errlen, "no such userlist '%s'", a->str);
			return -1;
		}
	} else if (kind == ARG_SRV) {
		char *slash = strchr(a->str, '/');

		*slash = '\0';
		a->px = proxy_find(conf, a->str, PR_CAP_BE);
		a->srv = a->px ? proxy_find_server(a->px, slash + 1) : NULL;
		*slash = '/';
		if (!a->srv) {
			snprintf(err, errlen, "no such server '%s'", a->str);
			return -1;
		}
	}
	return 0;
}

int smp_expr_resolve(struct smp_expr *e, struct lbd_conf *conf, char *err,
		     size_t errlen)
{
	const struct smp_fetch *f = e->fetch.kw;

	for (unsigned i = 0; i < e->fetch.nargs; i++)
		if (smp_resolve_arg(&e->fetch.args[i], f->arg[i], conf, err, errlen) < 0)
			return -1;
	return 0;
}

unsigned smp_expr_use(const struct smp_expr *e)
{
	return ((const struct smp_fetch *)e->fetch.kw)->use;
}

enum smp_type smp_expr_type(const struct smp_expr *e)
{
	enum smp_type t = ((const struct smp_fetch *)e->fetch.kw)->out;

	for (unsigned i = 0; i < e->nconv; i++) {
		const struct smp_conv *cv = e->conv[i].kw;

		if (cv->out != SAME)
			t = cv->out;
	}
	return t;
}

const char *smp_expr_fetch_name(const struct smp_expr *e)
{
	return ((const struct smp_fetch *)e->fetch.kw)->name;
}

int smp_expr_eval(const struct smp_expr *e, struct smp_ctx *c, struct smp *out)
{
	const struct smp_fetch *f = e->fetch.kw;
	int more;

	if (!c->all || !f->multi) {
		out->it = out->it2 = 0;
		out->more = 0;
	}
	if (!(f->sc ? f_stick(f, e->fetch.args, c, out) : f->fn(e->fetch.args, c, out)))
		return 0;
	more = out->more && c->all && f->multi;
	for (unsigned i = 0; i < e->nconv; i++) {
		const struct smp_conv *cv = e->conv[i].kw;

		if (!cv->fn(e->conv[i].args, c, out)) {
			out->more = (unsigned)more;
			return 0;
		}
	}
	out->more = (unsigned)more;
	return 1;
}

void smp_fetch_names(void (*fn)(const char *name, void *arg), void *arg)
{
	for (size_t i = 0; i < sizeof(smp_fetches) / sizeof(smp_fetches[0]); i++)
		fn(smp_fetches[i].name, arg);
}
