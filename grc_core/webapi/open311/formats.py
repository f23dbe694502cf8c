"""GeoReport v2 documents in its two formats, and its error lists.

Every resource is answered as ``.json`` (``application/json``) or ``.xml``
(``text/xml``), UTF-8. An XML document is the JSON one with named
containers: a list of requests is ``<service_requests><request>…``, a list
inside an element (``attributes``, ``values``…) holds one element per item
named in :data:`ITEM_TAGS`. Errors are ``[{"code": 400, "description": "…"}]``
or ``<errors><error><code>…``.
"""
from __future__ import annotations

import json
from xml.etree import ElementTree

from flask import Response

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM_TAGS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
             "errors": "error", "services": "service", "service_requests": "request"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ElementTree.SubElement(element, key), item)
    elif isinstance(value, list):
        tag = ITEM_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ElementTree.SubElement(element, tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, payload) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, payload)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


def document(payload, root: str, fmt: str, status: int = 200) -> Response:
    """``payload`` (a list or a dict) in ``fmt``; ``root`` names the XML root."""
    if fmt == "xml":
        body = to_xml(root, payload)
    else:
        body = json.dumps(payload, ensure_ascii=False)
    return Response(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(status: int, descriptions, fmt: str, headers=None) -> Response:
    """The spec's error list: one entry per description, all with the HTTP code."""
    payload = [{"code": status, "description": str(text)} for text in descriptions]
    response = document(payload, "errors", fmt if fmt in CONTENT_TYPES else "json", status)
    response.headers.update(headers or {})
    return response
