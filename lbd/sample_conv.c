/*
 * sample_conv.c - the converters of sample expressions ("src,ipmask(24)",
 * "hdr(host),lower,map(hosts.map)"): text, integers, addresses, maps and
 * regular expressions. The table at the end is the list of what lbd
 * supports; sample.c parses expressions and runs them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "arena.h"
#include "sample.h"
#include "sample_int.h"
#include "session.h"
#include "vars.h"

static int c_case(struct smp_ctx *c, struct smp *v, int up)
{
	char *b;

	if (smp_to_str(v, c->a) < 0 || !(b = arena_alloc(c->a, v->len + 1)))
		return 0;
	for (size_t i = 0; i < v->len; i++)
		b[i] = (char)(up ? toupper((unsigned char)v->str[i]) :
			      tolower((unsigned char)v->str[i]));
	return smp_set_str(v, b, v->len);
}

static int c_lower(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	return c_case(c, v, 0);
}

static int c_upper(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	return c_case(c, v, 1);
}

static int c_hex(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	static const char hx[] = "0123456789ABCDEF";
	char *b;

	if (smp_to_str(v, c->a) < 0 || !(b = arena_alloc(c->a, v->len * 2 + 1)))
		return 0;
	for (size_t i = 0; i < v->len; i++) {
		b[2 * i] = hx[(unsigned char)v->str[i] >> 4];
		b[2 * i + 1] = hx[(unsigned char)v->str[i] & 15];
	}
	return smp_set_str(v, b, v->len * 2);
}

static int c_base64(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	unsigned char *b;
	int n;

	if (smp_to_str(v, c->a) < 0 || v->len > (1u << 20) ||
	    !(b = arena_alloc(c->a, (v->len + 2) / 3 * 4 + 1)))
		return 0;
	n = EVP_EncodeBlock(b, (const unsigned char *)v->str, (int)v->len);
	return n < 0 ? 0 : smp_set_str(v, (const char *)b, (size_t)n);
}

static int c_length(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	if (smp_to_str(v, c->a) < 0)
		return 0;
	return smp_set_int(v, (int64_t)v->len, SMP_T_SINT);
}

/* ---- converters: arithmetic on signed 64-bit integers ---- */

/* The operand of add(), sub()...: the integer, or the variable's value. */
static int c_operand(const struct smp_arg *a, struct smp_ctx *c, int64_t *out)
{
	struct smp t = { 0 };

	if (!a->is_var) {
		*out = a->n;
		return 1;
	}
	if (!vars_get(c->s, a->str, &t) || smp_to_sint(&t) < 0)
		return 0;
	*out = t.sint;
	return 1;
}

enum { AR_ADD, AR_SUB, AR_MUL, AR_DIV, AR_MOD, AR_AND, AR_OR, AR_XOR };

/* Overflows saturate at the bounds; a division by zero gives INT64_MAX and
 * a modulo by zero gives 0, as HAProxy's manual says. */
static int c_arith(int op, const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	int64_t x, y, r = 0;
	int ovf = 0;

	if (smp_to_sint(v) < 0 || !c_operand(&a[0], c, &y))
		return 0;
	x = v->sint;
	switch (op) {
	case AR_ADD: ovf = __builtin_add_overflow(x, y, &r); break;
	case AR_SUB: ovf = __builtin_sub_overflow(x, y, &r); break;
	case AR_MUL: ovf = __builtin_mul_overflow(x, y, &r); break;
	case AR_DIV:
		r = !y ? INT64_MAX : (x == INT64_MIN && y == -1) ? INT64_MAX : x / y;
		break;
	case AR_MOD: r = !y || y == -1 ? 0 : x % y; break;
	case AR_AND: r = x & y; break;
	case AR_OR: r = x | y; break;
	case AR_XOR: r = x ^ y; break;
	}
	if (ovf)	/* the sign of the exact result */
		r = (op == AR_MUL ? (x < 0) != (y < 0) : op == AR_SUB ? x < y : x < 0)
		    ? INT64_MIN : INT64_MAX;
	return smp_set_int(v, r, SMP_T_SINT);
}

#define ARITH(name, op) \
static int c_##name(const struct smp_arg *a, struct smp_ctx *c, struct smp *v) \
{ \
	return c_arith(op, a, c, v); \
}
ARITH(add, AR_ADD)
ARITH(sub, AR_SUB)
ARITH(mul, AR_MUL)
ARITH(div, AR_DIV)
ARITH(mod, AR_MOD)
ARITH(and, AR_AND)
ARITH(or, AR_OR)
ARITH(xor, AR_XOR)

static int c_neg(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	if (smp_to_sint(v) < 0)
		return 0;
	return smp_set_int(v, v->sint == INT64_MIN ? INT64_MAX : -v->sint, SMP_T_SINT);
}

static int c_cpl(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	if (smp_to_sint(v) < 0)
		return 0;
	return smp_set_int(v, ~v->sint, SMP_T_SINT);
}

/* bool: non-zero is true; not: zero is true */
static int c_bool(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	if (smp_to_sint(v) < 0)
		return 0;
	return smp_set_int(v, v->sint != 0, SMP_T_BOOL);
}

static int c_not(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	if (smp_to_sint(v) < 0)
		return 0;
	return smp_set_int(v, v->sint == 0, SMP_T_BOOL);
}

/* ipmask(v4 mask[, v6 mask]): an IPv6 address without a v6 mask has no
 * result */
static int c_ipmask(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	uint8_t *b;

	/* a string holding an address is taken as one */
	if (smp_to_ip(v) < 0)
		return 0;
	if (v->type == SMP_T_IPV4) {
		b = (uint8_t *)&v->v4.s_addr;
		for (int i = 0; i < 4; i++)
			b[i] &= a[0].mask[i];
		return 1;
	}
	if (v->type == SMP_T_IPV6 && a[1].set) {
		for (int i = 0; i < 16; i++)
			v->v6.s6_addr[i] &= a[1].mask[i];
		return 1;
	}
	return 0;
}

/* Walks the tokens of s split at any byte of d (word: the empty ones
 * skipped). The k-th one (from 1) is set in *ts and *te; returns how many there
 * are, or k when the walk stops at it (k == 0 walks them all). */
static int64_t smp_tokens(const char *s, size_t len, const char *d, int words, int64_t k,
			  const char **ts, const char **te)
{
	const char *e = s + len;
	size_t dlen = strlen(d);
	int64_t n = 0;

	for (;;) {
		const char *t = s;

		while (t < e && !memchr(d, *t, dlen))
			t++;
		if (!words || t > s) {
			if (++n == k) {
				*ts = s;
				*te = t;
				return n;
			}
		}
		if (t == e)
			return n;
		s = t + 1;
	}
}

/* word(n, delimiters[, count]) / field(...): n counts from 1, negative from
 * the end; word skips empty tokens, field does not. count tokens are taken
 * from the n-th one on, towards the end (n > 0) or the start (n < 0); 0, a
 * negative count or more tokens than there are take the rest of the input,
 * the delimiters at its edge included (HAProxy's results). */
static int smp_split(const struct smp_arg *a, struct smp_ctx *c, struct smp *v, int words)
{
	const char *d = a[1].str, *from, *to, *te;
	int64_t want = a[0].n, cnt = !a[2].set ? 1 : a[2].n > 0 ? a[2].n : 0;
	int64_t total, first, last;

	if (smp_to_str(v, c->a) < 0 || want == 0)
		return 0;
	total = smp_tokens(v->str, v->len, d, words, 0, &from, &to);
	if (want > 0) {
		first = want;
		last = !cnt || cnt > total ? total + 1 : want + cnt - 1;
	} else {
		last = total + want + 1;
		first = !cnt || cnt > total ? 0 : last - cnt + 1;
	}
	if (want > 0 ? first > total : last < 1)
		return 0;
	from = v->str;
	to = v->str + v->len;
	if (first >= 1)
		smp_tokens(v->str, v->len, d, words, first, &from, &te);
	if (last <= total)
		smp_tokens(v->str, v->len, d, words, last, &te, &to);
	return smp_set_str(v, from, (size_t)(to - from));
}

static int c_word(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	return smp_split(a, c, v, 1);
}

static int c_field(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	return smp_split(a, c, v, 0);
}

/* One character below 0x80 as JSON writes it inside a string */
static char *json_ascii(char *o, unsigned char ch)
{
	static const char esc[128] = {
		['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['\b'] = 'b', ['\f'] = 'f',
		['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	};

	if (esc[ch]) {
		*o++ = '\\';
		*o++ = esc[ch];
	} else if (ch < 0x20 || ch == 0x7f) {
		o += sprintf(o, "\\u%04x", ch);
	} else {
		*o++ = (char)ch;
	}
	return o;
}

/* The UTF-8 sequence at s (n > 0 bytes left): its length, 0 when its lead
 * byte is not followed by the continuation bytes it announces; *cp gets the
 * code point. */
static size_t json_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] >= 0xf0 && s[0] < 0xf8 ? 4 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3 :
		     s[0] >= 0xc0 && s[0] < 0xe0 ? 2 : 0;

	if (!len || len > n)
		return 0;
	*cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	return len;
}

/* json([input code]): escaped for a JSON string. ascii writes each byte of
 * 0x80 and above as \u00XX; the utf8 codes decode UTF-8 up to U+FFFD
 * (surrogates and 4-byte sequences are invalid) and fail on an invalid
 * sequence, or skip it ("s"); "p" accepts overlong forms. */
static int c_json(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	int code = a[0].set ? (int)a[0].n : JSON_ASCII;
	int skip = code == JSON_UTF8S || code == JSON_UTF8PS;
	int overlong_ok = code == JSON_UTF8P || code == JSON_UTF8PS;
	const unsigned char *s;
	char *b, *o;

	if (smp_to_str(v, c->a) < 0 || !(b = arena_alloc(c->a, v->len * 6 + 1)))
		return 0;
	s = (const unsigned char *)v->str;
	o = b;
	for (size_t i = 0; i < v->len;) {
		uint32_t cp;
		size_t len;

		if (s[i] < 0x80 || code == JSON_ASCII) {
			o = s[i] < 0x80 ? json_ascii(o, s[i]) : o + sprintf(o, "\\u%04x", s[i]);
			i++;
			continue;
		}
		len = json_utf8(s + i, v->len - i, &cp);
		if (!len || (cp >= 0xd800 && cp <= 0xdfff) || cp >= 0xfffe ||
		    (cp < least[len] && !overlong_ok)) {
			if (!skip)
				return 0;
			i += len ? len : 1;
			continue;
		}
		o = cp < 0x80 ? json_ascii(o, (unsigned char)cp) : o + sprintf(o, "\\u%04x", cp);
		i += len;
	}
	return smp_set_str(v, b, (size_t)(o - b));
}

/* regsub(regex, replacement[, flags]): "g" replaces every match ("i" was
 * taken when the regex was compiled) */
static int c_regsub(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	PCRE2_SIZE outlen;
	uint32_t opts = PCRE2_SUBSTITUTE_OVERFLOW_LENGTH;
	char *b;
	int rc;

	if (smp_to_str(v, c->a) < 0)
		return 0;
	if (a[2].set && strchr(a[2].str, 'g'))
		opts |= PCRE2_SUBSTITUTE_GLOBAL;
	outlen = v->len * 2 + strlen(a[1].str) + 64;
	for (int tries = 0; tries < 2; tries++) {
		b = arena_alloc(c->a, outlen + 1);
		if (!b)
			return 0;
		rc = pcre2_substitute(a[0].re, (PCRE2_SPTR)v->str, v->len, 0, opts, NULL,
				      NULL, (PCRE2_SPTR)a[1].str, PCRE2_ZERO_TERMINATED,
				      (PCRE2_UCHAR *)b, &outlen);
		if (rc >= 0)
			return smp_set_str(v, b, outlen);
		if (rc != PCRE2_ERROR_NOMEMORY)
			return 0;
	}
	return 0;
}

/* map*(file[,default]): the value of the first entry whose key matches
 * (map_ip: the longest matching network), else the default, else none */
static int map_ip_match(const struct map_entry *m, const struct smp *v)
{
	uint8_t a[16];
	const uint8_t *x = a;
	unsigned bits = m->bits, k;
	int fam = v->type == SMP_T_IPV4 ? AF_INET : AF_INET6;

	memcpy(a, fam == AF_INET ? (const void *)&v->v4 : (const void *)&v->v6,
	       fam == AF_INET ? 4 : 16);
	if (m->fam != fam) {
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

		if (m->fam != AF_INET || memcmp(a, mapped, 12))
			return 0;
		x = a + 12;
	}
	for (k = 0; bits >= 8 && x[k] == m->addr[k]; k++, bits -= 8)
		;
	return bits < 8 && (!bits || !((x[k] ^ m->addr[k]) & (uint8_t)(0xff << (8 - bits))));
}

static int map_str_match(const struct map_entry *m, enum map_kind kind, const char *s,
			 size_t n, struct smp_ctx *c)
{
	switch (kind) {
	case MAP_STR:
		return m->klen == n && !memcmp(m->key, s, n);
	case MAP_BEG:
		return m->klen <= n && !memcmp(m->key, s, m->klen);
	case MAP_END:
		return m->klen <= n && !memcmp(m->key, s + n - m->klen, m->klen);
	case MAP_SUB:
		for (size_t i = 0; m->klen <= n && i + m->klen <= n; i++)
			if (!memcmp(s + i, m->key, m->klen))
				return 1;
		return 0;
	case MAP_DOM:
		for (size_t i = 0; m->klen <= n && i + m->klen <= n; i++)
			if ((!i || s[i - 1] == '.') && !memcmp(s + i, m->key, m->klen) &&
			    (i + m->klen == n || s[i + m->klen] == '.'))
				return 1;
		return 0;
	case MAP_REG: {
		pcre2_match_data *md = pcre2_match_data_create(1, NULL);
		int hit = md && pcre2_match(m->re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;

		pcre2_match_data_free(md);
		return hit;
	}
	default:
		return 0;
	}
}

static int c_map(const struct smp_arg *a, struct smp_ctx *c, struct smp *v)
{
	const struct smp_map *map = a[0].map;
	const struct map_entry *best = NULL;

	if (map->kind == MAP_IP) {
		if (smp_to_ip(v) < 0)
			goto dflt;
		for (size_t i = 0; i < map->n; i++)
			if (map_ip_match(&map->e[i], v) && (!best || map->e[i].bits > best->bits))
				best = &map->e[i];
	} else if (map->kind == MAP_INT) {
		if (smp_to_sint(v) < 0)
			goto dflt;
		for (size_t i = 0; i < map->n && !best; i++)
			if (map->e[i].n == v->sint)
				best = &map->e[i];
	} else {
		if (smp_to_str(v, c->a) < 0)
			return 0;
		for (size_t i = 0; i < map->n && !best; i++)
			if (map_str_match(&map->e[i], map->kind, v->str, v->len, c))
				best = &map->e[i];
	}
	if (best)
		return smp_set_str(v, best->value, strlen(best->value));
dflt:
	if (a[1].set)
		return smp_set_str(v, a[1].str, strlen(a[1].str));
	return 0;
}

const struct smp_conv smp_convs[] = {
	{ "lower", c_lower, A0, 0, S(STR) },
	{ "upper", c_upper, A0, 0, S(STR) },
	{ "hex", c_hex, A0, 0, S(STR) },
	{ "base64", c_base64, A0, 0, S(STR) },
	{ "length", c_length, A0, 0, S(SINT) },
	{ "add", c_add, { ARG_IVAR }, 1, S(SINT) },
	{ "sub", c_sub, { ARG_IVAR }, 1, S(SINT) },
	{ "mul", c_mul, { ARG_IVAR }, 1, S(SINT) },
	{ "div", c_div, { ARG_IVAR }, 1, S(SINT) },
	{ "mod", c_mod, { ARG_IVAR }, 1, S(SINT) },
	{ "and", c_and, { ARG_IVAR }, 1, S(SINT) },
	{ "or", c_or, { ARG_IVAR }, 1, S(SINT) },
	{ "xor", c_xor, { ARG_IVAR }, 1, S(SINT) },
	{ "neg", c_neg, A0, 0, S(SINT) },
	{ "cpl", c_cpl, A0, 0, S(SINT) },
	{ "bool", c_bool, A0, 0, S(BOOL) },
	{ "not", c_not, A0, 0, S(BOOL) },
	{ "ipmask", c_ipmask, { ARG_MSK4, ARG_MSK6 }, 1, SAME },
	{ "word", c_word, { ARG_INT, ARG_STR, ARG_INT }, 2, S(STR) },
	{ "field", c_field, { ARG_INT, ARG_STR, ARG_INT }, 2, S(STR) },
	{ "json", c_json, { ARG_JSON }, 0, S(STR) },
	{ "regsub", c_regsub, { ARG_REG, ARG_STR, ARG_REGFLAGS }, 2, S(STR) },
	{ "map", c_map, { ARG_MAP, ARG_STR }, 1, S(STR) },
	{ "map_str", c_map, { ARG_MAP, ARG_STR }, 1, S(STR) },
	{ "map_beg", c_map, { ARG_MAP, ARG_STR }, 1, S(STR) },
	{ "map_sub", c_map, { ARG_MAP, ARG_STR }, 1, S(STR) },
	{ "map_end", c_map, { ARG_MAP, ARG_STR }, 1, S(STR) },
	{ "map_dom", c_map, { ARG_MAP, ARG_STR }, 1, S(STR) },
	{ "map_reg", c_map, { ARG_MAP, ARG_STR }, 1, S(STR) },
	{ "map_ip", c_map, { ARG_MAP, ARG_STR }, 1, S(STR) },
	{ "map_int", c_map, { ARG_MAP, ARG_STR }, 1, S(STR) },
};

const size_t smp_nconvs = sizeof(smp_convs) / sizeof(smp_convs[0]);
