/*
 * prom.h - the Prometheus exporter: the text exposition format with
 * HAProxy's metric names and labels (haproxy_process_*,
 * haproxy_frontend_*, haproxy_backend_*, haproxy_server_* with "proxy"
 * and "server" labels), so that community dashboards and alerts work
 * unchanged. Values come from the same rows as "show stat".
 */
#ifndef LBD_PROM_H
#define LBD_PROM_H

struct sbuf;

enum {
	PROM_SCOPE_GLOBAL   = 1u << 0,
	PROM_SCOPE_FRONTEND = 1u << 1,
	PROM_SCOPE_BACKEND  = 1u << 2,
	PROM_SCOPE_SERVER   = 1u << 3,
	PROM_SCOPE_ALL      = 0xf,
};

/* Parse the query string of a /metrics request ("scope=frontend&
 * scope=server&no-maint"); sets the scopes (all when none is given) and
 * whether servers in maintenance are skipped. 0, or -1 on an unknown
 * scope. */
int prom_parse_query(const char *q, unsigned *scopes, int *no_maint);

/* The whole exposition. 0, or -1 when memory is short. Worker 0. */
int prom_dump(struct sbuf *out, unsigned scopes, int no_maint);

#endif
