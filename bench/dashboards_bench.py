"""Speed of the dashboards on years of history, with the SQL floor beside each.

    python -m bench.dashboards_bench --both-scales [--database-url postgresql://...] [--reuse]

Loads the bench commune in bulk (bench.seed: five years of a
300,000-inhabitant town) unless ``--reuse`` finds it, signs in the DGS
through the login form and times, with ``time.perf_counter`` around the
in-process WSGI call (server time, no network), N renderings of each
dashboard the DGS may open — operational and strategic for this month and
for the last 12 months, and each domain's.

The SQL floor: every statement a rendering sent to the database is recorded
(SQLAlchemy ``before_cursor_execute``) and replayed on a raw DB-API cursor;
its time is what the same figures cost in plain SQL, so the ratio shows the
framework's share (Python folding hours into days, percentiles, the
template and its charts).

Never run as a test: the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import event

from . import seed as seeding
from .requests_bench import Figure, database_has, git_commit, sign_in, table, timed, url_for_scale

TARGET_MS = 300
PERIODS = {"this month": "period=month", "last 12 months": "period=12m"}


def record_statements(app, call):
    """Run ``call`` and return the (statement, parameters) it sent to the database."""
    from grc_core.extensions import db

    with app.app_context():
        engine = db.engine
    sent = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return engine, sent


def replay(engine, statements, repeat: int) -> list[float]:
    """Time the statements on a raw DB-API cursor (fetching every row)."""
    samples = []
    raw = engine.raw_connection()
    try:
        for _ in range(repeat):
            cursor = raw.cursor()
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
            cursor.close()
        raw.rollback()
    finally:
        raw.close()
    return samples


def dashboards_of_dgs(app, client) -> list[str]:
    """The dashboards the DGS may open, read from the tabs of the page."""
    import re

    html = client.get("/admin/dashboards/operational/").get_data(as_text=True)
    return list(dict.fromkeys(re.findall(r'href="/admin/dashboards/([a-z_]+)/', html)))


def run_dashboards(app, repeat: int, log) -> list[Figure]:
    client = app.test_client()
    sign_in(client, seeding.BENCH_MANAGER, seeding.BENCH_PASSWORD)
    figures = []
    for code in dashboards_of_dgs(app, client):
        periods = PERIODS if code in ("operational", "strategic") else {"this month": "period=month"}
        for period_label, query in periods.items():
            url = f"/admin/dashboards/{code}/?{query}"
            response = client.get(url)
            if response.status_code != 200:
                log(f"  {url}: HTTP {response.status_code}, skipped")
                continue
            figure = Figure("dashboard", f"{code} — {period_label}")
            for _ in range(repeat):
                ms, response = timed(lambda: client.get(url))
                assert response.status_code == 200
                figure.samples_ms.append(ms)
            engine, statements = record_statements(app, lambda: client.get(url))
            figure.floor_ms = replay(engine, statements, max(5, repeat // 3))
            figure.note = f"{len(statements)} statements"
            log(f"  {figure.label}: {statistics.median(figure.samples_ms):.1f} ms "
                f"(SQL {statistics.median(figure.floor_ms):.1f} ms, {len(statements)} statements)")
            figures.append(figure)
    return figures


def steady_state(url: str) -> None:
    """VACUUM ANALYZE, as autovacuum keeps a live database: after the bulk
    load and earlier runs' writes, PostgreSQL's visibility map is stale and
    the planner reads the table instead of the open requests' index alone."""
    from sqlalchemy import create_engine, text

    engine = create_engine(seeding.normalise_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def run_scale(url: str, citizens: int, requests: int, repeat: int, reuse: bool, log) -> dict:
    backend = "PostgreSQL" if seeding.is_postgresql(url) else "SQLite"
    log(f"== {backend}, {citizens:,} citizens, {requests:,} requests")
    if reuse and database_has(url, requests):
        log("  reusing the data already loaded")
        seeding.complete_schema(url, log)
    else:
        report = seeding.seed(url, citizens, requests, reset=True, log=log)
        for line in report.lines():
            log(line)
    if seeding.is_postgresql(url):
        steady_state(url)
    app = seeding.bench_app(url)
    load_before = os.getloadavg()
    figures = run_dashboards(app, repeat, log)
    with app.app_context():
        from grc_core.extensions import db
        db.engine.dispose()
    return {"backend": backend, "citizens": citizens, "requests": requests, "repeat": repeat,
            "figures": [f.as_dict() for f in figures], "table": table(figures),
            "load_average": {"before": [round(x, 2) for x in load_before],
                             "after": [round(x, 2) for x in os.getloadavg()]}}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--both-scales", action="store_true", help="100,000 then 1,000,000 requests")
    parser.add_argument("--database-url", default="", help="default: an SQLite file in the temp folder")
    parser.add_argument("--repeat", type=int, default=15, help="timed renderings of each dashboard")
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded at this scale")
    parser.add_argument("--json", default="", help="also write the results to this file")
    args = parser.parse_args(argv)
    url = seeding.normalise_url(args.database_url or seeding.default_database_url())
    scales = [100_000, 1_000_000] if args.both_scales else [args.requests]
    log = lambda line: print(line, flush=True)  # noqa: E731
    results = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": f"{platform.node()} — {os.cpu_count()} CPU, Python {platform.python_version()}",
               "commit": git_commit(), "runs": []}
    for requests in scales:
        scale_url = url_for_scale(url, requests, len(scales) > 1)
        results["runs"].append(run_scale(scale_url, args.citizens, requests, args.repeat, args.reuse, log))
    for run in results["runs"]:
        print()
        print(f"{run['backend']} — {run['requests']:,} requests: dashboards (median and p90 of {run['repeat']} "
              f"renderings, ms; SQL = the same statements on a raw DB-API cursor); target {TARGET_MS} ms")
        print(f"machine load average before: {run['load_average']['before']}, after: {run['load_average']['after']}")
        for line in run["table"]:
            print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
