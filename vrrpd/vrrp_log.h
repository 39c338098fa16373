/*
 * vrrp_log.h - where vrrpd's log lines go when it is not logging to the
 * console: syslog targets (shared/syslog.c) that never block. By default
 * /dev/log in the format syslog(3) writes ("<PRI>Mmm dd hh:mm:ss
 * vrrpd[PID]: message"), with the -S facility; "syslog_target" lines in
 * global_defs replace it (HAProxy's "log" syntax: unix sockets, UDP,
 * rfc3164/rfc5424...). Lines a full or absent receiver cannot take are
 * counted, never waited for.
 */
#ifndef VRRPD_VRRP_LOG_H
#define VRRPD_VRRP_LOG_H

#include <stdint.h>

struct vrrp_conf_global;
struct vrrp_log;

/* Open g's targets (or /dev/log with facility, a LOG_* value) and route
 * log.h's messages to them. Returns NULL after printing why. */
struct vrrp_log *vrrp_log_new(const struct vrrp_conf_global *g, int facility);

/* Route messages back to stderr and close the targets; NULL is a no-op. */
void vrrp_log_free(struct vrrp_log *l);

/* Lines sent and dropped over every target. */
uint64_t vrrp_log_sent(const struct vrrp_log *l);
uint64_t vrrp_log_dropped(const struct vrrp_log *l);

#endif
