"""Working on a request through the REST API, as an agent of the key's role
does on the request page: the transitions it may apply and applying one
with its fields, the messages (list, add — see views.message) and the
attachments (list, add).

Everything goes through the functions the back office calls — the workflow
engine (:func:`~grc_core.workflows.engine.apply_transition`: history,
routing, the citizen's e-mail, plugins' guards and hooks, the webhooks'
outbox) and :mod:`grc_core.requests.service` — so a call does exactly what
the same click does. The checks made here first only give each refusal its
stable code and the field at fault; the engine checks everything again.
"""
from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Attachment, Message
from ...requests.attachments import AttachmentError
from ...requests.service import RequestActionError, StaleRequest, add_attachments
from ...security.access import key_request_or_404
from ...workflows import definition as wf
from ...workflows.engine import TransitionError, apply_transition, available_transitions, may_apply
from ..calls import ApiRefusal, require_key
from ..keys import KeyActor
from .openapi import error_responses, operation
from .views import REFERENCE_PARAMETER, _answer, _body, _field_out, _iso, _request_out, _text, bp

MAX_COMMENT = 5000


def _schema(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _page(items_schema: dict, description: str) -> dict:
    return {"200": {"description": description, "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "items"], "properties": {
            "commune": _schema("Commune"), "items": {"type": "array", "items": items_schema}}}}}}}


def _transition_out(transition: dict) -> dict:
    return {"code": transition["code"], "label": transition.get("label") or transition["code"],
            "target": transition.get("target") or "", "comment_required": bool(transition.get("comment_required")),
            "required_fields": list(transition.get("required_fields") or ()),
            "fields": [_field_out(spec) for spec in wf.transition_fields(transition)]}


# --- transitions ----------------------------------------------------------------------------

@bp.route("/requests/<reference>/transitions", methods=["GET"])
@operation("/requests/{reference}/transitions", "get", {
    "summary": "The transitions this key's role may apply to the request now, with their fields",
    "operationId": "listTransitions", "parameters": [REFERENCE_PARAMETER],
    "responses": {**_page(_schema("Transition"), "The transitions"), **error_responses(403, 404, 429)}})
def transition_list(reference):
    who = require_key("read")
    row = key_request_or_404(who, reference=reference)
    return _answer({"items": [_transition_out(t) for t in available_transitions(row, KeyActor(who.role), who)]})


def _refusal_before_engine(row, transition: dict | None, code: str, who, comment: str, fields: dict):
    """The refusal the engine would give, as an :class:`ApiRefusal` with its code and field (None: try)."""
    if transition is None:
        return ApiRefusal(400, _("Unknown action « %(code)s » for this request.", code=code[:60]),
                          code="unknown_transition", field="transition")
    label = transition.get("label") or code
    timed = any(timer.get("transition") == code for timer in row.workflow.definition.get("timers", ()))
    if timed and not transition.get("roles") and not transition.get("permission"):
        return ApiRefusal(403, _("« %(action)s » is applied by the workflow's timer only.", action=label),
                          field="transition")
    if not may_apply(transition, KeyActor(who.role), who, g.grc_commune):
        return ApiRefusal(403, _("You are not allowed to « %(action)s » this request.", action=label),
                          field="transition")
    if row.state not in (transition.get("source") or ()):
        return ApiRefusal(409, _("« %(action)s » is not possible while the request is « %(state)s ».",
                                 action=label, state=wf.state_label(row.workflow.definition, row.state)),
                          code="invalid_state", field="transition")
    if transition.get("comment_required") and not comment.strip():
        return ApiRefusal(400, _("« %(action)s » needs a comment.", action=label), code="missing_field",
                          field="comment")
    data = row.data or {}
    for name in transition.get("required_fields") or ():
        value = fields.get(name, data.get(name))
        if value is None or (isinstance(value, (str, list, dict)) and not value):
            return ApiRefusal(400, _("« %(action)s » needs these fields filled in: %(fields)s.", action=label,
                                     fields=name), code="missing_field", field=f"fields.{name}")
    return None


@bp.route("/requests/<reference>/transitions", methods=["POST"])
@operation("/requests/{reference}/transitions", "post", {
    "summary": "Apply a transition with its fields (the workflow engine's rules, as on the request page)",
    "operationId": "applyTransition", "parameters": [REFERENCE_PARAMETER],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["transition"], "properties": {
            "transition": {"type": "string", "description": "The transition's code (see listTransitions)."},
            "comment": {"type": "string", "maxLength": MAX_COMMENT},
            "fields": {"type": "object", "description": "Its required fields of the form and its own fields."},
            "version": {"type": "integer", "description": "Refuse (409) if the request changed since."}}}}}},
    "responses": {"200": {"description": "Applied", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "request", "event"], "properties": {
            "commune": _schema("Commune"), "request": _schema("Request"), "event": _schema("HistoryEvent")}}}}},
        **error_responses(400, 403, 404, 409, 429)}})
def transition_apply(reference):
    who = require_key("write")
    row = key_request_or_404(who, reference=reference)
    body = _body()
    code = body.get("transition")
    if not isinstance(code, str) or not code:
        raise ApiRefusal(400, _("transition must be a transition's code."), field="transition")
    comment = _text(body, "comment", MAX_COMMENT)
    fields = body.get("fields", {})
    if not isinstance(fields, dict) or not all(isinstance(v, (str, int, float, bool, list, type(None)))
                                               for v in fields.values()):
        raise ApiRefusal(400, _("fields must be an object of field values."), field="fields")
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ApiRefusal(400, _("version must be a whole number."), field="version")
    transition = wf.transition(row.workflow.definition, code) if row.workflow else None
    refusal = _refusal_before_engine(row, transition, code, who, comment, fields)
    if refusal is not None:
        raise refusal
    try:
        event = apply_transition(row, code, actor=KeyActor(who.role), membership=who, comment=comment,
                                 fields=fields, expected_version=version)
    except TransitionError as error:
        db.session.rollback()
        if error.field_errors:
            name = sorted(error.field_errors)[0]
            raise ApiRefusal(400, str(error), code="invalid_request", field=f"fields.{name}", fields={
                key: [str(m) for m in messages] for key, messages in error.field_errors.items()}) from None
        # A plugin's guard, or someone changed the request meanwhile.
        raise ApiRefusal(409, str(error), code="transition_refused", field="transition") from None
    return _answer({"request": _request_out(row), "event": {
        "id": event.id, "at": _iso(event.at), "transition": code, "from_state": event.from_state,
        "to_state": event.to_state, "comment": comment}})


# --- messages ---------------------------------------------------------------------------------

@bp.route("/requests/<reference>/messages", methods=["GET"])
@operation("/requests/{reference}/messages", "get", {
    "summary": "The request's messages to and from the citizen and its internal notes, oldest first",
    "operationId": "listMessages", "parameters": [REFERENCE_PARAMETER],
    "responses": {**_page(_schema("Message"), "The messages"), **error_responses(403, 404, 429)}})
def message_list(reference):
    row = key_request_or_404(require_key("read"), reference=reference)
    found = db.session.scalars(select(Message).where(Message.request_id == row.id).order_by(Message.id))
    return _answer({"items": [{"id": m.id, "at": _iso(m.at), "public": m.public, "body": m.body} for m in found]})


# --- attachments ------------------------------------------------------------------------------

def _attachment_out(attachment: Attachment) -> dict:
    return {"id": attachment.id, "at": _iso(attachment.at), "filename": attachment.filename,
            "content_type": attachment.content_type, "size": attachment.size, "sha256": attachment.sha256}


@bp.route("/requests/<reference>/attachments", methods=["GET"])
@operation("/requests/{reference}/attachments", "get", {
    "summary": "The request's files", "operationId": "listAttachments", "parameters": [REFERENCE_PARAMETER],
    "responses": {**_page(_schema("Attachment"), "The files"), **error_responses(403, 404, 429)}})
def attachment_list(reference):
    row = key_request_or_404(require_key("read"), reference=reference)
    found = db.session.scalars(select(Attachment).where(Attachment.request_id == row.id).order_by(Attachment.id))
    return _answer({"items": [_attachment_out(a) for a in found]})


@bp.route("/requests/<reference>/attachments", methods=["POST"])
@operation("/requests/{reference}/attachments", "post", {
    "summary": "Attach files (multipart, field « file »): checked like the back office's (size, real type)",
    "operationId": "addAttachments", "parameters": [REFERENCE_PARAMETER],
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"}}}}}},
    "responses": {"201": {"description": "Attached", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "items"], "properties": {
            "commune": _schema("Commune"), "items": {"type": "array", "items": _schema("Attachment")}}}}}},
        **error_responses(400, 403, 404, 409, 413, 429)}})
def attachment_add(reference):
    row = key_request_or_404(require_key("write"), reference=reference)
    files = [upload for upload in request.files.getlist("file") if upload.filename]
    if not files:
        raise ApiRefusal(400, _("Choose a file to attach."), field="file")
    try:
        stored = add_attachments(row, files, actor=None)
    except (AttachmentError, RequestActionError) as error:
        db.session.rollback()
        raise ApiRefusal(400, str(error), code="invalid_file", field="file") from None
    except StaleRequest as error:
        raise ApiRefusal(409, str(error)) from None
    return _answer({"items": [_attachment_out(a) for a in stored]}, 201)
