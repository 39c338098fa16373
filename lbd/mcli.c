/*
 * mcli.c - the master CLI (see mcli.h).
 */
#include <errno.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "master.h"
#include "mcli.h"
#include "mworker.h"
#include "sbuf.h"
#include "version.h"

#define MCLI_MAXCONN	16
#define MCLI_TIMEOUT	10.

struct mcli_conn {
	struct mcli_conn *next;
	int fd;
	ev_io rio, wio;
	ev_timer timer;
	unsigned reload;		/* the attempt it waits for, 0: none */
	size_t inlen;
	char in[MCLI_LINE_MAX + 1];
	struct sbuf out;
};

static struct ev_loop *mc_loop;
static struct cli_listener *mc_l;
static ev_io mc_accept;
static struct mcli_conn *mc_conns;
static unsigned mc_nconns;

static void mcli_close(struct mcli_conn *c)
{
	struct mcli_conn **pp;

	for (pp = &mc_conns; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	ev_io_stop(mc_loop, &c->rio);
	ev_io_stop(mc_loop, &c->wio);
	ev_timer_stop(mc_loop, &c->timer);
	if (c->fd >= 0)
		close(c->fd);
	sbuf_free(&c->out);
	free(c);
	if (mc_nconns-- == MCLI_MAXCONN && mc_l)
		ev_io_start(mc_loop, &mc_accept);
}

/* Send the reply; the connection closes once it is out. */
static void mcli_flush(struct mcli_conn *c)
{
	while (c->out.len) {
		ssize_t n = send(c->fd, c->out.d, c->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			ev_io_start(mc_loop, &c->wio);
			return;
		}
		if (n <= 0)
			break;
		sbuf_consume(&c->out, (size_t)n);
	}
	mcli_close(c);
}

static void mcli_write_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	mcli_flush(io->data);
}

static void mcli_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	mcli_close(t->data);
}

/* "@<target> <line>": hand the client to that worker with its line. */
static void mcli_route(struct mcli_conn *c, char *line)
{
	char *sp = strpbrk(line, " \t");
	int rc;

	if (sp)
		*sp++ = '\0';
	while (sp && (*sp == ' ' || *sp == '\t'))
		sp++;
	if (!sp || !*sp) {
		sbuf_puts(&c->out, "A command must follow the worker.\n\n");
		return;
	}
	rc = master_route(line + 1, sp, c->fd);
	if (rc == -1) {
		sbuf_printf(&c->out, "No such worker: '%s' (@1: the current worker, "
			    "@!<pid>: see 'show proc').\n\n", line);
		return;
	}
	if (rc < 0) {
		sbuf_puts(&c->out, "The worker cannot take the command now.\n\n");
		return;
	}
	/* the worker answers: the master lets go of the connection */
	close(c->fd);
	c->fd = -1;
}

static void mcli_help(struct sbuf *out)
{
	sbuf_puts(out, "The following commands are valid at this level:\n"
		  "  help                                    : this list\n"
		  "  show proc                               : the master and its workers\n"
		  "  show version                            : the version of the master\n"
		  "  reload                                  : check the configuration, start "
		  "a new worker, stop the old one softly\n"
		  "  @1 <command>                            : run a command on the current "
		  "worker\n"
		  "  @!<pid> <command>                       : run a command on worker <pid>\n");
}

static void mcli_exec(struct mcli_conn *c, char *line)
{
	const char *msg;

	line += strspn(line, " \t");
	for (size_t n = strlen(line); n && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
					     line[n - 1] == '\r'); n--)
		line[n - 1] = '\0';
	if (line[0] == '@') {
		mcli_route(c, line);
	} else if (strcmp(line, "show proc") == 0) {
		master_show_proc(&c->out);
		sbuf_puts(&c->out, "\n");
	} else if (strcmp(line, "show version") == 0) {
		sbuf_puts(&c->out, LBD_VERSION "\n\n");
	} else if (strcmp(line, "help") == 0) {
		mcli_help(&c->out);
		sbuf_puts(&c->out, "\n");
	} else if (strcmp(line, "reload") == 0) {
		c->reload = master_reload_request(&msg);
		if (c->reload) {
			ev_timer_stop(mc_loop, &c->timer);	/* the reload bounds it */
			return;
		}
		sbuf_printf(&c->out, "Success=0\n--\n%s\n\n", msg);
	} else if (line[0]) {
		sbuf_puts(&c->out, "Unknown command. Please enter one of the "
			  "following commands only :\n");
		mcli_help(&c->out);
		sbuf_puts(&c->out, "\n");
	}
	if (c->fd < 0) {
		mcli_close(c);
		return;
	}
	mcli_flush(c);
}

static void mcli_read_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct mcli_conn *c = io->data;
	ssize_t n = recv(c->fd, c->in + c->inlen, MCLI_LINE_MAX - c->inlen, 0);
	char *nl;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		mcli_close(c);
		return;
	}
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	nl = memchr(c->in, '\n', c->inlen);
	if (!nl && n > 0 && c->inlen < MCLI_LINE_MAX)
		return;
	ev_io_stop(loop, io);		/* one command line per connection */
	if (!nl && c->inlen == MCLI_LINE_MAX) {
		sbuf_puts(&c->out, "Command line too long.\n\n");
		mcli_flush(c);
		return;
	}
	if (nl)
		*nl = '\0';
	if (strlen(c->in) != (nl ? (size_t)(nl - c->in) : c->inlen)) {
		/* a NUL inside the line */
		sbuf_puts(&c->out, "Invalid command line.\n\n");
		mcli_flush(c);
		return;
	}
	mcli_exec(c, c->in);
}

static void mcli_accept_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	for (int i = 0; i < 8; i++) {
		struct mcli_conn *c;
		int fd;

		if (mc_nconns >= MCLI_MAXCONN) {
			ev_io_stop(loop, io);
			return;
		}
		fd = accept4(mc_l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (!(c = calloc(1, sizeof(*c)))) {
			close(fd);
			return;
		}
		c->fd = fd;
		ev_io_init(&c->rio, mcli_read_cb, fd, EV_READ);
		ev_io_init(&c->wio, mcli_write_cb, fd, EV_WRITE);
		ev_timer_init(&c->timer, mcli_timer_cb, MCLI_TIMEOUT, 0.);
		c->rio.data = c->wio.data = c->timer.data = c;
		ev_io_start(loop, &c->rio);
		ev_timer_start(loop, &c->timer);
		c->next = mc_conns;
		mc_conns = c;
		mc_nconns++;
	}
}

void mcli_reload_result(unsigned attempt, int ok, const char *msg)
{
	struct mcli_conn *c, *n;

	for (c = mc_conns; c; c = n) {
		n = c->next;
		if (!c->reload || c->reload > attempt)
			continue;
		c->reload = 0;
		if (ok)
			sbuf_puts(&c->out, "Success=1\n\n");
		else
			sbuf_printf(&c->out, "Success=0\n--\n%s\n\n", msg);
		ev_timer_start(mc_loop, &c->timer);
		mcli_flush(c);
	}
}

int mcli_start(struct ev_loop *loop, const char *path)
{
	struct sockaddr_un *un;

	mc_loop = loop;
	mc_l = calloc(1, sizeof(*mc_l));
	if (!mc_l || strlen(path) >= sizeof(un->sun_path) ||
	    !(mc_l->path = strdup(path))) {
		log_warnx("-S %s: invalid path", path);
		free(mc_l);
		mc_l = NULL;
		return -1;
	}
	un = (struct sockaddr_un *)&mc_l->addr;
	un->sun_family = AF_UNIX;
	strcpy(un->sun_path, path);
	mc_l->addrlen = sizeof(*un);
	mc_l->mode = 0600;
	mc_l->fd = -1;
	if (cli_listener_bind(mc_l) < 0) {
		log_warn("-S %s: cannot bind the master CLI", path);
		cli_cfg_free(mc_l);
		mc_l = NULL;
		return -1;
	}
	ev_io_init(&mc_accept, mcli_accept_cb, mc_l->fd, EV_READ);
	ev_io_start(loop, &mc_accept);
	return 0;
}

void mcli_stop(void)
{
	if (!mc_l)
		return;
	ev_io_stop(mc_loop, &mc_accept);
	cli_cfg_free(mc_l);
	mc_l = NULL;
	while (mc_conns) {
		struct mcli_conn *c = mc_conns;
		static const char bye[] = "Success=0\n--\nthe master is stopping\n\n";

		if (c->reload && send(c->fd, bye, sizeof(bye) - 1,
				      MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			log_debug("master CLI: a reload caller left");
		mcli_close(c);
	}
}
