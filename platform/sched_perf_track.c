// SPDX-License-Identifier: GPL-2.0-or-later
/* The perf source's mirror of the busy time signals.c will count from the
 * stream, and its reconciliation with cpuidle residency (sched_perf.h). */
#include <string.h>

#include "log.h"
#include "sched_perf.h"
#include "sched_perf_priv.h"

#if HAVE_PERF && EG_PERF_HEADERS

/* ---- Stream bookkeeping (mirrors what signals.c will count). */

/* A pid already listed keeps its time: signals.c does not re-enqueue a
 * task it has as runnable. */
static void runnable_add(struct track *k, int32_t pid, uint64_t ts)
{
	for (int i = 0; i < k->nr_runnable; i++)
		if (k->runnable[i].pid == pid)
			return;
	if (k->nr_runnable == RUNNABLE_SLOTS) {
		/* Oldest out: a wakeup that old has long been run. */
		memmove(k->runnable, k->runnable + 1,
			sizeof(k->runnable[0]) * (RUNNABLE_SLOTS - 1));
		k->nr_runnable--;
	}
	k->runnable[k->nr_runnable].pid = pid;
	k->runnable[k->nr_runnable].since = ts;
	k->nr_runnable++;
}

/* Drop pid from the list; *since (when not NULL) gets when it became
 * runnable. False when it was not listed. */
static bool runnable_take(struct track *k, int32_t pid, uint64_t *since)
{
	for (int i = 0; i < k->nr_runnable; i++)
		if (k->runnable[i].pid == pid) {
			if (since)
				*since = k->runnable[i].since;
			k->runnable[i] = k->runnable[--k->nr_runnable];
			return true;
		}
	return false;
}

void eg_perf_track_event(struct eg_source *s, const struct eg_event *ev)
{
	struct track *k;
	uint64_t woke, from;
	bool queued;

	switch (ev->type) {
	case EG_EV_SWITCH:
		k = &s->trk[ev->cpu];
		if (k->curr != ev->sw.prev_pid && k->curr == 0 && ev->sw.prev_pid > 0 &&
		    runnable_take(k, ev->sw.prev_pid, &woke)) {
			/* Lost switch out of idle: signals.c runs prev from
			 * when it could first run, max(its wakeup, the CPU
			 * going idle); the same span here, so that the
			 * corrections carry only what neither side saw. */
			from = EG_MAX(woke, k->since);
			if (ev->ts > from)
				k->busy += ev->ts - from;
		}
		/* A switch out of idle finding a task current lost that
		 * task's switch out: signals.c counts the time since its
		 * switch in idle, and so does this mirror. */
		if (k->curr != 0 && ev->ts > k->since && ev->sw.prev_pid != 0)
			k->busy += ev->ts - k->since;
		if (ev->sw.prev_pid > 0 && ev->sw.prev_runnable)
			runnable_add(k, ev->sw.prev_pid, ev->ts);
		if (ev->sw.next_pid > 0)
			runnable_take(k, ev->sw.next_pid, NULL);
		else
			/* As signals.c: a CPU does not go idle with a task
			 * runnable on it, so what is still queued is stale. */
			k->nr_runnable = 0;
		k->curr = ev->sw.next_pid > 0 ? ev->sw.next_pid : 0;
		k->since = ev->ts;
		break;
	case EG_EV_WAKEUP:
		if (ev->wakeup.target_cpu >= 0 && ev->wakeup.target_cpu < s->nr_cpus) {
			k = &s->trk[ev->wakeup.target_cpu];
			if (ev->wakeup.pid != k->curr)
				runnable_add(k, ev->wakeup.pid, ev->ts);
		}
		break;
	case EG_EV_MIGRATE:
		/* A queued task moves its wait along: signals.c has it
		 * runnable on dest from the migration on. */
		queued = ev->migrate.orig_cpu >= 0 && ev->migrate.orig_cpu < s->nr_cpus &&
			 runnable_take(&s->trk[ev->migrate.orig_cpu], ev->migrate.pid, NULL);
		if (queued && ev->migrate.dest_cpu >= 0 && ev->migrate.dest_cpu < s->nr_cpus) {
			k = &s->trk[ev->migrate.dest_cpu];
			if (ev->migrate.pid != k->curr)
				runnable_add(k, ev->migrate.pid, ev->ts);
		}
		break;
	default:
		break;
	}
}

static uint64_t track_busy_at(const struct track *k, uint64_t now)
{
	return k->busy + (k->curr != 0 && now > k->since ? now - k->since : 0);
}

/* ---- Reconciliation. */

int eg_perf_reconcile(struct eg_source *s, uint64_t now, uint64_t stamp, struct eg_event *ev,
		      int max)
{
	int n, k = 0;

	n = eg_sched_poll_sample(&s->poll, now, s->poll_ev, s->nr_cpus);
	for (int cpu = 0; cpu < s->nr_cpus; cpu++) {
		struct track *t = &s->trk[cpu];

		if (!t->base_set) {
			/* The first sample is the poll's baseline for every CPU;
			 * a CPU that came online later starts with its first
			 * window (handled below). */
			t->base_set = true;
			t->base_busy = track_busy_at(t, now);
			t->last_corr = now;
		}
	}
	for (int i = 0; i < n; i++) {
		const struct eg_event *p = &s->poll_ev[i];
		struct track *t;
		uint64_t stream, resid, inprog = 0;

		if (p->cpu < 0 || p->cpu >= s->nr_cpus)
			continue;
		t = &s->trk[p->cpu];
		t->poll_busy += p->busy.busy_ns;
		stream = track_busy_at(t, now) - t->base_busy + t->corr;
		/* An idle period in progress is not in the residency yet. */
		if (t->curr == 0 && now > t->since)
			inprog = now - t->since;
		resid = t->poll_busy > inprog ? t->poll_busy - inprog : 0;
		/* Above the reference's own rounding, twice over: from
		 * /proc/stat (10 ms ticks) a smaller deficit is as likely
		 * the rounding as a lost event, and correcting it would
		 * keep the fast pace going on a CPU that loses nothing. */
		if (resid > stream + EG_MAX(EG_PERF_RECONCILE_MIN_NS,
					    2 * eg_sched_poll_resolution_ns(&s->poll, p->cpu)) &&
		    k < max) {
			struct eg_event *c = &ev[k++];

			memset(c, 0, sizeof(*c));
			c->type = EG_EV_BUSY_SAMPLE;
			c->ts = stamp;
			c->cpu = p->cpu;
			c->busy.busy_ns = resid - stream;
			c->busy.window_ns = EG_MAX(c->ts - t->last_corr, c->busy.busy_ns);
			c->busy.correction = true;
			t->corr += c->busy.busy_ns;
			t->last_corr = c->ts;
			/* A CPU losing events falls short by a share of its
			 * time; interrupt time (busy to the residency, idle to
			 * the stream) drifts by a fraction of a percent, 24 ms
			 * in 15 s here, which the slow pace corrects well. */
			if (c->busy.busy_ns * 100 >= c->busy.window_ns * EG_PERF_LOSSY_MIN_PCT)
				t->lossy_until = now + EG_PERF_LOSSY_HOLD_MS * NSEC_PER_MSEC;
			eg_debug("perf: cpu%d busy %.1f ms short of cpuidle residency, corrected",
				 p->cpu, (double)c->busy.busy_ns / 1e6);
		}
	}
	return k;
}

/* When to reconcile next: soon while some CPU is losing events (each
 * correction lands in PELT at once and the average decays until the next
 * one, see sched_perf.h), at the slow pace when the stream is complete. */
uint64_t eg_perf_reconcile_period(const struct eg_source *s, uint64_t now)
{
	for (int cpu = 0; cpu < s->nr_cpus; cpu++)
		if (s->trk[cpu].lossy_until > now)
			return EG_PERF_RECONCILE_FAST_MS * NSEC_PER_MSEC;
	return EG_PERF_RECONCILE_MS * NSEC_PER_MSEC;
}

#endif
