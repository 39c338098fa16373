/*
 * vars.c - variables (see vars.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "sample.h"
#include "session.h"
#include "vars.h"
#include "worker.h"

struct var {
	struct var *next;
	char *name;
	struct smp v;
	char *buf;			/* string values */
};

static struct var_store vars_proc;
static pthread_mutex_t vars_proc_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const vars_scopes[] = { "proc.", "sess.", "txn.", "req.", "res." };

int vars_name_ok(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(vars_scopes) / sizeof(vars_scopes[0]); i++)
		if (!strncmp(name, vars_scopes[i], strlen(vars_scopes[i])))
			break;
	if (i == sizeof(vars_scopes) / sizeof(vars_scopes[0]))
		return 0;
	name += strlen(vars_scopes[i]);
	if (!*name)
		return 0;
	for (; *name; name++)
		if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
		      (*name >= '0' && *name <= '9') || *name == '_' || *name == '.'))
			return 0;
	return 1;
}

/* The store of a name's scope; NULL when it does not exist (yet). */
static struct var_store *vars_store(struct session *s, const char *name)
{
	if (name[0] == 'p')
		return &vars_proc;
	if (name[0] == 's')
		return &s->vars;
	return s->t ? &s->t->vars : NULL;
}

static struct var *vars_find(struct var_store *st, const char *name)
{
	for (struct var *v = st->list; v; v = v->next)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

static void vars_value_free(struct var *v)
{
	free(v->buf);
	v->buf = NULL;
}

int vars_set(struct session *s, const char *name, const struct smp *val)
{
	struct var_store *st = vars_store(s, name);
	struct var *v;
	int rc = -1;

	if (!st)
		return -1;
	if (st == &vars_proc)
		pthread_mutex_lock(&vars_proc_lock);
	v = vars_find(st, name);
	if (!v && st->n < VAR_MAX_COUNT && (v = calloc(1, sizeof(*v)))) {
		if (!(v->name = strdup(name))) {
			free(v);
			v = NULL;
		} else {
			v->next = st->list;
			st->list = v;
			st->n++;
		}
	}
	if (v) {
		vars_value_free(v);
		v->v = *val;
		v->v.more = 0;
		rc = 0;
		if (val->type == SMP_T_STR) {
			size_t n = val->len < VAR_MAX_LEN ? val->len : VAR_MAX_LEN;

			v->buf = malloc(n + 1);
			if (v->buf) {
				memcpy(v->buf, val->str, n);
				v->buf[n] = '\0';
				v->v.str = v->buf;
				v->v.len = n;
			} else {
				v->v.type = SMP_T_BOOL;	/* no memory: an empty value */
				rc = -1;
			}
		}
	}
	if (st == &vars_proc)
		pthread_mutex_unlock(&vars_proc_lock);
	return rc;
}

int vars_get(struct session *s, const char *name, struct smp *out)
{
	struct var_store *st = vars_store(s, name);
	struct var *v;
	int found = 0;

	if (!st)
		return 0;
	if (st == &vars_proc)
		pthread_mutex_lock(&vars_proc_lock);
	v = vars_find(st, name);
	if (v) {
		*out = v->v;
		found = 1;
		/* a proc value may change under another thread: hand a copy
		 * that lives as long as the request's scratch */
		if (st == &vars_proc && out->type == SMP_T_STR && s->w) {
			char *c = arena_dup(&s->w->arena, out->str, out->len);

			out->str = c ? c : "";
			out->len = c ? out->len : 0;
		}
	}
	if (st == &vars_proc)
		pthread_mutex_unlock(&vars_proc_lock);
	return found;
}

void vars_unset(struct session *s, const char *name)
{
	struct var_store *st = vars_store(s, name);

	if (!st)
		return;
	if (st == &vars_proc)
		pthread_mutex_lock(&vars_proc_lock);
	for (struct var **pp = &st->list; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->name, name)) {
			struct var *v = *pp;

			*pp = v->next;
			vars_value_free(v);
			free(v->name);
			free(v);
			st->n--;
			break;
		}
	if (st == &vars_proc)
		pthread_mutex_unlock(&vars_proc_lock);
}

void vars_free(struct var_store *st)
{
	while (st->list) {
		struct var *v = st->list;

		st->list = v->next;
		vars_value_free(v);
		free(v->name);
		free(v);
	}
	st->n = 0;
}

void vars_free_proc(void)
{
	pthread_mutex_lock(&vars_proc_lock);
	vars_free(&vars_proc);
	pthread_mutex_unlock(&vars_proc_lock);
}
