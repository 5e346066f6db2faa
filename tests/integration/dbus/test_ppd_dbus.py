#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The power-profiles D-Bus API of eagov end to end, on a private dbus-daemon
(never the system bus) whose policy includes data/dbus/org.eagov.PowerProfiles.conf.

ppd_host serves the API (daemon/ppd_dbus.c) over a fake profile backend that
prints every switch it is asked for; ppd_holder takes a hold and reports the
ProfileReleased signals it gets. The test drives them with busctl, gdbus and
powerprofilesctl (Debian package power-profiles-daemon), and records the bus
with `busctl monitor` to check the signals. Exit 77 (skip) without
dbus-daemon or busctl."""

import errno
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import xml.etree.ElementTree as ET

SKIP = 77
TIMEOUT = 10.0

UPOWER = ("org.freedesktop.UPower.PowerProfiles", "/org/freedesktop/UPower/PowerProfiles")
LEGACY = ("net.hadess.PowerProfiles", "/net/hadess/PowerProfiles")
INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"
ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied"

# The interface as power-profiles-daemon 0.20 documents it
# (src/power-profiles-daemon.dbus.xml.in): members, signatures, argument
# names and property access.
EXPECTED_API = {
    ("method", "HoldProfile"): ("sss:profile,reason,application_id", "u:cookie"),
    ("method", "ReleaseProfile"): ("u:cookie", ":"),
    ("signal", "ProfileReleased"): ("u:cookie",),
    ("property", "ActiveProfile"): ("s", "readwrite"),
    ("property", "PerformanceInhibited"): ("s", "read"),
    ("property", "PerformanceDegraded"): ("s", "read"),
    ("property", "Profiles"): ("aa{sv}", "read"),
    ("property", "Actions"): ("as", "read"),
    ("property", "ActiveProfileHolds"): ("aa{sv}", "read"),
    ("property", "Version"): ("s", "read"),
}


def log(*args):
    print(*args, flush=True)


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def wait_until(pred, what, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > end:
            raise Failure("timed out waiting for " + what)
        time.sleep(0.02)


class Lines:
    """A child process whose stdout is read line by line in a thread."""

    def __init__(self, argv, env=None, stdin=True):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=env)
        self.lines = queue.Queue()
        self.seen = []
        self.stderr = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    @staticmethod
    def _read(stream, q):
        for line in stream:
            q.put(line.rstrip("\n"))
        q.put(None)

    def _read_err(self):
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))

    def next(self, timeout=TIMEOUT):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise Failure(f"{os.path.basename(self.argv[0])}: no output in {timeout} s "
                          f"(seen {self.seen[-5:]})")
        if line is None:
            raise Failure(f"{os.path.basename(self.argv[0])} ended (seen {self.seen[-5:]}, "
                          f"stderr {self.stderr[-5:]})")
        self.seen.append(line)
        return line

    def expect(self, want, timeout=TIMEOUT):
        """The next line must be want; returns it."""
        line = self.next(timeout)
        check(line == want, f"{os.path.basename(self.argv[0])}: expected {want!r}, got {line!r}")
        return line

    def expect_prefix(self, prefix, timeout=TIMEOUT):
        line = self.next(timeout)
        check(line.startswith(prefix),
              f"{os.path.basename(self.argv[0])}: expected {prefix!r}..., got {line!r}")
        return line[len(prefix):]

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close_stdin(self):
        self.proc.stdin.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class Host(Lines):
    def __init__(self, address):
        super().__init__([os.environ["PPD_HOST"], address, "--cpu-driver", "fake_cpufreq"])

    def sync(self):
        """Nothing printed since the last check: the host answers "holds"
        with the next line, so any SET in between would show up."""
        self.send("holds")
        return int(self.expect_prefix("HOLDS "))

    def command(self, line):
        self.send(line)
        # An emitting command may switch the backend first (SET ...).
        out = []
        while True:
            got = self.next()
            if got == "OK":
                return out
            check(not got.startswith("ERROR"), f"host command {line!r}: {got}")
            out.append(got)


class Holder(Lines):
    def __init__(self, address, profile, obj="upower", reason="testing", app_id="org.eagov.Test"):
        super().__init__([os.environ["PPD_HOLDER"], address, obj, profile, reason, app_id])
        first = self.next()
        check(first.startswith("COOKIE "), f"holder: {first} (stderr {self.stderr})")
        self.cookie = int(first.split()[1])


class Monitor(Lines):
    """Every message on the bus as JSON (busctl monitor: a bus monitor sees
    unicast signals too)."""

    def __init__(self, address):
        super().__init__(["busctl", f"--address={address}", "monitor", "--json=short"],
                         stdin=False)
        self.messages = []
        self.lock = threading.Lock()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self):
        while True:
            line = self.lines.get()
            if line is None:
                return
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                self.messages.append(msg)

    def mark(self):
        with self.lock:
            return len(self.messages)

    def since(self, mark):
        with self.lock:
            return list(self.messages[mark:])

    def properties_changed(self, mark, path):
        """The changed-property dicts sent on path since mark."""
        out = []
        for m in self.since(mark):
            if m.get("member") == "PropertiesChanged" and m.get("path") == path:
                out.append(plain(m["payload"]))
        return out

    def wait_changed(self, mark, obj, prop, value):
        iface, path = obj
        what = f"PropertiesChanged {prop}={value!r} on {path}"

        def found():
            for payload in self.properties_changed(mark, path):
                if payload[0] == iface and payload[1].get(prop) == value:
                    return True
            return False
        wait_until(found, what)


def plain(v):
    """busctl's JSON of a D-Bus value ({"type":..., "data":...}) to Python."""
    if isinstance(v, dict) and set(v) == {"type", "data"}:
        return plain(v["data"])
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


class Bus:
    def __init__(self, tmp, source_root):
        self.tmp = tmp
        self.socket = os.path.join(tmp, "bus")
        self.address = "unix:path=" + self.socket
        policy = os.path.join(source_root, "data", "dbus", "org.eagov.PowerProfiles.conf")
        # Like the system bus: nothing may be owned or called unless a
        # policy allows it; eagov's policy file is what allows it.
        user_own = ""
        if os.geteuid() != 0:
            # eagov's policy lets root own the names; a test run as a user
            # needs that too, and cannot check the root rule then.
            user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
            user_own = (f'<policy user="{user}">'
                        f'<allow own="{UPOWER[0]}"/><allow own="{LEGACY[0]}"/></policy>')
        conf = f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>eagov-test</type>
  <listen>{self.address}</listen>
  <auth>EXTERNAL</auth>
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
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Properties"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Monitoring"/>
  </policy>
  {user_own}
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


class Suite:
    def __init__(self, bus, host, monitor):
        self.bus = bus
        self.host = host
        self.mon = monitor
        self.address = bus.address

    # --- helpers ---

    def busctl(self, *args, user=None):
        argv = ["busctl", f"--address={self.address}", *args]
        if user is not None:
            argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
        return subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)

    def get(self, prop, obj=UPOWER, user=None):
        r = self.busctl("--json=short", "get-property", obj[0], obj[1], obj[0], prop, user=user)
        check(r.returncode == 0, f"get {prop}: {r.stderr.strip()}")
        return plain(json.loads(r.stdout))

    def get_all(self, obj):
        r = self.busctl("--json=short", "call", obj[0], obj[1], "org.freedesktop.DBus.Properties",
                        "GetAll", "s", obj[0])
        check(r.returncode == 0, f"GetAll {obj[0]}: {r.stderr.strip()}")
        return plain(json.loads(r.stdout))[0]

    def set(self, profile, obj=UPOWER, user=None):
        return self.busctl("set-property", obj[0], obj[1], obj[0], "ActiveProfile", "s", profile,
                           user=user)

    def call(self, method, sig, *args, obj=UPOWER, user=None):
        return self.busctl("--json=short", "call", obj[0], obj[1], obj[0], method, sig,
                           *[str(a) for a in args], user=user)

    def expect_error(self, r, message, what):
        """A busctl call that must fail with this error message (busctl
        prints the message; gdbus_error checks error names)."""
        check(r.returncode != 0, f"{what}: succeeded")
        check(message in r.stderr, f"{what}: {r.stderr.strip()!r} lacks {message!r}")

    def gdbus_error(self, obj, method, *args, user=None):
        """The D-Bus error name of a call made with gdbus (None on success)."""
        argv = ["gdbus", "call", "--address", self.address, "--dest", obj[0],
                "--object-path", obj[1], "--method", method, *args]
        if user is not None:
            argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
        if r.returncode == 0:
            return None
        for word in r.stderr.replace(":", " ").split():
            if word.startswith("org.freedesktop.DBus.Error."):
                return word
        return r.stderr.strip()

    def reset(self):
        """Back to balanced with no holds, whatever a test left."""
        self.host.command("manual balanced")
        check(self.host.sync() == 0, "holds left after reset")
        check(self.get("ActiveProfile") == "balanced", "reset")

    def holds(self, obj=UPOWER):
        return self.get("ActiveProfileHolds", obj)

    # --- tests ---

    def test_introspection(self):
        views = []
        for obj in (UPOWER, LEGACY):
            r = self.busctl("introspect", "--xml-interface", obj[0], obj[1])
            check(r.returncode == 0, f"introspect {obj[1]}: {r.stderr}")
            views.append((f"busctl {obj[1]}", obj[0], r.stdout))
            if shutil.which("gdbus"):
                r = subprocess.run(["gdbus", "introspect", "--address", self.address,
                                    "--dest", obj[0], "--object-path", obj[1], "--xml"],
                                   capture_output=True, text=True, timeout=TIMEOUT)
                check(r.returncode == 0, f"gdbus introspect {obj[1]}: {r.stderr}")
                views.append((f"gdbus {obj[1]}", obj[0], r.stdout))
            else:
                log("  (gdbus not found: introspection checked with busctl only)")
        for what, iface_name, xml in views:
            api = parse_interface(xml, iface_name)
            check(api == EXPECTED_API,
                  f"{what}: interface differs from power-profiles-daemon's:\n"
                  f"  missing {sorted(set(EXPECTED_API.items()) - set(api.items()))}\n"
                  f"  extra   {sorted(set(api.items()) - set(EXPECTED_API.items()))}")

    def test_properties(self):
        want_profiles = [{"Profile": p, "Driver": "eagov", "CpuDriver": "fake_cpufreq"}
                         for p in ("power-saver", "balanced", "performance")]
        for obj in (UPOWER, LEGACY):
            props = self.get_all(obj)
            check(props == {
                "ActiveProfile": "balanced",
                "PerformanceDegraded": "",
                "PerformanceInhibited": "",
                "Profiles": want_profiles,
                "Actions": [],
                "ActiveProfileHolds": [],
                "Version": os.environ["EAGOV_VERSION"],
            }, f"GetAll {obj[0]}: {props}")

    def test_set_active_profile(self):
        mark = self.mon.mark()
        r = self.set("power-saver")
        check(r.returncode == 0, f"set power-saver: {r.stderr}")
        self.host.expect("AUTH switch uid=0")
        self.host.expect("SET power-saver user")
        for obj in (UPOWER, LEGACY):
            check(self.get("ActiveProfile", obj) == "power-saver", f"{obj[0]} after set")
            self.mon.wait_changed(mark, obj, "ActiveProfile", "power-saver")
        # No hold changed: only ActiveProfile is announced.
        for payload in self.mon.properties_changed(mark, UPOWER[1]):
            check(set(payload[1]) == {"ActiveProfile"}, f"PropertiesChanged {payload}")
        # Through the legacy object too.
        r = self.set("performance", LEGACY)
        check(r.returncode == 0, f"legacy set: {r.stderr}")
        self.host.expect("AUTH switch uid=0")
        self.host.expect("SET performance user")
        check(self.get("ActiveProfile") == "performance", "UPower object after legacy set")
        # The profile already active: nothing to do, nothing announced.
        mark = self.mon.mark()
        r = self.set("performance")
        check(r.returncode == 0, f"set again: {r.stderr}")
        self.host.expect("AUTH switch uid=0")
        check(self.host.sync() == 0, "no holds")
        time.sleep(0.2)
        check(self.mon.properties_changed(mark, UPOWER[1]) == [],
              "PropertiesChanged for a set that changed nothing")
        self.reset()

    def test_invalid_requests(self):
        r = self.set("turbo")
        self.expect_error(r, "Invalid profile name 'turbo'", "set turbo")
        self.host.expect("AUTH switch uid=0")
        check(self.get("ActiveProfile") == "balanced", "profile after invalid set")
        if shutil.which("gdbus"):
            err = self.gdbus_error(UPOWER, "org.freedesktop.DBus.Properties.Set", UPOWER[0],
                                   "ActiveProfile", "<'turbo'>")
            check(err == INVALID_ARGS, f"set turbo: {err}")
            self.host.expect("AUTH switch uid=0")
            err = self.gdbus_error(UPOWER, UPOWER[0] + ".HoldProfile", "balanced", "r", "a")
            check(err == INVALID_ARGS, f"hold balanced: {err}")
            self.host.expect("AUTH hold uid=0")
            err = self.gdbus_error(UPOWER, UPOWER[0] + ".HoldProfile", "turbo", "r", "a")
            check(err == INVALID_ARGS, f"hold turbo: {err}")
            self.host.expect("AUTH hold uid=0")
            err = self.gdbus_error(UPOWER, UPOWER[0] + ".ReleaseProfile", "12345")
            check(err == INVALID_ARGS, f"release unknown cookie: {err}")
            err = self.gdbus_error(LEGACY, LEGACY[0] + ".ReleaseProfile", "0")
            check(err == INVALID_ARGS, f"release cookie 0: {err}")
        else:
            r = self.call("HoldProfile", "sss", "balanced", "r", "a")
            self.expect_error(r, "can be a hold profile", "hold balanced")
            self.host.expect("AUTH hold uid=0")
            r = self.call("ReleaseProfile", "u", 12345)
            self.expect_error(r, "No hold with cookie 12345", "release unknown cookie")
        check(self.host.sync() == 0, "holds after invalid requests")

    def test_unavailable_profile(self):
        mark = self.mon.mark()
        self.host.command("performance off")
        self.mon.wait_changed(mark, UPOWER, "Profiles", [
            {"Profile": "power-saver", "Driver": "eagov", "CpuDriver": "fake_cpufreq"},
            {"Profile": "balanced", "Driver": "eagov", "CpuDriver": "fake_cpufreq"}])
        r = self.set("performance")
        self.expect_error(r, "unavailable profile 'performance'", "set unavailable")
        self.host.expect("AUTH switch uid=0")
        r = self.call("HoldProfile", "sss", "performance", "r", "a")
        self.expect_error(r, "not available", "hold unavailable")
        self.host.expect("AUTH hold uid=0")
        check(self.host.sync() == 0, "holds")
        self.host.command("performance on")
        check(len(self.get("Profiles")) == 3, "performance back")

    def test_backend_failure(self):
        self.host.command("fail-set")
        r = self.set("power-saver")
        self.expect_error(r, "Cannot switch to 'power-saver'", "set, backend failing")
        self.host.expect("AUTH switch uid=0")
        self.host.expect("SET-FAILED power-saver user")
        check(self.get("ActiveProfile") == "balanced", "profile kept after failed set")
        # A hold whose switch fails is not taken.
        self.host.command("fail-set")
        r = self.call("HoldProfile", "sss", "performance", "r", "a")
        self.expect_error(r, "Cannot switch to 'performance'", "hold, backend failing")
        self.host.expect("AUTH hold uid=0")
        self.host.expect("SET-FAILED performance hold")
        check(self.holds() == [], "hold kept after failed switch")
        check(self.host.sync() == 0, "holds after failed hold")

    def test_holds(self):
        mark = self.mon.mark()
        a = Holder(self.address, "performance", "upower", "compiling", "org.eagov.A")
        try:
            self.host.expect("AUTH hold uid=0")
            self.host.expect("SET performance hold")
            check(self.get("ActiveProfile") == "performance", "performance held")
            want_a = {"ApplicationId": "org.eagov.A", "Profile": "performance",
                      "Reason": "compiling"}
            check(self.holds() == [want_a], f"holds: {self.holds()}")
            check(self.holds(LEGACY) == [want_a], "holds on the legacy object")
            self.mon.wait_changed(mark, UPOWER, "ActiveProfileHolds", [want_a])
            self.mon.wait_changed(mark, LEGACY, "ActiveProfile", "performance")

            # power-saver wins over performance, whichever came first.
            b = Holder(self.address, "power-saver", "legacy", "battery low", "org.eagov.B")
            try:
                check(b.cookie != a.cookie, "distinct cookies")
                self.host.expect("AUTH hold uid=0")
                self.host.expect("SET power-saver hold")
                check(self.get("ActiveProfile") == "power-saver", "power-saver wins")
                want_b = {"ApplicationId": "org.eagov.B", "Profile": "power-saver",
                          "Reason": "battery low"}
                check(self.holds() == [want_a, want_b], f"two holds: {self.holds()}")

                b.send("release")
                b.expect("RELEASE-OK")
                # To the holder, on the interface it held through.
                b.expect(f"RELEASED {b.cookie} {LEGACY[0]}")
                self.host.expect("SET performance hold")
                check(self.get("ActiveProfile") == "performance", "back to the other hold")
                check(self.holds() == [want_a], "one hold left")
                b.send(f"release {b.cookie}")
                b.expect("RELEASE-ERROR " + INVALID_ARGS)
            finally:
                b.stop()

            # The last holder leaves the bus without releasing.
            a.close_stdin()
            a.proc.wait(timeout=TIMEOUT)
            self.host.expect("SET balanced hold")
            wait_until(lambda: self.holds() == [], "hold of a vanished holder released")
            check(self.get("ActiveProfile") == "balanced", "pre-hold profile restored")
            check(not any(line.startswith("RELEASED") for line in a.seen),
                  f"holder A got {a.seen}")
        finally:
            a.stop()
        check(self.host.sync() == 0, "no holds")

    def test_pre_hold_profile_restored(self):
        self.host.command("manual power-saver")
        a = Holder(self.address, "performance")
        try:
            self.host.expect("AUTH hold uid=0")
            self.host.expect("SET performance hold")
            a.send("release")
            a.expect("RELEASE-OK")
            self.host.expect("SET power-saver hold")
            check(self.get("ActiveProfile") == "power-saver", "power-saver restored")
        finally:
            a.stop()
        self.reset()

    def test_manual_change_releases_holds(self):
        a = Holder(self.address, "performance", "upower")
        b = Holder(self.address, "performance", "legacy")
        try:
            self.host.expect("AUTH hold uid=0")
            self.host.expect("SET performance hold")
            self.host.expect("AUTH hold uid=0")
            mark = self.mon.mark()
            r = self.set("power-saver")
            check(r.returncode == 0, f"set: {r.stderr}")
            self.host.expect("AUTH switch uid=0")
            self.host.expect("SET power-saver user")
            a.expect(f"RELEASED {a.cookie} {UPOWER[0]}")
            b.expect(f"RELEASED {b.cookie} {LEGACY[0]}")
            check(self.holds() == [], "holds after a manual change")
            self.mon.wait_changed(mark, UPOWER, "ActiveProfileHolds", [])
            self.mon.wait_changed(mark, UPOWER, "ActiveProfile", "power-saver")
            a.send("release")
            a.expect("RELEASE-ERROR " + INVALID_ARGS)
            check(self.get("ActiveProfile") == "power-saver", "manual choice kept")

            # A manual change through another way in (the control socket)
            # releases holds as well.
            c = Holder(self.address, "performance")
            try:
                self.host.expect("AUTH hold uid=0")
                self.host.expect("SET performance hold")
                self.host.command("manual balanced")
                c.expect(f"RELEASED {c.cookie} {UPOWER[0]}")
                check(self.holds() == [], "holds after a control-socket change")
                check(self.get("ActiveProfile") == "balanced", "control-socket choice")
            finally:
                c.stop()
        finally:
            a.stop()
            b.stop()
        check(self.host.sync() == 0, "no holds")

    def test_automatic_switch_under_hold(self):
        a = Holder(self.address, "performance")
        try:
            self.host.expect("AUTH hold uid=0")
            self.host.expect("SET performance hold")
            # The power source changed: the daemon wants power-saver, the
            # hold keeps performance, and its end restores power-saver.
            self.host.command("auto power-saver")
            check(self.get("ActiveProfile") == "performance", "hold outranks automatic switch")
            a.send("release")
            a.expect("RELEASE-OK")
            self.host.expect("SET power-saver hold")
            check(self.get("ActiveProfile") == "power-saver", "automatic choice after the hold")
        finally:
            a.stop()
        self.reset()

    def test_holder_killed(self):
        a = Holder(self.address, "performance")
        self.host.expect("AUTH hold uid=0")
        self.host.expect("SET performance hold")
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait()
        self.host.expect("SET balanced hold")
        wait_until(lambda: self.holds() == [], "hold of a killed holder released")
        check(self.host.sync() == 0, "no holds")

    def test_degraded(self):
        mark = self.mon.mark()
        self.host.command("degraded high-operating-temperature")
        check(self.get("PerformanceDegraded") == "high-operating-temperature", "degraded")
        check(self.get("PerformanceDegraded", LEGACY) == "high-operating-temperature",
              "degraded on the legacy object")
        self.mon.wait_changed(mark, UPOWER, "PerformanceDegraded", "high-operating-temperature")
        self.mon.wait_changed(mark, LEGACY, "PerformanceDegraded", "high-operating-temperature")
        mark = self.mon.mark()
        self.host.command("degraded")
        self.mon.wait_changed(mark, UPOWER, "PerformanceDegraded", "")

    def test_name_taken(self):
        second = Host(self.address)
        try:
            line = second.next()
            check(line == "ERROR 17", f"second host: {line} (want EEXIST)")
            second.proc.wait(timeout=TIMEOUT)
            check(second.proc.returncode == 1, "second host exit code")
        finally:
            second.stop()
        check(self.get("ActiveProfile") == "balanced", "first host still serves")

    def test_bus_goes_away(self):
        """A bus that disconnects (dbus-daemon restarted) is reported, not
        spun on: the daemon then drops or reconnects its D-Bus side."""
        tmp = os.path.join(self.bus.tmp, "second")
        os.mkdir(tmp)
        bus = Bus(tmp, os.environ["EAGOV_SOURCE_ROOT"])
        host = None
        try:
            host = Host(bus.address)
            host.expect("READY")
            bus.stop()
            host.expect(f"ERROR {errno.ECONNRESET}")
            host.proc.wait(timeout=TIMEOUT)
            check(host.proc.returncode == 1, f"host exit code {host.proc.returncode}")
        finally:
            if host:
                host.stop()
            bus.stop()

    def test_unprivileged_peer(self):
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            log("  SKIP: needs root and setpriv to act as another user")
            return
        nobody = 65534
        check(self.get("ActiveProfile", user=nobody) == "balanced", "nobody reads properties")
        # Anyone may hold (the hold ends with busctl's connection).
        r = self.call("HoldProfile", "sss", "performance", "r", "a", user=nobody)
        check(r.returncode == 0, f"nobody holds: {r.stderr}")
        self.host.expect(f"AUTH hold uid={nobody}")
        self.host.expect("SET performance hold")
        self.host.expect("SET balanced hold")
        # Switching is root's (the daemon's rule).
        r = self.set("performance", user=nobody)
        # busctl shows AccessDenied by its errno text; gdbus below by name.
        self.expect_error(r, "Access denied", "nobody switches")
        self.host.expect(f"AUTH switch uid={nobody}")
        if shutil.which("gdbus"):
            err = self.gdbus_error(LEGACY, "org.freedesktop.DBus.Properties.Set", LEGACY[0],
                                   "ActiveProfile", "<'performance'>", user=nobody)
            check(err == ACCESS_DENIED, f"nobody switches: {err}")
            self.host.expect(f"AUTH switch uid={nobody}")
        check(self.get("ActiveProfile") == "balanced", "nobody's switch refused")
        # eagov's bus policy: only root may own the names.
        for name in (UPOWER[0], LEGACY[0]):
            r = self.busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus",
                            "org.freedesktop.DBus", "RequestName", "su", name, "4", user=nobody)
            check(r.returncode != 0, f"nobody owns {name}")
        check(self.host.sync() == 0, "no holds")

    def test_powerprofilesctl(self):
        ppc = shutil.which("powerprofilesctl")
        if not ppc:
            log("  SKIP: powerprofilesctl not found (Debian package power-profiles-daemon)")
            return
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)

        def run(*args, **kw):
            return subprocess.run([ppc, *args], capture_output=True, text=True, env=env,
                                  timeout=TIMEOUT, **kw)

        r = run("list")
        check(r.returncode == 0, f"list: {r.stderr}")
        blocks = [b.strip() for b in r.stdout.strip().split("\n\n")]
        check([b.splitlines()[0] for b in blocks] == ["performance:", "* balanced:",
                                                      "power-saver:"],
              f"list:\n{r.stdout}")
        for b in blocks:
            check(any(line.split() == ["Driver:", "eagov"] for line in b.splitlines()),
                  f"list driver:\n{b}")
        check("Degraded:   no" in blocks[0], f"list degraded:\n{blocks[0]}")

        r = run("get")
        check(r.returncode == 0 and r.stdout.strip() == "balanced", f"get: {r.stdout}{r.stderr}")
        r = run("set", "power-saver")
        check(r.returncode == 0, f"set: {r.stderr}")
        self.host.expect("AUTH switch uid=0")
        self.host.expect("SET power-saver user")
        check(run("get").stdout.strip() == "power-saver", "get after set")
        r = run("set", "turbo")
        check(r.returncode != 0 and INVALID_ARGS in r.stderr, f"set turbo: {r.stderr}")
        self.host.expect("AUTH switch uid=0")

        # launch holds performance for the command's lifetime. The command
        # (head) lasts until the test writes it a line, so the checks in
        # between see the hold for sure.
        launch = subprocess.Popen([ppc, "launch", "-p", "performance", "--", "head", "-n1"],
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            self.host.expect("AUTH hold uid=0")
            self.host.expect("SET performance hold")
            check(self.holds() == [{"ApplicationId": "head", "Profile": "performance",
                                    "Reason": "Running head"}], f"launch hold: {self.holds()}")
            check(run("get").stdout.strip() == "performance", "get during launch")
            r = run("list-holds")
            check("Application ID:  head" in r.stdout, f"list-holds:\n{r.stdout}")
            out, err = launch.communicate("done\n", timeout=TIMEOUT)
            check(launch.returncode == 0 and out == "done\n", f"launch: {out!r} {err}")
        finally:
            if launch.poll() is None:
                launch.kill()
                launch.wait()
        self.host.expect("SET power-saver hold")
        check(self.holds() == [] and run("get").stdout.strip() == "power-saver",
              "after launch")

        r = run("launch", "-p", "performance", "--", "sleep", "1")
        check(r.returncode == 0, f"launch sleep: {r.stderr}")
        self.host.expect("AUTH hold uid=0")
        self.host.expect("SET performance hold")
        self.host.expect("SET power-saver hold")
        check(self.holds() == [], "after launch sleep")

        # A launcher killed outright: its hold goes with its connection.
        launch = subprocess.Popen([ppc, "launch", "-p", "performance", "--", "sleep", "30"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        try:
            self.host.expect("AUTH hold uid=0")
            self.host.expect("SET performance hold")
        finally:
            os.killpg(launch.pid, signal.SIGKILL)
            launch.wait()
        self.host.expect("SET power-saver hold")
        wait_until(lambda: self.holds() == [], "killed launcher's hold released")

        self.host.command("degraded high-operating-temperature")
        r = run("list")
        check("Degraded:   yes (high-operating-temperature)" in r.stdout, f"list:\n{r.stdout}")
        self.host.command("degraded")
        self.reset()


def parse_interface(xml, name):
    """Members of one interface of an introspection document, in the form of
    EXPECTED_API."""
    root = ET.fromstring(xml)
    ifaces = [i for i in root.iter("interface") if i.get("name") == name]
    check(len(ifaces) == 1, f"interface {name} in introspection")
    api = {}

    def args(node, direction):
        sel = [a for a in node.findall("arg") if a.get("direction", "in") == direction]
        return "".join(a.get("type") for a in sel) + ":" + ",".join(a.get("name", "")
                                                                     for a in sel)
    for m in ifaces[0].findall("method"):
        api[("method", m.get("name"))] = (args(m, "in"), args(m, "out"))
    for s in ifaces[0].findall("signal"):
        sel = s.findall("arg")
        api[("signal", s.get("name"))] = ("".join(a.get("type") for a in sel) + ":" +
                                          ",".join(a.get("name", "") for a in sel),)
    for p in ifaces[0].findall("property"):
        api[("property", p.get("name"))] = (p.get("type"), p.get("access"))
    return api


def main():
    for tool, package in (("dbus-daemon", "dbus-daemon"), ("busctl", "systemd")):
        if not shutil.which(tool):
            log(f"SKIP: {tool} not found (Debian package {package})")
            return SKIP
    for var in ("PPD_HOST", "PPD_HOLDER", "EAGOV_VERSION", "EAGOV_SOURCE_ROOT"):
        if var not in os.environ:
            log(f"{var} not set: run through meson test")
            return 1

    # meson's timeout sends SIGTERM: unwind, so the bus and children stop.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    tmp = tempfile.mkdtemp(prefix="eagov-dbus-")
    # Other users (nobody, in test_unprivileged_peer) reach the socket.
    os.chmod(tmp, 0o755)
    bus = host = mon = None
    failed = []
    try:
        bus = Bus(tmp, os.environ["EAGOV_SOURCE_ROOT"])
        mon = Monitor(bus.address)
        host = Host(bus.address)
        host.expect("READY")
        # The monitor is up once it reports traffic: make some until it does.
        def monitor_sees():
            subprocess.run(["busctl", f"--address={bus.address}", "call", "org.freedesktop.DBus",
                            "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId"],
                           capture_output=True, timeout=TIMEOUT)
            return mon.mark() > 0 or mon.proc.poll() is not None
        wait_until(monitor_sees, "busctl monitor")
        if mon.proc.poll() is not None:
            raise Failure("busctl monitor: " + " ".join(mon.stderr))
        suite = Suite(bus, host, mon)
        tests = [getattr(suite, n) for n in sorted(dir(suite)) if n.startswith("test_")]
        # Run in file order: later tests rely on nothing, but order keeps
        # logs readable.
        tests.sort(key=lambda f: f.__code__.co_firstlineno)
        for t in tests:
            log(f"{t.__name__} ...")
            try:
                t()
                log(f"{t.__name__} ok")
            except Exception as e:
                failed.append(t.__name__)
                log(f"{t.__name__} FAILED: {e}")
                if not isinstance(e, Failure):
                    traceback.print_exc(file=sys.stdout)
                # A failed test may leave holds or a profile behind.
                try:
                    suite.reset()
                    while not host.lines.empty():
                        host.next()
                except Exception as e2:
                    log(f"reset after failure: {e2}")
        host.send("quit")
        host.proc.wait(timeout=TIMEOUT)
        if host.proc.returncode != 0:
            failed.append("host exit")
            log(f"ppd_host exited {host.proc.returncode}: {host.stderr[-10:]}")
    finally:
        for p in (host, mon):
            if p:
                p.stop()
        if bus:
            bus.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    if host and host.stderr:
        log("ppd_host stderr (last lines):")
        for line in host.stderr[-15:]:
            log("  " + line)
    if failed:
        log("FAILED: " + ", ".join(failed))
        return 1
    log("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
