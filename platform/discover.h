/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Discovery of the machine model from the running kernel (cpufreq policies
 * through libcpupower, cpu_capacity, cpuidle states, thermal zones through
 * libudev, the Energy Model in debugfs, device-tree / DMI identity), and the
 * merge of a discovered model with a device file, the file winning. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* Name of the single pseudo domain of eg_discover_cpus_only(). */
#define EG_DISCOVER_NOFREQ_NAME "nofreq"
/* Suffix of a domain name whose OPPs were made from the cpuinfo_min..max
 * range because the driver publishes no frequency table ("policy0~range"). */
#define EG_DISCOVER_RANGE_SUFFIX "~range"
/* Step of such made-up OPPs: intel_pstate P-states are multiples of the
 * 100 MHz bus clock, and amd-pstate's are finer, so 100 MHz loses nothing
 * a model needs. Widened (in 100 MHz multiples) when the range would need
 * more than EG_MAX_OPPS points. */
#define EG_DISCOVER_RANGE_STEP_KHZ 100000U

/*
 * Fill *m from the running machine and finalize it:
 * - one domain per cpufreq policy (the related_cpus of each CPU, walked
 *   with libcpupower); name and sysfs_policy "policyN" (the target of
 *   cpuN/cpufreq, else policy<first CPU>), cpufreq_driver, cpuinfo limits,
 *   transition latency (ns), origin EG_ORIGIN_SYSFS;
 * - OPPs from scaling_available_frequencies; a driver without a table
 *   (intel_pstate, amd-pstate, ...) gets OPPs from cpuinfo_min to
 *   cpuinfo_max every EG_DISCOVER_RANGE_STEP_KHZ, its name gets
 *   EG_DISCOVER_RANGE_SUFFIX and a notice is logged;
 * - max_cap from cpuN/cpu_capacity of the first CPU when present (arm,
 *   riscv), else finalize's default (1024 for every domain);
 * - cpu_idle from the first CPU's cpuidle states (exit latency as exit_us,
 *   residency as residency_us; entry latency and power are unknown: 0);
 * - OPP power from /sys/kernel/debug/energy_model/<pd>/ps:<kHz>/power when
 *   readable (root, debugfs mounted) and in real units;
 * - thermal zones: every thermal_zoneN (libudev), name = type, sensor =
 *   "thermal_zoneN", trips sorted by temperature (their sysfs index is
 *   not kept), sustainable_power, cooled domains from the cdevK links to
 *   "cpufreq-cpuN" cooling devices with cdevK_weight (0 -> 1024);
 * - identity (eg_discover_identity), m->name from DMI product or the first
 *   compatible string, m->source "sysfs".
 * Returns 0; -ENODEV when no CPU has a cpufreq policy (CI VMs, most guests)
 * or some CPUs have none, with err saying so (use eg_discover_cpus_only()
 * then); -E2BIG past the model's limits; other -errno on read errors. err
 * may be NULL; every failure is also logged.
 */
int eg_discover_model(struct eg_model *m, struct eg_error *err);

/*
 * For machines without cpufreq (idle-only or poll-only use): the CPUs, their
 * cpuidle states, cpu_capacity, thermal zones and identity as above, in ONE
 * pseudo domain named EG_DISCOVER_NOFREQ_NAME with empty sysfs_policy and
 * cpufreq_driver, and a single OPP at the highest "cpu MHz" of /proc/cpuinfo
 * (x86 prints the current frequency per CPU; the highest is the best guess
 * at the top speed). Without "cpu MHz" (arm64) the OPP is a nominal
 * 1000000 kHz: with a single OPP every frequency-derived quantity is
 * relative to it, so its value does not matter. Finalized. 0 or -errno.
 */
int eg_discover_cpus_only(struct eg_model *m, struct eg_error *err);

/* True when the domain's OPP table was made up (range or nofreq), not read
 * from the kernel: frequencies are then requests, not exact points. */
bool eg_discover_pd_synthetic(const struct eg_pd *pd);

/*
 * Merge a device-file model into a discovered one; the file overrides:
 * - every file domain must match a discovered domain with the identical CPU
 *   set, else -EINVAL naming both sets (or saying no policy covers them);
 *   discovered domains the file does not mention are kept as discovered;
 * - in a matched domain: the OPP table is the file's when it has OPPs (an
 *   OPP with no power takes the discovered power of the same kHz; file
 *   OPPs the kernel does not list are warned about), else discovery's;
 *   cpu_idle / cluster_idle lists the file's when it has any;
 *   capacity_dmips_mhz (then finalize recomputes max_cap from it instead of
 *   the kernel's cpu_capacity), dyn_power_coeff, transition latency/delay
 *   the file's when nonzero; the name the file's (kept from discovery when
 *   discovery's made-up OPPs are kept, so the mark stays); sysfs_policy,
 *   cpufreq_driver, cpuinfo limits stay discovery's (machine facts);
 * - zones: a file zone replaces the discovered zone with the same sensor
 *   (or, when the file zone names no sensor, the same name); unmatched file
 *   zones are added; cooled domain indices are renumbered to dst's order;
 * - identity (name, compatible, dmi) and source from the file when it has
 *   them; nr_cpus must agree when the file sets it.
 * Then eg_model_finalize(dst). file is not modified. 0 or -errno with err
 * saying what does not fit (file:line); nothing is logged, as callers may
 * have a fallback (eagovd runs on the device file alone on a machine
 * without cpufreq).
 */
int eg_model_merge(struct eg_model *dst, const struct eg_model *file, struct eg_error *err);

/*
 * Read the machine's identity: the device-tree compatible list
 * (/proc/device-tree/compatible, else /sys/firmware/devicetree/base/
 * compatible; NUL-separated, most specific first) into compatible[0..max),
 * *n set to how many, and the DMI product name (/sys/class/dmi/id/
 * product_name) into dmi ("" when absent). Strings longer than EG_NAME_MAX-1
 * are skipped with a warning (a truncated id would never match). Missing
 * files are not errors (0 with *n = 0 / dmi ""); other read errors -errno.
 */
int eg_discover_identity(char compatible[][EG_NAME_MAX], int max, int *n, char *dmi, size_t dmilen);
