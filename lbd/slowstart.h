/*
 * slowstart.h - "slowstart <time>": a server that comes back UP after a
 * failure or maintenance (never at start-up) takes its share of traffic
 * progressively. Its weight in the dynamic algorithms and its maxconn grow
 * linearly from 5% to 100% over the period, recomputed on a timer in the
 * first worker's loop (where the checks run). static-rr and map-based
 * hashing keep their fixed weights, as in HAProxy.
 */
#ifndef LBD_SLOWSTART_H
#define LBD_SLOWSTART_H

struct server;

/* The share a ramp starts from, percent. */
#define SLOWSTART_MIN_PCT	5

/* Start (or restart) srv's ramp; call just before it is marked UP, on the
 * first worker's thread. No-op without "slowstart". 0, or -1 (ENOMEM: the
 * server then comes up at full weight). */
int slowstart_begin(struct server *srv);

/* Stop srv's ramp, if any (it went down, or at exit): its share is back
 * to 100%. */
void slowstart_stop(struct server *srv);

/* The share at elapsed ms into a ramp of period ms: 5..100 (pure). */
unsigned slowstart_pct(double elapsed_ms, unsigned period_ms);

#endif
