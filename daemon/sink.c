// SPDX-License-Identifier: GPL-2.0-or-later
/* Where decisions go: a dry run prints each as a line on stdout, a real run
 * writes them through the cpufreq and cpuidle sinks (with their back-off
 * and retries), which save every original first for the restore. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "run.h"
#include "uclamp.h"
#include "util.h"

static const char *pd_name(const struct daemon *d, int pd)
{
	return pd >= 0 && pd < d->model->nr_pds ? d->model->pds[pd].name : "?";
}

/* One decision as a line; why (NULL: the decision's reason) closes it. */
static void print_decision(const struct daemon *d, const struct eg_decision *x, const char *why)
{
	uint64_t t = x->ts >= d->start_ns ? x->ts - d->start_ns : x->ts;
	char head[64], what[96];

	snprintf(head, sizeof(head), "t=%" PRIu64 ".%03" PRIu64, (uint64_t)(t / NSEC_PER_SEC),
		 (uint64_t)(t % NSEC_PER_SEC / NSEC_PER_MSEC));
	switch (x->type) {
	case EG_DEC_SET_FREQ:
	case EG_DEC_SET_CAP:
		snprintf(what, sizeof(what), "pd=%s %s %" PRIu32 "%s", pd_name(d, x->target),
			 eg_decision_type_name(x->type), x->value,
			 x->flags & EG_DEC_URGENT ? " urgent" : "");
		break;
	case EG_DEC_IDLE_DISABLE:
		snprintf(what, sizeof(what), "cpu=%d idle-disable 0x%" PRIx32, (int)x->target,
			 x->value);
		break;
	case EG_DEC_TASK_UCLAMP:
		snprintf(what, sizeof(what), "pid=%d task-uclamp min=%" PRIu32 " max=%" PRIu32,
			 (int)x->target, eg_uclamp_min(x->value), eg_uclamp_max(x->value));
		break;
	default:
		snprintf(what, sizeof(what), "cpu=%d %s %" PRIu32, (int)x->target,
			 eg_decision_type_name(x->type), x->value);
		break;
	}
	printf("%s %s (%s)\n", head, what, why ? why : eg_reason_name(x->reason));
}

/* ---------------------------------------------------------------- dry run */

static int dry_run_open(struct daemon *d, uint64_t now)
{
	(void)now;
	if (eg_state_file_exists(d->state.file))
		eg_notice("stale state file %s left alone (dry run)", d->state.file);
	return 0;
}

static int dry_run_apply(struct daemon *d, const struct eg_decision *x, uint64_t now)
{
	(void)now;
	print_decision(d, x, NULL);
	return 0;
}

static void dry_run_flush(struct daemon *d)
{
	(void)d;
	fflush(stdout);
}

/* The loop waits for the sink's retries: the end of a hint is one. */
static uint64_t dry_run_next_retry(const struct daemon *d)
{
	return daemon_hints_next(d);
}

static void dry_run_retry(struct daemon *d, uint64_t now)
{
	daemon_hints_expire(d, now);
}

static void dry_run_original_limits(const struct daemon *d, int pd, uint32_t *min_khz,
				    uint32_t *max_khz)
{
	(void)d;
	(void)pd;
	*min_khz = *max_khz = 0;
}

static void dry_run_close(struct daemon *d)
{
	(void)d;
}

const struct sink_ops eg_sink_dry_run = {
	.open = dry_run_open,
	.apply = dry_run_apply,
	.flush = dry_run_flush,
	.next_retry = dry_run_next_retry,
	.retry = dry_run_retry,
	.original_limits = dry_run_original_limits,
	.close = dry_run_close,
};

/* ------------------------------------------------------------------ sysfs */

static int sysfs_open(struct daemon *d, uint64_t now)
{
	int r;

	if (eg_state_file_exists(d->state.file)) {
		eg_notice("stale state file %s: a previous run did not finish; restoring it",
			  d->state.file);
		eg_state_restore_file(d->state.file);
	}
	d->state_in_use = true;
	r = eg_cpufreq_open(&d->cpufreq, &d->sysfs, d->model, &d->state, now);
	if (r == 0)
		d->cpufreq_open = true;
	else if (r == -ENODEV)
		eg_notice("cpufreq: no policy to drive; frequency decisions are not applied");
	else
		return eg_log_errno(r, "cpufreq");
	r = eg_cpuidle_open(&d->cpuidle, &d->sysfs, d->model->nr_cpus, &d->state);
	if (r == 0)
		d->cpuidle_open = true;
	else if (r == -ENODEV)
		eg_notice("cpuidle: no CPU has a QoS or idle-state knob; idle decisions are "
			  "not applied");
	else
		return eg_log_errno(r, "cpuidle");
	return 0;
}

/* A task's clamp: its original is saved (and the state file written) before
 * the first change; (0, 1024) puts that original back and forgets it, and
 * leaves a task eagovd never clamped alone. A task that exited is -ESRCH. */
static int task_uclamp_apply(struct daemon *d, const struct eg_decision *x)
{
	pid_t pid = (pid_t)x->target;
	uint32_t min = eg_uclamp_min(x->value), max = eg_uclamp_max(x->value);
	struct eg_uclamp orig;
	uint64_t start;
	char key[64];
	bool had;
	int r;

	if (min > max || max > EG_UCLAMP_SCALE)
		return -EINVAL;
	r = eg_task_start_time(pid, &start);
	if (r < 0)
		return r;
	eg_uclamp_state_key(pid, start, key, sizeof(key));
	if (min == 0 && max == EG_UCLAMP_SCALE) {
		if (eg_uclamp_saved(&d->state, pid, start, &orig) < 0)
			return 0;
		r = orig.min == 0 && orig.max == EG_UCLAMP_SCALE ?
			    eg_uclamp_reset(pid) :
			    eg_uclamp_set(pid, orig.min, orig.max);
		if (r < 0 && r != -ESRCH)
			return r;
		eg_state_remove(&d->state, key);
		eg_state_save(&d->state);
		return r;
	}
	had = eg_uclamp_saved(&d->state, pid, start, &orig) == 0;
	r = eg_uclamp_save_original(&d->state, pid, start);
	if (r < 0)
		return r;
	r = eg_uclamp_set(pid, min, max);
	if (r < 0 && !had) {
		/* Nothing changed: no original to keep for it. */
		eg_state_remove(&d->state, key);
		eg_state_save(&d->state);
	}
	return r;
}

static int sysfs_apply(struct daemon *d, const struct eg_decision *x, uint64_t now)
{
	switch (x->type) {
	case EG_DEC_SET_FREQ:
	case EG_DEC_SET_CAP:
		return d->cpufreq_open ? eg_cpufreq_hold(&d->cpufreq, x, now) : -ENODEV;
	case EG_DEC_IDLE_LATENCY:
	case EG_DEC_IDLE_DISABLE:
		return d->cpuidle_open ? eg_cpuidle_apply(&d->cpuidle, x, now) : -ENODEV;
	case EG_DEC_TASK_UCLAMP:
		return task_uclamp_apply(d, x);
	default:
		return -ENODEV;
	}
}

/* The frequency requests held during the batch: one write per domain. */
static void sysfs_flush(struct daemon *d)
{
	if (d->cpufreq_open)
		eg_cpufreq_flush(&d->cpufreq, daemon_now_ns());
}

/* The sinks' retry times use 0 for "none": eg_deadline_min turns that into
 * EG_NEVER. */
static uint64_t sysfs_next_retry(const struct daemon *d)
{
	uint64_t t = EG_NEVER;

	if (d->cpufreq_open)
		t = EG_MIN(t, eg_deadline_min(eg_cpufreq_next_retry(&d->cpufreq), EG_NEVER));
	if (d->cpuidle_open)
		t = EG_MIN(t, eg_deadline_min(eg_cpuidle_next_retry(&d->cpuidle), EG_NEVER));
	return EG_MIN(t, daemon_hints_next(d));
}

static void sysfs_retry(struct daemon *d, uint64_t now)
{
	if (d->cpufreq_open)
		eg_cpufreq_retry(&d->cpufreq, now);
	if (d->cpuidle_open)
		eg_cpuidle_retry(&d->cpuidle, now);
	daemon_hints_expire(d, now);
}

static void sysfs_original_limits(const struct daemon *d, int pd, uint32_t *min_khz,
				  uint32_t *max_khz)
{
	*min_khz = *max_khz = 0;
	if (d->cpufreq_open && d->cpufreq.pd[pd].mode != EG_CPUFREQ_NONE) {
		*min_khz = d->cpufreq.pd[pd].orig_min_khz;
		*max_khz = d->cpufreq.pd[pd].orig_max_khz;
	}
}

static void sysfs_close(struct daemon *d)
{
	if (d->cpufreq_open)
		eg_cpufreq_close(&d->cpufreq);
	if (d->cpuidle_open)
		eg_cpuidle_close(&d->cpuidle);
	d->cpufreq_open = d->cpuidle_open = false;
}

const struct sink_ops eg_sink_sysfs = {
	.open = sysfs_open,
	.apply = sysfs_apply,
	.flush = sysfs_flush,
	.next_retry = sysfs_next_retry,
	.retry = sysfs_retry,
	.original_limits = sysfs_original_limits,
	.close = sysfs_close,
};

int daemon_sink_apply_labelled(struct daemon *d, const struct eg_decision *x, const char *why,
			       uint64_t now)
{
	if (d->sink == &eg_sink_dry_run) {
		print_decision(d, x, why);
		fflush(stdout);
		return 0;
	}
	return d->sink->apply(d, x, now);
}
