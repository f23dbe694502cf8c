"""A transition's own fields and the guards' FieldError, on the request page.

The dummy plugin's workflow has « Refuser », which asks for the refusal's
reason and the decision's date (``TransitionSpec.fields``); its
``grc_check_transition`` answers « non » as a reason with a ``FieldError``
about that field. The agent sees each message next to its field, keeps what
they typed, and nothing changes until the input is valid.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Request, RequestEvent, RequestType
from grc_core.plugin_api.testing import (
    apply_as, build_test_app, csrf_token, empty_tables, file_request_as, in_commune, login, make_agent,
    make_commune,
)
from grc_core.workflows.engine import TransitionError
from tests.plugins.dummy import plugin as dummy

REFUSE = "t_refuser__"


@pytest.fixture(scope="module")
def dummy_app(tmp_path_factory):
    app = build_test_app(tmp_path_factory, plugins=["dummy"], extra_plugins={"dummy": "tests.plugins.dummy.plugin"},
                         name="transition_fields", own_database=True)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def town(dummy_app):
    commune = make_commune(dummy_app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["dummy"])
    make_agent(dummy_app, commune, "agent@villeneuve.fr", "agent", services=["dummy.accueil"])
    with in_commune(dummy_app, commune):
        type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == "dummy.signalement"))
    request_id = file_request_as(dummy_app, commune, "agent@villeneuve.fr", type_id, None,
                                 {"motif": "Lampadaire éteint", "quartier": "centre"})
    yield commune, request_id
    empty_tables(dummy_app)


def page_of(client, request_id) -> str:
    return client.get(f"/admin/requests/{request_id}/").get_data(as_text=True)


def refuse(client, request_id, **fields):
    data = {"csrf_token": csrf_token(client, f"/admin/requests/{request_id}/"), "transition": "refuser",
            "comment": "Vu sur place"}
    data.update({REFUSE + name: value for name, value in fields.items()})
    return client.post(f"/admin/requests/{request_id}/transition", data=data)


def state_and_events(app, commune, request_id):
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        events = db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request_id,
                                                               RequestEvent.kind == "transition")).all()
        return request.state, events


def test_the_transition_asks_for_its_own_fields_labelled_and_empty(dummy_app, town):
    commune, request_id = town
    client = dummy_app.test_client()
    login(client, "agent@villeneuve.fr")
    page = page_of(client, request_id)
    form = re.search(r'<form[^>]*id="transition-refuser".*?</form>', page, re.S).group(0)
    assert "<legend" in form and "Refuser" in form
    assert f'<label for="{REFUSE}motif_refus">Motif du refus' in form
    assert f'<label for="{REFUSE}date_decision">Date de la décision' in form
    # Nothing prefilled, never « None ».
    assert "None" not in page
    assert re.search(rf'<textarea[^>]*name="{REFUSE}motif_refus"[^>]*>\s*</textarea>', form)


def test_invalid_transition_fields_are_shown_next_to_them_and_nothing_changes(dummy_app, town):
    commune, request_id = town
    client = dummy_app.test_client()
    login(client, "agent@villeneuve.fr")
    response = refuse(client, request_id, motif_refus="Hors compétence", date_decision="31/02/2026")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'data-grc-error-for="date_decision">' in page
    # What the agent typed stays.
    assert "Hors compétence" in page
    assert state_and_events(dummy_app, commune, request_id) == ("nouvelle", [])

    response = refuse(client, request_id, date_decision="2026-12-01")
    assert response.status_code == 409
    assert 'data-grc-error-for="motif_refus">Ce champ est requis.' in response.get_data(as_text=True)
    assert state_and_events(dummy_app, commune, request_id) == ("nouvelle", [])


def test_a_guards_field_error_is_shown_next_to_its_field(dummy_app, town):
    commune, request_id = town
    client = dummy_app.test_client()
    login(client, "agent@villeneuve.fr")
    # Before contract v2 a FieldError crashed the engine (TypeError in " ".join).
    response = refuse(client, request_id, motif_refus="non", date_decision="2026-12-01")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert f'data-grc-error-for="motif_refus">{dummy.REFUSAL_TOO_VAGUE}</div>' in page
    assert state_and_events(dummy_app, commune, request_id) == ("nouvelle", [])
    with pytest.raises(TransitionError) as refused:
        apply_as(dummy_app, commune, "agent@villeneuve.fr", request_id, "refuser",
                 fields={"motif_refus": "non", "date_decision": "2026-12-01"})
    assert refused.value.field_errors == {"motif_refus": [dummy.REFUSAL_TOO_VAGUE]}


def test_valid_fields_go_to_the_history_and_the_hooks_not_to_the_requests_data(dummy_app, town):
    commune, request_id = town
    client = dummy_app.test_client()
    login(client, "agent@villeneuve.fr")
    response = refuse(client, request_id, motif_refus="Relève de l'intercommunalité", date_decision="01/12/2026")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    state, events = state_and_events(dummy_app, commune, request_id)
    assert state == "close"
    assert events[-1].details["transition_fields"] == {"date_decision": "2026-12-01",
                                                      "motif_refus": "Relève de l'intercommunalité"}
    with in_commune(dummy_app, commune):
        request = db.session.get(Request, request_id)
        assert "motif_refus" not in request.data and "date_decision" not in request.data
        from grc_core.models import Commune
        journal = dummy.journal(db.session.get(Commune, commune))
    assert journal[-1].endswith("refuser by agent@villeneuve.fr on 2026-12-01")
