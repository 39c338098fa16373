/*
 * capture.h - what a frontend keeps of each request and response for its
 * log lines (%hr, %hs): "capture request|response header <name> len <n>"
 * slots filled from the heads, "declare capture request|response len <n>"
 * slots filled by "http-request|http-response capture <sample> id <n>",
 * and "http-request capture <sample> len <n>" making its own slot.
 */
#ifndef LBD_CAPTURE_H
#define LBD_CAPTURE_H

#include <stddef.h>

struct cfg_ctx;
struct hmsg;
struct proxy;
struct session;
struct smp_ctx;
struct smp_expr;

#define CAP_MAX_SLOTS	16
#define CAP_MAX_LEN	4096

/* One slot of a direction (request or response). */
struct cap_slot {
	char *hdr;			/* "capture ... header": its name, else NULL */
	unsigned len;			/* characters kept */
	size_t off;			/* in the transaction's capture block */
};

struct cap_conf {
	struct cap_slot slot[2][CAP_MAX_SLOTS];	/* [0] request, [1] response */
	unsigned n[2];
	size_t size;			/* bytes of a transaction's block */
};

/* "capture request|response header <name> len <n>" and "declare capture
 * request|response len <n>" in the current proxy. 0, or -1 (no memory). */
int cap_cfg(struct cfg_ctx *ctx, int argc, char **argv);

/* A slot for "http-request|http-response capture ... len <n>" (new) or
 * "... id <n>" (declared); returns the slot index or -1 (reported). */
int cap_cfg_rule_slot(struct cfg_ctx *ctx, int res, const char *how, const char *val);

void cap_conf_free(struct cap_conf *c);

/* Fill the header slots of a direction from a head (res 0: request). */
void cap_headers(struct session *s, const struct hmsg *h, int res);

/* Store a value in a slot (cut at the slot's length). */
void cap_store(struct session *s, int res, unsigned slot, const char *v, size_t n);

/* The value captured in a slot of a direction, or NULL. */
const char *cap_value(const struct session *s, int res, unsigned slot);

/* "{v1|v2}" of a direction for the log, or NULL without slots. */
const char *cap_log(const struct session *s, int res, char *buf, size_t len);

/* Free a transaction's capture block (NULL-safe). */
void cap_txn_free(char *block);

#endif
