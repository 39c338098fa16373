/*
 * agentx.h - an AgentX subagent (RFC 2741, net-snmp's agent library) run
 * from the daemon's libev loop: its sockets are ev_io watchers, its
 * timers (AgentX pings, reconnection) one ev_timer, and each wakeup
 * handles what one read brings, so VRRP timers and the data path never
 * wait on the master agent. When snmpd goes away the subagent tries again
 * every ping interval and registers its subtrees anew.
 *
 * Adapters describe their tables with struct agx_table and read the
 * daemon's state through its accessors in the callbacks; they never see
 * net-snmp's types. Object identifiers are arrays of uint32_t.
 */
#ifndef SHARED_AGENTX_H
#define SHARED_AGENTX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ev_loop;
struct agx;

#define AGX_OID_MAX	64	/* sub-identifiers in any OID we handle */
#define AGX_STR_MAX	256	/* octets in a string value */

enum agx_type {
	AGX_INTEGER,		/* Integer32, enumerations, TruthValue */
	AGX_UNSIGNED,		/* Unsigned32, Gauge32 */
	AGX_COUNTER32,
	AGX_COUNTER64,
	AGX_TIMETICKS,		/* hundredths of a second */
	AGX_STRING,		/* OCTET STRING, InetAddress, MacAddress */
};

/* One value; for AGX_STRING the octets are in str (len of them). */
struct agx_value {
	enum agx_type type;
	int64_t i;		/* AGX_INTEGER */
	uint64_t u;		/* the unsigned types */
	size_t len;
	uint8_t str[AGX_STR_MAX];
};

/* A conceptual table (or a group of scalars: one row whose index is 0).
 * Instances are entry.column.index; rows may come in any order. */
struct agx_table {
	const char *name;
	const uint32_t *entry;	/* the table entry's OID (or the group's) */
	size_t entry_len;
	unsigned col_min, col_max;
	/* The index of row i in idx (at most AGX_OID_MAX - entry_len - 1
	 * sub-identifiers), its length in *n; 0, or -1 past the last row. */
	int (*row)(void *arg, size_t i, uint32_t *idx, size_t *n);
	/* Column col of row i into v: 0, or -1 when the row has no such
	 * column. */
	int (*get)(void *arg, size_t i, unsigned col, struct agx_value *v);
	void *arg;
	/* Optional: the number of rows, when row() gives them in increasing
	 * index order; lookups are then binary searches instead of scans
	 * (tables of thousands of servers). */
	size_t (*count)(void *arg);
};

/* GET of the instance r[0..rlen) in t: 0 and its value in v, or
 * AGX_NO_OBJECT (no such column here) / AGX_NO_INSTANCE (no such row). */
#define AGX_NO_OBJECT	(-1)
#define AGX_NO_INSTANCE	(-2)
int agx_table_get(const struct agx_table *t, const uint32_t *r, size_t rlen,
		  struct agx_value *v);

/* GETNEXT: the first instance of t after r[0..rlen) in OID order (any
 * request: before, inside or after the table), its OID in name (room for
 * AGX_OID_MAX) and *len, its value in v. 0, or -1 when t has none. */
int agx_table_next(const struct agx_table *t, const uint32_t *r, size_t rlen,
		   uint32_t *name, size_t *len, struct agx_value *v);

/* One variable of a notification. */
struct agx_varbind {
	const uint32_t *name;
	size_t name_len;
	struct agx_value value;
};

/* Start the subagent for the program tag name, connecting to the master
 * at socket ("/path", "unix:/path", "tcp:host:port"; NULL: net-snmp's
 * default /var/agentx/master). A master not there yet is not an error:
 * the subagent keeps trying. Only one subagent per process (net-snmp
 * keeps global state). Returns NULL after logging why. */
struct agx *agx_new(struct ev_loop *loop, const char *name, const char *socket);

/* 1 when s names a master socket the subagent can reach without a name
 * lookup (DNS would block the loop at every reconnection): "/path" or
 * "unix:/path" (at most 107 bytes), "tcp:ADDR:PORT" or "udp:ADDR:PORT"
 * with a literal IPv4 address or a bracketed IPv6 one. Pure. */
int agx_socket_valid(const char *s);

/* Stop the subagent and its watchers; NULL is a no-op. */
void agx_free(struct agx *a);

/* Serve t (copied; its callbacks and arg must outlive a). Returns 0 or -1. */
int agx_register(struct agx *a, const struct agx_table *t);

/* Send the notification trap (snmpTrapOID.0 = trap) with vb[0..n).
 * Dropped (and counted) while no master is connected. Returns 0 or -1. */
int agx_notify(struct agx *a, const uint32_t *trap, size_t trap_len,
	       const struct agx_varbind *vb, size_t n);

/* 1 while a session with the master is open. */
int agx_connected(const struct agx *a);

/* Notifications not delivered since the start. */
uint64_t agx_dropped(const struct agx *a);

/* Helpers for values. */
static inline void agx_set_int(struct agx_value *v, int64_t i)
{
	v->type = AGX_INTEGER;
	v->i = i;
}

static inline void agx_set_uint(struct agx_value *v, enum agx_type t,
				uint64_t u)
{
	v->type = t;
	v->u = u;
}

static inline void agx_set_str(struct agx_value *v, const void *s, size_t len)
{
	v->type = AGX_STRING;
	v->len = len < sizeof(v->str) ? len : sizeof(v->str);
	memcpy(v->str, s, v->len);
}

#endif
