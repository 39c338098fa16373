/*
 * errsnap.c - captured invalid messages (see errsnap.h). One snapshot per
 * direction and proxy, replaced by the next error; the copy is bounded by
 * the buffer size.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "errsnap.h"
#include "proxy.h"
#include "sbuf.h"
#include "session.h"
#include "worker.h"

#define ERRSNAP_MAX	16384

struct errsnap {
	struct timeval when;
	unsigned long long event;
	char src[INET6_ADDRSTRLEN + 8];
	char other[256];		/* the other side: backend/server or frontend */
	char reason[96];
	size_t len, pos;
	char data[];
};

static pthread_mutex_t errsnap_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long errsnap_events;

static void errsnap_src(const struct session *s, char *out, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned port = sockaddr_ip_port(&s->cli_addr.sa, ip, sizeof(ip));

	snprintf(out, len, "%s:%u", ip[0] ? ip : "?", port);
}

void errsnap_capture(struct session *s, int is_resp, const char *buf, size_t len,
		     size_t pos, const char *msg)
{
	struct proxy *px = is_resp ? s->t->be : s->fe;
	struct errsnap *e, *old;

	if (!px)
		return;
	if (len > ERRSNAP_MAX)
		len = ERRSNAP_MAX;
	e = malloc(sizeof(*e) + len);
	if (!e)
		return;
	gettimeofday(&e->when, NULL);
	errsnap_src(s, e->src, sizeof(e->src));
	if (is_resp)
		snprintf(e->other, sizeof(e->other), "frontend %s (#%u), server %s (#%d)",
			 s->fe->id, s->fe->uuid, s->t->srv ? s->t->srv->id : "<NONE>",
			 s->t->srv ? (int)s->t->srv->puid : -1);
	else
		snprintf(e->other, sizeof(e->other), "backend %s (#%d), server %s (#%d)",
			 s->t->be ? s->t->be->id : "<NONE>",
			 s->t->be ? (int)s->t->be->uuid : -1,
			 s->t->srv ? s->t->srv->id : "<NONE>",
			 s->t->srv ? (int)s->t->srv->puid : -1);
	snprintf(e->reason, sizeof(e->reason), "%s", msg ? msg : "");
	e->len = len;
	e->pos = pos < len ? pos : len;
	memcpy(e->data, buf, len);
	pthread_mutex_lock(&errsnap_lock);
	e->event = errsnap_events++;
	old = is_resp ? px->err_res : px->err_req;
	if (is_resp)
		px->err_res = e;
	else
		px->err_req = e;
	pthread_mutex_unlock(&errsnap_lock);
	free(old);
}

static void errsnap_date(struct sbuf *out, const struct timeval *tv)
{
	char date[64];
	struct tm tm;
	time_t t = tv->tv_sec;

	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%d/%b/%Y:%H:%M:%S", &tm);
	sbuf_printf(out, "[%s.%03ld]", date, (long)tv->tv_usec / 1000);
}

/* The bytes, one line per line of the message, long lines cut at 64
 * bytes; each starts with its offset. Non-printable bytes are escaped. */
static void errsnap_dump(struct sbuf *out, const struct errsnap *e)
{
	size_t i = 0;

	while (i < e->len) {
		size_t col = 0;

		sbuf_printf(out, "  %05zu  ", i);
		while (i < e->len && col < 64) {
			unsigned char c = (unsigned char)e->data[i++];

			if (c == '\n') {
				sbuf_puts(out, "\\n");
				break;
			}
			if (c == '\r')
				sbuf_puts(out, "\\r");
			else if (c == '\t')
				sbuf_puts(out, "\\t");
			else if (c == '\\')
				sbuf_puts(out, "\\\\");
			else if (c < 0x20 || c >= 0x7f)
				sbuf_printf(out, "\\x%02x", c);
			else
				sbuf_add(out, (const char *)&c, 1);
			col++;
		}
		sbuf_puts(out, "\n");
	}
}

static void errsnap_one(struct sbuf *out, const struct proxy *px, const struct errsnap *e,
			int is_resp)
{
	errsnap_date(out, &e->when);
	sbuf_printf(out, " %s %s (#%u): invalid %s\n", is_resp ? "backend" : "frontend",
		    px->id, px->uuid, is_resp ? "response" : "request");
	sbuf_printf(out, "  %s, event #%llu, src %s\n", e->other, e->event, e->src);
	sbuf_printf(out, "  len %zu, error at position %zu: %s :\n\n", e->len, e->pos,
		    e->reason);
	errsnap_dump(out, e);
	sbuf_puts(out, "\n");
}

int errsnap_show(struct sbuf *out, const char *name, const char *what)
{
	struct timeval now;
	unsigned n = 0;
	int req = !what || strcmp(what, "request") == 0;
	int res = !what || strcmp(what, "response") == 0;
	struct proxy *only = NULL;

	if (name && strcmp(name, "-1") != 0) {
		only = proxy_find(lbd.conf, name, PR_CAP_FE | PR_CAP_BE);
		if (!only) {
			sbuf_puts(out, "No such proxy.\n");
			return -1;
		}
	}
	gettimeofday(&now, NULL);
	pthread_mutex_lock(&errsnap_lock);
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next)
		if (!only || px == only)
			n += (req && px->err_req) + (res && px->err_res);
	sbuf_puts(out, "Total events captured on ");
	errsnap_date(out, &now);
	sbuf_printf(out, " : %u\n", n);
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (only && px != only)
			continue;
		if (req && px->err_req) {
			sbuf_puts(out, "\n");
			errsnap_one(out, px, px->err_req, 0);
		}
		if (res && px->err_res) {
			sbuf_puts(out, "\n");
			errsnap_one(out, px, px->err_res, 1);
		}
	}
	pthread_mutex_unlock(&errsnap_lock);
	return 0;
}

void errsnap_free(struct proxy *px)
{
	free(px->err_req);
	free(px->err_res);
	px->err_req = px->err_res = NULL;
}
