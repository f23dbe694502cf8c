"""Dérogation, restauration / périscolaire, changement d'école and radiation
through the intake form, with their guards and panels."""
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from grc_core.plugin_api import LOCAL_TIMEZONE, Request, db
from grc_core.plugin_api.testing import in_commune
from plugins.ecoles.models import Enrolment

from .conftest import act, child_fields, client_for, counts, file_form, last_request, make_parent


def enrol(app, town, client, **fields):
    """An inscription filed, checked and assigned; returns the request id."""
    response = file_form(client, town, "ecoles.inscription", **child_fields(**fields))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    request_id = last_request(app, town.id)
    agent = client_for(app, "agent@a.fr")
    assert act(agent, app, town.id, request_id, "verifier").status_code == 302
    assert act(agent, app, town.id, request_id, "affecter").status_code == 302
    return request_id


def test_an_intra_commune_derogation_goes_through_the_commission(app, town):
    desk = client_for(app, "accueil@a.fr")
    enrol(app, town, desk, adresse_voie="Rue des Lilas")
    response = file_form(desk, town, "ecoles.derogation", **child_fields(
        perimetre="intra", ecole_demandee="École primaire Pasteur", motif="frere_ou_soeur_scolarise"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    request_id = last_request(app, town.id)
    agent = client_for(app, "agent@a.fr")
    page = agent.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "dans la commune" in page and "le maire de la commune" in page
    # The capacity of the requested school, for the decider.
    assert "École primaire Pasteur : 0 inscrits pour 2 places en petite section" in page
    assert act(agent, app, town.id, request_id, "commission").status_code == 302
    # The agent does not decide; the admin does, and a refusal needs its reason.
    assert act(agent, app, town.id, request_id, "accorder").status_code in (403, 409)
    admin = client_for(app, "admin@a.fr")
    assert act(admin, app, town.id, request_id, "refuser").status_code == 409
    assert act(admin, app, town.id, request_id, "refuser", "Aucune place en petite section").status_code == 302
    with in_commune(app, town.id):
        assert db.session.get(Request, request_id).state == "refusee"


def test_an_incoming_derogation_flags_the_r212_21_case(app, town):
    desk = client_for(app, "accueil@a.fr")
    response = file_form(desk, town, "ecoles.derogation", **child_fields(
        perimetre="entrante", ecole_demandee="MOU", commune_residence="Saint-Aubin-des-Prés", motif="raison_medicale",
        born="2020-02-02"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    request_id = last_request(app, town.id)
    page = client_for(app, "agent@a.fr").get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "entre communes" in page and "Cas 3 : la commune de résidence doit participer aux frais." in page
    assert "École élémentaire du Moulin : 0 inscrits pour 2 places en CE1" in page
    # Granted: the child is enrolled in the requested school.
    act(client_for(app, "agent@a.fr"), app, town.id, request_id, "commission")
    assert act(client_for(app, "admin@a.fr"), app, town.id, request_id, "accorder").status_code == 302
    with in_commune(app, town.id):
        row = db.session.scalar(select(Enrolment))
        assert (row.school_id, row.level, row.status, row.child.full_name) == (town.MOU, "ce1", "affectee",
                                                                               "Lina Garnier")


def test_a_derogation_stored_without_its_reason_shows_the_gap_not_an_error(app, town):
    """Data filed before the reason was asked (an import, an older API form):
    the request page says what is missing instead of failing."""
    desk = client_for(app, "accueil@a.fr")
    response = file_form(desk, town, "ecoles.derogation", **child_fields(
        perimetre="intra", ecole_demandee="École primaire Pasteur", motif="raison_medicale"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    request_id = last_request(app, town.id)
    with in_commune(app, town.id):
        stored = db.session.get(Request, request_id)
        stored.data = {key: value for key, value in stored.data.items() if key != "motif"}
        db.session.commit()
    response = client_for(app, "agent@a.fr").get(f"/admin/requests/{request_id}/")
    assert response.status_code == 200
    assert "non indiqué : le demander à la famille avant de décider" in response.get_data(as_text=True)


def test_a_derogation_with_bad_input_stores_nothing(app, town):
    desk = client_for(app, "accueil@a.fr")
    before = counts(app, town.id)
    response = file_form(desk, town, "ecoles.derogation", **child_fields(
        perimetre="intra", ecole_demandee="École Jules Ferry", motif="convenance_personnelle"))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "L&#39;école demandée « École Jules Ferry » n&#39;est pas une école de la commune" in text
    assert "École primaire Pasteur" in text
    response = file_form(desk, town, "ecoles.derogation", **child_fields(
        perimetre="sortante", ecole_demandee="École Jean Moulin", motif="convenance_personnelle"))
    assert "Indiquez la commune de l&#39;école demandée." in response.get_data(as_text=True)
    response = file_form(desk, town, "ecoles.derogation", **child_fields(
        perimetre="intra", ecole_demandee="PAS", motif="piston"))
    assert response.status_code == 400
    assert counts(app, town.id) == before


def test_the_canteen_is_a_right_refused_only_at_capacity(app, town):
    desk = client_for(app, "accueil@a.fr")
    # Not enrolled yet: the school enrolment comes first.
    before = counts(app, town.id)
    response = file_form(desk, town, "ecoles.restauration", **child_fields(born="2021-03-03", cantine=True))
    assert response.status_code == 400
    assert "faites d&#39;abord l&#39;inscription scolaire" in response.get_data(as_text=True)
    nothing = file_form(desk, town, "ecoles.restauration", **child_fields(born="2021-03-03"))
    assert "Cochez au moins un service" in nothing.get_data(as_text=True)
    assert counts(app, town.id) == before

    enrol(app, town, desk, first="Tom", born="2021-03-03", adresse_voie="Rue des Lilas")
    response = file_form(desk, town, "ecoles.restauration", **child_fields(
        first="Tom", born="2021-03-03", cantine=True, quotient_familial="650"))
    assert response.status_code == 302
    request_id = last_request(app, town.id)
    agent = client_for(app, "agent@a.fr")
    page = agent.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "0 inscrits pour 1 places" in page and "Tranche 1 — 1.00 €" in page
    # A refusal while places remain is unlawful (L131-13): the guard says so.
    refused = act(agent, app, town.id, request_id, "refuser", "Complet")
    assert refused.status_code == 409
    assert "C. éduc. L131-13" in refused.get_data(as_text=True)
    assert act(agent, app, town.id, request_id, "inscrire").status_code == 302
    with in_commune(app, town.id):
        row = db.session.scalar(select(Enrolment).where(Enrolment.level == "cp"))
        assert (row.canteen, row.quotient_familial, row.tariff_label, row.tariff_price) == (
            True, 650, "Tranche 1", Decimal("1.00"))

    # The only place is taken: a second child is refused at submission.
    enrol(app, town, desk, first="Léa", born="2021-04-04", adresse_voie="Rue des Lilas")
    before = counts(app, town.id)
    response = file_form(desk, town, "ecoles.restauration", **child_fields(
        first="Léa", born="2021-04-04", cantine=True, quotient_familial="1500"))
    assert response.status_code == 400
    assert ("Plus de place pour la restauration scolaire de l&#39;école École élémentaire du Moulin "
            "(1 inscrit(s) pour 1 place(s))."
            in response.get_data(as_text=True))
    assert counts(app, town.id) == before
    # An after-school service the school does not offer is said so.
    response = file_form(desk, town, "ecoles.restauration", **child_fields(first="Léa", born="2021-04-04", soir=True))
    assert "ne propose pas l&#39;accueil du soir" in response.get_data(as_text=True)


def test_the_workflow_guard_enforces_the_capacity_too(app, town):
    desk = client_for(app, "accueil@a.fr")
    enrol(app, town, desk, first="Tom", born="2021-03-03", adresse_voie="Rue des Lilas")
    enrol(app, town, desk, first="Léa", born="2021-04-04", adresse_voie="Rue des Lilas")
    file_form(desk, town, "ecoles.restauration", **child_fields(first="Tom", born="2021-03-03", matin=True))
    first = last_request(app, town.id)
    file_form(desk, town, "ecoles.restauration", **child_fields(first="Léa", born="2021-04-04", matin=True))
    second = last_request(app, town.id)
    agent = client_for(app, "agent@a.fr")
    assert act(agent, app, town.id, first, "inscrire").status_code == 302
    # Filed while a place remained; full by now: registering is refused, refusing allowed.
    refused = act(agent, app, town.id, second, "inscrire")
    assert refused.status_code == 409 and "Plus de place pour l&#39;accueil du matin" in refused.get_data(as_text=True)
    assert act(agent, app, town.id, second, "refuser", "Accueil du matin complet").status_code == 302


def test_a_change_of_school_after_a_move(app, town):
    desk = client_for(app, "accueil@a.fr")
    before = counts(app, town.id)
    response = file_form(desk, town, "ecoles.changement", **child_fields(
        first="Tom", born="2021-03-03", date_demenagement="2027-10-01", adresse_voie="Avenue Jean Jaurès"))
    assert response.status_code == 400
    assert "pour un enfant qui arrive d&#39;une autre commune, faites une inscription scolaire" in response.get_data(
        as_text=True)
    response = file_form(desk, town, "ecoles.changement", **child_fields(
        first="Tom", born="2021-03-03", adresse_voie="Avenue Jean Jaurès"))
    assert response.status_code == 400
    assert counts(app, town.id) == before
    enrol(app, town, desk, first="Tom", born="2021-03-03", adresse_voie="Rue des Lilas")
    moved = date.today() - timedelta(days=20)
    response = file_form(desk, town, "ecoles.changement", **child_fields(
        first="Tom", born="2021-03-03", date_demenagement=moved.isoformat(), adresse_numero="15",
        adresse_voie="Avenue Jean Jaurès"))
    assert response.status_code == 302
    request_id = last_request(app, town.id)
    agent = client_for(app, "agent@a.fr")
    page = agent.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    deadline = (moved + timedelta(days=8)).strftime("%d/%m/%Y")
    assert deadline in page and "dépassé" in page
    act(agent, app, town.id, request_id, "verifier")
    assert act(agent, app, town.id, request_id, "affecter").status_code == 302
    with in_commune(app, town.id):
        rows = {(row.school_id, row.status) for row in db.session.scalars(select(Enrolment))}
    assert rows == {(town.MOU, "radiee"), (town.PAS, "affectee")}
    assert agent.get(f"/admin/ecoles/certificats/{request_id}/inscription").status_code == 200


def test_radiation_and_its_certificate(app, town):
    desk = client_for(app, "accueil@a.fr")
    before = counts(app, town.id)
    response = file_form(desk, town, "ecoles.radiation", **child_fields(
        date_radiation="2027-10-15", motif_radiation="demenagement"))
    assert response.status_code == 400
    assert "Aucune inscription de cet enfant pour cette année scolaire" in response.get_data(as_text=True)
    assert counts(app, town.id) == before
    enrol(app, town, desk, adresse_voie="Rue des Lilas")
    response = file_form(desk, town, "ecoles.radiation", **child_fields(
        date_radiation="2027-10-15", motif_radiation="demenagement", nouvelle_ecole="École <b>Jean Zay</b>"))
    assert response.status_code == 302
    request_id = last_request(app, town.id)
    agent = client_for(app, "agent@a.fr")
    assert agent.get(f"/admin/ecoles/certificats/{request_id}/radiation").status_code == 404
    assert act(agent, app, town.id, request_id, "radier").status_code == 302
    certificate = agent.get(f"/admin/ecoles/certificats/{request_id}/radiation").get_data(as_text=True)
    assert "Certificat de radiation" in certificate and "15/10/2027" in certificate
    assert "École &lt;b&gt;Jean Zay&lt;/b&gt;" in certificate and "<b>Jean Zay" not in certificate
    with in_commune(app, town.id):
        assert db.session.scalar(select(Enrolment.status)) == "radiee"


def test_the_parents_record_shows_each_childs_schooling(app, town):
    desk = client_for(app, "accueil@a.fr")
    enrol(app, town, desk, first="Tom", born="2021-03-03", adresse_voie="Rue des Lilas")
    file_form(desk, town, "ecoles.restauration", **child_fields(first="Tom", born="2021-03-03", cantine=True,
                                                                 matin=True, quotient_familial="1200"))
    agent = client_for(app, "agent@a.fr")
    act(agent, app, town.id, last_request(app, town.id), "inscrire")
    file_form(desk, town, "ecoles.inscription", **child_fields(first="<i>Lou</i>", adresse_voie="Rue des Lilas"))
    page = agent.get(f"/admin/citizens/{town.parent}/").get_data(as_text=True)
    assert "Scolarité" in page
    assert "Tom Garnier" in page and "École élémentaire du Moulin" in page and "CP" in page
    assert "oui (Tranche 2)" in page and "matin" in page
    assert "&lt;i&gt;Lou&lt;/i&gt; Garnier" in page and "<i>Lou</i>" not in page
    assert "Inscrire un enfant" in page
    # A citizen without children has no schooling block.
    other = make_parent(app, town.id, "Paul", "Durand")
    assert "Scolarité" not in agent.get(f"/admin/citizens/{other}/").get_data(as_text=True)


def test_a_move_is_too_far_off_more_than_90_days_after_the_submission_on_the_engines_clock(app, town):
    from types import SimpleNamespace

    from plugins.ecoles.plugin import grc_validate_request

    far = "La date du déménagement est trop lointaine"
    changement = SimpleNamespace(code="ecoles.changement")
    data = child_fields(first="Tom", born="2021-03-03", date_demenagement="2027-06-01")
    def errors_on(day):
        return " ".join(grc_validate_request(changement, data, datetime(2027, 3, day, 10, tzinfo=LOCAL_TIMEZONE)))

    with in_commune(app, town.id):
        # 1 June 2027 is 91 days after 2 March 2027, 90 days after the 3rd.
        assert far in errors_on(2)
        assert far not in errors_on(3)
