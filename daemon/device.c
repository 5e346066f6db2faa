// SPDX-License-Identifier: GPL-2.0-or-later
/* Which device file applies (--device, eagov.conf, the machine's device
 * tree or DMI name) and the model built from it: discovery merged with the
 * file, or the file alone under --sysfs-root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "discover.h"
#include "fileio.h"
#include "log.h"
#include "run.h"
#include "util.h"

/* The device file for this machine, by device tree compatible list (NUL
 * separated, most specific first), else by its DMI product, vendor and board
 * names (devfind.h ranks the matches). */
static int match_machine(char *path, size_t len)
{
	char dt[4096];
	const char *compat[EG_MAX_IDS];
	struct eg_dmi dmi;
	struct eg_machine_ident id = { 0 };
	int n = 0, k;

	k = eg_read_small("/proc/device-tree/compatible", dt, sizeof(dt), 0);
	for (int off = 0; k > 0 && off < k && n < EG_MAX_IDS; off += (int)strlen(dt + off) + 1)
		if (dt[off])
			compat[n++] = dt + off;
	if (eg_conf_read_dmi("", &dmi) < 0)
		memset(&dmi, 0, sizeof(dmi));
	id.compatible = compat;
	id.nr_compatible = n;
	id.dmi_product = dmi.product;
	id.dmi_vendor = dmi.vendor;
	id.dmi_board = dmi.board;
	return eg_conf_match_machine(&id, path, len);
}

int eg_daemon_pick_device(const char *arg, char *path, size_t len)
{
	int r;

	if (!arg)
		return match_machine(path, len);
	r = eg_conf_find_device(arg, path, len);
	if (r < 0)
		eg_err("device '%s': no such file or device name: %s", arg, strerror(-r));
	return r;
}

int daemon_load_conf(struct daemon *d, struct eg_daemon_conf *c)
{
	struct eg_error err = { 0 };
	int r;

	eg_daemon_conf_init(c);
	r = eg_conf_load_daemon(d->config_path, c, &err);
	if (r == -ENOENT && !d->config_explicit) {
		eg_daemon_conf_init(c); /* no eagov.conf: the defaults */
		return 0;
	}
	if (r < 0)
		daemon_log_error("", &err);
	return r;
}

/* Which device file applies: --device, else eagov.conf's device, else the
 * one matching the machine, else none (""). */
int daemon_choose_device(struct daemon *d, const struct eg_daemon_conf *c, char *path, size_t len)
{
	const char *arg = d->opts->device;

	if (!arg && c->device[0] && !eg_streq(c->device, "auto"))
		arg = c->device;
	if (arg)
		return eg_daemon_pick_device(arg, path, len);
	if (match_machine(path, len) == 0)
		return 0;
	path[0] = '\0';
	return 0;
}

/* Device files name no sysfs policy: bind each domain without one to
 * cpufreq/policyN of its first CPU (the cpuN/cpufreq link's target when
 * there is one) under the root, with the cpuinfo limits read there. */
static void bind_policies(const struct eg_sysfs *fs, struct eg_model *m)
{
	for (int i = 0; i < m->nr_pds; i++) {
		struct eg_pd *pd = &m->pds[i];
		char path[EG_PATH_MAX], target[EG_PATH_MAX];
		ssize_t n;

		if (pd->sysfs_policy[0])
			continue;
		snprintf(pd->sysfs_policy, sizeof(pd->sysfs_policy), "policy%d", pd->first_cpu);
		if (eg_sysfs_path(fs, path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpufreq",
				  pd->first_cpu) == 0 &&
		    (n = readlink(path, target, sizeof(target) - 1)) > 0) {
			const char *base;

			target[n] = '\0';
			base = strrchr(target, '/');
			base = base ? base + 1 : target;
			if (strncmp(base, "policy", 6) == 0)
				eg_strlcpy(pd->sysfs_policy, base, sizeof(pd->sysfs_policy));
		}
		if (eg_sysfs_path(fs, path, sizeof(path), "/sys/devices/system/cpu/cpufreq/%s",
				  pd->sysfs_policy) < 0 ||
		    !eg_sysfs_exists(path)) {
			pd->sysfs_policy[0] = '\0';
			continue;
		}
		if (!pd->cpuinfo_min_khz && eg_sysfs_path(fs, path, sizeof(path),
							  "/sys/devices/system/cpu/cpufreq/%s/"
							  "cpuinfo_min_freq",
							  pd->sysfs_policy) == 0)
			eg_sysfs_read_u32(path, &pd->cpuinfo_min_khz);
		if (!pd->cpuinfo_max_khz && eg_sysfs_path(fs, path, sizeof(path),
							  "/sys/devices/system/cpu/cpufreq/%s/"
							  "cpuinfo_max_freq",
							  pd->sysfs_policy) == 0)
			eg_sysfs_read_u32(path, &pd->cpuinfo_max_khz);
	}
}

/* The model and policy settings: discovery merged with the device file when
 * one applies. With a --sysfs-root, discovery (libcpupower, libudev) would
 * read the real machine, not the tree, so the device file alone is used. */
int daemon_load_model(struct daemon *d, const char *device, struct eg_model *m,
		      struct eg_policy_conf *pc)
{
	_cleanup_free_ struct eg_model *fm = NULL;
	struct eg_error err = { 0 };
	bool cpus_only = false;
	int r;

	if (device[0]) {
		fm = malloc(sizeof(*fm));
		if (!fm)
			return -ENOMEM;
		r = eg_conf_load_device(device, fm, pc, &err);
		if (r < 0) {
			daemon_log_error("", &err);
			return r;
		}
	} else {
		eg_policy_conf_init(pc, "");
	}
	if (d->sysfs.root[0]) {
		if (!fm) {
			eg_err("--sysfs-root needs --device: discovery reads the machine, "
			       "not the tree");
			return -EINVAL;
		}
		*m = *fm;
		bind_policies(&d->sysfs, m);
		return 0;
	}
	r = eg_discover_model(m, &err);
	if (r == -ENODEV) {
		eg_notice("no cpufreq: using the CPUs and their idle states only");
		cpus_only = true;
		r = eg_discover_cpus_only(m, &err);
	}
	if (r < 0) {
		daemon_log_error("discovery: ", &err);
		return r;
	}
	if (fm) {
		r = eg_model_merge(m, fm, &err);
		if (r < 0 && cpus_only && fm->nr_cpus == m->nr_cpus) {
			/* No cpufreq at all (VMs): the device file's domains cannot
			 * match the single pseudo domain; run on the file's model,
			 * whose decisions find no policy to write (dry-run prints
			 * them). */
			eg_notice("device file %s used alone (this machine has no cpufreq)",
				  device);
			*m = *fm;
			r = 0;
		} else if (r < 0) {
			daemon_log_error("device file does not fit this machine: ", &err);
			return r;
		}
	}
	bind_policies(&d->sysfs, m);
	return 0;
}
