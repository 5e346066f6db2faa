// SPDX-License-Identifier: GPL-2.0-or-later
/* Tests of the rt-app workload reader: real rt-app files and the project's own
 * load; repeated keys keep their order; comments, trailing commas and strings
 * survive the pre-pass; defaults, timers, instances, phases and cpus follow
 * rt-app; what cannot be modelled is an error naming file, line and key.
 * The rt-app corpus of $EAGOV_SHARED is read when present, skipped if not. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "rtapp.h"

static struct eg_rtapp_workload *load_ok(const char *text)
{
	struct eg_rtapp_workload *w = NULL;
	struct eg_error err = { 0 };
	char msg[512];
	int r = eg_rtapp_load_string(text, "test.json", &w, &err);

	if (r) {
		eg_error_format(&err, msg, sizeof(msg));
		fail_msg("unexpected error %d: %s", r, msg);
	}
	assert_non_null(w);
	return w;
}

/* Loads text expecting -EINVAL; returns the formatted error. */
static void load_bad(const char *text, char *msg, size_t len, int *line)
{
	struct eg_rtapp_workload *w = (void *)1;
	struct eg_error err = { 0 };

	assert_int_equal(eg_rtapp_load_string(text, "bad.json", &w, &err), -EINVAL);
	assert_null(w);
	eg_error_format(&err, msg, len);
	assert_string_equal(err.file, "bad.json");
	*line = err.line;
}

/* Loads every *.json in dir; returns how many. */
static int load_dir(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		fail_msg("cannot open %s", dir);
	while ((de = readdir(d))) {
		struct eg_rtapp_workload *w = NULL;
		struct eg_error err = { 0 };
		char path[1024], msg[512];
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (eg_rtapp_load(path, &w, &err)) {
			eg_error_format(&err, msg, sizeof(msg));
			fail_msg("%s", msg);
		}
		/* Every file defines at least one thread with events. */
		assert_true(w->nr_tasks > 0);
		for (int i = 0; i < w->nr_tasks; i++) {
			assert_true(w->tasks[i].nr_phases > 0);
			for (int j = 0; j < w->tasks[i].nr_phases; j++)
				assert_true(w->tasks[i].phases[j].nr_events > 0);
		}
		eg_rtapp_free(w);
		n++;
	}
	closedir(d);
	return n;
}

/* The rt-app corpus of the shared reference tree ($EAGOV_SHARED), when it
 * sits beside the checkout: a fresh clone has none, and skips it. */
static void test_rtapp_examples_load(void **state)
{
	const char *shared = getenv("EAGOV_SHARED");
	char dir[512];
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/workloads/rt-app", shared ? shared : "");
	if (!shared || stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		print_message("rt-app corpus not found (%s): skipped\n", dir);
		skip();
	}
	/* 14 example files are published there; an empty listing must fail. */
	assert_true(load_dir(dir) >= 14);
}

static void test_project_workloads_load(void **state)
{
	static const char *const names[] = {
		"audio-playback",  "video-60fps",     "browser-scroll",	  "camera-preview",
		"game-loop",	   "background-sync", "duty-cycle-sweep", "ramp",
		"sustained-heavy", "mixed-rt-cfs",
	};
	const char *root = getenv("EAGOV_SOURCE_ROOT");
	char dir[512], path[600];

	(void)state;
	assert_non_null(root);
	snprintf(dir, sizeof(dir), "%s/bench/workloads", root);
	assert_true(load_dir(dir) >= (int)(sizeof(names) / sizeof(names[0])));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct eg_rtapp_workload *w = NULL;
		struct eg_error err = { 0 };

		snprintf(path, sizeof(path), "%s/%s.json", dir, names[i]);
		assert_int_equal(eg_rtapp_load(path, &w, &err), 0);
		/* Modest simulated durations (5-20 s), sustained-heavy excepted. */
		if (strcmp(names[i], "sustained-heavy")) {
			assert_in_range(w->duration_s, 5, 20);
		} else {
			assert_int_equal(w->duration_s, 60);
			assert_int_equal(w->nr_threads, 8);
		}
		eg_rtapp_free(w);
	}
}

static void test_repeated_keys_keep_order(void **state)
{
	struct eg_rtapp_workload *w =
		load_ok("{ \"tasks\" : { \"t\" : {\n"
			"  \"run\" : 100, \"sleep\" : 200, \"run\" : 300,\n"
			"  \"sleep\" : 400, \"run\" : 500,"
			" \"timer\" : { \"ref\" : \"a\", \"period\" : 7 },\n"
			"  \"timer\" : { \"ref\" : \"b\", \"period\" : 9 } } } }");
	static const enum eg_rtapp_event_type type[] = {
		EG_RTAPP_RUN, EG_RTAPP_SLEEP, EG_RTAPP_RUN,   EG_RTAPP_SLEEP,
		EG_RTAPP_RUN, EG_RTAPP_TIMER, EG_RTAPP_TIMER,
	};
	static const uint64_t dur[] = { 100, 200, 300, 400, 500, 7, 9 };
	static const int line[] = { 2, 2, 2, 3, 3, 3, 4 };
	const struct eg_rtapp_phase *p;

	(void)state;
	assert_int_equal(w->nr_tasks, 1);
	p = &w->tasks[0].phases[0];
	assert_int_equal(p->nr_events, 7);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(p->events[i].type, type[i]);
		assert_int_equal(p->events[i].duration_us, dur[i]);
		assert_int_equal(p->events[i].line, line[i]);
		/* The key comes back as written, without the renaming suffix. */
		assert_string_equal(p->events[i].key, eg_rtapp_event_name(type[i]));
	}
	assert_string_equal(w->resources[p->events[5].res].name, "a");
	assert_string_equal(w->resources[p->events[6].res].name, "b");
	eg_rtapp_free(w);
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Repeats are counted with a hash: 40,000 "run" keys in one object read in
 * well under a second (a scan of the earlier keys per key would take
 * seconds), in order, each with its value, name and line. CPU time, so a
 * loaded machine does not fail it. */
static void test_many_repeated_keys(void **state)
{
	enum {
		NR = 40000
	};
	size_t cap = (size_t)NR * 24 + 64, len = 0;
	char *text = malloc(cap);
	struct eg_rtapp_workload *w;
	const struct eg_rtapp_phase *p;
	double t0;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len, "{ \"tasks\" : { \"t\" : {\n");
	for (int i = 0; i < NR; i++)
		len += (size_t)snprintf(text + len, cap - len, "\"run\" : %d%s\n", i + 1,
					i + 1 < NR ? "," : "");
	snprintf(text + len, cap - len, "} } }\n");
	t0 = cpu_seconds();
	w = load_ok(text);
	assert_true(cpu_seconds() - t0 < 1.0);
	p = &w->tasks[0].phases[0];
	assert_int_equal(p->nr_events, NR);
	for (int i = 0; i < NR; i++) {
		assert_int_equal(p->events[i].type, EG_RTAPP_RUN);
		assert_string_equal(p->events[i].key, "run");
		assert_int_equal(p->events[i].duration_us, i + 1);
		assert_int_equal(p->events[i].line, i + 2);
	}
	eg_rtapp_free(w);
	free(text);
}

/* The same key in different objects is no repeat; a repeat counts per
 * object. */
static void test_repeats_per_object(void **state)
{
	struct eg_rtapp_workload *w =
		load_ok("{ \"tasks\" : {\n"
			"  \"a\" : { \"run\" : 1, \"sleep\" : 2, \"run\" : 3 },\n"
			"  \"b\" : { \"run\" : 4, \"run\" : 5, \"run\" : 6 } } }");
	const struct eg_rtapp_phase *a = &w->tasks[0].phases[0], *b = &w->tasks[1].phases[0];

	(void)state;
	assert_int_equal(a->nr_events, 3);
	assert_int_equal(a->events[2].duration_us, 3);
	assert_int_equal(b->nr_events, 3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(b->events[i].key, "run");
		assert_int_equal(b->events[i].duration_us, 4 + i);
	}
	eg_rtapp_free(w);
}

static void test_comments_trailing_commas(void **state)
{
	struct eg_rtapp_workload *w =
		load_ok("// leading line comment with \"quote\" and {brace\n"
			"{\n"
			"  /* block comment: \"run\" : 5, } */\n"
			"  \"tasks\" : {\n"
			"    \"t\" : { \"run\" : 10, /* inline */ \"sleep\" : 20, }, // after\n"
			"  },\n"
			"  \"global\" : { \"duration\" : 3, \"gnuplot\" : true, /* x */ },\n"
			"}\n");
	const struct eg_rtapp_phase *p = &w->tasks[0].phases[0];

	(void)state;
	/* Only the two real events: the "run" : 5 inside the comment is text. */
	assert_int_equal(p->nr_events, 2);
	assert_int_equal(p->events[0].type, EG_RTAPP_RUN);
	assert_int_equal(p->events[0].duration_us, 10);
	assert_int_equal(p->events[0].line, 5);
	assert_int_equal(p->events[1].type, EG_RTAPP_SLEEP);
	assert_int_equal(p->events[1].duration_us, 20);
	assert_int_equal(w->duration_s, 3);
	eg_rtapp_free(w);
}

static void test_strings_survive_prepass(void **state)
{
	/* Values holding comment openers and escaped quotes, then repeated keys
	 * after them: a pre-pass that lost track of the string would strip text
	 * or stop renaming keys. */
	struct eg_rtapp_workload *w = load_ok("{ \"tasks\" : { \"t\" : {\n"
					      "  \"lock\" : \"a//b\",\n"
					      "  \"unlock\" : \"a//b\",\n"
					      "  \"signal\" : \"x/*y*/z\",\n"
					      "  \"lock\" : \"q\\\"//\\\"{\",\n"
					      "  \"run\" : 1, \"run\" : 2,\n"
					      "  \"unlock\" : \"q\\\"//\\\"{\",\n"
					      "  'sleep' : 3, 'sleep' : 4\n"
					      "} } }");
	const struct eg_rtapp_phase *p = &w->tasks[0].phases[0];

	(void)state;
	assert_int_equal(p->nr_events, 9);
	assert_string_equal(p->events[0].arg, "a//b");
	assert_string_equal(w->resources[p->events[0].res].name, "a//b");
	assert_int_equal(p->events[0].res, p->events[1].res);
	assert_string_equal(p->events[2].arg, "x/*y*/z");
	assert_int_equal(p->events[2].type, EG_RTAPP_SIGNAL);
	assert_string_equal(p->events[3].arg, "q\"//\"{");
	assert_int_equal(p->events[3].type, EG_RTAPP_LOCK);
	assert_int_equal(p->events[4].duration_us, 1);
	assert_int_equal(p->events[5].duration_us, 2);
	assert_int_equal(p->events[6].type, EG_RTAPP_UNLOCK);
	assert_int_equal(p->events[6].res, p->events[3].res);
	/* json-c's non-strict mode takes single quotes: the pre-pass must too. */
	assert_int_equal(p->events[7].type, EG_RTAPP_SLEEP);
	assert_int_equal(p->events[7].duration_us, 3);
	assert_int_equal(p->events[8].type, EG_RTAPP_SLEEP);
	assert_int_equal(p->events[8].duration_us, 4);
	assert_int_equal(p->events[6].line, 7);
	eg_rtapp_free(w);
}

static void test_unique_timers(void **state)
{
	struct eg_rtapp_workload *w = load_ok(
		"{ \"tasks\" : {\n"
		"  \"a\" : { \"instance\" : 3, \"phases\" : {\n"
		"    \"p1\" : { \"run\" : 1,"
		" \"timer\" : { \"ref\" : \"unique\", \"period\" : 100 } },\n"
		"    \"p2\" : { \"run\" : 1,"
		" \"timer\" : { \"ref\" : \"unique\", \"period\" : 200 } },\n"
		"    \"p3\" : { \"run\" : 1,"
		" \"timer\" : { \"ref\" : \"uniqueB\", \"period\" : 300,\n"
		"               \"mode\" : \"absolute\" } },\n"
		"    \"p4\" : { \"run\" : 1,"
		" \"timer\" : { \"ref\" : \"tick\", \"period\" : 400 } } } },\n"
		"  \"b\" : { \"run\" : 1, \"timer\" : { \"ref\" : \"unique\", \"period\" : 100 },\n"
		"          \"timer\" : { \"ref\" : \"tick\", \"period\" : 400 } } } }");
	const struct eg_rtapp_task *a = &w->tasks[0], *b = &w->tasks[1];
	const struct eg_rtapp_resource *r;

	(void)state;
	/* Same "unique" ref within one task: one timer (per thread). */
	assert_int_equal(a->phases[0].events[1].res, a->phases[1].events[1].res);
	r = &w->resources[a->phases[0].events[1].res];
	assert_int_equal(r->type, EG_RTAPP_RES_TIMER);
	assert_int_equal(r->owner_task, 0);
	assert_false(r->absolute);
	assert_int_equal(a->phases[1].events[1].duration_us, 200);
	/* Another "unique..." name is another timer, here absolute. */
	r = &w->resources[a->phases[2].events[1].res];
	assert_string_equal(r->name, "uniqueB");
	assert_int_equal(r->owner_task, 0);
	assert_true(r->absolute);
	/* "unique" in task b is b's own timer. */
	assert_int_not_equal(b->phases[0].events[1].res, a->phases[0].events[1].res);
	assert_int_equal(w->resources[b->phases[0].events[1].res].owner_task, 1);
	/* A plain name is one timer shared by every thread of every task. */
	assert_int_equal(a->phases[3].events[1].res, b->phases[0].events[2].res);
	assert_int_equal(w->resources[b->phases[0].events[2].res].owner_task, -1);
	/* unique(a), uniqueB(a), tick, unique(b) */
	assert_int_equal(w->nr_resources, 4);
	eg_rtapp_free(w);
}

static void test_instances(void **state)
{
	struct eg_rtapp_workload *w =
		load_ok("{ \"tasks\" : {\n"
			"  \"x\" : { \"instance\" : 3, \"run\" : 1, \"barrier\" : \"sync\" },\n"
			"  \"y\" : { \"instance\" : 0, \"run\" : 1 },\n"
			"  \"z\" : { \"run\" : 1, \"barrier\" : \"sync\", \"fork\" : \"y\" } } }");

	(void)state;
	/* 3 threads of x, none of y (fork only), 1 of z (default instance). */
	assert_int_equal(w->nr_threads, 4);
	assert_int_equal(w->threads[0].task, 0);
	assert_int_equal(w->threads[2].task, 0);
	assert_int_equal(w->threads[2].instance, 2);
	assert_int_equal(w->threads[3].task, 2);
	assert_int_equal(w->threads[3].instance, 0);
	/* The barrier waits for every thread using it: 3 of x + 1 of z. */
	assert_int_equal(w->resources[w->tasks[0].phases[0].events[1].res].users, 4);
	assert_int_equal(w->tasks[2].phases[0].events[2].type, EG_RTAPP_FORK);
	assert_int_equal(w->tasks[2].phases[0].events[2].target_task, 1);
	eg_rtapp_free(w);
}

static void test_phases_and_loops(void **state)
{
	struct eg_rtapp_workload *w =
		load_ok("{ \"tasks\" : {\n"
			"  \"ph\" : { \"loop\" : 3, \"delay\" : 500, \"phases\" : {\n"
			"     \"light\" : { \"loop\" : 10, \"run\" : 1000, \"sleep\" : 9000 },\n"
			"     \"heavy\" : { \"run\" : 9000, \"sleep\" : 1000 },\n"
			"     \"light\" : { \"loop\" : -1, \"runtime\" : 5 } } },\n"
			"  \"inl\" : { \"loop\" : 5, \"run\" : 1 },\n"
			"  \"fr\" : { \"run\" : 1 } } }");
	const struct eg_rtapp_task *ph = &w->tasks[0];

	(void)state;
	assert_int_equal(ph->loop, 3);
	assert_int_equal(ph->delay_us, 500);
	assert_int_equal(ph->nr_phases, 3);
	assert_string_equal(ph->phases[0].name, "light");
	assert_int_equal(ph->phases[0].loop, 10);
	assert_string_equal(ph->phases[1].name, "heavy");
	assert_int_equal(ph->phases[1].loop, 1); /* rt-app's phase default */
	/* A repeated phase name is a further phase, not a replacement. */
	assert_string_equal(ph->phases[2].name, "light");
	assert_int_equal(ph->phases[2].loop, -1);
	assert_int_equal(ph->phases[2].events[0].type, EG_RTAPP_RUNTIME);
	/* Without phases, rt-app gives "loop" to the implicit phase and runs
	 * the task once; without "loop", the task loops forever. */
	assert_int_equal(w->tasks[1].phases[0].loop, 5);
	assert_int_equal(w->tasks[1].loop, 1);
	assert_int_equal(w->tasks[2].phases[0].loop, 1);
	assert_int_equal(w->tasks[2].loop, -1);
	/* Defaults of the global object. */
	assert_int_equal(w->duration_s, -1);
	assert_int_equal(w->calibration_cpu, 0);
	assert_int_equal(w->calibration_ns_per_loop, 0);
	eg_rtapp_free(w);
}

static void test_cpus(void **state)
{
	struct eg_rtapp_workload *w =
		load_ok("{ \"tasks\" : { \"t\" : { \"cpus\" : [0, 2, 3], \"phases\" : {\n"
			"  \"a\" : { \"cpus\" : [1, 130], \"run\" : 1 },\n"
			"  \"b\" : { \"run\" : 1 } } } } }");
	const struct eg_rtapp_task *t = &w->tasks[0];
	char buf[64];
	char msg[512];
	int line;

	(void)state;
	assert_true(t->has_cpus);
	eg_cpumask_format(&t->cpus, buf, sizeof(buf));
	assert_string_equal(buf, "0,2-3");
	assert_true(t->phases[0].has_cpus);
	assert_int_equal(eg_cpumask_weight(&t->phases[0].cpus), 2);
	assert_true(eg_cpumask_test(&t->phases[0].cpus, 130));
	/* A phase without cpus runs on the task's (not the previous phase's). */
	assert_false(t->phases[1].has_cpus);
	eg_rtapp_free(w);

	load_bad("{ \"tasks\" : { \"t\" : { \"run\" : 1,\n \"cpus\" : [0, 256] } } }", msg,
		 sizeof(msg), &line);
	assert_non_null(strstr(msg, "256"));
	assert_int_equal(line, 2);
	load_bad("{ \"tasks\" : { \"t\" : { \"run\" : 1, \"cpus\" : [\"0\"] } } }", msg,
		 sizeof(msg), &line);
	assert_non_null(strstr(msg, "cpus"));
	load_bad("{ \"tasks\" : { \"t\" : { \"run\" : 1, \"cpus\" : 3 } } }", msg, sizeof(msg),
		 &line);
	assert_non_null(strstr(msg, "cpus"));
}

static void test_sched_params(void **state)
{
	struct eg_rtapp_workload *w = load_ok(
		"{ \"global\" : { \"default_policy\" : \"SCHED_FIFO\", \"calibration\" : 452,\n"
		"                 \"pi_enabled\" : true },\n"
		"  \"tasks\" : {\n"
		"  \"rt\" : { \"run\" : 1 },\n"
		"  \"dl\" : { \"policy\" : \"SCHED_DEADLINE\", \"dl-runtime\" : 2000,\n"
		"           \"dl-period\" : 10000, \"run\" : 1 },\n"
		"  \"cfs\" : { \"policy\" : \"SCHED_OTHER\", \"priority\" : -5,"
		" \"util_min\" : 300,\n"
		"            \"phases\" : { \"p\" : { \"priority\" : 3, \"util_max\" : 512,"
		" \"run\" : 1 },\n"
		"                           \"q\" : { \"run\" : 1 } } } } }");

	(void)state;
	assert_int_equal(w->calibration_cpu, -1);
	assert_int_equal(w->calibration_ns_per_loop, 452);
	assert_true(w->pi_enabled);
	/* default_policy applies, with rt-app's default RT priority 10. */
	assert_int_equal(w->tasks[0].sched.policy, EG_RTAPP_POLICY_FIFO);
	assert_int_equal(w->tasks[0].sched.priority, 10);
	/* dl-deadline defaults to dl-period. */
	assert_int_equal(w->tasks[1].sched.dl_runtime_us, 2000);
	assert_int_equal(w->tasks[1].sched.dl_period_us, 10000);
	assert_int_equal(w->tasks[1].sched.dl_deadline_us, 10000);
	assert_int_equal(w->tasks[2].sched.priority, -5);
	assert_int_equal(w->tasks[2].sched.util_min, 300);
	assert_int_equal(w->tasks[2].sched.util_max, -1);
	/* A phase changes only what it names and keeps the policy. */
	assert_true(w->tasks[2].phases[0].sched.set);
	assert_int_equal(w->tasks[2].phases[0].sched.policy, EG_RTAPP_POLICY_SAME);
	assert_true(w->tasks[2].phases[0].sched.has_priority);
	assert_int_equal(w->tasks[2].phases[0].sched.priority, 3);
	assert_int_equal(w->tasks[2].phases[0].sched.util_max, 512);
	assert_false(w->tasks[2].phases[1].sched.set);
	assert_false(w->tasks[2].phases[1].sched.has_priority);
	eg_rtapp_free(w);
}

static void test_unknown_event(void **state)
{
	char msg[512];
	int line;

	(void)state;
	load_bad("{\n \"tasks\" : {\n  \"t\" : {\n   \"run\" : 1,\n   \"spin\" : 5\n } } }", msg,
		 sizeof(msg), &line);
	assert_int_equal(line, 5);
	assert_non_null(strstr(msg, "'spin'"));
	assert_non_null(strstr(msg, "bad.json:5:"));
	/* Also inside a phase, and inside an event object. */
	load_bad("{ \"tasks\" : { \"t\" : { \"phases\" : { \"p\" : { \"run\" : 1,\n"
		 "  \"frobnicate\" : 1 } } } } }",
		 msg, sizeof(msg), &line);
	assert_int_equal(line, 2);
	assert_non_null(strstr(msg, "'frobnicate'"));
	load_bad("{ \"tasks\" : { \"t\" : { \"timer\" : { \"ref\" : \"a\", \"perod\" : 1 } } } }",
		 msg, sizeof(msg), &line);
	assert_non_null(strstr(msg, "'perod'"));
	/* Not modelled: taskgroup. An event beside "phases" would be ignored by
	 * rt-app: refused. A property key given twice: refused. */
	load_bad("{ \"tasks\" : { \"t\" : { \"taskgroup\" : \"/a\", \"run\" : 1 } } }", msg,
		 sizeof(msg), &line);
	assert_non_null(strstr(msg, "taskgroup"));
	load_bad("{ \"tasks\" : { \"t\" : { \"run\" : 1,"
		 " \"phases\" : { \"p\" : { \"run\" : 1 } } } } }",
		 msg, sizeof(msg), &line);
	assert_non_null(strstr(msg, "'run'"));
	load_bad("{ \"tasks\" : { \"t\" : { \"loop\" : 1, \"run\" : 1,\n \"loop\" : 2 } } }", msg,
		 sizeof(msg), &line);
	assert_non_null(strstr(msg, "'loop'"));
	assert_int_equal(line, 2);
	/* Bad values: fork of an unknown task, wrong type, bad policy. */
	load_bad("{ \"tasks\" : { \"t\" : { \"fork\" : \"nobody\" } } }", msg, sizeof(msg), &line);
	assert_non_null(strstr(msg, "nobody"));
	load_bad("{ \"tasks\" : { \"t\" : { \"run\" : \"10\" } } }", msg, sizeof(msg), &line);
	assert_non_null(strstr(msg, "'run'"));
	load_bad("{ \"tasks\" : { \"t\" : { \"policy\" : \"SCHED_FOO\", \"run\" : 1 } } }", msg,
		 sizeof(msg), &line);
	assert_non_null(strstr(msg, "SCHED_FOO"));
	load_bad("{ \"tasks\" : { \"t\" : { \"loop\" : 3 } } }", msg, sizeof(msg), &line);
	assert_non_null(strstr(msg, "no event"));
}

static void test_unknown_global(void **state)
{
	char msg[512];
	int line;

	(void)state;
	load_bad("{ \"tasks\" : { \"t\" : { \"run\" : 1 } },\n"
		 "  \"global\" : { \"duration\" : 2,\n \"turbo\" : true } }",
		 msg, sizeof(msg), &line);
	assert_int_equal(line, 3);
	assert_non_null(strstr(msg, "'turbo'"));
	load_bad("{ \"tasks\" : { \"t\" : { \"run\" : 1 } }, \"extra\" : {} }", msg, sizeof(msg),
		 &line);
	assert_non_null(strstr(msg, "'extra'"));
	load_bad("{ \"global\" : { \"calibration\" : \"GPU1\" },"
		 " \"tasks\" : { \"t\" : { \"run\" : 1 } } }",
		 msg, sizeof(msg), &line);
	assert_non_null(strstr(msg, "GPU1"));
	/* "CPU<n>": n a plain decimal CPU number, nothing else. */
	for (size_t i = 0; i < 5; i++) {
		static const char *const bad[] = { "CPU", "CPU 1", "CPU-1", "CPU+1", "CPU256" };
		char text[256];

		snprintf(text, sizeof(text),
			 "{ \"global\" : { \"calibration\" : \"%s\" },"
			 " \"tasks\" : { \"t\" : { \"run\" : 1 } } }",
			 bad[i]);
		load_bad(text, msg, sizeof(msg), &line);
		assert_non_null(strstr(msg, bad[i]));
	}
}

static void test_calibration_cpu(void **state)
{
	struct eg_rtapp_workload *w = load_ok("{ \"global\" : { \"calibration\" : \"CPU4\" },"
					      " \"tasks\" : { \"t\" : { \"run\" : 1 } } }");

	(void)state;
	assert_int_equal(w->calibration_cpu, 4);
	assert_int_equal(w->calibration_ns_per_loop, 0);
	eg_rtapp_free(w);
}

static void test_malformed(void **state)
{
	struct eg_rtapp_workload *w = (void *)1;
	struct eg_error err = { 0 };
	char msg[512];
	int line;

	(void)state;
	load_bad("{ \"tasks\" : { \"t\" : { \"run\" : 1 }\n", msg, sizeof(msg), &line);
	assert_non_null(strstr(msg, "end of file"));
	load_bad("{ \"tasks\" : {\n \"t\" : { \"run\" : tru } } }", msg, sizeof(msg), &line);
	assert_int_equal(line, 2);
	assert_non_null(strstr(msg, "syntax error"));
	load_bad("{ \"tasks\" : { \"t\" : { \"run\" : 1 } } }\n} junk", msg, sizeof(msg), &line);
	assert_int_equal(line, 2);
	load_bad("{ \"tasks\" : { \"t\" : { \"run\" 1 } } }", msg, sizeof(msg), &line);
	assert_non_null(strstr(msg, "syntax error"));
	load_bad("[ 1, 2 ]", msg, sizeof(msg), &line);
	load_bad("", msg, sizeof(msg), &line);
	load_bad("{ \"global\" : {} }", msg, sizeof(msg), &line);
	assert_non_null(strstr(msg, "tasks"));

	assert_int_equal(eg_rtapp_load("/nonexistent/x.json", &w, &err), -ENOENT);
	assert_null(w);
	assert_string_equal(err.file, "/nonexistent/x.json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtapp_examples_load),
		cmocka_unit_test(test_project_workloads_load),
		cmocka_unit_test(test_repeated_keys_keep_order),
		cmocka_unit_test(test_many_repeated_keys),
		cmocka_unit_test(test_repeats_per_object),
		cmocka_unit_test(test_comments_trailing_commas),
		cmocka_unit_test(test_strings_survive_prepass),
		cmocka_unit_test(test_unique_timers),
		cmocka_unit_test(test_instances),
		cmocka_unit_test(test_phases_and_loops),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_sched_params),
		cmocka_unit_test(test_unknown_event),
		cmocka_unit_test(test_unknown_global),
		cmocka_unit_test(test_calibration_cpu),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
