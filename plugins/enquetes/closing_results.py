"""The closing surveys' results over a period: which invitations count (the
surveys sent in it, narrowed by type, service, channel or agent), with the
confidential types below their threshold left out everywhere, and the
figures per group, per month and per extra question.

Shared by the results page (``enquetes.results``) and the agent-level page
(an agent's own figures; every agent's for ``enquetes.agent_results``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from sqlalchemy import select

from grc_core.plugin_api import (
    LOCAL_TIMEZONE, RequestType, Service, confidential_permission_of, db, period_bounds, spec_from_dict,
)

from . import rules
from .models import SurveyInvitation, SurveySetting


@dataclass
class Surveyed:
    invitations: list  # the ones that count (hidden types left out)
    hidden: list[str]  # labels of the confidential types not shown
    types: dict
    services: dict


def surveyed(start: date, end: date, *, type_id=None, service_id=None, channel="", agent_id=None) -> Surveyed:
    low, high = period_bounds(start, end)
    query = select(SurveyInvitation).where(SurveyInvitation.status.in_(("sent", "answered")),
                                           SurveyInvitation.sent_at >= low, SurveyInvitation.sent_at < high)
    if type_id:
        query = query.where(SurveyInvitation.request_type_id == type_id)
    if service_id:
        query = query.where(SurveyInvitation.service_id == service_id)
    if channel:
        query = query.where(SurveyInvitation.channel == channel)
    if agent_id:
        query = query.where(SurveyInvitation.agent_id == agent_id)
    invitations = db.session.scalars(query.order_by(SurveyInvitation.id)).all()
    types = {t.id: t for t in db.session.scalars(select(RequestType).order_by(RequestType.label))}
    services = {s.id: s for s in db.session.scalars(select(Service).order_by(Service.name))}
    thresholds = dict(db.session.execute(select(SurveySetting.request_type_id, SurveySetting.min_count)).all())
    answers: dict = {}
    for invitation in invitations:
        answers[invitation.request_type_id] = answers.get(invitation.request_type_id, 0) \
            + (invitation.score is not None)
    confidential = {tid for tid in answers if tid in types and confidential_permission_of(types[tid])}
    hidden = rules.hidden_types(answers, confidential, thresholds)
    return Surveyed([i for i in invitations if i.request_type_id not in hidden],
                    sorted(types[tid].shown_label for tid in hidden), types, services)


def figures(invitations) -> dict:
    answered = [i for i in invitations if i.score is not None]
    return rules.summary(len(invitations), [i.score for i in answered], [i.resolved for i in answered])


def grouped(invitations, key, name, by_key: bool = False) -> list[tuple[str, dict]]:
    """(name of the group, its figures) for each value of ``key``, sorted by
    name — or by the key itself (``by_key``: months in time order)."""
    groups: dict = {}
    for invitation in invitations:
        groups.setdefault(key(invitation), []).append(invitation)
    rows = sorted(((value, str(name(value)), figures(rows)) for value, rows in groups.items()),
                  key=lambda row: row[0] if by_key else row[1])
    return [(label, figures_of) for _value, label, figures_of in rows]


def month_label(month: str) -> str:
    """« septembre 2026 » for the key ``2026-09``, in the reader's language."""
    return format_date(date.fromisoformat(f"{month}-01"), "LLLL y")


def month_key(invitation) -> str:
    return rules.month_of(invitation.sent_at.astimezone(LOCAL_TIMEZONE).date()
                          if invitation.sent_at.tzinfo else invitation.sent_at.date())


def question_results(scope: Surveyed) -> list[tuple[str, object, dict, dict]]:
    """Per type with extra questions and per question: (type label, spec,
    result of rules.question_result, choice value → label), over the answers given."""
    settings = {s.request_type_id: s for s in db.session.scalars(select(SurveySetting))}
    answered: dict = {}
    for invitation in scope.invitations:
        if invitation.completed_at is not None:
            answered.setdefault(invitation.request_type_id, []).append(invitation.answers or {})
    found = []
    for tid, answers in answered.items():
        setting = settings.get(tid)
        for spec in (spec_from_dict(item) for item in (setting.fields if setting else None) or ()):
            result = rules.question_result(spec.type, spec.choices, [a.get(spec.name) for a in answers])
            found.append((scope.types[tid].shown_label if tid in scope.types else "—", spec, result,
                          dict(spec.choices)))
    return sorted(found, key=lambda row: row[0])
