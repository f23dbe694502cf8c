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

from flask_babel import lazy_gettext as _l
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
    "domicile_stable", _l("Does the person have a stable address?"), "choice", required=True,
    choices=(("non", _l("No: without a stable address")), ("oui", _l("Yes: the person has a stable address"))),
    help=_l("A stable address is one where the person can receive and read their post steadily and confidentially (CASF L264-1)."))
REFUSAL_GROUND = FieldSpec(
    "motif_legal", _l("Ground for refusal"), "choice", required=True,
    choices=(("sans_lien", _l("No link with the commune (CASF L264-4)")),
             ("domicile_stable", _l("The person has a stable address (CASF L264-1)"))))

DOMICILIATION = WorkflowDecl(
    "social.domiciliation", _l("Domiciliation"),
    states=(
        StateSpec("recue", _l("Request received"), "new"),
        StateSpec("entretien", _l("Interview to hold"), "open"),
        StateSpec("active", _l("Domiciliation active"), "open"),
        StateSpec("avertie", _l("No contact: person warned"), "waiting"),
        StateSpec("refusee", _l("Refused (reasons given, referred)"), "closed"),
        StateSpec("refus_implicite", _l("Implicit refusal (2 months without an answer)"), "closed"),
        StateSpec("expiree", _l("Certificate expired"), "closed"),
        StateSpec("fin_absence", _l("Ended: 3 months without contact"), "closed"),
        StateSpec("terminee", _l("Ended (on request or stable address)"), "closed"),
    ),
    transitions=(
        TransitionSpec("entretien", _l("Set the interview"), ("recue",), "entretien", OFFICERS, permission=WRITE),
        TransitionSpec("accorder", _l("Grant domiciliation (issue the certificate)"), ("entretien",), "active", OFFICERS,
                       permission=WRITE, required_fields=("date_entretien", "date_election"), notify_citizen=True,
                       fields=(STABLE_ADDRESS,)),
        TransitionSpec("refuser", _l("Refuse (reason and referral)"), ("recue", "entretien"), "refusee", OFFICERS,
                       permission=WRITE, required_fields=("motif_refus", "orientation"), notify_citizen=True,
                       fields=(REFUSAL_GROUND,)),
        TransitionSpec("contact", _l("Record a contact (visit, post collected, call)"), ("active", "avertie"),
                       "active", OFFICERS, permission=WRITE, required_fields=("date_dernier_contact",)),
        TransitionSpec("renouveler", _l("Renew (after the interview)"), ("active", "avertie", "expiree"), "active",
                       OFFICERS, permission=WRITE, required_fields=("date_entretien", "date_election"),
                       notify_citizen=True, fields=(STABLE_ADDRESS,)),
        TransitionSpec("terminer", _l("End (person's request, stable address)"), ("active", "avertie"),
                       "terminee", OFFICERS, permission=WRITE, comment_required=True, notify_citizen=True),
        TransitionSpec("refus_implicite", _l("Record the implicit refusal"), ("recue", "entretien"), "refus_implicite",
                       SYSTEM),
        TransitionSpec("avertir", _l("Warn: 3 months without contact soon"), ("active",), "avertie", SYSTEM,
                       notify_citizen=True),
        TransitionSpec("fin_absence", _l("End: 3 months without contact"), ("avertie",), "fin_absence", SYSTEM,
                       notify_citizen=True),
        TransitionSpec("expirer", _l("Record that the certificate expired"), ("active", "avertie"), "expiree",
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
    "social.registre", _l("Register of vulnerable people"),
    states=(
        StateSpec("recue", _l("Request received (acknowledgement within 8 days)"), "new"),
        StateSpec("attente_opposition", _l("Acknowledgement sent: registration unless the person objects"), "waiting"),
        StateSpec("inscrite", _l("On the register"), "open"),
        StateSpec("non_inscrite", _l("Not registered: the person objected"), "closed"),
        StateSpec("non_eligible", _l("Not eligible"), "closed"),
        StateSpec("radiee", _l("Removed from the register"), "closed"),
    ),
    transitions=(
        TransitionSpec("inscrire", _l("Acknowledge and register (the person's request)"), ("recue",), "inscrite",
                       OFFICERS, permission=REGISTRE, notify_citizen=True, set_due_days=0),
        TransitionSpec("accuser_reception", _l("Acknowledge (third party's request: the person may object)"),
                       ("recue",), "attente_opposition", OFFICERS, permission=REGISTRE, notify_citizen=True,
                       set_due_days=0),
        TransitionSpec("inscrire_sans_opposition", _l("Register: no objection from the person"),
                       ("attente_opposition",), "inscrite", OFFICERS, permission=REGISTRE, notify_citizen=True),
        TransitionSpec("opposition", _l("Record the person's objection (not registered)"),
                       ("recue", "attente_opposition"), "non_inscrite", OFFICERS, permission=REGISTRE,
                       fields=(FieldSpec("date_opposition", _l("Date of the objection"), "date", required=True),)),
        TransitionSpec("non_eligible", _l("Answer: not eligible"), ("recue", "attente_opposition"), "non_eligible",
                       OFFICERS, permission=REGISTRE, comment_required=True, notify_citizen=True),
        TransitionSpec("radier", _l("Remove from the register (on request, at any time)"), ("recue", "attente_opposition", "inscrite"),
                       "radiee", OFFICERS, permission=REGISTRE, notify_citizen=True),
    ),
)

AIDE_FACULTATIVE = WorkflowDecl(
    "social.aide_facultative", _l("Optional social aid"),
    states=(
        StateSpec("recue", _l("Request received"), "new"),
        StateSpec("instruction", _l("Under review"), "open"),
        StateSpec("commission", _l("Waiting for the committee"), "waiting"),
        StateSpec("accordee", _l("Granted: to pay or hand over"), "open"),
        StateSpec("ajournee", _l("Postponed (further documents or opinions)"), "waiting"),
        StateSpec("versee", _l("Paid or handed over"), "closed"),
        StateSpec("refusee", _l("Refused"), "closed"),
    ),
    transitions=(
        TransitionSpec("instruire", _l("Review"), ("recue", "ajournee"), "instruction", OFFICERS, permission=WRITE),
        TransitionSpec("presenter", _l("Present to the committee"), ("instruction",), "commission", OFFICERS,
                       permission=WRITE),
        TransitionSpec("accorder", _l("Grant (amount)"), ("commission",), "accordee", OFFICERS,
                       permission=DECIDE, required_fields=("montant_accorde",), notify_citizen=True),
        TransitionSpec("refuser", _l("Refuse"), ("commission",), "refusee", OFFICERS,
                       permission=DECIDE, comment_required=True, notify_citizen=True),
        TransitionSpec("ajourner", _l("Postpone"), ("commission",), "ajournee", OFFICERS,
                       permission=DECIDE, comment_required=True),
        TransitionSpec("verser", _l("Pay or hand over the aid"), ("accordee",), "versee", OFFICERS, permission=WRITE,
                       required_fields=("date_versement",)),
    ),
)

AIDE_LEGALE = WorkflowDecl(
    "social.aide_legale", _l("Statutory social aid"),
    states=(
        StateSpec("recue", _l("File received"), "new"),
        StateSpec("constitution", _l("File being put together"), "open"),
        StateSpec("en_retard", _l("Transmission late (over a month)"), "open"),
        StateSpec("transmise", _l("Sent to the deciding authority"), "waiting"),
        StateSpec("accordee", _l("Granted by the authority"), "closed"),
        StateSpec("rejetee", _l("Rejected by the authority"), "closed"),
    ),
    transitions=(
        TransitionSpec("constituer", _l("Put the file together"), ("recue",), "constitution", OFFICERS,
                       permission=WRITE),
        TransitionSpec("transmettre", _l("Send (département or préfet)"), ("recue", "constitution", "en_retard"),
                       "transmise", OFFICERS, permission=WRITE, required_fields=("date_transmission",),
                       notify_citizen=True, set_due_days=0),
        TransitionSpec("retard", _l("Report the late transmission"), ("recue", "constitution"), "en_retard",
                       SYSTEM),
        TransitionSpec("decision_accord", _l("Record the decision: granted"), ("transmise",), "accordee", OFFICERS,
                       permission=WRITE, required_fields=("date_decision",), notify_citizen=True),
        TransitionSpec("decision_rejet", _l("Record the decision: rejected"), ("transmise",), "rejetee", OFFICERS,
                       permission=WRITE, required_fields=("date_decision",), comment_required=True,
                       notify_citizen=True),
    ),
    timers=(
        TimerSpec("retard_recue", "recue", "retard", anchor="date_retard_transmission"),
        TimerSpec("retard_constitution", "constitution", "retard", anchor="date_retard_transmission"),
    ),
)

LOGEMENT = WorkflowDecl(
    "social.logement", _l("Social housing application"),
    states=(
        StateSpec("deposee", _l("Filed (numéro unique within a month)"), "new"),
        StateSpec("enregistree", _l("Registered (numéro unique issued)"), "open"),
        StateSpec("a_renouveler", _l("To renew (reminder sent)"), "waiting"),
        StateSpec("attribuee", _l("Housing allocated"), "closed"),
        StateSpec("radiee", _l("Struck off (not renewed)"), "closed"),
        StateSpec("annulee", _l("Cancelled on request"), "closed"),
    ),
    transitions=(
        TransitionSpec("enregistrer", _l("Register (numéro unique)"), ("deposee",), "enregistree", OFFICERS,
                       permission=WRITE, required_fields=("numero_unique", "date_enregistrement"),
                       notify_citizen=True, set_due_days=0),
        TransitionSpec("rappel", _l("Send the renewal reminder"), ("enregistree",), "a_renouveler", SYSTEM,
                       notify_citizen=True),
        TransitionSpec("renouveler", _l("Renew the application"), ("enregistree", "a_renouveler"), "enregistree",
                       OFFICERS, permission=WRITE, required_fields=("date_enregistrement",), notify_citizen=True),
        TransitionSpec("radier", _l("Strike off: application not renewed"), ("enregistree", "a_renouveler"), "radiee",
                       SYSTEM, notify_citizen=True),
        TransitionSpec("attribuer", _l("Housing allocated"), ("enregistree", "a_renouveler"), "attribuee", OFFICERS,
                       permission=WRITE, notify_citizen=True),
        TransitionSpec("annuler", _l("Cancel on request"), ("deposee", "enregistree", "a_renouveler"), "annulee",
                       OFFICERS, permission=WRITE, comment_required=True),
    ),
    timers=(
        TimerSpec("rappel", "enregistree", "rappel", anchor="date_rappel_renouvellement"),
        TimerSpec("radiation", "a_renouveler", "radier", anchor="date_radiation"),
        TimerSpec("radiation_sans_rappel", "enregistree", "radier", anchor="date_radiation"),
    ),
)

WORKFLOWS = (DOMICILIATION, REGISTRE_WF, AIDE_FACULTATIVE, AIDE_LEGALE, LOGEMENT)
