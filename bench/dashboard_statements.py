"""Which statements a dashboard's time goes to: each one it sends, timed alone.

    python -m bench.dashboard_statements --database-url URL [--dashboard strategic] [--period 12m] [--repeat 5]

Renders the dashboard once as the bench's DGS (data already loaded by
bench.seed; nothing is loaded nor written here but the sign-in), records
every statement (``bench.dashboards_bench.record_statements``) and replays
each one ``--repeat`` times on a raw DB-API cursor, fetching every row; prints
them slowest first with their median time, so that the cost of a page reads
statement by statement. ``--explain`` adds the plan of the slowest ones.

``--pages`` instead renders each dashboard ``--repeat`` times and prints the
median wall time and the median CPU time of this process — on SQLite, which
runs in the process, the CPU time is the page's own work, which a busy host
inflates far less than the wall time — and the same for its statements
replayed (the SQL floor).
"""
from __future__ import annotations

import argparse
import statistics
import time

from . import seed as seeding
from .dashboards_bench import record_statements, replay
from .requests_bench import sign_in


def explain(engine, statement: str, parameters) -> list[str]:
    prefix = "EXPLAIN ANALYZE " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(prefix + statement, parameters)
        lines = [" ".join(str(part) for part in row[-1:]) for row in cursor.fetchall()]
        raw.rollback()
        return lines
    finally:
        raw.close()


PAGES = [("operational", "month"), ("operational", "12m"), ("strategic", "month"), ("strategic", "12m"),
         ("social", "month"), ("etat_civil", "month")]


def clocked(call) -> tuple[float, float]:
    """(wall ms, CPU ms of this process) of ``call``."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def pages(app, client, repeat: int) -> None:
    print(f"{'page':<28} {'wall':>8} {'CPU':>8} {'SQL wall':>9} {'SQL CPU':>8}  statements")
    for code, period in PAGES:
        url = f"/admin/dashboards/{code}/?period={period}"
        assert client.get(url).status_code == 200, url
        rendered = [clocked(lambda: client.get(url)) for _ in range(repeat)]
        engine, statements = record_statements(app, lambda: client.get(url))
        replayed = [clocked(lambda: replay(engine, statements, 1)) for _ in range(repeat)]
        medians = [statistics.median(sample[i] for sample in series) for series in (rendered, replayed)
                   for i in (0, 1)]
        print(f"{code + ' ' + period:<28} {medians[0]:8.1f} {medians[1]:8.1f} {medians[2]:9.1f} {medians[3]:8.1f}"
              f"  {len(statements)}", flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--dashboard", default="strategic")
    parser.add_argument("--period", default="12m")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", type=int, default=0, help="plans of the N slowest statements")
    parser.add_argument("--width", type=int, default=400, help="characters of each statement printed")
    parser.add_argument("--pages", action="store_true", help="time every dashboard instead (wall and CPU)")
    args = parser.parse_args(argv)
    app = seeding.bench_app(seeding.normalise_url(args.database_url))
    client = app.test_client()
    sign_in(client, seeding.BENCH_MANAGER, seeding.BENCH_PASSWORD)
    if args.pages:
        return pages(app, client, args.repeat)
    url = f"/admin/dashboards/{args.dashboard}/?period={args.period}"
    assert client.get(url).status_code == 200
    engine, statements = record_statements(app, lambda: client.get(url))
    timed = [(statistics.median(replay(engine, [sent], args.repeat)), sent) for sent in statements]
    print(f"{url}: {len(statements)} statements, {sum(ms for ms, _s in timed):.1f} ms in all")
    for rank, (ms, (statement, parameters)) in enumerate(sorted(timed, key=lambda t: -t[0])):
        text = " ".join(statement.split())
        print(f"{ms:8.1f} ms  {text[:args.width]}  {str(parameters)[:200]}")
        if rank < args.explain:
            for line in explain(engine, statement, parameters):
                print(f"             | {line}")


if __name__ == "__main__":
    main()
