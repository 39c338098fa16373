/*
 * errors.h - the error responses lbd sends itself: built-in pages, or the
 * "errorfile" a proxy configured for that status.
 */
#ifndef LBD_ERRORS_H
#define LBD_ERRORS_H

struct proxy;
struct errorfile;

/* The response for status: be's errorfile, else fe's, else built-in.
 * Never NULL (an unknown status gets the 500 page). */
const struct errorfile *errors_get(const struct proxy *be,
				   const struct proxy *fe, int status);

/* 1 when lbd has a built-in page for status (the codes HAProxy answers
 * by default: 200 400 401 403 404 405 407 408 410 413 425 429 500 501
 * 502 503 504, and 414 431 505 of the parser). */
int errors_builtin(int status);

#endif
