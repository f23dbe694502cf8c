"""Domiciliation (élection de domicile): link with the commune, decision, answer, validity, absence (§4.2)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from enum import StrEnum

from grc_core.plugin_api import Joined, RuleText, add_months
from grc_core.plugin_api import lazy_text as _l

from .common import Decision, is_overdue, _require_date


class CommuneLinkCriterion(StrEnum):
    """The criteria of a link with the commune, in the order of CASF R264-4.

    Source: §4.2 'Link with the commune' (R264-4, décret 2016-632), conf. A.
    """

    STAYS_IN_COMMUNE = "sejour"  # séjourne sur le territoire à la date de la demande
    WORKS_IN_COMMUNE = "activite_professionnelle"
    SUPPORT_IN_COMMUNE = "accompagnement"  # insertion / social / médico-social / pro, ou démarches
    FAMILY_LINK = "lien_familial"  # lien familial avec une personne y résidant
    PARENT_OF_PUPIL = "autorite_parentale"  # sur un mineur scolarisé dans la commune


CRITERION_LABELS = {
    CommuneLinkCriterion.STAYS_IN_COMMUNE: _l("stay in the commune on the date of the request"),
    CommuneLinkCriterion.WORKS_IN_COMMUNE: _l("work in the commune"),
    CommuneLinkCriterion.SUPPORT_IN_COMMUNE: _l("integration action or social, medico-social or professional "
                                                "support in the commune"),
    CommuneLinkCriterion.FAMILY_LINK: _l("family link with a person living in the commune"),
    CommuneLinkCriterion.PARENT_OF_PUPIL: _l("parental authority over a minor child at school in the commune"),
}
"""The criteria of :class:`CommuneLinkCriterion` in the reader's language."""

DOMICILIATION_REFUSAL_MOTIVE = _l(
    "Domiciliation refused: no link with the commune (CASF R264-4). The person does not stay in the commune, "
    "does not work there, receives no integration action nor any social, medico-social or professional support "
    "there, has no family link with a person living there and has no parental authority over a minor child at "
    "school there."
)
DOMICILIATION_ORIENTATION = _l(
    "Specially motivated decision; the person must be directed to another organisation providing domiciliation "
    "(CASF L264-4)."
)


@dataclass(frozen=True)
class CommuneLink:
    """Result of :func:`commune_link`.

    ``criterion`` is the first criterion met (R264-4 order), ``criteria`` all of
    them.  When not established, ``refusal_motive`` is the motive the
    refusal must state and ``orientation_required`` is True.
    """

    established: bool
    criterion: CommuneLinkCriterion | None
    criteria: tuple[CommuneLinkCriterion, ...]
    reason: RuleText
    refusal_motive: RuleText | None
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
            _l("Link with the commune established: %(criterion)s (CASF R264-4).", criterion=CRITERION_LABELS[met[0]]),
            None,
            False,
        )
    return CommuneLink(
        False,
        None,
        (),
        _l("Link with the commune not established (CASF R264-4)."),
        DOMICILIATION_REFUSAL_MOTIVE,
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
    reason: RuleText | Joined
    orientation_required: bool


STABLE_ADDRESS_REFUSAL = _l(
    "Domiciliation refused: the person has a stable home, where she can receive and consult her mail constantly "
    "and confidentially; domiciliation is for persons sans domicile stable (CASF L264-1)."
)
STABLE_ADDRESS_RENEWAL_REFUSAL = _l(
    "Renewal impossible: the person has found a stable home, which ends the domiciliation (CASF L264-5). End the "
    "domiciliation."
)


def domiciliation_decision(
    link: CommuneLink, *, interview_held: bool, stable_address: bool = False, renewal: bool = False
) -> DomiciliationDecision:
    """Outcome of a domiciliation request **or renewal** (``renewal=True``).

    Source: §4.2 'Who' (only persons **sans domicile stable**, i.e. without
    an address where they can receive and consult their mail constantly and
    confidentially, L264-1: a person with a stable address is refused, the
    refusal stating why), 'End' (acquiring a stable domicile ends the
    domiciliation, L264-5: a renewal is then refused), 'Procedure' (an
    **interview** at each request and renewal, D264-2/3, conf. C → no
    decision before it), 'Refusal' (otherwise refusal only for lack of link,
    motivated, with orientation, L264-4) and 'Attestation' (renewal *de
    droit* while the conditions are met, no maximum number of renewals,
    L264-2).  ``stable_address`` is what the interview found.
    """
    if not interview_held:
        return DomiciliationDecision(
            DomiciliationOutcome.INTERVIEW_REQUIRED,
            _l("An interview with the person is required before any decision of élection de domicile or renewal."),
            False,
        )
    if stable_address:
        return DomiciliationDecision(
            DomiciliationOutcome.REFUSED,
            STABLE_ADDRESS_RENEWAL_REFUSAL if renewal else STABLE_ADDRESS_REFUSAL,
            False,
        )
    if link.established:
        return DomiciliationDecision(
            DomiciliationOutcome.GRANTED,
            Joined(_l("Domiciliation renewed.") if renewal else _l("Élection de domicile granted."), link.reason),
            False,
        )
    return DomiciliationDecision(
        DomiciliationOutcome.REFUSED,
        Joined(DOMICILIATION_REFUSAL_MOTIVE, DOMICILIATION_ORIENTATION),
        True,
    )


class DomiciliationRefusalGround(StrEnum):
    """The two legal grounds of a domiciliation refusal."""

    NO_LINK = "sans_lien"  # no link with the commune (L264-4, R264-4)
    STABLE_ADDRESS = "domicile_stable"  # not sans domicile stable (L264-1)


def check_domiciliation_refusal(
    link: CommuneLink, *, motive: str, orientation_to: str,
    ground: DomiciliationRefusalGround | str = DomiciliationRefusalGround.NO_LINK,
) -> Decision:
    """Validate a refusal drafted by an agent before it is notified.

    Source: §4.2 'Who' (L264-1: only persons sans domicile stable may be
    domiciled, so a person with a stable address is refused whatever their
    link with the commune — ``ground=STABLE_ADDRESS``; the refusal is
    motivated) and 'Refusal' (CASF L264-4, ``ground=NO_LINK``: refusal
    possible **only** without a link with the commune; the decision is
    **specially motivated** and must **orient** the person to another
    organism, ``orientation_to``: its name).
    """
    ground = DomiciliationRefusalGround(ground)
    if ground is DomiciliationRefusalGround.STABLE_ADDRESS:
        if not motive.strip():
            return Decision(False, _l("The refusal must state its reasons (CASF L264-1)."))
        return Decision(True, _l("Refusal with its reasons: the person has a stable home (CASF L264-1)."))
    if link.established:
        return Decision(
            False,
            _l("Refusal impossible: the person has a link with the commune; a refusal is possible only without a "
               "link (CASF L264-4)."),
        )
    if not motive.strip():
        return Decision(False, _l("The refusal must state specially its reasons (CASF L264-4)."))
    if not orientation_to.strip():
        return Decision(
            False,
            _l("The refusal must direct the person to another organisation providing domiciliation (CASF L264-4)."),
        )
    return Decision(True, _l("Refusal with its reasons and a direction: compliant (CASF L264-4)."))


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
