/*
 * fuzz_cli.c - the runtime API's line parser and every command on
 * arbitrary lines at the admin level, and the stats page's request
 * handling (URI options, the admin form's body) and the exporter's query
 * parser, against a small configuration loaded once; the reload hand-over
 * commands (_counters, _stkt, _dumpstate) included. Nothing may crash
 * or leak whatever the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cfg.h"
#include "cli.h"
#include "fuzz_conf.h"
#include "prom.h"
#include "proxy.h"
#include "sbuf.h"
#include "service.h"
#include "stats_page.h"
#include "worker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char conf_text[] =
	"global\n maxconn 100\n stats socket /nonexistent/fuzz.sock level admin\n"
	"defaults\n mode http\n timeout connect 1s\n timeout client 1s\n"
	" timeout server 1s\n"
	"frontend fe\n bind 127.0.0.1:1\n default_backend be\n"
	"backend be\n server s1 127.0.0.1:2 check\n server s2 127.0.0.1:3 backup\n"
	" stick-table type ip size 10 store gpc0,http_req_cnt\n"
	"listen stats\n bind 127.0.0.1:4\n stats uri /st\n stats admin if TRUE\n"
	" http-request use-service prometheus-exporter if { path /metrics }\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	lbd.conf = fuzz_conf_load(conf_text);
	lbd.hard_maxconn = lbd.conf->global.maxconn;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf out = { 0 };
	char *s;

	if (size < 1 || size > 8192)
		return 0;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 4) {
	case 0:
	case 1:
		cli_run_line(s, 1 + data[0] % 3, &out);
		break;
	case 2: {
		struct proxy *px = proxy_find(lbd.conf, "stats", PR_CAP_FE);
		struct stats_page_req r = { .conf = px->svc, .px = px, .admin = 1,
					    .post = size & 1 };
		char extra[512];
		const char *ctype;
		size_t ulen = strlen(s);
		char *uri = malloc(ulen + 4);

		if (uri) {
			memcpy(uri, "/st", 3);
			memcpy(uri + 3, s, ulen + 1);
			r.uri = uri;
			r.body = s;
			r.body_len = ulen;
			stats_page_build(&r, &out, extra, sizeof(extra), &ctype);
			free(uri);
		}
		break;
	}
	default: {
		unsigned scopes;
		int no_maint;

		if (prom_parse_query(s, &scopes, &no_maint) == 0)
			prom_dump(&out, scopes & PROM_SCOPE_SERVER, no_maint);
	}
	}
	sbuf_free(&out);
	free(s);
	return 0;
}
