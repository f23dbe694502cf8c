""""Mes démarches" by pages (grc_core.portal.tracking.requests_page): 20
requests a page, open ones before closed ones and newest activity first,
the count said, accessible page links, one statement for the page's
requests, and a page that does not exist answers 404."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Message, Request
from grc_core.plugin_api.testing import csrf_token, in_commune
from grc_core.portal.tracking import PAGE_SIZE, page_numbers
from tests.portal.portal_support import english_client, setup_portal_commune, verified_citizen
from tests.test_round_trips import Statements

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
REFERENCE = re.compile(r"Reference (T-\d{4}|\d{4}-\d+|[A-Z]+-\d{4}-\d+)")


@pytest.fixture
def town(app):
    return setup_portal_commune(app)


def _citizen_with_requests(app, town, client, count: int) -> list[str]:
    """A signed-in citizen with ``count`` requests (one filed online, the
    others at the counter); their references in the order the page must
    show them: the open ones by newest activity, then the closed ones."""
    verified_citizen(app, client, town)
    response = client.post(f"{town.base}/procedures/bacs/file", data={
        "csrf_token": csrf_token(client, f"{town.base}/"), "f_motif": "Bac cassé"}, content_type="multipart/form-data")
    assert response.status_code == 302
    with in_commune(app, town.id):
        filed = db.session.scalar(select(Request))
        filed.state_entered_at = START  # the oldest activity of the open ones
        rows = []
        for number in range(1, count):
            closed = number % 3 == 0
            moved = START + timedelta(days=number)
            rows.append(Request(
                reference=f"T-{number:04d}", request_type_id=town.bacs, workflow_id=town.workflow,
                citizen_id=filed.citizen_id, channel="guichet", state="close" if closed else "en_cours",
                state_kind="closed" if closed else "open", received_at=moved - timedelta(days=1),
                state_entered_at=moved, data={}))
        db.session.add_all(rows)
        db.session.flush()
        # An old request answered today: its activity is the message's, the newest of all.
        answered = rows[0]
        db.session.add(Message(request_id=answered.id, commune_id=town.id, body="Réponse",
                               public=True, at=START + timedelta(days=400)))
        # An internal note is no activity the citizen sees.
        db.session.add(Message(request_id=rows[1].id, commune_id=town.id, body="Note",
                               public=False, at=START + timedelta(days=500)))
        db.session.commit()

        def activity(request):
            return START + timedelta(days=400) if request is answered else request.state_entered_at

        everything = [filed, *rows]
        ordered = sorted(everything, key=lambda r: (r.state_kind == "closed", -activity(r).timestamp(), -r.id))
        return [request.reference for request in ordered]


def _shown(page: str) -> list[str]:
    return REFERENCE.findall(page)


def test_a_citizen_with_120_requests_reads_them_by_pages_in_order(app, town):
    client = english_client(app)
    expected = _citizen_with_requests(app, town, client, 120)
    assert expected[0] == "T-0001"  # the old one answered today comes first
    seen = []
    for number in range(1, 7):
        response = client.get(f"{town.base}/my-requests/?page={number}")
        assert response.status_code == 200, number
        page = response.get_data(as_text=True)
        shown = _shown(page)
        assert len(shown) == PAGE_SIZE, number
        seen += shown
        assert "120 requests" in page and f"page {number} of 6" in page
        nav = page.split('<nav aria-label="Pages of my requests">')[1].split("</nav>")[0]
        current = re.findall(r'<a class="page-link" aria-current="page" href="([^"]+)">', nav)
        assert current == [f"/c/villeneuve/portal/my-requests/?page={number}"], number
        assert ("Previous page" in nav) == (number > 1) and ("Next page" in nav) == (number < 6)
    assert seen == expected
    closed = [reference.startswith("T-") and int(reference[2:]) % 3 == 0 for reference in seen]
    assert closed == sorted(closed) and closed.count(True) == 39  # every open one before every closed one


def test_the_count_is_said_in_french_too(app, town):
    client = english_client(app)
    _citizen_with_requests(app, town, client, 45)
    page = client.get(f"{town.base}/my-requests/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "45 démarches" in page and "page 1 sur 3" in page
    assert '<nav aria-label="Pages de mes démarches">' in page and "Page suivante" in page


@pytest.mark.parametrize("page", ["7", "0", "-1", "x", "2.5", "9" * 7, ""])
def test_a_page_that_does_not_exist_is_404(app, town, page):
    client = english_client(app)
    _citizen_with_requests(app, town, client, 120)
    response = client.get(f"{town.base}/my-requests/?page={page}")
    assert response.status_code == 404
    assert "This page does not exist" in response.get_data(as_text=True)


def test_few_requests_show_no_page_links_and_none_says_so(app, town):
    client = english_client(app)
    _citizen_with_requests(app, town, client, 3)
    page = client.get(f"{town.base}/my-requests/").get_data(as_text=True)
    assert len(_shown(page)) == 3 and "3 requests" in page and "<nav aria-label=\"Pages" not in page
    newcomer = english_client(app)
    verified_citizen(app, newcomer, town, email="max@example.org", first="Max", last="Durand")
    empty = newcomer.get(f"{town.base}/my-requests/")
    assert empty.status_code == 200 and "You have no request yet." in empty.get_data(as_text=True)
    assert newcomer.get(f"{town.base}/my-requests/?page=2").status_code == 404


def test_a_page_reads_its_requests_in_one_statement_whatever_their_number(app, town):
    client = english_client(app)
    _citizen_with_requests(app, town, client, 120)
    counts = []
    for number in (1, 3, 6):
        with Statements(app) as statements:
            assert client.get(f"{town.base}/my-requests/?page={number}").status_code == 200
        listing = [s for s in statements.sent if re.search(r"\bFROM request\b", s) and "LIMIT" in s.upper()]
        assert len(listing) == 1, listing
        counts.append(len(statements.sent))
    assert len(set(counts)) == 1, counts


def test_page_numbers_keep_the_first_the_last_and_the_neighbours():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 6) == [1, 2, 3, None, 6]
    assert page_numbers(3, 6) == [1, 2, 3, 4, 5, 6]
    assert page_numbers(10, 20) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_numbers(20, 20) == [1, None, 18, 19, 20]
