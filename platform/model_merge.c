// SPDX-License-Identifier: GPL-2.0-or-later
/* The merge of a discovered model with a device file: the file fills in or
 * corrects what sysfs could not tell (OPP power, capacities, idle states,
 * a synthetic domain's OPPs), per domain matched by its CPUs. */
#include <errno.h>
#include <string.h>

#include "discover_priv.h"
#include "log.h"
#include "util.h"

static void merge_pd(struct eg_pd *d, const struct eg_pd *f)
{
	bool synthetic = eg_discover_pd_synthetic(d);

	if (f->nr_opps) {
		struct eg_opp opps[EG_MAX_OPPS];

		for (int i = 0; i < f->nr_opps; i++) {
			int k = eg_pd_opp_index(d, f->opps[i].khz);

			opps[i] = f->opps[i];
			if (k < 0 && !synthetic)
				eg_warn("domain %s: device file OPP %u kHz is not in %s's frequency "
					"table",
					f->name, f->opps[i].khz, d->sysfs_policy);
			if (k >= 0 && !opps[i].power_uw && d->opps[k].power_uw) {
				opps[i].power_uw = d->opps[k].power_uw;
				opps[i].power_origin = d->opps[k].power_origin;
			}
		}
		memcpy(d->opps, opps, sizeof(opps[0]) * (size_t)f->nr_opps);
		d->nr_opps = f->nr_opps;
		d->origin = EG_ORIGIN_FILE;
	}
	/* A file domain with no OPPs keeps discovery's; if those are made up
	 * keep discovery's name, which marks them. */
	if (f->name[0] && !(synthetic && !f->nr_opps))
		memcpy(d->name, f->name, sizeof(d->name));
	if (f->nr_cpu_idle) {
		memcpy(d->cpu_idle, f->cpu_idle, sizeof(f->cpu_idle));
		d->nr_cpu_idle = f->nr_cpu_idle;
	}
	if (f->nr_cluster_idle) {
		memcpy(d->cluster_idle, f->cluster_idle, sizeof(f->cluster_idle));
		d->nr_cluster_idle = f->nr_cluster_idle;
	}
	if (f->capacity_dmips_mhz)
		d->capacity_dmips_mhz = f->capacity_dmips_mhz;
	if (f->dyn_power_coeff)
		d->dyn_power_coeff = f->dyn_power_coeff;
	if (f->transition_latency_ns)
		d->transition_latency_ns = f->transition_latency_ns;
	if (f->transition_delay_us)
		d->transition_delay_us = f->transition_delay_us;
	d->src_line = f->src_line;
}

static int match_pd(const struct eg_model *dst, const struct eg_model *file, const struct eg_pd *f,
		    struct eg_error *err)
{
	char fs[128], ds[128];
	int cpu;

	for (int j = 0; j < dst->nr_pds; j++)
		if (!memcmp(&dst->pds[j].cpus, &f->cpus, sizeof(f->cpus)))
			return j;
	eg_cpumask_format(&f->cpus, fs, sizeof(fs));
	for (int j = 0; j < dst->nr_pds; j++) {
		const struct eg_pd *d = &dst->pds[j];
		const char *label = d->sysfs_policy[0] ? d->sysfs_policy : d->name;

		eg_for_each_cpu (cpu, &f->cpus) {
			if (!eg_cpumask_test(&d->cpus, cpu))
				continue;
			eg_cpumask_format(&d->cpus, ds, sizeof(ds));
			eg_error_set(err, file->source, f->src_line,
				     "domain %s has CPUs %s but this machine's %s has CPUs %s",
				     f->name, fs, label, ds);
			return -EINVAL;
		}
	}
	eg_cpumask_format(&dst->possible, ds, sizeof(ds));
	eg_error_set(err, file->source, f->src_line,
		     "domain %s has CPUs %s but this machine has CPUs %s only", f->name, fs, ds);
	return -EINVAL;
}

int eg_model_merge(struct eg_model *dst, const struct eg_model *file, struct eg_error *err)
{
	int map[EG_MAX_PDS];

	if (file->nr_cpus && dst->nr_cpus && file->nr_cpus != dst->nr_cpus) {
		eg_error_set(err, file->source, 0, "the device file has %d CPUs, this machine %d",
			     file->nr_cpus, dst->nr_cpus);
		return -EINVAL;
	}
	for (int i = 0; i < file->nr_pds; i++) {
		map[i] = match_pd(dst, file, &file->pds[i], err);
		if (map[i] < 0)
			return map[i];
	}
	for (int i = 0; i < file->nr_pds; i++)
		merge_pd(&dst->pds[map[i]], &file->pds[i]);

	for (int i = 0; i < file->nr_zones; i++) {
		const struct eg_zone *fz = &file->zones[i];
		struct eg_zone z = *fz;
		int k;

		for (int c = 0; c < z.nr_cooled; c++) {
			if (z.cooled[c].pd < 0 || z.cooled[c].pd >= file->nr_pds) {
				eg_error_set(err, file->source, fz->src_line,
					     "zone %s cools an unknown domain", fz->name);
				return -EINVAL;
			}
			z.cooled[c].pd = map[z.cooled[c].pd];
		}
		for (k = 0; k < dst->nr_zones; k++) {
			const struct eg_zone *dz = &dst->zones[k];

			if (fz->sensor[0] ? eg_streq(fz->sensor, dz->sensor) :
					    eg_streq(fz->name, dz->name))
				break;
		}
		if (k == dst->nr_zones) {
			if (dst->nr_zones == EG_MAX_ZONES) {
				eg_error_set(err, file->source, fz->src_line,
					     "zone %s: more than %d zones", fz->name, EG_MAX_ZONES);
				return -E2BIG;
			}
			dst->nr_zones++;
		}
		dst->zones[k] = z;
	}

	if (file->name[0])
		memcpy(dst->name, file->name, sizeof(dst->name));
	if (file->source[0])
		memcpy(dst->source, file->source, sizeof(dst->source));
	if (file->nr_compatible) {
		memcpy(dst->compatible, file->compatible, sizeof(dst->compatible));
		dst->nr_compatible = file->nr_compatible;
	}
	if (file->nr_dmi) {
		memcpy(dst->dmi, file->dmi, sizeof(dst->dmi));
		dst->nr_dmi = file->nr_dmi;
	}
	return eg_discover_finalize(dst, err);
}
