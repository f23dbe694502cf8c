"""copied labels keep their translation key: request types and workflows
copied from a plugin store the plugin's English source beside the label;
a commune's own request type may carry an English label

Revision ID: c0a1e0000021
Revises: c0a1e0000020
Create Date: 2026-12-07 06:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000021'
down_revision = "c0a1e0000020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('request_type') as batch_op:
        batch_op.add_column(sa.Column('label_key', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('label_en', sa.String(length=200), nullable=True))
    with op.batch_alter_table('workflow') as batch_op:
        batch_op.add_column(sa.Column('label_key', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('workflow') as batch_op:
        batch_op.drop_column('label_key')
    with op.batch_alter_table('request_type') as batch_op:
        batch_op.drop_column('label_en')
        batch_op.drop_column('label_key')
