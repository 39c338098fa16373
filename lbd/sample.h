/*
 * sample.h - HAProxy's sample expressions: a fetch ("src", "hdr(host)",
 * "path") followed by converters (",lower", ",ipmask(24)"), parsed once at
 * configuration time and evaluated per request for ACLs, rule values and
 * log formats. Fetches read one session and the message heads the rules
 * see (hmsg.h); converters write into the request's arena. No I/O.
 */
#ifndef LBD_SAMPLE_H
#define LBD_SAMPLE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct hmsg;
struct lbd_conf;
struct proxy;
struct session;

enum smp_type { SMP_T_BOOL, SMP_T_SINT, SMP_T_STR, SMP_T_IPV4, SMP_T_IPV6,
		SMP_T_COUNT };
extern const char *const smp_type_names[SMP_T_COUNT];

/* One value. A string is not NUL-terminated and may point into a message. */
struct smp {
	enum smp_type type;
	int64_t sint;			/* BOOL, SINT */
	const char *str;		/* STR */
	size_t len;
	struct in_addr v4;
	struct in6_addr v6;
	/* multi-valued fetches (hdr() in an ACL): where to resume, and
	 * whether another value may follow */
	size_t it, it2;
	unsigned more:1;
};

/* Where a fetch may be used: what it reads must exist at that point. */
enum {
	SMP_USE_L4  = 1u << 0,		/* the connection: anywhere */
	SMP_USE_REQ = 1u << 1,		/* the request head */
	SMP_USE_RES = 1u << 2,		/* the response head */
	SMP_USE_LOG = 1u << 3,		/* REQ/RES, but the transaction keeps
					 * the value for its log line too */
};

/* What an expression is evaluated against. req/res NULL when absent. */
struct smp_ctx {
	struct session *s;
	struct hmsg *req, *res;
	struct arena *a;
	int all;			/* ACL: iterate multi-valued fetches */
};

struct smp_expr;

/*
 * Parse "fetch[(args)][,conv[(args)]]..." from text. Stops at the end of
 * the string, or at an unbalanced ']' when in_brackets (a log-format's
 * "%[...]"), storing the bytes consumed in *used when used is not NULL.
 * Returns NULL with a message in err (unknown fetch or converter, bad
 * arguments, "not supported yet").
 */
struct smp_expr *smp_expr_parse(const char *text, int in_brackets, size_t *used,
				char *err, size_t errlen);
void smp_expr_free(struct smp_expr *e);

/* Resolve backend/server names of the arguments in conf (at the end of
 * configuration loading). 0, or -1 with a message in err. */
int smp_expr_resolve(struct smp_expr *e, struct lbd_conf *conf, char *err,
		     size_t errlen);

/* SMP_USE_* bits the expression needs; the fetch's output type (after its
 * converters); whether the fetch is multi-valued in ACLs. */
unsigned smp_expr_use(const struct smp_expr *e);
enum smp_type smp_expr_type(const struct smp_expr *e);
/* The fetch's name as written ("hdr"), for messages. */
const char *smp_expr_fetch_name(const struct smp_expr *e);

/*
 * Evaluate: 1 with the value in out, 0 when the fetch finds nothing (or a
 * converter fails). With c->all and a multi-valued fetch, call again with
 * the same out while out->more is set to get the next value (start with
 * out zeroed).
 */
int smp_expr_eval(const struct smp_expr *e, struct smp_ctx *c, struct smp *out);

/* Turn a value into a string (in the arena for numbers and addresses). 0
 * or -1 when the arena is full. */
int smp_to_str(struct smp *v, struct arena *a);

/* An address from a string sample ("192.0.2.1", "2001:db8::1"); 0 or
 * -1 (not an address; addresses are left as they are). */
int smp_to_ip(struct smp *v);

/* Parse a decimal integer value of a string sample; 0 or -1. */
int smp_to_sint(struct smp *v);

/* The list of fetch keywords for the documentation. */
void smp_fetch_names(void (*fn)(const char *name, void *arg), void *arg);

#endif
