/*
 * vrrp_packet.h - VRRP advertisement wire format, no I/O.
 *
 * Builds and parses the VRRP message, i.e. the IP payload of protocol 112:
 * VRRPv3 (RFC 5798) over IPv4 and IPv6, and VRRPv2 (RFC 3768, with the
 * simple text password of RFC 2338) over IPv4. The IP header is not ours:
 * the daemon sends on raw sockets with IP_HDRINCL off, so the kernel writes
 * the IPv4/IPv6 header (TTL / Hop Limit 255 from the socket options) and the
 * daemon hands us the received header's source, destination and TTL.
 * Pure functions: no I/O, no allocation; everything vrrp_pkt_parse returns
 * points into the caller's buffer.
 *
 * Checksums, and who computes which:
 *  - VRRPv2 (RFC 3768 5.3.8): the VRRP message alone.
 *  - VRRPv3 over IPv6 (RFC 5798 5.2.8): the IPv6 pseudo-header of RFC 2460
 *    8.1 (source, destination, 32-bit length, next header 112), then the
 *    message.
 *  - VRRPv3 over IPv4: RFC 5798 5.2.8 points at the same RFC 2460 text;
 *    deployed routers read it as the IPv4 pseudo-header (source,
 *    destination, zero, protocol 112, 16-bit length) then the message:
 *    keepalived 2.2.7 does (checked on captured adverts, multicast and
 *    unicast). RFC 9568 5.2.8, which obsoletes RFC 5798, sums the IPv4
 *    message alone. vrrp_pkt_build writes the pseudo-header form unless
 *    told VRRP_PKT_CKSUM_MSG; vrrp_pkt_parse accepts either form for
 *    VRRPv3/IPv4 and reports which one matched in vrrp_pkt.cksum. Old
 *    keepalived (up to 1.3.6, or "old_unicast_checksum") put 224.0.0.18
 *    in the pseudo-header of unicast adverts too (checked against Debian's
 *    keepalived 2.2.7 with that keyword): VRRP_PKT_CKSUM_OLD_UNICAST,
 *    also accepted and reported.
 * This module computes and verifies every checksum itself. The daemon must
 * not set IPV6_CHECKSUM on its IPv6 socket: the kernel would then drop bad
 * checksums before vrrp_pkt_parse could count them (on send it would only
 * rewrite the same value). The pseudo-header addresses are those of the IP
 * header as sent or received: 224.0.0.18 / ff02::12, or the peer's address
 * for a unicast peer.
 *
 * Versions: vrrp_pkt_parse accepts both versions on IPv4 and only version 3
 * on IPv6. RFC 5798 section 8.4 lets a VRRPv3 router that is configured for
 * it read VRRPv2 adverts while a LAN is upgraded (keepalived's v2/v3
 * compatibility); choosing which versions a virtual router accepts is the
 * state machine's job, not this module's.
 */
#ifndef VRRPD_VRRP_PACKET_H
#define VRRPD_VRRP_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum {
	VRRP_PKT_PROTO       = 112,	/* IPv4 protocol / IPv6 next header */
	VRRP_PKT_TTL         = 255,	/* the only TTL / Hop Limit accepted */
	VRRP_PKT_TYPE_ADVERT = 1,	/* the only packet type defined */
	VRRP_PKT_HDR_LEN     = 8,	/* fixed fields before the addresses */
	VRRP_PKT_AUTH_LEN    = 8,	/* VRRPv2 authentication data */
	VRRP_PKT_MAX_ADDRS   = 255,	/* Count IPvX Addrs is 8 bits */
	VRRP_PKT_V3_INT_MAX  = 4095,	/* 12-bit Max Adver Int, centiseconds */
	VRRP_PKT_V2_INT_MAX  = 255,	/* 8-bit Adver Int, seconds */
	/* the largest message: VRRPv3, 255 IPv6 addresses */
	VRRP_PKT_MAX_LEN     = VRRP_PKT_HDR_LEN + VRRP_PKT_MAX_ADDRS * 16,
};

/* Values are the Version field. */
enum vrrp_pkt_version {
	VRRP_PKT_V2 = 2,
	VRRP_PKT_V3 = 3,
	VRRP_PKT_VERSION_MAX
};
/* "VRRPv2", "VRRPv3"; NULL below VRRP_PKT_V2 */
extern const char *const vrrp_pkt_version_names[VRRP_PKT_VERSION_MAX];

enum vrrp_pkt_family {
	VRRP_PKT_IPV4,
	VRRP_PKT_IPV6,
	VRRP_PKT_FAMILY_MAX
};
extern const char *const vrrp_pkt_family_names[VRRP_PKT_FAMILY_MAX];

/* VRRPv2 Auth Type (RFC 2338 5.3.6; RFC 3768 keeps 1 and 2 reserved).
 * The names are keepalived's auth_type keywords. */
enum vrrp_pkt_auth {
	VRRP_PKT_AUTH_NONE = 0,
	VRRP_PKT_AUTH_PASS = 1,		/* simple text password, 8 bytes */
	VRRP_PKT_AUTH_AH   = 2,		/* IPsec AH: refused, not supported */
	VRRP_PKT_AUTH_MAX
};
extern const char *const vrrp_pkt_auth_names[VRRP_PKT_AUTH_MAX];

/* What the checksum covers (see the top of this file). */
enum vrrp_pkt_cksum {
	VRRP_PKT_CKSUM_PSEUDO,		/* pseudo-header + message */
	VRRP_PKT_CKSUM_MSG,		/* message only */
	VRRP_PKT_CKSUM_OLD_UNICAST,	/* pseudo-header whose destination is
					 * 224.0.0.18 even for a unicast peer:
					 * keepalived up to 1.3.6 (and its
					 * "old_unicast_checksum") */
	VRRP_PKT_CKSUM_MAX
};
extern const char *const vrrp_pkt_cksum_names[VRRP_PKT_CKSUM_MAX];

/* Why vrrp_pkt_parse refused a packet, named after the counters the daemon
 * keeps (VRRPv3-MIB, RFC 6527; VRRP-MIB, RFC 2787 for the auth type).
 * The version, checksum and VRID errors are router-wide counters; the
 * others are per virtual router, found through vrrp_pkt.vrid. A VRID that
 * is well formed but not configured is the caller's VrIdErrors too. */
enum vrrp_pkt_err {
	VRRP_PKT_OK,
	VRRP_PKT_ERR_TTL,		/* IpTtlErrors */
	VRRP_PKT_ERR_VERSION,		/* VersionErrors (also v2 over IPv6) */
	VRRP_PKT_ERR_TYPE,		/* RcvdInvalidTypePackets */
	VRRP_PKT_ERR_LENGTH,		/* PacketLengthErrors */
	VRRP_PKT_ERR_CHECKSUM,		/* ChecksumErrors */
	VRRP_PKT_ERR_VRID,		/* VrIdErrors: VRID 0 */
	VRRP_PKT_ERR_ADDRESS,		/* AddressListErrors: v3 count 0 */
	VRRP_PKT_ERR_INTERVAL,		/* AdvIntervalErrors: interval 0 */
	VRRP_PKT_ERR_AUTH,		/* vrrpStatsInvalidAuthType (v2) */
	VRRP_PKT_ERR_PARAM,		/* the caller's arguments, not the packet */
	VRRP_PKT_ERR_MAX
};
extern const char *const vrrp_pkt_err_names[VRRP_PKT_ERR_MAX];

/* The IP side of a message: the family of the socket, the IP header's
 * addresses (4 or 16 bytes, network order) for the pseudo-header, and for
 * vrrp_pkt_parse the TTL (IP_RECVTTL) or Hop Limit (IPV6_RECVHOPLIMIT). */
struct vrrp_pkt_ip {
	enum vrrp_pkt_family family;
	const void *src;
	const void *dst;
	uint8_t ttl;
};

/* What vrrp_pkt_build writes. */
struct vrrp_pkt_params {
	enum vrrp_pkt_version version;
	uint8_t vrid;			/* 1..255 */
	uint8_t priority;		/* 0..255 (0: Master stopping) */
	uint16_t adver_int;		/* centiseconds: v3 1..4095; v2 a whole
					 * number of seconds, 100..25500 */
	size_t naddr;			/* v3 1..255; v2 0..255 */
	const void *addrs;		/* naddr packed addresses of the family
					 * (struct in_addr / in6_addr arrays);
					 * IPv6: the first should be the link-
					 * local one (RFC 5798 5.2.9), which
					 * neither build nor parse enforces:
					 * keepalived sends without it */
	enum vrrp_pkt_auth auth_type;	/* v2: NONE or PASS; v3: NONE */
	const void *auth_data;		/* v2: 0..8 bytes, zero-padded to 8 */
	size_t auth_len;		/* v3: 0 */
	enum vrrp_pkt_cksum cksum;	/* v3 over IPv4 only; the others have
					 * one form and ignore this */
};

/* A parsed advertisement. On success every field is valid. On failure
 * err says why, and the fields whose bytes were present are filled
 * (version and type from byte 0, vrid from byte 1, ...; vrid 0 means not
 * known) so the caller can count per virtual router; addrs and auth_data
 * stay NULL. */
struct vrrp_pkt {
	enum vrrp_pkt_err err;
	enum vrrp_pkt_family family;	/* from the caller's vrrp_pkt_ip */
	uint8_t version;		/* 2 or 3 on success */
	uint8_t type;			/* VRRP_PKT_TYPE_ADVERT on success */
	uint8_t vrid;			/* 1..255 on success */
	uint8_t priority;
	uint8_t naddr;			/* Count IPvX Addrs */
	uint16_t adver_int;		/* centiseconds, both versions; > 0 */
	uint16_t checksum;		/* as received */
	enum vrrp_pkt_cksum cksum;	/* the form that matched */
	const uint8_t *addrs;		/* naddr addresses, packed, in buf */
	enum vrrp_pkt_auth auth_type;	/* v2: NONE or PASS; v3: NONE */
	const uint8_t *auth_data;	/* v2: the 8 bytes in buf; v3: NULL */
};

/* One piece of the data vrrp_pkt_cksum sums. */
struct vrrp_pkt_chunk {
	const void *data;
	size_t len;
};

/* Bytes of one address of the family (4 or 16), 0 for a bad family. */
size_t vrrp_pkt_addr_len(enum vrrp_pkt_family family);

/* Bytes of a message of that version and family carrying naddr addresses
 * (VRRPv2 includes its 8 bytes of authentication data); 0 when the
 * combination cannot exist (v2 over IPv6, naddr > 255, bad enum). */
size_t vrrp_pkt_len(enum vrrp_pkt_version version,
		    enum vrrp_pkt_family family, size_t naddr);

/* The Internet checksum (RFC 1071) of the chunks taken as one string of
 * bytes, odd-length chunks included: the value to store, big-endian, in a
 * zeroed checksum field. Summing data that already holds a correct
 * checksum returns 0. */
uint16_t vrrp_pkt_cksum(const struct vrrp_pkt_chunk *chunks, size_t n);

/* Write the VRRP message described by p into buf (len bytes), checksum
 * included. ip->family is required; ip->src and ip->dst are required for
 * VRRPv3 (pseudo-header) and ignored for VRRPv2; ip->ttl is ignored.
 * Returns the message length, or -1 when it does not fit in len or a
 * parameter is out of range (see struct vrrp_pkt_params); buf is then
 * left unspecified. */
ssize_t vrrp_pkt_build(uint8_t *buf, size_t len,
		       const struct vrrp_pkt_params *p,
		       const struct vrrp_pkt_ip *ip);

/* Validate the VRRP message buf[0..len) received on an ip->family socket
 * (ip->src, ip->dst, ip->ttl as received: all required), in the order of
 * RFC 5798 7.1 and RFC 3768 7.1: TTL/Hop Limit 255, version (2 or 3 on
 * IPv4, 3 on IPv6), type ADVERTISEMENT, length exactly that of the fixed
 * fields, the counted addresses and (v2) the authentication data,
 * checksum, VRID 1..255, at least one address (v3), a non-zero interval,
 * a known and supported auth type (v2). The rest of section 7.1 needs the
 * configuration and is the caller's: VRID configured, not the address
 * owner, interval equal to the configured one (v2), auth type and
 * password equal to the configured ones (v2), address list
 * (vrrp_pkt_addrs_match; RFC 5798 keeps a mismatched advert only when its
 * priority is 255).
 * Returns 0, or -1 with out->err set and a one-line reason in errmsg
 * (errlen bytes, may be NULL/0), for debug-level logging. */
int vrrp_pkt_parse(const uint8_t *buf, size_t len,
		   const struct vrrp_pkt_ip *ip, struct vrrp_pkt *out,
		   char *errmsg, size_t errlen);

/* The i-th address of a parsed message, or NULL when i >= pkt->naddr. */
const uint8_t *vrrp_pkt_addr(const struct vrrp_pkt *pkt, size_t i);

/* 1 when the parsed message carries exactly the naddr packed addresses at
 * addrs (same family), in any order and with the same repetitions; else
 * 0. This is the optional address-list check of RFC 5798 7.1 / RFC 3768
 * 7.1. No allocation: O(naddr^2) compares, naddr <= 255. */
int vrrp_pkt_addrs_match(const struct vrrp_pkt *pkt, const void *addrs,
			 size_t naddr);

#endif
