#!/usr/bin/env python3
"""A program at scale: the coordinator's report and dashboard page, and the jobs.

`report`: one program of --relationships relationships (default 20,000) with
--meetings meetings (default 200,000), feedback, goals, milestones, agreements
and action items, loaded straight into a fresh database (SQLite file or a new
PostgreSQL database) after `tandem migrate`. Then `tandem serve` runs on it, the
coordinator signs in, and `GET /api/v1/programs/{id}/report` and the page
`/programs/{id}/dashboard` are each fetched --repeat times one after the other
(after one warm-up): the median and the slowest, in milliseconds, with the
response size, and the server's CPU time a request (from /proc). Before the
server starts, `tandem jobs run` catches up with what the jobs would have done
over the year loaded, so that the server's own first round does not run beside
the requests timed.

`jobs`: --relationships relationships (default 100,000) across ten programs,
each active with two held meetings, a next meeting within the coming two weeks
for half of them, open action items, some requests waiting and some past their
expiry, a few relationships gone quiet, and check-ins set on half the programs.
Then `/usr/bin/time -v tandem jobs run` runs twice: the first run catches up
with everything due (reminders, expiries, health alerts, check-ins, digests,
their e-mails written as files), the second finds nothing new. Wall time and
peak memory (maximum resident set size) of each.

Needs `cargo build --release`, and for PostgreSQL a server that
`psql -h 127.0.0.1 -U postgres` reaches.

    python3 bench/program.py report
    python3 bench/program.py jobs
    python3 bench/program.py report --databases sqlite --relationships 2000 --meetings 20000
"""
import argparse
import csv
import io
import json
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TANDEM = os.path.join(ROOT, "target", "release", "tandem")
PASSWORD = "correct horse battery"
NOW = datetime.now(timezone.utc)


def ts(dt):
    """A time as both databases take it (SQLite keeps this text, as the server writes it)."""
    return dt.isoformat(timespec="milliseconds")


def new_id():
    return str(uuid.uuid4())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql, db="postgres"):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-q", "-c", sql],
                   check=True, capture_output=True)


class Loader:
    """Rows into a fresh database: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, database, work):
        self.database = database
        if database == "sqlite":
            self.path = os.path.join(work, "bench.db")
            self.url = f"sqlite://{self.path}"
        else:
            self.name = "tandem_bench_" + uuid.uuid4().hex[:8]
            psql(f"CREATE DATABASE {self.name}")
            self.url = f"postgres://postgres@127.0.0.1:5432/{self.name}"
        subprocess.run([TANDEM, "migrate", "--database-url", self.url], check=True,
                       capture_output=True)
        if database == "sqlite":
            self.conn = sqlite3.connect(self.path)
            self.conn.execute("PRAGMA foreign_keys = OFF")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = OFF")

    def put(self, table, columns, rows):
        if self.database == "sqlite":
            marks = ",".join("?" for _ in columns)
            cols = ",".join(f'"{c}"' for c in columns)
            self.conn.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',
                                  ([1 if v is True else 0 if v is False else v for v in r]
                                   for r in rows))
            self.conn.commit()
            return
        buf = io.StringIO()
        w = csv.writer(buf)
        for r in rows:
            w.writerow(["t" if v is True else "f" if v is False else "\\N" if v is None else v
                        for v in r])
        cols = ",".join(f'"{c}"' for c in columns)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", self.name, "-q", "-c",
                        f"COPY \"{table}\" ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"],
                       input=buf.getvalue(), text=True, check=True, capture_output=True)

    def finish(self):
        if self.database == "sqlite":
            self.conn.execute("ANALYZE")
            self.conn.commit()
            self.conn.close()
        else:
            psql("ANALYZE", self.name)

    def drop(self):
        if self.database == "postgres":
            psql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def program_row(pid, name, cadence=14, expiry=14):
    return (pid, name, "", "traditional", "corporate", "2026-01-01", "2027-12-31", 5, cadence, 1,
            expiry, 12, WEIGHTS, ts(NOW - timedelta(days=400)))


WEIGHTS = json.dumps({c: 5 for c in ["skills", "field", "values", "seniority", "interests",
                                       "background", "learning_style", "meeting_preference",
                                       "availability", "timezone"]})
PROGRAM_COLUMNS = ["id", "name", "description", "kind", "context", "starts_on", "ends_on",
                   "mentor_capacity", "cadence_days", "max_mentors_per_mentee",
                   "request_expiry_days", "max_timezone_gap_hours", "weights", "created_at"]
USER_COLUMNS = ["id", "email", "name", "password_hash", "is_admin", "created_at"]
ENROLMENT_COLUMNS = ["id", "program_id", "user_id", "role", "capacity", "wants_skills",
                     "goals_summary", "created_at"]
MENTORSHIP_COLUMNS = ["id", "program_id", "mentor_id", "status", "origin", "intro", "reasons",
                      "ask", "mentor_accepted", "created_at", "expires_at", "started_at",
                      "ended_at", "end_reason"]
SEAT_COLUMNS = ["id", "mentorship_id", "mentee_id", "accepted", "joined_at"]
MEETING_COLUMNS = ["id", "mentorship_id", "starts_at", "duration_minutes", "location", "agenda",
                   "status", "shared_notes", "sequence", "booked", "created_at", "updated_at"]


def people(load, count, prefix, rng):
    ids = [new_id() for _ in range(count)]
    load.put("users", USER_COLUMNS,
             ((i, f"{prefix}{k}@bench.test", f"{prefix.title()} {k}", "x", False,
               ts(NOW - timedelta(days=420))) for k, i in enumerate(ids)))
    return ids


def coordinator(load, program_ids):
    """An account that signs in, coordinating the programs."""
    email = f"coordinator.{uuid.uuid4().hex[:6]}@bench.test"
    subprocess.run([TANDEM, "user", "create", "--database-url", load.url, "--email", email,
                    "--name", "Cora Coordinator", "--password", PASSWORD],
                   check=True, capture_output=True)
    if load.database == "sqlite":
        con = sqlite3.connect(load.path)
        uid = con.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()[0]
        con.close()
    else:
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", load.name, "-tAc",
                              f"SELECT id FROM users WHERE email = '{email}'"],
                             check=True, capture_output=True, text=True).stdout
        uid = out.strip()
    load.put("coordinators", ["program_id", "user_id", "created_at"],
             ((p, uid, ts(NOW)) for p in program_ids))
    return email


def fill_report(load, relationships, meetings, rng):
    pid = new_id()
    load.put("programs", PROGRAM_COLUMNS, [program_row(pid, "A program at scale")])
    mentees = people(load, relationships + relationships // 10, "mentee", rng)
    mentors = people(load, relationships // 4, "mentor", rng)
    load.put("enrollments", ENROLMENT_COLUMNS,
             [(new_id(), pid, u, "mentee", None, "[]", "",
               ts(NOW - timedelta(days=400 - rng.random() * 30))) for u in mentees]
             + [(new_id(), pid, u, "mentor", 5, "[]", "", ts(NOW - timedelta(days=410)))
                for u in mentors])
    statuses = (["active"] * 70 + ["completed"] * 10 + ["ended"] * 8 + ["paused"] * 5
                + ["requested"] * 4 + ["declined"] * 3)
    rels, seats, started_of = [], [], {}
    for k in range(relationships):
        mid, status = new_id(), rng.choice(statuses)
        created = NOW - timedelta(days=rng.uniform(5, 380))
        started = created + timedelta(hours=rng.uniform(2, 120))
        ended = None
        if status in ("completed", "ended"):
            ended = started + timedelta(days=rng.uniform(20, 300))
            if ended > NOW:
                ended = NOW - timedelta(days=1)
        if status == "requested":
            created = NOW - timedelta(days=rng.uniform(0, 10))
        rels.append((mid, pid, mentors[k % len(mentors)], status, "request", "", "", "",
                     status != "requested", ts(created),
                     ts(created + timedelta(days=14)) if status == "requested" else None,
                     None if status in ("requested", "declined") else ts(started),
                     ts(ended) if ended else (ts(started) if status == "declined" else None),
                     rng.choice(["time", "not_a_good_fit", "goals_met_early", "other"])
                     if status == "ended" else None))
        seats.append((new_id(), mid, mentees[k], True, ts(created)))
        if status not in ("requested", "declined"):
            started_of[mid] = (started, ended or NOW)
    load.put("mentorships", MENTORSHIP_COLUMNS, rels)
    load.put("mentorship_mentees", SEAT_COLUMNS, seats)
    running = list(started_of.items())
    meeting_rows, feedback_rows = [], []
    mentor_of = {r[0]: r[2] for r in rels}
    for n in range(meetings):
        mid, (start, end) = running[n % len(running)]
        at = start + (end - start) * rng.random()
        held = at < NOW
        meet = new_id()
        meeting_rows.append((meet, mid, ts(at), 45, "Video call", "[]",
                             "held" if held else "scheduled", "", 0, False, ts(at), ts(at)))
        if held and n % 2 == 0:
            feedback_rows.append((new_id(), mid, meet, mentor_of[mid], rng.randint(2, 5), "", "",
                                  "", ts(at)))
    load.put("meetings", MEETING_COLUMNS, meeting_rows)
    load.put("feedback", ["id", "mentorship_id", "meeting_id", "author_id", "rating", "went_well",
                          "to_improve", "encouragement", "created_at"], feedback_rows)
    goals, milestones, agreements = [], [], []
    for mid, (start, _) in running:
        gid = new_id()
        goals.append((gid, mid, "Goal", "", "short", "open", ts(start)))
        for j in range(2):
            milestones.append((new_id(), gid, mid, "Milestone", "",
                               "achieved" if rng.random() < 0.5 else "not_started", ts(start)))
        if rng.random() < 0.8:
            agreements.append((mid, "", 14, 45, "Video", "", "", mentor_of[mid], ts(start)))
    load.put("goals", ["id", "mentorship_id", "title", "description", "horizon", "status",
                       "created_at"], goals)
    load.put("milestones", ["id", "goal_id", "mentorship_id", "title", "description", "status",
                            "created_at"], milestones)
    load.put("agreements", ["mentorship_id", "goals", "cadence_days", "meeting_minutes",
                            "channel", "boundaries", "confidentiality", "updated_by",
                            "updated_at"], agreements)
    seat_of = {s[1]: s[2] for s in seats}
    load.put("agreement_signatures", ["mentorship_id", "user_id", "signed_at"],
             [(a[0], who, a[8]) for a in agreements for who in (mentor_of[a[0]], seat_of[a[0]])])
    return pid


def get(url, token, want_json):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}",
                                               "Cookie": f"tandem_session={token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as r:
        body = r.read()
    elapsed = (time.perf_counter() - started) * 1000
    if want_json:
        json.loads(body)
    return elapsed, len(body)


def cpu_seconds(pid):
    """User and system CPU time of a process so far (Linux)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve(load, work):
    port = free_port()
    log = open(os.path.join(work, "server.log"), "w")
    proc = subprocess.Popen([TANDEM, "serve", "--database-url", load.url, "--bind",
                             f"127.0.0.1:{port}", "--outbox-dir", os.path.join(work, "outbox")],
                            stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=1):
                return proc, base
        except Exception:
            time.sleep(0.2)
    proc.kill()
    sys.exit("the server did not start")


def report(args):
    rng = random.Random(7)
    results = []
    for database in args.databases.split(","):
        work = tempfile.mkdtemp(prefix="tandem-program-")
        load = Loader(database, work)
        started = time.time()
        pid = fill_report(load, args.relationships, args.meetings, rng)
        email = coordinator(load, [pid])
        load.finish()
        print(f"{database}: loaded in {time.time() - started:.0f}s", file=sys.stderr)
        # What a year's jobs would have done (reminders, alerts, check-ins), done
        # now, so that the server's first round of jobs does not run beside the
        # requests timed.
        subprocess.run([TANDEM, "jobs", "run", "--database-url", load.url,
                        "--outbox-dir", os.path.join(work, "outbox")],
                       check=True, capture_output=True)
        proc, base = serve(load, work)
        try:
            body = json.dumps({"email": email, "password": PASSWORD}).encode()
            req = urllib.request.Request(base + "/api/v1/auth/login", data=body,
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=30) as r:
                token = json.load(r)["token"]
            for name, path, want_json in [
                ("GET /api/v1/programs/{id}/report", f"/api/v1/programs/{pid}/report", True),
                ("GET /programs/{id}/dashboard (page)", f"/programs/{pid}/dashboard", False),
            ]:
                get(base + path, token, want_json)
                times, size = [], 0
                cpu = cpu_seconds(proc.pid)
                for _ in range(args.repeat):
                    ms, size = get(base + path, token, want_json)
                    times.append(ms)
                cpu = (cpu_seconds(proc.pid) - cpu) / args.repeat * 1000
                results.append({"database": database, "read": name,
                                "median_ms": statistics.median(times), "max_ms": max(times),
                                "cpu_ms": cpu, "bytes": size})
                print(json.dumps(results[-1]), file=sys.stderr)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
            if args.keep:
                print(f"{database}: kept at {load.url} (program {pid}, coordinator {email})",
                      file=sys.stderr)
            else:
                load.drop()
    print(f"\n{args.relationships:,} relationships, {args.meetings:,} meetings; "
          f"{args.repeat} requests each after one warm-up\n")
    print("| database | read | median ms | slowest ms | server CPU ms a request | size |")
    print("|---|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['database']} | {r['read']} | {r['median_ms']:.0f} | {r['max_ms']:.0f} | "
              f"{r['cpu_ms']:.0f} | {r['bytes'] / 1024:.0f} KiB |")


def fill_jobs(load, relationships, rng):
    programs = [new_id() for _ in range(10)]
    load.put("programs", PROGRAM_COLUMNS,
             [program_row(p, f"Program {k}") for k, p in enumerate(programs)])
    mentees = people(load, relationships, "mentee", rng)
    mentors = people(load, relationships // 4, "mentor", rng)
    rels, seats, meetings, items, agreements, signatures = [], [], [], [], [], []
    for k in range(relationships):
        mid, program = new_id(), programs[k % len(programs)]
        mentor, mentee = mentors[k % len(mentors)], mentees[k]
        kind = rng.random()
        created = NOW - timedelta(days=rng.uniform(20, 300))
        if kind < 0.02:  # a request waiting, some of them past their expiry
            created = NOW - timedelta(days=rng.uniform(1, 20))
            rels.append((mid, program, mentor, "requested", "request", "", "", "", False,
                         ts(created), ts(created + timedelta(days=14)), None, None, None))
        else:
            started = created + timedelta(hours=6)
            rels.append((mid, program, mentor, "active", "request", "", "", "", True, ts(created),
                         None, ts(started), None, None))
            quiet = kind > 0.97  # gone quiet: the last meeting long ago
            for j in range(2):
                at = (NOW - timedelta(days=rng.uniform(30, 60) + 14 * j) if quiet
                      else NOW - timedelta(days=rng.uniform(1, 13) + 14 * j))
                at = max(at, started + timedelta(hours=1))
                meet = new_id()
                meetings.append((meet, mid, ts(at), 45, "Video call", "[]", "held", "", 0, False,
                                 ts(at), ts(at)))
                if j == 0:
                    items.append((new_id(), mid, meet, "Next step", mentee,
                                  (NOW + timedelta(days=rng.randint(-3, 20))).date().isoformat(),
                                  False, ts(at)))
            if rng.random() < 0.5:
                at = NOW + timedelta(days=rng.uniform(0, 14))
                meetings.append((new_id(), mid, ts(at), 45, "Video call", "[]", "scheduled", "",
                                 0, False, ts(NOW), ts(NOW)))
            agreements.append((mid, "", 14, 45, "Video", "", "", mentor, ts(started)))
            signatures += [(mid, mentor, ts(started)), (mid, mentee, ts(started))]
        seats.append((new_id(), mid, mentee, True, ts(created)))
    load.put("mentorships", MENTORSHIP_COLUMNS, rels)
    load.put("mentorship_mentees", SEAT_COLUMNS, seats)
    load.put("meetings", MEETING_COLUMNS, meetings)
    load.put("action_items", ["id", "mentorship_id", "meeting_id", "title", "owner_id", "due_on",
                              "done", "created_at"], items)
    load.put("agreements", ["mentorship_id", "goals", "cadence_days", "meeting_minutes",
                            "channel", "boundaries", "confidentiality", "updated_by",
                            "updated_at"], agreements)
    load.put("agreement_signatures", ["mentorship_id", "user_id", "signed_at"], signatures)
    plans = programs[:5]
    load.put("checkin_plans", ["program_id", "first_after_days", "every_days", "updated_at"],
             [(p, 30, 30, ts(NOW)) for p in plans])
    load.put("checkin_questions", ["id", "program_id", "position", "text", "kind", "retired"],
             [(new_id(), p, 0, "How useful was your last meeting?", "scale", False)
              for p in plans])
    return programs


def timed(cmd):
    out = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {out.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)",
                     out.stderr)
    h, m, s = wall.groups()
    seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    return seconds, rss / 1024, json.loads(out.stdout.strip().splitlines()[-1])


def jobs(args):
    rng = random.Random(11)
    rows = []
    for database in args.databases.split(","):
        work = tempfile.mkdtemp(prefix="tandem-jobs-")
        load = Loader(database, work)
        started = time.time()
        programs = fill_jobs(load, args.relationships, rng)
        coordinator(load, programs)
        load.finish()
        print(f"{database}: loaded in {time.time() - started:.0f}s", file=sys.stderr)
        try:
            for run in ("first (catching up)", "second (nothing new)"):
                seconds, mib, done = timed([TANDEM, "jobs", "run", "--database-url", load.url,
                                            "--outbox-dir", os.path.join(work, "outbox")])
                rows.append((database, run, seconds, mib, done))
                print(database, run, seconds, mib, json.dumps(done), file=sys.stderr)
        finally:
            if args.keep:
                print(f"{database}: kept at {load.url}", file=sys.stderr)
            else:
                load.drop()
    print(f"\n`tandem jobs run` over {args.relationships:,} relationships\n")
    print("| database | run | wall s | peak MiB | done |")
    print("|---|---|---:|---:|---|")
    for database, run, seconds, mib, done in rows:
        said = ", ".join(f"{k} {v}" for k, v in done.items()
                         if isinstance(v, int) and v and k != "failures")
        print(f"| {database} | {run} | {seconds:.2f} | {mib:.0f} | {said} |")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    r = sub.add_parser("report", help="the report and the dashboard page of one large program")
    r.add_argument("--relationships", type=int, default=20_000)
    r.add_argument("--meetings", type=int, default=200_000)
    r.add_argument("--repeat", type=int, default=10)
    r.add_argument("--databases", default="sqlite,postgres")
    r.add_argument("--keep", action="store_true",
                   help="keep each database loaded (to read the statements' plans)")
    j = sub.add_parser("jobs", help="one run of every job over many relationships")
    j.add_argument("--relationships", type=int, default=100_000)
    j.add_argument("--databases", default="sqlite,postgres")
    j.add_argument("--keep", action="store_true", help="keep each database loaded")
    args = p.parse_args()
    if not os.path.exists(TANDEM):
        sys.exit("build first: cargo build --release")
    {"report": report, "jobs": jobs}[args.what](args)


if __name__ == "__main__":
    main()
