/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_TEST_EAL_H
#define WF_TEST_EAL_H

/*
 * EAL for the unit tests that need it: --no-huge, one lcore, a file prefix
 * of their own, and the runtime directory removed again at the end.
 */

#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>

/* Start EAL as "@p name"; 0 or -1. */
static inline int
wf_test_eal_init(const char *name)
{
	static char prefix[64];
	char *argv[] = { (char *)(uintptr_t)name, (char *)(uintptr_t)"--no-huge",
		(char *)(uintptr_t)"-m", (char *)(uintptr_t)"256",
		(char *)(uintptr_t)"--no-pci", (char *)(uintptr_t)"-l",
		(char *)(uintptr_t)"0", (char *)(uintptr_t)"--log-level",
		(char *)(uintptr_t)"lib.*:error", (char *)(uintptr_t)"--file-prefix",
		prefix };

	snprintf(prefix, sizeof(prefix), "%s_%d", name, (int)getpid());
	if (rte_eal_init(RTE_DIM(argv), argv) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return -1;
	}
	return 0;
}

/* EAL leaves its runtime directory behind: remove what this run made. */
static inline void
wf_test_eal_done(void)
{
	const char *dir = rte_eal_get_runtime_dir();
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
					strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
		rmdir(dir);
	}
	rte_eal_cleanup();
}

#endif /* WF_TEST_EAL_H */
