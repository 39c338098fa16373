/*
 * check_tcp.h - "option tcp-check" rule lists: their configuration and the
 * matching of expect rules. The runner is in check.c.
 */
#ifndef LBD_CHECK_TCP_H
#define LBD_CHECK_TCP_H

#include <stddef.h>

struct cfg_ctx;
struct proxy;

enum tcpchk_kind { TCPCHK_CONNECT, TCPCHK_SEND, TCPCHK_EXPECT, TCPCHK_COMMENT };

enum tcpchk_match { TCPCHK_M_STRING, TCPCHK_M_RSTRING, TCPCHK_M_BINARY,
		    TCPCHK_M_RBINARY };

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
};

struct tcpchk {
	struct tcpchk_rule *rules;
	unsigned n;
};

/* Parse "tcp-check <rule> ..." (argv[0] = "tcp-check") into px's list.
 * 0, or -1 (ENOMEM); errors are reported through ctx. */
int tcpchk_cfg_rule(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv);

/* Copy a defaults section's rules. 0 or -1 (ENOMEM). */
int tcpchk_dup(struct tcpchk **dst, const struct tcpchk *src);

/* Free a rule list (NULL-safe). */
void tcpchk_free(struct tcpchk *t);

/* Compile regexes once the configuration is read. 0, or -1 reported. */
int tcpchk_finish(struct cfg_ctx *ctx, struct proxy *be);

/*
 * Judge an expect rule on the bytes received so far. Returns 1 when it
 * passes, 0 when more bytes may still decide it, -1 when it failed (only
 * said once complete: the peer closed or the buffer is full, or at once
 * for an inverse rule whose pattern showed up).
 */
int tcpchk_expect(const struct tcpchk_rule *r, const char *buf, size_t len,
		  int complete);

#endif
