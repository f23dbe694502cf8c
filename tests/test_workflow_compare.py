"""A commune's workflow copy against its plugin's template, side by side
(grc_core.workflows.compare and the workflow editor's page)."""
from __future__ import annotations

import copy

from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Workflow
from grc_core.plugin_api.testing import in_commune
from grc_core.plugin_api import StateSpec, TimerSpec, TransitionSpec, WorkflowDecl
from grc_core.workflows.compare import compare, has_differences
from grc_core.workflows.definition import fingerprint, from_decl
from tests.test_workflow_editor import admin, commune, stored, workflow_id  # noqa: F401 (fixtures)
from tests.test_workflow_engine import simple_definition


def test_an_identical_copy_has_no_difference():
    assert not has_differences(compare(simple_definition(), simple_definition()))


def test_added_removed_and_changed_rows_attribute_by_attribute():
    mine, template = simple_definition(), simple_definition()
    template["states"][1]["label"] = "En instruction"
    template["states"].append({"code": "archivee", "label": "Archivée", "kind": "closed", "visible": False})
    mine["transitions"] = [t for t in mine["transitions"] if t["code"] != "viser"]
    template["transitions"] = [t for t in template["transitions"] if t["code"] != "rouvrir"]
    template["transitions"][0]["roles"] = ["agent", "manager", "admin"]  # same set, another order: not a difference
    template["transitions"][0]["set_due_days"] = 10
    template["timers"][0]["delay_months"] = 3
    differences = compare(mine, template)
    states = {(d.code, d.status): d.attributes for d in differences["states"]}
    assert states == {
        ("en_cours", "changed"): [("label", "En cours d'instruction", "En instruction")],
        ("archivee", "added"): [("label", None, "Archivée"), ("kind", None, "closed"), ("visible", None, False)],
    }
    transitions = {(d.code, d.status): d.attributes for d in differences["transitions"]}
    assert transitions[("prendre", "changed")] == [("set_due_days", 5, 10)]
    assert ("rouvrir", "removed") in transitions and ("viser", "added") in transitions
    assert dict((n, t) for n, _, t in transitions[("viser", "added")])["permission"] == "core.audit.read"
    assert [(d.code, d.status, d.attributes) for d in differences["timers"]] == [
        ("classement_tacite", "changed", [("delay_months", 2, 3)])]


def test_missing_defaults_are_not_differences():
    mine = simple_definition()
    template = copy.deepcopy(mine)
    del template["states"][0]["visible"]
    del template["timers"][0]["anchor"]
    assert not has_differences(compare(mine, template))


def test_the_editor_shows_the_template_side_by_side_and_never_applies_it(app, admin, commune, monkeypatch):  # noqa: F811
    decl = WorkflowDecl("demo.simple", "Simple", states=(
        StateSpec("nouvelle", "Nouvelle", "new"), StateSpec("en_cours", "En instruction", "open"),
        StateSpec("close", "Traitée", "closed"), StateSpec("archivee", "Archivée <b>", "closed")),
        transitions=(TransitionSpec("prendre", "Prendre en charge", ("nouvelle",), "en_cours", set_due_days=10),
                     TransitionSpec("clore", "Clore", ("en_cours",), "close", roles=("admin", "manager"),
                                    notify_citizen=True)),
        timers=(TimerSpec("relance", "en_cours", "clore", delay_days=15),))
    registry = app.extensions["grc"]
    monkeypatch.setattr(registry, "workflows", lambda active=None: [decl])
    url = f"/admin/core_workflows/{workflow_id(app, commune)}/"
    # The commune's own workflow (no template): nothing to compare.
    assert 'id="template-differences"' not in admin.get(url).get_data(as_text=True)
    with in_commune(app, commune):
        workflow = db.session.scalar(select(Workflow))
        workflow.template = "demo.simple"
        workflow.template_version = "an older version"
        db.session.commit()
    page = admin.get(url).get_data(as_text=True)
    assert '<details class="mb-3" id="template-differences" open>' in page
    section = page[page.index('id="template-differences"'):page.index("</details>")]
    assert section.count('data-status="added"') == 2  # the state « archivee » and the timer « relance »
    assert 'data-status="removed"' in section and "<code>demander</code>" in section
    assert "<code>en_cours</code>" in section and "En cours d&#39;instruction" in section and "En instruction" in section
    assert "Archivée &lt;b&gt;" in section and "Archivée <b>" not in section  # escaped
    assert "<code>classement_tacite</code>" in section and "<code>relance</code>" in section
    assert stored(app, commune) == simple_definition()  # shown, never applied
    # The copy made from this very template version: the list stays closed.
    with in_commune(app, commune):
        db.session.scalar(select(Workflow)).template_version = fingerprint(from_decl(decl))
        db.session.commit()
    page = admin.get(url).get_data(as_text=True)
    assert '<details class="mb-3" id="template-differences">' in page
