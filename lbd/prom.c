/*
 * prom.c - the Prometheus exporter (see prom.h). Each metric is written
 * once with its HELP and TYPE lines, then its value for every object of
 * its kind, in configuration order; a cell "show stat" leaves empty is
 * NaN, as with HAProxy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "prom.h"
#include "vrrpwatch.h"
#include "proxy.h"
#include "sbuf.h"
#include "stats.h"
#include "worker.h"

enum { PM_GAUGE, PM_COUNTER };

/* flags */
enum {
	PM_HTTP   = 1u << 0,	/* only for HTTP proxies */
	PM_SECS   = 1u << 1,	/* milliseconds shown as seconds */
	PM_CHECK  = 1u << 2,	/* only for servers with a health check */
	PM_STATE  = 1u << 3,	/* one line per state label */
	PM_CODES  = 1u << 4,	/* one line per HTTP status class */
	PM_CHKST  = 1u << 5,	/* one line per check status */
	PM_AGG_SV = 1u << 6,	/* count of servers per state */
	PM_AGG_CK = 1u << 7,	/* count of servers per check status */
};

struct pmetric {
	const char *name;
	int type;
	int col;		/* ST_* or INF_* */
	unsigned flags;
	const char *help;
};

static const struct pmetric pm_process[] = {
	{ "nbthread", PM_GAUGE, INF_NBTHREAD, 0, "Number of worker threads." },
	{ "nbproc", PM_GAUGE, INF_NBPROC, 0, "Number of processes (always 1)." },
	{ "relative_process_id", PM_GAUGE, INF_PROCESS_NUM, 0, "Relative process number (always 1)." },
	{ "uptime_seconds", PM_GAUGE, INF_UPTIME_SEC, 0, "Seconds since the process started." },
	{ "pool_failures_total", PM_COUNTER, INF_POOL_FAILED, 0, "Failed memory pool allocations." },
	{ "max_fds", PM_GAUGE, INF_ULIMIT_N, 0, "Limit on open file descriptors." },
	{ "max_sockets", PM_GAUGE, INF_MAXSOCK, 0, "Limit on open sockets." },
	{ "max_connections", PM_GAUGE, INF_MAXCONN, 0, "Limit on concurrent connections." },
	{ "hard_max_connections", PM_GAUGE, INF_HARD_MAXCONN, 0, "Initial limit on concurrent connections." },
	{ "current_connections", PM_GAUGE, INF_CURR_CONN, 0, "Connections open now." },
	{ "connections_total", PM_COUNTER, INF_CUM_CONN, 0, "Connections accepted." },
	{ "requests_total", PM_COUNTER, INF_CUM_REQ, 0, "HTTP requests received." },
	{ "max_ssl_connections", PM_GAUGE, INF_MAX_SSL_CONNS, 0, "Limit on TLS connections." },
	{ "current_ssl_connections", PM_GAUGE, INF_CURR_SSL_CONNS, 0, "TLS connections open now." },
	{ "ssl_connections_total", PM_COUNTER, INF_CUM_SSL_CONNS, 0, "TLS connections accepted." },
	{ "max_pipes", PM_GAUGE, INF_MAXPIPES, 0, "Limit on pipes for splicing." },
	{ "pipes_used_total", PM_COUNTER, INF_PIPES_USED, 0, "Pipes in use." },
	{ "pipes_free_total", PM_COUNTER, INF_PIPES_FREE, 0, "Pipes kept free." },
	{ "current_connection_rate", PM_GAUGE, INF_CONN_RATE, 0, "Connections accepted over the last second." },
	{ "limit_connection_rate", PM_GAUGE, INF_CONN_RATE_LIMIT, 0, "Limit on the connection rate." },
	{ "max_connection_rate", PM_GAUGE, INF_MAX_CONN_RATE, 0, "Highest connection rate seen." },
	{ "current_session_rate", PM_GAUGE, INF_SESS_RATE, 0, "Sessions created over the last second." },
	{ "limit_session_rate", PM_GAUGE, INF_SESS_RATE_LIMIT, 0, "Limit on the session rate." },
	{ "max_session_rate", PM_GAUGE, INF_MAX_SESS_RATE, 0, "Highest session rate seen." },
	{ "current_ssl_rate", PM_GAUGE, INF_SSL_RATE, 0, "TLS sessions over the last second." },
	{ "limit_ssl_rate", PM_GAUGE, INF_SSL_RATE_LIMIT, 0, "Limit on the TLS session rate." },
	{ "max_ssl_rate", PM_GAUGE, INF_MAX_SSL_RATE, 0, "Highest TLS session rate seen." },
	{ "current_frontend_ssl_key_rate", PM_GAUGE, INF_SSL_FRONTEND_KEY_RATE, 0, "TLS key computations on the client side over the last second." },
	{ "max_frontend_ssl_key_rate", PM_GAUGE, INF_SSL_FRONTEND_MAX_KEY_RATE, 0, "Highest client-side TLS key rate seen." },
	{ "frontend_ssl_reuse", PM_GAUGE, INF_SSL_FRONTEND_SESSION_REUSE_PCT, 0, "Percent of client TLS sessions resumed." },
	{ "current_backend_ssl_key_rate", PM_GAUGE, INF_SSL_BACKEND_KEY_RATE, 0, "TLS key computations on the server side over the last second." },
	{ "max_backend_ssl_key_rate", PM_GAUGE, INF_SSL_BACKEND_MAX_KEY_RATE, 0, "Highest server-side TLS key rate seen." },
	{ "ssl_cache_lookups_total", PM_COUNTER, INF_SSL_CACHE_LOOKUPS, 0, "TLS session cache lookups." },
	{ "ssl_cache_misses_total", PM_COUNTER, INF_SSL_CACHE_MISSES, 0, "TLS session cache misses." },
	{ "http_comp_bytes_in_total", PM_COUNTER, INF_COMPRESS_BPS_IN, 0, "Bytes given to the compressor." },
	{ "http_comp_bytes_out_total", PM_COUNTER, INF_COMPRESS_BPS_OUT, 0, "Bytes out of the compressor." },
	{ "limit_http_comp", PM_GAUGE, INF_COMPRESS_BPS_RATE_LIM, 0, "Limit on the compression rate." },
	{ "current_zlib_memory", PM_GAUGE, INF_ZLIB_MEM_USAGE, 0, "Memory used by compression." },
	{ "max_zlib_memory", PM_GAUGE, INF_MAX_ZLIB_MEM_USAGE, 0, "Limit on compression memory." },
	{ "current_tasks", PM_GAUGE, INF_TASKS, 0, "Tasks now." },
	{ "current_run_queue", PM_GAUGE, INF_RUN_QUEUE, 0, "Tasks waiting to run." },
	{ "idle_time_percent", PM_GAUGE, INF_IDLE_PCT, 0, "Percent of time the event loops were idle." },
	{ "stopping", PM_GAUGE, INF_STOPPING, 0, "1 while the process is stopping." },
	{ "jobs", PM_GAUGE, INF_JOBS, 0, "Active jobs (connections and listeners)." },
	{ "unstoppable_jobs", PM_GAUGE, INF_UNSTOPPABLE_JOBS, 0, "Jobs a soft stop waits for." },
	{ "listeners", PM_GAUGE, INF_LISTENERS, 0, "Listening sockets." },
	{ "active_peers", PM_GAUGE, INF_ACTIVE_PEERS, 0, "Active peers." },
	{ "connected_peers", PM_GAUGE, INF_CONNECTED_PEERS, 0, "Connected peers." },
	{ "dropped_logs_total", PM_COUNTER, INF_DROPPED_LOGS, 0, "Log lines that could not be sent." },
	{ "busy_polling_enabled", PM_GAUGE, INF_BUSY_POLLING, 0, "1 when busy polling is on." },
	{ "failed_resolutions", PM_COUNTER, INF_FAILED_RESOLUTIONS, 0, "Failed name resolutions." },
	{ "bytes_out_total", PM_COUNTER, INF_TOTAL_BYTES_OUT, 0, "Bytes sent to clients." },
	{ "spliced_bytes_out_total", PM_COUNTER, INF_TOTAL_SPLICED_BYTES_OUT, 0, "Bytes sent to clients by splicing." },
	{ "bytes_out_rate", PM_GAUGE, INF_BYTES_OUT_RATE, 0, "Bytes sent to clients over the last second." },
	{ "recv_logs_total", PM_COUNTER, INF_CUM_LOG_MSGS, 0, "Log messages received." },
	{ "build_info", PM_GAUGE, INF_BUILD_INFO, 0, "Build information (version label)." },
	{ "max_memory_bytes", PM_GAUGE, INF_MEMMAX_BYTES, 0, "Memory limit." },
	{ "pool_allocated_bytes", PM_GAUGE, INF_POOL_ALLOC_BYTES, 0, "Bytes allocated in pools." },
	{ "pool_used_bytes", PM_GAUGE, INF_POOL_USED_BYTES, 0, "Bytes used in pools." },
	{ "start_time_seconds", PM_GAUGE, INF_START_TIME_SEC, 0, "Start time, seconds since the epoch." },
};

static const struct pmetric pm_frontend[] = {
	{ "current_sessions", PM_GAUGE, ST_SCUR, 0, "Sessions open now." },
	{ "max_sessions", PM_GAUGE, ST_SMAX, 0, "Highest number of sessions open at once." },
	{ "limit_sessions", PM_GAUGE, ST_SLIM, 0, "Limit on open sessions." },
	{ "sessions_total", PM_COUNTER, ST_STOT, 0, "Sessions since start." },
	{ "bytes_in_total", PM_COUNTER, ST_BIN, 0, "Bytes received." },
	{ "bytes_out_total", PM_COUNTER, ST_BOUT, 0, "Bytes sent." },
	{ "requests_denied_total", PM_COUNTER, ST_DREQ, 0, "Requests denied by rules." },
	{ "responses_denied_total", PM_COUNTER, ST_DRESP, 0, "Responses denied by rules." },
	{ "request_errors_total", PM_COUNTER, ST_EREQ, 0, "Invalid requests." },
	{ "status", PM_GAUGE, ST_STATUS, PM_STATE, "Status, one line per state label." },
	{ "limit_session_rate", PM_GAUGE, ST_RATE_LIM, 0, "Limit on the session rate." },
	{ "max_session_rate", PM_GAUGE, ST_RATE_MAX, 0, "Highest session rate seen." },
	{ "http_responses_total", PM_COUNTER, ST_HRSP_1XX, PM_HTTP | PM_CODES, "HTTP responses per status class." },
	{ "http_requests_rate_max", PM_GAUGE, ST_REQ_RATE_MAX, PM_HTTP, "Highest HTTP request rate seen." },
	{ "http_requests_total", PM_COUNTER, ST_REQ_TOT, PM_HTTP, "HTTP requests received." },
	{ "http_comp_bytes_in_total", PM_COUNTER, ST_COMP_IN, PM_HTTP, "Bytes given to the compressor." },
	{ "http_comp_bytes_out_total", PM_COUNTER, ST_COMP_OUT, PM_HTTP, "Bytes out of the compressor." },
	{ "http_comp_bytes_bypassed_total", PM_COUNTER, ST_COMP_BYP, PM_HTTP, "Bytes that bypassed the compressor." },
	{ "http_comp_responses_total", PM_COUNTER, ST_COMP_RSP, PM_HTTP, "Compressed responses." },
	{ "connections_rate_max", PM_GAUGE, ST_CONN_RATE_MAX, 0, "Highest connection rate seen." },
	{ "connections_total", PM_COUNTER, ST_CONN_TOT, 0, "Connections accepted." },
	{ "intercepted_requests_total", PM_COUNTER, ST_INTERCEPTED, PM_HTTP, "Requests answered by lbd itself." },
	{ "denied_connections_total", PM_COUNTER, ST_DCON, 0, "Connections denied by rules." },
	{ "denied_sessions_total", PM_COUNTER, ST_DSES, 0, "Sessions denied by rules." },
	{ "failed_header_rewriting_total", PM_COUNTER, ST_WREW, 0, "Failed header rewrites." },
	{ "http_cache_lookups_total", PM_COUNTER, ST_CACHE_LOOKUPS, PM_HTTP, "Cache lookups." },
	{ "http_cache_hits_total", PM_COUNTER, ST_CACHE_HITS, PM_HTTP, "Cache hits." },
	{ "internal_errors_total", PM_COUNTER, ST_EINT, 0, "Internal errors." },
};

static const struct pmetric pm_backend[] = {
	{ "current_queue", PM_GAUGE, ST_QCUR, 0, "Requests queued now." },
	{ "max_queue", PM_GAUGE, ST_QMAX, 0, "Highest queue length seen." },
	{ "current_sessions", PM_GAUGE, ST_SCUR, 0, "Sessions open now." },
	{ "max_sessions", PM_GAUGE, ST_SMAX, 0, "Highest number of sessions open at once." },
	{ "limit_sessions", PM_GAUGE, ST_SLIM, 0, "Limit on open sessions." },
	{ "sessions_total", PM_COUNTER, ST_STOT, 0, "Sessions since start." },
	{ "bytes_in_total", PM_COUNTER, ST_BIN, 0, "Bytes received." },
	{ "bytes_out_total", PM_COUNTER, ST_BOUT, 0, "Bytes sent." },
	{ "requests_denied_total", PM_COUNTER, ST_DREQ, 0, "Requests denied by rules." },
	{ "responses_denied_total", PM_COUNTER, ST_DRESP, 0, "Responses denied by rules." },
	{ "connection_errors_total", PM_COUNTER, ST_ECON, 0, "Failed connections to servers." },
	{ "response_errors_total", PM_COUNTER, ST_ERESP, 0, "Invalid or aborted responses." },
	{ "retry_warnings_total", PM_COUNTER, ST_WRETR, 0, "Connection retries." },
	{ "redispatch_warnings_total", PM_COUNTER, ST_WREDIS, 0, "Redispatches to another server." },
	{ "status", PM_GAUGE, ST_STATUS, PM_STATE, "Status, one line per state label." },
	{ "weight", PM_GAUGE, ST_WEIGHT, 0, "Total effective weight of the servers in use." },
	{ "active_servers", PM_GAUGE, ST_ACT, 0, "Usable active servers." },
	{ "backup_servers", PM_GAUGE, ST_BCK, 0, "Usable backup servers." },
	{ "check_up_down_total", PM_COUNTER, ST_CHKDOWN, 0, "Times the backend lost its last server." },
	{ "check_last_change_seconds", PM_GAUGE, ST_LASTCHG, 0, "Seconds since the last state change." },
	{ "downtime_seconds_total", PM_COUNTER, ST_DOWNTIME, 0, "Seconds without any usable server." },
	{ "loadbalanced_total", PM_COUNTER, ST_LBTOT, 0, "Times a server was chosen." },
	{ "max_session_rate", PM_GAUGE, ST_RATE_MAX, 0, "Highest session rate seen." },
	{ "http_responses_total", PM_COUNTER, ST_HRSP_1XX, PM_HTTP | PM_CODES, "HTTP responses per status class." },
	{ "http_requests_total", PM_COUNTER, ST_REQ_TOT, PM_HTTP, "HTTP requests." },
	{ "client_aborts_total", PM_COUNTER, ST_CLI_ABRT, 0, "Transfers aborted by the client." },
	{ "server_aborts_total", PM_COUNTER, ST_SRV_ABRT, 0, "Transfers aborted by the server." },
	{ "http_comp_bytes_in_total", PM_COUNTER, ST_COMP_IN, PM_HTTP, "Bytes given to the compressor." },
	{ "http_comp_bytes_out_total", PM_COUNTER, ST_COMP_OUT, PM_HTTP, "Bytes out of the compressor." },
	{ "http_comp_bytes_bypassed_total", PM_COUNTER, ST_COMP_BYP, PM_HTTP, "Bytes that bypassed the compressor." },
	{ "http_comp_responses_total", PM_COUNTER, ST_COMP_RSP, PM_HTTP, "Compressed responses." },
	{ "last_session_seconds", PM_GAUGE, ST_LASTSESS, 0, "Seconds since the last session (-1: none yet)." },
	{ "queue_time_average_seconds", PM_GAUGE, ST_QTIME, PM_SECS, "Average time in the queue (last 1024 requests)." },
	{ "connect_time_average_seconds", PM_GAUGE, ST_CTIME, PM_SECS, "Average connect time (last 1024 requests)." },
	{ "response_time_average_seconds", PM_GAUGE, ST_RTIME, PM_SECS, "Average response time (last 1024 requests)." },
	{ "total_time_average_seconds", PM_GAUGE, ST_TTIME, PM_SECS, "Average total time (last 1024 requests)." },
	{ "failed_header_rewriting_total", PM_COUNTER, ST_WREW, 0, "Failed header rewrites." },
	{ "connection_attempts_total", PM_COUNTER, ST_CONNECT, 0, "Connection attempts to servers." },
	{ "connection_reuses_total", PM_COUNTER, ST_REUSE, 0, "Server connections reused." },
	{ "http_cache_lookups_total", PM_COUNTER, ST_CACHE_LOOKUPS, PM_HTTP, "Cache lookups." },
	{ "http_cache_hits_total", PM_COUNTER, ST_CACHE_HITS, PM_HTTP, "Cache hits." },
	{ "max_queue_time_seconds", PM_GAUGE, ST_QTIME_MAX, PM_SECS, "Longest time in the queue." },
	{ "max_connect_time_seconds", PM_GAUGE, ST_CTIME_MAX, PM_SECS, "Longest connect time." },
	{ "max_response_time_seconds", PM_GAUGE, ST_RTIME_MAX, PM_SECS, "Longest response time." },
	{ "max_total_time_seconds", PM_GAUGE, ST_TTIME_MAX, PM_SECS, "Longest total time." },
	{ "internal_errors_total", PM_COUNTER, ST_EINT, 0, "Internal errors." },
	{ "uweight", PM_GAUGE, ST_UWEIGHT, 0, "Total user weight of the servers in use." },
	{ "agg_server_status", PM_GAUGE, ST_AGG_SERVER_STATUS, PM_AGG_SV, "Servers per state." },
	{ "agg_server_check_status", PM_GAUGE, ST_AGG_SERVER_CHECK_STATUS, PM_AGG_SV, "Servers per state (deprecated name)." },
	{ "agg_check_status", PM_GAUGE, ST_AGG_CHECK_STATUS, PM_AGG_CK, "Servers per last check status." },
};

static const struct pmetric pm_server[] = {
	{ "current_queue", PM_GAUGE, ST_QCUR, 0, "Requests queued now." },
	{ "max_queue", PM_GAUGE, ST_QMAX, 0, "Highest queue length seen." },
	{ "current_sessions", PM_GAUGE, ST_SCUR, 0, "Sessions open now." },
	{ "max_sessions", PM_GAUGE, ST_SMAX, 0, "Highest number of sessions open at once." },
	{ "limit_sessions", PM_GAUGE, ST_SLIM, 0, "Limit on open sessions (maxconn)." },
	{ "sessions_total", PM_COUNTER, ST_STOT, 0, "Sessions since start." },
	{ "bytes_in_total", PM_COUNTER, ST_BIN, 0, "Bytes sent to the server." },
	{ "bytes_out_total", PM_COUNTER, ST_BOUT, 0, "Bytes from the server sent to clients." },
	{ "responses_denied_total", PM_COUNTER, ST_DRESP, 0, "Responses denied by rules." },
	{ "connection_errors_total", PM_COUNTER, ST_ECON, 0, "Failed connections." },
	{ "response_errors_total", PM_COUNTER, ST_ERESP, 0, "Invalid or aborted responses." },
	{ "retry_warnings_total", PM_COUNTER, ST_WRETR, 0, "Connection retries." },
	{ "redispatch_warnings_total", PM_COUNTER, ST_WREDIS, 0, "Redispatches away from this server." },
	{ "status", PM_GAUGE, ST_STATUS, PM_STATE, "Status, one line per state label." },
	{ "weight", PM_GAUGE, ST_WEIGHT, 0, "Effective weight." },
	{ "check_failures_total", PM_COUNTER, ST_CHKFAIL, 0, "Failed health checks." },
	{ "check_up_down_total", PM_COUNTER, ST_CHKDOWN, 0, "UP to DOWN transitions." },
	{ "check_last_change_seconds", PM_GAUGE, ST_LASTCHG, 0, "Seconds since the last state change." },
	{ "downtime_seconds_total", PM_COUNTER, ST_DOWNTIME, 0, "Seconds spent DOWN." },
	{ "queue_limit", PM_GAUGE, ST_QLIMIT, 0, "Limit on the queue (maxqueue)." },
	{ "current_throttle", PM_GAUGE, ST_THROTTLE, 0, "Slow-start throttle percent." },
	{ "loadbalanced_total", PM_COUNTER, ST_LBTOT, 0, "Times the server was chosen." },
	{ "max_session_rate", PM_GAUGE, ST_RATE_MAX, 0, "Highest session rate seen." },
	{ "check_status", PM_GAUGE, ST_CHECK_STATUS, PM_CHECK | PM_CHKST, "Last health check status, one line per status label." },
	{ "check_code", PM_GAUGE, ST_CHECK_CODE, PM_CHECK, "Last health check's layer 5-7 code." },
	{ "check_duration_seconds", PM_GAUGE, ST_CHECK_DURATION, PM_CHECK | PM_SECS, "Last health check's duration." },
	{ "http_responses_total", PM_COUNTER, ST_HRSP_1XX, PM_HTTP | PM_CODES, "HTTP responses per status class." },
	{ "client_aborts_total", PM_COUNTER, ST_CLI_ABRT, 0, "Transfers aborted by the client." },
	{ "server_aborts_total", PM_COUNTER, ST_SRV_ABRT, 0, "Transfers aborted by the server." },
	{ "last_session_seconds", PM_GAUGE, ST_LASTSESS, 0, "Seconds since the last session (-1: none yet)." },
	{ "queue_time_average_seconds", PM_GAUGE, ST_QTIME, PM_SECS, "Average time in the queue (last 1024 requests)." },
	{ "connect_time_average_seconds", PM_GAUGE, ST_CTIME, PM_SECS, "Average connect time (last 1024 requests)." },
	{ "response_time_average_seconds", PM_GAUGE, ST_RTIME, PM_SECS, "Average response time (last 1024 requests)." },
	{ "total_time_average_seconds", PM_GAUGE, ST_TTIME, PM_SECS, "Average total time (last 1024 requests)." },
	{ "failed_header_rewriting_total", PM_COUNTER, ST_WREW, 0, "Failed header rewrites." },
	{ "connection_attempts_total", PM_COUNTER, ST_CONNECT, 0, "Connection attempts." },
	{ "connection_reuses_total", PM_COUNTER, ST_REUSE, 0, "Connections reused." },
	{ "idle_connections_current", PM_GAUGE, ST_SRV_ICUR, 0, "Idle connections kept now." },
	{ "idle_connections_limit", PM_GAUGE, ST_SRC_ILIM, 0, "Limit on idle connections." },
	{ "max_queue_time_seconds", PM_GAUGE, ST_QTIME_MAX, PM_SECS, "Longest time in the queue." },
	{ "max_connect_time_seconds", PM_GAUGE, ST_CTIME_MAX, PM_SECS, "Longest connect time." },
	{ "max_response_time_seconds", PM_GAUGE, ST_RTIME_MAX, PM_SECS, "Longest response time." },
	{ "max_total_time_seconds", PM_GAUGE, ST_TTIME_MAX, PM_SECS, "Longest total time." },
	{ "internal_errors_total", PM_COUNTER, ST_EINT, 0, "Internal errors." },
	{ "unsafe_idle_connections_current", PM_GAUGE, ST_IDLE_CONN_CUR, 0, "Idle connections not safe to reuse for a first request." },
	{ "safe_idle_connections_current", PM_GAUGE, ST_SAFE_CONN_CUR, 0, "Idle connections safe to reuse." },
	{ "used_connections_current", PM_GAUGE, ST_USED_CONN_CUR, 0, "Connections in use." },
	{ "need_connections_current", PM_GAUGE, ST_NEED_CONN_EST, 0, "Estimated connections needed." },
	{ "uweight", PM_GAUGE, ST_UWEIGHT, 0, "User weight." },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const sv_states[] = { "DOWN", "UP", "MAINT", "DRAIN", "NOLB" };
static const char *const ck_states[] = { "HANA", "SOCKERR", "L4OK", "L4TOUT", "L4CON",
	"L6OK", "L6TOUT", "L6RSP", "L7TOUT", "L7RSP", "L7OK", "L7OKC", "L7STS",
	"PROCERR", "PROCTOUT", "PROCOK" };
static const char *const codes[] = { "1xx", "2xx", "3xx", "4xx", "5xx", "other" };

static void pm_head(struct sbuf *o, const char *kind, const struct pmetric *m)
{
	sbuf_printf(o, "# HELP haproxy_%s_%s %s\n# TYPE haproxy_%s_%s %s\n", kind,
		    m->name, m->help, kind, m->name,
		    m->type == PM_COUNTER ? "counter" : "gauge");
}

static void pm_value(struct sbuf *o, const struct field *f, unsigned flags)
{
	double v;

	switch (f->type) {
	case FF_U32: v = f->u.u32; break;
	case FF_S32: v = f->u.s32; break;
	case FF_U64: v = (double)f->u.u64; break;
	default:
		sbuf_puts(o, "NaN\n");
		return;
	}
	if (flags & PM_SECS)
		sbuf_printf(o, "%f\n", v / 1000.0);
	else if (f->type == FF_S32)
		sbuf_printf(o, "%d\n", f->u.s32);
	else if (f->type == FF_U32)
		sbuf_printf(o, "%u\n", f->u.u32);
	else
		sbuf_printf(o, "%llu\n", (unsigned long long)f->u.u64);
}

/* Label values are names from the configuration: escape \, " and LF. */
static void pm_label(struct sbuf *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			sbuf_add(o, "\\", 1);
		if (*s == '\n')
			sbuf_puts(o, "\\n");
		else
			sbuf_add(o, s, 1);
	}
}

static void pm_labels(struct sbuf *o, const char *kind, const struct pmetric *m,
		      const char *px, const char *sv)
{
	sbuf_printf(o, "haproxy_%s_%s{proxy=\"", kind, m->name);
	pm_label(o, px);
	if (sv) {
		sbuf_puts(o, "\",server=\"");
		pm_label(o, sv);
	}
	sbuf_puts(o, "\"");
}

/* The state label of a server row: its status word without "i/n". */
static const char *pm_srv_state(const struct stats_row *r)
{
	const char *s = r->f[ST_STATUS].u.str;

	if (strncmp(s, "UP", 2) == 0 || strcmp(s, "no check") == 0)
		return "UP";
	if (strncmp(s, "DOWN", 4) == 0)
		return "DOWN";
	if (strncmp(s, "NOLB", 4) == 0)
		return "NOLB";
	return s;
}

static const char *pm_chk_state(const struct stats_row *r)
{
	const char *s = r->f[ST_CHECK_STATUS].u.str;

	if (!s)
		return "";
	if (s[0] == '*' && s[1] == ' ')
		s += 2;
	return strcmp(s, "L7OK") == 0 ? "L7OK" : s;
}

/* An object of a kind with its "show stat" row, filled once per scrape. */
struct pm_obj {
	struct proxy *px;
	struct server *sv;		/* servers only */
	struct stats_row row;
};

struct pm_set {
	const char *kind;		/* "frontend", "backend", "server" */
	const struct pmetric *metrics;
	size_t nmetrics;
	struct pm_obj *objs;
	size_t n;
	int no_maint;			/* skip servers in maintenance */
};

/* One metric's lines for one object. */
static void pm_row(struct sbuf *o, const struct pm_set *set, const struct pmetric *m,
		   const struct pm_obj *ob, int k)
{
	const struct stats_row *r = &ob->row;
	const char *svname = ob->sv ? ob->sv->id : NULL;

	if (m->flags & PM_CODES) {
		pm_labels(o, set->kind, m, ob->px->id, svname);
		sbuf_printf(o, ",code=\"%s\"} ", codes[k]);
		pm_value(o, &r->f[ST_HRSP_1XX + k], 0);
		return;
	}
	if (m->flags & PM_STATE) {
		const char *st = r->type == STATS_TYPE_SV ? pm_srv_state(r) :
				 strcmp(r->f[ST_STATUS].u.str, "DOWN") == 0 ||
				 strcmp(r->f[ST_STATUS].u.str, "STOP") == 0 ? "DOWN" : "UP";
		size_t n = r->type == STATS_TYPE_SV ? N(sv_states) : 2;

		for (size_t i = 0; i < n; i++) {
			pm_labels(o, set->kind, m, ob->px->id, svname);
			sbuf_printf(o, ",state=\"%s\"} %d\n", sv_states[i],
				    strcmp(sv_states[i], st) == 0);
		}
		return;
	}
	if (m->flags & PM_CHKST) {
		const char *st = pm_chk_state(r);

		for (size_t i = 0; i < N(ck_states); i++) {
			pm_labels(o, set->kind, m, ob->px->id, svname);
			sbuf_printf(o, ",state=\"%s\"} %d\n", ck_states[i],
				    strcmp(ck_states[i], st) == 0);
		}
		return;
	}
	pm_labels(o, set->kind, m, ob->px->id, svname);
	sbuf_puts(o, "} ");
	pm_value(o, &r->f[m->col], m->flags);
}

/* A backend's servers counted per state or per check status. */
static void pm_agg(struct sbuf *o, const struct pmetric *m, const struct pm_obj *be,
		   const struct pm_set *servers)
{
	int check = (m->flags & PM_AGG_CK) != 0;
	const char *const *names = check ? ck_states : sv_states;
	size_t n = check ? N(ck_states) : N(sv_states);
	unsigned count[16] = { 0 };

	for (size_t j = 0; j < servers->n; j++) {
		const struct pm_obj *sv = &servers->objs[j];
		const char *st;

		if (sv->px != be->px)
			continue;
		st = check ? pm_chk_state(&sv->row) : pm_srv_state(&sv->row);
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], st) == 0)
				count[i]++;
	}
	for (size_t i = 0; i < n; i++) {
		pm_labels(o, "backend", m, be->px->id, NULL);
		sbuf_printf(o, ",state=\"%s\"} %u\n", names[i], count[i]);
	}
}

/* Every metric of a kind: its head, then each object (for the status
 * classes, every object for 1xx, then for 2xx...). */
static void pm_set_dump(struct sbuf *o, const struct pm_set *set, const struct pm_set *servers)
{
	for (size_t i = 0; i < set->nmetrics; i++) {
		const struct pmetric *m = &set->metrics[i];
		int rounds = m->flags & PM_CODES ? 6 : 1;

		pm_head(o, set->kind, m);
		for (int k = 0; k < rounds; k++)
			for (size_t j = 0; j < set->n; j++) {
				const struct pm_obj *ob = &set->objs[j];

				if ((m->flags & PM_HTTP) && ob->px->mode != PR_MODE_HTTP)
					continue;
				if (set->no_maint && ob->sv && ob->sv->state == SRV_ST_MAINT)
					continue;
				if ((m->flags & PM_CHECK) &&
				    ob->row.f[ST_CHECK_STATUS].type == FF_EMPTY)
					continue;
				if (m->flags & (PM_AGG_SV | PM_AGG_CK))
					pm_agg(o, m, ob, servers);
				else
					pm_row(o, set, m, ob, k);
			}
	}
}

static void pm_process_dump(struct sbuf *o)
{
	struct stats_info si;

	stats_info_fill(&si);
	for (size_t i = 0; i < N(pm_process); i++) {
		const struct pmetric *m = &pm_process[i];

		pm_head(o, "process", m);
		if (m->col == INF_BUILD_INFO) {
			sbuf_printf(o, "haproxy_process_build_info{version=\"%s\"} 1\n",
				    si.f[INF_BUILD_INFO].u.str);
			continue;
		}
		sbuf_printf(o, "haproxy_process_%s ", m->name);
		pm_value(o, &si.f[m->col], m->flags);
	}
}

static void pm_label(struct sbuf *o, const char *s);

/* the node's VRRP instances, as vrrpd reports them (vrrpd-socket) */
static void pm_vrrp_dump(struct sbuf *o)
{
	static const char *const states[] = { "INIT", "BACKUP", "MASTER", "FAULT", "STOP" };
	const struct vrrp_view *v;
	int up = vrrpwatch_connected();

	if (up < 0)
		return;
	sbuf_printf(o, "# HELP lbd_vrrpd_up Whether lbd follows vrrpd's event stream now.\n"
		    "# TYPE lbd_vrrpd_up gauge\nlbd_vrrpd_up %d\n", up);
	sbuf_puts(o, "# HELP lbd_vrrp_instance_state VRRP instance state as vrrpd last reported it (1 for the current one).\n"
		  "# TYPE lbd_vrrp_instance_state gauge\n");
	for (size_t i = 0; (v = vrrpwatch_get(i)); i++)
		for (size_t k = 0; k < N(states); k++) {
			sbuf_puts(o, "lbd_vrrp_instance_state{instance=\"");
			pm_label(o, v->name);
			sbuf_printf(o, "\",state=\"%s\"} %d\n", states[k],
				    strcmp(v->state, states[k]) == 0);
		}
	sbuf_puts(o, "# HELP lbd_vrrp_instance_priority VRRP instance effective priority.\n"
		  "# TYPE lbd_vrrp_instance_priority gauge\n");
	for (size_t i = 0; (v = vrrpwatch_get(i)); i++) {
		sbuf_puts(o, "lbd_vrrp_instance_priority{instance=\"");
		pm_label(o, v->name);
		sbuf_printf(o, "\"} %u\n", v->priority);
	}
	sbuf_puts(o, "# HELP lbd_vrrp_instance_master_info The VRRP instance's Master as last heard.\n"
		  "# TYPE lbd_vrrp_instance_master_info gauge\n");
	for (size_t i = 0; (v = vrrpwatch_get(i)); i++) {
		sbuf_puts(o, "lbd_vrrp_instance_master_info{instance=\"");
		pm_label(o, v->name);
		sbuf_puts(o, "\",master=\"");
		pm_label(o, v->master);
		sbuf_puts(o, "\"} 1\n");
	}
}

int prom_dump(struct sbuf *o, unsigned scopes, int no_maint)
{
	struct pm_set fe = { "frontend", pm_frontend, N(pm_frontend), NULL, 0, 0 };
	struct pm_set be = { "backend", pm_backend, N(pm_backend), NULL, 0, 0 };
	struct pm_set sv = { "server", pm_server, N(pm_server), NULL, 0, 0 };
	size_t nfe = 0, nbe = 0, nsv = 0;
	int rc = 0;

	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		nfe += !!(px->cap & PR_CAP_FE);
		nbe += !!(px->cap & PR_CAP_BE);
		for (struct server *s = (px->cap & PR_CAP_BE) ? px->servers : NULL; s; s = s->next)
			nsv++;
	}
	/* each row is filled once, however many metrics read it */
	fe.objs = calloc(nfe ? nfe : 1, sizeof(*fe.objs));
	be.objs = calloc(nbe ? nbe : 1, sizeof(*be.objs));
	sv.objs = calloc(nsv ? nsv : 1, sizeof(*sv.objs));
	if (!fe.objs || !be.objs || !sv.objs) {
		rc = -1;
		goto out;
	}
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (px->cap & PR_CAP_FE) {
			fe.objs[fe.n].px = px;
			stats_fill_fe(px, &fe.objs[fe.n++].row);
		}
		if (!(px->cap & PR_CAP_BE))
			continue;
		be.objs[be.n].px = px;
		stats_fill_be(px, &be.objs[be.n++].row);
		for (struct server *s = px->servers; s; s = s->next) {
			sv.objs[sv.n].px = px;
			sv.objs[sv.n].sv = s;
			stats_fill_sv(s, &sv.objs[sv.n++].row);
		}
	}
	if (scopes & PROM_SCOPE_GLOBAL) {
		pm_process_dump(o);
		pm_vrrp_dump(o);
	}
	if (scopes & PROM_SCOPE_FRONTEND)
		pm_set_dump(o, &fe, &sv);
	if (scopes & PROM_SCOPE_BACKEND)
		pm_set_dump(o, &be, &sv);
	if (scopes & PROM_SCOPE_SERVER) {
		sv.no_maint = no_maint;
		pm_set_dump(o, &sv, &sv);
	}
	rc = o->err ? -1 : 0;
out:
	free(fe.objs);
	free(be.objs);
	free(sv.objs);
	return rc;
}

int prom_parse_query(const char *q, unsigned *scopes, int *no_maint)
{
	*scopes = 0;
	*no_maint = 0;
	while (q && *q) {
		const char *amp = strchr(q, '&');
		size_t len = amp ? (size_t)(amp - q) : strlen(q);

		if (len > 6 && strncmp(q, "scope=", 6) == 0) {
			static const struct { const char *n; unsigned bit; } sc[] = {
				{ "global", PROM_SCOPE_GLOBAL }, { "frontend", PROM_SCOPE_FRONTEND },
				{ "backend", PROM_SCOPE_BACKEND }, { "server", PROM_SCOPE_SERVER },
				{ "*", PROM_SCOPE_ALL },
			};
			size_t i;

			for (i = 0; i < N(sc); i++)
				if (strlen(sc[i].n) == len - 6 && strncmp(q + 6, sc[i].n, len - 6) == 0) {
					*scopes |= sc[i].bit;
					break;
				}
			if (i == N(sc))
				return -1;
		} else if (len == 6 && strncmp(q, "scope=", 6) == 0) {
			/* an empty scope selects nothing more */
		} else if (len == 8 && strncmp(q, "no-maint", 8) == 0) {
			*no_maint = 1;
		}
		q = amp ? amp + 1 : NULL;
	}
	if (!*scopes)
		*scopes = PROM_SCOPE_ALL;
	return 0;
}
