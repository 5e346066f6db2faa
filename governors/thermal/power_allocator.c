// SPDX-License-Identifier: GPL-2.0-or-later
/* The power_allocator (IPA) thermal policy, after the kernel's
 * drivers/thermal/gov_power_allocator.c with the cpufreq cooling device's
 * power callbacks (drivers/thermal/cpufreq_cooling.c). A PID controller turns
 * the distance to the control temperature into a power budget, which is
 * shared among the cooled domains in proportion to the power they ask for;
 * each domain's share becomes a frequency cap.
 *
 * Units and arithmetic as the kernel: mC, mW, 64-bit fixed point with 10
 * fractional bits, so results repeat bit for bit.
 * - switch_on = first passive trip, control = last passive trip (a single
 *   passive trip is the control one and the policy is always on; with no
 *   passive trip the last active one is used). Below switch_on: no caps and
 *   the PID state is reset. As in the kernel, no hysteresis is applied here.
 * - Sustainable power: the tunable, else the zone's, else an estimate: the
 *   sum over cooled domains of their power at the lowest OPP (all CPUs).
 * - Actor power, per domain: requested = P(cur OPP) x sum of busy % / 100,
 *   max = P(top OPP) x nr_cpus, P per CPU in mW = opps[].power_uw / 1000.
 *   Extension: a domain power (opps[].pd_power_uw) when the model has one is
 *   added to requested (when busy), max and the estimate, and counted when
 *   turning a share into an OPP; the kernel's Energy Model has none.
 * - Share -> cap: the highest OPP at which the domain's present load would
 *   fit the share (the kernel normalises the share by the last load), the
 *   lowest OPP when none fits; the top OPP means no cap.
 * - Domains without power data are not power actors: they are left uncapped
 *   (the kernel refuses to bind such a zone).
 * - eagov's own splits, off by default: efficient_split (capacity per mW)
 *   and deadline_first (each domain's periodic tasks served before it). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "util.h"

#define IPA_FRAC_BITS 10
#define IPA_FRAC_ONE (1LL << IPA_FRAC_BITS)

struct ipa_tunables {
	uint32_t sustainable_power;
	uint32_t k_po, k_pu, k_i, k_d;
	uint32_t integral_cutoff;
	bool efficient_split;
	bool deadline_first;
	bool deadline_cfs;
	uint32_t deadline_fill_pct;
};

static const struct eg_tunable ipa_tunables[] = {
	{ .name = "sustainable_power",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ipa_tunables, sustainable_power),
	  .min = 0,
	  .max = 1000000,
	  .def = "0",
	  .unit = "mW",
	  .help = "power the zone can dissipate at the control temperature; 0 = the zone's, "
		  "else estimated from the lowest OPPs" },
	{ .name = "k_po",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ipa_tunables, k_po),
	  .min = 0,
	  .max = INT32_MAX,
	  .def = "0",
	  .unit = "",
	  .help = "proportional gain above the control temperature, mW/mC << 10 as in sysfs; "
		  "0 = sustainable_power / (control - switch_on)" },
	{ .name = "k_pu",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ipa_tunables, k_pu),
	  .min = 0,
	  .max = INT32_MAX,
	  .def = "0",
	  .unit = "",
	  .help = "proportional gain below the control temperature; 0 = 2 x sustainable_power "
		  "/ (control - switch_on)" },
	{ .name = "k_i",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ipa_tunables, k_i),
	  .min = 0,
	  .max = INT32_MAX,
	  .def = "0",
	  .unit = "",
	  .help = "integral gain; 0 = k_pu / 10" },
	{ .name = "k_d",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ipa_tunables, k_d),
	  .min = 0,
	  .max = INT32_MAX,
	  .def = "0",
	  .unit = "",
	  .help = "derivative gain (0 = none, the kernel's default)" },
	{ .name = "integral_cutoff",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ipa_tunables, integral_cutoff),
	  .min = 0,
	  .max = 1000000,
	  .def = "0",
	  .unit = "mC",
	  .help = "the error is integrated only while control - T is below this" },
	{ .name = "efficient_split",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ipa_tunables, efficient_split),
	  .def = "no",
	  .unit = "",
	  .help = "eagov's split: the budget goes, OPP step by OPP step, to the domain whose "
		  "next step delivers the most capacity its load can use per extra mW, from the "
		  "energy model (no: the kernel's, in proportion to the power each asks for)" },
	{ .name = "deadline_first",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ipa_tunables, deadline_first),
	  .def = "no",
	  .unit = "",
	  .help = "before the efficient split (which this implies) hands out the budget, each "
		  "domain gets the power of the lowest OPP that serves its CPUs' periodic RT "
		  "(and CFS) tasks, as far as the budget goes; a budget short of them all is "
		  "shared in proportion to what each needs above its lowest OPP" },
	{ .name = "deadline_cfs",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ipa_tunables, deadline_cfs),
	  .def = "yes",
	  .unit = "",
	  .help = "deadline_first also counts periodic CFS tasks (no: RT and DL only)" },
	{ .name = "deadline_fill_pct",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ipa_tunables, deadline_fill_pct),
	  .min = 10,
	  .max = 100,
	  .def = "80",
	  .unit = "%",
	  .help = "deadline_first's OPP finishes each activation within this share of its "
		  "period" },
	EG_TUNABLE_END,
};

struct ipa_actor {
	int pd;
	uint32_t load;	       /* sum of busy % over the domain's CPUs */
	uint32_t req_power;    /* mW */
	uint32_t weighted_req; /* mW x weight / 1024 */
	uint32_t max_power;    /* mW */
	uint32_t granted;      /* mW */
	uint32_t extra;	       /* max - granted: room for redistributed power */
	uint32_t weight;
};

struct ipa_zone {
	struct ipa_tunables tun;
	int switch_on_mc; /* valid when has_switch_on */
	bool has_switch_on;
	bool has_control;
	int control_mc;
	uint32_t sustainable_power;
	int64_t k_po, k_pu, k_i, k_d;
	int64_t err_integral; /* fixed point */
	int64_t prev_err;     /* fixed point */
	uint32_t polling_ms, passive_ms;
	bool mitigating;
};

/* Arithmetic shift right, as the kernel's >> on s64, without relying on
 * implementation-defined behaviour: rounds toward minus infinity. */
static int64_t ipa_frac_to_int(int64_t x)
{
	return x >= 0 ? x / IPA_FRAC_ONE : -((-x + IPA_FRAC_ONE - 1) / IPA_FRAC_ONE);
}

static int64_t ipa_mul_frac(int64_t x, int64_t y)
{
	return ipa_frac_to_int(x * y);
}

/* Truncating division, as the kernel's div_s64. */
static int64_t ipa_div_frac(int64_t x, int64_t y)
{
	return x * IPA_FRAC_ONE / y;
}

static uint32_t ipa_mw(uint64_t uw)
{
	return (uint32_t)EG_MIN(uw / 1000, (uint64_t)UINT32_MAX);
}

static bool ipa_pd_has_power(const struct eg_pd *pd)
{
	if (pd->nr_opps < 1)
		return false;
	for (int i = 0; i < pd->nr_opps; i++)
		if (!pd->opps[i].power_uw)
			return false;
	return true;
}

static const struct eg_pd *ipa_actor_pd(const struct eg_model *m, const struct eg_zone *z, int c)
{
	int pd = z->cooled[c].pd;

	if (pd < 0 || pd >= m->nr_pds || !ipa_pd_has_power(&m->pds[pd]))
		return NULL;
	return &m->pds[pd];
}

/* Power of the whole domain at OPP i with every CPU busy. */
static uint32_t ipa_opp_power_all(const struct eg_pd *pd, int i)
{
	uint64_t mw = (uint64_t)ipa_mw(pd->opps[i].power_uw) * (uint64_t)pd->nr_cpus +
		      ipa_mw(pd->opps[i].pd_power_uw);

	return (uint32_t)EG_MIN(mw, (uint64_t)UINT32_MAX);
}

static void ipa_pick_trips(struct ipa_zone *s, const struct eg_zone *z)
{
	int first_passive = -1, last_passive = -1, last_active = -1;

	for (int t = 0; t < EG_MIN(z->nr_trips, EG_MAX_TRIPS); t++) {
		if (z->trips[t].type == EG_TRIP_PASSIVE) {
			if (first_passive < 0)
				first_passive = t;
			else
				last_passive = t;
		} else if (z->trips[t].type == EG_TRIP_ACTIVE) {
			last_active = t;
		}
	}
	if (last_passive >= 0) {
		s->has_switch_on = true;
		s->switch_on_mc = z->trips[first_passive].temp_mc;
		s->has_control = true;
		s->control_mc = z->trips[last_passive].temp_mc;
	} else if (first_passive >= 0 || last_active >= 0) {
		s->has_control = true;
		s->control_mc = z->trips[first_passive >= 0 ? first_passive : last_active].temp_mc;
	}
}

/* The kernel's defaults: k_po = SP / dT, k_pu = 2 SP / dT (recover faster
 * than we throttle), k_i = k_pu / 10, where dT = control - switch_on. Two
 * trips at the same temperature give no dT: the kernel then leaves the gains
 * at 0 and the budget is the sustainable power alone. */
static void ipa_derive_gains(struct ipa_zone *s)
{
	int64_t dt = s->control_mc - (s->has_switch_on ? s->switch_on_mc : 0);
	int64_t k_po = 0, k_pu = 0, k_i = 0;

	if (dt > 0) {
		k_po = (int64_t)s->sustainable_power * IPA_FRAC_ONE / dt;
		k_pu = 2 * (int64_t)s->sustainable_power * IPA_FRAC_ONE / dt;
		k_i = EG_MAX(k_pu / 10, 1);
	}
	s->k_po = s->tun.k_po ? s->tun.k_po : k_po;
	s->k_pu = s->tun.k_pu ? s->tun.k_pu : k_pu;
	s->k_i = s->tun.k_i ? s->tun.k_i : k_i;
	s->k_d = s->tun.k_d;
}

static int ipa_init(void **state, const struct eg_model *m, const struct eg_zone *z,
		    const void *tunables)
{
	struct ipa_zone *s;

	if (!m || !z)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	eg_tunables_init(ipa_tunables, &s->tun, tunables, sizeof(s->tun));
	s->polling_ms = z->polling_ms;
	s->passive_ms = z->passive_ms;
	ipa_pick_trips(s, z);

	s->sustainable_power = s->tun.sustainable_power ? s->tun.sustainable_power :
							  z->sustainable_power_mw;
	if (!s->sustainable_power) {
		/* Running everything at its lowest OPP is the least the zone
		 * must be able to sustain: a working, conservative guess. */
		for (int c = 0; c < EG_MIN(z->nr_cooled, EG_MAX_COOLED); c++) {
			const struct eg_pd *pd = ipa_actor_pd(m, z, c);

			if (pd)
				s->sustainable_power += ipa_opp_power_all(pd, 0);
		}
	}
	ipa_derive_gains(s);
	*state = s;
	return 0;
}

static void ipa_exit(void *state)
{
	free(state);
}

static void ipa_reset_pid(struct ipa_zone *s)
{
	s->err_integral = 0;
	s->prev_err = 0;
}

/* PID on err = control - T. P uses k_pu below the control temperature and
 * the gentler k_po above it. The error is integrated only under
 * integral_cutoff (by default only while overshooting: integrating positive
 * error on an idle system would store up a burst of power) and only while
 * the integral term stays inside the allocatable power (anti-windup). The
 * sustainable power is fed forward: at T = control the budget is SP. */
static uint32_t ipa_pid(struct ipa_zone *s, int temp_mc, uint32_t max_power)
{
	int64_t max_frac = (int64_t)max_power * IPA_FRAC_ONE;
	int64_t err = ((int64_t)s->control_mc - temp_mc) * IPA_FRAC_ONE;
	int64_t p, i, d, range;

	p = ipa_mul_frac(err < 0 ? s->k_po : s->k_pu, err);
	i = ipa_mul_frac(s->k_i, s->err_integral);
	if (err < (int64_t)s->tun.integral_cutoff * IPA_FRAC_ONE) {
		int64_t i_next = i + ipa_mul_frac(s->k_i, err);

		if (llabs(i_next) < max_frac) {
			i = i_next;
			s->err_integral += err;
		}
	}
	/* D damps fast approach to the setpoint; per ms of sampling period. */
	d = ipa_mul_frac(s->k_d, err - s->prev_err);
	if (s->passive_ms)
		d = ipa_div_frac(d, s->passive_ms);
	s->prev_err = err;

	range = (int64_t)s->sustainable_power + ipa_frac_to_int(p + i + d);
	return (uint32_t)EG_CLAMP(range, (int64_t)0, (int64_t)max_power);
}

/* Share the budget in proportion to the weighted requests; an actor given
 * more than its max gives the surplus back, and the surplus is shared again
 * in proportion to how far each actor is from its max. */
static void ipa_divvy(struct ipa_actor *a, int n, uint32_t total_req, uint32_t budget)
{
	uint64_t extra = 0, capped_extra = 0;

	if (!total_req)
		total_req = 1;
	for (int k = 0; k < n; k++) {
		a[k].granted =
			(uint32_t)eg_div_round((uint64_t)a[k].weighted_req * budget, total_req);
		if (a[k].granted > a[k].max_power) {
			extra += a[k].granted - a[k].max_power;
			a[k].granted = a[k].max_power;
		}
		a[k].extra = a[k].max_power - a[k].granted;
		capped_extra += a[k].extra;
	}
	if (!extra || !capped_extra)
		return;
	extra = EG_MIN(extra, capped_extra);
	for (int k = 0; k < n; k++)
		a[k].granted += (uint32_t)eg_div_round((uint64_t)a[k].extra * extra, capped_extra);
}

/* What domain pd draws (mW) at OPP o when its load is demand (capacity
 * units summed over its CPUs): its CPUs busy demand / perf(o) of the time,
 * at most all of it, plus its domain power while it has any load. */
static uint64_t ipa_split_power(const struct eg_pd *pd, uint64_t demand, int o)
{
	uint64_t full = (uint64_t)pd->opps[o].perf * (uint64_t)pd->nr_cpus;
	uint64_t cpu = (uint64_t)ipa_mw(pd->opps[o].power_uw) * (uint64_t)pd->nr_cpus;

	if (!demand)
		return 0;
	if (full && demand < full)
		cpu = cpu * demand / full;
	return cpu + ipa_mw(pd->opps[o].pd_power_uw);
}

static uint64_t ipa_split_delivered(const struct eg_pd *pd, uint64_t demand, int o, bool capped)
{
	uint64_t full = (uint64_t)pd->opps[o].perf * (uint64_t)pd->nr_cpus;

	return capped ? EG_MIN(demand, full) : full;
}

static int ipa_cur_opp(const struct eg_pd *pd, uint32_t khz);

/* One greedy pass: take, while the budget lasts, the OPP step that adds the
 * most delivered capacity per extra mW. */
static void ipa_split_pass(const struct eg_model *m, const struct ipa_actor *a, int n,
			   const uint64_t *demand, uint32_t budget, bool capped, uint64_t *used,
			   int *opp)
{
	for (;;) {
		int best = -1;
		double best_ratio = 0.0;

		for (int k = 0; k < n; k++) {
			const struct eg_pd *pd = &m->pds[a[k].pd];
			uint64_t p0, p1, d0, d1;
			double ratio;

			if (opp[k] >= pd->nr_opps - 1)
				continue;
			d0 = ipa_split_delivered(pd, demand[k], opp[k], capped);
			d1 = ipa_split_delivered(pd, demand[k], opp[k] + 1, capped);
			p0 = ipa_split_power(pd, demand[k], opp[k]);
			p1 = ipa_split_power(pd, demand[k], opp[k] + 1);
			if (d1 <= d0 || *used - p0 + p1 > budget)
				continue;
			ratio = (double)(d1 - d0) / (double)(p1 > p0 ? p1 - p0 : 1);
			if (best < 0 || ratio > best_ratio) {
				best = k;
				best_ratio = ratio;
			}
		}
		if (best < 0)
			return;
		*used -= ipa_split_power(&m->pds[a[best].pd], demand[best], opp[best]);
		opp[best]++;
		*used += ipa_split_power(&m->pds[a[best].pd], demand[best], opp[best]);
	}
}

/* The lowest OPP of pd whose capacity serves the largest per-CPU periodic
 * demand of its CPUs within fill_pct of each period; 0 without demand. */
static int ipa_deadline_opp(const struct ipa_tunables *tun, const struct eg_pd *pd,
			    const struct eg_thermal_input *in)
{
	uint64_t need = 0;
	int cpu;

	eg_for_each_cpu (cpu, &pd->cpus) {
		uint64_t d = in->rt_demand[cpu];

		if (tun->deadline_cfs)
			d += in->cfs_demand[cpu];
		need = EG_MAX(need, d);
	}
	if (!need)
		return 0;
	need = (need * 100 + tun->deadline_fill_pct - 1) / tun->deadline_fill_pct;
	for (int o = 0; o < pd->nr_opps; o++)
		if (pd->opps[o].perf >= need)
			return o;
	return pd->nr_opps - 1;
}

/* Deadline first: raise each domain from its lowest OPP to the one its
 * periodic tasks need (floor[k]) while the budget covers them all. When it
 * does not, the budget left above every domain's lowest OPP is shared in
 * proportion to the power each needs above its lowest OPP, and each domain
 * gets the highest OPP up to its floor within its share. */
static uint64_t ipa_split_above_lowest(const struct eg_pd *pd, uint64_t demand, int o)
{
	uint64_t p = ipa_split_power(pd, demand, o), p0 = ipa_split_power(pd, demand, 0);

	/* An inefficient lowest OPP can cost more than a higher one. */
	return p > p0 ? p - p0 : 0;
}

static void ipa_deadline_floors(const struct eg_model *m, const struct ipa_actor *a, int n,
				const uint64_t *demand, const int *floor, uint32_t budget,
				uint64_t *used, int *opp)
{
	uint64_t extra[EG_MAX_COOLED], want = 0, room;
	bool any = false;

	for (int k = 0; k < n; k++) {
		extra[k] = ipa_split_above_lowest(&m->pds[a[k].pd], demand[k], floor[k]);
		want += extra[k];
		any |= floor[k] > 0;
	}
	if (!any)
		return;
	room = budget > *used ? budget - *used : 0;
	for (int k = 0; k < n; k++) {
		const struct eg_pd *pd = &m->pds[a[k].pd];
		uint64_t share = want <= room ? extra[k] : room * extra[k] / want;
		int o = floor[k];

		while (o > 0 && ipa_split_above_lowest(pd, demand[k], o) > share)
			o--;
		opp[k] = o;
		*used -= ipa_split_power(pd, demand[k], 0);
		*used += ipa_split_power(pd, demand[k], o);
	}
}

/* eagov's split of the budget: every domain starts at its lowest OPP, then
 * the step that adds the most delivered capacity per extra mW is taken,
 * while the budget lasts. A domain's demand is its load at the OPP it runs
 * at; a saturated domain (every CPU busy) would use any capacity. The
 * kernel's split follows the power asked for, which favours the domain
 * that already draws the most; this one favours the capacity a watt buys,
 * so under a cap the efficient CPUs run fast first. Sets each actor's OPP. */
static void ipa_split_efficient(const struct ipa_tunables *tun, const struct eg_model *m,
				const struct eg_thermal_input *in, const struct ipa_actor *a, int n,
				uint32_t budget, int *opp)
{
	uint64_t demand[EG_MAX_COOLED], used = 0;
	int floor[EG_MAX_COOLED];

	for (int k = 0; k < n; k++) {
		const struct eg_pd *pd = &m->pds[a[k].pd];
		int cur = ipa_cur_opp(pd, in->pd[a[k].pd].cur_khz);

		demand[k] = (uint64_t)a[k].load * pd->opps[cur].perf / 100;
		if (a[k].load >= 95U * (uint32_t)pd->nr_cpus)
			demand[k] =
				(uint64_t)pd->opps[pd->nr_opps - 1].perf * (uint64_t)pd->nr_cpus;
		opp[k] = 0;
		floor[k] = tun->deadline_first ? ipa_deadline_opp(tun, pd, in) : 0;
		used += ipa_split_power(pd, demand[k], 0);
	}
	if (tun->deadline_first)
		ipa_deadline_floors(m, a, n, demand, floor, budget, &used, opp);
	/* First what the load can use; then what is left of the budget
	 * raises the caps further, so a domain whose load grows before the
	 * next sample is not held at what it needed before. */
	ipa_split_pass(m, a, n, demand, budget, true, &used, opp);
	ipa_split_pass(m, a, n, demand, budget, false, &used, opp);
}

/* The highest OPP at which the domain, at its present load, draws no more
 * than granted mW; the lowest OPP when none does. */
static int ipa_power_to_opp(const struct eg_pd *pd, uint32_t load, uint32_t granted)
{
	/* An idle domain would draw nothing anywhere; the kernel treats its
	 * load as 1 % so that the share still maps to some OPP. */
	uint64_t l = load ? load : 1;
	int i;

	for (i = pd->nr_opps - 1; i > 0; i--) {
		uint64_t dom = ipa_mw(pd->opps[i].pd_power_uw);

		if (granted >= dom &&
		    (uint64_t)ipa_mw(pd->opps[i].power_uw) * l <= ((uint64_t)granted - dom) * 100)
			break;
	}
	return i;
}

/* The OPP a domain runs at: the lowest at or above khz. */
static int ipa_cur_opp(const struct eg_pd *pd, uint32_t khz)
{
	for (int i = 0; i < pd->nr_opps; i++)
		if (pd->opps[i].khz >= khz)
			return i;
	return pd->nr_opps - 1;
}

static int ipa_update(void *state, const struct eg_thermal_input *in, struct eg_thermal_output *out)
{
	struct ipa_zone *s = state;
	const struct eg_zone *z = in->zone;
	const struct eg_model *m = in->model;
	struct ipa_actor a[EG_MAX_COOLED];
	uint32_t total_weight = 0, total_wreq = 0, max_power = 0, budget;
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (!s->has_control)
		return 0;
	if (s->has_switch_on && in->temp_mc < s->switch_on_mc) {
		s->mitigating = false;
		ipa_reset_pid(s);
		return 0;
	}
	s->mitigating = true;

	for (int c = 0; c < EG_MIN(z->nr_cooled, EG_MAX_COOLED); c++)
		if (ipa_actor_pd(m, z, c))
			total_weight += z->cooled[c].weight;
	for (int c = 0; c < EG_MIN(z->nr_cooled, EG_MAX_COOLED); c++) {
		const struct eg_pd *pd = ipa_actor_pd(m, z, c);
		const struct eg_thermal_pd_input *pin;
		struct ipa_actor *x = &a[n];
		uint64_t req;
		int cur;

		if (!pd)
			continue;
		pin = &in->pd[pd->id];
		x->pd = pd->id;
		x->load = pin->load_pct_sum;
		cur = ipa_cur_opp(pd, pin->cur_khz);
		req = (uint64_t)ipa_mw(pd->opps[cur].power_uw) * x->load / 100;
		if (x->load)
			req += ipa_mw(pd->opps[cur].pd_power_uw);
		x->req_power = (uint32_t)EG_MIN(req, (uint64_t)UINT32_MAX);
		/* No weights configured at all: every actor counts fully. */
		x->weight = total_weight ? z->cooled[c].weight : (uint32_t)IPA_FRAC_ONE;
		x->weighted_req = (uint32_t)(((uint64_t)x->weight * x->req_power) >> IPA_FRAC_BITS);
		x->max_power = ipa_opp_power_all(pd, pd->nr_opps - 1);
		total_wreq += x->weighted_req;
		max_power += x->max_power;
		n++;
	}
	if (!n)
		return 0;

	budget = ipa_pid(s, in->temp_mc, max_power);
	if (s->tun.efficient_split || s->tun.deadline_first) {
		int opp[EG_MAX_COOLED];

		ipa_split_efficient(&s->tun, m, in, a, n, budget, opp);
		for (int k = 0; k < n; k++) {
			const struct eg_pd *pd = &m->pds[a[k].pd];

			out->cap_khz[a[k].pd] = opp[k] == pd->nr_opps - 1 ? 0 :
									    pd->opps[opp[k]].khz;
		}
		return 0;
	}
	ipa_divvy(a, n, total_wreq, budget);
	for (int k = 0; k < n; k++) {
		const struct eg_pd *pd = &m->pds[a[k].pd];
		int opp = ipa_power_to_opp(pd, a[k].load, a[k].granted);

		out->cap_khz[a[k].pd] = opp == pd->nr_opps - 1 ? 0 : pd->opps[opp].khz;
	}
	return 0;
}

static uint64_t ipa_interval_ns(const void *state)
{
	const struct ipa_zone *s = state;

	return eg_thermal_interval_ns(s->polling_ms, s->passive_ms, s->mitigating);
}

const struct eg_thermal_policy_ops eg_thermal_power_allocator = {
	.name = "power_allocator",
	.summary = "PID power budget shared among domains by requested power (IPA)",
	.tunables = ipa_tunables,
	.tunables_size = sizeof(struct ipa_tunables),
	.init = ipa_init,
	.exit = ipa_exit,
	.update = ipa_update,
	.interval_ns = ipa_interval_ns,
};
