/*
 * stats_page.c - the statistics page (see stats_page.h). One table per
 * proxy: the frontend row, the server rows and the backend row, coloured
 * by state; with "stats admin", a form under each backend applies an
 * action to the servers ticked, as HAProxy's page does (POST of
 * s=<server>&action=<action>&b=#<backend id>, answered with a 303 to
 * "<uri>;st=<result>").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "check.h"
#include "session.h"
#include "srv_sess.h"
#include "proxy.h"
#include "sbuf.h"
#include "server.h"
#include "service.h"
#include "stats.h"
#include "cfg_lex.h"
#include "stats_page.h"
#include "vrrpwatch.h"
#include "version.h"
#include "worker.h"

static void html(struct sbuf *o, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': sbuf_puts(o, "&lt;"); break;
		case '>': sbuf_puts(o, "&gt;"); break;
		case '&': sbuf_puts(o, "&amp;"); break;
		case '"': sbuf_puts(o, "&quot;"); break;
		case '\'': sbuf_puts(o, "&#39;"); break;
		default: sbuf_add(o, s, 1);
		}
	}
}

static void cell(struct sbuf *o, const struct field *f)
{
	sbuf_puts(o, "<td>");
	switch (f->type) {
	case FF_STR: html(o, f->u.str); break;
	case FF_U32: sbuf_printf(o, "%u", f->u.u32); break;
	case FF_S32: sbuf_printf(o, "%d", f->u.s32); break;
	case FF_U64: sbuf_printf(o, "%llu", (unsigned long long)f->u.u64); break;
	default: break;
	}
	sbuf_puts(o, "</td>");
}

static void cell_dur(struct sbuf *o, const struct field *f)
{
	unsigned long long s;

	if (f->type != FF_U32 && f->type != FF_S32) {
		sbuf_puts(o, "<td></td>");
		return;
	}
	if (f->type == FF_S32 && f->u.s32 < 0) {
		sbuf_puts(o, "<td></td>");
		return;
	}
	s = f->type == FF_U32 ? f->u.u32 : (unsigned)f->u.s32;
	if (s >= 86400)
		sbuf_printf(o, "<td>%llud%lluh</td>", s / 86400, s / 3600 % 24);
	else if (s >= 3600)
		sbuf_printf(o, "<td>%lluh%llum</td>", s / 3600, s / 60 % 60);
	else if (s >= 60)
		sbuf_printf(o, "<td>%llum%llus</td>", s / 60, s % 60);
	else
		sbuf_printf(o, "<td>%llus</td>", s);
}

/* The CSS class of a server row, from its state and role. */
static const char *row_class(const struct server *sv, const char *status)
{
	int bck = !!(sv->flags & SRV_F_BACKUP);

	switch (sv->state) {
	case SRV_ST_MAINT:
		return "maintain";
	case SRV_ST_DRAIN:
		return "draining";
	case SRV_ST_DOWN:
		return strncmp(status, "DOWN ", 5) == 0 ?
		       (bck ? "backup_going_up" : "active_going_up") :
		       (bck ? "backup_down" : "active_down");
	default:
		if (strncmp(status, "UP ", 3) == 0)
			return bck ? "backup_going_down" : "active_going_down";
		if (strcmp(status, "no check") == 0)
			return bck ? "backup_no_check" : "active_no_check";
		return bck ? "backup_up" : "active_up";
	}
}

static const char css[] =
	"body{font-family:arial,helvetica,sans-serif;font-size:12px;color:#000;"
	"background:#fff}\n"
	"h1{font-size:20px;margin:4px 0}h2{font-size:14px;color:#335;margin:4px 0}\n"
	"table.tbl{border-collapse:collapse;margin:10px 0;border:1px solid #666}\n"
	"table.tbl td,table.tbl th{border:1px solid #aaa;padding:1px 4px;"
	"text-align:right;white-space:nowrap}\n"
	"table.tbl td.name,table.tbl th.pxname{text-align:left}\n"
	"th.pxname{background:#b00040;color:#fff;font-size:13px}\n"
	"tr.titre th{background:#20377f;color:#fff}\n"
	"tr.frontend td{background:#e8e8d0}tr.backend td{background:#e8e8d0;"
	"font-weight:bold}\n"
	"tr.active_up td{background:#c0ffc0}tr.backup_up td{background:#b0d0ff}\n"
	"tr.active_down td,tr.backup_down td{background:#ff9090}\n"
	"tr.active_going_down td,tr.backup_going_down td{background:#ffd020}\n"
	"tr.active_going_up td,tr.backup_going_up td{background:#ffffa0}\n"
	"tr.maintain td{background:#c07820}tr.draining td{background:#20a0ff}\n"
	"tr.active_no_check td{background:#e0ffe0}tr.backup_no_check td{"
	"background:#e0e0ff}\n"
	"table.info td{padding:0 8px}p.msg{padding:4px;border:1px solid #888;"
	"background:#ffe}\n";

static void page_legend(struct sbuf *o)
{
	static const char *const items[][2] = {
		{ "active_up", "active UP" }, { "backup_up", "backup UP" },
		{ "active_going_down", "active UP, going down" },
		{ "active_going_up", "active DOWN, going up" },
		{ "active_down", "active or backup DOWN" },
		{ "active_no_check", "not checked" },
		{ "maintain", "active or backup DOWN for maintenance (MAINT)" },
		{ "draining", "active or backup SOFT STOPPED for maintenance (DRAIN)" },
	};

	sbuf_puts(o, "<table class=\"tbl legend\">");
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		sbuf_printf(o, "<tr class=\"%s\"><td>&nbsp;&nbsp;</td><td class=\"name\">"
			    "%s</td></tr>", items[i][0], items[i][1]);
	sbuf_puts(o, "</table>\n");
}

static void table_head(struct sbuf *o, const struct proxy *px, int admin)
{
	sbuf_puts(o, "<table class=\"tbl\" id=\"px-");
	html(o, px->id);
	sbuf_printf(o, "\"><tr><th class=\"pxname\" colspan=\"%d\">", admin ? 31 : 30);
	html(o, px->id);
	sbuf_puts(o, "</th></tr>\n<tr class=\"titre\">");
	if (admin)
		sbuf_puts(o, "<th rowspan=\"2\"></th>");
	sbuf_puts(o, "<th rowspan=\"2\"></th><th colspan=\"3\">Queue</th>"
		  "<th colspan=\"3\">Session rate</th><th colspan=\"6\">Sessions</th>"
		  "<th colspan=\"2\">Bytes</th><th colspan=\"2\">Denied</th>"
		  "<th colspan=\"3\">Errors</th><th colspan=\"2\">Warnings</th>"
		  "<th colspan=\"8\">Server</th></tr>\n<tr class=\"titre\">"
		  "<th>Cur</th><th>Max</th><th>Limit</th>"
		  "<th>Cur</th><th>Max</th><th>Limit</th>"
		  "<th>Cur</th><th>Max</th><th>Limit</th><th>Total</th><th>LbTot</th>"
		  "<th>Last</th><th>In</th><th>Out</th><th>Req</th><th>Resp</th>"
		  "<th>Req</th><th>Conn</th><th>Resp</th><th>Retr</th><th>Redis</th>"
		  "<th>Status</th><th>LastChk</th><th>Wght</th><th>Act</th><th>Bck</th>"
		  "<th>Chk</th><th>Dwn</th><th>Dwntme</th></tr>\n");
}

static void row_cells(struct sbuf *o, const struct stats_row *r, const char *name)
{
	const struct field *f = r->f;

	sbuf_puts(o, "<td class=\"name\">");
	html(o, name);
	sbuf_puts(o, "</td>");
	cell(o, &f[ST_QCUR]); cell(o, &f[ST_QMAX]); cell(o, &f[ST_QLIMIT]);
	cell(o, &f[ST_RATE]); cell(o, &f[ST_RATE_MAX]); cell(o, &f[ST_RATE_LIM]);
	cell(o, &f[ST_SCUR]); cell(o, &f[ST_SMAX]); cell(o, &f[ST_SLIM]);
	cell(o, &f[ST_STOT]); cell(o, &f[ST_LBTOT]); cell_dur(o, &f[ST_LASTSESS]);
	cell(o, &f[ST_BIN]); cell(o, &f[ST_BOUT]);
	cell(o, &f[ST_DREQ]); cell(o, &f[ST_DRESP]);
	cell(o, &f[ST_EREQ]); cell(o, &f[ST_ECON]); cell(o, &f[ST_ERESP]);
	cell(o, &f[ST_WRETR]); cell(o, &f[ST_WREDIS]);
	/* Status: "UP" with how long it has been so, as HAProxy shows it */
	sbuf_puts(o, "<td class=\"status\">");
	if (r->type == STATS_TYPE_FE)
		html(o, f[ST_STATUS].u.str);
	else {
		unsigned s = f[ST_LASTCHG].type == FF_U32 ? f[ST_LASTCHG].u.u32 : 0;

		sbuf_printf(o, "%us ", s);
		html(o, f[ST_STATUS].u.str);
	}
	sbuf_puts(o, "</td><td>");
	if (f[ST_CHECK_STATUS].type == FF_STR) {
		html(o, f[ST_CHECK_STATUS].u.str);
		if (f[ST_CHECK_CODE].type == FF_U32)
			sbuf_printf(o, "/%u", f[ST_CHECK_CODE].u.u32);
		if (f[ST_CHECK_DURATION].type == FF_U64)
			sbuf_printf(o, " in %llums", (unsigned long long)f[ST_CHECK_DURATION].u.u64);
	}
	sbuf_puts(o, "</td>");
	cell(o, &f[ST_WEIGHT]);
	if (r->type == STATS_TYPE_SV) {
		sbuf_printf(o, "<td>%s</td><td>%s</td>", f[ST_ACT].u.u32 ? "Y" : "-",
			    f[ST_BCK].u.u32 ? "Y" : "-");
	} else {
		cell(o, &f[ST_ACT]);
		cell(o, &f[ST_BCK]);
	}
	cell(o, &f[ST_CHKFAIL]); cell(o, &f[ST_CHKDOWN]);
	cell_dur(o, &f[ST_DOWNTIME]);
}

static void page_proxy(struct sbuf *o, struct proxy *px, struct stats_row *r,
		       const struct stats_page_req *req)
{
	int admin = req->admin && (px->cap & PR_CAP_BE) && px->servers;

	if (admin) {
		sbuf_puts(o, "<form method=\"post\" action=\"");
		html(o, req->conf->stats_uri ? req->conf->stats_uri : "/haproxy?stats");
		sbuf_puts(o, "\">\n");
	}
	table_head(o, px, admin);
	if (px->cap & PR_CAP_FE) {
		stats_fill_fe(px, r);
		sbuf_puts(o, "<tr class=\"frontend\">");
		if (admin)
			sbuf_puts(o, "<td></td>");
		row_cells(o, r, "Frontend");
		sbuf_puts(o, "</tr>\n");
	}
	if (px->cap & PR_CAP_BE) {
		for (struct server *sv = px->servers; sv; sv = sv->next) {
			stats_fill_sv(sv, r);
			sbuf_printf(o, "<tr class=\"%s\" data-server=\"",
				    row_class(sv, r->f[ST_STATUS].u.str));
			html(o, sv->id);
			sbuf_puts(o, "\" data-status=\"");
			html(o, r->f[ST_STATUS].u.str);
			sbuf_puts(o, "\">");
			if (admin) {
				sbuf_puts(o, "<td><input type=\"checkbox\" name=\"s\" value=\"");
				html(o, sv->id);
				sbuf_puts(o, "\"></td>");
			}
			row_cells(o, r, sv->id);
			sbuf_puts(o, "</tr>\n");
		}
		stats_fill_be(px, r);
		sbuf_puts(o, "<tr class=\"backend\">");
		if (admin)
			sbuf_puts(o, "<td></td>");
		row_cells(o, r, "Backend");
		sbuf_puts(o, "</tr>\n");
	}
	sbuf_puts(o, "</table>\n");
	if (admin) {
		sbuf_puts(o, "Choose the action to perform on the checked servers : "
			  "<select name=\"action\">"
			  "<option value=\"\"></option>"
			  "<option value=\"ready\">Set state to READY</option>"
			  "<option value=\"drain\">Set state to DRAIN</option>"
			  "<option value=\"maint\">Set state to MAINT</option>"
			  "<option value=\"dhlth\">Health: disable checks</option>"
			  "<option value=\"ehlth\">Health: enable checks</option>"
			  "<option value=\"hrunn\">Health: force UP</option>"
			  "<option value=\"hdown\">Health: force DOWN</option>"
			  "<option value=\"dagent\">Agent: disable checks</option>"
			  "<option value=\"eagent\">Agent: enable checks</option>"
			  "<option value=\"shutdown\">Kill Sessions</option>"
			  "</select><input type=\"hidden\" name=\"b\" value=\"");
		sbuf_printf(o, "#%u\"><input type=\"submit\" value=\"Apply\"></form>\n",
			    px->uuid);
	}
}

/* the node's VRRP instances (vrrpd-socket) */
static void page_vrrp(struct sbuf *o)
{
	const struct vrrp_view *v;
	int up = vrrpwatch_connected();

	if (up < 0)
		return;
	sbuf_printf(o, "<table class=\"info\" id=\"vrrp\"><tr><th>VRRP instance</th>"
		    "<th>state</th><th>priority</th><th>master</th><th>VIPs</th></tr>\n");
	if (!up)
		sbuf_puts(o, "<tr><td colspan=\"5\">vrrpd is not reachable: the "
			  "states below are the last known</td></tr>\n");
	for (size_t i = 0; (v = vrrpwatch_get(i)); i++) {
		sbuf_puts(o, "<tr><td>");
		html(o, v->name);
		sbuf_puts(o, "</td><td>");
		html(o, v->state);
		sbuf_printf(o, "</td><td>%u</td><td>", v->priority);
		html(o, v->master);
		sbuf_puts(o, "</td><td>");
		html(o, v->vips);
		sbuf_puts(o, "</td></tr>\n");
	}
	sbuf_puts(o, "</table>\n");
}

static void page_html(struct sbuf *o, const struct stats_page_req *req, const char *st)
{
	struct stats_row *r = malloc(sizeof(*r));
	struct stats_info si;
	const struct svc_conf *c = req->conf;
	const char *uri = c->stats_uri ? c->stats_uri : "/haproxy?stats";
	static const struct { const char *code, *text; } msgs[] = {
		{ "DONE", "Action processed successfully." },
		{ "NONE", "Nothing has changed." },
		{ "PART", "Action not processed for all the servers." },
		{ "ERRP", "Action not processed: invalid parameters." },
		{ "EXCD", "Action not processed: the buffer could not hold the request." },
		{ "DENY", "Action denied." },
		{ "UNKN", "Unexpected result." },
	};

	if (!r)
		return;
	stats_info_fill(&si);
	sbuf_puts(o, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		  "<title>Statistics Report for lbd on ");
	html(o, si.node);
	sbuf_puts(o, "</title>\n");
	if (c->stats_refresh)
		sbuf_printf(o, "<meta http-equiv=\"refresh\" content=\"%u\">\n",
			    c->stats_refresh);
	sbuf_printf(o, "<style>\n%s</style></head><body>\n", css);
	sbuf_puts(o, "<h1>lbd");
	if (!c->hide_version)
		sbuf_puts(o, " version " LBD_VERSION);
	sbuf_puts(o, "</h1>\n<h2>Statistics Report for pid ");
	sbuf_printf(o, "%u", lbd.pid);
	if (c->show_node) {
		sbuf_puts(o, " on ");
		html(o, si.node);
	}
	sbuf_puts(o, "</h2>\n");
	for (size_t i = 0; st && i < sizeof(msgs) / sizeof(msgs[0]); i++)
		if (strcmp(st, msgs[i].code) == 0)
			sbuf_printf(o, "<p class=\"msg\" id=\"result\">%s</p>\n", msgs[i].text);
	sbuf_printf(o, "<table class=\"info\"><tr><td>pid = %u</td><td>uptime = ",
		    lbd.pid);
	html(o, si.uptime);
	sbuf_printf(o, "</td><td>nbthread = %u</td></tr><tr><td>maxconn = %u</td>"
		    "<td>current conns = %u</td><td>node = ", si.f[INF_NBTHREAD].u.u32,
		    si.f[INF_MAXCONN].u.u32, si.f[INF_CURR_CONN].u.u32);
	html(o, si.node);
	sbuf_puts(o, "</td></tr></table>\n");
	page_vrrp(o);
	sbuf_puts(o, "<p><a href=\"");
	html(o, uri);
	sbuf_puts(o, ";csv\">CSV export</a> &middot; <a href=\"");
	html(o, uri);
	sbuf_puts(o, ";json\">JSON export</a></p>\n");
	if (c->show_legends)
		page_legend(o);
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next)
		page_proxy(o, px, r, req);
	sbuf_puts(o, "</body></html>\n");
	free(r);
}

/* ---- the admin form ---- */

/* Decode one application/x-www-form-urlencoded value in place. */
static void form_decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '+')
			*w++ = ' ';
		else if (*s == '%' && cfg_hexval(s[1]) >= 0 && cfg_hexval(s[2]) >= 0) {
			*w++ = (char)(cfg_hexval(s[1]) * 16 + cfg_hexval(s[2]));
			s += 2;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

static int admin_apply(struct server *sv, const char *action)
{
	if (srv_set_admin_state(sv, action) == 0)
		return 0;
	if (strcmp(action, "dhlth") == 0 || strcmp(action, "ehlth") == 0)
		return check_set_enabled(sv, 0, action[0] == 'e');
	else if (strcmp(action, "dagent") == 0 || strcmp(action, "eagent") == 0)
		return check_set_enabled(sv, 1, action[0] == 'e');
	else if (strcmp(action, "hrunn") == 0 && sv->check)
		srv_set_oper(sv, 1, "changed from the stats page");
	else if (strcmp(action, "hdown") == 0 && sv->check)
		srv_set_oper(sv, 0, "changed from the stats page");
	else if (strcmp(action, "shutdown") == 0)
		srv_sess_shutdown(sv, TERM_KILLED);
	else
		return -1;
	return 0;
}

/* Returns the result code of HAProxy's page (DONE, NONE, PART, ERRP). */
static const char *admin_post(const struct stats_page_req *req)
{
	char *body, *tok, *save = NULL;
	char *servers[64];
	unsigned nsrv = 0, ok = 0;
	const char *action = NULL;
	struct proxy *be = NULL;

	if (!req->admin)
		return "DENY";
	body = strndup(req->body ? req->body : "", req->body_len);
	if (!body)
		return "EXCD";
	for (tok = strtok_r(body, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		form_decode(eq + 1);
		if (strcmp(tok, "s") == 0 && nsrv < 64)
			servers[nsrv++] = eq + 1;
		else if (strcmp(tok, "action") == 0)
			action = eq + 1;
		else if (strcmp(tok, "b") == 0) {
			const char *v = eq + 1;

			if (*v == '#') {
				unsigned long id = strtoul(v + 1, NULL, 10);

				for (struct proxy *px = lbd.conf->proxies; px; px = px->next)
					if (px->uuid == id && (px->cap & PR_CAP_BE))
						be = px;
			} else {
				be = proxy_find(lbd.conf, v, PR_CAP_BE);
			}
		}
	}
	if (!be || !action || !*action) {
		free(body);
		return "ERRP";
	}
	if (!nsrv) {
		free(body);
		return "NONE";
	}
	for (unsigned i = 0; i < nsrv; i++) {
		struct server *sv = proxy_find_server(be, servers[i]);

		if (sv && admin_apply(sv, action) == 0)
			ok++;
	}
	free(body);
	return ok == nsrv ? "DONE" : ok ? "PART" : "ERRP";
}

void stats_page_build(struct stats_page_req *r, struct sbuf *out, char *extra,
		      size_t extra_len, const char **ctype)
{
	const char *base = r->conf->stats_uri ? r->conf->stats_uri : "/haproxy?stats";
	const char *opts = r->uri + strlen(base);
	const char *st = NULL;
	char stbuf[8];

	r->status = 200;
	if (r->post) {
		const char *res = admin_post(r);

		r->status = 303;
		snprintf(extra, extra_len, "Location: %s;st=%s\r\n", base, res);
		*ctype = "text/plain";
		return;
	}
	/* ";csv", ";json", ";norefresh", ";st=XXXX", "?stats;csv" ... */
	if (strstr(opts, ";csv")) {
		struct stats_filter flt = { .iid = -1, .types = 7, .sid = -1 };

		*ctype = "text/plain";
		stats_dump(out, STATS_FMT_CSV, &flt);
		return;
	}
	if (strstr(opts, ";json")) {
		struct stats_filter flt = { .iid = -1, .types = 7, .sid = -1 };

		*ctype = "application/json";
		stats_dump(out, STATS_FMT_JSON, &flt);
		return;
	}
	{
		const char *p = strstr(opts, ";st=");

		if (p && sscanf(p + 4, "%4[A-Z]", stbuf) == 1)
			st = stbuf;
	}
	*ctype = "text/html";
	page_html(out, r, st);
}
