/*
 * capture.c - request and response captures for the logs (see capture.h).
 * A transaction's captures live in one block sized at configuration time,
 * allocated on its first capture: no cost for frontends without any.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture.h"
#include "cfg.h"
#include "hmsg.h"
#include "http1.h"
#include "logfmt.h"
#include "proxy.h"
#include "session.h"

static struct cap_conf *cap_get(struct proxy *px)
{
	if (!px->caps)
		px->caps = calloc(1, sizeof(*px->caps));
	return px->caps;
}

static int cap_len(struct cfg_ctx *ctx, const char *kw, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*end || n < 1 || n > CAP_MAX_LEN) {
		cfg_err(ctx, "'%s': len '%s' out of range (1 to %d).", kw, v, CAP_MAX_LEN);
		return -1;
	}
	return (int)n;
}

/* A new slot; its index or -1 (reported, or no memory). */
static int cap_add(struct cfg_ctx *ctx, int res, const char *hdr, unsigned len)
{
	struct cap_conf *c = cap_get(ctx->cur);
	struct cap_slot *s;

	if (!c)
		return -2;
	if (c->n[res] == CAP_MAX_SLOTS) {
		cfg_err(ctx, "too many %s captures (at most %d).", res ? "response" :
			"request", CAP_MAX_SLOTS);
		return -1;
	}
	s = &c->slot[res][c->n[res]];
	s->hdr = hdr ? strdup(hdr) : NULL;
	if (hdr && !s->hdr)
		return -2;
	s->len = len;
	s->off = c->size;
	c->size += len + 1;
	return (int)c->n[res]++;
}

int cap_cfg(struct cfg_ctx *ctx, int argc, char **argv)
{
	int res, len, rc;

	if (strcmp(argv[0], "capture") == 0) {
		/* capture request|response header <name> len <n> */
		if (argc != 6 || (strcmp(argv[1], "request") && strcmp(argv[1], "response")) ||
		    strcmp(argv[2], "header") || strcmp(argv[4], "len")) {
			if (argc > 1 && strcmp(argv[1], "cookie") == 0)
				cfg_err(ctx, "'capture cookie' is not supported yet.");
			else
				cfg_err(ctx, "'capture' expects 'request|response header "
					"<name> len <length>'.");
			return 0;
		}
		res = argv[1][2] == 's';
		if ((len = cap_len(ctx, "capture", argv[5])) < 0)
			return 0;
		rc = cap_add(ctx, res, argv[3], (unsigned)len);
		return rc == -2 ? -1 : 0;
	}
	/* declare capture request|response len <n> */
	if (argc != 5 || strcmp(argv[1], "capture") ||
	    (strcmp(argv[2], "request") && strcmp(argv[2], "response")) ||
	    strcmp(argv[3], "len")) {
		cfg_err(ctx, "'declare' expects 'capture request|response len <length>'.");
		return 0;
	}
	if ((len = cap_len(ctx, "declare capture", argv[4])) < 0)
		return 0;
	rc = cap_add(ctx, argv[2][2] == 's', NULL, (unsigned)len);
	return rc == -2 ? -1 : 0;
}

int cap_cfg_rule_slot(struct cfg_ctx *ctx, int res, const char *how, const char *val)
{
	int n;

	if (strcmp(how, "len") == 0) {
		if (res) {
			cfg_err(ctx, "'http-response capture' takes 'id <n>' of a "
				"'declare capture response'.");
			return -1;
		}
		if ((n = cap_len(ctx, "http-request capture", val)) < 0)
			return -1;
		n = cap_add(ctx, 0, NULL, (unsigned)n);
		return n == -2 ? -1 : n;
	}
	if (strcmp(how, "id") == 0) {
		char *end;
		long id = strtol(val, &end, 10);
		struct cap_conf *c = ctx->cur->caps;

		if (*end || id < 0 || !c || (unsigned long)id >= c->n[res]) {
			cfg_err(ctx, "'%s capture': no %s capture slot with id '%s'.",
				res ? "http-response" : "http-request",
				res ? "response" : "request", val);
			return -1;
		}
		return (int)id;
	}
	cfg_err(ctx, "'%s capture' expects 'len <n>' or 'id <n>'.",
		res ? "http-response" : "http-request");
	return -1;
}

void cap_conf_free(struct cap_conf *c)
{
	if (!c)
		return;
	for (int d = 0; d < 2; d++)
		for (unsigned i = 0; i < c->n[d]; i++)
			free(c->slot[d][i].hdr);
	free(c);
}

void cap_store(struct session *s, int res, unsigned slot, const char *v, size_t n)
{
	const struct cap_conf *c = s->fe->caps;
	const struct cap_slot *sl;

	if (!c || slot >= c->n[res] || !s->t)
		return;
	sl = &c->slot[res][slot];
	if (!s->t->caps && !(s->t->caps = calloc(1, c->size)))
		return;
	if (n > sl->len)
		n = sl->len;
	memcpy(s->t->caps + sl->off, v, n);
	s->t->caps[sl->off + n] = '\0';
	s->t->cap_set[res] |= 1u << slot;
}

void cap_headers(struct session *s, const struct hmsg *h, int res)
{
	const struct cap_conf *c = s->fe->caps;

	for (unsigned i = 0; c && i < c->n[res]; i++) {
		const struct cap_slot *sl = &c->slot[res][i];
		const struct http1_hdr *hd, *last = NULL;
		size_t pos = 0, nl;

		if (!sl->hdr)
			continue;
		nl = strlen(sl->hdr);
		/* the last occurrence, as HAProxy keeps it */
		while ((hd = hmsg_find(h, sl->hdr, nl, &pos)) != NULL)
			last = hd;
		if (last)
			cap_store(s, res, i, last->value, last->value_len);
	}
}

const char *cap_value(const struct session *s, int res, unsigned slot)
{
	const struct cap_conf *c = s->fe->caps;

	if (!c || slot >= c->n[res] || !s->t || !s->t->caps ||
	    !(s->t->cap_set[res] & (1u << slot)))
		return NULL;
	return s->t->caps + c->slot[res][slot].off;
}

const char *cap_log(const struct session *s, int res, char *buf, size_t len)
{
	const struct cap_conf *c = s->fe->caps;
	const char *vals[CAP_MAX_SLOTS];
	size_t lens[CAP_MAX_SLOTS];

	if (!c || !c->n[res])
		return NULL;
	for (unsigned i = 0; i < c->n[res]; i++) {
		int set = s->t && s->t->caps && (s->t->cap_set[res] & (1u << i));

		vals[i] = set ? s->t->caps + c->slot[res][i].off : NULL;
		lens[i] = set ? strlen(vals[i]) : 0;
	}
	logfmt_capture_join(vals, lens, c->n[res], buf, len);
	return buf;
}

void cap_txn_free(char *block)
{
	free(block);
}
