/*
 * srvstate.c - HAProxy's server-state file read at start (see srvstate.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "handover.h"
#include "log.h"
#include "proxy.h"
#include "sbuf.h"
#include "srvstate.h"

#define SRVSTATE_MIN_FIELDS	19	/* up to srv_port (HAProxy 1.8 on) */
#define SRVSTATE_MAX_FIELDS	32

/* Proxy and server names: what a configuration accepts, nothing that
 * the runtime API would read as a separator or escape. */
static int srvstate_name_ok(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
		      c == ':'))
			return 0;
	}
	return n > 0 && n <= SRVSTATE_NAME_MAX;
}

static int srvstate_uint(const char *s, unsigned max, unsigned *v)
{
	unsigned long x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		x = x * 10 + (unsigned long)(*s - '0');
		if (x > max)
			return -1;
	}
	*v = (unsigned)x;
	return 0;
}

int srvstate_parse_line(char *line, struct srvstate_row *r, char *err, size_t errlen)
{
	char *f[SRVSTATE_MAX_FIELDS], *p = line;
	int n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return 0;
	if (strcmp(p, "1") == 0)		/* the format version */
		return 0;
	while (*p) {
		if (n == SRVSTATE_MAX_FIELDS) {
			snprintf(err, errlen, "too many fields");
			return -1;
		}
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
	}
	if (n < SRVSTATE_MIN_FIELDS) {
		snprintf(err, errlen, "%d fields, expected at least %d (is it "
			 "'show servers state' output, format 1?)", n, SRVSTATE_MIN_FIELDS);
		return -1;
	}
	if (!srvstate_name_ok(f[1]) || !srvstate_name_ok(f[3])) {
		snprintf(err, errlen, "invalid backend or server name");
		return -1;
	}
	if (srvstate_uint(f[5], 3, &r->op_state) < 0 ||
	    srvstate_uint(f[6], 0xff, &r->admin) < 0 ||
	    srvstate_uint(f[7], 256, &r->uweight) < 0 ||
	    srvstate_uint(f[8], 256, &r->iweight) < 0 ||
	    srvstate_uint(f[18], 65535, &r->port) < 0) {
		snprintf(err, errlen, "invalid state, weight or port");
		return -1;
	}
	r->be_name = f[1];
	r->srv_name = f[3];
	r->addr = f[4];
	return 1;
}

/* The address of the row when it is a literal one and differs. */
static int srvstate_addr_differs(const struct server *sv, const struct srvstate_row *r)
{
	struct in6_addr a6;
	struct in_addr a4;
	char ip[INET6_ADDRSTRLEN];
	unsigned port = sockaddr_ip_port((const struct sockaddr *)&sv->addr, ip,
					 sizeof(ip));

	if (inet_pton(AF_INET, r->addr, &a4) != 1 && inet_pton(AF_INET6, r->addr, &a6) != 1)
		return 0;
	return strcmp(ip, r->addr) != 0 || (r->port && port != r->port);
}

unsigned srvstate_row_cmds(const struct lbd_conf *conf, const struct srvstate_row *r,
			   int which, const char *local_be, struct sbuf *out)
{
	const struct proxy *be;
	const struct server *sv;
	const char *b = r->be_name, *s = r->srv_name;
	unsigned n = 0;

	if (which == SRVSTATE_LOCAL && strcmp(b, local_be) != 0)
		return 0;
	be = proxy_find((struct lbd_conf *)conf, b, PR_CAP_BE);
	if (!be || be->load_state != which)
		return 0;
	sv = proxy_find_server((struct proxy *)be, s);
	if (!sv)
		return 0;
	/* forced maintenance or drain; "disabled" stays the configuration's */
	if (r->admin & SRV_ADMF_FMAINT)
		n++, sbuf_printf(out, "set server %s/%s state maint\n", b, s);
	else if (r->admin & SRV_ADMF_FDRAIN)
		n++, sbuf_printf(out, "set server %s/%s state drain\n", b, s);
	/* a weight set at run time, unless the configured one changed */
	if (r->iweight == sv->iweight && r->uweight != sv->iweight)
		n++, sbuf_printf(out, "set server %s/%s weight %u\n", b, s, r->uweight);
	if (srvstate_addr_differs(sv, r)) {
		n++;
		if (r->port)
			sbuf_printf(out, "set server %s/%s addr %s port %u\n", b, s,
				    r->addr, r->port);
		else
			sbuf_printf(out, "set server %s/%s addr %s\n", b, s, r->addr);
	}
	if (r->op_state == 0 && sv->do_check)
		n++, sbuf_printf(out, "set server %s/%s health down\n", b, s);
	return n;
}

/* Read one file and append the commands of its rows. */
static unsigned srvstate_file(const struct lbd_conf *conf, const char *path, int which,
			      const char *local_be, struct sbuf *out)
{
	char line[SRVSTATE_LINE_MAX + 2], err[128];
	unsigned rows = 0, lineno = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		log_warn("server-state-file %s: cannot read it; servers start "
			 "with the configuration's state", path);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		struct srvstate_row r;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f)) {
			log_warnx("%s:%u: line too long: skipped", path, lineno);
			while (fgets(line, sizeof(line), f) && !strchr(line, '\n'))
				;
			continue;
		}
		if (len != strlen(line)) {
			log_warnx("%s:%u: NUL byte: skipped", path, lineno);
			continue;
		}
		switch (srvstate_parse_line(line, &r, err, sizeof(err))) {
		case 1:
			if (srvstate_row_cmds(conf, &r, which, local_be, out))
				rows++;
			break;
		case -1:
			log_warnx("%s:%u: %s: skipped", path, lineno, err);
			break;
		default:
			break;
		}
	}
	fclose(f);
	return rows;
}

static void srvstate_path(const struct global *g, const char *name, char *buf, size_t len)
{
	if (name[0] == '/' || !g->server_state_base)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s/%s", g->server_state_base, name);
}

unsigned srvstate_load(const struct lbd_conf *conf)
{
	const struct global *g = &conf->global;
	struct sbuf out = { 0 };
	char path[4096];
	unsigned rows = 0;
	int global = 0;

	for (const struct proxy *px = conf->proxies; px; px = px->next) {
		if (!(px->cap & PR_CAP_BE))
			continue;
		if (px->load_state == SRVSTATE_GLOBAL)
			global = 1;
		if (px->load_state != SRVSTATE_LOCAL)
			continue;
		srvstate_path(g, px->state_file_name ? px->state_file_name : px->id,
			      path, sizeof(path));
		rows += srvstate_file(conf, path, SRVSTATE_LOCAL, px->id, &out);
	}
	if (global && !g->server_state_file)
		log_warnx("load-server-state-from-file global without a global "
			  "server-state-file: nothing loaded");
	else if (global) {
		srvstate_path(g, g->server_state_file, path, sizeof(path));
		rows += srvstate_file(conf, path, SRVSTATE_GLOBAL, NULL, &out);
	}
	if (out.err) {
		sbuf_free(&out);
		return 0;
	}
	if (out.len) {
		handover_keep_file(out.d, out.len);
		log_info("server-state-file: %u servers' states to apply", rows);
	} else {
		sbuf_free(&out);
	}
	return rows;
}
