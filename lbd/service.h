/*
 * service.h - answers lbd gives itself instead of a server: the stats page
 * ("stats enable", "stats uri" ...) and the Prometheus exporter
 * ("http-request use-service prometheus-exporter"). The request is read
 * on its session's thread; the page is built on the first worker (where
 * the health checks live, so the figures are read without locks) and
 * sent back through the session, in buffer-sized pieces.
 */
#ifndef LBD_SERVICE_H
#define LBD_SERVICE_H

#include <stdint.h>

struct cfg_ctx;
struct proxy;
struct session;
struct http1_msg;
struct acl_cond;
struct smp_ctx;

struct svc_auth {
	struct svc_auth *next;
	char *user, *pass;
};

enum { SVC_NONE, SVC_STATS, SVC_PROM };
enum { SVC_ADMIN_NEVER, SVC_ADMIN_ALWAYS, SVC_ADMIN_LOCAL };

/* "http-request use-service prometheus-exporter [if|unless cond]" */
struct svc_rule {
	struct svc_rule *next;
	int kind;
	struct acl_cond *cond;		/* NULL: always */
};

struct svc_conf {
	int stats_enabled;
	char *stats_uri;		/* prefix, default "/haproxy?stats" */
	uint32_t stats_refresh;		/* seconds, 0: none */
	char *stats_realm;
	struct svc_auth *auth;
	int stats_admin;		/* SVC_ADMIN_* */
	int hide_version, show_legends, show_node;
	struct svc_rule *rules;
};

/* "stats ..." in a proxy (argv[0] = "stats"). 0 or -1 (ENOMEM). */
int svc_cfg_stats(struct cfg_ctx *ctx, int argc, char **argv);

/* "http-request use-service prometheus-exporter [if|unless <cond>]"
 * (argv[0] = "http-request"). 0 or -1 (ENOMEM). */
int svc_cfg_http_request(struct cfg_ctx *ctx, int argc, char **argv);

void svc_conf_free(struct svc_conf *c);

/* Whether the request (head parsed in m over buf) is for a service of the
 * frontend; if so it is taken over (the session goes to SS_SERVICE) and 1
 * is returned. */
int svc_take(struct session *s, const struct http1_msg *m, struct smp_ctx *c);

/* Request bytes arrived for a session in SS_SERVICE. */
void svc_req_data(struct session *s);

/* Refill the response while in SS_SERVICE; -1 when s was closed. */
int svc_progress(struct session *s);

/* The transaction ends: release what the service holds (the reply being
 * built on another thread is dropped when it comes back). */
void svc_release(struct session *s);

#endif
