/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Policy tunables: each policy describes its knobs in a table (name, type,
 * range, default, unit, help); values are parsed from policy-file strings
 * into the policy's own tunables struct. Pure: no I/O, errors as text. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum eg_tunable_type {
	EG_TUN_U32,	 /* decimal, within [min, max] */
	EG_TUN_BOOL,	 /* 0/1, true/false, yes/no, on/off */
	EG_TUN_FREQ_MAP, /* interactive's "85 1200000:90 1700000:95": value, then freq:value pairs */
};

#define EG_FREQ_MAP_MAX 16

/* A step function of frequency, as interactive's target_loads and
 * above_hispeed_delay: value[0] below khz[1], value[i] from khz[i] on. */
struct eg_freq_map {
	int n;
	uint32_t khz[EG_FREQ_MAP_MAX]; /* khz[0] is 0 */
	uint32_t value[EG_FREQ_MAP_MAX];
};

uint32_t eg_freq_map_lookup(const struct eg_freq_map *map, uint32_t khz);

struct eg_tunable {
	const char *name;
	enum eg_tunable_type type;
	size_t offset;	   /* into the policy's tunables struct */
	uint32_t min, max; /* for U32 and FREQ_MAP values */
	const char *def;   /* default, as it would be written in the file */
	const char *unit;  /* "us", "%", "kHz", "" */
	const char *help;
};

#define EG_TUNABLE_END       \
	{                    \
		.name = NULL \
	}

/* Set every tunable to its default. */
void eg_tunables_defaults(const struct eg_tunable *t, void *tun);
/* A policy's init(): tun (size bytes) becomes a copy of given, the parsed tunables the engine
 * passes, or the defaults when there are none. */
void eg_tunables_init(const struct eg_tunable *t, void *tun, const void *given, size_t size);
/* Parse value for the tunable called name. Returns 0, -ENOENT for an unknown
 * name, -EINVAL for a value that does not parse, -ERANGE when out of range;
 * err (if not NULL) gets a sentence that says what is wrong. */
int eg_tunables_set(const struct eg_tunable *t, void *tun, const char *name, const char *value,
		    char *err, size_t errlen);
const struct eg_tunable *eg_tunables_find(const struct eg_tunable *t, const char *name);
/* Format the current value of one tunable. */
void eg_tunables_format(const struct eg_tunable *t, const void *tun, char *buf, size_t len);
