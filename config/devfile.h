/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device policy files (conf/devices/NAME.ini): the machine model plus the
 * policy choice, read with core's INI reader (ini_reader.h) and checked against the
 * governors' policy and tunable tables.
 *
 * Device file format (full description with examples: docs/device-files.md):
 *
 *   [device]            name (required), compatible (space separated, key may
 *                       repeat), dmi (one DMI product name per line, may
 *                       repeat), cpus (optional count)
 *   [domain NAME]       cpus (cpulist), capacity_dmips_mhz, cpu_capacity,
 *                       dynamic_power_coefficient (uW/MHz/V^2),
 *                       transition_latency_us, and repeatable
 *                       opp = kHz mV [power_uW [domain_power_uW]],
 *                       cpu_idle / cluster_idle = name entry_us exit_us residency_us power_uW
 *   [zone NAME]         sensor, cools = dom:weight ..., trip = temp_C type hyst_C
 *                       (repeatable), sustainable_power_mw, polling_ms,
 *                       passive_ms, rc_resistance (C/W), rc_capacitance (J/C),
 *                       ambient (C)
 *   [policy] / [policy DOMAIN]              freq, idle, thermal, fast_ramp,
 *                                           rt_idle_latency_us, max_freq_pct
 *   [POLICY] / [POLICY DOMAIN]              tunables of a policy (e.g. [schedutil])
 *   [profile P] / [profile P DOMAIN]        overrides for power-saver | balanced |
 *                                           performance; POLICY.TUNABLE keys allowed
 *
 * Numbers are plain decimal, units fixed by the key. "-" stands for an unknown
 * value where the format says so (OPP voltage and powers). A value that is an
 * estimate, not a published figure, carries a trailing '~' ("30000~"); it is
 * allowed on OPP and idle-state powers and on the RC parameters, and the
 * parser records it (idle power_estimated, zone rc_estimated). Comments start
 * with ';' or '#' at line start, or with " ;" after a value. Lines are at most
 * EG_CONF_LINE_MAX characters (ini_reader.h); indented continuation lines are refused.
 *
 * Error codes: -ENOENT missing file, -EFBIG file larger than EG_CONF_FILE_MAX,
 * -E2BIG over-long line, -ERANGE number out of range, -ENODATA empty file,
 * -EINVAL anything else wrong with the content. *err names file:line. */
#pragma once

#include "ini_reader.h"
#include "model.h"
#include "policy_conf.h"

/* Longest line and largest file accepted: the INI reader's limits. */
#define EG_CONF_LINE_MAX EG_INI_LINE_MAX
#define EG_CONF_FILE_MAX EG_INI_FILE_MAX

/* Parse a device file, finalize the model and validate the policy settings.
 * On success *m and *pc hold the result; on any error neither is touched and
 * *err (may be NULL) says file:line and what is wrong. */
int eg_conf_load_device(const char *path, struct eg_model *m, struct eg_policy_conf *pc,
			struct eg_error *err);
