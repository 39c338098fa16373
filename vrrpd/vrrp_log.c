/*
 * vrrp_log.c - vrrpd's syslog targets (see vrrp_log.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "syslog.h"
#include "vrrp_conf.h"
#include "vrrp_log.h"

struct vrrp_log {
	struct slog_target t[VRRP_CONF_SYSLOG_MAX];
	size_t n;
	char host[256];
	char tag[33];
	unsigned pid;
};

static void vrrp_log_sink(void *arg, int pri, const char *msg, size_t len)
{
	struct vrrp_log *l = arg;

	for (size_t i = 0; i < l->n; i++)
		slog_send(&l->t[i], pri & 7,
			  l->t[i].format == SLOG_FMT_LOCAL ? NULL : l->host,
			  l->tag, l->pid, msg, len);
}

struct vrrp_log *vrrp_log_new(const struct vrrp_conf_global *g, int facility)
{
	struct vrrp_log *l = calloc(1, sizeof(*l));
	char *argv[] = { "/dev/log", "daemon" }, err[256];

	if (!l)
		return NULL;
	if (g->nsyslog) {
		memcpy(l->t, g->syslog, g->nsyslog * sizeof(l->t[0]));
		l->n = g->nsyslog;
	} else {
		if (slog_target_parse(&l->t[0], 2, argv, err, sizeof(err)) != 0) {
			fprintf(stderr, "vrrpd: /dev/log: %s\n", err);
			free(l);
			return NULL;
		}
		l->t[0].facility = facility >> 3;
		l->n = 1;
	}
	for (size_t i = 0; i < l->n; i++) {
		l->t[i].fd = -1;
		/* one not there yet is retried at each line, once a second */
		slog_target_open(&l->t[i]);
	}
	if (gethostname(l->host, sizeof(l->host) - 1) != 0)
		snprintf(l->host, sizeof(l->host), "localhost");
	snprintf(l->tag, sizeof(l->tag), "%s", g->log_tag[0] ? g->log_tag : "vrrpd");
	l->pid = (unsigned)getpid();
	log_to_sink(vrrp_log_sink, l);
	return l;
}

void vrrp_log_free(struct vrrp_log *l)
{
	if (!l)
		return;
	log_to_sink(NULL, NULL);
	for (size_t i = 0; i < l->n; i++)
		slog_target_close(&l->t[i]);
	free(l);
}

uint64_t vrrp_log_sent(const struct vrrp_log *l)
{
	uint64_t n = 0;

	for (size_t i = 0; l && i < l->n; i++)
		n += slog_sent(&l->t[i]);
	return n;
}

uint64_t vrrp_log_dropped(const struct vrrp_log *l)
{
	uint64_t n = 0;

	for (size_t i = 0; l && i < l->n; i++)
		n += slog_dropped(&l->t[i]);
	return n;
}
