"""enquetes: barometer surveys, their invitations and answers; closing surveys indexed by sending time

Revision ID: enquetes_0002
Revises: enquetes_0001
"""
from alembic import op
import sqlalchemy as sa

revision = "enquetes_0002"
down_revision = "enquetes_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enquetes_invitation", schema=None) as batch_op:
        batch_op.create_index("ix_enquetes_invitation_sent", ["commune_id", "sent_at"], unique=False)
    op.create_table(
        "enquetes_barometer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("retention_months", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("site_url", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_enquetes_barometer_author_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_enquetes_barometer_commune_id_commune"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["segment_id"], ["segment.id"], name=op.f("fk_enquetes_barometer_segment_id_segment"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquetes_barometer")),
    )
    with op.batch_alter_table("enquetes_barometer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enquetes_barometer_commune_id"), ["commune_id"], unique=False)
    op.create_table(
        "enquetes_baro_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("barometer_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("quartier", sa.String(length=80), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["barometer_id"], ["enquetes_barometer.id"],
                                name=op.f("fk_enquetes_baro_invitation_barometer_id_enquetes_barometer"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"],
                                name=op.f("fk_enquetes_baro_invitation_citizen_id_citizen"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"],
                                name=op.f("fk_enquetes_baro_invitation_commune_id_commune"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquetes_baro_invitation")),
        sa.UniqueConstraint("barometer_id", "citizen_id", name="uq_enquetes_baro_invitation_citizen"),
        sa.UniqueConstraint("barometer_id", "code", name="uq_enquetes_baro_invitation_code"),
    )
    with op.batch_alter_table("enquetes_baro_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enquetes_baro_invitation_barometer_id"), ["barometer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enquetes_baro_invitation_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enquetes_baro_invitation_commune_id"), ["commune_id"], unique=False)
    op.create_table(
        "enquetes_baro_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("barometer_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("quartier", sa.String(length=80), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["barometer_id"], ["enquetes_barometer.id"],
                                name=op.f("fk_enquetes_baro_answer_barometer_id_enquetes_barometer"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_enquetes_baro_answer_citizen_id_citizen"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_enquetes_baro_answer_commune_id_commune"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entered_by_id"], ["user_account.id"],
                                name=op.f("fk_enquetes_baro_answer_entered_by_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["invitation_id"], ["enquetes_baro_invitation.id"],
                                name=op.f("fk_enquetes_baro_answer_invitation_id_enquetes_baro_invitation"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquetes_baro_answer")),
    )
    with op.batch_alter_table("enquetes_baro_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enquetes_baro_answer_barometer_id"), ["barometer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enquetes_baro_answer_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enquetes_baro_answer_commune_id"), ["commune_id"], unique=False)


def downgrade():
    op.drop_table("enquetes_baro_answer")
    op.drop_table("enquetes_baro_invitation")
    op.drop_table("enquetes_barometer")
    with op.batch_alter_table("enquetes_invitation", schema=None) as batch_op:
        batch_op.drop_index("ix_enquetes_invitation_sent")
