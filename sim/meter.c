/* The simulator's meters: energy and temperature integrated exactly between
 * events, work done, periodic activations (perf index, jobs for the
 * clairvoyant reference), wakeup latencies, the timeline, and the summary
 * statistics of a run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "util.h"

int sim_values_add(struct sim *s, struct sim_values *v, double x)
{
	if (sim_grow(s, (void **)&v->items, &v->cap, v->nr + 1, sizeof(*v->items), 1024))
		return -ENOMEM;
	v->items[v->nr++] = x;
	return 0;
}

/* Work the CPU's running task did from the last event to t: RUN work at the
 * CPU's speed, RUNTIME wall time, CFS virtual time. */
static void account_work(struct sim *s, int cpu, int pd, uint64_t t)
{
	struct sim_task *task = &s->tasks[s->cpu[cpu].curr];
	uint64_t from = EG_MAX(s->last_account, s->cpu[cpu].waking_until);
	uint64_t d, work;

	if (!task->in_run || t <= from)
		return;
	d = t - from;
	work = task->runtime ? d : d * cpu_speed(s, cpu);
	task->remaining = task->remaining > work ? task->remaining - work : 0;
	if (!task->runtime) {
		task->act.work += work;
		s->result->pd[pd].work += work;
	}
	if (task->policy == EG_SIM_CFS)
		task->vruntime += d * 1024 / task->weight;
}

/* Each thermal zone is an RC circuit driven by the power of the domains it
 * covers: T(t) = Ta + P R + (T0 - Ta - P R) exp(-t / RC). */
static void account_thermal(struct sim *s, const double *pd_power, uint64_t dt, double dt_s)
{
	for (int z = 0; z < s->model->nr_zones; z++) {
		const struct eg_zone *zone = &s->model->zones[z];
		double power = 0, ambient = zone->ambient_mc / 1000.0, tau, steady;
		double t0 = s->zone[z].temp_c;
		double t1;

		for (int k = 0; k < zone->nr_cooled; k++)
			power += pd_power[zone->cooled[k].pd];
		if (zone->rc_resistance <= 0 || zone->rc_capacitance <= 0)
			continue;
		tau = zone->rc_resistance * zone->rc_capacitance;
		steady = ambient + power * zone->rc_resistance;
		t1 = steady + (t0 - steady) * exp(-dt_s / tau);
		s->zone[z].temp_c = t1;
		if ((int32_t)(t1 * 1000) > s->result->peak_temp_mc[z])
			s->result->peak_temp_mc[z] = (int32_t)(t1 * 1000);
		if (zone->nr_trips && t1 * 1000 >= zone->trips[0].temp_mc)
			s->result->above_trip_ns[z] += dt;
	}
}

/* Busy power of the OPP for each running (or waking) CPU, idle-state power
 * for idle CPUs, domain power while any CPU of the domain is active,
 * cluster idle power when not; held constant since the last event. */
void sim_account(struct sim *s, uint64_t t)
{
	double dt_s;
	uint64_t dt = t - s->last_account;
	double pd_power[EG_MAX_PDS] = { 0 };
	double total = 0;
	int cpu;

	if (t <= s->last_account)
		return;
	dt_s = (double)dt / 1e9;
	for (int i = 0; i < s->model->nr_pds; i++) {
		const struct eg_pd *pd = &s->model->pds[i];
		struct sim_pd *p = &s->pd[i];
		const struct eg_opp *opp = &pd->opps[p->opp];
		bool any_active = false;
		double busy = 0, idle = 0, dom = 0;

		eg_for_each_cpu(cpu, &pd->cpus) {
			struct sim_cpu *c = &s->cpu[cpu];

			if (!c->online)
				continue;
			if (c->curr >= 0 || c->waking_until > s->last_account) {
				any_active = true;
				busy += (double)opp->power_uw;
			} else if (pd->nr_cpu_idle && c->idle_idx >= 0) {
				/* With its cluster powered down a CPU is off, whatever
				 * state it asked for. */
				int idx = p->cluster_idx >= 0 ? pd->nr_cpu_idle - 1 : c->idle_idx;

				idle += (double)pd->cpu_idle[idx].power_uw;
			}
			if (c->curr >= 0)
				account_work(s, cpu, i, t);
		}
		if (any_active)
			dom = (double)opp->pd_power_uw;
		else if (p->cluster_idx >= 0)
			dom = (double)pd->cluster_idle[p->cluster_idx].power_uw;
		pd_power[i] = (busy + idle + dom) / 1e6;
		s->result->busy_j += busy / 1e6 * dt_s;
		s->result->idle_j += idle / 1e6 * dt_s;
		s->result->domain_j += dom / 1e6 * dt_s;
		s->result->pd[i].energy_j += pd_power[i] * dt_s;
		s->result->pd[i].time_in_opp_ns[p->opp] += dt;
		total += pd_power[i];
	}
	s->result->energy_j += total * dt_s;
	account_thermal(s, pd_power, dt, dt_s);
	s->last_account = t;
}

/* End of an activation at a TIMER op: record perf index and the job. */
void sim_close_activation(struct sim *s, struct sim_task *t, uint64_t next_period,
			  uint64_t period)
{
	struct eg_sim_job *job;
	double slack;

	if (!t->act.open)
		return;
	t->act.open = false;
	s->result->activations++;
	s->result->busy_span_ns += s->now - t->act.start;
	sim_record_response(s, t);
	slack = (double)next_period - (double)s->now;
	if (slack < 0)
		s->result->missed++;
	if (period > t->act.nominal_ns)
		sim_values_add(s, &s->perf_index, slack / (double)(period - t->act.nominal_ns));
	if (!s->config->record_jobs || !t->act.work)
		return;
	if (sim_grow(s, (void **)&s->result->jobs, &s->cap_jobs, (size_t)s->result->nr_jobs + 1,
		     sizeof(*s->result->jobs), 1024))
		return;
	job = &s->result->jobs[s->result->nr_jobs++];
	job->release = t->act.start;
	job->deadline = EG_MAX(next_period, t->act.start + 1);
	job->work = t->act.work;
	job->pd = (int16_t)(t->cpu >= 0 ? cpu_pd(s, t->cpu)->id : 0);
	job->task = (int16_t)t->desc_idx;
}

void sim_sample(struct sim *s)
{
	struct eg_sim_sample *sm;

	if (sim_grow(s, (void **)&s->result->samples, &s->cap_samples,
		     (size_t)s->result->nr_samples + 1, sizeof(*s->result->samples), 1024))
		return;
	sm = &s->result->samples[s->result->nr_samples++];
	memset(sm, 0, sizeof(*sm));
	sm->t = s->now;
	for (int i = 0; i < s->model->nr_pds; i++) {
		struct eg_pd_status st;

		eg_engine_pd_status(s->engine, i, &st);
		sm->khz[i] = s->model->pds[i].opps[s->pd[i].opp].khz;
		sm->util[i] = st.util_max;
		sm->cap_khz[i] = s->pd[i].cap_khz;
	}
	for (int z = 0; z < s->model->nr_zones; z++)
		sm->temp_mc[z] = (int32_t)(s->zone[z].temp_c * 1000);
	sm->power_w = 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void sort_values(struct sim_values *v)
{
	/* qsort wants a non-null base even for zero elements. */
	if (v->nr)
		qsort(v->items, v->nr, sizeof(double), cmp_double);
}

/* Nearest-rank percentile of sorted values. */
static double percentile(const struct sim_values *v, double pct)
{
	size_t k;

	if (!v->nr)
		return 0;
	k = (size_t)ceil(pct / 100.0 * (double)v->nr);
	if (k == 0)
		k = 1;
	return v->items[k - 1];
}

void sim_finish(struct sim *s)
{
	struct eg_sim_result *r = s->result;
	double sum = 0;

	sort_values(&s->perf_index);
	sort_values(&s->lat_rt);
	sort_values(&s->lat_cfs);
	sort_values(&s->resp_rt);
	sort_values(&s->resp_cfs);
	for (size_t i = 0; i < s->perf_index.nr; i++)
		sum += s->perf_index.items[i];
	r->perf_index_mean = s->perf_index.nr ? sum / (double)s->perf_index.nr : 0;
	r->perf_index_p5 = percentile(&s->perf_index, 5);
	r->lat_rt_p50_us = percentile(&s->lat_rt, 50);
	r->lat_rt_p99_us = percentile(&s->lat_rt, 99);
	r->lat_cfs_p50_us = percentile(&s->lat_cfs, 50);
	r->lat_cfs_p99_us = percentile(&s->lat_cfs, 99);
	r->lat_rt_n = s->lat_rt.nr;
	r->lat_cfs_n = s->lat_cfs.nr;
	r->resp_rt_p50_us = percentile(&s->resp_rt, 50);
	r->resp_rt_p99_us = percentile(&s->resp_rt, 99);
	r->resp_cfs_p50_us = percentile(&s->resp_cfs, 50);
	r->resp_cfs_p99_us = percentile(&s->resp_cfs, 99);
	r->resp_rt_n = s->resp_rt.nr;
	r->resp_cfs_n = s->resp_cfs.nr;
	if (s->nr_alive > 0)
		r->completion_ns = 0;
}
