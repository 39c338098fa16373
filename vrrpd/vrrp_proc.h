/*
 * vrrp_proc.h - vrrp_track_process: how many running processes match each
 * tracker (by name, or by command line and parameters), and its verdict:
 * OK while quorum <= count <= quorum_max, changed only after fork_delay
 * (gaining) or terminate_delay (losing). Processes come from vrrp_pmon
 * (proc connector, or pidfds and /proc rescans); zombies do not count.
 */
#ifndef VRRPD_VRRP_PROC_H
#define VRRPD_VRRP_PROC_H

#include <stddef.h>

struct ev_loop;
struct vrrp_conf;
struct vrrp_conf_process;
struct vrrp_proc;

typedef void (*vrrp_proc_change_fn)(void *arg);

/* Track every vrrp_track_process of c (c must outlive it); verdicts are
 * known when this returns (one /proc scan is made). cb runs after a
 * verdict changed. NULL after logging why. */
struct vrrp_proc *vrrp_proc_new(struct ev_loop *loop, const struct vrrp_conf *c,
				vrrp_proc_change_fn cb, void *arg);
void vrrp_proc_free(struct vrrp_proc *p);

/* 1 when the tracker is OK, 0 when failed, -1 when none has that name. */
int vrrp_proc_ok(const struct vrrp_proc *p, const char *name);

/* Matching processes counted now by the named tracker (0 when unknown). */
unsigned vrrp_proc_count(const struct vrrp_proc *p, const char *name);

/* Whether a process matches pr: comm is its name (/proc/PID/comm),
 * cmdline its NUL-separated arguments (cmdlen bytes, may be 0 for kernel
 * threads). Pure. Returns 1 or 0. */
int vrrp_proc_match(const struct vrrp_conf_process *pr, const char *comm,
		    const char *cmdline, size_t cmdlen);

#endif
