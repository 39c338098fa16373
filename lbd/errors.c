/*
 * errors.c - built-in error pages and errorfile lookup (see errors.h).
 * The files in config/errors/ carry the same pages for use with "errorfile".
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "proxy.h"


struct builtin_page {
	int status;
	const char *reason;
	const char *text;
};

static struct builtin_page builtin[] = {
	{ 200, "OK", "Service ready." },
	{ 400, "Bad Request", "lbd could not understand this request." },
	{ 401, "Unauthorized", "This request needs authentication." },
	{ 403, "Forbidden", "This request is not allowed by the proxy's rules." },
	{ 404, "Not Found", "The requested URL was not found." },
	{ 405, "Method Not Allowed", "This method is not allowed for the requested URL." },
	{ 407, "Proxy Authentication Required", "This request needs proxy authentication." },
	{ 408, "Request Time-out", "The request did not arrive completely in the allowed time." },
	{ 410, "Gone", "The requested URL is no longer available." },
	{ 413, "Payload Too Large", "The request body is larger than allowed." },
	{ 414, "URI Too Long", "The request line is longer than this proxy accepts." },
	{ 429, "Too Many Requests", "Too many requests came from this client; retry later." },
	{ 425, "Too Early", "This request was sent too early; retry it." },
	{ 431, "Request Header Fields Too Large", "The request headers are larger than this proxy accepts." },
	{ 500, "Internal Server Error", "The proxy met an internal error." },
	{ 501, "Not Implemented", "The request uses a transfer coding this proxy does not implement." },
	{ 502, "Bad Gateway", "The server sent a broken or incomplete answer." },
	{ 503, "Service Unavailable", "No server can take this request right now." },
	{ 504, "Gateway Time-out", "The server took too long to answer." },
	{ 505, "HTTP Version Not Supported", "The request uses an HTTP version this proxy does not support." },
};

static struct errorfile builtin_files[sizeof(builtin) / sizeof(builtin[0])];
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static char builtin_store[sizeof(builtin) / sizeof(builtin[0])][512];

static void errors_build(void)
{
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		const struct builtin_page *p = &builtin[i];
		char body[256];
		int bl = snprintf(body, sizeof(body),
				  "<html><body><h1>%d %s</h1>\n%s\n</body></html>\n",
				  p->status, p->reason, p->text);
		int n = snprintf(builtin_store[i], sizeof(builtin_store[i]),
				 "HTTP/1.1 %d %s\r\ncontent-length: %d\r\n"
				 "cache-control: no-cache\r\ncontent-type: text/html\r\n"
				 "connection: close\r\n\r\n%s",
				 p->status, p->reason, bl, body);
		builtin_files[i].status = p->status;
		builtin_files[i].data = builtin_store[i];
		builtin_files[i].len = (size_t)n;
	}
}

static const struct errorfile *proxy_err(const struct proxy *px, int status)
{
	if (!px)
		return NULL;
	for (int i = 0; i < PR_ERR_COUNT; i++)
		if (px->errs[i].data && px->errs[i].status == status)
			return &px->errs[i];
	return NULL;
}

int errors_builtin(int status)
{
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (builtin[i].status == status)
			return 1;
	return 0;
}

const struct errorfile *errors_get(const struct proxy *be,
				   const struct proxy *fe, int status)
{
	const struct errorfile *e = proxy_err(be, status);
	size_t fallback = 0;

	if (!e)
		e = proxy_err(fe, status);
	if (e)
		return e;
	pthread_once(&builtin_once, errors_build);
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (builtin[i].status == status)
			return &builtin_files[i];
		if (builtin[i].status == 500)
			fallback = i;
	}
	return &builtin_files[fallback];
}
