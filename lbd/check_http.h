/*
 * check_http.h - HTTP health checks: "option httpchk" and the
 * "http-check connect|send|expect|comment" rules. They are a check rule
 * list (check_tcp.h) run by the same runner as "tcp-check": a send rule's
 * request is built once at start-up, an expect rule is judged on the
 * parsed response. Several connect/send/expect steps may follow each other,
 * as in HAProxy 2.6.
 */
#ifndef LBD_CHECK_HTTP_H
#define LBD_CHECK_HTTP_H

#include <stddef.h>

struct cfg_ctx;
struct proxy;
struct tcpchk;
struct tcpchk_rule;
struct tcpchk_verdict;

/* A backend's HTTP check. */
struct chk_http {
	char *method, *uri, *version;	/* option httpchk: every send's defaults;
					 * version may carry legacy hidden headers */
	struct tcpchk *rules;		/* http-check rules */
};

/* "http-check expect hdr|fhdr name [-m M] <name> [value [-m M] <value>]":
 * M is str (default), beg, end, sub or reg; names match without case. */
enum chk_hm { CHK_HM_STR, CHK_HM_BEG, CHK_HM_END, CHK_HM_SUB, CHK_HM_REG };
struct chk_hdr_match {
	char *name, *value;		/* value NULL: the header's presence */
	enum chk_hm name_m, value_m;
	void *name_re, *value_re;	/* pcre2_code for reg */
	int full;			/* fhdr: the whole value, commas included */
};

/* Copy (regexes not copied: compiled at finish) or free a header match. */
struct chk_hdr_match *chk_hdr_match_dup(const struct chk_hdr_match *m);
void chk_hdr_match_free(struct chk_hdr_match *m);

/* Parse "option httpchk [<method>] [<uri>] [<version>]" (argv[0] = "option").
 * 0, or -1 (ENOMEM). Errors are reported through ctx. */
int chk_cfg_httpchk(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv);

/* Parse "http-check ..." (argv[0] = "http-check"). 0 or -1 (ENOMEM). */
int chk_cfg_http_check(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv);

/* Copy a defaults section's HTTP check into px. 0 or -1 (ENOMEM). */
int chk_http_dup(struct chk_http **dst, const struct chk_http *src);

/* Free an HTTP check configuration (NULL-safe). */
void chk_http_free(struct chk_http *h);

/*
 * Once the whole configuration is read: without a send rule, the request
 * of "option httpchk" is sent first (after a leading connect); without an
 * expect rule, 2xx and 3xx pass; each send's request is built (HTTP/1.1
 * ones say "Connection: close" when no send follows on their
 * connection); regexes are compiled. 0, or -1 reported through ctx.
 */
int chk_cfg_finish(struct cfg_ctx *ctx, struct proxy *be);

/* Judge an HTTP expect rule on the response bytes so far (the engine of
 * tcpchk_expect for HTTP rules): 1 passed, 0 need more, -1 failed; v gets
 * the status and the reason phrase or what went wrong. */
int chk_http_expect(const struct tcpchk_rule *r, const char *buf, size_t len,
		    int complete, struct tcpchk_verdict *v);

#endif
