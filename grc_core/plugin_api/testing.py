"""pytest fixtures and helpers for the core's and plugins' test suites.

Loaded for the whole repository by the root ``conftest.py``. A plugin's
suite uses the same fixtures; CI runs it with only that plugin loaded
(``GRC_TEST_PLUGINS=<name>``).

Environment:

- ``GRC_TEST_DATABASE_URL``: the database to test on (default: an SQLite
  file in a temporary folder). It is emptied and rebuilt with the
  migrations at the start of the session; under pytest-xdist each worker
  uses a database of its own, suffixed with the worker's name (``_gw0``).
- ``GRC_TEST_PLUGINS``: plugins to load (default ``*``: all installed;
  empty: the core alone).
- ``GRC_EXTRA_PLUGINS``: plugins that are not installed, ``name=module``
  (``cimetiere=grc_cimetiere.plugin``): a plugin's suite runs from its own
  folder without ``pip install -e``.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .sign_in_codes import FrozenClock, totp_code  # noqa: F401  (part of this module's API)

DEMO_PASSWORD = "motdepasse-tres-sur"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def database_url_for_tests(tmp_path_factory, name: str = "grc", own: bool = False) -> str:
    """An SQLite file of its own, or ``GRC_TEST_DATABASE_URL`` — its database
    suffixed with ``name`` when the app needs one of its own (``own``)."""
    url = os.environ.get("GRC_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / f'{name}.sqlite'}"
    parsed = make_url(url)
    # Under pytest-xdist each worker empties and rebuilds its database: one each.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        parsed = parsed.set(database=f"{parsed.database}_{worker}")
    if own:
        parsed = parsed.set(database=f"{parsed.database}_{name}")
    return parsed.render_as_string(hide_password=False)


def reset_database(url: str) -> None:
    """Drop everything, so the migrations run on an empty database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    if not parsed.drivername.endswith("psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build_test_app(tmp_path_factory, plugins=None, extra_plugins=None, name="grc", own_database=False):
    """An app on a fresh, migrated database — on PostgreSQL, a database of its
    own (named after ``name``) with ``own_database``, for an app loading other
    plugins than the session's."""
    import flask_migrate

    from grc_core import create_app

    url = database_url_for_tests(tmp_path_factory, name, own=own_database)
    reset_database(url)
    if plugins is None:
        plugins = os.environ.get("GRC_TEST_PLUGINS", "*")
    config = {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "PLUGINS": plugins,
        "SESSION_COOKIE_SECURE": False,
    }
    # Without extra plugins of its own, the app reads GRC_EXTRA_PLUGINS like any other.
    if extra_plugins is not None:
        config["EXTRA_PLUGINS"] = extra_plugins
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    return app


def empty_tables(app) -> None:
    from grc_core.extensions import db
    from grc_core.tenancy import unscoped

    with app.app_context(), unscoped():
        db.session.rollback()
        # The metadata holds every imported plugin's tables; an app built with
        # fewer plugins has only theirs (read once per app: migrations are done).
        if "grc_test_tables" not in app.extensions:
            from sqlalchemy import inspect

            app.extensions["grc_test_tables"] = set(inspect(db.engine).get_table_names())
        present = app.extensions["grc_test_tables"]
        for table in reversed(db.metadata.sorted_tables):
            if table.name in present:
                db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    application = build_test_app(tmp_path_factory)
    yield application
    from grc_core.extensions import db
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if "app" in request.fixturenames:
        application = request.getfixturevalue("app")
        empty_tables(application)
        # The portal's rate limits count in memory: each test starts with none.
        application.extensions.pop("grc_portal_limiter", None)


@pytest.fixture
def auth_clock(app):
    """Freeze the sign-in clock at 6 December 2026, 09:00 UTC, for the test."""
    from datetime import datetime, timezone

    clock = FrozenClock(datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc))
    app.config["AUTH_CLOCK"] = clock
    yield clock
    app.config.pop("AUTH_CLOCK", None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


def loaded_plugins(app) -> list[str]:
    return app.extensions["grc"].names


# --- building data -------------------------------------------------------------

def make_commune(app, name="Villeneuve-sur-Loire", insee="45901", slug=None, plugins=None, hostnames=""):
    """A commune with ``plugins`` enabled (None: every loaded plugin). Returns its id."""
    from grc_core.accounts import get_or_create_commune
    from grc_core.extensions import db

    slug = slug or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    with app.app_context():
        commune, _ = get_or_create_commune(name, insee, slug, hostnames, plugins)
        db.session.commit()
        return commune.id


def make_agent(app, commune_id, email, role="agent", services=(), permissions=(), platform_admin=False,
               password=DEMO_PASSWORD, full_name=None) -> int:
    from grc_core.accounts import get_or_create_agent
    from grc_core.extensions import db
    from grc_core.models import Commune

    with app.app_context():
        commune = db.session.get(Commune, commune_id)
        user, _ = get_or_create_agent(commune, email, full_name or email.split("@")[0].title(), password, role,
                                      list(services), list(permissions), platform_admin)
        db.session.commit()
        return user.id


def today():
    """Today in Paris, read when called: a test module that kept the day it was
    imported compares yesterday with the page's today once a run crosses
    midnight."""
    from grc_core.models.base import utcnow
    from grc_core.workflows.deadlines import local_date

    return local_date(utcnow())


@contextmanager
def in_commune(app, commune_id):
    """App context acting as the commune (for assertions on the database)."""
    from grc_core.tenancy import use_commune

    with app.app_context(), use_commune(commune_id):
        yield


# --- driving the client ---------------------------------------------------------

def csrf_token(client, url="/login") -> str:
    page = client.get(url)
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


TOTP_SECRET_SHOWN = re.compile(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<')


def login(client, email, password=DEMO_PASSWORD):
    """Sign in like the agent: password, then the second step when his role
    asks for one (set up the first time from the key the page shows)."""
    app = client.application
    response = client.post("/login", data={
        "email": email, "password": password, "csrf_token": csrf_token(client),
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    if location.endswith("/login/code"):
        token = csrf_token(client, "/login/code")
        with totp_code(app, email) as code:
            response = client.post("/login/code", data={"code": code, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    elif location.endswith("/login/enrol"):
        page = client.get("/login/enrol").get_data(as_text=True)
        secret = TOTP_SECRET_SHOWN.search(page).group(1).replace(" ", "")
        with totp_code(app, secret=secret) as code:
            response = client.post("/login/enrol", data={"code": code, "csrf_token": CSRF_INPUT.search(page).group(1)})
        assert response.status_code == 200 and "recovery-codes" in response.get_data(as_text=True), \
            response.get_data(as_text=True)[:500]
    return response


def post_form(client, url, data=None, token_url="/admin/", **kwargs):
    """POST like a browser: with the session's CSRF token."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client, token_url))
    return client.post(url, data=payload, **kwargs)


def signed_in(app, email, password=DEMO_PASSWORD):
    """A test client of the app, signed in as ``email``."""
    client = app.test_client()
    login(client, email, password)
    return client


def post_intake(client, type_id, citizen_id, fields, channel="guichet", confirm_duplicate=True):
    """Post the quick-intake form like the counter agent's browser: ``fields``
    by their name (True ticks a box; False and None leave it empty; dates
    are typed as ISO dates). ``confirm_duplicate``: the agent ticks « file a
    second one anyway » (a suite filing several requests of one type for one
    citizen in a row); False to meet the intake's duplicate guard."""
    from datetime import date

    data = {"csrf_token": csrf_token(client, "/admin/intake/"), "channel": channel, "type": type_id,
            "citizen": citizen_id}
    if confirm_duplicate:
        data["confirm_duplicate"] = "1"
    for name, value in fields.items():
        if value is True:
            value = "y"
        elif value is False or value is None:
            continue
        data[f"f_{name}"] = value.isoformat() if isinstance(value, date) else value
    return client.post("/admin/intake/", data=data, headers={"Accept-Language": "fr"})


def make_request_type(app, commune_id, code, label, definition, *, service_code=None, service_email="") -> int:
    """A commune's own request type following a workflow ``definition``
    (states and transitions as in the workflow editor), handled by the
    service ``service_code`` (created when missing). Returns its id."""
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import RequestType, Service, Workflow

    with in_commune(app, commune_id):
        service = None
        if service_code:
            service = db.session.scalar(select(Service).where(Service.code == service_code))
            if service is None:
                service = Service(code=service_code, name=service_code.capitalize(), email=service_email)
                db.session.add(service)
        workflow = Workflow(code=f"wf_{code}", label=label, definition=definition, template_version="")
        request_type = RequestType(code=code, label=label, workflow=workflow, service=service, channels=["guichet"],
                                   fields=[])
        db.session.add_all([workflow, request_type])
        db.session.commit()
        return request_type.id


def file_request_as(app, commune_id, email, type_id, citizen_id, fields, *, channel="guichet", now=None) -> int:
    """File a request through the core's service as the agent ``email`` (at
    ``now``, any time zone); returns its id. Invalid ``fields`` fail the test."""
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import Citizen, RequestType, User
    from grc_core.requests.service import create_request

    with in_commune(app, commune_id):
        user = db.session.scalar(select(User).where(User.email == email))
        citizen = db.session.get(Citizen, citizen_id) if citizen_id else None
        request, errors = create_request(request_type=db.session.get(RequestType, type_id), citizen=citizen,
                                         channel=channel, formdata=fields, actor=user, now=now)
        assert not errors, errors
        return request.id


def apply_as(app, commune_id, email, request_id, code, *, fields=None, comment="", now=None):
    """Apply a workflow transition as the agent ``email`` (raises
    TransitionError when refused, as the engine does)."""
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import Membership, Request, User
    from grc_core.workflows.engine import apply_transition

    with in_commune(app, commune_id):
        user = db.session.scalar(select(User).where(User.email == email))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        return apply_transition(db.session.get(Request, request_id), code, actor=user, membership=membership,
                                fields=fields or {}, comment=comment, now=now)


def rules_package_problems(package) -> list[str]:
    """What keeps a plugin's ``rules/`` package from re-exporting exactly the
    public names its modules define (callers import them from the package):
    a name missing from ``__all__``, listed twice, not the module's object, or
    listed while no module defines it. Empty when the package is complete."""
    import ast
    import importlib
    import pkgutil
    from pathlib import Path

    modules = {info.name: importlib.import_module(f"{package.__name__}.{info.name}")
               for info in pkgutil.iter_modules(package.__path__)}
    if not modules:
        return ["the rules package has no modules"]
    problems = ["a name listed twice in __all__"] if len(package.__all__) != len(set(package.__all__)) else []
    defined = set()
    for module_name, module in modules.items():
        for node in ast.parse(Path(module.__file__).read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = {node.name}
            elif isinstance(node, ast.Assign):
                names = {target.id for target in node.targets if isinstance(target, ast.Name)}
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = {node.target.id}
            else:
                continue
            for name in sorted(n for n in names if not n.startswith("_")):
                defined.add(name)
                if name not in package.__all__:
                    problems.append(f"{module_name}.{name} missing from __all__")
                elif getattr(package, name) is not getattr(module, name):
                    problems.append(f"{name} of the package is not {module_name}.{name}")
    problems += [f"__all__ names {name}, which no module defines" for name in sorted(set(package.__all__) - defined)]
    return problems


_RULES_APPS: dict = {}


@contextmanager
def rules_locale(locale: str, plugin: str):
    """Render a plugin's rule texts (``lazy_text``) in ``locale``: a bare Flask
    app with the core's and the plugin's catalogs, no database — the rules'
    tests stay tests of pure functions, and read their French and English."""
    from pathlib import Path

    import flask_babel
    from flask import Flask

    app = _RULES_APPS.get(plugin)
    if app is None:
        import grc_core
        import importlib
        folder = Path(importlib.import_module(f"plugins.{plugin}").__file__).parent
        app = Flask(f"rules_{plugin}")
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{Path(grc_core.__file__).parent / 'translations'};" \
                                                      f"{folder / 'translations'}"
        app.config["BABEL_DOMAIN"] = f"grc;grc_{plugin}"
        flask_babel.Babel(app)
        _RULES_APPS[plugin] = app
    with app.app_context(), flask_babel.force_locale(locale):
        yield


def sample_value(spec, text: str, *, day: str = "2010-03-15", email: str = "usager@example.org") -> str:
    """A value every field of its type accepts, as typed in a form: ``text``
    for free text (a test's canary or words), the first choice of a list, the
    smallest number, ``day`` for a date; nothing for a file."""
    if spec.type == "date":
        return day
    if spec.type in ("choice", "multichoice"):
        return str(spec.choices[0][0]) if spec.choices else ""
    if spec.type in ("integer", "decimal"):
        return str(int(spec.min or 1))
    return {"boolean": "y", "email": email, "phone": "0601020304", "file": ""}.get(spec.type, text)


def segment_members(definition, context) -> set[int]:
    """The ids of the citizens ``definition`` selects for ``context`` (a
    ``SegmentContext``), inside the commune's app context."""
    from grc_core.extensions import db
    from grc_core.segments import matching_ids

    return set(db.session.scalars(matching_ids(definition, context)))


def run_tick(app, now):
    """Run ``grc tick``'s work (timers, escalations, the plugins' ``grc_tick``,
    the outbox) as if the clock said ``now`` — an aware datetime, or a naive
    one read in Paris time. Time-based behaviour is tested by running tick at
    chosen moments, never by editing dates in the database. Returns the counts
    of :func:`grc_core.workflows.timers.tick`."""
    from datetime import datetime as _datetime

    from grc_core.workflows.deadlines import PARIS
    from grc_core.workflows.timers import tick

    if isinstance(now, str):
        now = _datetime.fromisoformat(now)
    if now.tzinfo is None:
        now = now.replace(tzinfo=PARIS)
    with app.app_context():
        return tick(now)


@pytest.fixture
def two_communes(app):
    """Communes A and B with an admin and an agent each; ids and e-mails."""
    a = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve")
    b = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    people = {
        "a": a, "b": b,
        "admin_a": "admin@a.fr", "agent_a": "agent@a.fr",
        "admin_b": "admin@b.fr", "agent_b": "agent@b.fr",
    }
    make_agent(app, a, "admin@a.fr", "admin")
    make_agent(app, a, "agent@a.fr", "agent")
    make_agent(app, b, "admin@b.fr", "admin")
    make_agent(app, b, "agent@b.fr", "agent")
    return people


def check_commune_without_plugin_sees_none_of_it(app, client, plugin: str) -> None:
    """Commune A enables ``plugin``, commune B does not: B's admin sees none of it.

    For every plugin's own test suite: its services, permissions, admin views
    and blueprints stay out of B, and its pages answer 404 there.
    """
    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import Service

    registry = app.extensions["grc"]
    a = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=[plugin])
    b = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    services = {s.code for s in registry.declared_by("grc_register_services", plugin)}
    permissions = {p.code for p in registry.declared_by("grc_register_permissions", plugin)}
    with in_commune(app, a):
        assert services <= set(db.session.scalars(select(Service.code)))
    with in_commune(app, b):
        assert not services & set(db.session.scalars(select(Service.code)))

    make_agent(app, b, "admin@b.fr", "admin", platform_admin=False)
    login(client, "admin@b.fr")
    agent_form = client.get("/admin/core_agents/new/").get_data(as_text=True)
    for code in permissions:
        assert code not in agent_form, code
    owned = [name for name, owner in registry.blueprint_owners.items() if owner == plugin]
    home = client.get("/admin/").get_data(as_text=True)
    for endpoint in owned:
        assert f"/admin/{endpoint}/" not in home
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in owned and "GET" in rule.methods and not rule.arguments:
            assert client.get(rule.rule).status_code == 404, rule.rule


class PluginContract:
    """Tests every plugin owes the core; subclass as ``TestContract`` in the
    plugin's suite and fill in the class attributes."""

    plugin: str
    services: set[str]
    permissions: set[str]
    label_fr: str

    def test_plugin_is_loaded_with_its_manifest(self, app):
        registry = app.extensions["grc"]
        assert self.plugin in registry.names
        manifest = registry.manifests[self.plugin]
        assert manifest.version and all(dep in registry.names for dep in manifest.depends)

    def test_declares_its_services_and_permissions(self, app):
        registry = app.extensions["grc"]
        assert {s.code for s in registry.declared_by("grc_register_services", self.plugin)} == self.services
        assert {p.code for p in registry.declared_by("grc_register_permissions", self.plugin)} == self.permissions

    def test_enabled_commune_shows_the_domain_in_french(self, app, client):
        commune = make_commune(app, plugins=[self.plugin])
        make_agent(app, commune, "admin@a.fr", "admin")
        login(client, "admin@a.fr")
        assert self.label_fr in client.get("/admin/", headers={"Accept-Language": "fr"}).get_data(as_text=True)

    def test_a_commune_without_the_plugin_sees_none_of_it(self, app, client):
        check_commune_without_plugin_sees_none_of_it(app, client, self.plugin)


# --- the core's entry points a plugin's suite drives ----------------------------------

def grc_cli():
    """The ``grc`` command group, for ``app.test_cli_runner().invoke(grc_cli(), [...])``."""
    from grc_core.cli import cli

    return cli


def tick(now=None):
    """What ``grc tick`` does (timers of every commune, summaries, outbox), at ``now``."""
    from grc_core.workflows.timers import tick as core_tick

    return core_tick(now)


def fire_due_timers(now=None):
    """Fire the current commune's due workflow timers at ``now``."""
    from grc_core.workflows.timers import fire_due_timers as core_fire_due_timers

    return core_fire_due_timers(now)


def workflow_problems(decl) -> list[str]:
    """What the workflow editor would refuse in the template ``decl`` (empty: none)."""
    from grc_core.workflows.definition import from_decl
    from grc_core.workflows.validation import validate

    return validate(from_decl(decl))


def retention_pending(commune, today=None):
    """Per retention policy, what the back office lists as due on ``today``."""
    from grc_core.retention import pending

    return pending(commune, today)


def run_retention(commune, today=None):
    """Anonymise what every active policy has due on ``today``; ``{code: count}``."""
    from grc_core.retention import run_retention as core_run_retention

    return core_run_retention(commune, today)


@contextmanager
def without_daily_counters():
    """Compute indicators from the requests themselves, as if the daily
    counters could not answer: a plugin's figure must be the same both ways."""
    from grc_core.indicators import daily

    answers = daily.answers
    daily.answers = lambda filters: False
    try:
        yield
    finally:
        daily.answers = answers


# --- browser tests (headless Chromium through Playwright) ---------------------------

CHROMIUM = os.environ.get("GRC_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def live_server(app):
    """The test app served over HTTP on a free local port, in a thread."""
    import threading

    from werkzeug.serving import make_server

    global _live_app
    _live_app = app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; skipped where it is missing,
    except when GRC_REQUIRE_BROWSER is set (CI), where that is a failure."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("GRC_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} (GRC_REQUIRE_BROWSER is set)")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run",
        ])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


_live_app = None


def browser_login(page, base_url, email, password=DEMO_PASSWORD):
    """Sign in through the browser, second step included (codes as the agent's phone computes them)."""
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if page.url.endswith("/login/enrol"):
        secret = page.text_content("#totp-secret").replace(" ", "")
        with totp_code(_live_app, secret=secret) as code:
            page.fill("#code", code)
            page.click("button[type=submit]")
            page.wait_for_load_state()
        page.click("#recovery-codes ~ a")
        page.wait_for_load_state()
    elif page.url.endswith("/login/code"):
        with totp_code(_live_app, email) as code:
            page.fill("#code", code)
            page.click("button[type=submit]")
            page.wait_for_load_state()
