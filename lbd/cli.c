/*
 * cli.c - the runtime API (see cli.h).
 *
 * A connection reads lines of at most CLI_LINE_MAX bytes. Without
 * "prompt", the first line is run and the connection closes once the
 * replies are sent, as with HAProxy; with it, every line is run and a "> "
 * prompt follows each reply. A command that needs the other threads
 * (show sess, shutdown session) suspends the line until every worker has
 * answered through worker_call(); the rest of the line then runs.
 *
 * The "stats" keywords are parsed in cli_cfg.c, the commands that change
 * servers, frontends, limits and counters are in cli_admin.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "cfg.h"
#include "lb.h"
#include "cfg_lex.h"
#include "check.h"
#include "errsnap.h"
#include "events.h"
#include "handover.h"
#include "cli.h"
#include "cli_int.h"
#include "log.h"
#include "proxy.h"
#include "stktable.h"
#include "sbuf.h"
#include "server.h"
#include "session.h"
#include "sockpass.h"
#include "srv_sess.h"
#include "stats.h"
#include "version.h"
#include "vrrpwatch.h"
#include "worker.h"

#define CLI_LINE_MAX	16384
#define CLI_OUT_MAX	(8u << 20)	/* pending output before reading stops */

extern char **environ;

struct cli_conn {
	struct cli_conn *next, *prev;
	struct cli_listener *l;
	int fd;
	ev_io rio, wio;
	ev_timer timer;
	double timeout;			/* seconds */
	int level;
	int interactive;
	int closing;			/* close once the output is sent */
	int waiting;			/* a command runs on the other threads */
	int refs;			/* gathers holding this connection */
	int stream;			/* "subscribe": an event stream now */
	unsigned long long hb_seq;
	int dead;			/* closed; freed when refs drops to 0 */
	char *rest;			/* the rest of a suspended line */
	size_t inlen;
	char in[CLI_LINE_MAX];
	struct sbuf out;
};

static struct worker *cli_w;
static struct cli_conn *cli_conns;
static unsigned cli_nconns;

/* ---- sockets ---- */

int cli_listener_bind(struct cli_listener *l)
{
	int fd = socket(l->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return -1;
	if (l->path) {
		/* bind a temporary name, then rename over the old socket: a
		 * running instance's socket is never left missing */
		struct sockaddr_un tmp = *(struct sockaddr_un *)&l->addr;
		char tmppath[sizeof(tmp.sun_path)];
		struct stat st;
		int n = snprintf(tmppath, sizeof(tmppath), "%s.%d.tmp", l->path,
				 (int)getpid());

		if (n < 0 || (size_t)n >= sizeof(tmppath)) {
			errno = ENAMETOOLONG;
			close(fd);
			return -1;
		}
		strcpy(tmp.sun_path, tmppath);
		unlink(tmppath);
		if (bind(fd, (struct sockaddr *)&tmp, sizeof(tmp)) < 0 ||
		    (l->mode >= 0 && chmod(tmppath, (mode_t)l->mode) < 0) ||
		    ((l->uid_set || l->gid_set) &&
		     chown(tmppath, l->uid_set ? l->uid : (uid_t)-1,
			   l->gid_set ? l->gid : (gid_t)-1) < 0) ||
		    listen(fd, 16) < 0 || stat(tmppath, &st) < 0 ||
		    rename(tmppath, l->path) < 0) {
			int e = errno;

			unlink(tmppath);
			close(fd);
			errno = e;
			return -1;
		}
		l->dev = st.st_dev;
		l->ino = st.st_ino;
	} else {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&l->addr, l->addrlen) < 0 ||
		    listen(fd, 16) < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
	}
	l->fd = fd;
	return 0;
}

int cli_bind_all(struct lbd_conf *conf)
{
	for (struct cli_listener *l = conf->global.cli; l; l = l->next)
		if (cli_listener_bind(l) < 0) {
			fprintf(stderr, "[ALERT]    (%d) : Starting proxy GLOBAL: cannot "
				"bind stats socket [%s] (%s)\n", (int)getpid(), l->text,
				strerror(errno));
			return -1;
		}
	return 0;
}

/* ---- connections ---- */

static void cli_read_cb(struct ev_loop *loop, ev_io *io, int revents);
static void cli_write_cb(struct ev_loop *loop, ev_io *io, int revents);
static void cli_timer_cb(struct ev_loop *loop, ev_timer *t, int revents);
static void cli_run(struct cli_conn *c, char *line);
static void cli_line_end(struct cli_conn *c);
static struct cli_conn *cli_conn_new(int fd, struct cli_listener *l, int level);

static void cli_listeners_set(int on)
{
	for (struct cli_listener *l = lbd.conf->global.cli; l; l = l->next)
		if (l->watcher) {
			if (on)
				ev_io_start(cli_w->loop, l->watcher);
			else
				ev_io_stop(cli_w->loop, l->watcher);
		}
}

static unsigned cli_maxconn(void)
{
	return lbd.conf->global.cli_maxconn ? lbd.conf->global.cli_maxconn : 10;
}

static void cli_conn_free(struct cli_conn *c)
{
	sbuf_free(&c->out);
	free(c->rest);
	free(c);
}

static void cli_close(struct cli_conn *c)
{
	struct ev_loop *loop = cli_w->loop;

	if (c->dead)
		return;
	ev_io_stop(loop, &c->rio);
	ev_io_stop(loop, &c->wio);
	ev_timer_stop(loop, &c->timer);
	close(c->fd);
	c->fd = -1;
	c->dead = 1;
	if (c->prev)
		c->prev->next = c->next;
	else
		cli_conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (cli_nconns-- == cli_maxconn())
		cli_listeners_set(1);
	if (!c->refs)
		cli_conn_free(c);
}

static void cli_touch(struct cli_conn *c)
{
	if (c->stream)		/* the timer sends heartbeats */
		return;
	ev_timer_stop(cli_w->loop, &c->timer);
	ev_timer_set(&c->timer, c->timeout, 0.);
	ev_timer_start(cli_w->loop, &c->timer);
}

/* Send what can be sent; read again once everything went out. */
static void cli_flush(struct cli_conn *c)
{
	struct ev_loop *loop = cli_w->loop;

	while (c->out.len) {
		ssize_t n = send(c->fd, c->out.d, c->out.len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				ev_io_stop(loop, &c->rio);
				ev_io_start(loop, &c->wio);
				return;
			}
			cli_close(c);
			return;
		}
		sbuf_consume(&c->out, (size_t)n);
	}
	ev_io_stop(loop, &c->wio);
	if (c->closing) {
		cli_close(c);
		return;
	}
	if (!c->waiting)
		ev_io_start(loop, &c->rio);
}

/* Run the complete lines received; returns once suspended or done. */
static void cli_process(struct cli_conn *c)
{
	if (c->stream)		/* a subscriber only listens */
		c->inlen = 0;
	while (!c->waiting && !c->closing) {
		char *nl = memchr(c->in, '\n', c->inlen);
		size_t len;

		if (!nl) {
			if (c->inlen == sizeof(c->in)) {
				sbuf_puts(&c->out, "Command line too long.\n\n");
				c->closing = 1;
			}
			break;
		}
		len = (size_t)(nl - c->in);
		*nl = '\0';
		for (size_t i = 0; i < len; i++)	/* NULs must not hide the rest */
			if (c->in[i] == '\0')
				c->in[i] = ' ';
		if (len && c->in[len - 1] == '\r')
			c->in[len - 1] = '\0';
		{
			char *line = strdup(c->in);

			c->inlen -= len + 1;
			memmove(c->in, nl + 1, c->inlen);
			if (!line) {
				c->closing = 1;
				break;
			}
			cli_run(c, line);
			free(line);
		}
	}
	cli_flush(c);
}

static void cli_read(struct cli_conn *c);

/* A connection closed during a callback is freed at its end. */
static void cli_read_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct cli_conn *c = io->data;

	c->refs++;
	cli_read(c);
	if (--c->refs == 0 && c->dead)
		cli_conn_free(c);
}

static void cli_read(struct cli_conn *c)
{
	struct ev_loop *loop = cli_w->loop;
	ssize_t n;

	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			cli_close(c);
		return;
	}
	cli_touch(c);
	if (n == 0) {
		/* a last line without its newline still runs */
		if (c->inlen && c->inlen < sizeof(c->in) && !c->closing) {
			c->in[c->inlen++] = '\n';
			c->interactive = 0;
			cli_process(c);
			if (c->dead)
				return;
		}
		c->closing = 1;
		ev_io_stop(loop, &c->rio);
		if (!c->waiting)
			cli_flush(c);
		return;
	}
	c->inlen += (size_t)n;
	cli_process(c);
}

static void cli_write_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct cli_conn *c = io->data;

	cli_touch(c);
	cli_flush(c);
}

static void cli_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct cli_conn *c = t->data;

	if (!c->stream) {
		cli_close(c);
		return;
	}
	if (events_heartbeat(&c->out, c->hb_seq + 1))
		c->hb_seq++;
	cli_flush(c);
}

void cli_stream_send(const char *line, size_t len)
{
	struct cli_conn *c, *n;

	for (c = cli_conns; c; c = n) {
		n = c->next;
		if (!c->stream)
			continue;
		/* a subscriber that stopped reading is dropped: it resyncs
		 * from a full state when it reconnects */
		if (c->out.len + len > CLI_OUT_MAX) {
			cli_close(c);
			continue;
		}
		sbuf_add(&c->out, line, len);
		cli_flush(c);
	}
}

static void cli_accept_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct cli_listener *l = io->data;

	for (int i = 0; i < 16; i++) {
		struct cli_conn *c;
		int fd;

		if (cli_nconns >= cli_maxconn()) {
			cli_listeners_set(0);
			return;
		}
		fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		c = cli_conn_new(fd, l, l->level);
		if (!c)
			return;
		ev_io_start(loop, &c->rio);
	}
}

/* A connection on fd (closed on failure); the caller starts reading. */
static struct cli_conn *cli_conn_new(int fd, struct cli_listener *l, int level)
{
	struct cli_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		close(fd);
		return NULL;
	}
	c->fd = fd;
	c->l = l;
	c->level = level;
	c->timeout = (lbd.conf->global.cli_timeout ?
		      lbd.conf->global.cli_timeout : 10000) / 1000.0;
	ev_io_init(&c->rio, cli_read_cb, fd, EV_READ);
	ev_io_init(&c->wio, cli_write_cb, fd, EV_WRITE);
	ev_timer_init(&c->timer, cli_timer_cb, c->timeout, 0.);
	c->rio.data = c->wio.data = c->timer.data = c;
	ev_timer_start(cli_w->loop, &c->timer);
	c->next = cli_conns;
	if (cli_conns)
		cli_conns->prev = c;
	cli_conns = c;
	cli_nconns++;
	return c;
}

void cli_adopt(int fd, int level, const char *line, size_t len)
{
	struct cli_conn *c;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (!cli_w || len >= sizeof(c->in)) {
		close(fd);
		return;
	}
	c = cli_conn_new(fd, NULL, level);
	if (!c)
		return;
	memcpy(c->in, line, len);
	c->in[len] = '\n';
	c->inlen = len + 1;
	c->refs++;
	cli_process(c);
	if (--c->refs == 0 && c->dead)
		cli_conn_free(c);
}

int cli_start(struct worker *w)
{
	cli_w = w;
	events_start();
	for (struct cli_listener *l = lbd.conf->global.cli; l; l = l->next) {
		ev_io *io = malloc(sizeof(*io));

		if (!io)
			return -1;
		ev_io_init(io, cli_accept_cb, l->fd, EV_READ);
		io->data = l;
		l->watcher = io;
		ev_io_start(w->loop, io);
		ev_unref(w->loop);	/* the CLI alone does not keep lbd running */
	}
	return 0;
}

void cli_stop(void)
{
	if (!cli_w)
		return;
	for (struct cli_listener *l = lbd.conf->global.cli; l; l = l->next)
		if (l->watcher) {
			ev_ref(cli_w->loop);
			ev_io_stop(cli_w->loop, l->watcher);
			free(l->watcher);
			l->watcher = NULL;
		}
	for (struct cli_conn *c = cli_conns; c; c = c->next)
		if (c->stream) {	/* last words, if the socket takes them */
			events_bye(&c->out, events_bye_reason());
			if (send(c->fd, c->out.d, c->out.len, MSG_NOSIGNAL) < 0)
				continue;
		}
	while (cli_conns)
		cli_close(cli_conns);
	events_stop();
	cli_w = NULL;
}

/* ---- commands: helpers ---- */

/* "backend/server" -> the server, or a reply saying what is wrong. */
struct server *cli_find_server(struct cli_ctx *x, const char *arg)
{
	char be_name[256];
	const char *slash = arg ? strchr(arg, '/') : NULL;
	struct proxy *be;
	struct server *sv;

	if (!slash || slash == arg || !slash[1] || (size_t)(slash - arg) >= sizeof(be_name)) {
		OUT(x, "Require 'backend/server'.\n");
		return NULL;
	}
	memcpy(be_name, arg, (size_t)(slash - arg));
	be_name[slash - arg] = '\0';
	be = proxy_find(lbd.conf, be_name, PR_CAP_BE);
	if (!be) {
		OUT(x, "No such backend.\n");
		return NULL;
	}
	sv = proxy_find_server(be, slash + 1);
	if (!sv)
		OUT(x, "No such server.\n");
	return sv;
}

/* A proxy by name or "#id" / numeric id. */
struct proxy *cli_find_proxy(const char *arg, unsigned cap)
{
	char *end;
	long id;

	if (!arg)
		return NULL;
	id = strtol(arg[0] == '#' ? arg + 1 : arg, &end, 10);
	if (*end == '\0' && end != arg) {
		for (struct proxy *px = lbd.conf->proxies; px; px = px->next)
			if (px->uuid == (uint32_t)id && (px->cap & cap))
				return px;
	}
	return proxy_find(lbd.conf, arg, cap);
}

int cli_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *end || *v > max)
		return -1;
	return 0;
}

/* ---- commands ---- */

static void cmd_help(struct cli_ctx *x, int argc, char **argv);

static void cmd_prompt(struct cli_ctx *x, int argc, char **argv)
{
	*x->interactive = !*x->interactive;
}

static void cmd_quit(struct cli_ctx *x, int argc, char **argv)
{
	if (x->c)
		x->c->closing = 2;
}

/* _getsocks: this process's listening sockets for the next one (-x). */
static void cmd_getsocks(struct cli_ctx *x, int argc, char **argv)
{
	unsigned n;
	const int *fds = sockpass_exposed(&n);

	if (!x->c || !x->c->l || !x->c->l->expose_fd) {
		OUT(x, "Permission denied: this socket has no 'expose-fd listeners'.\n");
		return;
	}
	if (x->c->out.len || sockpass_send(x->c->fd, fds, n) < 0) {
		log_warn("_getsocks: cannot send %u listening sockets", n);
	} else {
		log_notice("_getsocks: %u listening sockets handed over", n);
		events_successor();	/* this process is being replaced */
	}
	x->c->closing = 2;
}

static void cmd_dumpstate(struct cli_ctx *x, int argc, char **argv)
{
	handover_dump(x->out);
}

static void cmd_counters(struct cli_ctx *x, int argc, char **argv)
{
	char err[160];

	if (handover_counters(argc - 1, argv + 1, err, sizeof(err)) < 0)
		OUT(x, "%s\n", err);
}

static void cmd_stkt(struct cli_ctx *x, int argc, char **argv)
{
	char err[160];

	if (stkt_restore(lbd.conf->proxies, argc - 1, argv + 1, err, sizeof(err)) < 0)
		OUT(x, "%s\n", err);
}

static void cmd_lower_level(struct cli_ctx *x, int argc, char **argv)
{
	int lvl = cli_level(argv[0]);

	if (lvl > *x->level)
		OUT(x, "Permission denied\n");
	else
		*x->level = lvl;
}

static const char *const cli_level_names[] = { "", "user", "operator", "admin" };

static void cmd_show_cli_level(struct cli_ctx *x, int argc, char **argv)
{
	OUT(x, "%s\n", cli_level_names[*x->level]);
}

static void cmd_set_timeout(struct cli_ctx *x, int argc, char **argv)
{
	uint32_t ms;
	char err[64];

	if (argc < 4 || strcmp(argv[2], "cli") != 0) {
		OUT(x, "'set timeout' only supports 'cli'.\n");
		return;
	}
	/* seconds by default here, as HAProxy's CLI */
	if (cfg_parse_time_ms(argv[3], &ms, err, sizeof(err)) < 0 || ms == 0) {
		OUT(x, "Expects an integer value.\n");
		return;
	}
	if (strspn(argv[3], "0123456789") == strlen(argv[3]))
		ms *= 1000;
	if (x->c) {
		x->c->timeout = ms / 1000.0;
		cli_touch(x->c);
	}
}

static void cmd_show_version(struct cli_ctx *x, int argc, char **argv)
{
	OUT(x, "%s\n", LBD_VERSION);
}

static void cmd_show_env(struct cli_ctx *x, int argc, char **argv)
{
	size_t n = argc > 2 ? strlen(argv[2]) : 0;

	for (char **e = environ; e && *e; e++) {
		if (n && (strncmp(*e, argv[2], n) != 0 || (*e)[n] != '='))
			continue;
		OUT(x, "%s\n", *e);
		if (n)
			return;
	}
	if (n)
		OUT(x, "Variable not found\n");
}

/* show ssl cert [<file>]: the certificates the bind lines loaded, or one
 * in detail (its expiry among them) */
static void cmd_show_ssl_cert(struct cli_ctx *x, int argc, char **argv)
{
	struct tls_conf **confs;
	unsigned n = 0;

	for (struct proxy *px = lbd.conf->proxies; px; px = px->next)
		for (struct bind *b = px->binds; b; b = b->next)
			n += b->tls_owner;
	confs = calloc(n ? n : 1, sizeof(*confs));
	if (!confs) {
		OUT(x, "Out of memory.\n");
		return;
	}
	n = 0;
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next)
		for (struct bind *b = px->binds; b; b = b->next)
			if (b->tls_owner)
				confs[n++] = b->tls;
	if (tls_show_cert(confs, n, argc > 3 ? argv[3] : NULL, x->out) < 0)
		OUT(x, "Can't display the certificate: Not found or the certificate "
		    "is a bundle!\n");
	free(confs);
}

static void cli_vrrp_info(struct cli_ctx *x);

static void cmd_show_info(struct cli_ctx *x, int argc, char **argv)
{
	int fmt = STATS_FMT_CSV;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "typed") == 0)
			fmt = STATS_FMT_TYPED;
		else if (strcmp(argv[i], "json") == 0)
			fmt = STATS_FMT_JSON;
		else if (strcmp(argv[i], "desc") != 0 && strcmp(argv[i], "float") != 0) {
			OUT(x, "show info: unknown option '%s' (typed, json, desc, float).\n",
			    argv[i]);
			return;
		}
	}
	stats_info(x->out, fmt);
	if (fmt == STATS_FMT_CSV)
		cli_vrrp_info(x);
}

/* show info's lines about the node's VRRP instances (vrrpd-socket) */
static void cli_vrrp_info(struct cli_ctx *x)
{
	const struct vrrp_view *v;
	int up = vrrpwatch_connected();

	if (up < 0)
		return;
	OUT(x, "Vrrpd: %s\n", up ? "up" : "unreachable");
	for (size_t i = 0; (v = vrrpwatch_get(i)); i++)
		OUT(x, "Vrrp.%s.State: %s\nVrrp.%s.Priority: %u\n"
		    "Vrrp.%s.Master: %s\n", v->name, v->state, v->name,
		    v->priority, v->name, v->master);
}

/* show vrrp: the instances as vrrpd last reported them */
static void cmd_show_vrrp(struct cli_ctx *x, int argc, char **argv)
{
	const struct vrrp_view *v;
	int up = vrrpwatch_connected();

	if (up < 0) {
		OUT(x, "No vrrpd-socket in the configuration.\n");
		return;
	}
	if (!up)
		OUT(x, "# vrrpd is unreachable: last known states\n");
	for (size_t i = 0; (v = vrrpwatch_get(i)); i++)
		OUT(x, "instance %s state %s priority %u master %s vips %s\n",
		    v->name, v->state, v->priority, v->master, v->vips);
}

static void cmd_show_stat(struct cli_ctx *x, int argc, char **argv)
{
	struct stats_filter flt = { .iid = -1, .types = 7, .sid = -1 };
	int fmt = STATS_FMT_CSV, pos = 0;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "typed") == 0)
			fmt = STATS_FMT_TYPED;
		else if (strcmp(a, "json") == 0)
			fmt = STATS_FMT_JSON;
		else if (strcmp(a, "up") == 0)
			flt.up_only = 1;
		else if (strcmp(a, "no-maint") == 0)
			flt.no_maint = 1;
		else if (strcmp(a, "desc") == 0)
			continue;
		else if (strcmp(a, "domain") == 0 && i + 1 < argc &&
			 strcmp(argv[i + 1], "proxy") == 0)
			i++;
		else if (pos == 0) {
			if (strcmp(a, "-1") != 0) {
				struct proxy *px = cli_find_proxy(a, PR_CAP_FE | PR_CAP_BE);
				char *end;
				long id = strtol(a, &end, 10);

				if (px)
					flt.iid = (int32_t)px->uuid;
				else if (*end == '\0' && end != a && id >= 0)
					flt.iid = (int32_t)id;
				else {
					OUT(x, "No such proxy.\n");
					return;
				}
			}
			pos++;
		} else if (pos == 1) {
			long t = strtol(a, NULL, 10);

			flt.types = t < 0 ? 7 : (unsigned)t & 7;
			pos++;
		} else if (pos == 2) {
			long s = strtol(a, NULL, 10);

			flt.sid = s < 0 ? -1 : (int32_t)s;
			pos++;
		} else {
			OUT(x, "show stat: unexpected argument '%s'.\n", a);
			return;
		}
	}
	if (pos == 1 || pos == 2) {
		OUT(x, "Invalid parameters: 'show stat [{<iid>|<proxy>} <type> <sid>]'.\n");
		return;
	}
	stats_dump(x->out, fmt, &flt);
}

/* HAProxy's numbers for check results in "show servers state". */
static unsigned cli_hchk_status(const struct check_view *v)
{
	static const unsigned map[CHK_ST_COUNT] = {
		[CHK_ST_UNKNOWN] = 0, [CHK_ST_L4OK] = 6, [CHK_ST_L4TOUT] = 7,
		[CHK_ST_L4CON] = 8, [CHK_ST_L7OK] = 15, [CHK_ST_L7TOUT] = 12,
		[CHK_ST_L7RSP] = 13, [CHK_ST_L7STS] = 17, [CHK_ST_SOCKERR] = 5,
		[CHK_ST_L6OK] = 9, [CHK_ST_L6RSP] = 11, [CHK_ST_HANA] = 4,
		[CHK_ST_PROCERR] = 18, [CHK_ST_PROCTOUT] = 19, [CHK_ST_PROCOK] = 20,
	};

	if (!v->configured || !v->ran)
		return 1;	/* INI */
	return map[v->status];
}

/* "-" for a server address that is not IP, as the state file has it. */
void cli_addr_str(const struct sockaddr_storage *ss, char *ip, size_t len,
		  unsigned *port)
{
	*port = sockaddr_ip_port((const struct sockaddr *)ss, ip, len);
	if (!ip[0])
		snprintf(ip, len, "-");
}

static void cmd_show_servers_state(struct cli_ctx *x, int argc, char **argv)
{
	struct proxy *only = NULL;

	if (argc > 3) {
		only = cli_find_proxy(argv[3], PR_CAP_BE);
		if (!only) {
			OUT(x, "Can't find backend.\n");
			return;
		}
	}
	OUT(x, "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state "
	    "srv_admin_state srv_uweight srv_iweight srv_time_since_last_change "
	    "srv_check_status srv_check_result srv_check_health srv_check_state "
	    "srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port "
	    "srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr "
	    "srv_agent_port\n");
	for (struct proxy *be = lbd.conf->proxies; be; be = be->next) {
		if (!(be->cap & PR_CAP_BE) || (only && be != only))
			continue;
		for (struct server *sv = be->servers; sv; sv = sv->next) {
			struct check_view cv, av;
			char ip[INET6_ADDRSTRLEN + 1], cip[INET6_ADDRSTRLEN + 1] = "-";
			char aip[INET6_ADDRSTRLEN + 1] = "-";
			unsigned port, cport = 0, aport;
			uint64_t now = (uint64_t)time(NULL);
			uint64_t since = sv->last_change ? sv->last_change :
					 (uint64_t)lbd.start_time;
			int hc = check_view(sv, 0, &cv), ha = check_view(sv, 1, &av);

			cli_addr_str(&sv->addr, ip, sizeof(ip), &port);
			if (sv->check_addrlen)
				cli_addr_str(&sv->check_addr, cip, sizeof(cip), &cport);
			if (sv->agent_addrlen)
				cli_addr_str(&sv->agent_addr, aip, sizeof(aip), &aport);
			OUT(x, "%u %s %u %s %s %d %u %u %u %llu %u %u %u %u %u 0 0 - %u - 0 "
			    "%u %s %s %u\n", be->uuid, be->id, sv->puid, sv->id, ip,
			    sv->oper_up ? 2 : 0, sv->admin, sv->uweight, sv->iweight,
			    (unsigned long long)(now > since ? now - since : 0),
			    cli_hchk_status(&cv), !hc || !cv.ran ? 0 :
			    (cv.status == CHK_ST_L4OK || cv.status == CHK_ST_L7OK ||
			     cv.status == CHK_ST_L6OK || cv.status == CHK_ST_PROCOK) ? 3 : 2,
			    hc ? cv.health : sv->rise,
			    hc ? (cv.enabled ? 6 : 2) : 0,
			    ha ? (av.enabled ? 0x16 : 0x12) : 0, port,
			    sv->check_port, cip, aip, sv->agent_port);
		}
	}
}

static void cmd_show_backend(struct cli_ctx *x, int argc, char **argv)
{
	OUT(x, "# name\n");
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next)
		if (px->cap & PR_CAP_BE)
			OUT(x, "%s\n", px->id);
}

/* show table [<name>]: the tables' summaries, or one table's entries
 * (the most recently used first, at most CLI_TABLE_MAX) */
#define CLI_TABLE_MAX	10000
static void cmd_show_table(struct cli_ctx *x, int argc, char **argv)
{
	const char *name = argc > 2 ? argv[2] : NULL;

	if (name && !stkt_of(proxy_find(lbd.conf, name, PR_CAP_FE | PR_CAP_BE))) {
		OUT(x, "No such table\n");
		return;
	}
	if (argc > 3) {
		OUT(x, "show table: filters (data.<type>, key) are not supported yet.\n");
		return;
	}
	stkt_show(x->out, lbd.conf->proxies, name, CLI_TABLE_MAX);
}

static void cmd_show_errors(struct cli_ctx *x, int argc, char **argv)
{
	const char *px = argc > 2 ? argv[2] : NULL, *what = argc > 3 ? argv[3] : NULL;

	if (px && (strcmp(px, "request") == 0 || strcmp(px, "response") == 0)) {
		what = px;
		px = NULL;
	}
	errsnap_show(x->out, px, what);
}

/* ---- commands on every thread ---- */

enum { GATHER_SHOW_SESS, GATHER_KILL_SESS };

struct cli_gather {
	pthread_mutex_t lock;
	struct sbuf out;
	unsigned pending;
	int kind;
	int all;
	uintptr_t id;			/* one session (show sess <id>, shutdown session) */
	unsigned found;
	struct cli_conn *c;		/* NULL: fire and forget */
};

static void cli_sess_line(struct sbuf *out, struct session *s, int all)
{
	char src[INET6_ADDRSTRLEN + 8], ip[INET6_ADDRSTRLEN];
	double age = ev_now(s->w->loop) - s->t_accept;
	const char *proto = s->cli_addr.sa.sa_family == AF_INET6 ? "tcpv6" : "tcpv4";
	unsigned port = sockaddr_ip_port(&s->cli_addr.sa, ip, sizeof(ip));

	snprintf(src, sizeof(src), "%s:%u", ip[0] ? ip : "?", port);
	if (!all) {
		sbuf_printf(out, "%p: proto=%s src=%s fe=%s be=%s srv=%s ts=00 epoch=0 "
			    "age=%lds calls=0 rate=0 cpu=0 lat=0 rq[f=0h,i=%u,an=00h,rx=,"
			    "wx=,ax=] rp[f=0h,i=%u,an=00h,rx=,wx=,ax=] scf=[8,0h,fd=%d] "
			    "scb=[8,0h,fd=%d] exp= rc=0 c_exp=\n", (void *)s, proto, src,
			    s->fe->id, s->t && s->t->be ? s->t->be->id : "<NONE>",
			    s->t && s->t->srv ? s->t->srv->id : "<none>", (long)age,
			    s->t ? s->t->req.b.data : 0, s->t ? s->t->res.b.data : 0,
			    s->cli.fd, s->t && s->t->sc ? s->t->sc->sk.fd : -1);
		return;
	}
	sbuf_printf(out, "%p: id=%llu proto=%s source=%s\n"
		    "  frontend=%s (id=%u mode=%s), listener=%s\n"
		    "  backend=%s (id=%d mode=%s)\n"
		    "  server=%s (id=%d)\n"
		    "  age=%lds conn_retries=%u thread=%u\n"
		    "  req: %u bytes buffered, %llu bytes in; res: %u bytes buffered, "
		    "%llu bytes out\n", (void *)s, s->t ? s->t->uniq : 0ULL, proto, src,
		    s->fe->id, s->fe->uuid, pr_mode_names[s->fe->mode],
		    s->bind && s->bind->text ? s->bind->text : "?",
		    s->t && s->t->be ? s->t->be->id : "<NONE>",
		    s->t && s->t->be ? (int)s->t->be->uuid : -1,
		    s->t && s->t->be ? pr_mode_names[s->t->be->mode] : "-",
		    s->t && s->t->srv ? s->t->srv->id : "<NONE>",
		    s->t && s->t->srv ? (int)s->t->srv->puid : -1, (long)age,
		    s->t ? s->t->conn_retries : 0, s->w->id,
		    s->t ? s->t->req.b.data : 0,
		    s->t ? (unsigned long long)s->t->bytes_in : 0ULL,
		    s->t ? s->t->res.b.data : 0,
		    s->t ? (unsigned long long)s->t->bytes_out : 0ULL);
}

static void cli_gather_done(struct worker *w, void *arg);

static void cli_gather_free(struct cli_gather *g)
{
	pthread_mutex_destroy(&g->lock);
	sbuf_free(&g->out);
	free(g);
}

/* On each worker: its part of the command. */
static void cli_gather_run(struct worker *w, void *arg)
{
	struct cli_gather *g = arg;
	struct session *s, *n;
	int last;

	pthread_mutex_lock(&g->lock);
	for (s = w->sessions; s; s = n) {
		n = s->next_all;
		if (g->id && (uintptr_t)s != g->id)
			continue;
		switch (g->kind) {
		case GATHER_SHOW_SESS:
			cli_sess_line(&g->out, s, g->all);
			g->found++;
			break;
		case GATHER_KILL_SESS:
			g->found++;
			session_close(s, TERM_KILLED, 0);
			break;
		}
	}
	last = --g->pending == 0;
	pthread_mutex_unlock(&g->lock);
	if (!last)
		return;
	if (!g->c || worker_call(cli_w, cli_gather_done, g) < 0) {
		if (g->c && --g->c->refs == 0 && g->c->dead)
			cli_conn_free(g->c);
		cli_gather_free(g);
	}
}

/* Back on the CLI's thread: the reply, then the rest of the line. */
static void cli_gather_done(struct worker *w, void *arg)
{
	struct cli_gather *g = arg;
	struct cli_conn *c = g->c;
	char *rest;

	c->refs--;
	if (c->dead) {
		if (!c->refs)
			cli_conn_free(c);
		cli_gather_free(g);
		return;
	}
	if (g->kind == GATHER_SHOW_SESS && g->id && !g->found)
		sbuf_puts(&c->out, "No such session (use 'show sess').\n");
	else if (g->kind == GATHER_KILL_SESS && !g->found)
		sbuf_puts(&c->out, "No such session (use 'show sess').\n");
	else
		sbuf_add(&c->out, g->out.d ? g->out.d : "", g->out.len);
	cli_gather_free(g);
	sbuf_puts(&c->out, "\n");
	c->waiting = 0;
	rest = c->rest;
	c->rest = NULL;
	if (rest) {
		cli_run(c, rest);
		free(rest);
	} else {
		cli_line_end(c);
	}
	cli_process(c);
}

/* Start a command on every worker; 1 if the line is now suspended. */
static int cli_gather_start(struct cli_ctx *x, int kind, int all, uintptr_t id)
{
	struct cli_gather *g = calloc(1, sizeof(*g));

	if (!g) {
		OUT(x, "Out of memory.\n");
		return 0;
	}
	pthread_mutex_init(&g->lock, NULL);
	g->kind = kind;
	g->all = all;
	g->id = id;
	g->pending = lbd.nworkers;
	g->c = x->c;
	if (!g->pending) {		/* no worker runs (tests, fuzzing) */
		cli_gather_free(g);
		return 0;
	}
	if (g->c)
		g->c->refs++;
	for (unsigned i = 0; i < lbd.nworkers; i++)
		if (worker_call(&lbd.workers[i], cli_gather_run, g) < 0) {
			/* counted as done */
			pthread_mutex_lock(&g->lock);
			g->pending--;
			pthread_mutex_unlock(&g->lock);
		}
	return g->c != NULL;
}

static int cli_parse_id(const char *s, uintptr_t *id)
{
	char *end;
	unsigned long long v;

	if (!s)
		return -1;
	v = strtoull(s, &end, 16);
	if (*end || end == s || v == 0)
		return -1;
	*id = (uintptr_t)v;
	return 0;
}

static int cmd_show_sess(struct cli_ctx *x, int argc, char **argv)
{
	uintptr_t id = 0;
	int all = argc > 2 && strcmp(argv[2], "all") == 0;

	if (argc > 2 && !all && cli_parse_id(argv[2], &id) < 0) {
		OUT(x, "No such session (use 'show sess').\n");
		return 0;
	}
	if (!x->c)
		return 0;
	return cli_gather_start(x, GATHER_SHOW_SESS, all || id, id);
}

static int cmd_shutdown_session(struct cli_ctx *x, int argc, char **argv)
{
	uintptr_t id;

	if (argc < 3) {
		OUT(x, "Session pointer expected (use 'show sess').\n");
		return 0;
	}
	if (cli_parse_id(argv[2], &id) < 0) {
		OUT(x, "No such session (use 'show sess').\n");
		return 0;
	}
	if (!x->c)
		return 0;
	return cli_gather_start(x, GATHER_KILL_SESS, 0, id);
}

static void cmd_shutdown_sessions_server(struct cli_ctx *x, int argc, char **argv)
{
	struct server *sv = cli_find_server(x, argc > 3 ? argv[3] : NULL);

	if (sv)
		srv_sess_shutdown(sv, TERM_KILLED);
}

/* subscribe [heartbeat <ms>]: the connection becomes an event stream */
static void cmd_subscribe(struct cli_ctx *x, int argc, char **argv)
{
	struct cli_conn *c = x->c;
	unsigned long hb = EVENTS_HB_DEFAULT;

	if (argc == 3 && strcmp(argv[1], "heartbeat") == 0) {
		if (cli_uint(argv[2], EVENTS_HB_MAX, &hb) < 0 ||
		    hb < EVENTS_HB_MIN) {
			OUT(x, "heartbeat: milliseconds from %d to %d expected.\n",
			    EVENTS_HB_MIN, EVENTS_HB_MAX);
			return;
		}
	} else if (argc != 1) {
		OUT(x, "Usage: subscribe [heartbeat <ms>]\n");
		return;
	}
	if (!c) {
		OUT(x, "subscribe needs a stats socket connection.\n");
		return;
	}
	c->stream = 1;
	c->interactive = 0;
	events_snapshot(&c->out, (unsigned)hb);
	ev_timer_stop(cli_w->loop, &c->timer);
	ev_timer_set(&c->timer, hb / 1000.0, hb / 1000.0);
	ev_timer_start(cli_w->loop, &c->timer);
}

/* ---- the table ---- */

struct cli_cmd {
	const char *words[4];
	const char *usage, *help;
	int level;
	void (*fn)(struct cli_ctx *x, int argc, char **argv);
	int (*afn)(struct cli_ctx *x, int argc, char **argv);	/* may suspend */
};

static const struct cli_cmd cli_cmds[] = {
	{ { "_getsocks" }, "_getsocks", "send the listening sockets (expose-fd listeners; lbd -x)", CLI_LVL_ADMIN, cmd_getsocks, NULL },
	{ { "_dumpstate" }, "_dumpstate", "runtime state for the next worker (reloads)", CLI_LVL_ADMIN, cmd_dumpstate, NULL },
	{ { "_counters" }, "_counters", "add counters handed over by the previous worker", CLI_LVL_ADMIN, cmd_counters, NULL },
	{ { "_stkt" }, "_stkt", "restore a stick-table entry handed over by the previous worker", CLI_LVL_ADMIN, cmd_stkt, NULL },
	{ { "add", "server" }, "add server <bk>/<srv>", "create a new server", CLI_LVL_ADMIN, cmd_add_server, NULL },
	{ { "clear", "counters" }, "clear counters [all]", "clear max statistics counters (or all counters)", CLI_LVL_OPER, cmd_clear_counters, NULL },
	{ { "del", "server" }, "del server <bk>/<srv>", "remove a dynamically added server", CLI_LVL_ADMIN, cmd_del_server, NULL },
	{ { "disable", "agent" }, "disable agent <bk>/<srv>", "disable agent checks", CLI_LVL_ADMIN, cmd_health_agent, NULL },
	{ { "disable", "frontend" }, "disable frontend <frontend>", "temporarily disable specific frontend", CLI_LVL_ADMIN, cmd_frontend, NULL },
	{ { "disable", "health" }, "disable health <bk>/<srv>", "disable health checks", CLI_LVL_ADMIN, cmd_health_agent, NULL },
	{ { "disable", "server" }, "disable server <bk>/<srv>", "disable a server for maintenance (use 'set server' instead)", CLI_LVL_ADMIN, cmd_disable_enable_server, NULL },
	{ { "enable", "agent" }, "enable agent <bk>/<srv>", "enable agent checks", CLI_LVL_ADMIN, cmd_health_agent, NULL },
	{ { "enable", "frontend" }, "enable frontend <frontend>", "re-enable specific frontend", CLI_LVL_ADMIN, cmd_frontend, NULL },
	{ { "enable", "health" }, "enable health <bk>/<srv>", "enable health checks", CLI_LVL_ADMIN, cmd_health_agent, NULL },
	{ { "enable", "server" }, "enable server <bk>/<srv>", "enable a disabled server (use 'set server' instead)", CLI_LVL_ADMIN, cmd_disable_enable_server, NULL },
	{ { "get", "weight" }, "get weight <bk>/<srv>", "report a server's current weight", CLI_LVL_USER, cmd_get_weight, NULL },
	{ { "operator" }, "operator", "lower the level of the current CLI session to operator", CLI_LVL_USER, cmd_lower_level, NULL },
	{ { "set", "maxconn", "frontend" }, "set maxconn frontend <frontend> <value>", "change a frontend's maxconn setting", CLI_LVL_ADMIN, cmd_set_maxconn, NULL },
	{ { "set", "maxconn", "global" }, "set maxconn global <value>", "change the per-process maxconn setting", CLI_LVL_ADMIN, cmd_set_maxconn, NULL },
	{ { "set", "maxconn", "server" }, "set maxconn server <bk>/<srv>", "change a server's maxconn setting", CLI_LVL_ADMIN, cmd_set_maxconn, NULL },
	{ { "set", "server" }, "set server <bk>/<srv> [opts]", "change a server's state, weight or address", CLI_LVL_ADMIN, cmd_set_server, NULL },
	{ { "set", "timeout" }, "set timeout [cli] <delay>", "change a timeout setting", CLI_LVL_USER, cmd_set_timeout, NULL },
	{ { "set", "weight" }, "set weight <bk>/<srv>  (DEPRECATED)", "change a server's weight (use 'set server' instead)", CLI_LVL_ADMIN, cmd_set_weight, NULL },
	{ { "show", "backend" }, "show backend", "list backends in the current running config", CLI_LVL_USER, cmd_show_backend, NULL },
	{ { "show", "cli", "level" }, "show cli level", "display the level of the current CLI session", CLI_LVL_USER, cmd_show_cli_level, NULL },
	{ { "show", "env" }, "show env [var]", "dump environment variables known to the process", CLI_LVL_OPER, cmd_show_env, NULL },
	{ { "show", "errors" }, "show errors [<px>] [request|response]", "report last request and/or response errors for each proxy", CLI_LVL_OPER, cmd_show_errors, NULL },
	{ { "show", "info" }, "show info [desc|json|typed|float]*", "report information about the running process", CLI_LVL_USER, cmd_show_info, NULL },
	{ { "show", "servers", "state" }, "show servers state [<backend>]", "dump volatile server information (all or for a single backend)", CLI_LVL_USER, cmd_show_servers_state, NULL },
	{ { "show", "sess" }, "show sess [id]", "report the list of current sessions or dump this exact session", CLI_LVL_OPER, NULL, cmd_show_sess },
	{ { "show", "ssl", "cert" }, "show ssl cert [<certfile>]", "display the SSL certificates used in memory, or the details of a file", CLI_LVL_OPER, cmd_show_ssl_cert, NULL },
	{ { "show", "stat" }, "show stat [desc|json|no-maint|typed|up]*", "report counters for each proxy and server", CLI_LVL_USER, cmd_show_stat, NULL },
	{ { "show", "vrrp" }, "show vrrp", "the node's VRRP instances as vrrpd reports them (vrrpd-socket)", CLI_LVL_USER, cmd_show_vrrp, NULL },
	{ { "show", "table" }, "show table [<table>]", "report table usage stats or dump this table's contents", CLI_LVL_OPER, cmd_show_table, NULL },
	{ { "show", "version" }, "show version", "show version of the current process", CLI_LVL_USER, cmd_show_version, NULL },
	{ { "subscribe" }, "subscribe [heartbeat <ms>]", "stream state changes and heartbeats (see docs/events.md)", CLI_LVL_USER, cmd_subscribe, NULL },
	{ { "shutdown", "session" }, "shutdown session [id]", "kill a specific session", CLI_LVL_ADMIN, NULL, cmd_shutdown_session },
	{ { "shutdown", "sessions", "server" }, "shutdown sessions server <bk>/<srv>", "kill sessions on a server", CLI_LVL_ADMIN, cmd_shutdown_sessions_server, NULL },
	{ { "user" }, "user", "lower the level of the current CLI session to user", CLI_LVL_USER, cmd_lower_level, NULL },
	{ { "help" }, "help [<command>]", "list matching or all commands", CLI_LVL_USER, cmd_help, NULL },
	{ { "prompt" }, "prompt", "toggle interactive mode with prompt", CLI_LVL_USER, cmd_prompt, NULL },
	{ { "quit" }, "quit", "disconnect", CLI_LVL_USER, cmd_quit, NULL },
};

#define CLI_NCMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

static void cli_help_line(struct cli_ctx *x, const struct cli_cmd *c)
{
	OUT(x, "  %-40s: %s\n", c->usage, c->help);
}

static void cmd_help(struct cli_ctx *x, int argc, char **argv)
{
	int any = 0;

	if (argc > 1) {
		for (size_t i = 0; i < CLI_NCMDS; i++)
			if (strcmp(cli_cmds[i].words[0], argv[1]) == 0) {
				if (!any)
					OUT(x, "Matching commands:\n");
				cli_help_line(x, &cli_cmds[i]);
				any = 1;
			}
		if (any)
			return;
	}
	OUT(x, "The following commands are valid at this level:\n");
	for (size_t i = 0; i < CLI_NCMDS; i++)
		if (cli_cmds[i].words[0][0] != '_')	/* between processes */
			cli_help_line(x, &cli_cmds[i]);
}

static void cli_unknown(struct cli_ctx *x, int argc, char **argv)
{
	OUT(x, "Unknown command, but maybe one of the following ones is a better match:\n");
	for (size_t i = 0; i < CLI_NCMDS; i++) {
		const struct cli_cmd *c = &cli_cmds[i];

		if (argc > 0 && strcmp(c->words[0], argv[0]) == 0 &&
		    strcmp(c->words[0], "help") != 0)
			cli_help_line(x, c);
	}
	for (size_t i = CLI_NCMDS - 3; i < CLI_NCMDS; i++)
		cli_help_line(x, &cli_cmds[i]);
}

static const struct cli_cmd *cli_lookup(int argc, char **argv)
{
	for (size_t i = 0; i < CLI_NCMDS; i++) {
		const struct cli_cmd *c = &cli_cmds[i];
		int k;

		for (k = 0; k < 4 && c->words[k]; k++)
			if (k >= argc || strcmp(c->words[k], argv[k]) != 0)
				break;
		if (k == 4 || !c->words[k])
			return c;
	}
	return NULL;
}

/* Split one command into words: blanks separate, a backslash escapes the
 * next character. Returns argc, or -1 with too many words. */
static int cli_split(char *s, char **argv)
{
	int argc = 0;

	for (;;) {
		char *w;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return argc;
		if (argc == CLI_MAX_ARGS)
			return -1;
		w = s;
		argv[argc++] = w;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '\\' && s[1])
				s++;
			*w++ = *s++;
		}
		if (*s)
			s++;
		*w = '\0';
	}
}

/* Run one command; returns 1 when it went to the other threads. */
static int cli_exec(struct cli_ctx *x, char *cmd)
{
	char *argv[CLI_MAX_ARGS];
	int argc = cli_split(cmd, argv);
	const struct cli_cmd *c;

	if (argc < 0) {
		OUT(x, "Too many words.\n");
		return 0;
	}
	if (argc == 0)
		return 0;
	c = cli_lookup(argc, argv);
	if (!c) {
		cli_unknown(x, argc, argv);
		return 0;
	}
	if (*x->level < c->level) {
		OUT(x, "Permission denied\n");
		return 0;
	}
	if (c->afn)
		return c->afn(x, argc, argv);
	c->fn(x, argc, argv);
	return 0;
}

/* The next ";"-separated command of *line (a backslash escapes ";"). */
static char *cli_next_cmd(char **line)
{
	char *s = *line, *p;

	if (!s)
		return NULL;
	for (p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == ';') {
			*p = '\0';
			*line = p + 1;
			return s;
		}
	}
	*line = NULL;
	return s;
}

/* After a line: the prompt, or the end of a non-interactive exchange. */
static void cli_line_end(struct cli_conn *c)
{
	if (c->interactive && !c->closing)
		sbuf_puts(&c->out, "> ");
	else if (!c->closing)
		c->closing = 1;
	if (c->out.len > CLI_OUT_MAX)
		c->closing = 1;
}

static void cli_run(struct cli_conn *c, char *line)
{
	struct cli_ctx x = { c, &c->level, &c->interactive, &c->out };
	char *cmd, *rest = line;

	while ((cmd = cli_next_cmd(&rest))) {
		if (strspn(cmd, " \t") == strlen(cmd))
			continue;
		if (cli_exec(&x, cmd)) {
			c->waiting = 1;
			ev_io_stop(cli_w->loop, &c->rio);
			if (rest && !(c->rest = strdup(rest)))
				c->closing = 1;
			return;
		}
		if (c->closing == 2)		/* quit */
			return;
		if (c->stream)			/* the rest of the line is dropped */
			return;
		sbuf_puts(&c->out, "\n");
	}
	cli_line_end(c);
}

void cli_run_line(const char *line, int lvl, struct sbuf *out)
{
	struct cli_ctx x;
	int level = lvl, interactive = 0;
	char *copy = strdup(line), *rest, *cmd;

	if (!copy)
		return;
	x.c = NULL;
	x.level = &level;
	x.interactive = &interactive;
	x.out = out;
	rest = copy;
	while ((cmd = cli_next_cmd(&rest))) {
		if (strspn(cmd, " \t") == strlen(cmd))
			continue;
		cli_exec(&x, cmd);
		sbuf_puts(out, "\n");
	}
	free(copy);
}
