/*
 * vrrp_pre.c - keepalived.conf preprocessing (see vrrp_pre.h).
 */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vrrp_pre.h"

struct vrrp_pre_param {
	char *name;
	char *value;		/* may hold '\n' (multi-line definition) */
};

/* where a logical line comes from, and the directory for includes */
struct pre_src {
	const char *file;
	int line;
	char dir[1024];
};

static void pre_err(struct vrrp_pre *p, const struct pre_src *s,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void pre_err(struct vrrp_pre *p, const struct pre_src *s,
		    const char *fmt, ...)
{
	char msg[512];
	int n;
	va_list ap;

	n = snprintf(msg, sizeof(msg), "%s:%d: ", s->file, s->line);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	p->errors++;
	if (p->err_cb)
		p->err_cb(p->arg, msg);
}

void vrrp_pre_init(struct vrrp_pre *p)
{
	memset(p, 0, sizeof(*p));
	p->config_id = "";
	p->allow_include = 1;
}

void vrrp_pre_free(struct vrrp_pre *p)
{
	for (size_t i = 0; i < p->nparams; i++) {
		free(p->params[i].name);
		free(p->params[i].value);
	}
	free(p->params);
	p->params = NULL;
	p->nparams = 0;
}

static int is_name_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static struct vrrp_pre_param *pre_param_find(struct vrrp_pre *p,
					     const char *name, size_t len)
{
	for (size_t i = 0; i < p->nparams; i++)
		if (strlen(p->params[i].name) == len &&
		    memcmp(p->params[i].name, name, len) == 0)
			return &p->params[i];
	return NULL;
}

static int pre_param_set(struct vrrp_pre *p, const char *name, size_t nlen,
			 const char *value)
{
	struct vrrp_pre_param *pp = pre_param_find(p, name, nlen);
	char *v = strdup(value);

	if (!v)
		return -1;
	if (pp) {
		free(pp->value);
		pp->value = v;
		return 0;
	}
	if (p->nparams >= VRRP_PRE_PARAMS_MAX) {
		free(v);
		return -1;
	}
	pp = realloc(p->params, (p->nparams + 1) * sizeof(*pp));
	if (!pp) {
		free(v);
		return -1;
	}
	p->params = pp;
	pp = &p->params[p->nparams];
	pp->name = strndup(name, nlen);
	if (!pp->name) {
		free(v);
		return -1;
	}
	pp->value = v;
	p->nparams++;
	return 0;
}

/* Cut the comment ('#' or '!' outside double quotes) and trailing blanks. */
static void pre_strip_comment(char *s)
{
	int q = 0;
	char *e;

	for (e = s; *e; e++) {
		if (*e == '"')
			q = !q;
		else if (!q && (*e == '#' || *e == '!'))
			break;
	}
	*e = '\0';
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
}

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The value of a predefined parameter, written to buf; NULL if none. */
static const char *pre_builtin(const struct vrrp_pre *p,
			       const struct pre_src *s, const char *name,
			       size_t len)
{
	if (len == 4 && memcmp(name, "_PWD", 4) == 0)
		return s->dir;
	if (len == 9 && memcmp(name, "_INSTANCE", 9) == 0)
		return p->config_id;
	if (len == 5 && memcmp(name, "_HASH", 5) == 0)
		return "#";
	if (len == 5 && memcmp(name, "_BANG", 5) == 0)
		return "!";
	return NULL;
}

/* Substitute ${NAME} and $NAME (defined names only) from in into out
 * (outlen bytes). Returns 1 if anything was replaced, 0 if not, -1 when
 * the result is too long. */
static int pre_subst(struct vrrp_pre *p, const struct pre_src *s,
		     const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	int changed = 0;

	while (*in) {
		const char *name = NULL, *val = NULL;
		size_t nlen = 0, used = 0;

		if (in[0] == '$' && in[1] == '{') {
			const char *e = in + 2;

			while (is_name_char((unsigned char)*e))
				e++;
			if (*e == '}' && e > in + 2) {
				name = in + 2;
				nlen = (size_t)(e - name);
				used = nlen + 3;
			}
		} else if (in[0] == '$' && is_name_start((unsigned char)in[1])) {
			const char *e = in + 1;

			while (is_name_char((unsigned char)*e))
				e++;
			name = in + 1;
			nlen = (size_t)(e - name);
			used = nlen + 1;
		}
		if (name) {
			struct vrrp_pre_param *pp = pre_param_find(p, name, nlen);

			val = pp ? pp->value : pre_builtin(p, s, name, nlen);
		}
		if (val) {
			size_t vl = strlen(val);

			if (o + vl >= outlen)
				return -1;
			memcpy(out + o, val, vl);
			o += vl;
			in += used;
			changed = 1;
			continue;
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = *in++;
	}
	out[o] = '\0';
	return changed;
}

static int pre_logical(struct vrrp_pre *p, struct pre_src *s,
		       const char *text, int expand);
static int pre_run(struct vrrp_pre *p, const char *name, const char *dir,
		   const char *buf, size_t len);

/* "~SEQ(var, [start,] [step,] end) rest" or "~SEQx(...)" */
static int pre_seq(struct vrrp_pre *p, struct pre_src *s, const char *text,
		   int expand)
{
	int hex = text[4] == 'x';
	const char *a = text + (hex ? 6 : 5), *close = strchr(a, ')');
	char var[64], args[256], *tok, *save = NULL;
	long v[3];
	int n = 0;
	size_t vl = 0;

	if (!close || (size_t)(close - a) >= sizeof(args)) {
		pre_err(p, s, "malformed ~SEQ: expected ~SEQ(var, start, step, end)");
		return -1;
	}
	memcpy(args, a, (size_t)(close - a));
	args[close - a] = '\0';
	tok = strtok_r(args, ",", &save);
	if (tok) {
		tok = (char *)skip_blank(tok);
		while (is_name_char((unsigned char)tok[vl]) && vl < sizeof(var) - 1)
			vl++;
		memcpy(var, tok, vl);
		var[vl] = '\0';
		if (*skip_blank(tok + vl) != '\0')
			vl = 0;
	}
	while ((tok = strtok_r(NULL, ",", &save)) != NULL) {
		char *end;

		if (n == 3) {
			n = 4;
			break;
		}
		errno = 0;
		v[n] = strtol(tok, &end, 0);
		if (errno || end == tok || *skip_blank(end) != '\0' ||
		    v[n] > 1000000 || v[n] < -1000000) {
			n = 4;
			break;
		}
		n++;
	}
	if (vl == 0 || !is_name_start((unsigned char)var[0]) || n < 1 || n > 3) {
		pre_err(p, s, "malformed ~SEQ: expected ~SEQ(var, start, step, end)");
		return -1;
	}
	long start, step, end;

	if (n == 1) {
		end = v[0];
		start = end >= 0 ? 1 : -1;
		step = end >= start ? 1 : -1;
	} else if (n == 2) {
		start = v[0];
		end = v[1];
		step = end >= start ? 1 : -1;
	} else {
		start = v[0];
		step = v[1];
		end = v[2];
	}
	if (step == 0 || (step > 0 && start > end) || (step < 0 && start < end)) {
		pre_err(p, s, "~SEQ(%s, %ld, %ld, %ld) produces no value", var,
			start, step, end);
		return -1;
	}
	const char *rest = skip_blank(close + 1);

	if (expand >= VRRP_PRE_EXPAND_MAX) {
		pre_err(p, s, "~SEQ and parameters nested more than %d deep",
			VRRP_PRE_EXPAND_MAX);
		return -1;
	}

	for (long i = start; step > 0 ? i <= end : i >= end; i += step) {
		char num[32];

		snprintf(num, sizeof(num), hex ? "%lx" : "%ld", i);
		if (pre_param_set(p, var, vl, num) != 0) {
			pre_err(p, s, "too many parameters");
			return -1;
		}
		/* every repetition counts, even one that outputs nothing */
		if (++p->nlines > VRRP_PRE_LINES_MAX) {
			pre_err(p, s, "more than %d configuration lines",
				VRRP_PRE_LINES_MAX);
			p->stop = 1;
			return -1;
		}
		if (pre_logical(p, s, rest, expand + 1) != 0 || p->stop)
			return -1;
	}
	return 0;
}

static int pre_include(struct vrrp_pre *p, struct pre_src *s, const char *arg)
{
	char pattern[2048];
	glob_t g;
	int rc, ret = 0;

	if (!p->allow_include) {
		pre_err(p, s, "include is not allowed here");
		return -1;
	}
	if (p->depth >= VRRP_PRE_INCLUDE_MAX) {
		pre_err(p, s, "include nested more than %d deep", VRRP_PRE_INCLUDE_MAX);
		return -1;
	}
	size_t al = strlen(arg);

	if (*arg == '"') {
		if (al < 2 || arg[al - 1] != '"') {
			pre_err(p, s, "include: unmatched quote");
			return -1;
		}
		arg++;
		al -= 2;
	}
	if (al >= sizeof(pattern)) {
		pre_err(p, s, "include: path too long");
		return -1;
	}
	memcpy(pattern, arg, al);
	pattern[al] = '\0';
	if (pattern[0] != '/') {
		char rel[sizeof(pattern)];
		size_t dl = strlen(s->dir), rl = strlen(pattern);

		if (dl + rl + 2 > sizeof(pattern)) {
			pre_err(p, s, "include: path too long");
			return -1;
		}
		memcpy(rel, pattern, rl + 1);
		memcpy(pattern, s->dir, dl);
		pattern[dl] = '/';
		memcpy(pattern + dl + 1, rel, rl + 1);
	}
	rc = glob(pattern, GLOB_ERR, NULL, &g);
	if (rc == GLOB_NOMATCH) {
		pre_err(p, s, "include: no file matches '%s'", pattern);
		return -1;
	}
	if (rc != 0) {
		pre_err(p, s, "include: cannot read '%s'", pattern);
		return -1;
	}
	p->depth++;
	for (size_t i = 0; i < g.gl_pathc && !p->stop; i++)
		if (vrrp_pre_file(p, g.gl_pathv[i]) != 0)
			ret = -1;
	p->depth--;
	globfree(&g);
	return ret;
}

/* One logical line after comment stripping. expand counts nested
 * expansions of multi-line parameters. */
static int pre_logical(struct vrrp_pre *p, struct pre_src *s,
		       const char *text, int expand)
{
	char buf[VRRP_PRE_LINE_MAX];
	const char *t = skip_blank(text);
	int r;

	if (*t == '\0')
		return 0;
	if (*t == '@') {
		int neg = t[1] == '^';
		const char *id = t + 1 + neg, *e = id;

		while (*e && *e != ' ' && *e != '\t')
			e++;
		int match = (size_t)(e - id) == strlen(p->config_id) &&
			    memcmp(id, p->config_id, (size_t)(e - id)) == 0;
		if (match == neg)
			return 0;
		t = skip_blank(e);
		if (*t == '\0')
			return 0;
	}
	if (*t == '$' && is_name_start((unsigned char)t[1])) {
		const char *e = t + 1;

		while (is_name_char((unsigned char)*e))
			e++;
		if (*e == '=') {
			if (pre_param_set(p, t + 1, (size_t)(e - t - 1),
					  skip_blank(e + 1)) != 0) {
				pre_err(p, s, "too many parameters");
				return -1;
			}
			return 0;
		}
	}
	if (strncmp(t, "~SEQ(", 5) == 0 || strncmp(t, "~SEQx(", 6) == 0)
		return pre_seq(p, s, t, expand);
	r = pre_subst(p, s, t, buf, sizeof(buf));
	if (r < 0) {
		pre_err(p, s, "line longer than %d bytes after substitution",
			VRRP_PRE_LINE_MAX);
		return -1;
	}
	if (strchr(buf, '\n') || (r == 1 && (buf[0] == '@' || buf[0] == '~' ||
					     buf[0] == '$'))) {
		/* a multi-line parameter: each line is processed again */
		char *save = NULL, *l;

		if (expand >= VRRP_PRE_EXPAND_MAX) {
			pre_err(p, s, "parameters nested more than %d deep",
				VRRP_PRE_EXPAND_MAX);
			return -1;
		}
		for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			if (pre_logical(p, s, l, expand + 1) != 0 || p->stop)
				return -1;
		return 0;
	}
	if (strncmp(buf, "include", 7) == 0 && (buf[7] == ' ' || buf[7] == '\t'))
		return pre_include(p, s, skip_blank(buf + 8));
	if (++p->nlines > VRRP_PRE_LINES_MAX) {
		pre_err(p, s, "more than %d configuration lines", VRRP_PRE_LINES_MAX);
		p->stop = 1;
		return -1;
	}
	if (p->line_cb(p->arg, s->file, s->line, buf) != 0) {
		p->stop = 1;
		return -1;
	}
	return 0;
}

/* "$NAME=" lines ending with '\' continue; returns 1 if line starts such a
 * definition (after an optional @id). */
static int pre_is_continued(const char *line)
{
	size_t l = strlen(line);

	return l > 0 && line[l - 1] == '\\';
}

static int pre_run(struct vrrp_pre *p, const char *name, const char *dir,
		   const char *buf, size_t len)
{
	struct pre_src s = { .file = name, .line = 0 };
	char line[VRRP_PRE_LINE_MAX];
	char *cont = NULL;	/* a multi-line definition being collected */
	size_t contlen = 0, pos = 0;
	int ret = 0;

	snprintf(s.dir, sizeof(s.dir), "%s", dir);
	while (pos < len && !p->stop) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		s.line++;
		if (memchr(buf + pos, '\0', l)) {
			pre_err(p, &s, "NUL byte in line");
			ret = -1;
			pos += l + 1;
			continue;
		}
		if (l >= sizeof(line)) {
			pre_err(p, &s, "line longer than %d bytes", VRRP_PRE_LINE_MAX);
			ret = -1;
			pos += l + 1;
			continue;
		}
		memcpy(line, buf + pos, l);
		line[l] = '\0';
		pos += l + 1;
		pre_strip_comment(line);
		if (cont) {
			int more = pre_is_continued(line);
			size_t ll = strlen(line) - (more ? 1 : 0);

			if (contlen + ll + 2 > VRRP_PRE_LINE_MAX) {
				pre_err(p, &s, "definition longer than %d bytes",
					VRRP_PRE_LINE_MAX);
				free(cont);
				cont = NULL;
				ret = -1;
				continue;
			}
			memcpy(cont + contlen, line, ll);
			contlen += ll;
			cont[contlen++] = '\n';
			cont[contlen] = '\0';
			if (!more) {
				if (pre_logical(p, &s, cont, 0) != 0)
					ret = -1;
				free(cont);
				cont = NULL;
			}
			continue;
		}
		if (pre_is_continued(line) && strchr(line, '=') &&
		    skip_blank(line)[0] != '\0') {
			const char *t = skip_blank(line);

			if (t[0] == '@') {
				while (*t && *t != ' ' && *t != '\t')
					t++;
				t = skip_blank(t);
			}
			if (t[0] == '$') {
				cont = malloc(VRRP_PRE_LINE_MAX);
				if (!cont) {
					pre_err(p, &s, "out of memory");
					return -1;
				}
				/* keep "$NAME=" and the text before the '\' */
				contlen = strlen(line) - 1;
				memcpy(cont, line, contlen);
				cont[contlen] = '\0';
				continue;
			}
		}
		if (pre_logical(p, &s, line, 0) != 0)
			ret = -1;
	}
	if (cont) {
		if (!p->stop && pre_logical(p, &s, cont, 0) != 0)
			ret = -1;
		free(cont);
	}
	return ret || p->errors ? -1 : 0;
}

int vrrp_pre_buf(struct vrrp_pre *p, const char *name, const char *buf,
		 size_t len)
{
	char dir[1024];
	const char *sl = strrchr(name, '/');

	if (sl)
		snprintf(dir, sizeof(dir), "%.*s", (int)(sl - name), name);
	else
		snprintf(dir, sizeof(dir), ".");
	if (dir[0] == '\0')
		snprintf(dir, sizeof(dir), "/");
	return pre_run(p, name, dir, buf, len);
}

int vrrp_pre_file(struct vrrp_pre *p, const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int ret;

	if (!f) {
		char msg[1200];

		snprintf(msg, sizeof(msg), "%s: cannot open: %s", path,
			 strerror(errno));
		p->errors++;
		if (p->err_cb)
			p->err_cb(p->arg, msg);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			char *nb;

			if (cap >= (size_t)16 << 20) {
				fclose(f);
				free(buf);
				p->errors++;
				if (p->err_cb)
					p->err_cb(p->arg, "configuration file larger than 16 MB");
				return -1;
			}
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, cap - len, f);

		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	ret = vrrp_pre_buf(p, path, buf ? buf : "", len);
	free(buf);
	return ret;
}
