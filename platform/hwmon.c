// SPDX-License-Identifier: GPL-2.0-or-later
/* hwmon through libsensors. libsensors keeps its chip list in process-global
 * state (sensors_init / sensors_cleanup), so the users of it in this process
 * (an open source, a probe) share one initialisation, counted here. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sensors/error.h>
#include <sensors/sensors.h>

#include "hwmon.h"
#include "log.h"
#include "thermal_sysfs.h"
#include "util.h"

struct hw_zone {
	int zone;		       /* index in the model */
	const sensors_chip_name *chip; /* owned by libsensors until cleanup */
	int subfeature;		       /* number of the tempN_input subfeature */
	uint64_t next_ns;	       /* 0 = at once */
	int last_err;		       /* a failing zone logs once per error */
};

struct eg_source {
	const struct eg_model *model;
	int nr;
	struct hw_zone z[EG_MAX_ZONES];
};

static int sensors_users;

static int sensors_get(void)
{
	int r;

	if (sensors_users++)
		return 0;
	/* NULL: the default configuration (/etc/sensors3.conf and
	 * sensors.d), whose compute lines fix known chips' readings. */
	r = sensors_init(NULL);
	if (r) {
		sensors_users = 0;
		eg_warn("hwmon: sensors_init: %s", sensors_strerror(r));
		return -EIO;
	}
	return 0;
}

static void sensors_put(void)
{
	if (sensors_users > 0 && !--sensors_users)
		sensors_cleanup();
}

int eg_hwmon_parse_sensor(const char *sensor, char *chip, size_t chip_len, char *feature,
			  size_t feature_len)
{
	size_t plen = strlen(EG_HWMON_PREFIX), clen;
	const char *p, *slash;

	if (!sensor || strncmp(sensor, EG_HWMON_PREFIX, plen) != 0)
		return -EINVAL;
	p = sensor + plen;
	slash = strchr(p, '/');
	if (!slash || slash == p || !slash[1] || strchr(slash + 1, '/'))
		return -EINVAL;
	clen = (size_t)(slash - p);
	if (clen >= chip_len)
		return -ENAMETOOLONG;
	memcpy(chip, p, clen);
	chip[clen] = '\0';
	return eg_strlcpy(feature, slash + 1, feature_len);
}

/* Find the tempN_input subfeature of feature on the first detected chip
 * matching chip_name. 0 or -ENOENT (-EINVAL: chip_name does not parse). */
static int resolve(const char *chip_name, const char *feature, const sensors_chip_name **chip,
		   int *subfeature)
{
	sensors_chip_name match;
	const sensors_chip_name *c;
	int nr = 0, r = -ENOENT;

	/* libsensors parses full names ("coretemp-isa-0000") and wildcards
	 * ("coretemp-*") but not a bare prefix: a bare prefix means any chip
	 * of that kind, so add the wildcard. */
	if (sensors_parse_chip_name(chip_name, &match)) {
		char any[EG_NAME_MAX + 3];

		snprintf(any, sizeof(any), "%s-*", chip_name);
		if (sensors_parse_chip_name(any, &match))
			return -EINVAL;
	}
	while ((c = sensors_get_detected_chips(&match, &nr))) {
		const sensors_feature *f;
		int fnr = 0;

		while ((f = sensors_get_features(c, &fnr))) {
			const sensors_subfeature *sf;

			if (f->type != SENSORS_FEATURE_TEMP || strcmp(f->name, feature) != 0)
				continue;
			sf = sensors_get_subfeature(c, f, SENSORS_SUBFEATURE_TEMP_INPUT);
			if (!sf)
				continue;
			*chip = c;
			*subfeature = sf->number;
			r = 0;
			goto out;
		}
	}
out:
	sensors_free_chip_name(&match);
	return r;
}

static int resolve_zone(const struct eg_zone *z, const sensors_chip_name **chip, int *sf)
{
	char chip_name[EG_NAME_MAX], feature[EG_NAME_MAX];
	int r = eg_hwmon_parse_sensor(z->sensor, chip_name, sizeof(chip_name), feature,
				      sizeof(feature));

	return r < 0 ? r : resolve(chip_name, feature, chip, sf);
}

static int read_mc(const sensors_chip_name *chip, int sf, int *mc)
{
	double v;
	int r = sensors_get_value(chip, sf, &v);

	if (r)
		return r < 0 ? r : -r; /* libsensors' own negative error */
	/* libsensors reports degrees C (the driver's millidegrees / 1000). */
	v = round(v * 1000.0);
	if (!isfinite(v) || v < INT_MIN || v > INT_MAX)
		return -SENSORS_ERR_ACCESS_R;
	*mc = (int)v;
	return 0;
}

static int hw_probe(const struct eg_source_opts *o, char *why, size_t len)
{
	int nr_named = 0, r;

	for (int i = 0; i < o->model->nr_zones; i++)
		if (!strncmp(o->model->zones[i].sensor, EG_HWMON_PREFIX, strlen(EG_HWMON_PREFIX)))
			nr_named++;
	if (!nr_named) {
		snprintf(why, len, "no model zone has an hwmon:CHIP/tempN sensor");
		return -ENODEV;
	}
	r = sensors_get();
	if (r < 0) {
		snprintf(why, len, "libsensors cannot initialise");
		return r;
	}
	r = -ENODEV;
	for (int i = 0; i < o->model->nr_zones && r < 0; i++) {
		const sensors_chip_name *chip;
		int sf, mc;

		if (resolve_zone(&o->model->zones[i], &chip, &sf) == 0 &&
		    read_mc(chip, sf, &mc) == 0)
			r = 0;
	}
	sensors_put();
	if (r < 0)
		snprintf(why, len, "none of the model's %d hwmon sensors is found and readable",
			 nr_named);
	return r;
}

static int hw_open(struct eg_source **out, const struct eg_source_opts *o)
{
	struct eg_source *s;
	int r = sensors_get();

	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s) {
		sensors_put();
		return -ENOMEM;
	}
	s->model = o->model;
	for (int i = 0; i < o->model->nr_zones && s->nr < EG_MAX_ZONES; i++) {
		const struct eg_zone *z = &o->model->zones[i];
		struct hw_zone *hz = &s->z[s->nr];

		if (strncmp(z->sensor, EG_HWMON_PREFIX, strlen(EG_HWMON_PREFIX)))
			continue;
		r = resolve_zone(z, &hz->chip, &hz->subfeature);
		if (r < 0) {
			eg_warn("hwmon: zone %s: sensor '%s' %s, ignored", z->name, z->sensor,
				r == -ENOENT ? "not found" : "is not hwmon:CHIP/tempN");
			continue;
		}
		hz->zone = i;
		s->nr++;
	}
	if (!s->nr) {
		free(s);
		sensors_put();
		return -ENODEV;
	}
	*out = s;
	return 0;
}

static int hw_fd(const struct eg_source *s)
{
	(void)s;
	return -1;
}

static uint64_t hw_next_timeout(const struct eg_source *s)
{
	uint64_t t = EG_NEVER;

	for (int i = 0; i < s->nr; i++)
		t = EG_MIN(t, s->z[i].next_ns);
	return t;
}

static int hw_read(struct eg_source *s, uint64_t now, struct eg_event *ev, int max)
{
	int n = 0;

	for (int i = 0; i < s->nr; i++) {
		struct hw_zone *hz = &s->z[i];
		const struct eg_zone *z = &s->model->zones[hz->zone];
		int mc, r;

		if (hz->next_ns > now)
			continue;
		if (n >= max)
			return -EAGAIN;
		r = read_mc(hz->chip, hz->subfeature, &mc);
		if (r < 0) {
			if (r != hz->last_err)
				eg_warn("hwmon: zone %s: read %s: %s", z->name, z->sensor,
					sensors_strerror(-r));
			hz->last_err = r;
			hz->next_ns = now + eg_thermal_zone_interval_ns(z, INT_MIN);
			continue;
		}
		if (hz->last_err)
			eg_info("hwmon: zone %s: readable again", z->name);
		hz->last_err = 0;
		/* Same intervals as a thermal zone's: faster while above the
		 * first passive trip, where the thermal governor throttles and
		 * wants quick feedback. */
		hz->next_ns = now + eg_thermal_zone_interval_ns(z, mc);
		ev[n] = (struct eg_event){ .ts = now, .type = EG_EV_TEMP, .cpu = -1 };
		ev[n].temp.zone = hz->zone;
		ev[n].temp.temp_mc = mc;
		n++;
	}
	return n;
}

static void hw_close(struct eg_source *s)
{
	if (!s)
		return;
	free(s);
	sensors_put();
}

const struct eg_source_ops eg_source_hwmon = {
	.name = "hwmon",
	.kind = EG_SOURCE_THERMAL,
	.probe = hw_probe,
	.open = hw_open,
	.fd = hw_fd,
	.next_timeout = hw_next_timeout,
	.read = hw_read,
	.close = hw_close,
};
