/*
 * fuzz_srvstate.c - the server-state file's line parser (srvstate.h) on
 * arbitrary lines, and the commands a parsed row yields against a small
 * configuration that loads that file. Nothing may crash or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cfg.h"
#include "fuzz_conf.h"
#include "proxy.h"
#include "sbuf.h"
#include "srvstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct lbd_conf *conf;

static const char conf_text[] =
	"defaults\n mode http\n timeout connect 1s\n timeout client 1s\n"
	" timeout server 1s\n load-server-state-from-file global\n"
	"backend be\n server s1 127.0.0.1:2 check weight 10\n server s2 127.0.0.1:3\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	conf = fuzz_conf_load(conf_text);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srvstate_row r;
	struct sbuf out = { 0 };
	char err[128], *line;

	if (size > SRVSTATE_LINE_MAX)
		return 0;
	line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	if (srvstate_parse_line(line, &r, err, sizeof(err)) == 1)
		srvstate_row_cmds(conf, &r, SRVSTATE_GLOBAL, NULL, &out);
	sbuf_free(&out);
	free(line);
	return 0;
}
