"""One input hygiene layer for every text field (grc_core.forms.hygiene):
control characters refused, lengths bounded per kind, names with a letter,
phones normalised; the message next to the field and nothing stored."""
import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import Form

import grc_core
import plugins
from grc_core.admin.base import SecureModelView
from grc_core.extensions import db
from grc_core.forms.hygiene import InputHygiene, normal_phone
from grc_core.models import Citizen, Request, Service
from grc_core.plugin_api.testing import in_commune, login, make_agent, post_form, post_intake
from tests.test_citizen_record import NEW_CITIZEN
from tests.test_requests import make_citizen, setup_commune

FRENCH = {"Accept-Language": "fr"}
CONTROL_FR = "Les caractères de contrôle et les marques de direction invisibles ne sont pas acceptés."


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def test_every_form_class_of_the_core_and_plugins_has_the_hygiene_layer(app):
    for package in (grc_core, plugins):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".tests" not in module.name and ".migrations" not in module.name:
                importlib.import_module(module.name)
    forms = [cls for cls in all_subclasses(Form)
             if cls.__module__.startswith(("grc_core.", "plugins.")) and not cls.__module__.endswith(".hygiene")]
    assert any(issubclass(cls, FlaskForm) for cls in forms)
    for cls in forms:
        assert issubclass(cls, InputHygiene), f"{cls.__module__}.{cls.__name__} does not derive from GrcForm"
    with app.test_request_context():
        views = [view for view in app.extensions["admin"][0]._views if isinstance(view, SecureModelView)]
        assert views
        for view in views:
            if view.can_create or view.can_edit:
                assert issubclass(view.get_form(), InputHygiene), view.endpoint


@pytest.mark.parametrize(("raw", "stored"), [
    ("06 12 34 56 78", "06 12 34 56 78"),
    ("0612345678", "06 12 34 56 78"),
    ("+33 6 12 34 56 78", "06 12 34 56 78"),
    ("0033 1.23.45.67.89", "01 23 45 67 89"),
    ("+44 20 7946 0958", "+44 20 7946 0958"),
    ("0690 12 34 56", "0690 12 34 56"),       # Guadeloupe: French, without +33
    ("+590 690 12 34 56", "0690 12 34 56"),
    ("12/05/2024", None),                 # a date
    ("2024-05-12", None),
    ("06 12 34 56", None),                # too short
    ("1-800-FLOWERS", None),              # letters
])
def test_phones_are_normalised_or_refused(raw, stored):
    assert normal_phone(raw) == stored


@pytest.fixture
def commune(app):
    setup = setup_commune(app)
    make_agent(app, setup.id, "accueil@a.fr", "accueil")
    make_agent(app, setup.id, "admin@a.fr", "admin")
    return setup


def count(app, commune_id, model):
    with in_commune(app, commune_id):
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("last_name", "Dupont\x00", CONTROL_FR),
    ("first_name", "Anne\u202e", CONTROL_FR),
    ("city", "Ville\x1b[31m", CONTROL_FR),
    ("last_name", "12345", "Un nom doit contenir au moins une lettre."),
    ("first_name", "--- ...", "Un nom doit contenir au moins une lettre."),
    ("phone", "12/05/2024", "Saisissez un numéro de téléphone valide, par exemple 01 23 45 67 89 ou +44 20 7946 0958."),
])
def test_a_citizen_with_bad_text_is_refused_next_to_the_field_and_not_stored(app, client, commune, field, value,
                                                                              message):
    login(client, "accueil@a.fr")
    response = post_form(client, "/admin/citizens/new", {**NEW_CITIZEN, field: value}, headers=FRENCH)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<div class="invalid-feedback">{message}</div>' in page
    assert f'id="{field}"' in page
    assert count(app, commune.id, Citizen) == 0


def test_a_citizens_phone_is_stored_as_read_on_the_phone(app, client, commune):
    login(client, "accueil@a.fr")
    response = post_form(client, "/admin/citizens/new", {**NEW_CITIZEN, "phone": "+33 6.11.22.33.44"})
    assert response.status_code == 302
    with in_commune(app, commune.id):
        assert db.session.scalar(select(Citizen.phone)) == "06 11 22 33 44"


def test_an_overlong_description_is_refused_and_nothing_is_filed(app, client, commune):
    citizen = make_citizen(app, commune.id)
    login(client, "accueil@a.fr")
    # Past Flask's MAX_FORM_MEMORY_SIZE (500 kB) the whole post is refused before any form reads it.
    response = post_intake(client, commune.bacs, citizen, {"motif": "x" * 5_000_000, "nombre": "1"})
    assert response.status_code in (400, 413)
    assert count(app, commune.id, Request) == 0
    response = post_intake(client, commune.bacs, citizen, {"motif": "x" * 20_001, "nombre": "1"})
    assert response.status_code == 400  # the intake page's answer to invalid input, form shown again
    assert "Au plus 20\u202f000 caractères." in response.get_data(as_text=True)
    assert count(app, commune.id, Request) == 0
    response = post_intake(client, commune.bacs, citizen, {"motif": "Bac\x00 cassé", "nombre": "1"})
    assert "Les caractères de contrôle et les marques de direction invisibles ne sont pas acceptés." in (
        response.get_data(as_text=True))
    assert count(app, commune.id, Request) == 0
    # Line breaks and tabs of a textarea are text, not control.
    response = post_intake(client, commune.bacs, citizen, {"motif": "Bac cassé\r\n\tcouvercle fendu", "nombre": "1"})
    assert count(app, commune.id, Request) == 1


def test_an_admin_model_form_refuses_control_characters_and_stores_nothing(app, client, commune):
    login(client, "admin@a.fr")
    before = count(app, commune.id, Service)
    response = post_form(client, "/admin/core_services/new/", {"code": "espaces_verts", "name": "Espaces\x00verts"},
                         headers=FRENCH)
    assert response.status_code == 200
    assert "Les caractères de contrôle et les marques de direction invisibles ne sont pas acceptés." in (
        response.get_data(as_text=True))
    assert count(app, commune.id, Service) == before


def test_a_message_or_a_comment_with_control_characters_is_refused_and_nothing_is_stored(app, client, commune):
    from grc_core.models import Message, RequestEvent
    from tests.test_request_page import VERSION, page, post
    from tests.test_requests import file_request

    make_agent(app, commune.id, "voirie@a.fr", "agent", services=["voirie"])
    request_id, errors = file_request(app, commune.id, actor_email="voirie@a.fr", type_id=commune.bacs)
    assert not errors
    login(client, "voirie@a.fr")
    version = VERSION.search(page(client, request_id)).group(1)
    refused = post(client, request_id, "message", {"body": "Bonjour\x07", "visibility": "public", "version": version})
    assert refused.status_code == 409
    assert CONTROL_FR in refused.get_data(as_text=True)
    refused = post(client, request_id, "transition", {"transition": "prendre", "comment": "ok\x00", "version": version})
    assert refused.status_code == 409
    assert CONTROL_FR in refused.get_data(as_text=True)
    with in_commune(app, commune.id):
        assert count(app, commune.id, Message) == 0
        assert db.session.get(Request, request_id).state == "nouvelle"
        assert [e.kind for e in db.session.scalars(select(RequestEvent))].count("transition") == 0
