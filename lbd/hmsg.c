/*
 * hmsg.c - the editable view of a message head (see hmsg.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "hmsg.h"
#include "http1.h"

void hmsg_init(struct hmsg *h, struct http1_msg *m, size_t cap, struct arena *a,
	       int is_res)
{
	memset(h, 0, sizeof(*h));
	h->m = m;
	h->cap = cap;
	h->a = a;
	h->is_res = is_res;
	h->meth = m->method;
	h->meth_len = m->method_len;
	h->uri = m->uri;
	h->uri_len = m->uri_len;
	h->status = m->status;
	h->reason = m->reason;
	h->reason_len = m->reason_len;
	h->ver_minor = m->version_minor;
}

const struct http1_hdr *hmsg_find(const struct hmsg *h, const char *name,
				  size_t nlen, size_t *pos)
{
	for (size_t i = pos ? *pos : 0; i < h->m->nhdrs; i++) {
		const struct http1_hdr *hd = &h->m->hdrs[i];

		if (hd->name_len == nlen && strncasecmp(hd->name, name, nlen) == 0) {
			if (pos)
				*pos = i + 1;
			return hd;
		}
	}
	if (pos)
		*pos = h->m->nhdrs;
	return NULL;
}

int hmsg_add(struct hmsg *h, const char *name, size_t nlen, const char *val,
	     size_t vlen)
{
	struct http1_hdr *hd;
	char *n, *v;

	if (h->m->nhdrs >= h->cap)
		return -1;
	n = arena_dup(h->a, name, nlen);
	v = arena_dup(h->a, val, vlen);
	if (!n || !v)
		return -1;
	hd = &h->m->hdrs[h->m->nhdrs++];
	hd->name = n;
	hd->name_len = nlen;
	hd->value = v;
	hd->value_len = vlen;
	return 0;
}

void hmsg_del_at(struct hmsg *h, size_t i)
{
	struct http1_msg *m = h->m;

	if (i >= m->nhdrs)
		return;
	memmove(&m->hdrs[i], &m->hdrs[i + 1], (m->nhdrs - i - 1) * sizeof(m->hdrs[0]));
	m->nhdrs--;
}

unsigned hmsg_del(struct hmsg *h, const char *name, size_t nlen)
{
	unsigned n = 0;
	size_t i = 0;

	while (i < h->m->nhdrs) {
		const struct http1_hdr *hd = &h->m->hdrs[i];

		if (hd->name_len == nlen && strncasecmp(hd->name, name, nlen) == 0) {
			hmsg_del_at(h, i);
			n++;
		} else {
			i++;
		}
	}
	return n;
}

int hmsg_set_value(struct hmsg *h, size_t i, const char *val, size_t vlen)
{
	char *v = arena_dup(h->a, val, vlen);

	if (!v || i >= h->m->nhdrs)
		return -1;
	h->m->hdrs[i].value = v;
	h->m->hdrs[i].value_len = vlen;
	return 0;
}

/* Where the path starts in the request target: after "scheme://authority"
 * for an absolute form, at the start otherwise. */
static size_t hmsg_path_start(const struct hmsg *h)
{
	const char *u = h->uri, *e = u + h->uri_len, *p;

	if (h->uri_len && u[0] == '/')
		return 0;
	p = memchr(u, ':', h->uri_len);
	if (!p || e - p < 3 || p[1] != '/' || p[2] != '/')
		return 0;
	p += 3;
	while (p < e && *p != '/' && *p != '?')
		p++;
	return (size_t)(p - u);
}

void hmsg_path(const struct hmsg *h, const char **p, size_t *len)
{
	size_t s = hmsg_path_start(h);
	const char *q = memchr(h->uri + s, '?', h->uri_len - s);

	*p = h->uri + s;
	*len = q ? (size_t)(q - *p) : h->uri_len - s;
}

void hmsg_query(const struct hmsg *h, const char **q, size_t *len, int *has_q)
{
	const char *m = memchr(h->uri, '?', h->uri_len);

	*has_q = m != NULL;
	*q = m ? m + 1 : h->uri + h->uri_len;
	*len = m ? h->uri_len - (size_t)(m + 1 - h->uri) : 0;
}

/* A start-line part replaced by a copy of v. */
static int hmsg_set_part(struct hmsg *h, const char **part, size_t *len, const char *v,
			 size_t n)
{
	char *c = arena_dup(h->a, v, n);

	if (!c)
		return -1;
	*part = c;
	*len = n;
	h->edited_start = 1;
	return 0;
}

int hmsg_set_method(struct hmsg *h, const char *v, size_t n)
{
	return hmsg_set_part(h, &h->meth, &h->meth_len, v, n);
}

int hmsg_set_uri(struct hmsg *h, const char *v, size_t n)
{
	return hmsg_set_part(h, &h->uri, &h->uri_len, v, n);
}

int hmsg_set_path(struct hmsg *h, const char *v, size_t n)
{
	size_t s = hmsg_path_start(h), plen;
	const char *p;
	char *u;

	hmsg_path(h, &p, &plen);
	u = arena_alloc(h->a, h->uri_len - plen + n + 1);
	if (!u)
		return -1;
	memcpy(u, h->uri, s);
	memcpy(u + s, v, n);
	memcpy(u + s + n, p + plen, h->uri_len - s - plen);
	h->uri_len = h->uri_len - plen + n;
	u[h->uri_len] = '\0';
	h->uri = u;
	h->edited_start = 1;
	return 0;
}

int hmsg_set_query(struct hmsg *h, const char *v, size_t n)
{
	const char *m = memchr(h->uri, '?', h->uri_len);
	size_t keep = m ? (size_t)(m - h->uri) : h->uri_len, len = keep;
	char *u = arena_alloc(h->a, keep + 1 + n + 1);

	if (!u)
		return -1;
	memcpy(u, h->uri, keep);
	/* an empty value removes the query with its '?', as HAProxy does */
	if (n) {
		u[len++] = '?';
		memcpy(u + len, v, n);
		len += n;
	}
	u[len] = '\0';
	h->uri = u;
	h->uri_len = len;
	h->edited_start = 1;
	return 0;
}

int hmsg_set_status(struct hmsg *h, int status, const char *reason, size_t n)
{
	const char *r = reason ? reason : hmsg_reason(status);
	char *c = arena_dup(h->a, r, reason ? n : strlen(r));

	if (!c)
		return -1;
	h->status = status;
	h->reason = c;
	h->reason_len = strlen(c);
	h->edited_start = 1;
	return 0;
}

const char *hmsg_start_line(struct hmsg *h, size_t *len)
{
	char *out;
	int n;
	size_t room;

	*len = 0;
	if (!h->edited_start)
		return NULL;
	room = (h->is_res ? h->reason_len + 16 : h->meth_len + h->uri_len + 12) + 1;
	out = arena_alloc(h->a, room);
	if (!out)
		return NULL;
	if (h->is_res)
		n = snprintf(out, room, "HTTP/1.%d %03d %.*s", h->ver_minor, h->status,
			     (int)h->reason_len, h->reason);
	else
		n = snprintf(out, room, "%.*s %.*s HTTP/1.%d", (int)h->meth_len, h->meth,
			     (int)h->uri_len, h->uri, h->ver_minor);
	if (n < 0 || (size_t)n >= room)
		return NULL;
	*len = (size_t)n;
	return out;
}

const char *hmsg_reason(int status)
{
	static const struct { int code; const char *text; } reasons[] = {
		{ 100, "Continue" }, { 101, "Switching Protocols" }, { 200, "OK" },
		{ 201, "Created" }, { 202, "Accepted" }, { 204, "No Content" },
		{ 206, "Partial Content" }, { 301, "Moved Permanently" },
		{ 302, "Found" }, { 303, "See Other" }, { 304, "Not Modified" },
		{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 407, "Proxy Authentication Required" }, { 408, "Request Timeout" },
		{ 409, "Conflict" }, { 410, "Gone" }, { 413, "Payload Too Large" },
		{ 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
		{ 425, "Too Early" }, { 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].text;
	return "";
}
