/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * Connection tracking on the control lcore: the flow table's creation,
 * its aging and reclamation tick, the tracking settings, and the census
 * (show tcp states, show flows and their telemetry). The control lcore
 * and telemetry threads only read flow entries; workers own them.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_telemetry.h>

#include "wf_num.h"
#include "wf_tel_params.h"
#include "lb.h"
#include "wirefault.h"

#define AGE_PERIOD_MS 50          /* aging tick */
#define AGE_SLICES 20             /* a full table scan takes 20 ticks */
#define SHOW_FLOWS_DEFAULT 20
#define SHOW_FLOWS_MAX 1000
#define TEL_FLOWS_DEFAULT 16
#define TEL_FLOWS_MAX 32

int
wf_word_choice(const char *v, const char *w0, const char *w1)
{
	if (strcmp(v, w0) == 0)
		return 0;
	return strcmp(v, w1) == 0 ? 1 : -1;
}

/* netfilter's defaults (nf_conntrack_proto_tcp.c), in seconds */
void
wf_flow_timeouts_default(uint32_t timeout_s[WF_TCP_STATE_MAX])
{
	timeout_s[WF_TCP_NONE] = 10;
	timeout_s[WF_TCP_SYN_SENT] = 120;
	timeout_s[WF_TCP_SYN_RECV] = 60;
	timeout_s[WF_TCP_ESTABLISHED] = 5 * 24 * 3600;
	timeout_s[WF_TCP_FIN_WAIT] = 120;
	timeout_s[WF_TCP_CLOSE_WAIT] = 60;
	timeout_s[WF_TCP_LAST_ACK] = 30;
	timeout_s[WF_TCP_TIME_WAIT] = 120;
	timeout_s[WF_TCP_CLOSED] = 10;
}

int
wf_flow_timeout_parse(const char *state, const char *seconds,
		uint32_t timeout_s[WF_TCP_STATE_MAX], char *err, size_t err_len)
{
	int s = wf_tcp_state_parse(state);
	uint64_t v;

	if (s <= WF_TCP_NONE || s >= WF_TCP_STATE_MAX) {
		snprintf(err, err_len, "'%s' is not a TCP state (SYN_SENT, "
			"SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT, LAST_ACK, "
			"TIME_WAIT, CLOSED)", state);
		return -EINVAL;
	}
	if (wf_num_u64(seconds, 1, 30 * 24 * 3600, &v) != 0) {
		snprintf(err, err_len, "%s: '%s' is not a number of seconds "
			"(1-2592000)", wf_tcp_state_name(s), seconds);
		return -EINVAL;
	}
	timeout_s[s] = (uint32_t)v;
	return 0;
}

static void
timeouts_apply(const uint32_t timeout_s[WF_TCP_STATE_MAX])
{
	unsigned int s;

	for (s = 0; s < WF_TCP_STATE_MAX; s++)
		__atomic_store_n(&wf.timeouts.tsc[s],
				(uint64_t)timeout_s[s] * wf.tsc_hz,
				__ATOMIC_RELAXED);
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
tsc_rate_set(uint64_t hz)
{
	__atomic_store_n(&wf.tsc_hz, hz, __ATOMIC_RELAXED);
	__atomic_store_n(&wf.tsc_us_mult, (UINT64_C(1000000) << 32) / hz,
			__ATOMIC_RELAXED);
}

/*
 * The TSC rate, measured against CLOCK_MONOTONIC_RAW since start-up.
 * rte_get_tsc_hz() may be a nominal figure: on this project's VM it says
 * 2100 MHz for a TSC that runs at 2096.027, which put a client's 7 s SYN
 * backoff 13 ms off. The longer the baseline, the better the figure.
 */
static void
tsc_rate_measure(void)
{
	uint64_t tsc = rte_rdtsc(), ns = mono_ns() - wf.mono0_ns;

	if (ns < 10000000)
		return;
	tsc_rate_set((uint64_t)((unsigned __int128)(tsc - wf.tsc0) *
			1000000000 / ns));
	timeouts_apply(wf.opt.timeout_s);
}

int
wf_flows_init(void)
{
	struct wf_flow_params fp = { 0 };
	struct timespec ts;
	uint32_t seed;
	size_t sz;

	clock_gettime(CLOCK_REALTIME, &ts);
	wf.tsc0 = rte_rdtsc();
	wf.mono0_ns = mono_ns();
	wf.unix0_us = (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	tsc_rate_set(rte_get_tsc_hz());
	/* a first measurement now; wf_flows_tick refines it every second */
	rte_delay_us_sleep(50000);
	tsc_rate_measure();

	sz = rte_rcu_qsbr_get_memsize(wf.nb_workers);
	wf.qsv = rte_zmalloc("wf_qsv", sz, RTE_CACHE_LINE_SIZE);
	if (wf.qsv == NULL || rte_rcu_qsbr_init(wf.qsv, wf.nb_workers) != 0) {
		fprintf(stderr, "wirefault: no memory for the RCU variable\n");
		return -ENOMEM;
	}
	/* an unpredictable seed: crafted collisions must not be plannable */
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint32_t)rte_rdtsc();
	fp.name = "wf_flows";
	fp.capacity = (uint32_t)wf.opt.flows;
	fp.socket_id = (int)rte_socket_id();
	fp.seed = seed;
	fp.qsv = wf.qsv;
	/* a load-balanced connection's mapping dies with its flow */
	fp.on_delete = wf_lb_flow_deleted;
	wf.flows = wf_flow_table_create(&fp);
	if (wf.flows == NULL) {
		fprintf(stderr, "wirefault: cannot create a flow table of %" PRIu64
			" flows: %s\n", wf.opt.flows, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	timeouts_apply(wf.opt.timeout_s);
	wf.malformed_drop = wf.opt.malformed_drop;
	wf.pickup_loose = wf.opt.pickup_loose;
	WF_LOG(INFO, "flow table: %u flows, %" PRIu64 " bytes (%" PRIu64
		" per flow)\n", wf_flow_capacity(wf.flows),
		wf_flow_table_memory(wf.flows),
		wf_flow_table_memory(wf.flows) / wf_flow_capacity(wf.flows));
	return 0;
}

int
wf_flows_thread_register(unsigned int worker_index)
{
	if (rte_rcu_qsbr_thread_register(wf.qsv, worker_index) != 0)
		return -1;
	rte_rcu_qsbr_thread_online(wf.qsv, worker_index);
	return 0;
}

/* A tracking counter summed over all ports and workers. */
static uint64_t
port_counter_total(enum wf_port_stat which)
{
	struct wf_port_counters pc;
	uint64_t sum = 0;
	uint16_t pid;

	for (pid = 0; pid < RTE_MAX_ETHPORTS; pid++) {
		if (!wf.port[pid].used)
			continue;
		wf_stats_sum_port(wf.stats, wf.nb_workers, pid, &pc);
		sum += pc.c[which];
	}
	return sum;
}

/*
 * Age a slice of the table, make room when it is (nearly) full, and give
 * back the slots whose grace period is over.
 */
void
wf_flows_tick(void)
{
	static uint64_t next_tsc, last_full;
	uint64_t now = rte_rdtsc(), full;
	uint32_t cap, count;
	bool make_room;

	static uint64_t next_rate_tsc;

	if (wf.flows == NULL || now < next_tsc)
		return;
	next_tsc = now + wf.tsc_hz * AGE_PERIOD_MS / 1000;
	if (now >= next_rate_tsc) {
		tsc_rate_measure();
		next_rate_tsc = now + wf.tsc_hz;
	}
	wf_flow_reclaim(wf.flows);
	cap = wf_flow_capacity(wf.flows);
	count = wf_flow_count(wf.flows);
	full = port_counter_total(WF_PS_flow_table_full);
	make_room = full != last_full || count >= cap - cap / 16;
	last_full = full;
	wf_flow_age(wf.flows, now, &wf.timeouts,
			wf_flow_max_pos(wf.flows) / AGE_SLICES + 1,
			make_room, cap / 64 + 1);
	wf_flow_reclaim(wf.flows);
}

/* The census: live entries per state. Returns the total. */
static uint64_t
census(uint64_t per_state[WF_TCP_STATE_MAX])
{
	uint32_t pos, max = wf_flow_max_pos(wf.flows);
	uint64_t total = 0;

	memset(per_state, 0, sizeof(uint64_t) * WF_TCP_STATE_MAX);
	for (pos = 0; pos < max; pos++) {
		const struct wf_flow *f = wf_flow_at(wf.flows, pos);
		uint8_t s;

		if (!__atomic_load_n(&f->in_use, __ATOMIC_ACQUIRE))
			continue;
		s = __atomic_load_n(&f->tcp.state, __ATOMIC_RELAXED);
		if (s < WF_TCP_STATE_MAX)
			per_state[s]++;
		total++;
	}
	return total;
}

void
wf_cmd_show_tcp_states(struct wf_reply *r)
{
	uint64_t per_state[WF_TCP_STATE_MAX], total;
	unsigned int s;

	total = census(per_state);
	wf_reply_printf(r, "tcp states: %" PRIu64 " connections tracked, "
			"table capacity %u\n", total, wf_flow_capacity(wf.flows));
	for (s = WF_TCP_NONE + 1; s < WF_TCP_STATE_MAX; s++)
		wf_reply_printf(r, "%-32s %" PRIu64 "\n",
				wf_tcp_state_name(s), per_state[s]);
	wf_reply_printf(r, "%-32s %" PRIu64 "\n", "syn_unanswered",
			port_counter_total(WF_PS_syn_unanswered));
	wf_reply_printf(r, "%-32s %" PRIu64 "\n", "synack_retrans_after_data",
			port_counter_total(WF_PS_synack_retrans_after_data));
}

/* "198.18.0.1:80" or "[2001:2::1]:80" for endpoint @p side of @p k. */
static void
endpoint_str(const struct wf_flow_key *k, unsigned int side, char *buf,
		size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (k->family == 4) {
		inet_ntop(AF_INET, k->addr[side], ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, k->port[side]);
	} else {
		inet_ntop(AF_INET6, k->addr[side], ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, k->port[side]);
	}
}

/* A snapshot of one flow, taken without stopping its worker. */
struct flow_view {
	int32_t pos;
	struct wf_flow_key key;
	struct wf_flow f;
};

static bool
flow_snapshot(int32_t pos, struct flow_view *v)
{
	const struct wf_flow_key *k = wf_flow_key_at(wf.flows, pos);

	if (k == NULL)
		return false;
	v->pos = pos;
	memcpy(&v->key, k, sizeof(v->key));
	memcpy(&v->f, wf_flow_at(wf.flows, pos), sizeof(v->f));
	return v->f.orig_side <= 1;
}

/* "0,1001.234,3005.678" in milliseconds, or "-". */
static void
syn_times_str(const struct wf_tcp_conn *c, char *buf, size_t len,
		bool micro)
{
	unsigned int i, n = RTE_MIN((unsigned int)c->syn_count,
			(unsigned int)WF_TCP_SYN_TIMES);
	size_t off = 0;

	if (n == 0) {
		snprintf(buf, len, micro ? "" : "-");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		int w;

		if (micro)
			w = snprintf(buf + off, len - off, "%s%" PRIu32,
					i ? "," : "", c->syn_us[i]);
		else
			w = snprintf(buf + off, len - off, "%s%.3f",
					i ? "," : "", c->syn_us[i] / 1000.0);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

/* The filters and order of "show flows". */
struct flow_query {
	unsigned int limit;
	bool busiest;
	int state;                  /* -1: any */
	int family;                 /* 0: any address */
	uint8_t addr[16];
	int port;                   /* -1: any */
};

static bool
flow_matches(const struct flow_query *q, const struct flow_view *v)
{
	unsigned int alen = v->key.family == 4 ? 4 : 16;

	if (q->state >= 0 && v->f.tcp.state != q->state)
		return false;
	if (q->port >= 0 && v->key.port[0] != q->port &&
			v->key.port[1] != q->port)
		return false;
	if (q->family != 0 && (q->family != v->key.family ||
			(memcmp(v->key.addr[0], q->addr, alen) != 0 &&
			 memcmp(v->key.addr[1], q->addr, alen) != 0)))
		return false;
	return true;
}

/* Order for "show flows": true when @p a comes before @p b. */
static bool
flow_before(const struct flow_query *q, const struct flow_view *a,
		const struct flow_view *b)
{
	if (q->busiest)
		return a->f.pkts[0] + a->f.pkts[1] > b->f.pkts[0] + b->f.pkts[1];
	return a->f.first_tsc > b->f.first_tsc;
}

static int
flow_query_parse(int argc, char **argv, struct flow_query *q,
		struct wf_reply *r)
{
	uint64_t v;
	int i = 0;

	memset(q, 0, sizeof(*q));
	q->limit = SHOW_FLOWS_DEFAULT;
	q->state = -1;
	q->port = -1;
	if (i < argc && argv[i][0] >= '0' && argv[i][0] <= '9') {
		if (wf_num_u64(argv[i], 1, SHOW_FLOWS_MAX, &v) != 0) {
			wf_reply_printf(r, "show flows: '%s' is not a count "
				"(1-%u)\n", argv[i], SHOW_FLOWS_MAX);
			return -EINVAL;
		}
		q->limit = (unsigned int)v;
		i++;
	}
	for (; i < argc; i += 2) {
		const char *word = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (val == NULL) {
			wf_reply_printf(r, "show flows: '%s' needs a value\n", word);
			return -EINVAL;
		}
		if (strcmp(word, "sort") == 0) {
			if (strcmp(val, "busiest") != 0 &&
					strcmp(val, "newest") != 0) {
				wf_reply_printf(r, "show flows: sort '%s': want "
					"busiest or newest\n", val);
				return -EINVAL;
			}
			q->busiest = strcmp(val, "busiest") == 0;
		} else if (strcmp(word, "state") == 0) {
			q->state = wf_tcp_state_parse(val);
			if (q->state <= WF_TCP_NONE) {
				wf_reply_printf(r, "show flows: '%s' is not a TCP "
					"state\n", val);
				return -EINVAL;
			}
		} else if (strcmp(word, "addr") == 0) {
			if (inet_pton(AF_INET, val, q->addr) == 1)
				q->family = 4;
			else if (inet_pton(AF_INET6, val, q->addr) == 1)
				q->family = 6;
			else {
				wf_reply_printf(r, "show flows: '%s' is not an "
					"IPv4 or IPv6 address\n", val);
				return -EINVAL;
			}
		} else if (strcmp(word, "port") == 0) {
			if (wf_num_u64(val, 0, 65535, &v) != 0) {
				wf_reply_printf(r, "show flows: port '%s' is not a "
					"port (0-65535)\n", val);
				return -EINVAL;
			}
			q->port = (int)v;
		} else {
			wf_reply_printf(r, "show flows: unknown word '%s' (want "
				"N, sort, state, addr or port)\n", word);
			return -EINVAL;
		}
	}
	return 0;
}

int
wf_cmd_show_flows(int argc, char **argv, struct wf_reply *r)
{
	struct flow_query q;
	struct flow_view *best, v;
	uint32_t pos, max = wf_flow_max_pos(wf.flows);
	uint64_t now = rte_rdtsc(), matched = 0;
	unsigned int nb = 0, i, j;

	if (flow_query_parse(argc, argv, &q, r) != 0)
		return -EINVAL;
	best = rte_malloc("wf_show_flows", sizeof(*best) * q.limit, 0);
	if (best == NULL) {
		wf_reply_printf(r, "show flows: out of memory\n");
		return -ENOMEM;
	}
	/* keep the q.limit best in order: insertion into a sorted array */
	for (pos = 0; pos < max; pos++) {
		if (!__atomic_load_n(&wf_flow_at(wf.flows, pos)->in_use,
				__ATOMIC_ACQUIRE) || !flow_snapshot(pos, &v) ||
				!flow_matches(&q, &v))
			continue;
		matched++;
		if (nb == q.limit && !flow_before(&q, &v, &best[nb - 1]))
			continue;
		for (i = nb < q.limit ? nb : nb - 1;
				i > 0 && flow_before(&q, &v, &best[i - 1]); i--)
			best[i] = best[i - 1];
		best[i] = v;
		if (nb < q.limit)
			nb++;
	}
	wf_reply_printf(r, "flows: %" PRIu64 " match, showing %u\n", matched, nb);
	wf_reply_printf(r, "%-5s %-46s %-46s %-11s %9s %10s %12s %10s %12s %4s "
			"%-24s %12s %13s\n", "proto", "client", "server", "state",
			"age_s", "orig_pkts", "orig_bytes", "reply_pkts",
			"reply_bytes", "syns", "syn_times_ms", "retrans_orig",
			"retrans_reply");
	for (j = 0; j < nb; j++) {
		const struct flow_view *b = &best[j];
		char cli[64], srv[64], syn[128];

		endpoint_str(&b->key, b->f.orig_side, cli, sizeof(cli));
		endpoint_str(&b->key, !b->f.orig_side, srv, sizeof(srv));
		syn_times_str(&b->f.tcp, syn, sizeof(syn), false);
		wf_reply_printf(r, "%-5s %-46s %-46s %-11s %9.3f %10" PRIu64
				" %12" PRIu64 " %10" PRIu64 " %12" PRIu64
				" %4u %-24s %12u %13u\n", "tcp", cli, srv,
				wf_tcp_state_name(b->f.tcp.state),
				now > b->f.first_tsc ? (double)(now -
					b->f.first_tsc) / wf.tsc_hz : 0.0,
				b->f.pkts[0], b->f.bytes[0], b->f.pkts[1],
				b->f.bytes[1], b->f.tcp.syn_count, syn,
				b->f.retrans[0], b->f.retrans[1]);
	}
	rte_free(best);
	return 0;
}

int
wf_cmd_set(int argc, char **argv, struct wf_reply *r)
{
	const char *what = argv[0];

	if (strcmp(what, "malformed") == 0 && argc == 2) {
		int drop = wf_word_choice(argv[1], "pass", "drop");

		if (drop < 0) {
			wf_reply_printf(r, "set malformed: '%s' is neither pass "
				"nor drop\n", argv[1]);
			return -EINVAL;
		}
		__atomic_store_n(&wf.malformed_drop, drop, __ATOMIC_RELAXED);
		wf_reply_printf(r, "malformed packets: %s\n", argv[1]);
		return 0;
	}
	if (strcmp(what, "pickup") == 0 && argc == 2) {
		int loose = wf_word_choice(argv[1], "strict", "loose");

		if (loose < 0) {
			wf_reply_printf(r, "set pickup: '%s' is neither loose "
				"nor strict\n", argv[1]);
			return -EINVAL;
		}
		__atomic_store_n(&wf.pickup_loose, loose, __ATOMIC_RELAXED);
		wf_reply_printf(r, "mid-stream pickup: %s\n", argv[1]);
		return 0;
	}
	if (strcmp(what, "timeout") == 0 && argc == 3) {
		char err[160];

		if (wf_flow_timeout_parse(argv[1], argv[2], wf.opt.timeout_s,
				err, sizeof(err)) != 0) {
			wf_reply_printf(r, "set timeout: %s\n", err);
			return -EINVAL;
		}
		timeouts_apply(wf.opt.timeout_s);
		wf_reply_printf(r, "timeout %s: %s s\n",
				wf_tcp_state_name(wf_tcp_state_parse(argv[1])),
				argv[2]);
		return 0;
	}
	wf_reply_printf(r, "set: want 'set malformed pass|drop', 'set pickup "
		"loose|strict' or 'set timeout STATE SECONDS'\n");
	return -EINVAL;
}

/* Telemetry: the census. */
int
wf_tel_tcp_states(struct rte_tel_data *d)
{
	uint64_t per_state[WF_TCP_STATE_MAX], total;
	unsigned int s;

	total = census(per_state);
	if (rte_tel_data_start_dict(d) != 0)
		return -1;
	for (s = WF_TCP_NONE + 1; s < WF_TCP_STATE_MAX; s++)
		if (rte_tel_data_add_dict_u64(d, wf_tcp_state_name(s),
				per_state[s]) != 0)
			return -1;
	if (rte_tel_data_add_dict_u64(d, "flows", total) != 0 ||
			rte_tel_data_add_dict_u64(d, "capacity",
				wf_flow_capacity(wf.flows)) != 0 ||
			/* rte_hash's own count: flows plus deleted ones still
			 * in their grace period */
			rte_tel_data_add_dict_u64(d, "slots_used",
				wf_flow_slots_used(wf.flows)) != 0 ||
			rte_tel_data_add_dict_u64(d, "syn_unanswered",
				port_counter_total(WF_PS_syn_unanswered)) != 0 ||
			rte_tel_data_add_dict_u64(d, "synack_retrans_after_data",
				port_counter_total(
					WF_PS_synack_retrans_after_data)) != 0)
		return -1;
	return 0;
}

static int
tel_flow_dict(const struct flow_view *v, uint64_t now, struct rte_tel_data *c)
{
	char cli[64], srv[64], syn[128];
	const struct wf_flow *f = &v->f;
	uint64_t first_syn_unix_us = 0;

	endpoint_str(&v->key, f->orig_side, cli, sizeof(cli));
	endpoint_str(&v->key, !f->orig_side, srv, sizeof(srv));
	syn_times_str(&f->tcp, syn, sizeof(syn), true);
	if (f->tcp.syn_count != 0)
		first_syn_unix_us = wf.unix0_us + f->tcp.syn_time0_us;
	if (rte_tel_data_start_dict(c) != 0 ||
			rte_tel_data_add_dict_string(c, "proto", "tcp") != 0 ||
			rte_tel_data_add_dict_string(c, "client", cli) != 0 ||
			rte_tel_data_add_dict_string(c, "server", srv) != 0 ||
			rte_tel_data_add_dict_string(c, "state",
				wf_tcp_state_name(f->tcp.state)) != 0 ||
			rte_tel_data_add_dict_u64(c, "age_ms", now > f->first_tsc ?
				(now - f->first_tsc) * 1000 / wf.tsc_hz : 0) != 0 ||
			rte_tel_data_add_dict_u64(c, "orig_pkts", f->pkts[0]) != 0 ||
			rte_tel_data_add_dict_u64(c, "orig_bytes", f->bytes[0]) != 0 ||
			rte_tel_data_add_dict_u64(c, "reply_pkts", f->pkts[1]) != 0 ||
			rte_tel_data_add_dict_u64(c, "reply_bytes", f->bytes[1]) != 0 ||
			rte_tel_data_add_dict_u64(c, "syns", f->tcp.syn_count) != 0 ||
			rte_tel_data_add_dict_string(c, "syn_times_us", syn) != 0 ||
			rte_tel_data_add_dict_u64(c, "first_syn_unix_us",
				first_syn_unix_us) != 0 ||
			rte_tel_data_add_dict_u64(c, "retrans_orig",
				f->retrans[0]) != 0 ||
			rte_tel_data_add_dict_u64(c, "retrans_reply",
				f->retrans[1]) != 0)
		return -1;
	return 0;
}

/* Telemetry: a page of flows in table order, from position START. */
int
wf_tel_flows(const char *params, struct rte_tel_data *d)
{
	uint32_t start, count, pos, max = wf_flow_max_pos(wf.flows), nb = 0;
	uint64_t now = rte_rdtsc(), per_state[WF_TCP_STATE_MAX], total;
	int64_t next = -1;
	struct flow_view v;

	if (wf_tel_page_params(params, TEL_FLOWS_DEFAULT, TEL_FLOWS_MAX,
			&start, &count) != 0)
		return -EINVAL;
	total = census(per_state);
	if (rte_tel_data_start_dict(d) != 0 ||
			rte_tel_data_add_dict_u64(d, "total", total) != 0)
		return -1;
	for (pos = start; pos < max; pos++) {
		struct rte_tel_data *c;
		char name[16];

		if (!__atomic_load_n(&wf_flow_at(wf.flows, pos)->in_use,
				__ATOMIC_ACQUIRE) || !flow_snapshot(pos, &v))
			continue;
		if (nb == count) {
			next = pos;
			break;
		}
		c = rte_tel_data_alloc();
		if (c == NULL)
			return -1;
		snprintf(name, sizeof(name), "flow%u", nb);
		if (tel_flow_dict(&v, now, c) != 0 ||
				rte_tel_data_add_dict_container(d, name, c, 0) != 0) {
			rte_tel_data_free(c);
			return -1;
		}
		nb++;
	}
	if (rte_tel_data_add_dict_int(d, "next", next < 0 ? -1 : (int)next) != 0)
		return -1;
	return 0;
}
