"""Requests of a plugin's types: filed and routed while the domain is enabled;
once it is disabled, refused even with a forged form, and out of sight."""
import io
from types import SimpleNamespace

import pytest
from markupsafe import escape
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Attachment, Commune, Request, RequestType
from grc_core.plugin_api.testing import build_test_app, csrf_token, empty_tables, in_commune, make_agent, make_commune
from grc_core.tenancy import disable_plugin
from test_requests import counts, make_citizen, signed_in
from tests.plugins.dummy import plugin as dummy

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(scope="module")
def dummy_app(tmp_path_factory):
    app = build_test_app(tmp_path_factory, plugins=["dummy"], extra_plugins={"dummy": "tests.plugins.dummy.plugin"},
                         name="requests", own_database=True)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def town(dummy_app):
    commune = make_commune(dummy_app, "Villeneuve-sur-Loire", "45901", "villeneuve")
    make_agent(dummy_app, commune, "accueil@a.fr", "accueil")
    with in_commune(dummy_app, commune):
        types = {t.code: t.id for t in db.session.scalars(select(RequestType))}
    yield SimpleNamespace(id=commune, types=types, citizen=make_citizen(dummy_app, commune))
    empty_tables(dummy_app)


def file_signalement(client, town, **fields):
    data = {"csrf_token": csrf_token(client, "/admin/intake/"), "channel": "guichet",
            "type": town.types["dummy.signalement"], "citizen": town.citizen, "f_motif": "Lampadaire",
            "f_quartier": "centre"}
    data.update(fields)
    return client.post("/admin/intake/", data=data)


def test_a_plugin_type_is_filed_routed_and_announced_to_the_plugin(dummy_app, town):
    client = signed_in(dummy_app, "accueil@a.fr")
    assert file_signalement(client, town).status_code == 302
    with in_commune(dummy_app, town.id):
        req = db.session.scalar(select(Request))
        assert req.service.code == "dummy.accueil" and req.priority == "haute"  # the plugin's rule
        assert dummy.journal(db.session.get(Commune, town.id))[-1] == f"submitted {req.reference}"
    # The plugin's validator speaks above the fields; nothing is stored.
    before = counts(dummy_app, town.id)
    response = file_signalement(client, town, f_motif="je refuse")
    assert response.status_code == 400
    assert "Le signalement factice ne peut pas contenir le mot « refuse »." in response.get_data(as_text=True)
    assert counts(dummy_app, town.id) == before
    # A message about one field is shown next to that field.
    response = file_signalement(client, town, f_motif="Abribus cassé", f_quartier="gare")
    assert response.status_code == 400
    assert (f'data-grc-error-for="quartier">{escape(dummy.GARE_SHELTERS)}</div>'
            in response.get_data(as_text=True))
    assert counts(dummy_app, town.id) == before


def test_a_disabled_domain_cannot_be_filed_seen_nor_downloaded(dummy_app, town):
    client = signed_in(dummy_app, "accueil@a.fr")
    file_signalement(client, town)
    with in_commune(dummy_app, town.id):
        request_id = db.session.scalar(select(Request.id))
    client.post(f"/admin/requests/{request_id}/attachments", data={
        "csrf_token": csrf_token(client, f"/admin/requests/{request_id}/"), "files": [(io.BytesIO(PDF), "a.pdf")]},
        content_type="multipart/form-data")
    with in_commune(dummy_app, town.id):
        attachment_id = db.session.scalar(select(Attachment.id))
        disable_plugin(db.session.get(Commune, town.id), "dummy")
        db.session.commit()
    assert attachment_id is not None
    before = counts(dummy_app, town.id)
    response = file_signalement(client, town)
    assert response.status_code == 400
    assert "This type of request does not exist or cannot be filed." in response.get_data(as_text=True)
    assert counts(dummy_app, town.id) == before
    assert client.get(f"/admin/requests/{request_id}/").status_code == 404
    assert client.get(f"/admin/requests/attachments/{attachment_id}").status_code == 404
    assert "data-reference=" not in client.get("/admin/requests/").get_data(as_text=True)
    assert "Signalement factice" not in client.get("/admin/intake/").get_data(as_text=True)


def test_the_request_page_shows_the_plugins_panels_and_its_guards_refuse(dummy_app, town):
    client = signed_in(dummy_app, "accueil@a.fr")
    make_agent(dummy_app, town.id, "agent@a.fr", "agent", services=["dummy.accueil"])
    file_signalement(client, town, f_quartier="gare")
    with in_commune(dummy_app, town.id):
        req = db.session.scalar(select(Request))
        request_id = req.id
        # The plugin's own bookkeeping (dummy_*) is for its panel, not the form's rows.
        req.data = {**req.data, "dummy_visite_prevue": "2026-12-24", "ancien_champ": "gardé"}
        db.session.commit()
    agent = signed_in(dummy_app, "agent@a.fr")
    page = agent.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "Suivi factice" in page and "Signalement factice suivi par" in page
    assert "2026-12-24" not in page and "Ancien champ" in page and "gardé" in page

    def act(code):
        token = csrf_token(agent, f"/admin/requests/{request_id}/")
        with in_commune(dummy_app, town.id):
            version = db.session.get(Request, request_id).version
        return agent.post(f"/admin/requests/{request_id}/transition",
                          data={"csrf_token": token, "transition": code, "version": version})

    assert act("prendre").status_code == 302
    # The guard refuses closing as things stand: no button for it...
    page = agent.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert 'value="clore"' not in page
    # ...and a forged POST is refused by the server all the same.
    refused = act("clore")
    assert refused.status_code == 409
    assert dummy.GARE_NOT_CLOSED.replace("'", "&#39;") in refused.get_data(as_text=True)
    with in_commune(dummy_app, town.id):
        assert db.session.get(Request, request_id).state == "en_cours"
