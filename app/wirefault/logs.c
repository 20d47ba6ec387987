/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * "action log": a worker copies the matched packet into a small pool of
 * its own and enqueues the copy on a ring; the control lcore dequeues
 * the copies and appends them to the rule's pcap with libpcap. The hot
 * path never writes a file; a copy that finds the pool empty or the ring
 * full is lost and counted (log_lost), never waited for.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "wirefault.h"
#include "logs.h"

#define WF_LOG_COPIES 4095      /* copies in flight at most */
#define WF_LOG_FILES 64         /* distinct pcap files open at once */
#define WF_LOG_SNAPLEN 65535
#define WF_LOG_BURST 64

struct log_file {
	char path[WF_ACT_PATH_MAX + 1];
	pcap_dumper_t *dumper;      /* NULL: the slot is free */
	unsigned int refs;          /* rules that log to it */
	bool released;              /* refs fell to 0 at release_token */
	uint64_t release_token;
	uint64_t written, errors;
};

static struct log_file files[WF_LOG_FILES];
static pcap_t *pcap_dead;       /* gives the dumpers their link type */

int
wf_log_init(void)
{
	wf.log_pool = rte_pktmbuf_pool_create("wf_log", WF_LOG_COPIES, 64,
			sizeof(struct wf_log_meta), RTE_MBUF_DEFAULT_BUF_SIZE,
			rte_socket_id());
	wf.log_ring = rte_ring_create("wf_log", WF_LOG_COPIES + 1,
			rte_socket_id(), RING_F_SC_DEQ);
	pcap_dead = pcap_open_dead(DLT_EN10MB, WF_LOG_SNAPLEN);
	if (wf.log_pool == NULL || wf.log_ring == NULL || pcap_dead == NULL) {
		fprintf(stderr, "wirefault: no memory for the log copies\n");
		return -ENOMEM;
	}
	return 0;
}

/* A released file may be closed once no worker can still hold a copy for it. */
static bool
file_reusable(struct log_file *lf)
{
	if (lf->dumper == NULL)
		return true;
	if (lf->refs != 0 || !lf->released ||
			rte_rcu_qsbr_check(wf.qsv, lf->release_token, false) != 1)
		return false;
	wf_log_drain();
	pcap_dump_close(lf->dumper);
	lf->dumper = NULL;
	return true;
}

int
wf_log_file_open(const char *path, char *err, size_t err_len)
{
	int i, free_slot = -1;
	char pcap_err[PCAP_ERRBUF_SIZE];

	for (i = 0; i < WF_LOG_FILES; i++)
		if (files[i].dumper != NULL &&
				strcmp(files[i].path, path) == 0) {
			files[i].refs++;
			files[i].released = false;
			return i;
		}
	for (i = 0; i < WF_LOG_FILES && free_slot < 0; i++)
		if (file_reusable(&files[i]))
			free_slot = i;
	if (free_slot < 0) {
		snprintf(err, err_len, "log: more than %u log files in use",
			WF_LOG_FILES);
		return -ENOSPC;
	}
	/* append: a log file keeps what earlier runs wrote to it */
	files[free_slot].dumper = pcap_dump_open_append(pcap_dead, path);
	if (files[free_slot].dumper == NULL) {
		snprintf(pcap_err, sizeof(pcap_err), "%s", pcap_geterr(pcap_dead));
		snprintf(err, err_len, "log: cannot write %s: %s", path, pcap_err);
		return -EIO;
	}
	snprintf(files[free_slot].path, sizeof(files[free_slot].path), "%s",
		path);
	files[free_slot].refs = 1;
	files[free_slot].released = false;
	pcap_dump_flush(files[free_slot].dumper);
	return free_slot;
}

void
wf_log_file_put(int file)
{
	struct log_file *lf;

	if (file < 0 || file >= WF_LOG_FILES)
		return;
	lf = &files[file];
	if (lf->refs == 0 || --lf->refs != 0)
		return;
	/* copies taken before this point may still be on their way */
	lf->released = true;
	lf->release_token = rte_rcu_qsbr_start(wf.qsv);
}

/* Append one copy to its file. */
static void
write_copy(struct rte_mbuf *m)
{
	static uint8_t frame[WF_LOG_SNAPLEN];
	const struct wf_log_meta *meta = rte_mbuf_to_priv(m);
	struct log_file *lf;
	struct pcap_pkthdr h;
	const uint8_t *data;
	uint64_t us;

	if (meta->file >= WF_LOG_FILES || files[meta->file].dumper == NULL)
		return;
	lf = &files[meta->file];
	us = wf.unix0_us + meta->us;
	h.ts.tv_sec = (time_t)(us / 1000000);
	h.ts.tv_usec = (suseconds_t)(us % 1000000);
	h.len = meta->orig_len;
	h.caplen = RTE_MIN(m->pkt_len, (uint32_t)WF_LOG_SNAPLEN);
	data = rte_pktmbuf_read(m, 0, h.caplen, frame);
	if (data == NULL) {
		lf->errors++;
		return;
	}
	pcap_dump((u_char *)lf->dumper, &h, data);
	lf->written++;
}

void
wf_log_drain(void)
{
	struct rte_mbuf *m[WF_LOG_BURST];
	unsigned int n, i, total = 0;

	if (wf.log_ring == NULL)
		return;
	/* bounded: what is queued now, not what workers add meanwhile */
	while (total < WF_LOG_COPIES && (n = rte_ring_sc_dequeue_burst(
			wf.log_ring, (void **)m, WF_LOG_BURST, NULL)) != 0) {
		for (i = 0; i < n; i++)
			write_copy(m[i]);
		wf_mbuf_free_bulk(m, n);
		total += n;
	}
	if (total == 0)
		return;
	for (i = 0; i < WF_LOG_FILES; i++)
		if (files[i].dumper != NULL)
			pcap_dump_flush(files[i].dumper);
}

void
wf_log_close(void)
{
	unsigned int i;

	wf_log_drain();
	for (i = 0; i < WF_LOG_FILES; i++)
		if (files[i].dumper != NULL) {
			pcap_dump_close(files[i].dumper);
			files[i].dumper = NULL;
		}
	if (pcap_dead != NULL)
		pcap_close(pcap_dead);
	pcap_dead = NULL;
}
