/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * fz_nat: the endpoint rewrite of lib/nat. The input is PARAM_LEN bytes
 * of rewrite parameters (which endpoint, the new address, the new port)
 * followed by an Ethernet frame, parsed from an exact-size heap copy.
 * When the frame is a classified TCP or UDP packet, wf_nat_rewrite()
 * must (HOSTILE.md c.3, b.1 rows 15, 17, 46):
 *
 * - leave the TCP/UDP and IPv4 header checksums as right, or as wrong by
 *   the same amount, as they were: the one's-complement sum over the
 *   pseudo-header and the L4 bytes the IP (UDP) length gives, computed
 *   in full here with code of its own, is the same before and after;
 *   UDP/IPv4 without a checksum (0) stays without;
 * - write the new address and port and nothing else: every other byte,
 *   the padding after the datagram included, is unchanged;
 * - refuse (-EINVAL, nothing written) a length that cuts the L4 header,
 *   a bad endpoint, and an ICMP packet.
 *
 * wf_csum_adjust() is also checked on its own: a span of the frame
 * replaced by parameter bytes, against a full checksum of the result.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf_nat.h"
#include "wf_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* which (bit 0), span length (bits 3-7); address (16); port (2) */
#define PARAM_LEN 19

static __attribute__((noreturn)) void
fail(const char *what, uint32_t len, const struct wf_pkt *p)
{
	fprintf(stderr, "fz_nat: %s (frame %u bytes, family %u, proto %u, "
			"l3_off %u, l4_off %u, l3_end %u)\n", what, len,
			p->family, p->proto, p->l3_off, p->l4_off, p->l3_end);
	abort();
}

#define CHECK(cond, what) do { \
	if (!(cond)) \
		fail(what ": " #cond, len, p); \
} while (0)

/* One's-complement sum of big-endian 16-bit words, odd tail zero-padded. */
static uint64_t
sum_words(const uint8_t *b, uint32_t n)
{
	uint64_t s = 0;
	uint32_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

/* Folded, with -0 and +0 as one value (0xffff). */
static uint16_t
fold(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0 ? 0xffff : (uint16_t)s;
}

/* L4 bytes the checksum covers: the IP datagram's, UDP's own length. */
static uint32_t
l4_span(const uint8_t *f, const struct wf_pkt *p)
{
	if (p->proto == 17)
		return (uint32_t)f[p->l4_off + 4] << 8 | f[p->l4_off + 5];
	return p->l3_end - p->l4_off;
}

/*
 * The sum a receiver checks: pseudo-header, L4 header (stored checksum
 * included) and payload. 0xffff means right.
 */
static uint16_t
l4_check(const uint8_t *f, const struct wf_pkt *p)
{
	const uint8_t *ip = f + p->l3_off;
	uint32_t n = l4_span(f, p);
	uint64_t s;

	if (p->family == 4)
		s = sum_words(ip + 12, 8);
	else
		s = sum_words(ip + 8, 32);
	s += p->proto + (n >> 16) + (n & 0xffff);
	return fold(s + sum_words(f + p->l4_off, n));
}

static uint16_t
ip4_check(const uint8_t *f, const struct wf_pkt *p)
{
	return fold(sum_words(f + p->l3_off, p->l4_off - p->l3_off));
}

static uint16_t
csum_field_off(const struct wf_pkt *p)
{
	return (uint16_t)(p->proto == 6 ? 16 : 6);
}

/*
 * wf_csum_adjust on a span of the frame: the checksum of the frame with
 * bytes [off, off + n) replaced by @p repl, from the old checksum.
 */
static void
check_adjust(const uint8_t *frame, uint32_t len, uint32_t off, uint32_t n,
		const uint8_t *repl, const struct wf_pkt *p)
{
	uint8_t *b = malloc(len == 0 ? 1 : len);
	uint8_t *old = malloc(n == 0 ? 1 : n), *new = malloc(n == 0 ? 1 : n);
	uint16_t c0, c1, adj, stored;
	uint8_t be[2];

	if (b == NULL || old == NULL || new == NULL)
		abort();
	memcpy(b, frame, len);
	memcpy(old, b + off, n);
	memcpy(new, repl, n);
	c0 = (uint16_t)~fold(sum_words(b, len));
	memcpy(b + off, new, n);
	c1 = (uint16_t)~fold(sum_words(b, len));
	/* wf_csum_adjust takes and gives the checksum as stored */
	be[0] = (uint8_t)(c0 >> 8);
	be[1] = (uint8_t)c0;
	memcpy(&stored, be, sizeof(stored));
	stored = wf_csum_adjust(stored, old, new, n);
	memcpy(be, &stored, sizeof(stored));
	adj = (uint16_t)(be[0] << 8 | be[1]);
	if ((adj == 0xffff ? 0 : adj) != (c1 == 0xffff ? 0 : c1)) {
		fprintf(stderr, "fz_nat: wf_csum_adjust: off %u n %u: %#x, "
				"full %#x\n", off, n, adj, c1);
		fail("wf_csum_adjust differs from a full checksum", len, p);
	}
	free(b);
	free(old);
	free(new);
}

/* Nothing but the address, port and checksum fields may change. */
static void
check_bytes(const uint8_t *f, const uint8_t *orig, uint32_t len,
		const struct wf_pkt *p, unsigned int which,
		const uint8_t *addr, uint16_t port)
{
	uint32_t alen = p->family == 4 ? 4 : 16;
	uint32_t aoff = p->l3_off + (p->family == 4 ? 12 : 8) + alen * which;
	uint32_t poff = p->l4_off + 2 * which;
	uint32_t coff = p->l4_off + csum_field_off(p);
	uint32_t i;

	CHECK(memcmp(f + aoff, addr, alen) == 0, "new address");
	CHECK(f[poff] == port >> 8 && f[poff + 1] == (port & 0xff),
			"new port");
	for (i = 0; i < len; i++) {
		if ((i >= aoff && i < aoff + alen) || i == poff ||
				i == poff + 1 || i == coff || i == coff + 1)
			continue;
		if (p->family == 4 &&
				(i == p->l3_off + 10 || i == p->l3_off + 11))
			continue;
		if (f[i] != orig[i]) {
			fprintf(stderr, "fz_nat: byte %u changed%s\n", i,
					i >= p->l3_end ? " (padding)" : "");
			fail("a byte outside the rewritten fields changed",
					len, p);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *addr = data + 1;
	unsigned int which;
	uint16_t port, l4_before = 0, ip_before = 0, stored;
	uint32_t len, n, off, hl;
	uint8_t *f, *orig;
	struct wf_pkt q, *p = &q;
	enum wf_pkt_verdict v;
	bool no_csum;

	if (size < PARAM_LEN || size - PARAM_LEN > UINT16_MAX)
		return 0;
	which = data[0] & 1;
	port = (uint16_t)(data[17] << 8 | data[18]);
	len = (uint32_t)(size - PARAM_LEN);
	f = malloc(len == 0 ? 1 : len);
	orig = malloc(len == 0 ? 1 : len);
	if (f == NULL || orig == NULL)
		abort();
	memcpy(f, data + PARAM_LEN, len);
	memcpy(orig, f, len);

	v = wf_pkt_parse(f, len, len, WF_PKT_F_SYN_OPTS, p);

	/* a span of the frame, at an even offset the port picks */
	n = 1 + (data[0] >> 3) % 16;
	if (len >= n) {
		off = ((uint32_t)port % (len - n + 1)) & ~1u;
		check_adjust(f, len, off, n, addr, p);
	}

	if (v != WF_PKT_CLASSIFY)
		goto out;
	CHECK(wf_nat_rewrite(f, len, p, 2, addr, port) == -EINVAL,
			"endpoint 2 refused");
	CHECK(memcmp(f, orig, len) == 0, "refused, yet written");
	if (p->proto != 6 && p->proto != 17) {
		CHECK(wf_nat_rewrite(f, len, p, which, addr, port) == -EINVAL,
				"ICMP refused");
		CHECK(memcmp(f, orig, len) == 0, "refused, yet written");
		goto out;
	}
	/* a length that cuts the fixed L4 header */
	hl = p->proto == 6 ? 20 : 8;
	CHECK(wf_nat_rewrite(f, p->l4_off + hl - 1, p, which, addr, port) ==
			-EINVAL, "cut L4 header refused");
	CHECK(memcmp(f, orig, len) == 0, "refused, yet written");

	memcpy(&stored, f + p->l4_off + csum_field_off(p), sizeof(stored));
	no_csum = p->proto == 17 && p->family == 4 && stored == 0;
	if (!no_csum)
		l4_before = l4_check(f, p);
	if (p->family == 4)
		ip_before = ip4_check(f, p);

	CHECK(wf_nat_rewrite(f, len, p, which, addr, port) == 0, "rewrite");
	check_bytes(f, orig, len, p, which, addr, port);
	memcpy(&stored, f + p->l4_off + csum_field_off(p), sizeof(stored));
	if (no_csum) {
		CHECK(stored == 0, "UDP/IPv4 without checksum stays without");
	} else {
		if (l4_before == 0xffff)
			CHECK(l4_check(f, p) == 0xffff,
					"L4 checksum equals a full one");
		CHECK(l4_check(f, p) == l4_before,
				"L4 checksum wrong by as much as before");
		if (p->proto == 17)
			CHECK(stored != 0, "UDP checksum 0 sent as 0xffff");
	}
	if (p->family == 4) {
		if (ip_before == 0xffff)
			CHECK(ip4_check(f, p) == 0xffff,
					"IPv4 checksum equals a full one");
		CHECK(ip4_check(f, p) == ip_before,
				"IPv4 checksum wrong by as much as before");
	}

	/* parsed again: the same packet, the new endpoint */
	{
		struct wf_pkt r;

		CHECK(wf_pkt_parse(f, len, len, WF_PKT_F_SYN_OPTS, &r) ==
				WF_PKT_CLASSIFY, "rewritten frame parses");
		CHECK(r.l3_off == p->l3_off && r.l4_off == p->l4_off &&
				r.l3_end == p->l3_end &&
				r.payload_len == p->payload_len &&
				r.proto == p->proto, "same layout");
		CHECK((which == WF_NAT_SRC ? r.sport : r.dport) == port &&
				(which == WF_NAT_SRC ? r.dport : r.sport) ==
				(which == WF_NAT_SRC ? p->dport : p->sport),
				"ports");
	}
out:
	free(f);
	free(orig);
	return 0;
}
