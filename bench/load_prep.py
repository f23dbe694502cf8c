"""What the load test needs beside the bench commune: the people who use it.

``bench.seed`` loads a town's history with ~60 agents; a Monday morning
needs more of them, and citizens who sign in. :func:`prepare` adds, on a
database ``bench.seed`` loaded (or a previous load test prepared), and
without failing when they are there already:

- ``LOAD_AGENTS`` agents ``chargeNNN@<commune>.fr`` (password
  ``bench.seed.BENCH_PASSWORD``), role ``agent`` in one of the services that
  handle the commune's own request types — a plain agent signs in without a
  second factor (``grc_core.security.two_factor.required``), as most of a
  town hall's staff would;
- each of them a pile of open requests of those types assigned to them
  (topped up to ``WORK_PER_AGENT`` at each run, since the previous run
  closed some): an agent transitions its own requests, so two simulated
  agents never race for one request's version, which a real office does not
  do all morning either;
- the commune's démarches open online (``grc_core.portal.demo.open_online``)
  and ``PORTAL_ACCOUNTS`` verified portal accounts
  ``usager.charge.NNN@example.org`` linked to citizens;
- ``OPEN311_KEYS`` API keys of the commune (scopes open311, read, write),
  the previous run's revoked: a key's secret is shown once, so each run
  makes its own and gives them to Locust in the plan file.

The plan (a JSON file, no secret of a real deployment in it) says Locust
who to sign in as and what to send: see ``bench/locustfile.py``.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import func, select, update

from . import seed as seeding

LOAD_AGENTS = 100
PORTAL_ACCOUNTS = 300
OPEN311_KEYS = 10
WORK_PER_AGENT = 25
PORTAL_PASSWORD = "bench-portail-2026"
KEY_NAME = "Test de charge"
OPEN311_TYPE = "signalement_voirie"
INTAKE_TYPE = "signalement_voirie"
# Transitions of the commune's own workflows (bench.seed.COMMUNE_WORKFLOWS)
# an agent applies from the request page; none asks for fields, a comment is
# always typed (some require one). The closing ones are rarer in the
# locustfile, so that piles last the whole run.
SAFE_TRANSITIONS = sorted({t["code"] for _label, definition in seeding.COMMUNE_WORKFLOWS.values()
                           for t in definition["transitions"] if not t["required_fields"]})
CLOSING_TRANSITIONS = sorted({t["code"] for _label, definition in seeding.COMMUNE_WORKFLOWS.values()
                              for t in definition["transitions"] if t["set_due_days"] == 0})


def agent_email(number: int, slug: str) -> str:
    return f"charge{number:03d}@{slug}.fr"


def portal_email(number: int) -> str:
    return f"usager.charge.{number:03d}@example.org"


def _commune(slug: str):
    from grc_core.extensions import db
    from grc_core.models import Commune

    return db.session.scalar(select(Commune).where(Commune.slug == slug))


def _agents(commune, count: int, log) -> list[str]:
    """The load's agents (made once), each in one service of the commune's own types."""
    from grc_core.extensions import db
    from grc_core.models import Membership, RequestType, Service, User

    service_ids = sorted(set(db.session.scalars(
        select(RequestType.service_id).where(RequestType.plugin.is_(None), RequestType.service_id.is_not(None)))))
    services = [db.session.get(Service, service_id) for service_id in service_ids]
    emails = [agent_email(number, commune.slug) for number in range(1, count + 1)]
    existing = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    missing = [email for email in emails if email not in existing]
    if missing:
        model = User(email="x", full_name="x")
        model.set_password(seeding.BENCH_PASSWORD)  # one scrypt hash for all: it is slow on purpose
        for email in missing:
            number = int(email[len("charge"):len("charge") + 3])
            user = User(email=email, full_name=f"Agent de charge {number}", password_hash=model.password_hash)
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(user=user, role="agent", services=[services[number % len(services)]],
                                      permissions=[]))
        db.session.flush()
    log(f"  agents: {len(missing)} added, {len(existing)} there already")
    return emails


def _work_piles(emails: list[str]) -> int:
    """Top each agent's pile of open requests of the commune's own types up to WORK_PER_AGENT.

    A bulk UPDATE of the assignee, as the seed loads history in bulk: the
    preparation is not what the test measures."""
    from grc_core.extensions import db
    from grc_core.models import Membership, Request, RequestType, User

    own_types = select(RequestType.id).where(RequestType.plugin.is_(None))
    agents = db.session.execute(select(User.id, Membership).join(Membership, Membership.user_id == User.id)
                                .where(User.email.in_(emails)).order_by(User.id)).all()
    agent_ids = [user_id for user_id, _membership in agents]
    added = 0
    for user_id, membership in agents:
        service_id = membership.services[0].id
        has = db.session.scalar(select(func.count()).select_from(Request).where(
            Request.assignee_id == user_id, Request.state_kind != "closed"))
        if has >= WORK_PER_AGENT:
            continue
        free = select(Request.id).where(
            Request.service_id == service_id, Request.request_type_id.in_(own_types),
            Request.state_kind != "closed",
            (Request.assignee_id.is_(None)) | (Request.assignee_id.not_in(agent_ids)),
        ).order_by(Request.id.desc()).limit(WORK_PER_AGENT - has).scalar_subquery()
        added += db.session.execute(update(Request).where(Request.id.in_(free)).values(assignee_id=user_id),
                                    execution_options={"synchronize_session": False}).rowcount
    db.session.flush()
    return added


def _portal_accounts(count: int, log) -> list[str]:
    """Verified portal accounts of citizens (made once). The seed gives the
    first citizens most requests (a few come back all the time, hundreds of
    requests each at 1,000,000): the accounts go to the last ones, who have
    the handful of requests a citizen has."""
    from werkzeug.security import generate_password_hash

    from grc_core.extensions import db
    from grc_core.models import Citizen, CitizenAccount

    emails = [portal_email(number) for number in range(1, count + 1)]
    existing = set(db.session.scalars(select(CitizenAccount.email).where(CitizenAccount.email.in_(emails))))
    missing = [email for email in emails if email not in existing]
    if missing:
        taken = select(CitizenAccount.citizen_id).where(CitizenAccount.citizen_id.is_not(None))
        citizens = list(db.session.scalars(
            select(Citizen).where(Citizen.merged_into_id.is_(None), Citizen.id.not_in(taken))
            .order_by(Citizen.id.desc()).limit(len(missing))))
        password_hash = generate_password_hash(PORTAL_PASSWORD, method="scrypt")
        for email, citizen in zip(missing, citizens):
            db.session.add(CitizenAccount(
                email=email, first_name=citizen.first_name, last_name=citizen.last_name,
                birth_date=citizen.birth_date or date(1980, 1, 1), email_verified_at=datetime.now(timezone.utc),
                password_hash=password_hash, citizen_id=citizen.id))
        db.session.flush()
    log(f"  portal accounts: {len(missing)} added, {len(existing)} there already")
    return emails


def _keys(count: int) -> list[str]:
    """Fresh API keys of the commune; the previous run's are revoked (their secrets are gone)."""
    from grc_core.extensions import db
    from grc_core.models import ApiKey
    from grc_core.webapi.keys import create_key, revoke_key

    for key in db.session.scalars(select(ApiKey).where(ApiKey.name.like(f"{KEY_NAME}%"),
                                                      ApiKey.revoked_at.is_(None))):
        revoke_key(key)
    secrets = []
    for number in range(1, count + 1):
        _key, secret = create_key(name=f"{KEY_NAME} {number}", scopes=["open311", "read", "write"], role="manager")
        secrets.append(secret)
    db.session.flush()
    return secrets


def _demarches(commune) -> list[dict]:
    """The commune's own démarches open online and a valid filing of each (the form's field names)."""
    from grc_core.forms.specs import fields_of
    from grc_core.portal.catalogue import open_types

    from .portal_bench import sample

    return [{"code": request_type.code,
             "form": {f"f_{spec.name}": sample(spec) for spec in fields_of(request_type) if spec.type != "file"}}
            for request_type in open_types(commune) if not request_type.plugin]


def _intake(commune) -> dict:
    """What the quick-intake form is filled with: the type, and citizens the agents file for
    (none known through a confidential file: an agent without the CCAS's permission does not see them)."""
    from grc_core.extensions import db
    from grc_core.models import Citizen, Request, RequestType
    from grc_core.requests.confidentiality import confidential_types

    request_type = db.session.scalar(select(RequestType).where(RequestType.code == INTAKE_TYPE))
    secret = select(RequestType.id).where(RequestType.code.in_(sorted(confidential_types(commune))))
    hidden = select(Request.citizen_id).where(Request.request_type_id.in_(secret), Request.citizen_id.is_not(None))
    citizens = list(db.session.scalars(select(Citizen.id).where(Citizen.merged_into_id.is_(None),
                                                                Citizen.id.not_in(hidden))
                                       .order_by(Citizen.id.desc()).limit(500)))
    return {"type_id": request_type.id, "type_label": request_type.label, "citizen_ids": citizens}


def prepare(url: str, plan_path: Path, *, agents: int = LOAD_AGENTS, portal_accounts: int = PORTAL_ACCOUNTS,
            keys: int = OPEN311_KEYS, log=print) -> dict:
    """Add what the load needs to the bench commune (idempotent) and write the plan for Locust."""
    from grc_core.extensions import db
    from grc_core.plugin_api.testing import in_commune
    from grc_core.portal.demo import open_online

    slug = seeding.BENCH_COMMUNE[2]
    app = seeding.bench_app(url)
    with app.app_context():
        commune = _commune(slug)
        if commune is None:
            raise RuntimeError(f"no bench commune « {slug} » in this database: load it with python -m bench.seed")
        commune_id = commune.id
    with in_commune(app, commune_id):
        commune = _commune(slug)
        open_online(commune)
        agent_emails = _agents(commune, agents, log)
        piles = _work_piles(agent_emails)
        log(f"  requests assigned to the agents' piles: {piles}")
        portal_emails = _portal_accounts(portal_accounts, log)
        secrets = _keys(keys)
        plan = {
            "slug": slug,
            "agents": agent_emails, "agent_password": seeding.BENCH_PASSWORD,
            "portal_accounts": portal_emails, "portal_password": PORTAL_PASSWORD,
            "open311_keys": secrets, "open311_type": OPEN311_TYPE,
            "demarches": _demarches(commune),
            "intake": _intake(commune),
            "transitions": SAFE_TRANSITIONS, "closing_transitions": CLOSING_TRANSITIONS,
            "search_words": ["bac", "trottoir", "lampadaire", "voirie", "bruit", "élagage", "2026-"],
        }
        db.session.commit()
    with app.app_context():
        db.engine.dispose()
    plan_path.write_text(json.dumps(plan, ensure_ascii=False, indent=1))
    return plan
