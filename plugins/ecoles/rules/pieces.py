"""Pieces that may be asked for the mairie inscription (D131-3-1; §3.2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from grc_core.plugin_api import RuleText
from grc_core.plugin_api import lazy_text as _l

from .common import _slug


class Piece(StrEnum):
    """The only pieces a commune may ask for the inscription scolaire
    (C. éduc. D131-3-1, décret 2020-811, since rentrée 2020 — §3.2, A)."""

    IDENTITE_ENFANT = "identite_enfant"
    IDENTITE_RESPONSABLES = "identite_responsables"
    JUSTIFICATIF_DOMICILE = "justificatif_domicile"


@dataclass(frozen=True)
class PieceSpec:
    """One allowed piece, how it may be proved, and the fallback."""

    piece: Piece
    label: RuleText
    accepted_proofs: tuple[str, ...]
    attestation_sur_l_honneur_accepted: bool
    note: RuleText


#: Maire may verify the domicile, but the verification can never block the
#: inscription (D131-3-1, §3.2, A).
DOMICILE_VERIFICATION_BLOCKS_INSCRIPTION: Final = False

_IDENTITY_PROOFS: Final = (
    "livret de famille",
    "carte nationale d'identité",
    "passeport",
    "copie ou extrait d'acte de naissance",
    "tout autre document de la colonne A de l'art. R113-5 du CRPA",
)

_PIECE_SPECS: Final = (
    PieceSpec(
        Piece.IDENTITE_ENFANT,
        _l("document proving the child's identity"),
        _IDENTITY_PROOFS,
        True,
        _l("failing that, a sworn statement of the persons responsible (last name, first names, date and place of "
           "birth of the child, identity of the persons responsible) — D131-3-1 1°"),
    ),
    PieceSpec(
        Piece.IDENTITE_RESPONSABLES,
        _l("document proving the identity of the persons responsible for the child"),
        _IDENTITY_PROOFS,
        True,
        _l("failing that, a sworn statement — D131-3-1 2°"),
    ),
    PieceSpec(
        Piece.JUSTIFICATIF_DOMICILE,
        _l("document proving the home of the persons responsible"),
        ("tout moyen", "attestation sur l'honneur"),
        True,
        _l("proof by any means, a sworn statement included; the maire may check the home but that check can never "
           "block the enrolment — D131-3-1 3°"),
    ),
)


def pieces_allowed() -> tuple[PieceSpec, ...]:
    """The complete list of pieces a mairie may ask for an inscription
    scolaire: identity of the child, identity of the responsables, their
    domicile — each replaceable by an attestation sur l'honneur
    (C. éduc. D131-3-1, §3.2, A).  Nothing else may be required."""
    return _PIECE_SPECS


@dataclass(frozen=True)
class RejectedPiece:
    """A requested piece the mairie may not require, with the reason."""

    name: str
    reason: RuleText


@dataclass(frozen=True)
class PieceCheck:
    """Result of :func:`check_requested_pieces`."""

    accepted: tuple[Piece, ...]
    rejected: tuple[RejectedPiece, ...]

    @property
    def ok(self) -> bool:
        return not self.rejected


_D131_GENERIC: Final = _l(
    "piece not provided for by article D131-3-1 of the code de l'éducation: only a document proving the child's "
    "identity, one proving the identity of the persons responsible and one proving their home may be asked for"
)

_PIECE_ALIASES: Final = {
    _slug(alias): piece
    for piece, aliases in {
        Piece.IDENTITE_ENFANT: (
            "identite_enfant", "identite de l'enfant", "piece d'identite de l'enfant",
            "justificatif d'identite de l'enfant",
        ),
        Piece.IDENTITE_RESPONSABLES: (
            "identite_responsables", "identite des responsables", "identite des parents",
            "piece d'identite des responsables", "piece d'identite des parents",
            "justificatif d'identite des responsables",
        ),
        Piece.JUSTIFICATIF_DOMICILE: (
            "justificatif_domicile", "justificatif de domicile", "domicile",
            "preuve de domicile",
        ),
    }.items()
    for alias in aliases
}

_SPECIFIC_DOMICILE: Final = _l(
    "a specific document cannot be required: the home is proved by any means, a sworn statement included (piece "
    "« justificatif_domicile ») — D131-3-1 3°"
)

_KNOWN_EXTRA_PIECES: Final = {
    _slug(name): reason
    for names, reason in (
        (
            ("livret de famille", "carte d'identite", "carte nationale d'identite", "cni",
             "passeport", "acte de naissance", "extrait d'acte de naissance"),
            _l("a specific document cannot be required: ask for the piece « %(piece)s » (any document of column "
               "A of art. R113-5 of the CRPA, or failing that a sworn statement) — D131-3-1",
               piece="identite_enfant / identite_responsables"),
        ),
        (
            ("facture", "facture d'electricite", "facture d'energie", "quittance de loyer",
             "bail", "avis de taxe d'habitation", "taxe foncière", "taxe fonciere",
             "deux justificatifs de domicile"),
            _SPECIFIC_DOMICILE,
        ),
        (
            ("carnet de sante", "vaccinations", "justificatif des vaccinations",
             "certificat de vaccination", "certificat medical"),
            _l("the proof of the compulsory vaccinations is shown to the school's director at admission (C. santé "
               "publ. L3111-2), not to the mairie for the enrolment (D131-3-1)"),
        ),
        (
            ("certificat de radiation",),
            _l("the certificat de radiation is given to the new school's director at admission, not to the mairie "
               "for the enrolment (D131-3-1)"),
        ),
        (
            ("avis d'imposition", "attestation caf", "quotient familial",
             "attestation de quotient familial", "justificatif de ressources"),
            _l("only used to compute the canteen or after-school tariff (a separate procedure, C. éduc. R531-52); "
               "cannot be a condition of the school enrolment (D131-3-1)"),
        ),
    )
    for name in names
}


def _piece_of(item: Piece | str) -> Piece | None:
    if isinstance(item, Piece):
        return item
    return _PIECE_ALIASES.get(_slug(item))


def check_requested_pieces(requested: Iterable[Piece | str]) -> PieceCheck:
    """Check the list of pieces a commune's form asks for the inscription.

    Accepted: the three categories of :class:`Piece` (given as members,
    values or common French wordings).  Rejected, each with its French
    reason: anything else (vaccinations, certificat de radiation, avis
    d'imposition / CAF, assurance, photos, judgments…), a *specific* document
    instead of the category (e.g. requiring the livret de famille, or a
    particular kind of bill: D131-3-1 accepts any identity document of
    column A of CRPA R113-5 and any proof of domicile, or an attestation sur
    l'honneur), and a category asked twice.  Source: C. éduc. D131-3-1,
    §3.2 (A).
    """
    accepted: list[Piece] = []
    rejected: list[RejectedPiece] = []
    for item in requested:
        name = str(item)
        piece = _piece_of(item)
        if piece is None:
            reason = _KNOWN_EXTRA_PIECES.get(_slug(name), _D131_GENERIC)
            rejected.append(RejectedPiece(name, reason))
        elif piece in accepted:
            rejected.append(
                RejectedPiece(
                    name,
                    _l("piece « %(piece)s » already asked for: one document per category (D131-3-1)",
                       piece=piece.value),
                )
            )
        else:
            accepted.append(piece)
    return PieceCheck(tuple(accepted), tuple(rejected))


def missing_pieces(provided: Iterable[Piece | str]) -> tuple[RuleText, ...]:
    """Messages (translated when shown) for the D131-3-1 categories not yet provided.

    Each missing category can be replaced by an attestation sur l'honneur,
    so these are reminders, never grounds to refuse the inscription; the
    result of a domicile verification is not an input on purpose
    (:data:`DOMICILE_VERIFICATION_BLOCKS_INSCRIPTION`).  Source: D131-3-1,
    §3.2 (A).  Unknown items in ``provided`` are ignored.
    """
    have = {p for p in (_piece_of(item) for item in provided) if p is not None}
    return tuple(
        _l("missing piece: %(piece)s — failing that, a sworn statement is enough (D131-3-1)", piece=spec.label)
        for spec in _PIECE_SPECS
        if spec.piece not in have
    )
