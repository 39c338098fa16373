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
					  v.res.len != used)))
		fail_msg("%s: rc=%d status=%s code=%d len=%zu msg=\"%s\" (want "
			 "%d %s %d %zu)", what, v.rc,
			 chk_proto_status_names[v.rc == NEED ? 0 : v.res.status],
			 v.res.code, v.res.len, v.msg, rc, chk_proto_status_names[st],
			 code, used);
	if (msg_part && msg_part[0] == '=' ? strcmp(v.msg, msg_part + 1) != 0 :
	    msg_part && !strstr(v.msg, msg_part))
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
