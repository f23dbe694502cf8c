"""Legal dates stored on the file equal those of rules/; completeness edge days; tacit outcomes by `grc tick`."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from grc_core.plugin_api import Membership, Request, RequestEvent, User, apply_transition, db
from grc_core.plugin_api.testing import in_commune, tick

from plugins.urbanisme import dossier as dossier_module
from plugins.urbanisme import rules
from plugins.urbanisme.tests.helpers import PARIS, at, dossier_of, file, good_data, setup_town


@pytest.fixture
def town(app):
    return setup_town(app)


def act(app, town, request_id, code, day, email="instructeur@a.fr", comment="", monkeypatch=None):
    """Apply a transition on ``day`` as ``email``: the guards judge on the engine's ``now``, that day;
    ``monkeypatch`` also moves the day the pages show."""
    if monkeypatch is not None:
        monkeypatch.setattr(dossier_module, "today", lambda: day)
    with in_commune(app, town.id):
        user = db.session.scalar(select(User).where(User.email == email))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        request = db.session.get(Request, request_id)
        apply_transition(request, code, actor=user, membership=membership, comment=comment, now=at(day))


# Hand-computed: deposit, procedure, protections → last day to notify, tacit decision day.
TABLE = [
    ("urbanisme.dp", "2025-01-31", [], "2025-02-28", "2025-03-01"),  # 1 month, no 31 Feb
    ("urbanisme.dp", "2024-01-31", [], "2024-02-29", "2024-03-01"),  # leap year
    ("urbanisme.pcmi", "2023-12-31", [], "2024-02-29", "2024-03-01"),  # 2 months, leap year
    ("urbanisme.pcmi", "2025-12-31", [], "2026-02-28", "2026-03-01"),
    ("urbanisme.pc", "2025-11-30", [], "2026-02-28", "2026-03-01"),  # 3 months
    ("urbanisme.pa", "2025-03-15", [], "2025-06-15", "2025-06-16"),
    ("urbanisme.pd", "2025-05-31", [], "2025-07-31", "2025-08-01"),  # 2 months
    ("urbanisme.cua", "2025-01-31", [], "2025-02-28", "2025-03-01"),  # 1 month
    ("urbanisme.cub", "2025-01-31", [], "2025-03-31", "2025-04-01"),  # 2 months
    ("urbanisme.modificatif", "2025-08-31", [], "2025-11-30", "2025-12-01"),  # as the initial PC: 3 months
    # A majoration not notified is not opposable: the base delay stays (R423-42).
    ("urbanisme.pc", "2025-02-10", ["abords_monument_historique"], "2025-05-10", "2025-05-11"),
]


@pytest.mark.parametrize("code,deposit,protections,last,tacit", TABLE)
def test_the_stored_deadline_equals_rules_and_the_hand_computed_date(app, town, code, deposit, protections,
                                                                     last, tacit):
    data = good_data(code, deposit)
    if protections:
        data["protections"] = protections
    request_id, errors = file(app, town, code, data)
    assert not errors, errors
    stored = dossier_of(app, town, request_id)
    assert (stored.legal_deadline, stored.tacit_decision_date) == (date.fromisoformat(last), date.fromisoformat(tacit))
    kind = rules.Procedure(stored.procedure)
    delay = rules.instruction_delay(kind, [rules.Circumstance(c) for c in protections],
                                    deposit_date=date.fromisoformat(deposit),
                                    initial_procedure=stored.initial_procedure)
    computed = rules.legal_deadline(rules.LegalDeadlineInput(date.fromisoformat(deposit), None, delay))
    assert stored.legal_deadline == computed.last_day and stored.delay_months == computed.months


def post_file_page(client, request_id, **fields):
    from grc_core.plugin_api.testing import csrf_token

    url = f"/admin/urbanisme/dossier/{request_id}/"
    data = {"csrf_token": csrf_token(client, url), "parcels": "AB 123", "plu_zone": "UB",
            "conformity_case": "droit_commun"}
    data.update(fields)
    return client.post(url, data=data)


def test_a_majoration_notified_within_the_first_month_moves_the_deadline_not_after(app, town):
    from plugins.urbanisme.tests.helpers import signed_in

    data = good_data("urbanisme.pc", "2025-01-31", protections=["abords_monument_historique"])
    request_id, _ = file(app, town, "urbanisme.pc", data)
    client = signed_in(app, "instructeur@a.fr")
    circumstances = ["abords_monument_historique"]
    # Day after the first month (28 Feb 2025 is its last day): refused, nothing changes.
    late = post_file_page(client, request_id, circumstances=circumstances, modification_notified_on="2025-03-01")
    assert late.status_code == 400
    assert "ne peut plus être majoré" in late.get_data(as_text=True).replace("&#39;", "'")
    assert dossier_of(app, town, request_id).legal_deadline == date(2025, 4, 30)
    assert dossier_of(app, town, request_id).modification_notified_on is None
    # On the last day of the first month: the 4-month delay applies.
    ok = post_file_page(client, request_id, circumstances=circumstances, modification_notified_on="2025-02-28")
    assert ok.status_code == 302
    stored = dossier_of(app, town, request_id)
    assert (stored.delay_months, stored.legal_deadline, stored.tacit_decision_date) == (
        4, date(2025, 5, 31), date(2025, 6, 1))
    assert stored.data["urbanisme_tacite_favorable"] == "2025-06-01"


@pytest.mark.parametrize("deposit,last_day,refused_day", [
    ("2025-01-31", "2025-02-28", "2025-03-01"),  # no 31 February
    ("2024-01-31", "2024-02-29", "2024-03-01"),  # leap year
    ("2026-03-31", "2026-04-30", "2026-05-01"),  # day 30 of a 30-day month
    ("2026-03-30", "2026-04-30", "2026-05-01"),
    ("2025-07-31", "2025-08-31", "2025-09-01"),  # day 31 exists
])
def test_a_request_for_pieces_is_possible_until_the_end_of_the_first_month(app, town, deposit, last_day,
                                                                           refused_day):
    from plugins.urbanisme.tests.helpers import signed_in

    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", deposit))
    assert dossier_of(app, town, request_id).pieces_request_by == date.fromisoformat(last_day)
    client = signed_in(app, "instructeur@a.fr")
    refused = post_file_page(client, request_id, pieces_request_date=refused_day)
    assert refused.status_code == 400
    assert "ne modifie pas le délai d'instruction" in refused.get_data(as_text=True).replace("&#39;", "'")
    assert dossier_of(app, town, request_id).pieces_request_date is None
    assert post_file_page(client, request_id, pieces_request_date=last_day).status_code == 302
    stored = dossier_of(app, town, request_id)
    # The applicant has 3 months from the request; the delay waits for the last piece.
    expiry = rules.completeness_expiry(rules.Procedure.DECLARATION_PREALABLE, date.fromisoformat(last_day))
    assert stored.pieces_due_by == expiry.last_day_for_pieces
    assert stored.legal_deadline is None and stored.data["urbanisme_tacite_favorable"] is None
    assert stored.data["urbanisme_rejet_pieces"] == expiry.tacit_decision_date.isoformat()


def test_the_three_month_limit_for_missing_pieces(app, town):
    from plugins.urbanisme.tests.helpers import signed_in

    request_id, _ = file(app, town, "urbanisme.pcmi", good_data("urbanisme.pcmi", "2025-11-30"))
    client = signed_in(app, "instructeur@a.fr")
    assert post_file_page(client, request_id, pieces_request_date="2025-12-20").status_code == 302
    assert dossier_of(app, town, request_id).pieces_due_by == date(2026, 3, 20)
    # Last piece on the last day: in time, the 2-month delay runs from it.
    assert post_file_page(client, request_id, pieces_request_date="2025-12-20",
                          completion_date="2026-03-20").status_code == 302
    stored = dossier_of(app, town, request_id)
    assert (stored.legal_deadline, stored.pieces_due_by) == (date(2026, 5, 20), None)
    # One day late: no deadline (a tacit rejection was born), and the page says so.
    assert post_file_page(client, request_id, pieces_request_date="2025-12-20",
                          completion_date="2026-03-21").status_code == 302
    stored = dossier_of(app, town, request_id)
    assert stored.legal_deadline is None
    assert "après la fin du délai de 3 mois" in stored.explanation


def test_the_guard_judges_on_the_moment_the_transition_is_applied_not_the_system_clock(app, town):
    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", "2026-01-31"))
    # Within the month on the engine's clock, whatever day the machine says.
    act(app, town, request_id, "demander_pieces", date(2026, 2, 10), comment="Plan")
    assert dossier_of(app, town, request_id).pieces_request_count == 1


def test_a_late_or_second_request_for_pieces_is_refused_and_says_the_deadline_does_not_move(app, town, monkeypatch):
    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", "2026-01-31"))
    from grc_core.plugin_api import TransitionError

    with pytest.raises(TransitionError) as late:
        act(app, town, request_id, "demander_pieces", date(2026, 3, 1), comment="Plan", monkeypatch=monkeypatch)
    assert "ne modifie pas le délai d'instruction" in str(late.value)
    stored = dossier_of(app, town, request_id)
    assert stored.state == "depose" and stored.legal_deadline == date(2026, 2, 28)
    with in_commune(app, town.id):
        file_ = dossier_module.of_request(db.session.get(Request, request_id))
        file_.pieces_request_count = 1
        assert "Seconde demande de pièces" in dossier_module.transition_objection(
            file_, "demander_pieces", date(2026, 2, 2))[0]
        db.session.rollback()


def tick_at(app, *args):
    with app.app_context():
        return tick(datetime(*args, tzinfo=PARIS))


def test_the_tacit_approval_is_applied_by_tick_on_the_day_it_is_born_not_a_day_before(app, town):
    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", "2026-01-31"))
    act(app, town, request_id, "verifier", date(2026, 2, 2))
    assert tick_at(app, 2026, 2, 28, 23, 59)["fired"] == 0
    assert dossier_of(app, town, request_id).state == "completude"
    assert tick_at(app, 2026, 3, 1, 0, 0)["fired"] == 1
    stored = dossier_of(app, town, request_id)
    assert (stored.state, stored.decision, stored.tacit_applied_on) == ("tacite_favorable", "accord_tacite",
                                                                         date(2026, 3, 1))
    # The tacit permit's own dates: valid 3 years, withdrawable 3 months.
    assert stored.validity_end == date(2029, 3, 1) and stored.withdrawal_end == date(2026, 6, 1)
    with in_commune(app, town.id):
        event = db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request_id,
                                                              RequestEvent.kind == "transition")
                                   .order_by(RequestEvent.id.desc())).first()
        assert event.actor_id is None and event.details["timer"] == "tacite_favorable_completude"
    assert tick_at(app, 2026, 3, 2)["fired"] == 0


def test_a_refusal_by_silence_in_a_site_classe(app, town):
    data = good_data("urbanisme.pc", "2026-01-15", protections=["site_classe"])
    request_id, _ = file(app, town, "urbanisme.pc", data)
    act(app, town, request_id, "declarer_complet", date(2026, 1, 20))
    assert dossier_of(app, town, request_id).tacit_outcome == "refus_tacite"
    assert tick_at(app, 2026, 4, 15, 23, 59)["fired"] == 0
    assert tick_at(app, 2026, 4, 16, 0, 0)["fired"] == 1
    stored = dossier_of(app, town, request_id)
    assert (stored.state, stored.decision, stored.tacit_applied_on) == ("tacite_defavorable", "refus_tacite",
                                                                         date(2026, 4, 16))
    assert stored.validity_end is None


def test_an_unfavourable_abf_opinion_turns_silence_into_a_refusal(app, town):
    from plugins.urbanisme.tests.helpers import signed_in

    data = good_data("urbanisme.pcmi", "2026-01-15", protections=["abords_monument_historique"])
    request_id, _ = file(app, town, "urbanisme.pcmi", data)
    assert dossier_of(app, town, request_id).tacit_outcome == "accord_tacite"
    client = signed_in(app, "instructeur@a.fr")
    response = post_file_page(client, request_id, circumstances=["abords_monument_historique"], body_0="abf",
                              sent_0="2026-01-20", answered_0="2026-02-10", opinion_0="defavorable")
    assert response.status_code == 302
    stored = dossier_of(app, town, request_id)
    assert stored.tacit_outcome == "refus_tacite"
    assert stored.data["urbanisme_tacite_defavorable"] == "2026-03-16"
    assert stored.data["urbanisme_tacite_favorable"] is None


def test_missing_pieces_not_supplied_within_three_months_mean_a_tacit_rejection(app, town, monkeypatch):
    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", "2026-03-02"))
    act(app, town, request_id, "demander_pieces", date(2026, 3, 20), comment="Plan de masse",
        monkeypatch=monkeypatch)
    stored = dossier_of(app, town, request_id)
    assert (stored.state, stored.pieces_due_by) == ("pieces_demandees", date(2026, 6, 20))
    # The delay does not run while pieces are awaited: no tacit approval on 2 April.
    assert tick_at(app, 2026, 6, 20, 23, 59)["fired"] == 0
    assert tick_at(app, 2026, 6, 21, 0, 0)["fired"] == 1
    stored = dossier_of(app, town, request_id)
    assert (stored.state, stored.decision, stored.tacit_applied_on) == ("tacite_defavorable", "rejet_pieces",
                                                                         date(2026, 6, 21))


def test_pieces_received_restart_the_delay_from_their_day(app, town, monkeypatch):
    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", "2026-03-02"))
    act(app, town, request_id, "demander_pieces", date(2026, 3, 20), comment="Plan", monkeypatch=monkeypatch)
    act(app, town, request_id, "recevoir_pieces", date(2026, 4, 30), monkeypatch=monkeypatch)
    stored = dossier_of(app, town, request_id)
    assert (stored.state, stored.completion_date, stored.legal_deadline) == ("instruction", date(2026, 4, 30),
                                                                             date(2026, 5, 30))
    assert stored.data["urbanisme_rejet_pieces"] is None
    assert stored.data["urbanisme_tacite_favorable"] == "2026-05-31"
    assert tick_at(app, 2026, 5, 30, 23, 59)["fired"] == 0
    assert tick_at(app, 2026, 5, 31, 0, 0)["fired"] == 1
    assert dossier_of(app, town, request_id).state == "tacite_favorable"


def test_a_certificate_becomes_tacit_and_a_notified_decision_stops_the_timer(app, town):
    cu, _ = file(app, town, "urbanisme.cua", good_data("urbanisme.cua", "2026-01-31"))
    pc, _ = file(app, town, "urbanisme.pcmi", good_data("urbanisme.pcmi", "2026-01-31"))
    act(app, town, pc, "declarer_complet", date(2026, 2, 2))
    act(app, town, pc, "proposer_accord", date(2026, 3, 10))
    act(app, town, pc, "signer", date(2026, 3, 12), email="dst@a.fr")
    act(app, town, pc, "notifier", date(2026, 3, 13))
    assert tick_at(app, 2026, 2, 28, 23, 0)["fired"] == 0
    assert tick_at(app, 2026, 3, 1, 0, 0)["fired"] == 1  # the CU
    assert tick_at(app, 2026, 6, 1)["fired"] == 0  # the permit was notified in time
    assert dossier_of(app, town, cu).state == "tacite_favorable"
    stored = dossier_of(app, town, pc)
    assert (stored.state, stored.decision, stored.notified_on, stored.tacit_applied_on) == (
        "notifiee", "accord", date(2026, 3, 13), None)
    assert stored.validity_end == date(2029, 3, 13)


def test_from_deposit_to_conformity_every_date_is_rules(app, town):
    request_id, _ = file(app, town, "urbanisme.pcmi", good_data("urbanisme.pcmi", "2026-01-05"))
    steps = [("declarer_complet", date(2026, 1, 10), "instructeur@a.fr"),
             ("consulter", date(2026, 1, 12), "instructeur@a.fr"),
             ("proposer_prescriptions", date(2026, 2, 20), "instructeur@a.fr"),
             ("signer", date(2026, 2, 23), "dst@a.fr"),
             ("notifier", date(2026, 2, 24), "instructeur@a.fr"),
             ("afficher", date(2026, 2, 27), "instructeur@a.fr"),
             ("ouvrir_chantier", date(2026, 4, 1), "instructeur@a.fr"),
             ("declarer_achevement", date(2026, 9, 30), "instructeur@a.fr")]
    for code, day, email in steps:
        act(app, town, request_id, code, day, email=email)
    stored = dossier_of(app, town, request_id)
    assert stored.state == "achevement" and stored.decision == "accord_prescriptions"
    assert stored.validity_end == rules.validity_end(date(2026, 2, 24)).value == date(2029, 2, 24)
    assert stored.withdrawal_end == date(2026, 5, 24)
    assert stored.display_until == rules.decision_display_deadlines(date(2026, 2, 24), date(2026, 2, 27)).display_until
    assert stored.appeal_end == rules.third_party_appeal_end(date(2026, 2, 27)).value
    assert stored.conformity_deadline == date(2026, 12, 30)  # 3 months after the DAACT
    assert stored.data["urbanisme_tacite_favorable"] is None  # decided: no timer anchor left
    act(app, town, request_id, "constater_conformite", date(2026, 10, 15))
    stored = dossier_of(app, town, request_id)
    assert (stored.state, stored.conformity_date) == ("conforme", date(2026, 10, 15))


def test_a_sursis_a_statuer_is_notified_as_a_refusal(app, town):
    request_id, _ = file(app, town, "urbanisme.pc", good_data("urbanisme.pc", "2026-01-05"))
    for code, day, email in [("declarer_complet", date(2026, 1, 10), "instructeur@a.fr"),
                             ("proposer_sursis", date(2026, 3, 1), "instructeur@a.fr"),
                             ("signer", date(2026, 3, 2), "dst@a.fr"),
                             ("notifier_refus", date(2026, 3, 3), "instructeur@a.fr")]:
        act(app, town, request_id, code, day, email=email)
    stored = dossier_of(app, town, request_id)
    assert (stored.state, stored.decision, stored.notified_on, stored.validity_end) == (
        "refusee", "sursis", date(2026, 3, 3), None)
    assert tick_at(app, 2026, 6, 1)["fired"] == 0


def test_a_request_for_pieces_struck_out_on_the_file_page_leaves_no_file_unwatched(app, town, monkeypatch):
    from plugins.urbanisme.tests.helpers import signed_in

    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", "2026-03-02"))
    act(app, town, request_id, "demander_pieces", date(2026, 3, 20), comment="Plan", monkeypatch=monkeypatch)
    client = signed_in(app, "instructeur@a.fr")
    assert post_file_page(client, request_id, pieces_request_date="").status_code == 302
    stored = dossier_of(app, town, request_id)
    assert (stored.state, stored.legal_deadline) == ("pieces_demandees", date(2026, 4, 2))
    assert tick_at(app, 2026, 4, 2, 23, 59)["fired"] == 0
    assert tick_at(app, 2026, 4, 3, 0, 0)["fired"] == 1
    assert dossier_of(app, town, request_id).state == "tacite_favorable"


def test_a_prorogation_is_acquired_by_silence_after_two_months(app, town):
    request_id, _ = file(app, town, "urbanisme.prorogation", good_data("urbanisme.prorogation", "2026-02-28"))
    stored = dossier_of(app, town, request_id)
    assert (stored.tacit_outcome, stored.legal_deadline) == ("prorogation_acquise", date(2026, 4, 28))
    assert tick_at(app, 2026, 4, 28, 23, 59)["fired"] == 0
    assert tick_at(app, 2026, 4, 29, 0, 0)["fired"] == 1
    assert dossier_of(app, town, request_id).state == "tacite_favorable"


def test_the_grc_tick_command_applies_an_overdue_tacit_decision(app, town):
    from grc_core.plugin_api.testing import grc_cli

    request_id, _ = file(app, town, "urbanisme.dp", good_data("urbanisme.dp", "2026-01-31"))
    result = app.test_cli_runner().invoke(grc_cli(), ["tick"])
    assert result.exit_code == 0, result.output
    assert "minuteries déclenchées : 1" in result.output
    stored = dossier_of(app, town, request_id)
    assert (stored.state, stored.tacit_applied_on) == ("tacite_favorable", date(2026, 3, 1))
