/*
 * tls_hello.h - reading a TLS ClientHello without terminating TLS: the
 * server name a client asks for (req.ssl_sni) and whether the first bytes
 * are a ClientHello at all (req.ssl_hello_type), for routing in mode tcp.
 * A pure parser: no I/O, no allocation; results point into the caller's
 * buffer.
 */
#ifndef LBD_TLS_HELLO_H
#define LBD_TLS_HELLO_H

#include <stddef.h>
#include <stdint.h>

enum { TLS_HELLO_BAD = -1, TLS_HELLO_MORE = 0, TLS_HELLO_OK = 1 };

/* What the first handshake record says. */
struct tls_hello {
	unsigned type;			/* handshake type (1: ClientHello) */
	unsigned version;		/* legacy_version of the hello, 0x0303 ... */
	const char *sni;		/* host_name, NULL if none */
	size_t sni_len;
	unsigned split:1;		/* the hello goes on in a next record: not read */
};

/*
 * Parse the TLS handshake record at the start of buf. TLS_HELLO_OK with h
 * filled (sni may be NULL), TLS_HELLO_MORE when the record is not whole
 * yet (records are at most 16384 + 5 bytes), TLS_HELLO_BAD when the bytes
 * are not a well-formed handshake record.
 */
int tls_hello_parse(const uint8_t *buf, size_t len, struct tls_hello *h);

#endif
