/*
 * handover.c - runtime state from one worker to the next (see handover.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cfg.h"
#include "cli.h"
#include "counters.h"
#include "handover.h"
#include "log.h"
#include "proxy.h"
#include "sbuf.h"
#include "sockpass.h"
#include "stktable.h"
#include "worker.h"

#define HANDOVER_HEADER	"# lbd state 1"

#define HF(f)	{ #f, offsetof(struct pr_counters, f) }
static const struct {
	const char *name;
	size_t off;
} ho_fields[] = {
	HF(cum_conn), HF(cum_sess), HF(cum_req), HF(cum_lbconn), HF(bytes_in),
	HF(bytes_out), HF(denied_req), HF(denied_resp), HF(denied_conn),
	HF(denied_sess), HF(failed_req), HF(failed_conns), HF(failed_resp),
	HF(cli_aborts), HF(srv_aborts), HF(retries), HF(redispatches),
	HF(intercepted), HF(failed_rewrites), HF(internal_errors), HF(connect),
	HF(reuse), HF(http_rsp[0]), HF(http_rsp[1]), HF(http_rsp[2]),
	HF(http_rsp[3]), HF(http_rsp[4]), HF(http_rsp[5]), HF(last_sess),
};
#define HO_NFIELDS	(sizeof(ho_fields) / sizeof(ho_fields[0]))
#define HO_LAST_SESS	(HO_NFIELDS - 1)	/* the latest wins, not a sum */

static char *ho_text, *ho_file;
static size_t ho_len, ho_file_len;

/* ---- dump ---- */

static void ho_counters(struct sbuf *out, const char *kind, const char *name,
			const char *sub, const struct pr_counters *cnt)
{
	unsigned n = lbd.conf->global.nbthread;

	if (!cnt)
		return;
	sbuf_printf(out, "_counters %s %s%s%s", kind, name, sub ? "/" : "", sub ? sub : "");
	for (size_t i = 0; i < HO_NFIELDS; i++)
		sbuf_printf(out, " %llu", i == HO_LAST_SESS ? cnt_last(cnt, n) :
			    cnt_sum(cnt, n, ho_fields[i].off));
	sbuf_puts(out, "\n");
}

static void ho_server(struct sbuf *out, const struct server *sv)
{
	const char *be = sv->be->id;

	if ((sv->flags & SRV_F_DYNAMIC) && sv->dyn_args)
		sbuf_printf(out, "add server %s/%s %s\n", be, sv->id, sv->dyn_args);
	if (sv->admin & SRV_ADMF_FMAINT)
		sbuf_printf(out, "set server %s/%s state maint\n", be, sv->id);
	else if (sv->admin & SRV_ADMF_FDRAIN)
		sbuf_printf(out, "set server %s/%s state drain\n", be, sv->id);
	else if ((sv->flags & (SRV_F_DYNAMIC | SRV_F_DISABLED)) &&
		 !(sv->admin & SRV_ADMF_MAINT))
		sbuf_printf(out, "set server %s/%s state ready\n", be, sv->id);
	if (sv->uweight != sv->iweight)
		sbuf_printf(out, "set server %s/%s weight %u\n", be, sv->id, sv->uweight);
	if (sv->flags & SRV_F_ADDR_SET) {
		char ip[64];
		unsigned port = sockaddr_ip_port((const struct sockaddr *)&sv->addr,
						 ip, sizeof(ip));

		if (ip[0])
			sbuf_printf(out, "set server %s/%s addr %s port %u\n", be,
				    sv->id, ip, port);
	}
	if (sv->check && !sv->oper_up)
		sbuf_printf(out, "set server %s/%s health down\n", be, sv->id);
}

void handover_dump(struct sbuf *out)
{
	sbuf_puts(out, HANDOVER_HEADER "\n");
	for (struct proxy *px = lbd.conf->proxies; px; px = px->next) {
		if (px->cap & PR_CAP_FE)
			ho_counters(out, "fe", px->id, NULL, px->fe_cnt);
		if (!(px->cap & PR_CAP_BE))
			continue;
		ho_counters(out, "be", px->id, NULL, px->be_cnt);
		pthread_mutex_lock(&px->lock);
		for (struct server *sv = px->servers; sv; sv = sv->next) {
			ho_server(out, sv);
			ho_counters(out, "sv", px->id, sv->id, sv->cnt);
		}
		pthread_mutex_unlock(&px->lock);
	}
	stkt_dump_state(out, lbd.conf->proxies);
}

/* ---- take over ---- */

int handover_counters(int argc, char **argv, char *err, size_t errlen)
{
	struct pr_counters *cnt = NULL;
	struct proxy *px;
	char name[256], *slash;
	unsigned long long v[HO_NFIELDS];

	if (argc != 2 + (int)HO_NFIELDS || strlen(argv[1]) >= sizeof(name)) {
		snprintf(err, errlen, "_counters: <fe|be|sv> <name> and %zu values.",
			 HO_NFIELDS);
		return -1;
	}
	for (size_t i = 0; i < HO_NFIELDS; i++) {
		char *end;

		errno = 0;
		v[i] = strtoull(argv[2 + i], &end, 10);
		if (errno || *end || end == argv[2 + i] || argv[2 + i][0] == '-') {
			snprintf(err, errlen, "_counters: '%s' is not a counter value.",
				 argv[2 + i]);
			return -1;
		}
	}
	strcpy(name, argv[1]);
	slash = strchr(name, '/');
	if (strcmp(argv[0], "sv") == 0 && slash) {
		*slash = '\0';
		px = proxy_find(lbd.conf, name, PR_CAP_BE);
		struct server *sv = px ? proxy_find_server(px, slash + 1) : NULL;

		cnt = sv ? sv->cnt : NULL;
	} else if (strcmp(argv[0], "fe") == 0 && !slash) {
		px = proxy_find(lbd.conf, name, PR_CAP_FE);
		cnt = px ? px->fe_cnt : NULL;
	} else if (strcmp(argv[0], "be") == 0 && !slash) {
		px = proxy_find(lbd.conf, name, PR_CAP_BE);
		cnt = px ? px->be_cnt : NULL;
	}
	if (!cnt) {
		snprintf(err, errlen, "_counters: no such %s '%s'.", argv[0], argv[1]);
		return -1;
	}
	/* into the first thread's block: the sums see them */
	for (size_t i = 0; i < HO_NFIELDS; i++) {
		atomic_ullong *c = (atomic_ullong *)((char *)cnt + ho_fields[i].off);

		if (i == HO_LAST_SESS) {
			if (v[i] > atomic_load(c))
				atomic_store(c, v[i]);
		} else {
			cnt_add64(c, v[i]);
		}
	}
	return 0;
}

char *handover_join(int argc, char **argv)
{
	struct sbuf b = { 0 };

	for (int i = 0; i < argc; i++) {
		if (i)
			sbuf_puts(&b, " ");
		for (const char *p = argv[i]; *p; p++) {
			if (*p == ' ' || *p == '\t' || *p == ';' || *p == '\\')
				sbuf_puts(&b, "\\");
			sbuf_add(&b, p, 1);
		}
	}
	sbuf_add(&b, "", 1);
	if (b.err) {
		sbuf_free(&b);
		return NULL;
	}
	return b.d;
}

void handover_keep(char *text, size_t len)
{
	free(ho_text);
	ho_text = text;
	ho_len = len;
}

int handover_fetch(const char *path)
{
	struct sbuf b = { 0 };
	char buf[16384];
	ssize_t n;
	int fd = sockpass_connect(path, "_dumpstate\n");

	if (fd < 0) {
		log_warn("-x %s: cannot ask for the runtime state", path);
		return -1;
	}
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0 && b.len < HANDOVER_MAX)
		sbuf_add(&b, buf, (size_t)n);
	close(fd);
	if (n < 0 || b.err || b.len >= HANDOVER_MAX) {
		log_warn("-x %s: the runtime state did not arrive whole", path);
		sbuf_free(&b);
		return -1;
	}
	handover_keep(b.d, b.len);
	return 0;
}

void handover_keep_file(char *text, size_t len)
{
	free(ho_file);
	ho_file = text;
	ho_file_len = len;
}

/* Run each complete line of text as a command at admin level. */
static unsigned ho_run(char *text, size_t len, const char *what)
{
	unsigned ran = 0;
	char *p, *nl;

	for (p = text; p < text + len; p = nl + 1) {
		struct sbuf reply = { 0 };

		nl = memchr(p, '\n', (size_t)(text + len - p));
		if (!nl)
			break;		/* a cut last line is not run */
		*nl = '\0';
		if (!*p || *p == '#' || strlen(p) != (size_t)(nl - p))
			continue;
		cli_run_line(p, CLI_LVL_ADMIN, &reply);
		ran++;
		if (reply.len > 1)
			log_debug("%s: %s: %.*s", what, p, (int)reply.len - 1, reply.d);
		sbuf_free(&reply);
	}
	return ran;
}

unsigned handover_apply(void)
{
	unsigned ran = 0;

	if (ho_file && !ho_text) {
		ran = ho_run(ho_file, ho_file_len, "server-state-file");
		log_info("applied the server-state file (%u commands)", ran);
	}
	free(ho_file);
	ho_file = NULL;
	if (!ho_text)
		return ran;
	if (ho_len < sizeof(HANDOVER_HEADER) ||
	    memcmp(ho_text, HANDOVER_HEADER "\n", sizeof(HANDOVER_HEADER)) != 0) {
		log_warnx("the previous worker's runtime state is not in a format "
			  "this version reads: not taken over");
		goto out;
	}
	ran = ho_run(ho_text, ho_len, "state");
	log_info("took over the runtime state of the previous worker (%u commands)", ran);
out:
	free(ho_text);
	ho_text = NULL;
	ho_len = 0;
	return ran;
}
