// SPDX-License-Identifier: GPL-2.0-or-later
/* rt-app workload reader: the lenient JSON of rt-app files (lenient_json.h)
 * walked into struct eg_rtapp_workload, the task level here (global keys,
 * tasks, phases, scheduling parameters, cpus, loops), the events in
 * rtapp_event.c. Keys, defaults and units follow rt-app's
 * src/rt-app_parse_config.c; what the simulator could not honour is an error. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "parse.h"
#include "rtapp_internal.h"
#include "util.h"

/* Bound on a workload file: far above any real one (rt-app's own examples
 * are a few kB), low enough that a wrong path cannot eat memory. */
#define EG_RTAPP_FILE_MAX (64U << 20)

EG_PRINTF(3, 4) int rtapp_fail(struct ctx *c, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	eg_error_set(c->err, c->source, line, "%s", msg);
	return -EINVAL;
}

/* The members of object o (pre-pass record object), in file order. */
int rtapp_members(struct ctx *c, struct json_object *o, int object, int line, const char *what,
		  struct eg_json_member **out, int *nr)
{
	return eg_json_members(&c->doc, o, object, line, what, out, nr, c->err);
}

struct eg_json_member *rtapp_find_member(struct eg_json_member *ms, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(ms[i].key, key))
			return &ms[i];
	return NULL;
}

int rtapp_get_int(struct ctx *c, const struct eg_json_member *m, int64_t min, int64_t max,
		  int64_t *v)
{
	if (!json_object_is_type(m->value, json_type_int))
		return rtapp_fail(c, m->line, "'%s' must be an integer", m->key);
	*v = json_object_get_int64(m->value);
	if (*v < min || *v > max)
		return rtapp_fail(c, m->line, "'%s' is %lld, out of range [%lld, %lld]", m->key,
				  (long long)*v, (long long)min, (long long)max);
	return 0;
}

int rtapp_get_str(struct ctx *c, const struct eg_json_member *m, char *buf, size_t len)
{
	if (!json_object_is_type(m->value, json_type_string))
		return rtapp_fail(c, m->line, "'%s' must be a string", m->key);
	if (eg_strlcpy(buf, json_object_get_string(m->value), len) < 0)
		return rtapp_fail(c, m->line, "'%s' value is too long (max %zu characters)", m->key,
				  len - 1);
	return 0;
}

/* Property keys may not repeat: only events (and phases) form sequences. */
static int once(struct ctx *c, const struct eg_json_member *m)
{
	if (m->repeated)
		return rtapp_fail(c, m->line, "'%s' given twice in the same object", m->key);
	return 0;
}

static int policy_from_string(const char *s, enum eg_rtapp_policy *p)
{
	static const struct {
		const char *name;
		enum eg_rtapp_policy p;
	} tbl[] = {
		{ "SCHED_OTHER", EG_RTAPP_POLICY_OTHER },
		{ "SCHED_BATCH", EG_RTAPP_POLICY_BATCH },
		{ "SCHED_IDLE", EG_RTAPP_POLICY_IDLE },
		{ "SCHED_RR", EG_RTAPP_POLICY_RR },
		{ "SCHED_FIFO", EG_RTAPP_POLICY_FIFO },
		{ "SCHED_DEADLINE", EG_RTAPP_POLICY_DEADLINE },
	};

	for (size_t i = 0; i < ARRAY_SIZE(tbl); i++)
		if (!strcmp(s, tbl[i].name)) {
			*p = tbl[i].p;
			return 0;
		}
	return -EINVAL;
}

const char *eg_rtapp_policy_name(enum eg_rtapp_policy p)
{
	switch (p) {
	case EG_RTAPP_POLICY_SAME:
		return "same";
	case EG_RTAPP_POLICY_OTHER:
		return "SCHED_OTHER";
	case EG_RTAPP_POLICY_BATCH:
		return "SCHED_BATCH";
	case EG_RTAPP_POLICY_IDLE:
		return "SCHED_IDLE";
	case EG_RTAPP_POLICY_FIFO:
		return "SCHED_FIFO";
	case EG_RTAPP_POLICY_RR:
		return "SCHED_RR";
	case EG_RTAPP_POLICY_DEADLINE:
		return "SCHED_DEADLINE";
	}
	return "?";
}

static int get_policy(struct ctx *c, const struct eg_json_member *m, enum eg_rtapp_policy *p)
{
	char s[32];
	int r = rtapp_get_str(c, m, s, sizeof(s));

	if (r)
		return r;
	if (policy_from_string(s, p))
		return rtapp_fail(c, m->line,
				  "unknown policy '%s' (SCHED_OTHER, SCHED_BATCH, "
				  "SCHED_IDLE, SCHED_FIFO, SCHED_RR or SCHED_DEADLINE)",
				  s);
	return 0;
}

/* ---- tasks and phases ---------------------------------------------------- */

static int parse_cpus(struct ctx *c, const struct eg_json_member *m, eg_cpumask_t *mask)
{
	size_t n;

	if (!json_object_is_type(m->value, json_type_array))
		return rtapp_fail(c, m->line, "'cpus' must be an array of CPU numbers");
	n = json_object_array_length(m->value);
	if (!n)
		return rtapp_fail(c, m->line, "'cpus' is empty");
	memset(mask, 0, sizeof(*mask));
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(m->value, i);
		int64_t cpu;

		if (!json_object_is_type(o, json_type_int))
			return rtapp_fail(c, m->line, "'cpus' must hold integers");
		cpu = json_object_get_int64(o);
		if (cpu < 0 || cpu >= EG_MAX_CPUS)
			return rtapp_fail(c, m->line, "CPU %lld in 'cpus' is out of range [0, %d]",
					  (long long)cpu, EG_MAX_CPUS - 1);
		eg_cpumask_set(mask, (int)cpu);
	}
	return 0;
}

static bool is_sched_key(const char *k)
{
	static const char *const keys[] = { "policy",	   "priority", "dl-runtime", "dl-period",
					    "dl-deadline", "util_min", "util_max" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(k, keys[i]))
			return true;
	return false;
}

static int default_priority(enum eg_rtapp_policy p)
{
	/* rt-app's DEFAULT_THREAD_PRIORITY (10) for RT classes, nice 0 else. */
	return p == EG_RTAPP_POLICY_FIFO || p == EG_RTAPP_POLICY_RR ? 10 : 0;
}

/* A SCHED_DEADLINE period or deadline: key, or at the task level its legacy
 * name, else (or when 0) def. */
static int dl_param(struct ctx *c, struct eg_json_member *ms, int n, bool task_level,
		    const char *key, const char *legacy, uint64_t def, uint64_t *out)
{
	struct eg_json_member *m;
	int64_t v = (int64_t)def;
	int r;

	if ((m = rtapp_find_member(ms, n, key)) ||
	    (task_level && (m = rtapp_find_member(ms, n, legacy))))
		if ((r = rtapp_get_int(c, m, 0, INT32_MAX, &v)))
			return r;
	*out = (uint64_t)(v ? v : (int64_t)def);
	return 0;
}

/* Scheduling parameters of a task (task_level: defaults filled in from
 * default_policy) or of a phase (only what is given), like rt-app's
 * parse_sched_data(). */
static int parse_sched(struct ctx *c, struct eg_json_member *ms, int n, bool task_level,
		       struct eg_rtapp_sched *s)
{
	struct eg_json_member *m;
	int64_t v;
	int r;

	memset(s, 0, sizeof(*s));
	s->util_min = s->util_max = -1;
	s->policy = task_level ? c->workload->default_policy : EG_RTAPP_POLICY_SAME;
	for (int i = 0; i < n; i++)
		if (is_sched_key(ms[i].key))
			s->set = true;
	if ((m = rtapp_find_member(ms, n, "policy")) && (r = get_policy(c, m, &s->policy)))
		return r;
	if ((m = rtapp_find_member(ms, n, "priority"))) {
		bool rt = s->policy == EG_RTAPP_POLICY_FIFO || s->policy == EG_RTAPP_POLICY_RR;

		/* Range of the policy; with "same" the kernel would judge. */
		if ((r = rtapp_get_int(c, m, rt ? 1 : -20, rt ? 99 : s->policy ? 19 : 99, &v)))
			return r;
		s->priority = (int)v;
		s->has_priority = true;
	} else if (task_level || s->policy != EG_RTAPP_POLICY_SAME) {
		s->priority = default_priority(s->policy);
		s->has_priority = true;
	}
	v = 0;
	if ((m = rtapp_find_member(ms, n, "dl-runtime")) &&
	    (r = rtapp_get_int(c, m, 0, INT32_MAX, &v)))
		return r;
	/* Legacy grammar of the task object: "runtime", "period", "deadline"
	 * stand for the dl- keys when those are absent (rt-app reads a task-level
	 * "runtime" event this way too). */
	if (!v && task_level && (m = rtapp_find_member(ms, n, "runtime")) &&
	    json_object_is_type(m->value, json_type_int))
		v = json_object_get_int64(m->value);
	s->dl_runtime_us = (uint64_t)(v > 0 ? v : 0);
	if ((r = dl_param(c, ms, n, task_level, "dl-period", "period", s->dl_runtime_us,
			  &s->dl_period_us)))
		return r;
	if ((r = dl_param(c, ms, n, task_level, "dl-deadline", "deadline", s->dl_period_us,
			  &s->dl_deadline_us)))
		return r;
	if ((m = rtapp_find_member(ms, n, "util_min"))) {
		if ((r = rtapp_get_int(c, m, -1, EG_CAPACITY_SCALE, &v)))
			return r;
		s->util_min = (int)v;
	}
	if ((m = rtapp_find_member(ms, n, "util_max"))) {
		if ((r = rtapp_get_int(c, m, -1, EG_CAPACITY_SCALE, &v)))
			return r;
		s->util_max = (int)v;
	}
	if (s->policy != EG_RTAPP_POLICY_DEADLINE)
		return 0;
	m = rtapp_find_member(ms, n, "policy");
	if (!s->dl_runtime_us)
		return rtapp_fail(c, m ? m->line : 0, "SCHED_DEADLINE needs \"dl-runtime\"");
	/* The kernel's sched_setattr() refuses anything else. */
	if (s->dl_runtime_us > s->dl_deadline_us || s->dl_deadline_us > s->dl_period_us)
		return rtapp_fail(c, m ? m->line : 0,
				  "SCHED_DEADLINE needs runtime <= deadline <= period "
				  "(%llu, %llu, %llu us)",
				  (unsigned long long)s->dl_runtime_us,
				  (unsigned long long)s->dl_deadline_us,
				  (unsigned long long)s->dl_period_us);
	return 0;
}

/* Keys accepted and ignored in tasks and phases: NUMA memory binding does not
 * change CPU time, and the machine model has no NUMA. */
static bool ignored_task_key(const char *k)
{
	return !strcmp(k, "nodes_membind");
}

/* Events of a phase object (or of a task without phases), in file order. */
static int parse_events(struct ctx *c, int task, struct eg_json_member *ms, int n,
			struct eg_rtapp_phase *ph, int line)
{
	int nr = 0, r;

	for (int i = 0; i < n; i++)
		if (rtapp_event_type(ms[i].key) >= 0)
			nr++;
	if (!nr)
		return rtapp_fail(c, line, "task '%s'%s%s has no event",
				  c->workload->tasks[task].name, ph->name[0] ? " phase " : "",
				  ph->name);
	ph->events = calloc((size_t)nr, sizeof(*ph->events));
	if (!ph->events)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		if (rtapp_event_type(ms[i].key) < 0)
			continue;
		r = rtapp_parse_event(c, task, &ms[i], &ph->events[ph->nr_events]);
		if (r)
			return r;
		ph->nr_events++;
	}
	return 0;
}

/* Check every key of a task or phase object: a property of that level, an
 * event (where events are allowed), or an error naming it. */
static int check_keys(struct ctx *c, struct eg_json_member *ms, int n, bool task_level,
		      bool events_ok, const char *where)
{
	static const char *const task_keys[] = { "instance", "delay",  "loop",	   "phases",
						 "cpus",     "period", "deadline", NULL };
	static const char *const phase_keys[] = { "loop", "cpus", NULL };

	for (int i = 0; i < n; i++) {
		const char *k = ms[i].key;
		const char *const *p;
		bool prop = is_sched_key(k) || ignored_task_key(k);

		for (p = task_level ? task_keys : phase_keys; !prop && *p; p++)
			prop = !strcmp(*p, k);
		if (task_level && !strcmp(k, "runtime") && !events_ok)
			prop = true; /* legacy dl runtime beside "phases" */
		if (prop) {
			int r = once(c, &ms[i]);

			if (r)
				return r;
			continue;
		}
		if (!strcmp(k, "taskgroup"))
			return rtapp_fail(c, ms[i].line,
					  "%s: 'taskgroup' (CFS group scheduling) is not "
					  "modelled by the simulator",
					  where);
		if (rtapp_event_type(k) >= 0) {
			if (events_ok)
				continue;
			return rtapp_fail(c, ms[i].line,
					  "%s: event '%s' beside \"phases\" (rt-app would "
					  "ignore it; move it into a phase)",
					  where, k);
		}
		return rtapp_fail(c, ms[i].line, "%s: unknown key or event '%s'", where, k);
	}
	return 0;
}

static int parse_loop(struct ctx *c, struct eg_json_member *ms, int n, int def, bool zero_ok,
		      int *loop)
{
	struct eg_json_member *m = rtapp_find_member(ms, n, "loop");
	int64_t v;
	int r;

	*loop = def;
	if (!m)
		return 0;
	if ((r = rtapp_get_int(c, m, -1, INT32_MAX, &v)))
		return r;
	/* A phase with loop 0 would run forever in rt-app (its counter never
	 * meets 0 again): certainly a mistake, so refuse it. */
	if (!v && !zero_ok)
		return rtapp_fail(c, m->line, "phase 'loop' must be -1 (forever) or >= 1");
	*loop = (int)v;
	return 0;
}

static int parse_phase(struct ctx *c, int task, const struct eg_json_member *pm,
		       struct eg_rtapp_phase *ph)
{
	_cleanup_free_ struct eg_json_member *ms = NULL;
	char where[2 * EG_RTAPP_NAME_MAX + 32];
	struct eg_json_member *m;
	int n, r;

	snprintf(where, sizeof(where), "task '%s' phase '%s'", c->workload->tasks[task].name,
		 pm->key);
	eg_strlcpy(ph->name, pm->key, sizeof(ph->name));
	ph->line = pm->line;
	r = rtapp_members(c, pm->value, pm->object, pm->line, where, &ms, &n);
	if (!r)
		r = check_keys(c, ms, n, false, true, where);
	if (!r)
		r = parse_loop(c, ms, n, 1, false, &ph->loop);
	if (!r && (m = rtapp_find_member(ms, n, "cpus"))) {
		ph->has_cpus = true;
		r = parse_cpus(c, m, &ph->cpus);
	}
	if (!r)
		r = parse_sched(c, ms, n, false, &ph->sched);
	if (!r)
		r = parse_events(c, task, ms, n, ph, pm->line);
	return r;
}

static int parse_task(struct ctx *c, int idx, const struct eg_json_member *tm)
{
	struct eg_rtapp_task *t = &c->workload->tasks[idx];
	_cleanup_free_ struct eg_json_member *ms = NULL;
	_cleanup_free_ struct eg_json_member *phs = NULL;
	char where[EG_RTAPP_NAME_MAX + 16];
	struct eg_json_member *m, *phases;
	int64_t v;
	int n, nph = 0, r;

	snprintf(where, sizeof(where), "task '%s'", t->name);
	r = rtapp_members(c, tm->value, tm->object, tm->line, where, &ms, &n);
	if (r)
		return r;
	phases = rtapp_find_member(ms, n, "phases");
	if ((r = check_keys(c, ms, n, true, !phases, where)))
		return r;
	t->instance = 1;
	if ((m = rtapp_find_member(ms, n, "instance"))) {
		/* Bound what one file can ask of the simulator: 4096 threads is
		 * far beyond any real use case and keeps arrays small. */
		if ((r = rtapp_get_int(c, m, 0, 4096, &v)))
			return r;
		t->instance = (int)v;
	}
	if ((m = rtapp_find_member(ms, n, "delay"))) {
		if ((r = rtapp_get_int(c, m, 0, INT32_MAX, &v)))
			return r;
		t->delay_us = (uint64_t)v;
	}
	if ((m = rtapp_find_member(ms, n, "cpus"))) {
		t->has_cpus = true;
		if ((r = parse_cpus(c, m, &t->cpus)))
			return r;
	}
	if ((r = parse_sched(c, ms, n, true, &t->sched)))
		return r;
	t->sched.set = true;

	if (!phases) {
		/* One implicit phase made of the task object itself. As in
		 * rt-app, "loop" then counts runs of that phase, and the task
		 * runs it once; without "loop" the phase runs once per task
		 * loop, forever. */
		t->phases = calloc(1, sizeof(*t->phases));
		if (!t->phases)
			return -ENOMEM;
		t->nr_phases = 1;
		t->phases[0].line = tm->line;
		if ((r = parse_loop(c, ms, n, 1, false, &t->phases[0].loop)))
			return r;
		t->loop = rtapp_find_member(ms, n, "loop") ? 1 : -1;
		t->phases[0].sched.util_min = t->phases[0].sched.util_max = -1;
		return parse_events(c, idx, ms, n, &t->phases[0], tm->line);
	}

	if ((r = parse_loop(c, ms, n, -1, true, &t->loop)))
		return r;
	r = rtapp_members(c, phases->value, phases->object, phases->line, "\"phases\"", &phs, &nph);
	if (r)
		return r;
	if (!nph)
		return rtapp_fail(c, phases->line, "%s: \"phases\" is empty", where);
	t->phases = calloc((size_t)nph, sizeof(*t->phases));
	if (!t->phases)
		return -ENOMEM;
	t->nr_phases = nph;
	for (int i = 0; i < nph; i++)
		if ((r = parse_phase(c, idx, &phs[i], &t->phases[i])))
			return r;
	return 0;
}

static int parse_tasks(struct ctx *c, const struct eg_json_member *tasks)
{
	struct eg_rtapp_workload *w = c->workload;
	_cleanup_free_ struct eg_json_member *ms = NULL;
	int n, r, k = 0;

	r = rtapp_members(c, tasks->value, tasks->object, tasks->line, "\"tasks\"", &ms, &n);
	if (r)
		return r;
	if (!n)
		return rtapp_fail(c, tasks->line, "\"tasks\" is empty");
	w->tasks = calloc((size_t)n, sizeof(*w->tasks));
	if (!w->tasks)
		return -ENOMEM;
	/* Names first: fork and resume may name a task defined further down. */
	for (int i = 0; i < n; i++) {
		if (ms[i].repeated)
			return rtapp_fail(c, ms[i].line, "task '%s' defined twice", ms[i].key);
		eg_strlcpy(w->tasks[i].name, ms[i].key, sizeof(w->tasks[i].name));
		w->tasks[i].line = ms[i].line;
	}
	w->nr_tasks = n;
	for (int i = 0; i < n; i++)
		if ((r = parse_task(c, i, &ms[i])))
			return r;
	for (int i = 0; i < n; i++)
		w->nr_threads += w->tasks[i].instance;
	w->threads = calloc(w->nr_threads ? (size_t)w->nr_threads : 1, sizeof(*w->threads));
	if (!w->threads)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < w->tasks[i].instance; j++) {
			w->threads[k].task = i;
			w->threads[k++].instance = j;
		}
	return 0;
}

/* Global keys that change nothing in a simulation (logging, tracing, page
 * locking, the io_device path, the mem buffer size: mem/iorun events carry
 * their byte counts) and "frag", a key of old rt-app files that rt-app no
 * longer reads. */
static const char *const ignored_global[] = {
	"logdir",    "log_basename",	"log_size",	    "lock_pages", "ftrace", "gnuplot",
	"io_device", "mem_buffer_size", "cumulative_slack", "frag",	  NULL,
};

static int parse_global(struct ctx *c, const struct eg_json_member *g)
{
	struct eg_rtapp_workload *w = c->workload;
	_cleanup_free_ struct eg_json_member *ms = NULL;
	int n, r;
	int64_t v;

	r = rtapp_members(c, g->value, g->object, g->line, "\"global\"", &ms, &n);
	for (int i = 0; !r && i < n; i++) {
		struct eg_json_member *m = &ms[i];
		const char *k = m->key;

		if ((r = once(c, m)))
			break;
		if (!strcmp(k, "duration")) {
			r = rtapp_get_int(c, m, -1, INT32_MAX, &v);
			w->duration_s = (int)v;
		} else if (!strcmp(k, "calibration")) {
			if (json_object_is_type(m->value, json_type_int)) {
				r = rtapp_get_int(c, m, 1, UINT32_MAX, &v);
				w->calibration_ns_per_loop = (uint32_t)v;
				w->calibration_cpu = -1;
			} else {
				char s[32];
				uint32_t cpu = 0;

				r = rtapp_get_str(c, m, s, sizeof(s));
				if (r)
					break;
				if (strncmp(s, "CPU", 3) ||
				    eg_parse_u32(s + 3, 0, EG_MAX_CPUS - 1, &cpu))
					r = rtapp_fail(c, m->line,
						       "calibration '%s': \"CPU<n>\" or ns "
						       "per loop (an integer)",
						       s);
				w->calibration_cpu = (int)cpu;
			}
		} else if (!strcmp(k, "default_policy")) {
			r = get_policy(c, m, &w->default_policy);
		} else if (!strcmp(k, "pi_enabled")) {
			if (!json_object_is_type(m->value, json_type_boolean))
				r = rtapp_fail(c, m->line, "'pi_enabled' must be true or false");
			w->pi_enabled = json_object_get_boolean(m->value);
		} else {
			const char *const *p;

			for (p = ignored_global; *p && strcmp(*p, k); p++)
				;
			if (!*p)
				r = rtapp_fail(c, m->line, "unknown global key '%s'", k);
		}
	}
	return r;
}

/* The legacy "resources" object: rt-app now creates resources on first use,
 * but still reads declarations {"type": "mutex" | "wait" | ...}. */
static int parse_resources(struct ctx *c, const struct eg_json_member *res)
{
	_cleanup_free_ struct eg_json_member *ms = NULL;
	int n, r;

	r = rtapp_members(c, res->value, res->object, res->line, "\"resources\"", &ms, &n);
	for (int i = 0; !r && i < n; i++) {
		static const char *const keys[] = { "type", "target", NULL };
		_cleanup_free_ struct eg_json_member *rm = NULL;
		char type[16];
		int nr;

		if ((r = once(c, &ms[i])) || (r = rtapp_event_object(c, &ms[i], keys, &rm, &nr)))
			break;
		r = rtapp_sub_str(c, rm, nr, "type", "mutex", type, sizeof(type));
		if (r)
			break;
		if (!strcmp(type, "mutex"))
			r = rtapp_resource(c, ms[i].key, EG_RTAPP_RES_MUTEX, -1, ms[i].line);
		else if (!strcmp(type, "wait") || !strcmp(type, "signal") ||
			 !strcmp(type, "broadcast") || !strcmp(type, "sync"))
			r = rtapp_resource(c, ms[i].key, EG_RTAPP_RES_COND, -1, ms[i].line);
		else if (!strcmp(type, "timer"))
			r = rtapp_resource(c, ms[i].key, EG_RTAPP_RES_TIMER, -1, ms[i].line);
		else if (!strcmp(type, "barrier"))
			r = rtapp_resource(c, ms[i].key, EG_RTAPP_RES_BARRIER, -1, ms[i].line);
		else if (strcmp(type, "run") && strcmp(type, "sleep"))
			r = rtapp_fail(c, ms[i].line, "resource '%s' has unknown type '%s'",
				       ms[i].key, type);
		if (r > 0)
			r = 0;
	}
	return r < 0 ? r : 0;
}

static int parse_root(struct ctx *c, struct json_object *root)
{
	_cleanup_free_ struct eg_json_member *ms = NULL;
	struct eg_json_member *tasks = NULL, *global = NULL, *res = NULL;
	int n, r;

	r = rtapp_members(c, root, 0, 1, "the top level", &ms, &n);
	if (r)
		return r;
	for (int i = 0; i < n; i++) {
		struct eg_json_member **slot = !strcmp(ms[i].key, "tasks")     ? &tasks :
					       !strcmp(ms[i].key, "global")    ? &global :
					       !strcmp(ms[i].key, "resources") ? &res :
										 NULL;

		if (!slot)
			return rtapp_fail(c, ms[i].line,
					  "unknown top-level key '%s' (tasks, global, "
					  "resources)",
					  ms[i].key);
		if ((r = once(c, &ms[i])))
			return r;
		*slot = &ms[i];
	}
	if (!tasks)
		return rtapp_fail(c, 0, "no \"tasks\" object");
	/* rt-app reads global, then resources, then tasks, whatever the order
	 * in the file: the default policy must be known before the tasks. */
	if (global && (r = parse_global(c, global)))
		return r;
	if (res && (r = parse_resources(c, res)))
		return r;
	return parse_tasks(c, tasks);
}

int eg_rtapp_load_string(const char *text, const char *name, struct eg_rtapp_workload **out,
			 struct eg_error *err)
{
	return eg_rtapp_load_string_opts(text, name, NULL, out, err);
}

int eg_rtapp_load_string_opts(const char *text, const char *name,
			      const struct eg_rtapp_options *opts, struct eg_rtapp_workload **out,
			      struct eg_error *err)
{
	struct ctx c = { .source = name ? name : "", .err = err };
	_cleanup_free_ char *filled = NULL;
	int r;

	*out = NULL;
	c.workload = calloc(1, sizeof(*c.workload));
	if (!c.workload)
		return -ENOMEM;
	eg_strlcpy(c.workload->source, c.source, sizeof(c.workload->source));
	c.workload->duration_s = -1;
	c.workload->calibration_cpu = 0; /* rt-app's default: calibrate on CPU0 */
	c.workload->default_policy = EG_RTAPP_POLICY_OTHER;

	filled = rtapp_fill_bare_suspend(text);
	r = filled ? eg_json_parse_lenient(&c.doc, filled, c.source, err) : -ENOMEM;
	if (!r && !json_object_is_type(c.doc.root, json_type_object))
		r = rtapp_fail(&c, 1, "the top level must be an object");
	if (!r)
		r = parse_root(&c, c.doc.root);
	if (!r)
		r = rtapp_resolve_suspend(&c, opts ? opts->suspend : EG_RTAPP_SUSPEND_AUTO);
	eg_json_doc_free(&c.doc);
	if (r) {
		if (r == -ENOMEM)
			eg_error_set(err, c.source, 0, "out of memory");
		eg_rtapp_free(c.workload);
		return r;
	}
	*out = c.workload;
	return 0;
}

int eg_rtapp_load(const char *path, struct eg_rtapp_workload **out, struct eg_error *err)
{
	return eg_rtapp_load_opts(path, NULL, out, err);
}

int eg_rtapp_load_opts(const char *path, const struct eg_rtapp_options *opts,
		       struct eg_rtapp_workload **out, struct eg_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	r = eg_read_file(path, EG_RTAPP_FILE_MAX, &buf, &len);
	if (r) {
		eg_error_set(err, path, 0, "cannot read: %s", strerror(-r));
		return r;
	}
	if (strlen(buf) != len) {
		eg_error_set(err, path, eg_json_line_at(buf, strlen(buf)), "NUL byte in the file");
		return -EINVAL;
	}
	return eg_rtapp_load_string_opts(buf, path, opts, out, err);
}

void eg_rtapp_free(struct eg_rtapp_workload *w)
{
	if (!w)
		return;
	for (int i = 0; i < w->nr_tasks; i++) {
		for (int j = 0; j < w->tasks[i].nr_phases; j++)
			free(w->tasks[i].phases[j].events);
		free(w->tasks[i].phases);
	}
	free(w->tasks);
	free(w->threads);
	free(w->resources);
	free(w);
}

int eg_rtapp_find_task(const struct eg_rtapp_workload *w, const char *name)
{
	for (int i = 0; i < w->nr_tasks; i++)
		if (!strcmp(w->tasks[i].name, name))
			return i;
	return -1;
}
