"""unread citizen messages: when the agents of a request last opened its page

Revision ID: c0a1e0000018
Revises: c0a1e0000017
Create Date: 2026-12-07 03:20:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000018'
down_revision = 'c0a1e0000017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('request') as batch_op:
        batch_op.add_column(sa.Column('citizen_messages_read_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('request') as batch_op:
        batch_op.drop_column('citizen_messages_read_at')
