/*
 * compress.c - response compression (see compress.h). The rules of when
 * not to compress are HAProxy 2.6's: only 200-203 answers to HTTP/1.1
 * requests, with a known framing, not already encoded, not multipart, not
 * "no-transform", of a configured type, with at most one ETag.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "cfg.h"
#include "cfg_lex.h"
#include "compress.h"
#include "hmsg.h"
#include "http1.h"
#include "proxy.h"
#include "session.h"

enum comp_algo { COMP_NONE, COMP_IDENTITY, COMP_GZIP, COMP_DEFLATE, COMP_RAW_DEFLATE };
static const char *const comp_names[] = {
	[COMP_IDENTITY] = "identity", [COMP_GZIP] = "gzip",
	[COMP_DEFLATE] = "deflate", [COMP_RAW_DEFLATE] = "raw-deflate",
};
/* what the client names in Accept-Encoding, and we in Content-Encoding */
static const char *const comp_tokens[] = {
	[COMP_IDENTITY] = "identity", [COMP_GZIP] = "gzip",
	[COMP_DEFLATE] = "deflate", [COMP_RAW_DEFLATE] = "deflate",
};

#define COMP_MAX_ALGOS	4
#define COMP_MAX_TYPES	32
#define COMP_LEVEL	1	/* HAProxy's tune.comp.maxlevel default */

struct comp_conf {
	enum comp_algo algo[COMP_MAX_ALGOS];
	unsigned nalgo;
	char *type[COMP_MAX_TYPES];
	unsigned ntype;
	int offload;
	uint64_t minsize;		/* minsize-res: smaller known lengths are not */
};

/* Dechunking state of a chunked response being compressed. */
enum dech { DECH_SIZE, DECH_EXT, DECH_DATA, DECH_DATA_CR, DECH_TRAILER, DECH_DONE };

struct comp_state {
	z_stream z;
	enum dech st;
	uint64_t left;			/* DECH_DATA: payload bytes of the chunk */
	unsigned line;			/* DECH_TRAILER: bytes on the current line */
	int finished;
	int identity;			/* algo identity: the data as it is, chunked */
};

/* ---- configuration ---- */

void comp_conf_free(struct comp_conf *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->ntype; i++)
		free(c->type[i]);
	free(c);
}

struct comp_conf *comp_conf_dup(const struct comp_conf *c)
{
	struct comp_conf *n;

	if (!c || !(n = malloc(sizeof(*n))))
		return NULL;
	*n = *c;
	for (unsigned i = 0; i < c->ntype; i++)
		n->type[i] = strdup(c->type[i]);
	return n;
}

int comp_cfg(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct comp_conf *c = ctx->cur->comp;

	if (!c && !(c = ctx->cur->comp = calloc(1, sizeof(*c))))
		return -1;
	if (argc >= 2 && !strcmp(argv[1], "offload")) {
		if (argc != 2)
			cfg_err(ctx, "'compression offload' takes no argument.");
		c->offload = 1;
		return 0;
	}
	if (argc < 3) {
		cfg_err(ctx, "'compression' expects 'algo', 'type' or 'offload' and values.");
		return 0;
	}
	if (!strcmp(argv[1], "algo")) {
		c->nalgo = 0;
		for (int i = 2; i < argc; i++) {
			unsigned k;

			for (k = COMP_IDENTITY; k <= COMP_RAW_DEFLATE; k++)
				if (!strcmp(argv[i], comp_names[k]))
					break;
			if (k > COMP_RAW_DEFLATE) {
				cfg_err(ctx, "'compression algo': unknown algorithm '%s' "
					"(gzip, deflate, raw-deflate or identity).", argv[i]);
				return 0;
			}
			if (c->nalgo == COMP_MAX_ALGOS) {
				cfg_err(ctx, "'compression algo': at most %d algorithms.",
					COMP_MAX_ALGOS);
				return 0;
			}
			c->algo[c->nalgo++] = (enum comp_algo)k;
		}
	} else if (!strcmp(argv[1], "type") || !strcmp(argv[1], "type-res")) {
		for (int i = 2; i < argc; i++) {
			if (c->ntype == COMP_MAX_TYPES) {
				cfg_err(ctx, "'compression type': at most %d types.", COMP_MAX_TYPES);
				return 0;
			}
			if (!(c->type[c->ntype++] = strdup(argv[i])))
				return -1;
		}
	} else if (!strcmp(argv[1], "minsize-res") && argc == 3) {
		char err[128];

		if (cfg_parse_size(argv[2], &c->minsize, err, sizeof(err)) < 0)
			cfg_err(ctx, "'compression minsize-res': %s.", err);
	} else if (!strcmp(argv[1], "direction") || !strcmp(argv[1], "algo-req") ||
		   !strcmp(argv[1], "type-req") || !strcmp(argv[1], "algo-res") ||
		   !strncmp(argv[1], "minsize", 7)) {
		cfg_err(ctx, "'compression %s' is not supported yet.", argv[1]);
	} else {
		cfg_err(ctx, "'compression': unknown option '%s'.", argv[1]);
	}
	return 0;
}

/* ---- request ---- */

/* q-value of a coding in Accept-Encoding's "a;q=0.5, b" (-1: absent, and
 * "*" counts for codings not named) */
static int comp_qvalue(const char *v, size_t n, const char *tok, int *star)
{
	const char *e = v + n;
	int q = -1;

	*star = -1;
	while (v < e) {
		const char *s = v, *t = memchr(v, ',', (size_t)(e - v)), *semi, *te;
		int this_q = 1000;

		if (!t)
			t = e;
		v = t + 1;
		while (s < t && (*s == ' ' || *s == '\t'))
			s++;
		if (s >= t)
			continue;
		semi = memchr(s, ';', (size_t)(t - s));
		te = semi ? semi : t;
		while (te > s && (te[-1] == ' ' || te[-1] == '\t'))
			te--;
		if (semi) {
			const char *p = semi + 1;

			while (p < t && (*p == ' ' || *p == '\t'))
				p++;
			if (t - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
				double d = strtod(p + 2, NULL);

				this_q = d <= 0 ? 0 : d >= 1 ? 1000 : (int)(d * 1000);
			}
		}
		if ((size_t)(te - s) == 1 && *s == '*')
			*star = this_q;
		else if ((size_t)(te - s) == strlen(tok) && !strncasecmp(s, tok, (size_t)(te - s)))
			q = this_q;
	}
	return q;
}

/* Browsers announcing "Mozilla/4" mishandled compressed responses, but for
 * MSIE 7 and later, and MSIE 6 on XP SP2 ("SV1"): HAProxy's list, read at
 * the fixed places of "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1;
 * SV1)". */
static int comp_old_browser(const struct hmsg *h)
{
	const struct http1_hdr *ua = hmsg_find(h, "user-agent", 10, NULL);
	const char *v;
	size_t n;

	if (!ua || ua->value_len < 9 || memcmp(ua->value, "Mozilla/4", 9) != 0)
		return 0;
	v = ua->value;
	n = ua->value_len;
	if (n < 31 || memcmp(v + 25, "MSIE ", 5) != 0 || v[30] < '6')
		return 1;
	return v[30] == '6' && (n < 54 || memcmp(v + 51, "SV1", 3) != 0);
}

void comp_request(struct session *s, struct hmsg *h)
{
	const struct comp_conf *c = s->t->be->comp ? s->t->be->comp : s->fe->comp;
	const struct http1_hdr *ae;
	int best = 0;

	s->t->comp_algo = COMP_NONE;
	if (!c || !c->nalgo || comp_old_browser(h))
		return;
	ae = hmsg_find(h, "accept-encoding", 15, NULL);
	if (ae) {
		/* the client's preference; of equal ones the last configured, as
		 * HAProxy picks */
		for (unsigned i = 0; i < c->nalgo; i++) {
			int star, q = comp_qvalue(ae->value, ae->value_len,
						  comp_tokens[c->algo[i]], &star);

			if (q < 0)
				q = star;
			if (q > 0 && q >= best) {
				best = q;
				s->t->comp_algo = c->algo[i];
			}
		}
	}
	/* when nothing else fits, a configured identity is used whatever the
	 * header says (even "identity;q=0"), as HAProxy does */
	for (unsigned i = 0; !best && i < c->nalgo; i++)
		if (c->algo[i] == COMP_IDENTITY)
			s->t->comp_algo = COMP_IDENTITY;
	/* offload: the server must not compress what lbd will */
	if (c->offload && s->t->comp_algo > COMP_IDENTITY)
		hmsg_del(h, "accept-encoding", 15);
}

/* ---- response ---- */

static int comp_hdr_has(const struct hmsg *h, const char *name, const char *word)
{
	const struct http1_hdr *hd;
	size_t pos = 0, wl = strlen(word);

	while ((hd = hmsg_find(h, name, strlen(name), &pos)) != NULL)
		for (size_t i = 0; i + wl <= hd->value_len; i++)
			if (!strncasecmp(hd->value + i, word, wl))
				return 1;
	return 0;
}

static int comp_type_ok(const struct comp_conf *c, const struct hmsg *h)
{
	const struct http1_hdr *ct = hmsg_find(h, "content-type", 12, NULL);
	size_t tl;

	if (ct && ct->value_len >= 9 && !strncasecmp(ct->value, "multipart", 9))
		return 0;
	if (!c->ntype)
		return 1;
	if (!ct)
		return 0;
	tl = strcspn(ct->value, ";");
	if (tl > ct->value_len)
		tl = ct->value_len;
	while (tl && (ct->value[tl - 1] == ' ' || ct->value[tl - 1] == '\t'))
		tl--;
	for (unsigned i = 0; i < c->ntype; i++)
		if (strlen(c->type[i]) == tl && !strncasecmp(c->type[i], ct->value, tl))
			return 1;
	return 0;
}

static int comp_start(struct session *s, enum comp_algo a)
{
	struct comp_state *z = calloc(1, sizeof(*z));
	int bits = a == COMP_GZIP ? 15 + 16 : a == COMP_DEFLATE ? 15 : -15;

	if (!z)
		return -1;
	z->identity = a == COMP_IDENTITY;
	if (!z->identity && deflateInit2(&z->z, COMP_LEVEL, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return -1;
	}
	s->t->comp = z;
	return 0;
}

int comp_response(struct session *s, struct hmsg *h)
{
	const struct comp_conf *c = s->t->be->comp ? s->t->be->comp : s->fe->comp;
	enum comp_algo a = (enum comp_algo)s->t->comp_algo;
	const struct http1_hdr *etag;
	size_t pos = 0;
	unsigned netag = 0;

	/* an HTTP/1.0 client cannot take the chunked framing */
	if (!c || a == COMP_NONE || s->t->head_req ||
	    h->status < 200 || h->status > 203 || h->ver_minor == 0 || s->t->cli_ver10 ||
	    !(h->m->flags & (HTTP1_F_HAS_CL | HTTP1_F_CHUNKED)) ||
	    ((h->m->flags & HTTP1_F_HAS_CL) && h->m->content_length < (c->minsize ? c->minsize : 1)) ||
	    hmsg_find(h, "content-encoding", 16, NULL) ||
	    comp_hdr_has(h, "cache-control", "no-transform") || !comp_type_ok(c, h))
		return 0;
	while ((etag = hmsg_find(h, "etag", 4, &pos)) != NULL)
		netag++;
	if (netag > 1)
		return 0;
	if (comp_start(s, a) < 0)
		return -1;
	/* the new framing and encoding; a strong validator no longer holds */
	hmsg_del(h, "content-length", 14);
	hmsg_del(h, "transfer-encoding", 17);
	pos = 0;
	if ((etag = hmsg_find(h, "etag", 4, &pos)) != NULL && etag->value_len &&
	    etag->value[0] == '"') {
		char weak[512];
		int n = snprintf(weak, sizeof(weak), "W/%.*s", (int)etag->value_len, etag->value);

		if (n < 0 || (size_t)n >= sizeof(weak) || hmsg_set_value(h, pos - 1, weak, (size_t)n) < 0)
			return -1;
	}
	if (hmsg_add(h, "Transfer-Encoding", 17, "chunked", 7) < 0 ||
	    (a != COMP_IDENTITY &&
	     hmsg_add(h, "Content-Encoding", 16, comp_tokens[a], strlen(comp_tokens[a])) < 0) ||
	    (!comp_hdr_has(h, "vary", "accept-encoding") &&
	     hmsg_add(h, "Vary", 4, "Accept-Encoding", 15) < 0))
		return -1;
	return 0;
}

/* ---- body ---- */

void comp_state_free(struct comp_state *z)
{
	if (!z)
		return;
	if (!z->identity)
		deflateEnd(&z->z);
	free(z);
}

/* Compress n bytes into out (after o), flushing; returns the new o or -1. */
static long comp_deflate(struct comp_state *z, const char *in, size_t n, int flush,
			 char *out, size_t o, size_t outlen)
{
	z->z.next_in = (Bytef *)(uintptr_t)in;
	z->z.avail_in = (uInt)n;
	do {
		int rc;

		if (o >= outlen)
			return -1;
		z->z.next_out = (Bytef *)out + o;
		z->z.avail_out = (uInt)(outlen - o);
		rc = deflate(&z->z, flush);
		if (rc == Z_STREAM_ERROR)
			return -1;
		o = outlen - z->z.avail_out;
	} while (z->z.avail_in || z->z.avail_out == 0);
	return (long)o;
}

/* The payload of the chunked bytes in[0, n) (validated by the parser
 * already), gathered at the start of pay; returns its length. */
static size_t comp_dechunk(struct comp_state *z, const char *in, size_t n, char *pay)
{
	size_t p = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = in[i];

		switch (z->st) {
		case DECH_SIZE:
			if (isxdigit((unsigned char)ch))
				z->left = z->left * 16 + (uint64_t)(isdigit((unsigned char)ch) ?
					ch - '0' : (tolower((unsigned char)ch) - 'a' + 10));
			else if (ch == '\n')
				z->st = z->left ? DECH_DATA : DECH_TRAILER;
			else
				z->st = DECH_EXT;
			break;
		case DECH_EXT:
			if (ch == '\n')
				z->st = z->left ? DECH_DATA : DECH_TRAILER;
			break;
		case DECH_DATA: {
			size_t take = n - i < z->left ? n - i : (size_t)z->left;

			memcpy(pay + p, in + i, take);
			p += take;
			z->left -= take;
			i += take - 1;
			if (!z->left)
				z->st = DECH_DATA_CR;
			break;
		}
		case DECH_DATA_CR:
			if (ch == '\n')
				z->st = DECH_SIZE;
			break;
		case DECH_TRAILER:
			if (ch == '\n') {
				if (z->line == 0)
					z->st = DECH_DONE;
				z->line = 0;
			} else if (ch != '\r') {
				z->line++;
			}
			break;
		case DECH_DONE:
			break;
		}
	}
	return p;
}

long comp_body(struct comp_state *z, const char *in, size_t len, int chunked,
	       int done, char *out, size_t outlen)
{
	char *pay = NULL;
	const char *data = in;
	size_t n = len;
	long o;
	char head[16];
	int hl;
	const size_t room = 12;	/* "%x\r\n" before the data */

	if (z->finished)
		return 0;
	if (chunked) {
		if (!(pay = malloc(len ? len : 1)))
			return -1;
		n = comp_dechunk(z, in, len, pay);
		data = pay;
	}
	if (z->identity) {
		o = room + n <= outlen - 8 ? (long)(room + n) : -1;
		if (o > 0)
			memcpy(out + room, data, n);
	} else {
		o = comp_deflate(z, data, n, done ? Z_FINISH : Z_SYNC_FLUSH, out, room,
				 outlen - 8);
	}
	free(pay);
	if (o < 0)
		return -1;
	if (o == (long)room) {
		o = 0;	/* nothing to send yet */
	} else {
		/* the chunk head goes right before the data */
		hl = snprintf(head, sizeof(head), "%lx\r\n", (unsigned long)(o - (long)room));
		memmove(out + hl, out + room, (size_t)o - room);
		memcpy(out, head, (size_t)hl);
		o = o - (long)room + hl;
		memcpy(out + o, "\r\n", 2);
		o += 2;
	}
	if (done) {
		memcpy(out + o, "0\r\n\r\n", 5);
		o += 5;
		z->finished = 1;
	}
	return o;
}
