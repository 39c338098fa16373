/*
 * tcp_rules.c - tcp-request connection / content rules (see tcp_rules.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "cfg.h"
#include "cfg_lex.h"
#include "proxy.h"
#include "sample.h"
#include "session.h"
#include "stktable.h"
#include "tcp_rules.h"

enum trule_act { TR_ACCEPT, TR_REJECT, TR_TRACK, TR_CLOSE };

struct trule {
	struct trule *next;
	enum trule_act act;
	int sc;
	struct smp_expr *key;
	char *table_name;
	struct proxy *owner;
	struct stktable *table;
	struct acl_cond *cond;
};

void trule_free_all(struct trule *list)
{
	while (list) {
		struct trule *n = list->next;

		acl_cond_free(list->cond);
		smp_expr_free(list->key);
		free(list->table_name);
		free(list);
		list = n;
	}
}

static int trule_cond_at(int argc, char **argv, int start)
{
	for (int i = start; i < argc; i++)
		if (strcmp(argv[i], "if") == 0 || strcmp(argv[i], "unless") == 0)
			return i;
	return argc;
}

/* the action words argv[0..argc) after "tcp-request <where>" */
static int trule_parse_action(struct cfg_ctx *ctx, struct trule *r, int argc, char **argv,
			      const char *where)
{
	char err[256];

	if (!strcmp(argv[0], "accept") || !strcmp(argv[0], "reject") ||
	    (!strcmp(where, "response") && !strcmp(argv[0], "close"))) {
		r->act = argv[0][0] == 'a' ? TR_ACCEPT : argv[0][0] == 'r' ? TR_REJECT : TR_CLOSE;
		if (argc != 1) {
			cfg_err(ctx, "'tcp-request %s %s' takes no argument.", where, argv[0]);
			return -1;
		}
		return 0;
	}
	if (!strcmp(where, "response")) {
		cfg_err(ctx, "'tcp-response content %s' is not supported yet (accept, reject "
			"and close are).", argv[0]);
		return -1;
	}
	if (!strncmp(argv[0], "track-sc", 8) && argv[0][8] >= '0' && argv[0][8] <= '2' &&
	    !argv[0][9]) {
		r->act = TR_TRACK;
		r->sc = argv[0][8] - '0';
		if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "table"))) {
			cfg_err(ctx, "'tcp-request %s %s' expects '<key> [table <name>]'.",
				where, argv[0]);
			return -1;
		}
		r->key = smp_expr_parse(argv[1], 0, NULL, err, sizeof(err));
		if (!r->key) {
			cfg_err(ctx, "'tcp-request %s %s': %s.", where, argv[0], err);
			return -1;
		}
		if (argc == 4 && !(r->table_name = strdup(argv[3])))
			return -1;
		return 0;
	}
	if (!strcmp(argv[0], "expect-proxy") || !strcmp(argv[0], "expect-netscaler-cip") ||
	    !strcmp(argv[0], "silent-drop") || !strncmp(argv[0], "set-", 4) ||
	    !strncmp(argv[0], "sc-", 3) || !strcmp(argv[0], "capture") ||
	    !strcmp(argv[0], "do-resolve") || !strcmp(argv[0], "switch-mode") ||
	    !strcmp(argv[0], "use-service") || !strcmp(argv[0], "unset-var") ||
	    !strcmp(argv[0], "send-spoe-group") || !strcmp(argv[0], "lua"))
		cfg_err(ctx, "'tcp-request %s %s' is not supported yet.", where, argv[0]);
	else
		cfg_err(ctx, "'tcp-request %s': unknown action '%s'.", where, argv[0]);
	return -1;
}

/* tcp-response content accept|reject|close [if|unless <cond>] */
static int trule_cfg_response(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct trule *r, **pp;
	char err[256];
	int c;

	if (argc < 3 || strcmp(argv[1], "content")) {
		cfg_err(ctx, argc > 1 && !strcmp(argv[1], "inspect-delay") ?
			"'tcp-response inspect-delay' is not supported yet." :
			"'tcp-response' expects 'content' and an action.");
		return 0;
	}
	if (!(ctx->cur->cap & PR_CAP_BE) || ctx->cur->cap == PR_CAP_DEF) {
		cfg_err(ctx, "'tcp-response' rules are for backends and listens.");
		return 0;
	}
	if (!(r = calloc(1, sizeof(*r))))
		return -1;
	r->owner = ctx->cur;
	c = trule_cond_at(argc, argv, 3);
	if (trule_parse_action(ctx, r, c - 2, argv + 2, "response") < 0)
		goto drop;
	if (c < argc && !(r->cond = acl_cond_parse(ctx->cur, argc - c, argv + c, err,
						   sizeof(err)))) {
		cfg_err(ctx, "'tcp-response content %s': %s.", argv[2], err);
		goto drop;
	}
	for (pp = &ctx->cur->tcp_res; *pp; pp = &(*pp)->next)
		;
	*pp = r;
	return 0;
drop:
	trule_free_all(r);
	return 0;
}

int trule_cfg(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct trule *r, **pp;
	int content, c;
	char err[256];

	if (!strcmp(argv[0], "tcp-response"))
		return trule_cfg_response(ctx, argc, argv);

	if (argc > 1 && !strcmp(argv[1], "inspect-delay")) {
		/* mode tcp: how long the content rules may wait for the client's
		 * first bytes (a whole TLS ClientHello for req.ssl_sni) */
		if (argc != 3 || cfg_parse_time_ms(argv[2], &ctx->cur->to.inspect, err,
						   sizeof(err)) < 0)
			cfg_err(ctx, "'tcp-request inspect-delay' expects <time>%s%s.",
				argc == 3 ? ": " : "", argc == 3 ? err : "");
		return 0;
	}
	if (argc < 3 || (strcmp(argv[1], "connection") && strcmp(argv[1], "content"))) {
		if (argc > 1 && !strcmp(argv[1], "session"))
			cfg_err(ctx, "'tcp-request %s' is not supported yet.", argv[1]);
		else
			cfg_err(ctx, "'tcp-request' expects 'connection' or 'content' and "
				"an action.");
		return 0;
	}
	if (ctx->cur->cap == PR_CAP_DEF) {
		cfg_err(ctx, "'tcp-request' rules in a 'defaults' section are not "
			"supported yet.");
		return 0;
	}
	content = argv[1][1] == 'o' && argv[1][3] == 't';	/* "content" */
	if (!content && !(ctx->cur->cap & PR_CAP_FE)) {
		cfg_err(ctx, "'tcp-request connection' is only for frontends.");
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	r->owner = ctx->cur;
	c = trule_cond_at(argc, argv, 3);
	if (trule_parse_action(ctx, r, c - 2, argv + 2, argv[1]) < 0)
		goto drop;
	if (c < argc) {
		r->cond = acl_cond_parse(ctx->cur, argc - c, argv + c, err, sizeof(err));
		if (!r->cond) {
			cfg_err(ctx, "'tcp-request %s %s': %s.", argv[1], argv[2], err);
			goto drop;
		}
	}
	if (((r->cond ? acl_cond_use(r->cond) : 0) | (r->key ? smp_expr_use(r->key) : 0)) &
	    (content ? SMP_USE_RES : SMP_USE_REQ | SMP_USE_RES)) {
		cfg_err(ctx, "'tcp-request %s %s': uses fetches that need %s.", argv[1],
			argv[2], content ? "a response" : "the request's contents "
			"(use 'tcp-request content' or 'http-request')");
		goto drop;
	}
	for (pp = content ? &ctx->cur->tcp_content : &ctx->cur->tcp_conn; *pp;
	     pp = &(*pp)->next)
		;
	*pp = r;
	return 0;
drop:
	trule_free_all(r);
	return 0;
}

static int trule_resolve_list(struct trule *list, struct lbd_conf *conf, char *err,
			      size_t errlen)
{
	for (struct trule *r = list; r; r = r->next) {
		if (acl_cond_resolve(r->cond, conf, err, errlen) < 0)
			return -1;
		if (r->act != TR_TRACK)
			continue;
		if (smp_expr_resolve(r->key, conf, err, errlen) < 0)
			return -1;
		r->table = stkt_of(r->table_name ?
				   proxy_find(conf, r->table_name, PR_CAP_FE | PR_CAP_BE) :
				   r->owner);
		if (!r->table) {
			snprintf(err, errlen, "'track-sc%d': '%s' has no stick-table", r->sc,
				 r->table_name ? r->table_name : r->owner->id);
			return -1;
		}
	}
	return 0;
}

int trule_resolve(struct cfg_ctx *ctx, struct proxy *px, struct lbd_conf *conf)
{
	char err[256];

	if (trule_resolve_list(px->tcp_conn, conf, err, sizeof(err)) < 0 ||
	    trule_resolve_list(px->tcp_content, conf, err, sizeof(err)) < 0 ||
	    trule_resolve_list(px->tcp_res, conf, err, sizeof(err)) < 0) {
		cfg_alert_global(ctx, "proxy '%s': tcp-request: %s.", px->id, err);
		return -1;
	}
	return 0;
}

/* track-sc<n> into the session or the transaction; a counter already
 * tracked in either stays as it is */
static void trule_track(const struct trule *r, struct smp_ctx *c, int on_session)
{
	struct session *s = c->s;
	struct stkt_ref *ref;
	struct smp v = { 0 };

	if (sess_stk(s, r->sc)->e || (s->t && s->t->stk[r->sc].e))
		return;
	if (on_session || !s->t) {
		if (!sess_stk_get(s))
			return;
		ref = &s->stk[r->sc];
	} else {
		ref = &s->t->stk[r->sc];
	}
	if (!smp_expr_eval(r->key, c, &v) || !(ref->e = stkt_track(r->table, &v)))
		return;
	ref->t = r->table;
	stkt_count_conn(r->table, ref->e);
	if (!on_session && s->http)
		stkt_count_req(r->table, ref->e);
}

int trule_exec(const struct trule *list, struct smp_ctx *c, int on_session)
{
	for (const struct trule *r = list; r; r = r->next) {
		if (!acl_cond_exec(r->cond, c))
			continue;
		switch (r->act) {
		case TR_ACCEPT:
			return 1;
		case TR_REJECT:
			return 0;
		case TR_CLOSE:
			return 2;
		case TR_TRACK:
			trule_track(r, c, on_session);
			break;
		}
	}
	return 1;
}
