#!/usr/bin/env python3
"""Measures how long Roster's server takes to answer the users page at 10,000 users.

Starts the release build on a free loopback port with a fresh embedded local Axiom
seeded with 10,000 users, requests each page a number of times in sequence, prints
p50/p99 per page, and stops the server. Run it with `make bench`.
"""
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

USERS = int(os.environ.get("BENCH_USERS", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
PAGES = [
    ("users page, 50 rows", "/"),
    ("users page, search", "/?q=amara"),
    ("users page, page 100", "/?page=100"),
    ("users page, sorted by email, descending", "/?sort=-email&page=3"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept": "text/html"})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    if response.status != 200 or b'aria-label="Users"' not in body:
        raise SystemExit(f"{path}: unexpected answer {response.status}")
    return elapsed * 1000


def wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("roster exited before serving")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("roster did not start within 120 s")


def main() -> None:
    binary = "target/release/roster"
    if not os.access(binary, os.X_OK):
        raise SystemExit("build first: make build")
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = dict(
            os.environ,
            LEPTOS_SITE_ADDR=f"127.0.0.1:{port}",
            ROSTER_DATA_DIR=data,
            LOCAL_AXIOM_SEED_USERS=str(USERS),
            AXIOM_TOKEN="",
            AXIOM_URL="",
            RUST_LOG="warn",
        )
        server = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL)
        try:
            wait_until_serving(port, server)
            for _ in range(5):  # warm up connections and allocator
                get(port, "/")
            print(f"Users page server time at {USERS} users, {ROUNDS} sequential requests each")
            print(f"{'page':<42} {'p50 ms':>8} {'p99 ms':>8}")
            for label, path in PAGES:
                times = sorted(get(port, path) for _ in range(ROUNDS))
                p50 = statistics.median(times)
                p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
                print(f"{label:<42} {p50:>8.1f} {p99:>8.1f}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
