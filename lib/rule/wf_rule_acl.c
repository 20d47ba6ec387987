/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The flow parts of a long rule set compiled with rte_acl: which rule is
 * the first whose protocol, addresses and ports match a packet, in one
 * trie walk instead of a compare per rule.
 *
 * One layout serves IPv4 and IPv6: the protocol (the 1-byte first field
 * rte_acl wants), the family as a 4-byte word, each address as four
 * 4-byte words (IPv4 in the first, its rules leave the other three open)
 * and the two ports. A rule becomes one ACL rule per protocol it can
 * match (icmp: ICMP and ICMPv6; ports without a protocol: TCP and UDP)
 * and per side of a "port" word; earlier rules get higher priority, and
 * the userdata is the rule's index + 1.
 */

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_errno.h>

#include "wf_rule.h"

/* The classifier's input, in network order as rte_acl reads it. */
struct acl_key {
	uint8_t proto;
	uint8_t pad[3];
	uint32_t family;
	uint32_t src[4];
	uint32_t dst[4];
	uint16_t sport, dport;
};

enum { F_PROTO, F_FAMILY, F_SRC, F_DST = F_SRC + 4, F_SPORT = F_DST + 4,
	F_DPORT, F_NUM };

RTE_ACL_RULE_DEF(acl_rule, F_NUM);

struct wf_rule_acl {
	struct rte_acl_ctx *ctx;
	uint32_t first;        /* rule index of userdata 1 */
};

static void
field_defs(struct rte_acl_field_def *d)
{
	unsigned int k;

	d[F_PROTO] = (struct rte_acl_field_def){
		.type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 1,
		.field_index = F_PROTO, .input_index = 0,
		.offset = offsetof(struct acl_key, proto) };
	d[F_FAMILY] = (struct rte_acl_field_def){
		.type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 4,
		.field_index = F_FAMILY, .input_index = 1,
		.offset = offsetof(struct acl_key, family) };
	for (k = 0; k < 4; k++) {
		d[F_SRC + k] = (struct rte_acl_field_def){
			.type = RTE_ACL_FIELD_TYPE_MASK, .size = 4,
			.field_index = (uint8_t)(F_SRC + k),
			.input_index = (uint8_t)(2 + k),
			.offset = (uint32_t)(offsetof(struct acl_key, src) + 4 * k) };
		d[F_DST + k] = (struct rte_acl_field_def){
			.type = RTE_ACL_FIELD_TYPE_MASK, .size = 4,
			.field_index = (uint8_t)(F_DST + k),
			.input_index = (uint8_t)(6 + k),
			.offset = (uint32_t)(offsetof(struct acl_key, dst) + 4 * k) };
	}
	/* both ports in one 4-byte input group */
	d[F_SPORT] = (struct rte_acl_field_def){
		.type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2,
		.field_index = F_SPORT, .input_index = 10,
		.offset = offsetof(struct acl_key, sport) };
	d[F_DPORT] = (struct rte_acl_field_def){
		.type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2,
		.field_index = F_DPORT, .input_index = 10,
		.offset = offsetof(struct acl_key, dport) };
}

/* A prefix as four MASK fields (host order values, prefix lengths). */
static void
cidr_fields(struct rte_acl_field *f, const struct wf_cidr *c)
{
	unsigned int k, words = c->family == 4 ? 1 : 4;
	uint32_t w;
	int left;

	for (k = 0; k < 4; k++) {
		f[k].value.u32 = 0;
		f[k].mask_range.u32 = 0;
	}
	for (k = 0; k < words; k++) {
		left = (int)c->plen - 32 * (int)k;
		memcpy(&w, &c->addr[4 * k], 4);
		f[k].value.u32 = rte_be_to_cpu_32(w);
		f[k].mask_range.u32 = left <= 0 ? 0 : left >= 32 ? 32 :
			(uint32_t)left;
	}
}

/* What a rule matches, before the protocol and "port" expansions. */
struct acl_base {
	struct acl_rule r;
	uint8_t protos[2];
	unsigned int nb_protos;  /* 0: the rule can never match */
};

static void
acl_base_make(const struct wf_rule_match *m, uint32_t index,
		struct acl_base *b)
{
	const uint16_t pr = m->present;
	const bool ports = pr & (WF_RM_SPORT | WF_RM_DPORT | WF_RM_PORT);
	uint8_t family = 0;

	memset(b, 0, sizeof(*b));
	b->r.data.category_mask = 1;
	b->r.data.priority = (int32_t)(RTE_ACL_MAX_PRIORITY - index);
	b->r.data.userdata = index + 1;
	if (pr & WF_RM_SRC) {
		family = m->src.family;
		cidr_fields(&b->r.field[F_SRC], &m->src);
	}
	if (pr & WF_RM_DST) {
		if (family != 0 && m->dst.family != family)
			return;  /* no packet has two families */
		family = m->dst.family;
		cidr_fields(&b->r.field[F_DST], &m->dst);
	}
	if (family != 0) {
		b->r.field[F_FAMILY].value.u32 = family;
		b->r.field[F_FAMILY].mask_range.u32 = UINT32_MAX;
	}
	b->r.field[F_SPORT].mask_range.u16 = UINT16_MAX;
	b->r.field[F_DPORT].mask_range.u16 = UINT16_MAX;
	if (pr & WF_RM_SPORT) {
		b->r.field[F_SPORT].value.u16 = m->sport.lo;
		b->r.field[F_SPORT].mask_range.u16 = m->sport.hi;
	}
	if (pr & WF_RM_DPORT) {
		b->r.field[F_DPORT].value.u16 = m->dport.lo;
		b->r.field[F_DPORT].mask_range.u16 = m->dport.hi;
	}
	/* protocols: a 0 entry is "any" (mask 0) */
	if (!(pr & WF_RM_PROTO) || m->proto == WF_RULE_PROTO_IP) {
		if (ports) {
			/* only TCP and UDP have ports */
			b->protos[0] = IPPROTO_TCP;
			b->protos[1] = IPPROTO_UDP;
			b->nb_protos = 2;
		} else {
			b->nb_protos = 1;
		}
	} else if (m->proto == IPPROTO_ICMP) {
		if (!ports) {
			b->protos[0] = IPPROTO_ICMP;
			b->protos[1] = IPPROTO_ICMPV6;
			b->nb_protos = 2;
		}
	} else {
		b->protos[0] = m->proto;
		b->nb_protos = 1;
	}
}

/* r's ports, narrowed to @p p on side @p f; false when empty. */
static bool
narrow(struct acl_rule *r, unsigned int f, const struct wf_port_range *p)
{
	uint16_t lo = RTE_MAX(r->field[f].value.u16, p->lo);
	uint16_t hi = RTE_MIN(r->field[f].mask_range.u16, p->hi);

	if (lo > hi)
		return false;
	r->field[f].value.u16 = lo;
	r->field[f].mask_range.u16 = hi;
	return true;
}

/* Expand one rule into @p out (room for 4); returns how many. */
static unsigned int
acl_rules_of(const struct wf_rule_match *m, uint32_t index,
		struct acl_rule *out)
{
	struct acl_base b;
	struct acl_rule sides[2];
	unsigned int nb_sides = 0, i, j, n = 0;

	acl_base_make(m, index, &b);
	if (m->present & WF_RM_PORT) {
		/* "port P": either side */
		sides[0] = b.r;
		sides[1] = b.r;
		if (narrow(&sides[0], F_SPORT, &m->port))
			nb_sides++;
		if (narrow(&sides[1], F_DPORT, &m->port))
			sides[nb_sides++] = sides[1];
	} else {
		sides[nb_sides++] = b.r;
	}
	for (i = 0; i < b.nb_protos; i++)
		for (j = 0; j < nb_sides; j++) {
			out[n] = sides[j];
			if (b.protos[i] != 0) {
				out[n].field[F_PROTO].value.u8 = b.protos[i];
				out[n].field[F_PROTO].mask_range.u8 = UINT8_MAX;
			}
			n++;
		}
	return n;
}

struct wf_rule_acl *
wf_rule_acl_build(const struct wf_rule_match *const *m, uint32_t first,
		uint32_t n, int socket_id)
{
	static unsigned int serial;
	struct rte_acl_config cfg = { .num_categories = 1,
		.num_fields = F_NUM };
	struct rte_acl_param prm = { .socket_id = socket_id,
		.rule_size = RTE_ACL_RULE_SZ(F_NUM),
		.max_rule_num = 4 * n };
	struct wf_rule_acl *a;
	struct acl_rule *rules;
	char name[RTE_ACL_NAMESIZE];
	uint32_t i, nb = 0;
	int ret;

	if (n == 0 || n >= (uint32_t)RTE_ACL_MAX_PRIORITY) {
		rte_errno = EINVAL;
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	rules = calloc(4 * (size_t)n, sizeof(*rules));
	if (a == NULL || rules == NULL) {
		free(a);
		free(rules);
		rte_errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++)
		nb += acl_rules_of(m[i], i, &rules[nb]);
	a->first = first;
	if (nb == 0) {
		/* none of them can match anything: no context, no match */
		free(rules);
		return a;
	}
	snprintf(name, sizeof(name), "wf_acl_%u", serial++);
	prm.name = name;
	a->ctx = rte_acl_create(&prm);
	if (a->ctx == NULL) {
		ret = -rte_errno;
		goto fail;
	}
	field_defs(cfg.defs);
	ret = rte_acl_add_rules(a->ctx, (const struct rte_acl_rule *)rules, nb);
	if (ret == 0)
		ret = rte_acl_build(a->ctx, &cfg);
	if (ret != 0)
		goto fail;
	free(rules);
	return a;
fail:
	free(rules);
	wf_rule_acl_free(a);
	rte_errno = -ret;
	return NULL;
}

uint32_t
wf_rule_acl_first(const struct wf_rule_acl *a, const struct wf_pkt *p)
{
	struct acl_key k;
	const uint8_t *data = (const uint8_t *)&k;
	uint32_t res = 0;

	if (a->ctx == NULL)
		return UINT32_MAX;
	memset(&k, 0, sizeof(k));
	k.proto = p->proto;
	k.family = rte_cpu_to_be_32(p->family);
	memcpy(k.src, p->src, sizeof(k.src));
	memcpy(k.dst, p->dst, sizeof(k.dst));
	k.sport = rte_cpu_to_be_16(p->sport);
	k.dport = rte_cpu_to_be_16(p->dport);
	if (rte_acl_classify(a->ctx, &data, &res, 1, 1) != 0 || res == 0)
		return UINT32_MAX;
	return a->first + res - 1;
}

void
wf_rule_acl_free(struct wf_rule_acl *a)
{
	if (a == NULL)
		return;
	rte_acl_free(a->ctx);
	free(a);
}
