/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_PKT_H
#define WF_PKT_H

/**
 * @file
 * Bounds-checked parsing of one frame into a small summary. A pure function
 * on bytes: no mbuf, no globals, no side effects, so unit tests and fuzzers
 * drive it on exact-size buffers. Every outcome other than a clean parse has
 * a named reason (../shared/HOSTILE.md section b.1), which the worker counts.
 *
 * Reads never pass the frame, nor the IP datagram's own length: Ethernet
 * padding after the datagram is never taken for L4 bytes.
 */

#include <stdbool.h>
#include <stdint.h>

/**
 * Every reason, X(name, error, description). @c error is true for packets
 * a receiver would call malformed (dropped with --malformed drop); false
 * for legitimate traffic wirefault does not classify (non-IP, fragments
 * are errors only when malformed). Reasons are counted per ingress port
 * under their names.
 */
#define WF_PKT_REASONS(X, K) \
	X(l2_too_short,         K, 1, "frame shorter than an Ethernet header") \
	X(l2_non_ip,            K, 0, "not IP (ARP, LLDP, 802.3 length, ...): passed") \
	X(vlan_truncated,       K, 1, "VLAN tag cut short by the frame end") \
	X(vlan_too_many,        K, 1, "more than 2 VLAN tags: passed unparsed") \
	X(hdr_too_long,         K, 0, "headers beyond the first 256 bytes: passed") \
	X(ipv4_too_short,       K, 1, "ethertype IPv4, fewer than 20 bytes") \
	X(ipv4_bad_version,     K, 1, "ethertype IPv4, version field not 4") \
	X(ipv4_ihl_too_small,   K, 1, "IPv4 IHL below 5") \
	X(ipv4_hdr_truncated,   K, 1, "IPv4 header (IHL) longer than the frame") \
	X(ipv4_len_lt_hdr,      K, 1, "IPv4 total length below the header length") \
	X(ipv4_len_gt_frame,    K, 1, "IPv4 total length beyond the frame") \
	X(ipv4_len_zero,        K, 1, "IPv4 total length 0 (TSO/LRO artefact)") \
	X(ipv4_frag,            K, 0, "IPv4 fragment: passed, rules do not apply") \
	X(ipv4_frag_off1,       K, 1, "IPv4 fragment offset 1 (RFC 1858): dropped") \
	X(ipv4_frag_oversize,   K, 1, "IPv4 fragment ending past 65535 bytes") \
	X(ipv4_flags_odd,       K, 1, "IPv4 reserved bit, MF+DF or DF+offset (note)") \
	X(ip_martian,           K, 0, "source 0/8, 127/8, multicast, broadcast or src == dst (note)") \
	X(ipv6_too_short,       K, 1, "ethertype IPv6, fewer than 40 bytes") \
	X(ipv6_bad_version,     K, 1, "ethertype IPv6, version field not 6") \
	X(ipv6_len_gt_frame,    K, 1, "IPv6 payload length beyond the frame") \
	X(ipv6_len_zero,        K, 1, "IPv6 payload length 0 (jumbogram form)") \
	X(ipv6_exthdr_trunc,    K, 1, "IPv6 extension header past the datagram end") \
	X(ipv6_exthdr_too_many, K, 1, "more than 8 IPv6 extension headers") \
	X(ipv6_frag,            K, 0, "IPv6 fragment header: passed, rules do not apply") \
	X(ipv6_rh0,             K, 1, "IPv6 routing header type 0 (RFC 5095)") \
	X(ipv6_hbh_late,        K, 1, "IPv6 hop-by-hop header not first") \
	X(ipv6_no_next,         K, 0, "IPv6 no-next-header (59): nothing to classify") \
	X(ipv6_icmpv4,          K, 1, "IPv6 next header ICMPv4 (1)") \
	X(ip_other,             K, 0, "IP protocol other than TCP, UDP, ICMP: passed") \
	X(tcp_too_short,        K, 1, "TCP segment shorter than 20 bytes") \
	X(tcp_bad_doff,         K, 1, "TCP data offset below 5") \
	X(tcp_hdr_truncated,    K, 1, "TCP data offset past the segment end") \
	X(tcp_opt_bad,          K, 1, "TCP option malformed or out of range (note)") \
	X(udp_too_short,        K, 1, "UDP datagram shorter than 8 bytes or than its length") \
	X(icmp_too_short,       K, 1, "ICMP message shorter than 4 bytes")

enum wf_pkt_reason {
	WF_PKT_R_ok = 0,
#define WF_X_PKT_ENUM(name, k, err, desc) WF_PKT_R_##name,
	WF_PKT_REASONS(WF_X_PKT_ENUM, 0)
#undef WF_X_PKT_ENUM
	WF_PKT_R_MAX
};

/** What the worker does with the frame. */
enum wf_pkt_verdict {
	WF_PKT_CLASSIFY = 0, /**< valid IP + TCP/UDP/ICMP: summary filled */
	WF_PKT_PASS,         /**< forward unchanged, no flow lookup (PASS-U) */
	WF_PKT_DROP,         /**< free and count (only ipv4_frag_off1) */
};

/** Bit of @p reason in wf_pkt.notes. */
#define WF_PKT_NOTE(reason) (UINT64_C(1) << (reason))

/** wf_pkt_parse() flags. */
#define WF_PKT_F_SYN_OPTS 0x1  /**< parse the TCP options of SYN segments */

/** Bytes the mbuf adapter copies when headers are split across segments. */
#define WF_PKT_HDR_MAX 256

#define WF_TCP_FIN 0x01
#define WF_TCP_SYN 0x02
#define WF_TCP_RST 0x04
#define WF_TCP_PSH 0x08
#define WF_TCP_ACK 0x10
#define WF_TCP_URG 0x20
#define WF_TCP_ECE 0x40
#define WF_TCP_CWR 0x80

/** The summary of one frame. Fields past @c reason are valid only as noted. */
struct wf_pkt {
	uint8_t reason;        /**< enum wf_pkt_reason: why PASS/DROP, else ok */
	uint8_t family;        /**< 4 or 6 once an IP header was found, else 0 */
	uint8_t proto;         /**< L4 protocol number (CLASSIFY) */
	uint8_t nb_vlan;       /**< VLAN tags parsed (0..2) */
	uint16_t vlan_tci[2];  /**< host order, outer first */
	uint16_t sport, dport; /**< host order; TCP and UDP (0 for ICMP) */
	uint32_t l3_off;       /**< IP header offset in the frame */
	uint32_t l4_off;       /**< L4 header offset (CLASSIFY) */
	uint32_t l3_end;       /**< end of the IP datagram: padding starts here */
	uint32_t payload_len;  /**< L4 payload bytes, padding excluded */
	uint64_t notes;        /**< WF_PKT_NOTE() of informational reasons */
	uint8_t src[16];       /**< network order; IPv4 in the first 4 bytes, */
	uint8_t dst[16];       /**< the other 12 zero */
	/* TCP (proto 6, CLASSIFY) */
	uint8_t tcp_flags;     /**< WF_TCP_* */
	uint8_t tcp_hlen;      /**< data offset x 4 */
	uint16_t tcp_win;      /**< host order, unscaled */
	uint32_t seq, ack;     /**< host order */
	/* TCP options, with WF_PKT_F_SYN_OPTS on a SYN; each has_* says */
	uint8_t has_mss : 1, has_wscale : 1, sack_ok : 1, has_ts : 1;
	uint8_t wscale;        /**< clamped to 14 as netfilter does */
	uint16_t mss;
	/* ICMP / ICMPv6 */
	uint8_t icmp_type, icmp_code;
};

/**
 * Parse one frame.
 *
 * @param buf        the frame's first bytes
 * @param buf_len    how many bytes of @p buf may be read (<= frame_len)
 * @param frame_len  the whole frame's length (mbuf pkt_len); headers that
 *                   lie past @p buf_len but inside the frame give
 *                   hdr_too_long
 * @param flags      WF_PKT_F_*
 * @param out        filled; every field is written (zeroed first)
 * @return the verdict; out->reason names why when not CLASSIFY
 */
enum wf_pkt_verdict wf_pkt_parse(const uint8_t *buf, uint32_t buf_len,
		uint32_t frame_len, unsigned int flags, struct wf_pkt *out);

/** Name of @p reason ("ok" for WF_PKT_R_ok, "?" when out of range). */
const char *wf_pkt_reason_name(unsigned int reason);

/** True when @p reason is an error (malformed), false for plain passes. */
bool wf_pkt_reason_is_error(unsigned int reason);

#endif /* WF_PKT_H */
