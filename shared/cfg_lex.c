/*
 * cfg_lex.c - HAProxy-style configuration lexing: one line into words,
 * time and size units, and the .if/.elif/.else/.endif preprocessor.
 *
 * Everything here is a pure function over caller-owned memory: no I/O, no
 * allocation, and every write into struct cfg_words is bounds-checked.
 * Where HAProxy 2.6's manual and its actual behaviour differ, the behaviour
 * of "haproxy -c" wins; the header lists those places.
 */
#include "cfg_lex.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- character classes ---- */

enum {
	CC_BLANK = 0x01,	/* word separator: space, tab */
	CC_SPACE = 0x02,	/* separator inside "${VAR[*]}" values */
	CC_NAME1 = 0x04,	/* first char of a variable or predicate name */
	CC_NAME  = 0x08,	/* later chars of a name */
	CC_HEX   = 0x10,
	CC_DIGIT = 0x20,
};

#define NO 0
#define BS (CC_BLANK | CC_SPACE)
#define SP CC_SPACE
#define DG (CC_NAME | CC_HEX | CC_DIGIT)
#define HX (CC_NAME1 | CC_NAME | CC_HEX)
#define AL (CC_NAME1 | CC_NAME)

static const unsigned char cc[256] = {
	/* 0x00 */ NO, NO, NO, NO, NO, NO, NO, NO, NO, BS, SP, SP, SP, SP, NO, NO,
	/* 0x10 */ NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO,
	/* 0x20 */ BS, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO,
	/* 0x30 */ DG, DG, DG, DG, DG, DG, DG, DG, DG, DG, NO, NO, NO, NO, NO, NO,
	/* 0x40 */ NO, HX, HX, HX, HX, HX, HX, AL, AL, AL, AL, AL, AL, AL, AL, AL,
	/* 0x50 */ AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, NO, NO, NO, NO, AL,
	/* 0x60 */ NO, HX, HX, HX, HX, HX, HX, AL, AL, AL, AL, AL, AL, AL, AL, AL,
	/* 0x70 */ AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, AL, NO, NO, NO, NO, NO,
	/* 0x80 - 0xff: no class */
};

#undef NO
#undef BS
#undef SP
#undef DG
#undef HX
#undef AL

static int cc_is(char c, int cls)
{
	return (cc[(unsigned char)c] & cls) != 0;
}

int cfg_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cfg_hex_decode(const char *hex, unsigned char *out, size_t max, size_t *len)
{
	size_t n = strlen(hex);

	if (n == 0 || n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = cfg_hexval(hex[i]), lo = cfg_hexval(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

static void fmt_msg(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fmt_msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* ---- the line lexer ---- */

struct lexer {
	const char *line;	/* start of the line, for error positions */
	const char *p;		/* next byte to read */
	const char *end;
	struct cfg_words *out;
	size_t olen;		/* bytes used in out->store */
	int in_word;		/* out->argv[out->argc] is open */
	cfg_getenv_fn getenv_fn;
	void *env_arg;
	char *err;
	size_t errlen;
};

static int lex_fail(struct lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int lex_fail(struct lexer *lx, const char *fmt, ...)
{
	va_list ap;

	if (lx->err && lx->errlen) {
		va_start(ap, fmt);
		vsnprintf(lx->err, lx->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* 1-based column of ptr, as HAProxy reports it. */
static int lex_pos(const struct lexer *lx, const char *ptr)
{
	return (int)(ptr - lx->line) + 1;
}

static int lex_emit(struct lexer *lx, char c)
{
	if (lx->olen >= sizeof(lx->out->store))
		return lex_fail(lx, "line too long after variable expansion "
				"(max %zu bytes)", sizeof(lx->out->store));
	lx->out->store[lx->olen++] = c;
	return 0;
}

static int lex_word_begin(struct lexer *lx)
{
	if (lx->in_word)
		return 0;
	if (lx->out->argc >= CFG_MAX_WORDS)
		return lex_fail(lx, "too many words on line (max %d)",
				CFG_MAX_WORDS);
	lx->out->argv[lx->out->argc] = lx->out->store + lx->olen;
	lx->in_word = 1;
	return 0;
}

static int lex_word_end(struct lexer *lx)
{
	if (!lx->in_word)
		return 0;
	if (lex_emit(lx, '\0') < 0)
		return -1;
	lx->out->argc++;
	lx->in_word = 0;
	return 0;
}

/*
 * Backslash at lx->p. HAProxy knows only the escapes below; any other
 * backslash (also "\<TAB>", or one ending the line) stays in the word, and
 * "\$" means '$' only inside double quotes: outside it stays "\$".
 */
static int lex_escape(struct lexer *lx, int dquote)
{
	const char *bs = lx->p;
	char c, out;

	if (bs + 1 >= lx->end) {
		lx->p++;
		return lex_emit(lx, '\\');
	}
	c = bs[1];
	switch (c) {
	case ' ': case '#': case '\\': case '\'': case '"':
		out = c;
		break;
	case 'n':
		out = '\n';
		break;
	case 'r':
		out = '\r';
		break;
	case 't':
		out = '\t';
		break;
	case '$':
		if (!dquote) {
			lx->p++;
			return lex_emit(lx, '\\');
		}
		out = '$';
		break;
	case 'x':
		if (lx->end - bs < 4 || !cc_is(bs[2], CC_HEX) ||
		    !cc_is(bs[3], CC_HEX))
			return lex_fail(lx, "truncated or invalid hexadecimal "
					"sequence at position %d",
					lex_pos(lx, bs));
		out = (char)(cfg_hexval(bs[2]) << 4 | cfg_hexval(bs[3]));
		if (out == '\0')
			return lex_fail(lx, "'\\x00' at position %d would cut "
					"the word short", lex_pos(lx, bs));
		lx->p += 2;	/* plus the two below */
		break;
	default:
		lx->p++;	/* the next char is read as usual */
		return lex_emit(lx, '\\');
	}
	lx->p += 2;
	return lex_emit(lx, out);
}

/* Copy an expanded value; with split, blank runs end the word (HAProxy
 * "${VAR[*]}": leading or trailing blanks make empty words). */
static int lex_put_value(struct lexer *lx, const char *v, size_t len, int split)
{
	int prev_space = 0;

	for (size_t i = 0; i < len; i++) {
		int space = split && cc_is(v[i], CC_SPACE);

		if (space && !prev_space) {
			if (lex_word_end(lx) < 0 || lex_word_begin(lx) < 0)
				return -1;
		} else if (!space && lex_emit(lx, v[i]) < 0) {
			return -1;
		}
		prev_space = space;
	}
	return 0;
}

/*
 * "${NAME}", "${NAME[*]}", "${NAME-default}", "${NAME[*]-default}" or
 * "$NAME" at lx->p, inside double quotes. The default runs verbatim up to
 * the first '}' and only replaces an unset variable, not an empty one.
 */
static int lex_dollar(struct lexer *lx)
{
	const char *p = lx->p + 1, *brace = NULL, *name, *def = NULL;
	size_t namelen, deflen = 0;
	char namebuf[256];
	const char *val;
	int split = 0;

	if (p < lx->end && *p == '{')
		brace = p++;
	if (p >= lx->end || !(cc_is(*p, CC_NAME1) || *p == '.'))
		return lex_fail(lx, "forbidden first char in environment "
				"variable name at position %d",
				lex_pos(lx, p < lx->end ? p : lx->end));
	name = p++;
	while (p < lx->end && cc_is(*p, CC_NAME))
		p++;
	namelen = (size_t)(p - name);
	if (brace) {
		if (p < lx->end && *p == '[') {
			if (lx->end - p < 3 || p[1] != '*' || p[2] != ']')
				return lex_fail(lx, "truncated or invalid word "
						"expansion sequence at position %d "
						"(only [*] is known)", lex_pos(lx, p));
			split = 1;
			p += 3;
		}
		if (p < lx->end && *p == '-') {
			def = ++p;
			while (p < lx->end && *p != '}')
				p++;
			deflen = (size_t)(p - def);
		}
		if (p >= lx->end || *p != '}')
			return lex_fail(lx, "unmatched brace in environment "
					"variable name at position %d",
					lex_pos(lx, brace));
		p++;
	}
	if (namelen >= sizeof(namebuf))
		return lex_fail(lx, "environment variable name too long at "
				"position %d", lex_pos(lx, name));
	memcpy(namebuf, name, namelen);
	namebuf[namelen] = '\0';
	lx->p = p;

	val = lx->getenv_fn ? lx->getenv_fn(namebuf, lx->env_arg) : NULL;
	if (val)
		return lex_put_value(lx, val, strlen(val), split);
	return lex_put_value(lx, def ? def : "", deflen, split);
}

/* One byte (or escape, or expansion) at lx->p; *quote is the open quote. */
static int lex_step(struct lexer *lx, char *quote, const char **qpos)
{
	char c = *lx->p;

	if (*quote == '\'') {
		if (c == '\'')
			*quote = 0;
		else if (lex_emit(lx, c) < 0)
			return -1;
		lx->p++;
		return 0;
	}
	if (*quote == '"') {
		if (c == '\\')
			return lex_escape(lx, 1);
		if (c == '$')
			return lex_dollar(lx);
		if (c == '"')
			*quote = 0;
		else if (lex_emit(lx, c) < 0)
			return -1;
		lx->p++;
		return 0;
	}
	if (cc_is(c, CC_BLANK)) {
		lx->p++;
		return lex_word_end(lx);
	}
	if (lex_word_begin(lx) < 0)
		return -1;
	if (c == '\\')
		return lex_escape(lx, 0);
	if (c == '"' || c == '\'') {
		*quote = c;
		*qpos = lx->p++;
		return 0;
	}
	lx->p++;
	return lex_emit(lx, c);
}

int cfg_lex_line(const char *line, size_t len, struct cfg_words *out,
		 cfg_getenv_fn getenv_fn, void *env_arg,
		 char *err, size_t errlen)
{
	struct lexer lx = {
		.line = line, .p = line, .out = out,
		.getenv_fn = getenv_fn, .env_arg = env_arg,
		.err = err, .errlen = errlen,
	};
	const char *qpos = NULL;
	char quote = 0;
	size_t n;

	out->argc = 0;
	out->argv[0] = NULL;
	if (len > CFG_LINE_MAX)
		return lex_fail(&lx, "line too long (%zu bytes, max %d)",
				len, CFG_LINE_MAX);
	/* A raw CR or LF ends the line, as in HAProxy; a NUL is an error. */
	for (n = 0; n < len; n++) {
		if (line[n] == '\r' || line[n] == '\n')
			break;
		if (line[n] == '\0')
			return lex_fail(&lx, "stray NUL character at position "
					"%zu", n + 1);
	}
	lx.end = line + n;

	while (lx.p < lx.end) {
		if (!quote && *lx.p == '#')
			break;
		if (lex_step(&lx, &quote, &qpos) < 0)
			goto fail;
	}
	if (quote) {
		lex_fail(&lx, "unmatched quote at position %d",
			 lex_pos(&lx, qpos));
		goto fail;
	}
	if (lex_word_end(&lx) < 0)
		goto fail;
	out->argv[out->argc] = NULL;
	return 0;
fail:
	out->argc = 0;
	out->argv[0] = NULL;
	return -1;
}

/* ---- numbers with units ---- */

#define TIME_MAX_US	((uint64_t)INT32_MAX * 1000)

/* Decimal digits at *sp into *v; 0, or -1 on no digit or overflow (*ovf). */
static int parse_decimal(const char **sp, uint64_t *v, int *ovf)
{
	const char *s = *sp;
	uint64_t n = 0;

	*ovf = 0;
	if (!cc_is(*s, CC_DIGIT))
		return -1;
	for (; cc_is(*s, CC_DIGIT); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (n > (UINT64_MAX - d) / 10)
			*ovf = 1;
		else
			n = n * 10 + d;
	}
	*sp = s;
	*v = n;
	return *ovf ? -1 : 0;
}

struct time_unit {
	const char *name;
	uint64_t us;
};

/* Case-sensitive, as HAProxy: "10S" and "10Ms" are errors. */
static const struct time_unit time_units[] = {
	{ "", 1000 },
	{ "us", 1 },
	{ "ms", 1000 },
	{ "s", 1000000 },
	{ "m", 60000000 },
	{ "h", 3600000000ULL },
	{ "d", 86400000000ULL },
};

static int parse_time(const char *s, uint64_t *us, char *err, size_t errlen)
{
	const char *p = s ? s : "";
	uint64_t n;
	int ovf;

	if (!*p) {
		fmt_msg(err, errlen, "empty time value");
		return -1;
	}
	if (parse_decimal(&p, &n, &ovf) < 0 && !ovf) {
		fmt_msg(err, errlen, "'%s' is not a valid time (a number with "
			"an optional unit: us, ms, s, m, h, d)", s);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_LEN(time_units); i++) {
		const struct time_unit *u = &time_units[i];

		if (strcmp(p, u->name) != 0)
			continue;
		if (ovf || n > TIME_MAX_US / u->us) {
			fmt_msg(err, errlen, "time '%s' is too large (max %d ms, "
				"about 24.8 days)", s, INT32_MAX);
			return -1;
		}
		*us = n * u->us;
		return 0;
	}
	fmt_msg(err, errlen, "unknown unit '%s' in time '%s' (valid: us, ms, "
		"s, m, h, d)", p, s);
	return -1;
}

int cfg_parse_time_ms(const char *s, uint32_t *ms, char *err, size_t errlen)
{
	uint64_t us;

	if (parse_time(s, &us, err, errlen) < 0)
		return -1;
	*ms = (uint32_t)((us + 999) / 1000);
	return 0;
}

int cfg_parse_time_us(const char *s, uint64_t *us, char *err, size_t errlen)
{
	return parse_time(s, us, err, errlen);
}

int cfg_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	const char *p = s ? s : "";
	unsigned shift = 0;
	uint64_t n;
	int ovf;

	if (!*p) {
		fmt_msg(err, errlen, "empty size value");
		return -1;
	}
	if (parse_decimal(&p, &n, &ovf) < 0 && !ovf)
		goto bad;
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	default:
		goto bad;
	}
	if (shift && p[1] != '\0')
		goto bad;
	if (ovf || n > (UINT64_MAX >> shift)) {
		fmt_msg(err, errlen, "size '%s' is too large", s);
		return -1;
	}
	*bytes = n << shift;
	return 0;
bad:
	fmt_msg(err, errlen, "'%s' is not a valid size (a number with an "
		"optional suffix k, m or g)", s);
	return -1;
}

int cfg_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		   char *err, size_t errlen)
{
	const char *p = s ? s : "";
	uint64_t n;
	int ovf;

	if (parse_decimal(&p, &n, &ovf) < 0 && !ovf)
		goto bad;
	if (*p != '\0')
		goto bad;
	if (ovf || n < min || n > max) {
		fmt_msg(err, errlen, "'%s' is out of range (%llu..%llu)", s,
			(unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = n;
	return 0;
bad:
	fmt_msg(err, errlen, "'%s' is not a valid number", s ? s : "");
	return -1;
}

/* ---- condition expressions ---- */

#define COND_NEST_MAX	32	/* parentheses inside one condition */
#define PRED_ARGS_MAX	2

struct cond_parser {
	const char *text;	/* the joined condition, for messages */
	char *work;		/* same bytes; predicate args are cut in here */
	size_t pos;
	int nest;
	const struct cfg_cond_ctx *ctx;
	char *msg;		/* first error; set once */
	size_t msglen;
	int failed;
};

static int cp_fail(struct cond_parser *cp, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cp_fail(struct cond_parser *cp, size_t pos, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (cp->failed)
		return -1;
	cp->failed = 1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fmt_msg(cp->msg, cp->msglen, "%s at position %zu of condition '%s'",
		what, pos + 1, cp->text);
	return -1;
}

/* A character for a message: 'c', or \xHH when it would not print. */
static const char *char_desc(char c, char buf[8])
{
	unsigned char u = (unsigned char)c;

	if (u >= 0x20 && u < 0x7f)
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "\\x%02x", u);
	return buf;
}

static void cp_blanks(struct cond_parser *cp)
{
	while (cc_is(cp->text[cp->pos], CC_BLANK))
		cp->pos++;
}

/* Integer as strtol(base 0) reads it; only zero or non-zero matters. */
static void cp_number(struct cond_parser *cp, int *val)
{
	const char *t = cp->text;
	size_t i = cp->pos;
	int nonzero = 0;

	if (t[i] == '+' || t[i] == '-')
		i++;
	if (t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X') &&
	    cc_is(t[i + 2], CC_HEX)) {
		for (i += 2; cc_is(t[i], CC_HEX); i++)
			nonzero |= t[i] != '0';
	} else if (t[i] == '0') {
		for (i++; t[i] >= '0' && t[i] <= '7'; i++)
			nonzero |= t[i] != '0';
	} else {
		for (; cc_is(t[i], CC_DIGIT); i++)
			nonzero |= t[i] != '0';
	}
	cp->pos = i;
	*val = nonzero;
}

/* "MAJOR[.MINOR...][-devN|-preN|-rcN]"; missing components are zero and
 * a release sorts after its -dev, -pre and -rc builds. */
#define VER_PARTS	6

struct version {
	unsigned long part[VER_PARTS + 2];	/* numbers, stage, stage number */
};

static int version_parse(const char *s, struct version *v)
{
	static const char *const stages[] = { "dev", "pre", "rc" };
	int n = 0;

	memset(v, 0, sizeof(*v));
	v->part[VER_PARTS] = 3;		/* a release */
	for (;;) {
		if (n == VER_PARTS || !cc_is(*s, CC_DIGIT))
			return -1;
		for (; cc_is(*s, CC_DIGIT); s++) {
			if (v->part[n] > 99999999UL)
				return -1;
			v->part[n] = v->part[n] * 10 + (unsigned long)(*s - '0');
		}
		n++;
		if (*s != '.')
			break;
		s++;
	}
	if (*s == '\0')
		return 0;
	if (*s++ != '-')
		return -1;
	for (unsigned long i = 0; i < 3; i++) {
		size_t l = strlen(stages[i]);

		if (strncmp(s, stages[i], l) != 0)
			continue;
		v->part[VER_PARTS] = i;
		for (s += l; cc_is(*s, CC_DIGIT) && v->part[VER_PARTS + 1] < 99999999UL; s++)
			v->part[VER_PARTS + 1] = v->part[VER_PARTS + 1] * 10 +
						 (unsigned long)(*s - '0');
		/* "-dev8-1fa74b8" or "+deb12u4": build details, ignored */
		return (*s == '\0' || *s == '-' || *s == '+') ? 0 : -1;
	}
	return -1;
}

static int version_cmp(const struct version *a, const struct version *b)
{
	for (int i = 0; i < VER_PARTS + 2; i++)
		if (a->part[i] != b->part[i])
			return a->part[i] < b->part[i] ? -1 : 1;
	return 0;
}

enum pred_id {
	PRED_DEFINED, PRED_FEATURE, PRED_STREQ, PRED_STRNEQ, PRED_STRSTR,
	PRED_VERSION_ATLEAST, PRED_VERSION_BEFORE, PRED_ENABLED,
};

struct predicate {
	const char *name;
	enum pred_id id;
	int nargs;
};

static const struct predicate predicates[] = {
	{ "defined", PRED_DEFINED, 1 },
	{ "feature", PRED_FEATURE, 1 },
	{ "streq", PRED_STREQ, 2 },
	{ "strneq", PRED_STRNEQ, 2 },
	{ "strstr", PRED_STRSTR, 2 },		/* after HAProxy 2.6 */
	{ "version_atleast", PRED_VERSION_ATLEAST, 1 },
	{ "version_before", PRED_VERSION_BEFORE, 1 },
	{ "enabled", PRED_ENABLED, 1 },		/* after HAProxy 2.6 */
};

static int pred_version(struct cond_parser *cp, const char *want,
			size_t argpos, int *cmp)
{
	struct version ours, theirs;

	if (version_parse(want, &theirs) < 0)
		return cp_fail(cp, argpos, "invalid version '%s'", want);
	if (!cp->ctx->version || version_parse(cp->ctx->version, &ours) < 0)
		return cp_fail(cp, argpos, "own version '%s' is not usable",
			       cp->ctx->version ? cp->ctx->version : "(none)");
	*cmp = version_cmp(&ours, &theirs);
	return 0;
}

static int pred_eval(struct cond_parser *cp, const struct predicate *pr,
		     char **arg, size_t argpos, int *val)
{
	const struct cfg_cond_ctx *x = cp->ctx;
	int cmp;

	switch (pr->id) {
	case PRED_DEFINED:
		*val = x->getenv_fn && x->getenv_fn(arg[0], x->arg) != NULL;
		return 0;
	case PRED_FEATURE:
		*val = x->feature && x->feature(arg[0], x->arg);
		return 0;
	case PRED_ENABLED:
		*val = x->enabled && x->enabled(arg[0], x->arg);
		return 0;
	case PRED_STREQ:
		*val = strcmp(arg[0], arg[1]) == 0;
		return 0;
	case PRED_STRNEQ:
		*val = strcmp(arg[0], arg[1]) != 0;
		return 0;
	case PRED_STRSTR:
		*val = strstr(arg[0], arg[1]) != NULL;
		return 0;
	case PRED_VERSION_ATLEAST:
	case PRED_VERSION_BEFORE:
		if (pred_version(cp, arg[0], argpos, &cmp) < 0)
			return -1;
		*val = pr->id == PRED_VERSION_ATLEAST ? cmp >= 0 : cmp < 0;
		return 0;
	}
	return -1;
}

/*
 * name(arg,arg) at cp->pos. Arguments run to the first ')' and are split on
 * commas, blanks kept (HAProxy: streq( a ,a) is false); quotes were already
 * removed by the lexer. A bare name has no arguments.
 */
static int cp_predicate(struct cond_parser *cp, int *val)
{
	const struct predicate *pr = NULL;
	size_t start = cp->pos, len, argpos;
	char *arg[PRED_ARGS_MAX] = { NULL, NULL };
	int nargs = 0;

	while (cc_is(cp->text[cp->pos], CC_NAME))
		cp->pos++;
	len = cp->pos - start;
	for (size_t i = 0; i < ARRAY_LEN(predicates); i++)
		if (strlen(predicates[i].name) == len &&
		    memcmp(predicates[i].name, cp->text + start, len) == 0)
			pr = &predicates[i];
	if (!pr)
		return cp_fail(cp, start, "unknown predicate '%.*s'", (int)len,
			       cp->text + start);
	argpos = cp->pos;
	if (cp->text[cp->pos] == '(') {
		char *close = strchr(cp->work + cp->pos, ')');
		char *a = cp->work + cp->pos + 1;

		if (!close)
			return cp_fail(cp, argpos, "missing ')' after the "
				       "arguments of '%s'", pr->name);
		*close = '\0';
		for (;;) {
			char *comma = strchr(a, ',');

			if (nargs < PRED_ARGS_MAX)
				arg[nargs] = a;
			nargs++;
			if (!comma)
				break;
			*comma = '\0';
			a = comma + 1;
		}
		cp->pos = (size_t)(close - cp->work) + 1;
		argpos++;
	}
	if (nargs != pr->nargs)
		return cp_fail(cp, argpos, "predicate '%s' expects %d "
			       "argument%s, got %d", pr->name, pr->nargs,
			       pr->nargs > 1 ? "s" : "", nargs);
	return pred_eval(cp, pr, arg, argpos, val);
}

static int cp_or(struct cond_parser *cp, int *val);

/* [!]... then '(' expr ')', an integer or a predicate. */
static int cp_term(struct cond_parser *cp, int *val)
{
	const char *t = cp->text;
	int neg = 0;
	char c;

	cp_blanks(cp);
	while (t[cp->pos] == '!') {
		neg = !neg;
		cp->pos++;
		cp_blanks(cp);
	}
	c = t[cp->pos];
	if (c == '(') {
		size_t open = cp->pos++;

		if (++cp->nest > COND_NEST_MAX)
			return cp_fail(cp, open, "parentheses nested too deeply "
				       "(max %d)", COND_NEST_MAX);
		if (cp_or(cp, val) < 0)
			return -1;
		cp->nest--;
		cp_blanks(cp);
		if (t[cp->pos] != ')')
			return cp_fail(cp, open, "missing ')' for this '('");
		cp->pos++;
	} else if (cc_is(c, CC_DIGIT) || ((c == '+' || c == '-') &&
					  cc_is(t[cp->pos + 1], CC_DIGIT))) {
		cp_number(cp, val);
	} else if (cc_is(c, CC_NAME1)) {
		if (cp_predicate(cp, val) < 0)
			return -1;
	} else if (c == '\0') {
		return cp_fail(cp, cp->pos, "missing term");
	} else {
		char d[8];

		return cp_fail(cp, cp->pos, "unexpected character %s",
			       char_desc(c, d));
	}
	if (neg)
		*val = !*val;
	cp_blanks(cp);
	return 0;
}

static int cp_and(struct cond_parser *cp, int *val)
{
	int rhs;

	if (cp_term(cp, val) < 0)
		return -1;
	while (cp->text[cp->pos] == '&' && cp->text[cp->pos + 1] == '&') {
		cp->pos += 2;
		if (cp_term(cp, &rhs) < 0)
			return -1;
		*val = *val && rhs;
	}
	return 0;
}

/* Every term is parsed and checked, even where the result is known. */
static int cp_or(struct cond_parser *cp, int *val)
{
	int rhs;

	if (cp_and(cp, val) < 0)
		return -1;
	while (cp->text[cp->pos] == '|' && cp->text[cp->pos + 1] == '|') {
		cp->pos += 2;
		if (cp_and(cp, &rhs) < 0)
			return -1;
		*val = *val || rhs;
	}
	return 0;
}

#define COND_TEXT_MAX	(sizeof(((struct cfg_words *)0)->store))

/* Words 1.. of a .if/.elif joined by spaces, parsed and evaluated. */
static int cond_eval(const struct cfg_words *w, const struct cfg_cond_ctx *ctx,
		     int *val, char *msg, size_t msglen)
{
	char text[COND_TEXT_MAX], work[COND_TEXT_MAX];
	struct cond_parser cp = {
		.text = text, .work = work, .ctx = ctx,
		.msg = msg, .msglen = msglen,
	};
	size_t len = 0;

	for (int i = 1; i < w->argc; i++) {
		size_t l = strlen(w->argv[i]);

		if (len + l + 2 > sizeof(text)) {
			fmt_msg(msg, msglen, "condition of '%s' is too long",
				w->argv[0]);
			return -1;
		}
		if (i > 1)
			text[len++] = ' ';
		memcpy(text + len, w->argv[i], l);
		len += l;
	}
	text[len] = '\0';
	memcpy(work, text, len + 1);
	*val = 0;
	if (len == 0)
		return 0;	/* an empty condition is false */
	if (cp_or(&cp, val) < 0)
		return -1;
	if (text[cp.pos] != '\0') {
		char d[8];

		return cp_fail(&cp, cp.pos, "unexpected character %s",
			       char_desc(text[cp.pos], d));
	}
	return 0;
}

/* ---- the block state machine ---- */

enum { LVL_WAITING = 0, LVL_TAKING = 1, LVL_DONE = 2 };

const char *const cfg_cond_action_names[] = {
	[CFG_COND_USE] = "use",
	[CFG_COND_SKIP] = "skip",
	[CFG_COND_DIAG] = "diag",
	[CFG_COND_NOTICE] = "notice",
	[CFG_COND_WARNING] = "warning",
	[CFG_COND_ALERT] = "alert",
	[CFG_COND_ERROR] = "error",
};

void cfg_cond_init(struct cfg_cond *c)
{
	memset(c, 0, sizeof(*c));
}

/* Past CFG_COND_DEPTH levels are counted but not stored: all skipped. */
static int cond_skipping(const struct cfg_cond *c)
{
	int d = c->depth;

	if (d > CFG_COND_DEPTH)
		return 1;
	return d > 0 && (c->outer_skip[d - 1] || c->state[d - 1] != LVL_TAKING);
}

static enum cfg_cond_action cond_error(char *msg, size_t msglen,
				       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum cfg_cond_action cond_error(char *msg, size_t msglen,
				       const char *fmt, ...)
{
	va_list ap;

	if (msg && msglen) {
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return CFG_COND_ERROR;
}

static enum cfg_cond_action cond_if(struct cfg_cond *c,
				    const struct cfg_words *w,
				    const struct cfg_cond_ctx *ctx,
				    char *msg, size_t msglen)
{
	int skip = cond_skipping(c), val = 0, rc = 0;
	int d = c->depth;

	if (d >= CFG_COND_DEPTH) {
		if (d < INT_MAX)
			c->depth++;
		if (d == CFG_COND_DEPTH)
			return cond_error(msg, msglen, "too many nested '.if' "
					  "blocks (max %d)", CFG_COND_DEPTH);
		return CFG_COND_SKIP;
	}
	if (!skip)
		rc = cond_eval(w, ctx, &val, msg, msglen);
	c->outer_skip[d] = skip;
	c->seen_else[d] = 0;
	/* after a bad condition the whole block is skipped, every branch */
	c->state[d] = rc < 0 ? LVL_DONE : val ? LVL_TAKING : LVL_WAITING;
	c->depth++;
	return rc < 0 ? CFG_COND_ERROR : CFG_COND_SKIP;
}

static enum cfg_cond_action cond_elif(struct cfg_cond *c,
				      const struct cfg_words *w,
				      const struct cfg_cond_ctx *ctx,
				      char *msg, size_t msglen)
{
	int d = c->depth - 1, val = 0;

	if (c->depth == 0)
		return cond_error(msg, msglen, "lone '.elif' with no matching "
				  "'.if'");
	if (c->depth > CFG_COND_DEPTH)
		return CFG_COND_SKIP;
	if (c->seen_else[d]) {
		c->state[d] = LVL_DONE;	/* skip what follows, not guess */
		return cond_error(msg, msglen, "'.elif' after '.else' is not "
				  "permitted");
	}
	if (c->state[d] == LVL_TAKING) {
		c->state[d] = LVL_DONE;
		return CFG_COND_SKIP;
	}
	if (c->outer_skip[d] || c->state[d] == LVL_DONE)
		return CFG_COND_SKIP;
	if (cond_eval(w, ctx, &val, msg, msglen) < 0) {
		c->state[d] = LVL_DONE;
		return CFG_COND_ERROR;
	}
	if (val)
		c->state[d] = LVL_TAKING;
	return CFG_COND_SKIP;
}

static enum cfg_cond_action cond_else(struct cfg_cond *c,
				      const struct cfg_words *w,
				      const struct cfg_cond_ctx *ctx,
				      char *msg, size_t msglen)
{
	int d = c->depth - 1;

	(void)ctx;
	if (c->depth == 0)
		return cond_error(msg, msglen, "lone '.else' with no matching "
				  "'.if'");
	if (w->argc > 1)
		return cond_error(msg, msglen, "unexpected argument '%s' for "
				  "'.else'", w->argv[1]);
	if (c->depth > CFG_COND_DEPTH)
		return CFG_COND_SKIP;
	if (c->seen_else[d]) {
		c->state[d] = LVL_DONE;
		return cond_error(msg, msglen, "'.else' after '.else' is not "
				  "permitted");
	}
	c->seen_else[d] = 1;
	c->state[d] = c->state[d] == LVL_WAITING ? LVL_TAKING : LVL_DONE;
	return CFG_COND_SKIP;
}

static enum cfg_cond_action cond_endif(struct cfg_cond *c,
				       const struct cfg_words *w,
				       const struct cfg_cond_ctx *ctx,
				       char *msg, size_t msglen)
{
	(void)ctx;
	if (c->depth == 0)
		return cond_error(msg, msglen, "lone '.endif' with no matching "
				  "'.if'");
	c->depth--;
	if (w->argc > 1)
		return cond_error(msg, msglen, "unexpected argument '%s' for "
				  "'.endif'", w->argv[1]);
	return CFG_COND_SKIP;
}

struct cond_directive {
	const char *name;
	/* block directives: run even inside skipped blocks */
	enum cfg_cond_action (*block)(struct cfg_cond *, const struct cfg_words *,
				      const struct cfg_cond_ctx *, char *, size_t);
	enum cfg_cond_action report;	/* message directives */
};

static const struct cond_directive cond_directives[] = {
	{ ".if", cond_if, CFG_COND_SKIP },
	{ ".elif", cond_elif, CFG_COND_SKIP },
	{ ".else", cond_else, CFG_COND_SKIP },
	{ ".endif", cond_endif, CFG_COND_SKIP },
	{ ".diag", NULL, CFG_COND_DIAG },
	{ ".notice", NULL, CFG_COND_NOTICE },
	{ ".warning", NULL, CFG_COND_WARNING },
	{ ".alert", NULL, CFG_COND_ALERT },
};

enum cfg_cond_action cfg_cond_line(struct cfg_cond *c,
				   const struct cfg_words *w,
				   const struct cfg_cond_ctx *ctx,
				   char *msg, size_t msglen)
{
	const struct cond_directive *dir = NULL;
	const char *w0 = w->argc > 0 ? w->argv[0] : "";
	int skip = cond_skipping(c);

	if (msg && msglen)
		msg[0] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(cond_directives); i++)
		if (strcmp(w0, cond_directives[i].name) == 0)
			dir = &cond_directives[i];
	if (dir && dir->block)
		return dir->block(c, w, ctx, msg, msglen);
	if (skip)
		return CFG_COND_SKIP;
	if (!dir)
		return w0[0] == '.' ? cond_error(msg, msglen, "unknown "
						 "directive '%s'", w0)
				    : CFG_COND_USE;
	if (w->argc > 2)
		return cond_error(msg, msglen, "unexpected argument '%s' for "
				  "'%s'; use quotes if the message should "
				  "contain spaces", w->argv[2], w0);
	fmt_msg(msg, msglen, "%s", w->argc > 1 ? w->argv[1] : "");
	return dir->report;
}

int cfg_cond_end(const struct cfg_cond *c, char *msg, size_t msglen)
{
	if (c->depth == 0)
		return 0;
	fmt_msg(msg, msglen, "unterminated '.if' block at end of file "
		"(%d level%s still open)", c->depth, c->depth > 1 ? "s" : "");
	return -1;
}
