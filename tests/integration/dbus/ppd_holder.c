// SPDX-License-Identifier: GPL-2.0-or-later
/* A profile holder for the D-Bus tests: takes a hold, stays on the bus, and
 * reports the ProfileReleased signals it receives, so a test can check that
 * a release reaches the holder (and only on the interface it held through).
 *
 *   ppd_holder ADDRESS upower|legacy PROFILE REASON APP_ID
 *
 * stdout: "COOKIE n" (or "HOLD-ERROR name"), "RELEASED n" per signal,
 *         "RELEASE-OK" / "RELEASE-ERROR name" after a release command.
 * stdin:  "release" (its own cookie), "release N"; end of input: leave the
 *         bus without releasing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "parse.h"
#include "util.h"

struct holder {
	sd_bus *bus;
	const char *name;
	const char *path;
	uint32_t cookie;
};

static int on_released(sd_bus_message *m, void *userdata EG_UNUSED, sd_bus_error *error EG_UNUSED)
{
	uint32_t cookie;

	if (sd_bus_message_read(m, "u", &cookie) >= 0)
		printf("RELEASED %u %s\n", cookie, sd_bus_message_get_interface(m));
	return 0;
}

static void release(struct holder *h, uint32_t cookie)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_call_method(h->bus, h->name, h->path, h->name, "ReleaseProfile", &error, NULL,
			       "u", cookie);
	if (r < 0)
		printf("RELEASE-ERROR %s\n", error.name ? error.name : strerror(-r));
	else
		printf("RELEASE-OK\n");
	sd_bus_error_free(&error);
}

static int on_stdin(sd_event_source *s, int fd, uint32_t revents EG_UNUSED, void *userdata)
{
	struct holder *h = userdata;
	char line[128];
	ssize_t n = read(fd, line, sizeof(line) - 1);

	if (n <= 0)
		return sd_event_exit(sd_event_source_get_event(s), 0);
	line[n] = '\0';
	for (char *save = NULL, *l = strtok_r(line, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		uint32_t cookie = h->cookie;

		if (strncmp(l, "release", 7) != 0)
			continue;
		if (l[7] == ' ' && eg_parse_u32(l + 8, 0, UINT32_MAX, &cookie) < 0)
			continue;
		release(h, cookie);
	}
	return 0;
}

int main(int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	sd_event *event = NULL;
	struct holder h = { 0 };
	int r;

	if (argc != 6) {
		fprintf(stderr, "usage: ppd_holder ADDRESS upower|legacy PROFILE REASON APP_ID\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (eg_streq(argv[2], "legacy")) {
		h.name = "net.hadess.PowerProfiles";
		h.path = "/net/hadess/PowerProfiles";
	} else {
		h.name = "org.freedesktop.UPower.PowerProfiles";
		h.path = "/org/freedesktop/UPower/PowerProfiles";
	}
	r = sd_event_new(&event);
	if (r >= 0)
		r = sd_bus_new(&h.bus);
	if (r >= 0)
		r = sd_bus_set_address(h.bus, argv[1]);
	if (r >= 0)
		r = sd_bus_set_bus_client(h.bus, 1);
	if (r >= 0)
		r = sd_bus_start(h.bus);
	if (r >= 0)
		r = sd_bus_attach_event(h.bus, event, 0);
	/* Any sender: a signal from the wrong interface must still show. */
	if (r >= 0)
		r = sd_bus_match_signal(h.bus, NULL, NULL, NULL, NULL, "ProfileReleased",
					on_released, NULL);
	if (r < 0) {
		fprintf(stderr, "ppd_holder: bus: %s\n", strerror(-r));
		return 1;
	}
	r = sd_bus_call_method(h.bus, h.name, h.path, h.name, "HoldProfile", &error, &reply, "sss",
			       argv[3], argv[4], argv[5]);
	if (r < 0) {
		printf("HOLD-ERROR %s\n", error.name ? error.name : strerror(-r));
		return 1;
	}
	r = sd_bus_message_read(reply, "u", &h.cookie);
	sd_bus_message_unref(reply);
	if (r < 0)
		return 1;
	printf("COOKIE %u\n", h.cookie);

	r = sd_event_add_io(event, NULL, 0, EPOLLIN, on_stdin, &h);
	if (r >= 0)
		r = sd_event_loop(event);
	sd_bus_flush_close_unref(h.bus);
	sd_event_unref(event);
	return r < 0 ? 1 : 0;
}
