"""The retention engine: what each active policy will anonymise, and running it.

A policy's ``candidates(commune, today)`` lists what is due on ``today``.
To show the back office what is coming, :func:`pending` also asks for a
later day (``today`` + :data:`PREVIEW_DAYS`): what that adds is "upcoming";
:func:`run_retention` anonymises only what is due. Each policy runs in its own transaction with its audit
event, so a failing policy does not stop the others.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import Commune, utcnow
from ..plugin_api.types import RetentionCandidate, RetentionPolicyDecl
from ..tenancy import unscoped, use_commune
from ..tenancy.activation import active_plugins
from ..workflows.deadlines import local_date

log = logging.getLogger(__name__)

PREVIEW_DAYS = 30
AUDIT_ACTION = "retention.anonymised"
# Key of Commune.settings: the day retention last ran completely from grc tick.
LAST_RUN = "core.retention_last_run"


@dataclass
class PolicyPreview:
    policy: RetentionPolicyDecl
    due: list[RetentionCandidate] = field(default_factory=list)
    upcoming: list[RetentionCandidate] = field(default_factory=list)

    def shown_to(self, permissions: frozenset[str] | None) -> bool:
        """May a viewer holding ``permissions`` see which records are listed?
        (None: a context that is not restricted; the CLI passes an empty set.)"""
        permission = self.policy.read_permission
        return permission is None or permissions is None or permission in permissions


def today_in_paris() -> date:
    return local_date(utcnow())


def policies(commune: Commune) -> list[RetentionPolicyDecl]:
    """The retention policies of the plugins active in ``commune``."""
    return current_app.extensions["grc"].retention_policies(active_plugins(commune))


def pending(commune: Commune, today: date | None = None, *, horizon_days: int = PREVIEW_DAYS) -> list[PolicyPreview]:
    """Per policy, the candidates due on ``today`` and those due within ``horizon_days``."""
    today = today or today_in_paris()
    previews = []
    with use_commune(commune):
        for policy in policies(commune):
            # Asked twice: a policy may date its candidates with the day it is given.
            due = list(policy.candidates(commune, today) or ())
            keys = {c.key for c in due}
            later = [c for c in policy.candidates(commune, today + timedelta(days=horizon_days)) or ()
                     if c.key not in keys]
            order = lambda c: (c.due_on, c.label)  # noqa: E731
            previews.append(PolicyPreview(policy, sorted(due, key=order), sorted(later, key=order)))
    return previews


def run_retention(commune: Commune, today: date | None = None, actor=None) -> dict[str, int | None]:
    """Anonymise what every active policy has due on ``today``; ``{code: count}``
    (None for a policy that failed — logged, rolled back, retried next time).

    Idempotent: what is anonymised is no longer a candidate. One audit event
    per policy that changed something (its code and the count, no personal data).
    """
    today = today or today_in_paris()
    counts: dict[str, int | None] = {}
    with use_commune(commune):
        for policy in policies(commune):
            try:
                keys = [c.key for c in policy.candidates(commune, today) or () if c.due_on <= today]
                count = int(policy.anonymise(commune, keys) or 0) if keys else 0
                if count:
                    record(AUDIT_ACTION, target=policy.code, user=actor, commit=False,
                           details={"policy": policy.code, "count": count, "today": today.isoformat()})
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("retention policy %s failed in commune %s", policy.code, commune.slug)
                counts[policy.code] = None
            else:
                counts[policy.code] = count
    return counts


def run_all(today: date | None = None) -> dict[str, int]:
    """Run retention in every active commune (``grc tick``): totals of
    ``communes`` run, ``anonymised`` records and ``failed`` policies.

    Candidates are due by the day, so a commune runs once a day: ``grc tick``
    runs every minute, and the candidates' queries read years of closed
    requests. The day of the last complete run is kept in the commune's
    settings (:data:`LAST_RUN`); a day with a failed policy runs again at the
    next tick. The page's button and ``grc retention run`` always run.
    """
    today = today or today_in_paris()
    with unscoped():
        communes = db.session.scalars(select(Commune).where(Commune.active.is_(True)).order_by(Commune.id)).all()
    totals = {"communes": 0, "anonymised": 0, "failed": 0}
    for commune in communes:
        if (commune.settings or {}).get(LAST_RUN) == today.isoformat():
            continue
        totals["communes"] += 1
        counts = run_retention(commune, today)
        failed = sum(1 for count in counts.values() if count is None)
        totals["failed"] += failed
        totals["anonymised"] += sum(count for count in counts.values() if count)
        if not failed:
            # A new dict: the JSON column only notices assignments.
            commune.settings = {**(commune.settings or {}), LAST_RUN: today.isoformat()}
            db.session.commit()
    return totals
