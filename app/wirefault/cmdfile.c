/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * Reading a file of commands (-f FILE at start-up, "rule load FILE" at run
 * time). The file is checked before any line runs: a regular file, not
 * too large. Every line, comments too, is checked before it runs: no NUL
 * or other control byte, valid UTF-8, at most WF_CMD_LINE_MAX bytes; CRLF
 * line ends are fine. The first rejected line stops the run with
 * FILE:LINE: and the reason, and only that is reported (the earlier
 * lines' replies, "rule N added", describe changes the caller now undoes).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wf_cmd.h"
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

/*
 * Length of the valid UTF-8 sequence at @p s (of @p len bytes), 0 if it is
 * not one (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
 */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
			cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Check one line of a file (its '\n' and a CR before it excluded), comments
 * included: the line handlers skip comments before wf_command() would
 * check them, and a comment is shown back by editors and `cat` as it is.
 */
static int
check_line(const char *path, unsigned int lineno, const char *line,
		size_t len, struct wf_reply *r)
{
	const unsigned char *u = (const unsigned char *)line;
	size_t i, n;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > WF_CMD_LINE_MAX) {
		wf_reply_printf(r, "%s:%u: line too long (%zu > %d bytes)\n",
			path, lineno, len, WF_CMD_LINE_MAX);
		return -E2BIG;
	}
	for (i = 0; i < len; i += n) {
		if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f) {
			wf_reply_printf(r, "%s:%u: control byte 0x%02x at "
				"column %zu\n", path, lineno, u[i], i + 1);
			return -EINVAL;
		}
		n = utf8_seq(u + i, len - i);
		if (n == 0) {
			wf_reply_printf(r, "%s:%u: invalid UTF-8 at column %zu\n",
				path, lineno, i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

int
wf_cmd_file_run(const char *path, wf_cmd_line_fn fn, void *ctx,
		struct wf_reply *r, unsigned int *nb_lines)
{
	struct wf_reply lr, out;
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
	wf_reply_init(&out);
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if ((size_t)len != strlen(line)) {
			wf_reply_printf(r, "%s:%u: NUL byte in line\n", path,
				lineno);
			ret = -EINVAL;
			break;
		}
		ret = check_line(path, lineno, line, (size_t)len, r);
		if (ret != 0)
			break;
		wf_reply_reset(&lr);
		ret = fn(line, &lr, ctx);
		if (ret != 0) {
			wf_reply_printf(r, "%s:%u: %s", path, lineno,
				wf_reply_text(&lr));
			break;
		}
		if (lr.len != 0)
			wf_reply_printf(&out, "%s", wf_reply_text(&lr));
	}
	if (ret == 0 && ferror(f)) {
		wf_reply_printf(r, "%s:%u: read error\n", path, lineno);
		ret = -EIO;
	}
	/* the lines' own replies only when the whole file went through */
	if (ret == 0 && out.len != 0)
		wf_reply_printf(r, "%s", wf_reply_text(&out));
	if (nb_lines != NULL)
		*nb_lines = lineno;
	wf_reply_free(&out);
	wf_reply_free(&lr);
	free(line);
	fclose(f);
	return ret;
}
