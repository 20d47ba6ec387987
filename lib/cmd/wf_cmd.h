/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_CMD_H
#define WF_CMD_H

/**
 * @file
 * The command model: one text line in, one reply and a verdict out. The
 * console, the -f start-up file, the control socket and the tests all call
 * wf_cmd_exec(); none of them sees another's types (the console's line
 * editor is only a way to produce lines).
 */

#include <stddef.h>

#include "wf_reply.h"

/**
 * Longest accepted line, in bytes, without the line end. It is below the
 * console editor's 512-byte buffer on purpose: a line the editor had to
 * truncate is always longer than this, so it is rejected, never run cut.
 */
#define WF_CMD_LINE_MAX 500

/** Most words in one line. */
#define WF_CMD_WORDS_MAX 64

/** A command's handler: argv holds the words after the command's own. */
typedef int (*wf_cmd_fn)(int argc, char **argv, struct wf_reply *r,
		void *ctx);

/** One command: a row of data; help text is generated from the table. */
struct wf_cmd {
	const char *words;     /**< its fixed words, e.g. "show port stats" */
	const char *synopsis;  /**< its arguments for help, e.g. "all|PORT" */
	const char *help;      /**< one line of what it does */
	int min_args;          /**< fewest argument words */
	int max_args;          /**< most argument words */
	wf_cmd_fn fn;
};

/**
 * Run one line against a command table.
 *
 * Empty lines and lines starting with '#' do nothing and succeed. A line
 * ending is stripped ("\n" or "\r\n").
 *
 * @return 0 when the command was accepted; a negative errno when it was
 *   rejected, with the reason in @p r. A rejected line changes nothing.
 */
int wf_cmd_exec(const struct wf_cmd *table, unsigned int nb_cmds,
		const char *line, struct wf_reply *r, void *ctx);

/**
 * Words that may come next on a partly typed line, for Tab completion.
 *
 * @param line the line so far; its last word (possibly empty) is the one
 *   being completed.
 * @param cand filled with up to @p max candidate words (not terminated).
 * @param cand_len filled with their lengths.
 * @param prefix_len set to the length of the word being completed.
 * @return the number of distinct candidates found (may exceed @p max).
 */
unsigned int wf_cmd_candidates(const struct wf_cmd *table,
		unsigned int nb_cmds, const char *line, const char **cand,
		size_t *cand_len, unsigned int max, size_t *prefix_len);

/** Append the help text of a table to @p r, one command a line. */
void wf_cmd_help(const struct wf_cmd *table, unsigned int nb_cmds,
		struct wf_reply *r);

#endif /* WF_CMD_H */
