/*
 * vrrp.h - virtual routers: the RFC 5798 state machine (Initialize, Backup,
 * Master, plus keepalived's Fault), its timers in centiseconds, priority
 * from tracking, VIPs and gratuitous ARPs on becoming Master, sync groups.
 * One struct vrrp_rt per vrrp_instance; it owns its socket and timers.
 */
#ifndef VRRPD_VRRP_H
#define VRRPD_VRRP_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct vrrp_conf;
struct vrrp_conf_instance;
struct vrrp_nl;
struct vrrp_track;
struct vrrp_rt;

enum vrrp_state {
	VRRP_STATE_INIT,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
	VRRP_STATE_STOP,
	VRRP_STATE_MAX
};
/* "INIT", "BACKUP", "MASTER", "FAULT", "STOP" (keepalived's words) */
extern const char *const vrrp_state_names[VRRP_STATE_MAX];

/* Counters per virtual router: traffic, then one per discard reason
 * (VRRPv3-MIB vrrpv3StatisticsTable names in the comments). */
enum vrrp_stat {
	VRRP_STAT_RX,			/* RcvdAdvertisements */
	VRRP_STAT_TX,
	VRRP_STAT_MASTER,		/* MasterTransitions */
	VRRP_STAT_RX_PRIO0,		/* RcvdPriZeroPackets */
	VRRP_STAT_TX_PRIO0,		/* SentPriZeroPackets */
	VRRP_STAT_MALFORMED,		/* IP header too short, truncated */
	VRRP_STAT_TTL,			/* IpTtlErrors */
	VRRP_STAT_VERSION,		/* VersionErrors (incl. other version) */
	VRRP_STAT_TYPE,			/* RcvdInvalidTypePackets */
	VRRP_STAT_LENGTH,		/* PacketLengthErrors */
	VRRP_STAT_CHECKSUM,		/* ChecksumErrors */
	VRRP_STAT_VRID,			/* VrIdErrors (VRID 0) */
	VRRP_STAT_ADDRESS,		/* AddressListErrors */
	VRRP_STAT_INTERVAL,		/* AdvIntervalErrors */
	VRRP_STAT_AUTH_TYPE,		/* InvalidAuthType */
	VRRP_STAT_AUTH_MISMATCH,	/* AuthTypeMismatch */
	VRRP_STAT_AUTH_FAIL,		/* AuthFailures */
	VRRP_STAT_PEER,			/* unicast from an unknown peer */
	VRRP_STAT_SEND_ERR,
	VRRP_STAT_MAX
};
extern const char *const vrrp_stat_names[VRRP_STAT_MAX];

/* Why a router last became Master (VRRPv3-MIB
 * vrrpv3StatisticsNewMasterReason, the same numbers). */
enum vrrp_master_reason {
	VRRP_MASTER_NOT,		/* never was */
	VRRP_MASTER_PRIORITY,		/* the address owner (255) */
	VRRP_MASTER_PREEMPTED,		/* preempted a lower priority Master */
	VRRP_MASTER_NO_RESPONSE,	/* Master_Down_Interval ran out */
	VRRP_MASTER_MAX
};

/* The last protocol error (vrrpv3StatisticsProtoErrReason, same numbers). */
enum vrrp_proto_err {
	VRRP_PROTO_OK,
	VRRP_PROTO_TTL,
	VRRP_PROTO_VERSION,
	VRRP_PROTO_CHECKSUM,
	VRRP_PROTO_VRID,
	VRRP_PROTO_MAX
};

/* Events for subscribers (the SNMP notifications). */
enum vrrp_rt_event {
	VRRP_RT_EV_NEW_MASTER,		/* this router became Master */
	VRRP_RT_EV_PROTO_ERROR,		/* see vrrp_rt_info's proto_err */
	VRRP_RT_EV_MAX
};

/* What management sees of a router (VRRPv3-MIB's operations and
 * statistics), filled by vrrp_rt_info. */
struct vrrp_rt_info {
	int ifindex;			/* 0 until started */
	int family;			/* AF_INET, AF_INET6 */
	int version;
	uint8_t vrid;
	enum vrrp_state state;
	uint8_t priority;		/* effective */
	uint16_t advert_cs;		/* configured */
	int preempt, accept;
	int has_master, has_primary;
	uint8_t master[16], primary[16];	/* 4 or 16 octets */
	uint8_t vmac[6];		/* the MAC the VIPs answer with */
	double up_since;		/* ev_now when it left Initialize, 0 */
	enum vrrp_master_reason master_reason;
	enum vrrp_proto_err proto_err;
};

/* The daemon's environment, set once in main and shared by reference. */
struct vrrp_env {
	struct ev_loop *loop;
	struct vrrp_nl *nl;
	struct vrrp_track *track;
	int arp_fd;
	const struct vrrp_conf *conf;
	/* announcement pacing per interface or garp_group (vrrp.c; freed
	 * with vrrp_env_clear) */
	struct vrrp_pace *paces;
	size_t npaces;
	/* called after a router's state, priority or Master changed */
	void (*changed)(void *arg, struct vrrp_rt *rt);
	void *changed_arg;
	/* called for the events of enum vrrp_rt_event (may be NULL) */
	void (*event)(void *arg, struct vrrp_rt *rt, enum vrrp_rt_event ev);
	void *event_arg;
	/* called when an advert timer fired late_s seconds late (may be NULL) */
	void (*late)(void *arg, double late_s);
	void *late_arg;
};

/* A sync group at run time: its members move together. */
struct vrrp_sync;

/* Free what the routers of env shared (announcement pacing); at exit. */
void vrrp_env_clear(struct vrrp_env *env);

/* Create the virtual router of ci (which must outlive it); nothing is sent
 * until vrrp_rt_start. Returns NULL after logging why. */
struct vrrp_rt *vrrp_rt_new(struct vrrp_env *env,
			    const struct vrrp_conf_instance *ci);

/* Open the socket and leave Initialize (RFC 5798 6.4.1). Returns 0 or -1. */
int vrrp_rt_start(struct vrrp_rt *rt);

/* Shut down: a Master sends a priority 0 advert and removes its VIPs, at
 * once, or when graceful only once the new Master has advertised (at most
 * one advert interval + 250 ms later: see vrrp_rt_releasing), so clients
 * see no gap. The router ends in STOP; notify_stop runs. */
void vrrp_rt_stop(struct vrrp_rt *rt, int graceful);

/* Stop rt because a reload removed its instance: as vrrp_rt_stop(rt, 0),
 * but the scripts and the notify FIFO hear FAULT, or DELETED with
 * notify_deleted (keepalived's wording), instead of STOP. */
void vrrp_rt_delete(struct vrrp_rt *rt);

/* 1 while a graceful stop still holds the VIPs. */
int vrrp_rt_releasing(const struct vrrp_rt *rt);

/* Free (after vrrp_rt_stop; VIPs still held are removed); NULL is a
 * no-op. */
void vrrp_rt_free(struct vrrp_rt *rt);

/* Tracking changed (scripts, files, links): recompute the effective
 * priority and the fault state, and act on them. */
void vrrp_rt_track_update(struct vrrp_rt *rt);

/* 1 when ci can take over rt without a restart: same name, interface,
 * VRID, family, version, unicast-ness and VMAC settings (a SIGHUP keeps
 * its state). */
int vrrp_rt_same(const struct vrrp_rt *rt, const struct vrrp_conf_instance *ci);

/* Move rt to ci (a new generation, vrrp_rt_same holds; env->conf already
 * points at the new configuration): VIPs that went away are removed from a
 * Master, the new ones added; priority and timers apply from the next
 * advert. The old configuration may be freed afterwards. */
void vrrp_rt_reconf(struct vrrp_rt *rt, const struct vrrp_conf_instance *ci);

/* Join rts[0..n) into one sync group named by the config; returns the
 * group or NULL. Freed with vrrp_sync_free. */
struct vrrp_sync *vrrp_sync_new(struct vrrp_rt **rts, size_t n,
				const char *name, const char *notify,
				const char *notify_master,
				const char *notify_backup,
				const char *notify_fault);
void vrrp_sync_free(struct vrrp_sync *g);

/* fifo_write_vrrp_states_on_reload: tell the notify FIFOs the state of rt
 * (INSTANCE "VI_1" MASTER 100) or of g (GROUP "G" MASTER) as if it had
 * just been entered; nothing for a router not yet out of Initialize. */
void vrrp_rt_fifo_state(const struct vrrp_rt *rt);
void vrrp_sync_fifo_state(const struct vrrp_sync *g);

/* Force FAULT (down 1: the Master hands over with a priority 0 advert)
 * or give the decision back to tracking; the control socket's "disable
 * vrrp" / "enable vrrp". */
void vrrp_rt_set_admin_down(struct vrrp_rt *rt, int down);

/* One line (no newline) describing the router for the control socket:
 * "instance NAME state S priority P base B vrid V version N interface I
 * advert_ms A master ADDR|- admin up|down vips A/P,...". Returns its
 * length (truncated to len - 1). */
size_t vrrp_rt_describe(const struct vrrp_rt *rt, char *buf, size_t len);

/* Accessors for adapters and tests. */
enum vrrp_state vrrp_rt_state(const struct vrrp_rt *rt);
const char *vrrp_rt_name(const struct vrrp_rt *rt);
uint8_t vrrp_rt_priority(const struct vrrp_rt *rt);
uint64_t vrrp_rt_stat(const struct vrrp_rt *rt, enum vrrp_stat s);
const struct vrrp_conf_instance *vrrp_rt_conf(const struct vrrp_rt *rt);
/* Fill out with what management sees of rt. */
void vrrp_rt_info(const struct vrrp_rt *rt, struct vrrp_rt_info *out);
/* The interface the router was started on; 0 if it never started. */
int vrrp_rt_ifindex(const struct vrrp_rt *rt);

/* Skew_Time and Master_Down_Interval (RFC 5798 6.1), centiseconds, for
 * a priority and a Master_Adver_Interval in centiseconds; adverts is the
 * multiplier (3 by the RFC; keepalived's down_timer_adverts). */
uint32_t vrrp_skew_time(uint8_t priority, uint32_t master_adver_cs);
uint32_t vrrp_master_down_interval(uint8_t priority, uint32_t master_adver_cs,
				   uint32_t adverts);

#endif
