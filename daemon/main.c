/* eagovd: the eagov daemon. For now its command-line tools: show the machine
 * model and resolved policy (--show-model), check a configuration file
 * (--check). The event loop comes later. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "conf.h"
#include "log.h"
#include "model.h"
#include "policy_conf.h"
#include "util.h"

/* The built-in simulated device, used when nothing matches the machine. */
#define DEFAULT_DEVICE "hikey960"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: eagovd --show-model [--device FILE|NAME] [--profile PROFILE]\n"
		"       eagovd --check FILE\n"
		"       eagovd --help | --version\n"
		"\n"
		"eagov's energy-aware CPU power-management daemon.\n"
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
		"  -h, --help            Show this text.\n"
		"  -V, --version         Show the version.\n"
		"\n"
		"Options:\n"
		"  -d, --device DEV      A device file path, or a NAME looked up as NAME.ini in\n"
		"                        $EAGOV_DEVICE_DIR, %s/devices and the\n"
		"                        source tree's conf/devices. Default: the file whose\n"
		"                        [device] compatible matches /proc/device-tree/compatible\n"
		"                        or whose dmi matches /sys/class/dmi/id/product_name,\n"
		"                        else \"%s\" (the simulated reference device).\n"
		"  -p, --profile P       power-saver, balanced (default) or performance.\n"
		"\n"
		"Environment:\n"
		"  EAGOV_DEVICE_DIR      First directory searched for device files.\n"
		"\n"
		"Files:\n"
		"  %s/eagov.conf   daemon configuration\n"
		"  %s/devices/*.ini        device policy files\n",
		EAGOV_DATADIR, DEFAULT_DEVICE, EAGOV_SYSCONFDIR, EAGOV_DATADIR);
}

/* Read a small sysfs/procfs file whole; returns its length or -errno. */
static int read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (int)n;
}

/* The device file for this machine, by device tree compatible list (NUL
 * separated, most specific first) or DMI product name. */
static int match_machine(char *path, size_t len)
{
	char dt[1024], dmi[128];
	const char *compat[EG_MAX_IDS];
	int n = 0, k;

	k = read_small("/proc/device-tree/compatible", dt, sizeof(dt));
	for (int off = 0; k > 0 && off < k && n < EG_MAX_IDS; off += (int)strlen(dt + off) + 1)
		if (dt[off])
			compat[n++] = dt + off;
	if (read_small("/sys/class/dmi/id/product_name", dmi, sizeof(dmi)) > 0)
		dmi[strcspn(dmi, "\n")] = '\0';
	else
		dmi[0] = '\0';
	return eg_conf_match_device(compat, n, dmi, path, len);
}

static int pick_device(const char *arg, char *path, size_t len)
{
	int r;

	if (arg) {
		r = eg_conf_find_device(arg, path, len);
		if (r < 0)
			eg_err("device '%s': no such file or device name: %s", arg, strerror(-r));
		return r;
	}
	if (match_machine(path, len) == 0) {
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "show-model", no_argument, NULL, 'm' },
		{ "check", required_argument, NULL, 'c' },
		{ "device", required_argument, NULL, 'd' },
		{ "profile", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	enum eg_profile profile = EG_PROFILE_BALANCED;
	const char *device = NULL, *check = NULL;
	bool show = false;
	int c;

	while ((c = getopt_long(argc, argv, "mc:d:p:hV", opts, NULL)) >= 0) {
		switch (c) {
		case 'm':
			show = true;
			break;
		case 'c':
			check = optarg;
			break;
		case 'd':
			device = optarg;
			break;
		case 'p':
			if (eg_profile_from_string(optarg, &profile) < 0) {
				fprintf(stderr, "eagovd: unknown profile '%s' (power-saver, balanced, "
						"performance)\n", optarg);
				return EXIT_FAILURE;
			}
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
	if (check && show) {
		fprintf(stderr, "eagovd: --check and --show-model do not go together\n");
		return EXIT_FAILURE;
	}
	if (check)
		return check_file(check);
	if (show)
		return show_model(device, profile);
	fprintf(stderr, "eagovd: the daemon itself is not written yet; try --show-model or "
			"--check (see --help)\n");
	return EXIT_FAILURE;
}
