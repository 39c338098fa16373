/*
 * vrrp_sys.h - the process settings of global_defs: nice level
 * (vrrp_priority), real-time scheduling (vrrp_rt_priority), RLIMIT_RTTIME
 * (vrrp_rlimit_rttime), CPU affinity (vrrp_cpu_affinity), locked memory
 * (vrrp_no_swap), umask and the process name (vrrp_process_name), and the
 * syntax of the two that need one.
 */
#ifndef VRRPD_VRRP_SYS_H
#define VRRPD_VRRP_SYS_H

#include <stdint.h>

struct vrrp_conf_global;

/* "0", "2-5": set the CPUs' bits in mask (nwords 64-bit words); 0, or -1
 * for anything else or a CPU past the mask. */
int vrrp_sys_parse_cpus(const char *s, uint64_t *mask, size_t nwords);

/* A umask: a number (0x hex, 0 octal, else decimal) up to 0777, or
 * I{R|W|X}{USR|GRP|OTH} names joined by '|' (blanks allowed around them).
 * 0 with *mode set, or -1. */
int vrrp_sys_parse_umask(const char *s, unsigned *mode);

/* Apply g's process settings to the calling process, at start (after the
 * fork into the background: locks are not inherited). Each failure is
 * logged and the others are still applied; returns how many failed. */
int vrrp_sys_apply(const struct vrrp_conf_global *g);

/* max_auto_priority: the loop ran late_s seconds late. Past
 * min_auto_priority_delay, vrrpd goes real-time (SCHED_RR) one step
 * higher each time, up to max_auto_priority; *cur is the real-time
 * priority it has now (0 at first). */
void vrrp_sys_late(const struct vrrp_conf_global *g, double late_s, int *cur);

/* 1 when a and b differ in a setting vrrp_sys_apply makes (a reload
 * leaves them as they were at start), else 0. */
int vrrp_sys_differs(const struct vrrp_conf_global *a,
		     const struct vrrp_conf_global *b);

#endif
