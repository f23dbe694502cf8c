"""A bounded load test on loopback: gunicorn (2 workers) on PostgreSQL, Locust headless.

    python -m bench.load_test --database-url postgresql://postgres@127.0.0.1:5432/grc_load \\
        [--citizens 20000 --requests 100000] [--reuse] [--users 40 --spawn-rate 5 --duration 60s]

Loads the bench commune (``bench.seed``; ``--reuse`` keeps a database loaded
before), starts gunicorn on a free port of 127.0.0.1, runs
``bench/locustfile.py`` for ``--duration`` and prints, per page and in
total, the requests per second, the median, p95 and p99 latencies and the
failures, with the CPU time gunicorn's workers used. Nothing listens beyond
loopback; the run stops by itself. Figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .seed import is_postgresql, normalise_url, seed

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def cpu_seconds(pids) -> float:
    """User + system CPU time of the processes (Linux /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in found.read_text().split()] if found.exists() else []


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--citizens", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the data a previous run loaded")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", default="60s")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)
    if not is_postgresql(url):
        parser.error("the load test runs against PostgreSQL (--database-url postgresql://…)")
    if not args.reuse:
        report = seed(url, args.citizens, args.requests)
        print(f"loaded: {report.rows}")
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="grc_load_"))
    env = {**os.environ, "GRC_DATABASE_URL": url, "GRC_SECRET_KEY": "bench-secret-key-" + "x" * 32,
           "GRC_INSTANCE_PATH": str(Path(tempfile.gettempdir()) / "grc_bench" / "instance"),
           "GRC_SESSION_COOKIE_SECURE": "false", "GRC_PLUGINS": "*", "GRC_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                               "--access-logfile", "/dev/null", "grc_core.wsgi:app"], cwd=ROOT, env=env)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        workers = children(server.pid)
        cpu_before = cpu_seconds(workers)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                        "--host", f"http://127.0.0.1:{port}", "-u", str(args.users), "-r", str(args.spawn_rate),
                        "-t", args.duration, "--csv", str(work / "run"), "--only-summary"], cwd=ROOT, check=False)
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(workers) - cpu_before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    print(f"\n{args.users} users, {args.workers} gunicorn workers, {elapsed:.0f} s; "
          f"workers' CPU: {cpu:.0f} s ({100 * cpu / elapsed:.0f} % of one core)")
    print(f"{'page':<20} {'requests':>9} {'fails':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    with open(work / "run_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            print(f"{row['Name']:<20} {row['Request Count']:>9} {row['Failure Count']:>6} "
                  f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")


if __name__ == "__main__":
    main()
