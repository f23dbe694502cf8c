"""The benchmark loader at a tiny scale: right row counts, coherent data, no dangling ids.

No timing here (DESIGN.md: never a timed test); the figures live in
docs/benchmarks.md. The loader builds its own database (SQLite in a
temporary folder, or a ``_bench_smoke`` database next to the test
PostgreSQL one), so the shared test database is left alone.
"""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import seed as bench_seed

CITIZENS = 200
REQUESTS = 1_000


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    import os

    test_url = os.environ.get("GRC_TEST_DATABASE_URL")
    if test_url and make_url(test_url).get_backend_name() == "postgresql":
        parsed = make_url(bench_seed.normalise_url(test_url))
        url = parsed.set(database=f"{parsed.database}_bench_smoke").render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'smoke.sqlite'}"
    report = bench_seed.seed(url, CITIZENS, REQUESTS, reset=True, log=lambda line: None)
    engine = create_engine(bench_seed.normalise_url(url))
    yield report, engine
    engine.dispose()


def scalar(engine, sql: str):
    with engine.connect() as connection:
        return connection.scalar(text(sql))


def test_loads_the_requested_volumes(loaded):
    report, engine = loaded
    assert scalar(engine, "SELECT count(*) FROM citizen") == CITIZENS
    assert scalar(engine, "SELECT count(*) FROM request") == REQUESTS
    assert report.rows["citizen"] == CITIZENS and report.rows["request"] == REQUESTS
    events = scalar(engine, "SELECT count(*) FROM request_event")
    messages = scalar(engine, "SELECT count(*) FROM message")
    # About six history events and two messages per request, as the issue describes.
    assert 4 * REQUESTS <= events <= 8 * REQUESTS
    assert 1.5 * REQUESTS <= messages <= 2.5 * REQUESTS
    assert scalar(engine, "SELECT count(*) FROM outbox_message") > 0
    assert scalar(engine, "SELECT count(*) FROM user_account") >= 55  # ~60 agents


@pytest.mark.parametrize("child, column, parent", [
    ("request", "citizen_id", "citizen"),
    ("request", "request_type_id", "request_type"),
    ("request", "service_id", "service"),
    ("request", "assignee_id", "user_account"),
    ("request", "workflow_id", "workflow"),
    ("request_event", "request_id", "request"),
    ("request_event", "actor_id", "user_account"),
    ("message", "request_id", "request"),
    ("outbox_message", "request_id", "request"),
])
def test_every_reference_points_to_an_existing_row(loaded, child, column, parent):
    _report, engine = loaded
    dangling = scalar(engine, f'SELECT count(*) FROM "{child}" c LEFT JOIN "{parent}" p ON p.id = c.{column} '
                              f"WHERE c.{column} IS NOT NULL AND p.id IS NULL")
    assert dangling == 0


def test_every_row_belongs_to_the_bench_commune(loaded):
    report, engine = loaded
    for table in ("citizen", "request", "request_event", "message", "outbox_message", "reference_counter"):
        assert scalar(engine, f"SELECT count(*) FROM {table} WHERE commune_id <> {report.commune_id}") == 0


def test_references_are_sequential_per_year_and_counters_match(loaded):
    _report, engine = loaded
    with engine.connect() as connection:
        references = connection.execute(text("SELECT reference FROM request ORDER BY received_at, id")).scalars().all()
        counters = dict(connection.execute(text("SELECT year, value FROM reference_counter")).all())
    per_year: dict[int, list[int]] = {}
    for reference in references:
        year, number = reference.split("-")
        per_year.setdefault(int(year), []).append(int(number))
    assert set(per_year) == set(counters)
    for year, numbers in per_year.items():
        assert numbers == list(range(1, len(numbers) + 1)), year
        assert counters[year] == len(numbers)


def test_dates_and_states_are_coherent(loaded):
    _report, engine = loaded
    assert scalar(engine, "SELECT count(*) FROM request WHERE closed_at IS NOT NULL AND "
                          "(closed_at < received_at OR first_response_at > closed_at)") == 0
    assert scalar(engine, "SELECT count(*) FROM request WHERE (state_kind = 'closed') <> "
                          "(closed_at IS NOT NULL)") == 0
    assert scalar(engine, "SELECT count(*) FROM request WHERE state_kind = 'new' "
                          "AND first_response_at IS NOT NULL") == 0
    # Most of five years is closed; some requests are still open, some overdue.
    assert scalar(engine, "SELECT count(*) FROM request WHERE state_kind = 'closed'") > REQUESTS * 0.8
    assert scalar(engine, "SELECT count(*) FROM request WHERE state_kind <> 'closed'") > 0


def test_citizens_carry_the_apps_search_keys(loaded):
    from grc_core.citizens.search import citizen_keys

    _report, engine = loaded
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT first_name, last_name, birth_name, phone, name_key, phonetic_key, "
                                       "phone_key FROM citizen ORDER BY id LIMIT 50")).all()
    for first, last, birth, phone, name_key, phonetic, phone_key in rows:
        assert citizen_keys(first, last, birth, phone) == {
            "name_key": name_key, "phonetic_key": phonetic, "phone_key": phone_key}


def test_the_api_benchmark_runs_each_call_at_a_tiny_scale(loaded):
    """bench.api_bench on the tiny commune: every call answers as expected
    (the run stops on any other status) and each figure has its samples
    and its SQL floor. No time is looked at."""
    import random

    from bench import api_bench

    _report, engine = loaded
    app = bench_seed.bench_app(engine.url.render_as_string(hide_password=False))
    figures = api_bench.run_api(app, repeat=2, rng=random.Random(1), log=lambda line: None)
    assert [f.label for f in figures] == list(api_bench.TARGETS_MS)
    assert all(len(f.samples_ms) == 2 and f.floor_ms for f in figures)
    with app.app_context():
        from grc_core.extensions import db

        db.engine.dispose()
