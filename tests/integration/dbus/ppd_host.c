// SPDX-License-Identifier: GPL-2.0-or-later
/* Test host for the power-profiles D-Bus module: runs eg_ppd on a given bus
 * with a fake profile backend, driven by commands on stdin, and prints what
 * the module asks of the backend on stdout (one line each), so a test can
 * drive it from both sides.
 *
 *   ppd_host ADDRESS [--cpu-driver NAME]
 *
 * stdout: "READY", "SET[-FAILED] <profile> <user|hold>", "AUTH <switch|hold> uid=N",
 *         "HOLDS <n>", "OK", "ERROR <errno>".
 * stdin:  "degraded [REASON]", "manual PROFILE" (a switch made through another
 *         way in), "auto PROFILE" (a switch the daemon makes by itself),
 *         "performance on|off" (availability), "fail-set" (the next
 *         set_profile fails with -EIO), "holds", "quit" (or end of input). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "log.h"
#include "ppd_dbus.h"
#include "util.h"

struct fake {
	enum eg_profile profile;
	bool performance;
	bool fail_next_set;
	char degraded[128];
	const char *cpu_driver;
};

static const char *reason_name(enum eg_ppd_reason reason)
{
	return reason == EG_PPD_REASON_USER ? "user" : "hold";
}

static enum eg_profile fake_get(void *userdata)
{
	return ((struct fake *)userdata)->profile;
}

static int fake_set(void *userdata, enum eg_profile profile, enum eg_ppd_reason reason)
{
	struct fake *f = userdata;

	if (f->fail_next_set) {
		f->fail_next_set = false;
		printf("SET-FAILED %s %s\n", eg_profile_name(profile), reason_name(reason));
		return -EIO;
	}
	f->profile = profile;
	printf("SET %s %s\n", eg_profile_name(profile), reason_name(reason));
	return 0;
}

static bool fake_available(void *userdata, enum eg_profile profile)
{
	struct fake *f = userdata;

	return profile != EG_PROFILE_PERFORMANCE || f->performance;
}

static const char *fake_cpu_driver(void *userdata)
{
	return ((struct fake *)userdata)->cpu_driver;
}

static const char *fake_degraded(void *userdata)
{
	return ((struct fake *)userdata)->degraded;
}

/* The module's default rule (root switches, anyone holds), logged so the
 * test sees the peer's identity arrive. */
static int fake_authorize(void *userdata, enum eg_ppd_action action, const struct eg_ppd_peer *peer)
{
	bool switching = action == EG_PPD_ACTION_SWITCH;

	(void)userdata;
	printf("AUTH %s uid=%u\n", switching ? "switch" : "hold", (unsigned)peer->uid);
	if (switching && peer->uid != 0)
		return -EPERM;
	return 0;
}

static const struct eg_ppd_ops fake_ops = {
	.get_profile = fake_get,
	.set_profile = fake_set,
	.profile_available = fake_available,
	.cpu_driver = fake_cpu_driver,
	.performance_degraded = fake_degraded,
	.authorize = fake_authorize,
};

static int parse_profile(const char *s, enum eg_profile *out)
{
	return s ? eg_profile_from_string(s, out) : -EINVAL;
}

/* One command from stdin; 1 to quit. */
static int command(struct eg_ppd *ppd, struct fake *f, char *line)
{
	char *arg = strchr(line, ' ');
	enum eg_profile profile;

	if (arg)
		*arg++ = '\0';
	if (eg_streq(line, "quit"))
		return 1;
	if (eg_streq(line, "degraded")) {
		eg_strlcpy(f->degraded, arg ? arg : "", sizeof(f->degraded));
		eg_ppd_notify_degraded_changed(ppd);
	} else if (eg_streq(line, "manual") || eg_streq(line, "auto")) {
		bool manual = eg_streq(line, "manual");

		if (parse_profile(arg, &profile) < 0) {
			printf("ERROR %d\n", EINVAL);
			return 0;
		}
		if (!manual)
			profile = eg_ppd_automatic_profile(ppd, profile);
		f->profile = profile;
		eg_ppd_notify_profile_changed(ppd, manual);
	} else if (eg_streq(line, "performance")) {
		f->performance = eg_streq(arg, "on");
		eg_ppd_notify_profiles_changed(ppd);
	} else if (eg_streq(line, "fail-set")) {
		f->fail_next_set = true;
	} else if (eg_streq(line, "holds")) {
		printf("HOLDS %d\n", eg_ppd_nr_holds(ppd));
		return 0;
	} else {
		printf("ERROR %d\n", EINVAL);
		return 0;
	}
	printf("OK\n");
	return 0;
}

static int run(struct eg_ppd *ppd, struct fake *f)
{
	struct epoll_event ev = { .events = EPOLLIN };
	char line[256];
	int epfd, r = 0;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	ev.data.fd = 0;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &ev) < 0)
		r = -errno;
	ev.data.fd = eg_ppd_fd(ppd);
	if (r == 0 && epoll_ctl(epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0)
		r = -errno;
	while (r == 0) {
		struct epoll_event out;
		int n = epoll_wait(epfd, &out, 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (out.data.fd == 0) {
			/* Commands come one line per write from the test: a
			 * line-at-a-time read keeps stdin unbuffered. */
			ssize_t len = read(0, line, sizeof(line) - 1);

			if (len <= 0)
				break;
			line[len] = '\0';
			for (char *save = NULL, *l = strtok_r(line, "\n", &save); l;
			     l = strtok_r(NULL, "\n", &save)) {
				if (command(ppd, f, l) == 1)
					goto out;
			}
		} else {
			r = eg_ppd_process(ppd);
		}
	}
out:
	close(epfd);
	return r;
}

int main(int argc, char **argv)
{
	struct fake f = { .profile = EG_PROFILE_BALANCED,
			  .performance = true,
			  .cpu_driver = "fake_cpufreq" };
	struct eg_ppd *ppd;
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: ppd_host ADDRESS [--cpu-driver NAME]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (eg_streq(argv[i], "--cpu-driver") && i + 1 < argc) {
			f.cpu_driver = argv[++i];
		} else {
			fprintf(stderr, "ppd_host: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	eg_log_set_level(EG_LOG_DEBUG);

	r = eg_ppd_new(&ppd, argv[1], &fake_ops, &f);
	if (r < 0) {
		printf("ERROR %d\n", -r);
		return 1;
	}
	printf("READY\n");
	r = run(ppd, &f);
	eg_ppd_free(ppd);
	if (r < 0) {
		printf("ERROR %d\n", -r);
		return 1;
	}
	return 0;
}
