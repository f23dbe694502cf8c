"""Escalation: a timer alerts the manager(s) of a request's service.

A timer with ``action="escalate"`` does not move the request: it e-mails the
service's managers (``"notify"``) and/or gives the request to one of them
(``"assign"``: the least loaded, when the request is not already theirs),
and leaves an ``escalated`` event in the history saying what it did — also
when the service has no manager, so that the gap shows. The caller (the
timer engine) records the run in the same transaction: escalating twice for
the same stay in a state is impossible.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, select

from ..extensions import db
from ..models import Membership, Request, RequestEvent, Service, User
from ..models.user import membership_service
from ..routing.engine import least_loaded_agent


def service_managers(service_id: int | None) -> list[User]:
    """Active users holding the manager role on the service, by name."""
    if service_id is None:
        return []
    return list(db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(membership_service, and_(membership_service.c.membership_id == Membership.id,
                                       membership_service.c.service_id == service_id))
        .where(User.active.is_(True), Membership.role == "manager")
        .order_by(User.full_name, User.id)
    ))


def _least_loaded_manager(service_id: int, managers: list[User]) -> User:
    chosen = least_loaded_agent(service_id, roles=("manager",))
    return next((user for user in managers if user.id == chosen), managers[0])


def _email(request: Request, timer: dict, commune) -> tuple[str, str]:
    # Written in the commune's language: the outbox keeps one text for everyone.
    with force_locale(current_app.config["GRC"]["DEFAULT_LOCALE"]):
        subject = _("Escalation: request %(reference)s needs attention", reference=request.reference)
        body = _(
            "Hello,\n\n"
            "Request %(reference)s (« %(type)s ») has been in the same status for longer than the workflow allows "
            "(rule « %(timer)s »). As the manager of the service %(service)s, please see to it.\n\n"
            "GRC of %(commune)s",
            reference=request.reference, type=request.request_type.label if request.request_type else "",
            timer=timer["code"], service=request.service.name if request.service else "",
            commune=commune.name if commune else "",
        )
    return subject, body


def escalate(request: Request, timer: dict, *, commune, now: datetime) -> RequestEvent:
    """Alert the managers of ``request``'s service as ``timer`` says; does not commit."""
    from ..notifications import enqueue_email

    managers = service_managers(request.service_id)
    actions = set(timer.get("escalate") or ())
    details: dict = {"timer": timer["code"], "managers": [m.full_name for m in managers]}
    if not managers:
        details["reason"] = _("No manager in the request's service: nobody could be alerted.")
    if managers and "notify" in actions:
        subject, body = _email(request, timer, commune)
        recipients = [m.email for m in managers if m.email]
        for recipient in recipients:
            enqueue_email(recipient, subject, body, request=request, now=now)
        details["notified"] = recipients
    if managers and "assign" in actions and request.assignee_id not in {m.id for m in managers}:
        manager = _least_loaded_manager(request.service_id, managers)
        request.assignee_id = manager.id
        db.session.add(RequestEvent(
            request_id=request.id, commune_id=request.commune_id, at=now, actor_id=None, kind="assigned",
            details={"assignee": manager.full_name, "assignee_id": manager.id, "automatic": True,
                     "reason": _("Escalation (rule « %(timer)s »)", timer=timer["code"])},
        ))
        details["assigned"] = manager.full_name
    if managers and "reason" not in details:
        details["reason"] = _escalation_summary(details)
    event = RequestEvent(request_id=request.id, commune_id=request.commune_id, at=now, actor_id=None,
                         kind="escalated", details=details)
    db.session.add(event)
    return event


def _escalation_summary(details: dict) -> str:
    parts = []
    if details.get("notified"):
        parts.append(_("e-mail to %(names)s", names=", ".join(details["managers"])))
    if details.get("assigned"):
        parts.append(_("assigned to %(name)s", name=details["assigned"]))
    if not parts:
        parts.append(_("already with the service's manager"))
    # The separator is typography: French puts a space before the semicolon.
    return _("Escalated to the service's manager (rule « %(timer)s »): %(actions)s.",
             timer=details["timer"], actions=_("; ").join(parts))
