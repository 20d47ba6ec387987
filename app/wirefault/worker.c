/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The poll loop of a worker lcore: receive a burst, parse it, track its
 * TCP connections in the flow table, send it on to the peer port, free and
 * count what TX refused. No locks, no syscalls while packets flow (the
 * hash takes its writer lock once per new connection), counters in the
 * worker's own cache-aligned block.
 */

#include <stddef.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include <netinet/in.h>

#include "wf_pkt_mbuf.h"

#include "lb.h"
#include "logs.h"
#include "txrx.h"
#include "wirefault.h"

/* Empty polls in a row before the idle back-off sleeps. */
#define WF_IDLE_POLLS 256
/* Loop iterations between two looks for unresolved lb backends. */
#define WF_PROBE_LOOPS 1024
/* Mirror copies one burst may queue (several mirror rules per packet). */
#define WF_MIRROR_MAX (2 * WF_BURST)

/*
 * Give each worker its jobs. Queue q of both ports of a pair goes to one
 * worker, which alone transmits on queue q of either port; with symmetric
 * RSS both directions of a connection land on the same q, so on the same
 * worker.
 */
void
wf_workers_assign(void)
{
	unsigned int slot = 0;
	uint16_t pid, q;

	RTE_ETH_FOREACH_DEV(pid) {
		const struct wf_port *p = &wf.port[pid];

		if (p->is_mirror || pid > p->peer)
			continue;
		for (q = 0; q < p->nb_rxq; q++, slot++) {
			struct wf_worker *w = &wf.worker[slot % wf.nb_workers];

			if (w->nb_tasks + 2 > WF_MAX_TASKS) {
				WF_LOG(WARNING, "worker on lcore %u is full; "
					"port %u queue %u is not polled\n",
					w->lcore_id, pid, q);
				continue;
			}
			w->task[w->nb_tasks++] = (struct wf_task){
				pid, q, p->peer, q };
			w->task[w->nb_tasks++] = (struct wf_task){
				p->peer, q, pid, q };
		}
	}
	for (slot = 0; slot < wf.nb_workers; slot++)
		if (wf.worker[slot].nb_tasks == 0)
			WF_LOG(NOTICE, "lcore %u has no queue to poll (more "
				"workers than queues)\n",
				wf.worker[slot].lcore_id);
}

/*
 * Turn forwarding on or off. On "off", wait until every worker has begun
 * a loop iteration under the new epoch: from then on none forwards, so
 * the counters read after "stop" are final.
 */
void
wf_forwarding_set(bool on)
{
	uint64_t deadline;
	uint32_t epoch;
	unsigned int i;

	__atomic_store_n(&wf.forwarding, on ? 1 : 0, __ATOMIC_RELAXED);
	epoch = __atomic_add_fetch(&wf.fwd_epoch, 1, __ATOMIC_RELEASE);
	if (on || !wf.launched)
		return;
	deadline = rte_get_timer_cycles() + rte_get_timer_hz();
	for (i = 0; i < wf.nb_workers; i++)
		while (__atomic_load_n(&wf.worker[i].seen_epoch,
				__ATOMIC_ACQUIRE) != epoch &&
				rte_get_timer_cycles() < deadline)
			rte_delay_us_sleep(100);
}

/* What becomes of a packet of the burst. */
enum fate {
	FATE_OUT = 0,          /* forwarded to the peer port */
	FATE_MALFORMED,        /* dropped: malformed (counted in stage 1) */
	FATE_RULE_DROP,        /* dropped by a drop action */
	FATE_RULE_RESET,       /* dropped by a reset action */
	FATE_LB_REFUSED,       /* dropped: lb could not map or rewrite it */
	FATE_NEIGH,            /* ARP/ND that wirefault answers: taken */
	FATE_MAX
};

/* What one burst needs while it is classified, tracked and sent. */
struct burst {
	struct wf_pkt pkt[WF_BURST];
	uint8_t fate[WF_BURST];        /* enum fate */
	uint8_t classified[WF_BURST];  /* parsed to L4: rules may see it */
	/* per packet, from tracking: its flow (NULL if none), direction, kind */
	struct wf_flow *flow[WF_BURST];
	int32_t fpos[WF_BURST];        /* its position in the flow table */
	uint8_t via_nat[WF_BURST];     /* found by its server-side (NAT) key */
	uint8_t dir[WF_BURST];
	uint8_t state[WF_BURST];       /* its connection's state after it */
	uint16_t kinds[WF_BURST];      /* 1 << WF_TCP_K_*, WF_RULE_TCP_RETRANS */
	/* RSTs of reset actions: to the packets' receivers, and back */
	struct rte_mbuf *rst_fwd[WF_BURST], *rst_back[WF_BURST];
	uint16_t nb_rst_fwd, nb_rst_back;
	/* ARP/ND answers, back out of the port they came in on */
	struct rte_mbuf *neigh[WF_BURST];
	uint16_t nb_neigh;
	/* mirror copies, in the order the packets were received */
	struct rte_mbuf *mirror[WF_MIRROR_MAX];
	uint16_t nb_mirror;
	struct wf_flow_key key[WF_BURST];
	const struct wf_flow_key *keyp[WF_BURST];
	int32_t pos[WF_BURST];
	uint8_t pkt_of_key[WF_BURST];  /* key k belongs to pkt[pkt_of_key[k]] */
	uint8_t side[WF_BURST];        /* key endpoint that sent the packet */
	uint32_t frame_len[WF_BURST];  /* key k's packet's, read while hot */
	uint64_t now_tsc, now_us;
	struct wf_flow *entries;       /* the flow table's, by position */
	uint16_t tx_port;              /* where this burst's packets go */
	unsigned int nb_keys;
	bool pickup_loose;
};

/* The packet-check counters follow wf_pkt.h's reasons, in order. */
_Static_assert(WF_PS_l4_untracked - WF_PS_l2_too_short ==
		WF_PKT_R_MAX - WF_PKT_R_l2_too_short,
		"one counter per packet-check reason");

/* The per-port counter of a packet-check reason. */
static inline uint64_t *
reason_counter(struct wf_port_counters *pc, unsigned int reason)
{
	return &pc->c[WF_PS_l2_too_short + reason - WF_PKT_R_l2_too_short];
}

/* Count every informational note of a classified packet (rare). */
static void
count_notes(struct wf_port_counters *pc, uint64_t notes)
{
	while (notes != 0) {
		wf_stat_add(reason_counter(pc, __builtin_ctzll(notes)), 1);
		notes &= notes - 1;
	}
}

/*
 * Fresh per-connection counters, with the segment that (re)opened the
 * connection counted as the originator's first packet.
 */
static inline void
flow_counters_reset(struct wf_flow *f, const struct burst *b,
		unsigned int side, uint32_t frame_len, bool fresh)
{
	/* a reopened connection keeps its backend (and its NAT key) */
	uint32_t nat = fresh ? 0 : f->rules.nat;
	/*
	 * and its rule cache: the same 5-tuple matches the same flow parts.
	 * The cache is per direction; when the other end opens this time,
	 * the directions swap.
	 */
	const unsigned int swap = !fresh && side != f->orig_side;
	const uint32_t version[2] = { f->rules.version[swap],
		f->rules.version[1 - swap] };
	const uint64_t cand[2] = { f->rules.cand[swap],
		f->rules.cand[1 - swap] };

	memset(f, 0, offsetof(struct wf_flow, in_use));
	/* a new connection starts its rule counts afresh */
	memset(&f->rules, 0, sizeof(f->rules));
	f->rules.nat = nat;
	if (!fresh) {
		memcpy(f->rules.version, version, sizeof(version));
		memcpy(f->rules.cand, cand, sizeof(cand));
	}
	f->first_tsc = b->now_tsc;
	f->last_tsc = b->now_tsc;
	f->orig_side = side;
	f->pkts[WF_DIR_ORIG] = 1;
	f->bytes[WF_DIR_ORIG] = frame_len;
}

/* A new connection: its entry, its first segment, its originator. */
static inline void
flow_start(struct wf_flow *f, const struct burst *b, unsigned int side,
		const struct wf_tcp_seg *seg, uint32_t frame_len,
		struct wf_port_counters *pc)
{
	flow_counters_reset(f, b, side, frame_len, true);
	wf_tcp_init(&f->tcp, seg, b->now_us);
	wf_stat_add(&pc->c[WF_PS_flow_new], 1);
	if (f->tcp.picked_up)
		wf_stat_add(&pc->c[WF_PS_tcp_pickup], 1);
}

/*
 * Key @p k was just added at @p pos: later segments of the same connection
 * in this burst missed it in the bulk lookup; point them at it.
 */
static void
burst_found(struct burst *b, unsigned int k, int32_t pos)
{
	unsigned int j;

	for (j = k + 1; j < b->nb_keys; j++)
		if (b->pos[j] < 0 &&
				memcmp(&b->key[j], &b->key[k], sizeof(b->key[k])) == 0)
			b->pos[j] = pos;
}

/*
 * Track one TCP segment of a classified packet. A segment that fails a
 * check (bad flags, an RST that does not fit the window) is counted and
 * changes nothing in its flow: no state, no counters, no timer.
 */
static inline void
track_tcp(struct burst *b, unsigned int k, uint32_t frame_len,
		struct wf_port_counters *pc)
{
	const struct wf_pkt *p = &b->pkt[b->pkt_of_key[k]];
	const struct wf_tcp_seg seg = {
		.flags = p->tcp_flags, .wscale = p->wscale,
		.has_wscale = p->has_wscale, .win = p->tcp_win,
		.seq = p->seq, .ack = p->ack, .len = p->payload_len,
	};
	const unsigned int i = b->pkt_of_key[k];
	struct wf_flow *f;
	struct wf_tcp_result r;
	int32_t pos = b->pos[k];
	unsigned int dir;
	bool existed;

	/* "tcp data" is any segment with payload, a FIN's included */
	b->kinds[i] = seg.len != 0 ? 1u << WF_TCP_K_DATA : 0;
	if (pos < 0) {
		b->kinds[i] |= (uint16_t)(1u << wf_tcp_kind(&seg));
		if (!wf_tcp_flags_valid(seg.flags)) {
			wf_stat_add(&pc->c[WF_PS_tcp_bad_flags], 1);
			return;
		}
		if (!wf_tcp_may_create(&seg, b->pickup_loose)) {
			wf_stat_add(&pc->c[WF_PS_tcp_no_flow], 1);
			return;
		}
		pos = unlikely(wf_fault_flow_insert()) ? -ENOSPC :
			wf_flow_insert(wf.flows, &b->key[k], &existed);
		if (unlikely(pos < 0)) {
			wf_stat_add(&pc->c[WF_PS_flow_table_full], 1);
			return;
		}
		if (!existed) {
			f = &b->entries[pos];
			flow_start(f, b, b->side[k], &seg, frame_len, pc);
			b->flow[i] = f;
			b->fpos[i] = pos;
			b->dir[i] = WF_DIR_ORIG;
			b->state[i] = f->tcp.state;
			__atomic_store_n(&f->in_use, 1, __ATOMIC_RELEASE);
			burst_found(b, k, pos);
			return;
		}
		/* another worker added the same connection meanwhile */
		wf_stat_add(&pc->c[WF_PS_flow_insert_clash], 1);
	}
	f = &b->entries[pos];
	dir = b->side[k] == f->orig_side ? WF_DIR_ORIG : WF_DIR_REPLY;
	wf_tcp_track_into(&f->tcp, dir, &seg, b->now_us, &r);
	b->flow[i] = f;
	b->fpos[i] = pos;
	b->dir[i] = dir;
	b->state[i] = f->tcp.state;
	b->kinds[i] |= (uint16_t)(1u << r.kind) |
		((r.bits & WF_TCP_R_RETRANS) ? WF_RULE_TCP_RETRANS : 0);
	if (unlikely(r.bits & (WF_TCP_R_BAD_FLAGS | WF_TCP_R_RST_INVALID |
			WF_TCP_R_RST_INEXACT | WF_TCP_R_IGNORED))) {
		if (r.bits & WF_TCP_R_BAD_FLAGS)
			wf_stat_add(&pc->c[WF_PS_tcp_bad_flags], 1);
		if (r.bits & WF_TCP_R_RST_INVALID)
			wf_stat_add(&pc->c[WF_PS_tcp_rst_invalid], 1);
		if (r.bits & WF_TCP_R_RST_INEXACT)
			wf_stat_add(&pc->c[WF_PS_tcp_rst_inexact], 1);
		/*
		 * Port reuse the other way round: the old responder opens a
		 * new connection on a closed 5-tuple. It becomes the
		 * originator of a fresh flow.
		 */
		if ((r.bits & WF_TCP_R_IGNORED) && dir == WF_DIR_REPLY &&
				(seg.flags & (WF_TCP_SYN | WF_TCP_ACK)) == WF_TCP_SYN &&
				(f->tcp.state == WF_TCP_CLOSED ||
				 f->tcp.state == WF_TCP_TIME_WAIT)) {
			flow_counters_reset(f, b, b->side[k], frame_len, false);
			wf_tcp_init(&f->tcp, &seg, b->now_us);
			wf_stat_add(&pc->c[WF_PS_tcp_reopen], 1);
			b->dir[i] = WF_DIR_ORIG;
			b->state[i] = f->tcp.state;
		}
		return;
	}
	if (unlikely(r.bits & WF_TCP_R_REOPEN)) {
		/* the tracker already restarted the connection from this SYN */
		flow_counters_reset(f, b, f->orig_side, frame_len, false);
		wf_stat_add(&pc->c[WF_PS_tcp_reopen], 1);
		return;
	}
	if (unlikely(r.bits & (WF_TCP_R_RETRANS | WF_TCP_R_SYN_UNANSWERED |
			WF_TCP_R_SYNACK_AFTER_DATA))) {
		if (r.bits & WF_TCP_R_RETRANS) {
			wf_stat_add(&pc->c[WF_PS_tcp_retrans], 1);
			if (f->retrans[dir] != UINT16_MAX)
				f->retrans[dir]++;
		}
		if (r.bits & WF_TCP_R_SYN_UNANSWERED)
			wf_stat_add(&pc->c[WF_PS_syn_unanswered], 1);
		if (r.bits & WF_TCP_R_SYNACK_AFTER_DATA)
			wf_stat_add(&pc->c[WF_PS_synack_retrans_after_data], 1);
	}
	f->pkts[dir]++;
	f->bytes[dir] += frame_len;
	f->last_tsc = b->now_tsc;
}

/* Is rule @p id still in the set? (to free a slot of a deleted rule) */
static bool
rule_in_set(uint32_t id, void *ctx)
{
	const struct wf_ruleset *set = ctx;
	uint32_t i;

	for (i = 0; i < set->nb; i++)
		if (set->rule[i]->id == id)
			return true;
	return false;
}

/* Build one RST into a fresh mbuf of @p pool; NULL when it cannot. */
static struct rte_mbuf *
rst_make(struct rte_mempool *pool, const uint8_t *frame,
		const struct wf_pkt *p, bool to_sender)
{
	struct rte_mbuf *m = wf_mbuf_alloc(pool);
	uint32_t len;
	uint8_t *out;

	if (unlikely(m == NULL))
		return NULL;
	out = rte_pktmbuf_mtod(m, uint8_t *);
	len = wf_act_rst_build(frame, p, to_sender, out,
			rte_pktmbuf_tailroom(m));
	if (unlikely(len == 0)) {
		wf_mbuf_free(m);
		return NULL;
	}
	wf_pkt_mbuf_frame_done(m, len);
	return m;
}

/* Queue the two RSTs of a reset action on packet @p i. */
static void
reset_queue(struct burst *b, unsigned int i, struct rte_mbuf *pkt,
		struct wf_port_counters *pc)
{
	uint8_t copy[WF_PKT_HDR_MAX];
	const uint8_t *frame;
	struct rte_mbuf *m;
	unsigned int side, failed = 0;

	frame = rte_pktmbuf_read(pkt, 0, RTE_MIN(pkt->pkt_len,
			(uint32_t)WF_PKT_HDR_MAX), copy);
	for (side = 0; side < 2; side++) {
		m = frame == NULL ? NULL :
			rst_make(pkt->pool, frame, &b->pkt[i], side == 1);
		if (m == NULL)
			failed++;
		else if (side == 0)
			b->rst_fwd[b->nb_rst_fwd++] = m;
		else
			b->rst_back[b->nb_rst_back++] = m;
	}
	if (unlikely(failed != 0))
		wf_stat_add(&pc->c[WF_PS_rst_failed], failed);
}

/*
 * Queue a copy of @p m for the mirror port. A copy, not a clone: the
 * original may be rewritten (lb) after this, and the copy must show it as
 * it came in. Losing a copy never touches the original.
 */
static inline bool
mirror_copy(struct burst *b, struct rte_mbuf *m, struct wf_port_counters *pc)
{
	struct rte_mbuf *c;

	if (unlikely(b->nb_mirror == WF_MIRROR_MAX)) {
		wf_stat_add(&pc->c[WF_PS_mirror_nombuf], 1);
		return false;
	}
	c = wf_mbuf_copy(m, wf.mirror_pool);
	if (unlikely(c == NULL)) {
		wf_stat_add(&pc->c[WF_PS_mirror_nombuf], 1);
		return false;
	}
	b->mirror[b->nb_mirror++] = c;
	return true;
}

/*
 * An lb rule matched packet @p i. Only a connection's first SYN (from its
 * originator, in state new) is mapped to a backend; its later packets,
 * SYN retries included, keep that mapping (the rewrite stage applies it).
 * A packet to the VIP of a connection lb never saw is left as it is.
 */
static int
lb_apply(struct wf_rule_rt *rt, struct burst *b, unsigned int i,
		struct rte_mbuf *m, unsigned int wi, struct wf_port_counters *pc)
{
	struct wf_act_worker *ws = &rt->w[wi].a;
	struct wf_flow *f = b->flow[i];
	const struct wf_pkt *p = &b->pkt[i];
	enum wf_lb_result res;

	if (f != NULL && f->rules.nat != 0)
		return FATE_OUT;
	if (f == NULL && (p->tcp_flags & (WF_TCP_SYN | WF_TCP_ACK |
			WF_TCP_RST | WF_TCP_FIN)) == WF_TCP_SYN) {
		/* a new connection the flow table had no room for */
		wf_stat_add(&pc->c[WF_PS_lb_map_full], 1);
		return FATE_LB_REFUSED;
	}
	if (f == NULL || b->dir[i] != WF_DIR_ORIG ||
			b->state[i] != WF_TCP_SYN_SENT ||
			(p->tcp_flags & (WF_TCP_SYN | WF_TCP_ACK)) != WF_TCP_SYN) {
		wf_stat_add(&pc->c[WF_PS_lb_no_map], 1);
		return FATE_OUT;
	}
	res = wf_lb_connect(rt, wi, f, b->fpos[i], p,
			rte_pktmbuf_mtod(m, const uint8_t *), b->tx_port);
	switch (res) {
	case WF_LB_MAPPED:
		wf_stat_add(&ws->acted, 1);
		wf_stat_add(&pc->c[WF_PS_lb_new], 1);
		return FATE_OUT;
	case WF_LB_NO_MAC:
		wf_stat_add(&pc->c[WF_PS_lb_no_mac], 1);
		break;
	case WF_LB_NO_PORT:
		wf_stat_add(&pc->c[WF_PS_lb_snat_no_port], 1);
		break;
	case WF_LB_MARTIAN:
		wf_stat_add(&pc->c[WF_PS_lb_martian], 1);
		break;
	default:
		wf_stat_add(&pc->c[WF_PS_lb_map_full], 1);
		break;
	}
	return FATE_LB_REFUSED;
}

/*
 * The action of rule @p rt, whose match part matched packet @p i (and
 * was counted), for every action but "drop prob P" alone, which
 * rule_apply() settles inline. Returns the packet's fate, or -1 to go on
 * to the next rule.
 */
static __rte_noinline int
rule_act(const struct wf_ruleset *set, struct wf_rule_rt *rt,
		const struct wf_pkt *p, struct burst *b, unsigned int i,
		struct rte_mbuf *m, unsigned int wi, struct wf_port_counters *pc)
{
	struct wf_act_worker *ws = &rt->w[wi].a;
	struct wf_flow *f = b->flow[i];
	struct wf_act_slots *slots = f != NULL ? &f->rules.act : NULL;
	struct wf_act_pkt ap;
	enum wf_act_decision d;

	switch (rt->r.a.kind) {
	case WF_ACT_PASS:
		wf_stat_add(&ws->acted, 1);
		return FATE_OUT;
	case WF_ACT_LOG:
		if (wf_log_copy(m, rt->log_file, b->now_us))
			wf_stat_add(&ws->acted, 1);
		else
			wf_stat_add(&pc->c[WF_PS_log_lost], 1);
		return -1;
	case WF_ACT_RESET:
		wf_stat_add(&ws->acted, 1);
		if (p->proto == IPPROTO_TCP &&
				!(p->tcp_flags & WF_TCP_RST))
			reset_queue(b, i, m, pc);
		return FATE_RULE_RESET;
	case WF_ACT_MIRROR:
		if (mirror_copy(b, m, pc))
			wf_stat_add(&ws->acted, 1);
		return -1;
	case WF_ACT_LB:
		return lb_apply(rt, b, i, m, wi, pc);
	default:
		break;
	}
	ap = (struct wf_act_pkt){ .seq = p->seq, .dir = b->dir[i],
		.payload_len = p->proto == IPPROTO_TCP ? p->payload_len : 0,
		.retrans = (b->kinds[i] & WF_RULE_TCP_RETRANS) != 0 };
	d = rt->r.a.kind == WF_ACT_DROP ?
		wf_act_drop_decide(&rt->r.a, rt->id, slots, &ap, ws) :
		wf_act_seg_decide(&rt->r.a, rt->id, slots, &ap);
	if (unlikely(d == WF_ACT_NO_SLOT)) {
		/* slots of deleted rules are freed only when one is needed */
		wf_act_slots_prune(slots, rule_in_set, (void *)(uintptr_t)set);
		d = rt->r.a.kind == WF_ACT_DROP ?
			wf_act_drop_decide(&rt->r.a, rt->id, slots, &ap, ws) :
			wf_act_seg_decide(&rt->r.a, rt->id, slots, &ap);
		if (d == WF_ACT_NO_SLOT) {
			wf_stat_add(&pc->c[WF_PS_rule_slots_full], 1);
			return -1;
		}
	}
	if (d != WF_ACT_DROPPED)
		return -1;  /* like iptables' statistic match: not selected */
	wf_stat_add(&ws->acted, 1);
	return FATE_RULE_DROP;
}

/*
 * Apply one rule whose flow part matched to packet @p i: the rule's
 * packet part (unless the prefilter already settled it: @p pkt_part_ok),
 * then its action. Returns the packet's fate, or -1 to go on to the next
 * rule. Inline, with "drop prob P" alone settled here: a rule that
 * matches every packet costs its counter and one draw, not a call.
 */
static __rte_always_inline int
rule_apply(const struct wf_ruleset *set, struct wf_rule_rt *rt,
		const struct wf_rule_pkt *rp, bool pkt_part_ok, struct burst *b,
		unsigned int i, struct rte_mbuf *m, unsigned int wi,
		struct wf_port_counters *pc)
{
	struct wf_act_worker *ws = &rt->w[wi].a;

	if (!pkt_part_ok && !wf_rule_match_pkt(&rt->r.m, rp))
		return -1;
	wf_stat_add(&ws->matched, 1);
	if (rt->r.a.kind == WF_ACT_DROP && rt->r.a.drop_mods == WF_DROP_PROB) {
		/* no per-flow count, one draw */
		if (!wf_act_prob_hit(&rt->r.a, ws))
			return -1;
		wf_stat_add(&ws->acted, 1);
		return FATE_RULE_DROP;
	}
	return rule_act(set, rt, rp->pkt, b, i, m, wi, pc);
}

/* A flow caches one bit per rule of the first 63; bit 63 says "more". */
#define WF_CAND_MORE (UINT64_C(1) << WF_RULES_CACHED)

/*
 * The first rule at or past WF_RULES_CACHED whose flow part matches @p p
 * (UINT32_MAX: none), by the set's rte_acl once built, else one by one.
 */
static uint32_t
rules_later_first(const struct wf_ruleset *set, const struct wf_pkt *p)
{
	const struct wf_rule_acl *acl = __atomic_load_n(&set->acl,
			__ATOMIC_ACQUIRE);
	uint32_t r;

	if (acl != NULL)
		return wf_rule_acl_first(acl, p);
	for (r = WF_RULES_CACHED; r < set->nb; r++)
		if (wf_rule_match_flow(&set->rule[r]->r.m, p))
			return r;
	return UINT32_MAX;
}

/*
 * Which of the first 63 rules have a flow part that matches packet @p p,
 * a bit each, and WF_CAND_MORE if any later rule's does.
 */
static uint64_t
rules_flow_part(const struct wf_ruleset *set, const struct wf_pkt *p)
{
	const uint32_t nb_cached = RTE_MIN(set->nb, (uint32_t)WF_RULES_CACHED);
	uint64_t cand = 0;
	uint32_t r;

	for (r = 0; r < nb_cached; r++)
		if (wf_rule_match_flow(&set->rule[r]->r.m, p))
			cand |= UINT64_C(1) << r;
	if (set->nb > WF_RULES_CACHED && rules_later_first(set, p) != UINT32_MAX)
		cand |= WF_CAND_MORE;
	return cand;
}

/*
 * Run the rules over packet @p i, first match wins. A flow keeps, per
 * direction and rule-set version, which of the first 63 rules match its
 * addresses and ports, and whether any later one does (by rte_acl); the set's
 * prefilter drops from those the rules whose flags, ingress port,
 * direction, state or kind cannot match, so only likely matches are
 * checked one by one. Later rules are scanned only for flows that match
 * one of them (a set of thousands of rules that match few flows costs
 * those flows' first packets, not every packet).
 */
static int
rules_eval(const struct wf_ruleset *set, struct burst *b, unsigned int i,
		struct rte_mbuf *m, uint16_t in_port, unsigned int wi,
		struct wf_port_counters *pc)
{
	const struct wf_pkt *p = &b->pkt[i];
	struct wf_flow *f = b->flow[i];
	const unsigned int dir = b->dir[i];
	const unsigned int state = f != NULL ? b->state[i] : 0;
	struct wf_rule_pkt rp;
	uint64_t cand, more;
	uint32_t r;
	bool exact;
	int fate;

	if (f != NULL) {
		struct wf_flow_rules *fr = &f->rules;

		if (unlikely(fr->version[dir] != set->version)) {
			fr->cand[dir] = rules_flow_part(set, p);
			fr->version[dir] = set->version;
		}
		cand = fr->cand[dir];
	} else {
		cand = rules_flow_part(set, p);
	}
	if (cand == 0)
		return FATE_OUT;  /* no rule's addresses and ports match */
	more = cand & WF_CAND_MORE;
	cand &= wf_rule_prefilter_of(&set->pf, p->tcp_flags, in_port,
			f != NULL, dir, state, b->kinds[i]) & ~WF_CAND_MORE;
	if (cand == 0 && likely(more == 0))
		return FATE_OUT;
	rp = (struct wf_rule_pkt){
		.pkt = p, .in_port = in_port, .has_flow = f != NULL,
		.dir = (uint8_t)dir, .state = (uint8_t)state,
		.tcp_kinds = b->kinds[i],
	};
	/* for TCP on the ports it has vectors for, the prefilter is exact */
	exact = p->proto == IPPROTO_TCP && in_port < WF_RULE_PF_PORTS;
	while (cand != 0) {
		r = (uint32_t)__builtin_ctzll(cand);
		cand &= cand - 1;
		fate = rule_apply(set, set->rule[r], &rp, exact, b, i, m, wi,
				pc);
		if (fate >= 0)
			return fate;
	}
	if (likely(more == 0))
		return FATE_OUT;
	/* the rules before the first later match cannot match */
	for (r = rules_later_first(set, p); r < set->nb; r++) {
		if (!wf_rule_match_flow(&set->rule[r]->r.m, p))
			continue;
		fate = rule_apply(set, set->rule[r], &rp, false, b, i, m, wi,
				pc);
		if (fate >= 0)
			return fate;
	}
	return FATE_OUT;
}

/* Send the RSTs of this burst's reset actions; count what was not sent. */
static void
rst_send(struct burst *b, const struct wf_task *t,
		struct wf_port_counters *pc)
{
	uint16_t sent = 0;

	if (b->nb_rst_fwd != 0) {
		uint16_t n = wf_tx_burst(t->tx_port, t->tx_queue,
				b->rst_fwd, b->nb_rst_fwd);

		wf_mbuf_free_bulk(&b->rst_fwd[n], b->nb_rst_fwd - n);
		sent += n;
	}
	if (b->nb_rst_back != 0) {
		/* the worker owns queue tx_queue of both ports of the pair */
		uint16_t n = wf_tx_burst(t->rx_port, t->tx_queue,
				b->rst_back, b->nb_rst_back);

		wf_mbuf_free_bulk(&b->rst_back[n], b->nb_rst_back - n);
		sent += n;
	}
	wf_stat_add(&pc->c[WF_PS_rst_sent], sent);
	if (sent < b->nb_rst_fwd + b->nb_rst_back)
		wf_stat_add(&pc->c[WF_PS_rst_failed],
			b->nb_rst_fwd + b->nb_rst_back - sent);
	b->nb_rst_fwd = b->nb_rst_back = 0;
}

/* Send this burst's mirror copies on the worker's own mirror TX queue. */
static void
mirror_send(struct burst *b, unsigned int wi, struct wf_port_counters *pc)
{
	uint16_t n = wf_tx_burst(wf.opt.mirror_port, (uint16_t)wi,
			b->mirror, b->nb_mirror);

	wf_stat_add(&pc->c[WF_PS_mirror_tx], n);
	if (n < b->nb_mirror) {
		wf_mbuf_free_bulk(&b->mirror[n], b->nb_mirror - n);
		wf_stat_add(&pc->c[WF_PS_mirror_tx_fail], b->nb_mirror - n);
	}
	b->nb_mirror = 0;
}

/* ARP/ND for lb: learn, and take what asks for our addresses. */
static void
neigh_take(const struct wf_ruleset *set, struct burst *b, unsigned int i,
		struct rte_mbuf *m, uint16_t rx_port)
{
	struct rte_mbuf *reply;

	if (!wf_lb_neigh(set, m, rx_port, &reply))
		return;
	b->fate[i] = FATE_NEIGH;
	b->classified[i] = 0;
	if (reply != NULL)
		b->neigh[b->nb_neigh++] = reply;
}

/* Send the ARP/ND answers back out of the port the questions came in on. */
static void
neigh_send(struct burst *b, const struct wf_task *t,
		struct wf_port_counters *pc)
{
	/* the worker owns queue tx_queue of both ports of the pair */
	uint16_t n = wf_tx_burst(t->rx_port, t->tx_queue, b->neigh,
			b->nb_neigh);

	wf_stat_add(&pc->c[WF_PS_neigh_sent], n);
	if (n < b->nb_neigh)
		wf_mbuf_free_bulk(&b->neigh[n], b->nb_neigh - n);
	b->nb_neigh = 0;
}

/*
 * Keys the flow table did not know may be the server side of a
 * load-balanced connection: find its flow through the NAT hash, and say
 * which end of that flow sent the packet.
 */
static void
nat_lookup(struct burst *b)
{
	const struct wf_flow_key *keys[WF_BURST];
	struct wf_nat_map *maps[WF_BURST];
	uint8_t key_of[WF_BURST];
	unsigned int j, k, n = 0;

	for (k = 0; k < b->nb_keys; k++)
		if (b->pos[k] < 0) {
			key_of[n] = (uint8_t)k;
			keys[n++] = &b->key[k];
		}
	if (n == 0)
		return;
	wf_lb_rev_lookup_bulk(keys, n, maps);
	/* their flows' lines, as stage 2 fetched those found directly */
	for (j = 0; j < n; j++)
		if (maps[j] != NULL) {
			const char *e = (const char *)
				&b->entries[maps[j]->flow_pos];

			rte_prefetch0(e);
			rte_prefetch0(e + RTE_CACHE_LINE_SIZE);
			rte_prefetch0(e + offsetof(struct wf_flow, rules));
		}
	for (j = 0; j < n; j++) {
		const struct wf_nat_map *map = maps[j];
		const struct wf_flow *f;

		if (map == NULL)
			continue;
		k = key_of[j];
		f = &b->entries[map->flow_pos];
		if (wf_lb_map_of(f) != map)
			continue;  /* its flow is being deleted */
		b->pos[k] = map->flow_pos;
		/* the client is the flow's originator */
		b->side[k] = b->side[k] == map->rev_client_side ?
			f->orig_side : 1 - f->orig_side;
		b->via_nat[b->pkt_of_key[k]] = 1;
	}
}

/*
 * Rewrite the packets of load-balanced connections: the client's toward
 * its backend, the backend's back to the VIP. Packets that arrive by the
 * other key in the other direction are not ours to change.
 */
static void
nat_rewrite(struct burst *b, struct rte_mbuf **pkts, uint16_t nb_rx,
		struct wf_port_counters *pc)
{
	const struct wf_nat_map *maps[WF_BURST];
	uint8_t which[WF_BURST];
	unsigned int i, j, n = 0;

	/* which packets, and their mappings' lines fetched for all at once */
	for (i = 0; i < nb_rx; i++) {
		const struct wf_nat_map *map;

		if (b->fate[i] != FATE_OUT || b->flow[i] == NULL)
			continue;
		map = wf_lb_map_of(b->flow[i]);
		if (map == NULL)
			continue;
		if (!(b->via_nat[i] ? b->dir[i] == WF_DIR_REPLY :
				b->dir[i] == WF_DIR_ORIG))
			continue;
		rte_prefetch0(map);
		rte_prefetch0((const char *)map + RTE_CACHE_LINE_SIZE);
		maps[n] = map;
		which[n++] = (uint8_t)i;
	}
	for (j = 0; j < n; j++) {
		i = which[j];
		if (wf_lb_rewrite(pkts[i], &b->pkt[i], maps[j],
				!b->via_nat[i]) != 0) {
			wf_stat_add(&pc->c[WF_PS_lb_rewrite_fail], 1);
			b->fate[i] = FATE_LB_REFUSED;
		}
	}
}

static inline unsigned int
worker_forward(const struct wf_task *t, unsigned int wi,
		struct wf_worker_stats *st, struct burst *b)
{
	struct rte_mbuf *pkts[WF_BURST], *out[WF_BURST], *drop[WF_BURST];
	uint8_t copy[WF_PKT_HDR_MAX];
	struct wf_port_counters *pc = &st->port[t->rx_port];
	const struct wf_ruleset *set;
	uint16_t nb_rx, nb_tx, nb_out = 0, nb_drop = 0, i, nb_keys = 0;
	uint16_t nb_fate[FATE_MAX] = { 0 };
	uint8_t drop_fate[WF_BURST];
	bool malformed_drop, lb_on;

	nb_rx = wf_rx_burst(t->rx_port, t->rx_queue, pkts, WF_BURST);
	if (nb_rx == 0)
		return 0;
	/* until its end, "clear stats" and "show stats" wait for this burst */
	wf_stats_burst_begin(st);
	wf_stat_add(&pc->c[WF_PS_rx], nb_rx);
	b->now_tsc = rte_rdtsc();
	b->now_us = wf_tsc_to_us(b->now_tsc);
	b->pickup_loose = __atomic_load_n(&wf.pickup_loose, __ATOMIC_RELAXED);
	malformed_drop = __atomic_load_n(&wf.malformed_drop, __ATOMIC_RELAXED);
	/* valid until this loop iteration's quiescent report */
	set = __atomic_load_n(&wf.rules, __ATOMIC_ACQUIRE);
	lb_on = __atomic_load_n(&wf.lb_active, __ATOMIC_ACQUIRE) != 0;
	b->tx_port = t->tx_port;
	b->entries = wf_flow_entries(wf.flows);

	/* stage 1: parse the burst, build the keys of the TCP packets */
	for (i = 0; i < nb_rx; i++) {
		struct wf_pkt *p = &b->pkt[i];
		enum wf_pkt_verdict v;

		if (i + 1 < nb_rx)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		v = wf_pkt_parse_mbuf(pkts[i], copy, WF_PKT_F_SYN_OPTS, p);
		b->flow[i] = NULL;
		b->via_nat[i] = 0;
		b->kinds[i] = 0;
		b->fate[i] = FATE_OUT;
		b->classified[i] = v == WF_PKT_CLASSIFY;
		/* notes ride on any verdict: an odd fragment is still odd */
		if (unlikely(p->notes != 0))
			count_notes(pc, p->notes);
		if (unlikely(v != WF_PKT_CLASSIFY)) {
			wf_stat_add(reason_counter(pc, p->reason), 1);
			if (v == WF_PKT_DROP || (malformed_drop &&
					wf_pkt_reason_is_error(p->reason)))
				b->fate[i] = FATE_MALFORMED;
			else if (unlikely(set->nb_lb != 0) &&
					p->reason == WF_PKT_R_l2_non_ip)
				neigh_take(set, b, i, pkts[i], t->rx_port);
			continue;
		}
		if (p->proto != IPPROTO_TCP) {
			wf_stat_add(&pc->c[WF_PS_l4_untracked], 1);
			if (unlikely(set->nb_lb != 0) &&
					p->proto == IPPROTO_ICMPV6 &&
					(p->icmp_type == 135 || p->icmp_type == 136))
				neigh_take(set, b, i, pkts[i], t->rx_port);
			continue;
		}
		b->side[nb_keys] = wf_flow_key_make(p, &b->key[nb_keys]);
		b->keyp[nb_keys] = &b->key[nb_keys];
		b->pkt_of_key[nb_keys] = i;
		b->frame_len[nb_keys] = pkts[i]->pkt_len;
		nb_keys++;
	}
	/* stage 2: one bulk lookup; stage 3: track in arrival order */
	b->nb_keys = nb_keys;
	wf_flow_lookup_bulk(wf.flows, b->keyp, nb_keys, b->pos);
	/* the entries' counters and TCP state, and their rule cache */
	for (i = 0; i < nb_keys; i++)
		if (b->pos[i] >= 0) {
			const char *e = (const char *)&b->entries[b->pos[i]];

			rte_prefetch0(e);
			rte_prefetch0(e + RTE_CACHE_LINE_SIZE);
			if (set->nb != 0)
				rte_prefetch0(e + offsetof(struct wf_flow, rules));
		}
	if (unlikely(lb_on))
		nat_lookup(b);
	for (i = 0; i < nb_keys; i++)
		track_tcp(b, i, b->frame_len[i], pc);

	/* stage 4: the rules, in arrival order */
	if (set->nb != 0)
		for (i = 0; i < nb_rx; i++)
			if (b->classified[i])
				b->fate[i] = (uint8_t)rules_eval(set, b, i,
					pkts[i], t->rx_port, wi, pc);

	/* stage 4b: load-balanced connections are rewritten */
	if (unlikely(lb_on))
		nat_rewrite(b, pkts, nb_rx, pc);

	/* stage 5: forward in order, free the dropped, count each fate */
	for (i = 0; i < nb_rx; i++) {
		if (b->fate[i] == FATE_OUT) {
			out[nb_out++] = pkts[i];
		} else {
			drop_fate[nb_drop] = b->fate[i];
			drop[nb_drop++] = pkts[i];
		}
	}
	if (unlikely(nb_drop != 0)) {
		/* counted here, not above, and only over the dropped: one
		 * counter bumped per packet is a store-to-load chain through
		 * the same stack slot */
		for (i = 0; i < nb_drop; i++)
			nb_fate[drop_fate[i]]++;
		wf_mbuf_free_bulk(drop, nb_drop);
		wf_stat_add(&pc->c[WF_PS_malformed], nb_fate[FATE_MALFORMED]);
		wf_stat_add(&pc->c[WF_PS_rule_drop], nb_fate[FATE_RULE_DROP]);
		wf_stat_add(&pc->c[WF_PS_rule_reset], nb_fate[FATE_RULE_RESET]);
		wf_stat_add(&pc->c[WF_PS_lb_refused], nb_fate[FATE_LB_REFUSED]);
		wf_stat_add(&pc->c[WF_PS_neigh_answered], nb_fate[FATE_NEIGH]);
	}
	if (unlikely(b->nb_rst_fwd + b->nb_rst_back != 0))
		rst_send(b, t, pc);
	if (nb_out != 0) {
		nb_tx = wf_tx_burst(t->tx_port, t->tx_queue, out, nb_out);
		wf_stat_add(&pc->c[WF_PS_tx], nb_tx);
		if (unlikely(nb_tx < nb_out)) {
			wf_mbuf_free_bulk(&out[nb_tx], nb_out - nb_tx);
			wf_stat_add(&pc->c[WF_PS_tx_full], nb_out - nb_tx);
		}
	}
	/* the originals first: a copy never delays them */
	if (unlikely(b->nb_mirror != 0))
		mirror_send(b, wi, pc);
	if (unlikely(b->nb_neigh != 0))
		neigh_send(b, t, pc);
	wf_stat_add(&st->busy_cycles, rte_rdtsc() - b->now_tsc);
	wf_stat_add(&st->busy_pkts, nb_rx);
	wf_stats_burst_end(st);
	return nb_rx;
}

/*
 * Ask for the MACs of lb backends not resolved yet, out of the server
 * side of the worker's first pair (its first task goes client -> server).
 */
static void
lb_probe(const struct wf_worker *w, struct wf_worker_stats *st)
{
	const struct wf_ruleset *set = __atomic_load_n(&wf.rules,
			__ATOMIC_ACQUIRE);
	const struct wf_task *t = &w->task[0];
	unsigned int n;

	if (set->nb_lb == 0 || w->nb_tasks == 0)
		return;
	n = wf_lb_probe(set, t->tx_port, t->tx_queue, rte_rdtsc());
	wf_stat_add(&st->port[t->tx_port].c[WF_PS_neigh_sent], n);
}

int
wf_worker_main(void *arg)
{
	struct wf_worker *w = arg;
	struct wf_worker_stats *st = &wf.stats[w->index];
	const uint32_t idle_us = wf.opt.idle_sleep_us;
	unsigned int i, got, idle = 0, loops = 0;
	struct burst *b;

	/* the burst scratch lives on the worker's socket, not the stack */
	b = rte_zmalloc_socket("wf_burst", sizeof(*b), RTE_CACHE_LINE_SIZE,
			rte_socket_id());
	if (b == NULL || wf_flows_thread_register(w->index) != 0) {
		WF_LOG(ERR, "worker on lcore %u cannot start\n", w->lcore_id);
		rte_free(b);
		return -1;
	}

	WF_LOG(INFO, "worker on lcore %u polls %u queue(s)\n", w->lcore_id,
		w->nb_tasks);
	while (!__atomic_load_n(&wf.quit, __ATOMIC_ACQUIRE)) {
		/* epoch first: seeing a new epoch means seeing its state */
		uint32_t epoch = __atomic_load_n(&wf.fwd_epoch, __ATOMIC_ACQUIRE);

		wf_stat_add(&st->loops, 1);
		/* no flow reference survives a loop iteration */
		rte_rcu_qsbr_quiescent(wf.qsv, w->index);
		if (w->index == 0)
			wf_fault_worker_tick();
		if (unlikely(!__atomic_load_n(&wf.forwarding,
				__ATOMIC_RELAXED))) {
			__atomic_store_n(&w->seen_epoch, epoch, __ATOMIC_RELEASE);
			rte_delay_us_sleep(1000);
			continue;
		}
		got = 0;
		for (i = 0; i < w->nb_tasks; i++)
			got += worker_forward(&w->task[i], w->index, st, b);
		if (unlikely((++loops & (WF_PROBE_LOOPS - 1)) == 0))
			lb_probe(w, st);
		if (unlikely(w->seen_epoch != epoch))
			__atomic_store_n(&w->seen_epoch, epoch, __ATOMIC_RELEASE);
		if (got != 0 || idle_us == 0) {
			idle = 0;
			continue;
		}
		/*
		 * On a machine whose cores the traffic's own hosts share (the
		 * lab), a worker spinning on empty queues starves them: back
		 * off after a run of empty polls, as l3fwd-power does.
		 */
		if (++idle >= WF_IDLE_POLLS) {
			wf_stat_add(&st->idle_sleeps, 1);
			rte_delay_us_sleep(idle_us);
		} else {
			rte_pause();
		}
	}
	rte_rcu_qsbr_thread_offline(wf.qsv, w->index);
	rte_rcu_qsbr_thread_unregister(wf.qsv, w->index);
	rte_free(b);
	return 0;
}
