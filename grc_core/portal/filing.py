"""Filing a démarche and answering the commune, for a signed-in citizen.

Filing is a thin caller of :func:`grc_core.requests.service.create_request`
(channel ``web``): the same validation as the counter (FieldSpec form,
plugin validators, attachment checks), routing, history, acknowledgement by
e-mail and plugin events. The citizen record is found or created in the
same transaction (grc_core.portal.linking): a refused démarche stores
nothing, not even the record.

An answer is a public message written by the citizen
(``Message.citizen_account_id``, or ``Message.tracking_link_id`` through a
private tracking link), with its files checked like the back office's, and
a history event; the request's version moves so that an agent's open page
knows it changed. An answer on a request waiting for the citizen then takes
the workflow's resume transition of that state, if it marks one
(:func:`grc_core.workflows.definition.resume_transition`), through the
engine: history, routing, notifications, plugin hooks — the citizen acting.
"""
from __future__ import annotations

import logging

from flask_babel import gettext as _

from ..extensions import db
from ..forms.hygiene import text_problem
from ..models import Message, RequestEvent, utcnow
from ..requests import attachments
from ..requests.service import MAX_MESSAGE_LENGTH, RequestActionError, create_request
from ..workflows.definition import resume_transition
from ..workflows.engine import TransitionError, apply_transition
from .catalogue import CHANNEL
from .linking import citizen_for_filing

log = logging.getLogger("grc.portal")


def file_demarche(account, request_type, formdata, files=()):
    """``(request, {})`` once committed, or ``(None, errors)`` with nothing stored."""
    citizen = citizen_for_filing(account)
    # The type as the page read it (grc_core.portal.catalogue.find): checked again, not read again.
    created, errors = create_request(request_type=request_type, citizen=citizen, channel=CHANNEL,
                                     formdata=formdata, actor=None, files=files)
    if created is None:
        db.session.rollback()
    return created, errors


def reply(request, body: str, files=(), *, account=None, tracking_link=None) -> Message:
    """The citizen's answer (signed in with ``account``, or through
    ``tracking_link``), committed, then the resume transition if the request
    waited for it; raises RequestActionError or attachments.AttachmentError
    with the message for the citizen (nothing stored)."""
    body = (body or "").strip()
    if not body:
        raise RequestActionError(_("The message is empty."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise RequestActionError(_("The message is too long (at most %(n)d characters).", n=MAX_MESSAGE_LENGTH))
    problem = text_problem(body, "textarea")
    if problem:
        raise RequestActionError(problem)
    uploads = [upload for upload in files or () if upload is not None and getattr(upload, "filename", "")]
    checked = [attachments.check_file(upload.filename, upload.stream) for upload in uploads]
    now = utcnow()
    written = []
    try:
        message = Message(request=request, at=now, public=True, body=body,
                          citizen_account_id=getattr(account, "id", None),
                          tracking_link_id=getattr(tracking_link, "id", None))
        db.session.add(message)
        db.session.flush()
        db.session.add(RequestEvent(request=request, at=now, kind="message",
                                    details={"message_id": message.id, "public": True, "from_citizen": True}))
        for item in checked:
            _attachment, key = attachments.store(request, item, actor=None)
            written.append(key)
            db.session.add(RequestEvent(request=request, at=now, kind="attachment",
                                        details={"filename": item.filename, "from_citizen": True}))
        request.version = request.version + 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        attachments.remove_files(written)
        raise
    resume(request)
    return message


def resume(request) -> None:
    """The citizen answered: a request waiting for him takes its state's resume
    transition, once (it leaves the waiting state). The answer is kept
    whatever happens here; a refusal (a plugin's guard, a concurrent change)
    leaves the request to the agents, who see the unread message."""
    if request.state_kind != "waiting" or request.workflow is None:
        return
    transition = resume_transition(request.workflow.definition, request.state)
    if transition is None:
        return
    try:
        apply_transition(request, transition["code"], actor=None, membership=None, by_citizen=True)
    except TransitionError as error:
        log.warning("resume transition %s of request %s refused: %s", transition["code"], request.id, error)
