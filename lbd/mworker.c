/*
 * mworker.c - a worker's side of master-worker mode (see mworker.h).
 */
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "events.h"
#include "handover.h"
#include "log.h"
#include "mworker.h"
#include "sockpass.h"
#include "worker.h"

#define MWORKER_MAX_FINISH 64

static int mw_fd = -1;
static ev_io mw_io;
static struct ev_loop *mw_loop;
static int mw_finish[MWORKER_MAX_FINISH];
static unsigned mw_nfinish;
static int mw_finish_sig;

/* The previous worker's runtime state: "STF" with a memfd holding it, or
 * "STN" when there is none (a first start, a restart after a crash). */
static void mworker_recv_state(void)
{
	char buf[8];
	struct stat st;
	int fd;
	ssize_t n = sockpass_recv_fd(mw_fd, buf, sizeof(buf), &fd, 0);
	char *text;

	if (n != 3 || memcmp(buf, "STF", 3) != 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		if (n != 3 || memcmp(buf, "STN", 3) != 0)
			log_warnx("master channel: no runtime state message");
		return;
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > HANDOVER_MAX ||
	    !(text = malloc((size_t)st.st_size))) {
		close(fd);
		return;
	}
	if (pread(fd, text, (size_t)st.st_size, 0) != st.st_size) {
		free(text);
		close(fd);
		return;
	}
	close(fd);
	handover_keep(text, (size_t)st.st_size);
}

int mworker_init(void)
{
	const char *v = getenv(MWORKER_ENV);
	struct timeval tv = { 10, 0 };
	char *end;
	long fd;
	int type = 0;
	socklen_t len = sizeof(type);

	if (!v)
		return 0;
	errno = 0;
	fd = strtol(v, &end, 10);
	unsetenv(MWORKER_ENV);
	if (errno || *end || end == v || fd < 3 || fd > 65535 ||
	    getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_SEQPACKET) {
		log_warnx("%s: not a master channel", MWORKER_ENV);
		return -1;
	}
	mw_fd = (int)fd;
	fcntl(mw_fd, F_SETFD, FD_CLOEXEC);
	setsockopt(mw_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sockpass_recv(mw_fd) < 0) {
		log_warn("cannot receive the listening sockets from the master");
		close(mw_fd);
		mw_fd = -1;
		return -1;
	}
	mworker_recv_state();
	return 1;
}

void mworker_set_finish(const int *pids, unsigned n, int hard)
{
	if (n > MWORKER_MAX_FINISH)
		n = MWORKER_MAX_FINISH;
	memcpy(mw_finish, pids, n * sizeof(*pids));
	mw_nfinish = n;
	mw_finish_sig = hard ? SIGTERM : SIGUSR1;
}

/* One message from the master: a CLI client routed here. */
static void mworker_msg(const char *buf, size_t len, int fd)
{
	if (fd >= 0 && len >= 4 && memcmp(buf, "CLI ", 4) == 0) {
		cli_adopt(fd, CLI_LVL_ADMIN, buf + 4, len - 4);
		return;
	}
	if (fd < 0 && len == 3 && memcmp(buf, "RLD", 3) == 0) {
		/* a new worker serves: finish, telling subscribers it is a
		 * reload (they reconnect to the new one) */
		log_notice("reload: a new worker serves; finishing %u sessions",
			   (unsigned)atomic_load(&lbd.actconn));
		events_successor();
		worker_stop_all(0);
		return;
	}
	log_debug("master channel: unexpected message (%zu bytes)", len);
	if (fd >= 0)
		close(fd);
}

static void mworker_read_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	char buf[MWORKER_MSG_MAX];
	int fd;
	ssize_t n = sockpass_recv_fd(mw_fd, buf, sizeof(buf), &fd, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EMSGSIZE))
		return;
	if (n <= 0) {
		/* the master is gone: finish what runs, take nothing new */
		log_warnx("the master process is gone: stopping softly");
		mworker_stop();
		worker_stop_all(0);
		return;
	}
	mworker_msg(buf, (size_t)n, fd);
}

void mworker_ready(struct ev_loop *loop)
{
	for (unsigned i = 0; i < mw_nfinish; i++)
		if (kill(mw_finish[i], mw_finish_sig) < 0)
			log_warn("-s%c: cannot signal process %d",
				 mw_finish_sig == SIGTERM ? 't' : 'f', mw_finish[i]);
	mw_nfinish = 0;
	if (mw_fd < 0)
		return;
	{
		unsigned n;
		const int *fds = sockpass_exposed(&n);

		if (sockpass_send(mw_fd, fds, n) < 0 ||
		    send(mw_fd, "RDY", 3, MSG_DONTWAIT | MSG_NOSIGNAL) != 3)
			log_warn("cannot tell the master this worker is ready");
	}
	mw_loop = loop;
	ev_io_init(&mw_io, mworker_read_cb, mw_fd, EV_READ);
	ev_io_start(loop, &mw_io);
	ev_unref(loop);		/* the channel alone does not keep a loop alive */
}

void mworker_stop(void)
{
	if (mw_fd < 0)
		return;
	if (mw_loop) {
		ev_ref(mw_loop);
		ev_io_stop(mw_loop, &mw_io);
		mw_loop = NULL;
	}
	close(mw_fd);
	mw_fd = -1;
}
