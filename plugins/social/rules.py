"""Pure business rules of the social (CCAS / CIAS) plugin.

Everything here is a pure function of plain values (``datetime.date``, ``int``,
``Decimal``, ``bool``, ``StrEnum`` members, frozen dataclasses): no database, no
Flask.  Standard library only, plus the shared calendar helpers of
:mod:`grc_core.plugin_api` (the only ``grc_core`` import allowed here).

Sources are the rows of ``shared/reference/domain_rules.md (the project's legal reference)`` (cited as
"§4.2 'Refusal'", i.e. section and the row's first cell), which themselves cite
the CASF / CRPA / RGPD articles.  Where a row is below confidence **A**, the
value is exposed as a parameter with a documented default, so that a commune
can correct it.

Date conventions (used by every function below)
-----------------------------------------------
* **Months** are calendar months, computed by
  :func:`grc_core.plugin_api.add_months` only: same day number in the target
  month, clamped to the month's last day when that day does not exist
  (31 January + 1 month = 28 February, or 29 in a leap year).
  This is the rule of CPC art. 641 al. 2 ("à défaut d'un quantième identique,
  le délai expire le dernier jour du mois") and of EU reg. 1182/71 art. 3-2 c)
  for GDPR periods.  A year is 12 months.
* **Deadlines** ("within N months / days of X"): the day of X does not count,
  the period expires at the end of the day returned, which is therefore the
  *last day on which acting is on time* (CPC art. 640-641).  No shift to the
  next working day is applied (the administrative periods of §0 / §4 are not
  extended for week-ends or holidays here; a caller may shift if it wants).
* **Ends of periods** ("after 3 months without contact", "2 years after the
  last contact"): the functions return the *first day on which the
  consequence applies*, i.e. the day after the period expired.
* **Ages** are counted birthday to birthday with
  :func:`grc_core.plugin_api.birthday` / ``age_on`` (same month arithmetic), so a
  person born on 29 February has his birthday on **28 February** in non-leap
  years — the one convention of all plugins (interpretation, not in
  domain_rules.md; it is also the reading favourable to the applicant for the
  age-based eligibility of §4.3).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from grc_core.plugin_api import add_months, age_on, birthday

__all__ = [
    # helpers (month and age arithmetic: grc_core.plugin_api)
    "is_overdue",
    "Decision",
    "ADULT_AGE",
    # registre des personnes vulnérables
    "RegisterQuality",
    "DisabilityBenefit",
    "Eligibility",
    "register_eligibility",
    "RegisterFiler",
    "check_register_request",
    "REGISTER_FIELDS",
    "FieldCheck",
    "check_register_fields",
    "REGISTER_ACKNOWLEDGEMENT_DAYS",
    "register_acknowledgement_due",
    "prefect_export_allowed",
    "register_entry_retained",
    # domiciliation
    "CommuneLinkCriterion",
    "CommuneLink",
    "commune_link",
    "DOMICILIATION_REFUSAL_MOTIVE_FR",
    "DOMICILIATION_ORIENTATION_FR",
    "DomiciliationOutcome",
    "DomiciliationDecision",
    "domiciliation_decision",
    "check_domiciliation_refusal",
    "DOMICILIATION_ANSWER_MONTHS",
    "domiciliation_answer_due",
    "DomiciliationRequestState",
    "domiciliation_request_state",
    "DOMICILIATION_VALIDITY_MONTHS",
    "domiciliation_validity_end",
    "DOMICILIATION_ABSENCE_MONTHS",
    "DEFAULT_ABSENCE_WARNING_LEAD_DAYS",
    "domiciliation_end_by_absence",
    "domiciliation_warning_date",
    "DomiciliationStatus",
    "domiciliation_status",
    # aide sociale facultative
    "AidWindow",
    "AidRules",
    "AidOutcome",
    "AidDecision",
    "aid_window",
    "granted_in_window",
    "check_aid",
    # aide sociale légale
    "LEGAL_AID_TRANSMISSION_MONTHS",
    "legal_aid_transmission_due",
    "LegalAidBenefit",
    "Authority",
    "deciding_authority",
    # logement social
    "LOGEMENT_REGISTRATION_MONTHS",
    "LOGEMENT_RENEWAL_MONTHS",
    "DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS",
    "logement_registration_due",
    "logement_renewal_due",
    "logement_renewal_reminder_date",
    "logement_radiation_date_if_not_renewed",
    # retention / RGPD
    "SOCIAL_FILE_RETENTION_MONTHS",
    "social_file_anonymise_on",
    "GDPR_ANSWER_MONTHS",
    "GDPR_EXTENSION_MONTHS",
    "gdpr_answer_due",
    "gdpr_extension_valid",
]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _require_date(value: object, name: str) -> _dt.date:
    """Reject anything that is not a plain ``date`` (a ``datetime`` included)."""
    if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime):
        raise TypeError(f"{name} must be a datetime.date, got {type(value).__name__}")
    return value


def _require_money(value: object, name: str) -> Decimal:
    """Money is ``Decimal`` only (never ``float``), non-negative and finite."""
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite() or value < 0:
        raise ValueError(f"{name} must be a finite, non-negative amount, got {value}")
    return value


def _fr_money(amount: Decimal) -> str:
    """Format an amount the French way: ``1 234,50 €`` (plain spaces)."""
    text = f"{amount:,.2f}"  # 1,234.50
    return text.replace(",", " ").replace(".", ",") + " €"


def _fr_date(day: _dt.date) -> str:
    """Format a date as ``JJ/MM/AAAA``."""
    return day.strftime("%d/%m/%Y")


def is_overdue(due_on: _dt.date, on_date: _dt.date) -> bool:
    """True when ``on_date`` is after the deadline ``due_on`` (last day on time).

    Source: module convention (CPC art. 641: a period expires at the end of its
    last day, so acting on ``due_on`` itself is on time).
    """
    return _require_date(on_date, "on_date") > _require_date(due_on, "due_on")


@dataclass(frozen=True)
class Decision:
    """A yes/no answer with its French reason (shown to agents / citizens)."""

    allowed: bool
    reason_fr: str


# ---------------------------------------------------------------------------
# §4.3 Registre des personnes vulnérables
# ---------------------------------------------------------------------------


class RegisterQuality(StrEnum):
    """The "qualité" stored in the register: category a, b or c of CASF R121-2.

    Source: §4.3 'Eligible (residing at home)' and 'Data collected (only)'.
    """

    AGED_65_PLUS = "a"  # âgée de 65 ans et plus
    UNFIT_OVER_60 = "b"  # âgée de plus de 60 ans, reconnue inapte au travail
    DISABLED_WITH_BENEFIT = "c"  # adulte handicapée bénéficiaire d'une prestation listée


class DisabilityBenefit(StrEnum):
    """Benefits opening category c (CASF Book II title IV, or a pension).

    Source: §4.3 'Eligible (residing at home)' (décret 2004-926 art. 2 →
    CASF R121-2, conf. A).
    """

    AAH = "aah"  # allocation aux adultes handicapés
    ACTP = "actp"  # allocation compensatrice pour tierce personne
    CARTE_INVALIDITE = "carte_invalidite"
    RQTH = "rqth"  # reconnaissance de la qualité de travailleur handicapé
    PENSION_INVALIDITE = "pension_invalidite"  # régime de base SS ou code des pensions militaires


_BENEFIT_LABELS_FR = {
    DisabilityBenefit.AAH: "AAH",
    DisabilityBenefit.ACTP: "ACTP",
    DisabilityBenefit.CARTE_INVALIDITE: "carte d'invalidité",
    DisabilityBenefit.RQTH: "RQTH",
    DisabilityBenefit.PENSION_INVALIDITE: "pension d'invalidité",
}

ADULT_AGE = 18
"""Majority (C. civ. art. 414): category c is for *adults* with disabilities."""


@dataclass(frozen=True)
class Eligibility:
    """Result of :func:`register_eligibility`.

    ``quality`` is the category to store as "qualité" when ``allowed``,
    ``None`` otherwise.
    """

    allowed: bool
    reason_fr: str
    quality: RegisterQuality | None


def register_eligibility(
    birth_date: _dt.date,
    on_date: _dt.date,
    *,
    unfit_for_work: bool,
    benefits: Iterable[DisabilityBenefit | str] = (),
    living_at_home: bool = True,
) -> Eligibility:
    """Eligibility for the registre des personnes vulnérables on ``on_date``.

    Source: §4.3 'Eligible (residing at home)' — CASF R121-2 (décret 2004-926
    art. 2), conf. A.  Persons living at home who are:

    * a) aged **65 and over** — from the 65th birthday;
    * b) aged **more than 60** and recognised unfit for work — "plus de
      soixante ans" is read literally, as opposed to a)'s "65 ans et plus":
      from the **day after** the 60th birthday;
    * c) **adults** (18 and over, C. civ. 414) receiving AAH, ACTP, carte
      d'invalidité, RQTH or a pension d'invalidité.

    Ages and birthdays: :func:`grc_core.plugin_api.age_on` / ``birthday`` (born
    on 29 February: 65 on 28 February of a non-leap year).

    When several categories apply, the first in the order a, b, c is returned
    as ``quality``.  Being eligible does not register anyone: registration is
    voluntary (see :func:`check_register_request`).  ``benefits`` accepts
    :class:`DisabilityBenefit` members or their values; an unknown value
    raises ``ValueError``.
    """
    age = age_on(birth_date, on_date)
    held = frozenset(DisabilityBenefit(b) for b in benefits)
    if not living_at_home:
        return Eligibility(
            False,
            "Non éligible : le registre concerne les personnes résidant à leur "
            "domicile (CASF R121-2).",
            None,
        )
    if age >= 65:
        return Eligibility(
            True,
            "Éligible : personne âgée de 65 ans ou plus (CASF R121-2, a).",
            RegisterQuality.AGED_65_PLUS,
        )
    if unfit_for_work and on_date > birthday(birth_date, 60):
        return Eligibility(
            True,
            "Éligible : personne âgée de plus de 60 ans reconnue inapte au travail "
            "(CASF R121-2, b).",
            RegisterQuality.UNFIT_OVER_60,
        )
    if held and age >= ADULT_AGE:
        first = next(b for b in DisabilityBenefit if b in held)
        return Eligibility(
            True,
            "Éligible : personne adulte handicapée bénéficiaire de : "
            f"{_BENEFIT_LABELS_FR[first]} (CASF R121-2, c).",
            RegisterQuality.DISABLED_WITH_BENEFIT,
        )
    return Eligibility(
        False,
        "Non éligible : la personne n'a pas 65 ans ou plus, n'a pas plus de 60 ans "
        "avec une inaptitude au travail reconnue, et n'est pas un adulte handicapé "
        "bénéficiaire de l'AAH, de l'ACTP, d'une carte d'invalidité, de la RQTH ou "
        "d'une pension d'invalidité (CASF R121-2).",
        None,
    )


class RegisterFiler(StrEnum):
    """Who files a register request.

    Source: §4.3 'Who files' (R121-3) and 'Voluntary' (CNIL 2020).
    """

    PERSON = "personne"
    LEGAL_REPRESENTATIVE = "representant_legal"
    THIRD_PARTY = "tiers"  # relative, neighbour, médecin traitant, CCAS, SAAD…
    IMPORT_FROM_OTHER_FILE = "import_autre_fichier"  # never allowed


def check_register_request(filer: RegisterFiler | str, *, in_writing: bool) -> Decision:
    """Whether a register request may be recorded.

    Source: §4.3 'Who files' (R121-3: the person, the legal representative or
    a third party, **in writing**) and 'Voluntary' (CNIL 14/04/2020: no
    automatic registration, even from other municipal files — those may only
    be used to *inform* people of the register).  For a third-party request
    the maire's acknowledgement (:func:`register_acknowledgement_due`) lets
    the person object; absence of objection confirms the registration.
    """
    filer = RegisterFiler(filer)
    if filer is RegisterFiler.IMPORT_FROM_OTHER_FILE:
        return Decision(
            False,
            "Inscription automatique interdite : l'inscription au registre est "
            "volontaire et ne peut résulter d'un autre fichier, qui ne peut servir "
            "qu'à informer les personnes de l'existence du registre (CNIL).",
        )
    if not in_writing:
        return Decision(
            False,
            "La demande d'inscription au registre doit être écrite (CASF R121-3).",
        )
    if filer is RegisterFiler.THIRD_PARTY:
        return Decision(
            True,
            "Demande écrite d'un tiers recevable : la personne sera informée par "
            "l'accusé de réception et pourra s'y opposer (CASF R121-3).",
        )
    return Decision(True, "Demande écrite recevable (CASF R121-3).")


REGISTER_FIELDS: frozenset[str] = frozenset(
    {
        "nom",
        "prenoms",
        "date_naissance",
        "qualite",  # a / b / c (RegisterQuality) — never a diagnosis
        "adresse",
        "telephone",
        "service_aide_domicile",  # coordonnées du service intervenant à domicile
        "personne_a_prevenir",  # coordonnées de la personne à prévenir en cas d'urgence
        "date_demande",
        "tiers_nom",  # nom du tiers demandeur, le cas échéant
        "tiers_qualite",  # qualité du tiers demandeur, le cas échéant
    }
)
"""The only personal-data keys that may be stored in a register entry.

Source: §4.3 'Data collected (only)' (R121-x reproduced by rompon.fr) and
'Health data' (CNIL: health data excessive, store only the qualité a/b/c).
Technical keys (primary key, audit timestamps) are outside this list and are
the storage layer's business, not personal data about the person.
"""

_HEALTH_HINTS = (
    "sante",
    "santé",
    "health",
    "medic",
    "médic",
    "pathologie",
    "maladie",
    "diagnostic",
    "traitement",
    "handicap",
    "allergie",
)


@dataclass(frozen=True)
class FieldCheck:
    """Result of :func:`check_register_fields`: ``refused`` is sorted."""

    allowed: bool
    refused: tuple[str, ...]
    reason_fr: str


def check_register_fields(data_keys: Iterable[str]) -> FieldCheck:
    """Refuse any key outside :data:`REGISTER_FIELDS`.

    Source: §4.3 'Data collected (only)' and 'Health data' (CNIL: health data
    is excessive; only the qualité category is recorded).  A refused key that
    looks like health data (e.g. ``pathologie``, ``traitement``) gets an
    explicit "donnée de santé" mention in the reason.
    """
    refused = tuple(sorted({k for k in data_keys if k not in REGISTER_FIELDS}))
    if not refused:
        return FieldCheck(True, (), "Champs conformes à la liste réglementaire du registre.")
    reason = (
        f"Champ(s) non autorisé(s) dans le registre : {', '.join(refused)}. "
        "Seuls les champs prévus par la réglementation peuvent être enregistrés "
        "(CASF R121-2 s.)."
    )
    if any(h in key.lower() for key in refused for h in _HEALTH_HINTS):
        reason += (
            " Aucune donnée de santé : seule la qualité (a, b ou c) est enregistrée "
            "(CNIL)."
        )
    return FieldCheck(False, refused, reason)


REGISTER_ACKNOWLEDGEMENT_DAYS = 8
"""§4.3 'Acknowledgement': AR within 8 days (CNIL 2020), conf. B."""


def register_acknowledgement_due(received_on: _dt.date) -> _dt.date:
    """Last day on which the maire may send the acknowledgement of a request.

    Source: §4.3 'Acknowledgement' — AR within **8 days** (calendar days, the
    day of receipt not counted): received 1 July → due 9 July.
    """
    return _require_date(received_on, "received_on") + _dt.timedelta(
        days=REGISTER_ACKNOWLEDGEMENT_DAYS
    )


def prefect_export_allowed(alert_active: bool, *, requested_by_prefect: bool = True) -> Decision:
    """Whether the register may be communicated (exported) to the préfet.

    Source: §4.3 'Obligation' (exclusive purpose: intervention when the préfet
    triggers the plan d'alerte et d'urgence) and 'Confidentiality & access'
    (communicated **only to the préfet, at his request, when the plan is
    triggered**).  ``requested_by_prefect`` defaults to True because the export
    is, by construction, the answer to the préfet; pass False for any other
    recipient or an unsolicited export.
    """
    if not alert_active:
        return Decision(
            False,
            "Export refusé : le registre n'est communiqué au préfet qu'en cas de "
            "déclenchement du plan d'alerte et d'urgence.",
        )
    if not requested_by_prefect:
        return Decision(
            False,
            "Export refusé : le registre n'est communiqué qu'au préfet, à sa demande.",
        )
    return Decision(
        True,
        "Export autorisé : plan d'alerte et d'urgence déclenché, communication au "
        "préfet à sa demande.",
    )


def register_entry_retained(
    on_date: _dt.date, *, radiated_on: _dt.date | None = None, still_eligible: bool = True
) -> bool:
    """Whether a register entry may still be kept on ``on_date``.

    Source: §4.3 'Rights' (radiation **at any time** on simple request, so it
    takes effect on the day given) and §5.3 'Registre personnes vulnérables'
    (kept until radiation / loss of eligibility; no fixed duration).
    """
    _require_date(on_date, "on_date")
    if radiated_on is not None and on_date >= _require_date(radiated_on, "radiated_on"):
        return False
    return still_eligible


# ---------------------------------------------------------------------------
# §4.2 Domiciliation (élection de domicile)
# ---------------------------------------------------------------------------


class CommuneLinkCriterion(StrEnum):
    """The criteria of a link with the commune, in the order of CASF R264-4.

    Source: §4.2 'Link with the commune' (R264-4, décret 2016-632), conf. A.
    """

    STAYS_IN_COMMUNE = "sejour"  # séjourne sur le territoire à la date de la demande
    WORKS_IN_COMMUNE = "activite_professionnelle"
    SUPPORT_IN_COMMUNE = "accompagnement"  # insertion / social / médico-social / pro, ou démarches
    FAMILY_LINK = "lien_familial"  # lien familial avec une personne y résidant
    PARENT_OF_PUPIL = "autorite_parentale"  # sur un mineur scolarisé dans la commune


_CRITERION_LABELS_FR = {
    CommuneLinkCriterion.STAYS_IN_COMMUNE: (
        "séjour sur le territoire de la commune à la date de la demande"
    ),
    CommuneLinkCriterion.WORKS_IN_COMMUNE: "activité professionnelle dans la commune",
    CommuneLinkCriterion.SUPPORT_IN_COMMUNE: (
        "action d'insertion ou suivi social, médico-social ou professionnel dans la commune"
    ),
    CommuneLinkCriterion.FAMILY_LINK: "lien familial avec une personne résidant dans la commune",
    CommuneLinkCriterion.PARENT_OF_PUPIL: (
        "autorité parentale sur un enfant mineur scolarisé dans la commune"
    ),
}

DOMICILIATION_REFUSAL_MOTIVE_FR = (
    "Refus de domiciliation : absence de lien avec la commune (CASF R264-4). "
    "La personne ne séjourne pas sur le territoire de la commune, n'y exerce pas "
    "d'activité professionnelle, n'y bénéficie d'aucune action d'insertion ni "
    "d'aucun suivi social, médico-social ou professionnel, n'y a pas de lien "
    "familial avec une personne y résidant et n'y exerce pas l'autorité parentale "
    "sur un enfant mineur qui y est scolarisé."
)
DOMICILIATION_ORIENTATION_FR = (
    "Décision spécialement motivée ; la personne doit être orientée vers un autre "
    "organisme assurant la domiciliation (CASF L264-4)."
)


@dataclass(frozen=True)
class CommuneLink:
    """Result of :func:`commune_link`.

    ``criterion`` is the first criterion met (R264-4 order), ``criteria`` all of
    them.  When not established, ``refusal_motive_fr`` is the motive the
    refusal must state and ``orientation_required`` is True.
    """

    established: bool
    criterion: CommuneLinkCriterion | None
    criteria: tuple[CommuneLinkCriterion, ...]
    reason_fr: str
    refusal_motive_fr: str | None
    orientation_required: bool


def commune_link(
    *,
    stays_in_commune: bool = False,
    works_in_commune: bool = False,
    support_in_commune: bool = False,
    family_link: bool = False,
    parent_of_pupil: bool = False,
) -> CommuneLink:
    """Whether a person has a link with the commune (domiciliation at the CCAS).

    Source: §4.2 'Link with the commune' (CASF R264-4, conf. A): staying on the
    territory at the date of the request whatever the housing status; or
    working there; or an insertion / social / médico-social / professional
    support there (or steps started); or a family link with a resident; or
    parental authority over a minor schooled there.  One criterion suffices.
    §4.2 'Refusal' (L264-4): without a link the CCAS may refuse, by a
    specially motivated decision, and must orient the person elsewhere.
    """
    flags = {
        CommuneLinkCriterion.STAYS_IN_COMMUNE: stays_in_commune,
        CommuneLinkCriterion.WORKS_IN_COMMUNE: works_in_commune,
        CommuneLinkCriterion.SUPPORT_IN_COMMUNE: support_in_commune,
        CommuneLinkCriterion.FAMILY_LINK: family_link,
        CommuneLinkCriterion.PARENT_OF_PUPIL: parent_of_pupil,
    }
    met = tuple(c for c in CommuneLinkCriterion if flags[c])
    if met:
        return CommuneLink(
            True,
            met[0],
            met,
            f"Lien avec la commune établi : {_CRITERION_LABELS_FR[met[0]]} (CASF R264-4).",
            None,
            False,
        )
    return CommuneLink(
        False,
        None,
        (),
        "Lien avec la commune non établi (CASF R264-4).",
        DOMICILIATION_REFUSAL_MOTIVE_FR,
        True,
    )


class DomiciliationOutcome(StrEnum):
    """Outcome proposed by :func:`domiciliation_decision`."""

    GRANTED = "accordee"
    REFUSED = "refusee"
    INTERVIEW_REQUIRED = "entretien_requis"


@dataclass(frozen=True)
class DomiciliationDecision:
    """Result of :func:`domiciliation_decision`."""

    outcome: DomiciliationOutcome
    reason_fr: str
    orientation_required: bool


def domiciliation_decision(link: CommuneLink, *, interview_held: bool) -> DomiciliationDecision:
    """Outcome of a domiciliation request **or renewal**.

    Source: §4.2 'Procedure' (an **interview** at each request and renewal,
    D264-2/3, conf. C → no decision before it), 'Refusal' (refusal only for
    lack of link, motivated, with orientation, L264-4) and 'Attestation'
    (renewal *de droit* while the conditions are met, no maximum number of
    renewals, L264-2).
    """
    if not interview_held:
        return DomiciliationDecision(
            DomiciliationOutcome.INTERVIEW_REQUIRED,
            "Un entretien avec la personne est requis avant toute décision "
            "d'élection de domicile ou de renouvellement.",
            False,
        )
    if link.established:
        return DomiciliationDecision(
            DomiciliationOutcome.GRANTED,
            f"Élection de domicile accordée. {link.reason_fr}",
            False,
        )
    return DomiciliationDecision(
        DomiciliationOutcome.REFUSED,
        f"{DOMICILIATION_REFUSAL_MOTIVE_FR} {DOMICILIATION_ORIENTATION_FR}",
        True,
    )


def check_domiciliation_refusal(
    link: CommuneLink, *, motive_fr: str, orientation_to: str
) -> Decision:
    """Validate a refusal drafted by an agent before it is notified.

    Source: §4.2 'Refusal' (CASF L264-4): refusal possible **only** without a
    link with the commune; the decision is **specially motivated** and must
    **orient** the person to another organism (``orientation_to``: its name).
    """
    if link.established:
        return Decision(
            False,
            "Refus impossible : la personne a un lien avec la commune, le refus "
            "n'est possible qu'en l'absence de lien (CASF L264-4).",
        )
    if not motive_fr.strip():
        return Decision(False, "Le refus doit être spécialement motivé (CASF L264-4).")
    if not orientation_to.strip():
        return Decision(
            False,
            "Le refus doit orienter la personne vers un autre organisme assurant la "
            "domiciliation (CASF L264-4).",
        )
    return Decision(True, "Refus motivé avec orientation : conforme (CASF L264-4).")


DOMICILIATION_ANSWER_MONTHS = 2
"""§4.2 'Procedure': answer within 2 months (D264-1, conf. A)."""


def domiciliation_answer_due(received_on: _dt.date) -> _dt.date:
    """Last day on which the CCAS must answer a domiciliation request.

    Source: §4.2 'Procedure' — answer within **2 months** of receipt (D264-1,
    conf. A); e.g. received 31 December 2024 → due 28 February 2025.  See
    :func:`domiciliation_request_state` for the outcome of silence.
    """
    return add_months(_require_date(received_on, "received_on"), DOMICILIATION_ANSWER_MONTHS)


class DomiciliationRequestState(StrEnum):
    """State of a domiciliation request with respect to the answer delay."""

    PENDING = "en_attente"
    ANSWERED = "repondue"
    IMPLICIT_REFUSAL = "refus_implicite"


def domiciliation_request_state(
    received_on: _dt.date, on_date: _dt.date, *, answered: bool
) -> DomiciliationRequestState:
    """State of a request on ``on_date``; silence past the delay is a refusal.

    Source: §4.2 'Procedure' — 2 months (D264-1, A); **silence → refusal** per
    CCAS guides (conf. C, open item 4.T2: a commune may correct it).  This is
    also consistent with §0.2 (silence = rejection for the listed exceptions).
    The implicit refusal exists from the day after
    :func:`domiciliation_answer_due`.  Note §0.4: without an acknowledgement
    of receipt the recourse delays against it are not opposable.
    """
    if answered:
        return DomiciliationRequestState.ANSWERED
    if is_overdue(domiciliation_answer_due(received_on), on_date):
        return DomiciliationRequestState.IMPLICIT_REFUSAL
    return DomiciliationRequestState.PENDING


DOMICILIATION_VALIDITY_MONTHS = 12
"""§4.2 'Attestation': valid 1 year (L264-2, conf. B)."""


def domiciliation_validity_end(elected_on: _dt.date) -> _dt.date:
    """Last day of validity of the attestation d'élection de domicile.

    Source: §4.2 'Attestation' — valid **1 year** (L264-2).  ``elected_on`` is
    the date of election (or of the latest renewal) written on the
    attestation; the row says "from the request", which is the same date when
    the request is granted on the day.  A year is 12 months of
    :func:`add_months`: elected 15 March 2024 → valid through 15 March 2025;
    elected 29 February 2024 → valid through 28 February 2025.

    Renewal: renewable *de droit*, with no maximum number (L264-2), after an
    interview (:func:`domiciliation_decision`).  §4.2 sets **no renewal
    window** (no earliest date for a renewal request, no reminder delay), so
    none is implemented; a renewed domiciliation runs one year from the
    renewal date.
    """
    return add_months(_require_date(elected_on, "elected_on"), DOMICILIATION_VALIDITY_MONTHS)


DOMICILIATION_ABSENCE_MONTHS = 3
"""§4.2 'End': no contact for 3 consecutive months (L264-5 in practice, conf. B)."""

DEFAULT_ABSENCE_WARNING_LEAD_DAYS = 15
"""Default lead time of the warning before an end for absence.

Not in §4.2 (no source sets a warning delay): a project choice, leaving the
person two weeks to show up or phone.  Overridable per call.
"""


def domiciliation_end_by_absence(last_contact_on: _dt.date) -> _dt.date:
    """First day on which the domiciliation ends for lack of contact.

    Source: §4.2 'End' (L264-5; in practice **3 consecutive months** without
    collecting mail or any contact, by phone included since 2016).  The
    3 months run from the last contact; contact on their last day still
    counts, so the end is the day after: last contact 15 January → ends
    16 April; 30 November 2024 → 28 February 2025 is the last day, ends
    1 March 2025; 31 May → 31 August last day, ends 1 September.
    """
    _require_date(last_contact_on, "last_contact_on")
    last_day = add_months(last_contact_on, DOMICILIATION_ABSENCE_MONTHS)
    return last_day + _dt.timedelta(days=1)


def domiciliation_warning_date(
    last_contact_on: _dt.date, *, lead_days: int = DEFAULT_ABSENCE_WARNING_LEAD_DAYS
) -> _dt.date:
    """Date on which to warn the person that the domiciliation will end.

    ``lead_days`` days before :func:`domiciliation_end_by_absence` (default
    :data:`DEFAULT_ABSENCE_WARNING_LEAD_DAYS` = 15, a project choice: §4.2
    requires no warning delay).  Raises ``ValueError`` if ``lead_days`` is
    negative or would put the warning on or before the last contact.
    """
    if not isinstance(lead_days, int) or isinstance(lead_days, bool) or lead_days < 0:
        raise ValueError("lead_days must be a non-negative int")
    warning = domiciliation_end_by_absence(last_contact_on) - _dt.timedelta(days=lead_days)
    if warning <= last_contact_on:
        raise ValueError("lead_days is longer than the absence period")
    return warning


class DomiciliationStatus(StrEnum):
    """Status returned by :func:`domiciliation_status`."""

    NOT_STARTED = "non_commencee"
    ACTIVE = "active"
    WARNING_DUE = "avertissement_a_envoyer"  # active, the absence warning date is reached
    EXPIRED = "expiree"  # one-year validity over, not renewed
    ENDED_ABSENCE = "fin_absence"  # 3 months without contact
    ENDED = "terminee"  # ended on request or on a stable address (ended_on)


def domiciliation_status(
    on_date: _dt.date,
    elected_on: _dt.date,
    last_contact_on: _dt.date | None = None,
    ended_on: _dt.date | None = None,
    *,
    lead_days: int = DEFAULT_ABSENCE_WARNING_LEAD_DAYS,
) -> DomiciliationStatus:
    """Status of a domiciliation on ``on_date``.

    Source: §4.2 'Attestation' (1 year, :func:`domiciliation_validity_end`) and
    'End' (on request or stable address → ``ended_on``; 3 months without
    contact → :func:`domiciliation_end_by_absence`).  ``elected_on`` is the
    date of election or of the latest renewal; the election / renewal
    interview is itself a contact, so the absence period runs from the later
    of ``elected_on`` and ``last_contact_on``.  An explicit ``ended_on`` wins;
    otherwise, when both the validity and the absence period are over, the
    one that ended first is reported (EXPIRED on a tie).  WARNING_DUE is
    reported from :func:`domiciliation_warning_date` while still active and
    only if the absence end comes before the validity end.
    """
    _require_date(on_date, "on_date")
    _require_date(elected_on, "elected_on")
    if ended_on is not None and on_date >= _require_date(ended_on, "ended_on"):
        return DomiciliationStatus.ENDED
    if on_date < elected_on:
        return DomiciliationStatus.NOT_STARTED
    contact = elected_on
    if last_contact_on is not None:
        contact = max(contact, _require_date(last_contact_on, "last_contact_on"))
    expires_on = domiciliation_validity_end(elected_on) + _dt.timedelta(days=1)
    absence_end = domiciliation_end_by_absence(contact)
    if on_date >= min(expires_on, absence_end):
        if expires_on <= absence_end:
            return DomiciliationStatus.EXPIRED
        return DomiciliationStatus.ENDED_ABSENCE
    warning_on = domiciliation_warning_date(contact, lead_days=lead_days)
    if absence_end < expires_on and on_date >= warning_on:
        return DomiciliationStatus.WARNING_DUE
    return DomiciliationStatus.ACTIVE


# ---------------------------------------------------------------------------
# §4.1 Aide sociale facultative
# ---------------------------------------------------------------------------


class AidWindow(StrEnum):
    """Period over which the yearly ceiling per household is counted."""

    CALENDAR_YEAR = "annee_civile"  # 1 January – 31 December of the request date
    ROLLING_12_MONTHS = "12_mois_glissants"  # the 12 months ending on the request date


@dataclass(frozen=True)
class AidRules:
    """The CCAS's own settings for one kind of aide facultative.

    Source: §4.1 'Aide sociale facultative' — the CCAS's own policy, set by its
    conseil d'administration (règlement des aides facultatives); nothing is
    fixed by law (conf. ?), hence every value is a commune setting.

    * ``kind`` — the aid kind these rules apply to (e.g. ``"secours_alimentaire"``).
    * ``qf_ceiling`` — highest quotient familial admitted (inclusive), or None.
    * ``resources_ceiling`` — highest monthly resources admitted (inclusive), or None.
      When both ceilings are set, both conditions must be met.
    * ``yearly_ceiling`` — most that may be granted to one household for this
      kind over the ``window``, or None for no ceiling.
    * ``window`` — calendar year (default) or rolling 12 months.
    * ``cap_partial`` — above the ceiling, grant the remainder (True, default)
      or refuse the whole request (False).
    """

    kind: str
    qf_ceiling: int | Decimal | None = None
    resources_ceiling: Decimal | None = None
    yearly_ceiling: Decimal | None = None
    window: AidWindow = AidWindow.CALENDAR_YEAR
    cap_partial: bool = True

    def __post_init__(self) -> None:
        if self.resources_ceiling is not None:
            _require_money(self.resources_ceiling, "resources_ceiling")
        if self.yearly_ceiling is not None:
            _require_money(self.yearly_ceiling, "yearly_ceiling")
        if self.qf_ceiling is not None and (
            isinstance(self.qf_ceiling, bool) or not isinstance(self.qf_ceiling, int | Decimal)
        ):
            raise TypeError("qf_ceiling must be an int or a Decimal")
        object.__setattr__(self, "window", AidWindow(self.window))


class AidOutcome(StrEnum):
    """Outcome of :func:`check_aid`."""

    ALLOWED = "accordee"
    CAPPED = "plafonnee"
    REFUSED = "refusee"


@dataclass(frozen=True)
class AidDecision:
    """Result of :func:`check_aid`: ``amount`` is what may be granted (0 if refused)."""

    outcome: AidOutcome
    amount: Decimal
    reason_fr: str

    @property
    def allowed(self) -> bool:
        """True when some amount may be granted (ALLOWED or CAPPED)."""
        return self.outcome is not AidOutcome.REFUSED


def aid_window(
    on_date: _dt.date, window: AidWindow | str = AidWindow.CALENDAR_YEAR
) -> tuple[_dt.date, _dt.date]:
    """First and last day (inclusive) of the ceiling window containing ``on_date``.

    Source: §4.1 'Aide sociale facultative' (CCAS setting).  Calendar year:
    1 January – 31 December of ``on_date``'s year (default, the usual reading
    of "par an" in a règlement).  Rolling: the 12 months ending on ``on_date``,
    i.e. from the day after ``on_date`` - 12 months (:func:`add_months`):
    15 March 2025 → 16 March 2024 – 15 March 2025.
    """
    _require_date(on_date, "on_date")
    if AidWindow(window) is AidWindow.CALENDAR_YEAR:
        return _dt.date(on_date.year, 1, 1), _dt.date(on_date.year, 12, 31)
    return add_months(on_date, -12) + _dt.timedelta(days=1), on_date


def granted_in_window(
    grants: Iterable[tuple[_dt.date, Decimal]],
    on_date: _dt.date,
    window: AidWindow | str = AidWindow.CALENDAR_YEAR,
) -> Decimal:
    """Sum of a household's grants ``(granted_on, amount)`` inside the window.

    Grants dated after ``on_date`` are ignored.  Feed only the grants of the
    household for the aid kind of the :class:`AidRules` used.
    """
    start, end = aid_window(on_date, window)
    end = min(end, on_date)
    total = Decimal("0")
    for granted_on, amount in grants:
        if start <= _require_date(granted_on, "granted_on") <= end:
            total += _require_money(amount, "amount")
    return total


def check_aid(
    request_amount: Decimal,
    qf: int | Decimal | None,
    granted_this_year: Decimal,
    rules: AidRules,
    *,
    resources: Decimal | None = None,
) -> AidDecision:
    """Check an aide facultative request against the CCAS's rules.

    Source: §4.1 'Aide sociale facultative' (CCAS's own règlement); §3.5 for
    the QF (use the CAF value, do not recompute).  ``granted_this_year`` is
    what the household already received for this kind within the rules'
    window (see :func:`granted_in_window`).  Order: QF ceiling, resources
    ceiling, then yearly ceiling per household — exactly reaching the ceiling
    is allowed; above it the request is capped to the remainder (or refused
    if ``rules.cap_partial`` is False); nothing left → refused.
    """
    _require_money(request_amount, "request_amount")
    if request_amount == 0:
        raise ValueError("request_amount must be positive")
    _require_money(granted_this_year, "granted_this_year")
    if qf is not None and (isinstance(qf, bool) or not isinstance(qf, int | Decimal)):
        raise TypeError("qf must be an int, a Decimal or None")
    zero = Decimal("0.00")

    if rules.qf_ceiling is not None:
        if qf is None:
            return AidDecision(
                AidOutcome.REFUSED,
                zero,
                "Refusée : quotient familial non fourni, requis par le règlement des "
                "aides facultatives.",
            )
        if qf > rules.qf_ceiling:
            return AidDecision(
                AidOutcome.REFUSED,
                zero,
                f"Refusée : quotient familial {qf} supérieur au plafond de "
                f"{rules.qf_ceiling} fixé par le règlement des aides facultatives.",
            )
    if rules.resources_ceiling is not None:
        if resources is None:
            return AidDecision(
                AidOutcome.REFUSED,
                zero,
                "Refusée : ressources non fournies, requises par le règlement des "
                "aides facultatives.",
            )
        _require_money(resources, "resources")
        if resources > rules.resources_ceiling:
            return AidDecision(
                AidOutcome.REFUSED,
                zero,
                f"Refusée : ressources de {_fr_money(resources)} supérieures au plafond "
                f"de {_fr_money(rules.resources_ceiling)} fixé par le règlement des "
                "aides facultatives.",
            )
    if rules.yearly_ceiling is None:
        return AidDecision(AidOutcome.ALLOWED, request_amount, "Accordée : conditions remplies.")

    period = "l'année civile" if rules.window is AidWindow.CALENDAR_YEAR else "les 12 derniers mois"
    remaining = rules.yearly_ceiling - granted_this_year
    if remaining <= 0:
        return AidDecision(
            AidOutcome.REFUSED,
            zero,
            f"Refusée : plafond de {_fr_money(rules.yearly_ceiling)} par foyer déjà "
            f"atteint sur {period}.",
        )
    if request_amount <= remaining:
        return AidDecision(
            AidOutcome.ALLOWED,
            request_amount,
            f"Accordée : {_fr_money(request_amount)} dans la limite du plafond de "
            f"{_fr_money(rules.yearly_ceiling)} par foyer sur {period}.",
        )
    if not rules.cap_partial:
        return AidDecision(
            AidOutcome.REFUSED,
            zero,
            f"Refusée : la demande de {_fr_money(request_amount)} dépasse le solde "
            f"disponible de {_fr_money(remaining)} (plafond de "
            f"{_fr_money(rules.yearly_ceiling)} par foyer sur {period}).",
        )
    return AidDecision(
        AidOutcome.CAPPED,
        remaining,
        f"Plafonnée à {_fr_money(remaining)} : plafond de "
        f"{_fr_money(rules.yearly_ceiling)} par foyer sur {period}, "
        f"{_fr_money(granted_this_year)} déjà accordés.",
    )


# ---------------------------------------------------------------------------
# §4.1 Aide sociale légale
# ---------------------------------------------------------------------------

LEGAL_AID_TRANSMISSION_MONTHS = 1
"""§4.1 'Aide sociale légale — filing': transmit within 1 month (L131-1, conf. B)."""


def legal_aid_transmission_due(filed_on: _dt.date) -> _dt.date:
    """Last day for the CCAS to transmit a legal-aid file to the decider.

    Source: §4.1 'Aide sociale légale — filing' (CASF L131-1): the CCAS builds
    the file whatever its merits and transmits it, with its opinion, **within
    1 month** to the président du conseil départemental or the préfet
    (:func:`deciding_authority`).  Filed 31 January 2025 → due 28 February 2025.
    """
    return add_months(_require_date(filed_on, "filed_on"), LEGAL_AID_TRANSMISSION_MONTHS)


class LegalAidBenefit(StrEnum):
    """Legal-aid benefits named in §4.1 'Aide sociale légale — decision'."""

    APA = "apa"  # allocation personnalisée d'autonomie
    PCH = "pch"  # prestation de compensation du handicap
    HEBERGEMENT_PERSONNES_AGEES = "hebergement_pa"  # aide sociale à l'hébergement PA
    HEBERGEMENT_PERSONNES_HANDICAPEES = "hebergement_ph"  # aide sociale à l'hébergement PH
    AME = "ame"  # aide médicale de l'État
    CHRS = "chrs"  # admission en centre d'hébergement et de réinsertion sociale


class Authority(StrEnum):
    """Who decides a legal-aid application (never the CCAS)."""

    DEPARTEMENT = "departement"  # président du conseil départemental
    PREFET = "prefet"


_AUTHORITY_BY_BENEFIT = {
    LegalAidBenefit.APA: Authority.DEPARTEMENT,
    LegalAidBenefit.PCH: Authority.DEPARTEMENT,
    LegalAidBenefit.HEBERGEMENT_PERSONNES_AGEES: Authority.DEPARTEMENT,
    LegalAidBenefit.HEBERGEMENT_PERSONNES_HANDICAPEES: Authority.DEPARTEMENT,
    LegalAidBenefit.AME: Authority.PREFET,
    LegalAidBenefit.CHRS: Authority.PREFET,
}


def deciding_authority(benefit: LegalAidBenefit | str) -> Authority:
    """Authority that decides a legal-aid benefit: département or préfet.

    Source: §4.1 'Aide sociale légale — decision' (CASF L131-2, conf. B):
    département for most benefits (APA, PCH, hébergement PA/PH), préfet for
    AME and CHRS; never the CCAS.  Only the benefits named in that row are
    listed; an unknown value raises ``ValueError`` rather than guessing.
    (ASE applications are not filed at the CCAS, §4.1 'filing'.)
    """
    return _AUTHORITY_BY_BENEFIT[LegalAidBenefit(benefit)]


# ---------------------------------------------------------------------------
# §4.4 Demande de logement social (cerfa 14069)
# ---------------------------------------------------------------------------

LOGEMENT_REGISTRATION_MONTHS = 1
"""§4.4 'Registration': numéro unique within 1 month (conf. B)."""

LOGEMENT_RENEWAL_MONTHS = 12
"""§4.4 'Renewal': every year (conf. B)."""

DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS = 1
"""Default lead of the renewal reminder: 1 month before the renewal date.

Not in §4.4 (which only says "renew every year"); a project default matching
the usual national-system practice of a reminder one month before expiry
(CCH R441-2-8, not read — conf. ?).  Overridable per call.
"""


def logement_registration_due(deposited_on: _dt.date) -> _dt.date:
    """Last day to issue the attestation with the numéro unique.

    Source: §4.4 'Registration' — within **1 month** of the deposit of a
    complete cerfa 14069 (only an ID / residence permit is required).
    """
    return add_months(_require_date(deposited_on, "deposited_on"), LOGEMENT_REGISTRATION_MONTHS)


def logement_renewal_due(last_registration_or_renewal_on: _dt.date) -> _dt.date:
    """Last day on which the request must be renewed.

    Source: §4.4 'Renewal' — every year, 1 year after the first request
    (date of first deposit, shown on the attestation) or the last renewal.
    29 February 2024 → 28 February 2025.
    """
    return add_months(
        _require_date(last_registration_or_renewal_on, "last_registration_or_renewal_on"),
        LOGEMENT_RENEWAL_MONTHS,
    )


def logement_renewal_reminder_date(
    last_registration_or_renewal_on: _dt.date,
    *,
    lead_months: int = DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS,
) -> _dt.date:
    """Date to send the renewal reminder: ``lead_months`` before the renewal date.

    Source: §4.4 'Renewal' (yearly renewal); the lead is a setting, default
    :data:`DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS` = 1.  Raises ``ValueError``
    for a lead outside 0–11 months.
    """
    if isinstance(lead_months, bool) or not isinstance(lead_months, int):
        raise ValueError("lead_months must be an int between 0 and 11")
    if not 0 <= lead_months < 12:
        raise ValueError("lead_months must be an int between 0 and 11")
    return add_months(logement_renewal_due(last_registration_or_renewal_on), -lead_months)


def logement_radiation_date_if_not_renewed(last_registration_or_renewal_on: _dt.date) -> _dt.date:
    """Date of radiation (and loss of seniority) if the request is not renewed.

    Source: §4.4 'Renewal' — not renewed within the year → **radiation**.  It
    is the day after :func:`logement_renewal_due`.
    """
    return logement_renewal_due(last_registration_or_renewal_on) + _dt.timedelta(days=1)


# ---------------------------------------------------------------------------
# §5 Retention and RGPD rights
# ---------------------------------------------------------------------------

SOCIAL_FILE_RETENTION_MONTHS = 24
"""§5.3 'Social / médico-social support files': 2 years from the last contact."""


def social_file_anonymise_on(last_contact_on: _dt.date) -> _dt.date:
    """First day on which a social file must be anonymised (or archived).

    Source: §5.3 'Social / médico-social support files' — active base
    **2 years from the last contact** (CNIL référentiel, délib. 2023-095).
    The file may be kept through last contact + 2 years (:func:`add_months`)
    and is anonymised the day after: last contact 10 March 2023 → kept through
    10 March 2025, anonymised on 11 March 2025.  Intermediate archiving for a
    legal obligation / probative need is the caller's decision.  The register
    of vulnerable persons follows :func:`register_entry_retained` instead.
    """
    _require_date(last_contact_on, "last_contact_on")
    last_day = add_months(last_contact_on, SOCIAL_FILE_RETENTION_MONTHS)
    return last_day + _dt.timedelta(days=1)


GDPR_ANSWER_MONTHS = 1
"""§5.1 'Response delay': 1 month (RGPD art. 12.3, conf. A)."""

GDPR_EXTENSION_MONTHS = 2
"""§5.1 'Response delay': extendable by 2 months (RGPD art. 12.3, conf. A)."""


def gdpr_answer_due(received_on: _dt.date, extended: bool = False) -> _dt.date:
    """Last day to answer a data-subject request (access, rectification…).

    Source: §5.1 'Response delay' (RGPD art. 12.3): **1 month** from receipt;
    if ``extended``, **2 more months**.  The extended deadline is computed as
    3 months from receipt in one :func:`add_months` step (not 1 + 2, which
    would carry a February clamping over): received 31 January 2025 → 28
    February 2025, extended → 30 April 2025.  The extension is valid only if
    the person was told within the first month (:func:`gdpr_extension_valid`).
    """
    months = GDPR_ANSWER_MONTHS + (GDPR_EXTENSION_MONTHS if extended else 0)
    return add_months(_require_date(received_on, "received_on"), months)


def gdpr_extension_valid(received_on: _dt.date, notified_on: _dt.date) -> Decision:
    """Whether the 2-month extension may be used, given when the person was told.

    Source: §5.1 'Response delay' (RGPD art. 12.3): the person must be
    informed of the extension, with its reasons, **within the first month**
    (on or before :func:`gdpr_answer_due` without extension).
    """
    due = gdpr_answer_due(received_on)
    if is_overdue(due, notified_on):
        return Decision(
            False,
            "Prolongation impossible : la personne devait être informée de la "
            f"prolongation et de ses motifs au plus tard le {_fr_date(due)} "
            "(RGPD art. 12.3).",
        )
    return Decision(
        True,
        "Prolongation de deux mois valable : la personne a été informée dans le "
        f"premier mois ; réponse due au plus tard le "
        f"{_fr_date(gdpr_answer_due(received_on, extended=True))} (RGPD art. 12.3).",
    )
