/*
 * cfg.h - loading HAProxy-language configuration files into a struct
 * lbd_conf. Errors and warnings go to stderr as
 *   [ALERT]    (pid) : config : parsing [file:line] : message
 * parsing continues after an error so that every error is reported.
 */
#ifndef LBD_CFG_H
#define LBD_CFG_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

struct lbd_conf;
struct sbuf;
struct proxy;
struct userlist;

/* Where and what is being parsed; passed to every keyword handler. */
struct cfg_ctx {
	const char *file;
	int line;
	struct lbd_conf *conf;
	unsigned section;		/* CFG_SEC_* */
	struct proxy *cur;		/* proxy of the current section */
	struct proxy *last_def;		/* defaults for proxies declared next */
	int nerr, nwarn;
	int quiet;			/* -q: no warnings printed */
	struct sbuf *capture;		/* messages go here instead (runtime API) */
	struct userlist *ul;		/* the userlist section being read */
};

enum {
	CFG_SEC_GLOBAL = 1u << 8,	/* proxies use PR_CAP_* below this */
	CFG_SEC_NONE   = 1u << 9,
	CFG_SEC_USERLIST = 1u << 10,
};

/* One keyword of a table: what it applies to and how it is parsed. */
struct cfg_kw {
	const char *name;
	unsigned where;			/* CFG_SEC_GLOBAL or PR_CAP_* mask */
	int (*parse)(struct cfg_ctx *ctx, const struct cfg_kw *kw,
		     int argc, char **argv);
	size_t off;			/* field offset for generic setters */
	int64_t min, max;		/* bounds for integer setters */
	const char *note;		/* for unsupported keywords: why / which issue */
};

/*
 * Load and validate a configuration from files and directories (a
 * directory loads its *.cfg files in name order). Returns the
 * configuration, or NULL when any error was found (all were printed).
 * *nwarn receives the warning count.
 */
struct lbd_conf *cfg_load(char *const *paths, int npaths, int quiet, int *nwarn);

void cfg_err(struct cfg_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cfg_warn(struct cfg_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Messages without a file position (validation after parsing). */
void cfg_alert_global(struct cfg_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cfg_warn_global(struct cfg_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Keyword dispatch for each section kind (cfg_kw.c). Return 0 when handled
 * (even with an error reported), -1 when the keyword is unknown. */
int cfg_kw_global(struct cfg_ctx *ctx, int argc, char **argv);
int cfg_kw_proxy(struct cfg_ctx *ctx, int argc, char **argv);

/* Server and bind lines (cfg_srv.c). */
int cfg_parse_server(struct cfg_ctx *ctx, int argc, char **argv, int is_default);
int cfg_parse_bind(struct cfg_ctx *ctx, int argc, char **argv);

/* Whether server and bind names may be resolved (at start-up, never at run
 * time). The config fuzzer turns it off so that no input causes DNS. */
extern int cfg_resolve_names;

/* Parse "addr:port" (literal or resolved at start-up); port_required says
 * whether a missing port is an error. 0 or -1 with message in err. */
int cfg_parse_addr(const char *text, void *ss, unsigned *sslen,
		   int port_required, int *has_port, char *err, size_t errlen);

/* Errorfile loading shared by defaults inheritance: builtin pages. */
int cfg_errorfile_load(struct proxy *px, int status, const char *path,
		       char *err, size_t errlen);

/* Print every keyword with its section and status, one per line
 * ("section<TAB>keyword<TAB>supported|not-supported-yet|refused"). */
void cfg_kw_dump(FILE *out);
void cfg_srv_kw_dump(FILE *out);

/* Build a server's TLS context (ssl-default-server-* first); a server
 * with TLS options but no "ssl" (or "no-ssl") loses them. 0, or -1 with a
 * message in err. Also used by "add server". */
struct global;
struct server;
int cfg_server_tls(const struct global *g, struct server *s, char *err, size_t errlen);

/* Validate cross references and fill runtime fields after all files. */
int cfg_postparse(struct cfg_ctx *ctx);

#endif
