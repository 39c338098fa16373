/*
 * sbuf.h - a growable text buffer for replies that are built whole before
 * being sent (runtime API, stats page, exporter), capped so that no reply
 * can take the process's memory.
 */
#ifndef LBD_SBUF_H
#define LBD_SBUF_H

#include <stddef.h>

#define SBUF_MAX	(64u << 20)	/* no reply grows past 64 MiB */

struct sbuf {
	char *d;
	size_t len, cap;
	int err;			/* ENOMEM or past SBUF_MAX: content truncated */
};

/* Append; on failure the buffer keeps what it had and err is set. */
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Drop the first n bytes (sent ones). */
void sbuf_consume(struct sbuf *b, size_t n);

void sbuf_free(struct sbuf *b);

#endif
