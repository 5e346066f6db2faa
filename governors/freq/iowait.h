/* SPDX-License-Identifier: GPL-2.0-or-later */
/* schedutil's iowait boost, per CPU, for every policy that boosts CPUs
 * whose tasks keep waking from I/O waits: it doubles per consecutive iowait
 * wakeup from 1/8 of capacity, halves per frequency choice without one, and
 * a tick without a util update ends it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct eg_iowait {
	uint64_t last_update; /* time of the CPU's last util update */
	uint32_t boost;	      /* 0, or 1/8 of 1024 .. 1024 */
	bool pending;	      /* a request not yet consumed by a frequency choice */
};

/* The CPU had a util update at now; request: it was an iowait wakeup.
 * enabled: the policy's tunable (off, only the update time is kept). */
void eg_iowait_update(struct eg_iowait *w, uint64_t now, bool request, bool enabled);
/* The boost for this frequency choice, in capacity units of a CPU of
 * max_cap; it decays here. */
uint32_t eg_iowait_apply(struct eg_iowait *w, uint64_t now, uint32_t max_cap);
