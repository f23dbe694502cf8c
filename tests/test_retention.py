"""Retention (grc_core.retention): anonymising requests, the policies' engine,
the back-office page, ``grc retention`` and ``grc tick``."""
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from grc_core.extensions import db
from grc_core.models import (
    Attachment, AuditEvent, Membership, Message, OutboxMessage, Request, RequestEvent, User,
)
from grc_core.models.request import AppendOnlyError
from grc_core.plugin_api.testing import empty_tables, in_commune, make_agent
from grc_core.requests.service import add_attachments, add_message
from grc_core.retention import anonymise_request, anonymise_requests, closed_requests_due
from grc_core.workflows.engine import apply_transition
from test_requests import file_request, make_citizen, setup_commune

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CLOSED_AT = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def town(app):
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    town.citizen = make_citizen(app, town.id, email="jeanne@example.org")
    town.request = worked_request(app, town)
    return town


def worked_request(app, town, closed_at=CLOSED_AT):
    """A request with a subject, a location, a citizen, two messages, a file,
    a commented transition and a notification, closed at ``closed_at``."""
    email = getattr(town, "agent", "agent@a.fr")
    request_id, errors = file_request(app, town.id, actor_email=email, type_id=town.bacs,
                                      citizen_id=town.citizen, subject="Bac de Jeanne Martin",
                                      location="12 rue des Lilas", data={"motif": "Ma poubelle", "nombre": "2"},
                                      now=closed_at - timedelta(days=20))
    assert not errors
    with in_commune(app, town.id):
        agent = db.session.scalar(select(User).where(User.email == email))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == agent.id))
        request = db.session.get(Request, request_id)
        request.latitude, request.longitude = 47.9, 1.9
        db.session.commit()
        add_message(request, "Bonjour Madame Martin, votre bac arrive.", public=True, actor=agent,
                    now=closed_at - timedelta(days=10))
        add_message(request, "Appelée au 06 12 34 56 78", public=False, actor=agent,
                    now=closed_at - timedelta(days=9))
        add_attachments(request, [FileStorage(io.BytesIO(PDF), "facture-martin.pdf")], actor=agent,
                        now=closed_at - timedelta(days=8))
        apply_transition(request, "prendre", actor=agent, membership=membership, now=closed_at - timedelta(days=5))
        apply_transition(request, "clore", actor=agent, membership=membership, comment="Livré chez Mme Martin",
                         now=closed_at)
    return request_id


def files_of(app, commune_id, request_id) -> list[str]:
    """The storage keys of the request's attachments (the storage is shared by tests)."""
    from grc_core.requests.attachments import key_of

    with in_commune(app, commune_id):
        return [key_of(a) for a in db.session.scalars(select(Attachment).where(Attachment.request_id == request_id))]


def stored(app, key):
    from grc_core.storage import storage

    with app.app_context():
        return storage().read(key) if storage().exists(key) else None


def snapshot(app, commune_id, request_id):
    with in_commune(app, commune_id):
        request = db.session.get(Request, request_id)
        return {
            "request": {name: getattr(request, name) for name in (
                "reference", "request_type_id", "service_id", "channel", "priority", "quartier", "state",
                "state_kind", "received_at", "closed_at", "due_at", "first_response_at", "assignee_id")},
            "events": [(e.kind, e.at, e.from_state, e.to_state, e.actor_id) for e in db.session.scalars(
                select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(RequestEvent.id))],
            "messages": [(m.public, m.at) for m in db.session.scalars(
                select(Message).where(Message.request_id == request_id).order_by(Message.id))],
        }


# --- anonymise_request --------------------------------------------------------------

def test_anonymising_a_request_removes_personal_data_and_keeps_statistics(app, town):
    before = snapshot(app, town.id, town.request)
    [key] = files_of(app, town.id, town.request)
    assert stored(app, key) == PDF
    with in_commune(app, town.id):
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) >= 1
        request = db.session.get(Request, town.request)
        assert anonymise_request(request, policy="test.bacs") is True
        db.session.commit()
    assert stored(app, key) is None
    after = snapshot(app, town.id, town.request)
    assert after["request"] == before["request"]
    assert after["messages"] == before["messages"]
    assert after["events"][:-1] == before["events"] and after["events"][-1][0] == "anonymised"
    with in_commune(app, town.id):
        request = db.session.get(Request, town.request)
        assert (request.data, request.subject, request.location, request.latitude, request.longitude,
                request.citizen_id) == ({}, "", "", None, None, None)
        assert [m.body for m in request.messages] == ["", ""]
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        details = [e.details for e in db.session.scalars(select(RequestEvent).order_by(RequestEvent.id))]
        text = repr(details)
        for personal in ("Martin", "facture", "jeanne@example.org", "Livré"):
            assert personal not in text
        assert details[-1] == {"policy": "test.bacs"}
        assert any(d.get("transition") == "clore" for d in details)  # what statistics read stays
        # Idempotent: nothing more to change, no second history event.
        assert anonymise_request(request) is False
        db.session.commit()
    assert snapshot(app, town.id, town.request) == after


def test_form_fields_a_plugin_names_are_kept(app, town):
    with in_commune(app, town.id):
        assert anonymise_requests([str(town.request)], keep_fields=("nombre",)) == 1
        db.session.commit()
        assert db.session.get(Request, town.request).data == {"nombre": 2}


def test_history_stays_append_only_outside_retention(app, town):
    with in_commune(app, town.id):
        event = db.session.scalar(select(RequestEvent).where(RequestEvent.kind == "transition"))
        event.details = {}
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()


def test_retention_may_blank_details_but_no_other_history_column(app, town):
    from grc_core.models.request import anonymising_history

    with in_commune(app, town.id), anonymising_history():
        event = db.session.scalar(select(RequestEvent).where(RequestEvent.kind == "transition"))
        event.kind = "created"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()


def test_a_rolled_back_anonymisation_keeps_the_files(app, town):
    [key] = files_of(app, town.id, town.request)
    with in_commune(app, town.id):
        anonymise_request(db.session.get(Request, town.request))
        db.session.rollback()
    assert stored(app, key) == PDF and files_of(app, town.id, town.request) == [key]
    with in_commune(app, town.id):
        assert db.session.get(Request, town.request).citizen_id == town.citizen


def test_closed_requests_are_due_after_the_delay_and_not_once_anonymised(app, town):
    with in_commune(app, town.id):
        reference = db.session.get(Request, town.request).reference
        # Closed on 10 March 2025 (Paris): due one year later, on 10 March 2026.
        assert closed_requests_due(["bacs"], date(2026, 3, 9), months=12) == []
        [candidate] = closed_requests_due(["bacs"], date(2026, 3, 10), months=12)
        assert (candidate.key, candidate.label, candidate.due_on) == (
            str(town.request), f"{reference} — Demande de bacs", date(2026, 3, 10))
        assert closed_requests_due(["attestation"], date(2027, 1, 1), months=12) == []
        assert [c.due_on for c in closed_requests_due(["bacs"], date(2025, 3, 20), days=10)] == [date(2025, 3, 20)]
        anonymise_requests([candidate.key])
        db.session.commit()
        assert closed_requests_due(["bacs"], date(2027, 1, 1), months=12) == []


# --- the engine, the back-office page, the commands ---------------------------------------

KEEPERS = {"dummy": "tests.plugins.dummy.plugin", "keeper": "tests.plugins.keeper"}


@pytest.fixture(scope="module")
def keeper_app(tmp_path_factory):
    """Its own app (and database) with the dummy and keeper policies only, so
    that the page lists exactly what the test expects."""
    from grc_core.plugin_api.testing import build_test_app

    app = build_test_app(tmp_path_factory, plugins=["dummy", "keeper"], extra_plugins=KEEPERS, name="keeper",
                         own_database=True)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def towns(keeper_app):
    """Villeneuve (A) and Saint-Aubin (B), both with the policies: each has a
    request due (closed in March 2025), A one due within the month and one
    closed recently, B's type named apart so that its rows are recognisable."""
    from grc_core.calendar import add_months
    from grc_core.models import RequestType
    from grc_core.tenancy.activation import enable_plugin
    from grc_core.workflows.deadlines import PARIS

    app = keeper_app
    towns = {}
    today = datetime.now(PARIS).date()
    soon = datetime.combine(add_months(today, -12) + timedelta(days=10), datetime.min.time(), tzinfo=PARIS)
    for key, (name, insee, slug) in {"a": ("Villeneuve-sur-Loire", "45901", "villeneuve"),
                                     "b": ("Saint-Aubin-des-Prés", "45902", "saint-aubin")}.items():
        town = setup_commune(app, name, insee, slug)
        with in_commune(app, town.id):
            from grc_core.models import Commune

            commune = db.session.get(Commune, town.id)
            enable_plugin(commune, "dummy")
            enable_plugin(commune, "keeper")
            db.session.get(RequestType, town.bacs).label = f"Bacs de {name}"
            db.session.commit()
        make_agent(app, town.id, f"agent@{key}.fr", "agent", services=["voirie"])
        make_agent(app, town.id, f"admin@{key}.fr", "admin")
        town.agent = f"agent@{key}.fr"
        town.citizen = make_citizen(app, town.id, email=f"jeanne@{key}.org")
        town.due = worked_request(app, town)
        towns[key] = town
    a = towns["a"]
    a.soon = worked_request(app, a, closed_at=soon)
    a.recent = worked_request(app, a, closed_at=datetime.now(timezone.utc) - timedelta(days=3))
    a.today = today
    yield towns
    empty_tables(app)


def reference(app, town, request_id):
    with in_commune(app, town.id):
        return db.session.get(Request, request_id).reference


def is_anonymised(app, town, request_id) -> bool:
    with in_commune(app, town.id):
        return db.session.get(Request, request_id).citizen_id is None


def audits(app, town):
    with in_commune(app, town.id):
        return [(e.action, e.target, e.details) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention.anonymised").order_by(AuditEvent.id))]


def english_client(app, email):
    from grc_core.plugin_api.testing import login

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, email)
    return client


def section(html: str, code: str) -> str:
    start = html.index(f'id="policy-{code}"')
    return html[start:html.index("</section>", start)]


def test_the_page_lists_each_policy_and_its_candidates_before_anything_runs(keeper_app, towns):
    app, a, b = keeper_app, towns["a"], towns["b"]
    html = english_client(app, "admin@a.fr").get("/admin/core_retention/").get_data(as_text=True)
    assert "Demandes de bacs" in html and "Anonymisées un an après leur clôture." in html
    assert "Journal factice" in html  # the dummy's policy
    due = reference(app, a, a.due)
    assert f"{due} — Bacs de Villeneuve-sur-Loire" in html and "3/10/26" in html  # the English short date (Babel)
    assert f"{reference(app, a, a.soon)} — Bacs de Villeneuve-sur-Loire" in html
    bacs = section(html, "keeper.bacs")
    assert "Due now: 1<" in bacs and "Due within 30 days: 1<" in bacs
    assert "Due now: 0<" not in section(html, "dummy.journal")  # its entries are due the day they are written
    assert reference(app, a, a.recent) + " —" not in html
    assert "Saint-Aubin" not in html  # nothing of the other commune
    # Listing anonymises nothing.
    assert not is_anonymised(app, a, a.due) and audits(app, a) == []


def test_only_admins_see_and_run_retention(keeper_app, towns):
    app, a = keeper_app, towns["a"]
    from grc_core.plugin_api.testing import post_form

    agent = english_client(app, "agent@a.fr")
    assert agent.get("/admin/core_retention/").status_code == 403
    assert post_form(agent, "/admin/core_retention/run", token_url="/admin/").status_code == 403
    assert not is_anonymised(app, a, a.due) and audits(app, a) == []
    anonymous = app.test_client()
    assert anonymous.post("/admin/core_retention/run").status_code in (302, 400)
    assert not is_anonymised(app, a, a.due)


def test_running_now_anonymises_what_is_due_in_the_commune_only_and_audits_it(keeper_app, towns):
    from grc_core.models import Commune
    from grc_core.plugin_api.testing import post_form
    from tests.plugins.dummy.plugin import journal

    app, a, b = keeper_app, towns["a"], towns["b"]
    admin = english_client(app, "admin@a.fr")
    page = post_form(admin, "/admin/core_retention/run", follow_redirects=True).get_data(as_text=True)
    with in_commune(app, a.id):
        entries = journal(db.session.get(Commune, a.id))
    assert entries and set(entries) == {"anonymised"}
    assert f"{1 + len(entries)} record(s) anonymised." in page
    assert is_anonymised(app, a, a.due) and not is_anonymised(app, a, a.soon) and not is_anonymised(app, a, a.recent)
    assert not is_anonymised(app, b, b.due)
    with in_commune(app, b.id):
        assert "anonymised" not in journal(db.session.get(Commune, b.id))
    assert audits(app, a) == [
        ("retention.anonymised", "dummy.journal", {"policy": "dummy.journal", "count": len(entries),
                                                   "today": a.today.isoformat()}),
        ("retention.anonymised", "keeper.bacs", {"policy": "keeper.bacs", "count": 1, "today": a.today.isoformat()}),
    ]
    assert audits(app, b) == []
    with in_commune(app, a.id):
        assert db.session.get(Request, a.due).data == {"nombre": 2}  # the policy's keep_fields
    request_page = admin.get(f"/admin/requests/{a.due}/").get_data(as_text=True)
    assert "Personal data removed (retention)" in request_page and "Martin" not in request_page
    # The page now lists only what is still to come; running again changes nothing.
    assert "Due now: 0" in admin.get("/admin/core_retention/").get_data(as_text=True)
    page = post_form(admin, "/admin/core_retention/run", follow_redirects=True).get_data(as_text=True)
    assert "Nothing was due: no record anonymised." in page and len(audits(app, a)) == 2


def test_a_failing_policy_is_reported_and_does_not_stop_the_others(keeper_app, towns):
    from grc_core.models import Commune
    from grc_core.retention import run_retention

    app, a = keeper_app, towns["a"]
    with in_commune(app, a.id):
        commune = db.session.get(Commune, a.id)
        commune.settings = {**(commune.settings or {}), "keeper.break": True}
        db.session.commit()
        counts = run_retention(commune, a.today)
    assert counts["keeper.broken"] is None and counts["keeper.bacs"] == 1
    assert is_anonymised(app, a, a.due)


def test_grc_tick_runs_retention_in_every_commune_after_the_timers(keeper_app, towns):
    from grc_core.cli import cli
    from grc_core.models import Commune
    from grc_core.retention.engine import LAST_RUN, run_all

    app, a, b = keeper_app, towns["a"], towns["b"]
    result = app.test_cli_runner().invoke(cli, ["tick"])
    assert result.exit_code == 0, result.output
    assert "minuteries déclenchées" in result.output
    assert "Conservation des données :" in result.output and "anonymisé(s)" in result.output
    assert is_anonymised(app, a, a.due) and is_anonymised(app, b, b.due) and not is_anonymised(app, a, a.soon)
    assert [t for _, t, _ in audits(app, a)] == ["dummy.journal", "keeper.bacs"]
    assert [t for _, t, _ in audits(app, b)] == ["dummy.journal", "keeper.bacs"]
    # Once a day: a second tick the same day does not even look.
    with in_commune(app, a.id):
        assert db.session.get(Commune, a.id).settings[LAST_RUN] == a.today.isoformat()
    again = app.test_cli_runner().invoke(cli, ["tick"])
    assert "Conservation des données : 0 enregistrement(s) anonymisé(s)." in again.output
    assert len(audits(app, a)) == 2
    with app.app_context():
        assert run_all(a.today) == {"communes": 0, "anonymised": 0, "failed": 0}
        assert run_all(a.today + timedelta(days=1)) == {"communes": 2, "anonymised": 0, "failed": 0}


def test_a_day_with_a_failed_policy_is_run_again_by_the_next_tick(keeper_app, towns):
    from grc_core.models import Commune
    from grc_core.retention.engine import LAST_RUN, run_all

    app, a = keeper_app, towns["a"]
    with in_commune(app, a.id):
        commune = db.session.get(Commune, a.id)
        commune.settings = {**(commune.settings or {}), "keeper.break": True}
        db.session.commit()
        assert run_all(a.today)["failed"] == 1
        assert LAST_RUN not in db.session.get(Commune, a.id).settings
        assert run_all(a.today)["communes"] == 1  # A again; B was done


def test_grc_retention_lists_then_runs_for_one_commune(keeper_app, towns):
    from grc_core.cli import cli

    app, a, b = keeper_app, towns["a"], towns["b"]
    runner = app.test_cli_runner()
    listed = runner.invoke(cli, ["retention", "list", "--commune", "villeneuve"])
    assert listed.exit_code == 0, listed.output
    assert "keeper.bacs — Demandes de bacs : 1 dû(s), 1 à venir." in listed.output
    assert f"10/03/2026  {reference(app, a, a.due)} — Bacs de Villeneuve-sur-Loire" in listed.output
    assert "Saint-Aubin" not in listed.output and not is_anonymised(app, a, a.due)
    ran = runner.invoke(cli, ["retention", "run", "--commune", "villeneuve"])
    assert "keeper.bacs : 1 anonymisé(s)." in ran.output
    assert is_anonymised(app, a, a.due) and not is_anonymised(app, b, b.due)
    unknown = runner.invoke(cli, ["retention", "list", "--commune", "nulle-part"])
    assert unknown.exit_code != 0 and "inconnue" in unknown.output
