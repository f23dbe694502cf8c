"""Panels of the CCAS: on the citizen's 360° page and on a CCAS request's
page (the legal dates computed by rules/, the household's aid this year),
rendered by ``social/panels/lines.html``. Professional secrecy is the core's:
it calls these only with the requests the agent may read."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import format_currency, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grc_core.plugin_api import CitizenPanel, RequestPanel, db, state_label

from . import checks, rules
from . import request_types as rt
from .settings import aid_rules

DATE_LABELS = (
    ("date_limite_reponse", _l("Answer due by %(day)s")),
    ("date_election", _l("Élection de domicile on %(day)s")),
    ("date_expiration", _l("Certificate expired from %(day)s")),
    ("date_dernier_contact", _l("Last contact on %(day)s")),
    ("date_avertissement", _l("Warning planned on %(day)s")),
    ("date_fin_absence", _l("Ends for lack of contact from %(day)s")),
    ("date_limite_transmission", _l("Transmission due by %(day)s")),
    ("date_transmission", _l("Transmitted on %(day)s")),
    ("date_decision", _l("Decision received on %(day)s")),
    ("date_limite_enregistrement", _l("Numéro unique due by %(day)s")),
    ("date_enregistrement", _l("Registered or renewed on %(day)s")),
    ("date_rappel_renouvellement", _l("Renewal reminder on %(day)s")),
    ("date_limite_renouvellement", _l("To renew by %(day)s")),
    ("date_radiation", _l("Radiation if not renewed on %(day)s")),
)


def _euros(amount: Decimal) -> str:
    return format_currency(amount, "EUR")


def request_panels(request, commune):
    code = request.request_type.code
    if code not in rt.CODES:
        return None
    data = request.data or {}
    lines = [str(label) % {"day": format_date(checks.parse_day(data[name]), "short")}
             for name, label in DATE_LABELS if checks.parse_day(data.get(name))]
    if code == rt.DOMICILIATION:
        lines.insert(0, checks.commune_link_reason(data))
    elif code == rt.REGISTRE and data.get("qualite"):
        lines.insert(0, _("Quality: %(quality)s (CASF R121-2)", quality=data["qualite"]))
    elif code == rt.AIDE_LEGALE and data.get("autorite"):
        lines.insert(0, _("Deciding authority: the president of the conseil départemental")
                     if data["autorite"] == "departement" else _("Deciding authority: the préfet"))
    elif code == rt.AIDE_FACULTATIVE and data.get("nature"):
        settings = aid_rules(commune, data["nature"])
        granted = checks.granted_to_household(request.citizen_id, data["nature"], checks.today(), settings.window)
        lines.insert(0, _("Already granted to the household over the period: %(amount)s", amount=_euros(granted)))
        if settings.yearly_ceiling is not None:
            lines.insert(1, _("Ceiling per household: %(amount)s", amount=_euros(settings.yearly_ceiling)))
    if not lines:
        return None
    return [RequestPanel(_("CCAS: legal dates"), "social/panels/lines.html", {"lines": lines}, order=20)]


def citizen_panels(citizen, requests):
    files = [r for r in requests if r.request_type.code in rt.CODES][:50]
    if not files:
        return None
    from .models import AidGrant

    members = checks.household_ids(citizen.id)
    start, end = rules.aid_window(checks.today())
    total = db.session.scalar(select(db.func.coalesce(db.func.sum(AidGrant.amount), 0)).where(
        AidGrant.citizen_id.in_(members), AidGrant.granted_on >= start, AidGrant.granted_on <= end))
    return [CitizenPanel(_("CCAS files"), "social/panels/files.html", {
        "files": [(r, state_label(r.workflow.definition if r.workflow else None, r.state)) for r in files],
        "aid": _("Aides facultatives granted to the household in %(year)s: %(amount)s", year=start.year,
                 amount=_euros(Decimal(str(total)))),
    }, order=40)]
