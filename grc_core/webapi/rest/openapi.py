"""The OpenAPI 3.1 document of the REST API, built by apispec (maintained by
the marshmallow team, no framework lock-in) from the operations the views
declare with :func:`operation` — the routes and their documentation are
the same code, so the document cannot drift from the API."""
from __future__ import annotations

from apispec import APISpec

# (path, method, operation), filled by the views module when it is imported.
OPERATIONS: list[tuple[str, str, dict]] = []

ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "description": "Stable, for programs: invalid_parameter, invalid_request, "
                                                  "missing_field, unknown_transition, invalid_state, "
                                                  "transition_refused, invalid_file, probable_duplicate, "
                                                  "forbidden, not_found, method_not_allowed, conflict, too_large, "
                                                  "rate_limited."},
        "message": {"type": "string", "description": "For people, in the caller's language."},
        "field": {"type": ["string", "null"], "description": "The parameter or field at fault."},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                   "description": "Each form field's messages (invalid_request)."},
    }}}}
COMMUNE = {"type": "object", "required": ["slug", "name", "insee_code"], "properties": {
    "slug": {"type": "string"}, "name": {"type": "string"}, "insee_code": {"type": "string"}}}
FIELD = {"type": "object", "required": ["name", "label", "type", "required"], "properties": {
    "name": {"type": "string"}, "label": {"type": "string"}, "type": {"type": "string"},
    "required": {"type": "boolean"}, "help": {"type": "string"},
    "min": {"type": ["number", "null"]}, "max": {"type": ["number", "null"]},
    "choices": {"type": "array", "items": {"type": "object", "required": ["value", "label"], "properties": {
        "value": {"type": "string"}, "label": {"type": "string"}}}}}}
REQUEST_TYPE = {"type": "object", "required": ["code", "label", "fields"], "properties": {
    "code": {"type": "string"}, "label": {"type": "string"},
    "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}}}}
REQUEST = {"type": "object", "required": ["reference", "request_type", "status", "state", "received_at"],
           "properties": {
               "reference": {"type": "string"}, "request_type": {"type": "string"},
               "status": {"type": "string", "enum": ["open", "closed"]}, "state": {"type": "string"},
               "channel": {"type": "string"}, "priority": {"type": "string"},
               "service": {"type": ["string", "null"]}, "subject": {"type": "string"},
               "location": {"type": "string"}, "latitude": {"type": ["number", "null"]},
               "longitude": {"type": ["number", "null"]}, "data": {"type": "object"},
               "received_at": {"type": "string", "format": "date-time"},
               "due_at": {"type": ["string", "null"], "format": "date-time"},
               "closed_at": {"type": ["string", "null"], "format": "date-time"}}}
MESSAGE = {"type": "object", "required": ["id", "at", "public", "body"], "properties": {
    "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "public": {"type": "boolean"},
    "body": {"type": "string"}}}
TRANSITION = {"type": "object", "required": ["code", "label", "target", "comment_required", "required_fields",
                                             "fields"], "properties": {
    "code": {"type": "string"}, "label": {"type": "string"}, "target": {"type": "string"},
    "comment_required": {"type": "boolean"}, "required_fields": {"type": "array", "items": {"type": "string"}},
    "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}}}}
HISTORY_EVENT = {"type": "object", "required": ["id", "at", "transition", "from_state", "to_state"], "properties": {
    "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "transition": {"type": "string"},
    "from_state": {"type": ["string", "null"]}, "to_state": {"type": ["string", "null"]},
    "comment": {"type": "string"}}}
ATTACHMENT = {"type": "object", "required": ["id", "at", "filename", "content_type", "size"], "properties": {
    "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "filename": {"type": "string"},
    "content_type": {"type": "string"}, "size": {"type": "integer"}, "sha256": {"type": "string"}}}
_NUMBER = {"type": ["number", "null"]}
INDICATOR = {"type": "object", "required": ["widget", "indicator", "label", "kind", "unit", "period", "value",
                                            "method", "categories", "series", "drilldown"], "properties": {
    "widget": {"type": "string"}, "indicator": {"type": "string"}, "label": {"type": "string"},
    "kind": {"type": "string"}, "unit": {"type": "string"}, "better": {"type": ["string", "null"]},
    "period": {"type": ["object", "null"], "description": "None: the figure is the state as it stands now."},
    "value": _NUMBER, "previous": _NUMBER, "change": _NUMBER,
    "method": {"type": "string", "description": "How the figure is computed."},
    "categories": {"type": "array", "items": {"type": "object", "required": ["key", "label"], "properties": {
        "key": {"type": "string"}, "label": {"type": "string"}}}},
    "series": {"type": "array", "items": {"type": "object", "required": ["code", "label", "values"], "properties": {
        "code": {"type": "string"}, "label": {"type": "string"}, "values": {"type": "array", "items": _NUMBER}}}},
    "drilldown": {"type": "array", "description": "The request list's filters behind the figure (category "
                                                  "\"\") and each category (and series): none for élus.",
                  "items": {"type": "object", "required": ["category", "series", "filters"], "properties": {
                      "category": {"type": "string"}, "series": {"type": ["string", "null"]},
                      "filters": {"type": "object", "additionalProperties": {"type": "string"}}}}},
}}
CITIZEN = {"type": "object", "required": ["id", "first_name", "last_name"], "properties": {
    "id": {"type": "integer"}, "civility": {"type": "string"}, "first_name": {"type": "string"},
    "last_name": {"type": "string"}, "birth_name": {"type": "string"},
    "birth_date": {"type": ["string", "null"], "format": "date"}, "birth_place": {"type": "string"},
    "email": {"type": "string"}, "phone": {"type": "string"}, "address_number": {"type": "string"},
    "address_street": {"type": "string"}, "postcode": {"type": "string"}, "city": {"type": "string"},
    "quartier": {"type": "string"}}}
CONTACT = {"type": "object", "required": ["id", "at", "channel", "subject", "outcome"], "properties": {
    "id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "channel": {"type": "string"},
    "subject": {"type": "string"}, "outcome": {"type": "string"}, "notes": {"type": "string"},
    "service": {"type": ["string", "null"]}, "request": {"type": ["string", "null"]}}}
SCHEMAS = {"Error": ERROR, "Commune": COMMUNE, "Field": FIELD, "RequestType": REQUEST_TYPE, "Request": REQUEST,
           "Transition": TRANSITION, "HistoryEvent": HISTORY_EVENT, "Attachment": ATTACHMENT,
           "Message": MESSAGE, "Indicator": INDICATOR, "Citizen": CITIZEN, "Contact": CONTACT}


def operation(path: str, method: str, spec: dict):
    """Declare the decorated view's OpenAPI operation (``path`` in OpenAPI's notation)."""
    def register(view):
        OPERATIONS.append((path, method, spec))
        return view
    return register


def error_responses(*statuses: int) -> dict:
    described = {400: "Invalid parameter or body", 403: "No valid key for this, or a scope it lacks",
                 404: "Not found (or not readable with this key)", 409: "Conflict with the request's state",
                 413: "Body too large", 429: "Rate limit reached (Retry-After)"}
    return {str(status): {"description": described[status], "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}} for status in statuses}


def document(server_url: str) -> dict:
    spec = APISpec(title="GRC REST API", version="1", openapi_version="3.1.0", info={
        "description": "Requests and request types of one commune: the key's. See docs/api.md."},
        servers=[{"url": server_url}])
    spec.components.security_scheme("apiKey", {"type": "apiKey", "in": "header", "name": "X-API-Key"})
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    paths: dict[str, dict] = {}
    for path, method, op in OPERATIONS:
        paths.setdefault(path, {})[method] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    out = spec.to_dict()
    out["security"] = [{"apiKey": []}]
    return out
