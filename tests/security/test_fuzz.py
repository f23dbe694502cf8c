"""Issue 13, finding 10: no input makes the back office answer 500.

Hypothesis draws query strings for every GET route of the URL map (core
and plugins) and values for every field of every form the back office
shows, signed in as a commune administrator and as a service agent. Any
answer below 500 is fine (a 400, a 404, a page with a message): what the
test forbids is a crash — an id beyond the database's range, a negative
year, a number the database cannot store, an export that breaks off.

The number of examples is bounded and the draw is derandomised: the same
inputs on every run, well under a minute per database.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Citizen, RequestType, Service, User
from grc_core.plugin_api.testing import build_test_app, csrf_token, in_commune, login, make_agent, make_commune

USERS = ("admin@a.fr", "agent@a.fr")
# Forms whose submission would end the run's session or change what it can see.
SKIPPED_ACTIONS = re.compile(r"/logout|/commune$|/admin/core_plugins/|/admin/core_communes/")
# Parameters the pages read, and a few they do not.
PARAMETERS = ("q", "page", "id", "annee", "trimestre", "citizen", "contact", "type", "service", "kind", "state",
              "channel", "priority", "assignee", "overdue", "received_from", "received_to", "closed_from",
              "closed_to", "due_by", "quartier", "days", "search", "sort", "desc", "page_size", "duplicate",
              "relative_q", "start", "end", "agent", "outcome", "period", "from", "to", "dimension", "next",
              "url", "flt0_0", "zz")
NASTY = ("-1", "0", str(2**31), str(2**63), str(2**64), "9" * 40, "NaN", "Infinity", "-0", "1e309", "\r\n",
         "%00", "\x00", "'", "<script>", "2026-02-30", "0000-00-00", "9999-12-31", "-2026-01-01", "é" * 300, "",
         " ", "all", "me", "none")
values = st.one_of(st.sampled_from(NASTY), st.integers(min_value=-(2**70), max_value=2**70).map(str),
                   st.text(max_size=40))
queries = st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=4)
FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    application = build_test_app(tmp_path_factory, name="fuzz", own_database=True)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def setup(fuzz_app):
    """Commune A (every loaded plugin), a citizen with a request; signed-in clients."""
    from grc_core.requests.service import create_request
    from werkzeug.datastructures import MultiDict

    app = fuzz_app
    a = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve")
    make_agent(app, a, "admin@a.fr", "admin")
    with in_commune(app, a):
        service = db.session.scalars(select(Service.code).order_by(Service.code)).first()
    make_agent(app, a, "agent@a.fr", "agent", services=[service] if service else [])
    with in_commune(app, a):
        citizen = Citizen(first_name="Jeanne", last_name="Martin", email="jeanne@example.org")
        db.session.add(citizen)
        db.session.commit()
        admin = db.session.scalar(select(User).where(User.email == "admin@a.fr"))
        for type_row in db.session.scalars(select(RequestType).order_by(RequestType.code)):
            created, _errors = create_request(request_type=type_row.id, citizen=citizen, channel="guichet",
                                              formdata=MultiDict(), actor=admin)
            if created is None:
                db.session.rollback()
    clients = {}
    for email in USERS:
        clients[email] = app.test_client()
        login(clients[email], email)
    return clients


def _get_routes(app) -> list[str]:
    """Every GET URL without a path argument but an id (1) or an export format."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        values = {}
        for name in rule.arguments:
            if name.endswith("_id"):
                values[name] = 1
            elif name in ("fmt", "export_type"):
                converter = rule._converters.get(name)
                values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else "csv"
            else:
                break
        else:
            urls.append(rule.build(values, append_unknown=False)[1])
    return sorted(urls)


class _Forms(HTMLParser):
    """The POST forms of a page: action and field names with their offered values."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._fields: dict[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((attrs.get("action") or "", self._fields))
        elif self._fields is not None and attrs.get("name"):
            name = attrs["name"]
            if tag in ("input", "textarea") and name != "csrf_token":
                self._fields.setdefault(name, []).append(attrs.get("value") or "")
            elif tag == "select":
                self._select = name
                self._fields.setdefault(name, [])
        if tag == "option" and self._select and self._fields is not None:
            self._fields[self._select].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


@pytest.fixture(scope="module")
def forms(fuzz_app, setup):
    """Every POST form the back office shows the administrator: (page, action, fields)."""
    client = setup["admin@a.fr"]
    pages = [url for url in _get_routes(fuzz_app) if not url.endswith(("csv", ".csv", "xlsx"))]
    admin = fuzz_app.extensions["admin"][0]
    pages += [f"/admin/{view.endpoint}/new/" for view in admin._views if hasattr(view, "model")]
    found = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.forms:
            target = urlsplit(action).path and action or page
            if SKIPPED_ACTIONS.search(urlsplit(target).path):
                continue
            found.setdefault(urlsplit(target).path, (page, target, fields))
    assert len(found) >= 20, sorted(found)
    return sorted(found.values())


def _assert_no_crash(response, what):
    assert response.status_code < 500, (what, response.status_code)


def test_the_pages_and_the_query_strings_never_crash(fuzz_app, setup):
    urls = _get_routes(fuzz_app)
    # Each route with every parameter at a nasty value (two of the four per parameter, one per user).
    sweep = ("-1", str(2**64), "NaN", "\r\n")
    for turn, (email, client) in enumerate(setup.items()):
        for url in urls:
            query = urlencode({name: sweep[(index + turn) % len(sweep)] for index, name in enumerate(PARAMETERS)})
            _assert_no_crash(client.get(f"{url}?{query}"), (email, url, query))

    @FUZZ
    @given(email=st.sampled_from(USERS), url=st.sampled_from(urls), query=queries)
    def draw(email, url, query):
        _assert_no_crash(setup[email].get(f"{url}?{urlencode(query)}"), (email, url, query))

    draw()


def test_the_forms_never_crash(fuzz_app, setup, forms):
    tokens = {email: csrf_token(client, "/admin/") for email, client in setup.items()}

    @FUZZ
    @given(data=st.data())
    def draw(data):
        email = data.draw(st.sampled_from(USERS))
        page, action, fields = data.draw(st.sampled_from(forms))
        payload = {"csrf_token": tokens[email]}
        for name, offered in fields.items():
            choices = [value for value in offered if value] or [""]
            payload[name] = data.draw(st.one_of(st.sampled_from(choices), values), label=name)
        _assert_no_crash(setup[email].post(action, data=payload), (email, page, action, payload))

    draw()
