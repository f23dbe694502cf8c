"""Booking a facility through the back office, from the request to the
returned deposit, and every bad input of the form refused with its message
next to the field and nothing stored."""
import html
import io
import threading
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from grc_core.plugin_api import Request, TransitionError, db
from grc_core.plugin_api.testing import apply_as, file_request_as, in_commune, run_tick
from plugins.equipements.models import Booking, Slot

from .conftest import NOW, act, booking_fields, client_for, counts, file_form, last_request


def text(response):
    return html.unescape(response.get_data(as_text=True))


def booking_of(app, town, request_id):
    with in_commune(app, town.id):
        booking = db.session.scalar(select(Booking).where(Booking.request_id == request_id))
        db.session.expunge(booking)
        return booking


def test_a_booking_from_request_to_deposit_kept_in_part(app, town):
    desk, chef = client_for(app, "agent@a.fr"), client_for(app, "chef@a.fr")
    response = file_form(desk, town, "equipements.reservation", **booking_fields(
        date_debut="2027-06-19", heure_debut="10:00", date_fin="2027-06-21", heure_fin="00:00"))
    assert response.status_code == 302, text(response)
    request_id = last_request(app, town.id)
    booking = booking_of(app, town, request_id)
    # Saturday 10:00 to Monday 00:00: one weekend (250 €) beats two days (300 €).
    assert (booking.status, booking.amount, booking.deposit, booking.deposit_status) == (
        "demandee", Decimal("250.00"), Decimal("500.00"), "attendue")

    assert act(desk, app, town.id, request_id, "poser_option").status_code == 302
    booking = booking_of(app, town, request_id)
    assert booking.status == "option" and booking.option_expires_on is not None

    # No certificate attached and none typed: refused next to the field, nothing changes.
    refused = act(chef, app, town.id, request_id, "confirmer")
    assert "Attestation d'assurance exigée" in text(refused)
    assert booking_of(app, town, request_id).status == "option"

    assert act(chef, app, town.id, request_id, "confirmer", assurance_reference="MAIF 123").status_code == 302
    booking = booking_of(app, town, request_id)
    assert (booking.status, booking.deposit_status, booking.insurance_reference) == ("confirmee", "detenue",
                                                                                      "MAIF 123")
    pdf = desk.get(f"/admin/equipements/conventions/{request_id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    page = text(desk.get(f"/admin/requests/{request_id}/"))
    assert "Convention d'occupation (PDF)" in page and "500\xa0€ — Détenue" in page

    assert act(desk, app, town.id, request_id, "remettre", etat_des_lieux_entree="Propre").status_code == 302
    assert act(desk, app, town.id, request_id, "restituer", etat_des_lieux_sortie="Vitre fêlée").status_code == 302
    # A deposit kept without a reason, or beyond the deposit: refused next to the field.
    assert "motif de la retenue" in text(act(desk, app, town.id, request_id, "solder", montant_retenu="120"))
    assert "dépasse la caution" in text(act(desk, app, town.id, request_id, "solder", montant_retenu="600",
                                            motif_retenue="x"))
    act(desk, app, town.id, request_id, "solder", montant_retenu="douze", motif_retenue="x")  # malformed amount
    assert booking_of(app, town, request_id).status == "terminee"
    assert act(desk, app, town.id, request_id, "solder", montant_retenu="120",
               motif_retenue="Vitre fêlée").status_code == 302
    booking = booking_of(app, town, request_id)
    assert (booking.status, booking.deposit_status, booking.deposit_kept, booking.deposit_reason,
            booking.entry_inspection, booking.exit_inspection) == (
        "soldee", "retenue", Decimal("120.00"), "Vitre fêlée", "Propre", "Vitre fêlée")


def test_the_convention_is_written_in_the_occupants_language(app, town):
    """The occupant's record says English: the convention PDF is English; a French occupant's stays French."""
    from grc_core.plugin_api import Citizen
    from pypdf import PdfReader

    def convention_text(language, day):
        with in_commune(app, town.id):
            db.session.get(Citizen, town.citizen).language = language
            db.session.commit()
        request_id = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"],
                                     town.citizen, booking_fields(date_debut=day, date_fin=day), now=NOW)
        apply_as(app, town.id, "chef@a.fr", request_id, "confirmer", fields={"assurance_reference": "MAIF 123"},
                 now=NOW)
        with in_commune(app, town.id):
            pdf = db.session.scalar(select(Booking.convention_pdf).where(Booking.request_id == request_id))
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    english = convention_text("en", "2027-09-18")
    assert "Temporary occupation agreement" in english and "Financial conditions" in english
    assert "The occupant certifies being insured for third-party liability for the period (MAIF 123)." in english
    assert "For the commune, the mayor:" in english and "Convention d'occupation temporaire" not in english
    french = convention_text("", "2027-09-25")
    assert "Convention d'occupation temporaire" in french and "Conditions financières" in french


def test_an_amount_of_thousands_is_written_whole_in_the_convention():
    """Babel's French amount separates thousands by a narrow no-break space, which Windows-1252 lacks:
    the convention writes a no-break space there, not « ? »."""
    from grc_core.plugin_api.testing import rules_locale
    from plugins.equipements import convention, rules

    with rules_locale("fr", "equipements"):
        assert convention._clean(rules.fmt_eur(Decimal("1500"))) == "1\xa0500\xa0€"


def test_a_deposit_returned_whole_and_free_use_for_the_communes_associations(app, town):
    request_id = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"], town.citizen,
                                 booking_fields(categorie="association_commune", organisateur="Comité des fêtes",
                                                attestation_assurance=None), now=NOW)
    booking = booking_of(app, town, request_id)
    assert booking.amount == 0 and "L2125-1" in booking.tariff_basis
    for code, fields in (("confirmer", {"assurance_reference": "SMACL"}), ("remettre", {"etat_des_lieux_entree": "ok"}),
                         ("restituer", {"etat_des_lieux_sortie": "ok"}), ("solder", {})):
        apply_as(app, town.id, "chef@a.fr", request_id, code, fields=fields, now=NOW)
    booking = booking_of(app, town, request_id)
    assert (booking.deposit_status, booking.deposit_kept) == ("rendue", Decimal("0.00"))


def confirmed(app, town, **fields):
    request_id = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"], town.citizen,
                                 booking_fields(**fields), now=NOW)
    apply_as(app, town.id, "chef@a.fr", request_id, "confirmer", fields={"assurance_reference": "MAIF"}, now=NOW)
    return request_id


in_three_days = (date.today() + timedelta(days=3)).isoformat()
yesterday = (date.today() - timedelta(days=1)).isoformat()


@pytest.mark.parametrize("fields, field, message", [
    (dict(date_debut="2028-06-17", heure_debut="14:00", date_fin="2028-06-17", heure_fin="18:00"),
     "date_debut", "est déjà réservé du 17/06/2028 à 10:00 au 18/06/2028 à 00:00 (réservation confirmée)"),
    (dict(equipement="Gymnase", date_debut="2028-06-24", date_fin="2028-06-24", heure_fin="12:00"),
     "date_debut", "L'équipement est fermé le samedi 24/06/2028"),
    (dict(equipement="GYM", date_debut="2028-06-22", date_fin="2028-06-22", heure_fin="23:00"),
     "date_fin", "Fin hors des heures d'ouverture (lundi, mardi, mercredi, jeudi, vendredi, de 08:00 à 22:00)"),
    (dict(participants="101"), "participants", "101 participants dépassent la capacité de « Salle des fêtes » "
                                               "(100 personnes)"),
    (dict(date_debut="2028-04-15", date_fin="2028-04-15"), "date_debut", None),  # placeholder, replaced below
    (dict(date_debut=yesterday, date_fin=yesterday), "date_debut", "La date de début est passée."),
    (dict(date_debut=in_three_days, date_fin=in_three_days), "date_debut", "Trop tard : une réservation se demande "
                                                                           "au moins 15 jours à l'avance"),
    (dict(date_fin="2028-06-16", heure_fin="10:00", date_debut="2028-06-17"), "date_fin",
     "La fin de la réservation doit être après son début."),
    (dict(equipement="Piscine"), "equipement", "« Piscine » n'est pas un équipement de la commune (équipements : "
                                               "Gymnase, Salle des fêtes)."),
    (dict(date_debut="2028-02-30"), "date_debut", None),
    (dict(date_debut="17/06/28x"), "date_debut", None),
    (dict(participants="beaucoup"), "participants", None),
    (dict(participants="0"), "participants", None),
    (dict(heure_debut="25:00"), "heure_debut", None),
    (dict(categorie="ami"), "categorie", None),
])
def test_bad_bookings_are_refused_next_to_the_field_and_nothing_is_stored(app, town, fields, field, message):
    confirmed(app, town, date_debut="2028-06-17", date_fin="2028-06-18", heure_fin="00:00")
    if fields.get("date_debut") == "2028-04-15":
        # In a closure of the facility.
        with in_commune(app, town.id):
            from plugins.equipements.models import Closure
            db.session.add(Closure(facility_id=town.sdf, first_day=date(2028, 4, 14), last_day=date(2028, 4, 16),
                                   reason="élections"))
            db.session.commit()
        message = "L'équipement est fermé du 14/04/2028 au 16/04/2028 (élections)."
    before = counts(app, town.id)
    client = client_for(app, "agent@a.fr")
    values = booking_fields(date_debut="2028-06-10", date_fin="2028-06-10")
    values.update(fields)
    response = file_form(client, town, "equipements.reservation", **values)
    assert response.status_code == 400
    page = text(response)
    if message:
        assert message in page
    assert f'id="f_{field}"' in page and "is-invalid" in page
    assert counts(app, town.id) == before


def test_the_notice_period_is_a_commune_setting(app, town):
    with in_commune(app, town.id):
        from grc_core.plugin_api import Commune
        commune = db.session.get(Commune, town.id)
        commune.settings = {**(commune.settings or {}), "equipements.delai_prevenance_jours": 2}
        db.session.commit()
    client = client_for(app, "agent@a.fr")
    response = file_form(client, town, "equipements.reservation", **booking_fields(
        date_debut=in_three_days, date_fin=in_three_days))
    assert response.status_code == 302, text(response)


def test_overlapping_confirmation_is_refused_by_the_guard_with_the_conflict(app, town):
    first = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"], town.citizen,
                            booking_fields(), now=NOW)
    second = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"], town.citizen,
                             booking_fields(heure_debut="18:00"), now=NOW)
    apply_as(app, town.id, "chef@a.fr", first, "confirmer", fields={"assurance_reference": "A"}, now=NOW)
    with pytest.raises(TransitionError, match=r"déjà pris \(réservation confirmée, du 19/06/2027 à 10:00 au 20/06/2027 à 00:00\)"):
        apply_as(app, town.id, "chef@a.fr", second, "confirmer", fields={"assurance_reference": "B"}, now=NOW)
    assert booking_of(app, town, second).status == "demandee"


def test_the_database_refuses_two_overlapping_holding_slots_written_at_once(app, town):
    """Two agents confirm overlapping bookings at the same moment: the form's
    check passes for both; the database (exclusion constraint on PostgreSQL,
    trigger on SQLite) keeps one."""
    first = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"], town.citizen,
                            booking_fields(), now=NOW)
    second = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"], town.citizen,
                             booking_fields(heure_debut="12:00", heure_fin="14:00"), now=NOW)
    barrier = threading.Barrier(2)
    outcomes = {}

    def hold(request_id):
        with in_commune(app, town.id):
            slot = db.session.scalar(select(Slot).join(Booking).where(Booking.request_id == request_id))
            barrier.wait()
            try:
                slot.status = "confirmee"
                db.session.commit()
                outcomes[request_id] = "stored"
            except DBAPIError as error:
                db.session.rollback()
                outcomes[request_id] = type(error).__name__

    threads = [threading.Thread(target=hold, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values())[-1] == "stored" and list(outcomes.values()).count("stored") == 1, outcomes
    with in_commune(app, town.id):
        assert db.session.scalar(select(db.func.count()).select_from(Slot).where(Slot.status == "confirmee")) == 1


def test_the_database_refuses_an_overlap_that_skips_the_form(app, town):
    confirmed(app, town)
    with in_commune(app, town.id):
        booking = Booking(facility_id=town.sdf, category="resident", start_at=datetime(2027, 6, 19, 20, tzinfo=timezone.utc),
                          end_at=datetime(2027, 6, 19, 21, tzinfo=timezone.utc))
        booking.slots = [Slot(facility_id=town.sdf, start_at=booking.start_at, end_at=booking.end_at,
                              status="option")]
        db.session.add(booking)
        with pytest.raises(DBAPIError):
            db.session.commit()
        db.session.rollback()
        # A cancelled or merely requested slot holds nothing: no refusal.
        booking.slots[0].status = "annulee"
        db.session.add(booking)
        db.session.commit()


def test_an_option_expires_and_frees_the_facility(app, town):
    request_id = file_request_as(app, town.id, "agent@a.fr", town.types["equipements.reservation"], town.citizen,
                                 booking_fields(), now=NOW)
    apply_as(app, town.id, "agent@a.fr", request_id, "poser_option", now=NOW)
    assert booking_of(app, town, request_id).option_expires_on == date(2027, 3, 11)
    run_tick(app, "2027-03-12T09:00")
    with in_commune(app, town.id):
        assert db.session.get(Request, request_id).state == "annulee"
        assert {s.status for s in db.session.scalars(select(Slot))} == {"annulee"}
