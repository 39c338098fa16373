/*
 * vrrp_check.c - whole-configuration checks (see vrrp_check.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "vrrp_check.h"
#include "vrrp_conf.h"
#include "vrrp_packet.h"

struct check {
	struct vrrp_conf *c;
	vrrp_conf_msg_fn fn;
	void *arg;
	const char *file;
	int line;
	int errors;
};

static void report(struct check *p, int warning, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(struct check *p, int warning, const char *fmt, ...)
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
	if (p->fn)
		p->fn(p->arg, warning, buf);
}

static void check_tracks(struct check *p, const struct vrrp_conf_instance *vi)
{
	for (size_t i = 0; i < vi->ntrack_scripts; i++)
		if (!vrrp_conf_script(p->c, vi->track_scripts[i].name))
			report(p, 0, "(%s) track_script '%s' is not a vrrp_script",
			    vi->name, vi->track_scripts[i].name);
	for (size_t i = 0; i < vi->ntrack_files; i++)
		if (!vrrp_conf_file(p->c, vi->track_files[i].name))
			report(p, 0, "(%s) track_file '%s' is not a vrrp_track_file",
			    vi->name, vi->track_files[i].name);
	for (size_t i = 0; i < vi->ntrack_lbds; i++)
		if (!vrrp_conf_lbd(p->c, vi->track_lbds[i].name))
			report(p, 0, "(%s) track_lbd '%s' is not a vrrp_track_lbd",
			    vi->name, vi->track_lbds[i].name);
	for (size_t i = 0; i < vi->ntrack_procs; i++)
		if (!vrrp_conf_process(p->c, vi->track_procs[i].name))
			report(p, 0, "(%s) track_process '%s' is not a "
			       "vrrp_track_process", vi->name,
			       vi->track_procs[i].name);
}

static void check_family(struct check *p, struct vrrp_conf_instance *vi)
{
	if (vi->nvips == 0) {
		report(p, 0, "(%s) no virtual_ipaddress", vi->name);
		return;
	}
	if (!vi->family)
		vi->family = vi->vips[0].addr.family;
	for (size_t i = 0; i < vi->nvips; i++)
		if (vi->vips[i].addr.family != vi->family) {
			report(p, 0, "(%s) virtual_ipaddress mixes IPv4 and IPv6 "
			    "(use virtual_ipaddress_excluded or two instances)",
			    vi->name);
			return;
		}
	for (size_t i = 0; i < vi->npeers; i++)
		if (vi->peers[i].family != vi->family)
			report(p, 0, "(%s) unicast_peer of the other address family",
			    vi->name);
	if (vi->src.family && vi->src.family != vi->family)
		report(p, 0, "(%s) unicast_src_ip of the other address family",
		    vi->name);
}

/* vrrp_strict / strict_mode: the combinations keepalived refuses, and
 * accept mode only for the address owner unless asked for */
static void check_strict(struct check *p, struct vrrp_conf_instance *vi,
			 int version)
{
	const struct vrrp_conf_global *g = &p->c->global;
	int strict = vi->strict_set ? vi->strict : g->strict;

	vi->accept_mode = vi->accept_set ? vi->accept :
			  strict ? vi->priority == 255 : 1;
	/* as written here, else in global_defs, else what strict implies */
	if (vi->lower_prio_no_advert < 0)
		vi->lower_prio_no_advert = g->lower_prio_no_advert >= 0 ?
					   g->lower_prio_no_advert : strict;
	if (vi->higher_prio_send_advert < 0)
		vi->higher_prio_send_advert = g->higher_prio_send_advert > 0;
	if (!strict)
		return;
	if (!vi->lower_prio_no_advert)
		report(p, 0, "(%s) vrrp_strict: lower_prio_no_advert cannot be "
		       "cleared", vi->name);
	if (vi->higher_prio_send_advert)
		report(p, 0, "(%s) vrrp_strict: higher_prio_send_advert is not "
		       "allowed", vi->name);
	if (vi->npeers)
		report(p, 0, "(%s) vrrp_strict: unicast_peer is not allowed",
		       vi->name);
	if (vi->auth_type != VRRP_PKT_AUTH_NONE)
		report(p, 0, "(%s) vrrp_strict: authentication is not allowed",
		       vi->name);
	if (vi->preempt_delay_ms)
		report(p, 0, "(%s) vrrp_strict: preempt_delay is not allowed",
		       vi->name);
	if ((vi->state == VRRP_CONF_STATE_MASTER) != (vi->priority == 255))
		report(p, 0, "(%s) vrrp_strict: state MASTER goes with priority "
		       "255 and only with it", vi->name);
	if (version == 2 && vi->accept_set && vi->accept)
		report(p, 0, "(%s) vrrp_strict: accept mode cannot be set for "
		       "VRRPv2", vi->name);
	if (vi->vmac_xmit_base)
		report(p, 0, "(%s) vrrp_strict: vmac_xmit_base is not allowed",
		       vi->name);
	if (vi->family == AF_INET6 && vi->nvips &&
	    !IN6_IS_ADDR_LINKLOCAL(&vi->vips[0].addr.u.v6))
		report(p, 0, "(%s) vrrp_strict: the first IPv6 virtual_ipaddress "
		       "must be link-local (RFC 5798 5.2.9)", vi->name);
}

static void check_instance(struct check *p, struct vrrp_conf_instance *vi)
{
	int version;

	p->file = vi->file;
	p->line = vi->line;
	if (!vi->down_timer_adverts)
		vi->down_timer_adverts = p->c->global.down_timer_adverts ?
					 p->c->global.down_timer_adverts : 3;
	if (!vi->interface[0])
		report(p, 0, "(%s) no interface", vi->name);
	if (!vi->vrid)
		report(p, 0, "(%s) no virtual_router_id", vi->name);
	check_family(p, vi);
	version = vrrp_conf_version(p->c, vi);
	if (version == 2 && vi->family == AF_INET6)
		report(p, 0, "(%s) VRRPv2 carries IPv4 only: use version 3 for IPv6",
		    vi->name);
	if (version == 2 && vi->advert_cs % 100)
		report(p, 0, "(%s) VRRPv2 advert_int is whole seconds (%u.%02u "
		    "given); use version 3 for sub-second intervals", vi->name,
		    vi->advert_cs / 100, vi->advert_cs % 100);
	if (version == 3 && vi->advert_cs > VRRP_PKT_V3_INT_MAX)
		report(p, 0, "(%s) VRRPv3 advert_int is at most 40.95 seconds",
		    vi->name);
	if (version == 3 && vi->auth_type != VRRP_PKT_AUTH_NONE)
		report(p, 0, "(%s) authentication is VRRPv2 only (RFC 5798 "
		    "removed it)", vi->name);
	if (vi->auth_type == VRRP_PKT_AUTH_PASS && vi->auth_len == 0)
		report(p, 0, "(%s) auth_type PASS without auth_pass", vi->name);
	check_strict(p, vi, version);
	if (vi->xgarp.secs < 0)
		vi->xgarp = p->c->global.xgarp;
	if (vi->mcast_dst.family && vi->family &&
	    vi->mcast_dst.family != vi->family)
		report(p, 0, "(%s) mcast_dst_ip is not of the instance's address "
		       "family", vi->name);
	if (vi->mcast_dst.family && vi->npeers)
		report(p, 1, "(%s) mcast_dst_ip has no effect with unicast_peer",
		       vi->name);
	if (vi->has_unicast_ttl && !vi->npeers)
		report(p, 0, "(%s) unicast_ttl without unicast_peer", vi->name);
	if (vi->priority == 255 && vi->nopreempt)
		report(p, 1, "(%s) nopreempt has no effect at priority 255",
		    vi->name);
	if (vi->use_vmac && !vi->vmac_name[0] && vi->vrid)
		snprintf(vi->vmac_name, sizeof(vi->vmac_name), "%s.%u",
			 vi->family == AF_INET6 ? "vrrp6" : "vrrp", vi->vrid);
	if (vi->use_vmac && strcmp(vi->vmac_name, vi->interface) == 0)
		report(p, 0, "(%s) use_vmac: the VMAC cannot be the interface "
		       "itself", vi->name);
	if (vi->vmac_xmit_base && !vi->use_vmac)
		report(p, 0, "(%s) vmac_xmit_base without use_vmac", vi->name);
	check_tracks(p, vi);
	for (size_t i = 0; i < p->c->ninstances; i++) {
		const struct vrrp_conf_instance *o = &p->c->instances[i];

		if (o == vi)
			break;
		if (o->vrid == vi->vrid && o->family == vi->family &&
		    strcmp(o->interface, vi->interface) == 0 && vi->vrid)
			report(p, 0, "(%s) virtual_router_id %u on %s is already "
			    "used by %s", vi->name, vi->vrid, vi->interface,
			    o->name);
	}
}

/* Append the group's tracked objects to a member's, unless it tracks the
 * same name already (its own entry, with its own weight, wins). */
static int merge_tracks(struct vrrp_conf_track **dst, size_t *ndst,
			const struct vrrp_conf_track *src, size_t nsrc)
{
	for (size_t i = 0; i < nsrc; i++) {
		struct vrrp_conf_track *na;
		size_t j;

		for (j = 0; j < *ndst; j++)
			if (strcmp((*dst)[j].name, src[i].name) == 0)
				break;
		if (j < *ndst)
			continue;
		na = realloc(*dst, (*ndst + 1) * sizeof(**dst));
		if (!na)
			return -1;
		*dst = na;
		na[(*ndst)++] = src[i];
	}
	return 0;
}

static void group_tracks(struct check *p, const struct vrrp_conf_group *grp,
			 struct vrrp_conf_instance *vi)
{
	for (size_t i = 0; i < grp->ntrack_scripts; i++)
		if (!vrrp_conf_script(p->c, grp->track_scripts[i].name)) {
			report(p, 0, "vrrp_sync_group %s: track_script '%s' is "
			       "not a vrrp_script", grp->name,
			       grp->track_scripts[i].name);
			return;
		}
	for (size_t i = 0; i < grp->ntrack_files; i++)
		if (!vrrp_conf_file(p->c, grp->track_files[i].name)) {
			report(p, 0, "vrrp_sync_group %s: track_file '%s' is "
			       "not a vrrp_track_file", grp->name,
			       grp->track_files[i].name);
			return;
		}
	for (size_t i = 0; i < grp->ntrack_lbds; i++)
		if (!vrrp_conf_lbd(p->c, grp->track_lbds[i].name)) {
			report(p, 0, "vrrp_sync_group %s: track_lbd '%s' is "
			       "not a vrrp_track_lbd", grp->name,
			       grp->track_lbds[i].name);
			return;
		}
	for (size_t i = 0; i < grp->ntrack_procs; i++)
		if (!vrrp_conf_process(p->c, grp->track_procs[i].name)) {
			report(p, 0, "vrrp_sync_group %s: track_process '%s' is "
			       "not a vrrp_track_process", grp->name,
			       grp->track_procs[i].name);
			return;
		}
	if (merge_tracks(&vi->track_scripts, &vi->ntrack_scripts,
			 grp->track_scripts, grp->ntrack_scripts) ||
	    merge_tracks(&vi->track_ifs, &vi->ntrack_ifs, grp->track_ifs,
			 grp->ntrack_ifs) ||
	    merge_tracks(&vi->track_files, &vi->ntrack_files,
			 grp->track_files, grp->ntrack_files) ||
	    merge_tracks(&vi->track_lbds, &vi->ntrack_lbds,
			 grp->track_lbds, grp->ntrack_lbds) ||
	    merge_tracks(&vi->track_procs, &vi->ntrack_procs,
			 grp->track_procs, grp->ntrack_procs))
		report(p, 0, "out of memory");
}

static void check_groups(struct check *p)
{
	for (size_t g = 0; g < p->c->ngroups; g++) {
		struct vrrp_conf_group *grp = &p->c->groups[g];

		p->file = grp->file;
		p->line = grp->line;
		if (grp->nmembers == 0)
			report(p, 0, "vrrp_sync_group %s: no group members",
			    grp->name);
		for (size_t m = 0; m < grp->nmembers; m++) {
			struct vrrp_conf_instance *vi = (struct vrrp_conf_instance *)
				vrrp_conf_instance(p->c, grp->members[m]);

			if (!vi) {
				report(p, 0, "vrrp_sync_group %s: '%s' is not a "
				    "vrrp_instance", grp->name, grp->members[m]);
				continue;
			}
			if (vi->in_group) {
				report(p, 0, "vrrp_sync_group %s: %s is already in "
				    "vrrp_sync_group %s", grp->name, vi->name,
				    p->c->groups[vi->in_group - 1].name);
				continue;
			}
			vi->in_group = (int)g + 1;
			group_tracks(p, grp, vi);
			if (vi->notify_prio_changes < 0)
				vi->notify_prio_changes = grp->notify_prio_changes;
		}
	}
}

/* vrrp_track_process: what is compared, from what was written */
static void check_process(struct check *p, struct vrrp_conf_process *pr)
{
	p->file = pr->file;
	p->line = pr->line;
	if (!pr->process) {
		report(p, 0, "vrrp_track_process %s: no process", pr->name);
		return;
	}
	if (pr->quorum > pr->quorum_max)
		report(p, 0, "vrrp_track_process %s: quorum %u above quorum_max "
		       "%u", pr->name, pr->quorum, pr->quorum_max);
	if (pr->has_param_match)
		pr->match = pr->param_match;
	else if (pr->nparams)
		pr->match = VRRP_CONF_PMATCH_EXACT;
	else if (pr->full_command)
		pr->match = VRRP_CONF_PMATCH_COMMAND;
	else
		pr->match = VRRP_CONF_PMATCH_NAME;
	if (pr->match == VRRP_CONF_PMATCH_INITIAL && pr->nparams == 0)
		report(p, 0, "vrrp_track_process %s: param_match initial needs "
		       "at least one parameter", pr->name);
	if (pr->match == VRRP_CONF_PMATCH_NAME && strlen(pr->process) > 15)
		report(p, 1, "vrrp_track_process %s: the kernel keeps 15 "
		       "characters of a process name; only '%.15s' is compared "
		       "(full_command compares the whole argv[0])", pr->name,
		       pr->process);
}

static void check_garps(struct check *p)
{
	for (size_t i = 0; i < p->c->ngarps; i++) {
		const struct vrrp_conf_garp *g = &p->c->garps[i];

		p->file = g->file;
		p->line = g->line;
		if (!g->interface[0] && !g->nifs)
			report(p, 0, "garp_group: no interface");
		if (g->interface[0] && vrrp_conf_garp(p->c, g->interface) != g)
			report(p, 0, "garp_group: interface %s is in another "
			       "garp_group", g->interface);
		for (size_t j = 0; j < g->nifs; j++)
			if (vrrp_conf_garp(p->c, g->ifs[j]) != g)
				report(p, 0, "garp_group: interface %s is in another "
				       "garp_group", g->ifs[j]);
	}
}

/* vrrp_iptables / vrrp_ipsets: what vrrpd does instead */
static void check_fw_compat(struct check *p)
{
	static const char *const kw[2] = { "vrrp_iptables", "vrrp_ipsets" };

	for (int i = 0; i < 2; i++) {
		const struct vrrp_conf_where *w = &p->c->global.fw_compat[i];

		if (!w->line)
			continue;
		p->file = w->file;
		p->line = w->line;
		report(p, 1, "%s: not used: vrrpd filters with nftables instead, "
		       "table inet %s (what is addressed to the VIPs of no_accept "
		       "and strict instances is dropped on input)", kw[i],
		       p->c->global.nft_table);
	}
}

static void check_all(struct check *p)
{
	check_fw_compat(p);
	check_garps(p);
	for (size_t i = 0; i < p->c->nprocs; i++)
		check_process(p, &p->c->procs[i]);
	for (size_t i = 0; i < p->c->nscripts; i++) {
		struct vrrp_conf_script *s = &p->c->scripts[i];

		p->file = s->file;
		p->line = s->line;
		if (!s->script)
			report(p, 0, "vrrp_script %s: no script", s->name);
		if (!s->timeout_ms)
			s->timeout_ms = s->interval_ms;
		if (s->interval_ms == 0)
			report(p, 0, "vrrp_script %s: interval 0", s->name);
	}
	for (int i = 0; i < VRRP_CONF_FIFO_MAX; i++) {
		const struct vrrp_conf_fifo *f = &p->c->global.fifo[i];

		if (f->script && !f->path)
			report(p, 0, "global_defs: a notify FIFO script without its FIFO");
	}
	if (p->c->global.fifo[0].path && p->c->global.fifo[1].path &&
	    strcmp(p->c->global.fifo[0].path, p->c->global.fifo[1].path) == 0)
		report(p, 0, "global_defs: notify_fifo and vrrp_notify_fifo must differ");
	for (size_t i = 0; i < p->c->nfiles; i++) {
		p->file = p->c->files[i].file;
		p->line = p->c->files[i].line;
		if (!p->c->files[i].path)
			report(p, 0, "vrrp_track_file %s: no file", p->c->files[i].name);
	}
	for (size_t i = 0; i < p->c->nlbds; i++) {
		p->file = p->c->lbds[i].file;
		p->line = p->c->lbds[i].line;
		if (!p->c->lbds[i].socket[0])
			report(p, 0, "vrrp_track_lbd %s: no socket", p->c->lbds[i].name);
	}
	for (size_t i = 0; i < p->c->ninstances; i++)
		check_instance(p, &p->c->instances[i]);
	check_groups(p);
	for (size_t i = 0; i < p->c->ninstances; i++) {
		struct vrrp_conf_instance *vi = &p->c->instances[i];

		if (vi->notify_prio_changes < 0)
			vi->notify_prio_changes = p->c->global.notify_prio_changes;
	}
}


int vrrp_check_conf(struct vrrp_conf *c, vrrp_conf_msg_fn fn, void *arg)
{
	struct check ck = { .c = c, .fn = fn, .arg = arg, .file = "?" };

	check_all(&ck);
	return ck.errors;
}
