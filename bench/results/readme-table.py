#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The README's default-matrix table from `eagov-bench -q --json` on stdin:
energy in joules per run, with a note where a run missed activations or did
less work than the performance run, then the oracle and the bound."""
import json
import sys

doc = json.load(sys.stdin)
govs = []
rows = {}
for r in doc["results"]:
    if r["governor"] not in govs:
        govs.append(r["governor"])
    rows.setdefault((r["device"], r["workload"]), {})[r["governor"]] = r
refs = {(r["device"], r["workload"]): r for r in doc.get("references", [])}

print("| device | workload | " + " | ".join(govs) + " | oracle | bound |")
print("| --- | --- | " + " | ".join("---:" for _ in govs) + " | ---: | ---: |")
for (dev, wl), by_gov in rows.items():
    cells = []
    for g in govs:
        r = by_gov.get(g)
        if r is None or r.get("energy_j") is None:
            cells.append("-")
            continue
        notes = []
        if r.get("missed_pct") and r["missed_pct"] >= 0.5:
            notes.append(f"{r['missed_pct']:.0f}% miss")
        if r.get("work_pct") is not None and r["work_pct"] < 99.5:
            notes.append(f"{r['work_pct']:.0f}% work")
        if r.get("stalled_tasks"):
            notes.append("stall")
        cell = f"{r['energy_j']:.2f}"
        if notes:
            cell += " (" + ", ".join(notes) + ")"
        cells.append(cell)
    ref = refs.get((dev, wl), {})
    oracle = ref.get("oracle_j")
    bound = ref.get("bound_j")
    cells.append(f"{oracle:.2f}" if oracle is not None else "-")
    cells.append(f"{bound:.2f}" if bound is not None else "-")
    print(f"| {dev} | {wl.removesuffix('.json')} | " + " | ".join(cells) + " |")
