/*
 * vrrp_conf.h - the VRRP part of keepalived.conf: keyword tables, the
 * parsed configuration generation and its validation.
 *
 * A configuration is parsed whole into a struct vrrp_conf, validated as a
 * whole, then handed to the daemon, which never changes it: a reload parses
 * a new generation and swaps it in. Errors are reported as "file:line:
 * message" through a callback and parsing goes on to report every error.
 * Keywords that keepalived knows but vrrpd does not implement are refused
 * with "not supported yet"; unknown keywords are errors in check mode and
 * warnings otherwise (keepalived's own behaviour).
 */
#ifndef VRRPD_VRRP_CONF_H
#define VRRPD_VRRP_CONF_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "syslog.h"

enum {
	VRRP_CONF_NAME_MAX  = 64,	/* instance, script, group names */
	VRRP_CONF_LIST_MAX  = 256,	/* entries in one list block */
	VRRP_CONF_ITEMS_MAX = 4096,	/* instances, scripts, groups, files */
};

enum vrrp_conf_state {
	VRRP_CONF_STATE_BACKUP,		/* the default */
	VRRP_CONF_STATE_MASTER,
	VRRP_CONF_STATE_MAX
};
extern const char *const vrrp_conf_state_names[VRRP_CONF_STATE_MAX];

/* An address with its family (AF_INET or AF_INET6), network order. */
struct vrrp_conf_addr {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t b[16];
	} u;
};

/* One virtual_ipaddress line: ip[/prefix] [brd ADDR] [dev IF]
 * [scope SCOPE] [label LABEL]. */
struct vrrp_conf_vip {
	struct vrrp_conf_addr addr;
	uint8_t prefix;			/* 32/128 when not given */
	int has_brd;
	struct in_addr brd;
	char dev[IFNAMSIZ];		/* "" = the instance's interface */
	char label[IFNAMSIZ];		/* "" = none */
	uint8_t scope;			/* RT_SCOPE_*: universe by default */
};

/* A reference from an instance to a tracked object, with a weight that
 * overrides the object's own when has_weight is set. */
struct vrrp_conf_track {
	char name[VRRP_CONF_NAME_MAX];
	int weight;
	int has_weight;
	int reverse;
};

struct vrrp_conf_script {
	char name[VRRP_CONF_NAME_MAX];
	char *script;			/* command line, split at run time */
	uint32_t interval_ms;		/* default 1 s */
	uint32_t timeout_ms;		/* default: the interval */
	int weight;			/* -253..253; 0 = failure means FAULT */
	int reverse;
	uint32_t rise, fall;		/* default 1, 1 */
	int init_fail;
	char user[64];			/* "" = script_user / root */
	char group[64];
	char file[256];			/* where it was defined */
	int line;
};

struct vrrp_conf_file {
	char name[VRRP_CONF_NAME_MAX];
	char *path;
	int weight;			/* default 1 */
	int reverse;
	int has_init;
	long init_value;
	int init_overwrite;
	char file[256];
	int line;
};

/* vrrp_track_process: how the command line is compared (see docs). */
enum vrrp_conf_pmatch {
	VRRP_CONF_PMATCH_NAME,		/* the process name (comm) only */
	VRRP_CONF_PMATCH_EXACT,		/* argv[0] and every parameter */
	VRRP_CONF_PMATCH_PARTIAL,	/* the first n parameters, more allowed */
	VRRP_CONF_PMATCH_INITIAL,	/* as partial, the n-th a prefix */
	VRRP_CONF_PMATCH_COMMAND,	/* full_command: argv[0] only */
	VRRP_CONF_PMATCH_MAX
};

struct vrrp_conf_process {
	char name[VRRP_CONF_NAME_MAX];
	char *process;			/* process name or argv[0] */
	char **params;			/* the parameters to match */
	size_t nparams;
	enum vrrp_conf_pmatch match;	/* after validation */
	int has_param_match, param_match;	/* as written */
	int full_command;
	int weight;			/* default 1 */
	int reverse;
	uint32_t quorum;		/* default 1 */
	uint32_t quorum_max;		/* default UINT32_MAX: no maximum */
	uint32_t fork_delay_ms, terminate_delay_ms;
	char file[256];
	int line;
};

/* One virtual_routes line (see vrrp_conf_route.h). */
struct vrrp_conf_route {
	struct vrrp_conf_addr dst;
	uint8_t dst_len;
	uint8_t type;			/* RTN_UNICAST, _BLACKHOLE, ... */
	int has_src, has_via, has_metric, has_scope;
	struct vrrp_conf_addr src, via;
	char dev[IFNAMSIZ];		/* "" = none */
	uint8_t scope;
	uint32_t table;			/* default RT_TABLE_MAIN */
	uint32_t metric;
};

/* One virtual_rules line. */
struct vrrp_conf_rule {
	int family;
	int has_from, has_to, has_prio;
	struct vrrp_conf_addr from, to;
	uint8_t from_len, to_len;
	uint32_t table;
	uint32_t prio;
};

/* garp_group: announcement pacing shared by its interfaces ("interface"
 * and the "interfaces" list); UINT32_MAX = the global vrrp_garp_interval /
 * vrrp_gna_interval. */
#define VRRP_CONF_GARP_IFS	32
struct vrrp_conf_garp {
	char interface[IFNAMSIZ];
	char ifs[VRRP_CONF_GARP_IFS][IFNAMSIZ];
	size_t nifs;
	uint32_t garp_interval_us, gna_interval_us;
	char file[256];
	int line;
};

/* vrrp_track_lbd: lbd's health from its event stream (docs/events.md). */
struct vrrp_conf_lbd_backend {
	char name[VRRP_CONF_NAME_MAX];
	uint32_t min_up;		/* default 1 */
};

struct vrrp_conf_lbd {
	char name[VRRP_CONF_NAME_MAX];
	char socket[108];		/* lbd's stats socket (sun_path) */
	struct vrrp_conf_lbd_backend *backends;
	size_t nbackends;
	char (*frontends)[VRRP_CONF_NAME_MAX];
	size_t nfrontends;
	uint32_t hb_timeout_ms;		/* heartbeat_timeout, default 300 */
	int weight;			/* default 0: failure means FAULT */
	char file[256];
	int line;
};

/* garp_extra_if / vrrp_garp_extra_if [all] SECONDS: a Master announces
 * its VIPs on other interfaces that often (vrrp_xgarp.h); 0 = never, -1
 * in an instance = the global setting. Without "all" only the VIPs' own
 * VMACs are meant, which vrrpd does not create. */
struct vrrp_conf_xgarp {
	int32_t secs;
	int all;
};

/* old_unicast_checksum: keepalived's VRRPv3/IPv4 unicast checksum before
 * 1.3.6. AUTO sends today's form and switches to the old one when a peer
 * uses it; ON sends the old one; NEVER refuses adverts carrying it. */
enum { VRRP_OLD_CKSUM_AUTO, VRRP_OLD_CKSUM_ON, VRRP_OLD_CKSUM_NEVER };

struct vrrp_conf_instance {
	char name[VRRP_CONF_NAME_MAX];
	char file[256];
	int line;			/* of "vrrp_instance" */
	enum vrrp_conf_state state;
	char interface[IFNAMSIZ];
	uint8_t vrid;			/* 0 = not set (an error) */
	uint8_t priority;		/* default 100 */
	uint16_t advert_cs;		/* centiseconds; default 100 */
	uint8_t version;		/* 0 = global vrrp_version (2) */
	int family;			/* from the VIPs: AF_INET / AF_INET6 */
	int auth_type;			/* enum vrrp_pkt_auth */
	uint8_t auth_pass[8];
	size_t auth_len;
	struct vrrp_conf_vip *vips;
	size_t nvips;
	struct vrrp_conf_vip *vips_excluded;
	size_t nvips_excluded;
	struct vrrp_conf_track *track_scripts;
	size_t ntrack_scripts;
	struct vrrp_conf_track *track_ifs;
	size_t ntrack_ifs;
	struct vrrp_conf_track *track_files;
	size_t ntrack_files;
	struct vrrp_conf_track *track_lbds;
	size_t ntrack_lbds;
	struct vrrp_conf_track *track_procs;
	size_t ntrack_procs;
	struct vrrp_conf_route *routes;	/* virtual_routes */
	size_t nroutes;
	struct vrrp_conf_rule *rules;	/* virtual_rules */
	size_t nrules;
	struct vrrp_conf_addr *peers;	/* unicast_peer */
	size_t npeers;
	struct vrrp_conf_addr src;	/* unicast_src_ip / mcast_src_ip */
	int nopreempt;
	uint32_t preempt_delay_ms;
	int dont_track_primary;
	int skip_check_adv_addr;
	int v3_checksum_as_v2;
	int old_unicast_checksum;	/* VRRP_OLD_CKSUM_* */
	uint32_t down_timer_adverts;	/* default: the global one, 3 */
	/* garp settings; -1 = the global value */
	int32_t garp_delay_s, garp_repeat, garp_refresh_s, garp_refresh_repeat;
	int32_t garp_lower_delay_s, garp_lower_repeat;
	char *notify, *notify_master, *notify_backup, *notify_fault,
	     *notify_stop;
	char *notify_rx_lower;		/* notify_master_rx_lower_pri */
	char *notify_deleted;		/* NULL, or "" / a script: DELETED
					 * instead of FAULT when a reload
					 * removes the instance */
	int use_vmac;			/* VIPs on a macvlan with the VRRP MAC */
	char vmac_name[IFNAMSIZ];	/* default vrrp.VRID / vrrp6.VRID */
	int vmac_xmit_base;		/* adverts from the base interface */
	int fast_takeover;		/* a priority 0 advert: Master at once */
	int accept_set, accept;		/* accept / no_accept as written */
	int strict_set, strict;		/* strict_mode as written */
	int accept_mode;		/* after validation: 0 = filter the VIPs */
	int has_unicast_ttl;
	uint8_t unicast_ttl;		/* unicast_ttl: sent; received not checked */
	int in_group;			/* index + 1 of its sync group */
	/* -1 = as global_defs says; 0/1 once validated (vrrp_check.c) */
	int lower_prio_no_advert;	/* a lower priority advert: no reply */
	int higher_prio_send_advert;	/* a higher one: one advert first */
	int notify_prio_changes;	/* FIFO lines on priority changes */
	int unicast_fault_no_peer;	/* unicast without peers: FAULT */
	uint32_t rx_buf_size;		/* kernel_rx_buf_size, 0 = system's */
	int promote_secondaries;	/* set on the interface while running */
	uint8_t debug;			/* debug 0..4: its debug lines always */
	struct vrrp_conf_xgarp xgarp;	/* garp_extra_if, after validation
					 * with the global one applied */
	struct vrrp_conf_addr mcast_dst;	/* mcast_dst_ip; family 0 = the
						 * global vrrp_mcast_group4|6 */
};

struct vrrp_conf_group {
	char name[VRRP_CONF_NAME_MAX];
	char file[256];
	int line;
	char (*members)[VRRP_CONF_NAME_MAX];
	size_t nmembers;
	struct vrrp_conf_track *track_scripts;
	size_t ntrack_scripts;
	struct vrrp_conf_track *track_ifs;
	size_t ntrack_ifs;
	struct vrrp_conf_track *track_files;
	size_t ntrack_files;
	struct vrrp_conf_track *track_lbds;
	size_t ntrack_lbds;
	struct vrrp_conf_track *track_procs;
	size_t ntrack_procs;
	char *notify, *notify_master, *notify_backup, *notify_fault,
	     *notify_stop;
	int notify_prio_changes;	/* for its members, -1 = not said */
};

/* notify_fifo / vrrp_notify_fifo: a FIFO that gets one line per
 * transition, and the program started to read it. */
struct vrrp_conf_fifo {
	char *path;
	char user[64], group[64];	/* owner of a FIFO we create */
	char *script;			/* run with the FIFO's path appended */
	char script_user[64], script_group[64];
};

enum { VRRP_CONF_FIFO_ALL, VRRP_CONF_FIFO_VRRP, VRRP_CONF_FIFO_MAX };

/* startup_script / shutdown_script: run once before the instances start
 * and once after they stopped, waited for at most timeout_s. */
struct vrrp_conf_run {
	char *cmd;			/* NULL = none */
	char user[64], group[64];	/* "" = script_user's */
	uint32_t timeout_s;		/* *_script_timeout 1..1000, default 10 */
};

enum { VRRP_CONF_RUN_STARTUP, VRRP_CONF_RUN_SHUTDOWN, VRRP_CONF_RUN_MAX };

#define VRRP_CONF_SYSLOG_MAX	4
#define VRRP_CONF_CPUS		1024	/* vrrp_cpu_affinity: CPUs 0..1023 */

struct vrrp_conf_global {
	char router_id[64];
	uint8_t vrrp_version;		/* default 2 */
	uint32_t garp_delay_s;		/* vrrp_garp_master_delay, default 5 */
	uint32_t garp_repeat;		/* default 5 */
	uint32_t garp_refresh_s;	/* 0 = no refresh */
	uint32_t garp_refresh_repeat;	/* default 1 */
	/* after a lower priority advert; -1 = the master values */
	int32_t garp_lower_delay_s, garp_lower_repeat;
	uint32_t garp_interval_us;	/* between GARPs on an interface */
	uint32_t gna_interval_us;
	int skip_check_adv_addr;
	int strict;			/* vrrp_strict */
	struct vrrp_conf_addr mcast4;	/* vrrp_mcast_group4, 224.0.0.18 */
	struct vrrp_conf_addr mcast6;	/* vrrp_mcast_group6, ff02::12 */
	char nft_table[64];		/* nftables TABLE, default "vrrpd" */
	int32_t nft_priority;		/* nftables_priority, default -1 */
	int nft_counters;		/* nftables_counters */
	struct vrrp_conf_xgarp xgarp;	/* vrrp_garp_extra_if, default 0 */
	/* vrrp_iptables, vrrp_ipsets: where each was last written (line 0:
	 * not at all); vrrpd filters with nftables and says so at load */
	struct vrrp_conf_where {
		char file[256];
		int line;
	} fw_compat[2];
	char default_interface[IFNAMSIZ];	/* static addresses without dev */
	int dynamic_interfaces;		/* instances wait for their interface */
	int script_security;
	char script_user[64];
	char script_group[64];
	int process_priority;		/* vrrp_priority, -20..19 */
	int has_process_priority;
	int v3_checksum_as_v2;
	uint32_t down_timer_adverts;	/* vrrp_down_timer_adverts, 0 = 3 */
	uint32_t startup_delay_ms;	/* vrrp_startup_delay */
	struct vrrp_conf_fifo fifo[VRRP_CONF_FIFO_MAX];
	struct vrrp_conf_run run[VRRP_CONF_RUN_MAX];
	char ctl_path[108];		/* control_socket, "" = none */
	int ctl_level;			/* VRRP_CTL_*, default user */
	unsigned ctl_mode;		/* default 0600 */
	char snmp_socket[128];		/* snmp_socket, "" = net-snmp's default */
	int snmp_rfcv3;			/* enable_snmp_rfcv3: VRRPv3-MIB */
	int snmp_traps;			/* enable_traps */
	/* syslog_target lines (vrrp_log.c); none: /dev/log */
	struct slog_target syslog[VRRP_CONF_SYSLOG_MAX];
	size_t nsyslog;
	char log_tag[33];		/* syslog tag, default "vrrpd" (log_tag) */
	/* the instances' defaults; -1 = not set (lower_prio_no_advert then
	 * follows vrrp_strict) */
	int lower_prio_no_advert, higher_prio_send_advert;
	int notify_prio_changes;	/* vrrp_notify_priority_changes */
	int owner_ignore_adverts;	/* priority 255 drops every advert */
	int log_unknown_vrids;		/* log adverts for VRIDs not ours */
	int fifo_states_on_reload;	/* fifo_write_vrrp_states_on_reload */
	/* the process (vrrp_sys.c) */
	int no_swap;			/* vrrp_no_swap: mlockall */
	uint32_t rt_priority;		/* vrrp_rt_priority 1..99, 0 = none */
	uint32_t rlimit_rttime_us;	/* vrrp_rlimit_rttime, 0 = 10000 once
					 * real-time, else unchanged */
	int max_auto_priority;		/* 1..99: real-time when late; else off */
	uint32_t min_auto_prio_delay_us;	/* how late, default 1 s */
	uint64_t cpus[VRRP_CONF_CPUS / 64];	/* vrrp_cpu_affinity */
	int has_cpus;
	int has_umask;
	unsigned umask;			/* umask, 0..0777 */
	char process_name[16];		/* vrrp_process_name, "" = as started */
	int pname_strong;		/* it came from vrrp_process_name */
};

struct vrrp_conf {
	struct vrrp_conf_global global;
	struct vrrp_conf_instance *instances;
	size_t ninstances;
	struct vrrp_conf_script *scripts;
	size_t nscripts;
	struct vrrp_conf_file *files;
	size_t nfiles;
	struct vrrp_conf_group *groups;
	size_t ngroups;
	struct vrrp_conf_lbd *lbds;
	size_t nlbds;
	struct vrrp_conf_process *procs;
	size_t nprocs;
	struct vrrp_conf_garp *garps;
	size_t ngarps;
	/* static_ipaddress, static_routes, static_rules: set while vrrpd
	 * runs, whatever the instances' states (vrrp_static.c) */
	struct vrrp_conf_vip *static_vips;
	size_t nstatic_vips;
	struct vrrp_conf_route *static_routes;
	size_t nstatic_routes;
	struct vrrp_conf_rule *static_rules;
	size_t nstatic_rules;
};

/* A message for the user: "file:line: text"; warning is 1 for warnings
 * (which do not fail the configuration), 0 for errors. */
typedef void (*vrrp_conf_msg_fn)(void *arg, int warning, const char *msg);

struct vrrp_conf_opts {
	int check_mode;			/* unknown keywords are errors */
	const char *config_id;		/* for @id lines */
	int allow_include;
	vrrp_conf_msg_fn msg;
	void *arg;
};

/* Parse and validate the configuration file at path. Returns a new
 * configuration (free with vrrp_conf_free), or NULL after reporting every
 * error through opts->msg. */
struct vrrp_conf *vrrp_conf_load(const char *path,
				 const struct vrrp_conf_opts *opts);

/* Same for text in memory; name is used in messages. */
struct vrrp_conf *vrrp_conf_load_buf(const char *name, const char *buf,
				     size_t len,
				     const struct vrrp_conf_opts *opts);

/* Free a configuration; NULL is a no-op. */
void vrrp_conf_free(struct vrrp_conf *c);

/* The instance's VRRP version after defaults (2 or 3). */
int vrrp_conf_version(const struct vrrp_conf *c,
		      const struct vrrp_conf_instance *vi);

/* The multicast group vi's adverts go to and are heard on: its
 * mcast_dst_ip, else the global vrrp_mcast_group4|6 of its family. */
const struct vrrp_conf_addr *vrrp_conf_mcast(const struct vrrp_conf *c,
					     const struct vrrp_conf_instance *vi);

/* Lookups by name; NULL when absent. */
const struct vrrp_conf_script *vrrp_conf_script(const struct vrrp_conf *c,
						const char *name);
const struct vrrp_conf_file *vrrp_conf_file(const struct vrrp_conf *c,
					    const char *name);
const struct vrrp_conf_instance *vrrp_conf_instance(const struct vrrp_conf *c,
						    const char *name);
const struct vrrp_conf_lbd *vrrp_conf_lbd(const struct vrrp_conf *c,
					  const char *name);
const struct vrrp_conf_process *vrrp_conf_process(const struct vrrp_conf *c,
						  const char *name);

/* The garp_group of interface ifname, or NULL. */
const struct vrrp_conf_garp *vrrp_conf_garp(const struct vrrp_conf *c,
					    const char *ifname);

/* Every keyword of every block, with its status: "supported", "not
 * supported yet", "refused" (belongs to keepalived's LVS/BFD/mail parts)
 * or "accepted, no effect". The documentation's table is checked
 * against this list. */
typedef void (*vrrp_conf_kw_fn)(void *arg, const char *block,
				const char *keyword, const char *status);
void vrrp_conf_keywords(vrrp_conf_kw_fn fn, void *arg);

/* Parse a keepalived decimal time in seconds ("1", "0.1", "2.75") into
 * units of 1/scale seconds (scale 100: centiseconds; 1000: ms; 1000000:
 * us), refusing more decimals than the scale holds, signs and values above
 * max (in units). Returns 0 or -1. */
int vrrp_conf_parse_secs(const char *s, uint32_t scale, uint64_t max,
			 uint64_t *out);

/* Parse a scope name (global, site, link, host, nowhere) or number
 * 0..255 into an RT_SCOPE_* value. Returns 0 or -1. */
int vrrp_conf_parse_scope(const char *s, uint8_t *scope);

/* Parse "addr[/prefix]" of either family. Returns 0 or -1. */
int vrrp_conf_parse_prefix(const char *s, struct vrrp_conf_addr *a,
			   uint8_t *prefix, int *has_prefix);

#endif
