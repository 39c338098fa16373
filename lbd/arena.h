/*
 * arena.h - per-request scratch memory: a bump allocator over one block
 * owned by the worker, reset before each request's rules run. Everything
 * allocated from it is gone at the next reset; nothing is freed singly.
 */
#ifndef LBD_ARENA_H
#define LBD_ARENA_H

#include <stddef.h>

struct arena {
	char *base;
	size_t size, used;
};

/* Forget everything allocated (the block is kept). */
static inline void arena_reset(struct arena *a)
{
	a->used = 0;
}

/* n bytes (8-byte aligned), or NULL when the block is exhausted. */
void *arena_alloc(struct arena *a, size_t n);

/* A NUL-terminated copy of s[0..n), or NULL. */
char *arena_dup(struct arena *a, const char *s, size_t n);

/* The concatenation of two slices, NUL-terminated, or NULL. */
char *arena_cat(struct arena *a, const char *s1, size_t n1, const char *s2,
		size_t n2);

#endif
