"""monthly histograms of durations for the dashboards, filled from the requests

Revision ID: c0a1e0000007
Revises: c0a1e0000006
Create Date: 2026-11-28 18:30:00

grc_core.indicators.durations keeps them up to date from now on; existing
requests are counted here once.
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
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('request_type_id', sa.Integer(), nullable=False),
        sa.Column('measure', sa.String(length=20), nullable=False),
        sa.Column('bin_hours', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'],
                                name=op.f('fk_request_duration_stat_commune_id_commune'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_request_duration_stat')),
        sa.UniqueConstraint('commune_id', 'month', 'service_id', 'request_type_id', 'measure', 'bin_hours',
                            name='uq_request_duration_stat_key'),
    )
    with op.batch_alter_table('request_duration_stat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_duration_stat_commune_id'), ['commune_id'], unique=False)
    from grc_core.indicators.durations import count_all

    count_all(op.get_bind())


def downgrade():
    with op.batch_alter_table('request_duration_stat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_duration_stat_commune_id'))
    op.drop_table('request_duration_stat')
