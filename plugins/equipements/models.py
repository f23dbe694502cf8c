"""The plugin's own tables (``equipements_*``): the commune's facilities,
closures, equipment stock, user categories and tariff grid, and what the
requests produce — bookings with their slots, loans with their lines, drinks
stand authorisations.

Every table carries ``commune_id`` (TenantMixin). Moments are stored in UTC
(``DateTime(timezone=True)``; SQLite keeps them as UTC text, read back naive:
``aware()`` gives them their zone back).

A facility cannot be held twice at once: ``equipements_slot`` holds every
period that occupies a facility (a booking's one slot, or a season's weekly
slots) and the database refuses two overlapping slots in the statuses that
hold (``option``, ``confirmee``) — an exclusion constraint on PostgreSQL, a
trigger on SQLite (whose writers are serialised, so the trigger sees every
committed slot) — see migrations/versions/equipements_0002_tables.py. The
form checks the same rule first, for a clear message.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import (
    Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, Numeric, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from grc_core.plugin_api import Citizen, TenantMixin, db

from . import rules

def in_commune_language(text) -> str:
    """A lazy text as it is stored: written in the commune's language."""
    with force_locale(current_app.config["GRC"]["DEFAULT_LOCALE"]):
        return str(text)


FACILITY_KINDS = (
    ("salle_fetes", _l("Festival hall")),
    ("salle", _l("Meeting room")),
    ("gymnase", _l("Gymnasium")),
    ("terrain", _l("Sports ground")),
)
SPORTS_KINDS = ("gymnase", "terrain")
CATEGORY_LABELS = (
    (rules.UserCategory.RESIDENT.value, _l("Resident of the commune")),
    (rules.UserCategory.NON_RESIDENT.value, _l("Non-resident individual")),
    (rules.UserCategory.ASSOCIATION_COMMUNE.value, _l("Association of the commune")),
    (rules.UserCategory.ASSOCIATION_AUTRE.value, _l("Other association")),
    (rules.UserCategory.SERVICE_COMMUNE.value, _l("Service of the commune")),
)
UNIT_LABELS = (
    (rules.DurationUnit.HOUR.value, _l("Hour")),
    (rules.DurationUnit.HALF_DAY.value, _l("Half day")),
    (rules.DurationUnit.DAY.value, _l("Full day")),
    (rules.DurationUnit.WEEKEND.value, _l("Weekend")),
)
# Slots in these statuses hold the facility (the database refuses overlaps).
HOLDING = ("option", "confirmee")
SLOT_STATUSES = (("demandee", _l("Requested (booking)")), ("option", _l("Provisional")), ("confirmee", _l("Confirmed")), ("annulee", _l("Cancelled")))
BOOKING_STATUSES = (
    ("demandee", _l("Requested (booking)")),
    ("option", _l("Provisional (pre-booking)")),
    ("confirmee", _l("Confirmed")),
    ("en_cours", _l("Facility handed over (check-in inspection done)")),
    ("terminee", _l("Finished (check-out inspection done)")),
    ("soldee", _l("Deposit settled")),
    ("refusee", _l("Refused")),
    ("annulee", _l("Cancelled")),
)
DEPOSIT_STATUSES = (
    ("aucune", _l("No deposit")),
    ("attendue", _l("Expected")),
    ("detenue", _l("Held")),
    ("rendue", _l("Returned")),
    ("retenue", _l("Withheld in part or in full")),
)
LOAN_STATUSES = (
    ("demande", _l("Requested (loan)")),
    ("accorde", _l("Granted (loan)")),
    ("sorti", _l("Out")),
    ("rendu", _l("Returned and checked")),
    ("refuse", _l("Refused (loan)")),
)
LOAN_MODES = (("retrait", _l("Collection at the technical services")), ("livraison", _l("Delivery on site")))


def label_of(choices, value) -> str:
    return dict(choices).get(value, value or "")


def aware(moment: datetime | None) -> datetime | None:
    """A stored moment as an aware UTC datetime (SQLite returns it naive)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


class Facility(TenantMixin, db.Model):
    __tablename__ = "equipements_facility"
    __table_args__ = (UniqueConstraint("commune_id", "code", name="uq_equipements_facility_commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(160), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="salle")
    capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Digits of the opening days, 0 = Monday ("0123456" every day).
    open_days: Mapped[str] = mapped_column(String(7), nullable=False, default="0123456")
    opens: Mapped[str] = mapped_column(String(5), nullable=False, default="08:00")
    closes: Mapped[str] = mapped_column(String(5), nullable=False, default="24:00")
    included_equipment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rules_document: Mapped[str] = mapped_column(String(250), nullable=False, default="")
    deposit: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    closures: Mapped[list["Closure"]] = relationship(back_populates="facility", cascade="all, delete-orphan")

    @property
    def is_sports(self) -> bool:
        return self.kind in SPORTS_KINDS

    @property
    def kind_label(self) -> str:
        return label_of(FACILITY_KINDS, self.kind)

    def opening(self) -> rules.OpeningHours:
        return rules.OpeningHours.parse(self.open_days, self.opens, self.closes)

    def __str__(self) -> str:
        return self.name


class Closure(TenantMixin, db.Model):
    """A period the facility is closed (works, holidays), both days included."""

    __tablename__ = "equipements_closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("equipements_facility.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    first_day: Mapped[date] = mapped_column(Date, nullable=False)
    last_day: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    facility: Mapped[Facility] = relationship(back_populates="closures")

    def __str__(self) -> str:
        return f"{self.facility} : {rules.fmt_day(self.first_day)} – {rules.fmt_day(self.last_day)}"


class EquipmentItem(TenantMixin, db.Model):
    """Lendable equipment and the commune's stock of it."""

    __tablename__ = "equipements_item"
    __table_args__ = (UniqueConstraint("commune_id", "code", name="uq_equipements_item_commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    stock: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    def __str__(self) -> str:
        return self.name


class UserCategory(TenantMixin, db.Model):
    """A category of user as the commune names it, and its free use
    (CG3P L2125-1; CGCT L2144-3 for the commune's associations)."""

    __tablename__ = "equipements_category"
    __table_args__ = (UniqueConstraint("commune_id", "code", name="uq_equipements_category_commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), nullable=False)
    label: Mapped[str] = mapped_column(String(120), nullable=False)
    free_use: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    free_use_decision: Mapped[str] = mapped_column(String(200), nullable=False, default="")

    def __str__(self) -> str:
        return self.label


class TariffRate(TenantMixin, db.Model):
    """One price of the délibération: facility × category × duration unit."""

    __tablename__ = "equipements_rate"
    __table_args__ = (UniqueConstraint("facility_id", "category", "unit", name="uq_equipements_rate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("equipements_facility.id", ondelete="CASCADE"),
                                             nullable=False, index=True)
    category: Mapped[str] = mapped_column(String(30), nullable=False)
    unit: Mapped[str] = mapped_column(String(20), nullable=False)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)

    facility: Mapped[Facility] = relationship()


class Booking(TenantMixin, db.Model):
    """A booking of a facility, from a request (one slot, or a season's slots)."""

    __tablename__ = "equipements_booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id", ondelete="SET NULL"), unique=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("equipements_facility.id"), nullable=False, index=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"), index=True)
    category: Mapped[str] = mapped_column(String(30), nullable=False)
    purpose: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    organiser: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    attendance: Mapped[int | None] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    end_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="demandee", index=True)
    option_expires_on: Mapped[date | None] = mapped_column(Date)
    season: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=Decimal("0"))
    tariff_basis: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    deposit: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=Decimal("0"))
    deposit_status: Mapped[str] = mapped_column(String(20), nullable=False, default="aucune")
    deposit_kept: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=Decimal("0"))
    deposit_reason: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    insurance_received_on: Mapped[date | None] = mapped_column(Date)
    insurance_reference: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    entry_inspection: Mapped[str] = mapped_column(Text, nullable=False, default="")
    exit_inspection: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The convention d'occupation as signed (PDF, generated at confirmation).
    convention_pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    convention_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    facility: Mapped[Facility] = relationship()
    citizen: Mapped[Citizen | None] = relationship()
    slots: Mapped[list["Slot"]] = relationship(back_populates="booking", cascade="all, delete-orphan",
                                               order_by="Slot.start_at")

    @property
    def status_label(self) -> str:
        return label_of(BOOKING_STATUSES, self.status)

    @property
    def category_label(self) -> str:
        return label_of(CATEGORY_LABELS, self.category)

    @property
    def deposit_status_label(self) -> str:
        return label_of(DEPOSIT_STATUSES, self.deposit_status)

    @property
    def tariff_basis_label(self) -> str:
        """The fee's legal basis in the reader's language: stored as the commune wrote it (its language),
        read through the catalogs while it is still one of the rules' bases."""
        for basis in (rules.FEE_BASIS, rules.FREE_BASIS):
            if self.tariff_basis == in_commune_language(basis):
                return str(basis)
        return self.tariff_basis

    def __str__(self) -> str:
        return f"{self.facility} — {self.purpose}"


class Slot(TenantMixin, db.Model):
    """A period that holds a facility; no two holding slots of a facility overlap."""

    __tablename__ = "equipements_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("equipements_booking.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("equipements_facility.id"), nullable=False)
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    end_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="demandee")

    booking: Mapped[Booking] = relationship(back_populates="slots")
    facility: Mapped[Facility] = relationship()

    __table_args__ = (db.Index("ix_equipements_slot_facility_start", "facility_id", "start_at"),)


class Loan(TenantMixin, db.Model):
    """Equipment lent for an event, from delivery or pick-up to return."""

    __tablename__ = "equipements_loan"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id", ondelete="SET NULL"), unique=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"), index=True)
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    end_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    mode: Mapped[str] = mapped_column(String(20), nullable=False, default="retrait")
    place: Mapped[str] = mapped_column(String(250), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="demande", index=True)
    return_notes: Mapped[str] = mapped_column(String(500), nullable=False, default="")

    citizen: Mapped[Citizen | None] = relationship()
    lines: Mapped[list["LoanLine"]] = relationship(back_populates="loan", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return label_of(LOAN_STATUSES, self.status)


class LoanLine(TenantMixin, db.Model):
    __tablename__ = "equipements_loan_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("equipements_loan.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("equipements_item.id"), nullable=False, index=True)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    returned: Mapped[int | None] = mapped_column(Integer)

    loan: Mapped[Loan] = relationship(back_populates="lines")
    item: Mapped[EquipmentItem] = relationship()


class Buvette(TenantMixin, db.Model):
    """A temporary drinks stand asked for (counted against the yearly limits)."""

    __tablename__ = "equipements_buvette"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id", ondelete="SET NULL"), unique=True)
    association_key: Mapped[str] = mapped_column(String(160), nullable=False, index=True)
    association: Mapped[str] = mapped_column(String(160), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    in_sports_facility: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    end_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # demandee, accordee, refusee: refused ones do not count.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="demandee")
