"""Every URL that names a row by id answers 404 for another commune's row.

The test walks the app's URL map: a new route with an ``<id:…_id>`` argument
is covered as soon as it exists — and fails here until the argument's model
is listed in ``ROWS_OF_B``, so nobody forgets it.
"""
import io

from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import (
    AgentSession, Attachment, Citizen, CitizenMerge, Consent, ExportFile, HouseholdLink, Message, Request,
    RequestEvent, RequestType, SavedView, Segment, TrackingLink, User, WebhookDelivery, WebhookEndpoint, Workflow,
    utcnow,
)
from grc_core.webapi.keys import create_key
from grc_core.plugin_api.testing import csrf_token, in_commune, login, make_agent
from tests.portal.portal_support import is_portal_rule
from tests.test_requests import file_request, make_citizen, setup_commune


def rows_of_b(app):
    """Commune B with one row of every kind a URL can name; their ids by argument name."""
    b = setup_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    make_agent(app, b.id, "agent@b.fr", "agent")
    parent = make_citizen(app, b.id, "Zoé", "Zorglub", "zoe@b.fr")
    child = make_citizen(app, b.id, "Léo", "Zorglub", "leo@b.fr")
    request_id, errors = file_request(app, b.id, actor_email="agent@b.fr", type_id=b.bacs, citizen_id=parent)
    assert not errors, errors
    with in_commune(app, b.id):
        agent = db.session.scalar(select(User).where(User.email == "agent@b.fr"))
        link = HouseholdLink(citizen_id=parent, relative_id=child, relation="child")
        consent = Consent(citizen_id=parent, channel="email", purpose="suivi_demandes")
        attachment = Attachment(request_id=request_id, filename="plan.pdf", content_type="application/pdf",
                                size=4, sha256="0" * 64, storage_key="b/plan")
        view = SavedView(user_id=agent.id, name="Zorglub", query="overdue=1")
        # Not a commune's row, another agent's: the same 404 (security.account).
        session = AgentSession(user_id=agent.id, token_hash="b" * 64, created_at=utcnow(), last_seen_at=utcnow())
        merge = CitizenMerge(kept_id=parent, duplicate_id=child, moved={})
        exported = ExportFile(user_id=agent.id, fmt="csv", query="", status="ready", row_count=0, size=0,
                              storage_key=f"exports/{b.id}/b")
        segment = Segment(name="Zorglub", definition={"match": "all", "items": []})
        api_key, _secret = create_key(name="Appli de B", scopes=["open311"])
        endpoint = WebhookEndpoint(url="https://hooks.example.org/b", events=["request.created"],
                                   secret="whsec_Yg==")
        delivery = WebhookDelivery(endpoint=endpoint, message_id="msg_b", event="request.created",
                                   payload={"type": "request.created"}, status="failed")
        # The private link of a request filed without an account: revoked only by B's agents.
        tracking = TrackingLink(request_id=request_id, token_hash="b" * 64)
        db.session.add_all([link, consent, attachment, view, session, merge, exported, segment, endpoint, delivery,
                            tracking])
        db.session.commit()
        return b.id, {
            "citizen_id": parent, "request_id": request_id, "link_id": link.id, "consent_id": consent.id,
            "attachment_id": attachment.id, "view_id": view.id, "type_id": b.bacs, "workflow_id": b.workflow,
            "session_id": session.id,
            "merge_id": merge.id, "export_id": exported.id, "segment_id": segment.id, "key_id": api_key.id,
            "endpoint_id": endpoint.id, "delivery_id": delivery.id, "fmt": "json", **_plugin_rows(app, agent),
        }


def _plugin_rows(app, agent) -> dict:
    """Rows of the loaded plugins' own id routes (a campaign belongs to no request)."""
    ids = {}
    if "campagnes" in app.extensions["grc"].names:
        from plugins.campagnes.models import Campaign

        campaign = Campaign(name="Travaux", purpose="p", legal_basis="public_task", subject="S", body="B",
                            author_id=agent.id)
        db.session.add(campaign)
        db.session.commit()
        ids["campaign_id"] = campaign.id
    if "enquetes" in app.extensions["grc"].names:
        from datetime import date

        from plugins.enquetes.models import Barometer

        barometer = Barometer(title="Baromètre", purpose="Savoir", fields=[], opens_on=date(2026, 1, 1),
                              closes_on=date(2026, 12, 31), status="sent", author_id=agent.id)
        db.session.add(barometer)
        db.session.commit()
        ids["barometer_id"] = barometer.id
    return ids


def snapshot(app, commune_id):
    with in_commune(app, commune_id):
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in
                (Citizen, Consent, HouseholdLink, Request, RequestEvent, Message, Attachment, SavedView)} | {
            "state": db.session.scalar(select(Request.state)),
            "workflow": db.session.scalar(select(Workflow.definition)),
            "type": db.session.scalar(select(RequestType.label).where(RequestType.code == "bacs")),
            "tracking_revoked": db.session.scalar(select(TrackingLink.revoked_at)),
        }


def test_every_id_url_of_another_commune_answers_404(app, client, two_communes):
    b, ids = rows_of_b(app)
    before = snapshot(app, b)
    login(client, two_communes["admin_a"])
    token = csrf_token(client, "/admin/")
    # The REST API's caller is a key: commune A's, with an administrator's role.
    with in_commune(app, two_communes["a"]):
        _key, secret = create_key(name="Connecteur de A", scopes=["read", "write"], role="admin")
        db.session.commit()
    checked = 0
    for rule in app.url_map.iter_rules():
        id_arguments = {name for name in rule.arguments if name.endswith("_id")}
        # The citizens' portal has principals of its own: tests/security/test_portal_routes.py
        # walks its id routes with citizens of two communes.
        if not id_arguments or is_portal_rule(rule):
            continue
        unknown = id_arguments - ids.keys()
        assert not unknown, f"{rule.rule}: add a row of commune B for {unknown} to this test"
        # A format restricted by its converter (``<any(csv, xlsx):fmt>``) takes its first value.
        url = rule.build({name: sorted(rule._converters[name].items)[0] if hasattr(rule._converters[name], "items")
                          else ids[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint.startswith("rest_api."):
                response = client.open(url, method=method, headers={"X-API-Key": secret},
                                       json=None if method == "GET" else {"subject": "intrus", "body": "intrus"})
            elif method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={
                    "csrf_token": token, "body": "intrus", "comment": "intrus", "duplicate_id": ids["citizen_id"],
                    "relative_id": ids["citizen_id"], "relation": "spouse", "channel": "sms",
                    "purpose": "information_municipale", "label": "Piraté", "file": (io.BytesIO(b"%PDF-1.4"), "x.pdf"),
                }, content_type="multipart/form-data")
            assert response.status_code == 404, (method, rule.rule, response.status_code)
            checked += 1
    assert checked >= 15
    assert snapshot(app, b) == before


def test_no_list_search_or_export_of_a_shows_rows_of_b(app, client, two_communes):
    b, ids = rows_of_b(app)
    with in_commune(app, b):
        reference = db.session.get(Request, ids["request_id"]).reference
    # A's own request carries the same reference number: B's must not show through it.
    markers = ("Zorglub", "zoe@b.fr", "Saint-Aubin", "Demande de bacs")
    login(client, two_communes["admin_a"])
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.arguments - {"fmt", "export_type"} or "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        if not rule.rule.startswith("/admin"):
            continue
        formats = {"fmt": ["csv", "xlsx"], "export_type": ["csv"]}
        variants = [{}]
        for name in rule.arguments:
            variants = [dict(v, **{name: value}) for v in variants for value in formats[name]]
        for values in variants:
            url = rule.build(values, append_unknown=False)[1]
            for query in ("", "?q=Zorg", "?search=Zorg", f"?q={reference}", "?text=Zorg"):
                response = client.get(url + query)
                if response.status_code != 200:
                    continue
                body = response.get_data()
                text = body.decode("utf-8", "replace") if not url.endswith("xlsx") else _xlsx_text(body)
                for marker in markers:
                    assert marker.lower() not in text.lower(), (url + query, marker)
                checked += 1
    assert checked >= 30
    # Control: the same pages do show B's rows to B's agent.
    other = app.test_client()
    login(other, "admin@b.fr")
    assert "zorglub" in other.get("/admin/citizens/?q=Zorg").get_data(as_text=True).lower()
    assert reference in other.get("/admin/requests/").get_data(as_text=True)


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
