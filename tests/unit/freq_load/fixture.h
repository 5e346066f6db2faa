/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test fixture for the sampling frequency policies (ondemand, conservative, interactive): a
 * hand-built HiKey960 (little 0-3, big 4-7), a policy on the big domain, and scripted per-CPU
 * busy %: advance time, the busy counters grow, call update() as the engine would. */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "model.h"
#include "policy.h"
#include "tunables.h"

#define MS(x) ((uint64_t)(x)*1000000ULL)
#define US(x) ((uint64_t)(x)*1000ULL)

/* big OPPs, kHz */
#define F0 903000U
#define F1 1421000U
#define F2 1805000U
#define F3 2112000U
#define F4 2362000U

struct fx {
	struct eg_model m;
	const struct eg_pd *pd; /* big */
	const struct eg_freq_policy_ops *ops;
	void *tun;
	void *st;
	struct eg_freq_cpu cpu[EG_MAX_CPUS];
	uint32_t load[EG_MAX_CPUS]; /* busy % each CPU runs at while time advances */
	struct eg_freq_input in;
	struct eg_freq_output out;
};

static inline void fx_add_pd(struct eg_model *m, const char *name, int first, int last,
			     uint32_t dmips, uint32_t coeff, const uint32_t *mhz,
			     const uint32_t *mv, int n)
{
	struct eg_pd *pd = &m->pds[m->nr_pds++];

	snprintf(pd->name, sizeof(pd->name), "%s", name);
	for (int c = first; c <= last; c++)
		eg_cpumask_set(&pd->cpus, c);
	pd->capacity_dmips_mhz = dmips;
	pd->dyn_power_coeff = coeff;
	pd->nr_opps = n;
	for (int i = 0; i < n; i++) {
		pd->opps[i].khz = mhz[i] * 1000U;
		pd->opps[i].mv = mv[i];
	}
	/* 300 us transition latency: the derived transition delay is 300 + 300/2 = 450 us, below
	 * two ticks at HZ=250 (8000 us), so the derived sampling rate is 8000 us. */
	pd->transition_latency_ns = 300000;
}

/* Model only: callers may adjust the big domain before fx_start(). */
static inline struct fx *fx_new(void)
{
	static const uint32_t big_mhz[] = { 903, 1421, 1805, 2112, 2362 };
	static const uint32_t lit_mhz[] = { 533, 999, 1402, 1709, 1844 };
	static const uint32_t mv[] = { 700, 800, 900, 1000, 1100 };
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	eg_model_init(&f->m);
	snprintf(f->m.name, sizeof(f->m.name), "hikey960-load-test");
	fx_add_pd(&f->m, "little", 0, 3, 592, 110, lit_mhz, mv, 5);
	fx_add_pd(&f->m, "big", 4, 7, 1024, 550, big_mhz, mv, 5);
	return f;
}

/* Finalize the model, parse the tunables (NULL-terminated name, value pairs) through the
 * policy's own table, init the policy on the big domain. Returns init's result. */
static inline int fx_start_v(struct fx *f, const char *policy, va_list ap)
{
	const char *name;
	char err[256];

	assert_int_equal(eg_model_finalize(&f->m, NULL), 0);
	f->pd = &f->m.pds[1];
	f->ops = eg_freq_policy_find(policy);
	assert_non_null(f->ops);
	assert_false(f->ops->on_util_update);
	f->tun = calloc(1, f->ops->tunables_size);
	assert_non_null(f->tun);
	eg_tunables_defaults(f->ops->tunables, f->tun);
	while ((name = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		int r = eg_tunables_set(f->ops->tunables, f->tun, name, value, err, sizeof(err));

		if (r < 0)
			fail_msg("%s=%s: %s", name, value, err);
	}
	for (int c = 0; c < 8; c++) {
		f->cpu[c].online = true;
		f->cpu[c].cap = 1024;
		f->cpu[c].uclamp_max = 1024;
	}
	f->in.now = MS(1000);
	f->in.pd = f->pd;
	f->in.cpu = f->cpu;
	f->in.cur_khz = F0;
	f->in.min_khz = F0;
	f->in.max_khz = F4;
	f->in.trigger_cpu = -1;
	return f->ops->init(&f->st, f->pd, f->tun);
}

static inline int fx_start(struct fx *f, const char *policy, ...)
{
	va_list ap;
	int r;

	va_start(ap, policy);
	r = fx_start_v(f, policy, ap);
	va_end(ap);
	return r;
}

static inline void fx_free(struct fx *f)
{
	if (f->st)
		f->ops->exit(f->st);
	free(f->tun);
	free(f);
}

/* Set the busy % of the big CPUs 4..7. */
static inline void fx_loads(struct fx *f, uint32_t l4, uint32_t l5, uint32_t l6, uint32_t l7)
{
	f->load[4] = l4;
	f->load[5] = l5;
	f->load[6] = l6;
	f->load[7] = l7;
}

/* Let dt pass: every big CPU's busy counter grows by its busy % of dt (offline ones too, so a
 * test can show their counter is not looked at). */
static inline void fx_advance(struct fx *f, uint64_t dt)
{
	for (int c = 4; c < 8; c++)
		f->cpu[c].busy_ns += dt * f->load[c] / 100;
	f->in.now += dt;
}

/* Call update() as the engine does; a decision is applied (cur_khz follows it). */
static inline int fx_update(struct fx *f, enum eg_reason reason, bool limits_changed)
{
	int r;

	f->in.reason = reason;
	f->in.limits_changed = limits_changed;
	memset(&f->out, 0, sizeof(f->out));
	r = f->ops->update(f->st, &f->in, &f->out);
	if (r == 1)
		f->in.cur_khz = f->out.khz;
	return r;
}

/* The first call takes the load snapshot and decides nothing. */
static inline void fx_prime(struct fx *f)
{
	assert_int_equal(f->ops->next_timer(f->st), 0);
	assert_int_equal(fx_update(f, EG_REASON_TIMER, false), 0);
}

/* Advance to the policy's next timer after running the CPUs at their loads for that long,
 * then sample; expects a decision and returns the frequency. */
static inline uint32_t fx_tick(struct fx *f)
{
	uint64_t next = f->ops->next_timer(f->st);

	assert_true(next != EG_NEVER && next >= f->in.now);
	fx_advance(f, next - f->in.now);
	assert_int_equal(fx_update(f, EG_REASON_TIMER, false), 1);
	return f->out.khz;
}
