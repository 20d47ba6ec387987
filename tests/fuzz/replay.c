/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * Replays a fuzz target's corpus without libFuzzer, so every build (gcc,
 * release, sanitizers) runs each saved finding and seed as a regression
 * test: replay_<target> DIR|FILE... feeds every file to the target's
 * LLVMFuzzerTestOneInput in an exact-size heap copy, as libFuzzer would.
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned long replayed;

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
			fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	/* exact size, so ASan sees a read one byte past the input */
	buf = malloc(size == 0 ? 1 : (size_t)size);
	if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	replayed++;
	return 0;
}

/* The files of @p dir in name order, so a run is repeatable. */
static int
replay_dir(const char *dir)
{
	struct dirent **ents;
	int n, i, ret = 0;
	char path[4096];

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: cannot open %s\n", dir);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(path, &st) == 0 &&
				S_ISREG(st.st_mode) && replay_file(path) != 0)
			ret = -1;
		free(ents[i]);
	}
	free(ents);
	return ret;
}

int
main(int argc, char **argv)
{
	int i, ret = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: no such file %s\n", argv[i]);
			ret = -1;
		} else if (S_ISDIR(st.st_mode) ? replay_dir(argv[i]) != 0 :
				replay_file(argv[i]) != 0) {
			ret = -1;
		}
	}
	printf("replayed %lu input(s)\n", replayed);
	/* an empty corpus is a missing corpus */
	return ret == 0 && replayed > 0 ? 0 : 1;
}
