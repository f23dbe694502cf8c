"""Routing: the admin's rules in order, the type's default service, automatic
assignment to the least loaded agent, and the history saying why."""
from __future__ import annotations

import itertools

import pytest
from flask_babel import gettext
from markupsafe import escape
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import Membership, Request, RequestEvent, RequestType, RoutingRule, Service, User
from grc_core.plugin_api.testing import csrf_token, in_commune, login, make_agent, make_commune, post_form
from grc_core.routing.engine import apply_routing, least_loaded_agent, route

SEQUENCE = itertools.count(1)


@pytest.fixture
def commune(app):
    commune = make_commune(app, plugins=[])
    with in_commune(app, commune):
        voirie = Service(code="voirie", name="Voirie")
        proprete = Service(code="proprete", name="Propreté")
        espaces = Service(code="espaces_verts", name="Espaces verts")
        signalement = RequestType(code="commune.signalement", label="Signalement", fields=[
            {"name": "nature", "label": "Nature", "type": "choice",
             "choices": [["trou", "Trou"], ["depot", "Dépôt sauvage"]]},
            {"name": "dangereux", "label": "Dangereux", "type": "boolean"},
        ], channels=["guichet"], service=voirie)
        sans_service = RequestType(code="commune.divers", label="Divers", fields=[], channels=["guichet"])
        db.session.add_all([voirie, proprete, espaces, signalement, sans_service])
        db.session.commit()
    return commune


def ids(app, commune):
    with in_commune(app, commune):
        services = {s.code: s.id for s in db.session.scalars(select(Service))}
        types = {t.code: t.id for t in db.session.scalars(select(RequestType))}
    return services, types


def new_request(type_code, quartier="", data=None, assignee_id=None, state_kind="new") -> Request:
    request_type = db.session.scalar(select(RequestType).where(RequestType.code == type_code))
    request = Request(reference=f"T-{next(SEQUENCE):05d}", request_type=request_type, channel="guichet",
                      quartier=quartier, data=data or {}, state="nouvelle", state_kind=state_kind,
                      assignee_id=assignee_id)
    db.session.add(request)
    db.session.flush()
    return request


def add_rule(**values) -> RoutingRule:
    rule = RoutingRule(**values)
    db.session.add(rule)
    db.session.flush()
    return rule


def test_without_rules_the_type_default_service_decides(app, commune):
    with app.test_request_context("/", headers={"Accept-Language": "en"}), in_commune(app, commune):
        request = new_request("commune.signalement")
        outcome = apply_routing(request)
        assert request.service.code == "voirie" and outcome.source == "default" and outcome.rule_id is None
        event = db.session.scalar(select(RequestEvent).where(RequestEvent.request_id == request.id))
        assert event.kind == "routed"
        assert event.details == {"reason": "Default service of the request type « Signalement »", "rule": None,
                                 "source": "default", "service": "Voirie", "priority": None, "reason_args": {}}
        # The history says why in each reader's language, whoever filed the request.
        from flask_babel import force_locale

        from grc_core.admin.requests_admin import describe_event

        assert describe_event(event, {}, None) == "Default service of the request type « Signalement »"
        with force_locale("fr"):
            assert describe_event(event, {}, None) == "Service par défaut du type de demande « Signalement »"


def test_nowhere_when_nothing_decides(app, commune):
    with app.test_request_context("/", headers={"Accept-Language": "en"}), in_commune(app, commune):
        request = new_request("commune.divers")
        outcome = apply_routing(request)
        assert request.service_id is None and outcome.source == "none"
        assert outcome.reason == "No routing rule matched and the request type has no default service."


def test_rules_are_tried_by_position_and_the_first_match_wins(app, commune):
    services, types = ids(app, commune)
    with app.test_request_context("/", headers={"Accept-Language": "en"}), in_commune(app, commune):
        later = add_rule(position=20, label="Tous les signalements", request_type_id=types["commune.signalement"],
                         service_id=services["proprete"])
        first = add_rule(position=10, label="Quartier de la gare", quartier="Gare",
                         service_id=services["espaces_verts"], priority="haute")
        add_rule(position=5, label="Règle désactivée", service_id=services["voirie"], active=False)

        at_station = new_request("commune.signalement", quartier="  gare ")
        outcome = apply_routing(at_station)
        assert (at_station.service_id, at_station.priority, outcome.rule_id) == (
            services["espaces_verts"], "haute", first.id)
        assert outcome.reason == "Routing rule « Quartier de la gare »"

        elsewhere = new_request("commune.signalement", quartier="Centre")
        assert route(elsewhere).rule_id == later.id
        assert route(new_request("commune.divers", quartier="Centre")).source == "none"


def test_a_rule_can_match_a_form_field_value_as_text(app, commune):
    services, types = ids(app, commune)
    with app.test_request_context("/"), in_commune(app, commune):
        deposits = add_rule(position=1, label="Dépôts", field_name="nature", field_value="DEPOT",
                            service_id=services["proprete"])
        dangerous = add_rule(position=2, label="Danger", request_type_id=types["commune.signalement"],
                             field_name="dangereux", field_value="oui", service_id=services["voirie"],
                             priority="urgente")
        assert route(new_request("commune.signalement", data={"nature": "depot"})).rule_id == deposits.id
        assert route(new_request("commune.signalement", data={"nature": "trou", "dangereux": True})).rule_id \
            == dangerous.id
        outcome = route(new_request("commune.signalement", data={"nature": "trou", "dangereux": False}))
        assert outcome.source == "default"


def make_service_agents(app, commune, service_id):
    """Three agents of the service (and one of another service, one elected official)."""
    with in_commune(app, commune):
        code = db.session.get(Service, service_id).code
    people = {}
    for email, name, role, services in (
        ("zoe@a.fr", "Zoé Vasseur", "agent", [code]),
        ("alain@a.fr", "Alain Bernard", "manager", [code]),
        ("bea@a.fr", "Béatrice Roux", "agent", [code]),
        ("autre@a.fr", "Aaron Autre", "agent", ["proprete"]),
        ("elu@a.fr", "Aaron Élu", "elu", [code]),
    ):
        people[email] = make_agent(app, commune, email, role, services=services, full_name=name)
    return people


def test_automatic_assignment_picks_the_least_loaded_agent_of_the_service(app, commune):
    services, types = ids(app, commune)
    people = make_service_agents(app, commune, services["voirie"])
    with app.test_request_context("/", headers={"Accept-Language": "en"}), in_commune(app, commune):
        # Alain has two open requests, Zoé one open and three closed (closed ones do not count),
        # Béatrice one open: Béatrice and Zoé tie, Béatrice comes first by name.
        for owner, kind in (("alain@a.fr", "new"), ("alain@a.fr", "open"), ("zoe@a.fr", "waiting"),
                            ("zoe@a.fr", "closed"), ("zoe@a.fr", "closed"), ("zoe@a.fr", "closed"),
                            ("bea@a.fr", "open")):
            new_request("commune.divers", assignee_id=people[owner], state_kind=kind)
        assert least_loaded_agent(services["voirie"]) == people["bea@a.fr"]
        rule = add_rule(position=1, label="Voirie auto", service_id=services["voirie"], auto_assign=True)
        request = new_request("commune.signalement")
        outcome = apply_routing(request)
        assert request.assignee_id == people["bea@a.fr"] and outcome.auto_assigned and outcome.rule_id == rule.id
        kinds = {e.kind: e.details for e in db.session.scalars(
            select(RequestEvent).where(RequestEvent.request_id == request.id))}
        assert kinds["routed"]["reason"] == "Routing rule « Voirie auto »"
        assert kinds["assigned"] == {"assignee": "Béatrice Roux", "assignee_id": people["bea@a.fr"],
                                     "automatic": True, "reason": "Routing rule « Voirie auto »"}
        # Now Béatrice has two: Zoé is next.
        assert least_loaded_agent(services["voirie"]) == people["zoe@a.fr"]
        # Someone who left, or whose account is off, is never chosen.
        db.session.get(User, people["zoe@a.fr"]).active = False
        db.session.flush()
        assert least_loaded_agent(services["voirie"]) in (people["bea@a.fr"], people["alain@a.fr"])


def test_a_rule_with_an_assignee_assigns_and_routing_keeps_an_existing_assignee(app, commune):
    services, _types = ids(app, commune)
    people = make_service_agents(app, commune, services["voirie"])
    with app.test_request_context("/"), in_commune(app, commune):
        add_rule(position=1, label="Pour Zoé", service_id=services["voirie"], assignee_id=people["zoe@a.fr"],
                 auto_assign=True)
        request = new_request("commune.signalement")
        outcome = apply_routing(request)
        assert request.assignee_id == people["zoe@a.fr"] and not outcome.auto_assigned
        chosen = new_request("commune.signalement", assignee_id=people["alain@a.fr"])
        apply_routing(chosen)
        assert chosen.assignee_id == people["alain@a.fr"]
        assert [e.kind for e in db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == chosen.id))] \
            == ["routed"]


def test_no_agent_in_the_service_leaves_the_request_unassigned(app, commune):
    services, _types = ids(app, commune)
    with app.test_request_context("/"), in_commune(app, commune):
        add_rule(position=1, label="Espaces verts", service_id=services["espaces_verts"], auto_assign=True)
        request = new_request("commune.signalement")
        outcome = apply_routing(request)
        assert request.service_id == services["espaces_verts"] and request.assignee_id is None
        assert not outcome.auto_assigned


def test_rules_of_another_commune_are_never_applied(app, commune):
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    with in_commune(app, other):
        service = Service(code="secret", name="Secret")
        db.session.add(service)
        db.session.flush()
        db.session.add(RoutingRule(position=0, label="Tout pour Saint-Aubin", service_id=service.id))
        db.session.commit()
    with app.test_request_context("/"), in_commune(app, commune):
        assert route(new_request("commune.signalement")).source == "default"


# --- the rules' back-office page ---------------------------------------------------------------

RULES = "/admin/core_routing/"


def french(app, msgid, escaped=True, **values):
    """A message as a French page shows it (messages written by templates are not escaped again)."""
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        text = gettext(msgid, **values)
        return str(escape(text)) if escaped else text


@pytest.fixture
def admin(app, client, commune):
    make_agent(app, commune, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    return client


def rule_form(app, commune, **values):
    services, types = ids(app, commune)
    data = {"position": "10", "label": "Dépôts sauvages", "request_type": str(types["commune.signalement"]),
            "quartier": "", "field_name": "nature", "field_value": "depot", "service": str(services["proprete"]),
            "priority": "haute", "assignee": "__None", "active": "y"}
    data.update(values)
    return data


def count_rules(app, commune):
    with in_commune(app, commune):
        return db.session.scalar(select(func.count()).select_from(RoutingRule))


def test_admin_creates_a_rule_that_routes_at_once(app, admin, commune):
    response = post_form(admin, f"{RULES}new/", rule_form(app, commune), token_url=f"{RULES}new/")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    services, _types = ids(app, commune)
    with app.test_request_context("/"), in_commune(app, commune):
        rule = db.session.scalar(select(RoutingRule))
        assert (rule.label, rule.field_name, rule.field_value, rule.priority) == (
            "Dépôts sauvages", "nature", "depot", "haute")
        outcome = route(new_request("commune.signalement", data={"nature": "depot"}))
        assert outcome.service_id == services["proprete"] and outcome.priority == "haute"
    listing = admin.get(RULES).get_data(as_text=True)
    assert "Dépôts sauvages" in listing and "Propreté" in listing


@pytest.mark.parametrize(("values", "msgid", "params"), [
    ({"field_value": ""}, "Give both the form field and its value, or neither.", {}),
    ({"field_name": "couleur"}, "The request type « %(type)s » has no field « %(name)s ».",
     {"type": "Signalement", "name": "couleur"}),
    ({"label": ""}, None, {}),
])
def test_bad_rules_are_refused_next_to_the_field(app, admin, commune, values, msgid, params):
    response = post_form(admin, f"{RULES}new/", rule_form(app, commune, **values), token_url=f"{RULES}new/")
    assert response.status_code == 200
    if msgid:
        assert french(app, msgid, **params) in response.get_data(as_text=True)
    assert count_rules(app, commune) == 0


def test_a_rule_cannot_assign_someone_outside_the_service_or_the_commune(app, admin, commune):
    services, _types = ids(app, commune)
    people = make_service_agents(app, commune, services["voirie"])
    stranger_commune = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    stranger = make_agent(app, stranger_commune, "ailleurs@b.fr", "agent")
    page = admin.get(f"{RULES}new/").get_data(as_text=True)
    assert "Zoé Vasseur" in page and "Ailleurs" not in page
    response = post_form(admin, f"{RULES}new/", rule_form(app, commune, assignee=str(stranger)),
                         token_url=f"{RULES}new/")
    assert response.status_code == 200 and count_rules(app, commune) == 0
    response = post_form(admin, f"{RULES}new/", rule_form(app, commune, assignee=str(people["zoe@a.fr"])),
                         token_url=f"{RULES}new/")
    assert response.status_code == 200
    assert french(app, "This agent does not work in the service « %(service)s ».", service="Propreté") \
        in response.get_data(as_text=True)
    assert count_rules(app, commune) == 0


def test_an_agent_cannot_see_or_change_the_rules(app, commune, admin):
    make_agent(app, commune, "agent@a.fr", "agent")
    agent = app.test_client()
    login(agent, "agent@a.fr")
    assert agent.get(RULES).status_code == 403
    response = agent.post(f"{RULES}new/", data={**rule_form(app, commune), "csrf_token": csrf_token(agent, "/admin/")})
    assert response.status_code == 403
    assert count_rules(app, commune) == 0


def test_the_rules_page_explains_the_order(app, admin):
    page = admin.get(RULES).get_data(as_text=True)
    assert french(app, "A new request goes to the first active rule, by order, whose conditions all match (an empty "
                       "condition matches anything). When none matches, the domain's own rules decide, then the "
                       "request type's default service. The request's history tells which rule applied.", escaped=False) in page


def test_memberships_are_what_makes_an_agent_assignable(app, commune):
    services, _types = ids(app, commune)
    people = make_service_agents(app, commune, services["voirie"])
    with in_commune(app, commune):
        membership = db.session.scalar(select(Membership).where(Membership.user_id == people["bea@a.fr"]))
        membership.services = []
        db.session.commit()
        assert least_loaded_agent(services["voirie"]) in (people["zoe@a.fr"], people["alain@a.fr"])
        assert least_loaded_agent(services["proprete"]) == people["autre@a.fr"]
