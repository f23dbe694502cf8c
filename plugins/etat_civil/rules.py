"""Pure legal rules of the « état civil » plugin.

Every function here is a pure function of plain values (strings / ``StrEnum``
members, :class:`datetime.date`, ``int``, ``bool``, frozen dataclasses).  No
database, no Flask, no request context.  Only the standard library and the
shared calendar helpers of :mod:`grc_core.calendar` (months, ages, public
holidays — the only ``grc_core`` import allowed here).  Forms, workflows and
timers call these functions; settings of a commune are passed as keyword
arguments.

Each docstring cites its legal source and the paragraph of
``shared/reference/domain_rules.md`` (written "DR §x.y") it implements.  Where
DR marks a rule "?" (not confirmed), the rule is a keyword parameter whose
default is documented, so that a commune setting can override it.

Conventions used throughout (see also the module README):

* **Day-counted delays** (« dans les N jours de… », « avant le Ne jour depuis et
  non compris celui de… »): the day of the triggering event is not counted
  (dies a quo non computatur, as in C. proc. civ. art. 641 al. 1).
* **Month/year-counted delays**: computed from date to date with
  :func:`grc_core.calendar.add_months` / ``add_years``; when the target month
  has no such day the delay ends on the last day of that month (31 January +
  1 month = 28/29 February), as in C. proc. civ. art. 641 al. 2.
* « au moins N mois », « ne pas dater de plus de N mois », « au plus tôt N mois
  après »: the date that bears the same day number N months later is
  *accepted* (the period is then complete).
* « à l'expiration d'un délai de N ans », « conservées pendant N ans »: the delay
  expires at the end of the day bearing the same number, so the new state
  (communicable, anonymisable…) starts **the day after**.
* **Ages** are reached on the birthday (:func:`grc_core.calendar.birthday` /
  ``age_on``).  A person born on 29 February reaches an age, in a non-leap
  year, on **28 February** — the last day of the month stands for the missing
  29th, the rule of C. proc. civ. art. 641 al. 2 used for every delay in
  years; one convention for all plugins.  Thresholds of this module:
  recensement at 16/25, consent at 13, majority at 18.
* **Working days** (birth declaration): Saturdays, Sundays and the public
  holidays of :func:`grc_core.calendar.is_working_day`, i.e. the ``holidays``
  package (``holidays.France``), not a hand-written list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from grc_core.plugin_api import add_months, add_years, age_on, birthday, next_working_day

__all__ = [
    # enums
    "ActKind",
    "DocumentKind",
    "RequesterQuality",
    "RequestField",
    "RequestChannel",
    "RecensementStatus",
    "LivretRequester",
    # dataclasses
    "Eligibility",
    "BansTimeline",
    "RecensementWindow",
    "RecensementQuarter",
    # constants
    "REQUESTER_FIELDS",
    "BIRTH_DECLARATION_DELAY_DAYS",
    "BIRTH_DECLARATION_DELAY_DAYS_REMOTE",
    "BANS_POSTING_DAYS",
    "ARCHIVES_OPEN_AFTER_YEARS",
    "ARCHIVES_MINOR_YEARS",
    "ARCHIVES_AFTER_DEATH_YEARS",
    "CHILD_CONSENT_AGE",
    # dates
    "format_date_fr",
    # 1.1 – 1.3 copies and extracts
    "available_documents",
    "check_eligibility",
    "archives_open_on",
    "required_fields",
    # 1.6 marriage / PACS
    "marriage_bans_timeline",
    "check_celebration_date",
    "marriage_residence_established",
    "piece_is_fresh",
    # 1.6 recensement citoyen
    "recensement_window",
    "recensement_status",
    "recensement_quarter",
    # 1.6 déclaration de naissance
    "birth_declaration_deadline",
    "birth_declaration_is_late",
    "check_birth_declaration",
    # 1.6 nom / prénom
    "name_change_earliest_confirmation",
    "check_name_change_confirmation",
    "check_simplified_name_change",
    "child_consent_required",
    "name_change_extends_to_child",
    # 1.6 livret de famille
    "check_livret_duplicata",
    # 5.3 retention
    "copy_request_retention_ends_on",
    "copy_request_anonymisable_from",
    "copy_request_may_be_anonymised",
]


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


class RequesterQuality(StrEnum):
    """Quality of the person asking for a copy or an extract (rows of DR §1.2).

    ``interesse_majeur`` covers the person concerned who is *majeure ou
    émancipée*; ``interesse_mineur`` a minor who is not emancipated.
    ``mandataire`` covers both a written mandate and the holder of a
    *habilitation familiale* (C. civ. art. 494-1).  The row « Procureur, officier
    de l'état civil, autorités de nationalité, notaire » of DR §1.2 is split in
    four qualities with identical rights.  ``tiers`` is everybody else
    (frères et sœurs, oncles et tantes, concubin, voisin…).
    """

    INTERESSE_MAJEUR = "interesse_majeur"
    INTERESSE_MINEUR = "interesse_mineur"
    CONJOINT = "conjoint"
    PARTENAIRE_PACS = "partenaire_pacs"
    ASCENDANT = "ascendant"
    DESCENDANT = "descendant"
    REPRESENTANT_LEGAL = "representant_legal"
    MANDATAIRE = "mandataire"
    HERITIER = "heritier"
    AVOCAT = "avocat"
    PROCUREUR = "procureur"
    OFFICIER_ETAT_CIVIL = "officier_etat_civil"
    AUTORITE_NATIONALITE = "autorite_nationalite"
    NOTAIRE = "notaire"
    ADMINISTRATION = "administration"
    GENEALOGISTE = "genealogiste"
    TIERS = "tiers"


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


class RecensementStatus(StrEnum):
    """Situation of a young French person towards the recensement citoyen (DR §1.6)."""

    TROP_TOT = "trop_tot"
    DANS_LES_DELAIS = "dans_les_delais"
    REGULARISATION = "regularisation"
    HORS_DELAI = "hors_delai"


class LivretRequester(StrEnum):
    """Who asks for a duplicata of the livret de famille (DR §1.6)."""

    TITULAIRE = "titulaire"
    TUTEUR_MINEUR = "tuteur_mineur"
    ENFANT = "enfant"
    TIERS = "tiers"


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Outcome of a rule check.

    ``allowed``: the decision.  ``reason``: French sentence explaining a
    refusal (``None`` when allowed).  ``needs_manual_review`` / ``review_note``:
    the rule cannot decide alone and an agent must look (the note says why, in
    French); this can accompany an allowed *or* a refused outcome.
    ``archive_access``: access is granted only because the register is a
    public archive (code du patrimoine, art. L213-2).
    """

    allowed: bool
    reason: str | None = None
    needs_manual_review: bool = False
    review_note: str | None = None
    archive_access: bool = False

    def __post_init__(self) -> None:
        if self.allowed and self.reason is not None:
            raise ValueError("an allowed outcome carries no refusal reason")
        if not self.allowed and not self.reason:
            raise ValueError("a refusal must carry a reason")
        if self.needs_manual_review and not self.review_note:
            raise ValueError("a manual review must carry a note")


_ALLOWED = Eligibility(allowed=True)


def _refuse(reason: str) -> Eligibility:
    return Eligibility(allowed=False, reason=reason)


# ---------------------------------------------------------------------------
# Dates (months, ages and working days: grc_core.calendar)
# ---------------------------------------------------------------------------

_MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def format_date_fr(day: date) -> str:
    """Format a date the French way for messages: ``1er mars 2025``, ``15 juin 2024``."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS_FR[day.month - 1]} {day.year}"


def _deadline_day(
    last_day: date, is_non_working_day: Callable[[date], bool] | None
) -> date:
    """``last_day`` pushed to the next working day (C. proc. civ. art. 642 al. 2).

    ``None``: Saturdays, Sundays and national public holidays
    (:func:`grc_core.calendar.next_working_day`); otherwise the caller's
    predicate (Alsace-Moselle, overseas, a commune's « jour chômé »).
    """
    if is_non_working_day is None:
        return next_working_day(last_day)
    while is_non_working_day(last_day):
        last_day += timedelta(days=1)
    return last_day


def _last_day_of_month(year: int, month: int) -> date:
    return add_months(date(year, month, 1), 1) - timedelta(days=1)


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

_ACT_LABEL = {  # « d'un acte de … »
    ActKind.NAISSANCE: "d'un acte de naissance",
    ActKind.MARIAGE: "d'un acte de mariage",
    ActKind.DECES: "d'un acte de décès",
    ActKind.RECONNAISSANCE: "d'un acte de reconnaissance",
    ActKind.ENFANT_SANS_VIE: "d'un acte d'enfant sans vie",
}
_ACT_LABEL_POUR = {  # « pour un acte de … »
    ActKind.NAISSANCE: "pour un acte de naissance",
    ActKind.MARIAGE: "pour un acte de mariage",
    ActKind.DECES: "pour un acte de décès",
    ActKind.RECONNAISSANCE: "pour un acte de reconnaissance",
    ActKind.ENFANT_SANS_VIE: "pour un acte d'enfant sans vie",
}
_DOC_LABEL = {
    DocumentKind.COPIE_INTEGRALE: "la copie intégrale",
    DocumentKind.EXTRAIT_AVEC_FILIATION: "un extrait avec filiation",
    DocumentKind.EXTRAIT_SANS_FILIATION: "un extrait sans filiation",
    DocumentKind.EXTRAIT_PLURILINGUE: "un extrait plurilingue",
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
# DR §1.2 + §1.5 – who may obtain which document
# ---------------------------------------------------------------------------

ARCHIVES_OPEN_AFTER_YEARS = 75
"""Births/marriages registers open to anyone 75 years after clôture (C. patr. L213-2 I 4° e; DR §1.5)."""
ARCHIVES_MINOR_YEARS = 100
"""100-year delay for documents relating to a minor (C. patr. L213-2 I 5°) — only flagged (DR §1.5)."""
ARCHIVES_AFTER_DEATH_YEARS = 25
"""Alternative shorter delay: 25 years after the death of the person concerned (C. patr. L213-2 I 4°)."""

# Qualities entitled, without further condition, to the restricted documents
# (copie intégrale / extrait avec filiation of naissance & mariage, copie
# intégrale of reconnaissance): décret n° 2017-890, art. 30 al. 1, 3 and 4.
_ENTITLED = frozenset({
    RequesterQuality.INTERESSE_MAJEUR,
    RequesterQuality.CONJOINT,
    RequesterQuality.PARTENAIRE_PACS,
    RequesterQuality.ASCENDANT,
    RequesterQuality.DESCENDANT,
    RequesterQuality.REPRESENTANT_LEGAL,
    RequesterQuality.MANDATAIRE,
    RequesterQuality.PROCUREUR,
    RequesterQuality.OFFICIER_ETAT_CIVIL,
    RequesterQuality.AUTORITE_NATIONALITE,
    RequesterQuality.NOTAIRE,
})
_INTERESSE = frozenset({RequesterQuality.INTERESSE_MAJEUR, RequesterQuality.INTERESSE_MINEUR})
_ART30 = "(décret n° 2017-890, art. 30)"


def archives_open_on(
    register_closed_on: date, *, person_died_on: date | None = None
) -> date:
    """First day on which a births/marriages register (and its acts) is open to anyone.

    Source: code du patrimoine art. L213-2 I 4° e (75 years « à compter de leur
    clôture ») and 4° chapeau (or 25 years after the death of the person
    concerned if shorter); décret n° 2017-890 art. 26 (naissance,
    reconnaissance and mariage acts); DR §1.5.  The clôture is the date of
    the last act of the register; later marginal mentions do not change it
    (instruction DAF/DPACI/RES/2009/018; CADA 20235167).

    Reading: documents are communicable « à l'expiration » of the delay, which
    ends at the end of the day bearing the same number; the register is open
    **the next day** (a register closed on 31/12/1949 opens on 01/01/2025, as
    in archives practice).  ``person_died_on``: for a marriage act, pass the
    death of the last surviving spouse.
    """
    opens = add_years(register_closed_on, ARCHIVES_OPEN_AFTER_YEARS) + timedelta(days=1)
    if person_died_on is not None:
        after_death = add_years(person_died_on, ARCHIVES_AFTER_DEATH_YEARS) + timedelta(days=1)
        opens = min(opens, after_death)
    return opens


def _minor_delay_elapsed(register_closed_on: date, person_died_on: date | None, today: date) -> bool:
    opens = add_years(register_closed_on, ARCHIVES_MINOR_YEARS) + timedelta(days=1)
    if person_died_on is not None:
        opens = min(opens, add_years(person_died_on, ARCHIVES_AFTER_DEATH_YEARS) + timedelta(days=1))
    return today >= opens


def _restricted_refusal(
    act_kind: ActKind,
    document_kind: DocumentKind,
    quality: RequesterQuality,
    *,
    administration_legal_basis: str | None,
    genealogist_archives_authorisation: bool,
    genealogist_mandate: bool,
    minor_may_obtain_extrait_avec_filiation: bool,
    minor_may_obtain_reconnaissance_copy: bool,
) -> str | None:
    """Refusal reason for a restricted document (CI / EAF), ``None`` if entitled (décret 2017-890 art. 30)."""
    if quality in _ENTITLED or quality is RequesterQuality.AVOCAT:
        return None
    if quality is RequesterQuality.INTERESSE_MINEUR:
        if act_kind is ActKind.NAISSANCE and document_kind is DocumentKind.EXTRAIT_AVEC_FILIATION:
            if minor_may_obtain_extrait_avec_filiation:
                return None
            return ("Un mineur non émancipé ne peut pas obtenir lui-même un extrait avec filiation "
                    "de son acte de naissance : la demande doit être faite par son représentant "
                    f"légal {_ART30}.")
        if act_kind is ActKind.RECONNAISSANCE:
            if minor_may_obtain_reconnaissance_copy:
                return None
            return ("Un mineur non émancipé ne peut pas obtenir lui-même la copie intégrale de "
                    "l'acte de reconnaissance le concernant : la demande doit être faite par son "
                    f"représentant légal {_ART30}.")
        return ("Un mineur non émancipé ne peut pas obtenir lui-même la copie intégrale de son "
                f"acte de naissance : la demande doit être faite par son représentant légal {_ART30}.")
    if quality is RequesterQuality.ADMINISTRATION:
        if administration_legal_basis and administration_legal_basis.strip():
            return None
        return ("Une administration ne peut obtenir ce document que si un texte législatif ou "
                "réglementaire l'y autorise et si sa demande cite expressément ce texte "
                f"{_ART30}.")
    if quality is RequesterQuality.GENEALOGISTE:
        if genealogist_archives_authorisation and genealogist_mandate:
            return None
        return ("Un généalogiste ne peut obtenir ce document que s'il justifie de l'autorisation "
                "de consultation des actes délivrée par l'administration des archives et d'un "
                "mandat d'un notaire, d'un organisme d'assurance ou d'une personne ayant un "
                f"intérêt direct et légitime {_ART30}.")
    if quality is RequesterQuality.HERITIER:
        if act_kind is ActKind.RECONNAISSANCE:
            return None
        return (f"Un héritier ne peut obtenir qu'un extrait sans filiation {_ACT_LABEL[act_kind]} "
                f"{_ART30}.")
    # tiers
    if act_kind is ActKind.RECONNAISSANCE:
        return f"Un tiers ne peut pas obtenir la copie intégrale d'un acte de reconnaissance {_ART30}."
    return f"Un tiers ne peut obtenir qu'un extrait sans filiation {_ACT_LABEL[act_kind]} {_ART30}."


def check_eligibility(
    act_kind: ActKind | str,
    document_kind: DocumentKind | str,
    quality: RequesterQuality | str,
    *,
    register_closed_on: date | None = None,
    today: date | None = None,
    person_died_on: date | None = None,
    concerns_minor: bool | None = None,
    administration_legal_basis: str | None = None,
    genealogist_archives_authorisation: bool = False,
    genealogist_mandate: bool = False,
    avocat_client_quality: RequesterQuality | str | None = None,
    minor_may_obtain_extrait_avec_filiation: bool = False,
    minor_may_obtain_reconnaissance_copy: bool = False,
    plurilingue_as: DocumentKind | str = DocumentKind.EXTRAIT_AVEC_FILIATION,
) -> Eligibility:
    """May a requester of this quality obtain this document of this act?

    Sources: décret n° 2017-890 du 6 mai 2017, art. 30 (copies intégrales;
    LEGIARTI000039343185) and art. 30-33 (extraits: avec filiation = same
    persons as the copie intégrale; sans filiation = anyone; article numbers
    of the extrait rules not read verbatim, DR TODO 1.T1); service-public
    F1427; code du patrimoine art. L213-2 and décret 2017-890 art. 26
    (archives).  Implements the matrix of DR §1.2, DR §1.1 (document not
    available for the act) and DR §1.5 (archives).

    Rules, in order:

    1. The document must exist for the act (:func:`available_documents`).
    2. Décès and enfant sans vie: copie intégrale to anyone (art. 30, last
       paragraph).  The quality « intéressé » is *n/a* for these acts and is
       refused as an inconsistent entry (the agent records the real quality).
    3. Extrait sans filiation of naissance/mariage: anyone, without
       justification.
    4. Copie intégrale / extrait avec filiation of naissance/mariage and copie
       intégrale of reconnaissance: the person concerned if majeure ou
       émancipée, conjoint, partenaire de PACS, ascendants, descendants (no
       age condition in the décret), représentant légal, mandataire /
       habilitation familiale, procureur, officier de l'état civil, nationality
       authorities, notaire; the avocat (for what his client may obtain);
       an administration only with an express legal basis
       (``administration_legal_basis``, the text cited in its request); a
       généalogiste only with the archives authorisation **and** a mandate;
       héritiers only for reconnaissance.  Others (tiers) are refused.
    5. « Intéressé mineur » on a marriage act is *n/a*: marriage emancipates
       (C. civ. art. 413-1); refused as an inconsistent entry.
    6. Archives (DR §1.5): a refusal under 4. is lifted when the register is
       open to anyone (:func:`archives_open_on`, needs ``register_closed_on``;
       ``today`` defaults to the current date).  If the act concerns a person
       who was a minor (always for naissance and reconnaissance; for mariage
       only if ``concerns_minor=True``) and the 100-year delay of C. patr.
       L213-2 I 5° has not run, access is granted (CADA applies 75 years) but
       ``needs_manual_review`` is set: DR marks this as a conflict to flag,
       not to decide.

    Settings for rules marked « ? » in DR §1.2:

    * ``minor_may_obtain_extrait_avec_filiation`` (default ``False``): the
      2017 décret gives the copie intégrale to the person concerned only if
      majeure ou émancipée, and the extrait avec filiation to the same
      persons; the 1974 rule allowing it to a minor was not found in the 2017
      text (DR TODO 1.T2).
    * ``minor_may_obtain_reconnaissance_copy`` (default ``False``): art. 30
      gives reconnaissance copies « en outre » to the héritiers, i.e. to the
      persons of the first paragraph, which requires majority.
    * ``plurilingue_as`` (default extrait avec filiation): the décret has no
      rule for the extrait plurilingue; the CIEC multilingual extract states
      the parents, so it follows the extrait avec filiation rule by default.

    ``avocat_client_quality``: when given, the avocat gets what this client
    could obtain (art. 30 al. 3); when omitted the avocat is allowed but, for
    restricted documents, the outcome asks an agent to check the client's
    entitlement.
    """
    act_kind = ActKind(act_kind)
    document_kind = DocumentKind(document_kind)
    quality = RequesterQuality(quality)

    # 1. document available for the act (DR §1.1)
    if document_kind not in available_documents(act_kind):
        return _refuse(
            f"Seule la copie intégrale peut être délivrée {_ACT_LABEL_POUR[act_kind]} : "
            f"{_DOC_LABEL[document_kind]} n'existe pas pour cet acte."
        )

    # 2. décès / enfant sans vie: anyone (art. 30, last paragraph)
    if act_kind in (ActKind.DECES, ActKind.ENFANT_SANS_VIE):
        if quality in _INTERESSE:
            return _refuse(
                f"La qualité « personne concernée » est sans objet {_ACT_LABEL_POUR[act_kind]} : "
                "enregistrez la qualité réelle du demandeur (la copie intégrale "
                f"{_ACT_LABEL[act_kind]} peut être délivrée à toute personne, "
                "décret n° 2017-890, art. 30)."
            )
        return _ALLOWED

    # 5. a married minor is emancipated
    if act_kind is ActKind.MARIAGE and quality is RequesterQuality.INTERESSE_MINEUR:
        return _refuse(
            "Un mineur marié est émancipé de plein droit (code civil, art. 413-1) : "
            "enregistrez la demande en qualité de personne concernée majeure ou émancipée."
        )

    effective = document_kind
    if document_kind is DocumentKind.EXTRAIT_PLURILINGUE:
        effective = DocumentKind(plurilingue_as)
        if effective is DocumentKind.EXTRAIT_PLURILINGUE:
            raise ValueError("plurilingue_as must name another document kind")

    # 3. extrait sans filiation: anyone
    if effective is DocumentKind.EXTRAIT_SANS_FILIATION:
        return _ALLOWED

    # 4. restricted documents
    if quality is RequesterQuality.AVOCAT:
        if avocat_client_quality is None:
            return Eligibility(
                allowed=True,
                needs_manual_review=True,
                review_note=("Vérifier que le client de l'avocat est lui-même en droit d'obtenir "
                             "ce document (décret n° 2017-890, art. 30)."),
            )
        client = RequesterQuality(avocat_client_quality)
        if client is RequesterQuality.AVOCAT:
            raise ValueError("the client of an avocat cannot be given the quality avocat")
        outcome = check_eligibility(
            act_kind, document_kind, client,
            register_closed_on=register_closed_on, today=today,
            person_died_on=person_died_on, concerns_minor=concerns_minor,
            administration_legal_basis=administration_legal_basis,
            genealogist_archives_authorisation=genealogist_archives_authorisation,
            genealogist_mandate=genealogist_mandate,
            minor_may_obtain_extrait_avec_filiation=minor_may_obtain_extrait_avec_filiation,
            minor_may_obtain_reconnaissance_copy=minor_may_obtain_reconnaissance_copy,
            plurilingue_as=plurilingue_as,
        )
        if outcome.allowed:
            return outcome
        return _refuse(
            "Un avocat ne peut obtenir que les actes que son client est légalement fondé à "
            f"requérir {_ART30}. Motif pour le client : {outcome.reason}"
        )

    reason = _restricted_refusal(
        act_kind, effective, quality,
        administration_legal_basis=administration_legal_basis,
        genealogist_archives_authorisation=genealogist_archives_authorisation,
        genealogist_mandate=genealogist_mandate,
        minor_may_obtain_extrait_avec_filiation=minor_may_obtain_extrait_avec_filiation,
        minor_may_obtain_reconnaissance_copy=minor_may_obtain_reconnaissance_copy,
    )
    if reason is None:
        return _ALLOWED
    if document_kind is DocumentKind.EXTRAIT_PLURILINGUE:
        reason = f"L'extrait plurilingue suit les règles applicables à {_DOC_LABEL[effective]}. {reason}"

    # 6. archives (DR §1.5)
    if register_closed_on is None:
        return _refuse(reason)
    today = today if today is not None else date.today()
    opens_on = archives_open_on(register_closed_on, person_died_on=person_died_on)
    if today < opens_on:
        return _refuse(
            f"{reason} Le registre ne sera librement communicable à toute personne qu'à compter "
            f"du {format_date_fr(opens_on)} (code du patrimoine, art. L213-2)."
        )
    minor = concerns_minor if concerns_minor is not None else act_kind is not ActKind.MARIAGE
    if minor and not _minor_delay_elapsed(register_closed_on, person_died_on, today):
        return Eligibility(
            allowed=True,
            archive_access=True,
            needs_manual_review=True,
            review_note=(
                "Registre clos depuis plus de 75 ans, mais l'acte concerne une personne mineure : "
                "certaines sources appliquent un délai de 100 ans (code du patrimoine, "
                "art. L213-2 I 5°) alors que la CADA retient 75 ans à compter de la clôture. "
                "Un agent doit vérifier avant la délivrance."
            ),
        )
    return Eligibility(allowed=True, archive_access=True)


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
# DR §1.6 – dossier de mariage, PACS pieces
# ---------------------------------------------------------------------------

BANS_POSTING_DAYS = 10
"""Length of the posting of the bans, in days (C. civ. art. 64)."""


@dataclass(frozen=True)
class BansTimeline:
    """Key dates of a publication of marriage bans (see :func:`marriage_bans_timeline`)."""

    published_on: date
    posting_ends_on: date
    earliest_celebration: date
    latest_celebration: date


def marriage_bans_timeline(published_on: date) -> BansTimeline:
    """Dates derived from the publication of the bans.

    Sources: code civil art. 63, 64, 65 (DR §1.6 « Dossier de mariage »).

    * Art. 64: the affiche stays posted for ten days; « le mariage ne pourra
      être célébré avant le dixième jour depuis et non compris celui de la
      publication ».  Reading: the publication day is day 0 and is not
      counted; the tenth day is ``published_on + 10 days``.  That day is the
      last day of posting (``posting_ends_on``) and the **earliest**
      celebration date: the text forbids celebrating *before* the tenth day,
      not on it (publication on the 1st → celebration possible from the 11th).
    * Art. 65: if the marriage is not celebrated « dans l'année, à compter de
      l'expiration du délai de la publication », a new publication is needed.
      The publication delay expires at the end of the tenth day; the year ends
      on the same date one year later, which is the **latest** celebration
      date (29 February → 28 February).
    """
    tenth_day = published_on + timedelta(days=BANS_POSTING_DAYS)
    return BansTimeline(
        published_on=published_on,
        posting_ends_on=tenth_day,
        earliest_celebration=tenth_day,
        latest_celebration=add_years(tenth_day, 1),
    )


def check_celebration_date(
    published_on: date,
    celebration_on: date,
    *,
    delay_dispensed_by_procureur: bool = False,
) -> Eligibility:
    """Can the marriage be celebrated on ``celebration_on`` given the publication date?

    Sources: code civil art. 64 and 65 (see :func:`marriage_bans_timeline`);
    art. 169 (the procureur de la République may, for serious reasons,
    dispense from the publication delay: ``delay_dispensed_by_procureur``
    lifts the earliest-date check only).  DR §1.6.
    """
    timeline = marriage_bans_timeline(published_on)
    if celebration_on < timeline.earliest_celebration and not delay_dispensed_by_procureur:
        return _refuse(
            "Le mariage ne peut pas être célébré avant le dixième jour suivant la publication "
            "des bans, jour de la publication non compris (code civil, art. 64) : au plus tôt "
            f"le {format_date_fr(timeline.earliest_celebration)}."
        )
    if celebration_on > timeline.latest_celebration:
        return _refuse(
            "Le mariage n'a pas été célébré dans l'année suivant l'expiration du délai de "
            "publication : une nouvelle publication des bans est nécessaire (code civil, "
            f"art. 65). La publication permettait une célébration jusqu'au "
            f"{format_date_fr(timeline.latest_celebration)}."
        )
    return _ALLOWED


def marriage_residence_established(residence_started_on: date, published_on: date) -> bool:
    """Does a residence give the commune jurisdiction to celebrate the marriage?

    Source: code civil art. 74 (DR §1.6): the marriage is celebrated where one
    spouse or one of their parents has his domicile « ou sa résidence établie
    par un mois au moins d'habitation continue à la date de la publication ».
    Reading: true when the publication date is on or after
    ``residence_started_on + 1 month`` (month ends clamped: from 31 January,
    the month is complete on 28/29 February).  A *domicile* needs no duration
    and is not checked here; the continuity of the habitation is for the
    agent to assess.
    """
    return published_on >= add_months(residence_started_on, 1)


def piece_is_fresh(
    issued_on: date,
    on_date: date,
    issued_abroad: bool,
    *,
    max_months: int = 3,
    max_months_abroad: int = 6,
) -> bool:
    """Is a copy of a birth act recent enough on ``on_date``?

    Rule (DR §1.6): the copy must be less than 3 months old, 6 months if
    issued abroad (consulate / foreign authority).  ``on_date`` is the date of
    deposit of the marriage file, or the date of registration of a PACS.
    Sources: code civil art. 70 for marriage (« ne doit pas dater de plus de
    trois mois … six mois … consulat » — not read verbatim, DR TODO 1.T3,
    hence the keyword settings); loi 2016-1547 art. 48 and mairie practice for
    PACS (DR §1.6, conf. C).

    Reading: « ne pas dater de plus de trois mois » — the copy is still fresh
    on the date bearing the same day number three months later (10 January →
    10 April included; 30 November → 28/29 February included) and stale the
    next day.  Raises ``ValueError`` if ``issued_on`` is after ``on_date``.
    """
    if issued_on > on_date:
        raise ValueError("the piece is issued after the date it is checked on")
    months = max_months_abroad if issued_abroad else max_months
    return on_date <= add_months(issued_on, months)


# ---------------------------------------------------------------------------
# DR §1.6 – recensement citoyen
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecensementWindow:
    """Dates of the recensement obligation of one person (see :func:`recensement_window`)."""

    opens_on: date
    closes_on: date
    regularisation_until: date


@dataclass(frozen=True)
class RecensementQuarter:
    """Quarterly list a recensement belongs to (see :func:`recensement_quarter`)."""

    year: int
    quarter: int
    list_drawn_up_on: date
    list_sent_by: date


def recensement_window(birth_date: date, *, french_since: date | None = None) -> RecensementWindow:
    """Recensement window and regularisation limit of a young French person.

    Sources: code du service national art. L113-1 (« Tout Français âgé de seize
    ans est tenu de se faire recenser »), R*111-1 (« entre la date à laquelle
    ils atteignent l'âge de seize ans et la fin du troisième mois suivant »),
    chap. III of the legislative part (regularisation « en se faisant recenser
    avant l'âge de vingt-cinq ans ») and, for people who became French between
    16 and 25, L113-3 / R*111-2; DR §1.6.

    Readings:

    * ``opens_on`` = 16th birthday (:func:`grc_core.calendar.birthday`; a
      29 February child has a 29 February 16th birthday, except across a
      non-leap century year: born 29/02/2084 → 16 on 28/02/2100).
    * ``closes_on`` = last day of the third month following the month of the
      16th birthday (service-public: « le dernier jour du 3e mois qui suit
      celui de l'anniversaire »): 16 on 15 March → until 30 June.
    * ``regularisation_until`` = the day before the 25th birthday (« avant
      l'âge de vingt-cinq ans »); the 25th birthday of a 29 February child
      always falls in a non-leap year, hence on 28 February: regularisation
      until 27 February.
    * ``french_since`` (date the French nationality was acquired or notified),
      when between the 16th and the 25th birthday: the window opens on that
      date and closes at the end of the month following it (service-public:
      « avant la fin du 1er mois suivant la date d'acquisition »).  Raises
      ``ValueError`` if it is on or after the 25th birthday (no obligation).
    """
    sixteen = birthday(birth_date, 16)
    twenty_five = birthday(birth_date, 25)
    regularisation_until = twenty_five - timedelta(days=1)
    if french_since is not None and french_since > sixteen:
        if french_since >= twenty_five:
            raise ValueError("nationality acquired at 25 or later: no recensement obligation")
        end_month = add_months(french_since, 1)
        return RecensementWindow(
            opens_on=french_since,
            closes_on=_last_day_of_month(end_month.year, end_month.month),
            regularisation_until=regularisation_until,
        )
    end_month = add_months(sixteen, 3)
    return RecensementWindow(
        opens_on=sixteen,
        closes_on=_last_day_of_month(end_month.year, end_month.month),
        regularisation_until=regularisation_until,
    )


def recensement_status(
    birth_date: date, on_date: date, *, french_since: date | None = None
) -> RecensementStatus:
    """Status of a recensement made (or considered) on ``on_date``.

    ``trop_tot`` before the window opens (before the 16th birthday, or before
    the nationality was acquired); ``dans_les_delais`` inside the window
    (bounds included); ``regularisation`` after it and up to the day before
    the 25th birthday; ``hors_delai`` from the 25th birthday.  Sources and
    readings: :func:`recensement_window`; DR §1.6.
    """
    window = recensement_window(birth_date, french_since=french_since)
    if on_date < window.opens_on:
        return RecensementStatus.TROP_TOT
    if on_date <= window.closes_on:
        return RecensementStatus.DANS_LES_DELAIS
    if on_date <= window.regularisation_until:
        return RecensementStatus.REGULARISATION
    return RecensementStatus.HORS_DELAI


def recensement_quarter(recensed_on: date) -> RecensementQuarter:
    """Quarterly tranche and municipal list a recensement belongs to.

    Sources: code du service national art. R*111-8 (people recensed in the same
    calendar year form a class, split « en quatre tranches trimestrielles,
    selon la date de dépôt de leur déclaration »), R111-9 (« au début des mois
    d'avril, juillet, octobre et janvier » the maire draws up the list of the
    people recensed « au cours du trimestre précédent ») and R111-10 (lists
    sent « à la fin des mois d'avril, juillet, octobre et janvier »); DR §1.6.

    Returns the calendar quarter (1-4) of ``recensed_on``, the first day of
    the month in which its list is drawn up (1 April, 1 July, 1 October or
    1 January of the next year) and the last day of that month (sending
    deadline).
    """
    quarter = (recensed_on.month - 1) // 3 + 1
    first_of_quarter = date(recensed_on.year, 3 * quarter - 2, 1)
    drawn_up = add_months(first_of_quarter, 3)
    return RecensementQuarter(
        year=recensed_on.year,
        quarter=quarter,
        list_drawn_up_on=drawn_up,
        list_sent_by=_last_day_of_month(drawn_up.year, drawn_up.month),
    )


# ---------------------------------------------------------------------------
# DR §1.6 – déclaration de naissance
# ---------------------------------------------------------------------------

BIRTH_DECLARATION_DELAY_DAYS = 5
"""Delay to declare a birth (C. civ. art. 55 al. 1)."""
BIRTH_DECLARATION_DELAY_DAYS_REMOTE = 8
"""Delay in the remote communes listed by décret n° 2017-278, art. 2 (C. civ. art. 55 al. 2)."""


def birth_declaration_deadline(
    born_on: date,
    *,
    remote_commune: bool = False,
    delay_days: int | None = None,
    is_non_working_day: Callable[[date], bool] | None = None,
) -> date:
    """Last day on which a birth can be declared without a court judgment.

    Sources: code civil art. 55 (five days from the delivery; eight days in
    communes designated by decree because of distance); décret n° 2017-278 du
    2 mars 2017, art. 1 (« Le jour de l'accouchement n'est pas compté dans le
    délai de déclaration de naissance. Lorsque le dernier jour du délai est un
    samedi, un dimanche, un jour férié ou chômé, ce délai est prorogé jusqu'au
    premier jour ouvrable suivant. ») and art. 2 (eight days for Apatou,
    Awala-Yalimapo, Camopi, Grand-Santi, Iracoubo, Mana, Maripasoula,
    Ouanary, Papaïchton, Régina, Saint-Élie, Saint-Georges, Saint-Laurent-du-
    Maroni, Saül and Sinnamary, in Guyane); DR §1.6.

    Counting: born on day D, the delay runs on D+1 … D+5; the last day is
    D+5 (D+8 with ``remote_commune=True``; ``delay_days`` overrides both, for
    a commune setting).  Saturdays, Sundays and holidays *inside* the delay
    count; only a non-working **last** day is pushed to the next working day.
    ``is_non_working_day=None`` (default) means Saturdays, Sundays and the
    national public holidays of the ``holidays`` package
    (:func:`grc_core.calendar.is_working_day`); Alsace-Moselle (e.g.
    ``lambda d: not is_working_day(d, alsace_moselle=True)``), overseas
    communes, or a commune whose service is closed (« jour chômé ») pass
    their own predicate.
    """
    if delay_days is None:
        delay_days = BIRTH_DECLARATION_DELAY_DAYS_REMOTE if remote_commune else BIRTH_DECLARATION_DELAY_DAYS
    last_day = born_on + timedelta(days=delay_days)
    return _deadline_day(last_day, is_non_working_day)


def birth_declaration_is_late(
    born_on: date,
    declared_on: date,
    *,
    remote_commune: bool = False,
    delay_days: int | None = None,
    is_non_working_day: Callable[[date], bool] | None = None,
) -> bool:
    """True when a declaration on ``declared_on`` is after :func:`birth_declaration_deadline`.

    A late birth can only be recorded under a judgment of the tribunal
    (C. civ. art. 55 al. 3; DR §1.6).  Raises ``ValueError`` if
    ``declared_on`` is before ``born_on``.
    """
    if declared_on < born_on:
        raise ValueError("a birth cannot be declared before it happens")
    deadline = birth_declaration_deadline(
        born_on, remote_commune=remote_commune, delay_days=delay_days,
        is_non_working_day=is_non_working_day,
    )
    return declared_on > deadline


def check_birth_declaration(
    born_on: date,
    declared_on: date,
    *,
    remote_commune: bool = False,
    delay_days: int | None = None,
    is_non_working_day: Callable[[date], bool] | None = None,
) -> Eligibility:
    """Can the officier de l'état civil record the birth declared on ``declared_on``?

    Refused, with the reason, when the declaration is late
    (:func:`birth_declaration_is_late`): the birth can then only be recorded
    under a *jugement déclaratif de naissance* (C. civ. art. 55 al. 3).
    Sources and counting: :func:`birth_declaration_deadline`; DR §1.6.
    """
    options = dict(remote_commune=remote_commune, delay_days=delay_days,
                   is_non_working_day=is_non_working_day)
    if not birth_declaration_is_late(born_on, declared_on, **options):
        return _ALLOWED
    deadline = birth_declaration_deadline(born_on, **options)
    return _refuse(
        f"La naissance devait être déclarée au plus tard le {format_date_fr(deadline)} : "
        "passé ce délai, elle ne peut être inscrite sur les registres qu'en vertu d'un "
        "jugement du tribunal judiciaire (code civil, art. 55)."
    )


# ---------------------------------------------------------------------------
# DR §1.6 – changement de nom (procédure simplifiée) / changement de prénom
# ---------------------------------------------------------------------------

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
            "La demande de changement de nom ne peut être confirmée qu'au moins un mois après "
            f"sa réception, soit à partir du {format_date_fr(earliest)} (code civil, art. 61-3-1)."
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
    refused; age per :func:`grc_core.calendar.age_on`: a person born on
    29 February is majeur from 28 February in a non-leap year), and « ce choix
    ne peut être fait qu'une seule fois » — once in a lifetime, without
    prejudice to a change by decree under art. 61.  ``already_used_simplified_procedure`` is a plain
    value the agent or the birth act's mentions provide.  DR §1.6.
    """
    if age_on(applicant_birth_date, request_date) < _MAJORITY_AGE:
        return _refuse(
            "Le changement de nom par la procédure simplifiée est réservé aux personnes "
            "majeures (code civil, art. 61-3-1)."
        )
    if already_used_simplified_procedure:
        return _refuse(
            "Le changement de nom par la procédure simplifiée ne peut être fait qu'une seule "
            "fois dans sa vie (code civil, art. 61-3-1) ; un changement de nom par décret reste "
            "possible (code civil, art. 61)."
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
    on 28 February of a non-leap year (:func:`grc_core.calendar.birthday`).
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


# ---------------------------------------------------------------------------
# DR §1.6 – livret de famille, duplicata
# ---------------------------------------------------------------------------


def check_livret_duplicata(
    requester: LivretRequester | str, *, procureur_agreement: bool = False
) -> Eligibility:
    """May this person obtain a duplicata (second livret) of the livret de famille?

    Source: service-public F11994 as mirrored by commune sites (DR §1.6, conf.
    B): only the titulaire(s) may ask (loss, theft, destruction, separation
    or divorce — the spouse without the original is a titulaire); the
    children cannot obtain one, even after the titulaires' death; the tutor of
    a minor child may, with the agreement of the procureur de la République
    (``procureur_agreement``).
    """
    requester = LivretRequester(requester)
    if requester is LivretRequester.TITULAIRE:
        return _ALLOWED
    if requester is LivretRequester.TUTEUR_MINEUR:
        if procureur_agreement:
            return _ALLOWED
        return _refuse(
            "Le tuteur d'un enfant mineur ne peut obtenir un duplicata du livret de famille "
            "qu'avec l'accord du procureur de la République."
        )
    if requester is LivretRequester.ENFANT:
        return _refuse(
            "Seuls les titulaires du livret de famille peuvent en demander un duplicata : "
            "les enfants ne le peuvent pas, même après le décès de leurs parents."
        )
    return _refuse("Seuls les titulaires du livret de famille peuvent en demander un duplicata.")


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
