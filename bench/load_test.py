"""The load test of issue 15 on loopback: gunicorn + RQ workers + Redis + PostgreSQL + an SMTP sink, Locust headless.

    python -m bench.load_test --database-url postgresql://postgres@127.0.0.1:5432/grc_load \\
        [--citizens 200000 --requests 1000000] [--reuse] [--users 400 --spawn-rate 5 --duration 10m] \\
        [--workers 4 --rq-workers 2] [--redis-url redis://127.0.0.1:6379/5] [--json results.json]

1. Loads the bench commune (``bench.seed``; ``--reuse`` keeps a database
   loaded before, by ``bench.seed`` or by an earlier run) and adds what the
   load needs — agents, their piles, portal accounts, API keys
   (``bench.load_prep``, idempotent).
2. Starts, on free ports of 127.0.0.1 only: an SMTP server that accepts and
   counts every message (aiosmtpd), gunicorn with ``--workers`` workers,
   ``--rq-workers`` × ``grc worker`` on a queue of its own in Redis, so that
   e-mails and jobs go through the queue as in production.
3. Runs ``bench/locustfile.py`` headless for ``--duration`` with ``--users``
   (agents, portal citizens and Open311 clients 1:2:1).
4. Prints per page and in total the requests, failures (any failure or an
   answer other than 2xx/3xx), requests per second, p50/p95/p99; the CPU
   used by the gunicorn workers, the RQ workers (with the jobs' work-horse
   processes), the PostgreSQL backends of the database and Locust; the
   outbox's backlog at the end and after the queue drained; the messages the
   SMTP server received; failed jobs. Verdict against the issue's targets:
   p95 ≤ 300 ms, p99 ≤ 800 ms, no failure.
5. Stops everything it started, whatever happens.

Locust comes with the ``bench`` extra (``pip install -e ".[bench]"``); where
the application's interpreter is shared and must stay as it is, install it in
one of its own (``python3 -m venv .venv-locust && .venv-locust/bin/pip
install "locust>=2.20,<3"``). It is looked for in this interpreter, then in
``.venv-locust``, then on the PATH, or given with ``--locust``. Figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from .load_prep import prepare
from .seed import BENCH_COMMUNE, complete_schema, is_postgresql, normalise_url, seed

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 300
TARGET_P99_MS = 800


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


# --- CPU, from Linux's /proc -------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(child) for child in found.read_text().split()]
    except OSError:
        return []


def tree_cpu_seconds(pid: int) -> float:
    """CPU (user + system) of a process, of its children it has waited for
    (exited gunicorn workers, RQ work horses) and of its live descendants."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    own = sum(int(value) for value in fields[11:15]) / TICKS  # utime, stime, cutime, cstime
    return own + sum(tree_cpu_seconds(child) for child in children(pid))


class BackendSampler(threading.Thread):
    """CPU of the PostgreSQL backends serving one database, sampled every
    second (a backend's CPU goes to the postmaster, shared by every database,
    when it exits: the last sample of an exited backend is what it counts)."""

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.marker = f" {database} ".encode()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.started = False
        self.halt = threading.Event()

    def sample(self) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if not command.startswith(b"postgres: ") or self.marker not in command:
                continue
            fields = _stat(int(entry.name))
            if fields is None:
                continue
            seconds = (int(fields[11]) + int(fields[12])) / TICKS
            pid = int(entry.name)
            # A backend born during the run counts from zero.
            self.first.setdefault(pid, seconds if not self.started else 0.0)
            self.last[pid] = seconds

    def run(self) -> None:
        self.sample()
        self.started = True
        while not self.halt.wait(1.0):
            self.sample()

    def stop(self) -> float:
        self.halt.set()
        self.join(timeout=5)
        self.sample()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, /proc/stat."""
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# --- the SMTP sink -------------------------------------------------------------------------

class CountingHandler:
    """Accepts every message and counts them (aiosmtpd handler)."""

    def __init__(self):
        self.messages = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.messages += 1
        return "250 Message accepted for delivery"


# --- the run ------------------------------------------------------------------------------

def locust_command(given: str) -> list[str]:
    """How to run Locust: ``--locust``, this interpreter, ``.venv-locust``, the PATH."""
    if given:
        return [given]
    try:
        import locust  # noqa: F401
    except ImportError:
        pass
    else:
        return [sys.executable, "-m", "locust"]
    own = ROOT / ".venv-locust" / "bin" / "locust"
    if own.exists():
        return [str(own)]
    found = shutil.which("locust")
    if found:
        return [found]
    raise SystemExit("Locust is not installed: pip install -e '.[bench]', or python3 -m venv .venv-locust && "
                     ".venv-locust/bin/pip install 'locust>=2.20,<3' (or --locust PATH)")


def outbox_state(url: str, since: datetime) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT count(*) FILTER (WHERE status = 'pending'), "
            "       count(*) FILTER (WHERE status = 'pending' AND created_at >= :since), "
            "       count(*) FILTER (WHERE status = 'sent' AND sent_at >= :since), "
            "       count(*) FILTER (WHERE created_at >= :since) "
            "FROM outbox_message"), {"since": since}).one()
    engine.dispose()
    return {"pending": row[0], "pending_of_the_run": row[1], "sent_during_the_run": row[2], "added_by_the_run": row[3]}


def close_queue(redis_url: str, queue_name: str) -> int:
    """The run's failed jobs; the run's queue is removed from Redis unless
    some failed (then it stays, for ``rq info`` and a look at their errors)."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(redis_url)
    try:
        queue = Queue(queue_name, connection=connection)
        failed = queue.failed_job_registry.count
        if not failed:
            queue.delete(delete_jobs=True)
        return failed
    finally:
        connection.close()


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def read_failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def stop(process: subprocess.Popen | None, seconds: float = 60) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep the data loaded before (bench.seed or a run)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--rq-workers", type=int, default=2, help="`grc worker` processes")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--users", type=int, default=400, help="agents, portal citizens, Open311 clients 1:2:1")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second")
    parser.add_argument("--duration", default="10m", help="Locust's --run-time: 90s, 10m…")
    parser.add_argument("--locust", default="", help="the locust command (default: .venv-locust, then here)")
    parser.add_argument("--json", default="", help="also write the results to this file")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)
    if not is_postgresql(url):
        parser.error("the load test runs against PostgreSQL (--database-url postgresql://…)")
    locust = locust_command(args.locust)
    log = lambda line: print(line, flush=True)  # noqa: E731
    if args.reuse:
        complete_schema(url, log)
    else:
        loaded = seed(url, args.citizens, args.requests, log=log)
        for line in loaded.lines():
            log(line)
    work = Path(tempfile.mkdtemp(prefix="grc_load_"))
    plan_path = work / "plan.json"
    log("preparing the load's people:")
    prepare(url, plan_path, log=log)

    from aiosmtpd.controller import Controller
    from sqlalchemy.engine import make_url

    port, smtp_port = free_port(), free_port()
    handler = CountingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    queue_name = f"grc-load-{os.getpid()}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "GRC_DATABASE_URL": url, "GRC_SECRET_KEY": "bench-secret-key-" + "x" * 32,
           "GRC_INSTANCE_PATH": str(work / "instance"), "GRC_SESSION_COOKIE_SECURE": "false",
           "GRC_PLUGINS": "*", "GRC_LOG_LEVEL": "WARNING", "GRC_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "GRC_REDIS_URL": args.redis_url, "GRC_JOBS_QUEUE": queue_name,
           "GRC_MAIL_SERVER": "127.0.0.1", "GRC_MAIL_PORT": str(smtp_port), "GRC_MAIL_USE_TLS": "false"}
    server = None
    workers: list[subprocess.Popen] = []
    backends = BackendSampler(make_url(url).database)
    results: dict = {}
    smtp.start()
    try:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers),
                                   "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
                                   "grc_core.wsgi:app"], cwd=ROOT, env=env)
        workers = [subprocess.Popen([sys.executable, "-c", "from grc_core.cli import main; main()", "worker"],
                                    cwd=ROOT, env=env) for _ in range(args.rq_workers)]
        wait_for(f"http://127.0.0.1:{port}/healthz")
        started_at = datetime.now(timezone.utc)
        cpu_before = {"gunicorn": tree_cpu_seconds(server.pid),
                      "rq": sum(tree_cpu_seconds(worker.pid) for worker in workers)}
        busy_before = machine_busy()
        backends.start()
        started = time.monotonic()
        locust_run = subprocess.Popen([*locust, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                                       "--host", f"http://127.0.0.1:{port}", "-u", str(args.users),
                                       "-r", str(args.spawn_rate), "-t", args.duration, "--csv", str(work / "run"),
                                       "--only-summary", "--loglevel", "WARNING"],
                                      cwd=ROOT, env={**env, "GRC_LOAD_PLAN": str(plan_path)})
        locust_cpu = 0.0
        while locust_run.poll() is None:
            locust_cpu = max(locust_cpu, tree_cpu_seconds(locust_run.pid))
            time.sleep(1)
        elapsed = time.monotonic() - started
        busy_after = machine_busy()
        cpu = {"gunicorn": tree_cpu_seconds(server.pid) - cpu_before["gunicorn"],
               "rq": sum(tree_cpu_seconds(worker.pid) for worker in workers) - cpu_before["rq"],
               "postgresql": backends.stop(), "locust": locust_cpu}
        outbox_at_end = outbox_state(url, started_at)
        mails_at_end = handler.messages
        drained = time.monotonic() + 60  # the queue's last e-mails leave within seconds
        while time.monotonic() < drained and outbox_state(url, started_at)["pending_of_the_run"]:
            time.sleep(2)
        results = {
            "date": started_at.isoformat(timespec="seconds"), "machine": f"{platform.node()}, {os.cpu_count()} CPU",
            "database": make_url(url).database, "users": args.users, "duration_s": round(elapsed),
            "gunicorn_workers": args.workers, "rq_workers": args.rq_workers,
            "cpu_seconds": {name: round(value, 1) for name, value in cpu.items()},
            "machine_busy_percent": round(100 * (busy_after[0] - busy_before[0]) /
                                          max(1, busy_after[1] - busy_before[1])),
            "load_average_after": [round(value, 2) for value in os.getloadavg()],
            "outbox_at_end": outbox_at_end, "outbox_after_drain": outbox_state(url, started_at),
            "smtp_messages": {"at_end": mails_at_end, "after_drain": handler.messages},
            "pages": read_stats(work / "run"), "failures": read_failures(work / "run"),
        }
    finally:
        backends.halt.set()
        stop(server)
        for worker in workers:
            stop(worker)
        smtp.stop()
    results["failed_jobs"] = close_queue(args.redis_url, queue_name)  # the workers stopped: nobody polls it
    report(results, args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


def report(results: dict, args) -> None:
    seconds = results["duration_s"]
    cpu = results["cpu_seconds"]
    print(f"\n{args.users} users, {args.workers} gunicorn workers, {args.rq_workers} RQ workers, {seconds} s "
          f"(commune « {BENCH_COMMUNE[0]} », database {results['database']})")
    print("CPU seconds (% of one core): " + ", ".join(
        f"{name} {value:.0f} s ({100 * value / seconds:.0f} %)" for name, value in cpu.items())
          + f"; whole machine busy {results['machine_busy_percent']} % "
          f"(load average after: {results['load_average_after']})")
    print(f"{'page':<36} {'requests':>9} {'fails':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    total = None
    for row in results["pages"]:
        print(f"{row['Name']:<36} {row['Request Count']:>9} {row['Failure Count']:>6} "
              f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")
        if row["Name"] == "Aggregated":
            total = row
    for failure in results["failures"][:15]:
        print(f"  FAILED {failure['Occurrences']}× {failure['Method']} {failure['Name']}: {failure['Error'][:150]}")
    outbox, drained = results["outbox_at_end"], results["outbox_after_drain"]
    print(f"outbox: {outbox['added_by_the_run']} e-mails added by the run, {outbox['pending_of_the_run']} of them "
          f"pending at the end, {drained['pending_of_the_run']} after draining; {drained['pending']} pending in all; "
          f"SMTP server received {results['smtp_messages']['after_drain']}; failed jobs: {results['failed_jobs']}")
    if total:
        failures, p95, p99 = int(total["Failure Count"]), float(total["95%"]), float(total["99%"])
        verdict = "MET" if failures == 0 and p95 <= TARGET_P95_MS and p99 <= TARGET_P99_MS else "MISSED"
        print(f"targets (p95 ≤ {TARGET_P95_MS} ms, p99 ≤ {TARGET_P99_MS} ms, no failure): {verdict} — "
              f"p95 {p95:.0f} ms, p99 {p99:.0f} ms, {failures} failures, "
              f"{float(total['Requests/s']):.1f} requests/s")


if __name__ == "__main__":
    main()
