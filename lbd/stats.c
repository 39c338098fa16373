/*
 * stats.c - "show stat" and "show info" (see stats.h). Each row is filled
 * as a vector of typed fields, empty where HAProxy leaves the cell empty
 * for that object type, then rendered as CSV, typed lines or JSON.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "lb.h"
#include "proxy.h"
#include "sbuf.h"
#include "server.h"
#include "stats.h"
#include "version.h"
#include "worker.h"
#include "tls.h"

/* Column names and HAProxy's tags (origin, nature, scope). */
const struct stat_col stat_cols[ST_COUNT] = {
	{ "pxname", "KNS" },
	{ "svname", "KNS" },
	{ "qcur", "MGP" },
	{ "qmax", "MMP" },
	{ "scur", "MGP" },
	{ "smax", "MMP" },
	{ "slim", "CLP" },
	{ "stot", "MCP" },
	{ "bin", "MCP" },
	{ "bout", "MCP" },
	{ "dreq", "MCP" },
	{ "dresp", "MCP" },
	{ "ereq", "MCP" },
	{ "econ", "MCP" },
	{ "eresp", "MCP" },
	{ "wretr", "MCP" },
	{ "wredis", "MCP" },
	{ "status", "SGP" },
	{ "weight", "MaP" },
	{ "act", "MGP" },
	{ "bck", "MGP" },
	{ "chkfail", "MCP" },
	{ "chkdown", "MCP" },
	{ "lastchg", "MAP" },
	{ "downtime", "MCP" },
	{ "qlimit", "CLP" },
	{ "pid", "KGP" },
	{ "iid", "KGS" },
	{ "sid", "KGS" },
	{ "throttle", "MOP" },
	{ "lbtot", "MCP" },
	{ "tracked", "COS" },
	{ "type", "CGS" },
	{ "rate", "MRP" },
	{ "rate_lim", "CLP" },
	{ "rate_max", "MMP" },
	{ "check_status", "MOP" },
	{ "check_code", "MOP" },
	{ "check_duration", "MDP" },
	{ "hrsp_1xx", "MCP" },
	{ "hrsp_2xx", "MCP" },
	{ "hrsp_3xx", "MCP" },
	{ "hrsp_4xx", "MCP" },
	{ "hrsp_5xx", "MCP" },
	{ "hrsp_other", "MCP" },
	{ "hanafail", "MCP" },
	{ "req_rate", "MRP" },
	{ "req_rate_max", "MMP" },
	{ "req_tot", "MCP" },
	{ "cli_abrt", "MCP" },
	{ "srv_abrt", "MCP" },
	{ "comp_in", "MCP" },
	{ "comp_out", "MCP" },
	{ "comp_byp", "MCP" },
	{ "comp_rsp", "MCP" },
	{ "lastsess", "MAP" },
	{ "last_chk", "MOP" },
	{ "last_agt", "MOP" },
	{ "qtime", "MaP" },
	{ "ctime", "MaP" },
	{ "rtime", "MaP" },
	{ "ttime", "MaP" },
	{ "agent_status", "MOP" },
	{ "agent_code", "MOP" },
	{ "agent_duration", "MDP" },
	{ "check_desc", "MOP" },
	{ "agent_desc", "MOP" },
	{ "check_rise", "CGS" },
	{ "check_fall", "CGS" },
	{ "check_health", "CGS" },
	{ "agent_rise", "CGS" },
	{ "agent_fall", "CGS" },
	{ "agent_health", "CGS" },
	{ "addr", "CGS" },
	{ "cookie", "CGS" },
	{ "mode", "CGS" },
	{ "algo", "CGS" },
	{ "conn_rate", "MRP" },
	{ "conn_rate_max", "MMP" },
	{ "conn_tot", "MCP" },
	{ "intercepted", "MCP" },
	{ "dcon", "MCP" },
	{ "dses", "MCP" },
	{ "wrew", "MCP" },
	{ "connect", "MCP" },
	{ "reuse", "MCP" },
	{ "cache_lookups", "MCP" },
	{ "cache_hits", "MCP" },
	{ "srv_icur", "MGP" },
	{ "src_ilim", "MGP" },
	{ "qtime_max", "MMP" },
	{ "ctime_max", "MMP" },
	{ "rtime_max", "MMP" },
	{ "ttime_max", "MMP" },
	{ "eint", "MCP" },
	{ "idle_conn_cur", "MGP" },
	{ "safe_conn_cur", "MGP" },
	{ "used_conn_cur", "MGP" },
	{ "need_conn_est", "MGP" },
	{ "uweight", "MaP" },
	{ "agg_server_status", "MGP" },
	{ "agg_server_check_status", "MGP" },
	{ "agg_check_status", "MGP" },
	{ "-", "---" },
	{ "ssl_sess", "MCP" },
	{ "ssl_reused_sess", "MCP" },
	{ "ssl_failed_handshake", "MCP" },
	{ "h2_headers_rcvd", "MCP" },
	{ "h2_data_rcvd", "MCP" },
	{ "h2_settings_rcvd", "MCP" },
	{ "h2_rst_stream_rcvd", "MCP" },
	{ "h2_goaway_rcvd", "MCP" },
	{ "h2_detected_conn_protocol_errors", "MCP" },
	{ "h2_detected_strm_protocol_errors", "MCP" },
	{ "h2_rst_stream_resp", "MCP" },
	{ "h2_goaway_resp", "MCP" },
	{ "h2_open_connections", "MGP" },
	{ "h2_backend_open_streams", "MGP" },
	{ "h2_total_connections", "MCP" },
	{ "h2_backend_total_streams", "MCP" },
	{ "h1_open_connections", "MGP" },
	{ "h1_open_streams", "MGP" },
	{ "h1_total_connections", "MCP" },
	{ "h1_total_streams", "MCP" },
	{ "h1_bytes_in", "MCP" },
	{ "h1_bytes_out", "MCP" },
	{ "h1_spliced_bytes_in", "MCP" },
	{ "h1_spliced_bytes_out", "MCP" },
};

static void f_str(struct field *f, const char *s)
{
	f->type = FF_STR;
	f->u.str = s;
}

static void f_u32(struct field *f, uint32_t v)
{
	f->type = FF_U32;
	f->u.u32 = v;
}

static void f_s32(struct field *f, int32_t v)
{
	f->type = FF_S32;
	f->u.s32 = v;
}

static void f_u64(struct field *f, uint64_t v)
{
	f->type = FF_U64;
	f->u.u64 = v;
}

static unsigned nthr(void)
{
	return lbd.conf->global.nbthread ? lbd.conf->global.nbthread : 1;
}

#define SUM(arr, field)	CNT_SUM((arr), nthr(), field)
#define RATE(arr, field) CNT_RATE_GET((arr), nthr(), field)

/* The module columns (TLS, HTTP/2, HTTP/1 connection counters) that
 * HAProxy fills for the object type: zero here until those layers exist. */
static void stats_modules(struct stats_row *r)
{
	for (int i = ST_SSL_SESS; i < ST_COUNT; i++)
		if (r->type != STATS_TYPE_SV || i <= ST_SSL_FAILED_HANDSHAKE)
			f_u64(&r->f[i], 0);
}

static void stats_hrsp(struct stats_row *r, const struct pr_counters *c)
{
	f_u64(&r->f[ST_HRSP_1XX], CNT_SUM(c, nthr(), http_rsp[1]));
	f_u64(&r->f[ST_HRSP_2XX], CNT_SUM(c, nthr(), http_rsp[2]));
	f_u64(&r->f[ST_HRSP_3XX], CNT_SUM(c, nthr(), http_rsp[3]));
	f_u64(&r->f[ST_HRSP_4XX], CNT_SUM(c, nthr(), http_rsp[4]));
	f_u64(&r->f[ST_HRSP_5XX], CNT_SUM(c, nthr(), http_rsp[5]));
	f_u64(&r->f[ST_HRSP_OTHER], CNT_SUM(c, nthr(), http_rsp[0]));
}

static void stats_times(struct stats_row *r, const struct pr_counters *c)
{
	f_u32(&r->f[ST_QTIME], cnt_time_avg(c, nthr(), CNT_T_QUEUE));
	f_u32(&r->f[ST_CTIME], cnt_time_avg(c, nthr(), CNT_T_CONNECT));
	f_u32(&r->f[ST_RTIME], cnt_time_avg(c, nthr(), CNT_T_RESPONSE));
	f_u32(&r->f[ST_TTIME], cnt_time_avg(c, nthr(), CNT_T_TOTAL));
	f_u32(&r->f[ST_QTIME_MAX], cnt_time_max(c, nthr(), CNT_T_QUEUE));
	f_u32(&r->f[ST_CTIME_MAX], cnt_time_max(c, nthr(), CNT_T_CONNECT));
	f_u32(&r->f[ST_RTIME_MAX], cnt_time_max(c, nthr(), CNT_T_RESPONSE));
	f_u32(&r->f[ST_TTIME_MAX], cnt_time_max(c, nthr(), CNT_T_TOTAL));
}

static int32_t since(unsigned long long t)
{
	unsigned long long now = (unsigned long long)time(NULL);

	if (!t)
		return -1;
	return now > t ? (int32_t)(now - t) : 0;
}

static uint32_t age(uint64_t t)
{
	uint64_t now = (uint64_t)time(NULL);

	if (!t)
		t = (uint64_t)lbd.start_time;
	return now > t ? (uint32_t)(now - t) : 0;
}

static void stats_row_init(struct stats_row *r, int type, const char *px,
			   const char *sv, uint32_t iid, uint32_t sid)
{
	memset(r->f, 0, sizeof(r->f));
	r->type = type;
	r->iid = iid;
	r->sid = sid;
	f_str(&r->f[ST_PXNAME], px);
	f_str(&r->f[ST_SVNAME], sv);
	f_u32(&r->f[ST_PID], 1);
	f_u32(&r->f[ST_IID], iid);
	f_u32(&r->f[ST_SID], sid);
	f_u32(&r->f[ST_TYPE], (uint32_t)type);
	f_str(&r->f[ST_SEP], "-");
}

void stats_fill_fe(struct proxy *px, struct stats_row *r)
{
	const struct pr_counters *c = px->fe_cnt;
	unsigned maxconn = px->maxconn ? px->maxconn : lbd.conf->global.maxconn;
	unsigned cur = atomic_load(&px->feconn);
	int http = px->mode == PR_MODE_HTTP;

	stats_row_init(r, STATS_TYPE_FE, px->id, "FRONTEND", px->uuid, 0);
	f_u32(&r->f[ST_SCUR], cur);
	f_u32(&r->f[ST_SMAX], atomic_load(&px->fe_max));
	f_u32(&r->f[ST_SLIM], maxconn);
	f_u64(&r->f[ST_STOT], SUM(c, cum_sess));
	f_u64(&r->f[ST_BIN], SUM(c, bytes_in));
	f_u64(&r->f[ST_BOUT], SUM(c, bytes_out));
	f_u64(&r->f[ST_DREQ], SUM(c, denied_req));
	f_u64(&r->f[ST_DRESP], SUM(c, denied_resp));
	f_u64(&r->f[ST_EREQ], SUM(c, failed_req));
	f_str(&r->f[ST_STATUS], px->disabled ? "STOP" : px->paused ? "PAUSED" :
	      (maxconn && cur >= maxconn) ? "FULL" : "OPEN");
	f_u32(&r->f[ST_RATE], RATE(c, sess_rate));
	f_u32(&r->f[ST_RATE_LIM], 0);
	f_u32(&r->f[ST_RATE_MAX], atomic_load(&px->rate_max[STATS_RATE_SESS]));
	if (http) {
		stats_hrsp(r, c);
		f_u64(&r->f[ST_INTERCEPTED], SUM(c, intercepted));
		f_u64(&r->f[ST_CACHE_LOOKUPS], 0);
		f_u64(&r->f[ST_CACHE_HITS], 0);
	}
	f_u32(&r->f[ST_REQ_RATE], RATE(c, req_rate));
	f_u32(&r->f[ST_REQ_RATE_MAX], atomic_load(&px->rate_max[STATS_RATE_REQ]));
	f_u64(&r->f[ST_REQ_TOT], SUM(c, cum_req));
	for (int i = ST_COMP_IN; i <= ST_COMP_RSP; i++)
		f_u64(&r->f[i], 0);
	f_str(&r->f[ST_MODE], pr_mode_names[px->mode]);
	f_u32(&r->f[ST_CONN_RATE], RATE(c, conn_rate));
	f_u32(&r->f[ST_CONN_RATE_MAX], atomic_load(&px->rate_max[STATS_RATE_CONN]));
	f_u64(&r->f[ST_CONN_TOT], SUM(c, cum_conn));
	f_u64(&r->f[ST_DCON], SUM(c, denied_conn));
	f_u64(&r->f[ST_DSES], SUM(c, denied_sess));
	f_u64(&r->f[ST_WREW], SUM(c, failed_rewrites));
	f_u64(&r->f[ST_EINT], SUM(c, internal_errors));
	stats_modules(r);
}

/* HAProxy's aggregated server statuses of a backend (agg_*): the count of
 * servers in the worst state would need per-state lists; like HAProxy's
 * first version it reports 0. */
void stats_fill_be(struct proxy *px, struct stats_row *r)
{
	const struct pr_counters *c = px->be_cnt;
	unsigned weight = 0, uweight = 0;
	int http = px->mode == PR_MODE_HTTP;

	stats_row_init(r, STATS_TYPE_BE, px->id, "BACKEND", px->uuid, 0);
	pthread_mutex_lock(&px->lock);
	for (struct server *s = px->servers; s; s = s->next) {
		int bck = !!(s->flags & SRV_F_BACKUP);

		if (s->state != SRV_ST_UP || (px->srv_act ? bck : !bck))
			continue;
		weight += s->lb.weight;
		uweight += s->uweight;
	}
	f_u32(&r->f[ST_QCUR], px->queue.len);
	f_u32(&r->f[ST_QMAX], px->queue.max);
	f_u32(&r->f[ST_SCUR], px->beconn);
	f_u32(&r->f[ST_SMAX], px->be_max);
	f_u32(&r->f[ST_ACT], px->srv_act);
	f_u32(&r->f[ST_BCK], px->srv_bck);
	/* a backend without any server (a stats listen) is not down */
	f_str(&r->f[ST_STATUS], px->srv_act + px->srv_bck || !px->servers ? "UP" : "DOWN");
	pthread_mutex_unlock(&px->lock);
	f_u32(&r->f[ST_SLIM], px->fullconn);
	f_u64(&r->f[ST_STOT], SUM(c, cum_sess));
	f_u64(&r->f[ST_BIN], SUM(c, bytes_in));
	f_u64(&r->f[ST_BOUT], SUM(c, bytes_out));
	f_u64(&r->f[ST_DREQ], SUM(c, denied_req));
	f_u64(&r->f[ST_DRESP], SUM(c, denied_resp));
	f_u64(&r->f[ST_ECON], SUM(c, failed_conns));
	f_u64(&r->f[ST_ERESP], SUM(c, failed_resp));
	f_u64(&r->f[ST_WRETR], SUM(c, retries));
	f_u64(&r->f[ST_WREDIS], SUM(c, redispatches));
	f_u32(&r->f[ST_WEIGHT], weight);
	f_u64(&r->f[ST_CHKDOWN], atomic_load(&px->chk_down));
	f_u32(&r->f[ST_LASTCHG], age(px->last_change));
	f_u32(&r->f[ST_DOWNTIME], (uint32_t)(px->downtime +
		(px->down_since ? (uint64_t)time(NULL) - px->down_since : 0)));
	f_u64(&r->f[ST_LBTOT], SUM(c, cum_lbconn));
	f_u32(&r->f[ST_RATE], RATE(c, sess_rate));
	f_u32(&r->f[ST_RATE_MAX], atomic_load(&px->rate_max[STATS_RATE_BE_SESS]));
	if (http) {
		stats_hrsp(r, c);
		f_u64(&r->f[ST_CACHE_LOOKUPS], 0);
		f_u64(&r->f[ST_CACHE_HITS], 0);
	}
	f_u64(&r->f[ST_REQ_TOT], SUM(c, cum_req));
	f_u64(&r->f[ST_CLI_ABRT], SUM(c, cli_aborts));
	f_u64(&r->f[ST_SRV_ABRT], SUM(c, srv_aborts));
	for (int i = ST_COMP_IN; i <= ST_COMP_RSP; i++)
		f_u64(&r->f[i], 0);
	f_s32(&r->f[ST_LASTSESS], since(cnt_last(c, nthr())));
	stats_times(r, c);
	f_str(&r->f[ST_MODE], pr_mode_names[px->mode]);
	f_str(&r->f[ST_ALGO], lb_algo_names[px->lb.algo]);
	f_u64(&r->f[ST_WREW], SUM(c, failed_rewrites));
	f_u64(&r->f[ST_CONNECT], SUM(c, connect));
	f_u64(&r->f[ST_REUSE], SUM(c, reuse));
	f_u64(&r->f[ST_EINT], SUM(c, internal_errors));
	f_u32(&r->f[ST_UWEIGHT], uweight);
	f_u32(&r->f[ST_AGG_SERVER_STATUS], 0);
	f_u32(&r->f[ST_AGG_SERVER_CHECK_STATUS], 0);
	f_u32(&r->f[ST_AGG_CHECK_STATUS], 0);
	stats_modules(r);
}

const char *stats_srv_status(const struct server *sv, char *buf, size_t len)
{
	struct check_view v;
	int has = check_view(sv, 0, &v) && v.enabled;

	switch (sv->state) {
	case SRV_ST_MAINT:
		snprintf(buf, len, "MAINT");
		break;
	case SRV_ST_DRAIN:
		snprintf(buf, len, "DRAIN");
		break;
	case SRV_ST_DOWN:
		if (has && v.succ)
			snprintf(buf, len, "DOWN %u/%u", v.succ, v.rise);
		else
			snprintf(buf, len, "DOWN");
		break;
	default:
		if (!has && !sv->agent)
			snprintf(buf, len, "no check");
		else if (has && v.fail)
			snprintf(buf, len, "UP %u/%u", v.fall - v.fail, v.fall);
		else
			snprintf(buf, len, "UP");
	}
	return buf;
}

static void stats_addr(const struct server *sv, char *out, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned port = sockaddr_ip_port((const struct sockaddr *)&sv->addr, ip, sizeof(ip));

	snprintf(out, len, sv->addr.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
}

static void stats_check(struct stats_row *r, const struct server *sv, int agent)
{
	struct check_view v;
	char *st = agent ? r->agt_status : r->chk_status;
	char *desc = agent ? r->agt_desc : r->chk_desc;
	char *last = agent ? r->last_agt : r->last_chk;

	if (!check_view(sv, agent, &v) || !v.enabled)
		return;
	snprintf(st, sizeof(r->chk_status), "%s%s", v.running ? "* " : "",
		 v.ran ? chk_status_names[v.status] : "INI");
	snprintf(desc, sizeof(r->chk_desc), "%s", v.ran ? chk_status_desc[v.status] :
		 "Initializing");
	snprintf(last, sizeof(r->last_chk), "%s", v.info ? v.info : "");
	if (agent) {
		f_str(&r->f[ST_AGENT_STATUS], st);
		if (v.code)
			f_u32(&r->f[ST_AGENT_CODE], (uint32_t)v.code);
		if (v.duration >= 0)
			f_u64(&r->f[ST_AGENT_DURATION], (uint64_t)v.duration);
		f_str(&r->f[ST_AGENT_DESC], desc);
		f_str(&r->f[ST_LAST_AGT], last);
		f_u32(&r->f[ST_AGENT_RISE], v.rise);
		f_u32(&r->f[ST_AGENT_FALL], v.fall);
		f_u32(&r->f[ST_AGENT_HEALTH], v.health);
		return;
	}
	f_str(&r->f[ST_CHECK_STATUS], st);
	if (v.code)
		f_u32(&r->f[ST_CHECK_CODE], (uint32_t)v.code);
	if (v.duration >= 0)
		f_u64(&r->f[ST_CHECK_DURATION], (uint64_t)v.duration);
	f_str(&r->f[ST_CHECK_DESC], desc);
	f_str(&r->f[ST_LAST_CHK], last);
	f_u32(&r->f[ST_CHECK_RISE], v.rise);
	f_u32(&r->f[ST_CHECK_FALL], v.fall);
	f_u32(&r->f[ST_CHECK_HEALTH], v.health);
	f_u64(&r->f[ST_CHKFAIL], atomic_load(&sv->chk_fail));
	f_u64(&r->f[ST_CHKDOWN], atomic_load(&sv->chk_down));
	f_u32(&r->f[ST_DOWNTIME], (uint32_t)srv_downtime(sv));
}

void stats_fill_sv(struct server *sv, struct stats_row *r)
{
	struct proxy *be = sv->be;
	const struct pr_counters *c = sv->cnt;
	int bck = !!(sv->flags & SRV_F_BACKUP);
	unsigned idle = 0;

	stats_row_init(r, STATS_TYPE_SV, be->id, sv->id, be->uuid, sv->puid);
	pthread_mutex_lock(&be->lock);
	f_u32(&r->f[ST_QCUR], sv->queue.len);
	f_u32(&r->f[ST_QMAX], sv->queue.max);
	f_u32(&r->f[ST_SCUR], sv->cur_sess);
	f_u32(&r->f[ST_SMAX], sv->max_sess);
	if (sv->maxconn)
		f_u32(&r->f[ST_SLIM], sv->maxconn);
	f_u32(&r->f[ST_WEIGHT], sv->uweight);
	f_u32(&r->f[ST_UWEIGHT], sv->uweight);
	pthread_mutex_unlock(&be->lock);
	f_u64(&r->f[ST_STOT], SUM(c, cum_sess));
	f_u64(&r->f[ST_BIN], SUM(c, bytes_in));
	f_u64(&r->f[ST_BOUT], SUM(c, bytes_out));
	f_u64(&r->f[ST_DRESP], SUM(c, denied_resp));
	f_u64(&r->f[ST_ECON], SUM(c, failed_conns));
	f_u64(&r->f[ST_ERESP], SUM(c, failed_resp));
	f_u64(&r->f[ST_WRETR], SUM(c, retries));
	f_u64(&r->f[ST_WREDIS], SUM(c, redispatches));
	f_str(&r->f[ST_STATUS], stats_srv_status(sv, r->status, sizeof(r->status)));
	f_u32(&r->f[ST_ACT], !bck);
	f_u32(&r->f[ST_BCK], bck);
	f_u32(&r->f[ST_LASTCHG], age(sv->last_change));
	if (sv->maxqueue)
		f_u32(&r->f[ST_QLIMIT], sv->maxqueue);
	if (sv->ss_pct < 100)		/* slow start in progress */
		f_u32(&r->f[ST_THROTTLE], sv->ss_pct);
	f_u64(&r->f[ST_LBTOT], SUM(c, cum_lbconn));
	f_u32(&r->f[ST_RATE], RATE(c, sess_rate));
	f_u32(&r->f[ST_RATE_MAX], atomic_load(&sv->rate_max));
	stats_check(r, sv, 0);
	stats_check(r, sv, 1);
	if (be->mode == PR_MODE_HTTP)
		stats_hrsp(r, c);
	f_u64(&r->f[ST_REQ_TOT], SUM(c, cum_req));
	f_u64(&r->f[ST_CLI_ABRT], SUM(c, cli_aborts));
	f_u64(&r->f[ST_SRV_ABRT], SUM(c, srv_aborts));
	f_s32(&r->f[ST_LASTSESS], since(cnt_last(c, nthr())));
	stats_times(r, c);
	stats_addr(sv, r->addr, sizeof(r->addr));
	f_str(&r->f[ST_ADDR], r->addr);
	f_str(&r->f[ST_MODE], pr_mode_names[be->mode]);
	f_u64(&r->f[ST_WREW], SUM(c, failed_rewrites));
	f_u64(&r->f[ST_CONNECT], SUM(c, connect));
	f_u64(&r->f[ST_REUSE], SUM(c, reuse));
	f_u32(&r->f[ST_SRV_ICUR], atomic_load(&sv->idle_count));
	f_u64(&r->f[ST_EINT], SUM(c, internal_errors));
	idle = atomic_load(&sv->idle_count);
	f_u32(&r->f[ST_IDLE_CONN_CUR], idle);
	f_u32(&r->f[ST_SAFE_CONN_CUR], 0);
	f_u32(&r->f[ST_USED_CONN_CUR], sv->cur_sess);
	f_u32(&r->f[ST_NEED_CONN_EST], sv->cur_sess);
	stats_modules(r);
}

/* ---- rendering ---- */

static void csv_str(struct sbuf *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		sbuf_puts(out, s);
		return;
	}
	sbuf_add(out, "\"", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			sbuf_add(out, "\"", 1);
		sbuf_add(out, p, 1);
	}
	sbuf_add(out, "\"", 1);
}

static void field_value(struct sbuf *out, const struct field *f, int json)
{
	switch (f->type) {
	case FF_EMPTY:
		break;
	case FF_STR:
		if (json) {
			sbuf_add(out, "\"", 1);
			for (const char *p = f->u.str; *p; p++) {
				if (*p == '"' || *p == '\\')
					sbuf_add(out, "\\", 1);
				if ((unsigned char)*p < 0x20)
					sbuf_printf(out, "\\u%04x", (unsigned char)*p);
				else
					sbuf_add(out, p, 1);
			}
			sbuf_add(out, "\"", 1);
		} else {
			csv_str(out, f->u.str);
		}
		break;
	case FF_U32:
		sbuf_printf(out, "%u", f->u.u32);
		break;
	case FF_S32:
		sbuf_printf(out, "%d", f->u.s32);
		break;
	case FF_U64:
		sbuf_printf(out, "%llu", (unsigned long long)f->u.u64);
		break;
	}
}

static const char *const ff_type_names[] = { "", "str", "u32", "s32", "u64" };

int stats_csv_header(struct sbuf *out)
{
	sbuf_puts(out, "# ");
	for (int i = 0; i < ST_COUNT; i++) {
		sbuf_puts(out, stat_cols[i].name);
		sbuf_add(out, ",", 1);
	}
	sbuf_add(out, "\n", 1);
	return out->err ? -1 : 0;
}

/* typed and JSON number the module columns without the "-" one */
static unsigned col_pos(int i)
{
	return i > ST_SEP ? (unsigned)i - 1 : (unsigned)i;
}

static const char *tag_word(char c, int which)
{
	switch (which) {
	case 0:
		return c == 'K' ? "Key" : c == 'C' ? "Config" : c == 'P' ? "Product" :
		       c == 'S' ? "Status" : "Metric";
	case 1:
		return c == 'N' ? "Name" : c == 'G' ? "Gauge" : c == 'C' ? "Counter" :
		       c == 'L' ? "Limit" : c == 'R' ? "Rate" : c == 'M' ? "Max" :
		       c == 'A' ? "Age" : c == 'a' ? "Avg" : c == 'D' ? "Duration" :
		       c == 'T' ? "Time" : "Output";
	default:
		return c == 'S' ? "Service" : c == 'P' ? "Process" : "Cluster";
	}
}

static const char *const obj_letter = "FBS";
static const char *const obj_json[] = { "Frontend", "Backend", "Server" };

static void stats_row_out(struct sbuf *out, const struct stats_row *r, int fmt,
			  int *first_row)
{
	int first = 1;

	switch (fmt) {
	case STATS_FMT_CSV:
		for (int i = 0; i < ST_COUNT; i++) {
			field_value(out, &r->f[i], 0);
			sbuf_add(out, ",", 1);
		}
		sbuf_add(out, "\n", 1);
		return;
	case STATS_FMT_TYPED:
		for (int i = 0; i < ST_COUNT; i++) {
			const struct field *f = &r->f[i];

			if (f->type == FF_EMPTY || i == ST_SEP)
				continue;
			sbuf_printf(out, "%c.%u.%u.%u.%s.1:%s:%s:", obj_letter[r->type],
				    r->iid, r->sid, col_pos(i), stat_cols[i].name,
				    stat_cols[i].tags, ff_type_names[f->type]);
			if (f->type == FF_STR)
				sbuf_puts(out, f->u.str);
			else
				field_value(out, f, 0);
			sbuf_add(out, "\n", 1);
		}
		return;
	default:
		sbuf_puts(out, *first_row ? "[" : ",[");
		*first_row = 0;
		for (int i = 0; i < ST_COUNT; i++) {
			const struct field *f = &r->f[i];
			const char *t = stat_cols[i].tags;

			if (f->type == FF_EMPTY || i == ST_SEP)
				continue;
			sbuf_printf(out, "%s{\"objType\":\"%s\",\"proxyId\":%u,\"id\":%u,"
				    "\"field\":{\"pos\":%u,\"name\":\"%s\"},\"processNum\":1,"
				    "\"tags\":{\"origin\":\"%s\",\"nature\":\"%s\",\"scope\":\"%s\"},"
				    "\"value\":{\"type\":\"%s\",\"value\":", first ? "" : ",",
				    obj_json[r->type], r->iid, r->sid, col_pos(i),
				    stat_cols[i].name, tag_word(t[0], 0), tag_word(t[1], 1),
				    tag_word(t[2], 2), ff_type_names[f->type]);
			field_value(out, f, 1);
			sbuf_puts(out, "}}");
			first = 0;
		}
		sbuf_puts(out, "]");
	}
}

static int stats_srv_selected(const struct server *sv, const struct stats_filter *flt)
{
	if (flt->sid >= 0 && (uint32_t)flt->sid != sv->puid)
		return 0;
	if (flt->no_maint && sv->state == SRV_ST_MAINT)
		return 0;
	if (flt->up_only && sv->state != SRV_ST_UP)
		return 0;
	return 1;
}

int stats_dump(struct sbuf *out, int fmt, const struct stats_filter *flt)
{
	struct stats_row *r = malloc(sizeof(*r));
	int first_row = 1;

	if (!r)
		return -1;
	if (fmt == STATS_FMT_CSV)
		stats_csv_header(out);
	else if (fmt == STATS_FMT_JSON)
		sbuf_puts(out, "[");
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (flt->iid >= 0 && (uint32_t)flt->iid != px->uuid)
			continue;
		if ((px->cap & PR_CAP_FE) && (flt->types & 1)) {
			stats_fill_fe(px, r);
			stats_row_out(out, r, fmt, &first_row);
		}
		if (!(px->cap & PR_CAP_BE))
			continue;
		if (flt->types & 4)
			for (struct server *sv = px->servers; sv; sv = sv->next) {
				if (!stats_srv_selected(sv, flt))
					continue;
				stats_fill_sv(sv, r);
				stats_row_out(out, r, fmt, &first_row);
			}
		if (flt->types & 2) {
			stats_fill_be(px, r);
			stats_row_out(out, r, fmt, &first_row);
		}
	}
	if (fmt == STATS_FMT_JSON)
		sbuf_puts(out, "]\n");
	free(r);
	return out->err ? -1 : 0;
}

void stats_sample_rates(void)
{
	unsigned n = nthr(), conn = 0;

	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (px->fe_cnt) {
			cnt_max(&px->rate_max[STATS_RATE_SESS], RATE(px->fe_cnt, sess_rate));
			cnt_max(&px->rate_max[STATS_RATE_CONN], RATE(px->fe_cnt, conn_rate));
			cnt_max(&px->rate_max[STATS_RATE_REQ], RATE(px->fe_cnt, req_rate));
			if (px->cap & PR_CAP_FE)
				conn += RATE(px->fe_cnt, conn_rate);
		}
		if (!(px->cap & PR_CAP_BE))
			continue;
		if (px->be_cnt)
			cnt_max(&px->rate_max[STATS_RATE_BE_SESS], RATE(px->be_cnt, sess_rate));
		for (struct server *sv = px->servers; sv; sv = sv->next)
			if (sv->cnt)
				cnt_max(&sv->rate_max, CNT_RATE_GET(sv->cnt, n, sess_rate));
	}
	cnt_max(&lbd.max_conn_rate, conn);
}

/* ---- show info ---- */


const struct info_field info_fields[INF_COUNT] = {
	{ "Name", "POS", FF_STR }, { "Version", "POS", FF_STR },
	{ "Release_date", "POS", FF_STR }, { "Nbthread", "CGS", FF_U32 },
	{ "Nbproc", "CGS", FF_U32 }, { "Process_num", "KGP", FF_U32 },
	{ "Pid", "SGP", FF_U32 }, { "Uptime", "MDP", FF_STR },
	{ "Uptime_sec", "MDP", FF_U32 }, { "Memmax_MB", "CLP", FF_U32 },
	{ "PoolAlloc_MB", "MGP", FF_U32 }, { "PoolUsed_MB", "MGP", FF_U32 },
	{ "PoolFailed", "MCP", FF_U32 }, { "Ulimit-n", "CLP", FF_U32 },
	{ "Maxsock", "CLP", FF_U32 }, { "Maxconn", "CLP", FF_U32 },
	{ "Hard_maxconn", "CLP", FF_U32 }, { "CurrConns", "MGP", FF_U32 },
	{ "CumConns", "MCP", FF_U32 }, { "CumReq", "MCP", FF_U32 },
	{ "MaxSslConns", "MMP", FF_U32 }, { "CurrSslConns", "MGP", FF_U32 },
	{ "CumSslConns", "MCP", FF_U32 }, { "Maxpipes", "CLP", FF_U32 },
	{ "PipesUsed", "MGP", FF_U32 }, { "PipesFree", "MGP", FF_U32 },
	{ "ConnRate", "MRP", FF_U32 }, { "ConnRateLimit", "CLP", FF_U32 },
	{ "MaxConnRate", "MMP", FF_U32 }, { "SessRate", "MRP", FF_U32 },
	{ "SessRateLimit", "CLP", FF_U32 }, { "MaxSessRate", "MRP", FF_U32 },
	{ "SslRate", "MRP", FF_U32 }, { "SslRateLimit", "CLP", FF_U32 },
	{ "MaxSslRate", "MMP", FF_U32 }, { "SslFrontendKeyRate", "MGP", FF_U32 },
	{ "SslFrontendMaxKeyRate", "MMP", FF_U32 },
	{ "SslFrontendSessionReuse_pct", "MGP", FF_U32 },
	{ "SslBackendKeyRate", "MRP", FF_U32 },
	{ "SslBackendMaxKeyRate", "MMP", FF_U32 },
	{ "SslCacheLookups", "MCP", FF_U32 }, { "SslCacheMisses", "MCP", FF_U32 },
	{ "CompressBpsIn", "MRP", FF_U32 }, { "CompressBpsOut", "MRP", FF_U32 },
	{ "CompressBpsRateLim", "CLP", FF_U32 }, { "ZlibMemUsage", "MGP", FF_U32 },
	{ "MaxZlibMemUsage", "CLP", FF_U32 }, { "Tasks", "MGP", FF_U32 },
	{ "Run_queue", "MGP", FF_U32 }, { "Idle_pct", "MaP", FF_U32 },
	{ "node", "COS", FF_STR }, { "description", "COS", FF_STR },
	{ "Stopping", "MGP", FF_U32 }, { "Jobs", "MGP", FF_U32 },
	{ "Unstoppable Jobs", "MGP", FF_U32 }, { "Listeners", "MGP", FF_U32 },
	{ "ActivePeers", "MGP", FF_U32 }, { "ConnectedPeers", "MGP", FF_U32 },
	{ "DroppedLogs", "MGP", FF_U32 }, { "BusyPolling", "MGP", FF_U32 },
	{ "FailedResolutions", "MGP", FF_U32 }, { "TotalBytesOut", "MGP", FF_U64 },
	{ "TotalSplicdedBytesOut", "MGP", FF_U64 },
	{ "BytesOutRate", "MRP", FF_U64 }, { "DebugCommandsIssued", "MGP", FF_U32 },
	{ "CumRecvLogs", "MCP", FF_U32 }, { "Build info", "POS", FF_STR },
	{ "Memmax_bytes", "CLP", FF_U32 }, { "PoolAlloc_bytes", "MGP", FF_U64 },
	{ "PoolUsed_bytes", "MGP", FF_U64 }, { "Start_time_sec", "MDP", FF_U32 },
	{ "Tainted", "SGP", FF_STR },
};

/* Log lines dropped (full or absent receivers) by every target: the
 * global ones (server events) and each proxy's. */
static void log_counts(uint64_t *dropped)
{
	const struct global *g = &lbd.conf->global;

	*dropped = 0;
	for (unsigned i = 0; i < g->nlogs; i++)
		*dropped += slog_dropped(&g->logs[i]);
	for (const struct proxy *px = lbd.conf->proxies; px; px = px->next)
		for (unsigned i = 0; i < px->nlogs; i++)
			*dropped += slog_dropped(&px->logs[i]);
}

void stats_info_fill(struct stats_info *si)
{
	struct field *f = si->f;
	char *uptime = si->uptime, *node = si->node;
	unsigned long long up = 0, cum_conn = 0, cum_req = 0, bytes_out = 0;
	uint64_t dropped;
	unsigned sess_rate = 0, conn_rate = 0, listeners = 0, n = nthr();
	struct rlimit rl = { 0, 0 };
	struct tls_totals ssl;
	double now = (double)time(NULL);

	memset(f, 0, sizeof(si->f));
	if (now > lbd.start_time)
		up = (unsigned long long)(now - lbd.start_time);
	snprintf(uptime, sizeof(si->uptime), "%llud %lluh%02llum%02llus", up / 86400,
		 up / 3600 % 24, up / 60 % 60, up % 60);
	snprintf(node, sizeof(si->node), "%s", lbd.conf->global.node ?
		 lbd.conf->global.node : lbd.hostname);
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (!(px->cap & PR_CAP_FE))
			continue;
		cum_conn += SUM(px->fe_cnt, cum_conn);
		cum_req += SUM(px->fe_cnt, cum_req);
		bytes_out += SUM(px->fe_cnt, bytes_out);
		sess_rate += RATE(px->fe_cnt, sess_rate);
		conn_rate += RATE(px->fe_cnt, conn_rate);
		for (struct bind *b = px->binds; b; b = b->next)
			listeners += b->nfd;
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	f_str(&f[INF_NAME], "lbd");
	f_str(&f[INF_VERSION], LBD_VERSION);
	f_str(&f[INF_RELEASE_DATE], LBD_RELEASE_DATE);
	f_u32(&f[INF_NBTHREAD], n);
	f_u32(&f[INF_NBPROC], 1);
	f_u32(&f[INF_PROCESS_NUM], 1);
	f_u32(&f[INF_PID], lbd.pid);
	f_str(&f[INF_UPTIME], uptime);
	f_u32(&f[INF_UPTIME_SEC], (uint32_t)up);
	for (int i = INF_MEMMAX_MB; i <= INF_POOL_FAILED; i++)
		f_u32(&f[i], 0);
	f_u32(&f[INF_ULIMIT_N], (uint32_t)rl.rlim_cur);
	f_u32(&f[INF_MAXSOCK], (uint32_t)rl.rlim_cur);
	f_u32(&f[INF_MAXCONN], lbd.conf->global.maxconn);
	f_u32(&f[INF_HARD_MAXCONN], lbd.conf->global.maxconn);
	f_u32(&f[INF_CURR_CONN], atomic_load(&lbd.actconn));
	f_u32(&f[INF_CUM_CONN], (uint32_t)cum_conn);
	f_u32(&f[INF_CUM_REQ], (uint32_t)cum_req);
	for (int i = INF_MAX_SSL_CONNS; i <= INF_COMPRESS_BPS_RATE_LIM; i++)
		f_u32(&f[i], 0);
	tls_totals(&ssl);
	f_u32(&f[INF_CURR_SSL_CONNS], (uint32_t)(ssl.cur > 0 ? ssl.cur : 0));
	f_u32(&f[INF_CUM_SSL_CONNS], (uint32_t)ssl.conns);
	f_u32(&f[INF_SSL_FRONTEND_SESSION_REUSE_PCT], ssl.fe_full + ssl.fe_resumed ?
	      (uint32_t)(ssl.fe_resumed * 100 / (ssl.fe_full + ssl.fe_resumed)) : 0);
	f_u32(&f[INF_CONN_RATE], conn_rate);
	f_u32(&f[INF_SESS_RATE], sess_rate);
	f_u32(&f[INF_MAX_CONN_RATE], atomic_load(&lbd.max_conn_rate));
	f_u32(&f[INF_MAX_SESS_RATE], atomic_load(&lbd.max_conn_rate));
	f_u32(&f[INF_TASKS], 0);
	f_u32(&f[INF_RUN_QUEUE], 0);
	f_u32(&f[INF_IDLE_PCT], 100);
	f_str(&f[INF_NODE], node);
	f_u32(&f[INF_STOPPING], atomic_load(&lbd.stopping) ? 1 : 0);
	f_u32(&f[INF_JOBS], atomic_load(&lbd.actconn) + listeners);
	f_u32(&f[INF_UNSTOPPABLE_JOBS], 0);
	f_u32(&f[INF_LISTENERS], listeners);
	for (int i = INF_ACTIVE_PEERS; i <= INF_FAILED_RESOLUTIONS; i++)
		f_u32(&f[i], 0);
	f_u64(&f[INF_TOTAL_BYTES_OUT], bytes_out);
	f_u64(&f[INF_TOTAL_SPLICED_BYTES_OUT], 0);
	f_u64(&f[INF_BYTES_OUT_RATE], 0);
	f_u32(&f[INF_DEBUG_COMMANDS_ISSUED], 0);
	log_counts(&dropped);
	f_u32(&f[INF_DROPPED_LOGS], (uint32_t)dropped);
	f_u32(&f[INF_CUM_LOG_MSGS], 0);	/* CumRecvLogs: no log-forward */
	f_str(&f[INF_BUILD_INFO], LBD_VERSION);
	f_u32(&f[INF_MEMMAX_BYTES], 0);
	f_u64(&f[INF_POOL_ALLOC_BYTES], 0);
	f_u64(&f[INF_POOL_USED_BYTES], 0);
	f_u32(&f[INF_START_TIME_SEC], (uint32_t)lbd.start_time);
	f_str(&f[INF_TAINTED], "0");
}

int stats_info(struct sbuf *out, int fmt)
{
	struct stats_info si;
	const struct field *f = si.f;

	stats_info_fill(&si);
	if (fmt == STATS_FMT_JSON)
		sbuf_puts(out, "[");
	for (int i = 0, first = 1; i < INF_COUNT; i++) {
		if (f[i].type == FF_EMPTY)
			continue;
		if (fmt == STATS_FMT_CSV) {
			sbuf_printf(out, "%s: ", info_fields[i].name);
			if (f[i].type == FF_STR)
				sbuf_puts(out, f[i].u.str);
			else
				field_value(out, &f[i], 0);
		} else if (fmt == STATS_FMT_TYPED) {
			sbuf_printf(out, "%d.%s.1:%s:%s:", i, info_fields[i].name,
				    info_fields[i].tags, ff_type_names[f[i].type]);
			if (f[i].type == FF_STR)
				sbuf_puts(out, f[i].u.str);
			else
				field_value(out, &f[i], 0);
		} else {
			const char *t = info_fields[i].tags;

			sbuf_printf(out, "%s{\"field\":{\"pos\":%d,\"name\":\"%s\"},"
				    "\"processNum\":1,\"tags\":{\"origin\":\"%s\","
				    "\"nature\":\"%s\",\"scope\":\"%s\"},\"value\":"
				    "{\"type\":\"%s\",\"value\":", first ? "" : ",", i,
				    info_fields[i].name, tag_word(t[0], 0),
				    tag_word(t[1], 1), tag_word(t[2], 2),
				    ff_type_names[f[i].type]);
			field_value(out, &f[i], 1);
			sbuf_puts(out, "}}");
			first = 0;
			continue;
		}
		sbuf_add(out, "\n", 1);
	}
	if (fmt == STATS_FMT_JSON)
		sbuf_puts(out, "]\n");
	return out->err ? -1 : 0;
}
