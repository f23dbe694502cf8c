"""The CCAS's own tables: what a request's form cannot hold.

- ``social_registre_inscription``: the register of vulnerable persons — only
  the fields of CASF R121-2 s. (``rules.REGISTER_FIELDS``), no health data;
  deleted when the person is radiated (the register keeps only who is
  registered, retention policy ``social.registre``);
- ``social_alerte``: a plan d'alerte et d'urgence declared by the préfet
  (canicule, grand froid): the préfet's export of the register is possible
  only while one is in force;
- ``social_aide_accordee``: optional aid granted (amount, household member,
  date, payment), for the yearly ceiling per household and the dashboards.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from grc_core.plugin_api import TenantMixin, db, utcnow


class RegisterEntry(TenantMixin, db.Model):
    """One person registered (rules.REGISTER_FIELDS, nothing else)."""

    __tablename__ = "social_registre_inscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id", ondelete="SET NULL"), index=True)
    nom: Mapped[str] = mapped_column(String(120), nullable=False)
    prenoms: Mapped[str] = mapped_column(String(120), nullable=False)
    date_naissance: Mapped[date] = mapped_column(Date, nullable=False)
    qualite: Mapped[str] = mapped_column(String(1), nullable=False)
    adresse: Mapped[str] = mapped_column(String(250), nullable=False, default="")
    telephone: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    service_aide_domicile: Mapped[str] = mapped_column(String(250), nullable=False, default="")
    personne_a_prevenir: Mapped[str] = mapped_column(String(250), nullable=False, default="")
    date_demande: Mapped[date] = mapped_column(Date, nullable=False)
    tiers_nom: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    tiers_qualite: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    inscrit_le: Mapped[date] = mapped_column(Date, nullable=False)


class Alert(TenantMixin, db.Model):
    """A plan d'alerte et d'urgence triggered by the préfet (ended_on None: in force)."""

    __tablename__ = "social_alerte"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    reference: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AidGrant(TenantMixin, db.Model):
    """An optional aid granted by the commission (the request's ``accorder``)."""

    __tablename__ = "social_aide_accordee"
    __table_args__ = (Index("ix_social_aide_accordee_citizen", "commune_id", "citizen_id", "kind", "granted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id", ondelete="SET NULL"), index=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    granted_on: Mapped[date] = mapped_column(Date, nullable=False)
    paid_on: Mapped[date | None] = mapped_column(Date)
