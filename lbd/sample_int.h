/*
 * sample_int.h - what sample.c (fetches, parsing) and sample_conv.c
 * (converters) share: argument and map representations, the converter
 * table. Not for use outside them.
 */
#ifndef LBD_SAMPLE_INT_H
#define LBD_SAMPLE_INT_H

#include <stddef.h>
#include <stdint.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "sample.h"

#define SMP_MAX_ARGS	3
#define SMP_MAP_MAX_LINES	(4u << 20)	/* a map file's bound */
#define SMP_MAX_CONVS	8

/* Argument kinds of a fetch or converter. */
enum smp_arg_kind { ARG_NONE, ARG_STR, ARG_INT, ARG_BE, ARG_FE, ARG_SRV, ARG_REG, ARG_VAR,
		    ARG_MAP, ARG_UL,
		    ARG_IVAR,		/* an integer or a variable's name */
		    ARG_MSK4, ARG_MSK6,	/* a netmask: prefix length or address form */
		    ARG_JSON,		/* json's input code, in n */
		    ARG_REGFLAGS };	/* regsub's flags: 'g', 'i' */

/* json's input codes: how bytes of 0x80 and above are read */
enum smp_json_code { JSON_ASCII, JSON_UTF8, JSON_UTF8S, JSON_UTF8P, JSON_UTF8PS };

/* A map file: "key value" lines, matched as the converter's name says. */
enum map_kind { MAP_STR, MAP_BEG, MAP_SUB, MAP_END, MAP_DOM, MAP_REG, MAP_IP, MAP_INT };
struct map_entry {
	char *key, *value;
	size_t klen;
	int64_t n;			/* MAP_INT */
	int fam;			/* MAP_IP */
	uint8_t addr[16];
	unsigned bits;
	pcre2_code *re;			/* MAP_REG */
};
struct smp_map {
	enum map_kind kind;
	struct map_entry *e;
	size_t n;
};

struct smp_arg {
	char *str;			/* as written */
	struct smp_map *map;		/* ARG_MAP */
	const struct userlist *ul;	/* ARG_UL: resolved */
	int64_t n;
	uint8_t mask[16];		/* ARG_MSK4 (4 bytes) / ARG_MSK6 */
	struct proxy *px;		/* ARG_BE / ARG_FE / ARG_SRV: resolved */
	struct server *srv;
	pcre2_code *re;
	int set;
	int is_var;			/* ARG_IVAR naming a variable */
};

struct smp_fetch;
struct smp_conv;

typedef int smp_fetch_fn(const struct smp_arg *args, struct smp_ctx *c,
			 struct smp *out);
typedef int smp_conv_fn(const struct smp_arg *args, struct smp_ctx *c,
			struct smp *v);

struct smp_conv {
	const char *name;
	smp_conv_fn *fn;
	enum smp_arg_kind arg[SMP_MAX_ARGS];
	unsigned nmandatory;
	enum smp_type out;		/* SMP_T_COUNT: same as its input */
};

/* The converters, by name (sample_conv.c). */
extern const struct smp_conv smp_convs[];
extern const size_t smp_nconvs;

static inline int smp_set_str(struct smp *out, const char *s, size_t n)
{
	out->type = SMP_T_STR;
	out->str = s;
	out->len = n;
	return 1;
}

static inline int smp_set_int(struct smp *out, int64_t v, enum smp_type t)
{
	out->type = t;
	out->sint = v;
	return 1;
}

#define S(n) SMP_T_##n
#define A0 { ARG_NONE }
#define SAME SMP_T_COUNT		/* a converter's output: its input's type */

#endif
