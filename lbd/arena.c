/*
 * arena.c - per-request scratch memory (see arena.h).
 */
#include <string.h>

#include "arena.h"

void *arena_alloc(struct arena *a, size_t n)
{
	size_t at = (a->used + 7) & ~(size_t)7;
	void *p;

	if (at > a->size || n > a->size - at)
		return NULL;
	p = a->base + at;
	a->used = at + n;
	return p;
}

char *arena_dup(struct arena *a, const char *s, size_t n)
{
	return arena_cat(a, s, n, NULL, 0);
}

char *arena_cat(struct arena *a, const char *s1, size_t n1, const char *s2,
		size_t n2)
{
	char *p;

	if (n1 > a->size || n2 > a->size)
		return NULL;
	p = arena_alloc(a, n1 + n2 + 1);
	if (!p)
		return NULL;
	if (n1)
		memcpy(p, s1, n1);
	if (n2)
		memcpy(p + n1, s2, n2);
	p[n1 + n2] = '\0';
	return p;
}
