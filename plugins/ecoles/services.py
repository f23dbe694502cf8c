"""What the hooks do with the commune's data: the lookups that checks.py,
guards.py and panels.py share, and the reactions to submissions and
transitions. The legal decisions are made by ``rules`` (pure); this module
only reads and writes rows. Every query runs in the current commune (tenancy
scoping of the ORM).
"""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from grc_core.plugin_api import Citizen, HouseholdLink, db

from . import rules
from .models import Activity, Enrolment, School, SchoolYear, SectorStreet, TariffGrid
from .request_types import CHANGEMENT, DEROGATION, INSCRIPTION, RADIATION, RESTAURATION

ACTIVITY_FLAGS = ("cantine", "matin", "soir", "mercredi")
# Enrolment column of each activity kind.
FLAG_COLUMN = {"cantine": "canteen", "matin": "matin", "soir": "soir", "mercredi": "mercredi"}
ACTIVITY_NAMES = {"cantine": _l("school meals"), "matin": _l("morning care"), "soir": _l("evening care"),
                  "mercredi": _l("Wednesday care")}
LIVE = ("demandee", "affectee", "admise")


# --- reading the reference data -----------------------------------------------------

def school_year_row(start_year) -> SchoolYear | None:
    """The commune's school year starting in ``start_year`` (a form's value: a
    number, or its text from a hook's raw data — PostgreSQL compares no
    integer column with text)."""
    try:
        start_year = int(start_year)
    except (TypeError, ValueError):
        return None
    return db.session.scalar(select(SchoolYear).where(SchoolYear.start_year == start_year))


def ensure_school_year(start_year: int) -> SchoolYear:
    row = school_year_row(start_year)
    if row is None:
        row = SchoolYear(start_year=start_year)
        db.session.add(row)
        db.session.flush()
    return row


def rule_year(start_year: int) -> rules.SchoolYear:
    row = school_year_row(start_year)
    return row.as_rule() if row is not None else rules.SchoolYear(start_year)


def carte_scolaire(level: str | None = None) -> list[rules.SectorRule]:
    """The carte scolaire; for a level, only the lines of schools taking it
    (a street has a maternelle sector and an élémentaire sector)."""
    rows = db.session.scalars(select(SectorStreet).join(School, School.id == SectorStreet.school_id)
                              .where(School.active.is_(True)))
    return [row.as_rule() for row in rows if not level or row.school.accepts(level)]


def in_commune_language(text) -> str:
    """A rule's explanation as it is stored: in the commune's language (docs/translations.md)."""
    with force_locale(current_app.config["GRC"]["DEFAULT_LOCALE"]):
        return str(text)


def sector_of(street: str, number, level: str | None = None) -> tuple[School | None, object]:
    """The sector school of an address and, when there is none, why (manual assignment: a rule's message,
    translated when shown)."""
    found = rules.sector_school(carte_scolaire(level), street, number)
    if not found.found:
        return None, found.message
    return db.session.get(School, int(found.school_code)), ""


def find_school(text: str) -> School | None:
    key = rules.normalize_street(text)
    for school in db.session.scalars(select(School).where(School.active.is_(True))):
        if key and key in (rules.normalize_street(school.code), rules.normalize_street(school.name)):
            return school
    return None


def enrolled_count(school_id: int, school_year_id: int, level: str | None = None) -> int:
    statement = select(func.count(Enrolment.id)).where(
        Enrolment.school_id == school_id, Enrolment.school_year_id == school_year_id, Enrolment.status.in_(LIVE))
    if level:
        statement = statement.where(Enrolment.level == level)
    return db.session.scalar(statement) or 0


def tps_places_left(school_year_id: int | None, data=None) -> int:
    """Places left in toute petite section: in the sector school of the
    form's address when the carte scolaire finds one, else over the commune."""
    tps = rules.Level.TOUTE_PETITE_SECTION.value
    sector = None
    if data and data.get("adresse_voie"):
        sector, _message = sector_of(data.get("adresse_voie"), data.get("adresse_numero"), tps)
    left = 0
    schools = [sector] if sector is not None else db.session.scalars(select(School).where(School.active.is_(True)))
    for school in schools:
        capacity = school.capacity_for(rules.Level.TOUTE_PETITE_SECTION.value)
        taken = enrolled_count(school.id, school_year_id, rules.Level.TOUTE_PETITE_SECTION.value) \
            if school_year_id else 0
        left += max(capacity - taken, 0)
    return left


def activity_taken(activity: Activity, *, excluding: int | None = None) -> int:
    column = getattr(Enrolment, FLAG_COLUMN[activity.kind])
    statement = select(func.count(Enrolment.id)).where(
        Enrolment.school_id == activity.school_id, Enrolment.school_year_id == activity.school_year_id,
        Enrolment.status.in_(LIVE), column.is_(True))
    if excluding is not None:
        statement = statement.where(Enrolment.id != excluding)
    return db.session.scalar(statement) or 0


def activity_of(kind: str, school_id: int, school_year_id: int) -> Activity | None:
    return db.session.scalar(select(Activity).where(
        Activity.kind == kind, Activity.school_id == school_id, Activity.school_year_id == school_year_id))


def grid_for(kind: str, school_year_id: int, activity: Activity | None = None) -> TariffGrid | None:
    if activity is not None and activity.grid is not None:
        return activity.grid
    grids = list(db.session.scalars(select(TariffGrid).where(TariffGrid.kind == kind).order_by(TariffGrid.id)))
    for grid in grids:
        if grid.school_year_id == school_year_id:
            return grid
    return next((grid for grid in grids if grid.school_year_id is None), None)


def tranche_for(qf, grid: TariffGrid | None, *, without_qf: str = "tranche_haute") -> rules.Tranche | None:
    """The household's tranche (rules.tariff_for); without a QF (or in a gap
    of the grid) the highest one, unless the commune's setting
    ``ecoles.tarif_sans_qf`` says "aucun"."""
    if grid is None or not grid.tranches:
        return None
    rule_grid = grid.as_rule()
    found = rules.tariff_for(qf, rule_grid) if qf is not None else None
    if found is None and without_qf == "tranche_haute":
        found = max(rule_grid.tranches, key=lambda t: t.qf_min)
    return found


def no_qf_policy(commune) -> str:
    """The commune's setting ``ecoles.tarif_sans_qf`` (default: the highest tranche)."""
    return (getattr(commune, "settings", None) or {}).get("ecoles.tarif_sans_qf", "tranche_haute")


# --- children and their enrolments --------------------------------------------------

def _birth(data) -> date | None:
    try:
        return date.fromisoformat(data.get("enfant_naissance") or "")
    except (TypeError, ValueError):
        return None


def _same_name(a: str, b: str) -> bool:
    return rules.normalize_street(a) == rules.normalize_street(b)


def children_of(parent: Citizen) -> list[Citizen]:
    return list(db.session.scalars(
        select(Citizen).join(HouseholdLink, HouseholdLink.relative_id == Citizen.id)
        .where(HouseholdLink.citizen_id == parent.id, HouseholdLink.relation == "child")
        .order_by(Citizen.birth_date, Citizen.first_name)))


def responsables_of(child: Citizen) -> list[Citizen]:
    """The child's parents in the household links (the responsables of D131-3-1)."""
    return list(db.session.scalars(
        select(Citizen).join(HouseholdLink, HouseholdLink.relative_id == Citizen.id)
        .where(HouseholdLink.citizen_id == child.id, HouseholdLink.relation == "parent").order_by(Citizen.last_name)))


def find_child(data, parent: Citizen | None = None) -> Citizen | None:
    """The child the form names: among the parent's children first, else any
    citizen of the commune with that name and birth date."""
    birth = _birth(data)
    first, last = data.get("enfant_prenom") or "", data.get("enfant_nom") or ""
    candidates = children_of(parent) if parent is not None else []
    candidates += list(db.session.scalars(select(Citizen).where(Citizen.birth_date == birth,
                                                                Citizen.merged_into_id.is_(None))))
    for child in candidates:
        if child.birth_date == birth and _same_name(child.first_name, first) and _same_name(child.last_name, last):
            return child
    return None


def find_or_create_child(data, parent: Citizen | None) -> Citizen:
    child = find_child(data, parent)
    if child is None:
        child = Citizen(first_name=data["enfant_prenom"].strip(), last_name=data["enfant_nom"].strip(),
                        birth_date=_birth(data))
        if parent is not None:
            child.address_number, child.address_street = parent.address_number, parent.address_street
            child.postcode, child.city, child.quartier = parent.postcode, parent.city, parent.quartier
        db.session.add(child)
        db.session.flush()
    if parent is not None and child.id not in {c.id for c in children_of(parent)}:
        db.session.add_all([
            HouseholdLink(citizen_id=parent.id, relative_id=child.id, relation="child"),
            HouseholdLink(citizen_id=child.id, relative_id=parent.id, relation="parent"),
        ])
    return child


def enrolment_of(child_id: int, school_year_id: int) -> Enrolment | None:
    """The child's live enrolment for the year (the most recent one)."""
    return db.session.scalar(select(Enrolment).where(
        Enrolment.child_id == child_id, Enrolment.school_year_id == school_year_id, Enrolment.status.in_(LIVE),
    ).order_by(Enrolment.id.desc()).limit(1))


def enrolment_of_request(request_id: int) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(Enrolment.request_id == request_id)
                             .order_by(Enrolment.id.desc()).limit(1))


def known_enrolment(data, statuses=LIVE) -> Enrolment | None:
    """The enrolment of the child and year a form names (most recent first)."""
    child = find_child(data)
    year = school_year_row(data.get("annee_scolaire") or 0)
    if child is None or year is None:
        return None
    return db.session.scalar(select(Enrolment).where(
        Enrolment.child_id == child.id, Enrolment.school_year_id == year.id, Enrolment.status.in_(statuses),
    ).order_by(Enrolment.id.desc()).limit(1))


# --- validation (grc_validate_request) -----------------------------------------------

def level_for_form(data) -> tuple[rules.Level | None, str]:
    """The level of the child the form names, or the French reason why none."""
    birth = _birth(data)
    year_number = data.get("annee_scolaire")
    if birth is None or not year_number:
        return None, ""
    if birth > date.today():
        return None, _("The child's date of birth is in the future.")
    year = rule_year(int(year_number))
    level = rules.level_for(birth, year)
    if isinstance(level, rules.Level):
        return level, ""
    if level.code is rules.NotInPrimaryCode.TPS_SOUS_RESERVE_DE_PLACES:
        if not data.get("toute_petite_section"):
            return None, _("The child will be 2 at the rentrée: tick « Request for the toute petite section » for an "
                           "admission within the places available (%(reason)s)", reason=str(level.reason))
        row = school_year_row(int(year_number))
        if tps_places_left(row.id if row else None, data) <= 0:
            return None, _("No place left in toute petite section for the year %(year)s: the child will be "
                           "welcomed in petite section at the rentrée %(rentree)s.", year=year.label,
                           rentree=birth.year + 3)
        return rules.Level.TOUTE_PETITE_SECTION, ""
    return None, _("No level at primary school for this child: %(reason)s", reason=str(level.reason))


def activities_requested(data) -> list[str]:
    return [kind for kind in ACTIVITY_FLAGS if data.get(kind)]


def capacity_problems(enrolment: Enrolment, kinds) -> list[str]:
    """Refusals allowed by law: only for a service at capacity (L131-13 for
    the canteen), and a service the school does not offer."""
    problems = []
    for kind in kinds:
        if getattr(enrolment, FLAG_COLUMN[kind]):
            continue  # already registered: keeps the place
        activity = activity_of(kind, enrolment.school_id, enrolment.school_year_id)
        if activity is None:
            problems.append(_("The school %(school)s does not offer %(activity)s.", school=enrolment.school.name,
                              activity=ACTIVITY_NAMES[kind]))
            continue
        taken = activity_taken(activity)
        refusal = rules.canteen_refusal_allowed if kind == "cantine" else rules.periscolaire_refusal_allowed
        if refusal(taken, activity.capacity):
            problems.append(_("No place left for %(activity)s at the school %(school)s (%(taken)s enrolled for "
                              "%(capacity)s places).", activity=ACTIVITY_NAMES[kind], school=enrolment.school.name,
                              taken=taken, capacity=activity.capacity))
    return problems


# --- submission (grc_request_submitted) -------------------------------------------------

def submitted(request) -> None:
    code = request.request_type.code
    data = request.data or {}
    if code in (INSCRIPTION, CHANGEMENT):
        child = find_or_create_child(data, request.citizen)
        year = ensure_school_year(int(data["annee_scolaire"]))
        level, _reason = level_for_form(data)
        school, message = sector_of(data.get("adresse_voie"), data.get("adresse_numero"),
                                    level.value if level else None)
        db.session.add(Enrolment(child_id=child.id, school_year_id=year.id, level=level.value,
                                 school_id=school.id if school else None, status="demandee",
                                 request_id=request.id, sector_message=in_commune_language(message)))
        if message and has_request_context():
            flash(_("Catchment area: %(message)s.", message=str(message)), "warning")
    elif code == DEROGATION:
        find_or_create_child(data, request.citizen)


# --- workflow effects (grc_request_transitioned) ----------------------------------------

def transitioned(request, transition, commune=None) -> None:
    code = request.request_type.code
    data = request.data or {}
    day = date.today()
    if code in (INSCRIPTION, CHANGEMENT):
        enrolment = enrolment_of_request(request.id)
        if enrolment is None:
            return
        if transition.code == "affecter":
            enrolment.status, enrolment.assigned_on = "affectee", day
            if code == CHANGEMENT:
                for previous in db.session.scalars(select(Enrolment).where(and_(
                        Enrolment.child_id == enrolment.child_id, Enrolment.id != enrolment.id,
                        Enrolment.school_year_id == enrolment.school_year_id, Enrolment.status.in_(LIVE)))):
                    previous.status, previous.radiated_on = "radiee", day
                    # The canteen and after-school places follow the child.
                    for kind, column in FLAG_COLUMN.items():
                        setattr(enrolment, column, getattr(previous, column) or getattr(enrolment, column))
        elif transition.code == "admettre":
            enrolment.status = "admise"
        elif transition.code == "classer":
            enrolment.status = "radiee"
    elif code == DEROGATION and transition.code == "accorder" and data.get("perimetre") in ("intra", "entrante"):
        # The maire's decision: the child goes to the requested school.
        school = find_school(data.get("ecole_demandee") or "")
        level, _reason = level_for_form({**data, "toute_petite_section": True})
        if school is None or level is None:
            return
        enrolment = known_enrolment(data)
        if enrolment is None:
            child = find_or_create_child(data, request.citizen)
            year = ensure_school_year(int(data["annee_scolaire"]))
            enrolment = Enrolment(child_id=child.id, school_year_id=year.id, level=level.value, request_id=request.id)
            db.session.add(enrolment)
        enrolment.school_id, enrolment.status, enrolment.assigned_on = school.id, "affectee", day
        enrolment.sector_message = f"dérogation accordée (demande {request.reference})"
    elif code == RESTAURATION and transition.code == "inscrire":
        enrolment = known_enrolment(data)
        for kind in activities_requested(data):
            setattr(enrolment, FLAG_COLUMN[kind], True)
        qf = data.get("quotient_familial")
        enrolment.quotient_familial = qf
        if enrolment.canteen:
            grid = grid_for("cantine", enrolment.school_year_id,
                            activity_of("cantine", enrolment.school_id, enrolment.school_year_id))
            tranche = tranche_for(qf, grid, without_qf=no_qf_policy(commune))
            if tranche is not None:
                enrolment.tariff_label, enrolment.tariff_price = tranche.name, tranche.price
    elif code == RADIATION and transition.code == "radier":
        enrolment = known_enrolment(data)
        enrolment.status = "radiee"
        enrolment.radiated_on = date.fromisoformat(data.get("date_radiation") or day.isoformat())
