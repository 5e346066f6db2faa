/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy part of a device file: which frequency, idle and thermal policy
 * runs, their tunables, and per-profile overrides (power-saver / balanced /
 * performance). Plain data as parsed (with file lines), validated and turned
 * into an engine configuration here, without I/O. */
#pragma once

#include "engine.h"
#include "model.h"

enum eg_profile {
	EG_PROFILE_POWER_SAVER = 0,
	EG_PROFILE_BALANCED,
	EG_PROFILE_PERFORMANCE,
	EG_PROFILE__MAX,
};

const char *eg_profile_name(enum eg_profile p);
int eg_profile_from_string(const char *s, enum eg_profile *out);

#define EG_MAX_SETTINGS 192
#define EG_VALUE_MAX 192

/* One "key = value" line of a policy section, kept with its origin. */
struct eg_setting {
	int profile;		  /* -1: all profiles; else enum eg_profile */
	int pd;			  /* -1: all domains; else the domain index */
	char policy[EG_NAME_MAX]; /* "schedutil", "menu", ... or "" for policy choice keys */
	char key[EG_NAME_MAX];
	char value[EG_VALUE_MAX];
	int line;
};

struct eg_policy_conf {
	char file[EG_PATH_MAX];
	int nr_settings;
	struct eg_setting settings[EG_MAX_SETTINGS];
};

void eg_policy_conf_init(struct eg_policy_conf *pc, const char *file);
/* Append a setting; -ENOSPC when full. */
int eg_policy_conf_add(struct eg_policy_conf *pc, const struct eg_setting *s);

/* Check every setting against the policies' tunable tables (unknown policy,
 * unknown key, bad or out-of-range value: file:line in *err), for every
 * profile. */
int eg_policy_conf_validate(const struct eg_policy_conf *pc, const struct eg_model *m,
			    struct eg_error *err);

/* Build the engine configuration for one profile: policy choice and
 * tunables, most specific setting winning (profile+domain > profile >
 * domain > global), later lines over earlier. Allocates tunables; free with
 * eg_engine_config_free(). */
int eg_policy_conf_resolve(const struct eg_policy_conf *pc, const struct eg_model *m,
			   enum eg_profile profile, struct eg_engine_config *cfg,
			   struct eg_error *err);

/* (Re)build every zone's thermal tunables in cfg for its thermal policy:
 * the policy's defaults, then the thermal settings the domains' frequency
 * policies ask for (eg_freq_policy_ops.thermal_tunables, where the thermal
 * policy has them), then the file's. Resolve calls it; call it again after
 * changing cfg->freq[] (a governor override). 0 or -errno (*err set). */
int eg_policy_conf_thermal_tunables(const struct eg_policy_conf *pc, const struct eg_model *m,
				    enum eg_profile profile, struct eg_engine_config *cfg,
				    struct eg_error *err);
