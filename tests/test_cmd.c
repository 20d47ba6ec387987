/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The command model: matching, errors that name the problem, and lines
 * that must never run (too long, cut short, control bytes): HOSTILE.md
 * C1, C2 and C8.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf_cmd.h"
#include "wf_test.h"

static int calls_single, calls_show_stats, calls_show_port_stats;
static int last_argc;
static char last_arg0[64];

static void
reset_calls(void)
{
	calls_single = calls_show_stats = calls_show_port_stats = 0;
	last_argc = -1;
	last_arg0[0] = '\0';
}

static int
fn_single(int argc, char **argv, struct wf_reply *r, void *ctx)
{
	(void)argv;
	(void)ctx;
	calls_single++;
	last_argc = argc;
	wf_reply_printf(r, "single ran\n");
	return 0;
}

static int
fn_show_stats(int argc, char **argv, struct wf_reply *r, void *ctx)
{
	(void)argv;
	(void)r;
	(void)ctx;
	calls_show_stats++;
	last_argc = argc;
	return 0;
}

static int
fn_show_port_stats(int argc, char **argv, struct wf_reply *r, void *ctx)
{
	(void)r;
	(void)ctx;
	calls_show_port_stats++;
	last_argc = argc;
	snprintf(last_arg0, sizeof(last_arg0), "%s", argv[0]);
	return 0;
}

static const struct wf_cmd table[] = {
	{ "single", "", "one word", 0, 0, fn_single },
	{ "show stats", "", "counters", 0, 0, fn_show_stats },
	{ "show port stats", "all|PORT", "per port", 1, 1, fn_show_port_stats },
};
#define NB_CMDS (sizeof(table) / sizeof(table[0]))

/* Run @p line; return the verdict, the reply text in *text (static). */
static int
run(const char *line, const char **text)
{
	static struct wf_reply r;
	int ret;

	wf_reply_free(&r);
	reset_calls();
	ret = wf_cmd_exec(table, NB_CMDS, line, &r, NULL);
	*text = wf_reply_text(&r);
	return ret;
}

static int
test_exact_and_longest_match(void)
{
	const char *t;

	WF_TEST_ASSERT_EQUAL(run("single", &t), 0, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_single, 1, "single not run");
	WF_TEST_ASSERT_EQUAL(run("  show\tstats  ", &t), 0, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_show_stats, 1, "tabs and spaces separate");
	WF_TEST_ASSERT_EQUAL(run("show port stats all\r\n", &t), 0, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_show_port_stats, 1, "CRLF stripped");
	WF_TEST_ASSERT_EQUAL(last_argc, 1, "args after the command words");
	WF_TEST_ASSERT(strcmp(last_arg0, "all") == 0, "arg '%s'", last_arg0);
	WF_TEST_ASSERT_EQUAL(calls_show_stats, 0, "only the matching command runs");
	return 0;
}

static int
test_unknown_commands(void)
{
	const char *t;

	WF_TEST_ASSERT_EQUAL(run("foo", &t), -ENOENT, "%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "unknown command 'foo'");
	WF_TEST_ASSERT_EQUAL(run("show bogus", &t), -ENOENT, "%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "'show' is followed by one of: stats, port");
	WF_TEST_ASSERT_EQUAL(run("show port", &t), -ENOENT, "%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "'show port' is followed by one of: stats");
	WF_TEST_ASSERT_EQUAL(run("singleXYZ", &t), -ENOENT, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_single, 0, "a prefix is not a word");
	return 0;
}

static int
test_argument_counts(void)
{
	const char *t;

	WF_TEST_ASSERT_EQUAL(run("single extra", &t), -EINVAL, "%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "'single' takes no arguments");
	WF_TEST_ASSERT_EQUAL(run("show port stats", &t), -EINVAL, "%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "usage: show port stats all|PORT");
	WF_TEST_ASSERT_EQUAL(run("show port stats 1 2", &t), -EINVAL, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_show_port_stats, 0, "must not run");
	return 0;
}

static int
test_empty_and_comments(void)
{
	const char *t;

	WF_TEST_ASSERT_EQUAL(run("", &t), 0, "empty");
	WF_TEST_ASSERT_EQUAL(run("   \t \n", &t), 0, "blank");
	WF_TEST_ASSERT_EQUAL(run("# single", &t), 0, "comment");
	WF_TEST_ASSERT_EQUAL(run("#single", &t), 0, "comment");
	WF_TEST_ASSERT_EQUAL(calls_single, 0, "a comment runs nothing");
	WF_TEST_ASSERT(t[0] == '\0', "no output: '%s'", t);
	return 0;
}

/* HOSTILE.md C1: a long line is refused whole, never run cut short. */
static int
test_line_length(void)
{
	char line[4096];
	const char *t;

	/* exactly the limit: accepted */
	memset(line, ' ', WF_CMD_LINE_MAX);
	memcpy(line, "single", 6);
	line[WF_CMD_LINE_MAX] = '\0';
	WF_TEST_ASSERT_EQUAL(run(line, &t), 0, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_single, 1, "500-byte line must run");
	/* one more byte: refused */
	memset(line, ' ', WF_CMD_LINE_MAX + 1);
	memcpy(line, "single", 6);
	line[WF_CMD_LINE_MAX + 1] = '\0';
	WF_TEST_ASSERT_EQUAL(run(line, &t), -E2BIG, "%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "line too long (501 > 500 bytes)");
	WF_TEST_ASSERT_EQUAL(calls_single, 0, "must not run");
	/* "single" + 600 spaces + "garbage": cmdline ran "single" */
	memset(line, ' ', sizeof(line));
	memcpy(line, "single", 6);
	memcpy(line + 606, "garbage", 8);
	WF_TEST_ASSERT_EQUAL(run(line, &t), -E2BIG, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_single, 0, "must not run a prefix");
	/* 506 spaces + "singleXYZ": cmdline ran "single" */
	memset(line, ' ', 506);
	memcpy(line + 506, "singleXYZ", 10);
	WF_TEST_ASSERT_EQUAL(run(line, &t), -E2BIG, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_single, 0, "must not run a prefix");
	/* what rdline hands over when it cut a line: 512 bytes, still refused */
	memset(line, 'x', 512);
	memcpy(line, "single ", 7);
	line[512] = '\0';
	WF_TEST_ASSERT_EQUAL(run(line, &t), -E2BIG, "%s", t);
	return 0;
}

/* HOSTILE.md C8: control bytes and escapes are refused with a column. */
static int
test_control_bytes(void)
{
	const char *t;

	WF_TEST_ASSERT_EQUAL(run("single\x1b[2J", &t), -EINVAL, "%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "control byte 0x1b at column 7");
	WF_TEST_ASSERT_EQUAL(run("sin\x7fgle", &t), -EINVAL, "%s", t);
	WF_TEST_ASSERT_EQUAL(run("single\rx", &t), -EINVAL, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_single, 0, "must not run");
	return 0;
}

static int
test_too_many_words(void)
{
	char line[WF_CMD_LINE_MAX + 1];
	const char *t;
	int i;

	line[0] = '\0';
	for (i = 0; i < WF_CMD_WORDS_MAX + 1; i++)
		strcat(line, "a ");
	WF_TEST_ASSERT_EQUAL(run(line, &t), -E2BIG, "%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "too many words");
	return 0;
}

static int
test_candidates(void)
{
	const char *cand[8];
	size_t len[8], prefix;
	unsigned int n;

	n = wf_cmd_candidates(table, NB_CMDS, "sh", cand, len, 8, &prefix);
	WF_TEST_ASSERT_EQUAL(n, 1u, "one command starts with 'sh'");
	WF_TEST_ASSERT(len[0] == 4 && strncmp(cand[0], "show", 4) == 0, "show");
	WF_TEST_ASSERT_EQUAL(prefix, 2u, "prefix length");
	n = wf_cmd_candidates(table, NB_CMDS, "show ", cand, len, 8, &prefix);
	WF_TEST_ASSERT_EQUAL(n, 2u, "stats and port follow 'show'");
	n = wf_cmd_candidates(table, NB_CMDS, "show p", cand, len, 8, &prefix);
	WF_TEST_ASSERT(n == 1 && strncmp(cand[0], "port", len[0]) == 0, "port");
	n = wf_cmd_candidates(table, NB_CMDS, "zzz", cand, len, 8, &prefix);
	WF_TEST_ASSERT_EQUAL(n, 0u, "nothing starts with zzz");
	return 0;
}

static int
test_help_lists_all(void)
{
	struct wf_reply r;
	unsigned int i;

	wf_reply_init(&r);
	wf_cmd_help(table, NB_CMDS, &r);
	for (i = 0; i < NB_CMDS; i++)
		WF_TEST_ASSERT_STR_CONTAINS(wf_reply_text(&r), table[i].words);
	wf_reply_free(&r);
	return 0;
}

static int
test_reply_cap(void)
{
	struct wf_reply r;
	static char chunk[65537];
	unsigned int i;

	memset(chunk, 'a', sizeof(chunk) - 1);
	wf_reply_init(&r);
	WF_TEST_ASSERT(wf_reply_text(&r)[0] == '\0', "empty reply is \"\"");
	wf_reply_printf(&r, "%d-%s", 12, "x");
	WF_TEST_ASSERT(strcmp(wf_reply_text(&r), "12-x") == 0, "formatting");
	for (i = 0; i < 100; i++)  /* 6.4 MB asked, 4 MiB allowed */
		wf_reply_printf(&r, "%s", chunk);
	WF_TEST_ASSERT(r.truncated, "cap not reported");
	WF_TEST_ASSERT(r.len < WF_REPLY_MAX && r.len == strlen(r.buf),
			"len %zu", r.len);
	WF_TEST_ASSERT_STR_CONTAINS(r.buf + r.len - 40, "reply truncated");
	wf_reply_reset(&r);
	WF_TEST_ASSERT(r.len == 0 && !r.truncated, "reset");
	wf_reply_free(&r);
	return 0;
}

/* A second table where one command's words are a prefix of another's. */
static int calls_set, calls_set_mode, calls_echo, echo_argc;

static int
fn_set(int argc, char **argv, struct wf_reply *r, void *ctx)
{
	(void)argv;
	(void)r;
	(void)ctx;
	calls_set++;
	last_argc = argc;
	return 0;
}

static int
fn_set_mode(int argc, char **argv, struct wf_reply *r, void *ctx)
{
	(void)r;
	(void)ctx;
	calls_set_mode++;
	last_argc = argc;
	snprintf(last_arg0, sizeof(last_arg0), "%s", argv[0]);
	return 0;
}

/* echo: any number of words; "echo fail" is rejected by the handler */
static int
fn_echo(int argc, char **argv, struct wf_reply *r, void *ctx)
{
	(void)ctx;
	calls_echo++;
	echo_argc = argc;
	if (argc > 0 && strcmp(argv[0], "fail") == 0) {
		wf_reply_printf(r, "echo refused\n");
		return -EPERM;
	}
	return 0;
}

static const struct wf_cmd table_prefix_first[] = {
	{ "set", "WHAT [VALUE]", "set something", 1, 2, fn_set },
	{ "set mode", "MODE", "set the mode", 1, 1, fn_set_mode },
	{ "echo", "[WORDS...]", "any words", 0, -1, fn_echo },
};

static const struct wf_cmd table_prefix_last[] = {
	{ "echo", "[WORDS...]", "any words", 0, -1, fn_echo },
	{ "set mode", "MODE", "set the mode", 1, 1, fn_set_mode },
	{ "set", "WHAT [VALUE]", "set something", 1, 2, fn_set },
};

static int
run2(const struct wf_cmd *t, const char *line, const char **text)
{
	static struct wf_reply r;
	int ret;

	wf_reply_free(&r);
	reset_calls();
	calls_set = calls_set_mode = calls_echo = 0;
	echo_argc = -1;
	ret = wf_cmd_exec(t, 3, line, &r, NULL);
	*text = wf_reply_text(&r);
	return ret;
}

/* "set mode fast" is "set mode" with one word, whatever the table order. */
static int
test_longest_match_any_order(void)
{
	const struct wf_cmd *tables[] = { table_prefix_first, table_prefix_last };
	const char *t;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		WF_TEST_ASSERT_EQUAL(run2(tables[i], "set mode fast", &t), 0,
				"table %u: %s", i, t);
		WF_TEST_ASSERT(calls_set_mode == 1 && calls_set == 0,
				"table %u: set mode must win over set", i);
		WF_TEST_ASSERT_STR_EQUAL(last_arg0, "fast", "table %u", i);
		WF_TEST_ASSERT_EQUAL(run2(tables[i], "set speed 10", &t), 0,
				"table %u: %s", i, t);
		WF_TEST_ASSERT(calls_set == 1 && last_argc == 2,
				"table %u: set with 2 words", i);
		/* "set mode" alone: the longer command with too few words */
		WF_TEST_ASSERT_EQUAL(run2(tables[i], "set mode", &t), -EINVAL,
				"table %u: %s", i, t);
		WF_TEST_ASSERT_STR_CONTAINS(t, "usage: set mode MODE");
		WF_TEST_ASSERT(calls_set + calls_set_mode == 0, "nothing runs");
	}
	return 0;
}

/* A handler's verdict and reply come back as they are; no arg cap at -1. */
static int
test_handler_verdict(void)
{
	const char *t;

	WF_TEST_ASSERT_EQUAL(run2(table_prefix_first, "echo fail", &t), -EPERM,
			"%s", t);
	WF_TEST_ASSERT_STR_EQUAL(t, "echo refused\n");
	WF_TEST_ASSERT_EQUAL(run2(table_prefix_first, "echo", &t), 0, "%s", t);
	WF_TEST_ASSERT_EQUAL(echo_argc, 0, "no words");
	WF_TEST_ASSERT_EQUAL(run2(table_prefix_first,
			"echo 1 2 3 4 5 6 7 8 9 10 11 12", &t), 0, "%s", t);
	WF_TEST_ASSERT_EQUAL(echo_argc, 12, "max_args -1: no upper limit");
	WF_TEST_ASSERT_EQUAL(run2(table_prefix_first, "set", &t), -EINVAL,
			"%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "usage: set WHAT [VALUE]");
	WF_TEST_ASSERT_EQUAL(run2(table_prefix_first, "set a b c", &t),
			-EINVAL, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_set, 0, "must not run");
	return 0;
}

/* The limit counts the bytes before the line end; CR LF is not counted. */
static int
test_line_length_line_ends(void)
{
	char line[WF_CMD_LINE_MAX + 8];
	const char *t;

	/* "echo" + spaces + "x": exactly WF_CMD_LINE_MAX bytes */
	memset(line, ' ', WF_CMD_LINE_MAX);
	memcpy(line, "echo", 4);
	line[WF_CMD_LINE_MAX - 1] = 'x';
	strcpy(line + WF_CMD_LINE_MAX, "\r\n");
	WF_TEST_ASSERT_EQUAL(run2(table_prefix_first, line, &t), 0, "%s", t);
	WF_TEST_ASSERT(calls_echo == 1 && echo_argc == 1, "500 bytes + CRLF");
	strcpy(line + WF_CMD_LINE_MAX, "\n");
	WF_TEST_ASSERT_EQUAL(run2(table_prefix_first, line, &t), 0, "%s", t);
	WF_TEST_ASSERT_EQUAL(calls_echo, 1, "500 bytes + LF");
	/* one more byte before the CR LF */
	line[WF_CMD_LINE_MAX] = 'y';
	strcpy(line + WF_CMD_LINE_MAX + 1, "\r\n");
	WF_TEST_ASSERT_EQUAL(run2(table_prefix_first, line, &t), -E2BIG,
			"%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "line too long");
	WF_TEST_ASSERT_EQUAL(calls_echo, 0, "501 bytes + CRLF must not run");
	return 0;
}

/* A line is one line: an inner line break is a control byte. */
static int
test_one_line_only(void)
{
	const char *t;

	WF_TEST_ASSERT_EQUAL(run("single\nsingle", &t), -EINVAL, "%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "control byte 0x0a at column 7");
	WF_TEST_ASSERT_EQUAL(run("single\n\n", &t), -EINVAL, "%s", t);
	WF_TEST_ASSERT_EQUAL(run("\x01single", &t), -EINVAL, "%s", t);
	WF_TEST_ASSERT_STR_CONTAINS(t, "column 1");
	WF_TEST_ASSERT_EQUAL(calls_single, 0, "must not run");
	WF_TEST_ASSERT_EQUAL(run("single\r", &t), 0, "a lone final CR: %s", t);
	WF_TEST_ASSERT_EQUAL(calls_single, 1, "single\\r runs");
	return 0;
}

/* WF_CMD_WORDS_MAX words are accepted; one more is refused. */
static int
test_words_limit(void)
{
	char line[WF_CMD_LINE_MAX + 1];
	const char *t;
	int i;

	strcpy(line, "echo");
	for (i = 1; i < WF_CMD_WORDS_MAX; i++)
		strcat(line, "\tw");
	WF_TEST_ASSERT_EQUAL(run2(table_prefix_first, line, &t), 0, "%s", t);
	WF_TEST_ASSERT_EQUAL(echo_argc, WF_CMD_WORDS_MAX - 1, "words");
	strcat(line, " w");
	WF_TEST_ASSERT_EQUAL(run2(table_prefix_first, line, &t), -E2BIG,
			"%s", t);
	WF_TEST_ASSERT_EQUAL(calls_echo, 0, "must not run");
	return 0;
}

static int
test_candidates_more(void)
{
	const char *cand[8];
	size_t len[8], prefix;
	unsigned int n, i;
	int seen_single = 0, seen_show = 0;

	n = wf_cmd_candidates(table, NB_CMDS, "", cand, len, 8, &prefix);
	WF_TEST_ASSERT_EQUAL(n, 2u, "'single' and 'show', each once");
	WF_TEST_ASSERT_EQUAL(prefix, 0u, "nothing typed");
	for (i = 0; i < n; i++) {
		seen_single += len[i] == 6 && strncmp(cand[i], "single", 6) == 0;
		seen_show += len[i] == 4 && strncmp(cand[i], "show", 4) == 0;
	}
	WF_TEST_ASSERT(seen_single == 1 && seen_show == 1, "first words");
	n = wf_cmd_candidates(table, NB_CMDS, "show\tport s", cand, len, 8,
			&prefix);
	WF_TEST_ASSERT(n == 1 && len[0] == 5 &&
			strncmp(cand[0], "stats", 5) == 0, "tab separates");
	WF_TEST_ASSERT_EQUAL(prefix, 1u, "'s' being completed");
	n = wf_cmd_candidates(table, NB_CMDS, "single ", cand, len, 8, &prefix);
	WF_TEST_ASSERT_EQUAL(n, 0u, "nothing follows a complete command");
	n = wf_cmd_candidates(table, NB_CMDS, "show port stats ", cand, len, 8,
			&prefix);
	WF_TEST_ASSERT_EQUAL(n, 0u, "arguments are not completed");
	return 0;
}

/*
 * Regressions found in review: a NULL synopsis in help, a next word listed
 * twice, and the candidate count past the caller's array.
 */
static const struct wf_cmd table_dup[] = {
	{ "show port stats", "", "a", 0, 0, fn_single },
	{ "show port info", NULL, "b", 0, 0, fn_single },
	{ "show stats", NULL, NULL, 0, 0, fn_single },
	{ "alpha", "", "c", 0, 0, fn_single },
	{ "beta", "", "d", 0, 0, fn_single },
};

static int
test_review_regressions(void)
{
	const unsigned int nb = sizeof(table_dup) / sizeof(table_dup[0]);
	const char *cand[1];
	size_t len[1], prefix;
	struct wf_reply r;

	wf_reply_init(&r);
	wf_cmd_help(table_dup, nb, &r);
	WF_TEST_ASSERT_STR_CONTAINS(wf_reply_text(&r), "show port info");
	wf_reply_reset(&r);
	WF_TEST_ASSERT_EQUAL(wf_cmd_exec(table_dup, nb, "show bogus", &r, NULL),
			-ENOENT, "%s", wf_reply_text(&r));
	WF_TEST_ASSERT_STR_CONTAINS(wf_reply_text(&r), "one of: port, stats\n");
	wf_reply_free(&r);
	/* 3 distinct first words (show, alpha, beta), room for 1 */
	WF_TEST_ASSERT_EQUAL(wf_cmd_candidates(table_dup, nb, "", cand, len, 1,
			&prefix), 3u, "distinct count past max");
	WF_TEST_ASSERT_EQUAL(wf_cmd_candidates(table_dup, nb, "", cand, len, 0,
			&prefix), 3u, "distinct count with no room");
	return 0;
}

/* Growth keeps every byte; a single huge printf is cut, not overflowed. */
static int
test_reply_growth(void)
{
	struct wf_reply r;
	unsigned int i;
	char want[16];

	wf_reply_init(&r);
	for (i = 0; i < 10000; i++)
		wf_reply_printf(&r, "%09u\n", i);
	WF_TEST_ASSERT(!r.truncated, "100 kB is below the cap");
	WF_TEST_ASSERT_EQUAL(r.len, 100000, "length");
	WF_TEST_ASSERT(r.cap > r.len && r.buf[r.len] == '\0', "terminated");
	for (i = 0; i < 10000; i += 999) {
		snprintf(want, sizeof(want), "%09u\n", i);
		WF_TEST_ASSERT(memcmp(r.buf + i * 10, want, 10) == 0,
				"line %u kept", i);
	}
	wf_reply_free(&r);
	WF_TEST_ASSERT(r.buf == NULL && r.len == 0, "free empties");

	/* one printf larger than the cap: nothing but the mark */
	wf_reply_init(&r);
	wf_reply_printf(&r, "%*s", (int)WF_REPLY_MAX, "x");
	WF_TEST_ASSERT(r.truncated, "too large");
	WF_TEST_ASSERT(r.len < WF_REPLY_MAX, "len %zu", r.len);
	WF_TEST_ASSERT_EQUAL(strlen(wf_reply_text(&r)), r.len, "consistent");
	/* after truncation, further text is ignored */
	wf_reply_printf(&r, "more");
	WF_TEST_ASSERT(strstr(wf_reply_text(&r), "more") == NULL, "ignored");
	wf_reply_free(&r);

	/* fill to just below the cap, then overflow it by one byte */
	wf_reply_init(&r);
	for (i = 0; i < 4; i++)
		wf_reply_printf(&r, "%*s", (int)(WF_REPLY_MAX / 4 - 1), "y");
	WF_TEST_ASSERT(!r.truncated, "4 * (MAX/4 - 1) bytes fit");
	WF_TEST_ASSERT(r.cap <= WF_REPLY_MAX, "cap %zu", r.cap);
	wf_reply_printf(&r, "%s", "zzzz");
	WF_TEST_ASSERT(r.truncated, "past the cap");
	WF_TEST_ASSERT(r.len + 1 <= r.cap && r.cap <= WF_REPLY_MAX,
			"len %zu cap %zu", r.len, r.cap);
	WF_TEST_ASSERT_EQUAL(strlen(r.buf), r.len, "terminated inside");
	WF_TEST_ASSERT_STR_CONTAINS(r.buf + r.len - 30, "reply truncated");
	wf_reply_free(&r);
	return 0;
}

int
main(void)
{
	static const struct wf_test_case cases[] = {
		WF_TEST(test_exact_and_longest_match),
		WF_TEST(test_unknown_commands),
		WF_TEST(test_argument_counts),
		WF_TEST(test_empty_and_comments),
		WF_TEST(test_line_length),
		WF_TEST(test_control_bytes),
		WF_TEST(test_too_many_words),
		WF_TEST(test_candidates),
		WF_TEST(test_help_lists_all),
		WF_TEST(test_reply_cap),
		WF_TEST(test_longest_match_any_order),
		WF_TEST(test_handler_verdict),
		WF_TEST(test_line_length_line_ends),
		WF_TEST(test_one_line_only),
		WF_TEST(test_words_limit),
		WF_TEST(test_candidates_more),
		WF_TEST(test_reply_growth),
		WF_TEST(test_review_regressions),
	};

	return wf_test_run("cmd", cases, sizeof(cases) / sizeof(cases[0]));
}
