/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compiles an rt-app workload (rtapp.h) into the simulator's task programs
 * (sim.h): one simulated task per rt-app thread, loops and phases as loop
 * instructions, events as ops. */
#pragma once

#include "model.h"
#include "rtapp.h"
#include "sim.h"

/* Work models for rt-app events that are not plain run/sleep, documented in
 * the README: "mem" writes at this many bytes per ns at capacity 1024,
 * "memrun" costs this many ns per access at capacity 1024, "iorun" blocks on
 * I/O at this many bytes per us (100 MB/s) and wakes as an iowait wakeup. */
#define EG_SIM_MEM_BYTES_PER_NS 4
#define EG_SIM_MEMRUN_NS_PER_ACCESS 1
#define EG_SIM_IO_BYTES_PER_US 100

/* Compile rw for the machine m (the calibration CPU must exist in m).
 * Returns 0, -EINVAL with *err naming the file, key and line of what the
 * simulator cannot model (semaphores, phase-level util clamps), -ENOMEM. */
int eg_sim_workload_from_rtapp(const struct eg_rtapp_workload *rw, const struct eg_model *m,
			       struct eg_sim_workload **out, struct eg_error *err);

/* Load an rt-app file and compile it. */
int eg_sim_workload_load(const char *path, const struct eg_model *m, struct eg_sim_workload **out,
			 struct eg_error *err);
/* The same, reading the file with opts (NULL: the defaults, rtapp.h). */
int eg_sim_workload_load_opts(const char *path, const struct eg_model *m,
			      const struct eg_rtapp_options *opts, struct eg_sim_workload **out,
			      struct eg_error *err);
