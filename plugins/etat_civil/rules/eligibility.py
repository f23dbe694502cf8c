"""Who may obtain which copy or extract of an act, archives included (DR §1.2, §1.5)."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from grc_core.plugin_api import Joined, RuleText, add_years
from grc_core.plugin_api import lazy_text as _l

from .actes import ActKind, DocumentKind, available_documents
from .common import _ALLOWED, Eligibility, _refuse


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


_ACT_LABEL = {  # « d'un acte de … »
    ActKind.NAISSANCE: _l("of a birth act"),
    ActKind.MARIAGE: _l("of a marriage act"),
    ActKind.DECES: _l("of a death act"),
    ActKind.RECONNAISSANCE: _l("of a recognition act"),
    ActKind.ENFANT_SANS_VIE: _l("of an act of a stillborn child"),
}
_ACT_LABEL_POUR = {  # « pour un acte de … »
    ActKind.NAISSANCE: _l("for a birth act"),
    ActKind.MARIAGE: _l("for a marriage act"),
    ActKind.DECES: _l("for a death act"),
    ActKind.RECONNAISSANCE: _l("for a recognition act"),
    ActKind.ENFANT_SANS_VIE: _l("for an act of a stillborn child"),
}
_DOC_LABEL = {
    DocumentKind.COPIE_INTEGRALE: _l("the full copy"),
    DocumentKind.EXTRAIT_AVEC_FILIATION: _l("an extract with parentage"),
    DocumentKind.EXTRAIT_SANS_FILIATION: _l("an extract without parentage"),
    DocumentKind.EXTRAIT_PLURILINGUE: _l("a multilingual extract"),
}


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


def check_person_death_date(
    act_kind: ActKind | str, died_on: date, *, act_on: date | None, today: date
) -> Eligibility:
    """Is ``died_on`` a possible death date of the person an act concerns?

    The date is the input of the 25-years-after-death opening of births,
    reconnaissance and marriage acts (code du patrimoine art. L213-2 I 4°
    chapeau; DR §1.5, :func:`archives_open_on`).  A person cannot have died
    after ``today``, nor before the date of the act that concerns them: the
    birth (naissance) or the marriage (mariage: the death of the last
    surviving spouse).  Dying on the very day of the act is possible.  For a
    reconnaissance, which may precede the birth, only ``today`` bounds it.
    Décès and enfant sans vie acts are open to anyone: the date is not asked
    for them and is refused as an inconsistent entry.
    """
    act_kind = ActKind(act_kind)
    if act_kind in (ActKind.DECES, ActKind.ENFANT_SANS_VIE):
        return _refuse(_l("The date of death of the person concerned is used only for birth, recognition and "
                          "marriage acts: death acts may be given to anyone."))
    if died_on > today:
        return _refuse(_l("The date of death of the person concerned cannot be in the future."))
    if act_on is not None and act_kind is not ActKind.RECONNAISSANCE and died_on < act_on:
        if act_kind is ActKind.NAISSANCE:
            return _refuse(_l("The date of death of the person concerned cannot be before the birth (%(day)s).",
                              day=act_on))
        return _refuse(_l("The date of death of the person concerned cannot be before the marriage (%(day)s).",
                          day=act_on))
    return _ALLOWED


def _minor_delay_elapsed(register_closed_on: date, person_died_on: date | None, today: date) -> bool:
    opens = add_years(register_closed_on, ARCHIVES_MINOR_YEARS) + timedelta(days=1)
    if person_died_on is not None:
        opens = min(opens, add_years(person_died_on, ARCHIVES_AFTER_DEATH_YEARS) + timedelta(days=1))
    return today >= opens


@dataclass(frozen=True)
class EligibilityInput:
    """A request for a copy or an extract, as :func:`check_eligibility` reads it.

    ``act_kind``, ``document_kind`` and ``quality`` accept the enum members or
    their string values and hold the members (``ValueError`` for an unknown
    value).  The other fields are the facts the agent records and the
    commune's settings for the rules DR §1.2 marks « ? »; their meaning is in
    :func:`check_eligibility`.
    """

    act_kind: ActKind | str
    document_kind: DocumentKind | str
    quality: RequesterQuality | str
    _: KW_ONLY
    register_closed_on: date | None = None
    today: date | None = None
    person_died_on: date | None = None
    concerns_minor: bool | None = None
    administration_legal_basis: str | None = None
    genealogist_archives_authorisation: bool = False
    genealogist_mandate: bool = False
    avocat_client_quality: RequesterQuality | str | None = None
    minor_may_obtain_extrait_avec_filiation: bool = False
    minor_may_obtain_reconnaissance_copy: bool = False
    plurilingue_as: DocumentKind | str = DocumentKind.EXTRAIT_AVEC_FILIATION

    def __post_init__(self) -> None:
        object.__setattr__(self, "act_kind", ActKind(self.act_kind))
        object.__setattr__(self, "document_kind", DocumentKind(self.document_kind))
        object.__setattr__(self, "quality", RequesterQuality(self.quality))


def check_eligibility(request: EligibilityInput) -> Eligibility:
    """May a requester of this quality obtain this document of this act?

    The settings and facts named below (``register_closed_on``, ``today``…)
    are fields of ``request``.

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
    inconsistent = _unavailable_or_inconsistent(request)
    if inconsistent is not None:
        return inconsistent
    # 2. décès / enfant sans vie: anyone (art. 30, last paragraph)
    if request.act_kind in (ActKind.DECES, ActKind.ENFANT_SANS_VIE):
        return _ALLOWED
    effective = _effective_document(request)
    # 3. extrait sans filiation: anyone
    if effective is DocumentKind.EXTRAIT_SANS_FILIATION:
        return _ALLOWED
    # 4. restricted documents
    if request.quality is RequesterQuality.AVOCAT:
        return _avocat_outcome(request)
    reason = _restricted_refusal(request, effective)
    if reason is None:
        return _ALLOWED
    if request.document_kind is DocumentKind.EXTRAIT_PLURILINGUE:
        reason = Joined(_l("The multilingual extract follows the rules of %(document)s.",
                           document=_DOC_LABEL[effective]), reason)
    return _archives_outcome(request, reason)


def _unavailable_or_inconsistent(request: EligibilityInput) -> Eligibility | None:
    """Refusal of a document the act does not have (rule 1) or of a quality that cannot apply (rules 2, 5)."""
    act_kind, document_kind, quality = request.act_kind, request.document_kind, request.quality
    if document_kind not in available_documents(act_kind):
        return _refuse(
            _l("Only the full copy may be delivered %(for_act)s: %(document)s does not exist for this act.",
               for_act=_ACT_LABEL_POUR[act_kind], document=_DOC_LABEL[document_kind])
        )
    if act_kind in (ActKind.DECES, ActKind.ENFANT_SANS_VIE) and quality in _INTERESSE:
        return _refuse(
            _l("The standing « person concerned » does not apply %(for_act)s: record the requester's real "
               "standing (the full copy %(of_act)s may be delivered to anyone, décret n° 2017-890, art. 30).",
               for_act=_ACT_LABEL_POUR[act_kind], of_act=_ACT_LABEL[act_kind])
        )
    # a married minor is emancipated
    if act_kind is ActKind.MARIAGE and quality is RequesterQuality.INTERESSE_MINEUR:
        return _refuse(
            _l("A married minor is emancipated by law (code civil, art. 413-1): record the request with the "
               "standing of an adult or emancipated person concerned.")
        )
    return None


def _effective_document(request: EligibilityInput) -> DocumentKind:
    """The document whose rules apply: the extrait plurilingue follows ``plurilingue_as``."""
    if request.document_kind is not DocumentKind.EXTRAIT_PLURILINGUE:
        return request.document_kind
    effective = DocumentKind(request.plurilingue_as)
    if effective is DocumentKind.EXTRAIT_PLURILINGUE:
        raise ValueError("plurilingue_as must name another document kind")
    return effective


def _avocat_outcome(request: EligibilityInput) -> Eligibility:
    """The avocat obtains what his client could obtain (art. 30 al. 3), or an agent checks the client."""
    if request.avocat_client_quality is None:
        return Eligibility(
            allowed=True,
            needs_manual_review=True,
            review_note=_l("Check that the lawyer's client is himself entitled to obtain this document (décret "
                           "n° 2017-890, art. 30)."),
        )
    client = RequesterQuality(request.avocat_client_quality)
    if client is RequesterQuality.AVOCAT:
        raise ValueError("the client of an avocat cannot be given the quality avocat")
    outcome = check_eligibility(replace(request, quality=client, avocat_client_quality=None))
    if outcome.allowed:
        return outcome
    return _refuse(
        _l("A lawyer may obtain only the acts his client is legally entitled to ask for (décret n° 2017-890, "
           "art. 30). Reason for the client: %(reason)s", reason=outcome.reason)
    )


def _restricted_refusal(request: EligibilityInput, document_kind: DocumentKind) -> RuleText | None:
    """Refusal reason for a restricted document (CI / EAF), ``None`` if entitled (décret 2017-890 art. 30)."""
    act_kind, quality = request.act_kind, request.quality
    if quality in _ENTITLED or quality is RequesterQuality.AVOCAT:
        return None
    if quality is RequesterQuality.INTERESSE_MINEUR:
        if act_kind is ActKind.NAISSANCE and document_kind is DocumentKind.EXTRAIT_AVEC_FILIATION:
            if request.minor_may_obtain_extrait_avec_filiation:
                return None
            return _l("A minor who is not emancipated cannot himself obtain an extract with parentage of his birth "
                      "act: the request must be made by his legal representative (décret n° 2017-890, art. 30).")
        if act_kind is ActKind.RECONNAISSANCE:
            if request.minor_may_obtain_reconnaissance_copy:
                return None
            return _l("A minor who is not emancipated cannot himself obtain the full copy of the recognition act "
                      "concerning him: the request must be made by his legal representative (décret n° 2017-890, "
                      "art. 30).")
        return _l("A minor who is not emancipated cannot himself obtain the full copy of his birth act: the request "
                  "must be made by his legal representative (décret n° 2017-890, art. 30).")
    if quality is RequesterQuality.ADMINISTRATION:
        if request.administration_legal_basis and request.administration_legal_basis.strip():
            return None
        return _l("An administration may obtain this document only if a law or a regulation allows it and its "
                  "request cites that text expressly (décret n° 2017-890, art. 30).")
    if quality is RequesterQuality.GENEALOGISTE:
        if request.genealogist_archives_authorisation and request.genealogist_mandate:
            return None
        return _l("A genealogist may obtain this document only if he proves the authorisation to consult the acts "
                  "given by the archives administration and a mandate from a notaire, an insurance body or a person "
                  "with a direct and legitimate interest (décret n° 2017-890, art. 30).")
    if quality is RequesterQuality.HERITIER:
        if act_kind is ActKind.RECONNAISSANCE:
            return None
        return _l("An heir may obtain only an extract without parentage %(of_act)s (décret n° 2017-890, art. 30).",
                  of_act=_ACT_LABEL[act_kind])
    # tiers
    if act_kind is ActKind.RECONNAISSANCE:
        return _l("A third party cannot obtain the full copy of a recognition act (décret n° 2017-890, art. 30).")
    return _l("A third party may obtain only an extract without parentage %(of_act)s (décret n° 2017-890, art. 30).",
              of_act=_ACT_LABEL[act_kind])


def _archives_outcome(request: EligibilityInput, reason: RuleText | Joined) -> Eligibility:
    """Rule 6: a refusal under rule 4 is lifted once the register is a public archive (DR §1.5)."""
    if request.register_closed_on is None:
        return _refuse(reason)
    today = request.today if request.today is not None else date.today()
    opens_on = archives_open_on(request.register_closed_on, person_died_on=request.person_died_on)
    if today < opens_on:
        return _refuse(Joined(reason, _l("The register will be open to anyone only from %(day)s (code du "
                                         "patrimoine, art. L213-2).", day=opens_on)))
    concerns_minor = request.concerns_minor
    minor = concerns_minor if concerns_minor is not None else request.act_kind is not ActKind.MARIAGE
    if minor and not _minor_delay_elapsed(request.register_closed_on, request.person_died_on, today):
        return Eligibility(
            allowed=True,
            archive_access=True,
            needs_manual_review=True,
            review_note=_l(
                "Register closed more than 75 years ago, but the act concerns a minor: some sources apply a "
                "100-year delay (code du patrimoine, art. L213-2 I 5°) while the CADA holds 75 years from the "
                "closing. An agent must check before delivery."
            ),
        )
    return Eligibility(allowed=True, archive_access=True)
