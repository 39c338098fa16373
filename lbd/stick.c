/*
 * stick.c - stick match/on/store-request and use-server (see stick.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "cfg.h"
#include "proxy.h"
#include "sample.h"
#include "session.h"
#include "stick.h"
#include "stktable.h"

enum stick_kind { STICK_MATCH = 1, STICK_STORE = 2, STICK_ON = 3, STICK_USE_SERVER = 4 };

struct stick_rule {
	struct stick_rule *next;
	enum stick_kind kind;
	struct smp_expr *key;
	char *name;			/* table (stick) or server (use-server) */
	struct stktable *table;
	struct server *srv;
	struct acl_cond *cond;
};

void stick_free_all(struct stick_rule *list)
{
	while (list) {
		struct stick_rule *n = list->next;

		smp_expr_free(list->key);
		free(list->name);
		acl_cond_free(list->cond);
		free(list);
		list = n;
	}
}

static int stick_cond_at(int argc, char **argv, int start)
{
	for (int i = start; i < argc; i++)
		if (!strcmp(argv[i], "if") || !strcmp(argv[i], "unless"))
			return i;
	return argc;
}

int stick_cfg(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct stick_rule *r, **pp;
	char err[256];
	int first, c;

	if (ctx->cur->cap == PR_CAP_DEF) {
		cfg_err(ctx, "'%s' is not allowed in a 'defaults' section.", argv[0]);
		return 0;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return -1;
	if (!strcmp(argv[0], "use-server")) {
		r->kind = STICK_USE_SERVER;
		first = 1;
		if (argc < 2) {
			cfg_err(ctx, "'use-server' expects a server name.");
			goto drop;
		}
		if (!(r->name = strdup(argv[1])))
			goto nomem;
		c = stick_cond_at(argc, argv, 2);
		if (c != 2) {
			cfg_err(ctx, "'use-server %s': unexpected '%s'.", argv[1], argv[2]);
			goto drop;
		}
	} else {
		static const struct { const char *w; enum stick_kind k; } kinds[] = {
			{ "match", STICK_MATCH }, { "on", STICK_ON },
			{ "store-request", STICK_STORE },
		};

		for (size_t k = 0; argc > 1 && k < 3; k++)
			if (!strcmp(argv[1], kinds[k].w))
				r->kind = kinds[k].k;
		if (!r->kind) {
			cfg_err(ctx, argc > 1 && !strcmp(argv[1], "store-response") ?
				"'stick store-response' is not supported yet." :
				"'stick' expects 'match', 'on' or 'store-request' and a sample.");
			goto drop;
		}
		if (argc < 3) {
			cfg_err(ctx, "'stick %s' expects a sample.", argv[1]);
			goto drop;
		}
		r->key = smp_expr_parse(argv[2], 0, NULL, err, sizeof(err));
		if (!r->key) {
			cfg_err(ctx, "'stick %s': %s.", argv[1], err);
			goto drop;
		}
		if (smp_expr_use(r->key) & SMP_USE_RES) {
			cfg_err(ctx, "'stick %s': the sample uses a response fetch.", argv[1]);
			goto drop;
		}
		first = 3;
		c = stick_cond_at(argc, argv, 3);
		if (c == 5 && !strcmp(argv[3], "table")) {
			if (!(r->name = strdup(argv[4])))
				goto nomem;
		} else if (c != 3) {
			cfg_err(ctx, "'stick %s': expected '[table <name>] [if|unless "
				"<condition>]'.", argv[1]);
			goto drop;
		}
	}
	(void)first;
	if (c < argc) {
		r->cond = acl_cond_parse(ctx->cur, argc - c, argv + c, err, sizeof(err));
		if (!r->cond) {
			cfg_err(ctx, "'%s': %s.", argv[0], err);
			goto drop;
		}
		if (acl_cond_use(r->cond) & SMP_USE_RES) {
			cfg_err(ctx, "'%s': the condition uses response fetches.", argv[0]);
			goto drop;
		}
	}
	for (pp = &ctx->cur->stick_rules; *pp; pp = &(*pp)->next)
		;
	*pp = r;
	return 0;
nomem:
	stick_free_all(r);
	return -1;
drop:
	stick_free_all(r);
	return 0;
}

int stick_resolve(struct cfg_ctx *ctx, struct proxy *be, struct lbd_conf *conf)
{
	char err[256];

	for (struct stick_rule *r = be->stick_rules; r; r = r->next) {
		if (acl_cond_resolve(r->cond, conf, err, sizeof(err)) < 0)
			goto fail;
		if (r->kind == STICK_USE_SERVER) {
			r->srv = proxy_find_server(be, r->name);
			if (!r->srv) {
				snprintf(err, sizeof(err), "'use-server': no server '%s'", r->name);
				goto fail;
			}
			continue;
		}
		if (smp_expr_resolve(r->key, conf, err, sizeof(err)) < 0)
			goto fail;
		r->table = stkt_of(r->name ? proxy_find(conf, r->name, PR_CAP_FE | PR_CAP_BE) : be);
		if (!r->table) {
			snprintf(err, sizeof(err), "'stick': '%s' has no stick-table",
				 r->name ? r->name : be->id);
			goto fail;
		}
		stkt_store_server_id(r->table, be);
	}
	return 0;
fail:
	cfg_alert_global(ctx, "backend '%s': %s.", be->id, err);
	return -1;
}

static int stick_usable(const struct proxy *be, const struct server *srv)
{
	return srv->state == SRV_ST_UP || srv->state == SRV_ST_DRAIN ||
	       (be->options & PR_O_PERSIST);
}

void stick_match(struct proxy *be, struct smp_ctx *c)
{
	struct txn *t = c->s->t;

	for (const struct stick_rule *r = be->stick_rules; r && !t->force_srv; r = r->next) {
		struct smp v = { 0 };
		int64_t id;

		if (!(r->kind & STICK_MATCH) && r->kind != STICK_USE_SERVER)
			continue;
		if (!acl_cond_exec(r->cond, c))
			continue;
		if (r->kind == STICK_USE_SERVER) {
			if (stick_usable(be, r->srv))
				t->force_srv = r->srv;
			continue;
		}
		if (!smp_expr_eval(r->key, c, &v) ||
		    !stkt_lookup_get(r->table, &v, STKT_SERVER_ID, &id))
			continue;
		for (struct server *srv = be->servers; srv; srv = srv->next)
			if ((int64_t)srv->puid == id && stick_usable(be, srv)) {
				t->force_srv = srv;
				break;
			}
	}
}

void stick_prepare(struct proxy *be, struct smp_ctx *c)
{
	struct txn *t = c->s->t;

	t->nstick = 0;
	for (const struct stick_rule *r = be->stick_rules; r; r = r->next) {
		struct stick_key *k = &t->stick[t->nstick];

		if (t->nstick == STICK_MAX_STORE)
			break;
		if (!(r->kind & STICK_STORE) || r->kind == STICK_USE_SERVER ||
		    !acl_cond_exec(r->cond, c) || !smp_expr_eval(r->key, c, &k->key))
			continue;
		/* the request head goes before the server is known: keep a copy */
		if (k->key.type == SMP_T_STR) {
			size_t n = k->key.len < sizeof(k->buf) ? k->key.len : sizeof(k->buf);

			memcpy(k->buf, k->key.str, n);
			k->key.str = k->buf;
			k->key.len = n;
		}
		k->table = r->table;
		t->nstick++;
	}
}

void stick_store(struct session *s)
{
	struct txn *t = s->t;

	for (unsigned i = 0; t->srv && i < t->nstick; i++)
		stkt_set_server_id(t->stick[i].table, &t->stick[i].key, t->srv->puid);
	t->nstick = 0;
}
