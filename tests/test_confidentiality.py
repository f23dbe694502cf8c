"""Confidential request types (grc_core.requests.confidentiality): nobody
without the type's read permission reads such a request anywhere, and every
read by someone who may is audited.

The walk covers the app's whole URL map — core and every loaded plugin — so
a new route is checked as soon as it exists: a confidential request whose
form data, subject, internal note, transition comment and attachment name
carry a canary string is filed, then every GET URL is fetched as agents who
may not read it (same service, front desk, admin, élu); the canary must
appear in no response (dashboards and their widget exports included). URLs
naming a row by id get the confidential rows'
ids (an unknown ``*_id`` argument gets the request's id).

Two variants: the ``secret`` test plugin (tests/plugins/secret.py, always
run, core mechanism) and the real confidential types of the loaded plugins
(social / CCAS), skipped when none is loaded (the core-alone run).
"""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict

from grc_core.extensions import db
from grc_core.models import AuditEvent, Citizen, Contact, Membership, Message, Request, RequestEvent, RequestType, User
from grc_core.plugin_api.testing import (
    build_test_app, csrf_token, in_commune, login, make_agent, make_commune, sample_value,
)
from grc_core.requests.service import add_attachments, add_message, create_request

CANARY = "Xylocanari7"
# Carried by the citizen's name: legitimately shown on the citizen's own
# record pages (core_citizens.*), nowhere else.
CITIZEN_CANARY = "Ornithocanari"
SECRET = {"secret": "tests.plugins.secret"}
READERS_OF = {"reader@a.fr"}
OUTSIDERS = ("agent@a.fr", "accueil@a.fr", "admin@a.fr", "elu@a.fr")
FORMATS = {"fmt": ["csv", "xlsx"], "export_type": ["csv"]}


@pytest.fixture(scope="module")
def secret_module_app(tmp_path_factory):
    # A database of its own (on PostgreSQL too): the session's app keeps its schema.
    application = build_test_app(tmp_path_factory, plugins=["secret"], extra_plugins=SECRET, name="secret",
                                 own_database=True)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def secret_app(secret_module_app):
    """The secret plugin's app, emptied after each test."""
    from grc_core.plugin_api.testing import empty_tables

    yield secret_module_app
    empty_tables(secret_module_app)


def confidential_decls(app):
    return [d for d in app.extensions["grc"].request_types() if d.read_permission]


def _sample(spec) -> str:
    """A value every field type accepts; free text carries the canary."""
    text = f"{CANARY} {spec.name}" if spec.type in ("text", "textarea", "address") else ""
    return sample_value(spec, text, day="1950-01-15", email="canari@example.org")


def file_confidential(app, commune_id, decl, *, citizen_id, actor_email="reader@a.fr"):
    """File a request of ``decl`` full of canaries; its ids, or None when the
    plugin's own rules refuse generic data."""
    with in_commune(app, commune_id):
        actor = db.session.scalar(select(User).where(User.email == actor_email))
        citizen = db.session.get(Citizen, citizen_id)
        type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == decl.code))
        formdata = MultiDict({f"f_{spec.name}": _sample(spec) for spec in decl.fields if spec.type != "file"})
        created, errors = create_request(request_type=type_id, citizen=citizen, channel="guichet", formdata=formdata,
                                         actor=actor, subject=f"{CANARY} sujet")
        if created is None:
            db.session.rollback()
            return None
        created.data = {**created.data, "canari_note": CANARY}
        db.session.commit()
        add_message(created, f"{CANARY} note interne", public=False, actor=actor)
        add_message(created, f"{CANARY} message public", public=True, actor=actor)
        upload = FileStorage(io.BytesIO(b"%PDF-1.4 canari"), filename=f"{CANARY}.pdf", content_type="application/pdf")
        attachment = add_attachments(created, [upload], actor=actor)[0]
        # The counter's contact that became this request.
        db.session.add(Contact(channel="guichet", subject="Passage au guichet",
                               outcome="request_created", request_id=created.id, agent_id=actor.id))
        db.session.commit()
        return {"request_id": created.id, "attachment_id": attachment.id, "type_id": type_id,
                "workflow_id": created.workflow_id, "reference": created.reference}


def setup_confidential(app, plugins, decl):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=plugins)
    registry = app.extensions["grc"]
    service = next(t.service for t in registry.request_types() if t.code == decl.code)
    make_agent(app, commune, "reader@a.fr", "agent", services=[service], permissions=[decl.read_permission])
    make_agent(app, commune, "agent@a.fr", "agent", services=[service])
    make_agent(app, commune, "accueil@a.fr", "accueil")
    make_agent(app, commune, "admin@a.fr", "admin")
    make_agent(app, commune, "elu@a.fr", "elu")
    with in_commune(app, commune):
        citizen = Citizen(first_name="Paule", last_name=CITIZEN_CANARY, email="paule@example.org")
        db.session.add(citizen)
        db.session.commit()
        citizen_id = citizen.id
    ids = file_confidential(app, commune, decl, citizen_id=citizen_id)
    assert ids is not None, f"{decl.code}: generic data refused, give this test valid data"
    ids["citizen_id"] = citizen_id
    return commune, ids


def walk(app, email, ids, *, extra_queries=()):
    """GET every URL of the app as ``email``; yields (url, endpoint, status, text)."""
    client = app.test_client()
    login(client, email)
    # Searches use a prefix of the canary: pages echo the query, never the canary itself.
    # ``q`` is the core's search parameter, ``search`` Flask-Admin's.
    queries = ("", f"?q={ids['reference']}&search={ids['reference']}", f"?q={CANARY[:7]}&search={CANARY[:7]}",
               f"?citizen={ids['citizen_id']}", *extra_queries)
    registry = app.extensions["grc"]
    # String arguments the URL map has: dashboards (``<code>``) and their widgets.
    dashboards = ["operational", "strategic", *registry.names]
    widgets = [(widget.dashboard, widget.code) for widget in registry.dashboard_widgets()]
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static") or rule.endpoint in ("auth.logout",):
            continue
        if "logout" in rule.rule:
            continue
        variants = [{}]
        buildable = True
        if {"code", "widget_code"} <= rule.arguments:
            # A dashboard widget's export: each widget on its own dashboard.
            variants = [{"code": board, "widget_code": code} for board, code in widgets]
        for name in sorted(rule.arguments - ({"code", "widget_code"} if {"code", "widget_code"} <= rule.arguments
                                             else set())):
            if name == "code":
                values = dashboards
            elif name in ids:
                values = [ids[name]]
            elif name.endswith("_id"):
                values = [ids["request_id"]]
            elif name in FORMATS:
                converter = rule._converters.get(name)
                values = sorted(converter.items) if hasattr(converter, "items") else FORMATS[name]
            else:
                buildable = False
                break
            variants = [dict(v, **{name: value}) for v in variants for value in values]
        if not buildable:
            continue
        for values in variants:
            url = rule.build(values, append_unknown=False)[1]
            for query in (queries if not rule.arguments or rule.arguments <= {"fmt", "export_type", "code"}
                          else ("",)):
                response = client.get(url + query)
                body = response.get_data()
                text = _xlsx_text(body) if body[:2] == b"PK" else body.decode("utf-8", "replace")
                yield url + query, rule.endpoint, response.status_code, text


def assert_nothing_shows(app, ids):
    checked = 0
    for email in OUTSIDERS:
        for url, endpoint, status, text in walk(app, email, ids):
            assert CANARY.lower() not in text.lower(), (email, url, status)
            # The citizen is not secret: asked for by id, or on his own record, his name shows.
            if not endpoint.startswith("core_citizens.") and "citizen" not in url:
                assert CITIZEN_CANARY.lower() not in text.lower(), (email, url, status)
            if ids["reference"] not in url:  # the reference searched for is echoed back
                assert ids["reference"] not in text, (email, url, status)
            checked += 1
    assert checked > 100


def assert_actions_refused(app, commune, ids):
    """Every POST on the request answers 404 to an agent of its service without the permission."""
    client = app.test_client()
    login(client, "agent@a.fr")
    token = csrf_token(client, "/admin/")
    with in_commune(app, commune):
        before = (db.session.scalar(select(Request.version).where(Request.id == ids["request_id"])),
                  len(db.session.scalars(select(RequestEvent.id)).all()))
    rid = ids["request_id"]
    for path in ("transition", "message", "assign", "attachments"):
        response = client.post(f"/admin/requests/{rid}/{path}", data={
            "csrf_token": token, "body": "intrus", "transition": "clore", "assignee": "",
            "files": (io.BytesIO(b"%PDF-1.4"), "x.pdf")}, content_type="multipart/form-data")
        assert response.status_code == 404, path
    response = client.post("/admin/requests/bulk", data={
        "csrf_token": token, "ids": [str(rid)], "action": "message", "body": "intrus", "filters": ""})
    assert response.status_code == 200
    assert "not found" in response.get_data(as_text=True) or "introuvable" in response.get_data(as_text=True)
    with in_commune(app, commune):
        after = (db.session.scalar(select(Request.version).where(Request.id == rid)),
                 len(db.session.scalars(select(RequestEvent.id)).all()))
        assert not db.session.scalar(select(Message.id).where(Message.body == "intrus"))
    assert after == before


def assert_reader_reads_and_is_audited(app, commune, ids):
    client = app.test_client()
    login(client, "reader@a.fr")
    page = client.get(f"/admin/requests/{ids['request_id']}/")
    assert page.status_code == 200 and CANARY in page.get_data(as_text=True)
    download = client.get(f"/admin/requests/attachments/{ids['attachment_id']}")
    assert download.status_code == 200
    export = client.get("/admin/requests/export.csv")
    assert CANARY in export.get_data(as_text=True)
    queue = client.get("/admin/requests/").get_data(as_text=True)
    assert ids["reference"] in queue
    with in_commune(app, commune):
        reader = db.session.scalar(select(User.id).where(User.email == "reader@a.fr"))
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.user_id == reader)
                                    .order_by(AuditEvent.id)).all()
        reads = [(e.action, e.target, (e.details or {}).get("view")) for e in events]
        assert ("confidential.read", f"request:{ids['request_id']}", "core_requests.details") in reads
        assert ("confidential.read", f"request:{ids['request_id']}", "core_requests.download") in reads
        exports = [e for e in events if e.action == "confidential.export"]
        assert len(exports) == 1 and exports[0].details["requests"] == [ids["request_id"]]
        assert all(e.at is not None for e in events)
        # The queue list is not a read of the file: no event for it.
        assert len([e for e in events if e.action.startswith("confidential.")]) == 3


def file_ordinary_request(app, commune_id, citizen_id):
    """A request of a type the commune defined itself (never confidential) for the citizen."""
    from grc_core.models import Workflow

    with in_commune(app, commune_id):
        workflow = db.session.scalars(select(Workflow)).first()
        ordinary = RequestType(code="ordinaire", label="Demande ordinaire", fields=[], workflow_id=workflow.id,
                               channels=["guichet"])
        db.session.add(ordinary)
        db.session.commit()
        actor = db.session.scalar(select(User).where(User.email == "admin@a.fr"))
        created, errors = create_request(request_type=ordinary.id, citizen=db.session.get(Citizen, citizen_id),
                                         channel="guichet", formdata=MultiDict(), actor=actor)
        assert not errors, errors


def assert_timeline_says_only_in_progress(app, commune, ids):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, "agent@a.fr")
    # Known only through the file: the record itself would tell that the CCAS knows this person.
    assert client.get(f"/admin/citizens/{ids['citizen_id']}/").status_code == 404
    # Searched by e-mail: the page echoes the query, never the name it would have found.
    assert CITIZEN_CANARY.lower() not in client.get("/admin/citizens/?q=paule@example.org").get_data(
        as_text=True).lower()
    # Known otherwise too: the record shows, with one neutral line for the file.
    file_ordinary_request(app, commune, ids["citizen_id"])
    text = client.get(f"/admin/citizens/{ids['citizen_id']}/").get_data(as_text=True)
    assert "Confidential file in progress" in text
    assert CANARY not in text and ids["reference"] not in text
    search = client.get(f"/admin/citizens/?q={ids['reference']}").get_data(as_text=True)
    assert CITIZEN_CANARY.lower() not in search.lower()
    reader = app.test_client()
    login(reader, "reader@a.fr")
    assert CITIZEN_CANARY.lower() in reader.get(f"/admin/citizens/?q={ids['reference']}").get_data(as_text=True).lower()
    assert "Confidential file in progress" not in reader.get(f"/admin/citizens/{ids['citizen_id']}/",
                                                             headers={"Accept-Language": "en"}).get_data(as_text=True)


def run_all(app, plugins, decl):
    commune, ids = setup_confidential(app, plugins, decl)
    assert_nothing_shows(app, ids)
    assert_actions_refused(app, commune, ids)
    assert_timeline_says_only_in_progress(app, commune, ids)
    with in_commune(app, commune):
        db.session.execute(AuditEvent.__table__.delete())
        db.session.commit()
    assert_reader_reads_and_is_audited(app, commune, ids)
    return commune, ids


# --- the core mechanism, with the secret test plugin ------------------------------------

def test_secret_plugin_requests_show_nowhere_without_the_permission(secret_app):
    run_all(secret_app, ["secret"], confidential_decls(secret_app)[0])


def test_the_front_desk_files_a_confidential_request_and_gets_its_reference_only(secret_app):
    decl = confidential_decls(secret_app)[0]
    commune, ids = setup_confidential(secret_app, ["secret"], decl)
    mine = file_confidential(secret_app, commune, decl, citizen_id=ids["citizen_id"], actor_email="accueil@a.fr")
    client = secret_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, "accueil@a.fr")
    response = client.get(f"/admin/intake/done/{mine['request_id']}", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert f"Request {mine['reference']} filed. It is confidential" in text
    assert CANARY not in text
    # Someone else's confidential request: not even its reference.
    assert client.get(f"/admin/intake/done/{ids['request_id']}").status_code == 404
    with in_commune(secret_app, commune):
        assert not db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "confidential.read"))


def test_a_commune_without_the_plugin_has_no_confidential_types(secret_app):
    from grc_core.requests.confidentiality import confidential_types, readable_condition, unreadable_codes

    with_plugin = make_commune(secret_app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["secret"])
    without = make_commune(secret_app, "Saint-Aubin", "45902", "saint-aubin", plugins=[])
    user = make_agent(secret_app, with_plugin, "agent@a.fr", "agent")
    with in_commune(secret_app, with_plugin):
        assert confidential_types(with_plugin) == {"secret.dossier": ("secret.read", "secret")}
        agent = db.session.get(User, user)
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user))
        assert unreadable_codes(agent, membership, with_plugin) == {"secret.dossier"}
    with in_commune(secret_app, without):
        assert confidential_types(without) == {}
        # Nothing confidential: the queue's SQL is left as it is.
        assert readable_condition(agent, None, without) is None


def test_home_counts_and_queue_leave_out_what_the_agent_may_not_read(secret_app):
    from grc_core.requests import queue

    decl = confidential_decls(secret_app)[0]
    commune, ids = setup_confidential(secret_app, ["secret"], decl)
    with in_commune(secret_app, commune):
        def counts_of(email):
            user = db.session.scalar(select(User).where(User.email == email))
            membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
            return {name: value for name, (value, _args) in
                    queue.home_counts(user=user, membership=membership).items()}

        assert counts_of("reader@a.fr")["todo"] == 1
        assert counts_of("agent@a.fr") == {"todo": 0, "mine": 0, "overdue": 0, "waiting": 0}
        assert counts_of("admin@a.fr")["todo"] == 0


def test_a_closed_file_leaves_no_line_and_a_bulk_action_is_audited(secret_app):
    decl = confidential_decls(secret_app)[0]
    commune, ids = setup_confidential(secret_app, ["secret"], decl)
    reader = secret_app.test_client()
    login(reader, "reader@a.fr")
    token = csrf_token(reader, "/admin/")
    response = reader.post("/admin/requests/bulk", data={
        "csrf_token": token, "ids": [str(ids["request_id"])], "action": "transition", "transition": "clore",
        "filters": ""})
    assert response.status_code == 200
    with in_commune(secret_app, commune):
        assert db.session.get(Request, ids["request_id"]).state == "clos"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "confidential.read"))
        assert event.target == f"request:{ids['request_id']}" and event.details["view"] == "bulk"
    agent = secret_app.test_client()
    agent.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(agent, "agent@a.fr")
    text = agent.get(f"/admin/citizens/{ids['citizen_id']}/").get_data(as_text=True)
    assert "Confidential file in progress" not in text and CANARY not in text


# --- every confidential type of the loaded plugins (social / CCAS) ------------------------

def test_loaded_confidential_types_show_nowhere_without_the_permission(app):
    decls = confidential_decls(app)
    if not decls:
        pytest.skip("no plugin with a confidential request type is loaded")
    for decl in decls:
        commune, ids = None, None
        try:
            commune, ids = setup_confidential(app, None, decl)
        except AssertionError:
            from grc_core.plugin_api.testing import empty_tables
            empty_tables(app)
            continue
        assert_nothing_shows(app, ids)
        assert_actions_refused(app, commune, ids)
        assert_timeline_says_only_in_progress(app, commune, ids)
        return
    pytest.fail("no confidential type accepted generic data: give this test valid data")


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True)
    except Exception:  # a zip that is not a workbook: read its bytes
        return content.decode("utf-8", "replace")
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
