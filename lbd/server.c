/*
 * server.c - a server's lifecycle (see server.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "log.h"
#include "proxy.h"
#include "server.h"
#include "session.h"
#include "slowstart.h"
#include "srv_sess.h"
#include "worker.h"

void srv_log(struct server *srv, int level, const char *fmt, ...)
{
	struct proxy *be = srv->be;
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (level <= 4)
		log_warnx("%s", line);
	else
		log_notice("%s", line);
	for (unsigned i = 0; i < be->nlogs; i++)
		slog_send(&be->logs[i], level, lbd.conf->global.log_send_hostname,
			  lbd.conf->global.log_tag ? lbd.conf->global.log_tag : "lbd",
			  lbd.pid, line, (size_t)n);
}

static struct {
	srv_watch_fn fn;
	void *arg;
} srv_watchers[SRV_WATCH_MAX];

int srv_watch_add(srv_watch_fn fn, void *arg)
{
	for (int i = 0; i < SRV_WATCH_MAX; i++)
		if (!srv_watchers[i].fn) {
			srv_watchers[i].fn = fn;
			srv_watchers[i].arg = arg;
			return 0;
		}
	return -1;
}

void srv_watch_del(srv_watch_fn fn, void *arg)
{
	for (int i = 0; i < SRV_WATCH_MAX; i++)
		if (srv_watchers[i].fn == fn && srv_watchers[i].arg == arg)
			srv_watchers[i].fn = NULL;
}

static enum srv_state srv_effective(const struct server *srv)
{
	if (srv->admin & SRV_ADMF_MAINT)
		return SRV_ST_MAINT;
	if (!srv->oper_up)
		return SRV_ST_DOWN;
	if (srv->admin & SRV_ADMF_FDRAIN)
		return SRV_ST_DRAIN;
	return SRV_ST_UP;
}

unsigned long long srv_downtime(const struct server *srv)
{
	unsigned long long t = srv->downtime;

	if (srv->down_since)
		t += (unsigned long long)time(NULL) - srv->down_since;
	return t;
}

/* on-marked-down shutdown-sessions: a DOWN server's sessions are cut;
 * on-marked-up shutdown-backup-sessions: an active server back UP with a
 * weight cuts the backups' sessions. */
static void srv_shutdown_sessions(struct server *srv, enum srv_state st)
{
	if (st == SRV_ST_DOWN && srv->on_marked_down == SRV_ON_SHUTDOWN_SESSIONS)
		srv_sess_shutdown(srv, TERM_DOWN);
	if (st != SRV_ST_UP || srv->on_marked_up != SRV_ON_SHUTDOWN_BACKUP_SESSIONS ||
	    (srv->flags & SRV_F_BACKUP) || !srv->uweight)
		return;
	for (struct server *b = srv->be->servers; b; b = b->next)
		if (b->flags & SRV_F_BACKUP)
			srv_sess_shutdown(b, TERM_UP);
}

static const char *srv_backup_note(const struct backend_change *ch)
{
	return ch->act == 0 && ch->bck > 0 ? " Running on backup." : "";
}

/* Apply the effective state; log what changed in HAProxy's wording. */
static void srv_apply(struct server *srv, enum srv_state old, const char *why,
		      const char *reason)
{
	struct proxy *be = srv->be;
	enum srv_state st = srv_effective(srv);
	struct backend_change ch;
	uint64_t now = (uint64_t)time(NULL);
	char rs[400];

	/* back from a failure or maintenance (not from a drain): ramp up */
	if (st == SRV_ST_UP && (old == SRV_ST_DOWN || old == SRV_ST_MAINT) &&
	    slowstart_begin(srv) < 0)
		log_warnx("%s/%s: no memory for its slow start", be->id, srv->id);
	backend_server_state(srv, st, &ch);
	if (!ch.changed)
		return;
	if (st == SRV_ST_DOWN || st == SRV_ST_MAINT)
		slowstart_stop(srv);
	srv->last_change = now;
	if (st == SRV_ST_DOWN && !srv->down_since) {
		srv->down_since = now;
		atomic_fetch_add(&srv->chk_down, 1);
	} else if (st != SRV_ST_DOWN && srv->down_since) {
		srv->downtime += now - srv->down_since;
		srv->down_since = 0;
	}
	rs[0] = '\0';
	if (reason)
		snprintf(rs, sizeof(rs), " (%s)", reason);
	if (st == SRV_ST_MAINT)
		srv_log(srv, 5, "Server %s/%s is going DOWN for maintenance%s. %u active "
			"and %u backup servers left.%s %u sessions active, %u requeued, "
			"%u remaining in queue.", be->id, srv->id, rs, ch.act, ch.bck,
			srv_backup_note(&ch), ch.active, ch.requeued, ch.queued);
	else if (old == SRV_ST_MAINT)
		srv_log(srv, 5, "Server %s/%s is %s (leaving %s maintenance)%s.", be->id,
			srv->id, st == SRV_ST_DOWN ? "DOWN" : st == SRV_ST_DRAIN ?
			"DRAIN" : "UP/READY", why, rs);
	else if (st == SRV_ST_DRAIN && old == SRV_ST_UP)
		srv_log(srv, 5, "Server %s/%s enters drain state%s. %u active and %u "
			"backup servers online.%s %u sessions requeued, %u total in queue.",
			be->id, srv->id, rs, ch.act, ch.bck, srv_backup_note(&ch),
			ch.requeued, ch.queued);
	else if (st == SRV_ST_UP && old == SRV_ST_DRAIN)
		srv_log(srv, 5, "Server %s/%s is UP (leaving %s drain)%s.", be->id,
			srv->id, why, rs);
	else if (st == SRV_ST_DOWN)
		srv_log(srv, 1, "Server %s/%s is DOWN, reason: %s. %u active and %u "
			"backup servers left.%s %u sessions active, %u requeued, %u "
			"remaining in queue.", be->id, srv->id, reason ? reason : why,
			ch.act, ch.bck, srv_backup_note(&ch), ch.active, ch.requeued,
			ch.queued);
	else
		srv_log(srv, 5, "Server %s/%s is UP, reason: %s. %u active and %u "
			"backup servers online.%s %u sessions requeued, %u total in "
			"queue.", be->id, srv->id, reason ? reason : why, ch.act,
			ch.bck, srv_backup_note(&ch), ch.requeued, ch.queued);
	if (st != SRV_ST_UP && st != SRV_ST_DRAIN && ch.act + ch.bck == 0 &&
	    (old == SRV_ST_UP || old == SRV_ST_DRAIN)) {
		srv_log(srv, 0, "backend %s has no server available!", be->id);
		if (!be->down_since) {
			be->down_since = now;
			atomic_fetch_add(&be->chk_down, 1);
		}
	} else if (ch.act + ch.bck > 0 && be->down_since) {
		be->downtime += now - be->down_since;
		be->down_since = 0;
	}
	be->last_change = now;
	srv_shutdown_sessions(srv, st);
	for (int i = 0; i < SRV_WATCH_MAX; i++)
		if (srv_watchers[i].fn)
			srv_watchers[i].fn(srv, old, st, srv_watchers[i].arg);
}

void srv_set_oper(struct server *srv, int up, const char *reason)
{
	enum srv_state old = srv->state;

	if (srv->oper_up == !!up)
		return;
	srv->oper_up = !!up;
	srv_apply(srv, old, "check", reason);
}

void srv_set_admin(struct server *srv, unsigned bits, int on, const char *reason)
{
	enum srv_state old = srv->state;
	unsigned prev = srv->admin;

	if (on)
		srv->admin |= bits;
	else
		srv->admin &= ~bits;
	if (srv->admin == prev)
		return;
	srv_apply(srv, old, "forced", reason);
}

int srv_set_admin_state(struct server *srv, const char *word)
{
	if (strcmp(word, "ready") == 0) {
		srv_set_admin(srv, SRV_ADMF_MAINT | SRV_ADMF_FDRAIN, 0, NULL);
	} else if (strcmp(word, "drain") == 0) {
		srv_set_admin(srv, SRV_ADMF_MAINT, 0, NULL);
		srv_set_admin(srv, SRV_ADMF_FDRAIN, 1, NULL);
	} else if (strcmp(word, "maint") == 0) {
		srv_set_admin(srv, SRV_ADMF_FMAINT, 1, NULL);
	} else {
		return -1;
	}
	return 0;
}

void srv_init(struct server *s)
{
	s->admin = (s->flags & SRV_F_DISABLED) ? SRV_ADMF_CMAINT : 0;
	s->oper_up = 1;
	s->iweight = s->uweight;
	s->state = s->admin ? SRV_ST_MAINT : SRV_ST_UP;
	/* fastinter and downinter default to inter, as HAProxy */
	if (!s->fastinter)
		s->fastinter = s->inter;
	if (!s->downinter)
		s->downinter = s->inter;
	if (!s->agent_inter)
		s->agent_inter = s->inter;
	s->lb.id = s->puid;
	s->lb.maxconn = s->maxconn;
	s->lb.backup = !!(s->flags & SRV_F_BACKUP);
}
