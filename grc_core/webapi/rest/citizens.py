"""Citizens and their contacts through the REST API, as the back office's
citizen pages: the same search (:func:`~grc_core.citizens.search_citizens`),
the same form and the same duplicate detection on creation
(:func:`~grc_core.citizens.find_duplicates`: a probable duplicate is a 409
naming the candidates, unless the caller confirms with
``confirm_duplicate``), the same contact log.

Who is readable is grc_core.security.access's answer for the key (set as
the call's member by ``require_key``): never an élu-role key, and never a
person known only through confidential (CCAS) files — no key reads those.
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ...citizens import find_duplicates, search_citizens
from ...citizens.contacts import CHANNEL_LABELS, OUTCOME_LABELS
from ...citizens.forms import CitizenForm, ContactForm
from ...extensions import db
from ...models import Citizen, Contact, Service
from ...security.access import citizen_or_404
from ...security.permissions import effective_role
from ..calls import ApiRefusal, require_key
from .openapi import error_responses, operation
from .views import _answer, _body, _iso, bp

SEARCH_PAGE_MAX = 50
SEARCH_PAGES = 10  # the search ranks its best candidates only: ten pages of them at most
CITIZEN_ID = {"name": "citizen_id", "in": "path", "required": True,
              "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}, "description": "The citizen's id."}
CITIZEN_FIELDS = ("civility", "last_name", "first_name", "birth_name", "birth_date", "birth_place", "email", "phone",
                  "address_number", "address_street", "postcode", "city", "quartier")


def _schema(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _who(scope: str = "read"):
    """The key, if it holds ``scope`` and its role reads citizens (élus read aggregates only)."""
    who = require_key(scope)
    if effective_role(who, who) in (None, "elu"):
        raise ApiRefusal(403, _("This API key's role does not read citizens."))
    return who


def _citizen_out(citizen: Citizen) -> dict:
    out = {name: getattr(citizen, name) or "" for name in CITIZEN_FIELDS if name != "birth_date"}
    return {"id": citizen.id, **out, "birth_date": citizen.birth_date.isoformat() if citizen.birth_date else None}


def _form(form_class, body: dict, names) -> object:
    """A back-office form filled from a JSON object (text values only)."""
    values = MultiDict()
    for name in names:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ApiRefusal(400, _("%(name)s must be a text.", name=name), field=name)
        values.add(name, str(value))
    return form_class(formdata=values, meta={"csrf": False})


def _invalid(form) -> ApiRefusal:
    fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    return ApiRefusal(400, _("Some fields need correcting."), code="invalid_request", field=sorted(fields)[0],
                      fields=fields)


# --- citizens ---------------------------------------------------------------------------------

@bp.route("/citizens", methods=["GET"])
@operation("/citizens", "get", {
    "summary": "Search citizens as the back office does (name, birth date, e-mail, phone, request reference)",
    "operationId": "searchCitizens", "parameters": [
        {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1,
                                                                  "maxLength": 200}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": SEARCH_PAGE_MAX}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": SEARCH_PAGES}}],
    "responses": {"200": {"description": "A page of the best matches", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "items", "page", "next_page"], "properties": {
            "commune": _schema("Commune"), "items": {"type": "array", "items": _schema("Citizen")},
            "page": {"type": "integer"}, "next_page": {"type": ["integer", "null"]}}}}}},
        **error_responses(400, 403, 429)}})
def citizen_search():
    _who()
    query = request.args.get("q", "").strip()
    if not query or len(query) > 200:
        raise ApiRefusal(400, _("q must be a text of 1 to 200 characters."), field="q")
    limit, page = request.args.get("limit", "20"), request.args.get("page", "1")
    if not limit.isdigit() or not 1 <= int(limit) <= SEARCH_PAGE_MAX:
        raise ApiRefusal(400, _("limit must be a whole number from 1 to %(n)d.", n=SEARCH_PAGE_MAX), field="limit")
    if not page.isdigit() or not 1 <= int(page) <= SEARCH_PAGES:
        raise ApiRefusal(400, _("page must be a whole number from 1 to %(n)d.", n=SEARCH_PAGES), field="page")
    limit, page = int(limit), int(page)
    found = search_citizens(query, limit=limit * page + 1)
    rows = found[limit * (page - 1):limit * page]
    more = len(found) > limit * page and page < SEARCH_PAGES
    return _answer({"items": [_citizen_out(c) for c in rows], "page": page, "next_page": page + 1 if more else None})


@bp.route("/citizens/<id:citizen_id>", methods=["GET"])
@operation("/citizens/{citizen_id}", "get", {
    "summary": "One citizen", "operationId": "getCitizen", "parameters": [CITIZEN_ID],
    "responses": {"200": {"description": "The citizen", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "citizen"], "properties": {
            "commune": _schema("Commune"), "citizen": _schema("Citizen")}}}}}, **error_responses(403, 404, 429)}})
def citizen_read(citizen_id):
    _who()
    return _answer({"citizen": _citizen_out(citizen_or_404(citizen_id))})


@bp.route("/citizens", methods=["POST"])
@operation("/citizens", "post", {
    "summary": "Create a citizen: the back office's form and duplicate detection", "operationId": "createCitizen",
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["first_name", "last_name"], "properties": {
            **{name: {"type": "string"} for name in CITIZEN_FIELDS},
            "birth_date": {"type": "string", "description": "YYYY-MM-DD or DD/MM/YYYY"},
            "confirm_duplicate": {"type": "boolean", "description": "Create even if a probable duplicate exists."},
        }}}}},
    "responses": {
        "201": {"description": "Created", "content": {"application/json": {"schema": {
            "type": "object", "required": ["commune", "citizen"], "properties": {
                "commune": _schema("Commune"), "citizen": _schema("Citizen")}}}}},
        "409": {"description": "Probable duplicates: their ids and why; send again with confirm_duplicate",
                "content": {"application/json": {"schema": {
                    "type": "object", "required": ["error", "candidates"], "properties": {
                        "error": {"type": "object", "required": ["code", "message"], "properties": {
                            "code": {"const": "probable_duplicate"}, "message": {"type": "string"},
                            "field": {"type": "null"}}},
                        "candidates": {"type": "array", "items": {
                            "type": "object", "required": ["id", "reasons"], "properties": {
                                "id": {"type": "integer"}, "reasons": {"type": "string"}}}}}}}}},
        **error_responses(400, 403, 429)}})
def citizen_create():
    _who("write")
    body = _body()
    confirm = body.get("confirm_duplicate", False)
    if not isinstance(confirm, bool):
        raise ApiRefusal(400, _("confirm_duplicate must be true or false."), field="confirm_duplicate")
    form = _form(CitizenForm, body, CITIZEN_FIELDS)
    if not form.validate():
        raise _invalid(form)
    duplicates = find_duplicates(form.first_name.data, form.last_name.data, form.birth_date.data,
                                 form.email.data or "", form.phone.data or "")
    if duplicates and not confirm:
        response = _answer({"error": {
            "code": "probable_duplicate", "field": None,
            "message": _("This person may already be known: check the candidates, or send again with "
                         "confirm_duplicate.")},
            "candidates": [{"id": citizen.id, "reasons": reasons} for citizen, reasons in duplicates]}, 409)
        return response
    citizen = Citizen()
    form.apply_to(citizen)
    db.session.add(citizen)
    db.session.commit()
    return _answer({"citizen": _citizen_out(citizen)}, 201)


# --- contacts ---------------------------------------------------------------------------------

def _contact_out(contact: Contact) -> dict:
    return {"id": contact.id, "at": _iso(contact.at), "channel": contact.channel, "subject": contact.subject,
            "outcome": contact.outcome, "notes": contact.notes,
            "service": contact.service.code if contact.service else None,
            "request": contact.request.reference if contact.request else None}


@bp.route("/citizens/<id:citizen_id>/contacts", methods=["GET"])
@operation("/citizens/{citizen_id}/contacts", "get", {
    "summary": "The citizen's contacts (calls, visits, letters, e-mails), newest first",
    "operationId": "listContacts", "parameters": [CITIZEN_ID],
    "responses": {"200": {"description": "The contacts", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "items"], "properties": {
            "commune": _schema("Commune"), "items": {"type": "array", "items": _schema("Contact")}}}}}},
        **error_responses(403, 404, 429)}})
def contact_list(citizen_id):
    _who()
    citizen = citizen_or_404(citizen_id)
    found = db.session.scalars(select(Contact).where(Contact.citizen_id == citizen.id)
                               .order_by(Contact.at.desc(), Contact.id.desc()).limit(200))
    return _answer({"items": [_contact_out(c) for c in found]})


@bp.route("/citizens/<id:citizen_id>/contacts", methods=["POST"])
@operation("/citizens/{citizen_id}/contacts", "post", {
    "summary": "Log a contact with the citizen (the back office's contact form)", "operationId": "createContact",
    "parameters": [CITIZEN_ID],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["subject"], "properties": {
            "channel": {"type": "string", "enum": list(CHANNEL_LABELS)}, "subject": {"type": "string"},
            "outcome": {"type": "string", "enum": list(OUTCOME_LABELS)}, "notes": {"type": "string"},
            "service": {"type": "string", "description": "A service's code."}}}}}},
    "responses": {"201": {"description": "Logged", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "contact"], "properties": {
            "commune": _schema("Commune"), "contact": _schema("Contact")}}}}},
        **error_responses(400, 403, 404, 429)}})
def contact_create(citizen_id):
    _who("write")
    citizen = citizen_or_404(citizen_id)
    body = _body()
    service_id = None
    if body.get("service") is not None:
        code = body["service"]
        service_id = db.session.scalar(select(Service.id).where(Service.code == code[:60])) \
            if isinstance(code, str) else None
        if service_id is None:
            raise ApiRefusal(400, _("Unknown service."), field="service")
    form = _form(ContactForm, {"channel": "guichet", "outcome": "answered", **body}, ("channel", "subject", "outcome",
                                                                                      "notes"))
    form.service_id.choices = [("", "—")]
    if not form.validate():
        raise _invalid(form)
    contact = Contact(citizen_id=citizen.id, channel=form.channel.data, subject=form.subject.data.strip(),
                      outcome=form.outcome.data, notes=(form.notes.data or "").strip(), agent_id=None,
                      service_id=service_id)
    db.session.add(contact)
    db.session.commit()
    return _answer({"contact": _contact_out(contact)}, 201)
