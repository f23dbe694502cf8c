"""What the citizens' portal says about the civil status démarches open
online (grc_portal_demarche_info): copies and extracts of acts, and the
recensement citoyen whose window is the rule's; the page in both languages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from grc_core.plugin_api import RequestType, db
from grc_core.plugin_api.testing import in_commune, make_commune
from plugins.etat_civil import request_types as rt


@pytest.fixture
def town(app):
    return make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["etat_civil"])


def _infos(app, town, code):
    with in_commune(app, town), app.test_request_context(headers={"Accept-Language": "en"}):
        request_type = db.session.scalar(select(RequestType).where(RequestType.code == code))
        return app.extensions["grc"].demarche_info(["etat_civil"], request_type, None)


def test_a_copy_of_an_act_says_who_may_have_which_document_and_that_no_piece_is_needed(app, town):
    [info] = _infos(app, town, rt.ACTE)
    assert "decree 2017-890, art. 30" in info.who and "Registers closed more than 75 years ago" in info.who
    assert "No document is needed" in info.description and info.pieces == ()
    assert info.delay == ""  # no legal delay: the portal shows the commune's SLA


def test_the_recensement_window_is_the_rules_one_16_to_the_end_of_the_third_month(app, town):
    [info] = _infos(app, town, rt.RECENSEMENT)
    assert "someone who turns 16 on March 15, 2026 registers by June 30, 2026" in info.delay
    assert "until the day before the 25th birthday" in info.delay
    assert info.pieces == ("An identity card or passport proving French nationality", "The family record book")


@pytest.mark.parametrize("code", [t.code for t in rt.REQUEST_TYPES])
def test_every_type_a_commune_may_open_online_is_described(app, town, code):
    [info] = _infos(app, town, code)
    assert info.description and info.who


@pytest.mark.parametrize("code, expected", [
    (rt.MARIAGE, "The bans stay posted for 10 days before the marriage can be celebrated (Civil Code, art. 64)."),
    (rt.NAISSANCE, "Within 5 days of the birth, the day of the birth not counted;"),
    (rt.NOM, "You confirm the change in person at the town hall, no earlier than 1 month after your request."),
])
def test_the_legal_delays_are_the_rules_ones(app, town, code, expected):
    assert _infos(app, town, code)[0].delay.startswith(expected)


def test_a_birth_certificate_copy_must_be_less_than_3_months_old_6_if_from_abroad(app, town):
    [info] = _infos(app, town, rt.MARIAGE)
    assert "A full copy of your birth certificate, less than 3 months old (6 months if issued abroad)" in info.pieces
    assert "a child over 13 must consent" in _infos(app, town, rt.PRENOM)[0].who


def test_another_plugins_type_gets_nothing_from_etat_civil(app, town):
    with in_commune(app, town), app.test_request_context():
        request_type = RequestType(code="bacs", label="Demande de bacs", fields=[])
        assert app.extensions["grc"].demarche_info(["etat_civil"], request_type, None) == []


def test_the_portal_page_of_the_recensement_shows_it_in_english_and_in_french(app, town):
    client = app.test_client()
    url = f"/c/villeneuve/portal/procedures/{rt.RECENSEMENT}"
    english = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<li>The family record book</li>" in english
    assert "registers by June 30, 2026" in english
    assert "working days" not in english  # the legal delay replaces the SLA
    french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "<li>Le livret de famille</li>" in french
    assert "30 juin 2026" in french
    # The type's name follows the reader's language (its translation key), on its page and its form.
    assert '<h1 class="h3">Citizen census</h1>' in english and "Recensement citoyen" not in english
    assert '<h1 class="h3">Recensement citoyen</h1>' in french
    form = client.get(f"{url}/file", headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Recensement citoyen" not in form.get_data(as_text=True)
