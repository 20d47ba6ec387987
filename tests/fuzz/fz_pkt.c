/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * fz_pkt: the frame parser (lib/pkt) on one Ethernet frame, the whole
 * input, from an exact-size heap copy. Beyond "no crash, no sanitizer
 * report" it checks (HOSTILE.md c.3):
 *
 * - a CLASSIFY summary agrees with the frame's own bytes: offsets inside
 *   the frame, l4 header inside [l4_off, l3_end), lengths, ports,
 *   sequence numbers and flags as they lie in the frame; any other
 *   verdict has a named reason and keeps l3_end within the frame;
 * - the verdict and summary are deterministic (parsed twice);
 * - WF_PKT_F_SYN_OPTS changes only the option fields and the tcp_opt_bad
 *   note;
 * - a parse limited to fewer readable bytes gives the same summary unless
 *   it says hdr_too_long;
 * - differential: the mbuf adapter on a fake 1-segment mbuf, on a fake
 *   2-segment chain split where the first two bytes say (each segment
 *   its own exact-size allocation), and on a segment longer than its
 *   pkt_len, gives what the flat parse of the same readable bytes gives.
 *
 * The fake mbufs are plain heap structs: no EAL, no mempool.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "wf_pkt.h"
#include "wf_pkt_mbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOTE(r) WF_PKT_NOTE(WF_PKT_R_##r)
/* reasons that are notes, never a verdict's reason */
#define NOTES_ALL (NOTE(ipv4_flags_odd) | NOTE(ip_martian) | NOTE(tcp_opt_bad))

static __rte_noreturn void
fail(const char *what, const uint8_t *f, uint32_t len, const struct wf_pkt *p)
{
	uint32_t i;

	fprintf(stderr, "fz_pkt: %s (len %u", what, len);
	if (p != NULL)
		fprintf(stderr, ", reason %s, family %u, proto %u, l3_off %u, "
				"l4_off %u, l3_end %u, payload_len %u",
				wf_pkt_reason_name(p->reason), p->family,
				p->proto, p->l3_off, p->l4_off, p->l3_end,
				p->payload_len);
	fprintf(stderr, ")\n  frame:");
	for (i = 0; i < len && i < 96; i++)
		fprintf(stderr, "%s%02x", i % 16 == 0 ? "\n  " : " ", f[i]);
	fprintf(stderr, "\n");
	abort();
}

#define CHECK(cond, what) do { \
	if (!(cond)) \
		fail(what ": " #cond, f, len, p); \
} while (0)

static uint16_t
be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t
be32(const uint8_t *b)
{
	return (uint32_t)be16(b) << 16 | be16(b + 2);
}

/* A CLASSIFY summary, checked against the frame's bytes. */
static void
check_classify(const uint8_t *f, uint32_t len, const struct wf_pkt *p)
{
	uint32_t i, l4_len, hl;
	const uint8_t *ip, *l4;
	uint16_t tpid, type;

	CHECK(p->reason == WF_PKT_R_ok, "CLASSIFY with a reason");
	CHECK(p->family == 4 || p->family == 6, "family");
	CHECK(p->nb_vlan <= 2, "tags");
	CHECK(p->l3_off == 14 + 4u * p->nb_vlan, "l3_off after the tags");
	for (i = 0; i < p->nb_vlan; i++) {
		tpid = be16(f + 12 + 4 * i);
		CHECK(tpid == 0x8100 || tpid == 0x88a8 || tpid == 0x9100,
				"tag type");
		CHECK(p->vlan_tci[i] == be16(f + 14 + 4 * i), "tci");
	}
	type = be16(f + p->l3_off - 2);
	CHECK(type == (p->family == 4 ? 0x0800 : 0x86dd), "ethertype");
	CHECK(p->l3_off < p->l4_off && p->l4_off < p->l3_end &&
			p->l3_end <= len, "offsets inside the frame");
	ip = f + p->l3_off;
	l4 = f + p->l4_off;
	l4_len = p->l3_end - p->l4_off;
	if (p->family == 4) {
		CHECK(ip[0] >> 4 == 4, "IPv4 version");
		CHECK(p->l4_off - p->l3_off == (ip[0] & 15u) * 4, "IHL");
		CHECK(p->l4_off - p->l3_off >= 20, "IHL >= 5");
		CHECK(p->l3_end - p->l3_off == be16(ip + 2), "total length");
		CHECK((be16(ip + 6) & 0x3fff) == 0, "not a fragment");
		CHECK(p->proto == ip[9], "IPv4 protocol");
		CHECK(memcmp(p->src, ip + 12, 4) == 0 &&
				memcmp(p->dst, ip + 16, 4) == 0, "IPv4 addresses");
		for (i = 4; i < 16; i++)
			CHECK(p->src[i] == 0 && p->dst[i] == 0,
					"IPv4 address tails");
	} else {
		CHECK(ip[0] >> 4 == 6, "IPv6 version");
		CHECK(p->l3_end - p->l3_off == 40u + be16(ip + 4),
				"payload length");
		CHECK(p->l4_off - p->l3_off >= 40, "IPv6 header");
		CHECK(memcmp(p->src, ip + 8, 16) == 0 &&
				memcmp(p->dst, ip + 24, 16) == 0,
				"IPv6 addresses");
		if (p->l4_off - p->l3_off == 40)
			CHECK(p->proto == ip[6], "IPv6 next header");
	}
	switch (p->proto) {
	case 6:
		hl = (l4[12] >> 4) * 4u;
		CHECK(hl >= 20 && hl <= l4_len, "TCP header in the datagram");
		CHECK(p->tcp_hlen == hl, "tcp_hlen");
		CHECK(p->sport == be16(l4) && p->dport == be16(l4 + 2),
				"TCP ports");
		CHECK(p->seq == be32(l4 + 4) && p->ack == be32(l4 + 8),
				"seq, ack");
		CHECK(p->tcp_flags == l4[13], "TCP flags");
		CHECK(p->tcp_win == be16(l4 + 14), "window");
		CHECK(p->payload_len == l4_len - hl, "TCP payload");
		CHECK(p->wscale <= 14, "wscale clamped");
		if (p->has_mss || p->has_wscale || p->sack_ok || p->has_ts)
			CHECK(p->tcp_flags & WF_TCP_SYN, "options of a SYN");
		break;
	case 17:
		CHECK(l4_len >= 8, "UDP header in the datagram");
		CHECK(p->sport == be16(l4) && p->dport == be16(l4 + 2),
				"UDP ports");
		CHECK(be16(l4 + 4) >= 8 && be16(l4 + 4) <= l4_len,
				"UDP length");
		CHECK(p->payload_len == be16(l4 + 4) - 8u, "UDP payload");
		break;
	case 1:
	case 58:
		CHECK(p->proto == (p->family == 4 ? 1 : 58), "own ICMP");
		CHECK(l4_len >= 4, "ICMP header in the datagram");
		CHECK(p->icmp_type == l4[0] && p->icmp_code == l4[1],
				"ICMP type, code");
		CHECK(p->payload_len == l4_len - 4, "ICMP payload");
		break;
	default:
		CHECK(0, "CLASSIFY of another protocol");
	}
}

/* Any summary: what holds whatever the verdict. */
static void
check_summary(const uint8_t *f, uint32_t len, enum wf_pkt_verdict v,
		const struct wf_pkt *p)
{
	CHECK(v == WF_PKT_CLASSIFY || v == WF_PKT_PASS || v == WF_PKT_DROP,
			"verdict");
	CHECK(p->reason < WF_PKT_R_MAX, "reason in range");
	CHECK((p->notes & ~NOTES_ALL) == 0, "only note reasons in notes");
	CHECK((WF_PKT_NOTE(p->reason) & NOTES_ALL) == 0,
			"a note as the reason");
	CHECK(p->l3_end <= len && p->l3_off <= len, "offsets in the frame");
	if (v == WF_PKT_DROP)
		CHECK(p->reason == WF_PKT_R_ipv4_frag_off1, "DROP reason");
	if (v == WF_PKT_PASS)
		CHECK(p->reason != WF_PKT_R_ok, "PASS with a reason");
	if (v == WF_PKT_CLASSIFY)
		check_classify(f, len, p);
}

/* A parse of (f, len) but for the option fields and the tcp_opt_bad note. */
static void
strip_opts(struct wf_pkt *p)
{
	p->has_mss = 0;
	p->has_wscale = 0;
	p->sack_ok = 0;
	p->has_ts = 0;
	p->wscale = 0;
	p->mss = 0;
	p->notes &= ~NOTE(tcp_opt_bad);
}

static void
same(const char *what, const uint8_t *f, uint32_t len,
		enum wf_pkt_verdict va, const struct wf_pkt *a,
		enum wf_pkt_verdict vb, const struct wf_pkt *b)
{
	if (va != vb || memcmp(a, b, sizeof(*a)) != 0) {
		fprintf(stderr, "fz_pkt: %s: verdict %d/%d reason %s/%s\n",
				what, va, vb, wf_pkt_reason_name(a->reason),
				wf_pkt_reason_name(b->reason));
		fail(what, f, len, a);
	}
}

/* A fake mbuf over @p n bytes of its own exact-size allocation. */
static struct rte_mbuf *
fake_seg(const uint8_t *bytes, uint16_t n)
{
	struct rte_mbuf *m = calloc(1, sizeof(*m));
	uint8_t *b = malloc(n == 0 ? 1 : n);

	if (m == NULL || b == NULL)
		abort();
	memcpy(b, bytes, n);
	m->buf_addr = b;
	m->buf_len = n;
	m->data_off = 0;
	m->data_len = n;
	m->pkt_len = n;
	m->nb_segs = 1;
	m->next = NULL;
	return m;
}

static void
fake_free(struct rte_mbuf *m)
{
	struct rte_mbuf *next;

	for (; m != NULL; m = next) {
		next = m->next;
		free(m->buf_addr);
		free(m);
	}
}

/*
 * The readable bytes the adapter hands the parser for a frame of
 * @p pkt_len whose first segment holds @p seg0 bytes.
 */
static uint32_t
adapter_len(uint32_t seg0, uint32_t pkt_len)
{
	uint32_t want = RTE_MIN(pkt_len, (uint32_t)WF_PKT_HDR_MAX);

	return seg0 >= want ? RTE_MIN(seg0, pkt_len) : want;
}

/* Parse @p m with the adapter and compare with the flat parse of @p f. */
static void
check_mbuf(const char *what, const struct rte_mbuf *m, const uint8_t *f,
		uint32_t len, uint32_t readable)
{
	enum wf_pkt_verdict vf, vm;
	struct wf_pkt pf, pm;
	uint8_t *copy = malloc(WF_PKT_HDR_MAX);

	if (copy == NULL)
		abort();
	vf = wf_pkt_parse(f, readable, len, WF_PKT_F_SYN_OPTS, &pf);
	vm = wf_pkt_parse_mbuf(m, copy, WF_PKT_F_SYN_OPTS, &pm);
	same(what, f, len, vf, &pf, vm, &pm);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum wf_pkt_verdict v, v2, vs;
	struct wf_pkt p, p2, ps;
	struct rte_mbuf *m, *m2;
	uint32_t len, split, lim;
	uint8_t *f;

	if (size > UINT16_MAX)  /* an mbuf's data_len */
		return 0;
	len = (uint32_t)size;
	f = malloc(size == 0 ? 1 : size);
	if (f == NULL)
		abort();
	memcpy(f, data, size);

	v = wf_pkt_parse(f, len, len, WF_PKT_F_SYN_OPTS, &p);
	check_summary(f, len, v, &p);
	v2 = wf_pkt_parse(f, len, len, WF_PKT_F_SYN_OPTS, &p2);
	same("not deterministic", f, len, v, &p, v2, &p2);

	/* without option parsing: the same but for the options */
	v2 = wf_pkt_parse(f, len, len, 0, &p2);
	check_summary(f, len, v2, &p2);
	ps = p;
	strip_opts(&ps);
	same("options changed more than the options", f, len, v, &ps, v2,
			&p2);

	/* fewer readable bytes: the same, or hdr_too_long */
	lim = size >= 2 ? (uint32_t)be16(f) % (len + 1) : 0;
	vs = wf_pkt_parse(f, lim, len, WF_PKT_F_SYN_OPTS, &ps);
	check_summary(f, len, vs, &ps);
	if (ps.reason != WF_PKT_R_hdr_too_long)
		same("a shorter readable part changed the parse", f, len, v,
				&p, vs, &ps);
	else if (vs != WF_PKT_PASS)
		fail("hdr_too_long does not pass", f, len, &ps);
	/* a buf_len beyond the frame is clamped to it */
	v2 = wf_pkt_parse(f, len + 100, len, WF_PKT_F_SYN_OPTS, &p2);
	same("buf_len > frame_len", f, len, v, &p, v2, &p2);

	/* one segment */
	m = fake_seg(f, (uint16_t)len);
	check_mbuf("1-segment mbuf differs", m, f, len, len);
	fake_free(m);

	/* two segments, split at a point the first bytes (a MAC) choose */
	split = lim;
	m = fake_seg(f, (uint16_t)split);
	m2 = fake_seg(f + split, (uint16_t)(len - split));
	m->next = m2;
	m->nb_segs = 2;
	m->pkt_len = len;
	check_mbuf("2-segment mbuf differs", m, f, len,
			adapter_len(split, len));
	fake_free(m);

	/*
	 * A packet longer than its chain (b.1 row 8): pkt_len claims 1-256
	 * more bytes than the one segment holds, and next is NULL. Short
	 * frames take the adapter's copy path, which must parse the bytes
	 * that exist (it used to follow next into NULL); longer ones only
	 * must not crash.
	 */
	m = fake_seg(f, (uint16_t)len);
	m->pkt_len = len + 1 + (lim & 0xff);
	if (len < WF_PKT_HDR_MAX) {
		check_mbuf("pkt_len beyond the chain", m, f, len, len);
	} else {
		uint8_t scratch[WF_PKT_HDR_MAX];

		(void)wf_pkt_parse_mbuf(m, scratch, WF_PKT_F_SYN_OPTS, &p2);
	}
	fake_free(m);

	/* a segment longer than its packet (b.1 row 8): pkt_len wins */
	if (len > 0) {
		uint8_t *cut = malloc(split == 0 ? 1 : split);

		if (cut == NULL)
			abort();
		memcpy(cut, f, split);
		m = fake_seg(f, (uint16_t)len);
		m->pkt_len = split;
		check_mbuf("data_len > pkt_len", m, cut, split,
				adapter_len(len, split));
		fake_free(m);
		free(cut);
	}
	free(f);
	return 0;
}
