/*
 * http_head.c - building the forwarded HTTP/1 head (see http_head.h).
 */
#include <string.h>

#include "http1.h"
#include "http_head.h"

void hhead_start_line(const char *buf, const struct http1_msg *msg,
		      size_t *off, size_t *len)
{
	const char *start = msg->method ? msg->method : buf;
	const char *end = memchr(start, '\n', msg->head_len - (size_t)(start - buf));

	if (!end)
		end = buf + msg->head_len;
	if (end > start && end[-1] == '\r')
		end--;
	*off = (size_t)(start - buf);
	*len = (size_t)(end - start);
}

size_t hhead_log_size(const char *buf, const struct http1_msg *msg)
{
	size_t off, len, n;
	const char *sp1, *sp2;

	hhead_start_line(buf, msg, &off, &len);
	/* "HTTP/1.1 200 OK": version, code and reason as separate parts */
	sp1 = memchr(buf + off, ' ', len);
	sp2 = sp1 ? memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - (buf + off))) : NULL;
	n = 20 + (sp1 ? (size_t)(sp1 - (buf + off)) : len);
	if (sp1)
		n += sp2 ? (size_t)(sp2 - sp1 - 1) + (len - (size_t)(sp2 + 1 - (buf + off))) :
		     len - (size_t)(sp1 + 1 - (buf + off));
	for (size_t i = 0; i < msg->nhdrs; i++) {
		const struct http1_hdr *h = &msg->hdrs[i];

		if (!http1_name_eq(h->name, h->name_len, "connection"))
			n += h->name_len + h->value_len;
	}
	return n + 1;
}

size_t hhead_log_size_page(const char *data, size_t len)
{
	struct http1_hdr hdrs[32];
	struct http1_msg m = { .hdrs = hdrs, .max_hdrs = 32 };
	int n = http1_parse_response(data, len, &m);

	if (n <= 0)
		return len;
	return hhead_log_size(data, &m) + (len - (size_t)n);
}

struct hhead_out {
	char *p, *end;
	int full;
};

static void out_put(struct hhead_out *o, const char *s, size_t n)
{
	if (o->full || (size_t)(o->end - o->p) < n) {
		o->full = 1;
		return;
	}
	memcpy(o->p, s, n);
	o->p += n;
}

static void out_str(struct hhead_out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

/* Is name listed as a token of any Connection header of msg? Such headers
 * are hop-by-hop (RFC 9110 section 7.6.1) and are not forwarded. */
static int hhead_listed(const struct http1_msg *msg, const char *name, size_t nlen)
{
	for (size_t i = 0; i < msg->nhdrs; i++) {
		const struct http1_hdr *h = &msg->hdrs[i];
		const char *v = h->value, *e = h->value + h->value_len;

		if (!http1_name_eq(h->name, h->name_len, "connection"))
			continue;
		while (v < e) {
			const char *t = v;
			size_t tl;

			while (t < e && (*t == ' ' || *t == '\t' || *t == ','))
				t++;
			v = t;
			while (v < e && *v != ',')
				v++;
			tl = (size_t)(v - t);
			while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t'))
				tl--;
			if (tl == nlen && strncasecmp(t, name, nlen) == 0)
				return 1;
		}
	}
	return 0;
}

static int hhead_hop_by_hop(const struct http1_msg *msg, const struct http1_hdr *h,
			    enum hhead_conn conn)
{
	if (http1_name_eq(h->name, h->name_len, "connection") ||
	    http1_name_eq(h->name, h->name_len, "proxy-connection") ||
	    http1_name_eq(h->name, h->name_len, "keep-alive"))
		return 1;
	if (http1_name_eq(h->name, h->name_len, "upgrade"))
		return conn != HHEAD_CONN_UPGRADE;
	return hhead_listed(msg, h->name, h->name_len);
}

int hhead_build(const char *buf, const struct http1_msg *msg,
		const struct hhead_opts *o, char *out, size_t outlen)
{
	static const char *const conn_hdr[] = {
		[HHEAD_CONN_NONE] = NULL,
		[HHEAD_CONN_CLOSE] = "Connection: close\r\n",
		[HHEAD_CONN_KEEPALIVE] = "Connection: keep-alive\r\n",
		[HHEAD_CONN_UPGRADE] = "Connection: upgrade\r\n",
	};
	struct hhead_out w = { out, out + outlen, 0 };
	size_t off, len;

	if (o->start) {
		out_put(&w, o->start, o->start_len);
	} else {
		hhead_start_line(buf, msg, &off, &len);
		out_put(&w, buf + off, len);
	}
	out_put(&w, "\r\n", 2);
	for (size_t i = 0; i < msg->nhdrs; i++) {
		const struct http1_hdr *h = &msg->hdrs[i];

		if (hhead_hop_by_hop(msg, h, o->conn))
			continue;
		out_put(&w, h->name, h->name_len);
		out_put(&w, ": ", 2);
		out_put(&w, h->value, h->value_len);
		out_put(&w, "\r\n", 2);
	}
	if (conn_hdr[o->conn])
		out_str(&w, conn_hdr[o->conn]);
	if (o->xff_name && o->xff_value) {
		out_str(&w, o->xff_name);
		out_put(&w, ": ", 2);
		out_str(&w, o->xff_value);
		out_put(&w, "\r\n", 2);
	}
	out_put(&w, "\r\n", 2);
	return w.full ? -1 : (int)(w.p - out);
}
