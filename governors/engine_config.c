// SPDX-License-Identifier: GPL-2.0-or-later
/* The engine's configuration: which policy runs on each domain, CPU and
 * zone, with its tunables; built, swapped and freed here, apart from the
 * engine that runs it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "util.h"

void eg_engine_config_free(struct eg_engine_config *cfg)
{
	for (int i = 0; i < EG_MAX_PDS; i++) {
		free(cfg->freq_tun[i]);
		cfg->freq_tun[i] = NULL;
	}
	for (int i = 0; i < EG_MAX_ZONES; i++) {
		free(cfg->thermal_tun[i]);
		cfg->thermal_tun[i] = NULL;
	}
	free(cfg->idle_tun);
	cfg->idle_tun = NULL;
}

static void *tunables_new(const struct eg_tunable *t, size_t size)
{
	void *tun = calloc(1, size ? size : 1);

	if (tun)
		eg_tunables_defaults(t, tun);
	return tun;
}

int eg_engine_config_set_freq(struct eg_engine_config *cfg, int pd,
			      const struct eg_freq_policy_ops *ops)
{
	void *tun;

	if (pd < 0 || pd >= EG_MAX_PDS || !ops)
		return -EINVAL;
	tun = tunables_new(ops->tunables, ops->tunables_size);
	if (!tun)
		return -ENOMEM;
	free(cfg->freq_tun[pd]);
	cfg->freq[pd] = ops;
	cfg->freq_tun[pd] = tun;
	return 0;
}

int eg_engine_config_simple(struct eg_engine_config *cfg, const struct eg_model *m,
			    const char *freq, const char *idle, const char *thermal)
{
	const struct eg_freq_policy_ops *fops = eg_freq_policy_find(freq);
	const struct eg_idle_policy_ops *iops = idle ? eg_idle_policy_find(idle) : NULL;
	const struct eg_thermal_policy_ops *tops = thermal ? eg_thermal_policy_find(thermal) : NULL;

	memset(cfg, 0, sizeof(*cfg));
	if (!fops || (idle && !iops) || (thermal && !tops))
		return -ENOENT;
	cfg->fast_ramp = true;
	cfg->max_freq_pct = 100;
	for (int i = 0; i < m->nr_pds; i++) {
		if (eg_engine_config_set_freq(cfg, i, fops) < 0)
			goto oom;
	}
	if (iops) {
		cfg->idle = iops;
		cfg->idle_tun = tunables_new(iops->tunables, iops->tunables_size);
		if (!cfg->idle_tun)
			goto oom;
	}
	for (int i = 0; tops && i < m->nr_zones; i++) {
		cfg->thermal[i] = tops;
		cfg->thermal_tun[i] = tunables_new(tops->tunables, tops->tunables_size);
		if (!cfg->thermal_tun[i])
			goto oom;
	}
	return 0;
oom:
	eg_engine_config_free(cfg);
	return -ENOMEM;
}
