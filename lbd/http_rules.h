/*
 * http_rules.h - "http-request" and "http-response" rules: an action and
 * an optional condition (acl.h), evaluated in order on the message head
 * as the rules see it (hmsg.h). Actions rewrite the head, or end the
 * evaluation with a verdict the stream acts on: go on, deny with a status,
 * or answer directly (return, redirect). No I/O.
 */
#ifndef LBD_HTTP_RULES_H
#define LBD_HTTP_RULES_H

#include <stddef.h>

struct cfg_ctx;
struct hrule;
struct lbd_conf;
struct proxy;
struct smp_ctx;
struct logfmt;
struct logfmt_smp_ops;

/* "%[expr]" in rule values and log formats, evaluated by sample.c. */
extern const struct logfmt_smp_ops hrule_smp_ops;

/* "http-request ..." / "http-response ..." in the current proxy
 * (argv[0] is the keyword). 0 (errors reported through ctx) or -1
 * (out of memory). */
int hrule_cfg(struct cfg_ctx *ctx, int is_res, int argc, char **argv);

/*
 * A log-format with "%[expr]": compiled like logfmt_compile_smp, but an
 * expression that reads a message head is refused with HAProxy's message
 * (the heads are gone when the line is written; method and status are
 * kept). NULL with a message in err.
 */
struct logfmt *hrule_logfmt_compile(const char *fmt, char *err, size_t errlen);

/* Resolve the names in a format's expressions (tables, backends). 0/-1. */
int hrule_logfmt_resolve(struct logfmt *lf, struct lbd_conf *conf, char *err,
			 size_t errlen);

/* Resolve names (backends, servers) in every rule and ACL of px. */
int hrule_resolve(struct cfg_ctx *ctx, struct proxy *px, struct lbd_conf *conf);

void hrule_free_all(struct hrule *list);

enum hrule_verdict {
	HRULE_CONTINUE,		/* no rule stopped the evaluation */
	HRULE_ALLOW,		/* "allow": stop this proxy's rules */
	HRULE_DENY,		/* answer the error page of *status */
	HRULE_TARPIT,		/* hold the request, then the error page of *status */
	HRULE_REPLY,		/* answer the response built in *reply */
	HRULE_ERROR,		/* a rewrite failed: 500 (request) / 502 */
};

struct hrule_out {
	int status;		/* DENY / REPLY: the status sent */
	const char *reply;	/* REPLY: a whole HTTP/1.1 response (arena) */
	size_t reply_len;
	int local;		/* REPLY by redirect/return: logged as 'L' */
};

/* Run a rule list on the heads in c (c->res set: a response list). */
enum hrule_verdict hrule_exec(const struct hrule *list, struct smp_ctx *c,
			      struct hrule_out *out);

/* Render a format with "%[expr]" against c into the arena; NULL when the
 * arena is full. *len gets the length. */
const char *hrule_render(const struct logfmt *lf, struct smp_ctx *c, size_t *len);

#endif
