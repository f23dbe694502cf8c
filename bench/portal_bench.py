"""Speed of the citizens' portal, with the SQL floor beside each figure.

    python -m bench.portal_bench [--requests 1000000 --citizens 200000] [--database-url postgresql://...] [--reuse]

Loads the bench commune in bulk (bench.seed) unless ``--reuse`` finds it,
opens its common démarches online (as the demo does), gives one citizen 50
requests and a verified portal account, signs that citizen in through the
portal's sign-in form and times, with ``time.perf_counter`` around the
in-process WSGI call (server time, no network):

- the catalogue of démarches and a démarche's page;
- "Mes démarches" of the citizen with 50 requests;
- filing a démarche online (validation, routing, history, acknowledgement in
  the outbox, the per-address and per-account limits).

The SQL floor: the statements a page sent are recorded and replayed on a raw
DB-API cursor (bench.dashboards_bench). A filing's statements are replayed
in a transaction rolled back each time, once the filed request's reference
is moved out of the way (each replay inserts it again).

The issue's scale is 200,000 citizens and 1,000,000 requests; ``--requests``
and ``--citizens`` run it smaller. Never run as a test (no timing in tests):
the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import func, select, text, update

from . import seed as seeding
from .dashboards_bench import record_statements, steady_state
from .requests_bench import Figure, csrf_from, database_has, git_commit, timed

TARGETS_MS = {"catalogue": 20, "démarche": 20, "mes démarches": 30, "filing": 25}
PORTAL_PASSWORD = "bench-portail-2026"
PORTAL_EMAIL = "usager.bench@example.org"
MY_REQUESTS = 50


def replay_rolled_back(engine, statements, repeat: int) -> list[float]:
    """The statements on a raw DB-API cursor, each repetition rolled back (writes leave nothing)."""
    import time

    samples = []
    raw = engine.raw_connection()
    try:
        for _ in range(repeat):
            cursor = raw.cursor()
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
            cursor.close()
            raw.rollback()
    finally:
        raw.close()
    return samples


def open_the_portal(app, log) -> dict:
    """Open the commune's démarches online and give one citizen 50 requests
    and a verified account; what the timings need."""
    from werkzeug.security import generate_password_hash

    from grc_core.extensions import db
    from grc_core.models import Citizen, CitizenAccount, Commune, Request, RequestType
    from grc_core.plugin_api.testing import in_commune
    from grc_core.portal.catalogue import open_types
    from grc_core.portal.demo import open_online
    from grc_core.requests.confidentiality import confidential_types

    with app.app_context():
        commune_id = db.session.scalar(select(Commune.id).where(Commune.insee_code == seeding.BENCH_COMMUNE[1]))
    with in_commune(app, commune_id):
        commune = db.session.get(Commune, commune_id)
        open_online(commune)
        db.session.commit()
        secret = confidential_types(commune)
        shown = select(RequestType.id).where(RequestType.code.not_in(list(secret)))
        # The citizen with the most requests up to 50 (a few citizens of the bench have hundreds).
        counts = select(Request.citizen_id, func.count().label("n")).where(Request.request_type_id.in_(shown)) \
            .group_by(Request.citizen_id).having(func.count() <= MY_REQUESTS).subquery()
        citizen = db.session.scalar(select(Citizen).join(counts, counts.c.citizen_id == Citizen.id)
                                    .where(Citizen.merged_into_id.is_(None)).order_by(counts.c.n.desc(), Citizen.id))
        has = db.session.scalar(select(func.count()).select_from(Request).where(
            Request.citizen_id == citizen.id, Request.request_type_id.in_(shown)))
        if has < MY_REQUESTS:
            others = select(Request.id).where(Request.citizen_id != citizen.id, Request.request_type_id.in_(shown)) \
                .order_by(Request.id.desc()).limit(MY_REQUESTS - has).scalar_subquery()
            db.session.execute(update(Request).where(Request.id.in_(others)).values(citizen_id=citizen.id),
                               execution_options={"synchronize_session": False})
        account = db.session.scalar(select(CitizenAccount).where(CitizenAccount.email == PORTAL_EMAIL))
        if account is None:
            account = CitizenAccount(email=PORTAL_EMAIL, first_name=citizen.first_name, last_name=citizen.last_name,
                                     birth_date=citizen.birth_date or date(1980, 1, 1),
                                     email_verified_at=datetime.now(timezone.utc),
                                     password_hash=generate_password_hash(PORTAL_PASSWORD, method="scrypt"))
            db.session.add(account)
        account.citizen_id = citizen.id
        db.session.commit()
        types = open_types(commune)
        # The démarche filed: the commune's own type with the most fields (the longest form to check).
        from grc_core.forms.specs import fields_of

        filed = max((t for t in types if not t.plugin), key=lambda t: len(fields_of(t)))
        fields = fields_of(filed)
        mine = db.session.scalar(select(func.count()).select_from(Request).where(Request.citizen_id == citizen.id,
                                                                                 Request.request_type_id.in_(shown)))
        log(f"  portal: {len(types)} démarches online; the citizen has {mine} requests; "
            f"filed: {filed.code} ({len(fields)} fields)")
        return {"slug": commune.slug, "type": filed.code, "fields": fields, "commune_id": commune_id}


def sample(spec) -> str:
    """A valid value for a FieldSpec, as a citizen would type it."""
    if spec.type == "date":
        return date.today().isoformat()
    if spec.type in ("choice", "multichoice"):
        return str(spec.choices[0][0])
    if spec.type in ("integer", "decimal"):
        return str(int(spec.min or 1))
    if spec.type == "boolean":
        return "y"
    if spec.type == "email":
        return "usager@example.org"
    if spec.type == "phone":
        return "0601020304"
    if spec.type == "file":
        return ""
    return f"Précision : {spec.label}"


def sign_in(client, base: str) -> None:
    page = client.get(f"{base}/account/sign-in").get_data(as_text=True)
    response = client.post(f"{base}/account/sign-in", data={
        "csrf_token": csrf_from(page), "email": PORTAL_EMAIL, "password": PORTAL_PASSWORD, "next": ""})
    if response.status_code != 302:
        raise RuntimeError(f"portal sign-in failed ({response.status_code})")


def run_portal(app, portal: dict, repeat: int, log) -> list[Figure]:
    from grc_core.extensions import db

    base = f"/c/{portal['slug']}/portal"
    client = app.test_client()
    sign_in(client, base)
    figures = []
    pages = [("catalogue", "catalogue of démarches", f"{base}/"),
             ("démarche", f"page of « {portal['type']} »", f"{base}/procedures/{portal['type']}"),
             ("mes démarches", f"« Mes démarches », {MY_REQUESTS} requests", f"{base}/my-requests/")]
    for group, label, url in pages:
        figure = Figure(group, label)
        assert client.get(url).status_code == 200, url
        for _ in range(repeat):
            ms, response = timed(lambda: client.get(url))
            assert response.status_code == 200
            figure.samples_ms.append(ms)
        engine, statements = record_statements(app, lambda: client.get(url))
        figure.floor_ms = replay_rolled_back(engine, statements, max(5, repeat // 3))
        figure.note = f"{len(statements)} statements"
        figures.append(_logged(figure, log))
    form_url = f"{base}/procedures/{portal['type']}/file"
    csrf = csrf_from(client.get(form_url).get_data(as_text=True))
    data = {"csrf_token": csrf, **{f"f_{spec.name}": sample(spec) for spec in portal["fields"]
                                   if spec.type != "file"}}

    def file():
        response = client.post(form_url, data=data, content_type="multipart/form-data")
        if response.status_code != 302:
            raise RuntimeError(f"filing refused ({response.status_code}): {response.get_data(as_text=True)[:300]}")
        return response

    figure = Figure("filing", f"filing « {portal['type']} » online")
    for _ in range(repeat):
        ms, _response = timed(file)
        figure.samples_ms.append(ms)
    last = {}
    engine, statements = record_statements(app, lambda: last.update(response=file()))
    filed_id = int(last["response"].headers["Location"].rstrip("/").split("/")[-2])
    with app.app_context():
        # The replays insert this request again: its reference is moved out of their way.
        db.session.execute(text("UPDATE request SET reference = reference || '-b' WHERE id = :id"), {"id": filed_id})
        db.session.commit()
    figure.floor_ms = replay_rolled_back(engine, statements, max(5, repeat // 3))
    figure.note = f"{len(statements)} statements"
    figures.append(_logged(figure, log))
    return figures


def _logged(figure: Figure, log) -> Figure:
    log(f"  {figure.label}: {figure.median:.1f} ms (SQL {figure.floor:.1f} ms, {figure.note})")
    return figure


def table(figures: list[Figure]) -> list[str]:
    lines = [f"{'page':<50} {'median':>8} {'p90':>8} {'target':>7} {'SQL':>7}  verdict"]
    for figure in figures:
        target = TARGETS_MS[figure.group]
        verdict = "ok" if figure.median <= target else "MISSED"
        lines.append(f"{figure.label:<50} {figure.median:>8.1f} {figure.p90:>8.1f} {target:>7} "
                     f"{figure.floor:>7.1f}  {verdict}   ({figure.note})")
    return lines


def run_scale(url: str, citizens: int, requests: int, repeat: int, reuse: bool, log) -> dict:
    backend = "PostgreSQL" if seeding.is_postgresql(url) else "SQLite"
    log(f"== {backend}, {citizens:,} citizens, {requests:,} requests")
    if reuse and database_has(url, requests):
        log("  reusing the data already loaded")
        seeding.complete_schema(url, log)
    else:
        report = seeding.seed(url, citizens, requests, reset=True, log=log)
        for line in report.lines():
            log(line)
    app = seeding.bench_app(url)
    # The bench files from one account and one address: no limit stops it (their checks are still timed).
    app.config["GRC"].update({"PORTAL_FILING_LIMIT_PER_ADDRESS": "", "LOGIN_MAX_FAILURES": 10 ** 9,
                              "LOGIN_MAX_FAILURES_PER_IP": 10 ** 9})
    portal = open_the_portal(app, log)
    if seeding.is_postgresql(url):
        steady_state(url)
    random.seed(7)
    load_before = os.getloadavg()
    figures = run_portal(app, portal, repeat, log)
    with app.app_context():
        from grc_core.extensions import db
        db.engine.dispose()
    return {"backend": backend, "citizens": citizens, "requests": requests, "repeat": repeat,
            "figures": [f.as_dict() for f in figures], "table": table(figures),
            "load_average": {"before": [round(x, 2) for x in load_before],
                             "after": [round(x, 2) for x in os.getloadavg()]}}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=1_000_000, help="the issue's scale by default")
    parser.add_argument("--database-url", default="", help="default: an SQLite file in the temp folder")
    parser.add_argument("--repeat", type=int, default=30, help="timed repetitions of each page")
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded at this scale")
    parser.add_argument("--json", default="", help="also write the results to this file")
    args = parser.parse_args(argv)
    url = seeding.normalise_url(args.database_url or seeding.default_database_url())
    log = lambda line: print(line, flush=True)  # noqa: E731
    results = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": f"{platform.node()} — {os.cpu_count()} CPU, Python {platform.python_version()}",
               "commit": git_commit(),
               "runs": [run_scale(url, args.citizens, args.requests, args.repeat, args.reuse, log)]}
    for run in results["runs"]:
        print()
        print(f"{run['backend']} — {run['citizens']:,} citizens, {run['requests']:,} requests: the portal "
              f"(median and p90 of {run['repeat']} runs, ms; SQL = the same statements on a raw DB-API cursor)")
        print(f"machine load average before: {run['load_average']['before']}, after: {run['load_average']['after']}")
        for line in run["table"]:
            print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return results


if __name__ == "__main__":
    main()
