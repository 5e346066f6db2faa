// SPDX-License-Identifier: GPL-2.0-or-later
/* thermal-sysfs: kept-open thermal_zoneN/temp files read with pread() on the
 * zones' own intervals. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "log.h"
#include "thermal_sysfs.h"
#include "util.h"

struct ts_zone {
	int zone; /* index in the model */
	char path[EG_PATH_MAX];
	int fd;		  /* -1 while closed (reopened on the next read) */
	uint64_t next_ns; /* next reading due; 0 = at once */
	int last_err;	  /* last errno logged, so a failing zone logs once */
};

struct eg_source {
	const struct eg_model *model;
	int nr;
	struct ts_zone z[EG_MAX_ZONES];
};

int eg_thermal_zone_id(const char *sensor)
{
	const char *p;
	int id;

	if (!sensor || strncmp(sensor, "thermal_zone", 12) != 0)
		return -1;
	p = sensor + 12;
	if (eg_parse_int(p, 0, INT_MAX, &id) < 0)
		return -1;
	return id;
}

static int first_passive_mc(const struct eg_zone *z)
{
	for (int i = 0; i < z->nr_trips; i++)
		if (z->trips[i].type == EG_TRIP_PASSIVE)
			return z->trips[i].temp_mc;
	return INT_MAX;
}

uint64_t eg_thermal_zone_interval_ns(const struct eg_zone *z, int temp_mc)
{
	uint32_t ms = z->polling_ms ? z->polling_ms : EG_THERMAL_DEFAULT_POLL_MS;

	/* The kernel switches a zone to passive_delay once a passive trip is
	 * crossed so the governor reacts faster while it is throttling; with
	 * passive_ms 0 it keeps the normal delay, and so do we. */
	if (z->passive_ms && temp_mc >= first_passive_mc(z))
		ms = z->passive_ms;
	return (uint64_t)ms * NSEC_PER_MSEC;
}

static int zone_path(const struct eg_source_opts *o, int id, char *buf, size_t len)
{
	static const struct eg_sysfs machine = { .root = "" };

	return eg_sysfs_path(o->fs ? o->fs : &machine, buf, len,
			     "/sys/class/thermal/thermal_zone%d/temp", id);
}

/* Millidegrees from a temp file's text; negative values are legal (a sensor
 * below 0 C). */
static int parse_mc(const char *buf, int *out)
{
	char num[32];
	size_t n = strcspn(buf, "\n ");

	/* Trailing newline or blanks only. */
	if (n >= sizeof(num) || buf[n + strspn(buf + n, "\n ")])
		return -EINVAL;
	memcpy(num, buf, n);
	num[n] = '\0';
	return eg_parse_int(num, INT_MIN, INT_MAX, out) < 0 ? -EINVAL : 0;
}

static int read_fd_mc(int fd, int *mc)
{
	char buf[32];
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return parse_mc(buf, mc);
}

static int ts_probe(const struct eg_source_opts *o, char *why, size_t len)
{
	int nr_named = 0;

	for (int i = 0; i < o->model->nr_zones; i++) {
		int id = eg_thermal_zone_id(o->model->zones[i].sensor), fd, mc;
		char path[EG_PATH_MAX];

		if (id < 0 || zone_path(o, id, path, sizeof(path)) < 0)
			continue;
		nr_named++;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (read_fd_mc(fd, &mc) == 0) {
			close(fd);
			return 0;
		}
		close(fd);
	}
	if (nr_named)
		snprintf(why, len, "none of the model's %d thermal_zone sensors is readable",
			 nr_named);
	else
		snprintf(why, len, "no model zone has a thermal_zoneN sensor");
	return -ENODEV;
}

static int ts_open(struct eg_source **out, const struct eg_source_opts *o)
{
	struct eg_source *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->model = o->model;
	for (int i = 0; i < o->model->nr_zones && s->nr < EG_MAX_ZONES; i++) {
		struct ts_zone *z = &s->z[s->nr];
		int id = eg_thermal_zone_id(o->model->zones[i].sensor);

		if (id < 0)
			continue;
		if (zone_path(o, id, z->path, sizeof(z->path)) < 0) {
			eg_warn("thermal-sysfs: zone %s: path too long, ignored",
				o->model->zones[i].name);
			continue;
		}
		z->zone = i;
		z->fd = open(z->path, O_RDONLY | O_CLOEXEC);
		if (z->fd < 0) {
			eg_warn_errno(-errno, "thermal-sysfs: zone %s: open %s, ignored",
				      o->model->zones[i].name, z->path);
			continue;
		}
		s->nr++;
	}
	if (!s->nr) {
		free(s);
		return -ENODEV;
	}
	*out = s;
	return 0;
}

static int ts_fd(const struct eg_source *s)
{
	(void)s;
	return -1;
}

static uint64_t ts_next_timeout(const struct eg_source *s)
{
	uint64_t t = EG_NEVER;

	for (int i = 0; i < s->nr; i++)
		t = EG_MIN(t, s->z[i].next_ns);
	return t;
}

/* One reading of zone z at now: 1 when *ev was filled, 0 when the read
 * failed (logged once per errno; the fd is reopened next time, as a zone
 * that went away and came back is a new file). */
static int read_zone(struct eg_source *s, struct ts_zone *z, uint64_t now, struct eg_event *ev)
{
	const struct eg_zone *mz = &s->model->zones[z->zone];
	int mc, r;

	if (z->fd < 0) {
		z->fd = open(z->path, O_RDONLY | O_CLOEXEC);
		r = z->fd < 0 ? -errno : 0;
	} else {
		r = 0;
	}
	if (r == 0)
		r = read_fd_mc(z->fd, &mc);
	if (r < 0) {
		if (r != z->last_err)
			eg_warn_errno(r, "thermal-sysfs: zone %s: read %s", mz->name, z->path);
		z->last_err = r;
		if (z->fd >= 0 && r != -EINVAL) {
			close(z->fd);
			z->fd = -1;
		}
		z->next_ns = now + eg_thermal_zone_interval_ns(mz, INT_MIN);
		return 0;
	}
	if (z->last_err)
		eg_info("thermal-sysfs: zone %s: readable again", mz->name);
	z->last_err = 0;
	z->next_ns = now + eg_thermal_zone_interval_ns(mz, mc);
	*ev = (struct eg_event){ .ts = now, .type = EG_EV_TEMP, .cpu = -1 };
	ev->temp.zone = z->zone;
	ev->temp.temp_mc = mc;
	return 1;
}

static int ts_read(struct eg_source *s, uint64_t now, struct eg_event *ev, int max)
{
	int n = 0;

	for (int i = 0; i < s->nr; i++) {
		struct ts_zone *z = &s->z[i];

		if (z->next_ns > now)
			continue;
		if (n >= max)
			return -EAGAIN;
		n += read_zone(s, z, now, &ev[n]);
	}
	return n;
}

static void ts_close(struct eg_source *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->nr; i++)
		if (s->z[i].fd >= 0)
			close(s->z[i].fd);
	free(s);
}

const struct eg_source_ops eg_source_thermal_sysfs = {
	.name = "thermal-sysfs",
	.kind = EG_SOURCE_THERMAL,
	.probe = ts_probe,
	.open = ts_open,
	.fd = ts_fd,
	.next_timeout = ts_next_timeout,
	.read = ts_read,
	.close = ts_close,
};
