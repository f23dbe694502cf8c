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

from grc_core.plugin_api import StateSpec, TimerSpec, TransitionSpec, WorkflowDecl

AGENTS = ("admin", "manager", "agent", "accueil")
OFFICERS = ("admin", "manager", "agent")
DELIVER = "etat_civil.deliver"

RECUE = StateSpec("recue", "Reçue", "new")
A_VERIFIER = StateSpec("a_verifier", "À vérifier", "open")
ATTENTE_PIECE = StateSpec("attente_piece", "En attente d'une pièce du demandeur", "waiting")
REFUSEE = StateSpec("refusee", "Refusée", "closed")
CLASSEE = StateSpec("classee", "Classée sans suite", "closed")

# One refusal transition per reason: (code, label), shared by the indicators.
REFUSALS = (
    ("refuser_qualite", "Refuser : le demandeur n'a pas qualité"),
    ("refuser_introuvable", "Refuser : acte introuvable ou non détenu par la commune"),
    ("refuser_incomplet", "Refuser : demande incomplète"),
)


def _common(working: tuple[str, ...]) -> tuple[TransitionSpec, ...]:
    """Check, ask for a piece, refuse (per reason), close without follow-up."""
    return (
        TransitionSpec("verifier", "Vérifier la demande", ("recue",), "a_verifier", AGENTS),
        TransitionSpec("demander_piece", "Demander une pièce manquante", working, "attente_piece", OFFICERS,
                       comment_required=True, notify_citizen=True, set_due_days=0),
        # The applicant's answer on the portal brings the file back to be checked.
        TransitionSpec("piece_recue", "Pièce reçue", ("attente_piece",), "a_verifier", AGENTS, resume=True),
        *(TransitionSpec(code, label, ("recue", *working, "attente_piece"), "refusee", OFFICERS,
                         comment_required=True, notify_citizen=True) for code, label in REFUSALS),
        TransitionSpec("classer", "Classer sans suite", ("recue", *working, "attente_piece"), "classee", OFFICERS,
                       comment_required=True),
    )


# Without the missing piece two months after asking, the file is closed.
PIECE_TIMER = TimerSpec("classement_sans_piece", "attente_piece", "classer_sans_piece", delay_months=2)
PIECE_TIMEOUT = TransitionSpec("classer_sans_piece", "Classer faute de pièce", ("attente_piece",), "classee",
                               ("admin",), notify_citizen=True)

ACTE = WorkflowDecl(
    "etat_civil.acte", "Demande d'acte d'état civil",
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE, StateSpec("delivree", "Délivrée", "closed"), REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("delivrer", "Délivrer l'acte", ("a_verifier",), "delivree", ("admin",), permission=DELIVER,
                       notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

STANDARD = WorkflowDecl(
    "etat_civil.standard", "Démarche d'état civil",
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE, StateSpec("traitee", "Traitée", "closed"), REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("traiter", "Établir l'acte ou le document", ("a_verifier",), "traitee", ("admin",),
                       permission=DELIVER, notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

MARIAGE = WorkflowDecl(
    "etat_civil.mariage", "Dossier de mariage",
    states=(
        StateSpec("recue", "Dossier déposé", "new"), A_VERIFIER, ATTENTE_PIECE,
        StateSpec("bans_publies", "Bans publiés", "open"),
        StateSpec("celebration_fixee", "Célébration fixée", "open"),
        StateSpec("publication_expiree", "Nouvelle publication nécessaire", "waiting"),
        StateSpec("celebre", "Mariage célébré", "closed"), REFUSEE, CLASSEE,
    ),
    transitions=(
        *_common(("a_verifier", "bans_publies", "celebration_fixee", "publication_expiree")),
        TransitionSpec("publier_bans", "Publier les bans", ("a_verifier", "publication_expiree"), "bans_publies",
                       OFFICERS, required_fields=("date_publication",)),
        TransitionSpec("fixer_celebration", "Fixer la date de célébration", ("bans_publies", "celebration_fixee"),
                       "celebration_fixee", OFFICERS, required_fields=("date_celebration",), notify_citizen=True),
        TransitionSpec("celebrer", "Mariage célébré", ("celebration_fixee",), "celebre", ("admin", "manager"),
                       permission=DELIVER),
        TransitionSpec("expirer_publication", "Publication expirée (un an)", ("bans_publies", "celebration_fixee"),
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
    "etat_civil.pacs", "Enregistrement d'un PACS",
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE, StateSpec("enregistre", "PACS enregistré", "closed"), REFUSEE,
            CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("enregistrer", "Enregistrer le PACS", ("a_verifier",), "enregistre", ("admin",),
                       permission=DELIVER, notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

NAISSANCE = WorkflowDecl(
    "etat_civil.naissance", "Déclaration de naissance",
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE, StateSpec("acte_dresse", "Acte de naissance dressé", "closed"),
            StateSpec("orientee_tribunal", "Déclaration tardive : orientée vers le tribunal", "closed"),
            REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("dresser_acte", "Dresser l'acte de naissance", ("recue", "a_verifier"), "acte_dresse",
                       ("admin",), permission=DELIVER),
        TransitionSpec("orienter_tribunal", "Orienter vers le tribunal (jugement déclaratif)",
                       ("recue", "a_verifier"), "orientee_tribunal", OFFICERS, comment_required=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

RECENSEMENT = WorkflowDecl(
    "etat_civil.recensement", "Recensement citoyen",
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE, StateSpec("attestation_delivree", "Attestation délivrée", "closed"),
            REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("delivrer_attestation", "Délivrer l'attestation de recensement", ("recue", "a_verifier"),
                       "attestation_delivree", AGENTS, notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

PRENOM = WorkflowDecl(
    "etat_civil.prenom", "Changement de prénom",
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE,
            StateSpec("saisine_procureur", "Procureur de la République saisi", "waiting"),
            StateSpec("inscrit", "Changement inscrit", "closed"),
            StateSpec("opposition", "Opposition du procureur", "closed"), REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("inscrire", "Accepter et inscrire le changement", ("a_verifier",), "inscrit", ("admin",),
                       permission=DELIVER, notify_citizen=True),
        # The officer doubts the legitimate interest: referral, without delay, to the procureur (C. civ. 60).
        TransitionSpec("saisir_procureur", "Saisir le procureur (intérêt légitime douteux)", ("a_verifier",),
                       "saisine_procureur", OFFICERS, comment_required=True, notify_citizen=True),
        TransitionSpec("pas_opposition", "Le procureur ne s'oppose pas : inscrire", ("saisine_procureur",),
                       "inscrit", ("admin",), permission=DELIVER, notify_citizen=True),
        TransitionSpec("opposition_procureur", "Le procureur s'oppose", ("saisine_procureur",), "opposition",
                       OFFICERS, comment_required=True, notify_citizen=True),
        PIECE_TIMEOUT,
    ),
    timers=(PIECE_TIMER,),
)

NOM = WorkflowDecl(
    "etat_civil.nom", "Changement de nom (procédure simplifiée)",
    states=(RECUE, A_VERIFIER, ATTENTE_PIECE,
            StateSpec("delai_reflexion", "Délai d'un mois avant confirmation", "waiting"),
            StateSpec("a_confirmer", "À confirmer en personne", "open"),
            StateSpec("inscrit", "Changement inscrit", "closed"), REFUSEE, CLASSEE),
    transitions=(
        *_common(("a_verifier",)),
        TransitionSpec("accepter_dossier", "Dossier complet : attendre la confirmation", ("a_verifier",),
                       "delai_reflexion", OFFICERS, notify_citizen=True),
        TransitionSpec("ouvrir_confirmation", "Délai d'un mois écoulé", ("delai_reflexion",), "a_confirmer",
                       ("admin",), notify_citizen=True),
        TransitionSpec("confirmer", "Confirmation en personne : inscrire", ("a_confirmer",), "inscrit", ("admin",),
                       permission=DELIVER),
        TransitionSpec("renoncer", "Le demandeur ne confirme pas", ("delai_reflexion", "a_confirmer"), "classee",
                       OFFICERS, comment_required=True),
        PIECE_TIMEOUT,
    ),
    # One calendar month after receipt (C. civ. 61-3-1; same as rules.name_change_earliest_confirmation).
    timers=(TimerSpec("confirmation_possible", "delai_reflexion", "ouvrir_confirmation", delay_months=1,
                      anchor="created"), PIECE_TIMER),
)

WORKFLOWS = (ACTE, STANDARD, MARIAGE, PACS, NAISSANCE, RECENSEMENT, PRENOM, NOM)
