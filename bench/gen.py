#!/usr/bin/env python3
"""Seeded generator of realistic matching instances for the benchmarks.

Mentor popularity follows a Zipf-like law (a few mentors are wanted by many),
each mentee lists `--candidates` distinct mentors drawn by popularity (the
"top-k candidate list" a candidate generator would hand to the solver), and
scores are numbers 0–100 from a mix of a pair-specific fit and the mentor's
general appeal, so preferences are correlated like real ones: whole numbers by
default, or with `--decimals` places (then nearly every score is distinct).
Capacities are one number (`--capacity`) or a mix (`--capacity-mix 1:0.5,3:0.3,10:0.2`).

Writes mentors.csv (`mentor,capacity`) and edges.csv
(`mentee,mentor,mentee_score,mentor_score`), the inputs of `tandem match`.
With --people it writes people.csv instead (profiles for `tandem match --people`).
"""
import argparse
import os
import sys

import numpy as np

SKILLS = [f"skill{i}" for i in range(300)]
FIELDS = ["Engineering", "Data", "Design", "Product", "Marketing", "Finance", "People", "Research",
          "Operations", "Sales", "Legal", "Security"]
LANGS = ["English", "German", "French", "Spanish", "Portuguese", "Japanese", "Hindi", "Arabic"]
TZS = ["Europe/London", "Europe/Berlin", "Europe/Madrid", "America/New_York", "America/Chicago",
       "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo", "Africa/Nairobi"]
SENIORITY = ["student", "junior", "mid", "senior", "lead", "executive"]
VALUES = ["candour", "craft", "curiosity", "kindness", "ownership", "rigour", "openness", "fairness"]


def zipf_weights(n, skew, rng):
    w = 1.0 / np.arange(1, n + 1) ** skew
    rng.shuffle(w)
    return w / w.sum()


def edges(args):
    rng = np.random.default_rng(args.seed)
    n, m, k = args.mentees, args.mentors, args.candidates
    popularity = zipf_weights(m, args.skew, rng)
    appeal = rng.integers(0, 40, size=m)
    if args.capacity_mix:
        values, shares = zip(*(part.split(":") for part in args.capacity_mix.split(",")))
        shares = np.array([float(x) for x in shares])
        capacity = rng.choice([int(v) for v in values], size=m, p=shares / shares.sum())
    else:
        capacity = np.full(m, args.capacity)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "mentors.csv"), "w") as f:
        f.write("mentor,capacity\n")
        f.write("".join(f"r{j},{c}\n" for j, c in enumerate(capacity)))
    d = args.decimals
    # Gumbel top-k: k distinct mentors per mentee, drawn by popularity, in blocks.
    logp = np.log(popularity)
    with open(os.path.join(args.out, "edges.csv"), "w") as f:
        f.write("mentee,mentor,mentee_score,mentor_score\n")
        block = max(1, 2_000_000 // m)
        for start in range(0, n, block):
            rows = min(block, n - start)
            keys = logp[None, :] - np.log(-np.log(rng.random((rows, m))))
            picked = np.argpartition(-keys, k - 1, axis=1)[:, :k]
            fit = rng.integers(0, 61, size=(rows, k))
            mentee_score = np.minimum(100, fit + appeal[picked])
            mentor_score = np.minimum(100, rng.integers(0, 61, size=(rows, k)) + fit // 2)
            if d:
                # A fraction below one point, kept under 100: `d` places, nearly all distinct.
                unit = 10 ** d
                mentee_score = np.minimum(100 * unit, mentee_score * unit + rng.integers(0, unit, size=(rows, k)))
                mentor_score = np.minimum(100 * unit, mentor_score * unit + rng.integers(0, unit, size=(rows, k)))
                text = lambda v: f"{v // unit}.{v % unit:0{d}d}"  # noqa: E731
            else:
                text = str
            lines = []
            for r in range(rows):
                i = start + r
                lines.extend(f"e{i},r{j},{text(a)},{text(b)}\n"
                             for j, a, b in zip(picked[r], mentee_score[r], mentor_score[r]))
            f.write("".join(lines))
            print(f"  {start + rows}/{n} mentees", file=sys.stderr, end="\r")
    print(file=sys.stderr)


def people(args):
    rng = np.random.default_rng(args.seed)
    skill_pop = zipf_weights(len(SKILLS), 1.0, rng)
    os.makedirs(args.out, exist_ok=True)

    def pick(pool, p, lo, hi):
        count = rng.integers(lo, hi + 1)
        return ";".join(rng.choice(pool, size=count, replace=False, p=p))

    with open(os.path.join(args.out, "people.csv"), "w") as f:
        f.write("id,role,capacity,email,manager_email,field,seniority,skills,wants_skills,interests,values,"
                "education,languages,timezone,learning_style,meeting_preference,hours_per_month\n")
        lines = []
        for role, count, prefix in (("mentor", args.mentors, "r"), ("mentee", args.mentees, "e")):
            for i in range(count):
                field = FIELDS[rng.integers(len(FIELDS))]
                tz = TZS[rng.integers(len(TZS))]
                langs = "English" if rng.random() < 0.8 else LANGS[rng.integers(len(LANGS))]
                if rng.random() < 0.3:
                    langs += ";" + LANGS[rng.integers(len(LANGS))]
                sen = SENIORITY[rng.integers(3, 6)] if role == "mentor" else SENIORITY[rng.integers(0, 4)]
                skills = pick(SKILLS, skill_pop, 3, 8) if role == "mentor" else pick(SKILLS, skill_pop, 0, 3)
                wants = "" if role == "mentor" else pick(SKILLS, skill_pop, 1, 4)
                cap = str(args.capacity) if role == "mentor" else ""
                lines.append(
                    f"{prefix}{i},{role},{cap},{prefix}{i}@example.org,,{field},{sen},{skills},{wants},"
                    f"{pick(VALUES, None, 0, 2)},{pick(VALUES, None, 1, 3)},,{langs},{tz},,,"
                    f"{rng.integers(1, 9)}\n")
                if len(lines) >= 50_000:
                    f.write("".join(lines))
                    lines = []
        f.write("".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mentees", type=int, default=100_000)
    ap.add_argument("--mentors", type=int, default=20_000)
    ap.add_argument("--capacity", type=int, default=5)
    ap.add_argument("--capacity-mix", help="capacities drawn at random, e.g. 1:0.5,3:0.3,10:0.2")
    ap.add_argument("--decimals", type=int, default=0, help="decimal places of the scores (0: whole numbers)")
    ap.add_argument("--candidates", type=int, default=50, help="mentors listed per mentee")
    ap.add_argument("--skew", type=float, default=0.8, help="Zipf exponent of mentor popularity")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--people", action="store_true", help="write people.csv (profiles) instead of edges")
    ap.add_argument("--out", required=True, help="directory for the files")
    args = ap.parse_args()
    people(args) if args.people else edges(args)


if __name__ == "__main__":
    main()
