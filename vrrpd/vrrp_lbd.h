/*
 * vrrp_lbd.h - vrrp_track_lbd: lbd's health as an event stream over its
 * stats socket ("subscribe", docs/events.md), not polled. A tracker fails
 * at once when the socket closes, when heartbeats stop for
 * heartbeat_timeout (a hung lbd, or one of its threads stuck), when a
 * listed frontend stops listening or when a listed backend has fewer
 * usable servers than its min_up. It reconnects with backoff and re-reads
 * lbd's whole state before it says OK again.
 */
#ifndef VRRPD_VRRP_LBD_H
#define VRRPD_VRRP_LBD_H

struct ev_loop;
struct vrrp_conf;
struct vrrp_lbd;

typedef void (*vrrp_lbd_change_fn)(void *arg);

/* Start a tracker for every vrrp_track_lbd of c (c must outlive it). A
 * tracker that a live tracker (the generation being replaced by a
 * reload) has under the same name and socket starts with its verdict, so
 * a reload never fails an instance. NULL when memory is short. */
struct vrrp_lbd *vrrp_lbd_new(struct ev_loop *loop, const struct vrrp_conf *c,
			      vrrp_lbd_change_fn cb, void *arg);
void vrrp_lbd_free(struct vrrp_lbd *l);

/* 1 when the tracker is OK, 0 when failed, -1 when there is none by that
 * name. */
int vrrp_lbd_ok(const struct vrrp_lbd *l, const char *name);

/* Feed the i-th tracker's stream bytes as if lbd sent them (fuzzing). */
void vrrp_lbd_feed(struct vrrp_lbd *l, size_t i, const char *data, size_t n);

/* Why the named tracker failed last ("" when OK or unknown). */
const char *vrrp_lbd_why(const struct vrrp_lbd *l, const char *name);

#endif
