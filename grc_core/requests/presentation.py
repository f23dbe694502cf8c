"""How a request's status and deadline read in lists: the kind of its state
(colour and word), and the deadline in words ("dans 3 j", "en retard de 2 j").
Pure functions of plain values, so that the queue, the request page and the
citizen's record say the same thing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_timedelta
from flask_babel import gettext as _

# A closed state whose code says the answer is no: workflows have no
# "outcome" of their own, and every template names these states so.
REFUSAL_PREFIXES = ("refus", "rejet", "irrecevab")

# The kinds the lists colour (grc.css: .grc-kind-<kind>); the badge always
# carries the state's own words too, never colour alone.
KINDS = ("new", "open", "waiting", "closed", "refused")


def status_kind(state_kind: str, state_code: str) -> str:
    """new, open, waiting, closed or refused."""
    if state_kind == "closed" and state_code.startswith(REFUSAL_PREFIXES):
        return "refused"
    return state_kind if state_kind in KINDS else "open"


@dataclass(frozen=True)
class Deadline:
    urgency: str  # "overdue", "today", "later"
    words: str


def deadline(due: date | None, today: date, *, closed: bool, locale) -> Deadline | None:
    """The deadline of a request not closed, in the user's words (None when
    it has none, or once closed: a closed request is late for nobody)."""
    if due is None or closed:
        return None
    days = (due - today).days
    if days < 0:
        late = format_timedelta(timedelta(days=-days), granularity="day", format="short", locale=locale)
        return Deadline("overdue", _("%(delay)s late", delay=late))
    if days == 0:
        return Deadline("today", _("due today"))
    return Deadline("later", format_timedelta(timedelta(days=days), granularity="day", add_direction=True,
                                              format="short", locale=locale))


def action_role(target_kind: str, target_code: str) -> str:
    """How a transition's button looks by where it leads: ``refusing`` and
    ``closing`` ones stand apart and ask for confirmation; the others move the
    request on."""
    kind = status_kind(target_kind, target_code)
    return {"refused": "refusing", "closed": "closing"}.get(kind, "moving")


def ordered_actions(transitions: list[dict], state_kinds: dict[str, str]) -> list[tuple[dict, str]]:
    """(transition, role) with the primary action first (the first one that
    moves the request on), then the other moves, closing, refusing."""
    roles = [(t, action_role(state_kinds.get(t.get("target"), "open"), t.get("target") or "")) for t in transitions]
    order = {"moving": 0, "closing": 1, "refusing": 2}
    ranked = sorted(roles, key=lambda item: order[item[1]])
    if ranked and ranked[0][1] == "moving":
        ranked[0] = (ranked[0][0], "primary")
    return ranked
