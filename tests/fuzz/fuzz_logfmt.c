/*
 * fuzz_logfmt.c - libFuzzer target: the input is a log-format string.
 * When it compiles, render it with every field filled (IPv4, IPv6 and unix
 * addresses, encodable bytes in every string) into buffers of several
 * sizes, and check that each result is NUL-terminated, has the returned
 * length, stays in bounds and is a prefix of the untruncated rendering.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "logfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char reqline[] = "GET http://h.example/p\"a#th?q=\x01\xff] HTTP/1.1";

static void fill_vars(struct logfmt_vars *v, unsigned variant)
{
	struct sockaddr_in *s4;
	struct sockaddr_in6 *s6;

	logfmt_vars_init(v);
	s4 = (struct sockaddr_in *)&v->cli;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(52350);
	s4->sin_addr.s_addr = htonl(0x7f000001);
	s6 = (struct sockaddr_in6 *)&v->fe;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(443);
	inet_pton(AF_INET6, "2001:db8::1", &s6->sin6_addr);
	((struct sockaddr_un *)&v->srv)->sun_family = AF_UNIX;
	v->be_src = v->cli;
	v->has_srv = v->has_be_src = (int)(variant & 1);
	v->listener_id = 7;
	v->accept_date.tv_sec = 1795599030;
	v->accept_date.tv_usec = 87000;
	v->request_date = v->accept_date;
	v->frontend = "fe\"]\\";
	v->fe_ssl = (int)(variant & 1);
	v->backend = "be";
	v->server = variant & 1 ? "s1" : NULL;
	v->hostname = "host";
	v->Th = 1; v->Ti = 2; v->TR = 3; v->Tw = -1; v->Tc = 5;
	v->Tr = 6; v->Td = 7; v->Ta = 8; v->Tt = 9; v->Tq = 10;
	v->status = 200;
	v->bytes_out = UINT64_MAX;
	v->bytes_in = 133;
	memcpy(v->term_state, variant & 1 ? "CD--" : "s\0\0\0", 5);
	v->retries = 3;
	v->redispatched = (int)(variant & 1);
	v->captured_req_cookie = "SESS=a\\b]c\"d";
	v->hdrs_req = "{a#22b|#7Cc|}";
	v->hdrs_res = variant & 1 ? "{}" : NULL;
	if (variant & 1) {
		v->request_line = reqline;
		v->request_line_len = sizeof(reqline) - 1;
	}
	v->version = variant & 2 ? "HTTP/1.1" : NULL;
	v->unique_id = "id";
	v->pid = 1;
	v->req_counter = 0xffffffffffffULL;
	v->log_counter = 5;
}

static void check(const struct logfmt *lf, const struct logfmt_vars *v)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 16, 64, 257 };
	static char full[65536], out[300];
	size_t n, flen, i;

	flen = logfmt_render(lf, v, full, sizeof(full));
	if (flen >= sizeof(full) || full[flen] != '\0' || strlen(full) != flen)
		abort();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(out, 0x5a, sizeof(out));
		n = logfmt_render(lf, v, out, sizes[i]);
		if (n >= sizes[i] || out[n] != '\0' || strlen(out) != n)
			abort();
		if (memcmp(out, full, n) != 0)	/* a prefix of the full line */
			abort();
		if (sizes[i] < sizeof(out) && out[sizes[i]] != 0x5a)
			abort();		/* wrote past outlen */
	}
	memset(out, 0x5a, sizeof(out));
	if (logfmt_render(lf, v, out, 0) != 0 || out[0] != 0x5a)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logfmt_vars v;
	struct logfmt *lf;
	char err[128], *fmt;
	unsigned variant;

	fmt = malloc(size + 1);
	if (!fmt)
		return 0;
	memcpy(fmt, data, size);
	fmt[size] = '\0';
	lf = logfmt_compile(fmt, err, sizeof(err));
	if (!lf) {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			abort();	/* every failure says why */
	} else {
		(void)logfmt_uses_http(lf);
		for (variant = 0; variant < 4; variant++) {
			fill_vars(&v, variant);
			check(lf, &v);
		}
	}
	logfmt_free(lf);
	free(fmt);
	return 0;
}
