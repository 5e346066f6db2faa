// SPDX-License-Identifier: GPL-2.0-or-later
/* Tests of rt-app's two meanings of "suspend" in the reader: a file written
 * for rt-app before May 2025 (a suspend names a condition another thread
 * resumes) is read with that meaning, one written for today's rt-app with the
 * own-name one, an option overrides both; a bare "suspend", with no value
 * reads as a suspend on the own task name and nothing else changes. The
 * rt-app examples of $EAGOV_SHARED are read when present, skipped if not. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rtapp.h"

/* Written for the old rt-app: "worker" waits on "frame", which "ticker"
 * resumes; nothing ever resumes "worker". */
static const char value_file[] =
	"{ \"tasks\" : {\n"
	"  \"ticker\" : { \"loop\" : -1, \"run\" : 100, \"resume\" : \"frame\",\n"
	"               \"timer\" : { \"ref\" : \"t\", \"period\" : 10000 } },\n"
	"  \"worker\" : { \"loop\" : -1, \"suspend\" : \"frame\", \"run\" : 2000 }\n"
	"} }\n";

/* Written for today's rt-app (tutorial-example4's shape): each thread
 * suspends on its own name, the other resumes it. */
static const char self_file[] =
	"{ \"tasks\" : {\n"
	"  \"thread0\" : { \"loop\" : -1, \"run\" : 1000, \"resume\" : \"thread1\",\n"
	"                \"suspend\" : \"thread0\" },\n"
	"  \"thread1\" : { \"loop\" : -1, \"run\" : 1000, \"resume\" : \"thread0\",\n"
	"                \"suspend\" : \"thread1\" }\n"
	"} }\n";

static struct eg_rtapp_workload *load(const char *text, enum eg_rtapp_suspend_mode mode)
{
	struct eg_rtapp_options opts = { .suspend = mode };
	struct eg_rtapp_workload *w = NULL;
	struct eg_error err = { 0 };
	char msg[512];
	int r = eg_rtapp_load_string_opts(text, "suspend.json", &opts, &w, &err);

	if (r) {
		eg_error_format(&err, msg, sizeof(msg));
		fail_msg("unexpected error %d: %s", r, msg);
	}
	assert_non_null(w);
	return w;
}

/* The k-th event (over all phases) of the task named task. */
static const struct eg_rtapp_event *event(const struct eg_rtapp_workload *w, const char *task,
					  int k)
{
	int t = eg_rtapp_find_task(w, task);

	assert_true(t >= 0);
	for (int p = 0; p < w->tasks[t].nr_phases; p++) {
		if (k < w->tasks[t].phases[p].nr_events)
			return &w->tasks[t].phases[p].events[k];
		k -= w->tasks[t].phases[p].nr_events;
	}
	fail_msg("task %s has no event %d", task, k);
	return NULL;
}

static const char *res_name(const struct eg_rtapp_workload *w, const struct eg_rtapp_event *e)
{
	assert_true(e->res >= 0 && e->res < w->nr_resources);
	assert_int_equal(w->resources[e->res].type, EG_RTAPP_RES_COND);
	return w->resources[e->res].name;
}

static void test_old_file_reads_by_value(void **state)
{
	struct eg_rtapp_workload *w = load(value_file, EG_RTAPP_SUSPEND_AUTO);
	const struct eg_rtapp_event *s = event(w, "worker", 0);
	const struct eg_rtapp_event *r = event(w, "ticker", 1);

	(void)state;
	assert_int_equal(w->suspend, EG_RTAPP_SUSPEND_VALUE);
	assert_true(w->suspend_guessed);
	assert_int_equal(s->type, EG_RTAPP_SUSPEND);
	assert_string_equal(res_name(w, s), "frame");
	/* The resume broadcasts the very condition the suspend waits on. */
	assert_int_equal(r->type, EG_RTAPP_RESUME);
	assert_int_equal(r->res, s->res);
	eg_rtapp_free(w);
}

static void test_new_file_reads_by_self(void **state)
{
	struct eg_rtapp_workload *w = load(self_file, EG_RTAPP_SUSPEND_AUTO);
	const struct eg_rtapp_event *s0 = event(w, "thread0", 2);
	const struct eg_rtapp_event *r1 = event(w, "thread1", 1);

	(void)state;
	assert_int_equal(w->suspend, EG_RTAPP_SUSPEND_SELF);
	assert_false(w->suspend_guessed);
	assert_string_equal(res_name(w, s0), "thread0");
	assert_int_equal(s0->target_task, eg_rtapp_find_task(w, "thread0"));
	assert_int_equal(r1->res, s0->res);
	eg_rtapp_free(w);
}

/* A suspend naming another condition that no resume targets is no sign of
 * the old meaning: the file is read as today's rt-app reads it. */
static void test_unresumed_value_stays_self(void **state)
{
	static const char text[] =
		"{ \"tasks\" : {\n"
		"  \"a\" : { \"loop\" : -1, \"run\" : 100, \"resume\" : \"b\",\n"
		"          \"timer\" : { \"ref\" : \"t\", \"period\" : 10000 } },\n"
		"  \"b\" : { \"loop\" : -1, \"suspend\" : \"nobody\", \"run\" : 100 }\n"
		"} }\n";
	struct eg_rtapp_workload *w = load(text, EG_RTAPP_SUSPEND_AUTO);

	(void)state;
	assert_int_equal(w->suspend, EG_RTAPP_SUSPEND_SELF);
	assert_false(w->suspend_guessed);
	assert_string_equal(res_name(w, event(w, "b", 0)), "b");
	eg_rtapp_free(w);
}

static void test_option_overrides(void **state)
{
	struct eg_rtapp_workload *w = load(value_file, EG_RTAPP_SUSPEND_SELF);

	(void)state;
	assert_int_equal(w->suspend, EG_RTAPP_SUSPEND_SELF);
	assert_false(w->suspend_guessed);
	assert_string_equal(res_name(w, event(w, "worker", 0)), "worker");
	eg_rtapp_free(w);

	/* Forced to the old meaning, a file naming its own task is unchanged. */
	w = load(self_file, EG_RTAPP_SUSPEND_VALUE);
	assert_int_equal(w->suspend, EG_RTAPP_SUSPEND_VALUE);
	assert_false(w->suspend_guessed);
	assert_string_equal(res_name(w, event(w, "thread1", 2)), "thread1");
	eg_rtapp_free(w);

	w = load(value_file, EG_RTAPP_SUSPEND_VALUE);
	assert_false(w->suspend_guessed);
	assert_string_equal(res_name(w, event(w, "worker", 0)), "frame");
	eg_rtapp_free(w);
	assert_string_equal(eg_rtapp_suspend_mode_name(EG_RTAPP_SUSPEND_VALUE), "value");
	assert_string_equal(eg_rtapp_suspend_mode_name(EG_RTAPP_SUSPEND_SELF), "self");
}

/* "suspend", with no value (rt-app's examples), before a comma, a closing
 * brace or a comment, under both meanings: the own task name. Strings that
 * only look like it stay as written, and lines do not move. */
static void test_bare_suspend(void **state)
{
	static const char text[] =
		"{ \"tasks\" : {\n"
		"  \"t0\" : { \"loop\" : -1, \"run\" : 100, \"resume\" : \"t1\",\n"
		"           \"suspend\", \"run\" : 10 },\n"
		"  \"t1\" : { \"loop\" : -1, \"run\" : 100, \"resume\" : \"t0\",\n"
		"           \"suspend\" /* no value */ }\n"
		"  , \"t2\" : { \"loop\" : 1, \"lock\" : \"suspend\", \"unlock\" : \"suspend\",\n"
		"             \"suspend1\"\n"
		"           }\n"
		"} }\n";
	enum eg_rtapp_suspend_mode modes[] = { EG_RTAPP_SUSPEND_AUTO, EG_RTAPP_SUSPEND_VALUE,
					       EG_RTAPP_SUSPEND_SELF };

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct eg_rtapp_workload *w = load(text, modes[i]);
		const struct eg_rtapp_event *s0 = event(w, "t0", 2);
		const struct eg_rtapp_event *s1 = event(w, "t1", 2);
		const struct eg_rtapp_event *lock = event(w, "t2", 0);
		const struct eg_rtapp_event *s2 = event(w, "t2", 2);

		assert_int_equal(s0->type, EG_RTAPP_SUSPEND);
		assert_string_equal(res_name(w, s0), "t0");
		assert_int_equal(s0->line, 3);
		assert_int_equal(event(w, "t0", 3)->type, EG_RTAPP_RUN);
		assert_string_equal(res_name(w, s1), "t1");
		assert_int_equal(s1->line, 5);
		assert_int_equal(lock->type, EG_RTAPP_LOCK);
		assert_string_equal(lock->arg, "suspend");
		assert_int_equal(s2->type, EG_RTAPP_SUSPEND);
		assert_string_equal(s2->key, "suspend1");
		assert_string_equal(res_name(w, s2), "t2");
		assert_int_equal(s2->line, 7);
		eg_rtapp_free(w);
	}
}

/* A bare key other than suspend is still a syntax error, on its line. */
static void test_bare_other_key_rejected(void **state)
{
	static const char text[] = "{ \"tasks\" : {\n"
				   "  \"t\" : { \"loop\" : 1,\n"
				   "    \"run\", \"suspend\" }\n"
				   "} }\n";
	struct eg_rtapp_workload *w = NULL;
	struct eg_error err = { 0 };

	(void)state;
	assert_int_equal(eg_rtapp_load_string(text, "bad.json", &w, &err), -EINVAL);
	assert_null(w);
	assert_int_equal(err.line, 3);
}

/* rt-app's published examples, when the corpus is there: mp3-short's
 * suspends name their own tasks (today's meaning fits); tutorial-example4
 * likewise. */
static void test_shared_examples(void **state)
{
	const char *shared = getenv("EAGOV_SHARED");
	static const char *const files[] = { "mp3-short.json", "tutorial-example4.json" };

	(void)state;
	if (!shared)
		skip();
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct eg_rtapp_workload *w = NULL;
		struct eg_error err = { 0 };
		char path[1024];
		FILE *f;

		snprintf(path, sizeof(path), "%s/workloads/rt-app/%s", shared, files[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		fclose(f);
		assert_int_equal(eg_rtapp_load(path, &w, &err), 0);
		assert_int_equal(w->suspend, EG_RTAPP_SUSPEND_SELF);
		assert_false(w->suspend_guessed);
		eg_rtapp_free(w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_file_reads_by_value),
		cmocka_unit_test(test_new_file_reads_by_self),
		cmocka_unit_test(test_unresumed_value_stays_self),
		cmocka_unit_test(test_option_overrides),
		cmocka_unit_test(test_bare_suspend),
		cmocka_unit_test(test_bare_other_key_rejected),
		cmocka_unit_test(test_shared_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
