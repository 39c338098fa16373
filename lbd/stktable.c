/*
 * stktable.c - stick tables (see stktable.h). One mutex per table guards
 * its hash, LRU list and counters: every access is a few hundred cycles
 * under it, shared by at most the worker threads.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "cfg_lex.h"
#include "proxy.h"
#include "sample.h"
#include "sbuf.h"
#include "stktable.h"

const char *const stkt_data_names[STKT_DATA_COUNT] = {
	[STKT_SERVER_ID] = "server_id", [STKT_GPC0] = "gpc0",
	[STKT_GPC0_RATE] = "gpc0_rate", [STKT_CONN_CNT] = "conn_cnt",
	[STKT_CONN_CUR] = "conn_cur", [STKT_CONN_RATE] = "conn_rate",
	[STKT_SESS_CNT] = "sess_cnt", [STKT_SESS_RATE] = "sess_rate",
	[STKT_HTTP_REQ_CNT] = "http_req_cnt", [STKT_HTTP_REQ_RATE] = "http_req_rate",
	[STKT_HTTP_ERR_CNT] = "http_err_cnt", [STKT_HTTP_ERR_RATE] = "http_err_rate",
	[STKT_BYTES_IN_CNT] = "bytes_in_cnt", [STKT_BYTES_IN_RATE] = "bytes_in_rate",
	[STKT_BYTES_OUT_CNT] = "bytes_out_cnt", [STKT_BYTES_OUT_RATE] = "bytes_out_rate",
};

enum stkt_type { STKT_T_IP, STKT_T_IPV6, STKT_T_INT, STKT_T_STR, STKT_T_BIN };
static const char *const stkt_type_names[] = {
	[STKT_T_IP] = "ip", [STKT_T_IPV6] = "ipv6", [STKT_T_INT] = "integer",
	[STKT_T_STR] = "string", [STKT_T_BIN] = "binary",
};

#define STKT_STR_LEN	32		/* default "len" of string keys */
#define STKT_MAX_LEN	1024
#define STKT_MAX_SIZE	(16u << 20)	/* entries */

/* A sliding-window rate: events in the current period and the previous
 * one, the current period starting at curr_ms. */
struct stkt_rate {
	uint32_t curr, prev;
	uint64_t curr_ms;
};

struct stkt_entry {
	struct stkt_entry *hnext;
	struct stkt_entry *lprev, *lnext;	/* LRU: head most recent */
	uint64_t expire_ms;
	unsigned ref;
	uint64_t cnt[STKT_DATA_COUNT];		/* counters (by enum index) */
	struct stkt_rate rate[STKT_DATA_COUNT];	/* used for the *_RATE ones */
	int64_t conn_cur;
	uint32_t hash;
	uint16_t klen;
	unsigned char key[];
};

struct stktable {
	struct proxy *px;
	const struct proxy *stick_be;		/* whose servers server_id names */
	enum stkt_type type;
	unsigned keylen;			/* string/binary: max; others fixed */
	unsigned size;
	uint32_t expire_ms;			/* 0: never */
	int nopurge;
	unsigned store;				/* 1 << enum stkt_data */
	uint32_t period[STKT_DATA_COUNT];	/* ms, for the rates */
	pthread_mutex_t lock;
	struct stkt_entry **buckets;
	uint32_t nbuckets;			/* power of two */
	struct stkt_entry *lru_head, *lru_tail;
	unsigned used;
};

/* ---- time and rates ---- */

static uint64_t stkt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Move the window so that now falls in the current period. */
static void stkt_rate_roll(struct stkt_rate *r, uint32_t period, uint64_t now)
{
	if (!period)
		return;
	if (now < r->curr_ms + period)
		return;
	/* periods follow each other from the entry's first event, so a burst
	 * shorter than a period is always seen whole */
	if (now < r->curr_ms + 2ull * period) {
		r->prev = r->curr;
		r->curr_ms += period;
	} else {
		r->prev = 0;
		r->curr_ms += (now - r->curr_ms) / period * period;
	}
	r->curr = 0;
}

static void stkt_rate_add(struct stkt_rate *r, uint32_t period, uint64_t now,
			  uint32_t n)
{
	stkt_rate_roll(r, period, now);
	r->curr += n;
}

/* events over the last period: the previous period weighted by how much
 * of it is still inside the window, plus the current one */
static int64_t stkt_rate_read(struct stkt_rate *r, uint32_t period, uint64_t now)
{
	uint64_t elapsed;

	if (!period)
		return 0;
	stkt_rate_roll(r, period, now);
	elapsed = now - r->curr_ms;
	return (int64_t)r->curr + (int64_t)(((uint64_t)r->prev * (period - elapsed)) / period);
}

/* ---- configuration ---- */

void stkt_free(struct stktable *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; t->buckets && i < t->nbuckets; i++)
		while (t->buckets[i]) {
			struct stkt_entry *e = t->buckets[i];

			t->buckets[i] = e->hnext;
			free(e);
		}
	free(t->buckets);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

struct stktable *stkt_of(const struct proxy *px)
{
	return px ? px->table : NULL;
}

/* "store a,b(10s),c" (may be given several times) */
static int stkt_cfg_store(struct cfg_ctx *ctx, struct stktable *t, const char *list)
{
	char buf[512], *save = NULL;

	if (strlen(list) >= sizeof(buf)) {
		cfg_err(ctx, "'stick-table store': list too long.");
		return -1;
	}
	strcpy(buf, list);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		char *paren = strchr(w, '('), err[128];
		int d;

		if (paren)
			*paren++ = '\0';
		for (d = 0; d < STKT_DATA_COUNT; d++)
			if (strcmp(w, stkt_data_names[d]) == 0)
				break;
		if (d == STKT_DATA_COUNT) {
			if (strncmp(w, "gpc", 3) == 0 || strncmp(w, "gpt", 3) == 0 ||
			    strncmp(w, "glitch", 6) == 0 || strncmp(w, "http_fail", 9) == 0)
				cfg_err(ctx, "'stick-table store %s' is not supported yet.", w);
			else
				cfg_err(ctx, "'stick-table store': unknown data type '%s'.", w);
			return -1;
		}
		if (strstr(stkt_data_names[d], "_rate")) {
			char *close = paren ? strchr(paren, ')') : NULL;

			if (!close || close[1]) {
				cfg_err(ctx, "'stick-table store %s' expects a period, as "
					"in '%s(10s)'.", w, w);
				return -1;
			}
			*close = '\0';
			if (cfg_parse_time_ms(paren, &t->period[d], err, sizeof(err)) < 0 ||
			    !t->period[d]) {
				cfg_err(ctx, "'stick-table store %s': invalid period '%s'.", w, paren);
				return -1;
			}
		} else if (paren) {
			cfg_err(ctx, "'stick-table store %s' takes no argument.", w);
			return -1;
		}
		t->store |= 1u << d;
	}
	return 0;
}

static int stkt_cfg_words(struct cfg_ctx *ctx, struct stktable *t, int argc, char **argv)
{
	char err[128];
	uint64_t v;

	for (int i = 1; i < argc; i++) {
		const char *k = argv[i];

		if (strcmp(k, "nopurge") == 0) {
			t->nopurge = 1;
			continue;
		}
		if (i + 1 >= argc) {
			cfg_err(ctx, "'stick-table %s' expects a value.", k);
			return -1;
		}
		if (strcmp(k, "type") == 0) {
			const char *ty = argv[++i];
			unsigned n;

			for (n = 0; n < sizeof(stkt_type_names) / sizeof(stkt_type_names[0]); n++)
				if (strcmp(ty, stkt_type_names[n]) == 0)
					break;
			if (n == sizeof(stkt_type_names) / sizeof(stkt_type_names[0])) {
				cfg_err(ctx, "'stick-table type': unknown type '%s' (expected "
					"ip, ipv6, integer, string or binary).", ty);
				return -1;
			}
			t->type = (enum stkt_type)n;
			t->keylen = t->type == STKT_T_IP ? 4 : t->type == STKT_T_IPV6 ? 16 :
				    t->type == STKT_T_INT ? 8 : STKT_STR_LEN;
			if (i + 2 < argc && strcmp(argv[i + 1], "len") == 0) {
				if ((t->type != STKT_T_STR && t->type != STKT_T_BIN) ||
				    cfg_parse_size(argv[i + 2], &v, err, sizeof(err)) < 0 ||
				    !v || v > STKT_MAX_LEN) {
					cfg_err(ctx, "'stick-table type %s len %s': invalid "
						"(1 to %d, string and binary only).", ty,
						argv[i + 2], STKT_MAX_LEN);
					return -1;
				}
				t->keylen = (unsigned)v;
				i += 2;
			}
		} else if (strcmp(k, "size") == 0) {
			if (cfg_parse_size(argv[++i], &v, err, sizeof(err)) < 0 || !v ||
			    v > STKT_MAX_SIZE) {
				cfg_err(ctx, "'stick-table size %s': expected 1 to %u entries.",
					argv[i], STKT_MAX_SIZE);
				return -1;
			}
			t->size = (unsigned)v;
		} else if (strcmp(k, "expire") == 0) {
			if (cfg_parse_time_ms(argv[++i], &t->expire_ms, err, sizeof(err)) < 0) {
				cfg_err(ctx, "'stick-table expire': %s.", err);
				return -1;
			}
		} else if (strcmp(k, "store") == 0) {
			if (stkt_cfg_store(ctx, t, argv[++i]) < 0)
				return -1;
		} else if (strcmp(k, "peers") == 0 || strcmp(k, "srvkey") == 0 ||
			   strcmp(k, "write-to") == 0 || strcmp(k, "recv-only") == 0) {
			cfg_err(ctx, "'stick-table %s' is not supported yet.", k);
			return -1;
		} else {
			cfg_err(ctx, "'stick-table': unknown argument '%s'.", k);
			return -1;
		}
	}
	return 0;
}

int stkt_cfg(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct stktable *t;

	if (ctx->cur->table) {
		cfg_err(ctx, "only one 'stick-table' per proxy.");
		return 0;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->type = (enum stkt_type)-1;
	if (stkt_cfg_words(ctx, t, argc, argv) < 0)
		goto drop;
	if ((int)t->type < 0 || !t->size) {
		cfg_err(ctx, "'stick-table' needs a 'type' and a 'size'.");
		goto drop;
	}
	if (!t->expire_ms && !t->nopurge)
		cfg_warn(ctx, "'stick-table' without 'expire': entries are only "
			 "removed when the table is full.");
	for (t->nbuckets = 16; t->nbuckets < t->size && t->nbuckets < (1u << 22);)
		t->nbuckets <<= 1;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets || pthread_mutex_init(&t->lock, NULL) != 0) {
		free(t->buckets);
		free(t);
		return -1;
	}
	t->px = ctx->cur;
	ctx->cur->table = t;
	return 0;
drop:
	free(t);
	return 0;
}

/* ---- entries ---- */

static uint32_t stkt_hash(const unsigned char *k, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

/* The key bytes of a sample for this table; 0 or -1. */
static int stkt_key(const struct stktable *t, struct smp *s, unsigned char *k,
		    size_t *n)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	switch (t->type) {
	case STKT_T_IP:
		if (s->type == SMP_T_IPV6 && memcmp(s->v6.s6_addr, mapped, 12) == 0)
			memcpy(k, s->v6.s6_addr + 12, 4);
		else if (s->type == SMP_T_IPV4)
			memcpy(k, &s->v4, 4);
		else
			return -1;
		*n = 4;
		return 0;
	case STKT_T_IPV6:
		if (s->type == SMP_T_IPV4) {
			memcpy(k, mapped, 12);
			memcpy(k + 12, &s->v4, 4);
		} else if (s->type == SMP_T_IPV6) {
			memcpy(k, &s->v6, 16);
		} else {
			return -1;
		}
		*n = 16;
		return 0;
	case STKT_T_INT: {
		/* HAProxy's integer keys are 32-bit unsigned: -7 is 4294967289 */
		uint64_t u;

		if (smp_to_sint(s) < 0)
			return -1;
		u = (uint32_t)s->sint;
		memcpy(k, &u, 8);
		*n = 8;
		return 0;
	}
	default:
		if (s->type != SMP_T_STR)
			return -1;	/* the caller turns numbers into strings */
		*n = s->len < t->keylen ? s->len : t->keylen;
		memcpy(k, s->str, *n);
		if (t->type == STKT_T_BIN) {	/* zero-padded to len, as HAProxy */
			memset(k + *n, 0, t->keylen - *n);
			*n = t->keylen;
		}
		return 0;
	}
}

static void stkt_lru_unlink(struct stktable *t, struct stkt_entry *e)
{
	if (e->lprev)
		e->lprev->lnext = e->lnext;
	else
		t->lru_head = e->lnext;
	if (e->lnext)
		e->lnext->lprev = e->lprev;
	else
		t->lru_tail = e->lprev;
	e->lprev = e->lnext = NULL;
}

static void stkt_lru_front(struct stktable *t, struct stkt_entry *e)
{
	e->lnext = t->lru_head;
	e->lprev = NULL;
	if (t->lru_head)
		t->lru_head->lprev = e;
	t->lru_head = e;
	if (!t->lru_tail)
		t->lru_tail = e;
}

static void stkt_remove(struct stktable *t, struct stkt_entry *e)
{
	struct stkt_entry **pp = &t->buckets[e->hash & (t->nbuckets - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	stkt_lru_unlink(t, e);
	t->used--;
	free(e);
}

/* Drop expired untracked entries from the LRU end, a few at a time. */
static void stkt_purge_some(struct stktable *t, uint64_t now, unsigned max)
{
	while (max-- && t->lru_tail && !t->lru_tail->ref && t->expire_ms &&
	       t->lru_tail->expire_ms <= now)
		stkt_remove(t, t->lru_tail);
}

/* Room for one more entry: the oldest untracked one goes when full. */
static int stkt_make_room(struct stktable *t)
{
	struct stkt_entry *e = t->lru_tail;

	if (t->used < t->size)
		return 0;
	if (t->nopurge)
		return -1;
	for (unsigned tries = 0; e && tries < 64; tries++, e = e->lprev)
		if (!e->ref) {
			stkt_remove(t, e);
			return 0;
		}
	return -1;
}

static struct stkt_entry *stkt_find(struct stktable *t, const unsigned char *k,
				    size_t n, uint32_t h)
{
	for (struct stkt_entry *e = t->buckets[h & (t->nbuckets - 1)]; e; e = e->hnext)
		if (e->hash == h && e->klen == n && memcmp(e->key, k, n) == 0)
			return e;
	return NULL;
}

/* Find or create the entry of key bytes (under the lock); touches it. */
static struct stkt_entry *stkt_get_raw(struct stktable *t, const unsigned char *k,
				       size_t n, int create, uint64_t now)
{
	uint32_t h;
	struct stkt_entry *e;

	h = stkt_hash(k, n);
	e = stkt_find(t, k, n, h);
	if (e && !e->ref && t->expire_ms && e->expire_ms <= now) {
		stkt_remove(t, e);	/* expired: starts over */
		e = NULL;
	}
	if (!e) {
		if (!create)
			return NULL;
		stkt_purge_some(t, now, 2);
		if (stkt_make_room(t) < 0)
			return NULL;
		e = calloc(1, sizeof(*e) + n);
		if (!e)
			return NULL;
		memcpy(e->key, k, n);
		e->klen = (uint16_t)n;
		e->hash = h;
		e->hnext = t->buckets[h & (t->nbuckets - 1)];
		t->buckets[h & (t->nbuckets - 1)] = e;
		t->used++;
		for (int d = 0; d < STKT_DATA_COUNT; d++)
			e->rate[d].curr_ms = now;
	} else {
		stkt_lru_unlink(t, e);
	}
	stkt_lru_front(t, e);
	e->expire_ms = now + t->expire_ms;
	return e;
}

/* Find or create the entry of a key sample (under the lock). */
static struct stkt_entry *stkt_get_entry(struct stktable *t, struct smp *key,
					 int create, uint64_t now)
{
	unsigned char k[STKT_MAX_LEN];
	size_t n;

	if (t->type >= STKT_T_STR && key->type != SMP_T_STR)
		return NULL;
	if (stkt_key(t, key, k, &n) < 0)
		return NULL;
	return stkt_get_raw(t, k, n, create, now);
}

struct stkt_entry *stkt_track(struct stktable *t, struct smp *key)
{
	uint64_t now = stkt_now_ms();
	struct stkt_entry *e;
	struct smp k = *key;
	char buf[32];

	/* string tables take numbers and addresses as text */
	if (t->type >= STKT_T_STR && k.type != SMP_T_STR) {
		if (k.type == SMP_T_IPV4 || k.type == SMP_T_IPV6)
			inet_ntop(k.type == SMP_T_IPV4 ? AF_INET : AF_INET6,
				  k.type == SMP_T_IPV4 ? (void *)&k.v4 : (void *)&k.v6,
				  buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%lld", (long long)k.sint);
		k.type = SMP_T_STR;
		k.str = buf;
		k.len = strlen(buf);
	}
	pthread_mutex_lock(&t->lock);
	e = stkt_get_entry(t, &k, 1, now);
	if (e) {
		e->ref++;
		e->conn_cur++;
	}
	pthread_mutex_unlock(&t->lock);
	return e;
}

void stkt_release(struct stktable *t, struct stkt_entry *e)
{
	pthread_mutex_lock(&t->lock);
	e->ref--;
	e->conn_cur--;
	e->expire_ms = stkt_now_ms() + t->expire_ms;
	pthread_mutex_unlock(&t->lock);
}

/* Add n to counter d and its rate companion r (either may be unused). */
static void stkt_add(struct stktable *t, struct stkt_entry *e, enum stkt_data d,
		     enum stkt_data r, uint64_t n)
{
	uint64_t now = stkt_now_ms();

	pthread_mutex_lock(&t->lock);
	e->cnt[d] += n;
	if (t->store & (1u << r))
		stkt_rate_add(&e->rate[r], t->period[r], now, (uint32_t)n);
	pthread_mutex_unlock(&t->lock);
}

void stkt_count_conn(struct stktable *t, struct stkt_entry *e)
{
	stkt_add(t, e, STKT_CONN_CNT, STKT_CONN_RATE, 1);
	stkt_add(t, e, STKT_SESS_CNT, STKT_SESS_RATE, 1);
}

void stkt_count_req(struct stktable *t, struct stkt_entry *e)
{
	stkt_add(t, e, STKT_HTTP_REQ_CNT, STKT_HTTP_REQ_RATE, 1);
}

void stkt_count_err(struct stktable *t, struct stkt_entry *e)
{
	stkt_add(t, e, STKT_HTTP_ERR_CNT, STKT_HTTP_ERR_RATE, 1);
}

void stkt_count_bytes(struct stktable *t, struct stkt_entry *e, uint64_t in,
		      uint64_t out)
{
	stkt_add(t, e, STKT_BYTES_IN_CNT, STKT_BYTES_IN_RATE, in);
	stkt_add(t, e, STKT_BYTES_OUT_CNT, STKT_BYTES_OUT_RATE, out);
}

void stkt_inc_gpc0(struct stktable *t, struct stkt_entry *e)
{
	stkt_add(t, e, STKT_GPC0, STKT_GPC0_RATE, 1);
}

/* under the lock */
static int stkt_read(struct stktable *t, struct stkt_entry *e, enum stkt_data d,
		     int64_t *v, uint64_t now)
{
	if (!(t->store & (1u << d)))
		return 0;
	if (d == STKT_CONN_CUR)
		*v = e->conn_cur;
	else if (t->period[d])
		*v = stkt_rate_read(&e->rate[d], t->period[d], now);
	else
		*v = (int64_t)e->cnt[d];
	return 1;
}

int stkt_get(struct stktable *t, struct stkt_entry *e, enum stkt_data d, int64_t *v)
{
	int rc;

	pthread_mutex_lock(&t->lock);
	rc = stkt_read(t, e, d, v, stkt_now_ms());
	pthread_mutex_unlock(&t->lock);
	return rc;
}

int stkt_lookup_get(struct stktable *t, struct smp *key, enum stkt_data d, int64_t *v)
{
	uint64_t now = stkt_now_ms();
	struct stkt_entry *e;
	int rc = 0;

	pthread_mutex_lock(&t->lock);
	e = stkt_get_entry(t, key, 0, now);
	if (e)
		rc = stkt_read(t, e, d, v, now);
	pthread_mutex_unlock(&t->lock);
	return rc;
}

void stkt_store_server_id(struct stktable *t, const struct proxy *be)
{
	t->store |= 1u << STKT_SERVER_ID;
	if (!t->stick_be)
		t->stick_be = be;
}

void stkt_set_server_id(struct stktable *t, struct smp *key, uint32_t id)
{
	uint64_t now = stkt_now_ms();
	struct stkt_entry *e;

	if (t->type >= STKT_T_STR && key->type != SMP_T_STR)
		return;
	pthread_mutex_lock(&t->lock);
	e = stkt_get_entry(t, key, 1, now);
	if (e)
		e->cnt[STKT_SERVER_ID] = id;
	pthread_mutex_unlock(&t->lock);
}

unsigned stkt_used(struct stktable *t)
{
	unsigned n;

	pthread_mutex_lock(&t->lock);
	n = t->used;
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* ---- runtime API ---- */

static void stkt_show_key(struct sbuf *out, const struct stktable *t,
			  const struct stkt_entry *e)
{
	char b[INET6_ADDRSTRLEN];
	int64_t i;

	switch (t->type) {
	case STKT_T_IP:
	case STKT_T_IPV6:
		inet_ntop(t->type == STKT_T_IP ? AF_INET : AF_INET6, e->key, b, sizeof(b));
		sbuf_puts(out, b);
		break;
	case STKT_T_INT:
		memcpy(&i, e->key, 8);
		sbuf_printf(out, "%llu", (unsigned long long)i);
		break;
	case STKT_T_STR:
		sbuf_add(out, (const char *)e->key, e->klen);
		break;
	default:
		for (unsigned k = 0; k < e->klen; k++)
			sbuf_printf(out, "%02x", e->key[k]);
	}
}

/* HAProxy shows the name of a stick rule's server after the counters */
static void stkt_show_server_key(struct sbuf *out, const struct stktable *t,
				 const struct stkt_entry *e)
{
	if (!t->stick_be || !e->cnt[STKT_SERVER_ID])
		return;
	for (const struct server *srv = t->stick_be->servers; srv; srv = srv->next)
		if (srv->puid == e->cnt[STKT_SERVER_ID]) {
			sbuf_printf(out, " server_key=%s", srv->id);
			return;
		}
}

void stkt_show(struct sbuf *out, const struct proxy *list, const char *name,
	       unsigned max)
{
	uint64_t now = stkt_now_ms();

	for (const struct proxy *px = list; px; px = px->next) {
		struct stktable *t = px->table;
		unsigned n = 0;

		if (!t || (name && strcmp(name, px->id) != 0))
			continue;
		pthread_mutex_lock(&t->lock);
		sbuf_printf(out, "# table: %s, type: %s, size:%u, used:%u\n", px->id,
			    stkt_type_names[t->type], t->size, t->used);
		for (struct stkt_entry *e = t->lru_head; name && e && n < max; e = e->lnext, n++) {
			sbuf_printf(out, "%p: key=", (void *)e);
			stkt_show_key(out, t, e);
			sbuf_printf(out, " use=%u exp=%llu", e->ref,
				    (unsigned long long)(e->ref || !t->expire_ms ||
							 e->expire_ms <= now ? 0 :
							 e->expire_ms - now));
			for (int d = 0; d < STKT_DATA_COUNT; d++) {
				int64_t v;

				if (!stkt_read(t, e, (enum stkt_data)d, &v, now))
					continue;
				if (t->period[d])
					sbuf_printf(out, " %s(%u)=%lld", stkt_data_names[d],
						    t->period[d], (long long)v);
				else
					sbuf_printf(out, " %s=%lld", stkt_data_names[d],
						    (long long)v);
			}
			stkt_show_server_key(out, t, e);
			sbuf_puts(out, "\n");
		}
		pthread_mutex_unlock(&t->lock);
		if (name)
			sbuf_puts(out, "\n");
	}
}

/* ---- reloads: contents handed to the next worker ---- */

void stkt_dump_state(struct sbuf *out, const struct proxy *list)
{
	uint64_t now = stkt_now_ms();

	for (const struct proxy *px = list; px; px = px->next) {
		struct stktable *t = px->table;

		if (!t)
			continue;
		pthread_mutex_lock(&t->lock);
		/* oldest first: the new table's LRU order comes out the same */
		for (struct stkt_entry *e = t->lru_tail; e; e = e->lprev) {
			if (t->expire_ms && !e->ref && e->expire_ms <= now)
				continue;
			sbuf_printf(out, "_stkt %s %s ", px->id, stkt_type_names[t->type]);
			for (unsigned k = 0; k < e->klen; k++)
				sbuf_printf(out, "%02x", e->key[k]);
			sbuf_printf(out, " %llu", (unsigned long long)
				    (!t->expire_ms ? 0 : e->expire_ms > now ?
				     e->expire_ms - now : t->expire_ms));
			for (int d = 0; d < STKT_DATA_COUNT; d++)
				sbuf_printf(out, " %llu", (unsigned long long)e->cnt[d]);
			sbuf_puts(out, "\n");
		}
		pthread_mutex_unlock(&t->lock);
	}
}

int stkt_restore(const struct proxy *list, int argc, char **argv, char *err,
		 size_t errlen)
{
	unsigned char k[STKT_MAX_LEN];
	unsigned long long v[STKT_DATA_COUNT + 1];
	const struct proxy *px;
	struct stktable *t;
	struct stkt_entry *e;
	uint64_t now = stkt_now_ms();
	size_t n;

	if (argc != 4 + STKT_DATA_COUNT) {
		snprintf(err, errlen, "_stkt: <table> <type> <key> <exp> and %d values.",
			 STKT_DATA_COUNT);
		return -1;
	}
	for (px = list; px && (!px->table || strcmp(px->id, argv[0]) != 0); px = px->next)
		;
	if (!px) {
		snprintf(err, errlen, "_stkt: no table '%s'.", argv[0]);
		return -1;
	}
	t = px->table;
	if (strcmp(argv[1], stkt_type_names[t->type]) != 0 ||
	    cfg_hex_decode(argv[2], k, t->type >= STKT_T_STR ? t->keylen : STKT_MAX_LEN,
			   &n) < 0 ||
	    (t->type == STKT_T_IP && n != 4) || (t->type == STKT_T_IPV6 && n != 16) ||
	    (t->type == STKT_T_INT && n != 8)) {
		snprintf(err, errlen, "_stkt: the key does not fit table '%s' (%s).",
			 argv[0], stkt_type_names[t->type]);
		return -1;
	}
	if (t->type == STKT_T_BIN) {	/* from a worker that did not pad */
		memset(k + n, 0, t->keylen - n);
		n = t->keylen;
	}
	for (int i = 0; i <= STKT_DATA_COUNT; i++) {
		char *end;

		errno = 0;
		v[i] = strtoull(argv[3 + i], &end, 10);
		if (errno || *end || end == argv[3 + i] || argv[3 + i][0] == '-') {
			snprintf(err, errlen, "_stkt: '%s' is not a number.", argv[3 + i]);
			return -1;
		}
	}
	pthread_mutex_lock(&t->lock);
	e = stkt_get_raw(t, k, n, 1, now);
	if (e) {
		if (t->expire_ms && v[0] < t->expire_ms)
			e->expire_ms = now + v[0];
		/* what this table stores, and the stick rules' server */
		for (int d = 0; d < STKT_DATA_COUNT; d++)
			if ((t->store & (1u << d)) || d == STKT_SERVER_ID)
				e->cnt[d] = v[1 + d];
	}
	pthread_mutex_unlock(&t->lock);
	if (!e) {
		snprintf(err, errlen, "_stkt: table '%s' is full.", argv[0]);
		return -1;
	}
	return 0;
}
