"""The plugin's workflow templates, as data: each commune edits its own copy.

Labels are copied into the commune's rows (editable there): they are
English sources, translated by the plugin's catalog (grc_core.copied_labels). The transitions' effects on the plugin's rows (slots held,
deposit, convention, stock) are in services.py; their guards in guards.py.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from grc_core.plugin_api import FieldSpec, StateSpec, TimerSpec, TransitionSpec, WorkflowDecl

STAFF = ("admin", "manager", "agent")
DECIDE = "equipements.decide"
OPTION_DAYS = 10


def workflows() -> list[WorkflowDecl]:
    return [
        WorkflowDecl(
            "equipements.reservation", _l("Facility booking"),
            states=(
                StateSpec("demandee", _l("Requested (booking)"), "new"),
                StateSpec("option", _l("Provisionally held"), "open"),
                StateSpec("confirmee", _l("Confirmed"), "open"),
                StateSpec("en_cours", _l("Facility handed over"), "open"),
                StateSpec("terminee", _l("Facility returned, deposit to settle"), "open"),
                StateSpec("soldee", _l("Deposit settled"), "closed"),
                StateSpec("refusee", _l("Refused"), "closed"),
                StateSpec("annulee", _l("Cancelled"), "closed"),
            ),
            transitions=(
                TransitionSpec("poser_option", _l("Hold provisionally"), ("demandee",), "option", roles=STAFF,
                               notify_citizen=True),
                TransitionSpec("confirmer", _l("Confirm (insurance received, deposit cashed)"), ("demandee", "option"),
                               "confirmee", roles=STAFF, permission=DECIDE, notify_citizen=True, fields=(
                                   FieldSpec("assurance_reference", _l("Insurance: insurer and policy number"),
                                             help=_l("Required if the certificate is not attached to the request.")),
                               )),
                TransitionSpec("remettre", _l("Check-in inspection and handing over the keys"), ("confirmee",), "en_cours",
                               roles=STAFF, fields=(
                                   FieldSpec("etat_des_lieux_entree", _l("Check-in inspection"), "textarea",
                                             required=True, help=_l("Attach the photos to the request.")),
                               )),
                TransitionSpec("restituer", _l("Check-out inspection"), ("en_cours",), "terminee", roles=STAFF,
                               fields=(
                                   FieldSpec("etat_des_lieux_sortie", _l("Check-out inspection"), "textarea",
                                             required=True, help=_l("Attach the photos to the request.")),
                               )),
                TransitionSpec("solder", _l("Return or withhold the deposit"), ("terminee",), "soldee", roles=STAFF,
                               notify_citizen=True, fields=(
                                   FieldSpec("montant_retenu", _l("Amount withheld (€)"), "decimal", min=0,
                                             help=_l("0 or empty: the deposit is returned in full.")),
                                   FieldSpec("motif_retenue", _l("Reason for withholding"), "textarea"),
                               )),
                TransitionSpec("refuser", _l("Refuse"), ("demandee", "option"), "refusee", roles=STAFF,
                               comment_required=True, notify_citizen=True),
                TransitionSpec("annuler", _l("Cancel"), ("demandee", "option", "confirmee"), "annulee", roles=STAFF,
                               comment_required=True, notify_citizen=True),
                TransitionSpec("expirer", _l("Provisional hold expired"), ("option",), "annulee", roles=()),
            ),
            timers=(
                # An option not confirmed frees the facility (the commune sets the delay).
                TimerSpec("option_expiree", "option", "expirer", delay_days=OPTION_DAYS),
            ),
        ),
        WorkflowDecl(
            "equipements.creneaux", _l("Slots for a season"),
            states=(
                StateSpec("demandee", _l("Requested (booking)"), "new"),
                StateSpec("accordee", _l("Slots granted"), "closed"),
                StateSpec("refusee", _l("Refused"), "closed"),
            ),
            transitions=(
                TransitionSpec("accorder", _l("Grant the slots"), ("demandee",), "accordee", roles=STAFF,
                               permission=DECIDE, notify_citizen=True),
                TransitionSpec("refuser", _l("Refuse"), ("demandee",), "refusee", roles=STAFF, comment_required=True,
                               notify_citizen=True),
            ),
        ),
        WorkflowDecl(
            "equipements.pret", _l("Equipment loan"),
            states=(
                StateSpec("demande", _l("Requested (loan)"), "new"),
                StateSpec("accorde", _l("Granted (loan)"), "open"),
                StateSpec("sorti", _l("Equipment delivered or collected"), "open"),
                StateSpec("rendu", _l("Returned and checked"), "closed"),
                StateSpec("refuse", _l("Refused (loan)"), "closed"),
            ),
            transitions=(
                TransitionSpec("accorder", _l("Grant the loan"), ("demande",), "accorde", roles=STAFF,
                               notify_citizen=True),
                TransitionSpec("sortir", _l("Equipment delivered or collected"), ("accorde",), "sorti", roles=STAFF),
                TransitionSpec("rendre", _l("Return checked"), ("sorti",), "rendu", roles=STAFF, fields=(
                    FieldSpec("retour_complet", _l("All the equipment is returned in good condition"), "boolean"),
                    FieldSpec("remarques_retour", _l("Missing items or damage"), "textarea"),
                )),
                TransitionSpec("refuser", _l("Refuse"), ("demande",), "refuse", roles=STAFF, comment_required=True,
                               notify_citizen=True),
            ),
        ),
        WorkflowDecl(
            "equipements.buvette", _l("Temporary refreshment bar"),
            states=(
                StateSpec("deposee", _l("Filed (request)"), "new"),
                StateSpec("autorisee", _l("Authorised by the mayor"), "closed"),
                StateSpec("refusee", _l("Refused"), "closed"),
            ),
            transitions=(
                TransitionSpec("autoriser", _l("Authorise (mayor's order)"), ("deposee",), "autorisee", roles=STAFF,
                               permission=DECIDE, notify_citizen=True),
                TransitionSpec("refuser", _l("Refuse"), ("deposee",), "refusee", roles=STAFF, comment_required=True,
                               notify_citizen=True),
            ),
        ),
    ]
