/*
 * main.c - lbd's command line and start-up: load and check the
 * configuration, bind, drop privileges, daemonise, run the workers.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "cli.h"
#include "handover.h"
#include "log.h"
#include "master.h"
#include "mworker.h"
#include "proxy.h"
#include "sdnotify.h"
#include "sockpass.h"
#include "srvstate.h"
#include "vars.h"
#include "worker.h"

#include "version.h"
#define MAX_CFG_FILES MASTER_MAX_FILES
#define MAX_FINISH_PIDS 64

static void usage(void)
{
	fprintf(stderr,
		"lbd " LBD_VERSION " - load balancer speaking HAProxy's configuration\n"
		"usage: lbd [-c] [-q] [-d] [-db] [-D] [-V] [-W [-S socket]] [-p pidfile]\n"
		"           [-x socket] [-sf|-st pid...] -f <file|dir> [-f ...]\n"
		"  -f <cfg>   configuration file or directory (*.cfg in order); repeatable\n"
		"  -c         check the configuration and exit (0 valid, 1 invalid)\n"
		"  -q         quiet: no warnings\n"
		"  -d         debug: stay in foreground, verbose diagnostics\n"
		"  -db        stay in the foreground (ignore 'daemon' and -D)\n"
		"  -D         daemon mode (as 'daemon' in global)\n"
		"  -V         verbose\n"
		"  -p <file>  write the pid to <file>\n"
		"  -W         master-worker mode (reload: SIGUSR2 or the master CLI)\n"
		"  -S <path>  master CLI socket (with -W): show proc, reload, @1 <cmd>\n"
		"  -x <path>  take the listening sockets of the process behind this\n"
		"             stats socket (expose-fd listeners)\n"
		"  -sf <pid>... once ready, stop these processes softly (SIGUSR1)\n"
		"  -st <pid>... once ready, stop these processes now (SIGTERM)\n"
		"  -v         print the version and exit\n"
		"  -K         list every configuration keyword and its status\n");
	exit(1);
}

static int raise_fd_limit(unsigned maxconn)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)maxconn * 2 + 100;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur >= want)
		return 0;
	rl.rlim_cur = want <= rl.rlim_max ? want : rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

static int drop_privileges(const struct global *g)
{
	if (g->chroot) {
		if (chroot(g->chroot) < 0 || chdir("/") < 0) {
			log_warn("cannot chroot to '%s'", g->chroot);
			return -1;
		}
	}
	if (g->gid_set || g->uid_set) {
		if (setgroups(0, NULL) < 0 && errno != EPERM) {
			log_warn("setgroups");
			return -1;
		}
	}
	if (g->gid_set && setgid(g->gid) < 0) {
		log_warn("cannot set gid %u", (unsigned)g->gid);
		return -1;
	}
	if (g->uid_set && setuid(g->uid) < 0) {
		log_warn("cannot set uid %u", (unsigned)g->uid);
		return -1;
	}
	return 0;
}

/* The pidfile is opened before privileges are dropped (its directory is
 * usually root's) and written once the final pid is known. */
static int open_pidfile(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		log_warn("cannot create pidfile %s", path);
	return fd;
}

static int write_pidfile(int fd)
{
	char buf[32];
	int n;

	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* Fork into the background. The parent returns to its caller only once
 * the child has written the pidfile, so a script that runs "lbd -D" and
 * then reads the pidfile never races; it exits 1 if the child died
 * before getting there. */
static int daemonize(int *ready_fd)
{
	int p[2];
	pid_t pid;
	int fd;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		char c;
		ssize_t n;

		close(p[1]);
		do
			n = read(p[0], &c, 1);
		while (n < 0 && errno == EINTR);
		_exit(n == 1 ? 0 : 1);
	}
	close(p[0]);
	*ready_fd = p[1];
	if (setsid() < 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

static void daemon_ready(int ready_fd)
{
	if (ready_fd < 0)
		return;
	if (write(ready_fd, "1", 1) != 1)
		log_warn("cannot notify the parent process");
	close(ready_fd);
}

static void open_logs(struct lbd_conf *conf)
{
	for (unsigned i = 0; i < conf->global.nlogs; i++)
		if (slog_target_open(&conf->global.logs[i]) < 0)
			log_warn("cannot open log target %u", i + 1);
	for (struct proxy *px = conf->proxies; px; px = px->next)
		for (unsigned i = 0; i < px->nlogs; i++)
			if (px->logs[i].fd < 0 && slog_target_open(&px->logs[i]) < 0)
				log_warn("proxy %s: cannot open log target %u", px->id, i + 1);
}

static void close_logs(struct lbd_conf *conf)
{
	/* "log global" copies share the global socket: close each fd once */
	for (struct proxy *px = conf->proxies; px; px = px->next)
		for (unsigned i = 0; i < px->nlogs; i++) {
			int shared = 0;

			for (unsigned j = 0; j < conf->global.nlogs; j++)
				if (px->logs[i].fd == conf->global.logs[j].fd)
					shared = 1;
			if (!shared)
				slog_target_close(&px->logs[i]);
		}
	for (unsigned i = 0; i < conf->global.nlogs; i++)
		slog_target_close(&conf->global.logs[i]);
}

/* HAProxy's options that are not single letters, taken out of argv before
 * getopt: "-sf"/"-st" followed by pids, "-db" (stay in the foreground).
 * Returns the new argc. */
static int take_long_opts(int argc, char **argv, int *pids, unsigned *n, int *hard,
			  int *foreground)
{
	int out = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-db") == 0) {
			*foreground = 1;
			continue;
		}
		if (strcmp(argv[i], "-sf") != 0 && strcmp(argv[i], "-st") != 0) {
			argv[out++] = argv[i];
			continue;
		}
		*hard = argv[i][2] == 't';
		while (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
			char *end;
			long pid = strtol(argv[++i], &end, 10);

			if (*end || pid <= 0 || pid > 0x7fffffff)
				fatalx("-s%c: '%s' is not a process id", argv[i - 1][2], argv[i]);
			if (*n == MAX_FINISH_PIDS)
				fatalx("-sf/-st: at most %d processes", MAX_FINISH_PIDS);
			pids[(*n)++] = (int)pid;
		}
	}
	argv[out] = NULL;
	return out;
}

/* Master-worker mode: the master daemonises and writes the pidfile; the
 * workers it starts do the rest. */
static int run_master(struct lbd_conf *conf, struct master_opts *o,
		      const char *pidfile, int daemon_opt)
{
	int pid_fd = -1, ready_fd = -1, daemon = conf->global.daemon || daemon_opt;

	if (!pidfile)
		pidfile = conf->global.pidfile;
	o->max_reloads = conf->global.mworker_max_reloads;
	if (pidfile)
		pid_fd = open_pidfile(pidfile);
	lbd_conf_free(conf);
	signal(SIGPIPE, SIG_IGN);
	sdn_init();
	if (daemon && !o->debug && daemonize(&ready_fd) < 0)
		fatal("daemon");
	write_pidfile(pid_fd);
	o->ready_fd = ready_fd;		/* told once the first worker serves */
	return master_run(o);
}

int main(int argc, char **argv)
{
	char *files[MAX_CFG_FILES];
	int nfiles = 0, check = 0, quiet = 0, debug = 0, daemon_opt = 0, verbose = 0;
	const char *pidfile = NULL;
	struct lbd_conf *conf;
	int nwarn = 0, opt, rc, pid_fd = -1, ready_fd = -1, master = 0, wmode;
	const char *mcli_path = NULL, *xsock = NULL;
	int finish[MAX_FINISH_PIDS], finish_hard = 0, foreground = 0;
	unsigned nfinish = 0;

	argc = take_long_opts(argc, argv, finish, &nfinish, &finish_hard, &foreground);
	while ((opt = getopt(argc, argv, "f:cqdDVp:vhWKS:x:s")) != -1) {
		switch (opt) {
		case 'f':
			if (nfiles == MAX_CFG_FILES)
				fatalx("too many -f options (max %d)", MAX_CFG_FILES);
			files[nfiles++] = optarg;
			break;
		case 'c': check = 1; break;
		case 'q': quiet = 1; break;
		case 'd': debug = 1; break;
		case 'D': daemon_opt = 1; break;
		case 'V': verbose = 1; break;
		case 'p': pidfile = optarg; break;
		case 'v':
			printf("lbd version " LBD_VERSION "\n");
			return 0;
		case 'K':
			cfg_kw_dump(stdout);
			return 0;
		case 'W': master = 1; break;
		case 's': break;	/* -Ws: systemd notify, always on with $NOTIFY_SOCKET */
		case 'S': mcli_path = optarg; break;
		case 'x': xsock = optarg; break;
		default:
			usage();
		}
	}
	if (optind < argc || nfiles == 0)
		usage();
	log_init("lbd", debug ? 2 : verbose);
	conf = cfg_load(files, nfiles, quiet, &nwarn);
	if (!conf)
		return 1;
	if (check) {
		printf("Configuration file is valid\n");
		lbd_conf_free(conf);
		return 0;
	}
	if (foreground)		/* -db wins over "daemon" and -D */
		conf->global.daemon = daemon_opt = 0;
	/* a worker that a master started: its sockets come from the master */
	wmode = mworker_init();
	if (wmode < 0) {
		lbd_conf_free(conf);
		return 1;
	}
	master = !wmode && (master || conf->global.master_worker);
	if (mcli_path && !master)
		fatalx("-S needs master-worker mode (-W or 'master-worker')");
	if (master) {
		struct master_opts o = {
			.files = files, .nfiles = nfiles, .quiet = quiet,
			.debug = debug, .verbose = verbose, .cli_path = mcli_path,
			.ready_fd = -1,
		};

		return run_master(conf, &o, pidfile, daemon_opt);
	}
	mworker_set_finish(finish, nfinish, finish_hard);
	if (xsock && sockpass_fetch(xsock) >= 0)
		handover_fetch(xsock);
	srvstate_load(conf);
	signal(SIGPIPE, SIG_IGN);
	sdn_init();
	memset(&lbd, 0, sizeof(lbd));
	lbd.conf = conf;
	lbd.start_time = (double)time(NULL);
	if (gethostname(lbd.hostname, sizeof(lbd.hostname) - 1) < 0)
		strcpy(lbd.hostname, "localhost");
	if (raise_fd_limit(conf->global.maxconn) < 0)
		log_warn("cannot raise the file descriptor limit for maxconn %u",
			 conf->global.maxconn);
	lbd.hard_maxconn = conf->global.maxconn;
	/* a stop asked for once the ports answer must wait for the loop's
	 * watchers (worker_run_all), not kill us by default */
	worker_block_signals(1);
	/* the stats sockets first: once a frontend port answers, they exist */
	if (cli_bind_all(conf) < 0 || worker_bind_all() < 0) {
		lbd_conf_free(conf);
		return 1;
	}
	open_logs(conf);
	if (!pidfile && !wmode)
		pidfile = conf->global.pidfile;
	if (pidfile && !wmode)
		pid_fd = open_pidfile(pidfile);
	if (drop_privileges(&conf->global) < 0) {
		lbd_conf_free(conf);
		return 1;
	}
	if ((conf->global.daemon || daemon_opt) && !debug && !wmode &&
	    daemonize(&ready_fd) < 0)
		fatal("daemon");
	lbd.pid = (unsigned)getpid();
	write_pidfile(pid_fd);
	daemon_ready(ready_fd);
	rc = worker_run_all();
	vars_free_proc();
	close_logs(conf);
	lbd_conf_free(conf);
	return rc;
}
