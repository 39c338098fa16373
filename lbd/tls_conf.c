/*
 * tls_conf.c - TLS settings with OpenSSL 3: the options of bind and server
 * lines (one table, with the ssl-default-* globals as defaults), the
 * contexts built from them once at start-up (one per certificate on a bind
 * line, chosen by SNI; one per server line) with the handshake callbacks
 * they carry (SNI, ALPN, OCSP stapling, server sessions kept for
 * resumption), and the list of loaded certificates for the runtime API.
 * The contexts are shared read-only by the threads (tls.c runs the
 * connections).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "sample.h"
#include "sbuf.h"
#include "tls_conf.h"

/* A loaded certificate file (several when a name has RSA and ECDSA). */
struct tls_cert {
	char *file;
	X509 *x509;
	SSL_CTX *ctx;		/* one reference */
	int key_type;		/* EVP_PKEY_RSA, EVP_PKEY_EC ... */
	char **names;		/* lower-case DNS names (SAN, else CN), or filters */
	unsigned nnames;
	unsigned char *ocsp;	/* <file>.ocsp: the DER response stapled, or NULL */
	size_t ocsp_len;
};

/* One name a certificate answers for; wildcards keep their ".suffix". */
struct tls_sni {
	const char *name;	/* points into a tls_cert's names */
	unsigned wild:1;
	SSL_CTX *ctx;
};

/* ---- options ---- */

enum tls_flag { TF_NO_TICKETS, TF_PREFER_CLIENT, TF_STRICT_SNI, TF_CHECK_SSL,
		TF_NO_REUSE };

struct tls_opt {
	const char *name;
	int nargs;
	unsigned sides;
	int (*set)(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		   char *err, size_t errlen, char *warn, size_t warnlen);
	size_t off;		/* string options: the field */
	int val;
	int partial;		/* some forms are refused as not supported yet */
};

#define B TLS_SIDE_BIND
#define S TLS_SIDE_SRV
#define D TLS_SIDE_DEFOPT
#define STR_FIELD(c, o) ((char **)((char *)(c) + (o)->off))

static int o_ssl(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		 char *err, size_t errlen, char *warn, size_t warnlen)
{
	c->enabled = (unsigned)o->val;
	return 0;
}

static int o_flag(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		  char *err, size_t errlen, char *warn, size_t warnlen)
{
	switch ((enum tls_flag)o->val) {
	case TF_NO_TICKETS: c->no_tickets = 1; break;
	case TF_PREFER_CLIENT: c->prefer_client = 1; break;
	case TF_STRICT_SNI: c->strict_sni = 1; break;
	case TF_CHECK_SSL: c->check_ssl = 1; break;
	case TF_NO_REUSE: c->no_reuse = 1; break;
	}
	return 0;
}

static int o_nover(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		   char *err, size_t errlen, char *warn, size_t warnlen)
{
	c->no_ver |= 1u << o->val;
	return 0;
}

/* version names, index = bit of no_ver */
static const struct { const char *name; int ver; } tls_versions[] = {
	{ "SSLv3", SSL3_VERSION }, { "TLSv1.0", TLS1_VERSION },
	{ "TLSv1.1", TLS1_1_VERSION }, { "TLSv1.2", TLS1_2_VERSION },
	{ "TLSv1.3", TLS1_3_VERSION },
};
#define TLS_NVERS (sizeof(tls_versions) / sizeof(tls_versions[0]))

static int o_ver(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		 char *err, size_t errlen, char *warn, size_t warnlen)
{
	for (size_t i = 0; i < TLS_NVERS; i++)
		if (strcmp(arg, tls_versions[i].name) == 0) {
			if (i == 0) {
				snprintf(err, errlen, "'%s': SSLv3 is not available "
					 "in OpenSSL 3", o->name);
				return -1;
			}
			*(o->val ? &c->max_ver : &c->min_ver) = tls_versions[i].ver;
			return 0;
		}
	snprintf(err, errlen, "'%s': unknown version '%s' (TLSv1.0, TLSv1.1, "
		 "TLSv1.2, TLSv1.3)", o->name, arg);
	return -1;
}

static int o_str(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		 char *err, size_t errlen, char *warn, size_t warnlen)
{
	char **dst = STR_FIELD(c, o), *s = strdup(arg);

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = s;
	return 0;
}

static int o_crt(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		 char *err, size_t errlen, char *warn, size_t warnlen)
{
	char **v, *s;

	if (c->side == TLS_SIDE_SRV && c->ncrt) {
		snprintf(err, errlen, "'crt' may be given once on a server");
		return -1;
	}
	v = realloc(c->crt, (c->ncrt + 1) * sizeof(*v));
	if (!v || !(s = strdup(arg))) {
		if (v)
			c->crt = v;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->crt = v;
	c->crt[c->ncrt++] = s;
	return 0;
}

static int o_verify(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		    char *err, size_t errlen, char *warn, size_t warnlen)
{
	if (strcmp(arg, "none") == 0)
		c->verify = TLS_VERIFY_NONE;
	else if (strcmp(arg, "required") == 0)
		c->verify = TLS_VERIFY_REQUIRED;
	else if (strcmp(arg, "optional") == 0 && c->side == TLS_SIDE_BIND)
		c->verify = TLS_VERIFY_OPTIONAL;
	else {
		snprintf(err, errlen, "'verify': expects %s, not '%s'",
			 c->side == TLS_SIDE_BIND ? "none, optional or required" :
			 "none or required", arg);
		return -1;
	}
	return 0;
}

/* "alpn h2,http/1.1" into the wire format. h2 is dropped: lbd speaks
 * HTTP/1.1 only, and a peer told h2 would send frames it cannot read. */
static int o_alpn(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		  char *err, size_t errlen, char *warn, size_t warnlen)
{
	size_t n = strlen(arg);
	unsigned char *w = malloc(n + 1);
	unsigned len = 0;
	const char *p = arg;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while (*p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == 0 || l > 255) {
			free(w);
			snprintf(err, errlen, "'alpn': empty or too long protocol name "
				 "in '%s'", arg);
			return -1;
		}
		if (l == 2 && memcmp(p, "h2", 2) == 0)
			snprintf(warn, warnlen, "'alpn %s': HTTP/2 is not offered "
				 "yet, h2 is left out of the list", arg);
		else {
			w[len++] = (unsigned char)l;
			memcpy(w + len, p, l);
			len += (unsigned)l;
		}
		p += l + (e ? 1 : 0);
	}
	free(c->alpn);
	c->alpn = len ? w : NULL;
	c->alpn_len = len;
	if (!len)
		free(w);
	return 0;
}

static int o_sni(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		 char *err, size_t errlen, char *warn, size_t warnlen)
{
	char e[200];
	struct smp_expr *x = smp_expr_parse(arg, 0, NULL, e, sizeof(e));

	if (!x) {
		snprintf(err, errlen, "'sni %s': %s", arg, e);
		return -1;
	}
	if (smp_expr_use(x) & (SMP_USE_REQ | SMP_USE_RES)) {
		smp_expr_free(x);
		snprintf(err, errlen, "'sni %s': fetches of the request are not "
			 "supported yet here (connection fetches are: ssl_fc_sni, "
			 "str(), src, dst...)", arg);
		return -1;
	}
	smp_expr_free(c->sni);
	c->sni = x;
	return 0;
}

static int o_refused(struct tls_conf *c, const struct tls_opt *o, const char *arg,
		     char *err, size_t errlen, char *warn, size_t warnlen)
{
	snprintf(err, errlen, "'%s' is not supported%s", o->name,
		 o->val ? ": NPN was replaced by ALPN (use 'alpn')" :
		 " yet");
	return -1;
}

#define OFF(f) offsetof(struct tls_conf, f)
static const struct tls_opt tls_opts[] = {
	{ "ssl", 0, B | S, o_ssl, 0, 1, 0 },
	{ "no-ssl", 0, S, o_ssl, 0, 0, 0 },
	{ "crt", 1, B | S, o_crt, 0, 0, 0 },
	{ "crt-list", 1, B, o_str, OFF(crt_list), 0, 1 },
	{ "ca-file", 1, B | S, o_str, OFF(ca_file), 0, 0 },
	{ "crl-file", 1, B | S, o_str, OFF(crl_file), 0, 0 },
	{ "verify", 1, B | S, o_verify, 0, 0, 0 },
	{ "ciphers", 1, B | S, o_str, OFF(ciphers), 0, 0 },
	{ "ciphersuites", 1, B | S, o_str, OFF(ciphersuites), 0, 0 },
	{ "curves", 1, B | S, o_str, OFF(curves), 0, 0 },
	{ "ecdhe", 1, B, o_str, OFF(curves), 0, 0 },
	{ "alpn", 1, B | S, o_alpn, 0, 0, 0 },
	{ "npn", 1, B | S, o_refused, 0, 1, 0 },
	{ "sni", 1, S, o_sni, 0, 0, 1 },
	{ "ssl-min-ver", 1, B | S | D, o_ver, 0, 0, 0 },
	{ "ssl-max-ver", 1, B | S | D, o_ver, 0, 1, 0 },
	{ "no-sslv3", 0, B | S | D, o_nover, 0, 0, 0 },
	{ "no-tlsv10", 0, B | S | D, o_nover, 0, 1, 0 },
	{ "no-tlsv11", 0, B | S | D, o_nover, 0, 2, 0 },
	{ "no-tlsv12", 0, B | S | D, o_nover, 0, 3, 0 },
	{ "no-tlsv13", 0, B | S | D, o_nover, 0, 4, 0 },
	{ "no-tls-tickets", 0, B | S | D, o_flag, 0, TF_NO_TICKETS, 0 },
	{ "prefer-client-ciphers", 0, B | D, o_flag, 0, TF_PREFER_CLIENT, 0 },
	{ "strict-sni", 0, B, o_flag, 0, TF_STRICT_SNI, 0 },
	{ "check-ssl", 0, S, o_flag, 0, TF_CHECK_SSL, 0 },
	{ "no-ssl-reuse", 0, S | D, o_flag, 0, TF_NO_REUSE, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
#undef B
#undef S
#undef D

static const struct tls_opt *opt_find(const char *name, unsigned side)
{
	for (const struct tls_opt *o = tls_opts; o->name; o++)
		if ((o->sides & side) && strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

int tls_opt_nargs(const char *name, unsigned side)
{
	const struct tls_opt *o = opt_find(name, side);

	return o ? o->nargs : -1;
}

int tls_opt_apply(struct tls_conf *c, char **argv, char *err, size_t errlen,
		  char *warn, size_t warnlen)
{
	const struct tls_opt *o = opt_find(argv[0], c->side);

	warn[0] = '\0';
	if (!o) {
		snprintf(err, errlen, "'%s' is not a TLS option here", argv[0]);
		return -1;
	}
	return o->set(c, o, o->nargs ? argv[1] : NULL, err, errlen, warn, warnlen);
}

int tls_opt_line(struct tls_conf *c, int argc, char **argv, char *err,
		 size_t errlen)
{
	char warn[8];

	for (int i = 0; i < argc; i++) {
		const struct tls_opt *o = opt_find(argv[i], TLS_SIDE_DEFOPT);

		if (!o || (o->sides & c->side) == 0) {
			snprintf(err, errlen, "'%s' is not an option lbd knows here "
				 "(ssl-min-ver, ssl-max-ver, no-sslv3, no-tlsv1x, "
				 "no-tls-tickets%s)", argv[i],
				 c->side == TLS_SIDE_BIND ? ", prefer-client-ciphers" :
				 ", no-ssl-reuse");
			return -1;
		}
		if (i + o->nargs >= argc) {
			snprintf(err, errlen, "'%s' expects an argument", argv[i]);
			return -1;
		}
		if (o->set(c, o, o->nargs ? argv[i + 1] : NULL, err, errlen, warn,
			   sizeof(warn)) < 0)
			return -1;
		i += o->nargs;
	}
	return 0;
}

void tls_opt_dump(FILE *out, const char *prefix, unsigned side)
{
	for (const struct tls_opt *o = tls_opts; o->name; o++)
		if (o->sides & side)
			fprintf(out, "%s\t%s\t%s\n", prefix, o->name,
				o->set == o_refused ? "refused" :
				o->partial ? "partial" : "supported");
}

/* ---- settings objects ---- */

struct tls_conf *tls_conf_new(unsigned side)
{
	struct tls_conf *c = calloc(1, sizeof(*c));

	if (c)
		c->side = side;
	return c;
}

static void cert_free(struct tls_cert *t)
{
	free(t->file);
	X509_free(t->x509);
	SSL_CTX_free(t->ctx);
	for (unsigned i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->ocsp);
}

void tls_conf_free(struct tls_conf *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->ncrt; i++)
		free(c->crt[i]);
	free(c->crt);
	free(c->crt_list);
	free(c->ca_file);
	free(c->crl_file);
	free(c->ciphers);
	free(c->ciphersuites);
	free(c->curves);
	free(c->alpn);
	smp_expr_free(c->sni);
	for (unsigned i = 0; i < c->ncerts; i++)
		cert_free(&c->certs[i]);
	free(c->certs);
	free(c->snis);
	SSL_CTX_free(c->ctx);
	for (unsigned i = 0; i < TLS_MAX_THREADS; i++)
		SSL_SESSION_free(c->reuse[i]);
	free(c);
}

static int inherit_str(char **dst, const char *src)
{
	if (*dst || !src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

int tls_conf_inherit(struct tls_conf *c, const struct tls_conf *def)
{
	if (!def)
		return 0;
	if (!c->min_ver)
		c->min_ver = def->min_ver;
	if (!c->max_ver)
		c->max_ver = def->max_ver;
	c->no_ver |= def->no_ver;
	c->no_tickets |= def->no_tickets;
	c->prefer_client |= def->prefer_client;
	c->no_reuse |= def->no_reuse;
	if (inherit_str(&c->ciphers, def->ciphers) < 0 ||
	    inherit_str(&c->ciphersuites, def->ciphersuites) < 0 ||
	    inherit_str(&c->curves, def->curves) < 0)
		return -1;
	return 0;
}

/* ---- building contexts ---- */

/* OpenSSL's last error as text (the queue emptied). */
static const char *ssl_errstr(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (e)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "unknown error");
	ERR_clear_error();
	return buf;
}

static int ctx_dh(SSL_CTX *ctx, unsigned bits)
{
	EVP_PKEY_CTX *pc;
	EVP_PKEY *dh = NULL;
	int nid = bits <= 2048 ? NID_ffdhe2048 : bits <= 3072 ? NID_ffdhe3072 :
		  bits <= 4096 ? NID_ffdhe4096 : NID_ffdhe8192;

	if (!bits)
		return SSL_CTX_set_dh_auto(ctx, 1) == 1 ? 0 : -1;
	pc = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
	if (!pc || EVP_PKEY_paramgen_init(pc) <= 0 ||
	    EVP_PKEY_CTX_set_dh_nid(pc, nid) <= 0 ||
	    EVP_PKEY_paramgen(pc, &dh) <= 0) {
		EVP_PKEY_CTX_free(pc);
		return -1;
	}
	EVP_PKEY_CTX_free(pc);
	if (SSL_CTX_set0_tmp_dh_pkey(ctx, dh) != 1) {
		EVP_PKEY_free(dh);
		return -1;
	}
	return 0;
}

/* Files read at start-up must be regular files of a sane size (never a
 * FIFO or /dev/zero that would hang the load). 0 or -1 with err. */
#define TLS_FILE_MAX	(16u << 20)

static int file_ok(const char *what, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s '%s': %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > TLS_FILE_MAX) {
		snprintf(err, errlen, "%s '%s': not a regular file of at most 16 MiB",
			 what, path);
		return -1;
	}
	return 0;
}

/* What both sides share: versions, ciphers, groups, verification. */
static int ctx_common(SSL_CTX *ctx, const struct tls_conf *c, char *err, size_t errlen)
{
	static const uint64_t no_op[TLS_NVERS] = { SSL_OP_NO_SSLv3, SSL_OP_NO_TLSv1,
		SSL_OP_NO_TLSv1_1, SSL_OP_NO_TLSv1_2, SSL_OP_NO_TLSv1_3 };
	uint64_t op = SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
		      SSL_OP_NO_COMPRESSION;
	char e[256];

	for (size_t i = 0; i < TLS_NVERS; i++)
		if (c->no_ver & (1u << i))
			op |= no_op[i];
	if (c->no_tickets)
		op |= SSL_OP_NO_TICKET;
	if (c->side == TLS_SIDE_BIND && !c->prefer_client)
		op |= SSL_OP_CIPHER_SERVER_PREFERENCE;
	SSL_CTX_set_options(ctx, op);
	/* the chain sent is the one in the file: no chain built from the CA
	 * store at every handshake (a certificate verification each time) */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS |
			 SSL_MODE_NO_AUTO_CHAIN);
	/* one read(2) per record instead of header then body; what it reads
	 * ahead is found by SSL_has_pending (tls_pending) */
	SSL_CTX_set_read_ahead(ctx, 1);
	if (c->min_ver && SSL_CTX_set_min_proto_version(ctx, c->min_ver) != 1) {
		snprintf(err, errlen, "ssl-min-ver: %s", ssl_errstr(e, sizeof(e)));
		goto fail;
	}
	if (c->max_ver && SSL_CTX_set_max_proto_version(ctx, c->max_ver) != 1) {
		snprintf(err, errlen, "ssl-max-ver: %s", ssl_errstr(e, sizeof(e)));
		goto fail;
	}
	if (c->ciphers && SSL_CTX_set_cipher_list(ctx, c->ciphers) != 1) {
		snprintf(err, errlen, "ciphers '%s': %s", c->ciphers, ssl_errstr(e, sizeof(e)));
		goto fail;
	}
	if (c->ciphersuites && SSL_CTX_set_ciphersuites(ctx, c->ciphersuites) != 1) {
		snprintf(err, errlen, "ciphersuites '%s': %s", c->ciphersuites, ssl_errstr(e, sizeof(e)));
		goto fail;
	}
	if (c->curves && SSL_CTX_set1_groups_list(ctx, c->curves) != 1) {
		snprintf(err, errlen, "curves '%s': %s", c->curves, ssl_errstr(e, sizeof(e)));
		goto fail;
	}
	if (c->verify > TLS_VERIFY_NONE && !c->ca_file) {
		snprintf(err, errlen, "'verify %s' needs a 'ca-file'", c->verify == TLS_VERIFY_OPTIONAL ?
		                      "optional" : "required");
		goto fail;
	}
	if (c->ca_file && file_ok("ca-file", c->ca_file, err, errlen) < 0)
		goto fail;
	if (c->crl_file && file_ok("crl-file", c->crl_file, err, errlen) < 0)
		goto fail;
	if (c->ca_file && SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL) != 1) {
		snprintf(err, errlen, "ca-file '%s': %s", c->ca_file, ssl_errstr(e, sizeof(e)));
		goto fail;
	}
	if (c->crl_file) {
		X509_STORE *st = SSL_CTX_get_cert_store(ctx);
		X509_LOOKUP *lu = X509_STORE_add_lookup(st, X509_LOOKUP_file());

		if (!lu || X509_load_crl_file(lu, c->crl_file, X509_FILETYPE_PEM) <= 0) {
			snprintf(err, errlen, "crl-file '%s': %s", c->crl_file, ssl_errstr(e, sizeof(e)));
			goto fail;
		}
		X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
	}
	return 0;
fail:
	return -1;
}

/* Read a PEM file: the certificate, the chain after it, the key (in the
 * file, else in file.key). 0 or -1 with err. */
static int pem_read(const char *file, X509 **x, STACK_OF(X509) **chain,
		    EVP_PKEY **key, char *err, size_t errlen)
{
	BIO *bio = NULL;
	char e[256], kf[4096];
	X509 *ca;

	*x = NULL;
	*chain = NULL;
	*key = NULL;
	if (file_ok("crt", file, err, errlen) < 0)
		return -1;
	bio = BIO_new_file(file, "r");
	if (!bio) {
		snprintf(err, errlen, "cannot open '%s': %s", file, strerror(errno));
		goto fail;
	}
	*x = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
	if (!*x) {
		snprintf(err, errlen, "'%s': no certificate found (%s)", file, ssl_errstr(e, sizeof(e)));
		goto fail;
	}
	*chain = sk_X509_new_null();
	if (!*chain) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	while ((ca = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
		if (!sk_X509_push(*chain, ca)) {
			X509_free(ca);
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	ERR_clear_error();
	BIO_free(bio);
	bio = BIO_new_file(file, "r");
	if (bio)
		*key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	ERR_clear_error();
	BIO_free(bio);
	bio = NULL;
	if (!*key && (size_t)snprintf(kf, sizeof(kf), "%s.key", file) < sizeof(kf) &&
	    file_ok("key", kf, e, sizeof(e)) == 0 && (bio = BIO_new_file(kf, "r")))
		*key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	ERR_clear_error();
	if (!*key) {
		snprintf(err, errlen, "'%s': no private key in the file nor in '%s.key'", file, file);
		goto fail;
	}
	if (X509_check_private_key(*x, *key) != 1) {
		snprintf(err, errlen, "'%s': the private key does not match the certificate", file);
		goto fail;
	}
	BIO_free(bio);
	return 0;
fail:
	ERR_clear_error();
	BIO_free(bio);
	X509_free(*x);
	sk_X509_pop_free(*chain, X509_free);
	EVP_PKEY_free(*key);
	*x = NULL;
	*chain = NULL;
	*key = NULL;
	return -1;
}

static int name_add(struct tls_cert *t, const char *name, size_t len)
{
	char **v, *s;

	if (len == 0 || len > 253)
		return 0;
	for (unsigned i = 0; i < t->nnames; i++)
		if (strlen(t->names[i]) == len && strncasecmp(t->names[i], name, len) == 0)
			return 0;
	v = realloc(t->names, (t->nnames + 1) * sizeof(*v));
	if (!v)
		return -1;
	t->names = v;
	s = strndup(name, len);
	if (!s)
		return -1;
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	t->names[t->nnames++] = s;
	return 0;
}

/* The DNS names of the certificate: SAN, or the CN when there is none. */
static int cert_names(struct tls_cert *t)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(t->x509, NID_subject_alt_name, NULL, NULL);
	int rc = 0;

	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && rc == 0; i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

		if (g->type == GEN_DNS)
			rc = name_add(t, (const char *)ASN1_STRING_get0_data(g->d.dNSName),
				      (size_t)ASN1_STRING_length(g->d.dNSName));
	}
	GENERAL_NAMES_free(gens);
	if (rc == 0 && t->nnames == 0) {
		X509_NAME *sn = X509_get_subject_name(t->x509);
		int i = X509_NAME_get_index_by_NID(sn, NID_commonName, -1);

		if (i >= 0) {
			ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(sn, i));

			rc = name_add(t, (const char *)ASN1_STRING_get0_data(d),
				      (size_t)ASN1_STRING_length(d));
		}
	}
	return rc;
}

static int same_names(const struct tls_cert *a, const struct tls_cert *b)
{
	if (a->nnames != b->nnames)
		return 0;
	for (unsigned i = 0; i < a->nnames; i++)
		if (strcmp(a->names[i], b->names[i]) != 0)
			return 0;
	return 1;
}

static int tls_sni_cb(SSL *ssl, int *al, void *arg);
static int tls_ocsp_cb(SSL *ssl, void *arg);
static int tls_alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		       const unsigned char *in, unsigned inlen, void *arg);

/* A server-side context configured from c (no certificate yet). */
static SSL_CTX *ctx_new_bind(struct tls_conf *c, const struct tls_tune *tune,
			     char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	unsigned char sid[32];
	int n;

	if (!ctx) {
		snprintf(err, errlen, "cannot create a TLS context");
		return NULL;
	}
	if (ctx_common(ctx, c, err, errlen) < 0)
		goto fail;
	if (ctx_dh(ctx, tune->dh_param) < 0) {
		snprintf(err, errlen, "tune.ssl.default-dh-param: cannot set up the DHE group");
		goto fail;
	}
	/* one TLS 1.3 ticket per handshake (OpenSSL sends two): a client
	 * resumes one connection with it, and each ticket costs a session
	 * encoding, an encryption and an HMAC */
	SSL_CTX_set_num_tickets(ctx, 1);
	/* no flush of the whole cache every 255 handshakes (a walk of every
	 * entry in OpenSSL 3.0): the size bound evicts the oldest, and an
	 * expired entry is refused when looked up */
	SSL_CTX_set_session_cache_mode(ctx, tune->cachesize ? SSL_SESS_CACHE_SERVER |
				       SSL_SESS_CACHE_NO_AUTO_CLEAR : SSL_SESS_CACHE_OFF);
	SSL_CTX_sess_set_cache_size(ctx, tune->cachesize);
	SSL_CTX_set_timeout(ctx, (long)tune->lifetime);
	/* sessions resume only on the line that made them */
	n = snprintf((char *)sid, sizeof(sid), "lbd:%p", (void *)c);
	SSL_CTX_set_session_id_context(ctx, sid, (unsigned)n);
	if (c->verify > TLS_VERIFY_NONE) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(c->ca_file);

		if (names)
			SSL_CTX_set_client_CA_list(ctx, names);
		ERR_clear_error();
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
				   (c->verify == TLS_VERIFY_REQUIRED ?
				    SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
	}
	SSL_CTX_set_tlsext_servername_callback(ctx, tls_sni_cb);
	SSL_CTX_set_tlsext_servername_arg(ctx, c);
	SSL_CTX_set_tlsext_status_cb(ctx, tls_ocsp_cb);
	SSL_CTX_set_tlsext_status_arg(ctx, c);
	if (c->alpn)
		SSL_CTX_set_alpn_select_cb(ctx, tls_alpn_cb, c);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

#define TLS_OCSP_MAX	65536

/* <file>.ocsp, when there is one: a successful OCSP response (DER) about
 * this certificate, issued by the first certificate of its chain, kept to
 * staple. 0 (also without a file) or -1 with err. */
static int ocsp_load(struct tls_cert *t, const STACK_OF(X509) *chain, char *err,
		     size_t errlen)
{
	char f[4096];
	struct stat st;
	const unsigned char *p;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *basic = NULL;
	OCSP_CERTID *id = NULL;
	FILE *fp = NULL;
	int rc = -1;

	if ((size_t)snprintf(f, sizeof(f), "%s.ocsp", t->file) >= sizeof(f) || stat(f, &st) < 0)
		return 0;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > TLS_OCSP_MAX) {
		snprintf(err, errlen, "'%s': not a regular file of at most 64 KiB", f);
		return -1;
	}
	t->ocsp_len = (size_t)st.st_size;
	if (!(t->ocsp = malloc(t->ocsp_len)) || !(fp = fopen(f, "rb")) ||
	    fread(t->ocsp, 1, t->ocsp_len, fp) != t->ocsp_len) {
		snprintf(err, errlen, "'%s': cannot read it", f);
		goto out;
	}
	p = t->ocsp;
	resp = d2i_OCSP_RESPONSE(NULL, &p, (long)t->ocsp_len);
	if (!resp || OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
	    !(basic = OCSP_response_get1_basic(resp))) {
		snprintf(err, errlen, "'%s': not a successful OCSP response", f);
		goto out;
	}
	if (sk_X509_num(chain) < 1 ||
	    !(id = OCSP_cert_to_id(NULL, t->x509, sk_X509_value(chain, 0))) ||
	    OCSP_resp_find(basic, id, -1) < 0) {
		snprintf(err, errlen, "'%s': the response is not about '%s' (or its "
			 "issuer is not the first certificate of the chain)", f, t->file);
		goto out;
	}
	rc = 0;
out:
	if (fp)
		fclose(fp);
	OCSP_CERTID_free(id);
	OCSP_BASICRESP_free(basic);
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
	if (rc < 0) {
		free(t->ocsp);
		t->ocsp = NULL;
		t->ocsp_len = 0;
	}
	return rc;
}

/* Load one certificate file for a bind line; filters (crt-list) replace
 * the names found in it. */
static int cert_load(struct tls_conf *c, const struct tls_tune *tune, const char *file,
		     char **filters, unsigned nfilters, char *err, size_t errlen)
{
	struct tls_cert t = { 0 }, *v;
	STACK_OF(X509) *chain;
	EVP_PKEY *key;
	char e[256];

	if (pem_read(file, &t.x509, &chain, &key, err, errlen) < 0)
		return -1;
	t.key_type = EVP_PKEY_get_base_id(key);
	if (!(t.file = strdup(file))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < nfilters; i++)
		if (name_add(&t, filters[i], strlen(filters[i])) < 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	if (ocsp_load(&t, chain, err, errlen) < 0)
		goto fail;
	if (!nfilters && cert_names(&t) < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* an RSA and an ECDSA certificate for the same names share a context:
	 * OpenSSL serves the one the client's signature algorithms allow */
	for (unsigned i = 0; i < c->ncerts && !t.ctx; i++)
		if (c->certs[i].key_type != t.key_type && same_names(&c->certs[i], &t)) {
			t.ctx = c->certs[i].ctx;
			for (unsigned j = 0; j < c->ncerts; j++)
				if (c->certs[j].ctx == t.ctx && c->certs[j].key_type == t.key_type)
					t.ctx = NULL;
			if (t.ctx)
				SSL_CTX_up_ref(t.ctx);
		}
	if (!t.ctx && !(t.ctx = ctx_new_bind(c, tune, err, errlen)))
		goto fail;
	if (SSL_CTX_use_cert_and_key(t.ctx, t.x509, key, chain, 1) != 1) {
		snprintf(err, errlen, "'%s': %s", file, ssl_errstr(e, sizeof(e)));
		goto fail;
	}
	v = realloc(c->certs, (c->ncerts + 1) * sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	c->certs = v;
	c->certs[c->ncerts++] = t;
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	return 0;
fail:
	cert_free(&t);
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	return -1;
}

static int skip_dirent(const char *n)
{
	static const char *const ext[] = { ".key", ".ocsp", ".issuer", ".sctl", ".crl" };
	size_t l = strlen(n);

	if (n[0] == '.')
		return 1;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t el = strlen(ext[i]);

		if (l > el && strcmp(n + l - el, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* A "crt" argument: a file, or a directory of them (name order). */
static int crt_load(struct tls_conf *c, const struct tls_tune *tune, const char *path,
		    char *err, size_t errlen)
{
	struct dirent **ents;
	struct stat st;
	int n, rc = 0;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "crt '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return cert_load(c, tune, path, NULL, 0, err, errlen);
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		snprintf(err, errlen, "crt '%s': %s", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char f[4096];

		if (rc == 0 && !skip_dirent(ents[i]->d_name) &&
		    (size_t)snprintf(f, sizeof(f), "%s/%s", path, ents[i]->d_name) < sizeof(f) &&
		    stat(f, &st) == 0 && S_ISREG(st.st_mode))
			rc = cert_load(c, tune, f, NULL, 0, err, errlen);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* "crt-list": one "<file> [<sni filter> ...]" per line. */
static int crt_list_load(struct tls_conf *c, const struct tls_tune *tune,
			 char *err, size_t errlen)
{
	FILE *f = NULL;
	char line[4096];
	int lineno = 0, rc = 0;

	if (file_ok("crt-list", c->crt_list, err, errlen) < 0)
		return -1;
	f = fopen(c->crt_list, "r");
	if (!f) {
		snprintf(err, errlen, "crt-list '%s': %s", c->crt_list, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *w[64], *save = NULL;
		unsigned nw = 0;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "crt-list '%s':%d: line too long", c->crt_list, lineno);
			rc = -1;
			break;
		}
		for (char *t = strtok_r(line, " \t\r\n", &save); t && nw < 64;
		     t = strtok_r(NULL, " \t\r\n", &save))
			w[nw++] = t;
		if (nw == 0 || w[0][0] == '#')
			continue;
		for (unsigned i = 1; i < nw && rc == 0; i++)
			if (w[i][0] == '[' || w[i][0] == '!') {
				snprintf(err, errlen, "crt-list '%s':%d: %s are not "
					 "supported yet", c->crt_list, lineno,
					 w[i][0] == '[' ? "per-certificate options" :
					 "negative SNI filters");
				rc = -1;
			}
		if (rc == 0 && cert_load(c, tune, w[0], w + 1, nw - 1, err, errlen) < 0)
			rc = -1;
	}
	fclose(f);
	return rc;
}

static int sni_index(struct tls_conf *c)
{
	unsigned n = 0, k = 0;

	for (unsigned i = 0; i < c->ncerts; i++)
		n += c->certs[i].nnames;
	c->snis = calloc(n ? n : 1, sizeof(*c->snis));
	if (!c->snis)
		return -1;
	for (unsigned i = 0; i < c->ncerts; i++)
		for (unsigned j = 0; j < c->certs[i].nnames; j++) {
			const char *nm = c->certs[i].names[j];
			int wild = nm[0] == '*' && nm[1] == '.';

			c->snis[k].name = wild ? nm + 1 : nm;
			c->snis[k].wild = (unsigned)wild;
			c->snis[k].ctx = c->certs[i].ctx;
			k++;
		}
	c->nsnis = k;
	return 0;
}

static int build_bind(struct tls_conf *c, const struct tls_tune *tune, char *err,
		      size_t errlen)
{
	for (unsigned i = 0; i < c->ncrt; i++)
		if (crt_load(c, tune, c->crt[i], err, errlen) < 0)
			return -1;
	if (c->crt_list && crt_list_load(c, tune, err, errlen) < 0)
		return -1;
	if (c->ncerts == 0) {
		snprintf(err, errlen, "'ssl' needs a certificate ('crt' or 'crt-list')");
		return -1;
	}
	if (sni_index(c) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->ctx = c->certs[0].ctx;
	SSL_CTX_up_ref(c->ctx);
	return 0;
}

static int tls_new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
	SSL_SESSION **slot = SSL_get_app_data(ssl);

	if (!slot)
		return 0;
	SSL_SESSION_free(*slot);
	*slot = sess;
	return 1;	/* the reference is ours */
}

static int build_srv(struct tls_conf *c, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	char e[256];

	if (!ctx) {
		snprintf(err, errlen, "cannot create a TLS context");
		return -1;
	}
	if (c->verify == TLS_VERIFY_UNSET) {
		if (!c->ca_file) {
			snprintf(err, errlen, "'ssl': verify is on by default and needs a 'ca-file'; "
			                      "write 'verify none' to accept any server certificate");
			goto fail;
		}
		c->verify = TLS_VERIFY_REQUIRED;
	}
	if (ctx_common(ctx, c, err, errlen) < 0)
		goto fail;
	SSL_CTX_set_verify(ctx, c->verify == TLS_VERIFY_REQUIRED ? SSL_VERIFY_PEER :
			   SSL_VERIFY_NONE, NULL);
	if (c->ncrt) {
		X509 *x;
		STACK_OF(X509) *chain;
		EVP_PKEY *key;
		int ok;

		if (pem_read(c->crt[0], &x, &chain, &key, err, errlen) < 0)
			goto fail;
		ok = SSL_CTX_use_cert_and_key(ctx, x, key, chain, 1);
		X509_free(x);
		sk_X509_pop_free(chain, X509_free);
		EVP_PKEY_free(key);
		if (ok != 1) {
			snprintf(err, errlen, "crt '%s': %s", c->crt[0], ssl_errstr(e, sizeof(e)));
			goto fail;
		}
	}
	if (c->alpn && SSL_CTX_set_alpn_protos(ctx, c->alpn, c->alpn_len) != 0) {
		snprintf(err, errlen, "alpn: %s", ssl_errstr(e, sizeof(e)));
		goto fail;
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
				       SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(ctx, tls_new_session_cb);
	c->ctx = ctx;
	return 0;
fail:
	SSL_CTX_free(ctx);
	return -1;
}

int tls_conf_build(struct tls_conf *c, const struct tls_tune *tune, char *err,
		   size_t errlen)
{
	if (c->side == TLS_SIDE_BIND)
		return build_bind(c, tune, err, errlen);
	return build_srv(c, err, errlen);
}

/* ---- handshake callbacks ---- */

static SSL_CTX *sni_lookup(const struct tls_conf *c, const char *name)
{
	const char *dot = strchr(name, '.');

	for (unsigned i = 0; i < c->nsnis; i++)
		if (!c->snis[i].wild && strcasecmp(c->snis[i].name, name) == 0)
			return c->snis[i].ctx;
	/* a wildcard covers exactly one label */
	for (unsigned i = 0; dot && dot != name && i < c->nsnis; i++)
		if (c->snis[i].wild && strcasecmp(c->snis[i].name, dot) == 0)
			return c->snis[i].ctx;
	return NULL;
}

static int tls_sni_cb(SSL *ssl, int *al, void *arg)
{
	const struct tls_conf *c = arg;
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	SSL_CTX *ctx = name ? sni_lookup(c, name) : NULL;

	if (!ctx) {
		if (!c->strict_sni)
			return SSL_TLSEXT_ERR_OK;	/* the default certificate */
		*al = SSL_AD_UNRECOGNIZED_NAME;
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	}
	if (ctx != SSL_get_SSL_CTX(ssl))
		SSL_set_SSL_CTX(ssl, ctx);
	return SSL_TLSEXT_ERR_OK;
}

/* The client asked for the certificate's status: staple the response
 * of the certificate chosen (by SNI, then by key type). */
static int tls_ocsp_cb(SSL *ssl, void *arg)
{
	const struct tls_conf *c = arg;
	X509 *x = SSL_get_certificate(ssl);
	unsigned char *copy;

	for (unsigned i = 0; x && i < c->ncerts; i++) {
		const struct tls_cert *t = &c->certs[i];

		if (t->x509 != x || !t->ocsp)
			continue;
		copy = OPENSSL_memdup(t->ocsp, t->ocsp_len);
		if (!copy || SSL_set_tlsext_status_ocsp_resp(ssl, copy, (long)t->ocsp_len) != 1) {
			OPENSSL_free(copy);
			return SSL_TLSEXT_ERR_NOACK;
		}
		return SSL_TLSEXT_ERR_OK;
	}
	return SSL_TLSEXT_ERR_NOACK;
}

static int tls_alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		       const unsigned char *in, unsigned inlen, void *arg)
{
	const struct tls_conf *c = arg;
	unsigned char *o;

	/* our order of preference, as the configuration lists it */
	if (SSL_select_next_proto(&o, outlen, c->alpn, c->alpn_len, in, inlen) !=
	    OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = o;
	return SSL_TLSEXT_ERR_OK;
}

/* ---- the runtime API ---- */

static void put_time(struct sbuf *out, const char *label, const ASN1_TIME *t)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	if (!b)
		return;
	ASN1_TIME_print(b, t);
	n = BIO_get_mem_data(b, &p);
	sbuf_printf(out, "%s: %.*s\n", label, (int)n, p);
	BIO_free(b);
}

static void cert_details(struct sbuf *out, const struct tls_cert *t)
{
	char buf[512];
	const ASN1_INTEGER *sn = X509_get0_serialNumber(t->x509);
	BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	int days = 0, secs = 0;

	sbuf_printf(out, "Filename: %s\nStatus: Used\nSerial: %s\n", t->file,
		    hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
	put_time(out, "notBefore", X509_get0_notBefore(t->x509));
	put_time(out, "notAfter", X509_get0_notAfter(t->x509));
	if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(t->x509)))
		sbuf_printf(out, "Expires in: %d days\n", days);
	X509_NAME_oneline(X509_get_subject_name(t->x509), buf, sizeof(buf));
	sbuf_printf(out, "Subject: %s\n", buf);
	X509_NAME_oneline(X509_get_issuer_name(t->x509), buf, sizeof(buf));
	sbuf_printf(out, "Issuer: %s\n", buf);
	sbuf_puts(out, "SubjectAltName/names:");
	for (unsigned i = 0; i < t->nnames; i++)
		sbuf_printf(out, " %s", t->names[i]);
	sbuf_printf(out, "\nKey type: %s\n", t->key_type == EVP_PKEY_EC ? "ECDSA" :
		    t->key_type == EVP_PKEY_RSA ? "RSA" : OBJ_nid2sn(t->key_type));
}

int tls_show_cert(struct tls_conf *const *confs, unsigned n, const char *file,
		  struct sbuf *out)
{
	if (!file)
		sbuf_puts(out, "# filename\n");
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < confs[i]->ncerts; j++) {
			const struct tls_cert *t = &confs[i]->certs[j];
			int seen = 0;

			/* a file on several lines is listed once */
			for (unsigned a = 0; a <= i && !seen; a++)
				for (unsigned b = 0; b < (a == i ? j : confs[a]->ncerts); b++)
					if (strcmp(confs[a]->certs[b].file, t->file) == 0) {
						seen = 1;
						break;
					}
			if (seen)
				continue;
			if (!file)
				sbuf_printf(out, "%s\n", t->file);
			else if (strcmp(file, t->file) == 0) {
				cert_details(out, t);
				return 0;
			}
		}
	return file ? -1 : 0;
}
