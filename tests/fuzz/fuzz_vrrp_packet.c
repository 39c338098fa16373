/*
 * fuzz_vrrp_packet.c - libFuzzer target for the VRRP advertisement parser.
 *
 * Input: one control byte, then the VRRP message. The message is parsed as
 * it is on an IPv4 and on an IPv6 socket, then once more as the control
 * byte says, with its checksum first made right so that the checks behind
 * the checksum get explored:
 *   bit 0  family: 0 IPv4, 1 IPv6
 *   bit 1  set a correct checksum before parsing ...
 *   bit 2  ... summed over the message alone instead of the pseudo-header
 *   bit 3  unicast destination instead of the VRRP multicast group
 *   bit 4  TTL / Hop Limit 254 instead of 255
 * Whatever parses is built again from the parsed fields: the bytes must be
 * the input's, except the bits a receiver ignores (VRRPv3 rsvd, VRRPv2
 * auth data without auth) and the checksum they change. Every parse runs
 * on an exact-size heap copy so ASan sees any over-read. abort() on any
 * broken invariant.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vrrp_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t src4[4] = { 192, 0, 2, 1 };
static const uint8_t mcast4[4] = { 224, 0, 0, 18 };
static const uint8_t peer4[4] = { 192, 0, 2, 2 };
static const uint8_t src6[16] = { 0xfe, 0x80, [15] = 1 };
static const uint8_t mcast6[16] = { 0xff, 0x02, [15] = 0x12 };
static const uint8_t peer6[16] = { 0xfe, 0x80, [15] = 2 };

static void check(int ok)
{
	if (!ok)
		abort();
}

static uint8_t *dup_exact(const void *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	check(d != NULL);
	if (len)
		memcpy(d, p, len);
	return d;
}

static int inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t len)
{
	return p >= buf && (size_t)(p - buf) <= len &&
	       n <= len - (size_t)(p - buf);
}

static void set_ip(struct vrrp_pkt_ip *ip, unsigned ctl)
{
	int v6 = ctl & 1;

	ip->family = v6 ? VRRP_PKT_IPV6 : VRRP_PKT_IPV4;
	ip->src = v6 ? (const void *)src6 : (const void *)src4;
	if (ctl & 8)
		ip->dst = v6 ? (const void *)peer6 : (const void *)peer4;
	else
		ip->dst = v6 ? (const void *)mcast6 : (const void *)mcast4;
	ip->ttl = (ctl & 16) ? 254 : 255;
}

/* Make the checksum of msg right in the given form, the way a sender
 * would: through vrrp_pkt_cksum with a pseudo-header built here. */
static void fix_cksum(uint8_t *msg, size_t len, const struct vrrp_pkt_ip *ip,
		      int msg_only)
{
	uint8_t ph[40] = { 0 };
	struct vrrp_pkt_chunk c[2];
	size_t alen = vrrp_pkt_addr_len(ip->family), n = 0;
	uint16_t sum;

	if (len < VRRP_PKT_HDR_LEN || len > 0xffff)
		return;
	msg[6] = msg[7] = 0;
	if (!msg_only) {
		memcpy(ph, ip->src, alen);
		memcpy(ph + alen, ip->dst, alen);
		if (ip->family == VRRP_PKT_IPV4) {
			ph[9] = VRRP_PKT_PROTO;
			ph[10] = (uint8_t)(len >> 8);
			ph[11] = (uint8_t)len;
		} else {
			ph[34] = (uint8_t)(len >> 8);
			ph[35] = (uint8_t)len;
			ph[39] = VRRP_PKT_PROTO;
		}
		c[n].data = ph;
		c[n++].len = ip->family == VRRP_PKT_IPV4 ? 12 : 40;
	}
	c[n].data = msg;
	c[n++].len = len;
	sum = vrrp_pkt_cksum(c, n);
	msg[6] = (uint8_t)(sum >> 8);
	msg[7] = (uint8_t)sum;
}

/* What a successful parse guarantees. */
static void check_success(const struct vrrp_pkt *p, const uint8_t *buf,
			  size_t len, const struct vrrp_pkt_ip *ip)
{
	size_t alen = vrrp_pkt_addr_len(ip->family);

	check(p->err == VRRP_PKT_OK && p->family == ip->family);
	check(p->version == VRRP_PKT_V3 ||
	      (p->version == VRRP_PKT_V2 && ip->family == VRRP_PKT_IPV4));
	check(p->type == VRRP_PKT_TYPE_ADVERT && p->vrid != 0);
	check(p->adver_int > 0);
	check(len == vrrp_pkt_len((enum vrrp_pkt_version)p->version,
				  ip->family, p->naddr));
	check(p->checksum == (buf[6] << 8 | buf[7]));
	if (p->version == VRRP_PKT_V3) {
		check(p->naddr >= 1 && p->adver_int <= VRRP_PKT_V3_INT_MAX);
		check(p->auth_type == VRRP_PKT_AUTH_NONE && !p->auth_data);
		check(ip->family == VRRP_PKT_IPV4 ||
		      p->cksum == VRRP_PKT_CKSUM_PSEUDO);
	} else {
		check(p->adver_int % 100 == 0 && p->cksum == VRRP_PKT_CKSUM_MSG);
		check(p->auth_type == VRRP_PKT_AUTH_NONE ||
		      p->auth_type == VRRP_PKT_AUTH_PASS);
		check(p->auth_data == buf + len - VRRP_PKT_AUTH_LEN);
	}
	if (p->naddr) {
		check(inside(p->addrs, p->naddr * alen, buf, len));
		check(vrrp_pkt_addr(p, p->naddr - 1u) != NULL);
	} else {
		check(p->addrs == NULL);
	}
	check(vrrp_pkt_addr(p, p->naddr) == NULL);
	check(vrrp_pkt_addrs_match(p, p->addrs, p->naddr));
}

/* Build from the parsed fields; compare with the input. */
static void check_rebuild(const struct vrrp_pkt *p, const uint8_t *buf,
			  size_t len, const struct vrrp_pkt_ip *ip)
{
	static const uint8_t zero8[8];
	struct vrrp_pkt_params bp;
	uint8_t out[VRRP_PKT_MAX_LEN];
	struct vrrp_pkt again;
	char err[128];
	size_t auth_at = len - VRRP_PKT_AUTH_LEN;
	int v2none = p->version == VRRP_PKT_V2 &&
		     p->auth_type == VRRP_PKT_AUTH_NONE;
	int canonical;
	uint8_t *copy;

	memset(&bp, 0, sizeof(bp));
	bp.version = (enum vrrp_pkt_version)p->version;
	bp.vrid = p->vrid;
	bp.priority = p->priority;
	bp.adver_int = p->adver_int;
	bp.naddr = p->naddr;
	bp.addrs = p->addrs;
	bp.auth_type = p->auth_type;
	if (p->auth_type == VRRP_PKT_AUTH_PASS) {
		bp.auth_data = p->auth_data;
		bp.auth_len = VRRP_PKT_AUTH_LEN;
	}
	bp.cksum = p->cksum;
	check(vrrp_pkt_build(out, sizeof(out), &bp, ip) == (ssize_t)len);

	canonical = p->version == VRRP_PKT_V3 ? (buf[4] & 0xf0) == 0
		    : !v2none || memcmp(buf + auth_at, zero8, 8) == 0;
	if (canonical) {
		check(memcmp(out, buf, len) == 0);
		return;
	}
	/* equal but for the ignored bits and the checksum they change */
	check(memcmp(out, buf, 4) == 0);
	check(p->version != VRRP_PKT_V3 || (out[4] == (buf[4] & 0x0f) &&
					    out[5] == buf[5]));
	check(p->version != VRRP_PKT_V2 || memcmp(out + 4, buf + 4, 2) == 0);
	check(memcmp(out + 8, buf + 8, p->version == VRRP_PKT_V2
			  ? auth_at - 8 : len - 8) == 0);
	copy = dup_exact(out, len);
	check(vrrp_pkt_parse(copy, len, ip, &again, err, sizeof(err)) == 0);
	check(again.vrid == p->vrid && again.priority == p->priority &&
	      again.adver_int == p->adver_int && again.naddr == p->naddr &&
	      again.auth_type == p->auth_type && again.cksum == p->cksum);
	free(copy);
}

static void parse_one(const uint8_t *data, size_t len,
		      const struct vrrp_pkt_ip *ip)
{
	uint8_t *buf = dup_exact(data, len);
	struct vrrp_pkt p;
	char err[128];
	int rc;

	memset(err, 'x', sizeof(err));
	rc = vrrp_pkt_parse(buf, len, ip, &p, err, sizeof(err));
	check(rc == 0 || rc == -1);
	check(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc == 0) {
		check(err[0] == '\0');
		check_success(&p, buf, len, ip);
		check_rebuild(&p, buf, len, ip);
	} else {
		check(p.err > VRRP_PKT_OK && p.err < VRRP_PKT_ERR_MAX);
		check(p.err != VRRP_PKT_ERR_PARAM);
		check(err[0] != '\0' && !p.addrs && !p.auth_data);
		check(p.vrid == (len > 1 ? buf[1] : 0));
		check(ip->ttl == 255 || p.err == VRRP_PKT_ERR_TTL);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrp_pkt_ip ip;
	unsigned ctl;
	uint8_t *msg;
	size_t len;

	if (size == 0 || size - 1 > VRRP_PKT_MAX_LEN + 64)
		return 0;
	ctl = data[0];
	len = size - 1;

	set_ip(&ip, 0);			/* as received, IPv4 */
	parse_one(data + 1, len, &ip);
	set_ip(&ip, 1);			/* as received, IPv6 */
	parse_one(data + 1, len, &ip);

	set_ip(&ip, ctl);
	msg = dup_exact(data + 1, len);
	if (ctl & 2)
		fix_cksum(msg, len, &ip, ctl & 4);
	parse_one(msg, len, &ip);
	free(msg);
	return 0;
}
