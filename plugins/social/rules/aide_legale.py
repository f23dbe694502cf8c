"""Aide sociale légale: transmission of the file and the deciding authority (§4.1)."""

from __future__ import annotations

import datetime as _dt
from enum import StrEnum

from grc_core.plugin_api import add_months

from .common import _require_date


LEGAL_AID_TRANSMISSION_MONTHS = 1
"""§4.1 'Aide sociale légale — filing': transmit within 1 month (L131-1, conf. B)."""


def legal_aid_transmission_due(filed_on: _dt.date) -> _dt.date:
    """Last day for the CCAS to transmit a legal-aid file to the decider.

    Source: §4.1 'Aide sociale légale — filing' (CASF L131-1): the CCAS builds
    the file whatever its merits and transmits it, with its opinion, **within
    1 month** to the président du conseil départemental or the préfet
    (:func:`deciding_authority`).  Filed 31 January 2025 → due 28 February 2025.
    """
    return add_months(_require_date(filed_on, "filed_on"), LEGAL_AID_TRANSMISSION_MONTHS)


class LegalAidBenefit(StrEnum):
    """Legal-aid benefits named in §4.1 'Aide sociale légale — decision'."""

    APA = "apa"  # allocation personnalisée d'autonomie
    PCH = "pch"  # prestation de compensation du handicap
    HEBERGEMENT_PERSONNES_AGEES = "hebergement_pa"  # aide sociale à l'hébergement PA
    HEBERGEMENT_PERSONNES_HANDICAPEES = "hebergement_ph"  # aide sociale à l'hébergement PH
    AME = "ame"  # aide médicale de l'État
    CHRS = "chrs"  # admission en centre d'hébergement et de réinsertion sociale


class Authority(StrEnum):
    """Who decides a legal-aid application (never the CCAS)."""

    DEPARTEMENT = "departement"  # président du conseil départemental
    PREFET = "prefet"


_AUTHORITY_BY_BENEFIT = {
    LegalAidBenefit.APA: Authority.DEPARTEMENT,
    LegalAidBenefit.PCH: Authority.DEPARTEMENT,
    LegalAidBenefit.HEBERGEMENT_PERSONNES_AGEES: Authority.DEPARTEMENT,
    LegalAidBenefit.HEBERGEMENT_PERSONNES_HANDICAPEES: Authority.DEPARTEMENT,
    LegalAidBenefit.AME: Authority.PREFET,
    LegalAidBenefit.CHRS: Authority.PREFET,
}


def deciding_authority(benefit: LegalAidBenefit | str) -> Authority:
    """Authority that decides a legal-aid benefit: département or préfet.

    Source: §4.1 'Aide sociale légale — decision' (CASF L131-2, conf. B):
    département for most benefits (APA, PCH, hébergement PA/PH), préfet for
    AME and CHRS; never the CCAS.  Only the benefits named in that row are
    listed; an unknown value raises ``ValueError`` rather than guessing.
    (ASE applications are not filed at the CCAS, §4.1 'filing'.)
    """
    return _AUTHORITY_BY_BENEFIT[LegalAidBenefit(benefit)]
