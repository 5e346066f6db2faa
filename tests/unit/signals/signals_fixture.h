/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fixture for the signals tests: a two-domain model (little CPUs 0-1 at
 * capacity 512, big CPUs 2-3 at 1024), signals on it, and helpers that feed
 * scheduler events as a tracer would report them. */
#pragma once

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "signals.h"
#include "util.h"

#define P (1024ULL * 1024ULL) /* one PELT period in ns */
#define CFS_PRIO 120
#define RT_PRIO 50
#define LITTLE 0 /* CPUs 0-1, capacity 512 */
#define BIG 2	 /* CPUs 2-3, capacity 1024 */

static inline double y_pow(double n)
{
	return pow(0.5, n / 32.0);
}

static inline void assert_within_pct(double got, double want, double pct)
{
	double tol = want * pct / 100.0;

	if (fabs(got - want) > tol)
		fail_msg("got %.2f, want %.2f +- %.2f", got, want, tol);
}

struct fixture {
	struct eg_model m;
	struct eg_signals s;
};

/* Two domains: little (CPUs 0-1, 500 MHz / 1 GHz) and big (CPUs 2-3,
 * 1 / 2 GHz), same capacity-dmips-mhz: capacities 1024 * 1 GHz / 2 GHz = 512
 * and 1024. */
static inline void model_build(struct eg_model *m)
{
	static const char *names[2] = { "little", "big" };
	static const uint32_t khz[2][2] = { { 500000, 1000000 }, { 1000000, 2000000 } };

	eg_model_init(m);
	m->nr_pds = 2;
	for (int i = 0; i < 2; i++) {
		struct eg_pd *pd = &m->pds[i];

		strcpy(pd->name, names[i]);
		eg_cpumask_set(&pd->cpus, 2 * i);
		eg_cpumask_set(&pd->cpus, 2 * i + 1);
		pd->capacity_dmips_mhz = 1024;
		pd->nr_opps = 2;
		pd->opps[0].khz = khz[i][0];
		pd->opps[1].khz = khz[i][1];
	}
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	assert_int_equal(m->cpu_cap[LITTLE], 512);
	assert_int_equal(m->cpu_cap[BIG], 1024);
}

static inline int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	model_build(&f->m);
	if (eg_signals_init(&f->s, &f->m, 0))
		return -1;
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;

	eg_signals_destroy(&f->s);
	free(f);
	return 0;
}

static inline void feed(struct eg_signals *s, const struct eg_event *ev)
{
	assert_int_equal(eg_signals_event(s, ev), 0);
}

static inline void ev_switch(struct eg_signals *s, uint64_t ts, int cpu, int prev, int prev_prio,
			     bool prev_runnable, int next, int next_prio)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_SWITCH, .cpu = (int16_t)cpu };

	ev.sw.prev_pid = prev;
	ev.sw.prev_prio = (int16_t)prev_prio;
	ev.sw.prev_runnable = prev_runnable;
	ev.sw.next_pid = next;
	ev.sw.next_prio = (int16_t)next_prio;
	ev.sw.util_max = 1024;
	feed(s, &ev);
}

static inline void ev_wakeup(struct eg_signals *s, uint64_t ts, int pid, int prio, int cpu,
			     uint32_t flags)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_WAKEUP, .cpu = (int16_t)cpu };

	ev.wakeup.pid = pid;
	ev.wakeup.prio = (int16_t)prio;
	ev.wakeup.target_cpu = (int16_t)cpu;
	ev.wakeup.flags = flags;
	feed(s, &ev);
}

static inline void ev_migrate(struct eg_signals *s, uint64_t ts, int pid, int prio, int from,
			      int to)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_MIGRATE, .cpu = (int16_t)to };

	ev.migrate.pid = pid;
	ev.migrate.prio = (int16_t)prio;
	ev.migrate.orig_cpu = (int16_t)from;
	ev.migrate.dest_cpu = (int16_t)to;
	feed(s, &ev);
}

static inline void ev_exit(struct eg_signals *s, uint64_t ts, int pid)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_EXIT, .cpu = -1 };

	ev.exit.pid = pid;
	feed(s, &ev);
}

/* One activation: wake on cpu, run from t for `run` ns, then block. */
static inline void activation(struct eg_signals *s, uint64_t t, int pid, int prio, int cpu,
			      uint64_t run)
{
	ev_wakeup(s, t, pid, prio, cpu, 0);
	ev_switch(s, t, cpu, 0, 0, false, pid, prio);
	ev_switch(s, t + run, cpu, pid, prio, false, 0, 0);
}
