"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), strict to
the specification, one commune per base URL:

- ``/c/<commune slug>/open311/v2/``;
- ``/open311/v2/`` on the commune's own hostname;
- ``/open311/v2/`` on the platform host, with ``jurisdiction_id`` (the
  commune's slug) on every call.

Services are the commune's request types open to the ``api`` channel
(confidential types never are). Filing goes through
``grc_core.requests.service.create_request`` like the counter: the same
validation (plugin validators included), routing, history and
notifications, with the ``api`` channel.

Where GRC is stricter than the specification, and why:

- reading requests needs a key too (scope ``open311``): a request's text
  and place are personal data;
- ``media_url`` is refused: the server never fetches a URL a client gives
  (SSRF); send the file itself as the ``media`` upload.

``service_request_id`` is the request's reference (``2026-00042``), the
one the citizen reads on the acknowledgement.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dateutil.parser import isoparse
from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException

from ...extensions import db
from ...forms.specs import active_request_types, fields_of, usable_request_type
from ...models import Citizen, Request, RequestType, utcnow
from ...requests import confidentiality
from ...requests.service import create_request
from ...security.access import key_readable_requests_conditions, key_request_or_404
from ..calls import ApiRefusal, audit_call, check_rate_limit, identify_key, require_key, resolve_commune
from . import attributes
from .formats import document, errors

bp = Blueprint("open311", __name__)
FORMAT = "<any(json,xml):format>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
SCOPE = "open311"
WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
# The request's subject holds the description.
DESCRIPTION_MAX = 200
ADDRESS_MAX = 250
TOKEN_SALT = "grc.open311.token"


@bp.before_request
def _enter():
    resolve_commune()
    identify_key()
    check_rate_limit()


bp.after_request(audit_call)


@bp.errorhandler(ApiRefusal)
def _refused(refusal: ApiRefusal):
    return errors(refusal.status, refusal.messages, _format(), refusal.headers)


def _http_error(error: HTTPException):
    described = {404: _("Not found."), 405: _("This resource does not take this method.")}
    return errors(error.code or 500, [described.get(error.code) or error.description], _format())


# By code too: Flask prefers the app's handler of a code (its HTML error
# pages) to a blueprint's handler of a class.
for _status in (400, 403, 404, 405, 413, 429):
    bp.register_error_handler(_status, _http_error)
bp.register_error_handler(HTTPException, _http_error)


def _format() -> str:
    return (request.view_args or {}).get("format", "json")


# --- services ---------------------------------------------------------------------------

def _services() -> list[RequestType]:
    secret = confidentiality.confidential_types(g.grc_commune)
    return [t for t in active_request_types(channel="api") if t.code not in secret]


def _service_or_404(code: str) -> RequestType:
    found = next((t for t in _services() if t.code == code), None)
    if found is None:
        raise ApiRefusal(404, _("Unknown service_code « %(code)s ».", code=code[:100]))
    return found


def _service_to_file(code: str) -> RequestType:
    """The service a report is filed in, read once with what filing reads
    (its workflow and service) and checked as :func:`_services` lists them."""
    found = None
    if code not in confidentiality.confidential_types(g.grc_commune):
        read = db.session.scalar(select(RequestType).where(RequestType.code == code[:100]).options(
            joinedload(RequestType.workflow), joinedload(RequestType.service)))
        found = usable_request_type(read, channel="api")
    if found is None:
        raise ApiRefusal(404, _("Unknown service_code « %(code)s ».", code=code[:100]))
    return found


def _group(request_type: RequestType) -> str:
    if request_type.plugin:
        return str(current_app.extensions["grc"].manifests[request_type.plugin].label)
    return request_type.service.name if request_type.service else ""


@bp.route(f"/discovery.{FORMAT}")
def discovery(format, commune_slug=None):
    commune = g.grc_commune
    changeset = commune.created_at.astimezone(timezone.utc).isoformat()
    return document({
        "changeset": changeset,
        "contact": _("The services of the commune of %(name)s", name=commune.name),
        "key_service": _("Ask the administrator of the commune for an API key (back office, « API keys »)."),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": request.base_url.rsplit("/", 1)[0],
            "changeset": changeset,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }, "discovery", format)


@bp.route(f"/services.{FORMAT}")
def services(format, commune_slug=None):
    return document([{
        "service_code": t.code,
        "service_name": t.label,
        "description": t.label,
        "metadata": bool(attributes.attribute_fields(fields_of(t))),
        "type": "realtime",
        "keywords": "",
        "group": _group(t),
    } for t in _services()], "services", format)


@bp.route(f"/services/<service_code>.{FORMAT}")
def service_definition(service_code, format, commune_slug=None):
    request_type = _service_or_404(service_code)
    return document({"service_code": request_type.code,
                     "attributes": attributes.definition(fields_of(request_type))},
                    "service_definition", format)


# --- filing a request -------------------------------------------------------------------

def _coordinate(name: str, low: float, high: float) -> float:
    try:
        value = float(request.form[name])
    except ValueError:
        raise ApiRefusal(400, _("%(name)s must be a number.", name=name)) from None
    if not low <= value <= high:
        raise ApiRefusal(400, _("%(name)s must be between %(low)s and %(high)s.", name=name, low=low, high=high))
    return value


def _location() -> tuple[float | None, float | None, str]:
    form = request.form
    has_lat, has_long = bool(form.get("lat")), bool(form.get("long"))
    if has_lat != has_long:
        raise ApiRefusal(400, _("lat and long go together: give both or neither."))
    address = (form.get("address_string") or "").strip()
    if len(address) > ADDRESS_MAX:
        raise ApiRefusal(400, _("address_string is too long (at most %(n)d characters).", n=ADDRESS_MAX))
    if not has_lat and not address:
        raise ApiRefusal(400, _("A location is required: lat and long, or address_string."))
    if not has_lat:
        return None, None, address
    return _coordinate("lat", -90, 90), _coordinate("long", -180, 180), address


def _reporter() -> Citizen | None:
    """The citizen who reports: the live record with this e-mail, else a new
    one when an e-mail or a name is given (None: an anonymous report)."""
    form = request.form
    email = (form.get("email") or "").strip()[:254]
    first_name = (form.get("first_name") or "").strip()[:100]
    last_name = (form.get("last_name") or "").strip()[:100]
    if email:
        known = db.session.scalar(select(Citizen).where(
            func.lower(Citizen.email) == email.lower(), Citizen.merged_into_id.is_(None)).order_by(Citizen.id))
        if known is not None:
            return known
    if not (email or last_name):
        return None
    return Citizen(first_name=first_name, last_name=last_name, email=email,
                   phone=(form.get("phone") or "").strip()[:30])


def _token(request_row: Request) -> str:
    return URLSafeSerializer(current_app.secret_key, salt=TOKEN_SALT).dumps([g.grc_commune.id, request_row.id])


def _problems(field_errors: dict) -> list[str]:
    """The validation's messages, each naming its attribute (or the upload)."""
    out = []
    for key, messages in field_errors.items():
        for message in messages:
            if key in ("__all__", "request_type", "channel"):
                out.append(str(message))
            elif key == "attachments":
                out.append(f"media: {message}")
            else:
                out.append(f"attribute[{key}]: {message}")
    return out


@bp.route(f"/requests.{FORMAT}", methods=["POST"])
def create(format, commune_slug=None):
    require_key(SCOPE)
    request_type = _service_to_file((request.form.get("service_code") or "").strip())
    if request.form.get("media_url"):
        raise ApiRefusal(400, _("media_url is not accepted: send the file itself as the « media » upload."))
    latitude, longitude, address = _location()
    description = (request.form.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise ApiRefusal(400, _("description is too long (at most %(n)d characters).", n=DESCRIPTION_MAX))
    specs = fields_of(request_type)
    formdata, refused = attributes.formdata(specs, attributes.submitted_attributes(request.form))
    if refused:
        raise ApiRefusal(400, *(f"attribute[{code}]: {message}" for code, message in sorted(refused.items())))
    media = request.files.get("media")
    if media is not None and media.filename:
        target = attributes.file_field(specs)
        if target is None:
            raise ApiRefusal(400, _("This service takes no media."))
        formdata.add(f"f_{target.name}", media)
    created, field_errors = create_request(
        request_type=request_type, citizen=_reporter(), channel="api", formdata=formdata, actor=None,
        subject=description, location=address, latitude=latitude, longitude=longitude)
    if created is None:
        db.session.rollback()
        raise ApiRefusal(400, *_problems(field_errors))
    return document([{"service_request_id": created.reference, "token": _token(created),
                      "service_notice": "", "account_id": None}], "service_requests", format)


# --- reading requests -------------------------------------------------------------------

def _datetime(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        moment = isoparse(raw)
    except ValueError:
        raise ApiRefusal(400, _("%(name)s must be a W3C datetime, e.g. 2026-12-01T00:00:00Z.", name=name)) from None
    # A datetime without its zone is read as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _window() -> tuple[datetime, datetime]:
    start, end = _datetime("start_date"), _datetime("end_date")
    if start is None and end is None:
        end = utcnow()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if start > end:
        raise ApiRefusal(400, _("start_date is after end_date."))
    if end - start > WINDOW:
        raise ApiRefusal(400, _("The dates may not span more than 90 days."))
    return start, end


def _listed(name: str) -> list[str]:
    return [item.strip() for item in (request.args.get(name) or "").split(",") if item.strip()]


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite keeps no zone: stored in UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat()


def _as_open311(row: Request) -> dict:
    return {
        "service_request_id": row.reference,
        "status": "closed" if row.state_kind == "closed" else "open",
        "status_notes": "",
        "service_name": row.request_type.label,
        "service_code": row.request_type.code,
        "description": row.subject,
        "agency_responsible": row.service.name if row.service else "",
        "service_notice": "",
        "requested_datetime": _iso(row.received_at),
        "updated_datetime": _iso(row.state_entered_at),
        "expected_datetime": _iso(row.due_at),
        "address": row.location,
        "address_id": "",
        "zipcode": "",
        "lat": row.latitude,
        "long": row.longitude,
        "media_url": "",
    }


@bp.route(f"/requests.{FORMAT}", methods=["GET"])
def list_requests(format, commune_slug=None):
    who = require_key(SCOPE)
    where = key_readable_requests_conditions(who)
    references = _listed("service_request_id")
    if references:
        # The specification: a list of ids overrides every other parameter.
        where.append(Request.reference.in_([reference[:20] for reference in references[:MAX_RESULTS]]))
    else:
        start, end = _window()
        where += [Request.received_at >= start, Request.received_at <= end]
        statuses = _listed("status")
        if any(status not in ("open", "closed") for status in statuses):
            raise ApiRefusal(400, _("status must be open, closed or both (comma-separated)."))
        if len(set(statuses)) == 1:
            closed = Request.state_kind == "closed"
            where.append(closed if statuses[0] == "closed" else ~closed)
        codes = _listed("service_code")
        if codes:
            where.append(Request.request_type_id.in_(select(RequestType.id).where(RequestType.code.in_(codes))))
    # Each row names its type and service: loaded with the rows, not one query per row.
    rows = db.session.scalars(select(Request).where(*where).order_by(Request.received_at.desc(), Request.id.desc())
                              .limit(MAX_RESULTS).options(joinedload(Request.request_type),
                                                          joinedload(Request.service)))
    return document([_as_open311(row) for row in rows], "service_requests", format)


@bp.route(f"/requests/<reference>.{FORMAT}")
def one_request(reference, format, commune_slug=None):
    row = key_request_or_404(require_key(SCOPE), reference=reference)
    return document([_as_open311(row)], "service_requests", format)


@bp.route(f"/tokens/<token>.{FORMAT}")
def token(token, format, commune_slug=None):
    who = require_key(SCOPE)
    try:
        commune_id, request_id = URLSafeSerializer(current_app.secret_key, salt=TOKEN_SALT).loads(token)
    except (BadSignature, TypeError, ValueError):
        raise ApiRefusal(404, _("Unknown token.")) from None
    if commune_id != g.grc_commune.id:
        raise ApiRefusal(404, _("Unknown token."))
    row = key_request_or_404(who, request_id=request_id)
    return document([{"service_request_id": row.reference, "token": token}], "service_requests", format)
