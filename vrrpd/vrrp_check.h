/*
 * vrrp_check.h - the rules a parsed configuration must follow as a whole:
 * references between blocks (track_script names, sync group members),
 * address families, what each VRRP version allows, duplicate VRIDs, and
 * the defaults that depend on other settings. Run by vrrp_conf_load after
 * a parse without errors; messages are "file:line: (VI_1) ...".
 */
#ifndef VRRPD_VRRP_CHECK_H
#define VRRPD_VRRP_CHECK_H

#include "vrrp_conf.h"

/* Check c, completing the defaults that depend on the whole (family,
 * down_timer_adverts, script timeouts, sync group membership). Reports
 * through fn (warnings do not count). Returns the number of errors. */
int vrrp_check_conf(struct vrrp_conf *c, vrrp_conf_msg_fn fn, void *arg);

#endif
