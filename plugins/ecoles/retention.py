"""RGPD: the family's quotient familial is kept only while it is of use.

The QF serves to compute the canteen tariff of one school year; the CNIL has
no référentiel for it (§5.3: "make it configurable per plugin"). It is
cleared from enrolments whose school year ended at least
``ecoles.conservation_qf_annees`` years ago (default 2: the year's invoices
and their disputes). The enrolment itself — the school record — stays.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grc_core.plugin_api import RetentionCandidate, RetentionPolicyDecl, db

from .models import Enrolment, SchoolYear
from .settings import KEEP_YEARS


def _end(year: SchoolYear) -> date:
    return year.end or date(year.start_year + 1, 8, 31)


def _years(commune) -> int:
    try:
        return max(int((commune.settings or {}).get(KEEP_YEARS.code, KEEP_YEARS.default)), 0)
    except (TypeError, ValueError):
        return KEEP_YEARS.default


def quotients_due(commune, today: date) -> list[RetentionCandidate]:
    keep = _years(commune)
    due = []
    rows = db.session.execute(select(Enrolment.id, SchoolYear).join(SchoolYear, SchoolYear.id == Enrolment.school_year_id)
                              .where(Enrolment.quotient_familial.isnot(None)).order_by(Enrolment.id))
    for enrolment_id, year in rows:
        end = _end(year)
        due_on = date(end.year + keep, end.month, min(end.day, 28) if end.month == 2 else end.day)
        if due_on <= today:
            due.append(RetentionCandidate(str(enrolment_id), _("Enrolment no. %(number)s — year %(year)s",
                                                                   number=enrolment_id, year=year.label), due_on))
    return due


def clear_quotients(commune, keys) -> int:
    ids = [int(key) for key in keys]
    changed = 0
    for enrolment in db.session.scalars(select(Enrolment).where(Enrolment.id.in_(ids))):
        if enrolment.quotient_familial is not None:
            enrolment.quotient_familial = None
            changed += 1
    return changed


def policies() -> list[RetentionPolicyDecl]:
    return [RetentionPolicyDecl(
        "ecoles.quotients", _l("Quotient familial of school enrolments"),
        _l("Removed from enrolments two years (adjustable) after the end of the school year; the enrolment is "
           "kept."),
        candidates=quotients_due, anonymise=clear_quotients)]
