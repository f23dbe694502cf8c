"""The queue built around the next action: statuses coloured by kind with
their words, overdue and due-today rows standing out, the deadline in words,
one-click scopes, the subject rather than the type, and bulk actions limited
to the listed workflows' transitions this agent may apply."""
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select, update

from grc_core.extensions import db
from grc_core.models import Request, Workflow
from grc_core.plugin_api.testing import csrf_token, in_commune
from grc_core.requests.presentation import action_role, deadline, ordered_actions, status_kind
from test_queue import make_request
from test_queue import town  # noqa: F401  (fixture)
from test_requests import WORKFLOW, signed_in

TODAY = date(2026, 3, 10)
# Babel joins "3 j" with a no-break space (narrow or not, by pattern): compared as spaces.


def spaced(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize(("kind", "code", "expected"), [
    ("new", "nouvelle", "new"), ("open", "en_cours", "open"), ("waiting", "attente", "waiting"),
    ("closed", "close", "closed"), ("closed", "refusee", "refused"), ("closed", "refus_implicite", "refused"),
    ("closed", "rejetee", "refused"), ("open", "refus_propose", "open"),  # refused only once closed
    ("strange", "x", "open"),
])
def test_status_kind(kind, code, expected):
    assert status_kind(kind, code) == expected


@pytest.mark.parametrize(("due", "closed", "locale", "expected"), [
    (TODAY + timedelta(days=3), False, "fr", ("later", "dans 3 j")),
    (TODAY + timedelta(days=1), False, "fr", ("later", "dans 1 j")),
    (TODAY, False, "fr", ("today", "échéance aujourd’hui")),
    (TODAY, False, "en", ("today", "due today")),
    (TODAY - timedelta(days=1), False, "fr", ("overdue", "en retard de 1 j")),
    (TODAY - timedelta(days=2), False, "en", ("overdue", "2 days late")),
    (TODAY + timedelta(days=3), False, "en", ("later", "in 3 days")),
    (TODAY - timedelta(days=2), True, "fr", None),  # closed: late for nobody
    (None, False, "fr", None),
])
def test_deadline_in_words(app, due, closed, locale, expected):
    with app.test_request_context(headers={"Accept-Language": locale}):
        result = deadline(due, TODAY, closed=closed, locale=locale)
    assert (None if result is None else (result.urgency, spaced(result.words))) == expected


def test_deadline_in_french(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert spaced(deadline(TODAY - timedelta(days=2), TODAY, closed=False, locale="fr").words) == "en retard de 2 j"
        assert deadline(TODAY, TODAY, closed=False, locale="fr").words == "échéance aujourd’hui"


def test_actions_primary_first_then_closing_and_refusing():
    kinds = {"a": "open", "b": "closed", "refusee": "closed", "c": "waiting"}
    transitions = [{"code": "refuser", "target": "refusee"}, {"code": "clore", "target": "b"},
                   {"code": "prendre", "target": "a"}, {"code": "attendre", "target": "c"}]
    assert [(t["code"], role) for t, role in ordered_actions(transitions, kinds)] == [
        ("prendre", "primary"), ("attendre", "moving"), ("clore", "closing"), ("refuser", "refusing")]
    assert ordered_actions([{"code": "clore", "target": "b"}], kinds) == [({"code": "clore", "target": "b"},
                                                                           "closing")]
    assert action_role("closed", "rejetee") == "refusing"


def rows(html):
    return {m.group(1): m.group(0) for m in re.finditer(r'<tr data-reference="2026-0000(\d)".*?</tr>', html, re.S)}


def test_rows_show_kind_deadline_and_subject(app, town):
    now = town.now
    with in_commune(app, town.id):
        db.session.execute(update(Request).where(Request.reference == "2026-00002")
                           .values(due_at=now + timedelta(days=3)))
        db.session.execute(update(Request).where(Request.reference == "2026-00006")
                           .values(due_at=now + timedelta(minutes=1)))
        db.session.commit()
    html = signed_in(app, "agent@a.fr").get("/admin/requests/").get_data(as_text=True)
    found = rows(html)
    assert 'class="grc-overdue"' in found["1"] and "1 day late" in found["1"]
    assert 'data-urgency="later"' in found["2"] and "in 3 days" in found["2"] and "grc-overdue" not in found["2"]
    assert 'data-kind="new"' in found["1"] and "grc-kind-new" in found["1"] and ">Nouvelle<" in found["1"]
    assert 'data-kind="open"' in found["2"] and ">En cours<" in found["2"]
    assert 'data-kind="waiting"' in found["3"]
    # The subject, not the type repeated on every row; the type when there is no subject.
    assert "Bacs &lt;b&gt;gras&lt;/b&gt;" in found["3"] and "Demande de bacs" not in found["3"]
    assert "Demande de bacs" in found["2"]


def test_due_today_stands_out(app, town):
    with in_commune(app, town.id):
        # Noon today in Paris is today whatever the hour the test runs.
        from grc_core.plugin_api import LOCAL_TIMEZONE
        noon = datetime.combine(datetime.now(LOCAL_TIMEZONE).date(), time(12), tzinfo=LOCAL_TIMEZONE)
        db.session.execute(update(Request).where(Request.reference == "2026-00002")
                           .values(due_at=noon.astimezone(timezone.utc)))
        db.session.commit()
    found = rows(signed_in(app, "agent@a.fr").get("/admin/requests/").get_data(as_text=True))
    assert 'class="grc-today"' in found["2"] and "due today" in found["2"]


def test_scopes_are_one_click(app, town):
    client = signed_in(app, "agent@a.fr")
    html = client.get("/admin/requests/").get_data(as_text=True)
    scopes = html.split('id="queue-scopes"')[1].split("</nav>")[0]
    assert '/admin/requests/?assignee=me"' in scopes and ">My requests<" in scopes
    assert f'/admin/requests/?service={town.voirie}"' in scopes and ">My service<" in scopes
    assert re.search(r'href="/admin/requests/"[^>]*aria-current="page">All<', scopes)
    mine = client.get("/admin/requests/?assignee=me").get_data(as_text=True)
    assert re.search(r'aria-current="page">My requests<', mine)
    assert sorted(rows(mine)) == ["2", "6"]


def test_bulk_offers_the_listed_workflows_transitions_this_agent_may_apply(app, town):
    with in_commune(app, town.id):
        other = Workflow(code="autre", label="Autre circuit", definition={
            **WORKFLOW, "transitions": [
                *WORKFLOW["transitions"],
                # Only a timer takes it: no role, no permission.
                {"code": "expirer", "label": "Expirer", "source": ["attente"], "target": "close", "roles": [],
                 "permission": None, "comment_required": False, "required_fields": [], "notify_citizen": False,
                 "set_due_days": None},
                {"code": "valider", "label": "Valider (admin)", "source": ["en_cours"], "target": "close",
                 "roles": ["admin"], "permission": None, "comment_required": False, "required_fields": [],
                 "notify_citizen": False, "set_due_days": None}]})
        unused = Workflow(code="vide", label="Circuit sans demande", definition=WORKFLOW)
        db.session.add_all([other, unused])
        db.session.flush()
        db.session.execute(update(Request).where(Request.reference == "2026-00003").values(workflow_id=other.id))
        db.session.commit()
        simple, other_id = town.workflow, other.id
    html = signed_in(app, "agent@a.fr").get("/admin/requests/").get_data(as_text=True)
    select_html = html.split('name="transition"')[1].split("</select>")[0]
    groups = re.findall(r'<optgroup label="([^"]+)">', select_html)
    assert groups == ["Autre circuit", "Traitement simple"]  # not the workflow no listed request uses
    assert f'value="{other_id}:clore"' in select_html and f'value="{simple}:clore"' in select_html
    assert "expirer" not in select_html and "valider" not in select_html  # timer-only, another role's


def test_bulk_checks_the_workflow_again_on_the_server(app, town):
    client = signed_in(app, "agent@a.fr")
    with in_commune(app, town.id):
        first = db.session.scalar(select(Request).where(Request.reference == "2026-00001"))
        first_id, version = first.id, first.version
    # A choice of another workflow (forged) is refused for this request; nothing changes.
    response = client.post("/admin/requests/bulk", data={
        "csrf_token": csrf_token(client, "/admin/requests/"), "action": "transition", "ids": [first_id],
        "transition": f"{town.workflow + 1000}:prendre"})
    assert "This action belongs to another workflow." in response.get_data(as_text=True)
    with in_commune(app, town.id):
        assert db.session.get(Request, first_id).version == version
    response = client.post("/admin/requests/bulk", data={
        "csrf_token": csrf_token(client, "/admin/requests/"), "action": "transition", "ids": [first_id],
        "transition": f"{town.workflow}:prendre"})
    assert response.status_code == 200
    with in_commune(app, town.id):
        assert db.session.get(Request, first_id).state == "en_cours"
