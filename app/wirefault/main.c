/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * wirefault: start-up in the l2fwd order (EAL, our options, pools, ports,
 * workers), then the control loop on the main lcore, which serves the
 * console, the control socket and periodic statistics until asked to quit.
 */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "wf_cmd.h"
#include "wf_mbuf_own.h"
#include "fault.h"
#include "lb.h"
#include "wirefault.h"

RTE_LOG_REGISTER(wf_logtype_app, wirefault.app, INFO);

#define WF_POLL_MS 100

struct wf_app wf;
static volatile sig_atomic_t quit_requested;

static void
on_signal(int sig __rte_unused)
{
	quit_requested = 1;
}

void
wf_request_quit(void)
{
	quit_requested = 1;
}

bool
wf_quit_requested(void)
{
	return quit_requested != 0;
}

/* One line of the -f file: any console command. */
static int
run_file_line(const char *line, struct wf_reply *r, void *ctx __rte_unused)
{
	return wf_command(line, r);
}

/*
 * Run the -f FILE commands, the rule commands among them as one change:
 * a bad line anywhere and no rule of the file is in force.
 */
static int
run_cmd_file(const char *path)
{
	struct wf_reply r;
	int ret;

	wf_reply_init(&r);
	wf_rules_begin();
	ret = wf_cmd_file_run(path, run_file_line, NULL, &r, NULL);
	if (ret == 0) {
		ret = wf_rules_commit(&r);
		fputs(wf_reply_text(&r), stdout);
	} else {
		wf_rules_abort();
		fprintf(stderr, "wirefault: -f %s", wf_reply_text(&r));
	}
	fflush(stdout);
	wf_reply_free(&r);
	return ret;
}

/* The control loop: console, control socket, statistics; never packets. */
static void
control_loop(void)
{
	struct pollfd fds[64];
	unsigned int nb, first_sock;
	int ret;

	while (!quit_requested) {
		nb = 0;
		if (wf_console_fd() >= 0) {
			fds[nb].fd = wf_console_fd();
			fds[nb].events = POLLIN;
			fds[nb].revents = 0;
			nb++;
		}
		first_sock = nb;
		nb += wf_ctlsock_pollfds(&fds[nb], RTE_DIM(fds) - nb);
		ret = poll(fds, nb, WF_POLL_MS);
		if (ret < 0 && errno != EINTR) {
			WF_LOG(ERR, "poll: %s\n", strerror(errno));
			break;
		}
		if (ret > 0 && first_sock == 1 &&
				(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
			wf_console_input();
		wf_ctlsock_handle(&fds[first_sock], nb - first_sock);
		wf_stats_period_tick();
		wf_flows_tick();
		wf_rules_tick();
		wf_lb_tick();
		wf_log_drain();
	}
}

static int
workers_init(void)
{
	unsigned int lcore;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct wf_worker *w = &wf.worker[wf.nb_workers];

		w->lcore_id = lcore;
		w->index = wf.nb_workers++;
	}
	if (wf.nb_workers == 0) {
		fprintf(stderr, "wirefault: no worker lcore: give at least two "
			"lcores, e.g. -l 0,1 (the first is the control lcore)\n");
		return -EINVAL;
	}
	wf.stats = rte_zmalloc("wf_stats",
			sizeof(*wf.stats) * wf.nb_workers, RTE_CACHE_LINE_SIZE);
	if (wf.stats == NULL) {
		fprintf(stderr, "wirefault: no memory for worker counters\n");
		return -ENOMEM;
	}
	return 0;
}

static void
workers_launch(void)
{
	unsigned int i;

	for (i = 0; i < wf.nb_workers; i++)
		rte_eal_remote_launch(wf_worker_main, &wf.worker[i],
				wf.worker[i].lcore_id);
	wf.launched = true;
}

static void
workers_stop(void)
{
	__atomic_store_n(&wf.quit, 1, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
	wf.launched = false;
}

int
main(int argc, char **argv)
{
	int ret, status = EXIT_SUCCESS;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "wirefault: rte_eal_init failed: %s\n",
			rte_strerror(rte_errno));
		return WF_EXIT_USAGE;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)(uintptr_t)"wirefault";

	ret = wf_options_parse(argc, argv, &wf.opt);
	if (ret != 0) {
		status = ret > 0 ? EXIT_SUCCESS : WF_EXIT_USAGE;
		goto out_eal;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* a control client that hangs up must not kill the appliance */
	signal(SIGPIPE, SIG_IGN);

	if (wf_mbuf_own_init() != 0) {
		fprintf(stderr, "wirefault: cannot register the mbuf owner "
			"field: %s\n", rte_strerror(rte_errno));
		status = EXIT_FAILURE;
		goto out_eal;
	}
	if (workers_init() != 0 || wf_flows_init() != 0 ||
			wf_ports_init() != 0 || wf_log_init() != 0 ||
			wf_mirror_init() != 0 || wf_rules_init() != 0) {
		status = WF_EXIT_USAGE;
		goto out_ports;
	}
	wf_workers_assign();
	if (wf_telemetry_register() != 0)
		WF_LOG(WARNING, "telemetry commands not registered\n");
	if (wf_ctlsock_open() != 0) {
		status = EXIT_FAILURE;
		goto out_ports;
	}
	/*
	 * The -f commands run before the workers start, so that what they
	 * set (a "stop", later the rules) holds from the first packet, and a
	 * bad file stops start-up before anything is forwarded.
	 */
	__atomic_store_n(&wf.forwarding, 1, __ATOMIC_RELEASE);
	if (wf.opt.cmd_file != NULL && run_cmd_file(wf.opt.cmd_file) != 0) {
		status = WF_EXIT_USAGE;
		goto out_workers;
	}
	workers_launch();
	__atomic_store_n(&wf.ready, 1, __ATOMIC_RELEASE);
	printf("wirefault: forwarding on %u port pair(s) with %u worker(s); "
		"control socket in %s\n",
		(unsigned int)(wf.nb_ports - (wf.opt.mirror_port !=
			WF_PORT_NONE)) / 2, wf.nb_workers,
		rte_eal_get_runtime_dir());

	if (wf.opt.interactive && wf_console_open() != 0) {
		status = EXIT_FAILURE;
		goto out_workers;
	}
	control_loop();

out_workers:
	wf_console_close();
	workers_stop();
	wf_log_drain();
	wf_fault_release_all();
	wf_print_final_stats();
	wf_ctlsock_close();
out_ports:
	/*
	 * wf.stats stays allocated: a telemetry thread may still be reading
	 * it, and telemetry cannot be unregistered; EAL cleanup releases it.
	 */
	__atomic_store_n(&wf.ready, 0, __ATOMIC_RELEASE);
	if (wf_ports_close() != 0)
		status = EXIT_FAILURE;
	wf_log_close();
out_eal:
	rte_eal_cleanup();
	return status;
}
