/*
 * main.c - vrrpd: command line (keepalived's, VRRP part), pid files,
 * signals and configuration generations.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <ev.h>

#include "agentx.h"
#include "log.h"
#include "sdnotify.h"
#include "vrrp.h"
#include "vrrp_arp.h"
#include "vrrp_conf.h"
#include "vrrp_ctl.h"
#include "vrrp_log.h"
#include "vrrp_nft.h"
#include "vrrp_nl.h"
#include "vrrp_snmp.h"
#include "vrrp_static.h"
#include "vrrp_sys.h"
#include "vrrp_track.h"

#define VRRPD_VERSION	"0.1.0"

struct opts {
	const char *conf;
	const char *pidfile;
	const char *vrrp_pidfile;
	char config_id[256];
	int dont_fork;
	int log_console;
	int log_detail;
	int check;
	int keywords;
	const char *ctl_path;		/* --control-socket */
	int snmp;			/* -x */
	const char *snmp_socket;	/* -A */
};

/* The daemon: one environment and the running routers. */
struct vrrpd {
	struct vrrp_env env;
	struct opts *o;
	struct vrrp_conf *conf;
	struct vrrp_rt **rts;
	size_t nrts;
	struct vrrp_sync **groups;
	size_t ngroups;
	ev_signal sigterm, sigint, sighup;
	ev_timer stopping;		/* waits for graceful releases */
	struct vrrp_ctl *ctl;		/* the control socket */
	struct vrrp_nft *nft;		/* no_accept filtering */
	struct vrrp_snmp *snmp;		/* VRRPv3-MIB subagent */
	struct vrrp_log *log;		/* syslog targets, NULL on the console */
	ev_timer startup;		/* vrrp_startup_delay */
	int auto_prio;			/* max_auto_priority: real-time priority now */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vrrpd [OPTION...]\n"
"  -f, --use-file=FILE          configuration file (/etc/keepalived/keepalived.conf)\n"
"  -P, --vrrp                   VRRP only (always the case)\n"
"  -B, --no_bfd                 no BFD (always the case)\n"
"  -n, --dont-fork              stay in the foreground\n"
"  -l, --log-console            log to the console instead of syslog\n"
"  -D, --log-detail             detailed (debug) log messages\n"
"  -S, --log-facility=[0-7]     syslog facility local0..local7\n"
"  -p, --pid=FILE               pid file (/run/keepalived.pid)\n"
"  -r, --vrrp_pid=FILE          VRRP pid file (/run/vrrp.pid)\n"
"  -i, --config-id=ID           the name @ID lines match (default: hostname)\n"
"  -t, --config-test            check the configuration and exit 0 or 1\n"
"  -K, --keywords               list the configuration keywords and their status\n"
"      --control-socket=PATH    the control socket (else control_socket in global_defs)\n"
"  -x, --snmp                   serve VRRPv3-MIB through an AgentX master (snmpd)\n"
"  -A, --snmp-agent-socket=SOCK the AgentX master's socket (else snmp_socket)\n"
"  -R, --dont-respawn           accepted (vrrpd is one process)\n"
"  -v, --version                print the version\n"
"  -h, --help                   this help\n");
}

static const struct option longopts[] = {
	{ "use-file", required_argument, NULL, 'f' },
	{ "vrrp", no_argument, NULL, 'P' },
	{ "no_bfd", no_argument, NULL, 'B' },
	{ "dont-fork", no_argument, NULL, 'n' },
	{ "log-console", no_argument, NULL, 'l' },
	{ "log-detail", no_argument, NULL, 'D' },
	{ "log-facility", required_argument, NULL, 'S' },
	{ "pid", required_argument, NULL, 'p' },
	{ "vrrp_pid", required_argument, NULL, 'r' },
	{ "config-id", required_argument, NULL, 'i' },
	{ "config-test", optional_argument, NULL, 't' },
	{ "dont-respawn", no_argument, NULL, 'R' },
	{ "keywords", no_argument, NULL, 'K' },
	{ "control-socket", required_argument, NULL, 1000 },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "snmp", no_argument, NULL, 'x' },
	{ "snmp-agent-socket", required_argument, NULL, 'A' },
	{ "check", no_argument, NULL, 'C' },
	{ "checkers_pid", required_argument, NULL, 'c' },
	{ "bfd_pid", required_argument, NULL, 'b' },
	{ "dont-release-ipvs", no_argument, NULL, 'I' },
	{ "log-file", required_argument, NULL, 'g' },
	{ "dump-conf", no_argument, NULL, 'd' },
	{ "release-vips", no_argument, NULL, 'X' },
	{ "dont-release-vrrp", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Returns 0, or the exit code to leave with (1 error, 2 asked to quit). */
static int parse_args(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "f:PBnlDS:p:r:i:t::RKvhxA:Cc:b:Ig:dXV",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->conf = optarg; break;
		case 'P': case 'B': case 'R': break;
		case 'n': o->dont_fork = 1; break;
		case 'l': o->log_console = 1; break;
		case 'D': o->log_detail = 1; break;
		case 'S':
			if (optarg[0] < '0' || optarg[0] > '7' || optarg[1]) {
				fprintf(stderr, "vrrpd: --log-facility takes 0 to 7\n");
				return 1;
			}
			log_set_facility(LOG_LOCAL0 + ((optarg[0] - '0') << 3));
			break;
		case 'p': o->pidfile = optarg; break;
		case 1000:
			if (optarg[0] != '/') {
				fprintf(stderr, "vrrpd: --control-socket needs an "
					"absolute path\n");
				return 1;
			}
			o->ctl_path = optarg;
			break;
		case 'r': o->vrrp_pidfile = optarg; break;
		case 'i': snprintf(o->config_id, sizeof(o->config_id), "%s", optarg); break;
		case 't': o->check = 1; break;
		case 'K': o->keywords = 1; break;
		case 'v': printf("vrrpd " VRRPD_VERSION "\n"); return 2;
		case 'h': usage(stdout); return 2;
		case 'x': o->snmp = 1; break;
		case 'A':
			if (strlen(optarg) >= 128 || !agx_socket_valid(optarg)) {
				fprintf(stderr, "vrrpd: -A: '%s' is not an AgentX "
					"socket: /path, unix:/path or "
					"tcp:ADDRESS:PORT with a literal address\n",
					optarg);
				return 1;
			}
			o->snmp_socket = optarg;
			break;
		case 'C': case 'c': case 'I':
			fprintf(stderr, "vrrpd: -%c: this option is for keepalived's "
				"LVS checker; vrrpd only runs VRRP\n", c);
			return 1;
		case 'b':
			fprintf(stderr, "vrrpd: -b: this option is for keepalived's "
				"BFD process; vrrpd only runs VRRP\n");
			return 1;
		case 'g': case 'd': case 'X': case 'V':
			fprintf(stderr, "vrrpd: -%c: not supported yet\n", c);
			return 1;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vrrpd: unexpected argument '%s'\n", argv[optind]);
		return 1;
	}
	return 0;
}

static void print_kw(void *arg, const char *block, const char *kw,
		     const char *status)
{
	printf("%s\t%s\t%s\n", block, kw, status);
}

static void conf_msg(void *arg, int warning, const char *m)
{
	int *console = arg;

	if (*console)
		fprintf(stderr, "%s: %s\n", warning ? "warning" : "error", m);
	else if (warning)
		log_warnx("%s", m);
	else
		log_warnx("error: %s", m);
}

static struct vrrp_conf *load(struct opts *o, int check)
{
	int console = check || o->log_console || o->dont_fork;
	struct vrrp_conf_opts co = {
		.check_mode = check,
		.config_id = o->config_id,
		.allow_include = 1,
		.msg = conf_msg,
		.arg = &console,
	};

	return vrrp_conf_load(o->conf, &co);
}

static int write_pid(const char *path)
{
	FILE *f;

	if (!path)
		return 0;
	f = fopen(path, "w");
	if (!f) {
		log_warn("pid file %s", path);
		return -1;
	}
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f);
}

static struct vrrp_rt *rt_at(void *arg, size_t i)
{
	struct vrrpd *d = arg;

	return i < d->nrts ? d->rts[i] : NULL;
}

/* The service manager's status line: every instance and its state. */
static void status_notify(const struct vrrpd *d)
{
	char buf[512];
	size_t off = 0;

	for (size_t i = 0; i < d->nrts && off < sizeof(buf); i++) {
		int n = snprintf(buf + off, sizeof(buf) - off, "%s%s %s",
				 i ? ", " : "", vrrp_rt_name(d->rts[i]),
				 vrrp_state_names[vrrp_rt_state(d->rts[i])]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (off >= sizeof(buf))
		off = sizeof(buf) - 1;
	buf[off] = '\0';
	sdn_sendf("STATUS=%s", d->nrts ? buf : "no VRRP instance");
}

static void rt_changed(void *arg, struct vrrp_rt *rt)
{
	struct vrrpd *d = arg;

	vrrp_ctl_changed(d->ctl, rt);
	status_notify(d);
}

/* show info's lines about logging and SNMP */
static size_t info_lines(void *arg, char *buf, size_t len)
{
	struct vrrpd *d = arg;
	size_t n = 0;
	int w = snprintf(buf, len, "SentLogs: %llu\nDroppedLogs: %llu\n",
			 (unsigned long long)vrrp_log_sent(d->log),
			 (unsigned long long)vrrp_log_dropped(d->log));

	if (w > 0)
		n = (size_t)w < len ? (size_t)w : len - 1;
	w = snprintf(buf + n, len - n, "Snmp: %s\nSnmpNotificationsDropped: %llu\n",
		     !d->snmp ? "off" : vrrp_snmp_connected(d->snmp) ?
		     "connected" : "connecting",
		     (unsigned long long)vrrp_snmp_dropped(d->snmp));
	if (w > 0)
		n += (size_t)w < len - n ? (size_t)w : len - n - 1;
	return n;
}

/* --control-socket, else control_socket in global_defs */
static void ctl_start(struct vrrpd *d)
{
	const struct vrrp_conf_global *g = &d->conf->global;
	const char *path = d->o->ctl_path ? d->o->ctl_path : g->ctl_path;

	if (!*path)
		return;
	d->ctl = vrrp_ctl_new(d->env.loop, path, g->ctl_level, g->ctl_mode,
			      rt_at, d);
	if (!d->ctl)
		log_warnx("control socket %s not available", path);
	vrrp_ctl_set_info(d->ctl, info_lines, d);
}

static void rt_event(void *arg, struct vrrp_rt *rt, enum vrrp_rt_event ev)
{
	struct vrrpd *d = arg;

	vrrp_snmp_event(d->snmp, rt, ev);
}

/* -x, or enable_snmp_rfcv3; the socket from -A, else snmp_socket */
static void snmp_start(struct vrrpd *d)
{
	const struct vrrp_conf_global *g = &d->conf->global;
	const char *sock = d->o->snmp_socket ? d->o->snmp_socket : g->snmp_socket;

	if (!d->o->snmp && !g->snmp_rfcv3)
		return;
	d->snmp = vrrp_snmp_new(d->env.loop, *sock ? sock : NULL, rt_at, d);
	if (!d->snmp)
		fatalx("cannot start the SNMP subagent");
	vrrp_snmp_set_traps(d->snmp, g->snmp_traps);
	d->env.event = rt_event;
	d->env.event_arg = d;
}

static void timer_late(void *arg, double late_s)
{
	struct vrrpd *d = arg;

	vrrp_sys_late(&d->conf->global, late_s, &d->auto_prio);
}

static void track_changed(void *arg)
{
	struct vrrpd *d = arg;

	for (size_t i = 0; i < d->nrts; i++)
		vrrp_rt_track_update(d->rts[i]);
}

static int groups_build(struct vrrpd *d);
static void groups_free(struct vrrpd *d);

/* dynamic_interfaces: a router whose interface has appeared, or come back
 * under a new index, starts again from Initialize on it */
static void rts_follow_links(struct vrrpd *d)
{
	int moved = 0;

	for (size_t i = 0; d->conf->global.dynamic_interfaces && i < d->nrts; i++) {
		const struct vrrp_conf_instance *ci = vrrp_rt_conf(d->rts[i]);
		int now = vrrp_nl_ifindex(d->env.nl, ci->interface);
		int was = vrrp_rt_ifindex(d->rts[i]);

		if (now <= 0 || now == was)
			continue;
		log_notice("(%s) interface %s %s", ci->name, ci->interface,
			   was ? "was created again: restarting" : "exists now: starting");
		if (was)
			vrrp_rt_stop(d->rts[i], 0);
		vrrp_rt_free(d->rts[i]);
		d->rts[i] = vrrp_rt_new(&d->env, ci);
		if (!d->rts[i])
			fatalx("out of memory");
		if (vrrp_rt_start(d->rts[i]) != 0)
			log_warnx("(%s) not started", ci->name);
		moved = 1;
	}
	if (moved) {
		groups_free(d);
		if (groups_build(d) != 0)
			fatalx("out of memory");
	}
}

static void link_changed(void *arg, int ifindex, int up)
{
	rts_follow_links(arg);
	track_changed(arg);
}

static void groups_free(struct vrrpd *d)
{
	for (size_t i = 0; i < d->ngroups; i++)
		vrrp_sync_free(d->groups[i]);
	free(d->groups);
	d->groups = NULL;
	d->ngroups = 0;
}

static int groups_build(struct vrrpd *d)
{
	const struct vrrp_conf *c = d->conf;

	d->groups = calloc(c->ngroups + 1, sizeof(*d->groups));
	if (!d->groups)
		return -1;
	for (size_t g = 0; g < c->ngroups; g++) {
		const struct vrrp_conf_group *cg = &c->groups[g];
		struct vrrp_rt *m[VRRP_CONF_LIST_MAX];
		size_t n = 0;

		for (size_t i = 0; i < d->nrts; i++)
			if (vrrp_rt_conf(d->rts[i])->in_group == (int)g + 1 &&
			    n < VRRP_CONF_LIST_MAX)
				m[n++] = d->rts[i];
		d->groups[d->ngroups] = vrrp_sync_new(m, n, cg->name, cg->notify,
						      cg->notify_master,
						      cg->notify_backup,
						      cg->notify_fault);
		if (d->groups[d->ngroups])
			d->ngroups++;
	}
	return 0;
}

/* Routers for every instance of d->conf; old ones that match are kept. */
static int rts_build(struct vrrpd *d, struct vrrp_rt **old, size_t nold)
{
	const struct vrrp_conf *c = d->conf;

	d->rts = calloc(c->ninstances + 1, sizeof(*d->rts));
	if (!d->rts)
		return -1;
	d->nrts = 0;
	for (size_t i = 0; i < c->ninstances; i++) {
		const struct vrrp_conf_instance *ci = &c->instances[i];
		struct vrrp_rt *rt = NULL;

		for (size_t j = 0; j < nold; j++)
			if (old[j] && vrrp_rt_same(old[j], ci)) {
				rt = old[j];
				old[j] = NULL;
				vrrp_rt_reconf(rt, ci);
				break;
			}
		if (!rt) {
			rt = vrrp_rt_new(&d->env, ci);
			if (!rt)
				return -1;
			d->rts[d->nrts++] = rt;
			if (c->global.dynamic_interfaces &&
			    vrrp_nl_ifindex(d->env.nl, ci->interface) <= 0)
				log_notice("(%s) waiting for interface %s "
					   "(dynamic_interfaces)", ci->name, ci->interface);
			else if (vrrp_rt_start(rt) != 0)
				log_warnx("(%s) not started", ci->name);
			continue;
		}
		d->rts[d->nrts++] = rt;
	}
	return 0;
}

static void stop_all(struct vrrpd *d)
{
	for (size_t i = 0; i < d->nrts; i++)
		vrrp_rt_stop(d->rts[i], 0);
	groups_free(d);
	for (size_t i = 0; i < d->nrts; i++)
		vrrp_rt_free(d->rts[i]);
	free(d->rts);
	d->rts = NULL;
	d->nrts = 0;
}

/* polls until no router holds VIPs any more; each release is bounded */
static void vrrpd_stopping_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrpd *d = w->data;

	for (size_t i = 0; i < d->nrts; i++)
		if (vrrp_rt_releasing(d->rts[i]))
			return;
	ev_timer_stop(loop, w);
	stop_all(d);
	ev_break(loop, EVBREAK_ALL);
}

static void vrrpd_term_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct vrrpd *d = w->data;

	if (ev_is_active(&d->stopping)) {
		/* a second signal: leave now */
		ev_timer_stop(loop, &d->stopping);
		stop_all(d);
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	log_notice("Stopping");
	sdn_send("STOPPING=1\nSTATUS=releasing the virtual addresses");
	ev_signal_stop(loop, &d->sighup);
	ev_timer_stop(loop, &d->startup);
	for (size_t i = 0; i < d->nrts; i++)
		vrrp_rt_stop(d->rts[i], 1);
	groups_free(d);
	ev_timer_init(&d->stopping, vrrpd_stopping_cb, 0., 0.01);
	d->stopping.data = d;
	ev_timer_start(loop, &d->stopping);
}

static void vrrpd_hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct vrrpd *d = w->data;
	struct vrrp_conf *nc = load(d->o, 0), *oc = d->conf;
	struct vrrp_rt **old = d->rts;
	size_t nold = d->nrts;
	struct vrrp_track *ot = d->env.track;

	log_notice("Reloading configuration");
	if (nc && vrrp_sys_differs(&oc->global, &nc->global))
		log_warnx("process settings (vrrp_priority, vrrp_rt_priority, "
			  "vrrp_rlimit_rttime, vrrp_cpu_affinity, vrrp_no_swap, "
			  "umask, vrrp_process_name) changed: they apply at the "
			  "next start");
	sdn_reloading();
	ev_timer_stop(loop, &d->startup);
	if (!nc) {
		log_warnx("configuration has errors: keeping the running one");
		sdn_send("READY=1\nSTATUS=reload refused: the configuration has "
			 "errors; the previous one runs");
		return;
	}
	if (vrrp_nft_apply(d->nft, nc) != 0)
		log_warnx("no_accept filtering keeps its previous rules");
	vrrp_static_apply(d->env.nl, oc, nc);
	groups_free(d);
	d->conf = nc;
	d->env.conf = nc;
	vrrp_env_clear(&d->env);	/* pacing domains follow the new groups */
	d->env.track = vrrp_track_new(loop, nc, ot, track_changed, d);
	if (!d->env.track)
		fatalx("cannot start tracking");
	if (rts_build(d, old, nold) != 0)
		fatalx("out of memory");
	for (size_t j = 0; j < nold; j++)
		if (old[j]) {
			/* gone from the configuration, or changed too much
			 * to be kept (it starts again under the same name) */
			if (vrrp_conf_instance(nc, vrrp_rt_name(old[j])))
				vrrp_rt_stop(old[j], 0);
			else
				vrrp_rt_delete(old[j]);
			vrrp_rt_free(old[j]);
		}
	free(old);
	groups_build(d);
	vrrp_track_free(ot);
	vrrp_conf_free(oc);
	vrrp_snmp_set_traps(d->snmp, nc->global.snmp_traps);
	track_changed(d);
	if (nc->global.fifo_states_on_reload) {
		for (size_t i = 0; i < d->ngroups; i++)
			vrrp_sync_fifo_state(d->groups[i]);
		for (size_t i = 0; i < d->nrts; i++)
			vrrp_rt_fifo_state(d->rts[i]);
	}
	sdn_send("READY=1");
	status_notify(d);
}

static void vrrpd_startup_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrpd *d = w->data;

	if (rts_build(d, NULL, 0) != 0 || groups_build(d) != 0)
		fatalx("out of memory");
	status_notify(d);
}

static int run(struct opts *o, struct vrrp_conf *conf, struct vrrp_log *vlog)
{
	struct vrrpd d = { .o = o, .conf = conf, .log = vlog };
	struct ev_loop *loop = ev_default_loop(EVFLAG_AUTO);

	/* as keepalived: before anything else is set up, waited for */
	vrrp_track_run_wait(loop, &conf->global, VRRP_CONF_RUN_STARTUP);
	d.env.loop = loop;
	d.env.conf = conf;
	d.env.arp_fd = vrrp_arp_open();
	if (d.env.arp_fd < 0)
		fatal("AF_PACKET socket");
	d.env.nl = vrrp_nl_new(loop, link_changed, &d);
	if (!d.env.nl)
		fatalx("cannot start netlink");
	/* before any VIP is added: no_accept must never have a gap */
	d.nft = vrrp_nft_new();
	if (!d.nft || vrrp_nft_apply(d.nft, conf) != 0)
		fatalx("cannot set up no_accept filtering");
	vrrp_static_apply(d.env.nl, NULL, conf);
	d.env.track = vrrp_track_new(loop, conf, NULL, track_changed, &d);
	if (!d.env.track)
		fatalx("cannot start tracking");
	d.env.changed = rt_changed;
	d.env.changed_arg = &d;
	d.env.late = timer_late;
	d.env.late_arg = &d;
	ctl_start(&d);
	snmp_start(&d);
	ev_signal_init(&d.sigterm, vrrpd_term_cb, SIGTERM);
	ev_signal_init(&d.sigint, vrrpd_term_cb, SIGINT);
	ev_signal_init(&d.sighup, vrrpd_hup_cb, SIGHUP);
	d.sigterm.data = d.sigint.data = d.sighup.data = &d;
	ev_signal_start(loop, &d.sigterm);
	ev_signal_start(loop, &d.sigint);
	ev_signal_start(loop, &d.sighup);
	signal(SIGPIPE, SIG_IGN);
	log_notice("Starting VRRP daemon vrrpd " VRRPD_VERSION);
	ev_timer_init(&d.startup, vrrpd_startup_cb,
		      conf->global.startup_delay_ms / 1000.0, 0.);
	d.startup.data = &d;
	if (conf->global.startup_delay_ms) {
		log_notice("Delaying startup for %.3f seconds",
			   conf->global.startup_delay_ms / 1000.0);
		ev_timer_start(loop, &d.startup);
	} else {
		vrrpd_startup_cb(loop, &d.startup, 0);
	}
	/* sockets open, instances started (or their start-up delay running) */
	sdn_sendf("READY=1\nMAINPID=%ld", (long)getpid());
	ev_run(loop, 0);
	ev_timer_stop(loop, &d.startup);
	ev_timer_stop(loop, &d.stopping);
	stop_all(&d);
	vrrp_static_apply(d.env.nl, d.conf, NULL);
	vrrp_ctl_free(d.ctl, "exiting");
	vrrp_snmp_free(d.snmp);
	ev_signal_stop(loop, &d.sigterm);
	ev_signal_stop(loop, &d.sigint);
	ev_signal_stop(loop, &d.sighup);
	vrrp_track_free(d.env.track);
	vrrp_nft_free(d.nft);
	vrrp_env_clear(&d.env);
	vrrp_nl_free(d.env.nl);
	close(d.env.arp_fd);
	/* after everything stopped, the loop serving it alone */
	vrrp_track_run_wait(loop, &d.conf->global, VRRP_CONF_RUN_SHUTDOWN);
	vrrp_conf_free(d.conf);
	ev_loop_destroy(loop);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.conf = "/etc/keepalived/keepalived.conf",
	};
	struct vrrp_conf *conf;
	struct vrrp_log *vlog = NULL;
	int rc;

	if (gethostname(o.config_id, sizeof(o.config_id) - 1) != 0)
		o.config_id[0] = '\0';
	o.config_id[strcspn(o.config_id, ".")] = '\0';
	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc == 2 ? 0 : 1;
	if (o.keywords) {
		vrrp_conf_keywords(print_kw, NULL);
		return 0;
	}
	log_init("vrrpd", o.log_detail ? 2 : 1);
	conf = load(&o, o.check);
	if (o.check) {
		if (!conf)
			fprintf(stderr, "vrrpd: configuration %s has errors\n", o.conf);
		else
			fprintf(stderr, "vrrpd: configuration %s is valid\n", o.conf);
		vrrp_conf_free(conf);
		return conf ? 0 : 1;
	}
	if (!conf)
		return 1;
	sdn_init();
	if (!o.dont_fork && daemon(0, 0) != 0) {
		fprintf(stderr, "vrrpd: daemon: %s\n", strerror(errno));
		return 1;
	}
	if (!o.log_console) {
		vlog = vrrp_log_new(&conf->global, log_get_facility());
		if (!vlog)
			return 1;
	}
	/* after the fork (memory locks are not inherited), before the pid
	 * files (the umask applies to them) */
	vrrp_sys_apply(&conf->global);
	if (write_pid(o.pidfile) != 0 || write_pid(o.vrrp_pidfile) != 0)
		return 1;
	rc = run(&o, conf, vlog);
	vrrp_log_free(vlog);
	if (o.pidfile)
		unlink(o.pidfile);
	if (o.vrrp_pidfile)
		unlink(o.vrrp_pidfile);
	return rc;
}
