/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The rule language: every word with its values and its errors, the
 * DESIGN.md recipes, parse(format(parse(x))) == parse(x) byte for byte,
 * the control-plane negatives of HOSTILE.md C1-C8, and both matchers on
 * synthetic packet summaries.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wf_rule.h"
#include "wf_tcp.h"
#include "wf_test.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

/* An appliance with ports 0 and 1. */
static const struct wf_rule_env env2 = { .nb_ports = 2 };

/* ---- helpers -------------------------------------------------------------- */

/*
 * @p line parses; it prints as @p want (NULL: not checked); the printed
 * text parses to the same bytes and prints the same again.
 */
static int
check_round_trip(const char *line, const char *want)
{
	struct wf_rule r1, r2;
	char err[256], text[1024], text2[1024];
	int n;

	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(line, &env2, &r1, err,
			sizeof(err)), "'%s': %s", line, err);
	n = wf_rule_format(&r1, text, sizeof(text));
	WF_TEST_ASSERT_EQUAL(n, strlen(text), "'%s'", line);
	if (want != NULL)
		WF_TEST_ASSERT_STR_EQUAL(text, want, "'%s'", line);
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(text, &env2, &r2, err,
			sizeof(err)), "'%s' printed '%s': %s", line, text, err);
	WF_TEST_ASSERT(memcmp(&r1, &r2, sizeof(r1)) == 0,
		"'%s' -> '%s' parses to other bytes", line, text);
	wf_rule_format(&r2, text2, sizeof(text2));
	WF_TEST_ASSERT_STR_EQUAL(text, text2, "'%s'", line);
	return 0;
}

/* No byte of @p s would move a terminal: C8. */
static int
check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		WF_TEST_ASSERT((unsigned char)*s >= 0x20 &&
			(unsigned char)*s < 0x7f, "byte 0x%02x in a message",
			(unsigned char)*s);
	return 0;
}

/*
 * @p line is refused with -EINVAL and a message that starts with
 * "@p word:" (NULL: anywhere) and contains @p phrase.
 */
static int
check_error(const char *line, const char *word, const char *phrase)
{
	struct wf_rule r;
	char err[256], lead[64];

	memset(err, 'X', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	WF_TEST_ASSERT_EQUAL(wf_rule_parse_line(line, &env2, &r, err,
			sizeof(err)), -EINVAL, "'%s' was accepted", line);
	if (word != NULL) {
		snprintf(lead, sizeof(lead), "%s:", word);
		WF_TEST_ASSERT(strncmp(err, lead, strlen(lead)) == 0,
			"'%s': \"%s\" does not start with \"%s\"", line, err,
			lead);
	}
	WF_TEST_ASSERT_STR_CONTAINS(err, phrase, "'%s'", line);
	WF_TEST_ASSERT_SUCCESS(check_printable(err), "'%s'", line);
	return 0;
}

struct ok_row {
	const char *line;
	const char *want;      /* the printed form */
};

struct err_row {
	const char *line;
	const char *word;      /* the message starts with "word:" */
	const char *phrase;
};

static int
run_ok_rows(const struct ok_row *rows, size_t nb)
{
	size_t i;

	for (i = 0; i < nb; i++)
		WF_TEST_ASSERT_SUCCESS(check_round_trip(rows[i].line,
				rows[i].want), "row %zu", i);
	return 0;
}

static int
run_err_rows(const struct err_row *rows, size_t nb)
{
	size_t i;

	for (i = 0; i < nb; i++)
		WF_TEST_ASSERT_SUCCESS(check_error(rows[i].line, rows[i].word,
				rows[i].phrase), "row %zu", i);
	return 0;
}

/* ---- every word and value ------------------------------------------------- */

static int
test_match_words(void)
{
	static const struct ok_row rows[] = {
		{ "action pass", "action pass" },
		{ "name web-1.x_Y action pass", "name web-1.x_Y action pass" },
		{ "name 1a action pass", "name 1a action pass" },
		{ "in 0 action pass", "in 0 action pass" },
		{ "in 1 action pass", "in 1 action pass" },
		{ "in 01 action pass", "in 1 action pass" },
		{ "dir c2s action pass", "dir c2s action pass" },
		{ "dir s2c action pass", "dir s2c action pass" },
		{ "dir S2C action pass", "dir s2c action pass" },
		{ "proto tcp action pass", "proto tcp action pass" },
		{ "proto udp action pass", "proto udp action pass" },
		{ "proto icmp action pass", "proto icmp action pass" },
		{ "proto ip action pass", "proto ip action pass" },
		{ "proto TCP action pass", "proto tcp action pass" },
		{ "src 198.18.0.1 action pass", "src 198.18.0.1/32 action pass" },
		{ "src 198.19.255.255/15 action pass",
			"src 198.18.0.0/15 action pass" },
		{ "dst 10.0.0.3/31 action pass", "dst 10.0.0.2/31 action pass" },
		{ "dst 255.255.255.255/1 action pass",
			"dst 128.0.0.0/1 action pass" },
		{ "dst 1.2.3.4/0 action pass", "dst 0.0.0.0/0 action pass" },
		{ "src 198.18.0.0/015 action pass",
			"src 198.18.0.0/15 action pass" },
		{ "dst 2001:db8::1/32 action pass", "dst 2001:db8::/32 action pass" },
		{ "src ::1 action pass", "src ::1/128 action pass" },
		{ "src ffff::/0 action pass", "src ::/0 action pass" },
		{ "src 2001:db8::ffff/127 action pass",
			"src 2001:db8::fffe/127 action pass" },
		{ "src ffff::1/1 action pass", "src 8000::/1 action pass" },
		{ "src 2001:DB8:0:0:0:0:0:1 action pass",
			"src 2001:db8::1/128 action pass" },
		{ "src ::ffff:198.18.0.1 action pass",
			"src ::ffff:198.18.0.1/128 action pass" },
		{ "sport 80 action pass", "sport 80 action pass" },
		{ "dport 1000-2000 action pass", "dport 1000-2000 action pass" },
		{ "dport 80-80 action pass", "dport 80 action pass" },
		{ "dport 0080-00000000000000000090 action pass",
			"dport 80-90 action pass" },
		{ "port 0 action pass", "port 0 action pass" },
		{ "port 65535 action pass", "port 65535 action pass" },
		{ "sport 0-65535 action pass", "sport 0-65535 action pass" },
		{ "flags SYN/ALL action pass", "flags SYN/ALL action pass" },
		{ "flags syn,ack/syn,ack,fin,rst action pass",
			"flags SYN,ACK/SYN,ACK,FIN,RST action pass" },
		{ "flags NONE/ALL action pass", "flags NONE/ALL action pass" },
		{ "flags NONE/NONE action pass", "flags NONE/NONE action pass" },
		{ "flags ALL/ALL action pass", "flags ALL/ALL action pass" },
		{ "flags SYN,FIN/SYN,FIN action pass",
			"flags SYN,FIN/SYN,FIN action pass" },
		{ "flags cwr,ece/urg,psh,ece,cwr action pass",
			"flags ECE,CWR/PSH,URG,ECE,CWR action pass" },
		{ "flags SYN,ACK,FIN,RST,PSH,URG,ECE,CWR/ALL action pass",
			"flags ALL/ALL action pass" },
		{ "flags SYN,SYN/SYN action pass", "flags SYN/SYN action pass" },
		{ "tcp syn action pass", "tcp syn action pass" },
		{ "tcp synack action pass", "tcp synack action pass" },
		{ "tcp hsack action pass", "tcp hsack action pass" },
		{ "tcp data action pass", "tcp data action pass" },
		{ "tcp pureack action pass", "tcp pureack action pass" },
		{ "tcp fin action pass", "tcp fin action pass" },
		{ "tcp rst action pass", "tcp rst action pass" },
		{ "tcp retrans action pass", "tcp retrans action pass" },
		{ "tcp retrans,DATA action pass", "tcp data,retrans action pass" },
		{ "state new action pass", "state new action pass" },
		{ "state established action pass",
			"state established action pass" },
		{ "state closing action pass", "state closing action pass" },
		{ "state closed action pass", "state closed action pass" },
		{ "state closed,new action pass", "state new,closed action pass" },
		/* any order in, one order out */
		{ "state established tcp data flags ACK/ACK port 443 dport 443 "
			"sport 1024-65535 dst 198.18.0.2 src 198.18.0.0/15 "
			"proto tcp dir c2s in 1 name all action pass",
		  "name all in 1 dir c2s proto tcp src 198.18.0.0/15 "
			"dst 198.18.0.2/32 sport 1024-65535 dport 443 port 443 "
			"flags ACK/ACK tcp data state established action pass" },
		/* blanks: tabs, runs of spaces, CRLF */
		{ "\t proto  udp\tdport 53 action\tpass\r\n",
			"proto udp dport 53 action pass" },
	};

	return run_ok_rows(rows, DIM(rows));
}

static int
test_action_part(void)
{
	static const struct ok_row rows[] = {
		{ "action drop", "action drop" },
		{ "action drop nth 3 count 2", "action drop nth 3 count 2" },
		{ "action drop nth 3", "action drop nth 3 count 1" },
		{ "action drop every 5", "action drop every 5" },
		{ "action drop prob 0.25", "action drop prob 0.25" },
		{ "action drop prob 0.25 seed 42",
			"action drop prob 0.25 seed 42" },
		{ "action drop prob 1 seed 0", "action drop prob 1 seed 0" },
		{ "action drop prob 0.5 seed 18446744073709551615 expire 5",
			"action drop prob 0.5 expire 5 seed 18446744073709551615" },
		{ "action drop seg 2 times 3", "action drop seg 2 times 3" },
		{ "action drop seg 2", "action drop seg 2 times 1" },
		{ "action reset", "action reset" },
		{ "action log", "action log file wirefault.pcap" },
		{ "action log file x.pcap", "action log file x.pcap" },
		{ "action pass expire 1", "action pass expire 1" },
		{ "action pass expire 31536000", "action pass expire 31536000" },
		{ "action reset expire 060", "action reset expire 60" },
	};
	struct wf_rule r;
	char err[256];

	WF_TEST_ASSERT_SUCCESS(run_ok_rows(rows, DIM(rows)));
	/* the parser hands the kind over; the action may refine it */
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line("action drop seg 2", &env2,
			&r, err, sizeof(err)), "%s", err);
	WF_TEST_ASSERT_EQUAL(r.a.kind, WF_ACT_DROP_SEG);
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line("action reset expire 9 ",
			&env2, &r, err, sizeof(err)), "%s", err);
	WF_TEST_ASSERT_EQUAL(r.a.kind, WF_ACT_RESET);
	WF_TEST_ASSERT_EQUAL(r.expire_s, 9);
	WF_TEST_ASSERT(!r.has_seed);
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line("action drop prob 0.5 seed 7",
			&env2, &r, err, sizeof(err)), "%s", err);
	WF_TEST_ASSERT(r.has_seed);
	WF_TEST_ASSERT_EQUAL_U64(r.seed, 7);
	return 0;
}

/* The parsed fields, not only the printed text. */
static int
test_fields(void)
{
	static const uint8_t net6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t net4[16] = { 198, 18 };
	struct wf_rule r;
	char err[256];

	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line("name n in 1 dir s2c "
			"proto icmp src 198.19.1.2/15 dst 2001:db8:1::/32 "
			"action pass", &env2, &r, err, sizeof(err)), "%s", err);
	WF_TEST_ASSERT_STR_EQUAL(r.name, "n");
	WF_TEST_ASSERT_EQUAL(r.m.present, WF_RM_IN | WF_RM_DIR | WF_RM_PROTO |
			WF_RM_SRC | WF_RM_DST);
	WF_TEST_ASSERT_EQUAL(r.m.in_port, 1);
	WF_TEST_ASSERT_EQUAL(r.m.dir, 1, "s2c is WF_DIR_REPLY");
	WF_TEST_ASSERT_EQUAL(r.m.proto, IPPROTO_ICMP);
	WF_TEST_ASSERT_EQUAL(r.m.src.family, 4);
	WF_TEST_ASSERT_EQUAL(r.m.src.plen, 15);
	WF_TEST_ASSERT(memcmp(r.m.src.addr, net4, 16) == 0, "masked");
	WF_TEST_ASSERT_EQUAL(r.m.dst.family, 6);
	WF_TEST_ASSERT_EQUAL(r.m.dst.plen, 32);
	WF_TEST_ASSERT(memcmp(r.m.dst.addr, net6, 16) == 0, "masked");
	WF_TEST_ASSERT_EQUAL(r.a.kind, WF_ACT_PASS);

	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line("proto ip sport 1-2 dport 3 "
			"port 4-5 flags SYN/SYN,ACK tcp syn,retrans "
			"state new,closing action pass", &env2, &r, err,
			sizeof(err)), "%s", err);
	WF_TEST_ASSERT_EQUAL(r.m.present & WF_RM_FLOW_PART, WF_RM_PROTO |
			WF_RM_SPORT | WF_RM_DPORT | WF_RM_PORT);
	WF_TEST_ASSERT_EQUAL(r.m.present & ~WF_RM_FLOW_PART, WF_RM_FLAGS |
			WF_RM_TCP | WF_RM_STATE);
	WF_TEST_ASSERT_EQUAL(r.m.proto, WF_RULE_PROTO_IP);
	WF_TEST_ASSERT_EQUAL(r.m.sport.lo, 1);
	WF_TEST_ASSERT_EQUAL(r.m.sport.hi, 2);
	WF_TEST_ASSERT_EQUAL(r.m.dport.lo, 3);
	WF_TEST_ASSERT_EQUAL(r.m.dport.hi, 3);
	WF_TEST_ASSERT_EQUAL(r.m.port.lo, 4);
	WF_TEST_ASSERT_EQUAL(r.m.port.hi, 5);
	WF_TEST_ASSERT_EQUAL(r.m.flags_set, WF_TCP_SYN);
	WF_TEST_ASSERT_EQUAL(r.m.flags_mask, WF_TCP_SYN | WF_TCP_ACK);
	WF_TEST_ASSERT_EQUAL(r.m.tcp_kinds, (1u << WF_TCP_K_SYN) |
			WF_RULE_TCP_RETRANS);
	WF_TEST_ASSERT_EQUAL(r.m.states, WF_RULE_ST_NEW | WF_RULE_ST_CLOSING);
	return 0;
}

/* ---- every error of every word -------------------------------------------- */

static int
test_word_errors(void)
{
	static const struct err_row rows[] = {
		{ "foo 1 action pass", "foo", "unknown word (expected in, dir" },
		{ "Proto tcp action pass", "Proto", "unknown word" },
		/* in */
		{ "in 2 action pass", "in", "port 2 does not exist (0-1)" },
		{ "in 65535 action pass", "in", "does not exist (0-1)" },
		{ "in 4294967296 action pass", "in",
			"port 4294967296 does not exist" },
		{ "in 99999999999999999999999 action pass", "in",
			"does not exist" },
		{ "in -1 action pass", "in", "-1 is not a port id (0-1)" },
		{ "in 12abc action pass", "in", "12abc is not a port id" },
		{ "in 0x10 action pass", "in", "0x10 is not a port id" },
		{ "in 1e3 action pass", "in", "1e3 is not a port id" },
		/* dir */
		{ "dir up action pass", "dir", "up is not a direction (c2s, s2c)" },
		{ "dir c2s,s2c action pass", "dir", "is not a direction" },
		/* proto */
		{ "proto sctp action pass", "proto",
			"sctp is not a protocol (tcp, udp, icmp, ip)" },
		{ "proto 6 action pass", "proto", "is not a protocol" },
		/* src, dst */
		{ "src 256.1.1.1 action pass", "src",
			"256.1.1.1 is not an address (IPv4 or IPv6" },
		{ "dst ::: action pass", "dst", "::: is not an address" },
		{ "src 1.2.3 action pass", "src", "is not an address" },
		{ "src 1.2.3.4.5 action pass", "src", "is not an address" },
		{ "src 1.2.3.4/33 action pass", "src",
			"1.2.3.4/33 is not a prefix (length 0-32 for IPv4)" },
		{ "dst ::/129 action pass", "dst",
			"::/129 is not a prefix (length 0-128 for IPv6)" },
		{ "src 1.2.3.4/ action pass", "src", "is not a prefix" },
		{ "src 1.2.3.4/-1 action pass", "src", "is not a prefix" },
		{ "src 1.2.3.4/0x10 action pass", "src", "is not a prefix" },
		{ "src 1.2.3.4/1/2 action pass", "src", "is not a prefix" },
		{ "src /8 action pass", "src", "is not an address" },
		{ "dst fe80::1%eth0 action pass", "dst", "is not an address" },
		{ "dst 1:2:3:4:5:6:7:8:9 action pass", "dst", "is not an address" },
		{ "src 1.2.3.4/32/ action pass", "src", "is not a prefix" },
		{ "src 0000000000000000000000000000000000000000000000000000001.2.3.4 "
			"action pass", "src", "is not an address" },
		/* sport, dport, port */
		{ "dport 70000 action pass", "dport",
			"70000 is not a port (0-65535)" },
		{ "sport 65536 action pass", "sport", "65536 is not a port" },
		{ "sport 90-80 action pass", "sport",
			"90-80 is not a range (low > high)" },
		{ "port -1 action pass", "port", "-1 is not a port" },
		{ "port 12abc action pass", "port", "12abc is not a port" },
		{ "port 0x10 action pass", "port", "0x10 is not a port" },
		{ "port 1e3 action pass", "port", "1e3 is not a port" },
		{ "dport 80- action pass", "dport",
			"80- is not a port range (P-Q, each 0-65535)" },
		{ "dport -80 action pass", "dport", "-80 is not a port range" },
		{ "dport 1-2-3 action pass", "dport", "1-2-3 is not a port range" },
		{ "dport 1--2 action pass", "dport", "is not a port range" },
		{ "dport 1-65536 action pass", "dport", "is not a port range" },
		{ "dport 1-0x10 action pass", "dport", "is not a port range" },
		/* flags */
		{ "flags SYN action pass", "flags", "SYN is not SET/MASK" },
		{ "flags FOO/ALL action pass", "flags",
			"FOO is not a flag (SYN ACK FIN" },
		{ "flags SYN/ALL/ALL action pass", "flags", "is not SET/MASK" },
		{ "flags SYN/ACK action pass", "flags",
			"SYN/ACK sets flags outside its MASK" },
		{ "flags ALL/SYN action pass", "flags", "outside its MASK" },
		{ "flags SYN,,ACK/ALL action pass", "flags", "\"\" is not a flag" },
		{ "flags /ALL action pass", "flags", "is not a flag" },
		{ "flags SYN/ action pass", "flags", "is not a flag" },
		{ "flags SYN,/ALL action pass", "flags", "is not a flag" },
		{ "flags 2/ALL action pass", "flags", "2 is not a flag" },
		/* tcp */
		{ "tcp invalid action pass", "tcp",
			"invalid is not a packet kind (syn, synack" },
		{ "tcp syn,foo action pass", "tcp", "foo is not a packet kind" },
		{ "tcp syn, action pass", "tcp", "is not a packet kind" },
		{ "tcp ,syn action pass", "tcp", "is not a packet kind" },
		/* state */
		{ "state open action pass", "state",
			"open is not a state (new, established, closing, closed)" },
		{ "state ESTABLISHED,time_wait action pass", "state",
			"time_wait is not a state" },
		/* flags and tcp need TCP; ports need TCP or UDP */
		{ "proto udp flags SYN/ALL action pass", "flags",
			"only TCP has flags (proto udp)" },
		{ "flags SYN/ALL proto icmp action pass", "flags",
			"only TCP has flags (proto icmp)" },
		{ "tcp syn proto udp action pass", "tcp",
			"only TCP has packet kinds (proto udp)" },
		{ "proto icmp dport 80 action pass", "dport",
			"only TCP and UDP have ports (proto icmp)" },
		{ "proto icmp port 80 action pass", "port", "only TCP and UDP" },
		{ "sport 1 proto icmp action pass", "sport", "only TCP and UDP" },
		/* name */
		{ "name 123 action pass", "name", "is all digits" },
		{ "name a/b action pass", "name",
			"has a character outside [A-Za-z0-9_.-]" },
		{ "name caf\xc3\xa9 action pass", "name", "caf\\xc3\\xa9 has a" },
		/* the action part */
		{ "proto tcp dport 80", "action",
			"missing (rule add ... action ACTION)" },
		{ "", "action", "missing" },
		{ "action", "action", "needs a value" },
		{ "action foo", "action",
			"unknown action 'foo' (pass, drop, reset, log, mirror, lb)" },
		{ "action PASS", "action", "unknown action 'PASS'" },
		{ "action pass expire", "expire", "needs a value" },
		{ "action pass expire 0", "expire",
			"0 is not a number of seconds (1-31536000)" },
		{ "action pass expire 31536001", "expire",
			"31536001 is not a number of seconds" },
		{ "action pass expire -1", "expire", "is not a number of seconds" },
		{ "action pass expire 1.5", "expire", "is not a number of seconds" },
		{ "action pass expire 5 expire 6", "expire", "given twice" },
		{ "action drop prob 0.5 seed 1 seed 2", "seed", "given twice" },
		{ "action drop prob 0.5 seed", "seed", "needs a value" },
		{ "action drop prob 0.5 seed 18446744073709551616", "seed",
			"is not a seed (0-18446744073709551615)" },
		{ "action drop prob 0.5 seed -1", "seed", "-1 is not a seed" },
		{ "action drop prob 0.5 seed 0x10", "seed", "0x10 is not a seed" },
		{ "action pass seed 1", "seed",
			"only drop prob and lb mode random use a seed" },
		{ "action drop seed 1", "seed", "only drop prob and lb mode" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 seed 1",
			"seed", "only drop prob and lb mode random" },
		{ "action drop nth 2 seed 1", "seed", "only drop prob" },
		{ "action drop seg 2 seed 1", "seed", "only drop prob" },
		{ "action pass expire 5 dport 80", "dport",
			"match words go before action" },
		{ "action pass expire 5 name x", "name",
			"match words go before action" },
		{ "action pass expire 5 nth 3", "nth", "unknown word" },
		{ "action pass expire 5 5", "5", "unknown word" },
		/* words after action go to the action, which names them */
		{ "action pass dport 80", NULL, "dport" },
		{ "action drop dport 80", NULL, "dport" },
		{ "action reset 1", NULL, "1" },
		{ "action log file", "file", "needs a value" },
	};

	return run_err_rows(rows, DIM(rows));
}

/* Each match word: without its value, and given twice. */
static int
test_missing_and_twice(void)
{
	static const struct {
		const char *word, *val;
	} words[] = {
		{ "name", "x" }, { "in", "0" }, { "dir", "c2s" },
		{ "proto", "tcp" }, { "src", "10.0.0.0/8" }, { "dst", "::1" },
		{ "sport", "80" }, { "dport", "80" }, { "port", "80" },
		{ "flags", "SYN/ALL" }, { "tcp", "syn" }, { "state", "new" },
	};
	char line[128], want[64];
	size_t i;

	for (i = 0; i < DIM(words); i++) {
		snprintf(want, sizeof(want), "%s", words[i].word);
		/* at the end of the line */
		snprintf(line, sizeof(line), "%s", words[i].word);
		WF_TEST_ASSERT_SUCCESS(check_error(line, want, "needs a value"));
		/* straight before action: "dport action pass" */
		snprintf(line, sizeof(line), "%s action pass", words[i].word);
		WF_TEST_ASSERT_SUCCESS(check_error(line, want, "needs a value"));
		snprintf(line, sizeof(line), "%s %s proto tcp %s %s action pass",
			words[i].word, words[i].val, words[i].word,
			words[i].val);
		/* proto tcp between keeps flags and tcp valid */
		WF_TEST_ASSERT_SUCCESS(check_error(line, want, "given twice"));
		/* and once, it is fine */
		snprintf(line, sizeof(line), "%s %s action pass", words[i].word,
			words[i].val);
		WF_TEST_ASSERT_SUCCESS(check_round_trip(line, NULL));
	}
	return 0;
}

/* Values a line cannot carry: empty words, through wf_rule_parse(). */
static int
test_empty_values(void)
{
	static const char *const words[] = {
		"name", "in", "dir", "proto", "src", "dst", "sport", "dport",
		"port", "flags", "tcp", "state",
	};
	char word[16], empty[] = "", action[] = "action", pass[] = "pass";
	char expire[] = "expire";
	char *argv[4] = { word, empty, action, pass };
	char *tail[4] = { action, pass, expire, empty };
	struct wf_rule r;
	char err[256], lead[32];
	size_t i;

	for (i = 0; i < DIM(words); i++) {
		snprintf(word, sizeof(word), "%s", words[i]);
		WF_TEST_ASSERT_EQUAL(wf_rule_parse(4, argv, &env2, &r, err,
				sizeof(err)), -EINVAL, "%s ''", words[i]);
		snprintf(lead, sizeof(lead), "%s:", words[i]);
		WF_TEST_ASSERT(strncmp(err, lead, strlen(lead)) == 0, "%s", err);
	}
	WF_TEST_ASSERT_EQUAL(wf_rule_parse(4, tail, &env2, &r, err,
			sizeof(err)), -EINVAL);
	WF_TEST_ASSERT_STR_CONTAINS(err, "expire: \"\" is not");
	/* no words at all */
	WF_TEST_ASSERT_EQUAL(wf_rule_parse(0, NULL, &env2, &r, err,
			sizeof(err)), -EINVAL);
	WF_TEST_ASSERT_STR_CONTAINS(err, "action: missing");
	return 0;
}

/* "in" is checked against the appliance it is given. */
static int
test_env(void)
{
	static const struct wf_rule_env none = { .nb_ports = 0 };
	static const struct wf_rule_env many = { .nb_ports = 65535 };
	struct wf_rule r;
	char err[256];

	WF_TEST_ASSERT_EQUAL(wf_rule_parse_line("in 0 action pass", &none, &r,
			err, sizeof(err)), -EINVAL);
	WF_TEST_ASSERT_STR_CONTAINS(err, "in: port 0 does not exist (no ports)");
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line("in 65534 action pass", &many,
			&r, err, sizeof(err)), "%s", err);
	WF_TEST_ASSERT_EQUAL(r.m.in_port, 65534);
	WF_TEST_ASSERT_EQUAL(wf_rule_parse_line("in 65535 action pass", &many,
			&r, err, sizeof(err)), -EINVAL);
	WF_TEST_ASSERT_STR_CONTAINS(err, "(0-65534)");
	/* no environment: any port id a rule can hold */
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line("in 65535 action pass", NULL,
			&r, err, sizeof(err)), "%s", err);
	WF_TEST_ASSERT_EQUAL(wf_rule_parse_line("in 65536 action pass", NULL,
			&r, err, sizeof(err)), -EINVAL);
	return 0;
}

/* ---- the recipes of DESIGN.md --------------------------------------------- */

static int
test_design_recipes(void)
{
	static const struct ok_row rows[] = {
		{ "name resp proto tcp sport 80 tcp data action drop nth 3 count 2",
			NULL },
		{ "name syn  proto tcp dport 12345 tcp syn action drop",
			"name syn proto tcp dport 12345 tcp syn action drop" },
		{ "proto tcp dport 1234 flags SYN/ALL action pass", NULL },
		{ "proto tcp dport 1234 flags ACK/ALL action pass", NULL },
		{ "proto tcp dport 1234 action drop", NULL },
		{ "name badflags flags SYN,FIN/SYN,FIN action log file "
			"badflags.pcap", NULL },
		{ "flags SYN,FIN/SYN,FIN action drop", NULL },
		{ "name vip proto tcp dst 198.18.0.10 dport 80 action lb to "
			"198.18.0.2:81,198.18.0.2:82 mode rr", NULL },
		{ "proto tcp port 80 action mirror", NULL },
	};

	return run_ok_rows(rows, DIM(rows));
}

/* mirror and lb: their words, and what lb needs of its rule's match. */
static int
test_mirror_lb(void)
{
	static const struct ok_row rows[] = {
		{ "action mirror port 2", NULL },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80",
			"proto tcp dst 198.18.0.10/32 action lb to 198.18.0.3:80 "
			"mode rr" },
		{ "proto tcp dst 198.18.0.10/32 dport 80 action lb to "
			"198.18.0.3:80,198.18.0.4:8080 mode hash snat 198.18.0.20",
			"proto tcp dst 198.18.0.10/32 dport 80 action lb to "
			"198.18.0.3:80,198.18.0.4:8080 mode hash snat 198.18.0.20" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"198.18.0.20 ports 40000-40003",
			"proto tcp dst 198.18.0.10/32 action lb to 198.18.0.3:80 "
			"mode rr snat 198.18.0.20 ports 40000-40003" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 ports "
			"7-7 snat 198.18.0.20",
			"proto tcp dst 198.18.0.10/32 action lb to 198.18.0.3:80 "
			"mode rr snat 198.18.0.20 ports 7-7" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"198.18.0.20 ports 1024-65535",
			"proto tcp dst 198.18.0.10/32 action lb to 198.18.0.3:80 "
			"mode rr snat 198.18.0.20" },
		{ "proto tcp dst 2001:2::10 dport 80 action lb to "
			"[2001:2::3]:80,[2001:2:0::4]:80 mode random seed 7",
			"proto tcp dst 2001:2::10/128 dport 80 action lb to "
			"[2001:2::3]:80,[2001:2::4]:80 mode random seed 7" },
	};
	static const struct err_row errs[] = {
		{ "action mirror port", "port", "needs a value" },
		{ "action mirror port 65535", "port", "is not a port id" },
		{ "action mirror port x", "port", "x is not a port id" },
		{ "action mirror port 1 port 2", "port", "given twice" },
		{ "action mirror to 1", "mirror", "unknown word 'to'" },
		{ "proto tcp dst 198.18.0.10 action lb", "lb", "needs to IP:PORT" },
		{ "proto tcp dst 198.18.0.10 action lb to", "to", "needs a value" },
		{ "proto tcp dst 198.18.0.10 action lb mode rr", "lb",
			"needs to" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3", "to",
			"is not IP:PORT" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:0", "to",
			"0 is not a port (1-65535)" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:65536",
			"to", "is not a port" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80,", "to",
			"is not a list of IP:PORT" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80,"
			"198.18.0.3:80", "to", "given twice" },
		{ "proto tcp dst 198.18.0.10 action lb to 2001:2::3:80", "to",
			"is not IP:PORT (IPv6: [ADDR]:PORT)" },
		{ "proto tcp dst 198.18.0.10 action lb to [198.18.0.3]:80", "to",
			"is not IP:PORT" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80,"
			"[2001:2::3]:80", "to", "mix IPv4 and IPv6" },
		{ "proto tcp dst 198.18.0.10 action lb to 224.0.0.1:80", "to",
			"not a unicast address" },
		{ "proto tcp dst 198.18.0.10 action lb to 0.0.0.0:80", "to",
			"not a unicast address" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 mode "
			"lc", "mode", "'lc' is not a mode (rr, random, hash)" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 mode rr "
			"mode hash", "mode", "given twice" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat x",
			"snat", "'x' is not a unicast address" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"2001:2::20", "snat", "an IPv6 address for IPv4 backends" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"198.18.0.3", "snat", "the address of a backend" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 "
			"weight 2", "lb", "unknown word 'weight'" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 ports "
			"1-2", "ports", "needs snat IP" },
		/* fz_rule: 492 bytes typed, 504 printed (/128, mode rr) */
		{ "proto tcp dst 2001:db8:1:2:3:4:5:ff action lb to "
			"[2001:db8:1:2:3:4:5:1]:65535,[2001:db8:1:2:3:4:5:2]:65535,"
			"[2001:db8:1:2:3:4:5:3]:65535,[2001:db8:1:2:3:4:5:4]:65535,"
			"[2001:db8:1:2:3:4:5:5]:65535,[2001:db8:1:2:3:4:5:6]:65535,"
			"[2001:db8:1:2:3:4:5:7]:65535,[2001:db8:1:2:3:4:5:8]:65535,"
			"[2001:db8:1:2:3:4:5:9]:65535,[2001:db8:1:2:3:4:5:a]:65535,"
			"[2001:db8:1:2:3:4:5:b]:65535,[2001:db8:1:2:3:4:5:c]:65535,"
			"[2001:db8:1:2:3:4:5:d]:65535,[2001:db8:1:2:3:4:5:e]:65535,"
			"[2001:db8:1:2:3:4:5:f]:65535 expire 9", "rule",
			"prints as 504 bytes" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"198.18.0.20 ports 5-1", "ports", "'5-1' is not a port range" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"198.18.0.20 ports 0-3", "ports", "'0-3' is not a port range" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"198.18.0.20 ports 1-65536", "ports", "is not a port range" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"198.18.0.20 ports 40000", "ports", "is not a port range" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"198.18.0.20 ports -1-3", "ports", "is not a port range" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"198.18.0.20 ports 1234567-3", "ports", "is not a port range" },
		{ "proto tcp dst 198.18.0.10 action lb to 198.18.0.3:80 snat "
			"198.18.0.20 ports 1-2 ports 1-2", "ports", "given twice" },
		{ "dst 198.18.0.10 action lb to 198.18.0.3:80", "lb",
			"needs proto tcp" },
		{ "proto udp dst 198.18.0.10 action lb to 198.18.0.3:80", "lb",
			"needs proto tcp" },
		{ "proto tcp action lb to 198.18.0.3:80", "lb", "needs dst VIP" },
		{ "proto tcp dst 198.18.0.0/24 action lb to 198.18.0.3:80", "lb",
			"needs dst VIP, one address" },
		{ "proto tcp dst 2001:2::10 action lb to 198.18.0.3:80", "lb",
			"dst is IPv6, the backends IPv4" },
	};

	WF_TEST_ASSERT_SUCCESS(run_ok_rows(rows, DIM(rows)));
	return run_err_rows(errs, DIM(errs));
}

/* ---- HOSTILE.md C1-C8 ------------------------------------------------------ */

static int
test_hostile_numbers(void)
{
	static const struct err_row rows[] = {
		/* C3 */
		{ "dport 70000 action pass", "dport", "is not a port" },
		{ "sport 65536 action pass", "sport", "is not a port" },
		{ "in 4294967296 action pass", "in", "does not exist" },
		{ "dport -1 action pass", "dport", "is not a port" },
		{ "dport 12abc action pass", "dport", "is not a port" },
		{ "dport 0x10 action pass", "dport", "is not a port" },
		{ "dport 1e3 action pass", "dport", "is not a port" },
		{ "action pass expire 4294967296", "expire", "is not a number" },
		/* C4, through the action's own parser */
		{ "action drop prob 1.5", "prob", "1.5" },
		{ "action drop prob nan", "prob", "nan" },
		{ "action drop prob inf", "prob", "inf" },
		{ "action drop prob 1e309", "prob", "1e309" },
		{ "action drop prob -0.1", "prob", "-0.1" },
		{ "action drop prob", "prob", "needs a value" },
		{ "action drop nth 0", "nth", "0" },
		{ "action drop every 0", "every", "0" },
		{ "action drop count 4294967296", "count", "4294967296" },
		{ "action drop nth -1", "nth", "-1" },
		{ "action drop seg 0", "seg", "0" },
		{ "src 10.0.0.0/33 action pass", "src", "0-32" },
		{ "src ::/129 action pass", "src", "0-128" },
		{ "dst 256.1.1.1 action pass", "dst", "is not an address" },
		{ "dst ::: action pass", "dst", "is not an address" },
		{ "sport 90-80 action pass", "sport", "low > high" },
	};

	return run_err_rows(rows, DIM(rows));
}

/* C1: line length and word count; C2, C8: names and echoes. */
static int
test_hostile_lines(void)
{
	char line[1200], err[256];
	struct wf_rule r;
	size_t i;

	/* 500 bytes is a line; 501 is refused whole, before any parsing */
	memset(line, ' ', sizeof(line));
	memcpy(line, "action pass", 11);
	line[500] = '\0';
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(line, &env2, &r, err,
			sizeof(err)), "%s", err);
	/* the line end is not part of the line */
	memcpy(line + 500, "\r\n", 3);
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(line, &env2, &r, err,
			sizeof(err)), "%s", err);
	memcpy(line + 500, "x\n", 3);
	WF_TEST_ASSERT_SUCCESS(check_error(line, NULL,
			"line too long (501 > 500)"));
	line[501] = '\0';
	WF_TEST_ASSERT_SUCCESS(check_error(line, NULL,
			"line too long (501 > 500)"));
	memset(line + 501, ' ', sizeof(line) - 501);
	line[1100] = '\0';
	WF_TEST_ASSERT_SUCCESS(check_error(line, NULL,
			"line too long (1100 > 500)"));
	/* C1's measured case: a good prefix, then blanks, then garbage */
	memset(line, ' ', sizeof(line));
	memcpy(line, "action pass", 11);
	memcpy(line + 611, "garbage", 8);
	WF_TEST_ASSERT_SUCCESS(check_error(line, NULL, "line too long"));

	/* 64 words are parsed, 65 are not */
	line[0] = '\0';
	for (i = 0; i < 64; i++)
		strcat(line, "foo ");
	WF_TEST_ASSERT_SUCCESS(check_error(line, "foo", "unknown word"));
	strcat(line, "foo");
	WF_TEST_ASSERT_SUCCESS(check_error(line, "line",
			"more than 64 words"));
	return 0;
}

static int
test_hostile_names(void)
{
	static const struct err_row rows[] = {
		{ "name a\x1b[31mred action pass", "name", "a\\x1b[31mred has" },
		{ "name \x1b]0;pwned\x07 action pass", "name", "\\x1b]0;pwned\\x07" },
		{ "name a\x7f action pass", "name", "a\\x7f" },
		{ "name a\\b action pass", "name", "a\\x5cb" },
		{ "dport \x1b[2J action pass", "dport", "\\x1b[2J is not a port" },
		{ "\x1b[2J action pass", NULL, "\\x1b[2J: unknown word" },
		{ "action \x1b[2J", "action", "unknown action '\\x1b[2J'" },
		{ "action drop nth \x1b[2J", "nth", "\\x1b[2J" },
		{ "action log file \x1b[2J", "file", "\\x1b[2J" },
	};
	char line[300], name[80];
	struct wf_rule r;
	char err[256];

	/* 64 characters are a name, 65 are not (C2) */
	memset(name, 'n', 64);
	name[64] = '\0';
	snprintf(line, sizeof(line), "name %s action pass", name);
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(line, &env2, &r, err,
			sizeof(err)), "%s", err);
	WF_TEST_ASSERT_STR_EQUAL(r.name, name);
	WF_TEST_ASSERT_SUCCESS(check_round_trip(line, line));
	snprintf(line, sizeof(line), "name %sn action pass", name);
	WF_TEST_ASSERT_SUCCESS(check_error(line, "name",
			"is longer than 64 characters (65)"));
	/* a long word is echoed cut short (C8) */
	memset(name, 'a', 79);
	name[79] = '\0';
	snprintf(line, sizeof(line), "dport %s action pass", name);
	WF_TEST_ASSERT_SUCCESS(check_error(line, "dport", "aaaa... is not"));
	WF_TEST_ASSERT_EQUAL(wf_rule_parse_line(line, &env2, &r, err,
			sizeof(err)), -EINVAL);
	WF_TEST_ASSERT(strstr(err, name) == NULL, "echoed whole: %s", err);
	WF_TEST_ASSERT(strlen(err) < 120, "%s", err);
	return run_err_rows(rows, DIM(rows));
}

static int
test_name_valid(void)
{
	static const char *const good[] = {
		"a", "A", "0a", "a0", "_", ".", "-", "web-1.x_Y", "1.5", "-1",
		"0000000000000000000000000000000000000000000000000000000000000x",
	};
	static const char *const bad[] = {
		"", "0", "123", "00000000000000000000", "a b", "a\tb", "a/b",
		"a,b", "a:b", "a\x1b", "caf\xc3\xa9", "a\n",
		"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
	};
	size_t i;

	for (i = 0; i < DIM(good); i++)
		WF_TEST_ASSERT(wf_rule_name_valid(good[i]), "'%s'", good[i]);
	for (i = 0; i < DIM(bad); i++)
		WF_TEST_ASSERT(!wf_rule_name_valid(bad[i]), "'%s'", bad[i]);
	WF_TEST_ASSERT(!wf_rule_name_valid(NULL));
	return 0;
}

/* The line is the caller's; small or no error buffers are safe. */
static int
test_buffers(void)
{
	char line[] = "name x\tproto tcp dport 80 action drop\r\n";
	char copy[sizeof(line)], err[8], text[16], big[512];
	struct wf_rule r;
	int n, full;

	memcpy(copy, line, sizeof(line));
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(line, &env2, &r, big,
			sizeof(big)), "%s", big);
	WF_TEST_ASSERT(memcmp(line, copy, sizeof(line)) == 0, "line changed");
	/* an error message is cut to the buffer, NUL-terminated */
	memset(err, 'X', sizeof(err));
	WF_TEST_ASSERT_EQUAL(wf_rule_parse_line("dport 70000 action pass",
			&env2, &r, err, sizeof(err)), -EINVAL);
	WF_TEST_ASSERT_STR_EQUAL(err, "dport: ");
	WF_TEST_ASSERT_EQUAL(wf_rule_parse_line("dport 70000 action pass",
			&env2, &r, NULL, 0), -EINVAL);
	WF_TEST_ASSERT_EQUAL(wf_rule_parse_line("action drop nth 0",
			&env2, &r, NULL, 0), -EINVAL);
	/* the printer returns the whole length, as snprintf */
	WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(line, &env2, &r, big,
			sizeof(big)));
	full = wf_rule_format(&r, big, sizeof(big));
	WF_TEST_ASSERT_STR_EQUAL(big, "name x proto tcp dport 80 action drop");
	WF_TEST_ASSERT_EQUAL(full, strlen(big));
	n = wf_rule_format(&r, text, sizeof(text));
	WF_TEST_ASSERT_EQUAL(n, full);
	WF_TEST_ASSERT_EQUAL(strlen(text), sizeof(text) - 1);
	WF_TEST_ASSERT(strncmp(text, big, sizeof(text) - 1) == 0);
	WF_TEST_ASSERT_EQUAL(wf_rule_format(&r, NULL, 0), full);
	/* a log path as long as it gets still prints whole */
	memset(big, 'p', sizeof(big));
	memcpy(big, "action log file ", 16);
	big[16 + 255] = '\0';
	WF_TEST_ASSERT_SUCCESS(check_round_trip(big, big));
	return 0;
}

/* Several probabilities print and parse back to the same double. */
static int
test_round_trip_prob(void)
{
	static const char *const probs[] = {
		"0", "0.1", "0.5", "0.333333333333333314829616256247",
		"0.000001", "0.999999999", "1", "0.00000000000000000001",
	};
	char line[128];
	size_t i;

	for (i = 0; i < DIM(probs); i++) {
		snprintf(line, sizeof(line), "action drop prob %s seed 3",
			probs[i]);
		WF_TEST_ASSERT_SUCCESS(check_round_trip(line, NULL), "%s",
			probs[i]);
	}
	return 0;
}

/* ---- the matchers ----------------------------------------------------------- */

/* A classified packet: IPv4 or IPv6 by the form of @p src. */
static struct wf_pkt
pkt_of(uint8_t proto, const char *src, const char *dst, uint16_t sport,
		uint16_t dport)
{
	struct wf_pkt p;
	int af = strchr(src, ':') != NULL ? AF_INET6 : AF_INET;

	memset(&p, 0, sizeof(p));
	p.family = af == AF_INET6 ? 6 : 4;
	p.proto = proto;
	if (inet_pton(af, src, p.src) != 1 || inet_pton(af, dst, p.dst) != 1)
		p.family = 0;  /* a typo in a table: no match and a failure */
	p.sport = sport;
	p.dport = dport;
	return p;
}

static int
test_match_flow(void)
{
	static const struct {
		const char *rule;
		uint8_t proto;
		const char *src, *dst;
		uint16_t sport, dport;
		bool match;
	} rows[] = {
		{ "", 6, "1.2.3.4", "5.6.7.8", 1, 2, true },
		{ "", 6, "::1", "::2", 1, 2, true },
		/* IPv4 prefixes */
		{ "src 198.18.0.0/15", 6, "198.19.1.1", "1.1.1.1", 1, 2, true },
		{ "src 198.18.0.0/15", 6, "198.18.0.0", "1.1.1.1", 1, 2, true },
		{ "src 198.18.0.0/15", 6, "198.20.0.1", "1.1.1.1", 1, 2, false },
		{ "src 198.18.0.0/15", 6, "198.17.255.255", "1.1.1.1", 1, 2, false },
		{ "src 198.18.0.0/15", 6, "1.1.1.1", "198.18.0.1", 1, 2, false },
		{ "dst 198.18.0.0/15", 6, "1.1.1.1", "198.18.0.1", 1, 2, true },
		{ "src 0.0.0.0/0", 17, "255.255.255.255", "1.1.1.1", 1, 2, true },
		{ "src 0.0.0.0/0", 17, "::1", "::2", 1, 2, false },
		{ "src 128.0.0.0/1", 6, "200.1.1.1", "1.1.1.1", 1, 2, true },
		{ "src 128.0.0.0/1", 6, "127.255.255.255", "1.1.1.1", 1, 2, false },
		{ "dst 10.0.0.2/31", 6, "1.1.1.1", "10.0.0.3", 1, 2, true },
		{ "dst 10.0.0.2/31", 6, "1.1.1.1", "10.0.0.2", 1, 2, true },
		{ "dst 10.0.0.2/31", 6, "1.1.1.1", "10.0.0.4", 1, 2, false },
		{ "dst 10.0.0.2/31", 6, "1.1.1.1", "10.0.0.1", 1, 2, false },
		{ "src 198.18.0.1", 6, "198.18.0.1", "1.1.1.1", 1, 2, true },
		{ "src 198.18.0.1", 6, "198.18.0.2", "1.1.1.1", 1, 2, false },
		{ "src 198.18.0.1", 6, "199.18.0.1", "1.1.1.1", 1, 2, false },
		/* an IPv4 rule and an IPv6 packet with the same first bytes */
		{ "src 0.0.0.0/1", 6, "::", "::", 1, 2, false },
		/* IPv6 prefixes */
		{ "src ::/0", 6, "2001:db8::1", "::2", 1, 2, true },
		{ "src ::/0", 6, "1.2.3.4", "5.6.7.8", 1, 2, false },
		{ "src 8000::/1", 6, "8000::", "::2", 1, 2, true },
		{ "src 8000::/1", 6, "ffff::1", "::2", 1, 2, true },
		{ "src 8000::/1", 6, "7fff:ffff::", "::2", 1, 2, false },
		{ "dst 2001:db8::/127", 6, "::1", "2001:db8::1", 1, 2, true },
		{ "dst 2001:db8::/127", 6, "::1", "2001:db8::", 1, 2, true },
		{ "dst 2001:db8::/127", 6, "::1", "2001:db8::2", 1, 2, false },
		{ "src 2001:db8::/32", 6, "2001:db8:ffff::1", "::2", 1, 2, true },
		{ "src 2001:db8::/32", 6, "2001:db9::", "::2", 1, 2, false },
		{ "src 2001:db8:0:1::/64", 6, "2001:db8:0:1:ffff::", "::", 1, 2,
			true },
		{ "src 2001:db8:0:1::/64", 6, "2001:db8:0:2::", "::", 1, 2, false },
		{ "src 2001:db8:0:1::/64", 6, "2001:db8:0:0:ffff::", "::", 1, 2,
			false },
		{ "src 2001:db8:0:1:8000::/65", 6, "2001:db8:0:1:8000::1", "::",
			1, 2, true },
		{ "src 2001:db8:0:1:8000::/65", 6, "2001:db8:0:1:7fff::1", "::",
			1, 2, false },
		{ "src ::1", 6, "::1", "::1", 1, 2, true },
		{ "src ::1", 6, "::3", "::1", 1, 2, false },
		{ "src ::1", 6, "1::1", "::1", 1, 2, false },
		{ "src ::ffff:1.2.3.4", 6, "1.2.3.4", "5.6.7.8", 1, 2, false },
		/* protocols */
		{ "proto tcp", 6, "1.1.1.1", "2.2.2.2", 1, 2, true },
		{ "proto tcp", 17, "1.1.1.1", "2.2.2.2", 1, 2, false },
		{ "proto udp", 17, "1.1.1.1", "2.2.2.2", 1, 2, true },
		{ "proto udp", 6, "::1", "::2", 1, 2, false },
		{ "proto icmp", 1, "1.1.1.1", "2.2.2.2", 0, 0, true },
		{ "proto icmp", 58, "::1", "::2", 0, 0, true },
		{ "proto icmp", 6, "1.1.1.1", "2.2.2.2", 0, 0, false },
		{ "proto ip", 17, "1.1.1.1", "2.2.2.2", 1, 2, true },
		{ "proto ip", 58, "::1", "::2", 0, 0, true },
		/* ports */
		{ "sport 80", 6, "1.1.1.1", "2.2.2.2", 80, 2, true },
		{ "sport 80", 6, "1.1.1.1", "2.2.2.2", 81, 80, false },
		{ "dport 1000-2000", 6, "1.1.1.1", "2.2.2.2", 1, 999, false },
		{ "dport 1000-2000", 6, "1.1.1.1", "2.2.2.2", 1, 1000, true },
		{ "dport 1000-2000", 17, "1.1.1.1", "2.2.2.2", 1, 2000, true },
		{ "dport 1000-2000", 6, "1.1.1.1", "2.2.2.2", 1, 2001, false },
		{ "dport 1000-2000", 6, "1.1.1.1", "2.2.2.2", 1500, 1, false },
		{ "port 80", 6, "1.1.1.1", "2.2.2.2", 80, 5, true },
		{ "port 80", 6, "1.1.1.1", "2.2.2.2", 5, 80, true },
		{ "port 80", 6, "1.1.1.1", "2.2.2.2", 5, 6, false },
		{ "port 0", 1, "1.1.1.1", "2.2.2.2", 0, 0, false },
		{ "sport 0-65535", 58, "::1", "::2", 0, 0, false },
		{ "dport 53", 17, "::1", "::2", 5353, 53, true },
		{ "sport 65535", 6, "::1", "::2", 65535, 53, true },
		{ "sport 1-2 dport 3-4", 6, "::1", "::2", 2, 3, true },
		{ "sport 1-2 dport 3-4", 6, "::1", "::2", 2, 5, false },
		{ "sport 1-2 port 3-4", 6, "::1", "::2", 2, 3, true },
		/* all together */
		{ "proto tcp src 10.0.0.0/8 dst 10.1.0.0/16 dport 80", 6,
			"10.9.9.9", "10.1.2.3", 999, 80, true },
		{ "proto tcp src 10.0.0.0/8 dst 10.1.0.0/16 dport 80", 17,
			"10.9.9.9", "10.1.2.3", 999, 80, false },
		{ "proto tcp src 10.0.0.0/8 dst 10.1.0.0/16 dport 80", 6,
			"11.9.9.9", "10.1.2.3", 999, 80, false },
		{ "proto tcp src 10.0.0.0/8 dst 10.1.0.0/16 dport 80", 6,
			"10.9.9.9", "10.2.2.3", 999, 80, false },
		{ "proto tcp src 10.0.0.0/8 dst 10.1.0.0/16 dport 80", 6,
			"10.9.9.9", "10.1.2.3", 999, 81, false },
		/* the packet part is not the flow part's business */
		{ "in 1 dir s2c flags SYN/ALL tcp syn state closed", 17,
			"1.1.1.1", "2.2.2.2", 1, 2, true },
	};
	char line[160], err[256];
	struct wf_rule r;
	struct wf_pkt p;
	size_t i;

	for (i = 0; i < DIM(rows); i++) {
		snprintf(line, sizeof(line), "%s action pass", rows[i].rule);
		WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(line, &env2, &r, err,
				sizeof(err)), "row %zu: %s", i, err);
		p = pkt_of(rows[i].proto, rows[i].src, rows[i].dst,
			rows[i].sport, rows[i].dport);
		WF_TEST_ASSERT(p.family != 0, "row %zu: bad address", i);
		WF_TEST_ASSERT_EQUAL(wf_rule_match_flow(&r.m, &p), rows[i].match,
			"row %zu: '%s' %s > %s", i, rows[i].rule, rows[i].src,
			rows[i].dst);
	}
	return 0;
}

#define K(kind) (1u << WF_TCP_K_##kind)
#define RETRANS WF_RULE_TCP_RETRANS
#define F(flag) WF_TCP_##flag

static int
test_match_pkt(void)
{
	static const struct {
		const char *rule;
		uint8_t proto, flags;
		uint16_t in_port;
		uint8_t has_flow, dir, state;
		uint16_t kinds;
		bool match;
	} rows[] = {
		{ "", 17, 0, 0, 0, 0, 0, 0, true },
		/* in */
		{ "in 1", 6, 0, 1, 0, 0, 0, 0, true },
		{ "in 1", 6, 0, 0, 0, 0, 0, 0, false },
		{ "in 0", 17, 0, 0, 0, 0, 0, 0, true },
		/* dir: only with a flow */
		{ "dir c2s", 6, 0, 0, 1, 0, WF_TCP_ESTABLISHED, 0, true },
		{ "dir c2s", 6, 0, 0, 1, 1, WF_TCP_ESTABLISHED, 0, false },
		{ "dir s2c", 17, 0, 0, 1, 1, 0, 0, true },
		{ "dir c2s", 6, 0, 0, 0, 0, 0, 0, false },
		{ "dir s2c", 6, 0, 0, 0, 1, 0, 0, false },
		/* flags */
		{ "flags SYN/ALL", 6, F(SYN), 0, 0, 0, 0, 0, true },
		{ "flags SYN/ALL", 6, F(SYN) | F(ACK), 0, 0, 0, 0, 0, false },
		{ "flags SYN/SYN,ACK", 6, F(SYN), 0, 0, 0, 0, 0, true },
		{ "flags SYN/SYN,ACK", 6, F(SYN) | F(ECE), 0, 0, 0, 0, 0, true },
		{ "flags SYN/SYN,ACK", 6, F(SYN) | F(ACK), 0, 0, 0, 0, 0, false },
		{ "flags SYN,ACK/ALL", 6, F(SYN) | F(ACK), 0, 0, 0, 0, 0, true },
		{ "flags SYN,FIN/SYN,FIN", 6, F(SYN) | F(FIN), 0, 0, 0, 0, 0, true },
		{ "flags SYN,FIN/SYN,FIN", 6, F(SYN) | F(FIN) | F(ACK), 0, 0, 0, 0,
			0, true },
		{ "flags SYN,FIN/SYN,FIN", 6, F(SYN), 0, 0, 0, 0, 0, false },
		{ "flags SYN,FIN/SYN,FIN", 6, F(FIN) | F(ACK), 0, 0, 0, 0, 0, false },
		{ "flags NONE/ALL", 6, 0, 0, 0, 0, 0, 0, true },
		{ "flags NONE/ALL", 6, F(ACK), 0, 0, 0, 0, 0, false },
		{ "flags NONE/NONE", 6, 0xff, 0, 0, 0, 0, 0, true },
		{ "flags NONE/NONE", 17, 0, 0, 0, 0, 0, 0, false },
		{ "flags ALL/ALL", 6, 0xff, 0, 0, 0, 0, 0, true },
		{ "flags ALL/ALL", 6, 0x7f, 0, 0, 0, 0, 0, false },
		{ "flags ACK/ALL", 6, F(ACK), 0, 0, 0, 0, 0, true },
		{ "flags ACK/ALL", 6, F(ACK) | F(PSH), 0, 0, 0, 0, 0, false },
		{ "flags NONE/RST", 6, F(ACK), 0, 0, 0, 0, 0, true },
		{ "flags NONE/RST", 6, F(RST) | F(ACK), 0, 0, 0, 0, 0, false },
		{ "flags SYN/ALL", 17, F(SYN), 0, 0, 0, 0, 0, false },
		{ "flags SYN/ALL", 1, F(SYN), 0, 0, 0, 0, 0, false },
		/* tcp kinds; retrans counts as a kind */
		{ "tcp syn", 6, F(SYN), 0, 1, 0, WF_TCP_SYN_SENT, K(SYN), true },
		{ "tcp syn", 6, F(SYN) | F(ACK), 0, 1, 1, WF_TCP_SYN_RECV,
			K(SYNACK), false },
		{ "tcp syn", 6, F(SYN), 0, 0, 0, 0, K(SYN), true },
		{ "tcp data", 6, F(ACK), 0, 1, 0, WF_TCP_ESTABLISHED, K(DATA), true },
		{ "tcp data", 6, F(ACK), 0, 1, 0, WF_TCP_ESTABLISHED,
			K(DATA) | RETRANS, true },
		{ "tcp retrans", 6, F(ACK), 0, 1, 0, WF_TCP_ESTABLISHED,
			K(DATA) | RETRANS, true },
		{ "tcp retrans", 6, F(ACK), 0, 1, 0, WF_TCP_ESTABLISHED, K(DATA),
			false },
		{ "tcp data,retrans", 6, F(ACK), 0, 1, 0, WF_TCP_ESTABLISHED,
			K(PUREACK) | RETRANS, true },
		{ "tcp data,retrans", 6, F(ACK), 0, 1, 0, WF_TCP_ESTABLISHED,
			K(PUREACK), false },
		{ "tcp hsack,pureack", 6, F(ACK), 0, 1, 0, WF_TCP_ESTABLISHED,
			K(HSACK), true },
		{ "tcp fin", 6, F(FIN), 0, 1, 0, WF_TCP_FIN_WAIT, K(FIN), true },
		{ "tcp rst", 6, F(RST), 0, 1, 0, WF_TCP_CLOSED, K(RST), true },
		{ "tcp rst", 6, F(RST), 0, 1, 0, WF_TCP_CLOSED, K(INVALID), false },
		{ "tcp syn", 17, 0, 0, 0, 0, 0, K(SYN), false },
		{ "tcp syn", 1, 0, 0, 0, 0, 0, K(SYN), false },
		/* state: only with a flow; NONE never */
		{ "state new", 6, 0, 0, 1, 0, WF_TCP_SYN_SENT, 0, true },
		{ "state new", 6, 0, 0, 1, 0, WF_TCP_SYN_RECV, 0, true },
		{ "state new", 6, 0, 0, 1, 0, WF_TCP_ESTABLISHED, 0, false },
		{ "state established", 6, 0, 0, 1, 0, WF_TCP_ESTABLISHED, 0, true },
		{ "state established", 6, 0, 0, 1, 0, WF_TCP_FIN_WAIT, 0, false },
		{ "state closing", 6, 0, 0, 1, 0, WF_TCP_FIN_WAIT, 0, true },
		{ "state closing", 6, 0, 0, 1, 0, WF_TCP_CLOSE_WAIT, 0, true },
		{ "state closing", 6, 0, 0, 1, 0, WF_TCP_LAST_ACK, 0, true },
		{ "state closing", 6, 0, 0, 1, 0, WF_TCP_TIME_WAIT, 0, true },
		{ "state closing", 6, 0, 0, 1, 0, WF_TCP_CLOSED, 0, false },
		{ "state closed", 6, 0, 0, 1, 0, WF_TCP_CLOSED, 0, true },
		{ "state closed", 6, 0, 0, 1, 0, WF_TCP_ESTABLISHED, 0, false },
		{ "state new,established,closing,closed", 6, 0, 0, 1, 0,
			WF_TCP_NONE, 0, false },
		{ "state new,established,closing,closed", 17, 0, 0, 1, 0,
			WF_TCP_NONE, 0, false },
		{ "state new,established,closing,closed", 6, 0, 0, 1, 0,
			WF_TCP_STATE_MAX, 0, false },
		{ "state new,established,closing,closed", 6, 0, 0, 1, 0, 200, 0,
			false },
		{ "state established", 6, 0, 0, 0, 0, WF_TCP_ESTABLISHED, 0, false },
		/* all together */
		{ "in 1 dir c2s flags ACK/ACK tcp data state established", 6,
			F(ACK) | F(PSH), 1, 1, 0, WF_TCP_ESTABLISHED, K(DATA), true },
		{ "in 1 dir c2s flags ACK/ACK tcp data state established", 6,
			F(ACK) | F(PSH), 1, 1, 1, WF_TCP_ESTABLISHED, K(DATA), false },
		{ "in 1 dir c2s flags ACK/ACK tcp data state established", 6,
			F(ACK) | F(PSH), 1, 1, 0, WF_TCP_CLOSE_WAIT, K(DATA), false },
		/* the flow part is not the packet part's business */
		{ "proto udp src ::1 dport 9", 6, 0, 0, 0, 0, 0, 0, true },
	};
	char line[160], err[256];
	struct wf_rule_pkt rp;
	struct wf_rule r;
	struct wf_pkt p;
	size_t i;

	for (i = 0; i < DIM(rows); i++) {
		snprintf(line, sizeof(line), "%s action pass", rows[i].rule);
		WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(line, &env2, &r, err,
				sizeof(err)), "row %zu: %s", i, err);
		p = pkt_of(rows[i].proto, "1.1.1.1", "2.2.2.2", 1, 2);
		p.tcp_flags = rows[i].flags;
		rp = (struct wf_rule_pkt){
			.pkt = &p, .in_port = rows[i].in_port,
			.has_flow = rows[i].has_flow, .dir = rows[i].dir,
			.state = rows[i].state, .tcp_kinds = rows[i].kinds,
		};
		WF_TEST_ASSERT_EQUAL(wf_rule_match_pkt(&r.m, &rp), rows[i].match,
			"row %zu: '%s'", i, rows[i].rule);
	}
	return 0;
}

/*
 * The prefilter against wf_rule_match_pkt, over every rule of the table
 * above and a sweep of packets: it never leaves out a matching rule, and
 * for TCP packets on ports below WF_RULE_PF_PORTS it is exact (it ignores
 * only the protocol).
 */
static int
test_prefilter(void)
{
	static const char *const rules[] = {
		"", "in 1", "in 0", "in 63", "in 64", "in 1000", "dir c2s", "dir s2c",
		"flags SYN/ALL", "flags SYN/SYN,ACK", "flags SYN,ACK/ALL",
		"flags SYN,FIN/SYN,FIN", "flags NONE/ALL", "flags NONE/NONE",
		"flags ALL/ALL", "flags ACK/ALL", "flags NONE/RST",
		"tcp syn", "tcp data", "tcp retrans", "tcp data,retrans",
		"tcp hsack,pureack", "tcp fin", "tcp rst", "tcp syn,synack,retrans",
		"state new", "state established", "state closing",
		"state closed", "state new,established,closing,closed",
		"in 1 dir c2s flags ACK/ACK tcp data state established",
		"dir s2c state closed tcp rst", "proto udp in 1",
		"proto tcp src 10.0.0.0/8 in 0",
	};
	static const uint16_t kinds[] = {
		0, K(SYN), K(SYNACK), K(HSACK), K(DATA), K(DATA) | RETRANS,
		K(PUREACK) | RETRANS, K(FIN), K(FIN) | K(DATA), K(RST),
		K(INVALID),
	};
	static const uint16_t ports[] = { 0, 1, 5, 63, 64, 1000 };
	static const uint8_t protos[] = { 6, 17 };
	static const struct wf_rule_env env = { .nb_ports = 1001 };
	struct wf_rule_match m[DIM(rules)];
	struct wf_rule_prefilter pf;
	char line[160], err[256];
	struct wf_rule_pkt rp;
	struct wf_rule r;
	struct wf_pkt p;
	unsigned int flags, pi, hf, dir, st, ki, pr, i;
	uint64_t bits;
	bool match;

	_Static_assert(DIM(rules) <= WF_RULE_PF_RULES, "one prefilter");
	wf_rule_prefilter_init(&pf);
	for (i = 0; i < DIM(rules); i++) {
		snprintf(line, sizeof(line), "%s action pass", rules[i]);
		WF_TEST_ASSERT_SUCCESS(wf_rule_parse_line(line, &env, &r, err,
				sizeof(err)), "rule %u: %s", i, err);
		m[i] = r.m;
		wf_rule_prefilter_add(&pf, i, &m[i]);
	}
	for (pr = 0; pr < DIM(protos); pr++)
	for (flags = 0; flags < 256; flags++)
	for (pi = 0; pi < DIM(ports); pi++)
	for (hf = 0; hf < 2; hf++)
	for (dir = 0; dir < 2; dir++)
	for (st = 0; st <= WF_TCP_STATE_MAX + 1; st++)
	for (ki = 0; ki < DIM(kinds); ki++) {
		p = pkt_of(protos[pr], "1.1.1.1", "2.2.2.2", 1, 2);
		p.tcp_flags = (uint8_t)flags;
		rp = (struct wf_rule_pkt){
			.pkt = &p, .in_port = ports[pi], .has_flow = (uint8_t)hf,
			.dir = (uint8_t)dir,
			.state = (uint8_t)(st <= WF_TCP_STATE_MAX ? st : 200),
			.tcp_kinds = kinds[ki],
		};
		bits = wf_rule_prefilter(&pf, &rp);
		for (i = 0; i < DIM(rules); i++) {
			match = wf_rule_match_pkt(&m[i], &rp);
			if (match || (protos[pr] == 6 &&
					ports[pi] < WF_RULE_PF_PORTS))
				WF_TEST_ASSERT_EQUAL(!!(bits >> i & 1), match,
					"'%s': proto %u flags %#x in %u flow %u "
					"dir %u state %u kinds %#x", rules[i],
					protos[pr], flags, ports[pi], hf, dir,
					rp.state, kinds[ki]);
		}
	}
	return 0;
}

int
main(void)
{
	static const struct wf_test_case cases[] = {
		WF_TEST(test_match_words),
		WF_TEST(test_action_part),
		WF_TEST(test_fields),
		WF_TEST(test_word_errors),
		WF_TEST(test_missing_and_twice),
		WF_TEST(test_empty_values),
		WF_TEST(test_env),
		WF_TEST(test_design_recipes),
		WF_TEST(test_mirror_lb),
		WF_TEST(test_hostile_numbers),
		WF_TEST(test_hostile_lines),
		WF_TEST(test_hostile_names),
		WF_TEST(test_name_valid),
		WF_TEST(test_buffers),
		WF_TEST(test_round_trip_prob),
		WF_TEST(test_match_flow),
		WF_TEST(test_match_pkt),
		WF_TEST(test_prefilter),
	};

	return wf_test_run("rule", cases, DIM(cases));
}
