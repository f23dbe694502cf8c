"""The citizen's 360° record: open requests first with what is awaited and
from whom, then the history grouped by request (collapsed), the request's
contacts and messages inside its thread."""
from datetime import timedelta

from sqlalchemy import update

from grc_core.extensions import db
from grc_core.models import Request
from grc_core.plugin_api.testing import in_commune, login, make_agent
from tests.test_citizen_helpers import add_contact, add_message, at, english, make_request
from tests.test_citizen_timeline import story  # noqa: F401  (fixture)


def record(app, client, commune, citizen):
    if not client.get("/admin/").status_code == 200:
        make_agent(app, commune, "agent@a.fr", "agent")
        login(client, "agent@a.fr")
    return english(client).get(f"/admin/citizens/{citizen}/").get_data(as_text=True)


def test_open_requests_come_first_those_waiting_for_the_citizen_on_top(app, client, story):
    commune, anne = story
    waiting = make_request(app, commune, anne, "2026-00010", received=at(9), subject="Pièce manquante")
    closed = make_request(app, commune, anne, "2026-00011", received=at(10), state="terminee")
    with in_commune(app, commune):
        db.session.execute(update(Request).where(Request.id == waiting).values(state_kind="waiting"))
        db.session.commit()
    page = record(app, client, commune, anne)
    assert page.index('id="open-requests"') < page.index('id="timeline"')
    opened = page.split('id="open-requests"')[1].split('id="timeline"')[0]
    order = [opened.index(f'data-reference="{ref}"') for ref in ("2026-00010", "2026-00009", "2026-00001")]
    assert order == sorted(order)  # waiting for the citizen first
    assert "2026-00011" not in opened and closed
    assert "Awaited:</strong> From the citizen: Reçue" in opened
    assert "From the commune (Reçue)" in opened  # nobody nor any service in charge yet


def test_the_history_is_grouped_by_request_and_collapsed(app, client, story):
    commune, anne = story
    with in_commune(app, commune):
        first = db.session.query(Request).filter_by(reference="2026-00001").one().id
    # A contact about the first request goes into its thread.
    add_contact(app, commune, anne, "Appel au sujet du nid-de-poule", at(5, 10), request_id=first)
    page = record(app, client, commune, anne)
    history = page.split('id="timeline"')[1]
    threads = history.split('<li class="list-group-item p-0 grc-thread"')[1:]
    assert [t.split('data-request="')[1][:10] for t in threads] == ["2026-00009", "2026-00001"]
    first_thread = threads[1].split("</details>")[0]
    assert "<details>" in first_thread  # collapsed until opened
    for text in ("Nous intervenons", "Voir avec le service voirie", "Appel au sujet du nid-de-poule",
                 "Reçue → En cours d&#39;instruction"):
        assert text in first_thread
    assert "5 entries" in first_thread.split("</summary>")[0]  # filed, moved, message, note, contact
    # The contact about no request stands alone, between the two threads by date.
    alone = history.index("Relance par téléphone")
    assert history.index('data-request="2026-00009"') < alone < history.index('data-request="2026-00001"')


def test_another_citizens_and_unreadable_requests_stay_out(app, client, story):
    commune, anne = story
    page = record(app, client, commune, anne)
    assert "2026-00002" not in page
    add_message(app, commune, make_request(app, commune, anne, "2026-00012", received=at(1) - timedelta(days=1)),
                "Ancien message", at(2))
    assert "Ancien message" in record(app, client, commune, anne)
