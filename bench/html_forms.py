"""Reading the back office's and the portal's HTML forms as a browser would:
the CSRF token, the fields of a POST form, the quick-intake form filled for
one case, the transition buttons of a request page.

Standard library only: the in-process benches import it, and so does the
Locust file, which may run in an interpreter of its own (Locust installed
beside the application's, see bench/load_test.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


FIELD_TAG = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
ATTRIBUTE = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')
OPTION = re.compile(r'<option\b([^>]*)>(.*?)</option>', re.I | re.S)


def form_fields(html: str) -> dict[str, dict]:
    """Fields of the page's POST form: name → {tag, type, value, options}."""
    forms = re.findall(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', html, re.I | re.S)
    body = max(forms, key=len) if forms else html
    found: dict[str, dict] = {}
    for match in FIELD_TAG.finditer(body):
        tag, attributes = match.group(1).lower(), dict(ATTRIBUTE.findall(match.group(2)))
        name = attributes.get("name")
        if not name or name in found:
            continue
        entry = {"tag": tag, "type": attributes.get("type", "text").lower(), "value": attributes.get("value", "")}
        if tag == "select":
            rest = body[match.end():]
            block = rest[:rest.lower().find("</select>")]
            entry["options"] = [(dict(ATTRIBUTE.findall(attrs)).get("value", ""), re.sub(r"<[^>]+>", "", text).strip())
                                for attrs, text in OPTION.findall(block)]
        found[name] = entry
    return found


def _choose(options: list[tuple[str, str]], *wanted: str) -> str:
    for word in wanted:
        for value, text in options:
            if value and (word.lower() in text.lower() or word == value):
                return value
    return next((value for value, _text in options if value), "")


@dataclass
class IntakeCase:
    """What the counter agent types in the intake form for one request."""

    citizen_id: int
    type_id: int
    type_label: str
    subject: str
    location: str


def intake_payload(fields: dict[str, dict], case: IntakeCase, csrf: str) -> dict:
    """Fill the discovered form as the agent would: an existing citizen, the
    "Signalement voirie" type, the counter channel, a subject and its fields."""
    data = {"csrf_token": csrf}
    for name, spec in fields.items():
        lowered = name.lower()
        if name == "csrf_token" or spec["type"] in ("submit", "button", "file"):
            continue
        if spec["tag"] == "select":
            options = spec.get("options", [])
            if "type" in lowered:
                data[name] = str(case.type_id) if any(v == str(case.type_id) for v, _ in options) \
                    else _choose(options, case.type_label)
            elif "channel" in lowered or "canal" in lowered:
                data[name] = _choose(options, "guichet")
            elif "priority" in lowered:
                data[name] = _choose(options, "normale")
            elif "nature" in lowered:
                data[name] = _choose(options, "nid_de_poule")
            elif "citizen" in lowered:
                data[name] = str(case.citizen_id)
            elif options:
                data[name] = spec["value"] or _choose(options, "")
        elif spec["type"] in ("checkbox", "radio"):
            continue
        elif "citizen" in lowered and ("id" in lowered or spec["type"] == "hidden"):
            data[name] = str(case.citizen_id)
        elif "subject" in lowered or "objet" in lowered:
            data[name] = case.subject
        elif "adresse" in lowered or "location" in lowered or "address" in lowered:
            data[name] = case.location
        elif "nature" in lowered:
            data[name] = "nid_de_poule"
        elif spec["value"]:
            data[name] = spec["value"]
    return data


TRANSITION_FORM = re.compile(r'<form\b[^>]*action="([^"]+/transition)"[^>]*>(.*?)</form>', re.S)
TRANSITION_BUTTON = re.compile(r'<button\b[^>]*name="transition"[^>]*value="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version"[^>]*value="([^"]*)"')


def transition_choices(html: str) -> dict | None:
    """The request page's transition form: where it posts, its CSRF token and
    version, and the codes of its buttons (None: the page offers none)."""
    form = TRANSITION_FORM.search(html)
    if form is None:
        return None
    body = form.group(2)
    version = VERSION_INPUT.search(body)
    return {"action": form.group(1), "csrf_token": csrf_from(body), "version": version.group(1) if version else "",
            "codes": TRANSITION_BUTTON.findall(body)}
