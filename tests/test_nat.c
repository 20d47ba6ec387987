/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * lib/nat: endpoint rewrites checked against checksums recomputed here in
 * full (and a bad checksum staying bad by as much), the SNAT port pool
 * against a reference set and under threads, and ARP / neighbour
 * discovery frames built by hand, parsed, answered and parsed back.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wf_nat.h"
#include "wf_pkt.h"
#include "wf_test.h"

#define NB(a) (sizeof(a) / sizeof((a)[0]))
#define FRAME_MAX 1600

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t mac_me[6] = { 0x02, 0xee, 0, 0, 0, 0x01 };
static const uint8_t v4_a[4] = { 198, 18, 0, 1 }, v4_b[4] = { 198, 19, 0, 2 };
static const uint8_t v4_n[4] = { 203, 0, 113, 77 };
static const uint8_t v6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 2 };
static const uint8_t v6_n[16] = {
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x12, 0x34,
	0xab, 0xcd, 0, 0, 0xfe, 0xdc, 0xba, 0x98,
};
static const uint16_t vlan_tpid[2] = { 0x88a8, 0x8100 };
static const uint16_t vlan_tci[2] = { 0x0064, 0x2005 };
#define PORT_A 40000
#define PORT_B 80

static void
be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	be16(p, (uint16_t)(v >> 16));
	be16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A small seeded generator: the same sequence on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33);
}

/* ---- checksums, written apart from the library's ---- */

/* Folded one's-complement sum of big-endian words, 64-bit accumulator. */
static uint16_t
sum16(const uint8_t *p, uint32_t n)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < n; i += 2)
		sum += (uint64_t)p[i] * 256 + (i + 1 < n ? p[i + 1] : 0);
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	return (uint16_t)sum;
}

/* a + b in one's complement; 0 and 0xffff both mean zero */
static uint16_t
ones_add(uint16_t a, uint16_t b)
{
	uint32_t s = (uint32_t)a + b;

	return (uint16_t)((s & 0xffff) + (s >> 16));
}

static uint16_t
ones_norm(uint16_t a)
{
	return a == 0xffff ? 0 : a;
}

/* The IPv4 header checksum it should carry (its own field as zero). */
static uint16_t
ip4_csum(const uint8_t *ip)
{
	uint8_t h[60];
	uint32_t ihl = (ip[0] & 15u) * 4;

	memcpy(h, ip, ihl);
	h[10] = h[11] = 0;
	return (uint16_t)~sum16(h, ihl);
}

/*
 * The TCP or UDP checksum the datagram should carry, over the length the
 * IP header gives (never the padding): pseudo-header laid out in a buffer.
 */
static uint16_t
l4_csum(const uint8_t *ip)
{
	uint8_t b[40 + FRAME_MAX];
	uint32_t n, l4len;
	const uint8_t *l4;
	uint8_t proto;
	uint16_t c;

	memset(b, 0, sizeof(b));
	if (ip[0] >> 4 == 4) {
		uint32_t ihl = (ip[0] & 15u) * 4;

		proto = ip[9];
		l4 = ip + ihl;
		l4len = get16(ip + 2) - ihl;
		memcpy(b, ip + 12, 8);
		b[9] = proto;
		be16(b + 10, (uint16_t)l4len);
		n = 12;
	} else {
		proto = ip[6];
		l4 = ip + 40;
		l4len = get16(ip + 4);
		memcpy(b, ip + 8, 32);
		be32(b + 32, l4len);
		b[39] = proto;
		n = 40;
	}
	memcpy(b + n, l4, l4len);
	memset(b + n + (proto == 6 ? 16 : 6), 0, 2);
	c = (uint16_t)~sum16(b, n + l4len);
	return proto == 17 && c == 0 ? 0xffff : c;
}

static uint8_t *
l4_csum_field(uint8_t *f, const struct wf_pkt *p)
{
	return f + p->l4_off + (p->proto == 6 ? 16 : 6);
}

/* ---- frames for rewriting ---- */

struct fspec {
	const char *why;
	uint8_t family, proto, nb_vlan;
	uint8_t ip_opts;      /* IPv4 option bytes (multiple of 4) */
	bool no_csum;         /* UDP/IPv4 sent without a checksum */
	uint16_t len;         /* L4 payload */
	uint16_t pad;         /* Ethernet padding after the datagram */
};

/* A frame from A to B with right checksums; its length. */
static uint32_t
build_frame(uint8_t *f, const struct fspec *s)
{
	uint32_t off = 12, iphl, l4len, tot, i;
	uint8_t *ip, *l4;

	memset(f, 0, FRAME_MAX);
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	for (i = 0; i < s->nb_vlan; i++) {
		be16(f + off, vlan_tpid[i + (s->nb_vlan == 1)]);
		be16(f + off + 2, vlan_tci[i]);
		off += 4;
	}
	be16(f + off, s->family == 4 ? 0x0800 : 0x86dd);
	ip = f + off + 2;
	iphl = s->family == 4 ? 20u + s->ip_opts : 40u;
	l4 = ip + iphl;
	l4len = (s->proto == 6 ? 20u : 8u) + s->len;
	tot = iphl + l4len;
	if (s->family == 4) {
		ip[0] = (uint8_t)(0x40 | iphl / 4);
		be16(ip + 2, (uint16_t)tot);
		be16(ip + 4, 0x1234);
		ip[8] = 50;
		ip[9] = s->proto;
		memcpy(ip + 12, v4_a, 4);
		memcpy(ip + 16, v4_b, 4);
		for (i = 20; i < iphl; i++)
			ip[i] = 1;  /* NOPs */
	} else {
		ip[0] = 0x60;
		be16(ip + 4, (uint16_t)l4len);
		ip[6] = s->proto;
		ip[7] = 50;
		memcpy(ip + 8, v6_a, 16);
		memcpy(ip + 24, v6_b, 16);
	}
	be16(l4, PORT_A);
	be16(l4 + 2, PORT_B);
	if (s->proto == 6) {
		be32(l4 + 4, 0x01020304);
		be32(l4 + 8, 0xa0b0c0d0);
		l4[12] = 5 << 4;
		l4[13] = WF_TCP_ACK | WF_TCP_PSH;
		be16(l4 + 14, 501);
	} else {
		be16(l4 + 4, (uint16_t)l4len);
	}
	for (i = 0; i < s->len; i++)
		l4[l4len - s->len + i] = (uint8_t)(i * 7 + 3);
	if (s->family == 4)
		be16(ip + 10, ip4_csum(ip));
	if (!s->no_csum)
		be16(l4 + (s->proto == 6 ? 16 : 6), l4_csum(ip));
	/* padding that is not zero, so a write into it shows */
	memset(l4 + l4len, 0xee, s->pad);
	return (uint32_t)(l4 + l4len + s->pad - f);
}

static const struct fspec rw_cases[] = {
	{ "v4 tcp", 4, 6, 0, 0, false, 100, 0 },
	{ "v4 tcp odd payload", 4, 6, 0, 0, false, 33, 0 },
	{ "v4 tcp ip options", 4, 6, 0, 8, false, 10, 0 },
	{ "v4 tcp padded", 4, 6, 0, 0, false, 1, 5 },
	{ "v4 tcp two tags", 4, 6, 2, 0, false, 0, 6 },
	{ "v6 tcp", 6, 6, 0, 0, false, 200, 0 },
	{ "v6 tcp tag", 6, 6, 1, 0, false, 7, 0 },
	{ "v4 udp", 4, 17, 0, 0, false, 20, 0 },
	{ "v4 udp padded", 4, 17, 0, 0, false, 3, 15 },
	{ "v4 udp no csum", 4, 17, 0, 0, true, 12, 0 },
	{ "v4 udp no csum padded tag", 4, 17, 1, 0, true, 0, 14 },
	{ "v6 udp", 6, 17, 0, 0, false, 51, 0 },
	{ "v6 udp padded tag", 6, 17, 1, 0, false, 0, 2 },
};

static int
parse_ok(const uint8_t *f, uint32_t flen, struct wf_pkt *p, const char *why)
{
	WF_TEST_ASSERT_EQUAL(wf_pkt_parse(f, flen, flen, 0, p),
			WF_PKT_CLASSIFY, "%s: reason %s", why,
			wf_pkt_reason_name(p->reason));
	return 0;
}

/* Every byte outside the address, port and checksum fields is as it was. */
static int
only_fields_changed(const uint8_t *f, const uint8_t *orig, uint32_t flen,
		const struct wf_pkt *p, unsigned int which, const char *why)
{
	uint32_t alen = p->family == 4 ? 4 : 16;
	uint32_t aoff = p->l3_off + (p->family == 4 ? 12 : 8) + alen * which;
	uint32_t poff = p->l4_off + 2 * which;
	uint32_t coff = p->l4_off + (p->proto == 6 ? 16 : 6);
	uint32_t i;

	for (i = 0; i < flen; i++) {
		if ((i >= aoff && i < aoff + alen) || i == poff ||
				i == poff + 1 || i == coff || i == coff + 1)
			continue;
		if (p->family == 4 && (i == p->l3_off + 10 || i == p->l3_off + 11))
			continue;
		WF_TEST_ASSERT_EQUAL(f[i], orig[i], "%s: byte %u", why, i);
	}
	return 0;
}

static int
rewrite_check(const struct fspec *s, unsigned int which, uint16_t port)
{
	const uint8_t *addr = s->family == 4 ? v4_n : v6_n;
	uint32_t alen = s->family == 4 ? 4 : 16, flen;
	uint8_t f[FRAME_MAX], orig[FRAME_MAX];
	struct wf_pkt p, q;
	const uint8_t *ip;

	flen = build_frame(f, s);
	memcpy(orig, f, flen);
	WF_TEST_ASSERT_SUCCESS(parse_ok(f, flen, &p, s->why));
	WF_TEST_ASSERT_SUCCESS(wf_nat_rewrite(f, flen, &p, which, addr, port),
			"%s", s->why);
	ip = f + p.l3_off;

	WF_TEST_ASSERT_SUCCESS(parse_ok(f, flen, &q, s->why));
	WF_TEST_ASSERT_EQUAL(q.l3_end, p.l3_end, "%s", s->why);
	WF_TEST_ASSERT_EQUAL(q.payload_len, p.payload_len, "%s", s->why);
	WF_TEST_ASSERT(memcmp(which == WF_NAT_SRC ? q.src : q.dst, addr,
			alen) == 0, "%s: address", s->why);
	WF_TEST_ASSERT(memcmp(which == WF_NAT_SRC ? q.dst : q.src,
			which == WF_NAT_SRC ? p.dst : p.src, 16) == 0,
			"%s: the other address", s->why);
	WF_TEST_ASSERT_EQUAL(which == WF_NAT_SRC ? q.sport : q.dport, port,
			"%s", s->why);
	WF_TEST_ASSERT_EQUAL(which == WF_NAT_SRC ? q.dport : q.sport,
			which == WF_NAT_SRC ? PORT_B : PORT_A, "%s", s->why);
	WF_TEST_ASSERT_SUCCESS(only_fields_changed(f, orig, flen, &p, which,
			s->why));
	if (s->family == 4)
		WF_TEST_ASSERT_EQUAL(get16(ip + 10), ip4_csum(ip),
				"%s: IPv4 header checksum", s->why);
	if (s->no_csum)
		WF_TEST_ASSERT_EQUAL(get16(l4_csum_field(f, &p)), 0,
				"%s: no checksum stays none", s->why);
	else
		WF_TEST_ASSERT_EQUAL(get16(l4_csum_field(f, &p)), l4_csum(ip),
				"%s: L4 checksum, port %u", s->why, port);
	return 0;
}

static int
test_rewrite(void)
{
	static const uint16_t ports[] = { 1, 12345, PORT_A, 0xffff, 0 };
	unsigned int i, j, which;

	for (i = 0; i < NB(rw_cases); i++)
		for (which = WF_NAT_SRC; which <= WF_NAT_DST; which++)
			for (j = 0; j < NB(ports); j++)
				WF_TEST_ASSERT_SUCCESS(rewrite_check(&rw_cases[i],
						which, ports[j]));
	return 0;
}

/*
 * Every port, so that UDP results meeting 0 (sent as 0xffff) come up:
 * the checksum is always the one a full computation gives.
 */
static int
test_rewrite_every_port(void)
{
	static const struct fspec cases[] = {
		{ "v4 udp", 4, 17, 0, 0, false, 5, 0 },
		{ "v6 udp", 6, 17, 0, 0, false, 6, 0 },
		{ "v4 tcp", 4, 6, 0, 0, false, 1, 0 },
	};
	uint8_t base[FRAME_MAX], f[FRAME_MAX];
	unsigned int i, ffff = 0;
	struct wf_pkt p;
	uint32_t flen, port;
	uint16_t c;

	for (i = 0; i < NB(cases); i++) {
		flen = build_frame(base, &cases[i]);
		WF_TEST_ASSERT_SUCCESS(parse_ok(base, flen, &p, cases[i].why));
		for (port = 0; port <= 0xffff; port++) {
			memcpy(f, base, flen);
			WF_TEST_ASSERT_SUCCESS(wf_nat_rewrite(f, flen, &p,
					WF_NAT_DST, cases[i].family == 4 ?
					v4_n : v6_n, (uint16_t)port));
			c = get16(l4_csum_field(f, &p));
			WF_TEST_ASSERT_EQUAL(c, l4_csum(f + p.l3_off),
					"%s: port %u", cases[i].why, port);
			if (cases[i].proto == 17) {
				WF_TEST_ASSERT_NOT_EQUAL(c, 0, "%s: port %u",
						cases[i].why, port);
				ffff += c == 0xffff;
			}
		}
	}
	/* a port whose sum is -0 is in every 65536: the case was met */
	WF_TEST_ASSERT(ffff >= 2, "UDP results of 0xffff: %u", ffff);
	return 0;
}

/* A bad checksum leaves bad by as much: the receiver still drops it. */
static int
corrupt_check(const struct fspec *s, unsigned int which, uint16_t delta)
{
	uint8_t f[FRAME_MAX];
	uint16_t l4c, ipc;
	uint32_t flen;
	struct wf_pkt p;
	uint8_t *ip;

	flen = build_frame(f, s);
	WF_TEST_ASSERT_SUCCESS(parse_ok(f, flen, &p, s->why));
	ip = f + p.l3_off;
	l4c = ones_add(get16(l4_csum_field(f, &p)), delta);
	if (s->proto == 17 && s->family == 4 && l4c == 0)
		return 0;   /* that would say "no checksum" */
	be16(l4_csum_field(f, &p), l4c);
	if (s->family == 4)
		be16(ip + 10, ones_add(get16(ip + 10), delta));
	WF_TEST_ASSERT_SUCCESS(wf_nat_rewrite(f, flen, &p, which,
			s->family == 4 ? v4_n : v6_n, 4321));

	l4c = get16(l4_csum_field(f, &p));
	WF_TEST_ASSERT_EQUAL(ones_norm(l4c), ones_norm(ones_add(
			l4_csum(ip), delta)), "%s: L4 by %#x", s->why, delta);
	if (s->family == 4) {
		ipc = get16(ip + 10);
		WF_TEST_ASSERT_EQUAL(ones_norm(ipc), ones_norm(ones_add(
				ip4_csum(ip), delta)), "%s: IP by %#x",
				s->why, delta);
	}
	return 0;
}

static int
test_rewrite_corrupt(void)
{
	static const uint16_t deltas[] = { 1, 0x100, 0x7fff, 0xfffe, 0x1234 };
	unsigned int i, j, which;

	for (i = 0; i < NB(rw_cases); i++) {
		if (rw_cases[i].no_csum)
			continue;
		for (which = WF_NAT_SRC; which <= WF_NAT_DST; which++)
			for (j = 0; j < NB(deltas); j++)
				WF_TEST_ASSERT_SUCCESS(corrupt_check(
						&rw_cases[i], which, deltas[j]));
	}
	return 0;
}

/* Headers cut by len, or not TCP/UDP: -EINVAL, not a byte written. */
static int
test_rewrite_refused(void)
{
	uint8_t f[FRAME_MAX], orig[FRAME_MAX];
	struct wf_pkt p, bad;
	uint32_t flen, need, len, i;

	for (i = 0; i < NB(rw_cases); i++) {
		const struct fspec *s = &rw_cases[i];

		flen = build_frame(f, s);
		memcpy(orig, f, flen);
		WF_TEST_ASSERT_SUCCESS(parse_ok(f, flen, &p, s->why));
		need = p.l4_off + (s->proto == 6 ? 20 : 8);
		for (len = 0; len < need; len++) {
			WF_TEST_ASSERT_EQUAL(wf_nat_rewrite(f, len, &p,
					WF_NAT_SRC, v6_n, 1), -EINVAL,
					"%s: len %u", s->why, len);
			WF_TEST_ASSERT_EQUAL(wf_nat_rewrite(f, len, &p,
					WF_NAT_DST, v6_n, 1), -EINVAL,
					"%s: len %u", s->why, len);
			WF_TEST_ASSERT(memcmp(f, orig, flen) == 0, "%s: len %u",
					s->why, len);
		}
		bad = p;
		bad.proto = 1;
		WF_TEST_ASSERT_EQUAL(wf_nat_rewrite(f, flen, &bad, WF_NAT_SRC,
				v6_n, 1), -EINVAL, "%s: ICMP", s->why);
		bad = p;
		bad.family = 0;
		WF_TEST_ASSERT_EQUAL(wf_nat_rewrite(f, flen, &bad, WF_NAT_SRC,
				v6_n, 1), -EINVAL, "%s: family 0", s->why);
		bad = p;
		bad.l4_off = p.l3_off + 4;
		WF_TEST_ASSERT_EQUAL(wf_nat_rewrite(f, flen, &bad, WF_NAT_SRC,
				v6_n, 1), -EINVAL, "%s: L4 in IP", s->why);
		bad = p;
		bad.l4_off = p.l3_off - 10;
		WF_TEST_ASSERT_EQUAL(wf_nat_rewrite(f, flen, &bad, WF_NAT_SRC,
				v6_n, 1), -EINVAL, "%s: L4 before IP", s->why);
		bad = p;
		bad.l3_off = UINT32_MAX - 8;
		WF_TEST_ASSERT_EQUAL(wf_nat_rewrite(f, flen, &bad, WF_NAT_SRC,
				v6_n, 1), -EINVAL, "%s: wrapping", s->why);
		WF_TEST_ASSERT_EQUAL(wf_nat_rewrite(f, flen, &p, 2, v6_n, 1),
				-EINVAL, "%s: which 2", s->why);
		WF_TEST_ASSERT(memcmp(f, orig, flen) == 0, "%s", s->why);
		/* the headers and no more are enough */
		WF_TEST_ASSERT_SUCCESS(wf_nat_rewrite(f, need, &p, WF_NAT_DST,
				s->family == 4 ? v4_n : v6_n, 7), "%s", s->why);
	}
	return 0;
}

/* RFC 1624's own example and random buffers against a full sum. */
static int
test_csum_adjust(void)
{
	uint8_t buf[64], old[64];
	uint16_t stored, want, got;
	unsigned int i, j, off, n;

	/* RFC 1624 section 4: HC 0xdd2f, m 0x5555 -> m' 0x3285: HC' 0x0000 */
	buf[0] = 0x55;
	buf[1] = 0x55;
	old[0] = 0x32;
	old[1] = 0x85;
	be16((uint8_t *)&stored, 0xdd2f);
	got = wf_csum_adjust(stored, buf, old, 2);
	WF_TEST_ASSERT_EQUAL(get16((uint8_t *)&got), 0x0000);

	for (i = 0; i < 2000; i++) {
		for (j = 0; j < sizeof(buf); j++)
			buf[j] = (uint8_t)rnd();
		be16(buf + 10, 0);
		be16(buf + 10, (uint16_t)~sum16(buf, sizeof(buf)));
		memcpy(old, buf, sizeof(buf));
		n = 2 * (1 + rnd() % 8);
		off = 12 + 2 * (rnd() % ((sizeof(buf) - 12 - n) / 2));
		for (j = 0; j < n; j++)
			buf[off + j] = (uint8_t)rnd();
		memcpy(&stored, buf + 10, 2);
		got = wf_csum_adjust(stored, old + off, buf + off, n);
		be16(buf + 10, 0);
		want = (uint16_t)~sum16(buf, sizeof(buf));
		WF_TEST_ASSERT_EQUAL(ones_norm(get16((uint8_t *)&got)),
				ones_norm(want), "round %u", i);
		memcpy(buf + 10, &got, 2);
		WF_TEST_ASSERT_EQUAL(ones_norm(sum16(buf, sizeof(buf))), 0,
				"round %u", i);
	}
	return 0;
}

static int
test_set_macs(void)
{
	uint8_t f[64];
	unsigned int i;

	for (i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)i;
	wf_nat_set_macs(f, mac_a, mac_b);
	WF_TEST_ASSERT(memcmp(f, mac_a, 6) == 0);
	WF_TEST_ASSERT(memcmp(f + 6, mac_b, 6) == 0);
	for (i = 12; i < sizeof(f); i++)
		WF_TEST_ASSERT_EQUAL(f[i], i);
	/* swapping the frame's own */
	wf_nat_set_macs(f, f + 6, f);
	WF_TEST_ASSERT(memcmp(f, mac_b, 6) == 0);
	WF_TEST_ASSERT(memcmp(f + 6, mac_a, 6) == 0);
	return 0;
}

/* ---- the SNAT port pool ---- */

static int
test_ports_basic(void)
{
	struct wf_nat_ports *p = wf_nat_ports_create(1000, 1009);
	bool seen[10] = { false };
	int port, i, a, b;

	WF_TEST_ASSERT(p != NULL);
	for (i = 0; i < 10; i++) {
		port = wf_nat_ports_get(p);
		WF_TEST_ASSERT(port >= 1000 && port <= 1009, "got %d", port);
		WF_TEST_ASSERT(!seen[port - 1000], "twice %d", port);
		seen[port - 1000] = true;
		WF_TEST_ASSERT_EQUAL(wf_nat_ports_in_use(p), i + 1);
	}
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_get(p), -ENOSPC);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_in_use(p), 10);
	WF_TEST_ASSERT_SUCCESS(wf_nat_ports_put(p, 1004));
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_in_use(p), 9);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_put(p, 1004), -EINVAL, "put twice");
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_get(p), 1004);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_get(p), -ENOSPC);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_put(p, 999), -EINVAL);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_put(p, 1010), -EINVAL);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_put(p, 0), -EINVAL);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_in_use(p), 10);
	for (i = 1000; i <= 1009; i++)
		WF_TEST_ASSERT_SUCCESS(wf_nat_ports_put(p, (uint16_t)i));
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_in_use(p), 0);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_put(p, 1009), -EINVAL, "not taken");
	/* the search goes on from the last port taken: no quick reuse */
	a = wf_nat_ports_get(p);
	WF_TEST_ASSERT_SUCCESS(wf_nat_ports_put(p, (uint16_t)a));
	b = wf_nat_ports_get(p);
	WF_TEST_ASSERT(b != a, "%d taken again at once", a);
	wf_nat_ports_free(p);

	WF_TEST_ASSERT(wf_nat_ports_create(5, 4) == NULL);
	wf_nat_ports_free(NULL);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_in_use(NULL), 0);
	/* one port */
	p = wf_nat_ports_create(7, 7);
	WF_TEST_ASSERT(p != NULL);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_get(p), 7);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_get(p), -ENOSPC);
	WF_TEST_ASSERT_SUCCESS(wf_nat_ports_put(p, 7));
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_get(p), 7);
	wf_nat_ports_free(p);
	return 0;
}

/* Every port of 0..65535, each once, then none. */
static int
test_ports_full_range(void)
{
	static bool seen[65536];
	struct wf_nat_ports *p = wf_nat_ports_create(0, 65535);
	int port, i;

	WF_TEST_ASSERT(p != NULL);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 65536; i++) {
		port = wf_nat_ports_get(p);
		WF_TEST_ASSERT(port >= 0 && port <= 65535, "got %d", port);
		WF_TEST_ASSERT(!seen[port], "twice %d", port);
		seen[port] = true;
	}
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_get(p), -ENOSPC);
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_in_use(p), 65536);
	WF_TEST_ASSERT_SUCCESS(wf_nat_ports_put(p, 65535));
	WF_TEST_ASSERT_SUCCESS(wf_nat_ports_put(p, 0));
	port = wf_nat_ports_get(p);
	WF_TEST_ASSERT(port == 0 || port == 65535, "got %d", port);
	wf_nat_ports_free(p);
	return 0;
}

/* Random gets and puts against a plain set: never a port in use. */
static int
test_ports_reference(void)
{
	enum { LO = 30000, NB_P = 200 };
	struct wf_nat_ports *p = wf_nat_ports_create(LO, LO + NB_P - 1);
	bool used[NB_P] = { false };
	uint32_t nb_used = 0, i, k;
	int port;

	WF_TEST_ASSERT(p != NULL);
	for (i = 0; i < 200000; i++) {
		k = rnd() % NB_P;
		/* lean towards taking so the pool fills up at times */
		if (rnd() % 100 < 55) {
			port = wf_nat_ports_get(p);
			if (nb_used == NB_P) {
				WF_TEST_ASSERT_EQUAL(port, -ENOSPC, "op %u", i);
				continue;
			}
			WF_TEST_ASSERT(port >= LO && port < LO + NB_P,
					"op %u: %d", i, port);
			WF_TEST_ASSERT(!used[port - LO], "op %u: %d in use",
					i, port);
			used[port - LO] = true;
			nb_used++;
		} else {
			WF_TEST_ASSERT_EQUAL(wf_nat_ports_put(p,
					(uint16_t)(LO + k)),
					used[k] ? 0 : -EINVAL, "op %u", i);
			nb_used -= used[k];
			used[k] = false;
		}
		WF_TEST_ASSERT_EQUAL(wf_nat_ports_in_use(p), nb_used, "op %u",
				i);
	}
	wf_nat_ports_free(p);
	return 0;
}

#define THR_POOL_LO 10000
#define THR_POOL_NB 3000
#define THR_MAX 4

struct thr_arg {
	struct wf_nat_ports *pool;
	uint8_t *owner;       /* per port: 0 free, else the thread's id */
	uint8_t id;
	bool churn;           /* take and put back; else take until empty */
	uint32_t taken;
	uint32_t errors;
	uint64_t rng;
};

static uint32_t
thr_rnd(struct thr_arg *a)
{
	a->rng = a->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(a->rng >> 33);
}

/* Claim the port in a shared table: someone there means it was given twice. */
static void
thr_claim(struct thr_arg *a, int port)
{
	uint8_t prev = __atomic_exchange_n(&a->owner[port - THR_POOL_LO],
			a->id, __ATOMIC_RELAXED);

	if (prev != 0)
		a->errors++;
	a->taken++;
}

static void *
thr_main(void *v)
{
	struct thr_arg *a = v;
	int held[64], nb_held = 0, port, i, k;

	if (!a->churn) {
		while ((port = wf_nat_ports_get(a->pool)) >= 0)
			thr_claim(a, port);
		return NULL;
	}
	for (i = 0; i < 200000; i++) {
		if (nb_held < (int)NB(held) && (nb_held == 0 || thr_rnd(a) & 1)) {
			port = wf_nat_ports_get(a->pool);
			if (port < 0)
				continue;
			thr_claim(a, port);
			held[nb_held++] = port;
		} else {
			k = (int)(thr_rnd(a) % (uint32_t)nb_held);
			port = held[k];
			held[k] = held[--nb_held];
			/* give up the claim before the port can be retaken */
			__atomic_store_n(&a->owner[port - THR_POOL_LO], 0,
					__ATOMIC_RELAXED);
			if (wf_nat_ports_put(a->pool, (uint16_t)port) != 0)
				a->errors++;
		}
	}
	while (nb_held > 0) {
		port = held[--nb_held];
		__atomic_store_n(&a->owner[port - THR_POOL_LO], 0,
				__ATOMIC_RELAXED);
		if (wf_nat_ports_put(a->pool, (uint16_t)port) != 0)
			a->errors++;
	}
	return NULL;
}

static int
run_threads(unsigned int nb, bool churn, uint32_t pool_nb, uint32_t *taken)
{
	static uint8_t owner[THR_POOL_NB];
	struct wf_nat_ports *pool = wf_nat_ports_create(THR_POOL_LO,
			(uint16_t)(THR_POOL_LO + pool_nb - 1));
	struct thr_arg args[THR_MAX];
	pthread_t tid[THR_MAX];
	unsigned int i;

	WF_TEST_ASSERT(pool != NULL);
	memset(owner, 0, sizeof(owner));
	*taken = 0;
	for (i = 0; i < nb; i++) {
		args[i] = (struct thr_arg){ .pool = pool, .owner = owner,
			.id = (uint8_t)(i + 1), .churn = churn,
			.rng = 0x1234567 + i };
		WF_TEST_ASSERT_SUCCESS(pthread_create(&tid[i], NULL, thr_main,
				&args[i]));
	}
	for (i = 0; i < nb; i++) {
		WF_TEST_ASSERT_SUCCESS(pthread_join(tid[i], NULL));
		WF_TEST_ASSERT_EQUAL(args[i].errors, 0, "thread %u", i);
		*taken += args[i].taken;
	}
	WF_TEST_ASSERT_EQUAL(wf_nat_ports_in_use(pool), churn ? 0 : pool_nb);
	if (!churn)
		WF_TEST_ASSERT_EQUAL(wf_nat_ports_get(pool), -ENOSPC);
	wf_nat_ports_free(pool);
	return 0;
}

static int
test_ports_threads(void)
{
	uint32_t taken;

	/* two takers emptying the pool: the shares add up, none twice */
	WF_TEST_ASSERT_SUCCESS(run_threads(2, false, THR_POOL_NB, &taken));
	WF_TEST_ASSERT_EQUAL(taken, THR_POOL_NB);
	/* four workers taking and putting back on a pool they exhaust */
	WF_TEST_ASSERT_SUCCESS(run_threads(THR_MAX, true, 150, &taken));
	WF_TEST_ASSERT(taken > 0);
	return 0;
}

/* ---- ARP and neighbour discovery ---- */

static const uint8_t eth_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t v4_req[4] = { 192, 0, 2, 1 };
static const uint8_t v6_own[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x12,
	[15] = 0x34 };
static const uint8_t v6_zero[16];
/* what the device owns: two IPv4 addresses and one IPv6 */
static const uint8_t owned[3][16] = {
	{ 192, 0, 2, 10 }, { 192, 0, 2, 11 },
	{ 0x20, 0x01, 0x0d, 0xb8, [14] = 0x12, [15] = 0x34 },
};
#define OWN0 (owned[0])
#define OWN1 (owned[1])

/* Ethernet header with @p nb_vlan tags; the offset past the ethertype. */
static uint32_t
eth_hdr(uint8_t *f, const uint8_t *dst, const uint8_t *src,
		unsigned int nb_vlan, uint16_t type)
{
	uint32_t off = 12, i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	for (i = 0; i < nb_vlan; i++) {
		be16(f + off, vlan_tpid[i + (nb_vlan == 1)]);
		be16(f + off + 2, vlan_tci[i % 2]);
		off += 4;
	}
	be16(f + off, type);
	return off + 2;
}

/* An ARP message from @p sha; padded to @p pad_to; its length. */
static uint32_t
build_arp(uint8_t *f, unsigned int nb_vlan, uint16_t op, const uint8_t *sha,
		const uint8_t *spa, const uint8_t *tpa, uint32_t pad_to)
{
	uint32_t off, len;
	uint8_t *a;

	memset(f, 0, FRAME_MAX);
	off = eth_hdr(f, op == 1 ? eth_bcast : mac_me, sha, nb_vlan, 0x0806);
	a = f + off;
	be16(a, 1);
	be16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	be16(a + 6, op);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, spa, 4);
	if (op == 2)
		memcpy(a + 18, mac_me, 6);
	memcpy(a + 24, tpa, 4);
	len = off + 28;
	if (len < pad_to) {
		memset(f + len, 0xee, pad_to - len);
		len = pad_to;
	}
	return len;
}

/* What an NS or NA to build says; zeroes give the usual. */
struct nd_spec {
	uint8_t type;          /* 135 or 136 */
	const uint8_t *src, *dst, *target;
	unsigned int nb_vlan;
	const uint8_t *opts;   /* option bytes as they go on the wire */
	uint32_t opts_len;
	uint8_t flags;         /* NA: first flags byte */
	uint8_t hop;           /* 0: 255 */
	uint8_t code;
	uint8_t next;          /* 0: 58 */
	bool bad_csum;
};

/* Sum of an ICMPv6 message and pseudo-header: 0xffff when it checks. */
static uint16_t
icmp6_check(const uint8_t *ip6)
{
	uint8_t b[40 + FRAME_MAX];
	uint32_t plen = get16(ip6 + 4);

	memset(b, 0, 40);
	memcpy(b, ip6 + 8, 32);
	be32(b + 32, plen);
	b[39] = 58;
	memcpy(b + 40, ip6 + 40, plen);
	return sum16(b, 40 + plen);
}

static uint32_t
build_nd(uint8_t *f, const struct nd_spec *s)
{
	uint32_t off, plen = 24 + s->opts_len;
	uint8_t *ip6, *icmp;

	memset(f, 0, FRAME_MAX);
	off = eth_hdr(f, mac_me, mac_a, s->nb_vlan, 0x86dd);
	ip6 = f + off;
	icmp = ip6 + 40;
	ip6[0] = 0x60;
	be16(ip6 + 4, (uint16_t)plen);
	ip6[6] = s->next ? s->next : 58;
	ip6[7] = s->hop ? s->hop : 255;
	memcpy(ip6 + 8, s->src, 16);
	memcpy(ip6 + 24, s->dst, 16);
	icmp[0] = s->type;
	icmp[1] = s->code;
	icmp[4] = s->flags;
	memcpy(icmp + 8, s->target, 16);
	if (s->opts_len != 0)  /* opts may be NULL then (UBSan) */
		memcpy(icmp + 24, s->opts, s->opts_len);
	be16(icmp + 2, (uint16_t)~icmp6_check(ip6));
	if (s->bad_csum)
		icmp[3] ^= 1;
	return off + 40 + plen;
}

/* ff02::1:ffXX:XXXX of @p target */
static void
sol_node(uint8_t *dst, const uint8_t *target)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	memcpy(dst, pfx, 13);
	memcpy(dst + 13, target + 13, 3);
}

/* source link-layer option of mac_b; nonce (RFC 3971) then the same */
static const uint8_t opt_sll_b[8] = { 1, 1, 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t opt_nonce_sll_b[16] = {
	14, 1, 1, 2, 3, 4, 5, 6, 1, 1, 0x02, 0, 0, 0, 0, 0x0b,
};
static const uint8_t opt_tll_b[8] = { 2, 1, 0x02, 0, 0, 0, 0, 0x0b };

static int
neigh_ok(const uint8_t *f, uint32_t len, struct wf_neigh *n, const char *why)
{
	WF_TEST_ASSERT_SUCCESS(wf_neigh_parse(f, len, n), "%s", why);
	return 0;
}

static int
neigh_bad(const uint8_t *f, uint32_t len, const char *why)
{
	struct wf_neigh n;

	WF_TEST_ASSERT_EQUAL(wf_neigh_parse(f, len, &n), -EINVAL, "%s", why);
	return 0;
}

static int
test_arp_parse(void)
{
	uint8_t f[FRAME_MAX];
	struct wf_neigh n;
	unsigned int v;
	uint32_t len, cut;

	for (v = 0; v <= 2; v++) {
		len = build_arp(f, v, 1, mac_a, v4_req, OWN0, 0);
		WF_TEST_ASSERT_EQUAL(len, 42 + 4 * v);
		WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "request"));
		WF_TEST_ASSERT_EQUAL(n.family, 4);
		WF_TEST_ASSERT_EQUAL(n.op, WF_NEIGH_REQUEST);
		WF_TEST_ASSERT_EQUAL(n.nb_vlan, v);
		WF_TEST_ASSERT(n.has_mac);
		WF_TEST_ASSERT(memcmp(n.mac, mac_a, 6) == 0);
		WF_TEST_ASSERT(memcmp(n.ip, v4_req, 4) == 0);
		WF_TEST_ASSERT(memcmp(n.ip + 4, v6_zero, 12) == 0);
		WF_TEST_ASSERT(memcmp(n.target, OWN0, 16) == 0);
		WF_TEST_ASSERT(memcmp(n.eth_src, mac_a, 6) == 0);
		WF_TEST_ASSERT(memcmp(n.ip6_src, v6_zero, 16) == 0);
		/* every cut is refused */
		for (cut = 0; cut < len; cut++)
			WF_TEST_ASSERT_SUCCESS(neigh_bad(f, cut, "cut"),
					"%u tags, %u bytes", v, cut);
		/* Ethernet padding after it is fine */
		len = build_arp(f, v, 1, mac_a, v4_req, OWN0, 60);
		WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "padded"));
	}

	len = build_arp(f, 0, 2, mac_a, v4_req, OWN0, 60);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "reply"));
	WF_TEST_ASSERT_EQUAL(n.op, WF_NEIGH_REPLY);

	/* each fixed field wrong in turn */
	{
		static const struct { uint32_t off; uint8_t val; } bad[] = {
			{ 1, 6 },      /* htype 6 */
			{ 2, 0x86 },   /* ptype 0x8600 */
			{ 4, 8 },      /* hlen */
			{ 5, 16 },     /* plen */
			{ 7, 3 },      /* op 3 (RARP) */
			{ 7, 0 },
		};
		unsigned int i;

		for (i = 0; i < NB(bad); i++) {
			len = build_arp(f, 0, 1, mac_a, v4_req, OWN0, 60);
			f[14 + bad[i].off] = bad[i].val;
			WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len, "field"),
					"byte %u", bad[i].off);
		}
	}
	/* three tags, and ethertypes that are not ARP */
	len = build_arp(f, 2, 1, mac_a, v4_req, OWN0, 0);
	memmove(f + 16, f + 12, len - 12);
	be16(f + 12, 0x8100);
	be16(f + 14, 7);
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len + 4, "three tags"));
	len = build_arp(f, 0, 1, mac_a, v4_req, OWN0, 60);
	be16(f + 12, 0x0800);
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len, "IPv4"));
	be16(f + 12, 0x8035);
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len, "RARP"));
	WF_TEST_ASSERT_EQUAL(wf_neigh_parse(NULL, 0, &n), -EINVAL);
	return 0;
}

static int
arp_answers(uint16_t op, const uint8_t *spa, const uint8_t *tpa,
		const uint8_t (*addrs)[16], unsigned int nb)
{
	uint8_t f[FRAME_MAX];
	struct wf_neigh n;
	uint32_t len = build_arp(f, 0, op, mac_a, spa, tpa, 60);

	if (wf_neigh_parse(f, len, &n) != 0)
		return -1;
	return wf_neigh_should_answer(&n, addrs, nb) ? 1 : 0;
}

static int
test_arp_should_answer(void)
{
	static const uint8_t other[4] = { 192, 0, 2, 12 };
	static const uint8_t zero[4];
	/* an IPv6 address that starts with an owned IPv4 one */
	static const uint8_t v6_like[1][16] = { { 192, 0, 2, 10, 1 } };
	uint8_t f[FRAME_MAX];
	struct wf_neigh n;
	uint32_t len, cut;

	WF_TEST_ASSERT_EQUAL(arp_answers(1, v4_req, OWN0, owned, 3), 1);
	WF_TEST_ASSERT_EQUAL(arp_answers(1, v4_req, OWN1, owned, 3), 1);
	WF_TEST_ASSERT_EQUAL(arp_answers(1, v4_req, other, owned, 3), 0);
	WF_TEST_ASSERT_EQUAL(arp_answers(1, v4_req, OWN1, owned, 1), 0,
			"not among the first one");
	WF_TEST_ASSERT_EQUAL(arp_answers(1, v4_req, OWN0, owned, 0), 0);
	WF_TEST_ASSERT_EQUAL(arp_answers(2, v4_req, OWN0, owned, 3), 0,
			"a reply");
	WF_TEST_ASSERT_EQUAL(arp_answers(1, OWN0, OWN0, owned, 3), 0,
			"gratuitous request");
	WF_TEST_ASSERT_EQUAL(arp_answers(2, OWN0, OWN0, owned, 3), 0,
			"gratuitous reply");
	WF_TEST_ASSERT_EQUAL(arp_answers(1, v4_req, OWN0, v6_like, 1), 0,
			"an IPv6 address is not an IPv4 one");
	/* an RFC 5227 probe is answered, which is how it learns of us */
	WF_TEST_ASSERT_EQUAL(arp_answers(1, zero, OWN0, owned, 3), 1);
	len = build_arp(f, 0, 1, mac_a, zero, OWN0, 60);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "probe"));
	WF_TEST_ASSERT(!n.has_mac, "0.0.0.0 has no link address to learn");

	/* truncated: no parse, so no answer */
	len = build_arp(f, 1, 1, mac_a, v4_req, OWN0, 0);
	for (cut = 0; cut < len; cut++) {
		memset(&n, 0x5a, sizeof(n));
		WF_TEST_ASSERT_EQUAL(wf_neigh_parse(f, cut, &n), -EINVAL);
		n.op = 0;
		WF_TEST_ASSERT(!wf_neigh_should_answer(&n, owned, 3));
	}
	WF_TEST_ASSERT(!wf_neigh_should_answer(NULL, owned, 3));
	return 0;
}

static int
test_arp_answer(void)
{
	uint8_t f[FRAME_MAX], out[WF_NEIGH_FRAME_MAX];
	struct wf_neigh n, r;
	uint32_t len, l2, olen;
	unsigned int v;

	for (v = 0; v <= 2; v++) {
		len = build_arp(f, v, 1, mac_a, v4_req, OWN1, 60);
		WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "request"));
		l2 = 14 + 4 * v;
		olen = wf_neigh_answer(f, &n, mac_me, out, sizeof(out));
		WF_TEST_ASSERT_EQUAL(olen, l2 + 28, "%u tags", v);
		WF_TEST_ASSERT_EQUAL(wf_neigh_answer(f, &n, mac_me, out, olen),
				olen);
		WF_TEST_ASSERT_EQUAL(wf_neigh_answer(f, &n, mac_me, out,
				olen - 1), 0);

		WF_TEST_ASSERT_SUCCESS(neigh_ok(out, olen, &r, "reply"));
		WF_TEST_ASSERT_EQUAL(r.family, 4);
		WF_TEST_ASSERT_EQUAL(r.op, WF_NEIGH_REPLY);
		WF_TEST_ASSERT_EQUAL(r.nb_vlan, v);
		WF_TEST_ASSERT(r.has_mac);
		WF_TEST_ASSERT(memcmp(r.mac, mac_me, 6) == 0);
		WF_TEST_ASSERT(memcmp(r.ip, OWN1, 16) == 0);
		WF_TEST_ASSERT(memcmp(r.target, v4_req, 4) == 0);
		WF_TEST_ASSERT(memcmp(r.eth_src, mac_me, 6) == 0);
		WF_TEST_ASSERT(memcmp(out, mac_a, 6) == 0, "to the requester");
		WF_TEST_ASSERT(memcmp(out + 12, f + 12, l2 - 12) == 0,
				"tags and ethertype as they came");
		WF_TEST_ASSERT(memcmp(out + l2 + 18, mac_a, 6) == 0,
				"target hardware address");
		WF_TEST_ASSERT(!wf_neigh_should_answer(&r, owned, 3));
	}
	/* a reply is not answered */
	len = build_arp(f, 0, 2, mac_a, v4_req, OWN1, 60);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "reply"));
	WF_TEST_ASSERT_EQUAL(wf_neigh_answer(f, &n, mac_me, out, sizeof(out)),
			0);
	return 0;
}

/* An NS from v6_a for @p target to its group, with options. */
static uint32_t
build_ns(uint8_t *f, unsigned int nb_vlan, const uint8_t *src,
		const uint8_t *target, const uint8_t *opts, uint32_t opts_len)
{
	uint8_t dst[16];
	struct nd_spec s = {
		.type = 135, .src = src, .dst = dst, .target = target,
		.nb_vlan = nb_vlan, .opts = opts, .opts_len = opts_len,
	};

	sol_node(dst, target);
	return build_nd(f, &s);
}

static int
na_check(const uint8_t *out, uint32_t olen, const uint8_t *req,
		const struct wf_neigh *n, const uint8_t *eth_dst,
		const uint8_t *ip_dst, uint8_t flags)
{
	static const uint8_t tll_me[8] = { 2, 1, 0x02, 0xee, 0, 0, 0, 0x01 };
	uint32_t l2 = 14 + 4u * n->nb_vlan;
	const uint8_t *ip6 = out + l2, *icmp = ip6 + 40;
	struct wf_neigh r;

	WF_TEST_ASSERT_EQUAL(olen, l2 + 40 + 32);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(out, olen, &r, "NA"));
	WF_TEST_ASSERT_EQUAL(r.family, 6);
	WF_TEST_ASSERT_EQUAL(r.op, WF_NEIGH_REPLY);
	WF_TEST_ASSERT_EQUAL(r.nb_vlan, n->nb_vlan);
	WF_TEST_ASSERT(r.has_mac);
	WF_TEST_ASSERT(memcmp(r.mac, mac_me, 6) == 0);
	WF_TEST_ASSERT(memcmp(r.ip, n->target, 16) == 0);
	WF_TEST_ASSERT(memcmp(r.target, n->target, 16) == 0);
	WF_TEST_ASSERT(memcmp(r.ip6_src, n->target, 16) == 0);
	WF_TEST_ASSERT(memcmp(r.eth_src, mac_me, 6) == 0);
	WF_TEST_ASSERT(!wf_neigh_should_answer(&r, owned, 3));

	WF_TEST_ASSERT(memcmp(out, eth_dst, 6) == 0, "Ethernet destination");
	WF_TEST_ASSERT(memcmp(out + 12, req + 12, l2 - 12) == 0,
			"tags and ethertype as they came");
	WF_TEST_ASSERT_EQUAL(ip6[0], 0x60);
	WF_TEST_ASSERT_EQUAL(get16(ip6 + 4), 32);
	WF_TEST_ASSERT_EQUAL(ip6[6], 58);
	WF_TEST_ASSERT_EQUAL(ip6[7], 255, "hop limit");
	WF_TEST_ASSERT(memcmp(ip6 + 24, ip_dst, 16) == 0, "IPv6 destination");
	WF_TEST_ASSERT_EQUAL(icmp[0], 136);
	WF_TEST_ASSERT_EQUAL(icmp[1], 0);
	WF_TEST_ASSERT_EQUAL(icmp6_check(ip6), 0xffff, "ICMPv6 checksum");
	WF_TEST_ASSERT_EQUAL(icmp[4], flags);
	WF_TEST_ASSERT_EQUAL(icmp[5] | icmp[6] | icmp[7], 0);
	WF_TEST_ASSERT(memcmp(icmp + 24, tll_me, 8) == 0, "target ll option");
	return 0;
}

static int
test_nd_answer(void)
{
	uint8_t f[FRAME_MAX], out[WF_NEIGH_FRAME_MAX];
	struct wf_neigh n;
	uint32_t len, olen;
	unsigned int v;

	for (v = 0; v <= 2; v++) {
		/* the option's MAC differs from the Ethernet source: it wins */
		len = build_ns(f, v, v6_a, v6_own, opt_sll_b, 8);
		WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "NS"));
		WF_TEST_ASSERT_EQUAL(n.family, 6);
		WF_TEST_ASSERT_EQUAL(n.op, WF_NEIGH_REQUEST);
		WF_TEST_ASSERT_EQUAL(n.nb_vlan, v);
		WF_TEST_ASSERT(n.has_mac);
		WF_TEST_ASSERT(memcmp(n.mac, mac_b, 6) == 0);
		WF_TEST_ASSERT(memcmp(n.ip, v6_a, 16) == 0);
		WF_TEST_ASSERT(memcmp(n.target, v6_own, 16) == 0);
		WF_TEST_ASSERT(memcmp(n.eth_src, mac_a, 6) == 0);
		WF_TEST_ASSERT(memcmp(n.ip6_src, v6_a, 16) == 0);
		WF_TEST_ASSERT(wf_neigh_should_answer(&n, owned, 3));

		olen = wf_neigh_answer(f, &n, mac_me, out, sizeof(out));
		WF_TEST_ASSERT_SUCCESS(na_check(out, olen, f, &n, mac_a, v6_a,
				0x60), "%u tags", v);
		WF_TEST_ASSERT_EQUAL(wf_neigh_answer(f, &n, mac_me, out,
				olen - 1), 0);
	}

	/* no option: the Ethernet source */
	len = build_ns(f, 0, v6_a, v6_own, NULL, 0);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "NS no option"));
	WF_TEST_ASSERT(memcmp(n.mac, mac_a, 6) == 0);
	WF_TEST_ASSERT(wf_neigh_should_answer(&n, owned, 3));
	/* an option it does not know comes first: skipped */
	len = build_ns(f, 0, v6_a, v6_own, opt_nonce_sll_b, 16);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "NS nonce"));
	WF_TEST_ASSERT(memcmp(n.mac, mac_b, 6) == 0);
	/* a target link-layer option is not the sender's: ignored in an NS */
	len = build_ns(f, 0, v6_a, v6_own, opt_tll_b, 8);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "NS with TLL"));
	WF_TEST_ASSERT(memcmp(n.mac, mac_a, 6) == 0);
	/* Ethernet padding after the datagram is fine */
	len = build_ns(f, 0, v6_a, v6_own, NULL, 0);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len + 6, &n, "NS padded"));

	/* someone else's address */
	len = build_ns(f, 0, v6_a, v6_b, opt_sll_b, 8);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "NS other"));
	WF_TEST_ASSERT(!wf_neigh_should_answer(&n, owned, 3));
	WF_TEST_ASSERT(!wf_neigh_should_answer(&n, owned, 0));

	/* DAD: not answered; were it, the NA would go to all nodes */
	len = build_ns(f, 1, v6_zero, v6_own, NULL, 0);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "DAD"));
	WF_TEST_ASSERT(!n.has_mac, ":: has no link address to learn");
	WF_TEST_ASSERT(memcmp(n.ip6_src, v6_zero, 16) == 0);
	WF_TEST_ASSERT(!wf_neigh_should_answer(&n, owned, 3));
	{
		static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
		static const uint8_t mac_all[6] = { 0x33, 0x33, 0, 0, 0, 1 };

		olen = wf_neigh_answer(f, &n, mac_me, out, sizeof(out));
		WF_TEST_ASSERT_SUCCESS(na_check(out, olen, f, &n, mac_all,
				all_nodes, 0x20));
	}
	/* a DAD probe may not carry a source link-layer option */
	len = build_ns(f, 0, v6_zero, v6_own, opt_sll_b, 8);
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len, "DAD with SLL"));
	return 0;
}

static int
test_nd_parse(void)
{
	static const uint8_t zero_opt[8] = { 1, 0, 0x02, 0, 0, 0, 0, 0x0b };
	static const uint8_t long_opt[8] = { 1, 2, 0x02, 0, 0, 0, 0, 0x0b };
	static const uint8_t mcast[16] = { 0xff, 0x02, [15] = 1 };
	uint8_t f[FRAME_MAX], dst[16];
	struct wf_neigh n;
	struct nd_spec s;
	uint32_t len, cut;

	/* every cut is refused, even inside the options */
	len = build_ns(f, 1, v6_a, v6_own, opt_nonce_sll_b, 16);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "NS"));
	for (cut = 0; cut < len; cut++)
		WF_TEST_ASSERT_SUCCESS(neigh_bad(f, cut, "cut"), "%u", cut);

	/* options: zero length, past the end, a lone byte */
	len = build_ns(f, 0, v6_a, v6_own, zero_opt, 8);
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len, "zero-length option"));
	len = build_ns(f, 0, v6_a, v6_own, long_opt, 8);
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len, "option past the end"));
	len = build_ns(f, 0, v6_a, v6_own, opt_sll_b, 1);
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len, "one byte of option"));
	len = build_ns(f, 0, v6_a, v6_own, opt_nonce_sll_b, 12);
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len, "second option cut"));

	/* the fixed parts, one at a time */
	sol_node(dst, v6_own);
	s = (struct nd_spec){ .type = 135, .src = v6_a, .dst = dst,
		.target = v6_own, .opts = opt_sll_b, .opts_len = 8 };
	len = build_nd(f, &s);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "NS"));
	s.hop = 64;
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, build_nd(f, &s), "hop limit"));
	s.hop = 0;
	s.code = 1;
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, build_nd(f, &s), "code"));
	s.code = 0;
	s.bad_csum = true;
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, build_nd(f, &s), "checksum"));
	s.bad_csum = false;
	s.next = 17;
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, build_nd(f, &s), "not ICMPv6"));
	s.next = 0;
	s.type = 128;
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, build_nd(f, &s), "echo"));
	s.type = 135;
	s.target = mcast;
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, build_nd(f, &s), "mcast target"));
	s.target = v6_own;
	len = build_nd(f, &s);
	f[14] = 0x40;
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len, "version"));
	/* a body shorter than 24 bytes, the frame being long enough */
	len = build_nd(f, &s);
	be16(f + 18, 20);
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, len, "short body"));

	/* NA: the target's link-layer option, the target as ip */
	s = (struct nd_spec){ .type = 136, .src = v6_b, .dst = v6_a,
		.target = v6_b, .opts = opt_tll_b, .opts_len = 8,
		.flags = 0x60 };
	len = build_nd(f, &s);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, len, &n, "NA"));
	WF_TEST_ASSERT_EQUAL(n.op, WF_NEIGH_REPLY);
	WF_TEST_ASSERT(n.has_mac);
	WF_TEST_ASSERT(memcmp(n.mac, mac_b, 6) == 0);
	WF_TEST_ASSERT(memcmp(n.ip, v6_b, 16) == 0);
	WF_TEST_ASSERT(memcmp(n.target, v6_b, 16) == 0);
	WF_TEST_ASSERT(memcmp(n.ip6_src, v6_b, 16) == 0);
	WF_TEST_ASSERT(!wf_neigh_should_answer(&n, owned, 3));
	WF_TEST_ASSERT_EQUAL(wf_neigh_answer(f, &n, mac_me, f, FRAME_MAX), 0);
	/* ... without it, the Ethernet source */
	s.opts_len = 0;
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, build_nd(f, &s), &n, "NA bare"));
	WF_TEST_ASSERT(memcmp(n.mac, mac_a, 6) == 0);
	/* solicited, yet to a group: no answer to anyone (RFC 4861 7.1.2) */
	s.dst = mcast;
	WF_TEST_ASSERT_SUCCESS(neigh_bad(f, build_nd(f, &s), "S to group"));
	s.flags = 0x20;
	WF_TEST_ASSERT_SUCCESS(neigh_ok(f, build_nd(f, &s), &n, "unsolicited"));
	return 0;
}

static int
test_request(void)
{
	static const uint8_t v4_src[4] = { 192, 0, 2, 10 };
	static const uint8_t v4_tgt[16] = { 192, 0, 2, 99 };
	static const uint8_t v6_tgt[16] = { 0x20, 0x01, 0x0d, 0xb8,
		[12] = 0xa1, [13] = 0xb2, [14] = 0xc3, [15] = 0xd4 };
	static const uint8_t v6_grp[16] = { 0xff, 0x02, [11] = 1,
		[12] = 0xff, [13] = 0xb2, [14] = 0xc3, [15] = 0xd4 };
	static const uint8_t mac_grp[6] = { 0x33, 0x33, 0xff, 0xb2, 0xc3, 0xd4 };
	uint8_t out[WF_NEIGH_FRAME_MAX];
	const uint8_t (*tgt4)[16] = &v4_tgt, (*tgt6)[16] = &v6_tgt;
	struct wf_neigh n;
	uint32_t len, i;

	len = wf_neigh_request(4, mac_me, v4_src, v4_tgt, out, sizeof(out));
	WF_TEST_ASSERT_EQUAL(len, 42);
	WF_TEST_ASSERT_EQUAL(wf_neigh_request(4, mac_me, v4_src, v4_tgt, out,
			41), 0);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(out, len, &n, "ARP request"));
	WF_TEST_ASSERT_EQUAL(n.family, 4);
	WF_TEST_ASSERT_EQUAL(n.op, WF_NEIGH_REQUEST);
	WF_TEST_ASSERT_EQUAL(n.nb_vlan, 0);
	WF_TEST_ASSERT(n.has_mac);
	WF_TEST_ASSERT(memcmp(n.mac, mac_me, 6) == 0);
	WF_TEST_ASSERT(memcmp(n.ip, v4_src, 4) == 0);
	WF_TEST_ASSERT(memcmp(n.target, v4_tgt, 16) == 0);
	WF_TEST_ASSERT(memcmp(out, eth_bcast, 6) == 0);
	WF_TEST_ASSERT(memcmp(out + 6, mac_me, 6) == 0);
	for (i = 0; i < 6; i++)
		WF_TEST_ASSERT_EQUAL(out[14 + 18 + i], 0, "target hw");
	WF_TEST_ASSERT(wf_neigh_should_answer(&n, tgt4, 1));

	len = wf_neigh_request(6, mac_me, v6_own, v6_tgt, out, sizeof(out));
	WF_TEST_ASSERT_EQUAL(len, 14 + 40 + 32);
	WF_TEST_ASSERT_EQUAL(wf_neigh_request(6, mac_me, v6_own, v6_tgt, out,
			len - 1), 0);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(out, len, &n, "NS"));
	WF_TEST_ASSERT_EQUAL(n.family, 6);
	WF_TEST_ASSERT_EQUAL(n.op, WF_NEIGH_REQUEST);
	WF_TEST_ASSERT(n.has_mac);
	WF_TEST_ASSERT(memcmp(n.mac, mac_me, 6) == 0);
	WF_TEST_ASSERT(memcmp(n.ip, v6_own, 16) == 0);
	WF_TEST_ASSERT(memcmp(n.target, v6_tgt, 16) == 0);
	WF_TEST_ASSERT(memcmp(out, mac_grp, 6) == 0, "group MAC");
	WF_TEST_ASSERT(memcmp(out + 14 + 24, v6_grp, 16) == 0, "group");
	WF_TEST_ASSERT_EQUAL(out[14 + 7], 255, "hop limit");
	WF_TEST_ASSERT_EQUAL(icmp6_check(out + 14), 0xffff, "checksum");
	WF_TEST_ASSERT_EQUAL(out[14 + 40 + 24], 1, "source ll option");
	WF_TEST_ASSERT_EQUAL(out[14 + 40 + 25], 1);
	WF_TEST_ASSERT(wf_neigh_should_answer(&n, tgt6, 1));

	/* a DAD probe: from ::, no option */
	len = wf_neigh_request(6, mac_me, v6_zero, v6_tgt, out, sizeof(out));
	WF_TEST_ASSERT_EQUAL(len, 14 + 40 + 24);
	WF_TEST_ASSERT_SUCCESS(neigh_ok(out, len, &n, "DAD"));
	WF_TEST_ASSERT(!n.has_mac);
	WF_TEST_ASSERT(!wf_neigh_should_answer(&n, tgt6, 1));

	WF_TEST_ASSERT_EQUAL(wf_neigh_request(5, mac_me, v6_own, v6_tgt, out,
			sizeof(out)), 0);
	WF_TEST_ASSERT_EQUAL(wf_neigh_request(4, mac_me, v4_src, v4_tgt, out,
			0), 0);
	return 0;
}

static const struct wf_test_case cases[] = {
	WF_TEST(test_csum_adjust),
	WF_TEST(test_rewrite),
	WF_TEST(test_rewrite_every_port),
	WF_TEST(test_rewrite_corrupt),
	WF_TEST(test_rewrite_refused),
	WF_TEST(test_set_macs),
	WF_TEST(test_ports_basic),
	WF_TEST(test_ports_full_range),
	WF_TEST(test_ports_reference),
	WF_TEST(test_ports_threads),
	WF_TEST(test_arp_parse),
	WF_TEST(test_arp_should_answer),
	WF_TEST(test_arp_answer),
	WF_TEST(test_nd_answer),
	WF_TEST(test_nd_parse),
	WF_TEST(test_request),
};

WF_TEST_MAIN("nat", cases)
