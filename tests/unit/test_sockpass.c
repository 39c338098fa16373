/*
 * test_sockpass.c - listening sockets handed between processes: a series
 * over a real socketpair arrives whole and is found again by address,
 * what is not a listening TCP socket is dropped, malformed records are
 * refused; and the "add server" words joined back for the next worker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "handover.h"
#include "sockpass.h"

static int listener(struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	socklen_t len = sizeof(*ss);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(ss, 0, sizeof(*ss));
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)in, sizeof(*in)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)ss, &len), 0);
	return fd;
}

static void test_series_over_socketpair(void **state)
{
	struct sockaddr_storage a[3];
	int fds[4], sp[2], got;

	(void)state;
	for (int i = 0; i < 3; i++)
		fds[i] = listener(&a[i]);
	fds[3] = socket(AF_INET, SOCK_STREAM, 0);	/* not listening: dropped */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	assert_int_equal(sockpass_send(sp[0], fds, 4), 0);
	got = sockpass_recv(sp[1]);
	assert_int_equal(got, 3);
	for (int i = 2; i >= 0; i--) {
		int fd = sockpass_take(&a[i], sizeof(a[i]));

		assert_true(fd >= 0);
		assert_int_not_equal(fd, fds[i]);	/* a new descriptor */
		close(fd);
	}
	assert_int_equal(sockpass_take(&a[0], sizeof(a[0])), -1);	/* taken */
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	close(sp[0]);
	close(sp[1]);
}

static void test_empty_series_and_bad_records(void **state)
{
	int sp[2];
	unsigned count;
	int last;
	static const unsigned char ok[8] = { 'L', 'B', 'F', 'D', 0, 3, 1, 0 };
	static const unsigned char big[8] = { 'L', 'B', 'F', 'D', 1, 0, 0, 0 };
	static const unsigned char bad[8] = { 'L', 'B', 'F', 'X', 0, 0, 1, 0 };

	(void)state;
	assert_int_equal(sockpass_hdr_parse(ok, &count, &last), 0);
	assert_int_equal(count, 3);
	assert_int_equal(last, 1);
	assert_int_equal(sockpass_hdr_parse(big, &count, &last), -1);	/* > batch */
	assert_int_equal(sockpass_hdr_parse(bad, &count, &last), -1);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	assert_int_equal(sockpass_send(sp[0], NULL, 0), 0);
	assert_int_equal(sockpass_recv(sp[1]), 0);
	/* a record announcing descriptors that did not come */
	assert_int_equal(write(sp[0], ok, sizeof(ok)), 8);
	assert_int_equal(sockpass_recv(sp[1]), -1);
	close(sp[0]);
	/* the peer leaving mid-series */
	assert_int_equal(sockpass_recv(sp[1]), -1);
	close(sp[1]);
	sockpass_pool_clear();
}

static void test_join_escapes(void **state)
{
	char *argv[] = { "127.0.0.1:80", "weight", "7", "cookie", "a b;c\\d" };
	char *s = handover_join(5, argv);

	(void)state;
	assert_non_null(s);
	assert_string_equal(s, "127.0.0.1:80 weight 7 cookie a\\ b\\;c\\\\d");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series_over_socketpair),
		cmocka_unit_test(test_empty_series_and_bad_records),
		cmocka_unit_test(test_join_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
