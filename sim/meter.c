// SPDX-License-Identifier: GPL-2.0-or-later
/* The simulator's meters: energy and temperature integrated exactly between
 * events, work done, periodic activations (perf index, jobs for the
 * clairvoyant reference), wakeup latencies, the timeline, and the summary
 * statistics of a run. The energy model (docs/simulator-validation.md):
 * running CPU: busy + static power at the OPP; idle or exiting CPU: its
 * state's power; domain: domain + domain static power at the OPP unless in
 * (or leaving) a cluster state, then that state's power; each exit adds the
 * states' break-even entry + exit energy. */
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
	} else {
		s->result->runtime_ns += d;
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
			if (zone->cooled[k].pd < s->model->nr_pds)
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

/* Part of [from, to) before until, in ns. */
static inline uint64_t overlap_before(uint64_t from, uint64_t to, uint64_t until)
{
	return until <= from ? 0 : EG_MIN(to, until) - from;
}

/* Energy (uW x s) of a domain's CPUs from the last event to t, busy and idle
 * apart: busy and static power of the OPP while a CPU runs; the power of the
 * idle state it left while it exits (the entry and exit energy is charged
 * apart, at the exit); its idle state's power while idle, the deepest when
 * its cluster is off. The sums are taken in CPU order. */
static void pd_cpus_energy(struct sim *s, const struct eg_pd *pd, uint64_t t, double dt_s,
			   double *busy_out, double *idle_out)
{
	const struct sim_pd *p = &s->pd[pd->id];
	const struct eg_opp *opp = &pd->opps[p->opp];
	double run_uw = (double)(opp->power_uw + opp->static_uw);
	int deepest = p->cluster_idx >= 0 ? pd->nr_cpu_idle - 1 : -1;
	const double *idle_uw = s->cpu_idle_uw[pd->id];
	int first = s->pd_cpu_start[pd->id], end = s->pd_cpu_start[pd->id + 1];
	double busy = 0, idle = 0;

	for (int n = first; n < end; n++) {
		int cpu = s->pd_cpu[n];
		const struct sim_cpu *c = &s->cpu[cpu];
		uint64_t exiting;

		if (!c->online)
			continue;
		exiting = overlap_before(s->last_account, t, c->waking_until);
		if (exiting) {
			double exit_s = (double)exiting / 1e9;

			if (c->exit_idx >= 0)
				idle += idle_uw[c->exit_idx] * exit_s;
			if (c->curr >= 0)
				busy += run_uw * (dt_s - exit_s);
		} else if (c->curr >= 0) {
			busy += run_uw * dt_s;
		} else if (pd->nr_cpu_idle && c->idle_idx >= 0) {
			int idx = deepest >= 0 ? deepest : c->idle_idx;

			idle += idle_uw[idx] * dt_s;
		}
		if (c->curr >= 0)
			account_work(s, cpu, pd->id, t);
	}
	*busy_out = busy;
	*idle_out = idle;
}

/* Energy (uW x s) of the domain itself from the last event to t: its
 * cluster state's power while in one or leaving one, else its domain and
 * static power at the OPP, whether its CPUs run or idle. */
static double domain_energy(const struct sim *s, const struct eg_pd *pd, uint64_t t, double dt_s)
{
	const struct sim_pd *p = &s->pd[pd->id];
	const struct eg_opp *opp = &pd->opps[p->opp];
	double on_uw = (double)(opp->pd_power_uw + opp->pd_static_uw);
	uint64_t exiting;
	double exit_s;

	if (p->cluster_idx >= 0)
		return (double)pd->cluster_idle[p->cluster_idx].power_uw * dt_s;
	exiting = overlap_before(s->last_account, t, p->cluster_waking_until);
	if (!exiting)
		return on_uw * dt_s;
	exit_s = (double)exiting / 1e9;
	return (double)pd->cluster_idle[p->cluster_exit_idx].power_uw * exit_s +
	       on_uw * (dt_s - exit_s);
}

/* Energy of each domain from the last event to t, the state held constant
 * since the last event; the thermal zones see its mean power. */
void sim_account(struct sim *s, uint64_t t)
{
	double dt_s;
	uint64_t dt = t - s->last_account;
	/* Filled for the model's domains only: clearing all EG_MAX_PDS at
	 * every event costs more than the sums themselves. */
	double pd_power[EG_MAX_PDS];
	struct eg_sim_result *r = s->result;
	double total = 0;

	if (t <= s->last_account)
		return;
	dt_s = (double)dt / 1e9;
	for (int i = 0; i < s->model->nr_pds; i++) {
		const struct eg_pd *pd = &s->model->pds[i];
		double busy, idle, dom, e;

		pd_cpus_energy(s, pd, t, dt_s, &busy, &idle);
		dom = domain_energy(s, pd, t, dt_s);
		e = (busy + idle + dom) / 1e6;
		pd_power[i] = e / dt_s;
		r->busy_j += busy / 1e6;
		r->idle_j += idle / 1e6;
		r->domain_j += dom / 1e6;
		r->pd[i].energy_j += e;
		r->pd[i].time_in_opp_ns[s->pd[i].opp] += dt;
		total += e;
	}
	r->energy_j += total;
	account_thermal(s, pd_power, dt, dt_s);
	s->last_account = t;
}

void sim_account_idle_exit(struct sim *s, int cpu, int cpu_idx, int cluster_idx)
{
	const struct eg_pd *pd = cpu_pd(s, cpu);
	struct sim_pd *p = &s->pd[pd->id];
	double uj = 0;

	s->cpu[cpu].exit_idx = cpu_idx;
	if (cpu_idx >= 0)
		uj += pd->cpu_idle[cpu_idx].transition_uj;
	if (cluster_idx >= 0) {
		p->cluster_exit_idx = cluster_idx;
		p->cluster_waking_until =
			s->now + (uint64_t)pd->cluster_idle[cluster_idx].exit_us * NSEC_PER_USEC;
		uj += eg_pd_cluster_transition_uj(pd, cluster_idx, p->opp);
	}
	s->result->idle_j += uj / 1e6;
	s->result->pd[pd->id].energy_j += uj / 1e6;
	s->result->energy_j += uj / 1e6;
}

/* End of an activation at a TIMER op: record perf index and the job. */
void sim_close_activation(struct sim *s, struct sim_task *t, uint64_t next_period, uint64_t period)
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

/* A key whose unsigned order is x's order: the sign bit flipped for
 * positives, every bit for negatives. It maps back to x (double_of_key). */
static inline uint64_t double_key(double x)
{
	uint64_t bits;

	memcpy(&bits, &x, sizeof(bits));
	return bits >> 63 ? ~bits : bits | (1ULL << 63);
}

static inline double double_of_key(uint64_t key)
{
	uint64_t bits = key >> 63 ? key & ~(1ULL << 63) : ~key;
	double x;

	memcpy(&x, &bits, sizeof(x));
	return x;
}

/* Sort ascending by an LSD radix sort on the keys, a byte per pass,
 * skipping the bytes all keys share: the samples number hundreds of
 * thousands per run, which a comparison sort spends much of a run's end on.
 * The order is the comparison's as long as equal values have one bit
 * pattern: -0 (equal to +0) or a NaN (unordered) is left to qsort().
 * -ENOMEM or -EDOM, items untouched. */
static int radix_sort(double *items, size_t nr)
{
	size_t count[8][256] = { { 0 } };
	uint64_t *keys, *tmp, *from, *to;

	if (nr < 2)
		return 0;
	for (size_t i = 0; i < nr; i++)
		if (isnan(items[i]) || (items[i] == 0 && signbit(items[i])))
			return -EDOM;
	keys = malloc(2 * nr * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	tmp = keys + nr;
	for (size_t i = 0; i < nr; i++) {
		uint64_t key = double_key(items[i]);

		keys[i] = key;
		for (int b = 0; b < 8; b++)
			count[b][(key >> (8 * b)) & 0xff]++;
	}
	from = keys;
	to = tmp;
	for (int b = 0; b < 8; b++) {
		size_t pos = 0;
		uint64_t *swap;

		if (count[b][(keys[0] >> (8 * b)) & 0xff] == nr)
			continue;
		for (int v = 0; v < 256; v++) {
			size_t c = count[b][v];

			count[b][v] = pos;
			pos += c;
		}
		for (size_t i = 0; i < nr; i++)
			to[count[b][(from[i] >> (8 * b)) & 0xff]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	for (size_t i = 0; i < nr; i++)
		items[i] = double_of_key(from[i]);
	free(keys);
	return 0;
}

static void sort_values(struct sim_values *v)
{
	/* qsort wants a non-null base even for zero elements; it does the
	 * same sort when there is no memory for the radix sort's copy. */
	if (v->nr && radix_sort(v->items, v->nr))
		qsort(v->items, v->nr, sizeof(double), cmp_double);
}

/* Index of the nearest-rank percentile pct of nr values in sorted order. */
static size_t percentile_rank(size_t nr, double pct)
{
	size_t k = (size_t)ceil(pct / 100.0 * (double)nr);

	return k ? k - 1 : 0;
}

/* Nearest-rank percentile of sorted values. */
static double percentile(const struct sim_values *v, double pct)
{
	return v->nr ? v->items[percentile_rank(v->nr, pct)] : 0;
}

/* Put the k-th smallest of a[0..nr) at a[k], no larger value before it and
 * no smaller one after it (Hoare's selection). */
static void select_kth(double *a, size_t nr, size_t k)
{
	size_t lo = 0, hi = nr - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		double x = a[lo], y = a[mid], z = a[hi];
		double pivot = x < y ? (y < z ? y : (x < z ? z : x)) :
				       (x < z ? x : (y < z ? z : y));

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				double t = a[i];

				a[i] = a[j];
				a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j && j < hi)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
}

/* The nearest-rank 50th and 99th percentiles of values that are not kept:
 * two selections (the 50th among the values up to the 99th) cost less
 * than a sort. A -0 or a NaN, which the comparisons cannot place as a
 * sort would, makes it sort. */
static void median_p99(struct sim_values *v, double *p50, double *p99)
{
	size_t k50, k99;

	*p50 = *p99 = 0;
	if (!v->nr)
		return;
	for (size_t i = 0; i < v->nr; i++) {
		if (isnan(v->items[i]) || (v->items[i] == 0 && signbit(v->items[i]))) {
			sort_values(v);
			*p50 = percentile(v, 50);
			*p99 = percentile(v, 99);
			return;
		}
	}
	k50 = percentile_rank(v->nr, 50);
	k99 = percentile_rank(v->nr, 99);
	select_kth(v->items, v->nr, k99);
	*p99 = v->items[k99];
	select_kth(v->items, k99 + 1, k50);
	*p50 = v->items[k50];
}

void sim_finish(struct sim *s)
{
	struct eg_sim_result *r = s->result;
	double sum = 0;

	/* The mean is summed in ascending order. */
	sort_values(&s->perf_index);
	for (size_t i = 0; i < s->perf_index.nr; i++)
		sum += s->perf_index.items[i];
	r->perf_index_mean = s->perf_index.nr ? sum / (double)s->perf_index.nr : 0;
	r->perf_index_p5 = percentile(&s->perf_index, 5);
	median_p99(&s->lat_rt, &r->lat_rt_p50_us, &r->lat_rt_p99_us);
	median_p99(&s->lat_cfs, &r->lat_cfs_p50_us, &r->lat_cfs_p99_us);
	r->lat_rt_n = s->lat_rt.nr;
	r->lat_cfs_n = s->lat_cfs.nr;
	median_p99(&s->resp_rt, &r->resp_rt_p50_us, &r->resp_rt_p99_us);
	median_p99(&s->resp_cfs, &r->resp_cfs_p50_us, &r->resp_cfs_p99_us);
	r->resp_rt_n = s->resp_rt.nr;
	r->resp_cfs_n = s->resp_cfs.nr;
	if (s->nr_alive > 0)
		r->completion_ns = 0;
}
