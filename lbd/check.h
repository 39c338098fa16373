/*
 * check.h - health checks and the server lifecycle they drive: TCP connect
 * checks, rule lists (tcp-check, and HTTP checks: check_http.h), named
 * checks, agents and external commands, run in
 * the first worker's event loop, never blocking, spread in time; rise/fall
 * turn results into UP/DOWN transitions, logged in HAProxy's wording, and
 * the backend's balancing and queues follow at once.
 */
#ifndef LBD_CHECK_H
#define LBD_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct proxy;
struct server;
struct worker;

/* Results, HAProxy's check status names. */
enum chk_status {
	CHK_ST_UNKNOWN,
	CHK_ST_L4OK, CHK_ST_L4TOUT, CHK_ST_L4CON,
	CHK_ST_L7OK, CHK_ST_L7TOUT, CHK_ST_L7RSP, CHK_ST_L7STS,
	CHK_ST_SOCKERR,
	CHK_ST_L6OK, CHK_ST_L6RSP,
	CHK_ST_HANA,			/* health analyze: observed traffic errors */
	CHK_ST_PROCERR, CHK_ST_PROCTOUT, CHK_ST_PROCOK,	/* external checks */
	CHK_ST_COUNT
};
extern const char *const chk_status_names[CHK_ST_COUNT];	/* "L4OK" ... */
extern const char *const chk_status_desc[CHK_ST_COUNT];	/* "Layer4 check passed" ... */

/* Start the checks of every server with "check" on worker w (the first).
 * Returns 0 or -1 (ENOMEM). */
int check_start_all(struct worker *w);

/* Stop and free every check (at exit, on w's thread). */
void check_stop_all(struct worker *w);

/*
 * Mark a server up or down (a check's verdict, later the runtime API):
 * updates balancing, moves or serves queued requests, logs the transition
 * with its reason in HAProxy's wording. Takes be->lock.
 */
void check_server_set_up(struct server *srv, int up, const char *reason);

/*
 * error-limit consecutive traffic errors were seen on srv (observe): apply
 * its on-error action (fastinter, fail-check, sudden-death, mark-down) to
 * its check; count and last describe them for the log. First worker only.
 */
void check_observe_trip(struct server *srv, unsigned count, const char *last);

/* The same for any state: UP, DOWN, DRAIN (no new traffic) or MAINT. */
enum srv_state;
void check_server_set_state(struct server *srv, enum srv_state st,
			    const char *reason);

#endif
