/*
 * vrrp_proc.c - vrrp_track_process trackers (see vrrp_proc.h).
 *
 * Only processes that match some tracker are remembered, each with the
 * trackers it matches and the scan generation it was last seen in; every
 * tracker keeps its count. A process is read once per report from
 * vrrp_pmon: /proc/PID/stat for its name and state, and /proc/PID/cmdline
 * only when some tracker compares command lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "log.h"
#include "vrrp_conf.h"
#include "vrrp_pmon.h"
#include "vrrp_proc.h"

enum {
	COMM_MAX = 16,			/* the kernel's TASK_COMM_LEN */
	CMDLINE_MAX = 4096,		/* enough for a name and parameters */
};

struct proc_tracker {
	const struct vrrp_conf_process *conf;
	struct vrrp_proc *p;
	unsigned count;
	int ok;
	ev_timer delay;			/* fork_delay / terminate_delay */
};

struct proc_ent {
	pid_t pid;
	uint64_t gen;
	unsigned char *match;		/* one per tracker */
};

struct vrrp_proc {
	struct ev_loop *loop;
	vrrp_proc_change_fn cb;
	void *arg;
	struct proc_tracker *t;
	size_t nt;
	struct proc_ent *ents;
	size_t nents, cap;
	struct vrrp_pmon *mon;
	int need_cmdline;
	int started;			/* verdicts known: delays apply */
};

/* ---- matching ---- */

/* The next NUL-separated argument of cmdline at *off, or NULL. */
static const char *next_arg(const char *cmdline, size_t len, size_t *off,
			    size_t *alen)
{
	const char *a, *nul;

	if (*off >= len)
		return NULL;
	a = cmdline + *off;
	nul = memchr(a, '\0', len - *off);
	*alen = nul ? (size_t)(nul - a) : len - *off;
	*off += *alen + 1;
	return a;
}

static int arg_is(const char *a, size_t alen, const char *want, int prefix)
{
	size_t wl = strlen(want);

	if (prefix)
		return alen >= wl && memcmp(a, want, wl) == 0;
	return alen == wl && memcmp(a, want, wl) == 0;
}

static int match_params(const struct vrrp_conf_process *pr,
			const char *cmdline, size_t len, size_t off)
{
	size_t alen;
	const char *a;

	for (size_t i = 0; i < pr->nparams; i++) {
		int last = i + 1 == pr->nparams;

		a = next_arg(cmdline, len, &off, &alen);
		if (!a || !arg_is(a, alen, pr->params[i],
				  last && pr->match == VRRP_CONF_PMATCH_INITIAL))
			return 0;
	}
	if (pr->match != VRRP_CONF_PMATCH_EXACT)
		return 1;
	return next_arg(cmdline, len, &off, &alen) == NULL;
}

int vrrp_proc_match(const struct vrrp_conf_process *pr, const char *comm,
		    const char *cmdline, size_t cmdlen)
{
	size_t off = 0, alen;
	const char *a;

	if (pr->match == VRRP_CONF_PMATCH_NAME)
		return strncmp(pr->process, comm, COMM_MAX - 1) == 0;
	a = next_arg(cmdline, cmdlen, &off, &alen);
	if (!a || !arg_is(a, alen, pr->process, 0))
		return 0;
	if (pr->match == VRRP_CONF_PMATCH_COMMAND)
		return 1;
	return match_params(pr, cmdline, cmdlen, off);
}

/* ---- reading /proc ---- */

static ssize_t read_proc(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

/* The name and liveness of pid from /proc/PID/stat ("PID (NAME) S ...",
 * the name possibly holding ')' itself). 0 when running (not a zombie). */
static int read_stat(pid_t pid, char comm[COMM_MAX])
{
	char buf[256];
	ssize_t n = read_proc(pid, "stat", buf, sizeof(buf) - 1);
	char *open, *close;
	size_t len;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	open = strchr(buf, '(');
	close = strrchr(buf, ')');
	if (!open || !close || close < open || close[1] != ' ')
		return -1;
	len = (size_t)(close - open - 1);
	if (len >= COMM_MAX)
		len = COMM_MAX - 1;
	memcpy(comm, open + 1, len);
	comm[len] = '\0';
	return close[2] == 'Z' || close[2] == 'X' ? -1 : 0;
}

/* ---- verdicts ---- */

static void verdict_set(struct proc_tracker *t, int ok)
{
	t->ok = ok;
	if (!t->p->started)
		return;		/* vrrp_proc_new logs the first verdicts */
	log_info("vrrp_track_process %s: quorum %s (%u matching process%s)",
		 t->conf->name, ok ? "reached" : "lost", t->count,
		 t->count == 1 ? "" : "es");
	if (t->p->cb)
		t->p->cb(t->p->arg);
}

static int quorum_ok(const struct proc_tracker *t)
{
	return t->count >= t->conf->quorum && t->count <= t->conf->quorum_max;
}

static void vrrp_proc_delay_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct proc_tracker *t = w->data;

	if (quorum_ok(t) != t->ok)
		verdict_set(t, !t->ok);
}

static void tracker_eval(struct proc_tracker *t)
{
	int up = quorum_ok(t);
	uint32_t ms = up ? t->conf->fork_delay_ms : t->conf->terminate_delay_ms;

	if (up == t->ok) {
		ev_timer_stop(t->p->loop, &t->delay);
		return;
	}
	if (!t->p->started || ms == 0) {
		verdict_set(t, up);
		return;
	}
	if (!ev_is_active(&t->delay)) {
		ev_timer_set(&t->delay, ms / 1000.0, 0.);
		ev_timer_start(t->p->loop, &t->delay);
	}
}

/* ---- the remembered processes ---- */

static struct proc_ent *ent_find(struct vrrp_proc *p, pid_t pid)
{
	for (size_t i = 0; i < p->nents; i++)
		if (p->ents[i].pid == pid)
			return &p->ents[i];
	return NULL;
}

/* Give e the match set m (NULL: none), adjusting counts. */
static void ent_apply(struct vrrp_proc *p, struct proc_ent *e,
		      const unsigned char *m)
{
	for (size_t i = 0; i < p->nt; i++) {
		int now = m && m[i], was = e->match[i];

		if (now == was)
			continue;
		e->match[i] = (unsigned char)now;
		p->t[i].count += now ? 1 : -1;
		tracker_eval(&p->t[i]);
	}
}

static void ent_remove(struct vrrp_proc *p, struct proc_ent *e)
{
	size_t i = (size_t)(e - p->ents);

	vrrp_pmon_unwatch(p->mon, e->pid);
	ent_apply(p, e, NULL);
	free(e->match);
	p->ents[i] = p->ents[--p->nents];
}

static struct proc_ent *ent_add(struct vrrp_proc *p, pid_t pid)
{
	struct proc_ent *e;

	if (p->nents == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct proc_ent *na = realloc(p->ents, cap * sizeof(*na));

		if (!na)
			return NULL;
		p->ents = na;
		p->cap = cap;
	}
	e = &p->ents[p->nents];
	e->pid = pid;
	e->match = calloc(p->nt, 1);
	if (!e->match)
		return NULL;
	p->nents++;
	return e;
}

/* ---- events from vrrp_pmon ---- */

/* Which trackers pid matches, into m; 0 when it matches none. */
static int classify(struct vrrp_proc *p, pid_t pid, unsigned char *m)
{
	char comm[COMM_MAX], cmd[CMDLINE_MAX];
	ssize_t n = 0;
	int any = 0;

	if (read_stat(pid, comm) != 0)
		return 0;
	if (p->need_cmdline) {
		n = read_proc(pid, "cmdline", cmd, sizeof(cmd));
		if (n < 0)
			return 0;
	}
	for (size_t i = 0; i < p->nt; i++) {
		m[i] = (unsigned char)vrrp_proc_match(p->t[i].conf, comm, cmd,
						      (size_t)n);
		any |= m[i];
	}
	return any;
}

static void proc_seen(void *arg, pid_t pid)
{
	struct vrrp_proc *p = arg;
	unsigned char m[p->nt];
	struct proc_ent *e = ent_find(p, pid);

	if (!classify(p, pid, m)) {
		if (e)
			ent_remove(p, e);
		return;
	}
	if (!e) {
		/* watch first: a process gone meanwhile is never counted */
		if (vrrp_pmon_watch(p->mon, pid) != 0)
			return;
		e = ent_add(p, pid);
		if (!e) {
			log_warnx("process tracking: out of memory");
			vrrp_pmon_unwatch(p->mon, pid);
			return;
		}
	}
	e->gen = vrrp_pmon_gen(p->mon);
	ent_apply(p, e, m);
}

static void proc_gone(void *arg, pid_t pid)
{
	struct vrrp_proc *p = arg;
	struct proc_ent *e = ent_find(p, pid);

	if (e)
		ent_remove(p, e);
}

static void proc_scan_done(void *arg, uint64_t gen)
{
	struct vrrp_proc *p = arg;

	for (size_t i = p->nents; i-- > 0;)
		if (p->ents[i].gen < gen)
			ent_remove(p, &p->ents[i]);
}

static const struct vrrp_pmon_ops proc_ops = {
	.seen = proc_seen,
	.gone = proc_gone,
	.scan_done = proc_scan_done,
};

/* ---- life cycle ---- */

struct vrrp_proc *vrrp_proc_new(struct ev_loop *loop, const struct vrrp_conf *c,
				vrrp_proc_change_fn cb, void *arg)
{
	struct vrrp_proc *p = calloc(1, sizeof(*p));

	if (!p || !(p->t = calloc(c->nprocs + 1, sizeof(*p->t)))) {
		free(p);
		log_warnx("process tracking: out of memory");
		return NULL;
	}
	p->loop = loop;
	p->cb = cb;
	p->arg = arg;
	p->nt = c->nprocs;
	for (size_t i = 0; i < p->nt; i++) {
		struct proc_tracker *t = &p->t[i];

		t->conf = &c->procs[i];
		t->p = p;
		ev_timer_init(&t->delay, vrrp_proc_delay_cb, 1., 0.);
		t->delay.data = t;
		if (t->conf->match != VRRP_CONF_PMATCH_NAME)
			p->need_cmdline = 1;
	}
	if (p->nt == 0)
		return p;
	p->mon = vrrp_pmon_new(loop, &proc_ops, p);
	if (!p->mon || vrrp_pmon_start(p->mon) != 0) {
		vrrp_proc_free(p);
		return NULL;
	}
	for (size_t i = 0; i < p->nt; i++) {
		tracker_eval(&p->t[i]);
		log_info("vrrp_track_process %s: %u matching process%s, %s",
			 p->t[i].conf->name, p->t[i].count,
			 p->t[i].count == 1 ? "" : "es",
			 p->t[i].ok ? "OK" : "failed");
	}
	p->started = 1;
	return p;
}

void vrrp_proc_free(struct vrrp_proc *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nt; i++)
		ev_timer_stop(p->loop, &p->t[i].delay);
	for (size_t i = 0; i < p->nents; i++)
		free(p->ents[i].match);
	vrrp_pmon_free(p->mon);
	free(p->ents);
	free(p->t);
	free(p);
}

static const struct proc_tracker *tracker(const struct vrrp_proc *p,
					  const char *name)
{
	for (size_t i = 0; p && i < p->nt; i++)
		if (strcmp(p->t[i].conf->name, name) == 0)
			return &p->t[i];
	return NULL;
}

int vrrp_proc_ok(const struct vrrp_proc *p, const char *name)
{
	const struct proc_tracker *t = tracker(p, name);

	return t ? t->ok : -1;
}

unsigned vrrp_proc_count(const struct vrrp_proc *p, const char *name)
{
	const struct proc_tracker *t = tracker(p, name);

	return t ? t->count : 0;
}
