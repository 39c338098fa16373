/*
 * fuzz_chk_agent.c - libFuzzer target for the agent-check reply parser. The
 * input is parsed with a large and a small line limit, cut short, and a
 * successful reply is written back in canonical form and parsed again;
 * invariants that must hold for any input abort() when broken. Every parse
 * runs on an exact-size heap copy so ASan sees any over-read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chk_agent.h"

#define BIG_LINE	4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static ssize_t parse(const void *data, size_t len, size_t max_line,
		     struct chk_agent_reply *r, char *err, size_t errlen)
{
	char *buf = malloc(len ? len : 1);
	ssize_t rc;

	check(buf != NULL);
	if (len)
		memcpy(buf, data, len);
	rc = chk_agent_parse(buf, len, max_line, r, err, errlen);
	/* pointers must not outlive the copy: rebase desc onto data */
	if (rc > 0 && (r->flags & CHK_AGENT_F_DESC)) {
		check(r->desc >= buf && r->desc + r->desc_len <= buf + r->line_len);
		r->desc = (const char *)data + (r->desc - buf);
	}
	free(buf);
	return rc;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void check_result(const uint8_t *d, size_t len, size_t max_line, ssize_t rc,
			 const struct chk_agent_reply *r, const char *err)
{
	size_t i;

	check(rc >= -1 && rc <= (ssize_t)len);
	if (rc == -1) {
		check(err[0] != '\0' && r->flags == 0);
		return;
	}
	check(err[0] == '\0');
	if (rc == 0) {
		check(len <= max_line && r->flags == 0);
		for (i = 0; i < len; i++)
			check(d[i] != '\r' && d[i] != '\n' && d[i] != '\0');
		return;
	}
	check(r->line_len == (size_t)rc - 1 && r->line_len <= max_line);
	check(d[r->line_len] == '\r' || d[r->line_len] == '\n');
	for (i = 0; i < r->line_len; i++)
		check(d[i] != '\r' && d[i] != '\n' && d[i] != '\0');
	check(r->flags < (CHK_AGENT_F_DESC << 1));
	if (r->flags & CHK_AGENT_F_WEIGHT)
		check(r->weight_pct <= 999999999u);
	if (r->flags & CHK_AGENT_F_MAXCONN)
		check(r->maxconn <= 999999999u);
	check((unsigned)r->admin < CHK_AGENT_ADMIN_COUNT);
	check((unsigned)r->oper < CHK_AGENT_OPER_COUNT);
	if (r->flags & CHK_AGENT_F_DESC) {
		check(r->desc_len > 0);
		check(!is_blank(r->desc[0]) && !is_blank(r->desc[r->desc_len - 1]));
		for (i = 0; i < r->desc_len; i++)
			check((unsigned char)r->desc[i] >= 0x20 || r->desc[i] == '\t');
	} else {
		check(r->desc == NULL && r->desc_len == 0);
	}
	check(chk_agent_weight(1000, r->weight_pct) <= CHK_AGENT_WEIGHT_MAX);
}

/* Write r back as a canonical line; it must parse to the same reply. */
static void check_round_trip(const struct chk_agent_reply *r)
{
	char line[BIG_LINE * 2], err[128];
	struct chk_agent_reply again;
	int n = 0;
	ssize_t rc;

	if (r->flags & CHK_AGENT_F_WEIGHT)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%u%% ", r->weight_pct);
	if (r->flags & CHK_AGENT_F_MAXCONN)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "maxconn:%u ", r->maxconn);
	if (r->flags & CHK_AGENT_F_ADMIN)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s ",
			      chk_agent_admin_names[r->admin]);
	if (r->flags & CHK_AGENT_F_OPER)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s ",
			      chk_agent_oper_names[r->oper]);
	if (r->flags & CHK_AGENT_F_DESC)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "#%.*s",
			      (int)r->desc_len, r->desc);
	line[n++] = '\n';
	rc = parse(line, (size_t)n, sizeof(line), &again, err, sizeof(err));
	check(rc == n);
	check(again.flags == r->flags);
	check(!(r->flags & CHK_AGENT_F_WEIGHT) || again.weight_pct == r->weight_pct);
	check(!(r->flags & CHK_AGENT_F_MAXCONN) || again.maxconn == r->maxconn);
	check(!(r->flags & CHK_AGENT_F_ADMIN) || again.admin == r->admin);
	check(!(r->flags & CHK_AGENT_F_OPER) || again.oper == r->oper);
	if (r->flags & CHK_AGENT_F_DESC)
		check(again.desc_len == r->desc_len &&
		      memcmp(again.desc, r->desc, r->desc_len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chk_agent_reply r, s;
	char err[128], serr[128];
	size_t small = size ? data[0] : 0;
	size_t cut = size ? (size_t)data[size - 1] * size / 255 : 0;
	ssize_t rc, rc2;

	rc = parse(data, size, BIG_LINE, &r, err, sizeof(err));
	check_result(data, size, BIG_LINE, rc, &r, err);

	/* a smaller limit changes nothing for a line that fits under it */
	rc2 = parse(data, size, small, &s, serr, sizeof(serr));
	check_result(data, size, small, rc2, &s, serr);
	if (rc > 0 && r.line_len <= small)
		check(rc2 == rc && s.flags == r.flags);
	else if (rc > 0)
		check(rc2 == -1);
	else if (rc < 0)
		check(rc2 == -1);

	/* a prefix is incomplete, or already as wrong as the whole */
	rc2 = parse(data, cut, BIG_LINE, &s, serr, sizeof(serr));
	check_result(data, cut, BIG_LINE, rc2, &s, serr);
	if (rc > 0)
		check(cut >= (size_t)rc ? rc2 == rc : rc2 == 0);
	else if (rc == 0)
		check(rc2 == 0);
	else
		check(rc2 <= 0);

	if (rc > 0) {
		/* bytes after the terminator change nothing */
		rc2 = parse(data, (size_t)rc, BIG_LINE, &s, serr, sizeof(serr));
		check(rc2 == rc && s.flags == r.flags && s.desc_len == r.desc_len);
		check_round_trip(&r);
	}
	return 0;
}
