"""Pure rules of the *écoles* plugin (inscription scolaire, carte scolaire,
dérogations, restauration scolaire and accueil périscolaire).

Every function here is a pure function of plain values (``datetime.date``,
``int``, ``str``, ``Decimal`` for money, ``StrEnum`` members, frozen
dataclasses and tuples).  Nothing here touches the database or Flask, and the
only ``grc_core`` import is :mod:`grc_core.plugin_api` (shared month and age
arithmetic): the workflows, forms and views call these functions and store
their results.

One module per procedure, every public name re-exported here (import from
``plugins.ecoles.rules``, not from the modules): :mod:`.school_year`,
:mod:`.instruction` (instruction obligation), :mod:`.levels` (levels and kinds
of school), :mod:`.inscription` (liste scolaire, change of school),
:mod:`.pieces` (pieces of the inscription), :mod:`.vaccination`,
:mod:`.carte_scolaire`, :mod:`.derogations`, :mod:`.restauration` (canteen
and périscolaire); small shared helpers in :mod:`.common`.

Every rule cites its source.  "§3.x" refers to the project reference
``domain_rules.md`` (section 3, ÉCOLES), whose confidence letters (A = legal
text read verbatim, B = official explanatory source, C = secondary sources,
? = not confirmed) are repeated where they matter.  A rule that does *not*
come from §3 says so explicitly and is marked "(hors §3)"; treat it as a
setting or a TODO.

Conventions
-----------
* **School year** — the French school year starts at the *rentrée*, early
  September; its exact dates are set each year by ministerial arrêté, so a
  :class:`SchoolYear` carries its rentrée and end dates, with the documented
  default of 1 September → 31 August.
* **Ages** are counted "de quantième à quantième" with
  :func:`grc_core.plugin_api.birthday` / ``age_on``: a child born on
  29 February has its birthday on **28 February** in common years (C. proc.
  civ. art. 641 al. 2 for delays expressed in years; the one convention of
  all plugins).  Month delays use :func:`grc_core.plugin_api.add_months`
  (month ends clamped).
* **Money** is ``Decimal``; floats are refused to avoid binary rounding.
* **Messages** meant for agents or families are in French; identifiers are in
  English, with French names for French things.
"""

from .school_year import SchoolYear, school_year_of
from .instruction import (
    INSTRUCTION_3_ANS_IN_FORCE, InstructionPeriod, instruction_obligation, is_instruction_compulsory,
)
from .levels import LEVELS, Level, NotInPrimary, NotInPrimaryCode, SchoolKind, level_for, school_kind_accepts
from .inscription import (
    SchoolChange, director_declaration_deadline, next_liste_scolaire_update,
    recommended_inscription_deadline, school_change_deadline, school_change_formalities,
    school_change_overdue,
)
from .pieces import (
    DOMICILE_VERIFICATION_BLOCKS_INSCRIPTION, Piece, PieceCheck, PieceSpec, RejectedPiece,
    check_requested_pieces, missing_pieces, pieces_allowed,
)
from .vaccination import VACCINATION_2018_BIRTHS_FROM, mandatory_vaccines, vaccination_regularisation_deadline
from .carte_scolaire import (
    UNKNOWN_STREET_MESSAGE, SectorAssignment, SectorRule, Side, carte_scolaire_problems, normalize_street,
    parse_house_number, sector_school,
)
from .derogations import (
    Contribution, DerogationCase, DerogationReason, DerogationScope, derogation_case,
    home_commune_information_deadline,
)
from .restauration import (
    CANTINE_A_UN_EURO_MAX_PRICE, CANTINE_A_UN_EURO_QF_CEILING, TariffGrid, Tranche, canteen_refusal_allowed,
    cantine_a_un_euro_aid_per_meal, periscolaire_refusal_allowed, tariff_for, validate_grid,
)

__all__ = [
    # school year
    "SchoolYear",
    "school_year_of",
    # instruction obligation
    "INSTRUCTION_3_ANS_IN_FORCE",
    "InstructionPeriod",
    "instruction_obligation",
    "is_instruction_compulsory",
    # levels
    "Level",
    "LEVELS",
    "NotInPrimaryCode",
    "NotInPrimary",
    "level_for",
    "SchoolKind",
    "school_kind_accepts",
    # liste scolaire / inscription dates
    "recommended_inscription_deadline",
    "next_liste_scolaire_update",
    "director_declaration_deadline",
    "school_change_deadline",
    "school_change_overdue",
    "SchoolChange",
    "school_change_formalities",
    # pieces
    "Piece",
    "PieceSpec",
    "RejectedPiece",
    "PieceCheck",
    "DOMICILE_VERIFICATION_BLOCKS_INSCRIPTION",
    "pieces_allowed",
    "check_requested_pieces",
    "missing_pieces",
    # vaccination (admission at school)
    "VACCINATION_2018_BIRTHS_FROM",
    "mandatory_vaccines",
    "vaccination_regularisation_deadline",
    # carte scolaire
    "Side",
    "SectorRule",
    "SectorAssignment",
    "UNKNOWN_STREET_MESSAGE",
    "normalize_street",
    "parse_house_number",
    "sector_school",
    "carte_scolaire_problems",
    # dérogations
    "DerogationReason",
    "DerogationScope",
    "Contribution",
    "DerogationCase",
    "derogation_case",
    "home_commune_information_deadline",
    # restauration / périscolaire
    "canteen_refusal_allowed",
    "periscolaire_refusal_allowed",
    "Tranche",
    "TariffGrid",
    "CANTINE_A_UN_EURO_MAX_PRICE",
    "CANTINE_A_UN_EURO_QF_CEILING",
    "tariff_for",
    "validate_grid",
    "cantine_a_un_euro_aid_per_meal",
]
