/*
 * check.c - health checks (see check.h). Each checked server has one check
 * object living on the first worker's loop: a timer for the next run and
 * the deadline of the current one, a socket while running. A run connects
 * (to "addr"/"port" when set), and for HTTP checks sends the request and
 * reads the response up to a buffer, then judges it. "rise" successes in a
 * row bring a DOWN server UP, "fall" failures in a row take an UP one DOWN.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "cfg.h"
#include "check.h"
#include "check_http.h"
#include "check_tcp.h"
#include "chk_agent.h"
#include "chk_proto.h"
#include "extcheck.h"
#include "http1.h"
#include "log.h"
#include "proxy.h"
#include "server.h"
#include "session.h"
#include "slowstart.h"
#include "srv_sess.h"
#include "tls.h"
#include "worker.h"

const char *const chk_status_names[CHK_ST_COUNT] = {
	"UNK", "L4OK", "L4TOUT", "L4CON", "L7OK", "L7TOUT", "L7RSP", "L7STS",
	"SOCKERR", "L6OK", "L6RSP", "HANA", "PROCERR", "PROCTOUT", "PROCOK",
};
const char *const chk_status_desc[CHK_ST_COUNT] = {
	"Unknown", "Layer4 check passed", "Layer4 timeout",
	"Layer4 connection problem", "Layer7 check passed", "Layer7 timeout",
	"Layer7 invalid response", "Layer7 wrong status", "Socket error",
	"Layer6 check passed", "Layer6 invalid response", "Health analyze",
	"External check error", "External check timeout", "External check passed",
};

#define CHK_RESP_MAX	16384	/* response bytes kept for judging */

enum chk_phase { CHK_IDLE, CHK_CONNECTING, CHK_HANDSHAKE, CHK_SENDING,
		 CHK_READING, CHK_EXTERNAL };

struct check {
	struct check *next;
	struct server *srv;
	struct worker *w;
	ev_timer timer;
	ev_io io;
	int fd;
	struct sock tls;		/* the TLS layer of fd (its ssl), when used */
	ev_child child;			/* external check: the command's exit */
	pid_t pid;			/* external check running, 0 if none */
	enum chk_phase phase;
	ev_tstamp start;
	char *req;			/* HTTP request, built once */
	size_t reqlen;
	char *out;			/* bytes to send in this run */
	size_t outlen, outsent;
	char *resp;
	size_t resplen;
	unsigned step;			/* tcp-check: next rule */
	int eof, l7;
	int agent;			/* an agent check, not a health check */
	int disabled;			/* "disable health|agent" */
	int ran;			/* a verdict exists */
	int smtp_greeted;		/* smtpchk: greeting judged, hello sent */
	size_t smtp_off;		/* where the hello's reply starts */
	unsigned succ, fail;		/* consecutive results */
	enum chk_status status;		/* last result */
	int code;
	char info[160];
	long duration;
};

static struct check *check_list;	/* all checks, owned by worker 0 */

/* ---- the transitions ---- */

void check_server_set_up(struct server *srv, int up, const char *reason)
{
	srv_set_oper(srv, up, reason);
}

/* The reason text of a transition, as HAProxy writes it. */
static void check_reason(const struct check *c, char *out, size_t len)
{
	int n = snprintf(out, len, "%s", chk_status_desc[c->status]);

	if (c->code && n >= 0 && (size_t)n < len)
		n += snprintf(out + n, len - (size_t)n, ", code: %d", c->code);
	if (c->info[0] && n >= 0 && (size_t)n < len)
		n += snprintf(out + n, len - (size_t)n, ", info: \"%s\"", c->info);
	if (n >= 0 && (size_t)n < len && c->status != CHK_ST_HANA)
		snprintf(out + n, len - (size_t)n, ", check duration: %ldms",
			 c->duration);
}

static int check_passed(enum chk_status st)
{
	return st == CHK_ST_L4OK || st == CHK_ST_L7OK || st == CHK_ST_L6OK ||
	       st == CHK_ST_PROCOK;
}

/* A verdict: count it, move the server when rise/fall is reached. */
static void check_result(struct check *c)
{
	struct server *srv = c->srv;
	char reason[320];

	if (check_passed(c->status)) {
		c->fail = 0;
		c->succ++;
		if (!srv->oper_up && c->succ >= srv->rise) {
			check_reason(c, reason, sizeof(reason));
			check_server_set_up(srv, 1, reason);
		}
	} else {
		c->succ = 0;
		c->fail++;
		if (srv->oper_up && c->fail >= srv->fall) {
			check_reason(c, reason, sizeof(reason));
			check_server_set_up(srv, 0, reason);
		}
	}
}

/* Run the check again after at most ms: "force fastinter". */
static void check_hurry(struct check *c, uint32_t ms)
{
	struct ev_loop *loop = c->w->loop;

	if (c->phase != CHK_IDLE || ev_timer_remaining(loop, &c->timer) <= ms / 1000.0)
		return;
	ev_timer_stop(loop, &c->timer);
	ev_timer_set(&c->timer, ms / 1000.0, 0.);
	ev_timer_start(loop, &c->timer);
}

void check_observe_trip(struct server *srv, unsigned count, const char *last)
{
	struct check *c = srv->check;
	char reason[320];

	if (!c)
		return;
	c->status = CHK_ST_HANA;
	c->code = 0;
	c->duration = 0;
	snprintf(c->info, sizeof(c->info), "Detected %u consecutive errors, last "
		 "one was: %s", count, last);
	switch (srv->on_error) {
	case SRV_ONERR_FASTINTER:
		break;
	case SRV_ONERR_FAIL_CHECK:
		check_result(c);
		break;
	case SRV_ONERR_SUDDEN_DEATH:
		/* one more failure takes it down */
		c->succ = 0;
		if (c->fail + 1 < srv->fall)
			c->fail = srv->fall - 1;
		else
			check_result(c);
		break;
	case SRV_ONERR_MARK_DOWN:
		c->succ = 0;
		c->fail = srv->fall;
		if (srv->oper_up) {
			check_reason(c, reason, sizeof(reason));
			check_server_set_up(srv, 0, reason);
		}
		break;
	default:
		break;
	}
	check_hurry(c, srv->fastinter);
}

/* ---- running a check ---- */

static void check_io_cb(struct ev_loop *loop, ev_io *io, int revents);
static void check_timer_cb(struct ev_loop *loop, ev_timer *t, int revents);
static void check_io_want(struct check *c, int events);
static void check_connected(struct check *c);
static void check_handshake(struct check *c);
static void check_talk(struct check *c);

/* The wait before the next run: inter when stable, fastinter while going
 * up or down, downinter when down; +/- spread-checks percent. */
static double check_next_delay(const struct check *c)
{
	const struct server *srv = c->srv;
	uint32_t ms = srv->inter;
	unsigned spread = lbd.conf->global.spread_checks;

	if (c->agent)
		ms = srv->agent_inter;
	else if (!srv->oper_up)
		ms = c->succ ? srv->fastinter : srv->downinter;
	else if (c->fail)
		ms = srv->fastinter;
	if (spread && ms) {
		long span = (long)ms * (long)spread / 100;

		if (span)
			ms = (uint32_t)((long)ms - span + rand() % (2 * span + 1));
	}
	return ms / 1000.0;
}

static void check_close_fd(struct check *c)
{
	if (c->fd < 0)
		return;
	ev_io_stop(c->w->loop, &c->io);
	c->tls.tls_err = 1;	/* a reset follows: no close_notify */
	tls_sock_free(&c->tls);
	close(c->fd);
	c->fd = -1;
}

/* Health checks of an "ssl" server speak TLS, unless they go to another
 * port or address (then "check-ssl" asks for it); agents never do. */
static int check_uses_tls(const struct check *c)
{
	const struct server *s = c->srv;

	return !c->agent && s->tls &&
	       (s->tls->check_ssl || (!s->check_port && !s->check_addrlen));
}

/* recv/send on the check's connection, through TLS when it has it; errno
 * EAGAIN when nothing can move now. */
static ssize_t check_recv(struct check *c, char *buf, size_t len)
{
	ssize_t n = -1, got = 0;

	if (!c->tls.ssl)
		return recv(c->fd, buf, len, 0);
	/* decrypted bytes left in the TLS layer would not wake the poller */
	while ((size_t)got < len && (n = tls_recv(&c->tls, buf + got, len - (size_t)got)) > 0)
		got += n;
	if (got > 0)
		return got;
	errno = n == -1 ? EAGAIN : EPROTO;
	return n == 0 ? 0 : -1;
}

static ssize_t check_sendb(struct check *c, const char *buf, size_t len)
{
	ssize_t n;

	if (!c->tls.ssl)
		return send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	n = tls_send(&c->tls, buf, len);
	if (n < 0)
		errno = n == -1 ? EAGAIN : EPROTO;
	return n < 0 ? -1 : n;
}

static void check_finish(struct check *c, enum chk_status st, int code,
			 const char *info)
{
	struct ev_loop *loop = c->w->loop;

	if (c->fd >= 0) {
		/* as HAProxy: a reset, so that a thousand checks a second
		 * leave no TIME_WAIT sockets behind and cost no FIN exchange */
		struct linger lg = { 1, 0 };

		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		check_close_fd(c);
	}
	c->status = st;
	c->code = code;
	snprintf(c->info, sizeof(c->info), "%s", info ? info : "");
	c->duration = (long)((ev_now(loop) - c->start) * 1000.0 + 0.5);
	c->phase = CHK_IDLE;
	c->resplen = 0;
	c->ran = 1;
	if (!c->agent && !check_passed(st))
		atomic_fetch_add(&c->srv->chk_fail, 1);
	if (!c->agent)		/* an agent's silence says nothing of health */
		check_result(c);
	ev_timer_stop(loop, &c->timer);
	ev_timer_set(&c->timer, check_next_delay(c), 0.);
	ev_timer_start(loop, &c->timer);
}

/* Apply an agent's reply: weight, maxconn, drain/maint/ready, up/down. */
static void check_agent_apply(struct check *c, const struct chk_agent_reply *r)
{
	struct server *srv = c->srv;
	char reason[160];

	snprintf(reason, sizeof(reason), "agent reports \"%.*s\"",
		 (int)(r->line_len < 100 ? r->line_len : 100), c->resp);
	if (r->flags & (CHK_AGENT_F_WEIGHT | CHK_AGENT_F_MAXCONN))
		backend_server_tune(srv, (r->flags & CHK_AGENT_F_WEIGHT) ?
				    (int)(r->weight_pct > 100000 ? 100000 : r->weight_pct) : -1,
				    (r->flags & CHK_AGENT_F_MAXCONN) ? (long)r->maxconn : -1);
	if (r->flags & CHK_AGENT_F_ADMIN) {
		if (r->admin == CHK_AGENT_DRAIN)
			srv_set_admin(srv, SRV_ADMF_FDRAIN, 1, reason);
		else if (r->admin == CHK_AGENT_MAINT)
			srv_set_admin(srv, SRV_ADMF_FMAINT, 1, reason);
		else
			srv_set_admin(srv, SRV_ADMF_FMAINT | SRV_ADMF_FDRAIN, 0, reason);
	}
	if (r->flags & CHK_AGENT_F_OPER)
		srv_set_oper(srv, r->oper == CHK_AGENT_UP, reason);
}

/* An agent's reply is one line; an incomplete or invalid one changes
 * nothing. Returns 1 when the run is over. */
static int check_agent_judge(struct check *c, int complete)
{
	struct chk_agent_reply r;
	char err[128];
	ssize_t n = chk_agent_parse(c->resp, c->resplen, 512, &r, err, sizeof(err));

	if (n == 0 && !complete)
		return 0;
	if (n > 0)
		check_agent_apply(c, &r);
	else
		log_debug("agent of %s/%s: %s", c->srv->be->id, c->srv->id,
			  n < 0 ? err : "incomplete line");
	check_finish(c, n > 0 ? CHK_ST_L7OK : CHK_ST_L7RSP, 0, NULL);
	return 1;
}

/* Judge a named check's response (option redis-check ...); returns 1 when
 * a decision was made (or the SMTP hello is on its way). */
static int check_proto_judge(struct check *c, int complete)
{
	static const enum chk_status map[CHK_PROTO_ST_COUNT] = {
		[CHK_PROTO_ST_NONE] = CHK_ST_L7RSP,
		[CHK_PROTO_ST_L6OK] = CHK_ST_L6OK, [CHK_PROTO_ST_L6RSP] = CHK_ST_L6RSP,
		[CHK_PROTO_ST_L7OK] = CHK_ST_L7OK, [CHK_PROTO_ST_L7RSP] = CHK_ST_L7RSP,
		[CHK_PROTO_ST_L7STS] = CHK_ST_L7STS,
	};
	const struct proxy *be = c->srv->be;
	struct chk_proto_res res = { 0 };
	const char *buf = c->resp + c->smtp_off;
	size_t len = c->resplen - c->smtp_off;
	char msg[128] = "";
	int rc;

	switch (be->chk_proto) {
	case PR_PROTO_REDIS:
		rc = chk_proto_redis_check(buf, len, &res, msg, sizeof(msg));
		break;
	case PR_PROTO_MYSQL:
		rc = chk_proto_mysql_check(buf, len, be->chk_user != NULL, &res, msg,
					   sizeof(msg));
		break;
	case PR_PROTO_PGSQL:
		rc = chk_proto_pgsql_check(buf, len, &res, msg, sizeof(msg));
		break;
	case PR_PROTO_SMTP:
		rc = chk_proto_smtp_check(buf, len, &res, msg, sizeof(msg));
		break;
	case PR_PROTO_LDAP:
		rc = chk_proto_ldap_check(buf, len, &res, msg, sizeof(msg));
		break;
	default:
		rc = chk_proto_ssl_hello_check(buf, len, &res, msg, sizeof(msg));
	}
	if (rc == CHK_PROTO_NEED_MORE) {
		if (!complete)
			return 0;
		check_finish(c, len ? CHK_ST_L7RSP : CHK_ST_SOCKERR, 0,
			     len ? "incomplete response" : "connection closed");
		return 1;
	}
	if (rc == CHK_PROTO_OK && be->chk_proto == PR_PROTO_SMTP && !c->smtp_greeted) {
		/* the greeting passed: say hello, judge the reply after it */
		c->smtp_greeted = 1;
		c->smtp_off += res.len;
		memcpy(c->out, c->req, c->reqlen);
		c->outlen = c->reqlen;
		c->outsent = 0;
		c->phase = CHK_SENDING;
		check_io_want(c, EV_WRITE);
		return 1;
	}
	check_finish(c, map[res.status], res.code > 0 ? res.code : 0, msg);
	return 1;
}

/* Reading for agents and named checks. */
static void check_read(struct check *c)
{
	ssize_t n;

	if (c->agent) {
		n = check_recv(c, c->resp + c->resplen, CHK_RESP_MAX - c->resplen);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n > 0)
			c->resplen += (size_t)n;
		check_agent_judge(c, n <= 0 || c->resplen == CHK_RESP_MAX);
		return;
	}
	if (c->resplen == CHK_RESP_MAX) {
		check_proto_judge(c, 1);
		return;
	}
	n = check_recv(c, c->resp + c->resplen, CHK_RESP_MAX - c->resplen);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		check_finish(c, c->resplen ? CHK_ST_L7RSP : CHK_ST_SOCKERR, 0,
			     strerror(errno));
		return;
	}
	c->resplen += (size_t)n;
	check_proto_judge(c, n == 0 || c->resplen == CHK_RESP_MAX);
}

/* The rule list the check runs: tcp-check or http-check rules, or NULL. */
static const struct tcpchk *check_rules(const struct check *c)
{
	const struct proxy *be = c->srv->be;

	if (c->agent)
		return NULL;
	if (be->check_kind == PR_CHK_TCPCHK)
		return be->tcpchk;
	if (be->check_kind == PR_CHK_HTTP)
		return be->httpchk ? be->httpchk->rules : NULL;
	return NULL;
}

static int check_by_rules(const struct check *c)
{
	int k = c->srv->be->check_kind;

	return !c->agent && (k == PR_CHK_TCPCHK || k == PR_CHK_HTTP);
}

static void check_tcp_run(struct check *c);

static void check_io_want(struct check *c, int events)
{
	struct ev_loop *loop = c->w->loop;

	ev_io_stop(loop, &c->io);
	ev_io_set(&c->io, c->fd, events);
	ev_io_start(loop, &c->io);
}

/* Open the check's connection: to "addr"/"port" when set, the server's
 * address otherwise; port overrides both (tcp-check connect port). */
static void check_open(struct check *c, unsigned port)
{
	struct server *srv = c->srv;
	struct sockaddr_storage addr = srv->check_addrlen ? srv->check_addr : srv->addr;
	socklen_t alen = srv->check_addrlen ? srv->check_addrlen : srv->addrlen;
	int one = 1;

	if (c->agent && srv->agent_addrlen) {
		addr = srv->agent_addr;
		alen = srv->agent_addrlen;
	}
	if (c->agent)
		port = srv->agent_port;
	if (!port)
		port = srv->check_port;
	if (port && addr.ss_family == AF_INET)
		((struct sockaddr_in *)&addr)->sin_port = htons((uint16_t)port);
	else if (port)
		((struct sockaddr_in6 *)&addr)->sin6_port = htons((uint16_t)port);
	c->fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		check_finish(c, CHK_ST_SOCKERR, 0, strerror(errno));
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->phase = CHK_CONNECTING;
	if (connect(c->fd, (struct sockaddr *)&addr, alen) < 0 && errno != EINPROGRESS) {
		check_finish(c, CHK_ST_L4CON, 0, strerror(errno));
		return;
	}
	ev_io_set(&c->io, c->fd, EV_WRITE);
	{
		/* on loopback and nearby hosts the handshake is often over by
		 * now: go on at once, sparing a poller round trip per check */
		struct pollfd pfd = { c->fd, POLLOUT, 0 };

		if (poll(&pfd, 1, 0) == 1) {
			check_connected(c);
			return;
		}
	}
	ev_io_start(c->w->loop, &c->io);
}

/* The PROXY protocol v1 line of the check's own connection, for servers
 * that expect one (send-proxy, check-send-proxy). 0 or -1. */
static int check_send_proxy_line(struct check *c)
{
	struct sockaddr_storage src, dst;
	socklen_t sl = sizeof(src), dl = sizeof(dst);
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], line[160];
	int v6, n;

	if (getsockname(c->fd, (struct sockaddr *)&src, &sl) < 0 ||
	    getpeername(c->fd, (struct sockaddr *)&dst, &dl) < 0)
		return -1;
	v6 = src.ss_family == AF_INET6;
	inet_ntop(src.ss_family, v6 ? (void *)&((struct sockaddr_in6 *)&src)->sin6_addr :
		  (void *)&((struct sockaddr_in *)&src)->sin_addr, a, sizeof(a));
	inet_ntop(dst.ss_family, v6 ? (void *)&((struct sockaddr_in6 *)&dst)->sin6_addr :
		  (void *)&((struct sockaddr_in *)&dst)->sin_addr, b, sizeof(b));
	n = snprintf(line, sizeof(line), "PROXY %s %s %s %u %u\r\n", v6 ? "TCP6" : "TCP4",
		     a, b, ntohs(v6 ? ((struct sockaddr_in6 *)&src)->sin6_port :
				 ((struct sockaddr_in *)&src)->sin_port),
		     ntohs(v6 ? ((struct sockaddr_in6 *)&dst)->sin6_port :
			   ((struct sockaddr_in *)&dst)->sin_port));
	/* a fresh connection's send buffer takes this at once */
	return send(c->fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) == n ? 0 : -1;
}

static void check_connected(struct check *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		check_finish(c, CHK_ST_L4CON, 0, strerror(err));
		return;
	}
	if (!c->agent && (c->srv->send_proxy || c->srv->check_send_proxy) &&
	    check_send_proxy_line(c) < 0) {
		check_finish(c, CHK_ST_SOCKERR, 0, "cannot send the PROXY line");
		return;
	}
	if (check_uses_tls(c)) {
		c->tls.fd = c->fd;
		if (tls_sock_connect(&c->tls, c->srv->tls, NULL, c->w->id) < 0) {
			check_finish(c, CHK_ST_SOCKERR, 0, "cannot set up TLS");
			return;
		}
		c->phase = CHK_HANDSHAKE;
		check_handshake(c);
		return;
	}
	check_talk(c);
}

/* The TLS handshake of a check: a failure is a layer 6 one. */
static void check_handshake(struct check *c)
{
	int rc = tls_handshake(&c->tls);

	if (rc < 0) {
		check_finish(c, CHK_ST_L6RSP, 0, "TLS handshake failure");
		return;
	}
	if (rc == 0) {
		check_io_want(c, c->tls.tls_hs_wr ? EV_WRITE : EV_READ);
		return;
	}
	check_talk(c);
}

/* Connected (and TLS done): what the check sends or waits for first. */
static void check_talk(struct check *c)
{
	if (c->agent) {
		c->phase = c->outlen ? CHK_SENDING : CHK_READING;
		check_io_want(c, c->outlen ? EV_WRITE : EV_READ);
		return;
	}
	switch (c->srv->be->check_kind) {
	case PR_CHK_HTTP:
	case PR_CHK_TCPCHK:
		check_tcp_run(c);
		return;
	case PR_CHK_PROTO:
		/* SMTP and MySQL without a user speak only after the server */
		if (c->srv->be->chk_proto != PR_PROTO_SMTP && c->reqlen) {
			memcpy(c->out, c->req, c->reqlen);
			c->outlen = c->reqlen;
			c->phase = CHK_SENDING;
			check_io_want(c, EV_WRITE);
			return;
		}
		c->phase = CHK_READING;
		check_io_want(c, EV_READ);
		return;
	default:
		check_finish(c, c->tls.ssl ? CHK_ST_L6OK : CHK_ST_L4OK, 0, NULL);
	}
}

/* ---- tcp-check: the rules, one after the other ---- */

static void check_tcp_fail(struct check *c, const struct tcpchk_rule *r,
			   enum chk_status st, const char *what)
{
	char info[160];

	snprintf(info, sizeof(info), "TCPCHK %s at step %u%s%s", what, r->line,
		 r->comment ? " comment: " : "", r->comment ? r->comment : "");
	check_finish(c, st, 0, info);
}

/* An expect rule failed: HTTP ones say the status and reason, tcp-check
 * ones name their step. */
static void check_expect_fail(struct check *c, const struct tcpchk_rule *r,
			      const struct tcpchk_verdict *v)
{
	if (r->match < TCPCHK_M_HTTP_STATUS)
		check_tcp_fail(c, r, CHK_ST_L7RSP, "did not match content");
	else
		check_finish(c, v->wrong_status ? CHK_ST_L7STS : CHK_ST_L7RSP, v->code,
			     v->info);
}

/* Run rules from c->step until one must wait for the network. */
static void check_tcp_run(struct check *c)
{
	const struct tcpchk *t = check_rules(c);
	unsigned n = t ? t->n : 0;
	struct tcpchk_verdict v = { 0 };

	while (c->step < n) {
		const struct tcpchk_rule *r = &t->rules[c->step];
		int rc;

		switch (r->kind) {
		case TCPCHK_CONNECT:
			check_close_fd(c);
			c->resplen = c->outlen = c->outsent = 0;
			c->eof = 0;
			c->step++;
			check_open(c, r->port);
			return;
		case TCPCHK_SEND:
			if (c->outlen + r->len > CHK_RESP_MAX) {
				check_tcp_fail(c, r, CHK_ST_SOCKERR, "send too large");
				return;
			}
			memcpy(c->out + c->outlen, r->data, r->len);
			c->outlen += r->len;
			break;
		case TCPCHK_COMMENT:
			break;
		case TCPCHK_EXPECT:
			if (c->outsent < c->outlen) {
				c->phase = CHK_SENDING;
				check_io_want(c, EV_WRITE);
				return;
			}
			rc = tcpchk_expect(r, c->resp, c->resplen,
					   c->eof || c->resplen == CHK_RESP_MAX, &v);
			if (rc == 0) {
				c->phase = CHK_READING;
				check_io_want(c, EV_READ);
				return;
			}
			if (rc < 0) {
				check_expect_fail(c, r, &v);
				return;
			}
			/* the last HTTP answer is the one the log shows */
			c->code = v.code;
			snprintf(c->info, sizeof(c->info), "%s", v.info);
			c->l7 = 1;
			c->resplen = 0;	/* the next expect looks at what follows */
			break;
		}
		c->step++;
	}
	if (c->outsent < c->outlen) {
		c->phase = CHK_SENDING;
		check_io_want(c, EV_WRITE);
		return;
	}
	if (c->srv->be->check_kind == PR_CHK_HTTP) {
		char info[sizeof(c->info)];

		snprintf(info, sizeof(info), "%s", c->info);
		check_finish(c, CHK_ST_L7OK, c->code, info);
		return;
	}
	check_finish(c, c->l7 ? CHK_ST_L7OK : CHK_ST_L4OK, 0,
		     c->l7 ? "(tcp-check)" : NULL);
}

static void check_send(struct check *c)
{
	ssize_t n = check_sendb(c, c->out + c->outsent, c->outlen - c->outsent);

	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		check_finish(c, CHK_ST_SOCKERR, 0, strerror(errno));
		return;
	}
	if (n > 0)
		c->outsent += (size_t)n;
	if (c->outsent < c->outlen)
		return;
	if (check_by_rules(c)) {
		check_tcp_run(c);
		return;
	}
	c->phase = CHK_READING;
	check_io_want(c, EV_READ);
}

static void check_tcp_read(struct check *c)
{
	ssize_t n = check_recv(c, c->resp + c->resplen, CHK_RESP_MAX - c->resplen);

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		c->eof = 1;
	} else if (n == 0)
		c->eof = 1;
	else
		c->resplen += (size_t)n;
	check_tcp_run(c);
}

static void check_io_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct check *c = io->data;

	switch (c->phase) {
	case CHK_CONNECTING:
		check_connected(c);
		return;
	case CHK_HANDSHAKE:
		check_handshake(c);
		return;
	case CHK_SENDING:
		check_send(c);
		return;
	case CHK_READING:
		if (check_by_rules(c))
			check_tcp_read(c);
		else
			check_read(c);
		return;
	default:
		return;
	}
}

/* The external command ended: exit status 0 passes. */
static void check_child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct check *c = w->data;
	int st = w->rstatus;
	char info[64] = "";

	ev_child_stop(loop, w);
	c->pid = 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		check_finish(c, CHK_ST_PROCOK, 0, NULL);
		return;
	}
	if (WIFSIGNALED(st))
		snprintf(info, sizeof(info), "killed by signal %d", WTERMSIG(st));
	check_finish(c, CHK_ST_PROCERR, WIFEXITED(st) ? WEXITSTATUS(st) : 0, info);
}

/* Stop a running external command and everything it started: its pid
 * is its process group. libev reaps it. */
static void check_external_kill(struct check *c)
{
	if (!c->pid)
		return;
	ev_child_stop(c->w->loop, &c->child);
	kill(-c->pid, SIGKILL);
	c->pid = 0;
}

static void check_external_run(struct check *c)
{
	char err[256];
	pid_t pid = extchk_spawn(c->srv, err, sizeof(err));

	if (pid < 0) {
		check_finish(c, CHK_ST_PROCERR, 0, err);
		return;
	}
	c->pid = pid;
	c->phase = CHK_EXTERNAL;
	/* the default loop: SIGCHLD is only watched there */
	ev_child_set(&c->child, pid, 0);
	ev_child_start(c->w->loop, &c->child);
}

static void check_launch(struct check *c)
{
	struct server *srv = c->srv;
	struct ev_loop *loop = c->w->loop;
	const struct tcpchk *t = check_rules(c);
	uint32_t tmo = srv->be->to.check ? srv->be->to.check : srv->inter;

	if (c->disabled) {	/* "disable health|agent": keep the rhythm only */
		ev_timer_set(&c->timer, check_next_delay(c), 0.);
		ev_timer_start(loop, &c->timer);
		return;
	}
	if (srv->be->to.connect && srv->be->to.connect < tmo &&
	    srv->be->check_kind != PR_CHK_EXTERNAL)
		tmo = srv->be->to.connect + (srv->be->to.check ? srv->be->to.check : 0);
	c->start = ev_now(loop);
	c->step = 0;
	c->resplen = c->outsent = 0;
	c->outlen = 0;
	c->eof = c->l7 = 0;
	c->smtp_greeted = 0;
	c->smtp_off = 0;
	/* a deadline for the whole run */
	ev_timer_stop(loop, &c->timer);
	ev_timer_set(&c->timer, (tmo ? tmo : 2000) / 1000.0, 0.);
	ev_timer_start(loop, &c->timer);
	if (c->agent) {
		if (srv->agent_send) {
			size_t n = strlen(srv->agent_send);

			c->outlen = n < CHK_RESP_MAX ? n : CHK_RESP_MAX;
			memcpy(c->out, srv->agent_send, c->outlen);
		}
		check_open(c, 0);
		return;
	}
	if (srv->be->check_kind == PR_CHK_EXTERNAL) {
		check_external_run(c);
		return;
	}
	/* rule lists open their own connection when they start with one */
	if (t && t->n && t->rules[0].kind == TCPCHK_CONNECT) {
		check_tcp_run(c);
		return;
	}
	check_open(c, 0);
}

static void check_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct check *c = t->data;

	switch (c->phase) {
	case CHK_IDLE:
		check_launch(c);
		return;
	case CHK_CONNECTING:
		check_finish(c, CHK_ST_L4TOUT, 0, NULL);
		return;
	case CHK_HANDSHAKE:
		check_finish(c, CHK_ST_L6RSP, 0, "TLS handshake timeout");
		return;
	case CHK_EXTERNAL:
		check_external_kill(c);
		check_finish(c, CHK_ST_PROCTOUT, 0, NULL);
		return;
	case CHK_SENDING:
	case CHK_READING:
		if (c->agent) {
			if (!c->resplen || !check_agent_judge(c, 1))
				check_finish(c, CHK_ST_L7TOUT, 0, NULL);
			return;
		}
		if (c->srv->be->check_kind == PR_CHK_TCPCHK) {
			const struct tcpchk *tc = check_rules(c);

			if (tc && c->step < tc->n)
				check_tcp_fail(c, &tc->rules[c->step], CHK_ST_L7TOUT,
					       "timeout waiting for content");
			else
				check_finish(c, CHK_ST_L7TOUT, 0, NULL);
			return;
		}
		if (c->phase == CHK_READING && c->resplen &&
		    c->srv->be->check_kind == PR_CHK_PROTO && check_proto_judge(c, 1))
			return;
		check_finish(c, CHK_ST_L7TOUT, 0, NULL);
		return;
	}
}

/* The request of a named check, built once. */
static int check_build_proto(struct check *c)
{
	const struct proxy *be = c->srv->be;
	ssize_t n;

	c->req = malloc(1024);
	if (!c->req)
		return -1;
	switch (be->chk_proto) {
	case PR_PROTO_REDIS:
		n = chk_proto_redis_build(c->req, 1024);
		break;
	case PR_PROTO_MYSQL:
		n = chk_proto_mysql_build(c->req, 1024, be->chk_user,
					  be->chk_mysql_pre41 ? CHK_PROTO_MYSQL_PRE41 :
					  CHK_PROTO_MYSQL_POST41);
		break;
	case PR_PROTO_PGSQL:
		n = chk_proto_pgsql_build(c->req, 1024, be->chk_user);
		break;
	case PR_PROTO_SMTP:
		n = chk_proto_smtp_build_hello(c->req, 1024, be->chk_smtp_ehlo ?
					       CHK_PROTO_SMTP_EHLO : CHK_PROTO_SMTP_HELO,
					       be->chk_domain ? be->chk_domain : "localhost");
		break;
	case PR_PROTO_LDAP:
		n = chk_proto_ldap_build(c->req, 1024);
		break;
	default:
		n = chk_proto_ssl_hello_build(c->req, 1024, NULL);
	}
	if (n < 0) {
		log_warnx("backend %s: the check request cannot be built (check "
			  "the user or domain)", be->id);
		return -1;
	}
	c->reqlen = (size_t)n;
	return 0;
}

static struct check *check_new(struct worker *w, struct server *s, int agent,
			       double first)
{
	struct proxy *be = s->be;
	struct check *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->srv = s;
	c->w = w;
	c->fd = -1;
	c->agent = agent;
	c->resp = malloc(CHK_RESP_MAX);
	c->out = malloc(CHK_RESP_MAX);
	if (!c->resp || !c->out ||
	    (!agent && be->check_kind == PR_CHK_PROTO && check_build_proto(c) < 0)) {
		free(c->req);
		free(c->resp);
		free(c->out);
		free(c);
		return NULL;
	}
	ev_init(&c->io, check_io_cb);
	c->io.data = c;
	ev_init(&c->child, check_child_cb);
	c->child.data = c;
	ev_timer_init(&c->timer, check_timer_cb, first, 0.);
	c->timer.data = c;
	ev_timer_start(w->loop, &c->timer);
	c->next = check_list;
	check_list = c;
	return c;
}

int check_start_all(struct worker *w)
{
	unsigned total = 0, i = 0;

	for (struct proxy *be = lbd.conf->proxies; be; be = be->next)
		for (struct server *s = be->servers; s && (be->cap & PR_CAP_BE); s = s->next)
			total += s->do_check + s->agent_check;
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (struct proxy *be = lbd.conf->proxies; be; be = be->next) {
		if (!(be->cap & PR_CAP_BE))
			continue;
		for (struct server *s = be->servers; s; s = s->next) {
			/* the first runs are spread over one interval */
			if (s->do_check) {
				s->check = check_new(w, s, 0, (double)s->inter * i++ / total /
						     1000.0 + 0.001);
				if (!s->check)
					return -1;
			}
			if (s->agent_check) {
				s->agent = check_new(w, s, 1, (double)s->agent_inter * i++ /
						     total / 1000.0 + 0.001);
				if (!s->agent)
					return -1;
			}
		}
	}
	return 0;
}

void check_stop_all(struct worker *w)
{
	for (struct proxy *be = lbd.conf->proxies; be; be = be->next)
		for (struct server *s = be->servers; s; s = s->next)
			slowstart_stop(s);
	while (check_list) {
		struct check *c = check_list;

		check_list = c->next;
		ev_timer_stop(w->loop, &c->timer);
		check_close_fd(c);
		if (c->pid) {
			pid_t pid = c->pid;

			/* at exit only: SIGKILL makes the wait short */
			check_external_kill(c);
			waitpid(pid, NULL, 0);
		}
		if (c->agent)
			c->srv->agent = NULL;
		else
			c->srv->check = NULL;
		free(c->req);
		free(c->out);
		free(c->resp);
		free(c);
	}
}

/* ---- what the runtime API reads and changes ---- */

int check_view(const struct server *srv, int agent, struct check_view *v)
{
	const struct check *c = agent ? srv->agent : srv->check;

	memset(v, 0, sizeof(*v));
	v->rise = srv->rise;
	v->fall = srv->fall;
	if (!c)
		return 0;
	v->configured = 1;
	v->enabled = !c->disabled;
	v->ran = c->ran;
	v->running = c->phase != CHK_IDLE;
	v->status = c->ran ? c->status : CHK_ST_UNKNOWN;
	v->code = c->code;
	v->duration = c->ran ? c->duration : -1;
	v->info = c->info;
	if (agent) {
		v->health = v->rise = v->fall = 1;
		return 1;
	}
	if (srv->oper_up)
		v->health = srv->rise + srv->fall - 1 - (c->fail < srv->fall ? c->fail : srv->fall - 1);
	else
		v->health = c->succ < srv->rise ? c->succ : srv->rise - 1;
	v->succ = c->succ;
	v->fail = c->fail;
	return 1;
}

int check_set_enabled(struct server *srv, int agent, int on)
{
	struct check *c = agent ? srv->agent : srv->check;

	if (!c)
		return -1;
	c->disabled = !on;
	return 0;
}

/* ---- servers added and removed at run time (worker 0) ---- */

int check_add_server(struct server *s)
{
	struct worker *w = &lbd.workers[0];

	if (s->do_check && !(s->check = check_new(w, s, 0, 0.001)))
		return -1;
	if (s->agent_check && !(s->agent = check_new(w, s, 1, 0.002)))
		return -1;
	return 0;
}

void check_del_server(struct server *s)
{
	struct worker *w = &lbd.workers[0];

	for (struct check **pp = &check_list; *pp;) {
		struct check *c = *pp;

		if (c->srv != s) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		ev_timer_stop(w->loop, &c->timer);
		check_close_fd(c);
		free(c->req);
		free(c->out);
		free(c->resp);
		free(c);
	}
	s->check = s->agent = NULL;
}
