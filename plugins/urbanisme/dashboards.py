"""Indicators of the service urbanisme and their widgets (dashboard "urbanisme", and "operational").

Each compute function takes ``(commune, filters)`` and runs inside the
commune's context (tenancy scoping applies); ``filters.service_ids`` narrows
to the services the viewer may see, ``filters.start``..``filters.end`` is the
period (both included).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grc_core.plugin_api import IndicatorDecl, IndicatorResult, Request, RequestType, Series, Unit, WidgetDecl, db

from .models import Consultation, Dossier
from .request_types import BODIES, PROCEDURES
from .workflows import FAVOURABLE_DECISIONS

PERIODS = (7, 15, 30)
KIND_LABELS = (("new", _l("Deposited")), ("open", _l("Under instruction or decided")),
               ("waiting", _l("Waiting (pieces, consultations)")), ("closed", _l("Closed files")))
TACIT = ("accord_tacite", "refus_tacite", "rejet_pieces")


def _files(filters):
    query = select(Dossier, Request).join(Request, Request.id == Dossier.request_id)
    if filters.service_ids is not None:
        query = query.where(Request.service_id.in_(filters.service_ids))
    return query


def _list_url(days) -> str:
    try:
        return url_for("urbanisme.index", days=days)
    except RuntimeError:  # no request context (tests, CLI)
        return f"/admin/urbanisme/?days={days}"


def _procedures():
    return tuple((p.procedure.value, p.label) for p in PROCEDURES)


def files_by_procedure_and_status(commune, filters) -> IndicatorResult:
    """Files deposited in the period, per procedure (categories) and kind of state (series)."""
    rows = db.session.execute(_files(filters).where(
        Dossier.deposit_date >= filters.start, Dossier.deposit_date <= filters.end)).all()
    counts = Counter((d.procedure, r.state_kind) for d, r in rows)
    categories = _procedures()
    series = tuple(Series(kind, str(label), tuple(float(counts[(code, kind)]) for code, _ in categories))
                   for kind, label in KIND_LABELS)
    # The queue filters on the commune's request type id.
    type_ids = dict(db.session.execute(select(RequestType.code, RequestType.id).where(
        RequestType.plugin == "urbanisme")).all())
    drilldown = {p.procedure.value: {"type": type_ids[p.code]} for p in PROCEDURES if p.code in type_ids}
    return IndicatorResult(value=float(len(rows)), categories=categories, series=series, drilldown=drilldown,
                           note=str(_l("Files deposited in the period, by procedure and state.")))


def deadlines_ahead(commune, filters) -> IndicatorResult:
    """Running files whose last day to notify falls in the next 7 / 15 / 30 days (cumulative), from today."""
    rows = db.session.execute(_files(filters).where(
        Dossier.legal_deadline.is_not(None), Dossier.notified_on.is_(None), Dossier.tacit_applied_on.is_(None),
        Request.state_kind != "closed", Dossier.legal_deadline >= filters.today,
        Dossier.legal_deadline <= filters.today + timedelta(days=max(PERIODS)))).all()
    left = [(d.legal_deadline - filters.today).days for d, _r in rows]
    values = tuple(float(sum(1 for n in left if n <= days)) for days in PERIODS)
    categories = tuple((str(days), str(_l("Next %(n)d days", n=days))) for days in PERIODS)
    return IndicatorResult(
        value=values[0], categories=categories, series=(Series("files", str(_l("Planning files")), values),),
        # "" is the headline number's link: the files due within 7 days.
        drilldown={"": _list_url(PERIODS[0])} | {str(days): _list_url(days) for days in PERIODS},
        note=str(_l("Headline: files whose legal deadline is within 7 days; a tacit decision is born the "
                    "day after.")))


def tacit_decisions_per_year(commune, filters) -> IndicatorResult:
    """Tacit decisions recorded in the period, per year, favourable vs unfavourable (should be zero)."""
    rows = db.session.execute(_files(filters).where(
        Dossier.tacit_applied_on >= filters.start, Dossier.tacit_applied_on <= filters.end)).all()
    years = list(range(filters.start.year, filters.end.year + 1))
    favourable = Counter(d.tacit_applied_on.year for d, _r in rows if d.decision in FAVOURABLE_DECISIONS)
    unfavourable = Counter(d.tacit_applied_on.year for d, _r in rows if d.decision not in FAVOURABLE_DECISIONS)
    return IndicatorResult(
        value=float(len(rows)), categories=tuple((str(y), str(y)) for y in years),
        series=(Series("favourable", str(_l("Tacit approval or non-opposition")),
                       tuple(float(favourable[y]) for y in years)),
                Series("unfavourable", str(_l("Tacit refusal, rejection or opposition")),
                       tuple(float(unfavourable[y]) for y in years))),
        note=str(_l("Should be zero: every tacit decision is a file whose deadline passed unanswered.")))


def instruction_time(commune, filters) -> IndicatorResult:
    """For decisions notified in the period: mean days from the start of the delay to notification,
    against the mean legal delay in days, per procedure. Headline: mean instruction days."""
    rows = db.session.execute(_files(filters).where(
        Dossier.notified_on >= filters.start, Dossier.notified_on <= filters.end,
        Dossier.legal_deadline.is_not(None))).all()
    spent, legal = defaultdict(list), defaultdict(list)
    for dossier, _request in rows:
        start = dossier.completion_date or dossier.deposit_date
        spent[dossier.procedure].append((dossier.notified_on - start).days)
        legal[dossier.procedure].append((dossier.legal_deadline - start).days)
    categories = tuple((code, label) for code, label in _procedures() if code in spent)

    def mean(values):
        return round(sum(values) / len(values), 1) if values else None

    every = [n for values in spent.values() for n in values]
    return IndicatorResult(
        value=mean(every), categories=categories,
        series=(Series("spent", str(_l("Instruction time (days)")), tuple(mean(spent[c]) for c, _ in categories)),
                Series("legal", str(_l("Legal delay (days)")), tuple(mean(legal[c]) for c, _ in categories))),
        note=str(_l("From the complete file to the notification of the decision, against the legal delay.")))


def incomplete_rate(commune, filters) -> IndicatorResult:
    """Share (%) of the files deposited in the period that received a request for missing pieces."""
    rows = db.session.execute(_files(filters).where(
        Dossier.deposit_date >= filters.start, Dossier.deposit_date <= filters.end)).all()
    if not rows:
        return IndicatorResult(value=None, note=str(_l("No file deposited in the period.")))
    incomplete = sum(1 for d, _r in rows if d.pieces_request_count)
    return IndicatorResult(value=round(100.0 * incomplete / len(rows), 1),
                           note=str(_l("Files with a request for pieces / files deposited in the period.")))


def consultations_pending(commune, filters) -> IndicatorResult:
    """Consultations sent and not answered yet, for files not closed; per body."""
    query = (select(Consultation.body).join(Dossier, Dossier.id == Consultation.dossier_id)
             .join(Request, Request.id == Dossier.request_id)
             .where(Consultation.sent_on.is_not(None), Consultation.answered_on.is_(None),
                    Request.state_kind != "closed"))
    if filters.service_ids is not None:
        query = query.where(Request.service_id.in_(filters.service_ids))
    counts = Counter(db.session.scalars(query))
    categories = tuple((code, label) for code, label in BODIES if counts[code])
    return IndicatorResult(value=float(sum(counts.values())), categories=categories,
                           series=(Series("pending", str(_l("Awaiting an answer")),
                                          tuple(float(counts[c]) for c, _ in categories)),))


def indicators() -> list[IndicatorDecl]:
    return [
        IndicatorDecl("urbanisme.files", _l("Planning files by procedure and status"), Unit(_l("file"), _l("files")),
                      files_by_procedure_and_status, dimensions=("procedure", "state"),
                      description=_l("Files deposited in the period, by procedure and state.")),
        IndicatorDecl("urbanisme.deadlines", _l("Legal deadlines in the next 7 / 15 / 30 days"),
                      Unit(_l("file"), _l("files")), deadlines_ahead, dimensions=("period", "now"),
                      description=_l("Running files whose last day to notify a decision is near.")),
        IndicatorDecl("urbanisme.tacit", _l("Tacit decisions per year"), Unit(_l("decision"), _l("decisions")),
                      tacit_decisions_per_year, dimensions=("year",),
                      description=_l("Should be zero: a tacit decision means a deadline passed unanswered.")),
        IndicatorDecl("urbanisme.instruction_time", _l("Instruction time against the legal delay"),
                      Unit(_l("day"), _l("days")), instruction_time, dimensions=("procedure",),
                      description=_l("Mean days from the complete file to the notified decision."), better="lower"),
        IndicatorDecl("urbanisme.incomplete_rate", _l("Incomplete-file rate"), "%", incomplete_rate,
                      description=_l("Files that received a request for missing pieces."), better="lower"),
        IndicatorDecl("urbanisme.consultations_pending", _l("Consultations awaiting an answer"),
                      Unit(_l("consultation"), _l("consultations")), consultations_pending,
                      dimensions=("body", "now"),
                      description=_l("Consultations sent whose answer has not come back.")),
    ]


def widgets() -> list[WidgetDecl]:
    return [
        WidgetDecl("urbanisme.deadlines_top", _l("Planning files: legal deadline within 7 days"),
                   "urbanisme.deadlines", "number", dashboard="urbanisme", order=1),
        WidgetDecl("urbanisme.deadlines_table", _l("Legal deadlines in the next 7 / 15 / 30 days"),
                   "urbanisme.deadlines", "bar", dashboard="urbanisme", order=2),
        WidgetDecl("urbanisme.deadlines_operational", _l("Planning files: legal deadline within 7 days"),
                   "urbanisme.deadlines", "number", dashboard="operational", order=5),
        WidgetDecl("urbanisme.files", _l("Planning files by procedure and status"), "urbanisme.files",
                   "stacked", dashboard="urbanisme", order=10),
        WidgetDecl("urbanisme.tacit", _l("Tacit decisions per year (should be zero)"), "urbanisme.tacit",
                   "bar", dashboard="urbanisme", order=20),
        WidgetDecl("urbanisme.instruction_time", _l("Instruction time against the legal delay"),
                   "urbanisme.instruction_time", "bar", dashboard="urbanisme", order=30),
        WidgetDecl("urbanisme.incomplete_rate", _l("Incomplete-file rate"), "urbanisme.incomplete_rate",
                   "number", dashboard="urbanisme", order=40),
        WidgetDecl("urbanisme.consultations_pending", _l("Consultations awaiting an answer"),
                   "urbanisme.consultations_pending", "table", dashboard="urbanisme", order=50),
    ]
