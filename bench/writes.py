#!/usr/bin/env python3
"""What sealing costs a pair's writes: two builds of tandem, side by side, in one run.

For each database (SQLite, PostgreSQL) and each binary (--before, --after) it
starts `tandem serve --demo` on a fresh database (in a fresh working directory,
where the key file is created), signs in as a demo mentee, and writes a pair's
content one request at a time:

  message   POST /api/v1/mentorships/{id}/messages        {body}
  note      PUT  /api/v1/meetings/{meeting}/private-note   {body}

--writes of each, alternating before and after for --rounds rounds so that both
see the same machine. It prints the median time of a write (the whole HTTP
round trip) and the server's CPU time a write (from /proc: steadier than the
round trip, which the scheduler moves by a tenth from run to run), and
after's cost against before's, as a Markdown table.

Needs: two release builds of tandem, for example the commit before sealing and
this one:

    git worktree add /tmp/before <commit> && (cd /tmp/before && cargo build --release)
    cargo build --release
    python3 bench/writes.py --before /tmp/before/target/release/tandem

and for PostgreSQL a server that `psql -h 127.0.0.1 -U postgres` reaches.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reads  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXT = "What I want to bring up next time: how to ask for the stretch project. " * 4


def call(method, url, token, body):
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()
        status = r.status
    assert status in (200, 201), status
    return (time.perf_counter() - started) * 1000


def cpu_seconds(pid):
    """User and system CPU time of the process so far (Linux)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(binary, database, work):
    pg_name = None
    if database == "sqlite":
        url = f"sqlite://{work}/tandem.db"
    else:
        pg_name = f"tandem_writes_{os.getpid()}_{os.path.basename(work)}".replace("-", "_").lower()
        reads.psql(f"DROP DATABASE IF EXISTS {pg_name}")
        reads.psql(f"CREATE DATABASE {pg_name}")
        url = f"postgres://postgres@127.0.0.1:5432/{pg_name}"
    port = reads.free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RUST_LOG="warn")
    env.pop("TANDEM_KEY", None)
    env.pop("TANDEM_KEY_FILE", None)
    server = reads.Server(
        [binary, "serve", "--demo", "--bind", f"127.0.0.1:{port}", "--database-url", url],
        env=env,
        cwd=work,
    )
    reads.wait_for(f"{base}/readyz")
    token = reads.request(
        f"{base}/api/v1/auth/login", body={"email": reads.MENTEE, "password": reads.PASSWORD}
    )["token"]
    mine = reads.request(f"{base}/api/v1/mentorships", token=token)
    active = [m for m in mine["items"] if m["status"] == "active"]
    mentorship = active[0]["id"]
    meetings = reads.request(f"{base}/api/v1/mentorships/{mentorship}/meetings", token=token)
    meeting = meetings["items"][0]["id"]
    targets = {
        "message": ("POST", f"{base}/api/v1/mentorships/{mentorship}/messages"),
        "note": ("PUT", f"{base}/api/v1/meetings/{meeting}/private-note"),
    }
    return server, pg_name, token, targets


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--before", required=True, help="the tandem binary without sealing")
    ap.add_argument("--after", default=reads.TANDEM, help="the tandem binary with sealing")
    ap.add_argument("--databases", default="sqlite,postgres")
    ap.add_argument("--writes", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    opts = ap.parse_args()
    rows = []
    for database in opts.databases.split(","):
        times = {(b, w): [] for b in ("before", "after") for w in ("message", "note")}
        cpu = {(b, w): 0.0 for b in ("before", "after") for w in ("message", "note")}
        running = {}
        try:
            for which, binary in (("before", opts.before), ("after", opts.after)):
                work = tempfile.mkdtemp(prefix=f"tandem-writes-{which}-")
                running[which] = (work,) + start(binary, database, work)
            for r in range(opts.rounds):
                for which in ("before", "after"):
                    _, server, _, token, targets = running[which]
                    for what, (method, url) in targets.items():
                        used = cpu_seconds(server.proc.pid)
                        for n in range(opts.writes):
                            times[(which, what)].append(
                                call(method, url, token, {"body": f"{TEXT} ({r}.{n})"})
                            )
                        cpu[(which, what)] += cpu_seconds(server.proc.pid) - used
                        print(
                            f"  {database} round {r + 1} {which:6} {what:7} median "
                            f"{statistics.median(times[(which, what)]):.2f} ms",
                            file=sys.stderr,
                        )
        finally:
            for work, server, pg_name, _, _ in running.values():
                server.stop()
                if pg_name:
                    reads.psql(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
                shutil.rmtree(work, ignore_errors=True)
        writes = opts.writes * opts.rounds
        for what in ("message", "note"):
            before = statistics.median(times[("before", what)])
            after = statistics.median(times[("after", what)])
            cpu_before = cpu[("before", what)] * 1000 / writes
            cpu_after = cpu[("after", what)] * 1000 / writes
            rows.append((database, what, before, after, cpu_before, cpu_after))
    print(
        f"\n{opts.writes} writes of each kind a round, {opts.rounds} rounds alternating "
        f"before and after, one at a time; median ms a write\n"
    )
    print("| database | write | before ms | after ms | after / before "
          "| server CPU before ms | after ms | after / before |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for database, what, before, after, cpu_before, cpu_after in rows:
        print(f"| {database} | {what} | {before:.2f} | {after:.2f} | {after / before:.2f}× "
              f"| {cpu_before:.3f} | {cpu_after:.3f} | {cpu_after / cpu_before:.2f}× |")


if __name__ == "__main__":
    main()
