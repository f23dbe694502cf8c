"""Follow-up procedures: which authorisation they may concern, and when."""

from __future__ import annotations

from datetime import date

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

_WHAT_MAY_BE_FOLLOWED: dict[Procedure, str] = {
    Procedure.PERMIS_MODIFICATIF: "Un permis modificatif ne peut modifier qu'un permis (de construire, d'aménager "
                                  "ou de démolir)",
    Procedure.TRANSFERT_PERMIS: "Seul un permis (de construire, d'aménager ou de démolir) peut être transféré",
    Procedure.PROROGATION: "Seuls un permis, une déclaration préalable ou un certificat d'urbanisme peuvent être "
                           "prorogés (R424-21, R410-17)",
    Procedure.DECLARATION_OUVERTURE_CHANTIER: "Une déclaration d'ouverture de chantier ne porte que sur un permis "
                                              "ou une déclaration préalable",
    Procedure.DAACT: "Une DAACT ne porte que sur un permis ou une déclaration préalable (R462-1)",
}

_FOLLOW_UP_NAMES: dict[Procedure, str] = {
    Procedure.PERMIS_MODIFICATIF: "d'un permis modificatif",
    Procedure.TRANSFERT_PERMIS: "d'un transfert",
    Procedure.PROROGATION: "d'une prorogation",
    Procedure.DECLARATION_OUVERTURE_CHANTIER: "d'une déclaration d'ouverture de chantier",
    Procedure.DAACT: "d'une DAACT",
}


def follow_up_type_refusal(procedure: Procedure, original_procedure: Procedure) -> str | None:
    """Why ``original_procedure`` cannot be the authorisation a follow-up ``procedure`` concerns, or None.

    See :data:`FOLLOW_UP_ORIGINALS` (interpretation, conf. C). ``procedure``
    that is not a follow-up raises :class:`UrbanismeRuleError`.
    """
    procedure, original = Procedure(procedure), Procedure(original_procedure)
    if procedure not in FOLLOW_UP_ORIGINALS:
        raise UrbanismeRuleError(f"« {procedure.label} » ne fait suite à aucune autorisation.")
    if original in FOLLOW_UP_ORIGINALS[procedure]:
        return None
    return f"{_WHAT_MAY_BE_FOLLOWED[procedure]} ; l'autorisation initiale indiquée est : {original.label}."


def follow_up_refusal(
    procedure: Procedure,
    original_procedure: Procedure,
    *,
    granted: bool,
    filed_on: date,
    validity_last_day: date | None = None,
    prorogations: int = 0,
) -> str | None:
    """Why a follow-up filed on ``filed_on`` cannot concern this authorisation, or None (French).

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
        return (
            f"L'autorisation initiale ({original.label}) n'a pas été accordée — ni accord notifié, ni accord tacite "
            f"ou non-opposition : elle ne peut faire l'objet {_FOLLOW_UP_NAMES[procedure]}."
        )
    if procedure is not Procedure.PROROGATION:
        return None
    certificate = original in _CU
    if not certificate and prorogations >= MAX_PROROGATIONS:
        return (
            "Une troisième prorogation est impossible : l'autorisation a déjà été prorogée deux fois, et ne peut "
            "l'être que deux fois, pour une année chacune (R424-21)."
        )
    if validity_last_day is None:
        return None
    if filed_on > validity_last_day:
        return (
            f"L'autorisation initiale n'était valable que jusqu'au {_fmt(validity_last_day)} : périmée, elle ne "
            f"peut plus être prorogée ({'R410-17' if certificate else 'R424-17, R424-21'})."
        )
    deadline = prorogation_request_deadline(validity_last_day).value
    if filed_on > deadline:
        return (
            f"Demande de prorogation déposée le {_fmt(filed_on)}, moins de 2 mois avant la fin de validité de "
            f"l'autorisation ({_fmt(validity_last_day)}) : elle devait être déposée au plus tard le "
            f"{_fmt(deadline)} ({'R410-17' if certificate else 'R424-22'})."
        )
    return None
