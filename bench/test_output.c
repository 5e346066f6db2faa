// SPDX-License-Identifier: GPL-2.0-or-later
/* Tests of eagov-bench's output formats with names that are data: a workload
 * file and a recording named 'my "fast",video' (quote, comma, blank) run
 * through the matrix and printed as JSON (parsed back with json-c), CSV
 * (parsed back with the RFC 4180 reader below), LAVA lines and the HTML
 * report. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "bench.h"
#include "config.h"
#include "conf.h"
#include "fileio.h"
#include "output.h"
#include "record.h"
#include "util.h"

#define WORKLOAD "my \"fast\",video.json"
#define RECORDING "my \"fast\",video.rec"
#define NR_GOVS 2
#define MAX_FIELDS 64
#define MAX_RECORDS 64

struct fx {
	char dir[64];
	char wl_path[EG_PATH_MAX];
	char rec_path[EG_PATH_MAX];
	struct bench *b;
};

/* An RFC 4180 reader: records of fields separated by commas, records ended
 * by CRLF or LF; a field starting with a quote runs to the closing quote,
 * "" standing for one quote, and may hold commas, CR and LF. Fields are
 * copied into text (NUL-terminated, quotes undone), field[r][f] pointing in
 * it. Returns the number of records; nr_fields[r] counts each one's fields.
 * A quote inside an unquoted field, text after a closing quote or an
 * unclosed quote fail the test. */
static int csv_parse(const char *in, char *text, char *field[][MAX_FIELDS], int *nr_fields)
{
	int nr = 0, nf = 0;
	char *t = text;

	while (*in) {
		assert_true(nr < MAX_RECORDS && nf < MAX_FIELDS);
		field[nr][nf] = t;
		if (*in == '"') {
			for (in++;; in++) {
				assert_true(*in != '\0');
				if (*in == '"' && in[1] == '"')
					*t++ = *in++;
				else if (*in == '"')
					break;
				else
					*t++ = *in;
			}
			in++;
			assert_true(*in == ',' || *in == '\n' || *in == '\r' || *in == '\0');
		} else {
			for (; *in && *in != ',' && *in != '\n' && *in != '\r'; in++) {
				assert_true(*in != '"');
				*t++ = *in;
			}
		}
		*t++ = '\0';
		nf++;
		if (*in == ',') {
			in++;
			continue;
		}
		if (*in == '\r')
			in++;
		if (*in == '\n')
			in++;
		nr_fields[nr++] = nf;
		nf = 0;
	}
	return nr;
}

/* What the output code prints for b (or for the replay case rc) in fmt, in
 * memory, NUL-terminated; free() it. */
static char *capture(const struct bench *b, const struct bench_replay_case *rc,
		     enum bench_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	if (rc)
		assert_int_equal(bench_print_replay(out, b, rc, 1, fmt), 0);
	else
		assert_int_equal(bench_print(out, b, fmt), 0);
	assert_int_equal(fclose(out), 0);
	return buf;
}

static void copy_file(const char *from, const char *to)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(eg_read_file(from, 1 << 20, &text, &len), 0);
	f = fopen(to, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(text);
}

/* A short recording on the HiKey960 model: CPU 4 busy half of every 4 ms
 * window for 0.4 s. */
static void write_recording(const char *path, const struct eg_model *m)
{
	struct eg_recorder *r = NULL;

	assert_int_equal(eg_record_open(&r, path, m), 0);
	for (int k = 1; k <= 100; k++) {
		struct eg_event ev = { .ts = (uint64_t)k * 4 * NSEC_PER_MSEC,
				       .type = EG_EV_BUSY_SAMPLE,
				       .cpu = 4 };

		ev.busy.busy_ns = 2 * NSEC_PER_MSEC;
		ev.busy.window_ns = 4 * NSEC_PER_MSEC;
		ev.busy.no_switches = true;
		assert_int_equal(eg_record_write(r, &ev), 0);
	}
	assert_int_equal(eg_record_close(r), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct bench *b = calloc(1, sizeof(*b));
	char src[512];
	int failed = 0;

	assert_non_null(f);
	assert_non_null(b);
	eg_strlcpy(f->dir, "/tmp/test_output.XXXXXX", sizeof(f->dir));
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->wl_path, sizeof(f->wl_path), "%s/%s", f->dir, WORKLOAD);
	snprintf(f->rec_path, sizeof(f->rec_path), "%s/%s", f->dir, RECORDING);
	snprintf(src, sizeof(src), "%s/bench/workloads/audio-playback.json",
		 getenv("EAGOV_SOURCE_ROOT"));
	copy_file(src, f->wl_path);
	assert_int_equal(bench_add_device(b, "hikey960"), 0);
	assert_int_equal(bench_add_workloads(b, f->dir), 0);
	assert_int_equal(b->nr_wl, 1);
	assert_int_equal(bench_add_governor(b, "performance"), 0);
	assert_int_equal(bench_add_governor(b, "powersave"), 0);
	b->duration_ns = NSEC_PER_SEC / 2;
	b->jobs = 1;
	assert_int_equal(bench_run(b, &failed), 0);
	assert_int_equal(failed, 0);
	assert_int_equal(b->nr_job, NR_GOVS);
	f->b = b;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unlink(f->wl_path);
	unlink(f->rec_path);
	rmdir(f->dir);
	bench_free(f->b);
	free(f->b);
	free(f);
	return 0;
}

static void test_csv_text_quoting(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain name", "plain name," },
		{ "", "," },
		{ "a,b", "\"a,b\"," },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"," },
		{ "two\nlines", "\"two\nlines\"," },
		{ "cr\rhere", "\"cr\rhere\"," },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		assert_non_null(f);
		bench_csv_text(f, cases[i].in);
		assert_int_equal(fclose(f), 0);
		assert_string_equal(buf, cases[i].out);
		free(buf);
	}
}

/* A result's "domains": each of the device's domains, named, with the work
 * its CPUs did in the run (capacity x s) and energies that add up to the
 * run's. */
static void check_domains(const struct bench *b, struct json_object *o, int gov)
{
	const struct eg_model *m = &b->dev[0].model;
	const struct bench_job *j = NULL;
	struct json_object *all, *d, *v;
	double sum = 0;

	for (int k = 0; k < b->nr_job; k++)
		if (b->job[k].gov == gov)
			j = &b->job[k];
	assert_non_null(j);
	assert_true(json_object_object_get_ex(o, "domains", &all));
	assert_int_equal(json_object_object_length(all), m->nr_pds);
	for (int p = 0; p < m->nr_pds; p++) {
		assert_true(json_object_object_get_ex(all, m->pds[p].name, &d));
		assert_true(json_object_object_get_ex(d, "work", &v));
		assert_true(fabs(json_object_get_double(v) - (double)j->res.pd[p].work / 1e9) <
			    1e-6);
		assert_true(json_object_object_get_ex(d, "transitions", &v));
		assert_int_equal(json_object_get_int64(v), (int64_t)j->res.pd[p].transitions);
		assert_true(json_object_object_get_ex(d, "energy_j", &v));
		assert_true(json_object_get_double(v) > 0);
		sum += json_object_get_double(v);
	}
	assert_true(json_object_object_get_ex(o, "energy_j", &v));
	assert_true(fabs(sum - json_object_get_double(v)) < 1e-5);
}

static void test_json_names(void **state)
{
	struct fx *f = *state;
	char *text = capture(f->b, NULL, BENCH_JSON);
	struct json_object *doc = json_tokener_parse(text), *results, *o, *v;

	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "results", &results));
	assert_int_equal(json_object_array_length(results), NR_GOVS);
	for (size_t i = 0; i < NR_GOVS; i++) {
		o = json_object_array_get_idx(results, i);
		assert_true(json_object_object_get_ex(o, "workload", &v));
		assert_string_equal(json_object_get_string(v), WORKLOAD);
		assert_true(json_object_object_get_ex(o, "device", &v));
		assert_string_equal(json_object_get_string(v), "HiKey960");
		assert_true(json_object_object_get_ex(o, "governor", &v));
		assert_string_equal(json_object_get_string(v), i ? "powersave" : "performance");
		/* The figures survive as numbers: a run uses energy. */
		assert_true(json_object_object_get_ex(o, "energy_j", &v));
		assert_true(json_object_is_type(v, json_type_double));
		assert_true(json_object_get_double(v) > 0);
		assert_true(json_object_object_get_ex(o, "events", &v));
		assert_true(json_object_is_type(v, json_type_int));
		/* Wakeup latency and response time, per class (null: no sample). */
		assert_true(json_object_object_get_ex(o, "lat_cfs_p99_us", &v));
		assert_true(json_object_object_get_ex(o, "resp_rt_p50_us", &v));
		assert_true(json_object_object_get_ex(o, "resp_cfs_p99_us", &v));
		/* Both references, and no run below the bound. */
		assert_true(json_object_object_get_ex(o, "bound_j", &v));
		assert_true(json_object_get_double(v) > 0);
		assert_true(json_object_object_get_ex(o, "oracle_j", &v));
		assert_true(json_object_get_double(v) > 0);
		assert_true(json_object_object_get_ex(o, "x_bound", &v));
		assert_true(json_object_get_double(v) >= 1);
		assert_true(json_object_object_get_ex(o, "x_oracle", &v));
		assert_true(json_object_get_double(v) > 0);
		check_domains(f->b, o, (int)i);
	}
	/* One reference entry per device x workload, naming its OPPs. */
	assert_true(json_object_object_get_ex(doc, "references", &results));
	assert_int_equal(json_object_array_length(results), 1);
	o = json_object_array_get_idx(results, 0);
	assert_true(json_object_object_get_ex(o, "workload", &v));
	assert_string_equal(json_object_get_string(v), WORKLOAD);
	assert_true(json_object_object_get_ex(o, "oracle_khz", &v));
	assert_true(json_object_object_get_ex(v, "little", &v));
	assert_true(json_object_get_int(v) > 0);
	assert_true(json_object_object_get_ex(o, "oracle_runs", &v));
	assert_true(json_object_is_type(v, json_type_int));
	json_object_put(doc);
	free(text);
}

static void test_csv_names(void **state)
{
	struct fx *f = *state;
	char *text = capture(f->b, NULL, BENCH_CSV);
	char *fields = malloc(strlen(text) + 1);
	char *field[MAX_RECORDS][MAX_FIELDS];
	int nr_fields[MAX_RECORDS];
	int nr;

	assert_non_null(fields);
	nr = csv_parse(text, fields, field, nr_fields);
	assert_int_equal(nr, 1 + NR_GOVS);
	assert_int_equal(nr_fields[0], 30);
	assert_string_equal(field[0][16], "lat_cfs_p99_us");
	assert_string_equal(field[0][17], "resp_rt_p50_us");
	assert_string_equal(field[0][20], "resp_cfs_p99_us");
	assert_string_equal(field[0][1], "workload");
	assert_string_equal(field[0][26], "stalled_tasks");
	assert_string_equal(field[0][28], "stalled");
	assert_string_equal(field[0][4], "bound_j");
	assert_string_equal(field[0][5], "oracle_j");
	assert_string_equal(field[0][6], "x_bound");
	assert_string_equal(field[0][7], "x_oracle");
	for (int r = 1; r < nr; r++) {
		assert_int_equal(nr_fields[r], nr_fields[0]);
		assert_string_equal(field[r][0], "HiKey960");
		assert_string_equal(field[r][1], WORKLOAD);
		assert_string_equal(field[r][26], "0"); /* stalled_tasks: none */
		assert_string_equal(field[r][29], "");	/* error: none */
	}
	free(fields);
	free(text);
}

/* Every line a LAVA signal whose test-case id has only [A-Za-z0-9._-]. */
static void test_lava_names(void **state)
{
	struct fx *f = *state;
	char *text = capture(f->b, NULL, BENCH_LAVA);
	int lines = 0;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
		static const char head[] = "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=";
		const char *id = line + strlen(head);
		size_t n = strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				      "0123456789._-");

		assert_true(strncmp(line, head, strlen(head)) == 0);
		assert_true(id[n] == ' ');
		assert_true(strncmp(id, "HiKey960.my__fast__video.", 25) == 0);
		assert_non_null(strstr(id + n, " RESULT="));
	}
	/* energy, perf index and missed per governor, plus the bound and the
	 * oracle. */
	assert_int_equal(lines, 3 * NR_GOVS + 2);
	free(text);
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

static void test_html_names(void **state)
{
	struct fx *f = *state;
	char path[EG_PATH_MAX + 8];
	char *text = NULL;

	snprintf(path, sizeof(path), "%s/report.html", f->dir);
	assert_int_equal(bench_write_html(f->b, path), 0);
	assert_int_equal(eg_read_file(path, 16 << 20, &text, NULL), 0);
	unlink(path);
	assert_null(strstr(text, "my \"fast\""));
	/* Header, navigation and the case's title. */
	assert_int_equal(count(text, "my &quot;fast&quot;,video.json"), 3);
	free(text);
}

/* --replay's JSON and CSV with such a recording name. */
static void test_replay_names(void **state)
{
	struct fx *f = *state;
	struct bench *b = calloc(1, sizeof(*b));
	struct bench_replay_case rc = { .path = f->rec_path };
	struct json_object *doc, *replays, *v;
	char *fields, *text;
	char *field[MAX_RECORDS][MAX_FIELDS];
	int nr_fields[MAX_RECORDS], nr;

	assert_non_null(b);
	assert_int_equal(bench_add_device(b, "hikey960"), 0);
	assert_int_equal(bench_add_governor(b, "performance"), 0);
	assert_int_equal(bench_add_governor(b, "schedutil"), 0);
	write_recording(f->rec_path, &b->dev[0].model);
	assert_int_equal(bench_replay(b, &rc, 1), 0);

	text = capture(b, &rc, BENCH_JSON);
	doc = json_tokener_parse(text);
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "replays", &replays));
	assert_int_equal(json_object_array_length(replays), 1);
	assert_true(
		json_object_object_get_ex(json_object_array_get_idx(replays, 0), "recording", &v));
	assert_string_equal(json_object_get_string(v), f->rec_path);
	json_object_put(doc);
	free(text);

	text = capture(b, &rc, BENCH_CSV);
	fields = malloc(strlen(text) + 1);
	assert_non_null(fields);
	nr = csv_parse(text, fields, field, nr_fields);
	/* A row per governor x domain (little, big). */
	assert_int_equal(nr, 1 + 2 * 2);
	assert_int_equal(nr_fields[0], 20);
	for (int r = 1; r < nr; r++) {
		assert_int_equal(nr_fields[r], nr_fields[0]);
		assert_string_equal(field[r][0], f->rec_path);
	}
	free(fields);
	free(text);
	bench_replay_free(&rc, 1);
	bench_free(b);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_text_quoting), cmocka_unit_test(test_json_names),
		cmocka_unit_test(test_csv_names),	 cmocka_unit_test(test_lava_names),
		cmocka_unit_test(test_html_names),	 cmocka_unit_test(test_replay_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
