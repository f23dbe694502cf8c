"""Plugin panels are safe by construction: a panel is a template of the
plugin rendered by the core with autoescape, never an HTML string, and the
citizen's panels get only the requests the agent may read."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from grc_core.plugin_api import (
    Citizen, CitizenPanel, Request, RequestPanel, RequestType, User, create_request, db,
)
from grc_core.plugin_api.testing import build_test_app, empty_tables, in_commune, make_agent, make_commune, signed_in

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert('grc')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;grc&#39;)&lt;/script&gt;"
PANELS = {"dummy": "tests.plugins.dummy.plugin", "secret": "tests.plugins.secret"}


@pytest.mark.parametrize("panel", [CitizenPanel, RequestPanel])
def test_a_panel_is_a_template_never_an_html_string(panel):
    with pytest.raises(TypeError, match=r"must name a template of the plugin"):
        panel("Notes", "<p>Bonjour</p>")
    for not_a_template in ("dummy/notes.txt", "notes.html", "dummy/../../core/base.html", None):
        with pytest.raises(TypeError):
            panel("Notes", not_a_template)
    with pytest.raises(TypeError, match="context must be a mapping"):
        panel("Notes", "dummy/notes.html", "<p>Bonjour</p>")
    assert panel("Notes", "dummy/notes.html").context == {}


def test_no_template_shows_anything_unescaped():
    templates = [*(ROOT / "grc_core" / "templates").rglob("*.html"), *(ROOT / "plugins").glob("*/templates/**/*.html"),
                 *(ROOT / "tests" / "plugins").rglob("*.html")]
    assert len(templates) > 40
    offences = [str(path.relative_to(ROOT)) for path in templates
                if any(mark in path.read_text(encoding="utf-8").replace(" ", "")
                       for mark in ("|safe", "autoescapefalse", "Markup("))]
    assert offences == []


# Values the domains' rules check (a cadastral reference, a child's age).
RULED = {"parcelles": "AB 123", "enfant_naissance": "2020-03-01", "annee_scolaire": "2026"}


def _sample(spec):
    """A value the field accepts; free text carries a script."""
    if spec.name in RULED:
        return RULED[spec.name]
    if spec.type in ("text", "textarea", "address"):
        return f"{SCRIPT} {spec.name}"
    return {"date": "2026-01-15", "boolean": "y", "email": "lea@example.org", "phone": "0601020304",
            "integer": str(int(spec.min or 1)), "decimal": str(int(spec.min or 1)),
            "choice": str(spec.choices[0][0]) if spec.choices else "",
            "multichoice": str(spec.choices[0][0]) if spec.choices else ""}.get(spec.type, "")


def _plugin_samples(app, commune_id, names) -> dict[str, dict]:
    """Form data for the types whose rules refuse any generic sample: a loan
    asks for a future period and the commune's own equipment (equipements)."""
    samples = {}
    if "equipements" in names:
        from plugins.equipements.models import EquipmentItem

        with in_commune(app, commune_id):
            db.session.add(EquipmentItem(code="TABLES", name="Tables", stock=10))
            db.session.commit()
        day = (date.today() + timedelta(days=60)).isoformat()
        samples["equipements.pret"] = {"date_debut": day, "heure_debut": "09:00", "date_fin": day,
                                       "heure_fin": "18:00", "materiel": "2 tables", "mode": "retrait",
                                       "objet": SCRIPT}
    return samples


def _file(app, commune_id, decl, citizen_id, actor_email, sample=None) -> int | None:
    with in_commune(app, commune_id):
        actor = db.session.scalar(select(User).where(User.email == actor_email))
        request_type = db.session.scalar(select(RequestType).where(RequestType.code == decl.code))
        values = sample or {spec.name: _sample(spec) for spec in decl.fields if spec.type != "file"}
        formdata = MultiDict({f"f_{name}": value for name, value in values.items()})
        created, _errors = create_request(request_type=request_type, citizen=db.session.get(Citizen, citizen_id),
                                          channel="guichet", formdata=formdata, actor=actor, subject=SCRIPT)
        if created is None:  # the plugin's rules refuse generic data for this type
            db.session.rollback()
            return None
        return created.id


def _citizen(app, commune_id, **names) -> int:
    with in_commune(app, commune_id):
        citizen = Citizen(first_name=names.get("first_name", SCRIPT), last_name=names.get("last_name", SCRIPT),
                          address_street=SCRIPT, email="lea@example.org")
        db.session.add(citizen)
        db.session.commit()
        return citizen.id


def test_a_script_in_citizen_and_request_data_comes_out_escaped_in_every_panel(app):
    registry = app.extensions["grc"]
    if not registry.names:
        pytest.skip("the panels are the plugins': none is loaded (the core alone)")
    commune = make_commune(app)
    permissions = [p.code for plugin in registry.names for p in registry.declared_by("grc_register_permissions",
                                                                                   plugin)]
    make_agent(app, commune, "admin@a.fr", "admin", permissions=permissions)
    citizen = _citizen(app, commune)
    samples = _plugin_samples(app, commune, registry.names)
    filed = {decl.code: _file(app, commune, decl, citizen, "admin@a.fr", samples.get(decl.code))
             for decl in registry.request_types()}
    client = signed_in(app, "admin@a.fr")
    with_panels = set()
    for code, request_id in filed.items():
        if request_id is None:
            continue
        page = client.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
        assert SCRIPT not in page, code
        if "grc-plugin-panel" in page:
            with_panels.add(code.split(".")[0])
    # Each plugin with request types showed a panel on the page of at least one of its requests
    # (a plugin without any, such as campaigns or surveys, shows its panels on the citizen's record).
    domains = {name for name in registry.names if registry.declared_by("grc_register_request_types", name)}
    if not domains:
        pytest.skip("no loaded plugin declares request types: no request to file")
    assert with_panels == domains
    page = client.get(f"/admin/citizens/{citizen}/").get_data(as_text=True)
    assert page.count("grc-plugin-panel") >= 2
    assert SCRIPT not in page and ESCAPED in page


@pytest.fixture(scope="module")
def panels_app(tmp_path_factory):
    application = build_test_app(tmp_path_factory, plugins=["dummy", "secret"], extra_plugins=PANELS,
                                 name="panels", own_database=True)
    yield application
    with application.app_context():
        db.engine.dispose()


def test_citizen_panels_get_only_the_requests_the_agent_may_read(panels_app):
    try:
        registry = panels_app.extensions["grc"]
        commune = make_commune(panels_app, plugins=["dummy", "secret"])
        services = [s.code for s in registry.services()]
        make_agent(panels_app, commune, "reader@a.fr", "agent", services=services, permissions=["secret.read"])
        make_agent(panels_app, commune, "agent@a.fr", "agent", services=services)
        citizen = _citizen(panels_app, commune, first_name="Léa", last_name="Martin")
        decls = {decl.code: decl for decl in registry.request_types()}
        secret = _file(panels_app, commune, decls["secret.dossier"], citizen, "reader@a.fr")
        plain = _file(panels_app, commune, decls["dummy.signalement"], citizen, "reader@a.fr")
        with in_commune(panels_app, commune):
            references = dict(db.session.execute(select(Request.id, Request.reference)
                                                 .where(Request.citizen_id == citizen)).all())
        assert set(references) == {secret, plain}

        def seen_by(email):
            page = signed_in(panels_app, email).get(f"/admin/citizens/{citizen}/").get_data(as_text=True)
            listed = page.split('class="dummy-seen"', 1)[1].split("</ul>", 1)[0]
            return {request_id for request_id, reference in references.items() if reference in listed}

        assert seen_by("reader@a.fr") == {secret, plain}
        assert seen_by("agent@a.fr") == {plain}
    finally:
        empty_tables(panels_app)


def test_plugin_pages_extend_the_documented_base_template():
    # Every back-office page of a plugin; a public page (for citizens) has the public layout.
    pages = [path for path in [*(ROOT / "plugins").glob("*/templates/**/*.html"), *(ROOT / "tests" / "plugins").rglob(
        "*.html")] if "{% extends" in (text := path.read_text(encoding="utf-8")) and "grc/layout.html" not in text]
    assert len(pages) >= 5
    for path in pages:
        # A public page (a signed link's, no back office) has the public layout, a portal page (a citizen
        # signed in on the portal) the portal's, each in a folder saying so.
        base = {"public": "grc/layout.html", "portal": "portal/base.html"}.get(path.parent.name,
                                                                              "grc/plugin_page.html")
        assert path.read_text(encoding="utf-8").startswith(f"{{% extends '{base}' %}}"), path


def test_the_base_template_titles_the_page(panels_app):
    try:
        commune = make_commune(panels_app, plugins=["dummy"])
        make_agent(panels_app, commune, "agent@a.fr", "agent", permissions=["dummy.read"])
        page = signed_in(panels_app, "agent@a.fr").get("/admin/dummy_panel/").get_data(as_text=True)
        assert "<title>Tableau factice · GRC</title>" in page
        assert page.count("<h1") == 1 and '<h1 class="h3">Tableau factice</h1>' in page
        # Once in the page, not again above it as Flask-Admin's own heading (its block "page_title").
        assert page.split("</nav>", 1)[1].count("Tableau factice") == 1
    finally:
        empty_tables(panels_app)
