/*
 * observe.h - "observe layer4|layer7" with "error-limit" and "on-error":
 * what live traffic says about a server counts against it. Layer 4 sees
 * connects (a failure or timeout is an error, a success clears the count);
 * layer 7 sees connect failures and responses: 5xx other than 501 and
 * 505, invalid or missing responses and response timeouts are errors, any
 * other final status clears the count (a connect alone does not).
 * error-limit consecutive errors trigger the
 * on-error action on the checks' thread.
 */
#ifndef LBD_OBSERVE_H
#define LBD_OBSERVE_H

struct server;

enum obs_event {
	OBS_CONN_OK,		/* layer 4: connected */
	OBS_CONN_ERR,		/* layer 4: connect refused or failed */
	OBS_CONN_TIMEOUT,	/* layer 4: connect timeout */
	OBS_HTTP_STATUS,	/* layer 7: a final status (judged by code) */
	OBS_HTTP_INVALID,	/* layer 7: unparsable response */
	OBS_HTTP_ABORT,		/* layer 7: closed or broken before a response */
	OBS_HTTP_TIMEOUT,	/* layer 7: no response in time */
	OBS_EVENT_COUNT
};
extern const char *const obs_event_names[OBS_EVENT_COUNT];

/* Report a traffic event on srv (NULL-safe; any thread). status is the
 * HTTP status for OBS_HTTP_STATUS. */
void observe_report(struct server *srv, enum obs_event ev, int status);

/* Whether a final HTTP status counts as an error under layer 7 (pure). */
int observe_status_is_error(int status);

#endif
