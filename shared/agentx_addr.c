/*
 * agentx_addr.c - which AgentX master sockets the daemons accept (see
 * agx_socket_valid in agentx.h); pure, built with or without net-snmp.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "agentx.h"

int agx_socket_valid(const char *s)
{
	char host[64], *end;
	const char *a, *colon;
	unsigned char buf[16];
	unsigned long port;
	size_t hl;

	if (!s)
		return 0;
	a = strncmp(s, "unix:", 5) == 0 ? s + 5 : s;
	if (a[0] == '/')
		return strlen(a) < 108;
	if (strncmp(s, "tcp:", 4) != 0 && strncmp(s, "udp:", 4) != 0)
		return 0;
	a = s + 4;
	colon = strrchr(a, ':');
	if (!colon || !colon[1])
		return 0;
	hl = (size_t)(colon - a);
	if (hl >= 2 && a[0] == '[' && colon[-1] == ']') {
		a++;
		hl -= 2;
		if (hl >= sizeof(host))
			return 0;
		memcpy(host, a, hl);
		host[hl] = '\0';
		if (inet_pton(AF_INET6, host, buf) != 1)
			return 0;
	} else {
		if (hl >= sizeof(host))
			return 0;
		memcpy(host, a, hl);
		host[hl] = '\0';
		if (inet_pton(AF_INET, host, buf) != 1)
			return 0;
	}
	port = strtoul(colon + 1, &end, 10);
	return !*end && colon[1] != '-' && colon[1] != '+' && port >= 1 &&
	       port <= 65535;
}
