"""Issue 13, finding 2, by example: an agent of the voirie opens and works the
voirie's requests, not the others' — the page, each action, a file — the
same as his queue and bulk actions (grc_core.security.access)."""
from __future__ import annotations

import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from grc_core.extensions import db
from grc_core.models import Request, RequestEvent, Service, User
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent
from grc_core.requests.service import add_attachments
from tests.test_requests import file_request, make_citizen, setup_commune, signed_in


def _town(app):
    town = setup_commune(app)
    make_agent(app, town.id, "voirie@a.fr", "agent", services=["voirie"])
    make_agent(app, town.id, "guichet@a.fr", "accueil", services=["accueil"])
    make_agent(app, town.id, "admin@a.fr", "admin")
    citizen = make_citizen(app, town.id)
    bacs, errors = file_request(app, town.id, actor_email="admin@a.fr", type_id=town.bacs, citizen_id=citizen)
    assert not errors
    attestation, errors = file_request(app, town.id, actor_email="admin@a.fr", type_id=town.attestation,
                                       citizen_id=citizen, data={})
    assert not errors
    with in_commune(app, town.id):
        admin = db.session.scalar(select(User).where(User.email == "admin@a.fr"))
        upload = FileStorage(io.BytesIO(b"%PDF-1.4 acte"), filename="acte.pdf", content_type="application/pdf")
        attachment = add_attachments(db.session.get(Request, attestation), [upload], actor=admin)[0].id
    return town, citizen, bacs, attestation, attachment


def _state(app, town, request_id):
    with in_commune(app, town.id):
        row = db.session.get(Request, request_id)
        return row.state, row.version, row.assignee_id, len(db.session.scalars(
            select(RequestEvent.id).where(RequestEvent.request_id == request_id)).all())


def test_an_agent_opens_and_works_only_his_services_requests(app):
    town, _citizen, bacs, attestation, attachment = _town(app)
    agent = signed_in(app, "voirie@a.fr")
    assert agent.get(f"/admin/requests/{bacs}/").status_code == 200
    before = _state(app, town, attestation)
    token = csrf_token(agent, "/admin/")
    assert agent.get(f"/admin/requests/{attestation}/").status_code == 404
    assert agent.get(f"/admin/requests/attachments/{attachment}").status_code == 404
    for action, data in (("transition", {"transition": "prendre"}), ("message", {"body": "Clos par erreur"}),
                         ("assign", {"assignee": ""}),
                         ("attachments", {"files": (io.BytesIO(b"%PDF-1.4"), "x.pdf")})):
        response = agent.post(f"/admin/requests/{attestation}/{action}", data={"csrf_token": token, **data},
                              content_type="multipart/form-data")
        assert response.status_code == 404, action
    assert _state(app, town, attestation) == before
    # Once assigned to him, the request is his to work on.
    with in_commune(app, town.id):
        row = db.session.get(Request, attestation)
        row.assignee_id = db.session.scalar(select(User.id).where(User.email == "voirie@a.fr"))
        db.session.commit()
    assert agent.get(f"/admin/requests/{attestation}/").status_code == 200


def test_the_timeline_links_only_the_requests_the_agent_may_open(app):
    town, citizen, bacs, attestation, _attachment = _town(app)
    page = signed_in(app, "voirie@a.fr").get(f"/admin/citizens/{citizen}/").get_data(as_text=True)
    # The whole history is listed; only what he may open is a link.
    assert "Demande de bacs" in page and "Attestation" in page
    assert f"/admin/requests/{bacs}/" in page and f"/admin/requests/{attestation}/" not in page


def test_the_front_desk_files_for_another_service_and_gets_the_reference(app):
    town, citizen, _bacs, _attestation, _attachment = _town(app)
    bacs, errors = file_request(app, town.id, actor_email="guichet@a.fr", type_id=town.bacs, citizen_id=citizen)
    assert not errors
    with in_commune(app, town.id):
        reference = db.session.get(Request, bacs).reference
    desk = signed_in(app, "guichet@a.fr")
    text = desk.get(f"/admin/intake/done/{bacs}", follow_redirects=True).get_data(as_text=True)
    assert f"Request {reference} filed. The service in charge will handle it." in text
    assert desk.get(f"/admin/requests/{bacs}/").status_code == 404
    # Filed by someone else: not even the reference.
    assert signed_in(app, "voirie@a.fr").get(f"/admin/intake/done/{_attestation}").status_code == 404


def _queue_statements(app, client, url="/admin/requests/"):
    """(the queue's HTML, the SQL statements it sent that read requests)."""
    from sqlalchemy import event

    sent = []

    def remember(_conn, _cursor, statement, *_args):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        html = client.get(url).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return html, [statement for statement in sent if "FROM request" in statement]


def test_a_manager_of_every_service_reads_the_routed_requests_and_his_own(app):
    """All the commune's services are "routed to a service" in SQL (the plan
    PostgreSQL gets right in a large deployment), and mean no more than that:
    an unrouted request stays out unless it is assigned to him, and the
    commune's next service is not his until he is made a member of it."""
    town, citizen, bacs, attestation, _attachment = _town(app)
    chef = make_agent(app, town.id, "chef@a.fr", "manager", services=["voirie", "accueil"])
    unrouted, mine = (file_request(app, town.id, actor_email="admin@a.fr", type_id=town.bacs, citizen_id=citizen)[0]
                      for _ in range(2))
    with in_commune(app, town.id):
        db.session.get(Request, unrouted).service_id = None
        db.session.get(Request, mine).service_id = None
        db.session.get(Request, mine).assignee_id = chef
        db.session.commit()
        reference = {row.id: row.reference for row in db.session.scalars(select(Request))}
    client = signed_in(app, "chef@a.fr")

    html, statements = _queue_statements(app, client)
    assert all(reference[seen] in html for seen in (bacs, attestation, mine))
    assert reference[unrouted] not in html
    assert any("service_id IS NOT NULL" in statement for statement in statements)
    assert client.get(f"/admin/requests/{unrouted}/").status_code == 404
    assert client.get(f"/admin/requests/{mine}/").status_code == 200

    # A new service: his two are no longer all of them, nor is its request his.
    with in_commune(app, town.id):
        proprete = Service(code="proprete", name="Propreté")
        db.session.add(proprete)
        db.session.flush()
        db.session.get(Request, unrouted).service_id = proprete.id
        db.session.commit()
    html, statements = _queue_statements(app, client)
    assert reference[unrouted] not in html and reference[bacs] in html
    assert not any("service_id IS NOT NULL" in statement for statement in statements)
    assert client.get(f"/admin/requests/{unrouted}/").status_code == 404
