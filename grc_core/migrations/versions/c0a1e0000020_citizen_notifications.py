"""citizen notifications: SMS in the outbox, preferences and language of a
citizen, the daily digest's items, templates per language

Revision ID: c0a1e0000020
Revises: c0a1e0000019
Create Date: 2026-12-07 05:20:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000020'
# The lead re-chains onto c0a1e0000019 at merge.
down_revision = "c0a1e0000019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), nullable=False, server_default='email'))
        batch_op.add_column(sa.Column('provider_ref', sa.String(length=100), nullable=False, server_default=''))
    with op.batch_alter_table('citizen') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('notify_channel', sa.String(length=10), nullable=False,
                                      server_default='email'))
        batch_op.add_column(sa.Column('notify_digest', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('notification_template') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=False, server_default=''))
        batch_op.drop_constraint('uq_notification_template_commune_workflow', type_='unique')
        batch_op.create_unique_constraint('uq_notification_template_commune_workflow',
                                          ['commune_id', 'workflow_id', 'state', 'language'])
    op.create_table(
        'digest_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('citizen_id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=True),
        sa.Column('line', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outbox_message_id', sa.Integer(), nullable=True),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['citizen_id'], ['citizen.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_message.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['request_id'], ['request.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('digest_item') as batch_op:
        batch_op.create_index('ix_digest_item_commune_id', ['commune_id'], unique=False)
        batch_op.create_index('ix_digest_item_citizen_id', ['citizen_id'], unique=False)
        batch_op.create_index('ix_digest_item_request_id', ['request_id'], unique=False)
        batch_op.create_index('ix_digest_item_pending', ['outbox_message_id', 'created_at'], unique=False)


def downgrade():
    op.drop_table('digest_item')
    with op.batch_alter_table('notification_template') as batch_op:
        batch_op.drop_constraint('uq_notification_template_commune_workflow', type_='unique')
        batch_op.create_unique_constraint('uq_notification_template_commune_workflow',
                                          ['commune_id', 'workflow_id', 'state'])
        batch_op.drop_column('language')
    with op.batch_alter_table('citizen') as batch_op:
        batch_op.drop_column('notify_digest')
        batch_op.drop_column('notify_channel')
        batch_op.drop_column('language')
    with op.batch_alter_table('outbox_message') as batch_op:
        batch_op.drop_column('provider_ref')
        batch_op.drop_column('channel')
