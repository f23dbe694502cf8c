"""Livret de famille: who may obtain a duplicata (DR §1.6)."""

from __future__ import annotations

from enum import StrEnum

from grc_core.plugin_api import lazy_text as _l

from .common import _ALLOWED, Eligibility, _refuse


class LivretRequester(StrEnum):
    """Who asks for a duplicata of the livret de famille (DR §1.6)."""

    TITULAIRE = "titulaire"
    TUTEUR_MINEUR = "tuteur_mineur"
    ENFANT = "enfant"
    TIERS = "tiers"


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
            _l("The guardian of a minor child can obtain a duplicate of the livret de famille only with the "
               "agreement of the procureur de la République.")
        )
    if requester is LivretRequester.ENFANT:
        return _refuse(
            _l("Only the holders of the livret de famille may ask for a duplicate: the children may not, even after "
               "their parents' death.")
        )
    return _refuse(_l("Only the holders of the livret de famille may ask for a duplicate."))
