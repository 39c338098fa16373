/*
 * cfg_lex.h - HAProxy-style configuration lexing: one line into words,
 * time and size units, and the .if/.elif/.else/.endif preprocessor.
 * Pure functions: no I/O; the only allocation-free state is the caller's.
 */
#ifndef SHARED_CFG_LEX_H
#define SHARED_CFG_LEX_H

#include <stddef.h>
#include <stdint.h>

#define CFG_MAX_WORDS	64	/* HAProxy's MAX_LINE_ARGS */
#define CFG_LINE_MAX	4096	/* bytes of one input line; expanded words
				   must fit in cfg_words.store */

struct cfg_words {
	int argc;
	char *argv[CFG_MAX_WORDS + 1];	/* argv[argc] == NULL */
	char store[CFG_LINE_MAX * 2];	/* argv point in here */
};

/*
 * Environment lookup used for "${VAR}" expansion; returns the value or NULL.
 * Passed in so tests and fuzzers need no real environment.
 */
typedef const char *(*cfg_getenv_fn)(const char *name, void *arg);

/*
 * Split one line (without its trailing newline) into words using HAProxy
 * 2.6's rules, as checked against "haproxy -c":
 * - blanks (space, tab) separate words; '#' outside quotes starts a comment,
 *   even inside a word ("a#b" is "a"); a raw CR or LF ends the line; a NUL
 *   byte is an error.
 * - outside quotes, a backslash escapes a space, '#', a backslash and both
 *   quotes, and "\n" "\r" "\t" "\xHH" give those bytes. Any other backslash
 *   stays in the word with the next char read as usual ("a\qb", "\$",
 *   "\<TAB>" and a backslash ending the line are kept; the manual says
 *   otherwise for "\$" and "\<TAB>", HAProxy 2.6 does not do it).
 * - double quotes group, take the same escapes plus "\$" for '$', and expand
 *   "$NAME", "${NAME}", "${NAME-default}" (the default, verbatim up to the
 *   first '}', only replaces an unset variable, not an empty one) and
 *   "${NAME[*]}" / "${NAME[*]-default}", which cut the value into several
 *   words at each run of white space (leading or trailing white space makes
 *   an empty word, an empty value one empty word). NAME is
 *   [A-Za-z_][A-Za-z0-9_]*, or a pseudo-variable starting with '.' (".LINE",
 *   ".FILE") that the caller's getenv_fn resolves. An unset variable expands
 *   to nothing; "$" not followed by a name, "${" without '}' and "[x]" other
 *   than "[*]" are errors.
 * - single quotes group verbatim: no escape, no expansion.
 * - $ outside double quotes is a plain character: no expansion (the manual
 *   says so and HAProxy 2.6 does so).
 * - quoted and unquoted parts next to each other form one word
 *   (foo"bar"'baz' is foobarbaz); an empty quoted string is an empty word.
 * The input may be at most CFG_LINE_MAX bytes and its words, with their
 * NULs, must fit in out->store after expansion.
 * Returns 0 and fills *out (argv[argc] == NULL), or -1 with argc == 0 and a
 * message in err: unmatched quote, line too long, too many words (more than
 * CFG_MAX_WORDS), bad or NUL \x escape, bad variable syntax. Positions in
 * messages are 1-based byte columns, as HAProxy prints them.
 * HAProxy lexes lines inside false .if blocks too and reports their errors;
 * callers should do the same before cfg_cond_line.
 */
int cfg_lex_line(const char *line, size_t len, struct cfg_words *out,
		 cfg_getenv_fn getenv_fn, void *env_arg,
		 char *err, size_t errlen);

/*
 * Parse a time with HAProxy's units: us, ms, s, m, h, d (lower case only, as
 * HAProxy); a bare number is milliseconds. Decimal digits only: no sign, no
 * fraction, no blanks. Result in milliseconds; microseconds round up, so a
 * non-zero time never becomes 0. Anything after the unit ("10sx") is an
 * error (HAProxy 2.6 only warns about it).
 * Returns 0, or -1 with a message (empty, not a number, bad unit, more than
 * INT32_MAX ms, about 24.8 days).
 */
int cfg_parse_time_ms(const char *s, uint32_t *ms, char *err, size_t errlen);

/* Same, result in microseconds; same units, same INT32_MAX ms limit. */
int cfg_parse_time_us(const char *s, uint64_t *us, char *err, size_t errlen);

/*
 * Parse a size: decimal digits with an optional single k, m or g suffix
 * (powers of 1024; either case). "10kb", "1.5k", "-1", "k" are errors.
 * Returns 0, or -1 with a message (empty, bad suffix, past UINT64_MAX).
 */
int cfg_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);

/*
 * Parse an unsigned decimal integer within [min, max] (bounds included):
 * digits only, no sign or blanks. Returns 0, or -1 with a message such as
 * "'12x' is not a valid number" or "'300' is out of range (0..255)".
 */
int cfg_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		   char *err, size_t errlen);

/* ---- conditional blocks: .if / .elif / .else / .endif ---- */

#define CFG_COND_DEPTH	32

struct cfg_cond {
	int depth;
	/* per level: 0 = not yet taken, 1 = taking now, 2 = already taken */
	unsigned char state[CFG_COND_DEPTH];
	unsigned char seen_else[CFG_COND_DEPTH];
	int outer_skip[CFG_COND_DEPTH];
};

/* What the caller does with a line, as told by cfg_cond_line. */
enum cfg_cond_action {
	CFG_COND_USE,		/* a normal line to parse */
	CFG_COND_SKIP,		/* inside a false block, or a consumed directive */
	CFG_COND_DIAG,		/* .diag: message in msg, only with -dD */
	CFG_COND_NOTICE,	/* .notice: print message */
	CFG_COND_WARNING,	/* .warning: print as a warning */
	CFG_COND_ALERT,		/* .alert: print as an error; config fails */
	CFG_COND_ERROR,		/* malformed directive: message in msg */
};

/* Lower-case names of the actions above, indexed by action. */
extern const char *const cfg_cond_action_names[];

struct cfg_cond_ctx {
	const char *version;		/* our HAProxy-compatible version, "2.6.0" */
	int (*feature)(const char *name, void *arg);	/* feature(NAME) */
	int (*enabled)(const char *name, void *arg);	/* enabled(OPTION) */
	cfg_getenv_fn getenv_fn;		/* defined(NAME) */
	void *arg;
};

void cfg_cond_init(struct cfg_cond *c);

/*
 * Feed one lexed line. Directives (.if .elif .else .endif .diag .notice
 * .warning .alert) are recognised as words[0]; any other word starting with
 * '.' is an error ("unknown directive"), except inside a false block.
 * Block directives are tracked even inside false blocks, so nesting stays
 * right; there, conditions are not evaluated and messages are skipped.
 * Conditions are words[1..] joined by single spaces, so "defined(A) && 1"
 * may come as several words. An empty condition is false; otherwise a term
 * is an integer read like strtol base 0 ("0", "1", "-1", "0x10"; zero is
 * false), a predicate, or a term in parentheses, with ! && || (&& binds
 * tighter) and blanks between terms. Every term is checked even when the
 * result is already known. A non-numeric bare word ("yes") is an unknown
 * predicate: an error, as in HAProxy. Predicates, with arguments split on
 * commas (blanks kept, quotes already removed by the lexer):
 *   defined(NAME), feature(NAME), streq(a,b), strneq(a,b),
 *   version_atleast(V), version_before(V)       (HAProxy 2.6)
 *   strstr(a,b), enabled(NAME)     (later HAProxy; 2.6 rejects them)
 * Versions are "X[.Y...][-devN|-preN|-rcN]", compared numerically with
 * missing parts as zero and a release after its -dev/-pre/-rc builds;
 * a malformed version is an error (HAProxy 2.6 quietly takes it as 0).
 * .diag etc. take at most one word: the message copied into msg.
 * A bad .if condition yields CFG_COND_ERROR and a block skipped whole.
 * Nesting past CFG_COND_DEPTH is an error; deeper lines are skipped.
 * Message text (for .diag etc. and errors) is written to msg.
 */
enum cfg_cond_action cfg_cond_line(struct cfg_cond *c,
				   const struct cfg_words *w,
				   const struct cfg_cond_ctx *ctx,
				   char *msg, size_t msglen);

/* At end of file: returns 0, or -1 with a message if a block is unclosed. */
int cfg_cond_end(const struct cfg_cond *c, char *msg, size_t msglen);

/* The value of a hex digit, or -1. */
int cfg_hexval(int c);

/* Decode hex pairs into out (at most max bytes): 0 with *len set, or -1
 * when hex is empty, odd, too long or not hex. */
int cfg_hex_decode(const char *hex, unsigned char *out, size_t max, size_t *len);

#endif
