/*
 * vrrp_track.c - scripts, track files and notify programs (see
 * vrrp_track.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "log.h"
#include "vrrp_conf.h"
#include "vrrp_lbd.h"
#include "vrrp_proc.h"
#include "vrrp_track.h"

enum { ARGV_MAX = 72 };

struct track_script {
	const struct vrrp_conf_script *conf;
	struct vrrp_track *t;
	ev_timer interval;
	ev_timer timeout;
	ev_child child;
	pid_t pid;
	int ok;
	int timed_out;
	uint32_t rise_cnt, fall_cnt;
	int last_rc;			/* for "now returning" logs */
};

struct track_file {
	const struct vrrp_conf_file *conf;
	long value;
};

/* a notify program: only reaped */
struct track_child {
	ev_child w;
	struct vrrp_track *t;
	struct track_child *next, **pprev;
};

struct vrrp_track {
	struct ev_loop *loop;
	const struct vrrp_conf *conf;
	vrrp_track_change_fn cb;
	void *arg;
	struct track_script *scripts;
	size_t nscripts;
	struct track_file *files;
	size_t nfiles;
	int ino_fd;
	ev_io ino;
	struct track_child *children;
	int fifo_fd[VRRP_CONF_FIFO_MAX];
	pid_t fifo_pid[VRRP_CONF_FIFO_MAX];
	ev_child fifo_child[VRRP_CONF_FIFO_MAX];
	struct vrrp_lbd *lbd;		/* vrrp_track_lbd */
	struct vrrp_proc *proc;		/* vrrp_track_process */
};

/* Split a command line: blanks separate, double or single quotes group. */
static int split_cmd(char *s, char **argv, int max)
{
	int n = 0;

	while (*s) {
		char *o;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (n == max - 1)
			return -1;
		argv[n++] = o = s;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '"' || *s == '\'') {
				char q = *s++;

				while (*s && *s != q)
					*o++ = *s++;
				if (*s)
					s++;
				continue;
			}
			*o++ = *s++;
		}
		if (*s)
			s++;
		*o = '\0';
	}
	argv[n] = NULL;
	return n;
}

/* In the child: drop to user/group, restore signals, exec. Never returns. */
static void child_exec(char **argv, const char *user, const char *group)
{
	sigset_t all;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	setpgid(0, 0);
	if (user && user[0]) {
		struct passwd *pw = getpwnam(user);
		gid_t gid;

		if (!pw)
			_exit(126);
		gid = pw->pw_gid;
		if (group && group[0]) {
			struct group *gr = getgrnam(group);

			if (!gr)
				_exit(126);
			gid = gr->gr_gid;
		}
		if (setgroups(1, &gid) != 0 || setgid(gid) != 0 ||
		    setuid(pw->pw_uid) != 0)
			_exit(126);
	}
	execvp(argv[0], argv);
	_exit(127);
}

/* enable_script_security: the program and every directory above it must
 * belong to root and be writable by nobody else, except a sticky
 * directory such as /tmp, where others cannot rename or remove what root
 * owns (keepalived runs such scripts too). Returns 1 when safe. */
static int mode_secure(const struct stat *st)
{
	return st->st_uid == 0 &&
	       (!(st->st_mode & (S_IWGRP | S_IWOTH)) ||
		(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX)));
}

static int path_secure(const char *cmd)
{
	char path[PATH_MAX];
	size_t l = strcspn(cmd, " \t");
	struct stat st;

	if (cmd[0] != '/' || l >= sizeof(path))
		return 0;
	memcpy(path, cmd, l);
	path[l] = '\0';
	while (path[0]) {
		if (stat(path, &st) != 0 || !mode_secure(&st))
			return 0;
		char *sl = strrchr(path, '/');

		if (!sl)
			break;
		*sl = '\0';
	}
	return stat("/", &st) == 0 && mode_secure(&st);
}

static pid_t spawn(const char *cmd, const char *const *extra, int nextra,
		   const char *user, const char *group)
{
	char *copy = strdup(cmd);
	char *argv[ARGV_MAX];
	int n;
	pid_t pid;

	if (!copy)
		return -1;
	n = split_cmd(copy, argv, ARGV_MAX - 8);
	if (n <= 0) {
		free(copy);
		return -1;
	}
	for (int i = 0; i < nextra && i < 8; i++)
		argv[n++] = (char *)extra[i];
	argv[n] = NULL;
	pid = fork();
	if (pid == 0)
		child_exec(argv, user, group);
	if (pid > 0)
		setpgid(pid, pid);	/* so a timeout kills the whole group */
	free(copy);
	return pid;
}

static void vrrp_track_child_exit_cb(struct ev_loop *loop, ev_child *w,
				     int revents)
{
	struct track_child *c = (struct track_child *)w;

	ev_child_stop(loop, w);
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	free(c);
}

/* one startup_script or shutdown_script being waited for */
struct run_wait {
	ev_child child;
	ev_timer timer;
	const char *name;
	pid_t pid;
	int done, killed;
};

static void vrrp_track_run_exit_cb(struct ev_loop *loop, ev_child *w,
				   int revents)
{
	struct run_wait *r = w->data;

	ev_child_stop(loop, w);
	ev_timer_stop(loop, &r->timer);
	r->done = 1;
}

static void vrrp_track_run_timeout_cb(struct ev_loop *loop, ev_timer *w,
				      int revents)
{
	struct run_wait *r = w->data;

	log_warnx("%s still running after %.0f s: killed", r->name, w->repeat);
	kill(-r->pid, SIGKILL);
	r->killed = 1;		/* the child watcher reaps it */
}

int vrrp_track_run_wait(struct ev_loop *loop, const struct vrrp_conf_global *g,
			int which)
{
	static const char *const names[VRRP_CONF_RUN_MAX] = {
		[VRRP_CONF_RUN_STARTUP] = "startup_script",
		[VRRP_CONF_RUN_SHUTDOWN] = "shutdown_script",
	};
	const struct vrrp_conf_run *run = &g->run[which];
	struct run_wait r = { .name = names[which] };
	int own = run->user[0] != '\0', st;

	if (!run->cmd)
		return 0;
	if (g->script_security && !path_secure(run->cmd)) {
		log_warnx("%s '%s' is insecure (enable_script_security): not run",
			  r.name, run->cmd);
		return -1;
	}
	r.pid = spawn(run->cmd, NULL, 0, own ? run->user : g->script_user,
		      own ? run->group : g->script_group);
	if (r.pid < 0) {
		log_warn("cannot run %s '%s'", r.name, run->cmd);
		return -1;
	}
	log_info("running %s '%s'", r.name, run->cmd);
	ev_child_init(&r.child, vrrp_track_run_exit_cb, r.pid, 0);
	ev_timer_init(&r.timer, vrrp_track_run_timeout_cb, 0., run->timeout_s);
	r.child.data = r.timer.data = &r;
	ev_child_start(loop, &r.child);
	ev_timer_again(loop, &r.timer);
	while (!r.done)
		ev_run(loop, EVRUN_ONCE);
	st = r.child.rstatus;
	if (r.killed || !WIFEXITED(st)) {
		log_warnx("%s '%s' did not finish", r.name, run->cmd);
		return -1;
	}
	if (WEXITSTATUS(st))
		log_warnx("%s '%s' exited with status %d", r.name, run->cmd,
			  WEXITSTATUS(st));
	return WEXITSTATUS(st);
}

int vrrp_track_spawn(struct vrrp_track *t, const char *cmd,
		     const char *const *extra, int nextra)
{
	const struct vrrp_conf_global *g = &t->conf->global;
	struct track_child *c = calloc(1, sizeof(*c));
	pid_t pid;

	if (!c)
		return -1;
	if (g->script_security && !path_secure(cmd)) {
		log_warnx("'%s' is insecure (enable_script_security): not run",
			  cmd);
		free(c);
		return -1;
	}
	pid = spawn(cmd, extra, nextra, g->script_user, g->script_group);
	if (pid < 0) {
		log_warn("cannot run '%s'", cmd);
		free(c);
		return -1;
	}
	ev_child_init(&c->w, vrrp_track_child_exit_cb, pid, 0);
	ev_child_start(t->loop, &c->w);
	c->t = t;
	c->next = t->children;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &t->children;
	t->children = c;
	return 0;
}

/* ---- scripts ---- */

static void script_result(struct track_script *s, int success, int rc)
{
	const struct vrrp_conf_script *sc = s->conf;
	int was = s->ok;

	if (rc != s->last_rc) {
		log_info("Script `%s` now returning %d", sc->name, rc);
		s->last_rc = rc;
	}
	if (success) {
		s->fall_cnt = 0;
		if (!s->ok && ++s->rise_cnt >= sc->rise)
			s->ok = 1;
	} else {
		s->rise_cnt = 0;
		if (s->ok && ++s->fall_cnt >= sc->fall)
			s->ok = 0;
	}
	if (s->ok == was)
		return;
	if (s->ok)
		log_notice("VRRP_Script(%s) succeeded", sc->name);
	else if (s->timed_out)
		log_notice("VRRP_Script(%s) timed out", sc->name);
	else
		log_notice("VRRP_Script(%s) failed (exited with status %d)",
			   sc->name, rc);
	s->t->cb(s->t->arg);
}

static void vrrp_track_script_exit_cb(struct ev_loop *loop, ev_child *w,
				      int revents)
{
	struct track_script *s = w->data;
	int st = w->rstatus, rc;

	ev_child_stop(loop, w);
	ev_timer_stop(loop, &s->timeout);
	s->pid = 0;
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	script_result(s, !s->timed_out && WIFEXITED(st) && rc == 0, rc);
	s->timed_out = 0;
}

static void vrrp_track_script_timeout_cb(struct ev_loop *loop, ev_timer *w,
					 int revents)
{
	struct track_script *s = w->data;

	if (s->pid > 0) {
		s->timed_out = 1;
		kill(-s->pid, SIGKILL);
		kill(s->pid, SIGKILL);
	}
}

static void vrrp_track_script_run_cb(struct ev_loop *loop, ev_timer *w,
				     int revents)
{
	struct track_script *s = w->data;
	const struct vrrp_conf_script *sc = s->conf;
	pid_t pid;

	if (s->pid > 0)
		return;		/* still running: its timeout ends it */
	if (s->t->conf->global.script_security && !path_secure(sc->script)) {
		log_warnx("VRRP_Script(%s) is insecure (enable_script_security):"
			  " disabled", sc->name);
		ev_timer_stop(loop, w);
		return;
	}
	pid = spawn(sc->script, NULL, 0,
		    sc->user[0] ? sc->user : s->t->conf->global.script_user,
		    sc->user[0] ? sc->group : s->t->conf->global.script_group);
	if (pid < 0) {
		log_warn("VRRP_Script(%s) cannot run", sc->name);
		script_result(s, 0, -1);
		return;
	}
	s->pid = pid;
	ev_child_set(&s->child, pid, 0);
	ev_child_start(loop, &s->child);
	ev_timer_set(&s->timeout, sc->timeout_ms / 1000.0, 0.);
	ev_timer_start(loop, &s->timeout);
}

/* ---- files ---- */

static long read_file_value(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;
	long v;
	char *end;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf)
		return 0;
	if (v > 254)
		v = 254;
	if (v < -254)
		v = -254;
	return v;
}

static void files_reread(struct vrrp_track *t)
{
	int changed = 0;

	for (size_t i = 0; i < t->nfiles; i++) {
		long v = read_file_value(t->files[i].conf->path);

		if (v != t->files[i].value) {
			log_notice("VRRP_Track_File(%s) value %ld",
				   t->files[i].conf->name, v);
			t->files[i].value = v;
			changed = 1;
		}
	}
	if (changed)
		t->cb(t->arg);
}

static void vrrp_track_inotify_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_track *t = w->data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(t->ino_fd, buf, sizeof(buf)) > 0)
		;
	files_reread(t);
}

static void file_init(const struct vrrp_conf_file *f)
{
	int fd;
	char buf[32];
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;

	if (!f->has_init)
		return;
	if (!f->init_overwrite)
		flags |= O_EXCL;
	else
		flags |= O_TRUNC;
	fd = open(f->path, flags, 0644);
	if (fd < 0)
		return;
	snprintf(buf, sizeof(buf), "%ld\n", f->init_value);
	if (write(fd, buf, strlen(buf)) < 0)
		log_warn("track file %s", f->path);
	close(fd);
}

static int files_start(struct vrrp_track *t)
{
	if (t->nfiles == 0)
		return 0;
	t->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (t->ino_fd < 0) {
		log_warn("inotify");
		return -1;
	}
	for (size_t i = 0; i < t->nfiles; i++) {
		char dir[PATH_MAX];
		const char *path = t->files[i].conf->path;
		const char *sl = strrchr(path, '/');

		file_init(t->files[i].conf);
		if (sl)
			snprintf(dir, sizeof(dir), "%.*s", (int)(sl - path), path);
		else
			snprintf(dir, sizeof(dir), ".");
		if (inotify_add_watch(t->ino_fd, dir[0] ? dir : "/",
				      IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE |
				      IN_DELETE | IN_MOVED_FROM | IN_MODIFY) < 0)
			log_warn("inotify watch on %s", dir);
		t->files[i].value = read_file_value(path);
	}
	ev_io_init(&t->ino, vrrp_track_inotify_cb, t->ino_fd, EV_READ);
	t->ino.data = t;
	ev_io_start(t->loop, &t->ino);
	return 0;
}

static void vrrp_track_fifo_script_exit_cb(struct ev_loop *loop, ev_child *w,
					    int revents)
{
	pid_t *pid = w->data;

	ev_child_stop(loop, w);
	log_warnx("notify FIFO script (pid %d) exited with status %d",
		  (int)w->rpid, w->rstatus);
	*pid = 0;
}

static void fifo_start(struct vrrp_track *t, int i)
{
	const struct vrrp_conf_fifo *f = &t->conf->global.fifo[i];
	struct stat st;
	const char *extra[1] = { f->path };

	t->fifo_fd[i] = -1;
	if (!f->path)
		return;
	if (mkfifo(f->path, 0600) == 0 && f->user[0]) {
		struct passwd *pw = getpwnam(f->user);
		struct group *gr = f->group[0] ? getgrnam(f->group) : NULL;

		if (!pw || chown(f->path, pw->pw_uid,
				 gr ? gr->gr_gid : pw->pw_gid) != 0)
			log_warnx("notify FIFO %s: cannot give it to %s", f->path,
				  f->user);
	}
	if (stat(f->path, &st) != 0 || !S_ISFIFO(st.st_mode)) {
		log_warnx("notify FIFO %s: not a FIFO", f->path);
		return;
	}
	/* read-write: opening never blocks or fails for want of a reader */
	t->fifo_fd[i] = open(f->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fifo_fd[i] < 0) {
		log_warn("notify FIFO %s", f->path);
		return;
	}
	if (!f->script)
		return;
	t->fifo_pid[i] = spawn(f->script, extra, 1, f->script_user,
			       f->script_group);
	if (t->fifo_pid[i] < 0) {
		t->fifo_pid[i] = 0;
		log_warn("notify FIFO script %s", f->script);
		return;
	}
	ev_child_init(&t->fifo_child[i], vrrp_track_fifo_script_exit_cb,
		      t->fifo_pid[i], 0);
	t->fifo_child[i].data = &t->fifo_pid[i];
	ev_child_start(t->loop, &t->fifo_child[i]);
}

static int str_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* A reload whose FIFO i is the same as prev's takes prev's open FIFO and
 * its running reader over: no line written around the reload is lost to
 * a reader being replaced. 1 when taken over. */
static int fifo_inherit(struct vrrp_track *t, struct vrrp_track *prev, int i)
{
	const struct vrrp_conf_fifo *a = &t->conf->global.fifo[i];
	const struct vrrp_conf_fifo *b;

	if (!prev || prev->fifo_fd[i] < 0)
		return 0;
	b = &prev->conf->global.fifo[i];
	if (!str_same(a->path, b->path) || !str_same(a->script, b->script) ||
	    strcmp(a->user, b->user) || strcmp(a->group, b->group) ||
	    strcmp(a->script_user, b->script_user) ||
	    strcmp(a->script_group, b->script_group))
		return 0;
	t->fifo_fd[i] = prev->fifo_fd[i];
	prev->fifo_fd[i] = -1;
	if (prev->fifo_pid[i] > 0) {
		ev_child_stop(t->loop, &prev->fifo_child[i]);
		t->fifo_pid[i] = prev->fifo_pid[i];
		prev->fifo_pid[i] = 0;
		ev_child_init(&t->fifo_child[i], vrrp_track_fifo_script_exit_cb,
			      t->fifo_pid[i], 0);
		t->fifo_child[i].data = &t->fifo_pid[i];
		ev_child_start(t->loop, &t->fifo_child[i]);
	}
	return 1;
}

void vrrp_track_fifo(struct vrrp_track *t, const char *line)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s\n", line);

	if (n <= 0 || (size_t)n >= sizeof(buf))
		return;
	for (int i = 0; i < VRRP_CONF_FIFO_MAX; i++)
		if (t->fifo_fd[i] >= 0 && write(t->fifo_fd[i], buf, (size_t)n) < 0)
			log_debug("notify FIFO: %s", strerror(errno));
}

/* The same script in the previous generation: its verdict and counts. */
static void script_inherit(struct track_script *s, const struct vrrp_track *prev)
{
	const struct vrrp_conf_script *c = s->conf;

	for (size_t i = 0; prev && i < prev->nscripts; i++) {
		const struct track_script *o = &prev->scripts[i];
		const struct vrrp_conf_script *p = o->conf;

		if (strcmp(p->name, c->name) || !p->script || !c->script ||
		    strcmp(p->script, c->script) ||
		    strcmp(p->user, c->user) || strcmp(p->group, c->group) ||
		    p->reverse != c->reverse || p->rise != c->rise || p->fall != c->fall)
			continue;
		s->ok = o->ok;
		s->rise_cnt = o->rise_cnt;
		s->fall_cnt = o->fall_cnt;
		s->last_rc = o->last_rc;
		return;
	}
}

struct vrrp_track *vrrp_track_new(struct ev_loop *loop,
				  const struct vrrp_conf *c,
				  struct vrrp_track *prev,
				  vrrp_track_change_fn cb, void *arg)
{
	struct vrrp_track *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->loop = loop;
	t->conf = c;
	t->cb = cb;
	t->arg = arg;
	t->ino_fd = -1;
	for (int i = 0; i < VRRP_CONF_FIFO_MAX; i++)
		t->fifo_fd[i] = -1;
	t->scripts = calloc(c->nscripts + 1, sizeof(*t->scripts));
	t->files = calloc(c->nfiles + 1, sizeof(*t->files));
	if (!t->scripts || !t->files) {
		vrrp_track_free(t);
		return NULL;
	}
	t->nscripts = c->nscripts;
	t->nfiles = c->nfiles;
	for (size_t i = 0; i < c->nfiles; i++)
		t->files[i].conf = &c->files[i];
	for (size_t i = 0; i < c->nscripts; i++) {
		struct track_script *s = &t->scripts[i];
		double iv = c->scripts[i].interval_ms / 1000.0;

		s->conf = &c->scripts[i];
		s->t = t;
		s->ok = !s->conf->init_fail;
		s->last_rc = s->ok ? 0 : -1;
		script_inherit(s, prev);
		ev_timer_init(&s->interval, vrrp_track_script_run_cb, 0., iv);
		s->interval.data = s;
		ev_timer_init(&s->timeout, vrrp_track_script_timeout_cb, 1., 0.);
		s->timeout.data = s;
		ev_child_init(&s->child, vrrp_track_script_exit_cb, 0, 0);
		s->child.data = s;
		ev_timer_start(loop, &s->interval);
	}
	for (int i = 0; i < VRRP_CONF_FIFO_MAX; i++)
		if (!fifo_inherit(t, prev, i))
			fifo_start(t, i);
	if (files_start(t) != 0) {
		vrrp_track_free(t);
		return NULL;
	}
	t->lbd = vrrp_lbd_new(loop, c, cb, arg);
	t->proc = t->lbd ? vrrp_proc_new(loop, c, cb, arg) : NULL;
	if (!t->proc) {
		vrrp_track_free(t);
		return NULL;
	}
	return t;
}

struct vrrp_lbd *vrrp_track_lbd(const struct vrrp_track *t)
{
	return t->lbd;
}

struct vrrp_proc *vrrp_track_proc(const struct vrrp_track *t)
{
	return t->proc;
}

void vrrp_track_free(struct vrrp_track *t)
{
	if (!t)
		return;
	vrrp_lbd_free(t->lbd);
	vrrp_proc_free(t->proc);
	for (size_t i = 0; i < t->nscripts; i++) {
		struct track_script *s = &t->scripts[i];

		ev_timer_stop(t->loop, &s->interval);
		ev_timer_stop(t->loop, &s->timeout);
		ev_child_stop(t->loop, &s->child);
		if (s->pid > 0) {
			kill(-s->pid, SIGKILL);
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
		}
	}
	while (t->children) {
		struct track_child *c = t->children;

		ev_child_stop(t->loop, &c->w);
		t->children = c->next;
		free(c);
	}
	for (int i = 0; i < VRRP_CONF_FIFO_MAX; i++) {
		if (t->fifo_pid[i] > 0) {
			ev_child_stop(t->loop, &t->fifo_child[i]);
			/* libev's SIGCHLD handler reaps it later */
			kill(t->fifo_pid[i], SIGTERM);
		}
		if (t->fifo_fd[i] >= 0)
			close(t->fifo_fd[i]);
	}
	if (t->ino_fd >= 0) {
		ev_io_stop(t->loop, &t->ino);
		close(t->ino_fd);
	}
	free(t->scripts);
	free(t->files);
	free(t);
}

int vrrp_track_script_ok(const struct vrrp_track *t, const char *name)
{
	for (size_t i = 0; i < t->nscripts; i++)
		if (strcmp(t->scripts[i].conf->name, name) == 0)
			return t->scripts[i].ok;
	return -1;
}

long vrrp_track_file_value(const struct vrrp_track *t, const char *name)
{
	for (size_t i = 0; i < t->nfiles; i++)
		if (strcmp(t->files[i].conf->name, name) == 0)
			return t->files[i].value;
	return 0;
}
