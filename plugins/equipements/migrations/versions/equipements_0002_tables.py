"""equipements: facilities, closures, stock, categories, tariffs, bookings and
their slots, loans, drinks stands — and the database's refusal of two
overlapping slots of one facility.

Revision ID: equipements_0002
Revises: equipements_0001
"""
from alembic import op
import sqlalchemy as sa

revision = "equipements_0002"
down_revision = "equipements_0001"
branch_labels = None
# citizen and request tables.
depends_on = "c0a1e0000002"

HOLDING = "('option', 'confirmee')"


def _tenant(name):
    return [sa.Column("commune_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=f"fk_{name}_commune_id_commune",
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id", name=f"pk_{name}")]


def _index_commune(name):
    op.create_index(f"ix_{name}_commune_id", name, ["commune_id"])


def upgrade():
    money = sa.Numeric(precision=10, scale=2)
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "equipements_facility",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("open_days", sa.String(length=7), nullable=False),
        sa.Column("opens", sa.String(length=5), nullable=False),
        sa.Column("closes", sa.String(length=5), nullable=False),
        sa.Column("included_equipment", sa.Text(), nullable=False),
        sa.Column("rules_document", sa.String(length=250), nullable=False),
        sa.Column("deposit", money, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tenant("equipements_facility"),
        sa.UniqueConstraint("commune_id", "code", name="uq_equipements_facility_commune_code"),
    )
    _index_commune("equipements_facility")
    op.create_table(
        "equipements_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["facility_id"], ["equipements_facility.id"],
                                name="fk_equipements_closure_facility_id_equipements_facility", ondelete="CASCADE"),
        *_tenant("equipements_closure"),
    )
    _index_commune("equipements_closure")
    op.create_index("ix_equipements_closure_facility_id", "equipements_closure", ["facility_id"])
    op.create_table(
        "equipements_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_tenant("equipements_item"),
        sa.UniqueConstraint("commune_id", "code", name="uq_equipements_item_commune_code"),
    )
    _index_commune("equipements_item")
    op.create_table(
        "equipements_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("free_use", sa.Boolean(), nullable=False),
        sa.Column("free_use_decision", sa.String(length=200), nullable=False),
        *_tenant("equipements_category"),
        sa.UniqueConstraint("commune_id", "code", name="uq_equipements_category_commune_code"),
    )
    _index_commune("equipements_category")
    op.create_table(
        "equipements_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("price", money, nullable=False),
        sa.ForeignKeyConstraint(["facility_id"], ["equipements_facility.id"],
                                name="fk_equipements_rate_facility_id_equipements_facility", ondelete="CASCADE"),
        *_tenant("equipements_rate"),
        sa.UniqueConstraint("facility_id", "category", "unit", name="uq_equipements_rate"),
    )
    _index_commune("equipements_rate")
    op.create_index("ix_equipements_rate_facility_id", "equipements_rate", ["facility_id"])
    op.create_table(
        "equipements_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("organiser", sa.String(length=160), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=True),
        sa.Column("start_at", moment, nullable=False),
        sa.Column("end_at", moment, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("option_expires_on", sa.Date(), nullable=True),
        sa.Column("season", sa.Boolean(), nullable=False),
        sa.Column("amount", money, nullable=False),
        sa.Column("tariff_basis", sa.String(length=300), nullable=False),
        sa.Column("deposit", money, nullable=False),
        sa.Column("deposit_status", sa.String(length=20), nullable=False),
        sa.Column("deposit_kept", money, nullable=False),
        sa.Column("deposit_reason", sa.String(length=500), nullable=False),
        sa.Column("insurance_received_on", sa.Date(), nullable=True),
        sa.Column("insurance_reference", sa.String(length=200), nullable=False),
        sa.Column("entry_inspection", sa.Text(), nullable=False),
        sa.Column("exit_inspection", sa.Text(), nullable=False),
        sa.Column("convention_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("convention_at", moment, nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["request.id"], name="fk_equipements_booking_request_id_request",
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["facility_id"], ["equipements_facility.id"],
                                name="fk_equipements_booking_facility_id_equipements_facility"),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name="fk_equipements_booking_citizen_id_citizen",
                                ondelete="SET NULL"),
        *_tenant("equipements_booking"),
        sa.UniqueConstraint("request_id", name="uq_equipements_booking_request_id"),
    )
    _index_commune("equipements_booking")
    for column in ("facility_id", "citizen_id", "start_at", "status"):
        op.create_index(f"ix_equipements_booking_{column}", "equipements_booking", [column])
    op.create_table(
        "equipements_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("start_at", moment, nullable=False),
        sa.Column("end_at", moment, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["booking_id"], ["equipements_booking.id"],
                                name="fk_equipements_slot_booking_id_equipements_booking", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["facility_id"], ["equipements_facility.id"],
                                name="fk_equipements_slot_facility_id_equipements_facility"),
        *_tenant("equipements_slot"),
    )
    _index_commune("equipements_slot")
    op.create_index("ix_equipements_slot_booking_id", "equipements_slot", ["booking_id"])
    op.create_index("ix_equipements_slot_facility_start", "equipements_slot", ["facility_id", "start_at"])
    if op.get_bind().dialect.name == "postgresql":
        # Two holding slots of one facility never overlap, whoever writes them.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute("ALTER TABLE equipements_slot ADD CONSTRAINT ex_equipements_slot_overlap EXCLUDE USING gist "
                   "(facility_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&) "
                   f"WHERE (status IN {HOLDING})")
    else:
        # SQLite has no exclusion constraint; its writers are serialised, so a
        # trigger sees every committed slot. Moments are UTC text of one format.
        for event, when in (("INSERT", "BEFORE INSERT"), ("UPDATE", "BEFORE UPDATE")):
            op.execute(
                f"CREATE TRIGGER equipements_slot_no_overlap_{event.lower()} {when} ON equipements_slot "
                f"WHEN NEW.status IN {HOLDING} AND EXISTS (SELECT 1 FROM equipements_slot s "
                "WHERE s.facility_id = NEW.facility_id AND s.id IS NOT NEW.id "
                f"AND s.status IN {HOLDING} AND s.start_at < NEW.end_at AND NEW.start_at < s.end_at) "
                "BEGIN SELECT RAISE(ABORT, 'ex_equipements_slot_overlap'); END")
    op.create_table(
        "equipements_loan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("start_at", moment, nullable=False),
        sa.Column("end_at", moment, nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=250), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("return_notes", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["request.id"], name="fk_equipements_loan_request_id_request",
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name="fk_equipements_loan_citizen_id_citizen",
                                ondelete="SET NULL"),
        *_tenant("equipements_loan"),
        sa.UniqueConstraint("request_id", name="uq_equipements_loan_request_id"),
    )
    _index_commune("equipements_loan")
    op.create_index("ix_equipements_loan_citizen_id", "equipements_loan", ["citizen_id"])
    op.create_index("ix_equipements_loan_status", "equipements_loan", ["status"])
    op.create_table(
        "equipements_loan_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("loan_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["loan_id"], ["equipements_loan.id"],
                                name="fk_equipements_loan_line_loan_id_equipements_loan", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["equipements_item.id"],
                                name="fk_equipements_loan_line_item_id_equipements_item"),
        *_tenant("equipements_loan_line"),
    )
    _index_commune("equipements_loan_line")
    op.create_index("ix_equipements_loan_line_loan_id", "equipements_loan_line", ["loan_id"])
    op.create_index("ix_equipements_loan_line_item_id", "equipements_loan_line", ["item_id"])
    op.create_table(
        "equipements_buvette",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("association_key", sa.String(length=160), nullable=False),
        sa.Column("association", sa.String(length=160), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("in_sports_facility", sa.Boolean(), nullable=False),
        sa.Column("start_at", moment, nullable=False),
        sa.Column("end_at", moment, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["request.id"], name="fk_equipements_buvette_request_id_request",
                                ondelete="SET NULL"),
        *_tenant("equipements_buvette"),
        sa.UniqueConstraint("request_id", name="uq_equipements_buvette_request_id"),
    )
    _index_commune("equipements_buvette")
    op.create_index("ix_equipements_buvette_association_key", "equipements_buvette", ["association_key"])


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS equipements_slot_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS equipements_slot_no_overlap_update")
    for table in ("equipements_buvette", "equipements_loan_line", "equipements_loan", "equipements_slot",
                  "equipements_booking", "equipements_rate", "equipements_category", "equipements_item",
                  "equipements_closure", "equipements_facility"):
        op.drop_table(table)
