"""Dérogations de secteur: cases, contributions of the home commune, information deadline (§3.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from grc_core.plugin_api import RuleText
from grc_core.plugin_api import lazy_text as _l

from .common import _slug


class DerogationReason(StrEnum):
    """Reasons of a dérogation request (§3.3)."""

    #: R212-21 1°: parents (or tutor) both working and the commune de
    #: résidence provides neither restauration nor garde (or only one of
    #: them), or no organised service d'assistantes maternelles
    PARENTS_TRAVAILLENT_SANS_RESTAURATION_NI_GARDE = (
        "parents_travaillent_sans_restauration_ni_garde"
    )
    #: R212-21 2°: frère/sœur enrolled the same year in a public maternelle /
    #: élémentaire of the commune d'accueil (schools only, CE 6 juin 2018)
    FRERE_OU_SOEUR_SCOLARISE = "frere_ou_soeur_scolarise"
    #: R212-21 3°: frequent hospitalisation / regular care in the commune
    #: d'accueil, attested by the médecin scolaire or a médecin agréé
    RAISON_MEDICALE = "raison_medicale"
    #: the commune de résidence has no capacity to receive the child
    #: (L212-8 al. 3 — hors §3 tables, referred to in the R212-21 2° row)
    CAPACITE_INSUFFISANTE = "capacite_insuffisante"
    #: continuing a maternelle/élémentaire cycle started in the commune
    #: d'accueil (L212-8 last al., §3.3 C)
    CONTINUITE_DE_CYCLE = "continuite_de_cycle"
    #: any other reason (convenance personnelle, mode de garde chosen by the
    #: family, work place…)
    CONVENANCE_PERSONNELLE = "convenance_personnelle"


_R212_21_CASES: Final = {
    DerogationReason.PARENTS_TRAVAILLENT_SANS_RESTAURATION_NI_GARDE: 1,
    DerogationReason.FRERE_OU_SOEUR_SCOLARISE: 2,
    DerogationReason.RAISON_MEDICALE: 3,
}

_R212_21_NOTES: Final = {
    1: _l("check: both parents (or the guardian) work and the home commune does not provide both the canteen and "
          "childcare (or has no organised service of assistantes maternelles)"),
    2: _l("check: brother or sister enrolled the same year in a public école maternelle or élémentaire of the host "
          "commune, that enrolment being itself justified (R212-21 1°, 2°, lack of capacity or last paragraph of "
          "L212-8); schools only, not collège/lycée (CE 6 juin 2018 n°410463)"),
    3: _l("check: frequent hospital stays or regular care in the host commune, attested by the school doctor or an "
          "approved doctor"),
}


class DerogationScope(StrEnum):
    INTRA_COMMUNE = "intra_commune"
    INTER_COMMUNE = "inter_commune"


class Contribution(StrEnum):
    """Financial contribution of the commune de résidence (L212-8)."""

    #: same commune: no cost sharing between communes
    SANS_OBJET = "sans_objet"
    #: the commune de résidence must pay even without its maire's agreement
    OBLIGATOIRE = "obligatoire"
    #: the commune de résidence pays only if its maire agreed
    SUR_ACCORD = "sur_accord"
    #: schooling already started cannot be challenged before the end of the
    #: cycle; the existing arrangement goes on
    MAINTENUE = "maintenue"


@dataclass(frozen=True)
class DerogationCase:
    """Qualification of a dérogation request (see :func:`derogation_case`)."""

    scope: DerogationScope
    reason: DerogationReason
    decided_by: RuleText
    contribution: Contribution
    r212_21_case: int | None
    legal_basis: str
    notes: tuple[RuleText, ...] = field(default=())

    @property
    def home_commune_must_contribute(self) -> bool:
        """True when the commune de résidence must share the costs even
        without its agreement (R212-21 cases, or lack of capacity)."""
        return self.contribution is Contribution.OBLIGATOIRE


def _commune_key(commune: str) -> str:
    key = _slug(commune)
    if not key:
        raise ValueError("commune non renseignée")
    return key


def derogation_case(
    home_commune: str, school_commune: str, reason: DerogationReason | str
) -> DerogationCase:
    """Qualify a dérogation de secteur (§3.3).

    ``home_commune`` / ``school_commune``: INSEE codes (recommended) or names
    — compared case-, accent- and hyphen-insensitively; pass the same kind of
    identifier for both.

    * Same commune → *intra-commune*: the maire alone decides (he may
      derogate from the sectorisation délibération when issuing the
      certificat d'inscription — RM JO AN 30/06/2009 n°41437, RM JO AN
      01/11/2016 n°96746, B); no cost sharing.
    * Different communes → *inter-commune*: agreement of the maire of the
      commune d'accueil, and of the maire of the commune de résidence for the
      cost sharing (L212-8, B), except in the three cases of R212-21 (A)
      where the commune de résidence must pay without its agreement
      (``r212_21_case`` = 1, 2 or 3, ``home_commune_must_contribute``):
      1° working parents without restauration/garde, 2° frère/sœur,
      3° health.  Lack of capacity of the commune de résidence also obliges
      it to pay (L212-8 al. 3 — hors §3 tables).  A cycle started in the
      commune d'accueil cannot be interrupted (L212-8 last al., C).

    The function qualifies the request from its declared reason; the notes
    list what the agent must verify.
    """
    reason = DerogationReason(reason)
    if _commune_key(home_commune) == _commune_key(school_commune):
        notes: tuple[RuleText, ...] = ()
        if reason in _R212_21_CASES:
            notes = (
                _l("the cases of article R212-21 only share the costs between communes: they do not apply inside "
                   "the commune, the maire weighs the reason"),
            )
        return DerogationCase(
            scope=DerogationScope.INTRA_COMMUNE,
            reason=reason,
            decided_by=_l("the maire of the commune, alone competent to derogate from the school sectors by "
                          "issuing the certificat d'inscription"),
            contribution=Contribution.SANS_OBJET,
            r212_21_case=None,
            legal_basis="C. éduc. L212-7 ; RM JO AN 30/06/2009 n°41437 ; RM JO AN 01/11/2016 "
                        "n°96746",
            notes=notes,
        )

    decided_by = _l("the maire of the host commune, with the agreement of the maire of the home commune for the "
                    "sharing of the costs (C. éduc. L212-8)")
    case = _R212_21_CASES.get(reason)
    if case is not None:
        return DerogationCase(
            scope=DerogationScope.INTER_COMMUNE,
            reason=reason,
            decided_by=_l("the maire of the host commune; the agreement of the maire of the home commune is not "
                          "required for the sharing of the costs (C. éduc. L212-8 al. 5, R212-21)"),
            contribution=Contribution.OBLIGATOIRE,
            r212_21_case=case,
            legal_basis=f"C. éduc. L212-8 al. 5 ; R212-21 {case}°",
            notes=(
                _R212_21_NOTES[case],
                _l("the home commune shares the costs even without the agreement of its maire"),
                _l("the maire of the host commune informs the maire of the home commune within 2 weeks of the "
                   "enrolment (décret 98-45)"),
            ),
        )
    if reason is DerogationReason.CAPACITE_INSUFFISANTE:
        return DerogationCase(
            scope=DerogationScope.INTER_COMMUNE,
            reason=reason,
            decided_by=_l("the maire of the host commune; the agreement of the maire of the home commune is not "
                          "required for the sharing of the costs if it lacks the capacity (C. éduc. L212-8 al. 3)"),
            contribution=Contribution.OBLIGATOIRE,
            r212_21_case=None,
            legal_basis="C. éduc. L212-8 al. 3",
            notes=(
                _l("check: the schools of the home commune lack the capacity to take the child; otherwise the "
                   "sharing of the costs needs the agreement of its maire"),
            ),
        )
    if reason is DerogationReason.CONTINUITE_DE_CYCLE:
        return DerogationCase(
            scope=DerogationScope.INTER_COMMUNE,
            reason=reason,
            decided_by=decided_by,
            contribution=Contribution.MAINTENUE,
            r212_21_case=None,
            legal_basis="C. éduc. L212-8 dernier alinéa",
            notes=(
                _l("the schooling in maternelle or élémentaire started or continued the year before in the host "
                   "commune cannot be called into question before the end of the cycle"),
            ),
        )
    return DerogationCase(
        scope=DerogationScope.INTER_COMMUNE,
        reason=reason,
        decided_by=decided_by,
        contribution=Contribution.SUR_ACCORD,
        r212_21_case=None,
        legal_basis="C. éduc. L212-8",
        notes=(
            _l("outside the cases of article R212-21: the home commune shares the costs only if its maire agreed"),
        ),
    )


def home_commune_information_deadline(inscription_date: date) -> date:
    """Last day for the maire of the commune d'accueil to inform the commune
    de résidence of an inscription under an R212-21 case: 2 weeks
    (décret 98-45, §3.3, confidence C)."""
    return inscription_date + timedelta(weeks=2)
