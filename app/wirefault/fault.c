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

/* mbufs held out of a pool by "fault hold" (control lcore only) */
static struct rte_mbuf **held;
static unsigned int nb_held;
static const char *held_pool;

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
wf_fault_release_all(void)
{
	wf_mbuf_free_bulk(held, nb_held);
	free(held);
	held = NULL;
	nb_held = 0;
}

/* Take up to @p n mbufs out of @p pool and keep them. */
static int
fault_hold(struct rte_mempool *pool, uint64_t n, struct wf_reply *r)
{
	struct rte_mbuf *m;

	if (nb_held != 0) {
		wf_reply_printf(r, "fault hold: already holding %u mbufs of %s; "
			"'fault release' first\n", nb_held, held_pool);
		return -EBUSY;
	}
	held = calloc(n, sizeof(*held));
	if (held == NULL) {
		wf_reply_printf(r, "fault hold: out of memory\n");
		return -ENOMEM;
	}
	while (nb_held < n && (m = wf_mbuf_alloc(pool)) != NULL)
		held[nb_held++] = m;
	held_pool = pool->name;
	wf_reply_printf(r, "holding %u mbufs of %s (%u left in it)\n", nb_held,
		held_pool, rte_mempool_avail_count(pool));
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
			nb_held != 0 ? " of " : "", nb_held != 0 ? held_pool : "");
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
		wf_reply_printf(r, "released %u mbufs\n", nb_held);
		wf_fault_release_all();
		return 0;
	}
	if (strcmp(argv[0], "off") == 0 && argc == 1) {
		__atomic_store_n(&tx_refuse_pct, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&insert_fail_pct, 0, __ATOMIC_RELAXED);
		alloc_fail_in = 0;
		wf_reply_printf(r, "faults off, released %u mbufs\n", nb_held);
		wf_fault_release_all();
		return 0;
	}
	wf_reply_printf(r, "fault: expected show | tx PCT | flow-insert PCT | "
		"alloc N | hold N [mirror] | release | off\n");
	return -EINVAL;
}

#endif /* WF_FAULT_INJECTION */
