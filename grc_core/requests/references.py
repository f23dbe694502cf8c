"""Human references of requests: ``2026-00042``, per commune and per year.

Read aloud on the phone, so short and made of digits only: the year, a dash
and a five-digit sequence (it grows past five digits rather than wrapping).

The counter row is incremented with one upsert (``INSERT … ON CONFLICT DO
UPDATE … RETURNING``), which both PostgreSQL and SQLite (≥ 3.35) run
atomically: the first request of a year creates the row, concurrent ones
cannot both create it, and on PostgreSQL the row stays locked until the
caller's transaction commits, so two transactions never get the same
number — the same guarantee as ``SELECT … FOR UPDATE`` without a second
round trip. On SQLite the database write lock serializes writers anyway.
The counter moves in the caller's transaction: when filing a request fails
and rolls back, its number goes back too — it was never given to anyone
(the acknowledgement e-mail is in the same transaction), so the sequence
keeps no gap.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import ReferenceCounter

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def format_reference(year: int, number: int) -> str:
    return f"{year}-{number:05d}"


def next_reference(commune_id: int, year: int) -> str:
    """Take the next reference of the commune for ``year``, in the caller's transaction."""
    number = db.session.execute(_counter_upsert(db.session.get_bind().dialect.name),
                                {"commune_id": commune_id, "year": year}).scalar_one()
    return format_reference(year, number)


@lru_cache(maxsize=4)
def _counter_upsert(dialect: str):
    """The counter's upsert, built once per dialect (bound ``commune_id`` and
    ``year``): building it and its cache key took 0.1 ms on every filing."""
    try:
        insert = _INSERTS[dialect]
    except KeyError:
        raise RuntimeError(f"References need PostgreSQL or SQLite, not {dialect}.") from None
    table = ReferenceCounter.__table__
    return (
        insert(table)
        .values(commune_id=bindparam("commune_id"), year=bindparam("year"), value=1)
        .on_conflict_do_update(index_elements=[table.c.commune_id, table.c.year],
                               set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
