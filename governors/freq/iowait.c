// SPDX-License-Identifier: GPL-2.0-or-later
/* The iowait boost of the kernel's schedutil (cpufreq_schedutil.c's
 * sugov_iowait_boost / _apply), shared by the policies that use it. */
#include "iowait.h"

#include "model.h"
#include "util.h"

/* TICK_NSEC for HZ=250, the usual distribution kernel. The kernel resets an
 * iowait boost when a CPU went a whole tick without a util update: with a
 * busy CPU the tick alone updates it, so a longer gap means it slept. */
#define IOWAIT_TICK_NS (4 * NSEC_PER_MSEC)

/* The first iowait boost, 1/8 of full capacity (IOWAIT_BOOST_MIN in kernels
 * since 5.18; older ones started at the policy's min frequency). */
#define IOWAIT_BOOST_MIN (EG_CAPACITY_SCALE / 8)

/* A CPU that saw no util update for more than a tick has been idle: the I/O
 * pattern that earned it a boost is over, so the boost starts again (from
 * the minimum if this update is itself an iowait wakeup, else from zero). */
static bool iowait_reset(struct eg_iowait *w, uint64_t now, bool request)
{
	if (now < w->last_update || now - w->last_update <= IOWAIT_TICK_NS)
		return false;
	w->boost = request ? IOWAIT_BOOST_MIN : 0;
	w->pending = request;
	return true;
}

/* A task that keeps waking from I/O waits has low util (it sleeps a lot)
 * yet its throughput is bound by how fast the CPU handles each completion.
 * Each consecutive iowait wakeup doubles the boost, from 1/8 of full
 * capacity up to full, so only a sustained I/O stream earns a high
 * frequency. It doubles at most once per frequency choice (pending). */
void eg_iowait_update(struct eg_iowait *w, uint64_t now, bool request, bool enabled)
{
	if (enabled && !(w->boost && iowait_reset(w, now, request)) && request && !w->pending) {
		w->pending = true;
		w->boost = w->boost ? EG_MIN(w->boost * 2, EG_CAPACITY_SCALE) : IOWAIT_BOOST_MIN;
	}
	w->last_update = now;
}

/* Each choice without a fresh request halves the boost, so a stream that
 * stops decays over a few updates instead of keeping the CPU fast; below
 * the minimum it is dropped. */
uint32_t eg_iowait_apply(struct eg_iowait *w, uint64_t now, uint32_t max_cap)
{
	if (!w->boost)
		return 0;
	if (iowait_reset(w, now, false))
		return 0;
	if (!w->pending) {
		w->boost /= 2;
		if (w->boost < IOWAIT_BOOST_MIN) {
			w->boost = 0;
			return 0;
		}
	}
	w->pending = false;
	return (uint32_t)((uint64_t)w->boost * max_cap / EG_CAPACITY_SCALE);
}
