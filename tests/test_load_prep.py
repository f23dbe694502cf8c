"""The load test's preparation and what its Locust users send, at a tiny scale.

Locust itself is not run here (no timing in tests; it may not even be
installed beside the application): each kind of simulated user's path is
driven through the test client with the same plan and the same form
readers (bench.html_forms) the locustfile uses, so that a change of a page
that would make the load test fail shows here first. The bench database is
a tiny one of its own (SQLite in a temporary folder, or ``<test db>_load_prep``
next to the test PostgreSQL database).
"""
from __future__ import annotations

import json
import os
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench import load_prep
from bench import seed as bench_seed
from bench.html_forms import IntakeCase, csrf_from, form_fields, intake_payload, transition_choices

AGENTS, ACCOUNTS, KEYS = 6, 5, 2
REQUEST_LINK = re.compile(r'href="(/admin/requests/\d+/)"')


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A tiny bench commune prepared twice (the second time as ``--reuse`` would): both plans."""
    folder = tmp_path_factory.mktemp("load")
    test_url = os.environ.get("GRC_TEST_DATABASE_URL")
    if test_url and make_url(test_url).get_backend_name() == "postgresql":
        parsed = make_url(bench_seed.normalise_url(test_url))
        url = parsed.set(database=f"{parsed.database}_load_prep").render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{folder / 'load.sqlite'}"
    bench_seed.seed(url, 200, 1_000, reset=True, log=lambda line: None)
    plans = [load_prep.prepare(url, folder / f"plan{run}.json", agents=AGENTS, portal_accounts=ACCOUNTS, keys=KEYS,
                               log=lambda line: None) for run in (1, 2)]
    app = bench_seed.bench_app(bench_seed.normalise_url(url))
    yield app, plans, folder
    from grc_core.extensions import db

    with app.app_context():
        db.engine.dispose()


def _commune_id(app):
    from grc_core.extensions import db
    from grc_core.models import Commune

    with app.app_context():
        return db.session.scalar(select(Commune.id).where(Commune.slug == bench_seed.BENCH_COMMUNE[2]))


def test_preparing_again_adds_nothing_but_fresh_keys(prepared):
    from grc_core.extensions import db
    from grc_core.models import ApiKey, CitizenAccount, Membership, User
    from grc_core.plugin_api.testing import in_commune

    app, (first, second), folder = prepared
    assert first["agents"] == second["agents"] and len(second["agents"]) == AGENTS
    assert first["portal_accounts"] == second["portal_accounts"] and len(second["portal_accounts"]) == ACCOUNTS
    assert json.loads((folder / "plan2.json").read_text()) == second
    with in_commune(app, _commune_id(app)):
        users = db.session.scalars(select(User).where(User.email.like("charge%"))).all()
        assert sorted(user.email for user in users) == sorted(second["agents"])
        memberships = db.session.scalars(select(Membership).where(Membership.user_id.in_([u.id for u in users]))).all()
        assert len(memberships) == AGENTS
        assert all(m.role == "agent" and len(m.services) == 1 and not m.permissions for m in memberships)
        assert db.session.scalar(select(func.count()).select_from(CitizenAccount).where(
            CitizenAccount.email.like("usager.charge.%"), CitizenAccount.citizen_id.is_not(None),
            CitizenAccount.email_verified_at.is_not(None))) == ACCOUNTS
        keys = db.session.scalars(select(ApiKey).where(ApiKey.name.like(f"{load_prep.KEY_NAME}%"))).all()
        # The first run's secrets are gone with its plan: its keys are revoked, not reused.
        assert len(keys) == 2 * KEYS and sum(key.revoked_at is None for key in keys) == KEYS
    assert set(first["open311_keys"]).isdisjoint(second["open311_keys"])


def test_a_database_without_the_bench_commune_is_refused_with_a_clear_message(prepared, tmp_path):
    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    bench_seed.migrate(bench_seed.bench_app(empty))
    with pytest.raises(RuntimeError, match="no bench commune .* python -m bench.seed"):
        load_prep.prepare(empty, tmp_path / "plan.json", log=lambda line: None)
    assert not (tmp_path / "plan.json").exists()


def _agent_client(app, plan, number=0):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": plan["agents"][number], "password": plan["agent_password"],
                                           "csrf_token": csrf_from(page)})
    # A plain agent: no second step (the locustfile does not know one).
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    return client


def test_an_agent_transitions_a_request_of_its_pile_from_the_page_s_form(prepared):
    from grc_core.extensions import db
    from grc_core.models import Request, RequestEvent
    from grc_core.plugin_api.testing import in_commune

    app, (_first, plan), _folder = prepared
    client = _agent_client(app, plan)
    pile = REQUEST_LINK.findall(client.get("/admin/requests/?assignee=me&kind=todo").get_data(as_text=True))
    assert pile, "the preparation gave the agent no open request"
    url = pile[0]
    form = transition_choices(client.get(url).get_data(as_text=True))
    codes = [code for code in form["codes"] if code in plan["transitions"]]
    assert codes and form["action"] == f"{url}transition" and form["version"]
    request_id = int(url.strip("/").split("/")[-1])
    with in_commune(app, _commune_id(app)):
        before = db.session.get(Request, request_id).state
    response = client.post(form["action"], data={"csrf_token": form["csrf_token"], "version": form["version"],
                                                  "transition": codes[0], "comment": "Vu avec le service."})
    assert response.status_code == 302
    with in_commune(app, _commune_id(app)):
        request = db.session.get(Request, request_id)
        event = db.session.scalar(select(RequestEvent).where(RequestEvent.request_id == request_id,
                                                             RequestEvent.kind == "transition")
                                  .order_by(RequestEvent.id.desc()))
        assert (event.from_state, event.to_state) == (before, request.state) and before != request.state


def test_a_stale_transition_is_a_failure_the_load_test_would_count(prepared):
    """Posting the form's old version again answers 409: the locustfile counts any non-2xx/3xx."""
    app, (_first, plan), _folder = prepared
    client = _agent_client(app, plan, 1)
    url = REQUEST_LINK.findall(client.get("/admin/requests/?assignee=me&kind=todo").get_data(as_text=True))[0]
    form = transition_choices(client.get(url).get_data(as_text=True))
    code = next(code for code in form["codes"] if code in plan["transitions"])
    data = {"csrf_token": form["csrf_token"], "version": form["version"], "transition": code, "comment": "Vu."}
    assert client.post(form["action"], data=data).status_code == 302
    assert client.post(form["action"], data=data).status_code == 409


def test_quick_intake_with_the_plan_files_a_request(prepared):
    from grc_core.extensions import db
    from grc_core.models import Request
    from grc_core.plugin_api.testing import in_commune

    app, (_first, plan), _folder = prepared
    client = _agent_client(app, plan, 2)
    intake = plan["intake"]
    citizen = intake["citizen_ids"][0]
    url = f"/admin/intake/?citizen={citizen}&type={intake['type_id']}"
    page = client.get(url).get_data(as_text=True)
    case = IntakeCase(citizen_id=citizen, type_id=intake["type_id"], type_label=intake["type_label"],
                      subject="Nid-de-poule signalé au guichet", location="3 rue de la République")
    response = client.post(url, data=intake_payload(form_fields(page), case, csrf_from(page)))
    assert response.status_code == 302 and "/admin/intake/done/" in response.headers["Location"]
    with in_commune(app, _commune_id(app)):
        filed = db.session.get(Request, int(response.headers["Location"].rstrip("/").split("/")[-1]))
        assert (filed.citizen_id, filed.request_type_id, filed.channel) == (citizen, intake["type_id"], "guichet")


def test_a_portal_citizen_signs_in_and_files_each_demarche_of_the_plan(prepared):
    app, (_first, plan), _folder = prepared
    base = f"/c/{plan['slug']}/portal"
    assert len(plan["demarches"]) >= 5
    for number, demarche in enumerate(plan["demarches"]):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.46.0.{number + 1}"
        page = client.get(f"{base}/account/sign-in").get_data(as_text=True)
        response = client.post(f"{base}/account/sign-in", data={
            "csrf_token": csrf_from(page), "email": plan["portal_accounts"][number % ACCOUNTS],
            "password": plan["portal_password"], "next": ""})
        assert response.status_code == 302, demarche["code"]
        assert client.get(f"{base}/my-requests/").status_code == 200
        url = f"{base}/procedures/{demarche['code']}/file"
        page = client.get(url).get_data(as_text=True)
        response = client.post(url, data={"csrf_token": csrf_from(page), **demarche["form"]})
        assert response.status_code == 302 and response.headers["Location"].endswith("/filed"), demarche["code"]


def test_an_open311_client_reads_and_posts_with_a_key_of_the_plan(prepared):
    app, (first, plan), _folder = prepared
    client = app.test_client()
    base = f"/c/{plan['slug']}/open311/v2"
    headers = {"X-API-Key": plan["open311_keys"][0]}
    assert client.get(f"{base}/services.json", headers=headers).status_code == 200
    listed = client.get(f"{base}/requests.json", headers=headers)
    assert listed.status_code == 200 and all("service_request_id" in item for item in listed.get_json())
    report = {"service_code": plan["open311_type"], "lat": "47.90", "long": "1.90",
              "description": "Nid-de-poule devant l'école", "attribute[nature]": "nid_de_poule",
              "attribute[adresse]": "12 rue des Lilas"}
    filed = client.post(f"{base}/requests.json", data=report, headers=headers)
    assert filed.status_code == 200 and filed.get_json()[0]["service_request_id"]
    # The previous run's key was revoked by the second preparation.
    assert client.post(f"{base}/requests.json", data=report,
                       headers={"X-API-Key": first["open311_keys"][0]}).status_code in (401, 403)
