/*
 * fuzz_check_http.c - libFuzzer target for judging HTTP check responses
 * (chk_http_expect): every kind of expect rule (status lists, body
 * strings, header matches with each method, the default) on an exact-size
 * heap copy of the input, whole and cut at every tenth of its length, both
 * as data still arriving and as the connection's end. Invariants: "need
 * more" is never the answer once complete; a verdict with a status has a
 * three-digit code.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_http.h"
#include "check_tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void judge(const struct tcpchk_rule *r, const uint8_t *data, size_t len)
{
	struct tcpchk_verdict v;
	char *buf = malloc(len ? len : 1);

	check(buf != NULL);
	if (len)
		memcpy(buf, data, len);
	for (int complete = 0; complete < 2; complete++) {
		int rc = chk_http_expect(r, buf, len, complete, &v);

		check(rc >= -1 && rc <= 1);
		check(!complete || rc != 0);
		check(v.code == 0 || (v.code >= 100 && v.code <= 999));
		check(memchr(v.info, '\0', sizeof(v.info)) != NULL);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tcpchk_match kinds[] = {
		TCPCHK_M_HTTP_STATUS, TCPCHK_M_HTTP_STRING, TCPCHK_M_HTTP_HDR,
		TCPCHK_M_HTTP_DEFAULT,
	};
	struct chk_hdr_match hm = { .name = "x-state", .value = "ready" };
	struct tcpchk_rule r;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (int meth = CHK_HM_STR; meth <= CHK_HM_SUB; meth++) {
			memset(&r, 0, sizeof(r));
			r.kind = TCPCHK_EXPECT;
			r.match = kinds[k];
			r.data = kinds[k] == TCPCHK_M_HTTP_STATUS ? "200-299,304" : "ok";
			r.len = strlen(r.data);
			r.inverse = meth & 1;
			hm.name_m = hm.value_m = (enum chk_hm)meth;
			hm.full = meth & 2;
			r.hdrm = &hm;
			for (size_t cut = 1; cut <= 10; cut++)
				judge(&r, data, size * cut / 10);
			if (kinds[k] != TCPCHK_M_HTTP_HDR)
				break;
		}
	}
	return 0;
}
