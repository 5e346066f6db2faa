// SPDX-License-Identifier: GPL-2.0-or-later
/* A stand-in polkit authority for the D-Bus tests: owns
 * org.freedesktop.PolicyKit1 on a private bus and answers every
 * CheckAuthorization with the same verdict.
 *
 *   fake_polkit ADDRESS yes|no
 *
 * stdout: "READY" once the name is owned, then per question
 *         "CHECK ACTION SUBJECT-KIND NAME FLAGS". */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include "util.h"

static int check(sd_bus_message *m, void *userdata, sd_bus_error *error EG_UNUSED)
{
	const char *kind, *key, *name = "?", *action, *cancel;
	bool yes = *(bool *)userdata;
	uint32_t flags;
	int r;

	r = sd_bus_message_enter_container(m, 'r', "sa{sv}");
	if (r >= 0)
		r = sd_bus_message_read(m, "s", &kind);
	if (r >= 0)
		r = sd_bus_message_enter_container(m, 'a', "{sv}");
	while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		r = sd_bus_message_read(m, "s", &key);
		if (r >= 0 && strcmp(key, "name") == 0)
			r = sd_bus_message_read(m, "v", "s", &name);
		else if (r >= 0)
			r = sd_bus_message_skip(m, "v");
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	if (r >= 0)
		r = sd_bus_message_read(m, "s", &action);
	if (r >= 0)
		r = sd_bus_message_skip(m, "a{ss}");
	if (r >= 0)
		r = sd_bus_message_read(m, "us", &flags, &cancel);
	if (r < 0)
		return r;
	printf("CHECK %s %s %s %u\n", action, kind, name, flags);
	fflush(stdout);
	return sd_bus_reply_method_return(m, "(bba{ss})", yes, false, 0);
}

static const sd_bus_vtable vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("CheckAuthorization", "(sa{sv})sa{ss}us", "(bba{ss})", check,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

int main(int argc, char **argv)
{
	sd_bus *bus = NULL;
	bool yes;
	int r;

	if (argc != 3 || (strcmp(argv[2], "yes") != 0 && strcmp(argv[2], "no") != 0)) {
		fprintf(stderr, "usage: fake_polkit ADDRESS yes|no\n");
		return 2;
	}
	yes = strcmp(argv[2], "yes") == 0;
	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, argv[1]);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, 1);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/PolicyKit1/Authority",
					     "org.freedesktop.PolicyKit1.Authority", vtable, &yes);
	if (r >= 0)
		r = sd_bus_request_name(bus, "org.freedesktop.PolicyKit1", 0);
	if (r < 0) {
		fprintf(stderr, "fake_polkit: %s\n", strerror(-r));
		return 1;
	}
	printf("READY\n");
	fflush(stdout);
	for (;;) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			break;
		if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
			break;
	}
	sd_bus_flush_close_unref(bus);
	return 0;
}
