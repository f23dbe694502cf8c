"""Livret de famille: who may obtain a duplicata (DR §1.6)."""

from __future__ import annotations

from enum import StrEnum

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
            "Le tuteur d'un enfant mineur ne peut obtenir un duplicata du livret de famille "
            "qu'avec l'accord du procureur de la République."
        )
    if requester is LivretRequester.ENFANT:
        return _refuse(
            "Seuls les titulaires du livret de famille peuvent en demander un duplicata : "
            "les enfants ne le peuvent pas, même après le décès de leurs parents."
        )
    return _refuse("Seuls les titulaires du livret de famille peuvent en demander un duplicata.")
