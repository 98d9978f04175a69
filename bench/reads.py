#!/usr/bin/env python3
"""Authenticated reads against a bare-axum ceiling, measured in one run.

For each database (SQLite, PostgreSQL) it starts `tandem serve --demo` on a fresh
database, signs in as a demo mentee (Bearer token), and runs `wrk` against

  ceiling   bench/ceiling: one axum handler returning a mentorship-shaped JSON
  one       GET /api/v1/mentorships/{id}
  list      GET /api/v1/mentorships
  me        GET /api/v1/me

alternating ceiling, one, list, me for --rounds rounds, so that every target sees
the same machine. It prints medians (req/s, p99, errors) and each read's share of
the ceiling measured in the same run, as a Markdown table.

Needs: `cargo build --release` (tandem and tandem-ceiling), Debian's `wrk`, and
for PostgreSQL a server that `psql -h 127.0.0.1 -U postgres` reaches.

    python3 bench/reads.py --seconds 10 --rounds 3
    python3 bench/reads.py --databases sqlite --read-cache false   # the uncached path
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TANDEM = os.path.join(ROOT, "target", "release", "tandem")
CEILING = os.path.join(ROOT, "target", "release", "tandem-ceiling")
MENTEE = "noah.williams@demo.tandem.test"
PASSWORD = "tandem-demo-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    sys.exit(f"{url} did not answer within {seconds}s")


def request(url, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, token, seconds, threads, connections):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if token:
        cmd[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    return {"rps": rps, "p99_ms": to_ms(*p99.groups()), "errors": errors}


class Server:
    def __init__(self, args, env=None, cwd=None):
        self.proc = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def psql(sql):
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
        check=True,
        capture_output=True,
    )


def measure(database, opts, ceiling_url):
    work = tempfile.mkdtemp(prefix="tandem-reads-")
    pg_name = None
    if database == "sqlite":
        url = f"sqlite://{work}/tandem.db"
    else:
        pg_name = f"tandem_reads_{os.getpid()}"
        psql(f"DROP DATABASE IF EXISTS {pg_name}")
        psql(f"CREATE DATABASE {pg_name}")
        url = f"postgres://postgres@127.0.0.1:5432/{pg_name}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RUST_LOG="warn", TANDEM_READ_CACHE=opts.read_cache)
    server = Server(
        [TANDEM, "serve", "--demo", "--bind", f"127.0.0.1:{port}", "--database-url", url],
        env=env,
        cwd=work,
    )
    try:
        wait_for(f"{base}/readyz")
        token = request(f"{base}/api/v1/auth/login", body={"email": MENTEE, "password": PASSWORD})["token"]
        mine = request(f"{base}/api/v1/mentorships", token=token)
        one = mine["items"][0]["id"]
        targets = {
            "ceiling": (ceiling_url, None),
            "one": (f"{base}/api/v1/mentorships/{one}", token),
            "list": (f"{base}/api/v1/mentorships", token),
            "me": (f"{base}/api/v1/me", token),
        }
        for name, (target, tok) in targets.items():  # warm up
            wrk(target, tok, 1, opts.threads, opts.connections)
        runs = {name: [] for name in targets}
        for r in range(opts.rounds):
            for name, (target, tok) in targets.items():
                got = wrk(target, tok, opts.seconds, opts.threads, opts.connections)
                runs[name].append(got)
                print(
                    f"  {database} round {r + 1} {name:8} {got['rps']:>9.0f} req/s  p99 {got['p99_ms']:.2f} ms  errors {got['errors']}",
                    file=sys.stderr,
                )
        return runs
    finally:
        server.stop()
        if pg_name:
            psql(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--databases", default="sqlite,postgres")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--read-cache", default="true", choices=["true", "false"])
    opts = ap.parse_args()
    for binary in (TANDEM, CEILING):
        if not os.path.exists(binary):
            sys.exit(f"{binary} is missing: run `cargo build --release` first")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    ceiling_port = free_port()
    ceiling = Server([CEILING, f"127.0.0.1:{ceiling_port}"])
    ceiling_url = f"http://127.0.0.1:{ceiling_port}/api/v1/mentorships/x"
    try:
        wait_for(ceiling_url)
        results = {db: measure(db, opts, ceiling_url) for db in opts.databases.split(",")}
    finally:
        ceiling.stop()
    labels = {
        "ceiling": "bare axum ceiling",
        "one": "GET /api/v1/mentorships/{id}",
        "list": "GET /api/v1/mentorships",
        "me": "GET /api/v1/me",
    }
    print(
        f"\nwrk -t{opts.threads} -c{opts.connections} -d{opts.seconds}s, {opts.rounds} rounds alternating, "
        f"medians; read cache {opts.read_cache}\n"
    )
    print("| database | read | req/s | share of ceiling | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|")
    for db, runs in results.items():
        ceiling_rps = statistics.median(r["rps"] for r in runs["ceiling"])
        for name in ("ceiling", "one", "list", "me"):
            rps = statistics.median(r["rps"] for r in runs[name])
            p99 = statistics.median(r["p99_ms"] for r in runs[name])
            errors = sum(r["errors"] for r in runs[name])
            share = "—" if name == "ceiling" else f"{100 * rps / ceiling_rps:.0f}%"
            print(f"| {db} | {labels[name]} | {rps:,.0f} | {share} | {p99:.2f} | {errors} |")


if __name__ == "__main__":
    main()
