/*
 * fuzz_sockpass.c - the listening-socket hand-over's framing (sockpass.h):
 * what another process sends on the unix socket, as bytes without
 * descriptors, read by sockpass_recv through a real socketpair. It must
 * end with an error or a series, never crash, hang or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "sockpass.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct timeval tv = { 0, 1000 };
	unsigned count;
	int last, sp[2];

	if (size >= SOCKPASS_HDR)
		(void)sockpass_hdr_parse(data, &count, &last);
	if (size > 65536 || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		return 0;
	setsockopt(sp[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (size && write(sp[1], data, size) != (ssize_t)size) {
		close(sp[0]);
		close(sp[1]);
		return 0;
	}
	close(sp[1]);
	(void)sockpass_recv(sp[0]);
	close(sp[0]);
	sockpass_pool_clear();
	return 0;
}
