/*
 * counters.h - statistics counters. Every proxy side and every server has
 * one block of counters per worker thread; a thread only ever writes its
 * own block (plain relaxed loads and stores, no locked instructions, no
 * shared cache lines on the data path) and readers (the runtime API, the
 * stats page, the exporter) add the blocks up. Rates are per-thread
 * one-second windows summed on read; averages are per-thread sliding
 * averages over the last 1024 samples, weighted on read.
 */
#ifndef LBD_COUNTERS_H
#define LBD_COUNTERS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* The calling thread's worker index (0 outside the workers). */
extern __thread unsigned lbd_tid;

/* Events per second: the current and the previous second. */
struct freq_ctr {
	atomic_uint sec;		/* the second "curr" counts */
	atomic_uint curr, prev;
};

/* A sliding average over the last SWRATE_N samples. */
#define SWRATE_N	1024
struct swrate {
	atomic_ullong sum;		/* avg * SWRATE_N once warm */
	atomic_uint n;			/* samples so far, up to SWRATE_N */
	atomic_uint max;		/* the highest sample */
};

enum { CNT_T_QUEUE, CNT_T_CONNECT, CNT_T_RESPONSE, CNT_T_TOTAL, CNT_T_COUNT };

/* One thread's counters of one frontend, backend or server. */
struct pr_counters {
	atomic_ullong cum_conn;		/* connections accepted / to servers */
	atomic_ullong cum_sess;		/* sessions */
	atomic_ullong cum_req;		/* HTTP requests */
	atomic_ullong cum_lbconn;	/* times chosen by the balancer */
	atomic_ullong bytes_in, bytes_out;
	atomic_ullong denied_req, denied_resp, denied_conn, denied_sess;
	atomic_ullong failed_req, failed_conns, failed_resp;
	atomic_ullong cli_aborts, srv_aborts, retries, redispatches;
	atomic_ullong intercepted, failed_rewrites, internal_errors;
	atomic_ullong connect, reuse;
	atomic_ullong http_rsp[6];	/* other, 1xx..5xx */
	atomic_ullong last_sess;	/* wall-clock second of the last session */
	struct freq_ctr sess_rate, req_rate, conn_rate;
	struct swrate times[CNT_T_COUNT];	/* milliseconds */
} __attribute__((aligned(64)));

/* Monotonic seconds, as used by the rate counters. */
unsigned cnt_now_sec(void);

/* Owner-thread updates: only the thread lbd_tid writes block [lbd_tid]. */
static inline void cnt_add64(atomic_ullong *c, unsigned long long v)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

#define CNT_ADD(arr, field, v)	cnt_add64(&(arr)[lbd_tid].field, (v))

void cnt_freq_add(struct freq_ctr *f, unsigned v);
void cnt_swrate_add(struct swrate *s, unsigned v);

#define CNT_RATE(arr, field)	cnt_freq_add(&(arr)[lbd_tid].field, 1)
#define CNT_TIME(arr, which, ms) cnt_swrate_add(&(arr)[lbd_tid].times[which], (ms))

/* Readers. */
unsigned long long cnt_sum(const struct pr_counters *arr, unsigned n, size_t off);
#define CNT_SUM(arr, n, field) \
	cnt_sum((arr), (n), offsetof(struct pr_counters, field))

/* Events in the last second (the previous second weighted by what is left
 * of it), summed over n blocks. */
unsigned cnt_rate(const struct pr_counters *arr, unsigned n, size_t off);
#define CNT_RATE_GET(arr, n, field) \
	cnt_rate((arr), (n), offsetof(struct pr_counters, field))

/* The average of a time over n blocks, weighted by their sample counts. */
unsigned cnt_time_avg(const struct pr_counters *arr, unsigned n, int which);

/* The highest sample of a time over n blocks. */
unsigned cnt_time_max(const struct pr_counters *arr, unsigned n, int which);

/* The latest last_sess over n blocks (0: never). */
unsigned long long cnt_last(const struct pr_counters *arr, unsigned n);

/* Raise a shared maximum (several writers). */
static inline void cnt_max(atomic_uint *m, unsigned v)
{
	unsigned old = atomic_load_explicit(m, memory_order_relaxed);

	while (v > old && !atomic_compare_exchange_weak_explicit(m, &old, v,
			memory_order_relaxed, memory_order_relaxed))
		;
}

/* Allocate / free n blocks (n = worker threads). NULL on ENOMEM. */
struct pr_counters *cnt_alloc(unsigned n);
void cnt_free(struct pr_counters *arr);

/* Zero every block (clear counters all). */
void cnt_clear(struct pr_counters *arr, unsigned n);

#endif
