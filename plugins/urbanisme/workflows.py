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
    "accord": "Accord",
    "accord_prescriptions": "Accord avec prescriptions",
    "refus": "Refus / opposition",
    "sursis": "Sursis à statuer",
    "accord_tacite": "Accord tacite / non-opposition",
    "refus_tacite": "Refus ou opposition tacite",
    "rejet_pieces": "Rejet ou opposition tacite (pièces non fournies)",
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
        _t("verifier", "Vérifier la complétude", ("depose",), "completude"),
        _t("demander_pieces", "Demander les pièces manquantes", ("depose", "completude"), "pieces_demandees",
           notify=True, comment=True),
        _t("declarer_complet", "Déclarer le dossier complet", ("depose", "completude"), "instruction"),
        _t("recevoir_pieces", "Enregistrer les pièces reçues", ("pieces_demandees",), "instruction"),
        _t("consulter", "Lancer les consultations", ("instruction",), "consultations"),
        _t("cloturer_consultations", "Clore les consultations", ("consultations",), "instruction"),
        *(_t(code, label, DECIDING, "decision_proposee") for code, label in (
            ("proposer_accord", "Proposer un accord"),
            ("proposer_prescriptions", "Proposer un accord avec prescriptions"),
            ("proposer_refus", "Proposer un refus ou une opposition"),
            ("proposer_sursis", "Proposer un sursis à statuer"))),
        _t("reprendre", "Reprendre l'instruction", ("decision_proposee",), "instruction"),
        _t("signer", "Signer la décision", ("decision_proposee",), "signee", permission=SIGN),
        _t("notifier", "Notifier l'accord", ("signee",), "notifiee", notify=True),
        _t("notifier_refus", "Notifier le refus ou le sursis", ("signee",), "refusee", notify=True),
        _t("afficher", "Afficher la décision en mairie", ("notifiee", "tacite_favorable"), "affichee"),
        _t("ouvrir_chantier", "Enregistrer l'ouverture du chantier (DOC)", ("affichee",), "travaux"),
        _t("declarer_achevement", "Enregistrer la DAACT", ("travaux",), "achevement"),
        _t("constater_conformite", "Constater la conformité", ("achevement",), "conforme", notify=True),
        _t("contester_conformite", "Notifier la non-conformité", ("achevement",), "non_conforme",
           permission=SIGN, notify=True, comment=True),
        _t("classer", "Classer sans suite (retrait de la demande)", RUNNING + ("pieces_demandees",), "classee",
           comment=True),
        _t("accord_tacite", "Accord tacite / non-opposition", WATCHED, "tacite_favorable", permission=None,
           notify=True),
        _t("refus_tacite", "Refus ou opposition tacite", WATCHED, "tacite_defavorable", permission=None,
           notify=True),
        _t("rejet_pieces", "Rejet tacite : pièces non fournies", ("pieces_demandees",), "tacite_defavorable",
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
        _t("instruire", "Commencer l'instruction", ("depose",), "instruction"),
        _t("proposer_accord", "Proposer une décision favorable", ("instruction",), "decision_proposee"),
        _t("proposer_refus", "Proposer un refus", ("instruction",), "decision_proposee"),
        _t("reprendre", "Reprendre l'instruction", ("decision_proposee",), "instruction"),
        _t("signer", "Signer la décision", ("decision_proposee",), "signee", permission=SIGN),
        _t("notifier", "Notifier la décision", ("signee",), "notifiee", notify=True),
        _t("notifier_refus", "Notifier le refus", ("signee",), "refusee", notify=True),
        _t("classer", "Classer sans suite", running, "classee", comment=True),
        _t("accord_tacite", "Décision tacite favorable", running, "tacite_favorable", permission=None,
           notify=True),
        _t("refus_tacite", "Refus tacite", running, "tacite_defavorable", permission=None, notify=True),
    )
    return WorkflowDecl(code, label, states, transitions,
                        _tacit_timers(running, unfavourable=unfavourable_silence))


def certificat() -> WorkflowDecl:
    return _short("urbanisme.certificat", "Certificat d'urbanisme", unfavourable_silence=False,
                  end_label="Certificat délivré")


def suite() -> WorkflowDecl:
    """Transfert and prorogation (silence on a prorogation = prorogation acquise, R424-23)."""
    return _short("urbanisme.suite", "Transfert ou prorogation d'une autorisation", unfavourable_silence=False,
                  end_label="Décision notifiée")


def declaration() -> WorkflowDecl:
    """DOC: a declaration, registered, not instructed."""
    return WorkflowDecl(
        "urbanisme.declaration", _l("Declaration of the start of works"),
        (StateSpec("depose", _l("Filed (request)"), "new"), StateSpec("enregistree", _l("Recorded"), "closed")),
        (_t("enregistrer", "Enregistrer la déclaration", ("depose",), "enregistree"),),
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
            _t("recoler", "Programmer le récolement", ("depose",), "recolement"),
            _t("constater_conformite", "Constater la conformité", ("depose", "recolement"), "conforme",
               notify=True),
            _t("contester_conformite", "Notifier la non-conformité", ("depose", "recolement"), "non_conforme",
               permission=SIGN, notify=True, comment=True),
        ),
    )


def workflows() -> list[WorkflowDecl]:
    return [authorisation(), certificat(), suite(), declaration(), achevement()]
