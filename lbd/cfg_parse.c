/*
 * cfg_parse.c - reading configuration files: lines, sections, proxies and
 * defaults inheritance, then validation of the whole (cfg_postparse).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "sbuf.h"
#include "cfg_lex.h"
#include "proxy.h"
#include "userlist.h"

#define CFG_MAX_FILES	256

static void cfg_vmsg(struct cfg_ctx *ctx, const char *label, int pos,
		     const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (ctx->capture) {
		sbuf_printf(ctx->capture, "%s\n", msg);
		return;
	}
	/* HAProxy's layout, so that existing log scrapers keep working */
	if (pos)
		fprintf(stderr, "%-10s (%d) : config : parsing [%s:%d] : %s\n",
			label, (int)getpid(), ctx->file, ctx->line, msg);
	else
		fprintf(stderr, "%-10s (%d) : config : %s\n", label,
			(int)getpid(), msg);
}

void cfg_err(struct cfg_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	ctx->nerr++;
	va_start(ap, fmt);
	cfg_vmsg(ctx, "[ALERT]", 1, fmt, ap);
	va_end(ap);
}

void cfg_warn(struct cfg_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	ctx->nwarn++;
	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	cfg_vmsg(ctx, "[WARNING]", 1, fmt, ap);
	va_end(ap);
}

void cfg_alert_global(struct cfg_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	ctx->nerr++;
	va_start(ap, fmt);
	cfg_vmsg(ctx, "[ALERT]", 0, fmt, ap);
	va_end(ap);
}

void cfg_warn_global(struct cfg_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	ctx->nwarn++;
	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	cfg_vmsg(ctx, "[WARNING]", 0, fmt, ap);
	va_end(ap);
}

static const char *cfg_getenv(const char *name, void *arg)
{
	(void)arg;
	return getenv(name);
}

static int cfg_feature(const char *name, void *arg)
{
	static const char *const features[] = { "OPENSSL", "ZLIB", "PCRE2",
		"PCRE2_JIT", "LINUX_SPLICE", "REUSEPORT", "THREAD", "LIBCRYPT",
		"TPROXY", NULL };
	(void)arg;
	for (int i = 0; features[i]; i++)
		if (strcmp(features[i], name) == 0)
			return 1;
	return 0;
}

static int cfg_enabled(const char *name, void *arg)
{
	static const char *const on[] = { "POLL", "EPOLL", "SPLICE",
		"GETADDRINFO", "REUSEPORT", "FAST-FORWARD", "SERVER-SSL-VERIFY-NONE", NULL };
	(void)arg;
	for (int i = 0; on[i]; i++)
		if (strcmp(on[i], name) == 0)
			return 1;
	return 0;
}

static const struct cfg_cond_ctx cfg_cond_env = {
	.version = "2.6.0",
	.feature = cfg_feature,
	.enabled = cfg_enabled,
	.getenv_fn = cfg_getenv,
};

/* Section keywords and what they open. */
struct cfg_section {
	const char *name;
	unsigned cap;			/* PR_CAP_* or CFG_SEC_GLOBAL */
	const char *note;		/* non-NULL: known but not supported yet */
};

static const struct cfg_section cfg_sections[] = {
	{ "global", CFG_SEC_GLOBAL, NULL },
	{ "defaults", PR_CAP_DEF, NULL },
	{ "frontend", PR_CAP_FE, NULL },
	{ "backend", PR_CAP_BE, NULL },
	{ "listen", PR_CAP_LISTEN, NULL },
	{ "userlist", CFG_SEC_USERLIST, NULL },
	{ "peers", 0, "peers (stick-table replication) are not supported yet" },
	{ "resolvers", 0, "run-time DNS resolution is not supported yet" },
	{ "mailers", 0, "mailers are not supported yet" },
	{ "program", 0, "program sections are not supported yet" },
	{ "http-errors", 0, "http-errors sections are not supported yet" },
	{ "ring", 0, "ring sections are not supported yet" },
	{ "cache", 0, "cache sections are not supported yet" },
	{ "fcgi-app", 0, "fcgi-app sections are not supported yet" },
	{ "crt-store", 0, "crt-store sections arrive with TLS support" },
	{ NULL, 0, NULL }
};

static const char *cfg_cap_name(unsigned cap)
{
	switch (cap) {
	case PR_CAP_DEF: return "defaults";
	case PR_CAP_FE: return "frontend";
	case PR_CAP_BE: return "backend";
	case PR_CAP_LISTEN: return "listen";
	default: return "global";
	}
}

static int cfg_valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("-_.:", *s)))
			return 0;
	return 1;
}

static struct proxy *cfg_find_defaults(struct cfg_ctx *ctx, const char *name)
{
	struct proxy *found = NULL;

	/* the last one with that name wins, as with HAProxy */
	for (struct proxy *d = ctx->conf->defaults; d; d = d->next)
		if (d->id && strcmp(d->id, name) == 0)
			found = d;
	return found;
}

static struct proxy *cfg_proxy_new(struct cfg_ctx *ctx, unsigned cap,
				   const char *name)
{
	struct proxy *px = calloc(1, sizeof(*px));

	if (!px)
		return NULL;
	px->cap = cap;
	px->id = strdup(name ? name : "");
	px->file = strdup(ctx->file);
	px->line = ctx->line;
	px->mode = PR_MODE_TCP;
	px->retries = 3;
	px->retry_on = PR_RETRY_CONN_FAILURE;
	px->redispatch_every = -1;
	px->reuse = PR_REUSE_SAFE;
	px->http_conn = PR_HTTP_KAL;
	px->lb.algo = LB_ROUNDROBIN;
	px->lb.draws = 2;
	if (!px->id || !px->file) {
		proxy_free(px);
		return NULL;
	}
	return px;
}

/* Open a new section. Returns 0, -1 on a fatal error. */
static int cfg_open_section(struct cfg_ctx *ctx, const struct cfg_section *sec,
			    int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;
	struct proxy *def = ctx->last_def, *px;

	ctx->cur = NULL;
	if (sec->note) {
		cfg_err(ctx, "'%s' section: %s.", sec->name, sec->note);
		ctx->section = CFG_SEC_NONE;
		return 0;
	}
	ctx->section = sec->cap;
	if (sec->cap == CFG_SEC_GLOBAL)
		return 0;
	if (sec->cap == CFG_SEC_USERLIST)
		return ul_open(ctx, argc, argv);
	if (name && strcmp(name, "from") == 0 && sec->cap == PR_CAP_DEF) {
		name = NULL;	/* "defaults from X" */
		argv++, argc--;
	}
	if (!name && sec->cap != PR_CAP_DEF) {
		cfg_err(ctx, "'%s' expects <name> as an argument.", sec->name);
		ctx->section = CFG_SEC_NONE;
		return 0;
	}
	if (name && !cfg_valid_name(name)) {
		cfg_err(ctx, "character '%c' is not permitted in '%s' name '%s'.",
			*name ? name[strcspn(name, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")] : ' ',
			sec->name, name);
		ctx->section = CFG_SEC_NONE;
		return 0;
	}
	if (argc > 3 && strcmp(argv[2], "from") == 0) {
		def = cfg_find_defaults(ctx, argv[3]);
		if (!def) {
			cfg_err(ctx, "%s '%s': defaults section '%s' not found for "
				"keyword 'from'.", sec->name, name, argv[3]);
			def = ctx->last_def;
		}
	} else if (argc > 2) {
		cfg_err(ctx, "unexpected argument '%s' after the %s name "
			"(expected 'from <defaults>').", argv[2], sec->name);
	}
	px = cfg_proxy_new(ctx, sec->cap, name);
	if (!px)
		return -1;
	if (def && proxy_inherit(px, def) < 0) {
		proxy_free(px);
		return -1;
	}
	if (sec->cap == PR_CAP_DEF) {
		px->next = ctx->conf->defaults;
		ctx->conf->defaults = px;
		ctx->last_def = px;
	} else {
		for (struct proxy *o = ctx->conf->proxies; o; o = o->next) {
			if (strcmp(o->id, px->id) == 0 && (o->cap & px->cap))
				cfg_err(ctx, "%s '%s' has the same name as %s '%s' "
					"declared at %s:%d.", sec->name, px->id,
					cfg_cap_name(o->cap), o->id, o->file, o->line);
		}
		/* append to keep declaration order */
		struct proxy **pp = &ctx->conf->proxies;
		while (*pp)
			pp = &(*pp)->next;
		*pp = px;
		px->uuid = ++ctx->conf->nproxies;
	}
	ctx->cur = px;
	return 0;
}

static int cfg_line(struct cfg_ctx *ctx, struct cfg_words *w)
{
	for (const struct cfg_section *s = cfg_sections; s->name; s++)
		if (strcmp(w->argv[0], s->name) == 0)
			return cfg_open_section(ctx, s, w->argc, w->argv);

	switch (ctx->section) {
	case CFG_SEC_NONE:
		return 0;	/* already reported when the section opened */
	case CFG_SEC_USERLIST:
		return ul_cfg(ctx, w->argc, w->argv);
	case CFG_SEC_GLOBAL:
		if (cfg_kw_global(ctx, w->argc, w->argv) < 0)
			cfg_err(ctx, "unknown keyword '%s' in 'global' section",
				w->argv[0]);
		return 0;
	default:
		if (!ctx->cur)
			return 0;
		if (cfg_kw_proxy(ctx, w->argc, w->argv) < 0)
			cfg_err(ctx, "unknown keyword '%s' in '%s' section",
				w->argv[0], cfg_cap_name(ctx->cur->cap));
		return 0;
	}
}

static int cfg_directive(struct cfg_ctx *ctx, struct cfg_cond *cond,
			 struct cfg_words *w)
{
	char msg[512];
	enum cfg_cond_action a = cfg_cond_line(cond, w, &cfg_cond_env,
					       msg, sizeof(msg));

	switch (a) {
	case CFG_COND_USE:
		return 1;
	case CFG_COND_SKIP:
	case CFG_COND_DIAG:
		return 0;
	case CFG_COND_NOTICE:
		if (!ctx->quiet)
			fprintf(stderr, "%-10s (%d) : config : parsing [%s:%d] : %s\n", "[NOTICE]",
				(int)getpid(), ctx->file, ctx->line, msg);
		return 0;
	case CFG_COND_WARNING:
		cfg_warn(ctx, "%s", msg);
		return 0;
	case CFG_COND_ALERT:
	case CFG_COND_ERROR:
		cfg_err(ctx, "%s", msg);
		return 0;
	}
	return 0;
}

static int cfg_parse_file(struct cfg_ctx *ctx, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[CFG_LINE_MAX + 2];
	struct cfg_words *w;
	struct cfg_cond cond;
	char err[256];
	int rc = 0;

	if (!f) {
		cfg_alert_global(ctx, "Could not open configuration file %s : %s",
				 path, strerror(errno));
		return -1;
	}
	w = malloc(sizeof(*w));
	if (!w) {
		fclose(f);
		return -1;
	}
	cfg_cond_init(&cond);
	ctx->file = path;
	ctx->line = 0;
	ctx->section = CFG_SEC_NONE;
	ctx->cur = NULL;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		ctx->line++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			cfg_err(ctx, "line too long (max %d bytes).", CFG_LINE_MAX);
			int c;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (memchr(line, '\0', len)) {
			cfg_err(ctx, "NUL character in line.");
			continue;
		}
		if (cfg_lex_line(line, len, w, cfg_getenv, NULL, err, sizeof(err)) < 0) {
			cfg_err(ctx, "%s", err);
			continue;
		}
		if (w->argc == 0)
			continue;
		if (!cfg_directive(ctx, &cond, w))
			continue;
		if (cfg_line(ctx, w) < 0) {
			rc = -1;
			break;
		}
	}
	if (cfg_cond_end(&cond, err, sizeof(err)) < 0)
		cfg_err(ctx, "%s", err);
	free(w);
	fclose(f);
	return rc;
}

static int cfg_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory loads its *.cfg files in lexical order, as HAProxy does. */
static int cfg_parse_dir(struct cfg_ctx *ctx, const char *dir)
{
	DIR *d = opendir(dir);
	char *names[CFG_MAX_FILES];
	size_t n = 0;
	struct dirent *de;
	int rc = 0;

	if (!d) {
		cfg_alert_global(ctx, "Could not open directory %s : %s", dir,
				 strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) && n < CFG_MAX_FILES) {
		size_t l = strlen(de->d_name);
		struct stat st;
		char path[4096];

		if (l < 5 || strcmp(de->d_name + l - 4, ".cfg") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		names[n] = strdup(path);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cfg_name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0 && cfg_parse_file(ctx, names[i]) < 0)
			rc = -1;
	}
	/* ctx->file may point at a name: keep them until the end of loading */
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	ctx->file = dir;
	return rc;
}

struct lbd_conf *cfg_load(char *const *paths, int npaths, int quiet, int *nwarn)
{
	struct cfg_ctx ctx = { .quiet = quiet };
	struct lbd_conf *conf = calloc(1, sizeof(*conf));
	int rc = 0;

	if (!conf)
		return NULL;
	ctx.conf = conf;
	conf->global.bufsize = 16384;
	conf->global.maxrewrite = 1024;
	conf->global.maxaccept = 64;
	conf->global.mworker_max_reloads = -1;
	conf->global.http_maxhdr = 101;
	conf->global.tls_tune.cachesize = 20000;
	conf->global.tls_tune.lifetime = 300;
	conf->global.nbthread = 1;
	for (int i = 0; i < LBD_MAX_THREADS; i++)
		conf->global.cpu_map[i] = -1;
	for (int i = 0; i < npaths && rc == 0; i++) {
		struct stat st;

		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = cfg_parse_dir(&ctx, paths[i]);
		else
			rc = cfg_parse_file(&ctx, paths[i]);
		ctx.file = "";
	}
	if (rc == 0 && ctx.nerr == 0)
		cfg_postparse(&ctx);
	if (rc == 0 && ctx.nerr == 0 &&
	    proxy_counters_alloc(conf, conf->global.nbthread) < 0)
		rc = -1;
	if (nwarn)
		*nwarn = ctx.nwarn;
	if (rc < 0 || ctx.nerr) {
		if (rc < 0 && ctx.nerr == 0)
			cfg_alert_global(&ctx, "out of memory while parsing.");
		cfg_alert_global(&ctx, "Fatal errors found in configuration.");
		lbd_conf_free(conf);
		return NULL;
	}
	return conf;
}
