/*
 * lb.h - load-balancing algorithms over a backend's servers.
 *
 * The algorithms see servers only through struct lb_node, embedded in each
 * server. The caller holds the backend's lock around every call; nothing
 * here does I/O. A node is "usable" when its weight is > 0; it is "full"
 * when maxconn > 0 and cur >= maxconn.
 *
 * Which nodes take traffic (the "serving set"): the usable active nodes; when
 * there is none, the usable backup with the lowest id, or every usable
 * backup with allbackups. Weight 0 nodes are never picked.
 *
 * Cost of lb_pick, n = nodes in the pool, W = sum of the serving set's
 * weights, N = random draws:
 *   roundrobin   O(n): smooth weighted round-robin over live weights; full
 *                and avoided nodes sit the round out (get no credit)
 *   static-rr    O(1) typical: cursor over an interleaved table of W slots;
 *                O(W) worst case when most slots are full or avoided
 *   leastconn    O(n): scan for the lowest cur/weight from a rotating start
 *   first        O(n): scan for the lowest id
 *   hash, map-based   O(1): slot hash % W of the interleaved table
 *   hash, consistent  O(log(W * P)): binary search on the ring, P points per
 *                weight unit (see lb_pool_build)
 *                (both hash lookups then walk past slots of an avoided or
 *                not-yet-rebuilt down node: O(table) at worst)
 *   random       O(N log n): N weighted draws by binary search; O(n) more
 *                when every draw lands on a full or avoided node
 * Every algorithm is O(n) when the serving set must be recomputed (rr,
 * leastconn, first do it each pick; the table-based ones at build).
 */
#ifndef LBD_LB_H
#define LBD_LB_H

#include <stddef.h>
#include <stdint.h>

enum lb_algo {
	LB_ROUNDROBIN,	/* smooth weighted, dynamic weights */
	LB_STATIC_RR,	/* weighted, weights fixed at build */
	LB_LEASTCONN,	/* fewest cur/weight, round-robin among equals */
	LB_FIRST,	/* first usable non-full node in id order */
	LB_SOURCE,	/* hash of the client address */
	LB_URI,		/* hash of the URI (len/depth/whole) */
	LB_URL_PARAM,	/* hash of a query parameter's value */
	LB_HDR,		/* hash of a header's value */
	LB_RANDOM,	/* power of N random draws (lowest load wins) */
	LB_ALGO_COUNT
};
extern const char *const lb_algo_names[LB_ALGO_COUNT];

enum lb_hash_type {
	LB_HASH_MAP_BASED,	/* key % total weight over a weighted table */
	LB_HASH_CONSISTENT,	/* ring of points, few moves on changes */
	LB_HASH_TYPE_COUNT
};
extern const char *const lb_hash_type_names[LB_HASH_TYPE_COUNT];

struct lb_node {
	uint32_t id;		/* server's numeric id (puid): ordering, hashing */
	unsigned weight;	/* effective weight; 0 = not usable */
	unsigned cur;		/* current sessions on the server (caller keeps it) */
	unsigned maxconn;	/* 0 = unlimited */
	unsigned backup:1;
	/* private to lb.c */
	int64_t rr_current;	/* smooth round-robin credit */
};

struct lb_pool {
	/* configuration, set before lb_pool_build */
	enum lb_algo algo;
	enum lb_hash_type hash_type;
	int uri_whole;		/* balance uri whole: include the query string */
	unsigned uri_len;	/* balance uri len N (0 = unlimited) */
	unsigned uri_depth;	/* balance uri depth N (0 = unlimited) */
	unsigned draws;		/* balance random(N), default 2 (0 means 2) */
	int allbackups;		/* option allbackups */
	uint64_t rng;		/* random state (seeded by caller) */

	struct lb_node **nodes;	/* all servers in declaration order */
	size_t nnodes;

	/* private to lb.c: built tables */
	void *priv;
};

/*
 * Build (or rebuild after any weight, usability, backup or node-list change)
 * the algorithm's tables from pool->nodes, for the current serving set.
 * Round-robin credit survives rebuilds (it is reset for nodes leaving the
 * serving set, and clamped to +-W); the static-rr and leastconn cursors too.
 * Consistent hashing puts weight * P points per node on the ring, P =
 * 4096 / nnodes clamped to [16, 256]: P depends only on the node count, so
 * a node going down or coming back moves only its own keys. Tables are
 * limited to 4M slots/points. Returns 0, or -1 on allocation failure or
 * oversized tables (the old tables are kept).
 */
int lb_pool_build(struct lb_pool *p);

/* Free the tables built by lb_pool_build; the nodes are the caller's.
 * Safe on a zeroed pool. */
void lb_pool_free(struct lb_pool *p);

/*
 * Pick a server; lb_pool_build must have succeeded once. key/keylen is the
 * hashing input for the hash algorithms (source: the address bytes; uri: the
 * request URI, trimmed here by lb_uri_trim; url_param and hdr: the value
 * found by the caller); key == NULL makes a hash algorithm fall back to
 * round-robin, as HAProxy does. Only the serving set is used (see above).
 * avoid (may be NULL) is skipped when any other choice exists (retries,
 * redispatch). Full nodes are skipped, except by the hash algorithms: they
 * return the hashed node even when full, with *full = 1, so the caller
 * queues on it. Returns NULL when no node is usable (*full = 0: answer 503)
 * or when every node of the serving set is full (*full = 1: queue on the
 * backend). full may be NULL.
 */
struct lb_node *lb_pick(struct lb_pool *p, const void *key, size_t keylen,
			const struct lb_node *avoid, int *full);

/* Notify that a session was taken (cur already incremented by the caller)
 * or released. No state is kept today (leastconn and first scan cur), but
 * callers should keep notifying so an indexed leastconn can be dropped in. */
void lb_take(struct lb_pool *p, struct lb_node *n);
void lb_release(struct lb_pool *p, struct lb_node *n);

/* Usable active and backup counts, as HAProxy's "X active and Y backup". */
void lb_count_usable(const struct lb_pool *p, unsigned *active, unsigned *backup);

/*
 * Parse "balance ..." arguments (argv[0] is the algorithm):
 *   roundrobin | static-rr | leastconn | first | source
 *   uri [len <n>] [depth <n>] [whole]
 *   url_param <name>
 *   hdr(<name>)
 *   random[(<draws>)]          draws 1..1000, default 2
 * Returns 0, or -1 with a message in err (no "file:line:" prefix) and the
 * pool untouched. On success sets algo, uri_* and draws (options of other
 * algorithms are reset). The url_param/hdr name is returned in *arg_name
 * (NULL for other algorithms; arg_name may be NULL): it points into argv;
 * for hdr(<name>) the closing ')' of argv[0] is overwritten with a NUL so
 * the name is a C string. Parse a copy of the line if it is needed again.
 */
int lb_parse_balance(struct lb_pool *p, int argc, char **argv,
		     const char **arg_name, char *err, size_t errlen);

/* Length of the URI prefix that "balance uri" hashes: cut at '?' unless
 * uri_whole, before the (uri_depth + 1)th '/', and at uri_len bytes. */
size_t lb_uri_trim(const struct lb_pool *p, const char *uri, size_t len);

/* Hash function used for keys and ring points (exposed for tests): 32-bit
 * FNV-1a over the bytes, then MurmurHash3's fmix32 finalizer as avalanche
 * so keys differing in one byte land far apart. */
uint32_t lb_hash(const void *key, size_t len);

#endif
