"""Workflows of the état civil, as templates each commune copies and may edit.

The common path: reçue → à vérifier → (en attente d'une pièce) → délivrée /
refusée / classée. Refusals are separate transitions, one per reason, so the
history says why (the « refusals by reason » indicator reads them).

Legal timers and guards (guards are in ``guards.py`` and call ``rules/``):
- mariage: the bans are published (date_publication); the celebration date
  is refused before the 10th day after publication or after one year
  (C. civ. 64, 65); a timer moves a file whose publication expired to
  « nouvelle publication nécessaire »;
- changement de nom: a timer opens the in-person confirmation one month after
  receipt (C. civ. 61-3-1), and a guard refuses an earlier confirmation;
- déclaration de naissance: a guard refuses to draw up a late declaration's act.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from grc_core.plugin_api import StateSpec, TimerSpec, TransitionSpec, WorkflowDecl

AGENTS = ("admin", "manager", "agent", "accueil")
OFFICERS = ("admin", "manager", "agent")
DELIVER = "etat_civil.deliver"

RECUE = StateSpec("recue", _l("Arrived"), "new")
A_VERIFIER = StateSpec("a_verifier", _l("To check"), "open")
ATTENTE_PIECE = StateSpec("attente_piece", _l("Waiting for a document from the applicant"), "waiting")
REFUSEE = StateSpec("refusee", _l("Refused"), "closed")
CLASSEE = StateSpec("classee", _l("Closed without action"), "closed")

# One refusal transition per reason: (code, label), shared by the indicators.
REFUSALS = (
    ("refuser_qualite", _l("Refuse: the applicant is not entitled")),
    ("refuser_introuvable", _l("Refuse: certificate not found or not held by the commune")),
    ("refuser_incomplet", _l("Refuse: incomplete request")),
)


def _common(working: tuple[str, ...]) -> tuple[TransitionSpec, ...]:
    """Check, ask for a piece, refuse (per reason), close without follow-up."""
    return (
        TransitionSpec("verifier", _l("Check the request"), ("recue",), "a_verifier", AGENTS),
        TransitionSpec("demander_piece", _l("Ask for a missing document"), working, "attente_piece", OFFICERS,
                       comment_required=True, notify_citizen=True, set_due_days=0),
        # The applicant's answer on the portal brings the file back to be checked.
        TransitionSpec("piece_recue", _l("Document received"), ("attente_piece",), "a_verifier", AGENTS, resume=True),
        *(TransitionSpec(code, label, ("recue", *working, "attente_piece"), "refusee", OFFICERS,
                         comment_required=True, notify_citizen=True) for code, label in REFUSALS),
        TransitionSpec("classer", _l("Close without action"), ("recue", *working, "attente_piece"), "classee", OFFICERS,
                       comment_required=True),
    )


# Without the missing piece two months after asking, the file is closed.
PIECE_TIMER = TimerSpec("classement_sans_piece", "attente_piece", "classer_sans_piece", delay_months=2)
PIECE_TIMEOUT = TransitionSpec("classer_sans_piece", _l("Close for lack of documents"), ("attente_piece",), "classee",
                               ("admin",), notify_citizen=True)

ACTE = WorkflowDecl(
    "etat_civil.acte", _l("Civil status certificate request"),
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE, StateSpec("delivree", _l("Issued"), "closed"), REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("delivrer", _l("Issue the certificate"), ("a_verifier",), "delivree", ("admin",), permission=DELIVER,
                       notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

STANDARD = WorkflowDecl(
    "etat_civil.standard", _l("Civil status procedure"),
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE, StateSpec("traitee", _l("Handled"), "closed"), REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("traiter", _l("Draw up the certificate or document"), ("a_verifier",), "traitee", ("admin",),
                       permission=DELIVER, notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

MARIAGE = WorkflowDecl(
    "etat_civil.mariage", _l("Marriage file"),
    states=(
        StateSpec("recue", _l("File submitted"), "new"), A_VERIFIER, ATTENTE_PIECE,
        StateSpec("bans_publies", _l("Banns published"), "open"),
        StateSpec("celebration_fixee", _l("Ceremony date set"), "open"),
        StateSpec("publication_expiree", _l("New publication needed"), "waiting"),
        StateSpec("celebre", _l("Marriage celebrated"), "closed"), REFUSEE, CLASSEE,
    ),
    transitions=(
        *_common(("a_verifier", "bans_publies", "celebration_fixee", "publication_expiree")),
        TransitionSpec("publier_bans", _l("Publish the banns"), ("a_verifier", "publication_expiree"), "bans_publies",
                       OFFICERS, required_fields=("date_publication",)),
        TransitionSpec("fixer_celebration", _l("Set the ceremony date"), ("bans_publies", "celebration_fixee"),
                       "celebration_fixee", OFFICERS, required_fields=("date_celebration",), notify_citizen=True),
        TransitionSpec("celebrer", _l("Marriage celebrated"), ("celebration_fixee",), "celebre", ("admin", "manager"),
                       permission=DELIVER),
        TransitionSpec("expirer_publication", _l("Publication expired (one year)"), ("bans_publies", "celebration_fixee"),
                       "publication_expiree", ("admin",), notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    # Published on D: celebration possible until D + 10 days + 1 year (C. civ. 65);
    # the timer fires the day after.
    timers=(
        TimerSpec("publication_expiree", "bans_publies", "expirer_publication", delay_days=11, delay_months=12,
                  anchor="date_publication"),
        TimerSpec("publication_expiree_fixee", "celebration_fixee", "expirer_publication", delay_days=11,
                  delay_months=12, anchor="date_publication"),
        PIECE_TIMER,
    ),
)

PACS = WorkflowDecl(
    "etat_civil.pacs", _l("PACS registration"),
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE, StateSpec("enregistre", _l("PACS registered"), "closed"), REFUSEE,
            CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("enregistrer", _l("Register the PACS"), ("a_verifier",), "enregistre", ("admin",),
                       permission=DELIVER, notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

NAISSANCE = WorkflowDecl(
    "etat_civil.naissance", _l("Birth declaration"),
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE, StateSpec("acte_dresse", _l("Birth certificate drawn up"), "closed"),
            StateSpec("orientee_tribunal", _l("Late declaration: referred to the court"), "closed"),
            REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("dresser_acte", _l("Draw up the birth certificate"), ("recue", "a_verifier"), "acte_dresse",
                       ("admin",), permission=DELIVER),
        TransitionSpec("orienter_tribunal", _l("Refer to the court (declaratory judgment)"),
                       ("recue", "a_verifier"), "orientee_tribunal", OFFICERS, comment_required=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

RECENSEMENT = WorkflowDecl(
    "etat_civil.recensement", _l("Citizen census"),
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE, StateSpec("attestation_delivree", _l("Certificate issued"), "closed"),
            REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("delivrer_attestation", _l("Issue the census certificate"), ("recue", "a_verifier"),
                       "attestation_delivree", AGENTS, notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

PRENOM = WorkflowDecl(
    "etat_civil.prenom", _l("Change of first name"),
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE,
            StateSpec("saisine_procureur", _l("Public prosecutor referred to"), "waiting"),
            StateSpec("inscrit", _l("Change recorded"), "closed"),
            StateSpec("opposition", _l("Prosecutor's objection"), "closed"), REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("inscrire", _l("Accept and record the change"), ("a_verifier",), "inscrit", ("admin",),
                       permission=DELIVER, notify_citizen=True),
        # The officer doubts the legitimate interest: referral, without delay, to the procureur (C. civ. 60).
        TransitionSpec("saisir_procureur", _l("Refer to the prosecutor (doubtful legitimate interest)"), ("a_verifier",),
                       "saisine_procureur", OFFICERS, comment_required=True, notify_citizen=True),
        TransitionSpec("pas_opposition", _l("The prosecutor does not object: record"), ("saisine_procureur",),
                       "inscrit", ("admin",), permission=DELIVER, notify_citizen=True),
        TransitionSpec("opposition_procureur", _l("The prosecutor objects"), ("saisine_procureur",), "opposition",
                       OFFICERS, comment_required=True, notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

NOM = WorkflowDecl(
    "etat_civil.nom", _l("Change of last name (simplified procedure)"),
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE,
            StateSpec("delai_reflexion", _l("One-month wait before confirmation"), "waiting"),
            StateSpec("a_confirmer", _l("To be confirmed in person"), "open"),
            StateSpec("inscrit", _l("Change recorded"), "closed"), REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("accepter_dossier", _l("File complete: wait for the confirmation"), ("a_verifier",),
                       "delai_reflexion", OFFICERS, notify_citizen=True),
        TransitionSpec("ouvrir_confirmation", _l("One-month wait over"), ("delai_reflexion",), "a_confirmer",
                       ("admin",), notify_citizen=True),
        TransitionSpec("confirmer", _l("Confirmed in person: record"), ("a_confirmer",), "inscrit", ("admin",),
                       permission=DELIVER),
        TransitionSpec("renoncer", _l("The applicant does not confirm"), ("delai_reflexion", "a_confirmer"), "classee",
                       OFFICERS, comment_required=True),
        PIECE_TIMEOUT,
    ),
    # One calendar month after receipt (C. civ. 61-3-1; same as rules.name_change_earliest_confirmation).
    timers=(TimerSpec("confirmation_possible", "delai_reflexion", "ouvrir_confirmation", delay_months=1,
                      anchor="created"), PIECE_TIMER),
)

WORKFLOWS = (ACTE, STANDARD, MARIAGE, PACS, NAISSANCE, RECENSEMENT, PRENOM, NOM)
