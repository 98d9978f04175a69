#!/usr/bin/env python3
"""Crash durability: nothing acknowledged is lost when the server is killed.

Starts `tandem serve --demo` on a fresh database and runs --writers threads
against it. Each writer, over and over: signs up a new account, signs in,
enrols it as a mentee in a demo program, asks a demo mentor for mentorship and
rewrites its plan a few times, each plan carrying a step number that only grows.
Meanwhile the server is killed with SIGKILL at random moments (--kills times)
and started again; writers wait for it and carry on.

A write counts as acknowledged when the server answered it with 2xx. After every
kill, before the restart, the SQLite file is checked (`PRAGMA integrity_check`
is `ok`, `PRAGMA foreign_key_check` is empty). At the end the server is killed
once more and restarted, and every acknowledged write is looked for through
the API: each account's session still works and its export holds its
enrolment, its request and a plan step no older than the last acknowledged.
Any 5xx, any lost write or a damaged file fails the run (exit status 1).

    cargo build --release
    python3 scripts/crash.py --kills 30                  # at length, by hand
    python3 scripts/crash.py --kills 5 --binary target/debug/tandem   # briefly (CI)
    python3 scripts/crash.py --kills 30 --postgres postgres://postgres@127.0.0.1:5432/postgres
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "correct horse battery staple"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Down(Exception):
    """The server did not answer: the request's outcome is unknown."""


class Server:
    """One `tandem serve` process at a time, killed and started again on demand."""

    def __init__(self, binary, url, work):
        self.binary, self.url, self.work = binary, url, work
        self.port = free_port()
        self.proc = None
        self.up = threading.Event()
        self.log = open(os.path.join(work, "server.log"), "ab")

    def start(self):
        env = dict(
            os.environ,
            RUST_LOG="warn",
            TANDEM_ARGON2_MEMORY_KIB="1024",
            TANDEM_ARGON2_ITERATIONS="1",
            TANDEM_SIGNUP_MAX_PER_IP="100000000",
            # A sign-in cut off by a kill counts as a failed guess until the window
            # passes; thirty kills would lock the writers out.
            TANDEM_LOGIN_MAX_FAILURES_PER_IP="100000000",
        )
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--demo", "--bind", f"127.0.0.1:{self.port}", "--database-url", self.url],
            cwd=self.work,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    conn.close()
                    self.up.set()
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit("the server did not become ready within 120 s")

    def kill(self):
        self.up.clear()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Client:
    def __init__(self, server):
        self.server = server

    def call(self, method, path, body=None, token=None):
        """(status, json) or raises Down when the server went away mid-request."""
        self.server.up.wait(timeout=180)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
            conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = conn.getresponse()
            raw = response.read()
            conn.close()
        except (OSError, http.client.HTTPException) as e:
            raise Down(str(e)) from e
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = raw.decode(errors="replace")
        return response.status, data


class Ledger:
    """What the server acknowledged, and what went wrong."""

    def __init__(self):
        self.lock = threading.Lock()
        self.accounts = {}  # email -> {"token", "id", "enrolled", "request", "step"}
        self.acks = 0
        self.unknown = 0
        self.refused = {}
        self.errors = []

    def ack(self):
        with self.lock:
            self.acks += 1

    def note_unknown(self):
        with self.lock:
            self.unknown += 1

    def refuse(self, what, status):
        with self.lock:
            key = f"{what} {status}"
            self.refused[key] = self.refused.get(key, 0) + 1

    def error(self, text):
        with self.lock:
            self.errors.append(text)


def writer(number, client, ledger, programs, stop):
    rng = random.Random(number)
    serial = 0
    while not stop.is_set():
        serial += 1
        email = f"crash-w{number}-{serial}@example.org"
        try:
            account = run_account(rng, email, client, ledger, programs, stop)
        except Down:
            ledger.note_unknown()
            continue
        except Exception as e:  # a bug in this script or a 5xx: report, keep going
            ledger.error(f"{email}: {e}")
            time.sleep(0.1)
            continue
        del account


def expect(ledger, what, status, data, *ok):
    if status >= 500:
        raise RuntimeError(f"{what} answered {status}: {data}")
    if status not in ok:
        ledger.refuse(what, status)
        return False
    ledger.ack()
    return True


def run_account(rng, email, client, ledger, programs, stop):
    status, data = client.call("POST", "/api/v1/auth/register", {"email": email, "password": PASSWORD, "name": email})
    if not expect(ledger, "register", status, data, 201):
        return None
    account = {"id": data["id"], "token": None, "enrolled": None, "request": None, "step": 0}
    with ledger.lock:
        ledger.accounts[email] = account
    status, data = client.call("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
    if not expect(ledger, "login", status, data, 200):
        return account
    account["token"] = token = data["token"]
    program = rng.choice(programs)
    status, data = client.call(
        "POST", f"/api/v1/programs/{program['id']}/enrollments", {"role": "mentee", "wants_skills": ["rust"]}, token
    )
    if expect(ledger, "enrol", status, data, 201):
        account["enrolled"] = program["id"]
        mentor = rng.choice(program["mentors"])
        status, data = client.call(
            "POST",
            "/api/v1/mentorships",
            {"program_id": program["id"], "mentor_id": mentor, "intro": f"I am {email}", "ask": "a first talk"},
            token,
        )
        if expect(ledger, "request", status, data, 201):
            account["request"] = data["id"]
    for step in range(1, rng.randint(2, 6)):
        if stop.is_set():
            break
        status, data = client.call("PUT", "/api/v1/me/plan", {"short_term_goals": [f"step {step}"]}, token)
        if expect(ledger, "plan", status, data, 200):
            account["step"] = step
    return account


def check_file(path):
    """integrity_check and foreign_key_check of a SQLite file no process has open.

    The checks run on a copy of the file and its write-ahead log, so the server
    restarts on the files exactly as the kill left them and recovers its log
    itself (closing a connection on the original would checkpoint it first)."""
    copy_dir = tempfile.mkdtemp(prefix="tandem-crash-check-")
    copy = os.path.join(copy_dir, os.path.basename(path))
    for suffix in ("", "-wal"):
        if os.path.exists(path + suffix):
            shutil.copyfile(path + suffix, copy + suffix)
    db = sqlite3.connect(copy)
    try:
        integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
        foreign = db.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        db.close()
        shutil.rmtree(copy_dir, ignore_errors=True)
    problems = []
    if integrity != ["ok"]:
        problems.append(f"integrity_check: {integrity[:5]}")
    if foreign:
        problems.append(f"foreign_key_check: {foreign[:5]}")
    return problems


def verify(client, ledger):
    """Every acknowledged write, looked for through the API."""
    lost = []
    for email, account in sorted(ledger.accounts.items()):
        token = account["token"]
        if token is None:
            status, data = client.call("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
            if status != 200 or data["user"]["id"] != account["id"]:
                lost.append(f"{email}: the account is gone (sign-in answered {status})")
            continue
        status, data = client.call("GET", "/api/v1/me/export", token=token)
        if status != 200:
            lost.append(f"{email}: its session is gone (export answered {status})")
            continue
        if data["account"]["id"] != account["id"]:
            lost.append(f"{email}: the session belongs to {data['account']['id']}")
        if account["enrolled"] and not any(e["program_id"] == account["enrolled"] for e in data["enrollments"]):
            lost.append(f"{email}: its enrolment in {account['enrolled']} is gone")
        if account["request"] and not any(m["mentorship"]["id"] == account["request"] for m in data["mentorships"]):
            lost.append(f"{email}: its request {account['request']} is gone")
        goals = data["plan"]["short_term_goals"]
        step = int(goals[0].split()[1]) if goals else 0
        if step < account["step"]:
            lost.append(f"{email}: its plan is at step {step}, step {account['step']} was acknowledged")
    return lost


def demo_programs(client):
    """The demo's programs and, for each, its mentors' ids (read by a new account)."""
    email = f"crash-reader-{os.getpid()}@example.org"
    status, data = client.call("POST", "/api/v1/auth/register", {"email": email, "password": PASSWORD, "name": "Reader"})
    assert status == 201, (status, data)
    status, data = client.call("POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, (status, data)
    token = data["token"]
    status, data = client.call("GET", "/api/v1/programs?limit=100", token=token)
    assert status == 200, (status, data)
    programs = []
    for program in data["items"]:
        status, _ = client.call("POST", f"/api/v1/programs/{program['id']}/enrollments", {"role": "mentee"}, token)
        if status != 201:
            continue
        status, page = client.call("GET", f"/api/v1/programs/{program['id']}/mentors?limit=100", token=token)
        mentors = [m["id"] for m in page["items"]] if status == 200 else []
        if mentors:
            programs.append({"id": program["id"], "mentors": mentors})
    if not programs:
        raise SystemExit("the demo has no program a new mentee can enrol in with mentors in it")
    return programs


def psql(url, sql):
    subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=30, help="how many times to SIGKILL the server (default 30)")
    ap.add_argument("--writers", type=int, default=8, help="concurrent writers (default 8)")
    ap.add_argument("--min-up", type=float, default=0.3, help="shortest time between a start and a kill, s")
    ap.add_argument("--max-up", type=float, default=2.0, help="longest time between a start and a kill, s")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "tandem"))
    ap.add_argument("--postgres", metavar="URL", help="run on a new database on this PostgreSQL server instead of SQLite")
    ap.add_argument("--seed", type=int, default=None, help="seed the moments of the kills")
    ap.add_argument("--keep", action="store_true", help="keep the working directory (database and server log)")
    opts = ap.parse_args()
    if not os.path.exists(opts.binary):
        sys.exit(f"{opts.binary} is missing: run `cargo build --release` first (or pass --binary)")
    rng = random.Random(opts.seed)
    work = tempfile.mkdtemp(prefix="tandem-crash-")
    sqlite_path = None
    if opts.postgres:
        name = f"tandem_crash_{os.getpid()}"
        psql(opts.postgres, f"CREATE DATABASE {name}")
        parts = urllib.parse.urlsplit(opts.postgres)
        url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    else:
        sqlite_path = os.path.join(work, "tandem.db")
        url = f"sqlite://{sqlite_path}"

    server = Server(os.path.abspath(opts.binary), url, work)
    client = Client(server)
    ledger = Ledger()
    stop = threading.Event()
    damaged = []
    started = time.time()
    ok = False
    try:
        server.start()
        programs = demo_programs(client)
        threads = [
            threading.Thread(target=writer, args=(n, client, ledger, programs, stop), daemon=True)
            for n in range(opts.writers)
        ]
        for t in threads:
            t.start()
        for kill in range(1, opts.kills + 1):
            time.sleep(rng.uniform(opts.min_up, opts.max_up))
            server.kill()
            if sqlite_path:
                damaged += [f"after kill {kill}: {p}" for p in check_file(sqlite_path)]
            print(
                f"kill {kill}/{opts.kills}: {ledger.acks} writes acknowledged, "
                f"{ledger.unknown} cut off, {len(ledger.errors)} errors",
                flush=True,
            )
            server.start()
        stop.set()
        for t in threads:
            t.join(timeout=60)
        # One last kill with nothing in flight, then look for everything.
        server.kill()
        if sqlite_path:
            damaged += [f"at the end: {p}" for p in check_file(sqlite_path)]
        server.start()
        lost = verify(client, ledger)
        ok = not (lost or damaged or ledger.errors)
        summary = {
            "database": "postgres" if opts.postgres else "sqlite",
            "kills": opts.kills,
            "writers": opts.writers,
            "seconds": round(time.time() - started, 1),
            "accounts": len(ledger.accounts),
            "acknowledged_writes": ledger.acks,
            "cut_off_by_a_kill": ledger.unknown,
            "refused": ledger.refused,
            "lost": len(lost),
            "damaged": len(damaged),
            "errors": len(ledger.errors),
        }
        print(json.dumps(summary))
        for line in (lost + damaged + ledger.errors)[:20]:
            print("  " + line)
    finally:
        stop.set()
        server.stop()
        if opts.postgres:
            psql(opts.postgres, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if opts.keep or not ok:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
