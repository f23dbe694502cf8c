"""The queue's free text, "the reference or the subject contains …", as an
index lookup rather than a scan (migration c0a1e0000011): a trigram GIN
index on PostgreSQL, an FTS5 trigram table on SQLite. Same meaning on both:
a substring, any case. Fewer than three characters make no trigram: those
searches read the open requests as before."""
from __future__ import annotations

from sqlalchemy import literal_column, or_, select, text

from ..extensions import db
from ..models import Request

FTS_TABLE = "request_fts"
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
    return type_ == "table" and (name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_"))


def _pattern(query: str) -> str:
    return "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains(query: str):
    """The condition on ``request`` for the free text ``query``."""
    dialect = db.session.get_bind().dialect.name
    if len(query) >= MIN_LENGTH and dialect == "postgresql":
        # The indexed expression, written as the index has it (a literal ' ').
        indexed = Request.reference.op("||")(literal_column("' '")).op("||")(Request.subject)
        return indexed.ilike(_pattern(query), escape="\\")
    if len(query) >= MIN_LENGTH and dialect == "sqlite":
        phrase = '"' + query.replace('"', '""') + '"'  # an FTS5 string: no operator typed is obeyed
        matching = select(literal_column("rowid")).select_from(text(FTS_TABLE)).where(
            text(f"{FTS_TABLE} MATCH :free_text").bindparams(free_text=phrase))
        return Request.id.in_(matching)
    pattern = _pattern(query)
    return or_(Request.subject.ilike(pattern, escape="\\"), Request.reference.ilike(pattern, escape="\\"))
