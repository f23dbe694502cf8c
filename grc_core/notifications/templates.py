"""The e-mail (or SMS) telling a citizen where their request stands, and
the daily digest's subject and introduction.

A commune writes its own texts (:class:`NotificationTemplate`, by kind —
e-mail, SMS, digest —, per workflow and state, ``*`` for any state, and per
language or for every language); without one, a default text in the
citizen's language (the commune's when the record names none) gives the
reference, the type of request and the status in plain words (the state's
label). The digest speaks of every request of the day: its texts know only
``{commune}`` and ``{citizen}``.

Templates are written by admins, so they are filled by :func:`fill`, which
only replaces the known ``{placeholders}`` by plain text: no attribute or
index lookup (``{reference.__class__}``) that ``str.format_map`` would allow,
and a stray brace leaves the text as written instead of failing.
"""
from __future__ import annotations

from string import Formatter

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Commune, NotificationTemplate
from ..workflows.definition import state_label

PLACEHOLDERS = {
    "reference": _l("reference of the request"),
    "type": _l("type of request"),
    "status": _l("status, in plain words"),
    "commune": _l("name of the commune"),
    "citizen": _l("name of the citizen"),
}
KINDS = ("email", "sms", "digest")
# The digest gathers several requests: no reference, type or status of one.
DIGEST_PLACEHOLDERS = {name: PLACEHOLDERS[name] for name in ("commune", "citizen")}


def placeholders_for(kind: str) -> dict:
    """The ``{names}`` a template of ``kind`` may use, with what each stands for."""
    return DIGEST_PLACEHOLDERS if kind == "digest" else PLACEHOLDERS


def placeholders_in(text: str) -> set[str]:
    """Names between braces in ``text`` (raises ValueError on unbalanced braces)."""
    return {field for _literal, field, _spec, _conversion in Formatter().parse(text) if field is not None}


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each known ``{name}`` replaced; unknown ones stay as written."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        return text
    parts = []
    for literal, field, _spec, _conversion in parsed:
        parts.append(literal)
        if field is not None:
            parts.append(str(values[field]) if field in values else "{" + field + "}")
    return "".join(parts)


def _values(request) -> dict[str, str]:
    commune = db.session.get(Commune, request.commune_id)
    workflow = request.workflow
    return {
        "reference": request.reference,
        "type": request.request_type.shown_label if request.request_type else "",
        "status": state_label(workflow.definition if workflow else None, request.state),
        "commune": commune.name if commune else "",
        "citizen": request.citizen.full_name if request.citizen else "",
    }


def citizen_language(citizen) -> str:
    """The language to write to ``citizen`` in: his record's, else the commune's."""
    return (getattr(citizen, "language", "") or "") or current_app.config["GRC"]["DEFAULT_LOCALE"]


def _commune_template(request, language: str, kind: str = "email") -> NotificationTemplate | None:
    """Most specific first: this workflow and state, this workflow, any
    workflow; at each level, the citizen's language before every language."""
    candidates = db.session.scalars(
        select(NotificationTemplate).where(
            NotificationTemplate.kind == kind,
            NotificationTemplate.state.in_((request.state, "*")),
            (NotificationTemplate.workflow_id == request.workflow_id) | NotificationTemplate.workflow_id.is_(None),
            NotificationTemplate.language.in_((language, "")),
        )
    ).all()

    def rank(template):
        return (template.workflow_id is None, template.state == "*", template.language == "")

    return min(candidates, key=rank, default=None)


def status_email(request) -> tuple[str, str]:
    """Subject and body of the e-mail telling the citizen the request's status."""
    values = _values(request)
    language = citizen_language(request.citizen)
    template = _commune_template(request, language)
    if template is not None:
        return fill(template.subject, values), fill(template.body, values)
    # The citizen reads his language, whatever the agent's browser says.
    with force_locale(language):
        subject = _("Your request %(reference)s: %(status)s", reference=values["reference"],
                    status=values["status"])
        greeting = _("Hello %(citizen)s,", citizen=values["citizen"]) if values["citizen"] else _("Hello,")
        lines = [
            greeting,
            _("Your request %(reference)s (%(type)s) is now at this stage: %(status)s.",
              reference=values["reference"], type=values["type"], status=values["status"]),
            _("Please quote this reference whenever you contact us."),
            _("The services of %(commune)s", commune=values["commune"]),
        ]
    return subject, "\n\n".join(lines) + "\n"


def status_sms(request) -> str:
    """The SMS telling the citizen the request's status: short, in his language."""
    values = _values(request)
    language = citizen_language(request.citizen)
    template = _commune_template(request, language, kind="sms")
    if template is not None:
        return fill(template.body, values)
    with force_locale(language):
        return _("%(commune)s: your request %(reference)s is now at this stage: %(status)s.",
                 commune=values["commune"], reference=values["reference"], status=values["status"])


def digest_texts(citizen, commune) -> tuple[str, str]:
    """Subject and introduction of the citizen's daily digest: the commune's
    (its language before every language), else the default in his language."""
    language = citizen_language(citizen)
    values = {"commune": commune.name, "citizen": citizen.full_name or ""}
    templates = db.session.scalars(select(NotificationTemplate).where(
        NotificationTemplate.kind == "digest", NotificationTemplate.language.in_((language, "")))).all()
    template = min(templates, key=lambda found: found.language == "", default=None)
    if template is not None:
        return fill(template.subject, values), fill(template.body, values)
    with force_locale(language):
        subject = _("Your requests at %(commune)s: the day's updates", commune=commune.name)
        greeting = _("Hello %(citizen)s,", citizen=citizen.full_name) if citizen.full_name else _("Hello,")
        return subject, greeting + "\n\n" + _("Here is what changed in your requests:")
