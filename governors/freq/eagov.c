// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov: the project's own energy-aware frequency policy. It asks for the
 * capacity schedutil would (util with headroom, uclamp), then spends it
 * where the energy model says it is cheapest: among the OPPs that provide
 * at least that capacity it picks the one with the least estimated power,
 * counting busy, static, idle-state and cluster power over the busy and
 * idle periods it has learnt, so it races to idle only where that pays. RT
 * tasks it has seen activate get the capacity their work needs (within a
 * share of their period, and within a bound on their response time)
 * instead of the top OPP, at their wakeup. A domain whose CPUs all idle,
 * long enough and outside a cluster state, drops to its lowest OPP. Each
 * mechanism is a tunable, so the benchmark can show what each one brings. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "iowait.h"
#include "policy.h"
#include "util.h"

struct ea_tunables {
	uint32_t rate_limit_us;
	uint32_t headroom_pct;
	bool energy_opp;
	bool rt_fit;
	uint32_t rt_fill_pct;
	uint32_t rt_stretch_pct;
	bool rt_clamp;
	bool cfs_fit;
	uint32_t cfs_fill_pct;
	uint32_t cfs_fit_window_ms;
	bool idle_drop;
	uint32_t idle_drop_x;
	uint32_t idle_drop_pct;
	bool iowait_boost;
	bool fast_raise;
	bool idle_qos;
	uint32_t idle_qos_pct;
};

static const struct eg_tunable ea_tunables_table[] = {
	{ .name = "rate_limit_us",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ea_tunables, rate_limit_us),
	  .min = 0,
	  .max = 1000000,
	  .def = "0",
	  .unit = "us",
	  .help = "least time between two lowerings of the frequency; 0 = the driver's "
		  "transition delay (as schedutil derives it). Raising is never held back" },
	{ .name = "headroom_pct",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ea_tunables, headroom_pct),
	  .min = 100,
	  .max = 200,
	  .def = "125",
	  .unit = "%",
	  .help = "least capacity asked for, as a percentage of util (schedutil's 125, so "
		  "that no task gets less than under schedutil)" },
	{ .name = "energy_opp",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ea_tunables, energy_opp),
	  .def = "yes",
	  .unit = "",
	  .help = "among the OPPs that provide the capacity asked for, run at the one the "
		  "energy model says costs least for the work (busy, static, idle and cluster "
		  "power); no: the lowest, as schedutil" },
	{ .name = "rt_fit",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ea_tunables, rt_fit),
	  .def = "yes",
	  .unit = "",
	  .help = "an RT task with a periodic history gets the capacity that finishes its "
		  "activation within rt_fill_pct of its period, at its wakeup; no: every RT "
		  "task runs at the top OPP" },
	{ .name = "rt_fill_pct",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ea_tunables, rt_fill_pct),
	  .min = 5,
	  .max = 100,
	  .def = "50",
	  .unit = "%",
	  .help = "share of an RT task's period its activation may take (lower: more margin "
		  "and shorter response times, more energy)" },
	{ .name = "cfs_fit",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ea_tunables, cfs_fit),
	  .def = "no",
	  .unit = "",
	  .help = "a CPU whose queued CFS tasks all have a periodic history runs them just in "
		  "time: the capacity that finishes each activation's work within cfs_fill_pct "
		  "of its period, known at the wakeup, instead of util with headroom" },
	{ .name = "cfs_fill_pct",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ea_tunables, cfs_fill_pct),
	  .min = 5,
	  .max = 100,
	  .def = "80",
	  .unit = "%",
	  .help = "share of a periodic CFS task's period its activation may take" },
	{ .name = "cfs_fit_window_ms",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ea_tunables, cfs_fit_window_ms),
	  .min = 1,
	  .max = 10000,
	  .def = "32",
	  .unit = "ms",
	  .help = "a CPU busy without a break for longer than this is saturated: its tasks "
		  "are late, no longer sleep and so no longer teach their period; it is "
		  "served by util with headroom until it idles again (default: PELT's "
		  "half-life)" },
	{ .name = "rt_stretch_pct",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ea_tunables, rt_stretch_pct),
	  .min = 0,
	  .max = 1000,
	  .def = "20",
	  .unit = "%",
	  .help = "how much longer than at the top OPP a known RT task's response (its "
		  "measured wakeup latency plus its run) may become; the capacity that keeps "
		  "it there is a floor under rt_fill_pct's" },
	{ .name = "rt_clamp",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ea_tunables, rt_clamp),
	  .def = "no",
	  .unit = "",
	  .help = "give an RT task with a periodic history a uclamp_min of the capacity it "
		  "needs, so that the kernel's RT placement (which fits uclamp_min; its default "
		  "for RT is 1024, the biggest CPU) follows its real need; a task that loses "
		  "its history gets its own clamp back. Off by default: the clamp also floors "
		  "this policy's own choice on a smaller CPU, and QoS was worse in one more "
		  "run with it (eagov-bench --kernel-uclamp)" },
	{ .name = "idle_drop",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ea_tunables, idle_drop),
	  .def = "yes",
	  .unit = "",
	  .help = "when every CPU of the domain is idle, drop to the cheapest OPP (the "
		  "domain's leakage and power follow the voltage while it idles)" },
	{ .name = "idle_drop_x",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ea_tunables, idle_drop_x),
	  .min = 0,
	  .max = 10000,
	  .def = "20",
	  .unit = "x",
	  .help = "drop an idle domain only when its idle periods last, on average, this many "
		  "transition latencies" },
	{ .name = "idle_drop_pct",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ea_tunables, idle_drop_pct),
	  .min = 0,
	  .max = 1000,
	  .def = "10",
	  .unit = "%",
	  .help = "drop an idle domain only when a transition latency is at most this share of "
		  "its average busy period (the slow start it costs the next one)" },
	{ .name = "iowait_boost",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ea_tunables, iowait_boost),
	  .def = "yes",
	  .unit = "",
	  .help = "boost CPUs whose tasks keep waking from I/O waits, as schedutil does" },
	{ .name = "fast_raise",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ea_tunables, fast_raise),
	  .def = "yes",
	  .unit = "",
	  .help = "raise the frequency at once, past the rate limit, whenever more capacity "
		  "is needed (no: only for RT and boosted wakeups, as the rate limit's "
		  "purpose is to let the last change settle)" },
	{ .name = "idle_qos",
	  .type = EG_TUN_BOOL,
	  .offset = offsetof(struct ea_tunables, idle_qos),
	  .def = "yes",
	  .unit = "",
	  .help = "a CPU that goes idle with a known RT (or boosted) task due to wake there "
		  "before the domain's deepest idle state breaks even gets a resume-latency "
		  "limit that keeps it (and its cluster) in the states that do; otherwise the "
		  "idle governor chooses freely" },
	{ .name = "idle_qos_pct",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct ea_tunables, idle_qos_pct),
	  .min = 1,
	  .max = 1000,
	  .def = "100",
	  .unit = "%",
	  .help = "a state breaks even on a sleep this share of its target residency long "
		  "(above 100: deep states are kept off longer sleeps too, trading energy for "
		  "wakeup latency)" },
	EG_TUNABLE_END,
};

struct ea_cpu {
	int cpu;
	uint64_t last_idle;	  /* when the CPU was last seen idle */
	bool was_idle;		  /* as last seen */
	uint64_t edge;		  /* when it last went idle or busy; 0 = not seen */
	uint64_t busy_avg_ns;	  /* its busy periods, moving average */
	uint64_t idle_avg_ns;	  /* and its idle periods */
	uint64_t seen_idle_calls; /* its idle entries then */
	struct eg_iowait iowait;
};

struct ea_state {
	const struct eg_pd *pd;
	struct ea_tunables tun;
	uint64_t rate_limit_ns;
	bool changed_once;
	uint64_t last_change;
	uint64_t idle_start;  /* when every CPU of the domain last went idle; 0 = busy */
	uint64_t busy_start;  /* when one of them last woke from that; 0 = idle */
	uint64_t idle_avg_ns; /* how long the domain's idle periods last, moving average */
	uint64_t busy_avg_ns; /* and its busy periods */
	uint32_t next_khz;
	uint64_t retry_at; /* a change the rate limit held, due then; EG_NEVER = none */
	int nr;
	struct ea_cpu cpu[];
};

static uint64_t ea_avg(uint64_t avg, uint64_t sample)
{
	return avg ? avg - (avg >> 2) + (sample >> 2) : sample;
}

static uint32_t ea_max_cap(const struct eg_pd *pd)
{
	return pd->max_cap ? pd->max_cap : EG_CAPACITY_SCALE;
}

/* The capacity one CPU needs, and (in *demand) the work it expects per unit
 * of time, which the energy estimate spreads over busy and idle time. */
static uint32_t ea_cpu_perf(const struct ea_state *s, const struct eg_freq_cpu *c, uint32_t boost,
			    bool saturated, uint32_t *demand)
{
	uint32_t max_cap = ea_max_cap(s->pd);
	uint32_t util = EG_MIN(c->util, max_cap);
	uint64_t perf;

	*demand = util;
	perf = (uint64_t)EG_MAX(util, boost) * s->tun.headroom_pct / 100;
	if (s->tun.cfs_fit && c->cfs_demand && !c->nr_cfs_unknown && !boost && !saturated) {
		/* Every queued CFS task is periodic and known: serve the
		 * work their next activations will bring, not what PELT
		 * has seen of the last ones. */
		uint64_t jit = (uint64_t)c->cfs_demand * 100 / s->tun.cfs_fill_pct;

		/* Never under what the CPU is measured to do: a task that
		 * falls behind stops sleeping, its period and work stop
		 * being learnt, and only its util shows the overload. */
		perf = EG_MAX(jit, (uint64_t)util);
	}
	if (c->rt_runnable) {
		if (!s->tun.rt_fit || c->nr_rt_unknown || !c->rt_demand) {
			perf = max_cap;
		} else {
			uint64_t rt = (uint64_t)c->rt_demand * 100 / s->tun.rt_fill_pct;

			rt = EG_MAX(rt, (uint64_t)eg_task_activity_stretch_need(
						c->rt_work_ns, c->rt_lat_ns, s->tun.rt_stretch_pct,
						max_cap));
			perf = EG_MAX(perf, rt);
		}
	}
	perf = EG_MIN(perf, max_cap);
	perf = EG_MIN(perf, (uint64_t)c->uclamp_max);
	perf = EG_MAX(perf, (uint64_t)c->uclamp_min);
	return (uint32_t)perf;
}

/* The deepest CPU idle state an idle period of idle_ns pays for: the
 * target residency is where a state breaks even with the shallower one. */
static int ea_idle_state(const struct eg_pd *pd, double idle_ns)
{
	int k = 0;

	for (int i = 1; i < pd->nr_cpu_idle; i++)
		if ((double)eg_idle_residency_ns(pd, i) <= idle_ns)
			k = i;
	return k;
}

/* Estimated power of the domain at OPP k. Each CPU is busy for demand /
 * perf(k) of the time at busy and static power. Its idle time comes in
 * periods as long as it has learnt (its busy-plus-idle cycle, with the busy
 * part shrinking as k rises), so each idle period is spent in the deepest
 * state that period pays for, at that state's power plus its entry and
 * exit energy once per cycle. A CPU with no cycle learnt yet idles in its
 * shallowest state, which racing cannot improve. The domain draws its own
 * power while any CPU runs, and while all idle when it has no cluster
 * state (the CPUs' idle taken as independent). */
static double ea_power(const struct ea_state *s, const struct eg_freq_input *in, int k,
		       const uint32_t *demand)
{
	const struct eg_pd *pd = s->pd;
	const struct eg_opp *o = &pd->opps[k];
	double all_idle = 1.0, p = 0.0, dom, dom_cycle;

	for (int i = 0; i < s->nr; i++) {
		const struct ea_cpu *ec = &s->cpu[i];
		double b, idle_uw = 0.0, cycle = (double)(ec->busy_avg_ns + ec->idle_avg_ns);
		int st = 0;

		if (!in->cpu[ec->cpu].online)
			continue;
		b = o->perf ? (double)demand[i] / o->perf : 1.0;
		if (b > 1.0)
			b = 1.0;
		if (pd->nr_cpu_idle) {
			if (ec->busy_avg_ns && ec->idle_avg_ns)
				st = ea_idle_state(pd, (1.0 - b) * cycle);
			idle_uw = (double)pd->cpu_idle[st].power_uw;
			if (st > 0 && b < 1.0)
				idle_uw +=
					pd->cpu_idle[st].transition_uj * 1e9 / ((1.0 - b) * cycle);
		}
		p += b * (double)(o->power_uw + o->static_uw) + (1.0 - b) * idle_uw;
		all_idle *= 1.0 - b;
	}
	/* The cluster state is used when the domain's idle periods, which
	 * racing lengthens like the CPUs' own, reach its residency; its entry
	 * and exit energy is paid once per domain cycle. */
	dom = (double)(o->pd_power_uw + o->pd_static_uw);
	dom_cycle = (double)(s->busy_avg_ns + s->idle_avg_ns);
	if (pd->nr_cluster_idle && s->busy_avg_ns && s->idle_avg_ns && all_idle > 0.0 &&
	    all_idle * dom_cycle >= (double)pd->cluster_idle[0].residency_us * NSEC_PER_USEC)
		p += dom * (1.0 - all_idle) + all_idle * (double)pd->cluster_idle[0].power_uw +
		     eg_pd_cluster_transition_uj(pd, 0, k) * 1e9 / dom_cycle;
	else
		p += dom;
	return p;
}

/* Learn each CPU's busy and idle periods from what the engine shows at
 * every update (it calls on every switch of the domain's CPUs). */
static void ea_learn_cycles(struct ea_state *s, const struct eg_freq_input *in)
{
	for (int i = 0; i < s->nr; i++) {
		struct ea_cpu *ec = &s->cpu[i];
		const struct eg_freq_cpu *c = &in->cpu[ec->cpu];

		if (!c->online || c->idle == ec->was_idle)
			continue;
		if (ec->edge && in->now > ec->edge) {
			uint64_t d = in->now - ec->edge;

			if (c->idle)
				ec->busy_avg_ns = ea_avg(ec->busy_avg_ns, d);
			else
				ec->idle_avg_ns = ea_avg(ec->idle_avg_ns, d);
		}
		ec->was_idle = c->idle;
		ec->edge = in->now;
	}
}

/* The lowest OPP within the limits that provides perf, then, with
 * energy_opp, the cheapest one at or above it. */
static uint32_t ea_choose(const struct ea_state *s, const struct eg_freq_input *in, uint32_t perf,
			  const uint32_t *demand)
{
	const struct eg_pd *pd = s->pd;
	uint64_t fmax = eg_freq_cpuinfo_max_khz(pd);
	uint64_t target = fmax * perf / ea_max_cap(pd);
	int lo = eg_pd_opp_ceil(pd, target > UINT32_MAX ? UINT32_MAX : (uint32_t)target,
				in->min_khz, in->max_khz, true);
	int best;
	double best_p;

	if (lo < 0)
		return in->max_khz;
	if (!s->tun.energy_opp)
		return pd->opps[lo].khz;
	best = lo;
	best_p = ea_power(s, in, lo, demand);
	for (int k = lo + 1; k < pd->nr_opps && pd->opps[k].khz <= in->max_khz; k++) {
		double p;

		if (pd->opps[k].inefficient)
			continue;
		p = ea_power(s, in, k, demand);
		if (p < best_p) {
			best_p = p;
			best = k;
		}
	}
	return pd->opps[best].khz;
}

static bool ea_all_idle(const struct ea_state *s, const struct eg_freq_input *in)
{
	for (int i = 0; i < s->nr; i++) {
		const struct eg_freq_cpu *c = &in->cpu[s->cpu[i].cpu];

		if (c->online && !c->idle)
			return false;
	}
	return true;
}

/* Dropping the frequency of an idle domain saves the difference in its
 * leakage and domain power for as long as it stays idle, and costs the next
 * busy period its start: it runs at the low OPP until the raise takes
 * effect, one transition latency later. So the policy learns how long the
 * domain's idle and busy periods last, and drops only when an idle period
 * outlasts idle_drop_x transition latencies and the latency is at most
 * idle_drop_pct of a busy period (what the slow start may cost the work
 * that wakes it). */
static bool ea_idle_drop(struct ea_state *s, const struct eg_freq_input *in)
{
	bool idle = ea_all_idle(s, in);
	uint64_t lat = s->pd->transition_latency_ns ? s->pd->transition_latency_ns : NSEC_PER_USEC;
	uint64_t now = in->now ? in->now : 1;

	if (idle && !s->idle_start) {
		if (s->busy_start && now > s->busy_start)
			s->busy_avg_ns = ea_avg(s->busy_avg_ns, now - s->busy_start);
		s->idle_start = now;
		s->busy_start = 0;
	} else if (!idle && !s->busy_start) {
		if (s->idle_start && now > s->idle_start)
			s->idle_avg_ns = ea_avg(s->idle_avg_ns, now - s->idle_start);
		s->busy_start = now;
		s->idle_start = 0;
	}
	/* A domain whose idle periods reach its cluster state draws neither
	 * its power nor its leakage there: dropping would only cost the
	 * transitions. */
	if (s->pd->nr_cluster_idle &&
	    s->idle_avg_ns >= (uint64_t)s->pd->cluster_idle[0].residency_us * NSEC_PER_USEC)
		return false;
	return idle && s->tun.idle_drop && s->idle_avg_ns >= lat * s->tun.idle_drop_x &&
	       lat * 100 <= s->busy_avg_ns * s->tun.idle_drop_pct;
}

static int ea_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct ea_state *s = state;
	uint32_t demand[EG_MAX_CPUS];
	uint32_t perf = 0, khz;
	bool rt_wake, held;

	if (!s || !in || !out || !in->cpu)
		return -EINVAL;
	for (int i = 0; i < s->nr; i++) {
		struct ea_cpu *ec = &s->cpu[i];
		const struct eg_freq_cpu *c = &in->cpu[ec->cpu];
		bool updated = ec->cpu == in->trigger_cpu || c->iowait;
		uint32_t boost;

		demand[i] = 0;
		if (!c->online)
			continue;
		if (updated)
			eg_iowait_update(&ec->iowait, in->now, c->iowait, s->tun.iowait_boost);
		boost = eg_iowait_apply(&ec->iowait, in->now, ea_max_cap(s->pd));
		if (c->idle || c->idle_calls != ec->seen_idle_calls || !ec->last_idle) {
			ec->last_idle = in->now;
			ec->seen_idle_calls = c->idle_calls;
		}
		perf = EG_MAX(perf, ea_cpu_perf(s, c, boost,
						in->now - ec->last_idle >
							(uint64_t)s->tun.cfs_fit_window_ms *
								NSEC_PER_MSEC,
						&demand[i]));
	}
	/* A boosted task (eagovctl boost) is not RT: the engine says so by the
	 * reason alone, and it gets the top OPP as the engine's fast ramp
	 * would give it. */
	rt_wake = in->reason == EG_REASON_RT;
	if (rt_wake && in->trigger_cpu >= 0 && !in->cpu[in->trigger_cpu].rt_runnable)
		perf = ea_max_cap(s->pd);

	ea_learn_cycles(s, in);
	if (ea_idle_drop(s, in))
		khz = in->min_khz;
	else
		khz = ea_choose(s, in, perf, demand);

	/* Lowering waits for the rate limit (the driver's delay); raising
	 * never does: a CPU that needs capacity should not wait for it. */
	held = s->changed_once && (khz < s->next_khz || (!rt_wake && !s->tun.fast_raise)) &&
	       !in->limits_changed && in->now >= s->last_change &&
	       in->now - s->last_change < s->rate_limit_ns;
	/* A held change is tried again when the limit expires: nothing else
	 * may call before then (an idle domain has no updates), and the
	 * frequency would stay where the last busy period left it. */
	s->retry_at = held ? s->last_change + s->rate_limit_ns : EG_NEVER;
	if (held || (s->changed_once && khz == s->next_khz && !in->limits_changed))
		return 0;
	out->urgent = rt_wake && s->changed_once && khz > s->next_khz &&
		      in->now - s->last_change < s->rate_limit_ns;
	s->next_khz = khz;
	s->last_change = in->now;
	s->changed_once = true;
	out->khz = khz;
	return 1;
}

/* RT tasks only: a CFS task's clamp is its owner's to set (app hints), while
 * an RT task's default clamp is the kernel's blanket 1024 that its history
 * can replace. An RT task that loses its periodic history is answered
 * (0, 1024), which the platform and the simulator read as "the clamp the
 * task had before the first hint", the kernel's RT default included. */
static bool ea_task_clamp(const void *state, const struct eg_task_activity *act, int prio,
			  uint32_t *min, uint32_t *max)
{
	const struct ea_state *s = state;
	uint32_t need;

	if (!s->tun.rt_clamp || !s->tun.rt_fit || prio >= 100)
		return false;
	need = eg_task_activity_need(act, s->tun.rt_fill_pct);
	if (need)
		need = EG_MAX(need, eg_task_activity_stretch_need(act->act_work_ns, act->act_lat_ns,
								  s->tun.rt_stretch_pct,
								  EG_CAPACITY_SCALE));
	*min = need;
	*max = EG_CAPACITY_SCALE;
	return true;
}

static int ea_init(void **state, const struct eg_pd *pd, const void *tunables)
{
	struct ea_state *s;
	int nr = eg_cpumask_weight(&pd->cpus);
	int k = 0, cpu;

	if (!state || !pd || pd->nr_opps == 0)
		return -EINVAL;
	s = calloc(1, sizeof(*s) + (size_t)nr * sizeof(s->cpu[0]));
	if (!s)
		return -ENOMEM;
	s->pd = pd;
	eg_tunables_init(ea_tunables_table, &s->tun, tunables, sizeof(s->tun));
	s->rate_limit_ns = (uint64_t)(s->tun.rate_limit_us ? s->tun.rate_limit_us :
							     eg_freq_transition_delay_us(pd)) *
			   NSEC_PER_USEC;
	eg_for_each_cpu (cpu, &pd->cpus)
		s->cpu[k++].cpu = cpu;
	s->nr = nr;
	s->retry_at = EG_NEVER;
	*state = s;
	return 0;
}

static void ea_exit(void *state)
{
	free(state);
}

static uint64_t ea_next_timer(const void *state)
{
	return ((const struct ea_state *)state)->retry_at;
}

/* One OPP step in util at this policy's headroom (its choice moves by at
 * least one OPP from there), as schedutil states it; the idle drop and the
 * held-change retry come through the idle transitions and the timer. */
static uint32_t ea_util_delta(const void *state, const struct eg_pd *pd)
{
	return eg_freq_util_delta_at(pd, ((const struct ea_state *)state)->tun.headroom_pct);
}

static uint32_t ea_idle_qos_pct(const void *state)
{
	const struct ea_state *s = state;

	return s->tun.idle_qos ? s->tun.idle_qos_pct : 0;
}

const struct eg_freq_policy_ops eg_freq_eagov = {
	.name = "eagov",
	.summary = "eagov's energy-aware policy: the capacity schedutil asks for, at the OPP the "
		   "energy model says is cheapest; RT tasks served by their history; idle domains "
		   "dropped to their cheapest OPP",
	.tunables = ea_tunables_table,
	.tunables_size = sizeof(struct ea_tunables),
	.on_util_update = true,
	.handles_rt = true,
	.init = ea_init,
	.exit = ea_exit,
	.update = ea_update,
	.next_timer = ea_next_timer,
	.task_clamp = ea_task_clamp,
	.util_delta = ea_util_delta,
	.idle_qos_pct = ea_idle_qos_pct,
	/* Under a thermal cap its domains' periodic tasks come first. */
	.thermal_tunables = "deadline_first=yes",
};
