// SPDX-License-Identifier: GPL-2.0-or-later
/* Replay of a recording against one governor configuration (see replay.h for
 * what is replayed and how the energy estimate is built), and eagov-bench
 * --replay, which runs each recording against every governor asked for. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "conf.h"
#include "log.h"
#include "replay.h"
#include "util.h"

/* A piece of a CPU's busy timeline: busy fraction f over [t0, t1). */
struct seg {
	uint64_t t0, t1;
	double f;
};

struct seglist {
	struct seg *v;
	size_t n, cap;
};

struct cpu_tl {
	struct seglist sw;  /* from switches: f = 1 while a task runs */
	struct seglist smp; /* from busy samples */
	bool sw_busy;
	uint64_t sw_since;
	uint64_t smp_end; /* end of the last sample's window */
};

/* A domain's frequency over time: khz[k] from t[k] to t[k + 1]. */
struct freq_tl {
	uint64_t *t;
	uint32_t *khz;
	size_t n, cap;
};

struct pending {
	bool set;
	uint64_t t;
	uint32_t khz;
};

struct replay {
	const struct eg_model *m;
	uint64_t t_start, t_end;
	struct cpu_tl *cpu; /* m->nr_cpus entries */
	struct freq_tl freq[EG_MAX_PDS];
	struct pending pend[EG_MAX_PDS];
	uint32_t cur_khz[EG_MAX_PDS];
	struct eg_engine *eng;
	struct eg_decisions dec;
	struct eg_replay_result *res;
	char *err;
	size_t errlen;
};

static int fail(struct replay *rp, int r, const char *fmt, ...) EG_PRINTF(3, 4);

static int fail(struct replay *rp, int r, const char *fmt, ...)
{
	va_list ap;

	if (rp->errlen) {
		va_start(ap, fmt);
		vsnprintf(rp->err, rp->errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

int eg_replay_check(const struct eg_record_info *info, const struct eg_model *m, char *err,
		    size_t errlen)
{
	if (info->nr_cpus == m->nr_cpus)
		return 0;
	if (errlen)
		snprintf(err, errlen,
			 "the recording was made on '%s' with %d CPUs, but device '%s' has %d: "
			 "replay it on a device file with %d CPUs",
			 info->model, info->nr_cpus, m->name, m->nr_cpus, info->nr_cpus);
	return -EINVAL;
}

int eg_replay_find_device(const struct eg_record_info *info, char *path, size_t len)
{
	char lower[EG_RECORD_NAME_LEN];
	size_t i;

	/* A discovered model's name is a DMI product or a compatible string:
	 * only a plain file-name-like name can name a device file. */
	if (!info->model[0] || strchr(info->model, '/') || strchr(info->model, '.'))
		return -ENOENT;
	if (eg_conf_find_device(info->model, path, len) == 0)
		return 0;
	for (i = 0; info->model[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)info->model[i]);
	lower[i] = '\0';
	return eg_conf_find_device(lower, path, len);
}

static int seg_push(struct seglist *l, uint64_t t0, uint64_t t1, double f)
{
	if (t1 <= t0 || f <= 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct seg *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct seg){ t0, t1, f > 1 ? 1 : f };
	return 0;
}

static int freq_push(struct freq_tl *f, uint64_t t, uint32_t khz)
{
	/* A change at the same instant as the previous one replaces it. */
	if (f->n && f->t[f->n - 1] == t) {
		f->khz[f->n - 1] = khz;
		return 0;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		uint64_t *t2 = realloc(f->t, cap * sizeof(*t2));
		uint32_t *k2;

		if (!t2)
			return -ENOMEM;
		f->t = t2;
		k2 = realloc(f->khz, cap * sizeof(*k2));
		if (!k2)
			return -ENOMEM;
		f->khz = k2;
		f->cap = cap;
	}
	f->t[f->n] = t;
	f->khz[f->n++] = khz;
	return 0;
}

static bool cpu_ok(const struct eg_model *m, int cpu)
{
	return cpu >= 0 && cpu < m->nr_cpus;
}

/* Whether a recorded event is given to the engine (replay.h says why not). */
static bool replayable(const struct eg_model *m, const struct eg_event *ev)
{
	switch (ev->type) {
	case EG_EV_TICK:
		return cpu_ok(m, ev->cpu);
	case EG_EV_FREQ:
	case EG_EV_POWER_SOURCE:
	case EG_EV_NONE:
		return false;
	case EG_EV_SWITCH:
	case EG_EV_BUSY_SAMPLE:
	case EG_EV_IDLE_ENTER:
	case EG_EV_IDLE_EXIT:
	case EG_EV_CPU_ONLINE:
	case EG_EV_CPU_OFFLINE:
		return cpu_ok(m, ev->cpu);
	case EG_EV_WAKEUP:
		return ev->cpu >= -1 && ev->cpu < m->nr_cpus &&
		       (cpu_ok(m, ev->wakeup.target_cpu) || cpu_ok(m, ev->cpu));
	case EG_EV_MIGRATE:
		return cpu_ok(m, ev->migrate.orig_cpu) && cpu_ok(m, ev->migrate.dest_cpu);
	case EG_EV_EXIT:
	case EG_EV_BOOST:
		return ev->cpu >= -1 && ev->cpu < m->nr_cpus;
	case EG_EV_TEMP:
		return ev->temp.zone >= 0 && ev->temp.zone < m->nr_zones;
	case EG_EV_TRIP:
		return ev->trip.zone >= 0 && ev->trip.zone < m->nr_zones;
	case EG_EV_LIMITS:
		return ev->limits.pd >= 0 && ev->limits.pd < m->nr_pds;
	default:
		return false;
	}
}

/* Pass 1, the same for every governor: each CPU's busy fraction over time.
 * Timestamps are made non-decreasing as the recording daemon did. */
static int build_busy(struct replay *rp, const struct eg_event *evs, size_t n)
{
	const struct eg_model *m = rp->m;
	uint64_t last = 0;
	int r;

	rp->t_start = evs[0].ts;
	for (size_t i = 0; i < n; i++) {
		const struct eg_event *ev = &evs[i];
		uint64_t ts = EG_MAX(ev->ts, last);
		struct cpu_tl *c;

		last = ts;
		if (!cpu_ok(m, ev->cpu))
			continue;
		c = &rp->cpu[ev->cpu];
		if (ev->type == EG_EV_SWITCH) {
			if (c->sw_busy) {
				r = seg_push(&c->sw, c->sw_since, ts, 1.0);
				if (r < 0)
					return r;
			}
			c->sw_busy = ev->sw.next_pid != 0;
			c->sw_since = ts;
		} else if (ev->type == EG_EV_BUSY_SAMPLE && ev->busy.window_ns) {
			uint64_t w = ev->busy.window_ns;
			uint64_t t0 = ts > w ? ts - w : 0;

			/* The window ends at the sample: the busy time lies
			 * somewhere in it, spread evenly since we cannot say
			 * where. Overlapping windows are clipped so no time
			 * counts twice. */
			rp->t_start = EG_MIN(rp->t_start, t0);
			t0 = EG_MAX(t0, c->smp_end);
			r = seg_push(&c->smp, t0, ts, (double)ev->busy.busy_ns / (double)w);
			if (r < 0)
				return r;
			c->smp_end = EG_MAX(c->smp_end, ts);
		}
	}
	rp->t_end = last;
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct cpu_tl *c = &rp->cpu[cpu];

		if (c->sw_busy) {
			r = seg_push(&c->sw, c->sw_since, rp->t_end, 1.0);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static void feed(struct replay *rp, const struct eg_event *ev)
{
	if (eg_engine_event(rp->eng, ev, &rp->dec) < 0)
		rp->res->engine_errors++;
}

/* Queue the decisions: a SET_FREQ takes effect after the domain's transition
 * latency, replacing a request still pending. */
static void take_decisions(struct replay *rp, uint64_t now)
{
	for (int i = 0; i < rp->dec.n; i++) {
		const struct eg_decision *d = &rp->dec.d[i];
		const struct eg_pd *pd;

		if (d->type != EG_DEC_SET_FREQ || d->target < 0 || d->target >= rp->m->nr_pds)
			continue;
		pd = &rp->m->pds[d->target];
		rp->res->decisions++;
		if (d->flags & EG_DEC_URGENT)
			rp->res->urgent++;
		rp->pend[d->target] =
			(struct pending){ true, now + pd->transition_latency_ns, d->value };
	}
	rp->dec.n = 0;
	rp->dec.overflow = false;
}

static int set_freq(struct replay *rp, int pdi, uint64_t t, bool count)
{
	struct eg_event ev = { .ts = t, .type = EG_EV_FREQ, .cpu = -1 };
	uint32_t khz = rp->pend[pdi].khz;

	rp->pend[pdi].set = false;
	if (khz == rp->cur_khz[pdi])
		return 0;
	rp->cur_khz[pdi] = khz;
	if (count)
		rp->res->pd[pdi].transitions++;
	/* The engine is not told: the recorded busy time was measured at the
	 * recording machine's frequency, so its frequency invariance (and the
	 * load-adjusted frequency interactive uses) must stay at that one. The
	 * governor's choice only prices the busy time (replay.h). */
	(void)ev;
	return freq_push(&rp->freq[pdi], t, khz);
}

/* Pass 2: the engine over the recorded stream, its timers and the frequency
 * changes it caused, in timestamp order. */
static int run_engine(struct replay *rp, const struct eg_engine_config *cfg,
		      const struct eg_event *evs, size_t n)
{
	const struct eg_model *m = rp->m;
	uint64_t now = rp->t_start, tick_floor = 0;
	size_t i = 0;
	int r;

	r = eg_engine_new(&rp->eng, m, cfg, rp->t_start);
	if (r < 0)
		return fail(rp, r, "engine: %s", strerror(-r));
	for (int p = 0; p < m->nr_pds; p++) {
		const struct eg_pd *pd = &m->pds[p];

		rp->cur_khz[p] = eg_pd_max_khz(pd);
		eg_engine_set_domain_state(rp->eng, p, rp->cur_khz[p], eg_pd_min_khz(pd),
					   eg_pd_max_khz(pd));
	}
	r = eg_engine_start(rp->eng, rp->t_start, &rp->dec);
	if (r < 0)
		return fail(rp, r, "engine start: %s", strerror(-r));
	/* The governor ran before the recording began: its first choice is in
	 * force from the first instant, not counted as a decision. */
	for (int k = 0; k < rp->dec.n; k++) {
		const struct eg_decision *d = &rp->dec.d[k];

		if (d->type == EG_DEC_SET_FREQ && d->target >= 0 && d->target < m->nr_pds)
			rp->pend[d->target] = (struct pending){ true, rp->t_start, d->value };
	}
	rp->dec.n = 0;
	for (int p = 0; p < m->nr_pds; p++) {
		if (rp->pend[p].set)
			r = set_freq(rp, p, rp->t_start, false);
		if (r >= 0)
			r = freq_push(&rp->freq[p], rp->t_start, rp->cur_khz[p]);
		if (r < 0)
			return fail(rp, r, "out of memory");
	}
	rp->dec.n = 0;
	for (;;) {
		uint64_t t_ev = UINT64_MAX, t_fr = UINT64_MAX, t_tm;
		int pfr = -1;

		while (i < n && !replayable(m, &evs[i])) {
			rp->res->dropped++;
			i++;
		}
		if (i < n)
			t_ev = EG_MAX(evs[i].ts, now);
		for (int p = 0; p < m->nr_pds; p++)
			if (rp->pend[p].set && rp->pend[p].t < t_fr) {
				t_fr = rp->pend[p].t;
				pfr = p;
			}
		/* A timer never fires twice at one instant: a policy that
		 * asks for "now" again waits a nanosecond. */
		t_tm = EG_MAX(EG_MAX(eg_engine_next_timer(rp->eng), now), tick_floor);
		if (i >= n && EG_MIN(t_fr, t_tm) > rp->t_end)
			break;
		/* At one instant: the frequency change first (it was set up
		 * earlier), then the recorded event, then the timer. */
		if (t_fr <= t_ev && t_fr <= t_tm) {
			now = t_fr;
			r = set_freq(rp, pfr, now, true);
			if (r < 0)
				return fail(rp, r, "out of memory");
		} else if (t_ev <= t_tm) {
			struct eg_event ev = evs[i++];

			now = t_ev;
			ev.ts = now;
			rp->res->events++;
			feed(rp, &ev);
		} else {
			struct eg_event ev = { .ts = t_tm, .type = EG_EV_TICK, .cpu = -1 };

			now = t_tm;
			tick_floor = now + 1;
			feed(rp, &ev);
		}
		take_decisions(rp, now);
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The fraction in force over [a, b) of a sorted, non-overlapping list, whose
 * boundaries are all in the sweep; *k is the list's cursor. */
static double seg_at(const struct seglist *l, size_t *k, uint64_t a)
{
	while (*k < l->n && l->v[*k].t1 <= a)
		(*k)++;
	return *k < l->n && l->v[*k].t0 <= a ? l->v[*k].f : 0;
}

/* Integrate one domain's energy and frequency figures over the span. */
static int integrate_pd(struct replay *rp, int pdi)
{
	const struct eg_pd *pd = &rp->m->pds[pdi];
	struct eg_replay_pd_result *pr = &rp->res->pd[pdi];
	const struct freq_tl *fq = &rp->freq[pdi];
	uint64_t idle_uw = pd->nr_cpu_idle ? pd->cpu_idle[0].power_uw : 0;
	size_t nb = 2 + fq->n, nk = 0, fk = 0;
	size_t ksw[EG_MAX_CPUS] = { 0 }, ksm[EG_MAX_CPUS] = { 0 };
	double khz_ns = 0;
	uint64_t *b;
	int cpu;

	eg_for_each_cpu (cpu, &pd->cpus)
		if (cpu < rp->m->nr_cpus)
			nb += 2 * (rp->cpu[cpu].sw.n + rp->cpu[cpu].smp.n);
	b = malloc(nb * sizeof(*b));
	if (!b)
		return -ENOMEM;
#define ADD(t)                                              \
	do {                                                \
		if ((t) >= rp->t_start && (t) <= rp->t_end) \
			b[nk++] = (t);                      \
	} while (0)
	ADD(rp->t_start);
	ADD(rp->t_end);
	for (size_t k = 0; k < fq->n; k++)
		ADD(fq->t[k]);
	eg_for_each_cpu (cpu, &pd->cpus) {
		const struct cpu_tl *c;

		if (cpu >= rp->m->nr_cpus)
			continue;
		c = &rp->cpu[cpu];
		for (size_t k = 0; k < c->sw.n; k++) {
			ADD(c->sw.v[k].t0);
			ADD(c->sw.v[k].t1);
		}
		for (size_t k = 0; k < c->smp.n; k++) {
			ADD(c->smp.v[k].t0);
			ADD(c->smp.v[k].t1);
		}
	}
#undef ADD
	qsort(b, nk, sizeof(*b), cmp_u64);
	for (size_t k = 0; k + 1 < nk; k++) {
		uint64_t a = b[k], e = b[k + 1];
		double dt_s = (double)(e - a) / 1e9, busy = 0, idle = 0, none = 1;
		const struct eg_opp *opp;
		int idx;

		if (e == a)
			continue;
		while (fk + 1 < fq->n && fq->t[fk + 1] <= a)
			fk++;
		idx = eg_pd_opp_index(pd, fq->khz[fk]);
		if (idx < 0)
			idx = eg_pd_opp_ceil(pd, fq->khz[fk], 0, UINT32_MAX, false);
		if (idx < 0)
			continue; /* a domain without OPPs costs nothing we know */
		opp = &pd->opps[idx];
		eg_for_each_cpu (cpu, &pd->cpus) {
			double f;

			if (cpu >= rp->m->nr_cpus)
				continue;
			f = seg_at(&rp->cpu[cpu].sw, &ksw[cpu], a) +
			    seg_at(&rp->cpu[cpu].smp, &ksm[cpu], a);
			f = f > 1 ? 1 : f;
			busy += f * (double)opp->power_uw;
			idle += (1 - f) * (double)idle_uw;
			none *= 1 - f;
		}
		khz_ns += (double)fq->khz[fk] * (double)(e - a);
		pr->time_in_opp_ns[idx] += e - a;
		rp->res->busy_j += busy / 1e6 * dt_s;
		rp->res->idle_j += idle / 1e6 * dt_s;
		rp->res->domain_j += (1 - none) * (double)opp->pd_power_uw / 1e6 * dt_s;
		pr->energy_j += (busy + idle + (1 - none) * (double)opp->pd_power_uw) / 1e6 * dt_s;
	}
	pr->avg_khz = rp->res->span_ns ? khz_ns / (double)rp->res->span_ns : 0;
	free(b);
	return 0;
}

int eg_replay_run(const struct eg_model *m, const struct eg_engine_config *cfg,
		  const struct eg_event *evs, size_t n, struct eg_replay_result *res, char *err,
		  size_t errlen)
{
	struct replay *rp = calloc(1, sizeof(*rp));
	int r;

	memset(res, 0, sizeof(*res));
	if (!rp)
		return -ENOMEM;
	rp->m = m;
	rp->res = res;
	rp->err = err;
	rp->errlen = errlen;
	if (errlen)
		err[0] = '\0';
	if (!n) {
		r = fail(rp, -EINVAL, "the recording has no events");
		goto out;
	}
	rp->cpu = calloc((size_t)EG_MAX(m->nr_cpus, 1), sizeof(*rp->cpu));
	if (!rp->cpu) {
		r = -ENOMEM;
		goto out;
	}
	r = build_busy(rp, evs, n);
	if (r < 0)
		goto out;
	if (rp->t_end <= rp->t_start) {
		r = fail(rp, -EINVAL, "the recording spans no time");
		goto out;
	}
	res->start_ns = rp->t_start;
	res->span_ns = rp->t_end - rp->t_start;
	r = run_engine(rp, cfg, evs, n);
	if (r < 0)
		goto out;
	for (int p = 0; p < m->nr_pds && r >= 0; p++)
		r = integrate_pd(rp, p);
	res->energy_j = res->busy_j + res->idle_j + res->domain_j;
out:
	if (r == -ENOMEM && errlen && !err[0])
		snprintf(err, errlen, "out of memory");
	eg_engine_free(rp->eng);
	if (rp->cpu) {
		for (int c = 0; c < m->nr_cpus; c++) {
			free(rp->cpu[c].sw.v);
			free(rp->cpu[c].smp.v);
		}
	}
	free(rp->cpu);
	for (int p = 0; p < EG_MAX_PDS; p++) {
		free(rp->freq[p].t);
		free(rp->freq[p].khz);
	}
	free(rp);
	return r;
}

/* One recording against every governor of b, on the given device or, without
 * one, the device file named like the recording's model. */
static void replay_case(struct bench *b, struct bench_replay_case *rc, struct bench_device *given)
{
	_cleanup_free_ struct eg_event *evs = NULL;
	char path[EG_PATH_MAX];
	int r;

	r = eg_record_load(rc->path, &evs, &rc->nr_events, &rc->info, rc->errmsg,
			   sizeof(rc->errmsg));
	if (r < 0) {
		rc->err = r;
		return;
	}
	if (given) {
		rc->dev = given;
	} else {
		if (eg_replay_find_device(&rc->info, path, sizeof(path)) < 0 ||
		    bench_add_device(b, path) < 0) {
			snprintf(rc->errmsg, sizeof(rc->errmsg),
				 "%s: recorded on '%s', which names no device file: give --device",
				 rc->path, rc->info.model);
			rc->err = -ENOENT;
			return;
		}
		rc->dev = &b->dev[b->nr_dev - 1];
	}
	r = eg_replay_check(&rc->info, &rc->dev->model, rc->errmsg, sizeof(rc->errmsg));
	if (r < 0) {
		rc->err = r;
		return;
	}
	for (int g = 0; g < b->nr_gov; g++) {
		struct eg_engine_config ecfg;
		struct eg_error err = { 0 };

		r = bench_gov_config(rc->dev, b->gov[g], &ecfg, &err);
		if (r < 0) {
			eg_error_format(&err, rc->gov_msg[g], sizeof(rc->gov_msg[g]));
			rc->gov_err[g] = r;
			continue;
		}
		r = eg_replay_run(&rc->dev->model, &ecfg, evs, rc->nr_events, &rc->res[g],
				  rc->gov_msg[g], sizeof(rc->gov_msg[g]));
		eg_engine_config_free(&ecfg);
		if (r < 0)
			rc->gov_err[g] = r;
	}
}

int bench_replay(struct bench *b, struct bench_replay_case *cases, int n)
{
	struct bench_device *given = b->nr_dev ? &b->dev[0] : NULL;
	int failed = 0;

	for (int i = 0; i < n; i++) {
		struct bench_replay_case *rc = &cases[i];

		rc->res = calloc((size_t)b->nr_gov, sizeof(*rc->res));
		rc->gov_err = calloc((size_t)b->nr_gov, sizeof(*rc->gov_err));
		rc->gov_msg = calloc((size_t)b->nr_gov, sizeof(*rc->gov_msg));
		if (!rc->res || !rc->gov_err || !rc->gov_msg)
			return -ENOMEM;
		replay_case(b, rc, given);
		if (rc->err) {
			eg_err("--replay %s", rc->errmsg);
			failed++;
			continue;
		}
		for (int g = 0; g < b->nr_gov; g++) {
			if (rc->gov_err[g]) {
				eg_err("--replay %s / %s: %s", rc->path, b->gov[g], rc->gov_msg[g]);
				failed++;
			}
		}
	}
	return failed;
}

void bench_replay_free(struct bench_replay_case *cases, int n)
{
	for (int i = 0; i < n; i++) {
		free(cases[i].res);
		free(cases[i].gov_err);
		free(cases[i].gov_msg);
		cases[i].res = NULL;
		cases[i].gov_err = NULL;
		cases[i].gov_msg = NULL;
	}
}
