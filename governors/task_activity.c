// SPDX-License-Identifier: GPL-2.0-or-later
/* Per-task activation statistics: period, work per activation and response
 * time, kept as moving averages so that each costs a few operations per
 * wakeup and sleep. */
#include "task_activity.h"

#include "model.h"
#include "util.h"

/* New samples weigh 1/4, as util_est's EWMA does: a few activations are
 * enough to follow a change of phase, one outlier moves it by a quarter. */
#define ACT_SHIFT 2

static uint64_t ewma(uint64_t avg, uint64_t sample)
{
	if (sample >= avg)
		return avg + ((sample - avg) >> ACT_SHIFT);
	return avg - ((avg - sample) >> ACT_SHIFT);
}

void eg_task_activity_run(struct eg_task_activity *a, uint64_t delta_ns, uint32_t cap,
			  uint32_t freq)
{
	a->work_ns += delta_ns * cap * freq / (EG_CAPACITY_SCALE * EG_CAPACITY_SCALE);
}

void eg_task_activity_wake(struct eg_task_activity *a, uint64_t now)
{
	if (a->wake_ns && now > a->wake_ns) {
		uint64_t p = now - a->wake_ns;

		if (!a->period_ns) {
			a->period_ns = p;
		} else {
			uint64_t dev = p > a->period_ns ? p - a->period_ns : a->period_ns - p;

			a->period_dev_ns = ewma(a->period_dev_ns, dev);
			a->period_ns = ewma(a->period_ns, p);
		}
	}
	a->wake_ns = now ? now : 1; /* 0 means "no activation yet" */
	a->wake_work_ns = a->work_ns;
	a->ran = false;
}

void eg_task_activity_run_start(struct eg_task_activity *a, uint64_t now)
{
	uint64_t lat;

	if (a->ran || !a->wake_ns || now < a->wake_ns)
		return;
	a->ran = true;
	lat = now - a->wake_ns;
	a->act_lat_ns = a->nr_activations ? ewma(a->act_lat_ns, lat) : lat;
}

/* The work estimate rises at once and decays by quarters: a deadline is
 * missed by underestimating, so the policy errs towards the larger recent
 * activation. */
void eg_task_activity_sleep(struct eg_task_activity *a, uint64_t now)
{
	uint64_t work, resp;

	if (!a->wake_ns || now < a->wake_ns)
		return;
	work = a->work_ns - a->wake_work_ns;
	resp = now - a->wake_ns;
	if (a->nr_activations == 0) {
		a->act_work_ns = work;
		a->act_resp_ns = resp;
	} else {
		a->act_work_ns = work > a->act_work_ns ? work : ewma(a->act_work_ns, work);
		a->act_resp_ns = ewma(a->act_resp_ns, resp);
	}
	if (a->nr_activations < UINT32_MAX)
		a->nr_activations++;
}

bool eg_task_activity_periodic(const struct eg_task_activity *a)
{
	return a->nr_activations >= EG_TASK_ACTIVITY_MIN && a->period_ns &&
	       a->period_dev_ns * 4 < a->period_ns;
}

uint32_t eg_task_activity_stretch_need(uint64_t work_ns, uint64_t lat_ns, uint32_t stretch_pct,
				       uint32_t cap_max)
{
	uint64_t budget, need;

	if (!work_ns || !cap_max)
		return 0;
	/* run_max = work x 1024 / cap_max; budget = run_max + s (run_max +
	 * lat); need = work x 1024 / budget. */
	budget = work_ns * EG_CAPACITY_SCALE / cap_max;
	budget += (budget + lat_ns) * stretch_pct / 100;
	if (!budget)
		return cap_max;
	need = (work_ns * EG_CAPACITY_SCALE + budget - 1) / budget;
	return need > cap_max ? cap_max : (uint32_t)need;
}

uint32_t eg_task_activity_need(const struct eg_task_activity *a, uint32_t fill_pct)
{
	uint64_t budget, need;

	if (!eg_task_activity_periodic(a) || fill_pct == 0)
		return 0;
	budget = a->period_ns * fill_pct / 100;
	if (!budget)
		return EG_CAPACITY_SCALE;
	need = (a->act_work_ns * EG_CAPACITY_SCALE + budget - 1) / budget;
	if (need == 0)
		need = 1;
	return need > EG_CAPACITY_SCALE ? EG_CAPACITY_SCALE : (uint32_t)need;
}
