/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * lb to IP:PORT[,IP:PORT...] [mode rr|random|hash] [snat IP [ports LO-HI]]:
 * spread new
 * connections to the rule's VIP (its dst) over backends. Only the words
 * are here; the app keeps the per-flow mappings and rewrites packets.
 * IPv6 backends are written [ADDR]:PORT, as in URLs.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "wf_num.h"
#include "wf_act_private.h"

static const char *const mode_names[WF_LB_MODE_MAX] = {
	[WF_LB_RR] = "rr", [WF_LB_RANDOM] = "random", [WF_LB_HASH] = "hash",
};

/* An address of either family: 4 or 6, or 0 when @p s is neither. */
static int
addr_parse(const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 6;
	return 0;
}

/* A unicast address a connection can be made to or from. */
static bool
addr_unicast(int family, const uint8_t a[16])
{
	static const uint8_t zero[16];

	if (family == 4)
		return a[0] != 0 && a[0] != 127 && a[0] < 224;
	return memcmp(a, zero, 16) != 0 && a[0] != 0xff &&
		!(memcmp(a, zero, 15) == 0 && a[15] == 1);
}

/* One "IP:PORT" or "[IPv6]:PORT" into @p be; its family, or -EINVAL. */
static int
backend_parse(const char *s, struct wf_lb_backend *be, char *err,
		size_t err_len)
{
	char echo[WF_ACT_ECHO_SIZE], host[64];
	const char *colon, *h = s;
	size_t hlen;
	uint64_t port;
	int family;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		colon = close != NULL && close[1] == ':' ? close + 1 : NULL;
		h = s + 1;
		hlen = close != NULL ? (size_t)(close - h) : 0;
	} else {
		colon = strrchr(s, ':');
		hlen = colon != NULL ? (size_t)(colon - s) : 0;
	}
	if (colon == NULL || hlen == 0 || hlen >= sizeof(host)) {
		wf_act_err(err, err_len, "to: '%s' is not IP:PORT (IPv6: "
			"[ADDR]:PORT)", wf_act_echo(s, echo));
		return -EINVAL;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	family = addr_parse(host, be->addr);
	if (family == 0 || (family == 6 && s[0] != '[') ||
			(family == 4 && s[0] == '[')) {
		wf_act_err(err, err_len, "to: '%s' is not IP:PORT (IPv6: "
			"[ADDR]:PORT)", wf_act_echo(s, echo));
		return -EINVAL;
	}
	if (!addr_unicast(family, be->addr)) {
		wf_act_err(err, err_len, "to: %s is not a unicast address",
			wf_act_echo(host, echo));
		return -EINVAL;
	}
	if (wf_num_u64(colon + 1, 1, 65535, &port) != 0) {
		wf_act_err(err, err_len, "to: %s is not a port (1-65535)",
			wf_act_echo(colon + 1, echo));
		return -EINVAL;
	}
	be->port = (uint16_t)port;
	return family;
}

/* The comma-separated backend list of "to". */
static int
backends_parse(const char *list, struct wf_act_lb *lb, char *err,
		size_t err_len)
{
	char item[80], echo[WF_ACT_ECHO_SIZE];
	const char *p = list, *end;
	unsigned int i;
	size_t n;
	int family;

	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == 0 || n >= sizeof(item)) {
			wf_act_err(err, err_len, "to: '%s' is not a list of "
				"IP:PORT", wf_act_echo(list, echo));
			return -EINVAL;
		}
		if (lb->nb == WF_LB_MAX_BACKENDS) {
			wf_act_err(err, err_len, "to: more than %u backends",
				WF_LB_MAX_BACKENDS);
			return -EINVAL;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		family = backend_parse(item, &lb->be[lb->nb], err, err_len);
		if (family < 0)
			return family;
		if (lb->nb != 0 && family != lb->family) {
			wf_act_err(err, err_len, "to: %s: backends mix IPv4 "
				"and IPv6", wf_act_echo(item, echo));
			return -EINVAL;
		}
		lb->family = (uint8_t)family;
		for (i = 0; i < lb->nb; i++)
			if (memcmp(&lb->be[i], &lb->be[lb->nb],
					sizeof(lb->be[i])) == 0) {
				wf_act_err(err, err_len, "to: %s given twice",
					wf_act_echo(item, echo));
				return -EINVAL;
			}
		lb->nb++;
		if (end == NULL)
			return 0;
		p = end + 1;
	}
}

static int
lb_mode_parse(const char *v, struct wf_act_lb *lb, char *err, size_t err_len)
{
	char echo[WF_ACT_ECHO_SIZE];
	unsigned int m;

	for (m = 0; m < WF_LB_MODE_MAX; m++)
		if (strcmp(v, mode_names[m]) == 0) {
			lb->mode = (uint8_t)m;
			return 0;
		}
	wf_act_err(err, err_len, "mode: '%s' is not a mode (rr, random, hash)",
		wf_act_echo(v, echo));
	return -EINVAL;
}

static int
lb_snat_parse(const char *v, struct wf_act_lb *lb, char *err, size_t err_len)
{
	char echo[WF_ACT_ECHO_SIZE];
	int family = addr_parse(v, lb->snat);

	if (family == 0 || !addr_unicast(family, lb->snat)) {
		wf_act_err(err, err_len, "snat: '%s' is not a unicast address",
			wf_act_echo(v, echo));
		return -EINVAL;
	}
	lb->has_snat = (uint8_t)family;  /* checked against "to" below */
	return 0;
}

/* "LO-HI": the SNAT source ports, 1-65535. */
static int
lb_ports_parse(const char *v, struct wf_act_lb *lb, char *err,
		size_t err_len)
{
	char echo[WF_ACT_ECHO_SIZE], lo_txt[8];
	const char *dash = strchr(v, '-');
	uint64_t lo, hi;

	if (dash == NULL || (size_t)(dash - v) >= sizeof(lo_txt))
		goto bad;
	memcpy(lo_txt, v, (size_t)(dash - v));
	lo_txt[dash - v] = '\0';
	if (wf_num_u64(lo_txt, 1, 65535, &lo) != 0 ||
			wf_num_u64(dash + 1, 1, 65535, &hi) != 0 || lo > hi)
		goto bad;
	lb->snat_lo = (uint16_t)lo;
	lb->snat_hi = (uint16_t)hi;
	return 0;
bad:
	wf_act_err(err, err_len, "ports: '%s' is not a port range (LO-HI, "
		"1-65535, LO <= HI)", wf_act_echo(v, echo));
	return -EINVAL;
}

static int
lb_parse(int argc, char *const argv[], struct wf_action *a,
		char *err, size_t err_len)
{
	struct wf_act_lb *lb = &a->lb;
	char echo[WF_ACT_ECHO_SIZE];
	bool seen[4] = { false };
	static const char *const words[4] = { "to", "mode", "snat", "ports" };
	unsigned int w, i;
	int j, ret;

	a->kind = WF_ACT_LB;
	memset(lb, 0, sizeof(*lb));
	for (j = 0; j < argc; j += 2) {
		for (w = 0; w < 4 && strcmp(argv[j], words[w]) != 0; w++)
			;
		if (w == 4) {
			wf_act_err(err, err_len, "lb: unknown word '%s' (to, "
				"mode, snat, ports)", wf_act_echo(argv[j], echo));
			return -EINVAL;
		}
		if (seen[w]) {
			wf_act_err(err, err_len, "%s: given twice", words[w]);
			return -EINVAL;
		}
		seen[w] = true;
		if (j + 1 >= argc) {
			wf_act_err(err, err_len, "%s: needs a value", words[w]);
			return -EINVAL;
		}
		ret = w == 0 ? backends_parse(argv[j + 1], lb, err, err_len) :
			w == 1 ? lb_mode_parse(argv[j + 1], lb, err, err_len) :
			w == 2 ? lb_snat_parse(argv[j + 1], lb, err, err_len) :
			lb_ports_parse(argv[j + 1], lb, err, err_len);
		if (ret != 0)
			return ret;
	}
	if (lb->nb == 0) {
		wf_act_err(err, err_len,
			"lb: needs to IP:PORT[,IP:PORT...] (its backends)");
		return -EINVAL;
	}
	if (seen[3] && !lb->has_snat) {
		wf_act_err(err, err_len, "ports: needs snat IP (they are its "
			"source ports)");
		return -EINVAL;
	}
	if (lb->has_snat && !seen[3]) {
		lb->snat_lo = WF_LB_SNAT_PORT_LO;
		lb->snat_hi = WF_LB_SNAT_PORT_HI;
	}
	if (lb->has_snat) {
		if (lb->has_snat != lb->family) {
			wf_act_err(err, err_len, "snat: an IPv%u address for "
				"IPv%u backends", lb->has_snat, lb->family);
			return -EINVAL;
		}
		for (i = 0; i < lb->nb; i++)
			if (memcmp(lb->be[i].addr, lb->snat, 16) == 0) {
				wf_act_err(err, err_len, "snat: the address "
					"of a backend");
				return -EINVAL;
			}
		lb->has_snat = 1;
	}
	return 0;
}

/* "a.b.c.d:p" or "[x::y]:p" of one backend, appended. */
static void
backend_cat(char *buf, size_t len, int *total, int family,
		const struct wf_lb_backend *be)
{
	char txt[INET6_ADDRSTRLEN];

	inet_ntop(family == 4 ? AF_INET : AF_INET6, be->addr, txt,
		sizeof(txt));
	if (family == 4)
		wf_act_cat(buf, len, total, "%s:%u", txt, be->port);
	else
		wf_act_cat(buf, len, total, "[%s]:%u", txt, be->port);
}

static int
lb_format(const struct wf_action *a, char *buf, size_t len)
{
	const struct wf_act_lb *lb = &a->lb;
	char txt[INET6_ADDRSTRLEN];
	int total = 0;
	unsigned int i;

	if (len > 0)
		buf[0] = '\0';
	wf_act_cat(buf, len, &total, "to ");
	for (i = 0; i < lb->nb; i++) {
		if (i != 0)
			wf_act_cat(buf, len, &total, ",");
		backend_cat(buf, len, &total, lb->family, &lb->be[i]);
	}
	wf_act_cat(buf, len, &total, " mode %s",
		lb->mode < WF_LB_MODE_MAX ? mode_names[lb->mode] : "?");
	if (lb->has_snat) {
		inet_ntop(lb->family == 4 ? AF_INET : AF_INET6, lb->snat, txt,
			sizeof(txt));
		wf_act_cat(buf, len, &total, " snat %s", txt);
		if (lb->snat_lo != WF_LB_SNAT_PORT_LO ||
				lb->snat_hi != WF_LB_SNAT_PORT_HI)
			wf_act_cat(buf, len, &total, " ports %u-%u",
				lb->snat_lo, lb->snat_hi);
	}
	return total;
}

/* The VIP is the rule's dst: one address, of the backends' family, TCP. */
static int
lb_check(const struct wf_action *a, const struct wf_act_match_view *m,
		char *err, size_t err_len)
{
	if (!m->proto_tcp) {
		wf_act_err(err, err_len, "lb: needs proto tcp (it balances "
			"TCP connections)");
		return -EINVAL;
	}
	if (m->dst_family == 0 || !m->dst_host) {
		wf_act_err(err, err_len, "lb: needs dst VIP, one address (the "
			"address it answers ARP for)");
		return -EINVAL;
	}
	if (m->dst_family != a->lb.family) {
		wf_act_err(err, err_len, "lb: dst is IPv%u, the backends "
			"IPv%u", m->dst_family, a->lb.family);
		return -EINVAL;
	}
	return 0;
}

static bool
lb_seeded(const struct wf_action *a)
{
	return a->lb.mode == WF_LB_RANDOM;
}

const struct wf_action_ops wf_act_lb_ops = {
	.name = "lb",
	.synopsis = "to IP:PORT[,IP:PORT...] [mode rr|random|hash] "
		"[snat IP [ports LO-HI]]",
	.terminal = true,
	.parse = lb_parse,
	.format = lb_format,
	.check = lb_check,
	.seeded = lb_seeded,
};
