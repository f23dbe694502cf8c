"""enquetes: closing surveys by e-mail, SMS or on the portal, with extra questions; the agent who handled the request

Revision ID: enquetes_0003
Revises: enquetes_0002
"""
from alembic import op
import sqlalchemy as sa

revision = "enquetes_0003"
down_revision = "enquetes_0002"
branch_labels = None
depends_on = None


def upgrade():
    # Existing settings keep their meaning: by e-mail, no extra question.
    with op.batch_alter_table("enquetes_setting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=10), nullable=False, server_default="email"))
        batch_op.add_column(sa.Column("fields", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("enquetes_setting", schema=None) as batch_op:
        batch_op.alter_column("channel", server_default=None)
        batch_op.alter_column("fields", server_default=None)
    # Invitations already sent went by e-mail.
    with op.batch_alter_table("enquetes_invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=10), nullable=False, server_default="email"))
        batch_op.add_column(sa.Column("fallback", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("answers", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("agent_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_enquetes_invitation_agent_id_user_account"), "user_account",
                                    ["agent_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index("ix_enquetes_invitation_agent_id", ["agent_id"], unique=False)
    with op.batch_alter_table("enquetes_invitation", schema=None) as batch_op:
        batch_op.alter_column("channel", server_default=None)
        batch_op.alter_column("fallback", server_default=None)
        batch_op.alter_column("answers", server_default=None)


def downgrade():
    with op.batch_alter_table("enquetes_invitation", schema=None) as batch_op:
        batch_op.drop_index("ix_enquetes_invitation_agent_id")
        batch_op.drop_constraint(batch_op.f("fk_enquetes_invitation_agent_id_user_account"), type_="foreignkey")
        batch_op.drop_column("agent_id")
        batch_op.drop_column("answers")
        batch_op.drop_column("fallback")
        batch_op.drop_column("channel")
    with op.batch_alter_table("enquetes_setting", schema=None) as batch_op:
        batch_op.drop_column("fields")
        batch_op.drop_column("channel")
