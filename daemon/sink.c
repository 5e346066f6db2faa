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
#include "util.h"

static const char *pd_name(const struct daemon *d, int pd)
{
	return pd >= 0 && pd < d->model->nr_pds ? d->model->pds[pd].name : "?";
}

static void print_decision(const struct daemon *d, const struct eg_decision *x)
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
	default:
		snprintf(what, sizeof(what), "cpu=%d %s %" PRIu32, (int)x->target,
			 eg_decision_type_name(x->type), x->value);
		break;
	}
	printf("%s %s (%s)\n", head, what, eg_reason_name(x->reason));
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
	print_decision(d, x);
	return 0;
}

static void dry_run_flush(struct daemon *d)
{
	(void)d;
	fflush(stdout);
}

static uint64_t dry_run_next_retry(const struct daemon *d)
{
	(void)d;
	return EG_NEVER;
}

static void dry_run_retry(struct daemon *d, uint64_t now)
{
	(void)d;
	(void)now;
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

static int sysfs_apply(struct daemon *d, const struct eg_decision *x, uint64_t now)
{
	switch (x->type) {
	case EG_DEC_SET_FREQ:
	case EG_DEC_SET_CAP:
		return d->cpufreq_open ? eg_cpufreq_apply(&d->cpufreq, x, now) : -ENODEV;
	case EG_DEC_IDLE_LATENCY:
	case EG_DEC_IDLE_DISABLE:
		return d->cpuidle_open ? eg_cpuidle_apply(&d->cpuidle, x, now) : -ENODEV;
	default:
		return -ENODEV;
	}
}

static void sysfs_flush(struct daemon *d)
{
	(void)d;
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
	return t;
}

static void sysfs_retry(struct daemon *d, uint64_t now)
{
	if (d->cpufreq_open)
		eg_cpufreq_retry(&d->cpufreq, now);
	if (d->cpuidle_open)
		eg_cpuidle_retry(&d->cpuidle, now);
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
