/*
 * check_http.c - HTTP checks: configuration, request building and response
 * judging (see check_http.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cfg.h"
#include "check_http.h"
#include "check_tcp.h"
#include "http1.h"
#include "proxy.h"

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static struct chk_http *chk_http_get(struct proxy *px)
{
	if (!px->httpchk)
		px->httpchk = calloc(1, sizeof(*px->httpchk));
	return px->httpchk;
}

static int chk_set(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

int chk_cfg_httpchk(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv)
{
	struct chk_http *h = chk_http_get(px);
	const char *meth = "OPTIONS", *uri = "/", *ver = "HTTP/1.0";

	if (!h)
		return -1;
	/* argv: option httpchk [<uri>] | [<method> <uri> [<version>]] */
	if (argc == 3)
		uri = argv[2];
	else if (argc >= 4) {
		meth = argv[2];
		uri = argv[3];
		if (argc >= 5)
			ver = argv[4];
	}
	if (argc > 5)
		cfg_err(ctx, "'option httpchk' takes at most <method> <uri> <version>.");
	if (strpbrk(ver, "\r\n"))
		cfg_warn(ctx, "'option httpchk': hiding headers or body at the end "
			 "of the version string is deprecated (an error from "
			 "HAProxy 2.7). Use 'http-check send hdr <name> <value>' "
			 "instead.");
	if (!http1_is_token(meth, strlen(meth)))
		cfg_err(ctx, "'option httpchk': invalid method '%s'.", meth);
	px->check_kind = PR_CHK_HTTP;
	if (chk_set(&h->method, meth) < 0 || chk_set(&h->uri, uri) < 0 ||
	    chk_set(&h->version, ver) < 0)
		return -1;
	return 0;
}

static int chk_cfg_hdr(struct cfg_ctx *ctx, struct tcpchk_rule *r, char **nv)
{
	struct chk_hdr *n = realloc(r->hdrs, (r->nhdrs + 1) * sizeof(*n));

	if (!n)
		return -1;
	r->hdrs = n;
	n[r->nhdrs].name = strdup(nv[0]);
	n[r->nhdrs].value = strdup(nv[1]);
	r->nhdrs++;
	if (!n[r->nhdrs - 1].name || !n[r->nhdrs - 1].value)
		return -1;
	if (!http1_is_token(nv[0], strlen(nv[0])))
		cfg_err(ctx, "'http-check send hdr': invalid header name '%s'.", nv[0]);
	return 0;
}

/* http-check send [meth <m>] [uri <u>] [ver <v>] [hdr <n> <v>]* [body <b>] */
static int chk_cfg_send(struct cfg_ctx *ctx, struct chk_http *h, int argc, char **argv)
{
	struct tcpchk_rule *r = tcpchk_add(&h->rules, TCPCHK_SEND);

	if (!r)
		return -1;
	r->http = 1;
	for (int i = 2; i < argc; i++) {
		const char *k = argv[i];
		char **dst = NULL;

		if (strcmp(k, "meth") == 0)
			dst = &r->meth;
		else if (strcmp(k, "uri") == 0)
			dst = &r->uri;
		else if (strcmp(k, "ver") == 0)
			dst = &r->ver;
		else if (strcmp(k, "body") == 0)
			dst = &r->body;
		else if (strcmp(k, "hdr") == 0) {
			if (i + 2 >= argc) {
				cfg_err(ctx, "'http-check send hdr' expects <name> <value>.");
				return 0;
			}
			if (chk_cfg_hdr(ctx, r, argv + i + 1) < 0)
				return -1;
			i += 2;
			continue;
		} else {
			cfg_err(ctx, "'http-check send %s' is not supported yet (supported: "
				"meth, uri, ver, hdr, body).", k);
			return 0;
		}
		if (i + 1 >= argc) {
			cfg_err(ctx, "'http-check send %s' expects a value.", k);
			return 0;
		}
		if (chk_set(dst, argv[++i]) < 0)
			return -1;
	}
	if (r->meth && !http1_is_token(r->meth, strlen(r->meth)))
		cfg_err(ctx, "'http-check send meth': invalid method '%s'.", r->meth);
	return 0;
}

struct chk_hdr_match *chk_hdr_match_dup(const struct chk_hdr_match *m)
{
	struct chk_hdr_match *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	*d = *m;
	d->name_re = d->value_re = NULL;
	d->name = xstrdup(m->name);
	d->value = xstrdup(m->value);
	if (!d->name || (m->value && !d->value)) {
		chk_hdr_match_free(d);
		return NULL;
	}
	return d;
}

void chk_hdr_match_free(struct chk_hdr_match *m)
{
	if (!m)
		return;
	free(m->name);
	free(m->value);
	if (m->name_re)
		pcre2_code_free(m->name_re);
	if (m->value_re)
		pcre2_code_free(m->value_re);
	free(m);
}

/* [-m <meth>] <pattern> at argv[*i]: 0, or -1 reported */
static int chk_cfg_hm(struct cfg_ctx *ctx, int argc, char **argv, int *i,
		      enum chk_hm *meth, char **pattern)
{
	static const char *const meths[] = { "str", "beg", "end", "sub", "reg" };

	*meth = CHK_HM_STR;
	if (*i + 1 < argc && strcmp(argv[*i], "-m") == 0) {
		size_t k;

		for (k = 0; k < sizeof(meths) / sizeof(meths[0]); k++)
			if (strcmp(argv[*i + 1], meths[k]) == 0)
				break;
		if (k == sizeof(meths) / sizeof(meths[0])) {
			cfg_err(ctx, "'http-check expect hdr': '-m %s' is not a matching "
				"method (str, beg, end, sub or reg).", argv[*i + 1]);
			return -1;
		}
		*meth = (enum chk_hm)k;
		*i += 2;
	}
	if (*i >= argc) {
		cfg_err(ctx, "'http-check expect hdr' expects a pattern after '%s'.",
			argv[*i - 1]);
		return -1;
	}
	*pattern = strdup(argv[(*i)++]);
	return 0;
}

/* hdr|fhdr name [-m M] <name> [value [-m M] <value>], from argv[i] */
static int chk_cfg_expect_hdr(struct cfg_ctx *ctx, struct tcpchk_rule *r, int argc,
			      char **argv, int i)
{
	struct chk_hdr_match *m = calloc(1, sizeof(*m));

	if (!m)
		return -1;
	r->hdrm = m;
	r->match = TCPCHK_M_HTTP_HDR;
	m->full = argv[i][0] == 'f';
	i++;
	if (i >= argc || strcmp(argv[i], "name") != 0) {
		cfg_err(ctx, "'http-check expect %s' expects 'name [-m <meth>] <name>'%s.",
			argv[i - 1], i < argc && strcmp(argv[i], "name-lf") == 0 ?
			" ('name-lf' is not supported yet)" : "");
		return 0;
	}
	i++;
	if (chk_cfg_hm(ctx, argc, argv, &i, &m->name_m, &m->name) < 0)
		return 0;
	if (!m->name)
		return -1;
	if (i < argc && strcmp(argv[i], "value") == 0) {
		i++;
		if (chk_cfg_hm(ctx, argc, argv, &i, &m->value_m, &m->value) < 0)
			return 0;
		if (!m->value)
			return -1;
	}
	if (i < argc)
		cfg_err(ctx, "'http-check expect %s': unexpected '%s'%s.", m->full ?
			"fhdr" : "hdr", argv[i], strcmp(argv[i], "value-lf") == 0 ?
			" ('value-lf' is not supported yet)" : "");
	return 0;
}

/* http-check expect [!] status|rstatus|string|rstring <pattern>
 *                   [!] hdr|fhdr name ... */
static int chk_cfg_expect(struct cfg_ctx *ctx, struct chk_http *h, int argc, char **argv)
{
	static const struct { const char *name; enum tcpchk_match m; } kinds[] = {
		{ "status", TCPCHK_M_HTTP_STATUS }, { "rstatus", TCPCHK_M_HTTP_RSTATUS },
		{ "string", TCPCHK_M_HTTP_STRING }, { "rstring", TCPCHK_M_HTTP_RSTRING },
	};
	struct tcpchk_rule *r;
	int i = 2, inverse = 0;
	size_t k;

	if (i < argc && strcmp(argv[i], "!") == 0) {
		inverse = 1;
		i++;
	}
	if (i + 1 >= argc) {
		cfg_err(ctx, "'http-check expect' expects [!] <match> <pattern>.");
		return 0;
	}
	if (strcmp(argv[i], "hdr") == 0 || strcmp(argv[i], "fhdr") == 0) {
		r = tcpchk_add(&h->rules, TCPCHK_EXPECT);
		if (!r)
			return -1;
		r->inverse = inverse;
		return chk_cfg_expect_hdr(ctx, r, argc, argv, i);
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strcmp(argv[i], kinds[k].name) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0])) {
		cfg_err(ctx, "'http-check expect %s' is not supported yet (supported: "
			"status, rstatus, string, rstring, hdr, fhdr).", argv[i]);
		return 0;
	}
	if (i + 2 < argc)
		cfg_err(ctx, "'http-check expect': options after the pattern are not "
			"supported yet.");
	r = tcpchk_add(&h->rules, TCPCHK_EXPECT);
	if (!r)
		return -1;
	r->match = kinds[k].m;
	r->inverse = inverse;
	r->data = strdup(argv[i + 1]);
	r->len = r->data ? strlen(r->data) : 0;
	return r->data ? 0 : -1;
}

int chk_cfg_http_check(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv)
{
	struct chk_http *h;

	if (argc < 2) {
		cfg_err(ctx, "'http-check' expects 'connect', 'send', 'expect' or "
			"'comment'.");
		return 0;
	}
	h = chk_http_get(px);
	if (!h)
		return -1;
	if (strcmp(argv[1], "send") == 0)
		return chk_cfg_send(ctx, h, argc, argv);
	if (strcmp(argv[1], "expect") == 0)
		return chk_cfg_expect(ctx, h, argc, argv);
	if (strcmp(argv[1], "connect") == 0 || strcmp(argv[1], "comment") == 0)
		return tcpchk_cfg_list(ctx, &h->rules, argc, argv);
	cfg_err(ctx, "'http-check %s' is not supported yet (supported: connect, "
		"send, expect, comment).", argv[1]);
	return 0;
}

int chk_http_dup(struct chk_http **dst, const struct chk_http *src)
{
	struct chk_http *h;

	*dst = NULL;
	if (!src)
		return 0;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -1;
	*dst = h;
	h->method = xstrdup(src->method);
	h->uri = xstrdup(src->uri);
	h->version = xstrdup(src->version);
	if ((src->method && !h->method) || (src->uri && !h->uri) ||
	    (src->version && !h->version))
		return -1;
	return tcpchk_dup(&h->rules, src->rules);
}

void chk_http_free(struct chk_http *h)
{
	if (!h)
		return;
	free(h->method);
	free(h->uri);
	free(h->version);
	tcpchk_free(h->rules);
	free(h);
}

/* The request bytes of a send rule; keep: no "Connection: close" (another
 * send follows on this connection). 0 or -1 (ENOMEM). */
static int chk_http_build(const struct chk_http *h, struct tcpchk_rule *r, int keep)
{
	const char *meth = r->meth ? r->meth : h->method;
	const char *uri = r->uri ? r->uri : h->uri;
	const char *ver = r->ver ? r->ver : h->version;
	size_t cap = 128 + strlen(meth) + strlen(uri) + strlen(ver) +
		     (r->body ? strlen(r->body) : 0);
	int n, has_conn = 0;
	char *p;

	for (unsigned i = 0; i < r->nhdrs; i++) {
		cap += strlen(r->hdrs[i].name) + strlen(r->hdrs[i].value) + 4;
		has_conn |= strcasecmp(r->hdrs[i].name, "connection") == 0;
	}
	free(r->data);
	r->data = p = malloc(cap);
	if (!p)
		return -1;
	n = sprintf(p, "%s %s %s\r\n", meth, uri, ver);
	for (unsigned i = 0; i < r->nhdrs; i++)
		n += sprintf(p + n, "%s: %s\r\n", r->hdrs[i].name, r->hdrs[i].value);
	/* the last request on a connection says so to HTTP/1.1 servers */
	if (!keep && !has_conn && strncmp(ver, "HTTP/1.1", 8) == 0)
		n += sprintf(p + n, "Connection: close\r\n");
	if (r->body)
		n += sprintf(p + n, "Content-Length: %zu\r\n", strlen(r->body));
	n += sprintf(p + n, "\r\n%s", r->body ? r->body : "");
	r->len = (size_t)n;
	return 0;
}

/* Another send follows rule i before the next connect. */
static int chk_http_send_follows(const struct tcpchk *t, unsigned i)
{
	for (unsigned k = i + 1; k < t->n; k++) {
		if (t->rules[k].kind == TCPCHK_CONNECT)
			return 0;
		if (t->rules[k].kind == TCPCHK_SEND)
			return 1;
	}
	return 0;
}

static void *chk_re_compile(struct cfg_ctx *ctx, struct proxy *be,
			    const char *pattern, uint32_t opts)
{
	PCRE2_SIZE erroff;
	pcre2_code *re;
	int errcode;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &errcode,
			   &erroff, NULL);
	if (!re) {
		PCRE2_UCHAR msg[128];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		cfg_alert_global(ctx, "backend '%s': http-check expect hdr: bad regex "
				 "'%s': %s.", be->id, pattern, (char *)msg);
	}
	return re;
}

static int chk_hm_compile(struct cfg_ctx *ctx, struct proxy *be,
			  struct chk_hdr_match *m)
{
	if (m->name_m == CHK_HM_REG && !m->name_re &&
	    !(m->name_re = chk_re_compile(ctx, be, m->name, PCRE2_CASELESS)))
		return -1;
	if (m->value && m->value_m == CHK_HM_REG && !m->value_re &&
	    !(m->value_re = chk_re_compile(ctx, be, m->value, 0)))
		return -1;
	return 0;
}

int chk_cfg_finish(struct cfg_ctx *ctx, struct proxy *be)
{
	struct chk_http *h = be->httpchk;
	int has_send = 0, has_expect = 0;
	struct tcpchk_rule *r;
	struct tcpchk *t;

	if (!h)
		return 0;
	if (be->check_kind != PR_CHK_HTTP) {
		if (!h->rules || !h->rules->n)
			return 0;
		cfg_warn_global(ctx, "backend '%s': 'http-check' rules without 'option "
				"httpchk' are ignored by HAProxy; lbd runs HTTP checks "
				"for them.", be->id);
		be->check_kind = PR_CHK_HTTP;
	}
	if (h->rules)
		h->rules->inherited = 0;	/* from here on, its own */
	if ((!h->method && !(h->method = strdup("OPTIONS"))) ||
	    (!h->uri && !(h->uri = strdup("/"))) ||
	    (!h->version && !(h->version = strdup("HTTP/1.0"))))
		return -1;
	for (unsigned i = 0; h->rules && i < h->rules->n; i++) {
		has_send |= h->rules->rules[i].kind == TCPCHK_SEND;
		has_expect |= h->rules->rules[i].kind == TCPCHK_EXPECT;
	}
	if (!has_send) {
		unsigned at = h->rules && h->rules->n &&
			      h->rules->rules[0].kind == TCPCHK_CONNECT ? 1 : 0;

		if (!(r = tcpchk_insert(&h->rules, at, TCPCHK_SEND)))
			return -1;
		r->http = 1;
	}
	if (!has_expect) {
		if (!(r = tcpchk_add(&h->rules, TCPCHK_EXPECT)))
			return -1;
		r->match = TCPCHK_M_HTTP_DEFAULT;
	}
	t = h->rules;
	for (unsigned i = 0; i < t->n; i++) {
		r = &t->rules[i];
		if (r->kind == TCPCHK_SEND && r->http &&
		    chk_http_build(h, r, chk_http_send_follows(t, i)) < 0)
			return -1;
		if (r->hdrm && chk_hm_compile(ctx, be, r->hdrm) < 0)
			return -1;
	}
	return tcpchk_compile(ctx, be, t, "http-check");
}

/* "http-check expect status": a comma list of codes and ranges
 * ("200", "200,301-302"). */
static int chk_status_match(const char *pattern, int status)
{
	const char *p = pattern;

	while (*p) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			return 0;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p)
				return 0;
		}
		if (status >= lo && status <= hi)
			return 1;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return 0;
	}
	return 0;
}

/* The body is all there: its length, the chunked end, or the close. */
static int chk_http_body_done(const struct http1_msg *m, const char *body,
			      size_t len, int complete)
{
	if (complete)
		return 1;
	if (m->flags & HTTP1_F_HAS_CL)
		return len >= m->content_length;
	if (m->flags & HTTP1_F_CHUNKED)
		return len >= 5 && memcmp(body + len - 5, "0\r\n\r\n", 5) == 0;
	return 0;
}

static int chk_re_match(void *re, const char *s, size_t len)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int ok = md && pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, md, NULL) >= 0;

	pcre2_match_data_free(md);
	return ok;
}

/* One text against a pattern by method; nocase for header names. */
static int chk_hm_one(enum chk_hm meth, const char *pat, void *re, const char *s,
		      size_t len, int nocase)
{
	size_t pl = strlen(pat);
	int (*cmp)(const char *, const char *, size_t) = nocase ? strncasecmp : strncmp;

	switch (meth) {
	case CHK_HM_STR:
		return len == pl && cmp(s, pat, pl) == 0;
	case CHK_HM_BEG:
		return len >= pl && cmp(s, pat, pl) == 0;
	case CHK_HM_END:
		return len >= pl && cmp(s + len - pl, pat, pl) == 0;
	case CHK_HM_SUB:
		for (size_t i = 0; i + pl <= len; i++)
			if (cmp(s + i, pat, pl) == 0)
				return 1;
		return 0;
	default:
		return chk_re_match(re, s, len);
	}
}

/* A header value: whole (fhdr), or each comma-separated element (hdr). */
static int chk_hm_value(const struct chk_hdr_match *m, const char *v, size_t len)
{
	const char *end = v + len;

	if (m->full)
		return chk_hm_one(m->value_m, m->value, m->value_re, v, len, 0);
	while (v <= end) {
		const char *comma = memchr(v, ',', (size_t)(end - v));
		const char *e = comma ? comma : end, *b = v;

		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (chk_hm_one(m->value_m, m->value, m->value_re, b, (size_t)(e - b), 0))
			return 1;
		if (!comma)
			break;
		v = comma + 1;
	}
	return 0;
}

static int chk_hm_match(const struct chk_hdr_match *m, const struct http1_msg *msg)
{
	for (size_t i = 0; i < msg->nhdrs; i++) {
		const struct http1_hdr *h = &msg->hdrs[i];

		if (!chk_hm_one(m->name_m, m->name, m->name_re, h->name, h->name_len, 1))
			continue;
		if (!m->value || chk_hm_value(m, h->value, h->value_len))
			return 1;
	}
	return 0;
}

int chk_http_expect(const struct tcpchk_rule *r, const char *buf, size_t len,
		    int complete, struct tcpchk_verdict *v)
{
	struct http1_hdr hdrs[64];
	struct http1_msg m = { .hdrs = hdrs, .max_hdrs = 64 };
	int rc = http1_parse_response(buf, len, &m), ok, on_body;
	char status[4];
	const char *body;
	size_t bodylen;

	v->code = 0;
	v->wrong_status = 0;
	v->info[0] = '\0';
	if (rc == 0 && !complete)
		return 0;
	if (rc <= 0) {
		snprintf(v->info, sizeof(v->info), "%s", rc == 0 ? "truncated response" :
			 "invalid response");
		return -1;
	}
	body = buf + rc;
	bodylen = len - (size_t)rc;
	on_body = r->match == TCPCHK_M_HTTP_STRING || r->match == TCPCHK_M_HTTP_RSTRING;
	/* a body is read whole: to match on it, or before the next request
	 * on the same connection; a body until the close is only waited for
	 * when matched on */
	if (!chk_http_body_done(&m, body, bodylen, complete) &&
	    (on_body || (m.flags & (HTTP1_F_HAS_CL | HTTP1_F_CHUNKED))))
		return 0;
	v->code = m.status;
	snprintf(v->info, sizeof(v->info), "%.*s", (int)m.reason_len, m.reason);
	snprintf(status, sizeof(status), "%d", m.status);
	switch (r->match) {
	case TCPCHK_M_HTTP_STATUS:
		ok = chk_status_match(r->data, m.status);
		break;
	case TCPCHK_M_HTTP_RSTATUS:
		ok = chk_re_match(r->regex, status, strlen(status));
		break;
	case TCPCHK_M_HTTP_STRING:
		ok = memmem(body, bodylen, r->data, r->len) != NULL;
		break;
	case TCPCHK_M_HTTP_RSTRING:
		ok = chk_re_match(r->regex, body, bodylen);
		break;
	case TCPCHK_M_HTTP_HDR:
		ok = chk_hm_match(r->hdrm, &m);
		break;
	default:
		ok = m.status >= 200 && m.status < 400;
	}
	if (r->inverse)
		ok = !ok;
	if (ok)
		return 1;
	if (on_body)
		snprintf(v->info, sizeof(v->info), "content did not match the expected "
			 "string");
	else if (r->match == TCPCHK_M_HTTP_HDR)
		snprintf(v->info, sizeof(v->info), "header %s did not match",
			 r->hdrm->name);
	else
		v->wrong_status = 1;
	return -1;
}
