/*
 * vrrp_ctl.h - vrrpd's control socket: a unix socket speaking the same
 * line protocol as lbd's runtime API (";"-separated commands, a blank line
 * after each reply, "prompt" for interactive use, levels user < operator <
 * admin), with "show vrrp", "show info", "disable|enable vrrp" and the
 * "subscribe" event stream lbd follows (docs/events.md). It runs in
 * vrrpd's event loop; a connection's work is bounded by its buffers.
 */
#ifndef VRRPD_VRRP_CTL_H
#define VRRPD_VRRP_CTL_H

#include <stddef.h>

struct ev_loop;
struct vrrp_rt;
struct vrrp_ctl;

enum { VRRP_CTL_USER = 1, VRRP_CTL_OPER = 2, VRRP_CTL_ADMIN = 3 };

/* The routers, by index; NULL past the last. */
typedef struct vrrp_rt *(*vrrp_ctl_rt_fn)(void *arg, size_t i);

/* Listen on path (replacing a stale socket) with the given file mode;
 * connections start at level. NULL after logging why. */
struct vrrp_ctl *vrrp_ctl_new(struct ev_loop *loop, const char *path,
			      int level, unsigned mode, vrrp_ctl_rt_fn rt_at,
			      void *arg);

/* More "show info" lines ("Key: value\n"...) written by fn into buf;
 * returns their length (less than len). */
typedef size_t (*vrrp_ctl_info_fn)(void *arg, char *buf, size_t len);
void vrrp_ctl_set_info(struct vrrp_ctl *c, vrrp_ctl_info_fn fn, void *arg);

/* Tell subscribers about a router's new state, priority or Master. */
void vrrp_ctl_changed(struct vrrp_ctl *c, struct vrrp_rt *rt);

/* Send "bye" to subscribers, close everything, remove the socket file.
 * NULL is a no-op. */
void vrrp_ctl_free(struct vrrp_ctl *c, const char *reason);

/* "user", "operator", "admin" -> level, or 0. */
int vrrp_ctl_level(const char *word);

#endif
