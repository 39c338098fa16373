/*
 * agentx_off.c - the AgentX glue when built with SNMP=0 (no net-snmp):
 * asking for a subagent is an error the daemons report at start-up.
 */
#include <stdlib.h>

#include "agentx.h"
#include "log.h"

struct agx *agx_new(struct ev_loop *loop, const char *name, const char *socket)
{
	log_warnx("agentx: this build has no SNMP support (built with SNMP=0)");
	return NULL;
}

void agx_free(struct agx *a)
{
}

int agx_register(struct agx *a, const struct agx_table *t)
{
	return -1;
}

int agx_notify(struct agx *a, const uint32_t *trap, size_t trap_len,
	       const struct agx_varbind *vb, size_t n)
{
	return -1;
}

int agx_connected(const struct agx *a)
{
	return 0;
}

uint64_t agx_dropped(const struct agx *a)
{
	return 0;
}
