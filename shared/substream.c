/*
 * substream.c - following an event stream (see substream.h).
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

#include "substream.h"

#define LINE_MAX_LEN	1024
#define WORDS_MAX	32
#define BACKOFF_MIN	0.02	/* s: first reconnection */
#define BACKOFF_MAX	1.0

struct substream {
	struct ev_loop *loop;
	char path[108];
	char peer[16];
	unsigned hb_timeout_ms;
	const struct substream_ops *ops;
	void *arg;
	int fd;
	ev_io rio, wio;
	ev_timer hb;			/* watchdog */
	ev_timer retry;
	ev_timer grace;			/* "bye reloading": the successor's time */
	int moving;
	double backoff;
	int greeted;
	unsigned long pid;
	size_t inlen;
	char in[LINE_MAX_LEN];
};

static void ss_connect(struct substream *s);

static void ss_close(struct substream *s)
{
	ev_io_stop(s->loop, &s->rio);
	ev_io_stop(s->loop, &s->wio);
	ev_timer_stop(s->loop, &s->hb);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->inlen = 0;
	s->greeted = 0;
}

static void ss_fail(struct substream *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ss_fail(struct substream *s, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ss_close(s);
	if (s->moving) {
		/* the peer's successor is on its way: quiet, quick retries
		 * until the grace timer says otherwise */
		ev_timer_set(&s->retry, BACKOFF_MIN, 0.);
		ev_timer_start(s->loop, &s->retry);
		return;
	}
	ev_timer_set(&s->retry, s->backoff, 0.);
	ev_timer_start(s->loop, &s->retry);
	s->backoff *= 2;
	if (s->backoff > BACKOFF_MAX)
		s->backoff = BACKOFF_MAX;
	s->ops->down(s->arg, why);
}

static int split(char *p, char **w)
{
	int n = 0;

	while (*p && n < WORDS_MAX) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w[n++] = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* One line; 0, or -1 once the link failed. */
static int ss_line(struct substream *s, char *line)
{
	char *w[WORDS_MAX];
	int n = split(line, w);

	if (n == 0)
		return 0;
	if (!s->greeted) {
		if (n < 4 || strcmp(w[0], s->peer) != 0 || strcmp(w[1], "1") != 0 ||
		    strcmp(w[2], "pid") != 0) {
			ss_fail(s, "%s does not speak the event protocol 1", s->peer);
			return -1;
		}
		s->greeted = 1;
		s->pid = strtoul(w[3], NULL, 10);
		return 0;
	}
	if (strcmp(w[0], "hb") == 0) {
		ev_timer_again(s->loop, &s->hb);
		return 0;
	}
	if (strcmp(w[0], "bye") == 0) {
		if (n > 1 && strcmp(w[1], "reloading") == 0 && s->ops->moving &&
		    !s->moving) {
			ss_close(s);
			s->moving = 1;
			s->backoff = BACKOFF_MIN;
			ev_timer_set(&s->grace, s->hb_timeout_ms / 1000.0, 0.);
			ev_timer_start(s->loop, &s->grace);
			ev_timer_set(&s->retry, 0., 0.);
			ev_timer_start(s->loop, &s->retry);
			s->ops->moving(s->arg);
			return -1;
		}
		ss_fail(s, "%s is %s", s->peer, n > 1 ? w[1] : "leaving");
		return -1;
	}
	if (strcmp(w[0], "sync") == 0) {
		s->backoff = BACKOFF_MIN;
		ev_timer_again(s->loop, &s->hb);
		s->moving = 0;
		ev_timer_stop(s->loop, &s->grace);
	}
	s->ops->line(s->arg, n, w);
	return s->fd < 0 ? -1 : 0;
}

/* The complete lines received; 0, or -1 once the link failed. */
static int ss_process(struct substream *s)
{
	char *p = s->in, *nl;

	while ((nl = memchr(p, '\n', s->inlen - (size_t)(p - s->in)))) {
		*nl = '\0';
		if (ss_line(s, p) < 0)
			return -1;
		p = nl + 1;
	}
	s->inlen -= (size_t)(p - s->in);
	memmove(s->in, p, s->inlen);
	if (s->inlen == sizeof(s->in)) {
		ss_fail(s, "a line from %s is longer than %d bytes", s->peer,
			LINE_MAX_LEN);
		return -1;
	}
	return 0;
}

static void ss_read_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct substream *s = io->data;
	ssize_t n = read(s->fd, s->in + s->inlen, sizeof(s->in) - s->inlen);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			ss_fail(s, "reading from %s: %s", s->peer, strerror(errno));
		return;
	}
	if (n == 0) {
		ss_fail(s, "%s closed the connection", s->peer);
		return;
	}
	s->inlen += (size_t)n;
	ss_process(s);
}

void substream_feed(struct substream *s, const char *data, size_t n)
{
	while (n) {
		size_t k = sizeof(s->in) - s->inlen;

		if (k > n)
			k = n;
		memcpy(s->in + s->inlen, data, k);
		s->inlen += k;
		data += k;
		n -= k;
		if (ss_process(s) < 0)
			return;
	}
}

static void ss_hb_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct substream *s = t->data;

	ss_fail(s, "no heartbeat from %s for %u ms", s->peer, s->hb_timeout_ms);
}

static void ss_grace_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct substream *s = t->data;

	s->moving = 0;
	ss_fail(s, "%s did not come back within %u ms of its reload", s->peer,
		s->hb_timeout_ms);
}

static void ss_retry_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	ss_connect(t->data);
}

static void ss_subscribe(struct substream *s)
{
	unsigned hb = s->hb_timeout_ms / 3;
	char cmd[64];
	int len;

	if (hb < 10)
		hb = 10;
	len = snprintf(cmd, sizeof(cmd), "subscribe heartbeat %u\n", hb);
	/* a few bytes on a new connection: the socket buffer takes them */
	if (send(s->fd, cmd, (size_t)len, MSG_NOSIGNAL) != len) {
		ss_fail(s, "cannot write to %s: %s", s->path, strerror(errno));
		return;
	}
	s->ops->reset(s->arg);
	ev_io_start(s->loop, &s->rio);
}

static void ss_connected_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct substream *s = io->data;
	int err = 0;
	socklen_t len = sizeof(err);

	ev_io_stop(loop, &s->wio);
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err) {
		ss_fail(s, "cannot connect to %s: %s", s->path, strerror(err));
		return;
	}
	ss_subscribe(s);
}

static void ss_connect(struct substream *s)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	memcpy(sun.sun_path, s->path, strlen(s->path) + 1);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		ss_fail(s, "socket: %s", strerror(errno));
		return;
	}
	ev_io_set(&s->rio, s->fd, EV_READ);
	ev_io_set(&s->wio, s->fd, EV_WRITE);
	/* the watchdog also covers a connect or a greeting that never comes */
	s->hb.repeat = s->hb_timeout_ms / 1000.0;
	ev_timer_again(s->loop, &s->hb);
	if (connect(s->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		ss_subscribe(s);
		return;
	}
	if (errno == EINPROGRESS || errno == EAGAIN) {
		ev_io_start(s->loop, &s->wio);
		return;
	}
	ss_fail(s, "cannot connect to %s: %s", s->path, strerror(errno));
}

struct substream *substream_new(struct ev_loop *loop, const char *path,
				const char *peer, unsigned hb_timeout_ms,
				const struct substream_ops *ops, void *arg)
{
	struct substream *s;

	if (strlen(path) >= sizeof(s->path) || strlen(peer) >= sizeof(s->peer))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->loop = loop;
	strcpy(s->path, path);
	strcpy(s->peer, peer);
	s->hb_timeout_ms = hb_timeout_ms;
	s->ops = ops;
	s->arg = arg;
	s->fd = -1;
	s->backoff = BACKOFF_MIN;
	ev_init(&s->rio, ss_read_cb);
	ev_init(&s->wio, ss_connected_cb);
	ev_init(&s->hb, ss_hb_cb);
	ev_init(&s->retry, ss_retry_cb);
	ev_init(&s->grace, ss_grace_cb);
	s->rio.data = s->wio.data = s->hb.data = s->retry.data = s->grace.data = s;
	ss_connect(s);
	return s;
}

unsigned long substream_pid(const struct substream *s)
{
	return s->pid;
}

void substream_free(struct substream *s)
{
	if (!s)
		return;
	ss_close(s);
	ev_timer_stop(s->loop, &s->retry);
	ev_timer_stop(s->loop, &s->grace);
	free(s);
}
