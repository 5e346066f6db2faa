// SPDX-License-Identifier: GPL-2.0-or-later
/* eagovctl: eagovd's control client (status, monitor, set, boost) over the
 * control socket; the protocol is in control_proto.h. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config.h"
#include "control_proto.h"
#include "log.h"
#include "parse.h"
#include "util.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE 2

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: eagovctl [--socket PATH] COMMAND [ARGS]\n"
		"       eagovctl --help | --version\n"
		"\n"
		"Query and steer eagovd, the energy-aware CPU power-management daemon,\n"
		"through its control socket.\n"
		"\n"
		"Commands:\n"
		"  status [--json]\n"
		"      Per performance domain: CPUs, frequency governor, utilization\n"
		"      (max over the domain's online CPUs, 0..1024), current, requested\n"
		"      and capped frequency, platform range; the temperature of each\n"
		"      thermal zone; the active profile, the event source and whether\n"
		"      the daemon runs --dry-run. --json prints the daemon's object as is.\n"
		"  monitor [--interval MS]\n"
		"      The status, updated every MS milliseconds (default %d, %d..%d)\n"
		"      until interrupted. On a terminal the table is redrawn in place;\n"
		"      otherwise one line per domain and per zone for each update.\n"
		"  get profile\n"
		"      The active profile.\n"
		"  get governor [--domain D]\n"
		"      The frequency governor of domain D (its name or index in status),\n"
		"      or \"DOMAIN GOVERNOR\" for every domain.\n"
		"  list profiles|governors|devices\n"
		"      One a line: the profiles, the frequency governors set governor\n"
		"      takes, or the devices eagovd drives: its performance domains as\n"
		"      \"DOMAIN CPUS\" (the device file in use is in status --json).\n"
		"  set governor NAME [--domain D]\n"
		"  set governor D NAME\n"
		"      Switch the frequency governor of domain D (its name or index in\n"
		"      status) or, without a domain, of every domain.\n"
		"  set profile PROFILE\n"
		"      Switch the active profile (e.g. power-saver, balanced, performance).\n"
		"  boost --pid PID --ms N\n"
		"      Treat task PID as latency-sensitive for N milliseconds (1..%d).\n"
		"      A PID that does not exist is refused.\n"
		"  hint --pid PID --type TYPE --ms N\n"
		"      Tell eagovd what task PID is doing for N milliseconds (%d..%d):\n"
		"      launch (clamp min 1024), interaction (min 512 and boost),\n"
		"      sustained (max: what the device sustains) or background (max 256).\n"
		"      Any user may hint their own processes; root and the eagov group\n"
		"      any process.\n"
		"\n"
		"Options:\n"
		"  -s, --socket PATH   The control socket (default %s).\n"
		"  -h, --help          Show this text.\n"
		"  -V, --version       Show the version.\n"
		"\n"
		"Permissions: status and monitor are for root and members of the eagov\n"
		"group; so are set and boost; hint is for everyone, on their own\n"
		"processes. The daemon checks the caller's credentials on every request.\n"
		"\n"
		"Exit status: 0 done; 1 refused by the daemon, or the daemon could not be\n"
		"reached; 2 usage error.\n",
		EG_CTL_MONITOR_DEFAULT_MS, EG_CTL_MONITOR_MIN_MS, EG_CTL_MONITOR_MAX_MS,
		EG_CTL_BOOST_MAX_MS, EG_CTL_HINT_MIN_MS, EG_CTL_HINT_MAX_MS, EG_CTL_DEFAULT_SOCKET);
}

static int usage_error(const char *fmt, ...) EG_PRINTF(1, 2);

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "eagovctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'eagovctl --help'.\n");
	return EXIT_USAGE;
}

static int connect_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (eg_strlcpy(sa.sun_path, path, sizeof(sa.sun_path)) < 0)
		return eg_log_errno(-ENAMETOOLONG, "socket path %s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return eg_log_errno(-errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return eg_log_errno(r, "connect to %s (is eagovd running?)", path);
	}
	return fd;
}

static int send_request(int fd, const struct eg_ctl_request *req)
{
	_cleanup_free_ char *line = NULL;
	int r = eg_ctl_format_request(req, &line);

	if (r < 0)
		return eg_log_errno(r, "format request");
	r = eg_ctl_write_all(fd, line, strlen(line));
	if (r < 0)
		return eg_log_errno(r, "send request");
	return 0;
}

/* The reply's "ok"; prints its error when it is not. */
static bool reply_ok(struct json_object *o)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, "ok", &v) && json_object_get_boolean(v))
		return true;
	if (json_object_object_get_ex(o, "error", &v))
		eg_err("eagovd: %s", json_object_get_string(v));
	else
		eg_err("eagovd: request refused");
	return false;
}

static const char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return "?";
	return json_object_get_string(v);
}

static int64_t int_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

/* A number of either JSON type; -1 when missing. */
static double num_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		return -1;
	return json_object_get_double(v);
}

static bool bool_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static struct json_object *array_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

/* kHz as MHz, "-" for unknown (or, for a cap, none). */
static void mhz(char *buf, size_t len, int64_t khz)
{
	if (khz <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRId64, (khz + 500) / 1000);
}

static void temp(char *buf, size_t len, int64_t mc)
{
	if (mc == -1)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f C", (double)mc / 1000.0);
}

/* The status table; returns the number of lines printed (for redraws). */
static int print_table(struct json_object *st)
{
	struct json_object *doms = array_of(st, "domains"), *zones = array_of(st, "zones"), *v;
	struct json_object *cpus = array_of(st, "cpus");
	int lines = 0;
	bool dry = json_object_object_get_ex(st, "dry_run", &v) && json_object_get_boolean(v);

	printf("profile: %s   source: %s%s\n", str_of(st, "profile"), str_of(st, "source"),
	       dry ? "   (dry run: nothing is written)" : "");
	printf("%-12s %-8s %-14s %5s %8s %8s %8s %11s\n", "DOMAIN", "CPUS", "GOVERNOR", "UTIL",
	       "CUR MHz", "REQ MHz", "CAP MHz", "RANGE MHz");
	lines += 2;
	for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);
		char cur[24], req[24], cap[24], lo[24], hi[24], range[56];
		int64_t util = int_of(d, "util");

		mhz(cur, sizeof(cur), int_of(d, "cur_khz"));
		mhz(req, sizeof(req), int_of(d, "req_khz"));
		mhz(cap, sizeof(cap), int_of(d, "cap_khz"));
		mhz(lo, sizeof(lo), int_of(d, "min_khz"));
		mhz(hi, sizeof(hi), int_of(d, "max_khz"));
		snprintf(range, sizeof(range), "%s-%s", lo, hi);
		printf("%-12s %-8s %-14s %5" PRId64 " %8s %8s %8s %11s\n", str_of(d, "name"),
		       str_of(d, "cpus"), str_of(d, "governor"), util, cur, req, cap, range);
		lines++;
	}
	/* Per-CPU lines (daemons that report them): BUSY% is over the time
	 * since the previous status or monitor update. */
	if (cpus && json_object_array_length(cpus) > 0) {
		printf("%-5s %-7s %5s %6s\n", "CPU", "ONLINE", "UTIL", "BUSY%");
		lines++;
		for (size_t i = 0; i < json_object_array_length(cpus); i++) {
			struct json_object *c = json_object_array_get_idx(cpus, i);

			printf("%-5" PRId64 " %-7s %5" PRId64 " %6.1f\n", int_of(c, "cpu"),
			       bool_of(c, "online") ? "yes" : "no", int_of(c, "util"),
			       num_of(c, "busy_pct"));
			lines++;
		}
	}
	if (zones && json_object_array_length(zones) > 0) {
		printf("%-20s %10s\n", "ZONE", "TEMP");
		lines++;
		for (size_t i = 0; i < json_object_array_length(zones); i++) {
			struct json_object *z = json_object_array_get_idx(zones, i);
			char t[24];

			temp(t, sizeof(t), int_of(z, "temp_mc"));
			printf("%-20s %10s\n", str_of(z, "name"), t);
			lines++;
		}
	} else {
		printf("no thermal zones\n");
		lines++;
	}
	return lines;
}

/* One line per domain and zone, for logs and pipes. */
static void print_plain(struct json_object *st)
{
	struct json_object *doms = array_of(st, "domains"), *zones = array_of(st, "zones");
	double t = (double)int_of(st, "time_ms") / 1000.0;

	for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);

		printf("%.3f domain=%s governor=%s util=%" PRId64 " cur_khz=%" PRId64
		       " req_khz=%" PRId64 " cap_khz=%" PRId64 "\n",
		       t, str_of(d, "name"), str_of(d, "governor"), int_of(d, "util"),
		       int_of(d, "cur_khz"), int_of(d, "req_khz"), int_of(d, "cap_khz"));
	}
	for (size_t i = 0; zones && i < json_object_array_length(zones); i++) {
		struct json_object *z = json_object_array_get_idx(zones, i);

		printf("%.3f zone=%s temp_mc=%" PRId64 "\n", t, str_of(z, "name"),
		       int_of(z, "temp_mc"));
	}
}

/* Send one request and read one reply: 0 and *reply (ok), or an exit code. */
static int transact(const char *path, const struct eg_ctl_request *req, int *fdp,
		    struct eg_ctl_buf *b, struct json_object **reply)
{
	int fd = connect_socket(path), r;

	if (fd < 0)
		return EXIT_REFUSED;
	*fdp = fd;
	if (send_request(fd, req) < 0)
		return EXIT_REFUSED;
	r = eg_ctl_read_reply(fd, b, reply);
	if (r < 0) {
		eg_log_errno(r, "reading eagovd's reply");
		return EXIT_REFUSED;
	}
	if (!reply_ok(*reply))
		return EXIT_REFUSED;
	return 0;
}

/* What get and list print from the status object. */
enum query {
	QUERY_NONE,
	QUERY_GET_PROFILE,
	QUERY_GET_GOVERNOR,
	QUERY_LIST_PROFILES,
	QUERY_LIST_GOVERNORS,
	QUERY_LIST_DEVICES,
};

/* Domain D of the status: its name, or its index. */
static struct json_object *find_domain(struct json_object *doms, const char *name)
{
	uint32_t idx;

	for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
		struct json_object *d = json_object_array_get_idx(doms, i);

		if (strcmp(str_of(d, "name"), name) == 0)
			return d;
	}
	if (doms && eg_parse_u32(name, 0, UINT32_MAX, &idx) == 0 &&
	    idx < json_object_array_length(doms))
		return json_object_array_get_idx(doms, idx);
	return NULL;
}

static int print_query(struct json_object *st, enum query q, const char *domain)
{
	struct json_object *doms = array_of(st, "domains"), *list = NULL, *d;

	switch (q) {
	case QUERY_GET_PROFILE:
		printf("%s\n", str_of(st, "profile"));
		return 0;
	case QUERY_GET_GOVERNOR:
		if (domain) {
			d = find_domain(doms, domain);
			if (!d) {
				eg_err("no domain '%s'", domain);
				return EXIT_REFUSED;
			}
			printf("%s\n", str_of(d, "governor"));
			return 0;
		}
		for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
			d = json_object_array_get_idx(doms, i);
			printf("%s %s\n", str_of(d, "name"), str_of(d, "governor"));
		}
		return 0;
	case QUERY_LIST_DEVICES:
		for (size_t i = 0; doms && i < json_object_array_length(doms); i++) {
			d = json_object_array_get_idx(doms, i);
			printf("%s %s\n", str_of(d, "name"), str_of(d, "cpus"));
		}
		return 0;
	case QUERY_LIST_PROFILES:
		list = array_of(st, "profiles");
		break;
	case QUERY_LIST_GOVERNORS:
		list = array_of(st, "governors");
		break;
	case QUERY_NONE:
		break;
	}
	if (!list) {
		eg_err("eagovd's status has no such list (an older eagovd?)");
		return EXIT_REFUSED;
	}
	for (size_t i = 0; i < json_object_array_length(list); i++)
		printf("%s\n", json_object_get_string(json_object_array_get_idx(list, i)));
	return 0;
}

static int run(const char *path, const struct eg_ctl_request *req, bool json, enum query q,
	       const char *domain)
{
	struct eg_ctl_buf b;
	struct json_object *o = NULL;
	int fd = -1, ret;
	bool tty = isatty(STDOUT_FILENO);
	int drawn = 0;

	if (eg_ctl_buf_init(&b, EG_CTL_MAX_REPLY) < 0)
		return EXIT_REFUSED;
	ret = transact(path, req, &fd, &b, &o);
	if (ret)
		goto out;
	if (q != QUERY_NONE) {
		ret = print_query(o, q, domain);
	} else if (req->cmd == EG_CTL_STATUS) {
		if (json)
			printf("%s\n", json_object_to_json_string_ext(
					       o, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
		else
			print_table(o);
	} else if (req->cmd == EG_CTL_MONITOR) {
		for (;;) {
			int r;

			if (reply_ok(o)) {
				if (tty && drawn) /* back to the table's top, clear below */
					printf("\033[%dA\033[J", drawn);
				if (tty)
					drawn = print_table(o);
				else
					print_plain(o);
				fflush(stdout);
			}
			json_object_put(o);
			o = NULL;
			r = eg_ctl_read_reply(fd, &b, &o);
			if (r == -EPIPE) {
				eg_err("eagovd closed the connection");
				ret = EXIT_REFUSED;
				break;
			}
			if (r < 0) {
				eg_log_errno(r, "reading eagovd's update");
				ret = EXIT_REFUSED;
				break;
			}
		}
	}
out:
	json_object_put(o);
	eg_ctl_buf_free(&b);
	if (fd >= 0)
		close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option global[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option cmdopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "interval", required_argument, NULL, 'i' },
		{ "domain", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, 'p' },
		{ "ms", required_argument, NULL, 'm' },
		{ "type", required_argument, NULL, 't' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* Each command and the short options it takes. */
	static const struct {
		const char *name;
		enum eg_ctl_cmd cmd;
		const char *options;
	} commands[] = {
		{ "status", EG_CTL_STATUS, "js" },    { "monitor", EG_CTL_MONITOR, "is" },
		{ "set", EG_CTL_SET_GOVERNOR, "ds" }, { "boost", EG_CTL_BOOST, "pms" },
		{ "get", EG_CTL_STATUS, "ds" },	      { "list", EG_CTL_STATUS, "s" },
		{ "hint", EG_CTL_HINT, "pmts" },
	};
	enum query query = QUERY_NONE;
	struct eg_ctl_request req = { .interval_ms = EG_CTL_MONITOR_DEFAULT_MS };
	const char *path = EG_CTL_DEFAULT_SOCKET, *cmd, *domain = NULL;
	bool json = false, have_pid = false, have_ms = false, have_type = false;
	const char *allowed;
	uint32_t v;
	int c, nargs;
	char **args;

	/* '+': stop at the command; its own options are parsed below. */
	while ((c = getopt_long(argc, argv, "+s:hV", global, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("eagovctl %s\n", EAGOV_VERSION);
			return 0;
		default:
			return usage_error("%s", "bad option");
		}
	}
	if (optind >= argc)
		return usage_error("%s", "a command is needed");
	cmd = argv[optind];
	if (strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	allowed = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(cmd, commands[i].name) == 0) {
			req.cmd = commands[i].cmd;
			allowed = commands[i].options;
		}
	}
	if (!allowed)
		return usage_error("unknown command '%s'", cmd);

	/* Options of the command, in any order among its operands. */
	argc -= optind;
	argv += optind;
	optind = 0; /* 0: GNU getopt re-initializes (permutation state too) */
	while ((c = getopt_long(argc, argv, "s:h", cmdopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?' || !strchr(allowed, c))
			return usage_error("option not valid for '%s'", cmd);
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'i':
			if (eg_parse_u32(optarg, EG_CTL_MONITOR_MIN_MS, EG_CTL_MONITOR_MAX_MS,
					 &req.interval_ms) < 0)
				return usage_error("--interval: '%s' is not a number of "
						   "milliseconds in [50, 60000]",
						   optarg);
			break;
		case 'd':
			domain = optarg;
			break;
		case 'p':
			if (eg_parse_u32(optarg, 1, INT32_MAX, &v) < 0)
				return usage_error("--pid: '%s' is not a process id", optarg);
			req.pid = (int32_t)v;
			have_pid = true;
			break;
		case 'm': {
			uint32_t lo = req.cmd == EG_CTL_HINT ? EG_CTL_HINT_MIN_MS : 1;
			uint32_t hi = req.cmd == EG_CTL_HINT ? EG_CTL_HINT_MAX_MS :
							       EG_CTL_BOOST_MAX_MS;

			if (eg_parse_u32(optarg, lo, hi, &req.ms) < 0)
				return usage_error("--ms: '%s' is not a number of milliseconds "
						   "in [%u, %u]",
						   optarg, (unsigned)lo, (unsigned)hi);
			have_ms = true;
			break;
		}
		case 't':
			if (eg_hint_type_from_string(optarg, &req.hint) < 0)
				return usage_error("--type: '%s' is not a hint type (launch, "
						   "interaction, sustained, background)",
						   optarg);
			have_type = true;
			break;
		}
	}
	args = argv + optind;
	nargs = argc - optind;

	switch (req.cmd) {
	case EG_CTL_SET_GOVERNOR:
		if (nargs < 2 || nargs > 3 ||
		    (nargs == 3 && (domain || strcmp(args[0], "governor") != 0)))
			return usage_error("%s", "set governor NAME [--domain D] | "
						 "set governor DOMAIN NAME | set profile PROFILE");
		if (strcmp(args[0], "profile") == 0) {
			if (domain)
				return usage_error("%s", "--domain is for set governor");
			req.cmd = EG_CTL_SET_PROFILE;
		} else if (strcmp(args[0], "governor") != 0) {
			return usage_error("set what? '%s' (governor or profile)", args[0]);
		}
		/* eagovctl(1)'s form: set governor DOMAIN NAME. */
		if (nargs == 3) {
			domain = args[1];
			args++;
		}
		if (eg_strlcpy(req.value, args[1], sizeof(req.value)) < 0)
			return usage_error("name too long: '%s'", args[1]);
		if (domain && eg_strlcpy(req.domain, domain, sizeof(req.domain)) < 0)
			return usage_error("domain name too long: '%s'", domain);
		break;
	case EG_CTL_STATUS:
		if (strcmp(cmd, "get") == 0) {
			if (nargs != 1 ||
			    (strcmp(args[0], "profile") != 0 && strcmp(args[0], "governor") != 0))
				return usage_error("%s", "get profile | get governor [--domain D]");
			if (domain && strcmp(args[0], "governor") != 0)
				return usage_error("%s", "--domain is for get governor");
			query = strcmp(args[0], "profile") == 0 ? QUERY_GET_PROFILE :
								  QUERY_GET_GOVERNOR;
		} else if (strcmp(cmd, "list") == 0) {
			if (nargs != 1)
				return usage_error("%s", "list profiles|governors|devices");
			if (strcmp(args[0], "profiles") == 0)
				query = QUERY_LIST_PROFILES;
			else if (strcmp(args[0], "governors") == 0)
				query = QUERY_LIST_GOVERNORS;
			else if (strcmp(args[0], "devices") == 0)
				query = QUERY_LIST_DEVICES;
			else
				return usage_error("list what? '%s' (profiles, governors or "
						   "devices)",
						   args[0]);
		} else if (nargs != 0) {
			return usage_error("unexpected argument '%s'", args[0]);
		}
		break;
	default:
		if (req.cmd == EG_CTL_BOOST && (!have_pid || !have_ms))
			return usage_error("%s", "boost needs --pid P and --ms N");
		if (req.cmd == EG_CTL_HINT && (!have_pid || !have_ms || !have_type))
			return usage_error("%s", "hint needs --pid P --type T and --ms N");
		if (nargs != 0)
			return usage_error("unexpected argument '%s'", args[0]);
		break;
	}
	return run(path, &req, json, query, domain);
}
