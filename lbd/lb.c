/*
 * lb.c - load-balancing algorithms over a backend's servers (see lb.h).
 *
 * Tables hold node indexes into pool->nodes (uint32_t), never pointers, so
 * they stay small. Every lookup re-checks the node's live weight, so a node
 * set to weight 0 is skipped even before the caller rebuilds.
 */
#include "lb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const lb_algo_names[LB_ALGO_COUNT] = {
	[LB_ROUNDROBIN] = "roundrobin",
	[LB_STATIC_RR] = "static-rr",
	[LB_LEASTCONN] = "leastconn",
	[LB_FIRST] = "first",
	[LB_SOURCE] = "source",
	[LB_URI] = "uri",
	[LB_URL_PARAM] = "url_param",
	[LB_HDR] = "hdr",
	[LB_RANDOM] = "random",
};

const char *const lb_hash_type_names[LB_HASH_TYPE_COUNT] = {
	[LB_HASH_MAP_BASED] = "map-based",
	[LB_HASH_CONSISTENT] = "consistent",
};

/* Ring points per weight unit: LB_CHASH_POOL_POINTS / nnodes, clamped. The
 * more points, the closer each node's share is to its weight. */
#define LB_CHASH_POOL_POINTS	4096u
#define LB_CHASH_MIN_POINTS	16u
#define LB_CHASH_MAX_POINTS	256u
#define LB_TABLE_MAX		(1u << 22)	/* slots or points */
#define LB_RANDOM_TRIES		4	/* redraws when a draw is unusable */
#define LB_RANDOM_DEFAULT	2u
#define LB_RANDOM_MAX		1000u
#define LB_NONE			SIZE_MAX

struct lb_tables {
	/* static-rr and map-based hashing: W slots, nodes interleaved */
	uint32_t *map;
	size_t nmap;
	size_t map_next;	/* static-rr cursor */
	/* consistent hashing: points sorted by hash */
	uint32_t *ring_hash;
	uint32_t *ring_node;
	size_t nring;
	/* random: serving set with cumulative weights */
	uint32_t *rset;
	uint64_t *rcum;
	size_t nrset;
	/* leastconn: where the next scan starts, so equals rotate */
	size_t lc_next;
};

/* Which nodes serve now; computed at build and by the live algorithms. */
struct lb_sel {
	int backup_mode;
	const struct lb_node *first_backup;
	const struct lb_node *avoid;	/* excluded: another choice exists */
};

static int lb_full(const struct lb_node *n)
{
	return n->maxconn > 0 && n->cur >= n->maxconn;
}

static int lb_in_set(const struct lb_pool *p, const struct lb_sel *s,
		     const struct lb_node *n)
{
	if (n->weight == 0 || (int)n->backup != s->backup_mode)
		return 0;
	return !s->backup_mode || p->allbackups || n == s->first_backup;
}

static int lb_candidate(const struct lb_pool *p, const struct lb_sel *s,
			const struct lb_node *n)
{
	return lb_in_set(p, s, n) && !lb_full(n) && n != s->avoid;
}

/* Fill s for the current weights. avoid is kept out only when another
 * non-full node serves. Returns the number of non-full serving nodes. */
static size_t lb_sel_init(const struct lb_pool *p, const struct lb_node *avoid,
			  struct lb_sel *s)
{
	size_t i, others = 0;
	int avoid_free = 0;

	s->backup_mode = 1;
	s->first_backup = NULL;
	s->avoid = NULL;
	for (i = 0; i < p->nnodes; i++) {
		const struct lb_node *n = p->nodes[i];

		if (n->weight == 0)
			continue;
		if (!n->backup) {
			s->backup_mode = 0;
			break;
		}
		if (!s->first_backup || n->id < s->first_backup->id)
			s->first_backup = n;
	}
	for (i = 0; i < p->nnodes; i++) {
		const struct lb_node *n = p->nodes[i];

		if (!lb_in_set(p, s, n) || lb_full(n))
			continue;
		if (n == avoid)
			avoid_free = 1;
		else
			others++;
	}
	if (others > 0)
		s->avoid = avoid;
	return others + (size_t)avoid_free;
}

/* a is less loaded than b: cur_a / weight_a < cur_b / weight_b */
static int lb_less_loaded(const struct lb_node *a, const struct lb_node *b)
{
	return (uint64_t)a->cur * b->weight < (uint64_t)b->cur * a->weight;
}

uint32_t lb_hash(const void *key, size_t len)
{
	const unsigned char *k = key;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= k[i];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* splitmix64: any state works, including 0 */
static uint64_t lb_rand(struct lb_pool *p)
{
	uint64_t z;

	p->rng += 0x9e3779b97f4a7c15ull;
	z = p->rng;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

size_t lb_uri_trim(const struct lb_pool *p, const char *uri, size_t len)
{
	size_t i, slashes = 0;

	if (p->uri_len > 0 && p->uri_len < len)
		len = p->uri_len;
	for (i = 0; i < len; i++) {
		if (uri[i] == '?' && !p->uri_whole)
			break;
		if (uri[i] == '/' && p->uri_depth > 0) {
			if (slashes == p->uri_depth)
				break;
			slashes++;
		}
	}
	return i;
}

/* ---- table building ---- */

static void lb_tables_free(struct lb_tables *t)
{
	if (!t)
		return;
	free(t->map);
	free(t->ring_hash);
	free(t->ring_node);
	free(t->rset);
	free(t->rcum);
	free(t);
}

/* Sum of the serving set's weights. */
static uint64_t lb_set_weight(const struct lb_pool *p, const struct lb_sel *s)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < p->nnodes; i++)
		if (lb_in_set(p, s, p->nodes[i]))
			total += p->nodes[i]->weight;
	return total;
}

/* One slot of the interleaved map: the k-th of w slots of a node sits at
 * (2k + 1) / 2w of the table, so each node's slots are evenly spread. */
struct lb_slot {
	uint32_t node;
	uint32_t k;
	uint32_t w;
};

static int lb_slot_cmp(const void *va, const void *vb)
{
	const struct lb_slot *a = va, *b = vb;
	uint64_t pa = (2 * (uint64_t)a->k + 1) * b->w;
	uint64_t pb = (2 * (uint64_t)b->k + 1) * a->w;

	if (pa != pb)
		return pa < pb ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static int lb_build_map(const struct lb_pool *p, const struct lb_sel *s,
			struct lb_tables *t)
{
	uint64_t total = lb_set_weight(p, s);
	struct lb_slot *slots;
	size_t i, n = 0;
	uint32_t k;

	if (total == 0)
		return 0;
	if (total > LB_TABLE_MAX)
		return -1;
	slots = calloc(total, sizeof(*slots));
	t->map = calloc(total, sizeof(*t->map));
	if (!slots || !t->map) {
		free(slots);
		return -1;
	}
	for (i = 0; i < p->nnodes; i++) {
		if (!lb_in_set(p, s, p->nodes[i]))
			continue;
		for (k = 0; k < p->nodes[i]->weight; k++)
			slots[n++] = (struct lb_slot){ (uint32_t)i, k, p->nodes[i]->weight };
	}
	qsort(slots, n, sizeof(*slots), lb_slot_cmp);
	for (i = 0; i < n; i++)
		t->map[i] = slots[i].node;
	t->nmap = n;
	free(slots);
	return 0;
}

struct lb_point {
	uint32_t hash;
	uint32_t node;
};

static int lb_point_cmp(const void *va, const void *vb)
{
	const struct lb_point *a = va, *b = vb;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static unsigned lb_ring_points_per_weight(const struct lb_pool *p)
{
	size_t per = p->nnodes ? LB_CHASH_POOL_POINTS / p->nnodes : 0;

	if (per < LB_CHASH_MIN_POINTS)
		return LB_CHASH_MIN_POINTS;
	if (per > LB_CHASH_MAX_POINTS)
		return LB_CHASH_MAX_POINTS;
	return (unsigned)per;
}

/* A point's place depends only on the node's id and the point's rank, so
 * the other nodes' points stay put when one node changes. */
static uint32_t lb_point_hash(uint32_t id, uint32_t rank)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 4; i++) {
		b[i] = (unsigned char)(id >> (8 * i));
		b[4 + i] = (unsigned char)(rank >> (8 * i));
	}
	return lb_hash(b, sizeof(b));
}

static int lb_build_ring(const struct lb_pool *p, const struct lb_sel *s,
			 struct lb_tables *t)
{
	unsigned per = lb_ring_points_per_weight(p);
	uint64_t total = lb_set_weight(p, s) * per;
	struct lb_point *pts;
	size_t i, n = 0;
	uint32_t k, npts;

	if (total == 0)
		return 0;
	if (total > LB_TABLE_MAX)
		return -1;
	pts = calloc(total, sizeof(*pts));
	t->ring_hash = calloc(total, sizeof(*t->ring_hash));
	t->ring_node = calloc(total, sizeof(*t->ring_node));
	if (!pts || !t->ring_hash || !t->ring_node) {
		free(pts);
		return -1;
	}
	for (i = 0; i < p->nnodes; i++) {
		if (!lb_in_set(p, s, p->nodes[i]))
			continue;
		npts = p->nodes[i]->weight * per;
		for (k = 0; k < npts; k++)
			pts[n++] = (struct lb_point){ lb_point_hash(p->nodes[i]->id, k),
						      (uint32_t)i };
	}
	qsort(pts, n, sizeof(*pts), lb_point_cmp);
	for (i = 0; i < n; i++) {
		t->ring_hash[i] = pts[i].hash;
		t->ring_node[i] = pts[i].node;
	}
	t->nring = n;
	free(pts);
	return 0;
}

static int lb_build_random(const struct lb_pool *p, const struct lb_sel *s,
			   struct lb_tables *t)
{
	uint64_t sum = 0;
	size_t i, n = 0;

	t->rset = calloc(p->nnodes ? p->nnodes : 1, sizeof(*t->rset));
	t->rcum = calloc(p->nnodes ? p->nnodes : 1, sizeof(*t->rcum));
	if (!t->rset || !t->rcum)
		return -1;
	for (i = 0; i < p->nnodes; i++) {
		if (!lb_in_set(p, s, p->nodes[i]))
			continue;
		sum += p->nodes[i]->weight;
		t->rset[n] = (uint32_t)i;
		t->rcum[n++] = sum;
	}
	t->nrset = n;
	return 0;
}

/* Keep round-robin credit meaningful across weight changes: nodes leaving
 * the serving set restart from 0, the others stay within +-W so a node
 * whose weight dropped cannot keep a burst of stale credit. */
static void lb_rr_settle(struct lb_pool *p, const struct lb_sel *s)
{
	int64_t total = 0;
	size_t i;

	for (i = 0; i < p->nnodes; i++)
		if (lb_in_set(p, s, p->nodes[i]))
			total += p->nodes[i]->weight;
	for (i = 0; i < p->nnodes; i++) {
		struct lb_node *n = p->nodes[i];

		if (!lb_in_set(p, s, n))
			n->rr_current = 0;
		else if (n->rr_current > total)
			n->rr_current = total;
		else if (n->rr_current < -total)
			n->rr_current = -total;
	}
}

static int lb_is_hash(enum lb_algo a)
{
	return a == LB_SOURCE || a == LB_URI || a == LB_URL_PARAM || a == LB_HDR;
}

int lb_pool_build(struct lb_pool *p)
{
	struct lb_tables *t, *old = p->priv;
	struct lb_sel s;
	int rc = 0;

	if (p->nnodes > UINT32_MAX)
		return -1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	lb_sel_init(p, NULL, &s);
	if (p->algo == LB_STATIC_RR ||
	    (lb_is_hash(p->algo) && p->hash_type == LB_HASH_MAP_BASED))
		rc = lb_build_map(p, &s, t);
	else if (lb_is_hash(p->algo))
		rc = lb_build_ring(p, &s, t);
	else if (p->algo == LB_RANDOM)
		rc = lb_build_random(p, &s, t);
	if (rc < 0) {
		lb_tables_free(t);
		return -1;
	}
	if (old) {
		t->map_next = t->nmap ? old->map_next % t->nmap : 0;
		t->lc_next = p->nnodes ? old->lc_next % p->nnodes : 0;
	}
	lb_rr_settle(p, &s);
	lb_tables_free(old);
	p->priv = t;
	return 0;
}

void lb_pool_free(struct lb_pool *p)
{
	lb_tables_free(p->priv);
	p->priv = NULL;
}

/* ---- picking ---- */

/* Smooth weighted round-robin among the non-full serving nodes: each gets
 * its weight as credit, the richest wins and pays the round's total. Full
 * nodes sit the round out, so they do not hoard credit while full. */
static struct lb_node *lb_pick_rr(struct lb_pool *p, const struct lb_node *avoid)
{
	struct lb_node *best = NULL;
	struct lb_sel s;
	int64_t total = 0;
	size_t i;

	if (lb_sel_init(p, avoid, &s) == 0)
		return NULL;
	for (i = 0; i < p->nnodes; i++) {
		struct lb_node *n = p->nodes[i];

		if (!lb_candidate(p, &s, n))
			continue;
		n->rr_current += n->weight;
		total += n->weight;
		if (!best || n->rr_current > best->rr_current)
			best = n;
	}
	best->rr_current -= total;
	return best;
}

static struct lb_node *lb_pick_leastconn(struct lb_pool *p, struct lb_tables *t,
					 const struct lb_node *avoid)
{
	struct lb_node *best = NULL;
	size_t k, i, bi = 0;
	struct lb_sel s;

	if (lb_sel_init(p, avoid, &s) == 0)
		return NULL;
	for (k = 0; k < p->nnodes; k++) {
		struct lb_node *n;

		i = (t->lc_next + k) % p->nnodes;
		n = p->nodes[i];
		if (!lb_candidate(p, &s, n))
			continue;
		if (!best || lb_less_loaded(n, best)) {
			best = n;
			bi = i;
		}
	}
	t->lc_next = (bi + 1) % p->nnodes;
	return best;
}

static struct lb_node *lb_pick_first(struct lb_pool *p, const struct lb_node *avoid)
{
	struct lb_node *best = NULL;
	struct lb_sel s;
	size_t i;

	if (lb_sel_init(p, avoid, &s) == 0)
		return NULL;
	for (i = 0; i < p->nnodes; i++) {
		struct lb_node *n = p->nodes[i];

		if (lb_candidate(p, &s, n) && (!best || n->id < best->id))
			best = n;
	}
	return best;
}

/* From slot start of a table of node indexes, the first slot holding a
 * usable node other than avoid (and not full when skip_full); the first
 * slot holding avoid when nothing else qualifies. LB_NONE if none. */
static size_t lb_walk(const struct lb_pool *p, const uint32_t *tab, size_t ntab,
		      size_t start, const struct lb_node *avoid, int skip_full)
{
	size_t i, pos, fallback = LB_NONE;

	for (i = 0; i < ntab; i++) {
		const struct lb_node *n;

		pos = (start + i) % ntab;
		n = p->nodes[tab[pos]];
		if (n->weight == 0 || (skip_full && lb_full(n)))
			continue;
		if (n != avoid)
			return pos;
		if (fallback == LB_NONE)
			fallback = pos;
	}
	return fallback;
}

static struct lb_node *lb_pick_static(struct lb_pool *p, struct lb_tables *t,
				      const struct lb_node *avoid)
{
	size_t pos = lb_walk(p, t->map, t->nmap, t->map_next, avoid, 1);

	if (pos == LB_NONE)
		return NULL;
	t->map_next = (pos + 1) % t->nmap;
	return p->nodes[t->map[pos]];
}

/* First ring point at or after h, wrapping to the first point. */
static size_t lb_ring_find(const struct lb_tables *t, uint32_t h)
{
	size_t lo = 0, hi = t->nring;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->ring_hash[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == t->nring ? 0 : lo;
}

static struct lb_node *lb_pick_hash(struct lb_pool *p, struct lb_tables *t,
				    const void *key, size_t keylen,
				    const struct lb_node *avoid, int *full)
{
	struct lb_node *n;
	uint32_t h;
	size_t pos;

	if (p->algo == LB_URI)
		keylen = lb_uri_trim(p, key, keylen);
	h = lb_hash(key, keylen);
	if (p->hash_type == LB_HASH_CONSISTENT) {
		if (t->nring == 0)
			return NULL;
		pos = lb_walk(p, t->ring_node, t->nring, lb_ring_find(t, h), avoid, 0);
		if (pos == LB_NONE)
			return NULL;
		n = p->nodes[t->ring_node[pos]];
	} else {
		if (t->nmap == 0)
			return NULL;
		pos = lb_walk(p, t->map, t->nmap, h % t->nmap, avoid, 0);
		if (pos == LB_NONE)
			return NULL;
		n = p->nodes[t->map[pos]];
	}
	*full = lb_full(n);
	return n;
}

/* One weighted draw from the serving set built for random. */
static struct lb_node *lb_draw(struct lb_pool *p, const struct lb_tables *t)
{
	uint64_t r = lb_rand(p) % t->rcum[t->nrset - 1];
	size_t lo = 0, hi = t->nrset - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rcum[mid] <= r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return p->nodes[t->rset[lo]];
}

/* Least loaded non-full node of the random set, for when draws miss. */
static struct lb_node *lb_random_scan(struct lb_pool *p, const struct lb_tables *t,
				      const struct lb_node *avoid)
{
	struct lb_node *best = NULL, *avoided = NULL;
	size_t i;

	for (i = 0; i < t->nrset; i++) {
		struct lb_node *n = p->nodes[t->rset[i]];

		if (n->weight == 0 || lb_full(n))
			continue;
		if (n == avoid)
			avoided = n;
		else if (!best || lb_less_loaded(n, best))
			best = n;
	}
	return best ? best : avoided;
}

static struct lb_node *lb_pick_random(struct lb_pool *p, struct lb_tables *t,
				      const struct lb_node *avoid)
{
	unsigned draws = p->draws ? p->draws : LB_RANDOM_DEFAULT;
	struct lb_node *best = NULL;
	unsigned d;
	int tries;

	if (t->nrset == 0 || t->rcum[t->nrset - 1] == 0)
		return NULL;
	for (d = 0; d < draws; d++) {
		for (tries = 0; tries < LB_RANDOM_TRIES; tries++) {
			struct lb_node *n = lb_draw(p, t);

			if (n->weight == 0 || lb_full(n) || n == avoid)
				continue;
			if (!best || lb_less_loaded(n, best))
				best = n;
			break;
		}
	}
	return best ? best : lb_random_scan(p, t, avoid);
}

/* Some serving node exists (then a NULL pick means they are all full). */
static int lb_any_serving(const struct lb_pool *p)
{
	struct lb_sel s;
	size_t i;

	lb_sel_init(p, NULL, &s);
	for (i = 0; i < p->nnodes; i++)
		if (lb_in_set(p, &s, p->nodes[i]))
			return 1;
	return 0;
}

struct lb_node *lb_pick(struct lb_pool *p, const void *key, size_t keylen,
			const struct lb_node *avoid, int *full)
{
	struct lb_tables *t = p->priv;
	struct lb_node *n = NULL;
	int dummy;

	if (!full)
		full = &dummy;
	*full = 0;
	if (!t || p->nnodes == 0)
		return NULL;
	switch (p->algo) {
	case LB_STATIC_RR:
		n = lb_pick_static(p, t, avoid);
		break;
	case LB_LEASTCONN:
		n = lb_pick_leastconn(p, t, avoid);
		break;
	case LB_FIRST:
		n = lb_pick_first(p, avoid);
		break;
	case LB_SOURCE:
	case LB_URI:
	case LB_URL_PARAM:
	case LB_HDR:
		if (key)
			return lb_pick_hash(p, t, key, keylen, avoid, full);
		n = lb_pick_rr(p, avoid);
		break;
	case LB_RANDOM:
		n = lb_pick_random(p, t, avoid);
		break;
	case LB_ROUNDROBIN:
	default:
		n = lb_pick_rr(p, avoid);
		break;
	}
	if (!n)
		*full = lb_any_serving(p);
	return n;
}

void lb_take(struct lb_pool *p, struct lb_node *n)
{
	(void)p;
	(void)n;
}

void lb_release(struct lb_pool *p, struct lb_node *n)
{
	(void)p;
	(void)n;
}

void lb_count_usable(const struct lb_pool *p, unsigned *active, unsigned *backup)
{
	unsigned a = 0, b = 0;
	size_t i;

	for (i = 0; i < p->nnodes; i++) {
		if (p->nodes[i]->weight == 0)
			continue;
		if (p->nodes[i]->backup)
			b++;
		else
			a++;
	}
	if (active)
		*active = a;
	if (backup)
		*backup = b;
}

/* ---- "balance" parsing ---- */

/* What a keyword handler fills; copied to the pool only on success. */
struct lb_balance {
	enum lb_algo algo;
	int uri_whole;
	unsigned uri_len;
	unsigned uri_depth;
	unsigned draws;
	const char *arg_name;
	char *arg_end;		/* hdr: ')' to overwrite with NUL on success */
};

/* A "balance" keyword. parse gets argv[0] split at '(': paren is what
 * follows it (NULL without one); it fills b or writes err and returns -1. */
struct lb_balance_kw {
	const char *name;
	const char *syntax;	/* for messages; NULL: not supported yet */
	enum lb_algo algo;
	int (*parse)(const struct lb_balance_kw *kw, int argc, char **argv,
		     const char *paren, struct lb_balance *b,
		     char *err, size_t errlen);
};

/* Decimal in [min, max], digits only. Returns 0 or -1. */
static int lb_parse_uint(const char *s, unsigned long min, unsigned long max,
			 unsigned *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int lb_kw_unsupported(const struct lb_balance_kw *kw, int argc, char **argv,
			     const char *paren, struct lb_balance *b,
			     char *err, size_t errlen)
{
	(void)argc, (void)argv, (void)paren, (void)b;
	snprintf(err, errlen, "'balance %s' is not supported yet", kw->name);
	return -1;
}

static int lb_kw_plain(const struct lb_balance_kw *kw, int argc, char **argv,
		       const char *paren, struct lb_balance *b,
		       char *err, size_t errlen)
{
	(void)paren, (void)b;
	if (argc > 1) {
		snprintf(err, errlen, "'balance %s' takes no argument, got '%s'",
			 kw->name, argv[1]);
		return -1;
	}
	return 0;
}

static int lb_kw_uri(const struct lb_balance_kw *kw, int argc, char **argv,
		     const char *paren, struct lb_balance *b,
		     char *err, size_t errlen)
{
	int i;

	(void)kw, (void)paren;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i];
		unsigned *dst = NULL;

		if (strcmp(o, "whole") == 0) {
			b->uri_whole = 1;
			continue;
		}
		if (strcmp(o, "path-only") == 0) {
			snprintf(err, errlen, "'balance uri path-only' is not supported yet");
			return -1;
		}
		if (strcmp(o, "len") == 0)
			dst = &b->uri_len;
		else if (strcmp(o, "depth") == 0)
			dst = &b->uri_depth;
		if (!dst) {
			snprintf(err, errlen, "'balance uri': unknown option '%s' "
				 "(expected 'len <n>', 'depth <n>' or 'whole')", o);
			return -1;
		}
		if (i + 1 >= argc || lb_parse_uint(argv[i + 1], 1, 0x7fffffff, dst) < 0) {
			snprintf(err, errlen, "'balance uri %s' expects a positive integer, got '%s'",
				 o, i + 1 < argc ? argv[i + 1] : "");
			return -1;
		}
		i++;
	}
	return 0;
}

static int lb_kw_url_param(const struct lb_balance_kw *kw, int argc, char **argv,
			   const char *paren, struct lb_balance *b,
			   char *err, size_t errlen)
{
	(void)kw, (void)paren;
	if (argc < 2 || !*argv[1]) {
		snprintf(err, errlen, "'balance url_param' expects a parameter name");
		return -1;
	}
	if (argc > 2 && strcmp(argv[2], "check_post") == 0) {
		snprintf(err, errlen, "'balance url_param %s check_post' is not supported yet",
			 argv[1]);
		return -1;
	}
	if (argc > 2) {
		snprintf(err, errlen, "'balance url_param %s': unexpected '%s' "
			 "(expected only 'check_post', which is not supported yet)",
			 argv[1], argv[2]);
		return -1;
	}
	b->arg_name = argv[1];
	return 0;
}

static int lb_kw_hdr(const struct lb_balance_kw *kw, int argc, char **argv,
		     const char *paren, struct lb_balance *b,
		     char *err, size_t errlen)
{
	size_t len = paren ? strlen(paren) : 0;

	(void)kw;
	if (len < 2 || paren[len - 1] != ')' || strcspn(paren, "()") != len - 1) {
		snprintf(err, errlen, "'balance hdr' expects a header name: 'hdr(<name>)', got '%s'",
			 argv[0]);
		return -1;
	}
	if (argc > 1 && strcmp(argv[1], "use_domain_only") == 0) {
		snprintf(err, errlen, "'balance %s use_domain_only' is not supported yet", argv[0]);
		return -1;
	}
	if (argc > 1) {
		snprintf(err, errlen, "'balance %s': unexpected '%s' "
			 "(expected only 'use_domain_only', which is not supported yet)",
			 argv[0], argv[1]);
		return -1;
	}
	b->arg_name = paren;
	b->arg_end = argv[0] + (paren - argv[0]) + (len - 1);
	return 0;
}

static int lb_kw_random(const struct lb_balance_kw *kw, int argc, char **argv,
			const char *paren, struct lb_balance *b,
			char *err, size_t errlen)
{
	char num[16];
	size_t len;

	(void)kw;
	if (argc > 1) {
		snprintf(err, errlen, "'balance %s' takes no argument, got '%s'",
			 argv[0], argv[1]);
		return -1;
	}
	if (!paren)
		return 0;
	len = strlen(paren);
	if (len < 2 || len - 1 >= sizeof(num) || paren[len - 1] != ')')
		goto bad;
	memcpy(num, paren, len - 1);
	num[len - 1] = '\0';
	if (lb_parse_uint(num, 1, LB_RANDOM_MAX, &b->draws) < 0)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "'balance %s': draws must be an integer from 1 to %u: "
		 "'random(<draws>)'", argv[0], LB_RANDOM_MAX);
	return -1;
}

/* The "balance" keywords; the table is also the list given in errors. */
static const struct lb_balance_kw lb_balance_kws[] = {
	{ "roundrobin", "roundrobin", LB_ROUNDROBIN, lb_kw_plain },
	{ "static-rr", "static-rr", LB_STATIC_RR, lb_kw_plain },
	{ "leastconn", "leastconn", LB_LEASTCONN, lb_kw_plain },
	{ "first", "first", LB_FIRST, lb_kw_plain },
	{ "source", "source", LB_SOURCE, lb_kw_plain },
	{ "uri", "uri [len <n>] [depth <n>] [whole]", LB_URI, lb_kw_uri },
	{ "url_param", "url_param <name>", LB_URL_PARAM, lb_kw_url_param },
	{ "hdr", "hdr(<name>)", LB_HDR, lb_kw_hdr },
	{ "random", "random[(<draws>)]", LB_RANDOM, lb_kw_random },
	{ "rdp-cookie", NULL, LB_ROUNDROBIN, lb_kw_unsupported },
	{ "hash", NULL, LB_ROUNDROBIN, lb_kw_unsupported },
};
#define LB_BALANCE_NKW (sizeof(lb_balance_kws) / sizeof(lb_balance_kws[0]))

/* Only hdr and random take "(...)"; rdp-cookie(name) is refused anyway. */
static int lb_kw_takes_paren(const struct lb_balance_kw *kw)
{
	return kw->parse == lb_kw_hdr || kw->parse == lb_kw_random ||
	       kw->parse == lb_kw_unsupported;
}

static void lb_balance_unknown(const char *what, char *err, size_t errlen)
{
	size_t i, off;
	int w;

	w = snprintf(err, errlen, "unknown 'balance' algorithm '%s' (expected", what);
	off = w < 0 ? 0 : (size_t)w;
	for (i = 0; i < LB_BALANCE_NKW && off < errlen; i++) {
		if (!lb_balance_kws[i].syntax)
			continue;
		w = snprintf(err + off, errlen - off, "%s '%s'", off && i ? "," : "",
			     lb_balance_kws[i].syntax);
		off += w < 0 ? 0 : (size_t)w;
	}
	if (off < errlen)
		snprintf(err + off, errlen - off, ")");
}

int lb_parse_balance(struct lb_pool *p, int argc, char **argv,
		     const char **arg_name, char *err, size_t errlen)
{
	struct lb_balance b = { .draws = LB_RANDOM_DEFAULT };
	const struct lb_balance_kw *kw = NULL;
	const char *paren;
	char dummy[1];
	size_t i, namelen;

	if (!err || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (arg_name)
		*arg_name = NULL;
	if (argc < 1 || !argv[0] || !*argv[0]) {
		lb_balance_unknown("", err, errlen);
		return -1;
	}
	paren = strchr(argv[0], '(');
	namelen = paren ? (size_t)(paren - argv[0]) : strlen(argv[0]);
	for (i = 0; i < LB_BALANCE_NKW; i++) {
		if (strlen(lb_balance_kws[i].name) == namelen &&
		    strncmp(lb_balance_kws[i].name, argv[0], namelen) == 0)
			kw = &lb_balance_kws[i];
	}
	if (!kw || (paren && !lb_kw_takes_paren(kw))) {
		lb_balance_unknown(argv[0], err, errlen);
		return -1;
	}
	b.algo = kw->algo;
	if (kw->parse(kw, argc, argv, paren ? paren + 1 : NULL, &b, err, errlen) < 0)
		return -1;
	p->algo = b.algo;
	p->uri_whole = b.uri_whole;
	p->uri_len = b.uri_len;
	p->uri_depth = b.uri_depth;
	p->draws = b.draws;
	if (b.arg_end)
		*b.arg_end = '\0';
	if (arg_name)
		*arg_name = b.arg_name;
	return 0;
}
