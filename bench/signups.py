#!/usr/bin/env python3
"""Memory under a crowd of sign-ups.

Starts `target/release/tandem serve` on a fresh SQLite file with the default
Argon2id cost (19 MiB a hash), sends --crowd sign-ups at once (one thread each,
different e-mails, one client address), and reports the answers and the server's
resident memory: before, at its peak (VmHWM) and a few seconds after.

    cargo build --release
    python3 bench/signups.py --crowd 200
"""
import argparse
import collections
import concurrent.futures
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TANDEM = os.path.join(ROOT, "target", "release", "tandem")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def sign_up(base, k):
    body = json.dumps({"email": f"crowd{k}@example.org", "password": "correct horse battery", "name": f"Crowd {k}"})
    req = urllib.request.Request(
        f"{base}/api/v1/auth/register", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, None
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Retry-After")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--crowd", type=int, default=200)
    opts = ap.parse_args()
    if not os.path.exists(TANDEM):
        sys.exit(f"{TANDEM} is missing: run `cargo build --release` first")
    work = tempfile.mkdtemp(prefix="tandem-signups-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RUST_LOG="warn", TANDEM_SIGNUP_MAX_PER_IP="100000")
    proc = subprocess.Popen(
        [TANDEM, "serve", "--bind", f"127.0.0.1:{port}", "--database-url", f"sqlite://{work}/tandem.db"],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/readyz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        time.sleep(0.5)
        before = memory_kib(proc.pid, "VmRSS")
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(max_workers=opts.crowd) as pool:
            answers = list(pool.map(lambda k: sign_up(base, k), range(opts.crowd)))
        seconds = time.time() - started
        peak = memory_kib(proc.pid, "VmHWM")
        time.sleep(3)
        after = memory_kib(proc.pid, "VmRSS")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    statuses = collections.Counter(status for status, _ in answers)
    busy_without_retry = sum(1 for status, retry in answers if status == 503 and not retry)
    print(
        json.dumps(
            {
                "crowd": opts.crowd,
                "seconds": round(seconds, 2),
                "answers": dict(sorted(statuses.items())),
                "503_without_retry_after": busy_without_retry,
                "rss_before_mib": round(before / 1024, 1),
                "rss_peak_mib": round(peak / 1024, 1),
                "peak_growth_mib": round((peak - before) / 1024, 1),
                "rss_after_mib": round(after / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
