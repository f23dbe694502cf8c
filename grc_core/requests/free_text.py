"""The queue's free text, "the reference or the subject contains …", as an
index lookup rather than a scan (migration c0a1e0000011): a trigram GIN
index on PostgreSQL, an FTS5 trigram table on SQLite. Same meaning on both:
a substring, any case. Fewer than three characters make no trigram: those
searches read the open requests as before.

Each database also holds the open requests' text alone (migrations
c0a1e0000028, c0a1e0000031), for the default queue: a common word is in
twenty times more closed requests than open ones. PostgreSQL's planner
takes its partial index from the queue's condition; SQLite is told."""
from __future__ import annotations

from sqlalchemy import literal_column, or_, select, text

from ..extensions import db
from ..models import Request

FTS_TABLE = "request_fts"
# The same, holding the requests not closed only (kept so by its triggers).
OPEN_FTS_TABLE = "request_open_fts"
TRIGRAM_INDEX = "ix_request_free_text"
# The same, partial on the requests not closed (migration c0a1e0000028): the
# default queue's matches alone, however many closed ones share the word.
OPEN_TRIGRAM_INDEX = "ix_request_open_free_text"
MIN_LENGTH = 3  # a trigram


def is_migration_only(name: str, type_: str) -> bool:
    """The FTS5 table and its shadow tables (SQLite), the trigram index
    (PostgreSQL): not in the models, left alone by autogenerate and by the
    drift test."""
    if type_ == "index":
        return name in (TRIGRAM_INDEX, OPEN_TRIGRAM_INDEX)
    return type_ == "table" and any(name == table or name.startswith(f"{table}_")
                                    for table in (FTS_TABLE, OPEN_FTS_TABLE))


def _pattern(query: str) -> str:
    return "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains(query: str, *, open_only: bool = False):
    """The condition on ``request`` for the free text ``query``; ``open_only``:
    the statement keeps the requests not closed alone, whatever this returns
    for closed ones."""
    dialect = db.session.get_bind().dialect.name
    if len(query) >= MIN_LENGTH and dialect == "postgresql":
        # The indexed expression, written as the index has it (a literal ' ').
        indexed = Request.reference.op("||")(literal_column("' '")).op("||")(Request.subject)
        return indexed.ilike(_pattern(query), escape="\\")
    if len(query) >= MIN_LENGTH and dialect == "sqlite":
        phrase = '"' + query.replace('"', '""') + '"'  # an FTS5 string: no operator typed is obeyed
        table = OPEN_FTS_TABLE if open_only else FTS_TABLE
        matching = select(literal_column("rowid")).select_from(text(table)).where(
            text(f"{table} MATCH :free_text").bindparams(free_text=phrase))
        return Request.id.in_(matching)
    pattern = _pattern(query)
    return or_(Request.subject.ilike(pattern, escape="\\"), Request.reference.ilike(pattern, escape="\\"))
