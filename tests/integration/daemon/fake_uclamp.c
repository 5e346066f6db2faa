// SPDX-License-Identifier: GPL-2.0-or-later
/* An LD_PRELOAD stand-in for a kernel with utilization clamping, for machines
 * whose kernel has none (CONFIG_UCLAMP_TASK unset): syscall(2) for
 * sched_setattr / sched_getattr keeps each task's clamp in a file
 * $EAGOV_FAKE_UCLAMP_DIR/PID ("MIN MAX"); every other call goes through. */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t prio;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};

#define KEEP_ALL (0x08 | 0x10)
#define CLAMP_MIN 0x20
#define CLAMP_MAX 0x40

static void store_path(long pid, char *buf, size_t len)
{
	const char *dir = getenv("EAGOV_FAKE_UCLAMP_DIR");

	snprintf(buf, len, "%s/%ld", dir ? dir : "/nonexistent", pid ? pid : (long)getpid());
}

static void load(long pid, uint32_t *min, uint32_t *max)
{
	char path[512];
	FILE *f;

	*min = 0;
	*max = 1024;
	store_path(pid, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return;
	if (fscanf(f, "%u %u", min, max) != 2) {
		*min = 0;
		*max = 1024;
	}
	fclose(f);
}

static long fake_set(long pid, const struct attr *a)
{
	uint32_t min, max;
	char path[512];
	FILE *f;

	if (pid < 0 || (pid && kill((pid_t)pid, 0) < 0 && errno == ESRCH)) {
		errno = ESRCH;
		return -1;
	}
	if ((a->flags & KEEP_ALL) != KEEP_ALL) {
		errno = EINVAL;
		return -1;
	}
	load(pid, &min, &max);
	if (a->flags & CLAMP_MIN)
		min = a->util_min == UINT32_MAX ? 0 : a->util_min;
	if (a->flags & CLAMP_MAX)
		max = a->util_max == UINT32_MAX ? 1024 : a->util_max;
	if (min > 1024 || max > 1024 || min > max) {
		errno = EINVAL;
		return -1;
	}
	store_path(pid, path, sizeof(path));
	f = fopen(path, "we");
	if (!f)
		return -1;
	fprintf(f, "%u %u\n", min, max);
	return fclose(f) == 0 ? 0 : -1;
}

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_sched_setattr) {
		const struct attr *at = (const struct attr *)a[1];

		if (at->flags & (CLAMP_MIN | CLAMP_MAX))
			return fake_set(a[0], at);
	}
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	if (nr == SYS_sched_getattr) {
		struct attr *at = (struct attr *)a[1];
		long r = real(nr, a[0], a[1], a[2], a[3]);

		if (r == 0 && (size_t)a[2] >= sizeof(*at))
			load(a[0], &at->util_min, &at->util_max);
		return r;
	}
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
