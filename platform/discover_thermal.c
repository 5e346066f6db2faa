// SPDX-License-Identifier: GPL-2.0-or-later
/* Thermal zone discovery through libudev: each zone's trips (temperature,
 * hysteresis, type), sustainable power, and which frequency domains its
 * cooling devices throttle. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "discover_priv.h"
#include "log.h"
#include "parse.h"
#include "sysfs_io.h"

/* Trips per zone we look at; the kernel has no fixed maximum, zones with more
 * than a dozen trips do not exist in practice, EG_MAX_TRIPS bounds the model. */
#define MAX_TRIP_PROBE 64

static int cmp_trip(const void *a, const void *b)
{
	const struct eg_trip *x = a, *y = b;

	return x->temp_mc < y->temp_mc ? -1 : x->temp_mc > y->temp_mc;
}

/* The CPU domains a zone cools: its cdevK links to cooling devices of type
 * "cpufreq-cpuN" (N = the policy's first CPU; "thermal-cpufreq-N" on kernels
 * before 5.8 numbered them by registration, taken here as a CPU too, which
 * matches the usual order), weight from cdevK_weight. Plain reads: libudev's
 * sysattr lookup does not follow the cdevK link to "cdevK/type". */
static int pd_of_cpu(const struct eg_model *m, int cpu)
{
	for (int i = 0; i < m->nr_pds; i++)
		if (eg_cpumask_test(&m->pds[i].cpus, cpu))
			return i;
	return -1;
}

static bool zone_cools(const struct eg_zone *z, int pd)
{
	for (int c = 0; c < z->nr_cooled; c++)
		if (z->cooled[c].pd == pd)
			return true;
	return false;
}

/* The CPU domains a zone cools: its cdevK links to cooling devices of type
 * "cpufreq-cpuN" (N = the policy's first CPU; "thermal-cpufreq-N" on kernels
 * before 5.8, numbered by registration, which follows CPU order on the
 * usual one-policy-per-cluster SoC: taken as a CPU too), weight from
 * cdevK_weight. Plain reads: libudev's sysattr lookup does not follow the
 * cdevK link to "cdevK/type". */
static void read_cooled(const struct eg_model *m, struct udev_device *dev, struct eg_zone *z)
{
	const char *syspath = udev_device_get_syspath(dev);
	char path[EG_PATH_MAX], buf[64];

	for (int k = 0; k < MAX_TRIP_PROBE && z->nr_cooled < EG_MAX_COOLED; k++) {
		uint64_t weight = 0;
		const char *num;
		int cpu, pd;

		if (eg_discover_pathf(path, sizeof(path), "%s/cdev%d/type", syspath, k))
			break;
		/* cdevK numbers come from an IDA: gaps after unbinds. */
		if (eg_discover_read_text(path, buf, sizeof(buf)))
			continue;
		if (!strncmp(buf, "cpufreq-cpu", 11))
			num = buf + 11;
		else if (!strncmp(buf, "thermal-cpufreq-", 16))
			num = buf + 16;
		else
			continue;
		if (eg_parse_int(num, INT_MIN, INT_MAX, &cpu) || (pd = pd_of_cpu(m, cpu)) < 0)
			continue;
		/* One cdev link per trip: the same actor appears several times. */
		if (zone_cools(z, pd))
			continue;
		if (!eg_discover_pathf(path, sizeof(path), "%s/cdev%d_weight", syspath, k))
			eg_sysfs_read_u64(path, &weight);
		/* Weight 0 is the kernel's default, "no preference": IPA then
		 * shares equally, i.e. full contribution for each actor. */
		if (weight == 0 || weight > EG_CAPACITY_SCALE)
			weight = EG_CAPACITY_SCALE;
		z->cooled[z->nr_cooled++] =
			(struct eg_cooled){ .pd = pd, .weight = (uint32_t)weight };
	}
}

static void read_zone(const struct eg_model *m, struct udev_device *dev, struct eg_zone *z)
{
	const char *v;
	char attr[64];

	memset(z, 0, sizeof(*z));
	z->origin = EG_ORIGIN_SYSFS;
	eg_strlcpy(z->sensor, udev_device_get_sysname(dev), sizeof(z->sensor));
	v = udev_device_get_sysattr_value(dev, "type");
	if (!v || !*v)
		v = z->sensor;
	if (eg_strlcpy(z->name, v, sizeof(z->name)))
		eg_warn("%s: type '%s' truncated", z->sensor, v);
	for (int k = 0; k < MAX_TRIP_PROBE; k++) {
		struct eg_trip t = { 0 };
		const char *type;

		snprintf(attr, sizeof(attr), "trip_point_%d_temp", k);
		v = udev_device_get_sysattr_value(dev, attr);
		if (!v)
			break;
		snprintf(attr, sizeof(attr), "trip_point_%d_type", k);
		type = udev_device_get_sysattr_value(dev, attr);
		if (eg_parse_int(v, INT_MIN, INT_MAX, &t.temp_mc) || !type ||
		    eg_trip_type_from_string(type, &t.type)) {
			eg_warn("%s: trip %d unreadable (temp '%s', type '%s'), ignored", z->sensor,
				k, v, type ? type : "");
			continue;
		}
		snprintf(attr, sizeof(attr), "trip_point_%d_hyst", k);
		v = udev_device_get_sysattr_value(dev, attr);
		if (v && eg_parse_int(v, INT_MIN, INT_MAX, &t.hyst_mc))
			t.hyst_mc = 0;
		if (z->nr_trips == EG_MAX_TRIPS) {
			eg_warn("%s: more than %d trips, the rest ignored", z->sensor,
				EG_MAX_TRIPS);
			break;
		}
		z->trips[z->nr_trips++] = t;
	}
	/* The kernel numbers trips in firmware order (ACPI puts critical
	 * first); the model wants them by temperature. */
	qsort(z->trips, (size_t)z->nr_trips, sizeof(z->trips[0]), cmp_trip);
	v = udev_device_get_sysattr_value(dev, "sustainable_power");
	if (v) {
		uint64_t mw;

		if (!eg_parse_u64(v, 0, UINT32_MAX, &mw))
			z->sustainable_power_mw = (uint32_t)mw;
	}
	read_cooled(m, dev, z);
}

struct zone_ref {
	int num;
	char syspath[EG_PATH_MAX];
};

static int cmp_zone_ref(const void *a, const void *b)
{
	const struct zone_ref *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

int eg_discover_zones(struct eg_model *m, struct eg_error *err)
{
	struct zone_ref refs[EG_MAX_ZONES * 8];
	struct udev_enumerate *en = NULL;
	struct udev_list_entry *l;
	struct udev *udev;
	int n = 0, r;

	udev = udev_new();
	if (!udev)
		return eg_discover_fail(err, -ENOMEM, "udev_new failed");
	en = udev_enumerate_new(udev);
	if (!en) {
		udev_unref(udev);
		return eg_discover_fail(err, -ENOMEM, "udev_enumerate_new failed");
	}
	r = udev_enumerate_add_match_subsystem(en, "thermal");
	if (!r)
		r = udev_enumerate_add_match_sysname(en, "thermal_zone*");
	if (!r)
		r = udev_enumerate_scan_devices(en);
	if (r < 0) {
		udev_enumerate_unref(en);
		udev_unref(udev);
		return eg_discover_fail(err, r, "cannot enumerate thermal zones");
	}
	udev_list_entry_foreach(l, udev_enumerate_get_list_entry(en))
	{
		const char *path = udev_list_entry_get_name(l);
		const char *base = strrchr(path, '/');
		int num;

		base = base ? base + 1 : path;
		if (eg_parse_int(base + strlen("thermal_zone"), INT_MIN, INT_MAX, &num))
			continue;
		if (n == (int)ARRAY_SIZE(refs))
			break;
		refs[n].num = num;
		if (eg_strlcpy(refs[n].syspath, path, sizeof(refs[n].syspath)))
			continue;
		n++;
	}
	udev_enumerate_unref(en);
	/* udev lists by path: thermal_zone10 before thermal_zone2. */
	qsort(refs, (size_t)n, sizeof(refs[0]), cmp_zone_ref);
	if (n > EG_MAX_ZONES)
		eg_warn("%d thermal zones, keeping the first %d", n, EG_MAX_ZONES);
	for (int i = 0; i < n && m->nr_zones < EG_MAX_ZONES; i++) {
		struct udev_device *dev = udev_device_new_from_syspath(udev, refs[i].syspath);

		if (!dev) {
			eg_warn("thermal zone %s vanished", refs[i].syspath);
			continue;
		}
		read_zone(m, dev, &m->zones[m->nr_zones]);
		m->nr_zones++;
		udev_device_unref(dev);
	}
	udev_unref(udev);
	return 0;
}
