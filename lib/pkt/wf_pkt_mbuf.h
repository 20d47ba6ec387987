/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_PKT_MBUF_H
#define WF_PKT_MBUF_H

/**
 * @file
 * The mbuf adapter of the parser: hands wf_pkt_parse() the frame's first
 * bytes. When the first segment holds fewer than WF_PKT_HDR_MAX bytes of
 * a longer frame (headers split across segments), they are gathered into
 * the caller's buffer with rte_pktmbuf_read, so the parser always reads
 * one contiguous, bounded buffer.
 */

#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "wf_pkt.h"

static inline enum wf_pkt_verdict
wf_pkt_parse_mbuf(const struct rte_mbuf *m, uint8_t copy[WF_PKT_HDR_MAX],
		unsigned int flags, struct wf_pkt *out)
{
	uint32_t want = RTE_MIN(m->pkt_len, (uint32_t)WF_PKT_HDR_MAX);
	uint32_t len, wire = m->pkt_len, have = 0, nb;
	const struct rte_mbuf *seg;
	const uint8_t *buf;

	if (likely(m->data_len >= want)) {
		buf = rte_pktmbuf_mtod(m, const uint8_t *);
		/* a segment claiming more than the frame is not trusted */
		len = RTE_MIN((uint32_t)m->data_len, m->pkt_len);
	} else {
		/*
		 * pkt_len is not trusted beyond the chain (HOSTILE §b.1 row 8):
		 * rte_pktmbuf_read follows next for pkt_len's sake, even into
		 * NULL. A chain holding less is parsed as the frame it holds;
		 * the walk is bounded, in case the chain loops.
		 */
		for (seg = m, nb = 0; seg != NULL && have < want &&
				nb < WF_PKT_HDR_MAX; seg = seg->next, nb++)
			have += seg->data_len;
		if (unlikely(have < want))
			want = wire = have;
		buf = rte_pktmbuf_read(m, 0, want, copy);
		len = buf != NULL ? want : 0;
		if (buf == NULL)
			buf = copy;
	}
	return wf_pkt_parse(buf, len, wire, flags, out);
}

/**
 * Finish a frame of @p len bytes built at the start of the single-segment
 * mbuf @p m (an RST, an ARP or ND answer): pad it with zeros to the
 * Ethernet minimum, as a NIC would, and set its lengths. The mbuf's
 * tailroom must hold the padding.
 */
static inline void
wf_pkt_mbuf_frame_done(struct rte_mbuf *m, uint32_t len)
{
	const uint32_t min = RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN;

	if (len < min) {
		memset(rte_pktmbuf_mtod_offset(m, uint8_t *, len), 0, min - len);
		len = min;
	}
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
}

#endif /* WF_PKT_MBUF_H */
