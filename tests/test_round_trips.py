"""Round trips to the database on the agents' busiest pages: the request
page and the quick-intake POST send a bounded number of SQL statements, and
the request page's count does not grow with its history.

Counts, not timings: the statements one call sends (SQLAlchemy's
``before_cursor_execute``) are the same on every run. ``bench/round_trips.py``
prints them on a loaded commune (docs/benchmarks.md records them).
"""
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from grc_core.extensions import db
from grc_core.models import Citizen, Membership, Request, RequestEvent, RequestType, User
from grc_core.plugin_api.testing import (
    csrf_token, file_request_as, in_commune, make_agent, make_commune, signed_in,
)

# Measured on 2026-12-08: 7 statements for an état civil request's page
# (the user with his live session and his memberships — their communes,
# services, the communes' plugins and webhooks —, the request with its type,
# citizen, service, assignee and workflow, its history, messages,
# attachments, the assignable agents, its live tracking links; marking
# messages read only when one was unread); 11 for a planning file (its file,
# consultations, modifications and parcels for the urbanisme panel); 12 for
# the intake POST (the user with his memberships, the citizen — with the rule
# on confidential files when the agent has one —, the type with its workflow
# and service, the reference, the routing rules, the service routed to, two
# daily counters, the request, its two history rows, the acknowledgement).
# Before: 15, 21 and 21; 8, 12 and 15 before the commune's plugins were read
# with the membership; 8, 12 and 13 before the memberships were read with the
# user. The bounds leave one statement of room; an N+1 adds one per row and
# fails.
REQUEST_PAGE_MAX = 8
URBANISME_PAGE_MAX = 12
INTAKE_POST_MAX = 13


class Statements:
    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.sent = []

    def _remember(self, conn, cursor, statement, parameters, context, executemany):
        self.sent.append(statement)

    def __enter__(self):
        self.sent = []
        event.listen(self.engine, "before_cursor_execute", self._remember)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._remember)


@pytest.fixture
def town(app):
    loaded = set(app.extensions["grc"].names)
    if not {"urbanisme", "etat_civil"} <= loaded:
        pytest.skip("needs the urbanisme and etat_civil plugins loaded")
    from plugins.urbanisme.tests.helpers import good_data

    commune = make_commune(app, plugins=["urbanisme", "etat_civil"])
    make_agent(app, commune, "dst@a.fr", "manager", services=["urbanisme.ads", "etat_civil.etat_civil"])
    make_agent(app, commune, "accueil@a.fr", "accueil")
    for n in range(4):
        make_agent(app, commune, f"agent{n}@a.fr", "agent", services=["etat_civil.etat_civil"])
    with in_commune(app, commune):
        citizen = Citizen(first_name="Jeanne", last_name="Martin", email="jeanne@example.org",
                          birth_date=date(1980, 4, 2))
        db.session.add(citizen)
        db.session.commit()
        types = {t.code: t.id for t in db.session.scalars(select(RequestType))}
        citizen_id = citizen.id
    acte = {"acte": "naissance", "document": "copie_integrale", "nom": "Martin", "prenoms": "Jeanne",
            "date_naissance": date(1980, 4, 2), "lieu_naissance": "Orléans", "nom_parent_1": "Martin",
            "prenom_parent_1": "Paul", "nom_parent_2": "Durand", "prenom_parent_2": "Anne",
            "demandeur_nom": "Martin", "demandeur_prenoms": "Jeanne", "delivrance": "guichet",
            "qualite": "interesse_majeur"}
    return {
        "id": commune, "citizen": citizen_id, "types": types, "acte": acte,
        "urbanisme": file_request_as(app, commune, "dst@a.fr", types["urbanisme.dp"],
                                     citizen_id, good_data("urbanisme.dp")),
        "short": file_request_as(app, commune, "dst@a.fr", types["etat_civil.acte"], citizen_id, acte),
        "long": file_request_as(app, commune, "dst@a.fr", types["etat_civil.acte"], citizen_id, acte),
    }


def grow_history(app, commune_id, request_id, events=30):
    """Months of work: assignments to several agents (two since gone), messages, state changes."""
    with in_commune(app, commune_id):
        req = db.session.get(Request, request_id)
        agents = list(db.session.scalars(select(Membership.user_id).order_by(Membership.user_id)))
        gone = [User(email=f"parti{n}@a.fr", full_name=f"Agent parti {n}", active=False, password_hash="!")
                for n in (1, 2)]
        db.session.add_all(gone)
        db.session.flush()
        states = [s["code"] for s in req.workflow.definition["states"]]
        at = req.received_at
        have = len(req.events)
        for index in range(events - have):
            at += timedelta(hours=5)
            kind = ("assigned", "message", "transition")[index % 3]
            assignee = {0: gone[0].id, 3: gone[1].id}.get(index, agents[index % len(agents)])
            details = ({"assignee_id": assignee} if kind == "assigned"
                       else {"public": index % 2 == 0} if kind == "message" else {})
            db.session.add(RequestEvent(
                request_id=request_id, at=at, kind=kind, actor_id=agents[(index + 1) % len(agents)],
                details=details, from_state=states[index % len(states)] if kind == "transition" else None,
                to_state=states[(index + 1) % len(states)] if kind == "transition" else None))
        db.session.commit()
        return len(req.events)


def statements_of_page(app, client, url) -> list[str]:
    assert client.get(url).status_code == 200  # warm: the first call of a process fills caches
    with Statements(app) as counted:
        response = client.get(url)
    assert response.status_code == 200
    return counted.sent


def test_the_request_page_sends_few_statements_whatever_its_history(app, town):
    assert grow_history(app, town["id"], town["long"]) == 30
    client = signed_in(app, "dst@a.fr")
    urbanisme = statements_of_page(app, client, f"/admin/requests/{town['urbanisme']}/")
    short = statements_of_page(app, client, f"/admin/requests/{town['short']}/")
    long = statements_of_page(app, client, f"/admin/requests/{town['long']}/")
    assert len(urbanisme) <= URBANISME_PAGE_MAX, "\n".join(urbanisme)
    assert len(short) <= REQUEST_PAGE_MAX, "\n".join(short)
    # 30 events (assignments to seven agents, messages, changes of state) cost one statement more
    # than 2: the names of the two agents since gone, read together (the others are the page's agents).
    assert len(long) == len(short) + 1, "\n".join(long)
    page = client.get(f"/admin/requests/{town['long']}/").get_data(as_text=True)
    assert "Agent parti 1" in page and "Agent parti 2" in page  # named in the history


def test_the_quick_intake_post_sends_few_statements(app, town):
    client = signed_in(app, "accueil@a.fr")
    data = {"csrf_token": csrf_token(client, "/admin/intake/"), "channel": "guichet",
            "type": town["types"]["etat_civil.acte"], "citizen": town["citizen"], "confirm_duplicate": "1"}
    data.update({f"f_{name}": value.isoformat() if isinstance(value, date) else value
                 for name, value in town["acte"].items()})
    with in_commune(app, town["id"]):
        before = db.session.scalar(select(db.func.count(Request.id)))
    with Statements(app) as counted:
        response = client.post("/admin/intake/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with in_commune(app, town["id"]):
        assert db.session.scalar(select(db.func.count(Request.id))) == before + 1
    assert len(counted.sent) <= INTAKE_POST_MAX, "\n".join(counted.sent)
