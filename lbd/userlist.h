/*
 * userlist.h - "userlist" sections (users with crypt(3) or clear-text
 * passwords, and groups) and HTTP Basic authentication against them:
 * the http_auth() and http_auth_group() fetches, "http-request auth".
 */
#ifndef LBD_USERLIST_H
#define LBD_USERLIST_H

#include <stddef.h>

struct cfg_ctx;
struct lbd_conf;
struct userlist;

/* "userlist <name>" opens a section; its lines come to ul_cfg. */
int ul_open(struct cfg_ctx *ctx, int argc, char **argv);
int ul_cfg(struct cfg_ctx *ctx, int argc, char **argv);

/* The userlist of that name, or NULL. */
struct userlist *ul_find(const struct lbd_conf *conf, const char *name);

/* Resolve the groups of every userlist (end of loading); 0 or -1. */
int ul_resolve(struct cfg_ctx *ctx);

/* Free every userlist of conf. */
void ul_free_all(struct userlist *list);

/*
 * Decode "Basic <base64>" credentials into out as "user:password"
 * (NUL-terminated); returns the length or -1 (not Basic, invalid,
 * too long).
 */
int ul_basic_decode(const char *value, size_t len, char *out, size_t cap);

/*
 * Check "user:password" credentials against a userlist: 1 when valid,
 * with *user set to the user (for its groups), else 0.
 */
struct ul_user;
int ul_check(const struct userlist *l, const char *cred, const struct ul_user **user);

/* The user's name. */
const char *ul_user_name(const struct ul_user *u);

/* Whether the user belongs to the group; the i-th group's name or NULL. */
const char *ul_user_group(const struct userlist *l, const struct ul_user *u, unsigned i);

#endif
