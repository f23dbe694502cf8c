"""Workflow templates of the planning procedures (copied into each commune, editable there).

The tacit decision is applied by timers anchored on a date of the request's
data that :mod:`.dossier` keeps equal to the legal date computed by
:mod:`.rules` (``delay_days=0``: the timer fires at 00:00, Paris time, on the
day the tacit decision is born — not a day before). Whichever state the file
sits in while the delay runs, a timer watches it: nobody can forget a file.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from grc_core.plugin_api import StateSpec, TimerSpec, TransitionSpec, WorkflowDecl

# Request-data keys holding the day a tacit decision is born (ISO dates), kept by dossier.sync_anchors.
ANCHOR_FAVOURABLE = "urbanisme_tacite_favorable"
ANCHOR_UNFAVOURABLE = "urbanisme_tacite_defavorable"
ANCHOR_PIECES = "urbanisme_rejet_pieces"

INSTRUCT = "urbanisme.instruct"
SIGN = "urbanisme.sign"
# Transitions a role does not give: the permission does.
NOBODY: tuple[str, ...] = ()
# Applied only by timers (no role, no permission).
TACIT_TRANSITIONS = ("accord_tacite", "refus_tacite", "rejet_pieces")
# Decisions proposed by the instructor: transition → decision code.
PROPOSALS = {
    "proposer_accord": "accord",
    "proposer_prescriptions": "accord_prescriptions",
    "proposer_refus": "refus",
    "proposer_sursis": "sursis",
}
DECISION_LABELS = {
    "accord": _l("Approval"),
    "accord_prescriptions": _l("Approval with conditions"),
    "refus": _l("Refusal / objection"),
    "sursis": _l("Stay of decision"),
    "accord_tacite": _l("Tacit approval / no objection"),
    "refus_tacite": _l("Tacit refusal or objection"),
    "rejet_pieces": _l("Tacit rejection or objection (documents not supplied)"),
}
FAVOURABLE_DECISIONS = {"accord", "accord_prescriptions", "accord_tacite"}


def _t(code, label, source, target, *, permission=INSTRUCT, notify=False, comment=False):
    return TransitionSpec(code, label, tuple(source), target, roles=NOBODY, permission=permission,
                          notify_citizen=notify, comment_required=comment)


def _tacit_timers(states, *, favourable=True, unfavourable=True):
    timers = []
    for state in states:
        if favourable:
            timers.append(TimerSpec(f"tacite_favorable_{state}", state, "accord_tacite", anchor=ANCHOR_FAVOURABLE))
        if unfavourable:
            timers.append(TimerSpec(f"tacite_defavorable_{state}", state, "refus_tacite",
                                    anchor=ANCHOR_UNFAVOURABLE))
    return tuple(timers)


RUNNING = ("depose", "completude", "instruction", "consultations", "decision_proposee", "signee")
DECIDING = ("instruction", "consultations")
# While pieces are awaited the delay does not run and the tacit anchors are empty; watched all the same,
# in case the request for pieces is struck out on the file page (then the delay ran from the deposit).
WATCHED = RUNNING + ("pieces_demandees",)


def authorisation() -> WorkflowDecl:
    """DP, permits and permis modificatif: from deposit to the conformity of the works."""
    states = (
        StateSpec("depose", _l("Filed (planning)"), "new"),
        StateSpec("completude", _l("Completeness check"), "open"),
        StateSpec("pieces_demandees", _l("Documents asked for"), "waiting"),
        StateSpec("instruction", _l("Under review"), "open"),
        StateSpec("consultations", _l("Consultations under way"), "waiting"),
        StateSpec("decision_proposee", _l("Decision proposed"), "open", visible_to_citizen=False),
        StateSpec("signee", _l("Decision signed"), "open", visible_to_citizen=False),
        StateSpec("notifiee", _l("Decision notified"), "open"),
        StateSpec("affichee", _l("Decision posted"), "open"),
        StateSpec("travaux", _l("Works under way"), "open"),
        StateSpec("achevement", _l("Completion declared (DAACT)"), "open"),
        StateSpec("conforme", _l("Conformity found"), "closed"),
        StateSpec("non_conforme", _l("Non-conformity notified"), "closed"),
        StateSpec("refusee", _l("Refusal, objection or stay notified"), "closed"),
        StateSpec("tacite_favorable", _l("Tacit approval / no objection"), "open"),
        StateSpec("tacite_defavorable", _l("Tacit refusal, rejection or objection"), "closed"),
        StateSpec("classee", _l("Closed without action (planning)"), "closed"),
    )
    transitions = (
        _t("verifier", _l("Check completeness"), ("depose",), "completude"),
        _t("demander_pieces", _l("Ask for the missing documents"), ("depose", "completude"), "pieces_demandees",
           notify=True, comment=True),
        _t("declarer_complet", _l("Declare the file complete"), ("depose", "completude"), "instruction"),
        _t("recevoir_pieces", _l("Record the documents received"), ("pieces_demandees",), "instruction"),
        _t("consulter", _l("Start the consultations"), ("instruction",), "consultations"),
        _t("cloturer_consultations", _l("Close the consultations"), ("consultations",), "instruction"),
        *(_t(code, label, DECIDING, "decision_proposee") for code, label in (
            ("proposer_accord", _l("Propose an approval")),
            ("proposer_prescriptions", _l("Propose an approval with conditions")),
            ("proposer_refus", _l("Propose a refusal or an objection")),
            ("proposer_sursis", _l("Propose a stay of decision")))),
        _t("reprendre", _l("Resume the review"), ("decision_proposee",), "instruction"),
        _t("signer", _l("Sign the decision"), ("decision_proposee",), "signee", permission=SIGN),
        _t("notifier", _l("Notify the approval"), ("signee",), "notifiee", notify=True),
        _t("notifier_refus", _l("Notify the refusal or the stay"), ("signee",), "refusee", notify=True),
        _t("afficher", _l("Post the decision at the town hall"), ("notifiee", "tacite_favorable"), "affichee"),
        _t("ouvrir_chantier", _l("Record the opening of the works site (DOC)"), ("affichee",), "travaux"),
        _t("declarer_achevement", _l("Record the DAACT"), ("travaux",), "achevement"),
        _t("constater_conformite", _l("Find the works conform"), ("achevement",), "conforme", notify=True),
        _t("contester_conformite", _l("Notify the non-conformity"), ("achevement",), "non_conforme",
           permission=SIGN, notify=True, comment=True),
        _t("classer", _l("Close without action (request withdrawn)"), RUNNING + ("pieces_demandees",), "classee",
           comment=True),
        _t("accord_tacite", _l("Tacit approval / no objection"), WATCHED, "tacite_favorable", permission=None,
           notify=True),
        _t("refus_tacite", _l("Tacit refusal or objection"), WATCHED, "tacite_defavorable", permission=None,
           notify=True),
        _t("rejet_pieces", _l("Tacit rejection: documents not supplied"), ("pieces_demandees",), "tacite_defavorable",
           permission=None, notify=True),
    )
    timers = _tacit_timers(WATCHED) + (
        TimerSpec("rejet_pieces", "pieces_demandees", "rejet_pieces", anchor=ANCHOR_PIECES),
    )
    return WorkflowDecl("urbanisme.autorisation", _l("Planning authorisation (DP, PC, PA, PD)"), states, transitions,
                        timers)


def _short(code, label, *, unfavourable_silence: bool, end_label: str) -> WorkflowDecl:
    """Certificates and follow-up requests: instruction, decision, notification."""
    running = ("depose", "instruction", "decision_proposee", "signee")
    states = (
        StateSpec("depose", _l("Filed (planning)"), "new"),
        StateSpec("instruction", _l("Under review"), "open"),
        StateSpec("decision_proposee", _l("Decision proposed"), "open", visible_to_citizen=False),
        StateSpec("signee", _l("Decision signed"), "open", visible_to_citizen=False),
        StateSpec("notifiee", end_label, "closed"),
        StateSpec("refusee", _l("Refusal notified"), "closed"),
        StateSpec("tacite_favorable", _l("Tacit favourable decision"), "closed"),
        StateSpec("tacite_defavorable", _l("Tacit refusal"), "closed"),
        StateSpec("classee", _l("Closed without action (planning)"), "closed"),
    )
    transitions = (
        _t("instruire", _l("Start the review"), ("depose",), "instruction"),
        _t("proposer_accord", _l("Propose a favourable decision"), ("instruction",), "decision_proposee"),
        _t("proposer_refus", _l("Propose a refusal"), ("instruction",), "decision_proposee"),
        _t("reprendre", _l("Resume the review"), ("decision_proposee",), "instruction"),
        _t("signer", _l("Sign the decision"), ("decision_proposee",), "signee", permission=SIGN),
        _t("notifier", _l("Notify the decision"), ("signee",), "notifiee", notify=True),
        _t("notifier_refus", _l("Notify the refusal"), ("signee",), "refusee", notify=True),
        _t("classer", _l("Close without action"), running, "classee", comment=True),
        _t("accord_tacite", _l("Tacit favourable decision"), running, "tacite_favorable", permission=None,
           notify=True),
        _t("refus_tacite", _l("Tacit refusal"), running, "tacite_defavorable", permission=None, notify=True),
    )
    return WorkflowDecl(code, label, states, transitions,
                        _tacit_timers(running, unfavourable=unfavourable_silence))


def certificat() -> WorkflowDecl:
    return _short("urbanisme.certificat", _l("Planning certificate"), unfavourable_silence=False,
                  end_label=_l("Planning certificate issued"))


def suite() -> WorkflowDecl:
    """Transfert and prorogation (silence on a prorogation = prorogation acquise, R424-23)."""
    return _short("urbanisme.suite", _l("Transfer or extension of an authorisation"), unfavourable_silence=False,
                  end_label=_l("Decision notified"))


def declaration() -> WorkflowDecl:
    """DOC: a declaration, registered, not instructed."""
    return WorkflowDecl(
        "urbanisme.declaration", _l("Declaration of the start of works"),
        (StateSpec("depose", _l("Filed (request)"), "new"), StateSpec("enregistree", _l("Recorded"), "closed")),
        (_t("enregistrer", _l("Record the declaration"), ("depose",), "enregistree"),),
    )


def achevement() -> WorkflowDecl:
    """DAACT filed on its own: conformity check within 3 or 5 months (R462-6)."""
    return WorkflowDecl(
        "urbanisme.achevement", _l("Completion and conformity of the works"),
        (
            StateSpec("depose", _l("Filed (request)"), "new"),
            StateSpec("recolement", _l("Récolement (on-site check)"), "open"),
            StateSpec("conforme", _l("Conformity found"), "closed"),
            StateSpec("non_conforme", _l("Non-conformity notified"), "closed"),
        ),
        (
            _t("recoler", _l("Schedule the récolement"), ("depose",), "recolement"),
            _t("constater_conformite", _l("Find the works conform"), ("depose", "recolement"), "conforme",
               notify=True),
            _t("contester_conformite", _l("Notify the non-conformity"), ("depose", "recolement"), "non_conforme",
               permission=SIGN, notify=True, comment=True),
        ),
    )


def workflows() -> list[WorkflowDecl]:
    return [authorisation(), certificat(), suite(), declaration(), achevement()]
