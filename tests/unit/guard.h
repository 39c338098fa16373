/*
 * guard.h - place test input right before an unmapped page, so a parser that
 * reads one byte past the end faults at once instead of passing by luck.
 */
#ifndef TESTS_GUARD_H
#define TESTS_GUARD_H

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct guard_buf {
	char *map;
	size_t maplen;
	char *data;		/* len bytes, ending at the guard page */
};

/* Copy len bytes of src so they end exactly at a PROT_NONE page.
 * Returns data or NULL. Release with guard_free. */
static inline char *guard_copy(struct guard_buf *g, const void *src, size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t datapages = (len + pg - 1) / pg;

	if (datapages == 0)
		datapages = 1;
	g->maplen = (datapages + 1) * pg;
	g->map = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED)
		return NULL;
	if (mprotect(g->map + datapages * pg, pg, PROT_NONE) != 0) {
		munmap(g->map, g->maplen);
		return NULL;
	}
	g->data = g->map + datapages * pg - len;
	memcpy(g->data, src, len);
	return g->data;
}

static inline void guard_free(struct guard_buf *g)
{
	if (g->map && g->map != MAP_FAILED)
		munmap(g->map, g->maplen);
	g->map = NULL;
}

#endif
