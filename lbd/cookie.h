/*
 * cookie.h - HAProxy's cookie persistence: "cookie <name> [rewrite|insert|
 * prefix] [indirect] [nocache] [postonly] [preserve] [httponly] [secure]
 * [domain <d>] [attr <a>]" in a backend and "cookie <value>" on servers.
 * A request carrying a known server's cookie goes to that server (a down
 * one only with "option persist"); responses get the cookie that brings
 * the client back. The result is logged in %tsc's last two characters.
 */
#ifndef LBD_COOKIE_H
#define LBD_COOKIE_H

struct cfg_ctx;
struct hmsg;
struct session;
struct ck_conf;

/* "cookie ..." in a backend or defaults (argv[0] = "cookie"). 0 or -1. */
int ck_cfg(struct cfg_ctx *ctx, int argc, char **argv);

/* A copy for a proxy inheriting from defaults; NULL on ENOMEM. */
struct ck_conf *ck_conf_dup(const struct ck_conf *c);
void ck_conf_free(struct ck_conf *c);

/*
 * The request head h, for s's backend: find the persistence cookie, set
 * s->t->ck_srv to its server when it may be used, strip what must not
 * reach the server (indirect insert, prefix). 0, or -1 when a rewrite
 * failed.
 */
int ck_request(struct session *s, struct hmsg *h);

/* The response head h: insert, rewrite or prefix the server's cookie as
 * the mode says. 0, or -1 when a rewrite failed. */
int ck_response(struct session *s, struct hmsg *h);

#endif
