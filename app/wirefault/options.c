/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <inttypes.h>

#include <rte_mbuf.h>

#include "wf_num.h"
#include "wirefault.h"

void
wf_options_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [EAL options] -- [options]\n"
		"  -i                     open the console (prompt 'wirefault> ')\n"
		"  -f FILE                run the commands in FILE at start-up\n"
		"  --mirror-port P        port P only transmits mirror copies\n"
		"  --flows N              flow table capacity (default 65536)\n"
		"  --malformed pass|drop  malformed IP/TCP: forward untouched (default)\n"
		"                         or drop, counted per reason either way\n"
		"  --pickup loose|strict  track connections first seen mid-stream\n"
		"                         (loose, default) or only from their SYN\n"
		"  --timeout STATE=S      idle timeout of a TCP state in seconds,\n"
		"                         e.g. --timeout TIME_WAIT=30 (repeatable)\n"
		"  --stats-period S       print port statistics every S seconds\n"
		"  --queues N             RX/TX queue pairs per port (default: one\n"
		"                         per worker sharing the port pair)\n"
		"  --rxd N, --txd N       RX/TX descriptors per queue (default 1024)\n"
		"  --mbufs N              mbufs per pool (default: from a formula)\n"
		"  --mbuf-size N          mbuf data room in bytes (default 2176)\n"
		"  --idle-sleep US        sleep US microseconds after a run of empty\n"
		"                         polls (default 0: pure polling)\n"
		"  -h, --help             this text\n", prog);
}

enum {
	OPT_MIRROR_PORT = 256,
	OPT_FLOWS,
	OPT_STATS_PERIOD,
	OPT_QUEUES,
	OPT_RXD,
	OPT_TXD,
	OPT_MBUFS,
	OPT_MBUF_SIZE,
	OPT_IDLE_SLEEP,
	OPT_MALFORMED,
	OPT_PICKUP,
	OPT_TIMEOUT,
};

static const struct option long_options[] = {
	{ "mirror-port", required_argument, NULL, OPT_MIRROR_PORT },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "stats-period", required_argument, NULL, OPT_STATS_PERIOD },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "rxd", required_argument, NULL, OPT_RXD },
	{ "txd", required_argument, NULL, OPT_TXD },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "mbuf-size", required_argument, NULL, OPT_MBUF_SIZE },
	{ "idle-sleep", required_argument, NULL, OPT_IDLE_SLEEP },
	{ "malformed", required_argument, NULL, OPT_MALFORMED },
	{ "pickup", required_argument, NULL, OPT_PICKUP },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A numeric option: one message naming the option, its value and range. */
static int
opt_num(const char *name, const char *val, uint64_t min, uint64_t max,
		uint64_t *out)
{
	int ret = wf_num_u64(val, min, max, out);

	if (ret == -EINVAL)
		fprintf(stderr, "wirefault: --%s: '%s' is not a decimal number\n",
			name, val);
	else if (ret == -ERANGE)
		fprintf(stderr, "wirefault: --%s: %s is out of range (%" PRIu64
			"-%" PRIu64 ")\n", name, val, min, max);
	return ret;
}

int
wf_options_parse(int argc, char **argv, struct wf_options *opt)
{
	uint64_t v;
	int c, ret;

	memset(opt, 0, sizeof(*opt));
	opt->mirror_port = WF_PORT_NONE;
	opt->flows = 65536;
	opt->pickup_loose = true;
	wf_flow_timeouts_default(opt->timeout_s);
	opt->nb_rxd = 1024;
	opt->nb_txd = 1024;
	opt->mbuf_size = RTE_MBUF_DEFAULT_BUF_SIZE;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":if:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'i':
			opt->interactive = true;
			break;
		case 'f':
			opt->cmd_file = optarg;
			break;
		case 'h':
			wf_options_usage(argv[0]);
			return 1;
		case OPT_MIRROR_PORT:
			if (opt_num("mirror-port", optarg, 0,
					RTE_MAX_ETHPORTS - 1, &v) < 0)
				return -EINVAL;
			opt->mirror_port = (uint16_t)v;
			break;
		case OPT_FLOWS:
			if (opt_num("flows", optarg, 64, 1u << 26, &v) < 0)
				return -EINVAL;
			opt->flows = v;
			break;
		case OPT_STATS_PERIOD:
			if (opt_num("stats-period", optarg, 0, 86400, &v) < 0)
				return -EINVAL;
			opt->stats_period = v;
			break;
		case OPT_QUEUES:
			if (opt_num("queues", optarg, 1, 64, &v) < 0)
				return -EINVAL;
			opt->nb_queues = (uint16_t)v;
			break;
		case OPT_RXD:
			if (opt_num("rxd", optarg, 32, 16384, &v) < 0)
				return -EINVAL;
			opt->nb_rxd = (uint16_t)v;
			break;
		case OPT_TXD:
			if (opt_num("txd", optarg, 32, 16384, &v) < 0)
				return -EINVAL;
			opt->nb_txd = (uint16_t)v;
			break;
		case OPT_MBUFS:
			if (opt_num("mbufs", optarg, 1024, 1u << 26, &v) < 0)
				return -EINVAL;
			opt->nb_mbufs = (uint32_t)v;
			break;
		case OPT_MBUF_SIZE:
			if (opt_num("mbuf-size", optarg,
					RTE_PKTMBUF_HEADROOM + 64, 65535, &v) < 0)
				return -EINVAL;
			opt->mbuf_size = (uint16_t)v;
			break;
		case OPT_IDLE_SLEEP:
			if (opt_num("idle-sleep", optarg, 0, 100000, &v) < 0)
				return -EINVAL;
			opt->idle_sleep_us = (uint32_t)v;
			break;
		case OPT_MALFORMED:
			ret = wf_word_choice(optarg, "pass", "drop");
			if (ret < 0) {
				fprintf(stderr, "wirefault: --malformed: '%s' is "
					"neither pass nor drop\n", optarg);
				return -EINVAL;
			}
			opt->malformed_drop = ret == 1;
			break;
		case OPT_PICKUP:
			ret = wf_word_choice(optarg, "strict", "loose");
			if (ret < 0) {
				fprintf(stderr, "wirefault: --pickup: '%s' is "
					"neither loose nor strict\n", optarg);
				return -EINVAL;
			}
			opt->pickup_loose = ret == 1;
			break;
		case OPT_TIMEOUT: {
			char state[32], err[128];
			const char *eq = strchr(optarg, '=');

			if (eq == NULL || (size_t)(eq - optarg) >= sizeof(state)) {
				fprintf(stderr, "wirefault: --timeout: '%s' is not "
					"STATE=SECONDS\n", optarg);
				return -EINVAL;
			}
			memcpy(state, optarg, eq - optarg);
			state[eq - optarg] = '\0';
			if (wf_flow_timeout_parse(state, eq + 1, opt->timeout_s,
					err, sizeof(err)) != 0) {
				fprintf(stderr, "wirefault: --timeout: %s\n", err);
				return -EINVAL;
			}
			break;
		}
		case ':':
			fprintf(stderr, "wirefault: option '%s' needs a value\n",
				argv[optind - 1]);
			return -EINVAL;
		default:
			fprintf(stderr, "wirefault: unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wirefault: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}
