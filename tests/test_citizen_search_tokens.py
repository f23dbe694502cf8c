"""Search as you type: every word typed is the start of a word of the name,
in any order, accents and hyphens folded ("marie-claire rob")."""
from datetime import date

import pytest

from grc_core.citizens import search_citizens
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune
from tests.test_citizen_helpers import english, make_citizen


@pytest.fixture
def people(app):
    commune = make_commune(app, plugins=[])
    ids = {
        "mcr": make_citizen(app, commune, "Marie-Claire", "Robert", birth_date=date(1971, 4, 9)),
        "mr": make_citizen(app, commune, "Marie", "Robin"),
        "rm": make_citizen(app, commune, "Robert", "Marchand"),
        "cm": make_citizen(app, commune, "Claire", "Mériaux"),
        "jp": make_citizen(app, commune, "Jean-Pierre", "Léger"),
    }
    # Many more last names starting alike: the match must not be lost past the first rows.
    for index in range(120):
        make_citizen(app, commune, f"Paul{index}", f"Robaix{index:03d}")
    return commune, ids


def found(app, commune, query):
    with in_commune(app, commune):
        return [c.id for c in search_citizens(query)]


@pytest.mark.parametrize(("query", "expected"), [
    ("marie-claire rob", "mcr"),
    ("Marie Claire ROB", "mcr"),
    ("rob marie-cl", "mcr"),
    ("cla mar rob", "mcr"),
    ("jean-pi leg", "jp"),
    ("léger jean p", "jp"),
])
def test_each_word_typed_starts_a_word_of_the_name(app, people, query, expected):
    commune, ids = people
    assert found(app, commune, query)[0] == ids[expected]


def test_words_that_start_no_word_of_the_name_do_not_match_by_prefix(app, people):
    commune, ids = people
    results = found(app, commune, "marie-claire rob")
    assert ids["rm"] not in results  # Robert Marchand: no "claire"
    assert ids["cm"] not in results  # Claire Mériaux: no "rob"


def test_the_json_search_as_you_type_finds_it(app, client, people):
    commune, ids = people
    make_agent(app, commune, "accueil@a.fr", "accueil")
    login(client, "accueil@a.fr")
    data = english(client).get("/admin/citizens/search.json?q=marie-claire+rob").get_json()
    assert data["results"][0]["id"] == ids["mcr"] and data["results"][0]["label"] == "Marie-Claire Robert"
