// SPDX-License-Identifier: GPL-2.0-or-later
/* Predictive idle QoS: the limit a CPU gets when it goes idle with a known
 * periodic RT task due to wake there before the deepest idle state breaks
 * even, none otherwise, none without a history, none when the policy does
 * not ask for it, none once the task wakes elsewhere; one decision per
 * change, not per idle entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "engine.h"
#include "idle_qos.h"
#include "tunables.h"
#include "util.h"

#define US 1000ULL
#define RT_PID 100
#define RT_PRIO 20 /* kernel prio: SCHED_FIFO */

/* One domain of two CPUs: WFI (1 us), cpu-sleep (exit 500 us, residency
 * 1500 us) and a cluster-sleep (exit 2000 us, residency 3500 us). */
static void model(struct eg_model *m)
{
	struct eg_error err;
	struct eg_pd *pd = &m->pds[0];

	eg_model_init(m);
	snprintf(m->name, sizeof(m->name), "qos");
	m->nr_pds = 1;
	snprintf(pd->name, sizeof(pd->name), "cpu");
	assert_int_equal(eg_cpumask_parse("0-1", &pd->cpus), 0);
	pd->capacity_dmips_mhz = 1024;
	pd->transition_latency_ns = 100000;
	pd->nr_opps = 2;
	pd->opps[0] = (struct eg_opp){ .khz = 1000000, .power_uw = 200000 };
	pd->opps[1] = (struct eg_opp){ .khz = 2000000, .power_uw = 800000 };
	pd->nr_cpu_idle = 2;
	pd->cpu_idle[0] = (struct eg_idle_state){
		.name = "wfi", .exit_us = 1, .residency_us = 1, .power_uw = 20000
	};
	pd->cpu_idle[1] = (struct eg_idle_state){
		.name = "cpu-sleep", .entry_us = 300, .exit_us = 500, .residency_us = 1500
	};
	pd->nr_cluster_idle = 1;
	pd->cluster_idle[0] = (struct eg_idle_state){
		.name = "cluster-sleep", .entry_us = 500, .exit_us = 2000, .residency_us = 3500
	};
	assert_int_equal(eg_model_finalize(m, &err), 0);
}

struct fx {
	struct eg_model m;
	struct eg_engine_config cfg;
	struct eg_engine *e;
	struct eg_decisions out;
	int decisions; /* IDLE_LATENCY decisions for CPU 0 so far */
	uint32_t last; /* the last one's value */
};

/* eagov on the domain, with "name=value" tunables (NULL: defaults). */
static struct fx *setup(const char *name, const char *value)
{
	struct fx *f = calloc(1, sizeof(*f));
	char why[160];

	assert_non_null(f);
	model(&f->m);
	assert_int_equal(eg_engine_config_simple(&f->cfg, &f->m, "eagov", "menu", NULL), 0);
	if (name)
		assert_int_equal(eg_tunables_set(f->cfg.freq[0]->tunables, f->cfg.freq_tun[0], name,
						 value, why, sizeof(why)),
				 0);
	assert_int_equal(eg_engine_new(&f->e, &f->m, &f->cfg, 0), 0);
	f->last = UINT32_MAX;
	return f;
}

static void teardown(struct fx *f)
{
	eg_engine_free(f->e);
	eg_engine_config_free(&f->cfg);
	free(f);
}

static void feed(struct fx *f, struct eg_event ev)
{
	f->out.n = 0;
	assert_int_equal(eg_engine_event(f->e, &ev, &f->out), 0);
	for (int i = 0; i < f->out.n; i++) {
		const struct eg_decision *d = &f->out.d[i];

		if (d->type == EG_DEC_IDLE_LATENCY && d->target == 0) {
			f->decisions++;
			f->last = d->value;
		}
	}
}

/* One activation of the RT task on CPU 0 at t: it wakes, runs run_ns, and
 * sleeps, CPU 0 going idle. */
static void activation(struct fx *f, uint64_t t, uint64_t run_ns)
{
	struct eg_event ev = { .ts = t, .type = EG_EV_WAKEUP, .cpu = 0 };

	ev.wakeup.pid = RT_PID;
	ev.wakeup.prio = RT_PRIO;
	ev.wakeup.target_cpu = 0;
	feed(f, ev);
	ev = (struct eg_event){ .ts = t, .type = EG_EV_SWITCH, .cpu = 0 };
	ev.sw.prev_pid = 0;
	ev.sw.prev_prio = 120;
	ev.sw.next_pid = RT_PID;
	ev.sw.next_prio = RT_PRIO;
	ev.sw.util_max = 1024;
	feed(f, ev);
	ev.ts = t + run_ns;
	ev.sw.prev_pid = RT_PID;
	ev.sw.prev_prio = RT_PRIO;
	ev.sw.next_pid = 0;
	ev.sw.next_prio = 120;
	ev.sw.prev_runnable = false;
	feed(f, ev);
}

/* n activations of a task of period p from t0; returns the next one's time. */
static uint64_t run_periodic(struct fx *f, uint64_t t0, uint64_t p, int n)
{
	for (int k = 0; k < n; k++)
		activation(f, t0 + (uint64_t)k * p, 300 * US);
	return t0 + (uint64_t)n * p;
}

/* Which states pay for a sleep, as a latency limit. */
static void test_limit_from_residency(void **unused)
{
	struct eg_model m;

	(void)unused;
	model(&m);
	/* The cluster state breaks even at 3500 us: no limit from there on. */
	assert_int_equal(eg_idle_qos_limit_us(&m.pds[0], 3500 * US, 100), 0);
	assert_int_equal(eg_idle_qos_limit_us(&m.pds[0], 10000 * US, 100), 0);
	/* Before it: the cpu-sleep state pays, the cluster's exit is barred. */
	assert_int_equal(eg_idle_qos_limit_us(&m.pds[0], 3499 * US, 100), 500);
	assert_int_equal(eg_idle_qos_limit_us(&m.pds[0], 1500 * US, 100), 500);
	/* Before cpu-sleep breaks even: WFI only. */
	assert_int_equal(eg_idle_qos_limit_us(&m.pds[0], 1499 * US, 100), 1);
	assert_int_equal(eg_idle_qos_limit_us(&m.pds[0], 0, 100), 1);
	/* Residencies scaled by 200 %: 4700 us no longer reaches 7000. */
	assert_int_equal(eg_idle_qos_limit_us(&m.pds[0], 4700 * US, 200), 500);
	assert_int_equal(eg_idle_qos_limit_us(&m.pds[0], 7000 * US, 200), 0);
}

/* A 2 ms RT task: 1.7 ms idle periods, under the cluster's 3.5 ms: CPU 0
 * gets 500 us once it is known periodic, and keeps it without a write per
 * activation. */
static void test_periodic_sets_limit(void **unused)
{
	struct fx *f = setup(NULL, NULL);
	uint64_t t;

	(void)unused;
	/* Under four activations there is no history: nothing predicted,
	 * nothing sent. */
	t = run_periodic(f, 1000 * US, 2000 * US, 3);
	assert_int_equal(f->decisions, 0);
	t = run_periodic(f, t, 2000 * US, 20);
	assert_int_equal(f->decisions, 1);
	assert_int_equal(f->last, 500);
	teardown(f);
}

/* A 10 ms RT task sleeps 9.7 ms, past every break-even: the deepest state
 * pays, no limit is ever sent. */
static void test_long_period_no_limit(void **unused)
{
	struct fx *f = setup(NULL, NULL);

	(void)unused;
	run_periodic(f, 1000 * US, 10000 * US, 30);
	assert_int_equal(f->decisions, 0);
	teardown(f);
}

/* The task slows from 2 ms to 20 ms: the limit is cleared (0) once its
 * learnt period puts the next wakeup past the cluster's break-even. */
static void test_slower_task_clears(void **unused)
{
	struct fx *f = setup(NULL, NULL);
	uint64_t t;

	(void)unused;
	t = run_periodic(f, 1000 * US, 2000 * US, 24);
	assert_int_equal(f->last, 500);
	run_periodic(f, t, 20000 * US, 30);
	assert_int_equal(f->decisions, 2);
	assert_int_equal(f->last, 0);
	teardown(f);
}

/* A task that stops waking: its prediction is dropped once it is late by
 * half a period, and the next idle entry of the CPU clears the limit. */
static void test_stopped_task_clears(void **unused)
{
	struct fx *f = setup(NULL, NULL);
	struct eg_event ev = { .type = EG_EV_SWITCH, .cpu = 0 };
	uint64_t t;

	(void)unused;
	t = run_periodic(f, 1000 * US, 2000 * US, 24);
	assert_int_equal(f->last, 500);
	/* A CFS task runs briefly on CPU 0 much later, then the CPU idles. */
	ev.ts = t + 50000 * US;
	ev.sw.next_pid = 200;
	ev.sw.next_prio = 120;
	ev.sw.prev_prio = 120;
	ev.sw.util_max = 1024;
	feed(f, ev);
	ev.ts += 100 * US;
	ev.sw.prev_pid = 200;
	ev.sw.next_pid = 0;
	feed(f, ev);
	assert_int_equal(f->last, 0);
	teardown(f);
}

/* The task wakes on CPU 1 while CPU 0, which waited for it, idles: CPU 0
 * waits for nothing now, its limit goes at once (and nothing is sent
 * when the task wakes where it was expected). */
static void test_woke_elsewhere_clears(void **unused)
{
	struct fx *f = setup(NULL, NULL);
	struct eg_event ev = { .type = EG_EV_WAKEUP, .cpu = 1 };
	uint64_t t;

	(void)unused;
	t = run_periodic(f, 1000 * US, 2000 * US, 24);
	assert_int_equal(f->decisions, 1);
	assert_int_equal(f->last, 500);
	ev.ts = t;
	ev.wakeup.pid = RT_PID;
	ev.wakeup.prio = RT_PRIO;
	ev.wakeup.target_cpu = 1;
	feed(f, ev);
	assert_int_equal(f->decisions, 2);
	assert_int_equal(f->last, 0);
	teardown(f);
}

/* Off: the same task never moves the limit. */
static void test_off(void **unused)
{
	struct fx *f = setup("idle_qos", "no");

	(void)unused;
	run_periodic(f, 1000 * US, 2000 * US, 30);
	assert_int_equal(f->decisions, 0);
	teardown(f);
}

/* idle_qos_pct = 200: the 5 ms task's 4.7 ms sleeps are short of twice
 * the cluster's residency, so its exit is barred; at 100 it pays. */
static void test_pct(void **unused)
{
	struct fx *f = setup("idle_qos_pct", "200");

	(void)unused;
	run_periodic(f, 1000 * US, 5000 * US, 30);
	assert_int_equal(f->decisions, 1);
	assert_int_equal(f->last, 500);
	teardown(f);
	f = setup(NULL, NULL);
	run_periodic(f, 1000 * US, 5000 * US, 30);
	assert_int_equal(f->decisions, 0);
	teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_from_residency),
		cmocka_unit_test(test_periodic_sets_limit),
		cmocka_unit_test(test_long_period_no_limit),
		cmocka_unit_test(test_slower_task_clears),
		cmocka_unit_test(test_stopped_task_clears),
		cmocka_unit_test(test_woke_elsewhere_clears),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_pct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
