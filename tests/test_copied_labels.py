"""Request types, states and transitions a domain copies into a commune keep
their translation key (grc_core.copied_labels): each agent reads them in his
language until the commune renames them; a commune's own type may carry an
English label."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Request, RequestType, User, Workflow
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form
from grc_core.workflows.definition import fingerprint, from_decl
from tests.test_workflow_editor import read_form, row_of

ENGLISH = {"type": "School enrolment", "state": "Arrived", "transition": "File checked", "next": "Assigned"}
FRENCH = {"type": "Inscription scolaire", "state": "Reçue", "transition": "Dossier vérifié", "next": "Affectée"}


@pytest.fixture
def town(app):
    if "ecoles" not in app.extensions["grc"].names:
        pytest.skip("the domain copied here (ecoles) is not loaded")
    commune = make_commune(app, plugins=["ecoles"])
    make_agent(app, commune, "admin@a.fr", "admin", full_name="Alice Admin")
    make_agent(app, commune, "anglais@a.fr", "agent", services=["ecoles.affaires_scolaires"], full_name="Brian English")
    make_agent(app, commune, "francais@a.fr", "agent", services=["ecoles.affaires_scolaires"], full_name="Bernard Français")
    with app.app_context():
        for email, locale in (("admin@a.fr", "en"), ("anglais@a.fr", "en"), ("francais@a.fr", "fr")):
            db.session.scalar(select(User).where(User.email == email)).locale = locale
        db.session.commit()
    with in_commune(app, commune):
        enrolment = db.session.scalar(select(RequestType).where(RequestType.code == "ecoles.inscription"))
        request = Request(request_type_id=enrolment.id, channel="guichet", reference="2026-00001", state="recue",
                          state_kind="new", service_id=enrolment.service_id, workflow_id=enrolment.workflow_id,
                          received_at=datetime(2026, 12, 1, 9, tzinfo=timezone.utc), data={})
        db.session.add(request)
        db.session.commit()
        return commune, request.id, enrolment.workflow_id


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


def test_the_copy_stores_the_default_language_and_the_key(app, town):
    commune, _request_id, workflow_id = town
    with in_commune(app, commune):
        enrolment = db.session.scalar(select(RequestType).where(RequestType.code == "ecoles.inscription"))
        assert (enrolment.label, enrolment.label_key) == ("Inscription scolaire", "School enrolment")
        workflow = db.session.get(Workflow, workflow_id)
        received = workflow.definition["states"][0]
        assert (received["label"], received["label_key"]) == ("Reçue", "Arrived")


@pytest.mark.parametrize(("email", "words"), [("anglais@a.fr", ENGLISH), ("francais@a.fr", FRENCH)])
def test_each_agent_reads_the_domains_names_in_his_language(app, town, email, words):
    _commune, request_id, _workflow_id = town
    client = signed_in(app, email)
    # The browser asks for the other language: the agent's own choice wins.
    other = "fr" if words is ENGLISH else "en"
    queue = client.get("/admin/requests/", headers={"Accept-Language": other}).get_data(as_text=True)
    assert words["type"] in queue and words["state"] in queue
    page = client.get(f"/admin/requests/{request_id}/", headers={"Accept-Language": other}).get_data(as_text=True)
    assert words["type"] in page and words["transition"] in page
    stepper = page[page.index('id="stepper"'):page.index("</ol>", page.index('id="stepper"'))]
    assert words["state"] in stepper and words["next"] in stepper
    unwanted = FRENCH if words is ENGLISH else ENGLISH
    assert unwanted["type"] not in queue and unwanted["transition"] not in page


def test_a_label_the_commune_renamed_stays_as_renamed_and_the_others_follow_the_language(app, town):
    commune, request_id, workflow_id = town
    admin = signed_in(app, "admin@a.fr")
    url = f"/admin/core_workflows/{workflow_id}/"
    form = read_form(admin.get(url).get_data(as_text=True))
    state = row_of(form, "state", "recue")
    assert form[state + "label"] == "Arrived"  # the English admin edits in English
    form[state + "label"] = "At the front desk"
    assert admin.post(url, data=form).status_code == 302
    with in_commune(app, commune):
        states = {s["code"]: s for s in db.session.get(Workflow, workflow_id).definition["states"]}
    assert states["recue"] == {"code": "recue", "label": "At the front desk", "kind": "new", "visible": True}
    # Untouched rows keep their French label and their key, though the admin saved in English.
    assert (states["verifiee"]["label"], states["verifiee"]["label_key"]) == ("Dossier vérifié", "File checked")
    for email in ("anglais@a.fr", "francais@a.fr"):
        page = signed_in(app, email).get(f"/admin/requests/{request_id}/").get_data(as_text=True)
        assert "At the front desk" in page
    assert "File checked" in signed_in(app, "anglais@a.fr").get(f"/admin/requests/{request_id}/").get_data(
        as_text=True)


def test_saving_the_editor_unchanged_keeps_every_key_and_the_template_unchanged(app, town):
    commune, _request_id, workflow_id = town
    admin = signed_in(app, "admin@a.fr")
    url = f"/admin/core_workflows/{workflow_id}/"
    with in_commune(app, commune):
        before = db.session.get(Workflow, workflow_id).definition
    assert admin.post(url, data=read_form(admin.get(url).get_data(as_text=True))).status_code == 302
    with in_commune(app, commune):
        workflow = db.session.get(Workflow, workflow_id)
        assert workflow.definition == before
        assert (workflow.label, workflow.label_key) == ("Inscription scolaire", "School enrolment")
    # The English admin is not told that the template changed: it is compared in the default language.
    assert "The domain's template changed" not in admin.get("/admin/core_workflows/").get_data(as_text=True)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        decl = next(d for d in app.extensions["grc"].workflows(["ecoles"]) if d.code == "ecoles.inscription")
        assert from_decl(decl)["states"][0]["label"] == "Reçue"
        with in_commune(app, commune):
            assert fingerprint(from_decl(decl)) == db.session.get(Workflow, workflow_id).template_version


def test_a_communes_own_type_shows_its_english_label_to_english_readers(app, town):
    commune, _request_id, workflow_id = town
    admin = signed_in(app, "admin@a.fr")
    response = post_form(admin, "/admin/core_request_types/new/", {
        "label": "Stationnement gênant", "label_en": "Obstructive parking", "code": "", "workflow_id": workflow_id,
        "service_id": "", "priority": "normale", "channels": ["guichet"], "active": "y"})
    assert response.status_code == 302
    with in_commune(app, commune):
        own = db.session.scalar(select(RequestType).where(RequestType.label == "Stationnement gênant"))
        assert (own.label_en, own.label_key) == ("Obstructive parking", None)
    listing = admin.get("/admin/core_request_types/").get_data(as_text=True)
    assert "Obstructive parking" in listing and "Stationnement gênant" not in listing
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "admin@a.fr")).locale = "fr"
        db.session.commit()
    listing = signed_in(app, "admin@a.fr").get("/admin/core_request_types/").get_data(as_text=True)
    assert "Stationnement gênant" in listing and "Obstructive parking" not in listing


def test_an_english_label_too_long_is_refused_and_nothing_is_stored(app, town):
    commune, _request_id, workflow_id = town
    admin = signed_in(app, "admin@a.fr")
    response = post_form(admin, "/admin/core_request_types/new/", {
        "label": "Stationnement gênant", "label_en": "x" * 201, "code": "", "workflow_id": workflow_id,
        "priority": "normale", "channels": ["guichet"], "active": "y"})
    assert response.status_code == 200
    assert "200" in response.get_data(as_text=True)
    with in_commune(app, commune):
        assert db.session.scalar(select(RequestType).where(RequestType.label == "Stationnement gênant")) is None
