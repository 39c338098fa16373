/*
 * chk_agent.h - the reply of an agent check ("agent-check", HAProxy 2.6
 * configuration manual section 5.2): one ASCII line of words separated by
 * spaces, tabs or commas, each one of
 *
 *   N%            weight, as a percentage of the server's initial weight
 *   maxconn:N     the server's maxconn (0: no limit)
 *   ready | drain | maint              administrative state
 *   up | down | fail | stopped         operational state
 *   #text         a description running to the end of the line; directly
 *                 after down/fail/stopped the '#' may also be glued to the
 *                 word ("down#maintenance window")
 *
 * Pure parser: no I/O, no allocation; the description points into the
 * caller's buffer. Words are matched case-insensitively and, when a kind of
 * word appears twice, the last one wins, as HAProxy does.
 */
#ifndef LBD_CHK_AGENT_H
#define LBD_CHK_AGENT_H

#include <stddef.h>
#include <sys/types.h>

enum {
	CHK_AGENT_NUM_DIGITS = 9,	/* digits of a percentage or maxconn */
	CHK_AGENT_WEIGHT_MAX = 256,	/* a server weight never exceeds it */
};

/* Which parts the agent advertised; anything absent must stay unchanged. */
enum {
	CHK_AGENT_F_WEIGHT  = 1u << 0,	/* weight_pct */
	CHK_AGENT_F_MAXCONN = 1u << 1,	/* maxconn */
	CHK_AGENT_F_ADMIN   = 1u << 2,	/* admin */
	CHK_AGENT_F_OPER    = 1u << 3,	/* oper */
	CHK_AGENT_F_DESC    = 1u << 4,	/* desc, desc_len (never empty) */
};

enum chk_agent_admin { CHK_AGENT_READY, CHK_AGENT_DRAIN, CHK_AGENT_MAINT,
		       CHK_AGENT_ADMIN_COUNT };
extern const char *const chk_agent_admin_names[CHK_AGENT_ADMIN_COUNT];

enum chk_agent_oper { CHK_AGENT_UP, CHK_AGENT_DOWN, CHK_AGENT_FAIL,
		      CHK_AGENT_STOPPED, CHK_AGENT_OPER_COUNT };
extern const char *const chk_agent_oper_names[CHK_AGENT_OPER_COUNT];

struct chk_agent_reply {
	unsigned flags;			/* CHK_AGENT_F_* */
	unsigned weight_pct;		/* 0..999999999 */
	unsigned maxconn;		/* 0..999999999, 0 = no limit */
	enum chk_agent_admin admin;
	enum chk_agent_oper oper;
	const char *desc;		/* into the input, not NUL-terminated,
					 * spaces and tabs trimmed both sides */
	size_t desc_len;
	size_t line_len;		/* bytes of the line, terminator excluded */
};

/*
 * Parse the agent's reply from buf[0..len), the bytes received so far. The
 * line ends at the first CR or LF and may hold at most max_line bytes before
 * it. Returns the bytes consumed (the line and that one terminator byte, so
 * at least 1) and fills *r; 0 when the line is not complete yet (a reply
 * that ends without a terminator is incomplete, as in HAProxy: the caller
 * fails the check when the agent closes then); -1 on an invalid reply, with
 * a NUL-terminated message in err[0..errlen) (err may be NULL). Invalid are:
 * no terminator within max_line + 1 bytes, a NUL byte, an unknown word, a
 * number without digits, with a sign, a fraction or more than
 * CHK_AGENT_NUM_DIGITS digits, a '#' glued to any word but down, fail or
 * stopped, and control characters other than HT in the description. An
 * empty line (or only separators) is valid and advertises nothing. Reading
 * stops at the terminator: bytes after it are never looked at.
 */
ssize_t chk_agent_parse(const char *buf, size_t len, size_t max_line,
			struct chk_agent_reply *r, char *err, size_t errlen);

/*
 * The absolute weight an agent percentage gives a server whose initial
 * (configured) weight is iweight: iweight * pct / 100 rounded down, capped at
 * CHK_AGENT_WEIGHT_MAX (HAProxy management guide, "set weight": relative
 * weights are capped at 256).
 */
unsigned chk_agent_weight(unsigned iweight, unsigned pct);

#endif
