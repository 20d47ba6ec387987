/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * reset: drop the packet and send a valid RST to both ends, where
 * iptables' REJECT --reject-with tcp-reset answers only the sender. The
 * RSTs are built here from the matched frame's headers; the app allocates
 * and sends them.
 *
 * Each RST must be in the receiver's window to be taken (RFC 5961 3.2
 * asks for seq == rcv_nxt exactly, as Linux does):
 *   to the receiver: seq = the packet's seq, which the packet was about
 *     to deliver and is dropped, so it is the receiver's rcv_nxt;
 *   to the sender: seq = the packet's ack, the sender's own rcv_nxt as
 *     it last told us; ack = what the packet carried, so the sender
 *     accepts the RST|ACK as acknowledging it.
 */

#include <string.h>

#include "wf_act_private.h"

#define ETH_ALEN 6
#define ETH_HLEN 14u
#define VLAN_HLEN 4u
#define VLAN_MAX 2
#define IPV4_HLEN 20
#define IPV6_HLEN 40
#define TCP_HLEN 20
#define IPPROTO_TCP_ 6
#define RST_TTL 64
#define IPV4_F_DF 0x4000

static int
reset_parse(int argc, char *const argv[], struct wf_action *a,
		char *err, size_t err_len)
{
	a->kind = WF_ACT_RESET;
	return wf_act_no_args("reset", argc, argv, err, err_len);
}

static int
reset_format(const struct wf_action *a, char *buf, size_t len)
{
	(void)a;
	if (len > 0)
		buf[0] = '\0';
	return 0;
}

const struct wf_action_ops wf_act_reset_ops = {
	.name = "reset",
	.synopsis = "",
	.terminal = true,
	.parse = reset_parse,
	.format = reset_format,
};

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/*
 * The Internet checksum (RFC 1071) over big-endian 16-bit words read byte
 * by byte, so it is right on any host order and alignment; our own rather
 * than rte_raw_cksum so that the library stays plain C on byte buffers.
 * At most 60 bytes per call: a 32-bit sum cannot overflow.
 */
static inline uint32_t
csum_add(uint32_t sum, const uint8_t *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

static inline uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* IPv4 header with its checksum; returns the pseudo-header's sum. */
static uint32_t
rst_ipv4(uint8_t *ip, const uint8_t *src, const uint8_t *dst)
{
	memset(ip, 0, IPV4_HLEN);
	ip[0] = 0x45;          /* version 4, IHL 5: no options */
	wr16(ip + 2, IPV4_HLEN + TCP_HLEN);
	wr16(ip + 6, IPV4_F_DF);
	ip[8] = RST_TTL;
	ip[9] = IPPROTO_TCP_;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	wr16(ip + 10, csum_fold(csum_add(0, ip, IPV4_HLEN)));
	/* src, dst, zero + protocol, TCP length */
	return csum_add(0, ip + 12, 8) + IPPROTO_TCP_ + TCP_HLEN;
}

/* IPv6 header; returns the pseudo-header's sum (RFC 8200 8.1). */
static uint32_t
rst_ipv6(uint8_t *ip, const uint8_t *src, const uint8_t *dst)
{
	memset(ip, 0, IPV6_HLEN);
	ip[0] = 0x60;          /* version 6, traffic class 0, flow label 0 */
	wr16(ip + 4, TCP_HLEN);
	ip[6] = IPPROTO_TCP_;
	ip[7] = RST_TTL;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	return csum_add(0, ip + 8, 32) + IPPROTO_TCP_ + TCP_HLEN;
}

/* Sequence space the packet takes: its payload, SYN and FIN count one. */
static inline uint32_t
rst_seq_end(const struct wf_pkt *p)
{
	return p->seq + p->payload_len + !!(p->tcp_flags & WF_TCP_SYN) +
		!!(p->tcp_flags & WF_TCP_FIN);
}

static void
rst_tcp(uint8_t *tcp, const struct wf_pkt *p, bool to_sender,
		uint32_t pseudo)
{
	const bool has_ack = (p->tcp_flags & WF_TCP_ACK) != 0;
	uint32_t seq, ack;
	uint8_t flags;

	if (!to_sender) {
		/* a packet without ACK (a SYN) has nothing to acknowledge */
		seq = p->seq;
		ack = has_ack ? p->ack : 0;
		flags = has_ack ? WF_TCP_RST | WF_TCP_ACK : WF_TCP_RST;
	} else {
		/*
		 * No ACK (a SYN): the sender has no rcv_nxt we know; a RST|ACK
		 * with seq 0 acknowledging it is what a closed port answers
		 * (RFC 9293 3.10.7.1) and what the sender checks.
		 */
		seq = has_ack ? p->ack : 0;
		ack = rst_seq_end(p);
		flags = WF_TCP_RST | WF_TCP_ACK;
	}
	memset(tcp, 0, TCP_HLEN);
	wr16(tcp, to_sender ? p->dport : p->sport);
	wr16(tcp + 2, to_sender ? p->sport : p->dport);
	wr32(tcp + 4, seq);
	wr32(tcp + 8, ack);
	tcp[12] = (TCP_HLEN / 4) << 4;
	tcp[13] = flags;
	/* window 0 and urgent pointer 0 from the memset */
	wr16(tcp + 16, csum_fold(csum_add(pseudo, tcp, TCP_HLEN)));
}

uint32_t
wf_act_rst_build(const uint8_t *frame, const struct wf_pkt *p,
		bool to_sender, uint8_t *out, uint32_t out_cap)
{
	const uint32_t l2 = p->l3_off;
	const uint8_t *src = to_sender ? p->dst : p->src;
	const uint8_t *dst = to_sender ? p->src : p->dst;
	uint32_t l3len, len, pseudo;

	if (p->proto != IPPROTO_TCP_ || (p->family != 4 && p->family != 6))
		return 0;
	/* the parser's L2 header: Ethernet and 0..2 tags, nothing else */
	if (p->nb_vlan > VLAN_MAX || l2 != ETH_HLEN + VLAN_HLEN * p->nb_vlan)
		return 0;
	l3len = p->family == 4 ? IPV4_HLEN : IPV6_HLEN;
	len = l2 + l3len + TCP_HLEN;
	if (out_cap < len)
		return 0;

	/* tags and ethertype as they came; the ends' MACs swap going back */
	memcpy(out, frame, l2);
	if (to_sender) {
		memcpy(out, frame + ETH_ALEN, ETH_ALEN);
		memcpy(out + ETH_ALEN, frame, ETH_ALEN);
	}
	if (p->family == 4)
		pseudo = rst_ipv4(out + l2, src, dst);
	else
		pseudo = rst_ipv6(out + l2, src, dst);
	rst_tcp(out + l2 + l3len, p, to_sender, pseudo);
	return len;
}
