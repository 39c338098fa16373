/*
 * test_agentx_table.c - GET and GETNEXT over agx tables: a walk visits
 * every instance once, in OID order (column by column, rows by index,
 * shorter indexes first), skips absent cells, and gives the same answers
 * whether the table lists its rows sorted (binary search) or in any
 * order (scan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agentx.h"

struct trow {
	uint32_t idx[4];
	size_t n;
	unsigned missing_col;		/* a column this row has no value for */
};

struct tt {
	const struct trow *rows;
	const size_t *order;		/* row i is rows[order[i]] */
	size_t n;
};

static int t_row(void *arg, size_t i, uint32_t *idx, size_t *n)
{
	const struct tt *t = arg;

	if (i >= t->n)
		return -1;
	memcpy(idx, t->rows[t->order[i]].idx, t->rows[t->order[i]].n * sizeof(*idx));
	*n = t->rows[t->order[i]].n;
	return 0;
}

static int t_get(void *arg, size_t i, unsigned col, struct agx_value *v)
{
	const struct tt *t = arg;

	if (i >= t->n || col == t->rows[t->order[i]].missing_col)
		return -1;
	/* the value says which cell it is: column * 1000 + first index */
	agx_set_uint(v, AGX_UNSIGNED, col * 1000u + t->rows[t->order[i]].idx[0]);
	return 0;
}

static size_t t_count(void *arg)
{
	return ((const struct tt *)arg)->n;
}

static const uint32_t entry[] = { 1, 3, 6, 1, 4, 1, 32473, 9, 1 };
#define ELEN	(sizeof(entry) / sizeof(entry[0]))

/* sorted by index: (1) (2) (2.5) (3.1) (10) ; row (3.1) lacks column 3 */
static const struct trow rows[] = {
	{ { 1 }, 1, 0 }, { { 2 }, 1, 0 }, { { 2, 5 }, 2, 0 }, { { 3, 1 }, 2, 3 },
	{ { 10 }, 1, 0 },
};
static const size_t sorted_order[] = { 0, 1, 2, 3, 4 };
static const size_t mixed_order[] = { 4, 2, 0, 3, 1 };

static struct agx_table table(struct tt *tt, int sorted)
{
	struct agx_table t = { "t", entry, ELEN, 2, 3, t_row, t_get, tt,
			       sorted ? t_count : NULL };

	tt->rows = rows;
	tt->order = sorted ? sorted_order : mixed_order;
	tt->n = 5;
	return t;
}

static void walk(int sorted)
{
	struct tt tt;
	struct agx_table t = table(&tt, sorted);
	uint32_t req[AGX_OID_MAX] = { 1, 3 }, name[AGX_OID_MAX];
	size_t rlen = 2, len;
	struct agx_value v;
	/* column 2: every row; column 3: all but (3.1) */
	static const uint32_t want[][2] = {
		{ 2, 1 }, { 2, 2 }, { 2, 2 }, { 2, 3 }, { 2, 10 },
		{ 3, 1 }, { 3, 2 }, { 3, 2 }, { 3, 10 },
	};
	size_t seen = 0;

	while (agx_table_next(&t, req, rlen, name, &len, &v) == 0) {
		assert_true(seen < 9);
		assert_memory_equal(name, entry, sizeof(entry));
		assert_int_equal(name[ELEN], want[seen][0]);
		assert_int_equal(name[ELEN + 1], want[seen][1]);
		assert_int_equal(v.u, want[seen][0] * 1000u + want[seen][1]);
		/* the instance found is what GET returns */
		assert_int_equal(agx_table_get(&t, name, len, &v), 0);
		assert_int_equal(v.u, want[seen][0] * 1000u + want[seen][1]);
		memcpy(req, name, len * sizeof(*name));
		rlen = len;
		seen++;
	}
	assert_int_equal(seen, 9);
}

static void test_walk_sorted(void **state)
{
	(void)state;
	walk(1);
}

static void test_walk_unsorted(void **state)
{
	(void)state;
	walk(0);
}

static void test_get_and_edges(void **state)
{
	for (int sorted = 0; sorted < 2; sorted++) {
		struct tt tt;
		struct agx_table t = table(&tt, sorted);
		uint32_t r[AGX_OID_MAX], name[AGX_OID_MAX];
		size_t len;
		struct agx_value v;

		(void)state;
		memcpy(r, entry, sizeof(entry));
		/* column 3 of (3.1) is absent; (3) is no row; column 4 none */
		r[ELEN] = 3, r[ELEN + 1] = 3, r[ELEN + 2] = 1;
		assert_int_equal(agx_table_get(&t, r, ELEN + 3, &v), AGX_NO_INSTANCE);
		r[ELEN] = 2;
		assert_int_equal(agx_table_get(&t, r, ELEN + 3, &v), 0);
		assert_int_equal(agx_table_get(&t, r, ELEN + 2, &v), AGX_NO_INSTANCE);
		r[ELEN] = 4;
		assert_int_equal(agx_table_get(&t, r, ELEN + 2, &v), AGX_NO_OBJECT);
		r[ELEN] = 1;
		assert_int_equal(agx_table_get(&t, r, ELEN + 2, &v), AGX_NO_OBJECT);
		/* after (2) comes (2.5), after (3.1) in column 3 comes (10) */
		r[ELEN] = 2, r[ELEN + 1] = 2;
		assert_int_equal(agx_table_next(&t, r, ELEN + 2, name, &len, &v), 0);
		assert_int_equal(len, ELEN + 3);
		assert_int_equal(name[ELEN + 2], 5);
		r[ELEN] = 3, r[ELEN + 1] = 3, r[ELEN + 2] = 1;
		assert_int_equal(agx_table_next(&t, r, ELEN + 3, name, &len, &v), 0);
		assert_int_equal(name[ELEN + 1], 10);
		/* past the last instance, and past the table */
		r[ELEN] = 3, r[ELEN + 1] = 10;
		assert_int_equal(agx_table_next(&t, r, ELEN + 2, name, &len, &v), -1);
		r[ELEN - 1] = 2;
		assert_int_equal(agx_table_next(&t, r, ELEN, name, &len, &v), -1);
		/* before the table: its first instance */
		r[ELEN - 1] = 0;
		assert_int_equal(agx_table_next(&t, r, ELEN, name, &len, &v), 0);
		assert_int_equal(name[ELEN], 2);
		assert_int_equal(name[ELEN + 1], 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_sorted),
		cmocka_unit_test(test_walk_unsorted),
		cmocka_unit_test(test_get_and_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
