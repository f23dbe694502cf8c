"""Transition guards (grc_check_transition): the legal timeline of each file,
checked with ``rules/`` before the engine applies a transition — on the
engine's clock (``now``: the moment the transition is applied, which tests
and ``grc tick --now`` set), never the system's."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _

from grc_core.plugin_api import add_months, local_date

from . import checks, rules
from . import request_types as rt
from .dates import day_in_words


def parse_day(value) -> date | None:
    """A date typed on the request page: ISO (2026-05-30) or French (30/05/2026)."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _date_field(fields, data, name, label, problems) -> date | None:
    raw = fields.get(name, data.get(name))
    day = parse_day(raw)
    if day is None:
        problems.append(_("« %(field)s » must be a date such as 30/05/2026.", field=label))
    elif name in fields:
        # Stored in ISO form, so that timers anchored on it can read it.
        fields[name] = day.isoformat()
    return day


def check(request, transition, fields, actor, commune, now) -> list[str] | None:
    code = request.request_type.code
    if code not in rt.CODES:
        return None
    today = local_date(now)
    data = request.data or {}
    problems: list[str] = []
    if code == rt.MARIAGE:
        if transition.code == "publier_bans":
            published = _date_field(fields, data, "date_publication", "date_publication", problems)
            since = checks.as_date(data.get("residence_depuis"))
            if published and since and data.get("lien_commune") in ("residence", "residence_parent") \
                    and not rules.marriage_residence_established(since, published):
                problems.append(_("On %(day)s the residence in the commune will not have lasted one month: the "
                                  "bans cannot be published here before %(earliest)s (code civil, art. 74).",
                                  day=day_in_words(published),
                                  earliest=day_in_words(add_months(since, 1))))
        elif transition.code in ("fixer_celebration", "celebrer"):
            published = parse_day(data.get("date_publication"))
            celebration = _date_field(fields, data, "date_celebration", "date_celebration", problems)
            if published is None:
                problems.append(_("Publish the bans before setting the celebration date."))
            elif celebration is not None:
                outcome = rules.check_celebration_date(published, celebration)
                if not outcome.allowed:
                    problems.append(str(outcome.reason))
    elif code == rt.PACS and transition.code == "enregistrer":
        if not data.get("declaration_conjointe"):
            problems.append(_("The partners must sign the joint declaration (cerfa 15725) before the PACS is "
                              "registered."))
        problems.extend(checks.stale_pieces(data, checks.PACS_PARTIES, today, commune))
    elif code == rt.NAISSANCE and transition.code == "dresser_acte":
        outcome = checks.birth_declaration(data, commune)
        if outcome is not None and not outcome.allowed:
            problems.append(str(outcome.reason))
    elif code == rt.NOM and transition.code in ("ouvrir_confirmation", "confirmer") and actor is not None:
        # The timer opens the confirmation when the month has run; an agent may not do it earlier.
        outcome = rules.check_name_change_confirmation(local_date(request.received_at), today)
        if not outcome.allowed:
            problems.append(str(outcome.reason))
    return problems
