/*
 * test_chk_agent.c - agent-check reply parser. Every parse runs on a copy
 * that ends at an unmapped page, so any read past the given length faults.
 * The accepted and refused forms were compared with HAProxy 2.6.12 answering
 * a scripted agent (see the comments on each group).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guard.h"
#include "chk_agent.h"

#define LINE_MAX_TEST	256

struct parsed {
	struct guard_buf g;
	const char *buf;
	struct chk_agent_reply r;
	char err[128];
	ssize_t rc;
};

static ssize_t parse_n(struct parsed *x, const char *s, size_t len, size_t max)
{
	memset(x, 0, sizeof(*x));
	x->buf = guard_copy(&x->g, s, len);
	assert_non_null(x->buf);
	memset(x->err, 'X', sizeof(x->err));
	x->rc = chk_agent_parse(x->buf, len, max, &x->r, x->err, sizeof(x->err));
	assert_non_null(memchr(x->err, '\0', sizeof(x->err)));
	return x->rc;
}

static ssize_t parse(struct parsed *x, const char *s)
{
	return parse_n(x, s, strlen(s), LINE_MAX_TEST);
}

static void done(struct parsed *x)
{
	guard_free(&x->g);
}

/* A reply that must parse up to and including its first CR or LF. */
static void expect_ok(struct parsed *x, const char *s)
{
	size_t line = strcspn(s, "\r\n");

	parse(x, s);
	if (x->rc != (ssize_t)line + 1)
		fail_msg("\"%s\": rc=%zd err=%s", s, x->rc, x->err);
	assert_string_equal(x->err, "");
	assert_int_equal(x->r.line_len, line);
}

static void expect_error_n(const char *s, size_t len, const char *msg_part)
{
	struct parsed x;

	parse_n(&x, s, len, LINE_MAX_TEST);
	if (x.rc != -1)
		fail_msg("\"%.*s\": rc=%zd (want -1)", (int)len, s, x.rc);
	if (!strstr(x.err, msg_part))
		fail_msg("\"%.*s\": message \"%s\" lacks \"%s\"", (int)len, s,
			 x.err, msg_part);
	assert_int_equal(x.r.flags, 0);
	done(&x);
}

static void expect_error(const char *s, const char *msg_part)
{
	expect_error_n(s, strlen(s), msg_part);
}

static void assert_desc(const struct parsed *x, const char *expect)
{
	assert_true(x->r.flags & CHK_AGENT_F_DESC);
	assert_true(x->r.desc >= x->buf &&
		    x->r.desc + x->r.desc_len <= x->buf + x->r.line_len);
	assert_int_equal(x->r.desc_len, strlen(expect));
	assert_memory_equal(x->r.desc, expect, x->r.desc_len);
}

/* ---- the manual's forms ------------------------------------------ */

static void test_manual_examples(void **state)
{
	struct parsed x;

	(void)state;
	expect_ok(&x, "75%\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_WEIGHT);
	assert_int_equal(x.r.weight_pct, 75);
	done(&x);

	expect_ok(&x, "maxconn:30\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_MAXCONN);
	assert_int_equal(x.r.maxconn, 30);
	done(&x);

	expect_ok(&x, "up 50%\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_OPER | CHK_AGENT_F_WEIGHT);
	assert_int_equal(x.r.oper, CHK_AGENT_UP);
	assert_int_equal(x.r.weight_pct, 50);
	done(&x);

	expect_ok(&x, "maxconn:30 ready\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_MAXCONN | CHK_AGENT_F_ADMIN);
	assert_int_equal(x.r.admin, CHK_AGENT_READY);
	done(&x);
}

static void test_each_keyword(void **state)
{
	static const struct { const char *s; unsigned flag; int v; } kw[] = {
		{ "ready\n",   CHK_AGENT_F_ADMIN, CHK_AGENT_READY },
		{ "drain\n",   CHK_AGENT_F_ADMIN, CHK_AGENT_DRAIN },
		{ "maint\n",   CHK_AGENT_F_ADMIN, CHK_AGENT_MAINT },
		{ "up\n",      CHK_AGENT_F_OPER,  CHK_AGENT_UP },
		{ "down\n",    CHK_AGENT_F_OPER,  CHK_AGENT_DOWN },
		{ "fail\n",    CHK_AGENT_F_OPER,  CHK_AGENT_FAIL },
		{ "stopped\n", CHK_AGENT_F_OPER,  CHK_AGENT_STOPPED },
		/* HAProxy matches them case-insensitively: "UP", "DRAIN" */
		{ "UP\n",      CHK_AGENT_F_OPER,  CHK_AGENT_UP },
		{ "Down\n",    CHK_AGENT_F_OPER,  CHK_AGENT_DOWN },
		{ "DRAIN\n",   CHK_AGENT_F_ADMIN, CHK_AGENT_DRAIN },
		{ "StOpPeD\n", CHK_AGENT_F_OPER,  CHK_AGENT_STOPPED },
	};
	struct parsed x;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		expect_ok(&x, kw[i].s);
		assert_int_equal(x.r.flags, kw[i].flag);
		if (kw[i].flag == CHK_AGENT_F_ADMIN)
			assert_int_equal(x.r.admin, kw[i].v);
		else
			assert_int_equal(x.r.oper, kw[i].v);
		done(&x);
	}
	expect_ok(&x, "MAXCONN:7\n");
	assert_int_equal(x.r.maxconn, 7);
	done(&x);
}

static void test_names_tables(void **state)
{
	(void)state;
	assert_string_equal(chk_agent_admin_names[CHK_AGENT_DRAIN], "drain");
	assert_string_equal(chk_agent_admin_names[CHK_AGENT_MAINT], "maint");
	assert_string_equal(chk_agent_oper_names[CHK_AGENT_STOPPED], "stopped");
	assert_string_equal(chk_agent_oper_names[CHK_AGENT_UP], "up");
}

/* ---- separators, order, repetition -------------------------------- */

static void test_separators(void **state)
{
	struct parsed x;

	(void)state;
	expect_ok(&x, "up,,,50%\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_OPER | CHK_AGENT_F_WEIGHT);
	done(&x);

	expect_ok(&x, "up\tdrain\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_OPER | CHK_AGENT_F_ADMIN);
	assert_int_equal(x.r.admin, CHK_AGENT_DRAIN);
	done(&x);

	expect_ok(&x, " ,\t10% , maxconn:0,maint,\t\r");
	assert_int_equal(x.r.flags, CHK_AGENT_F_WEIGHT | CHK_AGENT_F_MAXCONN |
				    CHK_AGENT_F_ADMIN);
	assert_int_equal(x.r.weight_pct, 10);
	assert_int_equal(x.r.maxconn, 0);
	assert_int_equal(x.r.admin, CHK_AGENT_MAINT);
	done(&x);
}

/* HAProxy 2.6 applies every word in order: the last of a kind wins. */
static void test_last_word_wins(void **state)
{
	struct parsed x;

	(void)state;
	expect_ok(&x, "75% 50%\n");
	assert_int_equal(x.r.weight_pct, 50);
	done(&x);
	expect_ok(&x, "ready drain\n");
	assert_int_equal(x.r.admin, CHK_AGENT_DRAIN);
	done(&x);
	expect_ok(&x, "drain,maint\n");
	assert_int_equal(x.r.admin, CHK_AGENT_MAINT);
	done(&x);
	expect_ok(&x, "up down\n");
	assert_int_equal(x.r.oper, CHK_AGENT_DOWN);
	done(&x);
	expect_ok(&x, "down up\n");
	assert_int_equal(x.r.oper, CHK_AGENT_UP);
	done(&x);
	expect_ok(&x, "maxconn:5 maxconn:6\n");
	assert_int_equal(x.r.maxconn, 6);
	done(&x);
}

static void test_empty_lines(void **state)
{
	struct parsed x;

	(void)state;
	expect_ok(&x, "\n");
	assert_int_equal(x.r.flags, 0);
	done(&x);
	expect_ok(&x, "\r");
	assert_int_equal(x.r.flags, 0);
	done(&x);
	expect_ok(&x, " , \t\n");
	assert_int_equal(x.r.flags, 0);
	done(&x);
}

/* ---- descriptions -------------------------------------------------- */

static void test_description_glued(void **state)
{
	struct parsed x;

	(void)state;
	/* the manual's literal form: the description right after the '#' */
	expect_ok(&x, "down#maintenance window\n");
	assert_int_equal(x.r.oper, CHK_AGENT_DOWN);
	assert_desc(&x, "maintenance window");
	done(&x);

	expect_ok(&x, "fail#disk 3, raid #2 degraded\r\n");
	assert_int_equal(x.r.oper, CHK_AGENT_FAIL);
	assert_desc(&x, "disk 3, raid #2 degraded");
	done(&x);

	expect_ok(&x, "50% STOPPED#by ops\n");
	assert_int_equal(x.r.oper, CHK_AGENT_STOPPED);
	assert_int_equal(x.r.weight_pct, 50);
	assert_desc(&x, "by ops");
	done(&x);

	/* an empty description is no description */
	expect_ok(&x, "down#\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_OPER);
	done(&x);
	expect_ok(&x, "down#   \t\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_OPER);
	done(&x);
}

/* The form HAProxy 2.6 itself accepts: '#' starting a word. Everything after
 * it belongs to the description, even words that would otherwise count. */
static void test_description_word(void **state)
{
	struct parsed x;

	(void)state;
	expect_ok(&x, "stopped #disk full\n");
	assert_int_equal(x.r.oper, CHK_AGENT_STOPPED);
	assert_desc(&x, "disk full");
	done(&x);

	expect_ok(&x, "down #a b, c 50%\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_OPER | CHK_AGENT_F_DESC);
	assert_desc(&x, "a b, c 50%");
	done(&x);

	expect_ok(&x, "20% drain #x 50%\n");
	assert_int_equal(x.r.weight_pct, 20);
	assert_int_equal(x.r.admin, CHK_AGENT_DRAIN);
	assert_desc(&x, "x 50%");
	done(&x);

	expect_ok(&x, "up,#all good \t\n");
	assert_desc(&x, "all good");
	done(&x);

	expect_ok(&x, "#just a comment\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_DESC);
	assert_desc(&x, "just a comment");
	done(&x);

	/* non-ASCII text is kept as is (the caller escapes it for logs) */
	expect_ok(&x, "down #Wartung f\xc3\xbcr DB\n");
	assert_desc(&x, "Wartung f\xc3\xbcr DB");
	done(&x);
}

/* ---- numbers ------------------------------------------------------- */

static void test_numbers(void **state)
{
	struct parsed x;

	(void)state;
	expect_ok(&x, "0%\n");
	assert_int_equal(x.r.flags, CHK_AGENT_F_WEIGHT);
	assert_int_equal(x.r.weight_pct, 0);
	done(&x);
	expect_ok(&x, "300%\n");
	assert_int_equal(x.r.weight_pct, 300);
	done(&x);
	expect_ok(&x, "999999999%\n");
	assert_int_equal(x.r.weight_pct, 999999999);
	done(&x);
	expect_ok(&x, "007%\n");
	assert_int_equal(x.r.weight_pct, 7);
	done(&x);
	expect_ok(&x, "maxconn:999999999\n");
	assert_int_equal(x.r.maxconn, 999999999);
	done(&x);

	expect_error("1234567890%\n", "unknown word \"1234567890%\"");
	expect_error("0000000001%\n", "unknown word");
	expect_error("maxconn:1234567890\n", "unknown word");
	expect_error("-5%\n", "unknown word \"-5%\" at offset 0");
	expect_error("+5%\n", "unknown word");
	expect_error("7.5%\n", "unknown word");
	expect_error("30%%\n", "unknown word");
	expect_error("%\n", "unknown word");
	expect_error("up%\n", "unknown word");
	expect_error("maxconn:\n", "unknown word");
	expect_error("maxconn:abc\n", "unknown word");
	expect_error("maxconn:30x\n", "unknown word");
	expect_error("maxconn:-1\n", "unknown word");
	expect_error("maxconn: 30\n", "unknown word \"maxconn:\"");
	expect_error("maxconn 30\n", "unknown word \"maxconn\"");
	expect_error("maxconn=30\n", "unknown word");
}

static void test_weight_helper(void **state)
{
	(void)state;
	/* values seen on HAProxy 2.6 with "weight 10" */
	assert_int_equal(chk_agent_weight(10, 75), 7);
	assert_int_equal(chk_agent_weight(10, 50), 5);
	assert_int_equal(chk_agent_weight(10, 300), 30);
	assert_int_equal(chk_agent_weight(10, 0), 0);
	assert_int_equal(chk_agent_weight(10, 999999999), CHK_AGENT_WEIGHT_MAX);
	assert_int_equal(chk_agent_weight(1, 25600), 256);
	assert_int_equal(chk_agent_weight(1, 99), 0);
	assert_int_equal(chk_agent_weight(200, 200), 256);
	assert_int_equal(chk_agent_weight(256, 100), 256);
	assert_int_equal(chk_agent_weight(0, 100), 0);
	assert_int_equal(chk_agent_weight(UINT32_MAX, UINT32_MAX), 256);
}

/* ---- refused words --------------------------------------------------- */

static void test_garbage_words(void **state)
{
	(void)state;
	expect_error("foo\n", "unknown word \"foo\" at offset 0");
	/* HAProxy 2.6 takes a stray word next to a state as its description
	 * ("up foo" -> "up (foo)"); we refuse it */
	expect_error("up foo\n", "unknown word \"foo\" at offset 3");
	expect_error("foo up\n", "unknown word \"foo\"");
	expect_error("down a b\n", "unknown word \"a\" at offset 5");
	expect_error("stop\n", "unknown word \"stop\"");
	expect_error("upp\n", "unknown word");
	expect_error("u\n", "unknown word");
	expect_error("readyy\n", "unknown word");
	expect_error("up;drain\n", "unknown word \"up;drain\"");
	expect_error("\xc3\xbcp\n", "unknown word \"??p\"");
	expect_error("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		     "unknown word \"aaaaaaaaaaaaaaaaaaaaaaaa...\"");
}

static void test_hash_placement(void **state)
{
	(void)state;
	expect_error("up#foo\n", "'#' after \"up\" at offset 2");
	expect_error("50%#foo\n", "'#' after \"50%\"");
	expect_error("drain#x\n", "'#' after \"drain\"");
	expect_error("maxconn:3#x\n", "'#' after");
	expect_error("dow#n\n", "unknown word \"dow\"");
}

static void test_control_bytes(void **state)
{
	static const char nul_line[] = "up\0 drain\n";
	static const char nul_first[] = "\0\n";
	int c;

	(void)state;
	expect_error_n(nul_line, sizeof(nul_line) - 1, "NUL byte at offset 2");
	expect_error_n(nul_first, sizeof(nul_first) - 1, "NUL byte at offset 0");
	/* a NUL is refused before the line is complete */
	expect_error_n("u\0", 2, "NUL byte at offset 1");
	expect_error("up\x01\n", "control character 0x01 at offset 2");
	expect_error("up \x7f\n", "control character 0x7f at offset 3");
	expect_error("down #a\x1b[2Jb\n", "control character 0x1b in description");
	expect_error("down#\x7f\n", "control character 0x7f in description");

	/* every byte after "up " on its own: only the known classes pass */
	for (c = 1; c < 256; c++) {
		char s[] = "up ?\n";
		struct parsed x;
		int sep = c == ' ' || c == '\t' || c == ',' || c == '#';
		int eol = c == '\r' || c == '\n';

		s[3] = (char)c;
		parse_n(&x, s, 5, LINE_MAX_TEST);
		if (eol)
			assert_int_equal(x.rc, 4);
		else if (sep)
			assert_int_equal(x.rc, 5);
		else
			assert_int_equal(x.rc, -1);
		done(&x);
	}
}

/* ---- framing: terminator, limit, need-more ------------------------ */

static void test_need_more(void **state)
{
	static const char *const full[] = {
		"up 50%\n", "down#maintenance window\r\n", "maxconn:30 ready\n",
		"\n", "foo\n", "75%\n",
	};
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
		const char *s = full[i];

		/* every prefix without the terminator is incomplete, even
		 * of a bad line */
		for (n = 0; n <= strcspn(s, "\r\n"); n++) {
			struct parsed x;

			parse_n(&x, s, n, LINE_MAX_TEST);
			if (x.rc != 0)
				fail_msg("\"%s\" cut at %zu: rc=%zd", s, n, x.rc);
			assert_string_equal(x.err, "");
			done(&x);
		}
	}
}

static void test_reads_stop_at_terminator(void **state)
{
	static const char s[] = "up\r\n\0garbage \x01 #\n";
	struct parsed x;

	(void)state;
	/* a CR ends the line: the LF and what follows are never looked at */
	parse_n(&x, s, sizeof(s) - 1, LINE_MAX_TEST);
	assert_int_equal(x.rc, 3);
	assert_int_equal(x.r.line_len, 2);
	assert_int_equal(x.r.oper, CHK_AGENT_UP);
	done(&x);

	parse_n(&x, "drain\nup\n", 9, LINE_MAX_TEST);
	assert_int_equal(x.rc, 6);
	assert_int_equal(x.r.flags, CHK_AGENT_F_ADMIN);
	done(&x);
}

static void test_line_limit(void **state)
{
	char big[LINE_MAX_TEST + 2];
	struct parsed x;

	(void)state;
	/* exactly max_line bytes before the terminator: accepted */
	parse_n(&x, "up\n", 3, 2);
	assert_int_equal(x.rc, 3);
	done(&x);
	/* still short of the limit and no terminator: need more */
	parse_n(&x, "up", 2, 2);
	assert_int_equal(x.rc, 0);
	done(&x);
	/* one byte over: refused as soon as that byte is there */
	parse_n(&x, "upx", 3, 2);
	assert_int_equal(x.rc, -1);
	assert_string_equal(x.err, "no end of line within 3 bytes");
	done(&x);
	parse_n(&x, "up\n", 3, 1);
	assert_int_equal(x.rc, -1);
	done(&x);
	parse_n(&x, "\n", 1, 0);
	assert_int_equal(x.rc, 1);
	done(&x);
	parse_n(&x, "u", 1, 0);
	assert_int_equal(x.rc, -1);
	done(&x);
	parse_n(&x, "", 0, 0);
	assert_int_equal(x.rc, 0);
	done(&x);
	/* a limit larger than any buffer */
	parse_n(&x, "up 5%\n", 6, SIZE_MAX);
	assert_int_equal(x.rc, 6);
	done(&x);
	parse_n(&x, "up 5%", 5, SIZE_MAX);
	assert_int_equal(x.rc, 0);
	done(&x);

	memset(big, ',', sizeof(big));
	big[LINE_MAX_TEST] = '\n';
	parse_n(&x, big, LINE_MAX_TEST + 1, LINE_MAX_TEST);
	assert_int_equal(x.rc, LINE_MAX_TEST + 1);
	done(&x);
	parse_n(&x, big, LINE_MAX_TEST + 2, LINE_MAX_TEST - 1);
	assert_int_equal(x.rc, -1);
	done(&x);
}

static void test_error_buffer(void **state)
{
	struct chk_agent_reply r;
	char small[8];
	struct guard_buf g;
	const char *b = guard_copy(&g, "foo bar\n", 8);

	(void)state;
	assert_non_null(b);
	assert_int_equal(chk_agent_parse(b, 8, 64, &r, NULL, 0), -1);
	assert_int_equal(chk_agent_parse(b, 8, 64, &r, small, 0), -1);
	assert_int_equal(chk_agent_parse(b, 8, 64, &r, small, sizeof(small)), -1);
	assert_string_equal(small, "unknown");
	guard_free(&g);

	b = guard_copy(&g, "up\n", 3);
	assert_non_null(b);
	memset(small, 'X', sizeof(small));
	assert_int_equal(chk_agent_parse(b, 3, 64, &r, small, sizeof(small)), 3);
	assert_string_equal(small, "");
	guard_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manual_examples),
		cmocka_unit_test(test_each_keyword),
		cmocka_unit_test(test_names_tables),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_last_word_wins),
		cmocka_unit_test(test_empty_lines),
		cmocka_unit_test(test_description_glued),
		cmocka_unit_test(test_description_word),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_weight_helper),
		cmocka_unit_test(test_garbage_words),
		cmocka_unit_test(test_hash_placement),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_need_more),
		cmocka_unit_test(test_reads_stop_at_terminator),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_error_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
