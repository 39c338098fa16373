/*
 * cookie.c - cookie persistence (see cookie.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "arena.h"
#include "cfg.h"
#include "cookie.h"
#include "hmsg.h"
#include "http1.h"
#include "proxy.h"
#include "session.h"

enum ck_mode { CK_PASSIVE, CK_REWRITE, CK_INSERT, CK_PREFIX };

#define CK_MAX_DOMAINS	8

struct ck_conf {
	char *name;
	size_t nlen;
	enum ck_mode mode;
	unsigned indirect:1, nocache:1, postonly:1, preserve:1, httponly:1, secure:1;
	char *domain[CK_MAX_DOMAINS];
	unsigned ndomains;
	char *attr;
	uint32_t maxidle, maxlife;	/* seconds, 0 unset (insert mode) */
};

/*
 * maxidle and maxlife stamp the inserted cookie with the dates it was last
 * and first given: "value|LAST|FIRST", each date the wall clock in 4-second
 * units written as 5 characters of the base64 alphabet (30 bits), the form
 * HAProxy uses, so cookies stay valid when a pair switches between the two.
 */
#define CK_DATE_LEN	5
#define CK_DATE_UNIT	4
#define CK_FUTURE	(86400 / CK_DATE_UNIT)	/* dates further ahead are ignored */

static const char ck_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static uint32_t ck_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (uint32_t)(((uint64_t)ts.tv_sec + CK_DATE_UNIT - 1) / CK_DATE_UNIT) & 0x3fffffffu;
}

static void ck_date_put(char *out, uint32_t d)
{
	for (int i = CK_DATE_LEN - 1; i >= 0; i--, d >>= 6)
		out[i] = ck_b64[d & 63];
}

/* A date of exactly 5 characters, or 0 (absent or malformed). */
static uint32_t ck_date_get(const char *s, size_t n)
{
	uint32_t d = 0;

	if (n != CK_DATE_LEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *c = s[i] ? strchr(ck_b64, s[i]) : NULL;

		if (!c)
			return 0;
		d = d << 6 | (uint32_t)(c - ck_b64);
	}
	return d;
}

/* Whether date d (not 0) is more than max seconds old or a day ahead. */
static int ck_date_stale(uint32_t d, uint32_t max, uint32_t now)
{
	return d > now + CK_FUTURE ||
	       (uint64_t)d + (max + CK_DATE_UNIT - 1) / CK_DATE_UNIT < now;
}

/* "maxidle"/"maxlife" take seconds when no unit is given. */
static int ck_cfg_secs(struct cfg_ctx *ctx, const char *w, const char *v, uint32_t *out)
{
	static const struct { const char *u; uint64_t mul, div; } units[] = {
		{ "", 1, 1 }, { "s", 1, 1 }, { "m", 60, 1 }, { "h", 3600, 1 },
		{ "d", 86400, 1 }, { "ms", 1, 1000 }, { "us", 1, 1000000 },
	};
	size_t nd = strspn(v, "0123456789");
	uint64_t n = 0;

	for (size_t i = 0; i < nd && n <= UINT32_MAX; i++)
		n = n * 10 + (uint64_t)(v[i] - '0');
	for (size_t k = 0; nd && k < sizeof(units) / sizeof(units[0]); k++)
		if (!strcmp(v + nd, units[k].u)) {
			n = (n * units[k].mul + units[k].div - 1) / units[k].div;
			if (n > INT32_MAX)
				break;
			*out = (uint32_t)n;
			return 0;
		}
	cfg_err(ctx, "'cookie %s' expects a time (seconds by default, or with a unit "
		"us, ms, s, m, h, d) up to about 68 years, not '%s'.", w, v);
	return -1;
}

/* ---- configuration ---- */

void ck_conf_free(struct ck_conf *c)
{
	if (!c)
		return;
	free(c->name);
	for (unsigned i = 0; i < c->ndomains; i++)
		free(c->domain[i]);
	free(c->attr);
	free(c);
}

struct ck_conf *ck_conf_dup(const struct ck_conf *c)
{
	struct ck_conf *n;

	if (!c || !(n = malloc(sizeof(*n))))
		return NULL;
	*n = *c;
	n->name = strdup(c->name);
	n->attr = c->attr ? strdup(c->attr) : NULL;
	for (unsigned i = 0; i < c->ndomains; i++)
		n->domain[i] = strdup(c->domain[i]);
	return n;
}

static int ck_cfg_word(struct cfg_ctx *ctx, struct ck_conf *c, int argc, char **argv,
		       int *i)
{
	static const struct { const char *w; enum ck_mode m; } modes[] = {
		{ "rewrite", CK_REWRITE }, { "insert", CK_INSERT }, { "prefix", CK_PREFIX },
	};
	const char *w = argv[*i];

	for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++)
		if (strcmp(w, modes[k].w) == 0) {
			if (c->mode != CK_PASSIVE && c->mode != modes[k].m) {
				cfg_err(ctx, "'cookie': only one of 'rewrite', 'insert' and "
					"'prefix' may be given.");
				return -1;
			}
			c->mode = modes[k].m;
			return 0;
		}
	if (!strcmp(w, "indirect"))
		c->indirect = 1;
	else if (!strcmp(w, "nocache"))
		c->nocache = 1;
	else if (!strcmp(w, "postonly"))
		c->postonly = 1;
	else if (!strcmp(w, "preserve"))
		c->preserve = 1;
	else if (!strcmp(w, "httponly"))
		c->httponly = 1;
	else if (!strcmp(w, "secure"))
		c->secure = 1;
	else if ((!strcmp(w, "domain") || !strcmp(w, "attr")) && *i + 1 < argc) {
		const char *v = argv[++*i];

		if (strpbrk(v, ";\r\n")) {
			cfg_err(ctx, "'cookie %s': '%s' may not contain ';' or a line end.", w, v);
			return -1;
		}
		if (w[0] == 'a') {
			free(c->attr);
			c->attr = strdup(v);
		} else if (c->ndomains < CK_MAX_DOMAINS) {
			c->domain[c->ndomains++] = strdup(v);
		} else {
			cfg_err(ctx, "'cookie': at most %d domains.", CK_MAX_DOMAINS);
			return -1;
		}
	} else if ((!strcmp(w, "maxidle") || !strcmp(w, "maxlife")) && *i + 1 < argc) {
		return ck_cfg_secs(ctx, w, argv[++*i], w[3] == 'i' ? &c->maxidle : &c->maxlife);
	} else if (!strcmp(w, "dynamic")) {
		cfg_err(ctx, "'cookie %s' is not supported yet.", w);
		return -1;
	} else {
		cfg_err(ctx, "'cookie': unknown option '%s'.", w);
		return -1;
	}
	return 0;
}

int ck_cfg(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct ck_conf *c;

	if (argc < 2 || !http1_is_token(argv[1], strlen(argv[1]))) {
		cfg_err(ctx, "'cookie' expects a cookie name%s.", argc < 2 ? "" : " (a token)");
		return 0;
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->name = strdup(argv[1]))) {
		free(c);
		return -1;
	}
	c->nlen = strlen(c->name);
	for (int i = 2; i < argc; i++)
		if (ck_cfg_word(ctx, c, argc, argv, &i) < 0) {
			ck_conf_free(c);
			return 0;
		}
	if ((c->maxidle || c->maxlife) && c->mode != CK_INSERT) {
		/* the dates live in the cookie lbd inserts; HAProxy accepts
		 * them in the other modes and does nothing with them */
		cfg_warn(ctx, "'cookie %s': 'maxidle' and 'maxlife' only work in 'insert' "
			 "mode; they are ignored here.", c->name);
		c->maxidle = c->maxlife = 0;
	}
	ck_conf_free(ctx->cur->ck);
	ctx->cur->ck = c;
	return 0;
}

/* ---- requests ---- */

/* The persistence cookie in a Cookie header value: vs and vl get the value,
 * ps and pl the whole "name=value" pair with its separator. 1 if found. */
static int ck_find(const struct ck_conf *c, const char *v, size_t n, const char **vs,
		   size_t *vl, size_t *ps, size_t *pl)
{
	const char *e = v + n, *p = v;

	while (p < e) {
		const char *s = p, *t = memchr(p, ';', (size_t)(e - p)), *eq;

		if (!t)
			t = e;
		while (s < t && (*s == ' ' || *s == '\t'))
			s++;
		eq = memchr(s, '=', (size_t)(t - s));
		if (eq && (size_t)(eq - s) == c->nlen && memcmp(s, c->name, c->nlen) == 0) {
			const char *ve = t;

			while (ve > eq + 1 && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			*vs = eq + 1;
			*vl = (size_t)(ve - (eq + 1));
			*ps = (size_t)(p - v);
			*pl = (size_t)(t < e ? t + 1 - p : t - p);
			return 1;
		}
		p = t + 1;
	}
	return 0;
}

static int ck_parse_request(struct session *s, struct hmsg *h, const struct ck_conf *c);

/* "value|LAST|FIRST": note the dates in t, return the value's length. */
static size_t ck_dates(struct txn *t, const char *v, size_t vl)
{
	const char *bar = memchr(v, '|', vl), *d, *end = v + vl, *bar2;

	if (!bar)
		return vl;
	d = bar + 1;
	bar2 = memchr(d, '|', (size_t)(end - d));
	t->ck_last = ck_date_get(d, (size_t)((bar2 ? bar2 : end) - d));
	if (bar2)
		t->ck_first = ck_date_get(bar2 + 1, (size_t)(end - bar2 - 1));
	return (size_t)(bar - v);
}

/* Whether the cookie's dates make it too old to use: 'E' (expired) when
 * idle for longer than maxidle, 'O' (old) when first given longer than
 * maxlife ago, else 0. A stale cookie's dates are forgotten. */
static char ck_stale(const struct ck_conf *c, struct txn *t)
{
	uint32_t now = ck_now();
	char r = 0;

	if (c->maxidle && t->ck_last && ck_date_stale(t->ck_last, c->maxidle, now))
		r = 'E';
	else if (c->maxlife && t->ck_first && ck_date_stale(t->ck_first, c->maxlife, now))
		r = 'O';
	if (r)
		t->ck_last = t->ck_first = 0;
	return r;
}

static struct server *ck_server(struct proxy *be, const char *v, size_t n)
{
	for (struct server *s = be->servers; s; s = s->next)
		if (s->cookie && strlen(s->cookie) == n && memcmp(s->cookie, v, n) == 0)
			return s;
	return NULL;
}

/* Cut [off, off+len) out of header i's value; the header goes when empty. */
static int ck_cut(struct hmsg *h, size_t i, size_t off, size_t len)
{
	const struct http1_hdr *hd = &h->m->hdrs[i];
	size_t rest = hd->value_len - off - len;
	char *nv;

	/* a pair cut at the end leaves "a=1; ": trim the separator */
	while (off && !rest && (hd->value[off - 1] == ' ' || hd->value[off - 1] == ';'))
		off--;
	if (!off && !rest) {
		hmsg_del_at(h, i);
		return 1;
	}
	nv = arena_cat(h->a, hd->value, off, hd->value + off + len, rest);
	if (!nv)
		return -1;
	h->m->hdrs[i].value = nv;
	h->m->hdrs[i].value_len = off + rest;
	return 0;
}

int ck_request(struct session *s, struct hmsg *h)
{
	const struct ck_conf *c = s->t->be->ck;
	struct txn *t = s->t;
	int rc = ck_parse_request(s, h, c);

	/* without a mode HAProxy leaves %tsc's cookie letters at "--" */
	if (c->mode == CK_PASSIVE)
		t->ck_req = t->ck_res = 0;
	return rc;
}

static int ck_parse_request(struct session *s, struct hmsg *h, const struct ck_conf *c)
{
	struct txn *t = s->t;

	t->ck_req = 'N';
	t->ck_res = 'N';
	t->ck_last = t->ck_first = 0;
	for (size_t i = 0; i < h->m->nhdrs; i++) {
		const struct http1_hdr *hd = &h->m->hdrs[i];
		const char *v;
		size_t vl, ps, pl, sl;
		struct server *srv;
		int rc = 0;
		char stale;

		if (!http1_name_eq(hd->name, hd->name_len, "cookie") ||
		    !ck_find(c, hd->value, hd->value_len, &v, &vl, &ps, &pl))
			continue;
		sl = vl;
		if (c->mode == CK_PREFIX) {
			const char *tilde = memchr(v, '~', vl);

			sl = tilde ? (size_t)(tilde - v) : vl;
		} else if (c->maxidle || c->maxlife) {
			sl = ck_dates(t, v, vl);
		}
		srv = ck_server(t->be, v, sl);
		if (!srv) {
			t->ck_req = 'I';
		} else if ((stale = ck_stale(c, t)) != 0) {
			t->ck_req = stale;
		} else if (srv->state == SRV_ST_UP || srv->state == SRV_ST_DRAIN ||
			   (t->be->options & PR_O_PERSIST)) {
			t->ck_req = srv->state == SRV_ST_UP || srv->state == SRV_ST_DRAIN ? 'V' : 'D';
			t->ck_srv = srv;
			t->force_srv = srv;
		} else {
			t->ck_req = 'D';
		}
		/* what the server must not see */
		if (c->mode == CK_INSERT && c->indirect)
			rc = ck_cut(h, i, ps, pl);
		else if (c->mode == CK_PREFIX && sl < vl)
			rc = ck_cut(h, i, (size_t)(v - hd->value), sl + 1);
		if (rc < 0)
			return -1;
		break;
	}
	return 0;
}

/* ---- responses ---- */

/*
 * Whether a shared cache could keep this response: a GET or HEAD answered
 * with a cacheable status and an explicit "Cache-Control: public",
 * "max-age" or "s-maxage" (and no "private", "no-cache" or "no-store").
 */
static int ck_cacheable(const struct session *s, const struct hmsg *h)
{
	static const int codes[] = { 200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501 };
	const struct http1_hdr *hd;
	size_t pos = 0;
	int ok = 0, status = 0;

	if (!s->t->ck_get)
		return 0;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		status |= codes[i] == h->status;
	if (!status)
		return 0;
	while ((hd = hmsg_find(h, "cache-control", 13, &pos)) != NULL) {
		char v[256];
		size_t n = hd->value_len < sizeof(v) - 1 ? hd->value_len : sizeof(v) - 1;

		memcpy(v, hd->value, n);
		v[n] = '\0';
		for (char *p = v; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		if (strstr(v, "private") || strstr(v, "no-cache") || strstr(v, "no-store"))
			return 0;
		if (strstr(v, "public") || strstr(v, "max-age"))
			ok = 1;
	}
	return ok;
}

static int ck_insert(struct session *s, struct hmsg *h, const struct ck_conf *c, char flag)
{
	char buf[1024], dates[2 * (CK_DATE_LEN + 1) + 1] = "";
	int n;

	if (c->maxidle || c->maxlife) {
		uint32_t now = ck_now(), first = s->t->ck_first ? s->t->ck_first : now;

		dates[0] = '|';
		ck_date_put(dates + 1, now);
		if (c->maxlife) {
			dates[CK_DATE_LEN + 1] = '|';
			ck_date_put(dates + CK_DATE_LEN + 2, first);
		}
	}
	n = snprintf(buf, sizeof(buf), "%s=%s%s; path=/", c->name, s->t->srv->cookie, dates);

	for (unsigned i = 0; i < c->ndomains && n > 0 && (size_t)n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "; domain=%s", c->domain[i]);
	if (n > 0 && (size_t)n < sizeof(buf) && c->httponly)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "; HttpOnly");
	if (n > 0 && (size_t)n < sizeof(buf) && c->secure)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "; Secure");
	if (n > 0 && (size_t)n < sizeof(buf) && c->attr)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "; %s", c->attr);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	if (hmsg_add(h, "Set-Cookie", 10, buf, (size_t)n) < 0)
		return -1;
	if (c->nocache && ck_cacheable(s, h)) {
		/* a shared cache must not give this cookie to someone else */
		if (hmsg_add(h, "Cache-control", 13, "private", 7) < 0)
			return -1;
	}
	s->t->ck_res = flag;
	return 0;
}

/* Whether a valid dated cookie must be given again with today's dates. */
static int ck_refresh(const struct ck_conf *c, const struct txn *t)
{
	if (!c->maxidle && !c->maxlife)
		return 0;
	return (c->maxidle && !t->ck_last) || (c->maxlife && !t->ck_first) ||
	       (!c->maxlife && t->ck_first) ||	/* a date we no longer write */
	       (t->ck_last && t->ck_last < ck_now());
}

/* An invalid cookie is replaced by one that has already expired. */
static int ck_expire(struct session *s, struct hmsg *h, const struct ck_conf *c)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; "
			 "path=/", c->name);

	for (unsigned i = 0; i < c->ndomains && n > 0 && (size_t)n < sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "; domain=%s", c->domain[i]);
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    hmsg_add(h, "Set-Cookie", 10, buf, (size_t)n) < 0)
		return -1;
	s->t->ck_res = 'D';
	return 0;
}

/* Index of the server's Set-Cookie for our name, from *pos, or -1. */
static long ck_server_sets(const struct ck_conf *c, const struct hmsg *h, size_t from)
{
	for (size_t i = from; i < h->m->nhdrs; i++) {
		const struct http1_hdr *hd = &h->m->hdrs[i];

		if (http1_name_eq(hd->name, hd->name_len, "set-cookie") &&
		    hd->value_len > c->nlen && hd->value[c->nlen] == '=' &&
		    memcmp(hd->value, c->name, c->nlen) == 0)
			return (long)i;
	}
	return -1;
}

int ck_response(struct session *s, struct hmsg *h)
{
	const struct ck_conf *c = s->t->be->ck;
	const struct server *srv = s->t->srv;
	long i = ck_server_sets(c, h, 0);

	if (!srv || !srv->cookie) {
		/* a server without a cookie: an insert-mode client holding an
		 * invalid one has it expired */
		if (srv && c->mode == CK_INSERT && (s->t->ck_req == 'I' || s->t->ck_req == 'D'))
			return ck_expire(s, h, c);
		return 0;
	}
	if (i >= 0 && (c->mode == CK_REWRITE || c->mode == CK_PREFIX)) {
		const struct http1_hdr *hd = &h->m->hdrs[i];
		const char *v = hd->value + c->nlen + 1, *end = memchr(v, ';',
			hd->value_len - c->nlen - 1);
		size_t vl = end ? (size_t)(end - v) : hd->value_len - c->nlen - 1;
		char buf[2048];
		int n = c->mode == CK_REWRITE ?
			snprintf(buf, sizeof(buf), "%s=%s%.*s", c->name, srv->cookie,
				 (int)(hd->value_len - c->nlen - 1 - vl), v + vl) :
			snprintf(buf, sizeof(buf), "%s=%s~%.*s", c->name, srv->cookie,
				 (int)(hd->value_len - c->nlen - 1), v);

		if (n < 0 || (size_t)n >= sizeof(buf) ||
		    hmsg_set_value(h, (size_t)i, buf, (size_t)n) < 0)
			return -1;
		s->t->ck_res = 'R';
		return 0;
	}
	if (c->mode != CK_INSERT)
		return 0;
	if (i >= 0 && c->preserve) {
		s->t->ck_res = 'P';
		return 0;
	}
	if (i >= 0 && c->indirect) {
		/* the client gets our cookie, not the server's */
		hmsg_del_at(h, (size_t)i);
		s->t->ck_res = 'D';
	}
	if (s->t->ck_srv == srv)	/* it already has the right one */
		return ck_refresh(c, s->t) ? ck_insert(s, h, c, 'U') : 0;
	if (c->postonly && !s->t->ck_post)
		return 0;
	return ck_insert(s, h, c, 'I');
}
