/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wf_cmd.h"

/* Number of space-separated words in a command's fixed part. */
static int
cmd_nb_words(const char *words)
{
	int n = 0;
	bool in_word = false;

	for (; *words != '\0'; words++) {
		if (*words == ' ') {
			in_word = false;
		} else if (!in_word) {
			in_word = true;
			n++;
		}
	}
	return n;
}

/* The i-th fixed word of a command, as pointer and length. */
static const char *
cmd_word(const char *words, int i, size_t *len)
{
	const char *p = words;

	for (;;) {
		while (*p == ' ')
			p++;
		*len = strcspn(p, " ");
		if (i-- == 0 || *len == 0)
			return p;
		p += *len;
	}
}

/* How many leading fixed words of @p cmd the line's words match. */
static int
cmd_match(const struct wf_cmd *cmd, int argc, char **argv)
{
	int n = cmd_nb_words(cmd->words);
	const char *w;
	size_t len;
	int i;

	for (i = 0; i < n && i < argc; i++) {
		w = cmd_word(cmd->words, i, &len);
		if (strlen(argv[i]) != len || strncmp(argv[i], w, len) != 0)
			break;
	}
	return i;
}

/* Check the raw line and copy its words into @p copy, split in @p argv. */
static int
line_split(const char *line, char *copy, char **argv, int *argc,
		struct wf_reply *r)
{
	size_t len = strlen(line);
	char *save = NULL;
	size_t i;
	char *p;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > WF_CMD_LINE_MAX) {
		wf_reply_printf(r, "line too long (%zu > %d bytes)\n",
				len, WF_CMD_LINE_MAX);
		return -E2BIG;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			wf_reply_printf(r,
				"control byte 0x%02x at column %zu: not a command\n",
				c, i + 1);
			return -EINVAL;
		}
	}
	memcpy(copy, line, len);
	copy[len] = '\0';

	*argc = 0;
	for (p = strtok_r(copy, " \t", &save); p != NULL;
			p = strtok_r(NULL, " \t", &save)) {
		if (*argc == WF_CMD_WORDS_MAX) {
			wf_reply_printf(r, "too many words (max %d)\n",
					WF_CMD_WORDS_MAX);
			return -E2BIG;
		}
		argv[(*argc)++] = p;
	}
	return 0;
}

/* Say what could follow the words that matched, for a partial match. */
static void
explain_unknown(const struct wf_cmd *table, unsigned int nb_cmds,
		int matched, int argc, char **argv, struct wf_reply *r)
{
	const char *w;
	size_t len;
	unsigned int i;
	int j, listed = 0;

	wf_reply_printf(r, "unknown command '");
	for (j = 0; j <= matched && j < argc; j++)
		wf_reply_printf(r, "%s%s", j > 0 ? " " : "", argv[j]);
	if (matched == 0) {
		wf_reply_printf(r, "' (type 'help')\n");
		return;
	}
	wf_reply_printf(r, "'; '");
	for (j = 0; j < matched; j++)
		wf_reply_printf(r, "%s%s", j > 0 ? " " : "", argv[j]);
	wf_reply_printf(r, "' is followed by one of:");
	for (i = 0; i < nb_cmds; i++) {
		unsigned int k;

		if (cmd_match(&table[i], argc, argv) != matched ||
				cmd_nb_words(table[i].words) <= matched)
			continue;
		w = cmd_word(table[i].words, matched, &len);
		/* list each next word once, at its first command */
		for (k = 0; k < i; k++) {
			const char *wk;
			size_t lk;

			if (cmd_match(&table[k], argc, argv) != matched ||
					cmd_nb_words(table[k].words) <= matched)
				continue;
			wk = cmd_word(table[k].words, matched, &lk);
			if (lk == len && strncmp(wk, w, len) == 0)
				break;
		}
		if (k < i)
			continue;
		wf_reply_printf(r, "%s %.*s", listed++ ? "," : "", (int)len, w);
	}
	wf_reply_printf(r, "\n");
}

int
wf_cmd_exec(const struct wf_cmd *table, unsigned int nb_cmds,
		const char *line, struct wf_reply *r, void *ctx)
{
	char copy[WF_CMD_LINE_MAX + 1];
	char *argv[WF_CMD_WORDS_MAX];
	const struct wf_cmd *best = NULL;
	int argc, best_n = -1, partial = 0;
	unsigned int i;
	int ret, n, m, nargs;

	ret = line_split(line, copy, argv, &argc, r);
	if (ret < 0)
		return ret;
	if (argc == 0 || argv[0][0] == '#')
		return 0;

	/* The longest command whose fixed words all match wins. */
	for (i = 0; i < nb_cmds; i++) {
		n = cmd_nb_words(table[i].words);
		m = cmd_match(&table[i], argc, argv);
		if (m == n && n > best_n) {
			best = &table[i];
			best_n = n;
		} else if (m > partial) {
			partial = m;
		}
	}
	if (best == NULL || partial > best_n) {
		explain_unknown(table, nb_cmds, partial, argc, argv, r);
		return -ENOENT;
	}

	nargs = argc - best_n;
	if (nargs < best->min_args ||
			(best->max_args >= 0 && nargs > best->max_args)) {
		if (best->synopsis == NULL || best->synopsis[0] == '\0')
			wf_reply_printf(r, "'%s' takes no arguments\n",
					best->words);
		else
			wf_reply_printf(r, "usage: %s %s\n", best->words,
					best->synopsis);
		return -EINVAL;
	}
	return best->fn(nargs, argv + best_n, r, ctx);
}

unsigned int
wf_cmd_candidates(const struct wf_cmd *table, unsigned int nb_cmds,
		const char *line, const char **cand, size_t *cand_len,
		unsigned int max, size_t *prefix_len)
{
	char copy[WF_CMD_LINE_MAX + 1];
	char *argv[WF_CMD_WORDS_MAX];
	const char **seen;
	size_t *seen_len;
	const char *cur, *w;
	char *save = NULL, *p;
	unsigned int i, k, nb = 0;
	size_t len;
	int argc = 0;

	*prefix_len = 0;
	if (strlen(line) > WF_CMD_LINE_MAX)
		return 0;
	/* at most one distinct word per command */
	seen = calloc(nb_cmds + 1, sizeof(*seen));
	seen_len = calloc(nb_cmds + 1, sizeof(*seen_len));
	if (seen == NULL || seen_len == NULL) {
		free(seen);
		free(seen_len);
		return 0;
	}
	/* the word being typed starts after the last blank */
	cur = line + strlen(line);
	while (cur > line && cur[-1] != ' ' && cur[-1] != '\t')
		cur--;
	*prefix_len = strlen(cur);
	memcpy(copy, line, (size_t)(cur - line));
	copy[cur - line] = '\0';
	for (p = strtok_r(copy, " \t", &save); p != NULL && argc < WF_CMD_WORDS_MAX;
			p = strtok_r(NULL, " \t", &save))
		argv[argc++] = p;

	for (i = 0; i < nb_cmds; i++) {
		if (cmd_nb_words(table[i].words) <= argc ||
				cmd_match(&table[i], argc, argv) != argc)
			continue;
		w = cmd_word(table[i].words, argc, &len);
		if (len < *prefix_len || strncmp(w, cur, *prefix_len) != 0)
			continue;
		/* count each distinct word once, stored or not */
		for (k = 0; k < nb; k++)
			if (seen_len[k] == len && strncmp(seen[k], w, len) == 0)
				break;
		if (k < nb)
			continue;
		seen[nb] = w;
		seen_len[nb] = len;
		if (nb < max) {
			cand[nb] = w;
			cand_len[nb] = len;
		}
		nb++;
	}
	free(seen);
	free(seen_len);
	return nb;
}

void
wf_cmd_help(const struct wf_cmd *table, unsigned int nb_cmds,
		struct wf_reply *r)
{
	unsigned int i;
	int width;

	for (i = 0; i < nb_cmds; i++) {
		const char *syn = table[i].synopsis != NULL ?
			table[i].synopsis : "";

		width = (int)strlen(table[i].words) + 1 + (int)strlen(syn);
		wf_reply_printf(r, "  %s %s%*s %s\n", table[i].words, syn,
				width < 30 ? 30 - width : 0, "",
				table[i].help != NULL ? table[i].help : "");
	}
}
