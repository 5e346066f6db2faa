/* Configuration files: device policy files (conf/devices/NAME.ini: the machine
 * model plus the policy choice) and the daemon-wide eagov.conf, parsed with
 * inih behind a reader of our own that bounds lines and refuses binary input.
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
 * EG_CONF_LINE_MAX characters; indented continuation lines are refused.
 *
 * Error codes: -ENOENT missing file, -EFBIG file larger than EG_CONF_FILE_MAX,
 * -E2BIG over-long line, -ERANGE number out of range, -ENODATA empty file,
 * -EINVAL anything else wrong with the content. *err names file:line. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "model.h"
#include "policy_conf.h"

/* Longest line accepted, without its newline. Debian's inih hands its reader
 * a 200-byte buffer (line, "\r\n" and NUL must fit), so the limit sits below
 * that with a margin; shipped files keep to 100 columns anyway. */
#define EG_CONF_LINE_MAX 190
/* Largest file read: device files are a few KiB; anything bigger is not one. */
#define EG_CONF_FILE_MAX (1024 * 1024)
/* The most device files looked at when matching the machine. */
#define EG_CONF_MAX_CANDIDATES 128

/* Parse a device file, finalize the model and validate the policy settings.
 * On success *m and *pc hold the result; on any error neither is touched and
 * *err (may be NULL) says file:line and what is wrong. */
int eg_conf_load_device(const char *path, struct eg_model *m, struct eg_policy_conf *pc,
			struct eg_error *err);

/* Resolve a --device argument to a file: used as a path when it contains '/'
 * or ends in ".ini", otherwise NAME.ini is looked up in $EAGOV_DEVICE_DIR,
 * EAGOV_DATADIR/devices and EAGOV_SOURCE_ROOT/conf/devices, in that order.
 * -ENOENT when nothing exists, -ENAMETOOLONG when path is too small. */
int eg_conf_find_device(const char *name_or_path, char *path, size_t len);

/* Find the device file for a machine: compatible is the device tree list (most
 * specific first), dmi the DMI product name (either may be absent: n = 0,
 * dmi NULL). The first compatible string any file lists wins, then DMI.
 * Directories are scanned in eg_conf_find_device() order; a file name found in
 * an earlier directory hides the same name later. -ENOENT when none matches. */
int eg_conf_match_device(const char *const *compatible, int n, const char *dmi, char *path,
			 size_t len);

/* Name of the first [section] of a file ("" when it has none), for tools that
 * take either kind of file. */
int eg_conf_first_section(const char *path, char *buf, size_t len);

/* --- eagov.conf --- */

enum eg_source_choice {
	EG_SOURCE_CHOICE_AUTO = 0,
	EG_SOURCE_CHOICE_BPF,
	EG_SOURCE_CHOICE_PERF,
	EG_SOURCE_CHOICE_POLL,
};

const char *eg_source_choice_name(enum eg_source_choice s);
int eg_source_choice_from_string(const char *s, enum eg_source_choice *out);

struct eg_daemon_conf {
	char device[EG_PATH_MAX];          /* "auto", a NAME or a PATH */
	enum eg_profile profile;           /* at start-up */
	int profile_on_ac;                 /* enum eg_profile, or -1: leave alone */
	int profile_on_battery;            /* enum eg_profile, or -1 */
	enum eg_source_choice source;
	enum eg_log_level log_level;
	char state_dir[EG_PATH_MAX];
	char control_socket[EG_PATH_MAX];
	uint32_t poll_interval_ms;         /* poll source sampling period */
	char file[EG_PATH_MAX];            /* where it was read from, "" for defaults */
};

#define EG_DAEMON_POLL_MS_DEFAULT 10
#define EG_DAEMON_POLL_MS_MIN 1
#define EG_DAEMON_POLL_MS_MAX 10000

/* The defaults: device auto, profile balanced, no AC/battery switching,
 * source auto, log notice, /run/eagov, /run/eagov/control, 10 ms. */
void eg_daemon_conf_init(struct eg_daemon_conf *c);
/* Parse eagov.conf ([daemon] section). Keys not in the file keep the values
 * *c had; on error *c is untouched. */
int eg_conf_load_daemon(const char *path, struct eg_daemon_conf *c, struct eg_error *err);
