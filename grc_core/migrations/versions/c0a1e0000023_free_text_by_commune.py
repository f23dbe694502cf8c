"""queue free text: the trigram index led by the commune

Revision ID: c0a1e0000023
Revises: c0a1e0000021
Create Date: 2026-12-07 06:00:00

The trigram GIN index of c0a1e0000011 held every commune's requests: in a
deployment of many communes, "trottoir" found the matches of all of them,
and the heap was read to throw the others' away (measured with 10 communes
of 50,000 requests: 11,848 rows from the index, 10,623 removed by the
commune's filter, 8,463 heap blocks — the same query on the commune alone
reads 1,225). With ``btree_gin``, the commune's id is a key of the same GIN
index: the index answers "this commune's requests containing …" alone, and
the cost follows the commune's size, not the deployment's. PostgreSQL only;
SQLite's FTS5 table is a single-commune deployment's.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c0a1e0000023'
down_revision = "c0a1e0000021"
branch_labels = None
depends_on = None

FREE_TEXT = "((reference || ' ') || subject) gin_trgm_ops"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # btree_gin ships with PostgreSQL (contrib), like pg_trgm: GIN keys for the integer commune_id.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute("DROP INDEX IF EXISTS ix_request_free_text")
    op.execute(f"CREATE INDEX ix_request_free_text ON request USING gin (commune_id, {FREE_TEXT})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_request_free_text")
    op.execute(f"CREATE INDEX ix_request_free_text ON request USING gin ({FREE_TEXT})")
