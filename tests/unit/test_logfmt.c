/*
 * test_logfmt.c - log-format compile and render. Every expected line below
 * was printed by HAProxy 2.6.12 ("log stdout format raw") for a real curl
 * or socat request; the vars are filled with the values of that request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>

#include "logfmt.h"

/* 2026-11-25 09:30:30 UTC and the other instants HAProxy logged */
#define T_093030	1795599030
#define T_093049	1795599049
#define T_093116	1795599076
#define T_093904	1795599544

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static void set_addr(struct sockaddr_storage *ss, const char *ip,
		     unsigned port)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		assert_int_equal(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
	}
}

static void set_unix(struct sockaddr_storage *ss, const char *path)
{
	struct sockaddr_un *su = (struct sockaddr_un *)ss;

	memset(ss, 0, sizeof(*ss));
	su->sun_family = AF_UNIX;
	snprintf(su->sun_path, sizeof(su->sun_path), "%s", path);
}

static void set_times(struct logfmt_vars *v, time_t sec, long ms)
{
	v->accept_date.tv_sec = sec;
	v->accept_date.tv_usec = ms * 1000 + 321;
	v->request_date = v->accept_date;
}

static void set_req(struct logfmt_vars *v, const char *line)
{
	v->request_line = line;
	v->request_line_len = strlen(line);
}

/* The common shape of a served request: timers, counters, names. */
static void fill_served(struct logfmt_vars *v, const char *fe,
			const char *cli, unsigned cport, unsigned fport)
{
	logfmt_vars_init(v);
	set_addr(&v->cli, cli, cport);
	set_addr(&v->fe, strchr(cli, ':') ? "::1" : "127.0.0.1", fport);
	set_addr(&v->srv, "127.0.0.1", 20080);
	set_addr(&v->be_src, "127.0.0.1", 48884);
	v->has_srv = v->has_be_src = 1;
	v->frontend = fe;
	v->backend = "be";
	v->server = "s1";
	v->hostname = "vm";
	v->TR = v->Tw = v->Tc = v->Tr = v->Ta = 0;
	v->Th = v->Ti = v->Tq = v->Td = v->Tt = 0;
	v->status = 200;
	v->bytes_out = 185;
	v->actconn = v->feconn = 1;
	v->pid = 5543;
	memcpy(v->term_state, "----", 5);
}

/* Compile fmt (must succeed), render v, compare with want. */
static void check_render(const char *fmt, const struct logfmt_vars *v,
			 const char *want)
{
	char err[256], out[4096];
	struct logfmt *lf = logfmt_compile(fmt, err, sizeof(err));
	size_t n;

	if (!lf)
		fail_msg("compile '%s': %s", fmt, err);
	n = logfmt_render(lf, v, out, sizeof(out));
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
	logfmt_free(lf);
}

/* hdrs_req/hdrs_res for one or two captured headers (NULL: absent) */
static void join1(char *out, size_t outlen, const char *a)
{
	const char *vals[1] = { a };
	size_t lens[1] = { a ? strlen(a) : 0 };

	logfmt_capture_join(vals, lens, 1, out, outlen);
}

static void join2(char *out, size_t outlen, const char *a, const char *b)
{
	const char *vals[2] = { a, b };
	size_t lens[2] = { a ? strlen(a) : 0, b ? strlen(b) : 0 };

	logfmt_capture_join(vals, lens, 2, out, outlen);
}

/* ---- the built-in formats against HAProxy's own lines ---- */

static void test_httplog_ipv4_matches_haproxy(void **state)
{
	struct logfmt_vars v;

	(void)state;

	set_tz("UTC");
	fill_served(&v, "fe", "127.0.0.1", 52350, 20081);
	set_times(&v, T_093030, 87);
	v.Tr = 1;
	v.Ta = 1;
	set_req(&v, "GET /index.html?a=b HTTP/1.1");
	check_render(logfmt_httplog, &v,
		"127.0.0.1:52350 [25/Nov/2026:09:30:30.087] fe be/s1 "
		"0/0/0/1/1 200 185 - - ---- 1/1/0/0/0 0/0 "
		"\"GET /index.html?a=b HTTP/1.1\"");
}

static void test_httplog_ipv6_local_time(void **state)
{
	struct logfmt_vars v;

	(void)state;

	set_tz("America/New_York");
	fill_served(&v, "fe", "::1", 51334, 20081);
	set_times(&v, T_093904, 11);
	v.Tr = 8;
	v.Ta = 8;
	set_req(&v, "GET /index.html HTTP/1.1");
	check_render(logfmt_httplog, &v,
		"::1:51334 [25/Nov/2026:04:39:04.011] fe be/s1 0/0/0/8/8 200 "
		"185 - - ---- 1/1/0/0/0 0/0 \"GET /index.html HTTP/1.1\"");
}

static void test_httplog_unix_listener(void **state)
{
	struct logfmt_vars v;

	(void)state;

	set_tz("America/New_York");
	fill_served(&v, "fe", "127.0.0.1", 0, 0);
	set_unix(&v.cli, "");
	set_unix(&v.fe, "/tmp/ha/fe11.sock");
	v.listener_id = 3;
	set_times(&v, T_093904, 29);
	v.Tr = 1;
	v.Ta = 2;
	set_req(&v, "GET /index.html HTTP/1.1");
	check_render(logfmt_httplog, &v,
		"unix:3 [25/Nov/2026:04:39:04.029] fe be/s1 0/0/0/1/2 200 185 "
		"- - ---- 1/1/0/0/0 0/0 \"GET /index.html HTTP/1.1\"");
}

static void test_httplog_bad_request(void **state)
{
	struct logfmt_vars v;

	(void)state;

	set_tz("UTC");
	logfmt_vars_init(&v);
	set_addr(&v.cli, "127.0.0.1", 52372);
	set_addr(&v.fe, "127.0.0.1", 20081);
	set_times(&v, T_093030, 136);
	v.frontend = v.backend = "fe";
	v.server = "<NOSRV>";
	v.Ta = 0;
	v.status = 400;
	memcpy(v.term_state, "CR--", 5);
	v.actconn = v.feconn = 1;
	check_render(logfmt_httplog, &v,
		"127.0.0.1:52372 [25/Nov/2026:09:30:30.136] fe fe/<NOSRV> "
		"-1/-1/-1/-1/0 400 0 - - CR-- 1/1/0/0/0 0/0 \"<BADREQ>\"");
}

static void test_httplog_captures(void **state)
{
	struct logfmt_vars v;
	char hr[128], hs[128];

	(void)state;

	set_tz("UTC");
	fill_served(&v, "fe5", "127.0.0.1", 51202, 20085);
	set_times(&v, T_093030, 119);
	set_req(&v, "GET /index.html HTTP/1.1");
	v.captured_req_cookie = "SESS=abc\"d; x=y";
	join2(hr, sizeof(hr), "127.0.0.1:20085", "Mozilla/5.");
	join2(hs, sizeof(hs), "SimpleHTTP/0.6 Pytho", "6");
	v.hdrs_req = hr;
	v.hdrs_res = hs;
	check_render(logfmt_httplog, &v,
		"127.0.0.1:51202 [25/Nov/2026:09:30:30.119] fe5 be/s1 "
		"0/0/0/0/0 200 185 SESS=abc\"d; x=y - ---- 1/1/0/0/0 0/0 "
		"{127.0.0.1:20085|Mozilla/5.} {SimpleHTTP/0.6 Pytho|6} "
		"\"GET /index.html HTTP/1.1\"");
}

static void test_httplog_clf(void **state)
{
	struct logfmt_vars v;

	(void)state;

	set_tz("UTC");
	fill_served(&v, "fe2", "127.0.0.1", 39562, 20082);
	set_times(&v, T_093030, 96);
	set_req(&v, "GET /index.html HTTP/1.1");
	/* no capture configured: %hrl %hsl print nothing, the blank stays */
	check_render(logfmt_httplog_clf, &v,
		"127.0.0.1 - - [25/Nov/2026:09:30:30 +0000] "
		"\"GET /index.html HTTP/1.1\" 200 185 \"\" \"\" 39562 096 "
		"\"fe2\" \"be\" \"s1\" 0 0 0 0 0 ---- 1 1 0 0 0 0 0 \"\" \"\" ");
}

static void test_tcplog(void **state)
{
	struct logfmt_vars v;

	(void)state;

	set_tz("UTC");
	fill_served(&v, "fe4", "127.0.0.1", 40076, 20084);
	set_times(&v, T_093030, 112);
	v.backend = "bet";
	v.status = 0;
	v.Tw = 1;
	v.bytes_out = 190;
	memcpy(v.term_state, "--\0\0", 5);
	check_render(logfmt_tcplog, &v,
		"127.0.0.1:40076 [25/Nov/2026:09:30:30.112] fe4 bet/s1 1/0/0 "
		"190 -- 1/1/0/0/0 0/0");

	set_tz("America/New_York");
	fill_served(&v, "fet", "::1", 54172, 20084);
	set_times(&v, T_093904, 41);
	v.backend = "bet";
	v.Tw = 1;
	v.Tt = 6;
	v.bytes_out = 190;
	check_render(logfmt_tcplog, &v,
		"::1:54172 [25/Nov/2026:04:39:04.041] fet bet/s1 1/0/6 190 -- "
		"1/1/0/0/0 0/0");
}

static void test_default_formats(void **state)
{
	struct logfmt_vars v;

	(void)state;

	fill_served(&v, "fe3", "127.0.0.1", 40762, 20083);
	check_render(logfmt_default, &v,
		"Connect from 127.0.0.1:40762 to 127.0.0.1:20083 (fe3/HTTP)");
	fill_served(&v, "fe4", "127.0.0.1", 48914, 20084);
	check_render(logfmt_default_tcp, &v,
		"Connect from 127.0.0.1:48914 to 127.0.0.1:20084 (fe4/TCP)");
}

/* ---- every variable, plain, quoted, hex and escaped ---- */

static const char all_vars_fmt[] =
	"ci=%ci cp=%cp fi=%fi fp=%fp bi=%bi bp=%bp si=%si sp=%sp t=%t "
	"tr=%tr trg=%trg trl=%trl T=%T Ts=%Ts ms=%ms Tl=%Tl ft=%ft f=%f b=%b "
	"s=%s H=%H TR=%TR Tw=%Tw Tc=%Tc Tr=%Tr Td=%Td Ta=%Ta Tt=%Tt Th=%Th "
	"Ti=%Ti Tq=%Tq ST=%ST B=%B U=%U CC=%CC CS=%CS tsc=%tsc ts=%ts "
	"ac=%ac fc=%fc bc=%bc sc=%sc rc=%rc sq=%sq bq=%bq hr=%hr hs=%hs "
	"hrl=%hrl hsl=%hsl r=%r HM=%HM HU=%HU HP=%HP HPO=%HPO HQ=%HQ "
	"HV=%HV ID=%ID pid=%pid rt=%rt lc=%lc";

static void test_every_variable(void **state)
{
	struct logfmt_vars v;
	char hr[128], hs[128];

	(void)state;

	set_tz("UTC");
	fill_served(&v, "fe", "127.0.0.1", 55052, 20081);
	set_times(&v, T_093049, 357);
	v.Tr = v.Ta = v.Tt = 1;
	v.bytes_in = 133;
	v.captured_req_cookie = "SESS=abc\"d; x=y";
	join2(hr, sizeof(hr), "127.0.0.1:20081", "Mozilla/5.0 \"x\"|y{z}#");
	join1(hs, sizeof(hs), "SimpleHTTP/0.6 Pytho");
	v.hdrs_req = hr;
	v.hdrs_res = hs;
	set_req(&v, "GET /index.html?a=b&c=\"d\" HTTP/1.1");
	v.unique_id = "7F000001:D70C_7F000001:4E71_6B06AAC9_0000:15A7";
	/* HAProxy's line, less its " Tu=1" (%Tu is not backed yet) */
	check_render(all_vars_fmt, &v,
		"ci=127.0.0.1 cp=55052 fi=127.0.0.1 fp=20081 bi=127.0.0.1 "
		"bp=48884 si=127.0.0.1 sp=20080 t=25/Nov/2026:09:30:49.357 "
		"tr=25/Nov/2026:09:30:49.357 trg=25/Nov/2026:09:30:49 +0000 "
		"trl=25/Nov/2026:09:30:49 +0000 T=25/Nov/2026:09:30:49 +0000 "
		"Ts=1795599049 ms=357 Tl=25/Nov/2026:09:30:49 +0000 ft=fe f=fe "
		"b=be s=s1 H=vm TR=0 Tw=0 Tc=0 Tr=1 Td=0 Ta=1 Tt=1 Th=0 Ti=0 "
		"Tq=0 ST=200 B=185 U=133 CC=SESS=abc\"d; x=y CS=- tsc=---- "
		"ts=-- ac=1 fc=1 bc=0 sc=0 rc=0 sq=0 bq=0 "
		"hr={127.0.0.1:20081|Mozilla/5.0 #22x#22#7Cy#7Bz#7D#23} "
		"hs={SimpleHTTP/0.6 Pytho} "
		"hrl=127.0.0.1:20081 Mozilla/5.0 #22x#22#7Cy#7Bz#7D#23 "
		"hsl=SimpleHTTP/0.6 Pytho r=GET /index.html?a=b&c=#22d#22 "
		"HTTP/1.1 HM=GET HU=/index.html?a=b&c=#22d#22 HP=/index.html "
		"HPO=/index.html HQ=?a=b&c=#22d#22 HV=HTTP/1.1 "
		"ID=7F000001:D70C_7F000001:4E71_6B06AAC9_0000:15A7 pid=5543 "
		"rt=0 lc=0");

	/* the unique-id-format that produced that ID, all in hex */
	v.pid = 5543;
	v.req_counter = 0;
	check_render("%{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid", &v,
		     "7F000001:D70C_7F000001:4E71_6B06AAC9_0000:15A7");
}

static void test_every_variable_quoted(void **state)
{
	struct logfmt_vars v;
	char hr[128];

	(void)state;

	set_tz("Asia/Kolkata");
	fill_served(&v, "fe", "127.0.0.1", 41950, 20081);
	set_addr(&v.be_src, "127.0.0.1", 60550);
	set_times(&v, T_093116, 104);
	v.bytes_in = 133;
	v.pid = 5960;
	v.captured_req_cookie = "SESS=a\\b]c\"d";
	join2(hr, sizeof(hr), "127.0.0.1:20081", "Mozilla/5.0 \"x\"|y{z}#\\]");
	v.hdrs_req = hr;
	set_req(&v, "GET /index.html?a=b&c=\"d\"] HTTP/1.1");
	check_render(
		"%{+Q}o ci=%ci cp=%cp fi=%fi fp=%fp bi=%bi bp=%bp si=%si sp=%sp "
		"t=%t tr=%tr trg=%trg trl=%trl T=%T Ts=%Ts ms=%ms Tl=%Tl ft=%ft "
		"f=%f b=%b s=%s H=%H TR=%TR Tw=%Tw Ta=%Ta ST=%ST B=%B U=%U "
		"CC=%CC CS=%CS tsc=%tsc ts=%ts ac=%ac rc=%rc sq=%sq hr=%hr "
		"hs=%hs hrl=%hrl hsl=%hsl r=%r HM=%HM HU=%HU HP=%HP HPO=%HPO "
		"HQ=%HQ HV=%HV ID=%ID pid=%pid rt=%rt lc=%lc", &v,
		"ci=\"127.0.0.1\" cp=41950 fi=\"127.0.0.1\" fp=20081 "
		"bi=\"127.0.0.1\" bp=60550 si=\"127.0.0.1\" sp=20080 "
		"t=25/Nov/2026:15:01:16.104 tr=25/Nov/2026:15:01:16.104 "
		"trg=25/Nov/2026:09:31:16 +0000 trl=25/Nov/2026:15:01:16 +0530 "
		"T=25/Nov/2026:09:31:16 +0000 Ts=1795599076 ms=104 "
		"Tl=25/Nov/2026:15:01:16 +0530 ft=\"fe\" f=\"fe\" b=\"be\" "
		"s=\"s1\" H=\"vm\" TR=0 Tw=0 Ta=0 ST=200 B=185 U=133 "
		"CC=\"SESS=a\\b]c\"d\" CS=\"\" tsc=---- ts=-- ac=1 rc=0 sq=0 "
		"hr=\"{127.0.0.1:20081|Mozilla/5.0 #22x#22#7Cy#7Bz#7D#23\\]}\" "
		"hs= hrl=\"127.0.0.1:20081\" \"Mozilla/5.0 "
		"#22x#22#7Cy#7Bz#7D#23\\]\" hsl= "
		"r=\"GET /index.html?a=b&c=#22d#22] HTTP/1.1\" HM=\"GET\" "
		"HU=\"/index.html?a=b&c=#22d#22]\" HP=\"/index.html\" "
		"HPO=\"/index.html\" HQ=\"?a=b&c=#22d#22]\" HV=\"HTTP/1.1\" "
		"ID=\"\" pid=5960 rt=0 lc=0");

	/* a bad request under Q: missing addresses and ports are "" */
	v.has_srv = v.has_be_src = 0;
	v.request_line = NULL;
	v.hdrs_req = NULL;
	check_render("%{+Q}o bi=%bi bp=%bp si=%si sp=%sp hr=%hr r=%r HM=%HM "
		     "HV=%HV", &v,
		     "bi=\"\" bp=\"\" si=\"\" sp=\"\" hr= r=\"<BADREQ>\" "
		     "HM=\"<BADREQ>\" HV=\"<BADREQ>\"");
}

static const char hex_fmt[] =
	"%{+X}o ci=%ci cp=%cp fi=%fi fp=%fp bi=%bi bp=%bp si=%si sp=%sp t=%t "
	"T=%T Ts=%Ts ms=%ms Tl=%Tl ft=%ft TR=%TR Ta=%Ta ST=%ST B=%B U=%U "
	"CC=%CC tsc=%tsc ac=%ac rc=%rc hr=%hr hrl=%hrl r=%r HU=%HU ID=%ID "
	"pid=%pid rt=%rt lc=%lc";

static void test_every_variable_hex(void **state)
{
	struct logfmt_vars v;
	char hr[64];

	(void)state;

	set_tz("Asia/Kolkata");
	fill_served(&v, "fex", "127.0.0.1", 0xA49A, 20082);
	set_addr(&v.be_src, "127.0.0.1", 0xEC94);
	set_times(&v, T_093116, 116);
	v.bytes_in = 114;
	v.pid = 5960;
	v.req_counter = 2;
	v.captured_req_cookie = "SESS=a\\b]c\"d";
	join1(hr, sizeof(hr), "127.0.0.1:20082");
	v.hdrs_req = hr;
	set_req(&v, "GET /index.html?a=b HTTP/1.1");
	check_render(hex_fmt, &v,
		"ci=7F000001 cp=A49A fi=7F000001 fp=4E72 bi=7F000001 bp=EC94 "
		"si=7F000001 sp=4E70 t=25/Nov/2026:15:01:16.116 "
		"T=25/Nov/2026:09:31:16 +0000 Ts=6B06AAE4 ms=74 "
		"Tl=25/Nov/2026:15:01:16 +0530 ft=fex TR=0 Ta=0 ST=200 B=185 "
		"U=114 CC=SESS=a\\b]c\"d tsc=---- ac=1 rc=0 hr={127.0.0.1:20082} "
		"hrl=127.0.0.1:20082 r=GET /index.html?a=b HTTP/1.1 "
		"HU=/index.html?a=b ID=- pid=1748 rt=0002 lc=0000");

	/* IPv6 in hex, a small %ms, and %pid padded as HAProxy's "0001" */
	fill_served(&v, "fex", "::1", 0xBD2C, 20082);
	set_times(&v, T_093116, 8);
	v.pid = 1;
	check_render("%{+X}o ci=%ci cp=%cp fi=%fi ms=%ms pid=%pid", &v,
		     "ci=00000000000000000000000000000001 cp=BD2C "
		     "fi=00000000000000000000000000000001 ms=08 pid=0001");
	/* a server on a unix socket: "unix", port 0 */
	set_unix(&v.srv, "/tmp/ha/be.sock");
	set_unix(&v.be_src, "");
	check_render("bi=%bi bp=%bp si=%si sp=%sp pid=%{+X}pid|%{+X}bp", &v,
		     "bi=unix bp=0 si=unix sp=0 pid=0001|0000");
}

static void test_escape_flag(void **state)
{
	struct logfmt_vars v;
	char hr[128];

	(void)state;

	fill_served(&v, "fee", "127.0.0.1", 1, 20083);
	v.captured_req_cookie = "SESS=a\\b]c\"d";
	join1(hr, sizeof(hr), "Mozilla/5.0 \"x\"|y{z}#\\]");
	v.hdrs_req = hr;
	set_req(&v, "GET /index.html?a=b&c=\"d\"] HTTP/1.1");
	check_render("%{+E}o ci=%ci ft=%ft CC=%CC hr=%hr hrl=%hrl r=%r HU=%HU "
		     "HQ=%HQ|%{+Q,+E}r|%{+E,+Q}CC|%{-E}r", &v,
		"ci=127.0.0.1 ft=fee CC=SESS=a\\\\b\\]c\\\"d "
		"hr={Mozilla/5.0 #22x#22#7Cy#7Bz#7D#23\\\\\\]} "
		"hrl=Mozilla/5.0 #22x#22#7Cy#7Bz#7D#23\\\\\\] "
		"r=GET /index.html?a=b&c=#22d#22\\] HTTP/1.1 "
		"HU=/index.html?a=b&c=#22d#22\\] HQ=?a=b&c=#22d#22\\]|"
		"\"GET /index.html?a=b&c=#22d#22\\] HTTP/1.1\"|"
		"\"SESS=a\\\\b\\]c\\\"d\"|"
		"GET /index.html?a=b&c=#22d#22] HTTP/1.1");
}

/* ---- separators, literals, request parts ---- */

static void test_separators_and_parts(void **state)
{
	static const char fmt[] =
		"\\ \\ lead%ci\\ \\ \\ two|%hs|%hr%hr|%{+Q}hrl|%hrl|%hsl|"
		"%{+Q}hsl|%H%ID%ID|%ID\\ %ID\\ %ID|a%%b|%{+Q}HP|%HPO|%HQ|"
		"%{+X}ms\\ \\ ";
	struct logfmt_vars v;
	char hr[64], hs[64];

	(void)state;

	fill_served(&v, "fe", "127.0.0.1", 1, 20081);
	join2(hr, sizeof(hr), NULL, "127.0.0.1:20081");
	join1(hs, sizeof(hs), NULL);
	v.hdrs_req = hr;
	v.hdrs_res = hs;
	set_times(&v, T_093049, 0x6C);
	set_req(&v, "GET /index.html HTTP/1.1");
	check_render(fmt, &v,
		"lead127.0.0.1 two|{}|{|127.0.0.1:20081}{|127.0.0.1:20081}|"
		"\"\" \"127.0.0.1:20081\"|- 127.0.0.1:20081|-|\"\"|vm--|- - -|"
		"a%b|\"/index.html\"|/index.html||6C ");
	/* the same with plain blanks, as the config lexer hands them over */
	check_render("  lead%ci   two|%hs|%{+X}ms  ", &v,
		     "lead127.0.0.1 two|{}|6C ");

	/* absolute form, "*" and a bare path with a query, as HAProxy */
	join2(hr, sizeof(hr), NULL, "foo.example");
	set_times(&v, T_093049, 0x3BD);
	set_req(&v, "GET http://foo.example/p/q?x=1 HTTP/1.1");
	check_render(fmt, &v,
		"lead127.0.0.1 two|{}|{|foo.example}{|foo.example}|"
		"\"\" \"foo.example\"|- foo.example|-|\"\"|vm--|- - -|a%b|"
		"\"http://foo.example/p/q\"|/p/q|?x=1|3BD ");
	set_req(&v, "GET http://foo.example HTTP/1.1");
	check_render("%HP|%HPO|%HQ|", &v, "http://foo.example|||");
	set_req(&v, "GET * HTTP/1.1");
	check_render("%HP|%HPO|%HQ|", &v, "*|||");
	set_req(&v, "GET /a%20b?x HTTP/1.0");
	check_render("%HP|%HPO|%HQ|%HV", &v, "/a%20b|/a%20b|?x|HTTP/1.0");
	set_req(&v, "GET /a?b?c HTTP/1.1");
	check_render("%HU %HP %HQ", &v, "/a?b?c /a ?b?c");
	set_req(&v, "GET /a%7Fb?\x80 HTTP/1.1");
	check_render("r=%r HU=%HU HP=%HP HQ=%HQ", &v,
		     "r=GET /a%7Fb?#80 HTTP/1.1 HU=/a%7Fb?#80 HP=/a%7Fb HQ=?#80");
}

static void test_request_parts_from_fields_or_line(void **state)
{
	struct logfmt_vars v;

	(void)state;

	fill_served(&v, "fe", "127.0.0.1", 1, 2);
	set_req(&v, "GET /x HTTP/1.1");
	v.method = "POST";
	v.method_len = 4;
	v.uri = "/y?q";
	v.uri_len = 4;
	v.version = "HTTP/1.0";
	check_render("%HM %HU %HQ %HV %r", &v,
		     "POST /y?q ?q HTTP/1.0 GET /x HTTP/1.1");
	/* HTTP/0.9-style line: no version */
	v.method = v.uri = v.version = NULL;
	set_req(&v, "GET /");
	check_render("%HM|%HU|%HV|%{+Q}HV", &v, "GET|/|-|\"\"");
	set_req(&v, "");
	check_render("[%HM|%HU|%HV]", &v, "[||-]");
}

static void test_every_byte_encoding(void **state)
{
	struct logfmt_vars v;
	char line[256], want[1024], hr[1024], *w = want;
	const char *vals[1] = { line };
	size_t lens[1] = { sizeof(line) };
	int c;

	(void)state;

	for (c = 0; c < 256; c++) {
		line[c] = (char)c;
		if (c < 32 || c > 126 || c == '"' || c == '#')
			w += sprintf(w, "#%02X", c);
		else
			*w++ = (char)c;
	}
	*w = '\0';
	fill_served(&v, "fe", "127.0.0.1", 1, 2);
	v.request_line = line;
	v.request_line_len = sizeof(line);
	v.uri = line;
	v.uri_len = sizeof(line);
	v.method = "M";
	v.method_len = 1;
	check_render("%r", &v, want);

	/* header captures also encode '{', '|' and '}' */
	logfmt_capture_join(vals, lens, 1, hr, sizeof(hr));
	w = want;
	*w++ = '{';
	for (c = 0; c < 256; c++) {
		if (c < 32 || c > 126 || c == '"' || c == '#' || c == '{' ||
		    c == '|' || c == '}')
			w += sprintf(w, "#%02X", c);
		else
			*w++ = (char)c;
	}
	strcpy(w, "}");
	assert_string_equal(hr, want);
}

static void test_misc_fields(void **state)
{
	struct logfmt_vars v;

	(void)state;

	fill_served(&v, "fe", "127.0.0.1", 1, 2);
	v.fe_ssl = 1;
	v.retries = 3;
	v.redispatched = 1;
	v.srv_queue = 4;
	v.be_queue = 5;
	v.bytes_out = 18446744073709551615ull;
	v.Tq = -1;
	v.status = -1;
	v.frontend = "a b";
	v.server = NULL;
	v.log_counter = 0x1234567;
	check_render("%ft|%{+Q}ft|%rc|%sq/%bq|%B|%Tq|%ST|%f|%s|%{+Q}s|%{+X}lc",
		     &v, "a b~|\"a b~\"|+3|4/5|18446744073709551615|-1|-1|a b|-|"
			 "\"\"|1234567");
	v.frontend = NULL;
	check_render("%ft|%{+Q}ft", &v, "-|\"\"");
	/* a term_state shorter than 4 is padded with '-' */
	memcpy(v.term_state, "sD\0\0", 5);
	check_render("%ts %tsc", &v, "sD sD--");
	/* %o is cumulative and per-variable flags override it */
	v.frontend = "fe";
	check_render("%{+Q}o%{+X}o%f %cp %{-Q}f %{-X}cp %o%b", &v,
		     "\"fe\" 0001 fe 1 \"be\"");
}

static void test_vars_init_renders_markers(void **state)
{
	struct logfmt_vars v;

	(void)state;

	set_tz("UTC");
	logfmt_vars_init(&v);
	assert_int_equal(v.status, -1);
	assert_int_equal(v.TR, -1);
	assert_null(v.request_line);
	check_render(logfmt_httplog, &v,
		     "-:- [01/Jan/1970:00:00:00.000] - -/- -1/-1/-1/-1/-1 -1 0 - "
		     "- ---- 0/0/0/0/0 0/0 \"<BADREQ>\"");
	check_render("%bi:%bp %si:%sp %Tt %Th %Ti %Td", &v,
		     "-:- -:- -1 -1 -1 -1");
}

/* ---- compile ---- */

static void expect_error(const char *fmt, const char *msg)
{
	char err[256] = "untouched";
	struct logfmt *lf = logfmt_compile(fmt, err, sizeof(err));

	if (lf)
		fail_msg("'%s' compiled, expected error '%s'", fmt, msg);
	if (!strstr(err, msg))
		fail_msg("'%s': error '%s' lacks '%s'", fmt, err, msg);
}

static void test_compile_errors(void **state)
{
	(void)state;
	expect_error("%zz", "unknown log-format variable '%zz'");
	expect_error("%{+Q}zz", "unknown log-format variable '%zz'");
	expect_error("%ci1", "unknown log-format variable '%ci1'");
	expect_error("%Ts123", "'%Ts123'");
	expect_error("%[src]",
		     "sample expressions in log-format are not supported yet");
	expect_error("%{+Q}[src]",
		     "sample expressions in log-format are not supported yet");
	expect_error("%[src", "missing ']'");
	expect_error("abc%", "'%' must be followed by a variable name");
	expect_error("%ci%", "'%' must be followed by a variable name");
	expect_error("%%%", "'%' must be followed by a variable name");
	expect_error("% x", "'%' must be followed by a variable name");
	expect_error("%{+Q", "missing '}' after '%{+Q'");
	expect_error("%{+Q}", "flags '%{+Q}' must be followed by a variable");
	expect_error("%{+Q}%ci", "flags '%{+Q}' must be followed");
	expect_error("%ci_%{+E}", "flags '%{+E}' must be followed");
	expect_error("%{+Z}ci", "unknown log-format flag '+Z'");
	expect_error("%{Q}ci", "unknown log-format flag 'Q'");
	expect_error("%{+q}ci", "unknown log-format flag '+q'");
	expect_error("%{ +Q}ci", "unknown log-format flag ' +Q'");
	expect_error("%{+QX}ci", "unknown log-format flag '+QX'");
	expect_error("%Tu", "log-format variable %Tu is not supported yet");
	expect_error("%sslc", "log-format variable %sslc is not supported yet");
	expect_error("%sslv", "log-format variable %sslv is not supported yet");
	expect_error(NULL, "no log-format string");
	/* a NULL or zero-length err buffer is fine */
	assert_null(logfmt_compile("%zz", NULL, 0));
}

static void test_compile_accepts(void **state)
{
	static const char *const ok[] = {
		"", "plain text", "{x}", "a\\b", "%%{+Q}", "%ci_x", "%ci-x",
		"%ci.x", "%{+Q,}ci", "%{}ci", "%{+Q,-Q}ci", "%{+Q,+X,+E}o%o",
		"%{-Q}o%ci", logfmt_httplog, logfmt_httplog_clf,
		logfmt_tcplog, logfmt_default, logfmt_default_tcp,
	};
	struct logfmt_vars v;
	char err[256], out[64];
	size_t i;

	(void)state;

	logfmt_vars_init(&v);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct logfmt *lf = logfmt_compile(ok[i], err, sizeof(err));

		if (!lf)
			fail_msg("'%s': %s", ok[i], err);
		logfmt_render(lf, &v, out, sizeof(out));
		logfmt_free(lf);
	}
	logfmt_free(NULL);
	fill_served(&v, "fe", "127.0.0.1", 1, 2);
	check_render("%%{+Q}|a\\b|%{+Q,-Q}ci|%{}ci", &v,
		     "%{+Q}|a\\b|127.0.0.1|127.0.0.1");
}

static void test_uses_http(void **state)
{
	static const struct { const char *fmt; int http; } cases[] = {
		{ logfmt_httplog, 1 }, { logfmt_httplog_clf, 1 },
		{ logfmt_tcplog, 0 }, { logfmt_default, 0 },
		{ "%hr %hs %ST %B %ID", 0 }, { "%r", 1 }, { "%tsc", 1 },
		{ "%Ta", 1 }, { "%TR", 1 }, { "%Tq", 1 }, { "%Ti", 1 },
		{ "%CC", 1 }, { "%HQ", 1 }, { "%trg", 1 }, { "%Tt %Tw", 0 },
	};
	size_t i;

	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct logfmt *lf = logfmt_compile(cases[i].fmt, NULL, 0);

		assert_non_null(lf);
		if (logfmt_uses_http(lf) != cases[i].http)
			fail_msg("'%s': uses_http %d", cases[i].fmt,
				 logfmt_uses_http(lf));
		logfmt_free(lf);
	}
	assert_int_equal(logfmt_uses_http(NULL), 0);
}

/* ---- truncation ---- */

static void test_truncation_every_size(void **state)
{
	struct logfmt_vars v;
	struct logfmt *lf;
	char full[1024], out[1024], hr[64];
	size_t n, len, cut;

	(void)state;

	set_tz("UTC");
	fill_served(&v, "fe", "2001:db8::1", 443, 8443);
	set_times(&v, T_093030, 5);
	join2(hr, sizeof(hr), "a\"b", "{c}");
	v.hdrs_req = hr;
	set_req(&v, "GET /\"quoted\"#frag\x01 HTTP/1.1");
	lf = logfmt_compile(logfmt_httplog, NULL, 0);
	assert_non_null(lf);
	len = logfmt_render(lf, &v, full, sizeof(full));
	assert_true(len > 100);

	assert_int_equal(logfmt_render(lf, &v, out, 0), 0);
	assert_int_equal(logfmt_render(lf, &v, NULL, 10), 0);
	for (cut = 1; cut <= len + 2; cut++) {
		memset(out, 'Z', sizeof(out));
		n = logfmt_render(lf, &v, out, cut);
		assert_true(n < cut);
		assert_int_equal(out[n], '\0');
		assert_int_equal(strlen(out), n);
		assert_memory_equal(out, full, n);	/* a prefix */
		assert_int_equal(out[n + 1], 'Z');	/* nothing beyond */
		/* never inside "#XX", nor a split number or address */
		assert_true(n == 0 || out[n - 1] != '#');
		assert_true(n < 2 || out[n - 2] != '#');
		if (cut <= len)
			assert_true(n <= cut - 1);
		else
			assert_int_equal(n, len);
	}
	/* "2001:db8::1:443" is never cut inside the address */
	n = logfmt_render(lf, &v, out, 6);
	assert_string_equal(out, "");
	n = logfmt_render(lf, &v, out, 13);
	assert_string_equal(out, "2001:db8::1:");
	logfmt_free(lf);

	/* rendering a NULL format or NULL vars gives an empty line */
	assert_int_equal(logfmt_render(NULL, &v, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void test_capture_join_truncation(void **state)
{
	const char *vals[3] = { "ab", NULL, "c|d" };
	size_t lens[3] = { 2, 0, 3 };
	char out[32];

	(void)state;

	assert_int_equal(logfmt_capture_join(vals, lens, 3, out, sizeof(out)),
			 strlen("{ab||c#7Cd}"));
	assert_string_equal(out, "{ab||c#7Cd}");
	logfmt_capture_join(vals, lens, 3, out, 8);
	assert_string_equal(out, "{ab||c");
	logfmt_capture_join(vals, lens, 3, out, 9);
	assert_string_equal(out, "{ab||c");	/* "#7C" not split */
	assert_int_equal(logfmt_capture_join(vals, lens, 3, out, 0), 0);
	logfmt_capture_join(vals, lens, 0, out, sizeof(out));
	assert_string_equal(out, "{}");
}

/* ---- JSON (HAProxy 3.0's %{+json}o and %(name)) ---- */

static void test_json_line_named_fields(void **state)
{
	struct logfmt_vars v;

	(void)state;
	set_tz("UTC");
	fill_served(&v, "f\"e\\\x01\xc3\xa9\xff", "127.0.0.1", 52350, 20081);
	set_times(&v, T_093030, 87);
	v.Tr = 1;
	set_req(&v, "GET /a\"b\\c HTTP/1.1");
	/* numbers bare, strings escaped (quote, backslash, control byte,
	 * valid UTF-8 kept, an invalid byte as \u00XX; %r's own #XX first),
	 * unnamed fields and literal text left out */
	check_render("%{+json}o %(client_ip)ci %(client_port)cp text %ST "
		     "%(status)ST %(tr)Tr %(frontend)f %(request)r %(pid)pid",
		     &v,
		     "{\"client_ip\": \"127.0.0.1\", \"client_port\": 52350, "
		     "\"status\": 200, \"tr\": 1, "
		     "\"frontend\": \"f\\\"e\\\\\\u0001\xc3\xa9\\u00FF\", "
		     "\"request\": \"GET /a#22b\\\\c HTTP/1.1\", "
		     "\"pid\": 5543}");
	v.Tr = -1;
	check_render("%{+json}o %(tr)Tr %(server)s", &v,
		     "{\"tr\": -1, \"server\": \"s1\"}");
}

static void test_json_single_field_and_errors(void **state)
{
	struct logfmt_vars v;
	char err[256];

	(void)state;
	fill_served(&v, "f\"e", "127.0.0.1", 1, 2);
	/* +json on one variable: only its value is encoded */
	check_render("fe=%{+json}f st=%{+json}ST", &v, "fe=\"f\\\"e\" st=200");
	assert_null(logfmt_compile("%(bad name)ci", err, sizeof(err)));
	assert_non_null(strstr(err, "%("));
	assert_null(logfmt_compile("%(x)o", err, sizeof(err)));
	assert_null(logfmt_compile("%{+jsn}o", err, sizeof(err)));
	assert_null(logfmt_compile("%()ci", err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_httplog_ipv4_matches_haproxy),
		cmocka_unit_test(test_httplog_ipv6_local_time),
		cmocka_unit_test(test_httplog_unix_listener),
		cmocka_unit_test(test_httplog_bad_request),
		cmocka_unit_test(test_httplog_captures),
		cmocka_unit_test(test_httplog_clf),
		cmocka_unit_test(test_tcplog),
		cmocka_unit_test(test_default_formats),
		cmocka_unit_test(test_every_variable),
		cmocka_unit_test(test_every_variable_quoted),
		cmocka_unit_test(test_every_variable_hex),
		cmocka_unit_test(test_escape_flag),
		cmocka_unit_test(test_separators_and_parts),
		cmocka_unit_test(test_request_parts_from_fields_or_line),
		cmocka_unit_test(test_every_byte_encoding),
		cmocka_unit_test(test_misc_fields),
		cmocka_unit_test(test_vars_init_renders_markers),
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_compile_accepts),
		cmocka_unit_test(test_uses_http),
		cmocka_unit_test(test_truncation_every_size),
		cmocka_unit_test(test_capture_join_truncation),
		cmocka_unit_test(test_json_line_named_fields),
		cmocka_unit_test(test_json_single_field_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
