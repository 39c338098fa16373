/*
 * observe.c - counting traffic errors against servers (see observe.h).
 * Counting is a relaxed atomic per server, so any thread reports; the
 * action runs on the first worker, which owns the checks.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "check.h"
#include "log.h"
#include "observe.h"
#include "proxy.h"
#include "worker.h"

/* HAProxy's words, as they end its "Detected N consecutive errors" line */
const char *const obs_event_names[OBS_EVENT_COUNT] = {
	"L4 successful connection", "L4 unsuccessful connection",
	"L4 unsuccessful connection", "Wrong http response",
	"Invalid http response", "Read error (http)", "Read timeout (http)",
};

/* What a tripped server needs: the trip is handled on the checks' thread. */
struct obs_trip {
	struct server *srv;
	enum obs_event last;
	unsigned count;
};

int observe_status_is_error(int status)
{
	return status >= 500 && status != 501 && status != 505;
}

static void observe_trip_cb(struct worker *w, void *arg)
{
	struct obs_trip *t = arg;

	check_observe_trip(t->srv, t->count, obs_event_names[t->last]);
	free(t);
}

void observe_report(struct server *srv, enum obs_event ev, int status)
{
	struct obs_trip *t;
	int l7 = ev >= OBS_HTTP_STATUS;
	unsigned n;

	if (!srv || srv->observe == SRV_OBS_NONE || !srv->check)
		return;
	if (l7 && srv->observe != SRV_OBS_LAYER7)
		return;
	/* a good answer clears the count of its layer; under layer 7 a
	 * connect alone proves nothing */
	if (ev == OBS_CONN_OK && srv->observe == SRV_OBS_LAYER7)
		return;
	if (ev == OBS_CONN_OK ||
	    (ev == OBS_HTTP_STATUS && !observe_status_is_error(status))) {
		if (atomic_load_explicit(&srv->obs_errors, memory_order_relaxed))
			atomic_store_explicit(&srv->obs_errors, 0, memory_order_relaxed);
		return;
	}
	n = atomic_fetch_add_explicit(&srv->obs_errors, 1, memory_order_relaxed) + 1;
	if (n != srv->error_limit)
		return;
	/* exactly one reporter sees the limit reached: it clears and acts */
	atomic_store_explicit(&srv->obs_errors, 0, memory_order_relaxed);
	t = malloc(sizeof(*t));
	if (t) {
		t->srv = srv;
		t->last = ev;
		t->count = n;
	}
	if (!t || worker_call(&lbd.workers[0], observe_trip_cb, t) < 0) {
		log_warnx("%s/%s: no memory to act on %u consecutive errors",
			  srv->be->id, srv->id, n);
		free(t);
	}
}
