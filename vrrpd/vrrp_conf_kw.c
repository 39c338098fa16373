/*
 * vrrp_conf_kw.c - keepalived.conf's VRRP keywords: one table per block
 * (the documentation's index: vrrpd -K prints it), the generic setters the
 * rows use and each keyword's own handler. The statements and blocks
 * around them are read by vrrp_conf.c, the list blocks' entries by
 * vrrp_conf_list.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "agentx.h"
#include "vrrp_conf.h"
#include "vrrp_conf_int.h"
#include "vrrp_conf_route.h"
#include "vrrp_ctl.h"
#include "vrrp_packet.h"
#include "vrrp_sys.h"

/* ---- generic setters ---- */

/* The keyword's number within its bounds, or -1 after saying why. */
static int get_num(struct parser *p, const struct kw *k, const char *arg, long *v)
{
	if (vrrp_conf_parse_long(arg, k->lo, k->hi, v) == 0)
		return 0;
	vrrp_conf_msg(p, 0, "%s: '%s' is not a number in %ld..%ld", k->name, arg, k->lo, k->hi);
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
		vrrp_conf_msg(p, 0, "%s: '%s' is not a time in seconds (0..%ld, %s)",
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
		vrrp_conf_msg(p, 0, "%s: '%s' is longer than %ld bytes", k->name, argv[0],
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
		vrrp_conf_msg(p, 0, "out of memory");
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
	vrrp_conf_msg(p, 0, "%s: not supported yet%s%s", k->name, k->note ? ": " : "",
	    k->note ? k->note : "");
	return -1;
}

static int refuse_never(struct parser *p, const struct kw *k, void *obj,
			int argc, char **argv)
{
	vrrp_conf_msg(p, 0, "%s: not handled by vrrpd: %s", k->name, k->note);
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

static int parse_bool(const char *s, int *out);

/* "KEYWORD [BOOL]" into an int: no value means yes */
static int set_bool(struct parser *p, const struct kw *k, void *obj, int argc,
		    char **argv)
{
	int on = 1;

	if (argc == 1 && parse_bool(argv[0], &on) != 0) {
		vrrp_conf_msg(p, 0, "%s: '%s' is not a boolean", k->name, argv[0]);
		return -1;
	}
	*(int *)((char *)obj + k->off) = on;
	return 0;
}

/* a keepalived knob for a mechanism vrrpd does not have: its value is
 * still checked (k->lo..k->hi when k->hi), then nothing is done */
static int noop_num(struct parser *p, const struct kw *k, void *obj, int argc,
		    char **argv)
{
	long v;

	return argc == 1 && k->hi ? get_num(p, k, argv[0], &v) : 0;
}

/* ---- keyword handlers ---- */

static int new_instance(struct parser *p, const struct kw *k, void *obj,
			int argc, char **argv)
{
	struct vrrp_conf *c = p->c;
	struct vrrp_conf_instance *vi;

	if (strlen(argv[0]) >= VRRP_CONF_NAME_MAX) {
		vrrp_conf_msg(p, 0, "vrrp_instance: name longer than %d bytes",
		    VRRP_CONF_NAME_MAX - 1);
		return -1;
	}
	if (vrrp_conf_instance(c, argv[0])) {
		vrrp_conf_msg(p, 0, "vrrp_instance %s: defined twice", argv[0]);
		return -1;
	}
	vi = vrrp_conf_grow(p, c->instances, &c->ninstances, sizeof(*vi),
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
	vi->lower_prio_no_advert = vi->higher_prio_send_advert = -1;
	vi->notify_prio_changes = -1;
	vi->xgarp.secs = -1;
	return 0;
}

static int new_script(struct parser *p, const struct kw *k, void *obj,
		      int argc, char **argv)
{
	struct vrrp_conf *c = p->c;
	struct vrrp_conf_script *s;

	if (strlen(argv[0]) >= VRRP_CONF_NAME_MAX || vrrp_conf_script(c, argv[0])) {
		vrrp_conf_msg(p, 0, "vrrp_script %s: name too long or defined twice",
		    argv[0]);
		return -1;
	}
	s = vrrp_conf_grow(p, c->scripts, &c->nscripts, sizeof(*s), VRRP_CONF_ITEMS_MAX);
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
		vrrp_conf_msg(p, 0, "vrrp_track_file %s: name too long or defined twice",
		    argv[0]);
		return -1;
	}
	f = vrrp_conf_grow(p, c->files, &c->nfiles, sizeof(*f), VRRP_CONF_ITEMS_MAX);
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
		vrrp_conf_msg(p, 0, "vrrp_track_lbd %s: name too long or defined twice",
		    argv[0]);
		return -1;
	}
	l = vrrp_conf_grow(p, c->lbds, &c->nlbds, sizeof(*l), VRRP_CONF_ITEMS_MAX);
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
		vrrp_conf_msg(p, 0, "socket: '%s' is not an absolute path of at most %zu "
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
		vrrp_conf_msg(p, 0, "backend: '%s' is too long a name", argv[0]);
		return -1;
	}
	strcpy(b.name, argv[0]);
	if (argc > 1) {
		if (argc != 3 || strcmp(argv[1], "min_up") != 0 ||
		    vrrp_conf_parse_long(argv[2], 0, 100000, &v) != 0) {
			vrrp_conf_msg(p, 0, "backend %s: expected [min_up 0..100000]",
			    argv[0]);
			return -1;
		}
		b.min_up = (uint32_t)v;
	}
	na = vrrp_conf_grow(p, l->backends, &l->nbackends, sizeof(b), VRRP_CONF_LIST_MAX);
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
		vrrp_conf_msg(p, 0, "frontend: '%s' is too long a name", argv[0]);
		return -1;
	}
	na = vrrp_conf_grow(p, l->frontends, &l->nfrontends, sizeof(*na),
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
		ok = vrrp_conf_parse_long(buf, 30, 60000, &ms) == 0;
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
	vrrp_conf_msg(p, 0, "heartbeat_timeout: '%s' is not a time from 30ms to 60s",
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
		vrrp_conf_msg(p, 0, "vrrp_track_process %s: name too long or defined twice",
		    argv[0]);
		return -1;
	}
	pr = vrrp_conf_grow(p, c->procs, &c->nprocs, sizeof(*pr), VRRP_CONF_ITEMS_MAX);
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

/* process NAME|PATH [PARAM...] */
static int set_proc_process(struct parser *p, const struct kw *k, void *obj,
			    int argc, char **argv)
{
	struct vrrp_conf_process *pr = obj;
	char **params = calloc((size_t)argc, sizeof(*params));
	char *name = strdup(argv[0]);

	for (int i = 1; params && i < argc; i++)
		if (!(params[i - 1] = strdup(argv[i]))) {
			vrrp_conf_free_strv(params, (size_t)argc);
			params = NULL;
		}
	if (!params || !name) {
		free(params);
		free(name);
		vrrp_conf_msg(p, 0, "out of memory");
		return -1;
	}
	free(pr->process);
	vrrp_conf_free_strv(pr->params, pr->nparams);
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
		vrrp_conf_msg(p, 0, "param_match: '%s' is neither initial nor partial",
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

	g = vrrp_conf_grow(p, c->garps, &c->ngarps, sizeof(*g), VRRP_CONF_ITEMS_MAX);
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
		vrrp_conf_msg(p, 0, "vrrp_sync_group: name too long");
		return -1;
	}
	for (size_t i = 0; i < c->ngroups; i++)
		if (strcmp(c->groups[i].name, argv[0]) == 0) {
			vrrp_conf_msg(p, 0, "vrrp_sync_group %s: defined twice", argv[0]);
			return -1;
		}
	g = vrrp_conf_grow(p, c->groups, &c->ngroups, sizeof(*g), VRRP_CONF_ITEMS_MAX);
	if (!g)
		return -1;
	c->groups = g;
	g = &c->groups[c->ngroups++];
	strcpy(g->name, argv[0]);
	snprintf(g->file, sizeof(g->file), "%s", p->file);
	g->line = p->line;
	g->notify_prio_changes = -1;
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
		vrrp_conf_msg(p, 0, "state: '%s' is neither MASTER nor BACKUP", argv[0]);
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
		vrrp_conf_msg(p, 0, "advert_int: '%s' is not a time of 0.01 to 255 "
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

	if (vrrp_conf_parse_addr(argv[0], &vi->src) != 0) {
		vrrp_conf_msg(p, 0, "%s: '%s' is not an IP address", k->name, argv[0]);
		return -1;
	}
	return 0;
}

static int set_vmac(struct parser *p, const struct kw *k, void *obj,
		    int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;

	if (argc == 1 && strlen(argv[0]) >= IFNAMSIZ) {
		vrrp_conf_msg(p, 0, "use_vmac: '%s' is longer than %d bytes", argv[0],
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

	if (vrrp_conf_parse_long(argv[0], -253, 253, &w) != 0) {
		vrrp_conf_msg(p, 0, "weight: '%s' is not a number in -253..253", argv[0]);
		return -1;
	}
	if (argc == 2 && strcmp(argv[1], "reverse") != 0) {
		vrrp_conf_msg(p, 0, "weight: expected 'reverse' after the value, got '%s'",
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
			vrrp_conf_msg(p, 0, "%s: '%s' is too long", k->name, argv[i]);
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
			vrrp_conf_msg(p, 0, "%s: '%s' is too long", k->name, argv[i]);
			return -1;
		}
	if (!k->hi && argv[0][0] != '/') {
		vrrp_conf_msg(p, 0, "%s: '%s' is not an absolute path", k->name, argv[0]);
		return -1;
	}
	free(*dst);
	*dst = strdup(argv[0]);
	if (!*dst) {
		vrrp_conf_msg(p, 0, "out of memory");
		return -1;
	}
	snprintf(user, 64, "%s", argc > 1 ? argv[1] : "");
	snprintf(group, 64, "%s", argc > 2 ? argv[2] : "");
	return 0;
}

/* startup_script|shutdown_script CMD [USER [GROUP]] into global.run[k->lo] */
static int set_run(struct parser *p, const struct kw *k, void *obj, int argc,
		   char **argv)
{
	struct vrrp_conf_run *r = &((struct vrrp_conf_global *)obj)->run[k->lo];
	char *cmd;

	for (int i = 1; i < argc; i++)
		if (strlen(argv[i]) >= sizeof(r->user)) {
			vrrp_conf_msg(p, 0, "%s: '%s' is too long", k->name, argv[i]);
			return -1;
		}
	cmd = strdup(argv[0]);
	if (!cmd) {
		vrrp_conf_msg(p, 0, "out of memory");
		return -1;
	}
	free(r->cmd);
	r->cmd = cmd;
	snprintf(r->user, sizeof(r->user), "%s", argc > 1 ? argv[1] : "");
	snprintf(r->group, sizeof(r->group), "%s", argc > 2 ? argv[2] : "");
	return 0;
}

/*
 * enable_snmp_vrrp: keepalived serves its own KEEPALIVED-MIB's VRRP part
 * then. vrrpd does not have that MIB; rather than refuse a line so common
 * in configurations that use SNMP, it starts the subagent with VRRPv3-MIB
 * (as enable_snmp_rfcv3) and says so, so that nobody polls in vain.
 */
static int set_snmp_vrrp(struct parser *p, const struct kw *k, void *obj,
			 int argc, char **argv)
{
	vrrp_conf_msg(p, 1, "enable_snmp_vrrp: KEEPALIVED-MIB is not served; the "
		      "SNMP subagent serves VRRPv3-MIB (RFC 6527) instead, as with "
		      "enable_snmp_rfcv3: point the NMS at VRRPv3-MIB");
	return set_flag(p, k, obj, argc, argv);
}

/* snmp_socket </path|unix:/path|tcp:ADDR:PORT|udp:ADDR:PORT>, literal
 * addresses only: a name lookup would block the loop at reconnections */
static int set_snmp_socket(struct parser *p, const struct kw *k, void *obj,
			   int argc, char **argv)
{
	if (!agx_socket_valid(argv[0])) {
		vrrp_conf_msg(p, 0, "snmp_socket: '%s' is not an AgentX socket: "
		    "/path, unix:/path or tcp:ADDRESS:PORT with a literal address",
		    argv[0]);
		return -1;
	}
	return set_str(p, k, obj, argc, argv);
}

/* syslog_target <target> [len N] [format F] <facility> [level [minlevel]]:
 * HAProxy's "log" line, as lbd reads it (vrrp_log.c) */
static int set_syslog(struct parser *p, const struct kw *k, void *obj,
		      int argc, char **argv)
{
	struct vrrp_conf_global *g = obj;
	char err[256];

	if (g->nsyslog >= VRRP_CONF_SYSLOG_MAX) {
		vrrp_conf_msg(p, 0, "syslog_target: at most %d targets",
			      VRRP_CONF_SYSLOG_MAX);
		return -1;
	}
	if (slog_target_parse_tcp(&g->syslog[g->nsyslog], argc, argv, err,
				  sizeof(err)) != 0) {
		vrrp_conf_msg(p, 0, "syslog_target: %s", err);
		return -1;
	}
	g->nsyslog++;
	return 0;
}

/* log_tag NAME: the syslog tag (RFC 3164 TAG: letters, digits, '_', '-',
 * '.', at most 32); "Keepalived_vrrp" keeps rsyslog filters written for
 * keepalived matching */
static int set_log_tag(struct parser *p, const struct kw *k, void *obj,
		       int argc, char **argv)
{
	struct vrrp_conf_global *g = obj;
	size_t n = strlen(argv[0]);

	(void)k;
	(void)argc;
	if (n == 0 || n >= sizeof(g->log_tag) ||
	    strspn(argv[0], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_-.") != n) {
		vrrp_conf_msg(p, 0, "log_tag: '%s' is not a syslog tag (letters, digits, "
			      "'_', '-', '.', at most %zu)", argv[0], sizeof(g->log_tag) - 1);
		return -1;
	}
	memcpy(g->log_tag, argv[0], n + 1);
	return 0;
}

/* control_socket PATH [level user|operator|admin] [mode OCTAL] */
static int set_ctl(struct parser *p, const struct kw *k, void *obj, int argc,
		   char **argv)
{
	struct vrrp_conf_global *g = obj;

	if (argv[0][0] != '/' || strlen(argv[0]) >= sizeof(g->ctl_path)) {
		vrrp_conf_msg(p, 0, "control_socket: '%s' is not an absolute path of at "
		    "most %zu bytes", argv[0], sizeof(g->ctl_path) - 1);
		return -1;
	}
	for (int i = 1; i < argc; i += 2) {
		char *end;

		if (i + 1 >= argc) {
			vrrp_conf_msg(p, 0, "control_socket: '%s' needs a value", argv[i]);
			return -1;
		}
		if (strcmp(argv[i], "level") == 0) {
			g->ctl_level = vrrp_ctl_level(argv[i + 1]);
			if (!g->ctl_level) {
				vrrp_conf_msg(p, 0, "control_socket: level '%s' is not user, "
				    "operator or admin", argv[i + 1]);
				return -1;
			}
		} else if (strcmp(argv[i], "mode") == 0) {
			unsigned long m = strtoul(argv[i + 1], &end, 8);

			if (*end || argv[i + 1][0] == '-' || m > 0777) {
				vrrp_conf_msg(p, 0, "control_socket: mode '%s' is not octal "
				    "0..0777", argv[i + 1]);
				return -1;
			}
			g->ctl_mode = (unsigned)m;
		} else {
			vrrp_conf_msg(p, 0, "control_socket: unknown option '%s'", argv[i]);
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
		vrrp_conf_msg(p, 0, "%s: '%s' is not a boolean", k->name, argv[0]);
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

/* vrrp_mcast_group4|6, mcast_dst_ip ADDR: a multicast group of family
 * k->lo (0: either), for IPv6 of link-local scope (ffX2::) */
static int set_mcast(struct parser *p, const struct kw *k, void *obj,
		     int argc, char **argv)
{
	struct vrrp_conf_addr *a = (struct vrrp_conf_addr *)((char *)obj + k->off);
	struct vrrp_conf_addr v;
	int ok = vrrp_conf_parse_addr(argv[0], &v) == 0 &&
		 (!k->lo || v.family == k->lo);

	if (ok && v.family == AF_INET)
		ok = (ntohl(v.u.v4.s_addr) >> 28) == 0xe;
	else if (ok)
		ok = v.u.b[0] == 0xff && (v.u.b[1] & 0x0f) == 0x02;
	if (!ok) {
		vrrp_conf_msg(p, 0, "%s: '%s' is not an %s", k->name, argv[0],
		    k->lo == AF_INET ? "IPv4 multicast address" :
		    k->lo == AF_INET6 ? "IPv6 link-local multicast address (ffX2::)" :
		    "IPv4 multicast or IPv6 link-local multicast address");
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

/* dynamic_interfaces [allow_if_changes]: vrrpd follows an interface
 * deleted and created again in either case */
static int set_dynamic(struct parser *p, const struct kw *k, void *obj,
		       int argc, char **argv)
{
	struct vrrp_conf_global *g = obj;

	if (argc == 1 && strcmp(argv[0], "allow_if_changes") != 0) {
		vrrp_conf_msg(p, 0, "dynamic_interfaces: expected nothing or "
			      "'allow_if_changes', not '%s'", argv[0]);
		return -1;
	}
	g->dynamic_interfaces = 1;
	return 0;
}

/* old_unicast_checksum [never] */
static int set_old_cksum(struct parser *p, const struct kw *k, void *obj,
			 int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;

	(void)k;
	if (argc == 1 && strcmp(argv[0], "never") != 0) {
		vrrp_conf_msg(p, 0, "old_unicast_checksum: expected nothing or 'never', "
			      "not '%s'", argv[0]);
		return -1;
	}
	vi->old_unicast_checksum = argc ? VRRP_OLD_CKSUM_NEVER : VRRP_OLD_CKSUM_ON;
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
		vrrp_conf_msg(p, 0, "%s: '%s' is not a boolean", k->name, argv[0]);
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
		vrrp_conf_msg(p, 0, "nftables: '%s' is not a table name (letters, digits, "
		    "'_', at most %zu)", t, sizeof(g->nft_table) - 1);
		return -1;
	}
	strcpy(g->nft_table, t);
	return 0;
}

/* vrrp_iptables / vrrp_ipsets (k->lo: 0 / 1): keepalived's iptables
 * filtering, which vrrpd does with nftables; where they were written, for
 * the warning that names the table once the whole file is read */
static int fw_compat(struct parser *p, const struct kw *k, void *obj,
		     int argc, char **argv)
{
	struct vrrp_conf_where *w = &((struct vrrp_conf_global *)obj)->fw_compat[k->lo];

	snprintf(w->file, sizeof(w->file), "%s", p->file);
	w->line = p->line;
	return 0;
}

/* garp_extra_if / vrrp_garp_extra_if [all] SECONDS (0..86400), "all"
 * before or after the interval as keepalived takes it; vmac_garp_intvl
 * and vrrp_vmac_garp_intvl (k->lo 1) are its older names */
static int set_xgarp(struct parser *p, const struct kw *k, void *obj,
		     int argc, char **argv)
{
	struct vrrp_conf_xgarp *x = (struct vrrp_conf_xgarp *)((char *)obj + k->off);
	int all = argc == 2, n = all && strcmp(argv[0], "all") == 0;
	long v;

	if (all && !n && strcmp(argv[1], "all") != 0) {
		vrrp_conf_msg(p, 0, "%s: expected an interval and 'all', not "
			      "'%s %s'", k->name, argv[0], argv[1]);
		return -1;
	}
	if (vrrp_conf_parse_long(argv[n], 0, 86400, &v) != 0) {
		vrrp_conf_msg(p, 0, "%s: '%s' is not a number in 0..86400",
			      k->name, argv[n]);
		return -1;
	}
	if (k->lo)
		vrrp_conf_msg(p, 1, "%s: keepalived's older name of %sgarp_extra_if",
			      k->name, strncmp(k->name, "vrrp_", 5) == 0 ?
			      "vrrp_" : "");
	if (!all && v)
		vrrp_conf_msg(p, 1, "%s: without 'all' only VIPs' own VMACs are "
			      "announced, and vrrpd creates none: nothing is sent",
			      k->name);
	x->secs = (int32_t)v;
	x->all = all;
	return 0;
}

static int set_prio(struct parser *p, const struct kw *k, void *obj,
		    int argc, char **argv)
{
	struct vrrp_conf_global *g = obj;
	long v;

	if (vrrp_conf_parse_long(argv[0], -20, 19, &v) != 0) {
		vrrp_conf_msg(p, 0, "vrrp_priority: '%s' is not a number in -20..19",
		    argv[0]);
		return -1;
	}
	g->process_priority = (int)v;
	g->has_process_priority = 1;
	return 0;
}

/* max_auto_priority [-1..99]: no value means the highest */
static int set_auto_prio(struct parser *p, const struct kw *k, void *obj,
			 int argc, char **argv)
{
	long v = k->hi;

	if (argc == 1 && get_num(p, k, argv[0], &v) < 0)
		return -1;
	*(int *)((char *)obj + k->off) = (int)v;
	return 0;
}

/* vrrp_cpu_affinity CPU...: CPU numbers or ranges (2-5), 0..1023 */
static int set_cpus(struct parser *p, const struct kw *k, void *obj, int argc,
		    char **argv)
{
	struct vrrp_conf_global *g = obj;
	uint64_t cpus[VRRP_CONF_CPUS / 64] = { 0 };

	for (int i = 0; i < argc; i++)
		if (vrrp_sys_parse_cpus(argv[i], cpus, VRRP_CONF_CPUS / 64) != 0) {
			vrrp_conf_msg(p, 0, "%s: '%s' is not a CPU number or range in "
				      "0..%d", k->name, argv[i], VRRP_CONF_CPUS - 1);
			return -1;
		}
	memcpy(g->cpus, cpus, sizeof(cpus));
	g->has_cpus = 1;
	return 0;
}

/* umask NUMBER|BITS, BITS perhaps written in several words */
static int set_umask(struct parser *p, const struct kw *k, void *obj, int argc,
		     char **argv)
{
	struct vrrp_conf_global *g = obj;
	char buf[128] = "";

	for (int i = 0; i < argc; i++) {
		if (strlen(buf) + strlen(argv[i]) + 2 >= sizeof(buf))
			goto bad;
		strcat(strcat(buf, i ? " " : ""), argv[i]);
	}
	if (vrrp_sys_parse_umask(buf, &g->umask) != 0)
		goto bad;
	g->has_umask = 1;
	return 0;
bad:
	vrrp_conf_msg(p, 0, "%s: '%s' is neither a mode in 0..0777 nor "
		      "I{R|W|X}{USR|GRP|OTH} names joined by '|'", k->name, argv[0]);
	return -1;
}

/* vrrp_process_name / process_name NAME: the name ps and top show (at
 * most 15 bytes, the kernel's limit); vrrp_process_name wins */
static int set_pname(struct parser *p, const struct kw *k, void *obj,
		     int argc, char **argv)
{
	struct vrrp_conf_global *g = obj;
	size_t n = strlen(argv[0]);

	if (n == 0 || n >= sizeof(g->process_name) || strchr(argv[0], '/')) {
		vrrp_conf_msg(p, 0, "%s: '%s' is not a process name (1 to %zu bytes, "
			      "no '/')", k->name, argv[0], sizeof(g->process_name) - 1);
		return -1;
	}
	if (k->lo || !g->pname_strong) {
		memcpy(g->process_name, argv[0], n + 1);
		g->pname_strong |= (int)k->lo;
	}
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
		vrrp_conf_msg(p, 0, "auth_type AH: not supported yet (IPsec AH)");
	else
		vrrp_conf_msg(p, 0, "auth_type: '%s' is neither PASS nor AH", argv[0]);
	return -1;
}

static int set_auth_pass(struct parser *p, const struct kw *k, void *obj,
			 int argc, char **argv)
{
	struct vrrp_conf_instance *vi = obj;
	size_t l = strlen(argv[0]);

	if (l > sizeof(vi->auth_pass)) {
		vrrp_conf_msg(p, 1, "auth_pass: only the first %zu of %zu characters are "
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
		if (vrrp_conf_parse_long(argv[i], -254, 254, &f->init_value) != 0) {
			vrrp_conf_msg(p, 0, "init_file: '%s' is not a number in -254..254",
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
		vrrp_conf_msg(p, 0, "init_file: unexpected '%s'", argv[i]);
		return -1;
	}
	return 0;
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
	{ "static_ipaddress", 0, 0, open_block, 0, 0, 0, BLK_STATIC_VIPS, NULL },
	{ "static_routes", 0, 0, open_block, 0, 0, 0, BLK_STATIC_ROUTES, NULL },
	{ "static_rules", 0, 0, open_block, 0, 0, 0, BLK_STATIC_RULES, NULL },
	{ "garp_group", 0, 0, new_garp, 0, 0, 0, BLK_GARP, NULL },
	{ "linkbeat_interfaces", 0, 0, refuse, 0, 0, 0, BLK_SKIP, NULL },
	{ "instance", 1, 1, refuse, 0, 0, 0, N,
	  "pid file names per keepalived instance; vrrpd takes -p and -r" },
	{ "use_pid_dir", 0, 0, refuse, 0, 0, 0, N,
	  "vrrpd takes its pid files from -p and -r" },
	{ "net_namespace", 1, 1, refuse, 0, 0, 0, N,
	  "start vrrpd inside the namespace (ip netns exec)" },
	{ "net_namespace_ipvs", 0, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "namespace_with_ipsets", 0, 0, accept_noop, 0, 0, 0, N, NULL },
	{ "linkbeat_use_polling", 0, 0, refuse, 0, 0, 0, N,
	  "vrrpd follows links through netlink only" },
	{ "child_wait_time", 1, 1, noop_num, 0, 0, 1000, N, NULL },
	{ "track_group", 1, 1, refuse, 0, 0, 0, BLK_SKIP, NULL },
	{ "interface_up_down_delays", 0, 0, refuse, 0, 0, 0, BLK_SKIP, NULL },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

#define G(f) OFF(vrrp_conf_global, f)
static const struct kw kw_global[] = {
	{ "router_id", 1, 1, set_str, G(router_id), 64, 0, N, NULL },
	{ "default_interface", 1, 1, set_str, G(default_interface), IFNAMSIZ, 0, N, NULL },
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
	{ "enable_snmp_vrrp", 0, 0, set_snmp_vrrp, G(snmp_rfcv3), 1, 0, N, NULL },
	{ "enable_snmp_rfc", 0, 0, refuse, 0, 0, 0, N,
	  "VRRP-MIB (RFC 2787); vrrpd serves VRRPv3-MIB (enable_snmp_rfcv3)" },
	{ "enable_snmp_rfcv2", 0, 0, refuse, 0, 0, 0, N,
	  "VRRP-MIB (RFC 2787); vrrpd serves VRRPv3-MIB (enable_snmp_rfcv3)" },
	{ "enable_snmp_checker", 0, 0, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "enable_snmp_rfcv3", 0, 0, set_flag, G(snmp_rfcv3), 1, 0, N, NULL },
	{ "enable_traps", 0, 0, set_flag, G(snmp_traps), 1, 0, N, NULL },
	{ "snmp_socket", 1, 1, set_snmp_socket, G(snmp_socket), 128, 0, N, NULL },
	{ "syslog_target", 2, 8, set_syslog, 0, 0, 0, N, NULL },
	{ "log_tag", 1, 1, set_log_tag, 0, 0, 0, N, NULL },
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
	{ "dynamic_interfaces", 0, 1, set_dynamic, 0, 0, 0, N, NULL },
	{ "vrrp_no_swap", 0, 0, set_flag, G(no_swap), 1, 0, N, NULL },
	{ "vrrp_rt_priority", 1, 1, set_u32, G(rt_priority), 1, 99, N, NULL },
	{ "vrrp_rlimit_rttime", 1, 1, set_u32, G(rlimit_rttime_us), 1, 4000000000, N, NULL },
	{ "vrrp_rlimit_rtime", 1, 1, set_u32, G(rlimit_rttime_us), 1, 4000000000, N, NULL },
	{ "vrrp_cpu_affinity", 1, 32, set_cpus, 0, 0, 0, N, NULL },
	{ "umask", 1, 8, set_umask, 0, 0, 0, N, NULL },
	{ "vrrp_process_name", 1, 1, set_pname, 0, 1, 0, N, NULL },
	{ "process_name", 1, 1, set_pname, 0, 0, 0, N, NULL },
	{ "process_names", 0, 0, accept_noop, 0, 0, 0, N, NULL },
	{ "max_auto_priority", 0, 1, set_auto_prio, G(max_auto_priority), -1, 99, N, NULL },
	{ "min_auto_priority_delay", 1, 1, set_u32, G(min_auto_prio_delay_us), 1, 10000000,
	  N, NULL },
	{ "tmp_config_directory", 1, 1, accept_noop, 0, 0, 0, N, NULL },
	{ "config_save_dir", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "data_use_instance", 0, 1, accept_noop, 0, 0, 0, N, NULL },
	{ "reload_check_config", 0, 0, always_on, 0, 0, 0, N, NULL },
	{ "reload_time_file", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "reload_repeat", 0, 0, refuse, 0, 0, 0, N, NULL },
	{ "reload_file", 0, 1, refuse, 0, 0, 0, N, NULL },
	{ "include_check", 0, 8, refuse, 0, 0, 0, N, NULL },
	{ "random_seed", 1, 1, noop_num, 0, 0, 4294967295, N, NULL },
	{ "startup_script", 1, 3, set_run, 0, VRRP_CONF_RUN_STARTUP, 0, N, NULL },
	{ "startup_script_timeout", 1, 1, set_u32,
	  G(run[VRRP_CONF_RUN_STARTUP].timeout_s), 1, 1000, N, NULL },
	{ "shutdown_script", 1, 3, set_run, 0, VRRP_CONF_RUN_SHUTDOWN, 0, N, NULL },
	{ "shutdown_script_timeout", 1, 1, set_u32,
	  G(run[VRRP_CONF_RUN_SHUTDOWN].timeout_s), 1, 1000, N, NULL },
	{ "enable_dbus", 0, 0, refuse, 0, 0, 0, N, NULL },
	{ "dbus_service_name", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "vrrp_lower_prio_no_advert", 0, 1, set_bool, G(lower_prio_no_advert), 0, 0, N, NULL },
	{ "vrrp_higher_prio_send_advert", 0, 1, set_bool, G(higher_prio_send_advert), 0, 0, N, NULL },
	{ "vrrp_notify_priority_changes", 0, 1, set_bool, G(notify_prio_changes), 0, 0, N, NULL },
	{ "vrrp_owner_ignore_adverts", 0, 1, set_bool, G(owner_ignore_adverts), 0, 0, N, NULL },
	{ "log_unknown_vrids", 0, 0, set_flag, G(log_unknown_vrids), 1, 0, N, NULL },
	{ "fifo_write_vrrp_states_on_reload", 0, 0, set_flag, G(fifo_states_on_reload), 1, 0, N, NULL },
	{ "vrrp_garp_extra_if", 1, 2, set_xgarp, G(xgarp), 0, 0, N, NULL },
	{ "vrrp_vmac_garp_intvl", 1, 2, set_xgarp, G(xgarp), 1, 0, N, NULL },
	{ "vmac_prefix", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "vmac_addr_prefix", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "nftables_priority", 1, 1, set_i32, G(nft_priority), INT32_MIN, INT32_MAX,
	  N, NULL },
	{ "nftables_counters", 0, 0, set_flag, G(nft_counters), 1, 0, N, NULL },
	{ "nftables_ifindex", 0, 0, refuse, 0, 0, 0, N, NULL },
	{ "vrrp_iptables", 0, 2, fw_compat, 0, 0, 0, N, NULL },
	{ "vrrp_ipsets", 0, 5, fw_compat, 0, 1, 0, N, NULL },
	{ "disable_local_igmp", 0, 0, refuse, 0, 0, 0, N, NULL },
	{ "vrrp_netlink_cmd_rcv_bufs", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "vrrp_netlink_cmd_rcv_bufs_force", 0, 1, refuse, 0, 0, 0, N, NULL },
	{ "vrrp_netlink_monitor_rcv_bufs", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "vrrp_netlink_monitor_rcv_bufs_force", 0, 1, refuse, 0, 0, 0, N, NULL },
	{ "process_monitor_rcv_bufs", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "process_monitor_rcv_bufs_force", 0, 1, refuse, 0, 0, 0, N, NULL },
	{ "vrrp_rx_bufs_policy", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "vrrp_rx_bufs_multiplier", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "checker_priority", 1, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "checker_no_swap", 0, 0, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "checker_rt_priority", 1, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "checker_rlimit_rttime", 1, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "checker_cpu_affinity", 1, 32, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "checker_process_name", 1, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "checker_log_all_failures", 0, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "lvs_sync_daemon", 1, 13, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "lvs_timeouts", 1, 6, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "lvs_flush", 0, 0, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "lvs_flush_on_stop", 0, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "lvs_notify_fifo", 1, 3, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "lvs_notify_fifo_script", 1, 3, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "lvs_netlink_cmd_rcv_bufs", 1, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "lvs_netlink_cmd_rcv_bufs_force", 0, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "lvs_netlink_monitor_rcv_bufs", 1, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "lvs_netlink_monitor_rcv_bufs_force", 0, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "nftables_ipvs", 0, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "nftables_ipvs_priority", 1, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "nftables_ipvs_start_fwmark", 1, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "rs_init_notifies", 0, 0, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "no_checker_emails", 0, 0, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process; lbd balances load" },
	{ "bfd_priority", 1, 1, refuse_never, 0, 0, 0, N,
	  "BFD is keepalived's bfd process" },
	{ "bfd_no_swap", 0, 0, refuse_never, 0, 0, 0, N,
	  "BFD is keepalived's bfd process" },
	{ "bfd_rt_priority", 1, 1, refuse_never, 0, 0, 0, N,
	  "BFD is keepalived's bfd process" },
	{ "bfd_rlimit_rttime", 1, 1, refuse_never, 0, 0, 0, N,
	  "BFD is keepalived's bfd process" },
	{ "bfd_cpu_affinity", 1, 32, refuse_never, 0, 0, 0, N,
	  "BFD is keepalived's bfd process" },
	{ "bfd_process_name", 1, 1, refuse_never, 0, 0, 0, N,
	  "BFD is keepalived's bfd process" },
	{ "smtp_helo_name", 1, 1, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ "smtp_alert", 0, 1, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ "smtp_alert_vrrp", 0, 1, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ "smtp_alert_checker", 0, 1, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ "no_email_faults", 0, 0, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
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
	{ "notify_deleted", 0, 64, set_cmd, I(notify_deleted), 0, 0, N, NULL },
	{ "notify_master_rx_lower_pri", 1, 64, set_cmd, I(notify_rx_lower), 0, 0, N, NULL },
	{ "use_vmac", 0, 1, set_vmac, 0, 0, 0, N, NULL },
	{ "vmac_xmit_base", 0, 0, set_flag, I(vmac_xmit_base), 1, 0, N, NULL },
	{ "virtual_routes", 0, 0, open_block, 0, 0, 0, BLK_ROUTES, NULL },
	{ "virtual_rules", 0, 0, open_block, 0, 0, 0, BLK_RULES, NULL },
	{ "track_process", 0, 0, open_block, 0, 0, 0, BLK_TRACK_PROCESS, NULL },
	{ "track_bfd", 0, 0, refuse_never, 0, 0, 0, BLK_SKIP,
	  "BFD is keepalived's bfd process" },
	{ "strict_mode", 0, 1, set_strict, 0, 0, 0, N, NULL },
	{ "old_unicast_checksum", 0, 1, set_old_cksum, 0, 0, 0, N, NULL },
	{ "garp_lower_prio_delay", 1, 1, set_i32, I(garp_lower_delay_s), 0, 1000, N, NULL },
	{ "garp_lower_prio_repeat", 1, 1, set_i32, I(garp_lower_repeat), 0, 255, N, NULL },
	{ "unicast_ttl", 1, 1, set_ttl, 0, 1, 255, N, NULL },
	{ "check_unicast_src", 0, 0, always_on, 0, 0, 0, N, NULL },
	{ "smtp_alert", 0, 1, refuse_never, 0, 0, 0, N,
	  "vrrpd sends no e-mail; use notify scripts" },
	{ "lvs_sync_daemon_interface", 1, 1, refuse_never, 0, 0, 0, N,
	  "LVS is keepalived's checker process" },
	{ "lower_prio_no_advert", 0, 1, set_bool, I(lower_prio_no_advert), 0, 0, N, NULL },
	{ "higher_prio_send_advert", 0, 1, set_bool, I(higher_prio_send_advert), 0, 0, N, NULL },
	{ "notify_priority_changes", 0, 1, set_bool, I(notify_prio_changes), 0, 0, N, NULL },
	{ "unicast_fault_no_peer", 0, 0, set_flag, I(unicast_fault_no_peer), 1, 0, N, NULL },
	{ "kernel_rx_buf_size", 1, 1, set_u32, I(rx_buf_size), 256, 1073741824, N, NULL },
	{ "no_virtual_ipaddress", 0, 0, refuse, 0, 0, 0, N,
	  "a VRRPv3 advert carries at least one address (RFC 5798 5.2.5)" },
	{ "mcast_dst_ip", 1, 1, set_mcast, I(mcast_dst), 0, 0, N, NULL },
	{ "track_src_ip", 0, 0, refuse, 0, 0, 0, N, NULL },
	{ "promote_secondaries", 0, 0, set_flag, I(promote_secondaries), 1, 0, N, NULL },
	{ "use_vmac_addr", 0, 0, refuse, 0, 0, 0, N, NULL },
	{ "use_ipvlan", 0, 3, refuse, 0, 0, 0, N, NULL },
	{ "vrf", 1, 1, refuse, 0, 0, 0, N, NULL },
	{ "linkbeat_use_polling", 0, 0, refuse, 0, 0, 0, N,
	  "vrrpd follows links through netlink only" },
	{ "timer_expired_backup", 0, 0, refuse, 0, 0, 0, N, NULL },
	{ "garp_extra_if", 1, 2, set_xgarp, I(xgarp), 0, 0, N, NULL },
	{ "vmac_garp_intvl", 1, 2, set_xgarp, I(xgarp), 1, 0, N, NULL },
	{ "debug", 1, 1, set_u8, I(debug), 0, 4, N, NULL },
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
	{ "notify_priority_changes", 0, 1, set_bool, SG(notify_prio_changes), 0, 0, N, NULL },
	{ "sync_group_tracking_weight", 0, 0, refuse, 0, 0, 0, N, NULL },
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
	{ "interfaces", 0, 0, open_block, 0, 0, 0, BLK_GARP_IFS, NULL },
	{ NULL, 0, 0, NULL, 0, 0, 0, N, NULL }
};

const struct kw *const vrrp_conf_kw_tables[BLK_MAX] = {
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
		for (const struct kw *k = vrrp_conf_kw_tables[b]; k && k->name; k++)
			fn(arg, kw_block_names[b], k->name,
			   k->fn == refuse ? "not supported yet" :
			   k->fn == refuse_never ? "refused" :
			   k->fn == accept_noop || k->fn == noop_num ||
			   k->fn == fw_compat ?
			   "accepted, no effect" :
			   k->fn == always_on ? "supported, always on" :
			   "supported");
}
