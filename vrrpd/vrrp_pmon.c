/*
 * vrrp_pmon.c - process events from the proc connector, or pidfds and
 * sliced /proc scans (see vrrp_pmon.h). The connector is driven through
 * libnl; its messages are NLMSG_DONE-typed, so they are taken from the
 * NL_CB_MSG_IN hook rather than NL_CB_VALID.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/syscall.h>

#include "log.h"
#include "vrrp_pmon.h"

const char *const vrrp_pmon_mode_names[VRRP_PMON_MODE_MAX] = {
	[VRRP_PMON_STARTING] = "starting",
	[VRRP_PMON_CONNECTOR] = "proc connector",
	[VRRP_PMON_RESCAN] = "pidfd and /proc rescan",
};

enum { RECV_BATCH = 32 };	/* datagrams read per wake-up */

struct pmon_watch {
	struct vrrp_pmon *m;
	pid_t pid;
	int fd;				/* pidfd, -1 without pidfd_open */
	ev_io io;
	struct pmon_watch *next;
};

struct vrrp_pmon {
	struct ev_loop *loop;
	const struct vrrp_pmon_ops *ops;
	void *arg;
	enum vrrp_pmon_mode mode;
	struct nl_sock *nl;
	struct nl_cb *cb;
	ev_io nl_io;
	ev_timer ack;			/* the connector's answer is late */
	ev_timer rescan;		/* rescan mode: the next scan */
	ev_idle slice;			/* a scan in progress */
	const char *refused;		/* the connector's ack said no */
	DIR *dir;
	uint64_t gen;
	uint64_t scan_gen;
	struct pmon_watch *watches;
};

/* ---- /proc scans ---- */

static pid_t dirent_pid(const struct dirent *de)
{
	long v = 0;

	for (const char *s = de->d_name; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > 100000000)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return (pid_t)v;
}

/* Read one slice; 1 when the scan is over. */
static int scan_slice(struct vrrp_pmon *m)
{
	struct dirent *de;

	for (int i = 0; i < VRRP_PMON_SLICE; i++) {
		pid_t pid;

		errno = 0;
		de = readdir(m->dir);
		if (!de)
			break;
		pid = dirent_pid(de);
		if (pid > 0)
			m->ops->seen(m->arg, pid);
	}
	if (de)
		return 0;
	if (errno)
		log_debug("process tracking: reading /proc: %s", strerror(errno));
	closedir(m->dir);
	m->dir = NULL;
	ev_idle_stop(m->loop, &m->slice);
	m->ops->scan_done(m->arg, m->scan_gen);
	return 1;
}

static void vrrp_pmon_slice_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	scan_slice(w->data);
}

/* Begin a scan (again, when one runs); it goes on from the idle watcher. */
static int scan_start(struct vrrp_pmon *m)
{
	if (m->dir)
		closedir(m->dir);
	m->dir = opendir("/proc");
	if (!m->dir) {
		log_warn("process tracking: /proc");
		ev_idle_stop(m->loop, &m->slice);
		return -1;
	}
	m->scan_gen = ++m->gen;
	ev_idle_start(m->loop, &m->slice);
	return 0;
}

static void vrrp_pmon_rescan_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_pmon *m = w->data;

	if (!m->dir)
		scan_start(m);
}

/* ---- pidfds ---- */

static struct pmon_watch **watch_find(struct vrrp_pmon *m, pid_t pid)
{
	struct pmon_watch **pp;

	for (pp = &m->watches; *pp; pp = &(*pp)->next)
		if ((*pp)->pid == pid)
			break;
	return pp;
}

static void watch_free(struct vrrp_pmon *m, struct pmon_watch *w)
{
	if (w->fd >= 0) {
		ev_io_stop(m->loop, &w->io);
		close(w->fd);
	}
	free(w);
}

void vrrp_pmon_unwatch(struct vrrp_pmon *m, pid_t pid)
{
	struct pmon_watch **pp = watch_find(m, pid), *w = *pp;

	if (!w)
		return;
	*pp = w->next;
	watch_free(m, w);
}

static void vrrp_pmon_pidfd_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct pmon_watch *w = io->data;
	struct vrrp_pmon *m = w->m;
	pid_t pid = w->pid;

	vrrp_pmon_unwatch(m, pid);
	m->ops->gone(m->arg, pid);
}

int vrrp_pmon_watch(struct vrrp_pmon *m, pid_t pid)
{
	struct pmon_watch *w;

	if (*watch_find(m, pid))
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return 0;	/* the next scan or exit event still tells */
	w->m = m;
	w->pid = pid;
	w->fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (w->fd < 0 && errno == ESRCH) {
		free(w);
		return -1;
	}
	if (w->fd >= 0) {
		ev_io_init(&w->io, vrrp_pmon_pidfd_cb, w->fd, EV_READ);
		w->io.data = w;
		ev_io_start(m->loop, &w->io);
	}
	w->next = m->watches;
	m->watches = w;
	return 0;
}

/* ---- the proc connector ---- */

static void connector_close(struct vrrp_pmon *m)
{
	if (!m->nl)
		return;
	ev_io_stop(m->loop, &m->nl_io);
	ev_timer_stop(m->loop, &m->ack);
	nl_cb_put(m->cb);
	nl_socket_free(m->nl);
	m->nl = NULL;
	m->cb = NULL;
}

static void fall_back(struct vrrp_pmon *m, const char *why)
{
	connector_close(m);
	m->mode = VRRP_PMON_RESCAN;
	log_notice("process tracking: %s (proc connector unavailable: %s), "
		   "new processes found within %d ms", vrrp_pmon_mode_names[m->mode],
		   why, VRRP_PMON_RESCAN_MS);
	ev_timer_start(m->loop, &m->rescan);
}

static void vrrp_pmon_ack_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	fall_back(w->data, "no answer to the LISTEN request");
}

static void connector_event(struct vrrp_pmon *m, const struct proc_event *ev)
{
	switch (ev->what) {
	case PROC_EVENT_NONE:
		if (m->mode != VRRP_PMON_STARTING)
			break;
		if (ev->event_data.ack.err) {
			/* the socket is in use: vrrp_pmon_nl_cb falls back */
			m->refused = strerror((int)ev->event_data.ack.err);
			break;
		}
		ev_timer_stop(m->loop, &m->ack);
		m->mode = VRRP_PMON_CONNECTOR;
		log_notice("process tracking: %s", vrrp_pmon_mode_names[m->mode]);
		break;
	case PROC_EVENT_FORK:
		if (ev->event_data.fork.child_pid == ev->event_data.fork.child_tgid)
			m->ops->seen(m->arg, ev->event_data.fork.child_tgid);
		break;
	case PROC_EVENT_EXEC:
		m->ops->seen(m->arg, ev->event_data.exec.process_tgid);
		break;
	case PROC_EVENT_COMM:
		if (ev->event_data.comm.process_pid == ev->event_data.comm.process_tgid)
			m->ops->seen(m->arg, ev->event_data.comm.process_tgid);
		break;
	case PROC_EVENT_EXIT:
		if (ev->event_data.exit.process_pid != ev->event_data.exit.process_tgid)
			break;
		vrrp_pmon_unwatch(m, ev->event_data.exit.process_tgid);
		m->ops->gone(m->arg, ev->event_data.exit.process_tgid);
		break;
	default:
		break;
	}
}

static int connector_msg_cb(struct nl_msg *msg, void *arg)
{
	struct vrrp_pmon *m = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct cn_msg cn;
	struct proc_event ev;

	if (nlmsg_datalen(h) < (int)(sizeof(cn) + sizeof(ev)))
		return NL_SKIP;
	memcpy(&cn, nlmsg_data(h), sizeof(cn));
	if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC ||
	    cn.len < sizeof(ev))
		return NL_SKIP;
	memcpy(&ev, (const char *)nlmsg_data(h) + sizeof(cn), sizeof(ev));
	connector_event(m, &ev);
	return m->refused ? NL_STOP : NL_SKIP;
}

static void vrrp_pmon_nl_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_pmon *m = w->data;

	for (int i = 0; i < RECV_BATCH; i++) {
		int rc = nl_recvmsgs_report(m->nl, m->cb);

		if (m->refused) {
			fall_back(m, m->refused);
			break;
		}
		if (rc == 0 || rc == -NLE_AGAIN)
			break;
		if (rc < 0) {
			/* events were lost (ENOBUFS): learn the truth again */
			log_debug("process tracking: proc connector: %s; rescanning",
				  nl_geterror(rc));
			scan_start(m);
			break;
		}
	}
}

static int connector_listen(struct vrrp_pmon *m)
{
	struct cn_msg cn = {
		.id = { CN_IDX_PROC, CN_VAL_PROC },
		.len = sizeof(enum proc_cn_mcast_op),
	};
	enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
	unsigned char req[sizeof(cn) + sizeof(op)];
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_DONE, 0);
	int rc;

	if (!msg)
		return -NLE_NOMEM;
	memcpy(req, &cn, sizeof(cn));
	memcpy(req + sizeof(cn), &op, sizeof(op));
	rc = nlmsg_append(msg, req, sizeof(req), NLMSG_ALIGNTO);
	if (rc == 0)
		rc = nl_send_auto(m->nl, msg);
	nlmsg_free(msg);
	return rc < 0 ? rc : 0;
}

/* Open the connector and ask for events; on any refusal, fall back. */
static void connector_open(struct vrrp_pmon *m)
{
	int rc;

	m->nl = nl_socket_alloc();
	if (!m->nl) {
		fall_back(m, "out of memory");
		return;
	}
	m->cb = nl_socket_get_cb(m->nl);
	nl_socket_disable_seq_check(m->nl);
	nl_socket_disable_auto_ack(m->nl);
	nl_join_groups(m->nl, CN_IDX_PROC);
	rc = nl_connect(m->nl, NETLINK_CONNECTOR);
	if (rc == 0)
		rc = nl_socket_set_nonblocking(m->nl);
	if (rc == 0)
		rc = nl_socket_set_buffer_size(m->nl, 1 << 20, 0);
	if (rc == 0)
		rc = nl_cb_set(m->cb, NL_CB_MSG_IN, NL_CB_CUSTOM,
			       connector_msg_cb, m);
	if (rc < 0) {
		fall_back(m, nl_geterror(rc));
		return;
	}
	if (connector_listen(m) < 0) {
		/* ECONNREFUSED: no connector in this network namespace */
		fall_back(m, "the kernel refused the LISTEN request "
			  "(not the initial network namespace?)");
		return;
	}
	ev_io_init(&m->nl_io, vrrp_pmon_nl_cb, nl_socket_get_fd(m->nl), EV_READ);
	m->nl_io.data = m;
	ev_io_start(m->loop, &m->nl_io);
	ev_timer_start(m->loop, &m->ack);
}

/* ---- life cycle ---- */

struct vrrp_pmon *vrrp_pmon_new(struct ev_loop *loop,
				const struct vrrp_pmon_ops *ops, void *arg)
{
	struct vrrp_pmon *m = calloc(1, sizeof(*m));

	if (!m) {
		log_warnx("process tracking: out of memory");
		return NULL;
	}
	m->loop = loop;
	m->ops = ops;
	m->arg = arg;
	m->mode = VRRP_PMON_STARTING;
	ev_timer_init(&m->ack, vrrp_pmon_ack_cb, VRRP_PMON_ACK_MS / 1000.0, 0.);
	m->ack.data = m;
	ev_timer_init(&m->rescan, vrrp_pmon_rescan_cb,
		      VRRP_PMON_RESCAN_MS / 1000.0, VRRP_PMON_RESCAN_MS / 1000.0);
	m->rescan.data = m;
	ev_idle_init(&m->slice, vrrp_pmon_slice_cb);
	m->slice.data = m;
	return m;
}

int vrrp_pmon_start(struct vrrp_pmon *m)
{
	/* listen first, so nothing starting during the scan is missed */
	connector_open(m);
	if (scan_start(m) != 0)
		return -1;
	while (!scan_slice(m))
		;
	return 0;
}

void vrrp_pmon_free(struct vrrp_pmon *m)
{
	if (!m)
		return;
	connector_close(m);
	ev_timer_stop(m->loop, &m->rescan);
	ev_idle_stop(m->loop, &m->slice);
	if (m->dir)
		closedir(m->dir);
	while (m->watches) {
		struct pmon_watch *w = m->watches;

		m->watches = w->next;
		watch_free(m, w);
	}
	free(m);
}

uint64_t vrrp_pmon_gen(const struct vrrp_pmon *m)
{
	return m->gen;
}

enum vrrp_pmon_mode vrrp_pmon_mode(const struct vrrp_pmon *m)
{
	return m->mode;
}
