// SPDX-License-Identifier: GPL-2.0-or-later
/* rt-app events: the type a key names (by prefix, as rt-app), each event's
 * value or object, and the named resources (timers, mutexes, conditions,
 * barriers, semaphores) they create on first use. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtapp_internal.h"
#include "util.h"

int rtapp_resource(struct ctx *c, const char *name, enum eg_rtapp_res_type type, int owner,
		   int line)
{
	struct eg_rtapp_workload *w = c->workload;
	struct eg_rtapp_resource *rs;

	for (int i = 0; i < w->nr_resources; i++)
		if (w->resources[i].type == type && w->resources[i].owner_task == owner &&
		    !strcmp(w->resources[i].name, name))
			return i;
	rs = realloc(w->resources, (size_t)(w->nr_resources + 1) * sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	w->resources = rs;
	rs = &w->resources[w->nr_resources];
	memset(rs, 0, sizeof(*rs));
	if (eg_strlcpy(rs->name, name, sizeof(rs->name)) < 0)
		return rtapp_fail(c, line, "resource name '%.40s...' is too long", name);
	rs->type = type;
	rs->owner_task = owner;
	return w->nr_resources++;
}

const char *eg_rtapp_event_name(enum eg_rtapp_event_type t)
{
	static const char *const names[] = {
		[EG_RTAPP_RUN] = "run",		  [EG_RTAPP_RUNTIME] = "runtime",
		[EG_RTAPP_SLEEP] = "sleep",	  [EG_RTAPP_TIMER] = "timer",
		[EG_RTAPP_LOCK] = "lock",	  [EG_RTAPP_UNLOCK] = "unlock",
		[EG_RTAPP_WAIT] = "wait",	  [EG_RTAPP_SIGNAL] = "signal",
		[EG_RTAPP_BROAD] = "broad",	  [EG_RTAPP_SYNC] = "sync",
		[EG_RTAPP_BARRIER] = "barrier",	  [EG_RTAPP_SUSPEND] = "suspend",
		[EG_RTAPP_RESUME] = "resume",	  [EG_RTAPP_YIELD] = "yield",
		[EG_RTAPP_FORK] = "fork",	  [EG_RTAPP_MEM] = "mem",
		[EG_RTAPP_IORUN] = "iorun",	  [EG_RTAPP_MEMRUN] = "memrun",
		[EG_RTAPP_SEM_POST] = "sem_post", [EG_RTAPP_SEM_WAIT] = "sem_wait",
	};

	return (unsigned)t < ARRAY_SIZE(names) ? names[t] : "?";
}

bool rtapp_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* The event a key names, as rt-app decides it: by prefix, in the order of its
 * parse_task_event_data() ("runtime" is tested inside "run", "memrun" before
 * "mem"). -1 when the key is no event. */
int rtapp_event_type(const char *key)
{
	if (rtapp_prefix(key, "sleep"))
		return EG_RTAPP_SLEEP;
	if (rtapp_prefix(key, "runtime"))
		return EG_RTAPP_RUNTIME;
	if (rtapp_prefix(key, "run"))
		return EG_RTAPP_RUN;
	if (rtapp_prefix(key, "memrun"))
		return EG_RTAPP_MEMRUN;
	if (rtapp_prefix(key, "mem"))
		return EG_RTAPP_MEM;
	if (rtapp_prefix(key, "iorun"))
		return EG_RTAPP_IORUN;
	if (rtapp_prefix(key, "lock"))
		return EG_RTAPP_LOCK;
	if (rtapp_prefix(key, "unlock"))
		return EG_RTAPP_UNLOCK;
	if (rtapp_prefix(key, "signal"))
		return EG_RTAPP_SIGNAL;
	if (rtapp_prefix(key, "broad"))
		return EG_RTAPP_BROAD;
	if (rtapp_prefix(key, "wait"))
		return EG_RTAPP_WAIT;
	if (rtapp_prefix(key, "sync"))
		return EG_RTAPP_SYNC;
	if (rtapp_prefix(key, "barrier"))
		return EG_RTAPP_BARRIER;
	if (rtapp_prefix(key, "timer"))
		return EG_RTAPP_TIMER;
	if (rtapp_prefix(key, "resume"))
		return EG_RTAPP_RESUME;
	if (rtapp_prefix(key, "suspend"))
		return EG_RTAPP_SUSPEND;
	if (rtapp_prefix(key, "yield"))
		return EG_RTAPP_YIELD;
	if (rtapp_prefix(key, "fork"))
		return EG_RTAPP_FORK;
	if (rtapp_prefix(key, "sem_post"))
		return EG_RTAPP_SEM_POST;
	if (rtapp_prefix(key, "sem_wait"))
		return EG_RTAPP_SEM_WAIT;
	return -1;
}

/* Sub-object of an event ({"ref": ..., "period": ...}): its members, checking
 * that each key is one of allowed[]. */
int rtapp_event_object(struct ctx *c, const struct eg_json_member *m, const char *const *allowed,
		       struct eg_json_member **ms, int *n)
{
	char what[EG_RTAPP_NAME_MAX + 16];
	int r;

	snprintf(what, sizeof(what), "event '%s'", m->key);
	r = rtapp_members(c, m->value, m->object, m->line, what, ms, n);
	if (r)
		return r;
	for (int i = 0; i < *n; i++) {
		const char *const *a;

		for (a = allowed; *a && strcmp(*a, (*ms)[i].key); a++)
			;
		if (!*a || (*ms)[i].repeated) {
			r = rtapp_fail(c, (*ms)[i].line, "%s key '%s' in event '%s'",
				       *a ? "repeated" : "unknown", (*ms)[i].key, m->key);
			free(*ms);
			*ms = NULL;
			return r;
		}
	}
	return 0;
}

/* rt-app's default for a missing ref or mutex name in timer/wait/sync. */
int rtapp_sub_str(struct ctx *c, struct eg_json_member *ms, int n, const char *key, const char *def,
		  char *buf, size_t len)
{
	struct eg_json_member *s = rtapp_find_member(ms, n, key);

	if (!s)
		return eg_strlcpy(buf, def, len);
	return rtapp_get_str(c, s, buf, len);
}

static int parse_timer(struct ctx *c, int task, const struct eg_json_member *m,
		       struct eg_rtapp_event *e)
{
	static const char *const keys[] = { "ref", "period", "mode", NULL };
	_cleanup_free_ struct eg_json_member *ms = NULL;
	struct eg_json_member *s;
	bool absolute = false;
	int64_t v = 0;
	int n, r;

	r = rtapp_event_object(c, m, keys, &ms, &n);
	if (!r)
		r = rtapp_sub_str(c, ms, n, "ref", "unknown", e->arg, sizeof(e->arg));
	if (!r && (s = rtapp_find_member(ms, n, "period")))
		r = rtapp_get_int(c, s, 0, INT32_MAX, &v);
	if (!r && (s = rtapp_find_member(ms, n, "mode"))) {
		char mode[16];

		r = rtapp_get_str(c, s, mode, sizeof(mode));
		if (!r && !strcmp(mode, "absolute"))
			absolute = true;
		else if (!r && strcmp(mode, "relative"))
			r = rtapp_fail(c, s->line, "timer mode '%s' (\"relative\" or \"absolute\")",
				       mode);
	}
	if (r)
		return r;
	e->duration_us = (uint64_t)v;
	/* A ref starting with "unique" is a timer of each thread, not shared. */
	r = rtapp_resource(c, e->arg, EG_RTAPP_RES_TIMER,
			   rtapp_prefix(e->arg, "unique") ? task : -1, m->line);
	if (r < 0)
		return r;
	e->res = r;
	if (absolute)
		c->workload->resources[r].absolute = true;
	return 0;
}

static int parse_wait(struct ctx *c, const struct eg_json_member *m, struct eg_rtapp_event *e)
{
	static const char *const keys[] = { "ref", "mutex", NULL };
	_cleanup_free_ struct eg_json_member *ms = NULL;
	char mutex[EG_RTAPP_NAME_MAX];
	int n, r;

	r = rtapp_event_object(c, m, keys, &ms, &n);
	if (!r)
		r = rtapp_sub_str(c, ms, n, "ref", "unknown", e->arg, sizeof(e->arg));
	if (!r)
		r = rtapp_sub_str(c, ms, n, "mutex", "unknown", mutex, sizeof(mutex));
	if (r)
		return r;
	r = rtapp_resource(c, e->arg, EG_RTAPP_RES_COND, -1, m->line);
	if (r < 0)
		return r;
	e->res = r;
	r = rtapp_resource(c, mutex, EG_RTAPP_RES_MUTEX, -1, m->line);
	if (r < 0)
		return r;
	e->dep = r;
	return 0;
}

static int parse_memrun(struct ctx *c, const struct eg_json_member *m, struct eg_rtapp_event *e)
{
	static const char *const keys[] = { "type",    "size", "count", "stride",
					    "pattern", "ref",  NULL };
	_cleanup_free_ struct eg_json_member *ms = NULL;
	struct eg_json_member *s;
	char buf[16];
	int64_t v;
	int n, r;

	r = rtapp_event_object(c, m, keys, &ms, &n);
	if (r)
		return r;
	s = rtapp_find_member(ms, n, "type");
	if (!s)
		return rtapp_fail(c, m->line, "memrun event '%s' needs a \"type\"", m->key);
	r = rtapp_get_str(c, s, buf, sizeof(buf));
	if (r)
		return r;
	if (!strcmp(buf, "read"))
		e->memrun.type = EG_RTAPP_MEMRUN_READ;
	else if (!strcmp(buf, "write"))
		e->memrun.type = EG_RTAPP_MEMRUN_WRITE;
	else if (!strcmp(buf, "chase"))
		e->memrun.type = EG_RTAPP_MEMRUN_CHASE;
	else
		return rtapp_fail(c, s->line, "memrun type '%s' (read, write or chase)", buf);
	if (!(s = rtapp_find_member(ms, n, "size")) || (r = rtapp_get_int(c, s, 1, INT32_MAX, &v)))
		return s ? r : rtapp_fail(c, m->line, "memrun event '%s' needs a \"size\"", m->key);
	e->memrun.size = (uint64_t)v;
	if (!(s = rtapp_find_member(ms, n, "count")) || (r = rtapp_get_int(c, s, 0, INT32_MAX, &v)))
		return s ? r :
			   rtapp_fail(c, m->line, "memrun event '%s' needs a \"count\"", m->key);
	e->count = (uint64_t)v;
	e->memrun.stride = 64; /* rt-app's default: one cache line */
	if ((s = rtapp_find_member(ms, n, "stride"))) {
		if ((r = rtapp_get_int(c, s, 1, INT32_MAX, &v)))
			return r;
		e->memrun.stride = (uint64_t)v;
	}
	e->memrun.random = true;
	if ((s = rtapp_find_member(ms, n, "pattern"))) {
		if ((r = rtapp_get_str(c, s, buf, sizeof(buf))))
			return r;
		if (strcmp(buf, "random") && strcmp(buf, "sequential"))
			return rtapp_fail(c, s->line, "memrun pattern '%s' (random or sequential)",
					  buf);
		e->memrun.random = !strcmp(buf, "random");
	}
	return rtapp_sub_str(c, ms, n, "ref", "", e->memrun.ref, sizeof(e->memrun.ref));
}

int rtapp_parse_event(struct ctx *c, int task, const struct eg_json_member *m,
		      struct eg_rtapp_event *e)
{
	struct eg_rtapp_workload *w = c->workload;
	enum eg_rtapp_res_type rt;
	int64_t v;
	int r;

	memset(e, 0, sizeof(*e));
	e->type = (enum eg_rtapp_event_type)rtapp_event_type(m->key);
	eg_strlcpy(e->key, m->key, sizeof(e->key));
	e->line = m->line;
	e->res = e->dep = e->target_task = -1;

	switch (e->type) {
	case EG_RTAPP_RUN:
	case EG_RTAPP_RUNTIME:
	case EG_RTAPP_SLEEP:
		r = rtapp_get_int(c, m, 0, INT32_MAX, &v);
		e->duration_us = (uint64_t)v;
		return r;
	case EG_RTAPP_MEM:
	case EG_RTAPP_IORUN:
		r = rtapp_get_int(c, m, 0, INT32_MAX, &v);
		e->count = (uint64_t)v;
		return r;
	case EG_RTAPP_MEMRUN:
		return parse_memrun(c, m, e);
	case EG_RTAPP_TIMER:
		return parse_timer(c, task, m, e);
	case EG_RTAPP_WAIT:
	case EG_RTAPP_SYNC:
		return parse_wait(c, m, e);
	case EG_RTAPP_YIELD:
		return 0; /* the value is ignored, as in rt-app */
	case EG_RTAPP_SUSPEND:
		/* The own task's condition; rtapp_resolve_suspend() points it
		 * at the value's when the file is read with that meaning. */
		if (json_object_is_type(m->value, json_type_string))
			eg_strlcpy(e->arg, json_object_get_string(m->value), sizeof(e->arg));
		r = rtapp_resource(c, w->tasks[task].name, EG_RTAPP_RES_COND, -1, m->line);
		if (r < 0)
			return r;
		e->res = r;
		e->target_task = task;
		return 0;
	case EG_RTAPP_LOCK:
	case EG_RTAPP_UNLOCK:
	case EG_RTAPP_SIGNAL:
	case EG_RTAPP_BROAD:
	case EG_RTAPP_RESUME:
	case EG_RTAPP_BARRIER:
	case EG_RTAPP_FORK:
	case EG_RTAPP_SEM_POST:
	case EG_RTAPP_SEM_WAIT:
		break;
	}

	r = rtapp_get_str(c, m, e->arg, sizeof(e->arg));
	if (r)
		return r;
	switch (e->type) {
	case EG_RTAPP_LOCK:
	case EG_RTAPP_UNLOCK:
		rt = EG_RTAPP_RES_MUTEX;
		break;
	case EG_RTAPP_BARRIER:
		rt = EG_RTAPP_RES_BARRIER;
		break;
	case EG_RTAPP_SEM_POST:
	case EG_RTAPP_SEM_WAIT:
		rt = EG_RTAPP_RES_SEM;
		break;
	case EG_RTAPP_FORK:
		e->target_task = eg_rtapp_find_task(w, e->arg);
		if (e->target_task < 0)
			return rtapp_fail(c, m->line, "fork of '%s', which is no task of this file",
					  e->arg);
		return 0;
	case EG_RTAPP_RESUME:
		/* Any condition name is allowed; a task name wakes its suspend. */
		e->target_task = eg_rtapp_find_task(w, e->arg);
		__attribute__((fallthrough));
	default:
		rt = EG_RTAPP_RES_COND;
		break;
	}
	r = rtapp_resource(c, e->arg, rt, -1, m->line);
	if (r < 0)
		return r;
	e->res = r;
	/* rt-app counts a barrier's users per event use: each thread of the
	 * task reaches it once per pass. */
	if (rt == EG_RTAPP_RES_BARRIER)
		w->resources[r].users += w->tasks[task].instance;
	return 0;
}

/* --- suspend's two meanings --- */

/* Nesting the bare-suspend pass follows; deeper, keys are left alone. */
#define RTAPP_NEST_MAX 64

/* Skip blanks and comments from p. */
static const char *skip_blank(const char *p)
{
	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			p++;
		} else if (p[0] == '/' && p[1] == '/') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

/* End of the string token opening at p (its quote), past the closing quote. */
static const char *string_end(const char *p)
{
	char q = *p++;

	while (*p && *p != q) {
		if (*p == '\\' && p[1])
			p++;
		p++;
	}
	return *p ? p + 1 : p;
}

char *rtapp_fill_bare_suspend(const char *text)
{
	static const char fill[] = " : \"\"";
	size_t nr_bare = 0, len = strlen(text);
	char *out = NULL, *o = NULL;

	/* Two passes: count, then copy with the values added. */
	for (int pass = 0; pass < 2; pass++) {
		const char *p = text;
		/* Innermost containers ('{' or '['), and the last token: a key
		 * is a string right after '{' or ',' in an object. */
		char open[RTAPP_NEST_MAX];
		int depth = 0;
		char prev = 0;

		if (pass) {
			out = malloc(len + nr_bare * (sizeof(fill) - 1) + 1);
			if (!out)
				return NULL;
			o = out;
		}
		while (*p) {
			const char *from = p, *after;
			bool bare = false;

			if (p[0] == '/' && (p[1] == '/' || p[1] == '*')) {
				p = skip_blank(p);
			} else if (*p == '"' || *p == '\'') {
				p = string_end(p);
				after = skip_blank(p);
				/* A key whose name starts with "suspend" (rt-app
				 * matches event keys by prefix) followed by no ':'. */
				bare = (prev == '{' || prev == ',') && depth > 0 &&
				       depth <= RTAPP_NEST_MAX && open[depth - 1] == '{' &&
				       !strncmp(from + 1, "suspend", 7) &&
				       (*after == ',' || *after == '}');
				prev = '"';
			} else {
				if (*p == '{' || *p == '[') {
					if (depth < RTAPP_NEST_MAX)
						open[depth] = *p;
					depth++;
				} else if ((*p == '}' || *p == ']') && depth > 0) {
					depth--;
				}
				if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
					prev = *p;
				p++;
			}
			if (!pass) {
				nr_bare += bare;
				continue;
			}
			memcpy(o, from, (size_t)(p - from));
			o += p - from;
			if (bare) {
				memcpy(o, fill, sizeof(fill) - 1);
				o += sizeof(fill) - 1;
			}
		}
	}
	*o = '\0';
	return out;
}

/* Every event e of the file, in task t, phase ph. */
#define for_each_event(w, t, ph, e)                                                                \
	for (int t = 0; t < (w)->nr_tasks; t++)                                                    \
		for (int ph = 0; ph < (w)->tasks[t].nr_phases; ph++)                               \
			for (struct eg_rtapp_event *e = (w)->tasks[t].phases[ph].events;           \
			     e <                                                                   \
			     (w)->tasks[t].phases[ph].events + (w)->tasks[t].phases[ph].nr_events; \
			     e++)

/* Does a suspend of the file name another condition than its task's, which
 * some resume targets? Then it was written for the old meaning. */
static bool written_for_value(const struct eg_rtapp_workload *w)
{
	for_each_event(w, t, ph, e)
	{
		if (e->type != EG_RTAPP_SUSPEND || !e->arg[0] || !strcmp(e->arg, w->tasks[t].name))
			continue;
		for_each_event(w, t2, ph2, r) if (r->type == EG_RTAPP_RESUME &&
						  !strcmp(r->arg, e->arg)) return true;
	}
	return false;
}

int rtapp_resolve_suspend(struct ctx *c, enum eg_rtapp_suspend_mode mode)
{
	struct eg_rtapp_workload *w = c->workload;

	if (mode == EG_RTAPP_SUSPEND_AUTO) {
		w->suspend_guessed = written_for_value(w);
		mode = w->suspend_guessed ? EG_RTAPP_SUSPEND_VALUE : EG_RTAPP_SUSPEND_SELF;
	}
	w->suspend = mode;
	if (mode != EG_RTAPP_SUSPEND_VALUE)
		return 0;
	for_each_event(w, t, ph, e)
	{
		int r;

		if (e->type != EG_RTAPP_SUSPEND || !e->arg[0])
			continue;
		r = rtapp_resource(c, e->arg, EG_RTAPP_RES_COND, -1, e->line);
		if (r < 0)
			return r;
		e->res = r;
		e->target_task = eg_rtapp_find_task(w, e->arg);
	}
	return 0;
}

const char *eg_rtapp_suspend_mode_name(enum eg_rtapp_suspend_mode mode)
{
	switch (mode) {
	case EG_RTAPP_SUSPEND_VALUE:
		return "value";
	case EG_RTAPP_SUSPEND_SELF:
		return "self";
	default:
		return "auto";
	}
}
