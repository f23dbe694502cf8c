"""Numbers that match their lists: every figure of the home page and of the
dashboards opens a list of exactly that many requests; one label, one
definition; a change coloured by whether it is good news."""
import re

import pytest

from grc_core.indicators.periods import tone
from tests.test_confidentiality import secret_app, secret_module_app  # noqa: F401 (fixtures)
from tests.test_dashboards import OCTOBER, page, towns  # noqa: F401 (fixture)
from tests.test_requests import signed_in

NUMBER_WIDGET = re.compile(r'data-widget="([^"]+)".*?<div class="grc-number" data-value="([^"]*)">\s*'
                           r'(?:<a href="([^"]+)">)?.*?<small class="text-muted h6">([^<]*)</small>', re.S)
HOME_CARD = re.compile(r'<a class="card[^"]*" href="([^"]+)" data-count="([a-z]+)" data-hidden="\d+">\s*'
                       r'<span class="display-4">(\d+)</span>\s*<span class="h6 mb-0">([^<]+)</span>')


def rows_listed(client, href):
    """How many requests the list behind ``href`` holds (one row each); a
    figure's confidential requests the viewer may not open are not among them."""
    status, html = page(client, href.replace("&amp;", "&"))
    assert status == 200, href
    return html.count("<tr data-reference=")


def number_widgets(html):
    """(code, figure, link) of the number widgets counting requests (not a delay, not a rate)."""
    return [(code, value, href) for code, value, href, unit in NUMBER_WIDGET.findall(html)
            if unit in ("request", "requests", "demande", "demandes")]


@pytest.mark.parametrize("change, better, expected", [
    (-12.5, "lower", "good"),      # a shorter delay is good news
    (12.5, "lower", "bad"),
    (3.0, "higher", "good"),       # more requests closed
    (-3.0, "higher", "bad"),
    (0.0, "higher", "neutral"),
    (0.0, "lower", "neutral"),
    (40.0, None, "neutral"),       # more requests received: neither good nor bad
    (None, "lower", "neutral"),    # no previous figure
])
def test_a_change_is_good_news_when_the_figure_went_the_right_way(change, better, expected):
    assert tone(change, better) == expected


@pytest.mark.parametrize("email", ["admin@a.fr", "chef@a.fr", "agent@a.fr"])
@pytest.mark.parametrize("dashboard", ["operational", "strategic"])
def test_every_figure_of_a_dashboard_opens_a_list_of_that_many_requests(app, towns, email, dashboard):  # noqa: F811
    client = signed_in(app, email)
    status, html = page(client, f"/admin/dashboards/{dashboard}/?{OCTOBER}")
    if status == 403:
        pytest.skip(f"{email} has no {dashboard} dashboard")
    widgets = number_widgets(html)
    assert widgets
    for code, value, href in widgets:
        assert href, code
        assert rows_listed(client, href) == int(value), (code, value, href)


@pytest.mark.parametrize("email", ["admin@a.fr", "chef@a.fr", "agent@a.fr"])
def test_every_figure_of_the_home_page_opens_a_list_of_that_many_requests(app, towns, email):  # noqa: F811
    client = signed_in(app, email)
    html = page(client, "/admin/")[1]
    cards = HOME_CARD.findall(html)
    assert [name for _href, name, _n, _label in cards] == ["todo", "mine", "overdue", "waiting"]
    for href, name, figure, _label in cards:
        assert rows_listed(client, href) == int(figure), (name, figure, href)


@pytest.mark.parametrize("email", ["admin@a.fr", "chef@a.fr", "agent@a.fr"])
def test_a_label_shown_on_the_home_page_and_a_dashboard_is_the_same_figure(app, towns, email):  # noqa: F811
    """« À traiter » (and every other label) means one thing for one user, wherever it is shown."""
    client = signed_in(app, email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    home = {label.strip(): int(figure) for _h, _n, figure, label in HOME_CARD.findall(page(client, "/admin/")[1])}
    html = page(client, "/admin/dashboards/operational/")[1]
    titles = dict(re.findall(r'data-widget="([^"]+)">\s*<div class="card-header py-2"><h2 class="h6 mb-0">([^<]+)</h2>',
                             html))
    shared = 0
    for code, value, _href in number_widgets(html):
        label = titles[code].strip()
        if label in home:
            shared += 1
            assert int(value) == home[label], (label, value, home[label])
    assert "À traiter" in home
    assert shared  # « En retard » is on both


def test_a_figure_says_how_many_confidential_requests_its_list_leaves_out(secret_app):
    """The admin without the secret type's read permission: the figure counts
    its requests, says « dont N confidentielles », and the list shows the others."""
    from datetime import datetime, timezone

    from sqlalchemy import select

    from grc_core.extensions import db
    from grc_core.models import Request, RequestType
    from grc_core.plugin_api.testing import in_commune, make_agent, make_commune

    commune = make_commune(secret_app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["secret"])
    with in_commune(secret_app, commune):
        secret_type = db.session.scalar(select(RequestType).where(RequestType.code == "secret.dossier"))
        for n in (1, 2):
            db.session.add(Request(reference=f"2026-0000{n}", request_type_id=secret_type.id,
                                   service_id=secret_type.service_id, workflow_id=secret_type.workflow_id,
                                   channel="guichet", priority="normale", received_at=datetime.now(timezone.utc),
                                   state="ouvert", state_kind="new", data={}))
        db.session.commit()
    make_agent(secret_app, commune, "admin@a.fr", "admin")
    make_agent(secret_app, commune, "reader@a.fr", "admin", permissions=["secret.read"])
    admin = signed_in(secret_app, "admin@a.fr")
    admin.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    home = page(admin, "/admin/")[1]
    [todo] = [card for card in HOME_CARD.findall(home) if card[1] == "todo"]
    assert todo[2] == "2" and 'data-count="todo" data-hidden="2"' in home
    assert "dont 2 demandes confidentielles que vous ne pouvez pas ouvrir" in home
    assert rows_listed(admin, todo[0]) == 0
    dashboard = page(admin, "/admin/dashboards/operational/")[1]
    assert re.search(r'data-widget="core.op_new".*?data-value="2".*?data-hidden="2"', dashboard, re.S)
    reader = signed_in(secret_app, "reader@a.fr")
    home = page(reader, "/admin/")[1]
    assert 'data-count="todo" data-hidden="0"' in home and "confidentielles" not in home
    [todo] = [card for card in HOME_CARD.findall(home) if card[1] == "todo"]
    assert todo[2] == "2" and rows_listed(reader, todo[0]) == 2
