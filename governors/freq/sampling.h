/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sampling for the load-based frequency policies (ondemand, conservative, interactive): the part
 * the kernel's cpufreq_governor.c shares between its governors. One state per domain: the
 * period, when the next sample is due, and per-CPU busy-time snapshots to measure load with. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "load.h"
#include "policy.h"

/* The tick the kernel's derived defaults assume. The kernel's value is a build option; 250 is
 * the common distro / arm64 defconfig choice, so one tick is 4 ms. */
#define EG_SAMPLING_HZ 250U
#define EG_SAMPLING_TICK_US (USEC_PER_SEC / EG_SAMPLING_HZ)
/* cpufreq_governor.h's CPUFREQ_DBS_MIN_SAMPLING_INTERVAL: two ticks, because on kernels without
 * NOHZ idle time is tick-granular and a shorter window would read mostly rounding noise. */
#define EG_SAMPLING_MIN_US (2U * EG_SAMPLING_TICK_US)

struct eg_sampling_cpu {
	uint64_t busy_ns;   /* busy_ns at the last sample */
	uint64_t ts;	    /* time of the last sample */
	uint32_t prev_load; /* load of the last window, for the wake-from-idle case */
	bool valid;	    /* a snapshot exists (CPU online at the last sample) */
};

struct eg_sampling {
	uint64_t rate_ns; /* the sampling period */
	uint64_t next_ns; /* when update() wants to be called next */
	bool started;	  /* the first call took the snapshots */
	struct eg_sampling_cpu cpu[EG_MAX_CPUS];
};

struct eg_load_sample {
	uint32_t load;	       /* max busy % over the CPUs that had a window, 0..100 */
	uint32_t idle_periods; /* min over CPUs of idle / period where idle > 2 periods, else
				 * UINT32_MAX (conservative steps down once per such period) */
	int nr_cpus;	       /* CPUs that had a window; 0 = nothing to judge */
};

/* What one update() call of a sampling policy has to do. */
enum eg_sampling_call {
	EG_SAMPLING_NONE,   /* no sample due, limits unchanged: nothing to say */
	EG_SAMPLING_START,  /* the first call: snapshots taken, set the initial request */
	EG_SAMPLING_SAMPLE, /* a period ended: measure the load and decide */
	EG_SAMPLING_LIMITS, /* between samples the limits changed: re-clamp the request */
};

/* The period for a sampling_rate tunable in us; 0 takes the dbs governors' default, never
 * below two ticks nor the transition delay. */
uint64_t eg_sampling_rate_ns(const struct eg_pd *pd, uint32_t rate_us);

/* Classify an update() call. START and SAMPLE schedule the next sample one period on (a
 * policy may reschedule it: ondemand's sampling_down_factor and powersave_bias do). */
enum eg_sampling_call eg_sampling_begin(struct eg_sampling *sm, const struct eg_freq_input *in);
/* Load of the domain since the last sample, as the kernel's dbs_update(): max busy % over its
 * online CPUs, snapshots renewed. period_ns is the period in force; with reuse_after_idle a
 * window idle for more than two periods reports the previous window's load once. */
void eg_sampling_load(struct eg_sampling *sm, const struct eg_freq_input *in, uint64_t period_ns,
		      bool reuse_after_idle, struct eg_load_sample *ls);
/* The policy's next_timer(): before the first call there is no snapshot, so at once. */
uint64_t eg_sampling_next_timer(const struct eg_sampling *sm);
/* Finish update(): the standing request req_khz re-clamped into the limits, or nothing (0) when
 * the call has nothing to say (the first one only answers changed limits). */
int eg_sampling_answer(enum eg_sampling_call call, const struct eg_freq_input *in,
		       struct eg_freq_output *out, uint32_t req_khz, enum eg_rel rel,
		       bool efficient);
