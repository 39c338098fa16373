/*
 * vrrpwatch.c - vrrpd's instances as lbd sees them (see vrrpwatch.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "proxy.h"
#include "substream.h"
#include "vrrpwatch.h"
#include "worker.h"

#define VRRPWATCH_HB_TIMEOUT	1000	/* ms: display only, no hurry */

static struct substream *vw_ss;
static struct vrrp_view vw[VRRPWATCH_MAX];
static size_t vw_n;
static int vw_up;
static int vw_warned;		/* said once that vrrpd is unreachable */

static struct vrrp_view *vw_find(const char *name)
{
	for (size_t i = 0; i < vw_n; i++)
		if (strcmp(vw[i].name, name) == 0)
			return &vw[i];
	if (vw_n == VRRPWATCH_MAX || strlen(name) >= sizeof(vw[0].name))
		return NULL;
	memset(&vw[vw_n], 0, sizeof(vw[0]));
	strcpy(vw[vw_n].name, name);
	strcpy(vw[vw_n].master, "-");
	return &vw[vw_n++];
}

static void vw_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

static void vw_reset(void *arg)
{
	vw_n = 0;
}

/* "instance NAME state S priority P ... master M ... vips V" */
static void vw_line(void *arg, int n, char **w)
{
	struct vrrp_view *v, old;

	if (strcmp(w[0], "sync") == 0) {
		vw_up = 1;
		vw_warned = 0;
		log_notice("vrrpd: following %zu VRRP instance%s", vw_n,
			   vw_n == 1 ? "" : "s");
		return;
	}
	if (strcmp(w[0], "instance") != 0 || n < 2 || !(v = vw_find(w[1])))
		return;
	old = *v;
	for (int i = 2; i + 1 < n; i += 2) {
		if (strcmp(w[i], "state") == 0)
			vw_copy(v->state, sizeof(v->state), w[i + 1]);
		else if (strcmp(w[i], "priority") == 0)
			v->priority = (unsigned)strtoul(w[i + 1], NULL, 10) & 0xff;
		else if (strcmp(w[i], "master") == 0)
			vw_copy(v->master, sizeof(v->master), w[i + 1]);
		else if (strcmp(w[i], "vips") == 0)
			vw_copy(v->vips, sizeof(v->vips), w[i + 1]);
	}
	if (vw_up && strcmp(old.state, v->state) != 0)
		log_notice("VRRP instance %s is now %s (priority %u)", v->name,
			   v->state, v->priority);
}

static void vw_down(void *arg, const char *why)
{
	if (vw_up || !vw_warned)
		log_warnx("vrrpd: %s", why);
	vw_warned = 1;
	vw_up = 0;
}

static const struct substream_ops vw_ops = {
	.reset = vw_reset,
	.line = vw_line,
	.down = vw_down,
};

void vrrpwatch_start(struct ev_loop *loop)
{
	const char *path = lbd.conf->global.vrrpd_socket;

	if (!path || vw_ss)
		return;
	vw_ss = substream_new(loop, path, "vrrpd", VRRPWATCH_HB_TIMEOUT,
			      &vw_ops, NULL);
	if (!vw_ss)
		log_warnx("vrrpd-socket %s: cannot follow it", path);
}

void vrrpwatch_stop(void)
{
	substream_free(vw_ss);
	vw_ss = NULL;
	vw_up = 0;
	vw_n = 0;
}

int vrrpwatch_connected(void)
{
	if (!lbd.conf->global.vrrpd_socket)
		return -1;
	return vw_up;
}

const struct vrrp_view *vrrpwatch_get(size_t i)
{
	return i < vw_n ? &vw[i] : NULL;
}
