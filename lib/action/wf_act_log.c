/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * log [file PCAP]: append the packet to a pcap and go on evaluating (like
 * iptables' LOG). Only the words are here; the app owns the files.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wf_act_private.h"

/*
 * A path the rule printer can write back as one word and a file can be
 * opened at: 1..WF_ACT_PATH_MAX bytes of printable ASCII without blanks
 * (words are split at blanks), not naming a directory.
 */
static bool
log_path_valid(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	const char *base;
	size_t n = strlen(s), i;

	if (n == 0 || n > WF_ACT_PATH_MAX || s[n - 1] == '/')
		return false;
	for (i = 0; i < n; i++)
		if (u[i] <= ' ' || u[i] >= 0x7f)
			return false;
	base = strrchr(s, '/');
	base = base != NULL ? base + 1 : s;
	return strcmp(base, ".") != 0 && strcmp(base, "..") != 0;
}

static int
log_parse(int argc, char *const argv[], struct wf_action *a,
		char *err, size_t err_len)
{
	char echo[WF_ACT_ECHO_SIZE];
	const char *path = NULL;
	int i;

	a->kind = WF_ACT_LOG;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "file") != 0) {
			wf_act_err(err, err_len, "log: unknown word '%s' (file)",
					wf_act_echo(argv[i], echo));
			return -EINVAL;
		}
		if (path != NULL) {
			wf_act_err(err, err_len, "file: given twice");
			return -EINVAL;
		}
		if (i + 1 >= argc) {
			wf_act_err(err, err_len, "file: needs a value");
			return -EINVAL;
		}
		path = argv[++i];
		if (!log_path_valid(path)) {
			wf_act_err(err, err_len,
				"file: '%s' is not a pcap path (1-%u printable "
				"bytes, no blanks, not a directory)",
				wf_act_echo(path, echo), WF_ACT_PATH_MAX);
			return -EINVAL;
		}
	}
	if (path == NULL)
		path = WF_ACT_LOG_DEFAULT;
	/* the whole array, so equal words give equal bytes */
	memset(a->file, 0, sizeof(a->file));
	memcpy(a->file, path, strlen(path));
	return 0;
}

static int
log_format(const struct wf_action *a, char *buf, size_t len)
{
	return snprintf(buf, len, "file %s", a->file);
}

const struct wf_action_ops wf_act_log_ops = {
	.name = "log",
	.synopsis = "[file PCAP]",
	.terminal = false,
	.parse = log_parse,
	.format = log_format,
};
