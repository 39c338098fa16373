/*
 * vrrp_packet.c - VRRP advertisement wire format (RFC 5798, RFC 3768,
 * RFC 2338 for the v2 password), no I/O. See vrrp_packet.h.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-------+---------------+---------------+---------------+
 * |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
 * +-------+-------+---------------+---------------+---------------+
 * | rsvd  |  Max Adver Int (cs)   |           Checksum            | v3
 * |   Auth Type   | Adver Int (s) |           Checksum            | v2
 * +---------------+---------------+-------------------------------+
 * |      Count IPvX Addr addresses, 4 (IPv4) or 16 (IPv6) bytes   |
 * +---------------------------------------------------------------+
 * |          Authentication Data, 8 bytes (v2 only)               |
 * +---------------------------------------------------------------+
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vrrp_packet.h"

#define V3_RSVD_MASK	0xf000u		/* RFC 5798 5.2.6: zero, ignored */

const char *const vrrp_pkt_version_names[VRRP_PKT_VERSION_MAX] = {
	[VRRP_PKT_V2] = "VRRPv2",
	[VRRP_PKT_V3] = "VRRPv3",
};

const char *const vrrp_pkt_family_names[VRRP_PKT_FAMILY_MAX] = {
	[VRRP_PKT_IPV4] = "IPv4",
	[VRRP_PKT_IPV6] = "IPv6",
};

const char *const vrrp_pkt_auth_names[VRRP_PKT_AUTH_MAX] = {
	[VRRP_PKT_AUTH_NONE] = "none",
	[VRRP_PKT_AUTH_PASS] = "PASS",
	[VRRP_PKT_AUTH_AH]   = "AH",
};

const char *const vrrp_pkt_cksum_names[VRRP_PKT_CKSUM_MAX] = {
	[VRRP_PKT_CKSUM_PSEUDO] = "pseudo-header",
	[VRRP_PKT_CKSUM_MSG]    = "message only",
	[VRRP_PKT_CKSUM_OLD_UNICAST] = "old unicast pseudo-header",
};

const char *const vrrp_pkt_err_names[VRRP_PKT_ERR_MAX] = {
	[VRRP_PKT_OK]           = "ok",
	[VRRP_PKT_ERR_TTL]      = "ttl",
	[VRRP_PKT_ERR_VERSION]  = "version",
	[VRRP_PKT_ERR_TYPE]     = "type",
	[VRRP_PKT_ERR_LENGTH]   = "length",
	[VRRP_PKT_ERR_CHECKSUM] = "checksum",
	[VRRP_PKT_ERR_VRID]     = "vrid",
	[VRRP_PKT_ERR_ADDRESS]  = "address list",
	[VRRP_PKT_ERR_INTERVAL] = "interval",
	[VRRP_PKT_ERR_AUTH]     = "auth type",
	[VRRP_PKT_ERR_PARAM]    = "parameter",
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t vrrp_pkt_addr_len(enum vrrp_pkt_family family)
{
	switch (family) {
	case VRRP_PKT_IPV4:
		return 4;
	case VRRP_PKT_IPV6:
		return 16;
	default:
		return 0;
	}
}

size_t vrrp_pkt_len(enum vrrp_pkt_version version,
		    enum vrrp_pkt_family family, size_t naddr)
{
	size_t alen = vrrp_pkt_addr_len(family);

	if (alen == 0 || naddr > VRRP_PKT_MAX_ADDRS)
		return 0;
	if (version == VRRP_PKT_V3)
		return VRRP_PKT_HDR_LEN + naddr * alen;
	if (version == VRRP_PKT_V2 && family == VRRP_PKT_IPV4)
		return VRRP_PKT_HDR_LEN + naddr * alen + VRRP_PKT_AUTH_LEN;
	return 0;
}

uint16_t vrrp_pkt_cksum(const struct vrrp_pkt_chunk *chunks, size_t n)
{
	uint64_t sum = 0;
	int low = 0;		/* the next byte is a word's low half */
	size_t i, j;

	/* Byte by byte, so that a chunk of odd length shifts the word
	 * boundaries of the next one, as if the chunks were one string. */
	for (i = 0; i < n; i++) {
		const uint8_t *p = chunks[i].data;

		for (j = 0; j < chunks[i].len; j++) {
			sum += low ? p[j] : (uint32_t)p[j] << 8;
			low = !low;
		}
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The pseudo-header for a message of len bytes: RFC 768-style for IPv4
 * (12 bytes), RFC 2460 8.1 for IPv6 (40 bytes). ph holds 40 bytes. */
static const uint8_t vrrp_mcast4[4] = { 224, 0, 0, 18 };

static size_t pseudo_header(uint8_t *ph, const struct vrrp_pkt_ip *ip,
			    size_t len, enum vrrp_pkt_cksum form)
{
	size_t alen = vrrp_pkt_addr_len(ip->family);

	memcpy(ph, ip->src, alen);
	memcpy(ph + alen, ip->dst, alen);
	if (ip->family == VRRP_PKT_IPV4) {
		if (form == VRRP_PKT_CKSUM_OLD_UNICAST)
			memcpy(ph + alen, vrrp_mcast4, sizeof(vrrp_mcast4));
		ph[8] = 0;
		ph[9] = VRRP_PKT_PROTO;
		put16(ph + 10, (unsigned)len);
		return 12;
	}
	put16(ph + 32, (unsigned)(len >> 16));
	put16(ph + 34, (unsigned)(len & 0xffff));
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = VRRP_PKT_PROTO;
	return 40;
}

/* The checksum msg[0..len) should carry, its own field counted as zero
 * whatever it holds. len >= VRRP_PKT_HDR_LEN. */
static uint16_t msg_cksum(const uint8_t *msg, size_t len,
			  const struct vrrp_pkt_ip *ip,
			  enum vrrp_pkt_cksum form)
{
	static const uint8_t zero[2];
	uint8_t ph[40];
	struct vrrp_pkt_chunk c[4];
	size_t n = 0;

	if (form != VRRP_PKT_CKSUM_MSG) {
		c[n].data = ph;
		c[n++].len = pseudo_header(ph, ip, len, form);
	}
	c[n].data = msg;
	c[n++].len = 6;
	c[n].data = zero;
	c[n++].len = sizeof(zero);
	c[n].data = msg + 8;
	c[n++].len = len - 8;
	return vrrp_pkt_cksum(c, n);
}

static int v3_params_ok(const struct vrrp_pkt_params *p,
			const struct vrrp_pkt_ip *ip)
{
	if (p->naddr < 1 || p->adver_int < 1 ||
	    p->adver_int > VRRP_PKT_V3_INT_MAX)
		return 0;
	if (p->auth_type != VRRP_PKT_AUTH_NONE || p->auth_len != 0)
		return 0;
	return ip->src && ip->dst && (unsigned)p->cksum < VRRP_PKT_CKSUM_MAX;
}

static int v2_params_ok(const struct vrrp_pkt_params *p,
			const struct vrrp_pkt_ip *ip)
{
	if (ip->family != VRRP_PKT_IPV4)
		return 0;
	if (p->adver_int < 100 || p->adver_int > VRRP_PKT_V2_INT_MAX * 100 ||
	    p->adver_int % 100 != 0)
		return 0;
	if (p->auth_type == VRRP_PKT_AUTH_NONE)
		return p->auth_len == 0;	/* RFC 3768 5.3.10: zero */
	return p->auth_type == VRRP_PKT_AUTH_PASS &&
	       p->auth_len <= VRRP_PKT_AUTH_LEN;
}

/* 0 when p can be written for ip, else -1 (see struct vrrp_pkt_params). */
static int check_params(const struct vrrp_pkt_params *p,
			const struct vrrp_pkt_ip *ip)
{
	int ok;

	if (vrrp_pkt_addr_len(ip->family) == 0 || p->vrid == 0 ||
	    p->naddr > VRRP_PKT_MAX_ADDRS || (p->naddr && !p->addrs) ||
	    (p->auth_len && !p->auth_data))
		return -1;
	if (p->version == VRRP_PKT_V3)
		ok = v3_params_ok(p, ip);
	else if (p->version == VRRP_PKT_V2)
		ok = v2_params_ok(p, ip);
	else
		ok = 0;
	return ok ? 0 : -1;
}

ssize_t vrrp_pkt_build(uint8_t *buf, size_t len,
		       const struct vrrp_pkt_params *p,
		       const struct vrrp_pkt_ip *ip)
{
	size_t alen, need;
	enum vrrp_pkt_cksum form;

	if (!buf || !p || !ip || check_params(p, ip) < 0)
		return -1;
	alen = vrrp_pkt_addr_len(ip->family);
	need = vrrp_pkt_len(p->version, ip->family, p->naddr);
	if (need == 0 || need > len)
		return -1;

	buf[0] = (uint8_t)(p->version << 4 | VRRP_PKT_TYPE_ADVERT);
	buf[1] = p->vrid;
	buf[2] = p->priority;
	buf[3] = (uint8_t)p->naddr;
	if (p->version == VRRP_PKT_V3) {
		put16(buf + 4, p->adver_int);	/* rsvd bits are zero */
		form = ip->family == VRRP_PKT_IPV4 ? p->cksum
						   : VRRP_PKT_CKSUM_PSEUDO;
	} else {
		buf[4] = (uint8_t)p->auth_type;
		buf[5] = (uint8_t)(p->adver_int / 100);
		form = VRRP_PKT_CKSUM_MSG;
	}
	put16(buf + 6, 0);
	if (p->naddr)
		memcpy(buf + VRRP_PKT_HDR_LEN, p->addrs, p->naddr * alen);
	if (p->version == VRRP_PKT_V2) {
		uint8_t *auth = buf + VRRP_PKT_HDR_LEN + p->naddr * alen;

		memset(auth, 0, VRRP_PKT_AUTH_LEN);
		if (p->auth_len)
			memcpy(auth, p->auth_data, p->auth_len);
	}
	put16(buf + 6, msg_cksum(buf, need, ip, form));
	return (ssize_t)need;
}

__attribute__((format(printf, 5, 6)))
static int fail(struct vrrp_pkt *out, enum vrrp_pkt_err err, char *errmsg,
		size_t errlen, const char *fmt, ...)
{
	va_list ap;

	out->err = err;
	if (errmsg && errlen) {
		va_start(ap, fmt);
		vsnprintf(errmsg, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Fill what the bytes present say, before anything is validated, so that
 * a refused packet can still be counted against its virtual router. */
static void decode_present(const uint8_t *buf, size_t len,
			   struct vrrp_pkt *out)
{
	if (len > 0) {
		out->version = buf[0] >> 4;
		out->type = buf[0] & 0x0f;
	}
	if (len > 1)
		out->vrid = buf[1];
	if (len > 2)
		out->priority = buf[2];
	if (len > 3)
		out->naddr = buf[3];
	if (len >= VRRP_PKT_HDR_LEN)
		out->checksum = get16(buf + 6);
}

/* Version, type and length: the message is complete and nothing more. */
static int check_frame(size_t len, const struct vrrp_pkt_ip *ip, struct vrrp_pkt *out,
		       char *errmsg, size_t errlen)
{
	int v4 = ip->family == VRRP_PKT_IPV4;
	size_t want;

	if (len == 0)
		return fail(out, VRRP_PKT_ERR_LENGTH, errmsg, errlen,
			    "empty packet");
	if (out->version != VRRP_PKT_V3 &&
	    (out->version != VRRP_PKT_V2 || !v4))
		return fail(out, VRRP_PKT_ERR_VERSION, errmsg, errlen,
			    "version %u, expected %s", out->version,
			    v4 ? "2 or 3" : "3 over IPv6");
	if (out->type != VRRP_PKT_TYPE_ADVERT)
		return fail(out, VRRP_PKT_ERR_TYPE, errmsg, errlen,
			    "type %u, expected 1 (ADVERTISEMENT)", out->type);
	if (len < VRRP_PKT_HDR_LEN)
		return fail(out, VRRP_PKT_ERR_LENGTH, errmsg, errlen,
			    "%zu bytes, shorter than the %d-byte header", len,
			    VRRP_PKT_HDR_LEN);
	want = vrrp_pkt_len(out->version, ip->family, out->naddr);
	if (len != want)
		return fail(out, VRRP_PKT_ERR_LENGTH, errmsg, errlen,
			    "%zu bytes, expected %zu for %u %s address%s%s",
			    len, want, out->naddr,
			    vrrp_pkt_family_names[ip->family],
			    out->naddr == 1 ? "" : "es",
			    out->version == VRRP_PKT_V2 ? " and auth data" : "");
	return 0;
}

static int check_cksum(const uint8_t *buf, size_t len,
		       const struct vrrp_pkt_ip *ip, struct vrrp_pkt *out,
		       char *errmsg, size_t errlen)
{
	uint16_t want, alt;

	if (out->version == VRRP_PKT_V2)
		out->cksum = VRRP_PKT_CKSUM_MSG;
	else
		out->cksum = VRRP_PKT_CKSUM_PSEUDO;
	want = msg_cksum(buf, len, ip, out->cksum);
	if (out->checksum == want)
		return 0;
	if (out->version == VRRP_PKT_V2 || ip->family == VRRP_PKT_IPV6)
		return fail(out, VRRP_PKT_ERR_CHECKSUM, errmsg, errlen,
			    "checksum 0x%04x, expected 0x%04x (%s)",
			    out->checksum, want,
			    vrrp_pkt_cksum_names[out->cksum]);

	/* VRRPv3 over IPv4: RFC 9568 sums the message alone */
	alt = msg_cksum(buf, len, ip, VRRP_PKT_CKSUM_MSG);
	if (out->checksum == alt) {
		out->cksum = VRRP_PKT_CKSUM_MSG;
		return 0;
	}
	if (memcmp(ip->dst, vrrp_mcast4, sizeof(vrrp_mcast4)) != 0 &&
	    out->checksum == msg_cksum(buf, len, ip, VRRP_PKT_CKSUM_OLD_UNICAST)) {
		out->cksum = VRRP_PKT_CKSUM_OLD_UNICAST;
		return 0;
	}
	return fail(out, VRRP_PKT_ERR_CHECKSUM, errmsg, errlen,
		    "checksum 0x%04x, expected 0x%04x (%s) or 0x%04x (%s)",
		    out->checksum, want,
		    vrrp_pkt_cksum_names[VRRP_PKT_CKSUM_PSEUDO], alt,
		    vrrp_pkt_cksum_names[VRRP_PKT_CKSUM_MSG]);
}

/* The fields' values, once the frame and checksum are known good. */
static int check_fields(const uint8_t *buf, size_t len,
			const struct vrrp_pkt_ip *ip, struct vrrp_pkt *out,
			char *errmsg, size_t errlen)
{
	int v3 = out->version == VRRP_PKT_V3;
	unsigned auth = buf[4];

	if (out->vrid == 0)
		return fail(out, VRRP_PKT_ERR_VRID, errmsg, errlen,
			    "VRID 0, expected 1-255");
	if (v3 && out->naddr == 0)
		return fail(out, VRRP_PKT_ERR_ADDRESS, errmsg, errlen,
			    "no %s address, expected at least one",
			    vrrp_pkt_family_names[ip->family]);
	out->adver_int = v3 ? get16(buf + 4) & ~V3_RSVD_MASK
			    : (uint16_t)(buf[5] * 100);
	if (out->adver_int == 0)
		return fail(out, VRRP_PKT_ERR_INTERVAL, errmsg, errlen,
			    "advertisement interval 0");
	if (!v3 && auth == VRRP_PKT_AUTH_AH)
		return fail(out, VRRP_PKT_ERR_AUTH, errmsg, errlen,
			    "auth type 2 (IP Authentication Header) is not "
			    "supported");
	if (!v3 && auth > VRRP_PKT_AUTH_AH)
		return fail(out, VRRP_PKT_ERR_AUTH, errmsg, errlen,
			    "unknown auth type %u", auth);

	out->auth_type = v3 ? VRRP_PKT_AUTH_NONE : (enum vrrp_pkt_auth)auth;
	out->addrs = out->naddr ? buf + VRRP_PKT_HDR_LEN : NULL;
	out->auth_data = v3 ? NULL : buf + len - VRRP_PKT_AUTH_LEN;
	out->err = VRRP_PKT_OK;
	return 0;
}

int vrrp_pkt_parse(const uint8_t *buf, size_t len,
		   const struct vrrp_pkt_ip *ip, struct vrrp_pkt *out,
		   char *errmsg, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (errmsg && errlen)
		errmsg[0] = '\0';
	if (!ip || vrrp_pkt_addr_len(ip->family) == 0 || !ip->src ||
	    !ip->dst || (!buf && len))
		return fail(out, VRRP_PKT_ERR_PARAM, errmsg, errlen,
			    "bad family, or missing buffer or IP addresses");
	out->family = ip->family;
	decode_present(buf, len, out);

	if (ip->ttl != VRRP_PKT_TTL)
		return fail(out, VRRP_PKT_ERR_TTL, errmsg, errlen,
			    "%s %u, expected 255",
			    ip->family == VRRP_PKT_IPV4 ? "TTL" : "hop limit",
			    ip->ttl);
	if (check_frame(len, ip, out, errmsg, errlen) < 0 ||
	    check_cksum(buf, len, ip, out, errmsg, errlen) < 0)
		return -1;
	return check_fields(buf, len, ip, out, errmsg, errlen);
}

const uint8_t *vrrp_pkt_addr(const struct vrrp_pkt *pkt, size_t i)
{
	if (!pkt->addrs || i >= pkt->naddr)
		return NULL;
	return pkt->addrs + i * vrrp_pkt_addr_len(pkt->family);
}

int vrrp_pkt_addrs_match(const struct vrrp_pkt *pkt, const void *addrs,
			 size_t naddr)
{
	uint8_t used[VRRP_PKT_MAX_ADDRS] = { 0 };
	size_t alen = vrrp_pkt_addr_len(pkt->family), i, j;
	const uint8_t *conf = addrs;

	if (alen == 0 || naddr != pkt->naddr)
		return 0;
	if (naddr && (!conf || !pkt->addrs))
		return 0;
	/* each advertised address takes one configured address not yet
	 * taken: a multiset compare without sorting or allocating */
	for (i = 0; i < naddr; i++) {
		const uint8_t *a = pkt->addrs + i * alen;

		for (j = 0; j < naddr; j++)
			if (!used[j] && memcmp(a, conf + j * alen, alen) == 0)
				break;
		if (j == naddr)
			return 0;
		used[j] = 1;
	}
	return 1;
}
