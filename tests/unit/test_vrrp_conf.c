/*
 * test_vrrp_conf.c - keepalived.conf parsing: keywords, defaults, errors
 * with file:line, refusals, the preprocessor ($PARAM, @id, ~SEQ, multi-line
 * definitions), whole-configuration checks, and the RFC 5798 timer
 * formulas. Every text is parsed from a copy that ends at an unmapped page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "guard.h"
#include "vrrp.h"
#include "vrrp_conf.h"
#include "vrrp_nft.h"
#include "vrrp_packet.h"
#include "vrrp_proc.h"

struct msgs {
	char text[8192];
	int errors, warnings;
};

static void collect(void *arg, int warning, const char *m)
{
	struct msgs *ms = arg;
	size_t l = strlen(ms->text);

	snprintf(ms->text + l, sizeof(ms->text) - l, "%s%s\n",
		 warning ? "W " : "E ", m);
	if (warning)
		ms->warnings++;
	else
		ms->errors++;
}

static struct vrrp_conf *load(const char *text, int check, struct msgs *ms)
{
	struct guard_buf g;
	char *buf;
	struct vrrp_conf_opts o = {
		.check_mode = check,
		.config_id = "node1",
		.allow_include = 0,
		.msg = collect,
		.arg = ms,
	};
	struct vrrp_conf *c;

	memset(ms, 0, sizeof(*ms));
	buf = guard_copy(&g, text, strlen(text));
	assert_non_null(buf);
	c = vrrp_conf_load_buf("t.conf", buf, strlen(text), &o);
	guard_free(&g);
	return c;
}

static const char *seed =
	"vrrp_script chk_haproxy {\n"
	"script \"/usr/bin/test -S /run/lbd/admin.sock\"\n"
	"interval 2\n"
	"weight 2\n"
	"}\n"
	"vrrp_instance VI_1 {\n"
	"state MASTER\n"
	"interface veth0\n"
	"virtual_router_id 51\n"
	"priority 101\n"
	"advert_int 1\n"
	"authentication {\n"
	"auth_type PASS\n"
	"auth_pass SecurePassword123!\n"
	"}\n"
	"virtual_ipaddress {\n"
	"192.0.2.100/24\n"
	"}\n"
	"track_script {\n"
	"chk_haproxy\n"
	"}\n"
	"notify_master \"/usr/local/bin/notify_master.sh\"\n"
	"notify_backup \"/usr/local/bin/notify_backup.sh\"\n"
	"notify_fault \"/usr/local/bin/notify_fault.sh\"\n"
	"}\n";

static void test_seed(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(seed, 1, &ms);
	const struct vrrp_conf_instance *vi;
	const struct vrrp_conf_script *s;

	assert_non_null(c);
	assert_int_equal(ms.errors, 0);
	assert_int_equal(c->ninstances, 1);
	vi = &c->instances[0];
	assert_string_equal(vi->name, "VI_1");
	assert_int_equal(vi->state, VRRP_CONF_STATE_MASTER);
	assert_string_equal(vi->interface, "veth0");
	assert_int_equal(vi->vrid, 51);
	assert_int_equal(vi->priority, 101);
	assert_int_equal(vi->advert_cs, 100);
	assert_int_equal(vrrp_conf_version(c, vi), 2);
	assert_int_equal(vi->auth_type, VRRP_PKT_AUTH_PASS);
	/* '!' starts a comment, and only 8 bytes are kept */
	assert_memory_equal(vi->auth_pass, "SecurePa", 8);
	assert_int_equal(ms.warnings, 1);
	assert_int_equal(vi->nvips, 1);
	assert_int_equal(vi->vips[0].prefix, 24);
	assert_int_equal(vi->family, AF_INET);
	assert_string_equal(vi->notify_master, "/usr/local/bin/notify_master.sh");
	s = vrrp_conf_script(c, "chk_haproxy");
	assert_non_null(s);
	assert_string_equal(s->script, "/usr/bin/test -S /run/lbd/admin.sock");
	assert_int_equal(s->interval_ms, 2000);
	assert_int_equal(s->timeout_ms, 2000);
	assert_int_equal(s->weight, 2);
	assert_int_equal(vi->ntrack_scripts, 1);
	vrrp_conf_free(c);
}

static void test_defaults_and_v3(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"global_defs {\n vrrp_version 3\n vrrp_garp_interval 0.001\n"
		" vrrp_down_timer_adverts 5\n"
		" vrrp_min_garp\n vrrp_garp_master_repeat 3\n"
		" vrrp_startup_delay 5.5\n"
		" vrrp_garp_lower_prio_repeat 2\n"
		" vrrp_notify_fifo /run/vrrp.fifo nobody nogroup\n"
		" vrrp_notify_fifo_script \"/usr/bin/reader -x\"\n}\n"
		"vrrp_instance V6 {\n interface eth0\n virtual_router_id 7\n"
		" advert_int 0.05\n virtual_ipaddress {\n"
		"  2001:db8::1/64 dev eth1 scope link label x\n"
		"  fe80::1\n }\n nopreempt\n preempt_delay 2.5\n use_vmac\n}\n", 1, &ms);
	const struct vrrp_conf_instance *vi;

	assert_non_null(c);
	vi = &c->instances[0];
	assert_int_equal(vi->state, VRRP_CONF_STATE_BACKUP);
	assert_int_equal(vi->priority, 100);
	assert_int_equal(vi->advert_cs, 5);
	assert_int_equal(vi->family, AF_INET6);
	assert_int_equal(vrrp_conf_version(c, vi), 3);
	assert_int_equal(vi->vips[0].prefix, 64);
	assert_string_equal(vi->vips[0].dev, "eth1");
	assert_string_equal(vi->vips[0].label, "x");
	assert_int_equal(vi->vips[0].scope, RT_SCOPE_LINK);
	assert_int_equal(vi->vips[1].prefix, 128);
	assert_int_equal(vi->nopreempt, 1);
	assert_int_equal(vi->use_vmac, 1);
	assert_string_equal(vi->vmac_name, "vrrp6.7");
	assert_int_equal(vi->preempt_delay_ms, 2500);
	assert_int_equal(vi->down_timer_adverts, 5);
	assert_string_equal(c->global.fifo[VRRP_CONF_FIFO_VRRP].path, "/run/vrrp.fifo");
	assert_string_equal(c->global.fifo[VRRP_CONF_FIFO_VRRP].user, "nobody");
	assert_string_equal(c->global.fifo[VRRP_CONF_FIFO_VRRP].group, "nogroup");
	assert_string_equal(c->global.fifo[VRRP_CONF_FIFO_VRRP].script, "/usr/bin/reader -x");
	assert_null(c->global.fifo[VRRP_CONF_FIFO_ALL].path);
	assert_int_equal(c->global.garp_interval_us, 1000);
	/* vrrp_min_garp, then an explicit repeat */
	assert_int_equal(c->global.garp_delay_s, 0);
	assert_int_equal(c->global.garp_repeat, 3);
	assert_int_equal(c->global.startup_delay_ms, 5500);
	assert_int_equal(c->global.garp_lower_repeat, 2);
	assert_int_equal(c->global.garp_lower_delay_s, -1);
	assert_int_equal(vi->garp_lower_repeat, -1);
	vrrp_conf_free(c);
}

static void test_errors_have_lines(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"global_defs {\n"			/* 1 */
		" enable_snmp_rfcv2\n"			/* 2 */
		" notification_email {\n  a@b\n }\n"	/* 3-5 */
		"}\n"					/* 6 */
		"vrrp_instance VI_1 {\n"		/* 7 */
		" interface eth0\n"			/* 8 */
		" virtual_router_id 0\n"		/* 9 */
		" priority 256\n"			/* 10 */
		" advert_int 0.123\n"			/* 11 */
		" state SLAVE\n"			/* 12 */
		" virtual_ipaddress {\n"		/* 13 */
		"  192.0.2.300/24\n"			/* 14 */
		"  192.0.2.1/33\n"			/* 15 */
		"  192.0.2.2 scope galaxy\n"		/* 16 */
		" }\n"
		" old_unicast_checksum sometimes\n"	/* 18 */
		" frobnicate\n"				/* 19 */
		"}\n", 1, &ms);

	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:2: enable_snmp_rfcv2: not supported yet"));
	assert_non_null(strstr(ms.text, "t.conf:3: notification_email: not handled"));
	assert_non_null(strstr(ms.text, "t.conf:9: virtual_router_id: '0'"));
	assert_non_null(strstr(ms.text, "t.conf:10: priority: '256'"));
	assert_non_null(strstr(ms.text, "t.conf:11: advert_int: '0.123'"));
	assert_non_null(strstr(ms.text, "t.conf:12: state: 'SLAVE'"));
	assert_non_null(strstr(ms.text, "t.conf:14: virtual_ipaddress: '192.0.2.300/24'"));
	assert_non_null(strstr(ms.text, "t.conf:15: virtual_ipaddress: '192.0.2.1/33'"));
	assert_non_null(strstr(ms.text, "t.conf:16: virtual_ipaddress: unknown scope"));
	assert_non_null(strstr(ms.text, "t.conf:18: old_unicast_checksum: expected nothing or 'never'"));
	assert_non_null(strstr(ms.text, "E t.conf:19: unknown keyword 'frobnicate'"));
	/* the mail addresses inside the refused block are not reported */
	assert_null(strstr(ms.text, "a@b"));
}

static void test_unknown_keyword_warns_at_run_time(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"global_defs {\n frobnicate_adverts 10\n}\n"
		"vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n"
		" virtual_ipaddress {\n  192.0.2.1\n }\n}\n", 0, &ms);

	assert_non_null(c);
	assert_int_equal(ms.warnings, 1);
	assert_non_null(strstr(ms.text, "W t.conf:2: unknown keyword 'frobnicate_adverts'"));
	vrrp_conf_free(c);
	c = load("global_defs {\n frobnicate_adverts 10\n}\n", 1, &ms);
	assert_null(c);
}

static void test_whole_config_checks(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
		" advert_int 0.5\n virtual_ipaddress {\n  192.0.2.1\n  2001:db8::1\n }\n"
		" track_script {\n  nope\n }\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n version 2\n"
		" virtual_ipaddress {\n  2001:db8::2\n }\n}\n"
		"vrrp_instance C {\n interface eth0\n virtual_router_id 3\n version 3\n"
		" authentication {\n  auth_type PASS\n  auth_pass x\n }\n"
		" virtual_ipaddress {\n  192.0.2.3\n }\n}\n"
		"vrrp_instance D {\n interface eth0\n virtual_router_id 3\n version 3\n"
		" virtual_ipaddress {\n  192.0.2.4\n }\n}\n"
		"vrrp_sync_group G {\n group {\n  C\n  Z\n }\n}\n"
		"vrrp_sync_group H {\n group {\n  C\n }\n}\n", 1, &ms);

	assert_null(c);
	assert_non_null(strstr(ms.text, "(A) virtual_ipaddress mixes IPv4 and IPv6"));
	assert_non_null(strstr(ms.text, "(A) track_script 'nope' is not a vrrp_script"));
	assert_non_null(strstr(ms.text, "(B) VRRPv2 carries IPv4 only"));
	assert_non_null(strstr(ms.text, "(C) authentication is VRRPv2 only"));
	assert_non_null(strstr(ms.text, "(D) virtual_router_id 3 on eth0 is already used by C"));
	assert_non_null(strstr(ms.text, "vrrp_sync_group G: 'Z' is not a vrrp_instance"));
	assert_non_null(strstr(ms.text, "vrrp_sync_group H: C is already in vrrp_sync_group G"));
}

static void test_sync_group_tracking_reaches_members(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"vrrp_script a {\n script /bin/true\n}\n"
		"vrrp_script b {\n script /bin/true\n}\n"
		"vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
		" virtual_ipaddress {\n  192.0.2.1\n }\n"
		" track_script {\n  a weight 5\n }\n}\n"
		"vrrp_instance Y {\n interface eth0\n virtual_router_id 2\n"
		" virtual_ipaddress {\n  192.0.2.2\n }\n}\n"
		"vrrp_sync_group G {\n group {\n  X Y\n }\n"
		" track_script {\n  a weight -10\n  b\n }\n"
		" track_interface {\n  eth1\n }\n}\n", 1, &ms);
	const struct vrrp_conf_instance *x, *y;

	assert_non_null(c);
	x = vrrp_conf_instance(c, "X");
	y = vrrp_conf_instance(c, "Y");
	/* X keeps its own weight for a and gains b */
	assert_int_equal(x->ntrack_scripts, 2);
	assert_int_equal(x->track_scripts[0].weight, 5);
	assert_string_equal(x->track_scripts[1].name, "b");
	assert_int_equal(y->ntrack_scripts, 2);
	assert_int_equal(y->track_scripts[0].weight, -10);
	assert_int_equal(y->ntrack_ifs, 1);
	assert_int_equal(x->in_group, 1);
	vrrp_conf_free(c);
	c = load("vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
		 " virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
		 "vrrp_sync_group G {\n group {\n  X\n }\n"
		 " track_script {\n  nope\n }\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:8: vrrp_sync_group G: track_script 'nope'"));
}

static void test_track_process(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"vrrp_track_process name {\n process haproxy\n quorum 2\n"
		" quorum_max 3\n delay 1.5\n fork_delay 0.25\n}\n"
		"vrrp_track_process args {\n process \"/usr/sbin/ha proxy\" -f"
		" \"/etc/x y.cfg\"\n weight -20 reverse\n}\n"
		"vrrp_track_process part {\n process /bin/sleep 10\n"
		" param_match partial\n}\n"
		"vrrp_track_process init {\n process /bin/sleep 10\n"
		" param_match initial\n}\n"
		"vrrp_track_process none {\n process /bin/sleep\n param_match\n}\n"
		"vrrp_track_process full {\n process /bin/sleep\n full_command\n}\n"
		"vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
		" virtual_ipaddress {\n  192.0.2.1\n }\n"
		" track_process {\n  name weight 0\n }\n}\n"
		"vrrp_sync_group G {\n group {\n  X\n }\n"
		" track_process {\n  args\n }\n}\n", 1, &ms);
	const struct vrrp_conf_process *n, *a, *p, *i, *z, *f;
	const struct vrrp_conf_instance *x;
	static const char sleep10[] = "/bin/sleep\0" "10";
	static const char sleep100[] = "/bin/sleep\0" "100";
	static const char sleep10x[] = "/bin/sleep\0" "10\0" "x";

	assert_non_null(c);
	n = vrrp_conf_process(c, "name");
	a = vrrp_conf_process(c, "args");
	p = vrrp_conf_process(c, "part");
	i = vrrp_conf_process(c, "init");
	z = vrrp_conf_process(c, "none");
	f = vrrp_conf_process(c, "full");
	assert_int_equal(n->match, VRRP_CONF_PMATCH_NAME);
	assert_int_equal(n->quorum, 2);
	assert_int_equal(n->quorum_max, 3);
	assert_int_equal(n->terminate_delay_ms, 1500);
	assert_int_equal(n->fork_delay_ms, 250);
	assert_int_equal(n->weight, 1);
	assert_string_equal(a->process, "/usr/sbin/ha proxy");
	assert_int_equal(a->nparams, 2);
	assert_string_equal(a->params[1], "/etc/x y.cfg");
	assert_int_equal(a->match, VRRP_CONF_PMATCH_EXACT);
	assert_int_equal(a->weight, -20);
	assert_int_equal(a->reverse, 1);
	x = vrrp_conf_instance(c, "X");
	assert_int_equal(x->ntrack_procs, 2);	/* its own and the group's */
	assert_int_equal(x->track_procs[0].has_weight, 1);
	assert_string_equal(x->track_procs[1].name, "args");

	assert_true(vrrp_proc_match(n, "haproxy", "", 0));
	assert_false(vrrp_proc_match(n, "haproxyd", "", 0));
	assert_true(vrrp_proc_match(p, "sleep", sleep10, sizeof(sleep10)));
	assert_true(vrrp_proc_match(p, "sleep", sleep10x, sizeof(sleep10x)));
	assert_false(vrrp_proc_match(p, "sleep", sleep100, sizeof(sleep100)));
	assert_true(vrrp_proc_match(i, "sleep", sleep100, sizeof(sleep100)));
	assert_false(vrrp_proc_match(i, "sleep", "/bin/sleep", 11));
	assert_false(vrrp_proc_match(z, "sleep", sleep10, sizeof(sleep10)));
	assert_true(vrrp_proc_match(z, "sleep", "/bin/sleep", 11));
	assert_true(vrrp_proc_match(f, "sleep", sleep10x, sizeof(sleep10x)));
	assert_false(vrrp_proc_match(f, "sleep", "", 0));	/* kernel thread */
	vrrp_conf_free(c);

	c = load("vrrp_track_process a {\n quorum 3\n quorum_max 2\n}\n"
		 "vrrp_track_process b {\n process x\n param_match exactly\n}\n"
		 "vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
		 " virtual_ipaddress {\n  192.0.2.1\n }\n"
		 " track_process {\n  nope\n }\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:7: param_match: 'exactly' is neither"));
	c = load("vrrp_track_process a {\n quorum 3\n quorum_max 2\n}\n"
		 "vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
		 " virtual_ipaddress {\n  192.0.2.1\n }\n"
		 " track_process {\n  nope\n }\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "vrrp_track_process a: no process"));
	assert_non_null(strstr(ms.text, "(X) track_process 'nope' is not a vrrp_track_process"));
	c = load("vrrp_track_process a {\n process x\n quorum 3\n quorum_max 2\n}\n",
		 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:1: vrrp_track_process a: quorum 3 above quorum_max 2"));
}

static void test_accept_and_strict(void **state)
{
	struct msgs ms;
	char rules[4096];
	struct vrrp_conf *c = load(
		"global_defs {\n vrrp_strict\n nftables kad\n}\n"
		"vrrp_instance S {\n interface eth0\n virtual_router_id 1\n"
		" virtual_ipaddress {\n  192.0.2.1\n }\n"
		" virtual_ipaddress_excluded {\n  2001:db8::7\n }\n}\n"
		"vrrp_instance O {\n state MASTER\n priority 255\n interface eth0\n"
		" virtual_router_id 2\n virtual_ipaddress {\n  192.0.2.2\n }\n}\n"
		"vrrp_instance A {\n interface eth0\n virtual_router_id 3\n version 3\n"
		" accept\n virtual_ipaddress {\n  192.0.2.3\n }\n}\n"
		"vrrp_instance N {\n interface eth0\n virtual_router_id 4\n"
		" strict_mode off\n virtual_ipaddress {\n  192.0.2.4\n }\n}\n", 1, &ms);

	assert_non_null(c);
	assert_int_equal(vrrp_conf_instance(c, "S")->accept_mode, 0);
	assert_int_equal(vrrp_conf_instance(c, "O")->accept_mode, 1);
	assert_int_equal(vrrp_conf_instance(c, "A")->accept_mode, 1);
	assert_int_equal(vrrp_conf_instance(c, "N")->accept_mode, 1);
	assert_true(vrrp_nft_ruleset(c, rules, sizeof(rules)) > 0);
	assert_non_null(strstr(rules, "delete table inet kad\n"));
	assert_non_null(strstr(rules, "elements = { 192.0.2.1 }"));
	assert_non_null(strstr(rules, "elements = { 2001:db8::7 }"));
	assert_null(strstr(rules, "192.0.2.2"));
	assert_non_null(strstr(rules, "ip daddr @vips4 drop"));
	assert_int_equal(vrrp_nft_ruleset(c, rules, 64), -1);
	vrrp_conf_free(c);

	c = load("vrrp_instance D {\n interface eth0\n virtual_router_id 1\n"
		 " virtual_ipaddress {\n  192.0.2.1\n }\n}\n", 1, &ms);
	assert_non_null(c);
	assert_int_equal(vrrp_conf_instance(c, "D")->accept_mode, 1);
	assert_int_equal(vrrp_nft_ruleset(c, rules, sizeof(rules)), 0);
	vrrp_conf_free(c);

	c = load("global_defs {\n vrrp_strict\n}\n"
		 "vrrp_instance U {\n state MASTER\n interface eth0\n"
		 " virtual_router_id 1\n preempt_delay 2\n accept\n"
		 " authentication {\n  auth_type PASS\n  auth_pass x\n }\n"
		 " unicast_peer {\n  192.0.2.9\n }\n"
		 " virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
		 "vrrp_instance V {\n interface eth0\n virtual_router_id 2\n"
		 " virtual_ipaddress {\n  2001:db8::1\n }\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "(U) vrrp_strict: unicast_peer is not allowed"));
	assert_non_null(strstr(ms.text, "(U) vrrp_strict: authentication is not allowed"));
	assert_non_null(strstr(ms.text, "(U) vrrp_strict: preempt_delay is not allowed"));
	assert_non_null(strstr(ms.text, "(U) vrrp_strict: state MASTER goes with priority 255"));
	assert_non_null(strstr(ms.text, "(U) vrrp_strict: accept mode cannot be set for VRRPv2"));
	assert_non_null(strstr(ms.text, "(V) vrrp_strict: the first IPv6 virtual_ipaddress must be link-local"));
	c = load("global_defs {\n nftables bad-name\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:2: nftables: 'bad-name' is not a table name"));
}

static void test_routes_and_rules(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"vrrp_instance R {\n interface eth0\n virtual_router_id 1\n"
		" virtual_ipaddress {\n  192.0.2.1\n }\n"
		" virtual_routes {\n"
		"  src 192.0.2.1 to 198.51.100.0/24 via 192.0.2.254 dev eth1 metric 7\n"
		"  203.0.113.0/25 gw 192.0.2.254 table 100 no_track\n"
		"  blackhole 203.0.113.128/25 table main\n"
		"  2001:db8::/48 dev eth0\n"
		"  198.51.100.0/25 dev eth0\n"
		" }\n"
		" virtual_rules {\n"
		"  from 203.0.113.0/24 table 100 priority 1000\n"
		"  to 2001:db8:9::/48 lookup local\n"
		" }\n}\n", 1, &ms);
	const struct vrrp_conf_instance *vi;

	assert_non_null(c);
	vi = vrrp_conf_instance(c, "R");
	assert_int_equal(vi->nroutes, 5);
	assert_int_equal(vi->routes[0].has_src, 1);
	assert_int_equal(vi->routes[0].dst_len, 24);
	assert_int_equal(vi->routes[0].metric, 7);
	assert_string_equal(vi->routes[0].dev, "eth1");
	assert_int_equal(vi->routes[0].scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(vi->routes[1].table, 100);
	assert_int_equal(vi->routes[2].type, RTN_BLACKHOLE);
	assert_int_equal(vi->routes[2].table, RT_TABLE_MAIN);
	assert_int_equal(vi->routes[3].dst.family, AF_INET6);
	assert_int_equal(vi->routes[3].scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(vi->routes[4].scope, RT_SCOPE_LINK);	/* no gateway */
	assert_int_equal(vi->nrules, 2);
	assert_int_equal(vi->rules[0].prio, 1000);
	assert_int_equal(vi->rules[0].family, AF_INET);
	assert_int_equal(vi->rules[1].table, RT_TABLE_LOCAL);
	assert_int_equal(vi->rules[1].family, AF_INET6);
	vrrp_conf_free(c);

	c = load("vrrp_instance R {\n interface eth0\n virtual_router_id 1\n"
		 " virtual_ipaddress {\n  192.0.2.1\n }\n"
		 " virtual_routes {\n"
		 "  198.51.100.0/24 via 192.0.2.254 or 192.0.2.253\n"	/* 8 */
		 "  198.51.100.0/24 via 192.0.2.254 mtu 1400\n"		/* 9 */
		 "  198.51.100.0/24\n"					/* 10 */
		 "  blackhole 198.51.100.0/24 via 192.0.2.254\n"	/* 11 */
		 "  198.51.100.0/24 via 2001:db8::1\n"			/* 12 */
		 "  198.51.100.0/24 dev eth0 table blue\n"		/* 13 */
		 "  198.51.100.0/24 dev eth0 frob 1\n"			/* 14 */
		 " }\n virtual_rules {\n"
		 "  from 192.0.2.0/24 table 5 fwmark 3\n"		/* 17 */
		 "  table 5\n"						/* 18 */
		 "  from 192.0.2.0/24\n"					/* 19 */
		 "  from 192.0.2.0/24 to 2001:db8::/32 table 5\n"	/* 20 */
		 " }\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:8: virtual_routes: option 'or': not supported yet"));
	assert_non_null(strstr(ms.text, "t.conf:9: virtual_routes: option 'mtu': not supported yet"));
	assert_non_null(strstr(ms.text, "t.conf:10: virtual_routes: a route needs via or dev"));
	assert_non_null(strstr(ms.text, "t.conf:11: virtual_routes: a blackhole route takes no via"));
	assert_non_null(strstr(ms.text, "t.conf:12: virtual_routes: via and src must be of"));
	assert_non_null(strstr(ms.text, "t.conf:13: virtual_routes: table 'blue' is not a number"));
	assert_non_null(strstr(ms.text, "t.conf:14: virtual_routes: unknown option 'frob'"));
	assert_non_null(strstr(ms.text, "t.conf:17: virtual_rules: option 'fwmark': not supported yet"));
	assert_non_null(strstr(ms.text, "t.conf:18: virtual_rules: a rule needs from or to"));
	assert_non_null(strstr(ms.text, "t.conf:19: virtual_rules: a rule needs a table"));
	assert_non_null(strstr(ms.text, "t.conf:20: virtual_rules: from and to must be of one family"));
}

static void test_groups_and_ttl(void **state)
{
	struct msgs ms;
	char a[INET6_ADDRSTRLEN];
	struct vrrp_conf *c = load(
		"global_defs {\n vrrp_mcast_group4 224.0.0.118\n"
		" vrrp_mcast_group6 ff12::118\n vrrp_check_unicast_src\n"
		" vrrp_garp_interval 0.01\n}\n"
		"garp_group {\n garp_interval 0.3\n interface eth1\n}\n"
		"garp_group {\n gna_interval 1\n interfaces {\n  eth2\n  eth3\n }\n}\n"
		"vrrp_instance U {\n interface eth0\n virtual_router_id 1\n"
		" unicast_ttl 64\n check_unicast_src\n"
		" unicast_peer {\n  192.0.2.2\n }\n"
		" virtual_ipaddress {\n  192.0.2.1\n }\n}\n", 1, &ms);
	const struct vrrp_conf_garp *g;

	assert_non_null(c);
	inet_ntop(AF_INET, &c->global.mcast4.u.v4, a, sizeof(a));
	assert_string_equal(a, "224.0.0.118");
	inet_ntop(AF_INET6, &c->global.mcast6.u.v6, a, sizeof(a));
	assert_string_equal(a, "ff12::118");
	assert_int_equal(vrrp_conf_instance(c, "U")->unicast_ttl, 64);
	g = vrrp_conf_garp(c, "eth1");
	assert_non_null(g);
	assert_int_equal(g->garp_interval_us, 300000);
	assert_int_equal(g->gna_interval_us, UINT32_MAX);	/* the global one */
	assert_null(vrrp_conf_garp(c, "eth0"));
	g = vrrp_conf_garp(c, "eth3");
	assert_non_null(g);
	assert_ptr_equal(g, vrrp_conf_garp(c, "eth2"));
	assert_int_equal(g->gna_interval_us, 1000000);
	vrrp_conf_free(c);

	c = load("global_defs {\n vrrp_mcast_group4 192.0.2.1\n"	/* 2 */
		 " vrrp_mcast_group6 ff05::12\n}\n"			/* 3 */
		 "garp_group {\n interface eth0\n interfaces {\n  eth1 eth2\n }\n}\n" /* 8 */
		 "vrrp_instance U {\n interface eth0\n virtual_router_id 1\n"
		 " unicast_ttl 0\n"					/* 14 */
		 " virtual_ipaddress {\n  192.0.2.1\n }\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:2: vrrp_mcast_group4: '192.0.2.1' is not an IPv4 multicast"));
	assert_non_null(strstr(ms.text, "t.conf:3: vrrp_mcast_group6: 'ff05::12' is not an IPv6 link-local multicast"));
	assert_non_null(strstr(ms.text, "t.conf:8: interfaces: one interface name"));
	assert_non_null(strstr(ms.text, "t.conf:14: unicast_ttl: '0' is not a number in 1..255"));
	/* whole-configuration checks */
	c = load("garp_group {\n garp_interval 0.3\n}\n"		/* 1 */
		 "garp_group {\n interface eth0\n}\n"			/* 4 */
		 "garp_group {\n interface eth0\n}\n"			/* 7 */
		 "garp_group {\n interfaces {\n  eth9\n  eth0\n }\n}\n"	/* 10 */
		 "vrrp_instance V {\n interface eth0\n virtual_router_id 2\n"
		 " unicast_ttl 5\n"
		 " virtual_ipaddress {\n  192.0.2.2\n }\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:1: garp_group: no interface"));
	assert_non_null(strstr(ms.text, "t.conf:7: garp_group: interface eth0 is in another garp_group"));
	assert_non_null(strstr(ms.text, "t.conf:10: garp_group: interface eth0 is in another garp_group"));
	assert_non_null(strstr(ms.text, "(V) unicast_ttl without unicast_peer"));
}

static void test_preprocessor(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"$PRIO=150\n"
		"@node1 $MINE=yes\n"
		"@^node1 $MINE=no\n"
		"$INST= \\\n"
		"vrrp_instance VI_${N} { \\\n"
		"  interface eth0 \\\n"
		"  virtual_router_id ${N} \\\n"
		"  @node1 priority $PRIO \\\n"
		"  @node2 priority 1 \\\n"
		"  virtual_ipaddress { \\\n"
		"    192.0.2.${N}/24 \\\n"
		"  } \\\n"
		"}\n"
		"~SEQ(N, 1, 2, 5) $INST\n"
		"vrrp_script s_$MINE {   # a comment\n"
		"  script \"/bin/echo ${_HASH}\"\n"
		"}\n"
		"vrrp_script u {\n script \"/bin/echo $UNDEFINED\"\n}\n", 1, &ms);

	assert_non_null(c);
	assert_int_equal(c->ninstances, 3);
	assert_string_equal(c->instances[0].name, "VI_1");
	assert_string_equal(c->instances[2].name, "VI_5");
	assert_int_equal(c->instances[2].vrid, 5);
	assert_int_equal(c->instances[1].priority, 150);
	assert_non_null(vrrp_conf_script(c, "s_yes"));
	assert_string_equal(vrrp_conf_script(c, "s_yes")->script, "/bin/echo #");
	/* undefined parameters stay as they are (keepalived's rule) */
	assert_string_equal(vrrp_conf_script(c, "u")->script, "/bin/echo $UNDEFINED");
	vrrp_conf_free(c);
}

static void test_preprocessor_errors(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c;

	c = load("~SEQ(N, 1, 0, 5) x\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:1: ~SEQ(N, 1, 0, 5) produces no value"));
	c = load("~SEQ(N 1) x\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "malformed ~SEQ"));
	c = load("include /etc/*.conf\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "include is not allowed here"));
	/* a parameter that expands to itself ends at the nesting limit */
	c = load("$A=$A x\n$A\n", 1, &ms);
	assert_null(c);
	/* repetitions are bounded even when they output nothing */
	c = load("~SEQ(A, 1, 100000) ~SEQ(B, 1, 100000) $X=1\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "more than 200000 configuration lines"));
	c = load("~SEQ(A,1) ~SEQ(B,1) ~SEQ(C,1) ~SEQ(D,1) ~SEQ(E,1) ~SEQ(F,1) "
		 "~SEQ(G,1) ~SEQ(H,1) ~SEQ(I,1) x\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "nested more than 8 deep"));
	c = load("vrrp_instance X {\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "missing '}'"));
	c = load("}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:1: unmatched '}'"));
	c = load("vrrp_script \"x\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "unmatched quote"));
}

static void test_braces_anywhere(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"vrrp_instance VI_1\n{\n interface eth0\n virtual_router_id 9\n"
		" virtual_ipaddress { 192.0.2.9/24 }\n"
		" unicast_peer {\n  192.0.2.2\n }\n"
		" track_interface {\n  eth1 weight -20\n  eth2\n }\n}\n", 1, &ms);

	assert_non_null(c);
	assert_int_equal(c->instances[0].nvips, 1);	/* one line, one VIP */
	vrrp_conf_free(c);
	c = load("vrrp_instance VI_1 { interface eth0 ; }\n", 1, &ms);
	assert_null(c);
	c = load(
		"vrrp_instance VI_1\n{\n interface eth0\n virtual_router_id 9\n"
		" virtual_ipaddress {\n  192.0.2.9/24\n  192.0.2.10\n }\n"
		" unicast_peer {\n  192.0.2.2\n }\n"
		" track_interface {\n  eth1 weight -20\n  eth2\n }\n}\n", 1, &ms);
	assert_non_null(c);
	assert_int_equal(c->instances[0].nvips, 2);
	assert_int_equal(c->instances[0].npeers, 1);
	assert_int_equal(c->instances[0].ntrack_ifs, 2);
	assert_int_equal(c->instances[0].track_ifs[0].weight, -20);
	assert_int_equal(c->instances[0].track_ifs[0].has_weight, 1);
	vrrp_conf_free(c);
}

static void test_parse_secs(void **state)
{
	uint64_t v;

	assert_int_equal(vrrp_conf_parse_secs("1", 100, 25500, &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(vrrp_conf_parse_secs("0.1", 100, 25500, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(vrrp_conf_parse_secs("40.95", 100, 25500, &v), 0);
	assert_int_equal(v, 4095);
	assert_int_equal(vrrp_conf_parse_secs("0.001", 100, 25500, &v), -1);
	assert_int_equal(vrrp_conf_parse_secs("-1", 100, 25500, &v), -1);
	assert_int_equal(vrrp_conf_parse_secs("1.", 100, 25500, &v), -1);
	assert_int_equal(vrrp_conf_parse_secs("256", 100, 25500, &v), -1);
	assert_int_equal(vrrp_conf_parse_secs("", 100, 25500, &v), -1);
	assert_int_equal(vrrp_conf_parse_secs("99999999999", 1000, UINT64_MAX, &v), -1);
}

/* RFC 5798 6.1 with its own numbers: priority 100, 1 s adverts */
static void test_timers(void **state)
{
	assert_int_equal(vrrp_skew_time(100, 100), 60);	/* 156/256 s */
	assert_int_equal(vrrp_master_down_interval(100, 100, 3), 360);
	assert_int_equal(vrrp_skew_time(255, 100), 0);
	assert_int_equal(vrrp_skew_time(1, 4095), 4079);
	assert_int_equal(vrrp_master_down_interval(254, 10, 3), 30);
}

/* keepalived's newer keywords: process settings, advert policies and
 * their defaults under vrrp_strict, FIFO options, and the refusals */
static void test_newer_keywords(void **state)
{
	struct msgs ms;
	const struct vrrp_conf_instance *a, *b, *m;
	struct vrrp_conf *c = load(
		"child_wait_time 5\nnamespace_with_ipsets\n"
		"global_defs {\n vrrp_no_swap\n vrrp_rt_priority 5\n"
		" vrrp_rlimit_rttime 20000\n vrrp_cpu_affinity 0 2-3\n"
		" umask IWGRP | IWOTH\n process_name outer\n"
		" vrrp_process_name inner\n process_name later\n"
		" vrrp_lower_prio_no_advert\n vrrp_higher_prio_send_advert yes\n"
		" vrrp_notify_priority_changes\n vrrp_owner_ignore_adverts\n"
		" log_unknown_vrids\n fifo_write_vrrp_states_on_reload\n"
		" tmp_config_directory /tmp\n reload_check_config\n"
		" startup_script \"/bin/echo up\" nobody nogroup\n"
		" shutdown_script /bin/true\n shutdown_script_timeout 3\n"
		" max_auto_priority\n min_auto_priority_delay 200000\n}\n"
		"vrrp_sync_group G {\n group {\n  B\n }\n notify_priority_changes off\n}\n"
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
		" lower_prio_no_advert off\n kernel_rx_buf_size 65536\n"
		" unicast_fault_no_peer\n"
		" virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n"
		" higher_prio_send_advert false\n"
		" virtual_ipaddress {\n  192.0.2.2\n }\n}\n"
		"vrrp_instance M {\n interface eth0\n virtual_router_id 3\n"
		" notify_priority_changes\n"
		" virtual_ipaddress {\n  192.0.2.3\n }\n}\n", 1, &ms);

	assert_non_null(c);
	assert_int_equal(ms.errors, 0);
	assert_int_equal(c->global.no_swap, 1);
	assert_int_equal(c->global.rt_priority, 5);
	assert_int_equal(c->global.rlimit_rttime_us, 20000);
	assert_int_equal(c->global.has_cpus, 1);
	assert_true(c->global.cpus[0] == 0xd);
	assert_int_equal(c->global.has_umask, 1);
	assert_int_equal(c->global.umask, 022);
	assert_string_equal(c->global.process_name, "inner");
	assert_int_equal(c->global.owner_ignore_adverts, 1);
	assert_int_equal(c->global.log_unknown_vrids, 1);
	assert_int_equal(c->global.fifo_states_on_reload, 1);
	assert_string_equal(c->global.run[VRRP_CONF_RUN_STARTUP].cmd, "/bin/echo up");
	assert_string_equal(c->global.run[VRRP_CONF_RUN_STARTUP].user, "nobody");
	assert_string_equal(c->global.run[VRRP_CONF_RUN_STARTUP].group, "nogroup");
	assert_int_equal(c->global.run[VRRP_CONF_RUN_STARTUP].timeout_s, 10);
	assert_string_equal(c->global.run[VRRP_CONF_RUN_SHUTDOWN].cmd, "/bin/true");
	assert_string_equal(c->global.run[VRRP_CONF_RUN_SHUTDOWN].user, "");
	assert_int_equal(c->global.run[VRRP_CONF_RUN_SHUTDOWN].timeout_s, 3);
	assert_int_equal(c->global.max_auto_priority, 99);
	assert_int_equal(c->global.min_auto_prio_delay_us, 200000);
	a = vrrp_conf_instance(c, "A");
	b = vrrp_conf_instance(c, "B");
	m = vrrp_conf_instance(c, "M");
	assert_int_equal(a->lower_prio_no_advert, 0);	/* its own */
	assert_int_equal(b->lower_prio_no_advert, 1);	/* global_defs' */
	assert_int_equal(a->higher_prio_send_advert, 1);
	assert_int_equal(b->higher_prio_send_advert, 0);
	assert_int_equal(a->notify_prio_changes, 1);	/* global_defs' */
	assert_int_equal(b->notify_prio_changes, 0);	/* its group's */
	assert_int_equal(m->notify_prio_changes, 1);
	assert_int_equal(a->unicast_fault_no_peer, 1);
	assert_int_equal(a->rx_buf_size, 65536);
	assert_int_equal(b->rx_buf_size, 0);
	vrrp_conf_free(c);

	/* nftables_priority and nftables_counters shape no_accept's chain */
	c = load("global_defs {\n nftables_priority -150\n nftables_counters\n}\n"
		 "vrrp_instance N {\n interface eth0\n virtual_router_id 1\n"
		 " no_accept\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n", 1, &ms);
	assert_non_null(c);
	{
		char rules[4096];

		assert_true(vrrp_nft_ruleset(c, rules, sizeof(rules)) > 0);
		assert_non_null(strstr(rules, "hook input priority -150;"));
		assert_non_null(strstr(rules, "ip daddr @vips4 counter drop\n"));
		assert_non_null(strstr(rules, "ip6 daddr @vips6 counter drop\n"));
	}
	vrrp_conf_free(c);

	/* defaults: adverts answered, none sent on a higher one; strict
	 * turns lower_prio_no_advert on and refuses the other */
	c = load("vrrp_instance D {\n interface eth0\n virtual_router_id 1\n"
		 " virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
		 "vrrp_instance S {\n interface eth0\n virtual_router_id 2\n"
		 " strict_mode\n virtual_ipaddress {\n  192.0.2.2\n }\n}\n", 1, &ms);
	assert_non_null(c);
	assert_int_equal(vrrp_conf_instance(c, "D")->lower_prio_no_advert, 0);
	assert_int_equal(vrrp_conf_instance(c, "D")->higher_prio_send_advert, 0);
	assert_int_equal(vrrp_conf_instance(c, "D")->notify_prio_changes, 0);
	assert_int_equal(vrrp_conf_instance(c, "S")->lower_prio_no_advert, 1);
	assert_string_equal(c->global.process_name, "");
	assert_int_equal(c->global.has_umask, 0);
	assert_int_equal(c->global.max_auto_priority, 0);
	assert_int_equal(c->global.min_auto_prio_delay_us, 1000000);
	assert_null(c->global.run[VRRP_CONF_RUN_STARTUP].cmd);
	vrrp_conf_free(c);
	c = load("global_defs {\n vrrp_strict\n vrrp_higher_prio_send_advert\n}\n"
		 "vrrp_instance S {\n interface eth0\n virtual_router_id 2\n"
		 " lower_prio_no_advert no\n virtual_ipaddress {\n  192.0.2.2\n }\n}\n",
		 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "(S) vrrp_strict: lower_prio_no_advert cannot be cleared"));
	assert_non_null(strstr(ms.text, "(S) vrrp_strict: higher_prio_send_advert is not allowed"));

	/* bad values name their line; nothing is replaced by a default */
	c = load("child_wait_time x\ninstance i1\n"
		 "global_defs {\n umask 01000\n vrrp_cpu_affinity 1 4096\n"
		 " vrrp_rt_priority 0\n vrrp_rlimit_rttime 0\n"
		 " vrrp_process_name 0123456789abcdef\n vrrp_lower_prio_no_advert maybe\n"
		 " checker_no_swap\n smtp_alert_vrrp\n lvs_flush\n vmac_addr_prefix x\n"
		 " vmac_prefix vr\n}\n"
		 "vrrp_instance X {\n interface eth0\n virtual_router_id 1\n"
		 " kernel_rx_buf_size 100\n use_ipvlan\n"
		 " virtual_ipaddress {\n  192.0.2.1\n }\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:1: child_wait_time: 'x' is not a number in 0..1000"));
	assert_non_null(strstr(ms.text, "t.conf:2: instance: not supported yet"));
	assert_non_null(strstr(ms.text, "t.conf:4: umask: '01000' is neither"));
	assert_non_null(strstr(ms.text, "t.conf:5: vrrp_cpu_affinity: '4096' is not a CPU"));
	assert_non_null(strstr(ms.text, "t.conf:6: vrrp_rt_priority: '0' is not a number in 1..99"));
	assert_non_null(strstr(ms.text, "t.conf:7: vrrp_rlimit_rttime: '0' is not a number"));
	assert_non_null(strstr(ms.text, "t.conf:8: vrrp_process_name: '0123456789abcdef' is not a process name"));
	assert_non_null(strstr(ms.text, "t.conf:9: vrrp_lower_prio_no_advert: 'maybe' is not a boolean"));
	assert_non_null(strstr(ms.text, "t.conf:10: checker_no_swap: not handled by vrrpd: LVS"));
	assert_non_null(strstr(ms.text, "t.conf:11: smtp_alert_vrrp: not handled by vrrpd: vrrpd sends no e-mail"));
	assert_non_null(strstr(ms.text, "t.conf:12: lvs_flush: not handled by vrrpd: LVS"));
	assert_non_null(strstr(ms.text, "t.conf:13: vmac_addr_prefix: not supported yet"));
	assert_non_null(strstr(ms.text, "t.conf:14: vmac_prefix: not supported yet"));
	assert_non_null(strstr(ms.text, "t.conf:19: kernel_rx_buf_size: '100' is not a number in 256.."));
	assert_non_null(strstr(ms.text, "t.conf:20: use_ipvlan: not supported yet"));
	c = load("global_defs {\n max_auto_priority 100\n max_auto_priority -2\n"
		 " startup_script_timeout 0\n shutdown_script_timeout 1001\n"
		 " min_auto_priority_delay 10000001\n nftables_priority 2147483648\n}\n",
		 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:2: max_auto_priority: '100' is not a number in -1..99"));
	assert_non_null(strstr(ms.text, "t.conf:3: max_auto_priority: '-2' is not"));
	assert_non_null(strstr(ms.text, "t.conf:4: startup_script_timeout: '0' is not a number in 1..1000"));
	assert_non_null(strstr(ms.text, "t.conf:5: shutdown_script_timeout: '1001' is not"));
	assert_non_null(strstr(ms.text, "t.conf:6: min_auto_priority_delay: '10000001' is not"));
	assert_non_null(strstr(ms.text, "t.conf:7: nftables_priority: '2147483648' is not"));
}

/* promote_secondaries and mcast_dst_ip: an instance's own multicast group
 * (the global one otherwise), checked against the instance's family */
static void test_promote_and_mcast_dst(void **state)
{
	struct msgs ms;
	char a[INET6_ADDRSTRLEN];
	const struct vrrp_conf_instance *vi;
	struct vrrp_conf *c = load(
		"global_defs {\n vrrp_mcast_group4 224.0.0.118\n}\n"
		"vrrp_instance P {\n interface eth0\n virtual_router_id 1\n"
		" promote_secondaries\n mcast_dst_ip 224.0.0.200\n"
		" virtual_ipaddress {\n  192.0.2.1/24\n  192.0.2.2/24\n }\n}\n"
		"vrrp_instance Q {\n interface eth0\n virtual_router_id 2\n debug 4\n"
		" virtual_ipaddress {\n  192.0.2.3\n }\n}\n"
		"vrrp_instance R {\n interface eth0\n virtual_router_id 3\n"
		" mcast_dst_ip ff12::1:12\n"
		" virtual_ipaddress {\n  fe80::3\n }\n}\n", 1, &ms);

	assert_non_null(c);
	assert_int_equal(ms.errors, 0);
	vi = vrrp_conf_instance(c, "P");
	assert_int_equal(vi->promote_secondaries, 1);
	inet_ntop(AF_INET, vrrp_conf_mcast(c, vi)->u.b, a, sizeof(a));
	assert_string_equal(a, "224.0.0.200");
	assert_int_equal(vi->debug, 0);
	vi = vrrp_conf_instance(c, "Q");
	assert_int_equal(vi->promote_secondaries, 0);
	assert_int_equal(vi->debug, 4);
	inet_ntop(AF_INET, vrrp_conf_mcast(c, vi)->u.b, a, sizeof(a));
	assert_string_equal(a, "224.0.0.118");
	vi = vrrp_conf_instance(c, "R");
	assert_int_equal(vrrp_conf_mcast(c, vi)->family, AF_INET6);
	inet_ntop(AF_INET6, vrrp_conf_mcast(c, vi)->u.b, a, sizeof(a));
	assert_string_equal(a, "ff12::1:12");
	vrrp_conf_free(c);

	c = load("vrrp_instance P {\n interface eth0\n virtual_router_id 1\n"
		 " mcast_dst_ip 192.0.2.9\n"				/* 4 */
		 " mcast_dst_ip ff05::12\n"				/* 5 */
		 " mcast_dst_ip 224.0.0.18 224.0.0.19\n"		/* 6 */
		 " promote_secondaries yes\n"				/* 7 */
		 " debug 5\n debug\n debug -1\n"			/* 8-10 */
		 " virtual_ipaddress {\n  192.0.2.1\n }\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:4: mcast_dst_ip: '192.0.2.9' is not an IPv4 multicast or IPv6 link-local multicast address"));
	assert_non_null(strstr(ms.text, "t.conf:5: mcast_dst_ip: 'ff05::12' is not"));
	assert_non_null(strstr(ms.text, "t.conf:6: mcast_dst_ip"));
	assert_non_null(strstr(ms.text, "t.conf:7: promote_secondaries"));
	assert_non_null(strstr(ms.text, "t.conf:8: debug: '5' is not a number in 0..4"));
	assert_non_null(strstr(ms.text, "t.conf:9: debug"));
	assert_non_null(strstr(ms.text, "t.conf:10: debug: '-1' is not"));
	/* whole-configuration checks */
	c = load("vrrp_instance F {\n interface eth0\n virtual_router_id 2\n"
		 " mcast_dst_ip ff02::12\n"
		 " virtual_ipaddress {\n  192.0.2.2\n }\n}\n"
		 "vrrp_instance U {\n interface eth0\n virtual_router_id 3\n"
		 " mcast_dst_ip 224.0.0.19\n unicast_peer {\n  192.0.2.8\n }\n"
		 " virtual_ipaddress {\n  192.0.2.3\n }\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "(F) mcast_dst_ip is not of the instance's address family"));
	assert_non_null(strstr(ms.text, "W t.conf:9: (U) mcast_dst_ip has no effect with unicast_peer"));
}

/* vrrp_iptables / vrrp_ipsets: accepted with a warning that names the
 * nftables table doing the filtering (known once the file is read) */
static void test_iptables_warns(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"global_defs {\n vrrp_iptables keepalived_in keepalived_out\n"
		" vrrp_ipsets\n nftables kaf\n}\n"
		"vrrp_instance N {\n interface eth0\n virtual_router_id 1\n"
		" no_accept\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n", 1, &ms);

	assert_non_null(c);
	assert_int_equal(ms.errors, 0);
	assert_int_equal(ms.warnings, 2);
	assert_non_null(strstr(ms.text, "W t.conf:2: vrrp_iptables: not used: vrrpd filters with nftables instead, table inet kaf"));
	assert_non_null(strstr(ms.text, "W t.conf:3: vrrp_ipsets: not used: vrrpd filters with nftables instead, table inet kaf"));
	assert_string_equal(c->global.nft_table, "kaf");
	vrrp_conf_free(c);
	c = load("global_defs {\n vrrp_iptables a b c\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:2: vrrp_iptables"));
	c = load("global_defs {\n vrrp_ipsets\n}\n", 1, &ms);
	assert_non_null(c);
	assert_non_null(strstr(ms.text, "W t.conf:2: vrrp_ipsets: not used: vrrpd filters with nftables instead, table inet vrrpd"));
	vrrp_conf_free(c);
}

/* random_seed seeds keepalived's ${_RANDOM}; vrrpd has neither, but the
 * value is still checked */
static void test_random_seed(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load("global_defs {\n random_seed 4294967295\n}\n",
				   1, &ms);

	assert_non_null(c);
	assert_int_equal(ms.errors + ms.warnings, 0);
	vrrp_conf_free(c);
	c = load("global_defs {\n random_seed 4294967296\n random_seed -1\n"
		 " random_seed x\n random_seed\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:2: random_seed: '4294967296' is not a number in 0..4294967295"));
	assert_non_null(strstr(ms.text, "t.conf:3: random_seed: '-1' is not"));
	assert_non_null(strstr(ms.text, "t.conf:4: random_seed: 'x' is not"));
	assert_non_null(strstr(ms.text, "t.conf:5: random_seed"));
}

/* garp_extra_if / vrrp_garp_extra_if [all] SECONDS: the instance's own or
 * the global one; without "all" a warning (vrrpd makes no VIP VMACs) */
static void test_garp_extra_if(void **state)
{
	struct msgs ms;
	struct vrrp_conf *c = load(
		"global_defs {\n vrrp_garp_extra_if all 100\n}\n"
		"vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
		" garp_extra_if 30\n"
		" virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
		"vrrp_instance B {\n interface eth0\n virtual_router_id 2\n"
		" virtual_ipaddress {\n  192.0.2.2\n }\n}\n"
		"vrrp_instance C {\n interface eth0\n virtual_router_id 3\n"
		" garp_extra_if all 0\n"
		" virtual_ipaddress {\n  192.0.2.3\n }\n}\n"
		"vrrp_instance D {\n interface eth0\n virtual_router_id 4\n"
		" vmac_garp_intvl 7 all\n"				/* 30 */
		" virtual_ipaddress {\n  192.0.2.4\n }\n}\n", 1, &ms);

	assert_non_null(c);
	assert_int_equal(ms.errors, 0);
	assert_int_equal(ms.warnings, 2);
	assert_non_null(strstr(ms.text, "W t.conf:30: vmac_garp_intvl: keepalived's older name of garp_extra_if"));
	assert_non_null(strstr(ms.text, "W t.conf:7: garp_extra_if: without 'all' only VIPs' own VMACs"));
	assert_int_equal(c->global.xgarp.secs, 100);
	assert_int_equal(c->global.xgarp.all, 1);
	assert_int_equal(vrrp_conf_instance(c, "A")->xgarp.secs, 30);
	assert_int_equal(vrrp_conf_instance(c, "A")->xgarp.all, 0);
	assert_int_equal(vrrp_conf_instance(c, "B")->xgarp.secs, 100);
	assert_int_equal(vrrp_conf_instance(c, "B")->xgarp.all, 1);
	assert_int_equal(vrrp_conf_instance(c, "C")->xgarp.secs, 0);
	assert_int_equal(vrrp_conf_instance(c, "D")->xgarp.secs, 7);
	assert_int_equal(vrrp_conf_instance(c, "D")->xgarp.all, 1);
	vrrp_conf_free(c);
	c = load("vrrp_instance B {\n interface eth0\n virtual_router_id 2\n"
		 " virtual_ipaddress {\n  192.0.2.2\n }\n}\n", 1, &ms);
	assert_non_null(c);
	assert_int_equal(vrrp_conf_instance(c, "B")->xgarp.secs, 0);
	vrrp_conf_free(c);
	c = load("global_defs {\n vrrp_garp_extra_if all 86401\n"
		 " vrrp_garp_extra_if some 5\n vrrp_garp_extra_if all\n"
		 " vrrp_garp_extra_if -1\n vrrp_garp_extra_if all 1 2\n}\n", 1, &ms);
	assert_null(c);
	assert_non_null(strstr(ms.text, "t.conf:2: vrrp_garp_extra_if: '86401' is not a number in 0..86400"));
	assert_non_null(strstr(ms.text, "t.conf:3: vrrp_garp_extra_if: expected an interval and 'all', not 'some 5'"));
	assert_non_null(strstr(ms.text, "t.conf:4: vrrp_garp_extra_if: 'all' is not a number"));
	assert_non_null(strstr(ms.text, "t.conf:5: vrrp_garp_extra_if: '-1' is not"));
	assert_non_null(strstr(ms.text, "t.conf:6: vrrp_garp_extra_if"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_defaults_and_v3),
		cmocka_unit_test(test_errors_have_lines),
		cmocka_unit_test(test_unknown_keyword_warns_at_run_time),
		cmocka_unit_test(test_whole_config_checks),
		cmocka_unit_test(test_sync_group_tracking_reaches_members),
		cmocka_unit_test(test_track_process),
		cmocka_unit_test(test_accept_and_strict),
		cmocka_unit_test(test_routes_and_rules),
		cmocka_unit_test(test_groups_and_ttl),
		cmocka_unit_test(test_preprocessor),
		cmocka_unit_test(test_preprocessor_errors),
		cmocka_unit_test(test_braces_anywhere),
		cmocka_unit_test(test_parse_secs),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_newer_keywords),
		cmocka_unit_test(test_promote_and_mcast_dst),
		cmocka_unit_test(test_iptables_warns),
		cmocka_unit_test(test_random_seed),
		cmocka_unit_test(test_garp_extra_if),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
