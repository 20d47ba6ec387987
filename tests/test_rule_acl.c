/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The rte_acl compilation of the flow parts against wf_rule_match_flow():
 * over random rule sets and packets drawn from the same few values (so
 * that rules and packets meet), the compiled set names the same first
 * matching rule as checking each rule in turn.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_memory.h>

#include "wf_rule.h"
#include "wf_test.h"
#include "wf_test_eal.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const v4_addrs[] = { "10.0.0.1", "10.0.0.2", "10.1.2.3",
	"198.18.0.1", "198.19.255.254", "0.0.0.0", "255.255.255.255" };
static const char *const v6_addrs[] = { "2001:db8::1", "2001:db8::2",
	"2001:db8:1::1", "fe80::1", "::", "ffff::1", "::ffff:10.0.0.1" };
static const unsigned int v4_plens[] = { 0, 1, 8, 16, 24, 31, 32 };
static const unsigned int v6_plens[] = { 0, 1, 16, 32, 48, 64, 65, 96, 127,
	128 };
static const uint16_t ports[] = { 0, 1, 22, 53, 79, 80, 81, 443, 1024, 8080,
	65535 };
static const char *const protos[] = { "tcp", "udp", "icmp", "ip" };

static uint64_t rng = 88172645463325252ull;

static unsigned int
pick(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

/* A random rule text over the flow-part words. */
static void
random_rule(char *buf, size_t len)
{
	int v6 = pick(3) == 0;
	size_t n = 0;
	unsigned int lo, hi;

	buf[0] = '\0';
	if (pick(2))
		n += (size_t)snprintf(buf + n, len - n, "proto %s ",
				protos[pick(DIM(protos))]);
	if (pick(2))
		n += (size_t)snprintf(buf + n, len - n, "src %s/%u ",
				v6 ? v6_addrs[pick(DIM(v6_addrs))] :
				v4_addrs[pick(DIM(v4_addrs))],
				v6 ? v6_plens[pick(DIM(v6_plens))] :
				v4_plens[pick(DIM(v4_plens))]);
	if (pick(2)) {
		/* now and then the other family: never matches */
		int dv6 = v6 ^ (pick(8) == 0);

		n += (size_t)snprintf(buf + n, len - n, "dst %s/%u ",
				dv6 ? v6_addrs[pick(DIM(v6_addrs))] :
				v4_addrs[pick(DIM(v4_addrs))],
				dv6 ? v6_plens[pick(DIM(v6_plens))] :
				v4_plens[pick(DIM(v4_plens))]);
	}
	{
		static const char *const pw[] = { "sport", "dport", "port" };
		unsigned int k;

		for (k = 0; k < 3; k++) {
			if (pick(3) != 0)
				continue;
			lo = ports[pick(DIM(ports))];
			hi = ports[pick(DIM(ports))];
			if (lo > hi) {
				unsigned int t = lo;

				lo = hi;
				hi = t;
			}
			n += (size_t)snprintf(buf + n, len - n, "%s %u-%u ",
					pw[k], lo, hi);
		}
	}
	snprintf(buf + n, len - n, "action pass");
}

static struct wf_pkt
random_pkt(void)
{
	static const uint8_t pkt_protos[] = { IPPROTO_TCP, IPPROTO_UDP,
		IPPROTO_ICMP, IPPROTO_ICMPV6, 47 };
	struct wf_pkt p;
	int v6 = pick(3) == 0;
	int af = v6 ? AF_INET6 : AF_INET;

	memset(&p, 0, sizeof(p));
	p.family = v6 ? 6 : 4;
	p.proto = pkt_protos[pick(DIM(pkt_protos))];
	inet_pton(af, v6 ? v6_addrs[pick(DIM(v6_addrs))] :
		v4_addrs[pick(DIM(v4_addrs))], p.src);
	inet_pton(af, v6 ? v6_addrs[pick(DIM(v6_addrs))] :
		v4_addrs[pick(DIM(v4_addrs))], p.dst);
	/* neighbours of the rule values too */
	p.src[v6 ? 15 : 3] ^= (uint8_t)(pick(4) == 0);
	p.dst[v6 ? 15 : 3] ^= (uint8_t)(pick(4) == 0);
	if (p.proto == IPPROTO_TCP || p.proto == IPPROTO_UDP) {
		p.sport = (uint16_t)(ports[pick(DIM(ports))] + pick(3) - 1);
		p.dport = (uint16_t)(ports[pick(DIM(ports))] + pick(3) - 1);
	}
	return p;
}

static uint32_t
first_linear(const struct wf_rule_match *const *m, uint32_t first,
		uint32_t n, const struct wf_pkt *p)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (wf_rule_match_flow(m[i], p))
			return first + i;
	return UINT32_MAX;
}

static int
test_random_sets(void)
{
	static const uint32_t sizes[] = { 1, 2, 10, 100, 1000 };
	const struct wf_rule_env env = { .nb_ports = 2 };
	char line[256], err[256];
	unsigned int s, k, hits = 0, checks = 0;

	for (s = 0; s < DIM(sizes); s++) {
		const uint32_t n = sizes[s], first = 63 + s;
		struct wf_rule *r = calloc(n, sizeof(*r));
		const struct wf_rule_match **m = calloc(n, sizeof(*m));
		struct wf_rule_acl *a;
		uint32_t i, want, got;

		WF_TEST_ASSERT(r != NULL && m != NULL);
		for (i = 0; i < n; i++) {
			do
				random_rule(line, sizeof(line));
			while (wf_rule_parse_line(line, &env, &r[i], err,
					sizeof(err)) != 0);
			m[i] = &r[i].m;
		}
		a = wf_rule_acl_build(m, first, n, SOCKET_ID_ANY);
		WF_TEST_ASSERT(a != NULL, "%u rules: %s", n,
				rte_strerror(rte_errno));
		for (k = 0; k < 20000; k++) {
			struct wf_pkt p = random_pkt();

			want = first_linear(m, first, n, &p);
			got = wf_rule_acl_first(a, &p);
			checks++;
			hits += want != UINT32_MAX;
			if (got != want) {
				char text[512];

				if (want != UINT32_MAX)
					wf_rule_format(&r[want - first], text,
						sizeof(text));
				else
					snprintf(text, sizeof(text), "none");
				WF_TEST_ASSERT(got == want, "%u rules, packet "
					"%u (proto %u family %u ports %u>%u): "
					"acl %u, linear %u (%s)", n, k, p.proto,
					p.family, p.sport, p.dport, got, want,
					text);
			}
		}
		wf_rule_acl_free(a);
		free(m);
		free(r);
	}
	printf("%u packets checked, %u matched a rule\n", checks, hits);
	/* the draw must exercise both outcomes to mean anything */
	WF_TEST_ASSERT(hits > checks / 20 && hits < checks - checks / 20,
			"hits %u of %u", hits, checks);
	return 0;
}

/* Rules that can never match (two families; ICMP with ports) build too. */
static int
test_never_matching(void)
{
	const struct wf_rule_env env = { .nb_ports = 2 };
	static const char *const lines[] = {
		"src 10.0.0.0/8 dst 2001:db8::/32 action pass",
		"proto tcp src 0.0.0.0/0 dst ::/0 action pass",
	};
	struct wf_rule r[DIM(lines)];
	const struct wf_rule_match *m[DIM(lines)];
	struct wf_rule_acl *a;
	struct wf_pkt p;
	char err[256];
	unsigned int i, k;

	for (i = 0; i < DIM(lines); i++) {
		WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(lines[i], &env, &r[i],
				err, sizeof(err)), "%s", err);
		m[i] = &r[i].m;
	}
	a = wf_rule_acl_build(m, 100, DIM(lines), SOCKET_ID_ANY);
	WF_TEST_ASSERT(a != NULL);
	for (k = 0; k < 1000; k++) {
		p = random_pkt();
		WF_TEST_ASSERT_EQUAL(wf_rule_acl_first(a, &p), UINT32_MAX);
	}
	wf_rule_acl_free(a);
	return 0;
}

int
main(void)
{
	static const struct wf_test_case cases[] = {
		WF_TEST(test_random_sets),
		WF_TEST(test_never_matching),
	};
	int ret;

	if (wf_test_eal_init("test_rule_acl") != 0)
		return 1;
	ret = wf_test_run("rule_acl", cases, DIM(cases));
	wf_test_eal_done();
	return ret;
}
