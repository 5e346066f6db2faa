#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every figure of the README's "eagov's own policy" section, in one run.

Runs eagov-bench (the simulator) and prints Markdown: eagov against schedutil
at equal QoS per device (the rules of compare.py), the spread over seeds 0-9,
the ablation (each mechanism off in turn, and options that are off by
default turned on), the held-out devices reported apart, and sustained load
under the thermal cap.

  bench/results/eagov-report.py [--bench build/bench/eagov-bench] [--seeds 10]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# The control (last passive) trip of each device's thermal zone, from
# conf/devices/*.ini: a governor's peak should stay within 1 C of it.
CONTROL_C = {"HiKey960": "75", "HiKey": "75", "MediaTek MT8173": "85",
             "Qualcomm SDM845": "95"}
sys.path.insert(0, HERE)
import compare  # noqa: E402

ABLATION = [
    ("eagov", "all mechanisms (default)"),
    ("eagov:energy_opp=no", "without the energy-model OPP choice"),
    ("eagov:rt_fit=no", "without RT tasks served by their history (RT at the top OPP)"),
    ("eagov:rt_clamp=yes", "with RT uclamp hints (off by default)"),
    ("eagov:idle_drop=no", "without the idle-domain drop"),
    ("eagov:fast_raise=no", "raising held by the rate limit, as schedutil"),
    ("eagov:cfs_fit=yes", "with just-in-time periodic CFS (off by default)"),
    ("eagov:thermal.deadline_first=no", "the kernel's thermal split instead of deadline-first"),
    ("eagov:headroom_pct=115", "headroom 115 % instead of 125 % (the QoS wall)"),
]


def bench(args, extra):
    cmd = [args.bench, "-q", "--json", "--no-oracle"] + extra
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    f.write(out)
    f.close()
    return f.name


def summary(paths, cand, base="schedutil"):
    """(geomean, worst, worst case, runs with worse QoS, runs, per-device)."""
    runs = compare.load(paths)
    per_case, by_dev = {}, {}
    bad = total = 0
    for (dev, wl, _seed), g in runs.items():
        if cand not in g or base not in g:
            continue
        c, b = g[cand], g[base]
        per_case.setdefault((dev, wl), []).append(compare.energy_ratio(c, b))
        bad += 1 if compare.qos_equal(c, b) else 0
        total += 1
    ratios = {k: compare.gmean(v) for k, v in per_case.items()}
    for (dev, _), r in ratios.items():
        by_dev.setdefault(dev, []).append(r)
    worst = max(ratios.items(), key=lambda kv: kv[1])
    return (compare.gmean(list(ratios.values())), worst[1],
            "%s %s" % (worst[0][0], worst[0][1].replace(".json", "")), bad, total,
            {d: compare.gmean(v) for d, v in sorted(by_dev.items())})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", default=os.path.join(HERE, "..", "..", "build", "bench",
                                                     "eagov-bench"))
    ap.add_argument("--seeds", type=int, default=10)
    args = ap.parse_args()
    tmp = []

    print("### eagov against schedutil, seed 0 (shipped devices)\n")
    p = bench(args, ["-g", "schedutil", "-g", "eagov"])
    tmp.append(p)
    g, w, wc, bad, n, dev = summary([p], "eagov")
    print("| device | geomean energy, x schedutil |\n| --- | ---: |")
    for d, r in dev.items():
        print("| %s | %.3f |" % (d, r))
    print("| all | %.3f (worst %.3f, %s; %d of %d runs with worse QoS) |\n" % (g, w, wc, bad, n))

    print("### Seeds 0-%d\n" % (args.seeds - 1))
    print("| seed | geomean | worst | runs with worse QoS |\n| ---: | ---: | ---: | ---: |")
    gs = []
    for s in range(args.seeds):
        p = bench(args, ["-g", "schedutil", "-g", "eagov", "-s", str(s)])
        tmp.append(p)
        g, w, wc, bad, n, _ = summary([p], "eagov")
        gs.append(g)
        print("| %d | %.3f | %.3f (%s) | %d of %d |" % (s, g, w, wc, bad, n))
    print("\nSpread of the geomean over seeds: %.3f-%.3f.\n" % (min(gs), max(gs)))

    print("### Ablation, seed 0 (geomean over schedutil, shipped devices)\n")
    print("| variant | geomean | worst | runs with worse QoS |\n| --- | ---: | ---: | ---: |")
    for gov, what in ABLATION:
        p = bench(args, ["-g", "schedutil", "-g", gov])
        tmp.append(p)
        g, w, wc, bad, n, _ = summary([p], gov)
        print("| %s (`%s`) | %.3f | %.3f (%s) | %d of %d |" % (what, gov, g, w, wc, bad, n))

    print("\n### Devices the policy was not tuned on (seed 0)\n")
    p = bench(args, ["--held-out", "-g", "schedutil", "-g", "eagov"])
    tmp.append(p)
    g, w, wc, bad, n, dev = summary([p], "eagov")
    print("| device | geomean energy, x schedutil |\n| --- | ---: |")
    for d, r in dev.items():
        print("| %s | %.3f |" % (d, r))
    print("| all held-out | %.3f (worst %.3f, %s; %d of %d runs with worse QoS) |\n" % (
        g, w, wc, bad, n))
    print("| held-out, variant | geomean | runs with worse QoS |\n| --- | ---: | ---: |")
    for gov, _what in ABLATION[1:6]:
        p = bench(args, ["--held-out", "-g", "schedutil", "-g", gov])
        tmp.append(p)
        g, w, wc, bad, n, _ = summary([p], gov)
        print("| `%s` | %.3f | %d of %d |" % (gov, g, bad, n))
    print()

    print("### Sustained load under the thermal cap (seed 0)\n")
    print("sustained-heavy alone, and thermal-rt (the same load beside a SCHED_FIFO DSP "
          "needing 72 % of the calibration CPU every 5 ms; miss % and RT p99 are the "
          "DSP's).\n")
    print("| device | workload | governor | work % | miss % | RT p99 us | peak C | control C "
          "| energy J |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    govs = ["-g", "schedutil", "-g", "eagov",
            "-g", "eagov:thermal.deadline_first=no",
            "-g", "eagov:thermal.deadline_first=no,thermal.efficient_split=yes"]
    for wl in ("sustained-heavy.json", os.path.join("extra", "thermal-rt.json")):
        path = os.path.join(HERE, "..", "workloads", wl)
        for extra in (["-d", "hikey960", "-d", "hikey620"], ["-d", "mt8173", "-d", "sdm845"]):
            p = bench(args, extra + ["-w", path] + govs)
            tmp.append(p)
            for r in json.load(open(p))["results"]:
                if r["governor"] == "performance":
                    continue
                rt99, miss = r["resp_rt_p99_us"], r["missed_pct"]
                print("| %s | %s | %s | %.2f | %s | %s | %s | %s | %.2f |" % (
                    r["device"], r["workload"].replace(".json", ""), r["governor"],
                    r["work_pct"], "-" if miss is None else "%.2f" % miss,
                    "-" if rt99 is None else "%.0f" % rt99,
                    "%.1f" % r["peak_temp_c"] if r["peak_temp_c"] is not None else "-",
                    CONTROL_C.get(r["device"], "-"), r["energy_j"]))
    print("\nthermal-rt over seeds 0-%d (the seed moves the DSP between clusters):\n"
          % (args.seeds - 1))
    print("| device | governor | miss %, mean | miss %, worst | seeds over 1 % | work %, least "
          "| peak C, highest |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    rows = {}
    path = os.path.join(HERE, "..", "workloads", "extra", "thermal-rt.json")
    for s in range(args.seeds):
        p = bench(args, ["-d", "hikey960", "-d", "hikey620", "-d", "mt8173", "-d", "sdm845",
                         "-w", path, "-s", str(s)] + govs)
        tmp.append(p)
        for r in json.load(open(p))["results"]:
            if r["governor"] != "performance":
                rows.setdefault((r["device"], r["governor"]), []).append(r)
    for (dev, gov), rs in rows.items():
        miss = [r["missed_pct"] for r in rs]
        print("| %s | %s | %.2f | %.2f | %d of %d | %.2f | %.1f |" % (
            dev, gov, sum(miss) / len(miss), max(miss), sum(1 for m in miss if m > 1),
            len(miss), min(r["work_pct"] for r in rs), max(r["peak_temp_c"] for r in rs)))
    for t in tmp:
        os.unlink(t)


if __name__ == "__main__":
    main()
