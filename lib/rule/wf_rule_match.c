/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The matchers, run by the workers on every packet (the flow part once per
 * flow direction and rule-set version). Each test is guarded by its bit in
 * m->present, so a rule with few words costs few compares; prefixes are
 * one masked compare of 4 or 2 x 8 bytes, the mask made from the length
 * on the spot (cheaper than a load of a stored one).
 */

#include <endian.h>
#include <netinet/in.h>
#include <string.h>

#include "wf_rule.h"
#include "wf_tcp.h"

/* The rule's state words per tracker state; NONE (no connection) none. */
static const uint8_t state_bit[WF_TCP_STATE_MAX] = {
	[WF_TCP_SYN_SENT] = WF_RULE_ST_NEW,
	[WF_TCP_SYN_RECV] = WF_RULE_ST_NEW,
	[WF_TCP_ESTABLISHED] = WF_RULE_ST_ESTABLISHED,
	[WF_TCP_FIN_WAIT] = WF_RULE_ST_CLOSING,
	[WF_TCP_CLOSE_WAIT] = WF_RULE_ST_CLOSING,
	[WF_TCP_LAST_ACK] = WF_RULE_ST_CLOSING,
	[WF_TCP_TIME_WAIT] = WF_RULE_ST_CLOSING,
	[WF_TCP_CLOSED] = WF_RULE_ST_CLOSED,
};

static inline bool
proto_match(uint8_t want, const struct wf_pkt *p)
{
	switch (want) {
	case WF_RULE_PROTO_IP:
		return p->family != 0;
	case IPPROTO_ICMP:
		return p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6;
	default:
		return p->proto == want;
	}
}

/* The top @p plen bits of 64 (plen 0..64). */
static inline uint64_t
mask64(unsigned int plen)
{
	return plen == 0 ? 0 : UINT64_MAX << (64 - plen);
}

/* The rule's address is stored masked, so only the packet's is masked. */
static inline bool
cidr_match(const struct wf_cidr *c, uint8_t family, const uint8_t *addr)
{
	uint64_t a[2], n[2], hi, lo;
	uint32_t a4, n4;

	if (c->family != family)
		return false;
	if (family == 4) {
		memcpy(&a4, addr, 4);
		memcpy(&n4, c->addr, 4);
		return ((a4 ^ n4) & htobe32((uint32_t)(mask64(c->plen) >> 32)))
			== 0;
	}
	memcpy(a, addr, 16);
	memcpy(n, c->addr, 16);
	hi = mask64(c->plen > 64 ? 64 : c->plen);
	lo = mask64(c->plen > 64 ? c->plen - 64u : 0);
	return (((a[0] ^ n[0]) & htobe64(hi)) |
		((a[1] ^ n[1]) & htobe64(lo))) == 0;
}

static inline bool
in_range(const struct wf_port_range *r, uint16_t port)
{
	return port >= r->lo && port <= r->hi;
}

/* Ports exist only on TCP and UDP: ICMP never matches a port word. */
static inline bool
ports_match(const struct wf_rule_match *m, const struct wf_pkt *p)
{
	const uint16_t pr = m->present;

	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
		return false;
	if ((pr & WF_RM_SPORT) && !in_range(&m->sport, p->sport))
		return false;
	if ((pr & WF_RM_DPORT) && !in_range(&m->dport, p->dport))
		return false;
	if ((pr & WF_RM_PORT) && !in_range(&m->port, p->sport) &&
			!in_range(&m->port, p->dport))
		return false;
	return true;
}

bool
wf_rule_match_flow(const struct wf_rule_match *m, const struct wf_pkt *p)
{
	const uint16_t pr = m->present;

	if ((pr & WF_RM_PROTO) && !proto_match(m->proto, p))
		return false;
	if ((pr & WF_RM_SRC) && !cidr_match(&m->src, p->family, p->src))
		return false;
	if ((pr & WF_RM_DST) && !cidr_match(&m->dst, p->family, p->dst))
		return false;
	if (pr & (WF_RM_SPORT | WF_RM_DPORT | WF_RM_PORT))
		return ports_match(m, p);
	return true;
}

/* flags and tcp: only a TCP packet has them. */
static inline bool
tcp_match(const struct wf_rule_match *m, const struct wf_rule_pkt *rp)
{
	const struct wf_pkt *p = rp->pkt;

	if (p->proto != IPPROTO_TCP)
		return false;
	if ((m->present & WF_RM_FLAGS) &&
			(p->tcp_flags & m->flags_mask) != m->flags_set)
		return false;
	/* retrans is a bit like the kinds: "tcp data,retrans" is either */
	if ((m->present & WF_RM_TCP) && (rp->tcp_kinds & m->tcp_kinds) == 0)
		return false;
	return true;
}

bool
wf_rule_match_pkt(const struct wf_rule_match *m,
		const struct wf_rule_pkt *rp)
{
	const uint16_t pr = m->present;

	if ((pr & WF_RM_IN) && rp->in_port != m->in_port)
		return false;
	/* with no flow there is no direction and no connection state */
	if ((pr & (WF_RM_DIR | WF_RM_STATE)) && !rp->has_flow)
		return false;
	if ((pr & WF_RM_DIR) && rp->dir != m->dir)
		return false;
	if ((pr & WF_RM_STATE) && (rp->state >= WF_TCP_STATE_MAX ||
			(state_bit[rp->state] & m->states) == 0))
		return false;
	if (pr & (WF_RM_FLAGS | WF_RM_TCP))
		return tcp_match(m, rp);
	return true;
}

void
wf_rule_prefilter_init(struct wf_rule_prefilter *pf)
{
	memset(pf, 0, sizeof(*pf));
}

void
wf_rule_prefilter_add(struct wf_rule_prefilter *pf, unsigned int bit,
		const struct wf_rule_match *m)
{
	const uint64_t b = UINT64_C(1) << bit;
	const uint16_t pr = m->present;
	unsigned int i, d;

	for (i = 0; i < 256u; i++)
		if (!(pr & WF_RM_FLAGS) || (i & m->flags_mask) == m->flags_set)
			pf->flags[i] |= b;
	for (i = 0; i < WF_RULE_PF_PORTS; i++)
		if (!(pr & WF_RM_IN) || m->in_port == i)
			pf->in[i] |= b;
	if (!(pr & WF_RM_IN) || m->in_port >= WF_RULE_PF_PORTS)
		pf->in_far |= b;
	for (d = 0; d < 2; d++)
		for (i = 0; i <= WF_TCP_STATE_MAX; i++) {
			if ((pr & WF_RM_DIR) && m->dir != d)
				continue;
			if ((pr & WF_RM_STATE) && (i == WF_TCP_STATE_MAX ||
					(state_bit[i] & m->states) == 0))
				continue;
			pf->flow[d][i] |= b;
		}
	if (!(pr & (WF_RM_DIR | WF_RM_STATE)))
		pf->no_flow |= b;
	for (i = 0; i < 256u; i++)
		if (!(pr & WF_RM_TCP) || (m->tcp_kinds & i) != 0)
			pf->kind[i] |= b;
	if ((pr & WF_RM_TCP) && (m->tcp_kinds & WF_RULE_TCP_RETRANS))
		pf->retrans |= b;
}
