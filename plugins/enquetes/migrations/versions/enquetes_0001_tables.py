"""enquetes: closing-survey settings and invitations

Revision ID: enquetes_0001
Revises:
Depends on: c0a1e0000017
"""
from alembic import op
import sqlalchemy as sa

revision = "enquetes_0001"
down_revision = None
branch_labels = ("enquetes",)
depends_on = "c0a1e0000017"


def upgrade():
    op.create_table(
        "enquetes_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_type_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("trigger_states", sa.JSON(), nullable=False),
        sa.Column("delay_hours", sa.Integer(), nullable=False),
        sa.Column("valid_days", sa.Integer(), nullable=False),
        sa.Column("bad_action", sa.String(length=10), nullable=False),
        sa.Column("reopen_transition", sa.String(length=60), nullable=False),
        sa.Column("confidential_allowed", sa.Boolean(), nullable=False),
        sa.Column("min_count", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_enquetes_setting_commune_id_commune"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_type_id"], ["request_type.id"],
                                name=op.f("fk_enquetes_setting_request_type_id_request_type"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquetes_setting")),
        sa.UniqueConstraint("commune_id", "request_type_id", name="uq_enquetes_setting_type"),
    )
    with op.batch_alter_table("enquetes_setting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enquetes_setting_commune_id"), ["commune_id"], unique=False)
    op.create_table(
        "enquetes_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("request_type_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("site_url", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("resolved", sa.String(length=10), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bad_action_done", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_enquetes_invitation_citizen_id_citizen"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"],
                                name=op.f("fk_enquetes_invitation_commune_id_commune"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["request.id"],
                                name=op.f("fk_enquetes_invitation_request_id_request"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_type_id"], ["request_type.id"],
                                name=op.f("fk_enquetes_invitation_request_type_id_request_type"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"],
                                name=op.f("fk_enquetes_invitation_service_id_service"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquetes_invitation")),
        sa.UniqueConstraint("request_id", name="uq_enquetes_invitation_request"),
    )
    with op.batch_alter_table("enquetes_invitation", schema=None) as batch_op:
        batch_op.create_index("ix_enquetes_invitation_due", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_enquetes_invitation_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enquetes_invitation_commune_id"), ["commune_id"], unique=False)


def downgrade():
    op.drop_table("enquetes_invitation")
    op.drop_table("enquetes_setting")
