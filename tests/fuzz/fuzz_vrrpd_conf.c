/*
 * fuzz_vrrpd_conf.c - libFuzzer target for vrrpd's keepalived.conf reader:
 * the preprocessor ($PARAM, @id, ~SEQ, multi-line definitions) and the
 * keyword parser with its whole-configuration checks. Input: one control
 * byte (bit 0: check mode), then the configuration text, parsed from an
 * exact-size heap copy so ASan sees any over-read. "include" is refused
 * (no file system access). abort() when a configuration is returned that
 * breaks an invariant the daemon relies on.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "vrrp_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *arg, int warning, const char *msg)
{
	size_t *n = arg;

	*n += strlen(msg);
}

static void check(const struct vrrp_conf *c)
{
	for (size_t i = 0; i < c->ninstances; i++) {
		const struct vrrp_conf_instance *vi = &c->instances[i];
		int v = vrrp_conf_version(c, vi);

		if (!vi->vrid || !vi->interface[0] || !vi->nvips ||
		    vi->priority == 0 || vi->advert_cs == 0)
			abort();
		if (v != 2 && v != 3)
			abort();
		if (v == 2 && (vi->family != AF_INET || vi->advert_cs % 100))
			abort();
		if (v == 3 && (vi->advert_cs > 4095 || vi->auth_type))
			abort();
		for (size_t j = 0; j < vi->nvips; j++)
			if (vi->vips[j].addr.family != vi->family)
				abort();
		for (size_t j = 0; j < vi->ntrack_scripts; j++)
			if (!vrrp_conf_script(c, vi->track_scripts[j].name))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrp_conf_opts o = { .config_id = "node1", .msg = sink };
	size_t msgbytes = 0;
	struct vrrp_conf *c;
	char *copy;

	if (size < 1)
		return 0;
	o.check_mode = data[0] & 1;
	o.arg = &msgbytes;
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	c = vrrp_conf_load_buf("fuzz.conf", copy, size - 1, &o);
	if (c)
		check(c);
	vrrp_conf_free(c);
	free(copy);
	return 0;
}
