/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The console's commands, as a table for the command model. Handlers
 * unpack words and call the model; they never see the console, the socket
 * or the file that brought the line.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "fault.h"
#include "wf_cmd.h"
#include "wf_num.h"
#include "wirefault.h"

static const struct wf_cmd *command_table(unsigned int *nb);

/* "all" or a port id; fills @p first / @p last. */
static int
parse_port_sel(const char *word, uint16_t *first, uint16_t *last,
		struct wf_reply *r)
{
	uint64_t v;

	if (strcmp(word, "all") == 0) {
		*first = 0;
		*last = RTE_MAX_ETHPORTS - 1;
		return 0;
	}
	if (wf_num_u64(word, 0, RTE_MAX_ETHPORTS - 1, &v) != 0 ||
			!rte_eth_dev_is_valid_port((uint16_t)v)) {
		wf_reply_printf(r, "'%s' is not a port (all, or 0-%u)\n",
				word, wf.nb_ports > 0 ? wf.nb_ports - 1 : 0);
		return -EINVAL;
	}
	*first = *last = (uint16_t)v;
	return 0;
}

static int
cmd_start(int argc __rte_unused, char **argv __rte_unused,
		struct wf_reply *r, void *ctx __rte_unused)
{
	if (__atomic_load_n(&wf.forwarding, __ATOMIC_ACQUIRE)) {
		wf_reply_printf(r, "forwarding already started\n");
		return 0;
	}
	wf_forwarding_set(true);
	wf_reply_printf(r, "forwarding started\n");
	return 0;
}

static void show_stats(struct wf_reply *r);

static int
cmd_stop(int argc __rte_unused, char **argv __rte_unused,
		struct wf_reply *r, void *ctx __rte_unused)
{
	if (!__atomic_load_n(&wf.forwarding, __ATOMIC_ACQUIRE)) {
		wf_reply_printf(r, "forwarding already stopped\n");
		return 0;
	}
	wf_forwarding_set(false);
	wf_reply_printf(r, "forwarding stopped\n");
	show_stats(r);
	return 0;
}

/* Packets and bits per second since the previous sample of this port. */
static void
port_rates(struct wf_port *p, const struct rte_eth_stats *s, double *rx_pps,
		double *tx_pps, double *rx_bps, double *tx_bps)
{
	uint64_t now = rte_get_timer_cycles();
	double secs = 0;

	if (p->prev_tsc != 0 && now > p->prev_tsc)
		secs = (double)(now - p->prev_tsc) / (double)rte_get_timer_hz();
	*rx_pps = *tx_pps = *rx_bps = *tx_bps = 0;
	if (secs > 0) {
		*rx_pps = (double)(s->ipackets - p->prev_ipackets) / secs;
		*tx_pps = (double)(s->opackets - p->prev_opackets) / secs;
		*rx_bps = (double)(s->ibytes - p->prev_ibytes) * 8 / secs;
		*tx_bps = (double)(s->obytes - p->prev_obytes) * 8 / secs;
	}
	p->prev_ipackets = s->ipackets;
	p->prev_opackets = s->opackets;
	p->prev_ibytes = s->ibytes;
	p->prev_obytes = s->obytes;
	p->prev_tsc = now;
}

static void
show_port_stats(uint16_t pid, struct wf_reply *r)
{
	struct rte_eth_stats s;
	double rx_pps, tx_pps, rx_bps, tx_bps;
	int ret;

	ret = rte_eth_stats_get(pid, &s);
	if (ret != 0) {
		wf_reply_printf(r, "port %u: statistics unavailable: %s\n", pid,
				rte_strerror(-ret));
		return;
	}
	port_rates(&wf.port[pid], &s, &rx_pps, &tx_pps, &rx_bps, &tx_bps);
	wf_reply_printf(r,
		"  ######################## NIC statistics for port %-2u "
		"#######################\n"
		"  RX-packets: %-14" PRIu64 " RX-missed: %-14" PRIu64
		" RX-bytes:  %" PRIu64 "\n"
		"  RX-errors: %" PRIu64 "\n"
		"  RX-nombuf:  %-14" PRIu64 "\n"
		"  TX-packets: %-14" PRIu64 " TX-errors: %-14" PRIu64
		" TX-bytes:  %" PRIu64 "\n\n"
		"  Throughput (since last show)\n"
		"  Rx-pps: %14.0f          Rx-bps: %14.0f\n"
		"  Tx-pps: %14.0f          Tx-bps: %14.0f\n"
		"  ####################################################"
		"########################\n",
		pid, s.ipackets, s.imissed, s.ibytes, s.ierrors, s.rx_nombuf,
		s.opackets, s.oerrors, s.obytes,
		rx_pps, rx_bps, tx_pps, tx_bps);
}

static int
cmd_show_port_stats(int argc __rte_unused, char **argv, struct wf_reply *r,
		void *ctx __rte_unused)
{
	uint16_t first, last, pid;

	if (parse_port_sel(argv[0], &first, &last, r) != 0)
		return -EINVAL;
	RTE_ETH_FOREACH_DEV(pid)
		if (pid >= first && pid <= last)
			show_port_stats(pid, r);
	return 0;
}

static int
cmd_clear_port_stats(int argc __rte_unused, char **argv, struct wf_reply *r,
		void *ctx __rte_unused)
{
	uint16_t first, last, pid;
	int ret;

	if (parse_port_sel(argv[0], &first, &last, r) != 0)
		return -EINVAL;
	RTE_ETH_FOREACH_DEV(pid) {
		if (pid < first || pid > last)
			continue;
		ret = rte_eth_stats_reset(pid);
		if (ret != 0) {
			wf_reply_printf(r, "port %u: %s\n", pid,
					rte_strerror(-ret));
			continue;
		}
		wf.port[pid].prev_tsc = 0;
		wf_reply_printf(r, "NIC statistics for port %u cleared\n", pid);
	}
	return 0;
}

/* Our counters of one port since the last "clear stats". */
static void
port_counters(uint16_t pid, struct wf_port_counters *out)
{
	struct wf_port_counters now;

	wf_stats_sum_port(wf.stats, wf.nb_workers, pid, &now);
	wf_stats_diff(&now, &wf.stats_base[pid], out);
}

/*
 * What the packet checks and the tracker saw, outside the accounting:
 * every non-zero informational counter, one per line.
 */
static void
show_stats_seen(struct wf_reply *r)
{
	struct wf_port_counters pc;
	bool title = false;
	uint16_t pid;
	unsigned int i;

	RTE_ETH_FOREACH_DEV(pid) {
		const struct wf_port *p = &wf.port[pid];

		if (p->is_mirror)
			continue;
		port_counters(pid, &pc);
		for (i = 0; i < WF_PS_MAX; i++) {
			if (wf_port_stat_desc[i].kind != WF_STAT_INFO ||
					pc.c[i] == 0)
				continue;
			if (!title)
				wf_reply_printf(r, "seen (not in the accounting):\n");
			title = true;
			wf_reply_printf(r, "  %2u->%-2u %-26s %14" PRIu64 "  %s\n",
					pid, p->peer, wf_port_stat_desc[i].name,
					pc.c[i], wf_port_stat_desc[i].desc);
		}
	}
}

static void
show_stats(struct wf_reply *r)
{
	struct wf_port_counters pc;
	uint16_t pid, dir[2];
	unsigned int i, d;

	wf_reply_printf(r, "forwarding %s, %u worker(s)\n",
			__atomic_load_n(&wf.forwarding, __ATOMIC_ACQUIRE) ?
			"started" : "stopped", wf.nb_workers);
	for (i = 0; i < wf.nb_workers; i++) {
		uint64_t cyc = wf_stat_read(&wf.stats[i].busy_cycles) -
			wf.busy_base[i][0];
		uint64_t pkts = wf_stat_read(&wf.stats[i].busy_pkts) -
			wf.busy_base[i][1];

		wf_reply_printf(r, "  lcore %u: %" PRIu64 " packets, %" PRIu64
				" busy cycles, %.1f cycles/packet\n",
				wf.worker[i].lcore_id, pkts, cyc,
				pkts != 0 ? (double)cyc / (double)pkts : 0.0);
	}
	RTE_ETH_FOREACH_DEV(pid) {
		const struct wf_port *p = &wf.port[pid];

		if (p->is_mirror || pid > p->peer)
			continue;
		wf_reply_printf(r, "pair %u<->%u %*s%14s", pid, p->peer,
				pid < 10 && p->peer < 10 ? 2 : 0, "", "drops");
		for (i = 0; i < WF_PS_MAX; i++)
			if (wf_port_stat_desc[i].kind != WF_STAT_INFO)
				wf_reply_printf(r, " %14s",
						wf_port_stat_desc[i].name);
		wf_reply_printf(r, "\n");
		dir[0] = pid;
		dir[1] = p->peer;
		for (d = 0; d < 2; d++) {
			port_counters(dir[d], &pc);
			wf_reply_printf(r, "  %2u->%-2u %s %14" PRIu64,
					dir[d], wf.port[dir[d]].peer,
					wf_stats_balanced(&pc) ? "  " : " !",
					wf_stats_drops(&pc));
			for (i = 0; i < WF_PS_MAX; i++)
				if (wf_port_stat_desc[i].kind != WF_STAT_INFO)
					wf_reply_printf(r, " %14" PRIu64, pc.c[i]);
			wf_reply_printf(r, "\n");
		}
	}
	show_stats_seen(r);
}

static int
cmd_show_stats(int argc __rte_unused, char **argv __rte_unused,
		struct wf_reply *r, void *ctx __rte_unused)
{
	show_stats(r);
	return 0;
}

static int
cmd_clear_stats(int argc __rte_unused, char **argv __rte_unused,
		struct wf_reply *r, void *ctx __rte_unused)
{
	unsigned int i;
	uint16_t pid;

	RTE_ETH_FOREACH_DEV(pid)
		wf_stats_sum_port(wf.stats, wf.nb_workers, pid,
				&wf.stats_base[pid]);
	for (i = 0; i < wf.nb_workers; i++) {
		wf.busy_base[i][0] = wf_stat_read(&wf.stats[i].busy_cycles);
		wf.busy_base[i][1] = wf_stat_read(&wf.stats[i].busy_pkts);
	}
	wf_reply_printf(r, "statistics cleared\n");
	return 0;
}

static int
cmd_help(int argc __rte_unused, char **argv __rte_unused,
		struct wf_reply *r, void *ctx __rte_unused)
{
	const struct wf_cmd *table;
	unsigned int nb;

	table = command_table(&nb);
	wf_reply_printf(r, "commands:\n");
	wf_cmd_help(table, nb, r);
	return 0;
}

static int
cmd_quit(int argc __rte_unused, char **argv __rte_unused,
		struct wf_reply *r, void *ctx __rte_unused)
{
	wf_request_quit();
	wf_reply_printf(r, "quitting\n");
	return 0;
}

static int
cmd_show_tcp_states(int argc __rte_unused, char **argv __rte_unused,
		struct wf_reply *r, void *ctx __rte_unused)
{
	wf_cmd_show_tcp_states(r);
	return 0;
}

static int
cmd_show_flows(int argc, char **argv, struct wf_reply *r,
		void *ctx __rte_unused)
{
	return wf_cmd_show_flows(argc, argv, r);
}

/*
 * "set malformed X", "set pickup X", "set timeout S N": the word after
 * "set" is the setting, so hand it over with its values.
 */
static int
cmd_set(int argc, char **argv, struct wf_reply *r, void *ctx __rte_unused)
{
	return wf_cmd_set(argc + 1, argv - 1, r);
}

/* "rule add|del|flush|load ...": the verb is the word before argv. */
static int
cmd_rule(int argc, char **argv, struct wf_reply *r, void *ctx __rte_unused)
{
	return wf_cmd_rule(argc, argv, r, argv[-1]);
}

static int
cmd_show_rules(int argc __rte_unused, char **argv __rte_unused,
		struct wf_reply *r, void *ctx __rte_unused)
{
	return wf_cmd_show_rules(r);
}

static int
cmd_deadman(int argc __rte_unused, char **argv, struct wf_reply *r,
		void *ctx __rte_unused)
{
	return wf_cmd_deadman(argv[0], r);
}

static int
cmd_show_settings(int argc __rte_unused, char **argv __rte_unused,
		struct wf_reply *r, void *ctx __rte_unused)
{
	unsigned int s;

	wf_reply_printf(r, "malformed packets   %s\n",
			__atomic_load_n(&wf.malformed_drop, __ATOMIC_RELAXED) ?
			"drop" : "pass");
	wf_reply_printf(r, "mid-stream pickup   %s\n",
			__atomic_load_n(&wf.pickup_loose, __ATOMIC_RELAXED) ?
			"loose" : "strict");
	wf_reply_printf(r, "flow table          %u flows, %" PRIu64 " bytes\n",
			wf_flow_capacity(wf.flows),
			wf_flow_table_memory(wf.flows));
	for (s = WF_TCP_NONE + 1; s < WF_TCP_STATE_MAX; s++)
		wf_reply_printf(r, "timeout %-11s %u s\n", wf_tcp_state_name(s),
				wf.opt.timeout_s[s]);
	return 0;
}

#ifdef WF_FAULT_INJECTION
static int
cmd_fault(int argc, char **argv, struct wf_reply *r, void *ctx __rte_unused)
{
	return wf_cmd_fault(argc, argv, r);
}
#endif

static const struct wf_cmd commands[] = {
	{ "start", "", "start forwarding", 0, 0, cmd_start },
	{ "stop", "", "stop forwarding and show the statistics",
		0, 0, cmd_stop },
	{ "show port stats", "all|PORT",
		"NIC packets, bytes, errors, missed and rates since last show",
		1, 1, cmd_show_port_stats },
	{ "clear port stats", "all|PORT", "reset NIC statistics",
		1, 1, cmd_clear_port_stats },
	{ "show stats", "",
		"per pair and direction: rx, tx and each drop reason",
		0, 0, cmd_show_stats },
	{ "clear stats", "", "restart the 'show stats' counters from zero",
		0, 0, cmd_clear_stats },
	{ "show tcp states", "",
		"connections per TCP state, and the queue-overflow symptoms",
		0, 0, cmd_show_tcp_states },
	{ "show flows", "[N] [sort busiest|newest] [state S] [addr IP] [port P]",
		"the N (20) newest or busiest connections matching the filters",
		0, 9, cmd_show_flows },
	{ "set malformed", "pass|drop",
		"forward malformed IP/TCP untouched, or drop it (counted)",
		1, 1, cmd_set },
	{ "set pickup", "loose|strict",
		"track connections first seen mid-stream, or only from a SYN",
		1, 1, cmd_set },
	{ "set timeout", "STATE SECONDS",
		"idle timeout of connections in a TCP state", 2, 2, cmd_set },
	{ "rule add",
		"[name NAME] MATCH... action ACTION [ARGS] [expire S] [seed N]",
		"add a rule at the end of the set (see the README's rule reference)",
		2, WF_CMD_WORDS_MAX - 2, cmd_rule },
	{ "rule del", "NAME|ID", "delete a rule", 1, 1, cmd_rule },
	{ "rule flush", "", "delete every rule", 0, 0, cmd_rule },
	{ "rule load", "FILE",
		"replace every rule with a file's rule lines, all or nothing",
		1, 1, cmd_rule },
	{ "show rules", "", "the rules in order, with matched and acted counts",
		0, 0, cmd_show_rules },
	{ "deadman", "SECONDS|confirm|off",
		"flush every rule unless confirmed within SECONDS",
		1, 1, cmd_deadman },
	{ "show settings", "", "tracking settings and table size",
		0, 0, cmd_show_settings },
#ifdef WF_FAULT_INJECTION
	{ "fault", "show|tx PCT|flow-insert PCT|alloc N|hold N [mirror]|release|off",
		"inject faults (fault-injection builds only)", 1, 3, cmd_fault },
#endif
	{ "help", "", "this list", 0, 0, cmd_help },
	{ "quit", "", "stop, print final statistics and exit", 0, 0, cmd_quit },
};

static const struct wf_cmd *
command_table(unsigned int *nb)
{
	*nb = RTE_DIM(commands);
	return commands;
}

int
wf_command(const char *line, struct wf_reply *r)
{
	return wf_cmd_exec(commands, RTE_DIM(commands), line, r, NULL);
}

unsigned int
wf_command_candidates(const char *line, const char **cand, size_t *cand_len,
		unsigned int max, size_t *prefix_len)
{
	return wf_cmd_candidates(commands, RTE_DIM(commands), line, cand,
			cand_len, max, prefix_len);
}

void
wf_print_final_stats(void)
{
	struct wf_reply r;
	uint16_t pid;

	wf_reply_init(&r);
	wf_reply_printf(&r, "\nfinal statistics\n");
	show_stats(&r);
	RTE_ETH_FOREACH_DEV(pid)
		show_port_stats(pid, &r);
	fputs(wf_reply_text(&r), stdout);
	fflush(stdout);
	wf_reply_free(&r);
}

void
wf_stats_period_tick(void)
{
	static uint64_t next;
	uint64_t now = rte_get_timer_cycles();
	struct wf_reply r;
	uint16_t pid;

	if (wf.opt.stats_period == 0)
		return;
	if (next == 0)
		next = now + wf.opt.stats_period * rte_get_timer_hz();
	if (now < next)
		return;
	next = now + wf.opt.stats_period * rte_get_timer_hz();
	wf_reply_init(&r);
	RTE_ETH_FOREACH_DEV(pid)
		show_port_stats(pid, &r);
	wf_console_print(wf_reply_text(&r));
	wf_reply_free(&r);
}
