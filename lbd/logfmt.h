/*
 * logfmt.h - HAProxy log-format: compile a format string once at config
 * time, render it per session from plain values. No I/O.
 */
#ifndef LBD_LOGFMT_H
#define LBD_LOGFMT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>

/*
 * HAProxy's built-in formats, as its manual defines them. The legacy
 * default line names the proxy mode, so it comes in two flavours:
 * logfmt_default prints "(fe/HTTP)", logfmt_default_tcp "(fe/TCP)".
 * (HAProxy prints "Connect to unix:<id> (fe/TCP)" for a unix listener;
 * these print "Connect from unix:<id> to unix:<id> (fe/TCP)".)
 */
extern const char logfmt_httplog[];	/* option httplog */
extern const char logfmt_httplog_clf[];	/* option httplog clf */
extern const char logfmt_tcplog[];	/* option tcplog */
extern const char logfmt_default[];	/* no option, mode http */
extern const char logfmt_default_tcp[];	/* no option, mode tcp */

/*
 * Everything a log line may print, filled by the session at log time.
 * Times in ms; -1 means "never reached" and prints as HAProxy does (-1).
 * A NULL string prints "-" ('""' under the Q flag). Addresses print as
 * text (IPv4 dotted, IPv6 RFC 5952); an AF_UNIX address prints "unix" and
 * its port is listener_id for %cp/%fp and 0 for %bp/%sp, as HAProxy does;
 * AF_UNSPEC prints "-".
 */
struct logfmt_vars {
	struct sockaddr_storage cli;	/* %ci %cp */
	struct sockaddr_storage fe;	/* %fi %fp : frontend (local) address */
	struct sockaddr_storage be_src;	/* %bi %bp : our source towards server */
	struct sockaddr_storage srv;	/* %si %sp */
	int has_be_src, has_srv;	/* 0: %bi %bp / %si %sp print "-" */
	unsigned listener_id;		/* %cp %fp on a unix socket */

	/*
	 * %t "25/Nov/2026:09:30:30.087" local, %T "25/Nov/2026:09:30:30 +0000"
	 * GMT, %Tl same in local time, %Ts unix seconds, %ms "087": all from
	 * accept_date. %tr (local, ms), %trg (GMT), %trl (local) from
	 * request_date.
	 */
	struct timeval accept_date;
	struct timeval request_date;	/* first byte of the request */

	const char *frontend;		/* %f ; %ft appends '~' when TLS */
	int fe_ssl;
	const char *backend;		/* %b */
	const char *server;		/* %s ("<NOSRV>" when none) */
	const char *hostname;		/* %H */

	/* timers, ms (-1 = not reached) */
	long Th, Ti, TR, Tw, Tc, Tr, Td, Ta, Tt, Tq;

	int status;			/* %ST, -1 if none (HTTP); HAProxy
					 * prints 0 in TCP mode: set 0 there */
	uint64_t bytes_out;		/* %B: server to client */
	uint64_t bytes_in;		/* %U: client to server */
	char term_state[5];		/* %tsc (4 chars) / %ts (first 2);
					 * a NUL prints as '-' */

	/* counters at log time */
	unsigned actconn, feconn, beconn, srv_conn, retries;	/* %ac %fc %bc %sc %rc */
	int redispatched;		/* %rc prints "+N" */
	unsigned srv_queue, be_queue;	/* %sq %bq */

	const char *captured_req_cookie;	/* %CC ("-" if NULL), verbatim */
	const char *captured_res_cookie;	/* %CS */
	/*
	 * %hr %hs print these verbatim; %hrl %hsl split them into one field
	 * per header ('-' for an empty one). Build them with
	 * logfmt_capture_join(), which encodes as HAProxy does. NULL when no
	 * capture is configured: the field then prints nothing at all.
	 */
	const char *hdrs_req;		/* %hr : already joined "{a|b}" or NULL */
	const char *hdrs_res;		/* %hs */

	/*
	 * %r and its parts %HM %HU %HP %HPO %HQ %HV are printed with
	 * non-printable bytes, '"' and '#' encoded as "#XX" (manual 8.6).
	 * When request_line is NULL they all print "<BADREQ>". When method,
	 * uri or version is NULL it is taken from request_line
	 * ("METHOD URI VERSION").
	 */
	const char *request_line;	/* %r ; NULL -> "<BADREQ>" */
	size_t request_line_len;
	const char *method;		/* %HM */
	size_t method_len;
	const char *uri;		/* %HU */
	size_t uri_len;
	const char *version;		/* %HV ("HTTP/1.1"), NUL-terminated */
	const char *unique_id;		/* %ID */
	unsigned pid;			/* %pid */
	unsigned long long req_counter;	/* %rt */
	unsigned lb_conn;		/* unused (%lc reads log_counter) */
	unsigned long long log_counter;	/* %lc: lines logged by the frontend */
	void *smp_ctx;			/* %[expr]: passed to the ops' render */
	int smp_dash;			/* an absent %[expr] prints "-" (log
					 * lines) rather than nothing (values) */
};

/*
 * Sample expressions "%[expr]" are evaluated by the caller: logfmt stays
 * free of the request model. parse reads the text after '[' and stores in
 * *used the bytes before the closing ']'; render gives the value's text
 * (a pointer valid until the render ends) or returns 0 when absent.
 */
struct logfmt_smp_ops {
	void *(*parse)(const char *text, size_t *used, char *err, size_t errlen);
	void (*free)(void *expr);
	int (*render)(const void *expr, void *ctx, const char **s, size_t *n);
};

struct logfmt;		/* compiled format, opaque */

/*
 * Compile a log-format string (HAProxy manual 8.2.6), already unescaped by
 * the configuration lexer. Blanks (' ' or "\ ") are separators: a run of
 * them prints one space, and none after a field that printed nothing or at
 * the start of the line, as HAProxy does. "%%" is a literal '%'. Flags:
 * %{+Q,-X,+E}var; %{..}o sets the default flags of the variables after it.
 * Flags other than [+-][QXE], a '%' at the end, an unterminated "{" or
 * "[", unknown variables, %[sample] expressions and variables lbd cannot
 * back yet (%Tu %sslc %sslv) are errors: returns NULL with a message in
 * err. The result is freed with logfmt_free (NULL-safe).
 */
struct logfmt *logfmt_compile(const char *fmt, char *err, size_t errlen);

/* The same, with "%[expr]" accepted through ops (NULL: refused). */
struct logfmt *logfmt_compile_smp(const char *fmt, const struct logfmt_smp_ops *ops,
				  char *err, size_t errlen);
void logfmt_free(struct logfmt *lf);

/* Call fn on every "%[expr]" of the format (to resolve names after
 * loading). Returns the first non-zero fn result, else 0. */
int logfmt_smp_each(struct logfmt *lf, int (*fn)(void *expr, void *arg), void *arg);

/* 1 if the format uses any HTTP-only variable (for warnings in tcp mode). */
int logfmt_uses_http(const struct logfmt *lf);

/*
 * Render into out (at most outlen-1 bytes, always NUL-terminated, truncated
 * cleanly when too long: never inside a "#XX" or "\x" escape, and nothing
 * after the cut). outlen 0 writes nothing. A NULL lf renders "". Returns
 * the length written (strlen(out)).
 */
size_t logfmt_render(const struct logfmt *lf, const struct logfmt_vars *v,
		     char *out, size_t outlen);

/*
 * Initialise v with the "not reached" markers: -1 timers and status, NULL
 * strings, AF_UNSPEC addresses, zero counters, term_state "----".
 */
void logfmt_vars_init(struct logfmt_vars *v);

/*
 * Join n captured header values into "{v0|v1|...}" for hdrs_req/hdrs_res,
 * encoding bytes outside 32..126 and '"', '#', '{', '|', '}' as "#XX"
 * (manual 8.6/8.8). vals[i] NULL (header absent) joins as empty; lens[i]
 * gives its length. Writes at most outlen-1 bytes plus a NUL (truncated
 * between encoded characters); returns the length written.
 */
size_t logfmt_capture_join(const char *const *vals, const size_t *lens,
			   size_t n, char *out, size_t outlen);

#endif
