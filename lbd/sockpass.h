/*
 * sockpass.h - listening sockets handed from one lbd process to the next
 * over a unix socket (SCM_RIGHTS), so that a reload never closes a
 * listening socket and no connection attempt is ever refused.
 *
 * Wire format, on a SOCK_STREAM or SOCK_SEQPACKET unix socket: a series
 * of 8-byte records "LBFD" <count: 16 bits, network order> <last: 1 byte>
 * <0>, each carrying <count> descriptors (at most SOCKPASS_BATCH) in one
 * SCM_RIGHTS message; the record with last = 1 ends the series. The
 * receiver learns each socket's address from the socket itself.
 *
 * Two sets live here: the exposed set (this process's listening sockets,
 * dups, offered to the next process) and the pool (sockets received from
 * the previous one, taken by address when binding).
 */
#ifndef LBD_SOCKPASS_H
#define LBD_SOCKPASS_H

#include <sys/socket.h>
#include <sys/types.h>

#define SOCKPASS_BATCH	200	/* descriptors per record (kernel max 253) */
#define SOCKPASS_MAX	4096	/* descriptors in one series */
#define SOCKPASS_HDR	8

/* Send fds[0..n) as one series on sock. Never blocks (MSG_DONTWAIT): the
 * records are small and go to a fresh socket. 0, or -1 (errno set). */
int sockpass_send(int sock, const int *fds, unsigned n);

/* Receive one series from sock (blocking, for start-up: the caller sets
 * a receive timeout) into the pool. Descriptors that are not listening
 * TCP sockets are closed. Returns the number kept, or -1. */
int sockpass_recv(int sock);

/* Parse one record header; 0 with *count and *last set, or -1. Pure. */
int sockpass_hdr_parse(const unsigned char *p, unsigned *count, int *last);

/* Connect to an lbd stats socket with "expose-fd listeners" at path, ask
 * for its listening sockets ("_getsocks") and put them in the pool.
 * Returns the number received, or -1 after logging why. Start-up only. */
int sockpass_fetch(const char *path);

/* A socket of the pool listening on addr (exact address and port), taken
 * out of the pool, or -1 when none. */
int sockpass_take(const struct sockaddr_storage *addr, socklen_t len);

/* Close what is left in the pool (sockets the new configuration dropped). */
void sockpass_pool_clear(void);

/* Offer fd (duplicated here) to the next process. 0 or -1. */
int sockpass_expose(int fd);

/* The exposed set (valid until sockpass_unexpose_all). */
const int *sockpass_exposed(unsigned *n);

/* Close the exposed duplicates (soft stop: nothing more to hand over). */
void sockpass_unexpose_all(void);

/* One message of len bytes with one descriptor (fd >= 0) or none, never
 * blocking. 0, or -1. */
int sockpass_send_fd(int sock, const void *buf, size_t len, int fd);

/* Receive one message into buf with at most one descriptor (*fd, else
 * -1; extra ones are closed). flags as recvmsg's (MSG_CMSG_CLOEXEC is
 * added). Returns the length, 0 at EOF, -1 (errno set; EMSGSIZE for a
 * truncated message, its descriptor closed). */
ssize_t sockpass_recv_fd(int sock, void *buf, size_t len, int *fd, int flags);

/* Connect to the unix stream socket at path with 5 s send and receive
 * timeouts and send req (start-up only: blocking). The socket, or -1. */
int sockpass_connect(const char *path, const char *req);

#endif
