/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The rules in force, on the control lcore: rule add / del / flush / load,
 * expiry, the dead-man switch, and publishing the set to the workers.
 *
 * Every change works on a copy of the list (the "work" list) and ends in
 * one commit that builds a new immutable set with the next version and
 * publishes it with a release store; the old set, and the rules that left
 * it, are freed once every worker has passed a quiescent point. A command
 * file stages all its rule lines in one work list: one bad line and the
 * list is dropped, so a file is all-or-nothing.
 *
 * Telemetry threads read the set too, but they are not RCU readers: they
 * take rules_lock, which only the control lcore also takes (never a
 * worker), around reading and around freeing.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_telemetry.h>

#include "wf_num.h"
#include "wf_tel_params.h"
#include "fault.h"
#include "lb.h"
#include "wirefault.h"

#define WF_RULES_MAX 65536      /* rules in one set */
#define WF_RETIRED_MAX 64       /* sets waiting for their grace period */
#define WF_RULE_ID_MAX (1u << 31)

/* A set that left service and the rules that left with it. */
struct retired {
	uint64_t token;
	struct wf_ruleset *set;
	struct wf_rule_rt **gone;
	uint32_t nb_gone;
};

static struct {
	struct wf_rule_rt **work;   /* the list being changed */
	uint32_t nb_work, cap_work;
	bool staging;               /* a file is being read: commit at its end */
	uint32_t staged_id;         /* next_id when it began: a refused file
				     * gives its rules' ids back */
	uint32_t next_id;
	uint32_t version;
	uint32_t stamp;             /* of the latest mark_list() */
	uint64_t deadman_at;        /* atomic (telemetry reads): timer cycles, 0: off */
	uint32_t deadman_s;
	struct retired retired[WF_RETIRED_MAX];
	unsigned int nb_retired;
	uint64_t published_at;      /* timer cycles of the latest publish */
} rs;

/*
 * A set's rte_acl is built once it has been left alone this long: a burst
 * of rule adds (a script, a file of single adds) builds once, and each
 * add answers at once.
 */
#define WF_ACL_SETTLE_MS 200

static pthread_mutex_t rules_lock = PTHREAD_MUTEX_INITIALIZER;

static struct wf_ruleset *
set_now(void)
{
	return __atomic_load_n(&wf.rules, __ATOMIC_ACQUIRE);
}

static void
set_free(struct wf_ruleset *s)
{
	if (s == NULL)
		return;
	wf_rule_acl_free(s->acl);
	free(s);
}

static struct wf_ruleset *
set_alloc(uint32_t nb)
{
	return WF_FAULT_ALLOC(calloc(1, sizeof(struct wf_ruleset) +
			(size_t)nb * sizeof(struct wf_rule_rt *)));
}

int
wf_rules_init(void)
{
	struct wf_ruleset *s = set_alloc(0);

	if (s == NULL)
		return -ENOMEM;
	rs.next_id = 1;
	rs.version = 1;
	s->version = rs.version;
	__atomic_store_n(&wf.rules, s, __ATOMIC_RELEASE);
	return 0;
}

static void
rule_free(struct wf_rule_rt *rt)
{
	if (rt == NULL)
		return;
	wf_log_file_put(rt->log_file);
	wf_lb_rule_free(rt);
	rte_free(rt->w);
	free(rt);
}

/* A new rule object with its per-worker state, seeded. */
static struct wf_rule_rt *
rule_new(const struct wf_rule *r, char *err, size_t err_len)
{
	struct wf_rule_rt *rt = WF_FAULT_ALLOC(calloc(1, sizeof(*rt)));
	uint64_t seed;
	unsigned int i;

	if (rt == NULL) {
		snprintf(err, err_len, "no memory for the rule");
		return NULL;
	}
	/* ids tag per-flow slots in 31 bits and are never reused */
	if (rs.next_id >= WF_RULE_ID_MAX) {
		snprintf(err, err_len, "%u rules were added since start-up: "
			"no rule id is left", WF_RULE_ID_MAX - 1);
		free(rt);
		return NULL;
	}
	rt->r = *r;
	rt->log_file = -1;
	rt->w = WF_FAULT_ALLOC(rte_zmalloc("wf_rule_w",
			sizeof(*rt->w) * wf.nb_workers, RTE_CACHE_LINE_SIZE));
	if (rt->w == NULL) {
		snprintf(err, err_len, "no memory for the rule's counters");
		free(rt);
		return NULL;
	}
	if (r->has_seed)
		seed = r->seed;
	else if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = rte_rdtsc();
	for (i = 0; i < wf.nb_workers; i++)
		wf_act_worker_seed(&rt->w[i].a, seed, i);
	if (r->a.kind == WF_ACT_LOG) {
		rt->log_file = wf_log_file_open(r->a.file, err, err_len);
		if (rt->log_file < 0) {
			rte_free(rt->w);
			free(rt);
			return NULL;
		}
	}
	if ((r->a.kind == WF_ACT_MIRROR &&
			wf_mirror_check(&r->a, err, err_len) != 0) ||
			(r->a.kind == WF_ACT_LB &&
			wf_lb_rule_new(rt, err, err_len) != 0)) {
		rte_free(rt->w);
		free(rt);
		return NULL;
	}
	if (r->expire_s != 0)
		rt->expire_at = rte_get_timer_cycles() +
			r->expire_s * rte_get_timer_hz();
	rt->id = rs.next_id++;
	return rt;
}

/* Make the work list a copy of the set in force, unless a file stages. */
static int
work_open(void)
{
	const struct wf_ruleset *s;

	if (rs.staging)
		return 0;
	s = set_now();
	if (rs.cap_work < s->nb + 1) {
		struct wf_rule_rt **w = realloc(rs.work,
				sizeof(*w) * (s->nb + 16));

		if (w == NULL)
			return -ENOMEM;
		rs.work = w;
		rs.cap_work = s->nb + 16;
	}
	memcpy(rs.work, s->rule, sizeof(*rs.work) * s->nb);
	rs.nb_work = s->nb;
	return 0;
}

static int
work_append(struct wf_rule_rt *rt)
{
	if (rs.nb_work == rs.cap_work) {
		uint32_t cap = rs.cap_work ? rs.cap_work * 2 : 16;
		struct wf_rule_rt **w = realloc(rs.work, sizeof(*w) * cap);

		if (w == NULL)
			return -ENOMEM;
		rs.work = w;
		rs.cap_work = cap;
	}
	rs.work[rs.nb_work++] = rt;
	return 0;
}

/*
 * Mark every rule of a list with a fresh stamp, so that "is it in the
 * list?" is one compare afterwards: a change stays linear in the number
 * of rules, also with thousands of them.
 */
static uint32_t
mark_list(struct wf_rule_rt *const *list, uint32_t nb)
{
	uint32_t i;

	rs.stamp++;
	for (i = 0; i < nb; i++)
		list[i]->stamp = rs.stamp;
	return rs.stamp;
}

/* Free retired sets whose grace period is over (or all, when @p all). */
static void
retired_reap(void)
{
	unsigned int i = 0, j;

	while (i < rs.nb_retired) {
		struct retired *rt = &rs.retired[i];

		if (rte_rcu_qsbr_check(wf.qsv, rt->token, false) != 1) {
			i++;
			continue;
		}
		pthread_mutex_lock(&rules_lock);
		for (j = 0; j < rt->nb_gone; j++)
			rule_free(rt->gone[j]);
		pthread_mutex_unlock(&rules_lock);
		free(rt->gone);
		set_free(rt->set);
		rs.retired[i] = rs.retired[--rs.nb_retired];
	}
}

/*
 * Publish the work list as the new set. The rules that were in force and
 * are not in the new set are freed with the old set, after a grace period.
 */
static int
work_publish(void)
{
	struct wf_ruleset *old = set_now(), *s;
	struct wf_rule_rt **gone = NULL;
	uint32_t i, nb_gone = 0, stamp;

	retired_reap();
	if (rs.nb_retired == WF_RETIRED_MAX) {
		/* workers are slow to pass a quiescent point: wait for them */
		rte_rcu_qsbr_synchronize(wf.qsv, RTE_QSBR_THRID_INVALID);
		retired_reap();
	}
	s = set_alloc(rs.nb_work);
	if (s == NULL)
		return -ENOMEM;
	stamp = mark_list(rs.work, rs.nb_work);
	for (i = 0; i < old->nb; i++)
		if (old->rule[i]->stamp != stamp)
			nb_gone++;
	if (nb_gone != 0) {
		gone = WF_FAULT_ALLOC(malloc(sizeof(*gone) * nb_gone));
		if (gone == NULL) {
			free(s);
			return -ENOMEM;
		}
		nb_gone = 0;
		for (i = 0; i < old->nb; i++)
			if (old->rule[i]->stamp != stamp)
				gone[nb_gone++] = old->rule[i];
	}
	memcpy(s->rule, rs.work, sizeof(*s->rule) * rs.nb_work);
	s->nb = rs.nb_work;
	wf_rule_prefilter_init(&s->pf);
	for (i = 0; i < s->nb; i++) {
		if (s->rule[i]->r.a.kind == WF_ACT_LB)
			s->nb_lb++;
		if (i < WF_RULE_PF_RULES)
			wf_rule_prefilter_add(&s->pf, i, &s->rule[i]->r.m);
	}
	s->version = ++rs.version;
	rs.published_at = rte_get_timer_cycles();
	pthread_mutex_lock(&rules_lock);
	__atomic_store_n(&wf.rules, s, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&rules_lock);
	rs.retired[rs.nb_retired++] = (struct retired){
		.token = rte_rcu_qsbr_start(wf.qsv), .set = old,
		.gone = gone, .nb_gone = nb_gone,
	};
	return 0;
}

/* Drop the work list: rules created into it and never published are freed. */
static void
work_discard(void)
{
	const struct wf_ruleset *s = set_now();
	uint32_t i, stamp = mark_list(s->rule, s->nb);

	for (i = 0; i < rs.nb_work; i++)
		if (rs.work[i]->stamp != stamp)
			rule_free(rs.work[i]);
	rs.nb_work = 0;
}

/* End a single command's change: publish it now, unless a file stages. */
static int
work_close(struct wf_reply *r)
{
	if (rs.staging)
		return 0;
	if (work_publish() != 0) {
		work_discard();
		wf_reply_printf(r, "no memory for the new rule set; nothing "
			"changed\n");
		return -ENOMEM;
	}
	rs.nb_work = 0;
	return 0;
}

void
wf_rules_begin(void)
{
	work_open();
	rs.staging = true;
	rs.staged_id = rs.next_id;
}

int
wf_rules_commit(struct wf_reply *r)
{
	int ret;

	rs.staging = false;
	ret = work_close(r);
	if (ret != 0)
		rs.next_id = rs.staged_id;  /* as in wf_rules_abort */
	return ret;
}

void
wf_rules_abort(void)
{
	rs.staging = false;
	work_discard();
	/* no staged rule reached a worker: their ids were never seen */
	rs.next_id = rs.staged_id;
}

static struct wf_rule_rt *
work_find(const char *key)
{
	uint64_t id;
	uint32_t i;

	if (wf_num_u64(key, 1, UINT32_MAX, &id) == 0) {
		for (i = 0; i < rs.nb_work; i++)
			if (rs.work[i]->id == id)
				return rs.work[i];
		return NULL;
	}
	for (i = 0; i < rs.nb_work; i++)
		if (strcmp(rs.work[i]->r.name, key) == 0)
			return rs.work[i];
	return NULL;
}

static int
rule_add(int argc, char **argv, struct wf_reply *r)
{
	const struct wf_rule_env env = { .nb_ports = wf.nb_ports };
	struct wf_rule rule;
	struct wf_rule_rt *rt;
	char err[256], text[1024];

	if (wf_rule_parse(argc, argv, &env, &rule, err, sizeof(err)) != 0) {
		wf_reply_printf(r, "rule add: %s\n", err);
		return -EINVAL;
	}
	if (work_open() != 0)
		goto nomem;
	if (rule.name[0] != '\0' && work_find(rule.name) != NULL) {
		wf_reply_printf(r, "rule add: name: a rule named %s exists\n",
			rule.name);
		return -EEXIST;
	}
	if (rs.nb_work >= WF_RULES_MAX) {
		wf_reply_printf(r, "rule add: the rule set is full (%u rules)\n",
			WF_RULES_MAX);
		return -ENOSPC;
	}
	rt = rule_new(&rule, err, sizeof(err));
	if (rt == NULL) {
		wf_reply_printf(r, "rule add: %s\n", err);
		return -EINVAL;
	}
	if (wf_lb_vip_clash(rt, rs.work, rs.nb_work, err, sizeof(err)) != 0) {
		rule_free(rt);
		wf_reply_printf(r, "rule add: %s\n", err);
		return -EEXIST;
	}
	if (work_append(rt) != 0) {
		rule_free(rt);
		goto nomem;
	}
	if (work_close(r) != 0)
		return -ENOMEM;
	wf_rule_format(&rt->r, text, sizeof(text));
	wf_reply_printf(r, "rule %u added: %s\n", rt->id, text);
	return 0;
nomem:
	wf_reply_printf(r, "rule add: no memory; nothing changed\n");
	return -ENOMEM;
}

static int
rule_del(const char *key, struct wf_reply *r)
{
	struct wf_rule_rt *rt;
	uint32_t i, id;

	if (work_open() != 0) {
		wf_reply_printf(r, "rule del: no memory; nothing changed\n");
		return -ENOMEM;
	}
	rt = work_find(key);
	if (rt == NULL) {
		wf_reply_printf(r, "rule del: no rule has the name or id '%.64s'\n",
			key);
		return -ENOENT;
	}
	id = rt->id;
	for (i = 0; i < rs.nb_work; i++)
		if (rs.work[i] == rt)
			break;
	memmove(&rs.work[i], &rs.work[i + 1],
		sizeof(*rs.work) * (rs.nb_work - i - 1));
	rs.nb_work--;
	/* staged in this file and never published: nobody else holds it */
	if (rs.staging && rt->stamp != mark_list(set_now()->rule,
			set_now()->nb))
		rule_free(rt);
	if (work_close(r) != 0)
		return -ENOMEM;
	wf_reply_printf(r, "rule %u deleted\n", id);
	return 0;
}

static int
rule_flush(struct wf_reply *r)
{
	uint32_t nb;

	if (work_open() != 0) {
		wf_reply_printf(r, "rule flush: no memory; nothing changed\n");
		return -ENOMEM;
	}
	nb = rs.nb_work;
	if (rs.staging)
		work_discard();
	rs.nb_work = 0;
	if (work_close(r) != 0)
		return -ENOMEM;
	wf_reply_printf(r, "%u rule%s flushed\n", nb, nb == 1 ? "" : "s");
	return 0;
}

/* A line of a rule file: only rule add, del and flush (and comments). */
static int
load_line(const char *line, struct wf_reply *r, void *ctx __rte_unused)
{
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#' || *p == '\n' || *p == '\r')
		return 0;
	if (strncmp(p, "rule add ", 9) != 0 && strncmp(p, "rule del ", 9) != 0 &&
			strncmp(p, "rule flush", 10) != 0) {
		wf_reply_printf(r, "only rule add, rule del and rule flush "
			"lines in a rule file\n");
		return -EINVAL;
	}
	return wf_command(line, r);
}

/* Replace the whole set with a file's rules, or change nothing. */
static int
rule_load(const char *path, struct wf_reply *r)
{
	struct wf_reply lr;
	uint32_t before = set_now()->nb;
	int ret;

	if (rs.staging) {
		wf_reply_printf(r, "rule load: not inside a command file\n");
		return -EINVAL;
	}
	wf_reply_init(&lr);
	rs.nb_work = 0;
	rs.staging = true;
	rs.staged_id = rs.next_id;
	ret = wf_cmd_file_run(path, load_line, NULL, &lr, NULL);
	if (ret != 0) {
		wf_rules_abort();
		wf_reply_printf(r, "rule load: %s", wf_reply_text(&lr));
		wf_reply_free(&lr);
		return ret;
	}
	wf_reply_free(&lr);
	ret = wf_rules_commit(r);
	if (ret == 0)
		wf_reply_printf(r, "%s: %u rules loaded, replacing %u\n", path,
			set_now()->nb, before);
	return ret;
}

int
wf_cmd_rule(int argc, char **argv, struct wf_reply *r, const char *verb)
{
	if (strcmp(verb, "add") == 0)
		return rule_add(argc, argv, r);
	if (strcmp(verb, "del") == 0)
		return rule_del(argv[0], r);
	if (strcmp(verb, "flush") == 0)
		return rule_flush(r);
	return rule_load(argv[0], r);
}

/* Sum of one rule's per-worker counters. */
static void
rule_counts(const struct wf_rule_rt *rt, uint64_t *matched, uint64_t *acted)
{
	unsigned int i;

	*matched = *acted = 0;
	for (i = 0; i < wf.nb_workers; i++) {
		*matched += wf_stat_read(&rt->w[i].a.matched);
		*acted += wf_stat_read(&rt->w[i].a.acted);
	}
}

/* Seconds until @p at (timer cycles), rounded up; 0 when past. */
static uint64_t
seconds_left(uint64_t at)
{
	uint64_t now = rte_get_timer_cycles(), hz = rte_get_timer_hz();

	return at > now ? (at - now + hz - 1) / hz : 0;
}

static void
deadman_describe(struct wf_reply *r)
{
	uint64_t now = rte_get_timer_cycles();

	if (rs.deadman_at == 0) {
		wf_reply_printf(r, "deadman off");
		return;
	}
	wf_reply_printf(r, "deadman armed, %.1f s left",
		rs.deadman_at > now ? (double)(rs.deadman_at - now) /
		rte_get_timer_hz() : 0.0);
}

int
wf_cmd_show_rules(struct wf_reply *r)
{
	const struct wf_ruleset *s = set_now();
	char text[1024], expires[24];
	uint64_t matched, acted;
	uint32_t i;

	wf_reply_printf(r, "rules: %u, version %u, ", s->nb, s->version);
	deadman_describe(r);
	wf_reply_printf(r, "\n%5s %-16s %14s %14s %7s %s\n", "id", "name",
		"matched", "acted", "expires", "rule");
	for (i = 0; i < s->nb; i++) {
		const struct wf_rule_rt *rt = s->rule[i];

		rule_counts(rt, &matched, &acted);
		wf_rule_format(&rt->r, text, sizeof(text));
		if (rt->expire_at != 0)
			snprintf(expires, sizeof(expires), "%" PRIu64,
				seconds_left(rt->expire_at));
		else
			snprintf(expires, sizeof(expires), "-");
		wf_reply_printf(r, "%5u %-16s %14" PRIu64 " %14" PRIu64
			" %7s %s\n", rt->id, rt->r.name[0] ? rt->r.name : "-",
			matched, acted, expires, text);
		wf_lb_show(rt, r);
	}
	if (s->nb == 0)
		wf_reply_printf(r, "(no rules: every packet is forwarded)\n");
	return 0;
}

int
wf_cmd_deadman(const char *arg, struct wf_reply *r)
{
	uint64_t s;

	if (strcmp(arg, "confirm") == 0 || strcmp(arg, "off") == 0) {
		if (rs.deadman_at == 0) {
			wf_reply_printf(r, "deadman: not armed\n");
			return arg[0] == 'o' ? 0 : -EINVAL;
		}
		__atomic_store_n(&rs.deadman_at, 0, __ATOMIC_RELAXED);
		wf_reply_printf(r, arg[0] == 'c' ?
			"deadman confirmed: the rules stay\n" : "deadman off\n");
		return 0;
	}
	if (wf_num_u64(arg, 1, 86400, &s) != 0) {
		wf_reply_printf(r, "deadman: '%.32s' is not SECONDS (1-86400), "
			"confirm or off\n", arg);
		return -EINVAL;
	}
	rs.deadman_s = (uint32_t)s;
	__atomic_store_n(&rs.deadman_at, rte_get_timer_cycles() +
		s * rte_get_timer_hz(), __ATOMIC_RELAXED);
	wf_reply_printf(r, "deadman armed: every rule is flushed in %" PRIu64
		" s unless 'deadman confirm' comes first\n", s);
	return 0;
}

/* Flush everything: the dead-man switch fired. */
static void
deadman_fire(void)
{
	struct wf_reply r;
	char msg[160];
	uint32_t nb = set_now()->nb;

	__atomic_store_n(&rs.deadman_at, 0, __ATOMIC_RELAXED);
	wf_reply_init(&r);
	if (work_open() == 0) {
		rs.nb_work = 0;
		work_close(&r);
	}
	wf_reply_free(&r);
	snprintf(msg, sizeof(msg), "deadman: not confirmed within %u s; "
		"%u rule%s flushed\n", rs.deadman_s, nb, nb == 1 ? "" : "s");
	WF_LOG(NOTICE, "%s", msg);
	wf_console_print(msg);
}

/* Remove the rules whose time is up. */
static void
expire_rules(void)
{
	const struct wf_ruleset *s = set_now();
	uint64_t now = rte_get_timer_cycles();
	struct wf_reply r;
	uint32_t i, kept = 0;
	bool any = false;

	for (i = 0; i < s->nb && !any; i++)
		any = s->rule[i]->expire_at != 0 && s->rule[i]->expire_at <= now;
	if (!any || work_open() != 0)
		return;
	for (i = 0; i < rs.nb_work; i++) {
		struct wf_rule_rt *rt = rs.work[i];

		if (rt->expire_at != 0 && rt->expire_at <= now)
			WF_LOG(INFO, "rule %u expired\n", rt->id);
		else
			rs.work[kept++] = rt;
	}
	rs.nb_work = kept;
	wf_reply_init(&r);
	work_close(&r);
	wf_reply_free(&r);
}

/*
 * Compile the flow parts of the current set's rules past the first
 * WF_RULES_CACHED with rte_acl, once the set has settled. Until then, and
 * if it fails, workers check those rules one by one: slower for a flow's
 * first packets, the same decisions.
 */
static void
acl_update(void)
{
	struct wf_ruleset *s = set_now();
	const struct wf_rule_match **m;
	struct wf_rule_acl *acl;
	uint32_t i, n;
	uint64_t t0;

	if (s->acl_tried || s->nb <= WF_RULES_CACHED ||
			rte_get_timer_cycles() - rs.published_at <
			rte_get_timer_hz() / 1000 * WF_ACL_SETTLE_MS)
		return;
	s->acl_tried = true;
	n = s->nb - WF_RULES_CACHED;
	m = WF_FAULT_ALLOC(malloc(sizeof(*m) * n));
	if (m == NULL) {
		WF_LOG(WARNING, "rules: no memory to compile %u rules\n", n);
		return;
	}
	for (i = 0; i < n; i++)
		m[i] = &s->rule[WF_RULES_CACHED + i]->r.m;
	t0 = rte_get_timer_cycles();
	acl = wf_rule_acl_build(m, WF_RULES_CACHED, n, rte_socket_id());
	free(m);
	if (acl == NULL) {
		WF_LOG(WARNING, "rules: cannot compile rules %u-%u with "
			"rte_acl: %s\n", WF_RULES_CACHED + 1, s->nb,
			rte_strerror(rte_errno));
		return;
	}
	__atomic_store_n(&s->acl, acl, __ATOMIC_RELEASE);
	WF_LOG(INFO, "rules: %u rules compiled with rte_acl in %" PRIu64
		" ms\n", n, (rte_get_timer_cycles() - t0) * 1000 /
		rte_get_timer_hz());
}

void
wf_rules_tick(void)
{
	if (rs.staging)
		return;
	if (rs.deadman_at != 0 && rte_get_timer_cycles() >= rs.deadman_at)
		deadman_fire();
	expire_rules();
	retired_reap();
	acl_update();
}

#define TEL_RULES_PAGE 32

/* One rule as a telemetry dict; -1 when the dict could not be filled. */
static int
tel_rule(struct rte_tel_data *c, const struct wf_rule_rt *rt)
{
	char text[RTE_TEL_MAX_STRING_LEN];
	uint64_t matched, acted;
	int n;

	rule_counts(rt, &matched, &acted);
	n = wf_rule_format(&rt->r, text, sizeof(text));
	rte_tel_data_start_dict(c);
	return (rte_tel_data_add_dict_u64(c, "id", rt->id) != 0 ||
		rte_tel_data_add_dict_string(c, "name", rt->r.name) != 0 ||
		rte_tel_data_add_dict_u64(c, "matched", matched) != 0 ||
		rte_tel_data_add_dict_u64(c, "acted", acted) != 0 ||
		rte_tel_data_add_dict_int(c, "expire_s", rt->expire_at == 0 ?
			-1 : (int)seconds_left(rt->expire_at)) != 0 ||
		rte_tel_data_add_dict_string(c, "text", text) != 0 ||
		rte_tel_data_add_dict_int(c, "text_truncated",
			n >= (int)sizeof(text)) != 0 ||
		wf_lb_tel(rt, c) != 0) ? -1 : 0;
}

int
wf_tel_rules(const char *params, struct rte_tel_data *d)
{
	const struct wf_ruleset *s;
	uint32_t start, count;
	uint64_t i, now, deadman_at;
	char key[16];
	int ret = 0;

	if (wf_tel_page_params(params, TEL_RULES_PAGE, TEL_RULES_PAGE,
			&start, &count) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&rules_lock);
	s = set_now();
	now = rte_get_timer_cycles();
	deadman_at = __atomic_load_n(&rs.deadman_at, __ATOMIC_RELAXED);
	if (rte_tel_data_add_dict_u64(d, "version", s->version) != 0 ||
			rte_tel_data_add_dict_u64(d, "total", s->nb) != 0 ||
			rte_tel_data_add_dict_int(d, "deadman_ms",
				deadman_at == 0 ? -1 : deadman_at <= now ? 0 :
				(int)((deadman_at - now) * 1000 /
					rte_get_timer_hz())) != 0)
		ret = -ENOSPC;
	for (i = start; ret == 0 && i < s->nb && i < (uint64_t)start + count;
			i++) {
		struct rte_tel_data *c = rte_tel_data_alloc();

		snprintf(key, sizeof(key), "rule%" PRIu64, i - start);
		if (c == NULL || tel_rule(c, s->rule[i]) != 0 ||
				rte_tel_data_add_dict_container(d, key, c, 0) != 0) {
			rte_tel_data_free(c);
			ret = -ENOSPC;
		}
	}
	if (ret == 0 && rte_tel_data_add_dict_int(d, "next",
			(uint64_t)start + count < s->nb ? (int)(start + count) : -1) != 0)
		ret = -ENOSPC;
	pthread_mutex_unlock(&rules_lock);
	return ret;
}
