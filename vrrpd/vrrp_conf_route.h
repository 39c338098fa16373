/*
 * vrrp_conf_route.h - one line of virtual_routes or virtual_rules, in
 * keepalived's syntax (that of ip-route(8) and ip-rule(8)):
 *
 *   [src ADDR] [to] PREFIX [via|gw ADDR] [dev IF] [scope S] [table T]
 *       [metric|priority|preference N] [no_track]
 *   blackhole|unreachable|prohibit PREFIX [table T] [metric N]
 *   [from PREFIX] [to PREFIX] table T [priority|preference|pref N]
 *       [no_track]
 *
 * Options keepalived also takes but vrrpd does not (multipath "or" and
 * "nexthop", metrics such as mtu, rule selectors such as iif or fwmark)
 * are refused by name. Pure functions: no I/O, no allocation.
 */
#ifndef VRRPD_VRRP_CONF_ROUTE_H
#define VRRPD_VRRP_CONF_ROUTE_H

#include <stddef.h>

struct vrrp_conf_route;
struct vrrp_conf_rule;

/* Parse argv[0..argc) into *r. Returns 0, or -1 with a message (without
 * file:line) in err. */
int vrrp_conf_route_parse(int argc, char **argv, struct vrrp_conf_route *r,
			  char *err, size_t errlen);
int vrrp_conf_rule_parse(int argc, char **argv, struct vrrp_conf_rule *r,
			 char *err, size_t errlen);

#endif
