"""segments: one index probe per person for consent, household and requests;
the queue's free text over the open requests alone (PostgreSQL)

Revision ID: c0a1e0000028
Revises: c0a1e0000023
Create Date: 2026-12-07 09:00:00

Counting a segment tests, for each citizen, "has a consent", "is a parent",
"has filed a request …" (grc_core.segments.criteria). The tenancy scoping
adds ``commune_id = ?`` to each of those subqueries, and SQLite, without
statistics on a table, then searched ``ix_consent_commune_id`` — every
consent of the commune for each citizen: 80 seconds a count at 200,000
citizens (docs/benchmarks.md). Indexes led by the commune and the citizen
give both databases a probe of a few entries per person, answered from the
index alone (the request's one carries every column the criterion and the
reader's scope test).

On SQLite the three tables are analysed at once, whole: a database analysed
before (sqlite_stat1) knows every index but the new ones, and SQLite takes
an index it knows nothing of for a selective one — it chose the widened
ix_request_citizen (a million entries for ``commune_id = ?``) to count the
queue's open requests instead of their small partial index. Analysing the
new index alone is no better where the table had no statistics: the planner
then trusts its guesses for the table's other indexes.

The queue's free text (PostgreSQL): the trigram index of c0a1e0000023 holds
every request; a common word (« trottoir »: 23,625 of 1,000,000, 1,231 of
them open) made the queue count its matches by reading the whole open-queue
index (50,000 entries, ILIKE on each: 45-120 ms). The same trigram index,
partial on the requests not closed (8 MB), answers the default queue — open
requests — with the matches alone: count 3 ms, page from 1,231 rows.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c0a1e0000028'
down_revision = "c0a1e0000023"
branch_labels = None
depends_on = None

OPEN_FREE_TEXT = ("CREATE INDEX ix_request_open_free_text ON request "
                  "USING gin (commune_id, ((reference || ' ') || subject) gin_trgm_ops) WHERE state_kind <> 'closed'")
REQUEST_CITIZEN = ['commune_id', 'citizen_id', 'received_at', 'request_type_id', 'state_kind', 'closed_at',
                   'channel', 'service_id', 'assignee_id']


def upgrade():
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index('ix_consent_segment', ['commune_id', 'citizen_id', 'channel', 'purpose', 'revoked_at'],
                              unique=False)
    with op.batch_alter_table('household_link', schema=None) as batch_op:
        batch_op.create_index('ix_household_link_segment', ['commune_id', 'citizen_id', 'relation'], unique=False)
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_citizen')
        batch_op.create_index('ix_request_citizen', REQUEST_CITIZEN, unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(OPEN_FREE_TEXT)  # pg_trgm and btree_gin: c0a1e0000011, c0a1e0000023
    if op.get_bind().dialect.name == "sqlite":
        # Whole tables, not the new indexes alone: statistics on one index of a
        # table make SQLite's planner trust its default guesses for the others
        # (seen on the survey figures: a status index taken over the covering one, 300× slower).
        for table in ('consent', 'household_link', 'request'):
            op.execute(f"ANALYZE {table}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_request_open_free_text")
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_citizen')
        batch_op.create_index('ix_request_citizen', ['commune_id', 'citizen_id', 'received_at'], unique=False)
    with op.batch_alter_table('household_link', schema=None) as batch_op:
        batch_op.drop_index('ix_household_link_segment')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_segment')
