/*
 * sbuf.c - growable text buffer (see sbuf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

static int sbuf_reserve(struct sbuf *b, size_t n)
{
	size_t cap;
	char *d;

	if (b->err)
		return -1;
	if (n > SBUF_MAX || b->len > SBUF_MAX - n) {
		b->err = 1;
		return -1;
	}
	if (b->len + n + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 1024;
	while (cap < b->len + n + 1)
		cap *= 2;
	d = realloc(b->d, cap);
	if (!d) {
		b->err = 1;
		return -1;
	}
	b->d = d;
	b->cap = cap;
	return 0;
}

void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (sbuf_reserve(b, n) < 0)
		return;
	memcpy(b->d + b->len, s, n);
	b->len += n;
	b->d[b->len] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sbuf_reserve(b, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->d + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sbuf_consume(struct sbuf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->d, b->d + n, b->len - n);
	b->len -= n;
	b->d[b->len] = '\0';
}

void sbuf_free(struct sbuf *b)
{
	free(b->d);
	b->d = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}
