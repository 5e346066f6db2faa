// SPDX-License-Identifier: GPL-2.0-or-later
/* Every policy that ships, by kind; looked up by name. */
#include "policy.h"
#include "util.h"

extern const struct eg_freq_policy_ops eg_freq_performance;
extern const struct eg_freq_policy_ops eg_freq_powersave;
extern const struct eg_freq_policy_ops eg_freq_schedutil;
extern const struct eg_freq_policy_ops eg_freq_ondemand;
extern const struct eg_freq_policy_ops eg_freq_conservative;
extern const struct eg_freq_policy_ops eg_freq_interactive;
extern const struct eg_freq_policy_ops eg_freq_eagov;
extern const struct eg_idle_policy_ops eg_idle_menu;
extern const struct eg_idle_policy_ops eg_idle_teo;
extern const struct eg_thermal_policy_ops eg_thermal_step_wise;
extern const struct eg_thermal_policy_ops eg_thermal_power_allocator;

const struct eg_freq_policy_ops *const eg_freq_policies[] = {
	&eg_freq_performance,  &eg_freq_powersave,   &eg_freq_schedutil, &eg_freq_ondemand,
	&eg_freq_conservative, &eg_freq_interactive, &eg_freq_eagov,	 NULL,
};

const struct eg_idle_policy_ops *const eg_idle_policies[] = {
	&eg_idle_menu,
	&eg_idle_teo,
	NULL,
};

const struct eg_thermal_policy_ops *const eg_thermal_policies[] = {
	&eg_thermal_step_wise,
	&eg_thermal_power_allocator,
	NULL,
};

const struct eg_freq_policy_ops *eg_freq_policy_find(const char *name)
{
	for (size_t i = 0; eg_freq_policies[i]; i++)
		if (eg_streq(eg_freq_policies[i]->name, name))
			return eg_freq_policies[i];
	return NULL;
}

const struct eg_idle_policy_ops *eg_idle_policy_find(const char *name)
{
	for (size_t i = 0; eg_idle_policies[i]; i++)
		if (eg_streq(eg_idle_policies[i]->name, name))
			return eg_idle_policies[i];
	return NULL;
}

const struct eg_thermal_policy_ops *eg_thermal_policy_find(const char *name)
{
	for (size_t i = 0; eg_thermal_policies[i]; i++)
		if (eg_streq(eg_thermal_policies[i]->name, name))
			return eg_thermal_policies[i];
	return NULL;
}
