/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The fault hooks of fault-injection builds and their console command.
 * Settings are single words read with relaxed atomics: a worker sees a
 * change within a burst or two, which is all a test needs.
 */

#ifdef WF_FAULT_INJECTION

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "fault.h"
#include "wf_mbuf_own.h"
#include "wf_num.h"
#include "wf_reply.h"
#include "wirefault.h"

static uint32_t tx_refuse_pct;   /* each offered packet refused with this % */
static uint32_t insert_fail_pct; /* each flow insert fails with this % */
static uint32_t alloc_fail_in;   /* the N-th next allocation fails; 0 never */
static uint64_t alloc_failed;    /* allocations failed so far */

/*
 * "fault hold": mbufs held out of a pool. The first worker takes them, not
 * the control lcore: the mbufs in a worker's per-lcore cache are out of
 * any other lcore's reach, so only the worker can empty the pool for
 * itself. The control lcore asks (HOLD_ASKED), the worker answers
 * (HOLD_HELD); likewise for the release.
 */
enum { HOLD_NONE, HOLD_ASKED, HOLD_HELD, HOLD_RELEASE };
static uint32_t hold_state;
static struct rte_mempool *hold_pool;
static struct rte_mbuf **held;
static unsigned int hold_want, nb_held;

static bool
chance(uint32_t pct)
{
	return pct != 0 && (pct >= 100 || rte_rand_max(100) < pct);
}

uint16_t
wf_fault_tx_accept(uint16_t n)
{
	uint32_t pct = __atomic_load_n(&tx_refuse_pct, __ATOMIC_RELAXED);
	uint16_t i;

	/* TX takes a prefix: it stops at the first packet it refuses */
	for (i = 0; i < n; i++)
		if (chance(pct))
			break;
	return i;
}

bool
wf_fault_flow_insert(void)
{
	return chance(__atomic_load_n(&insert_fail_pct, __ATOMIC_RELAXED));
}

bool
wf_fault_alloc(void)
{
	/* the control plane is one thread: no atomics needed */
	if (alloc_fail_in == 0 || --alloc_fail_in != 0)
		return false;
	alloc_failed++;
	return true;
}

void
wf_fault_worker_tick(void)
{
	uint32_t st = __atomic_load_n(&hold_state, __ATOMIC_ACQUIRE);
	struct rte_mbuf *m;

	if (likely(st == HOLD_NONE || st == HOLD_HELD))
		return;
	if (st == HOLD_ASKED) {
		while (nb_held < hold_want &&
				(m = wf_mbuf_alloc(hold_pool)) != NULL)
			held[nb_held++] = m;
		__atomic_store_n(&hold_state, HOLD_HELD, __ATOMIC_RELEASE);
	} else {
		wf_mbuf_free_bulk(held, nb_held);
		nb_held = 0;
		__atomic_store_n(&hold_state, HOLD_NONE, __ATOMIC_RELEASE);
	}
}

/* Wait up to a second for the worker to reach @p want. */
static bool
hold_wait(uint32_t want)
{
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		if (__atomic_load_n(&hold_state, __ATOMIC_ACQUIRE) == want)
			return true;
		rte_delay_us_sleep(1000);
	}
	return false;
}

/* Give back what is held; with the workers stopped, the caller does it. */
static unsigned int
hold_release(bool workers_run)
{
	unsigned int n = nb_held;

	if (__atomic_load_n(&hold_state, __ATOMIC_ACQUIRE) == HOLD_NONE)
		return 0;
	if (workers_run) {
		__atomic_store_n(&hold_state, HOLD_RELEASE, __ATOMIC_RELEASE);
		if (!hold_wait(HOLD_NONE))
			return 0;
	} else {
		wf_mbuf_free_bulk(held, nb_held);
		nb_held = 0;
	}
	free(held);
	held = NULL;
	__atomic_store_n(&hold_state, HOLD_NONE, __ATOMIC_RELEASE);
	return n;
}

void
wf_fault_release_all(void)
{
	hold_release(false);
}

/* Have the first worker take up to @p n mbufs out of @p pool. */
static int
fault_hold(struct rte_mempool *pool, uint64_t n, struct wf_reply *r)
{
	if (__atomic_load_n(&hold_state, __ATOMIC_ACQUIRE) != HOLD_NONE) {
		wf_reply_printf(r, "fault hold: already holding %u mbufs of %s; "
			"'fault release' first\n", nb_held, hold_pool->name);
		return -EBUSY;
	}
	if (wf.nb_workers == 0) {
		wf_reply_printf(r, "fault hold: no worker to hold them\n");
		return -EINVAL;
	}
	held = calloc(n, sizeof(*held));
	if (held == NULL) {
		wf_reply_printf(r, "fault hold: out of memory\n");
		return -ENOMEM;
	}
	hold_pool = pool;
	hold_want = (unsigned int)n;
	nb_held = 0;
	__atomic_store_n(&hold_state, HOLD_ASKED, __ATOMIC_RELEASE);
	if (!hold_wait(HOLD_HELD)) {
		/* the worker will still take them: release is the way out */
		wf_reply_printf(r, "fault hold: the worker did not answer within "
			"1 s\n");
		return -ETIMEDOUT;
	}
	wf_reply_printf(r, "holding %u mbufs of %s (%u left in it)\n", nb_held,
		pool->name, rte_mempool_avail_count(pool));
	return 0;
}

static int
fault_pct(const char *what, const char *arg, uint32_t *setting,
		struct wf_reply *r)
{
	uint64_t v;

	if (wf_num_u64(arg, 0, 100, &v) != 0) {
		wf_reply_printf(r, "fault %s: '%s' is not a percentage 0-100\n",
			what, arg);
		return -EINVAL;
	}
	__atomic_store_n(setting, (uint32_t)v, __ATOMIC_RELAXED);
	wf_reply_printf(r, "fault %s %u%%\n", what, (uint32_t)v);
	return 0;
}

int
wf_cmd_fault(int argc, char **argv, struct wf_reply *r)
{
	uint64_t v;

	if (strcmp(argv[0], "show") == 0 && argc == 1) {
		wf_reply_printf(r, "tx-refuse %u%%\nflow-insert %u%%\n"
			"alloc-fail-in %u (failed so far %" PRIu64 ")\n"
			"held %u mbufs%s%s\n", tx_refuse_pct, insert_fail_pct,
			alloc_fail_in, alloc_failed, nb_held,
			nb_held != 0 ? " of " : "",
			nb_held != 0 ? hold_pool->name : "");
		return 0;
	}
	if (strcmp(argv[0], "tx") == 0 && argc == 2)
		return fault_pct("tx", argv[1], &tx_refuse_pct, r);
	if (strcmp(argv[0], "flow-insert") == 0 && argc == 2)
		return fault_pct("flow-insert", argv[1], &insert_fail_pct, r);
	if (strcmp(argv[0], "alloc") == 0 && argc == 2) {
		if (wf_num_u64(argv[1], 0, UINT32_MAX, &v) != 0) {
			wf_reply_printf(r, "fault alloc: '%s' is not a count\n",
				argv[1]);
			return -EINVAL;
		}
		alloc_fail_in = (uint32_t)v;
		wf_reply_printf(r, "allocation %u from now fails\n",
			alloc_fail_in);
		return 0;
	}
	if (strcmp(argv[0], "hold") == 0 && (argc == 2 || argc == 3)) {
		struct rte_mempool *pool = wf.port[0].pool;

		if (wf_num_u64(argv[1], 1, 1u << 24, &v) != 0) {
			wf_reply_printf(r, "fault hold: '%s' is not a count "
				"1-16777216\n", argv[1]);
			return -EINVAL;
		}
		if (argc == 3) {
			if (strcmp(argv[2], "mirror") != 0 ||
					wf.mirror_pool == NULL) {
				wf_reply_printf(r, "fault hold: pool '%s' unknown "
					"(the forwarding pool, or 'mirror' with "
					"--mirror-port)\n", argv[2]);
				return -EINVAL;
			}
			pool = wf.mirror_pool;
		}
		return fault_hold(pool, v, r);
	}
	if (strcmp(argv[0], "release") == 0 && argc == 1) {
		wf_reply_printf(r, "released %u mbufs\n", hold_release(true));
		return 0;
	}
	if (strcmp(argv[0], "off") == 0 && argc == 1) {
		__atomic_store_n(&tx_refuse_pct, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&insert_fail_pct, 0, __ATOMIC_RELAXED);
		alloc_fail_in = 0;
		wf_reply_printf(r, "faults off, released %u mbufs\n",
			hold_release(true));
		return 0;
	}
	wf_reply_printf(r, "fault: expected show | tx PCT | flow-insert PCT | "
		"alloc N | hold N [mirror] | release | off\n");
	return -EINVAL;
}

#endif /* WF_FAULT_INJECTION */
