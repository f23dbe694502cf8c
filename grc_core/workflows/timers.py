"""Timers: after a delay from an anchor, the system acts on a request.

Relances, escalations, tacit decisions. ``grc tick`` (cron or worker) calls
:func:`tick`: for each active commune, each request sitting in a state that
has timers, the due moment is the anchor (``entered_state``: when the
request entered its state; ``created``: its reception; otherwise a date
field of its form data) plus ``delay_months`` calendar months plus
``delay_days`` calendar days plus ``delay_hours`` hours. A timer with a
``condition`` watches only the requests whose form field has one of its
values (``danger_immediat`` = ``oui``). A due timer applies its transition
as the system, or escalates to the service's managers (:mod:`.escalation`),
and records a :class:`TimerRun` (unique on request, timer, anchor) in the
same transaction, so running ``tick`` again fires nothing more; a request
that comes back to the state later has a new anchor and a new run.

After the timers, :func:`tick` calls the active plugins' ``grc_tick`` hook
for each commune, with the same ``now``.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..forms.specs import value_matches
from ..models import Commune, Request, TimerRun, Workflow, utcnow
from ..tenancy import active_plugins, unscoped, use_commune
from .deadlines import PARIS, after_delay, as_utc
from .definition import timer_settings
from .engine import TransitionError, apply_transition
from .escalation import escalate

log = logging.getLogger(__name__)

# A month is at least 28 days, and a day at least 23 hours (summer time):
# requests anchored later than this margin cannot be due yet.
SHORTEST_MONTH_DAYS = 28
CLOCK_CHANGE_MARGIN = timedelta(days=1)


def anchor_of(request: Request, anchor: str) -> datetime | None:
    """The moment a timer counts from, in UTC; None when the date field is empty or not a date."""
    if anchor == "entered_state":
        return as_utc(request.state_entered_at)
    if anchor == "created":
        return as_utc(request.received_at)
    raw = (request.data or {}).get(anchor)
    try:
        day = date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None
    return as_utc(datetime.combine(day, time(0, 0), tzinfo=PARIS)) if day else None


def due_at(request: Request, timer: dict) -> tuple[datetime, datetime] | None:
    """``(anchor, due moment)`` of ``timer`` for ``request``, or None without an anchor."""
    anchor = anchor_of(request, timer.get("anchor") or "entered_state")
    if anchor is None:
        return None
    moment = after_delay(anchor, days=int(timer.get("delay_days") or 0), months=int(timer.get("delay_months") or 0))
    # Hours are elapsed time, not clock time: 4 hours across a clock change are 4 hours.
    return anchor, moment + timedelta(hours=int(timer.get("delay_hours") or 0))


def condition_holds(request: Request, timer: dict) -> bool:
    """Does the request's form data meet the timer's condition (if any)?"""
    condition = timer.get("condition")
    if not condition:
        return True
    return value_matches((request.data or {}).get(condition["field"]), condition.get("values") or ())


def _candidates(workflow: Workflow, timer: dict, now: datetime):
    """Requests in the timer's state, narrowed in SQL when the anchor is a column."""
    query = select(Request).where(Request.workflow_id == workflow.id, Request.state == timer["state"])
    column = {"entered_state": Request.state_entered_at, "created": Request.received_at}.get(
        timer.get("anchor") or "entered_state")
    if column is not None:
        shortest = timedelta(days=int(timer.get("delay_days") or 0)
                             + SHORTEST_MONTH_DAYS * int(timer.get("delay_months") or 0),
                             hours=int(timer.get("delay_hours") or 0)) - CLOCK_CHANGE_MARGIN
        already = exists().where(TimerRun.request_id == Request.id, TimerRun.timer == timer["code"],
                                 TimerRun.anchor_at == column)
        query = query.where(column <= now - shortest, ~already)
    return db.session.scalars(query.order_by(Request.id)).all()


def _already_fired(request: Request, timer: dict, anchor: datetime) -> bool:
    return db.session.scalar(select(TimerRun.id).where(
        TimerRun.request_id == request.id, TimerRun.timer == timer["code"], TimerRun.anchor_at == anchor,
    )) is not None


def fire_due_timers(now: datetime | None = None) -> dict[str, int]:
    """Fire the due timers of the current commune; counts of ``fired`` and ``refused``."""
    now = as_utc(now or utcnow())
    counts = {"fired": 0, "refused": 0}
    for workflow in db.session.scalars(select(Workflow).order_by(Workflow.id)).all():
        for stored in workflow.definition.get("timers") or ():
            timer = timer_settings(stored)
            for request in _candidates(workflow, timer, now):
                moments = due_at(request, timer)
                if (moments is None or moments[1] > now or not condition_holds(request, timer)
                        or _already_fired(request, timer, moments[0])):
                    continue
                db.session.add(TimerRun(request_id=request.id, commune_id=request.commune_id,
                                        timer=timer["code"], anchor_at=moments[0], fired_at=now))
                try:
                    if timer["action"] == "escalate":
                        escalate(request, timer, commune=db.session.get(Commune, request.commune_id), now=now)
                        db.session.commit()
                    else:
                        apply_transition(request, timer["transition"], actor=None, membership=None, now=now,
                                         timer=timer["code"])
                except (TransitionError, IntegrityError, StaleDataError) as error:
                    # Refused (the workflow changed) or fired by another worker at the same time.
                    db.session.rollback()
                    log.warning("timer %s on request %s not applied: %s", timer["code"], request.id, error)
                    counts["refused"] += 1
                else:
                    counts["fired"] += 1
    return counts


def tick(now: datetime | None = None) -> dict[str, int]:
    """Fire due timers and call the plugins' ``grc_tick`` in every active
    commune, queue the weekly summaries of the dashboards, then deliver the
    outbox. ``now`` (default: the clock) is the moment everything is
    computed for: tests and ``grc tick --now`` run it at a chosen time.

    Returns counts: ``communes``, ``fired``, ``refused``, ``summaries``,
    ``digests`` (citizens' daily digests written), ``sent``, ``failed``.
    """
    from ..indicators.subscriptions import send_weekly_summaries
    from ..notifications import send_pending

    now = as_utc(now or utcnow())
    with unscoped():
        commune_ids = db.session.scalars(select(Commune.id).where(Commune.active.is_(True)).order_by(Commune.id)).all()
    totals = {"communes": len(commune_ids), "fired": 0, "refused": 0}
    registry = current_app.extensions["grc"]
    for commune_id in commune_ids:
        with use_commune(commune_id):
            for key, value in fire_due_timers(now).items():
                totals[key] += value
            commune = db.session.get(Commune, commune_id)
            try:
                registry.tick(active_plugins(commune), commune, now)
                db.session.commit()
            except Exception:
                # One plugin's failure must not stop the other communes' timers nor the outbox.
                db.session.rollback()
                log.exception("grc_tick failed for commune %s", commune_id)
    totals["summaries"] = send_weekly_summaries(now)
    db.session.commit()
    from ..notifications.citizens import send_digests

    totals["digests"] = send_digests(now)
    totals["sent"], totals["failed"] = send_pending(now)
    return totals
