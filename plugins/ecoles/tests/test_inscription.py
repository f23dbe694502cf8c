"""Inscription scolaire through the intake form: level from the birth date,
sector school from the carte scolaire, pieces, workflow and certificate."""
from sqlalchemy import select

from grc_core.plugin_api import Citizen, HouseholdLink, Request, db
from grc_core.plugin_api.testing import in_commune, make_agent, make_commune, rules_locale
from plugins.ecoles import rules
from plugins.ecoles.models import Enrolment
from plugins.ecoles.request_types import PIECE_FIELDS, request_types

from .conftest import act, child_fields, client_for, counts, file_form, last_request

with rules_locale("fr", "ecoles"):
    UNKNOWN_STREET = str(rules.UNKNOWN_STREET_MESSAGE)  # as a French agent reads it, and as it is stored


def enrolment(app, town):
    with in_commune(app, town.id):
        row = db.session.scalar(select(Enrolment).order_by(Enrolment.id.desc()).limit(1))
        return row and (row.level, row.school_id, row.sector_message, row.child.full_name, row.status)


def test_a_petite_section_child_is_enrolled_in_its_sector_school(app, town):
    client = client_for(app, "accueil@a.fr")
    response = file_form(client, town, "ecoles.inscription",
                         **child_fields(adresse_numero="12", adresse_voie="rue des Lilas", attestation_honneur=True))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert enrolment(app, town) == ("petite_section", town.LIL, "", "Lina Garnier", "demandee")
    with in_commune(app, town.id):
        child = db.session.scalar(select(Citizen).where(Citizen.first_name == "Lina"))
        links = {(link.citizen_id, link.relative_id, link.relation) for link in db.session.scalars(select(HouseholdLink))}
        assert (town.parent, child.id, "child") in links and (child.id, town.parent, "parent") in links
        assert db.session.scalar(select(Request)).service.code == "ecoles.affaires_scolaires"


def test_a_known_child_of_the_household_is_not_created_twice(app, town):
    client = client_for(app, "accueil@a.fr")
    file_form(client, town, "ecoles.inscription", **child_fields(adresse_voie="Rue des Lilas"))
    before = counts(app, town.id)
    # Already enrolled for this year: refused, nothing stored.
    response = file_form(client, town, "ecoles.inscription", **child_fields(first="LINA", adresse_voie="Rue des Lilas"))
    assert response.status_code == 400
    assert ("L&#39;enfant est déjà inscrit pour l&#39;année 2027-2028 (École maternelle Les Lilas)"
            in response.get_data(as_text=True))
    assert counts(app, town.id) == before
    file_form(client, town, "ecoles.inscription", **child_fields(first="LINA", year=2028,
                                                                  adresse_voie="Rue des Lilas"))
    after = counts(app, town.id)
    assert after["Citizen"] == before["Citizen"] and after["HouseholdLink"] == before["HouseholdLink"]
    assert after["Enrolment"] == before["Enrolment"] + 1


def test_born_31_december_vs_1_january(app, town):
    client = client_for(app, "accueil@a.fr")
    file_form(client, town, "ecoles.inscription", **child_fields(born="2024-12-31", adresse_voie="Rue des Lilas"))
    assert enrolment(app, town)[0] == "petite_section"
    # Born the next day: 2 years old at the 2027 rentrée, petite section only in 2028.
    before = counts(app, town.id)
    response = file_form(client, town, "ecoles.inscription",
                         **child_fields(first="Noé", born="2025-01-01", adresse_voie="Rue des Lilas"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "cochez « Demande de toute petite section »" in page and "petite section à la rentrée 2028" in page
    assert counts(app, town.id) == before


def test_the_two_year_old_within_the_places_of_toute_petite_section(app, town):
    client = client_for(app, "accueil@a.fr")
    response = file_form(client, town, "ecoles.inscription", **child_fields(
        first="Noé", born="2025-01-01", adresse_voie="Rue des Lilas", toute_petite_section=True))
    assert response.status_code == 302
    assert enrolment(app, town)[:2] == ("toute_petite_section", town.LIL)
    # The only place is taken: the next two-year-old waits for the petite section.
    before = counts(app, town.id)
    response = file_form(client, town, "ecoles.inscription", **child_fields(
        first="Ava", born="2025-03-02", adresse_voie="Rue des Lilas", toute_petite_section=True))
    assert response.status_code == 400
    assert "Plus aucune place en toute petite section pour l&#39;année 2027-2028" in response.get_data(as_text=True)
    assert counts(app, town.id) == before


def test_too_young_even_for_toute_petite_section(app, town):
    client = client_for(app, "accueil@a.fr")
    before = counts(app, town.id)
    response = file_form(client, town, "ecoles.inscription", **child_fields(
        born="2025-10-01", adresse_voie="Rue des Lilas", toute_petite_section=True))
    assert response.status_code == 400
    assert "trop jeune pour 2027-2028" in response.get_data(as_text=True)
    assert counts(app, town.id) == before


def test_bad_input_is_refused_with_the_fields_messages(app, town):
    client = client_for(app, "accueil@a.fr")
    before = counts(app, town.id)
    response = file_form(client, town, "ecoles.inscription", enfant_prenom="Lina", enfant_naissance="31/02/2024",
                         annee_scolaire="deux mille", adresse_voie="")
    assert response.status_code == 400
    assert counts(app, town.id) == before
    future = file_form(client, town, "ecoles.inscription", **child_fields(born="2030-01-01", adresse_voie="Rue"))
    assert "La date de naissance de l&#39;enfant est dans le futur." in future.get_data(as_text=True)
    assert counts(app, town.id) == before


def test_odd_and_even_sides_and_ranges_of_the_carte_scolaire(app, town):
    client = client_for(app, "accueil@a.fr")
    file_form(client, town, "ecoles.inscription",
              **child_fields(adresse_numero="13", adresse_voie="av. Jean-Jaurès"))
    assert enrolment(app, town)[1] == town.PAS
    file_form(client, town, "ecoles.inscription",
              **child_fields(first="Léo", adresse_numero="14 bis", adresse_voie="Avenue Jean Jaurès"))
    assert enrolment(app, town)[1] == town.LIL
    # A CP child of the same even side goes to the élémentaire of the sector.
    file_form(client, town, "ecoles.inscription",
              **child_fields(first="Tom", born="2021-06-01", adresse_numero="14", adresse_voie="Avenue Jean Jaurès"))
    assert enrolment(app, town)[:2] == ("cp", town.MOU)
    # Beyond the range: not covered, manual assignment.
    file_form(client, town, "ecoles.inscription",
              **child_fields(first="Zoé", adresse_numero="51", adresse_voie="Avenue Jean Jaurès"))
    assert enrolment(app, town)[1] is None and "non couvert" in enrolment(app, town)[2]


def test_an_unknown_street_never_blocks_and_asks_for_a_manual_assignment(app, town):
    client = client_for(app, "accueil@a.fr")
    response = file_form(client, town, "ecoles.inscription",
                         **child_fields(adresse_numero="4", adresse_voie="Impasse des Oubliés"), follow_redirects=False)
    assert response.status_code == 302
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert UNKNOWN_STREET in done
    assert enrolment(app, town)[1:3] == (None, UNKNOWN_STREET)  # stored in the commune's language
    request_id = last_request(app, town.id)
    agent = client_for(app, "agent@a.fr")
    page = agent.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert UNKNOWN_STREET in page and "Affecter une école" in page
    assert "Responsables légaux" in page and "Sophie Garnier" in page
    assert act(agent, app, town.id, request_id, "verifier").status_code == 302
    refused = act(agent, app, town.id, request_id, "affecter")
    assert refused.status_code == 409
    assert "Aucune école n&#39;est affectée à cet enfant" in refused.get_data(as_text=True)
    # Manual assignment in the enrolments' view, then the certificate.
    with in_commune(app, town.id):
        enrolment_id = db.session.scalar(select(Enrolment.id))
    edit = agent.get(f"/admin/ecoles_enrolments/edit/?id={enrolment_id}")
    assert edit.status_code == 200
    from grc_core.plugin_api.testing import csrf_token
    response = agent.post(f"/admin/ecoles_enrolments/edit/?id={enrolment_id}", data={
        "csrf_token": csrf_token(agent, f"/admin/ecoles_enrolments/edit/?id={enrolment_id}"),
        "school": str(town.LIL), "level": "petite_section", "status": "demandee"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert enrolment(app, town)[1] == town.LIL
    assert act(agent, app, town.id, request_id, "affecter").status_code == 302
    certificate = agent.get(f"/admin/ecoles/certificats/{request_id}/inscription")
    text = certificate.get_data(as_text=True)
    assert certificate.status_code == 200
    assert "Certificat d&#39;inscription" in text or "Certificat d'inscription" in text
    assert "École maternelle Les Lilas" in text and "petite section" in text and "Lina Garnier" in text
    assert act(agent, app, town.id, request_id, "admettre").status_code == 302
    assert enrolment(app, town)[4] == "admise"


def test_the_pieces_asked_never_exceed_d131_3_1():
    inscription = next(t for t in request_types() if t.code == "ecoles.inscription")
    files = [field.name for field in inscription.fields if field.type == "file"]
    assert set(files) == set(PIECE_FIELDS)
    assert rules.check_requested_pieces([PIECE_FIELDS[name] for name in files]).ok
    # None of them is required: an attestation sur l'honneur is enough.
    assert not any(field.required for field in inscription.fields if field.type == "file")
    for request_type in request_types():
        assert {f.name for f in request_type.fields if f.type == "file"} <= set(PIECE_FIELDS)


def test_certificates_only_for_who_may_see_the_request(app, town):
    client = client_for(app, "accueil@a.fr")
    file_form(client, town, "ecoles.inscription", **child_fields(adresse_voie="Rue des Lilas"))
    request_id = last_request(app, town.id)
    agent = client_for(app, "agent@a.fr")
    # Not printable before the assignment.
    assert agent.get(f"/admin/ecoles/certificats/{request_id}/inscription").status_code == 404
    act(agent, app, town.id, request_id, "verifier")
    act(agent, app, town.id, request_id, "affecter")
    assert agent.get(f"/admin/ecoles/certificats/{request_id}/inscription").status_code == 200
    assert agent.get(f"/admin/ecoles/certificats/{request_id}/radiation").status_code == 404
    # Another commune's agent: 404; an élu, who reads no request: refused.
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=["ecoles"])
    make_agent(app, other, "admin@b.fr", "admin")
    assert client_for(app, "admin@b.fr").get(f"/admin/ecoles/certificats/{request_id}/inscription").status_code == 404
    make_agent(app, town.id, "elu@a.fr", "elu")
    assert client_for(app, "elu@a.fr").get(
        f"/admin/ecoles/certificats/{request_id}/inscription").status_code in (403, 404)
