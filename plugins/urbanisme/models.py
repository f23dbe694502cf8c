"""The plugin's own tables: one planning file per core request, its parcels and consultations.

The core ``Request`` carries the workflow, the history and the citizen; the
file (``urbanisme_dossier``) carries what the law needs: its official number,
the land, the works, the protections and every legal date, computed by
:mod:`.rules` through :mod:`.dossier` and stored so that lists and dashboards
can filter on them. A follow-up file (permis modificatif, transfert,
prorogation, DOC, DAACT) points to the file of the authorisation it concerns;
``urbanisme_number_counter`` hands out the file numbers.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grc_core.plugin_api import TenantMixin, db


class Dossier(TenantMixin, db.Model):
    """A planning file (DP, PC, PA, PD, CU, follow-up procedures), 1:1 with its request."""

    __tablename__ = "urbanisme_dossier"
    __table_args__ = (
        UniqueConstraint("request_id", name="uq_urbanisme_dossier_request"),
        # Also the index that finds a file by its number in its commune.
        UniqueConstraint("commune_id", "file_number", name="uq_urbanisme_dossier_file_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), nullable=False)
    procedure: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    cerfa: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    # "PC 045 901 26 00012", "… M01" (numbering.py); None for a prorogation, a DOC or a DAACT,
    # which carry the number of the authorisation they concern (initial_reference).
    file_number: Mapped[str | None] = mapped_column(String(30))
    # Follow-up procedures: the authorisation they concern — its file in this commune when GRC has
    # it (initial_dossier_id), its number as the national format writes it, and its procedure.
    initial_dossier_id: Mapped[int | None] = mapped_column(
        ForeignKey("urbanisme_dossier.id", ondelete="SET NULL"), index=True)
    initial_procedure: Mapped[str | None] = mapped_column(String(40))
    initial_reference: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    # Set when a transfert of this permit is granted (None: the applicant holds it).
    holder_name: Mapped[str | None] = mapped_column(String(200))
    holder_since: Mapped[date | None] = mapped_column(Date)

    applicant_kind: Mapped[str] = mapped_column(String(20), nullable=False, default="personne")
    applicant_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    company_siret: Mapped[str] = mapped_column(String(14), nullable=False, default="")
    land_address: Mapped[str] = mapped_column(String(250), nullable=False, default="")
    land_area: Mapped[float | None] = mapped_column(Float)
    works_nature: Mapped[str] = mapped_column(Text, nullable=False, default="")
    floor_area_created: Mapped[float | None] = mapped_column(Float)
    height: Mapped[float | None] = mapped_column(Float)
    plu_zone: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    # rules.Circumstance codes (protections, consultations, ABF opinion).
    circumstances: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    pieces_provided: Mapped[str] = mapped_column(Text, nullable=False, default="")
    conformity_case: Mapped[str] = mapped_column(String(40), nullable=False, default="droit_commun")

    # Facts recorded by the service.
    deposit_date: Mapped[date] = mapped_column(Date, nullable=False)
    pieces_request_date: Mapped[date | None] = mapped_column(Date)
    pieces_request_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    completion_date: Mapped[date | None] = mapped_column(Date)
    modification_notified_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    notified_on: Mapped[date | None] = mapped_column(Date)
    display_start: Mapped[date | None] = mapped_column(Date)
    works_started_on: Mapped[date | None] = mapped_column(Date)
    daact_date: Mapped[date | None] = mapped_column(Date)
    conformity_date: Mapped[date | None] = mapped_column(Date)
    tacit_applied_on: Mapped[date | None] = mapped_column(Date)
    prorogations: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    # Legal dates computed by rules/ (dossier.recompute); None when not applicable yet.
    delay_months: Mapped[int | None] = mapped_column(Integer)
    deposit_notice_by: Mapped[date | None] = mapped_column(Date)
    pieces_request_by: Mapped[date | None] = mapped_column(Date)
    pieces_due_by: Mapped[date | None] = mapped_column(Date)
    legal_deadline: Mapped[date | None] = mapped_column(Date, index=True)
    tacit_decision_date: Mapped[date | None] = mapped_column(Date)
    tacit_outcome: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    display_until: Mapped[date | None] = mapped_column(Date)
    validity_end: Mapped[date | None] = mapped_column(Date)
    appeal_end: Mapped[date | None] = mapped_column(Date)
    withdrawal_end: Mapped[date | None] = mapped_column(Date)
    conformity_deadline: Mapped[date | None] = mapped_column(Date)
    explanation: Mapped[str] = mapped_column(Text, nullable=False, default="")

    request = relationship("Request")
    initial_dossier = relationship("Dossier", remote_side=[id])
    parcels = relationship("Parcel", back_populates="dossier", cascade="all, delete-orphan",
                           order_by="Parcel.id")
    consultations = relationship("Consultation", back_populates="dossier", cascade="all, delete-orphan",
                                 order_by="Consultation.id")


class Parcel(TenantMixin, db.Model):
    """A cadastral parcel of the land (section + number)."""

    __tablename__ = "urbanisme_parcel"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("urbanisme_dossier.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    section: Mapped[str] = mapped_column(String(3), nullable=False)
    number: Mapped[str] = mapped_column(String(5), nullable=False)
    area: Mapped[float | None] = mapped_column(Float)

    dossier = relationship("Dossier", back_populates="parcels")

    def __str__(self) -> str:
        return f"{self.section} {self.number}"


class Consultation(TenantMixin, db.Model):
    """A body consulted during the instruction (ABF, SDIS, commission, gestionnaire de réseau…)."""

    __tablename__ = "urbanisme_consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("urbanisme_dossier.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    body: Mapped[str] = mapped_column(String(40), nullable=False)
    sent_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    opinion: Mapped[str] = mapped_column(String(30), nullable=False, default="")

    dossier = relationship("Dossier", back_populates="consultations")


class NumberCounter(TenantMixin, db.Model):
    """Last number given in a commune for a year and a kind (``PC``; ``PC 045 901 26 00012 M`` for a
    permit's modificatifs), taken by :func:`.numbering.next_in_sequence`."""

    __tablename__ = "urbanisme_number_counter"
    __table_args__ = (UniqueConstraint("commune_id", "year", "kind", name="uq_urbanisme_number_counter_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
