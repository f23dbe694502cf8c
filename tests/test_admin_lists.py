"""The remaining Flask-Admin list screens read as words: events, dates,
yes/no, channels in exports — in the reader's language."""
import csv
import io
import re

from tests.test_queue import town  # noqa: F401 (fixture)
from tests.test_requests import signed_in
from grc_core.plugin_api.testing import make_agent


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


def test_the_audit_log_names_events_in_words_and_dates_in_the_readers_way(app, town):  # noqa: F811
    make_agent(app, town.id, "admin@a.fr", "admin")
    admin = signed_in(app, "admin@a.fr")
    french = admin.get("/admin/core_audit/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Connexion" in french
    assert ">login.succeeded<" not in french.replace(" ", "").replace("\n", "")
    # A date as a French reader writes it (07/12/2026 02:53), not the database's ISO form.
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", french)
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", french)
    english = admin.get("/admin/core_audit/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Signed in" in english
    # The code stays what the search finds.
    found = admin.get("/admin/core_audit/?search=login.succeeded", headers={"Accept-Language": "fr"})
    assert "Connexion" in found.get_data(as_text=True)


def test_the_queue_export_writes_channels_and_priorities_as_words(app, town):  # noqa: F811
    client = signed_in(app, "agent@a.fr")
    french = csv_rows(client.get("/admin/requests/export.csv?kind=all", headers={"Accept-Language": "fr"}))
    channel, priority = french[0].index("Canal"), french[0].index("Priorité")
    assert {row[channel] for row in french[1:]} <= {"Guichet", "Téléphone", "Courrier", "E-mail", "En ligne", "API"}
    assert "guichet" not in {row[channel] for row in french[1:]}
    assert {row[priority] for row in french[1:]} <= {"Basse", "Normale", "Haute", "Urgente"}
    english = csv_rows(client.get("/admin/requests/export.csv?kind=all", headers={"Accept-Language": "en"}))
    assert "Counter" in {row[english[0].index("Channel")] for row in english[1:]}


def test_the_agents_list_says_yes_or_no_in_words(app, town):  # noqa: F811
    make_agent(app, town.id, "admin@a.fr", "admin")
    page = signed_in(app, "admin@a.fr").get("/admin/core_agents/", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert '<span class="sr-only">Oui</span>' in html
    assert "user.active: true" not in html


def test_a_negative_page_number_shows_the_first_page(app, town):  # noqa: F811
    """?page=-1 would be a negative OFFSET — an error on PostgreSQL (found by the fuzz test on the outbox list)."""
    make_agent(app, town.id, "admin@a.fr", "admin")
    client = signed_in(app, "admin@a.fr")
    for url in ("/admin/core_outbox/?page=-1", "/admin/core_agents/?page=-3"):
        assert client.get(url).status_code == 200, url
