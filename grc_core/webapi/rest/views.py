"""The REST API for integrators, ``/api/v1/``: request types with their
fields, requests (list with filters, its count and cursor pagination, one,
create, add a message); working on a request (``work``: transitions,
messages, attachments), citizens and contacts (``citizens``) and the
dashboards' figures (``indicators``) join this blueprint from their modules.
The commune is the key's (``X-API-Key``); every answer names it.
Reading needs the ``read`` scope, writing ``write``; what a key reads is
decided in grc_core.security.access (its role's scope, never a
confidential type). Errors are JSON: ``{"error": {"code", "message",
"field"}}`` with a stable ``code``.

The OpenAPI 3.1 document is ``/api/v1/openapi.json`` (built from the
``@operation`` declarations of these modules) and ``/api/v1/docs`` renders it.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException

from ...extensions import db
from ...forms.specs import active_request_types, fields_of
from ...models import Request, RequestType
from ...requests import confidentiality
from ...requests.queue import COUNT_CAP, capped_count
from ...requests.service import RequestActionError, StaleRequest, add_message, create_request
from ...security.access import key_readable_requests_conditions, key_request_or_404
from ...security.ids import parse_id
from ..calls import ApiRefusal, audit_call, check_rate_limit, commune_from_key, require_key
from .openapi import document, error_responses, operation

bp = Blueprint("rest_api", __name__, url_prefix="/api/v1")
PAGE_MAX = 100
PAGE_DEFAULT = 50
REFERENCE_PARAMETER = {"name": "reference", "in": "path", "required": True,
                       "schema": {"type": "string", "maxLength": 20}, "description": "The request's reference."}


@bp.before_request
def _enter():
    if request.endpoint in ("rest_api.openapi_document", "rest_api.docs_page"):
        return
    commune_from_key()
    check_rate_limit()
    # No text column holds a NUL character (PostgreSQL refuses one): no parameter may carry it.
    for name, value in request.args.items(multi=True):
        if "\x00" in value:
            raise ApiRefusal(400, _("%(name)s must be a text.", name=name[:40]), field=name[:40])


bp.after_request(audit_call)


@bp.errorhandler(ApiRefusal)
def _refused(refusal: ApiRefusal):
    error = {"code": refusal.code, "message": " ".join(map(str, refusal.messages)), "field": refusal.field}
    if refusal.fields is not None:
        error["fields"] = refusal.fields
    response = jsonify({"error": error})
    response.status_code = refusal.status
    response.headers.update(refusal.headers)
    return response


def _http_error(error: HTTPException):
    return _refused(ApiRefusal(error.code or 500, error.description or error.name))


# By code too: Flask prefers the app's handler of a code (HTML pages) to a blueprint's handler of a class.
for _status in (400, 403, 404, 405, 413, 429):
    bp.register_error_handler(_status, _http_error)
bp.register_error_handler(HTTPException, _http_error)


def _answer(payload: dict, status: int = 200):
    commune = g.grc_commune
    response = jsonify({"commune": {"slug": commune.slug, "name": commune.name, "insee_code": commune.insee_code},
                        **payload})
    response.status_code = status
    return response


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()


def _request_out(row: Request) -> dict:
    return {
        "reference": row.reference, "request_type": row.request_type.code,
        "status": "closed" if row.state_kind == "closed" else "open", "state": row.state,
        "channel": row.channel, "priority": row.priority, "service": row.service.code if row.service else None,
        "subject": row.subject, "location": row.location, "latitude": row.latitude, "longitude": row.longitude,
        "data": row.data or {}, "received_at": _iso(row.received_at), "due_at": _iso(row.due_at),
        "closed_at": _iso(row.closed_at),
    }


def _readable_types() -> list[RequestType]:
    secret = confidentiality.confidential_types(g.grc_commune)
    return [t for t in active_request_types(channel="api") if t.code not in secret]


def _field_out(spec) -> dict:
    return {"name": spec.name, "label": str(spec.label), "type": spec.type, "required": bool(spec.required),
            "help": str(spec.help or ""), "min": spec.min, "max": spec.max,
            "choices": [{"value": str(value), "label": str(label)} for value, label in spec.choices]}


# --- the document -----------------------------------------------------------------------

@bp.route("/openapi.json")
def openapi_document():
    return jsonify(document(url_for("rest_api.openapi_document", _external=True).rsplit("/", 1)[0]))


@bp.route("/docs")
def docs_page():
    spec = document(url_for("rest_api.openapi_document", _external=True).rsplit("/", 1)[0])
    return render_template("grc/api_docs.html", spec=spec)


# --- request types ------------------------------------------------------------------------

@bp.route("/request-types")
@operation("/request-types", "get", {
    "summary": "Request types open to the API, with their fields", "operationId": "listRequestTypes",
    "responses": {"200": {"description": "The types", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "items"], "properties": {
            "commune": {"$ref": "#/components/schemas/Commune"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/RequestType"}}}}}}},
        **error_responses(403, 429)}})
def request_types():
    require_key("read")
    return _answer({"items": [{"code": t.code, "label": t.label, "fields": [_field_out(s) for s in fields_of(t)]}
                              for t in _readable_types()]})


# --- requests -----------------------------------------------------------------------------

def _limit() -> int:
    raw = request.args.get("limit", str(PAGE_DEFAULT))
    if not raw.isdigit() or not 1 <= int(raw) <= PAGE_MAX:
        raise ApiRefusal(400, _("limit must be a whole number from 1 to %(n)d.", n=PAGE_MAX), field="limit")
    return int(raw)


def _cursor() -> int | None:
    raw = request.args.get("cursor")
    if raw is None:
        return None
    # Bounded like every id (an integer column on PostgreSQL): beyond it, no such page.
    cursor = parse_id(raw) if raw.isdigit() else None
    if cursor is None:
        raise ApiRefusal(400, _("Unknown cursor: use the next_cursor of the previous page."), field="cursor")
    return cursor


LIST_PARAMETERS = [
    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open", "closed"]}},
    {"name": "request_type", "in": "query", "schema": {"type": "string"}, "description": "A type's code."},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}},
    {"name": "cursor", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
     "description": "next_cursor of the previous page."},
]


@bp.route("/requests", methods=["GET"])
@operation("/requests", "get", {
    "summary": "Requests, newest first, a page at a time", "operationId": "listRequests",
    "parameters": LIST_PARAMETERS,
    "responses": {"200": {"description": "A page", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "items", "count", "count_capped", "next_cursor"], "properties": {
            "commune": {"$ref": "#/components/schemas/Commune"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Request"}},
            "count": {"type": "integer", "description": "How many requests match the filters (every page), "
                                                      f"counted up to {COUNT_CAP:,}."},
            "count_capped": {"type": "boolean", "description": f"True: more than {COUNT_CAP:,} match."},
            "next_cursor": {"type": ["string", "null"]}}}}}}, **error_responses(400, 403, 429)}})
def list_requests():
    who = require_key("read")
    where = key_readable_requests_conditions(who)
    status = request.args.get("status")
    if status not in (None, "open", "closed"):
        raise ApiRefusal(400, _("status must be open or closed."), field="status")
    if status:
        closed = Request.state_kind == "closed"
        where.append(closed if status == "closed" else ~closed)
    code = request.args.get("request_type")
    if code:
        where.append(Request.request_type_id.in_(select(RequestType.id).where(RequestType.code == code[:100])))
    limit, cursor = _limit(), _cursor()
    # Counted as the queue counts: no further than COUNT_CAP (a count of years of requests costs).
    total = capped_count(select(Request).where(*where))
    if cursor is not None:
        where.append(Request.id < cursor)
    rows = list(db.session.scalars(select(Request).where(*where).order_by(Request.id.desc()).limit(limit + 1)
                                   .options(joinedload(Request.request_type), joinedload(Request.service))))
    more = len(rows) > limit
    rows = rows[:limit]
    return _answer({"items": [_request_out(row) for row in rows], "count": min(total, COUNT_CAP),
                    "count_capped": total > COUNT_CAP, "next_cursor": str(rows[-1].id) if more else None})


@bp.route("/requests/<reference>")
@operation("/requests/{reference}", "get", {
    "summary": "One request", "operationId": "getRequest", "parameters": [REFERENCE_PARAMETER],
    "responses": {"200": {"description": "The request", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "request"], "properties": {
            "commune": {"$ref": "#/components/schemas/Commune"},
            "request": {"$ref": "#/components/schemas/Request"}}}}}}, **error_responses(403, 404, 429)}})
def get_request(reference):
    return _answer({"request": _request_out(key_request_or_404(require_key("read"), reference=reference))})


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiRefusal(400, _("The body must be a JSON object."), field="body")
    _refuse_nul(body, "")
    return body


def _refuse_nul(value, where: str) -> None:
    """No text column holds a NUL character (PostgreSQL refuses one): 400 naming where it is."""
    if isinstance(value, str) and "\x00" in value:
        raise ApiRefusal(400, _("%(name)s must be a text.", name=where[:60] or "body"), field=where[:60] or "body")
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        _refuse_nul(key, where)
        _refuse_nul(item, f"{where}.{key}" if where else str(key))


def _text(body: dict, name: str, limit: int) -> str:
    value = body.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        raise ApiRefusal(400, _("%(name)s must be a text of at most %(n)d characters.", name=name, n=limit),
                         field=name)
    return value


@bp.route("/requests", methods=["POST"])
@operation("/requests", "post", {
    "summary": "File a request (channel api), validated like the counter's form", "operationId": "createRequest",
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["request_type"], "properties": {
            "request_type": {"type": "string"}, "data": {"type": "object"},
            "subject": {"type": "string", "maxLength": 200}, "location": {"type": "string", "maxLength": 250}}}}}},
    "responses": {"201": {"description": "Filed", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "request"], "properties": {
            "commune": {"$ref": "#/components/schemas/Commune"},
            "request": {"$ref": "#/components/schemas/Request"}}}}}}, **error_responses(400, 403, 429)}})
def create():
    require_key("write")
    body = _body()
    code = body.get("request_type")
    request_type = next((t for t in _readable_types() if t.code == code), None) if isinstance(code, str) else None
    if request_type is None:
        raise ApiRefusal(400, _("Unknown request_type."), field="request_type")
    data = body.get("data", {})
    if not isinstance(data, dict) or not all(isinstance(v, (str, int, float, bool, list, type(None)))
                                             for v in data.values()):
        raise ApiRefusal(400, _("data must be an object of field values."), field="data")
    created, errors = create_request(request_type=request_type.id, citizen=None, channel="api",
                                     formdata={k: v for k, v in data.items() if isinstance(k, str)}, actor=None,
                                     subject=_text(body, "subject", 200), location=_text(body, "location", 250))
    if created is None:
        db.session.rollback()
        response = _refused(ApiRefusal(400, _("The request is not valid."), code="invalid_request"))
        payload = response.get_json()
        payload["error"]["fields"] = {key: [str(m) for m in messages] for key, messages in errors.items()}
        return jsonify(payload), 400
    return _answer({"request": _request_out(created)}, 201)


@bp.route("/requests/<reference>/messages", methods=["POST"])
@operation("/requests/{reference}/messages", "post", {
    "summary": "Write to the citizen (public) or add an internal note", "operationId": "addMessage",
    "parameters": [REFERENCE_PARAMETER],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["body"], "properties": {
            "body": {"type": "string"}, "public": {"type": "boolean"}}}}}},
    "responses": {"201": {"description": "Added", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "message"], "properties": {
            "commune": {"$ref": "#/components/schemas/Commune"},
            "message": {"$ref": "#/components/schemas/Message"}}}}}},
        **error_responses(400, 403, 404, 409, 429)}})
def message(reference):
    row = key_request_or_404(require_key("write"), reference=reference)
    body = _body()
    public = body.get("public", False)
    if not isinstance(public, bool):
        raise ApiRefusal(400, _("public must be true or false."), field="public")
    if not isinstance(body.get("body"), str):
        raise ApiRefusal(400, _("The message is empty."), field="body")
    try:
        added = add_message(row, body["body"], public=public, actor=None)
    except RequestActionError as error:
        db.session.rollback()
        raise ApiRefusal(400, str(error), field="body") from None
    except StaleRequest as error:
        raise ApiRefusal(409, str(error)) from None
    return _answer({"message": {"id": added.id, "at": _iso(added.at), "public": added.public, "body": added.body}},
                   201)
