/*
 * vrrp_snmp.c - VRRPv3-MIB (RFC 6527) for the AgentX subagent. Rows are
 * the running routers, indexed by ifIndex, VRID and address type as the
 * RFC says; every value comes from vrrp_rt_info, vrrp_rt_stat and the
 * router's configuration. Writable objects are served read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ev.h>

#include "agentx.h"
#include "log.h"
#include "vrrp_conf.h"
#include "vrrp_snmp.h"

/* vrrpv3MIB ::= { mib-2 207 } */
#define VRRPV3_MIB		1, 3, 6, 1, 2, 1, 207
#define VRRPV3_NOTIFS		VRRPV3_MIB, 0
#define VRRPV3_OPERATIONS	VRRPV3_MIB, 1, 1
#define VRRPV3_STATISTICS	VRRPV3_MIB, 1, 2

static const uint32_t oid_oper_entry[] = { VRRPV3_OPERATIONS, 1, 1 };
static const uint32_t oid_addr_entry[] = { VRRPV3_OPERATIONS, 2, 1 };
static const uint32_t oid_router_stats[] = { VRRPV3_STATISTICS };
static const uint32_t oid_stats_entry[] = { VRRPV3_STATISTICS, 5, 1 };
static const uint32_t oid_new_master[] = { VRRPV3_NOTIFS, 1 };
static const uint32_t oid_proto_error[] = { VRRPV3_NOTIFS, 2 };

#define OID_LEN(o)	(sizeof(o) / sizeof((o)[0]))

/* vrrpv3OperationsEntry columns */
enum {
	OPER_MASTER_IP = 3, OPER_PRIMARY_IP, OPER_VMAC, OPER_STATUS,
	OPER_PRIORITY, OPER_ADDR_COUNT, OPER_ADV_INTERVAL, OPER_PREEMPT,
	OPER_ACCEPT, OPER_UPTIME, OPER_ROW_STATUS
};

/* vrrpv3StatisticsEntry columns */
enum {
	STAT_MASTER_TRANSITIONS = 1, STAT_NEW_MASTER_REASON, STAT_RCVD_ADVERTS,
	STAT_ADV_INTERVAL_ERRORS, STAT_TTL_ERRORS, STAT_PROTO_ERR_REASON,
	STAT_RCVD_PRI0, STAT_SENT_PRI0, STAT_INVALID_TYPE, STAT_ADDR_LIST_ERRORS,
	STAT_LENGTH_ERRORS, STAT_DISCONTINUITY, STAT_REFRESH_RATE
};

#define INET_IPV4	1	/* InetAddressType */
#define INET_IPV6	2
#define TRUTH(b)	((b) ? 1 : 2)	/* TruthValue */
#define ROW_ACTIVE	1	/* RowStatus */

struct vrrp_snmp {
	struct ev_loop *loop;
	struct agx *agx;
	vrrp_snmp_rt_at rt_at;
	void *arg;
	int traps;
	double last_proto_err;	/* ev_now of the last vrrpv3ProtoError */
};

/* bad packets are an attacker's to send: one vrrpv3ProtoError a second */
#define PROTO_ERR_INTERVAL	1.0

/* the running (started) routers, i-th of them */
static struct vrrp_rt *started_rt(struct vrrp_snmp *s, size_t i,
				  struct vrrp_rt_info *info)
{
	struct vrrp_rt *rt;

	for (size_t j = 0; (rt = s->rt_at(s->arg, j)) != NULL; j++) {
		vrrp_rt_info(rt, info);
		if (info->ifindex <= 0)
			continue;
		if (i-- == 0)
			return rt;
	}
	return NULL;
}

static size_t alen(const struct vrrp_rt_info *in)
{
	return in->family == AF_INET ? 4 : 16;
}

static size_t rt_index(const struct vrrp_rt_info *in, uint32_t *idx)
{
	idx[0] = (uint32_t)in->ifindex;
	idx[1] = in->vrid;
	idx[2] = in->family == AF_INET ? INET_IPV4 : INET_IPV6;
	return 3;
}

static int rt_row(void *arg, size_t i, uint32_t *idx, size_t *n)
{
	struct vrrp_rt_info in;

	if (!started_rt(arg, i, &in))
		return -1;
	*n = rt_index(&in, idx);
	return 0;
}

static uint32_t uptime_ticks(struct vrrp_snmp *s, const struct vrrp_rt_info *in)
{
	double up = in->up_since > 0 ? ev_now(s->loop) - in->up_since : 0;

	return up > 0 ? (uint32_t)(up * 100.0) : 0;
}

static int oper_get(void *arg, size_t i, unsigned col, struct agx_value *v)
{
	struct vrrp_snmp *s = arg;
	struct vrrp_rt_info in;
	struct vrrp_rt *rt = started_rt(s, i, &in);

	if (!rt)
		return -1;
	switch (col) {
	case OPER_MASTER_IP:	/* unknown: the family's zero address, as
				 * keepalived (vrrp_rt_info zeroes it) */
		agx_set_str(v, in.master, alen(&in));
		break;
	case OPER_PRIMARY_IP:
		agx_set_str(v, in.primary, alen(&in));
		break;
	case OPER_VMAC:
		agx_set_str(v, in.vmac, sizeof(in.vmac));
		break;
	case OPER_STATUS:
		agx_set_int(v, in.state == VRRP_STATE_MASTER ? 3 :
			       in.state == VRRP_STATE_BACKUP ? 2 : 1);
		break;
	case OPER_PRIORITY:
		agx_set_uint(v, AGX_UNSIGNED, in.priority);
		break;
	case OPER_ADDR_COUNT:
		agx_set_int(v, (int64_t)vrrp_rt_conf(rt)->nvips);
		break;
	case OPER_ADV_INTERVAL:
		agx_set_int(v, in.advert_cs);
		break;
	case OPER_PREEMPT:
		agx_set_int(v, TRUTH(in.preempt));
		break;
	case OPER_ACCEPT:
		agx_set_int(v, TRUTH(in.accept));
		break;
	case OPER_UPTIME:
		agx_set_uint(v, AGX_TIMETICKS, uptime_ticks(s, &in));
		break;
	case OPER_ROW_STATUS:
		agx_set_int(v, ROW_ACTIVE);
		break;
	default:
		return -1;
	}
	return 0;
}

/* Associated addresses: row i is the k-th VIP of the j-th router. */
static struct vrrp_rt *addr_at(struct vrrp_snmp *s, size_t i,
			       struct vrrp_rt_info *in, size_t *k)
{
	struct vrrp_rt *rt;

	for (size_t j = 0; (rt = started_rt(s, j, in)) != NULL; j++) {
		size_t n = vrrp_rt_conf(rt)->nvips;

		if (i < n) {
			*k = i;
			return rt;
		}
		i -= n;
	}
	return NULL;
}

static int addr_row(void *arg, size_t i, uint32_t *idx, size_t *n)
{
	struct vrrp_rt_info in;
	size_t k, m, len;
	struct vrrp_rt *rt = addr_at(arg, i, &in, &k);
	const uint8_t *a;

	if (!rt)
		return -1;
	m = rt_index(&in, idx);
	len = alen(&in);
	a = vrrp_rt_conf(rt)->vips[k].addr.u.b;
	idx[m++] = (uint32_t)len;	/* InetAddress index: its length first */
	for (size_t b = 0; b < len; b++)
		idx[m++] = a[b];
	*n = m;
	return 0;
}

static int addr_get(void *arg, size_t i, unsigned col, struct agx_value *v)
{
	struct vrrp_rt_info in;
	size_t k;

	if (col != 2 || !addr_at(arg, i, &in, &k))
		return -1;
	agx_set_int(v, ROW_ACTIVE);
	return 0;
}

/* the router-wide errors: packets no virtual router could claim are
 * counted on every router of the link, so the largest count is the
 * router's */
static uint64_t router_stat(struct vrrp_snmp *s, enum vrrp_stat st)
{
	struct vrrp_rt *rt;
	uint64_t max = 0;

	for (size_t j = 0; (rt = s->rt_at(s->arg, j)) != NULL; j++)
		if (vrrp_rt_stat(rt, st) > max)
			max = vrrp_rt_stat(rt, st);
	return max;
}

static int router_row(void *arg, size_t i, uint32_t *idx, size_t *n)
{
	if (i > 0)
		return -1;
	idx[0] = 0;
	*n = 1;
	return 0;
}

static int router_get(void *arg, size_t i, unsigned col, struct agx_value *v)
{
	static const enum vrrp_stat stat[] = {
		[1] = VRRP_STAT_CHECKSUM, [2] = VRRP_STAT_VERSION,
		[3] = VRRP_STAT_VRID,
	};

	if (col == 4) {		/* vrrpv3GlobalStatisticsDiscontinuityTime */
		agx_set_uint(v, AGX_TIMETICKS, 0);
		return 0;
	}
	if (col < 1 || col > 3)
		return -1;
	agx_set_uint(v, AGX_COUNTER64, router_stat(arg, stat[col]));
	return 0;
}

static int stats_get(void *arg, size_t i, unsigned col, struct agx_value *v)
{
	static const enum vrrp_stat c64[] = {
		[STAT_RCVD_ADVERTS] = VRRP_STAT_RX,
		[STAT_ADV_INTERVAL_ERRORS] = VRRP_STAT_INTERVAL,
		[STAT_TTL_ERRORS] = VRRP_STAT_TTL,
		[STAT_RCVD_PRI0] = VRRP_STAT_RX_PRIO0,
		[STAT_SENT_PRI0] = VRRP_STAT_TX_PRIO0,
		[STAT_INVALID_TYPE] = VRRP_STAT_TYPE,
		[STAT_ADDR_LIST_ERRORS] = VRRP_STAT_ADDRESS,
		[STAT_LENGTH_ERRORS] = VRRP_STAT_LENGTH,
	};
	struct vrrp_rt_info in;
	struct vrrp_rt *rt = started_rt(arg, i, &in);

	if (!rt)
		return -1;
	switch (col) {
	case STAT_MASTER_TRANSITIONS:
		agx_set_uint(v, AGX_COUNTER32,
			     vrrp_rt_stat(rt, VRRP_STAT_MASTER));
		break;
	case STAT_NEW_MASTER_REASON:
		agx_set_int(v, in.master_reason);
		break;
	case STAT_PROTO_ERR_REASON:
		agx_set_int(v, in.proto_err);
		break;
	case STAT_DISCONTINUITY:
		agx_set_uint(v, AGX_TIMETICKS, 0);
		break;
	case STAT_REFRESH_RATE:	/* counters move with every advert */
		agx_set_uint(v, AGX_UNSIGNED, in.advert_cs * 10u);
		break;
	default:
		if (col >= sizeof(c64) / sizeof(c64[0]) || col < 1)
			return -1;
		agx_set_uint(v, AGX_COUNTER64, vrrp_rt_stat(rt, c64[col]));
		break;
	}
	return 0;
}

struct vrrp_snmp *vrrp_snmp_new(struct ev_loop *loop, const char *socket,
				vrrp_snmp_rt_at rt_at, void *arg)
{
	struct vrrp_snmp *s = calloc(1, sizeof(*s));
	const struct agx_table tables[] = {
		{ "vrrpv3OperationsTable", oid_oper_entry, OID_LEN(oid_oper_entry),
		  OPER_MASTER_IP, OPER_ROW_STATUS, rt_row, oper_get, s, NULL },
		{ "vrrpv3AssociatedIpAddrTable", oid_addr_entry,
		  OID_LEN(oid_addr_entry), 2, 2, addr_row, addr_get, s, NULL },
		{ "vrrpv3RouterStatistics", oid_router_stats,
		  OID_LEN(oid_router_stats), 1, 4, router_row, router_get, s, NULL },
		{ "vrrpv3StatisticsTable", oid_stats_entry,
		  OID_LEN(oid_stats_entry), STAT_MASTER_TRANSITIONS,
		  STAT_REFRESH_RATE, rt_row, stats_get, s, NULL },
	};

	if (!s)
		return NULL;
	s->loop = loop;
	s->rt_at = rt_at;
	s->arg = arg;
	s->agx = agx_new(loop, "vrrpd", socket);
	if (!s->agx)
		goto fail;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (agx_register(s->agx, &tables[i]) != 0)
			goto fail;
	return s;
fail:
	vrrp_snmp_free(s);
	return NULL;
}

void vrrp_snmp_free(struct vrrp_snmp *s)
{
	if (!s)
		return;
	agx_free(s->agx);
	free(s);
}

void vrrp_snmp_set_traps(struct vrrp_snmp *s, int on)
{
	if (s)
		s->traps = on;
}

/* name = entry.col.index of rt */
static size_t var_name(uint32_t *name, const uint32_t *entry, size_t elen,
		       unsigned col, const struct vrrp_rt_info *in)
{
	memcpy(name, entry, elen * sizeof(*name));
	name[elen] = col;
	return elen + 1 + rt_index(in, name + elen + 1);
}

void vrrp_snmp_event(struct vrrp_snmp *s, struct vrrp_rt *rt,
		     enum vrrp_rt_event ev)
{
	uint32_t n1[AGX_OID_MAX], n2[AGX_OID_MAX];
	struct agx_varbind vb[2];
	struct vrrp_rt_info in;

	if (!s || !s->traps)
		return;
	vrrp_rt_info(rt, &in);
	if (in.ifindex <= 0)
		return;
	memset(vb, 0, sizeof(vb));
	if (ev == VRRP_RT_EV_NEW_MASTER) {
		vb[0].name = n1;
		vb[0].name_len = var_name(n1, oid_oper_entry,
					  OID_LEN(oid_oper_entry),
					  OPER_MASTER_IP, &in);
		agx_set_str(&vb[0].value, in.primary, alen(&in));
		vb[1].name = n2;
		vb[1].name_len = var_name(n2, oid_stats_entry,
					  OID_LEN(oid_stats_entry),
					  STAT_NEW_MASTER_REASON, &in);
		agx_set_int(&vb[1].value, in.master_reason);
		if (agx_notify(s->agx, oid_new_master, OID_LEN(oid_new_master),
			       vb, 2) != 0)
			log_debug("(%s) vrrpv3NewMaster not sent: no master "
				  "agent", vrrp_rt_name(rt));
		return;
	}
	if (s->last_proto_err > 0 &&
	    ev_now(s->loop) - s->last_proto_err < PROTO_ERR_INTERVAL)
		return;
	s->last_proto_err = ev_now(s->loop);
	vb[0].name = n1;
	vb[0].name_len = var_name(n1, oid_stats_entry, OID_LEN(oid_stats_entry),
				  STAT_PROTO_ERR_REASON, &in);
	agx_set_int(&vb[0].value, in.proto_err);
	agx_notify(s->agx, oid_proto_error, OID_LEN(oid_proto_error), vb, 1);
}

int vrrp_snmp_connected(const struct vrrp_snmp *s)
{
	return s && agx_connected(s->agx);
}

unsigned long long vrrp_snmp_dropped(const struct vrrp_snmp *s)
{
	return s ? agx_dropped(s->agx) : 0;
}
