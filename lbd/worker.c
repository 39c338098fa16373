/*
 * worker.c - the threads of lbd: one libev loop each, their listening
 * sockets (one per thread and bind, SO_REUSEPORT), accepting under the
 * maxconn limits, waking sessions across threads, and stopping.
 *
 * Session wake-ups from other threads go through the owner's inbox (mutex +
 * ev_async). A closing session is freed only in the owner's prepare pass,
 * after the inbox is drained, so a wake-up posted before it closed never
 * points at freed memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addrwatch.h"
#include "backend.h"
#include "buf.h"
#include "check.h"
#include "handover.h"
#include "cli.h"
#include "log.h"
#include "proxy.h"
#include "sdnotify.h"
#include "session.h"
#include "sockpass.h"
#include "mworker.h"
#include "stats.h"
#include "snmpmib.h"
#include "vrrpwatch.h"
#include "worker.h"

struct lbd_env lbd;

struct listener {
	struct listener *next;
	struct bind *b;
	struct worker *w;
	ev_io io;
	int fd;
	int paused;
};

static __thread struct worker *worker_tls;

struct worker *worker_self(void)
{
	return worker_tls;
}

/* ---- listening sockets ---- */

/* Whether b listens on one address rather than a wildcard. */
static int addr_is_specific(const struct bind *b)
{
	static const unsigned char zero[16];

	if (b->addr.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&b->addr)->sin_addr.s_addr != 0;
	if (b->addr.ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)&b->addr)->sin6_addr,
			      zero, sizeof(zero)) != 0;
	return 0;
}

/*
 * A listener on one address (a VRRP virtual address, typically) is made
 * IP_TRANSPARENT when lbd may (CAP_NET_ADMIN; it fails harmlessly
 * otherwise). The connections it accepts inherit it, and the kernel then
 * lets them send from the address after it left the node: the answers in
 * flight when VRRP moves the VIP away still reach their clients instead
 * of being dropped. It changes nothing else without TPROXY rules.
 */
static void listener_transparent(int fd, const struct bind *b)
{
	int one = 1;

	if (!addr_is_specific(b))
		return;
	if (b->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_TRANSPARENT, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IP, IP_TRANSPARENT, &one, sizeof(one));
}

static int listener_socket(struct bind *b, int reuseport, char *err, size_t errlen)
{
	int fd, one = 1;

	fd = socket(b->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create socket (%s)", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuseport)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (b->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &b->v6only, sizeof(b->v6only));
	if (b->transparent)
		setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	listener_transparent(fd, b);
	if (bind(fd, (struct sockaddr *)&b->addr, b->addrlen) < 0 &&
	    (errno != EADDRNOTAVAIL || b->transparent ||
	     setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0 ||
	     bind(fd, (struct sockaddr *)&b->addr, b->addrlen) < 0)) {
		snprintf(err, errlen, "cannot bind socket (%s)", strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, b->backlog ? (int)b->backlog : 1024) < 0) {
		snprintf(err, errlen, "cannot listen to socket (%s)", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether b's address can be bound without IP_FREEBIND (wildcards are). */
static int addr_is_local(const struct bind *b)
{
	struct sockaddr_storage ss = b->addr;
	int fd, rc;

	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return 1;
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1;
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	rc = bind(fd, (struct sockaddr *)&ss, b->addrlen) == 0 ||
	     errno != EADDRNOTAVAIL;
	close(fd);
	return rc;
}

/* Bind every frontend's sockets, one per thread. Returns 0, or -1 after
 * printing which bind failed. */
int worker_bind_all(void)
{
	unsigned n = lbd.conf->global.nbthread;
	char err[256];
	int rc = 0;

	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (!(px->cap & PR_CAP_FE) || px->disabled)
			continue;
		for (struct bind *b = px->binds; b; b = b->next) {
			for (unsigned t = 0; t < n; t++) {
				/* a socket handed over by the previous
				 * process first: it never stopped listening */
				int fd = sockpass_take(&b->addr, b->addrlen);

				if (fd < 0)
					fd = listener_socket(b, n > 1, err, sizeof(err));
				if (fd < 0) {
					fprintf(stderr, "[ALERT]    (%d) : Starting %s %s: "
						"%s [%s]\n", (int)getpid(),
						(px->cap & PR_CAP_BE) ? "proxy" : "frontend",
						px->id, err, b->text);
					rc = -1;
					break;
				}
				if (t == 0 && !b->transparent && !addr_is_local(b))
					log_warnx("%s %s: %s is not a local address (yet): "
						  "bound with IP_FREEBIND, it takes "
						  "traffic once the address arrives "
						  "(a VRRP virtual address)",
						  (px->cap & PR_CAP_BE) ? "proxy" : "frontend",
						  px->id, b->text);
				b->fd[b->nfd++] = fd;
				if (sockpass_expose(fd) < 0)
					log_warn("cannot keep listening socket %s for "
						 "the next process", b->text);
			}
		}
	}
	/* what the previous process listened on and this one does not */
	sockpass_pool_clear();
	return rc;
}

static int worker_over_limit(const struct bind *b)
{
	const struct proxy *fe = b->fe;

	if (atomic_load(&fe->paused))
		return 1;
	if (atomic_load(&lbd.actconn) >= lbd.conf->global.maxconn)
		return 1;
	if (b->maxconn && atomic_load(&((struct bind *)b)->curconn) >= b->maxconn)
		return 1;
	return fe->maxconn && atomic_load(&fe->feconn) >= fe->maxconn;
}

static void listener_pause(struct listener *l)
{
	if (!l->paused) {
		ev_io_stop(l->w->loop, &l->io);
		l->paused = 1;
	}
}

static void listener_accept_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct listener *l = io->data;
	unsigned max = lbd.conf->global.maxaccept;

	for (unsigned i = 0; i < max; i++) {
		struct sockaddr_storage addr;
		socklen_t alen = sizeof(addr);
		int fd, one = 1;

		if (worker_over_limit(l->b)) {
			listener_pause(l);
			return;
		}
		fd = accept4(l->fd, (struct sockaddr *)&addr, &alen,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				log_warnx("accept: %s; pausing listener", strerror(errno));
				listener_pause(l);
			}
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		sock_set_bufs(fd, lbd.conf->global.sndbuf_cli, lbd.conf->global.rcvbuf_cli);
		atomic_fetch_add(&lbd.actconn, 1);
		session_new(l->w, l->b, fd, &addr);
	}
}

static void worker_resume_listeners(struct worker *w)
{
	if (w->stopping)
		return;
	for (struct listener *l = w->listeners; l; l = l->next) {
		if (l->paused && !worker_over_limit(l->b)) {
			l->paused = 0;
			ev_io_start(w->loop, &l->io);
		}
	}
}

/* Listeners follow their frontend's pause ("disable frontend") at once. */
static void worker_sync_listeners(struct worker *w)
{
	if (w->stopping)
		return;
	for (struct listener *l = w->listeners; l; l = l->next)
		if (!l->paused && atomic_load(&l->b->fe->paused))
			listener_pause(l);
	worker_resume_listeners(w);
}

static void worker_close_listeners(struct worker *w)
{
	while (w->listeners) {
		struct listener *l = w->listeners;

		w->listeners = l->next;
		ev_io_stop(w->loop, &l->io);
		close(l->fd);
		free(l);
	}
}

static int worker_add_listeners(struct worker *w)
{
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (!(px->cap & PR_CAP_FE) || px->disabled)
			continue;
		for (struct bind *b = px->binds; b; b = b->next) {
			struct listener *l = calloc(1, sizeof(*l));

			if (!l)
				return -1;
			l->b = b;
			l->w = w;
			l->fd = b->fd[w->id];
			b->fd[w->id] = -1;
			ev_io_init(&l->io, listener_accept_cb, l->fd, EV_READ);
			l->io.data = l;
			ev_io_start(w->loop, &l->io);
			l->next = w->listeners;
			w->listeners = l;
		}
	}
	return 0;
}

/* ---- pipes for splice(2) ---- */

int worker_pipe_get(struct worker *w, int fds[2])
{
	if (w->npipes) {
		w->npipes--;
		fds[0] = w->pipes[w->npipes][0];
		fds[1] = w->pipes[w->npipes][1];
		return 0;
	}
	return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
}

void worker_pipe_put(struct worker *w, const int fds[2])
{
	if (w->npipes < WORKER_PIPES && !w->stopping) {
		w->pipes[w->npipes][0] = fds[0];
		w->pipes[w->npipes][1] = fds[1];
		w->npipes++;
		return;
	}
	close(fds[0]);
	close(fds[1]);
}

/* ---- run queue, inbox, frees ---- */

void worker_wake_session(struct session *s)
{
	struct worker *w = s->w;

	if (w == worker_tls) {
		if (!s->queued) {
			s->queued = 1;
			s->next_q = w->runq;
			w->runq = s;
		}
		return;
	}
	pthread_mutex_lock(&w->inbox_lock);
	if (!s->queued) {
		s->queued = 1;
		s->next_q = w->inbox;
		w->inbox = s;
	}
	pthread_mutex_unlock(&w->inbox_lock);
	ev_async_send(w->loop, &w->wake);
}

int worker_call(struct worker *w, void (*fn)(struct worker *, void *), void *arg)
{
	struct wcall *c = malloc(sizeof(*c));

	if (!c)
		return -1;
	c->fn = fn;
	c->arg = arg;
	c->next = NULL;
	pthread_mutex_lock(&w->inbox_lock);
	/* in order: append */
	if (w->calls_tail)
		w->calls_tail->next = c;
	else
		w->calls = c;
	w->calls_tail = c;
	pthread_mutex_unlock(&w->inbox_lock);
	ev_async_send(w->loop, &w->wake);
	return 0;
}

static void worker_run_queues(struct worker *w)
{
	struct session *list;
	struct wcall *calls;

	pthread_mutex_lock(&w->inbox_lock);
	list = w->inbox;
	w->inbox = NULL;
	calls = w->calls;
	w->calls = w->calls_tail = NULL;
	for (struct session *s = list; s; s = s->next_q)
		s->queued = 0;
	pthread_mutex_unlock(&w->inbox_lock);
	while (calls) {
		struct wcall *c = calls;

		calls = c->next;
		c->fn(w, c->arg);
		free(c);
	}
	while (list) {
		struct session *s = list;

		list = s->next_q;
		session_process(s);
	}
	while (w->runq) {
		struct session *s = w->runq;

		w->runq = s->next_q;
		s->queued = 0;
		session_process(s);
	}
	while (w->freeq) {
		struct session *s = w->freeq;

		w->freeq = s->next_free;
		session_free(s);
	}
}

static void worker_prepare_cb(struct ev_loop *loop, ev_prepare *p, int revents)
{
	session_run_events(p->data);
	worker_run_queues(p->data);
}

/* Invoked first after each poll: the sessions' socket events of this poll
 * are collected for session_run_events. */
static void worker_check_cb(struct ev_loop *loop, ev_check *c, int revents)
{
	struct worker *w = c->data;

	w->collecting = 1;
}

/* ---- stopping ---- */

static void worker_soft_stop(struct worker *w)
{
	struct session *s, *n;

	if (!w->stopping) {
		uint32_t hsa = lbd.conf->global.hard_stop_after;

		w->stopping = 1;
		worker_close_listeners(w);
		if (w->id == 0) {
			cli_stop();
			/* the next worker registers LBD-MIB: make way */
			snmpmib_stop();
			sockpass_unexpose_all();
		}
		if (hsa) {
			ev_timer_set(&w->hard_stop, hsa / 1000.0, 0.);
			ev_timer_start(w->loop, &w->hard_stop);
		}
	}
	/* Every connection ends after its next response ("Connection:
	 * close"). An idle keep-alive connection is not closed now: its
	 * client may be sending a request this very moment, which a close
	 * would lose. It ends with the answer to that request, or at its own
	 * keep-alive timeout, or at hard-stop-after. */
	for (s = w->sessions; s; s = n) {
		n = s->next_all;
		s->cli_close = 1;
	}
	backend_idle_purge(w, 1);
	if (w->nsess == 0)
		ev_break(w->loop, EVBREAK_ALL);
}

static void worker_hard_stop(struct worker *w)
{
	struct session *s;

	worker_close_listeners(w);
	if (w->id == 0) {
		cli_stop();
		snmpmib_stop();
		sockpass_unexpose_all();
	}
	while ((s = w->sessions))
		session_close(s, TERM_KILLED, 0);
	backend_idle_purge(w, 1);
	ev_break(w->loop, EVBREAK_ALL);
}

static void worker_wake_cb(struct ev_loop *loop, ev_async *a, int revents)
{
	struct worker *w = a->data;
	int st = atomic_load(&lbd.stopping);

	if (st == 2)
		worker_hard_stop(w);
	else if (st == 1)
		worker_soft_stop(w);
	else
		worker_sync_listeners(w);
}

void worker_kick_all(void)
{
	for (unsigned i = 0; i < lbd.nworkers; i++)
		ev_async_send(lbd.workers[i].loop, &lbd.workers[i].wake);
}

static void worker_hard_stop_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	log_warnx("hard-stop-after expired: closing %u remaining sessions",
		  ((struct worker *)t->data)->nsess);
	atomic_store(&lbd.stopping, 2);
	worker_hard_stop(t->data);
}

void worker_stop_all(int hard)
{
	atomic_store(&lbd.stopping, hard ? 2 : 1);
	for (unsigned i = 0; i < lbd.nworkers; i++)
		ev_async_send(lbd.workers[i].loop, &lbd.workers[i].wake);
}

void worker_session_closed(struct worker *w)
{
	if (w->stopping) {
		if (w->nsess == 0)
			ev_break(w->loop, EVBREAK_ALL);
		return;
	}
	worker_resume_listeners(w);
}

long long worker_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void worker_tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct worker *w = t->data;

	atomic_store(&w->alive_ms, worker_mono_ms());

	worker_resume_listeners(w);
	backend_idle_purge(w, 0);
	if (w->id == 0)
		stats_sample_rates();
}

/* ---- threads ---- */

static int worker_init(struct worker *w, unsigned id)
{
	const struct global *g = &lbd.conf->global;

	w->id = id;
	w->loop = id == 0 ? ev_default_loop(EVFLAG_AUTO) : ev_loop_new(EVFLAG_AUTO);
	if (!w->loop)
		return -1;
	pthread_mutex_init(&w->inbox_lock, NULL);
	w->bufs = buf_pool_new(g->bufsize, 256);
	w->scratch = malloc(g->bufsize + g->maxrewrite);
	w->arena.size = WORKER_ARENA_BUFS * (size_t)g->bufsize;
	w->arena.base = malloc(w->arena.size);
	if (!w->bufs || !w->scratch || !w->arena.base)
		return -1;
	ev_async_init(&w->wake, worker_wake_cb);
	w->wake.data = w;
	ev_async_start(w->loop, &w->wake);
	ev_prepare_init(&w->prep, worker_prepare_cb);
	w->prep.data = w;
	ev_prepare_start(w->loop, &w->prep);
	ev_check_init(&w->chk, worker_check_cb);
	w->chk.data = w;
	ev_check_start(w->loop, &w->chk);
	atomic_store(&w->alive_ms, worker_mono_ms());
	ev_timer_init(&w->tick, worker_tick_cb, 0.1, 0.1);
	w->tick.data = w;
	ev_timer_start(w->loop, &w->tick);
	ev_unref(w->loop);	/* the tick alone does not keep a loop alive */
	ev_timer_init(&w->hard_stop, worker_hard_stop_cb, 0., 0.);
	w->hard_stop.data = w;
	return worker_add_listeners(w);
}

static void worker_fini(struct worker *w)
{
	worker_run_queues(w);
	worker_close_listeners(w);
	if (w->loop) {
		ev_ref(w->loop);
		ev_timer_stop(w->loop, &w->tick);
		ev_timer_stop(w->loop, &w->hard_stop);
		ev_async_stop(w->loop, &w->wake);
		ev_prepare_stop(w->loop, &w->prep);
		ev_check_stop(w->loop, &w->chk);
		if (w->id != 0)
			ev_loop_destroy(w->loop);
	}
	buf_pool_free(w->bufs);
	free(w->scratch);
	free(w->arena.base);
	while (w->npipes) {
		w->npipes--;
		close(w->pipes[w->npipes][0]);
		close(w->pipes[w->npipes][1]);
	}
	while (w->calls) {		/* never run: the loop is gone */
		struct wcall *c = w->calls;

		w->calls = c->next;
		free(c);
	}
	pthread_mutex_destroy(&w->inbox_lock);
}

static void worker_pin(struct worker *w)
{
	int cpu = lbd.conf->global.cpu_map[w->id];
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
		log_warnx("thread %u: cpu-map to CPU %d failed", w->id + 1, cpu);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	worker_tls = w;
	lbd_tid = w->id;
	worker_pin(w);
	/* a soft stop ends the loop once the last session is gone */
	for (;;) {
		ev_run(w->loop, 0);
		if (atomic_load(&lbd.stopping) == 2)
			break;
		if (w->stopping && w->nsess == 0)
			break;
	}
	return NULL;
}

/* Signals arrive on the default loop (thread 1). */
static void worker_signal_cb(struct ev_loop *loop, ev_signal *sig, int revents)
{
	if (sig->signum == SIGUSR1) {
		log_notice("SIGUSR1 received: stopping listeners, finishing %u "
			   "sessions", (unsigned)atomic_load(&lbd.actconn));
		sdn_send("STOPPING=1\nSTATUS=finishing the sessions in flight");
		worker_stop_all(0);
		return;
	}
	log_notice("signal %d received: stopping now", sig->signum);
	sdn_send("STOPPING=1");
	worker_stop_all(1);
}

static const int worker_signums[3] = { SIGTERM, SIGINT, SIGUSR1 };

void worker_block_signals(int block)
{
	sigset_t ss;

	sigemptyset(&ss);
	for (int i = 0; i < 3; i++)
		sigaddset(&ss, worker_signums[i]);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &ss, NULL);
}

int worker_run_all(void)
{
	unsigned n = lbd.conf->global.nbthread;
	ev_signal sigs[3];
	const int *signums = worker_signums;
	int rc = 0;

	lbd.workers = calloc(n, sizeof(*lbd.workers));
	if (!lbd.workers)
		return 1;
	lbd.nworkers = n;
	for (unsigned i = 0; i < n; i++) {
		if (worker_init(&lbd.workers[i], i) < 0) {
			log_warnx("cannot initialise thread %u", i + 1);
			rc = 1;
			n = i + 1;
			goto out;
		}
	}
	for (int i = 0; i < 3; i++) {
		ev_signal_init(&sigs[i], worker_signal_cb, signums[i]);
		sigs[i].data = &lbd.workers[0];
		ev_signal_start(lbd.workers[0].loop, &sigs[i]);
		ev_unref(lbd.workers[0].loop);
	}
	/* what came since worker_block_signals(1) is delivered now, to the
	 * watchers (the other threads keep them blocked) */
	worker_block_signals(0);
	/* health checks live on the first thread */
	if (check_start_all(&lbd.workers[0]) < 0) {
		log_warnx("cannot start the health checks");
		rc = 1;
		goto out;
	}
	/* and what lbd follows of the node: its addresses, vrrpd */
	addrwatch_start(lbd.workers[0].loop);
	vrrpwatch_start(lbd.workers[0].loop);
	/* and so does the runtime API */
	if (cli_start(&lbd.workers[0]) < 0) {
		log_warnx("cannot start the stats sockets");
		rc = 1;
		goto out;
	}
	/* what the previous worker handed over, before any connection */
	worker_tls = &lbd.workers[0];
	handover_apply();
	/* and the SNMP subagent, an adapter beside the runtime API */
	if (snmpmib_start(lbd.workers[0].loop) < 0) {
		log_warnx("cannot start the SNMP subagent");
		rc = 1;
		goto out;
	}
	for (unsigned i = 1; i < n; i++)
		pthread_create(&lbd.workers[i].thread, NULL, worker_main, &lbd.workers[i]);
	/* every listener and stats socket is bound: connections queue from
	 * here; the master (or the process -sf names) learns it */
	mworker_ready(lbd.workers[0].loop);
	sdn_sendf("READY=1\nMAINPID=%ld\nSTATUS=%u threads, %u proxies",
		  (long)getpid(), n, lbd.conf->nproxies);
	worker_main(&lbd.workers[0]);
	for (unsigned i = 1; i < n; i++)
		pthread_join(lbd.workers[i].thread, NULL);
	/* already on the way out: a late stop signal must not kill the
	 * teardown (stopping a watcher gives back the default action), so
	 * they are held first, then ignored */
	worker_block_signals(1);
	for (int i = 0; i < 3; i++) {
		ev_ref(lbd.workers[0].loop);
		ev_signal_stop(lbd.workers[0].loop, &sigs[i]);
		signal(signums[i], SIG_IGN);
	}
out:
	snmpmib_stop();
	cli_stop();
	mworker_stop();
	sockpass_unexpose_all();
	vrrpwatch_stop();
	addrwatch_stop();
	check_stop_all(&lbd.workers[0]);
	for (unsigned i = 0; i < n; i++)
		worker_fini(&lbd.workers[i]);
	free(lbd.workers);
	lbd.workers = NULL;
	return rc;
}
