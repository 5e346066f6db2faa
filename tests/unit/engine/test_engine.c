// SPDX-License-Identifier: GPL-2.0-or-later
/* Engine plumbing: caps bound policies, fast ramp, timers, hot-plug, RT idle
 * latency, thermal load. Policies here are test doubles whose answers the
 * test sets, so every expectation follows from the engine's rules alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "engine.h"
#include "util.h"

/* --- a frequency policy that answers what the test tells it --- */
struct fake_freq {
	uint32_t answer_khz; /* 0: no opinion */
	uint64_t period_ns;  /* >0: sampling policy with this period */
	uint64_t next;
	int calls;
	struct eg_freq_input last;
};

static int fake_init(void **state, const struct eg_pd *pd, const void *tun)
{
	struct fake_freq *f = (struct fake_freq *)tun;

	(void)pd;
	*state = f;
	f->next = f->period_ns ? f->period_ns : EG_NEVER;
	return 0;
}

static int fake_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct fake_freq *f = state;

	f->calls++;
	f->last = *in;
	if (f->period_ns && in->reason == EG_REASON_TIMER)
		f->next = in->now + f->period_ns;
	if (!f->answer_khz)
		return 0;
	out->khz = f->answer_khz;
	out->urgent = false;
	return 1;
}

static uint64_t fake_next_timer(const void *state)
{
	return ((const struct fake_freq *)state)->next;
}

static const struct eg_freq_policy_ops fake_util_ops = {
	.name = "fake-util",
	.on_util_update = true,
	.init = fake_init,
	.update = fake_update,
};
static const struct eg_freq_policy_ops fake_sampling_ops = {
	.name = "fake-sampling",
	.on_util_update = false,
	.init = fake_init,
	.update = fake_update,
	.next_timer = fake_next_timer,
};

/* --- a thermal policy that caps the big domain at a set frequency --- */
struct fake_thermal {
	uint32_t cap_big;
	struct eg_thermal_input last;
	int calls;
};

static int fake_th_init(void **state, const struct eg_model *m, const struct eg_zone *z,
			const void *tun)
{
	(void)m;
	(void)z;
	*state = (void *)tun;
	return 0;
}

static int fake_th_update(void *state, const struct eg_thermal_input *in,
			  struct eg_thermal_output *out)
{
	struct fake_thermal *t = state;

	t->calls++;
	t->last = *in;
	out->cap_khz[1] = t->cap_big;
	return 0;
}

static const struct eg_thermal_policy_ops fake_thermal_ops = {
	.name = "fake-thermal",
	.init = fake_th_init,
	.update = fake_th_update,
};

/* HiKey960: little 0-3, big 4-7, OPPs from the device tree. */
static void hikey960(struct eg_model *m)
{
	static const uint32_t lf[] = { 533000, 999000, 1402000, 1709000, 1844000 };
	static const uint32_t bf[] = { 903000, 1421000, 1805000, 2112000, 2362000 };
	static const uint32_t mv[] = { 700, 800, 900, 1000, 1100 };
	struct eg_error err;

	eg_model_init(m);
	snprintf(m->name, sizeof(m->name), "test");
	m->nr_pds = 2;
	for (int d = 0; d < 2; d++) {
		struct eg_pd *pd = &m->pds[d];

		snprintf(pd->name, sizeof(pd->name), d ? "big" : "little");
		eg_cpumask_parse(d ? "4-7" : "0-3", &pd->cpus);
		pd->capacity_dmips_mhz = d ? 1024 : 592;
		pd->dyn_power_coeff = d ? 550 : 110;
		pd->transition_latency_ns = 300000;
		pd->nr_opps = 5;
		for (int i = 0; i < 5; i++) {
			pd->opps[i].khz = d ? bf[i] : lf[i];
			pd->opps[i].mv = mv[i];
		}
	}
	m->nr_zones = 1;
	snprintf(m->zones[0].name, sizeof(m->zones[0].name), "cls0");
	m->zones[0].nr_cooled = 2;
	m->zones[0].cooled[0] = (struct eg_cooled){ .pd = 0, .weight = 1024 };
	m->zones[0].cooled[1] = (struct eg_cooled){ .pd = 1, .weight = 512 };
	assert_int_equal(eg_model_finalize(m, &err), 0);
}

struct fixture {
	struct eg_model m;
	struct fake_freq ff[2];
	struct fake_thermal ft;
	struct eg_engine_config cfg;
	struct eg_engine *e;
	struct eg_decisions out;
};

static struct fixture *setup_with(const struct eg_freq_policy_ops *ops, uint32_t pct,
				  uint32_t rt_lat)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	hikey960(&f->m);
	for (int i = 0; i < 2; i++) {
		f->cfg.freq[i] = ops;
		f->cfg.freq_tun[i] = NULL;
		f->ff[i].period_ns = ops == &fake_sampling_ops ? 10 * NSEC_PER_MSEC : 0;
	}
	f->cfg.thermal[0] = &fake_thermal_ops;
	f->cfg.fast_ramp = true;
	f->cfg.max_freq_pct = pct;
	f->cfg.rt_idle_latency_us = rt_lat;
	/* The fakes take their state from the "tunables" pointer. */
	f->cfg.freq_tun[0] = &f->ff[0];
	f->cfg.freq_tun[1] = &f->ff[1];
	f->cfg.thermal_tun[0] = &f->ft;
	assert_int_equal(eg_engine_new(&f->e, &f->m, &f->cfg, 0), 0);
	return f;
}

static void teardown_fixture(struct fixture *f)
{
	eg_engine_free(f->e);
	free(f);
}

static void feed(struct fixture *f, struct eg_event ev)
{
	assert_int_equal(eg_engine_event(f->e, &ev, &f->out), 0);
}

static const struct eg_decision *find(const struct eg_decisions *d, enum eg_decision_type t,
				      int target)
{
	for (int i = 0; i < d->n; i++)
		if (d->d[i].type == t && d->d[i].target == target)
			return &d->d[i];
	return NULL;
}

static struct eg_event ev_switch(uint64_t ts, int cpu, int prev, int next, int next_prio,
				 bool prev_runnable)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_SWITCH, .cpu = (int16_t)cpu };

	ev.sw.prev_pid = prev;
	ev.sw.next_pid = next;
	ev.sw.prev_prio = 120;
	ev.sw.next_prio = (int16_t)next_prio;
	ev.sw.prev_runnable = prev_runnable;
	ev.sw.util_max = 1024;
	return ev;
}

static struct eg_event ev_wakeup(uint64_t ts, int cpu, int pid, int prio)
{
	struct eg_event ev = { .ts = ts, .type = EG_EV_WAKEUP, .cpu = (int16_t)cpu };

	ev.wakeup.pid = pid;
	ev.wakeup.prio = (int16_t)prio;
	ev.wakeup.target_cpu = (int16_t)cpu;
	return ev;
}

/* The policy asks for more than the thermal cap allows: the cap wins and the
 * decision is the highest OPP under the cap. */
static void test_cap_bounds_policy(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 100, 0);
	const struct eg_decision *d;

	(void)unused;
	f->ft.cap_big = 1805000;
	feed(f, (struct eg_event){ .ts = 1000, .type = EG_EV_TEMP, .temp = { 0, 70000 } });
	d = find(&f->out, EG_DEC_SET_CAP, 1);
	assert_non_null(d);
	assert_int_equal(d->value, 1805000);
	assert_int_equal(d->reason, EG_REASON_THERMAL);
	/* The little domain is not capped by this fake: no SET_CAP for it. */
	assert_null(find(&f->out, EG_DEC_SET_CAP, 0));

	f->out.n = 0;
	f->ff[1].answer_khz = 2362000;
	feed(f, ev_wakeup(2000, 5, 100, 120));
	d = find(&f->out, EG_DEC_SET_FREQ, 1);
	assert_non_null(d);
	assert_int_equal(d->value, 1805000);
	/* The policy saw the capped ceiling as its max. */
	assert_int_equal(f->ff[1].last.max_khz, 1805000);

	/* Same answer again: nothing new to say. */
	f->out.n = 0;
	feed(f, ev_wakeup(3000, 6, 101, 120));
	assert_null(find(&f->out, EG_DEC_SET_FREQ, 1));

	/* Cap lifted (0 from the policy): SET_CAP 0, and the policy is asked
	 * again with limits_changed, now free to reach 2362000. */
	f->out.n = 0;
	f->ft.cap_big = 0;
	feed(f, (struct eg_event){ .ts = 4000, .type = EG_EV_TEMP, .temp = { 0, 50000 } });
	d = find(&f->out, EG_DEC_SET_CAP, 1);
	assert_non_null(d);
	assert_int_equal(d->value, 0);
	d = find(&f->out, EG_DEC_SET_FREQ, 1);
	assert_non_null(d);
	assert_int_equal(d->value, 2362000);
	assert_true(f->ff[1].last.limits_changed);
	teardown_fixture(f);
}

/* A policy answer between OPPs resolves up to a table frequency. */
static void test_answer_resolves_to_opp(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 100, 0);
	const struct eg_decision *d;

	(void)unused;
	f->ff[0].answer_khz = 1000000; /* little OPPs: ..., 999000, 1402000 -> 1402000 */
	feed(f, ev_wakeup(1000, 1, 100, 120));
	d = find(&f->out, EG_DEC_SET_FREQ, 0);
	assert_non_null(d);
	assert_int_equal(d->value, 1402000);
	teardown_fixture(f);
}

/* max_freq_pct = 70: 0.7 * 2362000 = 1653400 -> highest OPP at or below it is
 * 1421000 on big; 0.7 * 1844000 = 1290800 -> 999000 on little. */
static void test_profile_cap(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 70, 0);
	const struct eg_decision *d;

	(void)unused;
	assert_int_equal(eg_engine_start(f->e, 0, &f->out), 0);
	d = find(&f->out, EG_DEC_SET_CAP, 1);
	assert_non_null(d);
	assert_int_equal(d->value, 1421000);
	d = find(&f->out, EG_DEC_SET_CAP, 0);
	assert_non_null(d);
	assert_int_equal(d->value, 999000);
	teardown_fixture(f);
}

/* An RT wakeup ramps its domain to the highest allowed OPP at once, marked
 * urgent, even though the policy (answering nothing) would not. */
static void test_fast_ramp(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 100, 0);
	const struct eg_decision *d;

	(void)unused;
	feed(f, ev_wakeup(1000, 2, 200, 10));
	d = find(&f->out, EG_DEC_SET_FREQ, 0);
	assert_non_null(d);
	assert_int_equal(d->value, 1844000);
	assert_true(d->flags & EG_DEC_URGENT);
	assert_int_equal(d->reason, EG_REASON_RT);
	/* A CFS wakeup does not. */
	f->out.n = 0;
	feed(f, ev_wakeup(2000, 5, 201, 120));
	assert_null(find(&f->out, EG_DEC_SET_FREQ, 1));

	/* With a thermal cap the ramp stops at the cap. */
	f->ft.cap_big = 1421000;
	feed(f, (struct eg_event){ .ts = 3000, .type = EG_EV_TEMP, .temp = { 0, 70000 } });
	f->out.n = 0;
	feed(f, ev_wakeup(4000, 6, 202, 50));
	d = find(&f->out, EG_DEC_SET_FREQ, 1);
	assert_non_null(d);
	assert_int_equal(d->value, 1421000);
	teardown_fixture(f);
}

/* A policy that hints clamps and handles RT wakeups itself: it answers a
 * clamp of min = the activation count it was shown, so each call is seen. */
static bool hint_clamp(const void *state, const struct eg_task_activity *act, int prio,
		       uint32_t *min, uint32_t *max)
{
	(void)state;
	if (prio >= 100 || act->nr_activations < EG_TASK_ACTIVITY_MIN)
		return false;
	*min = (uint32_t)(act->act_work_ns / 1000); /* 1 per us of work */
	*max = 1024;
	return true;
}

static const struct eg_freq_policy_ops fake_hint_ops = {
	.name = "fake-hint",
	.on_util_update = true,
	.handles_rt = true,
	.init = fake_init,
	.update = fake_update,
	.task_clamp = hint_clamp,
};

/* An RT task on CPU 5 (big, full frequency at start: 2362 MHz of 2362, so
 * its work is its run time) wakes every 10 ms and runs work_us. */
static void rt_activation(struct fixture *f, uint64_t t, uint64_t work_us)
{
	struct eg_event out = ev_switch(t + 1000 + work_us * 1000, 5, 700, 0, 120, false);

	out.sw.prev_prio = 10;
	feed(f, ev_wakeup(t, 5, 700, 10));
	feed(f, ev_switch(t + 1000, 5, 0, 700, 10, false));
	feed(f, out);
}

static void test_task_clamp_hint(void **unused)
{
	struct fixture *f = setup_with(&fake_hint_ops, 100, 0);
	const struct eg_decision *d;

	(void)unused;
	eg_engine_set_domain_state(f->e, 1, 2362000, 903000, 2362000);
	for (int i = 0; i < 4; i++)
		rt_activation(f, (uint64_t)i * 10 * NSEC_PER_MSEC, 200);
	/* The engine's fast ramp stays out of a domain whose policy handles
	 * RT wakeups, and no hint before four activations. */
	assert_null(find(&f->out, EG_DEC_SET_FREQ, 1));
	assert_null(find(&f->out, EG_DEC_TASK_UCLAMP, 700));
	/* The fifth wakeup: 200 us of work per activation -> min 200. */
	f->out.n = 0;
	rt_activation(f, 40 * NSEC_PER_MSEC, 300);
	d = find(&f->out, EG_DEC_TASK_UCLAMP, 700);
	assert_non_null(d);
	assert_int_equal(eg_uclamp_min(d->value), 200);
	assert_int_equal(eg_uclamp_max(d->value), 1024);
	/* 300 us raised the estimate to 300 at once: a move of 100 (over 32)
	 * is sent at the next wakeup. */
	f->out.n = 0;
	rt_activation(f, 50 * NSEC_PER_MSEC, 300);
	d = find(&f->out, EG_DEC_TASK_UCLAMP, 700);
	assert_non_null(d);
	assert_int_equal(eg_uclamp_min(d->value), 300);
	/* 290 us: the estimate decays by a quarter of 10 to 297, a move of 3:
	 * nothing sent. */
	f->out.n = 0;
	rt_activation(f, 60 * NSEC_PER_MSEC, 290);
	f->out.n = 0;
	rt_activation(f, 70 * NSEC_PER_MSEC, 290);
	assert_null(find(&f->out, EG_DEC_TASK_UCLAMP, 700));
	teardown_fixture(f);
}

/* Boosted CFS task: eagovctl boost makes its wakeups take the fast ramp until
 * the boost expires. */
static void test_boost(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 100, 0);
	struct eg_event b = { .ts = 0, .type = EG_EV_BOOST, .boost = { .pid = 300, .ms = 5 } };

	(void)unused;
	feed(f, b);
	feed(f, ev_wakeup(1 * NSEC_PER_MSEC, 4, 300, 120));
	assert_non_null(find(&f->out, EG_DEC_SET_FREQ, 1));
	/* After 5 ms the boost is gone; re-arm the comparison by moving the
	 * request elsewhere first. */
	f->ff[1].answer_khz = 903000;
	feed(f, ev_wakeup(2 * NSEC_PER_MSEC, 5, 301, 120));
	f->ff[1].answer_khz = 0;
	f->out.n = 0;
	feed(f, ev_wakeup(6 * NSEC_PER_MSEC, 4, 300, 120));
	assert_null(find(&f->out, EG_DEC_SET_FREQ, 1));
	teardown_fixture(f);
}

/* A sampling policy runs only when its timer is due. */
static void test_timers(void **unused)
{
	struct fixture *f = setup_with(&fake_sampling_ops, 100, 0);

	(void)unused;
	assert_int_equal(eg_engine_next_timer(f->e), 10 * NSEC_PER_MSEC);
	feed(f, ev_wakeup(1000, 5, 100, 120));
	assert_int_equal(f->ff[1].calls, 0); /* not on util updates */
	feed(f, (struct eg_event){ .ts = 9 * NSEC_PER_MSEC, .type = EG_EV_TICK });
	assert_int_equal(f->ff[1].calls, 0);
	feed(f, (struct eg_event){ .ts = 10 * NSEC_PER_MSEC, .type = EG_EV_TICK });
	assert_int_equal(f->ff[0].calls, 1);
	assert_int_equal(f->ff[1].calls, 1);
	assert_int_equal(f->ff[1].last.reason, EG_REASON_TIMER);
	assert_int_equal(eg_engine_next_timer(f->e), 20 * NSEC_PER_MSEC);
	teardown_fixture(f);
}

/* All CPUs of a domain offline: its policy is not asked; one back online:
 * asked with limits_changed. */
static void test_hotplug(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 100, 0);
	int calls;

	(void)unused;
	for (int c = 4; c < 8; c++)
		feed(f,
		     (struct eg_event){ .ts = 100, .type = EG_EV_CPU_OFFLINE, .cpu = (int16_t)c });
	calls = f->ff[1].calls;
	feed(f, ev_wakeup(1000, 5, 100, 120));
	assert_int_equal(f->ff[1].calls, calls);
	feed(f, (struct eg_event){ .ts = 2000, .type = EG_EV_CPU_ONLINE, .cpu = 6 });
	assert_int_equal(f->ff[1].calls, calls + 1);
	assert_true(f->ff[1].last.limits_changed);
	assert_int_equal(f->ff[1].last.reason, EG_REASON_HOTPLUG);
	assert_true(f->ff[1].last.cpu[6].online);
	assert_false(f->ff[1].last.cpu[5].online);
	teardown_fixture(f);
}

/* Platform limits change: the policy sees them and limits_changed. */
static void test_limits(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 100, 0);
	struct eg_event ev = { .ts = 500, .type = EG_EV_LIMITS };

	(void)unused;
	ev.limits.pd = 1;
	ev.limits.min_khz = 1421000;
	ev.limits.max_khz = 2112000;
	f->ff[1].answer_khz = 903000;
	feed(f, ev);
	assert_true(f->ff[1].last.limits_changed);
	assert_int_equal(f->ff[1].last.min_khz, 1421000);
	assert_int_equal(f->ff[1].last.max_khz, 2112000);
	/* 903000 is below min: the decision is the min. */
	assert_int_equal(find(&f->out, EG_DEC_SET_FREQ, 1)->value, 1421000);
	teardown_fixture(f);
}

/* rt_idle_latency_us: set while an RT task is runnable on the CPU, cleared
 * when it sleeps. */
static void test_rt_idle_latency(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 100, 50);
	const struct eg_decision *d;

	(void)unused;
	feed(f, ev_wakeup(1000, 3, 400, 20));
	d = find(&f->out, EG_DEC_IDLE_LATENCY, 3);
	assert_non_null(d);
	assert_int_equal(d->value, 50);
	f->out.n = 0;
	feed(f, ev_switch(2000, 3, 0, 400, 20, false));
	assert_null(find(&f->out, EG_DEC_IDLE_LATENCY, 3)); /* still RT: unchanged */
	feed(f, ev_switch(3000, 3, 400, 0, 120, false));
	d = find(&f->out, EG_DEC_IDLE_LATENCY, 3);
	assert_non_null(d);
	assert_int_equal(d->value, 0);
	teardown_fixture(f);
}

/* Thermal input load: CPU 4 busy for 5 ms of a 10 ms window -> 50 %. */
static void test_thermal_load(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 100, 0);

	(void)unused;
	feed(f, (struct eg_event){ .ts = 0, .type = EG_EV_TEMP, .temp = { 0, 40000 } });
	feed(f, ev_switch(0, 4, 0, 500, 120, false));
	feed(f, ev_switch(5 * NSEC_PER_MSEC, 4, 500, 0, 120, false));
	feed(f, (struct eg_event){
			.ts = 10 * NSEC_PER_MSEC, .type = EG_EV_TEMP, .temp = { 0, 41000 } });
	assert_int_equal(f->ft.calls, 2);
	assert_int_equal(f->ft.last.pd[1].load_pct_sum, 50);
	assert_int_equal(f->ft.last.pd[0].load_pct_sum, 0);
	assert_int_equal(f->ft.last.temp_mc, 41000);
	assert_int_equal(f->ft.last.last_temp_mc, 40000);
	teardown_fixture(f);
}

/* Thermal input demand: an RT task on CPU 5 woken every 10 ms for 2 ms at
 * capacity 1024 and the top OPP needs ceil(2 x 1024 / 10) = 205, and the
 * thermal policy sees it while the task sleeps (a periodic CFS task on
 * CPU 1 likewise, in cfs_demand). */
static void test_thermal_demand(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 100, 0);
	const uint64_t ms = NSEC_PER_MSEC;

	(void)unused;
	for (uint64_t t = 0; t < 60 * ms; t += 10 * ms) {
		struct eg_event out = ev_switch(t + 2 * ms, 5, 600, 0, 120, false);

		out.sw.prev_prio = 50;
		feed(f, ev_wakeup(t, 5, 600, 50));
		feed(f, ev_switch(t, 5, 0, 600, 50, false));
		feed(f, out);
		feed(f, ev_wakeup(t + 3 * ms, 1, 601, 120));
		feed(f, ev_switch(t + 3 * ms, 1, 0, 601, 120, false));
		feed(f, ev_switch(t + 4 * ms, 1, 601, 0, 120, false));
	}
	feed(f, (struct eg_event){ .ts = 55 * ms, .type = EG_EV_TEMP, .temp = { 0, 40000 } });
	assert_int_equal(f->ft.calls, 1);
	assert_int_equal(f->ft.last.rt_demand[5], 205);
	assert_int_equal(f->ft.last.cfs_demand[5], 0);
	assert_int_equal(f->ft.last.rt_demand[1], 0);
	assert_true(f->ft.last.cfs_demand[1] > 0);
	teardown_fixture(f);
}

/* Bad event input is rejected, not trusted. */
static void test_bad_events(void **unused)
{
	struct fixture *f = setup_with(&fake_util_ops, 100, 0);
	struct eg_event ev = { .ts = 1, .type = EG_EV_FREQ };

	(void)unused;
	ev.freq.pd = 7;
	assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
	ev.type = EG_EV__MAX;
	assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
	ev.type = EG_EV_TEMP;
	ev.temp.zone = 3;
	assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
	teardown_fixture(f);
}

/* Every index an event carries is checked against the model before use: a
 * migration between CPUs the model does not have, a wakeup towards one, or an
 * event on one, is refused with no state touched. The HiKey960 model has CPUs
 * 0-7, domains 0-1 and zone 0. */
static void test_out_of_range_indices(void **unused)
{
	static const int bad_cpus[] = { INT16_MAX, INT16_MIN, 4000, 256, 255, 8, -2 };
	struct fixture *f = setup_with(&fake_util_ops, 100, 0);
	struct eg_pd_status st;
	int calls;

	(void)unused;
	feed(f, ev_wakeup(1000, 4, 10, 120));
	calls = f->ff[1].calls;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cpus); i++) {
		int bad = bad_cpus[i];
		struct eg_event ev = { .ts = 2000, .type = EG_EV_MIGRATE, .cpu = 4 };

		ev.migrate.pid = 10;
		ev.migrate.prio = 120;
		ev.migrate.orig_cpu = (int16_t)bad;
		ev.migrate.dest_cpu = 4;
		assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
		ev.migrate.orig_cpu = 4;
		ev.migrate.dest_cpu = (int16_t)bad;
		assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
		ev.migrate.orig_cpu = (int16_t)bad;
		assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);

		ev = ev_wakeup(2000, 4, 11, 120);
		ev.wakeup.target_cpu = (int16_t)bad;
		assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
		ev = ev_wakeup(2000, bad, 11, 120);
		ev.wakeup.target_cpu = -1;
		assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);

		ev = ev_switch(2000, bad, 0, 12, 120, false);
		assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
		ev = (struct eg_event){ .ts = 2000,
					.type = EG_EV_CPU_OFFLINE,
					.cpu = (int16_t)bad };
		assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
		ev = (struct eg_event){ .ts = 2000, .type = EG_EV_TICK, .cpu = (int16_t)bad };
		assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
		ev = (struct eg_event){ .ts = 2000,
					.type = EG_EV_BUSY_SAMPLE,
					.cpu = (int16_t)bad };
		ev.busy.busy_ns = 1000;
		ev.busy.window_ns = 1000;
		assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
	}
	for (int bad = -3; bad < 40; bad += 5) {
		struct eg_event ev = { .ts = 2000, .cpu = -1 };
		bool pd_ok = bad >= 0 && bad < 2, zone_ok = bad == 0;

		ev.type = EG_EV_LIMITS;
		ev.limits.pd = bad;
		ev.limits.min_khz = 903000;
		ev.limits.max_khz = 2362000;
		if (!pd_ok)
			assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
		ev = (struct eg_event){ .ts = 2000, .type = EG_EV_FREQ, .cpu = -1 };
		ev.freq.pd = bad;
		ev.freq.khz = 903000;
		if (!pd_ok)
			assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
		ev = (struct eg_event){ .ts = 2000, .type = EG_EV_TEMP, .cpu = -1 };
		ev.temp.zone = bad;
		ev.temp.temp_mc = 90000;
		if (!zone_ok)
			assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
		ev = (struct eg_event){ .ts = 2000, .type = EG_EV_TRIP, .cpu = -1 };
		ev.trip.zone = bad;
		ev.trip.temp_mc = 90000;
		if (!zone_ok)
			assert_int_equal(eg_engine_event(f->e, &ev, &f->out), -EINVAL);
	}
	/* Nothing refused reached a policy, and the task stayed where it was. */
	assert_int_equal(f->ff[1].calls, calls);
	assert_int_equal(f->ft.calls, 0);
	assert_int_equal(eg_engine_signals(f->e)->cpu[4].nr_running, 1);
	assert_int_equal(eg_signals_task(eg_engine_signals(f->e), 10)->cpu, 4);
	assert_null(eg_signals_task(eg_engine_signals(f->e), 11));
	/* The edges of the range are accepted. */
	{
		struct eg_event ev = { .ts = 3000, .type = EG_EV_MIGRATE, .cpu = 7 };

		ev.migrate.pid = 10;
		ev.migrate.prio = 120;
		ev.migrate.orig_cpu = 4;
		ev.migrate.dest_cpu = 7;
		feed(f, ev);
		assert_int_equal(eg_signals_task(eg_engine_signals(f->e), 10)->cpu, 7);
		ev.migrate.orig_cpu = 7;
		ev.migrate.dest_cpu = 0;
		feed(f, ev);
		assert_int_equal(eg_signals_task(eg_engine_signals(f->e), 10)->cpu, 0);
	}
	eg_engine_pd_status(f->e, 2, &st);
	assert_int_equal(st.cur_khz, 0);
	eg_engine_pd_status(f->e, -1, &st);
	assert_int_equal(st.nr_online, 0);
	teardown_fixture(f);
}

/* set_freq swaps exactly one domain's policy and gives it fresh default
 * tunables; the other domains keep their ops and their very tunables. */
static void test_config_set_freq(void **unused)
{
	const struct eg_freq_policy_ops *su = eg_freq_policy_find("schedutil");
	const struct eg_freq_policy_ops *od = eg_freq_policy_find("ondemand");
	const struct eg_freq_policy_ops *perf = eg_freq_policy_find("performance");
	struct eg_engine_config cfg, before;
	struct eg_model m;
	char val[64];
	void *defaults;
	void *tun0, *tun1;

	(void)unused;
	assert_non_null(su);
	assert_non_null(od);
	assert_non_null(perf);
	hikey960(&m);
	assert_int_equal(eg_engine_config_simple(&cfg, &m, "schedutil", NULL, NULL), 0);
	tun0 = cfg.freq_tun[0];
	tun1 = cfg.freq_tun[1];
	assert_non_null(tun0);
	assert_non_null(tun1);

	assert_int_equal(eg_engine_config_set_freq(&cfg, 1, od), 0);
	assert_ptr_equal(cfg.freq[0], su);
	assert_ptr_equal(cfg.freq_tun[0], tun0);
	assert_ptr_equal(cfg.freq[1], od);
	assert_non_null(cfg.freq_tun[1]);
	/* The new tunables are ondemand's defaults, byte for byte. */
	defaults = calloc(1, od->tunables_size);
	assert_non_null(defaults);
	eg_tunables_defaults(od->tunables, defaults);
	assert_memory_equal(cfg.freq_tun[1], defaults, od->tunables_size);
	eg_tunables_format(eg_tunables_find(od->tunables, "up_threshold"), cfg.freq_tun[1], val,
			   sizeof(val));
	assert_string_equal(val, "80");
	free(defaults);
	/* A policy without tunables still gets an allocation the engine can free. */
	assert_int_equal(eg_engine_config_set_freq(&cfg, 0, perf), 0);
	assert_ptr_equal(cfg.freq[0], perf);
	assert_non_null(cfg.freq_tun[0]);
	assert_ptr_equal(cfg.freq[1], od);

	/* Bad requests change nothing. */
	before = cfg;
	assert_int_equal(eg_engine_config_set_freq(&cfg, -1, od), -EINVAL);
	assert_int_equal(eg_engine_config_set_freq(&cfg, EG_MAX_PDS, od), -EINVAL);
	assert_int_equal(eg_engine_config_set_freq(&cfg, 0, NULL), -EINVAL);
	assert_memory_equal(&cfg, &before, sizeof(cfg));

	/* The swapped configuration runs. */
	{
		struct eg_engine *e;

		assert_int_equal(eg_engine_new(&e, &m, &cfg, 0), 0);
		eg_engine_free(e);
	}
	eg_engine_config_free(&cfg);
	assert_null(cfg.freq_tun[0]);
	assert_null(cfg.freq_tun[1]);
}

/* The util change that matters, by hand on the HiKey960 OPPs: schedutil
 * (125 % headroom) on the little domain (capacity 462, smallest step 1709
 * -> 1844 MHz) moves one OPP per 135 / 1844 x 1024 / 1.25 = 59 of its own
 * capacity units, 59 x 462 / 1024 = 26 of util; half of it is 13. On the
 * big domain (capacity 1024, 2112 -> 2362 MHz): 250 / 2362 x 1024 / 1.25
 * = 86, half 43. Policies whose answer util does not move say 1024.
 * Under which util schedutil keeps the lowest OPP: 533 / 1844 x 462 / 1.25
 * = 106.8 on the little domain, 903 / 2362 x 1024 / 1.25 = 313.2 on the
 * big; derived through schedutil's whole-unit step (59 and 86), the engine
 * rounds them down to 104 and 310, on the safe side. */
static void test_util_threshold(void **unused)
{
	static const struct {
		const char *little, *big;
		uint32_t want, floor;
	} cases[] = {
		{ "schedutil", "schedutil", 13, 104 },
		{ "performance", "schedutil", 43, 310 },
		{ "schedutil", "ondemand", 13, 104 },
		{ "ondemand", "conservative", 1024, 1024 },
		{ "performance", "powersave", 1024, 1024 },
		{ "interactive", "schedutil", 43, 310 },
	};
	struct eg_model m;

	(void)unused;
	hikey960(&m);
	assert_int_equal(m.cpu_cap[0], 462);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct eg_engine_config cfg;
		struct eg_engine *e;

		assert_int_equal(eg_engine_config_simple(&cfg, &m, cases[i].little, NULL, NULL), 0);
		assert_int_equal(
			eg_engine_config_set_freq(&cfg, 1, eg_freq_policy_find(cases[i].big)), 0);
		assert_int_equal(eg_engine_new(&e, &m, &cfg, 0), 0);
		assert_int_equal(eg_engine_util_threshold(e), cases[i].want);
		assert_int_equal(eg_engine_util_floor(e), cases[i].floor);
		eg_engine_free(e);
		eg_engine_config_free(&cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_bounds_policy),
		cmocka_unit_test(test_answer_resolves_to_opp),
		cmocka_unit_test(test_profile_cap),
		cmocka_unit_test(test_fast_ramp),
		cmocka_unit_test(test_task_clamp_hint),
		cmocka_unit_test(test_boost),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_hotplug),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_rt_idle_latency),
		cmocka_unit_test(test_thermal_load),
		cmocka_unit_test(test_thermal_demand),
		cmocka_unit_test(test_bad_events),
		cmocka_unit_test(test_out_of_range_indices),
		cmocka_unit_test(test_config_set_freq),
		cmocka_unit_test(test_util_threshold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
