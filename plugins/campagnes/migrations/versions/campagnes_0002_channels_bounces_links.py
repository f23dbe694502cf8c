"""campagnes: channels in order (fallback), letters, bounces, addresses in error, tracked links

Revision ID: campagnes_0002
Revises: campagnes_0001
"""
from alembic import op
import sqlalchemy as sa

revision = "campagnes_0002"
down_revision = "campagnes_0001"
branch_labels = None
depends_on = None


def upgrade():
    # « email » stays a valid list of one channel: existing campaigns keep their meaning.
    with op.batch_alter_table("campagnes_campaign", schema=None) as batch_op:
        batch_op.alter_column("channel", new_column_name="channels", existing_type=sa.String(length=10),
                              type_=sa.String(length=60), existing_nullable=False)
        batch_op.add_column(sa.Column("letters_key", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("letters_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("campagnes_campaign", schema=None) as batch_op:
        batch_op.alter_column("letters_key", server_default=None)
    with op.batch_alter_table("campagnes_recipient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outbox_message_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("bounced_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("bounce_detail", sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("clicked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_campagnes_recipient_outbox_message_id_outbox_message"),
                                    "outbox_message", ["outbox_message_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("campagnes_recipient", schema=None) as batch_op:
        batch_op.alter_column("bounce_detail", server_default=None)
    op.create_table(
        "campagnes_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campagnes_campaign.id"],
                                name=op.f("fk_campagnes_link_campaign_id_campagnes_campaign"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_campagnes_link_commune_id_commune"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campagnes_link")),
        sa.UniqueConstraint("campaign_id", "url", name="uq_campagnes_link_campaign_url"),
    )
    with op.batch_alter_table("campagnes_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campagnes_link_commune_id"), ["commune_id"], unique=False)
    op.create_table(
        "campagnes_address_error",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"],
                                name=op.f("fk_campagnes_address_error_commune_id_commune"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campagnes_address_error")),
        sa.UniqueConstraint("commune_id", "channel", "address", name="uq_campagnes_address_error"),
    )
    with op.batch_alter_table("campagnes_address_error", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campagnes_address_error_commune_id"), ["commune_id"], unique=False)


def downgrade():
    op.drop_table("campagnes_address_error")
    op.drop_table("campagnes_link")
    with op.batch_alter_table("campagnes_recipient", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_campagnes_recipient_outbox_message_id_outbox_message"),
                                 type_="foreignkey")
        batch_op.drop_column("clicked_at")
        batch_op.drop_column("bounce_detail")
        batch_op.drop_column("bounced_at")
        batch_op.drop_column("outbox_message_id")
    with op.batch_alter_table("campagnes_campaign", schema=None) as batch_op:
        batch_op.drop_column("letters_at")
        batch_op.drop_column("letters_key")
        batch_op.alter_column("channels", new_column_name="channel", existing_type=sa.String(length=60),
                              type_=sa.String(length=10), existing_nullable=False)
