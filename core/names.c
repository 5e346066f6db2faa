// SPDX-License-Identifier: GPL-2.0-or-later
/* Names of event, decision and reason codes, for logs and traces. */
#include "event.h"

const char *eg_event_type_name(enum eg_event_type t)
{
	static const char *const names[EG_EV__MAX] = {
		[EG_EV_NONE] = "none",
		[EG_EV_SWITCH] = "switch",
		[EG_EV_WAKEUP] = "wakeup",
		[EG_EV_MIGRATE] = "migrate",
		[EG_EV_EXIT] = "exit",
		[EG_EV_BUSY_SAMPLE] = "busy",
		[EG_EV_IDLE_ENTER] = "idle-enter",
		[EG_EV_IDLE_EXIT] = "idle-exit",
		[EG_EV_TEMP] = "temp",
		[EG_EV_TRIP] = "trip",
		[EG_EV_CPU_ONLINE] = "cpu-online",
		[EG_EV_CPU_OFFLINE] = "cpu-offline",
		[EG_EV_POWER_SOURCE] = "power-source",
		[EG_EV_FREQ] = "freq",
		[EG_EV_LIMITS] = "limits",
		[EG_EV_TICK] = "tick",
		[EG_EV_BOOST] = "boost",
	};

	return (unsigned)t < EG_EV__MAX && names[t] ? names[t] : "?";
}

const char *eg_decision_type_name(enum eg_decision_type t)
{
	static const char *const names[EG_DEC__MAX] = {
		[EG_DEC_NONE] = "none",
		[EG_DEC_SET_FREQ] = "set-freq",
		[EG_DEC_SET_CAP] = "set-cap",
		[EG_DEC_IDLE_LATENCY] = "idle-latency",
		[EG_DEC_IDLE_DISABLE] = "idle-disable",
		[EG_DEC_TASK_UCLAMP] = "task-uclamp",
	};

	return (unsigned)t < EG_DEC__MAX && names[t] ? names[t] : "?";
}

const char *eg_reason_name(enum eg_reason r)
{
	static const char *const names[EG_REASON__MAX] = {
		[EG_REASON_UTIL] = "util",	 [EG_REASON_TIMER] = "timer",
		[EG_REASON_LIMITS] = "limits",	 [EG_REASON_RT] = "rt",
		[EG_REASON_IOWAIT] = "iowait",	 [EG_REASON_THERMAL] = "thermal",
		[EG_REASON_PROFILE] = "profile", [EG_REASON_HOTPLUG] = "hotplug",
	};

	return (unsigned)r < EG_REASON__MAX && names[r] ? names[r] : "?";
}
