/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * Reading a file of commands (-f FILE at start-up, "rule load FILE" at run
 * time). The file is checked before any line runs: a regular file, not
 * too large, no NUL byte; CRLF line ends are fine. The first rejected line
 * stops the run with FILE:LINE: and the reason; the caller undoes what the
 * earlier lines staged.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wirefault.h"

#define WF_CMD_FILE_MAX (4u << 20) /* a command file larger than this is refused */

/* Open @p path only if it is a regular file of acceptable size. */
static FILE *
cmd_file_open(const char *path, struct wf_reply *r, int *err)
{
	struct stat st;
	FILE *f;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang the control lcore in open() */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		*err = -errno;
		wf_reply_printf(r, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		wf_reply_printf(r, "%s: not a regular file\n", path);
		*err = -EINVAL;
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > WF_CMD_FILE_MAX) {
		wf_reply_printf(r, "%s: %jd bytes, more than the %u allowed\n",
			path, (intmax_t)st.st_size, WF_CMD_FILE_MAX);
		*err = -EFBIG;
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		*err = -errno;
		wf_reply_printf(r, "%s: %s\n", path, strerror(errno));
		close(fd);
	}
	return f;
}

int
wf_cmd_file_run(const char *path, wf_cmd_line_fn fn, void *ctx,
		struct wf_reply *r, unsigned int *nb_lines)
{
	struct wf_reply lr;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned int lineno = 0;
	int ret = 0;
	FILE *f;

	f = cmd_file_open(path, r, &ret);
	if (f == NULL)
		return ret;
	wf_reply_init(&lr);
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if ((size_t)len != strlen(line)) {
			wf_reply_printf(r, "%s:%u: NUL byte in line\n", path,
				lineno);
			ret = -EINVAL;
			break;
		}
		wf_reply_reset(&lr);
		ret = fn(line, &lr, ctx);
		if (ret != 0) {
			wf_reply_printf(r, "%s:%u: %s", path, lineno,
				wf_reply_text(&lr));
			break;
		}
		if (lr.len != 0)
			wf_reply_printf(r, "%s", wf_reply_text(&lr));
	}
	if (ret == 0 && ferror(f)) {
		wf_reply_printf(r, "%s:%u: read error\n", path, lineno);
		ret = -EIO;
	}
	if (nb_lines != NULL)
		*nb_lines = lineno;
	wf_reply_free(&lr);
	free(line);
	fclose(f);
	return ret;
}
