/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * drop seg N [times R]: drop the N-th data segment of each flow and
 * direction and then its retransmissions, R drops in all, to watch RTO
 * backoff or push a sender into its timeout (recipe 1, going further).
 * Its words are parsed and printed with drop's (wf_act_drop.c).
 *
 * The slot's n holds both phases in 32 bits without overflow:
 *   n < N      n fresh data segments seen, segment N not yet;
 *   n >= N     segment N seen (its seq in the slot), n - N + 1 drops done.
 * So n reaches at most N - 1 + R, capped at UINT32_MAX: with N + R beyond
 * 2^32 the drops stop at UINT32_MAX - N + 1, billions of retransmissions
 * of one segment that no TCP sends.
 */

#include "wf_act_private.h"

enum wf_act_decision
wf_act_seg_decide(const struct wf_action *a, uint32_t rule_id,
		struct wf_act_slots *slots, const struct wf_act_pkt *p)
{
	const uint32_t seg = a->seg;
	struct wf_act_slot *s;

	/* pure ACKs, SYNs and FINs without data are not segments here */
	if (slots == NULL || p->payload_len == 0 || seg == 0 || a->times == 0)
		return WF_ACT_KEEP;
	s = wf_act_slot_get(slots, rule_id, p->dir);
	if (s == NULL)
		return WF_ACT_NO_SLOT;
	if (s->n < seg) {
		/* retransmissions of earlier segments do not advance N */
		if (p->retrans)
			return WF_ACT_KEEP;
		if (++s->n < seg)
			return WF_ACT_KEEP;
		s->seq = p->seq;  /* segment N: the first drop */
		return WF_ACT_DROPPED;
	}
	/* after segment N, only what starts where it started is dropped */
	if (p->seq != s->seq)
		return WF_ACT_KEEP;
	if (s->n - seg + 1 >= a->times || s->n == UINT32_MAX)
		return WF_ACT_KEEP;
	s->n++;
	return WF_ACT_DROPPED;
}
