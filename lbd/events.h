/*
 * events.h - the state lbd publishes to subscribers of its runtime API
 * ("subscribe" on a stats socket, see docs/events.md): its liveness as a
 * heartbeat, each frontend's listening state and each backend's count of
 * usable servers. vrrpd's vrrp_track_lbd is the first subscriber. Everything
 * here runs on the first worker, the thread of the runtime API, the health
 * checks and every server state change.
 */
#ifndef LBD_EVENTS_H
#define LBD_EVENTS_H

struct sbuf;
struct proxy;

#define EVENTS_PROTO		1
#define EVENTS_HB_DEFAULT	100	/* ms between heartbeats */
#define EVENTS_HB_MIN		10
#define EVENTS_HB_MAX		60000

/* Watch server state changes (once, when the runtime API starts). */
void events_start(void);
void events_stop(void);

/* The greeting, the full state and "sync", for a new subscriber. */
void events_snapshot(struct sbuf *out, unsigned hb_ms);

/* Append "hb <seq>" when every worker thread is alive (each ran its loop
 * within the last second); returns 0 when the heartbeat is withheld. */
int events_heartbeat(struct sbuf *out, unsigned long long seq);

/* A frontend was paused or resumed. */
void events_frontend(const struct proxy *fe);

/* The line sent to subscribers when lbd stops ("bye <reason>"). */
void events_bye(struct sbuf *out, const char *reason);

/* A successor takes over this process's sockets (a reload): the
 * subscribers' "bye" says "reloading" instead of "stopping". */
void events_successor(void);

/* The word of the "bye" line now: reloading, stopping or exiting. */
const char *events_bye_reason(void);

#endif
