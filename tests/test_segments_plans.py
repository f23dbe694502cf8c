"""Segments at scale (docs/benchmarks.md, segments): each per-person probe —
consent, household, requests — reads its own index (migration c0a1e0000028),
never the commune's whole table, and a group tests its cheapest parts first
without changing whom it selects."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, event

from grc_core.extensions import db
from grc_core.models import HouseholdLink
from grc_core.plugin_api.testing import in_commune
from grc_core.segments import count
from grc_core.segments.catalogue import criteria_for
from grc_core.segments.definition import parse_definition
from grc_core.segments.evaluation import segment_condition

from tests.test_segments import context_of, names, town  # noqa: F401  (fixture)

CONSENT = {"criterion": "core.consent", "params": {"channel": "email", "purpose": "information_municipale"}}
FILED = {"criterion": "core.requests", "params": {"received_from": "2026-01-01"}}
NOT_75 = {"not": {"criterion": "core.age", "params": {"min_age": 75}}}
PARENT = {"criterion": "core.household", "params": {"role": "parent"}}


def _sent_count_statement(definition, context):
    """The count's SQL and parameters as sent, the tenancy criteria included."""
    sent = []

    def grab(conn, cursor, statement, parameters, execution_context, executemany):
        if statement.lstrip().upper().startswith("SELECT COUNT"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        count(definition, context)
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    return sent[-1]


def test_each_probe_reads_its_own_index(town):  # noqa: F811
    """The tenancy scoping adds ``commune_id = ?`` to every subquery: SQLite,
    without statistics, searched ix_consent_commune_id — all the commune's
    consents for each person, 80 s a count at 200,000 citizens. The indexes led
    by commune and citizen answer each probe alone (covering: no table read)."""
    definition = {"match": "all", "items": [FILED, CONSENT, {"match": "any", "items": [PARENT, NOT_75]}]}
    with in_commune(town["app"], town["commune"]):
        statement, parameters = _sent_count_statement(definition, context_of(town))
        connection = db.session.connection()
        if db.engine.dialect.name == "postgresql":
            # The fixture's tables are tiny: without this, scanning them is rightly cheaper.
            for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin", "enable_bitmapscan"):
                connection.exec_driver_sql(f"SET LOCAL {setting} = off")
            plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
            for index in ("ix_consent_segment", "ix_household_link_segment", "ix_request_citizen"):
                assert f"Index Only Scan using {index}" in plan, plan
        else:
            plan = "\n".join(str(row[-1]) for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters))
            for index in ("ix_household_link_segment", "ix_request_citizen"):
                assert f"USING COVERING INDEX {index} (commune_id=? AND citizen_id=?" in plan, plan
            # The consents: the commune's read once into a list (``IN``), not probed per person.
            assert "USING COVERING INDEX ix_consent_segment (commune_id=?)" in plan, plan
            assert "ix_consent_commune_id" not in plan and "ix_household_link_commune_id" not in plan
        db.session.rollback()


def test_a_group_tests_its_cheapest_parts_first(town):  # noqa: F811
    """SQLite tests an AND in the order written: the age (a column) before the
    consent (one subquery), before the requests (two: theirs and the reader's
    disabled domains)."""
    definition = {"match": "all", "items": [FILED, NOT_75, CONSENT]}
    with in_commune(town["app"], town["commune"]):
        context = context_of(town)
        criteria = criteria_for(context)
        sql = str(segment_condition(parse_definition(definition, criteria), context, criteria)
                  .compile(db.engine))
        assert sql.index("citizen.birth_date") < sql.index("FROM consent") < sql.index("FROM request")


def test_the_order_never_changes_whom_a_segment_selects(town):  # noqa: F811
    """Each order of the same parts, in an AND and in an OR, selects the same people."""
    parts = [FILED, NOT_75, CONSENT, PARENT]
    for match in ("all", "any"):
        selected = [names(town, {"match": match, "items": order})
                    for order in (parts, parts[::-1], parts[1:] + parts[:1])]
        assert selected[0] == selected[1] == selected[2]
    # Jeanne (75, filed in March, consent, parent) is 75: the AND leaves her out; the OR
    # takes everyone who has any of the four.
    assert names(town, {"match": "all", "items": parts}) == set()
    assert names(town, {"match": "all", "items": [FILED, CONSENT, PARENT]}) == {"jeanne"}
    assert names(town, {"match": "any", "items": [FILED, CONSENT]}) == {"jeanne", "louis"}


def test_a_criterion_on_types_is_a_list_computed_once(town):  # noqa: F811
    """The types or domain chosen are ids read once (``IN (SELECT id …)``), not
    a probe of request_type for each request; same people as before."""
    with in_commune(town["app"], town["commune"]):
        context = context_of(town)
        criteria = criteria_for(context)
        definition = parse_definition({"match": "all", "items": [
            {"criterion": "core.requests", "params": {"domain": "commune"}}]}, criteria)
        sql = str(segment_condition(definition, context, criteria).compile(db.engine))
        assert "request.request_type_id IN (SELECT request_type.id" in sql
    assert names(town, {"match": "all", "items": [
        {"criterion": "core.requests", "params": {"domain": "commune"}}]}) == {"jeanne", "louis"}


def _postgresql_only():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's parallel plans and its hash of the requests of a period")


def test_a_count_runs_without_parallel_workers_and_leaves_the_setting_as_it_was(town):  # noqa: F811
    """PostgreSQL 15 builds a parallel plan's hashes (the people with a consent,
    those who filed in a period) in every worker: three times the work on two
    cores. The count runs alone; the rest of the transaction does not."""
    with in_commune(town["app"], town["commune"]):
        _postgresql_only()
        connection = db.session.connection()
        before = connection.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar()
        seen = []

        def setting_at_the_count(conn, cursor, statement, parameters, execution_context, executemany):
            if statement.lstrip().upper().startswith("SELECT COUNT"):
                with conn.connection.driver_connection.cursor() as other:  # not the count's cursor: its result
                    other.execute("SHOW max_parallel_workers_per_gather")
                    seen.append(other.fetchone()[0])

        event.listen(db.engine, "after_cursor_execute", setting_at_the_count)
        try:
            reached = count({"match": "all", "items": [FILED, CONSENT]}, context_of(town))
        finally:
            event.remove(db.engine, "after_cursor_execute", setting_at_the_count)
        assert seen == ["0"]
        assert connection.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() == before
        db.session.rollback()
    assert reached == len(names(town, {"match": "all", "items": [FILED, CONSENT]}))


def test_the_people_who_filed_in_a_period_are_read_from_an_index(town):  # noqa: F811
    """Hashing the people who filed in a period (PostgreSQL's plan for a large
    period) reads ix_request_received alone, the citizen at its end
    (c0a1e0000032): not every request of the period from the table."""
    with in_commune(town["app"], town["commune"]):
        _postgresql_only()
        statement, parameters = _sent_count_statement({"match": "all", "items": [FILED]}, context_of(town))
        connection = db.session.connection()
        # The fixture's tables are tiny: make the hash of the period the only way, as at 1M.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_nestloop", "enable_mergejoin"):
            connection.exec_driver_sql(f"SET LOCAL {setting} = off")
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters))
        assert "Index Only Scan using ix_request_received on request" in plan, plan
        db.session.rollback()


def test_a_commune_without_such_household_links_runs_no_probe_per_person(town):  # noqa: F811
    """The household criterion asks first whether the commune records any such
    link at all: without one, nobody is probed (PostgreSQL ran a probe of the
    empty table for each citizen inside an « or »); the same people either way."""
    quartier = {"criterion": "core.quartier", "params": {"quartiers": ["Les Prés"]}}
    either = {"match": "any", "items": [PARENT, quartier]}
    assert names(town, either) == {"jeanne", "louis", "lea"}
    with in_commune(town["app"], town["commune"]):
        # Léa's link to her parent: the only « child » one of the commune (the other commune has none).
        db.session.execute(delete(HouseholdLink).where(HouseholdLink.relation == "child"))
        db.session.commit()
    assert names(town, either) == {"louis", "lea"}
    assert names(town, {"match": "all", "items": [PARENT]}) == set()
    assert names(town, {"match": "all", "items": [{"not": PARENT}]}) == {"jeanne", "paul", "louis", "lea",
                                                                        "nobirth"}
    assert names(town, {"match": "any", "items": [{"criterion": "core.household", "params": {"role": "couple"}},
                                                  quartier]}) == {"jeanne", "paul", "louis", "lea"}
    with in_commune(town["app"], town["commune"]):
        statement, parameters = _sent_count_statement(either, context_of(town))
        # The commune-wide question before the per-person one (both engines evaluate an AND in order).
        assert statement.index("household_link.relation") < statement.index("household_link.citizen_id")
        if db.engine.dialect.name == "postgresql":
            connection = db.session.connection()
            plan = "\n".join(row[0] for row in connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {statement}", parameters))
            assert "(never executed)" in plan, plan  # the probe per person; the commune-wide one ran once
        db.session.rollback()


def test_on_sqlite_the_people_with_a_consent_are_listed_once(town):  # noqa: F811
    """SQLite: the consent criterion is ``citizen.id IN (SELECT citizen_id …)``
    — the list read once, then the citizens fetched from it by id — where a
    probe of the consents for each citizen cost most of a count at 1M;
    PostgreSQL keeps ``EXISTS`` (an ``IN`` under « or »/« not » may be
    rescanned per citizen there). The same people under and, or, not."""
    with in_commune(town["app"], town["commune"]):
        context = context_of(town)
        criteria = criteria_for(context)
        sql = str(segment_condition(parse_definition({"match": "all", "items": [CONSENT]}, criteria), context,
                                    criteria).compile(db.engine))
        if db.engine.dialect.name == "sqlite":
            assert "citizen.id IN (SELECT consent.citizen_id" in sql, sql
            statement, parameters = _sent_count_statement({"match": "all", "items": [NOT_75, CONSENT]}, context)
            plan = "\n".join(str(row[-1]) for row in db.session.connection().exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters))
            # The citizens fetched by id from the list (by the primary key, the commune's index and rowid,
            # or ix_citizen_segment's commune and id).
            assert plan.startswith("SEARCH citizen USING") and "id=?)" in plan.splitlines()[0], plan
        else:
            assert "EXISTS (SELECT 1" in sql and "consent.citizen_id = citizen.id" in sql, sql
        db.session.rollback()
    # Jeanne alone has the e-mail consent (Paul withdrew his, Louis's is by SMS).
    assert names(town, {"match": "all", "items": [CONSENT]}) == {"jeanne"}
    assert names(town, {"match": "all", "items": [{"not": CONSENT}]}) == {"paul", "louis", "lea", "nobirth"}
    assert names(town, {"match": "any", "items": [CONSENT, {"criterion": "core.quartier",
                                                             "params": {"quartiers": ["Les Prés"]}}]}) == {
        "jeanne", "louis", "lea"}
    assert names(town, {"match": "all", "items": [{"not": CONSENT}, NOT_75]}) == {"paul", "lea", "nobirth"}
