// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz target: device files (conf/devices/NAME.ini). A file that loads must
 * also resolve into an engine configuration for every profile and start an
 * engine: the loader's validation is what stands between a device file and
 * the governors. */
#include <stdlib.h>

#include "conf.h"
#include "engine.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_model *m = malloc(sizeof(*m));
	struct eg_policy_conf *pc = malloc(sizeof(*pc));
	const char *path;
	char section[64];

	if (!m || !pc)
		abort();
	eg_fuzz_quiet();
	path = eg_fuzz_file(data, size);
	eg_conf_first_section(path, section, sizeof(section));
	if (eg_conf_load_device(path, m, pc, NULL) < 0)
		goto out;
	for (int p = 0; p < EG_PROFILE__MAX; p++) {
		struct eg_engine_config cfg = { 0 };
		struct eg_decisions dec = { 0 };
		struct eg_engine *e;

		if (eg_policy_conf_resolve(pc, m, (enum eg_profile)p, &cfg, NULL) < 0)
			continue;
		if (eg_engine_new(&e, m, &cfg, 0) == 0) {
			for (int i = 0; i < m->nr_pds; i++)
				eg_engine_set_domain_state(e, i, eg_pd_max_khz(&m->pds[i]),
							   eg_pd_min_khz(&m->pds[i]),
							   eg_pd_max_khz(&m->pds[i]));
			eg_engine_start(e, 0, &dec);
			eg_engine_free(e);
		}
		eg_engine_config_free(&cfg);
	}
out:
	free(pc);
	free(m);
	return 0;
}
