/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A performance domain with the HiKey960 A53 idle states (devices.md), CPU
 * and cluster states flattened into one list as a PSCI cpuidle driver shows
 * them, plus a WFI state 0. Shared by the idle policy tests. */
#pragma once

#include <string.h>

#include "model.h"

/* residency / exit latency in us:
 *   0 WFI            1 /    1
 *   1 cpu-sleep   1500 /  650
 *   2 cluster-sleep 3500 / 1600 */
static inline void idle_test_pd(struct eg_pd *pd)
{
	memset(pd, 0, sizeof(*pd));
	strcpy(pd->name, "little");
	pd->nr_cpus = 4;
	pd->nr_cpu_idle = 3;
	strcpy(pd->cpu_idle[0].name, "WFI");
	pd->cpu_idle[0].entry_us = 1;
	pd->cpu_idle[0].exit_us = 1;
	pd->cpu_idle[0].residency_us = 1;
	strcpy(pd->cpu_idle[1].name, "cpu-sleep");
	pd->cpu_idle[1].entry_us = 400;
	pd->cpu_idle[1].exit_us = 650;
	pd->cpu_idle[1].residency_us = 1500;
	strcpy(pd->cpu_idle[2].name, "cluster-sleep");
	pd->cpu_idle[2].entry_us = 500;
	pd->cpu_idle[2].exit_us = 1600;
	pd->cpu_idle[2].residency_us = 3500;
}
