// SPDX-License-Identifier: GPL-2.0-or-later
/* rt-app workload -> simulator task programs: each event an op, phases and
 * task loops as loop ops; what the simulator cannot model (semaphores,
 * per-phase util clamps, a forever loop in which no time passes) is refused
 * with the file, line and key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "workload.h"

/* A task program being compiled. */
struct prog {
	struct eg_sim_op *ops;
	int nr_ops, cap;
	int nr_loops;
	eg_cpumask_t *masks;
	int nr_masks;
};

static int emit(struct prog *p, struct eg_sim_op op)
{
	if (p->nr_ops == p->cap) {
		int cap = p->cap ? p->cap * 2 : 32;
		struct eg_sim_op *o = realloc(p->ops, (size_t)cap * sizeof(*o));

		if (!o)
			return -ENOMEM;
		p->ops = o;
		p->cap = cap;
	}
	p->ops[p->nr_ops++] = op;
	return 0;
}

static int add_mask(struct prog *p, const eg_cpumask_t *m)
{
	eg_cpumask_t *n = realloc(p->masks, (size_t)(p->nr_masks + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	p->masks = n;
	p->masks[p->nr_masks] = *m;
	return p->nr_masks++;
}

static enum eg_sim_policy sim_policy(enum eg_rtapp_policy p)
{
	switch (p) {
	case EG_RTAPP_POLICY_FIFO:
		return EG_SIM_FIFO;
	case EG_RTAPP_POLICY_RR:
		return EG_SIM_RR;
	case EG_RTAPP_POLICY_DEADLINE:
		return EG_SIM_DEADLINE;
	default:
		return EG_SIM_CFS;
	}
}

static int unsupported(const struct eg_rtapp_workload *rw, const struct eg_rtapp_event *e,
		       struct eg_error *err)
{
	eg_error_set(err, rw->source, e->line, "event '%s' (%s) cannot be simulated", e->key,
		     eg_rtapp_event_name(e->type));
	return -EINVAL;
}

static int compile_event(const struct eg_rtapp_workload *rw, const struct eg_rtapp_event *e,
			 uint64_t calib_cap, struct prog *p, struct eg_error *err)
{
	struct eg_sim_op op = { .res = (int16_t)e->res, .mutex = -1 };
	const struct eg_rtapp_resource *res = e->res >= 0 ? &rw->resources[e->res] : NULL;

	switch (e->type) {
	case EG_RTAPP_RUN:
		op.code = EG_SIM_RUN;
		op.work = e->duration_us * NSEC_PER_USEC * calib_cap;
		op.nominal_ns = e->duration_us * NSEC_PER_USEC;
		break;
	case EG_RTAPP_RUNTIME:
		op.code = EG_SIM_RUNTIME;
		op.ns = e->duration_us * NSEC_PER_USEC;
		break;
	case EG_RTAPP_SLEEP:
		op.code = EG_SIM_SLEEP;
		op.ns = e->duration_us * NSEC_PER_USEC;
		break;
	case EG_RTAPP_TIMER:
		op.code = EG_SIM_TIMER;
		op.ns = e->duration_us * NSEC_PER_USEC;
		if (res && res->absolute)
			op.flags |= EG_SIM_F_ABSOLUTE;
		if (res && res->owner_task >= 0)
			op.flags |= EG_SIM_F_UNIQUE;
		break;
	case EG_RTAPP_LOCK:
		op.code = EG_SIM_LOCK;
		break;
	case EG_RTAPP_UNLOCK:
		op.code = EG_SIM_UNLOCK;
		break;
	case EG_RTAPP_SIGNAL:
		op.code = EG_SIM_SIGNAL;
		break;
	case EG_RTAPP_BROAD:
	case EG_RTAPP_RESUME:
		/* rt-app resumes by broadcasting the condition its value
		 * names; a resume before the suspend is lost, as there. */
		op.code = EG_SIM_BROAD;
		break;
	case EG_RTAPP_WAIT:
	case EG_RTAPP_SUSPEND:
		op.code = EG_SIM_WAIT;
		op.mutex = (int16_t)e->dep;
		break;
	case EG_RTAPP_SYNC: {
		struct eg_sim_op sig = { .code = EG_SIM_SIGNAL,
					 .res = (int16_t)e->res,
					 .mutex = -1 };
		int r = emit(p, sig);

		if (r < 0)
			return r;
		op.code = EG_SIM_WAIT;
		op.mutex = (int16_t)e->dep;
		break;
	}
	case EG_RTAPP_BARRIER:
		op.code = EG_SIM_BARRIER;
		break;
	case EG_RTAPP_YIELD:
		op.code = EG_SIM_YIELD;
		break;
	case EG_RTAPP_FORK:
		op.code = EG_SIM_FORK;
		op.task = (int16_t)e->target_task; /* fixed up to a desc index later */
		break;
	case EG_RTAPP_MEM:
		op.code = EG_SIM_RUN;
		op.nominal_ns = e->count / EG_SIM_MEM_BYTES_PER_NS;
		op.work = op.nominal_ns * EG_CAPACITY_SCALE;
		break;
	case EG_RTAPP_MEMRUN:
		op.code = EG_SIM_RUN;
		op.nominal_ns = e->count * EG_SIM_MEMRUN_NS_PER_ACCESS;
		op.work = op.nominal_ns * EG_CAPACITY_SCALE;
		break;
	case EG_RTAPP_IORUN:
		op.code = EG_SIM_IOWAIT;
		op.ns = e->count * NSEC_PER_USEC / EG_SIM_IO_BYTES_PER_US;
		break;
	case EG_RTAPP_SEM_POST:
	case EG_RTAPP_SEM_WAIT:
	default:
		return unsupported(rw, e, err);
	}
	if (op.code == EG_SIM_RUN && op.work == 0)
		return 0; /* zero work: nothing to do */
	return emit(p, op);
}

static int loop_begin(struct prog *p, int count, int *slot, int *begin)
{
	struct eg_sim_op op = { .code = EG_SIM_LOOP_BEGIN, .mutex = -1 };

	*slot = p->nr_loops++;
	*begin = p->nr_ops;
	op.loop = (int16_t)*slot;
	op.count = count < 0 ? 0 : (uint64_t)count;
	return emit(p, op);
}

static int loop_end(struct prog *p, int slot, int begin)
{
	struct eg_sim_op op = { .code = EG_SIM_LOOP_END, .loop = (int16_t)slot, .mutex = -1 };

	op.begin = (uint64_t)begin;
	return emit(p, op);
}

static int compile_task(const struct eg_rtapp_workload *rw, const struct eg_rtapp_task *t,
			uint64_t calib_cap, struct prog *p, struct eg_error *err)
{
	int tslot, tbegin;
	int r;

	if (t->loop == 0)
		return 0;
	r = loop_begin(p, t->loop, &tslot, &tbegin);
	for (int ph = 0; r >= 0 && ph < t->nr_phases; ph++) {
		const struct eg_rtapp_phase *phase = &t->phases[ph];
		int pslot, pbegin;

		if (phase->loop == 0)
			continue;
		if (phase->sched.set) {
			if (phase->sched.util_min >= 0 || phase->sched.util_max >= 0) {
				/* Like sched_setattr at the phase's start; a
				 * bound not named keeps its value. */
				struct eg_sim_op op = { .code = EG_SIM_SETUCLAMP, .mutex = -1 };

				if (phase->sched.util_min >= 0 && phase->sched.util_max >= 0 &&
				    phase->sched.util_min > phase->sched.util_max) {
					eg_error_set(err, rw->source, phase->line,
						     "phase '%s': util_min %d is over util_max %d "
						     "(sched_setattr refuses it)",
						     phase->name, phase->sched.util_min,
						     phase->sched.util_max);
					return -EINVAL;
				}
				op.clamp_min = phase->sched.util_min;
				/* A clamp to 0 runs as one to 1 (see sim.h). */
				op.clamp_max = phase->sched.util_max == 0 ? 1 :
									    phase->sched.util_max;
				r = emit(p, op);
			}
			if (r >= 0 && (phase->sched.policy != EG_RTAPP_POLICY_SAME ||
				       phase->sched.has_priority)) {
				struct eg_sim_op op = { .code = EG_SIM_SETSCHED, .mutex = -1 };
				enum eg_rtapp_policy pol = phase->sched.policy !=
									   EG_RTAPP_POLICY_SAME ?
								   phase->sched.policy :
								   t->sched.policy;
				int prio = phase->sched.has_priority ? phase->sched.priority :
								       t->sched.priority;

				op.policy = sim_policy(pol);
				op.prio = prio;
				r = emit(p, op);
			}
		}
		/* A phase without cpus runs on the task's mask, not the
		 * previous phase's (rt-app). */
		if (r >= 0) {
			struct eg_sim_op op = { .code = EG_SIM_SETCPUS, .mutex = -1 };
			eg_cpumask_t none = { { 0 } };
			int mi = add_mask(p, phase->has_cpus ? &phase->cpus :
							       (t->has_cpus ? &t->cpus : &none));

			if (mi < 0)
				return mi;
			op.mask = (int16_t)mi;
			if (t->nr_phases > 1 || phase->has_cpus)
				r = emit(p, op);
		}
		if (r >= 0)
			r = loop_begin(p, phase->loop, &pslot, &pbegin);
		for (int i = 0; r >= 0 && i < phase->nr_events; i++)
			r = compile_event(rw, &phase->events[i], calib_cap, p, err);
		if (r >= 0)
			r = loop_end(p, pslot, pbegin);
	}
	if (r >= 0)
		r = loop_end(p, tslot, tbegin);
	return r;
}

int eg_sim_workload_from_rtapp(const struct eg_rtapp_workload *rw, const struct eg_model *m,
			       struct eg_sim_workload **out, struct eg_error *err)
{
	struct eg_sim_workload *w;
	int *first_desc = NULL;
	int nr_desc = 0;
	int calib_cpu = rw->calibration_cpu >= 0 ? rw->calibration_cpu : 0;
	const struct eg_pd *cpd = eg_model_cpu_pd(m, calib_cpu);
	int r = 0;

	*out = NULL;
	if (!cpd) {
		eg_error_set(err, rw->source, 0, "calibration CPU %d is not a CPU of %s", calib_cpu,
			     m->name);
		return -EINVAL;
	}
	w = calloc(1, sizeof(*w));
	first_desc = calloc((size_t)EG_MAX(rw->nr_tasks, 1), sizeof(int));
	/* One desc per thread started at time 0, plus one per task only
	 * started by fork. */
	if (w)
		w->tasks = calloc((size_t)(rw->nr_threads + rw->nr_tasks + 1), sizeof(*w->tasks));
	if (w)
		w->res = calloc((size_t)EG_MAX(rw->nr_resources, 1), sizeof(*w->res));
	if (!w || !first_desc || !w->tasks || !w->res) {
		r = -ENOMEM;
		goto fail;
	}
	{
		const char *base = strrchr(rw->source, '/');

		eg_strlcpy(w->name, base ? base + 1 : rw->source, sizeof(w->name));
		if (strlen(w->name) > 5 && eg_streq(w->name + strlen(w->name) - 5, ".json"))
			w->name[strlen(w->name) - 5] = '\0';
	}
	w->duration_ns = rw->duration_s > 0 ? (uint64_t)rw->duration_s * NSEC_PER_SEC : 0;
	w->calib_cpu = calib_cpu;
	w->nr_res = rw->nr_resources;
	for (int i = 0; i < rw->nr_resources; i++) {
		const struct eg_rtapp_resource *rr = &rw->resources[i];
		struct eg_sim_res *sr = &w->res[i];

		eg_strlcpy(sr->name, rr->name, sizeof(sr->name));
		sr->users = rr->users;
		switch (rr->type) {
		case EG_RTAPP_RES_MUTEX:
			sr->type = EG_SIM_RES_MUTEX;
			break;
		case EG_RTAPP_RES_COND:
			sr->type = EG_SIM_RES_COND;
			break;
		case EG_RTAPP_RES_TIMER:
			sr->type = EG_SIM_RES_TIMER;
			break;
		case EG_RTAPP_RES_BARRIER:
			sr->type = EG_SIM_RES_BARRIER;
			break;
		case EG_RTAPP_RES_SEM:
			/* The sem_post / sem_wait events that use it are
			 * refused with their key and line below. */
			sr->type = EG_SIM_RES_COND;
			break;
		}
	}
	for (int ti = 0; ti < rw->nr_tasks; ti++) {
		const struct eg_rtapp_task *t = &rw->tasks[ti];
		int copies = t->instance > 0 ? t->instance : 1;

		first_desc[ti] = nr_desc;
		for (int inst = 0; inst < copies; inst++) {
			struct eg_sim_task_desc *d = &w->tasks[nr_desc];
			struct prog p = { 0 };

			if (t->instance > 1)
				snprintf(d->name, sizeof(d->name), "%.36s-%d", t->name,
					 inst % 100000);
			else
				eg_strlcpy(d->name, t->name, sizeof(d->name));
			d->policy = sim_policy(t->sched.policy);
			d->prio = t->sched.priority;
			if (t->has_cpus)
				d->cpus = t->cpus;
			d->delay_ns = t->delay_us * NSEC_PER_USEC;
			/* The clamp from the task's start; -1 is no clamp.
			 * util_max 0 means none in a desc: a clamp to 0 runs
			 * as one to 1 (the lowest OPP, every CPU fits). */
			d->util_min = t->sched.util_min > 0 ? (uint32_t)t->sched.util_min : 0;
			d->util_min_set = t->sched.util_min >= 0;
			d->util_max = t->sched.util_max > 0  ? (uint32_t)t->sched.util_max :
				      t->sched.util_max == 0 ? 1 :
							       EG_CAPACITY_SCALE;
			if (d->util_min > d->util_max) {
				eg_error_set(err, rw->source, t->line,
					     "task '%s': util_min %u is over util_max %u "
					     "(sched_setattr refuses it)",
					     t->name, d->util_min, d->util_max);
				r = -EINVAL;
				nr_desc++;
				goto fail;
			}
			d->dl_runtime_ns = t->sched.dl_runtime_us * NSEC_PER_USEC;
			d->dl_period_ns = t->sched.dl_period_us * NSEC_PER_USEC;
			d->dl_deadline_ns = t->sched.dl_deadline_us * NSEC_PER_USEC;
			d->start_on_fork = t->instance == 0;
			r = compile_task(rw, t, cpd->max_cap, &p, err);
			d->ops = p.ops;
			d->nr_ops = p.nr_ops;
			d->nr_loops = p.nr_loops;
			d->masks = p.masks;
			d->nr_masks = p.nr_masks;
			nr_desc++;
			if (r < 0) {
				if (r == -ENOMEM)
					eg_error_set(err, rw->source, t->line, "out of memory");
				goto fail;
			}
			if (eg_sim_task_timeless_loop(d) >= 0) {
				eg_error_set(err, rw->source, t->line,
					     "task '%s' loops forever and none of its events "
					     "takes time (a run, runtime, sleep or iorun of "
					     "more than 0, a timer) or waits for another task: "
					     "simulated time would stop",
					     t->name);
				r = -EINVAL;
				goto fail;
			}
		}
	}
	w->nr_tasks = nr_desc;
	/* FORK and RESUME name rt-app tasks; the simulator wants a desc. */
	for (int i = 0; i < nr_desc; i++)
		for (int k = 0; k < w->tasks[i].nr_ops; k++)
			if (w->tasks[i].ops[k].code == EG_SIM_FORK)
				w->tasks[i].ops[k].task =
					(int16_t)first_desc[w->tasks[i].ops[k].task];
	free(first_desc);
	*out = w;
	return 0;
fail:
	if (w)
		w->nr_tasks = nr_desc;
	free(first_desc);
	eg_sim_workload_free(w);
	return r;
}

int eg_sim_workload_load(const char *path, const struct eg_model *m, struct eg_sim_workload **out,
			 struct eg_error *err)
{
	return eg_sim_workload_load_opts(path, m, NULL, out, err);
}

int eg_sim_workload_load_opts(const char *path, const struct eg_model *m,
			      const struct eg_rtapp_options *opts, struct eg_sim_workload **out,
			      struct eg_error *err)
{
	struct eg_rtapp_workload *rw = NULL;
	int r = eg_rtapp_load_opts(path, opts, &rw, err);

	if (r < 0)
		return r;
	r = eg_sim_workload_from_rtapp(rw, m, out, err);
	eg_rtapp_free(rw);
	return r;
}
