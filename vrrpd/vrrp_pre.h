/*
 * vrrp_pre.h - keepalived.conf preprocessing: comments, "include" with
 * globs, "$NAME=value" parameters (one line or continued with '\'),
 * "${NAME}" / "$NAME" substitution, "@id" / "@^id" conditional lines and
 * "~SEQ(var, start, step, end)" / "~SEQx(...)" repeated lines.
 *
 * The output is a stream of logical lines, each with the file and line it
 * came from, handed to a callback; the keyword parser (vrrp_conf.c) never
 * sees a directive. All output is bounded: include depth, expansion depth,
 * line length and the total number of lines produced.
 */
#ifndef VRRPD_VRRP_PRE_H
#define VRRPD_VRRP_PRE_H

#include <stddef.h>

enum {
	VRRP_PRE_LINE_MAX    = 8192,	/* bytes of one logical line */
	VRRP_PRE_INCLUDE_MAX = 8,	/* include nesting */
	VRRP_PRE_EXPAND_MAX  = 8,	/* parameter-in-parameter nesting */
	VRRP_PRE_LINES_MAX   = 200000,	/* logical lines per configuration */
	VRRP_PRE_PARAMS_MAX  = 1024,
};

/* One logical line; text has no comment and no trailing newline. Returns
 * 0, or -1 to stop preprocessing. */
typedef int (*vrrp_pre_line_fn)(void *arg, const char *file, int line,
				const char *text);
/* An error found by the preprocessor: "file:line: message" already built. */
typedef void (*vrrp_pre_err_fn)(void *arg, const char *msg);

struct vrrp_pre_param;

struct vrrp_pre {
	const char *config_id;		/* for @id lines (-i, else hostname) */
	int allow_include;		/* 0: "include" is an error (fuzzing) */
	vrrp_pre_line_fn line_cb;
	vrrp_pre_err_fn err_cb;
	void *arg;			/* for both callbacks */
	/* state */
	struct vrrp_pre_param *params;
	size_t nparams;
	int depth;			/* include depth */
	size_t nlines;
	int errors;
	int stop;
};

/* Prepare p; the caller fills config_id, allow_include and the callbacks
 * after this call. */
void vrrp_pre_init(struct vrrp_pre *p);

/* Preprocess a file (a path; relative includes are taken from its
 * directory). Returns 0, or -1 when errors were reported (p->errors). */
int vrrp_pre_file(struct vrrp_pre *p, const char *path);

/* Same for text already in memory (len bytes, any content; NULs and
 * overlong lines are reported); name is used in messages and as the
 * directory base for includes. */
int vrrp_pre_buf(struct vrrp_pre *p, const char *name, const char *buf,
		 size_t len);

/* Free the parameters; p may be reused after vrrp_pre_init. */
void vrrp_pre_free(struct vrrp_pre *p);

#endif
