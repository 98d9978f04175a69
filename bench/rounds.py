#!/usr/bin/env python3
"""A matching round through the product at organisation scale, on SQLite and PostgreSQL.

Runs the `round_api` example (crates/tandem/examples/round_api.rs) as its own process
under GNU time, once per database and objective: it seeds a fresh database with a
program of --mentees mentees and --mentors mentors (not timed), then times
`POST /api/v1/programs/{id}/rounds` (pool loaded, candidates, solve, certificate,
draft stored, the reply) and the first page of the round's page. Prints a Markdown
table: round seconds, page seconds, end-to-end seconds, peak memory of the whole
process (server and client), pairs, most pairs possible, blocking pairs, certified.

    cargo build --release --example round_api
    python3 bench/rounds.py                                  # 100,000 × 20,000
    python3 bench/rounds.py --mentees 10000 --mentors 2000 --databases sqlite

PostgreSQL: --postgres names a server (default postgres://postgres@127.0.0.1:5432);
each run creates and drops a database `tandem_round_bench` there.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TIME = "/usr/bin/time"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mentees", type=int, default=100_000)
    ap.add_argument("--mentors", type=int, default=20_000)
    ap.add_argument("--databases", default="sqlite,postgres")
    ap.add_argument("--objectives", default="optimal,stable")
    ap.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--example", default=os.path.join(HERE, "..", "target", "release", "examples", "round_api"))
    args = ap.parse_args()
    if not os.path.exists(TIME):
        sys.exit("GNU time is needed for peak memory: apt-get install time")
    if not os.path.exists(args.example):
        sys.exit(f"{args.example} not found: run `cargo build --release --example round_api` first")
    print(f"| database | objective | round (s) | first page (s) | end to end (s) | peak memory (MB) "
          f"| pairs | most possible | blocking pairs | certified |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for database in args.databases.split(","):
        for objective in args.objectives.split(","):
            cmd = [args.example, "--mentees", str(args.mentees), "--mentors", str(args.mentors),
                   "--objective", objective]
            if database == "postgres":
                db = "tandem_round_bench"
                admin = ["psql", args.postgres + "/postgres", "-q", "-c"]
                subprocess.run(admin + [f"DROP DATABASE IF EXISTS {db}"], check=True)
                subprocess.run(admin + [f"CREATE DATABASE {db}"], check=True)
                cmd += ["--database-url", f"{args.postgres}/{db}"]
            with tempfile.TemporaryFile() as err:
                proc = subprocess.run([TIME, "-f", "peak_kb=%M"] + cmd, stdout=subprocess.PIPE, stderr=err)
                err.seek(0)
                text = err.read().decode(errors="replace")
            if database == "postgres":
                subprocess.run(["psql", args.postgres + "/postgres", "-q", "-c",
                                "DROP DATABASE IF EXISTS tandem_round_bench"], check=True)
            if proc.returncode != 0:
                sys.exit(f"{' '.join(cmd)} failed:\n{text[-2000:]}")
            out = json.loads(proc.stdout.decode().strip().splitlines()[-1])
            peak = int(re.findall(r"peak_kb=(\d+)", text)[-1]) // 1024
            print(f"| {database} | {objective} | {out['round_seconds']:.1f} | {out['page_seconds']:.2f} "
                  f"| {out['seconds']:.1f} | {peak} | {out['pairs']:,} | {out['max_pairs']:,} "
                  f"| {out['blocking_pairs']:,} | {'yes' if out['certified'] else 'no'} |", flush=True)


if __name__ == "__main__":
    main()
