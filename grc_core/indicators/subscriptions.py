"""The weekly summary: every Monday, managers who subscribed receive last
week's figures of their services by e-mail, through the outbox.

Run by ``grc tick`` (idempotent: a subscription remembers the last week it
summarised). The e-mail holds counts only — no citizen, no request content —
and the figures of the services the manager may see.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Commune, DashboardSubscription, Membership, User
from ..notifications import enqueue_email
from ..tenancy import unscoped, use_commune
from ..workflows.deadlines import PARIS
from . import core
from .dashboards import viewer_of
from .periods import Period

SUMMARY_INDICATORS = ("core.received_over_time", "core.throughput", "core.received_not_processed", "core.overdue",
                      "core.processing_time", "core.sla_compliance")


def is_subscribed(user_id: int) -> bool:
    found = db.session.scalar(select(DashboardSubscription.id).where(DashboardSubscription.user_id == user_id))
    return found is not None


def set_subscribed(user_id: int, wanted: bool) -> None:
    """Subscribe or unsubscribe in the current commune (not committed)."""
    existing = db.session.scalar(select(DashboardSubscription).where(DashboardSubscription.user_id == user_id))
    if wanted and existing is None:
        db.session.add(DashboardSubscription(user_id=user_id))
    elif not wanted and existing is not None:
        db.session.delete(existing)


def last_week(today: date) -> Period:
    monday = today - timedelta(days=today.weekday() + 7)
    return Period("week", monday, monday + timedelta(days=6))


def summary_body(commune, viewer, week: Period) -> str:
    from dataclasses import replace

    from ..plugin_api.types import IndicatorFilters

    filters = IndicatorFilters(start=week.start, end=week.end, today=week.end + timedelta(days=1),
                               service_ids=viewer.service_ids, granularity="day")
    before = week.previous()
    lines = [_("Summary of the week from %(start)s to %(end)s — %(commune)s",
               start=format_date(week.start, "short"), end=format_date(week.end, "short"), commune=commune.name), ""]
    declared = {decl.code: decl for decl in core.INDICATORS}
    for code in SUMMARY_INDICATORS:
        decl = declared[code]
        value = decl.compute(commune, filters).value
        line = f"- {decl.label} : {'—' if value is None else value}"
        if "now" not in decl.dimensions and value is not None:
            previous = decl.compute(commune, replace(filters, start=before.start, end=before.end)).value
            if previous is not None:
                line += " " + _("(previous week: %(value)s)", value=previous)
        lines.append(line)
    lines += ["", _("The dashboards, with every figure explained: %(path)s", path="/admin/dashboards/")]
    return "\n".join(lines)


def send_weekly_summaries(now: datetime) -> int:
    """Queue the summary of last week for each subscription not yet served
    this week; returns how many e-mails were queued (not committed)."""
    today = now.astimezone(PARIS).date()
    week = last_week(today)
    with unscoped():
        commune_ids = db.session.scalars(select(Commune.id).where(Commune.active.is_(True))).all()
    queued = 0
    for commune_id in commune_ids:
        with use_commune(commune_id):
            commune = db.session.get(Commune, commune_id)
            due = db.session.scalars(select(DashboardSubscription).where(
                (DashboardSubscription.last_week_sent.is_(None)) | (DashboardSubscription.last_week_sent < week.start)
            )).all()
            for subscription in due:
                user = db.session.get(User, subscription.user_id)
                membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
                # A subscription outlives neither the membership nor the role.
                viewer = viewer_of(user, membership, commune) if membership is not None else None
                if viewer is None or viewer.role not in ("admin", "manager") or not user.active:
                    continue
                with force_locale(getattr(user, "locale", None) or "fr"):
                    subject = _("GRC — weekly summary, week of %(day)s", day=format_date(week.start, "short"))
                    body = summary_body(commune, viewer, week)
                message = enqueue_email(user.email, subject, body, now=now)
                message.commune_id = commune_id
                subscription.last_week_sent = week.start
                queued += 1
            db.session.flush()  # while the commune is the current one
    return queued
