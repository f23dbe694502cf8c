"""Registre des personnes vulnérables: eligibility, filing, acknowledgement, export, retention (§4.3)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from grc_core.plugin_api import Joined, LocalDate, RuleText, age_on, birthday, lazy_ngettext
from grc_core.plugin_api import lazy_text as _l

from .common import Decision, _require_date


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


_BENEFIT_LABELS = {
    DisabilityBenefit.AAH: "AAH",
    DisabilityBenefit.ACTP: "ACTP",
    DisabilityBenefit.CARTE_INVALIDITE: _l("carte d'invalidité"),
    DisabilityBenefit.RQTH: "RQTH",
    DisabilityBenefit.PENSION_INVALIDITE: _l("pension d'invalidité"),
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
    reason: RuleText
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
            _l("Not eligible: the register is for persons living at home (CASF R121-2)."),
            None,
        )
    if age >= 65:
        return Eligibility(
            True,
            _l("Eligible: person aged 65 or over (CASF R121-2, a)."),
            RegisterQuality.AGED_65_PLUS,
        )
    if unfit_for_work and on_date > birthday(birth_date, 60):
        return Eligibility(
            True,
            _l("Eligible: person over 60 recognised unfit for work (CASF R121-2, b)."),
            RegisterQuality.UNFIT_OVER_60,
        )
    if held and age >= ADULT_AGE:
        first = next(b for b in DisabilityBenefit if b in held)
        return Eligibility(
            True,
            _l("Eligible: disabled adult receiving: %(benefit)s (CASF R121-2, c).", benefit=_BENEFIT_LABELS[first]),
            RegisterQuality.DISABLED_WITH_BENEFIT,
        )
    return Eligibility(
        False,
        _l("Not eligible: the person is not aged 65 or over, is not over 60 with a recognised unfitness for "
           "work, and is not a disabled adult receiving the AAH, the ACTP, a carte d'invalidité, the RQTH or a "
           "pension d'invalidité (CASF R121-2)."),
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
            _l("Automatic registration forbidden: registration in the register is voluntary and cannot come from "
               "another file, which may only serve to inform people that the register exists (CNIL)."),
        )
    if not in_writing:
        return Decision(
            False,
            _l("The request for registration in the register must be in writing (CASF R121-3)."),
        )
    if filer is RegisterFiler.THIRD_PARTY:
        return Decision(
            True,
            _l("Written request of a third party admissible: the person will be informed by the acknowledgement "
               "and may object (CASF R121-3)."),
        )
    return Decision(True, _l("Written request admissible (CASF R121-3)."))


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
    reason: RuleText


def check_register_fields(data_keys: Iterable[str]) -> FieldCheck:
    """Refuse any key outside :data:`REGISTER_FIELDS`.

    Source: §4.3 'Data collected (only)' and 'Health data' (CNIL: health data
    is excessive; only the qualité category is recorded).  A refused key that
    looks like health data (e.g. ``pathologie``, ``traitement``) gets an
    explicit "donnée de santé" mention in the reason.
    """
    refused = tuple(sorted({k for k in data_keys if k not in REGISTER_FIELDS}))
    if not refused:
        return FieldCheck(True, (), _l("Fields in line with the register's regulatory list."))
    reason = lazy_ngettext(
        "Field not allowed in the register: %(fields)s. Only the fields the regulations provide for may be "
        "recorded (CASF R121-2 s.).",
        "Fields not allowed in the register: %(fields)s. Only the fields the regulations provide for may be "
        "recorded (CASF R121-2 s.).",
        len(refused), fields=", ".join(refused))
    if any(h in key.lower() for key in refused for h in _HEALTH_HINTS):
        reason = Joined(reason, _l("No health data: only the quality (a, b or c) is recorded (CNIL)."))
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


def check_registration(filer: RegisterFiler | str, *, acknowledged: bool, opposed: bool) -> Decision:
    """Whether a register request may now be entered in the register.

    Source: §4.3 'Voluntary' (registration facultative, never imposed) and
    'Acknowledgement' (for a **third-party** request, the absence of
    opposition of the person after the acknowledgement is the confirmation;
    CNIL 2020).  So a third party's request is registered only once
    acknowledged (the acknowledgement informs the person) and without the
    person's opposition; the person's own request, or their legal
    representative's, is registered with its acknowledgement.  An opposition
    always wins: the person is not registered.  §4.3 sets **no delay** for
    the opposition: the persons designated by the maire register when they
    judge that none came (no timer).
    """
    filer = RegisterFiler(filer)
    if opposed:
        return Decision(
            False,
            _l("The person objected to the registration: she is not registered (voluntary registration, CNIL)."),
        )
    if filer is RegisterFiler.THIRD_PARTY and not acknowledged:
        return Decision(
            False,
            _l("Request of a third party: first acknowledge it, which informs the person that she may object to "
               "the registration; she is registered only if she does not object (CASF R121-3; CNIL)."),
        )
    return Decision(True, _l("Registration in the register possible (CASF L121-6-1, R121-3)."))


def check_opposition_date(opposed_on: _dt.date, *, received_on: _dt.date, today: _dt.date) -> Decision:
    """An opposition is recorded on a day between the request's receipt and today (both included)."""
    _require_date(opposed_on, "opposed_on")
    if opposed_on > _require_date(today, "today"):
        return Decision(False, _l("The date of the objection cannot be in the future."))
    if opposed_on < _require_date(received_on, "received_on"):
        return Decision(False, _l("The date of the objection cannot be before the request (%(day)s).",
                                  day=LocalDate(received_on)))
    return Decision(True, _l("Objection recorded: the person is not registered."))


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
            _l("Export refused: the register is given to the préfet only when the plan d'alerte et d'urgence is "
               "triggered."),
        )
    if not requested_by_prefect:
        return Decision(
            False,
            _l("Export refused: the register is given only to the préfet, at his request."),
        )
    return Decision(
        True,
        _l("Export allowed: plan d'alerte et d'urgence triggered, given to the préfet at his request."),
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
