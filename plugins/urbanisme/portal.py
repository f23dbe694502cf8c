"""What the citizens' portal says about each planning démarche (hook
``grc_portal_demarche_info``): purpose, who may file, the CERFA form and
plans to bring, the instruction delay and what silence means.

Forms come from rules.cerfa_numbers, delays from rules.instruction_delay
(base delay, R*423-23 / R*410-9 s. / R424-23), the prorogation and conformity
figures from rules.prorogation_request_deadline and
rules.conformity_check_deadline: no figure is written twice.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from grc_core.plugin_api import DemarcheInfo

from . import rules
from .request_types import BY_CODE

P = rules.Procedure

_PURPOSES = {
    P.DECLARATION_PREALABLE: _l("Declare small works before starting them: an extension or annex of modest size, "
                                "a change of facade, windows or roof, a fence, a swimming pool, a division of land."),
    P.PERMIS_DE_CONSTRUIRE_MI: _l("Apply for a building permit for a house or its annexes."),
    P.PERMIS_DE_CONSTRUIRE: _l("Apply for a building permit for a new building or large works on an existing one."),
    P.PERMIS_AMENAGER: _l("Apply for a development permit: a housing estate, a campsite, major earthworks."),
    P.PERMIS_DEMOLIR: _l("Apply for a permit to demolish all or part of a building where the commune requires it."),
    P.CERTIFICAT_URBANISME_A: _l("Learn the planning rules, taxes and easements that apply to a plot of land."),
    P.CERTIFICAT_URBANISME_B: _l("Learn whether a given project can be carried out on a plot of land."),
    P.PERMIS_MODIFICATIF: _l("Change a project whose permit was granted, before the works are finished."),
    P.TRANSFERT_PERMIS: _l("Transfer a permit granted to someone else to a new holder."),
    P.PROROGATION: _l("Extend by one year the validity of a permit or declaration whose works have not started."),
    P.DECLARATION_OUVERTURE_CHANTIER: _l("Tell the town hall that the works of your permit have started."),
    P.DAACT: _l("Declare that the works are finished and comply with the permit or declaration."),
}

_OWNER = _l("The owner of the land, their agent, or a person the owner authorised to carry out the works "
            "(Planning Code, R*423-1).")
_HOLDER = _l("The holder of the permit or of the declaration.")
_WHO = {
    P.CERTIFICAT_URBANISME_A: _l("Anyone, owner of the land or not."),
    P.CERTIFICAT_URBANISME_B: _l("Anyone, owner of the land or not."),
    P.TRANSFERT_PERMIS: _l("The new holder, with the written agreement of the current holder."),
    P.PERMIS_MODIFICATIF: _HOLDER,
    P.PROROGATION: _HOLDER,
    P.DECLARATION_OUVERTURE_CHANTIER: _HOLDER,
    P.DAACT: _HOLDER,
}

_SILENCE = {
    rules.Outcome.NON_OPPOSITION: _l("Without an answer by then, you may carry out the works."),
    rules.Outcome.ACCORD_TACITE: _l("Without an answer by then, the permit is granted."),
    rules.Outcome.CERTIFICAT_TACITE: _l("Without an answer by then, you get a certificate that only gives the "
                                        "rules applying to the land."),
    rules.Outcome.PROROGATION_ACQUISE: _l("Without an answer by then, the extension is granted."),
}
_WITH_PLANS = frozenset({P.DECLARATION_PREALABLE, P.PERMIS_DE_CONSTRUIRE_MI, P.PERMIS_DE_CONSTRUIRE,
                         P.PERMIS_AMENAGER, P.PERMIS_DEMOLIR, P.CERTIFICAT_URBANISME_B, P.PERMIS_MODIFICATIF})
# A reference day to turn the rules' dates back into a number of months.
_DAY = date(2027, 1, 1)
_PERMITS = (P.PERMIS_DE_CONSTRUIRE_MI, P.PERMIS_DE_CONSTRUIRE, P.PERMIS_AMENAGER, P.PERMIS_DEMOLIR)


def _months_between(start: date, end: date) -> int:
    return abs((end.year - start.year) * 12 + end.month - start.month)


def _pieces(procedure) -> tuple[str, ...]:
    numbers = rules.cerfa_numbers(procedure)
    if not numbers:
        pieces = [_("A letter asking for the extension, in two copies (Planning Code, R*424-22)")]
    else:
        pieces = [ngettext("CERFA form no. %(numbers)s, filled in and signed",
                           "One of the CERFA forms no. %(numbers)s, filled in and signed", len(numbers),
                           numbers=", ".join(numbers))]
    if procedure in _WITH_PLANS:
        pieces.append(_("The plans and documents listed in the form's list of pieces (location plan, site "
                        "plan…), in the number of copies it asks for"))
    return tuple(pieces)


def _delay(procedure) -> str:
    if procedure is P.PERMIS_MODIFICATIF:
        months = sorted({rules.instruction_delay(procedure, initial_procedure=p).months for p in _PERMITS})
        return _("As for the initial permit: from %(least)d to %(most)d months from the complete file.",
                 least=months[0], most=months[-1])
    if procedure in (P.DECLARATION_OUVERTURE_CHANTIER, P.TRANSFERT_PERMIS):
        return ""  # neither is instructed: no delay, the portal shows the commune's own
    if procedure is P.DAACT:
        months = _months_between(_DAY, rules.conformity_check_deadline(_DAY).value)
        return ngettext("The town hall has %(num)d month from receiving it to contest the conformity of the works.",
                        "The town hall has %(num)d months from receiving it to contest the conformity of the "
                        "works.", months)
    delay = rules.instruction_delay(procedure)
    text = ngettext("%(num)d month from the complete file.", "%(num)d months from the complete file.",
                    delay.base_months)
    if procedure is P.PROROGATION:
        before = _months_between(_DAY, rules.prorogation_request_deadline(_DAY).value)
        text = ngettext("File it at least %(num)d month before the validity ends.",
                        "File it at least %(num)d months before the validity ends.", before) + " " + text
    elif procedure not in (P.CERTIFICAT_URBANISME_A, P.CERTIFICAT_URBANISME_B):
        text += " " + _("The town hall may extend it in some cases (listed building, public consultation…) if it "
                        "tells you so within the first month.")
    return f"{text} {_SILENCE[delay.silence_outcome]}"


def demarche_info(request_type) -> DemarcheInfo | None:
    kind = BY_CODE.get(request_type.code)
    if kind is None:
        return None
    procedure = kind.procedure
    return DemarcheInfo(description=str(_PURPOSES[procedure]), who=str(_WHO.get(procedure, _OWNER)),
                        pieces=_pieces(procedure), delay=_delay(procedure))
