/*
 * tcp_rules.h - "tcp-request connection" and "tcp-request content" rules:
 * accept, reject or track-sc0..2 with an optional condition on what the
 * connection shows (addresses, ports, stick counters). Connection rules
 * run at accept, before anything is allocated for a request; content
 * rules run once per request in mode http (when its head is in) and at
 * the start of a mode tcp connection; "tcp-response content accept|reject|
 * close" once per response (its head in mode http; in mode tcp when the
 * server connection is up).
 */
#ifndef LBD_TCP_RULES_H
#define LBD_TCP_RULES_H

struct cfg_ctx;
struct lbd_conf;
struct proxy;
struct smp_ctx;
struct trule;

/* "tcp-request ..." in the current proxy (argv[0] = "tcp-request").
 * 0 (errors reported), -1 when out of memory. */
int trule_cfg(struct cfg_ctx *ctx, int argc, char **argv);

/* Resolve the stick tables the rules of px track into; 0 or -1. */
int trule_resolve(struct cfg_ctx *ctx, struct proxy *px, struct lbd_conf *conf);

void trule_free_all(struct trule *list);

/* Run a list: 1 accept (or no rule decided), 0 reject, 2 close (the
 * server connection after this response; tcp-response). Tracked counters
 * go to the session (connection rules) or the transaction (content). */
int trule_exec(const struct trule *list, struct smp_ctx *c, int on_session);

#endif
