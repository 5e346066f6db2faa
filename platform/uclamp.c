// SPDX-License-Identifier: GPL-2.0-or-later
/* Task utilization clamps through the raw sched_setattr / sched_getattr
 * system calls, the task identity (pid and start time) that keys their saved
 * originals, and those records' restore. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "parse.h"
#include "uclamp.h"
#include "util.h"

/* The system calls' argument as the kernel's ABI lays it out (SCHED_ATTR_SIZE_VER1,
 * 56 bytes); glibc has no declaration of it on every release eagov builds on. */
struct eg_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

#define EG_SCHED_FLAG_KEEP_POLICY 0x08
#define EG_SCHED_FLAG_KEEP_PARAMS 0x10
#define EG_SCHED_FLAG_UTIL_CLAMP_MIN 0x20
#define EG_SCHED_FLAG_UTIL_CLAMP_MAX 0x40
/* A clamp value of -1 asks the kernel to go back to its default. */
#define EG_UCLAMP_RESET UINT32_MAX

#ifndef SYS_sched_setattr
#error "no sched_setattr system call number"
#endif

static int setattr(pid_t pid, uint32_t min, uint32_t max)
{
	struct eg_sched_attr a = {
		.size = sizeof(a),
		.sched_flags = EG_SCHED_FLAG_KEEP_POLICY | EG_SCHED_FLAG_KEEP_PARAMS |
			       EG_SCHED_FLAG_UTIL_CLAMP_MIN | EG_SCHED_FLAG_UTIL_CLAMP_MAX,
		.sched_util_min = min,
		.sched_util_max = max,
	};

	if (syscall(SYS_sched_setattr, (long)pid, &a, 0L) < 0)
		return -errno;
	return 0;
}

int eg_uclamp_get(pid_t pid, struct eg_uclamp *out)
{
	struct eg_sched_attr a = { 0 };

	if (pid <= 0)
		return -ESRCH;
	if (syscall(SYS_sched_getattr, (long)pid, &a, (long)sizeof(a), 0L) < 0)
		return -errno;
	/* A kernel without uclamp returns the first version of the struct,
	 * without the clamp fields. */
	if (a.size < sizeof(a))
		return -EOPNOTSUPP;
	out->min = a.sched_util_min;
	out->max = a.sched_util_max;
	return 0;
}

int eg_uclamp_set(pid_t pid, uint32_t min, uint32_t max)
{
	int r;

	if (pid <= 0)
		return -ESRCH;
	if (min > max || max > EG_UCLAMP_SCALE)
		return -EINVAL;
	r = setattr(pid, min, max);
	/* Without CONFIG_UCLAMP_TASK the clamp flags are refused (EOPNOTSUPP
	 * on current kernels, EINVAL on older ones). */
	if (r == -EINVAL || r == -ENOSYS)
		r = -EOPNOTSUPP;
	return r;
}

int eg_uclamp_reset(pid_t pid)
{
	int r;

	if (pid <= 0)
		return -ESRCH;
	r = setattr(pid, EG_UCLAMP_RESET, EG_UCLAMP_RESET);
	return r == -EINVAL || r == -ENOSYS ? -EOPNOTSUPP : r;
}

int eg_task_start_time(pid_t pid, uint64_t *start)
{
	char path[64], buf[1024], *p, *tok, *save = NULL;
	int r;

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	r = eg_read_small(path, buf, sizeof(buf), 1);
	if (r == -ENOENT)
		return -ESRCH;
	if (r < 0)
		return r;
	/* The command name may hold spaces and parentheses: fields are
	 * counted from its last ')'. Field 3 (state) comes first there. */
	p = strrchr(buf, ')');
	if (!p)
		return -EBADMSG;
	tok = strtok_r(p + 1, " ", &save);
	for (int field = 3; tok; field++, tok = strtok_r(NULL, " ", &save))
		if (field == 22)
			return eg_parse_u64(tok, 0, UINT64_MAX, start) < 0 ? -EBADMSG : 0;
	return -EBADMSG;
}

int eg_task_owner(pid_t pid, uid_t *ruid, uid_t *euid)
{
	char path[64], *buf = NULL, *line;
	unsigned long r_uid, e_uid;
	int r;

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	r = eg_read_file(path, 65536, &buf, NULL);
	if (r == -ENOENT)
		return -ESRCH;
	if (r < 0)
		return r;
	line = strstr(buf, "\nUid:");
	r = line && sscanf(line + 5, "%lu %lu", &r_uid, &e_uid) == 2 ? 0 : -EBADMSG;
	free(buf);
	if (r == 0) {
		*ruid = (uid_t)r_uid;
		*euid = (uid_t)e_uid;
	}
	return r;
}

int eg_uclamp_state_key(pid_t pid, uint64_t start, char *buf, size_t len)
{
	int n = snprintf(buf, len, EG_UCLAMP_STATE_PREFIX "%d:%" PRIu64, (int)pid, start);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool eg_uclamp_is_state_key(const char *path)
{
	return strncmp(path, EG_UCLAMP_STATE_PREFIX, strlen(EG_UCLAMP_STATE_PREFIX)) == 0;
}

static int parse_value(const char *value, struct eg_uclamp *c)
{
	char buf[32], *comma;

	if (eg_strlcpy(buf, value, sizeof(buf)) < 0)
		return -EINVAL;
	comma = strchr(buf, ',');
	if (!comma)
		return -EINVAL;
	*comma = '\0';
	if (eg_parse_u32(buf, 0, EG_UCLAMP_SCALE, &c->min) < 0 ||
	    eg_parse_u32(comma + 1, 0, EG_UCLAMP_SCALE, &c->max) < 0 || c->min > c->max)
		return -EINVAL;
	return 0;
}

static int parse_key(const char *key, pid_t *pid, uint64_t *start)
{
	char buf[64], *colon;
	int p;

	if (!eg_uclamp_is_state_key(key) ||
	    eg_strlcpy(buf, key + strlen(EG_UCLAMP_STATE_PREFIX), sizeof(buf)) < 0)
		return -EINVAL;
	colon = strchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (eg_parse_int(buf, 1, INT32_MAX, &p) < 0 ||
	    eg_parse_u64(colon + 1, 0, UINT64_MAX, start) < 0)
		return -EINVAL;
	*pid = (pid_t)p;
	return 0;
}

int eg_uclamp_saved(const struct eg_state *st, pid_t pid, uint64_t start, struct eg_uclamp *orig)
{
	char key[64];
	const char *v;
	int r = eg_uclamp_state_key(pid, start, key, sizeof(key));

	if (r < 0)
		return r;
	v = eg_state_get(st, key);
	if (!v)
		return -ENOENT;
	return parse_value(v, orig);
}

int eg_uclamp_save_original(struct eg_state *st, pid_t pid, uint64_t start)
{
	struct eg_uclamp c;
	char key[64], value[32];
	int r;

	r = eg_uclamp_state_key(pid, start, key, sizeof(key));
	if (r < 0)
		return r;
	if (eg_state_get(st, key))
		return 0;
	r = eg_uclamp_get(pid, &c);
	if (r < 0)
		return r;
	snprintf(value, sizeof(value), "%" PRIu32 ",%" PRIu32, c.min, c.max);
	r = eg_state_add(st, key, value);
	if (r < 0)
		return r;
	return eg_state_save(st);
}

int eg_uclamp_restore_entry(const char *key, const char *value)
{
	struct eg_uclamp c;
	uint64_t start, now_start;
	pid_t pid;
	int r;

	if (parse_key(key, &pid, &start) < 0 || parse_value(value, &c) < 0)
		return -EINVAL;
	r = eg_task_start_time(pid, &now_start);
	if (r < 0)
		return r == -EBADMSG ? r : -ESRCH;
	if (now_start != start)
		return -ESRCH;
	/* The kernel's defaults for a task nobody clamped: reset rather than
	 * pin them as if the task had asked for them. */
	if (c.min == 0 && c.max == EG_UCLAMP_SCALE)
		r = eg_uclamp_reset(pid);
	else
		r = eg_uclamp_set(pid, c.min, c.max);
	return r;
}
