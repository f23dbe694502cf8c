"""Citizens' messages the agents have not read: marked in the queue and on the
request page, filtered on with a count that matches the list, read for every
agent of the request once one of them opens its page."""
from datetime import timedelta

from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Message, Request, utcnow
from grc_core.models.portal import CitizenAccount
from grc_core.plugin_api.testing import in_commune, make_agent
from grc_core.requests.queue import QueueFilters
from test_queue import run
from test_queue import town  # noqa: F401  (fixture)
from test_requests import signed_in

BADGE = '<span class="badge badge-warning grc-unread">new message</span>'


def request_id(app, town, reference):
    with in_commune(app, town.id):
        return db.session.scalar(select(Request.id).where(Request.reference == reference))


def write(app, town, reference, body, *, by_citizen=True, at=None):
    with in_commune(app, town.id):
        account = db.session.scalar(select(CitizenAccount))
        if account is None:
            account = CitizenAccount(email="lea@example.fr", first_name="Léa", last_name="Martin",
                                     citizen_id=town.citizen)
            db.session.add(account)
            db.session.flush()
        db.session.add(Message(request_id=request_id(app, town, reference), body=body, public=by_citizen,
                               citizen_account_id=account.id if by_citizen else None, at=at or town.now))
        db.session.commit()


def unread_rows(html):
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr ")[1:]
    return sorted(row.split('data-reference="')[1][:10] for row in rows if BADGE in row)


def test_a_citizen_message_is_unread_until_an_agent_of_the_request_opens_it(app, town):
    write(app, town, "2026-00001", "Les bacs sont toujours là.", at=town.now - timedelta(hours=2))
    write(app, town, "2026-00002", "Note interne", by_citizen=False)           # an agent's: nothing new
    write(app, town, "2026-00005", "Mon attestation ?")                        # another service's request
    # The filter's count is its list's length (run() checks it), and only what this agent may read.
    assert run(app, town, unread=True) == ["1"]
    assert run(app, town, "agent@a.fr") == ["1", "2", "3", "6"]

    make_agent(app, town.id, "agent2@a.fr", "agent", services=["voirie"])
    agent, colleague = signed_in(app, "agent@a.fr"), signed_in(app, "agent2@a.fr")
    queue = agent.get("/admin/requests/").get_data(as_text=True)
    assert unread_rows(queue) == ["2026-00001"]
    assert '<label class="form-check-label" for="unread">With unread citizen messages</label>' in queue
    filtered = agent.get("/admin/requests/?unread=1").get_data(as_text=True)
    assert "1 request" in filtered and unread_rows(filtered) == ["2026-00001"]
    assert 'id="unread" name="unread" value="1" checked' in filtered

    first = request_id(app, town, "2026-00001")
    with in_commune(app, town.id):
        version = db.session.get(Request, first).version
    page = agent.get(f"/admin/requests/{first}/").get_data(as_text=True)
    assert page.split('id="messages"')[1].count(BADGE) == 1
    # The citizen's message says it comes from the citizen, not that it went to him.
    assert '<span class="badge badge-info">From the citizen</span>' in page
    # Read for every agent of the request, and reading is not an edit of it.
    assert unread_rows(colleague.get("/admin/requests/").get_data(as_text=True)) == []
    assert "No request matches these filters." in colleague.get("/admin/requests/?unread=1").get_data(as_text=True)
    assert run(app, town, unread=True) == []
    with in_commune(app, town.id):
        assert db.session.get(Request, first).version == version
    assert BADGE not in agent.get(f"/admin/requests/{first}/").get_data(as_text=True)

    # The citizen answers again: new again.
    write(app, town, "2026-00001", "Et maintenant ?", at=utcnow() + timedelta(seconds=1))
    assert run(app, town, unread=True) == ["1"]
    page = colleague.get(f"/admin/requests/{first}/").get_data(as_text=True)
    assert page.split('id="messages"')[1].count(BADGE) == 1 and "Et maintenant ?" in page.split(BADGE)[1]


def test_the_badge_and_the_filter_in_french(app, town):
    write(app, town, "2026-00003", "Bonjour")
    client = signed_in(app, "agent@a.fr")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    html = client.get("/admin/requests/?unread=1").get_data(as_text=True)
    assert '<span class="badge badge-warning grc-unread">nouveau message</span>' in html
    assert "Avec un message de l’usager non lu" in html


def test_a_bad_unread_value_leaves_the_filter_off():
    for value in ("", "0", "no", "<script>", "1" * 500):
        assert QueueFilters.from_args({"unread": value}).unread is False
    assert QueueFilters.from_args({"unread": "1"}).to_args() == {"unread": "1"}


def test_opening_a_request_with_nothing_unread_writes_nothing(app, town):
    # The page's read receipt is written only when the page showed an unread
    # citizen's message: most openings send no UPDATE and commit no write.
    write(app, town, "2026-00002", "Note interne", by_citizen=False)
    quiet = request_id(app, town, "2026-00002")
    agent = signed_in(app, "agent@a.fr")
    assert agent.get(f"/admin/requests/{quiet}/").status_code == 200
    with in_commune(app, town.id):
        assert db.session.get(Request, quiet).citizen_messages_read_at is None

    write(app, town, "2026-00002", "Et ma demande ?", at=utcnow() - timedelta(minutes=5))
    assert unread_rows(agent.get("/admin/requests/").get_data(as_text=True)) == ["2026-00002"]
    assert agent.get(f"/admin/requests/{quiet}/").status_code == 200
    with in_commune(app, town.id):
        assert db.session.get(Request, quiet).citizen_messages_read_at is not None
    assert unread_rows(agent.get("/admin/requests/").get_data(as_text=True)) == []
