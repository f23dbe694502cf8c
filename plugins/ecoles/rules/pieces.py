"""Pieces that may be asked for the mairie inscription (D131-3-1; §3.2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

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
    label: str
    accepted_proofs: tuple[str, ...]
    attestation_sur_l_honneur_accepted: bool
    note: str


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
        "document justifiant de l'identité de l'enfant",
        _IDENTITY_PROOFS,
        True,
        "à défaut, attestation sur l'honneur des responsables (nom, prénoms, date et lieu de "
        "naissance de l'enfant, identité des personnes responsables) — D131-3-1 1°",
    ),
    PieceSpec(
        Piece.IDENTITE_RESPONSABLES,
        "document justifiant de l'identité des personnes responsables de l'enfant",
        _IDENTITY_PROOFS,
        True,
        "à défaut, attestation sur l'honneur — D131-3-1 2°",
    ),
    PieceSpec(
        Piece.JUSTIFICATIF_DOMICILE,
        "document justifiant du domicile des personnes responsables",
        ("tout moyen", "attestation sur l'honneur"),
        True,
        "preuve par tout moyen, y compris une attestation sur l'honneur ; le maire peut "
        "vérifier le domicile mais cette vérification ne peut pas bloquer l'inscription "
        "— D131-3-1 3°",
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
    reason: str


@dataclass(frozen=True)
class PieceCheck:
    """Result of :func:`check_requested_pieces`."""

    accepted: tuple[Piece, ...]
    rejected: tuple[RejectedPiece, ...]

    @property
    def ok(self) -> bool:
        return not self.rejected


_D131_GENERIC: Final = (
    "pièce non prévue par l'article D131-3-1 du code de l'éducation : seuls peuvent être "
    "demandés un document justifiant de l'identité de l'enfant, un de l'identité des personnes "
    "responsables et un de leur domicile"
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

_SPECIFIC_DOCUMENT: Final = (
    "un document précis ne peut pas être exigé : demander la pièce « {piece} » (tout document "
    "de la colonne A de l'art. R113-5 du CRPA, ou à défaut une attestation sur l'honneur) "
    "— D131-3-1"
)
_SPECIFIC_DOMICILE: Final = (
    "un document précis ne peut pas être exigé : le domicile se prouve par tout moyen, y "
    "compris une attestation sur l'honneur (pièce « justificatif_domicile ») — D131-3-1 3°"
)

_KNOWN_EXTRA_PIECES: Final = {
    _slug(name): reason
    for names, reason in (
        (
            ("livret de famille", "carte d'identite", "carte nationale d'identite", "cni",
             "passeport", "acte de naissance", "extrait d'acte de naissance"),
            _SPECIFIC_DOCUMENT.format(piece="identite_enfant / identite_responsables"),
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
            "le justificatif des vaccinations obligatoires est présenté au directeur d'école "
            "lors de l'admission (C. santé publ. L3111-2), pas à la mairie pour l'inscription "
            "(D131-3-1)",
        ),
        (
            ("certificat de radiation",),
            "le certificat de radiation est remis au directeur de la nouvelle école lors de "
            "l'admission, pas à la mairie pour l'inscription (D131-3-1)",
        ),
        (
            ("avis d'imposition", "attestation caf", "quotient familial",
             "attestation de quotient familial", "justificatif de ressources"),
            "sert seulement au calcul du tarif de restauration ou de périscolaire (démarche "
            "distincte, C. éduc. R531-52) ; ne peut pas conditionner l'inscription scolaire "
            "(D131-3-1)",
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
                    f"pièce « {piece.value} » déjà demandée : un seul document par catégorie "
                    "(D131-3-1)",
                )
            )
        else:
            accepted.append(piece)
    return PieceCheck(tuple(accepted), tuple(rejected))


def missing_pieces(provided: Iterable[Piece | str]) -> tuple[str, ...]:
    """French messages for the D131-3-1 categories not yet provided.

    Each missing category can be replaced by an attestation sur l'honneur,
    so these are reminders, never grounds to refuse the inscription; the
    result of a domicile verification is not an input on purpose
    (:data:`DOMICILE_VERIFICATION_BLOCKS_INSCRIPTION`).  Source: D131-3-1,
    §3.2 (A).  Unknown items in ``provided`` are ignored.
    """
    have = {p for p in (_piece_of(item) for item in provided) if p is not None}
    return tuple(
        f"pièce manquante : {spec.label} — à défaut, une attestation sur l'honneur suffit "
        "(D131-3-1)"
        for spec in _PIECE_SPECS
        if spec.piece not in have
    )
