"""Follow-up procedures: which authorisation they may concern, and when."""

from __future__ import annotations

from datetime import date

from grc_core.plugin_api import RuleText
from grc_core.plugin_api import lazy_text as _l

from .common import UrbanismeRuleError, _fmt
from .procedures import _CU, _DP, _PERMITS, Procedure
from .validity import MAX_PROROGATIONS, prorogation_request_deadline


#: The authorisations each follow-up procedure may concern (interpretation, conf. C):
#: a permis modificatif and a transfert concern a permit (R431-4 ff. list them as
#: permit requests; a DP is not transferred, a new DP is filed); a prorogation a
#: permit or a DP (R424-21) or a certificat d'urbanisme (R410-17); a DOC and a DAACT
#: the works of a permit or a DP (R424-16 names permits; the plugin's workflow
#: records the opening and the completion of a DP's works the same way; R462-1).
FOLLOW_UP_ORIGINALS: dict[Procedure, frozenset[Procedure]] = {
    Procedure.PERMIS_MODIFICATIF: _PERMITS,
    Procedure.TRANSFERT_PERMIS: _PERMITS,
    Procedure.PROROGATION: _PERMITS | _DP | _CU,
    Procedure.DECLARATION_OUVERTURE_CHANTIER: _PERMITS | _DP,
    Procedure.DAACT: _PERMITS | _DP,
}

_WHAT_MAY_BE_FOLLOWED: dict[Procedure, RuleText] = {
    Procedure.PERMIS_MODIFICATIF: _l("An amending permit can only amend a permit (building, development or "
                                     "demolition permit)"),
    Procedure.TRANSFERT_PERMIS: _l("Only a permit (building, development or demolition permit) can be transferred"),
    Procedure.PROROGATION: _l("Only a permit, a prior declaration of works or a planning certificate can be "
                              "extended (R424-21, R410-17)"),
    Procedure.DECLARATION_OUVERTURE_CHANTIER: _l("A declaration of the opening of the works site only concerns a "
                                                 "permit or a prior declaration of works"),
    Procedure.DAACT: _l("A DAACT only concerns a permit or a prior declaration of works (R462-1)"),
}

def _not_granted(procedure: Procedure, original: Procedure) -> RuleText:
    """Why a refused or pending authorisation cannot be followed by ``procedure``."""
    if procedure is Procedure.PERMIS_MODIFICATIF:
        return _l("The original authorisation (%(original)s) was not granted — no approval notified, no tacit "
                  "approval or non-opposition: it cannot be amended.", original=original.label)
    if procedure is Procedure.TRANSFERT_PERMIS:
        return _l("The original authorisation (%(original)s) was not granted — no approval notified, no tacit "
                  "approval or non-opposition: it cannot be transferred.", original=original.label)
    if procedure is Procedure.PROROGATION:
        return _l("The original authorisation (%(original)s) was not granted — no approval notified, no tacit "
                  "approval or non-opposition: it cannot be extended.", original=original.label)
    if procedure is Procedure.DECLARATION_OUVERTURE_CHANTIER:
        return _l("The original authorisation (%(original)s) was not granted — no approval notified, no tacit "
                  "approval or non-opposition: no opening of the works site can be declared for it.",
                  original=original.label)
    return _l("The original authorisation (%(original)s) was not granted — no approval notified, no tacit "
              "approval or non-opposition: no DAACT can be filed for it.", original=original.label)


def follow_up_type_refusal(procedure: Procedure, original_procedure: Procedure) -> RuleText | None:
    """Why ``original_procedure`` cannot be the authorisation a follow-up ``procedure`` concerns, or None.

    See :data:`FOLLOW_UP_ORIGINALS` (interpretation, conf. C). ``procedure``
    that is not a follow-up raises :class:`UrbanismeRuleError`.
    """
    procedure, original = Procedure(procedure), Procedure(original_procedure)
    if procedure not in FOLLOW_UP_ORIGINALS:
        raise UrbanismeRuleError(_l("« %(procedure)s » does not follow any authorisation.", procedure=procedure.label))
    if original in FOLLOW_UP_ORIGINALS[procedure]:
        return None
    return _l("%(rule)s; the original authorisation given is: %(original)s.", rule=_WHAT_MAY_BE_FOLLOWED[procedure],
              original=original.label)


def follow_up_refusal(
    procedure: Procedure,
    original_procedure: Procedure,
    *,
    granted: bool,
    filed_on: date,
    validity_last_day: date | None = None,
    prorogations: int = 0,
) -> RuleText | None:
    """Why a follow-up filed on ``filed_on`` cannot concern this authorisation, or None (lazy text).

    In this order:

    - the kind of authorisation (:func:`follow_up_type_refusal`);
    - it must have been granted (``granted``: express approval notified, or
      tacit approval / non-opposition): a refused or pending request has
      nothing to modify, transfer, extend or carry out;
    - a prorogation of a permit or a DP: at most two (R424-21, DR §2.6, conf. B,
      ``prorogations`` already granted); none of a certificate is limited in
      number (R410-17);
    - a prorogation: the authorisation must still be valid on ``filed_on``
      (``validity_last_day``: :func:`validity_end` or
      :func:`certificate_validity_end`, prorogations included), and the request
      filed at least 2 months before that day (R424-22, R410-17; conf. C and B):
      :func:`prorogation_request_deadline`.
    """
    procedure, original = Procedure(procedure), Procedure(original_procedure)
    wrong_kind = follow_up_type_refusal(procedure, original)
    if wrong_kind:
        return wrong_kind
    if not granted:
        return _not_granted(procedure, original)
    if procedure is not Procedure.PROROGATION:
        return None
    certificate = original in _CU
    if not certificate and prorogations >= MAX_PROROGATIONS:
        return _l(
            "A third extension is impossible: the authorisation has already been extended twice, and can only be "
            "extended twice, for one year each (R424-21)."
        )
    if validity_last_day is None:
        return None
    if filed_on > validity_last_day:
        return _l(
            "The original authorisation was only valid until %(day)s: lapsed, it can no longer be extended "
            "(%(articles)s).", day=_fmt(validity_last_day),
            articles="R410-17" if certificate else "R424-17, R424-21",
        )
    deadline = prorogation_request_deadline(validity_last_day).value
    if filed_on > deadline:
        return _l(
            "Request for an extension filed on %(day)s, less than 2 months before the end of validity of the "
            "authorisation (%(end)s): it had to be filed by %(deadline)s at the latest (%(article)s).",
            day=_fmt(filed_on), end=_fmt(validity_last_day), deadline=_fmt(deadline),
            article="R410-17" if certificate else "R424-22",
        )
    return None
