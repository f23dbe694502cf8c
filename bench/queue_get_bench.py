"""The queue page timed with GETs only, on a database it must not write to.

    PYTHONPATH=<tree> python bench/queue_get_bench.py postgresql://…/grc_bench_1m [--repeat 15] [--dump DIR]

``bench.requests_bench`` signs in through the login form and files requests:
it writes. This one reads only, so it may run on a shared bench database and
compare two trees (``PYTHONPATH`` of each, runs interleaved on a busy host):

- the connection is read only (PostgreSQL ``default_transaction_read_only``,
  SQLite ``mode=ro``): any write fails;
- the manager is taken as signed in without the sign-in POST (which opens a
  server-side session row): the user loader reads the user alone — the one
  statement it saves is the session lookup;
- for each queue filter: the median and minimum server time, the process's
  CPU time (less sensitive than wall time to other work on the machine), the
  SQL statements and Python function calls of one page (counts, the same on
  every run), the SQL floor (``bench.requests_bench.raw_queue_floor``), and a
  digest of the page without its per-response tokens (same rows, same words).

Never run as a test: the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pstats
import re
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import event, select

QUEUE = "/admin/requests/"
# Tokens that change with every response, left out of the page's digest.
PER_RESPONSE = re.compile(r'(nonce|value)="[A-Za-z0-9._-]{20,}"')


def read_only(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("postgresql"):
        return url + ("&" if "?" in url else "?") + "options=-c%20default_transaction_read_only%3Don"
    return f"sqlite:///file:{url.split('sqlite:///', 1)[1]}?mode=ro&uri=true"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", default="", help="comma-separated labels")
    parser.add_argument("--dump", default="", help="write each page's HTML in this folder")
    args = parser.parse_args(argv)

    from bench.requests_bench import raw_queue_floor
    from bench.seed import BENCH_COMMUNE, BENCH_MANAGER
    from grc_core import create_app
    from grc_core.extensions import db, login_manager
    from grc_core.models import Commune, Membership, Request, Service, User
    from grc_core.tenancy import use_commune

    instance = Path(tempfile.gettempdir()) / "grc_queue_get_bench"
    instance.mkdir(exist_ok=True)
    app = create_app({"DATABASE_URL": read_only(args.database_url), "SECRET_KEY": "bench-secret-key",
                      "INSTANCE_PATH": str(instance), "PLUGINS": "*", "SESSION_COOKIE_SECURE": False})

    @login_manager.user_loader
    def load_user(user_id):  # no session row to read or touch: see the docstring
        return db.session.get(User, int(user_id))

    with app.app_context():
        commune = db.session.scalar(select(Commune).where(Commune.slug == BENCH_COMMUNE[2]))
        with use_commune(commune.id):
            manager_id = db.session.scalar(select(User.id).where(User.email == BENCH_MANAGER))
            voirie = db.session.scalar(select(Service.id).where(Service.code == "voirie"))
            agent = db.session.scalar(select(Membership.user_id).where(Membership.role == "agent")
                                      .order_by(Membership.user_id))
            reference = db.session.scalar(select(Request.reference).order_by(Request.id).offset(123_456).limit(1))
        commune_id, engine = commune.id, db.engine

    filters = [
        ("no filter", {}),
        ("to do (new + open)", {"kind": "todo"}),
        ("service: voirie", {"service": str(voirie)}),
        ("overdue", {"overdue": "1"}),
        ("assignee", {"assignee": str(agent)}),
        ("quartier: Centre-ville", {"quartier": "Centre-ville"}),
        ("free text: « trottoir »", {"q": "trottoir"}),
        ("free text: « rendez-vous »", {"q": "rendez-vous"}),
        ("free text « trottoir », closed", {"q": "trottoir", "kind": "closed"}),
        ("reference read on the phone", {"q": reference}),
        ("page 3", {"page": "3"}),
    ]
    if args.only:
        wanted = args.only.split(",")
        filters = [item for item in filters if item[0] in wanted]

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(manager_id)
        session["_fresh"] = True
    sent = []
    event.listen(engine, "before_cursor_execute", lambda *call: sent.append(call[2]))
    results = {}
    for label, query in filters:
        url = QUEUE + ("?" + urlencode(query) if query else "")
        page = client.get(url)  # warm-up
        if page.status_code != 200:
            results[label] = {"note": f"HTTP {page.status_code}"}
            continue
        sent.clear()
        counting = cProfile.Profile()
        counting.enable()
        client.get(url)
        counting.disable()
        statements, calls = len(sent), pstats.Stats(counting).total_calls
        wall, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        floor = raw_queue_floor(app, commune_id, manager_id, query, args.repeat)
        html = page.get_data(as_text=True)
        results[label] = {
            "median_ms": round(statistics.median(wall), 1), "min_ms": round(min(wall), 1),
            "cpu_ms": round(statistics.median(cpu), 1), "sql_floor_ms": round(statistics.median(floor), 1),
            "statements": statements, "python_calls": calls,
            "page": hashlib.sha1(PER_RESPONSE.sub("", html).encode()).hexdigest()[:12],
        }
        if args.dump:
            Path(args.dump).mkdir(parents=True, exist_ok=True)
            (Path(args.dump) / (re.sub(r"\W+", "_", label).strip("_") + ".html")).write_text(html)
        print(label, json.dumps(results[label], ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
