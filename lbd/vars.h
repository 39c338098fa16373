/*
 * vars.h - HAProxy's variables: "http-request set-var(txn.user) <expr>",
 * read back with var(txn.user). Scopes: proc (the process, shared by the
 * threads), sess (the client connection), txn, req and res (the request
 * and its response). Values are copies, bounded in size.
 */
#ifndef LBD_VARS_H
#define LBD_VARS_H

#include <stddef.h>

struct session;
struct smp;
struct var;

#define VAR_MAX_LEN	1024	/* longest string kept */
#define VAR_MAX_COUNT	64	/* variables per store */

/* A store: a list of variables. */
struct var_store {
	struct var *list;
	unsigned n;
};

/* "scope.name" is valid (known scope, a name of [A-Za-z0-9_.]). */
int vars_name_ok(const char *name);

/* Set, read, remove the variable named (with its scope) for s. Set
 * returns 0 or -1 (no memory, too many); get 1 when found. */
int vars_set(struct session *s, const char *name, const struct smp *v);
int vars_get(struct session *s, const char *name, struct smp *out);
void vars_unset(struct session *s, const char *name);

/* Free a store's variables. */
void vars_free(struct var_store *st);

/* Free the proc scope (at exit). */
void vars_free_proc(void);

#endif
