/*
 * fuzz_substream.c - libFuzzer target for the event-stream client
 * (shared/substream.c) and vrrpd's vrrp_track_lbd on top of it: the input
 * is what lbd would send on its stats socket after "subscribe". The
 * tracker's verdict must stay 0 or 1 and nothing may crash, leak or read
 * out of bounds, whatever the lines say.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "vrrp_conf.h"
#include "vrrp_lbd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf_text[] =
	"vrrp_track_lbd proxy {\n"
	"  socket /nonexistent/lbd-fuzz.sock\n"
	"  backend web min_up 2\n"
	"  backend api\n"
	"  frontend http-in\n"
	"  heartbeat_timeout 300ms\n"
	"}\n"
	"vrrp_instance VI_1 {\n"
	"  interface lo\n"
	"  virtual_router_id 1\n"
	"  virtual_ipaddress {\n"
	"    192.0.2.1\n"
	"  }\n"
	"  track_lbd {\n"
	"    proxy\n"
	"  }\n"
	"}\n";

static int changes;

static void changed(void *arg)
{
	(void)arg;
	changes++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ev_loop *loop;
	static struct vrrp_conf *conf;
	struct vrrp_conf_opts o = { 0 };
	struct vrrp_lbd *l;
	int ok;

	if (!loop)
		loop = ev_loop_new(EVFLAG_AUTO);
	if (!conf)
		conf = vrrp_conf_load_buf("fuzz", conf_text, sizeof(conf_text) - 1, &o);
	if (!loop || !conf)
		abort();
	l = vrrp_lbd_new(loop, conf, changed, NULL);
	if (!l)
		abort();
	vrrp_lbd_feed(l, 0, (const char *)data, size);
	ok = vrrp_lbd_ok(l, "proxy");
	if (ok != 0 && ok != 1)
		abort();
	if (vrrp_lbd_ok(l, "absent") != -1)
		abort();
	if (strlen(vrrp_lbd_why(l, "proxy")) >= 200)
		abort();
	vrrp_lbd_free(l);
	return 0;
}
