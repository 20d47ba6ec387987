/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The frame parser (../shared/HOSTILE.md b.1). Every read is preceded by
 * two checks on the same range: against the frame (or the IP datagram) for
 * the named malformation, then against the readable bytes for
 * hdr_too_long. Offsets are uint32_t and every comparison is "n > lim -
 * off" after "off <= lim", so nothing from the packet can wrap a length.
 */

#include <string.h>

#include <rte_byteorder.h>

#include "wf_pkt.h"

#define ETH_HLEN 14
#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_VLAN 0x8100
#define ETH_P_QINQ 0x88A8
#define ETH_P_QINQ_OLD 0x9100
#define ETH_P_MIN 0x0600     /* below: an 802.3 length field */
#define VLAN_HLEN 4
#define VLAN_MAX 2           /* as OVS's FLOW_MAX_VLAN_HEADERS */

#define IPV4_HLEN_MIN 20
#define IPV4_F_RESERVED 0x8000
#define IPV4_F_DF 0x4000
#define IPV4_F_MF 0x2000
#define IPV4_OFF_MASK 0x1fff
#define IPV4_MAX_LEN 65535u

#define IPV6_HLEN 40
#define IPV6_EXT_MAX 8       /* RFC 9098's advice; DPDK itself stops at 5 */

#define PROTO_HOPOPTS 0
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ROUTING 43
#define PROTO_FRAGMENT 44
#define PROTO_ESP 50
#define PROTO_AH 51
#define PROTO_ICMPV6 58
#define PROTO_NONE 59
#define PROTO_DSTOPTS 60

#define TCP_HLEN_MIN 20
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WS 3
#define TCP_OPT_SACK_PERM 4
#define TCP_OPT_SACK 5
#define TCP_OPT_TS 8
#define TCP_WS_MAX 14        /* RFC 7323; netfilter clamps to it too */
#define TCP_OPT_LEN_MAX 40   /* doff 15 minus the fixed header */

#define UDP_HLEN 8
#define ICMP_HLEN 4

/* Does [off, off + n) fit below lim? Never wraps. */
static inline bool
fits(uint32_t off, uint32_t n, uint32_t lim)
{
	return off <= lim && n <= lim - off;
}

static inline uint16_t
rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));  /* no alignment assumed */
	return rte_be_to_cpu_16(v);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_32(v);
}

/*
 * The summary is read right after it is written (flow key, tracker), and a
 * load that spans several earlier stores, or any part of a `rep stos`, waits
 * until they reach the cache instead of being forwarded from the store
 * buffer: about 15 cycles a time. So the summary is zeroed with plain
 * 16-byte stores (memset of this size becomes `rep stos`), and an IPv4
 * address is written as one 16-byte store with its 12 zero bytes, which
 * the key's 16-byte copies then read in one piece.
 */
typedef uint32_t wf_v4u32 __attribute__((vector_size(16)));

static inline void
pkt_zero(struct wf_pkt *out)
{
	const wf_v4u32 z = { 0, 0, 0, 0 };
	uint8_t *o = (uint8_t *)out;

	/* written out: the compiler turns a loop back into `rep stos` */
	_Static_assert(sizeof(*out) == 6 * 16, "pkt_zero covers the summary");
	memcpy(o, &z, 16);
	memcpy(o + 16, &z, 16);
	memcpy(o + 32, &z, 16);
	memcpy(o + 48, &z, 16);
	memcpy(o + 64, &z, 16);
	memcpy(o + 80, &z, 16);
}

static inline void
addr4_set(uint8_t dst[16], const uint8_t *a)
{
	wf_v4u32 v = { 0, 0, 0, 0 };
	uint32_t w;

	memcpy(&w, a, 4);
	v[0] = w;
	memcpy(dst, &v, 16);
}

/* Shorthand: record why and return the verdict. */
static inline enum wf_pkt_verdict
give(struct wf_pkt *out, enum wf_pkt_verdict v, enum wf_pkt_reason r)
{
	out->reason = (uint8_t)r;
	return v;
}

/*
 * The two-step check every header read goes through: @p lim is where the
 * header's container ends (frame or datagram), @p buf_len what may be read.
 * Returns WF_PKT_R_ok, @p short_reason, or hdr_too_long.
 */
static inline enum wf_pkt_reason
need(uint32_t off, uint32_t n, uint32_t lim, uint32_t buf_len,
		enum wf_pkt_reason short_reason)
{
	if (!fits(off, n, lim))
		return short_reason;
	if (!fits(off, n, buf_len))
		return WF_PKT_R_hdr_too_long;
	return WF_PKT_R_ok;
}

static bool
ipv4_martian(const uint8_t *s, const uint8_t *d)
{
	return s[0] == 0 || s[0] == 127 || (s[0] & 0xf0) == 0xe0 ||
		(s[0] == 255 && s[1] == 255 && s[2] == 255 && s[3] == 255) ||
		memcmp(s, d, 4) == 0;
}

static bool
ipv6_martian(const uint8_t *s, const uint8_t *d)
{
	static const uint8_t any[16];
	static const uint8_t loopback[16] = { [15] = 1 };

	return memcmp(s, any, 16) == 0 || memcmp(s, loopback, 16) == 0 ||
		s[0] == 0xff || memcmp(s, d, 16) == 0;
}

/*
 * SYN options, netfilter's tcp_options() loop: it stops on EOL, on a length
 * below 2 or past the end (HAProxy dbf471f99a, the synproxy OOB fix), and
 * each step advances at least one byte, so @p len (<= 40) bounds it.
 * Malformed or duplicate options are ignored and noted; the segment keeps
 * its CLASSIFY verdict because its header is valid.
 */
static void
tcp_syn_options(const uint8_t *o, uint32_t len, struct wf_pkt *out)
{
	const uint64_t bad = WF_PKT_NOTE(WF_PKT_R_tcp_opt_bad);
	uint32_t i = 0, steps;
	uint8_t kind, olen;

	for (steps = 0; i < len && steps < TCP_OPT_LEN_MAX; steps++) {
		kind = o[i];
		if (kind == TCP_OPT_EOL)
			break;
		if (kind == TCP_OPT_NOP) {
			i++;
			continue;
		}
		/* a length-bearing kind in the last byte has no length */
		if (len - i < 2) {
			out->notes |= bad;
			break;
		}
		olen = o[i + 1];
		if (olen < 2 || olen > len - i) {
			out->notes |= bad;
			break;
		}
		switch (kind) {
		case TCP_OPT_MSS:
			if (olen != 4 || out->has_mss) {
				out->notes |= bad;
				break;
			}
			out->has_mss = 1;
			out->mss = rd16(o + i + 2);
			break;
		case TCP_OPT_WS:
			if (olen != 3 || out->has_wscale) {
				out->notes |= bad;
				break;
			}
			out->has_wscale = 1;
			out->wscale = o[i + 2];
			if (out->wscale > TCP_WS_MAX) {
				out->wscale = TCP_WS_MAX;
				out->notes |= bad;
			}
			break;
		case TCP_OPT_SACK_PERM:
			if (olen != 2 || out->sack_ok) {
				out->notes |= bad;
				break;
			}
			out->sack_ok = 1;
			break;
		case TCP_OPT_SACK:
			/* blocks are not kept, only their shape is checked */
			if (olen < 10 || (olen - 2) % 8 != 0)
				out->notes |= bad;
			break;
		case TCP_OPT_TS:
			if (olen != 10 || out->has_ts) {
				out->notes |= bad;
				break;
			}
			out->has_ts = 1;
			break;
		default:
			break;  /* unknown kinds are skipped by their length */
		}
		i += olen;
	}
}

/* L4 at out->l4_off, inside [l4_off, l3_end); proto already in out. */
static enum wf_pkt_verdict
parse_l4(const uint8_t *buf, uint32_t buf_len, unsigned int flags,
		struct wf_pkt *out)
{
	uint32_t off = out->l4_off, l4_len = out->l3_end - out->l4_off;
	enum wf_pkt_reason r;
	const uint8_t *h;
	uint32_t hlen, ulen;

	switch (out->proto) {
	case PROTO_TCP:
		r = need(off, TCP_HLEN_MIN, out->l3_end, buf_len,
				WF_PKT_R_tcp_too_short);
		if (r != WF_PKT_R_ok)
			return give(out, WF_PKT_PASS, r);
		h = buf + off;
		hlen = (uint32_t)(h[12] >> 4) * 4;
		if (hlen < TCP_HLEN_MIN)
			return give(out, WF_PKT_PASS, WF_PKT_R_tcp_bad_doff);
		/* the options are header too: all of it must be readable */
		r = need(off, hlen, out->l3_end, buf_len,
				WF_PKT_R_tcp_hdr_truncated);
		if (r != WF_PKT_R_ok)
			return give(out, WF_PKT_PASS, r);
		out->sport = rd16(h);
		out->dport = rd16(h + 2);
		out->seq = rd32(h + 4);
		out->ack = rd32(h + 8);
		out->tcp_flags = h[13];
		out->tcp_hlen = (uint8_t)hlen;
		out->tcp_win = rd16(h + 14);
		out->payload_len = l4_len - hlen;
		if ((flags & WF_PKT_F_SYN_OPTS) && (h[13] & WF_TCP_SYN))
			tcp_syn_options(h + TCP_HLEN_MIN, hlen - TCP_HLEN_MIN,
					out);
		return give(out, WF_PKT_CLASSIFY, WF_PKT_R_ok);
	case PROTO_UDP:
		r = need(off, UDP_HLEN, out->l3_end, buf_len,
				WF_PKT_R_udp_too_short);
		if (r != WF_PKT_R_ok)
			return give(out, WF_PKT_PASS, r);
		h = buf + off;
		ulen = rd16(h + 4);
		if (ulen < UDP_HLEN || ulen > l4_len)
			return give(out, WF_PKT_PASS, WF_PKT_R_udp_too_short);
		out->sport = rd16(h);
		out->dport = rd16(h + 2);
		/* the UDP length, not the datagram's: bytes after it are junk */
		out->payload_len = ulen - UDP_HLEN;
		return give(out, WF_PKT_CLASSIFY, WF_PKT_R_ok);
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		/* the callers only get here with the family's own ICMP */
		r = need(off, ICMP_HLEN, out->l3_end, buf_len,
				WF_PKT_R_icmp_too_short);
		if (r != WF_PKT_R_ok)
			return give(out, WF_PKT_PASS, r);
		out->icmp_type = buf[off];
		out->icmp_code = buf[off + 1];
		out->payload_len = l4_len - ICMP_HLEN;
		return give(out, WF_PKT_CLASSIFY, WF_PKT_R_ok);
	default:
		/* GRE, IP-in-IP, SCTP...: never decapsulated (b.1 row 55) */
		return give(out, WF_PKT_PASS, WF_PKT_R_ip_other);
	}
}

static enum wf_pkt_verdict
parse_ipv4(const uint8_t *buf, uint32_t buf_len, uint32_t frame_len,
		unsigned int flags, struct wf_pkt *out)
{
	uint32_t off = out->l3_off, hlen, tot, frag, foff, plen;
	enum wf_pkt_reason r;
	const uint8_t *h;

	/* b.1 rows 2, 10-16, in that order */
	r = need(off, IPV4_HLEN_MIN, frame_len, buf_len,
			WF_PKT_R_ipv4_too_short);
	if (r != WF_PKT_R_ok)
		return give(out, WF_PKT_PASS, r);
	h = buf + off;
	if ((h[0] >> 4) != 4)
		return give(out, WF_PKT_PASS, WF_PKT_R_ipv4_bad_version);
	out->family = 4;
	out->proto = h[9];
	addr4_set(out->src, h + 12);
	addr4_set(out->dst, h + 16);
	hlen = (uint32_t)(h[0] & 0x0f) * 4;
	if (hlen < IPV4_HLEN_MIN)
		return give(out, WF_PKT_PASS, WF_PKT_R_ipv4_ihl_too_small);
	/* options are skipped by IHL, never parsed, but must be there */
	r = need(off, hlen, frame_len, buf_len, WF_PKT_R_ipv4_hdr_truncated);
	if (r != WF_PKT_R_ok)
		return give(out, WF_PKT_PASS, r);
	tot = rd16(h + 2);
	if (tot == 0)
		return give(out, WF_PKT_PASS, WF_PKT_R_ipv4_len_zero);
	if (tot < hlen)
		return give(out, WF_PKT_PASS, WF_PKT_R_ipv4_len_lt_hdr);
	if (!fits(off, tot, frame_len))
		return give(out, WF_PKT_PASS, WF_PKT_R_ipv4_len_gt_frame);
	/* the datagram ends here: Ethernet padding is never L4 (I5) */
	out->l3_end = off + tot;

	if (ipv4_martian(h + 12, h + 16))
		out->notes |= WF_PKT_NOTE(WF_PKT_R_ip_martian);
	frag = rd16(h + 6);
	foff = frag & IPV4_OFF_MASK;
	if ((frag & IPV4_F_RESERVED) ||
			(frag & (IPV4_F_DF | IPV4_F_MF)) ==
				(IPV4_F_DF | IPV4_F_MF) ||
			((frag & IPV4_F_DF) && foff != 0))
		out->notes |= WF_PKT_NOTE(WF_PKT_R_ipv4_flags_odd);
	plen = tot - hlen;
	if (foff == 1)  /* RFC 1858: overwrites the TCP flags of frag 0 */
		return give(out, WF_PKT_DROP, WF_PKT_R_ipv4_frag_off1);
	if ((frag & IPV4_F_MF) || foff != 0) {
		/* at most 8191 * 8 + 65535: no wrap in 32 bits */
		if (foff * 8 + plen > IPV4_MAX_LEN)
			return give(out, WF_PKT_PASS,
					WF_PKT_R_ipv4_frag_oversize);
		/* even a first fragment: one policy for the whole datagram */
		return give(out, WF_PKT_PASS, WF_PKT_R_ipv4_frag);
	}
	out->l4_off = off + hlen;
	if (out->proto == PROTO_ICMPV6)
		return give(out, WF_PKT_PASS, WF_PKT_R_ip_other);
	return parse_l4(buf, buf_len, flags, out);
}

static enum wf_pkt_verdict
parse_ipv6(const uint8_t *buf, uint32_t buf_len, uint32_t frame_len,
		unsigned int flags, struct wf_pkt *out)
{
	uint32_t off = out->l3_off, plen, cur, elen, n;
	enum wf_pkt_reason r;
	const uint8_t *h;
	uint8_t nh;

	r = need(off, IPV6_HLEN, frame_len, buf_len, WF_PKT_R_ipv6_too_short);
	if (r != WF_PKT_R_ok)
		return give(out, WF_PKT_PASS, r);
	h = buf + off;
	if ((h[0] >> 4) != 6)
		return give(out, WF_PKT_PASS, WF_PKT_R_ipv6_bad_version);
	out->family = 6;
	nh = h[6];
	out->proto = nh;
	memcpy(out->src, h + 8, 16);
	memcpy(out->dst, h + 24, 16);
	plen = rd16(h + 4);
	/* 0 is the jumbogram form: payload_len - ext_len would underflow */
	if (plen == 0)
		return give(out, WF_PKT_PASS, WF_PKT_R_ipv6_len_zero);
	if (!fits(off, IPV6_HLEN + plen, frame_len))
		return give(out, WF_PKT_PASS, WF_PKT_R_ipv6_len_gt_frame);
	out->l3_end = off + IPV6_HLEN + plen;
	if (ipv6_martian(h + 8, h + 24))
		out->notes |= WF_PKT_NOTE(WF_PKT_R_ip_martian);

	/*
	 * Extension headers: at most IPV6_EXT_MAX, each at least 8 bytes, so
	 * the loop is bounded twice. A Fragment header ends the walk: what
	 * follows it is not L4 (CVE-2023-4809).
	 */
	cur = off + IPV6_HLEN;
	for (n = 0; n <= IPV6_EXT_MAX; n++) {
		switch (nh) {
		case PROTO_HOPOPTS:
		case PROTO_ROUTING:
		case PROTO_DSTOPTS:
		case PROTO_AH:
		case PROTO_FRAGMENT:
			break;
		case PROTO_NONE:
			out->l4_off = cur;
			return give(out, WF_PKT_PASS, WF_PKT_R_ipv6_no_next);
		case PROTO_ICMP:
			out->l4_off = cur;
			return give(out, WF_PKT_PASS, WF_PKT_R_ipv6_icmpv4);
		case PROTO_ESP:  /* encrypted: nothing past it is readable */
			out->l4_off = cur;
			return give(out, WF_PKT_PASS, WF_PKT_R_ip_other);
		default:
			out->l4_off = cur;
			return parse_l4(buf, buf_len, flags, out);
		}
		/* an upper layer may follow the 8th header, a 9th may not */
		if (n == IPV6_EXT_MAX)
			break;
		if (nh == PROTO_HOPOPTS && n != 0)
			return give(out, WF_PKT_PASS, WF_PKT_R_ipv6_hbh_late);
		if (nh == PROTO_FRAGMENT)
			return give(out, WF_PKT_PASS, WF_PKT_R_ipv6_frag);
		/* next header, length and (routing) type: 3 bytes read */
		r = need(cur, 3, out->l3_end, buf_len,
				WF_PKT_R_ipv6_exthdr_trunc);
		if (r != WF_PKT_R_ok)
			return give(out, WF_PKT_PASS, r);
		if (nh == PROTO_AH)
			elen = ((uint32_t)buf[cur + 1] + 2) * 4;
		else
			elen = ((uint32_t)buf[cur + 1] + 1) * 8;
		if (!fits(cur, elen, out->l3_end))
			return give(out, WF_PKT_PASS,
					WF_PKT_R_ipv6_exthdr_trunc);
		if (nh == PROTO_ROUTING && buf[cur + 2] == 0)
			return give(out, WF_PKT_PASS, WF_PKT_R_ipv6_rh0);
		nh = buf[cur];
		out->proto = nh;
		cur += elen;
	}
	return give(out, WF_PKT_PASS, WF_PKT_R_ipv6_exthdr_too_many);
}

enum wf_pkt_verdict
wf_pkt_parse(const uint8_t *buf, uint32_t buf_len, uint32_t frame_len,
		unsigned int flags, struct wf_pkt *out)
{
	uint32_t off = ETH_HLEN;
	enum wf_pkt_reason r;
	uint16_t type;

	pkt_zero(out);
	/* the contract says buf_len <= frame_len; do not trust it */
	if (buf_len > frame_len)
		buf_len = frame_len;

	r = need(0, ETH_HLEN, frame_len, buf_len, WF_PKT_R_l2_too_short);
	if (r != WF_PKT_R_ok)
		return give(out, WF_PKT_PASS, r);
	type = rd16(buf + 12);
	/* iterative, at most VLAN_MAX + 1 rounds (b.1 row 5) */
	while (type == ETH_P_VLAN || type == ETH_P_QINQ ||
			type == ETH_P_QINQ_OLD) {
		if (out->nb_vlan >= VLAN_MAX)
			return give(out, WF_PKT_PASS, WF_PKT_R_vlan_too_many);
		r = need(off, VLAN_HLEN, frame_len, buf_len,
				WF_PKT_R_vlan_truncated);
		if (r != WF_PKT_R_ok)
			return give(out, WF_PKT_PASS, r);
		out->vlan_tci[out->nb_vlan++] = rd16(buf + off);
		type = rd16(buf + off + 2);
		off += VLAN_HLEN;
	}
	out->l3_off = off;
	switch (type) {
	case ETH_P_IPV4:
		return parse_ipv4(buf, buf_len, frame_len, flags, out);
	case ETH_P_IPV6:
		return parse_ipv6(buf, buf_len, frame_len, flags, out);
	default:
		/* 802.3 lengths, ARP, LLDP, MPLS...: forwarded untouched */
		out->l3_off = 0;
		return give(out, WF_PKT_PASS, WF_PKT_R_l2_non_ip);
	}
}

const char *
wf_pkt_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		"ok",
#define X(name, k, err, desc) #name,
		WF_PKT_REASONS(X, 0)
#undef X
	};
	return reason < WF_PKT_R_MAX ? names[reason] : "?";
}

bool
wf_pkt_reason_is_error(unsigned int reason)
{
	static const bool err[] = {
		false,
#define X(name, k, e, desc) e,
		WF_PKT_REASONS(X, 0)
#undef X
	};
	return reason < WF_PKT_R_MAX && err[reason];
}
