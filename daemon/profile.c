// SPDX-License-Identifier: GPL-2.0-or-later
/* The active profile in eagovd: one switch for every way in (control socket,
 * D-Bus, power source, reload), the user's choice kept in persist_dir across
 * restarts, and the daemon's side of the power-profiles D-Bus API (ppd_dbus.h):
 * its callbacks, PerformanceDegraded from thermal caps, CpuDriver. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "fileio.h"
#include "log.h"
#include "run.h"
#include "util.h"

#define SERVICE_CONTROL_SOCKET "/run/eagov/control"
#define DEFAULT_PERSIST_DIR "/var/lib/eagov"
#define PROFILE_FILE "profile"
#define DEGRADED_THERMAL "high-operating-temperature"
/* The bus name whose owner is named when it is taken. */
#define PPD_BUS_NAME "org.freedesktop.UPower.PowerProfiles"

static bool is_none(const char *s)
{
	return !s[0] || eg_streq(s, "none");
}

/* A dry run or a fake tree is a trial: it must not meet the service (its
 * control socket, its bus names) nor overwrite the profile the service saved,
 * even when it reads the service's eagov.conf. So a trial takes the D-Bus
 * and persist settings from its command line only, and moves off the
 * service's control socket unless told otherwise there. */
int daemon_resolve_paths(struct daemon *d)
{
	const struct eg_daemon_opts *o = d->opts;
	bool trial = o->dry_run || o->sysfs_root;
	const char *runtime;

	eg_strlcpy(d->state_dir, o->state_dir ? o->state_dir : d->conf.state_dir,
		   sizeof(d->state_dir));
	if (o->control_socket) {
		eg_strlcpy(d->control_path, o->control_socket, sizeof(d->control_path));
	} else if (o->dry_run && eg_streq(d->conf.control_socket, SERVICE_CONTROL_SOCKET)) {
		runtime = getenv("XDG_RUNTIME_DIR");
		if (!runtime || runtime[0] != '/')
			runtime = "/run";
		if (snprintf(d->control_path, sizeof(d->control_path), "%s/eagov-dry-run/control",
			     runtime) >= (int)sizeof(d->control_path))
			return eg_log_errno(-ENAMETOOLONG, "dry run's control socket");
	} else {
		eg_strlcpy(d->control_path, d->conf.control_socket, sizeof(d->control_path));
	}
	if (o->persist_dir)
		eg_strlcpy(d->persist_dir, o->persist_dir, sizeof(d->persist_dir));
	else if (trial)
		eg_strlcpy(d->persist_dir, "none", sizeof(d->persist_dir));
	else
		eg_strlcpy(d->persist_dir,
			   d->conf.persist_dir[0] ? d->conf.persist_dir : DEFAULT_PERSIST_DIR,
			   sizeof(d->persist_dir));
	if (o->dbus)
		eg_strlcpy(d->dbus_address, o->dbus, sizeof(d->dbus_address));
	else if (trial)
		eg_strlcpy(d->dbus_address, "none", sizeof(d->dbus_address));
	else
		eg_strlcpy(d->dbus_address, d->conf.dbus[0] ? d->conf.dbus : "system",
			   sizeof(d->dbus_address));
	d->dbus_explicit = o->dbus || (!trial && d->conf.dbus[0]);
	return 0;
}

static int profile_file(const struct daemon *d, char *path, size_t len)
{
	if (is_none(d->persist_dir))
		return -ENOENT;
	if (snprintf(path, len, "%s/" PROFILE_FILE, d->persist_dir) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int daemon_load_saved_profile(struct daemon *d, enum eg_profile *p)
{
	char path[EG_PATH_MAX], buf[64];
	int r;

	if (profile_file(d, path, sizeof(path)) < 0)
		return -ENOENT;
	r = eg_read_small(path, buf, sizeof(buf), 1);
	if (r == -ENOENT)
		return r;
	if (r < 0) {
		eg_warn_errno(r, "saved profile %s: ignored", path);
		return r;
	}
	if (eg_profile_from_string(buf, p) < 0) {
		eg_warn("saved profile %s: '%s' is not power-saver, balanced or performance; "
			"ignored",
			path, buf);
		return -EINVAL;
	}
	eg_notice("profile %s: saved in %s", eg_profile_name(*p), path);
	return 0;
}

/* Write the file next to it and rename it over: a crash leaves the old
 * choice or the new one, never half a name. */
static void save_profile(const struct daemon *d, enum eg_profile p)
{
	char path[EG_PATH_MAX], tmp[EG_PATH_MAX + 8], line[64];
	int fd, n;

	if (profile_file(d, path, sizeof(path)) < 0)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	n = snprintf(line, sizeof(line), "%s\n", eg_profile_name(p));
	if (mkdir(d->persist_dir, 0755) < 0 && errno != EEXIST) {
		eg_warn_errno(-errno, "%s: the profile is not saved", d->persist_dir);
		return;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		eg_warn_errno(-errno, "%s: the profile is not saved", tmp);
		return;
	}
	if (write(fd, line, (size_t)n) != n || fsync(fd) < 0) {
		eg_warn_errno(-errno, "%s: the profile is not saved", tmp);
		close(fd);
		unlink(tmp);
		return;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		eg_warn_errno(-errno, "%s: the profile is not saved", path);
		unlink(tmp);
	}
}

/* The switch itself, without telling D-Bus (its own requests are answered
 * by the module). */
static int apply_profile(struct daemon *d, enum eg_profile p, bool users_choice)
{
	int r = daemon_engine_build(d, p, EG_MAX(daemon_now_ns(), d->last_event_ns));

	if (r < 0)
		return r;
	if (users_choice) {
		d->profile_chosen = true;
		save_profile(d, p);
	}
	daemon_degraded_update(d);
	daemon_update_status(d);
	return 0;
}

int daemon_switch_profile(struct daemon *d, enum eg_profile p, enum profile_origin origin)
{
	int r;

	/* Holds outrank the power source: the module says what to run now and
	 * remembers p for when the last hold ends. */
	if (origin == PROFILE_AUTOMATIC && d->ppd)
		p = eg_ppd_automatic_profile(d->ppd, p);
	r = apply_profile(d, p, origin == PROFILE_USER);
	if (r < 0)
		return r;
	if (d->ppd)
		eg_ppd_notify_profile_changed(d->ppd, origin == PROFILE_USER);
	return 0;
}

/* The engine sets one effective cap per domain, the lower of the profile's
 * and the zones'. A cap is thermal when it is below the profile's own: the
 * profile's arrives first after each engine build (reason profile), and a
 * cooled zone hands the cap back to it (then reason thermal, same value). */
void daemon_note_decision(struct daemon *d, const struct eg_decision *x)
{
	int pd = x->target;

	if (x->type != EG_DEC_SET_CAP || pd < 0 || pd >= EG_MAX_PDS)
		return;
	if (x->reason == EG_REASON_PROFILE)
		d->profile_cap_khz[pd] = x->value;
	d->thermal_capped[pd] = x->value && x->reason == EG_REASON_THERMAL &&
				(!d->profile_cap_khz[pd] || x->value < d->profile_cap_khz[pd]);
}

void daemon_degraded_update(struct daemon *d)
{
	bool degraded = false;

	for (int i = 0; i < EG_MAX_PDS; i++)
		degraded |= d->thermal_capped[i];
	if (degraded == d->degraded)
		return;
	d->degraded = degraded;
	eg_info("performance %s", degraded ? "degraded: thermal cap" : "no longer degraded");
	if (d->ppd)
		eg_ppd_notify_degraded_changed(d->ppd);
}

static enum eg_profile ppd_get_profile(void *userdata)
{
	return ((struct daemon *)userdata)->profile;
}

static int ppd_set_profile(void *userdata, enum eg_profile p, enum eg_ppd_reason reason)
{
	struct daemon *d = userdata;
	int r = apply_profile(d, p, reason == EG_PPD_REASON_USER);

	if (r == 0)
		eg_notice("D-Bus: profile %s%s", eg_profile_name(p),
			  reason == EG_PPD_REASON_HOLD ? " (hold)" : "");
	return r;
}

static const char *ppd_cpu_driver(void *userdata)
{
	return ((struct daemon *)userdata)->cpu_driver;
}

static const char *ppd_degraded(void *userdata)
{
	return ((struct daemon *)userdata)->degraded ? DEGRADED_THERMAL : "";
}

/* The control socket's rule for switching (root or the eagov group); a hold
 * is open to anyone, as power-profiles-daemon's polkit default has it. */
static int ppd_authorize(void *userdata, enum eg_ppd_action action, const struct eg_ppd_peer *peer)
{
	struct group *g;

	(void)userdata;
	if (action == EG_PPD_ACTION_HOLD)
		return 0;
	g = getgrnam(EG_CONTROL_GROUP);
	return eg_control_allowed(peer->uid, peer->gid, peer->groups, peer->nr_groups,
				  g ? g->gr_gid : (gid_t)-1, true) ?
		       0 :
		       -EPERM;
}

static const struct eg_ppd_ops ppd_ops = {
	.get_profile = ppd_get_profile,
	.set_profile = ppd_set_profile,
	.cpu_driver = ppd_cpu_driver,
	.performance_degraded = ppd_degraded,
	.authorize = ppd_authorize,
	.hint = daemon_ppd_hint,
};

/* The first domain's cpufreq driver: the one power-profiles clients show. */
static void read_cpu_driver(struct daemon *d)
{
	char path[EG_PATH_MAX];

	d->cpu_driver[0] = '\0';
	if (d->opts->dry_run)
		return;
	for (int i = 0; i < d->model->nr_pds; i++) {
		if (!d->model->pds[i].sysfs_policy[0])
			continue;
		if (eg_sysfs_path(&d->sysfs, path, sizeof(path),
				  "/sys/devices/system/cpu/cpufreq/%s/scaling_driver",
				  d->model->pds[i].sysfs_policy) == 0 &&
		    eg_read_small(path, d->cpu_driver, sizeof(d->cpu_driver), 1) >= 0)
			return;
		d->cpu_driver[0] = '\0';
	}
}

/* Who holds the name, for the warning: "comm (pid N)", or "" when the bus
 * will not say. */
static void name_owner(const char *address, char *buf, size_t len)
{
	sd_bus *bus = NULL;
	sd_bus_creds *creds = NULL;
	char path[64], comm[64];
	pid_t pid = 0;

	buf[0] = '\0';
	if (address) {
		if (sd_bus_new(&bus) < 0)
			return;
		if (sd_bus_set_address(bus, address) < 0 || sd_bus_set_bus_client(bus, 1) < 0 ||
		    sd_bus_start(bus) < 0)
			goto out;
	} else if (sd_bus_open_system(&bus) < 0) {
		return;
	}
	/* The bus vouches for the pid; the name comes from /proc (the bus
	 * daemon does not send it). */
	if (sd_bus_get_name_creds(bus, PPD_BUS_NAME, SD_BUS_CREDS_PID, &creds) < 0 ||
	    sd_bus_creds_get_pid(creds, &pid) < 0 || pid <= 0)
		goto out;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (eg_read_small(path, comm, sizeof(comm), 1) > 0)
		snprintf(buf, len, "%s (pid %d)", comm, (int)pid);
	else
		snprintf(buf, len, "pid %d", (int)pid);
out:
	sd_bus_creds_unref(creds);
	sd_bus_flush_close_unref(bus);
}

int daemon_open_dbus(struct daemon *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = TAG_DBUS };
	const char *address = eg_streq(d->dbus_address, "system") ? NULL : d->dbus_address;
	const char *bus = address ? address : "the system bus";
	/* Asked for D-Bus: no API is an error. The default: a warning. */
	const char *without = d->dbus_explicit ? "" : "; running without the D-Bus API";
	enum eg_log_level level = d->dbus_explicit ? EG_LOG_ERR : EG_LOG_WARNING;
	char owner[128];
	int r;

	if (is_none(d->dbus_address))
		return 0;
	read_cpu_driver(d);
	r = eg_ppd_new(&d->ppd, address, &ppd_ops, d);
	if (r == -EEXIST) {
		name_owner(address, owner, sizeof(owner));
		eg_log(level,
		       "D-Bus: %s is owned by %s on %s: stop that service (power-profiles-"
		       "daemon, tuned-ppd), or run eagovd with dbus = none%s",
		       PPD_BUS_NAME, owner[0] ? owner : "another program", bus, without);
	} else if (r < 0) {
		eg_log(level, "D-Bus: %s: %s%s", bus, strerror(-r), without);
	}
	if (r < 0) {
		d->ppd = NULL;
		return d->dbus_explicit ? r : 0;
	}
	if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, eg_ppd_fd(d->ppd), &ev) < 0)
		return eg_log_errno(-errno, "epoll: D-Bus");
	eg_notice("D-Bus: serving the power-profiles API on %s", bus);
	return 0;
}

void daemon_dispatch_dbus(struct daemon *d)
{
	if (!d->ppd || eg_ppd_process(d->ppd) != -ECONNRESET)
		return;
	eg_warn("D-Bus: the bus went away; running without the D-Bus API");
	daemon_close_dbus(d);
}

void daemon_close_dbus(struct daemon *d)
{
	if (!d->ppd)
		return;
	if (d->epoll_fd >= 0)
		epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, eg_ppd_fd(d->ppd), NULL);
	eg_ppd_free(d->ppd);
	d->ppd = NULL;
}
