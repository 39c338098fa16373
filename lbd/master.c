/*
 * master.c - the master process of master-worker mode (see master.h).
 *
 * Workers are exec'd afresh (this binary, so an upgraded binary runs at
 * the next reload) with the channel's descriptor in $LBD_MASTER_FD. The
 * master keeps one copy of every listening socket: the sockets are never
 * closed between two generations, so the kernel keeps queueing
 * connections for whoever accepts next.
 */
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "handover.h"
#include "log.h"
#include "master.h"
#include "mcli.h"
#include "mworker.h"
#include "sbuf.h"
#include "sdnotify.h"
#include "sockpass.h"
#include "version.h"

#define MASTER_CHECK_OUT	8192	/* kept of a failed check's output */
#define MASTER_START_TIMEOUT	30.	/* a new worker gets ready within */
#define MASTER_BACKOFF_MAX	5.	/* seconds between crash restarts */
#define MASTER_STABLE		10.	/* a worker this old did not crash-loop */

enum mp_state { MP_STARTING, MP_CURRENT, MP_OLD };
static const char *const mp_state_names[] = { "starting", "current", "old" };

struct mw_proc {
	struct mw_proc *next;
	pid_t pid;
	enum mp_state state;
	int fd;				/* channel */
	ev_io io;
	double started;
	unsigned reloads;		/* reloads it lived through */
	int *fds;			/* listening sockets it sent */
	unsigned nfds;
	int fds_done;
	unsigned attempt;		/* the reload it answers, 0: none */
};

enum mr_state { MR_IDLE, MR_CHECKING, MR_STATE, MR_STARTING };

static struct {
	const struct master_opts *o;
	struct ev_loop *loop;
	char exe[PATH_MAX];
	struct mw_proc *procs;
	int ready_fd;			/* see master_tell_parent */
	int *held;			/* listening sockets, for the next worker */
	unsigned nheld;
	int ever_ready;
	int stopping;
	int exit_rc;
	unsigned crashes;
	ev_timer respawn, start_to;
	ev_signal sigs[5];
	ev_child child;
	/* reloads */
	enum mr_state rstate;
	unsigned attempt, last_attempt;	/* running, last asked */
	pid_t check_pid;
	int check_fd;
	ev_io check_io;
	struct sbuf check_out;
	int check_status;
	unsigned nreloads, nfailed;
	double started;
	/* the current worker's runtime state, for the next one */
	int state_fd;
	ev_io state_io;
	struct sbuf state;
} m;

static void master_reload_next(void);

/* ---- workers ---- */

static void master_proc_free(struct mw_proc *p)
{
	if (p->fd >= 0) {
		ev_io_stop(m.loop, &p->io);
		close(p->fd);
	}
	for (unsigned i = 0; i < p->nfds; i++)
		close(p->fds[i]);
	free(p->fds);
	free(p);
}

static struct mw_proc *master_current(void)
{
	for (struct mw_proc *p = m.procs; p; p = p->next)
		if (p->state == MP_CURRENT)
			return p;
	return NULL;
}

static void master_sig_all(int sig)
{
	for (struct mw_proc *p = m.procs; p; p = p->next)
		kill(p->pid, sig);
}

/* lbd -W -D: the command returns (0) once the first worker serves; a
 * master that exits before makes it return 1. */
static void master_tell_parent(void)
{
	if (m.ready_fd < 0)
		return;
	if (write(m.ready_fd, "1", 1) != 1)
		log_warn("cannot notify the parent process");
	close(m.ready_fd);
	m.ready_fd = -1;
}

/* A command line for a worker's runtime API, answered on fd. 0 or -1. */
static int master_send_cli(int chan, const char *line, int fd)
{
	char msg[MWORKER_MSG_MAX];
	int len = snprintf(msg, sizeof(msg), "CLI %s", line);

	if (chan < 0 || len < 0 || (size_t)len >= sizeof(msg))
		return -1;
	return sockpass_send_fd(chan, msg, (size_t)len, fd);
}

/* The runtime state for a new worker: a memfd ("STF"), or "STN". */
static int master_send_state(int chan)
{
	size_t off = 0;
	int fd, rc;

	if (!m.state.len || m.state.err ||
	    (fd = memfd_create("lbd-state", MFD_CLOEXEC)) < 0)
		return sockpass_send_fd(chan, "STN", 3, -1);
	while (off < m.state.len) {
		ssize_t n = write(fd, m.state.d + off, m.state.len - off);

		if (n <= 0) {
			close(fd);
			return sockpass_send_fd(chan, "STN", 3, -1);
		}
		off += (size_t)n;
	}
	rc = sockpass_send_fd(chan, "STF", 3, fd);
	close(fd);
	return rc;
}

static void master_worker_ready(struct mw_proc *p)
{
	struct mw_proc *old = master_current();

	if (p->state != MP_STARTING)
		return;
	if (p->fds_done) {
		/* the new generation's sockets replace the master's copies
		 * (the ones it kept are the very same sockets) */
		for (unsigned i = 0; i < m.nheld; i++)
			close(m.held[i]);
		free(m.held);
		m.held = p->fds;
		m.nheld = p->nfds;
		p->fds = NULL;
		p->nfds = 0;
	}
	p->state = MP_CURRENT;
	if (old) {
		old->state = MP_OLD;
		/* "RLD": it stops softly knowing it is a reload; a signal
		 * when the channel is gone */
		if (sockpass_send_fd(old->fd, "RLD", 3, -1) < 0)
			kill(old->pid, SIGUSR1);
	}
	for (struct mw_proc *q = m.procs; old && q; q = q->next) {
		if (q->state != MP_OLD)
			continue;
		q->reloads++;
		if (m.o->max_reloads >= 0 && q->reloads > (unsigned)m.o->max_reloads) {
			log_warnx("old worker %d lived through %u reloads "
				  "(mworker-max-reloads %d): terminating it",
				  (int)q->pid, q->reloads, m.o->max_reloads);
			kill(q->pid, SIGTERM);
		}
	}
	log_notice("worker %d ready (%u listening sockets)", (int)p->pid, m.nheld);
	if (p->attempt) {
		ev_timer_stop(m.loop, &m.start_to);
		m.nreloads++;
		m.rstate = MR_IDLE;
		mcli_reload_result(p->attempt, 1, NULL);
		p->attempt = 0;
		sdn_sendf("READY=1\nSTATUS=reloaded (%u reloads); worker %d",
			  m.nreloads, (int)p->pid);
		master_reload_next();
	} else if (!m.ever_ready) {
		sdn_sendf("READY=1\nMAINPID=%ld\nSTATUS=worker %d",
			  (long)getpid(), (int)p->pid);
		master_tell_parent();
	}
	m.ever_ready = 1;
}

/* A message from a worker: its listening sockets, or "ready". */
static void master_chan_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct mw_proc *p = io->data;
	unsigned char buf[64];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * SOCKPASS_BATCH)];
	} cm;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };
	ssize_t n = recvmsg(p->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	unsigned count, got = 0;
	int last;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n > 0 && c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		got = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (unsigned i = 0; i < got; i++) {
			int fd, *nf = NULL;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (p->fds_done || p->nfds >= SOCKPASS_MAX ||
			    !(nf = realloc(p->fds, (p->nfds + 1) * sizeof(int)))) {
				close(fd);
				continue;
			}
			p->fds = nf;
			p->fds[p->nfds++] = fd;
		}
	}
	if (n <= 0) {			/* it exited: the child watcher tells */
		ev_io_stop(loop, io);
		close(p->fd);
		p->fd = -1;
		return;
	}
	if (n == 3 && memcmp(buf, "RDY", 3) == 0) {
		master_worker_ready(p);
		return;
	}
	if (n == SOCKPASS_HDR && sockpass_hdr_parse(buf, &count, &last) == 0 &&
	    count == got) {
		if (last)
			p->fds_done = 1;
		return;
	}
	log_debug("worker %d: unexpected message (%zd bytes)", (int)p->pid, n);
}

/* In a child: run this binary on the configuration with the given
 * options in front (the flags the master was given follow). */
static void master_exec(const char *const *opts, int nopts)
{
	char *argv[2 * MASTER_MAX_FILES + 8];
	int a = 0;
	sigset_t all;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	argv[a++] = m.exe;
	for (int i = 0; i < nopts && i < 3; i++)
		argv[a++] = (char *)opts[i];
	if (m.o->quiet)
		argv[a++] = "-q";
	if (m.o->debug)
		argv[a++] = "-d";
	if (m.o->verbose)
		argv[a++] = "-V";
	for (int i = 0; i < m.o->nfiles && i < MASTER_MAX_FILES; i++) {
		argv[a++] = "-f";
		argv[a++] = m.o->files[i];
	}
	argv[a] = NULL;
	execv(m.exe, argv);
	_exit(127);
}

static void master_child_exec(int fd)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", fd);
	fcntl(fd, F_SETFD, 0);
	setenv(MWORKER_ENV, num, 1);
	master_exec(NULL, 0);
}

/* Start a worker; it gets the master's listening sockets first. */
static struct mw_proc *master_spawn(unsigned attempt)
{
	struct mw_proc *p = calloc(1, sizeof(*p));
	int sp[2];

	if (!p)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		free(p);
		return NULL;
	}
	if (sockpass_send(sp[0], m.held, m.nheld) < 0 ||
	    master_send_state(sp[0]) < 0 || (p->pid = fork()) < 0) {
		log_warn("cannot start a worker");
		close(sp[0]);
		close(sp[1]);
		free(p);
		return NULL;
	}
	if (p->pid == 0)
		master_child_exec(sp[1]);
	close(sp[1]);
	p->fd = sp[0];
	fcntl(p->fd, F_SETFL, O_NONBLOCK);
	p->state = MP_STARTING;
	p->started = ev_now(m.loop);
	p->attempt = attempt;
	ev_io_init(&p->io, master_chan_cb, p->fd, EV_READ);
	p->io.data = p;
	ev_io_start(m.loop, &p->io);
	p->next = m.procs;
	m.procs = p;
	log_info("worker %d started", (int)p->pid);
	return p;
}

static void master_respawn_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	if (!m.stopping && !master_current() && !master_spawn(0)) {
		ev_timer_set(&m.respawn, MASTER_BACKOFF_MAX, 0.);
		ev_timer_start(loop, &m.respawn);
	}
}

static void master_schedule_respawn(void)
{
	double d = 0.1;

	for (unsigned i = 0; i < m.crashes && d < MASTER_BACKOFF_MAX; i++)
		d *= 2;
	if (d > MASTER_BACKOFF_MAX)
		d = MASTER_BACKOFF_MAX;
	m.crashes++;
	log_warnx("restarting the worker in %.1f s", d);
	ev_timer_stop(m.loop, &m.respawn);
	ev_timer_set(&m.respawn, d, 0.);
	ev_timer_start(m.loop, &m.respawn);
}

/* ---- reloads ---- */

static void master_reload_fail(const char *msg)
{
	char line[512];
	size_t i;

	/* one line for the log and the service manager's status */
	for (i = 0; msg[i] && i < sizeof(line) - 1; i++)
		line[i] = msg[i] == '\n' ? ' ' : msg[i];
	line[i] = '\0';
	m.nfailed++;
	log_warnx("reload refused, the running worker keeps serving: %s", line);
	mcli_reload_result(m.attempt, 0, msg);
	sdn_sendf("READY=1\nSTATUS=reload failed: %.200s", line);
	ev_timer_stop(m.loop, &m.start_to);
	m.rstate = MR_IDLE;
	master_reload_next();
}

static void master_check_read(void)
{
	char buf[1024];
	ssize_t n;

	while ((n = read(m.check_fd, buf, sizeof(buf))) > 0)
		if (m.check_out.len < MASTER_CHECK_OUT)
			sbuf_add(&m.check_out, buf, (size_t)n);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		ev_io_stop(m.loop, &m.check_io);
		close(m.check_fd);
		m.check_fd = -1;
	}
}

static void master_check_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	master_check_read();
}

/* Read fd (made non-blocking) with cb in the master's loop; returns fd. */
static int master_watch(ev_io *io, int fd, void (*cb)(struct ev_loop *, ev_io *, int))
{
	fcntl(fd, F_SETFL, O_NONBLOCK);
	ev_io_init(io, cb, fd, EV_READ);
	ev_io_start(m.loop, io);
	return fd;
}

/* A reload moves on to its next step, which gets MASTER_START_TIMEOUT. */
static void master_phase(enum mr_state st)
{
	m.rstate = st;
	ev_timer_stop(m.loop, &m.start_to);
	ev_timer_set(&m.start_to, MASTER_START_TIMEOUT, 0.);
	ev_timer_start(m.loop, &m.start_to);
}

/* Start the reload's new worker (with the state gathered, if any). */
static void master_reload_spawn(void)
{
	master_phase(MR_STARTING);
	if (!master_spawn(m.attempt)) {
		sbuf_free(&m.state);
		master_reload_fail("cannot start a new worker");
		return;
	}
	sbuf_free(&m.state);
}

static void master_state_end(void)
{
	ev_io_stop(m.loop, &m.state_io);
	close(m.state_fd);
	m.state_fd = -1;
}

static void master_state_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	char buf[16384];
	ssize_t n;

	while ((n = read(m.state_fd, buf, sizeof(buf))) > 0) {
		if (m.state.len + (size_t)n > HANDOVER_MAX) {
			log_warnx("the worker's runtime state is over %u bytes: "
				  "not handed over", HANDOVER_MAX);
			sbuf_free(&m.state);
			memset(&m.state, 0, sizeof(m.state));
			break;
		}
		sbuf_add(&m.state, buf, (size_t)n);
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	master_state_end();
	if (m.stopping)
		return;
	master_reload_spawn();
}

/* Ask the current worker for its runtime state; the new worker starts
 * once it arrived (or without it, when there is no worker to ask). */
static void master_state_fetch(void)
{
	struct mw_proc *cur = master_current();
	int sp[2];

	memset(&m.state, 0, sizeof(m.state));
	if (!cur || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		master_reload_spawn();
		return;
	}
	if (master_send_cli(cur->fd, "_dumpstate", sp[1]) < 0) {
		close(sp[0]);
		close(sp[1]);
		master_reload_spawn();
		return;
	}
	close(sp[1]);
	m.state_fd = master_watch(&m.state_io, sp[0], master_state_cb);
	master_phase(MR_STATE);
}

/* The check child exited: its whole output is in the pipe. */
static void master_check_done(int status)
{
	char *msg;

	if (m.check_fd >= 0) {
		master_check_read();
		if (m.check_fd >= 0) {
			ev_io_stop(m.loop, &m.check_io);
			close(m.check_fd);
			m.check_fd = -1;
		}
	}
	m.check_pid = 0;
	ev_timer_stop(m.loop, &m.start_to);
	if (m.stopping) {
		sbuf_free(&m.check_out);
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		sbuf_free(&m.check_out);
		master_state_fetch();
		return;
	}
	sbuf_add(&m.check_out, "", 1);
	msg = m.check_out.d && m.check_out.d[0] ? m.check_out.d :
	      "the configuration check failed";
	for (size_t n = strlen(msg); n && msg[n - 1] == '\n'; n--)
		msg[n - 1] = '\0';
	master_reload_fail(msg);
	sbuf_free(&m.check_out);
}

static void master_check_start(void)
{
	int p[2];

	m.attempt = m.last_attempt;
	sdn_reloading();
	log_notice("reload %u: checking the configuration", m.attempt);
	if (pipe2(p, O_CLOEXEC) < 0 || (m.check_pid = fork()) < 0) {
		master_reload_fail("cannot run the configuration check");
		return;
	}
	if (m.check_pid == 0) {
		static const char *const opts[] = { "-c", "-q" };

		dup2(p[1], 1);
		dup2(p[1], 2);
		master_exec(opts, 2);
	}
	close(p[1]);
	m.check_fd = master_watch(&m.check_io, p[0], master_check_cb);
	master_phase(MR_CHECKING);
}

static void master_reload_next(void)
{
	if (m.rstate == MR_IDLE && m.last_attempt > m.attempt && !m.stopping)
		master_check_start();
}

unsigned master_reload_request(const char **msg)
{
	if (m.stopping) {
		*msg = "the master is stopping";
		return 0;
	}
	/* requests that arrive during an attempt share the next one */
	if (m.last_attempt == m.attempt)
		m.last_attempt++;
	master_reload_next();
	return m.last_attempt;
}

static void master_start_to_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	if (m.rstate == MR_STATE) {
		log_warnx("the worker's runtime state did not come within %.0f s: "
			  "the new worker starts without it", MASTER_START_TIMEOUT);
		master_state_end();
		sbuf_free(&m.state);
		master_reload_spawn();
		return;
	}
	if (m.rstate == MR_CHECKING && m.check_pid) {
		log_warnx("the configuration check took over %.0f s: killing it",
			  MASTER_START_TIMEOUT);
		kill(m.check_pid, SIGKILL);
		return;
	}
	for (struct mw_proc *p = m.procs; p; p = p->next)
		if (p->state == MP_STARTING && p->attempt == m.attempt) {
			log_warnx("worker %d not ready after %.0f s: killing it",
				  (int)p->pid, MASTER_START_TIMEOUT);
			kill(p->pid, SIGKILL);
		}
}

/* ---- children ---- */

static void master_child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct mw_proc **pp, *p;
	int st = w->rstatus;
	char how[64];

	if (w->rpid == m.check_pid) {
		master_check_done(st);
		if (m.stopping && !m.procs)
			ev_break(loop, EVBREAK_ALL);
		return;
	}
	for (pp = &m.procs; *pp && (*pp)->pid != w->rpid; pp = &(*pp)->next)
		;
	if (!(p = *pp))
		return;
	*pp = p->next;
	if (WIFSIGNALED(st))
		snprintf(how, sizeof(how), "(%s) killed by signal %d",
			 mp_state_names[p->state], WTERMSIG(st));
	else
		snprintf(how, sizeof(how), "(%s) exited with status %d",
			 mp_state_names[p->state], WEXITSTATUS(st));
	if (p->state == MP_OLD || m.stopping) {
		log_info("worker %d %s", (int)p->pid, how);
	} else if (p->state == MP_STARTING) {
		if (p->attempt) {
			char msg[160];

			ev_timer_stop(loop, &m.start_to);
			snprintf(msg, sizeof(msg), "the new worker %s before being "
				 "ready", how);
			master_reload_fail(msg);
		} else if (!m.ever_ready) {
			log_warnx("the first worker %s before being ready", how);
			m.exit_rc = 1;
			m.stopping = 1;
		} else {
			log_warnx("worker %d %s before being ready", (int)p->pid, how);
			master_schedule_respawn();
		}
	} else {
		log_warnx("worker %d %s", (int)p->pid, how);
		if (ev_now(loop) - p->started >= MASTER_STABLE)
			m.crashes = 0;
		master_schedule_respawn();
	}
	master_proc_free(p);
	if (m.stopping && !m.procs && !m.check_pid)
		ev_break(loop, EVBREAK_ALL);
}

static void master_signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	const char *msg;

	switch (w->signum) {
	case SIGUSR2:
	case SIGHUP:
		log_notice("signal %d: reloading", w->signum);
		if (!master_reload_request(&msg))
			log_warnx("reload refused: %s", msg);
		return;
	case SIGUSR1:
		log_notice("SIGUSR1: workers finish their sessions, then exit");
		sdn_send("STOPPING=1");
		m.stopping = 1;
		master_sig_all(SIGUSR1);
		break;
	default:
		log_notice("signal %d: stopping now", w->signum);
		sdn_send("STOPPING=1");
		m.stopping = 1;
		master_sig_all(SIGTERM);
		if (m.check_pid)
			kill(m.check_pid, SIGTERM);
		break;
	}
	ev_timer_stop(loop, &m.respawn);
	mcli_stop();
	if (!m.procs && !m.check_pid)
		ev_break(loop, EVBREAK_ALL);
}

/* ---- show proc ---- */

static void master_uptime(struct sbuf *out, double secs)
{
	unsigned long s = secs > 0 ? (unsigned long)secs : 0;

	sbuf_printf(out, "%lud%02luh%02lum%02lus", s / 86400, s / 3600 % 24,
		    s / 60 % 60, s % 60);
}

void master_show_proc(struct sbuf *out)
{
	double now = ev_now(m.loop);
	char rel[48];

	sbuf_printf(out, "#%-14s %-15s %-15s %-15s %s\n", "<PID>", "<type>",
		    "<reloads>", "<uptime>", "<version>");
	snprintf(rel, sizeof(rel), "%u [failed: %u]", m.nreloads, m.nfailed);
	sbuf_printf(out, "%-15d %-15s %-15s ", (int)getpid(), "master", rel);
	master_uptime(out, now - m.started);
	sbuf_printf(out, "     %s\n", LBD_VERSION);
	for (int pass = 0; pass < 3; pass++) {
		static const enum mp_state order[3] = { MP_CURRENT, MP_STARTING, MP_OLD };
		static const char *const title[3] = { "# workers", "# starting workers",
						      "# old workers" };
		int any = 0;

		for (struct mw_proc *p = m.procs; p; p = p->next) {
			if (p->state != order[pass])
				continue;
			if (!any++)
				sbuf_printf(out, "%s\n", title[pass]);
			sbuf_printf(out, "%-15d %-15s %-15u ", (int)p->pid, "worker",
				    p->reloads);
			master_uptime(out, now - p->started);
			sbuf_printf(out, "     %s\n", LBD_VERSION);
		}
	}
}

int master_route(const char *target, const char *line, int fd)
{
	struct mw_proc *p = NULL;

	if (strcmp(target, "1") == 0) {
		p = master_current();
	} else if (target[0] == '!') {
		char *end;
		long pid;

		errno = 0;
		pid = strtol(target + 1, &end, 10);
		if (errno || *end || end == target + 1 || pid <= 0)
			return -1;
		for (p = m.procs; p && p->pid != (pid_t)pid; p = p->next)
			;
	}
	if (!p || p->fd < 0)
		return -1;
	return master_send_cli(p->fd, line, fd) < 0 ? -2 : 0;
}

/* ---- run ---- */

int master_run(const struct master_opts *o)
{
	static const int signums[5] = { SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGHUP };
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.o = o;
	m.check_fd = -1;
	m.state_fd = -1;
	m.ready_fd = o->ready_fd;
	n = readlink("/proc/self/exe", m.exe, sizeof(m.exe) - 1);
	if (n <= 0) {
		log_warn("cannot find the lbd binary to start workers");
		return 1;
	}
	m.exe[n] = '\0';
	/* an upgraded binary on disk: the next worker runs it */
	{
		static const char del[] = " (deleted)";
		size_t l = strlen(m.exe);

		if (l > sizeof(del) - 1 && strcmp(m.exe + l - (sizeof(del) - 1), del) == 0)
			m.exe[l - (sizeof(del) - 1)] = '\0';
	}
	m.loop = ev_default_loop(EVFLAG_AUTO);
	if (!m.loop)
		return 1;
	m.started = ev_now(m.loop);
	for (int i = 0; i < 5; i++) {
		ev_signal_init(&m.sigs[i], master_signal_cb, signums[i]);
		ev_signal_start(m.loop, &m.sigs[i]);
	}
	ev_child_init(&m.child, master_child_cb, 0, 0);
	ev_child_start(m.loop, &m.child);
	ev_timer_init(&m.respawn, master_respawn_cb, 0., 0.);
	ev_timer_init(&m.start_to, master_start_to_cb, 0., 0.);
	if (o->cli_path && mcli_start(m.loop, o->cli_path) < 0) {
		m.exit_rc = 1;
		goto out;
	}
	if (!master_spawn(0)) {
		m.exit_rc = 1;
		goto out;
	}
	log_notice("master %d started (master-worker mode)", (int)getpid());
	ev_run(m.loop, 0);
out:
	mcli_stop();
	while (m.procs) {
		struct mw_proc *p = m.procs;

		m.procs = p->next;
		master_proc_free(p);
	}
	for (unsigned i = 0; i < m.nheld; i++)
		close(m.held[i]);
	free(m.held);
	sbuf_free(&m.check_out);
	if (m.state_fd >= 0)
		master_state_end();
	sbuf_free(&m.state);
	/* a stop signal now (the test or the operator insisting) must not
	 * kill the teardown once libev gives the default action back: held
	 * first, then ignored, so the exit status stays ours */
	{
		sigset_t ss;

		sigemptyset(&ss);
		for (int i = 0; i < 5; i++)
			sigaddset(&ss, signums[i]);
		sigprocmask(SIG_BLOCK, &ss, NULL);
		for (int i = 0; i < 5; i++) {
			ev_signal_stop(m.loop, &m.sigs[i]);
			signal(signums[i], SIG_IGN);
		}
	}
	ev_child_stop(m.loop, &m.child);
	ev_timer_stop(m.loop, &m.respawn);
	ev_timer_stop(m.loop, &m.start_to);
	ev_loop_destroy(m.loop);
	if (m.ready_fd >= 0)
		close(m.ready_fd);
	return m.exit_rc;
}
