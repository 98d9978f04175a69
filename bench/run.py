#!/usr/bin/env python3
"""One driver for the matching benchmarks: every solver on the same files, in one run.

For each instance shape it generates the instance (seeded, cached under --data),
then runs `tandem match` (optimal and stable), OR-Tools' max-flow-min-cost (the
reference optimum), the `matching` package's HospitalResident (up to 10k mentees)
and scipy's linear_sum_assignment with mentor places copied (where the dense matrix
fits), each as its own process, --repeat times. It checks every assignment
independently (capacities, pairs, total score and blocking pairs, in exact units of
the scores' own precision) and prints a Markdown table per shape: median solve time,
median load/build time, median whole-process time, peak memory, matched mentees,
total score as a ratio of OR-Tools' optimum, blocking pairs, and `optimal`'s solve
time as a share of OR-Tools' solve.

    python3 bench/run.py                       # every shape
    python3 bench/run.py --shapes small,mixed-capacity
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from common import check, read_assignment, read_instance  # noqa: E402

# name → (what it is, arguments of gen.py). Today's instances first, then the hard shapes.
SHAPES = {
    "small": ("1,000 mentees × 200 mentors, capacity 5, 50 candidates, whole-number scores",
              dict(mentees=1_000, mentors=200)),
    "medium": ("10,000 mentees × 2,000 mentors, capacity 5, 50 candidates, whole-number scores",
               dict(mentees=10_000, mentors=2_000)),
    "large": ("100,000 mentees × 20,000 mentors, capacity 5, 50 candidates, whole-number scores",
              dict(mentees=100_000, mentors=20_000)),
    "large-6dp": ("the large instance's shape with six-decimal scores",
                  dict(mentees=100_000, mentors=20_000, decimals=6)),
    "low-coverage": ("100,000 × 20,000, capacity 5, 50 candidates, heavy popularity skew "
                     "(Zipf 1.8), six decimals",
                     dict(mentees=100_000, mentors=20_000, skew=1.8, decimals=6)),
    "contested": ("100,000 × 20,000, capacity 5, 50 candidates, strong skew (Zipf 1.5), six decimals",
                  dict(mentees=100_000, mentors=20_000, skew=1.5, decimals=6)),
    "mixed-capacity": ("50,000 × 15,000, capacities 1 / 3 / 10 for 50% / 30% / 20% of mentors, "
                       "20 candidates, six decimals",
                       dict(mentees=50_000, mentors=15_000, capacity_mix="1:0.5,3:0.3,10:0.2",
                            candidates=20, decimals=6)),
    "one-to-one": ("50,000 × 50,000, capacity 1, 20 candidates, six decimals",
                   dict(mentees=50_000, mentors=50_000, capacity=1, candidates=20, decimals=6)),
    "k10": ("100,000 × 20,000, capacity 5, 10 candidates, six decimals",
            dict(mentees=100_000, mentors=20_000, candidates=10, decimals=6)),
    "k200": ("25,000 × 5,000, capacity 5, 200 candidates, six decimals",
             dict(mentees=25_000, mentors=5_000, candidates=200, decimals=6)),
}


TIME = "/usr/bin/time"


def run(cmd):
    """Runs a command; returns (its JSON line, wall seconds, peak RSS in MB) of that process alone.

    Peak memory comes from GNU time, which forks from a small process: measuring from
    this driver would count the driver's own pages, copied into the child at fork.
    """
    # stderr goes to a file: a chatty peer must not block on a full pipe.
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.run([TIME, "-f", "peak_kb=%M"] + cmd, stdout=subprocess.PIPE, stderr=err)
        wall = time.perf_counter() - start
        err.seek(0)
        log = err.read().decode()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{log}")
    peak_kb = int(log.rsplit("peak_kb=", 1)[1].split()[0])
    return json.loads(proc.stdout.decode().strip().splitlines()[-1]), wall, peak_kb / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated; default: all")
    ap.add_argument("--tandem", default=os.path.join(HERE, "..", "target", "release", "tandem"))
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not os.path.exists(TIME):
        sys.exit("GNU time is needed for peak memory: apt-get install time")
    if not os.path.exists(args.tandem):
        sys.exit(f"{args.tandem} not found: run `cargo build --release` first")
    py = sys.executable
    for shape in args.shapes.split(","):
        if shape not in SHAPES:
            sys.exit(f"unknown shape {shape!r}; known: {', '.join(SHAPES)}")
        about, spec = SHAPES[shape]
        spec = dict(dict(capacity=5, candidates=50), **spec)
        d = os.path.join(args.data, shape)
        mentors, edges = os.path.join(d, "mentors.csv"), os.path.join(d, "edges.csv")
        if not os.path.exists(edges):
            print(f"generating {shape}: {about}…", file=sys.stderr)
            gen = [py, os.path.join(HERE, "gen.py"), "--out", d]
            for key, value in spec.items():
                gen += ["--" + key.replace("_", "-"), str(value)]
            subprocess.run(gen, check=True)
        solvers = [
            ("tandem optimal", [args.tandem, "match", "--mentors", mentors, "--edges", edges,
                                "--objective", "optimal", "--quiet", "--out"]),
            ("tandem stable", [args.tandem, "match", "--mentors", mentors, "--edges", edges,
                               "--objective", "stable", "--quiet", "--out"]),
            ("OR-Tools min-cost flow", [py, os.path.join(HERE, "ortools_mcf.py"), mentors, edges]),
        ]
        if spec["mentees"] <= 10_000:
            solvers.append(("matching HospitalResident", [py, os.path.join(HERE, "matching_hr.py"), mentors, edges]))
        if spec["mentees"] * spec["mentors"] * spec["capacity"] <= 25_000_000 and "capacity_mix" not in spec:
            solvers.append(("scipy linear_sum_assignment", [py, os.path.join(HERE, "scipy_lsa.py"), mentors, edges]))
        inst = read_instance(mentors, edges)
        rows = []
        for name, cmd in solvers:
            out_csv = os.path.join(d, name.replace(" ", "_") + ".csv")
            solves, builds, walls, peaks = [], [], [], []
            for _ in range(args.repeat):
                summary, wall, peak = run(cmd + [out_csv])
                solves.append(summary["solve_seconds"])
                builds.append(summary.get("build_seconds", summary.get("load_seconds", 0.0)))
                walls.append(wall)
                peaks.append(peak)
            pairs, total, blocking, capacity_ok = check(inst, read_assignment(out_csv, inst))
            assert capacity_ok, f"{name} exceeds a capacity"
            rows.append(dict(solver=name, solve=statistics.median(solves), build=statistics.median(builds),
                             wall=statistics.median(walls), peak=max(peaks), pairs=pairs, total=total,
                             blocking=blocking))
            print(f"  {name}: solve {rows[-1]['solve']:.3f}s, process {rows[-1]['wall']:.2f}s", file=sys.stderr)
        reference = next(r for r in rows if r["solver"].startswith("OR-Tools"))
        print(f"\n### {shape}: {about}; {inst.n_mentees:,} mentees, {inst.n_mentors:,} mentors, "
              f"{len(inst.mentee):,} candidate pairs (median of {args.repeat})\n")
        print("| solver | solve s | load/build s | whole process s | peak MB | matched | total / OR-Tools "
              "| blocking pairs | solve / OR-Tools solve | process / OR-Tools build + solve |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            mine = r["solver"].startswith("tandem")
            vs_solve = f"{r['solve'] / reference['solve']:.2f}" if mine else ""
            vs_all = f"{r['wall'] / (reference['build'] + reference['solve']):.2f}" if mine else ""
            print(f"| {r['solver']} | {r['solve']:.3f} | {r['build']:.3f} | {r['wall']:.2f} | {r['peak']:.0f} | "
                  f"{r['pairs']:,} | {r['total'] / reference['total']:.6f} | {r['blocking']:,} | {vs_solve} | {vs_all} |")
        exact = [r["solver"] for r in rows if r["total"] == reference["total"] and r["pairs"] == reference["pairs"]]
        print(f"\nEqual to OR-Tools' optimum exactly (pairs and total in units of 10^-{inst.decimals}): "
              f"{', '.join(exact)}.")
        sys.stdout.flush()
        with open(os.path.join(d, "results.json"), "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
