/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_LOGS_H
#define WF_LOGS_H

/*
 * The worker half of "action log": copy a packet and hand it to the
 * control lcore. Inline, because it runs on the hot path.
 */

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "wf_mbuf_own.h"
#include "wirefault.h"

/* Kept in each copy's private area. */
struct wf_log_meta {
	uint64_t us;           /* capture time, us since start-up */
	uint32_t orig_len;     /* the packet's length on the wire */
	uint16_t file;         /* index of the rule's pcap */
};

/* Copy @p m for the pcap @p file; false when the copy was lost. */
static inline bool
wf_log_copy(const struct rte_mbuf *m, int file, uint64_t now_us)
{
	struct rte_mbuf *c;
	struct wf_log_meta *meta;

	c = wf_mbuf_copy(m, wf.log_pool);
	if (unlikely(c == NULL))
		return false;
	meta = rte_mbuf_to_priv(c);
	meta->us = now_us;
	meta->orig_len = m->pkt_len;
	meta->file = (uint16_t)file;
	if (unlikely(rte_ring_mp_enqueue(wf.log_ring, c) != 0)) {
		wf_mbuf_free(c);
		return false;
	}
	return true;
}

#endif /* WF_LOGS_H */
