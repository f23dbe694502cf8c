"""Blocks on the request page and on the citizen's 360° page."""
import html
from datetime import date, timedelta

import pytest

from grc_core.plugin_api import LocalDate, Citizen, add_years, db
from grc_core.plugin_api.testing import in_commune, rules_locale, today

from plugins.etat_civil import rules

from .helpers import act, at, file, setup_town, signed_in


def day_in_words(day) -> str:
    """A date as a French reader reads it on the pages and in the rules' explanations (« 1er mars 2025 »)."""
    with rules_locale("fr", "etat_civil"):
        return str(LocalDate(day))


FR = {"Accept-Language": "fr"}
# Panels show the page's day: the system's clock (today(), read per test).


@pytest.fixture
def town(app):
    return setup_town(app)


def page(client, url):
    return html.unescape(client.get(url, headers=FR).get_data(as_text=True))


def acte(**fields):
    return {"acte": "naissance", "document": "copie_integrale", "nom": "Martin", "prenoms": "Jeanne",
            "date_naissance": date(1940, 4, 2), "lieu_naissance": "Orléans", "nom_parent_1": "Martin",
            "prenom_parent_1": "Paul", "nom_parent_2": "Durand", "prenom_parent_2": "Anne",
            "demandeur_nom": "Martin", "demandeur_prenoms": "Jeanne", "delivrance": "guichet", **fields}


def test_the_request_page_shows_eligibility_archives_and_manual_review(app, town):
    agent = signed_in(app, "agent@a.fr")
    own = file(app, town, "etat_civil.acte", acte(qualite="interesse_majeur"))
    text = page(agent, f"/admin/requests/{own}/")
    assert "État civil : dates légales" in text
    assert "Recevable : le demandeur peut obtenir ce document." in text
    assert "Registre communicable à tous à partir du" in text and "1er janvier 2016" in text
    # A tiers on a register closed 75 years ago: allowed as archives, but a minor's act is flagged.
    archive = file(app, town, "etat_civil.acte", acte(qualite="tiers"))
    text = page(agent, f"/admin/requests/{archive}/")
    assert ("archive publique (registre clos depuis plus de 75 ans, ou personne concernée décédée depuis plus de "
            "25 ans)") in text
    assert "Un agent doit vérifier avant la délivrance." in text
    # The death date given at filing brings the opening forward: 25 years after the death.
    dead = file(app, town, "etat_civil.acte", acte(qualite="tiers", date_naissance=date(1960, 3, 1),
                                                   date_deces_personne=date(1990, 5, 10)))
    text = page(agent, f"/admin/requests/{dead}/")
    assert "Registre communicable à tous à partir du" in text and "11 mai 2015" in text
    assert "Recevable : le demandeur peut obtenir ce document." in text
    lawyer = file(app, town, "etat_civil.acte", acte(qualite="avocat", date_naissance=date(1990, 1, 1)))
    assert "Vérifier que le client de l'avocat est lui-même en droit d'obtenir ce document" in page(
        agent, f"/admin/requests/{lawyer}/")


def test_a_request_stored_without_its_act_shows_a_warning_not_an_error(app, town):
    """Data imported or written by an older version (the load test's seed): the page still opens."""
    from grc_core.plugin_api import Request

    agent = signed_in(app, "agent@a.fr")
    own = file(app, town, "etat_civil.acte", acte(qualite="interesse_majeur"))
    with in_commune(app, town.id):
        db.session.get(Request, own).data = {"nom": "Martin"}
        db.session.commit()
    response = agent.get(f"/admin/requests/{own}/", headers=FR)
    assert response.status_code == 200
    assert "ne dit pas quel acte" in html.unescape(response.get_data(as_text=True))


def test_marriage_birth_and_name_change_panels_show_the_legal_dates(app, town):
    agent = signed_in(app, "agent@a.fr")
    deposit = date(2026, 2, 20)
    party = {"_nom": "Martin", "_prenoms": "Camille", "_date_naissance": date(1990, 5, 1), "_acte_du": deposit}
    fields = {f"{p}{k}": v for p in ("epoux1", "epoux2") for k, v in party.items()}
    marriage = file(app, town, "etat_civil.mariage", {**fields, "lien_commune": "domicile", "date_depot": deposit,
                                                      "temoin_1": "Paul Durand", "temoin_2": "Léa Petit"},
                    now=at(deposit))
    assert "pas encore publiés" in page(agent, f"/admin/requests/{marriage}/")
    act(app, town, marriage, "verifier")
    act(app, town, marriage, "publier_bans", {"date_publication": "2026-03-02"})
    text = page(agent, f"/admin/requests/{marriage}/")
    for expected in ("Bans publiés le", "2 mars 2026", "Fin de l'affichage le", "12 mars 2026",
                     "Célébration possible sans nouvelle publication jusqu’au", "12 mars 2027"):
        assert expected in text, expected
    late_birth = file(app, town, "etat_civil.declaration_naissance", {
        "enfant_nom": "Martin", "enfant_prenoms": "Léa", "date_naissance": date(2026, 3, 4),
        "lieu_naissance": "Maternité", "date_declaration": date(2026, 3, 10), "declarant": "Jeanne Martin"},
        now=at(date(2026, 3, 10)))
    text = page(agent, f"/admin/requests/{late_birth}/")
    assert "Dernier jour pour déclarer la naissance" in text and "9 mars 2026" in text
    assert "qu'en vertu d'un jugement du tribunal judiciaire" in text
    name = file(app, town, "etat_civil.changement_nom", {
        "demandeur_date_naissance": date(1980, 1, 1), "nom_actuel": "Martin", "nom_choisi": "Martin-Durand"},
        now=at(date(2026, 1, 31)))
    text = page(agent, f"/admin/requests/{name}/")
    assert "Confirmation en personne possible à partir du" in text and "28 février 2026" in text


def test_the_citizen_panel_lists_requests_files_and_recensement_status(app, town):
    with in_commune(app, town.id):
        citizen = db.session.get(Citizen, town.citizen)
        citizen.birth_date = add_years(today(), -16) - timedelta(days=10)  # 16 ten days ago: in the window
        citizen.last_name = "<b>Martin</b>"
        db.session.commit()
    window_end = rules.recensement_window(add_years(today(), -16) - timedelta(days=10)).closes_on
    agent = signed_in(app, "agent@a.fr")
    text = page(agent, f"/admin/citizens/{town.citizen}/")
    assert "Aucune démarche d'état civil." in text
    assert f"Recensement : à faire au plus tard le {day_in_words(window_end)}." in text
    request_id = file(app, town, "etat_civil.recensement", {
        "jeune_nom": "Martin", "jeune_prenoms": "Léo", "jeune_date_naissance": add_years(today(), -16),
        "jeune_lieu_naissance": "Orléans", "adresse": "5 rue Basse"})
    pacs_day = today() + timedelta(days=20)
    party = {"_nom": "Martin", "_prenoms": "Camille", "_date_naissance": date(1990, 5, 1), "_acte_du": today()}
    file(app, town, "etat_civil.pacs", {**{f"{p}{k}": v for p in ("partenaire1", "partenaire2")
                                           for k, v in party.items()},
                                        "convention": "cerfa", "date_enregistrement": pacs_day})
    raw = agent.get(f"/admin/citizens/{town.citizen}/", headers=FR).get_data(as_text=True)
    text = html.unescape(raw)
    assert "Recensement citoyen" in text and "Enregistrement d'un PACS" in text
    assert day_in_words(pacs_day) in text
    assert f"Recensement : fait le {day_in_words(today())}." in text
    assert f"/admin/requests/{request_id}/" in raw
    assert "<b>Martin</b>" not in raw  # escaped wherever the core shows it


def test_a_commune_without_the_plugin_has_no_types_and_no_panels(app):
    town = setup_town(app, with_plugin=False)
    assert not any(code.startswith("etat_civil.") for code in town.types)
    agent = signed_in(app, "admin@a.fr")
    text = page(agent, f"/admin/citizens/{town.citizen}/")
    assert "Recensement" not in text and "État civil" not in text
    assert agent.get("/admin/etat_civil/recensement/").status_code == 404
    assert agent.get("/admin/etat_civil/recensement/liste.csv?annee=2026&trimestre=1").status_code == 404
    assert "Demande d'acte" not in page(agent, "/admin/intake/")
