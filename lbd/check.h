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

/* Mark a server up or down (a check's verdict): see srv_set_oper(). */
void check_server_set_up(struct server *srv, int up, const char *reason);

/* Start the checks of a server added at run time / stop and free those of
 * a server being removed. Worker 0. check_add_server: 0 or -1 (ENOMEM). */
int check_add_server(struct server *s);
void check_del_server(struct server *s);

/* What "show stat" and "show servers state" show of a server's check
 * (agent 0) or agent check (agent 1). */
struct check_view {
	int configured, enabled, running, ran;
	enum chk_status status;
	int code;
	long duration;			/* ms, -1 before the first verdict */
	const char *info;
	unsigned health, rise, fall;	/* HAProxy's health counter */
	unsigned succ, fail;		/* consecutive results */
};

/* Fill v; returns 1 if the server has such a check, else 0. Worker 0. */
int check_view(const struct server *srv, int agent, struct check_view *v);

/* "enable|disable health|agent": 0, or -1 when the server has none. */
int check_set_enabled(struct server *srv, int agent, int on);
/*
 * error-limit consecutive traffic errors were seen on srv (observe): apply
 * its on-error action (fastinter, fail-check, sudden-death, mark-down) to
 * its check; count and last describe them for the log. First worker only.
 */
void check_observe_trip(struct server *srv, unsigned count, const char *last);

#endif
