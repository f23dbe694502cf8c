"""dashboards: the requests waiting for a first response, and the open
requests of a type by state, each in a small partial index

Revision ID: c0a1e0000030
Revises: c0a1e0000029
Create Date: 2026-12-07 12:15:00

The first response time's « still without response » counted the requests
received in the period with no first response by reading the period's
entries of ix_request_received: a year is ~200,000 entries at 1,000,000
requests, for the 7,385 of them still unanswered. The CCAS's domiciliations
in progress read every request of their type, five years of them (20,205),
for the 1,079 not closed. Both now read a partial index of the rows they
count.

On SQLite the request table is analysed whole (see c0a1e0000028).
"""
from alembic import op
from sqlalchemy import text

# revision identifiers, used by Alembic.
revision = 'c0a1e0000030'
down_revision = 'c0a1e0000029'
branch_labels = None
depends_on = None

# first_response_at too: without it SQLite reads the table to test the index's own condition.
UNANSWERED = ['commune_id', 'received_at', 'service_id', 'request_type_id', 'channel', 'priority', 'quartier',
              'assignee_id', 'first_response_at']
NOT_CLOSED = "state_kind != 'closed'"


def upgrade():
    op.create_index('ix_request_unanswered', 'request', UNANSWERED, unique=False,
                    sqlite_where=text("first_response_at IS NULL"), postgresql_where=text("first_response_at IS NULL"))
    op.create_index('ix_request_open_type_state', 'request', ['commune_id', 'request_type_id', 'state', 'service_id'],
                    unique=False, sqlite_where=text(NOT_CLOSED), postgresql_where=text(NOT_CLOSED))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE request")


def downgrade():
    op.drop_index('ix_request_open_type_state', table_name='request')
    op.drop_index('ix_request_unanswered', table_name='request')
