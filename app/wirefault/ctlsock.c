/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The control socket <runtime dir>/wirefault.sock: the console's commands
 * for scripts. One line in, one framed reply out:
 *
 *     OK <length>\n<reply text>      the command was accepted
 *     ERR <length>\n<reply text>     it was rejected; the text says why
 *
 * Served from the control loop with non-blocking I/O. A client can never
 * hurt the appliance: lines are capped, clients are capped, idle clients
 * are closed, replies are bounded, and writes use MSG_NOSIGNAL.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>

#include "wf_cmd.h"
#include "wirefault.h"

#define WF_CTL_CLIENTS 16
#define WF_CTL_IDLE_SECONDS 30
#define WF_CTL_OUT_MAX (8u << 20) /* unread replies before we hang up */
/*
 * Lines already received are run only while less than this is waiting to
 * be sent: a client that sends many costly lines and reads nothing (or
 * slowly) then holds the control loop for one reply's worth of work per
 * turn, not for a whole receive buffer of commands.
 */
#define WF_CTL_OUT_BATCH (64u << 10)

struct ctl_client {
	int fd;
	char in[WF_CMD_LINE_MAX + 2];  /* the line, its '\n' and a NUL */
	size_t in_len;
	bool discarding;               /* skipping the rest of a long line */
	char rx[4096];                 /* received, not yet parsed */
	size_t rx_len, rx_off;
	char *out;                     /* framed replies not yet sent */
	size_t out_len, out_off;
	uint64_t deadline;             /* closed if no line completes by then */
};

static int listen_fd = -1;
static char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct ctl_client clients[WF_CTL_CLIENTS];
static int poll_slot[WF_CTL_CLIENTS + 1]; /* pollfd index -> client slot */

static uint64_t
idle_deadline(void)
{
	return rte_get_timer_cycles() +
		(uint64_t)WF_CTL_IDLE_SECONDS * rte_get_timer_hz();
}

int
wf_ctlsock_open(void)
{
	struct sockaddr_un addr;
	mode_t old_mask;
	int n, i;

	for (i = 0; i < WF_CTL_CLIENTS; i++)
		clients[i].fd = -1;
	n = snprintf(sock_path, sizeof(sock_path), "%s/wirefault.sock",
			rte_eal_get_runtime_dir());
	if (n < 0 || (size_t)n >= sizeof(sock_path)) {
		fprintf(stderr, "wirefault: control socket path '%s/wirefault.sock'"
			" is longer than %zu bytes; use a shorter --file-prefix\n",
			rte_eal_get_runtime_dir(), sizeof(sock_path) - 1);
		return -ENAMETOOLONG;
	}
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (listen_fd < 0) {
		fprintf(stderr, "wirefault: socket(AF_UNIX): %s\n",
			strerror(errno));
		return -errno;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path, sock_path, strlen(sock_path));
	/* EAL holds this prefix's lock: a socket left here is stale */
	unlink(sock_path);
	old_mask = umask(0177); /* the socket is born 0600 */
	n = bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old_mask);
	if (n != 0 || listen(listen_fd, WF_CTL_CLIENTS) != 0) {
		fprintf(stderr, "wirefault: control socket %s: %s\n", sock_path,
			strerror(errno));
		close(listen_fd);
		listen_fd = -1;
		return -errno;
	}
	WF_LOG(INFO, "control socket %s\n", sock_path);
	return 0;
}

static void
client_close(struct ctl_client *c)
{
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void
wf_ctlsock_close(void)
{
	int i;

	for (i = 0; i < WF_CTL_CLIENTS; i++)
		if (clients[i].fd >= 0)
			client_close(&clients[i]);
	if (listen_fd >= 0) {
		close(listen_fd);
		unlink(sock_path);
	}
	listen_fd = -1;
}

/* Queue one framed reply; false when the client must be dropped. */
static bool
client_queue(struct ctl_client *c, bool ok, const char *text, size_t len)
{
	char head[32];
	size_t pending = c->out_len - c->out_off;
	int hl;
	char *out;

	hl = snprintf(head, sizeof(head), "%s %zu\n", ok ? "OK" : "ERR", len);
	if (pending + (size_t)hl + len > WF_CTL_OUT_MAX)
		return false; /* it does not read its replies */
	out = malloc(pending + (size_t)hl + len);
	if (out == NULL)
		return false;
	if (pending != 0)
		memcpy(out, c->out + c->out_off, pending);
	memcpy(out + pending, head, (size_t)hl);
	memcpy(out + pending + hl, text, len);
	free(c->out);
	c->out = out;
	c->out_off = 0;
	c->out_len = pending + (size_t)hl + len;
	return true;
}

static bool
client_flush(struct ctl_client *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n <= 0)
			return false; /* EPIPE and friends: the peer has gone */
		c->out_off += (size_t)n;
		c->deadline = idle_deadline();
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_off = 0;
	return true;
}

static bool
client_run_line(struct ctl_client *c)
{
	struct wf_reply r;
	bool ok;
	int ret;

	wf_reply_init(&r);
	ret = wf_command(c->in, &r);
	ok = client_queue(c, ret == 0, wf_reply_text(&r), r.len);
	wf_reply_free(&r);
	c->deadline = idle_deadline();
	return ok;
}

/*
 * Run the complete lines received so far until WF_CTL_OUT_BATCH of replies
 * wait to be sent; the rest stays in rx for a later turn. false: drop it.
 */
static bool
client_parse(struct ctl_client *c)
{
	char ch;

	while (c->rx_off < c->rx_len &&
			c->out_len - c->out_off < WF_CTL_OUT_BATCH) {
		ch = c->rx[c->rx_off++];
		if (c->discarding) {
			if (ch == '\n')
				c->discarding = false;
			continue;
		}
		if (ch == '\n') {
			c->in[c->in_len] = '\0';
			c->in_len = 0;
			if (!client_run_line(c))
				return false;
			continue;
		}
		if (c->in_len == WF_CMD_LINE_MAX + 1) {
			/* a CR may still come before the '\n'; more cannot */
			static const char msg[] = "line too long (more than "
				RTE_STR(WF_CMD_LINE_MAX) " bytes); ignored\n";

			c->in_len = 0;
			c->discarding = true;
			if (!client_queue(c, false, msg, sizeof(msg) - 1))
				return false;
			continue;
		}
		c->in[c->in_len++] = ch;
	}
	return true;
}

/* Receive (once all received is parsed) and parse; false: drop it. */
static bool
client_read(struct ctl_client *c)
{
	ssize_t n;

	if (c->rx_off == c->rx_len) {
		n = recv(c->fd, c->rx, sizeof(c->rx), MSG_DONTWAIT);
		if (n < 0)
			return errno == EINTR || errno == EAGAIN;
		if (n == 0)
			return false;
		c->rx_len = (size_t)n;
		c->rx_off = 0;
	}
	return client_parse(c);
}

static void
accept_clients(void)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd, i;

	while ((fd = accept4(listen_fd, NULL, NULL,
			SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < WF_CTL_CLIENTS; i++)
			if (clients[i].fd < 0)
				break;
		if (i == WF_CTL_CLIENTS) {
			static const char why[] =
				"too many control clients; try later\n";
			char msg[64];
			int n = snprintf(msg, sizeof(msg), "ERR %zu\n%s",
					sizeof(why) - 1, why);

			send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			WF_LOG(WARNING, "control socket: client refused, "
				"%d already connected\n", WF_CTL_CLIENTS);
			continue;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
			WF_LOG(DEBUG, "control client pid %d uid %u\n",
				(int)cred.pid, (unsigned int)cred.uid);
		clients[i].fd = fd;
		clients[i].deadline = idle_deadline();
	}
}

unsigned int
wf_ctlsock_pollfds(struct pollfd *fds, unsigned int max)
{
	unsigned int n = 0;
	int i;

	if (listen_fd < 0 || max < 1)
		return 0;
	fds[n].fd = listen_fd;
	fds[n].events = POLLIN;
	fds[n].revents = 0;
	poll_slot[n++] = -1;
	for (i = 0; i < WF_CTL_CLIENTS && n < max; i++) {
		struct ctl_client *c = &clients[i];

		if (c->fd < 0)
			continue;
		fds[n].fd = c->fd;
		/*
		 * Stop reading while a client leaves its replies unread; lines
		 * received and not yet run wait for POLLOUT too, which a socket
		 * with room gives at once (the next turn runs them).
		 */
		fds[n].events = c->out_len > c->out_off || c->rx_off < c->rx_len ?
			POLLOUT : POLLIN;
		fds[n].revents = 0;
		poll_slot[n++] = i;
	}
	return n;
}

void
wf_ctlsock_handle(const struct pollfd *fds, unsigned int nb)
{
	uint64_t now = rte_get_timer_cycles();
	unsigned int k;
	bool keep;

	for (k = 0; k < nb; k++) {
		struct ctl_client *c;

		if (poll_slot[k] < 0) {
			if (fds[k].revents & POLLIN)
				accept_clients();
			continue;
		}
		c = &clients[poll_slot[k]];
		keep = true;
		if (fds[k].revents & (POLLERR | POLLNVAL))
			keep = false;
		else if (fds[k].revents & POLLOUT)
			keep = client_flush(c) && client_parse(c) &&
				client_flush(c);
		else if (fds[k].revents & (POLLIN | POLLHUP))
			keep = client_read(c) && client_flush(c);
		if (keep && now > c->deadline) {
			WF_LOG(INFO, "control client idle for %ds: closed\n",
				WF_CTL_IDLE_SECONDS);
			keep = false;
		}
		if (!keep)
			client_close(c);
	}
}
