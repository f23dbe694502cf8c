"""Changement de nom (procédure simplifiée) and de prénom: majority, confirmation, children (DR §1.6)."""

from __future__ import annotations

from datetime import date

from grc_core.plugin_api import add_months, age_on
from grc_core.plugin_api import lazy_text as _l

from .common import _ALLOWED, Eligibility, _refuse


CHILD_CONSENT_AGE = 13
"""Age from which a child's personal consent is required (C. civ. art. 60, 61-3, 61-3-1)."""
_MAJORITY_AGE = 18  # C. civ. art. 414


def name_change_earliest_confirmation(received_on: date) -> date:
    """Earliest date on which the applicant may confirm a simplified name change.

    Source: code civil art. 61-3-1 (loi n° 2022-301): the change is recorded
    after the applicant confirms it in person before the officier de l'état
    civil, « au plus tôt un mois après la réception de la demande »; DR §1.6.
    Calendar-month arithmetic with month ends clamped: received on
    31 January → 28 February (29 in a leap year); received 15 March → 15 April.
    """
    return add_months(received_on, 1)


def check_name_change_confirmation(received_on: date, confirmed_on: date) -> Eligibility:
    """Is a confirmation on ``confirmed_on`` valid? (C. civ. art. 61-3-1; DR §1.6).

    See :func:`name_change_earliest_confirmation` for the counting.
    """
    earliest = name_change_earliest_confirmation(received_on)
    if confirmed_on < earliest:
        return _refuse(
            _l("The name change request can be confirmed only at least one month after it was received, i.e. "
               "from %(day)s (code civil, art. 61-3-1).", day=earliest)
        )
    return _ALLOWED


def check_simplified_name_change(
    applicant_birth_date: date,
    request_date: date,
    *,
    already_used_simplified_procedure: bool,
) -> Eligibility:
    """May this person use the simplified name-change procedure?

    Source: code civil art. 61-3-1 (loi n° 2022-301, in force 1 July 2022):
    « toute personne majeure » (an emancipated minor is not majeur and is
    refused; age per :func:`grc_core.plugin_api.age_on`: a person born on
    29 February is majeur from 28 February in a non-leap year), and « ce choix
    ne peut être fait qu'une seule fois » — once in a lifetime, without
    prejudice to a change by decree under art. 61.  ``already_used_simplified_procedure`` is a plain
    value the agent or the birth act's mentions provide.  DR §1.6.
    """
    if age_on(applicant_birth_date, request_date) < _MAJORITY_AGE:
        return _refuse(
            _l("The name change by the simplified procedure is for adults only (code civil, art. 61-3-1).")
        )
    if already_used_simplified_procedure:
        return _refuse(
            _l("The name change by the simplified procedure can be made only once in a lifetime (code civil, "
               "art. 61-3-1); a name change by decree remains possible (code civil, art. 61).")
        )
    return _ALLOWED


def child_consent_required(child_birth_date: date, on_date: date) -> bool:
    """Is the child's personal consent required on ``on_date``?

    Sources: code civil art. 60 (changement de prénom: « s'il est âgé de plus
    de treize ans, son consentement personnel est requis »), art. 61-3
    (changement de nom of a child « de plus de treize ans ») and art. 61-3-1
    (the simplified change extends « de plein droit » to the children « de
    moins de treize ans », consent required beyond); DR §1.6.

    Reading: consent is required **from the 13th birthday included**
    (age ≥ 13).  « Moins de treize ans » ends the day before the 13th
    birthday; reading « plus de treize ans » as « from the day after » would
    leave the birthday itself covered by neither rule, so the protective
    reading is kept for both procedures.  A child born on 29 February is 13
    on 28 February of a non-leap year (:func:`grc_core.plugin_api.birthday`).
    """
    return age_on(child_birth_date, on_date) >= CHILD_CONSENT_AGE


def name_change_extends_to_child(
    child_birth_date: date, on_date: date, *, child_consents: bool = False
) -> bool:
    """Does a parent's simplified name change extend to this child?

    Source: code civil art. 61-3-1 (DR §1.6): automatically for a child under
    13 on ``on_date`` (the date the change is recorded); from 13 only with the
    child's consent (:func:`child_consent_required`).
    """
    return child_consents or not child_consent_required(child_birth_date, on_date)
