// SPDX-License-Identifier: GPL-2.0-or-later
/* The perf source's reconciliation of its stream's busy time with a CPU's
 * busy time from /proc/stat's idle time (a fake tree without cpuidle): a
 * deficit within the reference's rounding (two 10 ms ticks) is not
 * corrected; a larger one is, and puts the source at the fast pace when it
 * is a share of the time (lost events), not when it is a slow drift
 * (interrupt time). The stream is set by hand in the source's mirror. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "sched_perf.h"
#include "sched_perf_priv.h"

#if HAVE_PERF && EG_PERF_HEADERS

#define MS NSEC_PER_MSEC
#define T0 (1000 * MS)

/* /proc/stat with cpu0's user and idle ticks (USER_HZ). */
static void set_proc(const struct fx *fx, unsigned user, unsigned idle)
{
	char text[256];

	snprintf(text, sizeof(text),
		 "cpu  %u 0 0 %u 0 0 0 0 0 0\ncpu0 %u 0 0 %u 0 0 0 0 0 0\nctxt 1\n", user, idle,
		 user, idle);
	fx_write(fx, "/proc/stat", text);
}

/* The stream has cpu0 busy for busy ns since open, idle from now on (no
 * idle period in progress to take off the reference). */
static int reconcile(struct eg_source *s, uint64_t now, uint64_t busy, struct eg_event *ev)
{
	s->trk[0].curr = 0;
	s->trk[0].since = now;
	s->trk[0].busy = busy;
	return eg_perf_reconcile(s, now, now, ev, 4);
}

static void test_thresholds(void **state)
{
	struct eg_source *s = calloc(1, sizeof(*s));
	struct eg_event ev[4];
	struct eg_sysfs fs;
	struct fx fx;

	(void)state;
	assert_non_null(s);
	fx_create(&fx, false);
	fx_rm(&fx, "/sys/devices/system/cpu/cpu0/cpuidle");
	assert_int_equal(eg_sysfs_init(&fs, fx.root), 0);
	s->nr_cpus = 1;
	s->trk = calloc(1, sizeof(*s->trk));
	s->poll_ev = calloc(1, sizeof(*s->poll_ev));
	assert_non_null(s->trk);
	assert_non_null(s->poll_ev);
	set_proc(&fx, 100, 1000);
	assert_int_equal(eg_sched_poll_open(&s->poll, &fs, 1), 0);
	s->have_poll = true;
	/* The baselines. */
	assert_int_equal(reconcile(s, T0, 0, ev), 0);
	/* 100 ms with 90 ms idle: 10 ms busy that the stream did not see,
	 * under two ticks: the rounding's, no correction, slow pace. */
	set_proc(&fx, 101, 1009);
	assert_int_equal(reconcile(s, T0 + 100 * MS, 0, ev), 0);
	assert_int_equal(eg_perf_reconcile_period(s, T0 + 100 * MS), EG_PERF_RECONCILE_MS * MS);
	/* Another 30 ms: 40 ms short over 200 ms, a fifth of the time: the
	 * stream lost events; corrected, and the fast pace for a while. */
	set_proc(&fx, 104, 1016);
	assert_int_equal(reconcile(s, T0 + 200 * MS, 0, ev), 1);
	assert_int_equal(ev[0].type, EG_EV_BUSY_SAMPLE);
	assert_true(ev[0].busy.correction);
	assert_int_equal(ev[0].busy.busy_ns, 40 * MS);
	assert_int_equal(ev[0].busy.window_ns, 200 * MS);
	assert_int_equal(eg_perf_reconcile_period(s, T0 + 200 * MS),
			 EG_PERF_RECONCILE_FAST_MS * MS);
	/* 10 s later, 30 ms more busy of which the stream saw 5: a 25 ms
	 * drift over 10 s (0.25 %) is corrected, at the slow pace. */
	set_proc(&fx, 107, 2013);
	assert_int_equal(reconcile(s, T0 + 10200 * MS, 5 * MS, ev), 1);
	assert_int_equal(ev[0].busy.busy_ns, 25 * MS);
	assert_int_equal(eg_perf_reconcile_period(s, T0 + 10200 * MS), EG_PERF_RECONCILE_MS * MS);
	eg_sched_poll_close(&s->poll);
	free(s->trk);
	free(s->poll_ev);
	free(s);
	fx_destroy(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#else

int main(void)
{
	printf("skipped: built without the perf source\n");
	return 77;
}

#endif
