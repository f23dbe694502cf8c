"""citizens' portal: citizen accounts, their one-time links, and messages
written by a citizen

Revision ID: c0a1e0000012
Revises: c0a1e0000011
Create Date: 2026-12-07 02:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000012'
down_revision = 'c0a1e0000011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'citizen_account',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('first_name', sa.String(length=100), nullable=False),
        sa.Column('last_name', sa.String(length=100), nullable=False),
        sa.Column('birth_date', sa.Date(), nullable=True),
        sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('citizen_id', sa.Integer(), nullable=True),
        sa.Column('session_epoch', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'],
                                name=op.f('fk_citizen_account_citizen_id_citizen'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'],
                                name=op.f('fk_citizen_account_commune_id_commune'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_account')),
        sa.UniqueConstraint('commune_id', 'email', name='uq_citizen_account_commune_email'),
    )
    with op.batch_alter_table('citizen_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_account_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_account_commune_id'), ['commune_id'], unique=False)

    op.create_table(
        'portal_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['citizen_account.id'],
                                name=op.f('fk_portal_token_account_id_citizen_account'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'],
                                name=op.f('fk_portal_token_commune_id_commune'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_portal_token_token_hash')),
    )
    with op.batch_alter_table('portal_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_token_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_portal_token_commune_id'), ['commune_id'], unique=False)

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('citizen_account_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_message_citizen_account_id_citizen_account'), 'citizen_account',
                                    ['citizen_account_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_message_citizen_account_id_citizen_account'), type_='foreignkey')
        batch_op.drop_column('citizen_account_id')
    with op.batch_alter_table('portal_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_token_commune_id'))
        batch_op.drop_index(batch_op.f('ix_portal_token_account_id'))
    op.drop_table('portal_token')
    with op.batch_alter_table('citizen_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_account_commune_id'))
        batch_op.drop_index(batch_op.f('ix_citizen_account_citizen_id'))
    op.drop_table('citizen_account')
