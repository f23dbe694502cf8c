"""Filing requests and working on them: creation, messages, assignment.

Each operation is one transaction: everything it writes (request, history,
routing, files, outbox rows, contact link, plugin side effects) commits
together or not at all. Validation comes first and touches nothing, so a
refused submission leaves no trace.

Optimistic locking: pages send the ``version`` they showed; an operation on
a request that changed since is refused with :class:`StaleRequest`, and a
race between the check and the commit is caught by the ORM's version
counter (``UPDATE … WHERE version = …``).
"""
from __future__ import annotations

import logging

from datetime import datetime
from functools import cache

from flask import current_app, g
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import commit_keeping_objects, db
from ..forms.hygiene import text_problem
from ..models import Commune, Membership, Message, Request, RequestEvent, RequestType, User, utcnow
from ..models.request import PRIORITIES, REQUEST_CHANNELS
from ..notifications.outbox import enqueue_email
from ..tenancy import active_plugins, current_commune_id
from ..workflows.deadlines import as_utc, local_date
from . import attachments
from .references import next_reference

MAX_MESSAGE_LENGTH = 20_000
# Keys of the errors mapping that are not form fields.
TYPE_ERROR = "request_type"
CHANNEL_ERROR = "channel"
PRIORITY_ERROR = "priority"
FILES_ERROR = "attachments"
log = logging.getLogger("grc.requests")


class StaleRequest(Exception):
    """The request changed since the agent's page was shown."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _(
            "This request was changed by someone else since you opened it. Reload the page and try again."))


class RequestActionError(ValueError):
    """An operation that cannot be done; the message is for the agent."""


def _commune() -> Commune:
    commune = g.get("grc_commune")
    if commune is not None:
        return commune
    return db.session.get(Commune, current_commune_id())


def _add_error(errors: dict, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _resolve_type(request_type, errors: dict) -> RequestType | None:
    """The type when it may be filed in this commune now (else an error)."""
    from ..forms.specs import usable_request_type

    found = usable_request_type(request_type)
    if found is None:
        _add_error(errors, TYPE_ERROR, _("This type of request does not exist or cannot be filed."))
    elif found.workflow_id is None:
        _add_error(errors, TYPE_ERROR, _("This type of request has no workflow; ask your administrator."))
        return None
    return found


def _uploads(files) -> list:
    """Uploaded files that hold something (browsers send empty parts for empty inputs)."""
    return [upload for upload in files or () if upload is not None and getattr(upload, "filename", "")]


def validate_submission(*, request_type, channel, formdata, priority=None, files=(), now=None):
    """Check a submission without writing anything.

    Returns ``(request_type, data, checked_files, errors)``; ``errors`` maps a
    form field (or :data:`TYPE_ERROR`, :data:`CHANNEL_ERROR`,
    :data:`PRIORITY_ERROR`, :data:`FILES_ERROR`) to its messages.
    """
    from ..forms.validation import validate_request_data

    errors: dict[str, list[str]] = {}
    resolved = _resolve_type(request_type, errors)
    if channel not in REQUEST_CHANNELS:
        _add_error(errors, CHANNEL_ERROR, _("Unknown channel."))
    elif resolved is not None and channel not in (resolved.channels or ()):
        _add_error(errors, CHANNEL_ERROR, _("This type of request cannot be filed through this channel."))
    if priority and priority not in PRIORITIES:
        _add_error(errors, PRIORITY_ERROR, _("Unknown priority."))
    if resolved is None:
        return None, {}, [], errors
    data, form_errors = validate_request_data(resolved, formdata, _commune(), now)
    for key, messages in (form_errors or {}).items():
        for message in ([messages] if isinstance(messages, str) else messages):
            _add_error(errors, key, message)
    checked = []
    # A form's file fields hold uploads too: they become attachments like the others.
    for name, upload in getattr(data, "files", {}).items():
        try:
            checked.append(attachments.check_file(upload.filename, upload.stream))
        except attachments.AttachmentError as error:
            _add_error(errors, name, str(error))
    for upload in _uploads(files):
        try:
            checked.append(attachments.check_file(upload.filename, upload.stream))
        except attachments.AttachmentError as error:
            _add_error(errors, FILES_ERROR, str(error))
    return resolved, data, checked, errors


def _acknowledgement(request: Request, commune: Commune) -> tuple[str, str]:
    # The citizen reads the commune's language, whatever the agent's browser says.
    with force_locale(current_app.config["GRC"]["DEFAULT_LOCALE"]):
        subject = _("Your request %(reference)s has been registered", reference=request.reference)
        body = _(
            "Hello %(name)s,\n\n"
            "The commune of %(commune)s has registered your request « %(type)s » under the reference "
            "%(reference)s.\n"
            "Please give this reference whenever you contact us about it.\n\n"
            "The services of the commune of %(commune)s",
            name=request.citizen.full_name, commune=commune.name, type=request.request_type.shown_label,
            reference=request.reference,
        )
    return subject, body


def create_request(*, request_type, citizen, channel, formdata, actor, priority=None, subject="", location="",
                   quartier=None, files=(), contact=None, now: datetime | None = None,
                   latitude: float | None = None, longitude: float | None = None, submission=None):
    """File a request: ``(request, {})`` once committed, or ``(None, errors)``
    with nothing stored (see :func:`validate_submission` for ``errors``).
    ``latitude``/``longitude``: where it is (an API's report), checked by the caller.
    ``submission``: what :func:`validate_submission` answered for these very
    inputs, without errors — a caller that checked first (to show its page
    again) does not have the form, the plugins' rules and the files checked twice."""
    from ..routing.engine import apply_routing
    from ..workflows.engine import start

    # Stored in UTC like every instant (SQLite keeps no zone).
    now = as_utc(now or utcnow())
    if submission is None:
        submission = validate_submission(request_type=request_type, channel=channel, formdata=formdata,
                                         priority=priority, files=files, now=now)
    resolved, data, checked, errors = submission
    if errors:
        return None, errors
    commune = _commune()
    written = []
    try:
        request = Request(
            commune_id=commune.id,
            reference=next_reference(commune.id, local_date(now).year),
            request_type=resolved, citizen=citizen, channel=channel,
            priority=resolved.priority or "normale", data=data,
            subject=(subject or "").strip()[:200], location=(location or "").strip()[:250],
            latitude=latitude, longitude=longitude,
            quartier=(quartier if quartier is not None else (citizen.quartier if citizen else "")) or "",
            received_at=now, state_entered_at=now,
        )
        # Started before joining the session: start() reads the commune, and
        # an autoflush then would insert a request without a state.
        start(request, resolved.workflow, now=now)
        db.session.add(request)
        db.session.add(RequestEvent(request=request, at=now, actor_id=getattr(actor, "id", None), kind="created",
                                    details={"channel": channel}))
        # Routed before its first INSERT, so that it is written once with its
        # service (the rules' queries must not flush it half-routed).
        with db.session.no_autoflush:
            apply_routing(request, actor=actor, now=now)
        if priority:
            # The agent's explicit choice wins over the type's and the rules'.
            request.priority = priority
        db.session.flush()
        for item in checked:
            attachment, key = attachments.store(request, item, actor=actor)
            written.append(key)
            db.session.add(RequestEvent(request=request, at=now, actor_id=getattr(actor, "id", None),
                                        kind="attachment", details={"filename": item.filename}))
        if citizen is not None and citizen.email:
            enqueue_email(citizen.email, *_acknowledgement(request, commune), request=request)
        if contact is not None:
            contact.request_id = request.id
            contact.outcome = "request_created"
            if contact.citizen_id is None and citizen is not None:
                contact.citizen_id = citizen.id
        current_app.extensions["grc"].request_submitted(active_plugins(commune), request, commune, now)
        # The caller reads the request back at once (its reference, its id for
        # the next page): as just written, not loaded again with its commune.
        commit_keeping_objects()
    except Exception:
        db.session.rollback()
        attachments.remove_files(written)
        raise
    return request, {}


# --- working on a request -----------------------------------------------------------

def check_version(request: Request, expected_version) -> None:
    """Refuse to act on a request the agent saw in an older version."""
    if expected_version in (None, ""):
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise StaleRequest() from None
    if expected != request.version:
        raise StaleRequest()


def _commit_or_stale(flush_only: bool = False) -> None:
    try:
        db.session.flush() if flush_only else db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleRequest() from None


def add_message(request: Request, body: str, *, public: bool, actor, expected_version=None,
                now: datetime | None = None) -> Message:
    """A message to the citizen (``public``, e-mailed when the citizen has an
    address) or an internal note; committed."""
    body = (body or "").strip()
    if not body:
        raise RequestActionError(_("The message is empty."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise RequestActionError(_("The message is too long (at most %(n)d characters).", n=MAX_MESSAGE_LENGTH))
    problem = text_problem(body, "textarea")
    if problem:
        raise RequestActionError(problem)
    check_version(request, expected_version)
    now = now or utcnow()
    message = Message(request=request, at=now, author_id=getattr(actor, "id", None), public=bool(public), body=body)
    db.session.add(message)
    emailed = False
    if public:
        if request.first_response_at is None:
            request.first_response_at = now
        from ..notifications.citizens import notify_request_update
        from ..notifications.templates import citizen_language

        with force_locale(citizen_language(request.citizen)):
            subject = _("About your request %(reference)s", reference=request.reference)
            sms_text = _("New message about your request %(reference)s.", reference=request.reference)
        # By the citizen's preferred channel (the SMS says a message is waiting on the portal).
        emailed = notify_request_update(request, subject=subject, body=body, sms_text=sms_text,
                                        digest_line=subject, now=now) is not None
    # Every change of the request moves its version, so that a page showing
    # the request before this message knows it is stale.
    request.version = request.version + 1
    _commit_or_stale(flush_only=True)
    db.session.add(RequestEvent(request=request, at=now, actor_id=getattr(actor, "id", None), kind="message",
                                details={"message_id": message.id, "public": bool(public), "emailed": emailed}))
    _commit_or_stale()
    return message


def add_history_event(request: Request, kind: str, label: str, summary: str, *,
                      now: datetime | None = None) -> RequestEvent:
    """Append an event of a plugin to the request's history (the caller commits).

    ``kind`` is the plugin's own (prefixed with its name, e.g.
    ``enquetes.answer``); ``label`` heads the line and ``summary`` says what
    happened, both plain text (escaped on display), kept as written: the
    history is append-only."""
    event = RequestEvent(request=request, at=now or utcnow(), actor_id=None, kind=kind[:30],
                         details={"label": label, "reason": summary})
    db.session.add(event)
    return event


def agent_membership(user_id) -> Membership | None:
    """The membership of an agent of the current commune who may hold requests."""
    try:
        wanted = int(user_id)
    except (TypeError, ValueError):
        return None
    membership = db.session.scalar(select(Membership).where(Membership.user_id == wanted))
    if membership is None or membership.role == "elu" or not membership.user.active:
        return None
    return membership


def _assignable(*columns):
    return (select(*columns).join(Membership, Membership.user_id == User.id)
            .where(Membership.role != "elu", User.active.is_(True)).order_by(User.full_name))


def assignable_agents() -> list[User]:
    """Agents of the commune who may be given requests, by name."""
    return list(db.session.scalars(_assignable(User)))


def assignable_agent_names() -> list:
    """``(id, full_name)`` rows of :func:`assignable_agents`, for the pages'
    option lists: no User object built for each agent on every page."""
    return list(db.session.execute(_assignable_names()))


@cache
def _assignable_names():
    # Built once: every request page lists them (building it took ~0.05 ms).
    return _assignable(User.id, User.full_name)


def assign(request: Request, user, *, actor, expected_version=None, now: datetime | None = None) -> RequestEvent:
    """Give the request to ``user`` (a User, an id, or None to unassign); committed."""
    check_version(request, expected_version)
    now = now or utcnow()
    assignee_id = None
    if user not in (None, ""):
        membership = agent_membership(getattr(user, "id", user))
        if membership is None:
            raise RequestActionError(_("This person is not an agent of the commune."))
        assignee_id = membership.user_id
    if assignee_id == request.assignee_id:
        raise RequestActionError(_("The request is already assigned this way."))
    previous = request.assignee_id
    request.assignee_id = assignee_id
    event = RequestEvent(request=request, at=now, actor_id=getattr(actor, "id", None), kind="assigned",
                         details={"assignee_id": assignee_id, "previous_id": previous})
    db.session.add(event)
    _commit_or_stale()
    return event


def add_attachments(request: Request, files, *, actor, expected_version=None,
                    now: datetime | None = None) -> list:
    """Check and attach uploaded files (all or none); committed."""
    uploads = _uploads(files)
    if not uploads:
        raise RequestActionError(_("Choose a file to attach."))
    check_version(request, expected_version)
    checked = [attachments.check_file(upload.filename, upload.stream) for upload in uploads]
    now = now or utcnow()
    written, stored = [], []
    try:
        for item in checked:
            attachment, key = attachments.store(request, item, actor=actor)
            written.append(key)
            stored.append(attachment)
            db.session.add(RequestEvent(request=request, at=now, actor_id=getattr(actor, "id", None),
                                        kind="attachment", details={"filename": item.filename}))
        request.version = request.version + 1
        _commit_or_stale()
    except OSError as error:
        # The storage refused the file (disk full, folder unwritable): the request is kept as it was.
        db.session.rollback()
        attachments.remove_files(written)
        log.error("attachment not stored: %s", error)
        raise RequestActionError(_("The file could not be stored (the storage is full or unavailable): nothing "
                                   "was attached. Try again later or tell your administrator.")) from error
    except Exception:
        db.session.rollback()
        attachments.remove_files(written)
        raise
    return stored
