"""Each statement of an agent's page, timed in the page's own process.

    python -m bench.page_statements --database-url URL --page request|intake|queue [--args "q=rendez-vous"]
                                    [--repeat 30]

On data loaded by ``bench.seed`` (nothing loaded here; the intake files real
requests, as ``bench.requests_bench`` does), serves the page ``--repeat``
times after five warm-up calls — the request page of random requests as the
DGS, the quick-intake POST as the front desk, or the queue with ``--args`` —
and times each statement from the cursor's ``execute`` to its result
(SQLAlchemy's ``before``/``after_cursor_execute``). Prints each statement's
median, the statements' sum per page and the page's median wall time.

On a noisy host the wall time moves with the neighbours; a statement's time
moves far less. PostgreSQL's planning shows here too: a statement planned
anew on every page costs its planning each time (docs/benchmarks.md,
"Prepared statements kept").
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import defaultdict

from sqlalchemy import event

from . import seed as seeding
from .requests_bench import filled_intake, find_pages, load_context, sign_in


def page_caller(app, page: str, args: str, rng: random.Random):
    """A function serving the page once (and checking its status)."""
    ctx = load_context(app, rng)
    pages = find_pages(app)
    client = app.test_client()
    if page == "intake":
        sign_in(client, ctx.accueil_email, seeding.BENCH_PASSWORD)

        def prepared_post():
            url, payload, _html = filled_intake(client, pages.intake, ctx, rng)
            return lambda: client.post(url, data=payload)

        return prepared_post, (302, 303)
    sign_in(client, seeding.BENCH_MANAGER, seeding.BENCH_PASSWORD)
    if page == "request":
        ids = iter(ctx.request_ids * 100)
        return (lambda: (lambda url=pages.request.format(id=next(ids)): client.get(url))), (200,)
    url = pages.queue + (f"?{args}" if args else "")
    return (lambda: (lambda: client.get(url))), (200,)


def measure(url: str, page: str, args: str = "", repeat: int = 30, seed: int = 7) -> dict:
    """{"statements": [(median ms, times per page, text)], "sql_ms": sum per page, "wall_ms": median}."""
    from grc_core.extensions import db

    app = seeding.bench_app(url)
    prepare, statuses = page_caller(app, page, args, random.Random(seed))
    with app.app_context():
        engine = db.engine
    started, times, counting = {}, defaultdict(list), [False]

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        if counting[0]:
            times[" ".join(statement.split())].append((time.perf_counter() - started.pop(id(cursor))) * 1000)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    walls = []
    try:
        for index in range(repeat + 5):
            call = prepare()  # the intake's form page, not timed
            counting[0] = index >= 5
            clock = time.perf_counter()
            response = call()
            wall = (time.perf_counter() - clock) * 1000
            counting[0] = False
            if response.status_code not in statuses:
                raise RuntimeError(f"{page}: HTTP {response.status_code}")
            if index >= 5:
                walls.append(wall)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    rows = sorted(((statistics.median(samples), len(samples) / repeat, text)
                   for text, samples in times.items()), reverse=True)
    return {"statements": rows, "sql_ms": sum(median * per_page for median, per_page, _text in rows),
            "wall_ms": statistics.median(walls)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="default: the SQLite file of bench.seed")
    parser.add_argument("--page", choices=("request", "intake", "queue"), required=True)
    parser.add_argument("--args", default="", help="the queue's filters, as in its URL: q=rendez-vous")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    url = seeding.normalise_url(args.database_url or seeding.default_database_url())
    result = measure(url, args.page, args.args, args.repeat)
    print(f"{'median ms':>9} {'per page':>8}  statement")
    for median, per_page, text in result["statements"]:
        print(f"{median:9.3f} {per_page:8.2f}  {text[:110]}")
    print(f"SQL per page {result['sql_ms']:.2f} ms; page (wall, median) {result['wall_ms']:.1f} ms")


if __name__ == "__main__":
    main()
