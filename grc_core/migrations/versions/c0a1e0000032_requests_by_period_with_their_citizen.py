"""segments: the requests received in a period, with their citizen, from an index

Revision ID: c0a1e0000032
Revises: c0a1e0000031
Create Date: 2026-12-07 12:20:00

« Has filed a request since … » over a large period (a year: 186,664 of
1,000,000 requests, 103,581 people) is evaluated by PostgreSQL as a hash of
the people who filed in the period, read from ``ix_request_received`` — which
did not hold the citizen: every request of the period was then read from the
table (5,849 pages) before being hashed. With the citizen at the end of the
index the hash is built from the index alone (the dashboards, which read the
same index by commune and date, are not changed). docs/benchmarks.md,
« Segments and campaigns (issue 19) ».

On SQLite the table is analysed whole (see c0a1e0000028 for why not the index alone).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c0a1e0000032'
down_revision = "c0a1e0000031"
branch_labels = None
depends_on = None

BEFORE = ['commune_id', 'received_at', 'service_id', 'request_type_id', 'channel', 'priority', 'quartier',
          'assignee_id', 'first_response_at']


def upgrade():
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_received')
        batch_op.create_index('ix_request_received', BEFORE + ['citizen_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE request")


def downgrade():
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_received')
        batch_op.create_index('ix_request_received', BEFORE, unique=False)
