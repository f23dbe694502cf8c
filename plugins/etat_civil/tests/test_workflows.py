"""Each workflow's legal timeline at its edges, through the engine, the request
page and `grc tick` timers."""
import csv
import html
import io
from datetime import date, timedelta

import pytest

from grc_core.plugin_api import Request, TransitionError, db
from grc_core.plugin_api.testing import csrf_token, in_commune, tick

from plugins.etat_civil import rules

from .helpers import act, at, file, setup_town, signed_in, state


@pytest.fixture
def town(app):
    return setup_town(app)


def party(prefix, issued):
    return {f"{prefix}_nom": "Martin", f"{prefix}_prenoms": "Camille", f"{prefix}_date_naissance": date(1990, 5, 1),
            f"{prefix}_acte_du": issued}


def marriage(app, town, deposit, **extra):
    fields = {**party("epoux1", deposit), **party("epoux2", deposit), "lien_commune": "domicile",
              "date_depot": deposit, "temoin_1": "Paul Durand", "temoin_2": "Léa Petit", **extra}
    request_id = file(app, town, "etat_civil.mariage", fields, now=at(deposit))
    act(app, town, request_id, "verifier", now=at(deposit))
    return request_id


# --- mariage: bans, celebration, one-year expiry -------------------------------------------------

def test_celebration_day_9_after_the_bans_is_refused_day_10_accepted(app, town):
    published = date(2026, 3, 2)
    request_id = marriage(app, town, date(2026, 2, 20))
    act(app, town, request_id, "publier_bans", {"date_publication": "02/03/2026"}, now=at(published))
    with in_commune(app, town.id):
        assert db.session.get(Request, request_id).data["date_publication"] == "2026-03-02"  # stored as ISO
    with pytest.raises(TransitionError) as refused:
        act(app, town, request_id, "fixer_celebration", {"date_celebration": "2026-03-11"}, now=at(published))
    assert "au plus tôt le 12 mars 2026" in str(refused.value)
    assert state(app, town, request_id) == "bans_publies"
    act(app, town, request_id, "fixer_celebration", {"date_celebration": "12/03/2026"}, now=at(published))
    assert state(app, town, request_id) == "celebration_fixee"


def test_a_celebration_date_that_breaks_the_bans_is_refused_on_the_request_page(app, town):
    request_id = marriage(app, town, date(2026, 2, 20))
    act(app, town, request_id, "publier_bans", {"date_publication": "2026-03-02"}, now=at(date(2026, 3, 2)))
    agent = signed_in(app, "agent@a.fr")
    url = f"/admin/requests/{request_id}/"
    page = agent.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Célébration possible à partir du" in page and "12 mars 2026" in page
    with in_commune(app, town.id):
        version = db.session.get(Request, request_id).version
    response = agent.post(f"{url}transition", headers={"Accept-Language": "fr"}, data={
        "csrf_token": csrf_token(agent, url), "transition": "fixer_celebration", "version": version,
        "field_date_celebration": "11/03/2026"})
    assert response.status_code == 409
    assert "au plus tôt le 12 mars 2026." in html.unescape(response.get_data(as_text=True))
    assert state(app, town, request_id) == "bans_publies"
    response = agent.post(f"{url}transition", headers={"Accept-Language": "fr"}, data={
        "csrf_token": csrf_token(agent, url), "transition": "fixer_celebration", "version": version,
        "field_date_celebration": "le 12 mars"})
    assert "« date_celebration » doit être une date, par exemple 30/05/2026." in html.unescape(
        response.get_data(as_text=True))


def test_a_celebration_more_than_a_year_after_the_bans_is_refused_and_the_timer_asks_a_new_publication(app, town):
    request_id = marriage(app, town, date(2026, 2, 20))
    act(app, town, request_id, "publier_bans", {"date_publication": "2026-03-02"}, now=at(date(2026, 3, 2)))
    # Posting ends 12 March 2026; celebration possible until 12 March 2027.
    with pytest.raises(TransitionError) as refused:
        act(app, town, request_id, "fixer_celebration", {"date_celebration": "2027-03-13"}, now=at(date(2026, 3, 5)))
    assert "une nouvelle publication des bans est nécessaire" in str(refused.value)
    act(app, town, request_id, "fixer_celebration", {"date_celebration": "2027-03-12"}, now=at(date(2026, 3, 5)))
    with app.app_context():
        assert tick(at(date(2027, 3, 12), hour=23))["fired"] == 0
    assert state(app, town, request_id) == "celebration_fixee"
    with app.app_context():
        assert tick(at(date(2027, 3, 13), hour=0))["fired"] == 1
    assert state(app, town, request_id) == "publication_expiree"
    # New publication, new timeline.
    act(app, town, request_id, "publier_bans", {"date_publication": "2027-03-20"}, now=at(date(2027, 3, 20)))
    act(app, town, request_id, "fixer_celebration", {"date_celebration": "2027-03-30"}, now=at(date(2027, 3, 20)))
    act(app, town, request_id, "celebrer", now=at(date(2027, 3, 30)))
    assert state(app, town, request_id) == "celebre"


def test_bans_need_one_month_of_residence(app, town):
    request_id = marriage(app, town, date(2026, 2, 20), lien_commune="residence", residence_depuis=date(2026, 2, 10))
    with pytest.raises(TransitionError) as refused:
        act(app, town, request_id, "publier_bans", {"date_publication": "2026-03-09"}, now=at(date(2026, 3, 9)))
    assert "avant le 10 mars 2026 (code civil, art. 74)" in str(refused.value)
    act(app, town, request_id, "publier_bans", {"date_publication": "2026-03-10"}, now=at(date(2026, 3, 10)))
    assert state(app, town, request_id) == "bans_publies"


# --- changement de nom: one month before the confirmation in person ------------------------------

def test_name_change_confirmation_opens_one_month_after_receipt(app, town):
    received = date(2026, 1, 31)
    request_id = file(app, town, "etat_civil.changement_nom", {
        "demandeur_date_naissance": date(1980, 1, 1), "nom_actuel": "Martin", "nom_choisi": "Martin-Durand"},
        now=at(received))
    act(app, town, request_id, "verifier", now=at(received))
    act(app, town, request_id, "accepter_dossier", now=at(received))
    # Received 31 January: confirmation from 28 February (month end clamped).
    with app.app_context():
        assert tick(at(date(2026, 2, 27), hour=23))["fired"] == 0
    assert state(app, town, request_id) == "delai_reflexion"
    # An agent cannot open the confirmation before the month has run (guard, on the engine's clock).
    with pytest.raises(TransitionError) as refused:
        act(app, town, request_id, "ouvrir_confirmation", now=at(date(2026, 2, 27)))
    assert "soit à partir du 28 février 2026 (code civil, art. 61-3-1)" in str(refused.value)
    with app.app_context():
        counts = tick(at(date(2026, 2, 28), hour=10))
        assert counts["fired"] == 1, counts
    assert state(app, town, request_id) == "a_confirmer"
    act(app, town, request_id, "confirmer", now=at(date(2026, 2, 28)))
    assert state(app, town, request_id) == "inscrit"


# --- déclaration de naissance: the 5-day rule -------------------------------------------------

@pytest.mark.parametrize("late, final", [(False, "acte_dresse"), (True, "recue")])
def test_birth_declaration_on_the_last_day_vs_the_day_after(app, town, late, final):
    born = date(2026, 3, 4)  # Wednesday: the fifth day is Monday 9 March
    deadline = rules.birth_declaration_deadline(born)
    assert deadline == date(2026, 3, 9)
    declared = deadline + timedelta(days=1) if late else deadline
    request_id = file(app, town, "etat_civil.declaration_naissance", {
        "enfant_nom": "Martin", "enfant_prenoms": "Léa", "date_naissance": born, "lieu_naissance": "Maternité",
        "date_declaration": declared, "declarant": "Jeanne Martin"}, now=at(declared))
    if late:
        with pytest.raises(TransitionError) as refused:
            act(app, town, request_id, "dresser_acte", now=at(declared))
        assert "au plus tard le 9 mars 2026" in str(refused.value)
        act(app, town, request_id, "orienter_tribunal", comment="Jugement déclaratif à demander.", now=at(declared))
        assert state(app, town, request_id) == "orientee_tribunal"
    else:
        act(app, town, request_id, "dresser_acte", now=at(declared))
    assert state(app, town, request_id) in (final, "orientee_tribunal")


# --- recensement: the end of the 3rd month, quarterly list, attestation -----------------------------

def recensement(app, town, received, name="Petit"):
    return file(app, town, "etat_civil.recensement", {
        "jeune_nom": name, "jeune_prenoms": "Hugo", "jeune_date_naissance": date(2010, 3, 15),
        "jeune_lieu_naissance": "Orléans", "adresse": "5 rue Basse"}, now=at(received))


def test_recensement_on_the_last_day_of_the_third_month_vs_the_day_after(app, town):
    # 16 on 15 March 2026: in time until 30 June 2026, then regularisation.
    on_time = recensement(app, town, date(2026, 6, 30), name="Dernierjour")
    late = recensement(app, town, date(2026, 7, 1), name="Lendemain")
    for request_id in (on_time, late):
        act(app, town, request_id, "delivrer_attestation", now=at(date(2026, 7, 1)), actor="accueil@a.fr")
    agent = signed_in(app, "agent@a.fr")
    first = agent.get(f"/admin/requests/{on_time}/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    second = agent.get(f"/admin/requests/{late}/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "dans les délais" in first and "trimestre 2 de 2026, transmise au plus tard le 31 juillet 2026" in first
    assert "régularisation" in second and "trimestre 3 de 2026" in second
    # The attestation, printable from the request page.
    assert f"/admin/etat_civil/recensement/{on_time}/attestation" in first
    attestation = agent.get(f"/admin/etat_civil/recensement/{on_time}/attestation",
                            headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Attestation de recensement" in attestation and "Dernierjour" in attestation
    assert "s'est fait·e recenser le 30 juin 2026 (dans les délais)" in html.unescape(attestation)
    # Quarterly lists: Q2 has the first, Q3 the second.
    q2 = agent.get("/admin/etat_civil/recensement/liste.csv?annee=2026&trimestre=2")
    assert q2.status_code == 200 and q2.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(q2.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Référence", "Nom", "Prénoms"]
    assert [row[1] for row in rows[1:]] == ["Dernierjour"] and rows[1][6:] == ["30/06/2026", "dans les délais"]
    q3 = agent.get("/admin/etat_civil/recensement/liste.csv?annee=2026&trimestre=3").get_data(as_text=True)
    assert "Lendemain;Hugo;15/03/2010" in q3 and "Dernierjour" not in q3
    index = agent.get("/admin/etat_civil/recensement/?annee=2026", headers={"Accept-Language": "fr"})
    assert "Trimestre 2" in index.get_data(as_text=True)


def test_recensement_pages_need_the_permission_the_delivered_state_and_escape(app, town):
    request_id = file(app, town, "etat_civil.recensement", {
        "jeune_nom": "<script>alert(1)</script>", "jeune_prenoms": "Hugo", "jeune_date_naissance": date(2010, 3, 15),
        "jeune_lieu_naissance": "Orléans", "adresse": "5 rue Basse"}, now=at(date(2026, 6, 1)))
    agent = signed_in(app, "agent@a.fr")
    url = f"/admin/etat_civil/recensement/{request_id}/attestation"
    assert agent.get(url).status_code == 404  # not delivered yet
    act(app, town, request_id, "delivrer_attestation", now=at(date(2026, 6, 2)))
    page = agent.get(url).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    # Counter staff without etat_civil.deliver: no list, no attestation.
    counter = signed_in(app, "accueil@a.fr")
    assert counter.get(url).status_code == 403
    assert counter.get("/admin/etat_civil/recensement/liste.csv?annee=2026&trimestre=2").status_code == 403
    # Not a recensement: 404.
    other = file(app, town, "etat_civil.livret_duplicata", {"demandeur": "titulaire", "motif": "perte",
                                                             "titulaires": "Jeanne Martin"})
    assert agent.get(f"/admin/etat_civil/recensement/{other}/attestation").status_code == 404
    assert agent.get("/admin/etat_civil/recensement/liste.csv?annee=2026&trimestre=5").status_code == 404


# --- common path, permissions, missing piece timer, procureur branch -------------------------

def birth_copy(app, town, now):
    return file(app, town, "etat_civil.acte", {
        "acte": "naissance", "document": "extrait_sans_filiation", "qualite": "interesse_majeur", "nom": "Martin",
        "prenoms": "Jeanne", "date_naissance": date(1980, 4, 2), "lieu_naissance": "Orléans",
        "demandeur_nom": "Martin", "demandeur_prenoms": "Jeanne", "delivrance": "guichet"}, now=now)


def test_acte_delivery_needs_the_permission_and_a_missing_piece_closes_after_two_months(app, town):
    request_id = birth_copy(app, town, at(date(2026, 3, 2)))
    act(app, town, request_id, "verifier", actor="accueil@a.fr", now=at(date(2026, 3, 2)))
    with pytest.raises(TransitionError):
        act(app, town, request_id, "delivrer", actor="accueil@a.fr")
    act(app, town, request_id, "demander_piece", comment="Pièce d'identité", actor="agent@a.fr",
        now=at(date(2026, 3, 3)))
    with app.app_context():
        assert tick(at(date(2026, 5, 3), hour=9))["fired"] == 0
        assert tick(at(date(2026, 5, 3), hour=10))["fired"] == 1
    assert state(app, town, request_id) == "classee"
    other = birth_copy(app, town, at(date(2026, 3, 2)))
    act(app, town, other, "verifier", actor="agent@a.fr")
    act(app, town, other, "delivrer", actor="agent@a.fr")
    assert state(app, town, other) == "delivree"


def test_changement_de_prenom_referral_to_the_procureur(app, town):
    fields = {"beneficiaire": "Léo Martin", "beneficiaire_date_naissance": date(1990, 1, 1),
              "prenoms_demandes": "Noé", "motif": "Prénom d'usage."}
    request_id = file(app, town, "etat_civil.changement_prenom", fields)
    act(app, town, request_id, "verifier")
    act(app, town, request_id, "saisir_procureur", comment="Intérêt légitime douteux.")
    assert state(app, town, request_id) == "saisine_procureur"
    act(app, town, request_id, "opposition_procureur", comment="Opposition notifiée.")
    assert state(app, town, request_id) == "opposition"
    second = file(app, town, "etat_civil.changement_prenom", fields)
    act(app, town, second, "verifier")
    act(app, town, second, "saisir_procureur", comment="Intérêt légitime douteux.")
    act(app, town, second, "pas_opposition")
    assert state(app, town, second) == "inscrit"


def test_pacs_registration_refuses_stale_pieces_on_the_day(app, town):
    day = date(2026, 6, 10)
    request_id = file(app, town, "etat_civil.pacs", {
        **party("partenaire1", date(2026, 3, 10)), **party("partenaire2", date(2026, 5, 1)), "convention": "cerfa",
        "date_enregistrement": day}, now=at(date(2026, 5, 2)))
    act(app, town, request_id, "verifier")
    with pytest.raises(TransitionError) as unsigned:
        act(app, town, request_id, "enregistrer", now=at(day))
    assert "déclaration conjointe (cerfa 15725)" in str(unsigned.value)
    with in_commune(app, town.id):
        request = db.session.get(Request, request_id)
        request.data = {**request.data, "declaration_conjointe": True}
        db.session.commit()
    with pytest.raises(TransitionError) as refused:
        act(app, town, request_id, "enregistrer", now=at(date(2026, 6, 11)))
    assert "10 mars 2026" in str(refused.value)
    act(app, town, request_id, "enregistrer", now=at(day))
    assert state(app, town, request_id) == "enregistre"

