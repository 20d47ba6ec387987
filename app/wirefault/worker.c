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

#include "wirefault.h"

/* Empty polls in a row before the idle back-off sleeps. */
#define WF_IDLE_POLLS 256

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

/* What one burst needs while it is classified, tracked and sent. */
struct burst {
	struct wf_pkt pkt[WF_BURST];
	struct wf_flow_key key[WF_BURST];
	const struct wf_flow_key *keyp[WF_BURST];
	int32_t pos[WF_BURST];
	uint8_t pkt_of_key[WF_BURST];  /* key k belongs to pkt[pkt_of_key[k]] */
	uint8_t side[WF_BURST];        /* key endpoint that sent the packet */
	uint64_t now_tsc, now_us;
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
		unsigned int side, uint32_t frame_len)
{
	memset(f, 0, offsetof(struct wf_flow, in_use));
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
	flow_counters_reset(f, b, side, frame_len);
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
	struct wf_flow *f;
	struct wf_tcp_result r;
	int32_t pos = b->pos[k];
	unsigned int dir;
	bool existed;

	if (pos < 0) {
		if (!wf_tcp_flags_valid(seg.flags)) {
			wf_stat_add(&pc->c[WF_PS_tcp_bad_flags], 1);
			return;
		}
		if (!wf_tcp_may_create(&seg, b->pickup_loose)) {
			wf_stat_add(&pc->c[WF_PS_tcp_no_flow], 1);
			return;
		}
		pos = wf_flow_insert(wf.flows, &b->key[k], &existed);
		if (unlikely(pos < 0)) {
			wf_stat_add(&pc->c[WF_PS_flow_table_full], 1);
			return;
		}
		if (!existed) {
			f = wf_flow_at(wf.flows, pos);
			flow_start(f, b, b->side[k], &seg, frame_len, pc);
			__atomic_store_n(&f->in_use, 1, __ATOMIC_RELEASE);
			burst_found(b, k, pos);
			return;
		}
		/* another worker added the same connection meanwhile */
		wf_stat_add(&pc->c[WF_PS_flow_insert_clash], 1);
	}
	f = wf_flow_at(wf.flows, pos);
	dir = b->side[k] == f->orig_side ? WF_DIR_ORIG : WF_DIR_REPLY;
	r = wf_tcp_track(&f->tcp, dir, &seg, b->now_us);
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
			flow_counters_reset(f, b, b->side[k], frame_len);
			wf_tcp_init(&f->tcp, &seg, b->now_us);
			wf_stat_add(&pc->c[WF_PS_tcp_reopen], 1);
		}
		return;
	}
	if (unlikely(r.bits & WF_TCP_R_REOPEN)) {
		/* the tracker already restarted the connection from this SYN */
		flow_counters_reset(f, b, f->orig_side, frame_len);
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

static inline unsigned int
worker_forward(const struct wf_task *t, struct wf_worker_stats *st,
		struct burst *b)
{
	struct rte_mbuf *pkts[WF_BURST], *out[WF_BURST], *drop[WF_BURST];
	uint8_t copy[WF_PKT_HDR_MAX];
	struct wf_port_counters *pc = &st->port[t->rx_port];
	uint16_t nb_rx, nb_tx, nb_out = 0, nb_drop = 0, i, nb_keys = 0;
	bool malformed_drop;

	nb_rx = rte_eth_rx_burst(t->rx_port, t->rx_queue, pkts, WF_BURST);
	if (nb_rx == 0)
		return 0;
	wf_stat_add(&pc->c[WF_PS_rx], nb_rx);
	b->now_tsc = rte_rdtsc();
	b->now_us = wf_tsc_to_us(b->now_tsc);
	b->pickup_loose = __atomic_load_n(&wf.pickup_loose, __ATOMIC_RELAXED);
	malformed_drop = __atomic_load_n(&wf.malformed_drop, __ATOMIC_RELAXED);

	/* stage 1: parse the burst, build the keys of the TCP packets */
	for (i = 0; i < nb_rx; i++) {
		struct wf_pkt *p = &b->pkt[i];
		enum wf_pkt_verdict v;

		if (i + 1 < nb_rx)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		v = wf_pkt_parse_mbuf(pkts[i], copy, WF_PKT_F_SYN_OPTS, p);
		/* notes ride on any verdict: an odd fragment is still odd */
		if (unlikely(p->notes != 0))
			count_notes(pc, p->notes);
		if (unlikely(v != WF_PKT_CLASSIFY)) {
			wf_stat_add(reason_counter(pc, p->reason), 1);
			if (v == WF_PKT_DROP || (malformed_drop &&
					wf_pkt_reason_is_error(p->reason)))
				drop[nb_drop++] = pkts[i];
			else
				out[nb_out++] = pkts[i];
			continue;
		}
		out[nb_out++] = pkts[i];
		if (p->proto != IPPROTO_TCP) {
			wf_stat_add(&pc->c[WF_PS_l4_untracked], 1);
			continue;
		}
		b->side[nb_keys] = wf_flow_key_make(p, &b->key[nb_keys]);
		b->keyp[nb_keys] = &b->key[nb_keys];
		b->pkt_of_key[nb_keys] = i;
		nb_keys++;
	}
	/* stage 2: one bulk lookup; stage 3: track in arrival order */
	b->nb_keys = nb_keys;
	wf_flow_lookup_bulk(wf.flows, b->keyp, nb_keys, b->pos);
	for (i = 0; i < nb_keys; i++)
		track_tcp(b, i, pkts[b->pkt_of_key[i]]->pkt_len, pc);

	if (unlikely(nb_drop != 0)) {
		rte_pktmbuf_free_bulk(drop, nb_drop);
		wf_stat_add(&pc->c[WF_PS_malformed], nb_drop);
	}
	if (nb_out == 0)
		return nb_rx;
	nb_tx = rte_eth_tx_burst(t->tx_port, t->tx_queue, out, nb_out);
	wf_stat_add(&pc->c[WF_PS_tx], nb_tx);
	if (unlikely(nb_tx < nb_out)) {
		rte_pktmbuf_free_bulk(&out[nb_tx], nb_out - nb_tx);
		wf_stat_add(&pc->c[WF_PS_tx_full], nb_out - nb_tx);
	}
	return nb_rx;
}

int
wf_worker_main(void *arg)
{
	struct wf_worker *w = arg;
	struct wf_worker_stats *st = &wf.stats[w->index];
	const uint32_t idle_us = wf.opt.idle_sleep_us;
	unsigned int i, got, idle = 0;
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
		if (unlikely(!__atomic_load_n(&wf.forwarding,
				__ATOMIC_RELAXED))) {
			__atomic_store_n(&w->seen_epoch, epoch, __ATOMIC_RELEASE);
			rte_delay_us_sleep(1000);
			continue;
		}
		got = 0;
		for (i = 0; i < w->nb_tasks; i++)
			got += worker_forward(&w->task[i], st, b);
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
