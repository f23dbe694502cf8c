"""File numbers, follow-up files linked to their authorisation, and what they change on it."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from grc_core.plugin_api import Request, TransitionError, User, add_months, db
from grc_core.plugin_api.testing import apply_as, in_commune, make_agent

from plugins.urbanisme import rules
from plugins.urbanisme.dossier import recompute, today
from plugins.urbanisme.models import Dossier
from plugins.urbanisme.tests.helpers import (
    at, counts, decide, dossier_of, file, good_data, history_of, intake_post, setup_town, signed_in,
)


@pytest.fixture
def town(app):
    return setup_town(app)


def reference_of(app, town, request_id) -> str:
    with in_commune(app, town.id):
        return db.session.get(Request, request_id).reference


def granted(app, town, notified_on, kind="urbanisme.pc"):
    """A permit (or DP, CU) filed some weeks before ``notified_on`` and approved that day; its request id."""
    deposit = notified_on - timedelta(days=25)
    request_id, errors = file(app, town, kind, good_data(kind, deposit))
    assert not errors, errors
    decide(app, town, request_id, notified_on)
    return request_id


def follow_up(app, town, kind, original_text, deposit, **extra):
    """File a follow-up through the service; its request id (the test fails on errors)."""
    data = good_data(kind, deposit, autorisation_initiale=original_text)
    data.pop("procedure_initiale", None)  # taken from the permit's file, unless given
    request_id, errors = file(app, town, kind, data | extra)
    assert not errors, errors
    return request_id


def page(client, request_id) -> str:
    return client.get(f"/admin/requests/{request_id}/").get_data(as_text=True).replace("&#39;", "'")


# --- numbers ----------------------------------------------------------------------------

def test_numbers_follow_each_other_per_commune_year_and_type_letters(app, town):
    corsica = setup_town(app, "Ajaccio", "2A004", "ajaccio", suffix="b.fr")
    filed = [("urbanisme.dp", "2026-01-05"), ("urbanisme.pc", "2026-01-06"), ("urbanisme.pcmi", "2026-01-07"),
             ("urbanisme.dp", "2026-01-08"), ("urbanisme.dp", "2025-12-30"), ("urbanisme.cua", "2026-01-09"),
             ("urbanisme.cub", "2026-01-10"), ("urbanisme.pa", "2026-01-11"), ("urbanisme.pd", "2026-01-12")]
    numbers = []
    for kind, deposit in filed:
        request_id, errors = file(app, town, kind, good_data(kind, deposit))
        assert not errors
        numbers.append(dossier_of(app, town, request_id).file_number)
    assert numbers == ["DP 045 901 26 00001", "PC 045 901 26 00001", "PC 045 901 26 00002",  # a PCMI is a PC
                       "DP 045 901 26 00002", "DP 045 901 25 00001", "CU 045 901 26 00001", "CU 045 901 26 00002",
                       "PA 045 901 26 00001", "PD 045 901 26 00001"]
    # The other commune counts on its own, from 1.
    request_id, _ = file(app, corsica, "urbanisme.dp", good_data("urbanisme.dp", "2026-01-05"))
    assert dossier_of(app, corsica, request_id).file_number == "DP 02A 004 26 00001"
    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", "2026-01-13"))
    assert dossier_of(app, town, request_id).file_number == "DP 045 901 26 00003"


def test_a_commune_starting_during_the_year_continues_its_numbering(app, town):
    from grc_core.plugin_api.testing import grc_cli

    def numerotation(*args):
        return app.test_cli_runner().invoke(grc_cli(), ["urbanisme", "numerotation", "--commune", "villeneuve", *args])

    result = numerotation("--annee", "2026", "--type", "pc", "--dernier", "41")
    assert result.exit_code == 0, result.output
    assert "le prochain dossier PC de 2026 portera le numéro 00042" in result.output
    request_id, _ = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", "2026-03-02"))
    assert dossier_of(app, town, request_id).file_number == "PC 045 901 26 00042"
    # Never back over numbers GRC gave; an unknown type or a number out of the format is refused.
    for args, message in ((("--type", "PC", "--dernier", "10"), "jusqu'au 00042"),
                          (("--type", "PX", "--dernier", "10"), "Type « PX » inconnu"),
                          (("--type", "DP", "--dernier", "100000"), "compris entre 0 et 99999")):
        result = numerotation("--annee", "2026", *args)
        assert result.exit_code != 0 and message in result.output, result.output
    request_id, _ = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", "2026-03-03"))
    assert dossier_of(app, town, request_id).file_number == "PC 045 901 26 00043"


def test_follow_ups_are_numbered_after_their_permit_or_carry_its_number(app, town):
    permit = granted(app, town, today() - timedelta(days=100))
    number = dossier_of(app, town, permit).file_number
    first = follow_up(app, town, "urbanisme.modificatif", number, today() - timedelta(days=20))
    second = follow_up(app, town, "urbanisme.modificatif", number.replace(" ", ""), today() - timedelta(days=10))
    transfer = follow_up(app, town, "urbanisme.transfert", number.lower(), today() - timedelta(days=9))
    doc = follow_up(app, town, "urbanisme.doc", number, today() - timedelta(days=8),
                    date_ouverture=(today() - timedelta(days=8)).isoformat())
    assert [dossier_of(app, town, r).file_number for r in (first, second, transfer, doc)] == [
        f"{number} M01", f"{number} M02", f"{number} T01", None]
    assert dossier_of(app, town, doc).initial_reference == number
    # Outside GRC too: the modificatif is numbered after the number given.
    outside = follow_up(app, town, "urbanisme.modificatif", "PC 045 901 24 00012", today() - timedelta(days=5),
                        procedure_initiale="permis_de_construire")
    assert dossier_of(app, town, outside).file_number == "PC 045 901 24 00012 M01"


def test_the_number_is_shown_and_found_with_or_without_spaces(app, town):
    request_id = granted(app, town, today() - timedelta(days=100))
    doc = follow_up(app, town, "urbanisme.doc", reference_of(app, town, request_id), today() - timedelta(days=3),
                    date_ouverture=(today() - timedelta(days=4)).isoformat())
    other, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", today() - timedelta(days=2)))
    number = dossier_of(app, town, request_id).file_number
    references = {r: reference_of(app, town, r) for r in (request_id, doc, other)}
    client = signed_in(app, "instructeur@a.fr")
    assert number in page(client, request_id)
    assert f"Numéro de dossier : <strong class=\"urbanisme-file-number text-nowrap\">{number}</strong>" in page(
        client, request_id)
    assert number in client.get(f"/admin/urbanisme/dossier/{request_id}/").get_data(as_text=True)
    citizen = client.get(f"/admin/citizens/{town.citizen}/").get_data(as_text=True).replace("&#39;", "'")
    assert number in citizen and f"relatif au dossier {number}" in citizen
    for typed in (number, number.replace(" ", "").lower(), number[:13].lower()):
        found = client.get("/admin/urbanisme/", query_string={"q": typed}).get_data(as_text=True)
        # The permit and the DOC that carries its number; not the DP.
        assert f'data-reference="{references[request_id]}"' in found, typed
        assert f'data-reference="{references[doc]}"' in found, typed
        assert f'data-reference="{references[other]}"' not in found, typed
    by_reference = client.get("/admin/urbanisme/", query_string={"q": references[other]}).get_data(as_text=True)
    assert f'data-reference="{references[other]}"' in by_reference
    nothing = client.get("/admin/urbanisme/", query_string={"q": "PC 045 901 26 99999"}).get_data(as_text=True)
    assert "Aucun dossier ne porte ce numéro ni cette référence." in nothing
    setup_town(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", suffix="b.fr")
    outsider = signed_in(app, "instructeur@b.fr").get("/admin/urbanisme/", query_string={"q": number})
    assert references[request_id] not in outsider.get_data(as_text=True)


# --- linking ------------------------------------------------------------------------------

def test_a_doc_typed_with_the_number_without_spaces_is_linked_and_records_the_opening(app, town):
    permit = granted(app, town, today() - timedelta(days=100))
    original = dossier_of(app, town, permit)
    client = signed_in(app, "instructeur@a.fr")
    opened = today() - timedelta(days=7)
    data = good_data("urbanisme.doc", today() - timedelta(days=5), date_ouverture=opened.isoformat(),
                     autorisation_initiale=original.file_number.replace(" ", "").lower())
    assert intake_post(client, town, "urbanisme.doc", data).status_code == 302
    with in_commune(app, town.id):
        doc = db.session.scalar(select(Request.id).order_by(Request.id.desc()))
    stored = dossier_of(app, town, doc)
    assert (stored.initial_dossier_id, stored.initial_reference, stored.initial_procedure, stored.file_number) == (
        original.id, original.file_number, "permis_de_construire", None)
    assert dossier_of(app, town, permit).works_started_on == opened
    [event] = history_of(app, town, permit)
    assert event.details["follow_up"] == reference_of(app, town, doc)
    with in_commune(app, town.id):
        assert db.session.get(User, event.actor_id).email == "instructeur@a.fr"  # who filed the DOC
    assert f"Ouverture du chantier le {opened:%d/%m/%Y} déclarée (DOC, demande {reference_of(app, town, doc)})." \
        == event.details["reason"]
    shown = page(client, doc)
    assert f'href="/admin/requests/{permit}/"' in shown and "Relatif au dossier" in shown
    assert "hors GRC" not in shown


def test_a_daact_linked_by_request_reference_sets_the_original_conformity_deadline(app, town):
    permit = granted(app, town, today() - timedelta(days=200))
    year, sequence = reference_of(app, town, permit).split("-")
    received = today() - timedelta(days=3)
    daact = follow_up(app, town, "urbanisme.daact", f"{year}-{int(sequence)}", received,
                      date_achevement=(today() - timedelta(days=10)).isoformat())
    stored, original = dossier_of(app, town, daact), dossier_of(app, town, permit)
    assert stored.initial_dossier_id == original.id and stored.initial_reference == original.file_number
    # The conformity delay runs from the DAACT's receipt, on both files (R462-6).
    assert stored.daact_date == original.daact_date == received
    assert original.conformity_deadline == rules.conformity_check_deadline(received).value == add_months(received, 3)
    [event] = history_of(app, town, permit)
    assert f"DAACT reçue le {received:%d/%m/%Y}" in event.details["reason"]
    assert f"contestée jusqu'au {add_months(received, 3):%d/%m/%Y}" in event.details["reason"]


def test_an_authorisation_issued_before_grc_is_accepted_without_link(app, town):
    doc = follow_up(app, town, "urbanisme.doc", "pc 045 901 19 00007", today() - timedelta(days=2),
                    date_ouverture=(today() - timedelta(days=2)).isoformat())
    stored = dossier_of(app, town, doc)
    assert (stored.initial_dossier_id, stored.initial_reference) == (None, "PC 045 901 19 00007")
    shown = page(signed_in(app, "instructeur@a.fr"), doc)
    assert "Autorisation initiale hors GRC : dates non reprises." in shown
    assert "Relatif au dossier" in shown and "PC 045 901 19 00007" in shown


def make_granted_cu(app, town):
    return granted(app, town, today() - timedelta(days=30), kind="urbanisme.cua")


def make_pending_permit(app, town):
    request_id, _ = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", today() - timedelta(days=10)))
    return request_id


def make_refused_permit(app, town):
    request_id, _ = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", today() - timedelta(days=60)))
    decide(app, town, request_id, today() - timedelta(days=30), approve=False)
    return request_id


def make_expired_permit(app, town):
    return granted(app, town, today() - timedelta(days=3 * 366 + 10))


def make_permit_prorogued_twice(app, town):
    request_id = granted(app, town, today() - timedelta(days=100))
    with in_commune(app, town.id):
        dossier = db.session.scalar(select(Dossier).where(Dossier.request_id == request_id))
        dossier.prorogations = 2
        recompute(dossier, dossier.request)
        db.session.commit()
    return request_id


def make_permit_expiring_within_two_months(app, town):
    # Valid 3 years from its notification: until about a month from now.
    return granted(app, town, add_months(today(), -35))


REFUSALS = [
    # (id, follow-up, how to make the original, typed as, extra fields, message)
    ("not-a-permit", "urbanisme.doc", make_granted_cu, "number", {},
     "Une déclaration d'ouverture de chantier ne porte que sur un permis ou une déclaration préalable"),
    ("dp-outside-grc-modified", "urbanisme.modificatif", None, "DP 045 901 24 00012", {},
     "Un permis modificatif ne peut modifier qu'un permis"),
    ("not-granted-yet", "urbanisme.transfert", make_pending_permit, "number", {}, "n'a pas été accordée"),
    ("refused", "urbanisme.prorogation", make_refused_permit, "reference", {}, "n'a pas été accordée"),
    ("expired", "urbanisme.prorogation", make_expired_permit, "number", {},
     "périmée, elle ne peut plus être prorogée"),
    ("third-prorogation", "urbanisme.prorogation", make_permit_prorogued_twice, "number", {},
     "Une troisième prorogation est impossible"),
    ("late-prorogation", "urbanisme.prorogation", make_permit_expiring_within_two_months, "number", {},
     "moins de 2 mois avant la fin de validité"),
    ("garbage", "urbanisme.doc", None, "mon permis de 2019", {},
     "« mon permis de 2019 » n'est ni un numéro d'autorisation (par exemple PC 045 901 26 00012) ni la référence "
     "d'une demande dans GRC (par exemple 2026-00042)."),
    ("unknown-reference", "urbanisme.daact", None, "2026-09999", {},
     "Aucun dossier d'urbanisme de la commune ne porte la référence 2026-09999."),
    ("nature-needed-outside-grc", "urbanisme.modificatif", None, "PC 045 901 24 00012", {},
     "Précisez la nature de l'autorisation initiale"),
    ("wrong-nature", "urbanisme.modificatif", lambda app, town: granted(app, town, today() - timedelta(days=50)),
     "number", {"procedure_initiale": "permis_de_construire_mi"},
     "n'est pas un permis de construire (maison individuelle)"),
]


@pytest.mark.parametrize("case,kind,make,typed,extra,message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_refusal_is_shown_in_french_and_nothing_is_stored(app, town, case, kind, make, typed, extra, message):
    original = make(app, town) if make else None
    if typed == "number":
        typed = dossier_of(app, town, original).file_number
    elif typed == "reference":
        typed = reference_of(app, town, original)
    before = (counts(app, town.id), dossier_of(app, town, original) if original else None)
    data = good_data(kind, today(), autorisation_initiale=typed)
    data.pop("procedure_initiale", None)
    client = signed_in(app, "instructeur@a.fr")
    response = intake_post(client, town, kind, data | extra)
    assert response.status_code == 400
    shown = response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')
    # Next to the field that names the authorisation.
    next_to_field = re.findall(r'data-grc-error-for="autorisation_initiale">([^<]*)<', shown)
    assert any(message in text for text in next_to_field), shown[:3000]
    assert (counts(app, town.id), dossier_of(app, town, original) if original else None) == before


def test_another_communes_file_is_never_linked_nor_revealed(app, town):
    other = setup_town(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", suffix="b.fr")
    theirs = granted(app, other, today() - timedelta(days=100))
    for _ in range(3):
        file(app, other, "urbanisme.dp", good_data("urbanisme.dp", today() - timedelta(days=1)))
    their_number = dossier_of(app, other, theirs).file_number
    before = dossier_of(app, other, theirs)
    # Their number in our commune: an authorisation outside GRC, as any unknown number.
    doc = follow_up(app, town, "urbanisme.doc", their_number, today() - timedelta(days=2),
                    date_ouverture=(today() - timedelta(days=2)).isoformat())
    ours = dossier_of(app, town, doc)
    assert (ours.initial_dossier_id, ours.initial_reference) == (None, their_number)
    assert dossier_of(app, other, theirs) == before and history_of(app, other, theirs) == []
    shown = page(signed_in(app, "instructeur@a.fr"), doc)
    assert "Autorisation initiale hors GRC : dates non reprises." in shown
    assert f'href="/admin/requests/{theirs}/"' not in shown
    # Their request reference: refused exactly as a reference nobody has.
    with in_commune(app, other.id):
        last = db.session.scalar(select(Request.reference).order_by(Request.id.desc()))
    client = signed_in(app, "instructeur@a.fr")
    before_ours = counts(app, town.id)
    data = good_data("urbanisme.daact", today(), autorisation_initiale=last)
    response = intake_post(client, town, "urbanisme.daact", data)
    assert response.status_code == 400
    assert (f"Aucun dossier d'urbanisme de la commune ne porte la référence {last}."
            in response.get_data(as_text=True).replace("&#39;", "'"))
    assert counts(app, town.id) == before_ours and dossier_of(app, other, theirs) == before


# --- effects on the original ----------------------------------------------------------------

def test_a_prorogation_granted_extends_the_validity_by_one_year_and_writes_the_history(app, town):
    notified = today() - timedelta(days=200)
    permit = granted(app, town, notified)
    assert dossier_of(app, town, permit).validity_end == add_months(notified, 36)
    prorogation = follow_up(app, town, "urbanisme.prorogation", dossier_of(app, town, permit).file_number,
                            today() - timedelta(days=30))
    decide(app, town, prorogation, today() - timedelta(days=5))
    original = dossier_of(app, town, permit)
    assert original.prorogations == 1
    assert original.validity_end == rules.validity_end(notified, 1).value == add_months(notified, 48)
    [event] = history_of(app, town, permit)
    reference = reference_of(app, town, prorogation)
    assert event.details["reason"] == (f"Prorogation d'un an accordée (demande {reference}) : autorisation valable "
                                       f"jusqu'au {add_months(notified, 48):%d/%m/%Y}.")
    assert event.details["follow_up"] == reference and event.actor_id is not None
    shown = page(signed_in(app, "instructeur@a.fr"), permit)
    assert "Prorogation accordée : 1." in shown and f"{add_months(notified, 48):%d/%m/%Y}" in shown


def test_a_prorogation_acquired_by_silence_through_grc_tick_extends_the_validity(app, town):
    from grc_core.plugin_api.testing import grc_cli

    notified = today() - timedelta(days=300)
    permit = granted(app, town, notified)
    deposit = today() - timedelta(days=70)  # the 2 months have run (R424-23)
    prorogation = follow_up(app, town, "urbanisme.prorogation", dossier_of(app, town, permit).file_number, deposit)
    result = app.test_cli_runner().invoke(grc_cli(), ["tick"])
    assert result.exit_code == 0, result.output
    stored = dossier_of(app, town, prorogation)
    assert (stored.state, stored.decision) == ("tacite_favorable", "accord_tacite")
    original = dossier_of(app, town, permit)
    assert original.prorogations == 1 and original.validity_end == add_months(notified, 48)
    [event] = history_of(app, town, permit)
    assert event.actor_id is None and reference_of(app, town, prorogation) in event.details["reason"]


def test_of_two_pending_prorogations_only_two_can_ever_be_granted(app, town):
    permit = granted(app, town, today() - timedelta(days=300))
    number = dossier_of(app, town, permit).file_number
    first = follow_up(app, town, "urbanisme.prorogation", number, today() - timedelta(days=60))
    decide(app, town, first, today() - timedelta(days=40))
    second = follow_up(app, town, "urbanisme.prorogation", number, today() - timedelta(days=30))
    third = follow_up(app, town, "urbanisme.prorogation", number, today() - timedelta(days=29))
    decide(app, town, second, today() - timedelta(days=10))
    assert dossier_of(app, town, permit).prorogations == 2
    for code, email, days in (("instruire", "instructeur@a.fr", 9), ("proposer_accord", "instructeur@a.fr", 8),
                              ("signer", "dst@a.fr", 7)):
        apply_as(app, town.id, email, third, code, now=at(today() - timedelta(days=days)))
    with pytest.raises(TransitionError, match="troisième prorogation est impossible"):
        apply_as(app, town.id, "instructeur@a.fr", third, "notifier", now=at(today() - timedelta(days=6)))
    assert dossier_of(app, town, third).state == "signee"
    assert dossier_of(app, town, permit).prorogations == 2 and len(history_of(app, town, permit)) == 2


def test_a_transfer_granted_records_the_new_holder(app, town):
    permit = granted(app, town, today() - timedelta(days=100))
    number = dossier_of(app, town, permit).file_number
    transfer = follow_up(app, town, "urbanisme.transfert", number, today() - timedelta(days=20),
                         demandeur_nom="Paul Durand")
    decide(app, town, transfer, today() - timedelta(days=2))
    original = dossier_of(app, town, permit)
    assert (original.holder_name, original.holder_since) == ("Paul Durand", today() - timedelta(days=2))
    [event] = history_of(app, town, permit)
    assert event.details["reason"].startswith(f"Permis transféré par le dossier {number} T01 (demande ")
    assert "Paul Durand" not in event.details["reason"]  # no personal data in the history
    shown = page(signed_in(app, "instructeur@a.fr"), permit)
    assert (f"Titulaire : Paul Durand\n    (transfert du {today() - timedelta(days=2):%d/%m/%Y}, {number} T01)"
            in shown)


def test_a_permis_modificatif_granted_does_not_extend_the_validity(app, town):
    notified = today() - timedelta(days=150)
    permit = granted(app, town, notified)
    number = dossier_of(app, town, permit).file_number
    modificatif = follow_up(app, town, "urbanisme.modificatif", number, today() - timedelta(days=60))
    stored = dossier_of(app, town, modificatif)
    # Its nature is the permit's, and so its instruction delay (3 months for a PC).
    assert stored.initial_procedure == "permis_de_construire" and stored.delay_months == 3
    decide(app, town, modificatif, today() - timedelta(days=5))
    original = dossier_of(app, town, permit)
    assert (original.prorogations, original.validity_end) == (0, add_months(notified, 36))
    assert dossier_of(app, town, modificatif).validity_end is None
    [event] = history_of(app, town, permit)
    assert "Permis modificatif " + number + " M01 accordé" in event.details["reason"]
    assert "ne prolonge pas la validité de ce permis" in event.details["reason"]
    shown = page(signed_in(app, "instructeur@a.fr"), modificatif)
    assert "Un permis modificatif ne prolonge pas la validité du permis qu'il modifie." in shown
    assert f"Le permis est valable jusqu'au {add_months(notified, 36):%d/%m/%Y}." in shown


# --- pages -----------------------------------------------------------------------------------

def test_the_pages_show_the_links_to_those_who_may_read_them(app, town):
    permit = granted(app, town, today() - timedelta(days=100))
    number = dossier_of(app, town, permit).file_number
    opened = today() - timedelta(days=6)
    doc = follow_up(app, town, "urbanisme.doc", number, today() - timedelta(days=5), date_ouverture=opened.isoformat())
    prorogation = follow_up(app, town, "urbanisme.prorogation", number, today() - timedelta(days=4))
    refs = {r: reference_of(app, town, r) for r in (permit, doc, prorogation)}
    instructor = signed_in(app, "instructeur@a.fr")
    shown = page(instructor, permit)
    assert "Suites de l'autorisation" in shown
    for request_id, procedure, fact in ((doc, "Déclaration d'ouverture de chantier (DOC)",
                                         f"Chantier ouvert le {opened:%d/%m/%Y}"),
                                        (prorogation, "Prorogation d'une autorisation",
                                         f"Déposé le {today() - timedelta(days=4):%d/%m/%Y}")):
        assert f'data-reference="{refs[request_id]}"' in shown
        assert f'href="/admin/requests/{request_id}/"' in shown and procedure in shown and fact in shown
    assert f'href="/admin/requests/{permit}/"' in page(instructor, doc)
    # The file page carries the same panel.
    assert f'data-reference="{refs[doc]}"' in instructor.get(f"/admin/urbanisme/dossier/{permit}/").get_data(
        as_text=True)
    # The front desk (no urbanisme.instruct) reads the numbers, not the links.
    accueil = signed_in(app, "accueil@a.fr")
    shown = page(accueil, permit)
    assert number in shown and "Suites de l'autorisation" not in shown
    assert f'data-reference="{refs[doc]}"' not in shown and f'href="/admin/requests/{doc}/"' not in shown
    shown = page(accueil, doc)
    assert "Relatif au dossier" in shown and number in shown and f'href="/admin/requests/{permit}/"' not in shown
    # An instructor of another service sees only what the queue shows them.
    make_agent(app, town.id, "voirie@a.fr", "agent")
    assert f'data-reference="{refs[doc]}"' not in page(signed_in(app, "voirie@a.fr"), permit)
    # Another commune's agent sees neither the original nor its follow-ups.
    setup_town(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", suffix="b.fr")
    outsider = signed_in(app, "instructeur@b.fr")
    for request_id in (permit, doc, prorogation):
        assert outsider.get(f"/admin/requests/{request_id}/").status_code == 404
    assert outsider.get(f"/admin/urbanisme/dossier/{permit}/").status_code == 404
