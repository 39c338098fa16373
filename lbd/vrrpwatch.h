/*
 * vrrpwatch.h - what lbd knows of the node's virtual routers: with
 * "vrrpd-socket <path>" in global, lbd follows vrrpd's event stream
 * (docs/events.md) and keeps each instance's state, priority and Master
 * for "show info", "show vrrp", the stats page and /metrics; with
 * "on-address-loss close-idle", idle keep-alive connections on an address
 * that leaves the node (a VIP gone with a demotion) are closed at once
 * (addrwatch.c sees the address go through netlink). Runs on the first
 * worker's loop, as the runtime API; readers must be on that thread.
 */
#ifndef LBD_VRRPWATCH_H
#define LBD_VRRPWATCH_H

#include <stddef.h>

struct ev_loop;
struct sbuf;

#define VRRPWATCH_MAX	256	/* instances kept */

struct vrrp_view {
	char name[64];
	char state[16];			/* MASTER, BACKUP, FAULT, INIT, STOP */
	unsigned priority;
	char master[48];		/* "-" when unknown */
	char vips[256];
};

void vrrpwatch_start(struct ev_loop *loop);
void vrrpwatch_stop(void);

/* 1 while the stream is up (its state is current), 0 otherwise; -1 when
 * no vrrpd-socket is configured. */
int vrrpwatch_connected(void);

/* The instances as last heard; NULL past the last. */
const struct vrrp_view *vrrpwatch_get(size_t i);

#endif
