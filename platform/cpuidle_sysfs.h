/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cpuidle sink: applies IDLE_LATENCY and IDLE_DISABLE decisions through
 * the kernel's userspace controls, after saving the originals to the state
 * file, and holds an optional global request on /dev/cpu_dma_latency.
 *
 * IDLE_LATENCY cpu us -> cpuN/power/pm_qos_resume_latency_us. The kernel
 * reads "0" as NO constraint and "n/a" as a zero-latency constraint (only
 * polling idle). The decision's 0 also means "none", so 0 is written as "0";
 * n >= 1 is written as n (values above INT32_MAX are clamped, the file takes
 * an s32). eagov never writes "n/a" itself: 1 us already rules out every
 * real idle state; "n/a" is only written back when it was the original.
 * IDLE_DISABLE cpu mask -> cpuN/cpuidle/stateK/disable, "1" for each bit K
 * set, "0" for each bit clear, K < the CPU's number of states.
 * Failed writes: logged once per path and errno, retried with back-off
 * (eg_attr); one CPU's failure (hot-unplug) never stops the others. */
#pragma once

#include "event.h"
#include "model.h"
#include "state.h"
#include "sysfs_io.h"

struct eg_cpuidle_cpu {
	bool present; /* had a cpuidle folder or a QoS file at open */
	bool has_qos;
	int nr_states;
	struct eg_attr qos;
	struct eg_attr disable[EG_MAX_IDLE_STATES];
};

struct eg_cpuidle {
	int nr_cpus;
	struct eg_cpuidle_cpu *cpu; /* nr_cpus entries */
	int dma_fd;		    /* /dev/cpu_dma_latency, -1 when not held */
	char dma_path[EG_PATH_MAX];
};

/* Save the original QoS and disable values of CPUs 0..nr_cpus-1 into st and
 * save st (before any write). CPUs without cpuidle are skipped. Returns 0,
 * -ENODEV when no CPU has a knob, or the state save error. */
int eg_cpuidle_open(struct eg_cpuidle *ci, const struct eg_sysfs *fs, int nr_cpus,
		    struct eg_state *st);
/* IDLE_LATENCY or IDLE_DISABLE; 0, -EAGAIN while in back-off, -ENODEV for a
 * CPU without the knob, -EINVAL for other decisions, or the write's -errno. */
int eg_cpuidle_apply(struct eg_cpuidle *ci, const struct eg_decision *d, uint64_t now_ns);
int eg_cpuidle_retry(struct eg_cpuidle *ci, uint64_t now_ns);
uint64_t eg_cpuidle_next_retry(const struct eg_cpuidle *ci);
/* Global CPU latency request: us >= 0 holds /dev/cpu_dma_latency open with
 * that value (4 raw bytes, native s32); us < 0 closes it, which drops the
 * request. Needs no state entry: the kernel forgets it when the fd closes,
 * crash included. */
int eg_cpuidle_set_global_latency(struct eg_cpuidle *ci, int32_t us);
/* Close every fd (dropping the global request); frees ci->cpu. */
void eg_cpuidle_close(struct eg_cpuidle *ci);
