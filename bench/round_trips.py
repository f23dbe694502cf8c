"""Round trips to the database per page: how many SQL statements each of the
agents' busiest pages sends, and its median server time.

    python -m bench.round_trips [--requests 2000] [--database-url URL] [--reuse] [--show]

Loads a small commune with ``bench.seed`` (the counts do not depend on the
volume; the times do), gives one état civil request a 30-event history, then
signs in as the DGS (the front desk for the intake) and, for each page, counts
the statements of one warm call (SQLAlchemy's ``before_cursor_execute``) and
times ``--repeat`` calls: the request page of an urbanisme file and of that
état civil request, the quick-intake POST, the queue, the back office's home.
``--show`` prints each statement sent more than once on a page (N+1 hunting).

Never run as a test (timings); ``tests/test_round_trips.py`` pins the counts.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import event, func, select

from . import seed as seeding
from .requests_bench import filled_intake, load_context, sign_in

HISTORY_EVENTS = 30


@dataclass
class Count:
    page: str
    statements: int
    samples_ms: list[float] = field(default_factory=list)
    repeated: list[tuple[int, str]] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms) if self.samples_ms else float("nan")


class StatementCounter:
    """The statements the app's engine sends while the block runs."""

    def __init__(self, app):
        from grc_core.extensions import db

        with app.app_context():
            self.engine = db.engine
        self.sent: list[str] = []

    def _remember(self, conn, cursor, statement, parameters, context, executemany):
        self.sent.append(statement)

    def __enter__(self):
        self.sent = []
        event.listen(self.engine, "before_cursor_execute", self._remember)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._remember)


def long_history(app, commune_id: int, request_id: int, events: int = HISTORY_EVENTS) -> None:
    """Grow a request's history to ``events`` rows as months of work would:
    assignments to several agents, notes and messages, state changes."""
    from grc_core.extensions import db
    from grc_core.models import Membership, Request, RequestEvent
    from grc_core.tenancy import use_commune

    with app.app_context(), use_commune(commune_id):
        req = db.session.get(Request, request_id)
        have = db.session.scalar(select(func.count()).where(RequestEvent.request_id == request_id))
        agents = list(db.session.scalars(select(Membership.user_id).order_by(Membership.user_id).limit(8)))
        states = [s["code"] for s in req.workflow.definition["states"]]
        at = req.received_at
        for index in range(max(0, events - have)):
            at += timedelta(hours=5)
            kind = ("assigned", "message", "transition")[index % 3]
            details = ({"assignee_id": agents[index % len(agents)]} if kind == "assigned"
                       else {"public": index % 2 == 0} if kind == "message" else {})
            db.session.add(RequestEvent(
                request_id=request_id, commune_id=req.commune_id, at=at, kind=kind,
                actor_id=agents[(index + 1) % len(agents)], details=details,
                from_state=states[index % len(states)] if kind == "transition" else None,
                to_state=states[(index + 1) % len(states)] if kind == "transition" else None))
        db.session.commit()


def request_of_plugin(app, commune_id: int, plugin: str) -> int | None:
    from grc_core.extensions import db
    from grc_core.models import Request, RequestType
    from grc_core.tenancy import use_commune

    with app.app_context(), use_commune(commune_id):
        return db.session.scalar(select(Request.id).join(RequestType, Request.request_type_id == RequestType.id)
                                 .where(RequestType.plugin == plugin).order_by(Request.id.desc()).limit(1))


def measure_get(app, client, counter, label: str, url: str, repeat: int) -> Count:
    response = client.get(url)  # warm: templates compiled, caches filled
    if response.status_code != 200:
        raise RuntimeError(f"{label}: {url} answered {response.status_code}")
    with counter:
        client.get(url)
    count = Count(label, len(counter.sent), repeated=repeated(counter.sent))
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        count.samples_ms.append((time.perf_counter() - started) * 1000)
    return count


def measure_intake(app, ctx, counter, repeat: int, rng: random.Random) -> Count:
    client = app.test_client()
    sign_in(client, ctx.accueil_email, seeding.BENCH_PASSWORD)
    count = None
    for index in range(repeat + 2):
        form_url, payload, _html = filled_intake(client, "/admin/intake/", ctx, rng)
        if index == 1:
            with counter:
                response = client.post(form_url, data=payload)
            count = Count("quick-intake POST", len(counter.sent), repeated=repeated(counter.sent))
        else:
            started = time.perf_counter()
            response = client.post(form_url, data=payload)
            if index > 1:
                count.samples_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 302:
            raise RuntimeError(f"the intake POST answered {response.status_code}")
    return count


def repeated(statements: list[str]) -> list[tuple[int, str]]:
    return [(times, statement) for statement, times in Counter(statements).most_common() if times > 1]


def run(url: str, citizens: int, requests: int, repeat: int, reuse: bool, log=print) -> list[Count]:
    from .requests_bench import database_has

    if not (reuse and database_has(url, requests)):
        seeding.seed(url, citizens, requests, reset=True, log=log)
    app = seeding.bench_app(url)
    rng = random.Random(7)
    ctx = load_context(app, rng)
    urbanisme = request_of_plugin(app, ctx.commune_id, "urbanisme")
    etat_civil = request_of_plugin(app, ctx.commune_id, "etat_civil")
    long_history(app, ctx.commune_id, etat_civil)
    counter = StatementCounter(app)
    client = app.test_client()
    sign_in(client, seeding.BENCH_MANAGER, seeding.BENCH_PASSWORD)
    counts = [
        measure_get(app, client, counter, "request page, urbanisme file", f"/admin/requests/{urbanisme}/", repeat),
        measure_get(app, client, counter, f"request page, état civil, {HISTORY_EVENTS} events",
                    f"/admin/requests/{etat_civil}/", repeat),
        measure_intake(app, ctx, counter, repeat, rng),
        measure_get(app, client, counter, "queue (no filter)", "/admin/requests/", repeat),
        measure_get(app, client, counter, "/admin/ home", "/admin/", repeat),
    ]
    with app.app_context():
        from grc_core.extensions import db
        db.engine.dispose()
    return counts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--database-url", default="", help="default: an SQLite file in the temp folder")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls of each page")
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded at this scale")
    parser.add_argument("--show", action="store_true", help="print the statements sent more than once")
    args = parser.parse_args(argv)
    url = seeding.normalise_url(args.database_url or seeding.default_database_url())
    load = os.getloadavg()
    counts = run(url, args.citizens, args.requests, args.repeat, args.reuse)
    print(f"\n{'page':<40} {'statements':>10} {'median ms':>10}")
    for count in counts:
        print(f"{count.page:<40} {count.statements:>10} {count.median:>10.1f}")
        if args.show:
            for times, statement in count.repeated:
                print(f"    {times}× {' '.join(statement.split())[:160]}")
    print(f"load average before/after: {load[0]:.2f} / {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
