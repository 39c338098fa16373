/*
 * addrwatch.h - the node's addresses coming and going (netlink), for
 * frontends bound to addresses lbd may not own yet (VRRP VIPs, bound with
 * IP_FREEBIND). Each arrival and departure of a bound address is logged;
 * with "on-address-loss close-idle" in global, idle keep-alive client
 * connections on an address that left are closed on every thread: their
 * clients now reach the new Master, and the connections are dead anyway.
 * Runs on the first worker's loop; only when a frontend binds a specific
 * address.
 */
#ifndef LBD_ADDRWATCH_H
#define LBD_ADDRWATCH_H

struct ev_loop;

enum { ADDR_LOSS_NONE, ADDR_LOSS_CLOSE_IDLE };

/* 0, or -1 after logging why (lbd runs on without it). */
int addrwatch_start(struct ev_loop *loop);
void addrwatch_stop(void);

#endif
