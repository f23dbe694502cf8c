"""What the citizens' portal says about each school démarche (hook
``grc_portal_demarche_info``): purpose, who may ask, pieces, delay.

The list of pieces of an inscription is the one of rules.pieces_allowed()
(C. éduc. D131-3-1: nothing else may be asked), the 8 days after a move come
from rules.school_change_deadline (L131-5) and the June date from
rules.recommended_inscription_deadline: the page follows the rules.
"""
from __future__ import annotations

from datetime import date

from flask_babel import format_date, gettext as _, lazy_gettext as _l

from grc_core.plugin_api import DemarcheInfo

from . import request_types as rt
from . import rules

_PIECE_LABELS = {
    rules.Piece.IDENTITE_ENFANT: _l(
        "A document proving the child's identity (family record book, identity card, passport or birth "
        "certificate)"),
    rules.Piece.IDENTITE_RESPONSABLES: _l("A document proving the identity of the persons responsible for the child"),
    rules.Piece.JUSTIFICATIF_DOMICILE: _l("A proof of your address, by any means"),
}
# Any year gives the same day and month: the rule fixes them, not the year.
_SAMPLE_YEAR = 2027


def _inscription_pieces() -> tuple[str, ...]:
    pieces = []
    for spec in rules.pieces_allowed():
        label = str(_PIECE_LABELS[spec.piece])
        if spec.attestation_sur_l_honneur_accepted:
            label = _("%(piece)s, or failing that a sworn statement", piece=label)
        pieces.append(label)
    return tuple(pieces)


def _responsables() -> str:
    return _("The persons responsible for the child: parents or legal guardian.")


def _inscription() -> DemarcheInfo:
    june = format_date(rules.recommended_inscription_deadline(_SAMPLE_YEAR), "d MMMM")
    return DemarcheInfo(
        description=_("Register your child at the town hall for a public nursery or primary school of the "
                      "commune. The town hall assigns the school of your sector and gives you the certificate "
                      "of enrolment for the school's head. Apply preferably by %(day)s before the school year "
                      "starts; a later request is still registered. The town hall may ask for no other piece than "
                      "those below (Education Code, D131-3-1).", day=june),
        who=_("%(who)s Schooling is compulsory from the age of 3; a 2-year-old child may be admitted to the "
              "« toute petite section » within the limit of the places available.", who=_responsables()),
        pieces=_inscription_pieces(),
    )


def _derogation() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Ask for your child to attend a school other than the one of your sector, in the commune "
                      "or in another commune."),
        who=_("%(who)s The commune of residence must accept in the cases of the law: parents who work where "
              "the commune of residence offers neither school meals nor childcare, a brother or sister already "
              "at school there, a medical reason (Education Code, R212-21).", who=_responsables()),
        pieces=(_("Proof of the reason given: employers' certificates, certificate of schooling of the brother "
                  "or sister, medical certificate…"),),
    )


def _restauration() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Register your child for the school canteen and the morning, evening and Wednesday "
                      "childcare."),
        who=_("%(who)s Where a primary school has a canteen, every pupil has the right to eat there; the "
              "commune may refuse only when the canteen is full (Education Code, L131-13).", who=_responsables()),
        pieces=(_("Your family quotient certificate from the CAF (without it, the highest rate applies)"),),
    )


def _changement() -> DemarcheInfo:
    move = date(_SAMPLE_YEAR, 1, 1)
    days = (rules.school_change_deadline(move) - move).days
    return DemarcheInfo(
        description=_("Enrol your child in a school of your new sector after moving house."),
        who=_("%(who)s After moving into the commune or within it.", who=_responsables()),
        pieces=_inscription_pieces(),
        delay=_("Within %(days)d days of the move (Education Code, L131-5).", days=days),
    )


def _radiation() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Get the certificate of removal that the new school asks for when your child leaves a "
                      "school of the commune (move, private school, home education). No piece is needed: give "
                      "the date your child leaves the school and, if known, the new school."),
        who=_responsables(),
    )


_INFOS = {rt.INSCRIPTION: _inscription, rt.DEROGATION: _derogation, rt.RESTAURATION: _restauration,
          rt.CHANGEMENT: _changement, rt.RADIATION: _radiation}


def demarche_info(request_type) -> DemarcheInfo | None:
    build = _INFOS.get(request_type.code)
    return None if build is None else build()
