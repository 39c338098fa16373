/*
 * test_chk_proto.c - requests and response validators of the named health
 * checks. Every validator input is copied so that it ends at an unmapped
 * page, and every response is also judged cut at each length: shorter than
 * the verdict's length it must need more, from there on it must give the
 * same verdict.
 *
 * Where the byte sequences come from (captured on loopback, Debian 12):
 *   mariadb_*   MariaDB 10.11.19 answering lbd's requests (user "haproxy"
 *               without password, "nosuchuser", an ed25519 account) and, for
 *               the host error, a server with no account for 127.0.0.1;
 *   pg_*        PostgreSQL 15.18 answering lbd's StartupMessage (trust, md5,
 *               scram-sha-256, "reject" and unknown-role pg_hba lines);
 *   redis_*     redis-server 7.0 (Debian 12) answering PING, without and
 *               with requirepass;
 *   aiosmtpd_*  python3-aiosmtpd 1.4.3 answering HELO and EHLO;
 *   slapd_*     OpenLDAP slapd 2.5 answering lbd's anonymous bind, with and
 *               without "disallow bind_anon";
 *   openssl_*   "openssl s_server" (OpenSSL 3.0) answering lbd's hello with
 *               default, -tls1_3, -tls1_2, -tls1 settings; the alerts answer
 *               HAProxy 2.6's SSLv3 hello and lbd's hello offered no common
 *               cipher;
 *   pyhttp_*    Python 3.11 http.server answering lbd's HTTP requests.
 * The request builders' output is compared with the protocols' specs and,
 * where the bytes are fixed (Redis, LDAP, PostgreSQL, the default HTTP
 * request), with what HAProxy 2.6.12 sends. Other failure cases are written
 * from the specs (MySQL ERR/AuthSwitchRequest, PostgreSQL NoticeResponse,
 * RFC 5321 replies, RFC 4511 Notice of Disconnection, RFC 8446 records).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guard.h"
#include "chk_proto.h"

#define L6OK	CHK_PROTO_ST_L6OK
#define L6RSP	CHK_PROTO_ST_L6RSP
#define L7OK	CHK_PROTO_ST_L7OK
#define L7RSP	CHK_PROTO_ST_L7RSP
#define L7STS	CHK_PROTO_ST_L7STS
#define OK	CHK_PROTO_OK
#define FAIL	CHK_PROTO_FAIL
#define NEED	CHK_PROTO_NEED_MORE

#define S(a)	(a), (sizeof(a) - 1)	/* a literal and its length */

struct verdict {
	int rc;
	struct chk_proto_res res;
	char msg[256];
};

/* The validators' common shape; MySQL's flag goes through wrappers. */
static int mysql_greeting_only(const char *b, size_t n, struct chk_proto_res *r,
			       char *m, size_t ml)
{
	return chk_proto_mysql_check(b, n, 0, r, m, ml);
}

static int mysql_with_user(const char *b, size_t n, struct chk_proto_res *r,
			   char *m, size_t ml)
{
	return chk_proto_mysql_check(b, n, 1, r, m, ml);
}

static void judge(int (*fn)(const char *, size_t, struct chk_proto_res *,
			    char *, size_t),
		  const char *s, size_t n, struct verdict *v)
{
	struct guard_buf g;
	const char *b = guard_copy(&g, s, n);

	assert_non_null(b);
	memset(&v->res, 0x5a, sizeof(v->res));
	memset(v->msg, 'X', sizeof(v->msg));
	v->rc = fn(b, n, &v->res, v->msg, sizeof(v->msg));
	guard_free(&g);
	assert_non_null(memchr(v->msg, '\0', sizeof(v->msg)));
	if (v->rc == NEED) {
		assert_int_equal(v->res.status, CHK_PROTO_ST_NONE);
		assert_string_equal(v->msg, "");
		return;
	}
	assert_int_equal(v->rc, (v->res.status == L6OK || v->res.status == L7OK)
				? OK : FAIL);
	assert_true(v->res.len <= n);
	/* the text starts with the status's description */
	assert_memory_equal(v->msg, chk_proto_status_descs[v->res.status],
			    strlen(chk_proto_status_descs[v->res.status]));
}

/* Prefix lengths worth judging: all of them for short inputs. */
static int worth(size_t k, size_t n, size_t used)
{
	return n <= 4096 || k % 97 == 0 || k + 600 >= n ||
	       (k + 2 >= used && k <= used + 2);
}

/*
 * Judge s[0..n) and expect rc/status/code/len, with msg_part inside the text
 * (an exact text when it starts with "="). exact 0: only that a prefix needs
 * more or agrees on rc, status and code (the HTTP parser decides some errors
 * at the end of the head).
 */
static void expect_v(const char *what,
		     int (*fn)(const char *, size_t, struct chk_proto_res *,
			       char *, size_t),
		     const char *s, size_t n, int rc, enum chk_proto_status st,
		     int code, size_t used, const char *msg_part, int exact)
{
	struct verdict v, p;
	size_t k;

	judge(fn, s, n, &v);
	if (v.rc != rc || (rc != NEED && (v.res.status != st || v.res.code != code ||
					  (exact && v.res.len != used))))
		fail_msg("%s: rc=%d status=%s code=%d len=%zu msg=\"%s\" (want "
			 "%d %s %d %zu)", what, v.rc,
			 chk_proto_status_names[v.rc == NEED ? 0 : v.res.status],
			 v.res.code, v.res.len, v.msg, rc, chk_proto_status_names[st],
			 code, used);
	if (msg_part && (msg_part[0] == '=' ? strcmp(v.msg, msg_part + 1) != 0 :
			 !strstr(v.msg, msg_part)))
		fail_msg("%s: text \"%s\", want \"%s\"", what, v.msg, msg_part);
	if (rc == NEED)
		used = n + 1;
	for (k = 0; k < n; k++) {
		if (!worth(k, n, used))
			continue;
		judge(fn, s, k, &p);
		if (exact && k < used && p.rc != NEED)
			fail_msg("%s: cut at %zu: rc=%d \"%s\" (want need more)",
				 what, k, p.rc, p.msg);
		if (p.rc == NEED && (!exact || k < used))
			continue;
		if (p.rc != v.rc || p.res.status != v.res.status ||
		    p.res.code != v.res.code)
			fail_msg("%s: cut at %zu: rc=%d \"%s\", whole: rc=%d \"%s\"",
				 what, k, p.rc, p.msg, v.rc, v.msg);
		if (exact && (p.res.len != v.res.len || strcmp(p.msg, v.msg)))
			fail_msg("%s: cut at %zu: len %zu \"%s\", whole: len %zu "
				 "\"%s\"", what, k, p.res.len, p.msg, v.res.len, v.msg);
	}
}

#define EXPECT(fn, vec, rc, st, code, used, msg) \
	expect_v(#vec, fn, S(vec), rc, st, code, used, msg, 1)

/* ---- captured sequences ---------------------------------------------------- */

/* 104 bytes */
static const char mariadb_greeting[] =
	"d\x00\x00\x00\n5.5.5-10.11.19-MariaDB-0+deb12u1\x00\x03\x00\x00"
	"\x00~{n6ag`.\x00\xfe\xf7-\x02\x00\xff\x81\x15\x00\x00\x00\x00\x00"
	"\x00\x1d\x00\x00\x00`zdeN8j0Lpp`\x00mysql_native_password\x00";

/* 72 bytes */
static const char mariadb_err_host[] =
	"D\x00\x00\x00\xffj\x04Host '127.0.0.1' is not allowed to connect t"
	"o this MariaDB server";

/* 115 bytes */
static const char mariadb_auth41_ok[] =
	"d\x00\x00\x00\n5.5.5-10.11.19-MariaDB-0+deb12u1\x00\x04\x00\x00"
	"\x00\\aQR*w=h\x00\xfe\xf7-\x02\x00\xff\x81\x15\x00\x00\x00\x00\x00"
	"\x00\x1d\x00\x00\x00r)mn_q:k.@:@\x00mysql_native_password\x00\x07"
	"\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00";

/* 111 bytes */
static const char mariadb_auth320_ok[] =
	"d\x00\x00\x00\n5.5.5-10.11.19-MariaDB-0+deb12u1\x00\x05\x00\x00"
	"\x00'Fjb.[aX\x00\xfe\xf7-\x02\x00\xff\x81\x15\x00\x00\x00\x00\x00"
	"\x00\x1d\x00\x00\x00rU4C2qc|edHx\x00mysql_native_password\x00\x03"
	"\x00\x00\x02\x00\x00\x00";

/* 164 bytes */
static const char mariadb_auth41_denied[] =
	"d\x00\x00\x00\n5.5.5-10.11.19-MariaDB-0+deb12u1\x00\x06\x00\x00"
	"\x00" "buE8&Wbh\x00\xfe\xf7-\x02\x00\xff\x81\x15\x00\x00\x00\x00"
	"\x00\x00\x1d\x00\x00\x00" "b3w\"=NO%dM3U\x00mysql_native_password"
	"\x00" "8\x00\x00\x02\xff\xa2\x06#28000Access denied for user 'nosu"
	"chuser'@'127.0.0.1'";

/* 158 bytes */
static const char mariadb_auth320_denied[] =
	"d\x00\x00\x00\n5.5.5-10.11.19-MariaDB-0+deb12u1\x00\x07\x00\x00"
	"\x00u]Rd!q<r\x00\xfe\xf7-\x02\x00\xff\x81\x15\x00\x00\x00\x00\x00"
	"\x00\x1d\x00\x00\x00Nn]ix>ixAwT~\x00mysql_native_password\x00" "2"
	"\x00\x00\x02\xff\xa2\x06" "Access denied for user 'nosuchuser'@'12"
	"7.0.0.1'";

/* 219 bytes */
static const char mariadb_auth41_plugin[] =
	"d\x00\x00\x00\n5.5.5-10.11.19-MariaDB-0+deb12u1\x00\x0e\x00\x00"
	"\x00Ov%RMkR:\x00\xfe\xf7-\x02\x00\xff\x81\x15\x00\x00\x00\x00\x00"
	"\x00\x1d\x00\x00\x00h!geDbDid;:R\x00mysql_native_password\x00o\x00"
	"\x00\x02\xff\xe3\x04#08004Client does not support authentication p"
	"rotocol requested by server; consider upgrading MariaDB client";

/* 50 bytes */
static const char req_mysql41[] =
	")\x00\x00\x01\x00\x82\x00\x00\x00\x00\x00\x01!\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00haproxy\x00\x00\x01\x00\x00\x00\x01";

/* 22 bytes */
static const char req_mysql320[] =
	"\r\x00\x00\x01\x01\x00\xff\xff\xffhaproxy\x00\x01\x00\x00\x00\x01";

/* 102 bytes */
static const char pg_auth_ok_then_error[] =
	"R\x00\x00\x00\x08\x00\x00\x00\x00" "E\x00\x00\x00\\SFATAL\x00VFATA"
	"L\x00" "C3D000\x00Mdatabase \"haproxy\" does not exist\x00" "Fpost"
	"init.c\x00L948\x00RInitPostgres\x00\x00";

/* 24 bytes */
static const char pg_auth_sasl[] =
	"R\x00\x00\x00\x17\x00\x00\x00\nSCRAM-SHA-256\x00\x00";

/* 13 bytes */
static const char pg_auth_md5[] =
	"R\x00\x00\x00\x0c\x00\x00\x00\x05~\x1f" "0/";

/* 168 bytes */
static const char pg_error_hba[] =
	"E\x00\x00\x00\xa7SFATAL\x00VFATAL\x00" "C28000\x00Mpg_hba.conf rej"
	"ects connection for host \"127.0.0.1\", user \"rejected\", databas"
	"e \"rejected\", no encryption\x00" "Fauth.c\x00L476\x00RClientAuth"
	"entication\x00\x00";

/* 107 bytes */
static const char pg_auth_ok_no_role[] =
	"R\x00\x00\x00\x08\x00\x00\x00\x00" "E\x00\x00\x00" "aSFATAL\x00VFA"
	"TAL\x00" "C28000\x00Mrole \"ghost\" does not exist\x00" "Fmiscinit"
	".c\x00L768\x00RInitializeSessionUserId\x00\x00";

/* 22 bytes */
static const char req_pgsql[] =
	"\x00\x00\x00\x16\x00\x03\x00\x00user\x00haproxy\x00\x00";

/* 7 bytes */
static const char redis_pong[] =
	"+PONG\r\n";

/* 34 bytes */
static const char redis_noauth[] =
	"-NOAUTH Authentication required.\r\n";

/* 33 bytes */
static const char aiosmtpd_greeting[] =
	"220 localhost Python SMTP 1.4.3\r\n";

/* 39 bytes */
static const char aiosmtpd_ehlo_reply[] =
	"250-localhost\r\n250-8BITMIME\r\n250 HELP\r\n";

/* 15 bytes */
static const char aiosmtpd_helo_reply[] =
	"250 localhost\r\n";

/* 14 bytes */
static const char slapd_bind_ok[] =
	"0\x0c\x02\x01\x01" "a\x07\n\x01\x00\x04\x00\x04\x00";

/* 39 bytes */
static const char slapd_bind_anon_refused[] =
	"0%\x02\x01\x01" "a \n\x01" "0\x04\x00\x04\x19" "anonymous bind dis"
	"allowed";

/* 95 bytes */
static const char openssl_tls13_hello[] =
	"\x16\x03\x03\x00Z\x02\x00\x00V\x03\x03\x18\x89\xe8\x90\xa7\xc9\xd0"
	"\x00\xb5)\xf5" "8\xb8\xd3\x7f\xcaS;\xd3\xb4@j\xc4~\x94\xc5\xdd\xc8"
	"VST\xcb\x00\x13\x01\x00\x00.\x00+\x00\x02\x03\x04\x00" "3\x00$\x00"
	"\x1d\x00 \\9\x90J)(#\xf2;\xa2" "5\xeb\xe3\xea\x16\x9e\xbc=JC\x9a"
	"\xe1\xc4\x8c\xf4/\x13" "b\x85Y\xc5" "B";

/* 94 bytes */
static const char openssl_tls12_hello[] =
	"\x16\x03\x03\x00Y\x02\x00\x00U\x03\x03G\x85\x17UHD\xa2\x1b\xd8y"
	"\x0e" "c\x04m}g\xd9\xa0\x11\xad&\x86\xa5\x84\xa3\x0c\xb5" "1\xed"
	"\xba{\xeb [\x9e\x0e\x14\xe4\x8a%hE\xdc\x8cq\xe7\xd9\x8d\xfc\xb0"
	"\xaf\x8b\xce" "C eU\xe4j\xd0" "0\x09\xfa\x9d \xc0/\x00\x00\r\xff"
	"\x01\x00\x01\x00\x00\x0b\x00\x04\x03\x00\x01\x02";

/* 94 bytes */
static const char openssl_tls10_hello[] =
	"\x16\x03\x01\x00Y\x02\x00\x00U\x03\x01\xab\x84@\x11\xda\xa4\nW\x95"
	"\xf3\x05u\xca\x1e\xc0\xb4\xb4\x92\x01\x1d\xad$\xff\xee" "F\x0bm"
	"\x00\x8e" "aG\x1d \xb4\xfc" "b3U\x91\x0f\x01" "4\xda]\x16~\xdb}E"
	"\x0f\x90\xbf\xfa\x0bRx&D\xe9\x9d" "bO\xd5W\xcb\xc0\x13\x00\x00\r"
	"\xff\x01\x00\x01\x00\x00\x0b\x00\x04\x03\x00\x01\x02";

/* 7 bytes */
static const char openssl_alert_sslv3[] =
	"\x15\x03\x00\x00\x02\x02(";

/* 7 bytes */
static const char openssl_alert_nocipher[] =
	"\x15\x03\x03\x00\x02\x02(";

/* 202 bytes */
static const char pyhttp_get_200[] =
	"HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.7\r\nDate: W"
	"ed, 25 Nov 2026 10:54:31 GMT\r\nContent-type: application/octet-st"
	"ream\r\nContent-Length: 3\r\nLast-Modified: Wed, 25 Nov 2026 10:54"
	":23 GMT\r\n\r\nok\n";

/* 217 bytes */
static const char pyhttp_options_501[] =
	"HTTP/1.0 501 Unsupported method ('OPTIONS')\r\nServer: SimpleHTTP/"
	"0.6 Python/3.11.7\r\nDate: Wed, 25 Nov 2026 10:54:31 GMT\r\nConnec"
	"tion: close\r\nContent-Type: text/html;charset=utf-8\r\nContent-Le"
	"ngth: 360\r\n\r\n<!DOCTYPE HTML>\n";

/* 201 bytes */
static const char pyhttp_get_404[] =
	"HTTP/1.0 404 File not found\r\nServer: SimpleHTTP/0.6 Python/3.11."
	"7\r\nDate: Wed, 25 Nov 2026 10:54:31 GMT\r\nConnection: close\r\nC"
	"ontent-Type: text/html;charset=utf-8\r\nContent-Length: 335\r\n\r"
	"\n<!DOCTYPE HTML>\n";

/* ---- status tables ----------------------------------------------------------- */

static void test_status_tables(void **state)
{
	(void)state;
	assert_string_equal(chk_proto_status_names[L7OK], "L7OK");
	assert_string_equal(chk_proto_status_names[L7STS], "L7STS");
	assert_string_equal(chk_proto_status_names[L6RSP], "L6RSP");
	/* HAProxy's check_desc texts, as its stats page shows them */
	assert_string_equal(chk_proto_status_descs[L7OK], "Layer7 check passed");
	assert_string_equal(chk_proto_status_descs[L7STS], "Layer7 wrong status");
	assert_string_equal(chk_proto_status_descs[L7RSP], "Layer7 invalid response");
	assert_string_equal(chk_proto_status_descs[L6OK], "Layer6 check passed");
	assert_string_equal(chk_proto_status_descs[L6RSP], "Layer6 invalid response");
}

/* ---- MySQL --------------------------------------------------------------------- */

static void test_mysql_build(void **state)
{
	char out[256], user80[81];
	ssize_t n;

	(void)state;
	n = chk_proto_mysql_build(out, sizeof(out), "haproxy", CHK_PROTO_MYSQL_POST41);
	assert_int_equal(n, sizeof(req_mysql41) - 1);
	assert_memory_equal(out, req_mysql41, (size_t)n);
	/* header: 41-byte payload, sequence 1; flags PROTOCOL_41 and
	 * SECURE_CONNECTION; COM_QUIT last with sequence 0 */
	assert_memory_equal(out, "\x29\x00\x00\x01\x00\x82\x00\x00", 8);
	assert_memory_equal(out + n - 5, "\x01\x00\x00\x00\x01", 5);

	n = chk_proto_mysql_build(out, sizeof(out), "haproxy", CHK_PROTO_MYSQL_PRE41);
	assert_int_equal(n, sizeof(req_mysql320) - 1);
	assert_memory_equal(out, req_mysql320, (size_t)n);

	/* no user: nothing to send, the greeting alone is judged */
	assert_int_equal(chk_proto_mysql_build(out, sizeof(out), NULL,
					       CHK_PROTO_MYSQL_POST41), 0);
	assert_int_equal(chk_proto_mysql_build(out, sizeof(out), "",
					       CHK_PROTO_MYSQL_POST41), -1);
	assert_int_equal(chk_proto_mysql_build(out, sizeof(out), "a\nb",
					       CHK_PROTO_MYSQL_POST41), -1);
	memset(user80, 'u', 80);
	user80[80] = '\0';
	n = chk_proto_mysql_build(out, sizeof(out), user80, CHK_PROTO_MYSQL_POST41);
	assert_int_equal(n, 4 + 32 + 81 + 1 + 5);
	assert_true(n <= 128);
	assert_int_equal(chk_proto_mysql_build(out, (size_t)n, user80,
					       CHK_PROTO_MYSQL_POST41), n);
	assert_int_equal(chk_proto_mysql_build(out, (size_t)n - 1, user80,
					       CHK_PROTO_MYSQL_POST41), -1);
}

static void test_mysql_build_limits(void **state)
{
	char out[256], user81[82];

	(void)state;
	memset(user81, 'u', 81);
	user81[81] = '\0';
	assert_int_equal(chk_proto_mysql_build(out, sizeof(out), user81,
					       CHK_PROTO_MYSQL_PRE41), -1);
	assert_int_equal(chk_proto_mysql_build(out, sizeof(out), user81,
					       CHK_PROTO_MYSQL_POST41), -1);
	/* non-ASCII names are the server's business, controls are not */
	assert_int_equal(chk_proto_mysql_build(out, sizeof(out), "j\xc3\xb6rg",
					       CHK_PROTO_MYSQL_POST41), 4 + 32 + 6 + 1 + 5);
	assert_int_equal(chk_proto_mysql_build(out, sizeof(out), "a\x7f",
					       CHK_PROTO_MYSQL_PRE41), -1);
}

static void test_mysql_greeting(void **state)
{
	/* a pre-4.1 server: protocol 9, version, thread id, scramble */
	static const char v9[] = "\x15\x00\x00\x00\x09" "3.22.32\x00"
				 "\x01\x00\x00\x00" "abcdefgh\x00";

	(void)state;
	EXPECT(mysql_greeting_only, mariadb_greeting, OK, L7OK, -1, 104,
	       "=Layer7 check passed: MySQL 5.5.5-10.11.19-MariaDB-0+deb12u1");
	EXPECT(mysql_greeting_only, v9, OK, L7OK, -1, 25, "MySQL 3.22.32");
	/* "Host ... is not allowed": an ERR packet instead of the greeting */
	EXPECT(mysql_greeting_only, mariadb_err_host, FAIL, L7STS, 1130, 72,
	       "=Layer7 wrong status: 1130 Host '127.0.0.1' is not allowed "
	       "to connect to this MariaDB server");
	EXPECT(mysql_with_user, mariadb_err_host, FAIL, L7STS, 1130, 72, NULL);
	/* bytes after the greeting are not looked at without a user */
	expect_v("greeting + junk", mysql_greeting_only,
		 mariadb_auth41_denied, sizeof(mariadb_auth41_denied) - 1,
		 OK, L7OK, -1, 104, NULL, 1);
}

static void test_mysql_greeting_bad(void **state)
{
	static const char proto11[] = "\x05\x00\x00\x00\x0b" "5.7\x00";
	static const char no_nul[] = "\x06\x00\x00\x00\x0a" "5.7.1";
	static const char short10[] = "\x0a\x00\x00\x00\x0a" "5.7\x00" "12345";
	static const char seq1[] = "\x05\x00\x00\x01\x0a" "5.7\x00";
	static const char empty[] = "\x00\x00\x00\x00";
	static const char huge[] = "\x01\x10\x00\x00";
	static const char http[] = "HTTP/1.1 400 Bad Request\r\n";
	static const char err_short[] = "\x02\x00\x00\x00\xff\x01";

	(void)state;
	EXPECT(mysql_greeting_only, proto11, FAIL, L7RSP, -1, 9,
	       "not a MySQL greeting (protocol 11)");
	EXPECT(mysql_greeting_only, no_nul, FAIL, L7RSP, -1, 10, NULL);
	EXPECT(mysql_greeting_only, short10, FAIL, L7RSP, -1, 14, NULL);
	EXPECT(mysql_greeting_only, seq1, FAIL, L7RSP, -1, 9, "sequence id 1");
	EXPECT(mysql_greeting_only, empty, FAIL, L7RSP, -1, 4, "length");
	/* 4097 bytes announced: refused from the header, never waited for */
	EXPECT(mysql_greeting_only, huge, FAIL, L7RSP, -1, 4, "length");
	EXPECT(mysql_greeting_only, http, FAIL, L7RSP, -1, 4, NULL);
	EXPECT(mysql_greeting_only, err_short, FAIL, L7RSP, -1, 6, "truncated");
}

static void test_mysql_auth(void **state)
{
	(void)state;
	EXPECT(mysql_with_user, mariadb_auth41_ok, OK, L7OK, -1, 115,
	       "=Layer7 check passed: MySQL 5.5.5-10.11.19-MariaDB-0+deb12u1");
	EXPECT(mysql_with_user, mariadb_auth320_ok, OK, L7OK, -1, 111, NULL);
	/* 1698: ER_ACCESS_DENIED_NO_PASSWORD_ERROR */
	EXPECT(mysql_with_user, mariadb_auth41_denied, FAIL, L7STS, 1698, 164,
	       "=Layer7 wrong status: 1698 (28000) Access denied for user "
	       "'nosuchuser'@'127.0.0.1'");
	EXPECT(mysql_with_user, mariadb_auth320_denied, FAIL, L7STS, 1698, 158,
	       "=Layer7 wrong status: 1698 Access denied for user "
	       "'nosuchuser'@'127.0.0.1'");
	EXPECT(mysql_with_user, mariadb_auth41_plugin, FAIL, L7STS, 1251, 219,
	       "1251 (08004) Client does not support authentication protocol");
	/* the greeting alone: the OK is still to come */
	EXPECT(mysql_with_user, mariadb_greeting, NEED, CHK_PROTO_ST_NONE, -1, 0,
	       "=");
}

static void test_mysql_auth_bad(void **state)
{
	char buf[160];
	size_t g = sizeof(mariadb_greeting) - 1;
	/* AuthSwitchRequest: 0xfe, plugin name, plugin data */
	static const char sw[] = "\x1d\x00\x00\x02\xfe" "mysql_native_password\x00"
				 "123456";
	static const char seq3[] = "\x07\x00\x00\x03\x00\x00\x00\x02\x00\x00\x00";
	static const char eof[] = "\x05\x00\x00\x02\x01\x00\x00\x02\x00";
	static const char huge[] = "\xff\xff\xff\x02";

	(void)state;
	memcpy(buf, mariadb_greeting, g);
	memcpy(buf + g, sw, sizeof(sw) - 1);
	expect_v("auth switch", mysql_with_user, buf, g + sizeof(sw) - 1, FAIL,
		 L7STS, -1, g + sizeof(sw) - 1, "another authentication method", 1);
	memcpy(buf + g, seq3, sizeof(seq3) - 1);
	expect_v("reply seq 3", mysql_with_user, buf, g + sizeof(seq3) - 1, FAIL,
		 L7RSP, -1, g + sizeof(seq3) - 1, "sequence id 3", 1);
	memcpy(buf + g, eof, sizeof(eof) - 1);
	expect_v("reply 0x01", mysql_with_user, buf, g + sizeof(eof) - 1, FAIL,
		 L7RSP, -1, g + sizeof(eof) - 1, "unexpected MySQL packet 0x01", 1);
	memcpy(buf + g, huge, sizeof(huge) - 1);
	expect_v("reply too long", mysql_with_user, buf, g + 4, FAIL, L7RSP, -1,
		 g + 4, "length", 1);
}

/* ---- PostgreSQL ------------------------------------------------------------------ */

static void test_pgsql_build(void **state)
{
	char out[128], u64[65];
	ssize_t n;

	(void)state;
	/* the same 22 bytes HAProxy 2.6 sends for "user haproxy" */
	n = chk_proto_pgsql_build(out, sizeof(out), "haproxy");
	assert_int_equal(n, 22);
	assert_memory_equal(out, req_pgsql, 22);
	assert_int_equal(chk_proto_pgsql_build(out, 21, "haproxy"), -1);
	assert_int_equal(chk_proto_pgsql_build(out, 22, "haproxy"), 22);
	assert_int_equal(chk_proto_pgsql_build(out, sizeof(out), ""), -1);
	assert_int_equal(chk_proto_pgsql_build(out, sizeof(out), "a\tb"), -1);
	memset(u64, 'p', 64);
	u64[64] = '\0';
	assert_int_equal(chk_proto_pgsql_build(out, sizeof(out), u64), -1);
	u64[63] = '\0';
	n = chk_proto_pgsql_build(out, sizeof(out), u64);
	assert_int_equal(n, 78);
	assert_memory_equal(out, "\x00\x00\x00\x4e\x00\x03\x00\x00user\x00", 13);
	assert_int_equal(out[77], 0);
	assert_int_equal(out[76], 0);
}

static void test_pgsql_auth(void **state)
{
	(void)state;
	/* trust: AuthenticationOk decides, before the error that follows it
	 * (the manual: "waits for either Authentication request or
	 * ErrorResponse message") */
	EXPECT(chk_proto_pgsql_check, pg_auth_ok_then_error, OK, L7OK, 0, 9,
	       "=Layer7 check passed: PostgreSQL authentication ok (0)");
	EXPECT(chk_proto_pgsql_check, pg_auth_ok_no_role, OK, L7OK, 0, 9, NULL);
	EXPECT(chk_proto_pgsql_check, pg_auth_sasl, OK, L7OK, 10, 9,
	       "PostgreSQL SASL (10)");
	EXPECT(chk_proto_pgsql_check, pg_auth_md5, OK, L7OK, 5, 9,
	       "PostgreSQL MD5 password (5)");
	EXPECT(chk_proto_pgsql_check, pg_error_hba, FAIL, L7STS, -1, 168,
	       "=Layer7 wrong status: PostgreSQL error FATAL 28000 pg_hba.conf "
	       "rejects connection for host \"127.0.0.1\", user \"rejected\", "
	       "database \"rejected\", no encryption");
}

static void test_pgsql_other(void **state)
{
	static const char notice_then_ok[] =
		"N\x00\x00\x00\x14SNOTICE\x00Mhello\x00\x00"
		"R\x00\x00\x00\x08\x00\x00\x00\x03";
	static const char negotiate_then_err[] =
		"v\x00\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00"
		"E\x00\x00\x00\x13SFATAL\x00" "C53300\x00\x00";
	static const char ready[] = "Z\x00\x00\x00\x05I";
	static const char v2_error[] = "EFATAL:  no pg_hba.conf entry\n";
	static const char r_short[] = "R\x00\x00\x00\x04";
	static const char r_huge[] = "R\x7f\x00\x00\x00";
	static const char err_unterminated[] = "E\x00\x00\x00\x0aSFATAL";
	static const char http[] = "HTTP/1.1 400 Bad Request\r\n";

	(void)state;
	EXPECT(chk_proto_pgsql_check, notice_then_ok, OK, L7OK, 3, 30,
	       "cleartext password (3)");
	EXPECT(chk_proto_pgsql_check, negotiate_then_err, FAIL, L7STS, -1, 33,
	       "=Layer7 wrong status: PostgreSQL error FATAL 53300");
	EXPECT(chk_proto_pgsql_check, ready, FAIL, L7RSP, -1, 5,
	       "unexpected PostgreSQL message type 0x5a");
	/* a protocol 2 error: no length, so the "length" is text */
	EXPECT(chk_proto_pgsql_check, v2_error, FAIL, L7STS, -1, 5, "length");
	EXPECT(chk_proto_pgsql_check, r_short, FAIL, L7RSP, -1, 5,
	       "truncated authentication request");
	EXPECT(chk_proto_pgsql_check, r_huge, FAIL, L7RSP, -1, 5, "length");
	EXPECT(chk_proto_pgsql_check, err_unterminated, FAIL, L7STS, -1, 11,
	       "=Layer7 wrong status: PostgreSQL error");
	EXPECT(chk_proto_pgsql_check, http, FAIL, L7RSP, -1, 5, NULL);
}

static void test_pgsql_bounded(void **state)
{
	char *buf = malloc(CHK_PROTO_RESP_MAX + 16);
	size_t n = CHK_PROTO_RESP_MAX - 100;

	(void)state;
	assert_non_null(buf);
	/* notices are skipped only while they fit in CHK_PROTO_RESP_MAX */
	memset(buf, 'x', CHK_PROTO_RESP_MAX + 16);
	memcpy(buf, "N\x00\x00\x3f\x9b", 5);		/* a notice up to n */
	buf[n] = 'N';
	memcpy(buf + n + 1, "\x00\x00\x00\x64", 4);	/* 100: one byte over */
	expect_v("notices over the bound", chk_proto_pgsql_check, buf, n + 5, FAIL,
		 L7RSP, -1, n + 5, "length 100", 1);
	memcpy(buf + n + 1, "\x00\x00\x00\x63", 4);	/* 99: the last byte */
	memset(buf + n + 5, 0, 95);
	expect_v("notices up to the bound", chk_proto_pgsql_check, buf,
		 CHK_PROTO_RESP_MAX, NEED, CHK_PROTO_ST_NONE, -1, 0, NULL, 1);
	free(buf);
}

/* ---- Redis ------------------------------------------------------------------------ */

static void test_redis(void **state)
{
	static const char loading[] =
		"-LOADING Redis is loading the dataset in memory\r\n";
	static const char ok[] = "+OK\r\n";
	static const char bulk[] = "$4\r\nPONG\r\n";
	static const char lf_only[] = "+PONG\n";
	static const char lower[] = "+pong\r\n";
	static const char pong_junk[] = "+PONG\r\n:1\r\n\x00";
	static const char empty_line[] = "+\r\n";
	char out[32], *big;

	(void)state;
	assert_int_equal(chk_proto_redis_build(out, sizeof(out)), 14);
	assert_memory_equal(out, "*1\r\n$4\r\nPING\r\n", 14);
	assert_int_equal(chk_proto_redis_build(out, 13), -1);

	EXPECT(chk_proto_redis_check, redis_pong, OK, L7OK, -1, 7,
	       "=Layer7 check passed: Redis +PONG");
	EXPECT(chk_proto_redis_check, redis_noauth, FAIL, L7STS, -1, 34,
	       "=Layer7 wrong status: Redis -NOAUTH Authentication required.");
	EXPECT(chk_proto_redis_check, loading, FAIL, L7STS, -1, 49, "-LOADING");
	EXPECT(chk_proto_redis_check, ok, FAIL, L7STS, -1, 5, "Redis +OK");
	EXPECT(chk_proto_redis_check, lower, FAIL, L7STS, -1, 7, NULL);
	EXPECT(chk_proto_redis_check, bulk, FAIL, L7RSP, -1, 1, "0x24");
	EXPECT(chk_proto_redis_check, lf_only, FAIL, L7RSP, -1, 6, "CRLF");
	EXPECT(chk_proto_redis_check, pong_junk, OK, L7OK, -1, 7, NULL);
	EXPECT(chk_proto_redis_check, empty_line, FAIL, L7STS, -1, 3, NULL);

	big = malloc(600);
	assert_non_null(big);
	memset(big, 'a', 600);
	big[0] = '-';
	expect_v("long line", chk_proto_redis_check, big, 600, FAIL, L7RSP, -1, 512,
		 "over 512 bytes", 1);
	memcpy(big + 510, "\r\n", 2);		/* ends right at the limit */
	expect_v("line of 512", chk_proto_redis_check, big, 600, FAIL, L7STS, -1,
		 512, NULL, 1);
	free(big);
}

/* ---- SMTP -------------------------------------------------------------------------- */

static void test_smtp_build(void **state)
{
	char out[300], dom[257];
	ssize_t n;

	(void)state;
	/* the manual's default, as HAProxy 2.6 sends it */
	n = chk_proto_smtp_build_hello(out, sizeof(out), CHK_PROTO_SMTP_HELO, NULL);
	assert_int_equal(n, 16);
	assert_memory_equal(out, "HELO localhost\r\n", 16);
	n = chk_proto_smtp_build_hello(out, sizeof(out), CHK_PROTO_SMTP_EHLO,
				       "lb.example.net");
	assert_int_equal(n, 21);
	assert_memory_equal(out, "EHLO lb.example.net\r\n", 21);
	assert_int_equal(chk_proto_smtp_build_hello(out, 21, CHK_PROTO_SMTP_EHLO,
						    "lb.example.net"), -1);
	assert_int_equal(chk_proto_smtp_build_hello(out, 22, CHK_PROTO_SMTP_EHLO,
						    "lb.example.net"), 21);
	assert_int_equal(chk_proto_smtp_build_hello(out, sizeof(out),
			 CHK_PROTO_SMTP_HELO, ""), -1);
	assert_int_equal(chk_proto_smtp_build_hello(out, sizeof(out),
			 CHK_PROTO_SMTP_HELO, "a b"), -1);
	assert_int_equal(chk_proto_smtp_build_hello(out, sizeof(out),
			 CHK_PROTO_SMTP_HELO, "a\r\nRCPT TO:<x>"), -1);
	assert_int_equal(chk_proto_smtp_build_hello(out, sizeof(out),
			 CHK_PROTO_SMTP_HELO, "[192.0.2.1]"), 18);
	memset(dom, 'd', 256);
	dom[256] = '\0';
	assert_int_equal(chk_proto_smtp_build_hello(out, sizeof(out),
			 CHK_PROTO_SMTP_EHLO, dom), -1);
	dom[255] = '\0';
	assert_int_equal(chk_proto_smtp_build_hello(out, sizeof(out),
			 CHK_PROTO_SMTP_EHLO, dom), 262);

	assert_int_equal(chk_proto_smtp_build_quit(out, sizeof(out)), 6);
	assert_memory_equal(out, "QUIT\r\n", 6);
	assert_int_equal(chk_proto_smtp_build_quit(out, 5), -1);
}

static void test_smtp_replies(void **state)
{
	/* RFC 5321 appendix D.1 */
	static const char rfc_greeting[] =
		"220 foo.com Simple Mail Transfer Service Ready\r\n";
	static const char rfc_ehlo[] = "250-foo.com greets bar.com\r\n250-8BITMIME\r\n"
				       "250-SIZE\r\n250-DSN\r\n250 HELP\r\n";
	static const char no_service[] = "554 No SMTP service here\r\n";
	static const char busy[] = "421-mx busy\r\n421 try later\r\n";
	static const char code_only[] = "220\r\n";
	static const char lf_only[] = "220 mx\n250 next\n";
	static const char not_ok_hello[] = "502 5.5.2 Error: command not recognized\r\n";

	(void)state;
	EXPECT(chk_proto_smtp_check, aiosmtpd_greeting, OK, L7OK, 220, 33,
	       "=Layer7 check passed: SMTP 220 localhost Python SMTP 1.4.3");
	EXPECT(chk_proto_smtp_check, aiosmtpd_ehlo_reply, OK, L7OK, 250, 39,
	       "=Layer7 check passed: SMTP 250 localhost");
	EXPECT(chk_proto_smtp_check, aiosmtpd_helo_reply, OK, L7OK, 250, 15, NULL);
	EXPECT(chk_proto_smtp_check, rfc_greeting, OK, L7OK, 220, 48, NULL);
	EXPECT(chk_proto_smtp_check, rfc_ehlo, OK, L7OK, 250,
	       sizeof(rfc_ehlo) - 1, "SMTP 250 foo.com greets bar.com");
	EXPECT(chk_proto_smtp_check, no_service, FAIL, L7STS, 554, 26,
	       "=Layer7 wrong status: SMTP 554 No SMTP service here");
	EXPECT(chk_proto_smtp_check, busy, FAIL, L7STS, 421, 28, "421 mx busy");
	EXPECT(chk_proto_smtp_check, not_ok_hello, FAIL, L7STS, 502, 41, NULL);
	EXPECT(chk_proto_smtp_check, code_only, OK, L7OK, 220, 5, "=Layer7 check "
	       "passed: SMTP 220 ");
	EXPECT(chk_proto_smtp_check, lf_only, OK, L7OK, 220, 7, "SMTP 220 mx");
}

/* The greeting's length tells where the hello's reply starts. */
static void test_smtp_two_steps(void **state)
{
	char buf[128];
	size_t g = sizeof(aiosmtpd_greeting) - 1, r = sizeof(aiosmtpd_ehlo_reply) - 1;
	struct verdict v;

	(void)state;
	memcpy(buf, aiosmtpd_greeting, g);
	memcpy(buf + g, aiosmtpd_ehlo_reply, r);
	judge(chk_proto_smtp_check, buf, g + r, &v);
	assert_int_equal(v.rc, OK);
	assert_int_equal(v.res.len, g);
	expect_v("reply after greeting", chk_proto_smtp_check, buf + v.res.len,
		 g + r - v.res.len, OK, L7OK, 250, r, NULL, 1);
}

static void test_smtp_malformed(void **state)
{
	static const char http[] = "HTTP/1.0 400 Bad request\r\n";
	static const char code1xx[] = "199 hello\r\n";
	static const char code6xx[] = "600 hello\r\n";
	static const char letter[] = "2a0 hello\r\n";
	static const char sep[] = "220x hello\r\n";
	static const char two_codes[] = "250-first\r\n251 second\r\n";
	static const char short_line[] = "22\r\n";
	char *big;
	size_t i;

	(void)state;
	EXPECT(chk_proto_smtp_check, http, FAIL, L7RSP, -1, 1, "not an SMTP reply code");
	EXPECT(chk_proto_smtp_check, code1xx, FAIL, L7RSP, -1, 1, NULL);
	EXPECT(chk_proto_smtp_check, code6xx, FAIL, L7RSP, -1, 1, NULL);
	EXPECT(chk_proto_smtp_check, letter, FAIL, L7RSP, -1, 2, NULL);
	EXPECT(chk_proto_smtp_check, sep, FAIL, L7RSP, -1, 4, "not an SMTP reply line");
	EXPECT(chk_proto_smtp_check, two_codes, FAIL, L7RSP, -1, 14,
	       "SMTP reply lines 250 and 251");
	EXPECT(chk_proto_smtp_check, short_line, FAIL, L7RSP, -1, 3, NULL);

	big = malloc(CHK_PROTO_RESP_MAX + 64);
	assert_non_null(big);
	/* a line of 512 bytes with its CRLF is the most RFC 5321 allows */
	memset(big, 'x', 600);
	memcpy(big, "220 ", 4);
	memcpy(big + 510, "\r\n", 2);
	expect_v("line of 512", chk_proto_smtp_check, big, 600, OK, L7OK, 220, 512,
		 NULL, 1);
	memcpy(big + 510, "xx\r\n", 4);
	expect_v("line of 514", chk_proto_smtp_check, big, 600, FAIL, L7RSP, -1, 512,
		 "SMTP line over 512 bytes", 1);
	/* continuation lines without end: refused at CHK_PROTO_RESP_MAX */
	for (i = 0; i + 8 <= CHK_PROTO_RESP_MAX + 64; i += 8)
		memcpy(big + i, "250-xx\r\n", 8);
	expect_v("endless reply", chk_proto_smtp_check, big, CHK_PROTO_RESP_MAX + 64,
		 FAIL, L7RSP, -1, CHK_PROTO_RESP_MAX, "SMTP reply too long", 1);
	free(big);
}

/* ---- LDAP ----------------------------------------------------------------------- */

static void test_ldap_build(void **state)
{
	char out[32];

	(void)state;
	/* RFC 4511 BindRequest; the same 14 bytes HAProxy 2.6 sends */
	assert_int_equal(chk_proto_ldap_build(out, sizeof(out)), 14);
	assert_memory_equal(out, "\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x03"
			    "\x04\x00\x80\x00", 14);
	assert_int_equal(chk_proto_ldap_build(out, 13), -1);
}

static void test_ldap_responses(void **state)
{
	/* the same success with a long-form outer length */
	static const char long_form[] =
		"\x30\x81\x0c\x02\x01\x01\x61\x07\x0a\x01\x00\x04\x00\x04\x00";
	static const char invalid_creds[] =
		"\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x31\x04\x00\x04\x00";
	/* RFC 4511 4.4.1 Notice of Disconnection: messageID 0, an
	 * ExtendedResponse with resultCode unavailable and responseName */
	static const char notice[] =
		"\x30\x2a\x02\x01\x00\x78\x25\x0a\x01\x34\x04\x00\x04\x08"
		"shutdown\x8a\x16" "1.3.6.1.4.1.1466.20036";
	static const char referral[] =		/* extra fields after the result */
		"\x30\x18\x02\x01\x01\x61\x13\x0a\x01\x00\x04\x00\x04\x00"
		"\xa3\x0b\x04\x09ldap://x/";

	(void)state;
	EXPECT(chk_proto_ldap_check, slapd_bind_ok, OK, L7OK, 0, 14,
	       "=Layer7 check passed: LDAP resultCode 0 (success) ");
	EXPECT(chk_proto_ldap_check, slapd_bind_anon_refused, FAIL, L7STS, 48, 39,
	       "=Layer7 wrong status: LDAP resultCode 48 "
	       "(inappropriateAuthentication) anonymous bind disallowed");
	EXPECT(chk_proto_ldap_check, long_form, OK, L7OK, 0, 15, NULL);
	EXPECT(chk_proto_ldap_check, invalid_creds, FAIL, L7STS, 49, 14,
	       "invalidCredentials");
	EXPECT(chk_proto_ldap_check, notice, FAIL, L7STS, 52, 44,
	       "=Layer7 wrong status: LDAP notice of disconnection, resultCode "
	       "52 (unavailable) shutdown");
	EXPECT(chk_proto_ldap_check, referral, OK, L7OK, 0, 26, NULL);
}

static void test_ldap_malformed(void **state)
{
	static const char not_seq[] = "\x31\x0c";
	static const char indefinite[] = "\x30\x80\x02\x01\x01";
	static const char five_octets[] = "\x30\x85\x00\x00\x00\x00\x0c";
	static const char too_big[] = "\x30\x84\x00\x01\x00\x00";
	static const char msgid2[] =
		"\x30\x0c\x02\x01\x02\x61\x07\x0a\x01\x00\x04\x00\x04\x00";
	static const char msgid_neg[] =
		"\x30\x0c\x02\x01\xff\x61\x07\x0a\x01\x00\x04\x00\x04\x00";
	static const char search_done[] =
		"\x30\x0c\x02\x01\x01\x65\x07\x0a\x01\x00\x04\x00\x04\x00";
	static const char id_overrun[] =
		"\x30\x0c\x02\x0d\x01\x61\x07\x0a\x01\x00\x04\x00\x04\x00";
	static const char op_overrun[] =
		"\x30\x0c\x02\x01\x01\x61\x09\x0a\x01\x00\x04\x00\x04\x00";
	static const char code_not_enum[] =
		"\x30\x0c\x02\x01\x01\x61\x07\x02\x01\x00\x04\x00\x04\x00";
	static const char code_long[] =
		"\x30\x10\x02\x01\x01\x61\x0b\x0a\x05\x00\x00\x00\x00\x00\x04\x00\x04\x00";
	static const char high_tag[] = "\x30\x05\x1f\x81\x01\x01\x00";
	static const char empty_op[] = "\x30\x05\x02\x01\x01\x61\x00";

	(void)state;
	EXPECT(chk_proto_ldap_check, not_seq, FAIL, L7RSP, -1, 1,
	       "not an LDAP message (0x31)");
	EXPECT(chk_proto_ldap_check, indefinite, FAIL, L7RSP, -1, 2, "bad BER length");
	EXPECT(chk_proto_ldap_check, five_octets, FAIL, L7RSP, -1, 2, NULL);
	EXPECT(chk_proto_ldap_check, too_big, FAIL, L7RSP, -1, 6, NULL);
	EXPECT(chk_proto_ldap_check, msgid2, FAIL, L7RSP, -1, 14, "messageID 2");
	EXPECT(chk_proto_ldap_check, msgid_neg, FAIL, L7RSP, -1, 14, "bad LDAP messageID");
	EXPECT(chk_proto_ldap_check, search_done, FAIL, L7RSP, -1, 14,
	       "not an LDAP bind response");
	EXPECT(chk_proto_ldap_check, id_overrun, FAIL, L7RSP, -1, 14, NULL);
	EXPECT(chk_proto_ldap_check, op_overrun, FAIL, L7RSP, -1, 14, NULL);
	EXPECT(chk_proto_ldap_check, code_not_enum, FAIL, L7RSP, -1, 14, "resultCode");
	EXPECT(chk_proto_ldap_check, code_long, FAIL, L7RSP, -1, 18, NULL);
	EXPECT(chk_proto_ldap_check, high_tag, FAIL, L7RSP, -1, 7, NULL);
	EXPECT(chk_proto_ldap_check, empty_op, FAIL, L7RSP, -1, 7, NULL);
}

static void test_ldap_bounded(void **state)
{
	size_t n = CHK_PROTO_RESP_MAX;
	char *buf = malloc(n + 8);

	(void)state;
	assert_non_null(buf);
	memset(buf, 0, n + 8);
	/* a message of exactly CHK_PROTO_RESP_MAX bytes is waited for */
	memcpy(buf, "\x30\x82\x3f\xfc\x02\x01\x01\x61\x82\x3f\xf5\x0a\x01\x00"
	       "\x04\x00\x04\x82\x3f\xef", 20);
	expect_v("largest message", chk_proto_ldap_check, buf, n, OK, L7OK, 0, n,
		 NULL, 1);
	/* one byte more is refused from its header */
	memcpy(buf, "\x30\x82\x3f\xfd", 4);
	expect_v("too large", chk_proto_ldap_check, buf, n + 8, FAIL, L7RSP, -1, 4,
		 "bad BER length", 1);
	free(buf);
}

/* ---- SSL/TLS hello ------------------------------------------------------------- */

/* Walk the ClientHello's structure: every length must add up. */
static void check_hello_layout(const uint8_t *p, size_t n)
{
	size_t off, ext_end;

	assert_int_equal(p[0], 0x16);
	assert_int_equal((p[3] << 8 | p[4]) + 5, n);
	assert_int_equal(p[5], 0x01);
	assert_int_equal((p[6] << 16 | p[7] << 8 | p[8]) + 9, n);
	assert_int_equal(p[9], 3);
	assert_int_equal(p[10], 3);
	off = 11 + 32;
	off += 1 + p[off];				/* session id */
	off += 2 + (size_t)(p[off] << 8 | p[off + 1]);	/* cipher suites */
	off += 1 + p[off];				/* compression */
	ext_end = off + 2 + (size_t)(p[off] << 8 | p[off + 1]);
	assert_int_equal(ext_end, n);
	for (off += 2; off < ext_end; )
		off += 4 + (size_t)(p[off + 2] << 8 | p[off + 3]);
	assert_int_equal(off, ext_end);
}

static void test_ssl_hello_build(void **state)
{
	unsigned char rnd[32];
	char out[512];
	ssize_t n;
	int i;

	(void)state;
	for (i = 0; i < 32; i++)
		rnd[i] = (unsigned char)i;
	n = chk_proto_ssl_hello_build(out, sizeof(out), rnd);
	assert_int_equal(n, 185);
	check_hello_layout((const uint8_t *)out, (size_t)n);
	assert_memory_equal(out + 11, rnd, 32);
	n = chk_proto_ssl_hello_build(out, sizeof(out), NULL);
	assert_int_equal(n, 185);
	assert_int_equal((uint8_t)out[11], 0x5a);
	assert_int_equal((uint8_t)out[42], 0x5a);
	assert_int_equal(chk_proto_ssl_hello_build(out, 184, NULL), -1);
	assert_int_equal(chk_proto_ssl_hello_build(out, 185, NULL), 185);
}

static void test_ssl_hello_responses(void **state)
{
	(void)state;
	/* ServerHellos of TLS 1.3, 1.2 and 1.0 servers to lbd's hello */
	EXPECT(chk_proto_ssl_hello_check, openssl_tls13_hello, OK, L6OK, -1, 9,
	       "=Layer6 check passed: TLS ServerHello");
	EXPECT(chk_proto_ssl_hello_check, openssl_tls12_hello, OK, L6OK, -1, 9, NULL);
	EXPECT(chk_proto_ssl_hello_check, openssl_tls10_hello, OK, L6OK, -1, 9, NULL);
	/* alerts: the server speaks TLS, as HAProxy counts it */
	EXPECT(chk_proto_ssl_hello_check, openssl_alert_sslv3, OK, L6OK, 40, 7,
	       "=Layer6 check passed: TLS alert 40 (handshake_failure)");
	EXPECT(chk_proto_ssl_hello_check, openssl_alert_nocipher, OK, L6OK, 40, 7,
	       NULL);
}

static void test_ssl_hello_malformed(void **state)
{
	static const char http[] = "HTTP/1.1 400 Bad Request\r\n";
	static const char sslv2[] = "\x80\x2e\x04\x00\x01\x00\x02";
	static const char appdata[] = "\x17\x03\x03\x00\x10";
	static const char major2[] = "\x16\x02\x00\x00\x30\x02";
	static const char minor5[] = "\x16\x03\x05\x00\x30\x02";
	static const char zero_len[] = "\x16\x03\x03\x00\x00";
	static const char over_len[] = "\x16\x03\x03\x48\x01";
	static const char alert_len1[] = "\x15\x03\x03\x00\x01\x02";
	static const char certificate[] = "\x16\x03\x03\x00\x30\x0b\x00\x00\x2c";
	static const char tiny_hello[] = "\x16\x03\x03\x00\x0e\x02\x00\x00\x0a";
	static const char max_len[] = "\x16\x03\x03\x48\x00\x02\x00\x00\x46";

	(void)state;
	EXPECT(chk_proto_ssl_hello_check, http, FAIL, L6RSP, -1, 1,
	       "=Layer6 invalid response: not a TLS handshake or alert record "
	       "(0x48)");
	EXPECT(chk_proto_ssl_hello_check, sslv2, FAIL, L6RSP, -1, 1, NULL);
	EXPECT(chk_proto_ssl_hello_check, appdata, FAIL, L6RSP, -1, 1, NULL);
	EXPECT(chk_proto_ssl_hello_check, major2, FAIL, L6RSP, -1, 2,
	       "major version 2");
	EXPECT(chk_proto_ssl_hello_check, minor5, FAIL, L6RSP, -1, 3, "version 3.5");
	EXPECT(chk_proto_ssl_hello_check, zero_len, FAIL, L6RSP, -1, 5, "length 0");
	EXPECT(chk_proto_ssl_hello_check, over_len, FAIL, L6RSP, -1, 5, "length 18433");
	EXPECT(chk_proto_ssl_hello_check, alert_len1, FAIL, L6RSP, -1, 5, NULL);
	EXPECT(chk_proto_ssl_hello_check, certificate, FAIL, L6RSP, -1, 9,
	       "message 11 instead of ServerHello");
	EXPECT(chk_proto_ssl_hello_check, tiny_hello, FAIL, L6RSP, -1, 9,
	       "ServerHello of 10 bytes");
	EXPECT(chk_proto_ssl_hello_check, max_len, OK, L6OK, -1, 9, NULL);
}

/* ---- HTTP ------------------------------------------------------------------------ */

static void test_http_build(void **state)
{
	static const char dflt[] = "OPTIONS / HTTP/1.0\r\n\r\n";
	static const char v11[] = "GET /health HTTP/1.1\r\nHost: www.example.org\r\n"
				  "Connection: close\r\n\r\n";
	char out[256];
	ssize_t n;

	(void)state;
	/* the manual's default request, byte for byte what HAProxy sends */
	n = chk_proto_http_build(out, sizeof(out), NULL, NULL, NULL, NULL);
	assert_int_equal(n, sizeof(dflt) - 1);
	assert_memory_equal(out, dflt, (size_t)n);
	n = chk_proto_http_build(out, sizeof(out), "GET", "/health", "HTTP/1.1",
				 "www.example.org");
	assert_int_equal(n, sizeof(v11) - 1);
	assert_memory_equal(out, v11, (size_t)n);
	n = chk_proto_http_build(out, sizeof(out), "HEAD", "/?a=b", NULL, "h");
	assert_int_equal(n, (ssize_t)strlen("HEAD /?a=b HTTP/1.0\r\nHost: h\r\n\r\n"));
	assert_int_equal(chk_proto_http_build(out, (size_t)n, "HEAD", "/?a=b", NULL,
					      "h"), -1);
	assert_int_equal(chk_proto_http_build(out, sizeof(out), "GE T", "/", NULL,
					      NULL), -1);
	assert_int_equal(chk_proto_http_build(out, sizeof(out), "", "/", NULL,
					      NULL), -1);
	assert_int_equal(chk_proto_http_build(out, sizeof(out), "GET", "/a b", NULL,
					      NULL), -1);
	assert_int_equal(chk_proto_http_build(out, sizeof(out), "GET", "", NULL,
					      NULL), -1);
	assert_int_equal(chk_proto_http_build(out, sizeof(out), "GET", "/",
					      "HTTP/2", NULL), -1);
	assert_int_equal(chk_proto_http_build(out, sizeof(out), "GET", "/",
					      "HTTP/1.0\r\nX: y", NULL), -1);
	assert_int_equal(chk_proto_http_build(out, sizeof(out), "GET", "/", NULL,
					      "a\r\nX: y"), -1);
	assert_int_equal(chk_proto_http_build(out, sizeof(out), "GET", "/", NULL,
					      ""), -1);
}

static void test_http_responses(void **state)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n"
				   "HTTP/1.1 204 No Content\r\n\r\n";
	static const char upgrade[] = "HTTP/1.1 101 Switching Protocols\r\n"
				      "Upgrade: h2c\r\nConnection: upgrade\r\n\r\n";
	static const char redirect[] = "HTTP/1.1 302 Found\r\nLocation: /x\r\n"
				       "Content-Length: 0\r\n\r\n";
	static const char unavailable[] = "HTTP/1.1 503 Service Unavailable\r\n"
					  "Content-Length: 0\r\n\r\n";

	(void)state;
	EXPECT(chk_proto_http_check, pyhttp_get_200, OK, L7OK, 200, 199,
	       "=Layer7 check passed: HTTP status 200 OK");
	EXPECT(chk_proto_http_check, pyhttp_options_501, FAIL, L7STS, 501, 201,
	       "=Layer7 wrong status: HTTP status 501 Unsupported method "
	       "('OPTIONS')");
	EXPECT(chk_proto_http_check, pyhttp_get_404, FAIL, L7STS, 404, 185, NULL);
	EXPECT(chk_proto_http_check, cont, OK, L7OK, 204, sizeof(cont) - 1,
	       "HTTP status 204 No Content");
	EXPECT(chk_proto_http_check, upgrade, FAIL, L7STS, 101, sizeof(upgrade) - 1,
	       NULL);
	EXPECT(chk_proto_http_check, redirect, OK, L7OK, 302, sizeof(redirect) - 1,
	       NULL);
	EXPECT(chk_proto_http_check, unavailable, FAIL, L7STS, 503,
	       sizeof(unavailable) - 1, "503 Service Unavailable");
}

static void test_http_malformed(void **state)
{
	static const char ssh[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
	static const char two_cl[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
				     "Content-Length: 2\r\n\r\n";
	char *big;

	(void)state;
	expect_v("ssh banner", chk_proto_http_check, S(ssh), FAIL, L7RSP, -1, 0,
		 "Layer7 invalid response: HTTP ", 0);
	expect_v("two content-lengths", chk_proto_http_check, S(two_cl), FAIL,
		 L7RSP, -1, 0, NULL, 0);
	big = malloc(CHK_PROTO_RESP_MAX + 100);
	assert_non_null(big);
	memset(big, 'a', CHK_PROTO_RESP_MAX + 100);
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	expect_v("endless head", chk_proto_http_check, big, CHK_PROTO_RESP_MAX + 100,
		 FAIL, L7RSP, -1, CHK_PROTO_RESP_MAX, "HTTP head over 16384 bytes", 1);
	free(big);
}

/* ---- message buffer ------------------------------------------------------------- */

static void test_msg_buffer(void **state)
{
	struct chk_proto_res res;
	char small[12];
	struct guard_buf g;
	const char *b = guard_copy(&g, S(redis_noauth));

	(void)state;
	assert_non_null(b);
	assert_int_equal(chk_proto_redis_check(b, sizeof(redis_noauth) - 1, &res,
					       NULL, 0), FAIL);
	assert_int_equal(res.status, L7STS);
	assert_int_equal(chk_proto_redis_check(b, sizeof(redis_noauth) - 1, &res,
					       small, sizeof(small)), FAIL);
	assert_string_equal(small, "Layer7 wron");
	assert_int_equal(chk_proto_redis_check(b, sizeof(redis_noauth) - 1, &res,
					       small, 1), FAIL);
	assert_string_equal(small, "");
	guard_free(&g);
}

/* Server text cannot put control bytes into a log line. */
static void test_msg_sanitized(void **state)
{
	static const char evil[] = "-ERR \x1b[31mred\r\x7f\xff\r\n";
	struct verdict v;

	(void)state;
	judge(chk_proto_redis_check, S(evil), &v);
	assert_int_equal(v.rc, FAIL);
	assert_string_equal(v.msg, "Layer7 wrong status: Redis -ERR ?[31mred???");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_tables),
		cmocka_unit_test(test_mysql_build),
		cmocka_unit_test(test_mysql_build_limits),
		cmocka_unit_test(test_mysql_greeting),
		cmocka_unit_test(test_mysql_greeting_bad),
		cmocka_unit_test(test_mysql_auth),
		cmocka_unit_test(test_mysql_auth_bad),
		cmocka_unit_test(test_pgsql_build),
		cmocka_unit_test(test_pgsql_auth),
		cmocka_unit_test(test_pgsql_other),
		cmocka_unit_test(test_pgsql_bounded),
		cmocka_unit_test(test_redis),
		cmocka_unit_test(test_smtp_build),
		cmocka_unit_test(test_smtp_replies),
		cmocka_unit_test(test_smtp_two_steps),
		cmocka_unit_test(test_smtp_malformed),
		cmocka_unit_test(test_ldap_build),
		cmocka_unit_test(test_ldap_responses),
		cmocka_unit_test(test_ldap_malformed),
		cmocka_unit_test(test_ldap_bounded),
		cmocka_unit_test(test_ssl_hello_build),
		cmocka_unit_test(test_ssl_hello_responses),
		cmocka_unit_test(test_ssl_hello_malformed),
		cmocka_unit_test(test_http_build),
		cmocka_unit_test(test_http_responses),
		cmocka_unit_test(test_http_malformed),
		cmocka_unit_test(test_msg_buffer),
		cmocka_unit_test(test_msg_sanitized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
