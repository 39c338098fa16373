/*
 * vrrp_lbd.c - vrrp_track_lbd (see vrrp_lbd.h, docs/events.md).
 *
 * One connection per tracker to lbd's stats socket. After "subscribe
 * heartbeat H" (H a third of heartbeat_timeout) lbd sends a greeting, one
 * line per frontend and backend, "sync", then a line per change and "hb N"
 * every H ms. Only heartbeats (and the sync) feed the watchdog: lbd
 * withholds them while any of its threads is stuck, so a hung lbd is seen
 * even when its first thread still writes events.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <ev.h>

#include "log.h"
#include "vrrp_conf.h"
#include "vrrp_lbd.h"

#define LINK_LINE_MAX	1024
#define BACKOFF_MIN	0.02	/* s: first reconnection */
#define BACKOFF_MAX	1.0

struct lbd_link {
	struct vrrp_lbd *owner;
	const struct vrrp_conf_lbd *c;
	int fd;
	ev_io rio, wio;
	ev_timer hb;			/* heartbeat watchdog */
	ev_timer retry;
	double backoff;
	int synced;			/* the whole state was read */
	int ok;				/* the verdict */
	unsigned long pid;		/* lbd's, from its greeting */
	int *fe;			/* per frontend: 1 up, 0 not, -1 unknown */
	long *be;			/* per backend: usable servers, -1 unknown */
	size_t inlen;
	char in[LINK_LINE_MAX];
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

static void link_connect(struct lbd_link *k);

static void link_verdict(struct lbd_link *k, int ok)
{
	if (ok == k->ok)
		return;
	k->ok = ok;
	if (ok) {
		k->why[0] = '\0';
		log_info("VRRP_Track_lbd(%s): lbd (pid %lu) is healthy",
			 k->c->name, k->pid);
	} else {
		log_warnx("VRRP_Track_lbd(%s): failed: %s", k->c->name, k->why);
	}
	k->owner->cb(k->owner->arg);
}

static void link_close(struct lbd_link *k)
{
	struct ev_loop *loop = k->owner->loop;

	ev_io_stop(loop, &k->rio);
	ev_io_stop(loop, &k->wio);
	ev_timer_stop(loop, &k->hb);
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	k->synced = 0;
	k->inlen = 0;
}

static void link_fail(struct lbd_link *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void link_fail(struct lbd_link *k, const char *fmt, ...)
{
	struct ev_loop *loop = k->owner->loop;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->why, sizeof(k->why), fmt, ap);
	va_end(ap);
	link_close(k);
	if (!k->ok)
		log_debug("VRRP_Track_lbd(%s): %s", k->c->name, k->why);
	link_verdict(k, 0);
	ev_timer_set(&k->retry, k->backoff, 0.);
	ev_timer_start(loop, &k->retry);
	k->backoff *= 2;
	if (k->backoff > BACKOFF_MAX)
		k->backoff = BACKOFF_MAX;
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

/* Split at blanks, in place; returns the word count (at most max). */
static int split(char *s, char **w, int max)
{
	int n = 0;

	while (*s && n < max) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		w[n++] = s;
		while (*s && *s != ' ')
			s++;
		if (*s)
			*s++ = '\0';
	}
	return n;
}

/* One line from lbd; 0, or -1 when the link failed. */
static int link_line(struct lbd_link *k, char *line)
{
	const struct vrrp_conf_lbd *c = k->c;
	char *w[8];
	int n = split(line, w, 8);

	if (n == 0)
		return 0;
	if (strcmp(w[0], "hb") == 0) {
		ev_timer_again(k->owner->loop, &k->hb);
		return 0;
	}
	if (strcmp(w[0], "lbd") == 0) {
		if (n < 4 || strcmp(w[1], "1") != 0) {
			link_fail(k, "lbd speaks protocol %s, not 1",
				  n > 1 ? w[1] : "?");
			return -1;
		}
		k->pid = strtoul(w[3], NULL, 10);
		return 0;
	}
	if (strcmp(w[0], "frontend") == 0 && n >= 3) {
		for (size_t i = 0; i < c->nfrontends; i++)
			if (strcmp(c->frontends[i], w[1]) == 0)
				k->fe[i] = strcmp(w[2], "up") == 0;
	} else if (strcmp(w[0], "backend") == 0 && n >= 4 &&
		   strcmp(w[2], "usable") == 0) {
		char *end;
		long v = strtol(w[3], &end, 10);

		if (*end || v < 0) {
			link_fail(k, "bad backend line from lbd");
			return -1;
		}
		for (size_t i = 0; i < c->nbackends; i++)
			if (strcmp(c->backends[i].name, w[1]) == 0)
				k->be[i] = v;
	} else if (strcmp(w[0], "sync") == 0) {
		k->synced = 1;
		k->backoff = BACKOFF_MIN;
		ev_timer_again(k->owner->loop, &k->hb);
	} else if (strcmp(w[0], "bye") == 0) {
		link_fail(k, "lbd is %s", n > 1 ? w[1] : "leaving");
		return -1;
	} else {
		return 0;	/* later protocol additions */
	}
	link_eval(k);
	return 0;
}

static void link_read_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct lbd_link *k = io->data;
	ssize_t n = read(k->fd, k->in + k->inlen, sizeof(k->in) - k->inlen);
	char *p, *nl;

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		link_fail(k, "reading from lbd: %s", strerror(errno));
		return;
	}
	if (n == 0) {
		link_fail(k, "lbd closed the connection");
		return;
	}
	k->inlen += (size_t)n;
	p = k->in;
	while ((nl = memchr(p, '\n', k->inlen - (size_t)(p - k->in)))) {
		*nl = '\0';
		if (link_line(k, p) < 0)
			return;
		p = nl + 1;
	}
	k->inlen -= (size_t)(p - k->in);
	memmove(k->in, p, k->inlen);
	if (k->inlen == sizeof(k->in))
		link_fail(k, "a line from lbd is longer than %d bytes",
			  LINK_LINE_MAX);
}

static void link_hb_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct lbd_link *k = t->data;

	link_fail(k, "no heartbeat from lbd for %u ms%s", k->c->hb_timeout_ms,
		  k->synced ? "" : " (no state received)");
}

static void link_retry_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	link_connect(t->data);
}

/* Connected: ask for the stream. */
static void link_subscribe(struct lbd_link *k)
{
	struct ev_loop *loop = k->owner->loop;
	unsigned hb = k->c->hb_timeout_ms / 3;
	char cmd[64];
	int len;

	if (hb < 10)
		hb = 10;
	len = snprintf(cmd, sizeof(cmd), "subscribe heartbeat %u\n", hb);
	/* a few bytes on a new connection: the socket buffer takes them */
	if (send(k->fd, cmd, (size_t)len, MSG_NOSIGNAL) != len) {
		link_fail(k, "cannot write to %s: %s", k->c->socket,
			  strerror(errno));
		return;
	}
	for (size_t i = 0; i < k->c->nfrontends; i++)
		k->fe[i] = -1;
	for (size_t i = 0; i < k->c->nbackends; i++)
		k->be[i] = -1;
	ev_io_start(loop, &k->rio);
}

static void link_connected_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct lbd_link *k = io->data;
	int err = 0;
	socklen_t len = sizeof(err);

	ev_io_stop(loop, &k->wio);
	if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err) {
		link_fail(k, "cannot connect to %s: %s", k->c->socket,
			  strerror(err));
		return;
	}
	link_subscribe(k);
}

static void link_connect(struct lbd_link *k)
{
	struct ev_loop *loop = k->owner->loop;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	memcpy(sun.sun_path, k->c->socket, strlen(k->c->socket) + 1);
	k->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (k->fd < 0) {
		link_fail(k, "socket: %s", strerror(errno));
		return;
	}
	ev_io_set(&k->rio, k->fd, EV_READ);
	ev_io_set(&k->wio, k->fd, EV_WRITE);
	/* the watchdog covers a connect or a greeting that never comes */
	k->hb.repeat = k->c->hb_timeout_ms / 1000.0;
	ev_timer_again(loop, &k->hb);
	if (connect(k->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		link_subscribe(k);
		return;
	}
	if (errno == EINPROGRESS || errno == EAGAIN) {
		ev_io_start(loop, &k->wio);
		return;
	}
	link_fail(k, "cannot connect to %s: %s", k->c->socket, strerror(errno));
}

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
		k->fd = -1;
		k->fe = calloc(k->c->nfrontends + 1, sizeof(*k->fe));
		k->be = calloc(k->c->nbackends + 1, sizeof(*k->be));
		if (!k->fe || !k->be) {
			l->nlinks = i + 1;
			vrrp_lbd_free(l);
			return NULL;
		}
		k->ok = inherited_verdict(k->c);
		snprintf(k->why, sizeof(k->why), "not connected to lbd yet");
		k->backoff = BACKOFF_MIN;
		ev_init(&k->rio, link_read_cb);
		ev_init(&k->wio, link_connected_cb);
		ev_init(&k->hb, link_hb_cb);
		ev_init(&k->retry, link_retry_cb);
		k->rio.data = k->wio.data = k->hb.data = k->retry.data = k;
	}
	l->nlinks = c->nlbds;
	l->next = live;
	live = l;
	for (size_t i = 0; i < l->nlinks; i++)
		link_connect(&l->links[i]);
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

		if (k->owner) {
			link_close(k);
			ev_timer_stop(l->loop, &k->retry);
		}
		free(k->fe);
		free(k->be);
	}
	free(l->links);
	free(l);
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
