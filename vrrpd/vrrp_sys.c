/*
 * vrrp_sys.c - global_defs' settings of the vrrpd process itself, the
 * ones keepalived gives its VRRP child: nice, real-time priority and its
 * CPU-time limit, CPU affinity, memory locking, umask and name. vrrpd is
 * one process, so they apply to it as a whole.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "log.h"
#include "vrrp_conf.h"
#include "vrrp_sys.h"

int vrrp_sys_parse_cpus(const char *s, uint64_t *mask, size_t nwords)
{
	unsigned long lo, hi, max = nwords * 64 - 1;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	lo = hi = strtoul(s, &end, 10);
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return -1;
		hi = strtoul(end + 1, &end, 10);
	}
	if (*end || lo > hi || hi > max)
		return -1;
	for (unsigned long c = lo; c <= hi; c++)
		mask[c / 64] |= 1ull << (c % 64);
	return 0;
}

/* one name: I, then R, W or X, then USR, GRP or OTH; its bit or -1 */
static int umask_bit(const char *t, size_t n)
{
	static const char *const who[] = { "OTH", "GRP", "USR" };
	static const char what[] = "XWR";
	const char *w;

	if (n != 5 || t[0] != 'I' || !(w = memchr(what, t[1], 3)))
		return -1;
	for (int j = 0; j < 3; j++)
		if (memcmp(t + 2, who[j], 3) == 0)
			return j * 3 + (int)(w - what);
	return -1;
}

int vrrp_sys_parse_umask(const char *s, unsigned *mode)
{
	unsigned long m = 0;
	char *end;

	if (*s >= '0' && *s <= '9') {
		errno = 0;
		m = strtoul(s, &end, 0);
		if (*end || errno || m > 0777)
			return -1;
		*mode = (unsigned)m;
		return 0;
	}
	for (;;) {
		size_t n;
		int bit;

		s += strspn(s, " \t");
		n = strcspn(s, "| \t");
		bit = umask_bit(s, n);
		if (bit < 0)
			return -1;
		m |= 1ul << bit;
		s += n;
		s += strspn(s, " \t");
		if (!*s)
			break;
		if (*s++ != '|')
			return -1;
	}
	*mode = (unsigned)m;
	return 0;
}

/* RLIMIT_RTTIME as configured, or keepalived's 10 ms for a real-time
 * process: a loop that never blocks is stopped rather than starve the CPU */
static int set_rttime(const struct vrrp_conf_global *g)
{
	rlim_t us = g->rlimit_rttime_us ? g->rlimit_rttime_us : 10000;
	struct rlimit rl = { us, us };

	if (setrlimit(RLIMIT_RTTIME, &rl) == 0)
		return 0;
	log_warn("vrrp_rlimit_rttime %lu", (unsigned long)us);
	return -1;
}

static int set_rr(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	return sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp);
}

static int apply_sched(const struct vrrp_conf_global *g)
{
	int failed = 0;

	if (g->has_process_priority &&
	    setpriority(PRIO_PROCESS, 0, g->process_priority) != 0) {
		log_warn("vrrp_priority %d", g->process_priority);
		failed++;
	}
	if ((g->rlimit_rttime_us || g->rt_priority) && set_rttime(g) != 0)
		failed++;
	if (g->rt_priority && set_rr((int)g->rt_priority) != 0) {
		log_warn("vrrp_rt_priority %u", g->rt_priority);
		failed++;
	}
	return failed;
}

void vrrp_sys_late(const struct vrrp_conf_global *g, double late_s, int *cur)
{
	int next = *cur ? *cur + 1 : (int)g->rt_priority + 1;

	if (g->max_auto_priority <= 0 || late_s * 1e6 < g->min_auto_prio_delay_us ||
	    next > g->max_auto_priority)
		return;
	if ((!*cur && !g->rt_priority && set_rttime(g) != 0) || set_rr(next) != 0) {
		log_warn("max_auto_priority: real-time priority %d", next);
		return;
	}
	*cur = next;
	log_notice("timers ran %.0f ms late: real-time priority %d "
		   "(max_auto_priority %d)", late_s * 1000, next,
		   g->max_auto_priority);
}

int vrrp_sys_apply(const struct vrrp_conf_global *g)
{
	int failed = apply_sched(g);

	if (g->has_umask)
		umask((mode_t)g->umask);
	if (g->has_cpus) {
		cpu_set_t set;

		CPU_ZERO(&set);
		for (int c = 0; c < VRRP_CONF_CPUS && c < CPU_SETSIZE; c++)
			if (g->cpus[c / 64] >> (c % 64) & 1)
				CPU_SET(c, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0) {
			log_warn("vrrp_cpu_affinity");
			failed++;
		}
	}
	if (g->no_swap && mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
		log_warn("vrrp_no_swap: mlockall");
		failed++;
	}
	if (g->process_name[0] &&
	    prctl(PR_SET_NAME, (unsigned long)g->process_name, 0, 0, 0) != 0) {
		log_warn("vrrp_process_name %s", g->process_name);
		failed++;
	}
	return failed;
}

int vrrp_sys_differs(const struct vrrp_conf_global *a,
		     const struct vrrp_conf_global *b)
{
	return a->has_process_priority != b->has_process_priority ||
	       (a->has_process_priority &&
		a->process_priority != b->process_priority) ||
	       a->rlimit_rttime_us != b->rlimit_rttime_us ||
	       a->rt_priority != b->rt_priority ||
	       a->max_auto_priority != b->max_auto_priority ||
	       a->min_auto_prio_delay_us != b->min_auto_prio_delay_us ||
	       a->has_umask != b->has_umask || a->umask != b->umask ||
	       a->has_cpus != b->has_cpus ||
	       memcmp(a->cpus, b->cpus, sizeof(a->cpus)) != 0 ||
	       a->no_swap != b->no_swap ||
	       strcmp(a->process_name, b->process_name) != 0;
}
