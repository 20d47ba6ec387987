/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WIREFAULT_H
#define WIREFAULT_H

/*
 * The application's shared state: options, ports, workers and the flags
 * the control lcore uses to steer them. Everything here is written by the
 * control lcore before launch and read-only afterwards, except the flags
 * (atomics) and the per-worker counters (one writer each).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_config.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include <poll.h>

#include "wf_action.h"
#include "wf_flow.h"
#include "wf_reply.h"
#include "wf_rule.h"
#include "wf_stats.h"
#include "wf_tcp.h"

extern int wf_logtype_app;
#define WF_LOG(level, ...) \
	rte_log(RTE_LOG_ ## level, wf_logtype_app, "wirefault: " __VA_ARGS__)

#define WF_BURST 32
#define WF_PORT_NONE UINT16_MAX
#define WF_MAX_TASKS 16           /* (rx queue -> tx queue) jobs per worker */
#define WF_EXIT_USAGE 2           /* bad option or bad start-up input */

/* Options after "--". */
struct wf_options {
	bool interactive;              /* -i */
	const char *cmd_file;          /* -f FILE */
	uint16_t mirror_port;          /* --mirror-port, WF_PORT_NONE if unset */
	uint64_t flows;                /* --flows: flow table capacity */
	bool malformed_drop;           /* --malformed drop */
	bool pickup_loose;             /* --pickup loose (default) */
	uint32_t timeout_s[WF_TCP_STATE_MAX]; /* --timeout STATE=S */
	uint64_t stats_period;         /* --stats-period SECONDS, 0 = off */
	uint16_t nb_queues;            /* --queues, 0 = derived from workers */
	uint16_t nb_rxd, nb_txd;       /* --rxd, --txd */
	uint32_t nb_mbufs;             /* --mbufs, 0 = formula */
	uint16_t mbuf_size;            /* --mbuf-size (data room) */
	uint32_t idle_sleep_us;        /* --idle-sleep, 0 = pure polling */
};

struct wf_port {
	bool used;
	bool is_mirror;
	uint16_t peer;                 /* the other port of the pair */
	uint16_t nb_rxq, nb_txq;
	uint16_t nb_rxd, nb_txd;
	int socket;
	uint8_t mac[6];                /* the port's own MAC (ARP answers) */
	struct rte_mempool *pool;
	/* control lcore only: the previous sample, for rates */
	uint64_t prev_ipackets, prev_opackets, prev_ibytes, prev_obytes;
	uint64_t prev_tsc;
};

/* One job of a worker: poll one RX queue, send to one TX queue. */
struct wf_task {
	uint16_t rx_port, rx_queue;
	uint16_t tx_port, tx_queue;
};

struct wf_worker {
	unsigned int lcore_id;
	unsigned int index;            /* into wf.stats */
	unsigned int nb_tasks;
	struct wf_task task[WF_MAX_TASKS];
	uint32_t seen_epoch;           /* atomic: last wf.fwd_epoch acted on */
} __rte_cache_aligned;

struct wf_app {
	struct wf_options opt;
	uint16_t nb_ports;
	struct wf_port port[RTE_MAX_ETHPORTS];
	struct rte_mempool *pools[RTE_MAX_NUMA_NODES];
	unsigned int nb_workers;
	struct wf_worker worker[RTE_MAX_LCORE];
	struct wf_worker_stats *stats;  /* nb_workers blocks */
	struct wf_port_counters stats_base[RTE_MAX_ETHPORTS]; /* "clear stats" */
	uint64_t busy_base[RTE_MAX_LCORE][2]; /* "clear stats": cycles, pkts */
	bool launched;
	uint32_t ready;                /* atomic: ports up, telemetry may read */
	uint32_t forwarding;           /* atomic: workers move packets */
	uint32_t fwd_epoch;            /* atomic: bumped on each start/stop */
	uint32_t quit;                 /* atomic: workers leave their loop */
	/* connection tracking */
	struct wf_flow_table *flows;
	struct rte_rcu_qsbr *qsv;      /* workers report quiescent per loop */
	struct wf_flow_timeouts timeouts; /* atomic per field: "set timeout" */
	uint32_t malformed_drop;       /* atomic: "set malformed" */
	uint32_t pickup_loose;         /* atomic: "set pickup" */
	uint64_t tsc_hz;               /* atomic: measured, refined each second */
	uint64_t tsc_us_mult;          /* atomic: TSC -> us, (dt * mult) >> 32 */
	uint64_t tsc0;                 /* TSC at start-up: time 0 of our us ... */
	uint64_t unix0_us;             /* ... and the wall clock then */
	uint64_t mono0_ns;             /* ... and CLOCK_MONOTONIC_RAW then */
	/* rules */
	struct wf_ruleset *rules;      /* atomic: the set in force */
	struct rte_mempool *log_pool;  /* copies for "action log" */
	struct rte_ring *log_ring;     /* workers -> control lcore */
	struct rte_mempool *mirror_pool; /* copies for "action mirror" */
	/* load balancing: set once, by the first lb rule (lb.c) */
	uint32_t lb_active;            /* atomic: the NAT table exists */
};

/* A rule's per-worker state, a cache line each: one writer per line. */
struct wf_rule_wstate {
	struct wf_act_worker a;
} __rte_cache_aligned;

/* A rule in force: its parsed form, fixed once added, and its counters. */
struct wf_rule_rt {
	struct wf_rule r;
	uint32_t id;               /* 1, 2, ...: never reused */
	int log_file;              /* WF_ACT_LOG: index of its pcap, else -1 */
	uint64_t expire_at;        /* timer cycles, 0: never */
	uint32_t stamp;            /* control lcore: list membership marks */
	struct wf_rule_wstate *w;  /* one per worker */
	struct wf_lb_rt *lb;       /* WF_ACT_LB: backends and their state */
};

/*
 * What the workers evaluate: an immutable, versioned array of rules in
 * order. A change builds a new set and publishes it; the old one is freed
 * after every worker has passed a quiescent point.
 */
struct wf_ruleset {
	uint32_t version;          /* >= 1; flows cache per version */
	uint32_t nb_lb;            /* lb rules among them */
	uint32_t nb;
	struct wf_rule_prefilter pf;  /* the packet parts of rule[0..63] */
	/*
	 * rule[WF_RULES_CACHED..nb) compiled with rte_acl (atomic; NULL
	 * until the control lcore has built it, a moment after the set
	 * stopped changing): workers check those rules one by one till then.
	 */
	struct wf_rule_acl *acl;
	bool acl_tried;               /* control lcore: built or failed */
	struct wf_rule_rt *rule[];
};

/* Rules whose flow part each flow caches a bit of; the rest: acl. */
#define WF_RULES_CACHED 63

extern struct wf_app wf;

/*
 * Microseconds since start-up of a TSC value, without a division on the
 * hot path. Relative to start-up so that refining the rate moves recent
 * times by microseconds, not by the whole uptime.
 */
static inline uint64_t
wf_tsc_to_us(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)(tsc - wf.tsc0) *
			__atomic_load_n(&wf.tsc_us_mult, __ATOMIC_RELAXED)) >> 32);
}

/* options.c */
int wf_options_parse(int argc, char **argv, struct wf_options *opt);
void wf_options_usage(const char *prog);

/* ports.c */
int wf_ports_init(void);
/* Stop and close the ports; the mbufs the pools miss (leaked). */
unsigned int wf_ports_close(void);
const char *wf_port_role(uint16_t port_id);

/* worker.c */
int wf_worker_main(void *arg);
void wf_workers_assign(void);
void wf_forwarding_set(bool on);

/* flows.c */
/* 0 when @p v is @p w0, 1 when it is @p w1, -1 otherwise ("pass|drop"). */
int wf_word_choice(const char *v, const char *w0, const char *w1);
void wf_flow_timeouts_default(uint32_t timeout_s[WF_TCP_STATE_MAX]);
int wf_flow_timeout_parse(const char *state, const char *seconds,
		uint32_t timeout_s[WF_TCP_STATE_MAX], char *err, size_t err_len);
int wf_flows_init(void);
void wf_flows_tick(void);
int wf_flows_thread_register(unsigned int worker_index);
void wf_cmd_show_tcp_states(struct wf_reply *r);
int wf_cmd_show_flows(int argc, char **argv, struct wf_reply *r);
int wf_cmd_set(int argc, char **argv, struct wf_reply *r);
struct rte_tel_data;
int wf_tel_tcp_states(struct rte_tel_data *d);
int wf_tel_flows(const char *params, struct rte_tel_data *d);

/* cmdfile.c: run each line of a command file through @p fn */
typedef int (*wf_cmd_line_fn)(const char *line, struct wf_reply *r,
		void *ctx);
int wf_cmd_file_run(const char *path, wf_cmd_line_fn fn, void *ctx,
		struct wf_reply *r, unsigned int *nb_lines);

/* rules.c */
int wf_rules_init(void);
void wf_rules_tick(void);
void wf_rules_begin(void);
int wf_rules_commit(struct wf_reply *r);
void wf_rules_abort(void);
int wf_cmd_rule(int argc, char **argv, struct wf_reply *r, const char *verb);
int wf_cmd_show_rules(struct wf_reply *r);
int wf_cmd_deadman(const char *arg, struct wf_reply *r);
int wf_tel_rules(const char *params, struct rte_tel_data *d);

/* logs.c: "action log" copies, written to pcap files by the control lcore */
int wf_log_init(void);
int wf_log_file_open(const char *path, char *err, size_t err_len);
void wf_log_file_put(int file);
void wf_log_drain(void);
void wf_log_close(void);

/* lb.c: load balancing (DNAT, SNAT, ARP/ND for VIPs), see lb.h */
struct wf_lb_rt;

/* mirror.c */
int wf_mirror_init(void);
int wf_mirror_check(const struct wf_action *a, char *err, size_t err_len);

/* commands.c */
int wf_command(const char *line, struct wf_reply *r);
unsigned int wf_command_candidates(const char *line, const char **cand,
		size_t *cand_len, unsigned int max, size_t *prefix_len);
void wf_print_final_stats(void);
void wf_stats_period_tick(void);

/* console.c */
int wf_console_open(void);
int wf_console_fd(void);
void wf_console_input(void);
void wf_console_close(void);
void wf_console_print(const char *text);

/* ctlsock.c */
int wf_ctlsock_open(void);
void wf_ctlsock_close(void);
unsigned int wf_ctlsock_pollfds(struct pollfd *fds, unsigned int max);
void wf_ctlsock_handle(const struct pollfd *fds, unsigned int nb);

/* telemetry.c */
int wf_telemetry_register(void);

/* main.c */
void wf_request_quit(void);
bool wf_quit_requested(void);

#endif /* WIREFAULT_H */
