#!/usr/bin/env python3
"""Load held: a mix of reads and writes at a fixed rate, for minutes.

Starts `target/release/tandem serve --demo` on a fresh SQLite file (or a fresh
PostgreSQL database with --postgres), signs in the demo's mentors and mentees,
and sends --rate requests a second for --seconds, open loop: request k is due
at start + k / rate whether or not earlier ones have answered, and its latency
is counted from that moment, so a server that falls behind shows it (no
coordinated omission). Requests go over --connections keep-alive HTTP/1.1
connections from one asyncio loop.

The mix, per 100 requests (each by a random signed-in person):
  70 reads:  18 GET /me, 14 GET /mentorships, 10 GET /mentorships/{id} (one
             of theirs), 10 GET /programs, 10 GET /programs/{id}/mentors?q=
             (a program they are enrolled in), 8 GET /me/plan
  30 writes: 12 PUT /me/plan, 10 POST /shortlist or DELETE /shortlist/{id}
             (taking turns, a mentor of their programs), 8 PUT
             /mentorships/{id}/agreement (the demo's active pair, each
             writing the agreement in turn)

It prints a line every 30 s and, at the end, one JSON object: requests,
errors (any non-2xx, broken connection or answer not back within 30 s),
latency p50/p90/p99/max in ms of every request, failed ones included (time
spent waiting for a free connection counts, against the server), the client's
own lag (how late it sent requests), and the server's resident memory after
warm-up and at the end.

    cargo build --release
    python3 bench/load.py                                   # SQLite, 1000/s, 10 min
    python3 bench/load.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    python3 bench/load.py --seconds 60                      # a quick look
"""
import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "tandem-demo-2026"
MENTORS = ["Amara Okafor", "Lukas Becker", "Priya Raman", "Mei Lin", "Kwame Mensah", "Sofia Rossi",
           "Hannah Schmidt", "Oliver Grant", "Yuki Tanaka", "Fatima Zahra", "Grace Mwangi"]
MENTEES = ["Noah Williams", "Emma Dubois", "Arjun Patel", "Chloe Martin", "Lucas Silva", "Aisha Bello",
           "Marco Bianchi", "Lena Vogel", "Samuel Osei", "Hana Sato", "Omar Haddad", "Zoe Clarke",
           "Ingrid Larsen", "Ravi Kumar", "Julia Nowak", "Ethan Brooks", "Amina Yusuf", "Tom Becker",
           "Sara Lindqvist"]
WORDS = ["rust", "data", "product", "design", "leadership", "python", "career", "startup"]


def email_of(name):
    return name.lower().replace(" ", ".") + "@demo.tandem.test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def psql(url, sql):
    subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def call(base, method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


class Person:
    def __init__(self, name, token, me):
        self.name, self.token, self.id = name, token, me["id"]
        self.mentorships, self.step, self.shortlisted = [], 0, None
        self.programs, self.mentors = [], []  # programs they may browse, mentors found there
        self.busy = False  # a shortlist change of theirs is on its way


def setup(base):
    people = []
    for name in MENTORS + MENTEES:
        out = call(base, "POST", "/api/v1/auth/login", body={"email": email_of(name), "password": PASSWORD})
        people.append(Person(name, out["token"], out["user"]))
    programs = [p["id"] for p in call(base, "GET", "/api/v1/programs", people[0].token)["items"]]
    for p in people:
        p.mentorships = [m["id"] for m in call(base, "GET", "/api/v1/mentorships", p.token)["items"]]
        for program in programs:
            try:
                found = call(base, "GET", f"/api/v1/programs/{program}/mentors", p.token)["items"]
            except urllib.error.HTTPError:
                continue  # not enrolled there
            p.programs.append(program)
            p.mentors += [m["id"] for m in found if m["id"] != p.id and m["id"] not in p.mentors]
    amara = next(p for p in people if p.name == "Amara Okafor")
    noah = next(p for p in people if p.name == "Noah Williams")
    active = next(
        m["id"] for m in call(base, "GET", "/api/v1/mentorships?status=active", amara.token)["items"]
        if any(x["id"] == noah.id for x in m["mentees"])
    )
    return people, programs, (amara, noah, active)


def request_bytes(host, method, path, token, body=None):
    payload = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Authorization: Bearer {token}"]
    if body is not None:
        head += ["Content-Type: application/json"]
    head += [f"Content-Length: {len(payload)}", "", ""]
    return "\r\n".join(head).encode() + payload


class Mix:
    def __init__(self, host, people, programs, pair, rng):
        self.host, self.people, self.programs, self.rng = host, people, programs, rng
        self.amara, self.noah, self.active = pair
        self.browsing = [p for p in people if p.programs]
        self.shortlisting = [p for p in people if p.mentors]
        self.with_mentorships = [p for p in people if p.mentorships]
        self.turn = 0

    def next(self):
        r, rng = self.rng.random() * 100, self.rng
        p = rng.choice(self.people)
        h = lambda m, path, body=None, who=p: request_bytes(self.host, m, path, who.token, body)
        if r < 18:
            return "read", h("GET", "/api/v1/me"), None
        if r < 32:
            return "read", h("GET", "/api/v1/mentorships"), None
        if r < 42:
            q = rng.choice(self.with_mentorships)
            return "read", h("GET", f"/api/v1/mentorships/{rng.choice(q.mentorships)}", who=q), None
        if r < 52:
            return "read", h("GET", "/api/v1/programs"), None
        if r < 62:
            q = rng.choice(self.browsing)
            word = urllib.parse.quote(rng.choice(WORDS))
            return "read", h("GET", f"/api/v1/programs/{rng.choice(q.programs)}/mentors?q={word}", who=q), None
        if r < 70:
            return "read", h("GET", "/api/v1/me/plan"), None
        if r < 82:
            p.step += 1
            plan = {"strengths": ["listening"], "improve": ["public speaking"],
                    "short_term_goals": [f"step {p.step}"], "long_term_goals": ["lead a team"]}
            return "write", h("PUT", "/api/v1/me/plan", plan), None
        if r < 92:
            # One shortlist change at a time per person, each after the last was answered.
            idle = [x for x in self.shortlisting if not x.busy]
            if not idle:  # everyone's change is on its way: read the list instead
                return "read", h("GET", "/api/v1/shortlist"), None
            q = rng.choice(idle)
            q.busy = True
            if q.shortlisted:
                gone = q.shortlisted

                def removed(status, q=q):
                    q.busy = False
                    if 200 <= status < 300:
                        q.shortlisted = None

                return "write", h("DELETE", f"/api/v1/shortlist/{gone}", who=q), removed
            chosen = rng.choice(q.mentors)

            def added(status, q=q, chosen=chosen):
                q.busy = False
                if 200 <= status < 300:
                    q.shortlisted = chosen

            body = {"person_id": chosen, "connection": "load test"}
            return "write", h("POST", "/api/v1/shortlist", body, who=q), added
        self.turn += 1
        who = self.amara if self.turn % 2 else self.noah
        agreement = {"goals": f"Ship the first release, revision {self.turn}", "cadence_days": 14,
                     "meeting_minutes": 45, "channel": "video call"}
        return "write", h("PUT", f"/api/v1/mentorships/{self.active}/agreement", agreement, who), None


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() == "close"


class Stats:
    def __init__(self):
        self.latencies, self.errors, self.lag, self.kinds = [], {}, [], {"read": 0, "write": 0}

    def error(self, what):
        self.errors[what] = self.errors.get(what, 0) + 1


def pct(sorted_ms, q):
    if not sorted_ms:
        return None
    return round(sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))], 2)


async def run_load(host, port, mix, rate, seconds, connections, stats, on_tick):
    idle = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await asyncio.open_connection(host, port))  # before the clock starts
    loop = asyncio.get_running_loop()
    start = loop.time()
    total = int(rate * seconds)
    tasks = set()

    async def connect():
        # Until the server takes it: a refused connection is an error, then a retry.
        while True:
            try:
                return await asyncio.open_connection(host, port)
            except OSError as e:
                stats.error(f"connect: {type(e).__name__}")
                await asyncio.sleep(0.1)

    async def one(due, kind, raw, done):
        # Waiting for a free connection counts in the latency, against the server.
        reader, writer = await idle.get()
        status = 0
        try:
            writer.write(raw)
            status, close = await asyncio.wait_for(read_response(reader), timeout=30)
            if not 200 <= status < 300:
                stats.error(str(status))
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError) as e:
            stats.error(type(e).__name__)
            close = True
        # Every request has a latency, failed ones too.
        stats.latencies.append((loop.time() - due) * 1000)
        stats.kinds[kind] += 1
        if done:
            done(status)
        if close:
            writer.close()
            reader, writer = await connect()
        idle.put_nowait((reader, writer))

    next_tick = start + 30
    for k in range(total):
        due = start + k / rate
        now = loop.time()
        if due > now:
            await asyncio.sleep(due - now)
        stats.lag.append(max(0.0, loop.time() - due) * 1000)
        kind, raw, done = mix.next()
        t = asyncio.create_task(one(due, kind, raw, done))
        tasks.add(t)
        t.add_done_callback(tasks.discard)
        if loop.time() >= next_tick:
            on_tick(loop.time() - start)
            next_tick += 30
    await asyncio.gather(*tasks)
    while not idle.empty():
        _, w = idle.get_nowait()
        w.close()
    return loop.time() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=1000, help="requests a second (default 1000)")
    ap.add_argument("--seconds", type=float, default=600, help="how long (default 600)")
    ap.add_argument("--connections", type=int, default=64, help="keep-alive connections (default 64)")
    ap.add_argument("--warmup", type=float, default=30, help="seconds at the rate before memory is first read")
    ap.add_argument("--postgres", metavar="URL", help="a PostgreSQL server: a fresh database is made and dropped")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "tandem"))
    ap.add_argument("--seed", type=int, default=7)
    opts = ap.parse_args()
    if not os.path.exists(opts.binary):
        sys.exit(f"{opts.binary} is missing: run `cargo build --release` first")
    work = tempfile.mkdtemp(prefix="tandem-load-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    admin_url = dbname = None
    if opts.postgres:
        dbname = f"tandem_load_{os.getpid()}"
        admin_url = opts.postgres
        psql(admin_url, f"CREATE DATABASE {dbname}")
        parts = urllib.parse.urlsplit(opts.postgres)
        url = urllib.parse.urlunsplit(parts._replace(path="/" + dbname))
    else:
        url = f"sqlite://{work}/tandem.db"
    proc = subprocess.Popen(
        [opts.binary, "serve", "--demo", "--bind", f"127.0.0.1:{port}", "--database-url", url],
        cwd=work, env=dict(os.environ, RUST_LOG="warn"),
        stdout=open(os.path.join(work, "server.log"), "wb"), stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/readyz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        people, programs, pair = setup(base)
        mix = Mix(f"127.0.0.1:{port}", people, programs, pair, random.Random(opts.seed))
        memory = {}
        stats = Stats()

        def tick(t):
            lat = sorted(stats.latencies[-int(opts.rate * 30):])
            if t >= opts.warmup and "after_warmup" not in memory:
                memory["after_warmup"] = rss_kib(proc.pid)
            print(f"{t:6.0f} s  {len(stats.latencies):8d} answered  errors {sum(stats.errors.values())}"
                  f"  last 30 s p50 {pct(lat, .5)} ms p99 {pct(lat, .99)} ms"
                  f"  rss {rss_kib(proc.pid) / 1024:.1f} MiB", flush=True)

        took = asyncio.run(run_load("127.0.0.1", port, mix, opts.rate, opts.seconds,
                                    opts.connections, stats, tick))
        memory.setdefault("after_warmup", rss_kib(proc.pid))
        memory["end"] = rss_kib(proc.pid)
        if proc.poll() is not None:
            sys.exit("the server died during the run")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        if dbname:
            psql(admin_url, f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        shutil.rmtree(work, ignore_errors=True)
    lat = sorted(stats.latencies)
    lag = sorted(stats.lag)
    growth = (memory["end"] - memory["after_warmup"]) / memory["after_warmup"] * 100
    print(json.dumps({
        "database": "postgres" if opts.postgres else "sqlite",
        "rate": opts.rate, "seconds": round(took, 1), "requests": len(lat),
        "achieved_per_second": round(len(lat) / took, 1), "reads": stats.kinds["read"],
        "writes": stats.kinds["write"], "errors": stats.errors,
        "latency_ms": {"p50": pct(lat, .5), "p90": pct(lat, .9), "p99": pct(lat, .99),
                       "max": round(lat[-1], 2) if lat else None},
        "client_lag_ms": {"p99": pct(lag, .99), "max": round(lag[-1], 2) if lag else None},
        "rss_mib": {"after_warmup": round(memory["after_warmup"] / 1024, 1),
                    "end": round(memory["end"] / 1024, 1), "growth_percent": round(growth, 1)},
    }))


if __name__ == "__main__":
    main()
