"""Timers and ``grc tick``: fire at the right moment, once."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from grc_core.cli import cli
from grc_core.extensions import db
from grc_core.models import OutboxMessage, Request, RequestEvent, TimerRun, Workflow
from grc_core.plugin_api.testing import in_commune
from grc_core.workflows.deadlines import as_utc
from grc_core.workflows.timers import tick
from tests.test_workflow_engine import act, history, new_request, setup_commune, simple_definition

PARIS = ZoneInfo("Europe/Paris")
ASKED = datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)  # pieces asked for: the request waits


def waiting_request(app, commune, number=1, **kwargs):
    request_id = new_request(app, commune, number=number, **kwargs)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr", now=ASKED)
        act(request, "demander", "agent@villeneuve.fr", comment="Justificatif", now=ASKED)
    return request_id


def state_of(app, commune, request_id):
    with in_commune(app, commune):
        return db.session.get(Request, request_id).state


def timer_runs(app):
    with app.app_context():
        from grc_core.tenancy import unscoped
        with unscoped():
            return db.session.scalar(select(func.count()).select_from(TimerRun))


def test_a_timer_fires_at_its_date_not_a_day_before_and_only_once(app):
    commune = setup_commune(app)
    request_id = waiting_request(app, commune)
    # Two calendar months after 10 March 10:00 (Paris): 10 May 10:00.
    with app.app_context():
        assert tick(datetime(2026, 5, 9, 10, 0, tzinfo=PARIS))["fired"] == 0
        assert tick(datetime(2026, 5, 10, 9, 59, tzinfo=PARIS))["fired"] == 0
    assert state_of(app, commune, request_id) == "attente"
    with app.app_context():
        counts = tick(datetime(2026, 5, 10, 10, 0, tzinfo=PARIS))
    assert counts["fired"] == 1 and counts["communes"] == 1
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        assert (request.state, request.state_kind) == ("close", "closed")
        assert request.closed_at is not None
        event = history(request_id)[-1]
        assert event.actor_id is None
        assert event.details == {"transition": "classer", "comment": "", "timer": "classement_tacite"}
    with app.app_context():
        assert tick(datetime(2026, 5, 11, tzinfo=PARIS))["fired"] == 0
        assert tick(datetime(2026, 8, 1, tzinfo=PARIS))["fired"] == 0
    assert timer_runs(app) == 1
    with in_commune(app, commune):
        assert len(history(request_id)) == 3


def test_a_request_that_left_the_state_is_not_touched(app):
    commune = setup_commune(app)
    request_id = waiting_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "recevoir", "agent@villeneuve.fr", fields={"pieces": "ok"}, now=ASKED)
    with app.app_context():
        assert tick(datetime(2026, 6, 1, tzinfo=PARIS))["fired"] == 0
    assert state_of(app, commune, request_id) == "en_cours"


def test_coming_back_to_the_state_starts_a_new_delay(app):
    definition = simple_definition()
    # A relance every 15 days while the citizen does not answer.
    definition["transitions"].append({
        "code": "relancer", "label": "Relancer", "source": ["attente"], "target": "attente", "roles": [],
        "permission": None, "comment_required": False, "required_fields": [], "notify_citizen": True,
        "set_due_days": None})
    definition["timers"].append({"code": "relance", "state": "attente", "transition": "relancer",
                                 "delay_days": 15, "delay_months": 0, "anchor": "entered_state"})
    commune = setup_commune(app, definition)
    request_id = waiting_request(app, commune)
    with app.app_context():
        before = tick(datetime(2026, 3, 25, 9, 0, tzinfo=PARIS))
        assert (before["fired"], before["sent"]) == (0, 1)  # the e-mail asking for pieces
        first = tick(datetime(2026, 3, 25, 10, 0, tzinfo=PARIS))
        assert (first["fired"], first["sent"]) == (1, 1)  # the relance and its e-mail
        assert tick(datetime(2026, 3, 26, tzinfo=PARIS))["fired"] == 0
        assert tick(datetime(2026, 4, 9, 10, 0, tzinfo=PARIS))["fired"] == 1
    with in_commune(app, commune):
        assert [e.details["transition"] for e in history(request_id)] == ["prendre", "demander", "relancer",
                                                                         "relancer"]
    assert timer_runs(app) == 2


def test_a_date_field_of_the_form_can_anchor_a_timer(app):
    definition = simple_definition()
    definition["timers"] = [{"code": "echeance_legale", "state": "attente", "transition": "classer",
                             "delay_days": 0, "delay_months": 1, "anchor": "date_depot"}]
    commune = setup_commune(app, definition)
    with_date = waiting_request(app, commune, number=1, data={"date_depot": "2026-01-31"})
    without_date = waiting_request(app, commune, number=2)
    with app.app_context():
        # 31 January + 1 month = 28 February, from 00:00 in Paris.
        assert tick(datetime(2026, 2, 27, 23, 59, tzinfo=PARIS))["fired"] == 0
        assert tick(datetime(2026, 3, 10, 11, 0, tzinfo=PARIS))["fired"] == 1
        assert tick(datetime(2026, 3, 11, tzinfo=PARIS))["fired"] == 0
    assert state_of(app, commune, with_date) == "close"
    assert state_of(app, commune, without_date) == "attente"


def test_tick_goes_through_every_commune_and_only_their_own_requests(app):
    a = setup_commune(app)
    b = setup_commune(app, insee="45902", slug="saint-aubin", name="Saint-Aubin")
    request_a = waiting_request(app, a)
    request_b = new_request(app, b, number=1)
    with app.app_context():
        counts = tick(datetime(2026, 6, 1, tzinfo=PARIS))
    assert counts["communes"] == 2 and counts["fired"] == 1
    assert state_of(app, a, request_a) == "close"
    assert state_of(app, b, request_b) == "nouvelle"


def test_an_inactive_commune_is_left_alone(app):
    from grc_core.models import Commune

    commune = setup_commune(app)
    request_id = waiting_request(app, commune)
    with app.app_context():
        db.session.get(Commune, commune).active = False
        db.session.commit()
        assert tick(datetime(2026, 6, 1, tzinfo=PARIS)) == {"communes": 0, "fired": 0, "refused": 0, "summaries": 0,
                                                             "digests": 0, "sent": 0, "failed": 0}
    assert state_of(app, commune, request_id) == "attente"


def test_a_timer_whose_transition_was_taken_away_is_refused_and_retried_later(app):
    commune = setup_commune(app)
    request_id = waiting_request(app, commune)
    with in_commune(app, commune):
        # Stored without the editor's validation, as an old copy might be.
        workflow = db.session.scalar(select(Workflow))
        definition = simple_definition()
        definition["transitions"] = [t for t in definition["transitions"] if t["code"] != "classer"]
        workflow.definition = definition
        db.session.commit()
    with app.app_context():
        assert tick(datetime(2026, 6, 1, tzinfo=PARIS))["refused"] == 1
    assert state_of(app, commune, request_id) == "attente"
    assert timer_runs(app) == 0


def test_grc_tick_prints_a_french_summary(app):
    commune = setup_commune(app)
    waiting_request(app, commune)
    result = app.test_cli_runner().invoke(cli, ["tick"])
    assert result.exit_code == 0, result.output
    # The delay is long past today: the timer fires; the e-mail asking for pieces goes out.
    assert result.output.strip().splitlines() == [
        "1 commune(s) parcourue(s) ; minuteries déclenchées : 1 ; e-mails envoyés : 1, en échec : 0.",
        "Conservation des données : 0 enregistrement(s) anonymisé(s).",  # grc_core.retention, after the timers
    ]
    again = app.test_cli_runner().invoke(cli, ["tick"])
    assert "minuteries déclenchées : 0" in again.output
    with in_commune(app, commune):
        assert db.session.scalar(select(func.count()).select_from(RequestEvent).where(
            RequestEvent.kind == "transition")) == 3
        assert db.session.scalar(select(OutboxMessage.status)) == "sent"


# --- hours, conditions and escalation (plugin contract v2) ----------------------------------

DANGER = {"code": "danger_non_pris", "state": "nouvelle", "delay_days": 0, "delay_months": 0, "delay_hours": 4,
          "anchor": "entered_state", "condition": {"field": "danger_immediat", "values": ["oui"]},
          "action": "escalate", "escalate": ["notify", "assign"]}
REPORTED = datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)


def escalating_commune(app, timer=DANGER):
    """A commune whose « voirie » service has two managers and an agent, and the danger timer."""
    from grc_core.models import Service
    from grc_core.plugin_api.testing import make_agent

    definition = simple_definition()
    definition["timers"].append(dict(timer))
    commune = setup_commune(app, definition)
    with in_commune(app, commune):
        db.session.add(Service(code="voirie", name="Voirie"))
        db.session.commit()
    make_agent(app, commune, "chef.voirie@villeneuve.fr", "manager", services=["voirie"], full_name="Anne Chef")
    make_agent(app, commune, "adjoint.voirie@villeneuve.fr", "manager", services=["voirie"],
               full_name="Bruno Adjoint")
    make_agent(app, commune, "agent.voirie@villeneuve.fr", "agent", services=["voirie"], full_name="Chloé Agent")
    return commune


def reported(app, commune, number, data):
    from grc_core.models import Service

    request_id = new_request(app, commune, number=number, received_at=REPORTED, data=data)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        request.service_id = db.session.scalar(select(Service.id).where(Service.code == "voirie"))
        db.session.commit()
    return request_id


def test_a_danger_not_taken_in_charge_within_4_hours_is_escalated_once(app):
    from grc_core.plugin_api.testing import run_tick

    commune = escalating_commune(app)
    danger = reported(app, commune, 1, {"danger_immediat": True})
    no_danger = reported(app, commune, 2, {"danger_immediat": False})
    # Counted in hours from the report: 13:59 is too early, 14:00 is due.
    assert run_tick(app, datetime(2026, 3, 10, 13, 59, tzinfo=PARIS))["fired"] == 0
    counts = run_tick(app, "2026-03-10T14:00")
    assert (counts["fired"], counts["sent"]) == (1, 2)
    with in_commune(app, commune):
        request = db.session.get(Request, danger)
        # Still where it was: escalation alerts, it does not move the request.
        assert request.state == "nouvelle"
        # The least loaded manager, ties broken by name.
        assert request.assignee.full_name == "Anne Chef"
        [escalated] = history(danger, kind="escalated")
        assert escalated.actor_id is None
        assert escalated.details["notified"] == ["chef.voirie@villeneuve.fr", "adjoint.voirie@villeneuve.fr"]
        assert escalated.details["assigned"] == "Anne Chef"
        assert escalated.details["reason"] == (
            "Signalée au responsable du service (règle « danger_non_pris ») : courriel à Anne Chef, Bruno Adjoint ; "
            "attribuée à Anne Chef.")
        [assigned] = history(danger, kind="assigned")
        assert assigned.details["reason"] == "Escalade (règle « danger_non_pris »)"
        subjects = set(db.session.scalars(select(OutboxMessage.subject)))
        assert subjects == {"Escalade : la demande VSL-2026-00001 attend une action"}
        # The condition: the report without danger is left alone.
        assert history(no_danger, kind="escalated") == []
        assert db.session.get(Request, no_danger).assignee_id is None
    # Idempotent: tick again, later, escalates nothing more.
    assert run_tick(app, "2026-03-10T14:01")["fired"] == 0
    assert run_tick(app, "2026-03-12T09:00")["fired"] == 0
    with in_commune(app, commune):
        assert len(history(danger, kind="escalated")) == 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_a_danger_taken_in_charge_in_time_is_not_escalated(app):
    from grc_core.plugin_api.testing import run_tick

    commune = escalating_commune(app)
    danger = reported(app, commune, 1, {"danger_immediat": True})
    with in_commune(app, commune):
        act(db.session.get(Request, danger), "prendre", "agent@villeneuve.fr",
            now=datetime(2026, 3, 10, 11, 30, tzinfo=PARIS))
    assert run_tick(app, "2026-03-10T18:00")["fired"] == 0
    with in_commune(app, commune):
        assert history(danger, kind="escalated") == []


def test_escalating_without_a_manager_says_so_in_the_history(app):
    from grc_core.plugin_api.testing import run_tick

    commune = setup_commune(app, {**simple_definition(), "timers": [dict(DANGER, escalate=["notify"])]})
    danger = new_request(app, commune, received_at=REPORTED, data={"danger_immediat": "oui"})
    assert run_tick(app, "2026-03-10T15:00")["fired"] == 1
    with in_commune(app, commune):
        [escalated] = history(danger, kind="escalated")
        assert escalated.details["reason"] == "Aucun responsable dans le service de la demande : personne n'a pu être alerté."
        assert db.session.get(Request, danger).assignee_id is None


def test_hours_add_to_days_and_months_and_a_condition_narrows_a_transition_timer(app):
    from grc_core.plugin_api.testing import run_tick

    definition = simple_definition()
    definition["timers"] = [{"code": "classement_tacite", "state": "attente", "transition": "classer",
                             "delay_days": 1, "delay_months": 0, "delay_hours": 6, "anchor": "entered_state",
                             "condition": {"field": "motif", "values": ["Bruit", "odeur"]}}]
    commune = setup_commune(app, definition)
    noise = waiting_request(app, commune, number=1, data={"motif": "bruit"})
    other = waiting_request(app, commune, number=2, data={"motif": "trottoir"})
    # Asked 10 March 10:00: due 11 March 16:00.
    assert run_tick(app, "2026-03-11T15:59")["fired"] == 0
    assert run_tick(app, "2026-03-11T16:00")["fired"] == 1
    assert state_of(app, commune, noise) == "close"
    assert state_of(app, commune, other) == "attente"


def test_old_timers_without_the_new_keys_still_work(app):
    # A definition stored before hours, conditions and escalation existed: no key, same behaviour.
    from grc_core.workflows.definition import timer_settings

    old = simple_definition()["timers"][0]
    assert set(old) == {"code", "state", "transition", "delay_days", "delay_months", "anchor"}
    assert timer_settings(old) == {**old, "delay_hours": 0, "condition": None, "action": "transition",
                                   "escalate": []}


def test_grc_tick_now_runs_at_the_given_moment(app):
    commune = setup_commune(app)
    request_id = waiting_request(app, commune)
    runner = app.test_cli_runner()
    early = runner.invoke(cli, ["tick", "--now", "2026-05-10T09:59"])
    assert early.exit_code == 0, early.output
    assert "minuteries déclenchées : 0" in early.output
    assert state_of(app, commune, request_id) == "attente"
    due = runner.invoke(cli, ["tick", "--now", "2026-05-10T10:00+02:00"])
    assert "minuteries déclenchées : 1" in due.output
    assert state_of(app, commune, request_id) == "close"
    with in_commune(app, commune):
        assert as_utc(history(request_id)[-1].at) == datetime(2026, 5, 10, 8, 0, tzinfo=timezone.utc)


def test_grc_tick_now_refuses_what_is_not_a_date(app):
    result = app.test_cli_runner().invoke(cli, ["tick", "--now", "demain"])
    assert result.exit_code == 2
    assert "« demain » n'est pas une date ISO 8601" in result.output
