// SPDX-License-Identifier: GPL-2.0-or-later
/* The bpf program's decision to wake user space, run here on scripted
 * loads (the arithmetic is the program's own, shared in a header): with
 * busy time turned into util at the CPU's frequency, bursts that leave a
 * CPU at its lowest OPP under the floor send nothing, a load that matters
 * there does, a saturated CPU keeps being heard as its frequency climbs,
 * and an idle CPU's fall is timed to the period it crosses. No privileges
 * needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bpf/sched_bpf_shared.h"
#include "util.h"

#define WIN_NS (4 * NSEC_PER_MSEC) /* the program's rate window */

/* A CPU as the program sees it: its average and the one last sent. */
struct cpu {
	uint32_t avg, sent;
	int wakes;
};

/* The figures' VM tree: HiKey960 little OPPs on capacity-1024 CPUs, and
 * schedutil's threshold and floor there (README). */
static const uint32_t opps[] = { 533000, 999000, 1402000, 1709000, 1844000 };
#define THRESHOLD 29
#define FLOOR 232

/* The util scale at an OPP, as the engine's signals compute it. */
static uint32_t scale_at(uint32_t khz)
{
	return (uint32_t)((uint64_t)khz * 1024 / 1844000);
}

/* One rate window busy busy_ns at scale: true when it woke user space. */
static bool window(struct cpu *c, uint64_t busy_ns, uint32_t scale)
{
	c->avg = eg_bpf_avg_next(c->avg, busy_ns, WIN_NS, scale);
	if (!eg_bpf_wakes(c->sent, c->avg, THRESHOLD, FLOOR))
		return false;
	c->sent = c->avg;
	c->wakes++;
	return true;
}

/* secs of a CPU idle but for a burst_ms fully busy burst each second. */
static int bursts(uint32_t scale, int secs, int burst_ms)
{
	struct cpu c = { 0 };

	for (int w = 0; w < secs * 250; w++)
		window(&c, (w % 250) * 4 < burst_ms ? WIN_NS : 0, scale);
	return c.wakes;
}

static void test_pelt(void **unused)
{
	(void)unused;
	/* 32 periods fully busy from 0: half; then 32 idle: half again. */
	assert_int_equal(eg_bpf_avg_next(0, 32ULL << 20, 32ULL << 20, 1024), 512);
	assert_int_equal(eg_bpf_avg_next(512, 0, 32ULL << 20, 1024), 256);
	assert_int_equal(eg_bpf_pelt_left(0), 1024);
	assert_int_equal(eg_bpf_pelt_left(64), 256);
	assert_int_equal(eg_bpf_pelt_left(32 * 11), 0);
	/* Busy past the window counts as the window. */
	assert_int_equal(eg_bpf_avg_next(0, 64ULL << 20, 32ULL << 20, 1024), 512);
	/* At half the top frequency a fully busy window is worth half. */
	assert_int_equal(eg_bpf_avg_next(0, 32ULL << 20, 32ULL << 20, 512), 256);
	/* And half busy at scale 295: 147 of util, half of it after 32. */
	assert_int_equal(eg_bpf_avg_next(0, 16ULL << 20, 32ULL << 20, 295), 73);
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
	/* A heartbeat wakes only at or over the floor under the top
	 * frequency, and never when no change matters. */
	assert_true(eg_bpf_beat_wakes(262, 280, 29, 232, 295));
	assert_true(eg_bpf_beat_wakes(240, 200, 29, 232, 295));
	assert_false(eg_bpf_beat_wakes(100, 200, 29, 232, 295));
	assert_false(eg_bpf_beat_wakes(1000, 1010, 29, 232, 1024));
	assert_false(eg_bpf_beat_wakes(1024, 1024, 1025, 1024, 295));
}

/* The figures' VM at its lowest OPP (533 of 1844 MHz, scale 295). What
 * was measured there: a 20 ms burst a second from other processes. As a
 * busy fraction it lifts the average to a third (345) and back, past the
 * floor, which woke user space twice a burst; as util it is 345 x 295 /
 * 1024 = 99, under the floor, which schedutil answers with the lowest OPP
 * all the same: nothing is sent. At the top OPP the same bursts do
 * matter and are heard. */
static void test_bursts_at_low_opp(void **unused)
{
	(void)unused;
	assert_int_equal(scale_at(opps[0]), 295);
	assert_int_equal(bursts(scale_at(opps[0]), 10, 20), 0);
	assert_true(bursts(1024, 10, 20) >= 10);
}

/* A load that does matter at the lowest OPP is heard: 90 % busy there is
 * util 265, over the floor; the average wakes user space when it passes
 * the floor, no sooner, and once more at most as it settles (rounding
 * down each window stops it at 250). */
static void test_load_heard_at_low_opp(void **unused)
{
	struct cpu c = { 0 };
	int first = -1;

	(void)unused;
	for (int w = 0; w < 250; w++)
		if (window(&c, WIN_NS * 9 / 10, scale_at(opps[0])) && first < 0) {
			first = w;
			assert_true(c.avg >= FLOOR);
		}
	assert_true(first > 0);
	assert_int_equal(c.avg, 250);
	assert_true(c.wakes >= 1 && c.wakes <= 2);
}

/* A CPU that is saturated from idle, with a schedutil-like answer at each
 * wakeup (the lowest OPP at or over util x 1.25 of the top). Its busy
 * fraction is 1 at every OPP, so an average of busy fractions would wake
 * user space once and then never again, leaving it at the OPP of its
 * first answer; its util grows after each raise, as the engine's does,
 * and is heard each threshold: the top OPP within a third of a second (as
 * in the kernel, where util takes that long to reach it), in 17 wakeups. */
static void test_saturated_cpu_climbs(void **unused)
{
	struct cpu c = { 0 };
	size_t opp = 0;
	int w;

	(void)unused;
	for (w = 0; w < 250 && opp + 1 < ARRAY_SIZE(opps); w++) {
		uint64_t want;

		if (!window(&c, WIN_NS, scale_at(opps[opp])))
			continue;
		want = (uint64_t)c.avg * 1844000 * 125 / 100 / 1024;
		while (opp + 1 < ARRAY_SIZE(opps) && opps[opp] < want)
			opp++;
	}
	assert_int_equal(opp, ARRAY_SIZE(opps) - 1);
	assert_true(w * 4 <= 320);
	assert_true(c.wakes <= 20);
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
		uint32_t after = eg_bpf_avg_next(a, 0, n << 20, 1024);

		assert_true(n >= 1);
		assert_true(after + 2 * r <= s);
		assert_true(eg_bpf_wakes(s, after, r, f));
		if (n > 1 && a + 2 * r > s) {
			uint32_t before = eg_bpf_avg_next(a, 0, (n - 1) << 20, 1024);

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
		cmocka_unit_test(test_saturated_cpu_climbs),
		cmocka_unit_test(test_fall_periods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
