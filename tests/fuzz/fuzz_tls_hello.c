/*
 * fuzz_tls_hello.c - libFuzzer target for the ClientHello reader
 * (req.ssl_sni). Each input is read whole and cut at every length up to a
 * bound, on exact-size heap copies so ASan sees any over-read; invariants
 * that must hold for any input abort() when broken.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static int parse(const uint8_t *data, size_t len, struct tls_hello *h)
{
	uint8_t *buf = malloc(len ? len : 1);
	int rc;

	check(buf != NULL);
	if (len)
		memcpy(buf, data, len);
	rc = tls_hello_parse(buf, len, h);
	check(rc == TLS_HELLO_OK || rc == TLS_HELLO_MORE || rc == TLS_HELLO_BAD);
	if (h->sni) {
		check(rc == TLS_HELLO_OK);
		check((const uint8_t *)h->sni >= buf && (const uint8_t *)h->sni + h->sni_len <= buf + len);
		check(h->sni_len >= 1 && h->sni_len <= 255);
		check(memchr(h->sni, ' ', h->sni_len) == NULL);
		h->sni = (const char *)data + ((const uint8_t *)h->sni - buf);
	}
	if (rc != TLS_HELLO_OK)
		check(h->sni == NULL);
	free(buf);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_hello h, p;
	int rc = parse(data, size, &h);

	/* a prefix never judges otherwise than the whole: BAD stays BAD, a
	 * verdict on a whole record is the same with bytes after it */
	for (size_t n = 0; n < size && n < 512; n++) {
		int r = parse(data, n, &p);

		if (r == TLS_HELLO_BAD)
			check(rc == TLS_HELLO_BAD);
		if (r == TLS_HELLO_OK)
			check(rc == TLS_HELLO_OK && p.sni_len == h.sni_len &&
			      (p.sni == NULL) == (h.sni == NULL));
	}
	return 0;
}
