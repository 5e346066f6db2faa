// SPDX-License-Identifier: GPL-2.0-or-later
/* The engine: events in, decisions out. It owns the signals, one frequency
 * policy instance per domain, one idle policy instance per CPU and one
 * thermal policy instance per zone, and applies the caps that bound every
 * frequency choice. No I/O, no clock: time comes with the events. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "engine_internal.h"
#include "idle_qos.h"
#include "util.h"

/* The highest frequency a domain may run at now: its platform max, bounded
 * by the thermal and profile caps. */
static uint32_t pd_ceiling(const struct engine_pd *p)
{
	uint32_t ceil = p->max_khz;

	if (p->cap_khz && p->cap_khz < ceil)
		ceil = p->cap_khz;
	if (ceil < p->min_khz)
		ceil = p->min_khz;
	return ceil;
}

static bool pd_has_online_cpu(const struct eg_engine *e, const struct eg_pd *pd)
{
	int cpu;

	eg_for_each_cpu (cpu, &pd->cpus)
		if (e->sig.cpu[cpu].online)
			return true;
	return false;
}

static void fill_cpu_view(struct eg_engine *e, const struct eg_pd *pd, uint64_t now)
{
	int cpu;

	eg_for_each_cpu (cpu, &pd->cpus) {
		struct eg_cpu_signals *cs = &e->sig.cpu[cpu];
		struct eg_freq_cpu *fc = &e->fcpu[cpu];

		eg_signals_sync_cpu(&e->sig, cpu, now);
		fc->online = cs->online;
		fc->util = eg_signals_cpu_util(&e->sig, cpu);
		fc->cap = e->m->cpu_cap[cpu];
		fc->rt_runnable = eg_signals_rt_runnable(&e->sig, cpu);
		fc->iowait = cs->iowait_pending;
		fc->uclamp_min = cs->uclamp_min;
		fc->uclamp_max = cs->uclamp_max ? cs->uclamp_max : EG_CAPACITY_SCALE;
		fc->busy_ns = cs->busy_ns;
		fc->idle_calls = cs->idle_calls;
		fc->idle = cs->curr_pid == 0;
		fc->rt_demand = cs->rt_demand;
		fc->nr_rt_unknown = cs->nr_rt_unknown;
		fc->rt_work_ns = cs->rt_work_ns;
		fc->rt_lat_ns = cs->rt_lat_ns;
		fc->cfs_demand = cs->cfs_demand;
		fc->nr_cfs_unknown = cs->nr_cfs_unknown;
		/* An iowait wakeup is reported to the policy once. */
		cs->iowait_pending = false;
	}
}

/* Ask a domain's frequency policy and emit SET_FREQ when its answer differs
 * from what we last asked for. */
static int run_freq(struct eg_engine *e, int pdi, uint64_t now, enum eg_reason reason,
		    int trigger_cpu, struct eg_decisions *out)
{
	struct engine_pd *p = &e->pd[pdi];
	struct eg_freq_input in = { 0 };
	struct eg_freq_output fo = { 0 };
	int opp;
	int r;

	if (!p->ops || !p->ops->update || !pd_has_online_cpu(e, p->pd))
		return 0;
	fill_cpu_view(e, p->pd, now);
	in.now = now;
	in.pd = p->pd;
	in.cpu = e->fcpu;
	in.cur_khz = p->cur_khz;
	in.min_khz = p->min_khz;
	in.max_khz = pd_ceiling(p);
	in.limits_changed = p->limits_changed;
	in.reason = reason;
	in.trigger_cpu = trigger_cpu;

	r = p->ops->update(p->state, &in, &fo);
	p->limits_changed = false;
	if (p->ops->next_timer)
		p->next_timer = p->ops->next_timer(p->state);
	if (r <= 0)
		return r;

	/* Whatever the policy says, the decision is a table frequency within
	 * the limits: a cap always wins over a policy. */
	opp = eg_pd_opp_ceil(p->pd, fo.khz, in.min_khz, in.max_khz, false);
	if (opp < 0)
		return 0;
	if (p->pd->opps[opp].khz > in.max_khz)
		opp = eg_pd_opp_floor(p->pd, in.max_khz, in.min_khz, in.max_khz);
	if (opp < 0 || p->pd->opps[opp].khz == p->req_khz)
		return 0;
	p->req_khz = p->pd->opps[opp].khz;
	engine_emit(out, now, EG_DEC_SET_FREQ, fo.urgent ? EG_DEC_URGENT : 0, reason, pdi,
		    p->req_khz);
	return 0;
}

static uint32_t profile_cap(const struct eg_pd *pd, uint32_t pct)
{
	uint64_t target;
	int opp;

	if (pct == 0 || pct >= 100)
		return 0;
	target = (uint64_t)eg_pd_max_khz(pd) * pct / 100;
	opp = eg_pd_opp_floor(pd, (uint32_t)target, 0, UINT32_MAX);
	return opp >= 0 ? pd->opps[opp].khz : 0;
}

/* Recompute a domain's effective cap from the profile and every zone that
 * cools it; emit SET_CAP and re-plan the frequency when it changed. */
static int update_cap(struct eg_engine *e, int pdi, uint64_t now, enum eg_reason reason,
		      struct eg_decisions *out)
{
	struct engine_pd *p = &e->pd[pdi];
	uint32_t cap = p->profile_cap_khz;

	for (int z = 0; z < e->m->nr_zones; z++) {
		uint32_t zc = e->zone[z].cap_khz[pdi];

		if (zc && (!cap || zc < cap))
			cap = zc;
	}
	if (cap && cap >= eg_pd_max_khz(p->pd))
		cap = 0;
	if (cap == p->cap_khz)
		return 0;
	p->cap_khz = cap;
	p->limits_changed = true;
	engine_emit(out, now, EG_DEC_SET_CAP, 0, reason, pdi, cap);
	return run_freq(e, pdi, now, reason, -1, out);
}

int eg_engine_new(struct eg_engine **out, const struct eg_model *m,
		  const struct eg_engine_config *cfg, uint64_t now)
{
	struct eg_engine *e;
	int r;
	int cpu;

	*out = NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->m = m;
	e->cfg = *cfg;
	eg_idle_qos_init(&e->iq, m);
	r = eg_signals_init(&e->sig, m, now);
	if (r < 0) {
		free(e);
		return r;
	}
	for (int i = 0; i < m->nr_pds; i++) {
		struct engine_pd *p = &e->pd[i];

		p->pd = &m->pds[i];
		p->ops = cfg->freq[i];
		p->min_khz = eg_pd_min_khz(p->pd);
		p->max_khz = eg_pd_max_khz(p->pd);
		p->cur_khz = p->max_khz;
		p->next_timer = EG_NEVER;
		p->profile_cap_khz = profile_cap(p->pd, cfg->max_freq_pct);
		if (!p->ops) {
			r = -EINVAL;
			goto fail;
		}
		if (p->ops->init) {
			r = p->ops->init(&p->state, p->pd, cfg->freq_tun[i]);
			if (r < 0)
				goto fail;
		}
		if (p->ops->next_timer)
			p->next_timer = p->ops->next_timer(p->state);
		if (p->ops->idle_qos_pct) {
			uint32_t pct = p->ops->idle_qos_pct(p->state);

			eg_for_each_cpu (cpu, &p->pd->cpus)
				e->iq.cpu[cpu].pct = pct;
			e->idle_qos |= pct != 0;
		}
	}
	for (int i = 0; i < m->nr_zones; i++) {
		struct engine_zone *z = &e->zone[i];

		z->zone = &m->zones[i];
		z->ops = cfg->thermal[i];
		if (z->ops && z->ops->init) {
			r = z->ops->init(&z->state, m, z->zone, cfg->thermal_tun[i]);
			if (r < 0)
				goto fail;
		}
	}
	if (cfg->idle && cfg->idle->init) {
		eg_for_each_cpu (cpu, &m->possible) {
			r = cfg->idle->init(&e->idle_state[cpu], eg_model_cpu_pd(m, cpu), cpu,
					    cfg->idle_tun);
			if (r < 0)
				goto fail;
		}
	}
	e->util_threshold = EG_CAPACITY_SCALE;
	e->util_floor = EG_CAPACITY_SCALE;
	for (int i = 0; i < m->nr_pds; i++) {
		const struct engine_pd *p = &e->pd[i];
		uint32_t cap = 0;

		eg_for_each_cpu (cpu, &p->pd->cpus)
			cap = EG_MAX(cap, m->cpu_cap[cpu]);
		e->util_threshold = EG_MIN(e->util_threshold,
					   eg_policy_util_threshold(p->ops, p->state, p->pd, cap));
		e->util_floor =
			EG_MIN(e->util_floor, eg_policy_util_floor(p->ops, p->state, p->pd, cap));
	}
	*out = e;
	return 0;
fail:
	eg_engine_free(e);
	return r;
}

void eg_engine_free(struct eg_engine *e)
{
	int cpu;

	if (!e)
		return;
	for (int i = 0; i < e->m->nr_pds; i++)
		if (e->pd[i].ops && e->pd[i].ops->exit && e->pd[i].state)
			e->pd[i].ops->exit(e->pd[i].state);
	for (int i = 0; i < e->m->nr_zones; i++)
		if (e->zone[i].ops && e->zone[i].ops->exit && e->zone[i].state)
			e->zone[i].ops->exit(e->zone[i].state);
	eg_for_each_cpu (cpu, &e->m->possible)
		if (e->cfg.idle && e->cfg.idle->exit && e->idle_state[cpu])
			e->cfg.idle->exit(e->idle_state[cpu]);
	eg_signals_destroy(&e->sig);
	free(e);
}

void eg_engine_set_domain_state(struct eg_engine *e, int pdi, uint32_t cur_khz, uint32_t min_khz,
				uint32_t max_khz)
{
	struct engine_pd *p;

	if (pdi < 0 || pdi >= e->m->nr_pds)
		return;
	p = &e->pd[pdi];
	if (cur_khz)
		p->cur_khz = cur_khz;
	if (min_khz)
		p->min_khz = min_khz;
	if (max_khz)
		p->max_khz = max_khz;
	p->limits_changed = true;
	eg_signals_set_freq(&e->sig, pdi, p->cur_khz, e->sig.cpu[p->pd->first_cpu].last_ns);
}

int eg_engine_start(struct eg_engine *e, uint64_t now, struct eg_decisions *out)
{
	int r;

	for (int i = 0; i < e->m->nr_pds; i++) {
		r = update_cap(e, i, now, EG_REASON_PROFILE, out);
		if (r < 0)
			return r;
		/* A first decision for every domain, so the platform starts
		 * from the policy's choice rather than whatever it had. */
		e->pd[i].limits_changed = true;
		r = run_freq(e, i, now, EG_REASON_PROFILE, -1, out);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Fast ramp: a realtime or boosted task that wakes must not wait for the
 * utilization signal to catch up (tens of ms) nor for a rate limit: its
 * domain goes to the highest allowed frequency now. */
static void fast_ramp(struct eg_engine *e, int cpu, uint64_t now, struct eg_decisions *out)
{
	int pdi = cpu >= 0 && cpu < EG_MAX_CPUS ? e->m->cpu_pd[cpu] : -1;
	struct engine_pd *p;
	uint32_t top;
	int opp;

	if (pdi < 0)
		return;
	p = &e->pd[pdi];
	if (p->ops && p->ops->handles_rt)
		return;
	opp = eg_pd_opp_floor(p->pd, pd_ceiling(p), p->min_khz, pd_ceiling(p));
	if (opp < 0)
		return;
	top = p->pd->opps[opp].khz;
	if (top == p->req_khz)
		return;
	p->req_khz = top;
	engine_emit(out, now, EG_DEC_SET_FREQ, EG_DEC_URGENT, EG_REASON_RT, pdi, top);
}

static int on_util(struct eg_engine *e, int cpu, uint64_t now, enum eg_reason reason,
		   struct eg_decisions *out)
{
	int pdi;

	if (cpu < 0 || cpu >= EG_MAX_CPUS || (pdi = e->m->cpu_pd[cpu]) < 0)
		return 0;
	engine_idle_latency(e, cpu, now, out);
	if (!e->pd[pdi].ops || !e->pd[pdi].ops->on_util_update)
		return 0;
	return run_freq(e, pdi, now, reason, cpu, out);
}

static int run_timers(struct eg_engine *e, uint64_t now, struct eg_decisions *out)
{
	for (int i = 0; i < e->m->nr_pds; i++) {
		if (e->pd[i].next_timer <= now) {
			int r = run_freq(e, i, now, EG_REASON_TIMER, -1, out);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int run_thermal(struct eg_engine *e, int zi, int temp_mc, uint64_t now,
		       struct eg_decisions *out)
{
	struct engine_zone *z;
	struct eg_thermal_input in = { 0 };
	struct eg_thermal_output to = { { 0 } };
	uint64_t dt;
	int r;
	int cpu;

	if (zi < 0 || zi >= e->m->nr_zones)
		return -EINVAL;
	z = &e->zone[zi];
	if (!z->ops || !z->ops->update)
		return 0;
	dt = z->have_temp && now > z->last_ts ? now - z->last_ts : 0;
	in.now = now;
	in.model = e->m;
	in.zone = z->zone;
	in.temp_mc = temp_mc;
	in.last_temp_mc = z->have_temp ? z->last_temp_mc : temp_mc;
	for (int i = 0; i < e->m->nr_pds; i++) {
		const struct eg_pd *pd = &e->m->pds[i];
		uint32_t load = 0;

		eg_for_each_cpu (cpu, &pd->cpus) {
			uint64_t busy;

			eg_signals_sync_cpu(&e->sig, cpu, now);
			busy = e->sig.cpu[cpu].busy_ns;
			if (dt && e->sig.cpu[cpu].online && busy >= z->busy_prev[cpu])
				load += (uint32_t)EG_MIN(100,
							 (busy - z->busy_prev[cpu]) * 100 / dt);
			z->busy_prev[cpu] = busy;
		}
		in.pd[i].cur_khz = e->pd[i].cur_khz;
		in.pd[i].load_pct_sum = load;
		in.pd[i].cap_khz = e->pd[i].cap_khz;
	}
	eg_signals_periodic_demand(&e->sig, now, in.rt_demand, in.cfs_demand);
	r = z->ops->update(z->state, &in, &to);
	z->have_temp = true;
	z->last_temp_mc = temp_mc;
	z->last_ts = now;
	if (r < 0)
		return r;
	for (int i = 0; i < e->m->nr_pds; i++) {
		z->cap_khz[i] = to.cap_khz[i];
		r = update_cap(e, i, now, EG_REASON_THERMAL, out);
		if (r < 0)
			return r;
	}
	return 0;
}

static int on_hotplug(struct eg_engine *e, int cpu, uint64_t now, struct eg_decisions *out)
{
	int pdi;

	if (cpu < 0 || cpu >= EG_MAX_CPUS || (pdi = e->m->cpu_pd[cpu]) < 0)
		return 0;
	if (!e->sig.cpu[cpu].online)
		eg_idle_qos_offline(&e->iq, cpu);
	/* The domain's shape changed: let the policy re-plan at once. */
	e->pd[pdi].limits_changed = true;
	return run_freq(e, pdi, now, EG_REASON_HOTPLUG, cpu, out);
}

static bool cpu_valid(const struct eg_model *m, int cpu)
{
	return cpu >= 0 && cpu < m->nr_cpus && cpu < EG_MAX_CPUS;
}

/* -1 is "no CPU" where an event may have none. */
static bool cpu_valid_or_none(const struct eg_model *m, int cpu)
{
	return cpu == -1 || cpu_valid(m, cpu);
}

/* Every index an event carries must lie inside the model before anything is
 * looked up with it: events come from recordings, the kernel and fuzzers. */
static bool event_valid(const struct eg_model *m, const struct eg_event *ev)
{
	if (!cpu_valid_or_none(m, ev->cpu))
		return false;
	switch (ev->type) {
	case EG_EV_WAKEUP:
		return cpu_valid_or_none(m, ev->wakeup.target_cpu);
	case EG_EV_MIGRATE:
		return cpu_valid(m, ev->migrate.orig_cpu) && cpu_valid(m, ev->migrate.dest_cpu);
	case EG_EV_FREQ:
		return ev->freq.pd >= 0 && ev->freq.pd < m->nr_pds;
	case EG_EV_LIMITS:
		return ev->limits.pd >= 0 && ev->limits.pd < m->nr_pds;
	case EG_EV_TEMP:
		return ev->temp.zone >= 0 && ev->temp.zone < m->nr_zones;
	case EG_EV_TRIP:
		return ev->trip.zone >= 0 && ev->trip.zone < m->nr_zones;
	default:
		return true;
	}
}

int eg_engine_event(struct eg_engine *e, const struct eg_event *ev, struct eg_decisions *out)
{
	uint64_t now = ev->ts;
	int r = 0;

	if (!event_valid(e->m, ev))
		return -EINVAL;

	switch (ev->type) {
	case EG_EV_SWITCH:
	case EG_EV_EXIT:
	case EG_EV_BUSY_SAMPLE:
		r = eg_signals_event(&e->sig, ev);
		if (r < 0)
			return r;
		if (e->idle_qos && ev->type == EG_EV_SWITCH)
			eg_idle_qos_switch(&e->iq, ev, engine_idle_qos_sleeper(e, ev));
		if (e->idle_qos && ev->type == EG_EV_EXIT)
			eg_idle_qos_forget(&e->iq, ev->exit.pid);
		r = on_util(e, ev->cpu, now, EG_REASON_UTIL, out);
		break;
	case EG_EV_WAKEUP: {
		int cpu = ev->wakeup.target_cpu >= 0 ? ev->wakeup.target_cpu : ev->cpu;
		bool rt = eg_prio_class(ev->wakeup.pid, ev->wakeup.prio) >= EG_CLASS_RT;
		enum eg_reason reason = EG_REASON_UTIL;

		r = eg_signals_event(&e->sig, ev);
		if (r < 0)
			return r;
		if (e->idle_qos) {
			/* It woke away from an idle CPU that waited for it. */
			int held = eg_idle_qos_wakeup(&e->iq, &e->sig, ev->wakeup.pid, cpu, now);

			if (held >= 0)
				engine_idle_latency(e, held, now, out);
		}
		engine_task_hint(e, cpu, ev->wakeup.pid, now, out);
		if (ev->wakeup.flags & EG_WAKE_IOWAIT)
			reason = EG_REASON_IOWAIT;
		if (rt || engine_task_boosted(e, ev->wakeup.pid, now)) {
			reason = EG_REASON_RT;
			if (e->cfg.fast_ramp)
				fast_ramp(e, cpu, now, out);
		}
		r = on_util(e, cpu, now, reason, out);
		break;
	}
	case EG_EV_MIGRATE:
		r = eg_signals_event(&e->sig, ev);
		if (r < 0)
			return r;
		r = on_util(e, ev->migrate.orig_cpu, now, EG_REASON_UTIL, out);
		if (r >= 0 &&
		    e->m->cpu_pd[ev->migrate.orig_cpu] != e->m->cpu_pd[ev->migrate.dest_cpu])
			r = on_util(e, ev->migrate.dest_cpu, now, EG_REASON_UTIL, out);
		break;
	case EG_EV_IDLE_ENTER:
	case EG_EV_IDLE_EXIT:
		/* Idle transitions reach the signals as switches to and from
		 * pid 0; the explicit events only matter to idle statistics. */
		break;
	case EG_EV_TICK:
		/* A CPU's scheduler tick (cpu >= 0) is a utilization update, as
		 * the kernel calls the cpufreq hook from it: without it a CPU
		 * busy with one task would never be re-evaluated. */
		if (ev->cpu >= 0)
			r = on_util(e, ev->cpu, now, EG_REASON_UTIL, out);
		if (r >= 0)
			r = run_timers(e, now, out);
		break;
	case EG_EV_FREQ:
		e->pd[ev->freq.pd].cur_khz = ev->freq.khz;
		eg_signals_set_freq(&e->sig, ev->freq.pd, ev->freq.khz, now);
		break;
	case EG_EV_LIMITS: {
		struct engine_pd *p = &e->pd[ev->limits.pd];

		p->min_khz = ev->limits.min_khz;
		p->max_khz = ev->limits.max_khz;
		p->limits_changed = true;
		r = run_freq(e, ev->limits.pd, now, EG_REASON_LIMITS, -1, out);
		break;
	}
	case EG_EV_TEMP:
		r = run_thermal(e, ev->temp.zone, ev->temp.temp_mc, now, out);
		break;
	case EG_EV_TRIP:
		r = run_thermal(e, ev->trip.zone, ev->trip.temp_mc, now, out);
		break;
	case EG_EV_CPU_ONLINE:
	case EG_EV_CPU_OFFLINE:
		r = eg_signals_event(&e->sig, ev);
		if (r < 0)
			return r;
		r = on_hotplug(e, ev->cpu, now, out);
		break;
	case EG_EV_BOOST:
		engine_add_boost(e, ev->boost.pid, now + (uint64_t)ev->boost.ms * NSEC_PER_MSEC);
		break;
	case EG_EV_POWER_SOURCE:
		/* Profile switching is the daemon's: it rebuilds the config. */
		break;
	default:
		return -EINVAL;
	}
	return r < 0 ? r : 0;
}

uint32_t eg_engine_util_threshold(const struct eg_engine *e)
{
	return e->util_threshold;
}

uint32_t eg_engine_util_floor(const struct eg_engine *e)
{
	return e->util_floor;
}

uint32_t eg_engine_cpu_util_scale(const struct eg_engine *e, int cpu)
{
	if (cpu < 0 || cpu >= e->m->nr_cpus || e->m->cpu_pd[cpu] < 0)
		return 0;
	return (uint32_t)((uint64_t)e->m->cpu_cap[cpu] * e->sig.freq_scale[e->m->cpu_pd[cpu]] /
			  EG_CAPACITY_SCALE);
}

uint64_t eg_engine_next_timer(const struct eg_engine *e)
{
	uint64_t t = EG_NEVER;

	for (int i = 0; i < e->m->nr_pds; i++)
		if (e->pd[i].ops && e->pd[i].next_timer < t)
			t = e->pd[i].next_timer;
	return t;
}

uint64_t eg_engine_thermal_interval(const struct eg_engine *e, int zi)
{
	const struct engine_zone *z;

	if (zi < 0 || zi >= e->m->nr_zones)
		return EG_NEVER;
	z = &e->zone[zi];
	if (z->ops && z->ops->interval_ns && z->state)
		return z->ops->interval_ns(z->state);
	return (uint64_t)(z->zone->polling_ms ? z->zone->polling_ms : 1000) * NSEC_PER_MSEC;
}

int eg_engine_idle_select(struct eg_engine *e, int cpu, uint64_t now, uint64_t next_timer_ns,
			  uint32_t latency_req_us)
{
	const struct eg_pd *pd = eg_model_cpu_pd(e->m, cpu);
	struct eg_idle_input in = { 0 };

	if (!pd || !pd->nr_cpu_idle)
		return -1;
	if (!e->cfg.idle || !e->cfg.idle->select || !e->idle_state[cpu])
		return 0;
	in.now = now;
	in.pd = pd;
	in.cpu = cpu;
	in.next_timer_ns = next_timer_ns;
	in.latency_req_us = latency_req_us;
	if (e->iq.cpu[cpu].rt_set && e->cfg.rt_idle_latency_us < in.latency_req_us)
		in.latency_req_us = e->cfg.rt_idle_latency_us;
	return e->cfg.idle->select(e->idle_state[cpu], &in);
}

void eg_engine_idle_reflect(struct eg_engine *e, int cpu, int idx, uint64_t measured_ns)
{
	if (cpu < 0 || cpu >= EG_MAX_CPUS || !e->cfg.idle || !e->cfg.idle->reflect ||
	    !e->idle_state[cpu])
		return;
	e->cfg.idle->reflect(e->idle_state[cpu], idx, measured_ns);
}

void eg_engine_pd_status(const struct eg_engine *e, int pdi, struct eg_pd_status *st)
{
	const struct engine_pd *p;
	int cpu;

	memset(st, 0, sizeof(*st));
	if (pdi < 0 || pdi >= e->m->nr_pds)
		return;
	p = &e->pd[pdi];
	st->cur_khz = p->cur_khz;
	st->req_khz = p->req_khz;
	st->min_khz = p->min_khz;
	st->max_khz = p->max_khz;
	st->cap_khz = p->cap_khz;
	eg_for_each_cpu (cpu, &p->pd->cpus) {
		if (!e->sig.cpu[cpu].online)
			continue;
		st->nr_online++;
		st->util_max = EG_MAX(st->util_max, eg_signals_cpu_util(&e->sig, cpu));
	}
}

const struct eg_signals *eg_engine_signals(const struct eg_engine *e)
{
	return &e->sig;
}

const struct eg_model *eg_engine_model(const struct eg_engine *e)
{
	return e->m;
}
