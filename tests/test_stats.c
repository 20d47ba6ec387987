/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/* Per-worker counters: sums, drops and the accounting identity. */

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wf_stats.h"
#include "wf_test.h"

/* Zeroed worker blocks, cache-line aligned as their type demands. */
static struct wf_worker_stats *
workers_alloc(unsigned int n)
{
	struct wf_worker_stats *w;

	w = aligned_alloc(RTE_CACHE_LINE_SIZE, n * sizeof(*w));
	if (w != NULL)
		memset(w, 0, n * sizeof(*w));
	return w;
}

static int
test_names_from_xmacro(void)
{
	unsigned int i, rx = 0, tx = 0;

	for (i = 0; i < WF_PS_MAX; i++) {
		WF_TEST_ASSERT(wf_port_stat_desc[i].name != NULL, "name %u", i);
		rx += wf_port_stat_desc[i].kind == WF_STAT_RX;
		tx += wf_port_stat_desc[i].kind == WF_STAT_TX;
	}
	WF_TEST_ASSERT(rx == 1 && tx == 1, "one rx and one tx counter");
	WF_TEST_ASSERT(strcmp(wf_port_stat_desc[WF_PS_tx_full].name,
			"tx_full") == 0, "enum and names agree");
	return 0;
}

static int
test_sum_and_balance(void)
{
	struct wf_worker_stats *w = workers_alloc(3);
	struct wf_port_counters sum, base, diff;

	WF_TEST_ASSERT(w != NULL, "no memory");
	wf_stat_add(&w[0].port[1].c[WF_PS_rx], 10);
	wf_stat_add(&w[0].port[1].c[WF_PS_tx], 7);
	wf_stat_add(&w[0].port[1].c[WF_PS_tx_full], 3);
	wf_stat_add(&w[2].port[1].c[WF_PS_rx], 5);
	wf_stat_add(&w[2].port[1].c[WF_PS_tx], 5);
	wf_stat_add(&w[1].port[0].c[WF_PS_rx], 99);  /* another port */

	wf_stats_sum_port(w, 3, 1, &sum);
	WF_TEST_ASSERT_EQUAL(sum.c[WF_PS_rx], 15u, "rx");
	WF_TEST_ASSERT_EQUAL(sum.c[WF_PS_tx], 12u, "tx");
	WF_TEST_ASSERT_EQUAL(wf_stats_drops(&sum), 3u, "drops");
	WF_TEST_ASSERT(wf_stats_balanced(&sum), "15 = 12 + 3");

	wf_stats_sum_port(w, 3, 0, &sum);
	WF_TEST_ASSERT(!wf_stats_balanced(&sum), "99 received, none sent");

	wf_stats_sum_port(w, 3, RTE_MAX_ETHPORTS, &sum);
	WF_TEST_ASSERT_EQUAL(sum.c[WF_PS_rx], 0u, "port out of range");

	wf_stats_sum_port(w, 3, 1, &base);
	wf_stat_add(&w[1].port[1].c[WF_PS_rx], 4);
	wf_stat_add(&w[1].port[1].c[WF_PS_tx], 4);
	wf_stats_sum_port(w, 3, 1, &sum);
	wf_stats_diff(&sum, &base, &diff);
	WF_TEST_ASSERT(diff.c[WF_PS_rx] == 4 && diff.c[WF_PS_tx] == 4 &&
			wf_stats_drops(&diff) == 0, "since clear");
	free(w);
	return 0;
}

/* Names are telemetry dict keys: [A-Za-z0-9_] only, unique, non-empty. */
static int
test_names_telemetry_safe(void)
{
	unsigned int i, j;
	const char *n;

	for (i = 0; i < WF_PS_MAX; i++) {
		n = wf_port_stat_desc[i].name;
		WF_TEST_ASSERT(n != NULL && n[0] != '\0', "counter %u", i);
		WF_TEST_ASSERT(strspn(n, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
				strlen(n), "'%s' is not a telemetry key", n);
		WF_TEST_ASSERT(strcmp(n, "drops") != 0 && strcmp(n, "peer") != 0,
				"'%s' collides with a telemetry key", n);
		WF_TEST_ASSERT(wf_port_stat_desc[i].desc != NULL &&
				wf_port_stat_desc[i].desc[0] != '\0',
				"'%s' has no description", n);
		for (j = 0; j < i; j++)
			WF_TEST_ASSERT(strcmp(n, wf_port_stat_desc[j].name) != 0,
					"'%s' twice", n);
	}
	WF_TEST_ASSERT_STR_EQUAL(wf_port_stat_desc[WF_PS_rx].name, "rx");
	WF_TEST_ASSERT_STR_EQUAL(wf_port_stat_desc[WF_PS_tx].name, "tx");
	WF_TEST_ASSERT_EQUAL(wf_port_stat_desc[WF_PS_rx].kind, WF_STAT_RX);
	WF_TEST_ASSERT_EQUAL(wf_port_stat_desc[WF_PS_tx].kind, WF_STAT_TX);
	return 0;
}

/* Four workers, every counter distinct, every port its own. */
static int
test_sum_many_workers(void)
{
	enum { NB_W = 4 };
	struct wf_worker_stats *w = workers_alloc(NB_W);
	struct wf_port_counters sum;
	unsigned int k, i;
	uint16_t p;

	WF_TEST_ASSERT(w != NULL, "no memory");
	/* worker k, port p, counter i holds (k + 1) * 1000^i * (p + 1) */
	for (k = 0; k < NB_W; k++)
		for (p = 0; p < RTE_MAX_ETHPORTS; p++)
			for (i = 0; i < WF_PS_MAX; i++) {
				uint64_t v = (k + 1) * (p + 1);
				unsigned int e;

				for (e = 0; e < i; e++)
					v *= 1000;
				wf_stat_add(&w[k].port[p].c[i], v);
			}
	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		wf_stats_sum_port(w, NB_W, p, &sum);
		for (i = 0; i < WF_PS_MAX; i++) {
			uint64_t want = 10u * (p + 1); /* 1 + 2 + 3 + 4 */
			unsigned int e;

			for (e = 0; e < i; e++)
				want *= 1000;
			WF_TEST_ASSERT_EQUAL_U64(sum.c[i], want, "port %u %s", p,
					wf_port_stat_desc[i].name);
		}
	}
	/* fewer workers: only their blocks */
	wf_stats_sum_port(w, 1, 0, &sum);
	WF_TEST_ASSERT_EQUAL_U64(sum.c[WF_PS_rx], 1, "one worker");
	/* none: zeros, whatever *out held */
	memset(&sum, 0xa5, sizeof(sum));
	wf_stats_sum_port(w, 0, 0, &sum);
	for (i = 0; i < WF_PS_MAX; i++)
		WF_TEST_ASSERT_EQUAL_U64(sum.c[i], 0, "no worker: %u", i);
	memset(&sum, 0xa5, sizeof(sum));
	wf_stats_sum_port(w, NB_W, UINT16_MAX, &sum);
	for (i = 0; i < WF_PS_MAX; i++)
		WF_TEST_ASSERT_EQUAL_U64(sum.c[i], 0, "port 65535: %u", i);
	free(w);
	return 0;
}

/* drops is the sum of the DROP-kind counters and of nothing else. */
static int
test_drops_and_balance(void)
{
	struct wf_port_counters pc;
	uint64_t want = 0;
	unsigned int i;

	memset(&pc, 0, sizeof(pc));
	WF_TEST_ASSERT_EQUAL_U64(wf_stats_drops(&pc), 0, "all zero");
	WF_TEST_ASSERT(wf_stats_balanced(&pc), "0 = 0 + 0");
	for (i = 0; i < WF_PS_MAX; i++) {
		pc.c[i] = 1000 + i;
		if (wf_port_stat_desc[i].kind == WF_STAT_DROP)
			want += pc.c[i];
	}
	WF_TEST_ASSERT_EQUAL_U64(wf_stats_drops(&pc), want, "drop kinds only");
	pc.c[WF_PS_tx] = 500;
	pc.c[WF_PS_rx] = 500 + want;
	WF_TEST_ASSERT(wf_stats_balanced(&pc), "rx = tx + drops");
	pc.c[WF_PS_rx]++;
	WF_TEST_ASSERT(!wf_stats_balanced(&pc), "one packet unaccounted");
	pc.c[WF_PS_rx] -= 2;
	WF_TEST_ASSERT(!wf_stats_balanced(&pc), "one packet too many");
	return 0;
}

/* diff is counter by counter; a base equal to now gives zeros. */
static int
test_diff(void)
{
	struct wf_port_counters now, base, out;
	unsigned int i;

	for (i = 0; i < WF_PS_MAX; i++) {
		now.c[i] = UINT64_MAX - i;
		base.c[i] = 100 + i;
	}
	wf_stats_diff(&now, &base, &out);
	for (i = 0; i < WF_PS_MAX; i++)
		WF_TEST_ASSERT_EQUAL_U64(out.c[i], UINT64_MAX - 100 - 2 * i,
				"%u", i);
	wf_stats_diff(&now, &now, &out);
	for (i = 0; i < WF_PS_MAX; i++)
		WF_TEST_ASSERT_EQUAL_U64(out.c[i], 0, "now - now: %u", i);
	/* a balanced base and a balanced now give a balanced difference */
	memset(&base, 0, sizeof(base));
	memset(&now, 0, sizeof(now));
	base.c[WF_PS_rx] = 10;
	base.c[WF_PS_tx] = 8;
	base.c[WF_PS_tx_full] = 2;
	now.c[WF_PS_rx] = 25;
	now.c[WF_PS_tx] = 20;
	now.c[WF_PS_tx_full] = 5;
	wf_stats_diff(&now, &base, &out);
	WF_TEST_ASSERT(wf_stats_balanced(&out), "15 = 12 + 3");
	return 0;
}

/* wf_stat_add accumulates; wf_stat_read sees it. */
static int
test_add_read(void)
{
	uint64_t c = 0;
	unsigned int i;

	for (i = 0; i < 1000; i++)
		wf_stat_add(&c, i);
	WF_TEST_ASSERT_EQUAL_U64(wf_stat_read(&c), 499500, "sum 0..999");
	wf_stat_add(&c, 0);
	WF_TEST_ASSERT_EQUAL_U64(wf_stat_read(&c), 499500, "+0");
	return 0;
}

/* A worker in the middle of a burst: rx counted, tx only after a while. */
struct slow_burst {
	struct wf_worker_stats *w;
	int started;           /* atomic: the burst's rx is counted */
};

static void *
slow_burst_run(void *arg)
{
	struct slow_burst *sb = arg;
	struct wf_port_counters *pc = &sb->w->port[1];

	wf_stats_burst_begin(sb->w);
	wf_stat_add(&pc->c[WF_PS_rx], 32);
	__atomic_store_n(&sb->started, 1, __ATOMIC_RELEASE);
	nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	wf_stat_add(&pc->c[WF_PS_tx], 31);
	wf_stat_add(&pc->c[WF_PS_tx_full], 1);
	wf_stats_burst_end(sb->w);
	return NULL;
}

/*
 * A sum taken while a worker is inside a burst (its rx counted, its tx
 * 20 ms away) waits for the burst's end: a "clear stats" base never has
 * a burst's rx without its tx, which would leave rx < tx + drops after.
 */
static int
test_sum_waits_for_burst(void)
{
	struct wf_worker_stats *w = workers_alloc(2);
	struct slow_burst sb = { .w = &w[1] };
	struct wf_port_counters sum;
	pthread_t t;

	WF_TEST_ASSERT(w != NULL, "no memory");
	wf_stat_add(&w[0].port[1].c[WF_PS_rx], 5);
	wf_stat_add(&w[0].port[1].c[WF_PS_tx], 5);
	WF_TEST_ASSERT(pthread_create(&t, NULL, slow_burst_run, &sb) == 0,
			"thread");
	while (!__atomic_load_n(&sb.started, __ATOMIC_ACQUIRE))
		;
	wf_stats_sum_port(w, 2, 1, &sum);
	pthread_join(t, NULL);
	WF_TEST_ASSERT_EQUAL_U64(sum.c[WF_PS_rx], 37, "rx");
	WF_TEST_ASSERT_EQUAL_U64(sum.c[WF_PS_tx], 36, "tx: the burst's too");
	WF_TEST_ASSERT(wf_stats_balanced(&sum), "rx = tx + drops");
	WF_TEST_ASSERT_EQUAL_U64(w[1].burst_seq, 2, "one burst, ended");
	free(w);
	return 0;
}

int
main(void)
{
	static const struct wf_test_case cases[] = {
		WF_TEST(test_names_from_xmacro),
		WF_TEST(test_sum_and_balance),
		WF_TEST(test_names_telemetry_safe),
		WF_TEST(test_sum_many_workers),
		WF_TEST(test_drops_and_balance),
		WF_TEST(test_diff),
		WF_TEST(test_add_read),
		WF_TEST(test_sum_waits_for_burst),
	};

	return wf_test_run("stats", cases, sizeof(cases) / sizeof(cases[0]));
}
