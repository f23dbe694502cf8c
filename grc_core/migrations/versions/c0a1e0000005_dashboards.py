"""dashboards: weekly summary subscriptions; indexes of the indicators

Revision ID: c0a1e0000005
Revises: c0a1e0000004
Create Date: 2026-11-28 15:40:00

Two covering indexes let the indicators count requests received, or closed,
in a period without reading the table: every column they group or filter on
is in the index (see grc_core.indicators).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000005'
down_revision = 'c0a1e0000004'
branch_labels = None
depends_on = None

RECEIVED = ['commune_id', 'received_at', 'service_id', 'request_type_id', 'channel', 'priority', 'quartier',
            'assignee_id', 'first_response_at']
CLOSED = ['commune_id', 'closed_at', 'service_id', 'request_type_id', 'received_at', 'due_at', 'reopened_count',
          'channel', 'priority', 'quartier', 'assignee_id']
IS_CLOSED = "closed_at IS NOT NULL"


def upgrade():
    op.create_table(
        'dashboard_subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('last_week_sent', sa.Date(), nullable=True),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_dashboard_subscription_commune_id_commune'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_dashboard_subscription_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_subscription')),
        sa.UniqueConstraint('commune_id', 'user_id', name='uq_dashboard_subscription_user'),
    )
    with op.batch_alter_table('dashboard_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dashboard_subscription_commune_id'), ['commune_id'], unique=False)
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.create_index('ix_request_received', RECEIVED, unique=False)
        batch_op.create_index('ix_request_closed', CLOSED, unique=False,
                              sqlite_where=sa.text(IS_CLOSED), postgresql_where=sa.text(IS_CLOSED))


def downgrade():
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_closed', sqlite_where=sa.text(IS_CLOSED), postgresql_where=sa.text(IS_CLOSED))
        batch_op.drop_index('ix_request_received')
    with op.batch_alter_table('dashboard_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dashboard_subscription_commune_id'))
    op.drop_table('dashboard_subscription')
