/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * ARP (RFC 826) and IPv6 neighbour discovery (RFC 4861 NS/NA), for a
 * device that must answer for the addresses it owns and ask for the ones
 * it sends to. Parsing checks what RFC 4861 7.1 asks a receiver to check
 * (hop limit 255, code 0, checksum, length, options), since these frames
 * come from the wire and their answers claim addresses.
 */

#include <errno.h>
#include <string.h>

#include "wf_nat.h"

#define ETH_ALEN 6
#define ETH_HLEN 14u
#define ETH_TYPE_OFF 12
#define VLAN_HLEN 4u
#define VLAN_MAX 2
#define ETH_P_IPV6 0x86dd
#define ETH_P_ARP 0x0806
#define ETH_P_VLAN 0x8100
#define ETH_P_QINQ 0x88a8

#define ARP_LEN 28u
#define ARP_HTYPE_ETHER 1
#define ARP_PTYPE_IPV4 0x0800

#define IPV6_HLEN 40u
#define PROTO_ICMPV6 58
#define ND_HOP_LIMIT 255      /* RFC 4861: proves it was not routed */
#define ND_TYPE_NS 135
#define ND_TYPE_NA 136
#define ND_BODY_LEN 24u       /* type, code, csum, flags, target */
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_OPT_UNIT 8u        /* option lengths count 8 bytes */
#define ND_LLA_OPT_LEN 8u     /* type, length 1, an Ethernet address */
#define ND_NA_F_SOLICITED 0x40 /* first byte of the flags word */
#define ND_NA_F_OVERRIDE 0x20

static const uint8_t eth_bcast[ETH_ALEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
/* ff02::1, where an answer to a DAD probe goes (RFC 4861 7.2.4) */
static const uint8_t ip6_all_nodes[16] = { 0xff, 0x02, [15] = 1 };

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline bool
all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* RFC 1071 sum of big-endian words read byte by byte; 64 bits: no fold. */
static uint64_t
sum_words(uint64_t sum, const uint8_t *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += rd16(b + i);
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

static uint16_t
fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Sum of an ICMPv6 message and its pseudo-header (RFC 8200 8.1). */
static uint16_t
icmp6_sum(const uint8_t *ip6, const uint8_t *icmp, uint32_t len)
{
	uint64_t sum = sum_words(0, ip6 + 8, 32);

	sum += (len >> 16) + (len & 0xffff) + PROTO_ICMPV6;
	return fold(sum_words(sum, icmp, len));
}

/* ---- parsing ---- */

/* Ethernet and 0-2 VLAN tags: the L3 offset and its ethertype. */
static int
eth_walk(const uint8_t *f, uint32_t len, uint32_t *l3_off, uint16_t *type,
		uint8_t *nb_vlan)
{
	uint32_t off = ETH_TYPE_OFF;
	uint16_t t;

	*nb_vlan = 0;
	if (len < ETH_HLEN)
		return -EINVAL;
	t = rd16(f + off);
	while (t == ETH_P_VLAN || t == ETH_P_QINQ) {
		if (*nb_vlan == VLAN_MAX || len - off - 2 < VLAN_HLEN)
			return -EINVAL;
		(*nb_vlan)++;
		off += VLAN_HLEN;
		t = rd16(f + off);
	}
	*l3_off = off + 2;
	*type = t;
	return 0;
}

static int
arp_parse(const uint8_t *a, uint32_t len, struct wf_neigh *n)
{
	uint16_t op;

	if (len < ARP_LEN)
		return -EINVAL;
	op = rd16(a + 6);
	if (rd16(a) != ARP_HTYPE_ETHER || rd16(a + 2) != ARP_PTYPE_IPV4 ||
			a[4] != ETH_ALEN || a[5] != 4 ||
			(op != WF_NEIGH_REQUEST && op != WF_NEIGH_REPLY))
		return -EINVAL;
	n->family = 4;
	n->op = (uint8_t)op;
	memcpy(n->mac, a + 8, ETH_ALEN);
	memcpy(n->ip, a + 14, 4);
	memcpy(n->target, a + 24, 4);
	return 0;
}

/*
 * Walk the options of [o, o + len): every one must have a length and lie
 * inside. The first link-layer option of type @p want gives @p lla.
 */
static int
nd_options(const uint8_t *o, uint32_t len, uint8_t want, const uint8_t **lla)
{
	uint32_t olen;

	*lla = NULL;
	while (len > 0) {
		if (len < 2)
			return -EINVAL;
		olen = o[1] * ND_OPT_UNIT;
		/* a zero length would loop for ever (RFC 4861 4.6) */
		if (olen == 0 || olen > len)
			return -EINVAL;
		if (o[0] == want && olen >= ND_LLA_OPT_LEN && *lla == NULL)
			*lla = o + 2;
		o += olen;
		len -= olen;
	}
	return 0;
}

static int
nd_parse(const uint8_t *ip6, uint32_t len, const uint8_t *eth_src,
		struct wf_neigh *n)
{
	const uint8_t *icmp = ip6 + IPV6_HLEN, *lla;
	uint32_t plen;
	bool ns;

	if (len < IPV6_HLEN || ip6[0] >> 4 != 6)
		return -EINVAL;
	plen = rd16(ip6 + 4);
	if (plen > len - IPV6_HLEN || plen < ND_BODY_LEN ||
			ip6[6] != PROTO_ICMPV6 || ip6[7] != ND_HOP_LIMIT)
		return -EINVAL;
	if ((icmp[0] != ND_TYPE_NS && icmp[0] != ND_TYPE_NA) || icmp[1] != 0 ||
			icmp6_sum(ip6, icmp, plen) != 0xffff)
		return -EINVAL;
	/* one cannot ask about nor claim a multicast address */
	if (icmp[8] == 0xff)
		return -EINVAL;
	ns = icmp[0] == ND_TYPE_NS;
	if (nd_options(icmp + ND_BODY_LEN, plen - ND_BODY_LEN,
			ns ? ND_OPT_SLLA : ND_OPT_TLLA, &lla) != 0)
		return -EINVAL;
	/* RFC 4861 7.1: a DAD probe has no address to give a link address */
	if (ns && lla != NULL && all_zero(ip6 + 8, 16))
		return -EINVAL;
	/* ... and an NA to a group cannot be an answer (7.1.2) */
	if (!ns && ip6[24] == 0xff && (icmp[4] & ND_NA_F_SOLICITED))
		return -EINVAL;

	n->family = 6;
	n->op = ns ? WF_NEIGH_REQUEST : WF_NEIGH_REPLY;
	memcpy(n->mac, lla != NULL ? lla : eth_src, ETH_ALEN);
	memcpy(n->ip, ns ? ip6 + 8 : icmp + 8, 16);
	memcpy(n->target, icmp + 8, 16);
	memcpy(n->ip6_src, ip6 + 8, 16);
	return 0;
}

int
wf_neigh_parse(const uint8_t *frame, uint32_t len, struct wf_neigh *n)
{
	struct wf_neigh tmp;
	uint32_t off;
	uint16_t type;
	int ret;

	if (frame == NULL || n == NULL)
		return -EINVAL;
	/* filled aside, so that a failed parse leaves nothing half-said */
	memset(&tmp, 0, sizeof(tmp));
	if (eth_walk(frame, len, &off, &type, &tmp.nb_vlan) != 0)
		return -EINVAL;
	memcpy(tmp.eth_src, frame + ETH_ALEN, ETH_ALEN);
	if (type == ETH_P_ARP)
		ret = arp_parse(frame + off, len - off, &tmp);
	else if (type == ETH_P_IPV6)
		ret = nd_parse(frame + off, len - off, frame + ETH_ALEN, &tmp);
	else
		ret = -EINVAL;
	if (ret != 0)
		return ret;
	/* 0.0.0.0 (an ARP probe) or :: (DAD) has no link address to learn */
	tmp.has_mac = !all_zero(tmp.ip, sizeof(tmp.ip));
	*n = tmp;
	return 0;
}

bool
wf_neigh_should_answer(const struct wf_neigh *n,
		const uint8_t (*addrs)[16], unsigned int nb_addrs)
{
	unsigned int i;

	if (n == NULL || n->op != WF_NEIGH_REQUEST)
		return false;
	if (n->family == 4) {
		/* gratuitous: the sender announces the address as its own */
		if (memcmp(n->ip, n->target, 4) == 0)
			return false;
	} else if (n->family == 6) {
		/* DAD: another host wants the address (RFC 4862 5.4.3) */
		if (all_zero(n->ip6_src, sizeof(n->ip6_src)))
			return false;
	} else {
		return false;
	}
	/* 16 bytes: an IPv4 address never equals an IPv6 one that starts so */
	for (i = 0; i < nb_addrs; i++)
		if (memcmp(addrs[i], n->target, 16) == 0)
			return true;
	return false;
}

/* ---- building ---- */

/* Ethernet header with @p nb_vlan tags copied from @p tags; its length. */
static uint32_t
eth_build(uint8_t *out, const uint8_t *dst, const uint8_t *src,
		const uint8_t *tags, unsigned int nb_vlan, uint16_t type)
{
	uint32_t tlen = VLAN_HLEN * nb_vlan;

	memcpy(out, dst, ETH_ALEN);
	memcpy(out + ETH_ALEN, src, ETH_ALEN);
	if (tlen > 0)
		memcpy(out + ETH_TYPE_OFF, tags, tlen);
	wr16(out + ETH_TYPE_OFF + tlen, type);
	return ETH_HLEN + tlen;
}

static uint32_t
arp_build(uint8_t *a, uint16_t op, const uint8_t *sha, const uint8_t *spa,
		const uint8_t *tha, const uint8_t *tpa)
{
	wr16(a, ARP_HTYPE_ETHER);
	wr16(a + 2, ARP_PTYPE_IPV4);
	a[4] = ETH_ALEN;
	a[5] = 4;
	wr16(a + 6, op);
	memcpy(a + 8, sha, ETH_ALEN);
	memcpy(a + 14, spa, 4);
	memcpy(a + 18, tha, ETH_ALEN);
	memcpy(a + 24, tpa, 4);
	return ARP_LEN;
}

/* What an NS or NA says, beyond its addresses. */
struct nd_msg {
	uint8_t type;           /* ND_TYPE_NS or ND_TYPE_NA */
	uint8_t flags;          /* first byte of the NA flags word */
	const uint8_t *target;
	uint8_t opt_type;       /* 0: no link-layer option */
	const uint8_t *lla;
};

/* IPv6 header and NS/NA with its checksum; their length. */
static uint32_t
nd_build(uint8_t *ip6, const uint8_t *src, const uint8_t *dst,
		const struct nd_msg *m)
{
	uint8_t *icmp = ip6 + IPV6_HLEN;
	uint32_t plen = ND_BODY_LEN + (m->opt_type ? ND_LLA_OPT_LEN : 0);

	memset(ip6, 0, IPV6_HLEN + plen);
	ip6[0] = 0x60;          /* version 6, traffic class 0, flow label 0 */
	wr16(ip6 + 4, (uint16_t)plen);
	ip6[6] = PROTO_ICMPV6;
	ip6[7] = ND_HOP_LIMIT;
	memcpy(ip6 + 8, src, 16);
	memcpy(ip6 + 24, dst, 16);
	icmp[0] = m->type;
	icmp[4] = m->flags;
	memcpy(icmp + 8, m->target, 16);
	if (m->opt_type) {
		icmp[ND_BODY_LEN] = m->opt_type;
		icmp[ND_BODY_LEN + 1] = ND_LLA_OPT_LEN / ND_OPT_UNIT;
		memcpy(icmp + ND_BODY_LEN + 2, m->lla, ETH_ALEN);
	}
	wr16(icmp + 2, (uint16_t)~icmp6_sum(ip6, icmp, plen));
	return IPV6_HLEN + plen;
}

/* IPv6 multicast to Ethernet (RFC 2464 7): 33:33 and the low 32 bits. */
static void
ip6_mcast_mac(uint8_t mac[ETH_ALEN], const uint8_t *ip6)
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, ip6 + 12, 4);
}

static uint32_t
na_answer(const uint8_t *tags, const struct wf_neigh *n, const uint8_t *mac,
		uint8_t *out)
{
	const bool dad = all_zero(n->ip6_src, sizeof(n->ip6_src));
	/* a DAD probe has no source to answer: the group hears it, unsolicited */
	struct nd_msg m = {
		.type = ND_TYPE_NA,
		.flags = dad ? ND_NA_F_OVERRIDE :
			ND_NA_F_SOLICITED | ND_NA_F_OVERRIDE,
		.target = n->target,
		.opt_type = ND_OPT_TLLA,
		.lla = mac,
	};
	const uint8_t *dst = dad ? ip6_all_nodes : n->ip6_src;
	uint8_t eth_dst[ETH_ALEN];
	uint32_t l2;

	if (dad)
		ip6_mcast_mac(eth_dst, dst);
	else
		memcpy(eth_dst, n->eth_src, ETH_ALEN);
	l2 = eth_build(out, eth_dst, mac, tags, n->nb_vlan, ETH_P_IPV6);
	return l2 + nd_build(out + l2, n->target, dst, &m);
}

uint32_t
wf_neigh_answer(const uint8_t *req_frame, const struct wf_neigh *n,
		const uint8_t mac[6], uint8_t *out, uint32_t cap)
{
	const uint8_t *tags = req_frame + ETH_TYPE_OFF;
	uint32_t l2, len;

	if (req_frame == NULL || n == NULL || mac == NULL || out == NULL ||
			n->op != WF_NEIGH_REQUEST || n->nb_vlan > VLAN_MAX)
		return 0;
	l2 = ETH_HLEN + VLAN_HLEN * n->nb_vlan;
	if (n->family == 4)
		len = l2 + ARP_LEN;
	else if (n->family == 6)
		len = l2 + IPV6_HLEN + ND_BODY_LEN + ND_LLA_OPT_LEN;
	else
		return 0;
	if (cap < len)
		return 0;

	if (n->family == 6)
		return na_answer(tags, n, mac, out);
	/* as Linux does, the reply goes to the sender's hardware address */
	l2 = eth_build(out, n->mac, mac, tags, n->nb_vlan, ETH_P_ARP);
	return l2 + arp_build(out + l2, WF_NEIGH_REPLY, mac, n->target,
			n->mac, n->ip);
}

/* NS for @p target to its solicited-node group (RFC 4291 2.7.1). */
static uint32_t
ns_request(const uint8_t *src_mac, const uint8_t *src_ip,
		const uint8_t *target, uint8_t *out)
{
	/* a DAD probe from :: may not carry a link-layer option (7.1.1) */
	struct nd_msg m = {
		.type = ND_TYPE_NS,
		.target = target,
		.opt_type = all_zero(src_ip, 16) ? 0 : ND_OPT_SLLA,
		.lla = src_mac,
	};
	uint8_t dst[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	uint8_t eth_dst[ETH_ALEN];
	uint32_t l2;

	memcpy(dst + 13, target + 13, 3);
	ip6_mcast_mac(eth_dst, dst);
	l2 = eth_build(out, eth_dst, src_mac, NULL, 0, ETH_P_IPV6);
	return l2 + nd_build(out + l2, src_ip, dst, &m);
}

uint32_t
wf_neigh_request(unsigned int family, const uint8_t src_mac[6],
		const uint8_t *src_ip, const uint8_t *target, uint8_t *out,
		uint32_t cap)
{
	static const uint8_t unknown[ETH_ALEN];
	uint32_t len, l2;

	if (src_mac == NULL || src_ip == NULL || target == NULL || out == NULL)
		return 0;
	if (family == 4)
		len = ETH_HLEN + ARP_LEN;
	else if (family == 6)
		len = ETH_HLEN + IPV6_HLEN + ND_BODY_LEN +
			(all_zero(src_ip, 16) ? 0 : ND_LLA_OPT_LEN);
	else
		return 0;
	if (cap < len)
		return 0;

	if (family == 6)
		return ns_request(src_mac, src_ip, target, out);
	l2 = eth_build(out, eth_bcast, src_mac, NULL, 0, ETH_P_ARP);
	return l2 + arp_build(out + l2, WF_NEIGH_REQUEST, src_mac, src_ip,
			unknown, target);
}
