/*
 * stats.h - the statistics HAProxy's tools read, built from lbd's
 * counters: the "show stat" rows (same 128 columns in the same order,
 * the same empty cells per object type), rendered as CSV, typed lines or
 * JSON, and the "show info" fields. The runtime API, the stats page and
 * the Prometheus exporter all read them from here.
 */
#ifndef LBD_STATS_H
#define LBD_STATS_H

#include <stddef.h>
#include <stdint.h>

struct proxy;
struct server;
struct sbuf;

enum {
	ST_PXNAME, ST_SVNAME, ST_QCUR, ST_QMAX, ST_SCUR, ST_SMAX, ST_SLIM,
	ST_STOT, ST_BIN, ST_BOUT, ST_DREQ, ST_DRESP, ST_EREQ, ST_ECON,
	ST_ERESP, ST_WRETR, ST_WREDIS, ST_STATUS, ST_WEIGHT, ST_ACT, ST_BCK,
	ST_CHKFAIL, ST_CHKDOWN, ST_LASTCHG, ST_DOWNTIME, ST_QLIMIT, ST_PID,
	ST_IID, ST_SID, ST_THROTTLE, ST_LBTOT, ST_TRACKED, ST_TYPE, ST_RATE,
	ST_RATE_LIM, ST_RATE_MAX, ST_CHECK_STATUS, ST_CHECK_CODE,
	ST_CHECK_DURATION, ST_HRSP_1XX, ST_HRSP_2XX, ST_HRSP_3XX, ST_HRSP_4XX,
	ST_HRSP_5XX, ST_HRSP_OTHER, ST_HANAFAIL, ST_REQ_RATE, ST_REQ_RATE_MAX,
	ST_REQ_TOT, ST_CLI_ABRT, ST_SRV_ABRT, ST_COMP_IN, ST_COMP_OUT,
	ST_COMP_BYP, ST_COMP_RSP, ST_LASTSESS, ST_LAST_CHK, ST_LAST_AGT,
	ST_QTIME, ST_CTIME, ST_RTIME, ST_TTIME, ST_AGENT_STATUS, ST_AGENT_CODE,
	ST_AGENT_DURATION, ST_CHECK_DESC, ST_AGENT_DESC, ST_CHECK_RISE,
	ST_CHECK_FALL, ST_CHECK_HEALTH, ST_AGENT_RISE, ST_AGENT_FALL,
	ST_AGENT_HEALTH, ST_ADDR, ST_COOKIE, ST_MODE, ST_ALGO, ST_CONN_RATE,
	ST_CONN_RATE_MAX, ST_CONN_TOT, ST_INTERCEPTED, ST_DCON, ST_DSES,
	ST_WREW, ST_CONNECT, ST_REUSE, ST_CACHE_LOOKUPS, ST_CACHE_HITS,
	ST_SRV_ICUR, ST_SRC_ILIM, ST_QTIME_MAX, ST_CTIME_MAX, ST_RTIME_MAX,
	ST_TTIME_MAX, ST_EINT, ST_IDLE_CONN_CUR, ST_SAFE_CONN_CUR,
	ST_USED_CONN_CUR, ST_NEED_CONN_EST, ST_UWEIGHT, ST_AGG_SERVER_STATUS,
	ST_AGG_SERVER_CHECK_STATUS, ST_AGG_CHECK_STATUS,
	ST_SEP,			/* "-": generic columns end, module columns follow */
	ST_SSL_SESS, ST_SSL_REUSED_SESS, ST_SSL_FAILED_HANDSHAKE,
	ST_H2_HEADERS_RCVD, ST_H2_DATA_RCVD, ST_H2_SETTINGS_RCVD,
	ST_H2_RST_STREAM_RCVD, ST_H2_GOAWAY_RCVD,
	ST_H2_DETECTED_CONN_PROTOCOL_ERRORS, ST_H2_DETECTED_STRM_PROTOCOL_ERRORS,
	ST_H2_RST_STREAM_RESP, ST_H2_GOAWAY_RESP, ST_H2_OPEN_CONNECTIONS,
	ST_H2_BACKEND_OPEN_STREAMS, ST_H2_TOTAL_CONNECTIONS,
	ST_H2_BACKEND_TOTAL_STREAMS, ST_H1_OPEN_CONNECTIONS, ST_H1_OPEN_STREAMS,
	ST_H1_TOTAL_CONNECTIONS, ST_H1_TOTAL_STREAMS, ST_H1_BYTES_IN,
	ST_H1_BYTES_OUT, ST_H1_SPLICED_BYTES_IN, ST_H1_SPLICED_BYTES_OUT,
	ST_COUNT
};

enum ff_type { FF_EMPTY, FF_STR, FF_U32, FF_S32, FF_U64 };

struct field {
	enum ff_type type;
	union {
		const char *str;
		uint32_t u32;
		int32_t s32;
		uint64_t u64;
	} u;
};

/* Object types, HAProxy's "show stat" type filter bits. */
enum { STATS_TYPE_FE = 0, STATS_TYPE_BE = 1, STATS_TYPE_SV = 2 };

/* One row, with room for the strings it points to. */
struct stats_row {
	int type;			/* STATS_TYPE_* */
	uint32_t iid, sid;
	struct field f[ST_COUNT];
	char status[32], addr[64], chk_status[16], chk_desc[64], last_chk[160];
	char agt_status[16], agt_desc[64], last_agt[160];
};

struct stat_col {
	const char *name;
	const char *tags;		/* origin, nature, scope: "MCP" */
};
extern const struct stat_col stat_cols[ST_COUNT];

/* Fill a row for a frontend, a backend or a server. */
void stats_fill_fe(struct proxy *px, struct stats_row *r);
void stats_fill_be(struct proxy *px, struct stats_row *r);
void stats_fill_sv(struct server *sv, struct stats_row *r);

/* Output formats. */
enum { STATS_FMT_CSV, STATS_FMT_TYPED, STATS_FMT_JSON };

/* What "show stat" selects. */
struct stats_filter {
	int32_t iid;			/* -1: every proxy */
	unsigned types;			/* 1 FE, 2 BE, 4 SV */
	int32_t sid;			/* -1: every server */
	int up_only, no_maint;		/* "up", "no-maint" */
};

/* The whole "show stat" (header included for CSV). 0, -1 on ENOMEM. */
int stats_dump(struct sbuf *out, int fmt, const struct stats_filter *flt);

/* The CSV header line ("# pxname,svname,...,\n"). */
int stats_csv_header(struct sbuf *out);

enum {
	INF_NAME, INF_VERSION, INF_RELEASE_DATE, INF_NBTHREAD, INF_NBPROC,
	INF_PROCESS_NUM, INF_PID, INF_UPTIME, INF_UPTIME_SEC, INF_MEMMAX_MB,
	INF_POOL_ALLOC_MB, INF_POOL_USED_MB, INF_POOL_FAILED, INF_ULIMIT_N,
	INF_MAXSOCK, INF_MAXCONN, INF_HARD_MAXCONN, INF_CURR_CONN, INF_CUM_CONN,
	INF_CUM_REQ, INF_MAX_SSL_CONNS, INF_CURR_SSL_CONNS, INF_CUM_SSL_CONNS,
	INF_MAXPIPES, INF_PIPES_USED, INF_PIPES_FREE, INF_CONN_RATE,
	INF_CONN_RATE_LIMIT, INF_MAX_CONN_RATE, INF_SESS_RATE,
	INF_SESS_RATE_LIMIT, INF_MAX_SESS_RATE, INF_SSL_RATE, INF_SSL_RATE_LIMIT,
	INF_MAX_SSL_RATE, INF_SSL_FRONTEND_KEY_RATE, INF_SSL_FRONTEND_MAX_KEY_RATE,
	INF_SSL_FRONTEND_SESSION_REUSE_PCT, INF_SSL_BACKEND_KEY_RATE,
	INF_SSL_BACKEND_MAX_KEY_RATE, INF_SSL_CACHE_LOOKUPS, INF_SSL_CACHE_MISSES,
	INF_COMPRESS_BPS_IN, INF_COMPRESS_BPS_OUT, INF_COMPRESS_BPS_RATE_LIM,
	INF_ZLIB_MEM_USAGE, INF_MAX_ZLIB_MEM_USAGE, INF_TASKS, INF_RUN_QUEUE,
	INF_IDLE_PCT, INF_NODE, INF_DESCRIPTION, INF_STOPPING, INF_JOBS,
	INF_UNSTOPPABLE_JOBS, INF_LISTENERS, INF_ACTIVE_PEERS,
	INF_CONNECTED_PEERS, INF_DROPPED_LOGS, INF_BUSY_POLLING,
	INF_FAILED_RESOLUTIONS, INF_TOTAL_BYTES_OUT, INF_TOTAL_SPLICED_BYTES_OUT,
	INF_BYTES_OUT_RATE, INF_DEBUG_COMMANDS_ISSUED, INF_CUM_LOG_MSGS,
	INF_BUILD_INFO, INF_MEMMAX_BYTES, INF_POOL_ALLOC_BYTES,
	INF_POOL_USED_BYTES, INF_START_TIME_SEC, INF_TAINTED, INF_COUNT
};

struct info_field {
	const char *name;
	const char *tags;
	enum ff_type type;
};
extern const struct info_field info_fields[INF_COUNT];

struct stats_info {
	struct field f[INF_COUNT];
	char uptime[64], node[256];
};

/* The "show info" values. */
void stats_info_fill(struct stats_info *si);

/* "show info" [typed|json]. */
int stats_info(struct sbuf *out, int fmt);

/* Raise the recorded maximum rates (called every 100 ms on worker 0). */
void stats_sample_rates(void);

/* The server status word "show stat" prints: UP, DOWN, "UP 1/3", MAINT,
 * DRAIN, "no check"... */
const char *stats_srv_status(const struct server *sv, char *buf, size_t len);

#endif
