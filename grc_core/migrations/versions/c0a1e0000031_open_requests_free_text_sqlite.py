"""queue free text on SQLite: an FTS5 table of the open requests alone

Revision ID: c0a1e0000031
Revises: c0a1e0000030
Create Date: 2026-12-07 12:00:00

What c0a1e0000028 gave PostgreSQL (a trigram index partial on the requests
not closed), for SQLite. The FTS5 table of c0a1e0000011 holds every
request: « trottoir » is in 23,625 requests of the 1M bench, 1,231 of them
open, and the default queue (open requests) read the 23,625 matches, each
probed in ``request`` to find it closed: 90 ms of SQL for the page and its
count. ``request_open_fts`` holds the requests not closed only, so the
default queue reads its own matches alone.

FTS5 has no partial table: the triggers decide which rows enter. A request
enters when filed or reopened, leaves when closed or deleted, and follows
its reference and subject meanwhile; each trigger gives FTS5's ``delete``
the exact old text, which an external-content table needs. Both statements
of an update are in one trigger, in that order (delete, then insert): the
order of two triggers on one event is SQLite's choice. The table is filled
from the open requests (not ``rebuild``, which would take every row of its
content table).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c0a1e0000031'
down_revision = "c0a1e0000030"
branch_labels = None
depends_on = None

OPEN = "state_kind != 'closed'"
INSERT_NEW = "INSERT INTO request_open_fts(rowid, reference, subject) SELECT new.id, new.reference, new.subject"
DELETE_OLD = ("INSERT INTO request_open_fts(request_open_fts, rowid, reference, subject) "
              "SELECT 'delete', old.id, old.reference, old.subject")
SQLITE_UP = (
    "CREATE VIRTUAL TABLE request_open_fts USING fts5(reference, subject, content='request', content_rowid='id', "
    "tokenize='trigram')",
    f"CREATE TRIGGER request_open_fts_insert AFTER INSERT ON request WHEN new.{OPEN} BEGIN {INSERT_NEW}; END",
    f"CREATE TRIGGER request_open_fts_delete AFTER DELETE ON request WHEN old.{OPEN} BEGIN {DELETE_OLD}; END",
    f"CREATE TRIGGER request_open_fts_update AFTER UPDATE OF reference, subject, state_kind ON request BEGIN "
    f"{DELETE_OLD} WHERE old.{OPEN}; {INSERT_NEW} WHERE new.{OPEN}; END",
    f"INSERT INTO request_open_fts(rowid, reference, subject) SELECT id, reference, subject FROM request WHERE {OPEN}",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS request_open_fts_update",
    "DROP TRIGGER IF EXISTS request_open_fts_delete",
    "DROP TRIGGER IF EXISTS request_open_fts_insert",
    "DROP TABLE IF EXISTS request_open_fts",
)


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_UP)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _run(SQLITE_DOWN)
