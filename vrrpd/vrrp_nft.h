/*
 * vrrp_nft.h - no_accept: a Master that is not the address owner must not
 * take packets addressed to its VIPs (RFC 5798 6.4.3, Accept_Mode False).
 * The VIPs (and excluded VIPs) of every instance without accept mode and
 * below priority 255 go into two nftables sets, and one input chain at
 * priority -1 drops what is addressed to them, ICMP echo included; IPv6
 * neighbour solicitations and advertisements still pass, or neighbours
 * could not resolve the VIP. The table (global_defs `nftables TABLE`,
 * default "vrrpd") is replaced whole and atomically by each apply, and
 * deleted on exit. Rules are static: a Backup does not hold the VIPs, so
 * filtering them there changes nothing, and the rule is in place before a
 * VIP is ever added.
 */
#ifndef VRRPD_VRRP_NFT_H
#define VRRPD_VRRP_NFT_H

struct vrrp_conf;
struct vrrp_nft;

/* A handle; nothing is changed in the kernel yet. NULL when memory is
 * short. */
struct vrrp_nft *vrrp_nft_new(void);

/* Make the table match c: created or replaced when some instance needs
 * filtering, deleted when none does any more. Returns 0, or -1 after
 * logging nftables' message (the previous rules then stay). */
int vrrp_nft_apply(struct vrrp_nft *n, const struct vrrp_conf *c);

/* Delete the table if we made one, and free; NULL is a no-op. */
void vrrp_nft_free(struct vrrp_nft *n);

/* The ruleset text apply would load for c into buf (NUL-terminated), for
 * tests; returns its length, 0 when c needs no filtering, or -1 when buf
 * is too small. */
int vrrp_nft_ruleset(const struct vrrp_conf *c, char *buf, size_t len);

#endif
