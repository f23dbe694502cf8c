"""The plugin API, hook by hook: one ``test_hook_<name>`` per hookspec.

The dummy plugin (tests/plugins/dummy) implements every hook; the tests
drive it through the app (pages, admin, CLI) or through the registry's typed
functions, the only way the core calls hooks. Commune A (Villeneuve) has
the dummy enabled, commune B (Saint-Aubin) has not: each test checks both.

``pair_app`` adds the ``peer`` plugin (tests/plugins/peer.py), for what needs
two plugins: sorting by ``order`` across plugins, load order of decisions,
lifecycle hooks called on one plugin only. tests/test_docs.py checks that
every hook has its test here.
"""
from __future__ import annotations

import importlib
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from alembic.script import ScriptDirectory
from flask import template_rendered
from flask_babel import Domain
from sqlalchemy import func, select, text

from grc_core.demo import DEMO_PASSWORD as DEMO_DATA_PASSWORD
from grc_core.demo import load_demo
from grc_core.extensions import db
from grc_core.models import AuditEvent, Citizen, Commune, Membership, Request, RequestType, Service, User, utcnow
from grc_core.plugin_api import hookimpl
from grc_core.plugin_api.testing import (
    build_test_app, empty_tables, in_commune, login, make_agent, make_commune, post_form,
)
from grc_core.plugins.panels import render_panels
from grc_core.security.permissions import permissions_of
from grc_core.plugin_api import FieldError
from grc_core.tenancy import active_plugins, disable_plugin, enable_plugin
from tests.plugins import peer
from tests.plugins.dummy import plugin as dummy

DUMMY_DIR = Path(dummy.__file__).parent
DUMMY = {"dummy": "tests.plugins.dummy.plugin"}
PAIR = {**DUMMY, "peer": "tests.plugins.peer"}
# Stand-ins for the core's Request rows: what the dummy reads of them.
SIGNALEMENT = SimpleNamespace(reference="VSL-2026-00042", request_type=SimpleNamespace(code="dummy.signalement"),
                              data={"motif": "Nid-de-poule rue des Lilas"})
ATTESTATION = SimpleNamespace(reference="VSL-2026-00043", request_type=SimpleNamespace(code="dummy.attestation"),
                              data={})
REFUSED = "Le signalement factice ne peut pas contenir le mot « refuse »."
FORBIDDEN = "Le guichet voisin refuse le mot « interdit »."


# --- apps and data -------------------------------------------------------------

def _build(tmp_path_factory, plugins, extra, name):
    """An app on its own database: its own SQLite file, or on PostgreSQL a
    database named after the shared test one (the shared ``app`` uses that)."""
    return build_test_app(tmp_path_factory, plugins=plugins, extra_plugins=extra, name=name, own_database=True)


def _dispose(app):
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def dummy_app(tmp_path_factory):
    app = _build(tmp_path_factory, ["dummy"], DUMMY, "dummy")
    yield app
    _dispose(app)


@pytest.fixture(scope="module")
def pair_app(tmp_path_factory):
    app = _build(tmp_path_factory, ["dummy", "peer"], PAIR, "pair")
    yield app
    _dispose(app)


@pytest.fixture(autouse=True)
def _empty_own_databases(request):
    # The shared autouse cleaning only knows the ``app`` fixture.
    yield
    for name in ("dummy_app", "pair_app"):
        if name in request.fixturenames:
            empty_tables(request.getfixturevalue(name))


@pytest.fixture
def communes(dummy_app):
    """A (Villeneuve) with the dummy, B (Saint-Aubin) without; their ids."""
    a = make_commune(dummy_app, "Villeneuve-sur-Loire", "45901", "villeneuve")
    b = make_commune(dummy_app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    return SimpleNamespace(a=a, b=b)


@pytest.fixture
def pair_communes(pair_app):
    """A with dummy and peer, B with peer only, C with neither."""
    a = make_commune(pair_app, "Villeneuve-sur-Loire", "45901", "villeneuve")
    b = make_commune(pair_app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=["peer"])
    c = make_commune(pair_app, "Montargis-le-Petit", "45903", "montargis", plugins=[])
    return SimpleNamespace(a=a, b=b, c=c)


def agents(app, commune_id, *emails):
    """Agents whose role is their e-mail's local part (``elu@a.fr``). Hashing a
    password is slow: each test makes only the agents it signs in."""
    for email in emails:
        make_agent(app, commune_id, email, email.split("@")[0])


def registry(app):
    return app.extensions["grc"]


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


@contextmanager
def commune_context(app, commune_id):
    """App context acting as the commune; yields the Commune row."""
    with in_commune(app, commune_id):
        yield db.session.get(Commune, commune_id)


def journals(app, commune_id) -> tuple[list[str], list[str]]:
    """The dummy's and the peer's journals of the commune, as committed."""
    with commune_context(app, commune_id) as commune:
        return dummy.journal(commune), peer.journal(commune)


def set_dummy(app, commune_id, enabled: bool) -> bool:
    with commune_context(app, commune_id) as commune:
        changed = (enable_plugin if enabled else disable_plugin)(commune, "dummy")
        db.session.commit()
        return changed


@contextmanager
def rendered_templates(app):
    """The (template name, context) pairs rendered while the block runs."""
    recorded = []

    def record(sender, template, context, **extra):
        recorded.append((template.name, context))

    template_rendered.connect(record, app)
    try:
        yield recorded
    finally:
        template_rendered.disconnect(record, app)


# --- wiring --------------------------------------------------------------------

def test_hook_grc_blueprints(dummy_app, communes):
    agents(dummy_app, communes.a, "agent@a.fr")
    agents(dummy_app, communes.b, "agent@b.fr")
    assert registry(dummy_app).blueprint_owners["dummy"] == "dummy"

    anonymous = dummy_app.test_client().get("/dummy/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    agent_a = signed_in(dummy_app, "agent@a.fr")
    page = agent_a.get("/dummy/")
    assert page.status_code == 200
    assert page.get_data(as_text=True) == "Bonjour ! Registre factice de Villeneuve-sur-Loire."

    refused = signed_in(dummy_app, "agent@b.fr").get("/dummy/")
    assert refused.status_code == 404
    assert "Registre factice" not in refused.get_data(as_text=True)

    assert set_dummy(dummy_app, communes.a, enabled=False)
    assert agent_a.get("/dummy/").status_code == 404
    assert set_dummy(dummy_app, communes.a, enabled=True)
    assert agent_a.get("/dummy/").get_data(as_text=True).endswith("Registre factice de Villeneuve-sur-Loire.")


def test_hook_grc_admin_views(dummy_app, communes):
    agents(dummy_app, communes.a, "admin@a.fr", "agent@a.fr", "elu@a.fr")
    agents(dummy_app, communes.b, "admin@b.fr")
    view = next(v for v in dummy_app.extensions["admin"][0]._views if v.endpoint == "dummy_panel")
    assert view.plugin == "dummy"
    assert registry(dummy_app).blueprint_owners["dummy_panel"] == "dummy"

    # The Flask-Admin menu of a core page lists the view only where the plugin is active.
    assert 'href="/admin/dummy_panel/"' in signed_in(dummy_app, "admin@a.fr").get("/admin/core_services/").get_data(as_text=True)
    admin_b = signed_in(dummy_app, "admin@b.fr")
    assert 'href="/admin/dummy_panel/"' not in admin_b.get("/admin/core_services/").get_data(as_text=True)
    assert admin_b.get("/admin/dummy_panel/").status_code == 404

    page = signed_in(dummy_app, "agent@a.fr").get("/admin/dummy_panel/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Commune : Villeneuve-sur-Loire. Demandes factices déclarées : 2." in body

    # Active but without dummy.read: refused, and the refusal is audited.
    assert signed_in(dummy_app, "elu@a.fr").get("/admin/dummy_panel/").status_code == 403
    with in_commune(dummy_app, communes.a):
        refusal = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "permission.refused"))
    assert refusal.target == "/admin/dummy_panel/" and refusal.details == {"permission": "dummy.read"}


def test_hook_grc_migrations_dir(dummy_app):
    versions_dir = str(DUMMY_DIR / "migrations" / "versions")
    assert registry(dummy_app).migrations_dirs() == {"dummy": versions_dir}
    assert versions_dir in dummy_app.extensions["grc_version_locations"]
    with dummy_app.app_context():
        applied = set(db.session.execute(text("SELECT version_num FROM alembic_version")).scalars())
        scripts = ScriptDirectory.from_config(dummy_app.extensions["migrate"].migrate.get_config())
    # "heads" ran the dummy's branch, found in the dummy's folder.
    assert "dummy_0001" in applied
    root = scripts.get_revision("dummy_0001")
    assert root.path.startswith(versions_dir) and root.branch_labels == {"dummy"}
    assert root.dependencies == "c0a1e0000001"


def test_hook_grc_translations_dir(dummy_app):
    translations = str(DUMMY_DIR / "translations")
    assert registry(dummy_app).translations_dirs() == {"dummy": translations}
    directories = dummy_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    domains = dummy_app.config["BABEL_DOMAIN"].split(";")
    assert dict(zip(domains, directories))["grc_dummy"] == translations
    # A Domain built from the app's settings, not the app's own: Flask-Babel
    # caches the default domain on the process-wide Babel object, so a page
    # would show the catalogs of whichever test app translated first.
    for language, label in (("fr", "Domaine factice"), ("en", "Dummy domain")):
        with dummy_app.test_request_context(headers={"Accept-Language": language}):
            catalogs = Domain(translation_directories=directories, domain=";".join(domains))
            assert catalogs.gettext("Dummy domain") == label


def test_hook_grc_register_commands(dummy_app, communes):
    runner = dummy_app.test_cli_runner()
    shown = runner.invoke(args=["dummy", "journal", "--commune", "villeneuve"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines() == ["enabled services=dummy.accueil"]

    empty = runner.invoke(args=["dummy", "journal", "--commune", "saint-aubin"])
    assert empty.output.strip() == "Journal vide pour Saint-Aubin-des-Prés."

    unknown = runner.invoke(args=["dummy", "journal", "--commune", "nulle-part"])
    assert unknown.exit_code == 2 and "Commune « nulle-part » inconnue." in unknown.output


def test_hook_grc_register_settings(dummy_app, communes):
    agents(dummy_app, communes.a, "agent@a.fr")
    with commune_context(dummy_app, communes.a) as a:
        declared = {s.code: s for s in registry(dummy_app).settings(active_plugins(a))}
        assert declared["dummy.greeting"].default == "Bonjour"
        a.settings = {**a.settings, "dummy.greeting": "Bienvenue"}
        db.session.commit()
    with commune_context(dummy_app, communes.b) as b:
        assert "dummy.greeting" not in {s.code for s in registry(dummy_app).settings(active_plugins(b))}
    # The commune's value wins over the declared default.
    page = signed_in(dummy_app, "agent@a.fr").get("/dummy/")
    assert page.get_data(as_text=True) == "Bienvenue ! Registre factice de Villeneuve-sur-Loire."


def test_hook_grc_register_permissions(dummy_app, communes):
    agents(dummy_app, communes.a, "agent@a.fr", "elu@a.fr")
    declared = registry(dummy_app)
    assert "dummy.read" in {p.code for p in declared.permissions(["dummy"])}
    core_only = {p.code for p in declared.permissions([])}
    assert "dummy.read" not in core_only and "core.backoffice" in core_only

    # An explicit grant lets an élu in; where dummy is inactive it cannot be granted, and a grant
    # left from when it was active means nothing.
    make_agent(dummy_app, communes.a, "elu-habilite@a.fr", "elu", permissions=["dummy.read"])
    with pytest.raises(ValueError, match="Permission inconnue dans .* : dummy.read"):
        make_agent(dummy_app, communes.b, "agent-habilite@b.fr", "agent", permissions=["dummy.read"])
    make_agent(dummy_app, communes.b, "agent-habilite@b.fr", "agent")
    with in_commune(dummy_app, communes.b):
        stale = db.session.scalar(select(Membership).join(Membership.user).where(User.email == "agent-habilite@b.fr"))
        stale.permissions = ["dummy.read"]
        db.session.commit()

    def held(email, commune_id):
        with commune_context(dummy_app, commune_id) as commune:
            user = db.session.scalar(select(User).where(User.email == email))
            membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
            return "dummy.read" in permissions_of(user, membership, commune)

    assert held("agent@a.fr", communes.a)  # default role
    assert not held("elu@a.fr", communes.a)
    assert held("elu-habilite@a.fr", communes.a)
    assert not held("agent-habilite@b.fr", communes.b)
    assert signed_in(dummy_app, "elu-habilite@a.fr").get("/admin/dummy_panel/").status_code == 200


# --- declarations ----------------------------------------------------------------

def test_hook_grc_register_services(dummy_app, communes):
    def dummy_services(commune_id):
        with in_commune(dummy_app, commune_id):
            return [(s.code, s.name, s.plugin) for s in db.session.scalars(select(Service).where(Service.code.like("dummy.%")))]

    assert dummy_services(communes.a) == [("dummy.accueil", "Accueil factice", "dummy")]
    assert dummy_services(communes.b) == []

    # The admin renames it; disabling and enabling again keeps the commune's version.
    with in_commune(dummy_app, communes.a):
        db.session.scalar(select(Service).where(Service.code == "dummy.accueil")).name = "Accueil de la mairie"
        db.session.commit()
    set_dummy(dummy_app, communes.a, enabled=False)
    set_dummy(dummy_app, communes.a, enabled=True)
    assert dummy_services(communes.a) == [("dummy.accueil", "Accueil de la mairie", "dummy")]

    set_dummy(dummy_app, communes.b, enabled=True)
    assert dummy_services(communes.b) == [("dummy.accueil", "Accueil factice", "dummy")]


def test_a_plugins_service_can_be_one_the_commune_already_has(pair_app):
    from grc_core.tenancy.activation import service_for

    with_desk = make_commune(pair_app, "Montargis-le-Petit", "45903", "montargis", plugins=[])
    without = make_commune(pair_app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    with commune_context(pair_app, with_desk) as commune:
        db.session.add(Service(code="accueil", name="Accueil de la mairie"))
        db.session.flush()
        enable_plugin(commune, "peer")
        db.session.commit()
        assert list(db.session.scalars(select(Service.code))) == ["accueil"]
        # Routing decisions and request types naming peer.guichet reach the commune's own service.
        assert service_for("peer.guichet").name == "Accueil de la mairie"
    with commune_context(pair_app, without) as commune:
        enable_plugin(commune, "peer")
        db.session.commit()
        assert list(db.session.scalars(select(Service.code))) == ["peer.guichet"]
        assert service_for("peer.guichet").name == "Guichet unique"


def test_hook_grc_register_request_types(dummy_app, communes):
    with commune_context(dummy_app, communes.a) as a:
        types = registry(dummy_app).request_types(active_plugins(a))
    with commune_context(dummy_app, communes.b) as b:
        assert registry(dummy_app).request_types(active_plugins(b)) == []
    # Sorted by order (10, 50), not by declaration.
    assert [t.code for t in types] == ["dummy.attestation", "dummy.signalement"]
    assert registry(dummy_app).owner_of("grc_register_request_types", "dummy.signalement") == "dummy"
    signalement = types[1]
    assert [(f.name, f.required) for f in signalement.fields] == [("motif", True), ("quartier", False),
                                                                 ("danger_immediat", False)]
    assert signalement.public and signalement.sla_days == 5


def test_hook_grc_register_workflows(dummy_app, communes):
    with commune_context(dummy_app, communes.a) as a:
        workflows = registry(dummy_app).workflows(active_plugins(a))
        types = registry(dummy_app).request_types(active_plugins(a))
    with commune_context(dummy_app, communes.b) as b:
        assert registry(dummy_app).workflows(active_plugins(b)) == []
    assert [w.code for w in workflows] == ["dummy.simple"]
    assert {t.workflow for t in types} == {"dummy.simple"}
    simple = workflows[0]
    assert [(s.code, s.kind) for s in simple.states] == [("nouvelle", "new"), ("en_cours", "open"), ("close", "closed")]
    assert [(t.code, t.source, t.target) for t in simple.transitions] == [
        ("prendre", ("nouvelle",), "en_cours"), ("clore", ("en_cours",), "close"),
        ("refuser", ("nouvelle", "en_cours"), "close"),
    ]
    refuse = simple.transitions[2]
    assert [(f.name, f.type, f.required) for f in refuse.fields] == [("motif_refus", "textarea", True),
                                                                    ("date_decision", "date", True)]
    assert [(t.state, t.action, t.transition, t.delay_days, t.delay_hours, t.condition, t.escalate)
            for t in simple.timers] == [
        ("en_cours", "transition", "clore", 30, 0, None, ()),
        ("nouvelle", "escalate", "", 0, 4, ("danger_immediat", ("oui",)), ("notify", "assign")),
    ]


def test_hook_grc_register_routing_rules(dummy_app, communes):
    with commune_context(dummy_app, communes.a) as a:
        rules = registry(dummy_app).routing_rules(active_plugins(a))
    with commune_context(dummy_app, communes.b) as b:
        assert registry(dummy_app).routing_rules(active_plugins(b)) == []
    assert [(r.code, r.request_type, r.service, r.conditions) for r in rules] == [
        ("dummy.attestations", "dummy.attestation", "dummy.accueil", ()),
        ("dummy.centre", "dummy.signalement", "dummy.accueil", (("quartier", "centre"),)),
    ]


def test_hook_grc_register_indicators(dummy_app, communes):
    with commune_context(dummy_app, communes.a) as a:
        indicators = {i.code: i for i in registry(dummy_app).indicators(active_plugins(a))}
        submitted = indicators["dummy.soumises"]
        assert submitted.compute(a, {}) == 0
        registry(dummy_app).request_submitted(active_plugins(a), SIGNALEMENT, a)
        assert submitted.compute(a, {}) == 1
    with commune_context(dummy_app, communes.b) as b:
        # The core's own indicators only.
        assert {i.code.split(".")[0] for i in registry(dummy_app).indicators(active_plugins(b))} == {"core"}


def test_hook_grc_register_dashboard_widgets(dummy_app, communes):
    with commune_context(dummy_app, communes.a) as a:
        widgets = registry(dummy_app).dashboard_widgets(active_plugins(a))
        indicators = {i.code for i in registry(dummy_app).indicators(active_plugins(a))}
    with commune_context(dummy_app, communes.b) as b:
        assert {w.code.split(".")[0] for w in registry(dummy_app).dashboard_widgets(active_plugins(b))} == {"core"}
    # Declared 70 then 30; shown by order.
    assert [(w.code, w.order) for w in widgets if w.code.startswith("dummy.")] == [
        ("dummy.soumises_nombre", 30), ("dummy.soumises_tendance", 70)]
    assert {w.indicator for w in widgets} <= indicators


def test_hook_grc_register_retention_policies(dummy_app, communes):
    with commune_context(dummy_app, communes.a) as a:
        policies = {p.code: p for p in registry(dummy_app).retention_policies(active_plugins(a))}
        journal_policy = policies["dummy.journal"]
        registry(dummy_app).request_submitted(active_plugins(a), SIGNALEMENT, a)
        today = date(2026, 11, 28)
        entries = dummy.journal(a)
        candidates = journal_policy.candidates(a, today)
        assert [(c.key, c.due_on) for c in candidates] == [(str(n), today) for n in range(len(entries))]
        submitted = entries.index(f"submitted {SIGNALEMENT.reference}")
        assert journal_policy.anonymise(a, [str(submitted)]) == 1
        assert dummy.journal(a)[submitted] == "anonymised"
        assert str(submitted) not in {c.key for c in journal_policy.candidates(a, today)}
    with commune_context(dummy_app, communes.b) as b:
        assert registry(dummy_app).retention_policies(active_plugins(b)) == []


def test_hook_grc_register_processing_activities(dummy_app, communes):
    agents(dummy_app, communes.a, "admin@a.fr")
    agents(dummy_app, communes.b, "admin@b.fr")
    with commune_context(dummy_app, communes.a) as a:
        in_a = [code for _plugin, code in ((p, d.code) for p, d in
                                           registry(dummy_app).processing_activities_by_plugin(active_plugins(a)))]
    with commune_context(dummy_app, communes.b) as b:
        in_b = [d.code for d in registry(dummy_app).processing_activities(active_plugins(b))]
    # The core's first, then the active domains'.
    assert in_a == ["core.comptes_agents", "core.courriels", "core.relation_citoyen", "dummy.signalements"]
    assert in_b == ["core.comptes_agents", "core.courriels", "core.relation_citoyen"]

    page = signed_in(dummy_app, "admin@a.fr").get("/admin/core_processing_register/").get_data(as_text=True)
    assert "Signalements factices" in page and "Domaine factice" in page
    assert "Mission d&#39;intérêt public (RGPD art. 6, 1, e)" in page
    # The retention policy it names is shown with it.
    assert "Appliquée par « Journal factice » :" in page and "Le journal factice est effacé" in page
    other = signed_in(dummy_app, "admin@b.fr").get("/admin/core_processing_register/").get_data(as_text=True)
    assert "Signalements factices" not in other and "Relation aux usagers" in other


def test_hook_grc_register_segment_criteria(dummy_app, communes):
    """The dummy's criterion is offered where the dummy is active, to holders
    of its permission only, and selects through the core's rules."""
    from grc_core.plugin_api import SegmentContext
    from grc_core.plugin_api.testing import segment_members
    from grc_core.segments import criteria_for

    agents(dummy_app, communes.a, "admin@a.fr", "accueil@a.fr")
    agents(dummy_app, communes.b, "admin@b.fr")
    with commune_context(dummy_app, communes.a):
        admin, agent = (db.session.scalar(select(User).where(User.email == email))
                        for email in ("admin@a.fr", "accueil@a.fr"))
        membership = {u.id: db.session.scalar(select(Membership).where(Membership.user_id == u.id))
                      for u in (admin, agent)}
        as_admin = SegmentContext(communes.a, date(2026, 6, 15), admin, membership[admin.id])
        as_agent = SegmentContext(communes.a, date(2026, 6, 15), agent, membership[agent.id])
        assert "dummy.signaleurs" in criteria_for(as_admin)
        assert "dummy.signaleurs" not in criteria_for(as_agent)  # the front desk lacks dummy.read
        type_row = db.session.scalar(select(RequestType).where(RequestType.code == "dummy.signalement"))
        citizens = [Citizen(first_name=name, last_name="Habitant") for name in ("Nid", "Banc", "Rien")]
        db.session.add_all(citizens)
        db.session.flush()
        for citizen, motif in zip(citizens, ("Nid de poule rue Haute", "Banc cassé")):
            db.session.add(Request(request_type_id=type_row.id, citizen_id=citizen.id, channel="guichet",
                                   state="recu", state_kind="new", reference=f"2026-{citizen.id:05d}",
                                   data={"motif": motif}, received_at=utcnow()))
        db.session.commit()
        definition = {"match": "all", "items": [{"criterion": "dummy.signaleurs", "params": {"motif": "Nid"}}]}
        assert segment_members(definition, as_admin) == {citizens[0].id}
    with commune_context(dummy_app, communes.b):
        admin_b = db.session.scalar(select(User).where(User.email == "admin@b.fr"))
        as_b = SegmentContext(communes.b, date(2026, 6, 15), admin_b,
                              db.session.scalar(select(Membership).where(Membership.user_id == admin_b.id)))
        assert "dummy.signaleurs" not in criteria_for(as_b)


# --- contributions per page ------------------------------------------------------

def menu_of(app, email) -> tuple[list[str], str]:
    """Labels of the menu items the home page rendered, and the page."""
    client = signed_in(app, email)
    with rendered_templates(app) as templates:
        page = client.get("/admin/")
    assert page.status_code == 200
    context = next(context for name, context in templates if name == "grc/home.html")
    return [str(item.label) for item in context["menu_items"]], page.get_data(as_text=True)


def test_hook_grc_menu_items(pair_app, pair_communes):
    agents(pair_app, pair_communes.a, "agent@a.fr", "elu@a.fr")
    agents(pair_app, pair_communes.b, "agent@b.fr")
    labels, page = menu_of(pair_app, "agent@a.fr")
    # Orders 20 (dummy), 40 (peer), 60 (dummy): sorted across plugins.
    assert labels == ["Tableau factice", "Guichet voisin", "Registre factice"]
    assert 'href="/dummy/"' in page and 'href="/admin/dummy_panel/"' in page

    # The dummy filters by permission: an élu lacks dummy.read.
    assert menu_of(pair_app, "elu@a.fr")[0] == ["Guichet voisin", "Registre factice"]

    labels, page = menu_of(pair_app, "agent@b.fr")
    assert labels == ["Guichet voisin"]
    assert 'href="/dummy/"' not in page


def test_hook_grc_citizen_panels(pair_app, pair_communes):
    agents(pair_app, pair_communes.a, "agent@a.fr")
    agents(pair_app, pair_communes.b, "agent@b.fr")
    citizen = SimpleNamespace(id=7, full_name="Léa <b>Martin</b>")
    seen = [SimpleNamespace(reference="2026-00001", subject="<i>Trottoir</i>")]
    with commune_context(pair_app, pair_communes.a) as a:
        user = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        panels = registry(pair_app).citizen_panels(active_plugins(a), citizen, seen, user, a)
        assert [(p.title, p.order) for p in panels] == [("Guichet voisin", 10), ("Registre factice", 30)]
        assert panels[1].template == "dummy/citizen_panel.html" and panels[1].context["requests"] is seen
        bodies = [str(panel.body).strip() for panel in render_panels(panels)]
    assert bodies == [
        "<p>Léa &lt;b&gt;Martin&lt;/b&gt; : aucun passage.</p>",
        "<p>Aucun signalement factice pour Léa &lt;b&gt;Martin&lt;/b&gt; à Villeneuve-sur-Loire.</p>\n"
        '<ul class="dummy-seen"><li>2026-00001 &lt;i&gt;Trottoir&lt;/i&gt;</li></ul>',
    ]
    with commune_context(pair_app, pair_communes.b) as b:
        user = db.session.scalar(select(User).where(User.email == "agent@b.fr"))
        assert [p.title for p in registry(pair_app).citizen_panels(active_plugins(b), citizen, [], user, b)] == [
            "Guichet voisin",
        ]


def test_hook_grc_request_panels(pair_app, pair_communes):
    agents(pair_app, pair_communes.a, "agent@a.fr")
    other = SimpleNamespace(request_type=SimpleNamespace(code="peer.rendez_vous"))
    with commune_context(pair_app, pair_communes.a) as a:
        user = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        user.full_name = "Léa <i>Roux</i>"
        panels = registry(pair_app).request_panels(active_plugins(a), SIGNALEMENT, user, a)
        assert registry(pair_app).request_panels(active_plugins(a), other, user, a) == []
        rendered = [(p.title, str(p.body).strip()) for p in render_panels(panels)]
        db.session.rollback()
    assert rendered == [("Suivi factice", "<p>Signalement factice suivi par Léa &lt;i&gt;Roux&lt;/i&gt;.</p>")]
    with commune_context(pair_app, pair_communes.b) as b:
        assert registry(pair_app).request_panels(active_plugins(b), SIGNALEMENT, None, b) == []


def test_hook_grc_portal_request_panels(pair_app, pair_communes):
    account = SimpleNamespace(first_name="Léa <i>")
    other = SimpleNamespace(request_type=SimpleNamespace(code="peer.rendez_vous"))
    with commune_context(pair_app, pair_communes.a) as a:
        panels = registry(pair_app).portal_request_panels(active_plugins(a), SIGNALEMENT, account, a)
        assert registry(pair_app).portal_request_panels(active_plugins(a), other, account, a) == []
        rendered = [(p.title, str(p.body).strip()) for p in render_panels(panels)]
    assert rendered == [("Votre signalement", "<p>Léa &lt;i&gt;, votre signalement VSL-2026-00042 est suivi.</p>")]
    with commune_context(pair_app, pair_communes.b) as b:
        assert registry(pair_app).portal_request_panels(active_plugins(b), SIGNALEMENT, account, b) == []


def test_hook_grc_portal_demarche_info(pair_app, pair_communes):
    with commune_context(pair_app, pair_communes.a) as a:
        infos = registry(pair_app).demarche_info(active_plugins(a), SIGNALEMENT.request_type, a)
        assert registry(pair_app).demarche_info(
            active_plugins(a), SimpleNamespace(code="peer.rendez_vous"), a) == []
    assert [(i.description, i.who, i.pieces, i.delay) for i in infos] == [
        ("Signaler un lampadaire <b>éteint</b>.", "Tout habitant.", ("Une photo", "Le numéro du lampadaire"),
         "Réparé sous 5 jours.")]
    with commune_context(pair_app, pair_communes.b) as b:
        assert registry(pair_app).demarche_info(active_plugins(b), SIGNALEMENT.request_type, b) == []
    with pytest.raises(TypeError):
        dummy.DemarcheInfo(pieces="une pièce")
    # The portal shows it, escaped, on the démarche's page and in the catalogue; not where the plugin is off.
    client = pair_app.test_client()
    page = client.get("/c/villeneuve/portal/procedures/dummy.signalement").get_data(as_text=True)
    assert "<p>Signaler un lampadaire &lt;b&gt;éteint&lt;/b&gt;.</p>" in page
    assert "<li>Une photo</li><li>Le numéro du lampadaire</li>" in page and "Réparé sous 5 jours." in page
    assert "Signaler un lampadaire &lt;b&gt;" in client.get("/c/villeneuve/portal/").get_data(as_text=True)
    assert client.get("/c/saint-aubin/portal/procedures/dummy.signalement").status_code == 404


# --- events ------------------------------------------------------------------------

def test_hook_grc_validate_request(pair_app, pair_communes):
    both = {"motif": "Je refuse ce lampadaire, c'est interdit"}
    with commune_context(pair_app, pair_communes.a) as a:
        active = active_plugins(a)
        signalement = next(t for t in registry(pair_app).request_types(active) if t.code == "dummy.signalement")
        validate = registry(pair_app).validate_request
        # Every objection, in load order.
        assert validate(active, signalement, both, a) == [REFUSED, FORBIDDEN]
        assert validate(active, signalement, {"motif": "Lampadaire éteint rue des Lilas"}, a) == []
        # The dummy judges its own request types only.
        other_type = SimpleNamespace(code="peer.rendez_vous")
        assert validate(active, other_type, {"motif": "je refuse"}, a) == []
    with commune_context(pair_app, pair_communes.b) as b:
        assert validate(active_plugins(b), signalement, both, b) == [FORBIDDEN]


def test_hook_grc_check_transition(dummy_app, communes):
    workflow = registry(dummy_app).workflows(["dummy"])[0]
    close, take, refuse = (next(t for t in workflow.transitions if t.code == code)
                           for code in ("clore", "prendre", "refuser"))
    at_the_station = SimpleNamespace(request_type=SIGNALEMENT.request_type, data={"quartier": "gare"})
    downtown = SimpleNamespace(request_type=SIGNALEMENT.request_type, data={"quartier": "centre"})
    with commune_context(dummy_app, communes.a) as a:
        check = registry(dummy_app).check_transition
        assert check(active_plugins(a), at_the_station, close, {}, None, a) == [dummy.GARE_NOT_CLOSED]
        assert check(active_plugins(a), at_the_station, take, {}, None, a) == []
        assert check(active_plugins(a), downtown, close, {}, None, a) == []
        # About one of the transition's own fields: a FieldError, shown next to it by the engine.
        assert check(active_plugins(a), downtown, refuse, {"motif_refus": "Non"}, None, a) == [
            FieldError("motif_refus", dummy.REFUSAL_TOO_VAGUE)]
    with commune_context(dummy_app, communes.b) as b:
        assert check(active_plugins(b), at_the_station, close, {}, None, b) == []


def test_hook_grc_request_submitted(dummy_app, communes):
    set_dummy(dummy_app, communes.b, enabled=True)
    set_dummy(dummy_app, communes.b, enabled=False)
    with commune_context(dummy_app, communes.a) as a:
        registry(dummy_app).request_submitted(active_plugins(a), SIGNALEMENT, a)
        db.session.rollback()  # same transaction as the request: rolled back with it
    assert journals(dummy_app, communes.a)[0] == ["enabled services=dummy.accueil"]

    with commune_context(dummy_app, communes.a) as a:
        registry(dummy_app).request_submitted(active_plugins(a), SIGNALEMENT, a)
        db.session.commit()
    assert journals(dummy_app, communes.a)[0] == ["enabled services=dummy.accueil", "submitted VSL-2026-00042"]

    with commune_context(dummy_app, communes.b) as b:
        registry(dummy_app).request_submitted(active_plugins(b), SIGNALEMENT, b)
        db.session.commit()
    assert journals(dummy_app, communes.b)[0] == ["enabled services=dummy.accueil", "disabled"]


def test_hook_grc_request_transitioned(dummy_app, communes):
    agents(dummy_app, communes.a, "agent@a.fr")
    agents(dummy_app, communes.b, "agent@b.fr")
    set_dummy(dummy_app, communes.b, enabled=True)
    set_dummy(dummy_app, communes.b, enabled=False)
    for commune_id, email in ((communes.a, "agent@a.fr"), (communes.b, "agent@b.fr")):
        with commune_context(dummy_app, commune_id) as commune:
            active = active_plugins(commune)
            actor = db.session.scalar(select(User).where(User.email == email))
            workflow = registry(dummy_app).workflows(["dummy"])[0]
            take = next(t for t in workflow.transitions if t.code == "prendre")
            registry(dummy_app).request_transitioned(active, SIGNALEMENT, take, actor, commune)
            db.session.commit()
    assert journals(dummy_app, communes.a)[0][-1] == "transitioned VSL-2026-00042 prendre by agent@a.fr"
    assert journals(dummy_app, communes.b)[0] == ["enabled services=dummy.accueil", "disabled"]


# --- decisions ---------------------------------------------------------------------

def test_hook_grc_tick(dummy_app, communes):
    from grc_core.plugin_api.testing import run_tick

    # Twice the same day (the run's clock, not the system's), then the next day.
    run_tick(dummy_app, "2026-12-06T08:00")
    run_tick(dummy_app, "2026-12-06T23:30")
    run_tick(dummy_app, datetime(2026, 12, 7, 0, 30, tzinfo=timezone.utc))
    with commune_context(dummy_app, communes.a) as a:
        assert dummy.ticks(a) == ["2026-12-06", "2026-12-07"]
    # Not active in B: not called there.
    with commune_context(dummy_app, communes.b) as b:
        assert dummy.ticks(b) == []


def test_hook_grc_rebuild_indicators(dummy_app, communes):
    from grc_core.cli import cli

    runner = dummy_app.test_cli_runner()
    result = runner.invoke(cli, ["indicators", "rebuild", "--commune", "villeneuve"])
    assert result.exit_code == 0, result.output
    assert journals(dummy_app, communes.a)[0][-1] == "indicators rebuilt"
    # Not active in B: not called there.
    assert runner.invoke(cli, ["indicators", "rebuild", "--commune", "saint-aubin"]).exit_code == 0
    assert "indicators rebuilt" not in journals(dummy_app, communes.b)[0]


def test_hook_grc_route_request(pair_app, pair_communes):
    route = registry(pair_app).route_request
    with commune_context(pair_app, pair_communes.a) as a:
        active = active_plugins(a)
        assert active == ["dummy", "peer"]
        decision = route(active, SIGNALEMENT, a)
        assert (decision.service, decision.reason) == ("dummy.accueil", "Signalement factice : accueil factice.")
        # Registered in reverse load order, pluggy's own firstresult call asks the dummy first too.
        assert pair_app.extensions["grc"].pm.hook.grc_route_request(request=SIGNALEMENT, commune=a).service == "dummy.accueil"
        # No opinion from the dummy: the next plugin answers.
        assert route(active, ATTESTATION, a).service == "peer.guichet"
    with commune_context(pair_app, pair_communes.b) as b:
        assert route(active_plugins(b), SIGNALEMENT, b).service == "peer.guichet"
    with commune_context(pair_app, pair_communes.c) as c:
        assert route(active_plugins(c), SIGNALEMENT, c) is None


class Countersign:
    """A hook wrapper, as a third party would add one (pluggy's ``wrapper=True``)."""

    @hookimpl(wrapper=True)
    def grc_route_request(self, request):
        decision = yield
        return None if decision is None else replace(decision, reason=f"{decision.reason} (contresigné)")


def test_the_registry_calls_hooks_through_pluggy_wrappers_and_tracing_included(pair_app, pair_communes):
    pm = registry(pair_app).pm
    traced = []
    pm.register(Countersign(), name="countersign")
    stop_tracing = pm.add_hookcall_monitoring(
        lambda hook_name, hook_impls, kwargs: traced.append(hook_name), lambda outcome, hook_name, hook_impls, kwargs: None)
    try:
        with commune_context(pair_app, pair_communes.a) as a:
            decision = registry(pair_app).route_request(active_plugins(a), SIGNALEMENT, a)
            registry(pair_app).request_panels(active_plugins(a), SIGNALEMENT, None, a)
    finally:
        stop_tracing()
        pm.unregister(name="countersign")
    assert decision.reason == "Signalement factice : accueil factice. (contresigné)"
    assert traced == ["grc_route_request", "grc_request_panels"]


def test_plugin_folders_are_found_by_convention_and_the_old_hooks_override_them(dummy_app, pair_app):
    # The peer implements neither grc_migrations_dir nor grc_translations_dir:
    # its templates are found next to its module (tests/plugins/templates).
    assert registry(pair_app).templates_dirs()["peer"] == str(Path(peer.__file__).parent / "templates")
    assert "peer" not in registry(pair_app).migrations_dirs()
    assert registry(pair_app).templates_dirs()["dummy"] == str(DUMMY_DIR / "templates")
    # The shipped plugins no longer implement them: their folders are found all the same.
    for name in ("etat_civil", "social", "ecoles", "urbanisme"):
        module = importlib.import_module(f"plugins.{name}.plugin")
        assert not hasattr(module, "grc_migrations_dir") and not hasattr(module, "grc_translations_dir")
    with pair_app.app_context():
        assert "peer/citizen_panel.html" in pair_app.jinja_env.list_templates()


def test_a_default_rule_cannot_hide_a_plugins_route_request(pair_app, pair_communes):
    # dummy.attestations (no condition) matches every attestation; the peer's hook has an opinion on
    # every request. The hooks are asked first: the rule no longer silently wins.
    from grc_core.models import Request, RequestType
    from grc_core.routing.engine import route

    with commune_context(pair_app, pair_communes.a):
        attestation = Request(reference="VSL-2026-00099", channel="guichet", data={}, state="nouvelle",
                              state_kind="new", request_type=db.session.scalar(
                                  select(RequestType).where(RequestType.code == "dummy.attestation")))
        db.session.add(attestation)
        db.session.flush()
        outcome = route(attestation)
        assert (outcome.source, outcome.reason) == ("plugin", "Tout passe par le guichet voisin.")
        assert db.session.get(Service, outcome.service_id).code == "peer.guichet"
        db.session.rollback()


# --- lifecycle -----------------------------------------------------------------------

def test_hook_grc_plugin_enabled(pair_app, pair_communes):
    agents(pair_app, pair_communes.c, "admin@c.fr")
    assert journals(pair_app, pair_communes.a) == (["enabled services=dummy.accueil"], ["enabled"])
    assert journals(pair_app, pair_communes.c) == ([], [])

    admin = signed_in(pair_app, "admin@c.fr")
    response = post_form(admin, "/admin/core_plugins/dummy/enable", token_url="/admin/core_plugins/")
    assert response.status_code == 302
    # Called on the dummy only, after its services were created.
    assert journals(pair_app, pair_communes.c) == (["enabled services=dummy.accueil"], [])

    assert not set_dummy(pair_app, pair_communes.c, enabled=True)  # already enabled: not called again
    assert journals(pair_app, pair_communes.c) == (["enabled services=dummy.accueil"], [])


def test_hook_grc_plugin_disabled(pair_app, pair_communes):
    agents(pair_app, pair_communes.a, "admin@a.fr")
    admin = signed_in(pair_app, "admin@a.fr")
    assert admin.get("/dummy/").status_code == 200
    response = post_form(admin, "/admin/core_plugins/dummy/disable", {"confirm": "yes"},
                         token_url="/admin/core_plugins/")
    assert response.status_code == 302
    assert journals(pair_app, pair_communes.a) == (["enabled services=dummy.accueil", "disabled"], ["enabled"])
    assert admin.get("/dummy/").status_code == 404
    with in_commune(pair_app, pair_communes.a):
        # Data kept: the service stays, ready for re-enabling.
        assert db.session.scalar(select(func.count()).select_from(Service).where(Service.code == "dummy.accueil")) == 1

    assert not set_dummy(pair_app, pair_communes.a, enabled=False)  # already disabled: not called again
    assert set_dummy(pair_app, pair_communes.a, enabled=True)
    assert journals(pair_app, pair_communes.a)[0] == [
        "enabled services=dummy.accueil", "disabled", "enabled services=dummy.accueil",
    ]
    assert admin.get("/dummy/").status_code == 200


def test_hook_grc_demo_data(dummy_app, communes, pair_app, pair_communes):
    def demo_state():
        with dummy_app.app_context():
            users = db.session.scalar(select(func.count()).select_from(User))
        with in_commune(dummy_app, communes.a):
            member = db.session.scalar(select(Membership).join(Membership.user).where(
                User.email == "registre-factice@villeneuve.fr"))
            services = [s.code for s in member.services] if member else None
        with in_commune(dummy_app, communes.b):
            in_b = db.session.scalar(select(func.count()).select_from(Membership).join(Membership.user).where(
                User.email.like("registre-factice@%")))
        return users, services, in_b

    with dummy_app.app_context():
        load_demo("mot-de-passe-demo")
    first = demo_state()
    assert first[1:] == (["dummy.accueil"], 0)  # in A, where the dummy is active; not in B
    with dummy_app.app_context():
        load_demo("mot-de-passe-demo")
    assert demo_state() == first  # idempotent: nothing added on the second run

    # The demo agent works: the dummy's page for its commune.
    demo_agent = dummy_app.test_client()
    login(demo_agent, "registre-factice@villeneuve.fr", DEMO_DATA_PASSWORD)
    assert demo_agent.get("/dummy/").get_data(as_text=True).endswith("Registre factice de Villeneuve-sur-Loire.")

    # Called for the one plugin named: the peer's demo data is not made.
    with commune_context(pair_app, pair_communes.a) as a:
        registry(pair_app).demo_data("dummy", a)
        db.session.commit()
    assert "demo" not in journals(pair_app, pair_communes.a)[1]
