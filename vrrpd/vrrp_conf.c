/*
 * vrrp_conf.c - reading keepalived.conf's VRRP part (see vrrp_conf.h):
 * statements, blocks, loading, freeing, lookups.
 *
 * The preprocessor (vrrp_pre.c) hands over logical lines; each is cut into
 * words, '{' and '}' being words of their own. A statement is the words up
 * to the end of the line, a '{' or a '}'. Each block kind has a keyword
 * table; list blocks (virtual_ipaddress, track_script, ...) take one entry
 * per statement. Cross-references and whole-configuration rules are
 * checked once everything is read (vrrp_check.c). The keyword tables and
 * their handlers are in vrrp_conf_kw.c; what both files share is in
 * vrrp_conf_int.h.
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
#include "vrrp_conf_int.h"
#include "vrrp_ctl.h"
#include "vrrp_packet.h"
#include "vrrp_pre.h"

const char *const vrrp_conf_state_names[VRRP_CONF_STATE_MAX] = {
	[VRRP_CONF_STATE_BACKUP] = "BACKUP",
	[VRRP_CONF_STATE_MASTER] = "MASTER",
};

void vrrp_conf_msg(struct parser *p, int warning, const char *fmt, ...)
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

int vrrp_conf_parse_long(const char *s, long lo, long hi, long *out)
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

int vrrp_conf_parse_addr(const char *s, struct vrrp_conf_addr *a)
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
	if (vrrp_conf_parse_addr(buf, a) != 0)
		return -1;
	*has_prefix = sl != NULL;
	if (!sl) {
		*prefix = a->family == AF_INET ? 32 : 128;
		return 0;
	}
	if (vrrp_conf_parse_long(sl, 0, a->family == AF_INET ? 32 : 128, &pl) != 0)
		return -1;
	*prefix = (uint8_t)pl;
	return 0;
}

/* ---- growing arrays ---- */

void *vrrp_conf_grow(struct parser *p, void *arr, size_t *n, size_t size,
		     size_t max)
{
	void *na;

	if (*n >= max) {
		vrrp_conf_msg(p, 0, "too many entries (at most %zu)", max);
		return NULL;
	}
	na = realloc(arr, (*n + 1) * size);
	if (!na) {
		vrrp_conf_msg(p, 0, "out of memory");
		return NULL;
	}
	memset((char *)na + *n * size, 0, size);
	return na;
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
		vrrp_conf_msg(p, 0, "blocks nested more than %d deep", DEPTH_MAX - 1);
		f.kind = BLK_SKIP;
		/* keep counting braces in the last frame */
		p->stack[p->depth] = f;
		return;
	}
	p->stack[++p->depth] = f;
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
	if (f->kind >= BLK_VIPS && f->kind <= BLK_STATIC_RULES) {
		if (opens) {
			vrrp_conf_msg(p, 0, "unexpected '{' in a list");
			push(p, (struct frame){ .kind = BLK_SKIP });
			return;
		}
		vrrp_conf_list(p, f, argc, argv);
		return;
	}
	k = kw_find(vrrp_conf_kw_tables[f->kind], argv[0]);
	if (!k) {
		vrrp_conf_msg(p, !p->o->check_mode, "unknown keyword '%s'", argv[0]);
		if (opens)
			push(p, (struct frame){ .kind = BLK_SKIP });
		return;
	}
	nf = (struct frame){ .kind = k->opens, .owner = f->kind, .idx = f->idx };
	if (argc - 1 < k->min || argc - 1 > k->max) {
		if (k->min == k->max)
			vrrp_conf_msg(p, 0, "%s: expects %d argument%s, got %d", k->name,
			    k->min, k->min == 1 ? "" : "s", argc - 1);
		else
			vrrp_conf_msg(p, 0, "%s: expects %d to %d arguments, got %d",
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
			vrrp_conf_msg(p, 0, "%s does not open a block", k->name);
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
			vrrp_conf_msg(p, 0, "more than %d words on a line", max);
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
					vrrp_conf_msg(p, 0, "unmatched quote");
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
		vrrp_conf_msg(p, 0, "line longer than %d bytes", VRRP_PRE_LINE_MAX);
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
				vrrp_conf_msg(p, 0, "'{' without a keyword");
				push(p, (struct frame){ .kind = BLK_SKIP });
			}
			continue;
		}
		if (ns > 0 || strcmp(w, "}") == 0) {
			/* a pending block keyword with no '{' after it */
			if (p->has_pending && ns == 0) {
				p->has_pending = 0;
				if (p->pending.kind != BLK_SKIP)
					vrrp_conf_msg(p, 0, "expected '{'");
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
				vrrp_conf_msg(p, 0, "unmatched '}'");
			else
				p->depth--;
			continue;
		}
		if (p->has_pending && ns == 0) {
			p->has_pending = 0;
			if (p->pending.kind != BLK_SKIP)
				vrrp_conf_msg(p, 0, "expected '{'");
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
	c->global.lower_prio_no_advert = c->global.higher_prio_send_advert = -1;
	c->global.min_auto_prio_delay_us = 1000000;
	c->global.run[VRRP_CONF_RUN_STARTUP].timeout_s = 10;
	c->global.run[VRRP_CONF_RUN_SHUTDOWN].timeout_s = 10;
	c->global.ctl_level = VRRP_CTL_USER;
	c->global.ctl_mode = 0600;
	strcpy(c->global.nft_table, "vrrpd");
	c->global.nft_priority = -1;
	strcpy(c->global.log_tag, "vrrpd");
	strcpy(c->global.default_interface, "eth0");	/* keepalived's default */
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
		vrrp_conf_msg(&p, 0, "missing '}' at end of configuration");
	if (p.has_pending && p.pending.kind != BLK_SKIP)
		vrrp_conf_msg(&p, 0, "expected '{' at end of configuration");
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

void vrrp_conf_free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
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
		free(vi->notify_deleted);
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
		vrrp_conf_free_strv(c->procs[i].params, c->procs[i].nparams);
	}
	free(c->procs);
	free(c->garps);
	free(c->static_vips);
	free(c->static_routes);
	free(c->static_rules);
	for (int i = 0; i < VRRP_CONF_FIFO_MAX; i++) {
		free(c->global.fifo[i].path);
		free(c->global.fifo[i].script);
	}
	for (int i = 0; i < VRRP_CONF_RUN_MAX; i++)
		free(c->global.run[i].cmd);
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

const struct vrrp_conf_addr *vrrp_conf_mcast(const struct vrrp_conf *c,
					     const struct vrrp_conf_instance *vi)
{
	if (vi->mcast_dst.family)
		return &vi->mcast_dst;
	return vi->family == AF_INET6 ? &c->global.mcast6 : &c->global.mcast4;
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
	for (size_t i = 0; i < c->ngarps; i++) {
		const struct vrrp_conf_garp *g = &c->garps[i];

		if (strcmp(g->interface, ifname) == 0)
			return g;
		for (size_t j = 0; j < g->nifs; j++)
			if (strcmp(g->ifs[j], ifname) == 0)
				return g;
	}
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
