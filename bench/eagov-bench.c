// SPDX-License-Identifier: GPL-2.0-or-later
/* eagov-bench: runs every governor that ships on the simulated SoC, over
 * device x workload, and reports energy, performance and thermal figures
 * side by side. The governor code is the daemon's, unchanged. With --replay,
 * the governors run over a recorded event stream instead (bench/replay.h).
 * This file is the command line; bench.h the job matrix, output.h the
 * formats. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"
#include "config.h"
#include "log.h"
#include "output.h"
#include "parse.h"
#include "util.h"

/* Timeline of --html: a sample every 10 ms shows each governor's reaction
 * (rate limits are 1-20 ms). */
#define HTML_SAMPLE_NS (10 * NSEC_PER_MSEC)

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: eagov-bench [OPTION]...\n"
		"Run the governors on the simulated SoC and compare them.\n\n"
		"  -d, --device FILE|NAME   device file or name in conf/devices (repeatable;\n"
		"                           default: every shipped device but the held-out)\n"
		"      --held-out           add the held-out devices, shipped files no policy\n"
		"                           was tuned on (alone: those devices only)\n"
		"  -w, --workload FILE|DIR  rt-app workload file, or a folder of them\n"
		"                           (repeatable; default: bench/workloads)\n"
		"  -g, --governor NAME      frequency governor (repeatable; default: all)\n"
		"  -t, --duration S         simulated seconds per run (default: the workload's,\n"
		"                           10 s for workloads that run forever)\n"
		"  -s, --seed N             start-phase seed (default 0: no jitter)\n"
		"  -j, --jobs N             parallel runs (default: number of CPUs)\n"
		"      --csv                comma-separated values on stdout\n"
		"      --json               JSON on stdout\n"
		"      --html FILE          also write an HTML report (tables, charts,\n"
		"                           timelines) to FILE\n"
		"      --lava               LAVA test-case lines on stdout (energy, perf\n"
		"                           index, missed %%, per device.workload.governor)\n"
		"      --replay FILE        replay an eagovd --record recording against the\n"
		"                           governors instead of simulating (repeatable; one\n"
		"                           table each). --device gives the device model\n"
		"                           (default: the file named like the recording's\n"
		"                           model); its CPU count must match the recording's\n"
		"      --no-oracle          skip the oracle's search (about 2 x (OPPs - 1)\n"
		"                           more runs per device x workload)\n"
		"      --rtapp-suspend=MODE what an rt-app \"suspend\" waits on: \"value\", the\n"
		"                           condition it names (rt-app before May 2025);\n"
		"                           \"self\", the thread's own name (rt-app since);\n"
		"                           \"auto\" (default), per file: \"value\" when a\n"
		"                           suspend names another condition that a resume\n"
		"                           targets (with a notice), else \"self\"\n"
		"      --kernel-uclamp[=MIN] simulate a kernel with uclamp: RT tasks run\n"
		"                           with a uclamp_min of MIN unless one is set\n"
		"                           (sched_util_clamp_min_rt_default; default 1024)\n"
		"                           and wake on a CPU whose capacity covers it\n"
		"      --allow-stall        exit 0 even when a run stalls (a task waiting\n"
		"                           for good, or a deadlock); still warned about\n"
		"  -q, --quiet              no progress bar\n"
		"  -h, --help               this text\n"
		"      --version            version\n\n"
		"Figures, per device x workload x governor: energy (J), average power (W),\n"
		"perf index (LISA: slack / (period - run) per activation; mean and 5th\n"
		"percentile), share of activations that missed their period, wakeup\n"
		"latency (to first run) and response time per activation (release to end\n"
		"of work) p50/p99 for RT and CFS tasks, rt-app's governor efficiency\n"
		"(100 %% = as fast as performance, 0 %% = as slow as powersave), frequency\n"
		"transitions per second, peak temperature, time above the first trip.\n"
		"Kernel governors run without eagov's fast ramp and RT idle-latency limit,\n"
		"as in the kernel; \"" BENCH_GOV_SCHEDUTIL_RAMP
		"\" is schedutil with the fast ramp.\n"
		"Two references per device x workload: \"bound\", an energy no schedule\n"
		"doing the same work beats (bench/bound.c), and \"oracle\", the least energy\n"
		"the simulator reaches with one fixed OPP per domain, missing no more\n"
		"activations and doing no less work than performance (a search of\n"
		"simulations, bench/oracle.c). \"x bound\" and \"x oracle\": each governor's\n"
		"energy over them. \"-\": no samples. stalled: tasks that waited for good\n"
		"at the end of the run (a deadlock, a suspend no resume reaches, a task\n"
		"that never got a CPU); such a run's figures are not a valid result, and\n"
		"eagov-bench exits with status 1 unless --allow-stall.\n\n"
		"--replay: the recorded events drive each governor, its decisions a model of\n"
		"the device (transition latency included). Figures: average frequency per\n"
		"domain, transitions/s, time in state, fast-ramp decisions and an energy\n"
		"ESTIMATE: performance is not re-simulated, the recorded busy periods are\n"
		"costed at each governor's frequencies (optimistic for slower governors).\n");
}

enum {
	OPT_CSV = 256,
	OPT_JSON,
	OPT_LAVA,
	OPT_HTML,
	OPT_VERSION,
	OPT_REPLAY,
	OPT_NO_ORACLE,
	OPT_RTAPP_SUSPEND,
	OPT_ALLOW_STALL,
	OPT_HELD_OUT,
	OPT_KERNEL_UCLAMP,
};

/* What the command line asked for, beyond the matrix in struct bench. */
struct options {
	bool csv, json, lava;
	const char *html;
	const char *replay[BENCH_MAX_ITEMS];
	int nr_replay;
	bool quiet;
	bool allow_stall;
	bool sim_only; /* an option that only the simulator runs use */
};

static int unknown_governor(const char *name)
{
	eg_err("unknown governor '%s'; known:", name);
	for (int i = 0; eg_freq_policies[i]; i++)
		eg_err("  %s", eg_freq_policies[i]->name);
	eg_err("  %s", BENCH_GOV_SCHEDUTIL_RAMP);
	return 1;
}

/* One option into b and o. 0 to go on, else the exit status: 1 for a bad
 * value, 2 for a bad command line, -1 for a clean stop (--help, --version). */
static int parse_option(struct bench *b, struct options *o, int c, const char *arg)
{
	double seconds;

	switch (c) {
	case 'd':
		return bench_add_device(b, arg) < 0 ? 1 : 0;
	case 'w':
		o->sim_only = true;
		return bench_add_workloads(b, arg) < 0 ? 1 : 0;
	case 'g':
		return bench_add_governor(b, arg) == -EINVAL ? unknown_governor(arg) : 0;
	case 't':
		o->sim_only = true;
		if (eg_parse_double(arg, 0, 86400, &seconds) < 0 || !(seconds > 0)) {
			eg_err("--duration: '%s' is not a number of seconds in (0, 86400]", arg);
			return 1;
		}
		b->duration_ns = (uint64_t)(seconds * 1e9);
		return 0;
	case 's':
		o->sim_only = true;
		if (eg_parse_u64(arg, 0, UINT64_MAX, &b->seed) < 0) {
			eg_err("--seed: '%s' is not a non-negative integer", arg);
			return 1;
		}
		return 0;
	case 'j':
		if (eg_parse_int(arg, 1, BENCH_MAX_JOBS, &b->jobs) < 0) {
			eg_err("--jobs: between 1 and %d", BENCH_MAX_JOBS);
			return 1;
		}
		return 0;
	case OPT_CSV:
		o->csv = true;
		return 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_LAVA:
		o->sim_only = true;
		o->lava = true;
		return 0;
	case OPT_NO_ORACLE:
		o->sim_only = true;
		b->no_oracle = true;
		return 0;
	case OPT_RTAPP_SUSPEND:
		o->sim_only = true;
		if (eg_streq(arg, "value")) {
			b->rtapp.suspend = EG_RTAPP_SUSPEND_VALUE;
		} else if (eg_streq(arg, "self")) {
			b->rtapp.suspend = EG_RTAPP_SUSPEND_SELF;
		} else if (eg_streq(arg, "auto")) {
			b->rtapp.suspend = EG_RTAPP_SUSPEND_AUTO;
		} else {
			eg_err("--rtapp-suspend: '%s' is none of value, self, auto", arg);
			return 1;
		}
		return 0;
	case OPT_ALLOW_STALL:
		o->allow_stall = true;
		return 0;
	case OPT_HELD_OUT:
		return bench_add_held_out_devices(b) < 0 ? 1 : 0;
	case OPT_KERNEL_UCLAMP: {
		int min = EG_SIM_RT_DEFAULT_MIN;

		o->sim_only = true;
		if (arg && eg_parse_int(arg, 0, EG_CAPACITY_SCALE, &min) < 0) {
			eg_err("--kernel-uclamp: '%s' is not a uclamp_min in 0..1024", arg);
			return 1;
		}
		b->kernel_uclamp = true;
		b->rt_default_min = (uint32_t)min;
		return 0;
	}
	case OPT_REPLAY:
		if (o->nr_replay >= BENCH_MAX_ITEMS) {
			eg_err("--replay: at most %d recordings", BENCH_MAX_ITEMS);
			return 1;
		}
		o->replay[o->nr_replay++] = arg;
		return 0;
	case OPT_HTML:
		o->sim_only = true;
		o->html = arg;
		b->sample_ns = HTML_SAMPLE_NS;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case 'h':
		usage(stdout);
		return -1;
	case OPT_VERSION:
		printf("eagov-bench %s\n", EAGOV_VERSION);
		return -1;
	default:
		usage(stderr);
		return 2;
	}
}

static int parse_args(struct bench *b, struct options *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "workload", required_argument, NULL, 'w' },
		{ "governor", required_argument, NULL, 'g' },
		{ "duration", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "lava", no_argument, NULL, OPT_LAVA },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "no-oracle", no_argument, NULL, OPT_NO_ORACLE },
		{ "rtapp-suspend", required_argument, NULL, OPT_RTAPP_SUSPEND },
		{ "allow-stall", no_argument, NULL, OPT_ALLOW_STALL },
		{ "held-out", no_argument, NULL, OPT_HELD_OUT },
		{ "kernel-uclamp", optional_argument, NULL, OPT_KERNEL_UCLAMP },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "d:w:g:t:s:j:qh", opts, NULL)) != -1) {
		int r = parse_option(b, o, c, optarg);

		if (r)
			return r;
	}
	if (optind < argc) {
		eg_err("unexpected argument '%s'", argv[optind]);
		return 2;
	}
	return 0;
}

/* Several format options: LAVA first, then CSV, then JSON. */
static enum bench_format format(const struct options *o)
{
	return o->lava ? BENCH_LAVA : o->csv ? BENCH_CSV : o->json ? BENCH_JSON : BENCH_TABLE;
}

static int replay_main(struct bench *b, const struct options *o)
{
	struct bench_replay_case cases[BENCH_MAX_ITEMS] = { 0 };
	int failed, r;

	if (o->sim_only) {
		eg_err("--replay: --workload, --duration, --seed, --html, --lava, "
		       "--rtapp-suspend and --kernel-uclamp apply to simulated runs only");
		return 2;
	}
	if (b->nr_dev > 1) {
		eg_err("--replay: give one --device (the model of the recorded machine)");
		return 2;
	}
	for (int i = 0; i < o->nr_replay; i++)
		cases[i].path = o->replay[i];
	failed = bench_replay(b, cases, o->nr_replay);
	r = failed < 0 ? failed : bench_print_replay(stdout, b, cases, o->nr_replay, format(o));
	bench_replay_free(cases, o->nr_replay);
	bench_free(b);
	return failed || r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct bench bench;
	struct bench *b = &bench;
	struct options o = { 0 };
	int failed = 0, r;

	b->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	r = parse_args(b, &o, argc, argv);
	if (r)
		return r < 0 ? 0 : r;
	if (!b->nr_gov)
		bench_add_all_governors(b);
	if (o.nr_replay)
		return replay_main(b, &o);
	if (!b->nr_dev && bench_add_shipped_devices(b) < 0)
		return 1;
	if (!b->nr_wl && bench_add_shipped_workloads(b) < 0)
		return 1;
	b->progress = !o.quiet && isatty(STDERR_FILENO);
	if (bench_run(b, &failed) < 0)
		return 1;
	if (bench_print(stdout, b, format(&o)) < 0)
		failed++;
	fprintf(stderr, "%d runs, %.1f simulated s, %.0f events in %.2f s wall (%d jobs)\n",
		b->nr_job + b->oracle_runs, b->sim_s, b->events, b->wall_s, b->nr_threads);
	if (o.html && bench_write_html(b, o.html) < 0)
		failed++;
	if (b->nr_stalled_runs && !o.allow_stall) {
		eg_err("%d run%s stalled (see the warnings above; --allow-stall to accept)",
		       b->nr_stalled_runs, b->nr_stalled_runs == 1 ? "" : "s");
		failed++;
	}
	bench_free(b);
	return failed ? 1 : 0;
}
