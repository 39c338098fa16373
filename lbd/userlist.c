/*
 * userlist.c - userlists and Basic authentication (see userlist.h).
 * Hashed passwords are checked with crypt_r(3) on the thread of the
 * request: a SHA-512 hash costs a few milliseconds, as in HAProxy.
 */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "proxy.h"
#include "userlist.h"

#define UL_MAX_GROUPS	32

struct ul_user {
	struct ul_user *next;
	char *name;
	char *pass;
	int hashed;			/* "password" (crypt) vs "insecure-password" */
	unsigned groups;		/* bit i: the list's group i */
	char *group_names;		/* "groups a,b" until resolved */
};

struct userlist {
	struct userlist *next;
	char *name;
	struct ul_user *users;
	char *group[UL_MAX_GROUPS];
	char *group_users[UL_MAX_GROUPS];	/* "group g users a,b" */
	unsigned ngroups;
};

static void ul_free(struct userlist *l)
{
	while (l->users) {
		struct ul_user *u = l->users;

		l->users = u->next;
		free(u->name);
		free(u->pass);
		free(u->group_names);
		free(u);
	}
	for (unsigned i = 0; i < l->ngroups; i++) {
		free(l->group[i]);
		free(l->group_users[i]);
	}
	free(l->name);
	free(l);
}

void ul_free_all(struct userlist *list)
{
	while (list) {
		struct userlist *n = list->next;

		ul_free(list);
		list = n;
	}
}

struct userlist *ul_find(const struct lbd_conf *conf, const char *name)
{
	for (struct userlist *l = conf->userlists; l; l = l->next)
		if (!strcmp(l->name, name))
			return l;
	return NULL;
}

int ul_open(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct userlist *l;

	ctx->ul = NULL;
	if (argc != 2) {
		cfg_err(ctx, "'userlist' expects a name.");
		return 0;
	}
	if (ul_find(ctx->conf, argv[1])) {
		cfg_err(ctx, "userlist '%s' is declared twice.", argv[1]);
		return 0;
	}
	l = calloc(1, sizeof(*l));
	if (!l || !(l->name = strdup(argv[1]))) {
		free(l);
		return -1;
	}
	l->next = ctx->conf->userlists;
	ctx->conf->userlists = l;
	ctx->ul = l;
	return 0;
}

static int ul_group_index(const struct userlist *l, const char *g, size_t n)
{
	for (unsigned i = 0; i < l->ngroups; i++)
		if (strlen(l->group[i]) == n && !strncmp(l->group[i], g, n))
			return (int)i;
	return -1;
}

/* "a,b,c": set the bits of each group in *bits; 0 or -1 (unknown). */
static int ul_group_bits(const struct userlist *l, const char *list, unsigned *bits,
			 const char **bad)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		int i = ul_group_index(l, p, n);

		if (i < 0) {
			*bad = p;
			return -1;
		}
		*bits |= 1u << i;
		p += n + (p[n] == ',');
	}
	return 0;
}

int ul_cfg(struct cfg_ctx *ctx, int argc, char **argv)
{
	struct userlist *l = ctx->ul;

	if (!l)
		return 0;
	if (!strcmp(argv[0], "group")) {
		if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "users"))) {
			cfg_err(ctx, "'group' expects a name and optionally 'users <list>'.");
			return 0;
		}
		if (l->ngroups == UL_MAX_GROUPS) {
			cfg_err(ctx, "userlist '%s': at most %d groups.", l->name, UL_MAX_GROUPS);
			return 0;
		}
		if (!(l->group[l->ngroups] = strdup(argv[1])) ||
		    (argc == 4 && !(l->group_users[l->ngroups] = strdup(argv[3]))))
			return -1;
		l->ngroups++;
		return 0;
	}
	if (!strcmp(argv[0], "user")) {
		struct ul_user *u;

		if (argc < 2) {
			cfg_err(ctx, "'user' expects a name.");
			return 0;
		}
		u = calloc(1, sizeof(*u));
		if (!u || !(u->name = strdup(argv[1]))) {
			free(u);
			return -1;
		}
		u->next = l->users;
		l->users = u;
		for (int i = 2; i < argc; i++) {
			if (i + 1 >= argc) {
				cfg_err(ctx, "'user %s': '%s' expects a value.", argv[1], argv[i]);
				return 0;
			}
			if (!strcmp(argv[i], "password") || !strcmp(argv[i], "insecure-password")) {
				u->hashed = argv[i][0] == 'p';
				free(u->pass);
				if (!(u->pass = strdup(argv[++i])))
					return -1;
			} else if (!strcmp(argv[i], "groups")) {
				free(u->group_names);
				if (!(u->group_names = strdup(argv[++i])))
					return -1;
			} else {
				cfg_err(ctx, "'user %s': unknown option '%s'.", argv[1], argv[i]);
				return 0;
			}
		}
		if (!u->pass)
			cfg_err(ctx, "'user %s' needs 'password' or 'insecure-password'.", argv[1]);
		return 0;
	}
	cfg_err(ctx, "unknown keyword '%s' in 'userlist' section", argv[0]);
	return 0;
}

/* groups named by users and by groups, once the section is read */
int ul_resolve(struct cfg_ctx *ctx)
{
	for (struct userlist *l = ctx->conf->userlists; l; l = l->next) {
		const char *bad = NULL;

		for (struct ul_user *u = l->users; u; u = u->next)
			if (u->group_names && ul_group_bits(l, u->group_names, &u->groups, &bad) < 0) {
				cfg_alert_global(ctx, "userlist '%s': user '%s' names an "
						 "unknown group ('%.*s').", l->name, u->name,
						 (int)strcspn(bad, ","), bad);
				return -1;
			}
		for (unsigned g = 0; g < l->ngroups; g++)
			for (const char *p = l->group_users[g]; p && *p;) {
				size_t n = strcspn(p, ",");
				struct ul_user *u = l->users;

				while (u && (strlen(u->name) != n || strncmp(u->name, p, n)))
					u = u->next;
				if (!u) {
					cfg_alert_global(ctx, "userlist '%s': group '%s' names an "
							 "unknown user ('%.*s').", l->name,
							 l->group[g], (int)n, p);
					return -1;
				}
				u->groups |= 1u << g;
				p += n + (p[n] == ',');
			}
	}
	return 0;
}

int ul_basic_decode(const char *value, size_t len, char *out, size_t cap)
{
	unsigned v = 0;
	int bits = 0;
	size_t n = 0, i = 6;

	if (len < 6 || strncasecmp(value, "Basic ", 6) != 0 || !cap)
		return -1;
	while (i < len && value[i] == ' ')
		i++;
	for (; i < len; i++) {
		char c = value[i];
		int d;

		if (c >= 'A' && c <= 'Z') d = c - 'A';
		else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
		else if (c >= '0' && c <= '9') d = c - '0' + 52;
		else if (c == '+') d = 62;
		else if (c == '/') d = 63;
		else if (c == '=') break;
		else return -1;
		v = (v << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= cap)
				return -1;
			out[n++] = (char)((v >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	return (int)n;
}

/* equal without an early exit on the first difference */
static int ul_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned d = (unsigned)(la ^ lb);

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned)(a[i] ^ b[i]);
	return d == 0;
}

int ul_check(const struct userlist *l, const char *cred, const struct ul_user **user)
{
	const char *colon = strchr(cred, ':');
	size_t n;

	if (!colon)
		return 0;
	n = (size_t)(colon - cred);
	for (const struct ul_user *u = l->users; u; u = u->next) {
		if (strlen(u->name) != n || strncmp(u->name, cred, n) || !u->pass)
			continue;
		if (u->hashed) {
			struct crypt_data cd;
			const char *h;

			memset(&cd, 0, sizeof(cd));
			h = crypt_r(colon + 1, u->pass, &cd);
			if (!h || h[0] == '*' || !ul_same(h, u->pass))
				return 0;
		} else if (!ul_same(colon + 1, u->pass)) {
			return 0;
		}
		*user = u;
		return 1;
	}
	return 0;
}

const char *ul_user_group(const struct userlist *l, const struct ul_user *u, unsigned i)
{
	for (unsigned g = 0, k = 0; g < l->ngroups; g++)
		if (u->groups & (1u << g)) {
			if (k++ == i)
				return l->group[g];
		}
	return NULL;
}

const char *ul_user_name(const struct ul_user *u)
{
	return u->name;
}
