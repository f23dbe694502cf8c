"""The back office around the bookings: calendar, panels, dashboards, reference
data and their permissions, demo data, retention."""
import html
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from grc_core.plugin_api import Citizen, Commune, IndicatorFilters, Request, Service, db
from grc_core.plugin_api.testing import (
    apply_as, file_request_as, in_commune, make_agent, run_retention,
)
from plugins.equipements import dashboards
from plugins.equipements.models import Booking, Facility, Slot

from .conftest import NOW, booking_fields, client_for


def text(response):
    return html.unescape(response.get_data(as_text=True))


def _booked(app, town):
    """A confirmed wedding on 19 June 2027 and an option on 26 June; a loan of 30 tables, out."""
    wedding = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"], town.citizen,
                              booking_fields(objet="Mariage Garnier"), now=NOW)
    apply_as(app, town.id, "chef@a.fr", wedding, "confirmer", fields={"assurance_reference": "MAIF"}, now=NOW)
    option = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"], town.citizen,
                             booking_fields(objet="Anniversaire", date_debut="2027-06-26", date_fin="2027-06-26",
                                            heure_debut="14:00", heure_fin="19:00"), now=NOW)
    apply_as(app, town.id, "agent@a.fr", option, "poser_option", now=NOW)
    loan = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.pret"], town.citizen, {
        "date_debut": "2027-06-18", "heure_debut": "09:00", "date_fin": "2027-06-21", "heure_fin": "12:00",
        "materiel": "30 tables", "mode": "retrait", "objet": "Mariage"}, now=NOW)
    apply_as(app, town.id, "agent@a.fr", loan, "accorder", now=NOW)
    apply_as(app, town.id, "agent@a.fr", loan, "sortir", now=NOW)
    return wedding, option, loan


def test_the_calendar_shows_bookings_options_and_closures_per_facility_and_for_all(app, town):
    wedding, option, _loan = _booked(app, town)
    client = client_for(app, "accueil@a.fr")
    month = text(client.get("/admin/equipements/calendrier/?day=2027-06-01"))
    assert "<h1" in month and "Juin 2027" in month
    assert "Mariage Garnier" in month and "Anniversaire" in month and "expire le 11/03/2027" in month
    assert f"/admin/requests/{wedding}/" in month
    assert "10:00–00:00" in month and "14:00–19:00" in month
    april = text(client.get(f"/admin/equipements/calendrier/?day=2027-04-12&facility={town.sdf}"))
    assert "Salle des fêtes : travaux" in april
    gym = text(client.get(f"/admin/equipements/calendrier/?day=2027-06-01&facility={town.gym}"))
    assert "Mariage Garnier" not in gym
    week = text(client.get("/admin/equipements/calendrier/?day=2027-06-23&view=week"))
    assert "Semaine du 21/06/2027" in week and "Anniversaire" in week and "Mariage Garnier" not in week
    # A malformed date or facility shows today's month of every facility, never an error.
    assert client.get("/admin/equipements/calendrier/?day=2027-02-30&facility=abc").status_code == 200


def test_the_citizen_panel_shows_bookings_deposits_held_and_loans(app, town):
    _booked(app, town)
    page = text(client_for(app, "agent@a.fr").get(f"/admin/citizens/{town.citizen}/"))
    assert "Salle des fêtes" in page and "Confirmée" in page and "Option (pré-réservation)" in page
    assert "Cautions détenues : 500\xa0€" in page and "30 Tables" in page


def test_the_request_panel_shows_the_tariff_deposit_and_stock(app, town):
    wedding, _option, loan = _booked(app, town)
    client = client_for(app, "agent@a.fr")
    page = text(client.get(f"/admin/requests/{wedding}/"))
    assert "150\xa0€" in page and "L2125-1" in page and "MAIF" in page
    page = text(client.get(f"/admin/requests/{loan}/"))
    assert "30 demandés, 50 disponibles sur la période" in page


def filters(**more):
    return IndicatorFilters(start=more.pop("start", date(2027, 6, 1)), end=more.pop("end", date(2027, 6, 30)),
                            today=more.pop("today", date(2027, 6, 1)), **more)


def series(result):
    return {s.code: dict(zip((key for key, _label in result.categories), s.values)) for s in result.series}


def test_dashboards_against_hand_counts(app, town):
    _booked(app, town)
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        occupancy = series(dashboards.occupancy(commune, filters()))["occupation"]
        # 14 h (wedding) + 5 h (option) over 30 days of 16 h.
        assert occupancy[str(town.sdf)] == round(100 * 19 / (30 * 16), 1) and occupancy[str(town.gym)] == 0
        assert series(dashboards.bookings_per_category(commune, filters()))["reservations"]["resident"] == 2
        money = series(dashboards.revenue_and_deposits(commune, filters()))["euros"]
        assert money == {"redevances": 150.0, "cautions": 500.0, "retenues": 0.0}
        out = series(dashboards.equipment_out(commune, filters()))
        tables = db.session.scalar(select(func.min(Facility.id)))  # any id; items keyed by their own ids
        assert sorted(out["sorti"].values()) == [0.0, 30.0] and tables
        upcoming = series(dashboards.upcoming_events(commune, filters(today=date(2027, 6, 1))))["evenements"]
        assert upcoming[str(town.sdf)] == 2
        hidden = dashboards.occupancy(commune, filters(service_ids=frozenset({-1})))
        assert hidden.value is None
    page = client_for(app, "admin@a.fr").get("/admin/dashboards/?tab=equipements")
    assert page.status_code in (200, 302)


def test_reference_data_are_the_managers_and_checked(app, town):
    agent, admin = client_for(app, "agent@a.fr"), client_for(app, "admin@a.fr")
    assert agent.get("/admin/equipements_facilities/").status_code == 403
    assert admin.get("/admin/equipements_facilities/").status_code == 200
    assert agent.get("/admin/equipements_bookings/").status_code == 200
    from grc_core.plugin_api.testing import csrf_token
    token = csrf_token(admin, "/admin/equipements_facilities/new/")
    base = {"csrf_token": token, "code": "SALLE2", "name": "Salle 2", "kind": "salle", "capacity": "30",
            "open_days": "0123456", "opens": "08:00", "closes": "22:00", "deposit": "0", "active": "y"}
    for bad, words in (({"opens": "8h"}, "Heure illisible"), ({"closes": "07:00"}, "not after the opening")
                       , ({"open_days": "789"}, "0 (Monday)"), ({"capacity": "0"}, "")):
        response = admin.post("/admin/equipements_facilities/new/", data={**base, **bad})
        assert response.status_code == 200
        with in_commune(app, town.id):
            assert db.session.scalar(select(func.count()).select_from(Facility)) == 2
    response = admin.post("/admin/equipements_facilities/new/", data=base)
    assert response.status_code == 302
    with in_commune(app, town.id):
        assert db.session.scalar(select(func.count()).select_from(Facility)) == 3


def test_retention_anonymises_closed_requests_after_the_setting(app, town):
    wedding, option, _loan = _booked(app, town)
    apply_as(app, town.id, "agent@a.fr", option, "annuler", comment="Désistement", now=NOW)
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        closed_on = db.session.get(Request, option).closed_at.date()
        assert run_retention(commune, closed_on + timedelta(days=300)).get("equipements.demandes", 0) == 0
        counts = run_retention(commune, closed_on + timedelta(days=24 * 31 + 1))
        assert counts.get("equipements.demandes") == 1
        booking = db.session.scalar(select(Booking).where(Booking.request_id == option))
        assert booking.citizen_id is None and booking.amount == Decimal("80.00")
        assert db.session.scalar(select(Booking).where(Booking.request_id == wedding)).citizen_id == town.citizen


def test_demo_data_in_every_state_and_idempotent(app):
    from grc_core.plugin_api.testing import make_commune

    commune_id = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["equipements"])
    make_agent(app, commune_id, "accueil@villeneuve.fr", "accueil")
    with in_commune(app, commune_id):
        db.session.add_all([Citizen(first_name=f"Prénom{n}", last_name="Démo") for n in range(10)])
        db.session.commit()
        commune = db.session.get(Commune, commune_id)
        registry = app.extensions["grc"]
        registry.demo_data("equipements", commune)
        db.session.commit()
        states = set(db.session.scalars(select(Request.state)))
        assert {"demandee", "option", "confirmee", "soldee", "terminee", "accordee", "rendu", "autorisee"} <= states
        seasons = db.session.scalar(select(func.count()).select_from(Booking).where(Booking.season.is_(True),
                                                                                     Booking.status == "confirmee"))
        assert seasons == 4
        assert db.session.scalar(select(func.count()).select_from(Slot).where(Slot.status == "confirmee")) > 100
        assert db.session.scalar(select(func.count()).select_from(Booking).where(
            Booking.deposit_status == "retenue")) >= 1
        before = db.session.scalar(select(func.count(Request.id)))
        registry.demo_data("equipements", commune)
        db.session.commit()
        assert db.session.scalar(select(func.count(Request.id))) == before
        assert db.session.scalar(select(Service.id).where(Service.code == "equipements.equipements"))
