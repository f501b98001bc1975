#!/usr/bin/env python3
"""`make bench`: Roster's speed at 10,000 users, measured with real HTTP and a real browser.

Starts, each on a free loopback port and in a fresh temporary folder: the local Axiom
seeded with 10,000 users (`roster local-axiom`); Roster in front of it over HTTP with
the default 10 s user-list cache ("warm"); a second Roster with the cache off ("cold");
and axum serving a saved copy of the users page as a static file (the ceiling). Drives
them with wrk, times creates and a Chromium search, then prints one table with the
targets from issue 6, and stops everything it started.

Environment: BENCH_USERS (10000), BENCH_SECONDS per wrk run (10), BENCH_CONNECTIONS
for the throughput runs (16), BENCH_CREATES (200), BENCH_KEYSTROKES (30).
"""
import gzip
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

USERS = int(os.environ.get("BENCH_USERS", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
CREATES = int(os.environ.get("BENCH_CREATES", "200"))
KEYSTROKES = int(os.environ.get("BENCH_KEYSTROKES", "30"))
TOKEN = "xaat-local-roster-full-access"
ORG = "roster-local"
ROSTER = "target/release/roster"
CEILING = "target/release/examples/static_ceiling"
PAGES = [
    ("users page, 50 rows", "/"),
    ("users page, search", "/?q=amara"),
    ("users page, page 100", "/?page=100"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited before serving")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{what} did not start within 300 s")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, connections: int, headers=()) -> dict:
    """One wrk run: requests, req/s and the latency percentiles, in ms."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{SECONDS}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        raise SystemExit(f"wrk saw failures for {url}:\n{out}")
    result = {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
    }
    for pct in ("50", "99"):
        result[f"p{pct}"] = to_ms(re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M).group(1))
    return result


def get(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status}")
    return body


def time_creates(port: int) -> list:
    """Sequential create_user calls, as the hydrated page makes them, in ms."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    origin = f"http://127.0.0.1:{port}"
    stamp = int(time.time())
    times = []
    for n in range(CREATES):
        body = urllib.parse.urlencode(
            {"name": f"Bench {n}", "email": f"bench-{stamp}-{n}@example.com", "role": "user", "back": "/"}
        )
        started = time.perf_counter()
        conn.request(
            "POST",
            "/api/create_user",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Origin": origin,
            },
        )
        response = conn.getresponse()
        answer = response.read()
        times.append((time.perf_counter() - started) * 1000)
        if response.status != 200 or b"Invited" not in answer:
            raise SystemExit(f"create {n}: {response.status} {answer[:200]!r}")
    conn.close()
    return sorted(times)


def upstream_calls(log_path: str) -> dict:
    """Counts the Axiom calls in a Roster's JSON log, by path."""
    counts = {}
    with open(log_path) as log:
        for line in log:
            try:
                fields = json.loads(line).get("fields", {})
            except ValueError:
                continue
            if fields.get("message") == "Axiom call":
                key = f"{fields.get('method')} {fields.get('path')}"
                counts[key] = counts.get(key, 0) + 1
    return counts


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def gzipped_kb(path: str) -> float:
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), 9)) / 1024


def pct(times: list, q: float) -> float:
    return times[min(len(times) - 1, int(len(times) * q))]


def main() -> None:
    for path in (ROSTER, CEILING):
        if not os.access(path, os.X_OK):
            raise SystemExit(f"{path} is missing: run `make bench`, which builds it")
    started = []
    with tempfile.TemporaryDirectory() as data:

        def start(what, command, port, env=None, log=None):
            out = open(log, "w") if log else subprocess.DEVNULL
            process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.DEVNULL)
            started.append(process)
            wait_until_serving(port, process, what)
            return process

        try:
            axiom_port, warm_port, cold_port, static_port = (free_port() for _ in range(4))
            print(f"seeding the local Axiom with {USERS} users…", file=sys.stderr)
            start(
                "the local Axiom",
                [ROSTER, "local-axiom", "--addr", f"127.0.0.1:{axiom_port}", "--data", f"{data}/axiom",
                 "--seed-users", str(USERS), "--rate-limit", "100000000"],
                axiom_port,
            )
            base_env = dict(
                os.environ,
                AXIOM_URL=f"http://127.0.0.1:{axiom_port}",
                AXIOM_TOKEN=TOKEN,
                AXIOM_ORG_ID=ORG,
                LOG_FORMAT="json",
                RUST_LOG="warn,roster::axiom::client=debug",
            )
            warm_log = f"{data}/warm.log"
            warm = start(
                "Roster (warm)",
                [ROSTER],
                warm_port,
                dict(base_env, LEPTOS_SITE_ADDR=f"127.0.0.1:{warm_port}", ROSTER_DATA_DIR=f"{data}/warm"),
                warm_log,
            )
            cold = start(
                "Roster (cold)",
                [ROSTER],
                cold_port,
                dict(base_env, LEPTOS_SITE_ADDR=f"127.0.0.1:{cold_port}", ROSTER_DATA_DIR=f"{data}/cold",
                     USER_CACHE_SECONDS="0", RUST_LOG="warn"),
            )
            page = get(warm_port, "/")
            if b'aria-label="Users"' not in page:
                raise SystemExit("the users page did not render its table")
            with open(f"{data}/users.html", "wb") as f:
                f.write(page)
            start("the static ceiling", [CEILING, f"127.0.0.1:{static_port}", f"{data}/users.html"], static_port)

            rows = []
            views = 0
            calls_before = upstream_calls(warm_log)
            for label, path in PAGES:
                print(f"{label}…", file=sys.stderr)
                latency = wrk(f"http://127.0.0.1:{warm_port}{path}", 1)
                load = wrk(f"http://127.0.0.1:{warm_port}{path}", CONNECTIONS)
                views += latency["requests"] + load["requests"]
                rows.append((label, latency, load))
            calls = upstream_calls(warm_log)
            list_calls = calls.get("GET /v2/users", 0) - calls_before.get("GET /v2/users", 0)

            print("static ceiling…", file=sys.stderr)
            ceiling = wrk(f"http://127.0.0.1:{static_port}/", CONNECTIONS)
            print("cold page and direct upstream…", file=sys.stderr)
            cold_page = wrk(f"http://127.0.0.1:{cold_port}/", 1)
            direct = wrk(
                f"http://127.0.0.1:{axiom_port}/v2/users",
                1,
                [f"Authorization: Bearer {TOKEN}", f"x-axiom-org-id: {ORG}"],
            )
            print(f"{CREATES} creates…", file=sys.stderr)
            creates = time_creates(warm_port)
            print(f"{KEYSTROKES} keystrokes in Chromium…", file=sys.stderr)
            search = subprocess.run(
                ["node", "bench/search-keystroke.mjs", f"http://127.0.0.1:{warm_port}", str(KEYSTROKES)],
                cwd="end2end", capture_output=True, text=True,
            )
            if search.returncode != 0:
                raise SystemExit(f"the search timing failed:\n{search.stdout}\n{search.stderr}")
            keystroke = json.loads(search.stdout.strip().splitlines()[-1])
            warm_rss = peak_rss_mb(warm.pid)
            cold_rss = peak_rss_mb(cold.pid)
        finally:
            for process in reversed(started):
                process.terminate()
            for process in started:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()

    wasm = gzipped_kb("target/site/pkg/roster.wasm")
    js = gzipped_kb("target/site/pkg/roster.js")
    home = rows[0][2]
    ratio = home["rps"] / ceiling["rps"]
    cold_limit = 1.2 * direct["p50"] + 5

    def check(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print()
    print(f"Roster at {USERS} users; wrk for {SECONDS} s per run; latency on 1 connection, "
          f"req/s on {CONNECTIONS}.")
    print()
    print("| measure | p50 ms | p99 ms | req/s | target |")
    print("|---|---|---|---|---|")
    for label, latency, load in rows:
        target = f"p50 ≤ 5 ms: {check(latency['p50'] <= 5)}" if label == PAGES[0][0] else ""
        print(f"| {label}, warm | {latency['p50']:.2f} | {latency['p99']:.2f} | {load['rps']:.0f} | {target} |")
    print(f"| same HTML as a static file (ceiling) | | | {ceiling['rps']:.0f} | |")
    print(f"| users page ÷ static ceiling, req/s | | | {ratio:.0%} | ≥ 40%: {check(ratio >= 0.4)} |")
    print(f"| users page, cold (cache off) | {cold_page['p50']:.2f} | {cold_page['p99']:.2f} | | "
          f"≤ 1.2 × direct + 5 = {cold_limit:.1f} ms: {check(cold_page['p50'] <= cold_limit)} |")
    print(f"| `GET /v2/users` straight from the local Axiom | {direct['p50']:.2f} | {direct['p99']:.2f} | | |")
    print(f"| cold ÷ direct, p50 | {cold_page['p50'] / direct['p50']:.2f} × | | | |")
    print(f"| create_user server function ({CREATES}) | {statistics.median(creates):.2f} | "
          f"{pct(creates, 0.99):.2f} | | |")
    print(f"| search keystroke → updated table, Chromium ({keystroke['n']}) | {keystroke['p50']:.1f} | "
          f"{keystroke['p99']:.1f} | | ≤ 100 ms: {check(keystroke['p99'] <= 100)} |")
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| upstream `GET /v2/users` per 1,000 page views | {list_calls * 1000 / views:.2f} "
          f"({list_calls} in {views} views) | |")
    print(f"| Roster's peak resident memory (warm / cold) | {warm_rss:.1f} MB / {cold_rss:.1f} MB | "
          f"≤ 80 MB: {check(max(warm_rss, cold_rss) <= 80)} |")
    print(f"| hydrate wasm, gzipped | {wasm:.1f} KB | ≤ 300 KB: {check(wasm <= 300)} |")
    print(f"| hydrate JS, gzipped | {js:.1f} KB | |")


if __name__ == "__main__":
    sys.exit(main())
