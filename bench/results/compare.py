#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare one governor's energy with a baseline's at equal quality of service.

Reads eagov-bench --json output (one or more files, e.g. one per seed) and
prints, per device x workload, the candidate's energy over the baseline's and
whether its QoS counts as equal: mean perf index >= baseline - 0.02, missed
activations <= baseline + 0.5 points, RT and CFS response-time p99 <= 1.10 x
baseline, work% >= 99.5 (or >= the baseline's when the baseline itself does
less). Where the two did different amounts of work, energy is compared per
unit of work. Ends with the geometric mean per device and overall, the worst
case, and the geometric mean over the oracle reference.

  eagov-bench -q --json -g schedutil -g eagov > run.json
  bench/results/compare.py run.json [--candidate eagov] [--baseline schedutil]
"""
import argparse
import json
import math
import sys
from collections import defaultdict


def load(paths):
    runs = defaultdict(dict)  # (device, workload, seed) -> governor -> result
    for i, p in enumerate(paths):
        if p == "-":
            d = json.load(sys.stdin)
        else:
            with open(p) as f:
                d = json.load(f)
        for r in d["results"]:
            runs[(r["device"], r["workload"], i)][r["governor"]] = r
    return runs


def qos_equal(c, b):
    """Reasons the candidate's QoS is worse than the baseline's; [] if equal."""
    why = []
    pc, pb = c.get("perf_index_mean"), b.get("perf_index_mean")
    if pc is not None and pb is not None and pc < pb - 0.02:
        why.append("perf %.3f<%.3f" % (pc, pb))
    if (c.get("missed_pct") or 0) > (b.get("missed_pct") or 0) + 0.5:
        why.append("missed %.1f>%.1f" % (c["missed_pct"], b["missed_pct"]))
    for k in ("resp_rt_p99_us", "resp_cfs_p99_us"):
        vc, vb = c.get(k), b.get(k)
        if vc is not None and vb is not None and vc > 1.10 * vb:
            why.append("%s %.0f>%.0f" % (k[5:8], vc, 1.10 * vb))
    if c["work_pct"] < min(99.5, b["work_pct"]):
        why.append("work %.1f" % c["work_pct"])
    return why


def energy_ratio(c, b):
    """Energy over the baseline's, per unit of work when the work differs."""
    ec, eb = c["energy_j"], b["energy_j"]
    if abs(c["work_pct"] - b["work_pct"]) >= 0.5:
        ec /= max(c["work_pct"], 1e-9)
        eb /= max(b["work_pct"], 1e-9)
    return ec / eb


def gmean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json", nargs="+")
    ap.add_argument("--candidate", default="eagov")
    ap.add_argument("--baseline", default="schedutil")
    ap.add_argument("--quiet", action="store_true", help="summary lines only")
    ap.add_argument("--brief", action="store_true",
                    help="one line per device x workload with both energies, then the summary")
    a = ap.parse_args()
    runs = load(a.json)
    per_case = defaultdict(list)  # (device, workload) -> [(ratio, why, x_oracle)]
    for (dev, wl, seed), g in sorted(runs.items()):
        if a.candidate not in g or a.baseline not in g:
            continue
        c, b = g[a.candidate], g[a.baseline]
        per_case[(dev, wl)].append((energy_ratio(c, b), qos_equal(c, b), c.get("x_oracle")))
        if a.brief:
            why = qos_equal(c, b)
            per_work = abs(c["work_pct"] - b["work_pct"]) >= 0.5
            print("%s %s: %s %.2f J, %s %.2f J (%.3f x%s), QoS %s" % (
                dev, wl.replace(".json", ""), a.candidate, c["energy_j"], a.baseline,
                b["energy_j"], energy_ratio(c, b), " per unit of work" if per_work else "",
                "equal" if not why else
                "worse: " + ", ".join(why)))
    if not per_case:
        sys.exit("compare.py: no run has both %s and %s" % (a.candidate, a.baseline))
    by_dev = defaultdict(list)
    ratios, oracle, failed = [], [], 0
    if not a.quiet and not a.brief:
        print("%-10s %-22s %8s %8s %8s  %s" % ("device", "workload", "x base", "min", "max", "QoS"))
    for (dev, wl), rs in sorted(per_case.items()):
        rr = [r for r, _, _ in rs]
        g = gmean(rr)
        whys = sorted({w for _, ws, _ in rs for w in ws})
        nbad = sum(1 for _, ws, _ in rs if ws)
        failed += nbad
        ratios.append(g)
        by_dev[dev].append(g)
        oracle += [x for _, _, x in rs if x]
        if not a.quiet and not a.brief:
            q = "equal" if not nbad else "worse in %d/%d: %s" % (nbad, len(rs), ", ".join(whys[:3]))
            print("%-10s %-22s %8.3f %8.3f %8.3f  %s" % (dev, wl.replace(".json", ""), g, min(rr),
                                                        max(rr), q))
    for dev, rs in sorted(by_dev.items()):
        if a.brief and len(by_dev) == 1:
            break
        print("%s: geomean %.3f x %s over %d workloads" % (dev, gmean(rs), a.baseline, len(rs)))
    worst = max(per_case.items(), key=lambda kv: gmean([r for r, _, _ in kv[1]]))
    print("all: geomean %.3f x %s, worst %.3f (%s %s), %d of %d runs with worse QoS%s" % (
        gmean(ratios), a.baseline, gmean([r for r, _, _ in worst[1]]), worst[0][0],
        worst[0][1].replace(".json", ""), failed, sum(len(v) for v in per_case.values()),
        ", geomean %.3f x oracle" % gmean(oracle) if oracle else ""))


if __name__ == "__main__":
    main()
