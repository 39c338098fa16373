/*
 * acl.h - HAProxy's ACLs and conditions: "acl <name> <fetch> [flags]
 * [operator] <patterns...>" declared in a proxy, combined by rules as
 * "if|unless [!]acl1 [!]acl2 || { fetch patterns } ...". Patterns are
 * compiled once (strings, integers and ranges, IP networks, PCRE2 regexes
 * with JIT) and matched per request against sample values (sample.h).
 */
#ifndef LBD_ACL_H
#define LBD_ACL_H

#include <stddef.h>

struct lbd_conf;
struct proxy;
struct smp_ctx;

/* How a sample is compared with the patterns: HAProxy's "-m" methods. */
enum acl_match {
	ACL_M_FOUND, ACL_M_BOOL, ACL_M_INT, ACL_M_IP, ACL_M_STR, ACL_M_BEG,
	ACL_M_END, ACL_M_SUB, ACL_M_DIR, ACL_M_DOM, ACL_M_REG, ACL_M_LEN,
	ACL_M_COUNT
};
extern const char *const acl_match_names[ACL_M_COUNT];

struct acl;		/* a named (or anonymous) ACL: one or more expressions */
struct acl_cond;	/* a rule's condition */

/*
 * "acl <name> <fetch> ..." in proxy px: argv[0] is "acl". A name declared
 * again adds patterns ORed with the first ones. 0, or -1 with a message
 * in err (file:line added by the caller).
 */
int acl_declare(struct proxy *px, int argc, char **argv, char *err, size_t errlen);

/*
 * Parse a condition from argv[0] ("if" or "unless") to the end. ACL names
 * refer to those declared earlier in px, or to the predefined ones (TRUE,
 * FALSE, HTTP, LOCALHOST, METH_GET...). Returns the condition, or NULL
 * with a message in err.
 */
struct acl_cond *acl_cond_parse(struct proxy *px, int argc, char **argv,
				char *err, size_t errlen);
void acl_cond_free(struct acl_cond *c);

/* SMP_USE_* bits the condition's fetches need (to refuse a response
 * fetch in a request rule). */
unsigned acl_cond_use(const struct acl_cond *c);

/* Resolve backend/server arguments of every ACL of px, or of a
 * condition's anonymous ACLs; 0 or -1 + err. */
int acl_resolve(struct proxy *px, struct lbd_conf *conf, char *err, size_t errlen);
int acl_cond_resolve(struct acl_cond *c, struct lbd_conf *conf, char *err,
		     size_t errlen);

/* Evaluate: 1 when the rule applies (condition true for "if", false for
 * "unless"), else 0. A NULL condition always applies. */
int acl_cond_exec(const struct acl_cond *c, struct smp_ctx *ctx);

/* Free every ACL of a proxy (its list head). */
void acl_free_all(struct acl *list);

#endif
