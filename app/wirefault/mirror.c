/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * "action mirror": the pool its copies come from and the check that a
 * rule names the mirror port. The copies are made and sent by the workers
 * (worker.c), each on its own TX queue of the mirror port.
 */

#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_mbuf.h>

#include "wirefault.h"

/*
 * Copies in flight at most: a full TX ring of the mirror port per worker,
 * plus a burst each. When the sniffer is slow, copies wait here, not in
 * the forwarding pool: an empty copy pool costs copies, never originals.
 */
static unsigned int
mirror_pool_size(void)
{
	const struct wf_port *p = &wf.port[wf.opt.mirror_port];

	return RTE_MAX(4095u, p->nb_txq * (p->nb_txd + 2u * 32u * 2u));
}

int
wf_mirror_init(void)
{
	unsigned int n;

	if (wf.opt.mirror_port == WF_PORT_NONE)
		return 0;
	n = mirror_pool_size();
	wf.mirror_pool = rte_pktmbuf_pool_create("wf_mirror", n, 64, 0,
			wf.opt.mbuf_size, wf.port[wf.opt.mirror_port].socket);
	if (wf.mirror_pool == NULL) {
		fprintf(stderr, "wirefault: no memory for %u mirror copies: "
			"%s\n", n, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	WF_LOG(INFO, "mirror pool: %u copies of %u bytes\n", n,
		wf.opt.mbuf_size);
	return 0;
}

int
wf_mirror_check(const struct wf_action *a, char *err, size_t err_len)
{
	if (wf.opt.mirror_port == WF_PORT_NONE) {
		snprintf(err, err_len, "mirror: no mirror port (start wirefault "
			"with --mirror-port P)");
		return -EINVAL;
	}
	if (a->port != WF_ACT_MIRROR_DEFAULT && a->port != wf.opt.mirror_port) {
		snprintf(err, err_len, "mirror: port %u is not the mirror port "
			"(--mirror-port %u)", a->port, wf.opt.mirror_port);
		return -EINVAL;
	}
	return 0;
}
