/* rt-app workload reader. Two steps:
 *  1. a pre-pass over the text that renames repeated keys within an object
 *     ("run", "run" -> "run", "run\u00012") the way rt-app's workgen makes keys
 *     unique, and records for every object its keys with their line numbers;
 *  2. json-c parses the result (its non-strict tokener already accepts comments,
 *     trailing commas and single quotes, so the pre-pass leaves them in place),
 *     and a walk of the tree, zipped with the pre-pass records to know lines,
 *     fills struct eg_rtapp_workload. Keys, defaults and units follow rt-app's
 *     src/rt-app_parse_config.c; what the simulator could not honour is an error. */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rtapp.h"
#include "util.h"

/* The byte appended (as the escape \u0001) to a repeated key, before its
 * occurrence number. JSON text cannot hold it unescaped, so no key of the file
 * can clash with a renamed one. */
#define DUP_MARK '\x01'

/* ---- pre-pass ---------------------------------------------------------- */

struct pp_key {
	char *name;      /* key as it will reach json-c (renamed keys carry DUP_MARK) */
	size_t base_len; /* length of the key as written */
	bool escaped;    /* raw text had a backslash: name is not the decoded key */
	int line;
	int child;       /* record of the object that is this key's value, or -1 */
};

struct pp_obj {
	struct pp_key *keys;
	int nr, cap;
};

struct pp_frame {
	bool is_obj;
	int rec;
	bool expect_key;
};

struct prepass {
	char *out;
	size_t len, cap;
	struct pp_obj *objs;
	int nr_objs, cap_objs;
};

static int grow(void **p, int *cap, int need, size_t elem)
{
	void *n;
	int c;

	if (need <= *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	while (c < need)
		c *= 2;
	n = realloc(*p, (size_t)c * elem);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = c;
	return 0;
}

static int out_put(struct prepass *pp, const char *s, size_t n)
{
	if (pp->len + n + 1 > pp->cap) {
		size_t c = pp->cap ? pp->cap : 4096;
		char *o;

		while (c < pp->len + n + 1)
			c *= 2;
		o = realloc(pp->out, c);
		if (!o)
			return -ENOMEM;
		pp->out = o;
		pp->cap = c;
	}
	memcpy(pp->out + pp->len, s, n);
	pp->len += n;
	pp->out[pp->len] = '\0';
	return 0;
}

static void prepass_free(struct prepass *pp)
{
	for (int i = 0; i < pp->nr_objs; i++) {
		for (int k = 0; k < pp->objs[i].nr; k++)
			free(pp->objs[i].keys[k].name);
		free(pp->objs[i].keys);
	}
	free(pp->objs);
	free(pp->out);
	memset(pp, 0, sizeof(*pp));
}

/* Length of the comment starting at s (0 if none), counting its newlines. */
static size_t comment_len(const char *s, int *lines)
{
	const char *p;

	if (s[0] != '/')
		return 0;
	if (s[1] == '/') {
		p = strchr(s, '\n');
		return p ? (size_t)(p - s) : strlen(s);
	}
	if (s[1] != '*')
		return 0;
	for (p = s + 2; *p; p++) {
		if (*p == '\n')
			(*lines)++;
		if (p[0] == '*' && p[1] == '/')
			return (size_t)(p + 2 - s);
	}
	return (size_t)(p - s); /* unterminated: json-c reports it */
}

/* Length of the string token at s (quote included), counting newlines; stops at
 * the end of the text when unterminated (json-c reports that). */
static size_t string_len(const char *s, int *lines, bool *escaped)
{
	char q = s[0];
	const char *p = s + 1;

	*escaped = false;
	while (*p && *p != q) {
		if (*p == '\\' && p[1]) {
			*escaped = true;
			p++;
		}
		if (*p == '\n')
			(*lines)++;
		p++;
	}
	return (size_t)(p - s) + (*p ? 1 : 0);
}

static int add_key(struct prepass *pp, int rec, const char *raw, size_t n, bool escaped,
		   int line, const char *tok, size_t toklen)
{
	struct pp_obj *o = &pp->objs[rec];
	struct pp_key *k;
	int seen = 0, r;
	char num[16];

	for (int i = 0; i < o->nr; i++)
		if (o->keys[i].base_len == n && !memcmp(o->keys[i].name, raw, n))
			seen++;
	r = grow((void **)&o->keys, &o->cap, o->nr + 1, sizeof(*o->keys));
	if (r < 0)
		return r;
	k = &o->keys[o->nr];
	k->name = malloc(n + sizeof(num) + 1);
	if (!k->name)
		return -ENOMEM;
	memcpy(k->name, raw, n);
	k->name[n] = '\0';
	k->base_len = n;
	k->escaped = escaped;
	k->line = line;
	k->child = -1;
	o->nr++;
	if (!seen)
		return out_put(pp, tok, toklen);
	/* The n-th occurrence becomes key DUP_MARK n: unique, and in order. */
	snprintf(num, sizeof(num), "%d", seen + 1);
	k->name[n] = DUP_MARK;
	memcpy(k->name + n + 1, num, strlen(num) + 1);
	r = out_put(pp, tok, toklen - 1);
	if (!r)
		r = out_put(pp, "\\u0001", 6);
	if (!r)
		r = out_put(pp, num, strlen(num));
	if (!r)
		r = out_put(pp, tok + toklen - 1, 1);
	return r;
}

static int prepass_run(struct prepass *pp, const char *text)
{
	struct pp_frame *stack = NULL;
	int depth = 0, cap = 0, line = 1, r = 0;
	const char *p = text;

	while (*p && !r) {
		struct pp_frame *top = depth ? &stack[depth - 1] : NULL;
		size_t n;
		bool esc;
		int l0 = line;

		if ((n = comment_len(p, &line))) {
			r = out_put(pp, p, n);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
		case '\'':
			n = string_len(p, &line, &esc);
			if (top && top->is_obj && top->expect_key) {
				top->expect_key = false;
				r = add_key(pp, top->rec, p + 1, n >= 2 ? n - 2 : 0, esc, l0, p, n);
			} else {
				r = out_put(pp, p, n);
			}
			p += n;
			continue;
		case '{':
			r = grow((void **)&pp->objs, &pp->cap_objs, pp->nr_objs + 1,
				 sizeof(*pp->objs));
			if (r)
				break;
			memset(&pp->objs[pp->nr_objs], 0, sizeof(*pp->objs));
			if (top && top->is_obj && !top->expect_key && pp->objs[top->rec].nr) {
				struct pp_obj *po = &pp->objs[top->rec];

				po->keys[po->nr - 1].child = pp->nr_objs;
			}
			__attribute__((fallthrough));
		case '[':
			r = grow((void **)&stack, &cap, depth + 1, sizeof(*stack));
			if (r)
				break;
			stack[depth].is_obj = *p == '{';
			stack[depth].rec = *p == '{' ? pp->nr_objs++ : -1;
			stack[depth].expect_key = *p == '{';
			depth++;
			break;
		case '}':
		case ']':
			if (depth)
				depth--;
			break;
		case ',':
			if (top && top->is_obj)
				top->expect_key = true;
			break;
		case '\n':
			line++;
			break;
		}
		if (!r)
			r = out_put(pp, p, 1);
		p++;
	}
	free(stack);
	if (!r && !pp->out)
		r = out_put(pp, "", 0);
	return r;
}

/* ---- tree walk ----------------------------------------------------------- */

struct ctx {
	const char *src;
	struct eg_error *err;
	struct prepass pp;
	struct eg_rtapp_workload *w;
};

/* One member of a JSON object, with where it was written. */
struct member {
	char base[EG_RTAPP_NAME_MAX]; /* key as written (repeat suffix removed) */
	bool repeated;                /* not the first key of that name in its object */
	int line;
	int child;                    /* pre-pass record of the value when an object */
	struct json_object *val;
};

EG_PRINTF(3, 4) static int fail(struct ctx *c, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	eg_error_set(c->err, c->src, line, "%s", msg);
	return -EINVAL;
}

/* The members of object o (pre-pass record rec), in file order. */
static int members_of(struct ctx *c, struct json_object *o, int rec, int line, const char *what,
		      struct member **out, int *nr)
{
	const struct pp_obj *po;
	struct member *ms;
	int n, i = 0;

	*out = NULL;
	*nr = 0;
	if (!json_object_is_type(o, json_type_object))
		return fail(c, line, "%s must be an object", what);
	if (rec < 0 || rec >= c->pp.nr_objs)
		return fail(c, line, "%s: cannot locate the object in the text", what);
	po = &c->pp.objs[rec];
	n = json_object_object_length(o);
	/* json-c folds keys that are equal once decoded ("a" and "\u0061"); the
	 * pre-pass compares them as written. Refuse rather than lose a key. */
	if (n != po->nr)
		return fail(c, line, "%s has a key written twice in different spellings", what);
	ms = calloc(n ? (size_t)n : 1, sizeof(*ms));
	if (!ms)
		return -ENOMEM;
	json_object_object_foreach(o, key, val) {
		const struct pp_key *pk = &po->keys[i];
		const char *mark = strchr(key, DUP_MARK);
		size_t bl = mark ? (size_t)(mark - key) : strlen(key);

		if (!pk->escaped && strcmp(key, pk->name)) {
			free(ms);
			return fail(c, pk->line, "%s: key order lost while reading '%s'", what,
				    key);
		}
		if (bl >= sizeof(ms[i].base)) {
			free(ms);
			return fail(c, pk->line, "key '%.40s...' is too long (max %d characters)",
				    key, EG_RTAPP_NAME_MAX - 1);
		}
		memcpy(ms[i].base, key, bl);
		ms[i].base[bl] = '\0';
		ms[i].repeated = mark != NULL;
		ms[i].line = pk->line;
		ms[i].child = pk->child;
		ms[i].val = val;
		i++;
	}
	*out = ms;
	*nr = n;
	return 0;
}

static struct member *find_member(struct member *ms, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(ms[i].base, key))
			return &ms[i];
	return NULL;
}

static int get_int(struct ctx *c, const struct member *m, int64_t min, int64_t max, int64_t *v)
{
	if (!json_object_is_type(m->val, json_type_int))
		return fail(c, m->line, "'%s' must be an integer", m->base);
	*v = json_object_get_int64(m->val);
	if (*v < min || *v > max)
		return fail(c, m->line, "'%s' is %lld, out of range [%lld, %lld]", m->base,
			    (long long)*v, (long long)min, (long long)max);
	return 0;
}

static int get_str(struct ctx *c, const struct member *m, char *buf, size_t len)
{
	if (!json_object_is_type(m->val, json_type_string))
		return fail(c, m->line, "'%s' must be a string", m->base);
	if (eg_strlcpy(buf, json_object_get_string(m->val), len) < 0)
		return fail(c, m->line, "'%s' value is too long (max %zu characters)", m->base,
			    len - 1);
	return 0;
}

/* Property keys may not repeat: only events (and phases) form sequences. */
static int once(struct ctx *c, const struct member *m)
{
	if (m->repeated)
		return fail(c, m->line, "'%s' given twice in the same object", m->base);
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
	case EG_RTAPP_POLICY_SAME: return "same";
	case EG_RTAPP_POLICY_OTHER: return "SCHED_OTHER";
	case EG_RTAPP_POLICY_BATCH: return "SCHED_BATCH";
	case EG_RTAPP_POLICY_IDLE: return "SCHED_IDLE";
	case EG_RTAPP_POLICY_FIFO: return "SCHED_FIFO";
	case EG_RTAPP_POLICY_RR: return "SCHED_RR";
	case EG_RTAPP_POLICY_DEADLINE: return "SCHED_DEADLINE";
	}
	return "?";
}

static int get_policy(struct ctx *c, const struct member *m, enum eg_rtapp_policy *p)
{
	char s[32];
	int r = get_str(c, m, s, sizeof(s));

	if (r)
		return r;
	if (policy_from_string(s, p))
		return fail(c, m->line, "unknown policy '%s' (SCHED_OTHER, SCHED_BATCH, "
			    "SCHED_IDLE, SCHED_FIFO, SCHED_RR or SCHED_DEADLINE)", s);
	return 0;
}

/* ---- resources ----------------------------------------------------------- */

static int resource(struct ctx *c, const char *name, enum eg_rtapp_res_type type, int owner,
		    int line)
{
	struct eg_rtapp_workload *w = c->w;
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
		return fail(c, line, "resource name '%.40s...' is too long", name);
	rs->type = type;
	rs->owner_task = owner;
	return w->nr_resources++;
}

/* ---- events -------------------------------------------------------------- */

const char *eg_rtapp_event_name(enum eg_rtapp_event_type t)
{
	static const char *const names[] = {
		[EG_RTAPP_RUN] = "run",         [EG_RTAPP_RUNTIME] = "runtime",
		[EG_RTAPP_SLEEP] = "sleep",     [EG_RTAPP_TIMER] = "timer",
		[EG_RTAPP_LOCK] = "lock",       [EG_RTAPP_UNLOCK] = "unlock",
		[EG_RTAPP_WAIT] = "wait",       [EG_RTAPP_SIGNAL] = "signal",
		[EG_RTAPP_BROAD] = "broad",     [EG_RTAPP_SYNC] = "sync",
		[EG_RTAPP_BARRIER] = "barrier", [EG_RTAPP_SUSPEND] = "suspend",
		[EG_RTAPP_RESUME] = "resume",   [EG_RTAPP_YIELD] = "yield",
		[EG_RTAPP_FORK] = "fork",       [EG_RTAPP_MEM] = "mem",
		[EG_RTAPP_IORUN] = "iorun",     [EG_RTAPP_MEMRUN] = "memrun",
		[EG_RTAPP_SEM_POST] = "sem_post", [EG_RTAPP_SEM_WAIT] = "sem_wait",
	};

	return (unsigned)t < ARRAY_SIZE(names) ? names[t] : "?";
}

static bool prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* The event a key names, as rt-app decides it: by prefix, in the order of its
 * parse_task_event_data() ("runtime" is tested inside "run", "memrun" before
 * "mem"). -1 when the key is no event. */
static int event_type(const char *key)
{
	if (prefix(key, "sleep"))
		return EG_RTAPP_SLEEP;
	if (prefix(key, "runtime"))
		return EG_RTAPP_RUNTIME;
	if (prefix(key, "run"))
		return EG_RTAPP_RUN;
	if (prefix(key, "memrun"))
		return EG_RTAPP_MEMRUN;
	if (prefix(key, "mem"))
		return EG_RTAPP_MEM;
	if (prefix(key, "iorun"))
		return EG_RTAPP_IORUN;
	if (prefix(key, "lock"))
		return EG_RTAPP_LOCK;
	if (prefix(key, "unlock"))
		return EG_RTAPP_UNLOCK;
	if (prefix(key, "signal"))
		return EG_RTAPP_SIGNAL;
	if (prefix(key, "broad"))
		return EG_RTAPP_BROAD;
	if (prefix(key, "wait"))
		return EG_RTAPP_WAIT;
	if (prefix(key, "sync"))
		return EG_RTAPP_SYNC;
	if (prefix(key, "barrier"))
		return EG_RTAPP_BARRIER;
	if (prefix(key, "timer"))
		return EG_RTAPP_TIMER;
	if (prefix(key, "resume"))
		return EG_RTAPP_RESUME;
	if (prefix(key, "suspend"))
		return EG_RTAPP_SUSPEND;
	if (prefix(key, "yield"))
		return EG_RTAPP_YIELD;
	if (prefix(key, "fork"))
		return EG_RTAPP_FORK;
	if (prefix(key, "sem_post"))
		return EG_RTAPP_SEM_POST;
	if (prefix(key, "sem_wait"))
		return EG_RTAPP_SEM_WAIT;
	return -1;
}

/* Sub-object of an event ({"ref": ..., "period": ...}): its members, checking
 * that each key is one of allowed[]. */
static int event_object(struct ctx *c, const struct member *m, const char *const *allowed,
			struct member **ms, int *n)
{
	char what[EG_RTAPP_NAME_MAX + 16];
	int r;

	snprintf(what, sizeof(what), "event '%s'", m->base);
	r = members_of(c, m->val, m->child, m->line, what, ms, n);
	if (r)
		return r;
	for (int i = 0; i < *n; i++) {
		const char *const *a;

		for (a = allowed; *a && strcmp(*a, (*ms)[i].base); a++)
			;
		if (!*a || (*ms)[i].repeated) {
			r = fail(c, (*ms)[i].line, "%s key '%s' in event '%s'",
				 *a ? "repeated" : "unknown", (*ms)[i].base, m->base);
			free(*ms);
			*ms = NULL;
			return r;
		}
	}
	return 0;
}

/* rt-app's default for a missing ref or mutex name in timer/wait/sync. */
static int sub_str(struct ctx *c, struct member *ms, int n, const char *key, const char *def,
		   char *buf, size_t len)
{
	struct member *s = find_member(ms, n, key);

	if (!s)
		return eg_strlcpy(buf, def, len);
	return get_str(c, s, buf, len);
}

static int parse_timer(struct ctx *c, int task, const struct member *m, struct eg_rtapp_event *e)
{
	static const char *const keys[] = { "ref", "period", "mode", NULL };
	_cleanup_free_ struct member *ms = NULL;
	struct member *s;
	bool absolute = false;
	int64_t v = 0;
	int n, r;

	r = event_object(c, m, keys, &ms, &n);
	if (!r)
		r = sub_str(c, ms, n, "ref", "unknown", e->arg, sizeof(e->arg));
	if (!r && (s = find_member(ms, n, "period")))
		r = get_int(c, s, 0, INT32_MAX, &v);
	if (!r && (s = find_member(ms, n, "mode"))) {
		char mode[16];

		r = get_str(c, s, mode, sizeof(mode));
		if (!r && !strcmp(mode, "absolute"))
			absolute = true;
		else if (!r && strcmp(mode, "relative"))
			r = fail(c, s->line, "timer mode '%s' (\"relative\" or \"absolute\")",
				 mode);
	}
	if (r)
		return r;
	e->duration_us = (uint64_t)v;
	/* A ref starting with "unique" is a timer of each thread, not shared. */
	r = resource(c, e->arg, EG_RTAPP_RES_TIMER, prefix(e->arg, "unique") ? task : -1, m->line);
	if (r < 0)
		return r;
	e->res = r;
	if (absolute)
		c->w->resources[r].absolute = true;
	return 0;
}

static int parse_wait(struct ctx *c, const struct member *m, struct eg_rtapp_event *e)
{
	static const char *const keys[] = { "ref", "mutex", NULL };
	_cleanup_free_ struct member *ms = NULL;
	char mutex[EG_RTAPP_NAME_MAX];
	int n, r;

	r = event_object(c, m, keys, &ms, &n);
	if (!r)
		r = sub_str(c, ms, n, "ref", "unknown", e->arg, sizeof(e->arg));
	if (!r)
		r = sub_str(c, ms, n, "mutex", "unknown", mutex, sizeof(mutex));
	if (r)
		return r;
	r = resource(c, e->arg, EG_RTAPP_RES_COND, -1, m->line);
	if (r < 0)
		return r;
	e->res = r;
	r = resource(c, mutex, EG_RTAPP_RES_MUTEX, -1, m->line);
	if (r < 0)
		return r;
	e->dep = r;
	return 0;
}

static int parse_memrun(struct ctx *c, const struct member *m, struct eg_rtapp_event *e)
{
	static const char *const keys[] = { "type", "size", "count", "stride", "pattern", "ref",
					    NULL };
	_cleanup_free_ struct member *ms = NULL;
	struct member *s;
	char buf[16];
	int64_t v;
	int n, r;

	r = event_object(c, m, keys, &ms, &n);
	if (r)
		return r;
	s = find_member(ms, n, "type");
	if (!s)
		return fail(c, m->line, "memrun event '%s' needs a \"type\"", m->base);
	r = get_str(c, s, buf, sizeof(buf));
	if (r)
		return r;
	if (!strcmp(buf, "read"))
		e->memrun.type = EG_RTAPP_MEMRUN_READ;
	else if (!strcmp(buf, "write"))
		e->memrun.type = EG_RTAPP_MEMRUN_WRITE;
	else if (!strcmp(buf, "chase"))
		e->memrun.type = EG_RTAPP_MEMRUN_CHASE;
	else
		return fail(c, s->line, "memrun type '%s' (read, write or chase)", buf);
	if (!(s = find_member(ms, n, "size")) || (r = get_int(c, s, 1, INT32_MAX, &v)))
		return s ? r : fail(c, m->line, "memrun event '%s' needs a \"size\"", m->base);
	e->memrun.size = (uint64_t)v;
	if (!(s = find_member(ms, n, "count")) || (r = get_int(c, s, 0, INT32_MAX, &v)))
		return s ? r : fail(c, m->line, "memrun event '%s' needs a \"count\"", m->base);
	e->count = (uint64_t)v;
	e->memrun.stride = 64; /* rt-app's default: one cache line */
	if ((s = find_member(ms, n, "stride"))) {
		if ((r = get_int(c, s, 1, INT32_MAX, &v)))
			return r;
		e->memrun.stride = (uint64_t)v;
	}
	e->memrun.random = true;
	if ((s = find_member(ms, n, "pattern"))) {
		if ((r = get_str(c, s, buf, sizeof(buf))))
			return r;
		if (strcmp(buf, "random") && strcmp(buf, "sequential"))
			return fail(c, s->line, "memrun pattern '%s' (random or sequential)", buf);
		e->memrun.random = !strcmp(buf, "random");
	}
	return sub_str(c, ms, n, "ref", "", e->memrun.ref, sizeof(e->memrun.ref));
}

static int parse_event(struct ctx *c, int task, const struct member *m, struct eg_rtapp_event *e)
{
	struct eg_rtapp_workload *w = c->w;
	enum eg_rtapp_res_type rt;
	int64_t v;
	int r;

	memset(e, 0, sizeof(*e));
	e->type = (enum eg_rtapp_event_type)event_type(m->base);
	eg_strlcpy(e->key, m->base, sizeof(e->key));
	e->line = m->line;
	e->res = e->dep = e->target_task = -1;

	switch (e->type) {
	case EG_RTAPP_RUN:
	case EG_RTAPP_RUNTIME:
	case EG_RTAPP_SLEEP:
		r = get_int(c, m, 0, INT32_MAX, &v);
		e->duration_us = (uint64_t)v;
		return r;
	case EG_RTAPP_MEM:
	case EG_RTAPP_IORUN:
		r = get_int(c, m, 0, INT32_MAX, &v);
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
		/* rt-app ignores the value: a thread always suspends on the
		 * condition named after its own task. Keep the text for display. */
		if (json_object_is_type(m->val, json_type_string))
			eg_strlcpy(e->arg, json_object_get_string(m->val), sizeof(e->arg));
		r = resource(c, w->tasks[task].name, EG_RTAPP_RES_COND, -1, m->line);
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

	r = get_str(c, m, e->arg, sizeof(e->arg));
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
			return fail(c, m->line, "fork of '%s', which is no task of this file",
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
	r = resource(c, e->arg, rt, -1, m->line);
	if (r < 0)
		return r;
	e->res = r;
	/* rt-app counts a barrier's users per event use: each thread of the
	 * task reaches it once per pass. */
	if (rt == EG_RTAPP_RES_BARRIER)
		w->resources[r].users += w->tasks[task].instance;
	return 0;
}

/* ---- tasks and phases ---------------------------------------------------- */

static int parse_cpus(struct ctx *c, const struct member *m, eg_cpumask_t *mask)
{
	size_t n;

	if (!json_object_is_type(m->val, json_type_array))
		return fail(c, m->line, "'cpus' must be an array of CPU numbers");
	n = json_object_array_length(m->val);
	if (!n)
		return fail(c, m->line, "'cpus' is empty");
	memset(mask, 0, sizeof(*mask));
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(m->val, i);
		int64_t cpu;

		if (!json_object_is_type(o, json_type_int))
			return fail(c, m->line, "'cpus' must hold integers");
		cpu = json_object_get_int64(o);
		if (cpu < 0 || cpu >= EG_MAX_CPUS)
			return fail(c, m->line, "CPU %lld in 'cpus' is out of range [0, %d]",
				    (long long)cpu, EG_MAX_CPUS - 1);
		eg_cpumask_set(mask, (int)cpu);
	}
	return 0;
}

static bool is_sched_key(const char *k)
{
	static const char *const keys[] = { "policy", "priority", "dl-runtime", "dl-period",
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

/* Scheduling parameters of a task (task_level: defaults filled in from
 * default_policy) or of a phase (only what is given), like rt-app's
 * parse_sched_data(). */
static int parse_sched(struct ctx *c, struct member *ms, int n, bool task_level,
		       struct eg_rtapp_sched *s)
{
	struct member *m;
	int64_t v;
	int r;

	memset(s, 0, sizeof(*s));
	s->util_min = s->util_max = -1;
	s->policy = task_level ? c->w->default_policy : EG_RTAPP_POLICY_SAME;
	for (int i = 0; i < n; i++)
		if (is_sched_key(ms[i].base))
			s->set = true;
	if ((m = find_member(ms, n, "policy")) && (r = get_policy(c, m, &s->policy)))
		return r;
	if ((m = find_member(ms, n, "priority"))) {
		bool rt = s->policy == EG_RTAPP_POLICY_FIFO || s->policy == EG_RTAPP_POLICY_RR;

		/* Range of the policy; with "same" the kernel would judge. */
		if ((r = get_int(c, m, rt ? 1 : -20, rt ? 99 : s->policy ? 19 : 99, &v)))
			return r;
		s->priority = (int)v;
		s->has_priority = true;
	} else if (task_level || s->policy != EG_RTAPP_POLICY_SAME) {
		s->priority = default_priority(s->policy);
		s->has_priority = true;
	}
	v = 0;
	if ((m = find_member(ms, n, "dl-runtime")) && (r = get_int(c, m, 0, INT32_MAX, &v)))
		return r;
	/* Legacy grammar of the task object: "runtime", "period", "deadline"
	 * stand for the dl- keys when those are absent (rt-app reads a task-level
	 * "runtime" event this way too). */
	if (!v && task_level && (m = find_member(ms, n, "runtime")) &&
	    json_object_is_type(m->val, json_type_int))
		v = json_object_get_int64(m->val);
	s->dl_runtime_us = (uint64_t)(v > 0 ? v : 0);
	v = (int64_t)s->dl_runtime_us;
	if ((m = find_member(ms, n, "dl-period")) ||
	    (task_level && (m = find_member(ms, n, "period"))))
		if ((r = get_int(c, m, 0, INT32_MAX, &v)))
			return r;
	s->dl_period_us = (uint64_t)(v ? v : (int64_t)s->dl_runtime_us);
	v = (int64_t)s->dl_period_us;
	if ((m = find_member(ms, n, "dl-deadline")) ||
	    (task_level && (m = find_member(ms, n, "deadline"))))
		if ((r = get_int(c, m, 0, INT32_MAX, &v)))
			return r;
	s->dl_deadline_us = (uint64_t)(v ? v : (int64_t)s->dl_period_us);
	if ((m = find_member(ms, n, "util_min"))) {
		if ((r = get_int(c, m, -1, EG_CAPACITY_SCALE, &v)))
			return r;
		s->util_min = (int)v;
	}
	if ((m = find_member(ms, n, "util_max"))) {
		if ((r = get_int(c, m, -1, EG_CAPACITY_SCALE, &v)))
			return r;
		s->util_max = (int)v;
	}
	if (s->policy != EG_RTAPP_POLICY_DEADLINE)
		return 0;
	m = find_member(ms, n, "policy");
	if (!s->dl_runtime_us)
		return fail(c, m ? m->line : 0, "SCHED_DEADLINE needs \"dl-runtime\"");
	/* The kernel's sched_setattr() refuses anything else. */
	if (s->dl_runtime_us > s->dl_deadline_us || s->dl_deadline_us > s->dl_period_us)
		return fail(c, m ? m->line : 0,
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
static int parse_events(struct ctx *c, int task, struct member *ms, int n,
			struct eg_rtapp_phase *ph, int line)
{
	int nr = 0, r;

	for (int i = 0; i < n; i++)
		if (event_type(ms[i].base) >= 0)
			nr++;
	if (!nr)
		return fail(c, line, "task '%s'%s%s has no event", c->w->tasks[task].name,
			    ph->name[0] ? " phase " : "", ph->name);
	ph->events = calloc((size_t)nr, sizeof(*ph->events));
	if (!ph->events)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		if (event_type(ms[i].base) < 0)
			continue;
		r = parse_event(c, task, &ms[i], &ph->events[ph->nr_events]);
		if (r)
			return r;
		ph->nr_events++;
	}
	return 0;
}

/* Check every key of a task or phase object: a property of that level, an
 * event (where events are allowed), or an error naming it. */
static int check_keys(struct ctx *c, struct member *ms, int n, bool task_level, bool events_ok,
		      const char *where)
{
	static const char *const task_keys[] = { "instance", "delay", "loop", "phases", "cpus",
						 "period", "deadline", NULL };
	static const char *const phase_keys[] = { "loop", "cpus", NULL };

	for (int i = 0; i < n; i++) {
		const char *k = ms[i].base;
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
			return fail(c, ms[i].line, "%s: 'taskgroup' (CFS group scheduling) is not "
				    "modelled by the simulator", where);
		if (event_type(k) >= 0) {
			if (events_ok)
				continue;
			return fail(c, ms[i].line, "%s: event '%s' beside \"phases\" (rt-app would "
				    "ignore it; move it into a phase)", where, k);
		}
		return fail(c, ms[i].line, "%s: unknown key or event '%s'", where, k);
	}
	return 0;
}

static int parse_loop(struct ctx *c, struct member *ms, int n, int def, bool zero_ok, int *loop)
{
	struct member *m = find_member(ms, n, "loop");
	int64_t v;
	int r;

	*loop = def;
	if (!m)
		return 0;
	if ((r = get_int(c, m, -1, INT32_MAX, &v)))
		return r;
	/* A phase with loop 0 would run forever in rt-app (its counter never
	 * meets 0 again): certainly a mistake, so refuse it. */
	if (!v && !zero_ok)
		return fail(c, m->line, "phase 'loop' must be -1 (forever) or >= 1");
	*loop = (int)v;
	return 0;
}

static int parse_phase(struct ctx *c, int task, const struct member *pm, struct eg_rtapp_phase *ph)
{
	_cleanup_free_ struct member *ms = NULL;
	char where[2 * EG_RTAPP_NAME_MAX + 32];
	struct member *m;
	int n, r;

	snprintf(where, sizeof(where), "task '%s' phase '%s'", c->w->tasks[task].name, pm->base);
	eg_strlcpy(ph->name, pm->base, sizeof(ph->name));
	ph->line = pm->line;
	r = members_of(c, pm->val, pm->child, pm->line, where, &ms, &n);
	if (!r)
		r = check_keys(c, ms, n, false, true, where);
	if (!r)
		r = parse_loop(c, ms, n, 1, false, &ph->loop);
	if (!r && (m = find_member(ms, n, "cpus"))) {
		ph->has_cpus = true;
		r = parse_cpus(c, m, &ph->cpus);
	}
	if (!r)
		r = parse_sched(c, ms, n, false, &ph->sched);
	if (!r)
		r = parse_events(c, task, ms, n, ph, pm->line);
	return r;
}

static int parse_task(struct ctx *c, int idx, const struct member *tm)
{
	struct eg_rtapp_task *t = &c->w->tasks[idx];
	_cleanup_free_ struct member *ms = NULL;
	_cleanup_free_ struct member *phs = NULL;
	char where[EG_RTAPP_NAME_MAX + 16];
	struct member *m, *phases;
	int64_t v;
	int n, nph = 0, r;

	snprintf(where, sizeof(where), "task '%s'", t->name);
	r = members_of(c, tm->val, tm->child, tm->line, where, &ms, &n);
	if (r)
		return r;
	phases = find_member(ms, n, "phases");
	if ((r = check_keys(c, ms, n, true, !phases, where)))
		return r;
	t->instance = 1;
	if ((m = find_member(ms, n, "instance"))) {
		/* Bound what one file can ask of the simulator: 4096 threads is
		 * far beyond any real use case and keeps arrays small. */
		if ((r = get_int(c, m, 0, 4096, &v)))
			return r;
		t->instance = (int)v;
	}
	if ((m = find_member(ms, n, "delay"))) {
		if ((r = get_int(c, m, 0, INT32_MAX, &v)))
			return r;
		t->delay_us = (uint64_t)v;
	}
	if ((m = find_member(ms, n, "cpus"))) {
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
		t->loop = find_member(ms, n, "loop") ? 1 : -1;
		t->phases[0].sched.util_min = t->phases[0].sched.util_max = -1;
		return parse_events(c, idx, ms, n, &t->phases[0], tm->line);
	}

	if ((r = parse_loop(c, ms, n, -1, true, &t->loop)))
		return r;
	r = members_of(c, phases->val, phases->child, phases->line, "\"phases\"", &phs, &nph);
	if (r)
		return r;
	if (!nph)
		return fail(c, phases->line, "%s: \"phases\" is empty", where);
	t->phases = calloc((size_t)nph, sizeof(*t->phases));
	if (!t->phases)
		return -ENOMEM;
	t->nr_phases = nph;
	for (int i = 0; i < nph; i++)
		if ((r = parse_phase(c, idx, &phs[i], &t->phases[i])))
			return r;
	return 0;
}

static int parse_tasks(struct ctx *c, const struct member *tasks)
{
	struct eg_rtapp_workload *w = c->w;
	_cleanup_free_ struct member *ms = NULL;
	int n, r, k = 0;

	r = members_of(c, tasks->val, tasks->child, tasks->line, "\"tasks\"", &ms, &n);
	if (r)
		return r;
	if (!n)
		return fail(c, tasks->line, "\"tasks\" is empty");
	w->tasks = calloc((size_t)n, sizeof(*w->tasks));
	if (!w->tasks)
		return -ENOMEM;
	/* Names first: fork and resume may name a task defined further down. */
	for (int i = 0; i < n; i++) {
		if (ms[i].repeated)
			return fail(c, ms[i].line, "task '%s' defined twice", ms[i].base);
		eg_strlcpy(w->tasks[i].name, ms[i].base, sizeof(w->tasks[i].name));
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
	"logdir", "log_basename", "log_size", "lock_pages", "ftrace", "gnuplot",
	"io_device", "mem_buffer_size", "cumulative_slack", "frag", NULL,
};

static int parse_global(struct ctx *c, const struct member *g)
{
	struct eg_rtapp_workload *w = c->w;
	_cleanup_free_ struct member *ms = NULL;
	int n, r;
	int64_t v;

	r = members_of(c, g->val, g->child, g->line, "\"global\"", &ms, &n);
	for (int i = 0; !r && i < n; i++) {
		struct member *m = &ms[i];
		const char *k = m->base;

		if ((r = once(c, m)))
			break;
		if (!strcmp(k, "duration")) {
			r = get_int(c, m, -1, INT32_MAX, &v);
			w->duration_s = (int)v;
		} else if (!strcmp(k, "calibration")) {
			if (json_object_is_type(m->val, json_type_int)) {
				r = get_int(c, m, 1, UINT32_MAX, &v);
				w->calibration_ns_per_loop = (uint32_t)v;
				w->calibration_cpu = -1;
			} else {
				char s[32], *end = s;
				long cpu;

				r = get_str(c, m, s, sizeof(s));
				if (r)
					break;
				cpu = strncmp(s, "CPU", 3) ? -1 : strtol(s + 3, &end, 10);
				if (cpu < 0 || end == s + 3 || *end || cpu >= EG_MAX_CPUS)
					r = fail(c, m->line, "calibration '%s': \"CPU<n>\" or ns "
						 "per loop (an integer)", s);
				w->calibration_cpu = (int)cpu;
			}
		} else if (!strcmp(k, "default_policy")) {
			r = get_policy(c, m, &w->default_policy);
		} else if (!strcmp(k, "pi_enabled")) {
			if (!json_object_is_type(m->val, json_type_boolean))
				r = fail(c, m->line, "'pi_enabled' must be true or false");
			w->pi_enabled = json_object_get_boolean(m->val);
		} else {
			const char *const *p;

			for (p = ignored_global; *p && strcmp(*p, k); p++)
				;
			if (!*p)
				r = fail(c, m->line, "unknown global key '%s'", k);
		}
	}
	return r;
}

/* The legacy "resources" object: rt-app now creates resources on first use,
 * but still reads declarations {"type": "mutex" | "wait" | ...}. */
static int parse_resources(struct ctx *c, const struct member *res)
{
	_cleanup_free_ struct member *ms = NULL;
	int n, r;

	r = members_of(c, res->val, res->child, res->line, "\"resources\"", &ms, &n);
	for (int i = 0; !r && i < n; i++) {
		static const char *const keys[] = { "type", "target", NULL };
		_cleanup_free_ struct member *rm = NULL;
		char type[16];
		int nr;

		if ((r = once(c, &ms[i])) || (r = event_object(c, &ms[i], keys, &rm, &nr)))
			break;
		r = sub_str(c, rm, nr, "type", "mutex", type, sizeof(type));
		if (r)
			break;
		if (!strcmp(type, "mutex"))
			r = resource(c, ms[i].base, EG_RTAPP_RES_MUTEX, -1, ms[i].line);
		else if (!strcmp(type, "wait") || !strcmp(type, "signal") ||
			 !strcmp(type, "broadcast") || !strcmp(type, "sync"))
			r = resource(c, ms[i].base, EG_RTAPP_RES_COND, -1, ms[i].line);
		else if (!strcmp(type, "timer"))
			r = resource(c, ms[i].base, EG_RTAPP_RES_TIMER, -1, ms[i].line);
		else if (!strcmp(type, "barrier"))
			r = resource(c, ms[i].base, EG_RTAPP_RES_BARRIER, -1, ms[i].line);
		else if (strcmp(type, "run") && strcmp(type, "sleep"))
			r = fail(c, ms[i].line, "resource '%s' has unknown type '%s'", ms[i].base,
				 type);
		if (r > 0)
			r = 0;
	}
	return r < 0 ? r : 0;
}

static int line_at(const char *s, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && s[i]; i++)
		line += s[i] == '\n';
	return line;
}

static int parse_root(struct ctx *c, struct json_object *root)
{
	_cleanup_free_ struct member *ms = NULL;
	struct member *tasks = NULL, *global = NULL, *res = NULL;
	int n, r;

	r = members_of(c, root, 0, 1, "the top level", &ms, &n);
	if (r)
		return r;
	for (int i = 0; i < n; i++) {
		struct member **slot = !strcmp(ms[i].base, "tasks")  ? &tasks
				     : !strcmp(ms[i].base, "global") ? &global
				     : !strcmp(ms[i].base, "resources") ? &res : NULL;

		if (!slot)
			return fail(c, ms[i].line, "unknown top-level key '%s' (tasks, global, "
				    "resources)", ms[i].base);
		if ((r = once(c, &ms[i])))
			return r;
		*slot = &ms[i];
	}
	if (!tasks)
		return fail(c, 0, "no \"tasks\" object");
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
	struct ctx c = { .src = name ? name : "", .err = err };
	struct json_tokener *tok;
	struct json_object *root = NULL;
	enum json_tokener_error jerr;
	size_t end;
	int r;

	*out = NULL;
	c.w = calloc(1, sizeof(*c.w));
	if (!c.w)
		return -ENOMEM;
	eg_strlcpy(c.w->source, c.src, sizeof(c.w->source));
	c.w->duration_s = -1;
	c.w->calibration_cpu = 0; /* rt-app's default: calibrate on CPU0 */
	c.w->default_policy = EG_RTAPP_POLICY_OTHER;

	r = prepass_run(&c.pp, text);
	if (r)
		goto out;
	tok = json_tokener_new();
	if (!tok) {
		r = -ENOMEM;
		goto out;
	}
	root = json_tokener_parse_ex(tok, c.pp.out, (int)c.pp.len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue) {
		r = fail(&c, line_at(c.pp.out, c.pp.len), "unexpected end of file (unclosed "
			 "object, array, string or comment)");
		goto out;
	}
	if (jerr != json_tokener_success) {
		r = fail(&c, line_at(c.pp.out, end), "syntax error: %s",
			 json_tokener_error_desc(jerr));
		goto out;
	}
	/* Only blanks and comments may follow the top-level object. */
	for (const char *p = c.pp.out + end; *p;) {
		int dummy = 0;
		size_t n = comment_len(p, &dummy);

		if (n) {
			p += n;
		} else if (strchr(" \t\r\n", *p)) {
			p++;
		} else {
			r = fail(&c, line_at(c.pp.out, (size_t)(p - c.pp.out)),
				 "unexpected text after the top-level object");
			goto out;
		}
	}
	if (!json_object_is_type(root, json_type_object)) {
		r = fail(&c, 1, "the top level must be an object");
		goto out;
	}
	r = parse_root(&c, root);
out:
	json_object_put(root);
	prepass_free(&c.pp);
	if (r) {
		if (r == -ENOMEM)
			eg_error_set(err, c.src, 0, "out of memory");
		eg_rtapp_free(c.w);
		return r;
	}
	*out = c.w;
	return 0;
}

int eg_rtapp_load(const char *path, struct eg_rtapp_workload **out, struct eg_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int r = 0;

	*out = NULL;
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		eg_error_set(err, path, 0, "cannot open: %s", strerror(-r));
		return r;
	}
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			char *n = realloc(buf, cap ? cap * 2 : 16384);

			if (!n) {
				r = -ENOMEM;
				break;
			}
			buf = n;
			cap = cap ? cap * 2 : 16384;
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0) {
			if (ferror(f))
				r = -EIO;
			break;
		}
	}
	fclose(f);
	if (r) {
		eg_error_set(err, path, 0, "cannot read: %s", strerror(-r));
		return r;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		eg_error_set(err, path, line_at(buf, strlen(buf)), "NUL byte in the file");
		return -EINVAL;
	}
	return eg_rtapp_load_string(buf, path, out, err);
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
