"""The voirie plugin with GRC: contract, rules at their edges, the validator's
field error, routing, the danger escalation on the engine's clock, the
guard on a transition field, the panels and the indicator."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from grc_core.plugin_api import (
    LOCAL_TIMEZONE, Citizen, IndicatorFilters, Request, RequestType, TransitionError, User, db,
)
from grc_core.plugin_api.testing import (
    PluginContract, apply_as, file_request_as, in_commune, make_agent, make_commune, post_intake,
    rules_package_problems, run_tick, signed_in, workflow_problems,
)
from grc_voirie import rules
from grc_voirie.dashboards import open_reports
from grc_voirie.workflows import workflows

AGENT, MANAGER = "agent@villeneuve.fr", "chef@villeneuve.fr"
# Monday 7 December 2026, 09:00 in the commune.
RECEIVED = datetime(2026, 12, 7, 9, 0, tzinfo=LOCAL_TIMEZONE)


class TestContract(PluginContract):
    plugin = "voirie"
    services = {"voirie.voirie"}
    permissions = {"voirie.plan"}
    label_fr = "Voirie"


def test_the_workflow_is_one_the_editor_accepts():
    assert [workflow_problems(workflow) for workflow in workflows()] == [[]]


def test_the_rules_package_reexports_its_modules():
    assert rules_package_problems(rules) == []


@pytest.mark.parametrize("nature, width, missing", [
    ("nid_de_poule", None, True),
    ("nid_de_poule", 4, True),
    ("nid_de_poule", 5, False),
    ("eclairage", None, False),
])
def test_a_pothole_is_reported_with_its_width(nature, width, missing):
    assert rules.pothole_width_missing(nature, width) is missing


@pytest.mark.parametrize("planned, missing", [(date(2026, 12, 6), True), (date(2026, 12, 7), False)])
def test_an_intervention_is_planned_for_today_or_later(planned, missing):
    assert rules.intervention_too_early(planned, date(2026, 12, 7)) is missing


def town(app):
    """A commune with the plugin, an agent and a manager of its service, a citizen."""
    commune = make_commune(app, plugins=["voirie"])
    make_agent(app, commune, AGENT, "agent", services=["voirie.voirie"])
    make_agent(app, commune, MANAGER, "manager", services=["voirie.voirie"])
    with in_commune(app, commune):
        type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == "voirie.signalement"))
        citizen = Citizen(first_name="Sophie", last_name="Garnier")
        db.session.add(citizen)
        db.session.commit()
        return commune, type_id, citizen.id


def report(app, town_, danger, **more):
    commune, type_id, citizen_id = town_
    fields = {"nature": "eclairage", "adresse": "3 rue des Lilas", "danger_immediat": danger, **more}
    return file_request_as(app, commune, AGENT, type_id, citizen_id, fields, now=RECEIVED)


def test_a_pothole_without_its_width_is_refused_next_to_the_field_and_not_stored(app):
    commune, type_id, citizen_id = town(app)
    page = post_intake(signed_in(app, AGENT), type_id, citizen_id,
                       {"nature": "nid_de_poule", "adresse": "3 rue des Lilas", "largeur_cm": "3"})
    html = page.get_data(as_text=True)
    assert "Indiquez la largeur du nid-de-poule : 5 cm au moins." in html
    # Next to its field: after the width input, not in the messages above the form.
    assert html.index('name="f_largeur_cm"') < html.index("Indiquez la largeur du nid-de-poule")
    with in_commune(app, commune):
        assert db.session.scalar(select(func.count()).select_from(Request)) == 0


def test_a_danger_goes_first_to_the_road_service(app):
    place = town(app)
    danger, ordinary = report(app, place, True), report(app, place, False)
    with in_commune(app, place[0]):
        assert db.session.get(Request, danger).priority == "urgente"
        assert db.session.get(Request, ordinary).priority == "normale"
        assert {db.session.get(Request, n).service.code for n in (danger, ordinary)} == {"voirie.voirie"}


def test_a_danger_not_taken_in_charge_within_4_hours_goes_to_the_manager(app):
    place = town(app)
    danger, ordinary = report(app, place, True), report(app, place, False)
    run_tick(app, "2026-12-07T12:59")
    with in_commune(app, place[0]):
        assert db.session.get(Request, danger).assignee_id is None
    run_tick(app, "2026-12-07T13:01")
    with in_commune(app, place[0]):
        manager = db.session.scalar(select(User.id).where(User.email == MANAGER))
        assert db.session.get(Request, danger).assignee_id == manager
        assert db.session.get(Request, ordinary).assignee_id is None
        assert db.session.get(Request, danger).state == "recu"


def test_an_intervention_cannot_be_planned_for_a_day_gone_by_on_the_engines_clock(app):
    place = town(app)
    request_id = report(app, place, False)
    apply_as(app, place[0], AGENT, request_id, "prendre_en_charge", now=RECEIVED)
    fields = {"date_intervention": "2026-12-08", "equipe": "Équipe 2"}
    with pytest.raises(TransitionError) as refused:
        apply_as(app, place[0], MANAGER, request_id, "planifier", fields=fields,
                 now=datetime(2026, 12, 9, 8, 0, tzinfo=LOCAL_TIMEZONE))
    assert list(refused.value.field_errors) == ["date_intervention"]
    with in_commune(app, place[0]):
        assert db.session.get(Request, request_id).state == "pris_en_charge"
    apply_as(app, place[0], MANAGER, request_id, "planifier", fields=fields, now=RECEIVED)
    with in_commune(app, place[0]):
        assert db.session.get(Request, request_id).state == "planifie"


def test_the_citizen_page_lists_the_reports_and_the_request_page_says_danger(app):
    place = town(app)
    request_id = report(app, place, True)
    client = signed_in(app, AGENT)
    citizen_page = client.get(f"/admin/citizens/{place[2]}/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    with in_commune(app, place[0]):
        reference = db.session.get(Request, request_id).reference
    assert "Signalements de voirie" in citizen_page and reference in citizen_page and "danger immédiat" in citizen_page
    request_page = client.get(f"/admin/requests/{request_id}/", headers={"Accept-Language": "fr"})
    assert "Danger immédiat" in request_page.get_data(as_text=True)


def test_the_indicator_counts_the_open_reports_of_the_viewers_services(app):
    place = town(app)
    report(app, place, True)
    report(app, place, False)
    with in_commune(app, place[0]):
        today = date(2026, 12, 7)
        assert open_reports(None, IndicatorFilters(start=today, end=today, today=today)).value == 2
        assert open_reports(None, IndicatorFilters(start=today, end=today, today=today,
                                                   service_ids=frozenset({10**6}))).value == 0


def test_the_planned_day_is_kept_on_the_request_and_shown_in_its_panel(app):
    place = town(app)
    request_id = report(app, place, False)
    apply_as(app, place[0], AGENT, request_id, "prendre_en_charge", now=RECEIVED)
    apply_as(app, place[0], MANAGER, request_id, "planifier", fields={"date_intervention": "2026-12-10"}, now=RECEIVED)
    with in_commune(app, place[0]):
        assert db.session.get(Request, request_id).data["voirie_intervention_le"] == "2026-12-10"
    page = signed_in(app, AGENT).get(f"/admin/requests/{request_id}/", headers={"Accept-Language": "fr"})
    assert "Intervention prévue le" in page.get_data(as_text=True) and "10/12/2026" in page.get_data(as_text=True)


def test_the_dangers_page_lists_open_dangers_for_those_who_plan(app):
    place = town(app)
    danger, ordinary = report(app, place, True), report(app, place, False)
    with in_commune(app, place[0]):
        references = {n: db.session.get(Request, n).reference for n in (danger, ordinary)}
    manager = signed_in(app, MANAGER)
    page = manager.get("/admin/voirie/dangers/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "<h1 class=\"h3\">Dangers immédiats sur la voirie</h1>" in page
    assert references[danger] in page and references[ordinary] not in page
    assert "/admin/voirie/dangers/" in manager.get("/admin/").get_data(as_text=True)
    # An agent does not plan: no menu entry, and the page refuses him.
    agent = signed_in(app, AGENT)
    assert agent.get("/admin/voirie/dangers/").status_code == 403
    assert "/admin/voirie/dangers/" not in agent.get("/admin/").get_data(as_text=True)
