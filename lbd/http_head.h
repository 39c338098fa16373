/*
 * http_head.h - the head lbd forwards for a parsed HTTP/1 message: the
 * start line as received, the headers minus hop-by-hop connection headers,
 * plus the Connection and X-Forwarded-For headers the proxy decides.
 * Pure: no I/O, no allocation.
 */
#ifndef LBD_HTTP_HEAD_H
#define LBD_HTTP_HEAD_H

#include <stddef.h>

struct http1_msg;

enum hhead_conn {
	HHEAD_CONN_NONE,	/* no Connection header (HTTP/1.1 keep-alive) */
	HHEAD_CONN_CLOSE,	/* Connection: close */
	HHEAD_CONN_KEEPALIVE,	/* Connection: keep-alive (HTTP/1.0 peers) */
	HHEAD_CONN_UPGRADE,	/* Connection: upgrade (Upgrade kept) */
};

struct hhead_opts {
	enum hhead_conn conn;
	const char *start;	/* the start line to send instead (rules), or NULL */
	size_t start_len;
	const char *xff_name;	/* add "<xff_name>: <xff_value>" when set */
	const char *xff_value;
};

/*
 * Write the forwarded head of msg (parsed from buf) into out. Returns its
 * length, or -1 when out is too small.
 */
int hhead_build(const char *buf, const struct http1_msg *msg,
		const struct hhead_opts *o, char *out, size_t outlen);

/*
 * The size HAProxy's %B counts for a response head: its internal form
 * (20 + version + code + reason, name + value of each header but the
 * "connection" ones, 1 for the end of headers), not the wire bytes.
 */
size_t hhead_log_size(const char *buf, const struct http1_msg *msg);

/* The same for a whole canned response (an error page): head + body. */
size_t hhead_log_size_page(const char *data, size_t len);

/* Offset and length of the start line (without its line end) in buf. */
void hhead_start_line(const char *buf, const struct http1_msg *msg,
		      size_t *off, size_t *len);

#endif
