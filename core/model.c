// SPDX-License-Identifier: GPL-2.0-or-later
/* Machine model: validation and the derived values (capacity, perf, cost,
 * inefficient OPPs), with the kernel's Energy Model arithmetic. */
#include <math.h>
#include <stdio.h>

#include "model.h"
#include "parse.h"
#include "util.h"

int eg_cpumask_weight(const eg_cpumask_t *m)
{
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(m->bits); i++)
		n += __builtin_popcountll(m->bits[i]);
	return n;
}

int eg_cpumask_parse(const char *s, eg_cpumask_t *m)
{
	const char *p = s;

	memset(m, 0, sizeof(*m));
	while (*p) {
		uint64_t lo, hi;
		int rc;

		while (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		rc = eg_parse_u64_prefix(&p, &lo);
		if (rc < 0)
			return rc;
		hi = lo;
		if (*p == '-') {
			p++;
			rc = eg_parse_u64_prefix(&p, &hi);
			if (rc < 0)
				return rc;
		}
		if (*p && *p != ',' && *p != ' ' && *p != '\n' && *p != '\t')
			return -EINVAL;
		if (hi < lo)
			return -EINVAL;
		if (hi >= EG_MAX_CPUS)
			return -ERANGE;
		for (uint64_t c = lo; c <= hi; c++)
			eg_cpumask_set(m, (int)c);
	}
	return 0;
}

void eg_cpumask_format(const eg_cpumask_t *m, char *buf, size_t len)
{
	size_t off = 0;
	int cpu = 0;

	if (len)
		buf[0] = '\0';
	while (cpu < EG_MAX_CPUS) {
		int end;
		int n;

		if (!eg_cpumask_test(m, cpu)) {
			cpu++;
			continue;
		}
		end = cpu;
		while (end + 1 < EG_MAX_CPUS && eg_cpumask_test(m, end + 1))
			end++;
		if (end == cpu)
			n = snprintf(buf + off, len - off, "%s%d", off ? "," : "", cpu);
		else
			n = snprintf(buf + off, len - off, "%s%d-%d", off ? "," : "", cpu, end);
		if (n < 0 || (size_t)n >= len - off)
			return;
		off += (size_t)n;
		cpu = end + 1;
	}
}

void eg_model_init(struct eg_model *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < EG_MAX_CPUS; i++)
		m->cpu_pd[i] = -1;
}

const char *eg_trip_type_name(enum eg_trip_type t)
{
	switch (t) {
	case EG_TRIP_ACTIVE:
		return "active";
	case EG_TRIP_PASSIVE:
		return "passive";
	case EG_TRIP_HOT:
		return "hot";
	case EG_TRIP_CRITICAL:
		return "critical";
	}
	return "?";
}

int eg_trip_type_from_string(const char *s, enum eg_trip_type *out)
{
	static const enum eg_trip_type all[] = { EG_TRIP_ACTIVE, EG_TRIP_PASSIVE, EG_TRIP_HOT,
						 EG_TRIP_CRITICAL };

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		if (eg_streq(s, eg_trip_type_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

uint32_t eg_pd_cap_at(const struct eg_pd *pd, uint32_t khz)
{
	uint32_t fmax = eg_pd_max_khz(pd);

	if (!fmax)
		return 0;
	return (uint32_t)((uint64_t)pd->max_cap * khz / fmax);
}

int eg_pd_opp_index(const struct eg_pd *pd, uint32_t khz)
{
	for (int i = 0; i < pd->nr_opps; i++)
		if (pd->opps[i].khz == khz)
			return i;
	return -1;
}

int eg_pd_opp_ceil(const struct eg_pd *pd, uint32_t target_khz, uint32_t min_khz, uint32_t max_khz,
		   bool skip_inefficient)
{
	int best = -1;
	int highest = -1;

	for (int i = 0; i < pd->nr_opps; i++) {
		uint32_t f = pd->opps[i].khz;

		if (f < min_khz || f > max_khz)
			continue;
		highest = i;
		if (best < 0 && f >= target_khz)
			best = i;
	}
	if (best < 0)
		return highest;
	if (skip_inefficient) {
		/* Move up past inefficient OPPs, as long as an efficient one is
		 * still within the limits; otherwise keep the one we found. */
		for (int i = best; i <= highest; i++) {
			if (!pd->opps[i].inefficient)
				return i;
		}
	}
	return best;
}

int eg_pd_opp_floor(const struct eg_pd *pd, uint32_t target_khz, uint32_t min_khz, uint32_t max_khz)
{
	int best = -1;
	int lowest = -1;

	for (int i = 0; i < pd->nr_opps; i++) {
		uint32_t f = pd->opps[i].khz;

		if (f < min_khz || f > max_khz)
			continue;
		if (lowest < 0)
			lowest = i;
		if (f <= target_khz)
			best = i;
	}
	return best >= 0 ? best : lowest;
}

static int check_idle_list(const struct eg_model *m, const struct eg_pd *pd,
			   const struct eg_idle_state *st, int n, const char *what,
			   struct eg_error *err)
{
	for (int i = 1; i < n; i++) {
		const struct eg_idle_state *s = &st[i], *prev = &st[i - 1];

		if (s->exit_us < prev->exit_us || s->residency_us < prev->residency_us) {
			eg_error_set(err, m->source, s->src_line ? s->src_line : pd->src_line,
				     "domain %s: %s idle state '%s' is deeper than '%s' but has a "
				     "lower exit latency or target residency (%u/%u us < %u/%u us)",
				     pd->name, what, s->name, prev->name, s->exit_us,
				     s->residency_us, prev->exit_us, prev->residency_us);
			return -EINVAL;
		}
	}
	return 0;
}

static int check_pd(const struct eg_model *m, const struct eg_pd *pd, struct eg_error *err)
{
	if (pd->nr_cpus == 0) {
		eg_error_set(err, m->source, pd->src_line, "domain %s has no CPU", pd->name);
		return -EINVAL;
	}
	if (pd->nr_opps == 0) {
		eg_error_set(err, m->source, pd->src_line, "domain %s has no OPP", pd->name);
		return -EINVAL;
	}
	for (int i = 0; i < pd->nr_opps; i++) {
		int line = pd->opps[i].src_line ? pd->opps[i].src_line : pd->src_line;

		if (pd->opps[i].khz == 0) {
			eg_error_set(err, m->source, line, "domain %s: OPP with frequency 0",
				     pd->name);
			return -EINVAL;
		}
		if (i > 0 && pd->opps[i].khz <= pd->opps[i - 1].khz) {
			eg_error_set(err, m->source, line,
				     "domain %s: OPPs are not strictly increasing "
				     "(%u kHz after %u kHz)",
				     pd->name, pd->opps[i].khz, pd->opps[i - 1].khz);
			return -EINVAL;
		}
	}
	if (check_idle_list(m, pd, pd->cpu_idle, pd->nr_cpu_idle, "CPU", err) ||
	    check_idle_list(m, pd, pd->cluster_idle, pd->nr_cluster_idle, "cluster", err))
		return -EINVAL;
	return 0;
}

static int check_zone(const struct eg_model *m, const struct eg_zone *z, struct eg_error *err)
{
	for (int i = 1; i < z->nr_trips; i++) {
		int temp = z->trips[i].temp_mc, prev = z->trips[i - 1].temp_mc;
		int line = z->trips[i].src_line ? z->trips[i].src_line : z->src_line;

		if (temp < prev) {
			eg_error_set(err, m->source, line,
				     "zone %s: trips out of order (%d.%03d C after %d.%03d C)",
				     z->name, temp / 1000, abs(temp % 1000), prev / 1000,
				     abs(prev % 1000));
			return -EINVAL;
		}
	}
	for (int i = 0; i < z->nr_cooled; i++) {
		if (z->cooled[i].pd < 0 || z->cooled[i].pd >= m->nr_pds) {
			eg_error_set(err, m->source, z->src_line, "zone %s cools an unknown domain",
				     z->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* Per-CPU capacity as the kernel's topology code computes it: the raw value
 * capacity-dmips-mhz x max MHz, normalized so the largest is 1024. Domains
 * whose capacity came from sysfs (cpu_capacity) keep it. */
static void compute_capacity(struct eg_model *m)
{
	uint64_t raw_max = 0;
	bool any_dmips = false;

	for (int i = 0; i < m->nr_pds; i++) {
		const struct eg_pd *pd = &m->pds[i];

		if (pd->capacity_dmips_mhz) {
			uint64_t raw = (uint64_t)pd->capacity_dmips_mhz * eg_pd_max_khz(pd);

			any_dmips = true;
			if (raw > raw_max)
				raw_max = raw;
		}
	}
	for (int i = 0; i < m->nr_pds; i++) {
		struct eg_pd *pd = &m->pds[i];

		if (any_dmips && pd->capacity_dmips_mhz) {
			uint64_t raw = (uint64_t)pd->capacity_dmips_mhz * eg_pd_max_khz(pd);

			pd->max_cap = (uint32_t)(raw * EG_CAPACITY_SCALE / raw_max);
		} else if (!pd->max_cap) {
			pd->max_cap = EG_CAPACITY_SCALE;
		}
		if (pd->max_cap == 0)
			pd->max_cap = 1;
	}
}

/* P[uW] = C * V[mV]^2 * f[MHz] / 10^6, as the kernel's OF energy model. */
static uint64_t opp_power_from_coeff(uint32_t coeff, uint32_t mv, uint32_t khz)
{
	uint64_t mhz = khz / 1000;

	return (uint64_t)coeff * mv * mv * mhz / 1000000;
}

/* Cost and inefficiency as in the kernel's em_compute_costs(): walking down
 * from the top, an OPP whose cost is not below that of some higher OPP is
 * inefficient (that higher one does the same work for less energy). */
static void compute_em(struct eg_pd *pd)
{
	uint64_t prev_cost = UINT64_MAX;
	bool have_power = true;

	for (int i = 0; i < pd->nr_opps; i++) {
		struct eg_opp *o = &pd->opps[i];

		o->perf = eg_pd_cap_at(pd, o->khz);
		if (!o->power_uw && pd->dyn_power_coeff && o->mv) {
			o->power_uw = opp_power_from_coeff(pd->dyn_power_coeff, o->mv, o->khz);
			o->power_origin = EG_ORIGIN_COMPUTED;
		}
		if (!o->power_uw)
			have_power = false;
	}
	for (int i = pd->nr_opps - 1; i >= 0; i--) {
		struct eg_opp *o = &pd->opps[i];

		o->inefficient = false;
		o->cost = 0;
		if (!have_power || !o->perf)
			continue;
		o->cost = 10 * o->power_uw / o->perf;
		if (o->cost >= prev_cost)
			o->inefficient = true;
		else
			prev_cost = o->cost;
	}
}

/* Voltage of an OPP relative to the top OPP's: from the voltages when the
 * model has them, else from the dynamic power P = C V^2 f, which gives
 * V / Vtop = sqrt((P / f) / (Ptop / ftop)); 1 when neither is known. */
static double opp_voltage_ratio(const struct eg_pd *pd, const struct eg_opp *o)
{
	const struct eg_opp *top = &pd->opps[pd->nr_opps - 1];
	double per_khz, top_per_khz;

	if (o->mv && top->mv)
		return (double)o->mv / top->mv;
	if (!o->power_uw || !top->power_uw)
		return 1;
	per_khz = (double)o->power_uw / o->khz;
	top_per_khz = (double)top->power_uw / top->khz;
	return sqrt(per_khz / top_per_khz);
}

/* Static power scales with V^3 (leakage current rises about linearly with
 * V over a DVFS range, times V), the form of Arm's IPA static model. */
static void compute_static(struct eg_pd *pd)
{
	for (int i = 0; i < pd->nr_opps; i++) {
		struct eg_opp *o = &pd->opps[i];
		double r = opp_voltage_ratio(pd, o), r3 = r * r * r;

		o->static_uw = (uint64_t)llround((double)pd->cpu_static_uw * r3);
		o->pd_static_uw = (uint64_t)llround((double)pd->pd_static_uw * r3);
	}
}

/* Break-even energy of a list of idle states: staying t us in state k costs
 * P_k t + E_k, so E_k = E_(k-1) + (P_(k-1) - P_k) R_k makes state k cost
 * the same as state k-1 at t = R_k, its target residency. shallow_uw is the
 * power of what precedes state 0 (for CPU states: state 0 is WFI, entered
 * and left for free, so it is its own reference). A deeper state drawing
 * more than the shallower one adds nothing: a transition never gives
 * energy back. */
static double transition_uj(const struct eg_idle_state *st, int idx, double shallow_uw)
{
	double e = 0, prev = shallow_uw;

	for (int k = 0; k <= idx; k++) {
		double gain = (prev - (double)st[k].power_uw) * st[k].residency_us / 1e6;

		if (gain > 0)
			e += gain;
		prev = (double)st[k].power_uw;
	}
	return e;
}

double eg_pd_cluster_transition_uj(const struct eg_pd *pd, int idx, int opp)
{
	const struct eg_opp *o = &pd->opps[opp];

	return transition_uj(pd->cluster_idle, idx, (double)(o->pd_power_uw + o->pd_static_uw));
}

static void compute_idle(struct eg_pd *pd)
{
	for (int i = 0; i < pd->nr_cpu_idle; i++)
		pd->cpu_idle[i].transition_uj =
			transition_uj(pd->cpu_idle, i, (double)pd->cpu_idle[0].power_uw);
}

int eg_model_finalize(struct eg_model *m, struct eg_error *err)
{
	eg_cpumask_t seen = { { 0 } };
	int max_cpu = -1;
	int cpu;

	if (m->nr_pds == 0) {
		eg_error_set(err, m->source, 0, "no performance domain");
		return -EINVAL;
	}
	for (int i = 0; i < EG_MAX_CPUS; i++) {
		m->cpu_pd[i] = -1;
		m->cpu_cap[i] = 0;
	}
	for (int i = 0; i < m->nr_pds; i++) {
		struct eg_pd *pd = &m->pds[i];

		pd->id = i;
		pd->nr_cpus = eg_cpumask_weight(&pd->cpus);
		pd->first_cpu = -1;
		if (check_pd(m, pd, err))
			return -EINVAL;
		eg_for_each_cpu (cpu, &pd->cpus) {
			if (pd->first_cpu < 0)
				pd->first_cpu = cpu;
			if (eg_cpumask_test(&seen, cpu)) {
				eg_error_set(err, m->source, pd->src_line,
					     "CPU %d is in two domains (%s and %s)", cpu,
					     m->pds[m->cpu_pd[cpu]].name, pd->name);
				return -EINVAL;
			}
			eg_cpumask_set(&seen, cpu);
			m->cpu_pd[cpu] = (int8_t)i;
			if (cpu > max_cpu)
				max_cpu = cpu;
		}
		if (!pd->cpuinfo_min_khz)
			pd->cpuinfo_min_khz = eg_pd_min_khz(pd);
		if (!pd->cpuinfo_max_khz)
			pd->cpuinfo_max_khz = eg_pd_max_khz(pd);
	}
	if (m->nr_cpus == 0)
		m->nr_cpus = max_cpu + 1;
	if (max_cpu + 1 > m->nr_cpus) {
		eg_error_set(err, m->source, 0, "CPU %d is in a domain but the device has %d CPUs",
			     max_cpu, m->nr_cpus);
		return -EINVAL;
	}
	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		if (!eg_cpumask_test(&seen, cpu)) {
			eg_error_set(err, m->source, 0, "CPU %d is in no domain", cpu);
			return -EINVAL;
		}
	}
	m->possible = seen;
	for (int i = 0; i < m->nr_zones; i++) {
		m->zones[i].id = i;
		if (check_zone(m, &m->zones[i], err))
			return -EINVAL;
	}
	compute_capacity(m);
	for (int i = 0; i < m->nr_pds; i++) {
		compute_em(&m->pds[i]);
		compute_static(&m->pds[i]);
		compute_idle(&m->pds[i]);
		eg_for_each_cpu (cpu, &m->pds[i].cpus)
			m->cpu_cap[cpu] = m->pds[i].max_cap;
	}
	return 0;
}
