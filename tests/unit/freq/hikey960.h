/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test fixture for the frequency policies: a HiKey960-like model built by
 * hand (big cluster CPUs 4-7, little 0-3), a finer single-domain model, and a
 * per-CPU input table with a stepping helper. Header-only, tests only. */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "policy.h"

#define MHZ(x) ((uint32_t)(x)*1000U)
#define US(x) ((uint64_t)(x)*1000ULL)
#define MS(x) ((uint64_t)(x)*1000000ULL)

static inline struct eg_pd *fx_add_pd(struct eg_model *m, const char *name, int first_cpu,
				      int last_cpu, uint32_t dmips, uint32_t coeff,
				      const uint32_t *mhz, const uint32_t *mv, int n)
{
	struct eg_pd *pd = &m->pds[m->nr_pds++];

	strcpy(pd->name, name);
	for (int c = first_cpu; c <= last_cpu; c++)
		eg_cpumask_set(&pd->cpus, c);
	pd->capacity_dmips_mhz = dmips;
	pd->dyn_power_coeff = coeff;
	pd->nr_opps = n;
	for (int i = 0; i < n; i++) {
		pd->opps[i].khz = MHZ(mhz[i]);
		pd->opps[i].mv = mv ? mv[i] : 0;
	}
	return pd;
}

/* HiKey960: little A53 cluster (capacity-dmips-mhz 592, up to 1844 MHz,
 * coefficient 110) and big A73 cluster (1024, up to 2362 MHz, coefficient
 * 550). big_last picks how many big CPUs there are (7 = four, 4 = one). */
static inline struct eg_model *fx_hikey960(int big_last)
{
	static const uint32_t big_mhz[] = { 903, 1421, 1805, 2112, 2362 };
	static const uint32_t big_mv[] = { 700, 800, 900, 1000, 1100 };
	static const uint32_t lit_mhz[] = { 533, 999, 1402, 1709, 1844 };
	static const uint32_t lit_mv[] = { 700, 800, 900, 1000, 1100 };
	struct eg_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	eg_model_init(m);
	strcpy(m->name, "hikey960-test");
	fx_add_pd(m, "little", 0, 3, 592, 110, lit_mhz, lit_mv, 5);
	fx_add_pd(m, "big", 4, big_last, 1024, 550, big_mhz, big_mv, 5);
	/* 300 us transition latency: schedutil's derived rate limit is
	 * 300 + 300/2 = 450 us. */
	m->pds[0].transition_latency_ns = 300000;
	m->pds[1].transition_latency_ns = 300000;
	return m;
}

/* One domain, CPUs 0-1, OPPs every 100 MHz from 100 to 2400 MHz, no power
 * data (so no OPP is inefficient) and max_cap 1024: fine enough to see every
 * step of an iowait boost. Rate limit: transition delay 100 us. */
static inline struct eg_model *fx_fine(void)
{
	uint32_t mhz[24];
	struct eg_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	eg_model_init(m);
	strcpy(m->name, "fine-test");
	for (int i = 0; i < 24; i++)
		mhz[i] = 100U * (uint32_t)(i + 1);
	fx_add_pd(m, "fine", 0, 1, 0, 0, mhz, NULL, 24);
	m->pds[0].transition_delay_us = 100;
	return m;
}

/* ops's tunables: its defaults, then name/value string pairs, NULL-ended. */
static inline void *fx_tunables(const struct eg_freq_policy_ops *ops, const char *name, ...)
{
	void *t = calloc(1, ops->tunables_size);
	va_list ap;

	if (!t)
		return NULL;
	eg_tunables_defaults(ops->tunables, t);
	va_start(ap, name);
	for (; name; name = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);

		if (eg_tunables_set(ops->tunables, t, name, v, NULL, 0) < 0) {
			free(t);
			t = NULL;
			break;
		}
	}
	va_end(ap);
	return t;
}

/* The policy under test on one domain, with the input the engine would
 * give it. */
struct fx {
	struct eg_model *m;
	const struct eg_pd *pd;
	const struct eg_freq_policy_ops *ops;
	void *tun;
	void *st;
	struct eg_freq_cpu cpu[EG_MAX_CPUS];
	uint32_t min_khz, max_khz;
};

/* Every CPU online, idle, unclamped. */
static inline void fx_cpus_reset(struct fx *f)
{
	memset(f->cpu, 0, sizeof(f->cpu));
	for (int c = 0; c < f->m->nr_cpus; c++) {
		f->cpu[c].online = true;
		f->cpu[c].cap = f->m->cpu_cap[c];
		f->cpu[c].uclamp_max = EG_CAPACITY_SCALE;
	}
}

static inline int fx_start(struct fx *f, struct eg_model *m, int pd,
			   const struct eg_freq_policy_ops *ops, void *tun)
{
	int r;

	f->m = m;
	if (!m || eg_model_finalize(m, NULL) < 0)
		return -EINVAL;
	f->pd = &m->pds[pd];
	f->ops = ops;
	f->tun = tun;
	f->min_khz = eg_pd_min_khz(f->pd);
	f->max_khz = eg_pd_max_khz(f->pd);
	fx_cpus_reset(f);
	r = ops->init(&f->st, f->pd, tun);
	return r;
}

static inline void fx_stop(struct fx *f)
{
	if (f->st)
		f->ops->exit(f->st);
	free(f->tun);
	free(f->m);
	memset(f, 0, sizeof(*f));
}

/* One update at time now triggered by CPU trigger; returns update()'s value.
 * The per-CPU iowait flags are consumed, as the engine would. */
static inline int fx_step(struct fx *f, uint64_t now, int trigger, bool limits_changed,
			  struct eg_freq_output *out)
{
	struct eg_freq_input in = {
		.now = now,
		.pd = f->pd,
		.cpu = f->cpu,
		.min_khz = f->min_khz,
		.max_khz = f->max_khz,
		.limits_changed = limits_changed,
		.reason = limits_changed ? EG_REASON_LIMITS :
			  trigger < 0	 ? EG_REASON_TIMER :
					   EG_REASON_UTIL,
		.trigger_cpu = trigger,
	};
	int r;

	memset(out, 0, sizeof(*out));
	r = f->ops->update(f->st, &in, out);
	for (int c = 0; c < EG_MAX_CPUS; c++)
		f->cpu[c].iowait = false;
	return r;
}
