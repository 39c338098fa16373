/*
 * sdnotify.h - the service manager's readiness protocol (sd_notify(3)'s
 * wire format): one datagram of "KEY=value" lines to the unix socket named
 * by $NOTIFY_SOCKET. Without that variable every call does nothing, so the
 * daemons call these unconditionally.
 */
#ifndef SHARED_SDNOTIFY_H
#define SHARED_SDNOTIFY_H

#include "log.h"

/*
 * Read $NOTIFY_SOCKET once (a path, or "@name" for the abstract namespace)
 * and unset it so that children (checks, scripts) never inherit it.
 * Returns 1 when a manager listens, 0 when not, -1 on a malformed value.
 */
int sdn_init(void);

/* Send one state block ("READY=1\nSTATUS=..."); never blocks. 0 or -1. */
int sdn_send(const char *state);

/* sdn_send with printf formatting. */
int sdn_sendf(const char *fmt, ...) LOG_PRINTF(1, 2);

/*
 * "RELOADING=1" with the MONOTONIC_USEC stamp that Type=notify-reload
 * wants; the daemon sends "READY=1" once the new configuration runs.
 */
int sdn_reloading(void);

/* Forget the socket (sdn_init again to re-read); for tests. */
void sdn_reset(void);

#endif
