/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The frame parser against HOSTILE.md b.1: one table row per case that
 * concerns the parser, each parsed from an exact-size heap copy (so ASan
 * sees any over-read) and then cut at every length, and a seeded mutation
 * run over the valid frames. Frames are built by small writers below, not
 * copied from elsewhere; the two OVS cases are also given as hand-written
 * hex as a cross-check of the writers.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wf_pkt.h"
#include "wf_test.h"

#define FRAME_MAX 2048
#define UNUSED __attribute__((unused))

#define TCP_F_PA (WF_TCP_PSH | WF_TCP_ACK)
#define NOTE(r) WF_PKT_NOTE(WF_PKT_R_##r)
/* reasons that are notes, never a verdict's reason */
#define NOTES_ALL (NOTE(ipv4_flags_odd) | NOTE(ip_martian) | NOTE(tcp_opt_bad))

/* A frame being written, with the offsets the length fix-ups need. */
struct frame {
	uint8_t b[FRAME_MAX];
	uint32_t len;
	uint32_t l3, l4;
	uint8_t fam, l4proto;
};

/* A field changed after building: at @c off from the base, @c w bytes. */
struct patch {
	uint8_t base;   /* B_* (0: unused) */
	uint16_t off;
	uint8_t w;      /* 1, 2 or 4, written big-endian */
	uint32_t v;
};
enum { B_ABS = 1, B_L3, B_L4 };
#define P_ABS(o, w, v) { B_ABS, (o), (w), (v) }
#define P_L3(o, w, v) { B_L3, (o), (w), (v) }
#define P_L4(o, w, v) { B_L4, (o), (w), (v) }

/* summary fields a row compares (verdict, reason and notes always) */
#define CHK_FAM   0x01  /* family, proto */
#define CHK_OFF   0x02  /* l3_off, l4_off, l3_end */
#define CHK_PAY   0x04  /* payload_len */
#define CHK_PORTS 0x08  /* sport, dport */
#define CHK_TCP   0x10  /* seq, ack, tcp_flags, tcp_hlen, tcp_win */
#define CHK_VLAN  0x20  /* nb_vlan, vlan_tci[] */
#define CHK_ICMP  0x40  /* icmp_type, icmp_code */
#define CHK_OPTS  0x80  /* has_*, mss, wscale */
#define CHK_L4 (CHK_FAM | CHK_OFF | CHK_PAY | CHK_PORTS)

struct row;
typedef void (*build_fn)(struct frame *f, const struct row *r);

struct row {
	const char *why;      /* HOSTILE case and the reason for the row */
	build_fn build;
	unsigned int n;       /* builder parameter: count, proto, ethertype */
	const uint8_t *opt;   /* builder parameter: option / chain bytes */
	uint8_t nopt;
	uint16_t tpid[3];     /* VLAN TPIDs, outer first (0: 0x8100) */
	uint16_t pad;         /* trailer bytes after the datagram */
	uint16_t cut;         /* the frame is cut to this length (0: no) */
	uint32_t buf_len;     /* readable bytes (0: the whole frame) */
	unsigned int flags;   /* wf_pkt_parse() flags */
	struct patch p[3];
	enum wf_pkt_verdict v;
	enum wf_pkt_reason r;
	uint64_t notes;
	unsigned int chk;
	struct wf_pkt e;
};

/* ---- frame writers ---- */

static void
put(struct frame *f, const void *p, uint32_t n)
{
	if (f->len + n > FRAME_MAX)
		abort();  /* a test bug, not a parser one */
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void
put8(struct frame *f, uint8_t v)
{
	put(f, &v, 1);
}

static void
put16(struct frame *f, uint16_t v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static void
put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void
fill(struct frame *f, uint8_t byte, uint32_t n)
{
	while (n-- > 0)
		put8(f, byte);
}

static void
set_be(uint8_t *p, unsigned int w, uint32_t v)
{
	while (w-- > 0) {
		p[w] = v & 0xff;
		v >>= 8;
	}
}

static void
eth(struct frame *f, uint16_t type)
{
	static const uint8_t macs[12] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01,
	};

	put(f, macs, sizeof(macs));
	put16(f, type);
}

static void
ip4(struct frame *f, uint8_t proto)
{
	static const uint8_t addrs[8] = { 192, 0, 2, 1, 198, 51, 100, 2 };

	f->l3 = f->len;
	f->fam = 4;
	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0);          /* total length: fin() */
	put16(f, 0x1234);     /* id */
	put16(f, 0x4000);     /* DF, as Linux sends TCP */
	put8(f, 64);
	put8(f, proto);
	put16(f, 0xbeef);     /* wrong on purpose: never verified (row 17) */
	put(f, addrs, sizeof(addrs));
}

/* IPv4 options after ip4(): n must be a multiple of 4 */
static void
ip4_opts(struct frame *f, const uint8_t *o, uint32_t n)
{
	put(f, o, n);
	f->b[f->l3] = 0x40 | (uint8_t)(5 + n / 4);
}

static void
ip6(struct frame *f, uint8_t nh)
{
	static const uint8_t addrs[32] = {
		0x20, 0x01, 0x0d, 0xb8, [15] = 1,
		0x20, 0x01, 0x0d, 0xb8, [31] = 2,
	};

	f->l3 = f->len;
	f->fam = 6;
	put32(f, 0x60000000);
	put16(f, 0);          /* payload length: fin() */
	put8(f, nh);
	put8(f, 64);
	put(f, addrs, sizeof(addrs));
}

static void
tcp(struct frame *f, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack,
		uint8_t flags)
{
	f->l4 = f->len;
	f->l4proto = 6;
	put16(f, sp);
	put16(f, dp);
	put32(f, seq);
	put32(f, ack);
	put8(f, 5 << 4);
	put8(f, flags);
	put16(f, 8192);
	put16(f, 0xdead);     /* checksum: never verified (row 46) */
	put16(f, 0);
}

/* TCP options after tcp(): n must be a multiple of 4 */
static void
tcp_opts(struct frame *f, const uint8_t *o, uint32_t n)
{
	put(f, o, n);
	f->b[f->l4 + 12] = (uint8_t)((5 + n / 4) << 4);
}

static void
udp(struct frame *f, uint16_t sp, uint16_t dp)
{
	f->l4 = f->len;
	f->l4proto = 17;
	put16(f, sp);
	put16(f, dp);
	put16(f, 0);          /* length: fin() */
	put16(f, 0);
}

static void
icmp(struct frame *f, uint8_t type, uint8_t code)
{
	f->l4 = f->len;
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put32(f, 0x00010001); /* echo id and sequence */
}

/* IP and UDP lengths from what was written. */
static void
fin(struct frame *f)
{
	if (f->fam == 4)
		set_be(f->b + f->l3 + 2, 2, f->len - f->l3);
	else if (f->fam == 6)
		set_be(f->b + f->l3 + 4, 2, f->len - f->l3 - 40);
	if (f->l4proto == 17)
		set_be(f->b + f->l4 + 4, 2, f->len - f->l4);
}

/* ---- builders named in the table ---- */

/* 46 bytes of something after an Ethernet header of type n */
static void
b_eth(struct frame *f, const struct row *r)
{
	eth(f, (uint16_t)r->n);
	fill(f, 0x5a, 46);
}

/* the L4 body of every "valid" builder */
static void
l4_body(struct frame *f, uint8_t proto)
{
	switch (proto) {
	case 6:
		tcp(f, 1234, 80, 1000, 2000, TCP_F_PA);
		fill(f, 0xab, 10);
		break;
	case 17:
		udp(f, 5353, 53);
		fill(f, 0xab, 12);
		break;
	case 1:
		icmp(f, 8, 0);
		fill(f, 0xab, 8);
		break;
	case 58:
		icmp(f, 128, 0);
		fill(f, 0xab, 8);
		break;
	default:
		fill(f, 0xab, 20);
		break;
	}
}

static void
b_v4(struct frame *f, uint8_t proto)
{
	eth(f, 0x0800);
	ip4(f, proto);
	l4_body(f, proto);
	fin(f);
}

static void
b_v6(struct frame *f, uint8_t proto)
{
	eth(f, 0x86DD);
	ip6(f, proto);
	l4_body(f, proto);
	fin(f);
}

/* 64 bytes: 1234 -> 80, seq 1000, ack 2000, PSH|ACK, 10 bytes of data */
static void
b_v4_tcp(struct frame *f, const struct row *r UNUSED)
{
	b_v4(f, 6);
}

/* 54 bytes: 5353 -> 53, 12 bytes of data */
static void
b_v4_udp(struct frame *f, const struct row *r UNUSED)
{
	b_v4(f, 17);
}

/* 50 bytes: echo request, 12 bytes after the 4-byte ICMP header */
static void
b_v4_icmp(struct frame *f, const struct row *r UNUSED)
{
	b_v4(f, 1);
}

/* the same three over IPv6: 84, 74 and 70 bytes */
static void
b_v6_tcp(struct frame *f, const struct row *r UNUSED)
{
	b_v6(f, 6);
}

static void
b_v6_udp(struct frame *f, const struct row *r UNUSED)
{
	b_v6(f, 17);
}

static void
b_v6_icmp(struct frame *f, const struct row *r UNUSED)
{
	b_v6(f, 58);
}

/* IPv4 / IPv6 with protocol r->n and 20 bytes of payload */
static void
b_v4_proto(struct frame *f, const struct row *r)
{
	b_v4(f, (uint8_t)r->n);
}

static void
b_v6_proto(struct frame *f, const struct row *r)
{
	b_v6(f, (uint8_t)r->n);
}

/* Linux's SYN options: MSS 1460, SACK-permitted, TS, NOP, WS 7 */
static const uint8_t syn_std[20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
};

/* a SYN with r->opt options (Linux's when NULL) and r->n data bytes */
static void
b_v4_syn(struct frame *f, const struct row *r)
{
	eth(f, 0x0800);
	ip4(f, 6);
	tcp(f, 40000, 443, 0xfffffff0, 0, WF_TCP_SYN);
	if (r->opt != NULL)
		tcp_opts(f, r->opt, r->nopt);
	else
		tcp_opts(f, syn_std, sizeof(syn_std));
	fill(f, 0xcd, r->n);
	fin(f);
}

static void
b_v6_syn(struct frame *f, const struct row *r)
{
	eth(f, 0x86DD);
	ip6(f, 6);
	tcp(f, 40000, 443, 7, 0, WF_TCP_SYN);
	tcp_opts(f, syn_std, sizeof(syn_std));
	fill(f, 0xcd, r->n);
	fin(f);
}

/* r->n VLAN tags (TCIs 100, 101, ...) in front of b_v4_tcp's datagram */
static void
b_vlan(struct frame *f, const struct row *r)
{
	unsigned int i;

	eth(f, r->tpid[0] != 0 ? r->tpid[0] : 0x8100);
	for (i = 0; i < r->n; i++) {
		uint16_t next = 0x0800;

		if (i + 1 < r->n)
			next = i + 1 < 3 && r->tpid[i + 1] != 0 ?
				r->tpid[i + 1] : 0x8100;
		put16(f, (uint16_t)(100 + i));
		put16(f, next);
	}
	ip4(f, 6);
	l4_body(f, 6);
	fin(f);
}

/* IPv4 with r->opt as IP options, then TCP */
static void
b_v4_ipopts(struct frame *f, const struct row *r)
{
	eth(f, 0x0800);
	ip4(f, 6);
	ip4_opts(f, r->opt, r->nopt);
	l4_body(f, 6);
	fin(f);
}

/* IPv4 header only, protocol TCP, and r->n bytes of data */
static void
b_v4_bytes(struct frame *f, const struct row *r)
{
	eth(f, 0x0800);
	ip4(f, 6);
	fill(f, 0xab, r->n);
	fin(f);
}

/*
 * IPv6 with a chain of extension headers: r->opt lists the next-header
 * values after the IPv6 header, the last being the upper layer. Each
 * extension header is 8 bytes (AH: 12), a routing header has type 2.
 */
static void
b_v6_chain(struct frame *f, const struct row *r)
{
	unsigned int i;
	uint8_t nh;

	eth(f, 0x86DD);
	ip6(f, r->opt[0]);
	for (i = 0; i + 1 < r->nopt; i++) {
		nh = r->opt[i + 1];
		put8(f, nh);
		switch (r->opt[i]) {
		case 51:              /* AH: (1 + 2) * 4 = 12 bytes */
			put8(f, 1);
			fill(f, 0, 10);
			break;
		case 43:              /* routing type 2, segments left 0 */
			put8(f, 0);
			put8(f, 2);
			fill(f, 0, 5);
			break;
		case 44:              /* fragment: offset 0, M=1 */
			put8(f, 0);
			put16(f, 1);
			put32(f, 0xabcd);
			break;
		default:              /* options: one PadN */
			put8(f, 0);
			put8(f, 1);
			put8(f, 4);
			fill(f, 0, 4);
			break;
		}
	}
	l4_body(f, r->opt[r->nopt - 1]);
	fin(f);
}

/* r->n Destination Options headers of (len8 + 1) * 8 bytes, then TCP */
static void
b_v6_dst_n(struct frame *f, const struct row *r, uint8_t len8)
{
	unsigned int i;

	eth(f, 0x86DD);
	ip6(f, r->n > 0 ? 60 : 6);
	for (i = 0; i < r->n; i++) {
		put8(f, i + 1 < r->n ? 60 : 6);
		put8(f, len8);
		put8(f, 1);           /* PadN over the rest */
		put8(f, (uint8_t)(len8 * 8 + 4));
		fill(f, 0, (uint32_t)len8 * 8 + 4);
	}
	l4_body(f, 6);
	fin(f);
}

static void b_v6_dst8(struct frame *f, const struct row *r)
{ b_v6_dst_n(f, r, 0); }
static void b_v6_dst40(struct frame *f, const struct row *r)
{ b_v6_dst_n(f, r, 4); }

/* ---- the table ---- */

#define V4_TCP_E .family = 4, .proto = 6, .l3_off = 14, .l4_off = 34, \
	.l3_end = 64, .payload_len = 10, .sport = 1234, .dport = 80
#define V6_TCP_E .family = 6, .proto = 6, .l3_off = 14, .l4_off = 54, \
	.l3_end = 84, .payload_len = 10, .sport = 1234, .dport = 80
#define OPTS(...) .opt = (const uint8_t []){ __VA_ARGS__ }, \
	.nopt = sizeof((const uint8_t []){ __VA_ARGS__ })
#define SYN_OPTS(...) .build = b_v4_syn, .flags = WF_PKT_F_SYN_OPTS, \
	OPTS(__VA_ARGS__)

static const struct row rows[] = {
	/* ---- valid packets: the base of the cut and mutation runs ---- */
	{ "valid IPv4 TCP", b_v4_tcp, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_L4 | CHK_TCP | CHK_VLAN,
	  .e = { V4_TCP_E, .seq = 1000, .ack = 2000, .tcp_flags = TCP_F_PA,
		 .tcp_hlen = 20, .tcp_win = 8192 } },
	{ "valid IPv4 UDP", b_v4_udp, .v = WF_PKT_CLASSIFY, .chk = CHK_L4,
	  .e = { .family = 4, .proto = 17, .l3_off = 14, .l4_off = 34,
		 .l3_end = 54, .payload_len = 12, .sport = 5353,
		 .dport = 53 } },
	{ "valid IPv4 ICMP echo", b_v4_icmp, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_L4 | CHK_ICMP,
	  .e = { .family = 4, .proto = 1, .l3_off = 14, .l4_off = 34,
		 .l3_end = 50, .payload_len = 12, .icmp_type = 8 } },
	{ "valid IPv6 TCP", b_v6_tcp, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_L4 | CHK_TCP,
	  .e = { V6_TCP_E, .seq = 1000, .ack = 2000, .tcp_flags = TCP_F_PA,
		 .tcp_hlen = 20, .tcp_win = 8192 } },
	{ "valid IPv6 UDP", b_v6_udp, .v = WF_PKT_CLASSIFY, .chk = CHK_L4,
	  .e = { .family = 6, .proto = 17, .l3_off = 14, .l4_off = 54,
		 .l3_end = 74, .payload_len = 12, .sport = 5353,
		 .dport = 53 } },
	{ "valid ICMPv6 echo", b_v6_icmp, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_L4 | CHK_ICMP,
	  .e = { .family = 6, .proto = 58, .l3_off = 14, .l4_off = 54,
		 .l3_end = 70, .payload_len = 12, .icmp_type = 128 } },
	{ "valid IPv4 SYN: Linux options parsed with the flag", b_v4_syn,
	  .flags = WF_PKT_F_SYN_OPTS, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_L4 | CHK_TCP | CHK_OPTS,
	  .e = { .family = 4, .proto = 6, .l3_off = 14, .l4_off = 34,
		 .l3_end = 74, .sport = 40000, .dport = 443,
		 .seq = 0xfffffff0, .tcp_flags = WF_TCP_SYN, .tcp_hlen = 40,
		 .tcp_win = 8192, .has_mss = 1, .has_wscale = 1,
		 .sack_ok = 1, .has_ts = 1, .wscale = 7, .mss = 1460 } },
	{ "valid IPv4 SYN: options untouched without the flag", b_v4_syn,
	  .v = WF_PKT_CLASSIFY, .chk = CHK_TCP | CHK_OPTS,
	  .e = { .seq = 0xfffffff0, .tcp_flags = WF_TCP_SYN, .tcp_hlen = 40,
		 .tcp_win = 8192 } },
	{ "valid IPv6 SYN: options on IPv6 too", b_v6_syn,
	  .flags = WF_PKT_F_SYN_OPTS, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_OFF | CHK_OPTS,
	  .e = { .l3_off = 14, .l4_off = 54, .l3_end = 94, .has_mss = 1,
		 .has_wscale = 1, .sack_ok = 1, .has_ts = 1, .wscale = 7,
		 .mss = 1460 } },

	/* ---- L2 ---- */
	{ "1: 13-byte runt", b_v4_tcp, .cut = 13,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_l2_too_short },
	{ "1: empty frame", b_v4_tcp, .cut = 0xffff,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_l2_too_short },
	{ "2: ethertype IPv4, no L3 byte", b_v4_tcp, .cut = 14,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_too_short },
	{ "2: ethertype IPv4, 19 bytes of L3", b_v4_tcp, .cut = 33,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_too_short },
	{ "2: ethertype IPv6, no L3 byte", b_v6_tcp, .cut = 14,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv6_too_short },
	{ "3: 802.3 length field", b_eth, .n = 0x05dc,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_l2_non_ip, .chk = CHK_FAM },
	{ "3: ARP", b_eth, .n = 0x0806, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_l2_non_ip },
	{ "3: LLDP", b_eth, .n = 0x88cc, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_l2_non_ip },
	{ "3: ethertype 0x0600, the first non-length value", b_eth,
	  .n = 0x0600, .v = WF_PKT_PASS, .r = WF_PKT_R_l2_non_ip },
	{ "3: ARP behind a VLAN tag keeps the tag", b_vlan, .n = 1,
	  .p = { P_ABS(16, 2, 0x0806) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_l2_non_ip, .chk = CHK_VLAN,
	  .e = { .nb_vlan = 1, .vlan_tci = { 100 } } },
	{ "4: 0x8100 with no tag byte", b_vlan, .n = 1, .cut = 14,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_vlan_truncated },
	{ "4: 0x8100 with 3 of 4 tag bytes", b_vlan, .n = 1, .cut = 17,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_vlan_truncated },
	{ "4: QinQ, inner tag cut short", b_vlan, .n = 2,
	  .tpid = { 0x88a8 }, .cut = 20, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_vlan_truncated, .chk = CHK_VLAN,
	  .e = { .nb_vlan = 1, .vlan_tci = { 100 } } },
	{ "5: one 802.1Q tag", b_vlan, .n = 1, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_L4 | CHK_VLAN,
	  .e = { .family = 4, .proto = 6, .l3_off = 18, .l4_off = 38,
		 .l3_end = 68, .payload_len = 10, .sport = 1234, .dport = 80,
		 .nb_vlan = 1, .vlan_tci = { 100 } } },
	{ "5: QinQ 0x88A8 then 0x8100", b_vlan, .n = 2,
	  .tpid = { 0x88a8, 0x8100 }, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_OFF | CHK_VLAN,
	  .e = { .l3_off = 22, .l4_off = 42, .l3_end = 72, .nb_vlan = 2,
		 .vlan_tci = { 100, 101 } } },
	{ "5: old QinQ 0x9100 outer", b_vlan, .n = 2, .tpid = { 0x9100 },
	  .v = WF_PKT_CLASSIFY, .chk = CHK_VLAN,
	  .e = { .nb_vlan = 2, .vlan_tci = { 100, 101 } } },
	{ "5: TCI bits (PCP, DEI) kept in host order", b_vlan, .n = 1,
	  .p = { P_ABS(14, 2, 0xf00d) }, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_VLAN, .e = { .nb_vlan = 1, .vlan_tci = { 0xf00d } } },
	{ "5: three tags: beyond the cap of 2", b_vlan, .n = 3,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_vlan_too_many, .chk = CHK_VLAN,
	  .e = { .nb_vlan = 2, .vlan_tci = { 100, 101 } } },
	{ "5: a stack of 100 tags ends at the cap, not the stack", b_vlan,
	  .n = 100, .v = WF_PKT_PASS, .r = WF_PKT_R_vlan_too_many,
	  .chk = CHK_VLAN, .e = { .nb_vlan = 2, .vlan_tci = { 100, 101 } } },

	/* ---- case 7: headers past the readable bytes ---- */
	{ "7: first segment 20 bytes: IPv4 header split", b_v4_tcp,
	  .buf_len = 20, .v = WF_PKT_PASS, .r = WF_PKT_R_hdr_too_long },
	{ "7: Ethernet header split", b_v4_tcp, .buf_len = 10,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_hdr_too_long },
	{ "7: last TCP header byte unreadable", b_v4_tcp, .buf_len = 53,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_hdr_too_long },
	{ "7: TCP header readable, payload not: still classified", b_v4_tcp,
	  .buf_len = 54, .v = WF_PKT_CLASSIFY, .chk = CHK_L4,
	  .e = { V4_TCP_E } },
	{ "7: VLAN tag split", b_vlan, .n = 2, .buf_len = 16,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_hdr_too_long },
	{ "7: IPv6 headers past the 256 bytes the adapter copies",
	  b_v6_dst40, .n = 8, .buf_len = WF_PKT_HDR_MAX,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_hdr_too_long },
	{ "7: the same frame whole is fine (8 headers, the cap)",
	  b_v6_dst40, .n = 8, .v = WF_PKT_CLASSIFY, .chk = CHK_OFF,
	  .e = { .l3_off = 14, .l4_off = 374, .l3_end = 404 } },

	/* ---- IPv4 ---- */
	{ "10: version 6 under 0x0800", b_v4_tcp, .p = { P_L3(0, 1, 0x65) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_bad_version, .chk = CHK_FAM },
	{ "10: version 0", b_v4_tcp, .p = { P_L3(0, 1, 0x05) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_bad_version },
	{ "11: IHL 0 (ptype: l3_len 0, L4_TCP)", b_v4_tcp,
	  .p = { P_L3(0, 1, 0x40) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_ihl_too_small },
	{ "11: IHL 4 (ptype: l3_len 16)", b_v4_tcp,
	  .p = { P_L3(0, 1, 0x44) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_ihl_too_small, .chk = CHK_FAM,
	  .e = { .family = 4, .proto = 6 } },
	{ "12: IHL 15 in a 34-byte frame", b_v4_bytes,
	  .p = { P_L3(0, 1, 0x4f) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_hdr_truncated },
	{ "13: total length 19 < IHL 20", b_v4_tcp,
	  .p = { P_L3(2, 2, 19) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_len_lt_hdr },
	{ "13: total length 20 < IHL 24 (one option word)", b_v4_ipopts,
	  OPTS(1, 1, 1, 0), .p = { P_L3(2, 2, 20) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_len_lt_hdr },
	{ "14: total length 65535 in a 64-byte frame (ptype: valid)",
	  b_v4_tcp, .p = { P_L3(2, 2, 65535) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_len_gt_frame },
	{ "14: total length one past the frame", b_v4_tcp,
	  .p = { P_L3(2, 2, 51) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_len_gt_frame },
	{ "14: the length check is against the frame, not the buffer",
	  b_v4_tcp, .p = { P_L3(2, 2, 51) }, .buf_len = 54,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_len_gt_frame },
	{ "15: UDP padded to 60 with junk: padding is not payload",
	  b_v4_udp, .pad = 6, .v = WF_PKT_CLASSIFY, .chk = CHK_L4,
	  .e = { .family = 4, .proto = 17, .l3_off = 14, .l4_off = 34,
		 .l3_end = 54, .payload_len = 12, .sport = 5353,
		 .dport = 53 } },
	{ "15: bare SYN padded: payload 0, l3_end 54", b_v4_bytes, .n = 20,
	  .p = { P_L3(32, 2, 0x5002) }, .pad = 6, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_OFF | CHK_PAY,
	  .e = { .l3_off = 14, .l4_off = 34, .l3_end = 54 } },
	{ "15: a 1000-byte trailer", b_v4_tcp, .pad = 1000,
	  .v = WF_PKT_CLASSIFY, .chk = CHK_L4, .e = { V4_TCP_E } },
	{ "16: total length 0 (TSO/LRO)", b_v4_tcp, .p = { P_L3(2, 2, 0) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_len_zero },
	{ "17: bad IPv4 checksum is not checked", b_v4_tcp,
	  .p = { P_L3(10, 2, 0) }, .v = WF_PKT_CLASSIFY },
	{ "18: 40 bytes of NOP options: skipped by IHL", b_v4_ipopts,
	  OPTS(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	       1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	  .v = WF_PKT_CLASSIFY, .chk = CHK_L4,
	  .e = { .family = 4, .proto = 6, .l3_off = 14, .l4_off = 74,
		 .l3_end = 104, .payload_len = 10, .sport = 1234,
		 .dport = 80 } },
	{ "18: IP option length 0: not parsed, no loop", b_v4_ipopts,
	  OPTS(7, 0, 0, 0), .v = WF_PKT_CLASSIFY, .chk = CHK_OFF,
	  .e = { .l3_off = 14, .l4_off = 38, .l3_end = 68 } },
	{ "18: IP option length 1", b_v4_ipopts, OPTS(7, 1, 0, 0),
	  .v = WF_PKT_CLASSIFY },
	{ "18: IP option length past IHL", b_v4_ipopts, OPTS(7, 40, 4, 0),
	  .v = WF_PKT_CLASSIFY },
	{ "18: EOL then garbage", b_v4_ipopts, OPTS(0, 0xff, 0xff, 0xff),
	  .v = WF_PKT_CLASSIFY },
	{ "19: first fragment (MF) with a whole TCP header", b_v4_tcp,
	  .p = { P_L3(6, 2, 0x2000) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_frag, .chk = CHK_FAM | CHK_PORTS | CHK_PAY,
	  .e = { .family = 4, .proto = 6 } },
	{ "20: offset 100, proto 6: no ports read", b_v4_tcp,
	  .p = { P_L3(6, 2, 100) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_frag, .chk = CHK_PORTS | CHK_TCP },
	{ "20: last fragment (offset 100, no MF)", b_v4_tcp,
	  .p = { P_L3(6, 2, 0x2000 | 100) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_frag },
	{ "21: offset 1 (RFC 1858): the only DROP", b_v4_tcp,
	  .p = { P_L3(6, 2, 0x2001) }, .v = WF_PKT_DROP,
	  .r = WF_PKT_R_ipv4_frag_off1 },
	{ "21: offset 1 as the last fragment", b_v4_tcp,
	  .p = { P_L3(6, 2, 1) }, .v = WF_PKT_DROP,
	  .r = WF_PKT_R_ipv4_frag_off1 },
	{ "22: first fragment with 8 bytes of TCP: flags never read",
	  b_v4_bytes, .n = 8, .p = { P_L3(6, 2, 0x2000) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_frag },
	{ "23: MF+DF together", b_v4_tcp, .p = { P_L3(6, 2, 0x6000) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_frag,
	  .notes = NOTE(ipv4_flags_odd) },
	{ "23: DF with offset 100", b_v4_tcp, .p = { P_L3(6, 2, 0x4064) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_frag,
	  .notes = NOTE(ipv4_flags_odd) },
	{ "23: reserved bit on a whole datagram: noted, classified",
	  b_v4_tcp, .p = { P_L3(6, 2, 0xc000) }, .v = WF_PKT_CLASSIFY,
	  .notes = NOTE(ipv4_flags_odd), .chk = CHK_L4, .e = { V4_TCP_E } },
	{ "23: no flags at all is ordinary", b_v4_tcp,
	  .p = { P_L3(6, 2, 0) }, .v = WF_PKT_CLASSIFY },
	{ "24: offset 8191 + 8 bytes ends at 65536 (ping of death)",
	  b_v4_bytes, .n = 8, .p = { P_L3(6, 2, 0x1fff) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_frag_oversize },
	{ "24: offset 8191 + 7 bytes ends at 65535 exactly: a fragment",
	  b_v4_bytes, .n = 7, .p = { P_L3(6, 2, 0x3fff) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv4_frag },
	{ "25: zero-length first fragment", b_v4_bytes, .n = 0,
	  .p = { P_L3(6, 2, 0x2000) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_frag },
	{ "26: LAND, src == dst", b_v4_tcp, .p = { P_L3(16, 4, 0xc0000201) },
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(ip_martian) },
	{ "26: source 0.0.0.0", b_v4_tcp, .p = { P_L3(12, 4, 0) },
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(ip_martian) },
	{ "26: source 127.0.0.1", b_v4_tcp, .p = { P_L3(12, 4, 0x7f000001) },
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(ip_martian) },
	{ "26: source 224.0.0.5 (multicast)", b_v4_tcp,
	  .p = { P_L3(12, 4, 0xe0000005) }, .v = WF_PKT_CLASSIFY,
	  .notes = NOTE(ip_martian) },
	{ "26: source 239.255.255.255 (top of 224/4)", b_v4_udp,
	  .p = { P_L3(12, 4, 0xefffffff) }, .v = WF_PKT_CLASSIFY,
	  .notes = NOTE(ip_martian) },
	{ "26: source 255.255.255.255", b_v4_udp,
	  .p = { P_L3(12, 4, 0xffffffff) }, .v = WF_PKT_CLASSIFY,
	  .notes = NOTE(ip_martian) },
	{ "26: source 10.0.0.1 is private, not martian", b_v4_tcp,
	  .p = { P_L3(12, 4, 0x0a000001) }, .v = WF_PKT_CLASSIFY },
	{ "26: the note survives a PASS (martian fragment)", b_v4_tcp,
	  .p = { P_L3(12, 4, 0), P_L3(6, 2, 0x2000) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv4_frag, .notes = NOTE(ip_martian) },
	{ "26: source ::", b_v6_tcp, .p = { P_L3(8, 4, 0), P_L3(20, 4, 0) },
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(ip_martian) },
	{ "26: source ::1", b_v6_tcp, .p = { P_L3(8, 4, 0) },
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(ip_martian) },
	{ "26: source ff02:db8::1 (multicast)", b_v6_udp, .p = { P_L3(8, 2, 0xff02) },
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(ip_martian) },
	{ "26: IPv6 src == dst", b_v6_tcp, .p = { P_L3(23, 1, 2) },
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(ip_martian) },

	/* ---- IPv6 ---- */
	{ "27: 39 bytes of IPv6", b_v6_tcp, .cut = 53, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_too_short },
	{ "27: version 4 under 0x86DD", b_v6_tcp, .p = { P_L3(0, 1, 0x45) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv6_bad_version },
	{ "28: payload length one past the frame", b_v6_tcp,
	  .p = { P_L3(4, 2, 31) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_len_gt_frame },
	{ "28: payload length 65535", b_v6_tcp, .p = { P_L3(4, 2, 65535) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv6_len_gt_frame },
	{ "28: padding after the datagram", b_v6_udp, .pad = 20,
	  .v = WF_PKT_CLASSIFY, .chk = CHK_L4,
	  .e = { .family = 6, .proto = 17, .l3_off = 14, .l4_off = 54,
		 .l3_end = 74, .payload_len = 12, .sport = 5353,
		 .dport = 53 } },
	{ "29: payload length 0", b_v6_tcp, .p = { P_L3(4, 2, 0) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv6_len_zero },
	{ "29: jumbogram: length 0 and a Hop-by-Hop header", b_v6_chain,
	  OPTS(0, 6), .p = { P_L3(4, 2, 0) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_len_zero },
	{ "30: extension header length past the datagram", b_v6_chain,
	  OPTS(60, 6), .p = { P_L3(41, 1, 8) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_exthdr_trunc },
	{ "30: extension header cut at the datagram end", b_v6_chain,
	  OPTS(60, 6), .p = { P_L3(4, 2, 2) }, .cut = 56, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_exthdr_trunc },
	{ "30: the datagram end, not the frame, bounds the headers",
	  b_v6_chain, OPTS(60, 6), .p = { P_L3(4, 2, 7) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_exthdr_trunc, .chk = CHK_OFF,
	  .e = { .l3_off = 14, .l3_end = 61 } },
	{ "30: 6 Destination Options (ptype loses L4 at 6)", b_v6_dst8,
	  .n = 6, .v = WF_PKT_CLASSIFY, .chk = CHK_L4,
	  .e = { .family = 6, .proto = 6, .l3_off = 14, .l4_off = 102,
		 .l3_end = 132, .payload_len = 10, .sport = 1234,
		 .dport = 80 } },
	{ "30: 9 Destination Options: one past the cap", b_v6_dst8, .n = 9,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv6_exthdr_too_many },
	{ "30: 100 Destination Options: bounded cost", b_v6_dst8, .n = 100,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv6_exthdr_too_many },
	{ "30: HBH, DO, routing type 2, AH (12 bytes), then TCP", b_v6_chain,
	  OPTS(0, 60, 43, 51, 6), .v = WF_PKT_CLASSIFY, .chk = CHK_L4,
	  .e = { .family = 6, .proto = 6, .l3_off = 14, .l4_off = 90,
		 .l3_end = 120, .payload_len = 10, .sport = 1234,
		 .dport = 80 } },
	{ "30: UDP behind a Destination Options header", b_v6_chain,
	  OPTS(60, 17), .v = WF_PKT_CLASSIFY, .chk = CHK_L4,
	  .e = { .family = 6, .proto = 17, .l3_off = 14, .l4_off = 62,
		 .l3_end = 82, .payload_len = 12, .sport = 5353,
		 .dport = 53 } },
	{ "30: a Fragment header as the 8th header: a fragment", b_v6_chain,
	  OPTS(60, 60, 60, 60, 60, 60, 60, 44, 6), .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_frag },
	{ "30: a Fragment header as the 9th header: too many", b_v6_chain,
	  OPTS(60, 60, 60, 60, 60, 60, 60, 60, 44, 6), .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_exthdr_too_many },
	{ "30: No Next Header after 8 headers is not a 9th", b_v6_chain,
	  OPTS(60, 60, 60, 60, 60, 60, 60, 60, 59), .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_no_next, .chk = CHK_OFF,
	  .e = { .l3_off = 14, .l4_off = 118, .l3_end = 138 } },
	{ "30: ESP: nothing after it is readable", b_v6_proto, .n = 50,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ip_other },
	{ "31: two Fragment headers: stop at the first (CVE-2023-4809)",
	  b_v6_chain, OPTS(44, 44, 6), .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_frag, .chk = CHK_PORTS },
	{ "32: atomic fragment (offset 0, M 0)", b_v6_chain, OPTS(44, 6),
	  .p = { P_L3(42, 2, 0) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_frag },
	{ "33: first fragment without the rest of the chain", b_v6_chain,
	  OPTS(60, 44, 60), .cut = 78, .p = { P_L3(4, 2, 24) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv6_frag },
	{ "34: routing header type 0 (RFC 5095)", b_v6_chain, OPTS(43, 6),
	  .p = { P_L3(42, 1, 0) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ipv6_rh0 },
	{ "34: Hop-by-Hop after Destination Options", b_v6_chain,
	  OPTS(60, 0, 6), .v = WF_PKT_PASS, .r = WF_PKT_R_ipv6_hbh_late },
	{ "34: No Next Header followed by bytes", b_v6_chain, OPTS(60, 59),
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv6_no_next },
	{ "34: next header ICMPv4 in IPv6", b_v6_proto, .n = 1,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ipv6_icmpv4 },

	/* ---- TCP ---- */
	{ "35: 19 bytes of TCP", b_v4_bytes, .n = 19, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_tcp_too_short },
	{ "35: 19 bytes of TCP + padding: the trailer is not TCP (I5)",
	  b_v4_bytes, .n = 19, .pad = 7, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_tcp_too_short },
	{ "36: doff 0", b_v4_tcp, .p = { P_L4(12, 1, 0x00) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_tcp_bad_doff },
	{ "36: doff 1 (OVS pkt2)", b_v4_bytes, .n = 20,
	  .p = { P_L3(32, 1, 0x10) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_tcp_bad_doff },
	{ "36: doff 4", b_v4_tcp, .p = { P_L4(12, 1, 0x40) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_tcp_bad_doff },
	{ "37: doff 15 in a 20-byte segment (OVS pkt3)", b_v4_bytes,
	  .n = 20, .p = { P_L3(32, 1, 0xf0) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_tcp_hdr_truncated },
	{ "37: doff 6 reaching only into the padding (I5)", b_v4_bytes,
	  .n = 20, .pad = 6, .p = { P_L3(32, 1, 0x60) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_tcp_hdr_truncated },
	{ "38: option length 0: stop, note, still classified",
	  SYN_OPTS(2, 4, 5, 180, 8, 0, 0, 0), .v = WF_PKT_CLASSIFY,
	  .notes = NOTE(tcp_opt_bad), .chk = CHK_OPTS,
	  .e = { .has_mss = 1, .mss = 1460 } },
	{ "38: option length 1", SYN_OPTS(30, 1, 2, 4, 5, 180, 0, 0),
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(tcp_opt_bad),
	  .chk = CHK_OPTS },
	{ "38: option length past the header", SYN_OPTS(1, 1, 2, 40),
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(tcp_opt_bad),
	  .chk = CHK_OPTS },
	{ "38: length-bearing kind in the last byte", SYN_OPTS(1, 1, 1, 2),
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(tcp_opt_bad),
	  .chk = CHK_OPTS },
	{ "38: no EOL: the header end stops the loop",
	  SYN_OPTS(2, 4, 5, 180, 1, 3, 3, 2), .v = WF_PKT_CLASSIFY,
	  .chk = CHK_OPTS,
	  .e = { .has_mss = 1, .mss = 1460, .has_wscale = 1, .wscale = 2 } },
	{ "38: 40 bytes of NOP", SYN_OPTS(
	  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
	  .v = WF_PKT_CLASSIFY, .chk = CHK_OPTS | CHK_TCP | CHK_PAY,
	  .e = { .seq = 0xfffffff0, .tcp_flags = WF_TCP_SYN, .tcp_hlen = 60,
		 .tcp_win = 8192 } },
	{ "38: EOL ends the list: garbage after it is not read",
	  SYN_OPTS(2, 4, 1, 0, 0, 2, 0, 0), .v = WF_PKT_CLASSIFY,
	  .chk = CHK_OPTS, .e = { .has_mss = 1, .mss = 256 } },
	{ "38: unknown kind skipped by its length",
	  SYN_OPTS(254, 4, 0xf9, 0x89, 2, 4, 5, 180), .v = WF_PKT_CLASSIFY,
	  .chk = CHK_OPTS, .e = { .has_mss = 1, .mss = 1460 } },
	{ "38: bad options on a non-SYN are not parsed",
	  SYN_OPTS(2, 0, 0, 0), .p = { P_L4(13, 1, WF_TCP_ACK) },
	  .v = WF_PKT_CLASSIFY, .chk = CHK_OPTS },
	{ "39: wscale 15 clamped to 14", SYN_OPTS(3, 3, 15, 0),
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(tcp_opt_bad),
	  .chk = CHK_OPTS, .e = { .has_wscale = 1, .wscale = 14 } },
	{ "39: wscale 255 clamped too", SYN_OPTS(3, 3, 255, 0),
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(tcp_opt_bad),
	  .chk = CHK_OPTS, .e = { .has_wscale = 1, .wscale = 14 } },
	{ "39: wscale 14 is the legal maximum", SYN_OPTS(3, 3, 14, 0),
	  .v = WF_PKT_CLASSIFY, .chk = CHK_OPTS,
	  .e = { .has_wscale = 1, .wscale = 14 } },
	{ "39: MSS length 3: ignored", SYN_OPTS(2, 3, 5, 0),
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(tcp_opt_bad),
	  .chk = CHK_OPTS },
	{ "39: duplicate MSS: the first wins",
	  SYN_OPTS(2, 4, 5, 180, 2, 4, 0, 1), .v = WF_PKT_CLASSIFY,
	  .notes = NOTE(tcp_opt_bad), .chk = CHK_OPTS,
	  .e = { .has_mss = 1, .mss = 1460 } },
	{ "39: TS length 9", SYN_OPTS(8, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(tcp_opt_bad),
	  .chk = CHK_OPTS },
	{ "39: SACK length not 2 + 8n", SYN_OPTS(5, 9, 0, 0, 0, 0, 0, 0,
	  0, 1, 0, 0), .v = WF_PKT_CLASSIFY, .notes = NOTE(tcp_opt_bad),
	  .chk = CHK_OPTS },
	{ "39: SACK-permitted length 3", SYN_OPTS(4, 3, 0, 0),
	  .v = WF_PKT_CLASSIFY, .notes = NOTE(tcp_opt_bad),
	  .chk = CHK_OPTS },
	{ "40: every flag set: the parser reports, the tracker judges",
	  b_v4_tcp, .p = { P_L4(12, 2, 0x50ff) }, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_TCP,
	  .e = { .seq = 1000, .ack = 2000, .tcp_flags = 0xff,
		 .tcp_hlen = 20, .tcp_win = 8192 } },
	{ "40: the NS bit is not one of the 8 flags", b_v4_tcp,
	  .p = { P_L4(12, 1, 0x51) }, .v = WF_PKT_CLASSIFY, .chk = CHK_TCP,
	  .e = { .seq = 1000, .ack = 2000, .tcp_flags = TCP_F_PA,
		 .tcp_hlen = 20, .tcp_win = 8192 } },
	{ "44: TCP ports 0 are real ports", b_v4_tcp,
	  .p = { P_L4(0, 4, 0) }, .v = WF_PKT_CLASSIFY, .chk = CHK_PORTS },
	{ "44: UDP ports 0", b_v6_udp, .p = { P_L4(0, 4, 0) },
	  .v = WF_PKT_CLASSIFY, .chk = CHK_PORTS },
	{ "45: URG pointer past the payload", b_v4_tcp,
	  .p = { P_L4(13, 1, 0x30), P_L4(18, 2, 60000) },
	  .v = WF_PKT_CLASSIFY, .chk = CHK_PAY, .e = { .payload_len = 10 } },
	{ "45: SYN carrying data (TFO)", b_v4_syn, .n = 5,
	  .flags = WF_PKT_F_SYN_OPTS, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_PAY | CHK_OFF,
	  .e = { .payload_len = 5, .l3_off = 14, .l4_off = 34,
		 .l3_end = 79 } },
	{ "45: RST carrying data", b_v4_tcp,
	  .p = { P_L4(13, 1, WF_TCP_RST) }, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_PAY, .e = { .payload_len = 10 } },
	{ "46: bad TCP checksum is not checked", b_v4_tcp,
	  .p = { P_L4(16, 2, 0) }, .v = WF_PKT_CLASSIFY },

	/* ---- UDP and ICMP ---- */
	{ "UDP: 7 bytes", b_v4_bytes, .n = 7, .p = { P_L3(9, 1, 17) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_udp_too_short },
	{ "UDP: length field 7", b_v4_udp, .p = { P_L4(4, 2, 7) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_udp_too_short },
	{ "UDP: length field past the datagram", b_v4_udp, .pad = 10,
	  .p = { P_L4(4, 2, 21) }, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_udp_too_short },
	{ "UDP: length field short of the datagram: its own length counts",
	  b_v4_udp, .p = { P_L4(4, 2, 8) }, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_PAY | CHK_OFF,
	  .e = { .payload_len = 0, .l3_off = 14, .l4_off = 34,
		 .l3_end = 54 } },
	{ "ICMP: 3 bytes", b_v4_bytes, .n = 3, .p = { P_L3(9, 1, 1) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_icmp_too_short },
	{ "ICMPv6: 3 bytes", b_v6_icmp, .p = { P_L3(4, 2, 3) },
	  .v = WF_PKT_PASS, .r = WF_PKT_R_icmp_too_short },
	{ "ICMPv6 number under IPv4 is not ICMP", b_v4_proto, .n = 58,
	  .v = WF_PKT_PASS, .r = WF_PKT_R_ip_other },
	{ "ICMP type and code reported", b_v4_icmp,
	  .p = { P_L4(0, 2, 0x0304) }, .v = WF_PKT_CLASSIFY, .chk = CHK_ICMP,
	  .e = { .icmp_type = 3, .icmp_code = 4 } },

	/* ---- case 55: tunnels are not decapsulated ---- */
	{ "55: GRE", b_v4_proto, .n = 47, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ip_other, .chk = CHK_FAM | CHK_OFF,
	  .e = { .family = 4, .proto = 47, .l3_off = 14, .l4_off = 34,
		 .l3_end = 54 } },
	{ "55: IP-in-IP", b_v4_proto, .n = 4, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ip_other },
	{ "55: IPv6-in-IPv4", b_v4_proto, .n = 41, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ip_other },
	{ "55: IPv6 carrying GRE", b_v6_proto, .n = 47, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_ip_other },
	{ "55: VXLAN is plain UDP to the parser", b_v4_udp,
	  .p = { P_L4(2, 2, 4789) }, .v = WF_PKT_CLASSIFY,
	  .chk = CHK_PORTS, .e = { .sport = 5353, .dport = 4789 } },
	{ "55: MPLS ethertype", b_eth, .n = 0x8847, .v = WF_PKT_PASS,
	  .r = WF_PKT_R_l2_non_ip },
};

/* ---- checks ---- */

/* Properties that hold for every parse, whatever the bytes. */
static int
check_invariants(const struct wf_pkt *o, enum wf_pkt_verdict v,
		uint32_t buf_len, uint32_t frame_len, const char *why)
{
	uint32_t l4_hdr = 0, l4_len;

	WF_TEST_ASSERT(o->reason < WF_PKT_R_MAX, "%s", why);
	WF_TEST_ASSERT((v == WF_PKT_CLASSIFY) == (o->reason == WF_PKT_R_ok),
			"%s: verdict %d reason %s", why, v,
			wf_pkt_reason_name(o->reason));
	WF_TEST_ASSERT((v == WF_PKT_DROP) ==
			(o->reason == WF_PKT_R_ipv4_frag_off1), "%s", why);
	WF_TEST_ASSERT((o->notes & ~NOTES_ALL) == 0, "%s", why);
	WF_TEST_ASSERT(o->nb_vlan <= 2, "%s", why);
	WF_TEST_ASSERT(o->l3_end <= frame_len, "%s", why);
	if (buf_len == frame_len)
		WF_TEST_ASSERT(o->reason != WF_PKT_R_hdr_too_long, "%s", why);
	if (v != WF_PKT_CLASSIFY) {
		/* nothing a rule could act on */
		WF_TEST_ASSERT(o->sport == 0 && o->dport == 0 && o->seq == 0 &&
				o->ack == 0 && o->tcp_flags == 0 &&
				o->payload_len == 0 && o->icmp_type == 0 &&
				!o->has_mss, "%s: %s", why,
				wf_pkt_reason_name(o->reason));
		return 0;
	}
	WF_TEST_ASSERT(o->family == 4 || o->family == 6, "%s", why);
	WF_TEST_ASSERT(o->l3_off >= 14 && o->l4_off > o->l3_off &&
			o->l4_off <= o->l3_end, "%s", why);
	l4_len = o->l3_end - o->l4_off;
	switch (o->proto) {
	case 6:
		l4_hdr = o->tcp_hlen;
		WF_TEST_ASSERT(l4_hdr >= 20 && l4_hdr <= 60, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->payload_len, l4_len - l4_hdr, "%s",
				why);
		break;
	case 17:
		l4_hdr = 8;
		WF_TEST_ASSERT(o->payload_len + 8 <= l4_len, "%s", why);
		break;
	case 1:
	case 58:
		l4_hdr = 4;
		WF_TEST_ASSERT_EQUAL(o->payload_len, l4_len - 4, "%s", why);
		break;
	default:
		WF_TEST_ASSERT(0, "%s: classified proto %u", why, o->proto);
	}
	/* every header field came from readable bytes */
	WF_TEST_ASSERT(o->l4_off + l4_hdr <= buf_len, "%s", why);
	WF_TEST_ASSERT(l4_hdr <= l4_len, "%s", why);
	return 0;
}

/* Parse from an exact-size heap copy: ASan reports any over-read. */
static enum wf_pkt_verdict
parse_exact(const uint8_t *b, uint32_t buf_len, uint32_t frame_len,
		unsigned int flags, struct wf_pkt *o)
{
	enum wf_pkt_verdict v;
	uint8_t *copy = malloc(buf_len > 0 ? buf_len : 1);

	if (copy == NULL)
		abort();
	memcpy(copy, b, buf_len);
	/* a zero-length read gets a pointer to one byte past nothing */
	v = wf_pkt_parse(buf_len > 0 ? copy : copy + 1, buf_len, frame_len,
			flags, o);
	free(copy);
	return v;
}

static void
build_row(const struct row *r, struct frame *f)
{
	unsigned int i;
	uint32_t base;

	memset(f, 0, sizeof(*f));
	r->build(f, r);
	fill(f, 0xee, r->pad);  /* junk, so a parser that reads it shows */
	for (i = 0; i < 3 && r->p[i].base != 0; i++) {
		base = r->p[i].base == B_L3 ? f->l3 :
			r->p[i].base == B_L4 ? f->l4 : 0;
		if (base + r->p[i].off + r->p[i].w > f->len)
			abort();
		set_be(f->b + base + r->p[i].off, r->p[i].w, r->p[i].v);
	}
	if (r->cut == 0xffff)
		f->len = 0;
	else if (r->cut != 0)
		f->len = r->cut;
}

static int
check_row(const struct row *r, const struct wf_pkt *o,
		enum wf_pkt_verdict v)
{
	const struct wf_pkt *e = &r->e;
	const char *why = r->why;

	WF_TEST_ASSERT_EQUAL(v, r->v, "%s", why);
	WF_TEST_ASSERT_STR_EQUAL(wf_pkt_reason_name(o->reason),
			wf_pkt_reason_name(r->r), "%s", why);
	WF_TEST_ASSERT_EQUAL_U64(o->notes, r->notes, "%s", why);
	if (r->chk & CHK_FAM) {
		WF_TEST_ASSERT_EQUAL(o->family, e->family, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->proto, e->proto, "%s", why);
	}
	if (r->chk & CHK_OFF) {
		WF_TEST_ASSERT_EQUAL(o->l3_off, e->l3_off, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->l4_off, e->l4_off, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->l3_end, e->l3_end, "%s", why);
	}
	if (r->chk & CHK_PAY)
		WF_TEST_ASSERT_EQUAL(o->payload_len, e->payload_len, "%s", why);
	if (r->chk & CHK_PORTS) {
		WF_TEST_ASSERT_EQUAL(o->sport, e->sport, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->dport, e->dport, "%s", why);
	}
	if (r->chk & CHK_TCP) {
		WF_TEST_ASSERT_EQUAL(o->seq, e->seq, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->ack, e->ack, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->tcp_flags, e->tcp_flags, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->tcp_hlen, e->tcp_hlen, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->tcp_win, e->tcp_win, "%s", why);
	}
	if (r->chk & CHK_VLAN) {
		WF_TEST_ASSERT_EQUAL(o->nb_vlan, e->nb_vlan, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->vlan_tci[0], e->vlan_tci[0], "%s", why);
		WF_TEST_ASSERT_EQUAL(o->vlan_tci[1], e->vlan_tci[1], "%s", why);
	}
	if (r->chk & CHK_ICMP) {
		WF_TEST_ASSERT_EQUAL(o->icmp_type, e->icmp_type, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->icmp_code, e->icmp_code, "%s", why);
	}
	if (r->chk & CHK_OPTS) {
		WF_TEST_ASSERT_EQUAL(o->has_mss, e->has_mss, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->mss, e->mss, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->has_wscale, e->has_wscale, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->wscale, e->wscale, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->sack_ok, e->sack_ok, "%s", why);
		WF_TEST_ASSERT_EQUAL(o->has_ts, e->has_ts, "%s", why);
	}
	return 0;
}

static int
test_table(void)
{
	static struct frame f;
	enum wf_pkt_verdict v;
	struct wf_pkt o;
	unsigned int i;
	uint32_t bl;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		build_row(r, &f);
		bl = r->buf_len != 0 ? r->buf_len : f.len;
		v = parse_exact(f.b, bl, f.len, r->flags, &o);
		WF_TEST_ASSERT_SUCCESS(check_row(r, &o, v), "row %u", i);
		WF_TEST_ASSERT_SUCCESS(check_invariants(&o, v, bl, f.len,
				r->why));
	}
	printf("     %u rows\n", i);
	return 0;
}

/*
 * Every row cut at every length, two ways: the frame itself cut (a
 * shorter frame) and only the readable bytes cut (a split mbuf). The
 * second must give the whole frame's answer or hdr_too_long, never
 * anything else, since the frame-based checks do not change.
 */
static int
test_truncation(void)
{
	static struct frame f;
	struct wf_pkt o, whole;
	enum wf_pkt_verdict v, vw;
	unsigned int i, runs = 0;
	uint32_t t;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		build_row(r, &f);
		vw = parse_exact(f.b, f.len, f.len, r->flags, &whole);
		for (t = 0; t <= f.len; t++, runs++) {
			v = parse_exact(f.b, t, t, r->flags, &o);
			WF_TEST_ASSERT_SUCCESS(check_invariants(&o, v, t, t,
					r->why), "frame cut at %u", t);
			v = parse_exact(f.b, t, f.len, r->flags, &o);
			WF_TEST_ASSERT_SUCCESS(check_invariants(&o, v, t,
					f.len, r->why), "buffer cut at %u", t);
			if (o.reason == WF_PKT_R_hdr_too_long)
				continue;
			WF_TEST_ASSERT(v == vw &&
					memcmp(&o, &whole, sizeof(o)) == 0,
					"%s: buffer cut at %u: %s, whole: %s",
					r->why, t, wf_pkt_reason_name(o.reason),
					wf_pkt_reason_name(whole.reason));
		}
	}
	printf("     %u cut lengths\n", runs);
	return 0;
}

static uint32_t
xorshift32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Seeded random byte changes and cuts of the valid rows. */
static int
test_mutations(void)
{
	static struct frame f;
	uint32_t seed = 0x5eed1234, len, bl, k, n;
	unsigned int i, it;
	enum wf_pkt_verdict v;
	struct wf_pkt o;
	uint8_t m[FRAME_MAX];

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		if (r->v != WF_PKT_CLASSIFY)
			continue;
		build_row(r, &f);
		for (it = 0; it < 2000; it++) {
			memcpy(m, f.b, f.len);
			n = 1 + xorshift32(&seed) % 4;
			for (k = 0; k < n; k++) {
				/* mostly in the headers, where it matters */
				uint32_t at = xorshift32(&seed) %
					(f.len < 80 ? f.len : 80);

				m[at] = (uint8_t)xorshift32(&seed);
			}
			len = f.len - xorshift32(&seed) % 8 % (f.len + 1);
			bl = len - xorshift32(&seed) % 4 % (len + 1);
			v = parse_exact(m, bl, len, WF_PKT_F_SYN_OPTS, &o);
			WF_TEST_ASSERT_SUCCESS(check_invariants(&o, v, bl, len,
					r->why), "mutation %u", it);
		}
	}
	return 0;
}

static size_t
hex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int v;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (sscanf(s, "%2x", &v) != 1)
			abort();
		out[n++] = (uint8_t)v;
		s++;
	}
	return n;
}

/*
 * OVS tests pkt2 and pkt3, rebuilt by hand from RFC 791/793 (not with the
 * writers above): a 40-byte IPv4 datagram whose TCP doff is 1, then 15.
 */
static int
test_ovs_hex(void)
{
	static const char *const ovs[2] = {
		"0a0000000001 0a0000000002 0800 "
		"4500 0028 0001 0000 4006 0000 c0a80001 c0a80002 "
		"0400 0050 00000001 00000000 1010 2000 0000 0000",
		"0a0000000001 0a0000000002 0800 "
		"4500 0028 0001 0000 4006 0000 c0a80001 c0a80002 "
		"0400 0050 00000001 00000000 f010 2000 0000 0000",
	};
	uint8_t b[64];
	struct wf_pkt o;
	size_t n;

	n = hex(ovs[0], b);
	WF_TEST_ASSERT_EQUAL(n, 54u);
	WF_TEST_ASSERT_EQUAL(parse_exact(b, n, n, 0, &o), WF_PKT_PASS);
	WF_TEST_ASSERT_EQUAL(o.reason, WF_PKT_R_tcp_bad_doff);
	WF_TEST_ASSERT_EQUAL(o.l4_off, 34u, "L4 was found");
	n = hex(ovs[1], b);
	WF_TEST_ASSERT_EQUAL(parse_exact(b, n, n, 0, &o), WF_PKT_PASS);
	WF_TEST_ASSERT_EQUAL(o.reason, WF_PKT_R_tcp_hdr_truncated);
	/* with doff 5 the same bytes are a valid ACK */
	b[46] = 0x50;
	WF_TEST_ASSERT_EQUAL(parse_exact(b, n, n, 0, &o), WF_PKT_CLASSIFY);
	WF_TEST_ASSERT(o.sport == 1024 && o.dport == 80 && o.seq == 1 &&
			o.tcp_flags == WF_TCP_ACK && o.payload_len == 0);
	return 0;
}

/* Addresses are copied in network order; IPv4 leaves 12 bytes zero. */
static int
test_addresses(void)
{
	static const uint8_t s4[4] = { 192, 0, 2, 1 }, d4[4] = {
		198, 51, 100, 2 };
	static const uint8_t zero[12];
	static struct frame f;
	struct wf_pkt o;

	build_row(&rows[0], &f);
	WF_TEST_ASSERT_EQUAL(parse_exact(f.b, f.len, f.len, 0, &o),
			WF_PKT_CLASSIFY);
	WF_TEST_ASSERT(memcmp(o.src, s4, 4) == 0 && memcmp(o.dst, d4, 4) == 0);
	WF_TEST_ASSERT(memcmp(o.src + 4, zero, 12) == 0 &&
			memcmp(o.dst + 4, zero, 12) == 0);
	build_row(&rows[3], &f);
	WF_TEST_ASSERT_EQUAL(parse_exact(f.b, f.len, f.len, 0, &o),
			WF_PKT_CLASSIFY);
	WF_TEST_ASSERT(memcmp(o.src, f.b + 22, 16) == 0 &&
			memcmp(o.dst, f.b + 38, 16) == 0);
	return 0;
}

/*
 * Lengths near 2^32: a frame_len the bytes cannot back, and buf_len above
 * frame_len, which the contract forbids but a caller bug could pass.
 */
static int
test_length_extremes(void)
{
	static struct frame f;
	struct wf_pkt o;

	build_row(&rows[0], &f);
	WF_TEST_ASSERT_EQUAL(parse_exact(f.b, f.len, UINT32_MAX, 0, &o),
			WF_PKT_CLASSIFY, "headers readable: the frame is long");
	WF_TEST_ASSERT_EQUAL(o.l3_end, 64u, "IP length, not the frame");
	WF_TEST_ASSERT_EQUAL(parse_exact(f.b, 10, UINT32_MAX, 0, &o),
			WF_PKT_PASS);
	WF_TEST_ASSERT_EQUAL(o.reason, WF_PKT_R_hdr_too_long);
	/* IPv4 total length 65535 backed by the frame but not the buffer */
	f.b[16] = 0xff;
	f.b[17] = 0xff;
	WF_TEST_ASSERT_EQUAL(parse_exact(f.b, f.len, 14 + 65535, 0, &o),
			WF_PKT_CLASSIFY);
	WF_TEST_ASSERT_EQUAL(o.payload_len, 65535u - 40);
	WF_TEST_ASSERT_EQUAL(o.l3_end, 14u + 65535);
	/* buf_len > frame_len is clamped to the frame */
	build_row(&rows[0], &f);
	memset(f.b + f.len, 0xee, 16);
	WF_TEST_ASSERT_EQUAL(parse_exact(f.b, f.len + 16, 33, 0, &o),
			WF_PKT_PASS);
	WF_TEST_ASSERT_EQUAL(o.reason, WF_PKT_R_ipv4_too_short);
	return 0;
}

/* The out struct is zeroed first: nothing leaks from a previous call. */
static int
test_out_zeroed(void)
{
	static struct frame f;
	struct wf_pkt o, z;

	memset(&o, 0xa5, sizeof(o));
	memset(&z, 0, sizeof(z));
	z.reason = WF_PKT_R_l2_too_short;
	build_row(&rows[0], &f);
	WF_TEST_ASSERT_EQUAL(parse_exact(f.b, 5, 5, 0, &o), WF_PKT_PASS);
	WF_TEST_ASSERT(memcmp(&o, &z, sizeof(o)) == 0);
	return 0;
}

static int
test_reason_names(void)
{
	unsigned int i, j;

	WF_TEST_ASSERT(WF_PKT_R_MAX <= 64, "notes are a 64-bit mask");
	WF_TEST_ASSERT_STR_EQUAL(wf_pkt_reason_name(WF_PKT_R_ok), "ok");
	WF_TEST_ASSERT_STR_EQUAL(wf_pkt_reason_name(WF_PKT_R_MAX), "?");
	WF_TEST_ASSERT_STR_EQUAL(wf_pkt_reason_name(~0u), "?");
	WF_TEST_ASSERT_STR_EQUAL(wf_pkt_reason_name(WF_PKT_R_tcp_opt_bad),
			"tcp_opt_bad");
	WF_TEST_ASSERT(!wf_pkt_reason_is_error(WF_PKT_R_ok));
	WF_TEST_ASSERT(!wf_pkt_reason_is_error(WF_PKT_R_l2_non_ip));
	WF_TEST_ASSERT(!wf_pkt_reason_is_error(WF_PKT_R_ipv4_frag));
	WF_TEST_ASSERT(wf_pkt_reason_is_error(WF_PKT_R_ipv4_frag_off1));
	WF_TEST_ASSERT(wf_pkt_reason_is_error(WF_PKT_R_tcp_bad_doff));
	WF_TEST_ASSERT(!wf_pkt_reason_is_error(WF_PKT_R_MAX));
	for (i = 1; i < WF_PKT_R_MAX; i++) {
		const char *a = wf_pkt_reason_name(i);

		WF_TEST_ASSERT(a[0] != '\0' && strcmp(a, "?") != 0, "%u", i);
		WF_TEST_ASSERT(strspn(a, "abcdefghijklmnopqrstuvwxyz0123456789_")
				== strlen(a), "counter name %s", a);
		for (j = 0; j < i; j++)
			WF_TEST_ASSERT(strcmp(a, wf_pkt_reason_name(j)) != 0,
					"%s twice", a);
	}
	return 0;
}

static const struct wf_test_case cases[] = {
	WF_TEST_CASE(test_table),
	WF_TEST_CASE(test_truncation),
	WF_TEST_CASE(test_mutations),
	WF_TEST_CASE(test_ovs_hex),
	WF_TEST_CASE(test_addresses),
	WF_TEST_CASE(test_length_extremes),
	WF_TEST_CASE(test_out_zeroed),
	WF_TEST_CASE(test_reason_names),
};

WF_TEST_MAIN("pkt", cases)
