"""enquetes: the closing surveys counted per day, filled from the surveys

Revision ID: enquetes_0005
Revises: enquetes_0004

The dashboards' three figures summed a year of surveys (177,738 of 500,000
in the bench) for the period and again for the one before; they now sum
the daily counts (day_counts.py), which keeps them up to date from now on.
Existing surveys are counted here once.
"""
import sqlalchemy as sa
from alembic import op

revision = "enquetes_0005"
down_revision = "enquetes_0004"
branch_labels = None
depends_on = None

READ = ["commune_id", "day", "request_type_id", "service_id", "sent", "answered", "score_sum", "said", "said_yes"]


def upgrade():
    op.create_table(
        "enquetes_day_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("request_type_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.Column("said", sa.Integer(), nullable=False),
        sa.Column("said_yes", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_enquetes_day_stat_commune_id_commune"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquetes_day_stat")),
        sa.UniqueConstraint("commune_id", "day", "request_type_id", "service_id", name="uq_enquetes_day_stat_key"),
    )
    with op.batch_alter_table("enquetes_day_stat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enquetes_day_stat_commune_id"), ["commune_id"], unique=False)
        batch_op.create_index("ix_enquetes_day_stat_read", READ, unique=False)
    from plugins.enquetes.day_counts import count_all

    count_all(op.get_bind())
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE enquetes_day_stat")  # the whole table: see the core's c0a1e0000028


def downgrade():
    with op.batch_alter_table("enquetes_day_stat", schema=None) as batch_op:
        batch_op.drop_index("ix_enquetes_day_stat_read")
        batch_op.drop_index(batch_op.f("ix_enquetes_day_stat_commune_id"))
    op.drop_table("enquetes_day_stat")
