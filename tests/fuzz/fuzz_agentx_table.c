/*
 * fuzz_agentx_table.c - libFuzzer target for the GET/GETNEXT lookups of
 * shared/agentx_table.c: the request OID is what an AgentX master sends.
 * The input makes a table (rows with indexes of 0 to 4 sub-identifiers,
 * cells missing here and there) and a request; the answers must be the
 * same whether the table gives its rows sorted (binary search) or
 * shuffled (scan), a GETNEXT answer must follow the request in OID order
 * and GET must find it again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agentx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROWS	16

struct frow {
	uint32_t idx[4];
	size_t n;
	unsigned missing;
};

struct ft {
	struct frow rows[ROWS];
	size_t order[ROWS];
	size_t n;
};

static int f_row(void *arg, size_t i, uint32_t *idx, size_t *n)
{
	const struct ft *t = arg;

	if (i >= t->n)
		return -1;
	memcpy(idx, t->rows[t->order[i]].idx, t->rows[t->order[i]].n * sizeof(*idx));
	*n = t->rows[t->order[i]].n;
	return 0;
}

static int f_get(void *arg, size_t i, unsigned col, struct agx_value *v)
{
	const struct ft *t = arg;

	if (i >= t->n || col == t->rows[t->order[i]].missing)
		return -1;
	agx_set_uint(v, AGX_UNSIGNED, col * 100u + t->order[i]);
	return 0;
}

static size_t f_count(void *arg)
{
	return ((const struct ft *)arg)->n;
}

static int idx_cmp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	for (size_t i = 0; i < na && i < nb; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return na < nb ? -1 : na > nb;
}

static int row_cmp(const void *a, const void *b)
{
	const struct frow *x = a, *y = b;

	return idx_cmp(x->idx, x->n, y->idx, y->n);
}

static uint8_t take(const uint8_t **d, size_t *n)
{
	uint8_t c = *n ? **d : 0;

	if (*n) {
		(*d)++;
		(*n)--;
	}
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t entry[] = { 1, 3, 6, 1, 4, 1, 32473, 9, 1 };
	struct ft sorted = { 0 }, shuffled;
	struct agx_table ts = { "s", entry, 9, 2, 4, f_row, f_get, &sorted, f_count };
	struct agx_table tu = { "u", entry, 9, 2, 4, f_row, f_get, &shuffled, NULL };
	uint32_t req[AGX_OID_MAX], n1[AGX_OID_MAX], n2[AGX_OID_MAX];
	size_t rlen, l1 = 0, l2 = 0, k = 0;
	struct agx_value v1, v2;
	int r1, r2;

	/* rows with distinct indexes (small values, so they collide often) */
	for (size_t r = take(&data, &size) % ROWS; r > 0; r--) {
		struct frow *f = &sorted.rows[sorted.n];

		f->n = take(&data, &size) % 5;
		for (size_t i = 0; i < f->n; i++)
			f->idx[i] = take(&data, &size) % 4;
		f->missing = take(&data, &size) % 6;
		for (k = 0; k < sorted.n; k++)
			if (idx_cmp(sorted.rows[k].idx, sorted.rows[k].n, f->idx, f->n) == 0)
				break;
		if (k == sorted.n)
			sorted.n++;
	}
	qsort(sorted.rows, sorted.n, sizeof(sorted.rows[0]), row_cmp);
	for (size_t i = 0; i < sorted.n; i++)
		sorted.order[i] = i;
	shuffled = sorted;
	for (size_t i = sorted.n; i > 1; i--) {
		size_t j = take(&data, &size) % i, t = shuffled.order[i - 1];

		shuffled.order[i - 1] = shuffled.order[j];
		shuffled.order[j] = t;
	}
	/* the request: around the table's prefix, then small numbers */
	rlen = take(&data, &size) % (AGX_OID_MAX + 1);
	for (size_t i = 0; i < rlen; i++) {
		uint8_t c = take(&data, &size);

		req[i] = i < 9 && c < 200 ? entry[i] : c == 255 ? UINT32_MAX : c % 8;
	}
	r1 = agx_table_next(&ts, req, rlen, n1, &l1, &v1);
	r2 = agx_table_next(&tu, req, rlen, n2, &l2, &v2);
	if (r1 != r2)
		abort();
	if (r1 == 0) {
		if (l1 != l2 || memcmp(n1, n2, l1 * sizeof(*n1)) || v1.u != v2.u)
			abort();
		if (idx_cmp(n1, l1, req, rlen) <= 0)
			abort();	/* GETNEXT must move forward */
		if (agx_table_get(&ts, n1, l1, &v2) != 0 || v2.u != v1.u ||
		    agx_table_get(&tu, n1, l1, &v2) != 0 || v2.u != v1.u)
			abort();
	}
	if (agx_table_get(&ts, req, rlen, &v1) != agx_table_get(&tu, req, rlen, &v2))
		abort();
	return 0;
}
