"""The workflow engine: where a request starts, who may move it, and moving it.

A request follows its commune's copy of a workflow (``request.workflow``);
the definition is data (see :mod:`.definition`). :func:`apply_transition`
is the only way a request changes state: it checks everything before
touching anything, then changes the state and dates, appends the history
event, writes the citizen's e-mail to the outbox and lets the active plugins
react, and commits all of it together — or nothing.

Two agents acting at once: the mapper's ``version_id_col`` (``Request.version``)
makes the second UPDATE match no row; the loser gets a :class:`TransitionError`
telling them to reload, and the history holds only the winner's event.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..forms.hygiene import text_problem
from ..models import Commune, RequestEvent, utcnow
from ..security.permissions import permissions_of
from ..tenancy import current_commune_id
from ..tenancy.activation import active_plugins
from ..plugin_api.types import FieldError
from . import definition as wf
from . import transition_fields
from .deadlines import as_utc, is_alsace_moselle, sla_due_at


class TransitionError(Exception):
    """A transition was refused; the message is meant for the user.

    ``field_errors`` maps a field (a required field of the request's form or
    one of the transition's own) to the messages to show next to it."""

    def __init__(self, message: str = "", field_errors: dict[str, list[str]] | None = None):
        self.field_errors = dict(field_errors or {})
        if not message and self.field_errors:
            message = _("Some fields need correcting.")
        super().__init__(message)


def changed_meanwhile_message() -> str:
    return _("This request was changed by someone else meanwhile; reload it.")


def _commune(request) -> Commune | None:
    # A request not flushed yet belongs to the current commune.
    commune_id = request.commune_id or current_commune_id()
    return db.session.get(Commune, commune_id) if commune_id is not None else None


def start(request, workflow, *, now: datetime | None = None) -> None:
    """Put a new request at the start of ``workflow`` (the caller commits).

    Sets the initial state (kind ``new``) and, when the request type has an
    SLA, the due date: end of the SLA's last working day after reception.
    """
    now = as_utc(now or utcnow())
    initial = wf.initial_state(workflow.definition)
    if initial is None:
        raise TransitionError(_("Workflow « %(label)s » has no initial state.", label=workflow.label))
    request.workflow = workflow
    request.state = initial["code"]
    request.state_kind = initial["kind"]
    request.state_entered_at = now
    if request.received_at is None:
        request.received_at = now
    request_type = request.request_type
    if request_type is not None and request_type.sla_days:
        request.due_at = sla_due_at(request.received_at, request_type.sla_days,
                                    alsace_moselle=is_alsace_moselle(_commune(request)))


def _role(user, membership) -> str | None:
    if membership is not None:
        return membership.role
    # A platform admin acting in a commune where they have no membership.
    if user is not None and getattr(user, "is_platform_admin", False):
        return "admin"
    return None


def may_apply(transition: dict, user, membership, commune) -> bool:
    """May this user apply ``transition``: by role, or by holding its permission?"""
    if user is None:
        return False
    if _role(user, membership) in (transition.get("roles") or ()):
        return True
    permission = transition.get("permission")
    return bool(permission) and permission in permissions_of(user, membership, commune)


def available_transitions(request, user, membership) -> list[dict]:
    """Transitions from the request's current state that this user may apply."""
    if request.workflow is None:
        return []
    commune = _commune(request)
    return [
        transition for transition in request.workflow.definition.get("transitions", ())
        if request.state in (transition.get("source") or ()) and may_apply(transition, user, membership, commune)
    ]


def offered_transitions(request, user, membership) -> list[dict]:
    """The buttons of the request page: the available transitions, less those
    that ask for no field and that a plugin's guard refuses as things stand —
    clicking them could only be refused (the server checks again anyway)."""
    commune = _commune(request)
    guards = current_app.extensions["grc"].check_transition
    active = active_plugins(commune)
    return [
        transition for transition in available_transitions(request, user, membership)
        if transition.get("required_fields") or transition.get("fields")
        or not guards(active, request, wf.transition_spec(transition), {}, user, commune)
    ]


def _refusal(request, transition: dict | None, code: str, *, actor, membership, comment: str,
             fields: dict, expected_version: int | None, timer: str | None, by_citizen: bool, commune,
             now: datetime) -> str | TransitionError | None:
    """Why the transition cannot be applied (a message, or a
    :class:`TransitionError` carrying field errors), or None. ``fields`` is
    cleaned in place: the transition's own fields are replaced by their
    validated values."""
    if expected_version is not None and expected_version != request.version:
        return changed_meanwhile_message()
    if request.workflow is None:
        return _("This request follows no workflow.")
    if transition is None:
        return _("Unknown action « %(code)s » for this request.", code=code)
    definition = request.workflow.definition
    if request.state not in (transition.get("source") or ()):
        return _("« %(action)s » is not possible while the request is « %(state)s ».",
                 action=wf.shown(transition) or code, state=wf.state_label(definition, request.state))
    if wf.state(definition, transition.get("target")) is None:
        return _("« %(action)s » leads to a state the workflow no longer has.", action=wf.shown(transition))
    if by_citizen and wf.resume_transition(definition, request.state) is not transition:
        return _("« %(action)s » is not taken when the citizen answers.", action=wf.shown(transition) or code)
    if timer is None and not by_citizen and not may_apply(transition, actor, membership, commune):
        return _("You are not allowed to « %(action)s » this request.", action=wf.shown(transition) or code)
    if transition.get("comment_required") and not comment.strip():
        return _("« %(action)s » needs a comment.", action=wf.shown(transition) or code)
    problem = text_problem(comment, "textarea") if comment else None
    if problem:
        return problem
    data = request.data or {}
    missing = [name for name in transition.get("required_fields") or ()
               if _blank(fields.get(name, data.get(name)))]
    if missing:
        return _("« %(action)s » needs these fields filled in: %(fields)s.",
                 action=wf.shown(transition) or code, fields=", ".join(missing))
    clean, errors = transition_fields.validate(transition, fields)
    if errors:
        return TransitionError(_("« %(action)s »: some fields need correcting.",
                                 action=wf.shown(transition) or code), errors)
    fields.update(clean)
    # The same dict, not a copy: a guard may normalise a value it checked (a date to ISO) before it is stored.
    objections = current_app.extensions["grc"].check_transition(
        active_plugins(commune), request, wf.transition_spec(transition), fields, actor, commune, now)
    return _objections(objections, transition) if objections else None


def _asked(transition: dict, fields: dict) -> dict:
    """The values of the fields the transition asks for: required ones of the form, and its own."""
    names = set(transition.get("required_fields") or ()) | {f.get("name") for f in transition.get("fields") or ()}
    return {name: value for name, value in fields.items() if name in names}


def _objections(objections: list, transition: dict) -> str | TransitionError:
    """The guards' messages: a :class:`FieldError` about a field the
    transition asks for goes next to that field, anything else above."""
    names = set(transition.get("required_fields") or ()) | {f.get("name") for f in transition.get("fields") or ()}
    general, by_field = [], {}
    for message in objections:
        if isinstance(message, FieldError) and message.field in names:
            by_field.setdefault(message.field, []).append(str(message.message))
        else:
            general.append(str(message))
    if not by_field:
        return " ".join(general)
    return TransitionError(" ".join(general), by_field)


def _blank(value) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, dict)) and not value)


def apply_transition(request, code: str, *, actor, membership, comment: str = "", fields: dict | None = None,
                     expected_version: int | None = None, now: datetime | None = None,
                     timer: str | None = None, by_citizen: bool = False) -> RequestEvent:
    """Apply transition ``code`` to ``request`` and commit; return the history event.

    Raises :class:`TransitionError` (nothing changed) when the transition is
    not possible from the current state or for this user, a comment or a
    required field is missing, or someone else changed the request since
    ``expected_version`` (or since it was loaded).

    ``fields`` fills the transition's required fields (stored in the
    request's form data) and its own fields (validated, kept in the event's
    ``transition_fields``); other names are ignored. Invalid own fields, or
    a plugin's :class:`FieldError` about one of those fields, raise a
    :class:`TransitionError` whose ``field_errors`` say which.

    ``timer`` is the code of the timer applying it: the system acts
    (``actor`` None) and who-may-act is not checked; the current state is.

    ``by_citizen``: the citizen's answer on the portal takes the workflow's
    resume transition of the current state (``actor`` None, who-may-act not
    checked); any other transition is refused.
    """
    now = as_utc(now or utcnow())
    comment = comment or ""
    fields = dict(fields or {})
    commune = _commune(request)
    if (timer is not None or by_citizen) and actor is not None:
        raise ValueError("a timer or the citizen acts alone: actor must be None")
    transition = wf.transition(request.workflow.definition, code) if request.workflow else None
    refusal = _refusal(request, transition, code, actor=actor, membership=membership, comment=comment,
                       fields=fields, expected_version=expected_version, timer=timer, by_citizen=by_citizen,
                       commune=commune, now=now)
    if isinstance(refusal, TransitionError):
        raise refusal
    if refusal:
        raise TransitionError(refusal)
    # Only the required fields reach the request's data; the transition's own stay in its event.
    asked = _asked(transition, fields)
    own = {name: value for name, value in asked.items() if name not in (transition.get("required_fields") or ())}
    fields = {name: value for name, value in asked.items() if name in (transition.get("required_fields") or ())}

    try:
        event = _apply(request, transition, actor=actor, comment=comment, fields=fields, own=own, timer=timer,
                       by_citizen=by_citizen, commune=commune, now=now)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise TransitionError(changed_meanwhile_message()) from None
    except Exception:
        db.session.rollback()
        raise
    return event


def _apply(request, transition: dict, *, actor, comment: str, fields: dict, own: dict, timer: str | None,
           by_citizen: bool, commune, now: datetime) -> RequestEvent:
    """The changes of an accepted transition (any flush may raise StaleDataError)."""
    definition = request.workflow.definition
    source_kind = request.state_kind
    target = wf.state(definition, transition["target"])
    from_state = request.state
    if source_kind == "closed" and target["kind"] != "closed":
        request.closed_at = None
        request.reopened_count = (request.reopened_count or 0) + 1
    elif target["kind"] == "closed" and source_kind != "closed":
        request.closed_at = now
    if request.first_response_at is None and actor is not None and source_kind == "new":
        request.first_response_at = now
    due_days = transition.get("set_due_days")
    if due_days == 0:
        request.due_at = None
    elif due_days:
        request.due_at = sla_due_at(now, due_days, alsace_moselle=is_alsace_moselle(commune))
    if fields:
        request.data = {**(request.data or {}), **fields}
    request.state = target["code"]
    request.state_kind = target["kind"]
    request.state_entered_at = now

    details = {"transition": transition["code"], "comment": comment}
    if fields:
        details["fields"] = {name: fields[name] for name in sorted(fields)}
    if own:
        details["transition_fields"] = {name: own[name] for name in sorted(own)}
    if timer is not None:
        details["timer"] = timer
    if by_citizen:
        details["by_citizen"] = True
    event = RequestEvent(request_id=request.id, commune_id=request.commune_id, at=now,
                         actor_id=getattr(actor, "id", None), kind="transition",
                         from_state=from_state, to_state=target["code"], details=details)
    db.session.add(event)
    if transition.get("notify_citizen"):
        _notify_citizen(request, actor, now)
    registry = current_app.extensions["grc"]
    registry.request_transitioned(active_plugins(commune), request, wf.transition_spec(transition), actor, commune,
                                  now, fields={**fields, **own})
    return event


def _notify_citizen(request, actor, now: datetime) -> None:
    from ..notifications.citizens import notify_request_update
    from ..notifications.templates import status_email, status_sms

    subject, body = status_email(request)
    # The citizen's preferences decide: e-mail, SMS, the daily digest or nothing.
    details = notify_request_update(request, subject=subject, body=body, sms_text=status_sms(request),
                                    digest_line=subject, now=now)
    if details is None:
        return
    db.session.add(RequestEvent(
        request_id=request.id, commune_id=request.commune_id, at=now, actor_id=getattr(actor, "id", None),
        kind="notification", details=details,
    ))
