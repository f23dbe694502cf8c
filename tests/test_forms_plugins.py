"""Forms and routing with a plugin: its request type's fields come from its
code, its validators refuse what no spec can express, its routing rules and
``grc_route_request`` decide after the admin's rules — the hooks first.

Uses the dummy plugin (tests/plugins/dummy): it refuses data containing
"refuse", routes every report but the centre's through ``grc_route_request``
and leaves the centre's to its declared rule (high priority).
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager

import pytest
from flask_babel import gettext
from markupsafe import escape
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from grc_core.extensions import db
from grc_core.forms.specs import active_request_types, fields_of
from grc_core.forms.validation import ALL, validate_request_data
from grc_core.models import Commune, Request, RequestEvent, RequestType, RoutingRule, Service, Workflow
from grc_core.plugin_api.testing import (
    build_test_app, csrf_token, empty_tables, in_commune, login, make_agent, make_commune,
)
from grc_core.routing.engine import apply_routing, route
from grc_core.tenancy import disable_plugin, use_commune
from tests.plugins.dummy import plugin as dummy_plugin

REFUSED = "Le signalement factice ne peut pas contenir le mot « refuse »."
SEQUENCE = itertools.count(1)


@pytest.fixture(scope="module")
def dummy_app(tmp_path_factory):
    """An app loading only the dummy plugin, on its own database."""
    app = build_test_app(tmp_path_factory, plugins=["dummy"], extra_plugins={"dummy": "tests.plugins.dummy.plugin"},
                         name="forms_dummy", own_database=True)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def communes(dummy_app):
    """Commune A has the dummy enabled, commune B has not."""
    a = make_commune(dummy_app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["dummy"])
    b = make_commune(dummy_app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    yield a, b
    empty_tables(dummy_app)


@contextmanager
def in_english(app, commune_id):
    """A request context of the commune, in English (messages as written); yields the commune."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}), use_commune(commune_id):
        yield db.session.get(Commune, commune_id)


def dummy_type(code="dummy.signalement") -> RequestType:
    return db.session.scalar(select(RequestType).where(RequestType.code == code))


def test_a_plugin_type_takes_its_fields_from_the_plugin(dummy_app, communes):
    a, _b = communes
    with in_english(dummy_app, a):
        request_type = dummy_type()
        assert request_type.fields == []
        specs = fields_of(request_type)
        assert [(s.name, s.type, s.required) for s in specs] == [("motif", "textarea", True),
                                                                 ("quartier", "choice", False),
                                                                 ("danger_immediat", "boolean", False)]


def test_plugin_validators_refuse_what_no_spec_expresses(dummy_app, communes):
    a, _b = communes
    with in_english(dummy_app, a) as commune:
        request_type = dummy_type()
        data, errors = validate_request_data(request_type, MultiDict({"f_motif": "Je refuse ce trou"}), commune)
        assert errors == {ALL: [REFUSED]}
        data, errors = validate_request_data(request_type, MultiDict({"f_motif": "Trou", "f_quartier": "gare"}),
                                             commune)
        assert errors == {} and data == {"motif": "Trou", "quartier": "gare", "danger_immediat": False}
        # A FieldError is about one field: it goes next to it.
        data, errors = validate_request_data(
            request_type, MultiDict({"f_motif": "Abribus cassé", "f_quartier": "gare"}), commune)
        assert errors == {"quartier": [dummy_plugin.GARE_SHELTERS]}
        # Field errors first: the plugin sees only data that passed the form.
        data, errors = validate_request_data(request_type, MultiDict({"f_quartier": "refuse"}), commune)
        assert errors == {"motif": ["This field is required."], "quartier": ["Not a valid choice."]}


def test_a_disabled_domains_type_cannot_be_filed(dummy_app, communes):
    a, b = communes
    with in_english(dummy_app, a) as commune:
        assert {t.code for t in active_request_types()} == {"dummy.signalement", "dummy.attestation"}
        assert {t.code for t in active_request_types("telephone")} == {"dummy.signalement"}
        disable_plugin(commune, "dummy")
        db.session.commit()
        assert active_request_types() == []
        data, errors = validate_request_data(dummy_type(), MultiDict({"f_motif": "Trou"}), commune)
        assert errors[ALL] == ["This request type is not available in your commune."]


# --- the admin's page for a plugin's type ----------------------------------------------------

def test_admin_tunes_a_plugin_type_but_not_its_fields(dummy_app, communes):
    a, _b = communes
    make_agent(dummy_app, a, "admin@a.fr", "admin")
    client = dummy_app.test_client()
    login(client, "admin@a.fr")
    with in_commune(dummy_app, a):
        request_type = dummy_type()
        type_id, service_id, workflow_id = request_type.id, request_type.service_id, request_type.workflow_id
        other = Service(code="voirie", name="Voirie")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    page = client.get(f"/admin/core_request_types/edit/{type_id}/").get_data(as_text=True)
    with dummy_app.test_request_context("/", headers={"Accept-Language": "fr"}):
        label = str(dummy_app.extensions["grc"].manifests["dummy"].label)
        defined_by = str(escape(gettext("Defined by the plugin « %(plugin)s »: its fields cannot be changed here.",
                                        plugin=label)))
    assert defined_by in page
    assert "motif" in page and 'name="fields-0-label"' not in page and 'name="label"' not in page
    response = client.post(f"/admin/core_request_types/edit/{type_id}/", data=MultiDict([
        ("csrf_token", csrf_token(client, "/admin/core_request_types/")),
        ("label", "Renommé"), ("service_id", str(other_id)), ("workflow_id", str(workflow_id)), ("sla_days", "12"),
        ("priority", "urgente"), ("channels", "guichet"), ("channels", "web"), ("active", "y"),
        ("fields-0-label", "Champ pirate"), ("fields-0-type", "text"),
    ]))
    assert response.status_code == 302
    with in_english(dummy_app, a):
        request_type = dummy_type()
        assert request_type.label == "Signalement factice" and request_type.fields == []
        assert (request_type.service_id, request_type.sla_days, request_type.priority, request_type.channels) == (
            other_id, 12, "urgente", ["guichet", "web"])
        assert [s.name for s in fields_of(request_type)] == ["motif", "quartier", "danger_immediat"]
    assert service_id != other_id


def test_a_commune_without_the_domain_does_not_see_its_types(dummy_app, communes):
    a, b = communes
    make_agent(dummy_app, b, "admin@b.fr", "admin")
    client = dummy_app.test_client()
    login(client, "admin@b.fr")
    with in_commune(dummy_app, a):
        type_id = dummy_type().id
    assert "Signalement factice" not in client.get("/admin/core_request_types/").get_data(as_text=True)
    assert client.get(f"/admin/core_request_types/edit/{type_id}/").status_code == 404


# --- routing with the plugin -------------------------------------------------------------------

def new_request(code, data, quartier="") -> Request:
    request = Request(reference=f"P-{next(SEQUENCE):05d}", request_type=dummy_type(code), channel="guichet",
                      data=data, quartier=quartier, state="nouvelle", state_kind="new")
    db.session.add(request)
    db.session.flush()
    return request


def test_the_plugins_hook_then_its_rules_decide_after_the_admins_rules(dummy_app, communes):
    a, _b = communes
    with in_english(dummy_app, a):
        accueil = db.session.scalar(select(Service).where(Service.code == "dummy.accueil"))

        centre = new_request("dummy.signalement", {"motif": "Trou", "quartier": "centre"})
        outcome = apply_routing(centre)
        assert (outcome.source, outcome.service_id, centre.priority) == ("plugin_rule", accueil.id, "haute")
        assert outcome.reason == "Default rule of the domain (dummy.centre)"

        gare = new_request("dummy.signalement", {"motif": "Trou", "quartier": "gare"})
        outcome = apply_routing(gare)
        assert (outcome.source, outcome.service_id, outcome.priority) == ("plugin", accueil.id, "normale")
        event = db.session.scalar(select(RequestEvent).where(RequestEvent.request_id == gare.id))
        assert event.details["reason"] == "Signalement factice : accueil factice."
        assert event.details["service"] == "Accueil factice"

        voirie = Service(code="voirie", name="Voirie")
        db.session.add(voirie)
        db.session.flush()
        db.session.add(RoutingRule(position=1, label="Tout à la voirie", request_type_id=dummy_type().id,
                                   service_id=voirie.id))
        db.session.flush()
        assert route(new_request("dummy.signalement", {"motif": "Trou", "quartier": "centre"})).service_id \
            == voirie.id


def test_a_plugin_decision_naming_a_missing_service_falls_back_to_the_default(dummy_app, communes):
    a, _b = communes
    with in_english(dummy_app, a):
        accueil = db.session.scalar(select(Service).where(Service.code == "dummy.accueil"))
        accueil.code = "renomme"
        db.session.flush()
        outcome = route(new_request("dummy.signalement", {"motif": "Trou", "quartier": "gare"}))
        assert (outcome.source, outcome.service_id) == ("default", accueil.id)


def test_a_workflow_is_offered_from_the_domains_copy(dummy_app, communes):
    a, _b = communes
    make_agent(dummy_app, a, "admin@a.fr", "admin")
    client = dummy_app.test_client()
    login(client, "admin@a.fr")
    with in_commune(dummy_app, a):
        label = db.session.scalar(select(Workflow.label))
    assert label in client.get("/admin/core_request_types/new/").get_data(as_text=True)
