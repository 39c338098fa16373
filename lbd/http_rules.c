/*
 * http_rules.c - http-request / http-response rules (see http_rules.h).
 * The action table is the index of what is supported; the actions HAProxy
 * has that lbd does not run yet are refused by name.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "acl.h"
#include "arena.h"
#include "capture.h"
#include "cfg.h"
#include "errors.h"
#include "hmsg.h"
#include "http1.h"
#include "http_rules.h"
#include "logfmt.h"
#include "proxy.h"
#include "sample.h"
#include "service.h"
#include "sess_log.h"
#include "session.h"
#include "stktable.h"
#include "syslog.h"
#include "vars.h"
#include "worker.h"

#define HRULE_VALUE_MAX	8192	/* a rendered value; longer ones are cut */

enum hrule_act {
	HR_ALLOW, HR_DENY, HR_RETURN, HR_REDIRECT, HR_SET_HDR, HR_ADD_HDR,
	HR_DEL_HDR, HR_REPLACE_HDR, HR_REPLACE_VAL, HR_SET_PATH, HR_SET_QUERY,
	HR_SET_URI, HR_SET_METHOD, HR_SET_STATUS, HR_TRACK_SC, HR_INC_GPC0,
	HR_CAPTURE, HR_SET_VAR, HR_UNSET_VAR, HR_TARPIT, HR_AUTH, HR_LOG_LEVEL,
};

enum { REDIR_LOCATION, REDIR_PREFIX, REDIR_SCHEME };

struct hrule_hdr {		/* "hdr <name> <fmt>" of return */
	struct hrule_hdr *next;
	char *name;
	struct logfmt *fmt;
};

struct hrule {
	struct hrule *next;
	enum hrule_act act;
	struct acl_cond *cond;
	char *name;			/* header name */
	size_t nlen;
	struct logfmt *fmt;		/* value, location, body */
	pcre2_code *re;			/* replace-header / replace-value */
	int status;			/* deny_status, return status, redirect code */
	int redir;			/* REDIR_* */
	unsigned drop_query:1, append_slash:1;
	char *ctype;			/* return content-type */
	char *body;			/* return string / file contents */
	size_t body_len;
	char *reply;			/* return: the whole answer when it is fixed */
	size_t reply_len;
	struct hrule_hdr *hdrs;
	char *reason;			/* set-status reason */
	int sc;				/* track-sc<n> / sc-inc-gpc0(<n>) / capture slot */
	struct smp_expr *key;		/* track-sc: the key; capture: the sample */
	char *table_name;		/* track-sc ... table <name>; NULL: own;
					 * set-var/unset-var: the variable */
	struct proxy *owner;		/* the proxy the rule is in */
	struct stktable *table;		/* resolved */
};

/* ---- "%[expr]" for log formats ---- */

static void *hrule_smp_parse(const char *text, size_t *used, char *err, size_t errlen)
{
	return smp_expr_parse(text, 1, used, err, errlen);
}

static void hrule_smp_free(void *e)
{
	smp_expr_free(e);
}

static int hrule_smp_render(const void *expr, void *ctx, const char **s, size_t *n)
{
	struct smp_ctx *c = ctx;
	struct smp v = { 0 };

	if (!smp_expr_eval(expr, c, &v) || smp_to_str(&v, c->a) < 0)
		return 0;
	*s = v.str;
	*n = v.len;
	return 1;
}

const struct logfmt_smp_ops hrule_smp_ops = {
	hrule_smp_parse, hrule_smp_free, hrule_smp_render,
};

const char *hrule_render(const struct logfmt *lf, struct smp_ctx *c, size_t *len)
{
	struct logfmt_vars v;
	struct sess_log_bufs bufs;
	char buf[HRULE_VALUE_MAX];

	sess_log_vars(c->s, &v, &bufs);
	v.smp_ctx = c;
	*len = logfmt_render(lf, &v, buf, sizeof(buf));
	/* a value never carries a line break or a control byte into a head */
	for (size_t i = 0; i < *len; i++)
		if (((unsigned char)buf[i] < 0x20 && buf[i] != '\t') || buf[i] == 0x7f)
			buf[i] = ' ';
	return arena_dup(c->a, buf, *len);
}

/* Which heads an expression may not read where it is used: a log line has
 * neither, a response rule no longer has the request's. */
struct hrule_logchk {
	char *err;
	size_t errlen;
	unsigned gone;			/* SMP_USE_REQ and/or SMP_USE_RES */
};

static int hrule_log_usable(void *expr, void *arg)
{
	struct hrule_logchk *k = arg;
	unsigned use = smp_expr_use(expr), miss = use & k->gone;

	if (!miss || (use & SMP_USE_LOG))
		return 0;
	snprintf(k->err, k->errlen, "sample fetch <%s> may not be reliably used here "
		 "because it needs '%s' which is not available here",
		 smp_expr_fetch_name(expr),
		 (miss & SMP_USE_REQ) && (miss & SMP_USE_RES) ?
		 "HTTP request headers,HTTP response headers" :
		 (miss & SMP_USE_REQ) ? "HTTP request headers" : "HTTP response headers");
	return 1;
}

struct logfmt *hrule_logfmt_compile(const char *fmt, char *err, size_t errlen)
{
	struct logfmt *lf = logfmt_compile_smp(fmt, &hrule_smp_ops, err, errlen);
	struct hrule_logchk k = { err, errlen, SMP_USE_REQ | SMP_USE_RES };

	if (lf && logfmt_smp_each(lf, hrule_log_usable, &k)) {
		logfmt_free(lf);
		return NULL;
	}
	return lf;
}

/* An answer's bytes in out (room bytes): the length, or 0 when it does
 * not fit. */
static size_t hrule_format(char *out, size_t room, int status, const char *extra,
			   size_t extra_len, const char *ctype, const char *body, size_t blen)
{
	int n = snprintf(out, room, "HTTP/1.1 %d %s\r\n%.*s%s%s%scontent-length: %zu\r\n"
			 "cache-control: no-cache\r\n\r\n", status, hmsg_reason(status),
			 (int)extra_len, extra, ctype ? "content-type: " : "",
			 ctype ? ctype : "", ctype ? "\r\n" : "", blen);

	if (n < 0 || (size_t)n + blen > room)
		return 0;
	memcpy(out + n, body, blen);
	return (size_t)n + blen;
}

static size_t hrule_room(size_t extra_len, const char *ctype, size_t blen)
{
	return 256 + extra_len + (ctype ? strlen(ctype) : 0) + blen;
}

/* ---- configuration ---- */

static void hrule_free(struct hrule *r)
{
	acl_cond_free(r->cond);
	free(r->name);
	logfmt_free(r->fmt);
	if (r->re)
		pcre2_code_free(r->re);
	free(r->ctype);
	free(r->body);
	free(r->reply);
	free(r->reason);
	smp_expr_free(r->key);
	free(r->table_name);
	while (r->hdrs) {
		struct hrule_hdr *h = r->hdrs;

		r->hdrs = h->next;
		free(h->name);
		logfmt_free(h->fmt);
		free(h);
	}
	free(r);
}

void hrule_free_all(struct hrule *list)
{
	while (list) {
		struct hrule *n = list->next;

		hrule_free(list);
		list = n;
	}
}

/* Index of "if"/"unless" in argv from start, or argc. */
static int hrule_cond_at(int argc, char **argv, int start)
{
	for (int i = start; i < argc; i++)
		if (strcmp(argv[i], "if") == 0 || strcmp(argv[i], "unless") == 0)
			return i;
	return argc;
}

static struct logfmt *hrule_fmt(struct cfg_ctx *ctx, const char *text, const char *what)
{
	char err[256];
	struct logfmt *lf = logfmt_compile_smp(text, &hrule_smp_ops, err, sizeof(err));

	if (!lf)
		cfg_err(ctx, "%s: %s.", what, err);
	return lf;
}

static int hrule_status(struct cfg_ctx *ctx, const char *s, int min, int max,
			const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < min || v > max) {
		cfg_err(ctx, "%s: status '%s' out of range (%d to %d).", what, s, min, max);
		return -1;
	}
	return (int)v;
}

static pcre2_code *hrule_regex(struct cfg_ctx *ctx, const char *re, const char *what)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &ec,
				      &eo, NULL);

	if (!c)
		cfg_err(ctx, "%s: invalid regex '%s'.", what, re);
	else
		pcre2_jit_compile(c, PCRE2_JIT_COMPLETE);
	return c;
}

static int hrule_read_file(struct cfg_ctx *ctx, struct hrule *r, const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f) {
		cfg_err(ctx, "'return': cannot open file '%s'.", path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || n > 1024 * 1024 ||
	    fseek(f, 0, SEEK_SET) < 0) {
		cfg_err(ctx, "'return': file '%s' unreadable or larger than 1 MiB.", path);
		fclose(f);
		return -1;
	}
	r->body = malloc((size_t)n + 1);
	if (!r->body || fread(r->body, 1, (size_t)n, f) != (size_t)n) {
		cfg_err(ctx, "'return': cannot read file '%s'.", path);
		fclose(f);
		return -1;
	}
	r->body_len = (size_t)n;
	fclose(f);
	return 0;
}

/* "return [status N] [content-type T] [string S | file F | lf-string S]
 *  [hdr NAME FMT]*" */
static int hrule_cfg_return(struct cfg_ctx *ctx, struct hrule *r, int argc, char **argv)
{
	r->status = 200;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i];

		if (i + 1 >= argc) {
			cfg_err(ctx, "'return': '%s' expects a value.", k);
			return -1;
		}
		if (strcmp(k, "status") == 0) {
			if ((r->status = hrule_status(ctx, argv[++i], 200, 599, "'return'")) < 0)
				return -1;
		} else if (strcmp(k, "content-type") == 0) {
			free(r->ctype);
			r->ctype = strdup(argv[++i]);
		} else if (strcmp(k, "string") == 0) {
			free(r->body);
			r->body = strdup(argv[++i]);
			r->body_len = r->body ? strlen(r->body) : 0;
		} else if (strcmp(k, "lf-string") == 0) {
			if (!(r->fmt = hrule_fmt(ctx, argv[++i], "'return lf-string'")))
				return -1;
		} else if (strcmp(k, "file") == 0 || strcmp(k, "lf-file") == 0) {
			if (k[0] == 'l') {
				cfg_err(ctx, "'return lf-file' is not supported yet.");
				return -1;
			}
			if (hrule_read_file(ctx, r, argv[++i]) < 0)
				return -1;
		} else if (strcmp(k, "hdr") == 0 && i + 2 < argc) {
			struct hrule_hdr *h = calloc(1, sizeof(*h)), **pp;

			if (!h || !(h->name = strdup(argv[i + 1])) ||
			    !(h->fmt = hrule_fmt(ctx, argv[i + 2], "'return hdr'"))) {
				if (h)
					free(h->name);
				free(h);
				return -1;
			}
			for (pp = &r->hdrs; *pp; pp = &(*pp)->next)
				;
			*pp = h;
			i += 2;
		} else if (strcmp(k, "errorfile") == 0 || strcmp(k, "errorfiles") == 0 ||
			   strcmp(k, "default-errorfiles") == 0) {
			cfg_err(ctx, "'return %s' is not supported yet.", k);
			return -1;
		} else {
			cfg_err(ctx, "'return': unexpected '%s' (expected status, "
				"content-type, string, lf-string, file or hdr).", k);
			return -1;
		}
	}
	if ((r->body || r->fmt) && !r->ctype) {
		cfg_err(ctx, "'return': a body needs a 'content-type'.");
		return -1;
	}
	/* nothing to render: the answer is made once, here */
	if (!r->fmt && !r->hdrs) {
		size_t room = hrule_room(0, r->ctype, r->body_len);

		if (!(r->reply = malloc(room)) ||
		    !(r->reply_len = hrule_format(r->reply, room, r->status, "", 0, r->ctype,
						  r->body ? r->body : "", r->body_len))) {
			cfg_err(ctx, "'return': out of memory.");
			return -1;
		}
	}
	return 0;
}

/* "redirect location|prefix|scheme <fmt> [code N] [drop-query]
 *  [append-slash]" */
static int hrule_cfg_redirect(struct cfg_ctx *ctx, struct hrule *r, int argc, char **argv)
{
	static const char *const kinds[] = { "location", "prefix", "scheme" };
	int i;

	if (argc < 3) {
		cfg_err(ctx, "'redirect' expects 'location', 'prefix' or 'scheme' and a value.");
		return -1;
	}
	for (r->redir = 0; r->redir < 3; r->redir++)
		if (strcmp(argv[1], kinds[r->redir]) == 0)
			break;
	if (r->redir == 3) {
		cfg_err(ctx, "'redirect': unknown type '%s' (expected location, prefix "
			"or scheme).", argv[1]);
		return -1;
	}
	if (!(r->fmt = hrule_fmt(ctx, argv[2], "'redirect'")))
		return -1;
	r->status = 302;
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "code") == 0 && i + 1 < argc) {
			r->status = hrule_status(ctx, argv[++i], 301, 308, "'redirect code'");
			if (r->status < 0 || r->status == 304 || r->status == 305 ||
			    r->status == 306) {
				if (r->status > 0)
					cfg_err(ctx, "'redirect code %d': expected 301, 302, "
						"303, 307 or 308.", r->status);
				return -1;
			}
		} else if (strcmp(argv[i], "drop-query") == 0) {
			r->drop_query = 1;
		} else if (strcmp(argv[i], "append-slash") == 0) {
			r->append_slash = 1;
		} else if (strcmp(argv[i], "set-cookie") == 0 ||
			   strcmp(argv[i], "clear-cookie") == 0 ||
			   strcmp(argv[i], "ignore-empty") == 0) {
			cfg_err(ctx, "'redirect %s' is not supported yet.", argv[i]);
			return -1;
		} else {
			cfg_err(ctx, "'redirect': unexpected '%s'.", argv[i]);
			return -1;
		}
	}
	return 0;
}

/* "track-sc<n> <key> [table <name>]" */
static int hrule_cfg_track(struct cfg_ctx *ctx, struct hrule *r, int argc, char **argv,
			   const char *kw)
{
	char err[256];

	r->sc = argv[0][8] - '0';
	r->key = smp_expr_parse(argv[1], 0, NULL, err, sizeof(err));
	if (!r->key) {
		cfg_err(ctx, "'%s %s': %s.", kw, argv[0], err);
		return -1;
	}
	if (smp_expr_use(r->key) & SMP_USE_RES) {
		cfg_err(ctx, "'%s %s': the key uses a response fetch.", kw, argv[0]);
		return -1;
	}
	if (argc == 4 && strcmp(argv[2], "table") == 0) {
		r->table_name = strdup(argv[3]);
		return r->table_name ? 0 : -1;
	}
	if (argc != 2) {
		cfg_err(ctx, "'%s %s': expected '<key> [table <name>]'.", kw, argv[0]);
		return -1;
	}
	return 0;
}

/* Every action: its name, the words it takes before a condition, where it
 * applies (1 request, 2 response, 3 both). */
static const struct {
	const char *name;
	enum hrule_act act;
	int min, max;
	unsigned where;
} hrule_acts[] = {
	{ "allow", HR_ALLOW, 0, 0, 3 },
	{ "deny", HR_DENY, 0, 2, 3 },
	{ "tarpit", HR_TARPIT, 0, 2, 1 },
	{ "auth", HR_AUTH, 0, 2, 1 },
	{ "set-log-level", HR_LOG_LEVEL, 1, 1, 3 },
	{ "return", HR_RETURN, 0, 64, 1 },
	{ "redirect", HR_REDIRECT, 2, 8, 1 },
	{ "set-header", HR_SET_HDR, 2, 2, 3 },
	{ "add-header", HR_ADD_HDR, 2, 2, 3 },
	{ "del-header", HR_DEL_HDR, 1, 1, 3 },
	{ "replace-header", HR_REPLACE_HDR, 3, 3, 3 },
	{ "replace-value", HR_REPLACE_VAL, 3, 3, 3 },
	{ "set-path", HR_SET_PATH, 1, 1, 1 },
	{ "set-query", HR_SET_QUERY, 1, 1, 1 },
	{ "set-uri", HR_SET_URI, 1, 1, 1 },
	{ "set-method", HR_SET_METHOD, 1, 1, 1 },
	{ "set-status", HR_SET_STATUS, 1, 3, 2 },
	{ "track-sc0", HR_TRACK_SC, 1, 3, 1 },
	{ "track-sc1", HR_TRACK_SC, 1, 3, 1 },
	{ "track-sc2", HR_TRACK_SC, 1, 3, 1 },
	{ "sc-inc-gpc0", HR_INC_GPC0, 0, 0, 3 },
	{ "capture", HR_CAPTURE, 3, 3, 3 },
	{ "set-var", HR_SET_VAR, 1, 1, 3 },
	{ "unset-var", HR_UNSET_VAR, 0, 0, 3 },
};

/* Actions HAProxy has, refused until they land here. */
static const char *const hrule_later[] = {
	"set-log-level", "set-nice", "set-tos", "set-mark",
	"set-src", "set-dst", "set-src-port", "set-dst-port", "sc-inc-gpc1",
	"sc-set-gpt0", "add-acl", "del-acl", "set-map", "del-map", "lua",
	"cache-use", "cache-store", "set-timeout", "wait-for-body", "normalize-uri",
	"early-hint", "do-resolve", "disable-l7-retry", "reject", "silent-drop",
	"replace-path", "replace-pathq", "replace-uri", "set-pathq",
	"strict-mode", "send-spoe-group", "set-priority-class",
	"set-priority-offset", "wait-for-handshake", "set-bandwidth-limit",
};

static int hrule_parse_action(struct cfg_ctx *ctx, struct hrule *r, int is_res,
			      int argc, char **argv, const char *kw)
{
	size_t k, nl = strcspn(argv[0], "(");

	for (k = 0; k < sizeof(hrule_acts) / sizeof(hrule_acts[0]); k++)
		if (strlen(hrule_acts[k].name) == nl &&
		    strncmp(argv[0], hrule_acts[k].name, nl) == 0)
			break;
	if (k == sizeof(hrule_acts) / sizeof(hrule_acts[0]) ||
	    !(hrule_acts[k].where & (is_res ? 2u : 1u))) {
		int later = k < sizeof(hrule_acts) / sizeof(hrule_acts[0]);

		for (size_t i = 0; !later && i < sizeof(hrule_later) / sizeof(hrule_later[0]); i++)
			later = strlen(hrule_later[i]) == nl &&
				strncmp(argv[0], hrule_later[i], nl) == 0;
		if (later && k < sizeof(hrule_acts) / sizeof(hrule_acts[0]))
			cfg_err(ctx, "'%s %s' is not a valid action here.", kw, argv[0]);
		else if (later)
			cfg_err(ctx, "'%s %s' is not supported yet.", kw, argv[0]);
		else
			cfg_err(ctx, "'%s': unknown action '%s'.", kw, argv[0]);
		return -1;
	}
	r->act = hrule_acts[k].act;
	r->owner = ctx->cur;
	if ((argv[0][nl] == '(') != (r->act == HR_INC_GPC0 || r->act == HR_SET_VAR ||
				     r->act == HR_UNSET_VAR)) {
		cfg_err(ctx, "'%s %s': %s.", kw, argv[0], r->act == HR_INC_GPC0 ?
			"expects a counter number, as in 'sc-inc-gpc0(0)'" :
			r->act == HR_INC_GPC0 || r->act == HR_SET_VAR || r->act == HR_UNSET_VAR ?
			"expects a variable, as in 'set-var(txn.name)'" : "unexpected '('");
		return -1;
	}
	if (r->act == HR_SET_VAR || r->act == HR_UNSET_VAR) {
		size_t vl = strlen(argv[0] + nl + 1);
		char err[256];

		if (!vl || argv[0][nl + vl] != ')' ||
		    !(r->table_name = strndup(argv[0] + nl + 1, vl - 1)) ||
		    !vars_name_ok(r->table_name)) {
			cfg_err(ctx, "'%s %s': invalid variable name (proc., sess., txn., "
				"req. or res. followed by a name).", kw, argv[0]);
			return -1;
		}
		if (r->act == HR_SET_VAR &&
		    !(r->key = smp_expr_parse(argv[1], 0, NULL, err, sizeof(err)))) {
			cfg_err(ctx, "'%s %s': %s.", kw, argv[0], err);
			return -1;
		}
		if (r->key && !is_res && (smp_expr_use(r->key) & SMP_USE_RES)) {
			cfg_err(ctx, "'%s %s': the sample uses a response fetch.", kw, argv[0]);
			return -1;
		}
		return 0;
	}
	if (argc - 1 < hrule_acts[k].min || argc - 1 > hrule_acts[k].max) {
		cfg_err(ctx, "'%s %s': wrong number of arguments.", kw, argv[0]);
		return -1;
	}
	switch (r->act) {
	case HR_DENY:
	case HR_TARPIT:
		/* a denied response is a bad gateway, a tarpit's end an
		 * internal error, as in HAProxy */
		r->status = is_res ? 502 : r->act == HR_TARPIT ? 500 : 403;
		if (argc == 3 && strcmp(argv[1], "deny_status") == 0)
			r->status = hrule_status(ctx, argv[2], 200, 599, "'deny_status'");
		else if (argc != 1) {
			cfg_err(ctx, "'%s deny': expected 'deny_status <code>'.", kw);
			return -1;
		}
		if (r->status > 0 && !errors_builtin(r->status)) {
			cfg_err(ctx, "'%s deny': status code '%d' has no default error "
				"page (use 200, 400, 401, 403, 404, 405, 407, 408, 410, "
				"413, 425, 429, 500, 501, 502, 503 or 504).", kw, r->status);
			return -1;
		}
		return r->status < 0 ? -1 : 0;
	case HR_RETURN:
		return hrule_cfg_return(ctx, r, argc, argv);
	case HR_REDIRECT:
		return hrule_cfg_redirect(ctx, r, argc, argv);
	case HR_TRACK_SC:
		return hrule_cfg_track(ctx, r, argc, argv, kw);
	case HR_LOG_LEVEL:
		if (!strcmp(argv[1], "silent")) {
			r->status = LOG_SILENT;
			return 0;
		}
		r->status = slog_level_by_name(argv[1]) + 1;
		if (r->status <= 0) {
			cfg_err(ctx, "'%s set-log-level': unknown level '%s' (emerg, alert, "
				"crit, err, warning, notice, info, debug or silent).", kw, argv[1]);
			return -1;
		}
		return 0;
	case HR_AUTH:
		/* auth [realm <realm>]: the realm defaults to the proxy's name */
		if (argc == 3 && !strcmp(argv[1], "realm"))
			r->reason = strdup(argv[2]);
		else if (argc != 1) {
			cfg_err(ctx, "'%s auth': expected 'realm <realm>'.", kw);
			return -1;
		} else
			r->reason = strdup(ctx->cur->id);
		if (!r->reason || strpbrk(r->reason, "\"\r\n")) {
			cfg_err(ctx, "'%s auth': the realm may not contain '\"'.", kw);
			return -1;
		}
		return 0;
	case HR_CAPTURE: {
		char err[256];

		/* capture <sample> len <n> | id <n> */
		r->key = smp_expr_parse(argv[1], 0, NULL, err, sizeof(err));
		if (!r->key) {
			cfg_err(ctx, "'%s capture': %s.", kw, err);
			return -1;
		}
		if (!is_res && (smp_expr_use(r->key) & SMP_USE_RES)) {
			cfg_err(ctx, "'%s capture': the sample uses a response fetch.", kw);
			return -1;
		}
		r->sc = cap_cfg_rule_slot(ctx, is_res, argv[2], argv[3]);
		return r->sc < 0 ? -1 : 0;
	}
	case HR_INC_GPC0:
		if (strcmp(argv[0] + nl, "(0)") && strcmp(argv[0] + nl, "(1)") &&
		    strcmp(argv[0] + nl, "(2)")) {
			cfg_err(ctx, "'%s %s': the counter is 0, 1 or 2.", kw, argv[0]);
			return -1;
		}
		r->sc = argv[0][nl + 1] - '0';
		return 0;
	case HR_SET_STATUS:
		if ((r->status = hrule_status(ctx, argv[1], 100, 999, "'set-status'")) < 0)
			return -1;
		if (argc == 4 && strcmp(argv[2], "reason") == 0)
			r->reason = strdup(argv[3]);
		else if (argc != 2) {
			cfg_err(ctx, "'set-status': expected 'reason <text>'.");
			return -1;
		}
		return 0;
	default:
		break;
	}
	if (r->act == HR_SET_HDR || r->act == HR_ADD_HDR || r->act == HR_DEL_HDR ||
	    r->act == HR_REPLACE_HDR || r->act == HR_REPLACE_VAL) {
		if (!http1_is_token(argv[1], strlen(argv[1]))) {
			cfg_err(ctx, "'%s %s': invalid header name '%s'.", kw, argv[0], argv[1]);
			return -1;
		}
		if (!strcasecmp(argv[1], "content-length") ||
		    !strcasecmp(argv[1], "transfer-encoding")) {
			cfg_err(ctx, "'%s %s %s': the message framing headers cannot "
				"be rewritten.", kw, argv[0], argv[1]);
			return -1;
		}
		r->name = strdup(argv[1]);
		r->nlen = strlen(argv[1]);
		if (!r->name)
			return -1;
	}
	if (r->act == HR_REPLACE_HDR || r->act == HR_REPLACE_VAL) {
		if (!(r->re = hrule_regex(ctx, argv[2], argv[0])) ||
		    !(r->fmt = hrule_fmt(ctx, argv[3], argv[0])))
			return -1;
	} else if (r->act == HR_SET_HDR || r->act == HR_ADD_HDR) {
		if (!(r->fmt = hrule_fmt(ctx, argv[2], argv[0])))
			return -1;
	} else if (r->act != HR_DEL_HDR && r->act != HR_ALLOW) {
		if (!(r->fmt = hrule_fmt(ctx, argv[1], argv[0])))
			return -1;
	}
	return 0;
}

/* A response rule's values and sample may not read the request head,
 * which is gone by then: refused as HAProxy refuses it. 0 or -1. */
static int hrule_res_reads_req(struct cfg_ctx *ctx, struct hrule *r, const char *kw,
			       const char *act)
{
	char err[256];
	struct hrule_logchk k = { err, sizeof(err), SMP_USE_REQ };
	int bad = logfmt_smp_each(r->fmt, hrule_log_usable, &k);

	for (struct hrule_hdr *x = r->hdrs; x && !bad; x = x->next)
		bad = logfmt_smp_each(x->fmt, hrule_log_usable, &k);
	if (!bad && r->key)
		bad = hrule_log_usable(r->key, &k);
	if (bad)
		cfg_err(ctx, "'%s %s': %s.", kw, act, err);
	return bad ? -1 : 0;
}

int hrule_cfg(struct cfg_ctx *ctx, int is_res, int argc, char **argv)
{
	const char *kw = argv[0];
	struct hrule *r, **pp;
	int c;

	if (argc < 2) {
		cfg_err(ctx, "'%s' expects an action.", kw);
		return 0;
	}
	if (!is_res && strcmp(argv[1], "use-service") == 0)
		return svc_cfg_http_request(ctx, argc, argv);
	if (ctx->cur->cap == PR_CAP_DEF) {
		cfg_err(ctx, "'%s' rules in a 'defaults' section are not supported yet.", kw);
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	c = hrule_cond_at(argc, argv, 2);
	if (hrule_parse_action(ctx, r, is_res, c - 1, argv + 1, kw) < 0 ||
	    (is_res && hrule_res_reads_req(ctx, r, kw, argv[1]) < 0))
		goto drop;
	if (c < argc) {
		char err[256];
		unsigned use;

		r->cond = acl_cond_parse(ctx->cur, argc - c, argv + c, err, sizeof(err));
		if (!r->cond) {
			cfg_err(ctx, "'%s %s': %s.", kw, argv[1], err);
			goto drop;
		}
		use = acl_cond_use(r->cond);
		if (!is_res && (use & SMP_USE_RES)) {
			cfg_err(ctx, "'%s %s': the condition uses response fetches, "
				"which never match in a request rule.", kw, argv[1]);
			goto drop;
		}
		if (is_res && (use & SMP_USE_REQ) && !(use & SMP_USE_LOG))
			cfg_warn(ctx, "'%s %s': the condition uses request fetches, which "
				 "never match in a response rule (the request head is gone).",
				 kw, argv[1]);
	}
	for (pp = is_res ? &ctx->cur->http_res : &ctx->cur->http_req; *pp; pp = &(*pp)->next)
		;
	*pp = r;
	return 0;
drop:
	hrule_free(r);
	return 0;
}

struct hrule_rctx {
	struct lbd_conf *conf;
	char err[256];
};

static int hrule_resolve_expr(void *expr, void *arg)
{
	struct hrule_rctx *r = arg;

	return smp_expr_resolve(expr, r->conf, r->err, sizeof(r->err)) < 0;
}

static int hrule_resolve_fmt(struct logfmt *lf, struct hrule_rctx *r)
{
	return logfmt_smp_each(lf, hrule_resolve_expr, r) ? -1 : 0;
}

int hrule_logfmt_resolve(struct logfmt *lf, struct lbd_conf *conf, char *err,
			 size_t errlen)
{
	struct hrule_rctx r = { .conf = conf };

	if (hrule_resolve_fmt(lf, &r) == 0)
		return 0;
	snprintf(err, errlen, "%s", r.err);
	return -1;
}

static int hrule_resolve_list(struct hrule *list, struct hrule_rctx *r)
{
	for (struct hrule *h = list; h; h = h->next) {
		if ((h->act == HR_CAPTURE || h->act == HR_SET_VAR) &&
		    smp_expr_resolve(h->key, r->conf, r->err, sizeof(r->err)) < 0)
			return -1;
		if (h->act == HR_TRACK_SC) {
			struct proxy *px = h->table_name ?
				proxy_find(r->conf, h->table_name, PR_CAP_FE | PR_CAP_BE) :
				h->owner;

			h->table = stkt_of(px);
			if (!h->table) {
				snprintf(r->err, sizeof(r->err), "'track-sc%d': %s '%s' has no "
					 "stick-table", h->sc, px ? "proxy" : "no such proxy",
					 h->table_name ? h->table_name : h->owner->id);
				return -1;
			}
			if (smp_expr_resolve(h->key, r->conf, r->err, sizeof(r->err)) < 0)
				return -1;
		}
		if (acl_cond_resolve(h->cond, r->conf, r->err, sizeof(r->err)) < 0 ||
		    hrule_resolve_fmt(h->fmt, r) < 0)
			return -1;
		for (struct hrule_hdr *x = h->hdrs; x; x = x->next)
			if (hrule_resolve_fmt(x->fmt, r) < 0)
				return -1;
	}
	return 0;
}

int hrule_resolve(struct cfg_ctx *ctx, struct proxy *px, struct lbd_conf *conf)
{
	struct hrule_rctx r = { .conf = conf };
	int rc = acl_resolve(px, conf, r.err, sizeof(r.err));

	if (!rc)
		rc = hrule_resolve_list(px->http_req, &r);
	if (!rc)
		rc = hrule_resolve_list(px->http_res, &r);
	if (!rc && px->uid_fmt_str && (px->cap & PR_CAP_FE)) {
		px->uid_fmt = logfmt_compile_smp(px->uid_fmt_str, &hrule_smp_ops, r.err,
						 sizeof(r.err));
		rc = px->uid_fmt ? hrule_resolve_fmt(px->uid_fmt, &r) : -1;
	}
	for (struct svc_rule *sr = px->svc ? px->svc->rules : NULL; !rc && sr; sr = sr->next)
		rc = acl_cond_resolve(sr->cond, conf, r.err, sizeof(r.err));
	for (struct use_backend *u = px->use_be; !rc && u; u = u->next)
		if (acl_cond_resolve(u->cond, conf, r.err, sizeof(r.err)) < 0 ||
		    hrule_resolve_fmt(u->dyn, &r) < 0)
			rc = -1;
	if (rc)
		cfg_alert_global(ctx, "proxy '%s': %s.", px->id, r.err);
	return rc;
}

/* ---- evaluation ---- */

/* HAProxy's replacement syntax ("\\1" for a group) as PCRE2's ("${1}",
 * a literal '$' doubled). Returns the length, or -1 when out is too small. */
static long hrule_subst(const char *in, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char g[8];
		const char *w = g;
		size_t wl;

		if (in[i] == '\\' && i + 1 < n && in[i + 1] >= '0' && in[i + 1] <= '9') {
			wl = (size_t)snprintf(g, sizeof(g), "${%c}", in[++i]);
		} else if (in[i] == '$') {
			w = "$$";
			wl = 2;
		} else {
			w = in + i;
			wl = 1;
		}
		if (o + wl >= cap)
			return -1;
		memcpy(out + o, w, wl);
		o += wl;
	}
	out[o] = '\0';
	return (long)o;
}

/* One value through the regex: the substitution when it matches (1), the
 * value untouched when not (0), -1 on an error. */
static int hrule_subst_one(const struct hrule *r, const char *s, size_t n,
			   const char *rep, size_t rlen, char *out, size_t *olen)
{
	PCRE2_SIZE len = *olen;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->re, NULL);
	int rc;

	if (!md)
		return -1;
	rc = pcre2_match(r->re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	if (rc < 0) {
		pcre2_match_data_free(md);
		return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
	}
	/* HAProxy replaces the whole value with the expanded replacement */
	rc = pcre2_substitute(r->re, (PCRE2_SPTR)s, n, 0,
			      PCRE2_SUBSTITUTE_MATCHED | PCRE2_SUBSTITUTE_REPLACEMENT_ONLY,
			      md, NULL, (PCRE2_SPTR)rep, rlen, (PCRE2_UCHAR *)out, &len);
	pcre2_match_data_free(md);
	if (rc < 0)
		return -1;
	*olen = len;
	return 1;
}

/* replace-header: the whole value; replace-value: each comma-separated
 * value (a value that does not match keeps its text and its blanks). */
static int hrule_replace(const struct hrule *r, struct smp_ctx *c, struct hmsg *h)
{
	size_t pos = 0, fmt_len;
	const char *fmt = hrule_render(r->fmt, c, &fmt_len);
	const struct http1_hdr *hd;
	char rep[HRULE_VALUE_MAX];
	long rlen;

	if (!fmt || (rlen = hrule_subst(fmt, fmt_len, rep, sizeof(rep))) < 0)
		return -1;
	while ((hd = hmsg_find(h, r->name, r->nlen, &pos)) != NULL) {
		char out[HRULE_VALUE_MAX];
		size_t o = 0;
		const char *v = hd->value, *e = v + hd->value_len;
		int changed = 0;

		while (v <= e) {
			const char *t = r->act == HR_REPLACE_VAL ? memchr(v, ',', (size_t)(e - v)) : NULL;
			const char *s = v;
			size_t olen;
			int rc;

			if (!t)
				t = e;
			while (s < t && (*s == ' ' || *s == '\t'))
				s++;
			if (v != hd->value) {
				if (o + 1 >= sizeof(out))
					return -1;
				out[o++] = ',';
			}
			olen = sizeof(out) - o - 1;
			rc = hrule_subst_one(r, s, (size_t)(t - s), rep, (size_t)rlen, out + o, &olen);
			if (rc < 0)
				return -1;
			if (rc == 0) {
				/* unchanged: the value as it was, blanks included */
				olen = (size_t)(t - v);
				if (o + olen >= sizeof(out))
					return -1;
				memcpy(out + o, v, olen);
			}
			changed |= rc;
			o += olen;
			v = t + 1;
		}
		if (changed && hmsg_set_value(h, pos - 1, out, o) < 0)
			return -1;
	}
	return 0;
}

/* A complete response in the arena: status line, headers, body. */
static const char *hrule_response(struct smp_ctx *c, int status, const char *extra,
				  size_t extra_len, const char *ctype, const char *body,
				  size_t blen, size_t *len)
{
	size_t room = hrule_room(extra_len, ctype, blen);
	char *out = arena_alloc(c->a, room);

	if (!out || !(*len = hrule_format(out, room, status, extra, extra_len, ctype,
					  body, blen)))
		return NULL;
	return out;
}

static int hrule_do_redirect(const struct hrule *r, struct smp_ctx *c,
			     struct hrule_out *out)
{
	struct hmsg *h = c->req;
	size_t vlen, plen, qlen, loc_len = 0;
	const char *v = hrule_render(r->fmt, c, &vlen), *p, *q;
	char loc[HRULE_VALUE_MAX + 64];
	const char *hdr;
	int has_q, n;

	if (!v)
		return -1;
	hmsg_path(h, &p, &plen);
	hmsg_query(h, &q, &qlen, &has_q);
	if (r->redir == REDIR_LOCATION) {
		n = snprintf(loc, sizeof(loc), "%.*s", (int)vlen, v);
	} else if (r->redir == REDIR_PREFIX) {
		/* "/" as prefix means none, as HAProxy does */
		int none = vlen == 1 && v[0] == '/';

		n = snprintf(loc, sizeof(loc), "%.*s%.*s%s%s%.*s", none ? 0 : (int)vlen, v,
			     (int)plen, p,
			     r->append_slash && (!plen || p[plen - 1] != '/') ? "/" : "",
			     has_q && !r->drop_query ? "?" : "",
			     has_q && !r->drop_query ? (int)qlen : 0, q);
	} else {
		const struct http1_hdr *host = hmsg_find(h, "host", 4, NULL);

		if (!host)
			return 0;	/* no host: the rule does nothing */
		n = snprintf(loc, sizeof(loc), "%.*s://%.*s%.*s%s%.*s", (int)vlen, v,
			     (int)host->value_len, host->value, (int)plen, p,
			     has_q && !r->drop_query ? "?" : "",
			     has_q && !r->drop_query ? (int)qlen : 0, q);
	}
	if (n < 0 || (size_t)n >= sizeof(loc))
		return -1;
	loc_len = (size_t)n;
	hdr = arena_cat(c->a, "location: ", 10, loc, loc_len);
	if (!hdr)
		return -1;
	hdr = arena_cat(c->a, hdr, 10 + loc_len, "\r\n", 2);
	if (!hdr)
		return -1;
	out->reply = hrule_response(c, r->status, hdr, 12 + loc_len, NULL, "", 0,
				    &out->reply_len);
	out->status = r->status;
	out->local = 1;
	return out->reply ? 1 : -1;
}

/* 401 with the error page and the realm to authenticate in */
static int hrule_do_auth(const struct hrule *r, struct smp_ctx *c, struct hrule_out *out)
{
	static const char close_hdr[] = "connection: close\r\n";
	const struct errorfile *e = errors_get(c->s->t->be ? c->s->t->be : c->s->fe,
					       c->s->fe, 401);
	const char *eoh = memmem(e->data, e->len, "\r\n\r\n", 4);
	size_t head, o = 0;
	char *p;
	int n;

	if (!eoh)
		return -1;
	head = (size_t)(eoh - e->data) + 2;	/* every header line, CRLF included */
	p = arena_alloc(c->a, e->len + strlen(r->reason) + 64);
	if (!p)
		return -1;
	/* the page's head without its connection: close (the client may go
	 * on on this connection), the realm, then the blank line and body */
	for (size_t i = 0; i < head;) {
		if (head - i >= sizeof(close_hdr) - 1 &&
		    !strncasecmp(e->data + i, close_hdr, sizeof(close_hdr) - 1)) {
			i += sizeof(close_hdr) - 1;
			continue;
		}
		p[o++] = e->data[i++];
	}
	n = sprintf(p + o, "www-authenticate: Basic realm=\"%s\"\r\n", r->reason);
	o += (size_t)n;
	memcpy(p + o, e->data + head, e->len - head);
	o += e->len - head;
	out->reply = p;
	out->reply_len = o;
	out->status = 401;
	out->local = 0;
	return 0;
}

static int hrule_do_return(const struct hrule *r, struct smp_ctx *c, struct hrule_out *out)
{
	char hdrs[HRULE_VALUE_MAX];
	size_t hl = 0, blen = r->body_len;
	const char *body = r->body ? r->body : "";

	if (r->reply) {
		out->reply = r->reply;
		out->reply_len = r->reply_len;
		out->status = r->status;
		out->local = 1;
		return 1;
	}
	if (r->fmt && !(body = hrule_render(r->fmt, c, &blen)))
		return -1;
	for (const struct hrule_hdr *h = r->hdrs; h; h = h->next) {
		size_t vl;
		const char *v = hrule_render(h->fmt, c, &vl);
		int n;

		if (!v)
			return -1;
		n = snprintf(hdrs + hl, sizeof(hdrs) - hl, "%s: %.*s\r\n", h->name, (int)vl, v);
		if (n < 0 || (size_t)n >= sizeof(hdrs) - hl)
			return -1;
		hl += (size_t)n;
	}
	out->reply = hrule_response(c, r->status, hdrs, hl, r->ctype, body, blen,
				    &out->reply_len);
	out->status = r->status;
	out->local = 1;
	return out->reply ? 1 : -1;
}

/* One rewrite on the head h; 0, or -1 when it failed. */
static int hrule_rewrite(const struct hrule *r, struct smp_ctx *c, struct hmsg *h)
{
	size_t n;
	const char *v = NULL;

	if (r->fmt && r->act != HR_REPLACE_HDR && r->act != HR_REPLACE_VAL &&
	    !(v = hrule_render(r->fmt, c, &n)))
		return -1;
	switch (r->act) {
	case HR_SET_HDR:
		hmsg_del(h, r->name, r->nlen);
		return hmsg_add(h, r->name, r->nlen, v, n);
	case HR_ADD_HDR:
		return hmsg_add(h, r->name, r->nlen, v, n);
	case HR_DEL_HDR:
		hmsg_del(h, r->name, r->nlen);
		return 0;
	case HR_REPLACE_HDR:
	case HR_REPLACE_VAL:
		return hrule_replace(r, c, h);
	case HR_SET_PATH:
		return hmsg_set_path(h, v, n);
	case HR_SET_QUERY:
		return hmsg_set_query(h, v, n);
	case HR_SET_URI:
		return n ? hmsg_set_uri(h, v, n) : -1;
	case HR_SET_METHOD:
		return http1_is_token(v, n) ? hmsg_set_method(h, v, n) : -1;
	case HR_SET_STATUS:
		return hmsg_set_status(h, r->status, r->reason, r->reason ? strlen(r->reason) : 0);
	default:
		return 0;
	}
}

/* track-sc<n>: an already tracked counter stays as it is (HAProxy). A key
 * that does not convert or a table full of tracked entries tracks
 * nothing: the rule goes on without it. */
static void hrule_track(const struct hrule *r, struct smp_ctx *c)
{
	struct stkt_ref *ref = &c->s->t->stk[r->sc];
	struct smp v = { 0 };

	if (ref->e || sess_stk(c->s, r->sc)->e || !smp_expr_eval(r->key, c, &v))
		return;
	ref->e = stkt_track(r->table, &v);
	if (!ref->e)
		return;
	ref->t = r->table;
	if (c->s->first_req)
		stkt_count_conn(r->table, ref->e);
	stkt_count_req(r->table, ref->e);
}

enum hrule_verdict hrule_exec(const struct hrule *list, struct smp_ctx *c,
			      struct hrule_out *out)
{
	struct hmsg *h = c->res ? c->res : c->req;

	for (const struct hrule *r = list; r; r = r->next) {
		int rc;

		if (!acl_cond_exec(r->cond, c))
			continue;
		switch (r->act) {
		case HR_ALLOW:
			return HRULE_ALLOW;
		case HR_DENY:
			out->status = r->status;
			return HRULE_DENY;
		case HR_TARPIT:
			out->status = r->status;
			return HRULE_TARPIT;
		case HR_AUTH:
			return hrule_do_auth(r, c, out) < 0 ? HRULE_ERROR : HRULE_REPLY;
		case HR_REDIRECT:
			rc = hrule_do_redirect(r, c, out);
			if (rc)
				return rc < 0 ? HRULE_ERROR : HRULE_REPLY;
			break;
		case HR_RETURN:
			return hrule_do_return(r, c, out) < 0 ? HRULE_ERROR : HRULE_REPLY;
		case HR_TRACK_SC:
			hrule_track(r, c);
			break;
		case HR_SET_VAR: {
			struct smp v = { 0 };

			if (smp_expr_eval(r->key, c, &v))
				vars_set(c->s, r->table_name, &v);
			break;
		}
		case HR_UNSET_VAR:
			vars_unset(c->s, r->table_name);
			break;
		case HR_LOG_LEVEL:	/* not final: the last one that applies wins */
			c->s->t->log_level = r->status;
			break;
		case HR_CAPTURE: {
			struct smp v = { 0 };

			if (smp_expr_eval(r->key, c, &v) && smp_to_str(&v, c->a) == 0)
				cap_store(c->s, c->res != NULL, (unsigned)r->sc, v.str, v.len);
			break;
		}
		case HR_INC_GPC0: {
			const struct stkt_ref *ref = c->s->t->stk[r->sc].e ?
				&c->s->t->stk[r->sc] : sess_stk(c->s, r->sc);

			if (ref->e)
				stkt_inc_gpc0(ref->t, ref->e);
			break;
		}
		default:
			if (hrule_rewrite(r, c, h) < 0)
				return HRULE_ERROR;
		}
	}
	return HRULE_CONTINUE;
}
