/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The poll loop of a worker lcore: receive a burst, send it on to the
 * peer port, free and count what TX refused. No locks, no syscalls while
 * packets flow, counters in the worker's own cache-aligned block.
 */

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

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

static inline unsigned int
worker_forward(const struct wf_task *t, struct wf_worker_stats *st)
{
	struct rte_mbuf *pkts[WF_BURST];
	struct wf_port_counters *pc = &st->port[t->rx_port];
	uint16_t nb_rx, nb_tx;

	nb_rx = rte_eth_rx_burst(t->rx_port, t->rx_queue, pkts, WF_BURST);
	if (nb_rx == 0)
		return 0;
	wf_stat_add(&pc->c[WF_PS_rx], nb_rx);
	nb_tx = rte_eth_tx_burst(t->tx_port, t->tx_queue, pkts, nb_rx);
	wf_stat_add(&pc->c[WF_PS_tx], nb_tx);
	if (unlikely(nb_tx < nb_rx)) {
		rte_pktmbuf_free_bulk(&pkts[nb_tx], nb_rx - nb_tx);
		wf_stat_add(&pc->c[WF_PS_tx_full], nb_rx - nb_tx);
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

	WF_LOG(INFO, "worker on lcore %u polls %u queue(s)\n", w->lcore_id,
		w->nb_tasks);
	while (!__atomic_load_n(&wf.quit, __ATOMIC_ACQUIRE)) {
		/* epoch first: seeing a new epoch means seeing its state */
		uint32_t epoch = __atomic_load_n(&wf.fwd_epoch, __ATOMIC_ACQUIRE);

		wf_stat_add(&st->loops, 1);
		if (unlikely(!__atomic_load_n(&wf.forwarding,
				__ATOMIC_RELAXED))) {
			__atomic_store_n(&w->seen_epoch, epoch, __ATOMIC_RELEASE);
			rte_delay_us_sleep(1000);
			continue;
		}
		got = 0;
		for (i = 0; i < w->nb_tasks; i++)
			got += worker_forward(&w->task[i], st);
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
	return 0;
}
