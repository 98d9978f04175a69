#!/usr/bin/env python3
"""Importing participants: a 10,000-line CSV into one program, on SQLite and PostgreSQL.

For each database: a fresh one (a SQLite file, or a new PostgreSQL database),
`tandem serve` on it, an admin who creates a program, and a CSV of --rows people
(a tenth of them mentors; fields, seniority, skill lists, languages and time
zones filled, as an HR export would be), every one new, so each line makes an
account, a profile, an enrolment and an invitation. Timed:

- `POST /api/v1/programs/{id}/import` with the file (new people: all created);
- the same file again (every line found, nothing to change: the re-import);
- `tandem import --program ID FILE` into a second program, from the shell
  (wall time and peak memory from /usr/bin/time -v), with the server running.

Needs `cargo build --release`, and for PostgreSQL a server that
`psql -h 127.0.0.1 -U postgres` reaches.

    python3 bench/import.py
    python3 bench/import.py --rows 2000 --databases sqlite
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from types import SimpleNamespace  # noqa: E402

from program import TANDEM, PASSWORD, psql, serve  # noqa: E402

FIELDS = ["Engineering", "Design", "Product", "Data Science", "Marketing", "Finance",
          "People Operations", "Sales", "Legal", "Research"]
SKILLS = ["Rust", "Python", "SQL", "Leadership", "Negotiation", "Public speaking",
          "Statistics", "UX research", "Budgeting", "Hiring", "Go", "Kubernetes",
          "Writing", "Coaching", "Roadmapping", "Accessibility"]
SENIORITY = ["junior", "mid", "senior", "lead", "executive"]
LANGUAGES = ["English", "German", "French", "Spanish", "Portuguese", "Dutch"]
ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Sao_Paulo",
         "Asia/Singapore", "Australia/Sydney", "Africa/Nairobi", "Asia/Kolkata"]


def csv_file(rows, rng, prefix):
    lines = ["email,name,role,field,seniority,skills,wants_skills,languages,timezone,capacity"]
    for k in range(rows):
        mentor = k % 10 == 0
        skills = ";".join(rng.sample(SKILLS, rng.randint(2, 5)))
        wants = "" if mentor else ";".join(rng.sample(SKILLS, rng.randint(1, 3)))
        langs = ";".join(rng.sample(LANGUAGES, rng.randint(1, 2)))
        lines.append(",".join([
            f"{prefix}.person{k}@example.org", f"Person {prefix} {k}",
            "mentor" if mentor else "mentee", rng.choice(FIELDS),
            rng.choice(SENIORITY[2:] if mentor else SENIORITY[:3]), skills, wants, langs,
            rng.choice(ZONES), str(rng.randint(1, 4)) if mentor else "",
        ]))
    return "\n".join(lines) + "\n"


def call(base, method, path, token=None, body=None, content_type="application/json"):
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    req = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def program(base, token, name):
    status, p = call(base, "POST", "/api/v1/programs", token,
                     {"name": name, "kind": "traditional", "context": "corporate",
                      "starts_on": "2027-01-01", "ends_on": "2027-12-31"})
    assert status == 201, p
    return p["id"]


def run(database, rows, rng):
    work = tempfile.mkdtemp(prefix="tandem-import-")
    if database == "sqlite":
        url = f"sqlite://{os.path.join(work, 'bench.db')}"
        name = None
    else:
        name = "tandem_bench_" + os.urandom(4).hex()
        psql(f"CREATE DATABASE {name}")
        url = f"postgres://postgres@127.0.0.1:5432/{name}"
    env = dict(os.environ, TANDEM_DATABASE_URL=url)
    proc, base = serve(SimpleNamespace(url=url), work)
    out = []
    try:
        status, _ = call(base, "POST", "/api/v1/auth/register", None,
                         {"email": "admin@example.org", "password": PASSWORD, "name": "Admin"})
        assert status == 201
        status, login = call(base, "POST", "/api/v1/auth/login", None,
                             {"email": "admin@example.org", "password": PASSWORD})
        token = login["token"]
        first = program(base, token, "Imported over the API")
        text = csv_file(rows, rng, "api")
        for label in ("API, new people", "API, the same file again"):
            started = time.perf_counter()
            status, done = call(base, "POST", f"/api/v1/programs/{first}/import", token, text,
                                "text/csv")
            seconds = time.perf_counter() - started
            assert status == 200, (status, str(done)[:500])
            out.append((database, label, seconds, None, done))
            print(database, label, f"{seconds:.2f}s", done, file=sys.stderr)
        second = program(base, token, "Imported from the shell")
        path = os.path.join(work, "people.csv")
        with open(path, "w") as f:
            f.write(csv_file(rows, rng, "cli"))
        cmd = ["/usr/bin/time", "-v", TANDEM, "import", "--quiet", "--program", second, path]
        result = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            sys.exit(result.stderr[-2000:])
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)",
                         result.stderr)
        h, m, s = wall.groups()
        seconds = int(h or 0) * 3600 + int(m) * 60 + float(s)
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
        out.append((database, "tandem import (shell)", seconds, rss / 1024,
                    result.stdout.strip()))
        print(database, "shell", f"{seconds:.2f}s", result.stdout.strip(), file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait()
        if name:
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--databases", default="sqlite,postgres")
    args = p.parse_args()
    rng = random.Random(5)
    rows = []
    for database in args.databases.split(","):
        rows += run(database, args.rows, rng)
    print(f"\nImporting {args.rows:,} participants (every line a new account on the first run)\n")
    print("| database | how | wall s | peak MiB | result |")
    print("|---|---|---:|---:|---|")
    for database, how, seconds, mib, done in rows:
        said = done if isinstance(done, str) else \
            f"created {done['created']}, updated {done['updated']}"
        print(f"| {database} | {how} | {seconds:.2f} | {'' if mib is None else f'{mib:.0f}'} | {said} |")


if __name__ == "__main__":
    main()
