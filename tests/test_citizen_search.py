"""Finding a citizen: keys, forgiving search, and the search page and JSON."""
from datetime import date

import pytest

from grc_core.citizens import normalize, phone_key, phonetic_key, search_citizens
from grc_core.citizens.search import parse_query
from grc_core.extensions import db
from grc_core.models import Citizen
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune
from tests.test_citizen_helpers import english, make_citizen, make_request


@pytest.mark.parametrize(("text", "expected"), [
    ("Saint-Étienne", "saint etienne"),
    ("  L'Hôpital   du  Cœur ", "l hopital du coeur"),
    ("JEAN-PIERRE", "jean pierre"),
    ("Lefèvre", "lefevre"),
    ("", ""),
])
def test_normalize_folds_accents_case_hyphens_apostrophes_and_spaces(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(("a", "b"), [
    ("Dupont", "Dupond"), ("Lefèvre", "Lefevre"), ("Rousseau", "Rouseau"), ("Philippe", "Filipe"),
    ("Giraud", "Giraux"), ("Nguyen", "Nguyên"),
])
def test_phonetic_key_forgives_spellings_that_sound_alike(a, b):
    assert phonetic_key(a) == phonetic_key(b) != ""


def test_phonetic_key_still_tells_different_names_apart():
    assert len({phonetic_key(name) for name in ("Dupont", "Martin", "Bernard", "Lefèvre", "Durand")}) == 5


@pytest.mark.parametrize("text", ["+33 6 12 34 56 78", "0033 (0)6 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78"])
def test_phone_key_keeps_digits_and_writes_plus_33_as_0(text):
    assert phone_key(text) == "0612345678"


def test_query_parsing_recognises_each_kind_of_input():
    assert parse_query("2026-42").reference == "2026-00042"
    assert parse_query("06 12 34 56 78").phone == "0612345678"
    parsed = parse_query("Dupont 12/03/1980")
    assert (parsed.names, parsed.birth_date) == (["dupont"], date(1980, 3, 12))
    assert parse_query("Jean.Dupont@Example.FR").email == "jean.dupont@example.fr"
    assert parse_query("31/02/1980").birth_date is None  # not a date: searched as a name


@pytest.fixture
def people(app):
    commune = make_commune(app, plugins=[])
    ids = {
        "lefevre": make_citizen(app, commune, "Anne", "Lefèvre", birth_date=date(1975, 5, 2)),
        "jp": make_citizen(app, commune, "Jean-Pierre", "Martin", birth_date=date(1960, 1, 20),
                           email="JP.Martin@Example.fr", phone="+33 6 12 34 56 78"),
        "dupont": make_citizen(app, commune, "Paul", "Dupont", birth_date=date(1980, 3, 12)),
        "dupont2": make_citizen(app, commune, "Marie", "Dupont", birth_date=date(1990, 7, 1)),
        "durand": make_citizen(app, commune, "Paul", "Durand", birth_date=date(1980, 3, 12)),
        "saint": make_citizen(app, commune, "Luc", "Saint-Étienne"),
    }
    return commune, ids


def found(app, commune, query):
    with in_commune(app, commune):
        return [c.id for c in search_citizens(query)]


def test_keys_are_maintained_on_create_and_update(app, people):
    commune, ids = people
    with in_commune(app, commune):
        citizen = db.session.get(Citizen, ids["jp"])
        assert (citizen.name_key, citizen.phonetic_key, citizen.phone_key, citizen.email) == (
            "martin jean pierre", "MRTN", "0612345678", "jp.martin@example.fr")
        citizen.last_name = "Dupond"
        db.session.commit()
        assert (citizen.name_key, citizen.phonetic_key) == ("dupond jean pierre", "DPN")


@pytest.mark.parametrize(("query", "expected"), [
    ("Lefevre", ["lefevre"]),
    ("LEFÈVRE anne", ["lefevre"]),
    ("lefe", ["lefevre"]),
    ("jean pierre martin", ["jp"]),
    ("Martin Jean-Pierre", ["jp"]),
    ("martin jean pi", ["jp"]),
    ("saint etienne", ["saint"]),
    ("Saint Étienne Luc", ["saint"]),
])
def test_search_forgives_accents_case_hyphens_and_word_order(app, people, query, expected):
    commune, ids = people
    assert found(app, commune, query) == [ids[key] for key in expected]


def test_search_forgives_typos_through_the_phonetic_key(app, people):
    commune, ids = people
    # Equally close: by name ("dupont marie" before "dupont paul").
    assert found(app, commune, "Dupond") == [ids["dupont2"], ids["dupont"]]
    assert found(app, commune, "Dupond Paul") == [ids["dupont"]]  # Marie Dupont is too far
    assert found(app, commune, "lefevvre") == [ids["lefevre"]]


def test_exact_and_prefix_matches_come_before_phonetic_ones(app, people):
    commune, ids = people
    dupond = make_citizen(app, commune, "Marc", "Dupond")
    assert found(app, commune, "dupond")[0] == dupond
    assert set(found(app, commune, "dupond")) == {dupond, ids["dupont"], ids["dupont2"]}


def test_search_by_email_phone_birth_date_and_reference(app, people):
    commune, ids = people
    make_request(app, commune, ids["lefevre"], "2026-00042")
    assert found(app, commune, "jp.martin@EXAMPLE.fr") == [ids["jp"]]
    assert found(app, commune, "06 12 34 56 78") == [ids["jp"]]
    assert found(app, commune, "+33612345678") == [ids["jp"]]
    assert found(app, commune, "0612 34") == [ids["jp"]]  # the start of a number
    assert set(found(app, commune, "12/03/1980")) == {ids["dupont"], ids["durand"]}
    assert found(app, commune, "dupont 12/03/1980") == [ids["dupont"]]
    assert found(app, commune, "2026-00042") == [ids["lefevre"]]
    assert found(app, commune, "2026-42") == [ids["lefevre"]]
    assert found(app, commune, "2026-00043") == []


def test_merged_records_are_never_found(app, people):
    commune, ids = people
    with in_commune(app, commune):
        db.session.get(Citizen, ids["dupont2"]).merged_into_id = ids["dupont"]
        db.session.commit()
    assert found(app, commune, "dupont") == [ids["dupont"]]
    assert found(app, commune, "Marie Dupont") == []  # gone; Paul Dupont is not Marie


# --- pages ------------------------------------------------------------------------------

@pytest.fixture
def agent_client(app, client, people):
    commune, ids = people
    make_agent(app, commune, "accueil@a.fr", "accueil")
    login(client, "accueil@a.fr")
    return english(client)


def test_search_page_shows_results_with_their_details(app, agent_client, people):
    commune, ids = people
    make_request(app, commune, ids["jp"], "2026-00001")
    make_request(app, commune, ids["jp"], "2026-00002")
    page = agent_client.get("/admin/citizens/?q=martin+jean+pierre").get_data(as_text=True)
    assert f'href="/admin/citizens/{ids["jp"]}/"' in page
    # Dates in the reader's language (Babel's short format: 20/01/1960 in French).
    assert "MARTIN Jean-Pierre" in page and "1/20/60" in page and "jp.martin@example.fr" in page
    assert '<td class="text-right">2</td>' in page
    assert 'name="q"' in page and "autofocus" in page
    assert "No citizen found" in agent_client.get("/admin/citizens/?q=zzzz").get_data(as_text=True)


def test_search_json_for_the_quick_intake(app, agent_client, people):
    commune, ids = people
    data = agent_client.get("/admin/citizens/search.json?q=lefevre").get_json()
    assert data["results"] == [{
        "id": ids["lefevre"], "label": "Anne Lefèvre", "birth_date": "1975-05-02", "birth_date_display": "5/2/75",
        "address": "", "email": "", "phone": "", "requests": 0, "url": f"/admin/citizens/{ids['lefevre']}/",
    }]
    assert agent_client.get("/admin/citizens/search.json?q=").get_json() == {"results": []}
    french = agent_client.get("/admin/citizens/search.json?q=lefevre", headers={"Accept-Language": "fr"})
    assert french.get_json()["results"][0]["birth_date_display"] == "02/05/1975"


def test_another_communes_agent_never_finds_these_citizens(app, client, people):
    commune, ids = people
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    make_citizen(app, other, "Paul", "Dupontel")
    make_agent(app, other, "agent@b.fr", "agent")
    login(client, "agent@b.fr")
    english(client)
    page = client.get("/admin/citizens/?q=dupont").get_data(as_text=True)
    assert "DUPONTEL Paul" in page
    assert f'/admin/citizens/{ids["dupont"]}/' not in page and "Marie" not in page
    results = client.get("/admin/citizens/search.json?q=dupont").get_json()["results"]
    assert [r["label"] for r in results] == ["Paul Dupontel"]
    assert client.get("/admin/citizens/search.json?q=jp.martin@example.fr").get_json() == {"results": []}
    assert client.get(f"/admin/citizens/{ids['dupont']}/").status_code == 404


@pytest.mark.parametrize("url", ["/admin/citizens/?q=dupont", "/admin/citizens/search.json?q=dupont",
                                 "/admin/citizens/new", "/admin/contacts/"])
def test_elected_officials_are_refused_personal_data(app, client, people, url):
    commune, ids = people
    make_agent(app, commune, "elu@a.fr", "elu")
    login(client, "elu@a.fr")
    response = client.get(url)
    assert response.status_code == 403
    assert "Dupont" not in response.get_data(as_text=True)
    assert client.get(f"/admin/citizens/{ids['dupont']}/").status_code == 403
    assert "/admin/citizens/" not in client.get("/admin/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(app, client, people):
    response = client.get("/admin/citizens/?q=dupont")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/admin/citizens/search.json?q=dupont").status_code == 302


@pytest.mark.parametrize("role", ["admin", "manager", "agent", "accueil"])
def test_every_agent_role_but_the_elu_may_search(app, client, people, role):
    commune, ids = people
    make_agent(app, commune, f"{role}@a.fr", role)
    login(client, f"{role}@a.fr")
    assert [r["id"] for r in client.get("/admin/citizens/search.json?q=durand").get_json()["results"]] == [
        ids["durand"]]
