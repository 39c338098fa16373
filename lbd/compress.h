/*
 * compress.h - HTTP response compression ("compression algo gzip deflate
 * raw-deflate identity", "compression type <mime>...", "compression
 * offload") with zlib, streamed: each piece of body that arrives is
 * compressed, flushed and sent as a chunk, never buffered whole.
 */
#ifndef LBD_COMPRESS_H
#define LBD_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

struct cfg_ctx;
struct comp_conf;
struct comp_state;
struct hmsg;
struct session;

/* "compression ..." in the current proxy (argv[0] = "compression"). */
int comp_cfg(struct cfg_ctx *ctx, int argc, char **argv);

struct comp_conf *comp_conf_dup(const struct comp_conf *c);
void comp_conf_free(struct comp_conf *c);

/* The request: choose an algorithm from Accept-Encoding (q-values) for
 * the response; with "offload" the header is removed so the server sends
 * plain data. Sets s->t->comp_algo (0: none). */
void comp_request(struct session *s, struct hmsg *h);

/* The response head: when it may be compressed, rewrite it (encoding,
 * chunked framing, Vary, weak ETag) and start the compressor in
 * s->t->comp. 0, or -1 when out of memory or room. */
int comp_response(struct session *s, struct hmsg *h);

/*
 * Compress the body bytes the channel just made forwardable: buf[off, off
 * + len) are the server's bytes (framing included when chunked); out gets
 * the chunks to send instead (the last one too when done). Returns the
 * output length or -1.
 */
long comp_body(struct comp_state *z, const char *in, size_t len, int chunked,
	       int done, char *out, size_t outlen);

void comp_state_free(struct comp_state *z);

#endif
