#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""eagovd's power-profiles D-Bus API end to end: the real eagovd, a dry run on
a fake HiKey960 sysfs tree, serving a private dbus-daemon (the bus of
test_ppd_dbus.py, never the system bus) with --dbus=ADDRESS, driven by Debian's
powerprofilesctl and checked through eagovctl on the daemon's control socket:
set / get / launch change eagovd's profile, a switch through eagovctl reaches
D-Bus clients, the chosen profile is saved and restored, a hot thermal zone
makes PerformanceDegraded, and a second eagovd finds the names taken. Exit 77
(skip) without dbus-daemon or powerprofilesctl."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback

from test_ppd_dbus import SKIP, TIMEOUT, Bus, Failure, check, log, wait_until

CPU_DIR = "sys/devices/system/cpu"


def put(root, rel, content):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(content)


def fake_tree(root):
    """HiKey960 as conf/devices/hikey960.ini describes it (the tree of
    tests/integration/daemon/daemon_harness.c), plus its thermal zone."""
    for n, cpus, freqs in ((0, "0 1 2 3", "533000 999000 1402000 1709000 1844000"),
                           (4, "4 5 6 7", "903000 1421000 1805000 2112000 2362000")):
        pol = f"{CPU_DIR}/cpufreq/policy{n}/"
        lo, hi = freqs.split()[0], freqs.split()[-1]
        for name, val in (("related_cpus", cpus), ("affected_cpus", cpus),
                          ("cpuinfo_min_freq", lo), ("cpuinfo_max_freq", hi),
                          ("cpuinfo_transition_latency", "50000"), ("scaling_min_freq", lo),
                          ("scaling_max_freq", hi), ("scaling_cur_freq", lo),
                          ("scaling_available_frequencies", freqs + " "),
                          ("scaling_driver", "cpufreq-dt"),
                          ("scaling_available_governors", "userspace schedutil "),
                          ("scaling_governor", "schedutil"), ("scaling_setspeed", "<unsupported>")):
            put(root, pol + name, val + "\n")
    for cpu in range(8):
        put(root, f"{CPU_DIR}/cpu{cpu}/online", "1\n")
        put(root, f"{CPU_DIR}/cpu{cpu}/power/pm_qos_resume_latency_us", "0\n")
        for k, (name, lat, res) in enumerate((("WFI", 1, 1), ("cpu-sleep", 40, 80),
                                              ("cluster-sleep", 500, 5000))):
            d = f"{CPU_DIR}/cpu{cpu}/cpuidle/state{k}/"
            for f, v in (("name", name), ("time", 0), ("usage", 0), ("latency", lat),
                         ("residency", res), ("disable", 0)):
                put(root, d + f, f"{v}\n")
        os.symlink(f"../cpufreq/policy{0 if cpu < 4 else 4}",
                   os.path.join(root, CPU_DIR, f"cpu{cpu}", "cpufreq"))
    put(root, "sys/class/thermal/thermal_zone0/temp", "40000\n")
    put(root, "dev/cpu_dma_latency", "")


class Eagovd:
    """eagovd --dry-run on the tree, its stdout and stderr in files."""

    def __init__(self, tmp, address, name="eagovd", extra=()):
        self.out = os.path.join(tmp, name + ".out")
        self.err = os.path.join(tmp, name + ".err")
        self.socket = os.path.join(tmp, name + ".sock")
        argv = [os.environ["EAGOVD"], "--dry-run", "--sysfs-root", os.path.join(tmp, "root"),
                "--device", "hikey960", "--source", "poll", "--config",
                os.path.join(tmp, "eagov.conf"), "--control-socket", self.socket,
                f"--dbus={address}", "--persist-dir", os.path.join(tmp, "lib"), *extra]
        with open(self.out, "w") as out, open(self.err, "w") as err:
            self.proc = subprocess.Popen(argv, stdout=out, stderr=err)

    def stderr(self):
        with open(self.err) as f:
            return f.read()

    def ctl(self, *args):
        r = subprocess.run([os.environ["EAGOVCTL"], "--socket", self.socket, *args],
                           capture_output=True, text=True, timeout=TIMEOUT)
        return r

    def profile(self):
        r = self.ctl("get", "profile")
        check(r.returncode == 0, f"eagovctl get profile: {r.stderr}")
        return r.stdout.strip()

    def wait_ready(self):
        wait_until(lambda: "D-Bus: serving" in self.stderr() or self.proc.poll() is not None,
                   "eagovd on the bus")
        check(self.proc.poll() is None, "eagovd exited:\n" + self.stderr())
        wait_until(lambda: self.ctl("get", "profile").returncode == 0, "the control socket")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def run_test(tmp, bus):
    ppc = shutil.which("powerprofilesctl")
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=bus.address)

    def ppctl(*args):
        return subprocess.run([ppc, *args], capture_output=True, text=True, env=env,
                              timeout=TIMEOUT)

    def get():
        r = ppctl("get")
        check(r.returncode == 0, f"powerprofilesctl get: {r.stderr}")
        return r.stdout.strip()

    d = Eagovd(tmp, bus.address)
    try:
        d.wait_ready()
        log("list / get")
        r = ppctl("list")
        check(r.returncode == 0, f"list: {r.stderr}")
        blocks = [b.strip() for b in r.stdout.strip().split("\n\n")]
        check([b.splitlines()[0] for b in blocks] == ["performance:", "* balanced:",
                                                      "power-saver:"], f"list:\n{r.stdout}")
        # A dry run writes no cpufreq driver: no CpuDriver line.
        check(all("CpuDriver" not in b for b in blocks), f"CpuDriver in a dry run:\n{r.stdout}")
        check(get() == "balanced" and d.profile() == "balanced", "starts balanced")

        log("powerprofilesctl set -> eagovd")
        r = ppctl("set", "performance")
        check(r.returncode == 0, f"set performance: {r.stderr}")
        wait_until(lambda: d.profile() == "performance", "eagovd in performance")
        check(get() == "performance", "get after set")
        with open(os.path.join(tmp, "lib", "profile")) as f:
            check(f.read() == "performance\n", "the D-Bus choice is saved")
        check("D-Bus: profile performance" in d.stderr(), "switch logged")

        log("eagovctl set -> D-Bus clients")
        r = d.ctl("set", "profile", "power-saver")
        check(r.returncode == 0, f"eagovctl set profile: {r.stderr}")
        check(get() == "power-saver", "powerprofilesctl sees eagovctl's switch")
        with open(os.path.join(tmp, "lib", "profile")) as f:
            check(f.read() == "power-saver\n", "eagovctl's choice is saved")

        log("launch holds performance for the command's lifetime")
        launch = subprocess.Popen([ppc, "launch", "-p", "performance", "--", "head", "-n1"],
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: d.profile() == "performance", "the hold in eagovd")
            r = d.ctl("status", "--json")
            check('"dbus_holds":1' in r.stdout.replace(" ", ""), f"status holds:\n{r.stdout}")
            # A reload while held keeps the held profile, and the hold's end
            # still returns to the user's choice.
            d.proc.send_signal(signal.SIGHUP)
            wait_until(lambda: d.stderr().count("reloaded") == 1, "the reload while held")
            check(d.profile() == "performance" and get() == "performance", "held after reload")
            out, err = launch.communicate("done\n", timeout=TIMEOUT)
            check(launch.returncode == 0, f"launch: {out!r} {err}")
        finally:
            if launch.poll() is None:
                launch.kill()
                launch.wait()
        wait_until(lambda: d.profile() == "power-saver", "back to power-saver after launch")
        with open(os.path.join(tmp, "lib", "profile")) as f:
            check(f.read() == "power-saver\n", "a hold is not saved")

        log("SIGHUP keeps the chosen profile")
        d.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: d.stderr().count("reloaded") == 2, "the reload")
        check(d.profile() == "power-saver" and get() == "power-saver", "profile after reload")

        log("a hot zone: PerformanceDegraded")
        put(os.path.join(tmp, "root"), "sys/class/thermal/thermal_zone0/temp", "90000\n")
        wait_until(lambda: "Degraded:   yes (high-operating-temperature)" in ppctl("list").stdout,
                   "PerformanceDegraded while capped")
        put(os.path.join(tmp, "root"), "sys/class/thermal/thermal_zone0/temp", "30000\n")
        wait_until(lambda: "Degraded:   yes" not in ppctl("list").stdout,
                   "PerformanceDegraded cleared when cool")

        log("a second eagovd asked for the bus finds the names taken")
        second = Eagovd(tmp, bus.address, name="second")
        code = second.proc.wait(timeout=TIMEOUT)
        err = second.stderr()
        check(code == 1, f"second eagovd exited {code}:\n{err}")
        check("org.freedesktop.UPower.PowerProfiles is owned by eagovd (pid "
              f"{d.proc.pid})" in err, f"the owner named:\n{err}")
        check(d.proc.poll() is None and get() == "power-saver", "the first one serves on")
    finally:
        code = d.stop()
    check(code == 0, f"eagovd exited {code}:\n{d.stderr()}")

    log("the saved profile is restored at start")
    d = Eagovd(tmp, bus.address)
    try:
        d.wait_ready()
        check(d.profile() == "power-saver" and get() == "power-saver", "restored power-saver")
    finally:
        check(d.stop() == 0, "restart exit")
    with open(os.path.join(tmp, "lib", "profile"), "w") as f:
        f.write("turbo\n")
    d = Eagovd(tmp, bus.address)
    try:
        d.wait_ready()
        check(d.profile() == "balanced", "an unknown saved profile is ignored")
        check("'turbo' is not power-saver, balanced or performance; ignored" in d.stderr(),
              "the bad saved profile is named:\n" + d.stderr())
    finally:
        check(d.stop() == 0, "restart exit")


def main():
    for tool, package in (("dbus-daemon", "dbus-daemon"),
                          ("powerprofilesctl", "power-profiles-daemon")):
        if not shutil.which(tool):
            log(f"SKIP: {tool} not found (Debian package {package})")
            return SKIP
    for var in ("EAGOVD", "EAGOVCTL", "EAGOV_SOURCE_ROOT"):
        if var not in os.environ:
            log(f"{var} not set: run through meson test")
            return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    tmp = tempfile.mkdtemp(prefix="eagov-ppd-daemon-")
    os.chmod(tmp, 0o755)
    bus = None
    try:
        fake_tree(os.path.join(tmp, "root"))
        with open(os.path.join(tmp, "eagov.conf"), "w") as f:
            f.write("[daemon]\nprofile = balanced\n")
        bus = Bus(tmp, os.environ["EAGOV_SOURCE_ROOT"])
        run_test(tmp, bus)
    except Exception as e:
        log(f"FAILED: {e}")
        if not isinstance(e, Failure):
            traceback.print_exc(file=sys.stdout)
        return 1
    finally:
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
