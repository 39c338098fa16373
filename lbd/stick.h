/*
 * stick.h - server persistence rules of a backend: "stick match|on|
 * store-request <sample> [table <t>] [if|unless <cond>]" (through a stick
 * table's server_id) and "use-server <server> [if|unless <cond>]". They
 * name the server a request must go to before the balancing algorithm is
 * asked; a server that is down is used only with "option persist".
 */
#ifndef LBD_STICK_H
#define LBD_STICK_H

struct cfg_ctx;
struct lbd_conf;
struct proxy;
struct smp_ctx;
struct stick_rule;
struct session;

/* "stick ..." and "use-server ..." (argv[0]) in the current backend. */
int stick_cfg(struct cfg_ctx *ctx, int argc, char **argv);

/* Resolve tables and servers; 0 or -1 (reported). */
int stick_resolve(struct cfg_ctx *ctx, struct proxy *be, struct lbd_conf *conf);

void stick_free_all(struct stick_rule *list);

/* Before the algorithm: the server the rules name for this request
 * (s->t->force_srv), if any. */
void stick_match(struct proxy *be, struct smp_ctx *c);

/* At the request: the keys of the store rules that apply (kept in the
 * transaction until a server is assigned). */
void stick_prepare(struct proxy *be, struct smp_ctx *c);

/* Once a server is assigned: remember it for the keys kept. */
void stick_store(struct session *s);

#endif
