"""portal without an account: filings held until their e-mail is verified,
private tracking links, and messages written through a tracking link

Revision ID: c0a1e0000019
Revises: c0a1e0000018
Create Date: 2026-12-07 05:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000019'
down_revision = 'c0a1e0000018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pending_filing',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_type_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('first_name', sa.String(length=100), nullable=False),
        sa.Column('last_name', sa.String(length=100), nullable=False),
        sa.Column('phone', sa.String(length=30), nullable=False),
        sa.Column('form', sa.JSON(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'],
                                name=op.f('fk_pending_filing_commune_id_commune'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['request_type_id'], ['request_type.id'],
                                name=op.f('fk_pending_filing_request_type_id_request_type'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_filing')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_pending_filing_token_hash')),
    )
    with op.batch_alter_table('pending_filing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_filing_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_filing_expires_at'), ['expires_at'], unique=False)

    op.create_table(
        'tracking_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'],
                                name=op.f('fk_tracking_link_commune_id_commune'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['request_id'], ['request.id'],
                                name=op.f('fk_tracking_link_request_id_request'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tracking_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_tracking_link_token_hash')),
    )
    with op.batch_alter_table('tracking_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracking_link_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tracking_link_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_link_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_message_tracking_link_id_tracking_link'), 'tracking_link',
                                    ['tracking_link_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_message_tracking_link_id_tracking_link'), type_='foreignkey')
        batch_op.drop_column('tracking_link_id')
    with op.batch_alter_table('tracking_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracking_link_request_id'))
        batch_op.drop_index(batch_op.f('ix_tracking_link_commune_id'))
    op.drop_table('tracking_link')
    with op.batch_alter_table('pending_filing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_filing_expires_at'))
        batch_op.drop_index(batch_op.f('ix_pending_filing_commune_id'))
    op.drop_table('pending_filing')
