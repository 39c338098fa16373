/*
 * test_srv_state.c - a server's effective state from its administrative
 * state and the checks' verdict, the backend's usable-server counts, and
 * the subscribers that hear every change, on a configuration loaded by
 * the real loader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg.h"
#include "log.h"
#include "proxy.h"
#include "server.h"
#include "worker.h"

struct seen {
	int n;
	char srv[8][16];
	enum srv_state old[8], now[8];
	unsigned act[8], bck[8];
};

static void watch(struct server *srv, enum srv_state old, enum srv_state now, void *arg)
{
	struct seen *s = arg;

	if (s->n == 8)
		return;
	snprintf(s->srv[s->n], sizeof(s->srv[0]), "%s", srv->id);
	s->old[s->n] = old;
	s->now[s->n] = now;
	s->act[s->n] = srv->be->srv_act;
	s->bck[s->n] = srv->be->srv_bck;
	s->n++;
}

static int setup(void **state)
{
	static const char text[] =
		"global\n maxconn 10\n"
		"defaults\n mode http\n timeout connect 1s\n timeout client 1s\n"
		" timeout server 1s\n"
		"backend be\n server a 127.0.0.1:1\n server b 127.0.0.1:2\n"
		" server c 127.0.0.1:3 backup\n server d 127.0.0.1:4 disabled\n";
	char path[64];
	char *paths[1] = { path };
	int fd = memfd_create("srv-state", MFD_CLOEXEC), nwarn;

	if (fd < 0 || write(fd, text, sizeof(text) - 1) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	log_init("test", 0);
	lbd.conf = cfg_load(paths, 1, 1, &nwarn);
	close(fd);
	*state = lbd.conf;
	return lbd.conf ? 0 : -1;
}

static int teardown(void **state)
{
	lbd_conf_free(*state);
	lbd.conf = NULL;
	return 0;
}

static void test_states_counts_and_subscribers(void **state)
{
	struct lbd_conf *conf = *state;
	struct proxy *be = proxy_find(conf, "be", PR_CAP_BE);
	struct server *a = proxy_find_server(be, "a"), *b = proxy_find_server(be, "b");
	struct server *d = proxy_find_server(be, "d");
	struct seen seen = { 0 };

	assert_non_null(a);
	assert_int_equal(be->srv_act, 2);
	assert_int_equal(be->srv_bck, 1);
	assert_int_equal(d->state, SRV_ST_MAINT);	/* "disabled" */
	assert_int_equal(d->admin, SRV_ADMF_CMAINT);
	assert_int_equal(srv_watch_add(watch, &seen), 0);

	/* maintenance wins over a passing check; drain only when up */
	srv_set_admin(a, SRV_ADMF_FMAINT, 1, NULL);
	assert_int_equal(a->state, SRV_ST_MAINT);
	srv_set_oper(a, 0, "Layer4 connection problem");
	assert_int_equal(a->state, SRV_ST_MAINT);	/* no change: no event */
	srv_set_admin(a, SRV_ADMF_FMAINT, 0, NULL);
	assert_int_equal(a->state, SRV_ST_DOWN);	/* the verdict shows */
	srv_set_oper(a, 1, "Layer4 check passed");
	assert_int_equal(a->state, SRV_ST_UP);
	srv_set_admin(b, SRV_ADMF_FDRAIN, 1, "agent");
	assert_int_equal(b->state, SRV_ST_DRAIN);
	assert_int_equal(be->srv_act, 1);
	srv_set_oper(b, 0, "down");
	assert_int_equal(b->state, SRV_ST_DOWN);
	srv_set_admin(b, SRV_ADMF_FDRAIN, 0, NULL);
	assert_int_equal(b->state, SRV_ST_DOWN);	/* drain gone, still down */
	srv_set_admin(d, SRV_ADMF_MAINT, 0, NULL);	/* "enable server" */
	assert_int_equal(d->state, SRV_ST_UP);

	assert_int_equal(seen.n, 6);
	assert_string_equal(seen.srv[0], "a");
	assert_int_equal(seen.old[0], SRV_ST_UP);
	assert_int_equal(seen.now[0], SRV_ST_MAINT);
	assert_int_equal(seen.act[0], 1);		/* counts already updated */
	assert_int_equal(seen.now[1], SRV_ST_DOWN);
	assert_int_equal(seen.now[2], SRV_ST_UP);
	assert_int_equal(seen.act[2], 2);
	assert_string_equal(seen.srv[3], "b");
	assert_int_equal(seen.now[3], SRV_ST_DRAIN);
	assert_int_equal(seen.old[4], SRV_ST_DRAIN);
	assert_int_equal(seen.now[4], SRV_ST_DOWN);
	assert_string_equal(seen.srv[5], "d");
	assert_int_equal(seen.act[5], 2);
	assert_int_equal(seen.bck[5], 1);

	srv_watch_del(watch, &seen);
	srv_set_oper(b, 1, "up");
	assert_int_equal(seen.n, 6);
	for (int i = 0; i < SRV_WATCH_MAX; i++)
		assert_int_equal(srv_watch_add(watch, &seen), 0);
	assert_int_equal(srv_watch_add(watch, &seen), -1);
	for (int i = 0; i < SRV_WATCH_MAX; i++)
		srv_watch_del(watch, &seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states_counts_and_subscribers),
	};
	return cmocka_run_group_tests_name("srv_state", tests, setup, teardown);
}
