/*
 * events.c - the state published to runtime API subscribers (see events.h
 * and docs/events.md for the protocol).
 *
 * A backend line goes out when its count of usable servers changes (the
 * servers its balancing would pick now: the active ones, or when none is
 * left the backups, as HAProxy's nbsrv counts them), a frontend line when
 * a frontend is paused or resumed. The heartbeat proves more than the
 * first thread being alive: every worker stamps its loop's 100 ms tick and
 * the heartbeat is withheld while any of them is late by a second, so a
 * thread stuck in a loop shows as a hung lbd.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "events.h"
#include "log.h"
#include "proxy.h"
#include "sbuf.h"
#include "server.h"
#include "version.h"
#include "worker.h"

#define EVENTS_STALL_MS	1000	/* a worker this late withholds heartbeats */

static int events_on;
static atomic_int events_succ;

static unsigned be_usable(const struct proxy *be)
{
	return be->srv_act ? be->srv_act : be->srv_bck;
}

static void backend_line(struct sbuf *out, const struct proxy *be)
{
	sbuf_printf(out, "backend %s usable %u active %u backup %u total %u\n",
		    be->id, be_usable(be), be->srv_act, be->srv_bck,
		    be->nservers);
}

static const char *fe_state(const struct proxy *fe)
{
	if (fe->disabled || atomic_load(&lbd.stopping))
		return "stopped";
	return atomic_load(&fe->paused) ? "paused" : "up";
}

static void frontend_line(struct sbuf *out, const struct proxy *fe)
{
	sbuf_printf(out, "frontend %s %s\n", fe->id, fe_state(fe));
}

static void publish(struct sbuf *line)
{
	if (line->len)
		cli_stream_send(line->d, line->len);
	sbuf_free(line);
}

static void events_srv_cb(struct server *srv, enum srv_state old,
			  enum srv_state now, void *arg)
{
	struct proxy *be = srv->be;
	struct sbuf line = { 0 };

	(void)old, (void)now, (void)arg;
	/* one line per change of the count, not per server transition */
	if (be->ev_usable == be_usable(be) && be->ev_usable_sent)
		return;
	be->ev_usable = be_usable(be);
	be->ev_usable_sent = 1;
	backend_line(&line, be);
	publish(&line);
}

void events_start(void)
{
	if (events_on)
		return;
	if (srv_watch_add(events_srv_cb, NULL) < 0) {
		log_warnx("cannot watch server states for subscribers");
		return;
	}
	events_on = 1;
}

void events_stop(void)
{
	if (events_on)
		srv_watch_del(events_srv_cb, NULL);
	events_on = 0;
}

void events_snapshot(struct sbuf *out, unsigned hb_ms)
{
	sbuf_printf(out, "lbd %d pid %u version %s heartbeat %u\n",
		    EVENTS_PROTO, lbd.pid, LBD_VERSION, hb_ms);
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (px->cap & PR_CAP_FE)
			frontend_line(out, px);
		if (px->cap & PR_CAP_BE) {
			px->ev_usable = be_usable(px);
			px->ev_usable_sent = 1;
			backend_line(out, px);
		}
	}
	sbuf_puts(out, "sync\n");
}

int events_heartbeat(struct sbuf *out, unsigned long long seq)
{
	long long now = worker_mono_ms();

	for (unsigned i = 1; i < lbd.nworkers; i++)
		if (now - atomic_load(&lbd.workers[i].alive_ms) > EVENTS_STALL_MS)
			return 0;
	sbuf_printf(out, "hb %llu\n", seq);
	return 1;
}

void events_frontend(const struct proxy *fe)
{
	struct sbuf line = { 0 };

	frontend_line(&line, fe);
	publish(&line);
}

void events_bye(struct sbuf *out, const char *reason)
{
	sbuf_printf(out, "bye %s\n", reason);
}

void events_successor(void)
{
	atomic_store(&events_succ, 1);
}

const char *events_bye_reason(void)
{
	if (atomic_load(&lbd.stopping) != 1)
		return "exiting";
	return atomic_load(&events_succ) ? "reloading" : "stopping";
}
