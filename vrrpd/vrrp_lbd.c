/*
 * vrrp_lbd.c - vrrp_track_lbd (see vrrp_lbd.h, docs/events.md).
 *
 * One event stream (shared/substream.c) per tracker from lbd's stats
 * socket: the greeting, one line per frontend and backend, "sync", then a
 * line per change and "hb N" every third of heartbeat_timeout. Only
 * heartbeats (and the sync) feed the watchdog: lbd withholds them while
 * any of its threads is stuck, so a hung lbd is seen even when its first
 * thread still writes events.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "log.h"
#include "substream.h"
#include "vrrp_conf.h"
#include "vrrp_lbd.h"

struct lbd_link {
	struct vrrp_lbd *owner;
	const struct vrrp_conf_lbd *c;
	struct substream *ss;
	int synced;			/* the whole state was read */
	int ok;				/* the verdict */
	int *fe;			/* per frontend: 1 up, 0 not, -1 unknown */
	long *be;			/* per backend: usable servers, -1 unknown */
	char why[200];
};

struct vrrp_lbd {
	struct vrrp_lbd *next;		/* live trackers (at most two: reload) */
	struct ev_loop *loop;
	vrrp_lbd_change_fn cb;
	void *arg;
	struct lbd_link *links;
	size_t nlinks;
};

static struct vrrp_lbd *live;

static void link_verdict(struct lbd_link *k, int ok)
{
	if (ok == k->ok)
		return;
	k->ok = ok;
	if (ok) {
		k->why[0] = '\0';
		log_info("VRRP_Track_lbd(%s): lbd (pid %lu) is healthy",
			 k->c->name, substream_pid(k->ss));
	} else {
		log_warnx("VRRP_Track_lbd(%s): failed: %s", k->c->name, k->why);
	}
	k->owner->cb(k->owner->arg);
}

static void link_down(void *arg, const char *why)
{
	struct lbd_link *k = arg;

	k->synced = 0;
	snprintf(k->why, sizeof(k->why), "%s", why);
	if (!k->ok)
		log_debug("VRRP_Track_lbd(%s): %s", k->c->name, why);
	link_verdict(k, 0);
}

static void link_reset(void *arg)
{
	struct lbd_link *k = arg;

	k->synced = 0;
	for (size_t i = 0; i < k->c->nfrontends; i++)
		k->fe[i] = -1;
	for (size_t i = 0; i < k->c->nbackends; i++)
		k->be[i] = -1;
}

static void link_eval(struct lbd_link *k)
{
	const struct vrrp_conf_lbd *c = k->c;

	if (!k->synced)
		return;
	for (size_t i = 0; i < c->nfrontends; i++)
		if (k->fe[i] != 1) {
			snprintf(k->why, sizeof(k->why), "frontend %s is %s",
				 c->frontends[i], k->fe[i] < 0 ?
				 "not in lbd's configuration" : "not listening");
			link_verdict(k, 0);
			return;
		}
	for (size_t i = 0; i < c->nbackends; i++)
		if (k->be[i] < (long)c->backends[i].min_up) {
			if (k->be[i] < 0)
				snprintf(k->why, sizeof(k->why),
					 "backend %s is not in lbd's configuration",
					 c->backends[i].name);
			else
				snprintf(k->why, sizeof(k->why),
					 "backend %s has %ld usable servers "
					 "(min_up %u)", c->backends[i].name,
					 k->be[i], c->backends[i].min_up);
			link_verdict(k, 0);
			return;
		}
	link_verdict(k, 1);
}

/* A state line from lbd. */
static void link_line(void *arg, int n, char **w)
{
	struct lbd_link *k = arg;
	const struct vrrp_conf_lbd *c = k->c;

	if (strcmp(w[0], "frontend") == 0 && n >= 3) {
		for (size_t i = 0; i < c->nfrontends; i++)
			if (strcmp(c->frontends[i], w[1]) == 0)
				k->fe[i] = strcmp(w[2], "up") == 0;
	} else if (strcmp(w[0], "backend") == 0 && n >= 4 &&
		   strcmp(w[2], "usable") == 0) {
		char *end;
		long v = strtol(w[3], &end, 10);

		if (*end || v < 0)
			return;
		for (size_t i = 0; i < c->nbackends; i++)
			if (strcmp(c->backends[i].name, w[1]) == 0)
				k->be[i] = v;
	} else if (strcmp(w[0], "sync") == 0) {
		k->synced = 1;
	} else {
		return;		/* later protocol additions */
	}
	link_eval(k);
}

/* lbd reloads (master-worker, -sf): its next process takes over on the
 * same socket; the verdict stands while the link reconnects. */
static void link_moving(void *arg)
{
	struct lbd_link *k = arg;

	k->synced = 0;
	log_info("VRRP_Track_lbd(%s): lbd is reloading: the verdict stands while "
		 "its new process answers", k->c->name);
}

static const struct substream_ops link_ops = {
	.reset = link_reset,
	.line = link_line,
	.down = link_down,
	.moving = link_moving,
};

/* The verdict of the same tracker in a live generation, else 0. */
static int inherited_verdict(const struct vrrp_conf_lbd *c)
{
	for (struct vrrp_lbd *l = live; l; l = l->next)
		for (size_t i = 0; i < l->nlinks; i++)
			if (strcmp(l->links[i].c->name, c->name) == 0 &&
			    strcmp(l->links[i].c->socket, c->socket) == 0)
				return l->links[i].ok;
	return 0;
}

struct vrrp_lbd *vrrp_lbd_new(struct ev_loop *loop, const struct vrrp_conf *c,
			      vrrp_lbd_change_fn cb, void *arg)
{
	struct vrrp_lbd *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->loop = loop;
	l->cb = cb;
	l->arg = arg;
	l->links = calloc(c->nlbds + 1, sizeof(*l->links));
	if (!l->links) {
		free(l);
		return NULL;
	}
	for (size_t i = 0; i < c->nlbds; i++) {
		struct lbd_link *k = &l->links[i];

		k->owner = l;
		k->c = &c->lbds[i];
		k->fe = calloc(k->c->nfrontends + 1, sizeof(*k->fe));
		k->be = calloc(k->c->nbackends + 1, sizeof(*k->be));
		if (!k->fe || !k->be) {
			l->nlinks = i + 1;
			vrrp_lbd_free(l);
			return NULL;
		}
		k->ok = inherited_verdict(k->c);
		snprintf(k->why, sizeof(k->why), "not connected to lbd yet");
	}
	l->nlinks = c->nlbds;
	l->next = live;
	live = l;
	for (size_t i = 0; i < l->nlinks; i++) {
		struct lbd_link *k = &l->links[i];

		k->ss = substream_new(loop, k->c->socket, "lbd",
				      k->c->hb_timeout_ms, &link_ops, k);
		if (!k->ss) {
			vrrp_lbd_free(l);
			return NULL;
		}
	}
	return l;
}

void vrrp_lbd_free(struct vrrp_lbd *l)
{
	if (!l)
		return;
	for (struct vrrp_lbd **pp = &live; *pp; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	for (size_t i = 0; i < l->nlinks; i++) {
		struct lbd_link *k = &l->links[i];

		substream_free(k->ss);
		free(k->fe);
		free(k->be);
	}
	free(l->links);
	free(l);
}

void vrrp_lbd_feed(struct vrrp_lbd *l, size_t i, const char *data, size_t n)
{
	if (i < l->nlinks)
		substream_feed(l->links[i].ss, data, n);
}

static const struct lbd_link *find(const struct vrrp_lbd *l, const char *name)
{
	for (size_t i = 0; l && i < l->nlinks; i++)
		if (strcmp(l->links[i].c->name, name) == 0)
			return &l->links[i];
	return NULL;
}

int vrrp_lbd_ok(const struct vrrp_lbd *l, const char *name)
{
	const struct lbd_link *k = find(l, name);

	return k ? k->ok : -1;
}

const char *vrrp_lbd_why(const struct vrrp_lbd *l, const char *name)
{
	const struct lbd_link *k = find(l, name);

	return k && !k->ok ? k->why : "";
}
