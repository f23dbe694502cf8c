"""queue index: open requests in the queue's order

Revision ID: c0a1e0000004
Revises: c0a1e0000003
Create Date: 2026-11-28 14:00:00

A partial index on the requests not closed (a few percent of the table after
some years), in the agents' queue order (due_at, received_at, id), carrying
the columns the queue filters on: see grc_core.requests.queue.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000004'
down_revision = 'c0a1e0000003'
branch_labels = None
depends_on = None

NOT_CLOSED = "state_kind != 'closed'"
COLUMNS = ['commune_id', 'due_at', 'received_at', 'id', 'state_kind', 'service_id', 'assignee_id', 'request_type_id',
           'quartier', 'priority', 'channel', 'reference', 'subject']


def upgrade():
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.create_index('ix_request_open_queue', COLUMNS, unique=False,
                              sqlite_where=sa.text(NOT_CLOSED), postgresql_where=sa.text(NOT_CLOSED))


def downgrade():
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_open_queue')
