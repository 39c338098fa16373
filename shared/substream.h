/*
 * substream.h - the subscriber's side of the event streams lbd and vrrpd
 * publish on their sockets (docs/events.md): connect to a unix socket,
 * send "subscribe heartbeat H" (H a third of the heartbeat timeout), check
 * the greeting ("<peer> 1 pid <pid> ..."), hand each state line over,
 * feed a watchdog with "hb" lines, and on EOF, "bye", a read error, an
 * overlong line or a silent watchdog report the link down and reconnect
 * with backoff (20 ms doubling to 1 s, back to 20 ms after a "sync");
 * "bye reloading" is a hand-over to the peer's next process (ops->moving).
 * Non-blocking, on one libev loop.
 */
#ifndef SHARED_SUBSTREAM_H
#define SHARED_SUBSTREAM_H

struct ev_loop;
struct substream;

struct substream_ops {
	/* connected and subscribed: forget the peer's previous state */
	void (*reset)(void *arg);
	/* a state line, in words (at most 32; the line is gone afterwards);
	 * "sync" comes here too, after the watchdog was fed */
	void (*line)(void *arg, int argc, char **argv);
	/* the link is down: why, in words for a log */
	void (*down)(void *arg, const char *why);
	/* optional: the peer said "bye reloading" (a new process of it takes
	 * over on the same socket). The link reconnects at once and is not
	 * reported down unless no "sync" comes within the heartbeat timeout.
	 * NULL: "bye reloading" is a bye like any other. */
	void (*moving)(void *arg);
};

/* Start following the stream at path (a unix socket path); peer is the
 * greeting's first word ("lbd", "vrrpd"). NULL when memory is short. */
struct substream *substream_new(struct ev_loop *loop, const char *path,
				const char *peer, unsigned hb_timeout_ms,
				const struct substream_ops *ops, void *arg);

/* The peer's pid from its greeting (0 before one). */
unsigned long substream_pid(const struct substream *s);

/* Process bytes as if read from the socket (the fuzz target's door). */
void substream_feed(struct substream *s, const char *data, size_t n);

/* Stop and free (no callback runs); NULL is a no-op. */
void substream_free(struct substream *s);

#endif
