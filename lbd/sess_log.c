/*
 * sess_log.c - filling the log variables from a session and sending the
 * line (see sess_log.h).
 */
#include <string.h>
#include <syslog.h>

#include "logfmt.h"
#include "proxy.h"
#include "capture.h"
#include "sess_log.h"
#include "session.h"
#include "worker.h"

static long ms_between(ev_tstamp from, ev_tstamp to)
{
	if (from <= 0 || to <= 0 || to < from)
		return -1;
	return (long)((to - from) * 1000.0 + 0.5);
}

/* HAProxy's timers: Ti idle before the request, TR request head, Tw queue,
 * Tc connect, Tr response head, Ta active time, Tt total. */
void sess_log_timers(const struct session *s, struct logfmt_vars *v,
		     ev_tstamp now)
{
	ev_tstamp end = s->t->t_end > 0 ? s->t->t_end : now;
	ev_tstamp rq = s->t->t_rq_start > 0 ? s->t->t_rq_start : s->t_idle;

	v->Th = 0;
	v->Ti = ms_between(s->t_idle, rq);
	v->TR = s->t->t_req > 0 ? ms_between(rq, s->t->t_req) : -1;
	v->Tw = -1;
	if (s->t->t_conn_start > 0)
		v->Tw = s->t->t_queue > 0 ? ms_between(s->t->t_queue, s->t->t_conn_start) : 0;
	else if (s->t->t_queue > 0)
		v->Tw = ms_between(s->t->t_queue, end);	/* left the queue unserved */
	v->Tc = s->t->t_connect > 0 ? ms_between(s->t->t_conn_start, s->t->t_connect) : -1;
	v->Tr = -1;
	if (s->t->t_res > 0 && s->t->t_connect > 0)
		v->Tr = ms_between(s->t->t_connect > s->t->t_req ? s->t->t_connect : s->t->t_req, s->t->t_res);
	v->Ta = ms_between(rq, end);
	v->Tt = ms_between(s->t_idle, end);
	v->Tq = v->TR >= 0 ? v->TR + (v->Ti > 0 ? v->Ti : 0) : -1;
	v->Td = -1;
	if (v->Tr >= 0 && s->t->t_res > 0)
		v->Td = ms_between(s->t->t_res, end);
}

void sess_log_vars(const struct session *s, struct logfmt_vars *v, struct sess_log_bufs *b)
{
	const struct proxy *fe = s->fe;

	logfmt_vars_init(v);
	memcpy(&v->cli, &s->cli_addr, sizeof(s->cli_addr));
	memcpy(&v->fe, &s->fe_addr, sizeof(s->fe_addr));
	if (s->t->srv) {
		v->srv = s->t->srv->addr;
		v->has_srv = 1;
	}
	v->accept_date = tv_of(s->t_idle);
	v->request_date = s->t->t_req > 0 ? s->t->req_tv : v->accept_date;
	v->frontend = fe->id;
	v->backend = s->t->be ? s->t->be->id : fe->id;
	v->server = s->t->srv ? s->t->srv->id : s->t->srv_label ? s->t->srv_label :
		   "<NOSRV>";
	v->hostname = lbd.hostname;
	sess_log_timers(s, v, s->w ? ev_now(s->w->loop) : 0);
	v->status = s->http ? (s->t->status ? s->t->status : -1) : 0;
	/* HTTP: HAProxy's count of the response (head in its internal form,
	 * body without chunk framing, +1 for a chunked end) */
	v->bytes_out = s->t->bytes_out;
	if (s->http && s->t->res.mode != BODY_TUNNEL && !s->t->err_sent)
		v->bytes_out = s->t->log_bytes + s->t->res.payload +
			      (s->t->res.mode == BODY_CHUNKED && s->t->res.msg_done);
	else if (s->http && s->t->err_sent)
		v->bytes_out = s->t->log_bytes;
	v->bytes_in = s->t->bytes_in;
	v->term_state[0] = s->t->term[0];
	v->term_state[1] = s->t->term[1];
	v->term_state[2] = s->t->ck_req ? s->t->ck_req : '-';
	v->term_state[3] = s->t->ck_res ? s->t->ck_res : '-';
	v->term_state[4] = '\0';
	v->actconn = atomic_load(&lbd.actconn);
	v->feconn = atomic_load(&fe->feconn);
	v->beconn = s->t->be ? s->t->be->beconn : 0;
	v->srv_conn = s->t->srv ? s->t->srv->cur_sess : 0;
	v->retries = s->t->conn_retries;
	v->redispatched = s->t->redispatched;
	v->srv_queue = s->t->srv ? s->t->srv->queue.len : 0;
	v->be_queue = s->t->be ? s->t->be->queue.len : 0;
	if (s->t->reqline) {
		const char *sp1 = memchr(s->t->reqline, ' ', s->t->reqline_len);

		v->request_line = s->t->reqline;
		v->request_line_len = s->t->reqline_len;
		if (sp1) {
			const char *uri = sp1 + 1;
			const char *sp2 = memchr(uri, ' ', s->t->reqline_len - (size_t)(uri - s->t->reqline));

			v->method = s->t->reqline;
			v->method_len = (size_t)(sp1 - s->t->reqline);
			v->uri = uri;
			v->uri_len = sp2 ? (size_t)(sp2 - uri) : s->t->reqline_len - (size_t)(uri - s->t->reqline);
			v->version = sp2 ? sp2 + 1 : NULL;
		}
	}
	v->pid = lbd.pid;
	v->req_counter = s->t->uniq;
	v->unique_id = s->t->unique_id;
	v->hdrs_req = cap_log(s, 0, b->cap_req, sizeof(b->cap_req));
	v->hdrs_res = cap_log(s, 1, b->cap_res, sizeof(b->cap_res));
}

void sess_log(struct session *s)
{
	struct proxy *fe = s->fe;
	struct logfmt_vars v;
	struct sess_log_bufs bufs;
	/* "%[expr]": the heads are gone; what the session and the
	 * transaction keep remains (variables, addresses, counters) */
	struct smp_ctx sc = { .s = s, .a = &s->w->arena };
	char line[8192];
	size_t len;
	int level = LOG_INFO;

	if (!fe->nlogs || !fe->logfmt || s->t->log_level == LOG_SILENT)
		return;
	if (s->t->t_end <= 0)
		s->t->t_end = ev_now(s->w->loop);
	sess_log_vars(s, &v, &bufs);
	v.smp_ctx = &sc;
	v.smp_dash = 1;
	len = logfmt_render(fe->logfmt, &v, line, sizeof(line));
	if ((fe->options & PR_O_LOG_SEPARATE_ERRORS) &&
	    (s->t->status >= 500 || (s->t->term[0] != TERM_CAUSE_NONE && s->t->term[0] != 'L')))
		level = LOG_ERR;
	if ((fe->options & PR_O_DONTLOG_NORMAL) && level == LOG_INFO &&
	    s->t->term[0] == TERM_CAUSE_NONE && s->t->status < 500)
		return;
	if (s->t->log_level)		/* http-request set-log-level */
		level = s->t->log_level - 1;
	for (unsigned i = 0; i < fe->nlogs; i++)
		slog_send(&fe->logs[i], level,
			  lbd.conf->global.log_send_hostname ? lbd.conf->global.log_send_hostname : NULL,
			  lbd.conf->global.log_tag ? lbd.conf->global.log_tag : "lbd",
			  lbd.pid, line, len);
}
