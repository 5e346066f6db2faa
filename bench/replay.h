/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replay of a recording (eagovd --record) against a governor, for
 * eagov-bench --replay: the recorded event stream drives the engine, its
 * decisions drive a model of the device, and the result is an estimate.
 *
 * Semantics. A recording is an open-loop input: its events happened at the
 * recorded times whatever the governor. So the replay feeds each governor's
 * engine the same stream (scheduler events, busy samples, temperatures,
 * hot-plug, boosts, limit changes) in timestamp order, interleaved with
 *   - the engine's own timers (EG_EV_TICK, cpu -1, at eg_engine_next_timer),
 * and each SET_FREQ decision takes effect on the model once the domain's
 * transition latency has passed (a newer request supersedes a pending one,
 * as in the simulator). The engine is not told of it: the recorded busy time
 * was measured at the recording machine's frequency, so the engine's
 * frequency invariance, and the current frequency load-adjusting policies
 * see, stay at the recording's (the top OPP: recordings carry no frequency
 * yet), and each governor reads the recorded load as the recording machine
 * would have.
 * Dropped from the recording: the recording daemon's own timer ticks (each
 * governor gets its own), its EG_EV_FREQ reports (the real machine's
 * frequency, not the model's), power-source changes (the profile stays
 * balanced), and events naming a CPU, domain or zone the model lacks.
 * Each domain starts at the frequency the governor picks at eg_engine_start,
 * in force from the recording's first instant: the governor is taken to have
 * been running before the recording began.
 *
 * Performance is NOT re-simulated: the work took the time it took on the
 * real machine. The energy is what those busy periods would cost at each
 * governor's frequencies: an optimistic proxy for slower governors, whose
 * real busy periods would have been longer. Per CPU, the busy fraction over
 * time comes from the events: switches to and from pid 0 (busy = 1 while a
 * task runs) plus busy samples (busy_ns / window_ns spread evenly over the
 * window; a correction sample adds to what the switches gave), capped at 1.
 *   energy = sum over time and CPUs of busy x busy power of the OPP in force
 *          + (1 - busy) x power of the shallowest CPU idle state
 *          + P(any CPU of the domain busy) x the OPP's domain power,
 * where P(any busy) = 1 - prod(1 - busy_i): exact for switch-tracked CPUs
 * (fractions are 0 or 1), an independence assumption for sampled ones.
 * Cluster idle states and offline CPUs are not modelled (an offline CPU counts
 * as idle); neither depends on the governor.
 *
 * Caveat, from the open loop: a governor that would have run slower than the
 * recording machine would have seen its busy periods stretch and its load
 * rise, and ramped up further; the replay cannot show that second-order
 * effect, so slow choices look cheaper than they would be. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "event.h"
#include "model.h"
#include "record.h"

struct eg_replay_pd_result {
	double avg_khz;	      /* time-weighted over the span */
	uint64_t transitions; /* frequency changes that took effect */
	uint64_t time_in_opp_ns[EG_MAX_OPPS];
	double energy_j; /* busy + idle + domain of this domain */
};

struct eg_replay_result {
	uint64_t start_ns, span_ns;		   /* replayed interval (recording clock) */
	uint64_t events;			   /* recorded events given to the engine */
	uint64_t dropped;			   /* recorded events not replayed (see above) */
	uint64_t engine_errors;			   /* events the engine refused */
	uint64_t decisions;			   /* SET_FREQ decisions after the start */
	uint64_t urgent;			   /* of which fast-ramp (EG_DEC_URGENT) */
	double energy_j, busy_j, idle_j, domain_j; /* ESTIMATE, see above */
	struct eg_replay_pd_result pd[EG_MAX_PDS];
};

/* -EINVAL, with a sentence in err, when the recording's CPU count differs
 * from the model's. */
int eg_replay_check(const struct eg_record_info *info, const struct eg_model *m, char *err,
		    size_t errlen);

/* The device file for a recording made without --device: its model name as a
 * device name (as given, then lower-cased) through eg_conf_find_device().
 * -ENOENT when none exists. */
int eg_replay_find_device(const struct eg_record_info *info, char *path, size_t len);

/* Replay evs[0..n) (file order, as eg_record_load returns them; a timestamp
 * behind its predecessor is taken as the predecessor's, as eagovd's feed
 * does) on model m with the engine configuration cfg. Deterministic.
 * Returns 0, -EINVAL (with err) for a recording without events or spanning
 * no time, -ENOMEM. */
int eg_replay_run(const struct eg_model *m, const struct eg_engine_config *cfg,
		  const struct eg_event *evs, size_t n, struct eg_replay_result *res, char *err,
		  size_t errlen);
