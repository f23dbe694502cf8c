"""The dashboards in the back office: who sees which one, bad filters,
drill-downs, exports, the weekly summary — never a figure of another commune."""
import csv
import io
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlparse

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.indicators.subscriptions import send_weekly_summaries
from grc_core.models import AuditEvent, DashboardSubscription, OutboxMessage
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent
from grc_core.workflows.timers import tick
from tests.test_indicators import add, at
from tests.test_requests import setup_commune, signed_in, user_id

OCTOBER = "period=custom&start=2026-10-01&end=2026-10-31"


@pytest.fixture
def towns(app):
    """Villeneuve (A) with four October requests, and Saint-Aubin (B) with one."""
    a = setup_commune(app)
    b = setup_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    with in_commune(app, a.id):
        add(a, "2026-00001", a.bacs, a.voirie, "guichet", at("2026-10-05"), closed=at("2026-10-07"))
        add(a, "2026-00002", a.bacs, a.voirie, "telephone", at("2026-10-06"))
        add(a, "2026-00003", a.attestation, a.accueil, "guichet", at("2026-10-10"))
        add(a, "2026-00004", a.attestation, a.accueil, "courrier", at("2026-10-12"))
        db.session.commit()
    with in_commune(app, b.id):
        add(b, "2026-00001", b.bacs, b.voirie, "web", at("2026-10-05"))
        db.session.commit()
    make_agent(app, a.id, "admin@a.fr", "admin")
    make_agent(app, a.id, "chef@a.fr", "manager", services=["voirie"])
    make_agent(app, a.id, "agent@a.fr", "agent", services=["accueil"])
    make_agent(app, a.id, "elu@a.fr", "elu")
    make_agent(app, b.id, "admin@b.fr", "admin")
    return a, b


def page(client, path):
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def number(html, widget):
    """The figure a number widget shows (its data-value)."""
    marker = f'data-widget="{widget}"'
    start = html.index(marker)
    value_at = html.index('data-value="', start) + len('data-value="')
    return html[value_at:html.index('"', value_at)]


def unit(html, widget):
    """The unit written after a number widget's figure."""
    start = html.index(f'data-widget="{widget}"')
    unit_at = html.index('<small class="text-muted h6">', start) + len('<small class="text-muted h6">')
    return html[unit_at:html.index("</small>", unit_at)]


def test_the_strategic_dashboard_counts_the_commune_and_nothing_else(app, towns):
    client = signed_in(app, "admin@a.fr")
    status, html = page(client, f"/admin/dashboards/strategic/?{OCTOBER}")
    assert status == 200
    assert number(html, "core.st_received") == "4" and number(html, "core.st_closed") == "1"
    # Each figure's unit in the form that fits it: "1 request", "4 requests".
    assert unit(html, "core.st_closed") == "request" and unit(html, "core.st_received") == "requests"
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    french = page(client, f"/admin/dashboards/strategic/?{OCTOBER}")[1]
    assert unit(french, "core.st_closed") == "demande" and unit(french, "core.st_received") == "demandes"
    # The processing time of the one closed request: two days.
    assert number(french, "core.st_processing") == "2.0" and unit(french, "core.st_processing") == "jours"
    # The chart of channels: one bar per channel, values in the page.
    assert 'data-category="Counter" data-series="Requests received"' in html
    other = signed_in(app, "admin@b.fr")
    assert number(page(other, f"/admin/dashboards/strategic/?{OCTOBER}")[1], "core.st_received") == "1"


def test_every_chart_element_drills_down_to_the_matching_requests(app, towns):
    a, _b = towns
    client = signed_in(app, "admin@a.fr")
    html = page(client, f"/admin/dashboards/strategic/?{OCTOBER}")[1]
    start = html.index('data-widget="core.st_by_channel"')
    href = html[html.index('<a href="', start) + 9:html.index('"', html.index('<a href="', start) + 9)]
    args = dict(parse_qsl(urlparse(href.replace("&amp;", "&")).query))
    assert args == {"kind": "all", "received_from": "2026-10-01", "received_to": "2026-10-31", "channel": "guichet"}
    listed = page(client, href.replace("&amp;", "&"))[1]
    assert "2026-00001" in listed and "2026-00003" in listed and "2026-00002" not in listed


def test_an_agent_sees_the_operational_dashboard_of_their_services_only(app, towns):
    a, b = towns
    client = signed_in(app, "agent@a.fr")
    status, html = page(client, "/admin/dashboards/operational/")
    assert status == 200
    assert number(html, "core.op_new") == "2"  # the two attestations of the counter service
    assert page(client, "/admin/dashboards/strategic/")[0] == 403
    # A service they do not belong to, or of another commune: refused, nothing computed.
    for service in (a.voirie, 999):
        status, html = page(client, f"/admin/dashboards/operational/?service={service}")
        assert status == 400
        assert "Unknown service, or a service whose figures you may not see." in html
        assert 'data-widget=' not in html


def test_a_service_of_another_commune_is_refused(app, towns):
    a, b = towns
    with in_commune(app, b.id):
        pass
    client = signed_in(app, "admin@a.fr")
    with app.app_context():
        from grc_core.models import Service
        from grc_core.tenancy import unscoped
        with unscoped():
            b_service = db.session.scalar(select(Service.id).where(Service.commune_id == b.id))
    status, html = page(client, f"/admin/dashboards/strategic/?service={b_service}")
    assert status == 400 and 'data-widget=' not in html


def test_a_manager_filters_by_agent_and_sees_the_workload(app, towns):
    client = signed_in(app, "chef@a.fr")
    html = page(client, "/admin/dashboards/operational/")[1]
    assert 'data-widget="core.op_agents"' in html
    assert page(client, "/admin/dashboards/strategic/")[0] == 200


def test_the_queue_as_it_stands_is_counted_once_per_dashboard(app, towns):
    """New, per service, per channel, per agent: one grouping of the open
    requests serves every such widget of the page — with the same figures."""
    from sqlalchemy import event

    client = signed_in(app, "admin@a.fr")
    page(client, "/admin/dashboards/operational/")
    sent = []
    record = lambda conn, cursor, statement, *rest: sent.append(statement)  # noqa: E731
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
    try:
        status, html = page(client, "/admin/dashboards/operational/")
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", record)
    assert status == 200
    open_queue = [s for s in sent if "state_kind != 'closed'" in s and "received_at" not in s and "due_at" not in s]
    assert len(open_queue) == 1, open_queue
    # Three open requests: one of the voirie (by phone), two of the counter (by post and at the counter).
    assert number(html, "core.op_new") == "3"
    by_channel = html[html.index('data-widget="core.op_by_channel"'):]
    table = by_channel[:by_channel.index("</table>")]
    assert [f"channel={code}" in table for code in ("telephone", "courrier", "guichet", "web")] == [
        True, True, True, False]


def test_an_elu_reads_aggregates_only(app, towns):
    client = signed_in(app, "elu@a.fr")
    status, html = page(client, f"/admin/dashboards/strategic/?{OCTOBER}")
    assert status == 200 and number(html, "core.st_received") == "4"
    assert "/admin/requests" not in html  # no drill-down
    assert page(client, "/admin/dashboards/operational/")[0] == 403
    # Following a drill-down link by hand: the request list refuses élus.
    assert client.get("/admin/requests/?kind=all&channel=guichet").status_code == 403
    # An agent filter would single a person out.
    assert page(client, f"/admin/dashboards/strategic/?agent={user_id(app, 'agent@a.fr')}")[0] == 400


@pytest.mark.parametrize("query, message", [
    ("period=custom&start=2026-10-31&end=2026-10-01", "La fin de la période précède son début."),
    ("period=custom&start=1990-01-01&end=2026-10-01", "La période commence avant 2000"),
    ("period=custom&start=2026-13-01&end=2026-10-01", "Une période personnalisée demande"),
    ("period=fortnight", "Période inconnue."),
    ("type=inconnu", "Type de demande inconnu."),
    ("channel=pigeon", "Canal inconnu."),
    ("from_state=close&to_state=close", "Choisissez deux états différents"),
])
def test_bad_filters_say_why_and_compute_nothing(app, towns, query, message):
    client = signed_in(app, "admin@a.fr")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    status, html = page(client, f"/admin/dashboards/strategic/?{query}")
    assert status == 400
    assert message in html.replace("&#39;", "'")
    assert 'data-widget=' not in html


def test_unknown_dashboards_and_widgets(app, towns):
    client = signed_in(app, "admin@a.fr")
    assert client.get("/admin/dashboards/nowhere/").status_code == 404
    assert client.get("/admin/dashboards/strategic/export/core.nothing.csv").status_code == 404
    assert client.get("/admin/dashboards/strategic/export/core.st_received.pdf").status_code == 404
    # A widget of another dashboard is not exported from this one.
    refused = client.get("/admin/dashboards/strategic/export/core.op_new.csv")
    assert refused.status_code == 404 and refused.mimetype == "text/html" and "attachment" not in str(refused.headers)


def test_exports_hold_the_widget_values_and_are_audited(app, towns):
    a, _b = towns
    client = signed_in(app, "admin@a.fr")
    response = client.get(f"/admin/dashboards/strategic/export/core.st_by_channel.csv?{OCTOBER}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows == [["Category", "Requests received"], ["Counter", "2"], ["Letter", "1"], ["Phone", "1"]]
    response = client.get(f"/admin/dashboards/strategic/export/core.st_received.xlsx?{OCTOBER}")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[2]][:2] == ["Requests received", 4]
    with in_commune(app, a.id):
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "dashboard.export")) == 2


def test_exports_of_a_dashboard_one_may_not_see_are_refused(app, towns):
    elu = signed_in(app, "elu@a.fr")
    assert elu.get("/admin/dashboards/operational/export/core.op_new.csv").status_code == 403
    assert elu.get(f"/admin/dashboards/strategic/export/core.st_received.csv?{OCTOBER}").status_code == 200
    agent = signed_in(app, "agent@a.fr")
    assert agent.get("/admin/dashboards/strategic/export/core.st_received.csv").status_code == 403


def test_managers_subscribe_to_a_weekly_summary_sent_once_a_week(app, towns):
    a, _b = towns
    client = signed_in(app, "chef@a.fr")
    token = csrf_token(client, "/admin/dashboards/operational/")
    response = client.post("/admin/dashboards/subscription", data={"csrf_token": token, "subscribe": "1"})
    assert response.status_code == 302
    monday = datetime(2026, 10, 19, 6, tzinfo=timezone.utc)
    with app.app_context():
        # grc tick queues it and delivers it through the outbox.
        assert tick(monday)["summaries"] == 1
        assert send_weekly_summaries(monday) == 0
        db.session.commit()
    with in_commune(app, a.id):
        [mail] = db.session.scalars(select(OutboxMessage)).all()
        assert mail.recipient == "chef@a.fr" and mail.status == "sent"
        assert "12/10/2026" in mail.subject
        # Last week for the voirie service: one request received (the 6th's is the week before).
        # The voirie service only: counts, never a citizen nor a request's content.
        assert "- Demandes reçues : 0 (semaine précédente : 2)" in mail.body
        assert "- Demandes closes : 0 (semaine précédente : 1)" in mail.body
        assert "- Reçues, pas encore traitées : 1" in mail.body
        assert "Jeanne" not in mail.body
    elu = signed_in(app, "elu@a.fr")
    token = csrf_token(elu, "/admin/dashboards/strategic/")
    assert elu.post("/admin/dashboards/subscription", data={"csrf_token": token, "subscribe": "1"}).status_code == 403
    with in_commune(app, a.id):
        assert db.session.scalar(select(func.count()).select_from(DashboardSubscription)) == 1


def test_an_indicator_under_a_permission_shows_only_to_its_holders(app, towns, monkeypatch):
    """A plugin's figure finer than a count (social.read, say) stays hidden from
    the others — page and export alike."""
    from grc_core.plugins.registry import Declared
    from grc_core.plugin_api import IndicatorDecl, WidgetDecl

    registry = app.extensions["grc"]
    secret = IndicatorDecl("core.test_secret", "Montants par foyer", "€", lambda commune, filters: 1234,
                           permission="core.audit.read")
    widget = WidgetDecl("core.test_secret_widget", "Montants par foyer", "core.test_secret", "number", "strategic")
    monkeypatch.setitem(registry.declarations["grc_register_indicators"], secret.code, Declared(None, secret))
    monkeypatch.setitem(registry.declarations["grc_register_dashboard_widgets"], widget.code, Declared(None, widget))
    admin = signed_in(app, "admin@a.fr")  # holds core.audit.read
    assert number(page(admin, "/admin/dashboards/strategic/")[1], "core.test_secret_widget") == "1234"
    for email in ("chef@a.fr", "elu@a.fr"):
        client = signed_in(app, email)
        assert 'data-widget="core.test_secret_widget"' not in page(client, "/admin/dashboards/strategic/")[1]
        assert client.get("/admin/dashboards/strategic/export/core.test_secret_widget.csv").status_code == 404


@pytest.mark.parametrize("language", ["fr", "en"])
def test_dashboard_numbers_read_as_babel_writes_them(app, language):
    """The pattern parsed once gives flask_babel.format_decimal's text, in each language."""
    from decimal import Decimal

    from flask_babel import force_locale, format_decimal

    from grc_core.admin.dashboards_admin import _number

    with app.test_request_context(), force_locale(language):
        for value in (0, 7, 1234, 1234.56, -0.04, 2.25, 987654321.05, Decimal("3.45")):
            assert _number(value) == format_decimal(value, format="#,##0.#"), value
        assert _number(None) == "—"
