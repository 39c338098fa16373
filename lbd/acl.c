/*
 * acl.c - ACL declarations, patterns and conditions (see acl.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "acl.h"
#include "proxy.h"
#include "sample.h"

const char *const acl_match_names[ACL_M_COUNT] = {
	[ACL_M_FOUND] = "found", [ACL_M_BOOL] = "bool", [ACL_M_INT] = "int",
	[ACL_M_IP] = "ip", [ACL_M_STR] = "str", [ACL_M_BEG] = "beg",
	[ACL_M_END] = "end", [ACL_M_SUB] = "sub", [ACL_M_DIR] = "dir",
	[ACL_M_DOM] = "dom", [ACL_M_REG] = "reg", [ACL_M_LEN] = "len",
};

#define ACL_FILE_LINE_MAX	4096
#define ACL_SORT_MIN		8	/* exact strings: bsearch from this many */

struct acl_pat {
	char *s;			/* strings, regex source */
	size_t len;
	int64_t lo, hi;			/* integers and lengths: lo <= v <= hi */
	int fam;			/* AF_INET / AF_INET6 */
	uint8_t addr[16];
	unsigned bits;
	pcre2_code *re;
};

/* IP patterns in a binary prefix tree: one node per bit of a network,
 * "term" where a network ends; a lookup walks the address's bits. */
struct ip_node {
	struct ip_node *c[2];
	unsigned term;
};

struct acl_expr {
	struct acl_expr *next;
	struct ip_node *tree4, *tree6;	/* ACL_M_IP, built when loaded */
	struct smp_expr *smp;
	enum acl_match m;
	int icase;
	struct acl_pat *pats;
	size_t npats, cap;
	int sorted;
};

struct acl {
	struct acl *next;
	char *name;
	struct acl_expr *exprs;
};

struct acl_term {
	struct acl *acl;
	unsigned neg:1;
	unsigned or_before:1;		/* starts a new AND group */
};

struct acl_cond {
	int unless;
	struct acl_term *terms;
	size_t nterms;
	struct acl *anon;		/* anonymous ACLs owned here */
};

/* HAProxy's predefined ACLs, defined in its own terms. */
static const struct { const char *name, *def; } acl_predef[] = {
	{ "TRUE", "always_true" },
	{ "FALSE", "always_false" },
	{ "HTTP", "req.proto_http" },
	{ "HTTP_1.0", "req.ver 1.0" },
	{ "HTTP_1.1", "req.ver 1.1" },
	{ "HTTP_CONTENT", "hdr_val(content-length) gt 0" },
	{ "HTTP_URL_ABS", "url_reg ^[^/:]*://" },
	{ "HTTP_URL_SLASH", "url_beg /" },
	{ "HTTP_URL_STAR", "url *" },
	{ "LOCALHOST", "src 127.0.0.1/8 ::1" },
	{ "METH_CONNECT", "method CONNECT" },
	{ "METH_DELETE", "method DELETE" },
	{ "METH_GET", "method GET HEAD" },
	{ "METH_HEAD", "method HEAD" },
	{ "METH_OPTIONS", "method OPTIONS" },
	{ "METH_POST", "method POST" },
	{ "METH_PUT", "method PUT" },
	{ "METH_TRACE", "method TRACE" },
};

/* "<fetch>_<suffix>" ACL keywords: the fetch with a matching method. */
static const struct { const char *suffix; enum acl_match m; } acl_suffixes[] = {
	{ "_beg", ACL_M_BEG }, { "_end", ACL_M_END }, { "_sub", ACL_M_SUB },
	{ "_dir", ACL_M_DIR }, { "_dom", ACL_M_DOM }, { "_reg", ACL_M_REG },
	{ "_len", ACL_M_LEN }, { "_str", ACL_M_STR }, { "_found", ACL_M_FOUND },
};

/* ---- patterns ---- */

static void ip_tree_free(struct ip_node *n)
{
	/* iterative: a /128 pattern is a chain 128 nodes deep */
	while (n) {
		if (n->c[0]) {
			struct ip_node *l = n->c[0];

			n->c[0] = l->c[1];
			l->c[1] = n;
			n = l;
			continue;
		}
		{
			struct ip_node *r = n->c[1];

			free(n);
			n = r;
		}
	}
}

static int ip_tree_add(struct ip_node **root, const uint8_t *addr, unsigned bits)
{
	struct ip_node **p = root;

	for (unsigned i = 0;; i++) {
		if (!*p && !(*p = calloc(1, sizeof(**p))))
			return -1;
		if (i == bits) {
			(*p)->term = 1;
			return 0;
		}
		p = &(*p)->c[(addr[i / 8] >> (7 - i % 8)) & 1];
	}
}

static int ip_tree_match(const struct ip_node *n, const uint8_t *addr, unsigned nbits)
{
	for (unsigned i = 0; n; i++) {
		if (n->term)
			return 1;
		if (i == nbits)
			return 0;
		n = n->c[(addr[i / 8] >> (7 - i % 8)) & 1];
	}
	return 0;
}

static void acl_expr_free(struct acl_expr *e)
{
	ip_tree_free(e->tree4);
	ip_tree_free(e->tree6);
	for (size_t i = 0; i < e->npats; i++) {
		free(e->pats[i].s);
		if (e->pats[i].re)
			pcre2_code_free(e->pats[i].re);
	}
	free(e->pats);
	smp_expr_free(e->smp);
	free(e);
}

static void acl_free(struct acl *a)
{
	while (a->exprs) {
		struct acl_expr *e = a->exprs;

		a->exprs = e->next;
		acl_expr_free(e);
	}
	free(a->name);
	free(a);
}

void acl_free_all(struct acl *list)
{
	while (list) {
		struct acl *n = list->next;

		acl_free(list);
		list = n;
	}
}

static int acl_parse_int(const char *s, int64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return (!*s || *end || errno) ? -1 : 0;
}

/* "5", "1:10", ":10", "10:", with a pending operator (eq ge gt le lt). */
static int acl_pat_int(struct acl_pat *p, const char *s, const char *op)
{
	const char *colon = strchr(s, ':');
	char buf[64];

	p->lo = INT64_MIN;
	p->hi = INT64_MAX;
	if (colon) {
		size_t n = (size_t)(colon - s);

		if (n >= sizeof(buf))
			return -1;
		memcpy(buf, s, n);
		buf[n] = '\0';
		if ((n && acl_parse_int(buf, &p->lo) < 0) ||
		    (colon[1] && acl_parse_int(colon + 1, &p->hi) < 0))
			return -1;
		return 0;
	}
	if (acl_parse_int(s, &p->lo) < 0)
		return -1;
	p->hi = p->lo;
	if (!op || strcmp(op, "eq") == 0)
		return 0;
	if (strcmp(op, "ge") == 0)
		p->hi = INT64_MAX;
	else if (strcmp(op, "gt") == 0 && p->lo < INT64_MAX)
		p->lo++, p->hi = INT64_MAX;
	else if (strcmp(op, "le") == 0)
		p->lo = INT64_MIN;
	else if (strcmp(op, "lt") == 0 && p->lo > INT64_MIN)
		p->hi = p->lo - 1, p->lo = INT64_MIN;
	else
		return -1;
	return 0;
}

/* "a.b.c.d[/bits|/mask]" or "ipv6[/bits]" (no name resolution). */
static int acl_pat_ip(struct acl_pat *p, const char *s)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	int64_t bits;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		struct in_addr m;

		p->fam = AF_INET;
		p->bits = 32;
		if (slash && strchr(slash, '.') && inet_pton(AF_INET, slash, &m) == 1) {
			uint32_t h = ntohl(m.s_addr);

			p->bits = (unsigned)__builtin_popcount(h);
			if (h != (p->bits ? ~0u << (32 - p->bits) : 0))
				return -1;	/* not a contiguous mask */
		} else if (slash) {
			if (acl_parse_int(slash, &bits) < 0 || bits < 0 || bits > 32)
				return -1;
			p->bits = (unsigned)bits;
		}
		return 0;
	}
	if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->fam = AF_INET6;
		p->bits = 128;
		if (slash) {
			if (acl_parse_int(slash, &bits) < 0 || bits < 0 || bits > 128)
				return -1;
			p->bits = (unsigned)bits;
		}
		return 0;
	}
	return -1;
}

static int acl_add_pattern(struct acl_expr *e, const char *s, const char *op,
			   char *err, size_t errlen)
{
	struct acl_pat *p;

	if (e->npats == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 4;
		struct acl_pat *np = realloc(e->pats, ncap * sizeof(*np));

		if (!np) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		e->pats = np;
		e->cap = ncap;
	}
	p = &e->pats[e->npats];
	memset(p, 0, sizeof(*p));
	switch (e->m) {
	case ACL_M_INT:
	case ACL_M_LEN:
	case ACL_M_BOOL:
		if (acl_pat_int(p, s, op) < 0) {
			snprintf(err, errlen, "'%s' is not an integer or range%s", s,
				 op ? " for this operator" : "");
			return -1;
		}
		break;
	case ACL_M_IP:
		if (acl_pat_ip(p, s) < 0) {
			snprintf(err, errlen, "'%s' is not an IP address or network", s);
			return -1;
		}
		break;
	case ACL_M_FOUND:
		snprintf(err, errlen, "'-m found' takes no pattern (got '%s')", s);
		return -1;
	case ACL_M_REG: {
		int ec;
		PCRE2_SIZE eo;

		p->re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED,
				      e->icase ? PCRE2_CASELESS : 0, &ec, &eo, NULL);
		if (!p->re) {
			PCRE2_UCHAR msg[128];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			snprintf(err, errlen, "invalid regex '%s': %s", s, (char *)msg);
			return -1;
		}
		pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE);	/* else interpreted */
		break;
	}
	default:
		break;
	}
	if (e->m != ACL_M_INT && e->m != ACL_M_LEN && e->m != ACL_M_BOOL && op) {
		snprintf(err, errlen, "operator '%s' applies to integers only", op);
		if (p->re)
			pcre2_code_free(p->re);
		return -1;
	}
	p->s = strdup(s);
	if (!p->s) {
		if (p->re)
			pcre2_code_free(p->re);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p->len = strlen(s);
	e->npats++;
	return 0;
}

/* -f <file>: one pattern per line; empty and '#' lines ignored. */
static int acl_load_file(struct acl_expr *e, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[ACL_FILE_LINE_MAX];
	unsigned ln = 0;

	if (!f) {
		snprintf(err, errlen, "cannot open pattern file '%s': %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *end;

		ln++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, ln);
			fclose(f);
			return -1;
		}
		/* leading blanks go, trailing ones stay (a pattern may end with
		 * one), as in HAProxy; only the line end is removed */
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == '\n' || end[-1] == '\r'))
			*--end = '\0';
		if (!*s || *s == '#')
			continue;
		if (acl_add_pattern(e, s, NULL, err, errlen) < 0) {
			size_t n = strlen(err);

			snprintf(err + n, errlen - n, " (%s:%u)", path, ln);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static enum acl_match acl_default_match(enum smp_type t)
{
	switch (t) {
	case SMP_T_BOOL: return ACL_M_BOOL;
	case SMP_T_SINT: return ACL_M_INT;
	case SMP_T_IPV4:
	case SMP_T_IPV6: return ACL_M_IP;
	default: return ACL_M_STR;
	}
}

/* The sample expression of an ACL keyword, "path_beg" -> "path" + beg. */
static struct smp_expr *acl_fetch(const char *word, enum acl_match *m, int *has_m,
				  char *err, size_t errlen)
{
	struct smp_expr *e = smp_expr_parse(word, 0, NULL, err, errlen);
	size_t nl = strcspn(word, "(,");

	*has_m = 0;
	if (e)
		return e;
	for (size_t i = 0; i < sizeof(acl_suffixes) / sizeof(acl_suffixes[0]); i++) {
		size_t sl = strlen(acl_suffixes[i].suffix);
		char buf[256];
		char tmp[256];

		if (nl <= sl || memcmp(word + nl - sl, acl_suffixes[i].suffix, sl) != 0 ||
		    strlen(word) - sl >= sizeof(buf))
			continue;
		snprintf(buf, sizeof(buf), "%.*s%s", (int)(nl - sl), word, word + nl);
		e = smp_expr_parse(buf, 0, NULL, tmp, sizeof(tmp));
		if (e) {
			*m = acl_suffixes[i].m;
			*has_m = 1;
			return e;
		}
	}
	return NULL;
}

static struct acl_expr *acl_expr_parse(int argc, char **argv, char *err, size_t errlen)
{
	struct acl_expr *e = calloc(1, sizeof(*e));
	const char *op = NULL;
	int i = 1, has_m = 0;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->smp = acl_fetch(argv[0], &e->m, &has_m, err, errlen);
	if (!e->smp)
		goto fail;
	if (!has_m)
		e->m = acl_default_match(smp_expr_type(e->smp));
	/* flags, as long as they come first */
	for (; i < argc && argv[i][0] == '-' && argv[i][1] && !isdigit((unsigned char)argv[i][1]); i++) {
		const char *f = argv[i];

		if (strcmp(f, "--") == 0) {
			i++;
			break;
		} else if (strcmp(f, "-i") == 0) {
			e->icase = 1;
		} else if (strcmp(f, "-n") == 0) {
			/* no DNS resolution: lbd never resolves patterns */
		} else if (strcmp(f, "-m") == 0) {
			int k;

			if (++i == argc) {
				snprintf(err, errlen, "'-m' expects a matching method");
				goto fail;
			}
			for (k = 0; k < ACL_M_COUNT; k++)
				if (strcmp(argv[i], acl_match_names[k]) == 0)
					break;
			if (k == ACL_M_COUNT) {
				snprintf(err, errlen, "unknown matching method '%s' (expected "
					 "found, bool, int, ip, str, beg, end, sub, dir, dom, "
					 "reg or len)", argv[i]);
				goto fail;
			}
			e->m = (enum acl_match)k;
			has_m = 1;
		} else if (strcmp(f, "-f") == 0) {
			if (++i == argc) {
				snprintf(err, errlen, "'-f' expects a file name");
				goto fail;
			}
			if (acl_load_file(e, argv[i], err, errlen) < 0)
				goto fail;
		} else if (strcmp(f, "-u") == 0 || strcmp(f, "-M") == 0) {
			snprintf(err, errlen, "ACL flag '%s' is not supported yet", f);
			goto fail;
		} else {
			snprintf(err, errlen, "unknown ACL flag '%s'", f);
			goto fail;
		}
	}
	if (i < argc && (e->m == ACL_M_INT || e->m == ACL_M_LEN) &&
	    (!strcmp(argv[i], "eq") || !strcmp(argv[i], "ge") || !strcmp(argv[i], "gt") ||
	     !strcmp(argv[i], "le") || !strcmp(argv[i], "lt")))
		op = argv[i++];
	for (; i < argc; i++)
		if (acl_add_pattern(e, argv[i], op, err, errlen) < 0)
			goto fail;
	return e;
fail:
	acl_expr_free(e);
	return NULL;
}

static struct acl *acl_find(struct acl *list, const char *name)
{
	for (; list; list = list->next)
		if (strcmp(list->name, name) == 0)
			return list;
	return NULL;
}

static int acl_add_expr(struct acl **list, const char *name, int argc, char **argv,
			char *err, size_t errlen)
{
	struct acl *a = acl_find(*list, name);
	struct acl_expr *e, **pp;
	int created = 0;

	if (!a) {
		a = calloc(1, sizeof(*a));
		if (!a || !(a->name = strdup(name))) {
			free(a);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		created = 1;
	}
	e = acl_expr_parse(argc, argv, err, errlen);
	if (!e) {
		if (created)
			acl_free(a);
		return -1;
	}
	for (pp = &a->exprs; *pp; pp = &(*pp)->next)
		;
	*pp = e;
	if (created) {
		a->next = *list;
		*list = a;
	}
	return 0;
}

static int acl_name_ok(const char *n)
{
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && !strchr("-_.:", *n))
			return 0;
	return 1;
}

int acl_declare(struct proxy *px, int argc, char **argv, char *err, size_t errlen)
{
	if (argc < 3) {
		snprintf(err, errlen, "'acl' expects an ACL name and a fetch method "
			 "followed by patterns");
		return -1;
	}
	if (!acl_name_ok(argv[1])) {
		snprintf(err, errlen, "invalid character in ACL name '%s' (letters, "
			 "digits, '-', '_', '.' and ':' only)", argv[1]);
		return -1;
	}
	for (size_t i = 0; i < sizeof(acl_predef) / sizeof(acl_predef[0]); i++)
		if (strcmp(argv[1], acl_predef[i].name) == 0) {
			snprintf(err, errlen, "'%s' is a predefined ACL and cannot be "
				 "redefined", argv[1]);
			return -1;
		}
	return acl_add_expr(&px->acls, argv[1], argc - 2, argv + 2, err, errlen);
}

/* A predefined ACL by name, created in px's list the first time. */
static struct acl *acl_predefined(struct proxy *px, const char *name, char *err,
				  size_t errlen)
{
	for (size_t i = 0; i < sizeof(acl_predef) / sizeof(acl_predef[0]); i++) {
		char buf[128], *words[8];
		int n = 0;

		if (strcmp(name, acl_predef[i].name) != 0)
			continue;
		snprintf(buf, sizeof(buf), "%s", acl_predef[i].def);
		for (char *t = strtok(buf, " "); t && n < 8; t = strtok(NULL, " "))
			words[n++] = t;
		if (acl_add_expr(&px->acls, name, n, words, err, errlen) < 0)
			return NULL;
		return acl_find(px->acls, name);
	}
	return NULL;
}

/* ---- conditions ---- */

void acl_cond_free(struct acl_cond *c)
{
	if (!c)
		return;
	acl_free_all(c->anon);
	free(c->terms);
	free(c);
}

struct acl_cond *acl_cond_parse(struct proxy *px, int argc, char **argv,
				char *err, size_t errlen)
{
	struct acl_cond *c = calloc(1, sizeof(*c));
	int or_next = 0, nanon = 0;

	if (!c || !(c->terms = calloc((size_t)argc + 1, sizeof(*c->terms)))) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->unless = strcmp(argv[0], "unless") == 0;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		struct acl_term *t;
		int neg = 0;

		if (strcmp(w, "||") == 0 || strcmp(w, "or") == 0) {
			if (!c->nterms || or_next) {
				snprintf(err, errlen, "'%s' needs a condition on each side", w);
				goto fail;
			}
			or_next = 1;
			continue;
		}
		while (*w == '!') {
			neg = !neg;
			w++;
		}
		if (!*w && i + 1 < argc && strcmp(argv[i + 1], "{") == 0)
			w = argv[++i];
		t = &c->terms[c->nterms];
		if (strcmp(w, "{") == 0) {
			int j = i + 1;
			char name[32];

			while (j < argc && strcmp(argv[j], "}") != 0)
				j++;
			if (j == argc || j == i + 1) {
				snprintf(err, errlen, j == argc ? "missing '}' in the condition" :
					 "empty anonymous ACL '{ }'");
				goto fail;
			}
			snprintf(name, sizeof(name), "anonymous-%d", nanon++);
			if (acl_add_expr(&c->anon, name, j - i - 1, argv + i + 1, err, errlen) < 0)
				goto fail;
			t->acl = acl_find(c->anon, name);
			i = j;
		} else {
			t->acl = acl_find(px->acls, w);
			if (!t->acl)
				t->acl = acl_predefined(px, w, err, errlen);
			if (!t->acl && (!strcmp(w, "REQ_CONTENT") || !strcmp(w, "WAIT_END") ||
					!strcmp(w, "RDP_COOKIE"))) {
				/* they read the raw request buffer, inspect-delay
				 * and RDP cookies */
				snprintf(err, errlen, "predefined ACL '%s' is not supported yet", w);
				goto fail;
			}
			if (!t->acl) {
				snprintf(err, errlen, "no such ACL : '%s'", w);
				goto fail;
			}
		}
		t->neg = (unsigned)neg;
		t->or_before = (unsigned)or_next;
		or_next = 0;
		c->nterms++;
	}
	if (or_next) {
		snprintf(err, errlen, "'||' needs a condition on each side");
		goto fail;
	}
	if (!c->nterms) {
		snprintf(err, errlen, "'%s' expects a condition", argv[0]);
		goto fail;
	}
	return c;
fail:
	acl_cond_free(c);
	return NULL;
}

static unsigned acl_use(const struct acl *a)
{
	unsigned u = 0;

	for (const struct acl_expr *e = a->exprs; e; e = e->next)
		u |= smp_expr_use(e->smp);
	return u;
}

unsigned acl_cond_use(const struct acl_cond *c)
{
	unsigned u = 0;

	for (size_t i = 0; c && i < c->nterms; i++)
		u |= acl_use(c->terms[i].acl);
	return u;
}

static int acl_cmp_icase;

static int acl_pat_cmp(const void *x, const void *y)
{
	const struct acl_pat *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int r = acl_cmp_icase ? strncasecmp(a->s, b->s, n) : memcmp(a->s, b->s, n);

	return r ? r : (a->len > b->len) - (a->len < b->len);
}

static int acl_resolve_list(struct acl *list, struct lbd_conf *conf, char *err,
			    size_t errlen)
{
	for (struct acl *a = list; a; a = a->next)
		for (struct acl_expr *e = a->exprs; e; e = e->next) {
			if (smp_expr_resolve(e->smp, conf, err, errlen) < 0)
				return -1;
			if (e->m == ACL_M_IP && !e->tree4 && !e->tree6)
				for (size_t i = 0; i < e->npats; i++)
					if (ip_tree_add(e->pats[i].fam == AF_INET ? &e->tree4 :
							&e->tree6, e->pats[i].addr,
							e->pats[i].bits) < 0) {
						snprintf(err, errlen, "out of memory");
						return -1;
					}
			if (e->m == ACL_M_STR && e->npats >= ACL_SORT_MIN && !e->sorted) {
				acl_cmp_icase = e->icase;	/* start-up, one thread */
				qsort(e->pats, e->npats, sizeof(e->pats[0]), acl_pat_cmp);
				e->sorted = 1;
			}
		}
	return 0;
}

int acl_resolve(struct proxy *px, struct lbd_conf *conf, char *err, size_t errlen)
{
	return acl_resolve_list(px->acls, conf, err, errlen);
}

int acl_cond_resolve(struct acl_cond *c, struct lbd_conf *conf, char *err,
		     size_t errlen)
{
	return c ? acl_resolve_list(c->anon, conf, err, errlen) : 0;
}

/* ---- matching ---- */

static int acl_ncmp(const char *a, const char *b, size_t n, int icase)
{
	return icase ? strncasecmp(a, b, n) : memcmp(a, b, n);
}

/* pattern found in s as whole components between delimiters (dir: '/',
 * dom: '.' and '/' and ':') */
static int acl_match_part(const char *s, size_t n, const struct acl_pat *p, int icase,
			  const char *delims)
{
	const char *pat = p->s;
	size_t pl = p->len;

	while (pl && strchr(delims, *pat))
		pat++, pl--;
	while (pl && strchr(delims, pat[pl - 1]))
		pl--;
	if (!pl)
		return 0;
	for (size_t i = 0; i + pl <= n; i++) {
		if ((i && !strchr(delims, s[i - 1])) || acl_ncmp(s + i, pat, pl, icase) != 0)
			continue;
		if (i + pl == n || strchr(delims, s[i + pl]) || s[i + pl] == '?')
			return 1;
	}
	return 0;
}

static int acl_match_str(const struct acl_expr *e, const char *s, size_t n)
{
	if (e->sorted) {
		struct acl_pat key = { .s = (char *)s, .len = n };
		size_t lo = 0, hi = e->npats;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			size_t m = n < e->pats[mid].len ? n : e->pats[mid].len;
			int r = acl_ncmp(key.s, e->pats[mid].s, m, e->icase);

			if (!r)
				r = (n > e->pats[mid].len) - (n < e->pats[mid].len);
			if (!r)
				return 1;
			if (r < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		return 0;
	}
	for (size_t i = 0; i < e->npats; i++) {
		const struct acl_pat *p = &e->pats[i];

		if (p->len == n && acl_ncmp(s, p->s, n, e->icase) == 0)
			return 1;
	}
	return 0;
}

static int acl_match_ip(const struct acl_expr *e, const struct smp *v)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (!e->tree4 && !e->tree6) {
		/* not loaded through acl_resolve (the fuzzer): the list */
		uint8_t a[16];
		int fam = v->type == SMP_T_IPV4 ? AF_INET : AF_INET6;

		memcpy(a, fam == AF_INET ? (const void *)&v->v4 : (const void *)&v->v6,
		       fam == AF_INET ? 4 : 16);
		for (size_t i = 0; i < e->npats; i++) {
			struct ip_node *t = NULL;
			int hit;

			if (ip_tree_add(&t, e->pats[i].addr, e->pats[i].bits) < 0)
				return 0;
			hit = e->pats[i].fam == fam ? ip_tree_match(t, a, fam == AF_INET ? 32 : 128) :
			      (e->pats[i].fam == AF_INET && !memcmp(a, mapped, 12) &&
			       ip_tree_match(t, a + 12, 32));
			ip_tree_free(t);
			if (hit)
				return 1;
		}
		return 0;
	}
	if (v->type == SMP_T_IPV4)
		return ip_tree_match(e->tree4, (const uint8_t *)&v->v4, 32);
	/* an IPv4 pattern also matches an IPv4-mapped IPv6 address */
	if (!memcmp(v->v6.s6_addr, mapped, 12) && ip_tree_match(e->tree4, v->v6.s6_addr + 12, 32))
		return 1;
	return ip_tree_match(e->tree6, v->v6.s6_addr, 128);
}

static int acl_match_re(const struct acl_expr *e, const char *s, size_t n)
{
	pcre2_match_data *md = NULL;
	int hit = 0;

	for (size_t i = 0; i < e->npats && !hit; i++) {
		if (!md && !(md = pcre2_match_data_create(1, NULL)))
			return 0;
		hit = pcre2_match(e->pats[i].re, (PCRE2_SPTR)s, n, 0, 0, md, NULL) >= 0;
	}
	pcre2_match_data_free(md);
	return hit;
}

static int acl_match_value(const struct acl_expr *e, struct smp *v, struct smp_ctx *c)
{
	switch (e->m) {
	case ACL_M_FOUND:
		return 1;
	case ACL_M_BOOL:
		if (smp_to_sint(v) < 0)
			return 0;
		if (!e->npats)
			return v->sint != 0;
		/* booleans against integers */
		/* fall through */
	case ACL_M_INT:
	case ACL_M_LEN:
		if (e->m == ACL_M_LEN) {
			if (smp_to_str(v, c->a) < 0)
				return 0;
			v->sint = (int64_t)v->len;
		} else if (smp_to_sint(v) < 0) {
			return 0;
		}
		for (size_t i = 0; i < e->npats; i++)
			if (v->sint >= e->pats[i].lo && v->sint <= e->pats[i].hi)
				return 1;
		return 0;
	case ACL_M_IP:
		if (smp_to_ip(v) < 0)
			return 0;
		return acl_match_ip(e, v);
	default:
		break;
	}
	if (smp_to_str(v, c->a) < 0)
		return 0;
	switch (e->m) {
	case ACL_M_STR:
		return acl_match_str(e, v->str, v->len);
	case ACL_M_REG:
		return acl_match_re(e, v->str, v->len);
	default:
		break;
	}
	for (size_t i = 0; i < e->npats; i++) {
		const struct acl_pat *p = &e->pats[i];

		switch (e->m) {
		case ACL_M_BEG:
			if (p->len <= v->len && acl_ncmp(v->str, p->s, p->len, e->icase) == 0)
				return 1;
			break;
		case ACL_M_END:
			if (p->len <= v->len &&
			    acl_ncmp(v->str + v->len - p->len, p->s, p->len, e->icase) == 0)
				return 1;
			break;
		case ACL_M_SUB:
			for (size_t k = 0; p->len <= v->len && k + p->len <= v->len; k++)
				if (acl_ncmp(v->str + k, p->s, p->len, e->icase) == 0)
					return 1;
			break;
		case ACL_M_DIR:
			if (acl_match_part(v->str, v->len, p, e->icase, "/"))
				return 1;
			break;
		case ACL_M_DOM:
			if (acl_match_part(v->str, v->len, p, e->icase, "./:"))
				return 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Does any value of the expression's sample match any pattern? */
static int acl_expr_exec(const struct acl_expr *e, struct smp_ctx *c)
{
	struct smp v;
	int all = c->all;

	memset(&v, 0, sizeof(v));
	c->all = 1;
	for (unsigned guard = 0; guard < 4096; guard++) {
		int found = smp_expr_eval(e->smp, c, &v);

		if (found && acl_match_value(e, &v, c)) {
			c->all = all;
			return 1;
		}
		if (!v.more)
			break;
	}
	c->all = all;
	return 0;
}

static int acl_exec(const struct acl *a, struct smp_ctx *c)
{
	for (const struct acl_expr *e = a->exprs; e; e = e->next)
		if (acl_expr_exec(e, c))
			return 1;
	return 0;
}

int acl_cond_exec(const struct acl_cond *cond, struct smp_ctx *c)
{
	int result = 0, group = 1;

	if (!cond)
		return 1;
	/* OR of AND groups; each group short-circuits on its first false term */
	for (size_t i = 0; i < cond->nterms; i++) {
		const struct acl_term *t = &cond->terms[i];

		if (t->or_before) {
			if (group) {
				result = 1;
				break;
			}
			group = 1;
		}
		if (group && acl_exec(t->acl, c) == (int)t->neg)
			group = 0;
	}
	if (!result)
		result = group;
	return cond->unless ? !result : result;
}
