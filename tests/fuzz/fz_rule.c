/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The rule language (HOSTILE.md C1-C4, C8): the input, up to its first
 * NUL, is one line for wf_rule_parse_line() on an appliance with ports 0
 * and 1. Checked:
 *   - a line longer than WF_CMD_LINE_MAX (line end aside) is refused
 *     whole, and only such a line is refused as too long;
 *   - a refusal is -EINVAL with a non-empty, printable message, the same
 *     with a message buffer of any size;
 *   - a rule is canonical: absent matchers hold zero, prefixes are masked,
 *     ranges ordered, values in their ranges, the name valid;
 *   - print, then parse gives the same bytes, and prints the same text,
 *     which is printable; the printer keeps the snprintf contract at
 *     every buffer size;
 *   - blanks around the words change nothing; the rule parses to the same
 *     bytes without an environment (the environment only restricts).
 * The rule sets' all-or-nothing loading lives in app/ (it needs EAL and
 * the workers' RCU), so it is not fuzzed here.
 */

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf_action.h"
#include "wf_cmd.h"
#include "wf_rule.h"
#include "wf_tcp.h"

#define EXPIRE_MAX 31536000u   /* wf_rule.c: a year */
#define WINDOW (WF_DROP_NTH | WF_DROP_COUNT)
#define TEXT_MAX 4096

#define FAIL(...) do { \
	fprintf(stderr, "fz_rule: " __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

/* An appliance with ports 0 and 1, as tests/test_rule.c. */
static const struct wf_rule_env env2 = { .nb_ports = 2 };

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* The bits of @p c past its prefix are zero; plen fits the family. */
static void
check_cidr(const char *line, const char *what, const struct wf_cidr *c)
{
	unsigned int bytes = c->family == 4 ? 4 : 16, i, bit;

	if ((c->family != 4 && c->family != 6) || c->plen > bytes * 8)
		FAIL("'%s': %s family %u /%u", line, what, c->family, c->plen);
	for (i = c->plen; i < 128; i++) {
		bit = c->addr[i / 8] >> (7 - i % 8) & 1;
		if (bit != 0)
			FAIL("'%s': %s has bit %u past /%u", line, what, i,
				c->plen);
	}
}

static void
check_range(const char *line, const char *what,
		const struct wf_port_range *r)
{
	if (r->lo > r->hi)
		FAIL("'%s': %s range %u-%u", line, what, r->lo, r->hi);
}

/* What a parsed rule must look like: the parser's canonical form. */
static void
check_canonical(const char *line, const struct wf_rule *r)
{
	const struct wf_rule_match *m = &r->m;
	const struct wf_action *a = &r->a;
	const uint16_t kinds = (1u << (WF_TCP_K_RST + 1)) - 1;
	const struct wf_action_ops *ops = wf_action_ops_of(a);

	if (r->name[0] != '\0' && !wf_rule_name_valid(r->name))
		FAIL("'%s': invalid name kept", line);
	if (!all_zero(r->name + strlen(r->name),
			sizeof(r->name) - strlen(r->name)))
		FAIL("'%s': bytes after the name", line);
	if (m->present & ~0x07ffu)
		FAIL("'%s': present 0x%x", line, m->present);
	if ((m->present & WF_RM_IN) ? m->in_port >= env2.nb_ports :
			m->in_port != 0)
		FAIL("'%s': in_port %u", line, m->in_port);
	if ((m->present & WF_RM_DIR) ? m->dir > 1 : m->dir != 0)
		FAIL("'%s': dir %u", line, m->dir);
	if ((m->present & WF_RM_PROTO) ? m->proto != IPPROTO_TCP &&
			m->proto != IPPROTO_UDP && m->proto != IPPROTO_ICMP &&
			m->proto != WF_RULE_PROTO_IP : m->proto != 0)
		FAIL("'%s': proto %u", line, m->proto);
	if ((m->present & WF_RM_FLAGS) ?
			(m->flags_set & ~m->flags_mask) != 0 :
			m->flags_set != 0 || m->flags_mask != 0)
		FAIL("'%s': flags %x/%x", line, m->flags_set, m->flags_mask);
	if ((m->present & WF_RM_TCP) ? m->tcp_kinds == 0 ||
			(m->tcp_kinds & ~(kinds | WF_RULE_TCP_RETRANS)) :
			m->tcp_kinds != 0)
		FAIL("'%s': tcp kinds 0x%x", line, m->tcp_kinds);
	if ((m->present & WF_RM_STATE) ? m->states == 0 ||
			(m->states & ~0x0fu) : m->states != 0)
		FAIL("'%s': states 0x%x", line, m->states);
	if (m->present & WF_RM_SRC)
		check_cidr(line, "src", &m->src);
	else if (!all_zero(&m->src, sizeof(m->src)))
		FAIL("'%s': src set without the word", line);
	if (m->present & WF_RM_DST)
		check_cidr(line, "dst", &m->dst);
	else if (!all_zero(&m->dst, sizeof(m->dst)))
		FAIL("'%s': dst set without the word", line);
	check_range(line, "sport", &m->sport);
	check_range(line, "dport", &m->dport);
	check_range(line, "port", &m->port);
	if ((!(m->present & WF_RM_SPORT) && !all_zero(&m->sport, 4)) ||
	    (!(m->present & WF_RM_DPORT) && !all_zero(&m->dport, 4)) ||
	    (!(m->present & WF_RM_PORT) && !all_zero(&m->port, 4)))
		FAIL("'%s': a port range set without its word", line);
	if (ops == NULL)
		FAIL("'%s': action kind %u", line, a->kind);
	if (r->expire_s > EXPIRE_MAX)
		FAIL("'%s': expire %u", line, r->expire_s);
	if (r->has_seed && (ops->seeded == NULL || !ops->seeded(a)))
		FAIL("'%s': a seed on an unseeded action", line);
	if (!r->has_seed && r->seed != 0)
		FAIL("'%s': seed without has_seed", line);
	switch (a->kind) {
	case WF_ACT_DROP:
		if ((a->drop_mods & WF_DROP_PROB) && (isnan(a->prob) ||
				a->prob < 0 || a->prob > 1 ||
				a->prob_cut != wf_act_prob_cut(a->prob)))
			FAIL("'%s': prob %g", line, a->prob);
		/* nth and count: both or neither */
		if ((a->drop_mods & WINDOW) && (a->nth == 0 || a->count == 0 ||
				(a->drop_mods & WINDOW) != WINDOW))
			FAIL("'%s': window nth %u count %u", line, a->nth,
				a->count);
		if ((a->drop_mods & WF_DROP_EVERY) && a->every == 0)
			FAIL("'%s': every 0", line);
		break;
	case WF_ACT_DROP_SEG:
		if (a->seg == 0 || a->times == 0 || a->drop_mods != 0)
			FAIL("'%s': seg %u times %u", line, a->seg, a->times);
		break;
	case WF_ACT_LOG:
		if (a->file[0] == '\0' || !printable(a->file) ||
				strchr(a->file, ' ') != NULL)
			FAIL("'%s': log file", line);
		break;
	case WF_ACT_LB:
		if (a->lb.nb == 0 || a->lb.nb > WF_LB_MAX_BACKENDS ||
				(a->lb.family != 4 && a->lb.family != 6) ||
				a->lb.mode >= WF_LB_MODE_MAX ||
				!(m->present & WF_RM_DST) ||
				m->dst.family != a->lb.family)
			FAIL("'%s': lb nb %u family %u mode %u", line,
				a->lb.nb, a->lb.family, a->lb.mode);
		if (a->lb.has_snat ? a->lb.has_snat != 1 ||
				a->lb.snat_lo == 0 ||
				a->lb.snat_lo > a->lb.snat_hi :
				a->lb.snat_lo != 0 || a->lb.snat_hi != 0)
			FAIL("'%s': lb snat ports %u-%u", line, a->lb.snat_lo,
				a->lb.snat_hi);
		break;
	default:
		break;
	}
}

/* wf_rule_format() into exactly @p len bytes: as snprintf, a prefix. */
static void
check_format_cut(const char *line, const struct wf_rule *r, const char *text,
		size_t n, size_t len)
{
	char *buf = malloc(len > 0 ? len : 1);
	int got;

	if (buf == NULL)
		return;
	buf[0] = 'X';
	got = wf_rule_format(r, buf, len);
	if (got < 0 || (size_t)got != n)
		FAIL("'%s': format into %zu bytes returned %d, not %zu", line,
			len, got, n);
	if (len == 0 ? buf[0] != 'X' :
			strnlen(buf, len) != (n < len ? n : len - 1) ||
			memcmp(buf, text, strlen(buf)) != 0)
		FAIL("'%s': format into %zu bytes is not a prefix of '%s'",
			line, len, text);
	free(buf);
}

/*
 * Parse a printed rule again. Its words as a line, or, past the line
 * limit, as words: a line of up to WF_CMD_LINE_MAX bytes can print longer
 * (e.g. an lb rule of 15 IPv6 backends: "/128" after dst and " mode rr"
 * are added), a known limit (see the fuzzing report), so the round trip
 * is checked at the word level that wf_rule_parse() documents.
 */
static int
reparse(const char *text, size_t n, struct wf_rule *r, char *err,
		size_t err_len)
{
	static char buf[TEXT_MAX];
	char *argv[TEXT_MAX / 2], *p;
	int argc = 0;

	if (n <= WF_CMD_LINE_MAX)
		return wf_rule_parse_line(text, &env2, r, err, err_len);
	memcpy(buf, text, n + 1);
	for (p = strtok(buf, " "); p != NULL; p = strtok(NULL, " "))
		argv[argc++] = p;
	return wf_rule_parse(argc, argv, &env2, r, err, err_len);
}

/* Parse @p line; on success check the rule and its printed form. */
static int
parse_and_check(const char *line, struct wf_rule *r, char *err,
		size_t err_len)
{
	static char text[TEXT_MAX], text2[TEXT_MAX];
	struct wf_rule r2;
	char err2[256];
	size_t n;
	int ret;

	/* a non-printing fill: a message that was not written shows */
	memset(err, 0x01, err_len);
	err[err_len - 1] = '\0';
	ret = wf_rule_parse_line(line, &env2, r, err, err_len);
	if (ret != 0) {
		if (ret != -EINVAL)
			FAIL("'%s': returned %d", line, ret);
		if (err[0] == '\0' || !printable(err))
			FAIL("'%s': error message '%s'", line, err);
		return ret;
	}
	check_canonical(line, r);
	ret = wf_rule_format(r, text, sizeof(text));
	n = strlen(text);
	if (ret < 0 || (size_t)ret != n || n >= sizeof(text) - 1)
		FAIL("'%s': format returned %d for %zu bytes", line, ret, n);
	if (!printable(text))
		FAIL("'%s': printed '%s' has a non-printing byte", line, text);
	if (reparse(text, n, &r2, err2, sizeof(err2)) != 0)
		FAIL("'%s' printed '%s', which is refused: %s", line, text,
			err2);
	if (memcmp(r, &r2, sizeof(r2)) != 0)
		FAIL("'%s' printed '%s', which parses to other bytes", line,
			text);
	wf_rule_format(&r2, text2, sizeof(text2));
	if (strcmp(text, text2) != 0)
		FAIL("'%s' printed '%s', then '%s'", line, text, text2);
	check_format_cut(line, r, text, n, 0);
	check_format_cut(line, r, text, n, 1);
	check_format_cut(line, r, text, n, n / 2);
	check_format_cut(line, r, text, n, n);
	check_format_cut(line, r, text, n, n + 1);
	/* without an environment any port id goes: the same rule */
	if (wf_rule_parse_line(line, NULL, &r2, err2, sizeof(err2)) != 0 ||
			memcmp(r, &r2, sizeof(r2)) != 0)
		FAIL("'%s': not the same rule without an environment", line);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_rule r, r2;
	char err[256], err2[256], tiny[8];
	char *line, *padded;
	size_t n, len;
	int ret, ret2;

	line = malloc(size + 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	n = strlen(line);
	/* the length the limit applies to: without "\n" or "\r\n" */
	len = n;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	ret = parse_and_check(line, &r, err, sizeof(err));
	if (len > WF_CMD_LINE_MAX) {
		if (ret != -EINVAL || strstr(err, "line too long") != err)
			FAIL("a %zu-byte line was not refused as too long",
				len);
	} else if (ret != 0 && strstr(err, "line too long") == err) {
		FAIL("a %zu-byte line was refused as too long", len);
	}
	/* the message buffer's size changes only the message */
	if (wf_rule_parse_line(line, &env2, &r2, tiny, sizeof(tiny)) != ret ||
			wf_rule_parse_line(line, &env2, &r2, NULL, 0) != ret ||
			wf_rule_parse_line(line, &env2, &r2, tiny, 0) != ret)
		FAIL("'%s': the result depends on the message buffer", line);
	if (ret != 0 && strncmp(tiny, err, sizeof(tiny) - 1) != 0)
		FAIL("'%s': cut message '%s' is not a prefix of '%s'", line,
			tiny, err);
	/* blanks before the first word and a CRLF after change nothing */
	if (n + 1 <= WF_CMD_LINE_MAX) {
		padded = malloc(n + 4);
		if (padded != NULL) {
			padded[0] = ' ';
			memcpy(padded + 1, line, n);
			memcpy(padded + 1 + n, "\r\n", 3);
			ret2 = wf_rule_parse_line(padded, &env2, &r2, err2,
					sizeof(err2));
			if (ret2 != ret || (ret == 0 ?
					memcmp(&r, &r2, sizeof(r)) != 0 :
					strcmp(err, err2) != 0))
				FAIL("'%s': blanks around it change the result",
					line);
			free(padded);
		}
	}
	free(line);
	return 0;
}
