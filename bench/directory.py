#!/usr/bin/env python3
"""The mentor directory at 20,000 mentors, on SQLite and PostgreSQL in one run.

For each database: a fresh one (a SQLite file, or a new PostgreSQL database),
`tandem serve` (the release build) on it, an admin who creates a program, and
the CSV import (`POST /api/v1/programs/{id}/import`) of --mentors mentors (a
name, one of twelve fields, seniority, two to five skills, one or two of eight
languages, a time zone and a capacity of 1 to 3) and --mentees mentees. The
coordinator then proposes --pairs pairs (`POST /programs/{id}/pairs`), so that
some mentors have no room left. Then, as a mentee of the program, each query
below is sent --requests times (after a few to warm up), one at a time, and the
median and 95th percentile of the whole HTTP round trip are printed as a
Markdown table:

    GET /api/v1/programs/{id}/mentors?<query>   (first page: 50 mentors, by name)

Needs `cargo build --release`, and for PostgreSQL a server that
`psql -h 127.0.0.1 -U postgres` reaches.

    python3 bench/directory.py
    python3 bench/directory.py --mentors 2000 --databases sqlite
"""
import argparse
import importlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import program as bench_program  # noqa: E402
from program import PASSWORD, psql, serve  # noqa: E402

# bench/import.py's helpers (its name is a keyword, so not `from import import`).
call = importlib.import_module("import").call
program = importlib.import_module("import").program

FIRST = ["Ada", "Alan", "Ana", "Ben", "Chen", "Dara", "Elif", "Femi", "Grace", "Hana", "Ivan",
         "Jonas", "Kemal", "Lena", "Malik", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven",
         "Tariq", "Uma", "Vera", "Wei", "Yusuf", "Zoë", "Émile", "Søren", "Ángela"]
LAST = ["Okafor", "Schmidt", "García", "Nakamura", "Kowalski", "Hopper", "Lovelace", "Mensah",
        "Silva", "Ivanova", "Öztürk", "Dubois", "Rossi", "Novak", "Haddad", "Kim", "Patel",
        "Jensen", "O'Brien", "Costa"]
FIELDS = ["Software Engineering", "Data Science", "Product Management", "Design", "Marketing",
          "Finance", "People Operations", "Sales Engineering", "Legal", "Research",
          "Customer Success", "Hardware Engineering"]
SKILLS = ["Rust", "Python", "SQL", "Leadership", "Negotiation", "Public speaking", "Statistics",
          "UX research", "Budgeting", "Hiring", "Go", "Kubernetes", "Writing", "Coaching",
          "Roadmapping", "Accessibility", "Team leadership", "Software architecture"]
SENIORITY = ["mid", "senior", "lead", "executive"]
LANGUAGES = ["English", "German", "French", "Spanish", "Portuguese", "Dutch", "Japanese", "Hindi"]
ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Sao_Paulo",
         "Asia/Singapore", "Australia/Sydney", "Africa/Nairobi", "Asia/Kolkata"]

QUERIES = [
    ("everyone", ""),
    ("q=soft", "q=soft"),
    ("q=ana (a name)", "q=ana"),
    ("skill=lead", "skill=lead"),
    ("field=eng", "field=eng"),
    ("language=spanish", "language=spanish"),
    ("seniority=lead", "seniority=lead"),
    ("has_room=true", "has_room=true"),
    ("q=soft eng&skill=lead&language=english&has_room=true",
     "q=soft%20eng&skill=lead&language=english&has_room=true"),
    ("skill=kube&seniority=executive&has_room=true",
     "skill=kube&seniority=executive&has_room=true"),
    ("q=zzz (no one)", "q=zzz"),
]


def csv_file(mentors, mentees, rng):
    lines = ["email,name,role,field,seniority,skills,wants_skills,languages,timezone,capacity"]
    for k in range(mentors + mentees):
        mentor = k < mentors
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {k}"
        skills = ";".join(rng.sample(SKILLS, rng.randint(2, 5)))
        wants = "" if mentor else ";".join(rng.sample(SKILLS, rng.randint(1, 3)))
        langs = ";".join(rng.sample(LANGUAGES, rng.randint(1, 2)))
        lines.append(",".join([
            f"person{k}@example.org", f'"{name}"', "mentor" if mentor else "mentee",
            rng.choice(FIELDS), rng.choice(SENIORITY) if mentor else "junior", skills, wants,
            langs, rng.choice(ZONES), str(rng.randint(1, 3)) if mentor else "",
        ]))
    return "\n".join(lines) + "\n"


def timed_get(url, token):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as r:
        body = r.read()
    return (time.perf_counter() - started) * 1000, body


def run(database, args, rng):
    work = tempfile.mkdtemp(prefix="tandem-directory-")
    if database == "sqlite":
        url = f"sqlite://{os.path.join(work, 'bench.db')}"
        name = None
    else:
        name = "tandem_bench_" + os.urandom(4).hex()
        psql(f"CREATE DATABASE {name}")
        url = f"postgres://postgres@127.0.0.1:5432/{name}"
    proc, base = serve(SimpleNamespace(url=url), work)
    out = []
    try:
        status, _ = call(base, "POST", "/api/v1/auth/register", None,
                         {"email": "admin@example.org", "password": PASSWORD, "name": "Admin"})
        assert status == 201
        _, login = call(base, "POST", "/api/v1/auth/login", None,
                        {"email": "admin@example.org", "password": PASSWORD})
        admin = login["token"]
        pid = program(base, admin, "A directory at scale")
        started = time.perf_counter()
        # The API takes bodies up to 2 MiB: the file goes in parts of 5,000 people.
        header, *rows = csv_file(args.mentors, args.mentees, rng).splitlines()
        for at in range(0, len(rows), 5_000):
            part = "\n".join([header] + rows[at:at + 5_000]) + "\n"
            status, done = call(base, "POST", f"/api/v1/programs/{pid}/import", admin,
                                part, "text/csv")
            assert status == 200, (status, str(done)[:500])
        print(database, f"import {time.perf_counter() - started:.1f}s", file=sys.stderr)
        # Proposals take places: some mentors then have no room.
        ids = {"mentor": [], "mentee": []}
        cursor = None
        while True:
            path = f"/api/v1/programs/{pid}/enrollments?limit=200"
            if cursor:
                path += f"&cursor={cursor}"
            _, page = call(base, "GET", path, admin)
            for e in page["items"]:
                ids[e["role"]].append(e["person"]["id"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        mentors = ids["mentor"][:args.pairs]
        for mentor, mentee in zip(mentors, ids["mentee"]):
            status, m = call(base, "POST", f"/api/v1/programs/{pid}/pairs", admin,
                             {"mentor_id": mentor, "mentee_id": mentee})
            # A pair without a shared language is refused by the hard rules: skipped.
            assert status in (201, 422), m
        if name:
            # What autovacuum does a minute after a bulk write, at once (some
            # machines run PostgreSQL with autovacuum off): the planner then
            # knows the proposals just made.
            psql("ANALYZE", name)
        # A mentee of the program browses (a coordinator would too).
        status, _ = call(base, "POST", "/api/v1/auth/register", None,
                         {"email": "browser@example.org", "password": PASSWORD, "name": "Browser"})
        _, login = call(base, "POST", "/api/v1/auth/login", None,
                        {"email": "browser@example.org", "password": PASSWORD})
        token = login["token"]
        status, e = call(base, "POST", f"/api/v1/programs/{pid}/enrollments", token,
                         {"role": "mentee"})
        assert status == 201, e
        for label, query in QUERIES:
            target = f"{base}/api/v1/programs/{pid}/mentors?limit=50&{query}"
            for _ in range(args.warmup):
                timed_get(target, token)
            times = []
            for _ in range(args.requests):
                ms, body = timed_get(target, token)
                times.append(ms)
            page = json.loads(body)
            found = len(page["items"])
            more = page["next_cursor"] is not None
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
            out.append((database, label, statistics.median(times), p95,
                        f"{found}{'+' if more else ''}"))
            print(database, label, f"median {statistics.median(times):.1f} ms",
                  f"p95 {p95:.1f} ms", f"{found}{'+' if more else ''} on the first page",
                  file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait()
        if args.keep:
            print(database, f"kept: {url}", file=sys.stderr)
        elif name:
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mentors", type=int, default=20_000)
    p.add_argument("--mentees", type=int, default=1_000)
    p.add_argument("--pairs", type=int, default=1_000)
    p.add_argument("--requests", type=int, default=50)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--databases", default="sqlite,postgres")
    p.add_argument("--keep", action="store_true",
                   help="keep each database (and say where) to study its plans")
    p.add_argument("--binary", default=bench_program.TANDEM,
                   help="the tandem binary (default: the release build)")
    args = p.parse_args()
    bench_program.TANDEM = args.binary
    rng = random.Random(20)
    rows = []
    for database in args.databases.split(","):
        rows += run(database, args, random.Random(rng.random()))
    print(f"\nThe directory of one program with {args.mentors:,} mentors "
          f"({args.pairs:,} proposals taking places): GET /api/v1/programs/{{id}}/mentors, "
          f"first page of 50, {args.requests} requests each\n")
    print("| database | query | median ms | p95 ms | on the first page |")
    print("|---|---|---:|---:|---:|")
    for database, label, median, p95, found in rows:
        print(f"| {database} | `{label}` | {median:.1f} | {p95:.1f} | {found} |")


if __name__ == "__main__":
    main()
