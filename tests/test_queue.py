"""The agents' queue: filters, visibility, counts, saved views, bulk actions, exports."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from grc_core.extensions import db
from grc_core.models import Membership, Request, RequestType, SavedView, User
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent
from grc_core.requests import queue as queue_module
from grc_core.requests.queue import PAGE_SIZE, QueueFilters, queue_page
from grc_core.tenancy import active_plugins
from grc_core.tenancy.resolver import commune_service_ids
from test_requests import make_citizen, setup_commune, signed_in, user_id

FORMULA = "=HYPERLINK(\"http://evil\",\"x\")"


def make_request(commune_id, reference, type_id, *, service=None, state=("nouvelle", "new"), channel="guichet",
                 priority="normale", assignee=None, due=None, received=None, quartier="", citizen=None, subject=""):
    req = Request(reference=reference, request_type_id=type_id, service_id=service, channel=channel, priority=priority,
                  assignee_id=assignee, due_at=due, received_at=received or datetime.now(timezone.utc),
                  quartier=quartier, citizen_id=citizen, subject=subject, state=state[0], state_kind=state[1],
                  data={}, workflow_id=db.session.get(RequestType, type_id).workflow_id)
    db.session.add(req)
    return req


@pytest.fixture
def town(app):
    town = setup_commune(app)
    # The clock read per test, not at import: the pages read it afresh, and a run
    # may cross midnight in Paris.
    town.now = now = datetime.now(timezone.utc)
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    town.agent = user_id(app, "agent@a.fr")
    town.citizen = make_citizen(app, town.id)
    with in_commune(app, town.id):
        day = timedelta(days=1)
        v, a = town.voirie, town.accueil
        make_request(town.id, "2026-00001", town.bacs, service=v, due=now - day, subject=FORMULA,
                     citizen=town.citizen, quartier="Centre", received=now - 10 * day)
        make_request(town.id, "2026-00002", town.bacs, service=v, state=("en_cours", "open"), assignee=town.agent,
                     due=now + day, channel="telephone", received=now - 5 * day)
        make_request(town.id, "2026-00003", town.bacs, service=v, state=("attente", "waiting"), priority="urgente",
                     quartier="Gare", subject="Bacs <b>gras</b>")
        make_request(town.id, "2026-00004", town.bacs, service=v, state=("close", "closed"), due=now - day)
        make_request(town.id, "2026-00005", town.attestation, service=a, channel="courrier")
        make_request(town.id, "2026-00006", town.attestation, service=a, assignee=town.agent, subject="Attestation")
        make_request(town.id, "2026-00007", town.attestation, service=None)
        db.session.commit()
    return town


def refs(rows):
    return sorted(row.reference[-1] for row in rows)


def run(app, town, email="agent@a.fr", **filters):
    with in_commune(app, town.id):
        user = db.session.scalar(select(User).where(User.email == email))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        page = queue_page(QueueFilters(**filters), user=user, membership=membership, now=town.now)
        assert page.total == len(page.rows)
        return refs(page.rows)


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, ["1", "2", "3", "6"]),                            # his service, plus what is assigned to him; not closed
    ({"kind": "todo"}, ["1", "2", "6"]),
    ({"kind": "active"}, ["1", "2", "3", "6"]),
    ({"kind": "waiting"}, ["3"]),
    ({"kind": "closed"}, ["4"]),
    ({"state": "en_cours"}, ["2"]),
    ({"channel": "telephone"}, ["2"]),
    ({"priority": "urgente"}, ["3"]),
    ({"assignee": "me"}, ["2", "6"]),
    ({"assignee": "none"}, ["1", "3"]),
    ({"state": "close"}, ["4"]),                           # a chosen state finds closed requests too
    ({"q": "2026-4"}, ["4"]),                              # and so does a reference read on the phone
    ({"overdue": True}, ["1"]),                            # 4 is late but closed
    ({"quartier": "Gare"}, ["3"]),
    ({"q": "Attestation"}, ["6"]),
    ({"q": "2026-3"}, ["3"]),                              # a reference read without its zeros
    ({"q": "100%"}, []),
])
def test_each_filter_returns_its_rows_and_count(app, town, filters, expected):
    assert run(app, town, **filters) == expected


def test_type_service_citizen_and_date_filters(app, town):
    assert run(app, town, type=town.attestation) == ["6"]
    assert run(app, town, service=town.voirie) == ["1", "2", "3"]
    assert run(app, town, service=town.voirie, kind="closed") == ["4"]
    assert run(app, town, citizen=town.citizen) == ["1"]
    today = town.now.date()
    assert run(app, town, received_from=today - timedelta(days=6), received_to=today - timedelta(days=4)) == ["2"]
    assert run(app, town, received_to=today - timedelta(days=8)) == ["1"]


def test_who_sees_what(app, town):
    make_agent(app, town.id, "accueil@a.fr", "accueil")
    make_agent(app, town.id, "solo@a.fr", "agent")
    make_agent(app, town.id, "chef@a.fr", "manager", services=["accueil"])
    assert run(app, town, "accueil@a.fr") == ["1", "2", "3", "5", "6", "7"]
    assert run(app, town, "solo@a.fr") == []
    assert run(app, town, "chef@a.fr") == ["5", "6"]


def test_the_queue_is_ordered_by_due_date_then_received_and_loads_rows_in_few_queries(app, town):
    statements = []
    with in_commune(app, town.id), app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        membership.services  # noqa: B018 — loaded before counting, as the page does
        active_plugins(town.id)  # cached for the request by the page's own checks
        commune_service_ids(town.id)  # read with the memberships by the page
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            page = queue_page(QueueFilters(), user=user, membership=membership, now=town.now)
            labels = [(r.request_type.label, r.service and r.service.name, r.citizen, r.assignee) for r in page.rows]
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
    assert [r.reference[-1] for r in page.rows] == ["1", "2", "3", "6"]
    assert len(labels) == 4 and len(statements) <= 3


def test_pages_of_fifty(app, town):
    with in_commune(app, town.id):
        for n in range(PAGE_SIZE + 5):
            make_request(town.id, f"2025-{n + 1:05d}", town.bacs, service=town.voirie)
        db.session.commit()
    client = signed_in(app, "agent@a.fr")
    first = client.get("/admin/requests/?service=%d" % town.voirie).get_data(as_text=True)
    second = client.get("/admin/requests/?service=%d&page=2" % town.voirie).get_data(as_text=True)
    assert first.count("data-reference=") == PAGE_SIZE and second.count("data-reference=") == 8
    assert "58 requests" in first and "Page 2 of 2" in second


def test_by_default_the_queue_holds_what_is_not_closed_and_says_so(app, town):
    client = signed_in(app, "agent@a.fr")
    html = client.get("/admin/requests/").get_data(as_text=True)
    assert "4 requests" in html and 'data-reference="2026-00004"' not in html
    assert "Closed requests are shown when you choose the status « Closed »." in html
    closed = client.get("/admin/requests/?kind=closed").get_data(as_text=True)
    assert "1 request" in closed and 'data-reference="2026-00004"' in closed
    assert "Closed requests are shown" not in closed


def test_a_count_above_the_cap_is_shown_as_more_than(app, town, monkeypatch):
    monkeypatch.setattr(queue_module, "COUNT_CAP", 2)
    with in_commune(app, town.id):
        user = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        page = queue_page(QueueFilters(), user=user, membership=membership, now=town.now, page=9)
        # 4 match: the count stops at cap + 1, the pages at the cap; rows still come in order.
        assert (page.total, page.capped, page.pages, page.page) == (3, True, 1, 1)
        assert refs(page.rows) == ["1", "2", "3", "6"]
        exact = queue_page(QueueFilters(kind="waiting"), user=user, membership=membership, now=town.now)
        assert (exact.total, exact.capped) == (1, False)
    client = signed_in(app, "agent@a.fr")
    html = client.get("/admin/requests/").get_data(as_text=True)
    assert "More than 2 requests" in html and "3 requests" not in html
    assert "1 request" in client.get("/admin/requests/?kind=waiting").get_data(as_text=True)


def test_a_word_of_the_free_text_is_counted_up_to_its_own_cap(app, town, monkeypatch):
    """A common word is counted no further than FREE_TEXT_COUNT_CAP (1,000): the
    page says "more than" honestly; a reference read on the phone, or no word,
    keeps the queue's cap."""
    monkeypatch.setattr(queue_module, "FREE_TEXT_COUNT_CAP", 2)
    with in_commune(app, town.id):
        user = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        word = queue_page(QueueFilters(q="6-0000"), user=user, membership=membership, now=town.now)
        assert (word.total, word.capped, word.cap, word.pages) == (3, True, 2, 1)
        assert refs(word.rows) == ["1", "2", "3", "6"]  # the rows are all there, in order
        rare = queue_page(QueueFilters(q="gras"), user=user, membership=membership, now=town.now)
        assert (rare.total, rare.capped) == (1, False)
        assert queue_module.count_cap(QueueFilters(q="2026-00001")) == queue_module.COUNT_CAP
        assert queue_module.count_cap(QueueFilters()) == queue_module.COUNT_CAP
    client = signed_in(app, "agent@a.fr")
    html = client.get("/admin/requests/?q=6-0000").get_data(as_text=True)
    assert "More than 2 requests" in html and "3 requests" not in html and "4 requests" not in html
    assert "1 request" in client.get("/admin/requests/?q=gras").get_data(as_text=True)
    assert "4 requests" in client.get("/admin/requests/").get_data(as_text=True)


def test_the_queue_page_escapes_and_the_home_counts_link_to_it(app, town):
    client = signed_in(app, "agent@a.fr")
    html = client.get("/admin/requests/?kind=waiting").get_data(as_text=True)
    assert "Bacs &lt;b&gt;gras&lt;/b&gt;" in html and "<b>gras</b>" not in html
    assert "1 request" in html
    home = client.get("/admin/").get_data(as_text=True)
    for name, number, link in (("todo", 3, "kind=todo"), ("mine", 2, "kind=active&amp;assignee=me"), ("overdue", 1, "overdue=1"),
                               ("waiting", 1, "kind=waiting")):
        assert f'href="/admin/requests/?{link}' in home.split(f'data-count="{name}"')[0].rsplit("<a", 1)[1]
        assert f'<span class="display-4">{number}</span>' in home.split(f'data-count="{name}"')[1][:80]


def test_saved_views_are_personal(app, town):
    make_agent(app, town.id, "agent2@a.fr", "agent", services=["voirie"])
    client = signed_in(app, "agent@a.fr")
    token = csrf_token(client, "/admin/requests/")
    client.post("/admin/requests/views", data={"csrf_token": token, "name": "Urgentes <i>", "filters":
                                               "priority=urgente&kind=active&bogus=1"})
    html = client.get("/admin/requests/").get_data(as_text=True)
    assert "Urgentes &lt;i&gt;" in html and "?kind=active&amp;priority=urgente" in html
    with in_commune(app, town.id):
        view = db.session.scalar(select(SavedView))
        assert view.query == "kind=active&priority=urgente"
    other = signed_in(app, "agent2@a.fr")
    assert "Urgentes" not in other.get("/admin/requests/").get_data(as_text=True)
    response = other.post(f"/admin/requests/views/{view.id}/delete",
                          data={"csrf_token": csrf_token(other, "/admin/requests/")})
    assert response.status_code == 404
    client.post(f"/admin/requests/views/{view.id}/delete", data={"csrf_token": token})
    with in_commune(app, town.id):
        assert db.session.scalar(select(SavedView)) is None


def test_bulk_transition_reports_each_request(app, town):
    client = signed_in(app, "agent@a.fr")
    with in_commune(app, town.id):
        ids = {r.reference: r.id for r in db.session.scalars(select(Request))}
    response = client.post("/admin/requests/bulk", data={
        "csrf_token": csrf_token(client, "/admin/requests/"), "action": "transition", "transition": "prendre",
        "ids": [ids["2026-00001"], ids["2026-00002"], ids["2026-00005"]], "filters": "kind=todo"})
    html = response.get_data(as_text=True)
    assert "<strong>2026-00001</strong>: done</li>" in html
    assert "<strong>2026-00002</strong>: refused — « Prendre en charge » is not possible while the request is" in html
    assert f"<strong>{ids['2026-00005']}</strong>: refused — not found" in html  # not in this agent's queue
    assert 'href="/admin/requests/?kind=todo"' in html
    with in_commune(app, town.id):
        states = {r.reference: r.state for r in db.session.scalars(select(Request))}
    assert states["2026-00001"] == "en_cours" and states["2026-00005"] == "nouvelle"


def test_bulk_assign_and_message(app, town):
    client = signed_in(app, "agent@a.fr")
    with in_commune(app, town.id):
        ids = [r.id for r in db.session.scalars(select(Request).where(Request.reference.in_(
            ["2026-00001", "2026-00003"])))]
    token = csrf_token(client, "/admin/requests/")
    html = client.post("/admin/requests/bulk", data={"csrf_token": token, "action": "assign",
                                                     "assignee": str(town.agent), "ids": ids}).get_data(as_text=True)
    assert html.count('data-result="done"') == 2
    html = client.post("/admin/requests/bulk", data={"csrf_token": token, "action": "message", "body": "",
                                                     "ids": ids}).get_data(as_text=True)
    assert html.count("The message is empty.") == 2
    with in_commune(app, town.id):
        assert {r.assignee_id for r in db.session.scalars(select(Request).where(Request.id.in_(ids)))} == {town.agent}


def test_exports_hold_the_filtered_queue_with_formulas_neutralized(app, town):
    client = signed_in(app, "agent@a.fr")
    response = client.get("/admin/requests/export.csv?kind=todo")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["2026-00001", "2026-00002", "2026-00006"]
    assert rows[1][3] == "'" + FORMULA
    response = client.get("/admin/requests/export.xlsx?kind=todo")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert [row[0] for row in values[1:]] == ["2026-00001", "2026-00002", "2026-00006"]
    assert values[1][3] == "'" + FORMULA and sheet.cell(2, 4).data_type == "s"
    assert client.get("/admin/requests/export.pdf").status_code == 404


def test_a_too_large_export_is_refused_without_counting_every_match(app, town, monkeypatch):
    from grc_core.requests import export

    monkeypatch.setattr(export, "MAX_ROWS", 2)
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    client = signed_in(app, "agent@a.fr")
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        response = client.get("/admin/requests/export.csv?kind=todo")
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert response.status_code == 302 and not response.headers.get("Content-Disposition")
    [counting] = [s for s in statements if "count(" in s.lower()]
    assert "LIMIT" in counting.upper()  # read no further than MAX_ROWS + 1 rows
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "More than 2 requests match: narrow the filters to export them." in page
    monkeypatch.setattr(export, "MAX_ROWS", 3)  # exactly as many as match: exported
    rows = client.get("/admin/requests/export.csv?kind=todo").get_data(as_text=True).strip().splitlines()
    assert len(rows) == 4


def test_an_elu_cannot_export(app, town):
    make_agent(app, town.id, "elu@a.fr", "elu")
    client = signed_in(app, "elu@a.fr")
    assert client.get("/admin/requests/export.csv").status_code == 403


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_lists_dates_read_as_babel_writes_them(app, locale):
    """ShortDates keeps Babel's "short" patterns for the page (the queue
    writes a hundred dates): the words are format_datetime's and format_date's,
    summer and winter time, naive (SQLite) values read as UTC."""
    from babel import dates as babel_dates
    from flask_babel import force_locale

    from grc_core.admin.requests_admin import ShortDates

    moments = [datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc), datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc),
               datetime(2026, 10, 25, 0, 59, tzinfo=timezone.utc), datetime(2026, 12, 31, 23, 5, tzinfo=timezone.utc),
               datetime(2026, 7, 14, 12, 0)]
    with app.test_request_context("/"), force_locale(locale):
        dates = ShortDates()
        for moment in moments:
            local = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(dates.timezone)
            assert dates.datetime(moment) == babel_dates.format_datetime(local, "short", locale=dates.locale)
            assert dates.date(moment) == babel_dates.format_date(local, "short", locale=dates.locale)
