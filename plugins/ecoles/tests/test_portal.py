"""What the citizens' portal says about the school démarches
(grc_portal_demarche_info): every type open online is described, the pieces
of an inscription are those of D131-3-1 only, the 8 days after a move come
from the rule, and the page shows it in English and in French."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from grc_core.plugin_api import RequestType, db
from grc_core.plugin_api.testing import in_commune, make_commune
from plugins.ecoles import request_types as rt
from plugins.ecoles import rules


@pytest.fixture
def town(app):
    return make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["ecoles"])


def _infos(app, town, code, locale="en"):
    with in_commune(app, town), app.test_request_context(headers={"Accept-Language": locale}):
        request_type = db.session.scalar(select(RequestType).where(RequestType.code == code))
        return app.extensions["grc"].demarche_info(["ecoles"], request_type, None)


@pytest.mark.parametrize("code", rt.TYPES)
def test_every_school_demarche_says_what_it_is_for_and_who_may_ask(app, town, code):
    [info] = _infos(app, town, code)
    assert info.description and info.who.startswith("The persons responsible for the child")


def test_the_inscription_asks_only_the_pieces_of_d131_3_1_each_replaceable_by_a_sworn_statement(app, town):
    [info] = _infos(app, town, rt.INSCRIPTION)
    assert len(info.pieces) == len(rules.pieces_allowed()) == 3
    assert all(piece.endswith(", or failing that a sworn statement") for piece in info.pieces)
    assert "D131-3-1" in info.description and "30 June" in info.description
    assert info.delay == ""  # no legal delay: the portal shows the commune's SLA


def test_a_change_of_school_is_due_within_8_days_of_the_move(app, town):
    [info] = _infos(app, town, rt.CHANGEMENT)
    assert info.delay == "Within 8 days of the move (Education Code, L131-5)."
    assert info.pieces == _infos(app, town, rt.INSCRIPTION)[0].pieces


def test_another_plugins_type_gets_nothing_from_ecoles(app, town):
    with in_commune(app, town), app.test_request_context():
        other = RequestType(code="bacs", label="Demande de bacs", fields=[])
        assert app.extensions["grc"].demarche_info(["ecoles"], other, None) == []


def test_the_portal_page_of_the_inscription_shows_it_in_english_and_in_french(app, town):
    client = app.test_client()
    english = client.get("/c/villeneuve/portal/procedures/ecoles.inscription",
                         headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h2 class=\"h6 mt-3\">Who may ask</h2>" in english
    assert "<li>A proof of your address, by any means, or failing that a sworn statement</li>" in english
    assert "The commune answers within 15 working days." in english  # the SLA, no legal delay
    french = client.get("/c/villeneuve/portal/procedures/ecoles.changement",
                        headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Dans les 8 jours suivant le déménagement (code de l&#39;éducation, L131-5)." in french
    assert "Les personnes responsables de l&#39;enfant" in french
