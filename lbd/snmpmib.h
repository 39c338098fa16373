/*
 * snmpmib.h - LBD-MIB (docs/mibs/LBD-MIB.txt) over AgentX: the process,
 * frontend, backend, server and VRRP tables with "show stat"'s counters,
 * and notifications on server up/down and on a backend left without a
 * usable server. Enabled by "snmp-agentx-socket" in global; it runs on the
 * first worker's loop, the runtime API's, and reads everything through
 * stats.h (as "show stat" does) and vrrpwatch.h.
 */
#ifndef LBD_SNMPMIB_H
#define LBD_SNMPMIB_H

struct ev_loop;

/* Start the subagent when configured. Returns 0 (also when not
 * configured), -1 after logging why. */
int snmpmib_start(struct ev_loop *loop);
void snmpmib_stop(void);

#endif
