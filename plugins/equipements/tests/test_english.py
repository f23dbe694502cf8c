"""Where the rules' texts reach an agent: in his language (issue 14, item 7).

A booking the rules refuse says why next to the field, the request's panel
states the fee's legal basis, in the agent's language; the basis stored on
the booking stays in the commune's."""
from __future__ import annotations

import html

from sqlalchemy import select

from grc_core.plugin_api import db
from grc_core.plugin_api.testing import in_commune
from plugins.equipements.models import Booking

from .conftest import booking_fields, client_for, file_form, last_request


def test_a_refused_booking_says_why_in_english(app, town):
    response = file_form(client_for(app, "agent@a.fr", lang="en"), town, "equipements.reservation",
                         **booking_fields(equipement="GYM", date_debut="2028-06-24", date_fin="2028-06-24",
                                          heure_fin="12:00", participants="250"))
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert ("The facility is closed on Saturday 6/24/28 (opening: Monday, Tuesday, Wednesday, Thursday, Friday, "
            "from 08:00 to 22:00).") in page
    assert "250 participants exceed the capacity of « Gymnase » (200 people)." in page
    assert "fermé" not in page and "dépassent" not in page


def test_the_fee_basis_is_stored_in_french_and_read_in_the_agents_language(app, town):
    response = file_form(client_for(app, "agent@a.fr"), town, "equipements.reservation",
                         **booking_fields(date_debut="2028-06-17", date_fin="2028-06-17"))
    assert response.status_code == 302
    request_id = last_request(app, town.id)
    with in_commune(app, town.id):
        stored = db.session.scalar(select(Booking.tariff_basis).where(Booking.request_id == request_id))
    assert stored == ("Redevance d'occupation du domaine public fixée par délibération (CG3P L2125-1, "
                      "CGCT L2144-3).")
    english = html.unescape(client_for(app, "agent@a.fr", lang="en").get(
        f"/admin/requests/{request_id}/").get_data(as_text=True))
    assert "Fee for the occupation of the public domain set by délibération (CG3P L2125-1, CGCT L2144-3)." in english
    assert "Redevance" not in english
    french = html.unescape(client_for(app, "agent@a.fr").get(f"/admin/requests/{request_id}/").get_data(as_text=True))
    assert stored in french


def test_a_fee_basis_the_commune_changed_is_shown_as_written(app, town):
    response = file_form(client_for(app, "agent@a.fr"), town, "equipements.reservation",
                         **booking_fields(date_debut="2028-06-17", date_fin="2028-06-17"))
    request_id = last_request(app, town.id)
    assert response.status_code == 302
    with in_commune(app, town.id):
        booking = db.session.scalar(select(Booking).where(Booking.request_id == request_id))
        booking.tariff_basis = "Délibération du 12 mars 2026"
        db.session.commit()
    english = html.unescape(client_for(app, "agent@a.fr", lang="en").get(
        f"/admin/requests/{request_id}/").get_data(as_text=True))
    assert "Délibération du 12 mars 2026" in english
