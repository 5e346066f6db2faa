// SPDX-License-Identifier: GPL-2.0-or-later
/* The bpf program's decision to wake user space, run here on scripted
 * loads (the arithmetic is the program's own, shared in a header): bursts
 * under the busy-fraction limits of a CPU at its lowest OPP send nothing,
 * a load that matters there does, and an idle CPU's fall is timed to the
 * period it crosses. No privileges needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bpf/sched_bpf_shared.h"
#include "engine.h"
#include "policy.h"
#include "util.h"

#define WIN_NS (4 * NSEC_PER_MSEC) /* the program's rate window */

/* A CPU as the program sees it: its average and the one last sent. */
struct cpu {
	uint32_t avg, sent;
	int wakes;
};

/* One rate window busy busy_ns: true when it woke user space. */
static bool window(struct cpu *c, uint64_t busy_ns, uint32_t rise, uint32_t floor)
{
	c->avg = eg_bpf_avg_next(c->avg, busy_ns, WIN_NS);
	if (!eg_bpf_wakes(c->sent, c->avg, rise, floor))
		return false;
	c->sent = c->avg;
	c->wakes++;
	return true;
}

/* secs of a CPU idle but for a burst_ms fully busy burst each second. */
static int bursts(uint32_t rise, uint32_t floor, int secs, int burst_ms)
{
	struct cpu c = { 0 };

	for (int w = 0; w < secs * 250; w++)
		window(&c, (w % 250) * 4 < burst_ms ? WIN_NS : 0, rise, floor);
	return c.wakes;
}

static void test_pelt(void **unused)
{
	(void)unused;
	/* 32 periods fully busy from 0: half; then 32 idle: half again. */
	assert_int_equal(eg_bpf_avg_next(0, 32ULL << 20, 32ULL << 20), 512);
	assert_int_equal(eg_bpf_avg_next(512, 0, 32ULL << 20), 256);
	assert_int_equal(eg_bpf_pelt_left(0), 1024);
	assert_int_equal(eg_bpf_pelt_left(64), 256);
	assert_int_equal(eg_bpf_pelt_left(32 * 11), 0);
	/* Busy past the window counts as the window. */
	assert_int_equal(eg_bpf_avg_next(0, 64ULL << 20, 32ULL << 20), 512);
}

/* A rise wakes at rise, a fall at twice it, not while both ends are under
 * the floor; 1025 is never reached. */
static void test_wake_rule(void **unused)
{
	(void)unused;
	assert_true(eg_bpf_wakes(300, 329, 29, 232));
	assert_false(eg_bpf_wakes(300, 328, 29, 232));
	assert_true(eg_bpf_wakes(300, 242, 29, 232));
	assert_false(eg_bpf_wakes(300, 243, 29, 232));
	/* Under the floor at both ends: quiet; crossing it: heard. */
	assert_false(eg_bpf_wakes(100, 200, 29, 232));
	assert_true(eg_bpf_wakes(100, 240, 29, 232));
	assert_true(eg_bpf_wakes(240, 100, 29, 232));
	assert_false(eg_bpf_wakes(0, 1024, 1025, 1025));
	assert_false(eg_bpf_wakes(1024, 0, 1025, 0));
}

/* The figures' VM at its lowest OPP (533 of 1844 MHz) with schedutil: 29
 * and 232 of util. What was measured there: a 20 ms burst a second from
 * other processes. In util terms it lifts the average to 345 and back,
 * past the floor, so comparing util limits with the busy fraction woke
 * user space twice a burst for a load schedutil answers with the lowest
 * OPP all the same (345 x 295 / 1024 = 99 of util, under 232). The limits
 * as busy fractions there (100, 805) keep it quiet. */
static void test_bursts_at_low_opp(void **unused)
{
	uint32_t rise = eg_util_busy_limit(29, 1024, 295),
		 floor = eg_util_busy_limit(232, 1024, 295);

	(void)unused;
	assert_int_equal(rise, 100);
	assert_int_equal(floor, 805);
	assert_int_equal(bursts(rise, floor, 10, 20), 0);
	assert_true(bursts(29, 232, 10, 20) >= 10);
	/* At the top OPP the same burst is 345 of util: it matters there. */
	assert_true(bursts(eg_util_busy_limit(29, 1024, 1024), eg_util_busy_limit(232, 1024, 1024),
			   10, 20) >= 10);
}

/* A load that does matter at the lowest OPP is heard: 90 % busy there is
 * util 265, over the floor; the average passes 805 and wakes user space,
 * no sooner. */
static void test_load_heard_at_low_opp(void **unused)
{
	struct cpu c = { 0 };
	int first = -1;

	(void)unused;
	for (int w = 0; w < 250; w++)
		if (window(&c, WIN_NS * 9 / 10, 100, 805) && first < 0) {
			first = w;
			assert_true(c.avg >= 805);
		}
	assert_true(first > 0);
	/* The average settles under 921 (90 %): rounding down each window
	 * stops it where the window's pull, 64 x (921 - avg) / 1024, is under
	 * one, at 906. Once over the floor, only a rise of 100 more wakes it,
	 * which never comes. */
	assert_int_equal(c.avg, 906);
	assert_true(c.wakes >= 1 && c.wakes <= 2);
}

/* An idle CPU's fall: the program waits the periods after which its
 * average is at or under sent - 2 x rise, and not one fewer. */
static void test_fall_periods(void **unused)
{
	static const struct {
		uint32_t sent, avg, rise, floor;
	} cases[] = {
		{ 900, 900, 29, 232 },	{ 1024, 1000, 100, 805 }, { 600, 590, 29, 232 },
		{ 300, 300, 29, 232 },	{ 1024, 1024, 1, 0 },	  { 100, 100, 50, 0 },
		{ 1000, 700, 29, 232 }, { 900, 900, 400, 0 },
	};

	(void)unused;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t s = cases[i].sent, a = cases[i].avg, r = cases[i].rise, f = cases[i].floor;
		uint64_t n = eg_bpf_fall_periods(s, a, r, f);
		uint32_t after = eg_bpf_avg_next(a, 0, n << 20);

		assert_true(n >= 1);
		assert_true(after + 2 * r <= s);
		assert_true(eg_bpf_wakes(s, after, r, f));
		if (n > 1 && a + 2 * r > s) {
			uint32_t before = eg_bpf_avg_next(a, 0, (n - 1) << 20);

			assert_false(eg_bpf_wakes(s, before, r, f));
		}
	}
	/* No fall that can wake: sent under the floor, too low to fall by
	 * twice the rise, or a rise never reached. */
	assert_int_equal(eg_bpf_fall_periods(200, 200, 29, 232), 0);
	assert_int_equal(eg_bpf_fall_periods(50, 50, 29, 0), 0);
	assert_int_equal(eg_bpf_fall_periods(1024, 1024, 1025, 1025), 0);
	assert_int_equal(eg_bpf_fall_periods(1024, 1024, 1025, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pelt),
		cmocka_unit_test(test_wake_rule),
		cmocka_unit_test(test_bursts_at_low_opp),
		cmocka_unit_test(test_load_heard_at_low_opp),
		cmocka_unit_test(test_fall_periods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
