"""Issue 13, finding 2: every route that takes an object id — in the path
(``<id:…>``) or, for Flask-Admin's views, as ``?id=`` / ``id`` / ``rowid`` —
checks the member's right on that object (grc_core.security.access).

The walk enumerates the app's URL map, core and every loaded plugin: a new
route is covered as soon as it exists, and an id argument this test cannot
fill fails it, naming the route. Each route is called, GET and POST, with
ids of commune A's objects:

- by an agent of A whose service handles none of them (``autre@a.fr``);
- by the administrator of commune B.

Both get 404 (403 where the view itself is refused to them, the rule for
a permission they lack), and the database is unchanged. A control: A's
administrator opens the same objects (200), so a 404 means "refused", not
"no such page".
"""
from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict

from grc_core.citizens.merge import merge_citizens
from grc_core.extensions import db
from grc_core.models import (
    AgentSession,
    Attachment, Citizen, Consent, ExportFile, HouseholdLink, Request, RequestType, SavedView, Segment, Service,
    TrackingLink, User, WebhookDelivery, WebhookEndpoint, Workflow,
)
from grc_core.plugin_api.testing import (
    build_test_app, csrf_token, in_commune, login, make_agent, make_commune, sample_value,
)
from grc_core.requests.service import add_attachments, create_request
from grc_core.security.ids import IdConverter
from grc_core.storage import storage
from grc_core.tenancy import unscoped
from grc_core.webapi.keys import create_key
from tests.portal.portal_support import is_portal_rule

OUTSIDERS = ("autre@a.fr", "admin@b.fr")
# Citizens are not a service's: every agent reads them (but those known only
# through a CCAS file, tests/security/test_citizen_access.py). The agent of
# another service is refused what is a service's.
SERVICE_BOUND = {"request_id", "attachment_id", "view_id", "type_id", "workflow_id", "export_id"}
# Rows an outsider's request may legitimately write: the trace of his refusals, his sign-in.
LOGS = {"audit_event", "login_attempt"}
# Read receipts, not data: A's administrator opening a request page (the control) marks its
# citizen's messages read (grc_core.requests.unread).
RECEIPTS = {("request", "citizen_messages_read_at")}


def other_arguments(rule) -> dict:
    """Values for the arguments of an id route that are not ids (an export's format: its first)."""
    return {name: sorted(converter.items)[0] for name, converter in rule._converters.items()
            if not name.endswith("_id") and hasattr(converter, "items")}


@pytest.fixture(scope="module")
def walk_app(tmp_path_factory):
    application = build_test_app(tmp_path_factory, name="object_walk", own_database=True)
    yield application
    with application.app_context():
        db.engine.dispose()


def _sample(spec) -> str:
    return sample_value(spec, f"Valeur {spec.name}")


def _file(commune, type_row, citizen, actor, data=None):
    from grc_core.forms.specs import fields_of

    formdata = MultiDict(data if data is not None else
                         {f"f_{spec.name}": _sample(spec) for spec in fields_of(type_row)})
    created, _errors = create_request(request_type=type_row.id, citizen=citizen, channel="guichet",
                                      formdata=formdata, actor=actor)
    if created is None:
        db.session.rollback()
    return created


def _closed_request(code, citizen, number, state, data=None):
    type_row = db.session.scalar(select(RequestType).where(RequestType.code == code))
    req = Request(request_type_id=type_row.id, citizen_id=citizen.id, channel="guichet",
                  reference=f"{date.today().year}-{number}", state=state, state_kind="closed",
                  service_id=type_row.service_id, workflow_id=type_row.workflow_id, data=data or {})
    db.session.add(req)
    db.session.flush()
    return req


def _plugin_reference_ids(app, admin) -> dict[str, list[int]]:
    """Ids of plugin rows that belong to no request (a campaign)."""
    ids = {}
    if "campagnes" in app.extensions["grc"].names:
        from plugins.campagnes.models import Campaign

        campaign = Campaign(name="Travaux", purpose="Prévenir", legal_basis="public_task", subject="S", body="B",
                            segment_id=db.session.scalar(select(Segment.id)), author_id=admin.id)
        # Sent, with its printed letters (their download is a campaign_id route too).
        letters_key = f"campagnes/{admin.id}/walk-letters.pdf"
        storage().put(letters_key, b"%PDF-1.4 letters", "application/pdf")
        sent = Campaign(name="Canicule", purpose="Prévenir", legal_basis="public_task", subject="S", body="B",
                        segment_id=campaign.segment_id, author_id=admin.id, status="sent", channels="courrier",
                        letters_key=letters_key)
        db.session.add_all([campaign, sent])
        db.session.commit()
        ids["campaign_id"] = [campaign.id, sent.id]
    if "enquetes" in app.extensions["grc"].names:
        from plugins.enquetes.models import Barometer

        # Sent: its paper-answer and results pages open for A's administrator (the control).
        barometer = Barometer(title="Baromètre", purpose="Savoir", fields=[{"name": "note", "label": "Note",
                                                                            "type": "integer"}],
                              opens_on=date(2026, 1, 1), closes_on=date(2026, 12, 31), status="sent",
                              segment_id=db.session.scalar(select(Segment.id)), author_id=admin.id)
        db.session.add(barometer)
        db.session.commit()
        ids["barometer_id"] = [barometer.id]
    return ids


def _plugin_objects(app, parent, child):
    """The rows plugin routes open: enrolments with their school (ecoles
    certificates), a delivered recensement (état civil attestation), a
    planning file (urbanisme), a booking with its convention (equipements)."""
    registry = app.extensions["grc"]
    made = []
    if "ecoles" in registry.names:
        from plugins.ecoles.models import Enrolment, School, SchoolYear

        year = SchoolYear(start_year=date.today().year)
        school = School(code="LIL", name="École des Lilas", kind="primaire")
        db.session.add_all([year, school])
        db.session.flush()
        inscription = _closed_request("ecoles.inscription", parent, 90001, "affectee")
        radiation = _closed_request("ecoles.radiation", parent, 90002, "radiee", {
            "enfant_prenom": child.first_name, "enfant_nom": child.last_name,
            "enfant_naissance": child.birth_date.isoformat(), "annee_scolaire": year.start_year})
        db.session.add_all([
            Enrolment(child_id=child.id, school_year_id=year.id, school_id=school.id, level="cp",
                      status="affectee", request_id=inscription.id),
            Enrolment(child_id=child.id, school_year_id=year.id, school_id=school.id, level="cp",
                      status="radiee", request_id=radiation.id),
        ])
        made += [inscription, radiation]
    if "etat_civil" in registry.names:
        made.append(_closed_request("etat_civil.recensement", parent, 90003, "attestation_delivree", {
            "jeune_nom": "Petit", "jeune_prenoms": "Hugo", "jeune_date_naissance": "2010-03-15",
            "jeune_lieu_naissance": "Orléans", "adresse": "5 rue Basse"}))
    if "urbanisme" in registry.names:
        from grc_core.models import Commune
        from plugins.urbanisme.dossier import BY_CODE, create_from_request

        permit = _closed_request(sorted(BY_CODE)[0], parent, 90004, "classee", {"adresse_terrain": "1 rue Haute"})
        create_from_request(permit, db.session.get(Commune, parent.commune_id))
        made.append(permit)
    if "equipements" in registry.names:
        from datetime import datetime, timezone

        from plugins.equipements.models import Booking, Facility

        facility = Facility(code="SDF", name="Salle des fêtes", capacity=100)
        db.session.add(facility)
        db.session.flush()
        booking = _closed_request("equipements.reservation", parent, 90005, "soldee")
        moment = datetime(date.today().year, 6, 20, 8, tzinfo=timezone.utc)
        db.session.add(Booking(request_id=booking.id, facility_id=facility.id, category="resident",
                               start_at=moment, end_at=moment.replace(hour=20), status="soldee",
                               convention_pdf=b"%PDF-1.4 convention"))
        made.append(booking)
    db.session.commit()
    return made


@pytest.fixture(scope="module")
def objects(walk_app):
    """Commune A with a request of every type that takes generic data, and what hangs off them."""
    app = walk_app
    a = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve")
    b = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    # The control: A's administrator reads everything of A, CCAS files included (the RGPD export needs it).
    make_agent(app, a, "admin@a.fr", "admin",
               permissions=["social.read"] if "social" in app.extensions["grc"].names else [])
    make_agent(app, b, "admin@b.fr", "admin")
    with in_commune(app, a):
        db.session.add(Service(code="autre", name="Service sans demandes"))
        db.session.commit()
    make_agent(app, a, "autre@a.fr", "agent", services=["autre"])
    ids: dict[str, list[int]] = {}
    with in_commune(app, a):
        admin = db.session.scalar(select(User).where(User.email == "admin@a.fr"))
        parent = Citizen(first_name="Zoé", last_name="Zorglub", email="zoe@example.org")
        child = Citizen(first_name="Léo", last_name="Zorglub", birth_date=date(2019, 5, 10))
        db.session.add_all([parent, child])
        db.session.flush()
        db.session.add_all([
            HouseholdLink(citizen_id=parent.id, relative_id=child.id, relation="child"),
            Consent(citizen_id=parent.id, channel="email", purpose="suivi_demandes"),
            SavedView(user_id=admin.id, name="Mes retards", query="overdue=1"),
            Segment(name="Seniors", definition={"match": "all", "items": [
                {"criterion": "core.age", "params": {"min_age": 75, "max_age": None}}]}),
        ])
        db.session.commit()
        requests = [r for r in (_file(a, t, parent, admin) for t in db.session.scalars(
            select(RequestType).order_by(RequestType.code))) if r is not None]
        requests += _plugin_objects(app, parent, child)
        if not requests:
            pytest.skip("the requests walked are of the plugins' types: none is loaded (the core alone)")
        first = requests[0]
        upload = FileStorage(io.BytesIO(b"%PDF-1.4 plan"), filename="plan.pdf", content_type="application/pdf")
        add_attachments(first, [upload], actor=admin)
        duplicate = Citizen(first_name="Zoé", last_name="Zorglub", email="zoe.zorglub@example.org")
        db.session.add(duplicate)
        db.session.flush()
        merge = merge_citizens(parent, duplicate, actor=admin)
        api_key, _secret = create_key(name="Appli de A", scopes=["open311"])
        endpoint = WebhookEndpoint(url="https://hooks.example.org/grc", events=["request.created"],
                                   secret="whsec_c2VjcmV0")
        delivery = WebhookDelivery(endpoint=endpoint, message_id="msg_walk", event="request.created",
                                   payload={"type": "request.created"}, status="failed")
        db.session.add_all([endpoint, delivery])
        # A large export A's administrator asked for, written (grc_core.requests.export_jobs).
        storage().put(f"exports/{a}/walk", b"\xef\xbb\xbfReference\n", "text/csv")
        exported = ExportFile(user_id=admin.id, fmt="csv", query="", status="ready", row_count=0, size=13,
                              storage_key=f"exports/{a}/walk")
        db.session.add(exported)
        # A private tracking link of a filing without an account: only an agent of the request revokes it.
        db.session.add(TrackingLink(request_id=first.id, token_hash="a" * 64))
        db.session.commit()
        ids = {
            "merge_id": [merge.id], "export_id": [exported.id],
            "request_id": [r.id for r in requests],
            "attachment_id": list(db.session.scalars(select(Attachment.id))),
            "citizen_id": [parent.id], "link_id": list(db.session.scalars(select(HouseholdLink.id))),
            "consent_id": list(db.session.scalars(select(Consent.id))),
            "view_id": list(db.session.scalars(select(SavedView.id))),
            "segment_id": list(db.session.scalars(select(Segment.id))),
            **_plugin_reference_ids(app, admin),
            "type_id": list(db.session.scalars(select(RequestType.id).limit(3))),
            "workflow_id": list(db.session.scalars(select(Workflow.id).limit(3))),
            "key_id": [api_key.id],
            "endpoint_id": [endpoint.id],
            "delivery_id": [delivery.id],
        }
    # A's administrator signed in elsewhere: his session is no one else's to end.
    login(app.test_client(), "admin@a.fr")
    with in_commune(app, a):
        ids["session_id"] = list(db.session.scalars(select(AgentSession.id)))
    return a, b, ids


def _fingerprint(app) -> dict[str, str]:
    """A digest of every table's rows (logs aside)."""
    out = {}
    with app.app_context(), unscoped():
        db.session.rollback()
        for table in db.metadata.sorted_tables:
            if table.name in LOGS:
                continue
            columns = [c for c in table.columns if (table.name, c.name) not in RECEIPTS]
            rows = db.session.execute(select(*columns)).all()
            out[table.name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return out


def _id_rules(app):
    """Rules with an id in their path; every id argument must use the bounded converter."""
    unbounded = [rule.rule for rule in app.url_map.iter_rules()
                 for name, converter in rule._converters.items()
                 if name.endswith("_id") and not isinstance(converter, IdConverter)]
    assert not unbounded, f"use <id:…> for these ids: {unbounded}"
    # The citizens' portal has principals of its own: tests/security/test_portal_routes.py walks its routes;
    # the REST API's are keys: test_every_api_id_route_refuses_another_communes_key walks its routes.
    return [rule for rule in app.url_map.iter_rules() if any(name.endswith("_id") for name in rule.arguments)
            and not rule.endpoint.startswith("rest_api.") and not is_portal_rule(rule)]


def _model_views(app):
    admin = app.extensions["admin"][0]
    return [view for view in admin._views if isinstance(view, ModelView)]


POST_DATA = {"body": "intrus", "comment": "intrus", "transition": "clore", "assignee": "", "relation": "spouse",
             "channel": "sms", "purpose": "information_municipale", "label": "Piraté", "name": "Piraté",
             "status": "radiee", "parcels": "ZZ 1"}


def _post(client, url, token, ids):
    data = {"csrf_token": token, **POST_DATA, "duplicate_id": str(ids["citizen_id"][0]),
            "relative_id": str(ids["citizen_id"][0]), "files": (io.BytesIO(b"%PDF-1.4"), "x.pdf")}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_every_id_route_refuses_another_service_and_another_commune(walk_app, objects):
    app = walk_app
    a, b, ids = objects
    rules = _id_rules(app)
    unknown = sorted({(rule.rule, name) for rule in rules for name in rule.arguments
                      if name.endswith("_id") and name not in ids})
    assert not unknown, f"give this test rows for these id arguments: {unknown}"
    admin_a = app.test_client()
    login(admin_a, "admin@a.fr")
    clients = {}
    for email in OUTSIDERS:
        clients[email] = app.test_client()
        login(clients[email], email)
    tokens = {email: csrf_token(client, "/admin/") for email, client in clients.items()}
    before = _fingerprint(app)
    refused = controlled = 0
    for rule in rules:
        id_names = [name for name in rule.arguments if name.endswith("_id")]
        # One URL per row (per pair of rows for two ids: the first of each list).
        variants = [{name: ids[name][0] for name in id_names}]
        if len(id_names) == 1:
            variants = [{id_names[0]: value} for value in ids[id_names[0]]]
        opened = False
        for values in variants:
            url = rule.build({**other_arguments(rule), **values}, append_unknown=False)[1]
            if "GET" in rule.methods:
                opened = opened or admin_a.get(url).status_code == 200
            for email, client in clients.items():
                if email == "autre@a.fr" and not set(id_names) <= SERVICE_BOUND:
                    continue
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    response = client.get(url) if method == "GET" else _post(client, url, tokens[email], ids)
                    assert response.status_code in (403, 404), (email, method, url, response.status_code)
                    # The object is refused, not the page: never 403 for a request, a file or a citizen.
                    if rule.endpoint.startswith(("core_requests.", "core_citizens.")) or "request_id" in id_names:
                        assert response.status_code == 404 or email == "autre@a.fr" and \
                            rule.endpoint.startswith("urbanisme."), (email, method, url, response.status_code)
                    refused += 1
        if "GET" in rule.methods:
            assert opened, f"{rule.rule}: A's administrator opens none of the rows this test made"
            controlled += 1
    assert controlled >= 10 and refused >= 100
    assert _fingerprint(app) == before


def test_every_api_id_route_refuses_another_communes_key(walk_app, objects):
    """The REST API's id routes (grc_core.webapi.rest): B's administrator-role key
    gets 404 on every row of A, read or written, and nothing changes; the
    control, A's own key, opens them."""
    app = walk_app
    a, b, ids = objects
    keys = {}
    for name, commune in (("a", a), ("b", b)):
        with in_commune(app, commune):
            _key, keys[name] = create_key(name=f"Connecteur {name}", scopes=["read", "write"], role="admin")
            db.session.commit()
    client = app.test_client()
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("rest_api.") and any(name.endswith("_id") for name in rule.arguments)]
    assert rules
    # A key's last use is its call log, like the audit: left out of the comparison.
    before = {table: digest for table, digest in _fingerprint(app).items() if table != "api_key"}
    refused = 0
    for rule in rules:
        id_names = [name for name in rule.arguments if name.endswith("_id")]
        opened = False
        for value in ids[id_names[0]]:
            url = rule.build({id_names[0]: value}, append_unknown=False)[1]
            if "GET" in rule.methods:
                opened = opened or client.get(url, headers={"X-API-Key": keys["a"]}).status_code == 200
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method, headers={"X-API-Key": keys["b"]},
                                       json=None if method == "GET" else {**POST_DATA, "subject": "intrus"})
                assert response.status_code == 404, (method, url, response.status_code)
                refused += 1
        if "GET" in rule.methods:
            assert opened, f"{rule.rule}: A's key opens none of the rows this test made"
    assert refused >= 3
    assert {table: digest for table, digest in _fingerprint(app).items() if table != "api_key"} == before


def test_every_admin_view_refuses_rows_by_query_string_id(walk_app, objects):
    """Flask-Admin's ``?id=`` (details, edit) and ``id`` / ``rowid`` (delete, actions):
    commune B's administrator gets none of A's rows; bad ids are 404."""
    app = walk_app
    a, b, ids = objects
    client = app.test_client()
    login(client, "admin@b.fr")
    token = csrf_token(client, "/admin/")
    before = _fingerprint(app)
    checked = 0
    for view in _model_views(app):
        with in_commune(app, a):
            rows = list(db.session.scalars(select(view.model.id).limit(2)))
        base = f"/admin/{view.endpoint}"
        for row in rows:
            for url in (f"{base}/details/?id={row}", f"{base}/edit/?id={row}"):
                assert client.get(url).status_code in (403, 404), url
            assert client.post(f"{base}/edit/?id={row}", data={"csrf_token": token, **POST_DATA}).status_code \
                in (403, 404), view.endpoint
            assert client.post(f"{base}/delete/", data={"csrf_token": token, "id": row}).status_code \
                in (403, 404), view.endpoint
            checked += 1
        for bad in ("99999999999999999999", "0", "-1", "x"):
            assert client.get(f"{base}/details/?id={bad}").status_code in (403, 404), (view.endpoint, bad)
            assert client.post(f"{base}/action/", data={"csrf_token": token, "action": "delete",
                                                       "rowid": bad}).status_code in (403, 404), view.endpoint
    assert checked >= 10
    assert _fingerprint(app) == before


def test_ids_beyond_the_database_range_are_404(walk_app, objects):
    client = walk_app.test_client()
    login(client, "admin@a.fr")
    for rule in _id_rules(walk_app):
        url = rule.build({**other_arguments(rule), **{name: 1 for name in rule.arguments if name.endswith("_id")}},
                         append_unknown=False)[1]
        huge = url.replace("/1/", f"/{2**64}/").replace("/1", f"/{2**64}", 1) if "/1" in url else url
        assert client.get(huge).status_code in (404, 405), huge
    for query in (f"?citizen={2**64}", f"?contact={2**64}", "?citizen=-1"):
        assert client.get(f"/admin/intake/{query}").status_code == 404, query
    assert client.get(f"/admin/requests/?page={2**70}").status_code == 200
    assert client.get(f"/admin/contacts/?page={2**70}&agent={2**70}").status_code == 200
