"""What the law says about one request's data: the bridge between the stored
form data (plain JSON) and the pure rules of ``rules/``.

Used by the submission validator, the transition guards, the request panels
and the indicators; no database access here either, only the commune's
settings (read from the commune object passed in).
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import FieldError, age_on

from . import rules
from . import request_types as rt
from .dates import day_in_words
from . import settings as st


def as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


# --- demande d'acte ------------------------------------------------------------------

# The register of an act is closed at the end of the year of the act (registres annuels).
_ACT_DATE = {
    rules.ActKind.NAISSANCE: rules.RequestField.DATE_NAISSANCE,
    rules.ActKind.MARIAGE: rules.RequestField.DATE_MARIAGE,
    rules.ActKind.RECONNAISSANCE: rules.RequestField.DATE_RECONNAISSANCE,
    rules.ActKind.DECES: rules.RequestField.DATE_DECES,
}


def register_closed_on(data) -> date | None:
    """31 December of the act's year: civil-status registers are closed yearly."""
    day = act_date(data)
    return date(day.year, 12, 31) if day else None


def act_date(data) -> date | None:
    """The date of the act asked (birth, marriage, reconnaissance, death), if given."""
    try:
        return as_date(data.get(str(_ACT_DATE[rules.ActKind(data.get("acte"))])))
    except ValueError:
        return None


def person_died_on(data) -> date | None:
    """The death of the person the act concerns, asked for the acts it opens (C. patr. L213-2)."""
    return as_date(data.get(rt.DEATH_FIELD)) if data.get("acte") in rt.ARCHIVE_ACTS else None


def acte_eligibility(data, commune, today: date) -> rules.Eligibility:
    """``rules.check_eligibility`` on the request's data and the commune's settings."""
    return rules.check_eligibility(rules.EligibilityInput(
        data.get("acte"), data.get("document"), data.get("qualite"),
        register_closed_on=register_closed_on(data), today=today, person_died_on=person_died_on(data),
        administration_legal_basis=data.get("base_legale") or None,
        avocat_client_quality=data.get("qualite_client") or None,
        genealogist_archives_authorisation=bool(data.get("autorisation_archives")),
        genealogist_mandate=bool(data.get("mandat_genealogiste")),
        minor_may_obtain_extrait_avec_filiation=bool(st.value(commune, st.MINOR_EXTRAIT_FILIATION)),
        minor_may_obtain_reconnaissance_copy=bool(st.value(commune, st.MINOR_RECONNAISSANCE_COPY)),
        plurilingue_as=st.value(commune, st.PLURILINGUE_AS),
    ))


def acte_missing_fields(data, commune) -> list[str]:
    """Labels of the fields décret 2017-890 art. 29 requires for this document and are empty."""
    try:
        required = rules.required_fields(
            data.get("acte"), data.get("document"), single_parent=bool(data.get("filiation_unique")),
            plurilingue_as=st.value(commune, st.PLURILINGUE_AS))
    except ValueError:
        return []  # the document does not exist for the act: the eligibility check says so
    return [str(rt.FIELD_LABELS[name]) for name in required if not data.get(str(name))]


def validate_acte(data, commune, today: date) -> list[str]:
    if not data.get("acte") or not data.get("document") or not data.get("qualite"):
        return []  # the form already reports the missing choice
    died_on = person_died_on(data)
    if died_on is not None:
        death = rules.check_person_death_date(data["acte"], died_on, act_on=act_date(data), today=today)
        if not death.allowed:
            return [FieldError(rt.DEATH_FIELD, str(death.reason))]
    outcome = acte_eligibility(data, commune, today)
    if not outcome.allowed:
        if died_on is None and data["acte"] in rt.ARCHIVE_ACTS and register_closed_on(data) is not None:
            # The 25 years after the death may open the act: say where to give that date.
            return [str(outcome.reason), FieldError(rt.DEATH_FIELD, _(
                "If the person concerned has died, give the date of death: the act is open to anyone 25 years "
                "after it (code du patrimoine, art. L213-2)."))]
        return [str(outcome.reason)]
    errors = []
    missing = acte_missing_fields(data, commune)
    if missing:
        errors.append(_("For this document, also fill in: %(fields)s.", fields=", ".join(missing)))
    if data.get("delivrance") == "courrier" and not data.get(str(rules.RequestField.DEMANDEUR_ADRESSE)):
        errors.append(_("Give the postal address the act will be sent to."))
    return errors


# --- marriage and PACS ------------------------------------------------------------

def stale_pieces(data, prefixes, on_date: date, commune) -> list[str]:
    """French sentences about birth-act copies too old on ``on_date`` (DR §1.6)."""
    months = int(st.value(commune, st.PIECE_MONTHS))
    months_abroad = int(st.value(commune, st.PIECE_MONTHS_ABROAD))
    problems = []
    for prefix, who in prefixes:
        issued = as_date(data.get(f"{prefix}_acte_du"))
        if issued is None:
            continue
        abroad = bool(data.get(f"{prefix}_acte_etranger"))
        if issued > on_date:
            problems.append(_("The copy of the birth act of %(who)s is dated after %(day)s.", who=who,
                              day=day_in_words(on_date)))
        elif not rules.piece_is_fresh(issued, on_date, abroad, max_months=months, max_months_abroad=months_abroad):
            problems.append(_("The copy of the birth act of %(who)s, issued on %(issued)s, is more than %(months)s "
                              "months old on %(day)s: ask for a recent copy.", who=who,
                              issued=day_in_words(issued), months=months_abroad if abroad else months,
                              day=day_in_words(on_date)))
    return problems


MARIAGE_PARTIES = (("epoux1", _l("the first spouse")), ("epoux2", _l("the second spouse")))
PACS_PARTIES = (("partenaire1", _l("the first partner")), ("partenaire2", _l("the second partner")))


def validate_mariage(data, commune, today: date) -> list[str]:
    deposit = as_date(data.get("date_depot"))
    if deposit is None:
        return []
    errors = stale_pieces(data, MARIAGE_PARTIES, deposit, commune)
    if data.get("lien_commune") in ("residence", "residence_parent") and not data.get("residence_depuis"):
        errors.append(_("Give the date the residence in the commune began."))
    return errors


def validate_pacs(data, commune, today: date) -> list[str]:
    registration = as_date(data.get("date_enregistrement"))
    return stale_pieces(data, PACS_PARTIES, registration, commune) if registration else []


# --- other procedures -------------------------------------------------------------

def validate_reconnaissance(data, commune, today: date) -> list[str]:
    if data.get("moment") == "anticipee" and not data.get("terme_prevu"):
        return [_("For a reconnaissance before the birth, give the expected date of delivery.")]
    if data.get("moment") in ("naissance", "posterieure") and not (
            data.get("enfant_prenoms") and data.get("enfant_date_naissance")):
        return [_("Give the child's first names and date of birth.")]
    return []


def validate_livret(data, commune, today: date) -> list[str]:
    if not data.get("demandeur"):
        return []
    outcome = rules.check_livret_duplicata(data["demandeur"],
                                           procureur_agreement=bool(data.get("accord_procureur")))
    return [] if outcome.allowed else [str(outcome.reason)]


def birth_declaration(data, commune) -> rules.Eligibility | None:
    born, declared = as_date(data.get("date_naissance")), as_date(data.get("date_declaration"))
    if born is None or declared is None or declared < born:
        return None
    return rules.check_birth_declaration(born, declared, remote_commune=bool(st.value(commune, st.REMOTE_COMMUNE)))


def birth_deadline(data, commune) -> date | None:
    born = as_date(data.get("date_naissance"))
    if born is None:
        return None
    return rules.birth_declaration_deadline(born, remote_commune=bool(st.value(commune, st.REMOTE_COMMUNE)))


def validate_naissance(data, commune, today: date) -> list[str]:
    # A late declaration is filed (and flagged): the officer orients it to the tribunal.
    born, declared = as_date(data.get("date_naissance")), as_date(data.get("date_declaration"))
    if born and declared and declared < born:
        return [_("The declaration cannot be dated before the birth.")]
    if born and born > today:
        return [_("The date of birth is in the future.")]
    return []


def recensement_status(data, on_date: date):
    born = as_date(data.get("jeune_date_naissance"))
    if born is None:
        return None
    try:
        return rules.recensement_status(born, on_date, french_since=as_date(data.get("francais_depuis")))
    except ValueError:
        return rules.RecensementStatus.HORS_DELAI


def validate_recensement(data, commune, today: date) -> list[str]:
    born = as_date(data.get("jeune_date_naissance"))
    if born is None:
        return []
    status = recensement_status(data, today)
    if status is rules.RecensementStatus.TROP_TOT:
        window = rules.recensement_window(born, french_since=as_date(data.get("francais_depuis")))
        return [_("Too early: the recensement is possible from %(day)s (16th birthday).",
                  day=day_in_words(window.opens_on))]
    if status is rules.RecensementStatus.HORS_DELAI:
        return [_("From the 25th birthday the recensement is no longer possible: the person is no longer "
                  "subject to it (code du service national, art. L113-1).")]
    return []


def validate_prenom(data, commune, today: date) -> list[str]:
    born = as_date(data.get("beneficiaire_date_naissance"))
    if born and rules.child_consent_required(born, today) and age_on(born, today) < 18 \
            and not data.get("consentement_enfant"):
        return [_("The person concerned is 13 or older: their personal consent is required (code civil, "
                  "art. 60).")]
    return []


def validate_nom(data, commune, today: date) -> list[str]:
    born = as_date(data.get("demandeur_date_naissance"))
    if born is None:
        return []
    outcome = rules.check_simplified_name_change(born, today,
                                                 already_used_simplified_procedure=bool(data.get("deja_utilise")))
    return [] if outcome.allowed else [str(outcome.reason)]


VALIDATORS = {
    rt.ACTE: validate_acte, rt.MARIAGE: validate_mariage, rt.PACS: validate_pacs,
    rt.RECONNAISSANCE: validate_reconnaissance, rt.LIVRET: validate_livret, rt.NAISSANCE: validate_naissance,
    rt.RECENSEMENT: validate_recensement, rt.PRENOM: validate_prenom, rt.NOM: validate_nom,
}


def validate(code: str, data, commune, today: date) -> list[str] | None:
    validator = VALIDATORS.get(code)
    return None if validator is None else validator(data, commune, today)
