"""Segments (issue 19): counting a segment of three criteria over 200,000
citizens, target ≤ 200 ms (median server time of ``grc_core.segments.count``,
as the builder's « Compter » runs it, for the commune's administrator).

    python -m bench.segments_bench [--citizens 200000] [--database-url URL] [--reuse]

The population is the requests bench's (bench/seed.py: names, addresses,
quartiers, birth dates, requests); consents are added to one person in three
(e-mail, « information municipale »), a tenth of them withdrawn.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

from . import seed as seeding
from .requests_bench import database_has, timed

TARGET_MS = 200
SEGMENTS = {
    "60+, two quartiers, e-mail consent": {"match": "all", "items": [
        {"criterion": "core.age", "params": {"min_age": 60}},
        {"criterion": "core.quartier", "params": {"quartiers": ["Centre-ville", "Les Aubrais"]}},
        {"criterion": "core.consent", "params": {"channel": "email", "purpose": "information_municipale"}}]},
    "filed in 2026, not 75+, e-mail consent": {"match": "all", "items": [
        {"criterion": "core.requests", "params": {"received_from": "2026-01-01"}},
        {"not": {"criterion": "core.age", "params": {"min_age": 75}}},
        {"criterion": "core.consent", "params": {"channel": "email", "purpose": "information_municipale"}}]},
    "a street or a quartier (or)": {"match": "any", "items": [
        {"criterion": "core.street", "params": {"street": "république"}},
        {"criterion": "core.quartier", "params": {"quartiers": ["Les Aubrais"]}},
        {"criterion": "core.household", "params": {"role": "parent"}}]},
}


def requests_loaded(url: str) -> int:
    """How many requests the database holds (0 when it has no request table)."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        if "request" not in inspect(engine).get_table_names():
            return 0
        with engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM request"))
    finally:
        engine.dispose()


def add_consents(app, log) -> None:
    from sqlalchemy import func, insert, select

    from grc_core.extensions import db
    from grc_core.models import Citizen, Consent, utcnow

    from grc_core.tenancy import unscoped

    # Every commune's citizens (the bench has one): outside any commune's scope.
    with app.app_context(), unscoped():
        if db.session.scalar(select(func.count()).select_from(Consent)):
            return
        started = time.perf_counter()
        now = utcnow()
        rows = [{"commune_id": commune_id, "citizen_id": citizen_id, "channel": "email",
                 "purpose": "information_municipale", "given_at": now - timedelta(days=citizen_id % 900),
                 "revoked_at": now if citizen_id % 30 == 0 else None, "source": "bench"}
                for citizen_id, commune_id in db.session.execute(
                    select(Citizen.id, Citizen.commune_id).where(Citizen.id % 3 == 0))]
        for start in range(0, len(rows), 20_000):
            db.session.execute(insert(Consent), rows[start:start + 20_000])
        db.session.connection().exec_driver_sql("ANALYZE consent")  # the segments' plans read its statistics
        db.session.commit()
        log(f"  consents: {len(rows):,} in {time.perf_counter() - started:.1f} s")


def measure(app, repeat: int, log) -> list[tuple[str, int, float, float]]:
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import Membership, User
    from grc_core.plugin_api import SegmentContext
    from grc_core.retention.engine import today_in_paris
    from grc_core.segments import count
    from grc_core.tenancy import unscoped, use_commune

    out = []
    with app.test_request_context():
        # Memberships are a commune's rows: found before choosing the commune.
        with unscoped():
            membership = db.session.scalar(select(Membership).where(Membership.role == "admin"))
            user = db.session.get(User, membership.user_id)
        with use_commune(membership.commune_id):
            context = SegmentContext(membership.commune_id, today_in_paris(), user, membership)
            for name, definition in SEGMENTS.items():
                reached = count(definition, context)  # warm-up
                times = [timed(lambda: count(definition, context))[0] for _ in range(repeat)]
                times.sort()
                out.append((name, reached, statistics.median(times), times[int(len(times) * 0.9) - 1]))
                log(f"  {name}: {reached:,} people, median {out[-1][2]:.1f} ms, p90 {out[-1][3]:.1f} ms")
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="default: an SQLite file in the temp folder")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded at this scale")
    args = parser.parse_args(argv)
    url = seeding.normalise_url(args.database_url or seeding.default_database_url())
    log = lambda line: print(line, flush=True)  # noqa: E731
    backend = "PostgreSQL" if seeding.is_postgresql(url) else "SQLite"
    log(f"== {backend}, {args.citizens:,} citizens, {args.requests:,} requests")
    if args.reuse and not database_has(url, args.requests) and (loaded := requests_loaded(url)):
        # Never reload a database --reuse was given for (the shared 1M ones were
        # reseeded at 100,000 that way: this option's default).
        parser.error(f"the database holds {loaded:,} requests, not {args.requests:,}: pass --requests {loaded}, "
                     "or leave out --reuse to load it anew")
    if not (args.reuse and database_has(url, args.requests)):
        for line in seeding.seed(url, args.citizens, args.requests, reset=True, log=log).lines():
            log(line)
    else:
        seeding.complete_schema(url, log)
    app = seeding.bench_app(url)
    add_consents(app, log)
    figures = measure(app, args.repeat, log)
    print()
    print(f"{backend} — segment counts over {args.citizens:,} citizens (median and p90 of {args.repeat}, ms); "
          f"target {TARGET_MS} ms")
    for name, reached, median, p90 in figures:
        print(f"| {name} | {reached:,} | {median:.1f} | {p90:.1f} |")


if __name__ == "__main__":
    main()
