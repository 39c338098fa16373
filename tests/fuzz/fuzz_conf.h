/*
 * fuzz_conf.h - a fuzz target's fixed configuration, loaded once by the
 * real loader from an in-memory file; aborts if it does not load.
 */
#ifndef TESTS_FUZZ_CONF_H
#define TESTS_FUZZ_CONF_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cfg.h"

static inline struct lbd_conf *fuzz_conf_load(const char *text)
{
	char path[64];
	char *paths[1] = { path };
	int fd = memfd_create("fuzz-conf", MFD_CLOEXEC), nwarn;
	struct lbd_conf *conf;

	cfg_resolve_names = 0;
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	conf = cfg_load(paths, 1, 1, &nwarn);
	if (!conf)
		abort();
	return conf;
}

#endif
