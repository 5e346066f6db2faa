// SPDX-License-Identifier: GPL-2.0-or-later
/* One synchronous org.freedesktop.PolicyKit1.Authority.CheckAuthorization
 * call per question, without user interaction (an agent's dialog would hold
 * the daemon's loop). */
#include "ppd_polkit.h"

#include <errno.h>
#include <stdbool.h>

#include "log.h"
#include "util.h"

#define POLKIT_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_INTERFACE "org.freedesktop.PolicyKit1.Authority"

static bool polkit_absent(const sd_bus_error *e)
{
	return sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER);
}

int eg_polkit_check(sd_bus *bus, const char *sender, const char *action)
{
	sd_bus_message *call = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int authorized = 0, challenge = 0, r;

	r = sd_bus_message_new_method_call(bus, &call, POLKIT_NAME, POLKIT_PATH, POLKIT_INTERFACE,
					   "CheckAuthorization");
	/* subject (sa{sv}), action_id s, details a{ss}, flags u (0: no
	 * interaction), cancellation_id s. */
	if (r >= 0)
		r = sd_bus_message_append(call, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name",
					  "s", sender, action, 0, 0U, "");
	if (r < 0)
		goto out;
	r = sd_bus_call(bus, call, EG_POLKIT_TIMEOUT_USEC, &error, &reply);
	if (r < 0) {
		if (polkit_absent(&error))
			r = -ENOENT;
		else
			eg_debug("polkit: %s: %s", action,
				 error.message ? error.message : strerror(-r));
		goto out;
	}
	r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
	if (r >= 0)
		r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
	if (r >= 0)
		r = authorized ? 1 : 0;
out:
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	sd_bus_message_unref(call);
	return r;
}
