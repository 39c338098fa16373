/*
 * sockpass.c - listening sockets passed between processes (see sockpass.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "sockpass.h"

static const char sockpass_magic[4] = { 'L', 'B', 'F', 'D' };

static int *pool, *exposed;
static unsigned npool, nexposed;

int sockpass_hdr_parse(const unsigned char *p, unsigned *count, int *last)
{
	if (memcmp(p, sockpass_magic, 4) != 0 || p[6] > 1 || p[7] != 0)
		return -1;
	*count = (unsigned)p[4] << 8 | p[5];
	*last = p[6];
	return *count <= SOCKPASS_BATCH ? 0 : -1;
}

static int sockpass_send_one(int sock, const int *fds, unsigned n, int last)
{
	unsigned char hdr[SOCKPASS_HDR];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * SOCKPASS_BATCH)];
	} cm;
	struct iovec iov = { hdr, sizeof(hdr) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;

	memcpy(hdr, sockpass_magic, 4);
	hdr[4] = (unsigned char)(n >> 8);
	hdr[5] = (unsigned char)n;
	hdr[6] = (unsigned char)last;
	hdr[7] = 0;
	if (n) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(&cm.h), fds, sizeof(int) * n);
	}
	do
		r = sendmsg(sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r != (ssize_t)sizeof(hdr)) {
		if (r >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

int sockpass_send(int sock, const int *fds, unsigned n)
{
	unsigned off = 0;

	do {
		unsigned k = n - off > SOCKPASS_BATCH ? SOCKPASS_BATCH : n - off;

		if (sockpass_send_one(sock, n ? fds + off : NULL, k, off + k == n) < 0)
			return -1;
		off += k;
	} while (off < n);
	return 0;
}

/* Keep fd in the pool if it is a listening TCP socket. */
static void sockpass_keep(int fd)
{
	int v = 0;
	socklen_t len = sizeof(v);
	struct sockaddr_storage ss;
	socklen_t alen = sizeof(ss);
	int *n;

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) < 0 || !v ||
	    getsockname(fd, (struct sockaddr *)&ss, &alen) < 0 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
	    npool >= SOCKPASS_MAX || !(n = realloc(pool, (npool + 1) * sizeof(*pool)))) {
		close(fd);
		return;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	pool = n;
	pool[npool++] = fd;
}

int sockpass_recv(int sock)
{
	unsigned total = 0, kept = npool;

	for (;;) {
		unsigned char hdr[SOCKPASS_HDR];
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(int) * SOCKPASS_BATCH)];
		} cm;
		struct iovec iov = { hdr, sizeof(hdr) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = cm.buf,
				      .msg_controllen = sizeof(cm.buf) };
		unsigned count, nfds = 0;
		int last, bad = 0;
		ssize_t r;

		do
			r = recvmsg(sock, &msg, MSG_WAITALL | MSG_CMSG_CLOEXEC);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			nfds = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			for (unsigned i = 0; i < nfds; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
				if (total++ >= SOCKPASS_MAX)
					close(fd);
				else
					sockpass_keep(fd);
			}
		}
		if (r != (ssize_t)sizeof(hdr) || (msg.msg_flags & MSG_CTRUNC) ||
		    sockpass_hdr_parse(hdr, &count, &last) < 0 || count != nfds)
			bad = 1;
		if (bad) {
			errno = EPROTO;
			return -1;
		}
		if (last)
			break;
	}
	return (int)(npool - kept);
}

int sockpass_connect(const char *path, const char *req)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { 5, 0 };
	size_t len = strlen(req);
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int sockpass_fetch(const char *path)
{
	int fd = sockpass_connect(path, "_getsocks\n"), n;

	if (fd < 0) {
		log_warn("-x %s: cannot reach the old process", path);
		return -1;
	}
	n = sockpass_recv(fd);
	if (n < 0)
		log_warn("-x %s: no listening sockets received (is the socket "
			 "'level admin expose-fd listeners'?)", path);
	close(fd);
	return n;
}

int sockpass_send_fd(int sock, const void *buf, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof(cm.b);
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cm.h), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

ssize_t sockpass_recv_fd(int sock, void *buf, size_t len, int *fd, int flags)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 4)];
	} cm;
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cm.b, .msg_controllen = sizeof(cm.b) };
	ssize_t n;

	*fd = -1;
	do
		n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); n >= 0 && c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(f));
			if (*fd < 0)
				*fd = f;
			else
				close(f);
		}
	}
	if (n > 0 && (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

static int sockpass_addr_eq(const struct sockaddr_storage *a,
			    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return 0;
}

int sockpass_take(const struct sockaddr_storage *addr, socklen_t len)
{
	(void)len;
	for (unsigned i = 0; i < npool; i++) {
		struct sockaddr_storage ss;
		socklen_t alen = sizeof(ss);
		int fd = pool[i];

		if (getsockname(fd, (struct sockaddr *)&ss, &alen) < 0 ||
		    !sockpass_addr_eq(&ss, addr))
			continue;
		pool[i] = pool[--npool];
		return fd;
	}
	return -1;
}

void sockpass_pool_clear(void)
{
	while (npool)
		close(pool[--npool]);
	free(pool);
	pool = NULL;
}

int sockpass_expose(int fd)
{
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	int *n;

	if (d < 0)
		return -1;
	if (!(n = realloc(exposed, (nexposed + 1) * sizeof(*exposed)))) {
		close(d);
		return -1;
	}
	exposed = n;
	exposed[nexposed++] = d;
	return 0;
}

const int *sockpass_exposed(unsigned *n)
{
	*n = nexposed;
	return exposed;
}

void sockpass_unexpose_all(void)
{
	while (nexposed)
		close(exposed[--nexposed]);
	free(exposed);
	exposed = NULL;
}
