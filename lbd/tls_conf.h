/*
 * tls_conf.h - the TLS settings of a "bind ... ssl" line or a "server ...
 * ssl" line (parsed from one option table, with the ssl-default-bind-* /
 * ssl-default-server-* globals as defaults) and the OpenSSL 3 contexts
 * built from them once at start-up, shared read-only by every thread.
 * tls.h runs the connections.
 */
#ifndef LBD_TLS_CONF_H
#define LBD_TLS_CONF_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

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

/* ---- the runtime API ---- */

/* "show ssl cert [file]": the list of loaded certificates (each once), or
 * the details of one. 0, or -1 when file names no loaded certificate. */
int tls_show_cert(struct tls_conf *const *confs, unsigned n, const char *file,
		  struct sbuf *out);

#endif
