/*
 * fuzz_acl.c - ACL declarations, conditions, sample expressions and rule
 * value formats on arbitrary text, then evaluated against an arbitrary
 * request. Input: lines "acl <name> <fetch> ...", "if|unless <terms>" or
 * "fmt <log-format>", then a line "--" and the raw request head.
 * Parsing and matching must not crash, leak or read out of bounds.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "arena.h"
#include "hmsg.h"
#include "http1.h"
#include "http_rules.h"
#include "logfmt.h"
#include "proxy.h"
#include "sample.h"
#include "session.h"

#define MAX_ITEMS 16
#define MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int split(char *line, char **w)
{
	int n = 0;

	for (char *t = strtok(line, " \t"); t && n < MAX_WORDS; t = strtok(NULL, " \t"))
		w[n++] = t;
	return n;
}

static void run(struct acl_cond **conds, int nc, struct logfmt **fmts, int nf,
		const char *req, size_t len)
{
	static char area[65536];
	struct http1_hdr hdrs[64];
	struct http1_msg m = { .hdrs = hdrs, .max_hdrs = 32 };
	struct arena a = { area, sizeof(area), 0 };
	struct proxy fe;
	struct session s;
	struct txn t;
	struct hmsg h;
	struct smp_ctx c = { .s = &s, .req = &h, .a = &a };

	if (http1_parse_request(req, len, &m) <= 0)
		return;
	memset(&fe, 0, sizeof(fe));
	memset(&s, 0, sizeof(s));
	memset(&t, 0, sizeof(t));
	fe.id = "fe";
	s.fe = &fe;
	s.t = &t;
	s.cli_addr.in4.sin_family = AF_INET;
	s.cli_addr.in4.sin_addr.s_addr = htonl(0x7f000001);
	s.cli_addr.in4.sin_port = htons(1234);
	s.fe_addr.in6.sin6_family = AF_INET6;
	s.fe_addr.in6.sin6_port = htons(80);
	hmsg_init(&h, &m, 64, &a, 0);
	for (int i = 0; i < nc; i++)
		acl_cond_exec(conds[i], &c);
	for (int i = 0; i < nf; i++) {
		size_t n;

		hrule_render(fmts[i], &c, &n);
		/* the rewrites the rules do, with what the format gave */
		arena_reset(&a);
		hmsg_set_path(&h, "/x", 2);
		hmsg_set_query(&h, "", 0);
		hmsg_add(&h, "x-a", 3, "b", 1);
		hmsg_del(&h, "x-a", 3);
		hmsg_start_line(&h, &n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *req, *line, *save = NULL;
	struct proxy px;
	struct acl_cond *conds[MAX_ITEMS];
	struct logfmt *fmts[MAX_ITEMS];
	int nc = 0, nf = 0;
	char err[256];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	req = strstr(text, "\n--\n");
	if (req) {
		*req = '\0';
		req += 4;
	}
	memset(&px, 0, sizeof(px));
	px.id = "fuzz";
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *w[MAX_WORDS];
		int n;

		if (strncmp(line, "fmt ", 4) == 0) {
			if (nf < MAX_ITEMS &&
			    (fmts[nf] = logfmt_compile_smp(line + 4, &hrule_smp_ops, err, sizeof(err))))
				nf++;
			continue;
		}
		n = split(line, w);
		if (n && strcmp(w[0], "acl") == 0)
			acl_declare(&px, n, w, err, sizeof(err));
		else if (n && (strcmp(w[0], "if") == 0 || strcmp(w[0], "unless") == 0) &&
			 nc < MAX_ITEMS && (conds[nc] = acl_cond_parse(&px, n, w, err, sizeof(err))))
			nc++;
	}
	if (req)
		run(conds, nc, fmts, nf, req, size - (size_t)(req - text));
	for (int i = 0; i < nc; i++)
		acl_cond_free(conds[i]);
	for (int i = 0; i < nf; i++)
		logfmt_free(fmts[i]);
	acl_free_all(px.acls);
	free(text);
	return 0;
}
