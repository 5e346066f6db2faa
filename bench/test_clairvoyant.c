/* Unit tests of the clairvoyant energy reference: the per-job OPP choice,
 * the fallback when no OPP meets the window, the idle energy outside job
 * windows, and the window clamped to the end of the simulation. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "clairvoyant.h"
#include "util.h"

/* One domain of two CPUs. With a single domain its top OPP has capacity
 * 1024, so perf(500 MHz) = 512 and perf(1000 MHz) = 1024. Busy power 100 mW
 * and 400 mW, domain power 50 mW at both, CPU idle states 20 mW (WFI) and
 * 1 mW (deep). */
static struct eg_model *model(void)
{
	struct eg_model *m = calloc(1, sizeof(*m));
	struct eg_pd *pd;

	assert_non_null(m);
	eg_model_init(m);
	eg_strlcpy(m->name, "test", sizeof(m->name));
	pd = &m->pds[m->nr_pds++];
	pd->id = 0;
	eg_strlcpy(pd->name, "p", sizeof(pd->name));
	assert_int_equal(eg_cpumask_parse("0-1", &pd->cpus), 0);
	pd->capacity_dmips_mhz = 1024;
	pd->opps[0] = (struct eg_opp){ .khz = 500000, .power_uw = 100000, .pd_power_uw = 50000 };
	pd->opps[1] = (struct eg_opp){ .khz = 1000000, .power_uw = 400000, .pd_power_uw = 50000 };
	pd->nr_opps = 2;
	pd->cpu_idle[0] = (struct eg_idle_state){ .name = "wfi", .residency_us = 1,
						  .power_uw = 20000 };
	pd->cpu_idle[1] = (struct eg_idle_state){ .name = "deep", .entry_us = 100,
						  .exit_us = 100, .residency_us = 500,
						  .power_uw = 1000 };
	pd->nr_cpu_idle = 2;
	assert_int_equal(eg_model_finalize(m, NULL), 0);
	assert_int_equal(m->pds[0].opps[0].perf, 512);
	assert_int_equal(m->pds[0].opps[1].perf, 1024);
	return m;
}

/* 4 ms of work at perf 512 (2 ms at 1024). */
#define WORK (512ULL * 4000000ULL)

/* Energies in uW x ns = 1e-15 J. A busy CPU costs its power plus half the
 * 50 mW domain power (2 CPUs share it): 125000 uW low, 425000 uW high;
 * idle in a window costs the deep state's 1000 uW. Job A, window 10 ms:
 *   low  = 125000 * 4e6 + 1000 * 6e6 = 5.06e11,
 *   high = 425000 * 2e6 + 1000 * 8e6 = 8.58e11  -> low, 5.06e-4 J.
 * Job B, window 3 ms: low runs 4 ms, too long; high = 8.5e11 + 1000 * 1e6
 *   = 8.51e11 -> 8.51e-4 J.
 * Job C, window 1 ms: nothing fits; the high OPP, busy only: 8.5e11 ->
 *   8.5e-4 J, marked infeasible.
 * Outside windows: 2 CPUs x 10 ms - (10 + 3 + 1) ms = 6 ms at 1000 uW = 6e9
 *   -> 6e-6 J. Total 2.213e-3 J. */
static void test_choice(void **unused)
{
	struct eg_model *m = model();
	const struct eg_sim_job jobs[] = {
		{ .release = 0, .deadline = 10000000, .work = WORK, .pd = 0 },
		{ .release = 0, .deadline = 3000000, .work = WORK, .pd = 0 },
		{ .release = 0, .deadline = 1000000, .work = WORK, .pd = 0 },
	};
	struct eg_clairvoyant_job per[3];
	double e = -1;

	(void)unused;
	assert_int_equal(eg_clairvoyant_energy(m, jobs, 3, 10000000, per, &e), 0);
	assert_int_equal(per[0].opp, 0);
	assert_true(per[0].feasible);
	assert_float_equal(per[0].energy_j, 5.06e-4, 1e-12);
	assert_int_equal(per[1].opp, 1);
	assert_true(per[1].feasible);
	assert_float_equal(per[1].energy_j, 8.51e-4, 1e-12);
	assert_int_equal(per[2].opp, 1);
	assert_false(per[2].feasible);
	assert_float_equal(per[2].energy_j, 8.5e-4, 1e-12);
	assert_float_equal(e, 2.213e-3, 1e-12);
	free(m);
}

/* A job released at 8 ms with its deadline at 18 ms, simulation ending at
 * 10 ms: idle in the window counts up to 10 ms only, 2 ms, no more than either
 * run time, so no idle term: low = 125000 * 4e6 = 5e11, high = 8.5e11 -> low,
 * 5e-4 J. Outside: 2 x 10 ms - 2 ms = 18 ms x 1000 uW = 1.8e10 -> 1.8e-5 J.
 * Total 5.18e-4 J (without the clamp, low would be 5.06e-4 J). */
static void test_window_past_end(void **unused)
{
	struct eg_model *m = model();
	const struct eg_sim_job job = { .release = 8000000, .deadline = 18000000, .work = WORK };
	struct eg_clairvoyant_job per;
	double e = -1;

	(void)unused;
	assert_int_equal(eg_clairvoyant_energy(m, &job, 1, 10000000, &per, &e), 0);
	assert_int_equal(per.opp, 0);
	assert_float_equal(per.energy_j, 5e-4, 1e-12);
	assert_float_equal(e, 5.18e-4, 1e-12);
	free(m);
}

/* No job: only the idle term, 2 CPUs x 10 ms x 1000 uW = 2e10 -> 2e-5 J.
 * A job naming a domain the model lacks is an error. */
static void test_idle_and_bad_pd(void **unused)
{
	struct eg_model *m = model();
	const struct eg_sim_job bad = { .release = 0, .deadline = 1000, .work = 1, .pd = 3 };
	double e = -1;

	(void)unused;
	assert_int_equal(eg_clairvoyant_energy(m, NULL, 0, 10000000, NULL, &e), 0);
	assert_float_equal(e, 2e-5, 1e-15);
	assert_int_equal(eg_clairvoyant_energy(m, &bad, 1, 10000000, NULL, &e), -EINVAL);
	free(m);
}

/* Non-periodic work: no jobs, 2 CPUs x 10 ms, pd_work = WORK (2.048e9).
 * Extra energy per unit of work over the deep idle state (1000 uW):
 *   low  (125000 - 1000) / 512  = 242.1875,
 *   high (425000 - 1000) / 1024 = 414.0625  -> low, 4 ms busy.
 * Extra = 242.1875 * 2.048e9 = 4.96e11; idle 2 x 10 ms at 1000 uW = 2e10.
 * Total 5.16e11 uW ns = 5.16e-4 J (busy 4 ms x 125000 + idle 16 ms x 1000).
 * The same work as a job with a long window is not counted twice: pd_work
 * equal to the jobs' work adds nothing. */
static void test_free_work(void **unused)
{
	struct eg_model *m = model();
	const struct eg_sim_job job = { .release = 0, .deadline = 10000000, .work = WORK,
					.pd = 0 };
	uint64_t work[EG_MAX_PDS] = { WORK };
	double e = -1, e_jobs = -1;

	(void)unused;
	assert_int_equal(eg_clairvoyant_energy_all(m, NULL, 0, work, 10000000, NULL, &e), 0);
	assert_float_equal(e, 5.16e-4, 1e-12);
	assert_int_equal(eg_clairvoyant_energy(m, &job, 1, 10000000, NULL, &e_jobs), 0);
	assert_int_equal(eg_clairvoyant_energy_all(m, &job, 1, work, 10000000, NULL, &e), 0);
	assert_float_equal(e, e_jobs, 1e-15);
	/* 4 x WORK needs 16 ms at the low OPP out of 2 CPUs x 10 ms = 20 ms:
	 * busy 16 ms x 125000 uW = 2e12, idle 4 ms x 1000 uW = 4e9:
	 * 2.004e-3 J. 6 x WORK needs 24 ms, more than the 20 ms there are: its
	 * energy is still all counted, 24 ms x 125000 = 3e12, and no idle:
	 * 3e-3 J. */
	work[0] = 4 * WORK;
	assert_int_equal(eg_clairvoyant_energy_all(m, NULL, 0, work, 10000000, NULL, &e), 0);
	assert_float_equal(e, 2.004e-3, 1e-12);
	work[0] = 6 * WORK;
	assert_int_equal(eg_clairvoyant_energy_all(m, NULL, 0, work, 10000000, NULL, &e), 0);
	assert_float_equal(e, 3e-3, 1e-12);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_window_past_end),
		cmocka_unit_test(test_idle_and_bad_pd),
		cmocka_unit_test(test_free_work),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
