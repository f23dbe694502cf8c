"""What the citizens' portal says about the civil status démarches
(hook ``grc_portal_demarche_info``): copies and extracts of acts and the
recensement citoyen are open online by default; a commune may open the
others too, so each type is described.

Figures come from rules/: the years after which registers are open to all,
the recensement window (shown on an example computed by
rules.recensement_window), the bans' posting days, the birth declaration
delay, the age of a child's consent, the month before confirming a name
change, the age of a birth certificate copy.
"""
from __future__ import annotations

import inspect
from datetime import date

from flask_babel import format_date, gettext as _, ngettext

from grc_core.plugin_api import DemarcheInfo

from . import request_types as rt
from . import rules

# The birth date of the recensement example: any date works, the rule gives the rest.
_EXAMPLE_BIRTH = date(2010, 3, 15)
# How recent a copy of a birth certificate must be: the rule's own defaults (C. civ. art. 70).
_FRESH = inspect.signature(rules.piece_is_fresh).parameters


def _birth_copy() -> str:
    return _("A full copy of your birth certificate, less than %(months)d months old (%(abroad)d "
             "months if issued abroad)", months=_FRESH["max_months"].default,
             abroad=_FRESH["max_months_abroad"].default)


def _identity() -> str:
    return _("An identity document")


def _address() -> str:
    return _("A proof of address")


def _acte() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Get a full copy or an extract of a birth, marriage or death certificate drawn up in the "
                      "commune. It is free of charge. No document is needed: give the surname and first names of "
                      "the person, the date and place of the birth, marriage or death and, for a full copy or an "
                      "extract with parentage, the surnames and first names of their parents."),
        who=_("Full copies and extracts with parentage of a birth or marriage certificate: the person concerned "
              "if of age, their spouse or civil partner, ascendants, descendants or legal representative "
              "(decree 2017-890, art. 30). Extracts without parentage and death certificates: anyone. Registers "
              "closed more than %(years)d years ago are open to everyone.",
              years=rules.ARCHIVES_OPEN_AFTER_YEARS),
    )


def _recensement() -> DemarcheInfo:
    window = rules.recensement_window(_EXAMPLE_BIRTH)
    return DemarcheInfo(
        description=_("Register for the citizen census. Its certificate is needed to sit exams and the driving "
                      "test before the age of 25, and it leads to the Defence and Citizenship Day."),
        who=_("Every French young person, from their 16th birthday, or their legal representative. Someone who "
              "became French between 16 and 25 registers within the month after."),
        pieces=(_("An identity card or passport proving French nationality"), _("The family record book")),
        delay=_("From the 16th birthday to the end of the third month after it: someone who turns 16 on "
                "%(opens)s registers by %(closes)s. Late, it is still possible until the day before the 25th "
                "birthday.", opens=format_date(window.opens_on, "long"), closes=format_date(window.closes_on, "long")),
    )


def _mariage() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Prepare your marriage file: the town hall checks it, publishes the bans and sets the date "
                      "of the celebration."),
        who=_("Two adults, one of whom lives in the commune or has a parent who lives there (Civil Code, "
              "art. 74)."),
        pieces=(_birth_copy(), _identity(), _address(), _("The identity of your witnesses (two to four)")),
        delay=_("The bans stay posted for %(days)d days before the marriage can be celebrated (Civil Code, "
                "art. 64).", days=rules.BANS_POSTING_DAYS),
    )


def _pacs() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Register a civil partnership (PACS) at the town hall of the place where you live "
                      "together."),
        who=_("Two adults who are neither married nor in a civil partnership, not closely related, and who live "
              "together in the commune (Civil Code, art. 515-1 s.)."),
        pieces=(_("The partnership agreement (CERFA form no. 15726 or your own)"),
                _("The joint declaration (CERFA form no. 15725)"), _birth_copy(), _identity()),
    )


def _reconnaissance() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Recognise a child, before or after the birth, at any town hall."),
        who=_("The father or the mother, in person."),
        pieces=(_identity(), _address()),
    )


def _livret() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Get a second family record book after a loss, a theft, a separation or a divorce."),
        who=_("Only the holders of the family record book, the spouse without it after a separation included; "
              "the guardian of a minor child with the agreement of the public prosecutor. Children may not ask."),
        pieces=(_identity(), _("The civil status of each person to enter in it (names, dates and places of "
                               "birth, marriage)")),
    )


def _naissance() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Declare the birth of a child born in the commune."),
        who=_("Any person who attended the birth, usually the father or the mother."),
        pieces=(_("The birth certificate given by the doctor or the midwife"), _("The parents' identity documents"),
                _("The joint declaration of choice of name, if you made one"),
                _("The recognition of the child, if made before the birth")),
        delay=_("Within %(days)d days of the birth, the day of the birth not counted; when the last day is a "
                "Saturday, a Sunday or a public holiday, until the next working day (Civil Code, art. 55).",
                days=rules.BIRTH_DECLARATION_DELAY_DAYS),
    )


def _prenom() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Change your first names: change one, add or remove one, or change their order."),
        who=_("The person concerned, or the legal representative of a minor or protected adult; a child over "
              "%(age)d must consent (Civil Code, art. 60).", age=rules.CHILD_CONSENT_AGE),
        pieces=(_birth_copy(), _identity(), _address(),
                _("Documents showing your reason (use of the first name, family reason…)")),
    )


def _nom() -> DemarcheInfo:
    received = date(2027, 1, 15)
    months = rules.name_change_earliest_confirmation(received).month - received.month
    return DemarcheInfo(
        description=_("Once in your life, take or add the name of the parent who did not pass it on to you "
                      "(Civil Code, art. 61-3-1)."),
        who=_("Any adult, for themselves. A child over %(age)d must consent to the change extending to them.",
              age=rules.CHILD_CONSENT_AGE),
        pieces=(_("CERFA form no. 16229, filled in and signed"), _birth_copy(), _identity(), _address()),
        delay=ngettext("You confirm the change in person at the town hall, no earlier than %(num)d month after "
                       "your request.", "You confirm the change in person at the town hall, no earlier than "
                       "%(num)d months after your request.", months),
    )


_INFOS = {rt.ACTE: _acte, rt.RECENSEMENT: _recensement, rt.MARIAGE: _mariage, rt.PACS: _pacs,
          rt.RECONNAISSANCE: _reconnaissance, rt.LIVRET: _livret, rt.NAISSANCE: _naissance, rt.PRENOM: _prenom,
          rt.NOM: _nom}


def demarche_info(request_type) -> DemarcheInfo | None:
    build = _INFOS.get(request_type.code)
    return None if build is None else build()
