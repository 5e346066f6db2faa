// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel's Energy Model in debugfs (/sys/kernel/debug/energy_model):
 * the power of each OPP of the CPU domains, in the unit its flags or units
 * file gives. Optional: debugfs is root-only and often unmounted, and only
 * EAS platforms register CPUs. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "discover_priv.h"
#include "log.h"
#include "parse.h"
#include "sysfs_io.h"

#define EM_DIR "/sys/kernel/debug/energy_model"
/* Energy Model flags (include/linux/energy_model.h): power in uW (5.19+; it
 * meant mW in 5.18, the only release with a flags file and mW), and an
 * artificial EM whose power values are abstract. */
#define EM_FLAG_MICROWATTS 0x1UL
#define EM_FLAG_ARTIFICIAL 0x4UL

static int em_scale(const char *dir, const char *pdname, uint64_t *scale)
{
	char path[EG_PATH_MAX], buf[64];
	uint64_t flags;

	if (eg_discover_pathf(path, sizeof(path), "%s/flags", dir) == 0 &&
	    eg_discover_read_text(path, buf, sizeof(buf)) == 0 &&
	    eg_parse_hex_u64(buf, &flags) == 0) {
		if (flags & EM_FLAG_ARTIFICIAL || !(flags & EM_FLAG_MICROWATTS)) {
			eg_info("energy model %s: abstract power scale (flags %#" PRIx64
				"), power not used",
				pdname, flags);
			return -EINVAL;
		}
		*scale = 1;
		return 0;
	}
	if (eg_discover_pathf(path, sizeof(path), "%s/units", dir) == 0 &&
	    eg_discover_read_text(path, buf, sizeof(buf)) == 0) {
		if (eg_streq(buf, "milliWatts")) {
			*scale = 1000;
			return 0;
		}
		eg_info("energy model %s: power in %s, not used", pdname, buf);
		return -EINVAL;
	}
	/* No flags and no units file: no kernel we know; newer ones speak uW. */
	eg_warn("energy model %s: no flags/units file, assuming microwatts", pdname);
	*scale = 1;
	return 0;
}

static int em_read_pd(struct eg_model *m, const char *pdname, struct eg_error *err)
{
	char dir[EG_PATH_MAX], path[EG_PATH_MAX], buf[128];
	struct eg_pd *pd = NULL;
	eg_cpumask_t cpus;
	struct dirent *e;
	uint64_t scale;
	int r, got = 0;
	DIR *d;

	if (eg_discover_pathf(dir, sizeof(dir), EM_DIR "/%s", pdname) ||
	    eg_discover_pathf(path, sizeof(path), "%s/cpus", dir))
		return eg_discover_fail(err, -ENAMETOOLONG, "energy model %s: path too long",
					pdname);
	r = eg_discover_read_text(path, buf, sizeof(buf));
	if (r == -ENOENT)
		return 0; /* a device (GPU, ...) domain, not CPUs */
	if (r)
		return eg_discover_fail(err, r, "cannot read %s", path);
	if (eg_cpumask_parse(buf, &cpus))
		return eg_discover_fail(err, -EINVAL, "%s: bad CPU list '%s'", path, buf);
	for (int i = 0; i < m->nr_pds; i++)
		if (!memcmp(&m->pds[i].cpus, &cpus, sizeof(cpus)))
			pd = &m->pds[i];
	if (!pd) {
		eg_warn("energy model %s: CPUs %s match no cpufreq policy, ignored", pdname, buf);
		return 0;
	}
	if (em_scale(dir, pdname, &scale))
		return 0;
	d = opendir(dir);
	if (!d)
		return eg_discover_fail(err, -errno, "cannot list %s", dir);
	while ((e = readdir(d))) {
		uint64_t khz, power;
		int idx;

		if (strncmp(e->d_name, "ps:", 3))
			continue;
		r = eg_discover_pathf(path, sizeof(path), "%s/%s/frequency", dir, e->d_name);
		if (!r)
			r = eg_sysfs_read_u64(path, &khz);
		if (!r)
			r = eg_discover_pathf(path, sizeof(path), "%s/%s/power", dir, e->d_name);
		if (!r)
			r = eg_sysfs_read_u64(path, &power);
		if (r) {
			closedir(d);
			return eg_discover_fail(err, r, "cannot read %s", path);
		}
		idx = khz <= UINT32_MAX ? eg_pd_opp_index(pd, (uint32_t)khz) : -1;
		if (idx < 0) {
			eg_warn("energy model %s: %" PRIu64 " kHz is not an OPP of %s", pdname, khz,
				pd->name);
			continue;
		}
		pd->opps[idx].power_uw = power * scale;
		pd->opps[idx].power_origin = EG_ORIGIN_SYSFS;
		got++;
	}
	closedir(d);
	if (got < pd->nr_opps)
		eg_warn("energy model %s: power for %d of %d OPPs of %s", pdname, got, pd->nr_opps,
			pd->name);
	else
		eg_info("energy model %s: power of %s's %d OPPs", pdname, pd->name, got);
	return 0;
}

int eg_discover_em(struct eg_model *m, struct eg_error *err)
{
	struct dirent *e;
	DIR *d;
	int r = 0;

	d = opendir(EM_DIR);
	if (!d) {
		if (errno == ENOENT || errno == EACCES || errno == EPERM) {
			eg_info("no readable energy model at %s (%s): OPP power unknown", EM_DIR,
				strerror(errno));
			return 0;
		}
		return eg_discover_fail(err, -errno, "cannot list %s", EM_DIR);
	}
	while (!r && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		r = em_read_pd(m, e->d_name, err);
	}
	closedir(d);
	return r;
}
