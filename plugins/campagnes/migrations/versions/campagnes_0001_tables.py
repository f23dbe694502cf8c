"""campagnes: campaigns and their recipients

Revision ID: campagnes_0001
Revises:
Depends on: c0a1e0000017 (segments)
"""
from alembic import op
import sqlalchemy as sa

revision = "campagnes_0001"
down_revision = None
branch_labels = ("campagnes",)
depends_on = "c0a1e0000017"


def upgrade():
    op.create_table(
        "campagnes_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("legal_basis", sa.String(length=20), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("site_url", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["approved_by_id"], ["user_account.id"],
                                name=op.f("fk_campagnes_campaign_approved_by_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_campagnes_campaign_author_id_user_account"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_campagnes_campaign_commune_id_commune"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["segment_id"], ["segment.id"], name=op.f("fk_campagnes_campaign_segment_id_segment"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campagnes_campaign")),
    )
    with op.batch_alter_table("campagnes_campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campagnes_campaign_commune_id"), ["commune_id"], unique=False)
    op.create_table(
        "campagnes_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campagnes_campaign.id"],
                                name=op.f("fk_campagnes_recipient_campaign_id_campagnes_campaign"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_campagnes_recipient_citizen_id_citizen"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_campagnes_recipient_commune_id_commune"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campagnes_recipient")),
        sa.UniqueConstraint("campaign_id", "citizen_id", "channel", name="uq_campagnes_recipient_once"),
    )
    with op.batch_alter_table("campagnes_recipient", schema=None) as batch_op:
        batch_op.create_index("ix_campagnes_recipient_campaign_status", ["campaign_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_campagnes_recipient_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campagnes_recipient_commune_id"), ["commune_id"], unique=False)


def downgrade():
    op.drop_table("campagnes_recipient")
    op.drop_table("campagnes_campaign")
