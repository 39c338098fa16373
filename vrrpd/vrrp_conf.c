/*
 * vrrp_conf.c - keepalived.conf's VRRP keywords (see vrrp_conf.h).
 *
 * The preprocessor (vrrp_pre.c) hands over logical lines; each is cut into
 * words, '{' and '}' being words of their own. A statement is the words up
 * to the end of the line, a '{' or a '}'. Each block kind has a keyword
 * table; list blocks (virtual_ipaddress, track_script, ...) take one entry
 * per statement. Cross-references and whole-configuration rules are
 * checked once everything is read (vrrp_conf_validate.c would be the next
 * split; today it is the bottom of this file).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "vrrp_check.h"
#include "vrrp_conf.h"
#include "vrrp_conf_route.h"
#include "vrrp_ctl.h"
#include "vrrp_packet.h"
#include "vrrp_pre.h"

const char *const vrrp_conf_state_names[VRRP_CONF_STATE_MAX] = {
	[VRRP_CONF_STATE_BACKUP] = "BACKUP",
	[VRRP_CONF_STATE_MASTER] = "MASTER",
};

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

static void msg(struct parser *p, int warning, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void msg(struct parser *p, int warning, const char *fmt, ...)
{
	char buf[600];
	int n = snprintf(buf, sizeof(buf), "%s:%d: ", p->file ? p->file : "?",
			 p->line);
	va_list ap;

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(buf))
		vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (!warning)
		p->errors++;
	if (p->o->msg)
		p->o->msg(p->o->arg, warning, buf);
}

/* ---- value parsers ---- */

int vrrp_conf_parse_secs(const char *s, uint32_t scale, uint64_t max,
			 uint64_t *out)
{
	uint64_t v = 0, frac = 0, div = 1;
	const char *d = s;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *d >= '0' && *d <= '9'; d++) {
		v = v * 10 + (uint64_t)(*d - '0');
		if (v > 100000000)
			return -1;
	}
	if (*d == '.') {
		d++;
		if (*d < '0' || *d > '9')
			return -1;
		for (; *d >= '0' && *d <= '9'; d++) {
			if (div >= scale)
				return -1;	/* more decimals than units */
			frac = frac * 10 + (uint64_t)(*d - '0');
			div *= 10;
		}
	}
	if (*d != '\0')
		return -1;
	v = v * scale + frac * (scale / div);
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (*s == '\0' || *s == ' ' || *s == '+')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_addr(const char *s, struct vrrp_conf_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->u.v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->u.v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

int vrrp_conf_parse_prefix(const char *s, struct vrrp_conf_addr *a,
			   uint8_t *prefix, int *has_prefix)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *sl;
	long pl;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	sl = strchr(buf, '/');
	if (sl)
		*sl++ = '\0';
	if (parse_addr(buf, a) != 0)
		return -1;
	*has_prefix = sl != NULL;
	if (!sl) {
		*prefix = a->family == AF_INET ? 32 : 128;
		return 0;
	}
	if (parse_long(sl, 0, a->family == AF_INET ? 32 : 128, &pl) != 0)
		return -1;
	*prefix = (uint8_t)pl;
	return 0;
}

/* ---- growing arrays ---- */

static void *grow(struct parser *p, void *arr, size_t *n, size_t size,
		  size_t max)
{
	void *na;

	if (*n >= max) {
		msg(p, 0, "too many entries (at most %zu)", max);
		return NULL;
	}
	na = realloc(arr, (*n + 1) * size);
	if (!na) {
		msg(p, 0, "out of memory");
		return NULL;
	}
	memset((char *)na + *n * size, 0, size);
	return na;
}

/* ---- generic setters ---- */

/* The keyword's number within its bounds, or -1 after saying why. */
static int get_num(struct parser *p, const struct kw *k, const char *arg, long *v)
{
	if (parse_long(arg, k->lo, k->hi, v) == 0)
		return 0;
	msg(p, 0, "%s: '%s' is not a number in %ld..%ld", k->name, arg, k->lo, k->hi);
	return -1;
}

static int set_u8(struct parser *p, const struct kw *k, void *obj, int argc,
		  char **argv)
{
	long v;

	if (get_num(p, k, argv[0], &v) < 0)
		return -1;
	*(uint8_t *)((char *)obj + k->off) = (uint8_t)v;
	return 0;
}

static int set_u32(struct parser *p, const struct kw *k, void *obj, int argc,
		   char **argv)
{
	long v;

	if (get_num(p, k, argv[0], &v) < 0)
		return -1;
	*(uint32_t *)((char *)obj + k->off) = (uint32_t)v;
	return 0;
}

static int set_i32(struct parser *p, const struct kw *k, void *obj, int argc,
		   char **argv)
{
	long v;

	if (get_num(p, k, argv[0], &v) < 0)
		return -1;
	*(int32_t *)((char *)obj + k->off) = (int32_t)v;
	return 0;
}

static int set_flag(struct parser *p, const struct kw *k, void *obj, int argc,
		    char **argv)
{
	*(int *)((char *)obj + k->off) = (int)k->lo;
	return 0;
}

/* decimal seconds into a uint32_t of 1/k->lo seconds, at most k->hi */
static int set_secs(struct parser *p, const struct kw *k, void *obj, int argc,
		    char **argv)
{
	uint64_t v;

	if (vrrp_conf_parse_secs(argv[0], (uint32_t)k->lo, (uint64_t)k->hi,
				 &v) != 0) {
		msg(p, 0, "%s: '%s' is not a time in seconds (0..%ld, %s)",
		    k->name, argv[0], k->hi / k->lo,
		    k->lo == 1 ? "whole seconds" : "decimals allowed");
		return -1;
	}
	*(uint32_t *)((char *)obj + k->off) = (uint32_t)v;
	return 0;
}

/* a string into a char[k->lo] */
static int set_str(struct parser *p, const struct kw *k, void *obj, int argc,
		   char **argv)
{
	if (strlen(argv[0]) >= (size_t)k->lo) {
		msg(p, 0, "%s: '%s' is longer than %ld bytes", k->name, argv[0],
		    k->lo - 1);
		return -1;
	}
	strcpy((char *)obj + k->off, argv[0]);
	return 0;
}

/* a command line (one quoted word, or several words joined) into a char * */
static int set_cmd(struct parser *p, const struct kw *k, void *obj, int argc,
		   char **argv)
{
	char **dst = (char **)((char *)obj + k->off);
	size_t len = 0;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len + 1);
	if (!s) {
		msg(p, 0, "out of memory");
		return -1;
	}
	s[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	free(*dst);
	*dst = s;
	return 0;
}

static int refuse(struct parser *p, const struct kw *k, void *obj, int argc,
		  char **argv)
{
	msg(p, 0, "%s: not supported yet%s%s", k->name, k->note ? ": " : "",
	    k->note ? k->note : "");
	return -1;
}

static int refuse_never(struct parser *p, const struct kw *k, void *obj,
			int argc, char **argv)
{
	msg(p, 0, "%s: not handled by vrrpd: %s", k->name, k->note);
	return -1;
}

/* a keyword that only opens its block */
static int open_block(struct parser *p, const struct kw *k, void *obj,
		      int argc, char **argv)
{
	return 0;
}

static int accept_noop(struct parser *p, const struct kw *k, void *obj,
		       int argc, char **argv)
{
	return 0;
}

/* a keyword asking for what vrrpd always does */
static int always_on(struct parser *p, const struct kw *k, void *obj,
		     int argc, char **argv)
{
	return 0;
}

/* ---- keyword handlers ---- */

static int new_instance(struct parser *p, const struct kw *k, void *obj,
			int argc, char **argv)
{
	struct vrrp_conf *c = p->c;
	struct vrrp_conf_instance *vi;

	if (strlen(argv[0]) >= VRRP_CONF_NAME_MAX) {
		msg(p, 0, "vrrp_instance: name longer than %d bytes",
		    VRRP_CONF_NAME_MAX - 1);
		return -1;
	}
	if (vrrp_conf_instance(c, argv[0])) {
		msg(p, 0, "vrrp_instance %s: defined twice", argv[0]);
		return -1;
	}
	vi = grow(p, c->instances, &c->ninstances, sizeof(*vi),
		  VRRP_CONF_ITEMS_MAX);
	if (!vi)
		return -1;
	c->instances = vi;
	vi = &c->instances[c->ninstances++];
	strcpy(vi->name, argv[0]);
	snprintf(vi->file, sizeof(vi->file), "%s", p->file);
	vi->line = p->line;
	vi->priority = 100;
	vi->advert_cs = 100;
	vi->garp_delay_s = vi->garp_repeat = -1;
	vi->garp_refresh_s = vi->garp_refresh_repeat = -1;
	vi->garp_lower_delay_s = vi->garp_lower_repeat = -1;
	return 0;
}

static int new_script(struct parser *p, const struct kw *k, void *obj,
		      int argc, char **argv)
{
	struct vrrp_conf *c = p->c;
	struct vrrp_conf_script *s;

	if (strlen(argv[0]) >= VRRP_CONF_NAME_MAX || vrrp_conf_script(c, argv[0])) {
		msg(p, 0, "vrrp_script %s: name too long or defined twice",
		    argv[0]);
		return -1;
	}
	s = grow(p, c->scripts, &c->nscripts, sizeof(*s), VRRP_CONF_ITEMS_MAX);
	if (!s)
		return -1;
	c->scripts = s;
	s = &c->scripts[c->nscripts++];
	strcpy(s->name, argv[0]);
	snprintf(s->file, sizeof(s->file), "%s", p->file);
	s->interval_ms = 1000;
	s->rise = s->fall = 1;
	s->line = p->line;
	return 0;
}

static int new_file(struct parser *p, const struct kw *k, void *obj,
		    int argc, char **argv)
{
	struct vrrp_conf *c = p->c;
	struct vrrp_conf_file *f;

	if (strlen(argv[0]) >= VRRP_CONF_NAME_MAX || vrrp_conf_file(c, argv[0])) {
		msg(p, 0, "vrrp_track_file %s: name too long or defined twice",
		    argv[0]);
		return -1;
	}
	f = grow(p, c->files, &c->nfiles, sizeof(*f), VRRP_CONF_ITEMS_MAX);
	if (!f)
		return -1;
	c->files = f;
	f = &c->files[c->nfiles++];
	strcpy(f->name, argv[0]);
	snprintf(f->file, sizeof(f->file), "%s", p->file);
	f->line = p->line;
	f->weight = 1;
	return 0;
}

static int new_lbd(struct parser *p, const struct kw *k, void *obj,
		   int argc, char **argv)
{
	struct vrrp_conf *c = p->c;
	struct vrrp_conf_lbd *l;

	if (strlen(argv[0]) >= VRRP_CONF_NAME_MAX || vrrp_conf_lbd(c, argv[0])) {
		msg(p, 0, "vrrp_track_lbd %s: name too long or defined twice",
		    argv[0]);
		return -1;
	}
	l = grow(p, c->lbds, &c->nlbds, sizeof(*l), VRRP_CONF_ITEMS_MAX);
	if (!l)
		return -1;
	c->lbds = l;
	l = &c->lbds[c->nlbds++];
	strcpy(l->name, argv[0]);
	snprintf(l->file, sizeof(l->file), "%s", p->file);
	l->line = p->line;
	l->hb_timeout_ms = 300;
	return 0;
}

/* socket PATH: lbd's stats socket, an absolute unix socket path */
static int set_lbd_socket(struct parser *p, const struct kw *k, void *obj,
			  int argc, char **argv)
{
	struct vrrp_conf_lbd *l = obj;

	if (argv[0][0] != '/' || strlen(argv[0]) >= sizeof(l->socket)) {
		msg(p, 0, "socket: '%s' is not an absolute path of at most %zu "
		    "bytes", argv[0], sizeof(l->socket) - 1);
		return -1;
	}
	strcpy(l->socket, argv[0]);
	return 0;
}

/* backend NAME [min_up N] */
static int set_lbd_backend(struct parser *p, const struct kw *k, void *obj,
			   int argc, char **argv)
{
	struct vrrp_conf_lbd *l = obj;
	struct vrrp_conf_lbd_backend b = { .min_up = 1 }, *na;
	long v;

	if (strlen(argv[0]) >= sizeof(b.name)) {
		msg(p, 0, "backend: '%s' is too long a name", argv[0]);
		return -1;
	}
	strcpy(b.name, argv[0]);
	if (argc > 1) {
		if (argc != 3 || strcmp(argv[1], "min_up") != 0 ||
		    parse_long(argv[2], 0, 100000, &v) != 0) {
			msg(p, 0, "backend %s: expected [min_up 0..100000]",
			    argv[0]);
			return -1;
		}
		b.min_up = (uint32_t)v;
	}
	na = grow(p, l->backends, &l->nbackends, sizeof(b), VRRP_CONF_LIST_MAX);
	if (!na)
		return -1;
	l->backends = na;
	na[l->nbackends++] = b;
	return 0;
}

static int set_lbd_frontend(struct parser *p, const struct kw *k, void *obj,
			    int argc, char **argv)
{
	struct vrrp_conf_lbd *l = obj;
	char (*na)[VRRP_CONF_NAME_MAX];

	if (strlen(argv[0]) >= VRRP_CONF_NAME_MAX) {
		msg(p, 0, "frontend: '%s' is too long a name", argv[0]);
		return -1;
	}
	na = grow(p, l->frontends, &l->nfrontends, sizeof(*na),
		  VRRP_CONF_LIST_MAX);
	if (!na)
		return -1;
	l->frontends = na;
	strcpy(l->frontends[l->nfrontends++], argv[0]);
	return 0;
}

/* heartbeat_timeout: "300ms", "0.3" or "0.3s" (seconds, as keepalived
 * writes times), 30 ms to 60 s */
static int set_lbd_hb(struct parser *p, const struct kw *k, void *obj,
		      int argc, char **argv)
{
	struct vrrp_conf_lbd *l = obj;
	char buf[32];
	size_t n = strlen(argv[0]);
	uint64_t v;
	long ms;
	int ok;

	if (n >= sizeof(buf))
		goto bad;
	strcpy(buf, argv[0]);
	if (n > 2 && strcmp(buf + n - 2, "ms") == 0) {
		buf[n - 2] = '\0';
		ok = parse_long(buf, 30, 60000, &ms) == 0;
		v = (uint64_t)ms;
	} else {
		if (n > 1 && buf[n - 1] == 's')
			buf[n - 1] = '\0';
		ok = vrrp_conf_parse_secs(buf, 1000, 60000, &v) == 0 && v >= 30;
	}
	if (!ok)
		goto bad;
	l->hb_timeout_ms = (uint32_t)v;
	return 0;
bad:
	msg(p, 0, "heartbeat_timeout: '%s' is not a time from 30ms to 60s",
	    argv[0]);
	return -1;
}

static int new_process(struct parser *p, const struct kw *k, void *obj,
		       int argc, char **argv)
{
	struct vrrp_conf *c = p->c;
	struct vrrp_conf_process *pr;

	if (strlen(argv[0]) >= VRRP_CONF_NAME_MAX ||
	    vrrp_conf_process(c, argv[0])) {
		msg(p, 0, "vrrp_track_process %s: name too long or defined twice",
		    argv[0]);
		return -1;
	}
	pr = grow(p, c->procs, &c->nprocs, sizeof(*pr), VRRP_CONF_ITEMS_MAX);
	if (!pr)
		return -1;
	c->procs = pr;
	pr = &c->procs[c->nprocs++];
	strcpy(pr->name, argv[0]);
	snprintf(pr->file, sizeof(pr->file), "%s", p->file);
	pr->line = p->line;
	pr->weight = 1;
	pr->quorum = 1;
	pr->quorum_max = UINT32_MAX;
	return 0;
}

static void free_params(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* process NAME|PATH [PARAM...] */
static int set_proc_process(struct parser *p, const struct kw *k, void *obj,
			    int argc, char **argv)
{
	struct vrrp_conf_process *pr = obj;
	char **params = calloc((size_t)argc, sizeof(*params));
	char *name = strdup(argv[0]);

	for (int i = 1; params && i < argc; i++)
		if (!(params[i - 1] = strdup(argv[i]))) {
			free_params(params, (size_t)argc);
			params = NULL;
		}
	if (!params || !name) {
		free(params);
		free(name);
		msg(p, 0, "out of memory");
		return -1;
	}
	free(pr->process);
	free_params(pr->params, pr->nparams);
	pr->process = name;
	pr->params = params;
	pr->nparams = (size_t)argc - 1;
	return 0;
}

/* param_match [initial|partial]: no value means "exactly these" */
static int set_param_match(struct parser *p, const struct kw *k, void *obj,
			   int argc, char **argv)
{
	struct vrrp_conf_process *pr = obj;

	pr->has_param_match = 1;
	pr->param_match = VRRP_CONF_PMATCH_EXACT;
	if (argc == 0)
		return 0;
	if (strcmp(argv[0], "partial") == 0)
		pr->param_match = VRRP_CONF_PMATCH_PARTIAL;
	else if (strcmp(argv[0], "initial") == 0)
		pr->param_match = VRRP_CONF_PMATCH_INITIAL;
	else {
		msg(p, 0, "param_match: '%s' is neither initial nor partial",
		    argv[0]);
		return -1;
	}
	return 0;
}

/* delay SECS: fork_delay and terminate_delay at once */
static int set_proc_delay(struct parser *p, const struct kw *k, void *obj,
			  int argc, char **argv)
{
	struct vrrp_conf_process *pr = obj;

	if (set_secs(p, k, obj, argc, argv) != 0)
		return -1;
	pr->fork_delay_ms = pr->terminate_delay_ms;
	return 0;
}

static int new_garp(struct parser *p, const struct kw *k, void *obj,
		    int argc, char **argv)
{
	struct vrrp_conf *c = p->c;
	struct vrrp_conf_garp *g;

	g = grow(p, c->garps, &c->ngarps, sizeof(*g), VRRP_CONF_ITEMS_MAX);
	if (!g)
		return -1;
	c->garps = g;
	g = &c->garps[c->ngarps++];
	g->garp_interval_us = g->gna_interval_us = UINT32_MAX;
	snprintf(g->file, sizeof(g->file), "%s", p->file);
	g->line = p->line;
	return 0;
}

static int new_group(struct parser *p, const struct kw *k, void *obj,
		     int argc, char **argv)
{
	struct vrrp_conf *c = p->c;
	struct vrrp_conf_group *g;

	if (strlen(argv[0]) >= VRRP_CONF_NAME_MAX) {
		msg(p, 0, "vrrp_sync_group: name too long");
		return -1;
	}
	for (size_t i = 0; i < c->ngroups; i++)
		if (strcmp(c->groups[i].name, argv[0]) == 0) {
			msg(p, 0, "vrrp_sync_group %s: defined twice", argv[0]);
			return -1;
		}
	g = grow(p, c->groups, &c->ngroups, sizeof(*g), VRRP_CONF_ITEMS_MAX);
	if (!g)
		return -1;
	c->groups = g;
	g = &c->groups[c->ngroups++];
	strcpy(g->name, argv[0]);
	snprintf(g->file, sizeof(g->file), "%s", p->file);
	g->line = p->line;
	return 0;
}

static int set_state(struct parser *p, const struct kw *k, void *obj,
		     int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;

	if (strcmp(argv[0], "MASTER") == 0)
		vi->state = VRRP_CONF_STATE_MASTER;
	else if (strcmp(argv[0], "BACKUP") == 0)
		vi->state = VRRP_CONF_STATE_BACKUP;
	else {
		msg(p, 0, "state: '%s' is neither MASTER nor BACKUP", argv[0]);
		return -1;
	}
	return 0;
}

static int set_advert(struct parser *p, const struct kw *k, void *obj,
		      int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;
	uint64_t cs;

	if (vrrp_conf_parse_secs(argv[0], 100, VRRP_PKT_V2_INT_MAX * 100, &cs)
	    != 0 || cs == 0) {
		msg(p, 0, "advert_int: '%s' is not a time of 0.01 to 255 "
		    "seconds in hundredths", argv[0]);
		return -1;
	}
	vi->advert_cs = (uint16_t)cs;
	return 0;
}

static int set_src(struct parser *p, const struct kw *k, void *obj, int argc,
		   char **argv)
{
	struct vrrp_conf_instance *vi = obj;

	if (parse_addr(argv[0], &vi->src) != 0) {
		msg(p, 0, "%s: '%s' is not an IP address", k->name, argv[0]);
		return -1;
	}
	return 0;
}

static int set_vmac(struct parser *p, const struct kw *k, void *obj,
		    int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;

	if (argc == 1 && strlen(argv[0]) >= IFNAMSIZ) {
		msg(p, 0, "use_vmac: '%s' is longer than %d bytes", argv[0],
		    IFNAMSIZ - 1);
		return -1;
	}
	vi->use_vmac = 1;
	snprintf(vi->vmac_name, sizeof(vi->vmac_name), "%s",
		 argc == 1 ? argv[0] : "");
	return 0;
}

static int set_weight(struct parser *p, const struct kw *k, void *obj,
		      int argc, char **argv)
{
	long w;
	int *weight = (int *)((char *)obj + k->off);
	int *reverse = weight + 1;	/* weight is followed by reverse */

	if (parse_long(argv[0], -253, 253, &w) != 0) {
		msg(p, 0, "weight: '%s' is not a number in -253..253", argv[0]);
		return -1;
	}
	if (argc == 2 && strcmp(argv[1], "reverse") != 0) {
		msg(p, 0, "weight: expected 'reverse' after the value, got '%s'",
		    argv[1]);
		return -1;
	}
	*weight = (int)w;
	*reverse = argc == 2;
	return 0;
}

/* "user NAME [GROUP]" and "script_user NAME [GROUP]": two char[64] */
static int set_user(struct parser *p, const struct kw *k, void *obj,
		    int argc, char **argv)
{
	char *user = (char *)obj + k->off;

	for (int i = 0; i < argc; i++)
		if (strlen(argv[i]) >= 64) {
			msg(p, 0, "%s: '%s' is too long", k->name, argv[i]);
			return -1;
		}
	strcpy(user, argv[0]);
	strcpy(user + 64, argc == 2 ? argv[1] : "");
	return 0;
}

/* "notify_fifo PATH [USER [GROUP]]" (k->hi 0) and "..._script CMD [USER
 * [GROUP]]" (k->hi 1) into global.fifo[k->lo] */
static int set_fifo(struct parser *p, const struct kw *k, void *obj,
		    int argc, char **argv)
{
	struct vrrp_conf_fifo *f = &((struct vrrp_conf_global *)obj)->fifo[k->lo];
	char **dst = k->hi ? &f->script : &f->path;
	char *user = k->hi ? f->script_user : f->user;
	char *group = k->hi ? f->script_group : f->group;

	for (int i = 1; i < argc; i++)
		if (strlen(argv[i]) >= 64) {
			msg(p, 0, "%s: '%s' is too long", k->name, argv[i]);
			return -1;
		}
	if (!k->hi && argv[0][0] != '/') {
		msg(p, 0, "%s: '%s' is not an absolute path", k->name, argv[0]);
		return -1;
	}
	free(*dst);
	*dst = strdup(argv[0]);
	if (!*dst) {
		msg(p, 0, "out of memory");
		return -1;
	}
	snprintf(user, 64, "%s", argc > 1 ? argv[1] : "");
	snprintf(group, 64, "%s", argc > 2 ? argv[2] : "");
	return 0;
}

/* control_socket PATH [level user|operator|admin] [mode OCTAL] */
static int set_ctl(struct parser *p, const struct kw *k, void *obj, int argc,
		   char **argv)
{
	struct vrrp_conf_global *g = obj;

	if (argv[0][0] != '/' || strlen(argv[0]) >= sizeof(g->ctl_path)) {
		msg(p, 0, "control_socket: '%s' is not an absolute path of at "
		    "most %zu bytes", argv[0], sizeof(g->ctl_path) - 1);
		return -1;
	}
	for (int i = 1; i < argc; i += 2) {
		char *end;

		if (i + 1 >= argc) {
			msg(p, 0, "control_socket: '%s' needs a value", argv[i]);
			return -1;
		}
		if (strcmp(argv[i], "level") == 0) {
			g->ctl_level = vrrp_ctl_level(argv[i + 1]);
			if (!g->ctl_level) {
				msg(p, 0, "control_socket: level '%s' is not user, "
				    "operator or admin", argv[i + 1]);
				return -1;
			}
		} else if (strcmp(argv[i], "mode") == 0) {
			unsigned long m = strtoul(argv[i + 1], &end, 8);

			if (*end || argv[i + 1][0] == '-' || m > 0777) {
				msg(p, 0, "control_socket: mode '%s' is not octal "
				    "0..0777", argv[i + 1]);
				return -1;
			}
			g->ctl_mode = (unsigned)m;
		} else {
			msg(p, 0, "control_socket: unknown option '%s'", argv[i]);
			return -1;
		}
	}
	strcpy(g->ctl_path, argv[0]);
	return 0;
}

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* vrrp_min_garp [BOOL]: one announcement on becoming Master, no second
 * round, no refresh (later explicit settings still apply) */
static int set_min_garp(struct parser *p, const struct kw *k, void *obj,
			int argc, char **argv)
{
	struct vrrp_conf_global *g = obj;
	int on = 1;

	if (argc == 1 && parse_bool(argv[0], &on) != 0) {
		msg(p, 0, "%s: '%s' is not a boolean", k->name, argv[0]);
		return -1;
	}
	if (!on)
		return 0;
	g->garp_delay_s = 0;
	g->garp_repeat = 1;
	g->garp_refresh_s = 0;
	g->garp_refresh_repeat = 1;
	return 0;
}

/* vrrp_mcast_group4|6 ADDR: a multicast group of family k->lo, for IPv6
 * of link-local scope (ffX2::) */
static int set_mcast(struct parser *p, const struct kw *k, void *obj,
		     int argc, char **argv)
{
	struct vrrp_conf_addr *a = (struct vrrp_conf_addr *)((char *)obj + k->off);
	struct vrrp_conf_addr v;
	int ok = parse_addr(argv[0], &v) == 0 && v.family == k->lo;

	if (ok && v.family == AF_INET)
		ok = (ntohl(v.u.v4.s_addr) >> 28) == 0xe;
	else if (ok)
		ok = v.u.b[0] == 0xff && (v.u.b[1] & 0x0f) == 0x02;
	if (!ok) {
		msg(p, 0, "%s: '%s' is not an %s", k->name, argv[0],
		    k->lo == AF_INET ? "IPv4 multicast address" :
		    "IPv6 link-local multicast address (ffX2::)");
		return -1;
	}
	*a = v;
	return 0;
}

static int set_ttl(struct parser *p, const struct kw *k, void *obj,
		   int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;
	long v;

	if (get_num(p, k, argv[0], &v) < 0)
		return -1;
	vi->unicast_ttl = (uint8_t)v;
	vi->has_unicast_ttl = 1;
	return 0;
}

/* accept (k->lo 1) / no_accept (k->lo 0) */
static int set_accept(struct parser *p, const struct kw *k, void *obj,
		      int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;

	vi->accept_set = 1;
	vi->accept = (int)k->lo;
	return 0;
}

/* strict_mode [BOOL]: the instance's own vrrp_strict */
static int set_strict(struct parser *p, const struct kw *k, void *obj,
		      int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;
	int on = 1;

	if (argc == 1 && parse_bool(argv[0], &on) != 0) {
		msg(p, 0, "%s: '%s' is not a boolean", k->name, argv[0]);
		return -1;
	}
	vi->strict_set = 1;
	vi->strict = on;
	return 0;
}

/* nftables [TABLE]: the table that no_accept's rules live in */
static int set_nft(struct parser *p, const struct kw *k, void *obj,
		   int argc, char **argv)
{
	struct vrrp_conf_global *g = obj;
	const char *t = argc ? argv[0] : "vrrpd";
	size_t n = strlen(t);

	if (n == 0 || n >= sizeof(g->nft_table) ||
	    strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_") != n) {
		msg(p, 0, "nftables: '%s' is not a table name (letters, digits, "
		    "'_', at most %zu)", t, sizeof(g->nft_table) - 1);
		return -1;
	}
	strcpy(g->nft_table, t);
	return 0;
}

static int set_prio(struct parser *p, const struct kw *k, void *obj,
		    int argc, char **argv)
{
	struct vrrp_conf_global *g = obj;
	long v;

	if (parse_long(argv[0], -20, 19, &v) != 0) {
		msg(p, 0, "vrrp_priority: '%s' is not a number in -20..19",
		    argv[0]);
		return -1;
	}
	g->process_priority = (int)v;
	g->has_process_priority = 1;
	return 0;
}

static int set_auth_type(struct parser *p, const struct kw *k, void *obj,
			 int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;

	if (strcmp(argv[0], "PASS") == 0) {
		vi->auth_type = VRRP_PKT_AUTH_PASS;
		return 0;
	}
	if (strcmp(argv[0], "AH") == 0)
		msg(p, 0, "auth_type AH: not supported yet (IPsec AH)");
	else
		msg(p, 0, "auth_type: '%s' is neither PASS nor AH", argv[0]);
	return -1;
}

static int set_auth_pass(struct parser *p, const struct kw *k, void *obj,
			 int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;
	size_t l = strlen(argv[0]);

	if (l > sizeof(vi->auth_pass)) {
		msg(p, 1, "auth_pass: only the first %zu of %zu characters are "
		    "used, as keepalived does", sizeof(vi->auth_pass), l);
		l = sizeof(vi->auth_pass);
	}
	memset(vi->auth_pass, 0, sizeof(vi->auth_pass));
	memcpy(vi->auth_pass, argv[0], l);
	vi->auth_len = l;
	return 0;
}

static int set_init_file(struct parser *p, const struct kw *k, void *obj,
			 int argc, char **argv)
{
	struct vrrp_conf_file *f = obj;
	int i = 0;

	f->has_init = 1;
	f->init_value = 0;
	if (i < argc && strcmp(argv[i], "overwrite") != 0) {
		if (parse_long(argv[i], -254, 254, &f->init_value) != 0) {
			msg(p, 0, "init_file: '%s' is not a number in -254..254",
			    argv[i]);
			return -1;
		}
		i++;
	}
	if (i < argc && strcmp(argv[i], "overwrite") == 0) {
		f->init_overwrite = 1;
		i++;
	}
	if (i < argc) {
		msg(p, 0, "init_file: unexpected '%s'", argv[i]);
		return -1;
	}
	return 0;
}

/* ---- list blocks ---- */

int vrrp_conf_parse_scope(const char *s, uint8_t *scope)
{
	static const struct { const char *n; uint8_t v; } t[] = {
		{ "global", RT_SCOPE_UNIVERSE }, { "site", RT_SCOPE_SITE },
		{ "link", RT_SCOPE_LINK }, { "host", RT_SCOPE_HOST },
		{ "nowhere", RT_SCOPE_NOWHERE },
	};
	long v;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].n) == 0) {
			*scope = t[i].v;
			return 0;
		}
	if (parse_long(s, 0, 255, &v) != 0)
		return -1;
	*scope = (uint8_t)v;
	return 0;
}

static int vip_option(struct parser *p, struct vrrp_conf_vip *v,
		      const char *opt, const char *val)
{
	if (strcmp(opt, "brd") == 0) {
		if (v->addr.family != AF_INET ||
		    inet_pton(AF_INET, val, &v->brd) != 1) {
			msg(p, 0, "virtual_ipaddress: brd '%s' is not an IPv4 "
			    "address for an IPv4 VIP", val);
			return -1;
		}
		v->has_brd = 1;
	} else if (strcmp(opt, "dev") == 0 || strcmp(opt, "label") == 0) {
		char *dst = opt[0] == 'd' ? v->dev : v->label;

		if (strlen(val) >= IFNAMSIZ) {
			msg(p, 0, "virtual_ipaddress: %s '%s' is longer than "
			    "%d bytes", opt, val, IFNAMSIZ - 1);
			return -1;
		}
		strcpy(dst, val);
	} else if (strcmp(opt, "scope") == 0) {
		if (vrrp_conf_parse_scope(val, &v->scope) != 0) {
			msg(p, 0, "virtual_ipaddress: unknown scope '%s'", val);
			return -1;
		}
	} else {
		msg(p, 0, "virtual_ipaddress: option '%s': not supported yet",
		    opt);
		return -1;
	}
	return 0;
}

static void list_vip(struct parser *p, struct frame *f, int argc, char **argv)
{
	struct vrrp_conf_instance *vi = &p->c->instances[f->idx];
	int excl = f->kind == BLK_VIPS_EXCL;
	struct vrrp_conf_vip **arr = excl ? &vi->vips_excluded : &vi->vips;
	size_t *n = excl ? &vi->nvips_excluded : &vi->nvips;
	struct vrrp_conf_vip v = { .scope = RT_SCOPE_UNIVERSE }, *na;
	int has_prefix;

	if (vrrp_conf_parse_prefix(argv[0], &v.addr, &v.prefix, &has_prefix)
	    != 0) {
		msg(p, 0, "virtual_ipaddress: '%s' is not an address[/prefix]",
		    argv[0]);
		return;
	}
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc) {
			msg(p, 0, "virtual_ipaddress: '%s' needs a value",
			    argv[i]);
			return;
		}
		if (vip_option(p, &v, argv[i], argv[i + 1]) != 0)
			return;
	}
	na = grow(p, *arr, n, sizeof(v), VRRP_CONF_LIST_MAX);
	if (!na)
		return;
	*arr = na;
	na[(*n)++] = v;
}

/* The track list a list frame fills: its array and its count. */
static void track_list(struct parser *p, struct frame *f,
		       struct vrrp_conf_track ***arr, size_t **n)
{
	int k = f->kind;

	if (f->owner == BLK_GROUP) {
		struct vrrp_conf_group *g = &p->c->groups[f->idx];

		*arr = k == BLK_TRACK_SCRIPT ? &g->track_scripts :
		       k == BLK_TRACK_IF ? &g->track_ifs :
		       k == BLK_TRACK_LBD ? &g->track_lbds :
		       k == BLK_TRACK_PROCESS ? &g->track_procs : &g->track_files;
		*n = k == BLK_TRACK_SCRIPT ? &g->ntrack_scripts :
		     k == BLK_TRACK_IF ? &g->ntrack_ifs :
		     k == BLK_TRACK_LBD ? &g->ntrack_lbds :
		     k == BLK_TRACK_PROCESS ? &g->ntrack_procs : &g->ntrack_files;
	} else {
		struct vrrp_conf_instance *vi = &p->c->instances[f->idx];

		*arr = k == BLK_TRACK_SCRIPT ? &vi->track_scripts :
		       k == BLK_TRACK_IF ? &vi->track_ifs :
		       k == BLK_TRACK_LBD ? &vi->track_lbds :
		       k == BLK_TRACK_PROCESS ? &vi->track_procs : &vi->track_files;
		*n = k == BLK_TRACK_SCRIPT ? &vi->ntrack_scripts :
		     k == BLK_TRACK_IF ? &vi->ntrack_ifs :
		     k == BLK_TRACK_LBD ? &vi->ntrack_lbds :
		     k == BLK_TRACK_PROCESS ? &vi->ntrack_procs : &vi->ntrack_files;
	}
}

static void list_track(struct parser *p, struct frame *f, int argc,
		       char **argv)
{
	struct vrrp_conf_track t = { 0 }, **arr, *na;
	size_t *n;
	long w;

	track_list(p, f, &arr, &n);
	if (strlen(argv[0]) >= sizeof(t.name)) {
		msg(p, 0, "'%s' is too long a name", argv[0]);
		return;
	}
	strcpy(t.name, argv[0]);
	if (argc > 1) {
		if (argc > 4 || strcmp(argv[1], "weight") != 0 || argc < 3 ||
		    parse_long(argv[2], -254, 254, &w) != 0 ||
		    (argc == 4 && strcmp(argv[3], "reverse") != 0)) {
			msg(p, 0, "%s: expected NAME [weight -254..254 [reverse]]",
			    argv[0]);
			return;
		}
		t.weight = (int)w;
		t.has_weight = 1;
		t.reverse = argc == 4;
	}
	na = grow(p, *arr, n, sizeof(t), VRRP_CONF_LIST_MAX);
	if (!na)
		return;
	*arr = na;
	na[(*n)++] = t;
}

static void list_route(struct parser *p, struct frame *f, int argc,
		       char **argv)
{
	struct vrrp_conf_instance *vi = &p->c->instances[f->idx];
	char err[200];
	int rule = f->kind == BLK_RULES;
	struct vrrp_conf_route r;
	struct vrrp_conf_rule u;
	void *na;

	if ((rule ? vrrp_conf_rule_parse(argc, argv, &u, err, sizeof(err)) :
		    vrrp_conf_route_parse(argc, argv, &r, err, sizeof(err))) != 0) {
		msg(p, 0, "%s: %s", rule ? "virtual_rules" : "virtual_routes",
		    err);
		return;
	}
	if (rule) {
		na = grow(p, vi->rules, &vi->nrules, sizeof(u), VRRP_CONF_LIST_MAX);
		if (!na)
			return;
		vi->rules = na;
		/* memcpy keeps the zeroed padding: reloads compare bytes */
		memcpy(&vi->rules[vi->nrules++], &u, sizeof(u));
		return;
	}
	na = grow(p, vi->routes, &vi->nroutes, sizeof(r), VRRP_CONF_LIST_MAX);
	if (!na)
		return;
	vi->routes = na;
	memcpy(&vi->routes[vi->nroutes++], &r, sizeof(r));
}

static void list_peer(struct parser *p, struct frame *f, int argc,
		      char **argv)
{
	struct vrrp_conf_instance *vi = &p->c->instances[f->idx];
	struct vrrp_conf_addr a, *na;

	if (argc > 1) {
		msg(p, 0, "unicast_peer: option '%s': not supported yet",
		    argv[1]);
		return;
	}
	if (parse_addr(argv[0], &a) != 0) {
		msg(p, 0, "unicast_peer: '%s' is not an IP address", argv[0]);
		return;
	}
	na = grow(p, vi->peers, &vi->npeers, sizeof(a), VRRP_CONF_LIST_MAX);
	if (!na)
		return;
	vi->peers = na;
	na[vi->npeers++] = a;
}

static void list_member(struct parser *p, struct frame *f, int argc,
			char **argv)
{
	struct vrrp_conf_group *g = &p->c->groups[f->idx];

	for (int i = 0; i < argc; i++) {
		char (*na)[VRRP_CONF_NAME_MAX];

		if (strlen(argv[i]) >= VRRP_CONF_NAME_MAX) {
			msg(p, 0, "group: '%s' is too long a name", argv[i]);
			continue;
		}
		na = grow(p, g->members, &g->nmembers, sizeof(*na),
			  VRRP_CONF_LIST_MAX);
		if (!na)
			return;
		g->members = na;
		strcpy(g->members[g->nmembers++], argv[i]);
	}
}

/* ---- the tables ---- */

#define OFF(type, field) offsetof(struct type, field)
#define N BLK_NONE

static const struct kw kw_top[] = {
	{ "global_defs", 0, 0, open_block, 0, 0, 0, BLK_GLOBAL, NULL },
	{ "vrrp_instance", 1, 1, new_instance, 0, 0, 0, BLK_INSTANCE, NULL },
	{ "vrrp_script", 1, 1, new_script, 0, 0, 0, BLK_SCRIPT, NULL },
	{ "vrrp_track_file", 1, 1, new_file, 0, 0, 0, BLK_FILE, NULL },
	{ "vrrp_sync_group", 1, 1, new_group, 0, 0, 0, BLK_GROUP, NULL },
	{ "vrrp_track_lbd", 1, 1, new_lbd, 0, 0, 0, BLK_LBD, NULL },
	{ "vrrp_track_process", 1, 1, new_process, 0, 0, 0, BLK_PROCESS, NULL },
	{ "vrrp_track_bfd", 1, 1, refuse_never, 0, 0, 0, BLK_SKIP,
	  "BFD is keepalived's bfd process" },
	{ "bfd_instance", 1, 1, refuse_never, 0, 0, 0, BLK_SKIP,
	  "BFD is keepalived's bfd process" },
	{ "virtual_server", 1, 3, refuse_never, 0, 0, 0, BLK_SKIP,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "virtual_server_group", 1, 1, refuse_never, 0, 0, 0, BLK_SKIP,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "static_ipaddress", 0, 0, refuse, 0, 0, 0, BLK_SKIP, NULL },
	{ "static_routes", 0, 0, refuse, 0, 0, 0, BLK_SKIP, NULL },
	{ "static_rules", 0, 0, refuse, 0, 0, 0, BLK_SKIP, NULL },
	{ "garp_group", 0, 0, new_garp, 0, 0, 0, BLK_GARP, NULL },
	{ "linkbeat_interfaces", 0, 0, refuse, 0, 0, 0, BLK_SKIP, NULL },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

#define G(f) OFF(vrrp_conf_global, f)
static const struct kw kw_global[] = {
	{ "router_id", 1, 1, set_str, G(router_id), 64, 0, N, NULL },
	{ "vrrp_version", 1, 1, set_u8, G(vrrp_version), 2, 3, N, NULL },
	{ "vrrp_garp_master_delay", 1, 1, set_u32, G(garp_delay_s), 0, 1000, N, NULL },
	{ "vrrp_garp_master_repeat", 1, 1, set_u32, G(garp_repeat), 0, 255, N, NULL },
	{ "vrrp_garp_master_refresh", 1, 1, set_u32, G(garp_refresh_s), 0, 86400, N, NULL },
	{ "vrrp_garp_master_refresh_repeat", 1, 1, set_u32, G(garp_refresh_repeat), 1, 255, N, NULL },
	{ "vrrp_garp_lower_prio_delay", 1, 1, set_i32, G(garp_lower_delay_s), 0, 1000, N, NULL },
	{ "vrrp_garp_lower_prio_repeat", 1, 1, set_i32, G(garp_lower_repeat), 0, 255, N, NULL },
	{ "vrrp_garp_interval", 1, 1, set_secs, G(garp_interval_us), 1000000, 1000000, N, NULL },
	{ "vrrp_gna_interval", 1, 1, set_secs, G(gna_interval_us), 1000000, 1000000, N, NULL },
	{ "vrrp_skip_check_adv_addr", 0, 0, set_flag, G(skip_check_adv_addr), 1, 0, N, NULL },
	{ "vrrp_strict", 0, 0, set_flag, G(strict), 1, 0, N, NULL },
	{ "nftables", 0, 1, set_nft, 0, 0, 0, N, NULL },
	{ "vrrp_priority", 1, 1, set_prio, 0, 0, 0, N, NULL },
	{ "enable_script_security", 0, 0, set_flag, G(script_security), 1, 0, N, NULL },
	{ "script_user", 1, 2, set_user, G(script_user), 0, 0, N, NULL },
	{ "v3_checksum_as_v2", 0, 0, set_flag, G(v3_checksum_as_v2), 1, 0, N, NULL },
	{ "vrrp_down_timer_adverts", 1, 1, set_u32, G(down_timer_adverts), 1, 100, N, NULL },
	{ "vrrp_min_garp", 0, 1, set_min_garp, 0, 0, 0, N, NULL },
	{ "vrrp_startup_delay", 1, 1, set_secs, G(startup_delay_ms), 1000, 3600000, N, NULL },
	{ "control_socket", 1, 5, set_ctl, 0, 0, 0, N, NULL },
	{ "enable_snmp_vrrp", 0, 0, refuse, 0, 0, 0, N, "SNMP (AgentX)" },
	{ "enable_snmp_rfcv2", 0, 0, refuse, 0, 0, 0, N, "SNMP (AgentX)" },
	{ "enable_snmp_rfcv3", 0, 0, refuse, 0, 0, 0, N, "SNMP (AgentX)" },
	{ "enable_traps", 0, 0, refuse, 0, 0, 0, N, "SNMP (AgentX)" },
	{ "snmp_socket", 1, 1, refuse, 0, 0, 0, N, "SNMP (AgentX)" },
	{ "notify_fifo", 1, 3, set_fifo, 0, VRRP_CONF_FIFO_ALL, 0, N, NULL },
	{ "vrrp_notify_fifo", 1, 3, set_fifo, 0, VRRP_CONF_FIFO_VRRP, 0, N, NULL },
	{ "notify_fifo_script", 1, 3, set_fifo, 0, VRRP_CONF_FIFO_ALL, 1, N, NULL },
	{ "vrrp_notify_fifo_script", 1, 3, set_fifo, 0, VRRP_CONF_FIFO_VRRP, 1, N, NULL },
	{ "notification_email", 0, 0, refuse_never, 0, 0, 0, BLK_SKIP,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ "notification_email_from", 1, 1, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ "smtp_server", 1, 2, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ "smtp_connect_timeout", 1, 1, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ "vrrp_mcast_group4", 1, 1, set_mcast, G(mcast4), AF_INET, 0, N, NULL },
	{ "vrrp_mcast_group6", 1, 1, set_mcast, G(mcast6), AF_INET6, 0, N, NULL },
	{ "vrrp_check_unicast_src", 0, 0, always_on, 0, 0, 0, N, NULL },
	{ "dynamic_interfaces", 0, 1, refuse, 0, 0, 0, N, NULL },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

#define I(f) OFF(vrrp_conf_instance, f)
static const struct kw kw_instance[] = {
	{ "state", 1, 1, set_state, 0, 0, 0, N, NULL },
	{ "interface", 1, 1, set_str, I(interface), IFNAMSIZ, 0, N, NULL },
	{ "virtual_router_id", 1, 1, set_u8, I(vrid), 1, 255, N, NULL },
	{ "priority", 1, 1, set_u8, I(priority), 1, 255, N, NULL },
	{ "advert_int", 1, 1, set_advert, 0, 0, 0, N, NULL },
	{ "version", 1, 1, set_u8, I(version), 2, 3, N, NULL },
	{ "authentication", 0, 0, open_block, 0, 0, 0, BLK_AUTH, NULL },
	{ "virtual_ipaddress", 0, 0, open_block, 0, 0, 0, BLK_VIPS, NULL },
	{ "virtual_ipaddress_excluded", 0, 0, open_block, 0, 0, 0, BLK_VIPS_EXCL, NULL },
	{ "track_script", 0, 0, open_block, 0, 0, 0, BLK_TRACK_SCRIPT, NULL },
	{ "track_interface", 0, 0, open_block, 0, 0, 0, BLK_TRACK_IF, NULL },
	{ "track_file", 0, 0, open_block, 0, 0, 0, BLK_TRACK_FILE, NULL },
	{ "track_lbd", 0, 0, open_block, 0, 0, 0, BLK_TRACK_LBD, NULL },
	{ "fast_takeover", 0, 0, set_flag, I(fast_takeover), 1, 0, N, NULL },
	{ "unicast_peer", 0, 0, open_block, 0, 0, 0, BLK_PEERS, NULL },
	{ "unicast_src_ip", 1, 1, set_src, 0, 0, 0, N, NULL },
	{ "mcast_src_ip", 1, 1, set_src, 0, 0, 0, N, NULL },
	{ "nopreempt", 0, 0, set_flag, I(nopreempt), 1, 0, N, NULL },
	{ "preempt", 0, 0, set_flag, I(nopreempt), 0, 0, N, NULL },
	{ "preempt_delay", 1, 1, set_secs, I(preempt_delay_ms), 1000, 1000000, N, NULL },
	{ "garp_master_delay", 1, 1, set_i32, I(garp_delay_s), 0, 1000, N, NULL },
	{ "garp_master_repeat", 1, 1, set_i32, I(garp_repeat), 0, 255, N, NULL },
	{ "garp_master_refresh", 1, 1, set_i32, I(garp_refresh_s), 0, 86400, N, NULL },
	{ "garp_master_refresh_repeat", 1, 1, set_i32, I(garp_refresh_repeat), 1, 255, N, NULL },
	{ "accept", 0, 0, set_accept, 0, 1, 0, N, NULL },
	{ "no_accept", 0, 0, set_accept, 0, 0, 0, N, NULL },
	{ "dont_track_primary", 0, 0, set_flag, I(dont_track_primary), 1, 0, N, NULL },
	{ "skip_check_adv_addr", 0, 0, set_flag, I(skip_check_adv_addr), 1, 0, N, NULL },
	{ "v3_checksum_as_v2", 0, 0, set_flag, I(v3_checksum_as_v2), 1, 0, N, NULL },
	{ "down_timer_adverts", 1, 1, set_u32, I(down_timer_adverts), 1, 100, N, NULL },
	{ "native_ipv6", 0, 0, set_flag, I(family), AF_INET6, 0, N, NULL },
	{ "notify", 1, 64, set_cmd, I(notify), 0, 0, N, NULL },
	{ "notify_master", 1, 64, set_cmd, I(notify_master), 0, 0, N, NULL },
	{ "notify_backup", 1, 64, set_cmd, I(notify_backup), 0, 0, N, NULL },
	{ "notify_fault", 1, 64, set_cmd, I(notify_fault), 0, 0, N, NULL },
	{ "notify_stop", 1, 64, set_cmd, I(notify_stop), 0, 0, N, NULL },
	{ "notify_deleted", 0, 64, refuse, 0, 0, 0, N, NULL },
	{ "notify_master_rx_lower_pri", 1, 64, set_cmd, I(notify_rx_lower), 0, 0, N, NULL },
	{ "use_vmac", 0, 1, set_vmac, 0, 0, 0, N, NULL },
	{ "vmac_xmit_base", 0, 0, set_flag, I(vmac_xmit_base), 1, 0, N, NULL },
	{ "virtual_routes", 0, 0, open_block, 0, 0, 0, BLK_ROUTES, NULL },
	{ "virtual_rules", 0, 0, open_block, 0, 0, 0, BLK_RULES, NULL },
	{ "track_process", 0, 0, open_block, 0, 0, 0, BLK_TRACK_PROCESS, NULL },
	{ "track_bfd", 0, 0, refuse_never, 0, 0, 0, BLK_SKIP,
	  "BFD is keepalived's bfd process" },
	{ "strict_mode", 0, 1, set_strict, 0, 0, 0, N, NULL },
	{ "old_unicast_checksum", 0, 1, refuse, 0, 0, 0, N, NULL },
	{ "garp_lower_prio_delay", 1, 1, set_i32, I(garp_lower_delay_s), 0, 1000, N, NULL },
	{ "garp_lower_prio_repeat", 1, 1, set_i32, I(garp_lower_repeat), 0, 255, N, NULL },
	{ "unicast_ttl", 1, 1, set_ttl, 0, 1, 255, N, NULL },
	{ "check_unicast_src", 0, 0, always_on, 0, 0, 0, N, NULL },
	{ "smtp_alert", 0, 1, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ "lvs_sync_daemon_interface", 1, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process" },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

static const struct kw kw_auth[] = {
	{ "auth_type", 1, 1, set_auth_type, 0, 0, 0, N, NULL },
	{ "auth_pass", 1, 1, set_auth_pass, 0, 0, 0, N, NULL },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

#define S(f) OFF(vrrp_conf_script, f)
static const struct kw kw_script[] = {
	{ "script", 1, 64, set_cmd, S(script), 0, 0, N, NULL },
	{ "interval", 1, 1, set_secs, S(interval_ms), 1000, 86400000, N, NULL },
	{ "timeout", 1, 1, set_secs, S(timeout_ms), 1000, 86400000, N, NULL },
	{ "weight", 1, 2, set_weight, S(weight), 0, 0, N, NULL },
	{ "rise", 1, 1, set_u32, S(rise), 1, 1000, N, NULL },
	{ "fall", 1, 1, set_u32, S(fall), 1, 1000, N, NULL },
	{ "user", 1, 2, set_user, S(user), 0, 0, N, NULL },
	{ "init_fail", 0, 0, set_flag, S(init_fail), 1, 0, N, NULL },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

#define F(f) OFF(vrrp_conf_file, f)
static const struct kw kw_file[] = {
	{ "file", 1, 1, set_cmd, F(path), 0, 0, N, NULL },
	{ "weight", 1, 2, set_weight, F(weight), 0, 0, N, NULL },
	{ "init_file", 0, 2, set_init_file, 0, 0, 0, N, NULL },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

#define SG(f) OFF(vrrp_conf_group, f)
static const struct kw kw_group[] = {
	{ "group", 0, 0, open_block, 0, 0, 0, BLK_MEMBERS, NULL },
	{ "notify", 1, 64, set_cmd, SG(notify), 0, 0, N, NULL },
	{ "notify_master", 1, 64, set_cmd, SG(notify_master), 0, 0, N, NULL },
	{ "notify_backup", 1, 64, set_cmd, SG(notify_backup), 0, 0, N, NULL },
	{ "notify_fault", 1, 64, set_cmd, SG(notify_fault), 0, 0, N, NULL },
	{ "notify_stop", 1, 64, set_cmd, SG(notify_stop), 0, 0, N, NULL },
	{ "track_script", 0, 0, open_block, 0, 0, 0, BLK_TRACK_SCRIPT, NULL },
	{ "track_interface", 0, 0, open_block, 0, 0, 0, BLK_TRACK_IF, NULL },
	{ "track_file", 0, 0, open_block, 0, 0, 0, BLK_TRACK_FILE, NULL },
	{ "track_lbd", 0, 0, open_block, 0, 0, 0, BLK_TRACK_LBD, NULL },
	{ "track_process", 0, 0, open_block, 0, 0, 0, BLK_TRACK_PROCESS, NULL },
	{ "global_tracking", 0, 0, accept_noop, 0, 0, 0, N, NULL },
	{ "smtp_alert", 0, 1, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

#define L(f) OFF(vrrp_conf_lbd, f)
static const struct kw kw_lbd[] = {
	{ "socket", 1, 1, set_lbd_socket, 0, 0, 0, N, NULL },
	{ "backend", 1, 3, set_lbd_backend, 0, 0, 0, N, NULL },
	{ "frontend", 1, 1, set_lbd_frontend, 0, 0, 0, N, NULL },
	{ "heartbeat_timeout", 1, 1, set_lbd_hb, 0, 0, 0, N, NULL },
	{ "weight", 1, 1, set_i32, L(weight), -254, 254, N, NULL },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

#define PR(f) OFF(vrrp_conf_process, f)
static const struct kw kw_process[] = {
	{ "process", 1, 63, set_proc_process, 0, 0, 0, N, NULL },
	{ "param_match", 0, 1, set_param_match, 0, 0, 0, N, NULL },
	{ "weight", 1, 2, set_weight, PR(weight), 0, 0, N, NULL },
	{ "quorum", 1, 1, set_u32, PR(quorum), 0, 65535, N, NULL },
	{ "quorum_max", 1, 1, set_u32, PR(quorum_max), 0, 65535, N, NULL },
	{ "fork_delay", 1, 1, set_secs, PR(fork_delay_ms), 1000, 3600000, N, NULL },
	{ "terminate_delay", 1, 1, set_secs, PR(terminate_delay_ms), 1000, 3600000, N, NULL },
	{ "delay", 1, 1, set_proc_delay, PR(terminate_delay_ms), 1000, 3600000, N, NULL },
	{ "full_command", 0, 0, set_flag, PR(full_command), 1, 0, N, NULL },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

#define GA(f) OFF(vrrp_conf_garp, f)
static const struct kw kw_garp[] = {
	{ "garp_interval", 1, 1, set_secs, GA(garp_interval_us), 1000000, 1000000, N, NULL },
	{ "gna_interval", 1, 1, set_secs, GA(gna_interval_us), 1000000, 1000000, N, NULL },
	{ "interface", 1, 1, set_str, GA(interface), IFNAMSIZ, 0, N, NULL },
	{ "interfaces", 0, 0, refuse, 0, 0, 0, BLK_SKIP,
	  "pacing shared by several interfaces; use one block per interface" },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

static const struct kw *const kw_tables[BLK_MAX] = {
	[BLK_TOP] = kw_top,
	[BLK_GLOBAL] = kw_global,
	[BLK_INSTANCE] = kw_instance,
	[BLK_SCRIPT] = kw_script,
	[BLK_FILE] = kw_file,
	[BLK_GROUP] = kw_group,
	[BLK_LBD] = kw_lbd,
	[BLK_PROCESS] = kw_process,
	[BLK_GARP] = kw_garp,
	[BLK_AUTH] = kw_auth,
};

static const char *const kw_block_names[BLK_MAX] = {
	[BLK_TOP] = "top",
	[BLK_GLOBAL] = "global_defs",
	[BLK_INSTANCE] = "vrrp_instance",
	[BLK_SCRIPT] = "vrrp_script",
	[BLK_FILE] = "vrrp_track_file",
	[BLK_GROUP] = "vrrp_sync_group",
	[BLK_LBD] = "vrrp_track_lbd",
	[BLK_PROCESS] = "vrrp_track_process",
	[BLK_GARP] = "garp_group",
	[BLK_AUTH] = "authentication",
};

void vrrp_conf_keywords(vrrp_conf_kw_fn fn, void *arg)
{
	for (int b = 0; b < BLK_MAX; b++)
		for (const struct kw *k = kw_tables[b]; k && k->name; k++)
			fn(arg, kw_block_names[b], k->name,
			   k->fn == refuse ? "not supported yet" :
			   k->fn == refuse_never ? "refused" :
			   k->fn == accept_noop ? "accepted, no effect" :
			   k->fn == always_on ? "supported, always on" :
			   "supported");
}

/* ---- statements ---- */

static const struct kw *kw_find(const struct kw *t, const char *name)
{
	for (; t && t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static void *frame_obj(struct parser *p, const struct frame *f)
{
	struct vrrp_conf *c = p->c;

	switch (f->kind == BLK_AUTH ? BLK_INSTANCE : f->kind) {
	case BLK_GLOBAL:
		return &c->global;
	case BLK_INSTANCE:
		return &c->instances[f->idx];
	case BLK_SCRIPT:
		return &c->scripts[f->idx];
	case BLK_FILE:
		return &c->files[f->idx];
	case BLK_GROUP:
		return &c->groups[f->idx];
	case BLK_LBD:
		return &c->lbds[f->idx];
	case BLK_PROCESS:
		return &c->procs[f->idx];
	case BLK_GARP:
		return &c->garps[f->idx];
	default:
		return NULL;
	}
}

static void push(struct parser *p, struct frame f)
{
	if (p->depth >= DEPTH_MAX - 1) {
		msg(p, 0, "blocks nested more than %d deep", DEPTH_MAX - 1);
		f.kind = BLK_SKIP;
		/* keep counting braces in the last frame */
		p->stack[p->depth] = f;
		return;
	}
	p->stack[++p->depth] = f;
}

static void stmt_list(struct parser *p, struct frame *f, int argc,
		      char **argv)
{
	switch (f->kind) {
	case BLK_VIPS:
	case BLK_VIPS_EXCL:
		list_vip(p, f, argc, argv);
		break;
	case BLK_TRACK_SCRIPT:
	case BLK_TRACK_IF:
	case BLK_TRACK_FILE:
	case BLK_TRACK_LBD:
	case BLK_TRACK_PROCESS:
		list_track(p, f, argc, argv);
		break;
	case BLK_ROUTES:
	case BLK_RULES:
		list_route(p, f, argc, argv);
		break;
	case BLK_PEERS:
		list_peer(p, f, argc, argv);
		break;
	case BLK_MEMBERS:
		list_member(p, f, argc, argv);
		break;
	default:
		break;
	}
}

static void stmt(struct parser *p, int argc, char **argv, int opens)
{
	struct frame *f = &p->stack[p->depth];
	const struct kw *k;
	struct frame nf;

	if (f->kind == BLK_SKIP) {
		if (opens)
			push(p, (struct frame){ .kind = BLK_SKIP });
		return;
	}
	if (f->kind >= BLK_VIPS && f->kind <= BLK_MEMBERS) {
		if (opens) {
			msg(p, 0, "unexpected '{' in a list");
			push(p, (struct frame){ .kind = BLK_SKIP });
			return;
		}
		stmt_list(p, f, argc, argv);
		return;
	}
	k = kw_find(kw_tables[f->kind], argv[0]);
	if (!k) {
		msg(p, !p->o->check_mode, "unknown keyword '%s'", argv[0]);
		if (opens)
			push(p, (struct frame){ .kind = BLK_SKIP });
		return;
	}
	nf = (struct frame){ .kind = k->opens, .owner = f->kind, .idx = f->idx };
	if (argc - 1 < k->min || argc - 1 > k->max) {
		if (k->min == k->max)
			msg(p, 0, "%s: expects %d argument%s, got %d", k->name,
			    k->min, k->min == 1 ? "" : "s", argc - 1);
		else
			msg(p, 0, "%s: expects %d to %d arguments, got %d",
			    k->name, k->min, k->max, argc - 1);
		if (k->opens != BLK_NONE || opens)
			nf.kind = BLK_SKIP;
	} else if (k->fn(p, k, frame_obj(p, f), argc - 1, argv + 1) != 0) {
		if (k->opens != BLK_NONE)
			nf.kind = BLK_SKIP;
	} else if (k->opens == BLK_INSTANCE) {
		nf.idx = p->c->ninstances - 1;
	} else if (k->opens == BLK_SCRIPT) {
		nf.idx = p->c->nscripts - 1;
	} else if (k->opens == BLK_FILE) {
		nf.idx = p->c->nfiles - 1;
	} else if (k->opens == BLK_GROUP) {
		nf.idx = p->c->ngroups - 1;
	} else if (k->opens == BLK_LBD) {
		nf.idx = p->c->nlbds - 1;
	} else if (k->opens == BLK_PROCESS) {
		nf.idx = p->c->nprocs - 1;
	} else if (k->opens == BLK_GARP) {
		nf.idx = p->c->ngarps - 1;
	}
	if (nf.kind == BLK_NONE) {
		if (opens) {
			msg(p, 0, "%s does not open a block", k->name);
			push(p, (struct frame){ .kind = BLK_SKIP });
		}
		return;
	}
	if (opens) {
		push(p, nf);
	} else {
		p->pending = nf;
		p->has_pending = 1;
	}
}

/* Cut a line into words copied to store: blanks separate, double quotes
 * group, '{' and '}' outside quotes are words of their own. Returns the
 * count or -1. */
static int split(struct parser *p, const char *s, char *store,
		 char **argv, int max)
{
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (*s == '\0')
			return n;
		if (n == max) {
			msg(p, 0, "more than %d words on a line", max);
			return -1;
		}
		argv[n++] = store;
		if (*s == '{' || *s == '}') {
			*store++ = *s++;
			*store++ = '\0';
			continue;
		}
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' &&
		       *s != '{' && *s != '}') {
			if (*s == '"') {
				const char *q = strchr(s + 1, '"');

				if (!q) {
					msg(p, 0, "unmatched quote");
					return -1;
				}
				memcpy(store, s + 1, (size_t)(q - s - 1));
				store += q - s - 1;
				s = q + 1;
				continue;
			}
			*store++ = *s++;
		}
		*store++ = '\0';
	}
}

static int conf_line(void *arg, const char *file, int line, const char *text)
{
	struct parser *p = arg;
	char store[VRRP_PRE_LINE_MAX * 2 + 2];
	char *words[ARGS_MAX], *stmtv[ARGS_MAX + 1];
	int n, ns = 0;

	p->file = file;
	p->line = line;
	if (strlen(text) >= VRRP_PRE_LINE_MAX) {
		msg(p, 0, "line longer than %d bytes", VRRP_PRE_LINE_MAX);
		return 0;
	}
	n = split(p, text, store, words, ARGS_MAX);
	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		const char *w = words[i];

		if (strcmp(w, "{") == 0) {
			if (ns > 0) {
				p->has_pending = 0;
				stmtv[ns] = NULL;
				stmt(p, ns, stmtv, 1);
				ns = 0;
			} else if (p->has_pending) {
				p->has_pending = 0;
				push(p, p->pending);
			} else {
				msg(p, 0, "'{' without a keyword");
				push(p, (struct frame){ .kind = BLK_SKIP });
			}
			continue;
		}
		if (ns > 0 || strcmp(w, "}") == 0) {
			/* a pending block keyword with no '{' after it */
			if (p->has_pending && ns == 0) {
				p->has_pending = 0;
				if (p->pending.kind != BLK_SKIP)
					msg(p, 0, "expected '{'");
			}
		}
		if (strcmp(w, "}") == 0) {
			if (ns > 0) {
				stmtv[ns] = NULL;
				stmt(p, ns, stmtv, 0);
				ns = 0;
				p->has_pending = 0;
			}
			if (p->depth == 0)
				msg(p, 0, "unmatched '}'");
			else
				p->depth--;
			continue;
		}
		if (p->has_pending && ns == 0) {
			p->has_pending = 0;
			if (p->pending.kind != BLK_SKIP)
				msg(p, 0, "expected '{'");
		}
		stmtv[ns++] = words[i];
	}
	if (ns > 0) {
		stmtv[ns] = NULL;
		stmt(p, ns, stmtv, 0);
	}
	return p->errors > 1000 ? -1 : 0;
}

static void pre_error(void *arg, const char *m)
{
	struct parser *p = arg;

	p->errors++;
	if (p->o->msg)
		p->o->msg(p->o->arg, 0, m);
}

static struct vrrp_conf *conf_new(void)
{
	struct vrrp_conf *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->global.vrrp_version = 2;
	c->global.garp_delay_s = 5;
	c->global.garp_repeat = 5;
	c->global.garp_refresh_repeat = 1;
	c->global.garp_lower_delay_s = c->global.garp_lower_repeat = -1;
	c->global.ctl_level = VRRP_CTL_USER;
	c->global.ctl_mode = 0600;
	strcpy(c->global.nft_table, "vrrpd");
	c->global.mcast4.family = AF_INET;
	inet_pton(AF_INET, "224.0.0.18", &c->global.mcast4.u.v4);
	c->global.mcast6.family = AF_INET6;
	inet_pton(AF_INET6, "ff02::12", &c->global.mcast6.u.v6);
	return c;
}

static struct vrrp_conf *conf_load(const char *name, const char *buf,
				   size_t len, const struct vrrp_conf_opts *o)
{
	struct parser p = { .o = o };
	struct vrrp_pre pre;

	p.c = conf_new();
	if (!p.c)
		return NULL;
	vrrp_pre_init(&pre);
	pre.config_id = o->config_id ? o->config_id : "";
	pre.allow_include = o->allow_include;
	pre.line_cb = conf_line;
	pre.err_cb = pre_error;
	pre.arg = &p;
	if (buf)
		vrrp_pre_buf(&pre, name, buf, len);
	else
		vrrp_pre_file(&pre, name);
	vrrp_pre_free(&pre);
	p.file = name;
	if (p.depth > 0)
		msg(&p, 0, "missing '}' at end of configuration");
	if (p.has_pending && p.pending.kind != BLK_SKIP)
		msg(&p, 0, "expected '{' at end of configuration");
	if (!p.errors)
		p.errors += vrrp_check_conf(p.c, o->msg, o->arg);
	if (p.errors) {
		vrrp_conf_free(p.c);
		return NULL;
	}
	return p.c;
}

struct vrrp_conf *vrrp_conf_load(const char *path,
				 const struct vrrp_conf_opts *opts)
{
	return conf_load(path, NULL, 0, opts);
}

struct vrrp_conf *vrrp_conf_load_buf(const char *name, const char *buf,
				     size_t len,
				     const struct vrrp_conf_opts *opts)
{
	return conf_load(name, buf ? buf : "", len, opts);
}

static void free_notify(char **a, char **b, char **c2, char **d, char **e)
{
	free(*a);
	free(*b);
	free(*c2);
	free(*d);
	free(*e);
}

void vrrp_conf_free(struct vrrp_conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->ninstances; i++) {
		struct vrrp_conf_instance *vi = &c->instances[i];

		free(vi->vips);
		free(vi->vips_excluded);
		free(vi->track_scripts);
		free(vi->track_ifs);
		free(vi->track_files);
		free(vi->track_lbds);
		free(vi->track_procs);
		free(vi->routes);
		free(vi->rules);
		free(vi->peers);
		free_notify(&vi->notify, &vi->notify_master, &vi->notify_backup,
			    &vi->notify_fault, &vi->notify_stop);
		free(vi->notify_rx_lower);
	}
	for (size_t i = 0; i < c->ngroups; i++) {
		struct vrrp_conf_group *g = &c->groups[i];

		free(g->members);
		free(g->track_scripts);
		free(g->track_ifs);
		free(g->track_files);
		free(g->track_lbds);
		free(g->track_procs);
		free_notify(&g->notify, &g->notify_master, &g->notify_backup,
			    &g->notify_fault, &g->notify_stop);
	}
	for (size_t i = 0; i < c->nscripts; i++)
		free(c->scripts[i].script);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i].path);
	for (size_t i = 0; i < c->nlbds; i++) {
		free(c->lbds[i].backends);
		free(c->lbds[i].frontends);
	}
	free(c->lbds);
	for (size_t i = 0; i < c->nprocs; i++) {
		free(c->procs[i].process);
		free_params(c->procs[i].params, c->procs[i].nparams);
	}
	free(c->procs);
	free(c->garps);
	for (int i = 0; i < VRRP_CONF_FIFO_MAX; i++) {
		free(c->global.fifo[i].path);
		free(c->global.fifo[i].script);
	}
	free(c->instances);
	free(c->scripts);
	free(c->files);
	free(c->groups);
	free(c);
}

int vrrp_conf_version(const struct vrrp_conf *c,
		      const struct vrrp_conf_instance *vi)
{
	if (vi->version)
		return vi->version;
	if (vi->family == AF_INET6)
		return 3;
	return c->global.vrrp_version;
}

const struct vrrp_conf_script *vrrp_conf_script(const struct vrrp_conf *c,
						const char *name)
{
	for (size_t i = 0; i < c->nscripts; i++)
		if (strcmp(c->scripts[i].name, name) == 0)
			return &c->scripts[i];
	return NULL;
}

const struct vrrp_conf_file *vrrp_conf_file(const struct vrrp_conf *c,
					    const char *name)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i].name, name) == 0)
			return &c->files[i];
	return NULL;
}

const struct vrrp_conf_lbd *vrrp_conf_lbd(const struct vrrp_conf *c,
					  const char *name)
{
	for (size_t i = 0; i < c->nlbds; i++)
		if (strcmp(c->lbds[i].name, name) == 0)
			return &c->lbds[i];
	return NULL;
}

const struct vrrp_conf_garp *vrrp_conf_garp(const struct vrrp_conf *c,
					    const char *ifname)
{
	for (size_t i = 0; i < c->ngarps; i++)
		if (strcmp(c->garps[i].interface, ifname) == 0)
			return &c->garps[i];
	return NULL;
}

const struct vrrp_conf_process *vrrp_conf_process(const struct vrrp_conf *c,
						  const char *name)
{
	for (size_t i = 0; i < c->nprocs; i++)
		if (strcmp(c->procs[i].name, name) == 0)
			return &c->procs[i];
	return NULL;
}

const struct vrrp_conf_instance *vrrp_conf_instance(const struct vrrp_conf *c,
						    const char *name)
{
	for (size_t i = 0; i < c->ninstances; i++)
		if (strcmp(c->instances[i].name, name) == 0)
			return &c->instances[i];
	return NULL;
}
