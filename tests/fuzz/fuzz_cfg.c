/*
 * fuzz_cfg.c - the whole configuration loader on arbitrary file contents:
 * lexing, sections, keyword tables, server/bind lines, validation. Names
 * are never resolved (no DNS from fuzz inputs); loading must not crash or
 * leak whatever the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cfg.h"
#include "proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* the loader reports errors on stderr: make fuzz runs it with
	 * -close_fd_mask=2 to keep libFuzzer's own output readable */
	cfg_resolve_names = 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	char *paths[1] = { path };
	struct lbd_conf *conf;
	int fd = memfd_create("fuzz-cfg", MFD_CLOEXEC), nwarn;

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	conf = cfg_load(paths, 1, 1, &nwarn);
	lbd_conf_free(conf);
	close(fd);
	return 0;
}
