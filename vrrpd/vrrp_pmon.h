/*
 * vrrp_pmon.h - where processes come and go, as plain callbacks: the
 * kernel's proc connector (NETLINK_CONNECTOR, CN_IDX_PROC) when it can be
 * opened, else pidfds for the processes the caller watches plus a bounded
 * /proc rescan. The connector only exists in the initial network
 * namespace; in any other the LISTEN request is refused (ECONNREFUSED) or
 * never acknowledged, and the monitor falls back, logging once which
 * mechanism it uses.
 *
 * /proc is read in slices of VRRP_PMON_SLICE entries from an idle watcher,
 * so a scan never holds the loop for more than one slice. Every process
 * found (by a scan or an event) is reported through seen(); the caller
 * decides whether it matters and asks for its exit with vrrp_pmon_watch.
 * A scan stamps a generation: once it ends, scan_done(gen) tells the
 * caller that every live process was seen with a stamp of at least gen,
 * so entries stamped earlier belong to processes that are gone.
 */
#ifndef VRRPD_VRRP_PMON_H
#define VRRPD_VRRP_PMON_H

#include <stdint.h>
#include <sys/types.h>

struct ev_loop;
struct vrrp_pmon;

enum {
	VRRP_PMON_SLICE = 64,		/* /proc entries read per loop pass */
	VRRP_PMON_RESCAN_MS = 1000,	/* fallback: a new scan this often */
	VRRP_PMON_ACK_MS = 1000,	/* connector: wait this long for its ack */
};

enum vrrp_pmon_mode {
	VRRP_PMON_STARTING,		/* connector asked, not acknowledged */
	VRRP_PMON_CONNECTOR,
	VRRP_PMON_RESCAN,		/* pidfds and periodic /proc scans */
	VRRP_PMON_MODE_MAX
};
extern const char *const vrrp_pmon_mode_names[VRRP_PMON_MODE_MAX];

struct vrrp_pmon_ops {
	/* a process exists (found by a scan, forked, exec'd or renamed) */
	void (*seen)(void *arg, pid_t pid);
	/* a watched process (or, with the connector, any process) exited */
	void (*gone)(void *arg, pid_t pid);
	/* a scan ended: processes not seen since gen began are gone */
	void (*scan_done)(void *arg, uint64_t gen);
};

/* A monitor that calls ops with arg; nothing happens before
 * vrrp_pmon_start. NULL when memory is short. */
struct vrrp_pmon *vrrp_pmon_new(struct ev_loop *loop,
				const struct vrrp_pmon_ops *ops, void *arg);

/* Start monitoring: one complete /proc scan is made before returning (so
 * verdicts are known at once), then events or rescans follow. Returns 0,
 * or -1 after logging why (/proc unreadable). */
int vrrp_pmon_start(struct vrrp_pmon *m);

/* Stop and free; NULL is a no-op. */
void vrrp_pmon_free(struct vrrp_pmon *m);

/* The generation the next seen() belongs to. */
uint64_t vrrp_pmon_gen(const struct vrrp_pmon *m);

/* Report pid's exit through gone(): a pidfd in rescan mode (the
 * connector reports exits by itself). Returns 0, or -1 when the process
 * is already gone. Watching a pid twice is harmless. */
int vrrp_pmon_watch(struct vrrp_pmon *m, pid_t pid);
void vrrp_pmon_unwatch(struct vrrp_pmon *m, pid_t pid);

enum vrrp_pmon_mode vrrp_pmon_mode(const struct vrrp_pmon *m);

#endif
