"""Copies and extracts of acts: documents per act, content of a request, retention (DR §1.1, §1.3, §5.3)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from grc_core.plugin_api import add_years


# ---------------------------------------------------------------------------
# Enumerations (values are plain strings usable in forms)
# ---------------------------------------------------------------------------


class ActKind(StrEnum):
    """Kinds of civil-status acts (DR §1.1)."""

    NAISSANCE = "naissance"
    MARIAGE = "mariage"
    DECES = "deces"
    RECONNAISSANCE = "reconnaissance"
    ENFANT_SANS_VIE = "enfant_sans_vie"


class DocumentKind(StrEnum):
    """Documents that can be issued from an act (DR §1.1)."""

    COPIE_INTEGRALE = "copie_integrale"
    EXTRAIT_AVEC_FILIATION = "extrait_avec_filiation"
    EXTRAIT_SANS_FILIATION = "extrait_sans_filiation"
    EXTRAIT_PLURILINGUE = "extrait_plurilingue"


class RequestField(StrEnum):
    """Canonical names of the fields of a copy/extract request (DR §1.3).

    This enum *is* the single list of field names; forms and storage must use
    these values.  ``parent_1`` / ``parent_2`` rather than father/mother: an
    act may name two mothers or two fathers (C. civ. art. 6-1, 143) or only one
    parent.
    """

    NOM = "nom"
    PRENOMS = "prenoms"
    DATE_NAISSANCE = "date_naissance"
    LIEU_NAISSANCE = "lieu_naissance"
    NOM_PARENT_1 = "nom_parent_1"
    PRENOM_PARENT_1 = "prenom_parent_1"
    NOM_PARENT_2 = "nom_parent_2"
    PRENOM_PARENT_2 = "prenom_parent_2"
    DATE_MARIAGE = "date_mariage"
    LIEU_MARIAGE = "lieu_mariage"
    NOM_DECLARANT = "nom_declarant"
    PRENOMS_DECLARANT = "prenoms_declarant"
    DATE_RECONNAISSANCE = "date_reconnaissance"
    LIEU_RECONNAISSANCE = "lieu_reconnaissance"
    DATE_DECES = "date_deces"
    LIEU_DECES = "lieu_deces"
    NOM_MERE = "nom_mere"
    PRENOMS_MERE = "prenoms_mere"
    DATE_ACCOUCHEMENT = "date_accouchement"
    LIEU_ACCOUCHEMENT = "lieu_accouchement"
    # Requester side (DR §1.3 « All »): identity, quality/link, postal address, channel.
    DEMANDEUR_NOM = "demandeur_nom"
    DEMANDEUR_PRENOMS = "demandeur_prenoms"
    DEMANDEUR_QUALITE = "demandeur_qualite"
    DEMANDEUR_ADRESSE = "demandeur_adresse"
    CANAL = "canal"


class RequestChannel(StrEnum):
    """Channels through which a request may be made (décret n° 2017-890, art. 29; DR §1.3)."""

    SUR_PLACE = "sur_place"
    COURRIER = "courrier"
    TELESERVICE = "teleservice"


# ---------------------------------------------------------------------------
# DR §1.1 – documents available for each act
# ---------------------------------------------------------------------------

_ALL_DOCUMENTS = (
    DocumentKind.COPIE_INTEGRALE,
    DocumentKind.EXTRAIT_AVEC_FILIATION,
    DocumentKind.EXTRAIT_SANS_FILIATION,
    DocumentKind.EXTRAIT_PLURILINGUE,
)
_AVAILABLE: dict[ActKind, tuple[DocumentKind, ...]] = {
    ActKind.NAISSANCE: _ALL_DOCUMENTS,
    ActKind.MARIAGE: _ALL_DOCUMENTS,
    ActKind.DECES: (DocumentKind.COPIE_INTEGRALE,),
    ActKind.RECONNAISSANCE: (DocumentKind.COPIE_INTEGRALE,),
    ActKind.ENFANT_SANS_VIE: (DocumentKind.COPIE_INTEGRALE,),
}


def available_documents(act_kind: ActKind | str) -> tuple[DocumentKind, ...]:
    """Documents that can be issued from an act of this kind.

    Source: DR §1.1 — service-public F1427 (naissance), mairie mirrors of the
    service-public fiches (mariage, décès), décret n° 2017-890 art. 29-30
    (reconnaissance, enfant sans vie).  Naissance and mariage: copie
    intégrale, extrait avec filiation, extrait sans filiation, extrait
    plurilingue.  Décès, reconnaissance, enfant sans vie: copie intégrale only.
    """
    return _AVAILABLE[ActKind(act_kind)]


# ---------------------------------------------------------------------------
# DR §1.3 – mandatory content of a request
# ---------------------------------------------------------------------------

REQUESTER_FIELDS: tuple[RequestField, ...] = (
    RequestField.DEMANDEUR_NOM,
    RequestField.DEMANDEUR_PRENOMS,
    RequestField.DEMANDEUR_QUALITE,
    RequestField.DEMANDEUR_ADRESSE,
    RequestField.CANAL,
)
"""Requester-side fields every request should capture (DR §1.3 « All »; needed for the §1.2 check)."""

_PERSON = (RequestField.NOM, RequestField.PRENOMS, RequestField.DATE_NAISSANCE, RequestField.LIEU_NAISSANCE)
_PARENT_1 = (RequestField.NOM_PARENT_1, RequestField.PRENOM_PARENT_1)
_PARENT_2 = (RequestField.NOM_PARENT_2, RequestField.PRENOM_PARENT_2)


def required_fields(
    act_kind: ActKind | str,
    document_kind: DocumentKind | str,
    *,
    single_parent: bool = False,
    plurilingue_as: DocumentKind | str = DocumentKind.EXTRAIT_AVEC_FILIATION,
) -> tuple[RequestField, ...]:
    """Fields a request for this document of this act must contain (act side).

    Source: décret n° 2017-890, art. 29 (DR §1.3):

    * extrait sans filiation, naissance: date and place of birth + nom and
      prénoms; mariage: date and place of marriage + nom and prénoms;
    * copie intégrale / extrait avec filiation, naissance: nom, prénoms, date
      and place of birth + « nom et prénom usuel de ses parents »; mariage:
      the same + date and place of the marriage;
    * copie intégrale of reconnaissance: nom, prénoms of the déclarant + date
      and place of the reconnaissance;
    * copie intégrale of décès: nom, prénoms of the deceased + date and place
      of death; enfant sans vie: nom, prénoms of the mother + date and place
      of the delivery.

    ``single_parent=True`` drops the second parent when the filiation is
    established towards one parent only.  The extrait plurilingue asks for the
    fields of ``plurilingue_as`` (default: extrait avec filiation, see
    :func:`check_eligibility`).  Requester-side fields are in
    :data:`REQUESTER_FIELDS`.  Raises ``ValueError`` if the document does not
    exist for the act.
    """
    act_kind = ActKind(act_kind)
    document_kind = DocumentKind(document_kind)
    if document_kind not in available_documents(act_kind):
        raise ValueError(f"{document_kind} is not available for a {act_kind} act")
    if document_kind is DocumentKind.EXTRAIT_PLURILINGUE:
        document_kind = DocumentKind(plurilingue_as)
    if act_kind is ActKind.DECES:
        return (RequestField.NOM, RequestField.PRENOMS, RequestField.DATE_DECES, RequestField.LIEU_DECES)
    if act_kind is ActKind.ENFANT_SANS_VIE:
        return (RequestField.NOM_MERE, RequestField.PRENOMS_MERE,
                RequestField.DATE_ACCOUCHEMENT, RequestField.LIEU_ACCOUCHEMENT)
    if act_kind is ActKind.RECONNAISSANCE:
        return (RequestField.NOM_DECLARANT, RequestField.PRENOMS_DECLARANT,
                RequestField.DATE_RECONNAISSANCE, RequestField.LIEU_RECONNAISSANCE)
    if document_kind is DocumentKind.EXTRAIT_SANS_FILIATION:
        if act_kind is ActKind.NAISSANCE:
            return (RequestField.NOM, RequestField.PRENOMS,
                    RequestField.DATE_NAISSANCE, RequestField.LIEU_NAISSANCE)
        return (RequestField.NOM, RequestField.PRENOMS,
                RequestField.DATE_MARIAGE, RequestField.LIEU_MARIAGE)
    fields = _PERSON + _PARENT_1 + (() if single_parent else _PARENT_2)
    if act_kind is ActKind.MARIAGE:
        fields += (RequestField.DATE_MARIAGE, RequestField.LIEU_MARIAGE)
    return fields


# ---------------------------------------------------------------------------
# DR §5.3 / §1.4 – retention of copy requests
# ---------------------------------------------------------------------------

_COPY_REQUEST_RETENTION_YEARS = 1


def copy_request_retention_ends_on(closed_on: date) -> date:
    """Last day a closed copy/extract request must be kept.

    Source: décret n° 2017-890, art. 29 (« Les demandes d'actes sont conservées
    pendant une durée d'un an »); DR §1.4 and §5.3.  Counted from the closure
    of the request, date to date (closed 29 February → 28 February).
    """
    return add_years(closed_on, _COPY_REQUEST_RETENTION_YEARS)


def copy_request_anonymisable_from(closed_on: date) -> date:
    """First day a closed copy/extract request may be anonymised (or deleted).

    The day after :func:`copy_request_retention_ends_on`: the one-year
    retention is complete only at the end of its last day (closed 10 May 2024
    → anonymisable from 11 May 2025; closed 29 February 2024 → from
    1 March 2025).  Source: décret n° 2017-890, art. 29; DR §5.3.
    """
    return copy_request_retention_ends_on(closed_on) + timedelta(days=1)


def copy_request_may_be_anonymised(closed_on: date, today: date) -> bool:
    """True when ``today`` is on or after :func:`copy_request_anonymisable_from` (DR §5.3)."""
    return today >= copy_request_anonymisable_from(closed_on)
