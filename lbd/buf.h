/*
 * buf.h - linear I/O buffers taken from a per-thread pool. A session holds
 * a buffer only while it has data to move, so an idle keep-alive connection
 * costs no buffer memory.
 */
#ifndef LBD_BUF_H
#define LBD_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	char *area;		/* NULL when not allocated */
	uint32_t size;
	uint32_t head;		/* offset of the first byte */
	uint32_t data;		/* bytes held */
};

struct buf_pool;

/* Create a pool of buffers of `size` bytes keeping at most `keep` free ones. */
struct buf_pool *buf_pool_new(uint32_t size, unsigned keep);
void buf_pool_free(struct buf_pool *p);

/* Give b an area from the pool if it has none. 0, or -1 (ENOMEM). */
int buf_get(struct buf_pool *p, struct buf *b);

/* Return b's area to the pool (b must be empty or its data is dropped). */
void buf_put(struct buf_pool *p, struct buf *b);

/* Number of areas allocated from the system and not yet freed. */
unsigned buf_pool_used(const struct buf_pool *p);

static inline char *buf_tail(struct buf *b)
{
	return b->area + b->head + b->data;
}

/* Contiguous room after the data. The data moves to the start first when
 * less than half the buffer is left after it, so the room returned is
 * never much below the free space callers see as size - data (which
 * decides whether they wait for reading at all). */
static inline uint32_t buf_room(struct buf *b)
{
	if (b->head && b->size - b->head - b->data < b->size / 2) {
		memmove(b->area, b->area + b->head, b->data);
		b->head = 0;
	}
	return b->size - b->head - b->data;
}

static inline void buf_consume(struct buf *b, uint32_t n)
{
	b->head += n;
	b->data -= n;
	if (b->data == 0)
		b->head = 0;
}

#endif
