/*
 * chk_agent.c - parser of agent-check replies.
 *
 * Two passes over one line: the first finds the terminator (and refuses a NUL
 * or an overlong line before anything else, so the verdict never depends on
 * how the bytes arrived), the second splits the line into words and matches
 * each against a keyword table. Character classes come from one 256-entry
 * table computed by the compiler.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctab.h"
#include "chk_agent.h"

const char *const chk_agent_admin_names[CHK_AGENT_ADMIN_COUNT] = {
	[CHK_AGENT_READY] = "ready",
	[CHK_AGENT_DRAIN] = "drain",
	[CHK_AGENT_MAINT] = "maint",
};

const char *const chk_agent_oper_names[CHK_AGENT_OPER_COUNT] = {
	[CHK_AGENT_UP]      = "up",
	[CHK_AGENT_DOWN]    = "down",
	[CHK_AGENT_FAIL]    = "fail",
	[CHK_AGENT_STOPPED] = "stopped",
};

enum {
	AC_SEP   = 1u << 0,	/* SP, HT, ',' between words */
	AC_EOL   = 1u << 1,	/* CR, LF: end of the reply */
	AC_DIGIT = 1u << 2,
	AC_CTL   = 1u << 3,	/* never valid: C0 controls but HT/CR/LF, DEL */
	AC_WORD  = 1u << 4,	/* may be part of a word */
	AC_BLANK = 1u << 5,	/* SP, HT: trimmed around a description */
};

#define IS_SEP(c)	((c) == ' ' || (c) == '\t' || (c) == ',')
#define IS_EOL(c)	((c) == '\r' || (c) == '\n')
#define IS_CTL(c)	(((c) < 0x20 && !IS_EOL(c) && (c) != '\t') || (c) == 0x7f)
#define CLASS_OF(c) \
	((IS_SEP(c) ? AC_SEP : 0) | \
	 (IS_EOL(c) ? AC_EOL : 0) | \
	 (((c) >= '0' && (c) <= '9') ? AC_DIGIT : 0) | \
	 (IS_CTL(c) ? AC_CTL : 0) | \
	 ((!IS_SEP(c) && !IS_EOL(c) && !IS_CTL(c) && (c) != '#') ? AC_WORD : 0) | \
	 (((c) == ' ' || (c) == '\t') ? AC_BLANK : 0))

static const uint8_t aclass[256] = CTAB_256(CLASS_OF);

/* The words without an argument. */
static const struct agent_kw {
	const char *name;
	unsigned flag;			/* CHK_AGENT_F_ADMIN or _OPER */
	int state;
} agent_kws[] = {
	{ "ready",   CHK_AGENT_F_ADMIN, CHK_AGENT_READY },
	{ "drain",   CHK_AGENT_F_ADMIN, CHK_AGENT_DRAIN },
	{ "maint",   CHK_AGENT_F_ADMIN, CHK_AGENT_MAINT },
	{ "up",      CHK_AGENT_F_OPER,  CHK_AGENT_UP },
	{ "down",    CHK_AGENT_F_OPER,  CHK_AGENT_DOWN },
	{ "fail",    CHK_AGENT_F_OPER,  CHK_AGENT_FAIL },
	{ "stopped", CHK_AGENT_F_OPER,  CHK_AGENT_STOPPED },
};

#define MAXCONN_PFX	"maxconn:"
#define MAXCONN_PFX_LEN	(sizeof(MAXCONN_PFX) - 1)
#define QUOTE_MAX	24	/* bytes of a bad word quoted in a message */

static int agent_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int agent_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Copy a word for an error message: printable ASCII only, cut when long. */
static const char *agent_quote(char *dst, const unsigned char *w, size_t n)
{
	size_t i, m = n > QUOTE_MAX ? QUOTE_MAX : n;

	for (i = 0; i < m; i++)
		dst[i] = (w[i] >= 0x20 && w[i] < 0x7f) ? (char)w[i] : '?';
	if (m < n)
		memcpy(dst + m, "...", 4);
	else
		dst[m] = '\0';
	return dst;
}

/* Decimal digits only, 1..CHK_AGENT_NUM_DIGITS of them. 0 or -1. */
static int agent_number(const unsigned char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (n == 0 || n > CHK_AGENT_NUM_DIGITS)
		return -1;
	for (i = 0; i < n; i++) {
		if (!(aclass[s[i]] & AC_DIGIT))
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * Apply one word to r. Returns 1 when the word is down, fail or stopped (a
 * '#' may follow it directly), 0 for any other known word, -1 if unknown.
 */
static int agent_word(const unsigned char *w, size_t n, struct chk_agent_reply *r)
{
	const struct agent_kw *kw;
	unsigned v;

	for (kw = agent_kws; kw < agent_kws + sizeof(agent_kws) / sizeof(*kw); kw++) {
		if (strlen(kw->name) != n || strncasecmp((const char *)w, kw->name, n))
			continue;
		r->flags |= kw->flag;
		if (kw->flag == CHK_AGENT_F_ADMIN) {
			r->admin = (enum chk_agent_admin)kw->state;
			return 0;
		}
		r->oper = (enum chk_agent_oper)kw->state;
		return kw->state != CHK_AGENT_UP;
	}
	if (n > 1 && w[n - 1] == '%' && agent_number(w, n - 1, &v) == 0) {
		r->flags |= CHK_AGENT_F_WEIGHT;
		r->weight_pct = v;
		return 0;
	}
	if (n > MAXCONN_PFX_LEN &&
	    strncasecmp((const char *)w, MAXCONN_PFX, MAXCONN_PFX_LEN) == 0 &&
	    agent_number(w + MAXCONN_PFX_LEN, n - MAXCONN_PFX_LEN, &v) == 0) {
		r->flags |= CHK_AGENT_F_MAXCONN;
		r->maxconn = v;
		return 0;
	}
	return -1;
}

/* The description: everything from s to the end of the line, trimmed. */
static int agent_desc(const unsigned char *line, size_t from, size_t n,
		      struct chk_agent_reply *r, char *err, size_t errlen)
{
	size_t i;

	while (from < n && (aclass[line[from]] & AC_BLANK))
		from++;
	while (n > from && (aclass[line[n - 1]] & AC_BLANK))
		n--;
	for (i = from; i < n; i++)
		if (aclass[line[i]] & AC_CTL)
			return agent_fail(err, errlen, "control character 0x%02x "
					  "in description at offset %zu", line[i], i);
	if (n > from) {
		r->flags |= CHK_AGENT_F_DESC;
		r->desc = (const char *)line + from;
		r->desc_len = n - from;
	}
	return 0;
}

/* Split line[0..n) into words. 0 or -1. */
static int agent_words(const unsigned char *line, size_t n,
		       struct chk_agent_reply *r, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4];
	size_t i = 0, start;
	int kind;

	while (i < n) {
		if (aclass[line[i]] & AC_SEP) {
			i++;
			continue;
		}
		if (line[i] == '#')
			return agent_desc(line, i + 1, n, r, err, errlen);
		if (aclass[line[i]] & AC_CTL)
			return agent_fail(err, errlen, "control character 0x%02x "
					  "at offset %zu", line[i], i);
		start = i;
		while (i < n && (aclass[line[i]] & AC_WORD))
			i++;
		kind = agent_word(line + start, i - start, r);
		if (kind < 0)
			return agent_fail(err, errlen, "unknown word \"%s\" at offset %zu",
					  agent_quote(q, line + start, i - start), start);
		if (i < n && line[i] == '#') {
			if (kind == 0)
				return agent_fail(err, errlen, "'#' after \"%s\" at offset "
						  "%zu: only down, fail and stopped take "
						  "a description", agent_quote(q, line + start,
						  i - start), i);
			return agent_desc(line, i + 1, n, r, err, errlen);
		}
	}
	return 0;
}

ssize_t chk_agent_parse(const char *buf, size_t len, size_t max_line,
			struct chk_agent_reply *r, char *err, size_t errlen)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t lim = max_line < len ? max_line + 1 : len;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (err && errlen)
		err[0] = '\0';
	for (i = 0; i < lim; i++) {
		if (aclass[p[i]] & AC_EOL)
			break;
		if (p[i] == '\0')
			return agent_fail(err, errlen, "NUL byte at offset %zu", i);
	}
	if (i == lim) {
		if (lim == len && len <= max_line)
			return 0;
		return agent_fail(err, errlen, "no end of line within %zu bytes",
				  max_line + 1);
	}
	if (agent_words(p, i, r, err, errlen) < 0) {
		memset(r, 0, sizeof(*r));
		return -1;
	}
	r->line_len = i;
	return (ssize_t)(i + 1);
}

unsigned chk_agent_weight(unsigned iweight, unsigned pct)
{
	uint64_t w = (uint64_t)iweight * pct / 100;

	return w > CHK_AGENT_WEIGHT_MAX ? CHK_AGENT_WEIGHT_MAX : (unsigned)w;
}
