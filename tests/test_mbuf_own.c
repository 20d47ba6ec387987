/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The mbuf ownership tag of mbuf_debug builds (lib/pkt/wf_mbuf_own.h)
 * catches what pool counts cannot: a double free, a free after TX, and an
 * mbuf freed behind its back. Each broken rule runs in a child process,
 * which must abort with the tag's message. Other builds skip (status 77).
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "wf_mbuf_own.h"
#include "wf_test.h"
#include "wf_test_eal.h"

#ifdef WF_MBUF_DEBUG
static struct rte_mempool *pool;

/* Run @p fn in a child: true when it was killed by SIGABRT. */
static bool
child_aborts(void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);  /* not caught */
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static int
test_alloc_free_in_use(void)
{
	unsigned int base = rte_mempool_in_use_count(pool);
	struct rte_mbuf *m = wf_mbuf_alloc(pool), *c;

	WF_TEST_ASSERT(m != NULL, "alloc");
	WF_TEST_ASSERT_EQUAL(*wf_mbuf_own_tag(m), 1, "held after alloc");
	WF_TEST_ASSERT(rte_pktmbuf_append(m, 60) != NULL, "a frame to copy");
	c = wf_mbuf_copy(m, pool);
	WF_TEST_ASSERT(c != NULL, "copy");
	WF_TEST_ASSERT_EQUAL(*wf_mbuf_own_tag(c), 1, "the copy is held");
	wf_mbuf_free(c);
	WF_TEST_ASSERT_EQUAL(*wf_mbuf_own_tag(m), 1, "the original still is");
	wf_mbuf_free(m);
	WF_TEST_ASSERT_EQUAL(rte_mempool_in_use_count(pool), base,
		"every mbuf back");
	return WF_TEST_SUCCESS;
}

static void
double_free(void)
{
	struct rte_mbuf *m = wf_mbuf_alloc(pool);

	wf_mbuf_free(m);
	wf_mbuf_free(m);
}

static void
free_after_tx(void)
{
	struct rte_mbuf *m = wf_mbuf_alloc(pool);

	wf_mbuf_give(m);  /* what wf_tx_burst does for a packet TX takes */
	wf_mbuf_free(m);
}

static void
freed_behind_its_back(void)
{
	struct rte_mbuf *m = wf_mbuf_alloc(pool);

	rte_pktmbuf_free(m);    /* not through wf_mbuf_free: still tagged */
	m = wf_mbuf_alloc(pool);  /* the same mbuf, from the lcore cache */
	wf_mbuf_free(m);
}

static void
bulk_double_free(void)
{
	struct rte_mbuf *m[4];
	unsigned int i;

	for (i = 0; i < 4; i++)
		m[i] = wf_mbuf_alloc(pool);
	m[3] = m[1];  /* one mbuf twice in a burst: freed twice */
	wf_mbuf_free_bulk(m, 4);
}

static int
test_broken_rules_abort(void)
{
	/* the pool count is blind to a double free: the tag is not */
	WF_TEST_ASSERT(child_aborts(double_free), "double free");
	WF_TEST_ASSERT(child_aborts(free_after_tx), "free after TX");
	WF_TEST_ASSERT(child_aborts(freed_behind_its_back),
		"an mbuf freed without wf_mbuf_free, allocated again");
	WF_TEST_ASSERT(child_aborts(bulk_double_free),
		"the same mbuf twice in a bulk free");
	return WF_TEST_SUCCESS;
}

static const struct wf_test_case cases[] = {
	WF_TEST(test_alloc_free_in_use),
	WF_TEST(test_broken_rules_abort),
};

int
main(void)
{
	int ret;

	if (wf_test_eal_init("test_mbuf_own") != 0 ||
			wf_mbuf_own_init() != 0)
		return 1;
	pool = rte_pktmbuf_pool_create("own", 63, 8, 0, 256, 0);
	if (pool == NULL)
		return 1;
	ret = wf_test_run("mbuf_own", cases, RTE_DIM(cases));
	rte_mempool_free(pool);
	wf_test_eal_done();
	return ret;
}
#else
int
main(void)
{
	printf("mbuf_own: skipped: not an mbuf_debug build\n");
	return 77;  /* meson's "skipped" */
}
#endif
