/*
 * check.h - health checks and the server lifecycle they drive: TCP connect
 * checks and HTTP checks (option httpchk, http-check send/expect), run in
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
struct cfg_ctx;

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

enum chk_expect_kind { CHK_EXP_NONE, CHK_EXP_STATUS, CHK_EXP_RSTATUS,
		       CHK_EXP_STRING, CHK_EXP_RSTRING };

struct chk_hdr {
	char *name, *value;
};

/* A backend's HTTP check: what is sent and what is expected. */
struct chk_http {
	char *method, *uri, *version;	/* version may carry legacy hidden headers */
	struct chk_hdr *hdrs;
	unsigned nhdrs;
	char *body;
	enum chk_expect_kind expect;
	int expect_not;			/* "expect !" */
	char *pattern;
	void *regex;			/* pcre2_code for rstatus/rstring */
	int send_set, expect_set;	/* http-check lines seen (one each) */
};

/* Parse "option httpchk [<method>] [<uri>] [<version>]" (argv[0] = "option").
 * 0, or -1 (ENOMEM). Errors are reported through ctx. */
int chk_cfg_httpchk(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv);

/* Parse "http-check ..." (argv[0] = "http-check"). 0 or -1 (ENOMEM). */
int chk_cfg_http_check(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv);

/* Copy a defaults section's HTTP check into px. 0 or -1 (ENOMEM). */
int chk_http_dup(struct chk_http **dst, const struct chk_http *src);

/* Free an HTTP check configuration (NULL-safe). */
void chk_http_free(struct chk_http *h);

/* Validate and compile (regexes) once the whole configuration is read.
 * Returns 0 or -1 with the error reported through ctx. */
int chk_cfg_finish(struct cfg_ctx *ctx, struct proxy *be);

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
