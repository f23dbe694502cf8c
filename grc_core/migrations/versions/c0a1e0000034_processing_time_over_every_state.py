"""dashboards: the processing time's histograms once more over every closing
state, read first by state

Revision ID: c0a1e0000034
Revises: c0a1e0000033
Create Date: 2026-12-07 20:15:00

A processing time over every closing state (the dashboards' default) summed
the rows of each state: 47,026 monthly rows a year at 1,000,000 requests,
grouped by type and bin, the largest statement of the strategic 12-month
dashboard. The same durations are now kept once more under the state « * »
(23,709 rows for that year), and the index reads the state before the
months, so that such a figure reads the roll-up's rows only.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c0a1e0000034'
down_revision = 'c0a1e0000033'
branch_labels = None
depends_on = None

READ = ['commune_id', 'measure', 'state', 'month', 'request_type_id', 'service_id', 'bin_hours', 'count']
READ_BEFORE = ['commune_id', 'measure', 'month', 'request_type_id', 'state', 'service_id', 'bin_hours', 'count']


def upgrade():
    op.execute("""
        INSERT INTO request_duration_stat (commune_id, measure, month, service_id, request_type_id, state, bin_hours,
                                           count)
        SELECT commune_id, measure, month, service_id, request_type_id, '*', bin_hours, sum(count)
        FROM request_duration_stat
        WHERE measure = 'processing' AND state != '*'
        GROUP BY commune_id, measure, month, service_id, request_type_id, bin_hours
    """)
    with op.batch_alter_table('request_duration_stat', schema=None) as batch_op:
        batch_op.drop_index('ix_request_duration_stat_read')
        batch_op.create_index('ix_request_duration_stat_read', READ, unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE request_duration_stat")


def downgrade():
    with op.batch_alter_table('request_duration_stat', schema=None) as batch_op:
        batch_op.drop_index('ix_request_duration_stat_read')
        batch_op.create_index('ix_request_duration_stat_read', READ_BEFORE, unique=False)
    op.execute("DELETE FROM request_duration_stat WHERE measure = 'processing' AND state = '*'")
