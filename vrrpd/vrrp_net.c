/*
 * vrrp_net.c - raw sockets for VRRP adverts (see vrrp_net.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include "log.h"
#include "vrrp_conf.h"
#include "vrrp_net.h"
#include "vrrp_packet.h"

static int opt(int fd, int level, int name, const void *v, socklen_t len,
	       const char *what)
{
	if (setsockopt(fd, level, name, v, len) == 0)
		return 0;
	log_warn("VRRP socket: %s", what);
	return -1;
}

static int open4(int fd, int ifindex, const struct vrrp_conf_addr *group,
		 int uttl)
{
	int ttl = VRRP_PKT_TTL, zero = 0;
	struct ip_mreqn mr = { .imr_ifindex = ifindex };

	if (opt(fd, IPPROTO_IP, IP_TTL, &uttl, sizeof(uttl), "IP_TTL") ||
	    opt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl),
		"IP_MULTICAST_TTL") ||
	    opt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero),
		"IP_MULTICAST_LOOP") ||
	    opt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof(zero),
		"IP_MULTICAST_ALL") ||
	    opt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr),
		"IP_MULTICAST_IF"))
		return -1;
	if (!group)
		return 0;
	mr.imr_multiaddr = group->u.v4;
	return opt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr),
		   "joining the VRRP group");
}

static int open6(int fd, int ifindex, const struct vrrp_conf_addr *group,
		 int uhops)
{
	int hops = VRRP_PKT_TTL, zero = 0, one = 1;
	unsigned int idx = (unsigned int)ifindex;
	struct ipv6_mreq mr = { .ipv6mr_interface = idx };

	if (opt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &uhops, sizeof(uhops),
		"IPV6_UNICAST_HOPS") ||
	    opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops),
		"IPV6_MULTICAST_HOPS") ||
	    opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero),
		"IPV6_MULTICAST_LOOP") ||
	    opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx),
		"IPV6_MULTICAST_IF") ||
	    opt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one),
		"IPV6_RECVHOPLIMIT") ||
	    opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one),
		"IPV6_RECVPKTINFO"))
		return -1;
	if (!group)
		return 0;
	mr.ipv6mr_multiaddr = group->u.v6;
	return opt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof(mr),
		   "joining the VRRP group");
}

int vrrp_net_open(int family, int ifindex, const char *ifname,
		  const struct vrrp_conf_addr *group, int ttl, int rcvbuf)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			VRRP_PKT_PROTO);

	if (fd < 0) {
		log_warn("VRRP socket");
		return -1;
	}
	if (opt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		(socklen_t)strlen(ifname), "SO_BINDTODEVICE"))
		goto fail;
	if (rcvbuf && opt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf),
			  "SO_RCVBUF (kernel_rx_buf_size)"))
		goto fail;
	if ((family == AF_INET ? open4 : open6)(fd, ifindex, group, ttl) != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

int vrrp_net_send(int fd, int ifindex, const struct vrrp_conf_addr *src,
		  const struct vrrp_conf_addr *dst, const uint8_t *msg,
		  size_t len)
{
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} to = { 0 };
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf = { 0 };
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = {
		.msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.b,
	};
	struct cmsghdr *cm = (struct cmsghdr *)cbuf.b;

	if (dst->family == AF_INET) {
		struct in_pktinfo pi = { .ipi_ifindex = ifindex,
					 .ipi_spec_dst = src->u.v4 };

		to.in.sin_family = AF_INET;
		to.in.sin_addr = dst->u.v4;
		mh.msg_namelen = sizeof(to.in);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { .ipi6_addr = src->u.v6,
					  .ipi6_ifindex = (unsigned)ifindex };

		to.in6.sin6_family = AF_INET6;
		to.in6.sin6_addr = dst->u.v6;
		to.in6.sin6_scope_id = (uint32_t)ifindex;
		mh.msg_namelen = sizeof(to.in6);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	return sendmsg(fd, &mh, 0) == (ssize_t)len ? 0 : -1;
}

static ssize_t recv4(uint8_t *buf, ssize_t n, const uint8_t **msg,
		     struct vrrp_conf_addr *src, struct vrrp_conf_addr *dst,
		     uint8_t *ttl)
{
	size_t ihl, tot;

	if (n < 20 || (buf[0] >> 4) != 4)
		return 0;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	tot = (size_t)buf[2] << 8 | buf[3];
	if (ihl < 20 || (ssize_t)ihl > n || tot < ihl || tot > (size_t)n)
		return 0;
	*ttl = buf[8];
	src->family = dst->family = AF_INET;
	memcpy(&src->u.v4, buf + 12, 4);
	memcpy(&dst->u.v4, buf + 16, 4);
	*msg = buf + ihl;
	return (ssize_t)(tot - ihl);
}

ssize_t vrrp_net_recv(int fd, int family, uint8_t *buf, size_t len,
		      const uint8_t **msg, struct vrrp_conf_addr *src,
		      struct vrrp_conf_addr *dst, uint8_t *ttl)
{
	struct sockaddr_in6 from;
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		       CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.b, .msg_controllen = sizeof(cbuf.b),
	};
	ssize_t n = recvmsg(fd, &mh, 0);
	int have_dst = 0, have_ttl = 0;

	if (n < 0)
		return -1;
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	if (mh.msg_flags & MSG_TRUNC)
		return 0;
	if (family == AF_INET)
		return recv4(buf, n, msg, src, dst, ttl);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			dst->u.v6 = pi.ipi6_addr;
			have_dst = 1;
		} else if (c->cmsg_type == IPV6_HOPLIMIT &&
			   c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int h;

			memcpy(&h, CMSG_DATA(c), sizeof(h));
			*ttl = (uint8_t)h;
			have_ttl = 1;
		}
	}
	if (!have_dst || !have_ttl || from.sin6_family != AF_INET6)
		return 0;
	src->family = dst->family = AF_INET6;
	src->u.v6 = from.sin6_addr;
	*msg = buf;
	return n;
}
