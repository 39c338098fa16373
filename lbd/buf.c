/*
 * buf.c - per-thread pools of I/O buffer areas (see buf.h).
 */
#include <stdlib.h>

#include "buf.h"

struct buf_free {
	struct buf_free *next;
};

struct buf_pool {
	uint32_t size;
	unsigned keep, nfree, used;
	struct buf_free *free;
};

struct buf_pool *buf_pool_new(uint32_t size, unsigned keep)
{
	struct buf_pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->size = size;
	p->keep = keep;
	return p;
}

void buf_pool_free(struct buf_pool *p)
{
	if (!p)
		return;
	while (p->free) {
		struct buf_free *f = p->free;

		p->free = f->next;
		free(f);
	}
	free(p);
}

int buf_get(struct buf_pool *p, struct buf *b)
{
	if (b->area)
		return 0;
	if (p->free) {
		b->area = (char *)p->free;
		p->free = p->free->next;
		p->nfree--;
	} else {
		b->area = malloc(p->size);
		if (!b->area)
			return -1;
	}
	p->used++;
	b->size = p->size;
	b->head = b->data = 0;
	return 0;
}

void buf_put(struct buf_pool *p, struct buf *b)
{
	if (!b->area)
		return;
	if (p->nfree < p->keep) {
		struct buf_free *f = (struct buf_free *)(void *)b->area;

		f->next = p->free;
		p->free = f;
		p->nfree++;
	} else {
		free(b->area);
	}
	p->used--;
	b->area = NULL;
	b->size = b->head = b->data = 0;
}

unsigned buf_pool_used(const struct buf_pool *p)
{
	return p->used;
}
