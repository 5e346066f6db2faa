#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the binary seeds of the fuzz corpora: a few recordings (the
platform/record.h format) and thermal generic-netlink receive buffers (the
layout platform/thermal_netlink.c reads). Text seeds are kept as files.
Run from anywhere: ./tests/fuzz/gen_seeds.py"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# enum eg_event_type (core/event.h)
SWITCH, WAKEUP, MIGRATE, EXIT, BUSY, IDLE_ENTER, IDLE_EXIT, TEMP, TRIP, ONLINE, OFFLINE, \
    POWER, FREQ, LIMITS, TICK, BOOST = range(1, 17)


def header(nr_cpus, name=b"hikey960"):
    return struct.pack("<8sIIII64s", b"EAGOVREC", 1, 48, nr_cpus, 0, name)


def rec(ts, typ, cpu, flags=0, *w):
    words = list(w) + [0] * (8 - len(w))
    return struct.pack("<QHhI8I", ts, typ, cpu, flags, *[x & 0xffffffff for x in words])


def write(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


MS = 1000000
# A busy little CPU, an RT wakeup on a big one, a migration, samples, heat.
sched = header(8) + b"".join([
    rec(1 * MS, WAKEUP, 0, 0, 100, 120, 0, 0),
    rec(1 * MS, SWITCH, 0, 0, 0, 100, 120, 120, 0, 1024),
    rec(5 * MS, WAKEUP, 4, 0, 200, 10, 4, 0),
    rec(5 * MS, SWITCH, 4, 0, 0, 200, 120, 10, 0, 1024),
    rec(9 * MS, SWITCH, 4, 0, 200, 0, 10, 120),
    rec(12 * MS, MIGRATE, 0, 0, 100, 120, 0, 1),
    rec(12 * MS, SWITCH, 0, 1, 100, 0, 120, 120),
    rec(12 * MS, SWITCH, 1, 0, 0, 100, 120, 120, 0, 1024),
    rec(20 * MS, TICK, -1),
    rec(25 * MS, EXIT, -1, 0, 100),
    rec(25 * MS, SWITCH, 1, 0, 100, 0, 120, 120),
    rec(30 * MS, TEMP, -1, 0, 0, 71000),
    rec(31 * MS, TRIP, -1, 1, 0, 1, 75500),
    rec(40 * MS, BOOST, -1, 0, 300, 50),
    rec(41 * MS, WAKEUP, 2, 0, 300, 120, 2, 1),
])
write("fuzz_record", "sched.rec", sched)
# Poll source: busy samples, idle, hot-plug, limits, frequency, power.
poll = header(8) + b"".join([
    rec(10 * MS, BUSY, 0, 0, 8 * MS, 0, 10 * MS, 0),
    rec(10 * MS, BUSY, 5, 1, 0, 0, 10 * MS, 0),
    rec(11 * MS, IDLE_ENTER, 3, 0, 1),
    rec(13 * MS, IDLE_EXIT, 3, 0, 1),
    rec(15 * MS, OFFLINE, 7),
    rec(16 * MS, LIMITS, -1, 0, 1, 903000, 1844000),
    rec(17 * MS, FREQ, -1, 0, 0, 1402000),
    rec(18 * MS, POWER, -1, 1),
    rec(20 * MS, BUSY, 0, 2, 2 * MS, 0, 10 * MS, 0),
    rec(21 * MS, ONLINE, 7),
])
write("fuzz_record", "poll.rec", poll)
write("fuzz_record", "empty.rec", header(4, b"other-machine"))

FAMILY = 0x1c
SAMPLING_TEMP, TRIP_UP, TRIP_DOWN = 0, 5, 6
TZ_ID, TZ_TEMP, TZ_TRIP_ID = 2, 3, 5


def nlmsg(cmd, attrs, family=FAMILY, seq=0):
    body = struct.pack("<BBH", cmd, 1, 0)
    for typ, val in attrs:
        body += struct.pack("<HHI", 8, typ, val & 0xffffffff)
    return struct.pack("<IHHII", 16 + len(body), family, 0, seq, 0) + body


write("fuzz_thermal_netlink", "sampling",
      nlmsg(SAMPLING_TEMP, [(TZ_ID, 0), (TZ_TEMP, 52000)]) +
      nlmsg(SAMPLING_TEMP, [(TZ_ID, 0), (TZ_TEMP, 68000)]) +
      nlmsg(SAMPLING_TEMP, [(TZ_ID, 0), (TZ_TEMP, 80000)]))
write("fuzz_thermal_netlink", "trips",
      nlmsg(TRIP_UP, [(TZ_ID, 0), (TZ_TRIP_ID, 0), (TZ_TEMP, 65500)]) +
      nlmsg(TRIP_UP, [(TZ_ID, 0), (TZ_TRIP_ID, 1)]) +
      nlmsg(TRIP_DOWN, [(TZ_ID, 0), (TZ_TRIP_ID, 1), (TZ_TEMP, 74000), (40, 7)]) +
      nlmsg(TRIP_DOWN, [(TZ_ID, 0), (TZ_TRIP_ID, 31)]))
write("fuzz_thermal_netlink", "other",
      nlmsg(SAMPLING_TEMP, [(TZ_ID, 3), (TZ_TEMP, 52000)]) +
      nlmsg(1, [(TZ_ID, 0)]) +
      nlmsg(SAMPLING_TEMP, [(TZ_ID, 0), (TZ_TEMP, 52000)], family=0x10) +
      nlmsg(SAMPLING_TEMP, [(TZ_TEMP, 52000)]))
