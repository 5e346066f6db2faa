#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""eagovd on a private dbus-daemon (never the system bus), a dry run on the
fake HiKey960 tree of test_ppd_daemon.py:

- polkit: a profile switch by a caller outside root and the eagov group is
  refused while polkit is not on the bus (logged once), refused when the
  fake authority (fake_polkit) says no and taken when it says yes; the
  question names org.eagov.switch-profile and the caller's bus name; root
  is not put to polkit.
- apps' hints over org.eagov.Hints1: a user may hint their own process, not
  root's; an unknown type, a duration out of range and a dead pid are
  refused with their D-Bus errors.
- D-Bus activation: with a service directory offering power-profiles-daemon's
  two names (Exec: a script that records it ran), a call to either name
  reaches eagovd while it owns them and the script never runs; once eagovd
  is gone the same call starts the script, so the service files were live.

The user parts run as nobody and need root. Exit 77 (skip) without
dbus-daemon, busctl or gdbus."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

from test_ppd_dbus import SKIP, TIMEOUT, Failure, check, log, wait_until
from test_ppd_daemon import Eagovd, fake_tree

UPOWER = ("org.freedesktop.UPower.PowerProfiles", "/org/freedesktop/UPower/PowerProfiles")
LEGACY = ("net.hadess.PowerProfiles", "/net/hadess/PowerProfiles")
NOBODY = 65534


class Bus:
    """A private bus with eagov's policy, room for a fake polkit, and a
    service directory."""

    def __init__(self, tmp, source_root, services):
        self.socket = os.path.join(tmp, "bus")
        self.address = "unix:path=" + self.socket
        policy = os.path.join(source_root, "data", "dbus", "org.eagov.PowerProfiles.conf")
        conf = f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>eagov-test</type>
  <listen>{self.address}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.PolicyKit1"/>
  </policy>
  <policy user="root">
    <allow own="org.freedesktop.PolicyKit1"/>
  </policy>
  <include>{policy}</include>
</busconfig>
"""
        path = os.path.join(tmp, "bus.conf")
        with open(path, "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen(["dbus-daemon", f"--config-file={path}", "--nofork",
                                      "--nopidfile"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        wait_until(lambda: os.path.exists(self.socket) or self.proc.poll() is not None,
                   "dbus-daemon's socket")
        if self.proc.poll() is not None:
            raise Failure("dbus-daemon exited: " + self.proc.stderr.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def as_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def busctl(bus, *args, user=None):
    return subprocess.run(["busctl", f"--address={bus.address}", *args], capture_output=True,
                          text=True, timeout=TIMEOUT, preexec_fn=as_nobody if user else None)


def set_profile(bus, profile, user=None):
    return busctl(bus, "set-property", UPOWER[0], UPOWER[1], UPOWER[0], "ActiveProfile", "s",
                  profile, user=user)


class FakePolkit:
    def __init__(self, bus, answer):
        self.proc = subprocess.Popen([os.environ["FAKE_POLKIT"], bus.address, answer],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if line != "READY":
            self.proc.kill()
            raise Failure(f"fake_polkit: {line!r} {self.proc.stderr.read()}")

    def stop(self):
        self.proc.terminate()
        out, _ = self.proc.communicate(timeout=TIMEOUT)
        return [line for line in out.splitlines() if line.startswith("CHECK ")]


def test_polkit(tmp, bus, d, root):
    if not root:
        log("SKIP (polkit part): needs root to call as nobody")
        return
    log("no polkit on the bus: a user is refused, logged once")
    for _ in range(2):
        r = set_profile(bus, "performance", user=NOBODY)
        check(r.returncode != 0 and "Access denied" in r.stderr,
              f"nobody switched without polkit: {r.stdout} {r.stderr}")
    check(d.profile() == "balanced", "still balanced")
    check(d.stderr().count("polkit is not on the bus") == 1,
          "the absent polkit is logged once:\n" + d.stderr())

    log("polkit says no")
    pk = FakePolkit(bus, "no")
    r = set_profile(bus, "performance", user=NOBODY)
    checks = pk.stop()
    check(r.returncode != 0 and "Access denied" in r.stderr, f"allowed: {r.stderr}")
    check(d.profile() == "balanced", "still balanced after no")
    check(len(checks) == 1, f"one question: {checks}")
    action, kind, name, flags = checks[0].split()[1:]
    check(action == "org.eagov.switch-profile" and kind == "system-bus-name" and
          name.startswith(":") and flags == "0", f"the question: {checks[0]}")

    log("polkit says yes")
    pk = FakePolkit(bus, "yes")
    r = set_profile(bus, "performance", user=NOBODY)
    checks = pk.stop()
    check(r.returncode == 0, f"refused with polkit's yes: {r.stderr}")
    wait_until(lambda: d.profile() == "performance", "performance after yes")
    check(len(checks) == 1, f"one question: {checks}")

    log("root is not put to polkit")
    pk = FakePolkit(bus, "no")
    r = set_profile(bus, "balanced")
    checks = pk.stop()
    check(r.returncode == 0, f"root refused: {r.stderr}")
    wait_until(lambda: d.profile() == "balanced", "balanced again")
    check(checks == [], f"root was put to polkit: {checks}")


def hint(bus, pid, kind, ms, user=None, dest="org.eagov"):
    """gdbus, which prints the error's name and message."""
    return subprocess.run(["gdbus", "call", "--address", bus.address, "--dest", dest,
                           "--object-path", "/org/eagov/Hints", "--method",
                           "org.eagov.Hints1.Hint", str(pid), kind, str(ms)],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          preexec_fn=as_nobody if user else None)


def test_hints(tmp, bus, d, root):
    log("hints over D-Bus")
    mine = subprocess.Popen(["sleep", "60"], preexec_fn=as_nobody if root else None)
    dead = subprocess.Popen(["true"])
    dead.wait()
    try:
        r = hint(bus, mine.pid, "background", 5000, user=NOBODY if root else None)
        check(r.returncode == 0, f"own hint refused: {r.stderr}")
        want = f"pid={mine.pid} task-uclamp min=0 max=256 (hint background)"
        wait_until(lambda: want in open(d.out).read(), "the hint printed")
        if root:
            r = hint(bus, os.getpid(), "launch", 5000, user=NOBODY)
            check(r.returncode != 0 and "AccessDenied" in r.stderr and
                  "belongs to another user" in r.stderr,
                  f"root's process hinted by nobody: {r.stderr}")
            check(f"pid={os.getpid()} task-uclamp" not in open(d.out).read(),
                  "a refused hint was applied")
        r = hint(bus, mine.pid, "turbo", 5000)
        check(r.returncode != 0 and "InvalidArgs" in r.stderr and
              "unknown hint type" in r.stderr, f"turbo: {r.stderr}")
        r = hint(bus, mine.pid, "launch", 60001)
        check(r.returncode != 0 and "a hint lasts 1 to 60000 ms" in r.stderr,
              f"60001 ms: {r.stderr}")
        r = hint(bus, mine.pid, "launch", 0)
        check(r.returncode != 0 and "a hint lasts" in r.stderr, f"0 ms: {r.stderr}")
        r = hint(bus, dead.pid, "launch", 100)
        check(r.returncode != 0 and f"no process {dead.pid}" in r.stderr, f"dead: {r.stderr}")
        # Also reachable under the power-profiles name, off its interface.
        r = hint(bus, mine.pid, "sustained", 100, dest=UPOWER[0])
        check(r.returncode == 0, f"hint through {UPOWER[0]}: {r.stderr}")
        r = busctl(bus, "introspect", UPOWER[0], UPOWER[1])
        check("Hint" not in r.stdout, "Hint on the power-profiles object:\n" + r.stdout)
    finally:
        mine.kill()
        mine.wait()


def test_activation(tmp, bus, d, marker):
    log("activation cannot start power-profiles-daemon while eagovd owns the names")
    for name, path in (UPOWER, LEGACY):
        r = busctl(bus, "--auto-start=yes", "get-property", name, path, name, "ActiveProfile")
        check(r.returncode == 0 and r.stdout.strip() == 's "balanced"',
              f"{name}: {r.stdout} {r.stderr}")
    time.sleep(0.3)
    check(not os.path.exists(marker), "the activatable service was started")


def main():
    for tool in ("dbus-daemon", "busctl", "gdbus"):
        if not shutil.which(tool):
            log(f"SKIP: {tool} not found")
            return SKIP
    for var in ("EAGOVD", "EAGOVCTL", "EAGOV_SOURCE_ROOT", "FAKE_POLKIT"):
        if var not in os.environ:
            log(f"{var} not set: run through meson test")
            return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    root = os.geteuid() == 0
    tmp = tempfile.mkdtemp(prefix="eagov-ppd-polkit-")
    os.chmod(tmp, 0o755)
    bus = d = None
    try:
        fake_tree(os.path.join(tmp, "root"))
        with open(os.path.join(tmp, "eagov.conf"), "w") as f:
            f.write("[daemon]\nprofile = balanced\n")
        services = os.path.join(tmp, "services")
        os.makedirs(services)
        marker = os.path.join(tmp, "ppd-started")
        script = os.path.join(tmp, "fake-ppd")
        with open(script, "w") as f:
            f.write(f"#!/bin/sh\necho \"$$\" >> {marker}\n")
        os.chmod(script, 0o755)
        for name, _ in (UPOWER, LEGACY):
            with open(os.path.join(services, name + ".service"), "w") as f:
                f.write(f"[D-BUS Service]\nName={name}\nExec={script}\n")
        bus = Bus(tmp, os.environ["EAGOV_SOURCE_ROOT"], services)
        d = Eagovd(tmp, bus.address)
        d.wait_ready()
        check("owning org.eagov" not in d.stderr(), "org.eagov not owned:\n" + d.stderr())
        test_activation(tmp, bus, d, marker)
        test_polkit(tmp, bus, d, root)
        test_hints(tmp, bus, d, root)
        test_activation(tmp, bus, d, marker)
        check(d.stop() == 0, "eagovd exit:\n" + d.stderr())
        d = None
        log("without eagovd the same call activates the service")
        # The call never gets an answer (the script owns no name); only
        # that the script started matters.
        call = subprocess.Popen(["busctl", f"--address={bus.address}", "--auto-start=yes",
                                 "get-property", UPOWER[0], UPOWER[1], UPOWER[0],
                                 "ActiveProfile"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: os.path.exists(marker), "the activated script")
        finally:
            call.kill()
            call.wait()
    except Exception as e:
        log(f"FAILED: {e}")
        if not isinstance(e, Failure):
            traceback.print_exc(file=sys.stdout)
        if d:
            log("eagovd stderr:\n" + d.stderr())
        return 1
    finally:
        if d:
            d.stop()
        if bus:
            bus.stop()
        if os.environ.get("EAGOV_KEEP_TMP"):
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    log("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
