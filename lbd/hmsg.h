/*
 * hmsg.h - an HTTP/1 message head as the rules see and edit it: the parsed
 * http1_msg's header array (edited in place, new strings from the request's
 * arena) and the start line's parts. http-request/http-response actions
 * change it, fetches read it, and hhead_build writes the result. No I/O.
 */
#ifndef LBD_HMSG_H
#define LBD_HMSG_H

#include <stddef.h>

struct arena;
struct http1_msg;
struct http1_hdr;

struct hmsg {
	struct http1_msg *m;		/* headers: m->hdrs[0..m->nhdrs) */
	size_t cap;			/* room in m->hdrs for added headers */
	struct arena *a;
	int is_res;
	/* request line */
	const char *meth, *uri;
	size_t meth_len, uri_len;
	/* status line */
	int status;
	const char *reason;
	size_t reason_len;
	int ver_minor;
	int edited_start;		/* the start line must be rebuilt */
};

/* A view of a parsed message; cap is the capacity of m->hdrs. */
void hmsg_init(struct hmsg *h, struct http1_msg *m, size_t cap, struct arena *a,
	       int is_res);

/* The next header named name (case-insensitive) from index *pos (updated
 * past it), or NULL. */
const struct http1_hdr *hmsg_find(const struct hmsg *h, const char *name,
				  size_t nlen, size_t *pos);

/* Append "name: value" (copied into the arena). 0, or -1 when full. */
int hmsg_add(struct hmsg *h, const char *name, size_t nlen, const char *val,
	     size_t vlen);

/* Remove every header named name; returns how many. */
unsigned hmsg_del(struct hmsg *h, const char *name, size_t nlen);

/* Remove header i. */
void hmsg_del_at(struct hmsg *h, size_t i);

/* Replace the value of header i (copied). 0 or -1. */
int hmsg_set_value(struct hmsg *h, size_t i, const char *val, size_t vlen);

/* The path (request target up to '?', without scheme://authority) and the
 * query (after '?', may be empty; *has_q 0 when there is no '?'). */
void hmsg_path(const struct hmsg *h, const char **p, size_t *len);
void hmsg_query(const struct hmsg *h, const char **q, size_t *len, int *has_q);

/* Start-line edits (copied). 0, or -1 when the arena is full. */
int hmsg_set_method(struct hmsg *h, const char *v, size_t n);
int hmsg_set_uri(struct hmsg *h, const char *v, size_t n);
int hmsg_set_path(struct hmsg *h, const char *v, size_t n);
int hmsg_set_query(struct hmsg *h, const char *v, size_t n);
int hmsg_set_status(struct hmsg *h, int status, const char *reason, size_t n);

/* The start line to send (without CRLF) when it was edited, from the arena;
 * NULL when unchanged (or on a full arena, with *len 0: an error). */
const char *hmsg_start_line(struct hmsg *h, size_t *len);

/* The standard reason phrase of a status ("OK", "Not Found"...) or "". */
const char *hmsg_reason(int status);

#endif
