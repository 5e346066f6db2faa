/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control protocol shared by eagovd (control.c) and eagovctl: request
 * parsing and formatting, reply helpers, and a bounded line reader. One JSON
 * object per line ('\n') over an AF_UNIX SOCK_STREAM socket.
 *
 * Requests:
 *   {"cmd":"status"}
 *   {"cmd":"monitor","interval_ms":N}          N in [EG_CTL_MONITOR_MIN_MS, _MAX_MS]
 *   {"cmd":"set","what":"governor","value":"schedutil"[,"domain":"big"]}
 *   {"cmd":"set","what":"profile","value":"power-saver"}
 *   {"cmd":"boost","pid":P,"ms":N}             P > 0, N in [1, EG_CTL_BOOST_MAX_MS]
 *   {"cmd":"hint","pid":P,"type":"launch","ms":N}
 *        P > 0, type one of eg_ctl_hint_names, N in [EG_CTL_HINT_MIN_MS,
 *        EG_CTL_HINT_MAX_MS]; open to every user for the tasks they own
 * A request is at most EG_CTL_MAX_REQUEST bytes before its newline; a longer
 * one gets an error reply and the connection is closed. Unknown keys, wrong
 * types, out-of-range numbers and unknown commands get an error reply and
 * change nothing.
 *
 * Replies: {"ok":true,...} or {"ok":false,"error":"..."}. status replies, and
 * every monitor update (the first one at once, as the reply to "monitor"), are
 * the status object with "ok":true and "time_ms" (daemon monotonic clock):
 *   {"profile":"balanced",           active profile
 *    "source":"poll",                scheduler event source in use
 *    "dry_run":false,
 *    "domains":[{"name":"little",    performance domain (index = "domain" number)
 *                "cpus":"0-3",       cpulist
 *                "governor":"schedutil",
 *                "util":412,         max util of its online CPUs, 0..1024
 *                "cur_khz":..,"req_khz":..,"cap_khz":.. (0 = no cap),
 *                "min_khz":..,"max_khz":..}, ...],
 *    "zones":[{"name":"soc-thermal","temp_mc":45200}, ...],   millidegrees C
 *    "device":"/usr/share/eagov/devices/hikey960.ini",  "" = discovery alone
 *    "profiles":["power-saver","balanced","performance"],
 *    "governors":["performance",...], frequency governors set governor takes
 *    "performance_degraded":"",      "high-operating-temperature" while a
 *                                    thermal cap is in force
 *    "dbus_holds":0,                 D-Bus profile holds, -1 = no D-Bus API
 *    "cpus":[{"cpu":1,               CPU number
 *             "online":true,
 *             "util":310,            what schedutil reads, 0..1024 (capacity-scaled)
 *             "busy_pct":30.12}, ...],  % of the time the CPU was not idle, over
 *                                    the window since the previous status object
 *                                    (status reply or monitor update, whichever
 *                                    client asked), or since start / the last
 *                                    engine rebuild (reload, profile, governor)
 *    "stats":{"wall_s":12.5,"cpu_s":0.04,   run time, user+sys CPU time
 *             "events":N,"events_per_s":R,  events read from the sources
 *             "decisions":D,"urgent":K,     decisions applied; fast-ramp ones
 *             "wake_to_write_us":{"p50":A,"p99":B,"n":M},
 *             "delivery_us":{"p50":C,"p99":D},"own_us":{"p50":E,"p99":G}}}
 *        (RT wakeup tracepoint time to the return of its fast-ramp write, or
 *        to its line printed in a dry run; percentiles of a 65536-sample
 *        reservoir, n = all measurements; 0 when n = 0. Of the same
 *        samples: delivery, until the thread that read the record left its
 *        wait; own, from there to the write)
 * Clients must ignore keys they do not know. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct json_object;

#define EG_CTL_DEFAULT_SOCKET "/run/eagov/control"
#define EG_CTL_MAX_REQUEST 4096
/* Replies carry the status of every domain and zone; a generous bound still
 * keeps a client from growing without limit on a broken daemon. */
#define EG_CTL_MAX_REPLY (1024 * 1024)
#define EG_CTL_NAME_MAX 64
/* A monitor faster than 50 ms would cost the daemon more than it tells a
 * human; slower than a minute is not "live". */
#define EG_CTL_MONITOR_MIN_MS 50
#define EG_CTL_MONITOR_MAX_MS 60000
#define EG_CTL_MONITOR_DEFAULT_MS 1000
/* A boost is a short-lived hint (a launch, an input burst), not a setting. */
#define EG_CTL_BOOST_MAX_MS 10000

/* An app's hint lasts from a millisecond to a minute: long enough for a
 * launch or a level load, short enough that a forgotten one ends by itself. */
#define EG_CTL_HINT_MIN_MS 1
#define EG_CTL_HINT_MAX_MS 60000

/* What an app says it is doing (eagovd(8) documents what each one does). */
enum eg_hint_type {
	EG_HINT_LAUNCH,
	EG_HINT_INTERACTION,
	EG_HINT_SUSTAINED,
	EG_HINT_BACKGROUND,
	EG_HINT__MAX,
};

/* "launch", "interaction", "sustained", "background". */
const char *eg_hint_type_name(enum eg_hint_type t);
/* 0 and *t, or -EINVAL for a name that is not a hint type. */
int eg_hint_type_from_string(const char *s, enum eg_hint_type *t);

enum eg_ctl_cmd {
	EG_CTL_STATUS,
	EG_CTL_MONITOR,
	EG_CTL_SET_GOVERNOR,
	EG_CTL_SET_PROFILE,
	EG_CTL_BOOST,
	EG_CTL_HINT,
};

struct eg_ctl_request {
	enum eg_ctl_cmd cmd;
	uint32_t interval_ms;	      /* monitor */
	char value[EG_CTL_NAME_MAX];  /* set: governor or profile name */
	char domain[EG_CTL_NAME_MAX]; /* set governor: "" = every domain */
	int32_t pid;		      /* boost, hint */
	uint32_t ms;		      /* boost, hint */
	enum eg_hint_type hint;	      /* hint */
};

/* True for requests that change the daemon's behaviour (set, boost); a hint
 * is not one: its own rule (the caller owns the task) applies. */
bool eg_ctl_is_change(enum eg_ctl_cmd cmd);

/* Parse one request line (len bytes, no newline needed, not necessarily
 * terminated). 0, or -EINVAL with a message for the client in err. */
int eg_ctl_parse_request(const char *line, size_t len, struct eg_ctl_request *req, char *err,
			 size_t errlen);
/* The request as one line with its newline, in a malloc'd string (*out).
 * 0 or -errno. */
int eg_ctl_format_request(const struct eg_ctl_request *req, char **out);

/* Serialize obj as one line with its newline (malloc'd, *out); *len set. */
int eg_ctl_line(struct json_object *obj, char **out, size_t *len);
/* {"ok":false,"error":msg}\n, malloc'd. */
int eg_ctl_error_line(const char *msg, char **out, size_t *len);

/* A line reader with a fixed bound: bytes go in with eg_ctl_buf_read, whole
 * lines come out with eg_ctl_buf_line. */
struct eg_ctl_buf {
	char *data;
	size_t len;  /* bytes held, from data[0] */
	size_t drop; /* bytes of the line last returned, dropped on the next call */
	size_t cap;  /* the longest line accepted, newline excluded */
};

int eg_ctl_buf_init(struct eg_ctl_buf *b, size_t max_line);
void eg_ctl_buf_free(struct eg_ctl_buf *b);
/* One read(2) from fd into the free room: bytes read (> 0), 0 at EOF,
 * -EMSGSIZE when full (a line longer than the bound), -EAGAIN, -errno. */
ssize_t eg_ctl_buf_read(struct eg_ctl_buf *b, int fd);
/* The next complete line (terminated in place, newline removed, a trailing
 * '\r' too) in *line / *len: 1; no complete line yet: 0; the buffer is full
 * with no newline in it (a line longer than the bound): -EMSGSIZE. Each call
 * drops the line returned by the previous one. */
int eg_ctl_buf_line(struct eg_ctl_buf *b, char **line, size_t *len);

/* Read one reply line from a blocking fd into b (sized for
 * EG_CTL_MAX_REPLY) and parse it: 0 and *obj (caller puts), -EPIPE on EOF,
 * -EBADMSG on a line that is not a JSON object, -errno. */
int eg_ctl_read_reply(int fd, struct eg_ctl_buf *b, struct json_object **obj);
/* Write all of buf to a blocking fd (MSG_NOSIGNAL). 0 or -errno. */
int eg_ctl_write_all(int fd, const char *buf, size_t len);
