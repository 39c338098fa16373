/*
 * test_vrrp_proc.c - vrrp_track_process at run time, in whatever network
 * namespace the test runs: the proc connector in the initial one (where
 * `make check` runs it), pidfds and /proc rescans elsewhere. A copy of
 * sleep(1) under a name of its own is started, counted, SIGKILLed and no
 * longer counted. No network traffic: the connector is local netlink.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ev.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vrrp_conf.h"
#include "vrrp_proc.h"

struct run {
	struct ev_loop *loop;
	struct vrrp_proc *p;
	unsigned want;
	int changes;
};

static void changed(void *arg)
{
	((struct run *)arg)->changes++;
}

static void poll_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct run *r = w->data;

	if (vrrp_proc_count(r->p, "t") == r->want)
		ev_break(loop, EVBREAK_ONE);
}

/* Run the loop until the tracker counts want processes (or the caller's
 * limit timer breaks it). */
static int wait_count(struct run *r, unsigned want)
{
	ev_timer poll;

	r->want = want;
	ev_timer_init(&poll, poll_cb, 0.01, 0.01);
	poll.data = r;
	ev_timer_start(r->loop, &poll);
	ev_run(r->loop, 0);
	ev_timer_stop(r->loop, &poll);
	return vrrp_proc_count(r->p, "t") == want ? 0 : -1;
}

static void limit_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	close(in);
	close(out);
	return n == 0 ? 0 : -1;
}

static void test_start_and_sigkill(void **state)
{
	char dir[] = "/tmp/vrrp-proc-XXXXXX", path[64], conf[256], name[16];
	struct run r = { .loop = ev_loop_new(EVFLAG_AUTO) };
	struct vrrp_conf_opts o = { .check_mode = 1 };
	struct vrrp_conf *c;
	ev_timer limit;
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	snprintf(name, sizeof(name), "vtu%d", (int)getpid() % 1000000);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(copy_file("/bin/sleep", path), 0);
	snprintf(conf, sizeof(conf), "vrrp_track_process t {\n process %s\n}\n",
		 name);
	c = vrrp_conf_load_buf("t.conf", conf, strlen(conf), &o);
	assert_non_null(c);
	r.p = vrrp_proc_new(r.loop, c, changed, &r);
	assert_non_null(r.p);
	assert_int_equal(vrrp_proc_ok(r.p, "t"), 0);
	ev_timer_init(&limit, limit_cb, 0., 5.);
	ev_timer_again(r.loop, &limit);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(path, name, "30", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(wait_count(&r, 1), 0);
	assert_int_equal(vrrp_proc_ok(r.p, "t"), 1);
	kill(pid, SIGKILL);
	/* a zombie is not running: gone before it is reaped */
	ev_timer_again(r.loop, &limit);
	assert_int_equal(wait_count(&r, 0), 0);
	assert_int_equal(vrrp_proc_ok(r.p, "t"), 0);
	assert_int_equal(r.changes, 2);
	waitpid(pid, NULL, 0);

	ev_timer_stop(r.loop, &limit);
	vrrp_proc_free(r.p);
	vrrp_conf_free(c);
	ev_loop_destroy(r.loop);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_and_sigkill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
