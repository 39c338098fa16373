/*
 * vrrp_ctl.c - vrrpd's control socket (see vrrp_ctl.h, docs/vrrpd.md).
 *
 * Each connection reads lines of at most CTL_LINE_MAX bytes. Without
 * "prompt" the first line runs and the connection closes once the replies
 * are out; with it, every line runs and "> " follows each reply. After
 * "subscribe" the connection is an event stream: the greeting, one line
 * per instance, "sync", then a line per change and "hb N" every interval.
 * Pending output is capped: a reader that does not read is dropped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <ev.h>

#include "log.h"
#include "vrrp.h"
#include "vrrp_ctl.h"

#define CTL_LINE_MAX	4096
#define CTL_OUT_MAX	(1u << 20)
#define CTL_MAX_CONNS	64
#define CTL_TIMEOUT	10.0		/* idle seconds, as lbd's default */
#define CTL_ARGS	16
#define HB_DEFAULT	100
#define HB_MIN		10
#define HB_MAX		60000

struct conn {
	struct conn *next;
	struct vrrp_ctl *ctl;
	int fd;
	ev_io rio, wio;
	ev_timer timer;			/* idle timeout, or the heartbeat */
	int level;
	int interactive;
	int closing;
	int stream;
	int dead;
	unsigned long long hb_seq;
	size_t inlen;
	char in[CTL_LINE_MAX];
	char *out;
	size_t outlen, outcap;
};

struct vrrp_ctl {
	struct ev_loop *loop;
	char path[108];
	int fd;
	int level;
	ev_io accept_io;
	struct conn *conns;
	unsigned nconns;
	vrrp_ctl_rt_fn rt_at;
	void *arg;
	double started;
	vrrp_ctl_info_fn info;		/* more "show info" lines */
	void *info_arg;
};

static const char *const level_names[] = { "", "user", "operator", "admin" };

int vrrp_ctl_level(const char *w)
{
	for (int i = 1; i <= 3; i++)
		if (strcmp(w, level_names[i]) == 0)
			return i;
	return 0;
}

/* ---- output ---- */

static void out_add(struct conn *c, const char *s, size_t n)
{
	if (c->outlen + n > CTL_OUT_MAX) {
		c->closing = 2;		/* dropped: see conn_flush */
		return;
	}
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 1024;
		char *p;

		while (cap < c->outlen + n)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p) {
			c->closing = 2;
			return;
		}
		c->out = p;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, s, n);
	c->outlen += n;
}

static void out_printf(struct conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void out_printf(struct conn *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_add(c, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* ---- connections ---- */

static void conn_close(struct conn *c)
{
	struct vrrp_ctl *ctl = c->ctl;

	if (c->dead)
		return;
	c->dead = 1;
	ev_io_stop(ctl->loop, &c->rio);
	ev_io_stop(ctl->loop, &c->wio);
	ev_timer_stop(ctl->loop, &c->timer);
	close(c->fd);
	for (struct conn **pp = &ctl->conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (ctl->nconns-- == CTL_MAX_CONNS)
		ev_io_start(ctl->loop, &ctl->accept_io);
	free(c->out);
	free(c);
}

/* Send what can be sent; returns -1 when the connection is gone. */
static int conn_flush(struct conn *c)
{
	struct ev_loop *loop = c->ctl->loop;

	if (c->closing == 2) {
		conn_close(c);
		return -1;
	}
	while (c->outlen) {
		ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				ev_io_stop(loop, &c->rio);
				ev_io_start(loop, &c->wio);
				return 0;
			}
			conn_close(c);
			return -1;
		}
		c->outlen -= (size_t)n;
		memmove(c->out, c->out + n, c->outlen);
	}
	ev_io_stop(loop, &c->wio);
	if (c->closing) {
		conn_close(c);
		return -1;
	}
	ev_io_start(loop, &c->rio);
	return 0;
}

static void conn_touch(struct conn *c)
{
	if (c->stream)
		return;
	ev_timer_stop(c->ctl->loop, &c->timer);
	ev_timer_set(&c->timer, CTL_TIMEOUT, 0.);
	ev_timer_start(c->ctl->loop, &c->timer);
}

/* ---- commands ---- */

static struct vrrp_rt *find_rt(struct vrrp_ctl *ctl, const char *name)
{
	struct vrrp_rt *rt;

	for (size_t i = 0; (rt = ctl->rt_at(ctl->arg, i)); i++)
		if (strcmp(vrrp_rt_name(rt), name) == 0)
			return rt;
	return NULL;
}

static void rt_line(struct conn *c, struct vrrp_rt *rt)
{
	char buf[2048];
	size_t n = vrrp_rt_describe(rt, buf, sizeof(buf) - 1);

	buf[n++] = '\n';
	out_add(c, buf, n);
}

static void cmd_show_vrrp(struct conn *c, int argc, char **argv)
{
	struct vrrp_ctl *ctl = c->ctl;
	struct vrrp_rt *rt;
	int stats = argc > 2 && strcmp(argv[2], "stats") == 0;
	const char *only = argc > 2 + stats ? argv[2 + stats] : NULL;
	int any = 0;

	for (size_t i = 0; (rt = ctl->rt_at(ctl->arg, i)); i++) {
		if (only && strcmp(vrrp_rt_name(rt), only) != 0)
			continue;
		any = 1;
		if (!stats) {
			rt_line(c, rt);
			continue;
		}
		out_printf(c, "instance %s", vrrp_rt_name(rt));
		for (int s = 0; s < VRRP_STAT_MAX; s++)
			out_printf(c, " %s %llu", vrrp_stat_names[s],
				   (unsigned long long)vrrp_rt_stat(rt, s));
		out_add(c, "\n", 1);
	}
	if (only && !any)
		out_printf(c, "No such instance.\n");
}

static void cmd_show_info(struct conn *c, int argc, char **argv)
{
	struct vrrp_ctl *ctl = c->ctl;
	struct vrrp_rt *rt;
	unsigned n = 0, masters = 0, faults = 0;

	for (size_t i = 0; (rt = ctl->rt_at(ctl->arg, i)); i++) {
		n++;
		masters += vrrp_rt_state(rt) == VRRP_STATE_MASTER;
		faults += vrrp_rt_state(rt) == VRRP_STATE_FAULT;
	}
	out_printf(c, "Name: vrrpd\nPid: %d\nUptime_sec: %.0f\n"
		   "Instances: %u\nMaster: %u\nFault: %u\n", (int)getpid(),
		   ev_now(ctl->loop) - ctl->started, n, masters, faults);
	if (ctl->info) {
		char buf[512];
		size_t len = ctl->info(ctl->info_arg, buf, sizeof(buf));

		out_add(c, buf, len);
	}
}

void vrrp_ctl_set_info(struct vrrp_ctl *c, vrrp_ctl_info_fn fn, void *arg)
{
	if (!c)
		return;
	c->info = fn;
	c->info_arg = arg;
}

static void cmd_admin(struct conn *c, int argc, char **argv)
{
	struct vrrp_rt *rt;

	if (argc < 3) {
		out_printf(c, "An instance name is expected.\n");
		return;
	}
	rt = find_rt(c->ctl, argv[2]);
	if (!rt) {
		out_printf(c, "No such instance.\n");
		return;
	}
	vrrp_rt_set_admin_down(rt, argv[0][0] == 'd');
}

static void cmd_level(struct conn *c, int argc, char **argv)
{
	if (argv[0][0] == 's') {	/* show cli level */
		out_printf(c, "%s\n", level_names[c->level]);
		return;
	}
	if (vrrp_ctl_level(argv[0]) < c->level)
		c->level = vrrp_ctl_level(argv[0]);
}

static void cmd_prompt(struct conn *c, int argc, char **argv)
{
	c->interactive = !c->interactive;
}

static void cmd_quit(struct conn *c, int argc, char **argv)
{
	c->closing = 1;
}

static void stream_greeting(struct conn *c, unsigned hb)
{
	struct vrrp_ctl *ctl = c->ctl;
	struct vrrp_rt *rt;

	out_printf(c, "vrrpd 1 pid %d heartbeat %u\n", (int)getpid(), hb);
	for (size_t i = 0; (rt = ctl->rt_at(ctl->arg, i)); i++)
		rt_line(c, rt);
	out_add(c, "sync\n", 5);
}

static void cmd_subscribe(struct conn *c, int argc, char **argv)
{
	unsigned long hb = HB_DEFAULT;

	if (argc == 3 && strcmp(argv[1], "heartbeat") == 0) {
		char *end;

		hb = strtoul(argv[2], &end, 10);
		if (*end || argv[2][0] == '-' || hb < HB_MIN || hb > HB_MAX) {
			out_printf(c, "heartbeat: milliseconds from %d to %d "
				   "expected.\n", HB_MIN, HB_MAX);
			return;
		}
	} else if (argc != 1) {
		out_printf(c, "Usage: subscribe [heartbeat <ms>]\n");
		return;
	}
	c->stream = 1;
	c->interactive = 0;
	stream_greeting(c, (unsigned)hb);
	ev_timer_stop(c->ctl->loop, &c->timer);
	ev_timer_set(&c->timer, hb / 1000.0, hb / 1000.0);
	ev_timer_start(c->ctl->loop, &c->timer);
}

static void cmd_help(struct conn *c, int argc, char **argv);

static const struct cmd {
	const char *w[3];
	const char *usage, *help;
	int level;
	void (*fn)(struct conn *c, int argc, char **argv);
} cmds[] = {
	{ { "show", "vrrp" }, "show vrrp [stats] [<instance>]", "instances' state, priority, Master and VIPs (or counters)", VRRP_CTL_USER, cmd_show_vrrp },
	{ { "show", "info" }, "show info", "report information about the running process", VRRP_CTL_USER, cmd_show_info },
	{ { "show", "cli", "level" }, "show cli level", "display the level of the current CLI session", VRRP_CTL_USER, cmd_level },
	{ { "subscribe" }, "subscribe [heartbeat <ms>]", "stream state changes and heartbeats (see docs/events.md)", VRRP_CTL_USER, cmd_subscribe },
	{ { "disable", "vrrp" }, "disable vrrp <instance>", "force FAULT: a Master hands over at once", VRRP_CTL_ADMIN, cmd_admin },
	{ { "enable", "vrrp" }, "enable vrrp <instance>", "give the state back to the protocol and tracking", VRRP_CTL_ADMIN, cmd_admin },
	{ { "operator" }, "operator", "lower the level of the current CLI session to operator", VRRP_CTL_USER, cmd_level },
	{ { "user" }, "user", "lower the level of the current CLI session to user", VRRP_CTL_USER, cmd_level },
	{ { "help" }, "help", "list the commands", VRRP_CTL_USER, cmd_help },
	{ { "prompt" }, "prompt", "toggle interactive mode with prompt", VRRP_CTL_USER, cmd_prompt },
	{ { "quit" }, "quit", "disconnect", VRRP_CTL_USER, cmd_quit },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void cmd_help(struct conn *c, int argc, char **argv)
{
	out_printf(c, "The following commands are valid at this level:\n");
	for (size_t i = 0; i < NCMDS; i++)
		if (cmds[i].level <= c->level)
			out_printf(c, "  %-40s: %s\n", cmds[i].usage, cmds[i].help);
}

static int split(char *s, char **argv)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return n;
		if (n == CTL_ARGS)
			return -1;
		argv[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

static void run_cmd(struct conn *c, char *cmd)
{
	char *argv[CTL_ARGS];
	int argc = split(cmd, argv);

	if (argc <= 0) {
		if (argc < 0)
			out_printf(c, "Too many words.\n");
		return;
	}
	for (size_t i = 0; i < NCMDS; i++) {
		int k;

		for (k = 0; k < 3 && cmds[i].w[k]; k++)
			if (k >= argc || strcmp(cmds[i].w[k], argv[k]) != 0)
				break;
		if (k < 3 && cmds[i].w[k])
			continue;
		if (c->level < cmds[i].level) {
			out_printf(c, "Permission denied\n");
			return;
		}
		cmds[i].fn(c, argc, argv);
		return;
	}
	out_printf(c, "Unknown command. Type 'help' for the list.\n");
}

static void run_line(struct conn *c, char *line)
{
	char *cmd = line;

	while (cmd) {
		char *semi = strchr(cmd, ';');

		if (semi)
			*semi++ = '\0';
		if (cmd[strspn(cmd, " \t")]) {
			run_cmd(c, cmd);
			if (c->stream || c->closing)
				return;
			out_add(c, "\n", 1);
		}
		cmd = semi;
	}
	if (c->interactive)
		out_add(c, "> ", 2);
	else
		c->closing = 1;
}

static void conn_read_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct conn *c = io->data;
	ssize_t n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);
	char *nl;

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(c);
		return;
	}
	if (n == 0) {
		conn_close(c);
		return;
	}
	conn_touch(c);
	if (c->stream) {		/* a subscriber only listens */
		c->inlen = 0;
		return;
	}
	c->inlen += (size_t)n;
	while (!c->closing && !c->stream &&
	       (nl = memchr(c->in, '\n', c->inlen))) {
		size_t len = (size_t)(nl - c->in);
		char line[CTL_LINE_MAX];

		memcpy(line, c->in, len);
		line[len] = '\0';
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		c->inlen -= len + 1;
		memmove(c->in, nl + 1, c->inlen);
		run_line(c, line);
	}
	if (c->stream)
		c->inlen = 0;
	if (c->inlen == sizeof(c->in)) {
		out_printf(c, "Command line too long.\n\n");
		c->closing = 1;
	}
	conn_flush(c);
}

static void conn_write_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct conn *c = io->data;

	conn_touch(c);
	conn_flush(c);
}

static void conn_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct conn *c = t->data;

	if (!c->stream) {
		conn_close(c);
		return;
	}
	out_printf(c, "hb %llu\n", ++c->hb_seq);
	conn_flush(c);
}

static void accept_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct vrrp_ctl *ctl = io->data;

	for (int i = 0; i < 16; i++) {
		struct conn *c;
		int fd;

		if (ctl->nconns >= CTL_MAX_CONNS) {
			ev_io_stop(loop, &ctl->accept_io);
			return;
		}
		fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			return;
		}
		c->ctl = ctl;
		c->fd = fd;
		c->level = ctl->level;
		ev_io_init(&c->rio, conn_read_cb, fd, EV_READ);
		ev_io_init(&c->wio, conn_write_cb, fd, EV_WRITE);
		ev_timer_init(&c->timer, conn_timer_cb, CTL_TIMEOUT, 0.);
		c->rio.data = c->wio.data = c->timer.data = c;
		ev_io_start(loop, &c->rio);
		ev_timer_start(loop, &c->timer);
		c->next = ctl->conns;
		ctl->conns = c;
		ctl->nconns++;
	}
}

struct vrrp_ctl *vrrp_ctl_new(struct ev_loop *loop, const char *path,
			      int level, unsigned mode, vrrp_ctl_rt_fn rt_at,
			      void *arg)
{
	struct vrrp_ctl *ctl;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("control socket %s: path too long", path);
		return NULL;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return NULL;
	ctl->loop = loop;
	ctl->level = level;
	ctl->rt_at = rt_at;
	ctl->arg = arg;
	ctl->started = ev_now(loop);
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	strcpy(sun.sun_path, path);
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0) {
		log_warn("control socket");
		free(ctl);
		return NULL;
	}
	unlink(path);			/* a stale socket from a previous run */
	if (bind(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(path, mode) != 0 || listen(ctl->fd, 16) != 0) {
		log_warn("control socket %s", path);
		close(ctl->fd);
		free(ctl);
		return NULL;
	}
	ev_io_init(&ctl->accept_io, accept_cb, ctl->fd, EV_READ);
	ctl->accept_io.data = ctl;
	ev_io_start(loop, &ctl->accept_io);
	return ctl;
}

void vrrp_ctl_changed(struct vrrp_ctl *ctl, struct vrrp_rt *rt)
{
	struct conn *c, *n;

	if (!ctl)
		return;
	for (c = ctl->conns; c; c = n) {
		n = c->next;
		if (c->stream) {
			rt_line(c, rt);
			conn_flush(c);
		}
	}
}

void vrrp_ctl_free(struct vrrp_ctl *ctl, const char *reason)
{
	if (!ctl)
		return;
	while (ctl->conns) {
		struct conn *c = ctl->conns;

		if (c->stream && c->closing != 2) {
			out_printf(c, "bye %s\n", reason);
			if (send(c->fd, c->out, c->outlen, MSG_NOSIGNAL) < 0)
				log_debug("control socket: %s", strerror(errno));
		}
		conn_close(c);
	}
	ev_io_stop(ctl->loop, &ctl->accept_io);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl);
}
