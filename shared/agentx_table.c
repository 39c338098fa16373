/*
 * agentx_table.c - GET and GETNEXT over an agx_table (agentx.h): which
 * instance a request names or follows, in OID order. Pure: no net-snmp,
 * no I/O, no allocation, so the unit tests and a fuzzer drive it
 * directly; agentx.c hands it the requests net-snmp reads.
 */
#include <string.h>

#include "agentx.h"

/* <0, 0, >0 like memcmp, a prefix sorting first (OID order) */
static int idx_cmp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	for (size_t i = 0; i < na && i < nb; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return na < nb ? -1 : na > nb;
}

/* Sorted tables: the first row at or after which the answer lies (the
 * first whose index is >= key when exact, > key otherwise). */
static size_t sorted_lower(const struct agx_table *t, size_t n,
			   const uint32_t *key, size_t nkey, int exact)
{
	size_t lo = 0, hi = n;

	if (!key)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, m = 0;
		uint32_t idx[AGX_OID_MAX];
		int c;

		if (t->row(t->arg, mid, idx, &m) != 0)
			return n;
		c = idx_cmp(idx, m, key, nkey);
		if (exact ? c >= 0 : c > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The row of t whose index is the smallest above (or, exact, equal to)
 * key[0..nkey) having column col; key NULL: the first. -1 if none. */
static long find_row(const struct agx_table *t, unsigned col,
		     const uint32_t *key, size_t nkey, int exact,
		     uint32_t *best, size_t *nbest, struct agx_value *v)
{
	size_t max = AGX_OID_MAX - t->entry_len - 1;
	size_t n = t->count ? t->count(t->arg) : 100000;
	size_t start = t->count ? sorted_lower(t, n, key, nkey, exact) : 0;
	long found = -1;

	for (size_t i = start; i < n; i++) {
		uint32_t idx[AGX_OID_MAX];
		size_t m = 0;
		int c;

		if (t->row(t->arg, i, idx, &m) != 0)
			break;
		if (m > max)
			continue;
		c = key ? idx_cmp(idx, m, key, nkey) : 1;
		if (exact ? c != 0 : c <= 0) {
			if (t->count && exact)
				break;	/* sorted: past the key */
			continue;
		}
		if (found >= 0 && idx_cmp(idx, m, best, *nbest) >= 0)
			continue;
		if (t->get(t->arg, i, col, v) != 0)
			continue;
		memcpy(best, idx, m * sizeof(*idx));
		*nbest = m;
		found = (long)i;
		if (exact || t->count)
			break;	/* sorted: the first one with the column */
	}
	if (found >= 0)	/* v holds the last row read: read the winner again */
		t->get(t->arg, (size_t)found, col, v);
	return found;
}

/* Where the request r falls in t: -1 before the table, 0 inside (col and
 * key set; nkey may be 0), 1 after it. */
static int locate(const struct agx_table *t, const uint32_t *r, size_t rlen,
		  unsigned *col, uint32_t *key, size_t *nkey)
{
	size_t i;

	*nkey = 0;
	for (i = 0; i < t->entry_len && i < rlen; i++)
		if (r[i] != t->entry[i])
			return r[i] < t->entry[i] ? -1 : 1;
	if (rlen <= t->entry_len)
		return -1;
	*col = r[i++];
	for (; i < rlen && *nkey < AGX_OID_MAX; i++)
		key[(*nkey)++] = r[i];
	return 0;
}

int agx_table_get(const struct agx_table *t, const uint32_t *r, size_t rlen,
		  struct agx_value *v)
{
	uint32_t key[AGX_OID_MAX], best[AGX_OID_MAX];
	size_t nkey, nbest = 0;
	unsigned col = 0;

	if (locate(t, r, rlen, &col, key, &nkey) != 0 || col < t->col_min ||
	    col > t->col_max)
		return AGX_NO_OBJECT;
	if (find_row(t, col, key, nkey, 1, best, &nbest, v) < 0)
		return AGX_NO_INSTANCE;
	return 0;
}

int agx_table_next(const struct agx_table *t, const uint32_t *r, size_t rlen,
		   uint32_t *name, size_t *len, struct agx_value *v)
{
	uint32_t key[AGX_OID_MAX], best[AGX_OID_MAX];
	size_t nkey = 0, nbest = 0;
	unsigned col = t->col_min;
	int where = locate(t, r, rlen, &col, key, &nkey);
	const uint32_t *k = key;

	if (where > 0)
		return -1;
	/* before the table or its first column: from the first row; inside
	 * a column, after the key (an empty key still excludes a row with an
	 * empty index: that instance is the request itself) */
	if (where < 0 || col < t->col_min) {
		col = t->col_min;
		k = NULL;
	}
	for (; col <= t->col_max; col++, k = NULL) {
		if (find_row(t, col, k, nkey, 0, best, &nbest, v) < 0)
			continue;
		memcpy(name, t->entry, t->entry_len * sizeof(*name));
		name[t->entry_len] = col;
		memcpy(name + t->entry_len + 1, best, nbest * sizeof(*name));
		*len = t->entry_len + 1 + nbest;
		return 0;
	}
	return -1;
}
