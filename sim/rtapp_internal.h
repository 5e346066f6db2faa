/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rt-app reader's shared state and helpers, private to sim/: the task
 * level (rtapp.c) and the events (rtapp_event.c) walk the tree of a lenient
 * JSON document into one struct eg_rtapp_workload. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lenient_json.h"
#include "rtapp.h"
#include "util.h"

struct ctx {
	const char *source; /* file name for errors */
	struct eg_error *err;
	struct eg_json_doc doc;
	struct eg_rtapp_workload *workload; /* what is read */
};

/* Text of an rt-app file with each bare "suspend" key (no value, as rt-app's
 * examples have it) given the value "", which reads as the own task name;
 * same lines. NULL when out of memory. free() it. */
char *rtapp_fill_bare_suspend(const char *text);
/* Point each suspend at its condition under mode, after every task is read
 * (resumes anywhere in the file decide EG_RTAPP_SUSPEND_AUTO). 0 or -errno. */
int rtapp_resolve_suspend(struct ctx *c, enum eg_rtapp_suspend_mode mode);

/* Set *err at line of the file; returns -EINVAL. */
EG_PRINTF(3, 4) int rtapp_fail(struct ctx *c, int line, const char *fmt, ...);
int rtapp_members(struct ctx *c, struct json_object *o, int object, int line, const char *what,
		  struct eg_json_member **out, int *nr);
struct eg_json_member *rtapp_find_member(struct eg_json_member *ms, int n, const char *key);
int rtapp_get_int(struct ctx *c, const struct eg_json_member *m, int64_t min, int64_t max,
		  int64_t *v);
int rtapp_get_str(struct ctx *c, const struct eg_json_member *m, char *buf, size_t len);

/* rtapp_event.c */
bool rtapp_prefix(const char *s, const char *p);
/* The event a key names, -1 when the key is no event. */
int rtapp_event_type(const char *key);
/* The index of the resource of that name, type and owner (-1: shared),
 * created on first use; or -errno. */
int rtapp_resource(struct ctx *c, const char *name, enum eg_rtapp_res_type type, int owner,
		   int line);
int rtapp_event_object(struct ctx *c, const struct eg_json_member *m, const char *const *allowed,
		       struct eg_json_member **ms, int *n);
int rtapp_sub_str(struct ctx *c, struct eg_json_member *ms, int n, const char *key, const char *def,
		  char *buf, size_t len);
int rtapp_parse_event(struct ctx *c, int task, const struct eg_json_member *m,
		      struct eg_rtapp_event *e);
