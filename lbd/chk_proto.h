/*
 * chk_proto.h - the protocol side of the named health checks (HAProxy 2.6
 * "option mysql-check", "redis-check", "pgsql-check", "smtpchk",
 * "ldap-check", "ssl-hello-chk" and "httpchk"): a builder per check that
 * writes the request into a caller buffer, and a validator per check that
 * judges the bytes received so far.
 *
 * Pure functions: no I/O, no allocation, no clock, no randomness (the TLS
 * hello takes its random bytes from the caller).
 *
 * Builders return the request length, or -1 when an argument is invalid or
 * the output buffer is too small (nothing useful is written then).
 *
 * Validators are called with everything received since the check connected
 * (buf[0..len), the same start each time, more bytes each time) and return
 *   CHK_PROTO_NEED_MORE  no decision yet: read more and call again; if the
 *                        server closes or the check times out now, the check
 *                        fails (an empty or truncated response);
 *   CHK_PROTO_OK         the check passed;
 *   CHK_PROTO_FAIL       the check failed.
 * They never read past len, and once they decide, more bytes after the
 * judged response change nothing. Each refuses to wait past a fixed bound
 * (CHK_PROTO_RESP_MAX at most): a response that is still undecided at that
 * size fails. On OK and FAIL, res tells the check status and the text
 * written to msg[0..msglen) (always NUL-terminated when msglen > 0) starts
 * with that status's description, e.g. "Layer7 wrong status: 1045 Access
 * denied". msg may be NULL when msglen is 0.
 */
#ifndef LBD_CHK_PROTO_H
#define LBD_CHK_PROTO_H

#include <stddef.h>
#include <sys/types.h>

enum {
	CHK_PROTO_FAIL      = -1,
	CHK_PROTO_NEED_MORE = 0,
	CHK_PROTO_OK        = 1,
};

/* The largest response any validator waits for before failing. */
#define CHK_PROTO_RESP_MAX	16384

/* Check statuses a validator can give, with HAProxy's names (management
 * guide, "check_status") and descriptions ("check_desc"). */
enum chk_proto_status {
	CHK_PROTO_ST_NONE,		/* no decision yet */
	CHK_PROTO_ST_L6OK,		/* passed on layer 6 */
	CHK_PROTO_ST_L6RSP,		/* layer 6 invalid response */
	CHK_PROTO_ST_L7OK,		/* passed on layer 7 */
	CHK_PROTO_ST_L7RSP,		/* layer 7 invalid response */
	CHK_PROTO_ST_L7STS,		/* layer 7 response error */
	CHK_PROTO_ST_COUNT
};
extern const char *const chk_proto_status_names[CHK_PROTO_ST_COUNT];
extern const char *const chk_proto_status_descs[CHK_PROTO_ST_COUNT];

struct chk_proto_res {
	enum chk_proto_status status;
	int code;		/* the protocol's own code when it has one, else
				 * -1: SMTP/HTTP status, MySQL error number,
				 * PostgreSQL authentication request, LDAP
				 * resultCode, TLS alert description */
	size_t len;		/* bytes of buf the verdict covers: the judged
				 * response (SMTP: the whole reply, so the next
				 * step's reply starts at buf + len) */
};

/* ---- option mysql-check [ user <username> [ post-41 | pre-41 ] ] ---- */

enum chk_proto_mysql_ver { CHK_PROTO_MYSQL_POST41, CHK_PROTO_MYSQL_PRE41 };

/* Longest user name the MySQL builder takes (MariaDB allows 80 chars). */
#define CHK_PROTO_MYSQL_USER_MAX	80

/*
 * Build the MySQL request: with a user, a Handshake Response (protocol 4.1
 * "HandshakeResponse41" or the pre-4.1 "HandshakeResponse320", sequence id
 * 1, no password, no database) followed by COM_QUIT; it can be sent as soon
 * as the connection is up, the server reads it after its greeting. user
 * NULL: the check only reads the greeting and the request is empty (returns
 * 0). Returns -1 for an empty user, one longer than CHK_PROTO_MYSQL_USER_MAX
 * or one with control characters. At most 128 bytes.
 */
ssize_t chk_proto_mysql_build(char *out, size_t outlen, const char *user,
			      enum chk_proto_mysql_ver ver);

/*
 * Judge a MySQL server's bytes. The first packet (sequence id 0) must be a
 * protocol 10 or 9 Initial Handshake; an ERR packet there ("Host is not
 * allowed", "Too many connections") fails with L7STS. with_user 0: the
 * greeting alone passes. with_user 1: the next packet (sequence id 2) must
 * be OK; ERR (bad user, access denied) and an authentication switch fail
 * with L7STS, anything else with L7RSP. code: the MySQL error number.
 */
int chk_proto_mysql_check(const char *buf, size_t len, int with_user,
			  struct chk_proto_res *res, char *msg, size_t msglen);

/* ---- option pgsql-check user <username> ---------------------------- */

#define CHK_PROTO_PGSQL_USER_MAX	63	/* NAMEDATALEN - 1 */

/*
 * Build a protocol 3.0 StartupMessage carrying only "user". Returns -1 for
 * an empty user, one over CHK_PROTO_PGSQL_USER_MAX bytes or with control
 * characters. At most 78 bytes.
 */
ssize_t chk_proto_pgsql_build(char *out, size_t outlen, const char *user);

/*
 * Judge a PostgreSQL server's answer to the StartupMessage: the first
 * Authentication request of any kind passes (code: its type, 0 for
 * AuthenticationOk, 5 MD5, 10 SASL...); an ErrorResponse fails with L7STS
 * and its SQLSTATE and message; NoticeResponse and NegotiateProtocolVersion
 * messages before them are skipped; anything else fails with L7RSP.
 */
int chk_proto_pgsql_check(const char *buf, size_t len,
			  struct chk_proto_res *res, char *msg, size_t msglen);

/* ---- option redis-check --------------------------------------------- */

/* Build the RESP command PING ("*1\r\n$4\r\nPING\r\n", 14 bytes). */
ssize_t chk_proto_redis_build(char *out, size_t outlen);

/*
 * Judge the reply to PING: "+PONG\r\n" passes; another simple string or an
 * error reply ("-NOAUTH ...", "-LOADING ...") fails with L7STS; any other
 * reply, or a line without CRLF within 512 bytes, with L7RSP.
 */
int chk_proto_redis_check(const char *buf, size_t len,
			  struct chk_proto_res *res, char *msg, size_t msglen);

/* ---- option smtpchk [ <hello> <domain> ] ---------------------------- */

enum chk_proto_smtp_hello { CHK_PROTO_SMTP_HELO, CHK_PROTO_SMTP_EHLO };

/*
 * Build "HELO <domain>\r\n" or "EHLO <domain>\r\n" (domain NULL:
 * "localhost", the manual's default). Returns -1 for an empty domain, one
 * over 255 bytes, or one with characters other than visible ASCII. At most
 * 262 bytes. Send it once chk_proto_smtp_check() passed the greeting.
 */
ssize_t chk_proto_smtp_build_hello(char *out, size_t outlen,
				   enum chk_proto_smtp_hello hello,
				   const char *domain);

/* Build "QUIT\r\n" (6 bytes), to send after the hello's reply. */
ssize_t chk_proto_smtp_build_quit(char *out, size_t outlen);

/*
 * Judge one SMTP reply (RFC 5321 section 4.2), single or multi-line: a
 * complete reply whose code starts with 2 passes (code: the reply code);
 * another code fails with L7STS; a malformed reply (not three digits, lines
 * of a reply with different codes, a line over 512 bytes, a reply over
 * CHK_PROTO_RESP_MAX bytes) with L7RSP. Lines may end with CRLF or LF. The
 * same function judges the greeting (buf: from the connection's start) and
 * then the hello's reply (buf: right after the greeting, at res.len).
 */
int chk_proto_smtp_check(const char *buf, size_t len,
			 struct chk_proto_res *res, char *msg, size_t msglen);

/* ---- option ldap-check ---------------------------------------------- */

/*
 * Build an LDAPv3 anonymous simple BindRequest with messageID 1 (RFC 4511
 * section 4.2): 30 0c 02 01 01 60 07 02 01 03 04 00 80 00 (14 bytes).
 */
ssize_t chk_proto_ldap_build(char *out, size_t outlen);

/*
 * Judge the answer: a BindResponse to messageID 1 with resultCode success
 * passes; another resultCode, or a Notice of Disconnection (messageID 0),
 * fails with L7STS (code: the resultCode, the text names it and adds the
 * diagnosticMessage); anything else, including BER that is not definite
 * length, overruns its enclosing element or exceeds CHK_PROTO_RESP_MAX,
 * with L7RSP. The message is judged once it has fully arrived.
 */
int chk_proto_ldap_check(const char *buf, size_t len,
			 struct chk_proto_res *res, char *msg, size_t msglen);

/* ---- option ssl-hello-chk ------------------------------------------- */

/*
 * Build a TLS ClientHello in one handshake record (record version TLS 1.0,
 * client_version TLS 1.2, supported_versions up to TLS 1.3 with an X25519
 * key share, no SNI, no session id), so both old and TLS 1.3-only servers
 * answer with a ServerHello. random: 32 bytes from the caller's generator,
 * or NULL for a fixed pattern. At most 256 bytes.
 */
ssize_t chk_proto_ssl_hello_build(char *out, size_t outlen,
				  const unsigned char *random);

/*
 * Judge the first TLS record the server sends: a handshake record whose
 * first message is a ServerHello passes with L6OK; an alert record passes
 * too (L6OK, code: the alert description), as in HAProxy: the server does
 * speak SSL/TLS. Anything else (other record types, an SSLv2 answer, a
 * record version other than 3.x, a bad length, a handshake record starting
 * with another message) fails with L6RSP. Needs at most 9 bytes.
 */
int chk_proto_ssl_hello_check(const char *buf, size_t len,
			      struct chk_proto_res *res, char *msg, size_t msglen);

/* ---- option httpchk [ [ <method> ] <uri> [ <version> ] ] ---------------- */

/*
 * Build an HTTP check request: "<method> <uri> <version>\r\n", a Host header
 * when host is not NULL, "Connection: close" for HTTP/1.1, and the empty
 * line. NULL method, uri or version take the manual's defaults "OPTIONS",
 * "/" and "HTTP/1.0". Returns -1 when the method is not a token, the uri or
 * host holds controls or spaces, or the version is not HTTP/1.0 or HTTP/1.1.
 */
ssize_t chk_proto_http_build(char *out, size_t outlen, const char *method,
			     const char *uri, const char *version,
			     const char *host);

/*
 * Judge an HTTP response head (lbd's HTTP/1 parser): 2xx and 3xx pass, as
 * "option httpchk" does without "http-check expect", other statuses fail
 * with L7STS (code: the status); 1xx interim responses before the final one
 * are skipped (101 fails); an invalid head, or one still incomplete at
 * CHK_PROTO_RESP_MAX bytes, fails with L7RSP. The body is not waited for.
 */
int chk_proto_http_check(const char *buf, size_t len,
			 struct chk_proto_res *res, char *msg, size_t msglen);

#endif
