"""The commune admin creates and edits request types, fields included, in the back office."""
from __future__ import annotations

import pytest
from flask_babel import gettext
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from grc_core.extensions import db
from grc_core.forms.specs import active_request_types, fields_of, usable_request_type
from grc_core.forms.validation import validate_request_data
from grc_core.models import AuditEvent, Commune, RequestType, Service, Workflow
from grc_core.plugin_api.testing import csrf_token, in_commune, login, make_agent, make_commune, post_form

URL = "/admin/core_request_types/"


def french(app, msgid, **values):
    """What a French page shows for one of our messages (escaped as in HTML)."""
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        return str(escape(gettext(msgid, **values)))


def add_service_and_workflow(app, commune):
    with in_commune(app, commune):
        service = Service(code="voirie", name="Voirie")
        workflow = Workflow(code="commune.simple", label="Traitement simple", definition={
            "states": [{"code": "nouvelle", "label": "Nouvelle", "kind": "new", "visible": True},
                       {"code": "close", "label": "Close", "kind": "closed", "visible": True}],
            "transitions": [{"code": "clore", "label": "Clore", "source": ["nouvelle"], "target": "close"}],
            "timers": [],
        })
        db.session.add_all([service, workflow])
        db.session.commit()
        return service.id, workflow.id


@pytest.fixture
def admin(app, client):
    commune = make_commune(app, plugins=[])
    make_agent(app, commune, "admin@a.fr", "admin")
    make_agent(app, commune, "agent@a.fr", "agent")
    login(client, "admin@a.fr")
    client.commune_id = commune
    client.service_id, client.workflow_id = add_service_and_workflow(app, commune)
    return client


def settings(client, **values):
    data = {"label": "Stationnement gênant", "code": "", "service_id": str(client.service_id),
            "workflow_id": str(client.workflow_id), "sla_days": "5", "priority": "haute",
            "channels": ["guichet", "telephone"], "active": "y"}
    data.update(values)
    return data


def rows(*fields):
    """Editor rows as a browser posts them (fields-<i>-<attribute>)."""
    data = MultiDict()
    for index, field in enumerate(fields):
        for key, value in field.items():
            data.add(f"fields-{index}-{key}", value)
    return data


def post(client, url, data, field_rows=()):
    payload = MultiDict(data)
    for key, value in rows(*field_rows).items(multi=True):
        payload.add(key, value)
    payload["csrf_token"] = csrf_token(client, URL)
    return client.post(url, data=payload)


def count_types(app, commune):
    with in_commune(app, commune):
        return db.session.scalar(select(func.count()).select_from(RequestType))


FIELDS = (
    {"label": "Immatriculation", "type": "text", "required": "y", "max": "12", "help": "Telle que sur la plaque"},
    {"label": "Gêne", "type": "choice", "choices": "Trottoir\nPassage piéton\nautre|Autre chose"},
    {"label": "Précisez", "name": "precision", "type": "textarea", "required": "y", "cond_field": "gene",
     "cond_values": "Autre chose"},
    {"label": "Nombre de véhicules", "type": "integer", "min": "1", "max": "20"},
    {"label": "", "name": "", "type": "text"},  # a blank row is ignored
)


def test_admin_creates_a_type_that_agents_can_use_at_once(app, admin):
    response = post(admin, f"{URL}new/", settings(admin), FIELDS)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with in_commune(app, admin.commune_id):
        created = db.session.scalar(select(RequestType).where(RequestType.code == "commune.stationnement_genant"))
        assert created.plugin is None and created.label == "Stationnement gênant"
        assert created.service_id == admin.service_id and created.workflow_id == admin.workflow_id
        assert (created.sla_days, created.priority, created.channels) == (5, "haute", ["guichet", "telephone"])
        assert created.active and not created.public
        specs = fields_of(created)
        assert [s.name for s in specs] == ["immatriculation", "gene", "precision", "nombre_de_vehicules"]
        assert specs[1].choices == (("trottoir", "Trottoir"), ("passage_pieton", "Passage piéton"),
                                    ("autre", "Autre chose"))
        # The admin wrote the choice's label; the condition holds its value.
        assert specs[2].condition == ("gene", ("autre",))
        assert (specs[3].min, specs[3].max) == (1, 20) and specs[0].max == 12 and specs[0].required
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target == created.code)) \
            == "request_type.created"
        type_id = created.id
    listing = admin.get(URL).get_data(as_text=True)
    assert "Stationnement gênant" in listing and "commune.stationnement_genant" in listing

    agent = app.test_client()
    login(agent, "agent@a.fr")
    with app.test_request_context("/", headers={"Accept-Language": "en"}), in_commune(app, admin.commune_id):
        assert type_id in [t.id for t in active_request_types("guichet")]
        assert type_id not in [t.id for t in active_request_types("web")]
        request_type = usable_request_type(type_id, "telephone")
        commune = db.session.get(Commune, admin.commune_id)
        data, errors = validate_request_data(request_type, MultiDict({
            "f_immatriculation": "AB-123-CD", "f_gene": "autre", "f_nombre_de_vehicules": "2"}), commune)
        assert errors == {"precision": ["This field is required."]}
        data, errors = validate_request_data(request_type, MultiDict({
            "f_immatriculation": "AB-123-CD", "f_gene": "trottoir"}), commune)
        assert errors == {} and data == {"immatriculation": "AB-123-CD", "gene": "trottoir",
                                         "nombre_de_vehicules": None}


def test_the_new_type_page_offers_the_communes_services_workflows_and_an_editor(app, admin):
    page = admin.get(f"{URL}new/").get_data(as_text=True)
    assert "Voirie" in page and "Traitement simple" in page
    assert 'name="fields-0-label"' in page and 'name="fields-2-type"' in page
    assert 'id="grc-field-row-template"' in page and "__index__" in page


@pytest.mark.parametrize(("field_rows", "msgid", "values"), [
    (({"label": "Gêne", "type": "choice", "choices": ""},), "Field %(name)s: a list of choices is required.",
     {"name": "gene"}),
    (({"label": "Âge", "type": "integer", "min": "10", "max": "5"},),
     "Field %(name)s: the minimum is greater than the maximum.", {"name": "age"}),
    (({"label": "Âge", "type": "integer", "min": "dix"},), "Field %(name)s: the %(bound)s must be a number.",
     {"name": "age", "bound": "minimum"}),
    (({"label": "Précisez", "cond_field": "gene", "cond_values": "autre"}, {"label": "Gêne", "type": "choice",
                                                                           "choices": "autre"}),
     "Field %(name)s: the condition must refer to a field above it (« %(field)s »).",
     {"name": "precisez", "field": "gene"}),
    (({"label": "Nom"}, {"label": "Nom"}), "Field %(name)s: another field already has this name.", {"name": "nom"}),
    (({"label": "Nom", "name": "Nom-Complet"},),
     "Field %(name)s: the name must be lower-case letters, digits and underscores, starting with a letter "
     "(at most %(max)d characters).", {"name": "Nom-Complet", "max": 60}),
    (({"label": "Nom", "type": "colour"},), "Field %(name)s: unknown type « %(type)s ».",
     {"name": "nom", "type": "colour"}),
])
def test_bad_fields_are_refused_with_the_reason_and_nothing_is_stored(app, admin, field_rows, msgid, values):
    before = count_types(app, admin.commune_id)
    if "bound" in values:
        with app.test_request_context("/", headers={"Accept-Language": "fr"}):
            values = {**values, "bound": gettext("minimum")}
    response = post(admin, f"{URL}new/", settings(admin), field_rows)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="grc-spec-errors"' in page
    assert french(app, msgid, **values) in page
    assert count_types(app, admin.commune_id) == before
    # What the admin typed is still there to be corrected.
    assert f'value="{escape(field_rows[0]["label"])}"' in page


@pytest.mark.parametrize(("values", "field", "msgid"), [
    ({"label": ""}, "label", None),
    ({"workflow_id": ""}, "workflow_id", "Choose a workflow."),
    ({"channels": []}, "channels", "Choose at least one channel."),
    ({"sla_days": "0"}, "sla_days", None),
    ({"code": "Pas un code!"}, "code", "Lower-case letters, digits and underscores after « commune. »."),
])
def test_bad_settings_are_refused_next_to_the_field(app, admin, values, field, msgid):
    before = count_types(app, admin.commune_id)
    response = post(admin, f"{URL}new/", settings(admin, **values), FIELDS)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'data-grc-error-for="{field}"' in page
    if msgid:
        assert french(app, msgid) in page
    assert count_types(app, admin.commune_id) == before


def test_codes_are_unique_and_made_from_the_label(app, admin):
    assert post(admin, f"{URL}new/", settings(admin)).status_code == 302
    assert post(admin, f"{URL}new/", settings(admin)).status_code == 302
    with in_commune(app, admin.commune_id):
        codes = set(db.session.scalars(select(RequestType.code)))
    assert codes == {"commune.stationnement_genant", "commune.stationnement_genant_2"}
    response = post(admin, f"{URL}new/", settings(admin, code="stationnement_genant"))
    assert response.status_code == 200
    assert french(app, "Another request type already has this code.") in response.get_data(as_text=True)
    assert count_types(app, admin.commune_id) == 2


def test_admin_edits_a_type_and_its_fields_but_not_its_code(app, admin):
    post(admin, f"{URL}new/", settings(admin), FIELDS)
    with in_commune(app, admin.commune_id):
        type_id = db.session.scalar(select(RequestType.id))
    page = admin.get(f"{URL}edit/{type_id}/").get_data(as_text=True)
    assert 'value="Immatriculation"' in page and "trottoir|Trottoir" in page and 'name="code"' not in page
    response = post(admin, f"{URL}edit/{type_id}/", settings(admin, label="Véhicule gênant", code="commune.autre",
                                                               active="", priority="normale"), (
        {"label": "Immatriculation", "name": "immatriculation", "type": "text", "required": "y"},
        {"label": "Gêne", "name": "gene", "type": "choice", "choices": "trottoir|Trottoir", "remove": "y"},
        {"label": "Photo", "type": "file"},
    ))
    assert response.status_code == 302
    with in_commune(app, admin.commune_id):
        edited = db.session.get(RequestType, type_id)
        assert edited.code == "commune.stationnement_genant" and edited.label == "Véhicule gênant"
        assert not edited.active and edited.priority == "normale"
        assert [(s.name, s.type) for s in fields_of(edited)] == [("immatriculation", "text"), ("photo", "file")]
        # Inactive: agents no longer see it.
        with app.test_request_context("/"):
            assert type_id not in [t.id for t in active_request_types()]


def test_html_in_a_label_is_shown_escaped(app, admin):
    post(admin, f"{URL}new/", settings(admin, label="<script>alert('x')</script>"),
         ({"label": "<img src=x onerror=alert(1)>", "name": "piege"},))
    listing = admin.get(URL).get_data(as_text=True)
    assert "<script>alert" not in listing and "&lt;script&gt;" in listing
    with in_commune(app, admin.commune_id):
        type_id = db.session.scalar(select(RequestType.id))
    page = admin.get(f"{URL}edit/{type_id}/").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_an_agent_is_refused_and_nothing_is_stored(app, admin):
    agent = app.test_client()
    login(agent, "agent@a.fr")
    assert agent.get(URL).status_code == 403
    assert agent.get(f"{URL}new/").status_code == 403
    response = post_form(agent, f"{URL}new/", settings(admin))
    assert response.status_code == 403
    assert count_types(app, admin.commune_id) == 0
    assert "/admin/core_request_types/" not in agent.get("/admin/").get_data(as_text=True)


def test_another_communes_type_answers_404(app, admin):
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    with in_commune(app, other):
        foreign = RequestType(code="commune.secret", label="Secret", fields=[], channels=["guichet"])
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id
    assert admin.get(f"{URL}edit/{foreign_id}/").status_code == 404
    assert post(admin, f"{URL}edit/{foreign_id}/", settings(admin, label="Pris")).status_code == 404
    with in_commune(app, other):
        assert db.session.get(RequestType, foreign_id).label == "Secret"
    assert "Secret" not in admin.get(URL).get_data(as_text=True)


def test_every_reason_is_shown_at_once(app, admin):
    response = post(admin, f"{URL}new/", settings(admin, workflow_id=""),
                    ({"label": "Gêne", "type": "choice", "choices": ""},))
    page = response.get_data(as_text=True)
    assert french(app, "Choose a workflow.") in page
    assert french(app, "Field %(name)s: a list of choices is required.", name="gene") in page
    assert count_types(app, admin.commune_id) == 0
