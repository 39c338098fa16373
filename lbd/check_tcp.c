/*
 * check_tcp.c - check rule lists: "tcp-check" rules, the list operations
 * "http-check" shares, and expect matching (see check_tcp.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cfg.h"
#include "check_http.h"
#include "cfg_lex.h"
#include "check_tcp.h"
#include "proxy.h"

struct tcpchk_rule *tcpchk_insert(struct tcpchk **tp, unsigned at,
				  enum tcpchk_kind kind)
{
	struct tcpchk *t = *tp;
	struct tcpchk_rule *r;

	if (t && t->inherited) {
		tcpchk_free(t);
		t = *tp = NULL;
	}
	if (!t && !(t = *tp = calloc(1, sizeof(*t))))
		return NULL;
	if (at > t->n)
		at = t->n;
	r = realloc(t->rules, (t->n + 1) * sizeof(*r));
	if (!r)
		return NULL;
	t->rules = r;
	memmove(&r[at + 1], &r[at], (t->n - at) * sizeof(*r));
	memset(&r[at], 0, sizeof(*r));
	r[at].kind = kind;
	t->n++;
	for (unsigned i = 0; i < t->n; i++)
		r[i].line = i + 1;
	return &r[at];
}

struct tcpchk_rule *tcpchk_add(struct tcpchk **tp, enum tcpchk_kind kind)
{
	return tcpchk_insert(tp, *tp && !(*tp)->inherited ? (*tp)->n : 0, kind);
}

/* Decode a hex string into a new buffer; -1 when it is not hex pairs. */
static int hex_decode(const char *hex, char **out, size_t *len)
{
	size_t n = strlen(hex);

	*out = malloc(n / 2 + 1);
	if (!*out)
		return -1;
	if (cfg_hex_decode(hex, (unsigned char *)*out, n / 2, len) < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int tcpchk_cfg_expect(struct cfg_ctx *ctx, struct tcpchk_rule *r,
			     int argc, char **argv)
{
	static const struct { const char *name; enum tcpchk_match m; } kinds[] = {
		{ "string", TCPCHK_M_STRING }, { "rstring", TCPCHK_M_RSTRING },
		{ "binary", TCPCHK_M_BINARY }, { "rbinary", TCPCHK_M_RBINARY },
	};
	int i = 2;
	size_t k;

	if (i < argc && strcmp(argv[i], "!") == 0) {
		r->inverse = 1;
		i++;
	}
	if (i + 1 >= argc) {
		cfg_err(ctx, "'tcp-check expect' expects [!] <match> <pattern>.");
		return 0;
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strcmp(argv[i], kinds[k].name) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0])) {
		cfg_err(ctx, "'tcp-check expect %s' is not supported yet (supported: "
			"string, rstring, binary, rbinary).", argv[i]);
		return 0;
	}
	if (i + 2 < argc)
		cfg_err(ctx, "'tcp-check expect': options after the pattern are not "
			"supported yet.");
	r->match = kinds[k].m;
	if (r->match == TCPCHK_M_BINARY) {
		if (hex_decode(argv[i + 1], &r->data, &r->len) < 0)
			cfg_err(ctx, "'tcp-check expect binary': '%s' is not an even "
				"number of hex digits.", argv[i + 1]);
		return 0;
	}
	r->data = strdup(argv[i + 1]);
	r->len = r->data ? strlen(r->data) : 0;
	return r->data ? 0 : -1;
}

int tcpchk_cfg_rule(struct cfg_ctx *ctx, struct proxy *px, int argc, char **argv)
{
	return tcpchk_cfg_list(ctx, &px->tcpchk, argc, argv);
}

int tcpchk_cfg_list(struct cfg_ctx *ctx, struct tcpchk **px, int argc, char **argv)
{
	struct tcpchk_rule *r;
	const char *kw = argc > 1 ? argv[1] : "";
	const char *name = argv[0];

	if (strcmp(kw, "connect") == 0) {
		if (!(r = tcpchk_add(px, TCPCHK_CONNECT)))
			return -1;
		for (int i = 2; i < argc; i++) {
			char *end;

			if (strcmp(argv[i], "port") == 0 && i + 1 < argc) {
				r->port = (unsigned)strtoul(argv[++i], &end, 10);
				if (*end || !r->port || r->port > 65535)
					cfg_err(ctx, "'%s connect port': invalid port "
						"'%s'.", name, argv[i]);
			} else
				cfg_err(ctx, "'%s connect %s' is not supported yet%s.",
					name, argv[i], strcmp(argv[i], "ssl") == 0 ?
					": TLS arrives with its own issue" : "");
		}
		return 0;
	}
	if (strcmp(kw, "send") == 0 || strcmp(kw, "send-binary") == 0) {
		if (argc != 3) {
			cfg_err(ctx, "'tcp-check %s' expects one argument.", kw);
			return 0;
		}
		if (!(r = tcpchk_add(px, TCPCHK_SEND)))
			return -1;
		if (kw[4] == '-') {
			if (hex_decode(argv[2], &r->data, &r->len) < 0)
				cfg_err(ctx, "'tcp-check send-binary': '%s' is not an even "
					"number of hex digits.", argv[2]);
			return 0;
		}
		r->data = strdup(argv[2]);
		r->len = r->data ? strlen(r->data) : 0;
		return r->data ? 0 : -1;
	}
	if (strcmp(kw, "expect") == 0) {
		if (!(r = tcpchk_add(px, TCPCHK_EXPECT)))
			return -1;
		return tcpchk_cfg_expect(ctx, r, argc, argv);
	}
	if (strcmp(kw, "comment") == 0) {
		if (argc != 3) {
			cfg_err(ctx, "'%s comment' expects one argument.", name);
			return 0;
		}
		if (!(r = tcpchk_add(px, TCPCHK_COMMENT)))
			return -1;
		r->comment = strdup(argv[2]);
		return r->comment ? 0 : -1;
	}
	cfg_err(ctx, "'tcp-check %s' is not supported yet (supported: connect, "
		"send, send-binary, expect, comment).", kw);
	return 0;
}

static int dup_opt(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return src && !*dst ? -1 : 0;
}

int tcpchk_dup(struct tcpchk **dst, const struct tcpchk *src)
{
	struct tcpchk *t;

	*dst = NULL;
	if (!src)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	*dst = t;
	t->rules = calloc(src->n ? src->n : 1, sizeof(*t->rules));
	if (!t->rules)
		return -1;
	t->n = src->n;
	t->inherited = 1;
	for (unsigned i = 0; i < src->n; i++) {
		const struct tcpchk_rule *o = &src->rules[i];
		struct tcpchk_rule *r = &t->rules[i];

		*r = *o;
		r->regex = NULL;
		r->data = r->comment = r->meth = r->uri = r->ver = r->body = NULL;
		r->hdrs = NULL;
		r->nhdrs = 0;
		r->hdrm = NULL;
		if (o->hdrm && !(r->hdrm = chk_hdr_match_dup(o->hdrm)))
			return -1;
		/* text patterns are C strings too: keep the terminator */
		if (o->data && !(r->data = malloc(r->len + 1)))
			return -1;
		if (r->data) {
			memcpy(r->data, o->data, r->len);
			r->data[r->len] = '\0';
		}
		if (dup_opt(&r->comment, o->comment) < 0 || dup_opt(&r->meth, o->meth) < 0 ||
		    dup_opt(&r->uri, o->uri) < 0 || dup_opt(&r->ver, o->ver) < 0 ||
		    dup_opt(&r->body, o->body) < 0)
			return -1;
		if (o->nhdrs && !(r->hdrs = calloc(o->nhdrs, sizeof(*r->hdrs))))
			return -1;
		r->nhdrs = o->nhdrs;
		for (unsigned k = 0; k < o->nhdrs; k++)
			if (dup_opt(&r->hdrs[k].name, o->hdrs[k].name) < 0 ||
			    dup_opt(&r->hdrs[k].value, o->hdrs[k].value) < 0)
				return -1;
	}
	return 0;
}

void tcpchk_free(struct tcpchk *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < t->n; i++) {
		struct tcpchk_rule *r = &t->rules[i];

		free(r->data);
		free(r->comment);
		free(r->meth);
		free(r->uri);
		free(r->ver);
		free(r->body);
		for (unsigned k = 0; k < r->nhdrs; k++) {
			free(r->hdrs[k].name);
			free(r->hdrs[k].value);
		}
		free(r->hdrs);
		chk_hdr_match_free(r->hdrm);
		if (r->regex)
			pcre2_code_free(r->regex);
	}
	free(t->rules);
	free(t);
}

int tcpchk_finish(struct cfg_ctx *ctx, struct proxy *be)
{
	return tcpchk_compile(ctx, be, be->tcpchk, "tcp-check");
}

static int tcpchk_is_regex(enum tcpchk_match m)
{
	return m == TCPCHK_M_RSTRING || m == TCPCHK_M_RBINARY ||
	       m == TCPCHK_M_HTTP_RSTATUS || m == TCPCHK_M_HTTP_RSTRING;
}

int tcpchk_compile(struct cfg_ctx *ctx, struct proxy *be, struct tcpchk *t,
		   const char *what)
{
	if (!t)
		return 0;
	for (unsigned i = 0; i < t->n; i++) {
		struct tcpchk_rule *r = &t->rules[i];
		PCRE2_SIZE erroff;
		int errcode;

		/* a comment names the rule after it in failure messages */
		if (r->kind == TCPCHK_COMMENT && i + 1 < t->n && !t->rules[i + 1].comment)
			t->rules[i + 1].comment = strdup(r->comment);
		if (r->kind != TCPCHK_EXPECT || !tcpchk_is_regex(r->match) || r->regex)
			continue;
		r->regex = pcre2_compile((PCRE2_SPTR)r->data, r->len, 0, &errcode,
					 &erroff, NULL);
		if (!r->regex) {
			PCRE2_UCHAR msg[128];

			pcre2_get_error_message(errcode, msg, sizeof(msg));
			cfg_alert_global(ctx, "backend '%s': %s expect: bad regex "
					 "'%s': %s.", be->id, what, r->data, (char *)msg);
			return -1;
		}
	}
	return 0;
}

/* rbinary matches the regex against the hex text of the bytes */
static int tcpchk_rbinary(const struct tcpchk_rule *r, const char *buf, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";
	char *hex = malloc(len * 2 + 1);
	pcre2_match_data *md;
	int rc;

	if (!hex)
		return 0;
	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[(unsigned char)buf[i] >> 4];
		hex[2 * i + 1] = digits[(unsigned char)buf[i] & 15];
	}
	md = pcre2_match_data_create_from_pattern(r->regex, NULL);
	rc = md && pcre2_match(r->regex, (PCRE2_SPTR)hex, len * 2, 0, 0, md, NULL) >= 0;
	pcre2_match_data_free(md);
	free(hex);
	return rc;
}

int tcpchk_expect(const struct tcpchk_rule *r, const char *buf, size_t len,
		  int complete, struct tcpchk_verdict *v)
{
	int found;

	if (r->match >= TCPCHK_M_HTTP_STATUS)
		return chk_http_expect(r, buf, len, complete, v);
	switch (r->match) {
	case TCPCHK_M_STRING:
	case TCPCHK_M_BINARY:
		found = len >= r->len && memmem(buf, len, r->data, r->len) != NULL;
		break;
	case TCPCHK_M_RSTRING: {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->regex, NULL);

		found = md && pcre2_match(r->regex, (PCRE2_SPTR)buf, len, 0, 0, md,
					  NULL) >= 0;
		pcre2_match_data_free(md);
		break;
	}
	default:
		found = tcpchk_rbinary(r, buf, len);
	}
	if (r->inverse) {
		if (found)
			return -1;
		return complete ? 1 : 0;
	}
	if (found)
		return 1;
	return complete ? -1 : 0;
}
