"""Speed of the agents' pages on years of data, with the SQL floor beside each figure.

    python -m bench.requests_bench --requests 100000 --citizens 200000 [--database-url postgresql://...]
    python -m bench.requests_bench --both-scales            # 100,000 then 1,000,000 requests
    python -m bench.requests_bench --reuse ...              # keep the data of a previous run

Loads the commune in bulk (bench.seed) unless ``--reuse`` finds it there,
builds the app on that database with every plugin, signs in a manager
through the login form (real password check, real CSRF) and times, with
``time.perf_counter`` around the in-process WSGI call (server time, no
network), N repetitions of:

- the queue page (50 rows and its count) under several filters;
- the page of random requests;
- the citizen search (``search.json``): a name with a typo, an e-mail, a
  phone typed another way, a request reference;
- filing a request through the quick-intake form (validation, routing,
  history, outbox), checked in the database.

Beside the queue and the intake it prints the SQL floor: the same queue
statement (``grc_core.requests.queue``) compiled once and run on a raw
DB-API cursor, and a raw INSERT of request + history event + outbox row
(with the reference counter upsert); the ratio is the framework overhead.
Last, the resident memory of a fresh worker process that created the app
with all plugins loaded and served a few pages.

Never run as a test: the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from . import seed as seeding
from .html_forms import IntakeCase, csrf_from, form_fields, intake_payload  # noqa: F401 (used by other benches)

TARGETS_MS = {"queue": 100, "request": 30, "search": 50, "intake": 15, "dashboard": 300}
RSS_TARGET_MB = 150


# --- timing -------------------------------------------------------------------------

@dataclass
class Figure:
    """One line of the table: a page, its server time and, when there is one, its SQL floor."""

    group: str
    label: str
    samples_ms: list[float] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None

    @property
    def p90(self) -> float | None:
        if not self.samples_ms:
            return None
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]

    @property
    def floor(self) -> float | None:
        return statistics.median(self.floor_ms) if self.floor_ms else None

    def as_dict(self) -> dict:
        return {"group": self.group, "label": self.label, "median_ms": self.median, "p90_ms": self.p90,
                "sql_floor_ms": self.floor, "n": len(self.samples_ms), "note": self.note}


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


# --- the browser side: signing in, finding the pages ------------------------------------

def sign_in(client, email: str, password: str) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in of {email} failed ({response.status_code})")
    step = response.headers["Location"]
    if step.endswith(("/login/enrol", "/login/code")):
        _second_step(client, email, step)


def _second_step(client, email: str, url: str) -> None:
    """Roles with sensitive data sign in with a code too (two-factor): the
    code their phone would show, enrolling on the first sign-in."""
    from grc_core.plugin_api.sign_in_codes import totp_code  # not .testing: no pytest in a measured process

    html = client.get(url).get_data(as_text=True)
    enrolling = url.endswith("/login/enrol")
    secret = re.search(r'id="totp-secret"[^>]*>([^<]+)<', html).group(1).replace(" ", "") if enrolling else None
    with totp_code(client.application, None if enrolling else email, secret=secret) as code:
        response = client.post(url, data={"code": code, "csrf_token": csrf_from(html)})
    # Enrolling ends on the page of recovery codes (200), the session open.
    enrolled = enrolling and response.status_code == 200 and "recovery-codes" in response.get_data(as_text=True)
    if response.status_code != 302 and not enrolled:
        raise RuntimeError(f"second step of {email}'s sign-in failed ({response.status_code})")


@dataclass
class Pages:
    """The URLs of the pages under test, found in the app's url_map (None: not there yet)."""

    queue: str | None
    request: str | None          # with "{id}"
    search: str | None
    intake: str | None

    def missing(self) -> list[str]:
        return [name for name, url in asdict(self).items() if url is None]


def _rules(app):
    return [(rule.endpoint, rule.rule, rule) for rule in app.url_map.iter_rules() if "GET" in rule.methods]


def find_pages(app) -> Pages:
    """Locate the pages by their endpoints' names: the views are Flask-Admin
    views of the core (``grc_core/admin/requests_admin.py`` and
    ``citizens_admin.py``)."""
    rules = _rules(app)

    def first(predicate):
        for endpoint, path, rule in sorted(rules, key=lambda item: len(item[1])):
            if predicate(endpoint.lower(), path, rule):
                return path
        return None

    queue = first(lambda e, p, r: "request" in e and ("queue" in e or e.endswith(".index") or "queue" in p)
                  and not r.arguments and "intake" not in p and "export" not in p)
    request = first(lambda e, p, r: "request" in e and len(r.arguments) == 1
                    and any(a in r.arguments for a in ("request_id", "id", "pk"))
                    and not any(word in e or word in p for word in ("attachment", "transition", "message",
                                                                    "export", "bulk", "assign", "edit")))
    if request:
        request = re.sub(r"<(?:\w+:)?\w+>", "{id}", request)
    search = first(lambda e, p, r: "citizen" in e and "search" in p and p.endswith(".json"))
    intake = first(lambda e, p, r: "intake" in p and not r.arguments and "search" not in p)
    return Pages(queue=queue, request=request, search=search, intake=intake)


def request_url_from_queue(html: str, reference_to_id: dict[str, int]) -> str | None:
    """When the request page takes its id in the query string (Flask-Admin
    ``details_view?id=``), read the link the queue shows for a reference."""
    for match in re.finditer(r'href="([^"]+)"[^>]*>\s*(\d{4}-\d{5,7})\s*<', html):
        href, reference = unescape(match.group(1)), match.group(2)
        request_id = reference_to_id.get(reference)
        if request_id is not None and str(request_id) in href:
            return href.replace(str(request_id), "{id}", 1)
    return None


# --- the quick-intake form ----------------------------------------------------------------

# --- the SQL floor ------------------------------------------------------------------------

def compile_for_cursor(statement, dialect):
    """SQL text and DB-API parameters of a statement, bind processors applied
    (what SQLAlchemy would send), so that the cursor runs exactly that."""
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    processors = compiled._bind_processors
    processed = {key: processors[key](value) if key in processors else value for key, value in params.items()}
    if compiled.positional:
        return compiled.string, tuple(processed[key] for key in compiled.positiontup)
    return compiled.string, processed


def raw_queue_floor(app, commune_id: int, user_id: int, filters_args: dict, repeat: int) -> list[float]:
    """The queue statement (50 rows + its capped count) run on a raw DB-API cursor."""
    from grc_core.extensions import db
    from grc_core.models import Membership, Request, User
    from grc_core.requests.queue import (
        QueueFilters, capped_count_select, count_cap, is_free_text, page_select, queue_select,
    )
    from grc_core.tenancy import use_commune

    with app.app_context(), use_commune(commune_id):
        user = db.session.get(User, user_id)
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user_id))
        filters = QueueFilters.from_args(filters_args)
        base = queue_select(filters, user=user, membership=membership).where(Request.commune_id == commune_id)
        page = page_select(base, ids_first=is_free_text(filters))
        total = capped_count_select(base, count_cap(filters))  # the page's own count, capped as it is
        dialect = db.engine.dialect
        queries = [compile_for_cursor(page, dialect), compile_for_cursor(total, dialect)]
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                for sql, params in queries:
                    cursor.execute(sql, params)
                    cursor.fetchall()
                samples.append((time.perf_counter() - started) * 1000)
                raw.rollback()
        finally:
            raw.close()
    return samples


def raw_insert_floor(app, commune_id: int, type_info: dict, user_id: int, citizen_ids: list[int],
                     repeat: int, rng: random.Random) -> list[float]:
    """Reference upsert + INSERT request, history event and outbox row, then COMMIT, on a raw cursor.
    The rows are real (tagged ``bench-floor``) and stay, like the intake's."""
    from sqlalchemy.dialects import postgresql, sqlite

    from grc_core.extensions import db
    from grc_core.models import OutboxMessage, ReferenceCounter, Request, RequestEvent

    with app.app_context():
        dialect = db.engine.dialect
        insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
        counter = ReferenceCounter.__table__
        now = datetime.now(timezone.utc)
        raw = db.engine.raw_connection()
        samples = []
        try:
            cursor = raw.cursor()
            for _ in range(repeat):
                citizen_id = rng.choice(citizen_ids)
                started = time.perf_counter()
                upsert = (insert(counter).values(commune_id=commune_id, year=now.year, value=1)
                          .on_conflict_do_update(index_elements=[counter.c.commune_id, counter.c.year],
                                                 set_={"value": counter.c.value + 1})
                          .returning(counter.c.value))
                cursor.execute(*compile_for_cursor(upsert, dialect))
                number = cursor.fetchone()[0]
                request_insert = Request.__table__.insert().values(
                    commune_id=commune_id, reference=f"{now.year}-{number:05d}", request_type_id=type_info["id"],
                    citizen_id=citizen_id, channel="guichet", priority="normale",
                    service_id=type_info["service_id"], assignee_id=None, data={"nature": "nid_de_poule"},
                    subject="Nid-de-poule (bench-floor)", location="", quartier="", workflow_id=type_info["workflow_id"],
                    state=type_info["initial"], state_kind="new", state_entered_at=now, received_at=now,
                    due_at=None, reopened_count=0, version=1,
                ).returning(Request.__table__.c.id)
                cursor.execute(*compile_for_cursor(request_insert, dialect))
                request_id = cursor.fetchone()[0]
                cursor.execute(*compile_for_cursor(RequestEvent.__table__.insert().values(
                    commune_id=commune_id, request_id=request_id, at=now, actor_id=user_id, kind="created",
                    to_state=type_info["initial"], details={"channel": "guichet"}), dialect))
                cursor.execute(*compile_for_cursor(OutboxMessage.__table__.insert().values(
                    commune_id=commune_id, created_at=now, recipient="bench@example.org", subject="Votre demande",
                    body="Bonjour", request_id=request_id, status="pending", attempts=0, next_attempt_at=now,
                    last_error="", channel="email", provider_ref=""), dialect))
                raw.commit()
                samples.append((time.perf_counter() - started) * 1000)
        finally:
            raw.close()
    return samples


# --- the run ------------------------------------------------------------------------------

@dataclass
class Context:
    commune_id: int
    manager_id: int
    accueil_email: str
    service_ids: dict[str, int]
    agent_ids: list[int]
    request_ids: list[int]
    references: dict[str, int]
    citizen_samples: list[tuple[int, str, str, str, str]]   # id, first, last, email, phone
    intake_type: dict
    total_requests: int


def load_context(app, rng: random.Random) -> Context:
    from grc_core.extensions import db
    from grc_core.models import Citizen, Commune, Membership, Request, RequestType, Service, User
    from grc_core.tenancy import use_commune

    with app.app_context():
        commune = db.session.scalar(select(Commune).where(Commune.insee_code == seeding.BENCH_COMMUNE[1]))
        with use_commune(commune):
            manager = db.session.scalar(select(User).where(User.email == seeding.BENCH_MANAGER))
            services = {s.code: s.id for s in db.session.scalars(select(Service))}
            agents = list(db.session.scalars(select(Membership.user_id).where(Membership.role == "agent")))
            low, high = db.session.execute(select(func.min(Request.id), func.max(Request.id))).one()
            total = db.session.scalar(select(func.count(Request.id)))
            ids = [rng.randint(low, high) for _ in range(200)]
            references = dict(db.session.execute(select(Request.reference, Request.id).where(Request.id.in_(ids))).all())
            citizen_low, citizen_high = db.session.execute(select(func.min(Citizen.id), func.max(Citizen.id))).one()
            picks = [rng.randint(citizen_low, citizen_high) for _ in range(400)]
            citizens = list(db.session.execute(
                select(Citizen.id, Citizen.first_name, Citizen.last_name, Citizen.email, Citizen.phone)
                .where(Citizen.id.in_(picks))).all())
            voirie = db.session.scalar(select(RequestType).where(RequestType.code == "signalement_voirie"))
            initial = voirie.workflow.definition["states"][0]["code"]
            return Context(
                commune_id=commune.id, manager_id=manager.id, accueil_email=seeding.BENCH_ACCUEIL,
                service_ids=services, agent_ids=agents, request_ids=list(references.values()),
                references=references, citizen_samples=[tuple(row) for row in citizens],
                intake_type={"id": voirie.id, "label": voirie.label, "service_id": voirie.service_id,
                             "workflow_id": voirie.workflow_id, "initial": initial},
                total_requests=total,
            )


def typo(name: str, rng: random.Random) -> str:
    """A plausible typing error: one letter doubled or dropped, accents left out."""
    from grc_core.citizens.search import normalize

    bare = normalize(name).replace(" ", "-")
    if len(bare) < 5:
        return bare
    position = rng.randrange(1, len(bare) - 1)
    return bare[:position] + bare[position + 1:] if rng.random() < 0.5 else bare[:position] + bare[position] + bare[position:]


def other_phone_format(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("33"):
        digits = "0" + digits[2:]
    return f"+33 {digits[1]} {digits[2:4]} {digits[4:6]} {digits[6:8]} {digits[8:10]}" if len(digits) == 10 else digits


def run_pages(app, ctx: Context, pages: Pages, repeat: int, rng: random.Random, log) -> list[Figure]:
    from grc_core.citizens.search import normalize

    figures: list[Figure] = []
    client = app.test_client()
    sign_in(client, seeding.BENCH_MANAGER, seeding.BENCH_PASSWORD)

    # Warm-up: templates compiled, caches filled, as in a worker that has served a few pages.
    client.get("/admin/")

    queue_filters = [
        ("no filter", {}),
        ("to do (new + open)", {"kind": "todo"}),
        ("service: voirie", {"service": str(ctx.service_ids["voirie"])}),
        ("overdue", {"overdue": "1"}),
        ("assignee", {"assignee": str(ctx.agent_ids[0])}),
        ("quartier: Centre-ville", {"quartier": "Centre-ville"}),
        ("free text: « trottoir »", {"q": "trottoir"}),
        # A common word: 3,455 open requests of the 1M bench, past the free text's count cap.
        ("free text: « rendez-vous »", {"q": "rendez-vous"}),
        ("reference read on the phone", {"q": next(iter(ctx.references))}),
    ]
    if pages.queue:
        for label, args in queue_filters:
            figure = Figure("queue", label)
            url = pages.queue + ("?" + urlencode(args) if args else "")
            warm = client.get(url)
            if warm.status_code != 200:
                figure.note = f"HTTP {warm.status_code}"
                figures.append(figure)
                continue
            for _ in range(repeat):
                elapsed, response = timed(lambda: client.get(url))
                figure.samples_ms.append(elapsed)
            figure.floor_ms = raw_queue_floor(app, ctx.commune_id, ctx.manager_id, args, repeat)
            figures.append(figure)
            log(f"  queue {label}: {figure.median:.1f} ms")
        if pages.request is None:
            first_page = client.get(pages.queue).get_data(as_text=True)
            pages.request = request_url_from_queue(first_page, ctx.references)

    if pages.request:
        figure = Figure("request", "request page (random requests)")
        ids = ctx.request_ids
        client.get(pages.request.format(id=ids[0]))
        statuses = set()
        for index in range(repeat):
            url = pages.request.format(id=ids[index % len(ids)])
            elapsed, response = timed(lambda: client.get(url))
            statuses.add(response.status_code)
            figure.samples_ms.append(elapsed)
        if statuses != {200}:
            figure.note = f"HTTP {sorted(statuses)}"
        figures.append(figure)
        log(f"  request page: {figure.median:.1f} ms")

    if pages.search:
        with_email = [c for c in ctx.citizen_samples if c[3]]
        with_phone = [c for c in ctx.citizen_samples if c[4]]
        queries = [
            ("name with a typo", lambda: f"{typo(rng.choice(ctx.citizen_samples)[2], rng)} "
                                         f"{normalize(rng.choice(ctx.citizen_samples)[1])}"),
            ("last name only, no accents", lambda: normalize(rng.choice(ctx.citizen_samples)[2])),
            ("e-mail", lambda: rng.choice(with_email)[3].upper()),
            ("phone, another format", lambda: other_phone_format(rng.choice(with_phone)[4])),
            ("request reference", lambda: rng.choice(list(ctx.references))),
        ]
        for label, make_query in queries:
            figure = Figure("search", label)
            client.get(pages.search + "?" + urlencode({"q": make_query()}))
            for _ in range(repeat):
                url = pages.search + "?" + urlencode({"q": make_query()})
                elapsed, response = timed(lambda: client.get(url))
                if response.status_code != 200:
                    figure.note = f"HTTP {response.status_code}"
                figure.samples_ms.append(elapsed)
            figures.append(figure)
            log(f"  search {label}: {figure.median:.1f} ms")

    if pages.intake:
        figures.append(run_intake(app, ctx, pages.intake, repeat, rng, log))
    return figures


def filled_intake(client, intake_url: str, ctx: Context, rng: random.Random) -> tuple[str, dict, str]:
    """The quick-intake form for a random citizen, filled as the front desk does: (its URL, the POST, its HTML).

    A person known only through CCAS files is not the front desk's to see
    (404): the agent would pick someone else, and so does the bench. The
    same citizen may come back in a run (a few sampled citizens, --reuse):
    the second filing is confirmed, no "already filed?" page."""
    for _attempt in range(50):
        citizen = rng.choice(ctx.citizen_samples)
        form_url = f"{intake_url}?{urlencode({'citizen': citizen[0], 'type': ctx.intake_type['id']})}"
        page = client.get(form_url)
        if page.status_code == 200:
            break
    html = page.get_data(as_text=True)
    case = IntakeCase(citizen_id=citizen[0], type_id=ctx.intake_type["id"], type_label=ctx.intake_type["label"],
                      subject="Nid-de-poule devant le n° 12", location="12 rue des Halles, 45900 Villeneuve-sur-Loire")
    payload = intake_payload(form_fields(html), case, csrf_from(html))
    payload["confirm_duplicate"] = "y"
    return form_url, payload, html


def run_intake(app, ctx: Context, url: str, repeat: int, rng: random.Random, log) -> Figure:
    """File requests through the quick-intake form as the front desk does; check each one landed."""
    from grc_core.extensions import db
    from grc_core.models import OutboxMessage, Request, RequestEvent
    from grc_core.tenancy import use_commune

    figure = Figure("intake", "quick intake POST (validation, routing, history, outbox)")
    client = app.test_client()
    sign_in(client, ctx.accueil_email, seeding.BENCH_PASSWORD)

    def counts():
        with app.app_context(), use_commune(ctx.commune_id):
            return tuple(db.session.scalar(select(func.count(model.id))) for model in (Request, RequestEvent,
                                                                                          OutboxMessage))

    before = counts()
    for index in range(repeat + 1):
        form_url, payload, html = filled_intake(client, url, ctx, rng)
        elapsed, response = timed(lambda: client.post(form_url, data=payload))
        if response.status_code not in (200, 302, 303):
            figure.note = f"HTTP {response.status_code}"
            break
        if index:  # the first POST warms the path up
            figure.samples_ms.append(elapsed)
    after = counts()
    created = after[0] - before[0]
    if figure.note:  # an HTTP error stopped the loop
        figure.samples_ms = []
    elif created < repeat:
        figure.note = (f"only {created} of {repeat + 1} POSTs created a request — form fields not understood: "
                       f"{sorted(form_fields(html))}")
        figure.samples_ms = []
    else:
        figure.note = (f"{created} requests, {after[1] - before[1]} history events, "
                       f"{after[2] - before[2]} outbox rows created")
    figure.floor_ms = raw_insert_floor(app, ctx.commune_id, ctx.intake_type, ctx.manager_id,
                                       [c[0] for c in ctx.citizen_samples], repeat, rng)
    if figure.samples_ms:
        log(f"  intake: {figure.median:.1f} ms")
    return figure


def worker_memory(database_url: str) -> dict:
    """RSS of a fresh process that created the app and served a few pages."""
    command = [sys.executable, "-m", "bench.requests_bench", "--rss-probe", "--database-url", database_url]
    output = subprocess.run(command, check=True, capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent.parent).stdout
    return json.loads(output.strip().splitlines()[-1])


def rss_probe(database_url: str) -> None:
    app = seeding.bench_app(database_url)
    client = app.test_client()
    sign_in(client, seeding.BENCH_MANAGER, seeding.BENCH_PASSWORD)
    pages = find_pages(app)
    served = ["/admin/"]
    client.get("/admin/")
    for url in (pages.queue, pages.search and pages.search + "?q=martin"):
        if url:
            client.get(url)
            served.append(url)
    vm_rss_kb = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            vm_rss_kb = int(line.split()[1])
    print(json.dumps({
        "plugins": app.extensions["grc"].names,
        "vm_rss_mb": round(vm_rss_kb / 1024, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pages_served": served,
    }))


# --- output -------------------------------------------------------------------------------

def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def table(figures: list[Figure]) -> list[str]:
    lines = [f"{'page':<58} {'median':>8} {'p90':>8} {'target':>7} {'SQL':>7} {'ratio':>6}  verdict"]
    for figure in figures:
        target = TARGETS_MS[figure.group]
        ratio = f"{figure.median / figure.floor:.1f}" if figure.median and figure.floor else "—"
        verdict = "—" if figure.median is None else ("ok" if figure.median <= target else "MISSED")
        lines.append(f"{figure.group + ': ' + figure.label:<58} {_ms(figure.median):>8} {_ms(figure.p90):>8} "
                     f"{target:>7} {_ms(figure.floor):>7} {ratio:>6}  {verdict}")
        if figure.note:
            lines.append(f"{'':<4}({figure.note})")
    return lines


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent).stdout.strip()
    except OSError:
        return ""


def database_has(url: str, requests: int) -> bool:
    """Whether a previous run left the bench commune with this many requests."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        if "request" not in inspect(engine).get_table_names():
            return False
        with engine.connect() as connection:
            total = connection.scalar(text("SELECT count(*) FROM request WHERE subject NOT LIKE '%bench-floor%'"))
        # Earlier runs add the requests they file; the loaded volume is what matters.
        return requests <= total <= requests * 1.01
    except Exception:
        return False
    finally:
        engine.dispose()


def url_for_scale(url: str, requests: int, several: bool) -> str:
    if not several:
        return url
    suffix = f"_{requests // 1000}k" if requests < 1_000_000 else f"_{requests // 1_000_000}m"
    parsed = make_url(url)
    if seeding.is_postgresql(url):
        return parsed.set(database=parsed.database + suffix).render_as_string(hide_password=False)
    path = Path(parsed.database)
    return f"sqlite:///{path.with_name(path.stem + suffix + path.suffix)}"


def run_scale(url: str, citizens: int, requests: int, repeat: int, reuse: bool, log) -> dict:
    backend = "PostgreSQL" if seeding.is_postgresql(url) else "SQLite"
    log(f"== {backend}, {citizens:,} citizens, {requests:,} requests")
    load = None
    if reuse and database_has(url, requests):
        log("  reusing the data already loaded")
        seeding.complete_schema(url, log)
    else:
        report = seeding.seed(url, citizens, requests, reset=True, log=log)
        for line in report.lines():
            log(line)
        load = {"seconds": round(report.seconds, 1), "rows": report.rows,
                "rows_per_second": round(sum(report.rows.values()) / report.seconds)}
    app = seeding.bench_app(url)
    load_before = os.getloadavg()
    rng = random.Random(7)
    ctx = load_context(app, rng)
    pages = find_pages(app)
    figures = run_pages(app, ctx, pages, repeat, rng, log)
    memory = worker_memory(url)
    with app.app_context():
        from grc_core.extensions import db
        db.engine.dispose()
    return {
        "backend": backend, "citizens": citizens, "requests": requests, "repeat": repeat, "load": load,
        "pages": asdict(pages), "missing_pages": pages.missing(), "figures": [f.as_dict() for f in figures],
        "memory": memory, "table": table(figures),
        # Other work on the machine shows here: timings are only comparable at a low load.
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in os.getloadavg()]},
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--both-scales", action="store_true", help="100,000 then 1,000,000 requests")
    parser.add_argument("--database-url", default="", help="default: an SQLite file in the temp folder")
    parser.add_argument("--repeat", type=int, default=30, help="timed repetitions of each page")
    parser.add_argument("--reuse", action="store_true", help="keep data already loaded at this scale")
    parser.add_argument("--json", default="", help="also write the results to this file")
    parser.add_argument("--rss-probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    url = seeding.normalise_url(args.database_url or seeding.default_database_url())
    if args.rss_probe:
        rss_probe(url)
        return

    scales = [100_000, 1_000_000] if args.both_scales else [args.requests]
    log = lambda line: print(line, flush=True)  # noqa: E731
    results = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} — {platform.processor() or platform.machine()}, {os.cpu_count()} CPU, "
                   f"Python {platform.python_version()}",
        "commit": git_commit(),
        "runs": [],
    }
    for requests in scales:
        scale_url = url_for_scale(url, requests, len(scales) > 1)
        results["runs"].append(run_scale(scale_url, args.citizens, requests, args.repeat, args.reuse, log))
    for run in results["runs"]:
        print()
        print(f"{run['backend']} — {run['citizens']:,} citizens, {run['requests']:,} requests "
              f"(median and p90 of {run['repeat']} runs, ms; SQL = raw DB-API floor)")
        if run["load"]:
            print(f"load: {run['load']['seconds']} s, {run['load']['rows_per_second']:,} rows/s")
        print(f"machine load average (1, 5, 15 min) before the timings: {run['load_average']['before']}, "
              f"after: {run['load_average']['after']}")
        for line in run["table"]:
            print(line)
        if run["missing_pages"]:
            print(f"pages not found in the app: {', '.join(run['missing_pages'])}")
        memory = run["memory"]
        verdict = "ok" if memory["vm_rss_mb"] <= RSS_TARGET_MB else "MISSED"
        print(f"worker RSS with {len(memory['plugins'])} plugins after {len(memory['pages_served'])} pages: "
              f"{memory['vm_rss_mb']} MB (VmRSS), {memory['max_rss_mb']} MB (ru_maxrss); "
              f"target {RSS_TARGET_MB} MB: {verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
