"""notification templates by kind: a commune's SMS texts and daily digest
(subject and introduction) beside its e-mails

Revision ID: c0a1e0000029
Revises: c0a1e0000028
Create Date: 2026-12-07 09:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000029'
down_revision = "c0a1e0000028"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_template') as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False, server_default='email'))
        batch_op.drop_constraint('uq_notification_template_commune_workflow', type_='unique')
        batch_op.create_unique_constraint('uq_notification_template_commune_workflow',
                                          ['commune_id', 'kind', 'workflow_id', 'state', 'language'])


def downgrade():
    op.execute("DELETE FROM notification_template WHERE kind <> 'email'")
    with op.batch_alter_table('notification_template') as batch_op:
        batch_op.drop_constraint('uq_notification_template_commune_workflow', type_='unique')
        batch_op.create_unique_constraint('uq_notification_template_commune_workflow',
                                          ['commune_id', 'workflow_id', 'state', 'language'])
        batch_op.drop_column('kind')
