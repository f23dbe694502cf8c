"""daily counters of requests for the dashboards, filled from the requests

Revision ID: c0a1e0000006
Revises: c0a1e0000005
Create Date: 2026-11-28 16:00:00

grc_core.indicators.daily keeps them up to date from now on; existing
requests are counted here once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000006'
down_revision = 'c0a1e0000005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'request_day_stat',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('request_type_id', sa.Integer(), nullable=False),
        sa.Column('received', sa.Integer(), nullable=False),
        sa.Column('closed', sa.Integer(), nullable=False),
        sa.Column('closed_due', sa.Integer(), nullable=False),
        sa.Column('closed_on_time', sa.Integer(), nullable=False),
        sa.Column('closed_reopened', sa.Integer(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_request_day_stat_commune_id_commune'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_day_stat')),
        sa.UniqueConstraint('commune_id', 'day', 'service_id', 'request_type_id', name='uq_request_day_stat_key'),
    )
    with op.batch_alter_table('request_day_stat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_day_stat_commune_id'), ['commune_id'], unique=False)
    from grc_core.indicators.daily import count_all

    count_all(op.get_bind())


def downgrade():
    with op.batch_alter_table('request_day_stat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_day_stat_commune_id'))
    op.drop_table('request_day_stat')
