"""Season slots, equipment loans and drinks stands: the happy paths and the
bad inputs of the issue, refused with their message and nothing stored."""
import html
from datetime import date

import pytest
from sqlalchemy import select

from grc_core.plugin_api import TransitionError, db
from grc_core.plugin_api.testing import apply_as, file_request_as, in_commune

from .conftest import NOW, booking_fields, client_for, counts, file_form
from plugins.equipements.models import Booking, Buvette, Loan, Slot


def text(response):
    return html.unescape(response.get_data(as_text=True))


def season(**more):
    fields = {"equipement": "GYM", "association": "Basket club", "jour": "1", "heure_debut": "18:00",
              "heure_fin": "20:00", "premier_jour": "2027-09-01", "dernier_jour": "2027-09-30", "participants": "20",
              "activite": "Entraînement"}
    fields.update(more)
    return fields


def test_season_slots_list_their_conflicts_before_the_decision(app, town):
    # A confirmed booking on Tuesday 14 September 2027, 19:00–21:00.
    other = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"], town.citizen,
                            booking_fields(equipement="GYM", date_debut="2027-09-14", heure_debut="19:00",
                                           date_fin="2027-09-14", heure_fin="21:00"), now=NOW)
    apply_as(app, town.id, "chef@a.fr", other, "confirmer", fields={"assurance_reference": "x"}, now=NOW)
    request_id = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.creneaux"], town.citizen,
                                 season(), now=NOW)
    with in_commune(app, town.id):
        booking = db.session.scalar(select(Booking).where(Booking.request_id == request_id))
        assert [s.start_at.day for s in booking.slots] == [7, 14, 21, 28] and booking.amount == 0
    page = text(client_for(app, "chef@a.fr").get(f"/admin/requests/{request_id}/"))
    assert "À régler avant la décision" in page and "Le 14/09/2027 à 18:00 : déjà pris" in page
    with pytest.raises(TransitionError, match="Le 14/09/2027 à 18:00"):
        apply_as(app, town.id, "chef@a.fr", request_id, "accorder", now=NOW)
    apply_as(app, town.id, "chef@a.fr", other, "annuler", comment="Déplacé", now=NOW)
    apply_as(app, town.id, "chef@a.fr", request_id, "accorder", now=NOW)
    with in_commune(app, town.id):
        assert db.session.scalar(select(db.func.count()).select_from(Slot).where(Slot.status == "confirmee")) == 4


@pytest.mark.parametrize("fields, field, message", [
    (dict(dernier_jour="2027-08-01"), "dernier_jour", "Le dernier jour de la saison précède le premier."),
    (dict(dernier_jour="2028-09-30"), "dernier_jour", "Une saison dure un an au plus."),
    (dict(heure_fin="17:00"), "heure_fin", "L'heure de fin du créneau doit être après l'heure de début."),
    (dict(jour="5"), "premier_jour", "L'équipement est fermé le samedi"),
    (dict(participants="300"), "participants", "300 participants dépassent la capacité"),
    (dict(premier_jour="2027-13-01"), "premier_jour", None),
])
def test_bad_season_requests(app, town, fields, field, message):
    before = counts(app, town.id)
    response = file_form(client_for(app, "agent@a.fr"), town, "equipements.creneaux", **season(**fields))
    assert response.status_code == 400
    if message:
        assert message in text(response)
    assert f'id="f_{field}"' in text(response)
    assert counts(app, town.id) == before


def loan(**more):
    fields = {"date_debut": "2027-06-19", "heure_debut": "09:00", "date_fin": "2027-06-21", "heure_fin": "12:00",
              "materiel": "30 tables\n4 barrières", "mode": "retrait", "objet": "Fête de quartier"}
    fields.update(more)
    return fields


def test_an_equipment_loan_from_request_to_checked_return(app, town):
    first = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.pret"], town.citizen, loan(), now=NOW)
    apply_as(app, town.id, "agent@a.fr", first, "accorder", now=NOW)
    # 50 tables, 30 out over the period: 20 left.
    client = client_for(app, "agent@a.fr")
    response = file_form(client, town, "equipements.pret", **loan(materiel="21 tables", date_debut="2027-06-20",
                                                                   date_fin="2027-06-20"))
    assert response.status_code == 400
    assert "Tables : 21 demandés, 20 disponibles sur la période (stock : 50)." in text(response)
    second = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.pret"], town.citizen,
                             loan(materiel="20 tables", date_debut="2027-06-21", heure_debut="12:00",
                                  date_fin="2027-06-22"), now=NOW)
    apply_as(app, town.id, "agent@a.fr", second, "accorder", now=NOW)
    apply_as(app, town.id, "agent@a.fr", first, "sortir", now=NOW)
    with pytest.raises(TransitionError) as refused:
        apply_as(app, town.id, "agent@a.fr", first, "rendre", now=NOW)
    assert "Indiquez ce qui manque" in str(refused.value.field_errors["remarques_retour"])
    apply_as(app, town.id, "agent@a.fr", first, "rendre", fields={"remarques_retour": "Deux tables abîmées"}, now=NOW)
    with in_commune(app, town.id):
        done = db.session.scalar(select(Loan).where(Loan.request_id == first))
        assert (done.status, done.return_notes) == ("rendu", "Deux tables abîmées")


@pytest.mark.parametrize("fields, message", [
    (dict(materiel="51 tables"), "Tables : 51 demandés, 50 disponibles sur la période (stock : 50)."),
    (dict(materiel="tables"), "Ligne illisible : « tables »"),
    (dict(materiel="3 trampolines"), "« trampolines » n'est pas du matériel prêté par la commune (Barrières, Tables)."),
    (dict(materiel="0 tables"), "Tables : indiquez une quantité d'au moins 1."),
    (dict(mode="livraison"), "Indiquez le lieu de livraison."),
    (dict(date_fin="2027-06-18"), "La fin du prêt doit être après son début."),
    (dict(date_debut="2027-06-31"), None),
])
def test_bad_loans(app, town, fields, message):
    before = counts(app, town.id)
    response = file_form(client_for(app, "agent@a.fr"), town, "equipements.pret", **loan(**fields))
    assert response.status_code == 400
    if message:
        assert message in text(response)
    assert counts(app, town.id) == before


def buvette(**more):
    fields = {"association": "Comité des fêtes", "organisateur_type": "association", "manifestation": "Fête",
              "lieu": "Place", "date_debut": "2027-07-14", "heure_debut": "10:00", "date_fin": "2027-07-14",
              "heure_fin": "23:00", "groupes": ["1", "3"]}
    fields.update(more)
    return fields


def _stands(app, town, count, **fields):
    for n in range(count):
        day = date(2027, 5, 1 + n).isoformat()
        request_id = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.buvette"], town.citizen,
                                     buvette(date_debut=day, date_fin=day, **fields), now=NOW)
        apply_as(app, town.id, "chef@a.fr", request_id, "autoriser", now=NOW)


def test_a_sixth_drinks_stand_in_a_year_is_refused(app, town):
    _stands(app, town, 5)
    before = counts(app, town.id)
    response = file_form(client_for(app, "agent@a.fr"), town, "equipements.buvette",
                         **buvette(association="COMITÉ  des fêtes"))
    assert response.status_code == 400
    assert "Cette association a déjà 5 autorisations en 2027 : la limite est de 5 par an (CSP L3334-2)." \
        in text(response)
    assert counts(app, town.id) == before
    # The next year starts afresh.
    assert file_form(client_for(app, "agent@a.fr"), town, "equipements.buvette",
                     **buvette(date_debut="2028-01-02", date_fin="2028-01-02")).status_code == 302


def test_an_eleventh_in_a_sports_facility_is_refused_for_an_approved_sports_association(app, town):
    sports = dict(association="Basket club", organisateur_type="association_sportive", agrement_sportif=True,
                  equipement_sportif=True)
    _stands(app, town, 10, **sports)
    response = file_form(client_for(app, "agent@a.fr"), town, "equipements.buvette", **buvette(**sports))
    assert response.status_code == 400
    assert "la limite est de 10 par an (CSP L3335-4 et D3335-16 à D3335-18)" in text(response)
    with in_commune(app, town.id):
        assert db.session.scalar(select(db.func.count()).select_from(Buvette)) == 10


@pytest.mark.parametrize("fields, message", [
    (dict(groupes=["1", "4"]), "Seules les boissons des groupes 1 et 3"),
    (dict(equipement_sportif=True), "seule une association sportive agréée"),
    (dict(equipement_sportif=True, organisateur_type="association_sportive", agrement_sportif=True,
          date_fin="2027-07-17"), "48 heures au plus"),
    (dict(organisateur_type="autre"), "Seule une association organisant une manifestation publique"),
    (dict(heure_debut="10:15"), None),
])
def test_bad_drinks_stands(app, town, fields, message):
    before = counts(app, town.id)
    response = file_form(client_for(app, "agent@a.fr"), town, "equipements.buvette", **buvette(**fields))
    assert response.status_code == 400
    if message:
        assert message in text(response)
    assert counts(app, town.id) == before
