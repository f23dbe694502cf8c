"""The plugin's workflow templates, as data: each commune edits its own copy.

Labels are copied into the commune's rows (editable there): they are written
in French. The transitions' effects on the plugin's rows (slots held,
deposit, convention, stock) are in services.py; their guards in guards.py.
"""
from __future__ import annotations

from grc_core.plugin_api import FieldSpec, StateSpec, TimerSpec, TransitionSpec, WorkflowDecl

STAFF = ("admin", "manager", "agent")
DECIDE = "equipements.decide"
OPTION_DAYS = 10


def workflows() -> list[WorkflowDecl]:
    return [
        WorkflowDecl(
            "equipements.reservation", "Réservation d'équipement",
            states=(
                StateSpec("demandee", "Demandée", "new"),
                StateSpec("option", "Option posée", "open"),
                StateSpec("confirmee", "Confirmée", "open"),
                StateSpec("en_cours", "Équipement remis", "open"),
                StateSpec("terminee", "Équipement rendu, caution à solder", "open"),
                StateSpec("soldee", "Caution soldée", "closed"),
                StateSpec("refusee", "Refusée", "closed"),
                StateSpec("annulee", "Annulée", "closed"),
            ),
            transitions=(
                TransitionSpec("poser_option", "Poser une option", ("demandee",), "option", roles=STAFF,
                               notify_citizen=True),
                TransitionSpec("confirmer", "Confirmer (assurance reçue, caution encaissée)", ("demandee", "option"),
                               "confirmee", roles=STAFF, permission=DECIDE, notify_citizen=True, fields=(
                                   FieldSpec("assurance_reference", "Assurance : assureur et n° de contrat",
                                             help="Exigée si l'attestation n'est pas jointe à la demande."),
                               )),
                TransitionSpec("remettre", "État des lieux d'entrée et remise des clés", ("confirmee",), "en_cours",
                               roles=STAFF, fields=(
                                   FieldSpec("etat_des_lieux_entree", "État des lieux d'entrée", "textarea",
                                             required=True, help="Joignez les photos à la demande."),
                               )),
                TransitionSpec("restituer", "État des lieux de sortie", ("en_cours",), "terminee", roles=STAFF,
                               fields=(
                                   FieldSpec("etat_des_lieux_sortie", "État des lieux de sortie", "textarea",
                                             required=True, help="Joignez les photos à la demande."),
                               )),
                TransitionSpec("solder", "Rendre ou retenir la caution", ("terminee",), "soldee", roles=STAFF,
                               notify_citizen=True, fields=(
                                   FieldSpec("montant_retenu", "Montant retenu (€)", "decimal", min=0,
                                             help="0 ou vide : la caution est rendue en entier."),
                                   FieldSpec("motif_retenue", "Motif de la retenue", "textarea"),
                               )),
                TransitionSpec("refuser", "Refuser", ("demandee", "option"), "refusee", roles=STAFF,
                               comment_required=True, notify_citizen=True),
                TransitionSpec("annuler", "Annuler", ("demandee", "option", "confirmee"), "annulee", roles=STAFF,
                               comment_required=True, notify_citizen=True),
                TransitionSpec("expirer", "Option expirée", ("option",), "annulee", roles=()),
            ),
            timers=(
                # An option not confirmed frees the facility (the commune sets the delay).
                TimerSpec("option_expiree", "option", "expirer", delay_days=OPTION_DAYS),
            ),
        ),
        WorkflowDecl(
            "equipements.creneaux", "Créneaux d'une saison",
            states=(
                StateSpec("demandee", "Demandée", "new"),
                StateSpec("accordee", "Créneaux accordés", "closed"),
                StateSpec("refusee", "Refusée", "closed"),
            ),
            transitions=(
                TransitionSpec("accorder", "Accorder les créneaux", ("demandee",), "accordee", roles=STAFF,
                               permission=DECIDE, notify_citizen=True),
                TransitionSpec("refuser", "Refuser", ("demandee",), "refusee", roles=STAFF, comment_required=True,
                               notify_citizen=True),
            ),
        ),
        WorkflowDecl(
            "equipements.pret", "Prêt de matériel",
            states=(
                StateSpec("demande", "Demandé", "new"),
                StateSpec("accorde", "Accordé", "open"),
                StateSpec("sorti", "Matériel livré ou retiré", "open"),
                StateSpec("rendu", "Rendu et vérifié", "closed"),
                StateSpec("refuse", "Refusé", "closed"),
            ),
            transitions=(
                TransitionSpec("accorder", "Accorder le prêt", ("demande",), "accorde", roles=STAFF,
                               notify_citizen=True),
                TransitionSpec("sortir", "Matériel livré ou retiré", ("accorde",), "sorti", roles=STAFF),
                TransitionSpec("rendre", "Retour vérifié", ("sorti",), "rendu", roles=STAFF, fields=(
                    FieldSpec("retour_complet", "Tout le matériel est rendu en bon état", "boolean"),
                    FieldSpec("remarques_retour", "Manquants ou dégâts", "textarea"),
                )),
                TransitionSpec("refuser", "Refuser", ("demande",), "refuse", roles=STAFF, comment_required=True,
                               notify_citizen=True),
            ),
        ),
        WorkflowDecl(
            "equipements.buvette", "Buvette temporaire",
            states=(
                StateSpec("deposee", "Déposée", "new"),
                StateSpec("autorisee", "Autorisée par le maire", "closed"),
                StateSpec("refusee", "Refusée", "closed"),
            ),
            transitions=(
                TransitionSpec("autoriser", "Autoriser (arrêté du maire)", ("deposee",), "autorisee", roles=STAFF,
                               permission=DECIDE, notify_citizen=True),
                TransitionSpec("refuser", "Refuser", ("deposee",), "refusee", roles=STAFF, comment_required=True,
                               notify_citizen=True),
            ),
        ),
    ]
