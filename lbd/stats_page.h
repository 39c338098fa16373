/*
 * stats_page.h - the HTML statistics page, its ";csv" and ";json"
 * exports and its admin form (server state changes), built on the first
 * worker from the "show stat" rows.
 */
#ifndef LBD_STATS_PAGE_H
#define LBD_STATS_PAGE_H

#include <stddef.h>

struct proxy;
struct sbuf;
struct svc_conf;

struct stats_page_req {
	struct svc_conf *conf;
	struct proxy *px;		/* the proxy serving the page */
	const char *uri;		/* as requested, with ";csv", "?..." */
	int head_only, post;
	int admin;			/* "stats admin" allows changes */
	const char *body;		/* form body of a POST */
	size_t body_len;
	int status;			/* out: the HTTP status */
};

/* Build the response body into out, its Content-Type into *ctype and any
 * extra header lines ("Location: ...\r\n") into extra. */
void stats_page_build(struct stats_page_req *r, struct sbuf *out, char *extra,
		      size_t extra_len, const char **ctype);

#endif
