/*
 * counters.c - per-thread statistics counters and their readers (see
 * counters.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "counters.h"

__thread unsigned lbd_tid;

static void now_ms(unsigned *sec, unsigned *ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	*sec = (unsigned)ts.tv_sec;
	*ms = (unsigned)(ts.tv_nsec / 1000000);
}

unsigned cnt_now_sec(void)
{
	unsigned s, ms;

	now_ms(&s, &ms);
	return s;
}

void cnt_freq_add(struct freq_ctr *f, unsigned v)
{
	unsigned now = cnt_now_sec();
	unsigned sec = atomic_load_explicit(&f->sec, memory_order_relaxed);

	if (sec != now) {
		unsigned curr = atomic_load_explicit(&f->curr, memory_order_relaxed);

		atomic_store_explicit(&f->prev, sec + 1 == now ? curr : 0,
				      memory_order_relaxed);
		atomic_store_explicit(&f->curr, 0, memory_order_relaxed);
		atomic_store_explicit(&f->sec, now, memory_order_relaxed);
	}
	atomic_store_explicit(&f->curr,
			      atomic_load_explicit(&f->curr, memory_order_relaxed) + v,
			      memory_order_relaxed);
}

void cnt_swrate_add(struct swrate *s, unsigned v)
{
	unsigned n = atomic_load_explicit(&s->n, memory_order_relaxed);
	unsigned long long sum = atomic_load_explicit(&s->sum, memory_order_relaxed);

	if (n < SWRATE_N) {
		atomic_store_explicit(&s->n, n + 1, memory_order_relaxed);
		sum += v;
	} else {
		sum = sum - sum / SWRATE_N + v;
	}
	atomic_store_explicit(&s->sum, sum, memory_order_relaxed);
	if (v > atomic_load_explicit(&s->max, memory_order_relaxed))
		atomic_store_explicit(&s->max, v, memory_order_relaxed);
}

unsigned long long cnt_sum(const struct pr_counters *arr, unsigned n, size_t off)
{
	unsigned long long t = 0;

	if (!arr)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		const atomic_ullong *c = (const atomic_ullong *)(const void *)
					 ((const char *)&arr[i] + off);

		t += atomic_load_explicit(c, memory_order_relaxed);
	}
	return t;
}

unsigned cnt_rate(const struct pr_counters *arr, unsigned n, size_t off)
{
	unsigned sec, ms;
	unsigned long long curr = 0, prev = 0;

	if (!arr)
		return 0;
	now_ms(&sec, &ms);
	for (unsigned i = 0; i < n; i++) {
		const struct freq_ctr *f = (const struct freq_ctr *)(const void *)
					   ((const char *)&arr[i] + off);
		unsigned s = atomic_load_explicit(&f->sec, memory_order_relaxed);
		unsigned c = atomic_load_explicit(&f->curr, memory_order_relaxed);
		unsigned p = atomic_load_explicit(&f->prev, memory_order_relaxed);

		if (s == sec) {
			curr += c;
			prev += p;
		} else if (s + 1 == sec) {
			prev += c;
		}
	}
	return (unsigned)(curr + prev * (1000 - ms) / 1000);
}

unsigned cnt_time_avg(const struct pr_counters *arr, unsigned n, int which)
{
	unsigned long long sum = 0, cnt = 0;

	if (!arr)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		sum += atomic_load_explicit(&arr[i].times[which].sum, memory_order_relaxed);
		cnt += atomic_load_explicit(&arr[i].times[which].n, memory_order_relaxed);
	}
	return cnt ? (unsigned)(sum / cnt) : 0;
}

unsigned cnt_time_max(const struct pr_counters *arr, unsigned n, int which)
{
	unsigned m = 0;

	if (!arr)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned v = atomic_load_explicit(&arr[i].times[which].max,
						  memory_order_relaxed);
		if (v > m)
			m = v;
	}
	return m;
}

unsigned long long cnt_last(const struct pr_counters *arr, unsigned n)
{
	unsigned long long m = 0;

	if (!arr)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned long long v = atomic_load_explicit(&arr[i].last_sess,
							    memory_order_relaxed);
		if (v > m)
			m = v;
	}
	return m;
}

struct pr_counters *cnt_alloc(unsigned n)
{
	struct pr_counters *arr;

	if (n == 0)
		n = 1;
	arr = aligned_alloc(64, sizeof(*arr) * n);
	if (arr)
		memset(arr, 0, sizeof(*arr) * n);
	return arr;
}

void cnt_free(struct pr_counters *arr)
{
	free(arr);
}

void cnt_clear(struct pr_counters *arr, unsigned n)
{
	if (arr)
		memset(arr, 0, sizeof(*arr) * n);
}
