"""The plugin's own tables (``ecoles_*``): the commune's reference data for
schooling (schools, school years, carte scolaire, canteen and after-school
services, tariff grids) and the enrolment rows that the requests produce.

Every table carries ``commune_id`` (TenantMixin): the core scopes every query
to the current commune, so the back-office views and the hooks never see
another commune's rows.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from flask_babel import lazy_gettext as _l
from grc_core.plugin_api import Citizen, Request, TenantMixin, db

from . import rules

SCHOOL_KINDS = (
    (rules.SchoolKind.MATERNELLE.value, _l("Nursery school")),
    (rules.SchoolKind.ELEMENTAIRE.value, _l("Elementary school")),
    (rules.SchoolKind.PRIMAIRE.value, _l("Primary school")),
)
LEVEL_CHOICES = tuple((level.value, level.label) for level in rules.LEVELS)
SIDES = (("tous", _l("Both sides")), ("pair", _l("Even side")), ("impair", _l("Odd side")))
ACTIVITY_KINDS = (
    ("cantine", _l("School meals")),
    ("matin", _l("Morning after-school care")),
    ("soir", _l("Evening after-school care")),
    ("mercredi", _l("Wednesday care")),
)
ENROLMENT_STATUSES = (
    ("demandee", _l("Requested (booking)")),
    ("affectee", _l("Assigned (certificate issued)")),
    ("admise", _l("Admitted by the school")),
    ("radiee", _l("Deregistered")),
)


def label_of(choices, value) -> str:
    return dict(choices).get(value, value or "")


class School(TenantMixin, db.Model):
    __tablename__ = "ecoles_school"
    __table_args__ = (UniqueConstraint("commune_id", "code", name="uq_ecoles_school_commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(160), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="primaire")
    address: Mapped[str] = mapped_column(String(250), nullable=False, default="")
    uai: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    director: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    capacities: Mapped[list["LevelCapacity"]] = relationship(back_populates="school", cascade="all, delete-orphan")

    def capacity_for(self, level: str) -> int:
        return sum(c.capacity for c in self.capacities if c.level == level)

    def accepts(self, level: str) -> bool:
        return rules.school_kind_accepts(rules.SchoolKind(self.kind), rules.Level(level))

    def __str__(self) -> str:
        return self.name


class LevelCapacity(TenantMixin, db.Model):
    """How many pupils a school takes in one level (places of its classes)."""

    __tablename__ = "ecoles_capacity"
    __table_args__ = (UniqueConstraint("school_id", "level", name="uq_ecoles_capacity_school_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("ecoles_school.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    level: Mapped[str] = mapped_column(String(30), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    school: Mapped[School] = relationship(back_populates="capacities")

    def __str__(self) -> str:
        return f"{self.school} — {label_of(LEVEL_CHOICES, self.level)} : {self.capacity}"


class SchoolYear(TenantMixin, db.Model):
    __tablename__ = "ecoles_school_year"
    __table_args__ = (UniqueConstraint("commune_id", "start_year", name="uq_ecoles_school_year_commune_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    start_year: Mapped[int] = mapped_column(Integer, nullable=False)
    rentree: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    enrolment_open: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    def as_rule(self) -> rules.SchoolYear:
        return rules.SchoolYear(self.start_year, self.rentree, self.end)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    def __str__(self) -> str:
        return self.label


class SectorStreet(TenantMixin, db.Model):
    """One line of the carte scolaire (délibération du conseil municipal, L212-7)."""

    __tablename__ = "ecoles_sector"

    id: Mapped[int] = mapped_column(primary_key=True)
    street: Mapped[str] = mapped_column(String(200), nullable=False)
    from_number: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    to_number: Mapped[int | None] = mapped_column(Integer)
    side: Mapped[str] = mapped_column(String(10), nullable=False, default="tous")
    school_id: Mapped[int] = mapped_column(ForeignKey("ecoles_school.id", ondelete="CASCADE"), nullable=False,
                                           index=True)

    school: Mapped[School] = relationship()

    def as_rule(self) -> rules.SectorRule:
        return rules.SectorRule(self.street, self.from_number or 1, self.to_number, self.side, str(self.school_id))

    def __str__(self) -> str:
        return f"{self.street} ({self.from_number}–{self.to_number or '…'}, {label_of(SIDES, self.side)})"


class TariffGrid(TenantMixin, db.Model):
    """Tariffs by quotient familial voted by the conseil municipal (R531-52)."""

    __tablename__ = "ecoles_tariff_grid"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="cantine")
    school_year_id: Mapped[int | None] = mapped_column(ForeignKey("ecoles_school_year.id", ondelete="SET NULL"),
                                                       index=True)
    cantine_a_un_euro: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    school_year: Mapped[SchoolYear | None] = relationship()
    tranches: Mapped[list["TariffTranche"]] = relationship(back_populates="grid", cascade="all, delete-orphan",
                                                           order_by="TariffTranche.qf_min")

    def as_rule(self) -> rules.TariffGrid:
        return rules.TariffGrid(tuple(rules.Tranche(t.qf_min, t.qf_max, t.price, t.label) for t in self.tranches))

    def __str__(self) -> str:
        return self.name


class TariffTranche(TenantMixin, db.Model):
    __tablename__ = "ecoles_tariff_tranche"

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("ecoles_tariff_grid.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    qf_min: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    qf_max: Mapped[int | None] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    label: Mapped[str] = mapped_column(String(80), nullable=False, default="")

    grid: Mapped[TariffGrid] = relationship(back_populates="tranches")

    def __str__(self) -> str:
        return self.label or f"QF {self.qf_min}–{self.qf_max or '…'}"


class Activity(TenantMixin, db.Model):
    """A canteen or after-school service of one school for one school year."""

    __tablename__ = "ecoles_activity"
    __table_args__ = (UniqueConstraint("school_id", "school_year_id", "kind", name="uq_ecoles_activity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    school_id: Mapped[int] = mapped_column(ForeignKey("ecoles_school.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("ecoles_school_year.id", ondelete="CASCADE"),
                                                nullable=False, index=True)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("ecoles_tariff_grid.id", ondelete="SET NULL"))

    school: Mapped[School] = relationship()
    school_year: Mapped[SchoolYear] = relationship()
    grid: Mapped[TariffGrid | None] = relationship()

    def __str__(self) -> str:
        return f"{label_of(ACTIVITY_KINDS, self.kind)} — {self.school} ({self.school_year})"


class Enrolment(TenantMixin, db.Model):
    """A child's schooling for one school year, and its canteen and
    after-school registrations; made by the requests, edited by the service
    (manual assignment when the carte scolaire does not decide)."""

    __tablename__ = "ecoles_enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), nullable=False, index=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("ecoles_school_year.id", ondelete="CASCADE"),
                                                nullable=False, index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("ecoles_school.id", ondelete="SET NULL"), index=True)
    level: Mapped[str] = mapped_column(String(30), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="demandee")
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id", ondelete="SET NULL"), index=True)
    # What the carte scolaire said (empty when it found the school).
    sector_message: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    canteen: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    matin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    soir: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    mercredi: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    quotient_familial: Mapped[int | None] = mapped_column(Integer)
    tariff_label: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    tariff_price: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    assigned_on: Mapped[date | None] = mapped_column(Date)
    radiated_on: Mapped[date | None] = mapped_column(Date)

    child: Mapped[Citizen] = relationship()
    school_year: Mapped[SchoolYear] = relationship()
    school: Mapped[School | None] = relationship()
    request: Mapped[Request | None] = relationship()

    @property
    def level_label(self) -> str:
        return label_of(LEVEL_CHOICES, self.level)

    @property
    def status_label(self) -> str:
        return label_of(ENROLMENT_STATUSES, self.status)

    def __str__(self) -> str:
        return f"{self.child.full_name if self.child else ''} — {self.level_label} {self.school_year}"
