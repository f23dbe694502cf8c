"""Workflows of the CCAS, as templates each commune copies and may edit.

Legal timers run on dates the plugin computes with ``rules/`` and writes in
the request's data when the file is filed or moves (``dates.py``): a timer
anchored on such a date with no delay fires on that very day. So the law's
arithmetic stays in one place (rules/), and an agent reads the dates on
the request page.

- domiciliation: answer within 2 months, silence = refusal (timer on
  ``date_refus_implicite``); interview before the decision, which asks
  whether the person has a stable address (only a person sans domicile
  stable is domiciled, L264-1; a stable address found refuses the renewal,
  L264-5); a refusal needs its legal ground, a motive and an orientation
  (required fields, guard); the attestation is
  valid one year (timer on ``date_expiration``), renewable; 3 months without
  contact end it (warning on ``date_avertissement``, end on
  ``date_fin_absence``); it ends on request or on a stable address;
- registre des personnes vulnérables: acknowledgement within 8 days (the
  request's due date), registration by the persons the maire designates
  (``social.registre``), radiation at any time; the person's own request is
  acknowledged and registered in one step, a third party's is acknowledged
  first (the person may object) and registered only without opposition
  (guard), the opposition being an outcome (« non inscrite »); the reference
  sets no delay for the opposition, so no timer registers by itself;
- aide facultative: instruction → commission → granted with an amount
  (yearly ceiling per household, guard) / refused / adjourned → paid;
- aide légale: transmission within one month (timer on
  ``date_retard_transmission``), transmission and returning decision recorded;
- logement social: registration number within one month, yearly renewal with
  a reminder (``date_rappel_renouvellement``), radiation if not renewed
  (``date_radiation``).
"""
from __future__ import annotations

from grc_core.plugin_api import FieldSpec, StateSpec, TimerSpec, TransitionSpec, WorkflowDecl

# Who acts is decided by the CCAS permissions alone, never by a role: an
# administrator without them does not even see the files. Transitions the
# timers apply have no human actor (``SYSTEM``).
OFFICERS = ()
SYSTEM = ()
WRITE = "social.write"
DECIDE = "social.decide"
REGISTRE = "social.registre"

# Asked at the interview of each request and renewal: only a person sans domicile stable may be
# domiciled (CASF L264-1), and a stable domicile found ends the domiciliation (L264-5).
STABLE_ADDRESS = FieldSpec(
    "domicile_stable", "La personne dispose-t-elle d'un domicile stable ?", "choice", required=True,
    choices=(("non", "Non : sans domicile stable"), ("oui", "Oui : elle a un domicile stable")),
    help="Un domicile stable est une adresse où elle peut recevoir et consulter son courrier de façon constante "
         "et confidentielle (CASF L264-1).")
REFUSAL_GROUND = FieldSpec(
    "motif_legal", "Fondement du refus", "choice", required=True,
    choices=(("sans_lien", "Absence de lien avec la commune (CASF L264-4)"),
             ("domicile_stable", "La personne dispose d'un domicile stable (CASF L264-1)")))

DOMICILIATION = WorkflowDecl(
    "social.domiciliation", "Domiciliation",
    states=(
        StateSpec("recue", "Demande reçue", "new"),
        StateSpec("entretien", "Entretien à mener", "open"),
        StateSpec("active", "Domiciliation active", "open"),
        StateSpec("avertie", "Sans contact : personne avertie", "waiting"),
        StateSpec("refusee", "Refusée (motivée, orientée)", "closed"),
        StateSpec("refus_implicite", "Refus implicite (2 mois sans réponse)", "closed"),
        StateSpec("expiree", "Attestation expirée", "closed"),
        StateSpec("fin_absence", "Terminée : 3 mois sans contact", "closed"),
        StateSpec("terminee", "Terminée (à la demande ou adresse stable)", "closed"),
    ),
    transitions=(
        TransitionSpec("entretien", "Fixer l'entretien", ("recue",), "entretien", OFFICERS, permission=WRITE),
        TransitionSpec("accorder", "Élire domicile (délivrer l'attestation)", ("entretien",), "active", OFFICERS,
                       permission=WRITE, required_fields=("date_entretien", "date_election"), notify_citizen=True,
                       fields=(STABLE_ADDRESS,)),
        TransitionSpec("refuser", "Refuser (motif et orientation)", ("recue", "entretien"), "refusee", OFFICERS,
                       permission=WRITE, required_fields=("motif_refus", "orientation"), notify_citizen=True,
                       fields=(REFUSAL_GROUND,)),
        TransitionSpec("contact", "Enregistrer un contact (passage, courrier retiré, appel)", ("active", "avertie"),
                       "active", OFFICERS, permission=WRITE, required_fields=("date_dernier_contact",)),
        TransitionSpec("renouveler", "Renouveler (après entretien)", ("active", "avertie", "expiree"), "active",
                       OFFICERS, permission=WRITE, required_fields=("date_entretien", "date_election"),
                       notify_citizen=True, fields=(STABLE_ADDRESS,)),
        TransitionSpec("terminer", "Mettre fin (demande de la personne, adresse stable)", ("active", "avertie"),
                       "terminee", OFFICERS, permission=WRITE, comment_required=True, notify_citizen=True),
        TransitionSpec("refus_implicite", "Constater le refus implicite", ("recue", "entretien"), "refus_implicite",
                       SYSTEM),
        TransitionSpec("avertir", "Avertir : bientôt 3 mois sans contact", ("active",), "avertie", SYSTEM,
                       notify_citizen=True),
        TransitionSpec("fin_absence", "Mettre fin : 3 mois sans contact", ("avertie",), "fin_absence", SYSTEM,
                       notify_citizen=True),
        TransitionSpec("expirer", "Constater l'expiration de l'attestation", ("active", "avertie"), "expiree",
                       SYSTEM, notify_citizen=True),
    ),
    timers=(
        TimerSpec("refus_implicite", "recue", "refus_implicite", anchor="date_refus_implicite"),
        TimerSpec("refus_implicite_entretien", "entretien", "refus_implicite", anchor="date_refus_implicite"),
        TimerSpec("avertissement", "active", "avertir", anchor="date_avertissement"),
        TimerSpec("fin_absence", "avertie", "fin_absence", anchor="date_fin_absence"),
        TimerSpec("expiration", "active", "expirer", anchor="date_expiration"),
        TimerSpec("expiration_avertie", "avertie", "expirer", anchor="date_expiration"),
    ),
)

REGISTRE_WF = WorkflowDecl(
    "social.registre", "Registre des personnes vulnérables",
    states=(
        StateSpec("recue", "Demande reçue (accusé de réception sous 8 jours)", "new"),
        StateSpec("attente_opposition", "Accusé de réception envoyé : inscription sauf opposition", "waiting"),
        StateSpec("inscrite", "Inscrite au registre", "open"),
        StateSpec("non_inscrite", "Non inscrite : la personne s'est opposée", "closed"),
        StateSpec("non_eligible", "Non éligible", "closed"),
        StateSpec("radiee", "Radiée", "closed"),
    ),
    transitions=(
        TransitionSpec("inscrire", "Accuser réception et inscrire (demande de la personne)", ("recue",), "inscrite",
                       OFFICERS, permission=REGISTRE, notify_citizen=True, set_due_days=0),
        TransitionSpec("accuser_reception", "Accuser réception (demande d'un tiers : la personne peut s'opposer)",
                       ("recue",), "attente_opposition", OFFICERS, permission=REGISTRE, notify_citizen=True,
                       set_due_days=0),
        TransitionSpec("inscrire_sans_opposition", "Inscrire : pas d'opposition de la personne",
                       ("attente_opposition",), "inscrite", OFFICERS, permission=REGISTRE, notify_citizen=True),
        TransitionSpec("opposition", "Enregistrer l'opposition de la personne (non inscrite)",
                       ("recue", "attente_opposition"), "non_inscrite", OFFICERS, permission=REGISTRE,
                       fields=(FieldSpec("date_opposition", "Date de l'opposition", "date", required=True),)),
        TransitionSpec("non_eligible", "Répondre : non éligible", ("recue", "attente_opposition"), "non_eligible",
                       OFFICERS, permission=REGISTRE, comment_required=True, notify_citizen=True),
        TransitionSpec("radier", "Radier (à la demande, à tout moment)", ("recue", "attente_opposition", "inscrite"),
                       "radiee", OFFICERS, permission=REGISTRE, notify_citizen=True),
    ),
)

AIDE_FACULTATIVE = WorkflowDecl(
    "social.aide_facultative", "Aide sociale facultative",
    states=(
        StateSpec("recue", "Demande reçue", "new"),
        StateSpec("instruction", "En instruction", "open"),
        StateSpec("commission", "En attente de la commission", "waiting"),
        StateSpec("accordee", "Accordée : à verser ou remettre", "open"),
        StateSpec("ajournee", "Ajournée (pièces ou avis complémentaires)", "waiting"),
        StateSpec("versee", "Versée ou remise", "closed"),
        StateSpec("refusee", "Refusée", "closed"),
    ),
    transitions=(
        TransitionSpec("instruire", "Instruire", ("recue", "ajournee"), "instruction", OFFICERS, permission=WRITE),
        TransitionSpec("presenter", "Présenter à la commission", ("instruction",), "commission", OFFICERS,
                       permission=WRITE),
        TransitionSpec("accorder", "Accorder (montant)", ("commission",), "accordee", OFFICERS,
                       permission=DECIDE, required_fields=("montant_accorde",), notify_citizen=True),
        TransitionSpec("refuser", "Refuser", ("commission",), "refusee", OFFICERS,
                       permission=DECIDE, comment_required=True, notify_citizen=True),
        TransitionSpec("ajourner", "Ajourner", ("commission",), "ajournee", OFFICERS,
                       permission=DECIDE, comment_required=True),
        TransitionSpec("verser", "Verser ou remettre l'aide", ("accordee",), "versee", OFFICERS, permission=WRITE,
                       required_fields=("date_versement",)),
    ),
)

AIDE_LEGALE = WorkflowDecl(
    "social.aide_legale", "Aide sociale légale",
    states=(
        StateSpec("recue", "Dossier reçu", "new"),
        StateSpec("constitution", "Dossier en constitution", "open"),
        StateSpec("en_retard", "Transmission en retard (plus d'un mois)", "open"),
        StateSpec("transmise", "Transmis à l'autorité de décision", "waiting"),
        StateSpec("accordee", "Accordée par l'autorité", "closed"),
        StateSpec("rejetee", "Rejetée par l'autorité", "closed"),
    ),
    transitions=(
        TransitionSpec("constituer", "Constituer le dossier", ("recue",), "constitution", OFFICERS,
                       permission=WRITE),
        TransitionSpec("transmettre", "Transmettre (département ou préfet)", ("recue", "constitution", "en_retard"),
                       "transmise", OFFICERS, permission=WRITE, required_fields=("date_transmission",),
                       notify_citizen=True, set_due_days=0),
        TransitionSpec("retard", "Signaler le retard de transmission", ("recue", "constitution"), "en_retard",
                       SYSTEM),
        TransitionSpec("decision_accord", "Enregistrer la décision : accord", ("transmise",), "accordee", OFFICERS,
                       permission=WRITE, required_fields=("date_decision",), notify_citizen=True),
        TransitionSpec("decision_rejet", "Enregistrer la décision : rejet", ("transmise",), "rejetee", OFFICERS,
                       permission=WRITE, required_fields=("date_decision",), comment_required=True,
                       notify_citizen=True),
    ),
    timers=(
        TimerSpec("retard_recue", "recue", "retard", anchor="date_retard_transmission"),
        TimerSpec("retard_constitution", "constitution", "retard", anchor="date_retard_transmission"),
    ),
)

LOGEMENT = WorkflowDecl(
    "social.logement", "Demande de logement social",
    states=(
        StateSpec("deposee", "Déposée (numéro unique sous un mois)", "new"),
        StateSpec("enregistree", "Enregistrée (numéro unique délivré)", "open"),
        StateSpec("a_renouveler", "À renouveler (rappel envoyé)", "waiting"),
        StateSpec("attribuee", "Logement attribué", "closed"),
        StateSpec("radiee", "Radiée (non renouvelée)", "closed"),
        StateSpec("annulee", "Annulée à la demande", "closed"),
    ),
    transitions=(
        TransitionSpec("enregistrer", "Enregistrer (numéro unique)", ("deposee",), "enregistree", OFFICERS,
                       permission=WRITE, required_fields=("numero_unique", "date_enregistrement"),
                       notify_citizen=True, set_due_days=0),
        TransitionSpec("rappel", "Rappeler le renouvellement", ("enregistree",), "a_renouveler", SYSTEM,
                       notify_citizen=True),
        TransitionSpec("renouveler", "Renouveler la demande", ("enregistree", "a_renouveler"), "enregistree",
                       OFFICERS, permission=WRITE, required_fields=("date_enregistrement",), notify_citizen=True),
        TransitionSpec("radier", "Radier : demande non renouvelée", ("enregistree", "a_renouveler"), "radiee",
                       SYSTEM, notify_citizen=True),
        TransitionSpec("attribuer", "Logement attribué", ("enregistree", "a_renouveler"), "attribuee", OFFICERS,
                       permission=WRITE, notify_citizen=True),
        TransitionSpec("annuler", "Annuler à la demande", ("deposee", "enregistree", "a_renouveler"), "annulee",
                       OFFICERS, permission=WRITE, comment_required=True),
    ),
    timers=(
        TimerSpec("rappel", "enregistree", "rappel", anchor="date_rappel_renouvellement"),
        TimerSpec("radiation", "a_renouveler", "radier", anchor="date_radiation"),
        TimerSpec("radiation_sans_rappel", "enregistree", "radier", anchor="date_radiation"),
    ),
)

WORKFLOWS = (DOMICILIATION, REGISTRE_WF, AIDE_FACULTATIVE, AIDE_LEGALE, LOGEMENT)
