"""The procedures handled, their groups and their CERFA forms (DR §2.1)."""

from __future__ import annotations

from enum import StrEnum

from grc_core.plugin_api import RuleText
from grc_core.plugin_api import lazy_text as _l


class Procedure(StrEnum):
    """Urbanisme procedures handled by the plugin (DR §2.1)."""

    DECLARATION_PREALABLE = "declaration_prealable"
    PERMIS_DE_CONSTRUIRE_MI = "permis_de_construire_mi"
    PERMIS_DE_CONSTRUIRE = "permis_de_construire"
    PERMIS_AMENAGER = "permis_amenager"
    PERMIS_DEMOLIR = "permis_demolir"
    CERTIFICAT_URBANISME_A = "certificat_urbanisme_a"
    CERTIFICAT_URBANISME_B = "certificat_urbanisme_b"
    PERMIS_MODIFICATIF = "permis_modificatif"
    TRANSFERT_PERMIS = "transfert_permis"
    PROROGATION = "prorogation"
    DECLARATION_OUVERTURE_CHANTIER = "declaration_ouverture_chantier"
    DAACT = "daact"

    @property
    def label(self) -> RuleText:
        """Name of the procedure, lower case, in the language shown."""
        return _PROCEDURE_LABELS[self]


_PROCEDURE_LABELS: dict[Procedure, RuleText] = {
    Procedure.DECLARATION_PREALABLE: _l("prior declaration of works"),
    Procedure.PERMIS_DE_CONSTRUIRE_MI: _l("building permit (detached house)"),
    Procedure.PERMIS_DE_CONSTRUIRE: _l("building permit"),
    Procedure.PERMIS_AMENAGER: _l("development permit"),
    Procedure.PERMIS_DEMOLIR: _l("demolition permit"),
    Procedure.CERTIFICAT_URBANISME_A: _l("information planning certificate (a)"),
    Procedure.CERTIFICAT_URBANISME_B: _l("operational planning certificate (b)"),
    Procedure.PERMIS_MODIFICATIF: _l("amending permit"),
    Procedure.TRANSFERT_PERMIS: _l("transfer of a permit"),
    Procedure.PROROGATION: _l("extension"),
    Procedure.DECLARATION_OUVERTURE_CHANTIER: _l("declaration of the opening of the works site"),
    Procedure.DAACT: _l("declaration of completion and conformity of the works"),
}

_PERMITS = frozenset(
    {
        Procedure.PERMIS_DE_CONSTRUIRE_MI,
        Procedure.PERMIS_DE_CONSTRUIRE,
        Procedure.PERMIS_AMENAGER,
        Procedure.PERMIS_DEMOLIR,
    }
)
_DP = frozenset({Procedure.DECLARATION_PREALABLE})
_CU = frozenset({Procedure.CERTIFICAT_URBANISME_A, Procedure.CERTIFICAT_URBANISME_B})

_CERFA: dict[Procedure, tuple[str, ...]] = {
    Procedure.DECLARATION_PREALABLE: ("13703", "13404", "13702"),
    Procedure.PERMIS_DE_CONSTRUIRE_MI: ("13406",),
    Procedure.PERMIS_DE_CONSTRUIRE: ("13409",),
    Procedure.PERMIS_AMENAGER: ("13409",),
    Procedure.PERMIS_DEMOLIR: ("13405",),
    Procedure.CERTIFICAT_URBANISME_A: ("13410",),
    Procedure.CERTIFICAT_URBANISME_B: ("13410",),
    Procedure.PERMIS_MODIFICATIF: ("13411",),
    Procedure.TRANSFERT_PERMIS: ("13412",),
    Procedure.PROROGATION: (),
    Procedure.DECLARATION_OUVERTURE_CHANTIER: ("13407",),
    Procedure.DAACT: ("13408",),
}


def cerfa_numbers(procedure: Procedure) -> tuple[str, ...]:
    """CERFA form numbers for ``procedure`` (DR §2.1).

    DP: 13703 (maison individuelle/annexes), 13404 (constructions/aménagements),
    13702 (lotissements/divisions, conf. C); PCMI 13406 (conf. C); PC and PA 13409;
    PD 13405; CU a and b 13410 (same form); DOC 13407; permis modificatif 13411;
    DAACT 13408 (conf. C); transfert 13412 (conf. "?" — unconfirmed); prorogation:
    no CERFA, a letter in two copies (R424-22, conf. C) → empty tuple.
    """
    return _CERFA[Procedure(procedure)]
