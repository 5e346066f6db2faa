// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovd: the eagov daemon. Command line: run the daemon (daemon.c), restore
 * saved settings (--restore), show the machine model and resolved policy
 * (--show-model), check a configuration file (--check). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "model.h"
#include "parse.h"
#include "policy_conf.h"
#include "util.h"

/* The built-in simulated device, used when nothing matches the machine. */
#define DEFAULT_DEVICE "hikey960"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: eagovd [OPTION...]                 run the daemon\n"
		"       eagovd --restore [--state-file PATH]\n"
		"       eagovd --show-model [--device FILE|NAME] [--profile PROFILE]\n"
		"       eagovd --check FILE\n"
		"       eagovd --help | --version\n"
		"\n"
		"eagov's energy-aware CPU power-management daemon. With no mode option it\n"
		"runs: it reads scheduler events (BPF, perf tracepoints or cpuidle polling),\n"
		"thermal zones and device changes, feeds them to the frequency, idle and\n"
		"thermal policies of the device's profile, and writes their decisions to\n"
		"cpufreq (userspace governor, scaling_setspeed, scaling_max_freq) and cpuidle\n"
		"(pm_qos_resume_latency_us, state disables). The original values are saved to\n"
		"the state file before the first write and written back when it stops.\n"
		"\n"
		"Modes:\n"
		"  -m, --show-model      Print the machine model of a device file: performance\n"
		"                        domains, OPPs with power, cost and inefficient marks,\n"
		"                        idle states, thermal zones; then the policies and\n"
		"                        tunables that the profile resolves to.\n"
		"  -c, --check FILE      Validate FILE and exit: 0 when valid, 1 when not (the\n"
		"                        error, as FILE:LINE: message, goes to stderr). FILE is\n"
		"                        eagov.conf when its first section is [daemon], else a\n"
		"                        device policy file.\n"
		"      --restore         Write back the settings saved in the state file and\n"
		"                        remove it (for ExecStopPost= after a crash). Exit 0\n"
		"                        when nothing was left to restore.\n"
		"  -h, --help            Show this text.\n"
		"  -V, --version         Show the version.\n"
		"\n"
		"Options:\n"
		"  -d, --device DEV      A device file path, or a NAME looked up as NAME.ini in\n"
		"                        $EAGOV_DEVICE_DIR, %s/devices, then\n"
		"                        %s/devices. Default: eagov.conf's\n"
		"                        device, else the file whose [device] compatible\n"
		"                        matches /proc/device-tree/compatible or whose dmi,\n"
		"                        dmi_vendor, dmi_board match /sys/class/dmi/id; when running,\n"
		"                        else sysfs discovery alone (with --show-model, else\n"
		"                        \"%s\", the simulated reference device).\n"
		"  -p, --profile P       power-saver, balanced or performance. Default:\n"
		"                        eagov.conf's profile (balanced). Given here, it also\n"
		"                        stays when the power source changes.\n"
		"      --config FILE     The daemon configuration. Default:\n"
		"                        %s/eagov.conf; when that file is\n"
		"                        missing, the built-in defaults.\n"
		"      --source S        Scheduler events: auto (bpf, else perf, else poll),\n"
		"                        bpf, perf, poll, or replay:FILE (a --record file,\n"
		"                        played at its recorded pace; at its end eagovd\n"
		"                        stops as on SIGTERM, restoring, exit 0).\n"
		"                        Default: eagov.conf's source. The choice and why are\n"
		"                        logged.\n"
		"      --record FILE     Also write every event read to FILE, for replay:FILE\n"
		"                        and eagov-bench.\n"
		"  -n, --dry-run         Everything but the writes: nothing under /sys is\n"
		"                        touched, no state file is written, and every decision\n"
		"                        is printed to stdout, one a line (see OUTPUT).\n"
		"      --state-file PATH Where the original settings are saved. Default:\n"
		"                        the state directory + /state (/run/eagov/state).\n"
		"      --state-dir DIR   The runtime state directory. Default: eagov.conf's\n"
		"                        state_dir (/run/eagov).\n"
		"      --control-socket PATH\n"
		"                        The control socket, or none. Default: eagov.conf's\n"
		"                        control_socket (/run/eagov/control); with --dry-run,\n"
		"                        $XDG_RUNTIME_DIR/eagov-dry-run/control (else under\n"
		"                        /run), so that a dry run never meets the service.\n"
		"      --persist-dir DIR Where the profile a user chose (eagovctl set profile,\n"
		"                        D-Bus) is kept and restored from at start, or none.\n"
		"                        Default: eagov.conf's persist_dir (/var/lib/eagov);\n"
		"                        none with --dry-run or --sysfs-root.\n"
		"      --dbus BUS        Serve the power-profiles D-Bus API on BUS: system,\n"
		"                        none or a D-Bus address (unix:path=...). Default:\n"
		"                        eagov.conf's dbus (system); none with --dry-run or\n"
		"                        --sysfs-root. When another program (power-profiles-\n"
		"                        daemon, tuned-ppd) owns the names, eagovd warns and\n"
		"                        runs without D-Bus, or fails when BUS was given here\n"
		"                        or in eagov.conf.\n"
		"      --sysfs-root DIR  Prefix for every /sys, /proc and /dev path (a fake\n"
		"                        tree, for tests). Needs --device: discovery reads the\n"
		"                        machine itself.\n"
		"      --duration S      Stop (and restore) after S seconds of running (from\n"
		"                        READY), fractions allowed.\n"
		"  -v, --verbose         Log at info level; twice, at debug level.\n"
		"      --log-level L     err, warning, notice, info or debug. Default:\n"
		"                        eagov.conf's log_level (notice).\n"
		"\n"
		"Signals:\n"
		"  SIGTERM, SIGINT       Restore the original settings and exit 0.\n"
		"  SIGHUP                Re-read eagov.conf and the device file. A file with an\n"
		"                        error is rejected (FILE:LINE: message is logged) and\n"
		"                        the running configuration stays. Source settings and\n"
		"                        a different domain layout need a restart.\n"
		"\n"
		"Output (--dry-run), one decision a line, t in seconds since start:\n"
		"  t=1.250 pd=big set-freq 1421000 urgent (rt)\n"
		"  t=1.250 pd=big set-cap 2362000 (thermal)\n"
		"  t=0.000 cpu=3 idle-latency 0 (profile)\n"
		"  t=0.000 cpu=3 idle-disable 0x4 (profile)\n"
		"  set-freq and set-cap are kHz; urgent marks the fast-ramp path; the reason\n"
		"  (util, timer, limits, rt, iowait, thermal, profile, hotplug) ends the line.\n"
		"\n"
		"systemd: READY=1 once running, STATUS= with the source, profile and domain\n"
		"frequencies, WATCHDOG=1 at half of WatchdogSec= when that is set.\n"
		"\n"
		"Statistics: at exit, one line on stderr (and \"stats\" in the JSON status):\n"
		"  stats: wall_s=W cpu_s=C events=N events_per_s=R decisions=D urgent=K\n"
		"  wake_to_write_us p50=A p99=B n=M wakeups=L fast_wakeups=F\n"
		"  delivery_p50_us=C delivery_p99_us=D own_p50_us=E own_p99_us=G\n"
		"  cpu_s is user+sys time; wake_to_write is from an RT wakeup's tracepoint\n"
		"  time to the return of its fast-ramp write (dry run: its printed line);\n"
		"  delivery is the part until eagovd's thread left its wait, own the rest.\n"
		"\n"
		"Exit status: 0 after a clean stop or restore, 1 on any error (the settings\n"
		"are restored first).\n"
		"\n"
		"Environment:\n"
		"  EAGOV_DEVICE_DIR      First directory searched for device files.\n"
		"\n"
		"Files:\n"
		"  %s/eagov.conf   daemon configuration\n"
		"  %s/devices/*.ini        device policy files\n"
		"  /run/eagov/state              saved original settings while running\n"
		"  /var/lib/eagov/profile        the profile a user chose\n",
		EAGOV_SYSCONFDIR, EAGOV_DATADIR, DEFAULT_DEVICE, EAGOV_SYSCONFDIR, EAGOV_SYSCONFDIR,
		EAGOV_DATADIR);
}

static int pick_device(const char *arg, char *path, size_t len)
{
	int r;

	if (arg)
		return eg_daemon_pick_device(arg, path, len);
	if (eg_daemon_pick_device(NULL, path, len) == 0) {
		eg_notice("device: %s (matches this machine)", path);
		return 0;
	}
	r = eg_conf_find_device(DEFAULT_DEVICE, path, len);
	if (r < 0) {
		eg_err("no device file matches this machine and '%s' was not found",
		       DEFAULT_DEVICE);
		return r;
	}
	eg_notice("device: %s (no file matches this machine; using the simulated %s)", path,
		  DEFAULT_DEVICE);
	return 0;
}

static void print_tunables(const struct eg_tunable *tab, const void *tun, FILE *out)
{
	char buf[256];

	for (const struct eg_tunable *t = tab; t && t->name && tun; t++) {
		eg_tunables_format(t, tun, buf, sizeof(buf));
		fprintf(out, "      %-24s %s%s%s\n", t->name, buf, t->unit && t->unit[0] ? " " : "",
			t->unit ? t->unit : "");
	}
}

static void print_config(const struct eg_model *m, const struct eg_engine_config *cfg,
			 enum eg_profile profile, FILE *out)
{
	fprintf(out, "\nPolicy (profile %s):\n", eg_profile_name(profile));
	fprintf(out, "  fast ramp %s, ", cfg->fast_ramp ? "on" : "off");
	if (cfg->rt_idle_latency_us)
		fprintf(out, "RT idle latency %u us, ", cfg->rt_idle_latency_us);
	else
		fprintf(out, "RT idle latency off, ");
	fprintf(out, "max frequency %u%%\n", cfg->max_freq_pct);
	for (int i = 0; i < m->nr_pds; i++) {
		fprintf(out, "  domain %-10s freq    %s\n", m->pds[i].name, cfg->freq[i]->name);
		print_tunables(cfg->freq[i]->tunables, cfg->freq_tun[i], out);
	}
	fprintf(out, "  all CPUs          idle    %s\n", cfg->idle->name);
	print_tunables(cfg->idle->tunables, cfg->idle_tun, out);
	for (int i = 0; i < m->nr_zones; i++) {
		fprintf(out, "  zone %-12s thermal %s\n", m->zones[i].name, cfg->thermal[i]->name);
		print_tunables(cfg->thermal[i]->tunables, cfg->thermal_tun[i], out);
	}
}

static void print_error(const struct eg_error *err)
{
	char buf[600];

	eg_error_format(err, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
}

static int show_model(const char *device, enum eg_profile profile)
{
	_cleanup_free_ struct eg_model *m = NULL;
	_cleanup_free_ struct eg_policy_conf *pc = NULL;
	struct eg_engine_config cfg;
	struct eg_error err;
	char path[EG_PATH_MAX];

	if (pick_device(device, path, sizeof(path)) < 0)
		return EXIT_FAILURE;
	m = malloc(sizeof(*m));
	pc = malloc(sizeof(*pc));
	if (!m || !pc) {
		eg_err("out of memory");
		return EXIT_FAILURE;
	}
	if (eg_conf_load_device(path, m, pc, &err) < 0 ||
	    eg_policy_conf_resolve(pc, m, profile, &cfg, &err) < 0) {
		print_error(&err);
		return EXIT_FAILURE;
	}
	eg_model_print(m, stdout);
	print_config(m, &cfg, profile, stdout);
	eg_engine_config_free(&cfg);
	return EXIT_SUCCESS;
}

static int check_file(const char *path)
{
	char section[64];
	struct eg_error err = { 0 };
	int r;

	r = eg_conf_first_section(path, section, sizeof(section));
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(-r));
		return EXIT_FAILURE;
	}
	if (eg_streq(section, "daemon")) {
		struct eg_daemon_conf c;

		eg_daemon_conf_init(&c);
		r = eg_conf_load_daemon(path, &c, &err);
	} else {
		_cleanup_free_ struct eg_model *m = malloc(sizeof(*m));
		_cleanup_free_ struct eg_policy_conf *pc = malloc(sizeof(*pc));

		if (!m || !pc)
			return EXIT_FAILURE;
		r = eg_conf_load_device(path, m, pc, &err);
	}
	if (r < 0) {
		print_error(&err);
		return EXIT_FAILURE;
	}
	printf("%s: valid %s file\n", path, eg_streq(section, "daemon") ? "daemon" : "device");
	return EXIT_SUCCESS;
}

enum {
	OPT_CONFIG = 256,
	OPT_SOURCE,
	OPT_RECORD,
	OPT_STATE_FILE,
	OPT_SYSFS_ROOT,
	OPT_DURATION,
	OPT_RESTORE,
	OPT_LOG_LEVEL,
	OPT_CONTROL_SOCKET,
	OPT_STATE_DIR,
	OPT_PERSIST_DIR,
	OPT_DBUS,
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "show-model", no_argument, NULL, 'm' },
		{ "check", required_argument, NULL, 'c' },
		{ "device", required_argument, NULL, 'd' },
		{ "profile", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "state-file", required_argument, NULL, OPT_STATE_FILE },
		{ "sysfs-root", required_argument, NULL, OPT_SYSFS_ROOT },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "restore", no_argument, NULL, OPT_RESTORE },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "control-socket", required_argument, NULL, OPT_CONTROL_SOCKET },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "persist-dir", required_argument, NULL, OPT_PERSIST_DIR },
		{ "dbus", required_argument, NULL, OPT_DBUS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct eg_daemon_opts o = { 0 };
	enum eg_profile profile = EG_PROFILE_BALANCED;
	enum eg_log_level level;
	const char *check = NULL;
	bool show = false, restore = false;
	int c;

	while ((c = getopt_long(argc, argv, "mc:d:p:nvhV", opts, NULL)) >= 0) {
		switch (c) {
		case 'm':
			show = true;
			break;
		case 'c':
			check = optarg;
			break;
		case 'd':
			o.device = optarg;
			break;
		case 'p':
			if (eg_profile_from_string(optarg, &profile) < 0) {
				fprintf(stderr,
					"eagovd: unknown profile '%s' (power-saver, balanced, "
					"performance)\n",
					optarg);
				return EXIT_FAILURE;
			}
			o.profile = optarg;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'v':
			o.nr_verbose++;
			o.verbose = true;
			break;
		case OPT_CONFIG:
			o.config = optarg;
			break;
		case OPT_SOURCE:
			o.source = optarg;
			break;
		case OPT_RECORD:
			o.record = optarg;
			break;
		case OPT_STATE_FILE:
			o.state_file = optarg;
			break;
		case OPT_SYSFS_ROOT:
			o.sysfs_root = optarg;
			break;
		case OPT_DURATION:
			if (eg_parse_double(optarg, 0, 1e7, &o.duration_s) < 0 ||
			    !(o.duration_s > 0)) {
				fprintf(stderr, "eagovd: --duration wants seconds > 0, not '%s'\n",
					optarg);
				return EXIT_FAILURE;
			}
			break;
		case OPT_RESTORE:
			restore = true;
			break;
		case OPT_LOG_LEVEL:
			if (eg_log_level_from_string(optarg, &level) < 0) {
				fprintf(stderr,
					"eagovd: unknown log level '%s' (err, warning, "
					"notice, info, debug)\n",
					optarg);
				return EXIT_FAILURE;
			}
			o.log_level = optarg;
			break;
		case OPT_CONTROL_SOCKET:
			o.control_socket = optarg;
			break;
		case OPT_STATE_DIR:
			o.state_dir = optarg;
			break;
		case OPT_PERSIST_DIR:
			o.persist_dir = optarg;
			break;
		case OPT_DBUS:
			if (!eg_streq(optarg, "system") && !eg_streq(optarg, "none") &&
			    !strchr(optarg, ':')) {
				fprintf(stderr,
					"eagovd: --dbus wants system, none or a D-Bus "
					"address (unix:path=...), not '%s'\n",
					optarg);
				return EXIT_FAILURE;
			}
			o.dbus = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("eagovd %s\n", EAGOV_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_FAILURE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "eagovd: unexpected argument '%s'\n", argv[optind]);
		return EXIT_FAILURE;
	}
	if ((check != NULL) + show + restore > 1) {
		fprintf(stderr, "eagovd: --check, --show-model and --restore do not go together\n");
		return EXIT_FAILURE;
	}
	if (o.log_level) {
		eg_log_level_from_string(o.log_level, &level);
		eg_log_set_level(level);
	} else if (o.nr_verbose) {
		eg_log_set_level(o.nr_verbose > 1 ? EG_LOG_DEBUG : EG_LOG_INFO);
	}
	if (check)
		return check_file(check);
	if (show)
		return show_model(o.device, profile);
	if (restore && !o.state_file && o.state_dir) {
		static char state_file[4096];

		if (snprintf(state_file, sizeof(state_file), "%s/state", o.state_dir) >=
		    (int)sizeof(state_file)) {
			fprintf(stderr, "eagovd: --state-dir: path too long\n");
			return EXIT_FAILURE;
		}
		o.state_file = state_file;
	}
	if (restore)
		return eg_daemon_restore(o.state_file);
	return eg_daemon_run(&o);
}
