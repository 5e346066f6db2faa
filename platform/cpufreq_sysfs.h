/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cpufreq sink: applies SET_FREQ and SET_CAP decisions to the cpufreq
 * policies (cpufreq/policyN/) of a machine's performance domains, after
 * saving what it will change to the state file (platform/state.h).
 *
 * Two modes per domain, chosen at open:
 *  - USERSPACE: the driver offers the userspace governor (table drivers,
 *    acpi-cpufreq, intel_pstate passive ...). The policy is switched to it;
 *    SET_FREQ writes scaling_setspeed (the kernel picks the lowest table
 *    frequency >= the request within min/max), SET_CAP writes
 *    scaling_max_freq. scaling_min_freq is never written.
 *  - HWP: no userspace governor (intel_pstate active, amd-pstate-epp): the
 *    hardware picks the frequency itself, eagov can only bound and bias it.
 *    The policy is moved from "performance" to "powersave" when that is
 *    offered (performance pins max and refuses EPP changes). SET_FREQ f sets
 *    scaling_min_freq = f (a floor: the hardware never runs slower than the
 *    governor asked) and, when energy_performance_preference offers the four
 *    standard names, EPP by f's position in [cpuinfo_min, cpuinfo_max]:
 *    lowest quarter "power", second "balance_power", third
 *    "balance_performance", top quarter "performance" (EPP is the only hint
 *    of how eagerly to go above the floor). SET_CAP writes scaling_max_freq;
 *    the floor is lowered to the cap when the cap is below it.
 * SET_CAP value 0 lifts the cap (back to the original scaling_max_freq); a
 * cap is clamped to [cpuinfo_min, original max]: eagov never lifts a limit
 * the administrator set.
 * Writes that fail are logged once per path and errno and retried with
 * back-off (see eg_attr in sysfs_io.h); apply never aborts the caller.
 * Older kernels (< 5.3) refuse a max below the current min with EINVAL; that
 * is logged and retried like any other failure. */
#pragma once

#include "event.h"
#include "model.h"
#include "state.h"
#include "sysfs_io.h"

enum eg_cpufreq_mode {
	EG_CPUFREQ_NONE = 0, /* no policy in sysfs: decisions are ignored */
	EG_CPUFREQ_USERSPACE,
	EG_CPUFREQ_HWP,
};

struct eg_cpufreq_pd {
	char dir[EG_PATH_MAX]; /* .../cpufreq/policyN */
	enum eg_cpufreq_mode mode;
	bool has_epp;
	char orig_governor[EG_NAME_MAX];
	uint32_t cpuinfo_min_khz, cpuinfo_max_khz;
	uint32_t orig_min_khz, orig_max_khz;
	uint32_t floor_khz;   /* HWP: min requested by SET_FREQ */
	uint32_t cap_khz;     /* current max */
	uint32_t cur_min_khz; /* HWP: min last asked of the kernel */
	struct eg_attr governor, setspeed, min, max, epp;
};

struct eg_cpufreq {
	int nr_pds;
	struct eg_cpufreq_pd pd[EG_MAX_PDS]; /* indexed like model->pds */
};

/* Read the original governor, limits, setspeed and EPP of every domain that
 * has a sysfs_policy, add them to st and save st (eg_state_save) BEFORE the
 * first write, then switch governors. Returns 0, -ENODEV when no domain has a
 * usable policy, or the state save error (then nothing was written). A domain
 * whose policy cannot be read is logged and left in mode NONE. */
int eg_cpufreq_open(struct eg_cpufreq *cf, const struct eg_sysfs *fs, const struct eg_model *m,
		    struct eg_state *st, uint64_t now_ns);
/* Apply one decision (SET_FREQ or SET_CAP; others return -EINVAL). Returns 0,
 * -EAGAIN while a failed knob waits for its retry, -ENODEV for a domain
 * without a policy, or the write's -errno. */
int eg_cpufreq_apply(struct eg_cpufreq *cf, const struct eg_decision *d, uint64_t now_ns);
/* As eg_cpufreq_apply, but a frequency request that is not urgent is held
 * (in userspace mode) until eg_cpufreq_flush: a later request for the same
 * domain replaces it unwritten, so a batch of events costs one write per
 * domain, and an urgent request is never queued behind a write it makes
 * pointless. */
int eg_cpufreq_hold(struct eg_cpufreq *cf, const struct eg_decision *d, uint64_t now_ns);
/* Write the held requests; returns the first error (logged by the knob). */
int eg_cpufreq_flush(struct eg_cpufreq *cf, uint64_t now_ns);
/* Retry failed writes whose back-off elapsed; returns the first error. */
int eg_cpufreq_retry(struct eg_cpufreq *cf, uint64_t now_ns);
/* The earliest pending retry (arm a timer for it), 0 when none. */
uint64_t eg_cpufreq_next_retry(const struct eg_cpufreq *cf);
/* Close fds. Does not restore: restore through eg_state_restore_file. */
void eg_cpufreq_close(struct eg_cpufreq *cf);

/* The EPP name eagov uses for a request of khz in [min_khz, max_khz]. */
const char *eg_cpufreq_epp_for(uint32_t khz, uint32_t min_khz, uint32_t max_khz);
