/*
 * vrrp_conf_int.h - what the two halves of the configuration reader share
 * and nothing else includes: vrrp_conf.c (statements, blocks, loading,
 * lookups) and vrrp_conf_kw.c (the keyword tables and their handlers).
 */
#ifndef VRRPD_VRRP_CONF_INT_H
#define VRRPD_VRRP_CONF_INT_H

#include <stddef.h>

struct vrrp_conf;
struct vrrp_conf_addr;
struct vrrp_conf_opts;

enum blk {
	BLK_TOP,
	BLK_GLOBAL,
	BLK_INSTANCE,
	BLK_SCRIPT,
	BLK_FILE,
	BLK_GROUP,
	BLK_LBD,
	BLK_PROCESS,
	BLK_GARP,
	BLK_AUTH,
	BLK_VIPS,
	BLK_VIPS_EXCL,
	BLK_TRACK_SCRIPT,
	BLK_TRACK_IF,
	BLK_TRACK_FILE,
	BLK_TRACK_LBD,
	BLK_TRACK_PROCESS,
	BLK_ROUTES,
	BLK_RULES,
	BLK_PEERS,
	BLK_MEMBERS,
	BLK_GARP_IFS,		/* garp_group's "interfaces" */
	BLK_STATIC_VIPS,	/* static_ipaddress, static_routes, static_rules */
	BLK_STATIC_ROUTES,
	BLK_STATIC_RULES,
	BLK_SKIP,		/* contents of a refused or unknown block */
	BLK_NONE,		/* a keyword that opens no block */
	BLK_MAX
};

enum { DEPTH_MAX = 16, ARGS_MAX = 64 };

struct frame {
	enum blk kind;
	enum blk owner;		/* BLK_INSTANCE or BLK_GROUP for lists */
	size_t idx;		/* instance, script, file or group index */
};

struct parser {
	struct vrrp_conf *c;
	const struct vrrp_conf_opts *o;
	int errors;
	const char *file;
	int line;
	struct frame stack[DEPTH_MAX];
	int depth;
	struct frame pending;	/* a block keyword waiting for its '{' */
	int has_pending;
};

struct kw;
typedef int (*kw_fn)(struct parser *p, const struct kw *k, void *obj,
		     int argc, char **argv);

/* One keyword: arguments after the keyword (min..max), its handler, the
 * target field and bounds for the generic setters, the block it opens. */
struct kw {
	const char *name;
	int min, max;
	kw_fn fn;
	size_t off;
	long lo, hi;
	enum blk opens;
	const char *note;	/* refusals: why */
};

/* "file:line: message" for the statement being read; warning 1 does not
 * fail the configuration. */
void vrrp_conf_msg(struct parser *p, int warning, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Room for one more zeroed entry of size bytes in arr (n entries, at most
 * max): the new array, or NULL after saying why (arr is kept). */
void *vrrp_conf_grow(struct parser *p, void *arr, size_t *n, size_t size,
		     size_t max);

/* Decimal integer in lo..hi, no sign but '-'; 0 or -1. */
int vrrp_conf_parse_long(const char *s, long lo, long hi, long *out);

/* An IPv4 or IPv6 address; 0 or -1. */
int vrrp_conf_parse_addr(const char *s, struct vrrp_conf_addr *a);

/* Free the n strings of v and v; NULL v with n 0 is a no-op. */
void vrrp_conf_free_strv(char **v, size_t n);

/* Each block's keyword table (NULL for list blocks). */
extern const struct kw *const vrrp_conf_kw_tables[BLK_MAX];

/* One entry of a list block (virtual_ipaddress, track_*, routes, ...). */
void vrrp_conf_list(struct parser *p, struct frame *f, int argc, char **argv);

#endif
