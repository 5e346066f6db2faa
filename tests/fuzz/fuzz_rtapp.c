// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz target: rt-app workload files, read, compiled for the simulated
 * HiKey960 and simulated for a short virtual time under the device's
 * balanced policies: what eagov-bench does with a workload it is given. */
#include <stdlib.h>

#include "fuzz.h"
#include "rtapp.h"
#include "sim.h"
#include "util.h"
#include "workload.h"

/* Simulated time per input: long enough for timers, forks and phases to
 * interleave. Whatever the tasks do (49 of them looping on 6 us sleeps, or on
 * 2 ns runs, are legal workloads), the run stops at FUZZ_MAX_EVENTS, a
 * fraction of a second under ASan. */
#define FUZZ_SIM_NS (20 * NSEC_PER_MSEC)
#define FUZZ_MAX_EVENTS 50000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct eg_engine_config cfg;
	static int have_cfg;
	const struct eg_model *m = eg_fuzz_model();
	struct eg_rtapp_workload *rw = NULL;
	struct eg_sim_workload *sw = NULL;
	struct eg_error err = { 0 };

	if (!have_cfg) {
		if (eg_policy_conf_resolve(eg_fuzz_policy_conf(), m, EG_PROFILE_BALANCED, &cfg,
					   &err) < 0)
			abort();
		have_cfg = 1;
	}
	if (eg_rtapp_load(eg_fuzz_file(data, size), &rw, &err) < 0)
		return 0;
	for (int i = 0; i < rw->nr_tasks; i++)
		if (eg_rtapp_find_task(rw, rw->tasks[i].name) < 0)
			abort();
	if (eg_sim_workload_from_rtapp(rw, m, &sw, &err) == 0) {
		struct eg_sim_config sc = {
			.model = m,
			.engine = &cfg,
			.workload = sw,
			.duration_ns = FUZZ_SIM_NS,
			.seed = 1,
			.sample_ns = 10 * NSEC_PER_MSEC,
			.record_jobs = true,
			.max_events = FUZZ_MAX_EVENTS,
		};
		struct eg_sim_result res = { 0 };

		eg_sim_run(&sc, &res);
		eg_sim_result_free(&res);
		eg_sim_workload_free(sw);
	}
	eg_rtapp_free(rw);
	return 0;
}
