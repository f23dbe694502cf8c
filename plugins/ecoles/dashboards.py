"""Indicators of the schools' domain and where they are shown.

Each ``compute(commune, filters)`` runs in the commune (tenancy scoping). The
school-year figures (enrolment, forecast, occupancy) are not tied to a
period: they are about the coming (or current) school year seen from
``filters.today``. They belong to the Affaires scolaires service: a viewer
whose ``filters.service_ids`` excludes it gets nothing.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from grc_core.plugin_api import (
    Citizen, HouseholdLink, IndicatorDecl, IndicatorResult, Request, RequestType, Series, Service, Unit, WidgetDecl,
    db, in_services,
)

from . import rules
from .models import Activity, Enrolment, LevelCapacity, School, SchoolYear
from .request_types import DEROGATION, MOTIFS, SERVICE

PARIS = ZoneInfo("Europe/Paris")
LIVE = ("demandee", "affectee", "admise")
OUTCOMES = (("accordee", _l("Granted")), ("refusee", _l("Refused")), ("en_cours", _l("Under way")))
KINDS = (("cantine", _l("School meals")), ("matin", _l("Morning care")), ("soir", _l("Evening care")),
         ("mercredi", _l("Wednesday care")))
COLUMN = {"cantine": Enrolment.canteen, "matin": Enrolment.matin, "soir": Enrolment.soir,
          "mercredi": Enrolment.mercredi}


def coming_year(today) -> int:
    """Start year of the coming school year: the one after the year in progress."""
    return rules.school_year_of(today).next().start_year


def current_year(today) -> int:
    return rules.school_year_of(today).start_year


def _hidden(filters) -> bool:
    """True when the viewer may not see the Affaires scolaires service's figures."""
    if filters.service_ids is None:
        return False
    service_id = db.session.scalar(select(Service.id).where(Service.code == SERVICE))
    return service_id not in filters.service_ids


def _year_id(start_year: int) -> int | None:
    return db.session.scalar(select(SchoolYear.id).where(SchoolYear.start_year == start_year))


def enrolment_vs_capacity(commune, filters) -> IndicatorResult:
    """Pupils enrolled per school and level for the coming school year, against places."""
    year = coming_year(filters.today)
    note = _("School year %(start)s-%(end)s; enrolments not struck off.", start=year, end=year + 1)
    if _hidden(filters):
        return IndicatorResult(value=None, note=note)
    year_id = _year_id(year)
    enrolled = Counter()
    if year_id is not None:
        enrolled.update({(school_id, level): count for school_id, level, count in db.session.execute(
            select(Enrolment.school_id, Enrolment.level, func.count(Enrolment.id))
            .where(Enrolment.school_year_id == year_id, Enrolment.status.in_(LIVE), Enrolment.school_id.isnot(None))
            .group_by(Enrolment.school_id, Enrolment.level))})
    capacity = {(row.school_id, row.level): row.capacity for row in db.session.scalars(select(LevelCapacity))}
    schools = {s.id: s.name for s in db.session.scalars(select(School))}
    order = {level.value: n for n, level in enumerate(rules.LEVELS)}
    keys = sorted(set(enrolled) | {k for k, v in capacity.items() if v},
                  key=lambda k: (schools.get(k[0], ""), order.get(k[1], 99)))
    categories = tuple((f"{school}:{level}", f"{schools.get(school, '?')} — {rules.Level(level).label}")
                       for school, level in keys)
    return IndicatorResult(
        value=sum(enrolled.values()), categories=categories,
        series=(Series("inscrits", _("Enrolled"), tuple(float(enrolled.get(k, 0)) for k in keys)),
                Series("places", _("Places"), tuple(float(capacity.get(k, 0)) for k in keys))),
        note=note)


def enrolment_by_school(commune, filters) -> IndicatorResult:
    """The same figures added up per school."""
    detail = enrolment_vs_capacity(commune, filters)
    if not detail.series:
        return detail
    totals: dict[str, list] = {}
    labels = {}
    for (key, label), enrolled, places in zip(detail.categories, *(s.values for s in detail.series)):
        school = key.split(":")[0]
        labels[school] = label.split(" — ")[0]
        total = totals.setdefault(school, [0.0, 0.0])
        total[0] += enrolled
        total[1] += places
    keys = list(totals)
    return IndicatorResult(
        value=detail.value, categories=tuple((k, labels[k]) for k in keys),
        series=(Series("inscrits", _("Enrolled"), tuple(totals[k][0] for k in keys)),
                Series("places", _("Places"), tuple(totals[k][1] for k in keys))),
        note=detail.note)


def petite_section_forecast(commune, filters) -> IndicatorResult:
    """Children of the commune's households born three years before the coming
    rentrée: the petite section of next year (L131-5), per quartier."""
    year = coming_year(filters.today)
    birth_year = year - 3
    note = _("Children born in %(birth_year)s attached to a household of the commune: petite section %(start)s-%(end)s.",
             birth_year=birth_year, start=year, end=year + 1)
    if _hidden(filters):
        return IndicatorResult(value=None, note=note)
    with_parent = select(HouseholdLink.citizen_id).where(HouseholdLink.relation == "parent")
    rows = db.session.execute(
        select(Citizen.quartier, func.count(Citizen.id))
        .where(Citizen.birth_date >= datetime(birth_year, 1, 1).date(),
               Citizen.birth_date <= datetime(birth_year, 12, 31).date(),
               Citizen.merged_into_id.is_(None), Citizen.id.in_(with_parent))
        .group_by(Citizen.quartier).order_by(Citizen.quartier)).all()
    categories = tuple((quartier or "-", quartier or "Sans quartier") for quartier, _count in rows)
    return IndicatorResult(value=sum(count for _q, count in rows), categories=categories,
                           series=(Series("enfants", _("Children"), tuple(float(c) for _q, c in rows)),), note=note)


def _local_midnight(day) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(timezone.utc)


def derogations(commune, filters) -> IndicatorResult:
    """Dérogation requests received in the period, by reason and outcome."""
    from datetime import timedelta

    statement = (select(Request.data, Request.state).join(RequestType, RequestType.id == Request.request_type_id)
                 .where(RequestType.code == DEROGATION,
                        Request.received_at >= _local_midnight(filters.start),
                        Request.received_at < _local_midnight(filters.end + timedelta(days=1))))
    if filters.service_ids is not None:
        statement = statement.where(in_services(Request.service_id, filters.service_ids))
    counts = Counter()
    for data, state in db.session.execute(statement):
        outcome = state if state in ("accordee", "refusee") else "en_cours"
        counts[((data or {}).get("motif") or "", outcome)] += 1
    reasons = [(code, label) for code, label in MOTIFS]
    return IndicatorResult(
        value=sum(counts.values()), categories=tuple(reasons),
        series=tuple(Series(outcome, label, tuple(float(counts[(code, outcome)]) for code, _l2 in reasons))
                     for outcome, label in OUTCOMES),
        note=_("Dérogation requests received over the period, by reason and outcome."))


def occupancy(commune, filters) -> IndicatorResult:
    """Registered children against places, per service, for the school year in progress."""
    year = current_year(filters.today)
    note = _("School year %(start)s-%(end)s; occupancy of school meals as the main value.", start=year, end=year + 1)
    if _hidden(filters):
        return IndicatorResult(value=None, note=note)
    year_id = _year_id(year)
    taken, places = [], []
    for kind, _label in KINDS:
        places.append(float(db.session.scalar(select(func.coalesce(func.sum(Activity.capacity), 0))
                                              .where(Activity.kind == kind, Activity.school_year_id == year_id))))
        taken.append(float(db.session.scalar(select(func.count(Enrolment.id)).where(
            Enrolment.school_year_id == year_id, Enrolment.status.in_(LIVE), COLUMN[kind].is_(True))) or 0))
    rate = round(100 * taken[0] / places[0], 1) if places[0] else None
    return IndicatorResult(value=rate, categories=KINDS,
                           series=(Series("inscrits", _("Enrolled"), tuple(taken)),
                                   Series("places", _("Places"), tuple(places))), note=note)


def indicators() -> list[IndicatorDecl]:
    return [
        IndicatorDecl("ecoles.effectifs", _l("Enrolment per school and level, coming school year"),
                      Unit(_l("pupil"), _l("pupils")), compute=enrolment_vs_capacity,
                      dimensions=("school", "level", "now"),
                      description=_l("Pupils enrolled for the coming school year against the places of each level.")),
        IndicatorDecl("ecoles.effectifs_ecole", _l("Enrolment per school, coming school year"),
                      Unit(_l("pupil"), _l("pupils")), compute=enrolment_by_school, dimensions=("school", "now"),
                      description=_l("Pupils enrolled for the coming school year against each school's places.")),
        IndicatorDecl("ecoles.prevision_ps", _l("Forecast of next year's petite section"),
                      Unit(_l("child"), _l("children")), compute=petite_section_forecast,
                      dimensions=("quartier", "now"),
                      description=_l("Children of the commune's households born three years before the coming "
                                     "rentrée.")),
        IndicatorDecl("ecoles.derogations", _l("Dérogations by reason and outcome"),
                      Unit(_l("request"), _l("requests")), compute=derogations, dimensions=("reason", "outcome"),
                      description=_l("Requests for a change of school sector received in the period.")),
        IndicatorDecl("ecoles.occupation", _l("Canteen and after-school occupancy"), "%",
                      compute=occupancy, dimensions=("service", "now"),
                      description=_l("Children registered against places, school year in progress.")),
    ]


def widgets() -> list[WidgetDecl]:
    return [
        WidgetDecl("ecoles.effectifs_nombre", _l("Pupils enrolled for the coming school year"), "ecoles.effectifs_ecole",
                   "number", dashboard="ecoles", order=10),
        WidgetDecl("ecoles.effectifs_ecoles", _l("Enrolment per school against places"), "ecoles.effectifs_ecole",
                   "bar", dashboard="ecoles", order=20),
        WidgetDecl("ecoles.effectifs_niveaux", _l("Enrolment per school and level against places"),
                   "ecoles.effectifs", "table", dashboard="ecoles", order=30),
        WidgetDecl("ecoles.prevision_ps_nombre", _l("Expected petite section next year"), "ecoles.prevision_ps",
                   "number", dashboard="ecoles", order=40),
        WidgetDecl("ecoles.derogations_motifs", _l("Dérogations by reason and outcome"), "ecoles.derogations",
                   "stacked", dashboard="ecoles", order=50),
        WidgetDecl("ecoles.occupation_services", _l("Canteen and after-school occupancy"), "ecoles.occupation",
                   "bar", dashboard="ecoles", order=60),
        WidgetDecl("ecoles.effectifs_strategique", _l("Pupils enrolled for the coming school year"),
                   "ecoles.effectifs_ecole", "number", dashboard="strategic", order=80),
    ]
