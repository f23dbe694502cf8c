"""After the decision: validity and prorogation, certificates, appeals, conformity, withdrawal (DR §2.6)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from grc_core.plugin_api import add_months, lazy_ngettext, next_working_day
from grc_core.plugin_api import lazy_text as _l

from .common import RuleDate, UrbanismeRuleError, _clamp_note, _fmt, _months


class ConformityCase(StrEnum):
    """Cases of the conformity check after a DAACT (R462-6, R462-7; DR §2.6).

    ``DROIT_COMMUN`` → 3 months; every other member is a case where récolement is
    mandatory under R462-7 → 5 months.
    """

    DROIT_COMMUN = "droit_commun"
    IMMEUBLE_INSCRIT_MH = "immeuble_inscrit_mh"  # R462-7 a)
    SITE_PATRIMONIAL_REMARQUABLE = "site_patrimonial_remarquable"  # R462-7 a)
    SITE_CLASSE = "site_classe"  # R462-7 a) (classé ou en instance de classement)
    ERP_IGH = "erp_igh"  # R462-7 b)
    PARC_NATIONAL_RESERVE_NATURELLE = "parc_national_reserve_naturelle"  # R462-7 c)
    PLAN_PREVENTION_RISQUES = "plan_prevention_risques"  # R462-7 d)
    AUTRE_RECOLEMENT_OBLIGATOIRE = "autre_recolement_obligatoire"  # any other R462-7 case


#: Maximum number of one-year prorogations of a permit / DP (R424-21).
MAX_PROROGATIONS = 2


def validity_end(decision_date: date, prorogations: int = 0) -> RuleDate:
    """Last day to start the works before the authorisation lapses (R424-17, R424-21; DR §2.6).

    Validity: 3 years from the notification of the decision (or from the tacit
    decision date), extended by one year for each prorogation, at most 2
    (R424-21, conf. B). A third prorogation raises :class:`UrbanismeRuleError`.
    The authorisation also lapses if the works are interrupted for more than a
    year after that period (not computed here). 29 Feb + 3 years → 28 Feb.
    """
    if prorogations < 0:
        raise UrbanismeRuleError(_l("The number of extensions cannot be negative."))
    if prorogations > MAX_PROROGATIONS:
        raise UrbanismeRuleError(_l(
            "A third extension is impossible: the authorisation can only be extended twice, for one year each "
            "(R424-21)."
        ))
    years = 3 + prorogations
    last = add_months(decision_date, 12 * years)
    if prorogations:
        explanation = lazy_ngettext(
            "Decision of %(day)s valid for 3 years (R424-17), extended once by one year (R424-21): works to start "
            "by %(last)s at the latest%(note)s.",
            "Decision of %(day)s valid for 3 years (R424-17), extended %(num)d times by one year (R424-21): works "
            "to start by %(last)s at the latest%(note)s.", prorogations, day=_fmt(decision_date),
            last=_fmt(last), note=_clamp_note(decision_date, last))
    else:
        explanation = _l(
            "Decision of %(day)s valid for 3 years (R424-17): works to start by %(last)s at the latest%(note)s.",
            day=_fmt(decision_date), last=_fmt(last), note=_clamp_note(decision_date, last))
    return RuleDate(
        last,
        explanation,
        "R424-17, R424-21 (DR §2.6)",
    )


def prorogation_request_deadline(validity_last_day: date) -> RuleDate:
    """Last day to ask for a prorogation: at least 2 months before expiry (R424-22; DR §2.6, conf. C).

    ``validity_last_day`` is :func:`validity_end`'s value. Computed as
    ``add_months(validity_last_day, -2)`` (at a month end this is the earlier,
    prudent reading: 30 April → 28 February). The mairie's silence for 2 months on
    the request means prorogation acquise (R424-23).
    """
    last = add_months(validity_last_day, -2)
    return RuleDate(
        last,
        _l("Valid until %(day)s: request for an extension to file at least 2 months before, that is by %(last)s at "
           "the latest (R424-22); silence of 2 months = extension granted (R424-23).", day=_fmt(validity_last_day),
           last=_fmt(last)),
        "R424-22, R424-23 (DR §2.6, conf. C)",
    )


def certificate_validity_end(issued_on: date, prorogations: int = 0) -> RuleDate:
    """Last day of a certificat d'urbanisme's effects (L410-1, R410-17; DR §2.7, conf. B).

    The rules, taxes and limitations it states are "crystallised" for 18 months
    from its date (``issued_on``: notification, or the tacit certificate's date),
    extended by one year for each prorogation. R410-17 sets no maximum number of
    prorogations (only that rules and taxes have not changed), so none is
    enforced here. The request is due 2 months before the end, as for a permit
    (:func:`prorogation_request_deadline`).
    """
    if prorogations < 0:
        raise UrbanismeRuleError(_l("The number of extensions cannot be negative."))
    months = 18 + 12 * prorogations
    last = add_months(issued_on, months)
    if prorogations:
        explanation = lazy_ngettext(
            "Planning certificate of %(day)s valid for 18 months (L410-1), extended once by one year (R410-17): "
            "effects until %(last)s%(note)s.",
            "Planning certificate of %(day)s valid for 18 months (L410-1), extended %(num)d times by one year "
            "(R410-17): effects until %(last)s%(note)s.", prorogations, day=_fmt(issued_on), last=_fmt(last),
            note=_clamp_note(issued_on, last))
    else:
        explanation = _l(
            "Planning certificate of %(day)s valid for 18 months (L410-1): effects until %(last)s%(note)s.",
            day=_fmt(issued_on), last=_fmt(last), note=_clamp_note(issued_on, last))
    return RuleDate(
        last,
        explanation,
        "L410-1, R410-17 (DR §2.7, conf. B)",
    )


def third_party_appeal_end(display_start: date, *, alsace_moselle: bool = False) -> RuleDate:
    """Last day for a third party to file a contentious appeal (R600-2; DR §2.6).

    The 2-month delay runs from the first day of a continuous 2-month display on
    site. It is a contentious delay, hence **franc** (CJA R421-1; CE 29 déc. 2006
    n° 289818): it ends the day after ``add_months(display_start, 2)`` and, if that
    day is a Saturday, Sunday or public holiday, on the next working day
    (C. proc. civ. 642; CE 19 sept. 2014 n° 362568) — computed by
    :func:`grc_core.plugin_api.next_working_day`, holidays from the ``holidays``
    package, plus Good Friday and 26 December when ``alsace_moselle`` is true
    (C. trav. L3134-13). Interpretation: DR §2.6 only
    says "2 months from the 1st day of display"; the franc computation gives the
    later — prudent — date before a permit is treated as purged of appeals. The
    recours must also be notified within 15 days (R600-1), not computed here.
    """
    same_day = add_months(display_start, 2)
    franc = same_day + timedelta(days=1)
    last = next_working_day(franc, alsace_moselle=alsace_moselle)
    if last != franc:
        explanation = _l(
            "Continuous display on the land since %(day)s: third-party appeal delay of 2 months, a clear delay, "
            "expiring on %(franc)s at midnight, moved to the next working day, %(last)s (C. proc. civ. art. 642) "
            "(R600-2, CJA R421-1).", day=_fmt(display_start), franc=_fmt(franc), last=_fmt(last))
    else:
        explanation = _l(
            "Continuous display on the land since %(day)s: third-party appeal delay of 2 months, a clear delay, "
            "expiring on %(franc)s at midnight (R600-2, CJA R421-1).", day=_fmt(display_start), franc=_fmt(franc))
    return RuleDate(
        last,
        explanation,
        "R600-2 (DR §2.6); CJA R421-1",
    )


def conformity_check_deadline(daact_date: date, case: ConformityCase = ConformityCase.DROIT_COMMUN) -> RuleDate:
    """Last day for the authority to contest conformity after a DAACT (R462-6, R462-7; DR §2.6).

    ``daact_date``: reception of the DAACT in mairie. 3 months in the general case;
    5 months when récolement is mandatory (R462-7: immeuble inscrit MH, SPR, site
    classé, ERP/IGH, parc national / réserve naturelle, PPR, …). After that day
    the authority can no longer contest the conformity of the works.
    """
    case = ConformityCase(case)
    months = 3 if case is ConformityCase.DROIT_COMMUN else 5
    last = add_months(daact_date, months)
    why = (_l("general case") if months == 3
           else _l("récolement mandatory under R462-7: %(case)s", case=case.value))
    return RuleDate(
        last,
        _l("DAACT received on %(day)s: %(delay)s to contest the conformity of the works (%(why)s), that is until "
           "%(last)s included%(note)s (R462-6).", day=_fmt(daact_date), delay=_months(months), why=why,
           last=_fmt(last), note=_clamp_note(daact_date, last)),
        "R462-6, R462-7 (DR §2.6)",
    )


def withdrawal_window_end(decision_date: date) -> RuleDate:
    """Last day to withdraw an illegal permit or DP non-opposition (L424-5; DR §2.6).

    Express or tacit decisions can be withdrawn only if illegal and within 3
    months following their date (``add_months(decision_date, 3)``; the withdrawal
    must be notified by then). Afterwards only at the beneficiary's request.
    For a tacit decision, ``decision_date`` is :attr:`LegalDeadline.tacit_decision_date`.
    """
    last = add_months(decision_date, 3)
    return RuleDate(
        last,
        _l("Decision of %(day)s: withdrawal possible, if it is illegal, until %(last)s included%(note)s; afterwards "
           "only at the request of the beneficiary (L424-5).", day=_fmt(decision_date), last=_fmt(last),
           note=_clamp_note(decision_date, last)),
        "L424-5 (DR §2.6)",
    )
