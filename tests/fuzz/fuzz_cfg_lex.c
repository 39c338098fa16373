/*
 * fuzz_cfg_lex.c - libFuzzer target for shared/cfg_lex.c.
 * The input is a config: each '\n'-separated line is lexed, fed to the .if
 * preprocessor, and every word goes through the unit parsers. Each line is
 * copied into its own exact-size allocation so ASan sees any over-read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_lex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_getenv(const char *name, void *arg)
{
	static const char *const env[][2] = {
		{ "A", "1" }, { "B", "" }, { "L", "x y  z\t w " },
		{ "S", "   " }, { "Q", "\"'#\\$" }, { ".LINE", "7" },
	};

	(void)arg;
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		if (strcmp(env[i][0], name) == 0)
			return env[i][1];
	return NULL;
}

static int fuzz_feature(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "OPENSSL") == 0;
}

static const struct cfg_cond_ctx fuzz_ctx = {
	.version = "2.6.0",
	.feature = fuzz_feature,
	.enabled = fuzz_feature,
	.getenv_fn = fuzz_getenv,
};

static void check_str(const char *s, size_t cap)
{
	if (cap == 0 || !memchr(s, '\0', cap))
		abort();
}

static void check_words(const struct cfg_words *w, int rc, const char *err,
			size_t errlen)
{
	const char *lo = w->store, *hi = w->store + sizeof(w->store);

	check_str(err, errlen);
	if (rc == -1) {
		if (w->argc != 0 || w->argv[0] != NULL || err[0] == '\0')
			abort();
		return;
	}
	if (rc != 0 || w->argc < 0 || w->argc > CFG_MAX_WORDS ||
	    w->argv[w->argc] != NULL)
		abort();
	for (int i = 0; i < w->argc; i++) {
		const char *a = w->argv[i];

		if (a < lo || a >= hi)
			abort();
		check_str(a, (size_t)(hi - a));
	}
}

static void check_units(const char *word)
{
	char err[256];
	uint32_t ms;
	uint64_t us, v;
	int a, b;

	err[0] = '\0';
	a = cfg_parse_time_ms(word, &ms, err, sizeof(err));
	b = cfg_parse_time_us(word, &us, err, sizeof(err));
	check_str(err, sizeof(err));
	if (a != b || (a == 0 && (ms > INT32_MAX || ms != (us + 999) / 1000)))
		abort();
	if (cfg_parse_size(word, &v, err, sizeof(err)) == 0 && strlen(word) == 0)
		abort();
	if (cfg_parse_uint(word, 10, 1000, &v, err, sizeof(err)) == 0 &&
	    (v < 10 || v > 1000))
		abort();
	check_str(err, sizeof(err));
}

static void fuzz_line(const uint8_t *line, size_t len, struct cfg_words *w,
		      struct cfg_cond *cond)
{
	char err[128], msg[300];
	char *copy = malloc(len ? len : 1);
	enum cfg_cond_action act;
	int rc;

	if (!copy)
		return;
	memcpy(copy, line, len);
	err[0] = '\0';
	rc = cfg_lex_line(copy, len, w, fuzz_getenv, NULL, err, sizeof(err));
	free(copy);
	check_words(w, rc, err, sizeof(err));
	if (rc < 0)
		return;
	act = cfg_cond_line(cond, w, &fuzz_ctx, msg, sizeof(msg));
	if ((int)act < CFG_COND_USE || act > CFG_COND_ERROR)
		abort();
	check_str(msg, sizeof(msg));
	if (act == CFG_COND_ERROR && msg[0] == '\0')
		abort();
	if (cond->depth < 0)
		abort();
	for (int i = 0; i < w->argc; i++)
		check_units(w->argv[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cfg_words w;
	struct cfg_cond cond;
	char msg[128];
	size_t start = 0;

	cfg_cond_init(&cond);
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		fuzz_line(data + start, i - start, &w, &cond);
		start = i + 1;
	}
	if (cfg_cond_end(&cond, msg, sizeof(msg)) < 0)
		check_str(msg, sizeof(msg));
	return 0;
}
