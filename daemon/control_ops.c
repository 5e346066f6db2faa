// SPDX-License-Identifier: GPL-2.0-or-later
/* What the control socket asks of the running daemon: the status object
 * (domains, zones, per-CPU busy time, run statistics), a governor or
 * profile switch, a boost; and opening the socket. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <json-c/json.h>

#include "log.h"
#include "parse.h"
#include "run.h"
#include "util.h"

/* Test-only: the control socket's idle timeout in ms, instead of
 * EG_CONTROL_IDLE_TIMEOUT_MS (eagovd(8), ENVIRONMENT). */
#define IDLE_TIMEOUT_ENV "EAGOVD_CONTROL_IDLE_TIMEOUT_MS"

/* A CPU's busy time at now: what the signals accounted, plus the time since
 * then when a task is on the CPU (switch-driven sources bring busy_ns up to
 * date only at the CPU's next event). */
static uint64_t busy_at(const struct eg_cpu_signals *c, uint64_t now)
{
	uint64_t b = c->busy_ns;

	if (c->curr_pid != 0 && now > c->last_ns)
		b += now - c->last_ns;
	return b;
}

/* "cpus": per-CPU online, util and busy_pct over the window since the
 * previous status object (which this one closes). */
static struct json_object *cpus_json(struct daemon *d, uint64_t now)
{
	const struct eg_signals *sig = eg_engine_signals(d->engine);
	struct json_object *arr = json_object_new_array();

	if (!arr)
		return NULL;
	for (int cpu = 0; cpu < d->model->nr_cpus && cpu < EG_MAX_CPUS; cpu++) {
		const struct eg_cpu_signals *c = &sig->cpu[cpu];
		struct json_object *o = json_object_new_object();
		uint64_t b = busy_at(c, now), db, dt;
		double pct = 0;

		if (!o)
			break;
		db = b > d->busy_snap[cpu].busy_ns ? b - d->busy_snap[cpu].busy_ns : 0;
		dt = now > d->busy_snap[cpu].t_ns ? now - d->busy_snap[cpu].t_ns : 0;
		if (dt)
			pct = EG_MIN(100.0, 100.0 * (double)db / (double)dt);
		d->busy_snap[cpu] = (struct busy_snap){ .busy_ns = b, .t_ns = now };
		json_object_object_add(o, "cpu", json_object_new_int(cpu));
		json_object_object_add(o, "online", json_object_new_boolean(c->online));
		json_object_object_add(o, "util",
				       json_object_new_int64(eg_signals_cpu_util(sig, cpu)));
		/* Two decimals: enough for a 5-point comparison, short lines. */
		json_object_object_add(o, "busy_pct", json_fixed_double(pct, 2));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The profiles (freq NULL) or the frequency governors, by name. */
static struct json_object *names_json(const struct eg_freq_policy_ops *const *freq)
{
	struct json_object *arr = json_object_new_array();

	if (!arr)
		return NULL;
	if (!freq) {
		for (int p = 0; p < EG_PROFILE__MAX; p++)
			json_object_array_add(
				arr, json_object_new_string(eg_profile_name((enum eg_profile)p)));
		return arr;
	}
	for (size_t i = 0; freq[i]; i++)
		json_object_array_add(arr, json_object_new_string(freq[i]->name));
	return arr;
}

static int ctl_status(void *user, struct json_object *out)
{
	struct daemon *d = user;
	struct json_object *doms, *zones;

	/* A replay whose first event has not come: no engine yet. */
	if (!d->engine)
		return -EAGAIN;
	doms = json_object_new_array();
	zones = json_object_new_array();
	if (!doms || !zones) {
		json_object_put(doms);
		json_object_put(zones);
		return -ENOMEM;
	}
	json_object_object_add(out, "profile", json_object_new_string(eg_profile_name(d->profile)));
	json_object_object_add(out, "source", json_object_new_string(d->source_name));
	json_object_object_add(out, "dry_run", json_object_new_boolean(d->opts->dry_run));
	for (int i = 0; i < d->model->nr_pds; i++) {
		struct json_object *o = json_object_new_object();
		struct eg_pd_status st;
		char cpus[128];

		if (!o)
			break;
		eg_engine_pd_status(d->engine, i, &st);
		eg_cpumask_format(&d->model->pds[i].cpus, cpus, sizeof(cpus));
		json_object_object_add(o, "name", json_object_new_string(d->model->pds[i].name));
		json_object_object_add(o, "cpus", json_object_new_string(cpus));
		json_object_object_add(o, "governor",
				       json_object_new_string(d->engine_config.freq[i]->name));
		json_object_object_add(o, "util", json_object_new_int64(st.util_max));
		json_object_object_add(o, "cur_khz", json_object_new_int64(st.cur_khz));
		json_object_object_add(o, "req_khz", json_object_new_int64(st.req_khz));
		json_object_object_add(o, "cap_khz", json_object_new_int64(st.cap_khz));
		json_object_object_add(o, "min_khz", json_object_new_int64(st.min_khz));
		json_object_object_add(o, "max_khz", json_object_new_int64(st.max_khz));
		json_object_array_add(doms, o);
	}
	for (int i = 0; i < d->model->nr_zones; i++) {
		struct json_object *o;

		if (!d->zone_temp_known[i])
			continue;
		o = json_object_new_object();
		if (!o)
			break;
		json_object_object_add(o, "name", json_object_new_string(d->model->zones[i].name));
		json_object_object_add(o, "temp_mc", json_object_new_int(d->zone_temp_mc[i]));
		json_object_array_add(zones, o);
	}
	json_object_object_add(out, "domains", doms);
	json_object_object_add(out, "zones", zones);
	json_object_object_add(out, "device", json_object_new_string(d->device_path));
	json_object_object_add(out, "profiles", names_json(NULL));
	json_object_object_add(out, "governors", names_json(eg_freq_policies));
	json_object_object_add(out, "performance_degraded",
			       json_object_new_string(d->degraded ? "high-operating-temperature" :
								    ""));
	json_object_object_add(out, "dbus_holds",
			       json_object_new_int(d->ppd ? eg_ppd_nr_holds(d->ppd) : -1));
	json_object_object_add(out, "cpus",
			       cpus_json(d, EG_MAX(daemon_now_ns(), d->last_event_ns)));
	json_object_object_add(out, "stats", stats_json(&d->stats, daemon_now_ns()));
	return 0;
}

static int ctl_set_governor(void *user, const char *name, int pd, char *err, size_t len)
{
	struct daemon *d = user;
	char saved[EG_MAX_PDS][EG_NAME_MAX];
	int r;

	if (!eg_freq_policy_find(name)) {
		snprintf(err, len, "no frequency governor '%s'", name);
		return -EINVAL;
	}
	if (pd < -1 || pd >= d->model->nr_pds) {
		snprintf(err, len, "no domain %d", pd);
		return -EINVAL;
	}
	memcpy(saved, d->governor_override, sizeof(saved));
	for (int i = 0; i < d->model->nr_pds; i++)
		if (pd < 0 || pd == i)
			eg_strlcpy(d->governor_override[i], name, sizeof(d->governor_override[i]));
	r = daemon_engine_build(d, d->profile, daemon_now_ns());
	if (r < 0) {
		memcpy(d->governor_override, saved, sizeof(saved));
		snprintf(err, len, "governor %s not applied: %s", name, strerror(-r));
		return r;
	}
	eg_notice("control: governor %s on %s", name,
		  pd < 0 ? "every domain" : d->model->pds[pd].name);
	daemon_update_status(d);
	return 0;
}

static int ctl_set_profile(void *user, const char *profile, char *err, size_t len)
{
	struct daemon *d = user;
	enum eg_profile p;
	int r;

	if (eg_profile_from_string(profile, &p) < 0) {
		snprintf(err, len, "no profile '%s' (power-saver, balanced, performance)", profile);
		return -EINVAL;
	}
	r = daemon_switch_profile(d, p, PROFILE_USER);
	if (r < 0) {
		snprintf(err, len, "profile %s not applied: %s", profile, strerror(-r));
		return r;
	}
	eg_notice("control: profile %s", profile);
	return 0;
}

static int ctl_boost(void *user, int32_t pid, uint32_t ms, char *err, size_t len)
{
	struct daemon *d = user;
	uint64_t now = EG_MAX(daemon_now_ns(), d->last_event_ns);
	struct eg_event ev = { .ts = now, .type = EG_EV_BOOST, .cpu = -1 };

	/* Signal 0 checks the pid exists; EPERM means it does (another
	 * user's task). A boost of nothing would say "done" and do nothing. */
	if (kill(pid, 0) < 0 && errno == ESRCH) {
		snprintf(err, len, "no process %d", (int)pid);
		return -ESRCH;
	}
	ev.boost.pid = pid;
	ev.boost.ms = ms;
	return daemon_feed(d, &ev, now);
}

static int ctl_hint(void *user, int32_t pid, enum eg_hint_type type, uint32_t ms, uid_t uid,
		    bool privileged, char *err, size_t len)
{
	return daemon_hint(user, pid, type, ms, uid, privileged, err, len);
}

static const struct eg_control_ops control_ops = {
	.status = ctl_status,
	.set_governor = ctl_set_governor,
	.set_profile = ctl_set_profile,
	.boost = ctl_boost,
	.hint = ctl_hint,
};

/* The control socket is a convenience: when it cannot be created (no
 * /run/eagov for a non-root test run, another daemon holds it) eagovd runs
 * without it, except that a second daemon on one machine is refused. */
int daemon_open_control(struct daemon *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = TAG_CONTROL };
	const char *path = d->control_path, *env;
	uint32_t timeout_ms;
	int r;

	if (!path[0] || eg_streq(path, "none"))
		return 0;
	r = eg_control_open(&d->control, path, NULL, &control_ops, d);
	if (r == -EADDRINUSE)
		return eg_log_errno(r, "control socket %s: another eagovd answers there", path);
	if (r < 0) {
		eg_warn_errno(r, "control socket %s: running without it", path);
		d->control = NULL;
		return 0;
	}
	env = getenv(IDLE_TIMEOUT_ENV);
	if (env && eg_parse_u32(env, 1, UINT32_MAX, &timeout_ms) == 0)
		eg_control_set_idle_timeout(d->control, timeout_ms * NSEC_PER_MSEC);
	else if (env)
		eg_warn("%s=%s: not milliseconds > 0; ignored", IDLE_TIMEOUT_ENV, env);
	if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, eg_control_fd(d->control), &ev) < 0)
		return eg_log_errno(-errno, "epoll: control socket");
	eg_info("control socket: %s", path);
	return 0;
}
