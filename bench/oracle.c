// SPDX-License-Identifier: GPL-2.0-or-later
/* The oracle: the best fixed OPPs, found by running the simulator.
 *
 * A candidate is one OPP per domain, held for the whole run (the workload's
 * phases are compiled into loops the simulator's API does not expose, so the
 * choice cannot change per phase). It is feasible when its run misses no
 * more activations than the performance run and does at least as much work
 * (capacity x ns over every domain), less at most the work of one activation
 * per periodic task: a slower run that meets every deadline may be cut off
 * by the end of the simulation in the middle of the activations it has in
 * flight, which the performance run had finished. It then does the same job
 * no worse, and its energy is a figure the simulator really reached, so the oracle is
 * achievable by construction. Placement, idle states and the thermal cap are
 * the simulator's and the device's balanced profile's, as for every
 * governor.
 *
 * Search: coordinate descent from every domain at its highest OPP (the
 * performance run itself, reused, so the oracle is never above it). For each
 * domain in turn, the others held at the best so far, its OPP is lowered one
 * step at a time while the run stays feasible; the feasible run of least
 * energy becomes the best. Lowering stops at the first infeasible OPP, as a
 * lower one only runs slower. Passes repeat while one improves, at most
 * MAX_PASSES, and runs already made are not made again: at most
 * MAX_PASSES x (sum over domains of OPPs - 1) runs per device x workload. A
 * descent finds a local optimum of fixed OPPs, not the best schedule: the
 * lower bound (bound.c) is the other side of the bracket.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "oracle.h"
#include "util.h"
#include "workload.h"

#define MAX_PASSES 2
#define MAX_TRIED (MAX_PASSES * EG_MAX_PDS * EG_MAX_OPPS)

struct oracle_tunables {
	uint32_t khz;
};

static const struct eg_tunable oracle_tunables[] = {
	{ .name = "khz",
	  .type = EG_TUN_U32,
	  .offset = offsetof(struct oracle_tunables, khz),
	  .min = 0,
	  .max = 100000000,
	  .def = "0",
	  .unit = "kHz",
	  .help = "run at the highest OPP at or below this frequency, 0 = the highest" },
	EG_TUNABLE_END,
};

struct oracle_state {
	const struct eg_pd *pd;
	uint32_t khz; /* the tunable */
	bool asked;
	uint32_t answered; /* the last frequency answered */
};

static int oracle_init(void **state, const struct eg_pd *pd, const void *tunables)
{
	const struct oracle_tunables *t = tunables;
	struct oracle_state *s;

	if (!state || !pd || !t || pd->nr_opps == 0)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->pd = pd;
	s->khz = t->khz;
	*state = s;
	return 0;
}

static void oracle_exit(void *state)
{
	free(state);
}

static int oracle_update(void *state, const struct eg_freq_input *in, struct eg_freq_output *out)
{
	struct oracle_state *s = state;
	uint32_t target;
	int i;

	if (!s || !in || !out)
		return -EINVAL;
	target = s->khz ? EG_MIN(s->khz, in->max_khz) : in->max_khz;
	i = eg_pd_opp_floor(s->pd, target, in->min_khz, in->max_khz);
	if (i < 0)
		i = eg_pd_opp_ceil(s->pd, in->min_khz, in->min_khz, in->max_khz, false);
	if (i < 0)
		return -ERANGE;
	if (s->asked && !in->limits_changed && s->pd->opps[i].khz == s->answered)
		return 0;
	s->asked = true;
	s->answered = s->pd->opps[i].khz;
	out->khz = s->answered;
	out->urgent = false;
	return 1;
}

static uint64_t oracle_next_timer(const void *state)
{
	(void)state;
	return EG_NEVER;
}

/* Called on util updates, as performance is, so that both answer alike. */
const struct eg_freq_policy_ops bench_oracle_freq = {
	.name = "oracle-fixed",
	.summary = "a fixed OPP per domain, for eagov-bench's oracle",
	.tunables = oracle_tunables,
	.tunables_size = sizeof(struct oracle_tunables),
	.on_util_update = true,
	.init = oracle_init,
	.exit = oracle_exit,
	.update = oracle_update,
	.next_timer = oracle_next_timer,
};

int bench_oracle_config(const struct bench_device *d, const int *opp, struct eg_engine_config *ecfg,
			struct eg_error *err)
{
	int r = bench_gov_config(d, "performance", ecfg, err);

	if (r < 0)
		return r;
	for (int p = 0; p < d->model.nr_pds; p++) {
		const struct eg_pd *pd = &d->model.pds[p];
		char khz[16], msg[200];

		if (opp[p] < 0 || opp[p] >= pd->nr_opps) {
			r = -EINVAL;
			eg_error_set(err, "", 0, "domain %s has no OPP %d", pd->name, opp[p]);
			break;
		}
		r = eg_engine_config_set_freq(ecfg, p, &bench_oracle_freq);
		if (r < 0) {
			eg_error_set(err, "", 0, "out of memory");
			break;
		}
		snprintf(khz, sizeof(khz), "%u", pd->opps[opp[p]].khz);
		r = eg_tunables_set(bench_oracle_freq.tunables, ecfg->freq_tun[p], "khz", khz, msg,
				    sizeof(msg));
		if (r < 0) {
			eg_error_set(err, "", 0, "%s", msg);
			break;
		}
	}
	if (r < 0)
		eg_engine_config_free(ecfg);
	return r;
}

static uint64_t total_work(const struct eg_model *m, const struct eg_sim_result *res)
{
	uint64_t w = 0;

	for (int p = 0; p < m->nr_pds; p++)
		w += res->pd[p].work;
	return w;
}

/* A run already made: its OPPs and what it gave. */
struct tried {
	int opp[EG_MAX_PDS];
	bool feasible;
	double energy_j;
};

struct search {
	struct bench *b;
	const struct bench_job *pf;
	uint64_t min_work; /* a feasible run does at least this much */
	const struct eg_sim_workload *w;
	struct bench_oracle *o;
	struct tried tried[MAX_TRIED];
	int nr_tried;
};

static const struct tried *find_tried(const struct search *s, const int *opp, int nr_pds)
{
	for (int i = 0; i < s->nr_tried; i++)
		if (!memcmp(s->tried[i].opp, opp, sizeof(int) * (size_t)nr_pds))
			return &s->tried[i];
	return NULL;
}

/* Run candidate opp; when feasible and cheaper than the best, it becomes
 * o->job.res. Returns 1 feasible, 0 not, -errno (o->job.errmsg set). */
static int try_opps(struct search *s, const int *opp)
{
	const struct bench_device *d = &s->b->dev[s->o->job.dev];
	const struct eg_model *m = &d->model;
	const struct tried *seen = find_tried(s, opp, m->nr_pds);
	struct eg_engine_config ecfg;
	struct eg_sim_result res = { 0 };
	struct eg_error err = { 0 };
	struct tried *t;
	int r;

	if (seen)
		return seen->feasible;
	if (s->nr_tried >= MAX_TRIED)
		return 0;
	r = bench_oracle_config(d, opp, &ecfg, &err);
	if (r < 0) {
		eg_error_format(&err, s->o->job.errmsg, sizeof(s->o->job.errmsg));
		return r;
	}
	r = bench_simulate(s->b, s->o->job.dev, s->w, &ecfg, &res);
	eg_engine_config_free(&ecfg);
	s->o->runs++;
	s->o->sim_s += (double)res.sim_ns / 1e9;
	s->o->events += (double)res.events;
	if (r < 0) {
		snprintf(s->o->job.errmsg, sizeof(s->o->job.errmsg), "simulation failed: %s",
			 strerror(-r));
		eg_sim_result_free(&res);
		return r;
	}
	t = &s->tried[s->nr_tried++];
	memcpy(t->opp, opp, sizeof(t->opp));
	t->energy_j = res.energy_j;
	t->feasible = res.missed <= s->pf->res.missed && total_work(m, &res) >= s->min_work;
	if (t->feasible && res.energy_j < s->o->job.res.energy_j) {
		eg_sim_result_free(&s->o->job.res);
		s->o->job.res = res;
		memcpy(s->o->opp, opp, sizeof(s->o->opp));
	} else {
		eg_sim_result_free(&res);
	}
	return t->feasible;
}

/* One pass of the descent; true when it improved the best. */
static int descend(struct search *s, bool *improved)
{
	const struct eg_model *m = &s->b->dev[s->o->job.dev].model;

	for (int p = 0; p < m->nr_pds; p++) {
		int cand[EG_MAX_PDS];
		double before = s->o->job.res.energy_j;

		memcpy(cand, s->o->opp, sizeof(cand));
		for (int k = s->o->opp[p] - 1; k >= 0; k--) {
			int r;

			cand[p] = k;
			r = try_opps(s, cand);
			if (r < 0)
				return r;
			if (!r)
				break;
		}
		*improved = *improved || s->o->job.res.energy_j < before;
	}
	return 0;
}

/* The performance run's work less one activation per periodic task (the
 * largest of each task's activations), as above. */
static uint64_t min_work(const struct eg_model *m, const struct eg_sim_result *pf)
{
	uint64_t all = total_work(m, pf), in_flight = 0;
	int done = 0;
	/* Tasks already counted; a linear scan per job costs nothing next to
	 * the simulations. */
	int16_t *task = calloc((size_t)EG_MAX(pf->nr_jobs, 1), sizeof(*task));
	uint64_t *most = calloc((size_t)EG_MAX(pf->nr_jobs, 1), sizeof(*most));

	if (!task || !most) {
		free(task);
		free(most);
		return all;
	}
	for (int i = 0; i < pf->nr_jobs; i++) {
		int k = 0;

		while (k < done && task[k] != pf->jobs[i].task)
			k++;
		if (k == done)
			task[done++] = pf->jobs[i].task;
		most[k] = EG_MAX(most[k], pf->jobs[i].work);
	}
	for (int k = 0; k < done; k++)
		in_flight += most[k];
	free(task);
	free(most);
	return all > in_flight ? all - in_flight : 0;
}

void bench_oracle_search(struct bench *b, const struct bench_job *pf, struct bench_oracle *o)
{
	const struct bench_device *d = &b->dev[o->job.dev];
	struct eg_error err = { 0 };
	struct eg_sim_workload *w = NULL;
	struct search *s;
	int r;

	/* The start, every domain at its highest OPP, is the performance run:
	 * its figures are copied, its samples and jobs left to it. */
	o->job.res = pf->res;
	o->job.res.jobs = NULL;
	o->job.res.nr_jobs = 0;
	o->job.res.samples = NULL;
	o->job.res.nr_samples = 0;
	o->runs = 0;
	o->sim_s = o->events = 0;
	for (int p = 0; p < d->model.nr_pds; p++)
		o->opp[p] = d->model.pds[p].nr_opps - 1;
	s = calloc(1, sizeof(*s));
	if (!s) {
		o->job.err = -ENOMEM;
		snprintf(o->job.errmsg, sizeof(o->job.errmsg), "out of memory");
		return;
	}
	r = eg_sim_workload_load_opts(b->wl_path[o->job.wl], &d->model, &b->rtapp, &w, &err);
	if (r < 0) {
		eg_error_format(&err, o->job.errmsg, sizeof(o->job.errmsg));
		o->job.err = r;
		free(s);
		return;
	}
	*s = (struct search){
		.b = b, .pf = pf, .w = w, .o = o, .min_work = min_work(&d->model, &pf->res)
	};
	/* The start is feasible by definition. */
	memcpy(s->tried[0].opp, o->opp, sizeof(o->opp));
	s->tried[0].feasible = true;
	s->tried[0].energy_j = pf->res.energy_j;
	s->nr_tried = 1;
	for (int pass = 0; pass < MAX_PASSES && r == 0; pass++) {
		bool improved = false;

		r = descend(s, &improved);
		if (!improved)
			break;
	}
	if (r < 0)
		o->job.err = r;
	eg_sim_workload_free(w);
	free(s);
}
