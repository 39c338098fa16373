/*
 * check_tcp.h - check rule lists: "tcp-check" rules, and "http-check"
 * rules, which are the same list with HTTP sends (a request built once from
 * its parts) and HTTP expects (judged on a parsed response, check_http.c).
 * Their configuration and the matching of expect rules; the runner that
 * walks a list, connect after send after expect, is in check.c.
 */
#ifndef LBD_CHECK_TCP_H
#define LBD_CHECK_TCP_H

#include <stddef.h>

struct cfg_ctx;
struct proxy;

enum tcpchk_kind { TCPCHK_CONNECT, TCPCHK_SEND, TCPCHK_EXPECT, TCPCHK_COMMENT };

enum tcpchk_match { TCPCHK_M_STRING, TCPCHK_M_RSTRING, TCPCHK_M_BINARY,
		    TCPCHK_M_RBINARY,
		    /* http-check expect: on the response (check_http.c) */
		    TCPCHK_M_HTTP_STATUS, TCPCHK_M_HTTP_RSTATUS,
		    TCPCHK_M_HTTP_STRING, TCPCHK_M_HTTP_RSTRING,
		    TCPCHK_M_HTTP_HDR,		/* hdr / fhdr: see hdrm */
		    TCPCHK_M_HTTP_DEFAULT };	/* no expect: 2xx and 3xx pass */

struct chk_hdr_match;

/* An HTTP header to send. */
struct chk_hdr {
	char *name, *value;
};

struct tcpchk_rule {
	enum tcpchk_kind kind;
	unsigned port;			/* connect: 0 = the check's port */
	enum tcpchk_match match;	/* expect */
	int inverse;			/* expect ! */
	char *data;			/* send bytes / expect pattern (decoded) */
	size_t len;
	void *regex;			/* pcre2_code for rstring/rbinary */
	char *comment;			/* the "comment" before this rule */
	unsigned line;			/* step number, from 1, for messages */
	/* http-check send: its parts, NULL for option httpchk's; data and
	 * len hold the request once built */
	int http;
	char *meth, *uri, *ver, *body;
	struct chk_hdr *hdrs;
	unsigned nhdrs;
	struct chk_hdr_match *hdrm;	/* http-check expect hdr|fhdr */
};

struct tcpchk {
	struct tcpchk_rule *rules;
	unsigned n;
	int inherited;			/* a defaults section's: replaced, not
					 * extended, by the proxy's own rules */
};

/* What an expect rule saw, for the check's result. */
struct tcpchk_verdict {
	int code;			/* HTTP status, 0 if none */
	int wrong_status;		/* an HTTP expect failed on the status */
	char info[96];			/* reason phrase, or why it failed */
};

/* Parse "tcp-check <rule> ..." (argv[0] = "tcp-check") into px's list.
 * 0, or -1 (ENOMEM); errors are reported through ctx. */
int tcpchk_cfg_rule(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv);

/* The same into any list (*t, created when NULL): "connect" and "comment"
 * of "http-check" too; argv[0] names the keyword in messages. */
int tcpchk_cfg_list(struct cfg_ctx *ctx, struct tcpchk **t, int argc, char **argv);

/* Append a rule of this kind to *t (created when NULL; an inherited list
 * is dropped first), or insert it before rule at (at <= n). Rules are
 * renumbered. Returns the zeroed rule, or NULL (ENOMEM). */
struct tcpchk_rule *tcpchk_add(struct tcpchk **t, enum tcpchk_kind kind);
struct tcpchk_rule *tcpchk_insert(struct tcpchk **t, unsigned at,
				  enum tcpchk_kind kind);

/* Copy a defaults section's rules. 0 or -1 (ENOMEM). */
int tcpchk_dup(struct tcpchk **dst, const struct tcpchk *src);

/* Free a rule list (NULL-safe). */
void tcpchk_free(struct tcpchk *t);

/* Compile regexes once the configuration is read. 0, or -1 reported. */
int tcpchk_finish(struct cfg_ctx *ctx, struct proxy *be);

/* The same for any list; what ("tcp-check", "http-check") for messages. */
int tcpchk_compile(struct cfg_ctx *ctx, struct proxy *be, struct tcpchk *t,
		   const char *what);

/*
 * Judge an expect rule on the bytes received so far. Returns 1 when it
 * passes, 0 when more bytes may still decide it, -1 when it failed (only
 * said once complete: the peer closed or the buffer is full, or at once
 * for an inverse rule whose pattern showed up). HTTP expects fill v with
 * the status and reason (v may be NULL for the others).
 */
int tcpchk_expect(const struct tcpchk_rule *r, const char *buf, size_t len,
		  int complete, struct tcpchk_verdict *v);

#endif
