"""Speed of the open APIs on years of data, with the SQL floor beside each figure.

    python -m bench.api_bench --requests 1000000 [--database-url postgresql://...] [--reuse]
    python -m bench.api_bench --requests 20000      # a reduced scale, for a shared machine

Loads the bench commune in bulk (bench.seed) unless ``--reuse`` finds it,
builds the app on that database with every plugin, creates an API key of
the commune (scopes ``open311``, ``read``, ``write``; the manager's role)
and times, with ``time.perf_counter`` around the in-process WSGI call
(server time, no network), N calls of:

- Open311 ``GET requests.json`` with the default window (the last 90 days);
- Open311 ``GET requests/<id>.json``, one random request of the last year;
- Open311 ``POST requests.json`` (a street report: validation, routing,
  history, outbox, the webhooks' outbox), checked in the answer;
- REST ``GET /api/v1/requests?limit=50`` (50 rows and their count).

The SQL floor of a read: every statement one call sent to the database is
recorded (SQLAlchemy ``before_cursor_execute``) and replayed on a raw
DB-API cursor, rolled back after each replay (see :func:`replay`); of the
POST: the intake's floor (bench.requests_bench.raw_insert_floor). The ratio
is the framework's share.

Never run as a test (tests/test_bench_smoke.py runs it at a tiny scale,
without looking at the times): the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from . import seed as seeding
from .dashboards_bench import record_statements, steady_state
from .requests_bench import Figure, database_has, git_commit, load_context, raw_insert_floor, timed

TARGETS_MS = {"GET requests.json (default window)": 150, "GET requests/<id>.json": 15,
              "POST requests.json": 25, "REST list (50 rows and count)": 60}
STREET_TYPE = "signalement_voirie"


def replay(engine, statements, repeat: int) -> list[float]:
    """Time a read's statements on a raw DB-API cursor (fetching every row),
    rolled back after each replay. The audit line's INSERT is left out: it
    takes the next number of the commune's hash chain, which the recorded
    call took already (the chain's head is read, and the key's last use
    updated, in the floor)."""
    samples = []
    raw = engine.raw_connection()
    try:
        for _ in range(repeat):
            cursor = raw.cursor()
            started = time.perf_counter()
            for statement, parameters in statements:
                if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
                    continue
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
            cursor.close()
            raw.rollback()
    finally:
        raw.close()
    return samples


def table(figures: list[Figure]) -> list[str]:
    lines = [f"{'call':<40} {'median':>8} {'p90':>8} {'target':>7} {'SQL':>7} {'ratio':>6}  verdict"]
    for figure in figures:
        target = TARGETS_MS[figure.label]
        ratio = f"{figure.median / figure.floor:.1f}" if figure.median and figure.floor else "—"
        verdict = "ok" if figure.median <= target else "MISSED"
        lines.append(f"{figure.label:<40} {figure.median:>8.1f} {figure.p90:>8.1f} {target:>7} {figure.floor:>7.1f} "
                     f"{ratio:>6}  {verdict}")
        lines.append(f"{'':<4}({figure.note})")
    return lines


def api_key(app) -> tuple[str, str, list[str]]:
    """A new key of the bench commune (printed nowhere), its slug, and references of the last year."""
    from grc_core.extensions import db
    from grc_core.models import Commune, Request, RequestType
    from grc_core.plugin_api.testing import in_commune
    from grc_core.webapi.keys import create_key

    with app.app_context():
        commune = db.session.scalar(select(Commune).where(Commune.slug == seeding.BENCH_COMMUNE[2]))
        commune_id, slug = commune.id, commune.slug
    with in_commune(app, commune_id):
        _key, secret = create_key(name="Bench", scopes=["open311", "read", "write"], role="manager")
        db.session.commit()
        newest = db.session.scalar(select(Request.id).order_by(Request.id.desc()).limit(1)) or 0
        # Of the commune's own types: a key never reads a confidential (CCAS) file, and the bench
        # commune enables no plugin.
        own_types = select(RequestType.id).where(RequestType.plugin.is_(None))
        references = list(db.session.scalars(select(Request.reference).where(
            Request.id > newest * 4 // 5, Request.request_type_id.in_(own_types))
            .order_by(Request.id.desc()).limit(2000)))
    return secret, slug, references


def run_api(app, repeat: int, rng: random.Random, log) -> list[Figure]:
    """The four figures (each call's status checked: a failing call stops the run)."""
    from grc_core.extensions import db

    app.config["GRC"]["API_RATE_LIMIT"] = "100000000/minute"  # the bench measures calls, not the limit
    secret, slug, references = api_key(app)
    context = load_context(app, rng)
    client = app.test_client()
    headers = {"X-API-Key": secret}
    base = f"/c/{slug}/open311/v2"
    with app.app_context():
        engine = db.engine

    def street_report():
        return {"service_code": STREET_TYPE, "lat": "47.90", "long": "1.90",
                "description": "Nid-de-poule devant l'école", "attribute[nature]": "nid_de_poule",
                "attribute[adresse]": f"{rng.randint(1, 200)} rue des Lilas"}

    calls = {
        "GET requests.json (default window)": (lambda: client.get(f"{base}/requests.json", headers=headers), 200),
        "GET requests/<id>.json": (
            lambda: client.get(f"{base}/requests/{rng.choice(references)}.json", headers=headers), 200),
        "POST requests.json": (lambda: client.post(f"{base}/requests.json", data=street_report(),
                                                   headers=headers), 201),
        "REST list (50 rows and count)": (lambda: client.get("/api/v1/requests?limit=50", headers=headers), 200),
    }
    figures = []
    for label, (call, status) in calls.items():
        figure = Figure("api", label)
        response = call()  # warm-up: the first call fills caches
        if response.status_code not in (status, 200):
            raise RuntimeError(f"{label}: HTTP {response.status_code}: {response.get_data(as_text=True)[:300]}")
        for _ in range(repeat):
            ms, response = timed(call)
            if response.status_code not in (status, 200):
                raise RuntimeError(f"{label}: HTTP {response.status_code}")
            figure.samples_ms.append(ms)
        _engine, statements = record_statements(app, call)
        if label.startswith("POST"):
            # A filing's own rows cannot be replayed (its reference is taken): the intake's floor, the
            # reference upsert and the request, history and outbox INSERTs, committed.
            figure.floor_ms = raw_insert_floor(app, context.commune_id, context.intake_type, context.manager_id,
                                               [row[0] for row in context.citizen_samples], max(5, repeat // 3), rng)
        else:
            figure.floor_ms = replay(engine, statements, max(5, repeat // 3))
        figure.note = f"{len(statements)} statements"
        log(f"  {label}: {statistics.median(figure.samples_ms):.1f} ms "
            f"(SQL {statistics.median(figure.floor_ms):.1f} ms, {len(statements)} statements)")
        figures.append(figure)
    return figures


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
    figures = run_api(app, repeat, random.Random(2026), log)
    with app.app_context():
        from grc_core.extensions import db
        db.engine.dispose()
    return {"backend": backend, "citizens": citizens, "requests": requests, "repeat": repeat,
            "figures": [f.as_dict() for f in figures], "table": table(figures),
            "load_average": {"before": [round(x, 2) for x in load_before],
                             "after": [round(x, 2) for x in os.getloadavg()]}}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--citizens", type=int, default=0, help="default: one for five requests")
    parser.add_argument("--database-url", default="", help="default: an SQLite file in the temp folder")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls of each kind")
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded at this scale")
    parser.add_argument("--json", default="", help="also write the results to this file")
    args = parser.parse_args(argv)
    url = seeding.normalise_url(args.database_url or seeding.default_database_url())
    log = lambda line: print(line, flush=True)  # noqa: E731
    citizens = args.citizens or max(200, args.requests // 5)
    run = run_scale(url, citizens, args.requests, args.repeat, args.reuse, log)
    results = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": f"{platform.node()} — {os.cpu_count()} CPU, Python {platform.python_version()}",
               "commit": git_commit(), "runs": [run]}
    print()
    print(f"{run['backend']} — {run['requests']:,} requests: the APIs (median and p90 of {run['repeat']} calls, "
          f"ms; SQL = the same statements on a raw DB-API cursor)")
    print(f"machine load average before: {run['load_average']['before']}, after: {run['load_average']['after']}")
    for line in run["table"]:
        print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
