"""dashboards: monthly histograms of durations, daily counts per channel, and
an index answering the daily counters alone; filled from the requests

Revision ID: c0a1e0000007
Revises: c0a1e0000006
Create Date: 2026-11-28 18:30:00

grc_core.indicators.durations and grc_core.indicators.daily keep them up to
date from now on; existing requests are counted here once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000007'
down_revision = 'c0a1e0000006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'request_duration_stat',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('measure', sa.String(length=20), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('request_type_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=40), nullable=False),
        sa.Column('bin_hours', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'],
                                name=op.f('fk_request_duration_stat_commune_id_commune'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_duration_stat')),
        sa.UniqueConstraint('commune_id', 'measure', 'month', 'service_id', 'request_type_id', 'state', 'bin_hours',
                            name='uq_request_duration_stat_key'),
    )
    with op.batch_alter_table('request_duration_stat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_duration_stat_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index('ix_request_duration_stat_read', ['commune_id', 'measure', 'month', 'request_type_id',
                                                                'state', 'service_id', 'bin_hours', 'count'],
                              unique=False)
    op.create_table(
        'request_channel_stat',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('received', sa.Integer(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'],
                                name=op.f('fk_request_channel_stat_commune_id_commune'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_channel_stat')),
        sa.UniqueConstraint('commune_id', 'day', 'service_id', 'channel', name='uq_request_channel_stat_key'),
    )
    with op.batch_alter_table('request_channel_stat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_channel_stat_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index('ix_request_channel_stat_read', ['commune_id', 'day', 'service_id', 'channel',
                                                               'received'], unique=False)
    with op.batch_alter_table('request_day_stat', schema=None) as batch_op:
        batch_op.create_index('ix_request_day_stat_read', ['commune_id', 'day', 'service_id', 'request_type_id',
                                                           'received', 'closed', 'closed_due', 'closed_on_time',
                                                           'closed_reopened'], unique=False)
    from grc_core.indicators.daily import count_channels
    from grc_core.indicators.durations import count_all

    count_all(op.get_bind())
    count_channels(op.get_bind())


def downgrade():
    with op.batch_alter_table('request_day_stat', schema=None) as batch_op:
        batch_op.drop_index('ix_request_day_stat_read')
    with op.batch_alter_table('request_channel_stat', schema=None) as batch_op:
        batch_op.drop_index('ix_request_channel_stat_read')
        batch_op.drop_index(batch_op.f('ix_request_channel_stat_commune_id'))
    op.drop_table('request_channel_stat')
    with op.batch_alter_table('request_duration_stat', schema=None) as batch_op:
        batch_op.drop_index('ix_request_duration_stat_read')
        batch_op.drop_index(batch_op.f('ix_request_duration_stat_commune_id'))
    op.drop_table('request_duration_stat')
