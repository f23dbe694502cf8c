"""queue free text: an index for "reference or subject contains …"

Revision ID: c0a1e0000011
Revises: c0a1e0000010
Create Date: 2026-12-07 02:20:00

The queue's free text was ``ILIKE '%…%'`` on every open request: a scan
that grows with the data. It keeps its meaning (a substring of the
reference or the subject, any case) and becomes an index lookup:

- PostgreSQL: a trigram GIN index (``pg_trgm``) on ``reference || ' ' ||
  subject``, which answers ``ILIKE '%…%'`` itself;
- SQLite: an FTS5 table with the trigram tokenizer over the same two
  columns (``request_fts``, external content: the text is not stored
  twice), kept in sync by triggers, so bulk loads and every code path
  are covered.

Both are invisible to the models (grc_core.requests.free_text says which
tables autogenerate must leave alone).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c0a1e0000011'
down_revision = 'c0a1e0000010'
branch_labels = None
depends_on = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE request_fts USING fts5(reference, subject, content='request', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER request_fts_insert AFTER INSERT ON request BEGIN "
    "INSERT INTO request_fts(rowid, reference, subject) VALUES (new.id, new.reference, new.subject); END",
    "CREATE TRIGGER request_fts_delete AFTER DELETE ON request BEGIN "
    "INSERT INTO request_fts(request_fts, rowid, reference, subject) "
    "VALUES ('delete', old.id, old.reference, old.subject); END",
    "CREATE TRIGGER request_fts_update AFTER UPDATE OF reference, subject ON request BEGIN "
    "INSERT INTO request_fts(request_fts, rowid, reference, subject) "
    "VALUES ('delete', old.id, old.reference, old.subject); "
    "INSERT INTO request_fts(rowid, reference, subject) VALUES (new.id, new.reference, new.subject); END",
    "INSERT INTO request_fts(request_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS request_fts_update",
    "DROP TRIGGER IF EXISTS request_fts_delete",
    "DROP TRIGGER IF EXISTS request_fts_insert",
    "DROP TABLE IF EXISTS request_fts",
)
POSTGRESQL_UP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_request_free_text ON request USING gin (((reference || ' ') || subject) gin_trgm_ops)",
)
POSTGRESQL_DOWN = ("DROP INDEX IF EXISTS ix_request_free_text",)


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(POSTGRESQL_UP)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(POSTGRESQL_DOWN)
