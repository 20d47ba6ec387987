/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The console on stdin: rte_cmdline's line editor (rdline) gives editing
 * and history; every finished line goes to the command model. The control
 * loop polls stdin, so the console never blocks the control lcore.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmdline_rdline.h>

#include "wirefault.h"

#define WF_PROMPT "wirefault> "

static struct rdline *rdl;
static struct termios saved_term;
static bool term_saved;

static void
write_all(const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDOUT_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static int
console_write_char(struct rdline *r __rte_unused, char c)
{
	write_all(&c, 1);
	return 1;
}

static void
console_validate(struct rdline *r __rte_unused, const char *buf,
		unsigned int size __rte_unused)
{
	struct wf_reply reply;

	wf_reply_init(&reply);
	wf_command(buf, &reply);
	write_all(wf_reply_text(&reply), reply.len);
	wf_reply_free(&reply);
}

/*
 * Tab: a unique next word is completed; several are listed, one per call
 * (rdline's protocol: *state counts the calls).
 */
static int
console_complete(struct rdline *r __rte_unused, const char *buf,
		char *dst, unsigned int dstsize, int *state)
{
	const char *cand[32];
	size_t cand_len[32], prefix_len;
	unsigned int nb;

	nb = wf_command_candidates(buf, cand, cand_len, RTE_DIM(cand),
			&prefix_len);
	if (nb == 0 || nb > RTE_DIM(cand) || *state < 0)
		return 0;
	if (nb == 1) {
		snprintf(dst, dstsize, "%.*s ", (int)(cand_len[0] - prefix_len),
				cand[0] + prefix_len);
		return RDLINE_RES_COMPLETE;
	}
	if ((unsigned int)*state >= nb)
		return 0;
	snprintf(dst, dstsize, "%.*s", (int)cand_len[*state], cand[*state]);
	(*state)++;
	return 1;
}

int
wf_console_open(void)
{
	struct termios term;

	rdl = rdline_new(console_write_char, console_validate,
			console_complete, NULL);
	if (rdl == NULL) {
		fprintf(stderr, "wirefault: rdline_new failed\n");
		return -ENOMEM;
	}
	/*
	 * Character at a time, no echo (rdline echoes), but keep ISIG so
	 * Ctrl-C still stops wirefault cleanly through the signal handler.
	 */
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_term) == 0) {
		term_saved = true;
		term = saved_term;
		term.c_lflag &= ~(ICANON | ECHO);
		term.c_cc[VMIN] = 1;
		term.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &term);
	}
	rdline_newline(rdl, WF_PROMPT);
	return 0;
}

int
wf_console_fd(void)
{
	return rdl != NULL ? STDIN_FILENO : -1;
}

void
wf_console_input(void)
{
	char buf[256];
	ssize_t n, i;
	int ret;

	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* end of input is a clean quit, as in testpmd */
		write_all("\n", 1);
		wf_request_quit();
		return;
	}
	for (i = 0; i < n && !wf_quit_requested(); i++) {
		ret = rdline_char_in(rdl, buf[i]);
		if (ret == RDLINE_RES_VALIDATED) {
			const char *line = rdline_get_buffer(rdl);

			if (line != NULL && line[0] != '\n' && line[0] != '\0')
				rdline_add_history(rdl, line);
			if (!wf_quit_requested())
				rdline_newline(rdl, WF_PROMPT);
		} else if (ret == RDLINE_RES_EOF || ret == RDLINE_RES_EXITED) {
			write_all("\n", 1);
			wf_request_quit();
		}
	}
}

void
wf_console_print(const char *text)
{
	write_all(text, strlen(text));
	if (rdl != NULL)
		rdline_redisplay(rdl);
}

void
wf_console_close(void)
{
	if (term_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_term);
	term_saved = false;
	if (rdl != NULL)
		rdline_free(rdl);
	rdl = NULL;
}
