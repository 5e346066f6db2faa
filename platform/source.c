// SPDX-License-Identifier: GPL-2.0-or-later
/* The registry of event sources and the automatic choice of the scheduler
 * source. */
#include <stdio.h>
#include <string.h>

#include "source.h"
#include "util.h"

extern const struct eg_source_ops eg_source_bpf;
extern const struct eg_source_ops eg_source_perf;
extern const struct eg_source_ops eg_source_poll;
extern const struct eg_source_ops eg_source_replay;
extern const struct eg_source_ops eg_source_thermal_sysfs;
extern const struct eg_source_ops eg_source_thermal_netlink;
extern const struct eg_source_ops eg_source_hwmon;
extern const struct eg_source_ops eg_source_udev;

const struct eg_source_ops *const eg_sources[] = {
	&eg_source_bpf,	   &eg_source_perf,	     &eg_source_poll,
	&eg_source_replay, &eg_source_thermal_sysfs, &eg_source_thermal_netlink,
	&eg_source_hwmon,  &eg_source_udev,	     NULL,
};

const struct eg_source_ops *eg_source_find(const char *name)
{
	for (size_t i = 0; eg_sources[i]; i++)
		if (eg_streq(eg_sources[i]->name, name))
			return eg_sources[i];
	return NULL;
}

int eg_source_select(const char *name, const struct eg_source_opts *o,
		     const struct eg_source_ops **out, char *why, size_t len)
{
	static const char *const order[] = { "bpf", "perf", "poll" };
	char reason[256];
	size_t off = 0;
	int r;

	*out = NULL;
	if (!eg_streq(name, "auto")) {
		const struct eg_source_ops *ops = eg_source_find(name);

		if (!ops || ops->kind != EG_SOURCE_SCHED) {
			snprintf(why, len,
				 "'%s' is not a scheduler event source (auto, bpf, perf, "
				 "poll, replay)",
				 name);
			return -EINVAL;
		}
		reason[0] = '\0';
		r = ops->probe ? ops->probe(o, reason, sizeof(reason)) : 0;
		if (r < 0) {
			snprintf(why, len, "source %s cannot run here: %s", name, reason);
			return r;
		}
		snprintf(why, len, "source %s, as asked", name);
		*out = ops;
		return 0;
	}
	why[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const struct eg_source_ops *ops = eg_source_find(order[i]);
		int n;

		reason[0] = '\0';
		r = ops->probe ? ops->probe(o, reason, sizeof(reason)) : 0;
		if (r == 0) {
			n = snprintf(why + off, len > off ? len - off : 0, "%ssource %s chosen",
				     off ? "; " : "", order[i]);
			(void)n;
			*out = ops;
			return 0;
		}
		n = snprintf(why + off, len > off ? len - off : 0, "%s%s: %s", off ? "; " : "",
			     order[i], reason);
		if (n > 0)
			off = EG_MIN(len ? len - 1 : 0, off + (size_t)n);
	}
	return -ENODEV;
}
