/*
 * stktable.h - stick tables: per-key counters shared by every thread
 * ("stick-table type ip size 100k expire 30s store http_req_rate(10s)"),
 * tracked by sessions ("http-request track-sc0 src") and read by the
 * sc_* / src_* fetches. Memory is bounded by the table's size: a full
 * table evicts its least recently used entry nobody tracks; idle entries
 * expire. Rates are HAProxy's sliding-window counters over their period.
 */
#ifndef LBD_STKTABLE_H
#define LBD_STKTABLE_H

#include <stddef.h>
#include <stdint.h>

struct cfg_ctx;
struct proxy;
struct sbuf;
struct smp;
struct stktable;
struct stkt_entry;

/* What a table stores ("store ..."); each counter is kept only if listed.
 * In HAProxy's order, which "show table" follows. */
enum stkt_data {
	STKT_SERVER_ID, STKT_GPC0, STKT_GPC0_RATE, STKT_CONN_CNT, STKT_CONN_RATE,
	STKT_CONN_CUR, STKT_SESS_CNT, STKT_SESS_RATE, STKT_HTTP_REQ_CNT,
	STKT_HTTP_REQ_RATE, STKT_HTTP_ERR_CNT, STKT_HTTP_ERR_RATE,
	STKT_BYTES_IN_CNT, STKT_BYTES_IN_RATE, STKT_BYTES_OUT_CNT,
	STKT_BYTES_OUT_RATE, STKT_DATA_COUNT
};
extern const char *const stkt_data_names[STKT_DATA_COUNT];

/* Tracked counters of one request: what track-sc0..2 attached. */
#define STKT_MAX_SC	3
struct stkt_ref {
	struct stktable *t;
	struct stkt_entry *e;
};

/* "stick-table ..." in the current proxy (argv[0] = "stick-table").
 * 0, or -1 when out of memory (errors reported through ctx). */
int stkt_cfg(struct cfg_ctx *ctx, int argc, char **argv);

/* The proxy's table, or NULL. */
struct stktable *stkt_of(const struct proxy *px);
void stkt_free(struct stktable *t);

/* Find or create the entry of a key sample (converted to the table's
 * type) and take a reference; NULL when the key does not convert or the
 * table is full of tracked entries. Counts the new tracker (conn_cur). */
struct stkt_entry *stkt_track(struct stktable *t, struct smp *key);

/* Drop a reference taken by stkt_track (conn_cur goes down). */
void stkt_release(struct stktable *t, struct stkt_entry *e);

/* Count events on a tracked entry. */
void stkt_count_conn(struct stktable *t, struct stkt_entry *e);
void stkt_count_req(struct stktable *t, struct stkt_entry *e);
void stkt_count_err(struct stktable *t, struct stkt_entry *e);
void stkt_count_bytes(struct stktable *t, struct stkt_entry *e, uint64_t in,
		      uint64_t out);
void stkt_inc_gpc0(struct stktable *t, struct stkt_entry *e);

/* Read a counter of an entry (rates per their period now): 0 when the
 * table does not store it, 1 with the value in *v. */
int stkt_get(struct stktable *t, struct stkt_entry *e, enum stkt_data d,
	     int64_t *v);

/* Look a key up without tracking; reads the counter like stkt_get. 0
 * when absent or not stored. */
int stkt_lookup_get(struct stktable *t, struct smp *key, enum stkt_data d,
		    int64_t *v);

/* Stick rules of backend be: the table keeps server_id whether or not
 * "store" says so, and "show table" names the server (server_key) from
 * the first such backend's servers; set an entry's server (created if
 * needed; not tracked). */
void stkt_store_server_id(struct stktable *t, const struct proxy *be);
void stkt_set_server_id(struct stktable *t, struct smp *key, uint32_t id);

/* "show table" (every table's summary line) and "show table <name>"
 * (its entries, at most max): HAProxy's format. */
void stkt_show(struct sbuf *out, const struct proxy *list, const char *name,
	       unsigned max);

/* Entries in use (for tests and the runtime API). */
unsigned stkt_used(struct stktable *t);

/* Reloads: every live entry of every table as "_stkt <table> <type>
 * <hex key> <ms left> <values...>" lines (handover.h), and the reverse:
 * restore one such line's words (after "_stkt"). 0, or -1 with err. */
struct sbuf;
void stkt_dump_state(struct sbuf *out, const struct proxy *list);
int stkt_restore(const struct proxy *list, int argc, char **argv, char *err,
		 size_t errlen);

#endif
