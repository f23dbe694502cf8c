"""The 360° page: one timeline of requests, status changes, messages and
contacts, newest first, and the panels of the plugins active in the commune."""
from datetime import date

import pytest

from grc_core.citizens import citizen_timeline
from grc_core.extensions import db
from grc_core.models import Citizen
from grc_core.plugin_api.testing import build_test_app, empty_tables, in_commune, login, make_agent, make_commune
from tests.test_citizen_helpers import (
    add_contact, add_message, add_transition, at, english, make_citizen, make_request,
)

DUMMY = {"dummy": "tests.plugins.dummy.plugin"}
DUMMY_PANEL = "Registre factice"


@pytest.fixture
def story(app):
    """Anne: two requests, a transition, a public message, an internal note, a contact."""
    commune = make_commune(app, plugins=[])
    anne = make_citizen(app, commune, "Anne", "Lefevre", birth_date=date(1975, 5, 2))
    other = make_citizen(app, commune, "Paul", "Durand")
    first = make_request(app, commune, anne, "2026-00001", received=at(1), subject="Nid-de-poule rue des Lilas")
    add_transition(app, commune, first, "recue", "en_cours", at(3), comment="Équipe prévenue")
    add_message(app, commune, first, "Nous intervenons la semaine prochaine.", at(4))
    add_message(app, commune, first, "Voir avec le service voirie", at(5), public=False)
    add_contact(app, commune, anne, "Relance par téléphone", at(6))
    make_request(app, commune, anne, "2026-00009", received=at(7), type_code="etat_civil.acte",
                 type_label="Acte de naissance")
    make_request(app, commune, other, "2026-00002", received=at(8))  # someone else's
    return commune, anne


def test_timeline_lists_everything_newest_first(app, story):
    commune, anne = story
    with in_commune(app, commune):
        entries = citizen_timeline(db.session.get(Citizen, anne))
    assert [(e.kind, e.title) for e in entries] == [
        ("request", "Demande 2026-00009 — Acte de naissance"),
        ("contact", "Téléphone : Relance par téléphone"),
        ("note", "Note interne sur la demande 2026-00001"),
        ("message", "Message à l'usager sur la demande 2026-00001"),
        ("transition", "2026-00001 : Reçue → En cours d'instruction"),
        ("request", "Demande 2026-00001 — Signalement voirie"),
    ]
    assert entries[4].detail == "Équipe prévenue"
    assert entries[5].detail == "Nid-de-poule rue des Lilas · En cours d'instruction"
    assert entries[1].detail == "Réponse apportée sur place"


def test_internal_notes_can_be_left_out_and_the_limit_keeps_the_newest(app, story):
    commune, anne = story
    with in_commune(app, commune):
        citizen = db.session.get(Citizen, anne)
        assert "note" not in {e.kind for e in citizen_timeline(citizen, internal_notes=False)}
        assert [e.kind for e in citizen_timeline(citizen, limit=2)] == ["request", "contact"]


def test_citizen_page_shows_identity_and_the_timeline(app, client, story):
    commune, anne = story
    make_agent(app, commune, "agent@a.fr", "agent")
    login(client, "agent@a.fr")
    page = english(client).get(f"/admin/citizens/{anne}/").get_data(as_text=True)
    assert "LEFEVRE Anne" in page and "born on 5/2/75" in page  # the English short date (Babel)
    # Grouped by request (tests/test_citizen_record_360.py): each request's
    # thread opens with its title, its entries newest first inside.
    history = page.split('id="timeline"')[1]
    order = [history.index(text) for text in ("Request 2026-00009", "Relance par téléphone", "Request 2026-00001",
                                              "Voir avec le service voirie", "Nous intervenons")]
    assert order == sorted(order)
    assert "2026-00002" not in page
    assert f'href="/admin/contacts/new?citizen={anne}"' in page
    assert f'href="/admin/intake/?citizen={anne}"' in page


# --- plugin panels ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def dummy_app(tmp_path_factory):
    app = build_test_app(tmp_path_factory, plugins=["dummy"], extra_plugins=DUMMY, name="citizens", own_database=True)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def dummy_communes(dummy_app):
    yield (make_commune(dummy_app, "Villeneuve-sur-Loire", "45901", "villeneuve"),
           make_commune(dummy_app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[]))
    empty_tables(dummy_app)


def test_plugin_panels_only_where_the_plugin_is_active_and_escaped_by_it(dummy_app, dummy_communes):
    a, b = dummy_communes
    pages = {}
    for commune, email in ((a, "agent@a.fr"), (b, "agent@b.fr")):
        citizen = make_citizen(dummy_app, commune, "Léa", "<b>Martin</b>")
        # A request of the dummy's type, even where the dummy is not active:
        # the data is kept and listed, without the plugin's panel.
        make_request(dummy_app, commune, citizen, "2026-00001", type_code="dummy.signalement",
                     type_label="Signalement factice", plugin="dummy")
        make_agent(dummy_app, commune, email, "agent")
        client = english(dummy_app.test_client())
        login(client, email)
        pages[commune] = client.get(f"/admin/citizens/{citizen}/").get_data(as_text=True)
    assert DUMMY_PANEL in pages[a]
    assert "Aucun signalement factice pour Léa &lt;b&gt;Martin&lt;/b&gt; à Villeneuve-sur-Loire." in pages[a]
    assert DUMMY_PANEL not in pages[b]
    for page in pages.values():
        assert "Request 2026-00001 — Signalement factice" in page
        assert "<b>Martin</b>" not in page
