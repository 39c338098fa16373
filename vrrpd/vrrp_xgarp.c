/*
 * vrrp_xgarp.c - announcements of the VIPs on other interfaces (see
 * vrrp_xgarp.h).
 */
#include <string.h>

#include "vrrp_arp.h"
#include "vrrp_conf.h"
#include "vrrp_nl.h"
#include "vrrp_xgarp.h"

static int announce(struct vrrp_nl *nl, int arp_fd,
		    const struct vrrp_conf_instance *ci,
		    const struct vrrp_conf_vip *v)
{
	struct vrrp_conf_addr ll;
	uint8_t mac[6];
	int idx;

	if (!v->dev[0] || strcmp(v->dev, ci->interface) == 0)
		return 0;
	/* a link-local VIP is the link's own business: no NA for it */
	if (v->addr.family == AF_INET6 && v->addr.u.b[0] == 0xfe &&
	    (v->addr.u.b[1] & 0xc0) == 0x80)
		return 0;
	idx = vrrp_nl_ifindex(nl, v->dev);
	if (idx <= 0 || vrrp_nl_mac(nl, idx, mac) != 0)
		return 0;
	if (v->addr.family == AF_INET6 &&
	    vrrp_nl_primary(nl, idx, AF_INET6, NULL, 0, &ll) != 0)
		return 0;
	return vrrp_arp_send(arp_fd, idx, mac, &v->addr,
			     v->addr.family == AF_INET6 ? &ll : NULL) == 0;
}

int vrrp_xgarp_send(struct vrrp_nl *nl, int arp_fd,
		    const struct vrrp_conf_instance *ci)
{
	int n = 0;

	for (size_t i = 0; i < ci->nvips; i++)
		n += announce(nl, arp_fd, ci, &ci->vips[i]);
	for (size_t i = 0; i < ci->nvips_excluded; i++)
		n += announce(nl, arp_fd, ci, &ci->vips_excluded[i]);
	return n;
}
