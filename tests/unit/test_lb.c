/*
 * test_lb.c - load-balancing algorithms: observable distributions, state
 * across rebuilds, backups, full and avoided nodes, "balance" parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "guard.h"
#include "lb.h"

#define MAXN 16
#define NKEYS 10000

struct fx {
	struct lb_node n[MAXN];
	struct lb_node *ptr[MAXN];
	struct lb_pool p;
	size_t nn;
};

/* nn nodes with ids 1..nn in declaration order and the given weights. */
static void fx_init(struct fx *f, enum lb_algo algo, const unsigned *w, size_t nn)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < nn; i++) {
		f->n[i].id = (uint32_t)(i + 1);
		f->n[i].weight = w[i];
		f->ptr[i] = &f->n[i];
	}
	f->nn = nn;
	f->p.algo = algo;
	f->p.nodes = f->ptr;
	f->p.nnodes = nn;
	f->p.rng = 0x9e3779b97f4a7c15ull;
	assert_int_equal(lb_pool_build(&f->p), 0);
}

static void fx_build(struct fx *f)
{
	assert_int_equal(lb_pool_build(&f->p), 0);
}

/* Index of the picked node; -1 for NULL. */
static int fx_pick(struct fx *f, const void *key, size_t len,
		   const struct lb_node *avoid, int *full)
{
	struct lb_node *n = lb_pick(&f->p, key, len, avoid, full);

	if (!n)
		return -1;
	assert_true(n >= f->n && n < f->n + f->nn);
	return (int)(n - f->n);
}

static void fx_count(struct fx *f, unsigned picks, unsigned *count)
{
	unsigned i;
	int k;

	memset(count, 0, sizeof(unsigned) * MAXN);
	for (i = 0; i < picks; i++) {
		k = fx_pick(f, NULL, 0, NULL, NULL);
		assert_true(k >= 0);
		count[k]++;
	}
}

static void fx_free(struct fx *f)
{
	lb_pool_free(&f->p);
	assert_null(f->p.priv);
}

/* In every window of k consecutive picks (k <= maxk), node i appears at
 * most ceil(k * w_i / W) + 1 times: no bursts. */
static void assert_smooth(const int *seq, size_t len, const unsigned *w, size_t nn,
			  size_t maxk)
{
	unsigned total = 0, cnt[MAXN];
	size_t i, k, s;

	for (i = 0; i < nn; i++)
		total += w[i];
	for (k = 1; k <= maxk; k++) {
		for (s = 0; s + k <= len; s++) {
			memset(cnt, 0, sizeof(cnt));
			for (i = s; i < s + k; i++)
				cnt[seq[i]]++;
			for (i = 0; i < nn; i++)
				assert_true(cnt[i] <= (k * w[i] + total - 1) / total + 1);
		}
	}
}

/* ---- roundrobin ---- */

static void test_rr_weights_exact_and_smooth(void **state)
{
	const unsigned w[] = { 1, 2, 3 };
	int seq[600];
	unsigned cnt[MAXN] = { 0 };
	struct fx f;
	size_t i;

	(void)state;
	fx_init(&f, LB_ROUNDROBIN, w, 3);
	for (i = 0; i < 600; i++) {
		seq[i] = fx_pick(&f, NULL, 0, NULL, NULL);
		cnt[seq[i]]++;
	}
	assert_int_equal(cnt[0], 100);
	assert_int_equal(cnt[1], 200);
	assert_int_equal(cnt[2], 300);
	assert_smooth(seq, 600, w, 3, 60);
	/* weight 3 of 6: never three times in a row */
	for (i = 2; i < 600; i++)
		assert_false(seq[i] == 2 && seq[i - 1] == 2 && seq[i - 2] == 2);
	fx_free(&f);
}

static void test_rr_skewed_weights_stay_smooth(void **state)
{
	const unsigned w[] = { 5, 1, 1 };
	int seq[700];
	unsigned cnt[MAXN] = { 0 };
	struct fx f;
	size_t i;

	(void)state;
	fx_init(&f, LB_ROUNDROBIN, w, 3);
	for (i = 0; i < 700; i++) {
		seq[i] = fx_pick(&f, NULL, 0, NULL, NULL);
		cnt[seq[i]]++;
	}
	assert_int_equal(cnt[0], 500);
	assert_int_equal(cnt[1], 100);
	assert_int_equal(cnt[2], 100);
	assert_smooth(seq, 700, w, 3, 70);
	fx_free(&f);
}

static void test_rr_weight_change_midstream(void **state)
{
	const unsigned w[] = { 1, 1, 1 };
	const unsigned w2[] = { 1, 2, 3 };
	unsigned cnt[MAXN];
	int seq[600];
	struct fx f;
	size_t i;

	(void)state;
	fx_init(&f, LB_ROUNDROBIN, w, 3);
	fx_count(&f, 301, cnt);		/* stop mid-cycle on purpose */
	for (i = 0; i < 3; i++)
		f.n[i].weight = w2[i];
	fx_build(&f);
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < 600; i++) {
		seq[i] = fx_pick(&f, NULL, 0, NULL, NULL);
		cnt[seq[i]]++;
	}
	assert_in_range(cnt[0], 98, 102);
	assert_in_range(cnt[1], 198, 202);
	assert_in_range(cnt[2], 298, 302);
	assert_smooth(seq, 600, w2, 3, 30);

	/* a drop to weight 1 does not leave node 2 with a burst of credit */
	f.n[2].weight = 1;
	f.n[1].weight = 1;
	fx_build(&f);
	fx_count(&f, 300, cnt);
	assert_in_range(cnt[2], 98, 102);
	fx_free(&f);
}

static void test_rr_weight_drop_leaves_no_burst(void **state)
{
	const unsigned w[] = { 100, 1 };
	const unsigned w2[] = { 1, 1 };
	unsigned cnt[MAXN];
	int seq[20];
	struct fx f;
	size_t i;

	(void)state;
	fx_init(&f, LB_ROUNDROBIN, w, 2);
	/* node 1 waits its turn, saving credit, while node 0 serves */
	fx_count(&f, 40, cnt);
	assert_int_equal(cnt[0], 40);
	f.n[0].weight = 1;
	fx_build(&f);
	for (i = 0; i < 20; i++)
		seq[i] = fx_pick(&f, NULL, 0, NULL, NULL);
	assert_smooth(seq, 20, w2, 2, 20);
	fx_free(&f);
}

static void test_rr_down_node_gets_nothing(void **state)
{
	const unsigned w[] = { 1, 0, 1 };
	unsigned cnt[MAXN];
	struct fx f;

	(void)state;
	fx_init(&f, LB_ROUNDROBIN, w, 3);
	fx_count(&f, 100, cnt);
	assert_int_equal(cnt[1], 0);
	assert_int_equal(cnt[0], 50);
	assert_int_equal(cnt[2], 50);

	/* going down is honoured even before the caller rebuilds */
	f.n[2].weight = 0;
	fx_count(&f, 10, cnt);
	assert_int_equal(cnt[0], 10);

	/* coming back: shares again from a neutral start */
	f.n[1].weight = 1;
	f.n[2].weight = 1;
	fx_build(&f);
	fx_count(&f, 300, cnt);
	assert_int_equal(cnt[0], 100);
	assert_int_equal(cnt[1], 100);
	assert_int_equal(cnt[2], 100);
	fx_free(&f);
}

static void test_rr_skips_full_and_reports_all_full(void **state)
{
	const unsigned w[] = { 3, 1, 1 };
	unsigned cnt[MAXN];
	struct fx f;
	int full = -1;

	(void)state;
	fx_init(&f, LB_ROUNDROBIN, w, 3);
	f.n[0].maxconn = 4;
	f.n[0].cur = 4;
	fx_count(&f, 100, cnt);
	assert_int_equal(cnt[0], 0);
	assert_int_equal(cnt[1], 50);
	assert_int_equal(cnt[2], 50);

	/* full nodes did not hoard credit: once free, still about 3:1:1 */
	f.n[0].cur = 0;
	fx_count(&f, 50, cnt);
	assert_in_range(cnt[0], 29, 31);

	f.n[1].maxconn = f.n[2].maxconn = 1;
	f.n[0].cur = 4;
	f.n[1].cur = f.n[2].cur = 1;
	assert_int_equal(fx_pick(&f, NULL, 0, NULL, &full), -1);
	assert_int_equal(full, 1);

	f.n[0].weight = f.n[1].weight = f.n[2].weight = 0;
	fx_build(&f);
	assert_int_equal(fx_pick(&f, NULL, 0, NULL, &full), -1);
	assert_int_equal(full, 0);
	fx_free(&f);
}

/* ---- static-rr ---- */

static void test_static_rr_exact_ratios(void **state)
{
	const unsigned w[] = { 1, 2, 3, 4 };
	unsigned cnt[MAXN] = { 0 };
	int seq[1000];
	struct fx f;
	size_t i;

	(void)state;
	fx_init(&f, LB_STATIC_RR, w, 4);
	for (i = 0; i < 1000; i++) {
		seq[i] = fx_pick(&f, NULL, 0, NULL, NULL);
		cnt[seq[i]]++;
	}
	assert_int_equal(cnt[0], 100);
	assert_int_equal(cnt[1], 200);
	assert_int_equal(cnt[2], 300);
	assert_int_equal(cnt[3], 400);
	assert_smooth(seq, 1000, w, 4, 40);

	/* weights are those of the last build */
	f.n[3].weight = 1;
	fx_count(&f, 100, cnt);
	assert_int_equal(cnt[3], 40);
	fx_build(&f);
	fx_count(&f, 70, cnt);
	assert_int_equal(cnt[0], 10);
	assert_int_equal(cnt[3], 10);

	/* full nodes are skipped */
	f.n[2].maxconn = 1;
	f.n[2].cur = 1;
	fx_count(&f, 40, cnt);
	assert_int_equal(cnt[2], 0);
	assert_int_equal(cnt[0] + cnt[1] + cnt[3], 40);
	fx_free(&f);
}

/* ---- leastconn ---- */

static void test_leastconn_picks_least_loaded(void **state)
{
	const unsigned w[] = { 1, 1, 1 };
	struct fx f;

	(void)state;
	fx_init(&f, LB_LEASTCONN, w, 3);
	f.n[0].cur = 5;
	f.n[1].cur = 2;
	f.n[2].cur = 9;
	assert_int_equal(fx_pick(&f, NULL, 0, NULL, NULL), 1);

	/* cur/weight: 3/2 beats 2/1 */
	f.n[1].weight = 2;
	f.n[1].cur = 3;
	f.n[0].cur = 2;
	assert_int_equal(fx_pick(&f, NULL, 0, NULL, NULL), 1);

	/* full is skipped even when least loaded */
	f.n[1].maxconn = 3;
	assert_int_equal(fx_pick(&f, NULL, 0, NULL, NULL), 0);
	fx_free(&f);
}

static void test_leastconn_cycles_among_equals(void **state)
{
	const unsigned w[] = { 1, 1, 1 };
	unsigned cnt[MAXN];
	int prev = -1, k;
	struct fx f;
	size_t i;

	(void)state;
	fx_init(&f, LB_LEASTCONN, w, 3);
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < 30; i++) {
		k = fx_pick(&f, NULL, 0, NULL, NULL);
		assert_int_not_equal(k, prev);
		prev = k;
		cnt[k]++;
	}
	assert_int_equal(cnt[0], 10);
	assert_int_equal(cnt[1], 10);
	assert_int_equal(cnt[2], 10);
	fx_free(&f);
}

static void test_leastconn_respects_weights(void **state)
{
	const unsigned w[] = { 1, 3 };
	unsigned cnt[MAXN] = { 0 };
	struct fx f;
	size_t i;
	int k;

	(void)state;
	fx_init(&f, LB_LEASTCONN, w, 2);
	for (i = 0; i < 400; i++) {
		k = fx_pick(&f, NULL, 0, NULL, NULL);
		f.n[k].cur++;
		lb_take(&f.p, &f.n[k]);
		cnt[k]++;
	}
	assert_in_range(cnt[0], 99, 101);
	assert_in_range(cnt[1], 299, 301);

	/* releases steer the next sessions back to the emptied node */
	for (i = 0; i < 50; i++) {
		f.n[1].cur--;
		lb_release(&f.p, &f.n[1]);
	}
	for (i = 0; i < 10; i++) {
		k = fx_pick(&f, NULL, 0, NULL, NULL);
		assert_int_equal(k, 1);
		f.n[k].cur++;
	}
	fx_free(&f);
}

/* ---- first ---- */

static void test_first_fills_in_id_order(void **state)
{
	const unsigned w[] = { 1, 1, 1 };
	const int expect[] = { 0, 0, 1, 1, 2, 2 };
	struct fx f;
	size_t i;
	int k, full;

	(void)state;
	fx_init(&f, LB_FIRST, w, 3);
	for (i = 0; i < 3; i++)
		f.n[i].maxconn = 2;
	for (i = 0; i < 6; i++) {
		k = fx_pick(&f, NULL, 0, NULL, NULL);
		assert_int_equal(k, expect[i]);
		f.n[k].cur++;
	}
	assert_int_equal(fx_pick(&f, NULL, 0, NULL, &full), -1);
	assert_int_equal(full, 1);
	f.n[0].cur--;
	assert_int_equal(fx_pick(&f, NULL, 0, NULL, NULL), 0);

	/* the id decides, not the declaration order */
	f.n[0].cur = 0;
	f.n[0].id = 7;
	f.n[2].cur = 0;
	f.n[2].id = 3;
	assert_int_equal(fx_pick(&f, NULL, 0, NULL, NULL), 2);
	fx_free(&f);
}

/* ---- hashing ---- */

static size_t key_for(enum lb_algo algo, unsigned i, char *buf, size_t len)
{
	int n;

	if (algo == LB_SOURCE) {
		uint32_t a = 0x0a000000u + i;

		memcpy(buf, &a, sizeof(a));
		return sizeof(a);
	}
	if (algo == LB_URI)
		n = snprintf(buf, len, "/static/img%u.png?v=1", i);
	else if (algo == LB_URL_PARAM)
		n = snprintf(buf, len, "user%u", i);
	else
		n = snprintf(buf, len, "client-%u.example.com", i);
	return (size_t)n;
}

static void check_distribution(enum lb_algo algo, enum lb_hash_type ht)
{
	const unsigned w[] = { 1, 2, 3, 4, 5 };
	unsigned cnt[MAXN] = { 0 }, i;
	char key[64];
	size_t len;
	struct fx f;
	int k;

	fx_init(&f, algo, w, 5);
	f.p.hash_type = ht;
	fx_build(&f);
	for (i = 0; i < NKEYS; i++) {
		len = key_for(algo, i, key, sizeof(key));
		k = fx_pick(&f, key, len, NULL, NULL);
		assert_true(k >= 0);
		/* same key, same node */
		assert_int_equal(fx_pick(&f, key, len, NULL, NULL), k);
		cnt[k]++;
	}
	for (i = 0; i < 5; i++) {
		double expect = NKEYS * w[i] / 15.0;

		if (cnt[i] < expect * 0.85 || cnt[i] > expect * 1.15)
			fail_msg("%s %s: node %u got %u keys, expected %.0f +-15%%",
				 lb_algo_names[algo], lb_hash_type_names[ht], i, cnt[i],
				 expect);
	}
	fx_free(&f);
}

static void test_hash_same_key_same_node_and_weighted_spread(void **state)
{
	const enum lb_algo algos[] = { LB_SOURCE, LB_URI, LB_URL_PARAM, LB_HDR };
	size_t a;

	(void)state;
	for (a = 0; a < 4; a++) {
		check_distribution(algos[a], LB_HASH_MAP_BASED);
		check_distribution(algos[a], LB_HASH_CONSISTENT);
	}
}

/* Keys whose node changes when node 2 of 5 goes down. Returns how many of
 * the keys not on node 2 moved; checks that node 2's keys left it. */
static unsigned moved_on_removal(enum lb_hash_type ht, int back_again)
{
	const unsigned w[] = { 1, 1, 1, 1, 1 };
	static int before[NKEYS];
	unsigned i, moved = 0;
	char key[32];
	size_t len;
	struct fx f;
	int k;

	fx_init(&f, LB_HDR, w, 5);
	f.p.hash_type = ht;
	fx_build(&f);
	for (i = 0; i < NKEYS; i++) {
		len = key_for(LB_HDR, i, key, sizeof(key));
		before[i] = fx_pick(&f, key, len, NULL, NULL);
	}
	f.n[2].weight = 0;
	fx_build(&f);
	for (i = 0; i < NKEYS; i++) {
		len = key_for(LB_HDR, i, key, sizeof(key));
		k = fx_pick(&f, key, len, NULL, NULL);
		assert_int_not_equal(k, 2);
		if (before[i] != 2 && k != before[i])
			moved++;
	}
	if (back_again) {
		f.n[2].weight = 1;
		fx_build(&f);
		for (i = 0; i < NKEYS; i++) {
			len = key_for(LB_HDR, i, key, sizeof(key));
			assert_int_equal(fx_pick(&f, key, len, NULL, NULL), before[i]);
		}
	}
	fx_free(&f);
	return moved;
}

static void test_consistent_removal_moves_only_its_keys(void **state)
{
	(void)state;
	assert_int_equal(moved_on_removal(LB_HASH_CONSISTENT, 1), 0);
}

static void test_map_based_removal_moves_more(void **state)
{
	(void)state;
	/* key % 5 -> key % 4 reshuffles most keys of the surviving nodes */
	assert_true(moved_on_removal(LB_HASH_MAP_BASED, 0) > NKEYS / 2);
}

static void test_hash_full_node_returned_with_flag(void **state)
{
	const unsigned w[] = { 1, 1, 1 };
	const enum lb_hash_type hts[] = { LB_HASH_MAP_BASED, LB_HASH_CONSISTENT };
	struct fx f;
	size_t h;
	int k, full;

	(void)state;
	for (h = 0; h < 2; h++) {
		fx_init(&f, LB_URL_PARAM, w, 3);
		f.p.hash_type = hts[h];
		fx_build(&f);
		k = fx_pick(&f, "alice", 5, NULL, &full);
		assert_int_equal(full, 0);
		f.n[k].maxconn = 1;
		f.n[k].cur = 1;
		assert_int_equal(fx_pick(&f, "alice", 5, NULL, &full), k);
		assert_int_equal(full, 1);

		/* avoid moves to another node; alone, the node is kept */
		assert_int_not_equal(fx_pick(&f, "alice", 5, &f.n[k], NULL), k);
		f.n[(k + 1) % 3].weight = f.n[(k + 2) % 3].weight = 0;
		fx_build(&f);
		assert_int_equal(fx_pick(&f, "alice", 5, &f.n[k], NULL), k);
		fx_free(&f);
	}
}

static void test_hash_without_key_falls_back_to_rr(void **state)
{
	const unsigned w[] = { 1, 1, 2 };
	unsigned cnt[MAXN];
	struct fx f;

	(void)state;
	fx_init(&f, LB_URL_PARAM, w, 3);
	fx_count(&f, 400, cnt);
	assert_int_equal(cnt[0], 100);
	assert_int_equal(cnt[1], 100);
	assert_int_equal(cnt[2], 200);
	fx_free(&f);
}

static void test_uri_trimming(void **state)
{
	const char *uri = "/a/b/c?x=1";
	struct guard_buf g;
	struct lb_pool p;
	char *u;

	(void)state;
	memset(&p, 0, sizeof(p));
	/* input ends at an unmapped page: no byte past len is read */
	u = guard_copy(&g, uri, strlen(uri));
	assert_non_null(u);
	assert_int_equal(lb_uri_trim(&p, u, 10), 6);		/* "/a/b/c" */
	p.uri_whole = 1;
	assert_int_equal(lb_uri_trim(&p, u, 10), 10);
	p.uri_depth = 2;
	assert_int_equal(lb_uri_trim(&p, u, 10), 4);		/* "/a/b" */
	p.uri_depth = 1;
	assert_int_equal(lb_uri_trim(&p, u, 10), 2);		/* "/a" */
	p.uri_depth = 5;
	assert_int_equal(lb_uri_trim(&p, u, 10), 10);
	p.uri_depth = 0;
	p.uri_len = 4;
	assert_int_equal(lb_uri_trim(&p, u, 10), 4);
	p.uri_len = 3;
	p.uri_depth = 2;
	assert_int_equal(lb_uri_trim(&p, u, 10), 3);		/* len wins */
	p.uri_len = 100;
	assert_int_equal(lb_uri_trim(&p, u, 10), 4);		/* depth wins */
	assert_int_equal(lb_uri_trim(&p, u, 0), 0);
	guard_free(&g);
}

static void test_uri_options_drive_the_choice(void **state)
{
	const unsigned w[] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	unsigned i, differ = 0;
	char a[64], b[64];
	struct fx f;
	int ka, kb;

	(void)state;
	fx_init(&f, LB_URI, w, 8);
	for (i = 0; i < 200; i++) {
		/* without "whole", the query string is ignored */
		snprintf(a, sizeof(a), "/p%u/x?s=1", i);
		snprintf(b, sizeof(b), "/p%u/x?s=2", i);
		assert_int_equal(fx_pick(&f, a, strlen(a), NULL, NULL),
				 fx_pick(&f, b, strlen(b), NULL, NULL));
	}
	f.p.uri_depth = 1;
	for (i = 0; i < 200; i++) {
		snprintf(a, sizeof(a), "/p%u/x", i);
		snprintf(b, sizeof(b), "/p%u/y/z", i);
		assert_int_equal(fx_pick(&f, a, strlen(a), NULL, NULL),
				 fx_pick(&f, b, strlen(b), NULL, NULL));
	}
	f.p.uri_depth = 0;
	f.p.uri_whole = 1;
	for (i = 0; i < 200; i++) {
		snprintf(a, sizeof(a), "/p/x?s=%u", i);
		snprintf(b, sizeof(b), "/p/x?s=%u", i + 1000);
		ka = fx_pick(&f, a, strlen(a), NULL, NULL);
		kb = fx_pick(&f, b, strlen(b), NULL, NULL);
		differ += ka != kb;
	}
	assert_true(differ > 100);
	f.p.uri_whole = 0;
	f.p.uri_len = 3;
	assert_int_equal(fx_pick(&f, "/abXXX", 6, NULL, NULL),
			 fx_pick(&f, "/abYYYYY", 8, NULL, NULL));
	fx_free(&f);
}

static void test_hash_function_spreads_keys(void **state)
{
	unsigned buckets[16] = { 0 }, flips[32] = { 0 }, i, b, bits = 0;
	char key[32];
	uint32_t d;
	int n;

	(void)state;
	assert_int_equal(lb_hash("abc", 3), lb_hash("abc", 3));
	assert_int_not_equal(lb_hash("abc", 3), lb_hash("abd", 3));
	for (i = 0; i < 16000; i++) {
		n = snprintf(key, sizeof(key), "key-%05u", i);
		buckets[lb_hash(key, (size_t)n) >> 28]++;
		/* flip the last byte's low bit: the avalanche must spread it */
		d = lb_hash(key, (size_t)n);
		key[n - 1] ^= 1;
		d ^= lb_hash(key, (size_t)n);
		bits += (unsigned)__builtin_popcount(d);
		for (b = 0; b < 32; b++)
			flips[b] += (d >> b) & 1;
	}
	for (i = 0; i < 16; i++)
		assert_in_range(buckets[i], 850, 1150);
	assert_in_range(bits / 16000, 15, 17);
	/* strict avalanche: each output bit flips about half the time */
	for (b = 0; b < 32; b++)
		assert_in_range(flips[b], 7200, 8800);
}

/* ---- random ---- */

static void test_random_prefers_less_loaded(void **state)
{
	const unsigned w[] = { 1, 1 };
	unsigned cnt[MAXN];
	struct fx f;

	(void)state;
	fx_init(&f, LB_RANDOM, w, 2);
	f.p.draws = 2;
	f.n[0].cur = 10;
	fx_count(&f, 4000, cnt);
	/* node 0 wins only when both draws land on it: 1/4 */
	assert_in_range(cnt[1], 2800, 3200);

	f.p.draws = 1;
	fx_count(&f, 4000, cnt);
	assert_in_range(cnt[1], 1800, 2200);

	/* draws default to 2 */
	f.p.draws = 0;
	fx_count(&f, 4000, cnt);
	assert_in_range(cnt[1], 2800, 3200);
	fx_free(&f);
}

static void test_random_is_weighted_and_skips_full(void **state)
{
	const unsigned w[] = { 1, 3, 1 };
	unsigned cnt[MAXN];
	struct fx f;
	int full;

	(void)state;
	fx_init(&f, LB_RANDOM, w, 3);
	f.p.draws = 1;
	fx_count(&f, 5000, cnt);
	assert_in_range(cnt[0], 850, 1150);
	assert_in_range(cnt[1], 2700, 3300);

	f.n[1].maxconn = f.n[2].maxconn = 1;
	f.n[1].cur = f.n[2].cur = 1;
	fx_count(&f, 100, cnt);
	assert_int_equal(cnt[0], 100);
	f.n[0].maxconn = f.n[0].cur = 1;
	assert_int_equal(fx_pick(&f, NULL, 0, NULL, &full), -1);
	assert_int_equal(full, 1);
	fx_free(&f);
}

/* ---- cross-algorithm rules ---- */

static void test_backup_only_when_all_actives_down(void **state)
{
	const unsigned w[] = { 1, 1, 1, 1 };
	unsigned cnt[MAXN], act, bck;
	enum lb_algo a;
	struct fx f;

	(void)state;
	for (a = 0; a < LB_ALGO_COUNT; a++) {
		fx_init(&f, a, w, 4);
		f.n[2].backup = f.n[3].backup = 1;
		f.n[2].id = 9;		/* node 3 (id 4) is the first backup */
		fx_build(&f);
		lb_count_usable(&f.p, &act, &bck);
		assert_int_equal(act, 2);
		assert_int_equal(bck, 2);
		fx_count(&f, 100, cnt);
		assert_int_equal(cnt[2] + cnt[3], 0);

		f.n[0].weight = 0;
		fx_build(&f);
		fx_count(&f, 50, cnt);
		assert_int_equal(cnt[1], 50);

		f.n[1].weight = 0;
		fx_build(&f);
		lb_count_usable(&f.p, &act, &bck);
		assert_int_equal(act, 0);
		fx_count(&f, 50, cnt);
		assert_int_equal(cnt[3], 50);

		/* the first backup goes down: the next one takes over */
		f.n[3].weight = 0;
		fx_build(&f);
		fx_count(&f, 20, cnt);
		assert_int_equal(cnt[2], 20);
		fx_free(&f);
	}
}

static void test_allbackups_balances_among_backups(void **state)
{
	const unsigned w[] = { 0, 1, 1, 2 };
	unsigned cnt[MAXN];
	char key[32];
	struct fx f;
	unsigned i;
	int k;

	(void)state;
	fx_init(&f, LB_ROUNDROBIN, w, 4);
	f.n[1].backup = f.n[2].backup = f.n[3].backup = 1;
	f.p.allbackups = 1;
	fx_build(&f);
	fx_count(&f, 400, cnt);
	assert_int_equal(cnt[1], 100);
	assert_int_equal(cnt[2], 100);
	assert_int_equal(cnt[3], 200);

	/* the same for a hash algorithm */
	f.p.algo = LB_SOURCE;
	fx_build(&f);
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < 4000; i++) {
		k = fx_pick(&f, key, key_for(LB_SOURCE, i, key, sizeof(key)), NULL, NULL);
		cnt[k]++;
	}
	assert_in_range(cnt[1], 850, 1150);
	assert_in_range(cnt[3], 1700, 2300);

	/* an active coming back takes everything */
	f.n[0].weight = 1;
	fx_build(&f);
	fx_count(&f, 20, cnt);
	assert_int_equal(cnt[0], 20);
	fx_free(&f);
}

static void test_weight_zero_never_picked_by_any_algorithm(void **state)
{
	const unsigned w[] = { 2, 0, 1 };
	unsigned i;
	char key[32];
	enum lb_algo a;
	struct fx f;

	(void)state;
	for (a = 0; a < LB_ALGO_COUNT; a++) {
		fx_init(&f, a, w, 3);
		f.n[1].cur = 0;
		for (i = 0; i < 300; i++) {
			size_t len = key_for(a, i, key, sizeof(key));

			assert_int_not_equal(fx_pick(&f, key, len, NULL, NULL), 1);
			assert_int_not_equal(fx_pick(&f, NULL, 0, NULL, NULL), 1);
		}
		fx_free(&f);
	}
}

static void test_avoid_used_only_as_last_resort(void **state)
{
	const unsigned w[] = { 1, 1, 1 };
	const unsigned w1[] = { 1 };
	enum lb_algo a;
	struct fx f;
	unsigned i;
	int k;

	(void)state;
	for (a = 0; a < LB_ALGO_COUNT; a++) {
		fx_init(&f, a, w, 3);
		for (i = 0; i < 60; i++) {
			k = fx_pick(&f, "k", 1, &f.n[i % 3], NULL);
			assert_true(k >= 0);
			assert_int_not_equal(k, (int)(i % 3));
			assert_int_not_equal(fx_pick(&f, NULL, 0, &f.n[0], NULL), 0);
		}
		/* the others full: avoid it is */
		f.n[1].maxconn = f.n[2].maxconn = 1;
		f.n[1].cur = f.n[2].cur = 1;
		if (a != LB_SOURCE && a != LB_URI && a != LB_URL_PARAM && a != LB_HDR)
			assert_int_equal(fx_pick(&f, NULL, 0, &f.n[0], NULL), 0);
		fx_free(&f);

		fx_init(&f, a, w1, 1);
		assert_int_equal(fx_pick(&f, "k", 1, &f.n[0], NULL), 0);
		assert_int_equal(fx_pick(&f, NULL, 0, &f.n[0], NULL), 0);
		fx_free(&f);
	}
}

static void test_empty_and_unbuilt_pools(void **state)
{
	struct lb_pool p;
	int full = -1;

	(void)state;
	memset(&p, 0, sizeof(p));
	lb_pool_free(&p);
	assert_null(lb_pick(&p, NULL, 0, NULL, &full));
	assert_int_equal(full, 0);
	assert_int_equal(lb_pool_build(&p), 0);
	assert_null(lb_pick(&p, "x", 1, NULL, NULL));
	lb_pool_free(&p);
	lb_pool_free(&p);
}

static void test_oversized_table_keeps_old_one(void **state)
{
	const unsigned w[] = { 1, 1 };
	struct fx f;

	(void)state;
	fx_init(&f, LB_STATIC_RR, w, 2);
	f.n[0].weight = 1u << 23;
	assert_int_equal(lb_pool_build(&f.p), -1);
	f.n[0].weight = 1;
	assert_true(fx_pick(&f, NULL, 0, NULL, NULL) >= 0);
	fx_free(&f);
}

/* ---- "balance" parsing ---- */

static int parse(struct lb_pool *p, const char *line, const char **name,
		 char *store, size_t storelen, char *err, size_t errlen)
{
	char *argv[8];
	int argc = 0;
	char *tok, *save = NULL;

	snprintf(store, storelen, "%s", line);
	for (tok = strtok_r(store, " ", &save); tok && argc < 8;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	err[0] = '\0';
	return lb_parse_balance(p, argc, argv, name, err, errlen);
}

static void test_parse_balance_accepts_haproxy_syntax(void **state)
{
	const struct {
		const char *line;
		enum lb_algo algo;
	} ok[] = {
		{ "roundrobin", LB_ROUNDROBIN }, { "static-rr", LB_STATIC_RR },
		{ "leastconn", LB_LEASTCONN }, { "first", LB_FIRST },
		{ "source", LB_SOURCE }, { "uri", LB_URI },
		{ "random", LB_RANDOM },
	};
	char store[128], err[512];
	const char *name;
	struct lb_pool p;
	size_t i;

	(void)state;
	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse(&p, ok[i].line, &name, store, sizeof(store),
				       err, sizeof(err)), 0);
		assert_int_equal(p.algo, ok[i].algo);
		assert_null(name);
		assert_string_equal(lb_algo_names[p.algo], ok[i].line);
	}
	assert_int_equal(p.draws, 2);

	assert_int_equal(parse(&p, "uri len 12 whole depth 3", &name, store,
			       sizeof(store), err, sizeof(err)), 0);
	assert_int_equal(p.algo, LB_URI);
	assert_int_equal(p.uri_len, 12);
	assert_int_equal(p.uri_depth, 3);
	assert_int_equal(p.uri_whole, 1);

	assert_int_equal(parse(&p, "url_param userid", &name, store, sizeof(store),
			       err, sizeof(err)), 0);
	assert_int_equal(p.algo, LB_URL_PARAM);
	assert_string_equal(name, "userid");
	assert_int_equal(p.uri_len, 0);		/* options of uri reset */

	assert_int_equal(parse(&p, "hdr(X-Tenant)", &name, store, sizeof(store),
			       err, sizeof(err)), 0);
	assert_int_equal(p.algo, LB_HDR);
	assert_string_equal(name, "X-Tenant");

	assert_int_equal(parse(&p, "random(5)", &name, store, sizeof(store),
			       err, sizeof(err)), 0);
	assert_int_equal(p.algo, LB_RANDOM);
	assert_int_equal(p.draws, 5);
	assert_int_equal(parse(&p, "random(1)", &name, store, sizeof(store),
			       err, sizeof(err)), 0);
	assert_int_equal(p.draws, 1);
	/* NULL arg_name and err are allowed */
	assert_int_equal(lb_parse_balance(&p, 1, (char *[]){ "first" }, NULL, NULL, 0), 0);
	assert_int_equal(p.algo, LB_FIRST);
}

static void test_parse_balance_rejects_with_messages(void **state)
{
	const struct {
		const char *line;
		const char *msg;
	} bad[] = {
		{ "foo", "unknown 'balance' algorithm 'foo'" },
		{ "foo", "'roundrobin', 'static-rr', 'leastconn', 'first', 'source'" },
		{ "foo", "'hdr(<name>)', 'random[(<draws>)]')" },
		{ "roundrobin(2)", "unknown 'balance' algorithm 'roundrobin(2)'" },
		{ "roundrobin 2", "'balance roundrobin' takes no argument, got '2'" },
		{ "rdp-cookie", "'balance rdp-cookie' is not supported yet" },
		{ "rdp-cookie(mstshash)", "not supported yet" },
		{ "hash req.cookie(id)", "'balance hash' is not supported yet" },
		{ "url_param", "'balance url_param' expects a parameter name" },
		{ "url_param id check_post", "'balance url_param id check_post' is not supported yet" },
		{ "url_param id check_post 64", "not supported yet" },
		{ "url_param id extra", "unexpected 'extra'" },
		{ "hdr", "expects a header name: 'hdr(<name>)', got 'hdr'" },
		{ "hdr()", "expects a header name" },
		{ "hdr(Host", "expects a header name" },
		{ "hdr(a(b))", "expects a header name" },
		{ "hdr(Host) use_domain_only", "'balance hdr(Host) use_domain_only' is not supported yet" },
		{ "hdr(Host) x", "unexpected 'x'" },
		{ "random(0)", "draws must be an integer from 1 to 1000" },
		{ "random(-1)", "draws must be an integer" },
		{ "random(x)", "draws must be an integer" },
		{ "random()", "draws must be an integer" },
		{ "random(1001)", "draws must be an integer" },
		{ "random(2", "draws must be an integer" },
		{ "random 2", "takes no argument" },
		{ "uri len", "'balance uri len' expects a positive integer, got ''" },
		{ "uri len 0", "'balance uri len' expects a positive integer, got '0'" },
		{ "uri depth abc", "'balance uri depth' expects a positive integer, got 'abc'" },
		{ "uri len 99999999999", "expects a positive integer" },
		{ "uri foo", "'balance uri': unknown option 'foo'" },
		{ "uri path-only", "'balance uri path-only' is not supported yet" },
	};
	char store[128], err[512];
	const char *name = "untouched";
	struct lb_pool p;
	size_t i;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.algo = LB_LEASTCONN;
	p.draws = 7;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&p, bad[i].line, &name, store, sizeof(store),
				       err, sizeof(err)), -1);
		if (!strstr(err, bad[i].msg))
			fail_msg("'%s': got \"%s\", want \"%s\"", bad[i].line, err, bad[i].msg);
		/* the pool is untouched */
		assert_int_equal(p.algo, LB_LEASTCONN);
		assert_int_equal(p.draws, 7);
	}
	assert_int_equal(lb_parse_balance(&p, 0, NULL, &name, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown 'balance' algorithm"));
	/* a short buffer truncates, never overflows */
	assert_int_equal(parse(&p, "foo", &name, store, sizeof(store), err, 8), -1);
	assert_int_equal(strlen(err), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rr_weights_exact_and_smooth),
		cmocka_unit_test(test_rr_skewed_weights_stay_smooth),
		cmocka_unit_test(test_rr_weight_change_midstream),
		cmocka_unit_test(test_rr_weight_drop_leaves_no_burst),
		cmocka_unit_test(test_rr_down_node_gets_nothing),
		cmocka_unit_test(test_rr_skips_full_and_reports_all_full),
		cmocka_unit_test(test_static_rr_exact_ratios),
		cmocka_unit_test(test_leastconn_picks_least_loaded),
		cmocka_unit_test(test_leastconn_cycles_among_equals),
		cmocka_unit_test(test_leastconn_respects_weights),
		cmocka_unit_test(test_first_fills_in_id_order),
		cmocka_unit_test(test_hash_same_key_same_node_and_weighted_spread),
		cmocka_unit_test(test_consistent_removal_moves_only_its_keys),
		cmocka_unit_test(test_map_based_removal_moves_more),
		cmocka_unit_test(test_hash_full_node_returned_with_flag),
		cmocka_unit_test(test_hash_without_key_falls_back_to_rr),
		cmocka_unit_test(test_uri_trimming),
		cmocka_unit_test(test_uri_options_drive_the_choice),
		cmocka_unit_test(test_hash_function_spreads_keys),
		cmocka_unit_test(test_random_prefers_less_loaded),
		cmocka_unit_test(test_random_is_weighted_and_skips_full),
		cmocka_unit_test(test_backup_only_when_all_actives_down),
		cmocka_unit_test(test_allbackups_balances_among_backups),
		cmocka_unit_test(test_weight_zero_never_picked_by_any_algorithm),
		cmocka_unit_test(test_avoid_used_only_as_last_resort),
		cmocka_unit_test(test_empty_and_unbuilt_pools),
		cmocka_unit_test(test_oversized_table_keeps_old_one),
		cmocka_unit_test(test_parse_balance_accepts_haproxy_syntax),
		cmocka_unit_test(test_parse_balance_rejects_with_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
