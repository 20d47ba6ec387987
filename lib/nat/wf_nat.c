/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * Rewriting one endpoint of a TCP or UDP packet in place. The checksums
 * are updated incrementally (RFC 1624 eqn. 3) rather than recomputed:
 * the cost does not grow with the payload, and a packet that arrived with
 * a bad checksum leaves with a checksum bad by the same amount, so the
 * receiver still drops it as the sender's stack intended.
 */

#include <errno.h>
#include <string.h>

#include "wf_nat.h"

#define ETH_ALEN 6
#define IPV4_HLEN 20
#define IPV6_HLEN 40
#define IPV4_CSUM_OFF 10
#define IPV4_SRC_OFF 12
#define IPV6_SRC_OFF 8
#define TCP_HLEN 20
#define TCP_CSUM_OFF 16
#define UDP_HLEN 8
#define UDP_CSUM_OFF 6
#define PROTO_TCP 6
#define PROTO_UDP 17

/*
 * A 16-bit word in host order as the bytes lie. One's-complement sums
 * commute with byte swapping (RFC 1071 section 2(B)), so summing words
 * read this way gives the checksum in the order it is stored, with no
 * swap on either side.
 */
static inline uint16_t
ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

uint16_t
wf_csum_adjust(uint16_t csum, const void *old, const void *new, size_t len)
{
	const uint8_t *o = old, *n = new;
	uint64_t sum = (uint16_t)~csum;
	uint8_t tail[2][2] = { { 0, 0 }, { 0, 0 } };
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint16_t)~ld16(o + i) + (uint32_t)ld16(n + i);
	if (len & 1) {
		/* not for headers, but an odd last byte is padded with zero */
		tail[0][0] = o[len - 1];
		tail[1][0] = n[len - 1];
		sum += (uint16_t)~ld16(tail[0]) + (uint32_t)ld16(tail[1]);
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* [off, off + n) lies within len, without overflow. */
static inline bool
fits(uint32_t off, uint32_t n, uint32_t len)
{
	return n <= len && off <= len - n;
}

/* Where things are in one packet, all checked before a byte is written. */
struct nat_layout {
	uint32_t addr_off;  /* the address, from the IP header */
	uint32_t addr_len;
	uint32_t csum_off;  /* the L4 checksum, from the L4 header */
	bool udp_opt_csum;  /* UDP over IPv4: 0 means "no checksum" */
};

static int
nat_layout(uint32_t len, const struct wf_pkt *p, unsigned int which,
		struct nat_layout *l)
{
	uint32_t iphl, l4hl;

	if (which != WF_NAT_SRC && which != WF_NAT_DST)
		return -EINVAL;
	if (p->family == 4) {
		iphl = IPV4_HLEN;
		l->addr_len = 4;
		l->addr_off = IPV4_SRC_OFF + 4 * which;
	} else if (p->family == 6) {
		iphl = IPV6_HLEN;
		l->addr_len = 16;
		l->addr_off = IPV6_SRC_OFF + 16 * which;
	} else {
		return -EINVAL;
	}
	if (p->proto == PROTO_TCP) {
		l4hl = TCP_HLEN;
		l->csum_off = TCP_CSUM_OFF;
	} else if (p->proto == PROTO_UDP) {
		l4hl = UDP_HLEN;
		l->csum_off = UDP_CSUM_OFF;
	} else {
		return -EINVAL;
	}
	l->udp_opt_csum = p->proto == PROTO_UDP && p->family == 4;
	/* a summary whose L4 header overlaps the IP header is not a parse */
	if (!fits(p->l3_off, iphl, len) || !fits(p->l4_off, l4hl, len) ||
			p->l4_off < p->l3_off || p->l4_off - p->l3_off < iphl)
		return -EINVAL;
	return 0;
}

int
wf_nat_rewrite(uint8_t *frame, uint32_t len, const struct wf_pkt *p,
		unsigned int which, const uint8_t *addr, uint16_t port)
{
	const uint8_t new_port[2] = { (uint8_t)(port >> 8), (uint8_t)port };
	struct nat_layout l;
	uint8_t *ip, *l4, *old_addr, *old_port;
	uint16_t csum;

	if (frame == NULL || p == NULL || addr == NULL ||
			nat_layout(len, p, which, &l) != 0)
		return -EINVAL;
	ip = frame + p->l3_off;
	l4 = frame + p->l4_off;
	old_addr = ip + l.addr_off;
	old_port = l4 + 2 * which;

	/* the pseudo-header holds the address: L4 sums both changes */
	memcpy(&csum, l4 + l.csum_off, sizeof(csum));
	if (!(l.udp_opt_csum && csum == 0)) {
		csum = wf_csum_adjust(csum, old_addr, addr, l.addr_len);
		csum = wf_csum_adjust(csum, old_port, new_port, 2);
		/* UDP sends a computed 0 as -0: 0 on the wire means none */
		if (p->proto == PROTO_UDP && csum == 0)
			csum = 0xffff;
		memcpy(l4 + l.csum_off, &csum, sizeof(csum));
	}
	if (p->family == 4) {
		memcpy(&csum, ip + IPV4_CSUM_OFF, sizeof(csum));
		csum = wf_csum_adjust(csum, old_addr, addr, l.addr_len);
		memcpy(ip + IPV4_CSUM_OFF, &csum, sizeof(csum));
	}
	memmove(old_addr, addr, l.addr_len);
	memcpy(old_port, new_port, sizeof(new_port));
	return 0;
}

void
wf_nat_set_macs(uint8_t *frame, const uint8_t dst[6], const uint8_t src[6])
{
	uint32_t d4, s4;
	uint16_t d2, s2;

	/*
	 * Everything loaded before anything is stored, so that swapping the
	 * frame's own two works; in registers, not through a buffer on the
	 * stack, whose 8-byte reload of narrower stores cannot be forwarded.
	 */
	memcpy(&d4, dst, 4);
	memcpy(&d2, dst + 4, 2);
	memcpy(&s4, src, 4);
	memcpy(&s2, src + 4, 2);
	memcpy(frame, &d4, 4);
	memcpy(frame + 4, &d2, 2);
	memcpy(frame + ETH_ALEN, &s4, 4);
	memcpy(frame + ETH_ALEN + 4, &s2, 2);
}
