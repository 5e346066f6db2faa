// SPDX-License-Identifier: GPL-2.0-or-later
/* udev: libudev monitor on the "udev" netlink group (events after udevd has
 * processed them, so attributes are settled). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "log.h"
#include "parse.h"
#include "udev_monitor.h"
#include "util.h"

struct eg_source {
	struct udev *udev;
	struct udev_monitor *mon;
	bool on_ac;
	bool ac_pending; /* the initial state, or a change, not yet emitted */
};

/* A sysfs flag as udev gives it ("0", "1", stripped): 1 set, 0 clear, -1
 * absent or not a number. */
static int flag_set(const char *v)
{
	uint32_t n;

	if (!v || eg_parse_u32(v, 0, UINT32_MAX, &n) < 0)
		return -1;
	return n > 0;
}

static bool is_mains(const char *type)
{
	/* USB power delivery and chargers report type USB; they power the
	 * machine like a mains adapter does. */
	return eg_streq(type, "Mains") || eg_streq(type, "USB");
}

int eg_udev_read_on_ac(struct udev *udev, bool *on_ac)
{
	struct udev_enumerate *en = udev_enumerate_new(udev);
	struct udev_list_entry *e;
	bool any_online = false, any_mains = false, any_battery = false;
	int r;

	if (!en)
		return -ENOMEM;
	r = udev_enumerate_add_match_subsystem(en, "power_supply");
	if (r >= 0)
		r = udev_enumerate_scan_devices(en);
	if (r < 0) {
		udev_enumerate_unref(en);
		return r;
	}
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
	{
		struct udev_device *d =
			udev_device_new_from_syspath(udev, udev_list_entry_get_name(e));
		const char *type, *online;

		if (!d)
			continue;
		type = udev_device_get_sysattr_value(d, "type");
		if (is_mains(type)) {
			any_mains = true;
			online = udev_device_get_sysattr_value(d, "online");
			if (flag_set(online) > 0)
				any_online = true;
		} else if (eg_streq(type, "Battery")) {
			any_battery = true;
		}
		udev_device_unref(d);
	}
	udev_enumerate_unref(en);
	/* No mains supply at all: on AC unless there is a battery (a laptop
	 * whose adapter is not exposed runs on its battery as far as we can
	 * tell). */
	*on_ac = any_mains ? any_online : !any_battery;
	return 0;
}

static int ud_probe(const struct eg_source_opts *o, char *why, size_t len)
{
	struct udev *udev = udev_new();
	struct udev_monitor *mon;

	(void)o;
	if (!udev) {
		snprintf(why, len, "libudev: udev_new failed");
		return -ENOMEM;
	}
	mon = udev_monitor_new_from_netlink(udev, "udev");
	if (!mon) {
		snprintf(why, len, "libudev: cannot open a udev netlink monitor");
		udev_unref(udev);
		return -EPROTONOSUPPORT;
	}
	udev_monitor_unref(mon);
	udev_unref(udev);
	return 0;
}

static int ud_open(struct eg_source **out, const struct eg_source_opts *o)
{
	static const char *const subsystems[] = { "cpu", "thermal", "power_supply" };
	struct eg_source *s = calloc(1, sizeof(*s));
	int r = -ENOMEM;

	(void)o;
	if (!s)
		return -ENOMEM;
	s->udev = udev_new();
	if (!s->udev)
		goto fail;
	s->mon = udev_monitor_new_from_netlink(s->udev, "udev");
	if (!s->mon) {
		r = eg_warn_errno(-EPROTONOSUPPORT, "udev: cannot open a netlink monitor");
		goto fail;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subsystems); i++) {
		r = udev_monitor_filter_add_match_subsystem_devtype(s->mon, subsystems[i], NULL);
		if (r < 0) {
			eg_warn_errno(r, "udev: filter on %s", subsystems[i]);
			goto fail;
		}
	}
	r = udev_monitor_enable_receiving(s->mon);
	if (r < 0) {
		eg_warn_errno(r, "udev: enable receiving");
		goto fail;
	}
	/* Read the AC state after the monitor listens, so a change in
	 * between is seen as an event rather than lost. */
	r = eg_udev_read_on_ac(s->udev, &s->on_ac);
	if (r < 0) {
		eg_warn_errno(r, "udev: reading power supplies, assuming AC");
		s->on_ac = true;
	}
	s->ac_pending = true;
	*out = s;
	return 0;
fail:
	if (s->mon)
		udev_monitor_unref(s->mon);
	if (s->udev)
		udev_unref(s->udev);
	free(s);
	return r;
}

static int ud_fd(const struct eg_source *s)
{
	return udev_monitor_get_fd(s->mon);
}

static uint64_t ud_next_timeout(const struct eg_source *s)
{
	/* The initial AC state is due at once. */
	return s->ac_pending ? 0 : EG_NEVER;
}

/* "cpuN" -> N, or -1. */
static int cpu_number(const char *sysname)
{
	uint32_t n;

	if (!sysname || strncmp(sysname, "cpu", 3) ||
	    eg_parse_u32(sysname + 3, 0, EG_MAX_CPUS - 1, &n) < 0)
		return -1;
	return (int)n;
}

/* One uevent: 1 when *ev was filled, else 0. */
static int handle(struct eg_source *s, struct udev_device *d, uint64_t now, struct eg_event *ev)
{
	const char *subsystem = udev_device_get_subsystem(d);
	const char *action = udev_device_get_action(d);
	const char *sysname = udev_device_get_sysname(d);

	if (eg_streq(subsystem, "cpu")) {
		int cpu = cpu_number(sysname);
		int online = -1;

		if (cpu < 0)
			return 0;
		if (eg_streq(action, "online") || eg_streq(action, "offline")) {
			online = eg_streq(action, "online");
		} else if (eg_streq(action, "change")) {
			/* Some paths (and udevadm trigger) send change: the
			 * online attribute says which way it went. */
			const char *v = udev_device_get_sysattr_value(d, "online");

			online = flag_set(v);
		}
		if (online < 0)
			return 0;
		*ev = (struct eg_event){ .ts = now,
					 .cpu = (int16_t)cpu,
					 .type = online ? EG_EV_CPU_ONLINE : EG_EV_CPU_OFFLINE };
		return 1;
	}
	if (eg_streq(subsystem, "thermal")) {
		/* No engine event exists for a zone appearing or going: the
		 * model's zones are fixed at start. Say so in the log. */
		if (sysname && !strncmp(sysname, "thermal_zone", 12) &&
		    (eg_streq(action, "add") || eg_streq(action, "remove")))
			eg_info("udev: thermal zone %s %s (the model's zones are fixed until "
				"restart)",
				sysname, eg_streq(action, "add") ? "added" : "removed");
		return 0;
	}
	if (eg_streq(subsystem, "power_supply")) {
		bool on_ac;

		/* Any supply's event may change the answer (a battery appearing
		 * too): recompute from all of them rather than trusting this
		 * one's attributes alone. */
		if (eg_udev_read_on_ac(s->udev, &on_ac) < 0 || on_ac == s->on_ac)
			return 0;
		s->on_ac = on_ac;
		s->ac_pending = false;
		*ev = (struct eg_event){ .ts = now, .cpu = -1, .type = EG_EV_POWER_SOURCE };
		ev->power.on_ac = on_ac;
		return 1;
	}
	return 0;
}

static int ud_read(struct eg_source *s, uint64_t now, struct eg_event *ev, int max)
{
	int n = 0;

	if (max <= 0)
		return 0;
	if (s->ac_pending) {
		s->ac_pending = false;
		ev[n] = (struct eg_event){ .ts = now, .cpu = -1, .type = EG_EV_POWER_SOURCE };
		ev[n].power.on_ac = s->on_ac;
		n++;
	}
	while (n < max) {
		struct udev_device *d = udev_monitor_receive_device(s->mon);

		if (!d)
			break; /* nothing more (the socket is non-blocking) */
		n += handle(s, d, now, &ev[n]);
		udev_device_unref(d);
	}
	return n;
}

static void ud_close(struct eg_source *s)
{
	if (!s)
		return;
	udev_monitor_unref(s->mon);
	udev_unref(s->udev);
	free(s);
}

const struct eg_source_ops eg_source_udev = {
	.name = "udev",
	.kind = EG_SOURCE_DEVICE,
	.probe = ud_probe,
	.open = ud_open,
	.fd = ud_fd,
	.next_timeout = ud_next_timeout,
	.read = ud_read,
	.close = ud_close,
};
