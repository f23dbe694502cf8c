"""Satisfaction surveys (issue 18): the dashboards with the perceived-quality
figures and recording an answer, on years of history.

    python -m bench.surveys_bench [--requests 1000000] [--answers 300000] [--database-url URL] [--reuse]
    python -m bench.surveys_bench --reduced      # 100,000 requests, 30,000 answers: a shared machine's size

Loads the bench commune (bench.seed) unless ``--reuse`` finds it, adds in
bulk one closing survey per closed request, sent the day after closure, up
to ``--answers / 0.6`` surveys of which six in ten answered (scores, « résolu »
and a comment drawn deterministically), and times as the dashboards bench
does: N renderings of the operational and strategic dashboards (this month,
last 12 months) by the DGS, each with its SQL floor (the statements replayed
on a raw cursor). Then N answers through the e-mail's one-click link, each on
a survey not yet answered (``GET /c/<commune>/enquetes/r/<token>/<score>``:
the score, the request's history, the page).

Targets: dashboards ≤ 300 ms median server time, an answer ≤ 15 ms.
Never run as a test: the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta

from . import seed as seeding
from .dashboards_bench import PERIODS, record_statements, replay, steady_state
from .requests_bench import Figure, database_has, sign_in, timed, url_for_scale

TARGETS_MS = {"dashboard": 300, "answer": 15}
ANSWERED_SHARE = 0.6
CHUNK = 20_000
COMMENTS = ("Très bien, merci.", "Un peu long.", "Rien n'a été fait.", "")


def add_surveys(app, answers: int, log) -> int:
    """One survey per closed request (the most recent first) up to answers / 0.6; how many were written."""
    from sqlalchemy import func, insert, select

    from grc_core.extensions import db
    from grc_core.models import Request
    from grc_core.tenancy import unscoped
    from plugins.enquetes import day_counts
    from plugins.enquetes.models import SurveyInvitation

    with app.app_context(), unscoped():
        existing = db.session.scalar(select(func.count()).select_from(SurveyInvitation))
        if existing:
            log(f"  surveys already loaded: {existing:,}")
            return existing
        started = time.perf_counter()
        wanted = int(answers / ANSWERED_SHARE)
        closed = db.session.execute(
            select(Request.id, Request.commune_id, Request.citizen_id, Request.request_type_id, Request.service_id,
                   Request.closed_at).where(Request.closed_at.is_not(None))
            .order_by(Request.closed_at.desc()).limit(wanted)).all()
        rows = []
        for number, (request_id, commune_id, citizen_id, type_id, service_id, closed_at) in enumerate(closed):
            sent = closed_at + timedelta(days=1)
            answered = number % 10 < 6
            score = (5, 4, 4, 3, 5, 2, 4, 1, 5, 3)[request_id % 10] if answered else None
            rows.append({
                "commune_id": commune_id, "request_id": request_id, "citizen_id": citizen_id,
                "request_type_id": type_id, "service_id": service_id, "closed_at": closed_at, "due_at": sent,
                "status": "answered" if answered else "sent", "reason": "", "site_url": "http://bench/",
                "sent_at": sent, "expires_at": sent + timedelta(days=3650), "answered_at": sent if answered else None,
                "score": score, "resolved": ("yes", "yes", "partly", "no", "")[request_id % 5] if answered else "",
                "comment": COMMENTS[request_id % 4] if answered else "", "completed_at": None,
                "bad_action_done": "", "created_at": sent})
        for start in range(0, len(rows), CHUNK):
            db.session.execute(insert(SurveyInvitation), rows[start:start + CHUNK])
        # Written outside the ORM: counted per day as `grc indicators rebuild` does.
        day_counts.count_all(db.session.connection())
        for table in ("enquetes_invitation", "enquetes_day_stat"):  # as bench/seed.py after its own loads
            db.session.connection().exec_driver_sql(f"ANALYZE {table}")
        db.session.commit()
        log(f"  surveys: {len(rows):,} ({sum(1 for r in rows if r['score']):,} answered) "
            f"in {time.perf_counter() - started:.1f} s")
        return len(rows)


def run_dashboards(app, repeat: int, log) -> list[Figure]:
    client = app.test_client()
    sign_in(client, seeding.BENCH_MANAGER, seeding.BENCH_PASSWORD)
    figures = []
    for code in ("operational", "strategic"):
        for period_label, query in PERIODS.items():
            url = f"/admin/dashboards/{code}/?{query}"
            html = client.get(url).get_data(as_text=True)
            assert 'data-widget="enquetes.satisfaction.' in html, "the survey figures are not on the dashboard"
            figure = Figure("dashboard", f"{code} — {period_label}")
            for _ in range(repeat):
                ms, response = timed(lambda: client.get(url))
                assert response.status_code == 200
                figure.samples_ms.append(ms)
            engine, statements = record_statements(app, lambda: client.get(url))
            figure.floor_ms = replay(engine, statements, max(5, repeat // 3))
            figure.note = f"{len(statements)} statements"
            log(f"  {figure.label}: {statistics.median(figure.samples_ms):.1f} ms "
                f"(SQL {statistics.median(figure.floor_ms):.1f} ms, {len(statements)} statements)")
            figures.append(figure)
    return figures


def run_figures_alone(app, repeat: int, log) -> list[Figure]:
    """The three survey figures' own cost on a dashboard (this period and the previous one, the hidden
    confidential types): what they add to the page, apart from the core's widgets."""
    from dataclasses import replace

    from flask import g
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.indicators.periods import period_of
    from grc_core.models import Commune
    from grc_core.plugin_api import IndicatorFilters, local_date, utcnow
    from grc_core.tenancy import use_commune
    from plugins.enquetes.indicators import INDICATORS

    out = []
    with app.test_request_context():
        commune = db.session.scalar(select(Commune).where(Commune.slug == seeding.BENCH_COMMUNE[2]))
        with use_commune(commune):
            for period_label, code in (("this month", "month"), ("last 12 months", "12m")):
                period = period_of(code, local_date(utcnow()))
                filters = IndicatorFilters(start=period.start, end=period.end, today=local_date(utcnow()),
                                           granularity=period.granularity)
                previous = period.previous()
                before = replace(filters, start=previous.start, end=previous.end)
                figure = Figure("dashboard", f"the 3 survey figures alone — {period_label}")

                def compute():
                    g.pop("enquetes_figures", None)
                    for indicator in INDICATORS:
                        indicator.compute(commune, filters)
                        indicator.compute(commune, before)

                for _ in range(repeat):
                    figure.samples_ms.append(timed(compute)[0])
                log(f"  {figure.label}: {figure.median:.1f} ms")
                out.append(figure)
    return out


def run_answers(app, repeat: int, log) -> Figure:
    """``repeat`` one-click answers, each on a survey sent and not answered yet."""
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import Commune
    from grc_core.tenancy import unscoped
    from plugins.enquetes import surveys
    from plugins.enquetes.models import SurveyInvitation

    with app.test_request_context(), unscoped():
        slug = db.session.scalar(select(Commune.slug).where(Commune.slug == seeding.BENCH_COMMUNE[2]))
        pending = db.session.scalars(select(SurveyInvitation).where(SurveyInvitation.status == "sent")
                                     .order_by(SurveyInvitation.id).limit(repeat + 1)).all()
        links = [f"/c/{slug}/enquetes/r/{surveys.token_for(i)}/{1 + i.id % 5}" for i in pending]
    if len(links) < repeat + 1:
        raise SystemExit("not enough surveys left to answer: load again without --reuse")
    client = app.test_client()
    client.get(links[0])  # warm-up (templates, the commune's plugins)
    figure = Figure("answer", "one-click answer (score, history, page)")
    for link in links[1:]:
        ms, response = timed(lambda: client.get(link))
        assert response.status_code == 200, response.status_code
        figure.samples_ms.append(ms)
    log(f"  {figure.label}: {figure.median:.1f} ms (p90 {figure.p90:.1f} ms, n={len(figure.samples_ms)})")
    return figure


def table(figures: list[Figure]) -> list[str]:
    lines = [f"{'page':<50} {'median':>8} {'p90':>8} {'target':>7} {'SQL':>7}  verdict"]
    for figure in figures:
        target = TARGETS_MS[figure.group]
        floor = "—" if figure.floor is None else f"{figure.floor:.1f}"
        verdict = "ok" if figure.median <= target else "MISSED"
        lines.append(f"{figure.group + ': ' + figure.label:<50} {figure.median:>8.1f} {figure.p90:>8.1f} "
                     f"{target:>7} {floor:>7}  {verdict}")
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=300_000)
    parser.add_argument("--reduced", action="store_true", help="100,000 requests, 30,000 answers, 50,000 citizens")
    parser.add_argument("--database-url", default="", help="default: an SQLite file in the temp folder")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded at this scale")
    args = parser.parse_args(argv)
    if args.reduced:
        args.requests, args.answers, args.citizens = 100_000, 30_000, 50_000
    url = url_for_scale(seeding.normalise_url(args.database_url or seeding.default_database_url()), args.requests,
                        False)
    log = lambda line: print(line, flush=True)  # noqa: E731
    backend = "PostgreSQL" if seeding.is_postgresql(url) else "SQLite"
    log(f"== {backend}, {args.citizens:,} citizens, {args.requests:,} requests, {args.answers:,} answers")
    if args.reuse and database_has(url, args.requests):
        log("  reusing the data already loaded")
        seeding.complete_schema(url, log)
    else:
        report = seeding.seed(url, args.citizens, args.requests, reset=True, log=log)
        for line in report.lines():
            log(line)
    app = seeding.bench_app(url)
    add_surveys(app, args.answers, log)
    if seeding.is_postgresql(url):
        steady_state(url)
    load_before = os.getloadavg()
    figures = (run_dashboards(app, args.repeat, log) + run_figures_alone(app, args.repeat, log)
               + [run_answers(app, args.repeat * 2, log)])
    print()
    print(f"{backend} — {args.requests:,} requests, {args.answers:,} answers (median and p90, ms; SQL = the same "
          f"statements on a raw DB-API cursor)")
    print(f"machine load average before: {[round(x, 2) for x in load_before]}, "
          f"after: {[round(x, 2) for x in os.getloadavg()]}")
    for line in table(figures):
        print(line)


if __name__ == "__main__":
    main()
