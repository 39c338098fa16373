/*
 * test_cfg_lex.c - HAProxy-style line lexing, units and .if blocks.
 * Expected results come from HAProxy 2.6 ("haproxy -c" on small configs)
 * unless a test says lbd is deliberately stricter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cfg_lex.h"
#include "guard.h"

/* ---- a fake environment ---- */

static char big_value[4001];

static const struct {
	const char *name;
	const char *value;
} test_env[] = {
	{ "FOO", "hello" },
	{ "EMPTY", "" },
	{ "LIST", "a b  c" },
	{ "SP", "  " },
	{ "LEAD", " x y " },
	{ "WS", "p\tq\nr" },
	{ "HASH", "a#b" },
	{ "QUOTES", "a\"b 'c' \\d $FOO" },
	{ ".LINE", "42" },
	{ "BIG", big_value },
	{ "ONE", "1" },
	{ "ZERO", "0" },
};

static const char *env_get(const char *name, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < sizeof(test_env) / sizeof(test_env[0]); i++)
		if (strcmp(test_env[i].name, name) == 0)
			return test_env[i].value;
	return NULL;
}

/* ---- lexing helpers: every input ends right before a PROT_NONE page ---- */

static struct cfg_words words;
static char lex_err[256];

static int lex_n(const char *line, size_t len)
{
	struct guard_buf g;
	const char *in = guard_copy(&g, line, len);
	int rc;

	assert_non_null(in);
	lex_err[0] = '\0';
	rc = cfg_lex_line(in, len, &words, env_get, NULL, lex_err,
			  sizeof(lex_err));
	guard_free(&g);
	return rc;
}

static int lex(const char *line)
{
	return lex_n(line, strlen(line));
}

static void expect_words_v(const char *line, const char *const *want)
{
	int n = 0;

	if (lex(line) != 0)
		fail_msg("lexing <%s> failed: %s", line, lex_err);
	while (want[n])
		n++;
	if (words.argc != n)
		fail_msg("<%s>: %d words, expected %d", line, words.argc, n);
	for (int i = 0; i < n; i++)
		if (strcmp(words.argv[i], want[i]) != 0)
			fail_msg("<%s>: word %d is <%s>, expected <%s>", line,
				 i, words.argv[i], want[i]);
	assert_null(words.argv[n]);
}

#define EXPECT_WORDS(line, ...) \
	expect_words_v(line, (const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT_NO_WORDS(line) \
	expect_words_v(line, (const char *const[]){ NULL })

static void expect_lex_error(const char *line, const char *msg_part)
{
	if (lex(line) != -1)
		fail_msg("<%s> lexed but should fail with '%s'", line, msg_part);
	if (!strstr(lex_err, msg_part))
		fail_msg("<%s>: message '%s' lacks '%s'", line, lex_err,
			 msg_part);
	assert_int_equal(words.argc, 0);
	assert_null(words.argv[0]);
}

/* ---- words and blanks ---- */

static void test_lex_blanks_separate_words(void **state)
{
	(void)state;
	EXPECT_WORDS("a b c", "a", "b", "c");
	EXPECT_WORDS("  \tbind \t :80\t\t", "bind", ":80");
	EXPECT_NO_WORDS("");
	EXPECT_NO_WORDS(" \t  ");
}

static void test_lex_hash_starts_comment_outside_quotes(void **state)
{
	(void)state;
	EXPECT_WORDS("mode http # or tcp", "mode", "http");
	EXPECT_WORDS("global#this is the global section", "global");
	EXPECT_NO_WORDS("# just a comment");
	EXPECT_WORDS("a#b c", "a");
	EXPECT_WORDS("\"a#b\" c", "a#b", "c");
	EXPECT_WORDS("'#' x", "#", "x");
	EXPECT_WORDS("a\\#b", "a#b");
	EXPECT_WORDS("\"a\"#b", "a");
}

/* ---- escapes ---- */

static void test_lex_unquoted_escapes(void **state)
{
	(void)state;
	EXPECT_WORDS("a\\ b", "a b");
	EXPECT_WORDS("a\\\\b", "a\\b");
	EXPECT_WORDS("a\\'b", "a'b");
	EXPECT_WORDS("a\\\"b", "a\"b");
	EXPECT_WORDS("a\\tb a\\nb a\\rb", "a\tb", "a\nb", "a\rb");
	EXPECT_WORDS("\\x41\\x42 x\\x20y \\x7e", "AB", "x y", "~");
	EXPECT_WORDS("\\xc3\\xA9", "\xc3\xa9");
	EXPECT_WORDS("log-format %{+Q}o\\ %t\\ %s",
		     "log-format", "%{+Q}o %t %s");
}

static void test_lex_unknown_escapes_keep_backslash(void **state)
{
	(void)state;
	EXPECT_WORDS("a\\qb", "a\\qb");
	/* outside double quotes "\$" is not an escape in HAProxy 2.6 */
	EXPECT_WORDS("\\$FOO", "\\$FOO");
	/* nor is "\<TAB>": the tab still separates */
	EXPECT_WORDS("a\\\tb", "a\\", "b");
	EXPECT_WORDS("a\\", "a\\");
	EXPECT_WORDS("\\", "\\");
	EXPECT_WORDS("regsub(\\\"x\\\",y)", "regsub(\"x\",y)");
}

static void test_lex_bad_hex_escape(void **state)
{
	(void)state;
	expect_lex_error("a\\x4", "hexadecimal sequence at position 2");
	expect_lex_error("a\\x4g", "hexadecimal");
	expect_lex_error("a\\xZZ", "hexadecimal");
	expect_lex_error("\\x", "hexadecimal sequence at position 1");
	expect_lex_error("\"a\\x\"", "hexadecimal sequence at position 3");
	/* lbd is stricter than HAProxy, which silently cuts the word */
	expect_lex_error("a\\x00b", "'\\x00' at position 2");
}

/* ---- quotes ---- */

static void test_lex_double_quotes(void **state)
{
	(void)state;
	EXPECT_WORDS("\"a b\" c", "a b", "c");
	EXPECT_WORDS("\"a\tb\"", "a\tb");
	EXPECT_WORDS("\"a\\\"b\"", "a\"b");
	EXPECT_WORDS("\"a'b\" \"a\\'b\"", "a'b", "a'b");
	EXPECT_WORDS("\"a\\\\b\" \"a\\ b\" \"a\\#b\"", "a\\b", "a b", "a#b");
	EXPECT_WORDS("\"a\\$b\"", "a$b");
	EXPECT_WORDS("\"a\\qb\" \"a\\\tb\"", "a\\qb", "a\\\tb");
	EXPECT_WORDS("\"\\x41\\t\\n\\r\"", "A\t\n\r");
}

static void test_lex_single_quotes_are_verbatim(void **state)
{
	(void)state;
	EXPECT_WORDS("'a \\n $FOO \"x\" # ${FOO}' y",
		     "a \\n $FOO \"x\" # ${FOO}", "y");
	EXPECT_WORDS("'a\\'", "a\\");
	EXPECT_WORDS("'a\\\\b' '\\x41'", "a\\\\b", "\\x41");
	EXPECT_WORDS("'%[path,regsub(\"^/(here)(/|$)\",\"my/\\1\",g)]'",
		     "%[path,regsub(\"^/(here)(/|$)\",\"my/\\1\",g)]");
}

static void test_lex_adjacent_parts_concatenate(void **state)
{
	(void)state;
	EXPECT_WORDS("foo\"bar\"'baz'", "foobarbaz");
	EXPECT_WORDS("\"a\"b'c'\"d\" e", "abcd", "e");
	EXPECT_WORDS("\"\"x", "x");
	EXPECT_WORDS("log-format \"%{+Q}o %t\"' %s'\\ %{-Q}r",
		     "log-format", "%{+Q}o %t %s %{-Q}r");
}

static void test_lex_empty_quotes_make_empty_words(void **state)
{
	(void)state;
	EXPECT_WORDS("a \"\" '' b", "a", "", "", "b");
	EXPECT_WORDS("\"\"", "");
	EXPECT_WORDS("''", "");
}

static void test_lex_unmatched_quote(void **state)
{
	(void)state;
	expect_lex_error("x \"abc", "unmatched quote at position 3");
	expect_lex_error("x 'abc", "unmatched quote at position 3");
	expect_lex_error("abc\"", "unmatched quote at position 4");
	expect_lex_error("\"a\\\"", "unmatched quote at position 1");
	expect_lex_error("'\"", "unmatched quote at position 1");
	expect_lex_error("\"", "unmatched quote");
}

/* ---- environment variables ---- */

static void test_lex_env_expands_in_double_quotes_only(void **state)
{
	(void)state;
	EXPECT_WORDS("\"${FOO}\" \"$FOO\"", "hello", "hello");
	EXPECT_WORDS("\"$FOO.bar\" \"$FOO-bar\"", "hello.bar", "hello-bar");
	EXPECT_WORDS("\"$FOO$FOO\" \"x${FOO}y\"", "hellohello", "xhelloy");
	EXPECT_WORDS("\"a$FOO\"b", "ahellob");
	EXPECT_WORDS("$FOO ${FOO} '$FOO' '${FOO}'",
		     "$FOO", "${FOO}", "$FOO", "${FOO}");
	EXPECT_WORDS("\"$FOO_b\"", "");		/* the name is FOO_b */
}

static void test_lex_env_undefined_expands_to_nothing(void **state)
{
	(void)state;
	EXPECT_WORDS("\"x${NOPE}y\"", "xy");
	EXPECT_WORDS("\"${NOPE}\" z", "", "z");
	EXPECT_WORDS("\"$NOPE\"", "");
	EXPECT_WORDS("\"${EMPTY}\"", "");
}

static void test_lex_env_default_replaces_unset_only(void **state)
{
	(void)state;
	EXPECT_WORDS("\"${NOPE-127.0.0.1}:514\"", "127.0.0.1:514");
	EXPECT_WORDS("\"${EMPTY-def}\"", "");
	EXPECT_WORDS("\"${FOO-def}\"", "hello");
	EXPECT_WORDS("\"${NOPE-a b}\"", "a b");
	EXPECT_WORDS("\"${NOPE-}\"", "");
	/* the default is verbatim up to the first '}' */
	EXPECT_WORDS("\"${NOPE-a}b}\"", "ab}");
	EXPECT_WORDS("\"${NOPE-$FOO}\"", "$FOO");
	EXPECT_WORDS("\"${NOPE-a\\\"b}\"", "a\\\"b");
	EXPECT_WORDS("\"${NOPE-#'}\"", "#'");
}

static void test_lex_env_star_splits_into_words(void **state)
{
	(void)state;
	EXPECT_WORDS("x \"${LIST[*]}\" z", "x", "a", "b", "c", "z");
	EXPECT_WORDS("\"x${LIST[*]}y\"", "xa", "b", "cy");
	EXPECT_WORDS("a\"${LIST[*]}\"b", "aa", "b", "cb");
	EXPECT_WORDS("\"${EMPTY[*]}\" z", "", "z");
	EXPECT_WORDS("\"${NOPE[*]}\" z", "", "z");
	EXPECT_WORDS("\"${SP[*]}\" z", "", "", "z");
	EXPECT_WORDS("\"${LEAD[*]}\" z", "", "x", "y", "", "z");
	EXPECT_WORDS("\"${WS[*]}\"", "p", "q", "r");
	EXPECT_WORDS("\"${NOPE[*]-d  e}\"", "d", "e");
	EXPECT_WORDS("\"${LIST[*]}${LIST[*]}\"", "a", "b", "ca", "b", "c");
	/* without [*], blanks stay inside the one word */
	EXPECT_WORDS("\"${LIST}\"", "a b  c");
}

static void test_lex_env_values_are_not_relexed(void **state)
{
	(void)state;
	EXPECT_WORDS("\"${HASH}\" x", "a#b", "x");
	EXPECT_WORDS("\"${QUOTES}\"", "a\"b 'c' \\d $FOO");
	EXPECT_WORDS("\"${HASH[*]}\"", "a#b");
}

static void test_lex_env_pseudo_variables_come_from_callback(void **state)
{
	(void)state;
	EXPECT_WORDS("\"${.LINE}\" \"$.LINE\"", "42", "42");
	EXPECT_WORDS("\"${.FILE}\"", "");
}

static void test_lex_env_syntax_errors(void **state)
{
	(void)state;
	expect_lex_error("\"$\"", "forbidden first char in environment "
			 "variable name at position 3");
	expect_lex_error("\"a$\"", "forbidden first char");
	expect_lex_error("\"$1abc\"", "forbidden first char");
	expect_lex_error("\"${}\"", "forbidden first char");
	expect_lex_error("\"${ FOO}\"", "forbidden first char");
	expect_lex_error("\"${FOO\"", "unmatched brace in environment variable "
			 "name at position 3");
	expect_lex_error("\"${FOO }\"", "unmatched brace");
	expect_lex_error("\"${FOO:-x}\"", "unmatched brace");
	expect_lex_error("\"${FOO[*]x}\"", "unmatched brace");
	expect_lex_error("\"${FOO}${FOO\"", "unmatched brace in environment "
			 "variable name at position 9");
	expect_lex_error("\"${FOO[x]}\"", "invalid word expansion sequence at "
			 "position 7");
	expect_lex_error("\"${FOO[*\"", "invalid word expansion");
}

static void test_lex_env_name_length_bounded(void **state)
{
	char line[600];

	(void)state;
	memset(line, 'N', sizeof(line));
	line[0] = '"';
	line[1] = '$';
	line[sizeof(line) - 2] = '"';
	line[sizeof(line) - 1] = '\0';
	expect_lex_error(line, "environment variable name too long");
}

/* ---- limits ---- */

static void test_lex_word_limit(void **state)
{
	char line[CFG_MAX_WORDS * 2 + 16];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < CFG_MAX_WORDS; i++) {
		line[n++] = 'w';
		line[n++] = ' ';
	}
	line[n] = '\0';
	assert_int_equal(lex(line), 0);
	assert_int_equal(words.argc, CFG_MAX_WORDS);
	assert_null(words.argv[CFG_MAX_WORDS]);

	memcpy(line + n, "# c", 4);
	assert_int_equal(lex(line), 0);
	assert_int_equal(words.argc, CFG_MAX_WORDS);

	memcpy(line + n, "w", 2);
	expect_lex_error(line, "too many words on line (max 64)");

	/* "${VAR[*]}" counts every word it makes */
	n = 0;
	for (int i = 0; i < CFG_MAX_WORDS - 2; i++) {
		line[n++] = 'w';
		line[n++] = ' ';
	}
	memcpy(line + n, "\"${LIST[*]}\"", 13);
	expect_lex_error(line, "too many words");
}

static void test_lex_line_length_limit(void **state)
{
	static char line[CFG_LINE_MAX + 2];

	(void)state;
	memset(line, 'a', CFG_LINE_MAX);
	line[CFG_LINE_MAX] = '\0';
	assert_int_equal(lex(line), 0);
	assert_int_equal(words.argc, 1);
	assert_int_equal(strlen(words.argv[0]), CFG_LINE_MAX);

	line[CFG_LINE_MAX] = 'a';
	line[CFG_LINE_MAX + 1] = '\0';
	expect_lex_error(line, "line too long (4097 bytes, max 4096)");
}

static void test_lex_expansion_bounded_by_store(void **state)
{
	(void)state;
	memset(big_value, 'v', sizeof(big_value) - 1);
	EXPECT_WORDS("\"${BIG}\" \"${BIG}\"", big_value, big_value);
	expect_lex_error("\"${BIG}${BIG}${BIG}\"",
			 "line too long after variable expansion");
	memset(big_value, 0, sizeof(big_value));
}

static void test_lex_cr_lf_end_line_and_nul_is_error(void **state)
{
	(void)state;
	EXPECT_WORDS("a b\r\n", "a", "b");
	EXPECT_WORDS("a b\nc", "a", "b");
	expect_lex_error("x \"c\rd\"", "unmatched quote at position 3");

	assert_int_equal(lex_n("a\0b", 3), -1);
	assert_non_null(strstr(lex_err, "stray NUL character at position 2"));
	assert_int_equal(lex_n("a\r\0", 3), 0);
	assert_int_equal(words.argc, 1);
}

/* Truncated constructs at the very end of the input must not read past it
 * (the guard page faults if they do). */
static void test_lex_truncated_input_stays_in_bounds(void **state)
{
	static const char *const cut[] = {
		"\"$", "\"${", "\"${A", "\"${A[", "\"${A[*", "\"${A[*]",
		"\"${A-", "\"${A-x", "a\\", "a\\x", "a\\x4", "\"a\\", "'",
		"\"\\x4",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		int rc = lex(cut[i]);

		assert_true(rc == 0 || rc == -1);
		assert_true(words.argc >= 0 && words.argc <= CFG_MAX_WORDS);
		assert_null(words.argv[words.argc]);
	}
}

static void test_lex_error_with_no_err_buffer(void **state)
{
	(void)state;
	assert_int_equal(cfg_lex_line("\"x", 2, &words, NULL, NULL, NULL, 0),
			 -1);
	assert_int_equal(cfg_lex_line("\"$FOO\"", 6, &words, NULL, NULL,
				      NULL, 0), 0);
	assert_string_equal(words.argv[0], "");
}

/* ---- time ---- */

static uint32_t time_ms(const char *s)
{
	char err[128] = "";
	uint32_t v = 12345;

	if (cfg_parse_time_ms(s, &v, err, sizeof(err)) != 0)
		fail_msg("'%s': %s", s, err);
	return v;
}

static void expect_time_error(const char *s, const char *msg_part)
{
	char err[160] = "";
	uint32_t v = 7;
	uint64_t us = 7;

	if (cfg_parse_time_ms(s, &v, err, sizeof(err)) != -1)
		fail_msg("time '%s' parsed as %u", s ? s : "(null)", v);
	if (!strstr(err, msg_part))
		fail_msg("'%s': message '%s' lacks '%s'", s, err, msg_part);
	assert_int_equal(v, 7);
	assert_int_equal(cfg_parse_time_us(s, &us, err, sizeof(err)), -1);
}

static void test_time_units(void **state)
{
	(void)state;
	assert_int_equal(time_ms("10"), 10);
	assert_int_equal(time_ms("10ms"), 10);
	assert_int_equal(time_ms("10s"), 10000);
	assert_int_equal(time_ms("2m"), 120000);
	assert_int_equal(time_ms("1h"), 3600000);
	assert_int_equal(time_ms("1d"), 86400000);
	assert_int_equal(time_ms("0"), 0);
	assert_int_equal(time_ms("00010"), 10);
}

static void test_time_microseconds_round_up(void **state)
{
	(void)state;
	assert_int_equal(time_ms("1us"), 1);
	assert_int_equal(time_ms("999us"), 1);
	assert_int_equal(time_ms("1000us"), 1);
	assert_int_equal(time_ms("1001us"), 2);
	assert_int_equal(time_ms("0us"), 0);
}

static void test_time_us(void **state)
{
	char err[128];
	uint64_t us = 0;

	(void)state;
	assert_int_equal(cfg_parse_time_us("1us", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 1);
	assert_int_equal(cfg_parse_time_us("7", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 7000);
	assert_int_equal(cfg_parse_time_us("5ms", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 5000);
	assert_int_equal(cfg_parse_time_us("2s", &us, err, sizeof(err)), 0);
	assert_int_equal(us, 2000000);
	assert_int_equal(cfg_parse_time_us("2147483647000us", &us, err,
					   sizeof(err)), 0);
	assert_int_equal(cfg_parse_time_us("2147483647001us", &us, err,
					   sizeof(err)), -1);
	assert_non_null(strstr(err, "too large"));
}

static void test_time_rejects_junk(void **state)
{
	(void)state;
	expect_time_error("", "empty time value");
	expect_time_error(NULL, "empty time value");
	expect_time_error("10sx", "unknown unit 'sx' in time '10sx'");
	expect_time_error("10mss", "unknown unit");
	expect_time_error("10mn", "unknown unit");
	expect_time_error("10 ", "unknown unit");
	/* units are lower case only, as in HAProxy */
	expect_time_error("10S", "unknown unit");
	expect_time_error("10Ms", "unknown unit");
	expect_time_error("10US", "unknown unit");
	expect_time_error("1.5s", "unknown unit");
	expect_time_error("-1", "'-1' is not a valid time");
	expect_time_error("+5", "not a valid time");
	expect_time_error(" 10", "not a valid time");
	expect_time_error("ms", "not a valid time");
}

static void test_time_overflow(void **state)
{
	(void)state;
	assert_int_equal(time_ms("2147483647"), INT32_MAX);
	assert_int_equal(time_ms("24d"), 2073600000);
	assert_int_equal(time_ms("596h"), 2145600000);
	expect_time_error("2147483648", "time '2147483648' is too large "
			  "(max 2147483647 ms");
	expect_time_error("25d", "too large");
	expect_time_error("597h", "too large");
	expect_time_error("99999999999999999999999", "too large");
	expect_time_error("99999999999999999999999d", "too large");
}

/* ---- size ---- */

static uint64_t size_of(const char *s)
{
	char err[128] = "";
	uint64_t v = 12345;

	if (cfg_parse_size(s, &v, err, sizeof(err)) != 0)
		fail_msg("'%s': %s", s, err);
	return v;
}

static void expect_size_error(const char *s, const char *msg_part)
{
	char err[128] = "";
	uint64_t v = 7;

	if (cfg_parse_size(s, &v, err, sizeof(err)) != -1)
		fail_msg("size '%s' parsed", s);
	if (!strstr(err, msg_part))
		fail_msg("'%s': message '%s' lacks '%s'", s, err, msg_part);
	assert_int_equal(v, 7);
}

static void test_size_suffixes(void **state)
{
	(void)state;
	assert_int_equal(size_of("0"), 0);
	assert_int_equal(size_of("10"), 10);
	assert_int_equal(size_of("16k"), 16384);
	assert_int_equal(size_of("16K"), 16384);
	assert_int_equal(size_of("1m"), 1048576);
	assert_int_equal(size_of("1M"), 1048576);
	assert_int_equal(size_of("1g"), 1073741824);
	assert_int_equal(size_of("1G"), 1073741824);
	assert_int_equal(size_of("4g"), 4294967296ULL);
	assert_int_equal(size_of("0k"), 0);
}

static void test_size_rejects_junk(void **state)
{
	(void)state;
	expect_size_error("", "empty size value");
	expect_size_error(NULL, "empty size value");
	expect_size_error("k", "'k' is not a valid size");
	expect_size_error("10kb", "not a valid size");
	expect_size_error("1.5k", "not a valid size");
	expect_size_error("-1k", "not a valid size");
	expect_size_error("10t", "not a valid size");
	expect_size_error(" 10k", "not a valid size");
	expect_size_error("10 k", "not a valid size");
	expect_size_error("0x10", "not a valid size");
}

static void test_size_overflow(void **state)
{
	(void)state;
	assert_true(size_of("18446744073709551615") == UINT64_MAX);
	assert_true(size_of("17179869183g") == UINT64_MAX - (1ULL << 30) + 1);
	expect_size_error("18446744073709551616", "size '18446744073709551616' "
			  "is too large");
	expect_size_error("17179869184g", "too large");
	expect_size_error("18014398509481984k", "too large");
}

/* ---- bounded integers ---- */

static void expect_uint_error(const char *s, uint64_t min, uint64_t max,
			      const char *msg)
{
	char err[128] = "";
	uint64_t v = 7;

	assert_int_equal(cfg_parse_uint(s, min, max, &v, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_int_equal(v, 7);
}

static void test_uint_bounds_inclusive(void **state)
{
	char err[128];
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cfg_parse_uint("0", 0, 255, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cfg_parse_uint("255", 0, 255, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 255);
	assert_int_equal(cfg_parse_uint("007", 1, 10, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 7);
	assert_int_equal(cfg_parse_uint("18446744073709551615", 0, UINT64_MAX,
					&v, err, sizeof(err)), 0);
	assert_true(v == UINT64_MAX);
	expect_uint_error("300", 0, 255, "'300' is out of range (0..255)");
	expect_uint_error("256", 0, 255, "'256' is out of range (0..255)");
	expect_uint_error("0", 1, 10, "'0' is out of range (1..10)");
	expect_uint_error("18446744073709551616", 0, UINT64_MAX,
			  "'18446744073709551616' is out of range "
			  "(0..18446744073709551615)");
}

static void test_uint_rejects_non_decimal(void **state)
{
	(void)state;
	expect_uint_error("12x", 0, 255, "'12x' is not a valid number");
	expect_uint_error("", 0, 255, "'' is not a valid number");
	expect_uint_error("-1", 0, 255, "'-1' is not a valid number");
	expect_uint_error("+1", 0, 255, "'+1' is not a valid number");
	expect_uint_error(" 1", 0, 255, "' 1' is not a valid number");
	expect_uint_error("1 ", 0, 255, "'1 ' is not a valid number");
	expect_uint_error("0x10", 0, 255, "'0x10' is not a valid number");
	expect_uint_error("99999999999999999999x", 0, 255,
			  "'99999999999999999999x' is not a valid number");
}

/* ---- conditional blocks ---- */

static int fake_feature(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "OPENSSL") == 0 || strcmp(name, "EPOLL") == 0;
}

static int fake_enabled(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "POLL") == 0;
}

static struct cfg_cond_ctx cond_ctx = {
	.version = "2.6.0",
	.feature = fake_feature,
	.enabled = fake_enabled,
	.getenv_fn = env_get,
};

static char script_out[2048];
static char script_msg[512];	/* the last error message */

static void out_add(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void out_add(const char *fmt, ...)
{
	size_t n = strlen(script_out);
	va_list ap;

	if (n)
		script_out[n++] = ' ';
	va_start(ap, fmt);
	vsnprintf(script_out + n, sizeof(script_out) - n, fmt, ap);
	va_end(ap);
}

static void script_action(enum cfg_cond_action a, const char *msg)
{
	switch (a) {
	case CFG_COND_USE:
		out_add("%s", words.argv[0]);
		break;
	case CFG_COND_SKIP:
		break;
	case CFG_COND_DIAG:
		out_add("D(%s)", msg);
		break;
	case CFG_COND_NOTICE:
		out_add("N(%s)", msg);
		break;
	case CFG_COND_WARNING:
		out_add("W(%s)", msg);
		break;
	case CFG_COND_ALERT:
		out_add("A(%s)", msg);
		break;
	case CFG_COND_ERROR:
		out_add("E");
		snprintf(script_msg, sizeof(script_msg), "%s", msg);
		break;
	}
}

/*
 * Feed a config through the lexer and cfg_cond_line as lbd's parser does.
 * Result: used lines' first words, messages as N(..) W(..) A(..) D(..),
 * E per error, and UNCLOSED when cfg_cond_end fails.
 */
static const char *run_script(const char *script)
{
	struct cfg_cond c;
	char msg[512];

	cfg_cond_init(&c);
	script_out[0] = script_msg[0] = '\0';
	while (*script) {
		const char *nl = strchr(script, '\n');
		size_t len = nl ? (size_t)(nl - script) : strlen(script);

		if (lex_n(script, len) < 0) {
			out_add("LEXERR");
		} else if (words.argc > 0) {
			script_action(cfg_cond_line(&c, &words, &cond_ctx, msg,
						    sizeof(msg)), msg);
		}
		script += len + (nl != NULL);
	}
	if (cfg_cond_end(&c, msg, sizeof(msg)) < 0) {
		out_add("UNCLOSED");
		snprintf(script_msg, sizeof(script_msg), "%s", msg);
	}
	return script_out;
}

/* 1 or 0 for the condition, -1 when it is an error (message in script_msg) */
static int cond_value(const char *expr)
{
	char script[1024];
	const char *out;

	snprintf(script, sizeof(script), ".if %s\nT\n.else\nF\n.endif", expr);
	out = run_script(script);
	if (strcmp(out, "T") == 0)
		return 1;
	if (strcmp(out, "F") == 0)
		return 0;
	if (out[0] == 'E')
		return -1;
	fail_msg("condition <%s> gave '%s'", expr, out);
	return -2;
}

static void expect_cond_error(const char *expr, const char *msg_part)
{
	if (cond_value(expr) != -1)
		fail_msg("condition <%s> should fail with '%s'", expr,
			 msg_part);
	if (!strstr(script_msg, msg_part))
		fail_msg("<%s>: message '%s' lacks '%s'", expr, script_msg,
			 msg_part);
}

static void test_cond_plain_lines_pass_through(void **state)
{
	(void)state;
	assert_string_equal(run_script("global\n  maxconn 10\n\n# c\ndefaults"),
			    "global maxconn defaults");
}

static void test_cond_if_else(void **state)
{
	(void)state;
	assert_string_equal(run_script("a\n.if 1\nb\n.endif\nc"), "a b c");
	assert_string_equal(run_script("a\n.if 0\nb\n.endif\nc"), "a c");
	assert_string_equal(run_script(".if 1\nb\n.else\nc\n.endif"), "b");
	assert_string_equal(run_script(".if 0\nb\n.else\nc\n.endif"), "c");
	assert_string_equal(run_script(".if 1 # comment\nb\n.endif # x"), "b");
}

static void test_cond_elif_chain_takes_first_true(void **state)
{
	static const char *const s =
		".if \"${ZERO}\"\na\n"
		".elif 0\nb\n"
		".elif \"${ONE}\"\nc\n"
		".elif 1\nd\n"
		".else\ne\n"
		".endif\nf";

	(void)state;
	assert_string_equal(run_script(s), "c f");
	assert_string_equal(run_script(".if 0\na\n.elif 0\nb\n.else\nc\n"
				       ".endif"), "c");
	assert_string_equal(run_script(".if 1\na\n.elif 1\nb\n.else\nc\n"
				       ".endif"), "a");
}

static void test_cond_nesting(void **state)
{
	static const char *const s =
		".if 1\n"
		"  a\n"
		"  .if 0\n    b\n  .else\n    c\n  .endif\n"
		"  d\n"
		".else\n"
		"  .if 1\n    e\n  .else\n    f\n  .endif\n"
		"  g\n"
		".endif\n"
		"h";

	(void)state;
	assert_string_equal(run_script(s), "a c d h");
	/* an .if inside a false block is closed by its own .endif */
	assert_string_equal(run_script(".if 0\n.if 1\na\n.endif\nb\n.endif\nc"),
			    "c");
	assert_string_equal(run_script(".if 0\n.if 0\n.else\na\n.endif\n"
				       ".else\nb\n.endif"), "b");
}

static void test_cond_false_block_is_not_evaluated(void **state)
{
	(void)state;
	assert_string_equal(run_script(".if 0\n.if bogus(x)\n.notice \"x\"\n"
				       ".foo\n.endif\n.elif 1\na\n.endif"), "a");
	assert_string_equal(run_script(".if 1\na\n.elif bogus(\nb\n.endif"),
			    "a");
	assert_string_equal(run_script(".if 0\n.elif 1\na\n.elif bogus\n"
				       ".endif"), "a");
}

static void test_cond_messages(void **state)
{
	static const char *const s =
		".diag \"d\"\n.notice \"n m\"\n.warning 'w'\n.alert \"${FOO}\"\n"
		".notice\n.notice \"\"";

	(void)state;
	assert_string_equal(run_script(s), "D(d) N(n m) W(w) A(hello) N() N()");
	assert_string_equal(run_script(".if 0\n.notice \"n\"\n.alert \"a\"\n"
				       ".else\n.warning \"w\"\n.endif"), "W(w)");
	assert_string_equal(run_script(".notice \"a\" b"), "E");
	assert_string_equal(script_msg, "unexpected argument 'b' for '.notice'; "
			    "use quotes if the message should contain spaces");
}

static void test_cond_structure_errors(void **state)
{
	(void)state;
	assert_string_equal(run_script(".elif 1"), "E");
	assert_string_equal(script_msg, "lone '.elif' with no matching '.if'");
	assert_string_equal(run_script(".else"), "E");
	assert_string_equal(script_msg, "lone '.else' with no matching '.if'");
	assert_string_equal(run_script(".endif\na"), "E a");
	assert_string_equal(script_msg, "lone '.endif' with no matching '.if'");

	assert_string_equal(run_script(".if 0\n.else\na\n.else\nb\n.endif"),
			    "a E");
	assert_string_equal(script_msg, "'.else' after '.else' is not permitted");
	assert_string_equal(run_script(".if 0\n.else\n.elif 1\nb\n.endif"),
			    "E");
	assert_string_equal(script_msg, "'.elif' after '.else' is not permitted");

	assert_string_equal(run_script(".if 1\n.else x\n.endif"), "E");
	assert_string_equal(script_msg, "unexpected argument 'x' for '.else'");
	assert_string_equal(run_script(".if 1\n.endif x\na"), "E a");
	assert_string_equal(script_msg, "unexpected argument 'x' for '.endif'");

	assert_string_equal(run_script(".foo"), "E");
	assert_string_equal(script_msg, "unknown directive '.foo'");
}

static void test_cond_unclosed_block(void **state)
{
	(void)state;
	assert_string_equal(run_script(".if 1\na"), "a UNCLOSED");
	assert_string_equal(script_msg, "unterminated '.if' block at end of "
			    "file (1 level still open)");
	assert_string_equal(run_script(".if 1\n.if 0\n.endif"), "UNCLOSED");
}

static void test_cond_depth_limit(void **state)
{
	static char script[2048];
	size_t n = 0;

	(void)state;
	for (int i = 0; i < CFG_COND_DEPTH; i++)
		n += (size_t)snprintf(script + n, sizeof(script) - n, ".if 1\n");
	n += (size_t)snprintf(script + n, sizeof(script) - n, "a\n");
	for (int i = 0; i < CFG_COND_DEPTH; i++)
		n += (size_t)snprintf(script + n, sizeof(script) - n, ".endif\n");
	assert_string_equal(run_script(script), "a");

	n = 0;
	for (int i = 0; i < CFG_COND_DEPTH + 2; i++)
		n += (size_t)snprintf(script + n, sizeof(script) - n, ".if 1\n");
	n += (size_t)snprintf(script + n, sizeof(script) - n,
			      "a\n.else\n.endif\n.endif\nb\n");
	for (int i = 0; i < CFG_COND_DEPTH; i++)
		n += (size_t)snprintf(script + n, sizeof(script) - n, ".endif\n");
	n += (size_t)snprintf(script + n, sizeof(script) - n, "c\n");
	/* one error, the too-deep lines skipped, nesting still balanced */
	assert_string_equal(run_script(script), "E b c");
	assert_string_equal(script_msg, "too many nested '.if' blocks (max 32)");
}

static void test_cond_predicate_defined_and_feature(void **state)
{
	(void)state;
	assert_int_equal(cond_value("defined(FOO)"), 1);
	assert_int_equal(cond_value("defined(EMPTY)"), 1);
	assert_int_equal(cond_value("defined(NOPE)"), 0);
	assert_int_equal(cond_value("defined()"), 0);
	assert_int_equal(cond_value("feature(OPENSSL)"), 1);
	assert_int_equal(cond_value("feature(openssl)"), 0);
	assert_int_equal(cond_value("feature(QUIC)"), 0);
	assert_int_equal(cond_value("enabled(POLL)"), 1);
	assert_int_equal(cond_value("enabled(SPLICE)"), 0);
}

static void test_cond_predicate_strings(void **state)
{
	(void)state;
	assert_int_equal(cond_value("streq(a,a)"), 1);
	assert_int_equal(cond_value("streq(a,b)"), 0);
	assert_int_equal(cond_value("streq(,)"), 1);
	assert_int_equal(cond_value("streq(\"${FOO}\",hello)"), 1);
	assert_int_equal(cond_value("streq(\"a b\",'a b')"), 1);
	/* blanks inside arguments are kept, as in HAProxy */
	assert_int_equal(cond_value("streq( a ,a)"), 0);
	assert_int_equal(cond_value("streq( a , a )"), 1);
	assert_int_equal(cond_value("strneq(a,b)"), 1);
	assert_int_equal(cond_value("strneq(a,a)"), 0);
	assert_int_equal(cond_value("strstr(abc,b)"), 1);
	assert_int_equal(cond_value("strstr(abc,x)"), 0);
	assert_int_equal(cond_value("strstr(abc,)"), 1);
}

static void test_cond_predicate_versions(void **state)
{
	(void)state;
	assert_int_equal(cond_value("version_atleast(2.6)"), 1);
	assert_int_equal(cond_value("version_atleast(2.6.0)"), 1);
	assert_int_equal(cond_value("version_atleast(2.6.0.0)"), 1);
	assert_int_equal(cond_value("version_atleast(2.6.1)"), 0);
	assert_int_equal(cond_value("version_atleast(2.5.99)"), 1);
	assert_int_equal(cond_value("version_atleast(2.10)"), 0);
	assert_int_equal(cond_value("version_atleast(2)"), 1);
	assert_int_equal(cond_value("version_atleast(3)"), 0);
	assert_int_equal(cond_value("version_atleast(2.6-dev19)"), 1);
	assert_int_equal(cond_value("version_atleast(2.6.0-rc1)"), 1);
	assert_int_equal(cond_value("version_atleast(2.7-dev0)"), 0);
	assert_int_equal(cond_value("version_before(2.6.1)"), 1);
	assert_int_equal(cond_value("version_before(2.6)"), 0);
	assert_int_equal(cond_value("version_before(2.7-dev0)"), 1);
	assert_int_equal(cond_value("version_before(2.4-dev19)"), 0);

	cond_ctx.version = "2.7-dev3";
	assert_int_equal(cond_value("version_atleast(2.7-dev2)"), 1);
	assert_int_equal(cond_value("version_atleast(2.7-pre1)"), 0);
	assert_int_equal(cond_value("version_before(2.7-rc1)"), 1);
	assert_int_equal(cond_value("version_before(2.7)"), 1);
	assert_int_equal(cond_value("version_atleast(2.6.99)"), 1);
	cond_ctx.version = "2.6.0";
}

static void test_cond_predicate_errors(void **state)
{
	(void)state;
	expect_cond_error("bogus(x)", "unknown predicate 'bogus' at position 1 "
			  "of condition 'bogus(x)'");
	expect_cond_error("yes", "unknown predicate 'yes'");
	expect_cond_error("defined", "predicate 'defined' expects 1 argument, "
			  "got 0");
	expect_cond_error("streq(a)", "predicate 'streq' expects 2 arguments, "
			  "got 1");
	expect_cond_error("streq(a,b,c)", "expects 2 arguments, got 3");
	expect_cond_error("defined(FOO", "missing ')' after the arguments of "
			  "'defined'");
	expect_cond_error("defined (FOO)", "'defined' expects 1 argument, "
			  "got 0");
	expect_cond_error("defined(FOO)x", "unexpected character 'x' at "
			  "position 13");
	expect_cond_error("version_atleast(abc)", "invalid version 'abc'");
	expect_cond_error("version_atleast()", "invalid version ''");
	expect_cond_error("version_atleast(2..6)", "invalid version");
	expect_cond_error("version_atleast(2.6-foo)", "invalid version");

	cond_ctx.version = NULL;
	expect_cond_error("version_before(2.6)", "own version");
	cond_ctx.version = "2.6.0";
}

static void test_cond_numbers(void **state)
{
	(void)state;
	assert_int_equal(cond_value("0"), 0);
	assert_int_equal(cond_value("1"), 1);
	assert_int_equal(cond_value("2"), 1);
	assert_int_equal(cond_value("-1"), 1);
	assert_int_equal(cond_value("-0"), 0);
	assert_int_equal(cond_value("+1"), 1);
	assert_int_equal(cond_value("0x10"), 1);
	assert_int_equal(cond_value("0x0"), 0);
	assert_int_equal(cond_value("010"), 1);
	assert_int_equal(cond_value("99999999999999999999"), 1);
	assert_int_equal(cond_value("\"  1\""), 1);
	assert_int_equal(cond_value("\"${ONE}\""), 1);
	assert_int_equal(cond_value("\"${ZERO}\""), 0);
	expect_cond_error("08", "unexpected character '8'");
	expect_cond_error("0x", "unexpected character 'x'");
	expect_cond_error("1abc", "unexpected character 'a'");
	expect_cond_error("0.5", "unexpected character '.'");
}

static void test_cond_empty_condition_is_false(void **state)
{
	(void)state;
	assert_string_equal(run_script(".if\na\n.else\nb\n.endif"), "b");
	assert_int_equal(cond_value("\"\""), 0);
	assert_int_equal(cond_value("\"${EMPTY}\""), 0);
	assert_int_equal(cond_value("\"${NOPE}\""), 0);
	/* blanks alone are not empty, as in HAProxy */
	expect_cond_error("\"  \"", "missing term");
}

static void test_cond_operators_and_precedence(void **state)
{
	(void)state;
	assert_int_equal(cond_value("1 || 0 && 0"), 1);
	assert_int_equal(cond_value("0 && 1 || 1"), 1);
	assert_int_equal(cond_value("(1 || 0) && 0"), 0);
	assert_int_equal(cond_value("1&&0"), 0);
	assert_int_equal(cond_value("1||0&&0"), 1);
	assert_int_equal(cond_value("!0 && !0 || 0"), 1);
	assert_int_equal(cond_value("!1 || 1"), 1);
	assert_int_equal(cond_value("!(1 || 0)"), 0);
	assert_int_equal(cond_value("!!1"), 1);
	assert_int_equal(cond_value("! 0"), 1);
	assert_int_equal(cond_value("((((1))))"), 1);
	assert_int_equal(cond_value("0 || 0 || 0 || 1"), 1);
	assert_int_equal(cond_value("1 && 1 && 1 && 0"), 0);
	/* the lexer's words are joined again with spaces */
	assert_int_equal(cond_value("defined(FOO) && streq(\"${FOO}\",hello)"),
			 1);
	assert_int_equal(cond_value("feature(OPENSSL) && (streq(\"${X}\",yes) "
				    "|| streq(\"${FOO}\",hello))"), 1);
	assert_int_equal(cond_value("\"defined(FOO) && 0\""), 0);
}

static void test_cond_operator_errors(void **state)
{
	char deep[200];

	(void)state;
	expect_cond_error("1 &&", "missing term at position 5");
	expect_cond_error("&& 1", "unexpected character '&' at position 1");
	expect_cond_error("1 & 1", "unexpected character '&'");
	expect_cond_error("1 | 1", "unexpected character '|'");
	expect_cond_error("1 &&& 1", "unexpected character '&'");
	expect_cond_error("(1", "missing ')' for this '('");
	expect_cond_error("1)", "unexpected character ')'");
	expect_cond_error("()", "unexpected character ')'");
	expect_cond_error("!", "missing term");
	expect_cond_error("1 0", "unexpected character '0' at position 3 of "
			  "condition '1 0'");
	expect_cond_error("\"1\x01\"", "unexpected character \\x01");

	memset(deep, '(', 40);
	memcpy(deep + 40, "1", 2);
	expect_cond_error(deep, "parentheses nested too deeply (max 32)");
}

static void test_cond_every_term_is_checked(void **state)
{
	(void)state;
	expect_cond_error("1 || bogus(x)", "unknown predicate 'bogus'");
	expect_cond_error("0 && streq(a)", "expects 2 arguments");
}

static void test_cond_bad_condition_skips_whole_block(void **state)
{
	(void)state;
	assert_string_equal(run_script(".if bogus\na\n.elif 1\nb\n.else\nc\n"
				       ".endif\nd"), "E d");
	assert_string_equal(run_script(".if 0\na\n.elif bogus\nb\n.else\nc\n"
				       ".endif\nd"), "E d");
}

static void test_cond_action_names(void **state)
{
	(void)state;
	assert_string_equal(cfg_cond_action_names[CFG_COND_USE], "use");
	assert_string_equal(cfg_cond_action_names[CFG_COND_ALERT], "alert");
	assert_string_equal(cfg_cond_action_names[CFG_COND_ERROR], "error");
}

static void test_cond_null_message_buffer(void **state)
{
	struct cfg_cond c;

	(void)state;
	cfg_cond_init(&c);
	assert_int_equal(lex(".endif"), 0);
	assert_int_equal(cfg_cond_line(&c, &words, &cond_ctx, NULL, 0),
			 CFG_COND_ERROR);
	assert_int_equal(lex(".if 1"), 0);
	assert_int_equal(cfg_cond_line(&c, &words, &cond_ctx, NULL, 0),
			 CFG_COND_SKIP);
	assert_int_equal(cfg_cond_end(&c, NULL, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lex_blanks_separate_words),
		cmocka_unit_test(test_lex_hash_starts_comment_outside_quotes),
		cmocka_unit_test(test_lex_unquoted_escapes),
		cmocka_unit_test(test_lex_unknown_escapes_keep_backslash),
		cmocka_unit_test(test_lex_bad_hex_escape),
		cmocka_unit_test(test_lex_double_quotes),
		cmocka_unit_test(test_lex_single_quotes_are_verbatim),
		cmocka_unit_test(test_lex_adjacent_parts_concatenate),
		cmocka_unit_test(test_lex_empty_quotes_make_empty_words),
		cmocka_unit_test(test_lex_unmatched_quote),
		cmocka_unit_test(test_lex_env_expands_in_double_quotes_only),
		cmocka_unit_test(test_lex_env_undefined_expands_to_nothing),
		cmocka_unit_test(test_lex_env_default_replaces_unset_only),
		cmocka_unit_test(test_lex_env_star_splits_into_words),
		cmocka_unit_test(test_lex_env_values_are_not_relexed),
		cmocka_unit_test(test_lex_env_pseudo_variables_come_from_callback),
		cmocka_unit_test(test_lex_env_syntax_errors),
		cmocka_unit_test(test_lex_env_name_length_bounded),
		cmocka_unit_test(test_lex_word_limit),
		cmocka_unit_test(test_lex_line_length_limit),
		cmocka_unit_test(test_lex_expansion_bounded_by_store),
		cmocka_unit_test(test_lex_cr_lf_end_line_and_nul_is_error),
		cmocka_unit_test(test_lex_truncated_input_stays_in_bounds),
		cmocka_unit_test(test_lex_error_with_no_err_buffer),
		cmocka_unit_test(test_time_units),
		cmocka_unit_test(test_time_microseconds_round_up),
		cmocka_unit_test(test_time_us),
		cmocka_unit_test(test_time_rejects_junk),
		cmocka_unit_test(test_time_overflow),
		cmocka_unit_test(test_size_suffixes),
		cmocka_unit_test(test_size_rejects_junk),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_uint_bounds_inclusive),
		cmocka_unit_test(test_uint_rejects_non_decimal),
		cmocka_unit_test(test_cond_plain_lines_pass_through),
		cmocka_unit_test(test_cond_if_else),
		cmocka_unit_test(test_cond_elif_chain_takes_first_true),
		cmocka_unit_test(test_cond_nesting),
		cmocka_unit_test(test_cond_false_block_is_not_evaluated),
		cmocka_unit_test(test_cond_messages),
		cmocka_unit_test(test_cond_structure_errors),
		cmocka_unit_test(test_cond_unclosed_block),
		cmocka_unit_test(test_cond_depth_limit),
		cmocka_unit_test(test_cond_predicate_defined_and_feature),
		cmocka_unit_test(test_cond_predicate_strings),
		cmocka_unit_test(test_cond_predicate_versions),
		cmocka_unit_test(test_cond_predicate_errors),
		cmocka_unit_test(test_cond_numbers),
		cmocka_unit_test(test_cond_empty_condition_is_false),
		cmocka_unit_test(test_cond_operators_and_precedence),
		cmocka_unit_test(test_cond_operator_errors),
		cmocka_unit_test(test_cond_every_term_is_checked),
		cmocka_unit_test(test_cond_bad_condition_skips_whole_block),
		cmocka_unit_test(test_cond_action_names),
		cmocka_unit_test(test_cond_null_message_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
