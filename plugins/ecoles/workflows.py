"""The plugin's workflow templates, as data: each commune edits its own copy.

Labels are copied into the commune's rows (editable there): they are
English sources, translated by the plugin's catalog; the copy keeps its
translation key and follows each reader's language until the commune renames
it (grc_core.copied_labels).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from grc_core.plugin_api import StateSpec, TransitionSpec, WorkflowDecl

DECIDE = "ecoles.derogation.decide"
ASSIGN = "ecoles.assign"
STAFF = ("admin", "manager", "agent")


def workflows() -> list[WorkflowDecl]:
    return [
        WorkflowDecl(
            "ecoles.inscription", _l("School enrolment"),
            states=(
                StateSpec("recue", _l("Arrived"), "new"),
                StateSpec("verifiee", _l("File checked"), "open"),
                StateSpec("affectee", _l("Assigned (certificate issued)"), "open"),
                StateSpec("admise", _l("Admitted by the school"), "closed"),
                StateSpec("classee", _l("Closed without action"), "closed"),
            ),
            transitions=(
                TransitionSpec("verifier", _l("File checked"), ("recue",), "verifiee", roles=STAFF + ("accueil",)),
                TransitionSpec("affecter", _l("Assign and issue the certificate"), ("verifiee",), "affectee",
                               roles=(), permission=ASSIGN, notify_citizen=True, set_due_days=0),
                TransitionSpec("admettre", _l("Admission confirmed by the school"), ("affectee",), "admise", roles=STAFF),
                TransitionSpec("classer", _l("Close without action"), ("recue", "verifiee"), "classee", roles=STAFF,
                               comment_required=True, notify_citizen=True),
            ),
        ),
        WorkflowDecl(
            "ecoles.derogation", _l("Catchment-area exemption"),
            states=(
                StateSpec("recue", _l("Arrived"), "new"),
                StateSpec("commission", _l("Before the committee"), "open"),
                StateSpec("accordee", _l("Granted"), "closed"),
                StateSpec("refusee", _l("Refused"), "closed"),
            ),
            transitions=(
                TransitionSpec("commission", _l("Put before the committee"), ("recue",), "commission", roles=STAFF),
                TransitionSpec("accorder", _l("Grant the exemption"), ("commission",), "accordee", roles=(),
                               permission=DECIDE, notify_citizen=True),
                TransitionSpec("refuser", _l("Refuse the exemption"), ("commission",), "refusee", roles=(),
                               permission=DECIDE, comment_required=True, notify_citizen=True),
            ),
        ),
        WorkflowDecl(
            "ecoles.activites", _l("School meals and after-school care"),
            states=(
                StateSpec("recue", _l("Arrived"), "new"),
                StateSpec("inscrite", _l("Registration recorded"), "closed"),
                StateSpec("refusee", _l("Refused for lack of places"), "closed"),
            ),
            transitions=(
                TransitionSpec("inscrire", _l("Record the registration"), ("recue",), "inscrite", roles=STAFF,
                               notify_citizen=True),
                TransitionSpec("refuser", _l("Refuse for lack of places"), ("recue",), "refusee", roles=STAFF,
                               comment_required=True, notify_citizen=True),
            ),
        ),
        WorkflowDecl(
            "ecoles.radiation", _l("School deregistration"),
            states=(
                StateSpec("recue", _l("Arrived"), "new"),
                StateSpec("radiee", _l("Deregistered (certificate issued)"), "closed"),
            ),
            transitions=(
                TransitionSpec("radier", _l("Deregister and issue the certificate"), ("recue",), "radiee", roles=(),
                               permission=ASSIGN, notify_citizen=True),
            ),
        ),
    ]
