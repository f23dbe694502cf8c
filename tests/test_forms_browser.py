"""Headless Chromium: the field editor's "add a field" button, and
forms.js showing a conditional field only while its condition holds."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from grc_core.extensions import db
from grc_core.forms.specs import fields_of, spec_to_dict
from grc_core.forms.validation import build_form, render_fields
from grc_core.models import RequestType, Workflow
from grc_core.plugin_api.testing import browser_login, in_commune, make_agent, make_commune
from grc_core.plugin_api import FieldSpec

pytestmark = pytest.mark.browser
FORMS_JS = Path(__file__).parents[1] / "grc_core" / "static" / "grc" / "forms.js"


def test_admin_adds_fields_with_the_editor(app, live_server, page):
    commune = make_commune(app, plugins=[])
    make_agent(app, commune, "admin@a.fr", "admin")
    with in_commune(app, commune):
        db.session.add(Workflow(code="commune.simple", label="Traitement simple", definition={
            "states": [{"code": "nouvelle", "label": "Nouvelle", "kind": "new", "visible": True}],
            "transitions": [], "timers": []}))
        db.session.commit()
    browser_login(page, live_server, "admin@a.fr")
    page.goto(f"{live_server}/admin/core_request_types/new/")
    page.fill("#label", "Prêt de matériel")
    page.select_option("#workflow_id", label="Traitement simple")
    page.fill("#fields-0-label", "Matériel")
    page.select_option("#fields-0-type", "choice")
    page.fill("#fields-0-choices", "Tables\nChaises\nautre|Autre")
    for _ in range(2):
        page.click("#grc-add-field")
    assert page.locator(".grc-field-row").count() == 5
    assert page.evaluate("document.activeElement.id") == "fields-4-label"
    page.fill("#fields-4-label", "Précisez")
    page.fill("#fields-4-cond_field", "materiel")
    page.fill("#fields-4-cond_values", "Autre")
    page.check("#fields-4-required")
    page.click("button[type=submit].btn-primary")
    page.wait_for_load_state()
    assert page.url.endswith("/admin/core_request_types/")
    with in_commune(app, commune):
        created = db.session.scalar(select(RequestType).where(RequestType.code == "commune.pret_de_materiel"))
        specs = fields_of(created)
    assert [(s.name, s.type, s.condition) for s in specs] == [
        ("materiel", "choice", None), ("precisez", "text", ("materiel", ("autre",)))]


def test_a_conditional_field_shows_only_while_its_condition_holds(app, page):
    specs = [
        FieldSpec("categorie", "Catégorie", "choice", choices=(("voirie", "Voirie"), ("autre", "Autre"))),
        FieldSpec("precision", "Précisez", "text", required=True, condition=("categorie", ("autre",))),
        FieldSpec("rappel", "Être rappelé", "boolean"),
        FieldSpec("heure", "Heure de rappel", "text", condition=("rappel", ("oui",))),
        FieldSpec("jours", "Jours", "multichoice", choices=(("lundi", "Lundi"), ("mardi", "Mardi")),
                  condition=("rappel", ("oui",))),
    ]
    request_type = RequestType(code="commune.essai", label="Essai", fields=[spec_to_dict(s) for s in specs])
    with app.test_request_context("/"):
        form = build_form(request_type, MultiDict())
        html = str(render_fields(form))
    script = FORMS_JS.read_text()
    page.set_content(f"<form>{html.split('<script')[0]}</form><script>{script}</script>")

    def shown(name):
        return page.locator(f"[name={name}]").first.is_visible()

    assert not shown("f_precision") and not shown("f_heure") and not shown("f_jours")
    page.select_option("[name=f_categorie]", "autre")
    assert shown("f_precision")
    page.select_option("[name=f_categorie]", "voirie")
    assert not shown("f_precision")
    page.check("[name=f_rappel]")
    assert shown("f_heure") and shown("f_jours")
    page.uncheck("[name=f_rappel]")
    assert not shown("f_heure") and not shown("f_jours")
