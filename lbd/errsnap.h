/*
 * errsnap.h - the last invalid request of each frontend and the last
 * invalid response of each backend, kept for "show errors" as HAProxy
 * keeps them: when, from whom, where the parser stopped, and the bytes.
 */
#ifndef LBD_ERRSNAP_H
#define LBD_ERRSNAP_H

#include <stddef.h>

struct proxy;
struct session;
struct sbuf;

/* Keep a copy of an invalid message (is_resp 0: request on s->fe, 1:
 * response on s->t->be). buf/len: the bytes held, pos: the error's
 * offset, msg: the parser's reason. Any thread. */
void errsnap_capture(struct session *s, int is_resp, const char *buf, size_t len,
		     size_t pos, const char *msg);

/* "show errors [<proxy>] [request|response]": 0, or -1 with the reply
 * already in out (unknown proxy). */
int errsnap_show(struct sbuf *out, const char *px, const char *what);

/* Free a proxy's snapshots. */
void errsnap_free(struct proxy *px);

#endif
