/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Recording and replay of the event stream: eagovd --record FILE writes every
 * event the engine is fed, the `replay` scheduler source plays a recording
 * back, and eg_record_load gives eagov-bench the whole stream at once.
 *
 * File format (version 1), all integers little-endian, no padding:
 *   header, 88 bytes:
 *     0  char[8]  magic "EAGOVREC"
 *     8  u32      version (1)
 *    12  u32      record size in bytes (48)
 *    16  u32      CPU count of the recording machine (model->nr_cpus)
 *    20  u32      flags (0; readers reject unknown bits)
 *    24  char[64] model name, NUL-padded (always NUL-terminated)
 *   then records of 48 bytes, until the end of the file:
 *     0  u64 ts (CLOCK_MONOTONIC ns)   8  u16 type (enum eg_event_type)
 *    10  i16 cpu (-1 = none)          12  u32 flags (bit 0: see below)
 *    16  u32 w[8]: the payload, by type (i = signed, stored two's complement):
 *     SWITCH       w0 prev_pid, w1 next_pid, w2 prev_prio, w3 next_prio,
 *                  w4 util_min, w5 util_max; flags bit 0 = prev_runnable
 *     WAKEUP       w0 pid, w1 prio, w2 target_cpu, w3 wake flags (EG_WAKE_*)
 *     MIGRATE      w0 pid, w1 prio, w2 orig_cpu, w3 dest_cpu
 *     EXIT         w0 pid
 *     BUSY_SAMPLE  w0/w1 busy_ns low/high, w2/w3 window_ns low/high;
 *                  flags bit 0 = no_switches, bit 1 = correction
 *     IDLE_ENTER/IDLE_EXIT  w0 state
 *     TEMP         w0 zone, w1 temp_mc
 *     TRIP         w0 zone, w1 trip, w2 temp_mc; flags bit 0 = up
 *     POWER_SOURCE flags bit 0 = on_ac
 *     FREQ         w0 pd, w1 khz
 *     LIMITS       w0 pd, w1 min_khz, w2 max_khz
 *     BOOST        w0 pid, w1 ms
 *     TICK, CPU_ONLINE, CPU_OFFLINE: no payload
 *   eagovd --record writes a TICK where its engine started as the first
 *   record, so that a replay can start its engine at the same point.
 *   Unused words are written as 0. A file whose length after the header is
 *   not a multiple of the record size is truncated and rejected whole (a
 *   daemon killed mid-write leaves this: the error names the byte count). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "model.h"

#define EG_RECORD_MAGIC "EAGOVREC"
#define EG_RECORD_VERSION 1
#define EG_RECORD_HEADER_SIZE 88
#define EG_RECORD_SIZE 48
#define EG_RECORD_NAME_LEN 64

struct eg_recorder;

/* What a recording says about the machine it was made on. */
struct eg_record_info {
	char model[EG_RECORD_NAME_LEN];
	int nr_cpus;
	uint32_t version;
};

/* Create (truncate) path and write the header for model m. */
int eg_record_open(struct eg_recorder **r, const char *path, const struct eg_model *m);
/* Append one event (buffered). -EINVAL for an event type outside the enum. */
int eg_record_write(struct eg_recorder *r, const struct eg_event *ev);
/* Push buffered records to the file (the daemon calls this on idle). */
int eg_record_flush(struct eg_recorder *r);
/* Flush and close; returns the first write error seen, if any. NULL is fine. */
int eg_record_close(struct eg_recorder *r);

/* Encode / decode one record (48 bytes). decode returns -EBADMSG for an
 * unknown type or a cpu below -1, with a sentence in err. */
void eg_record_encode(const struct eg_event *ev, uint8_t out[EG_RECORD_SIZE]);
int eg_record_decode(const uint8_t in[EG_RECORD_SIZE], struct eg_event *ev, char *err,
		     size_t errlen);

/* Read a whole recording: *evs (malloc'd, the caller frees) gets *n events
 * in file order; info (may be NULL) the header. On failure -errno with a
 * sentence naming the file and the problem in err (errlen may be 0):
 * -EBADMSG for a wrong magic, an unknown version or record size, a
 * truncated file or a corrupt record (one whose cpu, wakeup target_cpu or
 * migrate orig_cpu / dest_cpu names no CPU of the recording's CPU count);
 * -EIO / -ENOENT ... from the system. The replay source also refuses a
 * recording with a CPU number its model does not have. */
int eg_record_load(const char *path, struct eg_event **evs, size_t *n, struct eg_record_info *info,
		   char *err, size_t errlen);
