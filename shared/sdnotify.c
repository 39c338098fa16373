/*
 * sdnotify.c - readiness and status for the service manager: a datagram
 * per call to the unix socket in $NOTIFY_SOCKET, sent non-blocking so a
 * stuck manager can never stall a loop (the message is dropped instead).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sdnotify.h"

static struct {
	struct sockaddr_un sun;
	socklen_t len;		/* 0: nobody listens */
} sdn;

void sdn_reset(void)
{
	memset(&sdn, 0, sizeof(sdn));
}

int sdn_init(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	size_t n;

	sdn_reset();
	if (!path || !*path)
		return 0;
	n = strlen(path);
	/* a path or an abstract name; anything else (vsock, relative) is refused */
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sdn.sun.sun_path)) {
		log_warnx("NOTIFY_SOCKET '%.64s' is not a unix socket path: "
			  "the service manager will not hear from us", path);
		unsetenv("NOTIFY_SOCKET");
		return -1;
	}
	sdn.sun.sun_family = AF_UNIX;
	memcpy(sdn.sun.sun_path, path, n);
	if (path[0] == '@')
		sdn.sun.sun_path[0] = '\0';
	sdn.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
			      (path[0] == '/'));
	unsetenv("NOTIFY_SOCKET");
	return 1;
}

int sdn_send(const char *state)
{
	int fd, rc;

	if (!sdn.len)
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	rc = (int)sendto(fd, state, strlen(state), MSG_NOSIGNAL,
			 (struct sockaddr *)&sdn.sun, sdn.len);
	if (rc < 0)
		log_debug("sd_notify: %s", strerror(errno));
	close(fd);
	return rc < 0 ? -1 : 0;
}

int sdn_sendf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if (!sdn.len)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	return sdn_send(buf);	/* a longer status is cut, never overrun */
}

int sdn_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return sdn_sendf("RELOADING=1\nMONOTONIC_USEC=%llu",
			 (unsigned long long)ts.tv_sec * 1000000ULL +
			 (unsigned long long)ts.tv_nsec / 1000ULL);
}
