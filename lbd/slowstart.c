/*
 * slowstart.c - the slow-start ramp of servers coming back UP (see
 * slowstart.h). A ramp is a repeating timer on the first worker's loop;
 * each tick sets the server's share under the backend's lock and the
 * balancing tables are rebuilt.
 */
#include <ev.h>
#include <stdlib.h>

#include "backend.h"
#include "proxy.h"
#include "slowstart.h"
#include "worker.h"

#define SLOWSTART_STEPS		20	/* updates per period */
#define SLOWSTART_MIN_STEP	0.05	/* seconds */

struct srv_ramp {
	ev_timer t;
	struct server *srv;
	ev_tstamp start;
};

unsigned slowstart_pct(double elapsed_ms, unsigned period_ms)
{
	double pct;

	if (!period_ms || elapsed_ms >= period_ms)
		return 100;
	if (elapsed_ms < 0)
		elapsed_ms = 0;
	pct = SLOWSTART_MIN_PCT + (100 - SLOWSTART_MIN_PCT) * elapsed_ms / period_ms;
	return pct >= 100 ? 100 : (unsigned)pct;
}

static void slowstart_tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct srv_ramp *r = t->data;
	unsigned pct = slowstart_pct((ev_now(loop) - r->start) * 1000.0,
				     r->srv->slowstart);

	backend_server_ramp(r->srv, pct);
	if (pct >= 100)
		slowstart_stop(r->srv);	/* done: nothing more to set */
}

int slowstart_begin(struct server *srv)
{
	struct ev_loop *loop;
	struct srv_ramp *r = srv->ramp;
	double step = srv->slowstart / 1000.0 / SLOWSTART_STEPS;

	if (!srv->slowstart || !lbd.workers)	/* no loop: nothing runs yet */
		return 0;
	loop = lbd.workers[0].loop;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return -1;
		r->srv = srv;
		ev_init(&r->t, slowstart_tick_cb);
		r->t.data = r;
		srv->ramp = r;
	}
	if (step < SLOWSTART_MIN_STEP)
		step = SLOWSTART_MIN_STEP;
	r->start = ev_now(loop);
	backend_server_ramp(srv, SLOWSTART_MIN_PCT);
	ev_timer_stop(loop, &r->t);
	ev_timer_set(&r->t, step, step);
	ev_timer_start(loop, &r->t);
	return 0;
}

void slowstart_stop(struct server *srv)
{
	struct srv_ramp *r = srv->ramp;

	if (!r)
		return;
	ev_timer_stop(lbd.workers[0].loop, &r->t);
	srv->ramp = NULL;
	free(r);
	/* a ramp cut short (the server left) must not leave a reduced share
	 * for a return without one (from a drain) */
	if (srv->ss_pct < 100)
		backend_server_ramp(srv, 100);
}
