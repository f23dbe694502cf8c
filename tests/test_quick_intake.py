"""Quick intake never loses input: what was typed survives the page reloading
for a type; types come grouped by domain with a type-ahead box that works
without JavaScript; filing the same request twice asks first, and nothing is
stored until the agent confirms."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from grc_core.extensions import db
from grc_core.models import Request
from grc_core.plugin_api.testing import in_commune, make_agent
from test_intake import submit
from test_requests import counts, make_citizen, setup_commune, signed_in


@pytest.fixture
def town(app):
    town = setup_commune(app)
    make_agent(app, town.id, "accueil@a.fr", "accueil")
    town.citizen = make_citizen(app, town.id, "Jeanne", "Martin")
    return town


def test_a_new_citizens_fields_are_kept_when_the_type_is_chosen(app, town):
    """The type's reload (script or no-JavaScript button) sends the whole form:
    the page shows it back instead of an empty citizen form."""
    client = signed_in(app, "accueil@a.fr")
    typed = {"citizen-first_name": "Paul", "citizen-last_name": "Durand-Lefèvre",
             "citizen-phone": "06 12 34 56 78", "subject": "Bac cassé", "priority": "haute"}
    html = client.get("/admin/intake/", query_string={**typed, "channel": "guichet", "type": town.bacs}
                      ).get_data(as_text=True)
    assert 'value="Paul"' in html and 'value="Durand-Lefèvre"' in html and 'value="06 12 34 56 78"' in html
    assert 'value="Bac cassé"' in html and '<option value="haute" selected>' in html
    assert "Nombre de poubelles" in html  # the chosen type's own fields
    assert "invalid-feedback" not in html  # kept, not judged: nothing was submitted yet


def test_the_script_sends_the_whole_form_but_never_the_csrf_token(app):
    script = app.test_client().get("/static/grc/intake.js").get_data(as_text=True)
    assert "new FormData(form)" in script and 'name !== "csrf_token"' in script


def test_types_are_grouped_by_domain_with_a_type_ahead_list(app, town):
    client = signed_in(app, "accueil@a.fr")
    html = client.get("/admin/intake/").get_data(as_text=True)
    group = html.split('<optgroup label="Commune&#39;s own types">')[1].split("</optgroup>")[0]
    assert "Demande de bacs" in group and "Attestation" in group
    assert '<input id="type-label" name="type_label" list="type-labels"' in html
    assert f'<option value="Demande de bacs" data-type-id="{town.bacs}">' in html


def test_plugin_types_are_under_their_domains_name(app):
    from grc_core.plugin_api.testing import make_commune

    if "urbanisme" not in app.extensions["grc"].names:
        pytest.skip("the urbanisme plugin is not loaded (GRC_TEST_PLUGINS)")
    commune_id = make_commune(app, "Urbaville", "45902", "urbaville", plugins=["urbanisme"])
    make_agent(app, commune_id, "accueil@u.fr", "accueil")
    html = signed_in(app, "accueil@u.fr").get("/admin/intake/").get_data(as_text=True)
    assert '<optgroup label="Town planning">' in html


def test_the_typed_label_chooses_the_type_without_javascript(app, town):
    client = signed_in(app, "accueil@a.fr")
    html = client.get("/admin/intake/", query_string={"type_label": "demande de BACS", "channel": "guichet",
                                                      "citizen-first_name": "Paul"}).get_data(as_text=True)
    assert f'<option value="{town.bacs}" selected>' in html and "Nombre de poubelles" in html
    assert 'value="Paul"' in html
    # A label that names no type changes nothing (and says nothing false).
    html = client.get("/admin/intake/", query_string={"type_label": "Permis de voler", "type": town.attestation}
                      ).get_data(as_text=True)
    assert f'<option value="{town.attestation}" selected>' in html


def test_the_typed_label_is_enough_to_file(app, town):
    client = signed_in(app, "accueil@a.fr")
    response = submit(client, citizen=town.citizen, type="", type_label="Attestation")
    assert response.status_code == 302
    with in_commune(app, town.id):
        assert db.session.scalar(select(Request.request_type_id)) == town.attestation


def test_filing_the_same_request_again_asks_and_stores_nothing_until_confirmed(app, town):
    client = signed_in(app, "accueil@a.fr")
    first = submit(client, citizen=town.citizen, type=town.attestation, subject="Attestation de domicile")
    assert first.status_code == 302
    before = counts(app, town.id)

    again = submit(client, citizen=town.citizen, type=town.attestation, subject="Attestation de domicile")
    html = again.get_data(as_text=True)
    assert again.status_code == 400
    assert "A request of this type was filed for this citizen a few minutes ago." in html
    with in_commune(app, town.id):
        reference = db.session.scalar(select(Request.reference))
    assert 'id="duplicate-request"' in html and reference in html and 'name="confirm_duplicate"' in html
    assert 'value="Attestation de domicile"' in html  # the agent's input is shown back
    assert counts(app, town.id) == before  # nothing stored

    confirmed = submit(client, citizen=town.citizen, type=town.attestation, subject="Attestation de domicile",
                       confirm_duplicate="1")
    assert confirmed.status_code == 302
    assert counts(app, town.id)["Request"] == before["Request"] + 1


def test_another_type_another_citizen_or_an_old_request_files_at_once(app, town):
    client = signed_in(app, "accueil@a.fr")
    assert submit(client, citizen=town.citizen, type=town.attestation).status_code == 302
    assert submit(client, citizen=town.citizen, type=town.bacs, f_motif="Cassée", f_nombre="1").status_code == 302
    other = make_citizen(app, town.id, "Marc", "Petit", email="marc@example.org")
    assert submit(client, citizen=other, type=town.attestation).status_code == 302
    with in_commune(app, town.id):
        # The window passes: the first attestation is now an hour old.
        db.session.execute(update(Request).where(Request.citizen_id == town.citizen)
                           .values(received_at=Request.received_at - timedelta(hours=1)))
        db.session.commit()
    assert submit(client, citizen=town.citizen, type=town.attestation).status_code == 302


def test_the_window_is_a_setting(app, town):
    client = signed_in(app, "accueil@a.fr")
    app.config["GRC_INTAKE_DUPLICATE_MINUTES"] = 0
    try:
        assert submit(client, citizen=town.citizen, type=town.attestation).status_code == 302
        assert submit(client, citizen=town.citizen, type=town.attestation).status_code == 302
    finally:
        del app.config["GRC_INTAKE_DUPLICATE_MINUTES"]


def test_a_request_the_agent_may_not_read_is_never_revealed(app, town):
    """Another agent's filing this agent may not read (another service's)
    does not trigger the warning: its reference would leak."""
    front = signed_in(app, "accueil@a.fr")
    assert submit(front, citizen=town.citizen, type=town.attestation).status_code == 302
    with in_commune(app, town.id):
        reference = db.session.scalar(select(Request.reference))
    make_agent(app, town.id, "voirie@a.fr", "agent", services=["voirie"])
    voirie = signed_in(app, "voirie@a.fr")
    response = submit(voirie, citizen=town.citizen, type=town.attestation)
    assert response.status_code == 302 and reference not in response.get_data(as_text=True)
    assert counts(app, town.id)["Request"] == 2
