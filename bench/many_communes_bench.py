"""Many communes in one deployment: does one commune's page cost more when
the database holds many others?

    python -m bench.many_communes_bench [--communes 50] [--requests 5000000] \\
        [--database-url postgresql://postgres@127.0.0.1:5432/grc_many] [--repeat 15] [--reuse]

Builds two PostgreSQL databases:

- *shared* (``--database-url``): ``--communes`` communes of
  ``--requests / --communes`` requests each (and ``--citizens / --communes``
  citizens). ``bench.seed``'s bulk loader loads one commune and the
  measured one — Villeneuve-sur-Loire, the other benches' commune —, then
  ``bench.clone_communes`` copies the first one inside PostgreSQL and
  rewrites every commune's rows interleaved in time, as a live deployment
  writes them;
- *alone* (the same name with ``_alone``): that commune only, the same rows
  (same generator seed).

Then signs in as its DGS on each and times, alternately on one database and
the other, the commune's queue (three filters), request pages and
dashboards: median server time of each, and the ratio shared / alone. The
issue's target: every ratio within 1.5× — tenancy must not cost more as the
deployment grows. Never run as a test (timings): figures go to
docs/benchmarks.md, with the machine's load average.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from urllib.parse import urlencode

from sqlalchemy.engine import make_url

from . import seed as seeding
from .dashboards_bench import PERIODS, dashboards_of_dgs, steady_state
from .requests_bench import database_has, load_context, sign_in

TARGET_RATIO = 1.5
MEASURED_SEED = 2026


def other_commune(index: int) -> tuple[str, str, str]:
    return (f"Commune témoin {index}", f"9{index:04d}", f"commune-temoin-{index}")


def alone_url(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_alone").render_as_string(hide_password=False)


def load_shared(url: str, communes: int, citizens: int, requests: int, log) -> None:
    """``communes`` communes in one database, in minutes where ``bench.seed``
    for each would take over two hours at 50 × 100,000: it seeds one other
    commune and the measured one, ``bench.clone_communes`` copies the other
    ``communes - 2`` times and interleaves every commune's rows in time;
    then checks that no copied row points into another commune."""
    from sqlalchemy import create_engine, text

    from . import clone_communes

    started = time.perf_counter()
    template = seeding.seed(url, citizens, requests, reset=True, log=lambda line: None,
                            seed_value=MEASURED_SEED + 1, commune=other_commune(1))
    log(f"  seed: commune témoin 1 (the template), {requests:,} requests in {time.perf_counter() - started:.0f} s")
    step = time.perf_counter()
    measured = seeding.seed(url, citizens, requests, reset=False, log=lambda line: None,
                            seed_value=MEASURED_SEED, commune=seeding.BENCH_COMMUNE)
    log(f"  seed: the measured commune, {requests:,} requests in {time.perf_counter() - step:.0f} s")
    app = seeding.bench_app(url)
    engine = create_engine(url)
    step = time.perf_counter()
    with app.app_context():
        from grc_core.extensions import db

        metadata = db.metadata
        db.engine.dispose()
    clone_communes.clone(engine, metadata, template.commune_id, measured.commune_id,
                         [other_commune(index) for index in range(2, communes)], log)
    log(f"  clone: {communes - 2} copies in {time.perf_counter() - step:.0f} s")
    step = time.perf_counter()
    with engine.connect() as connection:
        wrong = {where: count for where, count in clone_communes.foreign_rows(connection, metadata).items() if count}
        size = connection.scalar(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
        counts = {name: connection.scalar(text(f'SELECT count(*) FROM "{name}"'))
                  for name in ("commune", "user_account", "citizen", "request", "request_event", "message",
                               "outbox_message", "request_day_stat", "request_channel_stat", "request_duration_stat")}
    engine.dispose()
    if wrong:
        raise RuntimeError(f"copied rows pointing into another commune: {wrong}")
    log(f"  check: no row points into another commune ({time.perf_counter() - step:.0f} s)")
    log(f"  loaded in {time.perf_counter() - started:.0f} s; database {size}; "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items()))


def request_id(app, commune_id: int, reference: str) -> int:
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import Request
    from grc_core.tenancy import use_commune

    with app.app_context(), use_commune(commune_id):
        return db.session.scalar(select(Request.id).where(Request.reference == reference))


def pages_of(apps: dict, clients: dict, contexts: dict) -> list[tuple[str, dict]]:
    """(label, URL on each database) of the commune's pages under test; the
    request pages are the same requests (same references) on both."""
    pages = [("queue — no filter", "/admin/requests/"),
             ("queue — to do", "/admin/requests/?" + urlencode({"kind": "todo"})),
             ("queue — free text « trottoir »", "/admin/requests/?" + urlencode({"q": "trottoir"}))]
    for code in dashboards_of_dgs(apps["shared"], clients["shared"]):
        for period_label, query in (PERIODS if code in ("operational", "strategic")
                                    else {"this month": "period=month"}).items():
            pages.append((f"dashboard {code} — {period_label}", f"/admin/dashboards/{code}/?{query}"))
    both = [(label, {name: url for name in apps}) for label, url in pages]
    for n, reference in enumerate(sorted(contexts["shared"].references)[:6]):
        both.insert(3 + n, (f"request page {reference}", {
            name: f"/admin/requests/{request_id(app, contexts[name].commune_id, reference)}/"
            for name, app in apps.items()}))
    return both


def measure(apps: dict, repeat: int, log) -> list[dict]:
    """Median server time of each page on each database, calls alternating
    between them so that the machine's other work weighs on both alike."""
    clients, contexts = {}, {}
    for name, app in apps.items():
        contexts[name] = load_context(app, random.Random(7))
        clients[name] = app.test_client()
        sign_in(clients[name], seeding.BENCH_MANAGER, seeding.BENCH_PASSWORD)
    rows = []
    for label, urls in pages_of(apps, clients, contexts):
        samples = {name: [] for name in apps}
        statuses = {name: clients[name].get(urls[name]).status_code for name in samples}  # warm
        if set(statuses.values()) != {200}:
            # Reported, not hidden: a page that fails is a bug to fix, not a figure.
            log(f"  {label:<44} skipped: HTTP {statuses}")
            continue
        for _ in range(repeat):
            for name in samples:
                started = time.perf_counter()
                clients[name].get(urls[name])
                samples[name].append((time.perf_counter() - started) * 1000)
        shared, alone = statistics.median(samples["shared"]), statistics.median(samples["alone"])
        rows.append({"page": label, "shared_ms": shared, "alone_ms": alone, "ratio": shared / alone})
        log(f"  {label:<44} {shared:8.1f} {alone:8.1f} {shared / alone:6.2f}×")
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5_000_000, help="in all, shared by the communes")
    parser.add_argument("--citizens", type=int, default=0, help="in all (default: requests / 5)")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/grc_many")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls of each page on each database")
    parser.add_argument("--reuse", action="store_true", help="keep both databases when already loaded")
    args = parser.parse_args(argv)
    url = seeding.normalise_url(args.database_url)
    if not seeding.is_postgresql(url):
        parser.error("the many-communes bench runs on PostgreSQL (--database-url postgresql://…)")
    if args.communes < 2:
        parser.error("--communes: at least 2 (the measured commune and the one copied)")
    per_commune = args.requests // args.communes
    citizens = (args.citizens or args.requests // 5) // args.communes
    single = alone_url(url)
    log = print
    log(f"== {args.communes} communes × {per_commune:,} requests ({citizens:,} citizens each); "
        f"alone: 1 × {per_commune:,}. Load average {os.getloadavg()[0]:.2f}")
    if not (args.reuse and database_has(single, per_commune)):
        started = time.perf_counter()
        seeding.seed(single, citizens, per_commune, reset=True, log=lambda line: None, seed_value=MEASURED_SEED)
        log(f"  alone: loaded in {time.perf_counter() - started:.0f} s")
    if not (args.reuse and database_has(url, per_commune * args.communes)):
        load_shared(url, args.communes, citizens, per_commune, log)
    for database in (url, single):
        steady_state(database)
    apps = {"shared": seeding.bench_app(url), "alone": seeding.bench_app(single)}
    before = os.getloadavg()
    log(f"\n  {'page':<44} {'shared':>8} {'alone':>8} {'ratio':>7}   (median ms)")
    rows = measure(apps, args.repeat, log)
    worst = max(rows, key=lambda row: row["ratio"])
    log(f"\nWorst ratio {worst['ratio']:.2f}× ({worst['page']}); target ≤ {TARGET_RATIO}×. "
        f"Load average before/after the timings: {before[0]:.2f} / {os.getloadavg()[0]:.2f}")
    for app in apps.values():
        with app.app_context():
            from grc_core.extensions import db
            db.engine.dispose()


if __name__ == "__main__":
    main()
