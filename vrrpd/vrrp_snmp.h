/*
 * vrrp_snmp.h - VRRPv3-MIB (RFC 6527) over AgentX: the operations,
 * associated address and statistics tables, the router statistics, and
 * the vrrpv3NewMaster / vrrpv3ProtoError notifications. Reads routers
 * through vrrp.h's accessors only.
 */
#ifndef VRRPD_VRRP_SNMP_H
#define VRRPD_VRRP_SNMP_H

#include <stddef.h>

#include "vrrp.h"

struct ev_loop;
struct vrrp_snmp;

/* The i-th running router, NULL past the last. */
typedef struct vrrp_rt *(*vrrp_snmp_rt_at)(void *arg, size_t i);

/* Start the subagent on the master socket (NULL: net-snmp's default).
 * Returns NULL after logging why. */
struct vrrp_snmp *vrrp_snmp_new(struct ev_loop *loop, const char *socket,
				vrrp_snmp_rt_at rt_at, void *arg);
void vrrp_snmp_free(struct vrrp_snmp *s);

/* Send notifications (enable_traps) or not. */
void vrrp_snmp_set_traps(struct vrrp_snmp *s, int on);

/* A router's event (vrrp_env.event): sends the matching notification. */
void vrrp_snmp_event(struct vrrp_snmp *s, struct vrrp_rt *rt,
		     enum vrrp_rt_event ev);

/* 1 while registered with the master agent; notifications not sent. */
int vrrp_snmp_connected(const struct vrrp_snmp *s);
unsigned long long vrrp_snmp_dropped(const struct vrrp_snmp *s);

#endif
