/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * wirefault-ctl [--file-prefix P] COMMAND WORDS...
 *
 * Sends one command to a running wirefault over its control socket and
 * prints the reply. Exit status: 0 accepted, 1 rejected (the reason on
 * stderr), 2 wirefault not running or the request could not be made.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define EXIT_REJECTED 1
#define EXIT_UNREACHABLE 2

static void
usage(void)
{
	fprintf(stderr,
		"usage: wirefault-ctl [--file-prefix PREFIX] COMMAND [WORDS...]\n"
		"  sends COMMAND to the wirefault started with --file-prefix\n"
		"  PREFIX (default 'rte'); 'wirefault-ctl help' lists commands\n"
		"  exit: 0 accepted, 1 rejected, 2 wirefault not running\n");
}

/* The runtime directory EAL uses for a prefix (eal_filesystem.c). */
static int
runtime_dir(const char *prefix, char *buf, size_t len)
{
	const char *base = "/var/run";
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (getuid() != 0)
		base = xdg != NULL ? xdg : "/tmp";
	n = snprintf(buf, len, "%s/dpdk/%s", base, prefix);
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

static int
read_full(int fd, char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = read(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *prefix = "rte";
	char dir[256], line[1024], head[32];
	struct sockaddr_un addr;
	size_t len = 0, body_len, i;
	char *body, *end;
	int fd, argi = 1, n, ok;

	if (argi < argc && strcmp(argv[argi], "--file-prefix") == 0) {
		if (argi + 1 >= argc) {
			usage();
			return EXIT_UNREACHABLE;
		}
		prefix = argv[argi + 1];
		argi += 2;
	} else if (argi < argc &&
			strncmp(argv[argi], "--file-prefix=", 14) == 0) {
		prefix = argv[argi] + 14;
		argi++;
	}
	if (argi >= argc || strcmp(argv[argi], "-h") == 0 ||
			strcmp(argv[argi], "--help") == 0) {
		usage();
		return argi >= argc ? EXIT_UNREACHABLE : 0;
	}
	if (strchr(prefix, '/') != NULL || prefix[0] == '\0') {
		fprintf(stderr, "wirefault-ctl: bad --file-prefix '%s'\n", prefix);
		return EXIT_UNREACHABLE;
	}
	for (; argi < argc; argi++) {
		n = snprintf(line + len, sizeof(line) - len, "%s%s",
				len > 0 ? " " : "", argv[argi]);
		if (n < 0 || (size_t)n >= sizeof(line) - len - 1) {
			fprintf(stderr, "wirefault-ctl: command too long\n");
			return EXIT_REJECTED;
		}
		len += (size_t)n;
	}
	for (i = 0; i < len; i++)
		if (line[i] == '\n' || line[i] == '\r') {
			fprintf(stderr, "wirefault-ctl: one command at a time "
				"(no line breaks)\n");
			return EXIT_REJECTED;
		}
	line[len++] = '\n';

	if (runtime_dir(prefix, dir, sizeof(dir)) != 0)
		return EXIT_UNREACHABLE;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	n = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/wirefault.sock",
			dir);
	if (n < 0 || (size_t)n >= sizeof(addr.sun_path)) {
		fprintf(stderr, "wirefault-ctl: socket path too long\n");
		return EXIT_UNREACHABLE;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		fprintf(stderr, "wirefault-ctl: wirefault is not running with "
			"--file-prefix %s (%s: %s)\n", prefix, addr.sun_path,
			strerror(errno));
		return EXIT_UNREACHABLE;
	}
	if (send(fd, line, len, MSG_NOSIGNAL) != (ssize_t)len) {
		fprintf(stderr, "wirefault-ctl: send: %s\n", strerror(errno));
		return EXIT_UNREACHABLE;
	}
	/* "OK <len>\n" or "ERR <len>\n", then the text */
	for (i = 0; i < sizeof(head) - 1; i++) {
		if (read_full(fd, &head[i], 1) != 0)
			break;
		if (head[i] == '\n')
			break;
	}
	head[i] = '\0';
	if (strncmp(head, "OK ", 3) == 0)
		ok = 1;
	else if (strncmp(head, "ERR ", 4) == 0)
		ok = 0;
	else {
		fprintf(stderr, "wirefault-ctl: no reply from wirefault\n");
		return EXIT_UNREACHABLE;
	}
	errno = 0;
	body_len = strtoul(head + (ok ? 3 : 4), &end, 10);
	if (errno != 0 || *end != '\0' || body_len > (64u << 20)) {
		fprintf(stderr, "wirefault-ctl: bad reply header '%s'\n", head);
		return EXIT_UNREACHABLE;
	}
	body = malloc(body_len + 1);
	if (body == NULL || read_full(fd, body, body_len) != 0) {
		fprintf(stderr, "wirefault-ctl: reply cut short\n");
		return EXIT_UNREACHABLE;
	}
	close(fd);
	fwrite(body, 1, body_len, ok ? stdout : stderr);
	free(body);
	return ok ? EXIT_SUCCESS : EXIT_REJECTED;
}
