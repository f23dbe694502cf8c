"""What the citizens' portal says about the planning démarches
(grc_portal_demarche_info): the CERFA form, who may file, the instruction
delay and the meaning of silence — all from rules/; the page in both
languages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from grc_core.plugin_api import RequestType, db
from grc_core.plugin_api.testing import in_commune, make_commune
from plugins.urbanisme.request_types import PROCEDURES


@pytest.fixture
def town(app):
    return make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["urbanisme"])


def _info(app, town, code):
    with in_commune(app, town), app.test_request_context(headers={"Accept-Language": "en"}):
        request_type = db.session.scalar(select(RequestType).where(RequestType.code == code))
        [info] = app.extensions["grc"].demarche_info(["urbanisme"], request_type, None)
        return info


@pytest.mark.parametrize("kind", PROCEDURES, ids=lambda kind: kind.code)
def test_every_planning_demarche_says_what_it_is_for_who_files_and_what_to_bring(app, town, kind):
    info = _info(app, town, kind.code)
    assert info.description and info.who and info.pieces


@pytest.mark.parametrize("code, delay", [
    ("urbanisme.dp", "1 month from the complete file. The town hall may extend it in some cases (listed building, "
                     "public consultation…) if it tells you so within the first month. Without an answer by then, "
                     "you may carry out the works."),
    ("urbanisme.pcmi", "2 months from the complete file. The town hall may extend it in some cases (listed "
                       "building, public consultation…) if it tells you so within the first month. Without an "
                       "answer by then, the permit is granted."),
    ("urbanisme.pc", "3 months from the complete file."),
    ("urbanisme.cua", "1 month from the complete file. Without an answer by then, you get a certificate that "
                      "only gives the rules applying to the land."),
    ("urbanisme.cub", "2 months from the complete file. Without"),
    ("urbanisme.prorogation", "File it at least 2 months before the validity ends. 2 months from the complete "
                              "file. Without an answer by then, the extension is granted."),
    ("urbanisme.modificatif", "As for the initial permit: from 2 to 3 months from the complete file."),
    ("urbanisme.daact", "The town hall has 3 months from receiving it to contest the conformity of the works."),
    ("urbanisme.doc", ""),
    ("urbanisme.transfert", ""),
])
def test_the_delay_is_the_legal_one_and_says_what_silence_means(app, town, code, delay):
    assert _info(app, town, code).delay.startswith(delay)


def test_the_pieces_name_the_cerfa_form_and_the_plans(app, town):
    assert _info(app, town, "urbanisme.dp").pieces[0] == (
        "One of the CERFA forms no. 13703, 13404, 13702, filled in and signed")
    assert _info(app, town, "urbanisme.pcmi").pieces[0] == "CERFA form no. 13406, filled in and signed"
    assert "location plan" in _info(app, town, "urbanisme.pcmi").pieces[1]
    assert _info(app, town, "urbanisme.prorogation").pieces == (
        "A letter asking for the extension, in two copies (Planning Code, R*424-22)",)
    assert _info(app, town, "urbanisme.cua").who == "Anyone, owner of the land or not."
    assert "R*423-1" in _info(app, town, "urbanisme.pc").who


def test_another_plugins_type_gets_nothing_from_urbanisme(app, town):
    with in_commune(app, town), app.test_request_context():
        other = RequestType(code="bacs", label="Demande de bacs", fields=[])
        assert app.extensions["grc"].demarche_info(["urbanisme"], other, None) == []


def test_the_portal_page_of_the_declaration_prealable_shows_it_in_english_and_in_french(app, town):
    client = app.test_client()
    url = "/c/villeneuve/portal/procedures/urbanisme.dp"
    english = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "you may carry out the works." in english and "working days" not in english
    french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "1 mois à compter du dossier complet." in french
    assert "<li>L&#39;un des formulaires CERFA n° 13703, 13404, 13702, rempli et signé</li>" in french
